#!/bin/sh
# dbbrowser.sh - host test: DB Browser for SQLite (Debian package
# sqlitebrowser), headless, the way an analyst sets it up: learnpath in the
# extensions list that DB Browser loads for every database it opens.
#
#   sqlitebrowser -o extensions/list=/abs/dist/learnpath.so -s script.sql DB
#
# under xvfb-run (or QT_QPA_PLATFORM=offscreen when xvfb-run is missing, or
# DB4S_MODE=offscreen). -o sets the setting for this run only; nothing else
# is needed (no extensions/disableregex or other key). The program never
# exits by itself and reports nothing on success, so each run works like this:
#   - the script (plain statements: BEGIN/COMMIT would become a savepoint that
#     is lost when the program is killed) writes its results into tables and
#     creates the marker table `done` last;
#   - the database is polled with the sqlite3 shell (immutable: no lock) until `done`
#     exists, an "Error in statement #N: ..." appears on stderr (DB Browser
#     then aborts the script), the program exits, or the time limit passes
#     (DB4S_TIMEOUT, default 60 s) - a bad extension path opens a modal
#     dialog and the script never runs, silently, so a missing marker is
#     always a failure;
#   - then the program is stopped (timeout(1) owns its process group, so one
#     kill of that pid ends xvfb-run, Xvfb and sqlitebrowser).
# DB Browser's settings (recent files, ...) go to a scratch HOME, so neither
# the user's settings (say, another extension list) nor ours leak across.
#
# Checks:
#   1. every saved report in sql/, each query turned into
#      CREATE TABLE result_NN_K AS <query>, run by DB Browser with learnpath
#      auto-loaded: every result table equals what the sqlite3 shell makes of
#      the same script, and a few figures are asserted;
#   2. a bad extension path (a .so that does not exist) is reported as a
#      failure (no marker), never as a pass;
#   3. an SQL error in the script is reported as a failure with DB Browser's
#      message;
#   4. a view saved in the database over a learnpath function (README.md,
#      "Trust model"): refused without the opt-in, with SQLite's message
#      'unsafe use of virtual table "first_program"'; read, and equal to the
#      shell's direct query, with SELECT learnpath_allow_views(1) as DB
#      Browser's "SQL to execute after opening database" (Preferences >
#      Database; -o db/defaultsqltext=..., as the README tells its users).
#   5. a query as the source (README rule 13) typed in the script, with the
#      opt-in on: equal to the shell's answer through a view of the query.
# Run by tests/hosts/run.sh (which sets LP_EXT, LP_VERSION, SQLITE3, TMP).
set -u
HOST=dbbrowser
. tests/hosts/lib.sh

LIMIT=${DB4S_TIMEOUT:-60}
BAD_LIMIT=${DB4S_BAD_TIMEOUT:-10}

DB4S=${SQLITEBROWSER:-sqlitebrowser}
if ! command -v "$DB4S" >/dev/null 2>&1; then
    skip "$DB4S is not installed (Debian package sqlitebrowser)"
    exit 0
fi
if ! command -v timeout >/dev/null 2>&1; then
    skip "no timeout(1) (coreutils) to bound the run"
    exit 0
fi
MODE=${DB4S_MODE:-}
if [ -z "$MODE" ]; then
    if command -v xvfb-run >/dev/null 2>&1 && command -v Xvfb >/dev/null 2>&1; then
        MODE=xvfb
    else
        MODE=offscreen
    fi
fi
ABS_EXT=$(pwd)/$LP_EXT
mkdir -p "$TMP/home" "$TMP/run"
chmod 700 "$TMP/run"

# The first "Error in statement #N: ..." of a stderr file, as one line
# (DB Browser prints it quoted, its inner quotes as \", with a literal \n
# before "Aborting execution.").
sql_error() {
    grep 'Error in statement' "$1" | head -n 1 | sed 's/^"//; s/"$//; s/\\n/ /g; s/\\"/"/g'
}

# db4s_run NAME EXTENSION SCRIPT DB LIMIT [OPEN_SQL]: run DB Browser on DB
# with SCRIPT and EXTENSION in its extensions list (and OPEN_SQL as its "SQL
# to execute after opening database") until the marker table `done` shows
# up. Returns 0 on success; otherwise 1 with the reason in $REASON. Leaves
# stderr in $TMP/NAME.err.
db4s_run() {
    name=$1 ext=$2 script=$3 db=$4 limit=$5 open_sql=${6:-}
    err=$TMP/$name.err
    : > "$err"
    if [ "$MODE" = xvfb ]; then
        HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_RUNTIME_DIR=$TMP/run \
            timeout -k 5 $((limit + 30)) \
            xvfb-run -a -f "$TMP/$name.xauth" -e "$TMP/$name.xvfb.log" \
            "$DB4S" -o "extensions/list=$ext" ${open_sql:+-o "db/defaultsqltext=$open_sql"} \
            -s "$script" "$db" > "$TMP/$name.out" 2> "$err" &
    else
        HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_RUNTIME_DIR=$TMP/run \
            QT_QPA_PLATFORM=offscreen timeout -k 5 $((limit + 30)) \
            "$DB4S" -o "extensions/list=$ext" ${open_sql:+-o "db/defaultsqltext=$open_sql"} \
            -s "$script" "$db" > "$TMP/$name.out" 2> "$err" &
    fi
    pid=$!
    REASON=""
    start=$(date +%s)
    while :; do
        if grep -q 'Error in statement' "$err"; then
            REASON="DB Browser reported an SQL error: $(sql_error "$err")"
            break
        fi
        # immutable=1: the poll takes no lock. A shared lock held at the
        # moment DB Browser commits fails its statement with "database is
        # locked" (it sets no busy timeout); a torn read here is an error
        # and simply polls again.
        if [ "$("$SQLITE3" "file:$db?immutable=1" \
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'done'" \
                2>/dev/null)" = 1 ]; then
            break
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            REASON="sqlitebrowser exited before the script finished: $(tail -n 3 "$err" | tr '\n' ' ')"
            break
        fi
        if [ $(($(date +%s) - start)) -ge "$limit" ]; then
            REASON="no marker table 'done' after ${limit}s: the script never ran or did not finish (with a bad extension path DB Browser shows a modal dialog and runs nothing)"
            break
        fi
        sleep 0.5
    done
    ELAPSED=$(($(date +%s) - start))
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # An error aborts the script, so it cannot come after the marker; check
    # once more all the same.
    if [ -z "$REASON" ] && grep -q 'Error in statement' "$err"; then
        REASON="DB Browser reported an SQL error: $(sql_error "$err")"
    fi
    [ -z "$REASON" ]
}

# 1. Every saved report through DB Browser.
DB=$TMP/db4s.db
REF=$TMP/shell.db
make_fixture_db "$DB" && cp "$DB" "$REF" || { fail "could not build the fixture database"; exit 0; }
SCRIPT=$TMP/reports.sql
# the client's report settings first (README rule 16): DB Browser has no
# dot-commands, and the settings are plain SQL (into a table, as DB
# Browser runs every statement as a query)
printf '%s\n' \
    "CREATE TABLE settings_was AS SELECT learnpath_report_setting('flagship', 'Flagship') AS f," \
    "    learnpath_report_setting('group_col', 'account') AS g;" > "$SCRIPT"
tables=""
for report in sql/*.sql; do
    [ -f "$report" ] || continue
    nn=$(basename "$report" | cut -c1-2)
    n=$(split_report "$report" "$TMP" "r$nn")
    k=1
    while [ "$k" -le "$n" ]; do
        f=$TMP/r${nn}_$k.sql
        if is_query "$f"; then
            printf 'CREATE TABLE result_%s_%s AS\n' "$nn" "$k" >> "$SCRIPT"
            tables="$tables result_${nn}_$k"
        fi
        cat "$f" >> "$SCRIPT"
        k=$((k + 1))
    done
done
printf 'CREATE TABLE done(x);\n' >> "$SCRIPT"

{ echo ".load $LP_EXT"; cat "$SCRIPT"; } > "$TMP/reference.sql"
if ! "$SQLITE3" -bail "$REF" < "$TMP/reference.sql" > "$TMP/reference.out" 2>&1; then
    fail "the generated script fails in the sqlite3 shell too"
    details "$TMP/reference.out"
    exit 0
fi

if db4s_run reports "$ABS_EXT" "$SCRIPT" "$DB" "$LIMIT"; then
    ok "sqlitebrowser $(dpkg-query -W -f '${Version}' sqlitebrowser 2>/dev/null) ($MODE) with extensions/list=$ABS_EXT ran every report via -s in ${ELAPSED}s"
    same=0
    differ=""
    # (a note query prints no row once its setting is set: an empty table,
    # as empty in the shell's copy)
    for t in $tables; do
        a=$("$SQLITE3" "$DB" "SELECT * FROM $t ORDER BY rowid" 2>&1)
        b=$("$SQLITE3" "$REF" "SELECT * FROM $t ORDER BY rowid" 2>&1)
        n=$("$SQLITE3" "$REF" "SELECT count(*) FROM pragma_table_info('$t') WHERE name = 'note'" 2>&1)
        if [ "$a" = "$b" ] && { [ -n "$a" ] || [ "$n" = 1 ]; }; then
            same=$((same + 1))
        else
            differ="$differ $t"
        fi
    done
    if [ -z "$differ" ] && [ "$same" -gt 0 ]; then
        ok "all $same result tables written by DB Browser equal the sqlite3 shell's"
    else
        fail "result tables that differ from the sqlite3 shell's (or are empty):$differ"
    fi
    check_value() { # what sql expected
        got=$("$SQLITE3" "$DB" "$2" 2>&1)
        if [ "$got" = "$3" ]; then ok "$1 = $3"; else fail "$1: expected '$3', got '$got'"; fi
    }
    check_value "sql/01 in DB Browser: professional users starting with the Flagship, % of type" \
        "SELECT users, pct_of_segment FROM result_01_4 WHERE segment = 'professional' AND first_program = 'Flagship'" \
        "5|71.4"
    check_value "sql/01 in DB Browser, the settings set by SQL: professionals starting with the flagship" \
        "SELECT users FROM result_01_1 WHERE segment = 'professional' AND starts_with = 'the flagship'" \
        "5"
    check_value "sql/02 in DB Browser: student Program A -> Flagship users, % of starters, % of continuers" \
        "SELECT users, pct_of_starters, pct_of_continuers FROM result_02_1 WHERE segment = 'student' AND initial_program = 'Program A' AND next_program = 'Flagship'" \
        "2|40.0|66.7"
    check_value "sql/05 in DB Browser: largest account, users, enrollments" \
        "SELECT \"group\", users, enrollments FROM result_05_1" \
        "Corp X|5|10"
else
    fail "$REASON"
    details "$TMP/reports.err"
fi

# 2. A bad extension path must never pass.
cp "$REF" "$TMP/bad.db" 2>/dev/null || make_fixture_db "$TMP/bad.db"
"$SQLITE3" "$TMP/bad.db" "DROP TABLE IF EXISTS done"
printf 'CREATE TABLE result AS SELECT count(*) AS n FROM first_program(%s);\nCREATE TABLE done(x);\n' \
    "'enrollments'" > "$TMP/small.sql"
if db4s_run badpath "$TMP/no-such-dir/learnpath.so" "$TMP/small.sql" "$TMP/bad.db" "$BAD_LIMIT"; then
    fail "a non-existent extension path was not detected: the marker appeared"
else
    ok "bad extension path detected as a failure after ${ELAPSED}s: $REASON"
fi

# 3. An SQL error in the script must never pass.
make_fixture_db "$TMP/sqlerr.db"
printf 'CREATE TABLE result AS SELECT * FROM first_program(%s);\nCREATE TABLE done(x);\n' \
    "'enrolments'" > "$TMP/sqlerr.sql"
if db4s_run sqlerr "$ABS_EXT" "$TMP/sqlerr.sql" "$TMP/sqlerr.db" "$LIMIT"; then
    fail "an SQL error in the script was not detected"
else
    case $REASON in
        *"Error in statement #1: first_program(): no such table or view 'enrolments'"*)
            ok "SQL error detected as a failure after ${ELAPSED}s: $REASON" ;;
        *)
            fail "SQL error detected, but not with learnpath's message: $REASON"
            details "$TMP/sqlerr.err" ;;
    esac
fi

# 4. A saved view over a learnpath function: the opt-in, in DB Browser.
make_fixture_db "$TMP/view.db"
"$SQLITE3" "$TMP/view.db" \
    "CREATE VIEW firsts_saved AS SELECT user_id, program FROM first_program('enrollments')"
printf 'CREATE TABLE result AS SELECT * FROM firsts_saved;\nCREATE TABLE done(x);\n' \
    > "$TMP/view.sql"
if db4s_run view_refused "$ABS_EXT" "$TMP/view.sql" "$TMP/view.db" "$LIMIT"; then
    fail "a saved view over first_program was read without learnpath_allow_views(1)"
else
    case $REASON in
        *'Error in statement #1: unsafe use of virtual table "first_program"'*)
            ok "saved view without the opt-in refused after ${ELAPSED}s: $REASON" ;;
        *)
            fail "saved view without the opt-in: not SQLite's refusal: $REASON"
            details "$TMP/view_refused.err" ;;
    esac
fi
if db4s_run view_allowed "$ABS_EXT" "$TMP/view.sql" "$TMP/view.db" "$LIMIT" \
       "SELECT learnpath_allow_views(1);"; then
    a=$("$SQLITE3" "$TMP/view.db" "SELECT * FROM result ORDER BY rowid" 2>&1)
    b=$("$SQLITE3" "$TMP/view.db" ".load $LP_EXT" \
        "SELECT user_id, program FROM first_program('enrollments')" 2>&1)
    if [ -n "$a" ] && [ "$a" = "$b" ]; then
        ok "saved view read in DB Browser with db/defaultsqltext=\"SELECT learnpath_allow_views(1);\" ($(echo "$a" | wc -l) rows, as the shell's direct query)"
    else
        fail "saved view read in DB Browser with the opt-in differs from the shell's direct query"
        printf 'DB Browser:\n%s\nshell:\n%s\n' "$a" "$b" | details
    fi
else
    fail "saved view with the opt-in (db/defaultsqltext): $REASON"
    details "$TMP/view_allowed.err"
fi

# 5. A query as the source (README rule 13) typed in DB Browser: the time
#    derived in the query, no view; equal to the shell's answer through a
#    TEMP view of the same query. Run with the opt-in of check 4 on, as
#    users who keep saved views have it: a plain query still works.
QSRC="SELECT user_id AS u, program AS p, date(enrolled_at) AS t FROM enrollments"
make_fixture_db "$TMP/query.db"
printf "CREATE TABLE result AS SELECT user_id, program, next_program, days_to_next FROM first_program('%s', 'u', 'p', 't');\nCREATE TABLE done(x);\n" \
    "$QSRC" > "$TMP/query.sql"
if db4s_run query_source "$ABS_EXT" "$TMP/query.sql" "$TMP/query.db" "$LIMIT" \
       "SELECT learnpath_allow_views(1);"; then
    a=$("$SQLITE3" "$TMP/query.db" "SELECT * FROM result ORDER BY rowid" 2>&1)
    b=$("$SQLITE3" "$TMP/query.db" ".load $LP_EXT" "CREATE TEMP VIEW v AS $QSRC" \
        "SELECT user_id, program, next_program, days_to_next FROM first_program('v', 'u', 'p', 't')" 2>&1)
    if [ -n "$a" ] && [ "$a" = "$b" ]; then
        ok "a query as the source in DB Browser ($(echo "$a" | wc -l) rows, as the shell's through a view of the query)"
    else
        fail "a query as the source in DB Browser differs from the shell's view of the query"
        printf 'DB Browser:\n%s\nshell:\n%s\n' "$a" "$b" | details
    fi
else
    fail "a query as the source in DB Browser: $REASON"
    details "$TMP/query_source.err"
fi
exit 0
