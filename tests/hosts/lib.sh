# tests/hosts/lib.sh - helpers shared by the host tests; sourced, not run.
#
# Before sourcing, a test sets HOST (its name in ok/FAIL/SKIP lines). Each
# check prints one line:
#   ok HOST: what was checked
#   FAIL HOST: what went wrong            (details follow, indented)
#   SKIP HOST: why the host could not be tested
# tests/hosts/run.sh counts these lines. Environment (set by run.sh):
#   LP_EXT      the extension file (dist/learnpath.so)
#   LP_VERSION  the Makefile's VERSION
#   SQLITE3     the sqlite3 shell
#   TMP         a scratch directory, removed by run.sh

ok() { printf 'ok %s: %s\n' "$HOST" "$*"; }
fail() { printf 'FAIL %s: %s\n' "$HOST" "$*"; }
skip() { printf 'SKIP %s: %s\n' "$HOST" "$*"; }

# Indent a file or stdin as details under a FAIL line (at most 40 lines).
details() {
    if [ $# -gt 0 ]; then sed -n '1,40s/^/    /p' "$@"; else sed -n '1,40s/^/    /p'; fi
}

# make_fixture_db FILE: the hand-checked fixture of tests/sql (15 users).
make_fixture_db() {
    rm -f "$1"
    "$SQLITE3" -bail "$1" < tests/sql/fixtures/enrollments.sql
}

# The data rows of .mode box output, one per line as |cell|cell|...|, with
# the padding removed: "│ student │ Flagship │ 1 │" becomes "|student|Flagship|1|".
box_rows() {
    sed -n 's/│/|/gp' | sed 's/ *| */|/g'
}

# has_row FILE ROW: does FILE (output of box_rows) hold exactly that line?
has_row() {
    grep -Fxq -- "$2" "$1"
}

# split_report REPORT DIR PREFIX: the statements of a saved report, without
# its dot-commands and whole-line comments, one file per statement:
# DIR/PREFIX_1.sql, DIR/PREFIX_2.sql, ... A statement ends at a line that
# ends with ';' (as the saved reports are written). Prints how many.
split_report() {
    awk -v dir="$2" -v pre="$3" '
        /^\./ { next }
        /^[ \t]*--/ { next }
        /^[ \t]*$/ && buf == "" { next }
        { buf = buf $0 "\n" }
        /;[ \t]*$/ { n++; f = dir "/" pre "_" n ".sql"; printf "%s", buf > f; close(f); buf = "" }
        END { print n + 0 }
    ' "$1"
}

# is_query FILE: does the statement in FILE start with SELECT or WITH?
is_query() {
    head -n 1 "$1" | grep -Eiq '^[[:space:]]*(select|with)([[:space:]]|$)'
}
