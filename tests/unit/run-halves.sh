#!/bin/sh
# Runs the unit runner's two halves at once (check_main.c: "0/2", "1/2"),
# one per core, then prints each half's output and the total. Fails if a
# half fails or prints no summary line. Usage: run-halves.sh RUNNER
set -u
RUNNER=$1
DIR=$(dirname "$RUNNER")
"$RUNNER" 0/2 > "$DIR/unit-half0.log" 2>&1 &
P0=$!
"$RUNNER" 1/2 > "$DIR/unit-half1.log" 2>&1
RC1=$?
wait $P0
RC0=$?
cat "$DIR/unit-half0.log" "$DIR/unit-half1.log"
# "100%: Checks: 979, Failures: 0, Errors: 0", one per half (after
# "Running suite(s):" on the same line when a half runs no suite)
awk -v rc0=$RC0 -v rc1=$RC1 '
    match($0, /[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/) {
        s = substr($0, RSTART, RLENGTH); gsub(/,/, "", s); split(s, f, " ")
        n++; checks += f[3]; fail += f[5]; err += f[7]
    }
    END {
        printf "both halves: %d checks, %d failures, %d errors (exit %d and %d)\n",
               checks, fail, err, rc0, rc1
        exit (n == 2 && rc0 == 0 && rc1 == 0 && fail == 0 && err == 0) ? 0 : 1
    }' "$DIR/unit-half0.log" "$DIR/unit-half1.log"
