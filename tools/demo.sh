#!/bin/sh
# demo.sh - run every saved report in sql/ on generated demo data.
#
# Run from the repository root after `make` (or as `make demo`):
#   sh tools/demo.sh
# It does what an analyst would do with a real export:
#   1. writes demo/enrollments.csv from sample_enrollments(20000, 42) with the
#      sqlite3 shell (headers on, CSV mode);
#   2. creates demo/learnpath-demo.db afresh and imports the CSV with
#      `.import --csv demo/enrollments.csv enrollments` (every column is then
#      TEXT: user ids are text and a missing account is '');
#   3. runs every sql/*.sql on ONE connection (one sqlite3 shell, with
#      tools/report/session.sh, as `make report` does): learnpath reads the
#      table once and its cache serves every later report. It then prints
#      each report's output in name order, with a title line before each:
#      the same output as running each report in a shell of its own. When
#      a report fails, it says which, with the line of that report's file.
# Environment: SQLITE3 (default sqlite3), DEMO_USERS (20000), DEMO_SEED (42).
set -eu

SQLITE3=${SQLITE3:-sqlite3}
USERS=${DEMO_USERS:-20000}
SEED=${DEMO_SEED:-42}
CSV=demo/enrollments.csv
DB=demo/learnpath-demo.db

if [ ! -f tools/demo.sh ] || [ ! -d sql ]; then
    echo "demo: run me from the repository root: sh tools/demo.sh" >&2
    exit 1
fi
if [ ! -f dist/learnpath.so ] && [ ! -f dist/learnpath.dylib ] && [ ! -f dist/learnpath.dll ]; then
    echo "demo: dist/learnpath.so is missing; build it first with: make" >&2
    exit 1
fi
case $USERS$SEED in
    *[!0-9-]*) echo "demo: DEMO_USERS and DEMO_SEED must be integers" >&2; exit 1 ;;
esac

mkdir -p demo

# 1. The export.
"$SQLITE3" -bail :memory: <<EOF
.load dist/learnpath
.headers on
.mode csv
.once $CSV
SELECT user_id, program, enrolled_at, user_type, account
FROM sample_enrollments($USERS, $SEED);
EOF

# 2. A fresh database with the CSV imported as an analyst would.
rm -f "$DB"
"$SQLITE3" -bail "$DB" ".import --csv $CSV enrollments"

# 3. Every report, on one connection; then their output in name order, the
# title (the report's first header line) before each. Reports that may
# change the connection (tools/report/session.sh, sess_changes) run after
# the others.
die() {
    echo "demo: $*" >&2
    exit 1
}
TMP=
trap '[ -z "$TMP" ] || rm -rf "$TMP"' EXIT
trap 'exit 130' HUP INT TERM
TMP=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-demo.XXXXXX") || die "cannot make a temporary directory in ${TMPDIR:-/tmp}"
. tools/report/session.sh
SESS_WHO=demo
printf 'SELECT count(*), count(DISTINCT user_id) FROM enrollments;\n' > "$TMP/counts.sql" ||
    die "could not write to $TMP (disk full?)"
# The demo's report settings (README rule 16): sample_enrollments names its
# flagship program and keeps each user's corporate account in account.
printf '%s\n' "SELECT learnpath_report_setting('flagship', 'Flagship');" \
    "SELECT learnpath_report_setting('group_col', 'account');" > "$TMP/settings.sql" ||
    die "could not write to $TMP (disk full?)"
sess_init "$TMP"
sess_add "the report settings" plain "" "$TMP/settings.sql"
sess_add "the count of enrollments and users" plain "" "$TMP/counts.sql"
for pass in 0 1; do
    n=0
    for report in sql/*.sql; do
        [ -f "$report" ] || continue
        n=$((n + 1))
        if [ "$(sess_changes "$report")" = "$pass" ]; then
            sess_add "$report" plain "" "$report"
            eval "sec_$n=$((SESS_N - 1))"
        fi
    done
done
sess_run "$DB" || sess_die "$DB"

IFS='|' read -r rows users <<EOF
$(sess_part 1)
EOF
echo "learnpath demo: $rows enrollments of $users users (sample_enrollments($USERS, $SEED))"
n=0
for report in sql/*.sql; do
    [ -f "$report" ] || continue
    n=$((n + 1))
    title=$(sed -n '1s/^-- *//p' "$report")
    echo
    echo "==== $title"
    echo
    eval "sess_part \"\$sec_$n\""
done

cat <<EOF

---- Summary
$n reports run on $rows enrollments of $users users.
  CSV:       $CSV
  database:  $DB  (table enrollments, imported with .import --csv)
  rerun one: sqlite3 $DB < sql/03_continuation_rate.sql
  explore:   sqlite3 $DB   then   .load dist/learnpath
EOF
