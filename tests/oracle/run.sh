#!/bin/sh
# run.sh - continuation_curve, continuation_stats, next_program_incidence and
# continuation_cohorts against R's survival package (README rules 17-21), on
# the same (time, status, destination, group) data.
#
# Run from the repository root after `make` (or as `make test-oracle`):
#   sh tests/oracle/run.sh
# R (r-base-core) and its survival package (r-cran-survival) are installed
# with apt-get when missing and run as root; where they cannot be, the test
# prints "SKIP oracle: <reason>" and counts as skipped, never as passed.
# tests/oracle/oracle.R writes the data sets (the issue's fixture, hand-made
# edges, seeded random sets with ties, censoring at event times, a curve
# that drops to 0 and one that never reaches 0.5), each as an enrollments
# table whose journeys give the intended (time, status) per user; learnpath
# reads each through its real path (the sqlite3 shell, .load) under
# conf_type 'log', 'log-log' and 'plain' (and 'log' at conf_level 0.9),
# and oracle.R compares every value with survfit, summary(censored = TRUE),
# summary(times = ..., extend = TRUE) and quantile, and next_program_incidence
# with survfit(Surv(time, factor(dest)))'s pstate, to a relative 1e-9.
# The last line is "N passed, M failed, K skipped"; the exit status is 0
# only when nothing failed.
set -u

if [ ! -f tests/oracle/run.sh ]; then
    echo "tests/oracle: run me from the repository root: sh tests/oracle/run.sh" >&2
    exit 2
fi
. tests/lp_env.sh
lp_env tests/oracle
SQLITE3=${SQLITE3:-sqlite3}

have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'suppressMessages(library(survival))' >/dev/null 2>&1
}
if ! have_r; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "tests/oracle: installing r-base-core and r-cran-survival" >&2
        (export DEBIAN_FRONTEND=noninteractive
         apt-get update -qq && apt-get install -y -qq --no-install-recommends \
             r-base-core r-cran-survival) >&2
    fi
fi
if ! have_r; then
    echo "SKIP oracle: R or its survival package is not installed" \
         "(apt-get install r-base-core r-cran-survival)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-oracle.XXXXXX") || exit 2
trap 'rm -rf "$DIR"' EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL oracle: $*"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
}

Rscript tests/oracle/oracle.R gen "$DIR" || fail "oracle.R gen failed"
# tag;conf_type;conf_level
printf '%s\n' 'log;log;0.95' 'loglog;log-log;0.95' 'plain;plain;0.95' 'log90;log;0.9' > "$DIR/confs.txt"

# A number with 17 digits, NULL as an empty field.
G="CASE WHEN %s IS NULL THEN NULL ELSE printf('%%!.17g', %s) END"
g() { printf "$G AS %s" "$1" "$1" "$1"; }
CURVE="segment, program, $(g day), at_risk, events, censored, $(g survival), $(g std_err), $(g lower), $(g upper), $(g continued)"
COH="cohort, segment, $(g window_days), users, continued, eligible, continued_eligible, $(g rate), $(g rate_naive), $(g km_rate), complete"
INC="segment, program, to_program, to_tied, $(g day), $(g incidence), $(g naive_share)"
STATS="segment, program, users, continued, censored, $(g naive_rate), $(g median_days), $(g median_lower), $(g median_upper), conf_type"

while IFS=';' read -r name observe at; do
    obs=""
    [ -n "$observe" ] && obs="AND observe_until = datetime(1577836800 + $observe * 60, 'unixepoch')"
    while IFS=';' read -r tag ct level; do
        args="source = 'enrollments' AND segment_col = 'segment' $obs AND conf_type = '$ct' AND conf_level = $level"
        "$SQLITE3" -bail > "$DIR/$name.$tag.log" 2>&1 <<SQL || fail "sqlite3 on $name ($tag): $(cat "$DIR/$name.$tag.log")"
.load $LP_EXT
.mode csv
.import $DIR/$name.enr.csv raw
CREATE TABLE enrollments AS
  SELECT user_id, program, datetime(1577836800 + minutes * 60, 'unixepoch') AS enrolled_at, segment FROM raw;
.headers on
.output $DIR/$name.$tag.curve.csv
SELECT $CURVE FROM continuation_curve WHERE $args;
.output $DIR/$name.$tag.at.csv
SELECT $CURVE FROM continuation_curve WHERE $args AND at_days = '$at';
.output $DIR/$name.$tag.stats.csv
SELECT $STATS FROM continuation_stats WHERE $args;
SQL
    done < "$DIR/confs.txt"
    # rules 20-21: the incidences and the cohorts at the same days (no band)
    "$SQLITE3" -bail > "$DIR/$name.inc.log" 2>&1 <<SQL || fail "sqlite3 on $name (incidence): $(cat "$DIR/$name.inc.log")"
.load $LP_EXT
.mode csv
.import $DIR/$name.enr.csv raw
CREATE TABLE enrollments AS
  SELECT user_id, program, datetime(1577836800 + minutes * 60, 'unixepoch') AS enrolled_at, segment FROM raw;
.headers on
.output $DIR/$name.inc.csv
SELECT $INC FROM next_program_incidence WHERE source = 'enrollments' AND segment_col = 'segment' $obs AND at_days = '$at';
.output $DIR/$name.coh.csv
SELECT $COH FROM continuation_cohorts WHERE source = 'enrollments' AND segment_col = 'segment' $obs AND windows = '$at';
SQL
done < "$DIR/sets.txt"

if Rscript tests/oracle/oracle.R compare "$DIR"; then
    echo "ok oracle: every value of continuation_curve, continuation_stats, next_program_incidence and continuation_cohorts equals R's survival"
    echo "1 passed, 0 failed, 0 skipped"
else
    fail "learnpath and R's survival differ (lines above)"
fi
