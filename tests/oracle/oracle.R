# oracle.R - learnpath's continuation functions against R's survival
# package (README rules 17-20; tests/oracle/run.sh drives it).
#
#   Rscript tests/oracle/oracle.R gen DIR       write the data sets into DIR
#   Rscript tests/oracle/oracle.R compare DIR   compare learnpath's answers
#                                               in DIR with survfit's
#
# gen writes, per data set NAME: NAME.enr.csv (the enrollments learnpath
# reads: user_id, program, minutes after 2020-01-01 00:00 UTC, segment),
# NAME.obs.csv (the (time, status) each user must come to, with the
# segment and first program: what R fits) and a line of DIR/sets.txt
# (NAME, observe_until in minutes or "", at_days). Every user's journey
# is built to give that (time, status): an event at t days is a first
# program at s1 and a second program "Z" at s1 + t; a censored user has
# one program at E - t. Times are whole minutes, so R's tie tolerance
# (aeqSurv) never merges two of them and both sides read the same doubles.
#
# compare reads DIR/NAME.CONF.curve.csv, .at.csv and .stats.csv
# (learnpath's rows, numbers printed with 17 digits) and compares every
# value with survfit / summary(censored = TRUE) / summary(times, extend =
# TRUE) / quantile per stratum (segment x first program, and each
# segment's users, program NULL), and DIR/NAME.inc.csv
# (next_program_incidence at the same days) with survfit(Surv(time,
# factor(dest)))'s pstate, and DIR/NAME.coh.csv (continuation_cohorts, the
# same days as windows) with counts of the observations and survfit's
# curve per cohort, to a relative 1e-9; NULL must be NA or NaN in R. It prints one line per mismatch (the first 20, or as many as
# the environment's ORACLE_SHOW says), then
# "compared N values, max relative difference D" and exits 1 on any
# mismatch.
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]
dir <- args[2]
E.DAYS <- 1100
E.MIN <- E.DAYS * 1440
AT <- "0,1,7,30,90.5,180,365,1000,5000"

# ---------------------------------------------------------------- data sets

# Users from (segment, program, time in minutes, status): the enrollments
# and the observations, with extra rows that must not change them. An
# event's second step goes to one of several destinations (rule 20): "Z",
# "Y", "W", or the tie of "W" and "X" at one instant (label "W + X");
# dest is "censor" for a censored user (R's censoring level).
build <- function(seg, prog, kmin, status, seed, Emin = E.MIN) {
    set.seed(seed)
    n <- length(seg)
    id <- seq_len(n)
    # an event's first step starts at r, in [0, E - t]; a censored one at E - t
    r <- ifelse(status == 1, floor(runif(n) * (Emin - kmin + 1)), Emin - kmin)
    pick <- sample(c("Z", "Y", "W", "WX"), n, replace = TRUE, prob = c(0.4, 0.25, 0.2, 0.15))
    enr <- data.frame(user_id = id, program = prog, minutes = r, segment = seg)
    ev <- status == 1
    enr <- rbind(enr, data.frame(user_id = id[ev], program = ifelse(pick[ev] == "WX", "W", pick[ev]),
                                 minutes = r[ev] + kmin[ev], segment = seg[ev]))
    tie <- ev & pick == "WX"
    enr <- rbind(enr, data.frame(user_id = id[tie], program = rep("X", sum(tie)),
                                 minutes = r[tie] + kmin[tie], segment = seg[tie]))
    dest <- ifelse(status == 1, ifelse(pick == "WX", "W + X", pick), "censor")
    obs <- data.frame(user_id = id, segment = seg, program = prog, time = kmin / 1440,
                      status = status, dest = dest)
    list(enr = enr, obs = obs)
}

# With observe_until: users after E and second programs after E.
add.after.E <- function(d, Emin = E.MIN) {
    n0 <- max(d$obs$user_id)
    # a user whose first program starts after E: left out
    late <- data.frame(user_id = n0 + 1:3, program = "A", minutes = Emin + c(1, 60, 1440),
                       segment = d$obs$segment[1])
    # users who continue after E: censored at E - s1
    s1 <- Emin - c(1440 * 10, 1440 * 40 + 7)
    seg <- d$obs$segment[1:2]
    cont <- data.frame(user_id = n0 + 4:5, program = "B", minutes = s1, segment = seg)
    cont2 <- data.frame(user_id = n0 + 4:5, program = "Z", minutes = Emin + c(1, 2880),
                        segment = seg)
    d$enr <- rbind(d$enr, late, cont, cont2)
    d$obs <- rbind(d$obs, data.frame(user_id = n0 + 4:5, segment = seg, program = "B",
                                     time = (Emin - s1) / 1440, status = 0, dest = "censor"))
    d
}

random.set <- function(seed, n) {
    set.seed(seed)
    seg <- sample(c("prof", "stud", "corp"), n, replace = TRUE, prob = c(0.5, 0.35, 0.15))
    prog <- sample(c("A", "B", "C"), n, replace = TRUE)
    # ties: whole days from a small pool; the rest any minute
    tied <- runif(n) < 0.6
    kmin <- ifelse(tied, sample(c(1, 2, 7, 14, 30, 31, 60, 90, 180, 365), n, replace = TRUE) * 1440,
                   floor(runif(n) * 1000 * 1440))
    status <- as.integer(runif(n) < 0.55)
    # censoring at event times: some censored users copy an event's time
    ev <- which(status == 1)
    cz <- which(status == 0 & runif(n) < 0.3)
    if (length(ev) > 0 && length(cz) > 0) kmin[cz] <- kmin[ev[sample.int(length(ev), length(cz), TRUE)]]
    # a stratum whose curve drops to 0: corp x A, every user continues
    status[seg == "corp" & prog == "A"] <- 1
    # a stratum that never reaches 0.5: corp x C, one in ten continues
    cc <- seg == "corp" & prog == "C"
    status[cc] <- as.integer(runif(sum(cc)) < 0.1)
    build(seg, prog, kmin, status, seed + 1000)
}

hand <- function(seg, prog, days, status) build(seg, prog, days * 1440, status, 7)

sets <- function() {
    s <- list()
    # the issue's fixture: student (s) and professional (p), first program A
    s$issue <- hand(rep(c("s", "p"), each = 8), "A",
                    c(10, 20, 20, 30, 35, 40, 50, 60, 15, 25, 40, 40, 55, 70, 80, 90),
                    c(1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1))
    # hand-made edges: S exactly 0.5 to the end (median to the last time);
    # S 0.5 then lower (the middle of two event times); all censored; one
    # user; every user at one time; censoring at an event time
    s$edges <- hand(c(rep("a", 4), rep("b", 4), rep("c", 3), "d", "e", rep("f", 5), rep("g", 6)),
                    c(rep("A", 4), rep("A", 4), rep("B", 3), "A", "A", rep("C", 5), rep("A", 3), rep("B", 3)),
                    c(10, 20, 30, 40, 10, 20, 30, 40, 5, 6, 7, 3, 4, 7, 7, 7, 7, 7, 2, 2, 2, 5, 5, 9),
                    c(1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1))
    s$edges <- add.after.E(s$edges)
    for (i in 1:6) {
        nm <- paste0("random", i)
        s[[nm]] <- random.set(i, c(60, 200, 500, 1500, 3000, 40)[i])
        if (i %% 2 == 0) s[[nm]] <- add.after.E(s[[nm]])
    }
    s
}

# E: observe_until for every set but random3, which relies on the source's
# latest enrollment (a censored user at E with time 0 makes it E)
observe.for <- function(nm) if (nm == "random3") "" else as.character(E.MIN)

if (mode == "gen") {
    s <- sets()
    lines <- character(0)
    for (nm in names(s)) {
        d <- s[[nm]]
        if (nm == "random3") {
            u <- max(d$obs$user_id) + 1
            d$enr <- rbind(d$enr, data.frame(user_id = u, program = "A", minutes = E.MIN, segment = "prof"))
            d$obs <- rbind(d$obs, data.frame(user_id = u, segment = "prof", program = "A", time = 0, status = 0,
                                             dest = "censor"))
            stopifnot(max(d$enr$minutes) == E.MIN)
        }
        write.csv(d$enr, file.path(dir, paste0(nm, ".enr.csv")), row.names = FALSE, quote = FALSE)
        write.csv(d$obs, file.path(dir, paste0(nm, ".obs.csv")), row.names = FALSE, quote = FALSE)
        lines <- c(lines, paste(nm, observe.for(nm), AT, sep = ";"))
    }
    writeLines(lines, file.path(dir, "sets.txt"))
    quit(status = 0)
}

# ------------------------------------------------------------- comparison

nCompared <- 0
maxRel <- 0
nBad <- 0
bad <- function(what, got, want) {
    nBad <<- nBad + 1
    if (nBad <= as.numeric(Sys.getenv("ORACLE_SHOW", "20"))) cat(sprintf("MISMATCH %s: learnpath %s, R %s\n", what, format(got, digits = 17),
                                format(want, digits = 17)))
}
# one value: NULL (NA) only where R has NA or NaN; numbers to a relative 1e-9
same <- function(what, got, want) {
    nCompared <<- nCompared + 1
    if (is.na(want) || is.nan(want)) {
        if (!is.na(got)) bad(what, got, want)
        return(invisible())
    }
    if (is.na(got)) return(bad(what, got, want))
    d <- abs(got - want)
    rel <- if (d == 0) 0 else d / max(abs(got), abs(want))
    if (rel > maxRel) maxRel <<- rel
    if (rel > 1e-9) bad(what, got, want)
}

# The strata in learnpath's order: segment, first program by name, then
# the segment's users (program NA); each with its observations.
strata <- function(obs) {
    out <- list()
    for (sg in sort(unique(obs$segment), method = "radix")) {
        o <- obs[obs$segment == sg, ]
        for (p in sort(unique(o$program), method = "radix")) {
            out[[length(out) + 1]] <- list(seg = sg, prog = p, o = o[o$program == p, ])
        }
        out[[length(out) + 1]] <- list(seg = sg, prog = NA, o = o)
    }
    out
}

readLp <- function(f) {
    x <- read.csv(f, header = TRUE, na.strings = "", stringsAsFactors = FALSE,
                  colClasses = c(segment = "character", program = "character"))
    x
}

compareCurve <- function(tag, lp, st, ct, level, times = NULL) {
    i0 <- 1
    for (s in st) {
        fit <- survfit(Surv(time, status) ~ 1, data = s$o, conf.type = ct, conf.int = level)
        sm <- if (is.null(times)) summary(fit, censored = TRUE) else summary(fit, times = times, extend = TRUE)
        n <- length(sm$time)
        key <- paste0(tag, " ", s$seg, "/", ifelse(is.na(s$prog), "NULL", s$prog))
        rows <- lp[seq_len(nrow(lp)) >= i0 & seq_len(nrow(lp)) < i0 + n, ]
        if (nrow(rows) != n || any(rows$segment != s$seg) ||
            any(is.na(rows$program) != is.na(s$prog)) || (!is.na(s$prog) && any(rows$program != s$prog))) {
            bad(paste(key, "rows"), nrow(rows), n)
            return(invisible())
        }
        for (k in seq_len(n)) {
            w <- paste0(key, " row ", k)
            same(paste(w, "day"), rows$day[k], sm$time[k])
            same(paste(w, "at_risk"), rows$at_risk[k], sm$n.risk[k])
            same(paste(w, "events"), rows$events[k], sm$n.event[k])
            same(paste(w, "censored"), rows$censored[k], sm$n.censor[k])
            same(paste(w, "survival"), rows$survival[k], sm$surv[k])
            same(paste(w, "std_err"), rows$std_err[k], sm$std.err[k])
            same(paste(w, "lower"), rows$lower[k], sm$lower[k])
            same(paste(w, "upper"), rows$upper[k], sm$upper[k])
            same(paste(w, "continued"), rows$continued[k], 1 - sm$surv[k])
        }
        i0 <- i0 + n
    }
    if (i0 - 1 != nrow(lp)) bad(paste(tag, "rows in all"), nrow(lp), i0 - 1)
}

compareStats <- function(tag, lp, st, ct, level) {
    if (nrow(lp) != length(st)) return(bad(paste(tag, "strata"), nrow(lp), length(st)))
    for (i in seq_along(st)) {
        s <- st[[i]]
        fit <- survfit(Surv(time, status) ~ 1, data = s$o, conf.type = ct, conf.int = level)
        q <- quantile(fit, 0.5)
        key <- paste0(tag, " ", s$seg, "/", ifelse(is.na(s$prog), "NULL", s$prog))
        r <- lp[i, ]
        if (r$segment != s$seg || is.na(r$program) != is.na(s$prog) ||
            (!is.na(s$prog) && r$program != s$prog)) return(bad(paste(key, "stratum"), r$program, s$prog))
        n <- nrow(s$o)
        same(paste(key, "users"), r$users, n)
        same(paste(key, "continued"), r$continued, sum(s$o$status))
        same(paste(key, "censored"), r$censored, n - sum(s$o$status))
        same(paste(key, "naive_rate"), r$naive_rate, sum(s$o$status) / n)
        same(paste(key, "median_days"), r$median_days, unname(q$quantile))
        same(paste(key, "median_lower"), r$median_lower, unname(q$lower))
        same(paste(key, "median_upper"), r$median_upper, unname(q$upper))
        nCompared <<- nCompared + 1
        if (r$conf_type != ct) bad(paste(key, "conf_type"), r$conf_type, ct)
    }
}

# next_program_incidence (rule 20) against survfit(Surv(time, factor(dest)))'s
# pstate, the factor's first level the censoring: per stratum, a row per
# destination its events reach (by name), then not yet continued (NA),
# each at every day of times; naive_share from the observations; and the
# incidences of a stratum and day summing to 1.
compareIncidence <- function(tag, lp, st, times) {
    i0 <- 1
    nT <- length(times)
    for (s in st) {
        o <- s$o
        n <- nrow(o)
        dests <- sort(unique(o$dest[o$status == 1]), method = "radix")
        key <- paste0(tag, " ", s$seg, "/", ifelse(is.na(s$prog), "NULL", s$prog))
        if (length(dests) > 0) {
            fit <- survfit(Surv(time, factor(dest, levels = c("censor", dests))) ~ 1, data = o)
            ps <- summary(fit, times = times, extend = TRUE)$pstate
            if (!identical(fit$states, c("(s0)", dests))) bad(paste(key, "states"), paste(fit$states, collapse = ","), "")
        } else {
            ps <- matrix(1, nrow = nT, ncol = 1)
        }
        nRow <- (length(dests) + 1) * nT
        rows <- lp[seq_len(nrow(lp)) >= i0 & seq_len(nrow(lp)) < i0 + nRow, ]
        if (nrow(rows) != nRow || any(rows$segment != s$seg) ||
            any(is.na(rows$program) != is.na(s$prog)) || (!is.na(s$prog) && any(rows$program != s$prog))) {
            bad(paste(key, "rows"), nrow(rows), nRow)
            return(invisible())
        }
        for (k in seq_len(length(dests) + 1)) {
            dk <- if (k <= length(dests)) dests[k] else NA
            for (j in seq_len(nT)) {
                r <- rows[(k - 1) * nT + j, ]
                w <- paste0(key, " to ", dk, " day ", times[j])
                gone <- if (is.na(dk)) n - sum(o$status == 1 & o$time <= times[j])
                        else sum(o$status == 1 & o$dest == dk & o$time <= times[j])
                nCompared <<- nCompared + 1
                if (!identical(is.na(r$to_program), is.na(dk)) || (!is.na(dk) && r$to_program != dk)) {
                    bad(paste(w, "to_program"), r$to_program, dk)
                }
                want.tied <- if (is.na(dk)) NA else as.integer(grepl(" + ", dk, fixed = TRUE))
                same(paste(w, "to_tied"), r$to_tied, want.tied)
                same(paste(w, "day"), r$day, times[j])
                same(paste(w, "incidence"), r$incidence, ps[j, if (is.na(dk)) 1 else k + 1])
                same(paste(w, "naive_share"), r$naive_share, gone / n)
            }
        }
        for (j in seq_len(nT)) {
            tot <- sum(rows$incidence[(seq_len(length(dests) + 1) - 1) * nT + j])
            nCompared <<- nCompared + 1
            if (abs(tot - 1) > 1e-12) bad(paste(key, "sum of incidences at", times[j]), tot, 1)
        }
        i0 <- i0 + nRow
    }
    if (i0 - 1 != nrow(lp)) bad(paste(tag, "rows in all"), nrow(lp), i0 - 1)
}

# continuation_cohorts (rule 21): per month of s1 (UTC) and segment, at
# each window, the plain counts from the observations and km_rate = 1 -
# summary(survfit(...), times = windows, extend = TRUE)$surv on the
# cohort's users. s1 is the user's first enrollment; E is E.MIN in every set.
compareCohorts <- function(tag, lp, obs, enr, times) {
    s1 <- tapply(enr$minutes, enr$user_id, min)
    obs$s1 <- as.numeric(s1[as.character(obs$user_id)])
    obs$cohort <- format(as.POSIXct(1577836800 + obs$s1 * 60, origin = "1970-01-01", tz = "UTC"),
                         "%Y-%m")
    obs$obs.days <- (E.MIN - obs$s1) / 1440
    i <- 0
    for (co in sort(unique(obs$cohort), method = "radix")) {
        oc <- obs[obs$cohort == co, ]
        for (sg in sort(unique(oc$segment), method = "radix")) {
            o <- oc[oc$segment == sg, ]
            n <- nrow(o)
            fit <- survfit(Surv(time, status) ~ 1, data = o)
            km <- 1 - summary(fit, times = times, extend = TRUE)$surv
            for (j in seq_along(times)) {
                i <- i + 1
                W <- times[j]
                key <- paste0(tag, " ", co, "/", sg, " window ", W)
                if (i > nrow(lp)) return(bad(paste(tag, "rows"), nrow(lp), i))
                r <- lp[i, ]
                nCompared <<- nCompared + 1
                if (r$cohort != co || r$segment != sg) bad(paste(key, "stratum"), paste(r$cohort, r$segment), "")
                el <- sum(o$obs.days >= W)
                co.n <- sum(o$status == 1 & o$time <= W)
                ce <- sum(o$status == 1 & o$time <= W & o$obs.days >= W)
                same(paste(key, "window_days"), r$window_days, W)
                same(paste(key, "users"), r$users, n)
                same(paste(key, "continued"), r$continued, co.n)
                same(paste(key, "eligible"), r$eligible, el)
                same(paste(key, "continued_eligible"), r$continued_eligible, ce)
                same(paste(key, "rate"), r$rate, if (el > 0) ce / el else NA)
                same(paste(key, "rate_naive"), r$rate_naive, co.n / n)
                same(paste(key, "km_rate"), r$km_rate, km[j])
                same(paste(key, "complete"), r$complete, as.integer(el == n))
            }
        }
    }
    if (i != nrow(lp)) bad(paste(tag, "rows in all"), nrow(lp), i)
}

if (mode == "compare") {
    nCoh <- 0
    maxRelCoh <- 0
    nInc <- 0
    maxRelInc <- 0
    confs <- read.csv(file.path(dir, "confs.txt"), header = FALSE, sep = ";",
                      stringsAsFactors = FALSE, col.names = c("tag", "ct", "level"))
    for (line in readLines(file.path(dir, "sets.txt"))) {
        nm <- strsplit(line, ";")[[1]][1]
        obs <- read.csv(file.path(dir, paste0(nm, ".obs.csv")), stringsAsFactors = FALSE,
                        colClasses = c(segment = "character", program = "character", dest = "character"))
        st <- strata(obs)
        times <- as.numeric(strsplit(AT, ",")[[1]])
        for (j in seq_len(nrow(confs))) {
            tag <- paste0(nm, ".", confs$tag[j])
            ct <- confs$ct[j]
            lv <- confs$level[j]
            compareCurve(paste(tag, "curve"), readLp(file.path(dir, paste0(tag, ".curve.csv"))), st, ct, lv)
            compareCurve(paste(tag, "at_days"), readLp(file.path(dir, paste0(tag, ".at.csv"))), st, ct, lv,
                         times)
            compareStats(paste(tag, "stats"), readLp(file.path(dir, paste0(tag, ".stats.csv"))), st, ct, lv)
        }
        inc <- read.csv(file.path(dir, paste0(nm, ".inc.csv")), header = TRUE, na.strings = "",
                        stringsAsFactors = FALSE,
                        colClasses = c(segment = "character", program = "character", to_program = "character"))
        n0 <- nCompared
        m0 <- maxRel
        maxRel <- 0
        compareIncidence(paste(nm, "incidence"), inc, st, times)
        nInc <- nInc + nCompared - n0
        maxRelInc <- max(maxRelInc, maxRel)
        maxRel <- max(m0, maxRel)
        coh <- read.csv(file.path(dir, paste0(nm, ".coh.csv")), header = TRUE, na.strings = "",
                        stringsAsFactors = FALSE,
                        colClasses = c(cohort = "character", segment = "character"))
        enr <- read.csv(file.path(dir, paste0(nm, ".enr.csv")), stringsAsFactors = FALSE)
        n0 <- nCompared
        m0 <- maxRel
        maxRel <- 0
        compareCohorts(paste(nm, "cohorts"), coh, obs, enr, times)
        nCoh <- nCoh + nCompared - n0
        maxRelCoh <- max(maxRelCoh, maxRel)
        maxRel <- max(m0, maxRel)
    }
    cat(sprintf("next_program_incidence: compared %d values, max relative difference %.3g\n", nInc, maxRelInc))
    cat(sprintf("continuation_cohorts: compared %d values, max relative difference %.3g\n", nCoh, maxRelCoh))
    cat(sprintf("compared %d values, max relative difference %.3g, %d mismatches\n", nCompared, maxRel, nBad))
    quit(status = if (nBad > 0) 1 else 0)
}
stop("usage: oracle.R gen|compare DIR")
