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
#   3. runs each sql/*.sql in name order, printing a title line before each.
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

rows=$("$SQLITE3" "$DB" "SELECT count(*) FROM enrollments")
users=$("$SQLITE3" "$DB" "SELECT count(DISTINCT user_id) FROM enrollments")
echo "learnpath demo: $rows enrollments of $users users (sample_enrollments($USERS, $SEED))"

# 3. Every report, in order. The title is the report's first header line.
n=0
for report in sql/*.sql; do
    [ -f "$report" ] || continue
    n=$((n + 1))
    title=$(sed -n '1s/^-- *//p' "$report")
    echo
    echo "==== $title"
    echo
    "$SQLITE3" -bail "$DB" < "$report"
done

cat <<EOF

---- Summary
$n reports run on $rows enrollments of $users users.
  CSV:       $CSV
  database:  $DB  (table enrollments, imported with .import --csv)
  rerun one: sqlite3 $DB < sql/03_continuation_rate.sql
  explore:   sqlite3 $DB   then   .load dist/learnpath
EOF
