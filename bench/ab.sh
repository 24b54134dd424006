#!/bin/sh
# bench/ab.sh - is a change faster or slower? Two builds of learnpath, run
# alternately on the same data in the same minutes, each query in a fresh
# sqlite3 process; prints per query the median wall time (ms) of each build,
# its spread (min-max), and its ratio to a scan of the table in the same run
# (issue 12's: count(*) and sum(length()) of the three columns).
#
#   BENCH_A=/path/to/old/learnpath.so BENCH_B=dist/learnpath.so sh bench/ab.sh
#
# BENCH_A, BENCH_B  the two builds (copied first, so a rebuild cannot mix them;
#                   the file names must stay learnpath.so: SQLite derives the
#                   entry point from them)
# BENCH_ROWS        enrollments (3000000)
# BENCH_SHAPE       the data's shape (favorable; or text-time, email-time,
#                   int-time, text-random: real exports' shapes, issue 12):
#                   the file bench/run.sh uses, made by bench/make_data.sh
#                   (with build B) when missing
# BENCH_RUNS        rounds (7); in each round: the scan, then every query
#                   with A, then with B
# A query that prints an error, or whose output differs between the builds,
# makes the script exit 1: speed is compared only between equal answers.
set -eu
cd "$(dirname "$0")/.."
SQLITE3=${SQLITE3:-sqlite3}
ROWS=${BENCH_ROWS:-3000000}
RUNS=${BENCH_RUNS:-7}
SHAPE=${BENCH_SHAPE:-favorable}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/a" "$tmp/b"
cp "${BENCH_A:?BENCH_A: the first build}" "$tmp/a/learnpath.so"
cp "${BENCH_B:?BENCH_B: the second build}" "$tmp/b/learnpath.so"
DB=$(SQLITE3=$SQLITE3 sh bench/make_data.sh "$ROWS" "$SHAPE" "$tmp/b/learnpath") || exit 1
cat "$DB" > /dev/null
ARGS="'enrollments', 'user_id', 'program', 'enrolled_at', 'user_type'"
QUERIES="first_program count|SELECT count(*) FROM first_program($ARGS);
first_program sum|SELECT count(*), sum(steps) FROM first_program($ARGS);
first_program GROUP BY|SELECT segment, program, count(*) FROM first_program($ARGS) GROUP BY segment, program;
program_transitions|SELECT count(*), sum(users) FROM program_transitions($ARGS);
first_program_stats|SELECT count(*), sum(users) FROM first_program_stats($ARGS);
program_steps sum|SELECT count(*), sum(step) FROM program_steps($ARGS);"

# time LABEL BUILD SQL: one fresh process; appends "LABEL ms" and keeps its output
time_one() {
    t0=$(date +%s%N)
    if [ "$2" = none ]; then
        printf '%s\n' "$3" | "$SQLITE3" -bail "$DB" > "$tmp/out" 2>&1 || true
    else
        printf '.load %s\n%s\n' "$tmp/$2/learnpath" "$3" | "$SQLITE3" -bail "$DB" > "$tmp/out" 2>&1 || true
    fi
    t1=$(date +%s%N)
    echo "$1	$(( (t1 - t0) / 1000000 ))" >> "$tmp/times"
    if grep -qi '^Error\|^Parse error\|^Runtime error' "$tmp/out"; then
        echo "ab: $1 failed: $(head -c 300 "$tmp/out")" >&2
        exit 1
    fi
}

i=0
while [ $i -lt "$RUNS" ]; do
    time_one "scan" none "SELECT count(*), sum(length(user_id)), sum(length(program)), sum(length(enrolled_at)) FROM enrollments;"
    printf '%s\n' "$QUERIES" | while IFS='|' read -r name sql; do
        time_one "$name	A" a "$sql"
        cp "$tmp/out" "$tmp/outA"
        time_one "$name	B" b "$sql"
        if ! cmp -s "$tmp/out" "$tmp/outA"; then
            echo "ab: $name: the two builds answer differently" >&2
            exit 1
        fi
    done
    i=$((i + 1))
done

echo "bench/ab.sh: $ROWS enrollments, shape $SHAPE ($(echo "SELECT count(*) FROM enrollments;" | "$SQLITE3" "$DB")), $RUNS rounds, $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "A = $BENCH_A"
echo "B = $BENCH_B"
awk -F'	' '
    { key = ($3 == "") ? $1 : $1 "\t" $2; v = ($3 == "") ? $2 : $3; n[key]++; t[key, n[key]] = v }
    function median(k,   m, a, i, j, x) {
        m = n[k]; for (i = 1; i <= m; i++) a[i] = t[k, i]
        for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        lo[k] = a[1]; hi[k] = a[m]
        return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
        s = median("scan")
        printf "%-22s %22s %22s %8s\n", "query", "A ms (min-max) xscan", "B ms (min-max) xscan", "B/A"
        printf "%-22s %8d (%d-%d)\n", "scan", s, lo["scan"], hi["scan"]
        split("first_program count|first_program sum|first_program GROUP BY|program_transitions|first_program_stats|program_steps sum", q, "|")
        for (i = 1; i <= 6; i++) {
            a = median(q[i] "\tA"); b = median(q[i] "\tB")
            printf "%-22s %6d (%d-%d) %4.2f   %6d (%d-%d) %4.2f   %6.3f\n", q[i], a, lo[q[i] "\tA"], hi[q[i] "\tA"], a / s, b, lo[q[i] "\tB"], hi[q[i] "\tB"], b / s, b / a
        }
    }' "$tmp/times"
