/*
** check_threads.c - reading a source with the helper thread (rule 11).
**
** A large read hands its decoded rows to a helper thread in batches
** (ext/lp_read_thread.c). learnpath_build_tune() makes the helper start at the
** first row and the batches tiny, so that every path of the hand-over
** runs on small tables: a batch of one row, a row larger than a batch, the
** helper stopping at a row it must leave to the reading thread (users out
** of order, an unreadable time, a sample to keep). Each test compares the
** answer read with the helper against the same query read on one thread
** (learnpath_threads(1), cache cleared between), and checks values a user
** would check. Rule numbers are README.md's.
*/
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* MADV_POPULATE_WRITE under -std=c99, as lp_read_thread.c */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h> /* MADV_POPULATE_WRITE: where pages are asked for */
#endif

#include "lp_journey.h"
#include "lp_read.h"
#include "lp_test.h"

/* Batch shapes tried: rows per batch and text bytes per batch. */
static const int aShape[][2] = {{1, 64}, {3, 48}, {7, 4096}, {64, 256}, {4096, 1 << 18}};
#define N_SHAPE ((int)(sizeof(aShape) / sizeof(aShape[0])))

/* The rows of zSql read on one thread (the cache cleared first). */
static char *queryOneThread(sqlite3 *db, const char *zSql) {
    lpt_assert_rows(db, "SELECT learnpath_threads(1) IN (1, 2), learnpath_cache_clear() >= 0",
                    "1|1\n");
    return lpt_query(db, zSql);
}

/*
** Rule 11: zSql gives the same rows with the helper thread, for every
** batch shape, as on one thread; returns that text (caller frees).
*/
static char *sameWithHelper(sqlite3 *db, const char *zSql) {
    char *zOne = queryOneThread(db, zSql);
    ck_assert_ptr_nonnull(zOne);
    for (int k = 0; k < N_SHAPE; k++) {
        learnpath_build_tune(0, aShape[k][0], aShape[k][1]);
        lpt_assert_rows(db, "SELECT learnpath_threads(2) IN (1, 2), learnpath_cache_clear() >= 0",
                        "1|1\n");
        char *zTwo = lpt_query(db, zSql);
        learnpath_build_tune(-1, -1, -1);
        ck_assert_ptr_nonnull(zTwo);
        ck_assert_msg(strcmp(zOne, zTwo) == 0,
                      "batch of %d rows, %d bytes: %s\none thread:\n%.2000s\nhelper:\n%.2000s",
                      aShape[k][0], aShape[k][1], zSql, zOne, zTwo);
        sqlite3_free(zTwo);
    }
    return zOne;
}

static void assertSameWithHelper(sqlite3 *db, const char *zSql) {
    sqlite3_free(sameWithHelper(db, zSql));
}

/* Every per-user and aggregate function over source zSrc (with segment). */
static void assertAllFunctions(sqlite3 *db, const char *zSrc, const char *zSeg) {
    static const char *azFunc[] = {"first_program", "program_journeys", "program_steps",
                                   "program_transitions", "first_program_stats",
                                   "program_popularity", "first_program_monthly",
                                   "enrollment_profile"};
    char zSql[512];
    for (size_t i = 0; i < sizeof(azFunc) / sizeof(azFunc[0]); i++) {
        snprintf(zSql, sizeof(zSql),
                 "SELECT * FROM %s('%s', 'user_id', 'program', 'enrolled_at'%s%s%s)", azFunc[i],
                 zSrc, zSeg ? ", '" : "", zSeg ? zSeg : "", zSeg ? "'" : "");
        assertSameWithHelper(db, zSql);
    }
}

/* Rule 11 on the sample data, grouped by user as generated. */
START_TEST(test_sample_same_answers) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(400, 3)");
    assertAllFunctions(db, "e", "user_type");
    assertAllFunctions(db, "e", NULL);
    /* and the answers are the data's: one first program per user */
    char *z = sameWithHelper(db, "SELECT count(*), sum(steps) FROM first_program('e')");
    char *zExpect = lpt_query(db,
                              "SELECT count(DISTINCT user_id) || '|' || (SELECT sum(n) FROM "
                              "(SELECT count(*) AS n FROM (SELECT DISTINCT user_id, program, "
                              "enrolled_at FROM e) GROUP BY user_id)) FROM e");
    ck_assert_msg(strncmp(z, zExpect, strcspn(zExpect, "|")) == 0, "%s vs %s", z, zExpect);
    sqlite3_free(z);
    sqlite3_free(zExpect);
    sqlite3_close(db);
}
END_TEST

/*
** Rules 3 and 11: users out of order (the helper stops at the first row
** that needs the user index built, and again where rows stop coming
** grouped), keys of every storage class, long text keys.
*/
START_TEST(test_unordered_mixed_keys) {
    sqlite3 *db = lpt_open();
    /* no column affinity: every value keeps its storage class */
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at, user_type, account);"
             "INSERT INTO e SELECT * FROM sample_enrollments(300, 5) ORDER BY enrolled_at;"
             "INSERT INTO e VALUES (100042, 'Flagship', '2021-01-01 10:00:00', 's', NULL),"
             " (100042.0, 'Program A', '2021-02-01 10:00:00', 's', NULL),"
             " ('100042', 'Program B', '2021-03-01 10:00:00', 'p', NULL),"
             " (x'00ff', 'Program B', '2021-04-01 10:00:00', 'p', NULL),"
             " (printf('%.120c', 'u'), 'Flagship', '2021-05-01 10:00:00', 'p', NULL),"
             " (4.5, 'Program C', '2021-06-01', NULL, NULL),"
             " ('user-000000000001', 'Flagship', '2021-05-02 10:00:00', 'professional-track', NULL),"
             " (100042, 'Program C', '2021-07-01 10:00:00', 's', NULL);");
    assertAllFunctions(db, "e", "user_type");
    lpt_assert_rows(db,
                    "SELECT typeof(user_id), program, steps FROM first_program('e') "
                    "WHERE user_id IN (100042, '100042', 4.5, x'00ff')",
                    "real|Program C|1\ninteger|Flagship|3\ntext|Program B|1\nblob|Program B|1\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rules 10 and 11: finishing a read on two threads (lp_read_group.c,
** lp_read_order.c): 5,000 users with text ids, their rows in time order,
** so the users' sort splits its buckets between the threads, and data read
** for an aggregate (users in the order met) is then put in user_id order
** on two threads. The same rows as on one thread.
*/
START_TEST(test_finish_on_two_threads) {
    sqlite3 *db = lpt_open();
    char *zOne, *zTwo;
    lpt_exec(db,
             "CREATE TABLE e AS WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n"
             " WHERE x < 9999) SELECT printf('u%08x', ((x % 5000) * 2654435761) % 4294967296)"
             " AS user_id, 'P' || (x % 6) AS program,"
             " datetime(1577836800 + x * 900, 'unixepoch') AS enrolled_at FROM n");
    assertSameWithHelper(db, "SELECT rowid, * FROM first_program('e')");
    zOne = queryOneThread(db, "SELECT rowid, * FROM program_journeys('e')");
    lpt_assert_rows(db, "SELECT learnpath_threads(2) IN (1, 2), learnpath_cache_clear() >= 0",
                    "1|1\n");
    lpt_assert_rows(db, "SELECT count(*) > 0 FROM program_transitions('e')", "1\n");
    zTwo = lpt_query(db, "SELECT rowid, * FROM program_journeys('e')");
    ck_assert_msg(strcmp(zOne, zTwo) == 0, "ordered on two threads:\n%.500s\none thread:\n%.500s",
                  zTwo, zOne);
    lpt_assert_rows(db, "SELECT count(*), count(DISTINCT user_id) FROM first_program('e')",
                    "5000|5000\n");
    sqlite3_free(zOne);
    sqlite3_free(zTwo);
    sqlite3_close(db);
}
END_TEST

/* Rules 2 and 11: times of every form, read on the right thread. */
START_TEST(test_time_forms) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at);"
             "INSERT INTO e VALUES (1, 'A', '2021-01-01'), (1, 'B', '2021-01-02T08:00:00'),"
             " (1, 'C', '2021-01-03 08:00:00.250'), (1, 'D', '2021-01-04 08:00:00+02:00'),"
             " (2, 'A', 2459300.5), (2, 'B', 1617279000), (2, 'C', '2459301.5'),"
             " (2, 'D', '1617379000'), (3, 'A', '2021-06-01 24:00:00'),"
             " (3, 'B', x'323032312d30362d3032'), (3, 'C', '2021-06-03 10:00'),"
             " (4, 'A', '0001-01-01 00:00:00'), (4, 'B', '9999-12-31 00:00:00');");
    assertSameWithHelper(db,
                         "SELECT * FROM program_steps('e') WHERE ties = 'name' AND repeats = 'keep'");
    lpt_assert_rows(db,
                    "SELECT user_id, step, program, started_at FROM program_steps('e') "
                    "WHERE user_id = 1",
                    "1|1|A|2021-01-01 00:00:00\n1|2|B|2021-01-02 08:00:00\n"
                    "1|3|C|2021-01-03 08:00:00\n1|4|D|2021-01-04 06:00:00\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rules 2 and 11: an unreadable time stops the read with the same message
** whichever thread meets it (one of the usual shape, read by the helper,
** and one of another shape, read by the reading thread), and no rows.
*/
START_TEST(test_bad_time_error) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e AS SELECT user_id, program, enrolled_at FROM sample_enrollments(50, 2);"
             "CREATE TABLE f AS SELECT * FROM e;"
             "INSERT INTO e VALUES (9999, 'A', '2021-13-45 10:00:00');"
             "INSERT INTO e SELECT * FROM f;"
             "INSERT INTO f VALUES (9999, 'A', 'yesterday');"
             "INSERT INTO f SELECT user_id + 10000, program, enrolled_at FROM f;");
    char *z = sameWithHelper(db, "SELECT count(*) FROM first_program('e')");
    ck_assert_str_eq(z, "ERROR: first_program(): unreadable time '2021-13-45 10:00:00' in column "
                        "'enrolled_at' of 'e'");
    sqlite3_free(z);
    z = sameWithHelper(db, "SELECT count(*) FROM program_transitions('f')");
    ck_assert_str_eq(z, "ERROR: program_transitions(): unreadable time 'yesterday' in column "
                        "'enrolled_at' of 'f'");
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Rules 2 and 11: an unreadable time next to a row larger than a batch
** (a user id of 500 bytes, kept by the reading thread once the helper is
** done): in the row just before it (g), or in that row itself (h). The
** same message as on one thread, and no rows.
*/
START_TEST(test_bad_time_next_to_long_row) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE g AS SELECT user_id, program, enrolled_at FROM sample_enrollments(50, 2);"
             "CREATE TABLE h AS SELECT * FROM g;"
             "INSERT INTO g VALUES (9999, 'A', '2021-13-45 10:00:00'),"
             " (printf('%.500c', 'k'), 'A', '2021-01-01 10:00:00');"
             "INSERT INTO h VALUES (printf('%.500c', 'k'), 'A', '2021-13-45 10:00:00');");
    char *z = sameWithHelper(db, "SELECT count(*) FROM first_program('g')");
    ck_assert_str_eq(z, "ERROR: first_program(): unreadable time '2021-13-45 10:00:00' in column "
                        "'enrolled_at' of 'g'");
    sqlite3_free(z);
    z = sameWithHelper(db, "SELECT * FROM program_steps('h')");
    ck_assert_str_eq(z, "ERROR: program_steps(): unreadable time '2021-13-45 10:00:00' in column "
                        "'enrolled_at' of 'h'");
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Rules 1, 2 and 11: bad_times='skip' counts every unreadable time and
** keeps the first five as samples with their rowids; rows without user,
** program or time are counted as left out.
*/
START_TEST(test_bad_time_skip_and_rule1) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at, seg);"
             "INSERT INTO e SELECT user_id, program, enrolled_at, user_type"
             " FROM sample_enrollments(40, 4);"
             "INSERT INTO e VALUES (1, 'A', 'soon', 's'), (2, 'A', '2021-02-30 10:00:00', 's'),"
             " (NULL, 'A', '2021-01-01', 's'), ('', 'A', '2021-01-01', 's'),"
             " (3, NULL, '2021-01-01', 's'), (3, '', 'nonsense', 's'), (3, 'A', NULL, 's'),"
             " (3, 'A', '', 's'), (4, 'A', 'later', 's'), (5, 'A', 'x', NULL),"
             " (6, 'A', '2021-99-01', ''), (7, 'A', 'never', 's'), (8, 'B', '2021-01-01', NULL),"
             " (9, 'A', 'bad', 's'), (10, 'A', '2021-00-10 10:00:00', 's'), (11, 'A', '2021-01-32', 's'),"
             " (12, 'A', char(0) || '021-06-01', 's');");
    char *z = sameWithHelper(db,
                             "SELECT * FROM enrollment_profile('e', 'user_id', 'program', "
                             "'enrolled_at', 'seg') WHERE bad_times = 'skip'");
    ck_assert_ptr_nonnull(strstr(z, "rows_without_user|2|"));
    ck_assert_ptr_nonnull(strstr(z, "rows_without_program|2|"));
    ck_assert_ptr_nonnull(strstr(z, "rows_without_time|2|"));
    /* 'soon', 'later', 'x', '2021-99-01', 'never', 'bad', month 0, day 32,
    ** a NUL first; the first five are kept with their rowids */
    ck_assert_ptr_nonnull(strstr(z, "unreadable_times|9|rowid 59: 'soon'; rowid 67: 'later'; "
                                    "rowid 68: 'x'; rowid 69: '2021-99-01'; rowid 70: 'never'; "
                                    "... (4 more)\n"));
    sqlite3_free(z);
    assertSameWithHelper(db,
                         "SELECT * FROM program_transitions('e', 'user_id', 'program', "
                         "'enrolled_at', 'seg') WHERE bad_times = 'skip'");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 11: many programs and segments (the helper's room for new names),
** names longer than a whole batch (such a row is kept by the reading
** thread, in its place).
*/
START_TEST(test_many_and_long_names) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at, seg);"
             "INSERT INTO e WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c"
             " WHERE i < 1999) SELECT i / 3, 'P' || (i % 700), date('2020-01-01', '+' || (i % 300)"
             " || ' days'), 'S' || (i % 97) FROM c;"
             "INSERT INTO e VALUES (5000, printf('%.300c', 'L'), '2021-01-01', printf('%.200c', 's')),"
             " (printf('%.500c', 'k'), 'P1', '2021-01-02 00:00:00', 'S1'),"
             " (5000, 'P2', '2021-01-03', 'S2');");
    assertAllFunctions(db, "e", "seg");
    lpt_assert_rows(db,
                    "SELECT count(*) = (SELECT count(DISTINCT user_id) FROM e), "
                    "max(length(program)), max(length(segment)) FROM first_program('e', "
                    "'user_id', 'program', 'enrolled_at', 'seg')",
                    "1|300|200\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 11 with a memory budget: the read gives up and streams, the same. */
START_TEST(test_budget_switches_to_stream) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(300, 6) ORDER BY program");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(20000)", "0\n");
    char *z = sameWithHelper(db, "SELECT * FROM program_transitions('e')");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(0)", "20000\n");
    char *zAll = queryOneThread(db, "SELECT * FROM program_transitions('e')");
    ck_assert_str_eq(z, zAll);
    sqlite3_free(z);
    sqlite3_free(zAll);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 11 and docs/functions.md, learnpath_memory_budget ("the answers are
** the same"): a budget that a 64-bit build crosses only when it makes room
** for the enrollments of the helper's last batch, after the last row
** (4,097 rows of 10 users: room for 4,096 enrollments is made first, and
** the room doubles). The read gives up there and streams, with the
** answers read in memory without a budget, for every batch shape.
*/
START_TEST(test_budget_crossed_by_last_batch) {
    sqlite3 *db = lpt_open();
    const char *zSql = "SELECT * FROM program_transitions('e')";
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at);"
             "INSERT INTO e WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
             " WHERE i < 4097) SELECT 1 + (i - 1) / 410, 'P' || (i % 7),"
             " date('2020-01-01', '+' || (i % 400) || ' days') FROM c;");
    lpt_assert_rows(db, "SELECT count(*), count(DISTINCT user_id) FROM e", "4097|10\n");
    char *zAll = queryOneThread(db, zSql);
    ck_assert_ptr_nonnull(zAll);
    ck_assert_msg(strlen(zAll) > 100 && strncmp(zAll, "ERROR", 5) != 0, "%s", zAll);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(100000)", "0\n");
    char *z = sameWithHelper(db, zSql);
    ck_assert_str_eq(z, zAll);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "10\n");
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(0)", "100000\n");
    sqlite3_free(z);
    sqlite3_free(zAll);
    sqlite3_close(db);
}
END_TEST

/*
** Rules 3, 6 and 11 (issue 11, items 6 and 9): a COLLATE NOCASE user
** column, in a table and given by a view, and rows equal but for their
** segment, with the rows in either order (PRAGMA reverse_unordered_selects).
** The helper gives exactly one thread's answers, the same in either order,
** and there are as many users as GROUP BY user_id finds.
*/
START_TEST(test_collation_and_segment_ties) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE s AS SELECT * FROM sample_enrollments(300, 5);"
             /* one user in two spellings, by its rows' parity */
             "CREATE TABLE e(user_id TEXT COLLATE NOCASE, program, enrolled_at, user_type);"
             "INSERT INTO e SELECT CASE WHEN rowid % 2 THEN 'User' ELSE 'uSER' END || user_id,"
             " program, enrolled_at, user_type FROM s;"
             /* the same enrollment again under another segment: a tie only names break */
             "INSERT INTO e SELECT 'USER' || user_id, program, enrolled_at, 'a-' || user_type"
             " FROM s WHERE rowid % 5 = 0;"
             "CREATE TABLE b(user_id TEXT, program, enrolled_at, user_type);"
             "INSERT INTO b SELECT * FROM e;"
             "CREATE VIEW bv AS SELECT user_id COLLATE NOCASE AS user_id, program, enrolled_at,"
             " user_type FROM b;");
    char *azOne[2] = {NULL, NULL};
    for (int isReverse = 0; isReverse < 2; isReverse++) {
        lpt_exec(db, isReverse ? "PRAGMA reverse_unordered_selects = 1"
                               : "PRAGMA reverse_unordered_selects = 0");
        assertAllFunctions(db, "e", "user_type");
        assertAllFunctions(db, "bv", "user_type");
        azOne[isReverse] = sameWithHelper(db, "SELECT * FROM first_program('e', 'user_id',"
                                              " 'program', 'enrolled_at', 'user_type')");
        char *zView = sameWithHelper(db, "SELECT * FROM first_program('bv', 'user_id',"
                                         " 'program', 'enrolled_at', 'user_type')");
        ck_assert_str_eq(zView, azOne[isReverse]);
        sqlite3_free(zView);
        char *zCount = sameWithHelper(db, "SELECT count(*) FROM first_program('e')");
        char *zGroupBy = lpt_query(db, "SELECT count(*) FROM (SELECT 1 FROM e GROUP BY user_id)");
        ck_assert_str_eq(zCount, zGroupBy);
        lpt_assert_rows(db, "SELECT count(*) = 300 FROM (SELECT 1 FROM e GROUP BY user_id)", "1\n");
        sqlite3_free(zCount);
        sqlite3_free(zGroupBy);
    }
    ck_assert_str_eq(azOne[0], azOne[1]);
    sqlite3_free(azOne[0]);
    sqlite3_free(azOne[1]);
    sqlite3_close(db);
}
END_TEST

/* An interrupted read stops the helper too; the connection works on. */
static int interruptAfter(void *p) {
    int *pn = p;
    return --*pn <= 0;
}

START_TEST(test_interrupted_read) {
    sqlite3 *db = lpt_open();
    int n = 40;
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(2000, 8)");
    char *zOne = queryOneThread(db, "SELECT count(*), sum(steps) FROM first_program('e')");
    learnpath_build_tune(0, 16, 4096);
    lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
    sqlite3_progress_handler(db, 100, interruptAfter, &n);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')",
                    "ERROR: first_program(): reading 'e': interrupted");
    sqlite3_progress_handler(db, 0, NULL, NULL);
    char *zTwo = lpt_query(db, "SELECT count(*), sum(steps) FROM first_program('e')");
    learnpath_build_tune(-1, -1, -1);
    ck_assert_str_eq(zOne, zTwo);
    sqlite3_free(zOne);
    sqlite3_free(zTwo);
    sqlite3_close(db);
}
END_TEST

/*
** Rules 11 and 17-23: the continuation memo's sort (ext/lp_km_sort.c) on
** two threads, each moving its part of every pass, gives the rows of one
** thread: every continuation function and segment_compare, with users
** who start after observe_until (left out: the second part's pairs move
** down), within_days (the times' bits as keys), dates alone (keys in
** days), and 3,000 segments (passes by step, then segment). The sort is
** split at any size here (learnpath_km_split_least), one thread against
** two (learnpath_threads). And the answers are the data's: the users of
** continuation_stats over all first programs are first_program's.
*/
START_TEST(test_continuation_sort_two_threads) {
    static const char *const azSql[] = {
        "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM continuation_stats('e')",
        "SELECT * FROM next_program_incidence('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM continuation_cohorts('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM continuation_stats('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE observe_until = '2021-01-01'",
        "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE within_days = 60 AND at_days = '10,30,90'",
        "SELECT * FROM continuation_stats('d', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM continuation_stats('m', 'user_id', 'program', 'enrolled_at', 'seg')",
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
    };
    int64_t nSaved = learnpath_km_split_least;
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(3000, 11);"
                 "CREATE TABLE d AS SELECT user_id, program, date(enrolled_at) AS enrolled_at,"
                 " user_type FROM e;"
                 "CREATE TABLE m AS SELECT user_id, program, enrolled_at,"
                 " 's' || (abs(user_id) % 3000) AS seg FROM e");
    learnpath_km_split_least = 0;
    for (size_t i = 0; i < sizeof(azSql) / sizeof(azSql[0]); i++) {
        char *zOne = queryOneThread(db, azSql[i]);
        lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
        char *zTwo = lpt_query(db, azSql[i]);
        ck_assert_msg(zOne && zTwo && strncmp(zOne, "ERROR", 5) != 0 && strlen(zOne) > 100,
                      "%s: %.300s", azSql[i], zOne);
        ck_assert_msg(strcmp(zOne, zTwo) == 0, "%s\none thread:\n%.1500s\ntwo:\n%.1500s", azSql[i], zOne,
                      zTwo);
        sqlite3_free(zOne);
        sqlite3_free(zTwo);
    }
    lpt_assert_rows(db,
                    "SELECT (SELECT users FROM continuation_stats('e') WHERE program IS NULL) ="
                    " (SELECT count(*) FROM first_program('e'))",
                    "1\n");
    learnpath_km_split_least = nSaved;
    sqlite3_close(db);
}
END_TEST

/*
** Rule 11: the pages of the next batch asked for ahead (lp_read_thread.c).
** Made to ask at every hand-over (not only while the helper is busy), the
** reading thread asks for every byte the read writes in each array the
** helper writes (text ids out of user order, a segment, a group column:
** all seven), and past what an array holds at most two batches' bytes (the
** ids of a batch of 64 rows and 4,096 bytes of text: 8,192); the answers
** are the one-thread ones.
*/
START_TEST(test_pages_asked_ahead) {
    static const char *zSql =
        "SELECT * FROM group_stats('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE group_col = 'account'";
    sqlite3 *db = lpt_open();
    int64_t nShort = -2, nPast = -2;
    lpt_exec(db, "CREATE TABLE e AS SELECT printf('user-%08x', (user_id * 2654435761) % 4294967296)"
                 " AS user_id, program, enrolled_at, user_type, account"
                 " FROM sample_enrollments(3000, 7) ORDER BY enrolled_at");
    char *zOne = queryOneThread(db, zSql);
    learnpath_build_fault_tune(1);
    learnpath_build_tune(0, 64, 4096);
    lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
    char *zTwo = lpt_query(db, zSql);
    learnpath_build_tune(-1, -1, -1);
    learnpath_build_fault_stats(&nShort, &nPast);
    learnpath_build_fault_tune(0);
    ck_assert_msg(zOne && zTwo && strlen(zOne) > 100 && strcmp(zOne, zTwo) == 0,
                  "one thread:\n%.1000s\ntwo:\n%.1000s", zOne, zTwo);
#if defined(__linux__) && defined(MADV_POPULATE_WRITE) && !defined(LEARNPATH_NO_THREADS)
    ck_assert_msg(nShort == 0, "%lld bytes of an array never asked for", (long long)nShort);
    ck_assert_msg(nPast >= 0 && nPast <= 2 * 4096, "asked for %lld bytes past an array's", (long long)nPast);
#endif
    sqlite3_free(zOne);
    sqlite3_free(zTwo);
    sqlite3_close(db);
}
END_TEST

/* The rows of zSql over table zFrom, into a new table zTo (in their order). */
static void keepRows(sqlite3 *db, const char *zTo, const char *zSql, const char *zFrom) {
    char *z = sqlite3_mprintf("CREATE TABLE %s AS %z", zTo, sqlite3_mprintf(zSql, zFrom, zFrom));
    lpt_exec(db, z);
    sqlite3_free(z);
}

/* Rule 3: each user of table zTab, with its number of steps (its rows:
** every row of a user has a program of its own and a time of its own), as
** first_program gives them and as GROUP BY does. */
static void assertUsersAsGroupBy(sqlite3 *db, const char *zTab) {
    char *zSql = sqlite3_mprintf("SELECT group_concat(quote(user_id) || ':' || steps, ' ')"
                                 " FROM first_program('%s', 'user_id', 'program', 'enrolled_at')",
                                 zTab);
    char *zGot = lpt_query(db, zSql);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT group_concat(q || ':' || n, ' ') FROM (SELECT quote(user_id) AS q,"
                           " count(*) AS n FROM %s GROUP BY user_id ORDER BY user_id)", zTab);
    char *zWant = lpt_query(db, zSql);
    sqlite3_free(zSql);
    ck_assert_msg(strlen(zWant) > 4 && strcmp(zGot, zWant) == 0, "%s: got %s, GROUP BY gives %s", zTab,
                  zGot, zWant);
    sqlite3_free(zGot);
    sqlite3_free(zWant);
}

/*
** Rules 3, 10 and 11: ids of one length (lp_read_users.c: while every
** user's id is text of one length, a row's user is compared at the bytes
** its number gives). 2,000 users with 11-character ids, rows in time
** order: every function gives the same rows as on the same data with ids
** of 11 to 13 characters, which take the general path (each id with 0 to 2
** letters after it, so the ids keep their order), but the ids; with the
** helper, as on one thread. Then a row of a user met before, and right
** after it a blob of that user's bytes (a user of its own, though its
** bytes equal the previous row's); after that a shorter id and a number,
** and the earlier users' later rows still find theirs, users made while
** the ids had one length found by the general path. And tiny tables whose
** second id differs from the first only by its class or its length.
*/
START_TEST(test_ids_of_one_length) {
    static const char *azSql[] = {
        "SELECT * FROM first_program('%s', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM program_journeys('%s', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM program_steps('%s', 'user_id', 'program', 'enrolled_at')",
        "SELECT * FROM program_transitions('%s', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM first_program_stats('%s', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM continuation_stats('%s', 'user_id', 'program', 'enrolled_at', 'user_type')"};
    sqlite3 *db = lpt_open();
    char zName[2][16], *zFixed, *zVaried, *zSql;
    lpt_exec(db, "CREATE TABLE s AS SELECT * FROM sample_enrollments(2000, 7);"
                 "CREATE TABLE fixed(user_id, program, enrolled_at, user_type);"
                 "INSERT INTO fixed SELECT printf('%08x-id', (user_id * 2654435761) % 4294967296),"
                 " program, enrolled_at, user_type FROM s ORDER BY enrolled_at, user_id;"
                 "CREATE TABLE varied(user_id, program, enrolled_at, user_type);"
                 "INSERT INTO varied SELECT printf('%08x-id', (user_id * 2654435761) % 4294967296)"
                 " || substr('ab', 1, user_id % 3), program, enrolled_at, user_type"
                 " FROM s ORDER BY enrolled_at, user_id");
    lpt_assert_rows(db, "SELECT count(*) > 2500, count(DISTINCT length(user_id)) FROM fixed", "1|1\n");
    for (size_t i = 0; i < sizeof(azSql) / sizeof(azSql[0]); i++) {
        for (int k = 0; k < 2; k++) {
            snprintf(zName[k], sizeof(zName[k]), "r%d_%d", (int)i, k);
            keepRows(db, zName[k], azSql[i], k ? "varied" : "fixed");
        }
        /* the ids back to their first 11 characters (the aggregates have none) */
        zSql = sqlite3_mprintf("SELECT 1 FROM pragma_table_info('%s') WHERE name = 'user_id'", zName[1]);
        char *zHas = lpt_query(db, zSql);
        sqlite3_free(zSql);
        if (strcmp(zHas, "1\n") == 0) {
            zSql = sqlite3_mprintf("UPDATE %s SET user_id = substr(user_id, 1, 11)", zName[1]);
            lpt_exec(db, zSql);
            sqlite3_free(zSql);
        }
        sqlite3_free(zHas);
        zSql = sqlite3_mprintf("SELECT * FROM %s ORDER BY rowid", zName[0]);
        zFixed = lpt_query(db, zSql);
        sqlite3_free(zSql);
        zSql = sqlite3_mprintf("SELECT * FROM %s ORDER BY rowid", zName[1]);
        zVaried = lpt_query(db, zSql);
        sqlite3_free(zSql);
        ck_assert_msg(strlen(zFixed) > 20 && strcmp(zFixed, zVaried) == 0,
                      "%s\none length:\n%.1500s\nmany:\n%.1500s", azSql[i], zFixed, zVaried);
        sqlite3_free(zFixed);
        sqlite3_free(zVaried);
        zSql = sqlite3_mprintf(azSql[i], "fixed");
        assertSameWithHelper(db, zSql);
        sqlite3_free(zSql);
    }
    lpt_assert_rows(db, "SELECT count(*) = (SELECT count(DISTINCT user_id) FROM fixed) FROM r0_0", "1\n");
    /* after them: a known user, then a blob of its bytes, a shorter id, a
    ** number; then earlier users again */
    lpt_exec(db, "INSERT INTO fixed SELECT user_id, 'Program Y', '2030-01-01 09:00:00', user_type"
                 " FROM fixed WHERE rowid = 1;"
                 "INSERT INTO fixed SELECT CAST(user_id AS BLOB), 'Program C', '2030-01-01 10:00:00', 'p'"
                 " FROM fixed WHERE rowid = 1;"
                 "INSERT INTO fixed VALUES ('short', 'Program B', '2030-01-02 10:00:00', 's'),"
                 " (42, 'Program A', '2030-01-03 10:00:00', 's');"
                 "INSERT INTO fixed SELECT user_id, 'Program Z', '2030-02-01 10:00:00', user_type"
                 " FROM fixed WHERE rowid % 97 = 0 AND typeof(user_id) = 'text'");
    zSql = sqlite3_mprintf(azSql[0], "fixed");
    char *zThen = sameWithHelper(db, zSql);
    sqlite3_free(zSql);
    sqlite3_free(zThen);
    lpt_assert_rows(db,
                    "SELECT count(*) = (SELECT count(DISTINCT user_id) FROM fixed), count(*) - 3 ="
                    " (SELECT count(*) FROM r0_0) FROM first_program('fixed', 'user_id', 'program',"
                    " 'enrolled_at', 'user_type')", "1|1\n");
    lpt_assert_rows(db,
                    "SELECT typeof(user_id), program FROM first_program('fixed', 'user_id', 'program',"
                    " 'enrolled_at') WHERE typeof(user_id) <> 'text' OR user_id = 'short'",
                    "integer|Program A\ntext|Program B\nblob|Program C\n");
    lpt_assert_rows(db,
                    "SELECT f.steps - r.steps FROM first_program('fixed', 'user_id', 'program',"
                    " 'enrolled_at', 'user_type') AS f JOIN r0_0 AS r USING (user_id)"
                    " WHERE user_id = (SELECT user_id FROM fixed WHERE rowid = 1)", "1\n");
    /* a longer id right after its prefix; a blob right after its text; a
    ** blob of the ids' length among text ids, then each of them again */
    lpt_exec(db, "CREATE TABLE m1(user_id, program, enrolled_at);"
                 "INSERT INTO m1 VALUES ('ab', 'P1', '2021-01-01'), ('abc', 'P2', '2021-01-02');"
                 "CREATE TABLE m2(user_id, program, enrolled_at);"
                 "INSERT INTO m2 VALUES ('ab', 'P1', '2021-01-01'), (x'6162', 'P2', '2021-01-02');"
                 "CREATE TABLE m3(user_id, program, enrolled_at);"
                 "INSERT INTO m3 VALUES ('ab', 'P1', '2021-01-01'), ('cd', 'P2', '2021-01-02'),"
                 " (x'6566', 'P3', '2021-01-03'), ('ab', 'P4', '2021-01-04'), ('zz', 'P5', '2021-01-05'),"
                 " ('cd', 'P6', '2021-01-06'), (x'6566', 'P7', '2021-01-07')");
    assertUsersAsGroupBy(db, "m1");
    assertUsersAsGroupBy(db, "m2");
    assertUsersAsGroupBy(db, "m3");
    /* each earlier user with a row of the new program has one step more */
    lpt_assert_rows(db,
                    "SELECT count(*) > 20, count(*) = (SELECT count(DISTINCT user_id) FROM fixed"
                    " WHERE program = 'Program Z'), sum(f.steps = r.steps + 1) = count(*)"
                    " FROM first_program('fixed', 'user_id', 'program', 'enrolled_at', 'user_type') AS f"
                    " JOIN r0_0 AS r USING (user_id)"
                    " WHERE user_id IN (SELECT user_id FROM fixed WHERE program = 'Program Z')",
                    "1|1|1\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_threads_suite(void) {
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("Helper");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sample_same_answers);
    tcase_add_test(tc, test_unordered_mixed_keys);
    tcase_add_test(tc, test_finish_on_two_threads);
    tcase_add_test(tc, test_time_forms);
    tcase_add_test(tc, test_bad_time_error);
    tcase_add_test(tc, test_bad_time_next_to_long_row);
    tcase_add_test(tc, test_bad_time_skip_and_rule1);
    tcase_add_test(tc, test_many_and_long_names);
    tcase_add_test(tc, test_budget_switches_to_stream);
    tcase_add_test(tc, test_budget_crossed_by_last_batch);
    tcase_add_test(tc, test_collation_and_segment_ties);
    tcase_add_test(tc, test_interrupted_read);
    tcase_add_test(tc, test_continuation_sort_two_threads);
    tcase_add_test(tc, test_pages_asked_ahead);
    tcase_add_test(tc, test_ids_of_one_length);
    suite_add_tcase(s, tc);
    return s;
}
