#!/bin/sh
# run.sh - golden-output SQL tests of learnpath through the sqlite3 shell.
#
# Run from the repository root after `make` (or as `make test-sql`):
#   sh tests/sql/run.sh            run every case
#   sh tests/sql/run.sh 040 csv    run the cases whose name contains 040 or csv
#   UPDATE=1 sh tests/sql/run.sh   rewrite the .expected files (check them
#                                  by hand before committing!)
#
# Each case tests/sql/cases/NNN_topic.sql is fed to `sqlite3 :memory:` on
# stdin, from the repository root (so `.load dist/learnpath`, `.read
# tests/sql/fixtures/...` and `.read sql/...` work). Its stdout and stderr
# together, normalised, must equal tests/sql/cases/NNN_topic.expected.
# Normalising makes error lines independent of the SQLite version:
#   "Parse error near line N: msg", "Runtime error near line N: msg",
#   "Error: near line N: msg" and "Error: msg" all become "ERROR: msg",
# and the two-line "  sql / ^--- error here" context that newer shells print
# after a parse error is dropped.
# The last line is "N passed, M failed"; the exit status is 0 only when
# nothing failed. Environment: SQLITE3 (default sqlite3).
set -u

SQLITE3=${SQLITE3:-sqlite3}
CASES=tests/sql/cases

if [ ! -d "$CASES" ] || [ ! -f tests/sql/run.sh ]; then
    echo "tests/sql: run me from the repository root: sh tests/sql/run.sh" >&2
    exit 2
fi
. tests/lp_env.sh
lp_env tests/sql
if ! command -v "$SQLITE3" >/dev/null 2>&1; then
    echo "tests/sql: no sqlite3 shell ('$SQLITE3'); install it or set SQLITE3" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-sql.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

normalise() {
    sed -e 's/^Parse error near line [0-9]*: /ERROR: /' \
        -e 's/^Runtime error near line [0-9]*: /ERROR: /' \
        -e 's/^Error: near line [0-9]*: /ERROR: /' \
        -e 's/^Error: /ERROR: /' |
    awk '/^ *\^--- error here$/ { held = 0; next }
         { if (held) print prev; prev = $0; held = 1 }
         END { if (held) print prev }'
}

pass=0
fail=0
for sql in "$CASES"/*.sql; do
    [ -f "$sql" ] || continue
    name=$(basename "$sql" .sql)
    lp_selected "$name" "$@" || continue
    expected=$CASES/$name.expected
    actual=$TMP/$name.out
    # Exit status 1 only means an SQL error, which error cases expect; more
    # (a crash, a signal) is a failure whatever the output.
    "$SQLITE3" :memory: < "$sql" > "$TMP/$name.raw" 2>&1
    status=$?
    normalise < "$TMP/$name.raw" > "$actual"
    if [ "$status" -gt 1 ]; then
        echo "FAIL $name (sqlite3 exited with status $status)"
        sed 's/^/    /' "$actual"
        fail=$((fail + 1))
        continue
    fi
    if [ "${UPDATE:-}" = 1 ]; then
        if [ -f "$expected" ] && cmp -s "$expected" "$actual"; then
            echo "ok $name"
        else
            cp "$actual" "$expected"
            echo "updated $name"
        fi
        pass=$((pass + 1))
        continue
    fi
    if [ ! -f "$expected" ]; then
        echo "FAIL $name (no $expected; create it with UPDATE=1 after checking the output)"
        sed 's/^/    /' "$actual"
        fail=$((fail + 1))
    elif diff -u "$expected" "$actual" > "$TMP/$name.diff" 2>&1; then
        echo "ok $name"
        pass=$((pass + 1))
    else
        echo "FAIL $name"
        cat "$TMP/$name.diff"
        fail=$((fail + 1))
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
