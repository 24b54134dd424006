/*
** check_source.c - the "source" suite: a query as the source (README.md,
** rule 13). What a query source gives (against plain SQL, and the same as
** through a view of the same query), in every function that reads a
** source and with every argument; its errors; how a query is told from a
** name; caching; and the trust rules (README "Trust model").
*/
#include <stdlib.h>
#include <string.h>

#include "lp_test.h"

/* The fixture's query: a time derived from a date and a number of days. */
#define QS_QUERY                                                                     \
    "SELECT id_student AS user_id, code_module AS program, "                        \
    "date(pres_start, day || ' days') AS enrolled_at, level FROM reg"
/* QS_QUERY as an SQL string literal (its quotes doubled). */
#define QS_QUERY_LIT                                                                 \
    "'SELECT id_student AS user_id, code_module AS program, "                       \
    "date(pres_start, day || '' days'') AS enrolled_at, level FROM reg'"

/* lpt_query's text of zSql; fails the test when out of memory. */
static char *qs_rows(sqlite3 *db, const char *zSql) {
    char *z = lpt_query(db, zSql);
    ck_assert_msg(z != NULL, "out of memory");
    return z;
}

/* Assert that two queries give the same rows, not an error and not none. */
static void qs_assert_same(sqlite3 *db, const char *zA, const char *zB) {
    char *zGotA = qs_rows(db, zA), *zGotB = qs_rows(db, zB);
    ck_assert_msg(strncmp(zGotA, "ERROR", 5) != 0 && zGotA[0] != 0, "%s\ngave: %s", zA, zGotA);
    ck_assert_msg(strcmp(zGotA, zGotB) == 0, "%s\ngave:\n%s\n%s\ngave:\n%s", zA, zGotA, zB,
                  zGotB);
    sqlite3_free(zGotA);
    sqlite3_free(zGotB);
}

/*
** Rule 13: first_program over a WITH query that derives the time from a
** date and a number of days, checked against the fixture's hand-computed
** journeys and against plain SQL over the same query (no ties or repeats
** in the fixture, so the first row by time is the first program).
*/
START_TEST(test_query_against_plain_sql) {
    sqlite3 *db = lpt_open_fixture("q_relative_days");
    static const char zExpect[] =
        "11|AAA|BBB|133|HE\n12|BBB|CCC|340|A Level\n13|AAA|NULL|NULL|A Level\n"
        "14|CCC|AAA|217|HE\n";
    lpt_assert_rows(db,
                    "SELECT user_id, program, next_program, days_to_next, segment FROM "
                    "first_program('WITH r AS (SELECT * FROM reg) SELECT id_student AS user_id, "
                    "code_module AS program, date(pres_start, day || '' days'') AS enrolled_at, "
                    "level FROM r', 'user_id', 'program', 'enrolled_at', 'level')",
                    zExpect);
    lpt_assert_rows(db,
                    "WITH q AS (" QS_QUERY "), o AS (SELECT *, row_number() OVER (PARTITION BY "
                    "user_id ORDER BY enrolled_at) AS k FROM q WHERE enrolled_at IS NOT NULL) "
                    "SELECT a.user_id, a.program, b.program, julianday(b.enrolled_at) - "
                    "julianday(a.enrolled_at), a.level FROM o a LEFT JOIN o b ON b.user_id = "
                    "a.user_id AND b.k = 2 WHERE a.k = 1 ORDER BY a.user_id",
                    zExpect);
    /* program_journeys: each user's programs in time order, as group_concat */
    lpt_assert_rows(db, "SELECT user_id, path FROM program_journeys(" QS_QUERY_LIT ")",
                    "11|AAA > BBB\n12|BBB > CCC > DDD\n13|AAA\n14|CCC > AAA\n");
    lpt_assert_rows(db,
                    "SELECT user_id, group_concat(program, ' > ') FROM (SELECT * FROM (" QS_QUERY
                    ") WHERE enrolled_at IS NOT NULL ORDER BY user_id, enrolled_at) GROUP BY "
                    "user_id",
                    "11|AAA > BBB\n12|BBB > CCC > DDD\n13|AAA\n14|CCC > AAA\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 13: every function that reads a source gives through a query what
** it gives through a TEMP view of the same query, with a segment column.
*/
START_TEST(test_query_every_function) {
    static const char *const azFunc[] = {
        "first_program",       "program_journeys",      "program_steps",
        "program_transitions", "first_program_stats",   "program_popularity",
        "first_program_monthly", "group_stats",         "enrollment_profile"};
    sqlite3 *db = lpt_open_fixture("q_relative_days");
    lpt_exec(db, "CREATE TEMP VIEW qv AS " QS_QUERY);
    for (size_t i = 0; i < sizeof(azFunc) / sizeof(azFunc[0]); i++) {
        const char *zWhere = strcmp(azFunc[i], "group_stats") == 0 ? " WHERE group_col = 'level'" : "";
        char *zA = sqlite3_mprintf("SELECT * FROM %s(" QS_QUERY_LIT ", 'user_id', 'program', "
                                   "'enrolled_at', 'level')%s", azFunc[i], zWhere);
        char *zB = sqlite3_mprintf("SELECT * FROM %s('qv', 'user_id', 'program', 'enrolled_at', "
                                   "'level')%s", azFunc[i], zWhere);
        ck_assert(zA && zB);
        qs_assert_same(db, zA, zB);
        sqlite3_free(zA);
        sqlite3_free(zB);
    }
    /* a figure checked by hand: 2 of the 4 users (rule 1 drops user 15) are HE */
    lpt_assert_rows(db,
                    "SELECT segment, program, users FROM first_program_stats(" QS_QUERY_LIT
                    ", 'user_id', 'program', 'enrolled_at', 'level') WHERE program IS NOT NULL",
                    "A Level|AAA|1\nA Level|BBB|1\nHE|AAA|1\nHE|CCC|1\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 13 with the other arguments: segment_col, group_col and
** group_value, since, until, within_days, ties, repeats and bad_times give
** through a query what they give through a view.
*/
START_TEST(test_query_every_argument) {
    static const char *const azWhere[] = {
        "since = '2020-02-01'",
        "until = '2020-02-01'",
        "within_days = 30",
        "ties = 'name'",
        "repeats = 'keep'",
        "repeats = 'first_only'",
        "bad_times = 'skip'",
        "group_col = 'level'",
        "group_col = 'level' AND group_value = 'student'",
        "segment_col = 'level' AND group_col = 'level' AND group_value = 'professional'"};
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_exec(db, "CREATE TEMP VIEW ev AS SELECT user_id, program, enrolled_at, user_type AS "
                 "level FROM e");
    for (size_t i = 0; i < sizeof(azWhere) / sizeof(azWhere[0]); i++) {
        for (int f = 0; f < 2; f++) {
            const char *zFunc = f ? "program_transitions" : "program_steps";
            char *zA = sqlite3_mprintf(
                "SELECT * FROM %s WHERE source = 'SELECT user_id, program, enrolled_at, "
                "user_type AS level FROM e' AND %s", zFunc, azWhere[i]);
            char *zB = sqlite3_mprintf("SELECT * FROM %s WHERE source = 'ev' AND %s", zFunc,
                                       azWhere[i]);
            ck_assert(zA && zB);
            qs_assert_same(db, zA, zB);
            sqlite3_free(zA);
            sqlite3_free(zB);
        }
    }
    /* hand-checked: the professionals' group keeps users 2 and 4 */
    lpt_assert_rows(db,
                    "SELECT user_id, program FROM first_program('SELECT user_id, program, "
                    "enrolled_at, user_type FROM e') WHERE group_col = 'user_type' AND "
                    "group_value = 'professional'",
                    "2|Flagship\n4|Flagship + Program C\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 13 with rule 3 and the stream: a query whose user column is NOCASE
** groups its users as GROUP BY does, and a query read one user at a time
** under learnpath_memory_budget gives what it gives in memory.
*/
START_TEST(test_query_collation_and_stream) {
    sqlite3 *db = lpt_open_fixture("q_relative_days");
    lpt_exec(db, "INSERT INTO reg VALUES ('ab', 'AAA', '2013-10-01', 1, 'HE'),"
                 " ('AB', 'BBB', '2013-10-01', 2, 'HE')");
    lpt_assert_rows(db,
                    "SELECT user_id, program, next_program FROM first_program('SELECT "
                    "id_student COLLATE NOCASE AS user_id, code_module AS program, "
                    "date(pres_start, day || '' days'') AS enrolled_at FROM reg') WHERE "
                    "typeof(user_id) = 'text'",
                    "AB|AAA|BBB\n");
    lpt_assert_rows(db,
                    "SELECT min(id_student COLLATE BINARY), count(*) FROM reg WHERE "
                    "typeof(id_student) = 'text' GROUP BY id_student COLLATE NOCASE",
                    "AB|2\n");
    char *zMem = qs_rows(db, "SELECT * FROM program_steps(" QS_QUERY_LIT ")");
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    lpt_assert_rows(db, "SELECT * FROM program_steps(" QS_QUERY_LIT ")", zMem);
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    ck_assert(strstr(zMem, "ERROR") == NULL && strstr(zMem, "12|") != NULL);
    sqlite3_free(zMem);
    sqlite3_close(db);
}
END_TEST

/* Rule 13: what a query may not be, and the messages (README "Errors"). */
START_TEST(test_query_errors) {
    static const char *const azCase[][2] = {
        {"'DELETE FROM e RETURNING *'",
         "ERROR: first_program(): the source query is not read-only (DELETE): a source is a "
         "table, a view or a SELECT, WITH or VALUES statement"},
        {"'INSERT INTO e VALUES (9, ''X'', ''2021-01-01'', NULL, NULL) RETURNING *'",
         "ERROR: first_program(): the source query is not read-only (INSERT): a source is a "
         "table, a view or a SELECT, WITH or VALUES statement"},
        {"'WITH d AS (SELECT 1) DELETE FROM e RETURNING *'",
         "ERROR: first_program(): the source query is not read-only"},
        {"'WITH d AS (SELECT 1) INSERT INTO e SELECT * FROM e RETURNING *'",
         "ERROR: first_program(): the source query is not read-only"},
        {"'PRAGMA table_info(e)'",
         "ERROR: first_program(): the source query must be a SELECT, WITH or VALUES "
         "statement, not PRAGMA"},
        {"'SELECT * FROM e; SELECT * FROM e'",
         "ERROR: first_program(): the source query has 2 statements (one is allowed)"},
        {"'SELECT * FROM e; DELETE FROM e;'",
         "ERROR: first_program(): the source query has 2 statements (one is allowed)"},
        {"'SELECT * FRM e'",
         "ERROR: first_program(): the source query does not compile: near \"FRM\": syntax "
         "error"},
        {"'SELECT * FROM nowhere'",
         "ERROR: first_program(): the source query does not compile: no such table: nowhere"},
        {"'SELECT'", /* the word alone is a name (rule 13) */
         "ERROR: first_program(): no such table or view 'SELECT'"},
        {"'WITH x -- and nothing more'",
         "ERROR: first_program(): the source query does not compile: incomplete input"},
        {"'SELECT user_id, program AS course, enrolled_at FROM e'",
         "ERROR: first_program(): program_col: no column 'program' in the source query (its "
         "columns: user_id, course, enrolled_at)"},
        {"'SELECT * FROM e WHERE user_id = ?'",
         "ERROR: first_program(): the source query has a parameter (?): write its value into "
         "it"},
        {"'SELECT * FROM e WHERE user_id = :id'",
         "ERROR: first_program(): the source query has a parameter (:id): write its value "
         "into it"},
        {"'SELECT user_id, program, ''soon'' AS enrolled_at FROM e'",
         "ERROR: first_program(): unreadable time 'soon' in column 'enrolled_at' of the source "
         "query"},
        {"'SELECT * FROM e WHERE abs(-9223372036854775807 - 1) > 0'",
         "ERROR: first_program(): reading the source query: integer overflow"},
        {"''", "ERROR: first_program(): source must name a table or view, not ''"}};
    sqlite3 *db = lpt_open_fixture("e_readme");
    for (size_t i = 0; i < sizeof(azCase) / sizeof(azCase[0]); i++) {
        char *zSql = sqlite3_mprintf("SELECT * FROM first_program(%s)", azCase[i][0]);
        char *zExpect = sqlite3_mprintf("%s", azCase[i][1]);
        ck_assert(zSql && zExpect);
        lpt_assert_rows(db, zSql, zExpect);
        sqlite3_free(zSql);
        sqlite3_free(zExpect);
    }
    /* nothing was written by the statements refused */
    lpt_assert_rows(db, "SELECT count(*) FROM e", "9\n");
    /* a segment or group column the query lacks names the query's columns */
    lpt_assert_rows(db,
                    "SELECT * FROM group_stats('VALUES (1, ''A'', ''2020-01-01'')', 'column1', "
                    "'column2', 'column3') WHERE group_col = 'acct'",
                    "ERROR: group_stats(): group_col: no column 'acct' in the source query (its "
                    "columns: column1, column2, column3)");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 13: a query is told from a name by its first word, after whitespace
** and comments, in any case; a trailing ';' and comments are allowed; a
** table whose name begins with SELECT is reached with its schema or by a
** query; 'selection' is a name.
*/
START_TEST(test_query_or_name) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_exec(db, "CREATE TABLE \"select x\"(user_id, program, enrolled_at);"
                 "INSERT INTO \"select x\" VALUES (7, 'Z', '2021-01-01');"
                 "CREATE TABLE selection(user_id, program, enrolled_at);"
                 "INSERT INTO selection VALUES (8, 'Y', '2021-01-01'), (9, 'Y', '2021-01-02');");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('main.select x')", "7\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('SELECT * FROM \"select x\"')",
                    "7\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('select x')",
                    "ERROR: first_program(): the source query does not compile: no such "
                    "column: x");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('selection')", "2\n");
    /* a database attached under a statement's word is still a schema */
    lpt_exec(db, "ATTACH ':memory:' AS release; CREATE TABLE release.t AS SELECT * FROM e;");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('release.t')", "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('release.none')",
                    "ERROR: first_program(): no such table or view 'release.none'");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('DELETE FROM main.e RETURNING *')",
                    "ERROR: first_program(): the source query is not read-only (DELETE): a "
                    "source is a table, a view or a SELECT, WITH or VALUES statement");
    /* comments and case before the keyword; ';', comments after it */
    lpt_assert_rows(db,
                    "SELECT count(*) FROM first_program(' -- the export\n /* all */ sElEcT * "
                    "FROM e;  -- done')",
                    "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('WITH x AS (SELECT * FROM e) "
                        "SELECT * FROM x;;')",
                    "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('SELECT * FROM e /* open')", "4\n");
    /* a ';' inside a string or a quoted name is no end of statement */
    lpt_assert_rows(db,
                    "SELECT user_id FROM first_program('SELECT * FROM e WHERE program <> "
                    "'';'' AND user_id = 2')",
                    "2\n");
    lpt_assert_rows(db,
                    "SELECT user_id, program FROM first_program('VALUES (5, ''A'', "
                    "''2020-01-01''), (5, ''B'', ''2020-01-02'')', 'column1', 'column2', "
                    "'column3')",
                    "5|A\n");
    /* the same query text from a TEMP view over it: a cycle, refused at once */
    lpt_exec(db, "CREATE TEMP VIEW loop AS SELECT user_id, program, started_at AS enrolled_at "
                 "FROM first_program('SELECT * FROM loop')");
    lpt_assert_rows(db, "SELECT count(*) FROM loop",
                    "ERROR: first_program(): source 'SELECT * FROM loop' reads itself: "
                    "'SELECT * FROM loop' > 'SELECT * FROM loop' (a view may not feed itself "
                    "to a learnpath function)");
    sqlite3_close(db);
}
END_TEST

/* Statements that read a source (the nested learnpath_internal_read). */
static int qs_trace_reads(unsigned mask, void *pArg, void *pStmt, void *pX) {
    const char *zSql = sqlite3_sql((sqlite3_stmt *)pStmt);
    (void)mask;
    (void)pX;
    if (zSql && strstr(zSql, "learnpath_internal_read(")) ++*(int *)pArg;
    return 0;
}

/* Run zSql, assert its rows, and return how many times it read a source. */
static int qs_reads(sqlite3 *db, const char *zSql, const char *zExpect) {
    int nRead = 0;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, qs_trace_reads, &nRead);
    lpt_assert_rows(db, zSql, zExpect);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    return nRead;
}

/*
** Rule 13, caching: the same query text twice reads once; another text
** (even one that differs only in case) never gets the first one's data;
** a change to the table the query reads is seen by the next query.
*/
START_TEST(test_query_cache) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    const char *zA = "SELECT user_id, program FROM first_program('SELECT * FROM e WHERE "
                     "user_type = ''student''')";
    const char *zB = "SELECT user_id, program FROM first_program('SELECT * FROM e WHERE "
                     "user_type = ''STUDENT''')";
    const char *zC = "SELECT user_id, program FROM first_program('SELECT * FROM e WHERE "
                     "user_type <> ''student''')";
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program A\n"), 1);
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program A\n"), 0);
    ck_assert_int_eq(qs_reads(db, zB, ""), 1);
    ck_assert_int_eq(qs_reads(db, zC, "2|Flagship\n4|Flagship + Program C\n"), 1);
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program A\n"), 0);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "3\n");
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program A\n"), 1);
    /* a change to the table: seen at once */
    lpt_exec(db, "UPDATE e SET program = 'Program Z' WHERE user_id = 3 AND program = 'Program A'");
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program Z\n"), 1);
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program Z\n"), 0);
    lpt_exec(db, "INSERT INTO e VALUES (5, 'Program B', '2019-01-01', 'student', NULL)");
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n3|Program Z\n5|Program B\n"), 1);
    /* a TEMP table that now hides e is seen too (the temp schema changed) */
    lpt_exec(db, "CREATE TEMP TABLE e AS SELECT * FROM main.e WHERE user_id = 1");
    ck_assert_int_eq(qs_reads(db, zA, "1|Program A\n"), 1);
    sqlite3_close(db);
}
END_TEST

/* Rule 13: the word alone is a name: a table named "values" or "select" is
** read by name, as before queries were sources. */
START_TEST(test_query_word_alone) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE \"values\"(user_id, program, enrolled_at);"
                 "INSERT INTO \"values\" VALUES (1, 'A', '2020-01-01'), (2, 'B', '2020-01-02');"
                 "CREATE TABLE \"Select\"(user_id, program, enrolled_at);"
                 "INSERT INTO \"Select\" VALUES (1, 'A', '2020-01-01');");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('values')", "2\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program(' Select ')", "ERROR: first_program(): "
                        "no such table or view ' Select '");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('Select')", "1\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 13, caching: a source whose answer can change with the database
** unchanged is read afresh each time: one that calls a function that is not
** deterministic (a report setting, random()) or reads 'now', in a query or
** a view; one that calls only deterministic functions is cached.
*/
START_TEST(test_query_cache_volatile) {
    sqlite3 *db = lpt_open();
    const char *zFlag = "SELECT program, count(*) FROM first_program('SELECT user_id, "
                        "CASE WHEN learnpath_is_flagship(program) THEN ''F'' ELSE ''other'' END "
                        "AS program, enrolled_at FROM e') GROUP BY 1";
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 "INSERT INTO e VALUES (1, 'A', '2020-01-01'), (2, 'B', '2020-01-05'),"
                 " (3, 'B', '2020-01-07');"
                 "SELECT learnpath_report_setting('flagship', 'A');"
                 "CREATE VIEW v_now AS SELECT user_id, program, date('now') AS enrolled_at FROM e;"
                 "CREATE VIEW v_rand AS SELECT user_id, program, enrolled_at FROM e "
                 " WHERE random() IS NOT NULL;"
                 "CREATE VIEW v_upper AS SELECT user_id, upper(program) AS program, enrolled_at "
                 " FROM e;");
    ck_assert_int_eq(qs_reads(db, zFlag, "F|1\nother|2\n"), 1);
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', 'B');");
    ck_assert_int_eq(qs_reads(db, zFlag, "F|2\nother|1\n"), 1);
    ck_assert_int_eq(qs_reads(db, "SELECT count(*) FROM first_program('v_now')", "3\n"), 1);
    ck_assert_int_eq(qs_reads(db, "SELECT count(*) FROM first_program('v_now')", "3\n"), 1);
    ck_assert_int_eq(qs_reads(db, "SELECT count(*) FROM first_program('v_rand')", "3\n"), 1);
    ck_assert_int_eq(qs_reads(db, "SELECT count(*) FROM first_program('v_rand')", "3\n"), 1);
    ck_assert_int_eq(qs_reads(db, "SELECT count(*) FROM first_program('v_upper')", "3\n"), 1);
    ck_assert_int_eq(qs_reads(db, "SELECT count(*) FROM first_program('v_upper')", "3\n"), 0);
    sqlite3_close(db);
}
END_TEST

/*
** README "Trust model" and rule 13: a view saved in an attached database
** that passes a query naming another schema is refused by SQLite without
** the opt-in (nothing is read); with learnpath_allow_views(1) it reads what
** a table name would let it read, and no more: a query that calls a
** direct-only function or reads a virtual table is refused, in a stored
** view as in the user's own SQL, while the opt-in is on.
*/
START_TEST(test_query_trust) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE accounts(login, password, created);"
                 "INSERT INTO accounts VALUES ('alice', 'pw-alice', '2020-01-01'),"
                 " ('bob', 'pw-bob', '2020-01-02');"
                 "ATTACH ':memory:' AS evil;"
                 "CREATE TABLE evil.loot(a, b);"
                 "CREATE VIEW evil.steal AS SELECT user_id, program FROM first_program("
                 " 'SELECT login AS user_id, password AS program, created AS enrolled_at"
                 "  FROM main.accounts');"
                 "CREATE TABLE evil.inbox(x);"
                 "CREATE TRIGGER evil.grab AFTER INSERT ON inbox BEGIN"
                 " INSERT INTO loot SELECT user_id, program FROM first_program("
                 "  'WITH a AS (SELECT * FROM main.accounts) SELECT login AS user_id,"
                 "   password AS program, created AS enrolled_at FROM a'); END;"
                 "CREATE VIEW main.clear AS SELECT * FROM first_program('SELECT login AS"
                 " user_id, password AS program, created AS enrolled_at,"
                 " learnpath_cache_limit(0) AS n FROM accounts');");
    static const char zUnsafe[] = "ERROR: unsafe use of virtual table \"first_program\"";
    lpt_assert_rows(db, "SELECT * FROM evil.steal", zUnsafe);
    lpt_assert_rows(db, "SELECT * FROM main.clear", zUnsafe);
    char *zErr = NULL;
    ck_assert_int_ne(sqlite3_exec(db, "INSERT INTO evil.inbox VALUES (1)", NULL, NULL, &zErr),
                     SQLITE_OK);
    ck_assert_str_eq(zErr, "unsafe use of virtual table \"first_program\"");
    sqlite3_free(zErr);
    lpt_assert_rows(db, "SELECT count(*) FROM evil.loot", "0\n");
    /* the user's own SQL, with views not allowed: any query, even one that
    ** calls a direct-only function (the call is the user's own) */
    lpt_assert_rows(db,
                    "SELECT user_id, program FROM first_program('SELECT login AS user_id, password AS "
                    "program, created AS enrolled_at, learnpath_cache_limit(1e9) AS n FROM "
                    "accounts')",
                    "alice|pw-alice\nbob|pw-bob\n");
    /* the opt-in: the stored view reads main.accounts as a name would */
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_assert_rows(db, "SELECT * FROM evil.steal", "alice|pw-alice\nbob|pw-bob\n");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('main.accounts', 'login', "
                        "'password', 'created')",
                    "alice|pw-alice\nbob|pw-bob\n");
    /* ... but not what SQLite refuses in a view: a direct-only function */
    lpt_assert_rows(db, "SELECT * FROM main.clear",
                    "ERROR: first_program(): the source query may not call "
                    "learnpath_cache_limit(1) while learnpath_allow_views(1) is on (a view "
                    "stored in a database could pass it)");
    /* ... nor a virtual table, whose risk it cannot see */
    lpt_assert_rows(db,
                    "SELECT count(*) FROM first_program('SELECT name AS user_id, type AS "
                    "program, ''2020-01-01'' AS enrolled_at FROM pragma_table_list')",
                    "ERROR: first_program(): the source query may not read a virtual table "
                    "while learnpath_allow_views(1) is on (a view stored in a database could "
                    "pass it)");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "1\n");
    lpt_assert_rows(db, "SELECT * FROM evil.steal", zUnsafe);
    qs_assert_same(db,
                   "SELECT count(*) FROM first_program('SELECT name AS user_id, type AS "
                   "program, ''2020-01-01'' AS enrolled_at FROM pragma_table_list')",
                   "SELECT count(DISTINCT name) FROM pragma_table_list");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

Suite *make_source_suite(void) {
    Suite *s = suite_create("source");
    TCase *tc = tcase_create("Query");
    tcase_add_test(tc, test_query_against_plain_sql);
    tcase_add_test(tc, test_query_every_function);
    tcase_add_test(tc, test_query_every_argument);
    tcase_add_test(tc, test_query_or_name);
    tcase_add_test(tc, test_query_cache);
    tcase_add_test(tc, test_query_cache_volatile);
    tcase_add_test(tc, test_query_word_alone);
    tcase_add_test(tc, test_query_collation_and_stream);
    suite_add_tcase(s, tc);
    tc = tcase_create("Limits");
    tcase_add_test(tc, test_query_errors);
    tcase_add_test(tc, test_query_trust);
    suite_add_tcase(s, tc);
    return s;
}
