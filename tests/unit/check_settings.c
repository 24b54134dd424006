/*
** check_settings.c - the "settings" suite: loading learnpath into a
** connection (sqlite3_learnpath_init, learnpath_version) and the functions
** that set what a connection keeps and uses: learnpath_cache_clear,
** learnpath_cache_limit, learnpath_memory_budget, learnpath_threads
** (README.md "Cache, memory and thread settings" and "learnpath_version()").
*/
#include <stdio.h>
#include <string.h>

#include "lp_test.h"

/* ------------------------------------------------------------ loading */

/* learnpath_version() of another build, and one that answers NULL. */
static void cset_version_old(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, "0.0.1-old", -1, SQLITE_STATIC);
}

static void cset_version_null(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_null(ctx);
}

/* Another build's learnpath_version() (or one that answers NULL) is
** registered over; loading again the same build keeps the connection. */
START_TEST(test_load_over_other_version) {
    void (*axFunc[2])(sqlite3_context *, int, sqlite3_value **) = {cset_version_old,
                                                                   cset_version_null};
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
        sqlite3_create_function(db, "learnpath_version", 0, SQLITE_UTF8, 0, cset_version_old, 0, 0),
        SQLITE_OK);
    lpt_exec(db, "CREATE TABLE x(a); INSERT INTO x VALUES (1), (2);");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT a FROM x", -1, &pStmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_learnpath_init(db, NULL, NULL), SQLITE_BUSY);
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_BUSY);
    /* the first registration is the owner of the connection's state */
    ck_assert_str_eq(zErr, "learnpath: registering learnpath_allow_views failed: database is locked");
    sqlite3_free(zErr);
    sqlite3_finalize(pStmt);
    zErr = NULL;
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_OK);
    lpt_assert_rows(db, "SELECT learnpath_version()", "0.1.0\n");
    sqlite3_close(db);
}
END_TEST

static int cset_interrupt_all(void *p) {
    (void)p;
    return 1;
}

/* Loading again while a progress handler interrupts every statement: the
** check for an earlier load fails, learnpath registers anew and works. */
START_TEST(test_load_again_interrupted) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    char *zErr = NULL;
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "4\n");
    sqlite3_progress_handler(db, 1, cset_interrupt_all, NULL);
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_OK);
    sqlite3_progress_handler(db, 0, NULL, NULL);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')",
                    "1|Program A\n2|Flagship\n3|Program A\n4|Flagship + Program C\n");
    sqlite3_close(db);
}
END_TEST

/* Loading learnpath again on a connection (each saved report starts with
** .load) keeps its state: the cache survives, and the connection stays
** usable with no error left behind. */
START_TEST(test_load_twice_keeps_cache) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    char *zErr = NULL;
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "3\n");
    ck_assert_int_eq(sqlite3_learnpath_init(db, &zErr, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_errcode(db), SQLITE_OK);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------------- cache */

/* Data cached with one segment column does not serve a query for another. */
START_TEST(test_cache_other_segment) {
    sqlite3 *db = lpt_open_fixture("e_readme");
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

/* The cache: data read with a segment column serves a query without one,
** which then shows no segments (README "Cache, memory and thread settings"). */
START_TEST(test_cache_segment_superset) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db, "SELECT segment, program, users FROM first_program_stats('e', 'user_id', "
                        "'program', 'enrolled_at', 'user_type')",
                    "p|F|1\np|NULL|1\ns|A|2\ns|NULL|2\n");
    lpt_assert_rows(db, "SELECT segment, program, users FROM first_program_stats('e')",
                    "NULL|A|2\nNULL|F|1\nNULL|NULL|3\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n"); /* one entry served both */
    lpt_assert_rows(db, "SELECT value FROM enrollment_profile('e', 'user_id', 'program', "
                        "'enrolled_at', 'user_type') WHERE finding = 'segments'",
                    "2\n");
    lpt_assert_rows(db, "SELECT value FROM enrollment_profile('e') WHERE finding = 'segments'",
                    "0\n");
    sqlite3_close(db);
}
END_TEST

/*
** bad_times and the cache (rule 2): a read that met no unreadable time
** serves both settings, so enrollment_profile (which reads with 'skip')
** and the journey functions share one entry; once a time is unreadable,
** 'error' fails as before even after a 'skip' read was cached, and 'skip'
** counts from its own entry.
*/
START_TEST(test_cache_bad_times_shared) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db, "SELECT value FROM enrollment_profile('e') WHERE finding = 'unreadable_times'",
                    "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "3\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e') WHERE bad_times = 'skip'", "3\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n"); /* one read served all three */
    lpt_exec(db, "INSERT INTO e(user_id, program, enrolled_at) VALUES (9, 'A', 'not a time')");
    lpt_assert_rows(db, "SELECT value FROM enrollment_profile('e') WHERE finding = 'unreadable_times'",
                    "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e') WHERE bad_times = 'skip'", "3\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')",
                    "ERROR: first_program(): unreadable time 'not a time' in column 'enrolled_at' of 'e'");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n"); /* the 'skip' read, kept apart */
    sqlite3_close(db);
}
END_TEST

/*
** Widening (lp_cache.c): an entry with a segment and a group serves a
** query for another segment by reading that segment with the group; under
** a memory budget, or when the wider copy could not be kept, the read is
** the query's own. Every answer is the one a fresh connection gives.
*/
START_TEST(test_cache_widen_cases) {
    static const char *zGs = "SELECT group_value, users FROM group_stats('e', 'user_id', 'program',"
                             " 'enrolled_at', 'user_type') WHERE group_col = 'account'";
    static const char *zFp = "SELECT user_id, segment FROM first_program('e', 'user_id', 'program',"
                             " 'enrolled_at', 'account')";
    sqlite3 *db = lpt_open_fixture("e_readme");
    char *zWantGs = lpt_query(db, zGs);
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    char *zWantFp = lpt_query(db, zFp);
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    /* (user_type, account), then segment account: read with the group */
    lpt_assert_rows(db, zGs, zWantGs);
    lpt_assert_rows(db, zFp, zWantFp);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "2\n"); /* two segments: two entries */
    /* under a budget nothing widens */
    lpt_exec(db, "SELECT learnpath_memory_budget(1000000000)");
    lpt_assert_rows(db, zFp, zWantFp);
    lpt_assert_rows(db, zGs, zWantGs);
    lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
    /* a limit that keeps the entry but not a wider copy: no widening */
    lpt_exec(db, "SELECT learnpath_cache_limit(600)");
    lpt_assert_rows(db, zFp, zWantFp);
    lpt_assert_rows(db, zGs, zWantGs);
    lpt_assert_rows(db, zFp, zWantFp);
    lpt_exec(db, "SELECT learnpath_cache_limit(2147483648)");
    sqlite3_free(zWantGs);
    sqlite3_free(zWantFp);
    sqlite3_close(db);
}
END_TEST

/* While another connection holds an attached database locked, the check
** of what changed in it fails too: the read reports the lock, never rows
** kept from before. */
START_TEST(test_cache_check_locked) {
    sqlite3 *dbA = NULL, *dbB = NULL;
    const char *zUri = "file:/learnpath_check_settings_locked?vfs=memdb";
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
    sqlite3 *db = lpt_open_fixture("e_readme");
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
    /* A source counts what it holds (the arrays shrunk to their use, not
    ** what growing them reserved): find the smallest limit that keeps e1,
    ** S; e1 to e9 are copies of one table, so S keeps one source, not two */
    int64_t lo = 1, hi = 1000000;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        snprintf(zSql, sizeof(zSql), "SELECT learnpath_cache_limit(%lld)", (long long)mid);
        lpt_exec(db, zSql);
        lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
        char *zKept = lpt_query(db, "SELECT learnpath_cache_clear()");
        if (strcmp(zKept, "1\n") == 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
        sqlite3_free(zKept);
    }
    ck_assert_msg(lo > 100 && lo < 4000, "4 users' data take %lld bytes", (long long)lo);
    /* e1 held exactly: a query reading a group too reads its own columns (a
    ** wider copy could not be kept), with the same answer */
    char *zGroups = lpt_query(db, "SELECT group_value, users FROM group_stats('e2') WHERE group_col = 'account'");
    snprintf(zSql, sizeof(zSql), "SELECT learnpath_cache_limit(%lld)", (long long)lo);
    lpt_exec(db, zSql);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
    lpt_assert_rows(db, "SELECT group_value, users FROM group_stats('e1') WHERE group_col = 'account'", zGroups);
    ck_assert_msg(strstr(zGroups, "Corp") != NULL, "groups: %s", zGroups);
    sqlite3_free(zGroups);
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e2')", "4\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    lpt_exec(db, "SELECT learnpath_cache_limit(1000000)");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e1')", "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e2')", "4\n");
    /* lowering the limit drops the least recently used at once */
    lpt_exec(db, zSql);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    sqlite3_close(db);
}
END_TEST

/*
** What invalidates the cache (docs/functions.md "learnpath_cache_limit":
** "Anything that could change the answer drops them", and the README's
** Limitations). Each test below makes a change that none of the counters
** SQLite keeps per database moved for before (issue 11, items 3 and 4)
** and asserts the fresh answer.
*/
#define CS_ALL "1|Program A\n2|Flagship\n3|Program A\n4|Flagship + Program C\n"
#define CS_NOT_FLAGSHIP "1|Program A\n3|Program A\n4|Program C\n"

/* Statements that read a source (the nested learnpath_internal_read). */
static int cset_trace_reads(unsigned mask, void *pArg, void *pStmt, void *pX) {
    const char *zSql = sqlite3_sql((sqlite3_stmt *)pStmt);
    (void)mask;
    (void)pX;
    if (zSql && strstr(zSql, "learnpath_internal_read(")) ++*(int *)pArg;
    return 0;
}

/* Run zSql (one row expected) and return how many times it read a source. */
static int cset_reads(sqlite3 *db, const char *zSql, const char *zExpect) {
    int nRead = 0;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, cset_trace_reads, &nRead);
    lpt_assert_rows(db, zSql, zExpect);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    return nRead;
}

/* Nothing changed: the second query is served from the cache (it does not
** read the source again), with the sentinel and the data versions in place. */
START_TEST(test_cache_serves_unchanged) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    ck_assert_int_eq(cset_reads(db, "SELECT user_id, program FROM first_program('e')", CS_ALL), 1);
    ck_assert_int_eq(cset_reads(db, "SELECT user_id, program FROM first_program('e')", CS_ALL), 0);
    lpt_exec(db, "PRAGMA case_sensitive_like; PRAGMA data_version; SELECT count(*) FROM e;");
    ck_assert_int_eq(cset_reads(db, "SELECT count(*) FROM program_journeys('e')", "4\n"), 0);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK); /* the sentinel went with it */
}
END_TEST

/* Issue 11 item 3 in :memory:: 'Program A' becomes 'Program B' in place
** through incremental blob I/O on the same connection (no row change is
** counted, PRAGMA data_version does not move for this connection's own
** writes). Fresh while the blob handle is open, and after it is closed. */
START_TEST(test_cache_blob_write) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    sqlite3_blob *pBlob = NULL;
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')", CS_ALL);
    /* rowid 1: user 1's 'Program A' */
    ck_assert_int_eq(sqlite3_blob_open(db, "main", "e", "program", 1, 1, &pBlob), SQLITE_OK);
    ck_assert_int_eq(sqlite3_blob_write(pBlob, "B", 1, 8), SQLITE_OK);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e') WHERE user_id = 1",
                    "1|Program B\n");
    ck_assert_int_eq(sqlite3_blob_close(pBlob), SQLITE_OK);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')",
                    "1|Program B\n2|Flagship\n3|Program A\n4|Flagship + Program C\n");
    /* and once more, back: the cached answer of the query above is dropped */
    ck_assert_int_eq(sqlite3_blob_open(db, "main", "e", "program", 1, 1, &pBlob), SQLITE_OK);
    ck_assert_int_eq(sqlite3_blob_write(pBlob, "A", 1, 8), SQLITE_OK);
    ck_assert_int_eq(sqlite3_blob_close(pBlob), SQLITE_OK);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')", CS_ALL);
    sqlite3_close(db);
}
END_TEST

/* A query run while a statement that writes is under way (here from its
** RETURNING clause) sees that statement's changes, as SQLite's own
** subquery does, though no counter has moved yet. */
START_TEST(test_cache_write_under_way) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')", CS_ALL);
    lpt_assert_rows(db, "UPDATE e SET program = 'Program C' WHERE rowid = 1 RETURNING"
                        " (SELECT program FROM e WHERE rowid = 1),"
                        " (SELECT program FROM first_program('e') WHERE user_id = 1)",
                    "Program C|Program C\n");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e') WHERE user_id = 1",
                    "1|Program C\n");
    sqlite3_close(db);
}
END_TEST

/* Issue 11 item 4: a view that uses LIKE, then PRAGMA case_sensitive_like. */
START_TEST(test_cache_case_sensitive_like) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_exec(db, "CREATE VIEW v AS SELECT * FROM e WHERE program NOT LIKE 'flagship'");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_NOT_FLAGSHIP);
    lpt_exec(db, "PRAGMA case_sensitive_like = ON");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_ALL);
    lpt_exec(db, "PRAGMA case_sensitive_like = OFF");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_NOT_FLAGSHIP);
    sqlite3_close(db);
}
END_TEST

/* An application function: keep every row, or all but Flagship. */
static void cset_keep_all(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_int(ctx, 1);
}

static void cset_keep_not_flagship(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    const unsigned char *z = sqlite3_value_text(argv[0]);
    (void)argc;
    sqlite3_result_int(ctx, !z || strcmp((const char *)z, "Flagship") != 0);
}

/* Issue 11 item 4: a view that calls an application function, which the
** application then registers anew with another result. */
START_TEST(test_cache_function_redefined) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    ck_assert_int_eq(sqlite3_create_function(db, "keep", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                             NULL, cset_keep_all, NULL, NULL),
                     SQLITE_OK);
    lpt_exec(db, "CREATE VIEW v AS SELECT * FROM e WHERE keep(program)");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_ALL);
    ck_assert_int_eq(sqlite3_create_function(db, "keep", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                             NULL, cset_keep_not_flagship, NULL, NULL),
                     SQLITE_OK);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_NOT_FLAGSHIP);
    sqlite3_close(db);
}
END_TEST

/* A collation: byte order, or byte order ignoring ASCII case. */
static int cset_coll_binary(void *p, int nA, const void *a, int nB, const void *b) {
    int n = nA < nB ? nA : nB, c = memcmp(a, b, (size_t)n);
    (void)p;
    return c ? c : nA - nB;
}

static int cset_coll_nocase(void *p, int nA, const void *a, int nB, const void *b) {
    int n = nA < nB ? nA : nB, c = sqlite3_strnicmp(a, b, n);
    (void)p;
    return c ? c : nA - nB;
}

/* Issue 11 item 4: a view that compares with an application collation,
** which the application then registers anew. */
START_TEST(test_cache_collation_redefined) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    ck_assert_int_eq(sqlite3_create_collation(db, "prog", SQLITE_UTF8, NULL, cset_coll_binary),
                     SQLITE_OK);
    lpt_exec(db, "CREATE VIEW v AS SELECT * FROM e WHERE program <> 'FLAGSHIP' COLLATE prog");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_ALL);
    ck_assert_int_eq(sqlite3_create_collation(db, "prog", SQLITE_UTF8, NULL, cset_coll_nocase),
                     SQLITE_OK);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", CS_NOT_FLAGSHIP);
    sqlite3_close(db);
}
END_TEST

/*
** The statement the cache keeps to see SQLite expire statements (its
** sentinel) is never left active, goes when the connection closes (a
** plain sqlite3_close() returns SQLITE_OK), survives a host that
** finalizes every statement itself, and does not keep a connection closed
** with sqlite3_close_v2() alive once the host's last statement goes.
*/
START_TEST(test_cache_sentinel_lifecycle) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    sqlite3_stmt *pStmt;
    sqlite3_int64 nBefore;
    int nStmt = 0;
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e')", CS_ALL);
    for (pStmt = sqlite3_next_stmt(db, NULL); pStmt; pStmt = sqlite3_next_stmt(db, pStmt)) {
        nStmt++;
        ck_assert_int_eq(sqlite3_stmt_busy(pStmt), 0);
        ck_assert_int_ne(sqlite3_stmt_readonly(pStmt), 0);
    }
    ck_assert_int_eq(nStmt, 1);
    ck_assert_int_ne(sqlite3_get_autocommit(db), 0);
    /* a host that finalizes every statement before going on */
    while ((pStmt = sqlite3_next_stmt(db, NULL)) != NULL) sqlite3_finalize(pStmt);
    lpt_exec(db, "UPDATE e SET program = 'Program B' WHERE rowid = 1");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('e') WHERE user_id = 1",
                    "1|Program B\n");
    ck_assert_int_eq(cset_reads(db, "SELECT count(*) FROM first_program('e')", "4\n"), 0);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);

    /* sqlite3_close_v2() while the host still holds a statement that used
    ** a function: everything is freed when that statement goes */
    db = lpt_open();
    sqlite3_close(db);
    nBefore = sqlite3_memory_used();
    db = lpt_open_fixture("e_readme");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "4\n");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM first_program('e')", -1, &pStmt, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_close_v2(db), SQLITE_OK);
    ck_assert_int_gt(sqlite3_memory_used(), nBefore); /* kept open for pStmt */
    sqlite3_finalize(pStmt);
    ck_assert_int_eq(sqlite3_memory_used(), nBefore);
}
END_TEST

/* The cache limit and the memory budget take a number of bytes >= 0. */
START_TEST(test_cache_argument_errors) {
    sqlite3 *db = lpt_open();
#define CS_LIMIT "ERROR: learnpath_cache_limit(): bytes must be a number >= 0, not "
#define CS_BUDGET "ERROR: learnpath_memory_budget(): bytes must be a number >= 0, not "
    lpt_assert_rows(db, "SELECT learnpath_cache_limit('lots')", CS_LIMIT "'lots'");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(-1)", CS_LIMIT "-1");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(-9223372036854775808)",
                    CS_LIMIT "-9223372036854775808");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget('lots')", CS_BUDGET "'lots'");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(-1)", CS_BUDGET "-1");
    /* a negative fraction is refused, never rounded to 0 (no limit) */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(-0.5)", CS_BUDGET "-0.5");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(2.5e6)", "0\n");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget('0')", "2500000\n");
    sqlite3_close(db);
}
END_TEST

/*
** learnpath_cache_limit, learnpath_memory_budget ("Cache, memory and thread
** settings" of docs/functions.md): every integer up to INT64_MAX is taken
** exactly, never through a double (9223372036854775807 used to be refused,
** and 2^53 + 1 came back as 2^53); a number past it is the most there is.
*/
START_TEST(test_count_arguments_exact) {
    sqlite3 *db = lpt_open();
    static const char *const azFn[] = {"learnpath_cache_limit", "learnpath_memory_budget"};
    for (int k = 0; k < 2; k++) {
        char zSql[160];
        const char *zFn = azFn[k];
#define CS_SET(zArg, zWantPrev)                                                     \
    sqlite3_snprintf(sizeof(zSql), zSql, "SELECT %s(%s)", zFn, (zArg));             \
    lpt_assert_rows(db, zSql, zWantPrev)
        CS_SET("9223372036854775807", k ? "0\n" : "2147483648\n");
        CS_SET("9223372036854775806", "9223372036854775807\n");
        CS_SET("'9223372036854775807'", "9223372036854775806\n");
        CS_SET("9007199254740993", "9223372036854775807\n");
        CS_SET("1e19", "9007199254740993\n");
        CS_SET("1e999", "9223372036854775807\n");
        CS_SET("0", "9223372036854775807\n");
#undef CS_SET
    }
    /* with the largest limit and budget, sources still read and cache */
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 "INSERT INTO e VALUES (1, 'A', '2020-01-01'), (1, 'B', '2020-02-01');");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(9223372036854775807),"
                        " learnpath_memory_budget(9223372036854775807)", "0|0\n");
    lpt_assert_rows(db, "SELECT program, next_program FROM first_program('e')", "A|B\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    /* threads: any whole number >= 1, however large */
    lpt_assert_rows(db, "SELECT learnpath_threads(9223372036854775807)", "2\n");
    lpt_assert_rows(db, "SELECT learnpath_threads(1e300)", "2\n");
    lpt_assert_rows(db, "SELECT learnpath_threads(1)", "2\n");
    sqlite3_close(db);
}
END_TEST

/*
** learnpath_memory_budget, learnpath_cache_limit (docs/functions.md): a
** fraction of a byte is rounded up. learnpath_memory_budget(0.5) used to
** become 0, which means no limit; it is 1 byte, so every source streams
** (and streamed data is never cached).
*/
START_TEST(test_fraction_rounds_up) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 "INSERT INTO e VALUES (1, 'A', '2020-01-01'), (1, 'B', '2020-02-01'),"
                 " (2, 'B', '2020-01-03');");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(0.5)", "0\n");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1e-300)", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(2.25)", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(0.5)", "3\n");
    lpt_assert_rows(db, "SELECT user_id, program, next_program FROM first_program('e')",
                    "1|A|B\n2|B|NULL\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n"); /* streamed */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(0)", "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "2\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n"); /* in memory, cached */
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(0.5)", "2147483648\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(0)", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_limit(-0.5)",
                    "ERROR: learnpath_cache_limit(): bytes must be a number >= 0, not -0.5");
    sqlite3_close(db);
}
END_TEST

/* The hard heap limit is process-wide: every test of this case leaves none. */
static void cs_heap_teardown(void) {
    sqlite3_hard_heap_limit64(0);
}

/*
** learnpath_memory_budget (docs/functions.md) and README "Limitations":
** under PRAGMA hard_heap_limit a source that would not fit in what the
** limit leaves streams, with the same answers, instead of failing with a
** bare "out of memory"; where even that cannot fit, the error names the
** function and the limit (when the allocation that failed was learnpath's).
*/
START_TEST(test_hard_heap_limit_streams) {
    sqlite3 *db = lpt_open();
    char zPragma[80];
    char *zWant[4];
    static const char *const azSql[] = {
        "SELECT count(*), sum(steps), max(user_id) FROM first_program('e')",
        "SELECT count(*), sum(users) FROM program_transitions('e')",
        "SELECT count(*), sum(step) FROM program_steps('e')",
        "SELECT group_concat(value, ',') FROM enrollment_profile('e')"
        " WHERE finding IN ('rows_read', 'users', 'programs')",
    };
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(60000, 7)");
    for (int k = 0; k < 4; k++) zWant[k] = lpt_query(db, azSql[k]);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() > 0", "1\n"); /* read in memory */
    /* what the table itself holds, and 4 MB more: less than the source takes
    ** in memory (about 30 bytes an enrollment, plus ids and batches); this
    ** used to fail with a bare "out of memory" */
    int64_t nUsed = sqlite3_memory_used();
    sqlite3_snprintf(sizeof(zPragma), zPragma, "PRAGMA hard_heap_limit = %lld",
                     (long long)nUsed + 4000000);
    lpt_exec(db, zPragma);
    for (int k = 0; k < 4; k++) {
        lpt_assert_rows(db, azSql[k], zWant[k]);
        sqlite3_free(zWant[k]);
    }
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n"); /* streamed, not cached */
    /* with 2 MB more, not even the stream fits: the error says so */
    sqlite3_snprintf(sizeof(zPragma), zPragma, "PRAGMA hard_heap_limit = %lld",
                     (long long)nUsed + 2000000);
    lpt_exec(db, zPragma);
    char *zErr = sqlite3_mprintf("ERROR: first_program(): out of memory within PRAGMA"
                                 " hard_heap_limit = %lld bytes", (long long)nUsed + 2000000);
    lpt_assert_rows(db, azSql[0], zErr);
    sqlite3_free(zErr);
    sqlite3_hard_heap_limit64(0);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "60000\n");
    sqlite3_close(db);
}
END_TEST

/* PRAGMA hard_heap_limit = what the heap holds now, and nMore bytes more. */
static void cs_heap_limit(sqlite3 *db, int64_t nMore) {
    char zPragma[80];
    sqlite3_snprintf(sizeof(zPragma), zPragma, "PRAGMA hard_heap_limit = %lld",
                     (long long)(sqlite3_memory_used() + nMore));
    lpt_exec(db, zPragma);
}

/*
** docs/functions.md, learnpath_memory_budget: "Under PRAGMA hard_heap_limit,
** the budget in effect is the smaller of this one and half of what the limit
** leaves free beyond 4 MB". Whether a read was held in memory shows in what
** learnpath_cache_clear() drops (1: it was cached; 0: it streamed); the
** answers are the same either way.
*/
START_TEST(test_hard_heap_limit_and_budget) {
    sqlite3 *db = lpt_open();
    static const char zSql[] = "SELECT user_id, program, next_program FROM first_program('e')";
    static const char zWant[] = "1|A|B\n2|B|NULL\n";
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 "INSERT INTO e VALUES (1, 'A', '2020-01-01'), (1, 'B', '2020-02-01'),"
                 " (2, 'B', '2020-01-03');");
    /* 200 MB free: about 98 MB may be held, and no budget: in memory */
    cs_heap_limit(db, 200000000);
    lpt_assert_rows(db, zSql, zWant);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    /* a budget of 1 byte is the smaller: the read streams */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1)", "0\n");
    lpt_assert_rows(db, zSql, zWant);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n");
    /* a budget of 1 TB: the limit's 98 MB is the smaller, and the source fits */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1e12)", "1\n");
    lpt_assert_rows(db, zSql, zWant);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    /* 3 MB free, less than the 4 MB kept for SQLite: nothing may be held
    ** (the least budget, 1 byte), so even three rows stream */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(0)", "1000000000000\n");
    cs_heap_limit(db, 3000000);
    lpt_assert_rows(db, zSql, zWant);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n");
    sqlite3_hard_heap_limit64(0);
    sqlite3_close(db);
}
END_TEST

/*
** README "Trust model" (learnpath_allow_views) and ext/fn_settings.c: when
** switching views off fails for want of memory (here PRAGMA
** hard_heap_limit refuses the modules' registration), views are not
** allowed, and a function's table still connected while they were refuses
** to plan any statement rather than serve one a view could have made.
** learnpath_allow_views(1) then (0) connects the functions afresh.
*/
START_TEST(test_allow_views_switch_fails) {
    sqlite3 *db = lpt_open();
    sqlite3_stmt *pStmt = NULL;
    lpt_exec(db, "CREATE TABLE t(user_id, program, enrolled_at);"
                 " INSERT INTO t VALUES (1, 'A', '2020-01-01');");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')", "1\n");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT learnpath_allow_views(0)", -1, &pStmt, NULL),
                     SQLITE_OK);
    sqlite3_hard_heap_limit64(sqlite3_memory_used() + 10);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_NOMEM);
    sqlite3_hard_heap_limit64(0);
    sqlite3_finalize(pStmt);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')",
                    "ERROR: first_program(): learnpath_allow_views(0) came after this statement"
                    " was prepared; run it again");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')", "1\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ threads */

/* learnpath_threads(n): 1 or 2 (more is 2); the previous setting back. */
START_TEST(test_threads_setting) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT learnpath_threads(1)", "2\n");
    lpt_assert_rows(db, "SELECT learnpath_threads(8)", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_threads(2.0)", "2\n");
#define CS_THREADS "ERROR: learnpath_threads(): n must be a whole number >= 1, not "
    lpt_assert_rows(db, "SELECT learnpath_threads(0)", CS_THREADS "0");
    lpt_assert_rows(db, "SELECT learnpath_threads(1.5)", CS_THREADS "1.5");
    lpt_assert_rows(db, "SELECT learnpath_threads('two')", CS_THREADS "'two'");
    lpt_assert_rows(db, "SELECT learnpath_threads(NULL)", CS_THREADS "NULL");
    /* README "Errors": the value as given (issue 11, item 13e) */
    lpt_assert_rows(db, "SELECT learnpath_threads(x'01')", CS_THREADS "a blob");
    lpt_assert_rows(db, "SELECT learnpath_threads('2' || char(0))", CS_THREADS "'2' || char(0)");
    lpt_assert_rows(db, "SELECT learnpath_threads(-1e999)", CS_THREADS "-Inf");
    lpt_assert_rows(db, "SELECT learnpath_threads(1)", "2\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_settings_suite(void) {
    Suite *s = suite_create("settings");
    TCase *tc = tcase_create("Loading");
    tcase_add_test(tc, test_load_over_other_version);
    tcase_add_test(tc, test_load_refused_while_busy);
    tcase_add_test(tc, test_load_again_interrupted);
    tcase_add_test(tc, test_load_twice_keeps_cache);
    suite_add_tcase(s, tc);

    tc = tcase_create("Cache");
    tcase_add_test(tc, test_cache_other_segment);
    tcase_add_test(tc, test_cache_segment_superset);
    tcase_add_test(tc, test_cache_bad_times_shared);
    tcase_add_test(tc, test_cache_widen_cases);
    tcase_add_test(tc, test_cache_check_locked);
    tcase_add_test(tc, test_cache_limits);
    tcase_add_test(tc, test_cache_argument_errors);
    tcase_add_test(tc, test_cache_serves_unchanged);
    tcase_add_test(tc, test_cache_blob_write);
    tcase_add_test(tc, test_cache_write_under_way);
    tcase_add_test(tc, test_cache_case_sensitive_like);
    tcase_add_test(tc, test_cache_function_redefined);
    tcase_add_test(tc, test_cache_collation_redefined);
    tcase_add_test(tc, test_cache_sentinel_lifecycle);
    tcase_add_test(tc, test_count_arguments_exact);
    tcase_add_test(tc, test_fraction_rounds_up);
    suite_add_tcase(s, tc);

    tc = tcase_create("Heap limit");
    tcase_add_checked_fixture(tc, NULL, cs_heap_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hard_heap_limit_streams);
    tcase_add_test(tc, test_hard_heap_limit_and_budget);
    tcase_add_test(tc, test_allow_views_switch_fails);
    suite_add_tcase(s, tc);

    tc = tcase_create("Threads");
    tcase_add_test(tc, test_threads_setting);
    suite_add_tcase(s, tc);
    return s;
}
