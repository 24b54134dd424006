#!/bin/sh
# shell.sh - host test: the sqlite3 shell, as the README and sql/README.md
# tell analysts to use it.
#
# 1. `.load dist/learnpath` (relative, from the repository root) and by
#    absolute path; learnpath_version() is the Makefile's VERSION.
# 2. Every saved report, run as documented, after the client's report
#    settings (README rule 16; sql/README.md): `cat my_settings.sql
#    sql/NN_*.sql | sqlite3 DB`, against a database file built from
#    tests/sql/fixtures/enrollments.sql.
#    Each must exit 0 with nothing on stderr, and the figures below (hand
#    checked in tests/sql/fixtures/enrollments.sql and tests/sql/cases/01*)
#    must be in its output. A report without figures here is still run.
# Run by tests/hosts/run.sh (which sets LP_EXT, LP_VERSION, SQLITE3, TMP).
set -u
HOST=sqlite3
. tests/hosts/lib.sh

if ! command -v "$SQLITE3" >/dev/null 2>&1; then
    skip "no sqlite3 shell ('$SQLITE3'; Debian package sqlite3)"
    exit 0
fi

# 1. Loading.
v=$("$SQLITE3" :memory: ".load dist/learnpath" "SELECT learnpath_version();" 2>&1)
if [ "$v" = "$LP_VERSION" ]; then
    ok ".load dist/learnpath: learnpath_version() = $v ($("$SQLITE3" --version | cut -d' ' -f1))"
else
    fail ".load dist/learnpath: expected version $LP_VERSION, got:"
    printf '%s\n' "$v" | details
fi
abs=$(pwd)/${LP_EXT%.*}
v=$(cd "$TMP" && "$SQLITE3" :memory: ".load $abs" "SELECT learnpath_version();" 2>&1)
if [ "$v" = "$LP_VERSION" ]; then
    ok ".load by absolute path from another directory"
else
    fail ".load $abs from $TMP gave:"
    printf '%s\n' "$v" | details
fi

# 2. Every report.
DB=$TMP/shell-fixture.db
make_fixture_db "$DB" || { fail "could not build $DB"; exit 0; }

# Figures each report must show (rows as box_rows prints them).
expected_rows() {
    case $1 in
        01_*) cat <<'EOF'
|professional|the flagship|5|71.4|
|professional|another program|2|28.6|
|student|another program|6|75.0|
|student|several at once|1|12.5|
|student|Program A|5|62.5|
|student|(several at once)|1|12.5|
EOF
            ;;
        02_*) cat <<'EOF'
|professional|Flagship|5|(did not continue)|2|40.0||
|professional|Flagship|5|Program A|2|40.0|66.7|
|student|Program A|5|Flagship|2|40.0|66.7|
|student|(several at once)|1|Program A|1|100.0|100.0|
EOF
            ;;
        03_*) cat <<'EOF'
|professional|Flagship|5|3|60.0|||5.0|
|student|(all first programs)|8|4|50.0|||16.0|
|(all users)|(all first programs)|15|8|53.3|||16.0|
EOF
            ;;
        04_*) cat <<'EOF'
|professional|Flagship|7|6|7|85.7|
|student|Program A|7|6|8|75.0|
|(all users)|Flagship|11|10|15|66.7|
EOF
            ;;
        05_*) cat <<'EOF'
|Corp X|5|10|33.3|
|professional|Flagship|4|80.0|
|professional|Flagship|4|Program A|2|50.0|66.7|
EOF
            ;;
        06_*) cat <<'EOF'
|#1|Flagship|6|
|#2|Program A|6|
|2021-03|1|2|0|0|||1|4|
|2021-05|0|0|0|0|||0|0|
|Total|6|6|1|1|||1|15|
EOF
            ;;
    esac
}

# The client's report settings, as an analyst keeps them in a file.
printf '%s\n' '.output /dev/null' \
    "SELECT learnpath_report_setting('flagship', 'Flagship');" \
    "SELECT learnpath_report_setting('group_col', 'account');" '.output stdout' > "$TMP/my_settings.sql"
n=0
for report in sql/*.sql; do
    [ -f "$report" ] || continue
    n=$((n + 1))
    name=$(basename "$report" .sql)
    { echo ".load dist/learnpath"; cat "$TMP/my_settings.sql" "$report"; } |
        "$SQLITE3" -bail "$DB" > "$TMP/$name.out" 2> "$TMP/$name.err"
    status=$?
    if [ "$status" -ne 0 ] || [ -s "$TMP/$name.err" ]; then
        fail "sqlite3 DB < $report: exit status $status, stderr:"
        details "$TMP/$name.err"
        continue
    fi
    box_rows < "$TMP/$name.out" > "$TMP/$name.rows"
    expected_rows "$name" > "$TMP/$name.want"
    if [ ! -s "$TMP/$name.want" ]; then
        if [ -s "$TMP/$name.rows" ]; then
            ok "sqlite3 DB < $report runs ($(wc -l < "$TMP/$name.rows") table lines; no figures checked here)"
        else
            fail "sqlite3 DB < $report printed no table"
            details "$TMP/$name.out"
        fi
        continue
    fi
    missing=""
    while IFS= read -r row; do
        has_row "$TMP/$name.rows" "$row" || missing="$missing [$row]"
    done < "$TMP/$name.want"
    if [ -z "$missing" ]; then
        ok "sqlite3 DB < $report: $(wc -l < "$TMP/$name.want") expected rows present"
    else
        fail "sqlite3 DB < $report: rows missing from its output:$missing"
        echo "    output:"
        details "$TMP/$name.out"
    fi
done
[ "$n" -gt 0 ] || fail "no saved report found in sql/"
exit 0
