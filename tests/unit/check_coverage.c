/*
** check_coverage.c - cases found by `make coverage` (issue 3) that no other
** suite reached: each test names the behaviour a user relies on and checks
** the exact rows or message. docs/coverage.md lists what is left and why.
**
** "Rule N" is README.md's; "svg rule N" is the header comment of
** ext/svg.h.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_test.h"

/* The README's small example table, as `e`. */
static sqlite3 *cc_open(void) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at, user_type, account);"
             "INSERT INTO e VALUES"
             " (1, 'Program A', '2020-01-05 09:00:00', 'student', NULL),"
             " (1, 'Flagship', '2020-02-20 10:30:00', 'student', NULL),"
             " (2, 'Flagship', '2020-01-10 08:00:00', 'professional', 'Corp 001'),"
             " (3, 'Program A', '2020-03-01 12:00:00', 'student', NULL),"
             " (3, 'Program A', '2020-03-15 12:00:00', 'student', NULL),"
             " (3, 'Flagship', '2020-04-30 12:00:00', 'student', NULL),"
             " (3, 'Program B', '2020-06-01 12:00:00', 'student', NULL),"
             " (4, 'Flagship', '2020-02-02 09:00:00', 'professional', 'Corp 001'),"
             " (4, 'Program C', '2020-02-02 09:00:00', 'professional', 'Corp 001');");
    return db;
}

/* ------------------------------------------------------- registration */

static void cc_version_old(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, "0.0.1-old", -1, SQLITE_STATIC);
}

static void cc_version_null(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_null(ctx);
}

/* Another build's learnpath_version() (or one that answers NULL) is
** registered over; loading again the same build keeps the connection. */
START_TEST(test_load_over_other_version) {
    void (*axFunc[2])(sqlite3_context *, int, sqlite3_value **) = {cc_version_old,
                                                                   cc_version_null};
    for (int i = 0; i < 2; i++) {
        sqlite3 *db = NULL;
        char *zErr = NULL;
        ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
        ck_assert_int_eq(sqlite3_create_function(db, "learnpath_version", 0, SQLITE_UTF8, 0,
                                                 axFunc[i], 0, 0),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_OK);
        ck_assert_ptr_null(zErr);
        lpt_assert_rows(db, "SELECT learnpath_version()", "0.1.0\n");
        lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                     "INSERT INTO e VALUES (1, 'A', '2020-01-01');");
        lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')", "1|A\n");
        sqlite3_close(db);
    }
}
END_TEST

/* Registration that SQLite refuses (replacing a function while a statement
** runs) returns the code; the message is set only when asked for. */
START_TEST(test_load_refused_while_busy) {
    sqlite3 *db = NULL;
    sqlite3_stmt *pStmt = NULL;
    char *zErr = NULL;
    ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_create_function(db, "learnpath_version", 0, SQLITE_UTF8, 0, cc_version_old, 0, 0),
        SQLITE_OK);
    lpt_exec(db, "CREATE TABLE x(a); INSERT INTO x VALUES (1), (2);");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT a FROM x", -1, &pStmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_learnpath_init(db, NULL, NULL), SQLITE_BUSY);
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_BUSY);
    ck_assert_str_eq(zErr, "learnpath: registration failed: database is locked");
    sqlite3_free(zErr);
    sqlite3_finalize(pStmt);
    zErr = NULL;
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_OK);
    lpt_assert_rows(db, "SELECT learnpath_version()", "0.1.0\n");
    sqlite3_close(db);
}
END_TEST

static int cc_interrupt_all(void *p) {
    (void)p;
    return 1;
}

/* Loading again while a progress handler interrupts every statement: the
** check for an earlier load fails, learnpath registers anew and works. */
START_TEST(test_load_again_interrupted) {
    sqlite3 *db = cc_open();
    char *zErr = NULL;
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "4\n");
    sqlite3_progress_handler(db, 1, cc_interrupt_all, NULL);
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_OK);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')",
                    "1|Program A\n2|Flagship\n3|Program A\n4|Flagship + Program C\n");
    sqlite3_close(db);
}
END_TEST

/* A quoted value is cut at 80 bytes, never inside a character: a text of
** continuation bytes only is cut to nothing. */
START_TEST(test_quote_cut_at_character) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db,
                    "SELECT * FROM first_program('e')"
                    " WHERE ties = CAST(replace(hex(zeroblob(100)), '00', x'80') AS TEXT)",
                    "ERROR: first_program(): ties must be 'group' or 'name', not '...'");
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------------- reading */

/* Rules 3 and 10: integers and reals compare exactly, also past 2^53 and
** against reals outside the integer range. */
START_TEST(test_user_order_int_real) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (5, 'A', '2020-01-01'), (-1e300, 'A', '2020-01-01'),"
                 " (9007199254740993, 'A', '2020-01-01'), (0.5, 'A', '2020-01-01'),"
                 " (-9007199254740993, 'A', '2020-01-01'), (1e300, 'A', '2020-01-01'),"
                 " (-9007199254740993.0, 'B', '2020-02-01');");
    lpt_assert_rows(db, "SELECT user_id, steps FROM first_program('k')",
                    "-1e+300|1\n-9007199254740993|1\n-9.007199255e+15|1\n0.5|1\n5|1\n"
                    "9007199254740993|1\n1e+300|1\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 3: consecutive rows of one real-valued user (integral or not) are
** one user; of two different reals, two. */
START_TEST(test_real_users_in_a_row) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (4.5, 'A', '2020-01-01'), (4.5, 'B', '2020-01-03'),"
                 " (4.25, 'B', '2020-01-02'), ('u1', 'A', '2020-01-01'),"
                 " ('u2', 'B', '2020-01-02'), ('u2', 'C', '2020-01-04'),"
                 " (42.0, 'A', '2020-01-01'), (42.0, 'C', '2020-01-05');");
    lpt_assert_rows(db, "SELECT user_id, path FROM program_journeys('k')",
                    "4.25|B\n4.5|A > B\n42|A > C\nu1|A\nu2|B > C\n");
    sqlite3_close(db);
}
END_TEST

/* Many users out of order and rows not grouped by user (rule 10: users
** come back in user_id order), in memory and through the streaming path. */
START_TEST(test_many_users_ungrouped) {
    sqlite3 *db = lpt_open();
    /* 3000 users arriving in descending order; then 5000 rows cycling
    ** through 2500 users (each user's two rows 2500 rows apart) */
    lpt_exec(db,
             "CREATE TABLE d(user_id, program, enrolled_at);"
             "INSERT INTO d WITH RECURSIVE c(i) AS (SELECT 3000 UNION ALL SELECT i - 1 FROM c"
             " WHERE i > 1) SELECT i, 'P' || (i % 3), '2020-01-01' FROM c;"
             "CREATE TABLE g(user_id, program, enrolled_at);"
             "INSERT INTO g WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c"
             " WHERE i < 4999) SELECT i % 2500, 'P' || (i / 2500),"
             " datetime('2020-01-01', '+' || (i / 2500) || ' days') FROM c;");
    const char *zD = "SELECT count(*), min(user_id), max(user_id), sum(program = 'P0'),"
                     " group_concat(user_id, ',') LIKE '1,2,3,4,%,2999,3000'"
                     " FROM (SELECT * FROM first_program('d'))";
    const char *zG = "SELECT count(*), sum(steps), min(path), max(path), sum(days_to_next)"
                     " FROM (SELECT f.*, j.path FROM first_program('g') AS f"
                     " JOIN program_journeys('g') AS j USING (user_id))";
    lpt_assert_rows(db, zD, "3000|1|3000|1000|1\n");
    lpt_assert_rows(db, zG, "2500|5000|P0 > P1|P0 > P1|2500\n");
    /* a budget the data fits in changes nothing */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(100000000)", "0\n");
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    lpt_assert_rows(db, zG, "2500|5000|P0 > P1|P0 > P1|2500\n");
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT segment) FROM first_program('g', 'user_id',"
                    " 'program', 'enrolled_at', 'program')",
                    "2500|1\n");
    /* one it does not fit in streams the users from SQLite's sorter */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1)", "100000000\n");
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    lpt_assert_rows(db, zD, "3000|1|3000|1000|1\n");
    lpt_assert_rows(db, zG, "2500|5000|P0 > P1|P0 > P1|2500\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 1: an empty blob as program is left out like empty text. */
START_TEST(test_empty_blob_program) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (1, x'', '2020-01-01'), (1, 'A', '2020-01-02'),"
                 " (2, x'', '2020-01-01');");
    lpt_assert_rows(db, "SELECT user_id, path FROM program_journeys('k')", "1|A\n");
    lpt_assert_rows(db,
                    "SELECT value FROM enrollment_profile('k') WHERE finding ="
                    " 'rows_without_program'",
                    "2\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 3: programs are compared by their whole text, also when names share
** their length, first and last eight bytes, or meet in the same slot of
** the table of names met lately. */
START_TEST(test_similar_program_names) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE k(user_id, program, enrolled_at);"
             "INSERT INTO k VALUES"
             " (1, 'Program number 1 of the series', '2020-01-01'),"
             " (1, 'Program number 2 of the series', '2020-01-02'),"
             " (1, 'Program number 1 of the series', '2020-01-03'),"
             " (1, 'Program number 1 of the series', '2020-01-04'),"
             " (2, 'Program AA', '2020-01-01'), (2, 'Program RR', '2020-01-02'),"
             " (2, 'Program AA', '2020-01-03'), (2, 'Program RR', '2020-01-04');");
    lpt_assert_rows(db, "SELECT user_id, steps, programs, path FROM program_journeys('k')",
                    "1|3|2|Program number 1 of the series > Program number 2 of the series >"
                    " Program number 1 of the series\n"
                    "2|4|2|Program AA > Program RR > Program AA > Program RR\n");
    sqlite3_close(db);
}
END_TEST

/* Source names: a missing table in a named schema, and a view in an
** attached database that cannot be read, each say so. */
START_TEST(test_source_errors) {
    sqlite3 *db = cc_open();
    lpt_exec(db, "ATTACH ':memory:' AS aux;"
                 "CREATE TABLE aux.x(user_id, program, enrolled_at);"
                 "CREATE VIEW aux.bv AS SELECT * FROM x;"
                 "DROP TABLE aux.x;");
    lpt_assert_rows(db, "SELECT * FROM first_program('main.nosuch')",
                    "ERROR: first_program(): no such table or view 'main.nosuch'");
    lpt_assert_rows(db, "SELECT * FROM program_steps('aux.bv')",
                    "ERROR: program_steps(): cannot read 'aux.bv': no such table: aux.x");
    sqlite3_close(db);
}
END_TEST

static int cc_deny_reader(void *p, int eAction, const char *z1, const char *z2, const char *z3,
                          const char *z4) {
    (void)p;
    (void)z1;
    (void)z3;
    (void)z4;
    if (eAction == SQLITE_FUNCTION && z2 && strcmp(z2, "learnpath_internal_read") == 0) {
        return SQLITE_DENY;
    }
    return SQLITE_OK;
}

/* The reader function refuses a call without learnpath's state, also one
** without arguments. */
START_TEST(test_reader_without_arguments) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT learnpath_internal_read()",
                    "ERROR: learnpath_internal_read(): for learnpath's own use only");
    sqlite3_close(db);
}
END_TEST

/* A host whose authorizer refuses learnpath's reader gets a clear error. */
START_TEST(test_authorizer_refuses_reader) {
    sqlite3 *db = cc_open();
    sqlite3_set_authorizer(db, cc_deny_reader, NULL);
    /* SQLite 3.40 adds ": learnpath_internal_read"; older releases do not */
    char *zGot = lpt_query(db, "SELECT * FROM first_program('e')");
    const char *zWant = "ERROR: first_program(): cannot read 'e': not authorized";
    ck_assert_msg(strncmp(zGot, zWant, strlen(zWant)) == 0, "got: %s", zGot);
    sqlite3_free(zGot);
    sqlite3_set_authorizer(db, NULL, NULL);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "4\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 2 when streaming from a view (no rowid): the same error as in
** memory, before any row. */
START_TEST(test_stream_view_bad_time) {
    sqlite3 *db = cc_open();
    lpt_exec(db, "INSERT INTO e VALUES (5, 'Program A', 'soon', 'student', NULL);"
                 "CREATE VIEW ev AS SELECT * FROM e;");
    const char *zWant = "ERROR: program_steps(): unreadable time 'soon' in column 'enrolled_at' of 'ev'";
    lpt_assert_rows(db, "SELECT * FROM program_steps('ev')", zWant);
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    lpt_assert_rows(db, "SELECT * FROM program_steps('ev')", zWant);
    lpt_assert_rows(db,
                    "SELECT finding, value, detail FROM enrollment_profile('ev')"
                    " WHERE finding = 'unreadable_times'",
                    "unreadable_times|1|'soon'\n");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------------------- cache */

/* Data cached with one segment column does not serve a query for another. */
START_TEST(test_cache_other_segment) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db,
                    "SELECT user_id, segment FROM first_program('e', 'user_id', 'program',"
                    " 'enrolled_at', 'user_type')",
                    "1|student\n2|professional\n3|student\n4|professional\n");
    lpt_assert_rows(db,
                    "SELECT user_id, segment FROM first_program('e', 'user_id', 'program',"
                    " 'enrolled_at', 'account')",
                    "1|NULL\n2|Corp 001\n3|NULL\n4|Corp 001\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "2\n");
    sqlite3_close(db);
}
END_TEST

/* While another connection holds an attached database locked, the check
** of what changed in it fails too: the read reports the lock, never rows
** kept from before. */
START_TEST(test_cache_check_locked) {
    sqlite3 *dbA = NULL, *dbB = NULL;
    const char *zUri = "file:/learnpath_check_coverage_locked?vfs=memdb";
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI;
    char *zErr = NULL;
    ck_assert_int_eq(sqlite3_open_v2(":memory:", &dbA, flags, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_learnpath_init(dbA, &zErr, NULL), SQLITE_OK);
    char *zAttach = sqlite3_mprintf("ATTACH %Q AS aux", zUri);
    lpt_exec(dbA, zAttach);
    sqlite3_free(zAttach);
    lpt_exec(dbA, "CREATE TABLE aux.e(user_id, program, enrolled_at);"
                  "INSERT INTO aux.e VALUES (1, 'A', '2020-01-01'), (2, 'B', '2020-01-02');");
    lpt_assert_rows(dbA, "SELECT user_id, program FROM first_program('aux.e')", "1|A\n2|B\n");
    ck_assert_int_eq(sqlite3_open_v2(zUri, &dbB, flags, NULL), SQLITE_OK);
    lpt_exec(dbB, "BEGIN EXCLUSIVE; INSERT INTO e VALUES (3, 'C', '2020-01-03');");
    lpt_assert_rows(dbA, "SELECT user_id, program FROM first_program('aux.e')",
                    "ERROR: first_program(): reading 'aux.e': database is locked");
    lpt_exec(dbB, "COMMIT");
    lpt_assert_rows(dbA, "SELECT user_id, program FROM first_program('aux.e')",
                    "1|A\n2|B\n3|C\n");
    sqlite3_close(dbB);
    sqlite3_close(dbA);
}
END_TEST

/* The cache keeps at most 8 sources and stays under its byte limit,
** dropping the least recently used; lowering the limit drops at once. */
START_TEST(test_cache_limits) {
    sqlite3 *db = cc_open();
    char zSql[200];
    for (int i = 1; i <= 9; i++) {
        snprintf(zSql, sizeof(zSql), "CREATE TABLE e%d AS SELECT * FROM e", i);
        lpt_exec(db, zSql);
    }
    for (int i = 1; i <= 9; i++) {
        snprintf(zSql, sizeof(zSql), "SELECT count(*) FROM first_program('e%d')", i);
        lpt_assert_rows(db, zSql, "4\n");
    }
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "8\n");
    /* a limit below one source's data: nothing is kept */
    lpt_exec(db, "SELECT learnpath_cache_limit(1)"); /* returns the default */
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n");
    /* about 70 kB per source (4096 enrollments and 1024 users reserved):
    ** 100 kB holds one, 1 MB several */
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(100000)", "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e2')", "4\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(1000000)", "100000\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e2')", "4\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(100000)", "1000000\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    sqlite3_close(db);
}
END_TEST

/* The cache limit and the memory budget take a number of bytes >= 0. */
START_TEST(test_cache_argument_errors) {
    sqlite3 *db = lpt_open();
    const char *zLimit = "ERROR: learnpath_cache_limit(): the limit must be a number of bytes >= 0";
    const char *zBudget = "ERROR: learnpath_memory_budget(): the budget must be a number of bytes >= 0";
    lpt_assert_rows(db, "SELECT learnpath_cache_limit('lots')", zLimit);
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(1e19)", zLimit);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget('lots')", zBudget);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(-1)", zBudget);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1e19)", zBudget);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(2.5e6)", "0\n");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget('0')", "2500000\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ journeys */

/* A computed program_transitions is reused only for the same shaping:
** another `until` computes its own rows (rule 7). */
START_TEST(test_memo_other_until) {
    sqlite3 *db = cc_open();
    const char *zSql = "SELECT from_program, to_program, users FROM program_transitions('e')"
                       " WHERE step = 1 AND until = '%s'";
    char *z1 = sqlite3_mprintf(zSql, "2020-02-01");
    char *z2 = sqlite3_mprintf(zSql, "2020-12-31");
    lpt_assert_rows(db, z1, "Flagship|NULL|1\nProgram A|Flagship|1\n");
    lpt_assert_rows(db, z2,
                    "Program A|Flagship|2\nFlagship|NULL|1\nFlagship + Program C|NULL|1\n");
    lpt_assert_rows(db, z1, "Flagship|NULL|1\nProgram A|Flagship|1\n");
    sqlite3_free(z1);
    sqlite3_free(z2);
    sqlite3_close(db);
}
END_TEST

/* The first '=' on an argument is the argument; SQLite checks any other
** against the value read back. */
START_TEST(test_argument_given_twice) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db, "SELECT count(*) FROM first_program WHERE source = 'e' AND source = 'e'",
                    "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program WHERE source = 'e' AND source = 'x'",
                    "0\n");
    sqlite3_close(db);
}
END_TEST

/* bad_times = NULL is refused like any other value but 'error' or 'skip'. */
START_TEST(test_bad_times_null) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db, "SELECT * FROM first_program('e') WHERE bad_times = NULL",
                    "ERROR: first_program(): bad_times must be 'error' or 'skip', not NULL");
    sqlite3_close(db);
}
END_TEST

/* enrollment_profile: duplicate rows count only when the segment matches
** too; a repeated program at the first instant is no tie. */
START_TEST(test_profile_duplicates) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01', 's'), (1, 'A', '2020-01-01', 's'),"
                 " (1, 'A', '2020-01-01', 'p'), (1, 'B', '2020-02-01', 's'),"
                 " (2, 'B', '2020-01-01', NULL), (2, 'C', '2020-01-01', NULL);");
    lpt_assert_rows(db,
                    "SELECT finding, value FROM enrollment_profile('k', 'user_id', 'program',"
                    " 'enrolled_at', 'seg') WHERE finding IN ('duplicate_rows', 'tied_users',"
                    " 'users_with_repeats', 'segments')",
                    "segments|2\nduplicate_rows|1\ntied_users|1\nusers_with_repeats|1\n");
    lpt_assert_rows(db,
                    "SELECT finding, value FROM enrollment_profile('k')"
                    " WHERE finding = 'duplicate_rows'",
                    "duplicate_rows|2\n");
    sqlite3_close(db);
}
END_TEST

/* enrollment_profile with a segment column that holds no value. */
START_TEST(test_profile_no_segment_values) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01', NULL), (2, 'B', '2020-01-01', '');");
    lpt_assert_rows(db,
                    "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE finding = 'segments'",
                    "segments|0|NULL\n");
    sqlite3_close(db);
}
END_TEST

/* program_transitions of an empty source with a segment column. */
START_TEST(test_transitions_empty_with_segment) {
    sqlite3 *db = cc_open();
    lpt_exec(db, "CREATE TABLE z AS SELECT * FROM e WHERE 0");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM program_transitions('z', 'user_id', 'program',"
                    " 'enrolled_at', 'user_type')",
                    "0\n");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM first_program_stats('z', 'user_id', 'program',"
                    " 'enrolled_at', 'user_type')",
                    "0\n");
    sqlite3_close(db);
}
END_TEST

/* A path longer than SQLITE_LIMIT_LENGTH is "string or blob too big". */
START_TEST(test_path_too_big) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db, "SELECT path FROM program_journeys('e') WHERE user_id = 3",
                    "Program A > Flagship > Program B\n");
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 30);
    lpt_assert_rows(db, "SELECT path FROM program_journeys('e') WHERE user_id = 3",
                    "ERROR: string or blob too big");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------------- sample data */

/* sample_enrollments: rowid, an argument given twice, the seed from a
** join, and an ORDER BY of three terms. */
START_TEST(test_sample_plans) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT rowid, user_id FROM sample_enrollments(2, 1)",
                    "1|1\n2|1\n3|2\n4|2\n5|2\n");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM sample_enrollments WHERE users = 2 AND seed = 1"
                    " AND seed = 1",
                    "5\n");
    lpt_exec(db, "CREATE TABLE s(x); INSERT INTO s VALUES (1);");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM s, sample_enrollments AS e WHERE e.users = 2"
                    " AND e.seed = s.x",
                    "5\n");
    /* three ORDER BY terms: SQLite sorts (the function promises two) */
    const char *zRows = "1|Program A|2021-06-30 11:46:19\n1|Flagship|2021-07-27 00:50:33\n"
                        "2|Program A|2020-10-16 23:22:13\n2|Flagship|2020-10-19 17:13:12\n"
                        "2|Program E|2021-02-01 17:56:10\n";
    lpt_assert_rows(db,
                    "SELECT user_id, program, enrolled_at FROM sample_enrollments(2, 1)"
                    " ORDER BY user_id, enrolled_at, program",
                    zRows);
    lpt_exec(db, "CREATE TABLE m AS SELECT * FROM sample_enrollments(2, 1)");
    lpt_assert_rows(db,
                    "SELECT user_id, program, enrolled_at FROM m"
                    " ORDER BY user_id, enrolled_at, program",
                    zRows);
    sqlite3_close(db);
}
END_TEST

/* sample_enrollments: a user who took all six programs gets no tie step
** (there is no seventh program to tie with). With seed 449, user 769 is
** the first such user whose draw asked for a tie. */
START_TEST(test_sample_all_programs_no_tie) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT program), count(DISTINCT enrolled_at)"
                    " FROM sample_enrollments(769, 449) WHERE user_id = 769",
                    "6|6|6\n");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------------------- times */

/* Rule 2: spaces SQLite skips around a number (\v, \f, \r) and after a
** date; a value that reads as a time up to a NUL byte reads as that time,
** as julianday() reads it. */
START_TEST(test_time_odd_text) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (1, 'A', char(11) || '2459300.5'),"
                 " (2, 'A', '2459300.5' || char(12)), (3, 'A', char(13) || '2459300.5'),"
                 " (4, 'A', '2021-01-01' || char(13)),"
                 " (5, 'A', '2021-01-01' || char(0) || 'x'),"
                 " (6, 'A', '2021-01-01 10:00:00' || char(0) || 'x');");
    lpt_assert_rows(db,
                    "SELECT user_id, started_at, julianday(started_at) = julianday(k.enrolled_at,"
                    " 'auto') FROM first_program('k') JOIN k USING (user_id)",
                    "1|2021-03-27 00:00:00|1\n2|2021-03-27 00:00:00|1\n3|2021-03-27 00:00:00|1\n"
                    "4|2021-01-01 00:00:00|1\n5|2021-01-01 00:00:00|1\n6|2021-01-01 10:00:00|1\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 2: values julianday() refuses are unreadable here too. */
START_TEST(test_time_refused) {
    sqlite3 *db = lpt_open();
    const char *azBad[] = {"5373484.4999999995", "'2021-01-01 10:60:00'",
                           "'9999-12-31 24:00:00'", "'9999-12-31 24:00:00' || char(0) || 'x'"};
    const char *azShow[] = {"'5373484.5'", "'2021-01-01 10:60:00'", "'9999-12-31 24:00:00'",
                            "'9999-12-31 24:00:00'"};
    for (int i = 0; i < 4; i++) {
        char *zSql = sqlite3_mprintf(
            "DROP TABLE IF EXISTS k; CREATE TABLE k(user_id, program, enrolled_at);"
            "INSERT INTO k VALUES (1, 'A', %s);",
            azBad[i]);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        lpt_assert_rows(db, "SELECT julianday(enrolled_at, 'auto') FROM k", "NULL\n");
        char *zWant = sqlite3_mprintf(
            "ERROR: first_program(): unreadable time %s in column 'enrolled_at' of 'k'", azShow[i]);
        lpt_assert_rows(db, "SELECT * FROM first_program('k')", zWant);
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------------------- charts */

/* One chart: the TEXT of the query's single value (caller frees). */
static char *cc_svg(sqlite3 *db, const char *zSql) {
    char *z = lpt_query(db, zSql);
    size_t n;
    ck_assert_ptr_nonnull(z);
    n = strlen(z);
    ck_assert_msg(strncmp(z, "<svg ", 5) == 0 && n > 8 && strcmp(z + n - 7, "</svg>\n") == 0,
                  "not one SVG document: %.200s", z);
    z[n - 1] = 0; /* the row's newline */
    return z;
}

/* The canvas width of a chart (the root's width attribute). */
static int cc_svg_width(sqlite3 *db, const char *zSql) {
    char *z = cc_svg(db, zSql);
    const char *zW = strstr(z, " width=\"");
    int w;
    ck_assert_ptr_nonnull(zW);
    w = atoi(zW + 8);
    sqlite3_free(z);
    return w;
}

/* Assert that the chart of zSql contains zPart (or, with bHas = 0, not). */
static void cc_svg_has(sqlite3 *db, const char *zSql, const char *zPart, int bHas) {
    char *z = cc_svg(db, zSql);
    ck_assert_msg((strstr(z, zPart) != NULL) == bHas, "%s %s in:\n%s", bHas ? "no" : "unexpected",
                  zPart, z);
    sqlite3_free(z);
}

static int cc_count(const char *z, const char *zPart) {
    int n = 0;
    for (z = strstr(z, zPart); z; z = strstr(z + 1, zPart)) n++;
    return n;
}

/* bar_svg with every series NULL: one "(none)" series (svg rule 2); a chart
** of zeros gets the axis 0 to 1; a range of 5 the ticks 0, 1, ..., 5. */
START_TEST(test_svg_axis_and_none_series) {
    sqlite3 *db = lpt_open();
    const char *zSql = "SELECT bar_svg('a', NULL, 3)";
    cc_svg_has(db, zSql, ">(none)</text>", 1);
    cc_svg_has(db, zSql, "<title>a \xC2\xB7 (none): 3</title>", 1);
    zSql = "SELECT bar_svg('a', NULL, 0)";
    cc_svg_has(db, zSql, "dy=\"0.35em\">0</text>\n<text x=\"32.6\" y=\"66.0\" dy=\"0.35em\">1</text>", 1);
    zSql = "SELECT bar_svg('a', NULL, 5)";
    char *z = cc_svg(db, zSql);
    for (int i = 0; i <= 5; i++) {
        char zTick[40];
        snprintf(zTick, sizeof(zTick), "dy=\"0.35em\">%d</text>", i);
        ck_assert_msg(strstr(z, zTick) != NULL, "no tick %d in %s", i, z);
    }
    ck_assert_int_eq(cc_count(z, "dy=\"0.35em\">"), 6);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Values near the ends of the number line (svg rules 1, 2, 5): 70 halves
** add up exactly; two INT64_MIN sum beyond 64 bits (shown, as SQLite's
** printf shows numbers, to 16 digits); infinity is ignored; a
** subnormal weight or value draws (as 0) instead of breaking the layout. */
START_TEST(test_svg_extreme_values) {
    sqlite3 *db = lpt_open();
    cc_svg_has(db,
               "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 70)"
               " SELECT bar_svg('a', NULL, 0.5) FROM c",
               "<title>a \xC2\xB7 (none): 35</title>", 1);
    cc_svg_has(db,
               "SELECT bar_svg('a', NULL, -9223372036854775808)"
               " FROM (SELECT 1 UNION ALL SELECT 2)",
               "<title>a \xC2\xB7 (none): -18,446,744,073,709,550,000</title>", 1);
    cc_svg_has(db, "SELECT bar_svg('a', NULL, 1e999)", ">no data</text>", 1);
    cc_svg_has(db, "SELECT sankey_svg('a', 'b', 1e999)", ">no data</text>", 1);
    cc_svg_has(db, "SELECT sankey_svg('a', 'b', 1e-320)", "<title>a: 0</title>", 1);
    /* ranges of 2 and 5 times the least subnormal: the tick step is 1 */
    for (int i = 0; i < 2; i++) {
        char *z = cc_svg(db, i ? "SELECT bar_svg('a', NULL, 1e-323)" : "SELECT bar_svg('a', NULL, 2.5e-323)");
        ck_assert_ptr_nonnull(strstr(z, "<title>a \xC2\xB7 (none): 0</title>"));
        ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">0</text>"));
        ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">1</text>"));
        ck_assert_int_eq(cc_count(z, "dy=\"0.35em\">"), 2);
        sqlite3_free(z);
    }
    sqlite3_close(db);
}
END_TEST

/* Many cells (300 category/series pairs): each bar keeps its own value. */
START_TEST(test_svg_many_cells) {
    sqlite3 *db = lpt_open();
    char *z = cc_svg(db,
                     "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 299)"
                     " SELECT bar_svg(printf('c%03d', i / 3), 's' || (i % 3), i) FROM c");
    ck_assert_int_eq(cc_count(z, "</title></rect>"), 300);
    ck_assert_ptr_nonnull(strstr(z, "<title>c000 \xC2\xB7 s0: 0</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>c042 \xC2\xB7 s1: 127</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>c099 \xC2\xB7 s2: 299</title>"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Svg rule 4: characters of two, three and four bytes are kept; CR becomes
** a space, U+FFFF becomes U+FFFD. */
START_TEST(test_svg_label_characters) {
    sqlite3 *db = lpt_open();
    cc_svg_has(db,
               "SELECT bar_svg('x' || char(0xE9, 0x800, 0x1F600, 0x40000, 13, 0xFFFF) || 'y',"
               " NULL, 1)",
               ">x\xC3\xA9\xE0\xA0\x80\xF0\x9F\x98\x80\xF1\x80\x80\x80 \xEF\xBF\xBDy</text>", 1);
    sqlite3_close(db);
}
END_TEST

/* Layout estimate (header of svg.h): East Asian wide characters and
** emoji take 1 em, other characters 0.58 em, combining marks none. */
START_TEST(test_svg_character_widths) {
    sqlite3 *db = lpt_open();
    static const int aWide[] = {0x1100, 0x3042, 0xAC00, 0xF900, 0xFE30,
                                0xFF01, 0xFFE0, 0x1F600, 0x20000};
    static const int aNarrow[] = {0x1160, 0xA4D0, 0xD7B0, 0xFB00, 0xFE50,
                                  0xFF61, 0xFFE8, 0x1FB00, 0x40000};
    char zSql[200];
    int wRef = cc_svg_width(db, "SELECT sankey_svg('a', replace(printf('%20s', ''), ' ', 'a'), 1)");
    for (int i = 0; i < (int)(sizeof(aWide) / sizeof(aWide[0])); i++) {
        snprintf(zSql, sizeof(zSql),
                 "SELECT sankey_svg('a', replace(printf('%%20s', ''), ' ', char(%d)), 1)", aWide[i]);
        ck_assert_msg(cc_svg_width(db, zSql) > wRef, "U+%04X not wide", aWide[i]);
        snprintf(zSql, sizeof(zSql),
                 "SELECT sankey_svg('a', replace(printf('%%20s', ''), ' ', char(%d)), 1)", aNarrow[i]);
        ck_assert_msg(cc_svg_width(db, zSql) == wRef, "U+%04X not narrow", aNarrow[i]);
    }
    ck_assert_int_eq(
        cc_svg_width(db, "SELECT sankey_svg('a', replace(printf('%20s', ''), ' ', 'a' || char(0x301)), 1)"),
        wRef);
    sqlite3_close(db);
}
END_TEST

/* Svg rule 3: the limit is in characters, not bytes: 31 two-byte
** characters (62 bytes) are shown whole. */
START_TEST(test_svg_label_limit_in_characters) {
    sqlite3 *db = lpt_open();
    const char *zSql = "SELECT bar_svg(replace(printf('%31s', ''), ' ', char(0xE9)), NULL, 1)";
    cc_svg_has(db, zSql, "\xE2\x80\xA6", 0);
    cc_svg_has(db, zSql,
               ">\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
               "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
               "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
               "\xC3\xA9</text>",
               1);
    sqlite3_close(db);
}
END_TEST

/* Svg rule 3: a title over 100 characters is cut with an ellipsis, the
** full text in a <title> child; it sets the canvas width of every kind of
** chart alike. */
START_TEST(test_svg_long_title) {
    sqlite3 *db = lpt_open();
    const char *zTitle = "replace(printf('%120s', ''), ' ', 'T')";
    char *zBar = sqlite3_mprintf("SELECT bar_svg('a', NULL, 1, %s)", zTitle);
    char *zSankey = sqlite3_mprintf("SELECT sankey_svg('a', 'b', 1, %s)", zTitle);
    char *zNone = sqlite3_mprintf("SELECT sankey_svg('a', 'b', 0, %s)", zTitle);
    char zFull[140], zCut[140];
    memset(zFull, 'T', 120);
    zFull[120] = 0;
    memset(zCut, 'T', 99);
    strcpy(zCut + 99, "\xE2\x80\xA6</text>");
    char *z = cc_svg(db, zBar);
    char *zChild = sqlite3_mprintf("font-weight=\"700\"><title>%s</title>%s", zFull, zCut);
    ck_assert_msg(strstr(z, zChild) != NULL, "no cut title in %s", z);
    sqlite3_free(zChild);
    sqlite3_free(z);
    int w = cc_svg_width(db, zBar);
    ck_assert_int_gt(w, 1000);
    ck_assert_int_eq(cc_svg_width(db, zSankey), w);
    ck_assert_int_eq(cc_svg_width(db, zNone), w);
    cc_svg_has(db, zNone, ">no data</text>", 1);
    sqlite3_free(zBar);
    sqlite3_free(zSankey);
    sqlite3_free(zNone);
    sqlite3_close(db);
}
END_TEST

/* A chart longer than SQLITE_LIMIT_LENGTH is "string or blob too big". */
START_TEST(test_svg_too_big) {
    sqlite3 *db = lpt_open();
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1000);
    lpt_assert_rows(db, "SELECT bar_svg('a', NULL, 1)", "ERROR: string or blob too big");
    lpt_assert_rows(db, "SELECT sankey_svg('a', 'b', 1)", "ERROR: string or blob too big");
    sqlite3_close(db);
}
END_TEST

/* A legend wider than the canvas wraps to a second line at the left. */
START_TEST(test_svg_legend_wraps) {
    sqlite3 *db = lpt_open();
    char *z = cc_svg(db,
                     "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 8)"
                     " SELECT bar_svg('a', 'a rather long series name ' || i, i) FROM c");
    ck_assert_ptr_nonnull(strstr(z, "<rect x=\"24.0\" y=\"26.0\" width=\"12\" height=\"12\""));
    ck_assert_ptr_nonnull(strstr(z, "<rect x=\"24.0\" y=\"46.0\" width=\"12\" height=\"12\""));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Stacked bars: a stack of zeros gets its total above the zero line; bars
** spread over a canvas widened to its minimum keep their width. */
START_TEST(test_svg_stacked_labels) {
    sqlite3 *db = lpt_open();
    char *z = cc_svg(db, "SELECT bar_svg(column1, column2, column3, NULL, 'stacked') FROM (VALUES"
                         " ('a', 's1', 100000000), ('a', 's2', -99999999), ('b', 's1', 0))");
    ck_assert_ptr_nonnull(strstr(z, "<title>a \xC2\xB7 s1: 100,000,000</title>"));
    ck_assert_ptr_nonnull(strstr(z, "fill=\"#ffffff\">100,000,000</text>"));
    ck_assert_ptr_nonnull(strstr(z, "font-weight=\"700\">1</text>"));
    ck_assert_ptr_nonnull(strstr(z, "font-weight=\"700\">0</text>"));
    sqlite3_free(z);
    z = cc_svg(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5)"
                   " SELECT bar_svg('c' || i, NULL, i, NULL, 'stacked') FROM c");
    ck_assert_int_eq(cc_count(z, "width=\"34.0\""), 5);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

Suite *make_coverage_suite(void) {
    Suite *s = suite_create("coverage");
    TCase *tc = tcase_create("Registration");
    tcase_add_test(tc, test_load_over_other_version);
    tcase_add_test(tc, test_load_refused_while_busy);
    tcase_add_test(tc, test_load_again_interrupted);
    tcase_add_test(tc, test_quote_cut_at_character);
    suite_add_tcase(s, tc);

    tc = tcase_create("Reading");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_user_order_int_real);
    tcase_add_test(tc, test_real_users_in_a_row);
    tcase_add_test(tc, test_many_users_ungrouped);
    tcase_add_test(tc, test_empty_blob_program);
    tcase_add_test(tc, test_similar_program_names);
    tcase_add_test(tc, test_source_errors);
    tcase_add_test(tc, test_reader_without_arguments);
    tcase_add_test(tc, test_authorizer_refuses_reader);
    tcase_add_test(tc, test_stream_view_bad_time);
    suite_add_tcase(s, tc);

    tc = tcase_create("Cache");
    tcase_add_test(tc, test_cache_other_segment);
    tcase_add_test(tc, test_cache_check_locked);
    tcase_add_test(tc, test_cache_limits);
    tcase_add_test(tc, test_cache_argument_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("Journeys");
    tcase_add_test(tc, test_memo_other_until);
    tcase_add_test(tc, test_argument_given_twice);
    tcase_add_test(tc, test_bad_times_null);
    tcase_add_test(tc, test_profile_duplicates);
    tcase_add_test(tc, test_profile_no_segment_values);
    tcase_add_test(tc, test_transitions_empty_with_segment);
    tcase_add_test(tc, test_path_too_big);
    tcase_add_test(tc, test_sample_plans);
    tcase_add_test(tc, test_sample_all_programs_no_tie);
    suite_add_tcase(s, tc);

    tc = tcase_create("Charts");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_svg_axis_and_none_series);
    tcase_add_test(tc, test_svg_extreme_values);
    tcase_add_test(tc, test_svg_many_cells);
    tcase_add_test(tc, test_svg_label_characters);
    tcase_add_test(tc, test_svg_character_widths);
    tcase_add_test(tc, test_svg_label_limit_in_characters);
    tcase_add_test(tc, test_svg_long_title);
    tcase_add_test(tc, test_svg_too_big);
    tcase_add_test(tc, test_svg_legend_wraps);
    tcase_add_test(tc, test_svg_stacked_labels);
    suite_add_tcase(s, tc);

    tc = tcase_create("Times");
    tcase_add_test(tc, test_time_odd_text);
    tcase_add_test(tc, test_time_refused);
    suite_add_tcase(s, tc);
    return s;
}
