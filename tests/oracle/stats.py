"""stats.py - the tests of difference of ext/lp_stats.c (README rule 22)
against scipy and R, on seeded random cases and hand-made edges.

Usage (from the repository root, after `make build/stats_driver`; run with a
Python that has scipy, /usr/bin/python3 on Debian):
    /usr/bin/python3 tests/oracle/stats.py build/stats_driver

Every case goes to the driver (tests/oracle/stats_driver.c) on stdin and its
answer is compared with:
  - chi-square tails: scipy.stats.chi2.sf; log10 p with mpmath's regularized
    incomplete gamma at 40 digits (scipy's logsf underflows), or
    scipy.stats.chi2.logsf without mpmath, only where that is finite;
  - the normal two-sided p: 2 scipy.stats.norm.sf(|z|); log10 p with mpmath's
    erfc (or norm.logsf);
  - Fisher: scipy.stats.fisher_exact(alternative='two-sided'); log10 p with
    mpmath summing the exact hypergeometric probabilities (rule 22's
    1 + 1e-7), for tables up to a few thousand;
  - Wilson: scipy.stats.binomtest(k, n).proportion_ci(level, method='wilson')
    with z = scipy.special.ndtri(0.5 + level / 2);
  - tables of counts: scipy.stats.chi2_contingency(correction=False) and
    lambda_='log-likelihood', scipy.stats.contingency.association (Cramer's V),
    the expected counts;
  - Holm: R's p.adjust(method = 'holm');
  - log-rank: R's survdiff (chisq, df = groups with expected > 0, less one,
    pchisq and its log.p, observed and expected per group).
Values match to a relative 1e-9 (p-values wherever scipy's is a normal
double, >= 2.2e-308; below that both must be), log10 p
to a relative 1e-11. R absent (or survival): those checks print SKIP and
count as skipped; mpmath absent: the log10 p checks past the double range are
skipped. The last line is "N passed, M failed, K skipped"; exit 1 on any
failure.
"""
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from scipy import special, stats
from scipy.stats import contingency

try:
    import mpmath
    mpmath.mp.dps = 40
except ImportError:  # pragma: no cover - the fallbacks below say SKIP
    mpmath = None

REL = 1e-9
REL_LOG = 1e-11
DBL_MIN = 2.2250738585072014e-308

counts = {"pass": 0, "fail": 0, "skip": 0}


def fail(name, msg):
    counts["fail"] += 1
    print(f"FAIL stats: {name}: {msg}")


def skip(name, msg):
    counts["skip"] += 1
    print(f"SKIP stats: {name}: {msg}")


def close(a, b, rel, absol=0.0):
    if isinstance(b, float) and math.isnan(b):
        return math.isnan(a)
    if math.isinf(b) or math.isinf(a):
        return a == b
    return abs(a - b) <= rel * abs(b) + absol


class Case:
    """One check: its driver line, and what to do with the answer."""

    def __init__(self, name, line, check):
        self.name, self.line, self.check = name, line, check


def check_all(name, pairs):
    """pairs: (label, got, want, rel, abs); a failed one fails the case."""
    bad = [f"{lab} {got!r} != {want!r}" for lab, got, want, rel, ab in pairs
           if not close(got, want, rel, ab)]
    if bad:
        fail(name, "; ".join(bad))
    else:
        counts["pass"] += 1


def p_pairs(tag, got_p, got_l, want_p, want_l):
    """p to REL where scipy's p is a normal double (>= 2.2e-308; else got p
    below that too);
    log10 p to REL_LOG where a reference log is known."""
    out = []
    if want_p is not None:
        if want_p >= DBL_MIN:
            out.append((tag + " p", got_p, want_p, REL, 0.0))
        else:  # subnormal or 0: below the normal range alike
            out.append((tag + " p below 2.2e-308", float(got_p < DBL_MIN), 1.0, 0.0, 0.0))
    if want_l is not None:
        out.append((tag + " log10p", got_l, want_l, REL_LOG, 0.0))
    return out


# ------------------------------------------------------------------ references

def ref_chi2_log10(x, df):
    if x <= 0:
        return 0.0
    if mpmath is not None:
        a, h = mpmath.mpf(df) / 2, mpmath.mpf(x) / 2
        lower = mpmath.gammainc(a, 0, h, regularized=True)
        if lower < 0.5:  # Q = 1 - P, P small: log1p keeps the digits 40 would lose
            return float(mpmath.log1p(-lower) / mpmath.log(10))
        return float(mpmath.log10(mpmath.gammainc(a, h, mpmath.inf, regularized=True)))
    v = stats.chi2.logsf(x, df)
    return v / math.log(10) if math.isfinite(v) else None


def ref_norm_log10(z):
    if mpmath is not None:
        t = abs(mpmath.mpf(z)) / mpmath.sqrt(2)
        if t < 1:
            return float(mpmath.log1p(-mpmath.erf(t)) / mpmath.log(10))
        return float(mpmath.log10(mpmath.erfc(t)))
    v = stats.norm.logsf(abs(z)) + math.log(2)
    return v / math.log(10) if math.isfinite(v) else None


def ref_fisher_log10(a, b, c, d):
    """log10 of rule 22's two-sided p, from exact probabilities (mpmath)."""
    n1, n2, n = a + b, c + d, a + c
    if mpmath is None or n1 + n2 > 4000:
        return None
    if min(n1, n2, n, b + d) == 0:
        return 0.0
    tot = mpmath.binomial(n1 + n2, n)

    def pmf(x):
        return mpmath.binomial(n1, x) * mpmath.binomial(n2, n - x) / tot

    p0 = pmf(a) * (1 + mpmath.mpf("1e-7"))
    s = mpmath.fsum(q for q in (pmf(x) for x in range(max(0, n - n2), min(n, n1) + 1)) if q <= p0)
    if s > 1 - mpmath.mpf("1e-30"):  # every table: 1 but for mpmath's rounding
        return 0.0
    return float(mpmath.log10(s))


# ------------------------------------------------------------------ cases

def chi2_cases(rng):
    cases = []
    dfs = [1, 2, 3, 4, 5, 7, 10, 30, 100, 1000, 10000, 0.5, 1.5]
    xs = [0.0, 1e-300, 1e-12, 1e-3, 0.5, 1, 2, 3.84, 10, 50, 195.4665872, 204.1832016,
          700, 1400, 2852, 5000, 1e5]
    for df in dfs:
        for x in xs:
            cases.append((x, df))
        for _ in range(6):
            cases.append((df * math.exp(rng.uniform(-3, 3)), df))  # around the mean: both branches
    for _ in range(80):
        cases.append((10 ** rng.uniform(-2, 4.2), rng.choice(dfs[:10])))

    out = []
    for x, df in cases:
        def check(vals, x=x, df=df):
            name = f"chi2 x={x!r} df={df!r}"
            want_p = float(stats.chi2.sf(x, df))
            want_l = ref_chi2_log10(x, df)
            if want_l is None and want_p < DBL_MIN:
                skip(name, "no mpmath for log10 p past the double range")
                return
            check_all(name, p_pairs("", vals[0], vals[1], want_p, want_l))
        out.append(Case("chi2", f"chi2 {x!r} {df!r}", check))
    return out


def norm_cases(rng):
    zs = [0.0, 1e-9, 0.5, -1.959963984540054, 2.875519101, 5, -8.3, 20, 26, 27, 27.5, 30,
          37.5, 38.5, 40, 100, -1000, 1e4]
    zs += [rng.uniform(-6, 6) for _ in range(30)] + [10 ** rng.uniform(0, 3) for _ in range(20)]
    out = []
    for z in zs:
        def check(vals, z=z):
            name = f"norm z={z!r}"
            want_p = float(2 * stats.norm.sf(abs(z)))
            want_l = ref_norm_log10(z)
            if want_l is None and want_p < DBL_MIN:
                skip(name, "no mpmath for log10 p past the double range")
                return
            pairs = p_pairs("", vals[0], vals[1], want_p, want_l)
            # df = 1: the same p as chi-square of z^2 (rule 22)
            check_all(name, pairs)
        out.append(Case("norm", f"norm {z!r}", check))
    return out


def fisher_tables(rng):
    t = [(120, 445, 60, 365), (0, 0, 0, 0), (0, 5, 0, 7), (3, 0, 4, 0), (0, 10, 10, 0),
         (10, 0, 0, 10), (1, 0, 0, 1), (1, 1, 1, 1), (0, 1, 1, 0), (5, 5, 5, 5), (2, 7, 8, 2),
         (0, 20, 15, 5), (500, 0, 0, 500), (1500, 10, 10, 1500), (3, 1, 1, 3), (7, 12, 0, 0),
         (40, 60, 60, 40), (1000, 2000, 1500, 1500), (20000, 30000, 25000, 25000),
         (100000, 0, 0, 100000), (30, 1, 2, 400), (4000, 3000, 1000, 6000)]
    for _ in range(60):
        t.append(tuple(rng.randint(0, 12) for _ in range(4)))
    for _ in range(40):
        t.append(tuple(rng.randint(0, 300) for _ in range(4)))
    for _ in range(20):  # sparse: a zero cell, unbalanced margins
        a, b, c, d = (rng.randint(0, 50), rng.randint(0, 2000), rng.randint(0, 5), rng.randint(0, 2000))
        t.append(rng.choice([(a, b, c, d), (0, b, c, d), (a, 0, c, d), (c, a, d, b)]))
    for _ in range(15):  # large, far in the tail
        m = rng.randint(500, 1500)
        t.append((rng.randint(0, m // 4), m, m, rng.randint(0, m // 4)))
    return t


def fisher_cases(rng):
    out = []
    for tab in fisher_tables(rng):
        def check(vals, tab=tab):
            a, b, c, d = tab
            name = f"fisher {list(tab)}"
            want_p = float(stats.fisher_exact([[a, b], [c, d]], alternative="two-sided")[1])
            want_l = ref_fisher_log10(a, b, c, d)
            check_all(name, p_pairs("", vals[0], vals[1], want_p, want_l))
        out.append(Case("fisher", "fisher %d %d %d %d" % tab, check))
    return out


def wilson_cases(rng):
    ks = [(0, 1), (1, 1), (0, 10), (10, 10), (120, 565), (60, 425), (1, 2), (5, 1000),
          (999, 1000), (3, 7), (500000, 1000000), (1, 10**9)]
    ks += [(k, n) for n in (rng.randint(1, 50) for _ in range(20)) for k in [rng.randint(0, n)]]
    ks += [(k, n) for n in (rng.randint(50, 10**6) for _ in range(20)) for k in [rng.randint(0, n)]]
    out = []
    for k, n in ks:
        for level in (0.95, 0.9, 0.99):
            z = float(special.ndtri(0.5 + 0.5 * level))

            def check(vals, k=k, n=n, level=level):
                ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
                check_all(f"wilson k={k} n={n} level={level}",
                          [("lo", vals[0], ci.low, REL, 1e-15), ("hi", vals[1], ci.high, REL, 1e-15)])
            out.append(Case("wilson", f"wilson {k} {n} {z!r}", check))
    return out


def ctab_tables(rng):
    t = [[[330, 120, 60, 40, 15], [80, 260, 50, 30, 5]], [[120, 445], [60, 365]],
         [[1, 0], [0, 1]], [[5, 5], [5, 5]], [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
         [[0, 3], [2, 0], [1, 1]], [[100000, 1], [1, 100000]],
         [[33000, 12000, 6000, 4000, 1500], [8000, 26000, 5000, 3000, 500]]]
    for _ in range(40):  # small and sparse
        r, c = rng.randint(2, 6), rng.randint(2, 6)
        t.append([[rng.choice([0, 0, 1, 2, rng.randint(0, 30)]) for _ in range(c)] for _ in range(r)])
    for _ in range(30):
        r, c = rng.randint(2, 8), rng.randint(2, 8)
        t.append([[rng.randint(0, 500) for _ in range(c)] for _ in range(r)])
    for _ in range(20):  # huge, strongly associated: p far below 1e-300
        r, c = rng.randint(2, 6), rng.randint(2, 6)
        t.append([[rng.randint(0, 2000) * (1 + 30 * (i == j)) + rng.randint(0, 20) for j in range(c)]
                  for i in range(r)])
    out = []
    for tab in t:  # every row and column total > 0
        a = np.array(tab, dtype=np.int64)
        a = a[a.sum(axis=1) > 0][:, a[a.sum(axis=1) > 0].sum(axis=0) > 0]
        if a.shape[0] >= 2 and a.shape[1] >= 2:
            out.append(a)
    return out


def ctab_cases(rng):
    out = []
    for a in ctab_tables(rng):
        r, c = a.shape
        line = "ctab %d %d %s" % (r, c, " ".join(str(int(v)) for v in a.ravel()))

        def check(vals, a=a):
            name = "ctab %s" % a.tolist()
            if len(name) > 120:
                name = name[:117] + "..."
            x2, px2, df, exp = stats.chi2_contingency(a, correction=False)
            g, pg, _, _ = stats.chi2_contingency(a, correction=False, lambda_="log-likelihood")
            v = contingency.association(a, method="cramer")
            pairs = [("x2", vals[0], x2, REL, 0), ("g", vals[1], g, REL, 1e-12),
                     ("df", vals[2], float(df), 0, 0), ("cramerV", vals[7], v, REL, 0),
                     ("minExpected", vals[8], float(exp.min()), REL, 0),
                     ("shareBelow5", vals[9], float((exp < 5).mean()), REL, 0),
                     ("n", vals[10], float(a.sum()), 0, 0)]
            lx, lg = ref_chi2_log10(x2, df), ref_chi2_log10(g, df)
            pairs += p_pairs("X2", vals[3], vals[4], float(px2), lx)
            pairs += p_pairs("G", vals[5], vals[6], float(pg), lg)
            check_all(name, pairs)
        out.append(Case("ctab", line, check))
    return out


def holm_sets(rng):
    s = [[0.01, 0.04, 0.03, 0.005], [0.5], [], [0.2, 0.2, 0.2], [0.01, 0.01, 0.5, 0.001],
         [1.0, 0.9, 0.95], [0.4, 0.3, 0.2, 0.1], [1e-300, 0.0, 0.6, 1e-10]]
    for _ in range(20):
        m = rng.randint(1, 40)
        s.append([rng.choice([rng.random(), rng.random() ** 6, 0.05]) for _ in range(m)])
    return s


def logrank_sets(rng):
    """(name, nGroup, [(time, event, group)]) sorted by time."""
    sets = []

    def add(name, g, obs):
        obs = sorted(obs, key=lambda o: o[0])
        sets.append((name, g, obs))
    add("two groups", 2, [(1, 1, 0), (2, 1, 1), (3, 0, 0), (4, 1, 1), (5, 1, 0), (6, 0, 1)])
    add("group 1 empty", 3, [(t, rng.random() < 0.7, rng.choice([0, 2])) for t in range(1, 30)])
    add("one group censored before the first event (expected 0)", 3,
        [(t, 1, t % 2) for t in range(1, 20)] + [(0.25 * t, 0, 2) for t in range(1, 4)])
    add("all censored", 2, [(t, 0, t % 2) for t in range(1, 9)])
    add("one group has every event at a time", 2, [(1, 1, 0), (1, 1, 0), (2, 1, 1), (3, 0, 1), (3, 1, 0)])
    for i in range(25):
        g = rng.randint(2, 5)
        n = rng.randint(8, 300)
        rates = [rng.uniform(0.02, 0.3) for _ in range(g)]
        obs = []
        for _ in range(n):
            grp = rng.randrange(g)
            t = round(rng.expovariate(rates[grp]))  # integer times: many ties
            cens = rng.uniform(0, 40)
            obs.append((min(t, round(cens)), int(t <= cens), grp))
        add(f"random {i}", g, obs)
    for i in range(6):  # big and very different: p far below 1e-300
        g = rng.randint(2, 4)
        obs = []
        for _ in range(rng.randint(3000, 6000)):
            grp = rng.randrange(g)
            t = rng.expovariate(0.05 * 8 ** grp)
            obs.append((round(t, 3), int(rng.random() < 0.9), grp))
        add(f"big {i}", g, obs)
    return sets


R_SCRIPT = r"""
suppressMessages(library(survival))
args <- commandArgs(TRUE)
d <- read.table(args[1], header = TRUE)
out <- c()
for (id in unique(d$case)) {
  s <- d[d$case == id, ]
  ng <- s$ngroup[1]
  r <- tryCatch({
    f <- suppressWarnings(survdiff(Surv(time, status) ~ factor(group), data = s))
    lv <- as.integer(levels(factor(s$group)))
    o <- numeric(ng); e <- numeric(ng)
    o[lv + 1] <- f$obs; e[lv + 1] <- f$exp
    df <- sum(f$exp > 0) - 1  # -1 with no event, where pchisq says NaN
    pv <- if (df >= 1) pchisq(f$chisq, df, lower.tail = FALSE) else NA
    lp <- if (df >= 1) pchisq(f$chisq, df, lower.tail = FALSE, log.p = TRUE) / log(10) else NA
    c(f$chisq, df, pv, lp, o, e)
  }, error = function(err) NA)
  out <- c(out, paste(id, paste(sprintf("%.17g", r), collapse = " ")))
}
hp <- readLines(args[2])
for (l in hp) {
  p <- as.numeric(strsplit(l, " ")[[1]])
  out <- c(out, paste("holm", paste(sprintf("%.17g", p.adjust(p, "holm")), collapse = " ")))
}
writeLines(out, args[3])
"""


def have_r():
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "suppressMessages(library(survival))"],
                          capture_output=True).returncode == 0


def run_r(lr_sets, holm):
    """R's answers: {case index: [numbers] or None}, [[holm adjusted]]."""
    with tempfile.TemporaryDirectory(prefix="learnpath-stats.") as tmp:
        data, hp, res, scr = (os.path.join(tmp, f) for f in ("d.txt", "h.txt", "r.txt", "s.R"))
        with open(data, "w") as f:
            f.write("case ngroup time status group\n")
            for i, (_, g, obs) in enumerate(lr_sets):
                for t, e, grp in obs:
                    f.write(f"{i} {g} {t!r} {int(e)} {grp}\n")
        with open(hp, "w") as f:
            for s in holm:
                f.write(" ".join(repr(p) for p in s) + "\n")
        with open(scr, "w") as f:
            f.write(R_SCRIPT)
        subprocess.run(["Rscript", scr, data, hp, res], check=True)
        lr, ho = {}, []
        for line in open(res):
            w = line.split()
            if w[0] == "holm":
                ho.append([float(v) for v in w[1:]])
            else:
                lr[int(w[0])] = None if w[1] == "NA" else [float("nan") if v == "NA" else float(v) for v in w[1:]]
        return lr, ho


def r_cases(rng):
    lr_sets, holm = logrank_sets(rng), holm_sets(rng)
    if not have_r():
        counts["skip"] += len(lr_sets) + len(holm)
        print(f"SKIP stats: {len(lr_sets)} log-rank and {len(holm)} Holm cases: R or its survival "
              "package is not installed (apt-get install r-base-core r-cran-survival)")
        return []
    lr, ho = run_r(lr_sets, holm)
    out = []
    for i, (name, g, obs) in enumerate(lr_sets):
        line = "logrank %d %d %s" % (len(obs), g, " ".join(f"{t!r} {int(e)} {grp}" for t, e, grp in obs))

        def check(vals, i=i, name=name, g=g):
            want = lr[i]
            if want is None:
                skip("logrank " + name, "survdiff refused it (singular variance)")
                return
            if want[1] < 1:  # no test: R's df 0 or -1 (no event), no p; rule 22's df 0, p 1
                want[1:4] = [0.0, 1.0, 0.0]
            pairs = [("chi2", vals[0], want[0], REL, 1e-12), ("df", vals[1], want[1], 0, 0)]
            pairs += p_pairs("", vals[2], vals[3], want[2], want[3])
            for j in range(g):
                pairs.append((f"O{j}", vals[4 + j], want[4 + j], REL, 0))
                pairs.append((f"E{j}", vals[4 + g + j], want[4 + g + j], REL, 1e-12))
            check_all("logrank " + name, pairs)
        out.append(Case("logrank", line, check))
    for s, want in zip(holm, ho):
        def check(vals, s=s, want=want):
            check_all(f"holm {s}", [(f"adj{j}", vals[j], w, REL, 0) for j, w in enumerate(want)])
        out.append(Case("holm", "holm %d %s" % (len(s), " ".join(repr(p) for p in s)), check))
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: stats.py build/stats_driver", file=sys.stderr)
        return 2
    warnings.simplefilter("ignore", RuntimeWarning)  # scipy's binomtest at k = 0
    rng = random.Random(int(os.environ.get("STATS_SEED", "15")))  # another seed: STATS_SEED=N
    cases = chi2_cases(rng) + norm_cases(rng) + fisher_cases(rng) + wilson_cases(rng) + ctab_cases(rng)
    cases += r_cases(rng)
    if mpmath is None:
        print("SKIP stats: mpmath is not installed: log10 p past the double range is checked only "
              "where scipy's logsf is finite")
    inp = "".join(c.line + "\n" for c in cases)
    res = subprocess.run([sys.argv[1]], input=inp, capture_output=True, text=True)
    lines = res.stdout.splitlines()
    if res.returncode != 0 or len(lines) != len(cases):
        fail("driver", f"exit {res.returncode}, {len(lines)} answers to {len(cases)} cases: {res.stderr}")
    for c, ans in zip(cases, lines):
        try:
            vals = [float(v) for v in ans.split()]
        except ValueError:
            fail(c.name, f"answer {ans!r} to {c.line[:80]!r}")
            continue
        c.check(vals)
    print(f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped")
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
