#!/bin/sh
# sqlite_utils.sh - host test: sqlite-utils (Debian package sqlite-utils).
#
# 1. `sqlite-utils query DB "SQL" --load-extension=dist/learnpath.so --csv`
#    with the statement of sql/02 against the tests/sql fixture: figures
#    asserted. Without --load-extension the query fails as it should.
# 2. The CSV import path: tests/sql/fixtures/enrollments.csv imported three
#    ways - the sqlite3 shell's `.import --csv` (what the README shows),
#    `sqlite-utils insert DB enrollments FILE --csv` (every column TEXT) and
#    the same with --detect-types (user_id becomes INTEGER). Every report in
#    sql/ must print the same thing on all three, and sql/02 through
#    sqlite-utils query must give the same CSV.
# 3. `sqlite-utils memory FILE.csv "SQL" --load-extension=...`: the CSV queried
#    without a database file gives the same answer.
# 4. `sqlite-utils memory` with a query as the source (README rule 13): one
#    statement, no view, the same answer as a view of the query.
# Run by tests/hosts/run.sh (which sets LP_EXT, LP_VERSION, SQLITE3, TMP).
set -u
HOST=sqlite-utils
. tests/hosts/lib.sh

SU=${SQLITE_UTILS:-sqlite-utils}
if ! command -v "$SU" >/dev/null 2>&1; then
    skip "$SU is not installed (Debian package sqlite-utils)"
    exit 0
fi
suver=$("$SU" --version 2>&1 | sed 's/.*version //')
if ! "$SU" query --help 2>&1 | grep -q -- '--load-extension'; then
    fail "sqlite-utils $suver: 'query' has no --load-extension option"
    exit 0
fi

# The statement of sql/02 (one query, no dot-commands).
n=$(split_report sql/02_initial_next_program.sql "$TMP" r02)
if [ "$n" != 1 ] || ! is_query "$TMP/r02_1.sql"; then
    fail "sql/02_initial_next_program.sql: expected one query, found $n statements"
    exit 0
fi
Q02=$(cat "$TMP/r02_1.sql")

# 1. query --load-extension on the fixture.
DB=$TMP/su-fixture.db
make_fixture_db "$DB" || { fail "could not build $DB"; exit 0; }
# (its CSV lines end with CR LF; the CRs are dropped before comparing)
"$SU" query "$DB" "$Q02" --load-extension="$LP_EXT" --csv > "$TMP/q02.raw" 2> "$TMP/q02.err"
status=$?
tr -d '\r' < "$TMP/q02.raw" > "$TMP/q02.csv"
missing=""
for row in 'professional,Flagship,5,(did not continue),2,40.0,' \
           'professional,Flagship,5,Program A,2,40.0,66.7' \
           'student,Program A,5,Flagship,2,40.0,66.7' \
           'student,(several at once),1,Program A,1,100.0,100.0'; do
    grep -Fxq -- "$row" "$TMP/q02.csv" || missing="$missing [$row]"
done
if [ "$status" -eq 0 ] && [ -z "$missing" ] && [ "$(wc -l < "$TMP/q02.csv")" -eq 12 ]; then
    ok "sqlite-utils $suver query --load-extension=$LP_EXT --csv: sql/02 on the fixture (11 rows, figures checked)"
else
    fail "sqlite-utils query --load-extension=$LP_EXT: status $status, missing rows:$missing"
    details "$TMP/q02.csv" "$TMP/q02.err"
fi
v=$("$SU" query "$DB" "SELECT learnpath_version() AS v" --load-extension="${LP_EXT%.*}" --csv --no-headers 2>&1 | tr -d '\r')
if [ "$v" = "$LP_VERSION" ]; then
    ok "--load-extension=${LP_EXT%.*} (no suffix) works too"
else
    fail "--load-extension=${LP_EXT%.*}: $v"
fi
if "$SU" query "$DB" "SELECT * FROM first_program('enrollments')" > "$TMP/noext.out" 2>&1; then
    fail "without --load-extension first_program() should be unknown"
    details "$TMP/noext.out"
elif grep -q 'no such table: first_program' "$TMP/noext.out"; then
    ok "without --load-extension: 'no such table: first_program'"
else
    fail "without --load-extension: unexpected message"
    details "$TMP/noext.out"
fi

# 2. The CSV import path, three ways.
CSV=tests/sql/fixtures/enrollments.csv
rm -f "$TMP/shell.db" "$TMP/su.db" "$TMP/su-types.db"
"$SQLITE3" -bail "$TMP/shell.db" ".import --csv $CSV enrollments" &&
    "$SU" insert "$TMP/su.db" enrollments "$CSV" --csv > "$TMP/insert.log" 2>&1 &&
    "$SU" insert "$TMP/su-types.db" enrollments "$CSV" --csv --detect-types >> "$TMP/insert.log" 2>&1
if [ $? -ne 0 ]; then
    fail "importing $CSV"
    details "$TMP/insert.log"
    exit 0
fi
types() {
    "$SQLITE3" "$1" "SELECT group_concat(name || ' ' || type, ', ') FROM pragma_table_info('enrollments')"
}
rows() {
    "$SQLITE3" "$1" "SELECT count(*) || ' rows, ' || count(DISTINCT user_id) || ' user ids, user_id ' || group_concat(DISTINCT typeof(user_id)) FROM enrollments"
}
t1=$(types "$TMP/su.db")
t2=$(types "$TMP/su-types.db")
if [ "$t1" = "user_id TEXT, program TEXT, enrolled_at TEXT, user_type TEXT, account TEXT" ] &&
        [ "$t2" = "user_id INTEGER, program TEXT, enrolled_at TEXT, user_type TEXT, account TEXT" ]; then
    ok "sqlite-utils insert --csv: all TEXT ($(rows "$TMP/su.db")); with --detect-types user_id is INTEGER ($(rows "$TMP/su-types.db")); .import --csv: $(rows "$TMP/shell.db")"
else
    fail "column types after sqlite-utils insert: '$t1' / with --detect-types: '$t2'"
fi

# the client's report settings first (README rule 16), as sql/README.md shows
printf '%s\n' '.load dist/learnpath' '.output /dev/null' \
    "SELECT learnpath_report_setting('flagship', 'Flagship');" \
    "SELECT learnpath_report_setting('group_col', 'account');" '.output stdout' > "$TMP/my_settings.sql"
for report in sql/*.sql; do
    [ -f "$report" ] || continue
    name=$(basename "$report" .sql)
    for db in shell su su-types; do
        cat "$TMP/my_settings.sql" "$report" | "$SQLITE3" -bail "$TMP/$db.db" > "$TMP/$name.$db.out" 2>&1
    done
    if [ ! -s "$TMP/$name.shell.out" ] || grep -qi 'error' "$TMP/$name.shell.out"; then
        fail "$report on the .import --csv database"
        details "$TMP/$name.shell.out"
    elif cmp -s "$TMP/$name.shell.out" "$TMP/$name.su.out" &&
            cmp -s "$TMP/$name.shell.out" "$TMP/$name.su-types.out"; then
        ok "$report: same output after .import --csv, sqlite-utils insert --csv and --csv --detect-types"
    else
        fail "$report: output differs between the imports"
        diff "$TMP/$name.shell.out" "$TMP/$name.su.out" | details
        diff "$TMP/$name.shell.out" "$TMP/$name.su-types.out" | details
    fi
done
box_rows < "$TMP/01_first_program_share.su-types.out" > "$TMP/01.rows"
if has_row "$TMP/01.rows" '|professional|Flagship|5|71.4|' && has_row "$TMP/01.rows" '|student|another program|6|75.0|'; then
    ok "sql/01 on the --detect-types import: professional Flagship 5 (71.4%), student another program 6 (75.0%)"
else
    fail "sql/01 on the --detect-types import: figures missing"
    details "$TMP/01_first_program_share.su-types.out"
fi

for db in su su-types; do
    "$SU" query "$TMP/$db.db" "$Q02" --load-extension="$LP_EXT" --csv 2>&1 | tr -d '\r' > "$TMP/q02.$db.csv"
done
if cmp -s "$TMP/q02.csv" "$TMP/q02.su.csv" && cmp -s "$TMP/q02.csv" "$TMP/q02.su-types.csv"; then
    ok "sqlite-utils query sql/02 on both sqlite-utils imports: the same CSV as on the fixture table"
else
    fail "sqlite-utils query sql/02 differs between the fixture table and the sqlite-utils imports"
    diff "$TMP/q02.csv" "$TMP/q02.su.csv" | details
    diff "$TMP/q02.csv" "$TMP/q02.su-types.csv" | details
fi

# 3. No database file at all: sqlite-utils memory imports the CSV (types
#    detected) into an in-memory table named after the file.
"$SU" memory "$CSV" "$Q02" --load-extension="$LP_EXT" --csv 2>&1 | tr -d '\r' > "$TMP/q02.memory.csv"
if cmp -s "$TMP/q02.csv" "$TMP/q02.memory.csv"; then
    ok "sqlite-utils memory $CSV \"<sql/02>\" --load-extension: the same CSV as on the fixture table"
else
    fail "sqlite-utils memory $CSV with sql/02 differs from the fixture table's answer"
    diff "$TMP/q02.csv" "$TMP/q02.memory.csv" | details
fi

# 4. A query as the source (README rule 13): one statement renames the
#    columns and derives a date-only time, with no view; the same answer as
#    through a view of the same query in the sqlite3 shell.
QSRC="SELECT user_id AS learner, program AS course, date(enrolled_at) AS day FROM enrollments"
Q13="SELECT program, next_program, count(*) AS users
       FROM first_program('$QSRC', 'learner', 'course', 'day') GROUP BY 1, 2"
"$SU" memory "$CSV" "$Q13" --load-extension="$LP_EXT" --csv 2>&1 | tr -d '\r' > "$TMP/q13.memory.csv"
printf '.load %s\n.headers on\n.mode list\n.separator ,\nCREATE TEMP VIEW v AS %s;\n%s;\n' "$LP_EXT" "$QSRC" \
    "$(printf '%s' "$Q13" | sed "s/'SELECT[^']*enrollments'/'v'/")" |
    "$SQLITE3" "$TMP/su-types.db" 2>&1 | tr -d '\r' > "$TMP/q13.view.csv"
if ! grep -q '^program,next_program,users$' "$TMP/q13.view.csv" || grep -qi error "$TMP/q13.view.csv"; then
    fail "the reference for a query source (a view in the sqlite3 shell) failed"
    details "$TMP/q13.view.csv"
elif cmp -s "$TMP/q13.view.csv" "$TMP/q13.memory.csv"; then
    ok "sqlite-utils memory $CSV with a query as the source: the same CSV as through a view"
else
    fail "sqlite-utils memory with a query as the source differs from a view of the query"
    diff "$TMP/q13.view.csv" "$TMP/q13.memory.csv" | details
fi
exit 0
