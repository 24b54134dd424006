/*
** check_user.c - the "user" suite: the per-user functions first_program,
** program_journeys and program_steps (ext/tvf_user.c, ext/lp_read.c,
** ext/lp_shape.c).
**
** Every expected row below was worked out by hand from README.md's numbered
** rules (restated in the header comments of lp_read.c, rules 1-3,
** lp_shape.c, rules 4-8, lp_agg.c, rule 9, and tvf_user.c, rule 10). Days are measured between step starts and
** printed by lpt_query with %.10g. Tables shared with other tests come from
** tests/fixtures/ (lpt_open_fixture); one test's own rows stay inline.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_read.h"
#include "lp_test.h"

/* A :memory: database with enrollments(user_id, program, enrolled_at, seg). */
static sqlite3 *cu_open(const char *zInsertValues) {
    sqlite3 *db = lpt_open();
    char *zSql;
    lpt_exec(db, "CREATE TABLE enrollments(user_id, program, enrolled_at, seg)");
    if (zInsertValues) {
        zSql = sqlite3_mprintf("INSERT INTO enrollments VALUES %s", zInsertValues);
        ck_assert_ptr_nonnull(zSql);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
    }
    return db;
}

/*
** Assert that zSql runs without error and yields no row, stepping the
** statement itself. (lpt_query now gives "" for no rows, so
** lpt_assert_rows(db, zSql, "") checks the same.)
*/
static void cu_assert_no_rows(sqlite3 *db, const char *zSql) {
    sqlite3_stmt *pStmt = NULL;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    ck_assert_msg(rc == SQLITE_OK, "prepare: %s\nSQL: %s", sqlite3_errmsg(db), zSql);
    rc = sqlite3_step(pStmt);
    ck_assert_msg(rc == SQLITE_DONE, "expected no row, got rc %d (%s)\nSQL: %s", rc,
                  sqlite3_errmsg(db), zSql);
    sqlite3_finalize(pStmt);
}

/* ------------------------------------------------------ output columns */

/* rules 4, 6, 10: every column of first_program. */
START_TEST(test_first_program_columns) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_assert_rows(db,
        "SELECT * FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')",
        "1|pro|Data Science|2020-01-01 09:00:00|0|Python|2.5|3|3\n"
        "2|stu|Python + SQL|2020-02-01 08:00:00|1|Stats|1.25|2|3\n"
        "3|NULL|Python|2020-03-01 00:00:00|0|NULL|NULL|1|1\n");
    /* rule 10: days are REAL even when whole; counts and tied are INTEGER */
    lpt_assert_rows(db,
        "SELECT typeof(user_id), typeof(segment), typeof(program), typeof(started_at),"
        " typeof(tied), typeof(next_program), typeof(days_to_next), typeof(steps),"
        " typeof(programs) FROM first_program('enrollments', 'user_id', 'program',"
        " 'enrolled_at', 'seg') WHERE user_id <> 3",
        "integer|text|text|text|integer|text|real|integer|integer\n"
        "integer|text|text|text|integer|text|real|integer|integer\n");
    sqlite3_close(db);
}
END_TEST

/* rules 4, 6, 10: every column of program_journeys. */
START_TEST(test_program_journeys_columns) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_assert_rows(db,
        "SELECT * FROM program_journeys('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')",
        "1|pro|3|3|Data Science > Python > SQL|Data Science|2020-01-01 09:00:00|SQL|"
        "2020-01-10 00:00:00\n"
        "2|stu|2|3|Python + SQL > Stats|Python + SQL|2020-02-01 08:00:00|Stats|"
        "2020-02-02 14:00:00\n"
        "3|NULL|1|1|Python|Python|2020-03-01 00:00:00|Python|2020-03-01 00:00:00\n");
    sqlite3_close(db);
}
END_TEST

/* rules 4, 6, 10: every column of program_steps, steps in order. */
START_TEST(test_program_steps_columns) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_assert_rows(db,
        "SELECT * FROM program_steps('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')",
        "1|pro|1|Data Science|2020-01-01 09:00:00|NULL\n"
        "1|pro|2|Python|2020-01-03 21:00:00|2.5\n"
        "1|pro|3|SQL|2020-01-10 00:00:00|6.125\n"
        "2|stu|1|Python + SQL|2020-02-01 08:00:00|NULL\n"
        "2|stu|2|Stats|2020-02-02 14:00:00|1.25\n"
        "3|NULL|1|Python|2020-03-01 00:00:00|NULL\n");
    lpt_assert_rows(db,
        "SELECT DISTINCT typeof(step), typeof(days_since_prev) FROM program_steps('enrollments')"
        " WHERE step > 1",
        "integer|real\n");
    sqlite3_close(db);
}
END_TEST

/*
** A paging host (DB Browser: COUNT(*) over the query, then LIMIT/OFFSET
** pages) sees the same users as one full read, in the same order; rows
** skipped by COUNT(*) or OFFSET, never read, do not shift the ones read.
*/
START_TEST(test_paging_count_and_offset) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('enrollments')", "3\n");
    lpt_assert_rows(db, "SELECT count(*) FROM program_journeys('enrollments')", "3\n");
    lpt_assert_rows(db,
        "SELECT user_id, program, steps FROM first_program('enrollments') LIMIT 1 OFFSET 1",
        "2|Python + SQL|2\n");
    lpt_assert_rows(db,
        "SELECT user_id, path FROM program_journeys('enrollments') LIMIT 2 OFFSET 1",
        "2|Python + SQL > Stats\n3|Python\n");
    /* rule 7: since/until leave users out, and COUNT(*) counts the kept */
    lpt_assert_rows(db,
        "SELECT count(*) FROM first_program('enrollments') WHERE since = '2020-01-02'", "2\n");
    lpt_assert_rows(db,
        "SELECT user_id FROM first_program('enrollments') WHERE since = '2020-01-02'"
        " LIMIT 1 OFFSET 1",
        "3\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 1 */

/* rule 1: NULL/empty user, program or time rows are left out. */
START_TEST(test_rule1_rows_left_out) {
    sqlite3 *db = cu_open(
        "(1, 'A', '2020-01-01', NULL), (1, NULL, '2020-01-02', NULL),"
        "(1, '', '2020-01-03', NULL), (1, 'B', NULL, NULL), (1, 'C', '', NULL),"
        "(1, 'D', '2020-01-05', NULL),"
        "(NULL, 'A', '2020-01-01', NULL), ('', 'A', '2020-01-01', NULL),"
        /* user 2: every row left out, so no user 2 at all */
        "(2, NULL, '2020-01-01', NULL), (2, 'X', NULL, NULL), (2, '', '', NULL),"
        "(3, 'E', '2020-01-04', NULL)");
    lpt_assert_rows(db,
        "SELECT user_id, program, started_at, next_program, days_to_next, steps, programs"
        " FROM first_program('enrollments')",
        "1|A|2020-01-01 00:00:00|D|4|2|2\n"
        "3|E|2020-01-04 00:00:00|NULL|NULL|1|1\n");
    lpt_assert_rows(db, "SELECT user_id, path FROM program_journeys('enrollments')",
                    "1|A > D\n3|E\n");
    lpt_assert_rows(db, "SELECT user_id, step, program FROM program_steps('enrollments')",
                    "1|1|A\n1|2|D\n3|1|E\n");
    sqlite3_close(db);
}
END_TEST

/* rule 1: a table whose every row is left out gives no rows. */
START_TEST(test_rule1_all_rows_left_out) {
    sqlite3 *db = cu_open("(NULL, 'A', '2020-01-01', 's'), (1, NULL, '2020-01-01', 's'),"
                          "(1, 'A', NULL, 's'), ('', '', '', '')");
    cu_assert_no_rows(db, "SELECT * FROM first_program('enrollments')");
    cu_assert_no_rows(db, "SELECT * FROM program_journeys('enrollments')");
    cu_assert_no_rows(db, "SELECT * FROM program_steps('enrollments')");
    cu_assert_no_rows(db, "SELECT * FROM program_transitions('enrollments')");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 2 */

static const char *const azFunc[] = {"first_program", "program_journeys", "program_steps",
                                     "program_transitions"};

/* rule 2: an unreadable time is an error naming function, source, column, value. */
START_TEST(test_rule2_unreadable_time_error) {
    sqlite3 *db = cu_open("(1, 'A', '2020-01-01', NULL), (2, 'B', 'garbage', NULL)");
    char *zSql = sqlite3_mprintf("SELECT * FROM %s('enrollments')", azFunc[_i]);
    char *zWant = sqlite3_mprintf(
        "ERROR: %s(): unreadable time 'garbage' in column 'enrolled_at' of 'enrollments'",
        azFunc[_i]);
    lpt_assert_rows(db, zSql, zWant);
    sqlite3_free(zSql);
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/* rule 2: the quoted value is cut at 80 bytes with '...'. */
START_TEST(test_rule2_long_value_cut) {
    sqlite3 *db = cu_open(NULL);
    char *zWant;
    /* exactly 80 bytes: quoted whole */
    lpt_exec(db, "INSERT INTO enrollments VALUES (1, 'A', printf('%.80c', 'x'), NULL)");
    zWant = sqlite3_mprintf("ERROR: first_program(): unreadable time '%.80c' in column "
                            "'enrolled_at' of 'enrollments'", 'x');
    lpt_assert_rows(db, "SELECT * FROM first_program('enrollments')", zWant);
    sqlite3_free(zWant);
    /* 81 and 200 bytes: the first 80, then '...' */
    lpt_exec(db, "UPDATE enrollments SET enrolled_at = printf('%.81c', 'y')");
    zWant = sqlite3_mprintf("ERROR: first_program(): unreadable time '%.80c...' in column "
                            "'enrolled_at' of 'enrollments'", 'y');
    lpt_assert_rows(db, "SELECT * FROM first_program('enrollments')", zWant);
    sqlite3_free(zWant);
    lpt_exec(db, "UPDATE enrollments SET enrolled_at = printf('%.200c', 'z')");
    zWant = sqlite3_mprintf("ERROR: first_program(): unreadable time '%.80c...' in column "
                            "'enrolled_at' of 'enrollments'", 'z');
    lpt_assert_rows(db, "SELECT * FROM first_program('enrollments')", zWant);
    sqlite3_free(zWant);
    /* a control character as the 80th byte: written as SQL writes it, and
    ** the cut still ends with '...' */
    lpt_exec(db, "UPDATE enrollments SET enrolled_at = printf('%.79c', 'w') || char(1) || 'w'");
    zWant = sqlite3_mprintf("ERROR: first_program(): unreadable time '%.79c' || char(1) || '...'"
                            " in column 'enrolled_at' of 'enrollments'", 'w');
    lpt_assert_rows(db, "SELECT * FROM first_program('enrollments')", zWant);
    sqlite3_free(zWant);
    /* the cut never splits a character: 'a' + 50 two-byte 'é' (101 bytes)
    ** keeps 'a' and 39 'é' (79 bytes), not half of the 40th */
    lpt_exec(db, "UPDATE enrollments SET enrolled_at = 'a' || replace(printf('%.50c', 'x'), 'x', 'é')");
    {
        char zE[200];
        int k = 0;
        zE[k++] = 'a';
        for (int i = 0; i < 39; i++) {
            zE[k++] = (char)0xC3;
            zE[k++] = (char)0xA9;
        }
        zE[k] = 0;
        zWant = sqlite3_mprintf("ERROR: first_program(): unreadable time '%s...' in column "
                                "'enrolled_at' of 'enrollments'", zE);
    }
    lpt_assert_rows(db, "SELECT * FROM first_program('enrollments')", zWant);
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/* rule 2: the message names the columns and source as given. */
START_TEST(test_rule2_error_names_source_and_column) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE \"my src\"(u, p, \"When\");"
                 "INSERT INTO \"my src\" VALUES (1, 'A', 'soon');");
    lpt_assert_rows(db, "SELECT * FROM program_steps('my src', 'u', 'p', 'When')",
                    "ERROR: program_steps(): unreadable time 'soon' in column 'When' of "
                    "'my src'");
    /* whitespace only is not empty (rule 1) but unreadable (rule 2) */
    lpt_exec(db, "UPDATE \"my src\" SET \"When\" = ' '");
    lpt_assert_rows(db, "SELECT * FROM program_steps('my src', 'u', 'p', 'When')",
                    "ERROR: program_steps(): unreadable time ' ' in column 'When' of 'my src'");
    /* a number out of both ranges */
    lpt_exec(db, "UPDATE \"my src\" SET \"When\" = 253402300800");
    lpt_assert_rows(db, "SELECT * FROM program_steps('my src', 'u', 'p', 'When')",
                    "ERROR: program_steps(): unreadable time '253402300800' in column 'When' of "
                    "'my src'");
    /* 'now' is refused */
    lpt_exec(db, "UPDATE \"my src\" SET \"When\" = 'now'");
    lpt_assert_rows(db, "SELECT * FROM program_steps('my src', 'u', 'p', 'When')",
                    "ERROR: program_steps(): unreadable time 'now' in column 'When' of 'my src'");
    sqlite3_close(db);
}
END_TEST

/* rules 2, 10: every form julianday(v, 'auto') reads, written back in UTC. */
START_TEST(test_rule2_time_forms) {
    sqlite3 *db = cu_open(
        "(1, 'A', '1577836800', NULL),"               /* Unix seconds as text */
        "(2, 'A', 1577836800, NULL),"                 /* ...as INTEGER */
        "(3, 'A', 2458849.5, NULL),"                  /* Julian day as REAL */
        "(4, 'A', '2458849.5', NULL),"                /* ...as text */
        "(5, 'A', '2020-01-01T01:00:00+01:00', NULL),"/* zone */
        "(6, 'A', x'323032302d30312d3031', NULL),"    /* blob holding a date */
        "(7, 'A', '12:30', NULL),"                    /* time alone: 2000-01-01 */
        "(8, 'A', '2021-02-31', NULL),"               /* rolls over to March 3 */
        "(9, 'A', ' 12 ', NULL),"                     /* Julian day 12 */
        "(10, 'A', '2020-01-01 10:00:00.999', NULL)," /* seconds truncated */
        "(11, 'A', '2020-01-01 24:00', NULL)");
    lpt_assert_rows(db, "SELECT user_id, started_at FROM first_program('enrollments')",
                    "1|2020-01-01 00:00:00\n"
                    "2|2020-01-01 00:00:00\n"
                    "3|2020-01-01 00:00:00\n"
                    "4|2020-01-01 00:00:00\n"
                    "5|2020-01-01 00:00:00\n"
                    "6|2020-01-01 00:00:00\n"
                    "7|2000-01-01 12:30:00\n"
                    "8|2021-03-03 00:00:00\n"
                    "9|-4713-12-06 12:00:00\n"
                    "10|2020-01-01 10:00:00\n"
                    "11|2020-01-02 00:00:00\n");
    sqlite3_close(db);
}
END_TEST

/* rules 2, 4: different spellings of one instant are one instant (a tie). */
START_TEST(test_rule2_same_instant_any_form) {
    sqlite3 *db = cu_open("(1, 'X', '2020-01-01', NULL), (1, 'Y', 1577836800, NULL),"
                          "(1, 'Z', 2458849.5, NULL), (1, 'W', '2020-01-01 05:30+05:30', NULL),"
                          "(1, 'V', '2020-01-01 00:00:00.0001', NULL)");
    lpt_assert_rows(db,
        "SELECT program, started_at, tied, steps, programs FROM first_program('enrollments')",
        "V + W + X + Y + Z|2020-01-01 00:00:00|1|1|5\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 3 */

/* rule 3: a user is the SQL value; rows in SQL order (numbers, text, blobs). */
START_TEST(test_rule3_user_identity_and_order) {
    sqlite3 *db = cu_open(
        "(42, 'A', '2020-01-01', NULL), ('42', 'B', '2020-01-01', NULL),"
        "(42.0, 'C', '2020-01-02', NULL), (x'3432', 'D', '2020-01-01', NULL),"
        "(2.5, 'E', '2020-01-01', NULL), (-3, 'F', '2020-01-01', NULL),"
        "('abc', 'G', '2020-01-01', NULL), ('B', 'H', '2020-01-01', NULL),"
        "(x'01', 'I', '2020-01-01', NULL), (x'0102', 'J', '2020-01-01', NULL),"
        "(x'0102', 'K', '2020-01-02', NULL), (10, 'L', '2020-01-01', NULL)");
    /* numbers print as REAL so 42 and 42.0 look alike; the class is shown */
    lpt_assert_rows(db,
        "SELECT CASE WHEN typeof(user_id) IN ('integer', 'real') THEN 'num'"
        " ELSE typeof(user_id) END,"
        " CASE WHEN typeof(user_id) IN ('integer', 'real') THEN user_id + 0.0"
        " ELSE quote(user_id) END, path FROM program_journeys('enrollments')",
        "num|-3|F\n"
        "num|2.5|E\n"
        "num|10|L\n"
        "num|42|A > C\n"
        "text|'42'|B\n"
        "text|'B'|H\n"
        "text|'abc'|G\n"
        "blob|X'01'|I\n"
        "blob|X'0102'|J > K\n"
        "blob|X'3432'|D\n");
    /* user_id keeps its storage class for text and blobs */
    lpt_assert_rows(db,
        "SELECT quote(user_id) FROM first_program('enrollments')"
        " WHERE typeof(user_id) IN ('text', 'blob')",
        "'42'\n'B'\n'abc'\nX'01'\nX'0102'\nX'3432'\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rules 3 and 10 over many users of every shape: ids sorted by radix on
** their first bytes and compared whole only where those tie (lp_read_order.c).
** The order returned must be ORDER BY's, and the journeys must not depend
** on the order the rows come in: sorted by user, grouped by user in
** another order, or scattered (in time order, as exports come). Each read
** in order afresh (ids all text or all blobs: packed, sorted in one copy,
** learnpath_read_user_order_packed; integers: learnpath_read_user_order_ints;
** else learnpath_read_user_order), and read for COUNT(*) first, then put in
** order from the cache (lp_read_reorder.c: ids of one class packed and
** sorted in one copy, others copied).
*/
static void cuOrderCase(sqlite3 *db, const char *zIds) {
    char *zSql, *zWant, *zGot, *zRef;
    lpt_exec(db, "DROP TABLE IF EXISTS ids; DROP TABLE IF EXISTS base;"
                 "DROP TABLE IF EXISTS t_sorted; DROP TABLE IF EXISTS t_grouped;"
                 "DROP TABLE IF EXISTS t_scattered");
    zSql = sqlite3_mprintf("CREATE TABLE ids AS %s", zIds);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    /* one to three enrollments per user, at times spread over two years */
    lpt_exec(db,
        "CREATE TABLE base AS SELECT id AS user_id,"
        " char(65 + (h + k * 7) % 5) AS program,"
        " datetime(1577836800 + ((h * 31 + k * 977) % 63072000), 'unixepoch') AS enrolled_at,"
        " h AS h FROM (SELECT id, (rowid * 2654435761) % 1000003 AS h FROM ids),"
        " (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) WHERE k <= h % 3");
    lpt_exec(db, "CREATE TABLE t_sorted AS SELECT user_id, program, enrolled_at FROM base"
                 " ORDER BY user_id, enrolled_at");
    lpt_exec(db, "CREATE TABLE t_grouped AS SELECT user_id, program, enrolled_at FROM base"
                 " ORDER BY h, user_id, enrolled_at DESC");
    lpt_exec(db, "CREATE TABLE t_scattered AS SELECT user_id, program, enrolled_at FROM base"
                 " ORDER BY enrolled_at, h");
    zWant = lpt_query(db, "SELECT quote(user_id) FROM (SELECT DISTINCT user_id FROM base)"
                          " ORDER BY user_id");
    zRef = lpt_query(db, "SELECT quote(user_id), path, steps FROM program_journeys('t_sorted')");
    for (int i = 0; i < 4; i++) {
        const char *zT = i % 2 ? "t_scattered" : "t_grouped";
        lpt_exec(db, "SELECT learnpath_cache_clear()");
        if (i >= 2) { /* unordered first: ordered from the cache below */
            zSql = sqlite3_mprintf("SELECT count(*) FROM first_program('%s')", zT);
            sqlite3_free(lpt_query(db, zSql));
            sqlite3_free(zSql);
        }
        zSql = sqlite3_mprintf("SELECT quote(user_id) FROM first_program('%s')", zT);
        zGot = lpt_query(db, zSql);
        sqlite3_free(zSql);
        ck_assert_msg(strcmp(zGot, zWant) == 0, "%s%s: order\n%.300s\nwant\n%.300s", zT,
                      i >= 2 ? " (ordered from the cache)" : "", zGot, zWant);
        sqlite3_free(zGot);
        zSql = sqlite3_mprintf("SELECT quote(user_id), path, steps FROM program_journeys('%s')", zT);
        zGot = lpt_query(db, zSql);
        sqlite3_free(zSql);
        ck_assert_msg(strcmp(zGot, zRef) == 0, "%s%s: journeys differ", zT, i >= 2 ? " (ordered from the cache)" : "");
        sqlite3_free(zGot);
    }
    sqlite3_free(zWant);
    sqlite3_free(zRef);
}

START_TEST(test_rule10_order_every_id_shape) {
    sqlite3 *db = cu_open(NULL);
#define CU_SEQ(n) "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " #n ") "
    char *z;
    /* integers of both signs and the extremes, out of order (radix on the bits) */
    z = sqlite3_mprintf(CU_SEQ(20000) "SELECT (x * 2654435761) %% 4294967296 - 2147483648 AS id FROM n"
                        " UNION ALL SELECT 9223372036854775807 UNION ALL SELECT -9223372036854775807 - 1"
                        " UNION ALL SELECT 0");
    cuOrderCase(db, z);
    sqlite3_free(z);
    /* UUID-like text, e-mail addresses sharing long prefixes, and text equal
    ** in its first bytes but for the padding ('ab', 'ab' || char(0)) */
    z = sqlite3_mprintf(CU_SEQ(12000) "SELECT printf('%%08x-%%04x-4abc', (x * 2654435761) %% 4294967296, x %% 65536)"
                        " AS id FROM n UNION ALL SELECT printf('john.smith%%d@example.org', x * 7919 %% 10007)"
                        " FROM n WHERE x <= 9000 UNION ALL SELECT 'john.smith' UNION ALL SELECT 'ab'"
                        " UNION ALL SELECT 'ab' || char(0) UNION ALL SELECT 'ab' || char(0) || char(0)"
                        " UNION ALL SELECT 'a' UNION ALL SELECT ''  || char(0) UNION ALL SELECT 'abcdefgh'"
                        " UNION ALL SELECT 'abcdefgh' || char(0) UNION ALL SELECT 'abcdefghi'");
    cuOrderCase(db, z);
    sqlite3_free(z);
    /* every class at once, with fractions (compared whole) and blobs */
    z = sqlite3_mprintf(CU_SEQ(9000) "SELECT CASE x %% 4 WHEN 0 THEN x * 1.5 WHEN 1 THEN -x"
                        " WHEN 2 THEN printf('u%%07x', x * 48271 %% 2147483647)"
                        " ELSE CAST(printf('b%%05d', x * 7 %% 9973) AS BLOB) END AS id FROM n");
    cuOrderCase(db, z);
    sqlite3_free(z);
    sqlite3_close(db);
#undef CU_SEQ
}
END_TEST

/*
** Rules 3 and 10, the radix sort's paths past 4096 users of a class
** (lp_read_order.c): an odd and an even number of bytes that vary within
** the buckets (each pass goes from one buffer to the other), one bucket
** for all, every class large at once (each class's items filled before
** the sort) or one class alone (filled as reduced), large blobs, and
** runs of ids equal in their 8 reduced bytes longer than the stack's 16;
** ids packed and sorted in one copy (text, blobs, and integers ordered
** from the cache) with one bucket larger than a thread's room, and a run
** larger than it.
*/
START_TEST(test_rule10_order_radix_paths) {
    sqlite3 *db = cu_open(NULL);
#define CU_SEQ(n) "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " #n ") "
    static const char *const azIds[] = {
        /* 'id0' shared, then 5 digits: 3 bytes vary past the top 16 bits */
        CU_SEQ(30000) "SELECT printf('id%06d', (x * 7919) % 30011) AS id FROM n",
        /* 4 digits after 'id': 2 vary past the top 16 bits */
        CU_SEQ(9000) "SELECT printf('id%04d', (x * 7919) % 9973) AS id FROM n",
        /* integers in one bucket of the top 16 bits, out of order */
        CU_SEQ(10000) "SELECT (x * 7919) % 10007 AS id FROM n",
        /* every class large: numbers, text, blobs, interleaved */
        CU_SEQ(15000) "SELECT CASE x % 3 WHEN 0 THEN (x * 2654435761) % 4294967296 - 2147483648"
                      " WHEN 1 THEN printf('t%08x', (x * 2654435761) % 4294967296)"
                      " ELSE CAST(printf('b%08x', (x * 48271) % 2147483647) AS BLOB) END AS id FROM n",
        /* blobs alone */
        CU_SEQ(6000) "SELECT CAST(printf('%08x-%04x', (x * 2654435761) % 4294967296, x) AS BLOB) AS id FROM n",
        /* runs of 100 ids alike in their first 8 bytes after the prefix 'user' */
        CU_SEQ(6000) "SELECT printf('user%02d-abcdefghij%05d', x % 60, (x * 7919) % 10007) AS id FROM n",
        /* one bucket of the top 16 bits ('ab') holding all but one of 30,000
        ** ids, past a thread's room: put in place byte by byte (ksFlag) */
        CU_SEQ(30000) "SELECT printf('ab%06d', (x * 7919) % 30011) AS id FROM n UNION ALL SELECT 'zz'",
        /* the same bucket, its ids alike for 8 more bytes: one run of 20,000,
        ** past the room (a block of its own), and runs of 2 */
        CU_SEQ(20000) "SELECT printf('abcdefghij%05d', (x * 7919) % 20011) AS id FROM n"
                      " UNION ALL SELECT printf('zz%d', x) FROM n WHERE x <= 10",
        /* integers 1 to 20,000 and one near 2^62: ordered from the cache, all
        ** but one in one bucket of their range */
        CU_SEQ(20000) "SELECT (x * 7919) % 20011 + 1 AS id FROM n UNION ALL SELECT 4611686018427387904",
    };
    for (size_t i = 0; i < sizeof(azIds) / sizeof(azIds[0]); i++) cuOrderCase(db, azIds[i]);
    sqlite3_close(db);
#undef CU_SEQ
}
END_TEST

/*
** Rules 3 and 10, ids alike far past their first 8 bytes (lp_read_order.c
** ksRun): runs of 64 users or more whose reduced keys are equal are
** reduced again at the next 8 bytes and sorted by radix, level by level.
** E-mail addresses sharing 'first.last' (two and three levels deep), a
** run deeper than the 64 bytes the levels go to (the rest compared
** whole), keys that end inside a run ('anna.garcia.smith' and it with
** char(0) after it: equal to the padding; 64 ids 'x' followed by 0 to 63
** char(0), compared whole once no bytes are left), blobs alike, one
** run holding most users (past the block's scratch: its own), and a run
** across the text and blob classes (compared whole: text first). Each
** against SQL's ORDER BY, rows sorted, grouped and scattered.
*/
START_TEST(test_rule10_order_tie_runs) {
    sqlite3 *db = cu_open(NULL);
#define CU_SEQ(n) "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " #n ") "
    static const char *const azIds[] = {
        /* e-mail addresses: 'anna.garcia' and 'anna.garcia.smith' share 8 and 16 bytes */
        CU_SEQ(6000) "SELECT printf('%s%d@%s', CASE x % 3 WHEN 0 THEN 'anna.garcia' WHEN 1 THEN"
                     " 'anna.garcia.smith' ELSE 'zoe.jensen' END, (x * 7919) % 100003,"
                     " CASE x % 2 WHEN 0 THEN 'example.org' ELSE 'mail.example.com' END) AS id FROM n"
                     " UNION ALL SELECT 'anna.garcia.smith' UNION ALL SELECT 'anna.garcia.smith' || char(0)"
                     " UNION ALL SELECT 'anna.garcia.smith' || char(0) || char(1)"
                     " UNION ALL SELECT 'anna.garcia.smit' UNION ALL SELECT 'anna.garcia'",
        /* 300 ids alike in their first 100 bytes after 'k', then 4 digits;
        ** others differ at once (so the prefix all share is empty) */
        CU_SEQ(600) "SELECT CASE WHEN x <= 300 THEN 'k' || replace(printf('%100s', ''), ' ', 'x')"
                    " || printf('%04d', (x * 7919) % 10007) ELSE printf('a%05d', x * 31 % 99991) END AS id"
                    " FROM n",
        /* blobs alike for 24 bytes, then 5 digits */
        CU_SEQ(3000) "SELECT CAST(printf('b-%s-%05d', CASE x % 2 WHEN 0 THEN 'blob.blob.blob.blob'"
                     " ELSE 'blob.blob.blob.bloc' END, (x * 7919) % 30011) AS BLOB) AS id FROM n"
                     " UNION ALL SELECT CAST('a' AS BLOB)",
        /* one run of 900 of 1,000 users: more than two thirds, past the scratch */
        CU_SEQ(1000) "SELECT CASE WHEN x <= 900 THEN printf('john.smith%05d', (x * 7919) % 10007)"
                     " ELSE printf('a%04d', x) END AS id FROM n",
        /* 64 ids equal but for their length: 'x' and 'x' followed by 1 to 63
        ** char(0), equal to the padding at every level until the bytes end */
        "WITH RECURSIVE n(x, s) AS (SELECT 1, 'x' UNION ALL SELECT x + 1, s || char(0) FROM n"
        " WHERE x < 64) SELECT s AS id FROM n UNION ALL SELECT printf('y%d', x) FROM n",
        /* a run across classes: text and blobs both reduced to 'AAAAAAAA' */
        CU_SEQ(200) "SELECT CASE WHEN x <= 100 THEN 'AAAAAAAA' || printf('%03d', (x * 37) % 101)"
                    " ELSE CAST('AAAAAAAA' || printf('%03d', (x * 37) % 101) AS BLOB) END AS id FROM n"
                    " UNION ALL SELECT '' || char(1) UNION ALL SELECT CAST('B' AS BLOB)",
    };
    for (size_t i = 0; i < sizeof(azIds) / sizeof(azIds[0]); i++) cuOrderCase(db, azIds[i]);
    sqlite3_close(db);
#undef CU_SEQ
}
END_TEST

/*
** Rules 2 and 4, times kept to the millisecond through the moves that group
** the rows by user (lp_read_group.c). The rows come scattered, one user's
** here and there, with times from 1902 to 2100 and odd milliseconds, so the
** two 32-bit halves of each time vary on their own: the times move as two
** planes (buildMoveTimes), for a read for COUNT(*) and for one in user_id
** order. Each step's gap from the one before, in whole milliseconds,
** against SQL's julianday(): read for COUNT(*) then ordered in place from
** the cache, and read afresh in order; one thread and two; 9,000 rows, and
** 8,192 (as many as the arrays hold: their block is not shrunk).
*/
static void cuTimesCase(sqlite3 *db, int nRow) {
    static const char *const zSteps =
        "SELECT user_id, step, program, CAST(round(days_since_prev * 86400000) AS INTEGER)"
        " FROM program_steps('enrollments')";
    char *zWant, *zGot, *zSql;
    lpt_exec(db, "DELETE FROM enrollments");
    /* nRow rows of 3,001 users (text and integer ids), each time once */
    zSql = sqlite3_mprintf("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < %d),"
                           " r AS (SELECT x, (x * 7919) %% 3001 AS k,"
                           " -2145916800 + ((x * 7727) %% 9001) * 700001 AS sec FROM n)"
                           " INSERT INTO enrollments(user_id, program, enrolled_at)"
                           " SELECT CASE WHEN k %% 2 THEN 'u' || k ELSE k END, 'P' || (x %% 7),"
                           " strftime('%%Y-%%m-%%d %%H:%%M:%%S', sec, 'unixepoch') || printf('.%%03d', (x * 37) %% 1000)"
                           " FROM r ORDER BY x", nRow);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("%d|1|1|3001|1\n", nRow);
    lpt_assert_rows(db, "SELECT count(*), min(enrolled_at) < '1903', max(enrolled_at) > '2099',"
                        " count(DISTINCT user_id), sum(substr(enrolled_at, -1) IN ('1','3','5','7','9')) > 4000"
                        " FROM enrollments", zSql);
    sqlite3_free(zSql);
    zWant = lpt_query(db, "SELECT user_id, row_number() OVER w, program,"
                          " CAST(round((julianday(enrolled_at) - lag(julianday(enrolled_at)) OVER w)"
                          " * 86400000) AS INTEGER) FROM enrollments"
                          " WINDOW w AS (PARTITION BY user_id ORDER BY julianday(enrolled_at), program)"
                          " ORDER BY user_id, 2");
    for (int nThread = 1; nThread <= 2; nThread++) {
        char zThreads[64], zCount[32];
        snprintf(zThreads, sizeof(zThreads), "SELECT learnpath_threads(%d)", nThread);
        snprintf(zCount, sizeof(zCount), "%d\n", nRow);
        lpt_exec(db, zThreads);
        lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
        lpt_assert_rows(db, "SELECT count(*) FROM program_steps('enrollments')", zCount);
        zGot = lpt_query(db, zSteps);
        ck_assert_msg(strcmp(zGot, zWant) == 0, "%d rows, threads %d, grouped for COUNT(*) first:\n%.300s\nwant\n%.300s",
                      nRow, nThread, zGot, zWant);
        sqlite3_free(zGot);
        lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
        zGot = lpt_query(db, zSteps);
        ck_assert_msg(strcmp(zGot, zWant) == 0, "%d rows, threads %d, read in order:\n%.300s\nwant\n%.300s", nRow,
                      nThread, zGot, zWant);
        sqlite3_free(zGot);
    }
    sqlite3_free(zWant);
}

START_TEST(test_rule2_times_exact_when_grouped) {
    sqlite3 *db = cu_open(NULL);
    cuTimesCase(db, 9000);
    cuTimesCase(db, 8192);
    sqlite3_close(db);
}
END_TEST

/*
** Issue 12's memory, rule 10: a read that puts the users in user_id order
** holds no more at its peak than one that needs no order. Text and blob
** ids are packed into 8 bytes and sorted in one copy
** (learnpath_read_user_order_packed); before, the keys (16 bytes a user),
** the sort's items and their copy (24) were held at once, 10 bytes an
** enrollment over the unordered read here, on one thread. The heap's
** high-water mark over each fresh read's start: 65,536 users of two
** enrollments each, in enrollment-time order, with 32-byte UUID-like ids
** (text, then blobs), integer ids, and 32-byte ids all but one of which
** share their first two bytes (one bucket: sorted in place past the room),
** so every array is as full as its growth by doubling leaves it (the peaks
** compared are the reads', not their spare room's); one thread and two.
*/
static sqlite3_int64 cuReadPeak(sqlite3 *db, const char *zSql) {
    sqlite3_int64 nBase, nHigh, nNow;
    char *zGot;
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nBase, &nHigh, 1);
    zGot = lpt_query(db, zSql);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nNow, &nHigh, 0);
    ck_assert_msg(zGot && strncmp(zGot, "ERROR", 5) != 0, "%s: %s", zSql, zGot);
    sqlite3_free(zGot);
    return nHigh - nBase;
}

START_TEST(test_rule10_order_read_peak) {
    static const char *const azId[] = {
        "printf('%08x-%04x-4abc-%04x-%08x', (x * 2654435761) % 4294967296, x % 65536, (x * 7) % 65536,"
        " (x * 48271) % 2147483647)",
        "CAST(printf('%08x-%04x-4abc-%04x-%08x', (x * 2654435761) % 4294967296, x % 65536, (x * 7) % 65536,"
        " (x * 48271) % 2147483647) AS BLOB)",
        "(x * 2654435761) % 4294967296",
        /* all but one in one bucket ('u-'): its room stays a 32nd of the users */
        "CASE WHEN x = 1 THEN 'zzzzzzzz-zzzzzzzz-zzzzzzzz-zzzzzz' ELSE printf('u-%08x-%08x-%08x-4abc',"
        " (x * 2654435761) % 4294967296, (x * 48271) % 2147483647, x) END",
    };
    sqlite3 *db = cu_open(NULL);
    for (size_t i = 0; i < sizeof(azId) / sizeof(azId[0]); i++) {
        char *zSql = sqlite3_mprintf("DROP TABLE IF EXISTS t; CREATE TABLE t AS"
                                     " WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 65536)"
                                     " SELECT %s AS user_id, 'P' || ((x * 13 + k) %% 7) AS program,"
                                     " datetime(1577836800 + ((x * 7919) %% 65536) * 600 + k * 2592000, 'unixepoch')"
                                     " AS enrolled_at, 'S' || (x %% 3) AS user_type"
                                     " FROM n, (SELECT 0 AS k UNION ALL SELECT 1) ORDER BY enrolled_at, x", azId[i]);
        char *zGot;
        sqlite3_int64 nEnr, nUser;
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        zGot = lpt_query(db, "SELECT count(*), count(DISTINCT user_id), sum(length(user_id)) FROM t");
        nEnr = atoll(zGot);
        nUser = atoll(strchr(zGot, '|') + 1);
        sqlite3_free(zGot);
        ck_assert_msg(nEnr == 131072 && nUser == 65536, "%lld rows, %lld users", (long long)nEnr, (long long)nUser);
        for (int nThread = 2; nThread >= 1; nThread--) {
            sqlite3_int64 nAny, nOrd;
            zSql = sqlite3_mprintf("SELECT learnpath_threads(%d)", nThread);
            lpt_exec(db, zSql);
            sqlite3_free(zSql);
            nAny = cuReadPeak(db, "SELECT count(*) FROM first_program('t', 'user_id', 'program', 'enrolled_at',"
                                  " 'user_type')");
            nOrd = cuReadPeak(db, "SELECT count(*), sum(steps) FROM first_program('t', 'user_id', 'program',"
                                  " 'enrolled_at', 'user_type')");
            ck_assert_msg(nOrd <= nAny + nEnr / 4,
                          "ids %zu, threads %d: in user_id order %.2f bytes an enrollment, unordered %.2f", i,
                          nThread, (double)nOrd / (double)nEnr, (double)nAny / (double)nEnr);
            ck_assert_msg(nAny > 24 * nEnr, "ids %zu, threads %d: %lld bytes for %lld rows: not the read's", i,
                          nThread, (long long)nAny, (long long)nEnr);
        }
    }
    lpt_exec(db, "SELECT learnpath_threads(2)");
    sqlite3_close(db);
}
END_TEST

/*
** Rules 10 and 12, data read for COUNT(*) and then put in user_id order
** from the cache (lp_read_reorder.c): ids packed and sorted in one copy,
** the arrays moved one at a time, each user's group moved with it (integer,
** text and blob ids), or every array copied (ids of two classes). Each
** against the same queries over a read in order afresh: every user's
** journey with its group's filter, the users of one group, with a segment
** column and without, one thread and two.
*/
START_TEST(test_rule10_order_from_cache_groups) {
    static const char *const azId[] = {
        "(x * 2654435761) % 4294967296 - 2147483648",
        "printf('%08x-%04x', (x * 2654435761) % 4294967296, x % 65536)",
        "CAST(printf('%08x-%04x', (x * 2654435761) % 4294967296, x % 65536) AS BLOB)",
        "CASE WHEN x % 5 = 0 THEN printf('t%06d', x) ELSE (x * 7919) % 100003 END",
    };
    static const char *const azQuery[] = {
        "SELECT quote(user_id), path, steps, segment FROM program_journeys('t', 'user_id', 'program',"
        " 'enrolled_at', 'seg') WHERE group_col = 'acct'",
        "SELECT quote(user_id), program, next_program, steps FROM first_program('t') WHERE group_col = 'acct'"
        " AND group_value = 'A3'",
        "SELECT quote(user_id), step, program, days_since_prev FROM program_steps('t', 'user_id', 'program',"
        " 'enrolled_at', 'seg') WHERE group_col = 'acct' AND group_value = 'A7'",
    };
    /* (with group_value: the read keeps each user's group) */
    static const char *const azFirst[] = {
        "SELECT count(*) FROM program_journeys('t', 'user_id', 'program', 'enrolled_at', 'seg')"
        " WHERE group_col = 'acct' AND group_value = 'A5'",
        "SELECT count(*) FROM first_program('t') WHERE group_col = 'acct' AND group_value = 'A5'",
        "SELECT count(*) FROM program_steps('t', 'user_id', 'program', 'enrolled_at', 'seg')"
        " WHERE group_col = 'acct' AND group_value = 'A5'",
    };
    sqlite3 *db = cu_open(NULL);
    for (size_t i = 0; i < sizeof(azId) / sizeof(azId[0]); i++) {
        char *zSql = sqlite3_mprintf("DROP TABLE IF EXISTS t; CREATE TABLE t AS"
                                     " WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 6000)"
                                     " SELECT %s AS user_id, 'P' || ((x * 13 + k) %% 7) AS program,"
                                     " datetime(1577836800 + ((x * 7919) %% 6007) * 3600 + k * 864000, 'unixepoch')"
                                     " AS enrolled_at, 'S' || (x %% 3) AS seg,"
                                     " CASE WHEN k = 0 AND x %% 4 = 0 THEN '' ELSE 'A' || ((x + k) %% 11) END AS acct"
                                     " FROM n, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) WHERE k <= x %% 3"
                                     " ORDER BY enrolled_at, x",
                                     azId[i]);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        for (int nThread = 2; nThread >= 1; nThread--) {
            zSql = sqlite3_mprintf("SELECT learnpath_threads(%d)", nThread);
            lpt_exec(db, zSql);
            sqlite3_free(zSql);
            for (size_t q = 0; q < sizeof(azQuery) / sizeof(azQuery[0]); q++) {
                char *zWant, *zGot;
                lpt_exec(db, "SELECT learnpath_cache_clear()");
                zWant = lpt_query(db, azQuery[q]);
                ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0 && strlen(zWant) > 100, "%s: %.200s",
                              azQuery[q], zWant);
                lpt_exec(db, "SELECT learnpath_cache_clear()");
                sqlite3_free(lpt_query(db, azFirst[q]));
                zGot = lpt_query(db, azQuery[q]);
                ck_assert_msg(strcmp(zGot, zWant) == 0, "ids %zu, threads %d, query %zu: from the cache\n%.300s\nwant\n%.300s",
                              i, nThread, q, zGot, zWant);
                sqlite3_free(zGot);
                sqlite3_free(zWant);
            }
        }
    }
    lpt_exec(db, "SELECT learnpath_threads(2)");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 10 with the runs of equal reduced keys shared by two threads
** (lp_read_order.c, ksOrderAll): past 4,096 users in runs the runs are
** split where their users are halved, each thread with half the scratch;
** a run larger than a thread's half is left to the reading thread, which
** does it with the whole scratch or (past that) a block of its own. Each
** case against SQL's ORDER BY with one thread and two: runs of fewer than
** 64 users (compared whole) and more (by radix) on both sides of the
** split; one run of more than a third of the users (left to the reading
** thread, within the scratch); one of more than two thirds (a block of its
** own); 300 ids alike for 100 bytes (compared whole past the depth limit,
** by a helper); a run across text and blobs.
*/
START_TEST(test_rule10_order_tie_runs_split) {
    sqlite3 *db = cu_open(NULL);
#define CU_SEQ(n) "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " #n ") "
    static const char *const azIds[] = {
        /* 3,500 of 9,000 ids share 'mary.jones.'; the rest fall in runs of
        ** about 27 ('n0000123.') and 137 ('m0000012.') users */
        CU_SEQ(9000) "SELECT CASE WHEN x <= 3500 THEN printf('mary.jones.%05d', (x * 7919) % 10007)"
                     " WHEN x % 2 = 0 THEN printf('n%07d.%d', x % 200, x)"
                     " ELSE printf('m%07d.%d', x % 40, x) END AS id FROM n",
        /* 6,500 of 9,000 ids share 16 bytes: past the whole scratch */
        CU_SEQ(9000) "SELECT CASE WHEN x <= 6500 THEN printf('anna.garcia.smith.%05d', (x * 7919) % 10007)"
                     " ELSE printf('p%07d.%d', x % 25, x) END AS id FROM n",
        /* 300 ids alike for 100 bytes among 6,000 e-mail addresses */
        CU_SEQ(6300) "SELECT CASE WHEN x <= 300 THEN 'k' || replace(printf('%100s', ''), ' ', 'x')"
                     " || printf('%04d', (x * 7919) % 10007) ELSE printf('%s%d@example.org',"
                     " CASE x % 3 WHEN 0 THEN 'anna.garcia' WHEN 1 THEN 'anna.garcia.smith' ELSE"
                     " 'zoe.jensen' END, (x * 7919) % 100003) END AS id FROM n",
        /* a run across classes: the last 100 text ids and the first 100
        ** blobs reduced alike, then 6,000 blobs in runs of about 67 */
        CU_SEQ(6200) "SELECT CASE WHEN x <= 100 THEN 'AAAAAAAA' || printf('%03d', (x * 37) % 101)"
                     " WHEN x <= 200 THEN CAST('AAAAAAAA' || printf('%03d', (x * 37) % 101) AS BLOB)"
                     " ELSE CAST(printf('z.%07d.%d', x % 90, x) AS BLOB) END AS id FROM n"
                     " UNION ALL SELECT char(1)", /* (so the text ids share no prefix) */
    };
    for (int nThread = 1; nThread <= 2; nThread++) {
        char *zSql = sqlite3_mprintf("SELECT learnpath_threads(%d), learnpath_cache_clear()", nThread);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        for (size_t i = 0; i < sizeof(azIds) / sizeof(azIds[0]); i++) cuOrderCase(db, azIds[i]);
    }
    sqlite3_close(db);
#undef CU_SEQ
}
END_TEST

/*
** Rules 4 and 6: each user's enrollments sorted by time, program name and
** segment name, whatever order the rows come in (lp_read_group.c sorts a
** user on the stack up to 32 enrollments, by either thread, and the
** larger ones on the reading thread): users of 1 to 100 enrollments at a
** few instants (same-instant programs and segments to order), the rows in
** a scrambled order, against SQL's ORDER BY, with one thread and two.
*/
START_TEST(test_rule4_sort_each_user) {
    sqlite3 *db = cu_open(NULL);
    const char *zSteps = "SELECT user_id, segment, step, program, started_at FROM program_steps"
                         " WHERE source = 'e' AND segment_col = 'seg' AND ties = 'name'"
                         " AND repeats = 'keep'";
    const char *zWant = "SELECT user_id, first_value(nullif(seg, '')) OVER (PARTITION BY user_id"
                        " ORDER BY coalesce(seg, '') = '', enrolled_at, program, seg),"
                        " row_number() OVER (PARTITION BY user_id ORDER BY enrolled_at, program),"
                        " program, datetime(enrolled_at) FROM e ORDER BY user_id, 3";
    char *zRef;
    /* user u has (1, 2, 5, 31, 32, 33, 40, 100)[u % 8] enrollments; the
    ** programs are numbered in an order other than their names' */
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at, seg);"
             "INSERT INTO e WITH RECURSIVE u(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM u WHERE x < 3000),"
             " k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 99)"
             " SELECT x, 'P' || char(90 - (x * 7 + j * 13) % 26),"
             " datetime(1577836800 + 86400 * ((x + j * 5) % 4), 'unixepoch'),"
             " CASE (x + j) % 5 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 's' || ((x * j) % 3) END"
             " FROM u, k WHERE j < (SELECT v FROM (SELECT 0 AS i, 1 AS v UNION ALL SELECT 1, 2"
             " UNION ALL SELECT 2, 5 UNION ALL SELECT 3, 31 UNION ALL SELECT 4, 32 UNION ALL"
             " SELECT 5, 33 UNION ALL SELECT 6, 40 UNION ALL SELECT 7, 100) WHERE i = x % 8)"
             " ORDER BY (x * 2654435761 + j * 40503) % 1000003;");
    zRef = lpt_query(db, zWant);
    for (int nThread = 1; nThread <= 2; nThread++) {
        char *zSql = sqlite3_mprintf("SELECT learnpath_threads(%d), learnpath_cache_clear()", nThread);
        char *zGot;
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        zGot = lpt_query(db, zSteps);
        ck_assert_msg(strcmp(zGot, zRef) == 0, "threads %d: steps\n%.300s\nwant\n%.300s", nThread, zGot,
                      zRef);
        sqlite3_free(zGot);
    }
    sqlite3_free(zRef);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 10 when no caller needs the order: an aggregate or COUNT(*) reads
** the users in the order first met (LP_TVF_ANY_ORDER), and a later query
** that needs user_id order gets it (ordered in place, or read afresh while
** another cursor holds the data). Every answer and every rowid must be
** what a read in user_id order gives.
*/
START_TEST(test_rule10_any_order_reads) {
    sqlite3 *db = cu_open(NULL);
    char *zOrdered, *zRowids, *zSteps, *zTrn, *zGot;
    lpt_exec(db,
        "CREATE TABLE t AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 6000)"
        " SELECT printf('u%08x', (x * 2654435761) % 4294967296) AS user_id,"
        " char(65 + (x * 7 + k) % 4) AS program,"
        " datetime(1577836800 + ((x * 31 + k * 977) % 6307200), 'unixepoch') AS enrolled_at"
        " FROM n, (SELECT 0 AS k UNION ALL SELECT 1) WHERE k <= x % 2 ORDER BY enrolled_at");
    /* the answers of reads that put the users in user_id order */
    zOrdered = lpt_query(db, "SELECT rowid, user_id, program, steps FROM first_program('t')");
    zRowids = lpt_query(db, "SELECT rowid, user_id FROM first_program('t') WHERE since = '2020-01-02'");
    zSteps = lpt_query(db, "SELECT rowid, user_id, step FROM program_steps('t') WHERE until = '2020-01-02 12:00:00'");
    zTrn = lpt_query(db, "SELECT * FROM program_transitions('t') ORDER BY 1, 2, 3, 4");
    /* an aggregate first: the cache holds the users in the order met */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    zGot = lpt_query(db, "SELECT * FROM program_transitions('t') ORDER BY 1, 2, 3, 4");
    ck_assert_str_eq(zGot, zTrn);
    sqlite3_free(zGot);
    /* rowids read without a column: the rows may come in another order, but
    ** each is still its row's place in user_id order */
    zGot = lpt_query(db, "SELECT group_concat(r, ',') FROM (SELECT rowid AS r FROM first_program('t')"
                         " WHERE since = '2020-01-02' ORDER BY 1)");
    {
        char *zWant = lpt_query(db, "SELECT group_concat(r, ',') FROM (SELECT rowid AS r FROM"
                                    " first_program('t') WHERE since = '2020-01-02' ORDER BY user_id)");
        ck_assert_str_eq(zGot, zWant);
        sqlite3_free(zWant);
    }
    sqlite3_free(zGot);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    lpt_exec(db, "SELECT count(*) FROM program_transitions('t')");
    zGot = lpt_query(db, "SELECT min(r), max(r), count(*), sum(r) FROM (SELECT rowid AS r FROM"
                         " first_program('t') WHERE since = '2020-01-02')");
    {
        char *zWant = lpt_query(db, "SELECT 1, count(*), count(*), count(*) * (count(*) + 1) / 2 FROM"
                                    " first_program('t') WHERE since = '2020-01-02'");
        ck_assert_str_eq(zGot, zWant);
        sqlite3_free(zWant);
    }
    sqlite3_free(zGot);
    /* the rows come in the order their users were met (t's rows in time
    ** order), each rowid its user's place in user_id order */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    zGot = lpt_query(db, "SELECT group_concat(rowid, ',') FROM first_program('t')");
    {
        char *zWant = lpt_query(db,
            "WITH u AS (SELECT user_id, min(rowid) AS first_row FROM t GROUP BY user_id),"
            " r AS (SELECT first_row, row_number() OVER (ORDER BY user_id) AS place FROM u)"
            " SELECT group_concat(place, ',') FROM (SELECT place FROM r ORDER BY first_row)");
        ck_assert_msg(strcmp(zGot, zWant) == 0, "rowids in the order met:\n%.200s\nwant\n%.200s", zGot,
                      zWant);
        sqlite3_free(zWant);
    }
    sqlite3_free(zGot);
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    lpt_exec(db, "SELECT count(*) FROM program_steps('t')");
    zGot = lpt_query(db, "SELECT sum(rowid), count(*), sum(rowid * rowid) FROM program_steps('t')"
                         " WHERE until = '2020-01-02 12:00:00'");
    {
        char *zWant = lpt_query(db, "SELECT sum(r), count(*), sum(r * r) FROM (SELECT rowid AS r, step"
                                    " FROM program_steps('t') WHERE until = '2020-01-02 12:00:00' AND step >= 0)");
        ck_assert_str_eq(zGot, zWant);
        sqlite3_free(zWant);
    }
    sqlite3_free(zGot);
    /* the cache alone holds the data: ordered in place, same answers */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')", "6000\n");
    zGot = lpt_query(db, "SELECT rowid, user_id, program, steps FROM first_program('t')");
    ck_assert_str_eq(zGot, zOrdered);
    sqlite3_free(zGot);
    zGot = lpt_query(db, "SELECT rowid, user_id FROM first_program('t') WHERE since = '2020-01-02'");
    ck_assert_str_eq(zGot, zRowids);
    sqlite3_free(zGot);
    /* another cursor holds the unordered data: read afresh, same answers */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    zGot = lpt_query(db, "SELECT count(*), sum(b.rowid), sum(length(b.user_id) * b.step), sum(a.users)"
                         " FROM program_transitions('t') a, program_steps('t') b"
                         " WHERE b.until = '2020-01-02 12:00:00'");
    {
        char *zWant = lpt_query(db, "SELECT n * m, s * n, l * n, u * m FROM"
                                    " (SELECT count(*) AS n, sum(users) AS u FROM program_transitions('t')),"
                                    " (SELECT count(*) AS m, sum(rowid) AS s, sum(length(user_id) * step) AS l"
                                    " FROM program_steps('t') WHERE until = '2020-01-02 12:00:00')");
        ck_assert_str_eq(zGot, zWant);
        sqlite3_free(zWant);
    }
    sqlite3_free(zGot);
    zGot = lpt_query(db, "SELECT rowid, user_id, step FROM program_steps('t') WHERE until = '2020-01-02 12:00:00'");
    ck_assert_str_eq(zGot, zSteps);
    sqlite3_free(zGot);
    /* under a memory budget the unordered data is read afresh, ordered */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear() >= 0", "1\n");
    lpt_exec(db, "SELECT count(*) FROM program_transitions('t')");
    lpt_exec(db, "SELECT learnpath_memory_budget(100000000)");
    zGot = lpt_query(db, "SELECT rowid, user_id, program, steps FROM first_program('t')");
    ck_assert_str_eq(zGot, zOrdered);
    sqlite3_free(zGot);
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    sqlite3_free(zOrdered);
    sqlite3_free(zRowids);
    sqlite3_free(zSteps);
    sqlite3_free(zTrn);
    sqlite3_close(db);
}
END_TEST

/* rule 3: integers and reals compare exactly, as GROUP BY does. */
START_TEST(test_rule3_numeric_keys_exact) {
    sqlite3 *db = cu_open(
        "(9007199254740993, 'L', '2020-01-01', NULL),"
        "(9007199254740992.0, 'M', '2020-01-01', NULL),"
        "(0, 'N', '2020-01-01', NULL), (-0.0, 'O', '2020-01-02', NULL),"
        "(7.5, 'P', '2020-01-01', NULL), (7, 'Q', '2020-01-01', NULL), (8, 'R', '2020-01-01', NULL)");
    lpt_assert_rows(db,
        "SELECT typeof(user_id) = 'real', printf('%d', user_id), path"
        " FROM program_journeys('enrollments') WHERE user_id > 1",
        "0|7|Q\n"
        "1|7|P\n"
        "0|8|R\n"
        "1|9007199254740992|M\n"
        "0|9007199254740993|L\n");
    /* 0 and -0.0 are one user */
    lpt_assert_rows(db,
        "SELECT user_id = 0, path, steps FROM program_journeys('enrollments') WHERE user_id < 1",
        "1|N > O|2\n");
    sqlite3_close(db);
}
END_TEST

/* rule 3: programs are compared by their text (5 and '5' are one program). */
START_TEST(test_rule3_programs_by_text) {
    sqlite3 *db = cu_open("(1, 5, '2020-01-01', NULL), (1, '5', '2020-01-02', NULL),"
                          "(1, 5.5, '2020-01-03', NULL)");
    lpt_assert_rows(db, "SELECT steps, programs, path FROM program_journeys('enrollments')",
                    "2|2|5 > 5.5\n");
    lpt_assert_rows(db,
        "SELECT steps, programs, path FROM program_journeys('enrollments')"
        " WHERE repeats = 'keep'",
        "3|2|5 > 5 > 5.5\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------- rule 3: collations */

/*
** The read paths a query's answer must not depend on (rules 3, 6, 11):
** in memory on one thread, in memory with the helper thread from the first
** row in batches of one row, and streamed (learnpath_memory_budget(1)),
** each with PRAGMA reverse_unordered_selects off and on.
*/
#define CU_N_PATH 6
static void cuPath(sqlite3 *db, int iPath) {
    const int isReverse = iPath % 2, ePath = iPath / 2;
    char zSql[200];
    snprintf(zSql, sizeof(zSql),
             "PRAGMA reverse_unordered_selects = %d; SELECT learnpath_cache_clear(),"
             " learnpath_threads(%d), learnpath_memory_budget(%d)",
             isReverse, ePath == 1 ? 2 : 1, ePath == 2 ? 1 : 0);
    lpt_exec(db, zSql);
    if (ePath == 1) {
        learnpath_build_tune(0, 1, 64);
    } else {
        learnpath_build_tune(-1, -1, -1);
    }
}
static const char *const azCuPath[CU_N_PATH] = {
    "in memory", "in memory, rows reversed", "helper thread", "helper thread, rows reversed",
    "streamed", "streamed, rows reversed"};

/*
** Assert that learnpath's zSql gives, on every read path, exactly what the
** plain-SQL oracle zOracle gives (run once, outside learnpath), and that
** this is zExpect when zExpect is not NULL.
*/
static void cuAssertOracle(sqlite3 *db, const char *zSql, const char *zOracle, const char *zExpect) {
    char *zWant = lpt_query(db, zOracle);
    ck_assert_ptr_nonnull(zWant);
    ck_assert_msg(strncmp(zWant, "ERROR", 5) != 0, "oracle: %s\n%s", zOracle, zWant);
    if (zExpect) {
        ck_assert_msg(strcmp(zWant, zExpect) == 0, "oracle: %s\nexpected:\n%s\ngot:\n%s", zOracle,
                      zExpect, zWant);
    }
    for (int i = 0; i < CU_N_PATH; i++) {
        cuPath(db, i);
        char *zGot = lpt_query(db, zSql);
        ck_assert_ptr_nonnull(zGot);
        ck_assert_msg(strcmp(zGot, zWant) == 0, "%s: %s\noracle (%s):\n%s\nlearnpath:\n%s",
                      azCuPath[i], zSql, zOracle, zWant, zGot);
        sqlite3_free(zGot);
    }
    learnpath_build_tune(-1, -1, -1);
    lpt_exec(db, "PRAGMA reverse_unordered_selects = 0; SELECT learnpath_threads(2),"
                 " learnpath_memory_budget(0), learnpath_cache_clear()");
    sqlite3_free(zWant);
}

/*
** Rule 3 for source zSrc (columns user_id, program, enrolled_at, seg):
** against GROUP BY and window-function oracles, on every read path,
**   - the users, each the smallest of its group's ids in BINARY order
**     (over every row with an id), in that order (rule 10), and how many
**     distinct programs each took;
**   - each user's first program and its time (rules 4 and 10);
**   - the number of users, as GROUP BY user_id counts them.
** A row is used when its user, program and time are not NULL or empty
** (rule 1; the tables here hold no unreadable time).
*/
#define CU_USED "program <> '' AND enrolled_at <> ''"
static void cuAssertUsersLikeGroupBy(sqlite3 *db, const char *zSrc, const char *zExpectIds) {
    char *zSql = sqlite3_mprintf("SELECT quote(user_id), programs FROM first_program('%q')", zSrc);
    char *zOracle = sqlite3_mprintf(
        "SELECT quote(min(user_id COLLATE BINARY)),"
        " count(DISTINCT CASE WHEN " CU_USED " THEN program COLLATE BINARY END)"
        " FROM \"%w\" WHERE user_id COLLATE BINARY <> '' GROUP BY user_id"
        " HAVING count(CASE WHEN " CU_USED " THEN 1 END) > 0"
        " ORDER BY min(user_id COLLATE BINARY)", zSrc);
    cuAssertOracle(db, zSql, zOracle, zExpectIds);
    sqlite3_free(zSql);
    sqlite3_free(zOracle);
    /* the first program, by time then name, among the group's used rows */
    zSql = sqlite3_mprintf("SELECT quote(user_id), program, started_at FROM first_program('%q')", zSrc);
    zOracle = sqlite3_mprintf(
        "SELECT quote(r), program, datetime(enrolled_at) FROM (SELECT r, program, enrolled_at,"
        " row_number() OVER (PARTITION BY r ORDER BY enrolled_at, program COLLATE BINARY) AS rn"
        " FROM (SELECT (SELECT min(g.user_id COLLATE BINARY) FROM \"%w\" AS g"
        "  WHERE g.user_id = s.user_id AND g.user_id COLLATE BINARY <> '') AS r,"
        "  program, enrolled_at FROM \"%w\" AS s"
        "  WHERE " CU_USED " AND s.user_id COLLATE BINARY <> ''))"
        " WHERE rn = 1 ORDER BY r", zSrc, zSrc);
    cuAssertOracle(db, zSql, zOracle, NULL);
    sqlite3_free(zSql);
    sqlite3_free(zOracle);
    zSql = sqlite3_mprintf("SELECT count(*) FROM first_program('%q')", zSrc);
    zOracle = sqlite3_mprintf("SELECT count(*) FROM (SELECT 1 FROM \"%w\" WHERE " CU_USED
                              " AND user_id COLLATE BINARY <> '' GROUP BY user_id)", zSrc);
    cuAssertOracle(db, zSql, zOracle, NULL);
    sqlite3_free(zSql);
    sqlite3_free(zOracle);
}

/* The issue's rows, and more: ids that differ in case only, a left-out
** row whose id is still its group's smallest, and ids whose NOCASE order
** is not their BINARY order. */
static const char *const zCuCaseRows =
    "('Alice@x.com', 'Program B', '2020-01-02', 'student'),"
    "('alice@x.com', 'Program A', '2020-01-01', 'student'),"
    "('bob@x.com', 'Program A', '2020-01-03', 'professional'),"
    "('ALICE@X.COM', NULL, '2020-01-05', NULL),"
    "('Carl@x.com', 'Flagship', '2020-01-04', NULL),"
    "('carl@X.com', 'Flagship', '2020-01-06', NULL),"
    "('', 'Program A', '2020-01-01', NULL), (NULL, 'Program A', '2020-01-01', NULL)";

/*
** Rule 3, issue 11 item 6: a COLLATE NOCASE user column. GROUP BY user_id
** finds 3 users, not 5; each is returned as its group's smallest id in
** BINARY order ('ALICE@X.COM': a row left out by rule 1 still spells its
** group), and users come in the BINARY order of those ids (rule 10).
*/
START_TEST(test_rule3_user_nocase_table) {
    sqlite3 *db = lpt_open();
    char *zSql = sqlite3_mprintf(
        "CREATE TABLE t(user_id TEXT COLLATE NOCASE, program, enrolled_at, seg);"
        "INSERT INTO t VALUES %s;"
        "CREATE TABLE b(user_id TEXT, program, enrolled_at, seg); INSERT INTO b SELECT * FROM t;"
        /* a view over the NOCASE table, and one that gives a BINARY table's column NOCASE */
        "CREATE VIEW tv AS SELECT * FROM t;"
        "CREATE VIEW bv AS SELECT user_id COLLATE NOCASE AS user_id, program, enrolled_at, seg FROM b;"
        "CREATE VIEW bv2 AS SELECT * FROM bv WHERE 1;",
        zCuCaseRows);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    /* the issue's three ids: two users, as GROUP BY finds */
    lpt_assert_rows(db,
        "SELECT count(*) FROM (SELECT 1 FROM t WHERE user_id IN ('Alice@x.com', 'alice@x.com',"
        " 'bob@x.com') GROUP BY user_id)", "2\n");
    static const char *const zIds = "'ALICE@X.COM'|2\n'Carl@x.com'|1\n'bob@x.com'|1\n";
    cuAssertUsersLikeGroupBy(db, "t", zIds);
    cuAssertUsersLikeGroupBy(db, "tv", zIds);
    cuAssertUsersLikeGroupBy(db, "bv", zIds);
    cuAssertUsersLikeGroupBy(db, "bv2", zIds);
    /* the BINARY table keeps its five ids, as its GROUP BY does */
    cuAssertUsersLikeGroupBy(db, "b",
                             "'Alice@x.com'|1\n'Carl@x.com'|1\n'alice@x.com'|1\n'bob@x.com'|1\n"
                             "'carl@X.com'|1\n");
    /* ORDER BY user_id on the output needs no sort and is right (rule 10) */
    cuAssertOracle(db, "SELECT user_id FROM first_program('t') ORDER BY user_id",
                   "SELECT min(user_id COLLATE BINARY) AS r FROM t WHERE user_id COLLATE BINARY <> ''"
                   " GROUP BY user_id HAVING count(CASE WHEN " CU_USED " THEN 1 END) > 0 ORDER BY r",
                   NULL);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 3: a COLLATE RTRIM user column (and a view that applies RTRIM):
** 'u1', 'u1 ' and 'u1  ' are one user, returned as 'u1'; ' ' is a user
** (not empty), and '' a row left out (rule 1), though RTRIM makes them
** equal.
*/
START_TEST(test_rule3_user_rtrim) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id TEXT COLLATE RTRIM, program, enrolled_at, seg);"
        "INSERT INTO t VALUES ('u1  ', 'B', '2020-01-02', NULL), ('u1 ', 'A', '2020-01-03', NULL),"
        " ('u2 ', 'A', '2020-01-01', NULL), ('u1', 'C', '2020-01-04', NULL),"
        " (' ', 'A', '2020-01-05', NULL), ('', 'D', '2020-01-01', NULL), ('u2\t', 'E', '2020-01-01', NULL);"
        "CREATE TABLE b(user_id TEXT, program, enrolled_at, seg); INSERT INTO b SELECT * FROM t;"
        "CREATE VIEW bv AS SELECT user_id COLLATE RTRIM AS user_id, program, enrolled_at, seg FROM b;");
    static const char *const zIds = "' '|1\n'u1'|3\n'u2\t'|1\n'u2 '|1\n";
    cuAssertUsersLikeGroupBy(db, "t", zIds);
    cuAssertUsersLikeGroupBy(db, "bv", zIds);
    sqlite3_close(db);
}
END_TEST

/* Compares as BINARY after dropping a "+tag" before the '@' of an e-mail
** address: 'bob+news@x.com' and 'bob@x.com' are one. */
static int cuPlusLen(const char *z, int n, char *zOut) {
    int k = 0, isTag = 0;
    for (int i = 0; i < n; i++) {
        if (z[i] == '+') isTag = 1;
        if (z[i] == '@') isTag = 0;
        if (!isTag) zOut[k++] = z[i];
    }
    return k;
}
static int cuPlusCollation(void *pArg, int n1, const void *p1, int n2, const void *p2) {
    char a[256], b[256];
    (void)pArg;
    if (n1 > 256 || n2 > 256) return n1 - n2;
    int k1 = cuPlusLen(p1, n1, a), k2 = cuPlusLen(p2, n2, b);
    int c = memcmp(a, b, (size_t)(k1 < k2 ? k1 : k2));
    return c ? c : k1 - k2;
}

/*
** Rule 3: a collation of the application's own (sqlite3_create_collation)
** on the user column of a table, and given by a view: the exact answer,
** grouped as GROUP BY groups. A collation the connection no longer has is
** the error GROUP BY gives, naming it.
*/
START_TEST(test_rule3_user_custom_collation) {
    sqlite3 *db = lpt_open();
    ck_assert_int_eq(sqlite3_create_collation(db, "PLUS", SQLITE_UTF8, NULL, cuPlusCollation),
                     SQLITE_OK);
    lpt_exec(db,
        "CREATE TABLE t(user_id TEXT COLLATE PLUS, program, enrolled_at, seg);"
        "INSERT INTO t VALUES ('bob+news@x.com', 'A', '2020-01-02', NULL),"
        " ('bob@x.com', 'B', '2020-01-01', NULL), ('bob+z@x.com', 'C', '2020-01-03', NULL),"
        " ('ann@x.com', 'A', '2020-01-01', NULL), ('Ann@x.com', 'A', '2020-01-01', NULL);"
        "CREATE TABLE b(user_id TEXT, program, enrolled_at, seg); INSERT INTO b SELECT * FROM t;"
        "CREATE VIEW bv AS SELECT user_id COLLATE PLUS AS user_id, program, enrolled_at, seg FROM b;");
    static const char *const zIds = "'Ann@x.com'|1\n'ann@x.com'|1\n'bob+news@x.com'|3\n";
    cuAssertUsersLikeGroupBy(db, "t", zIds);
    cuAssertUsersLikeGroupBy(db, "bv", zIds);
    /* without the collation, learnpath fails as GROUP BY does, naming it */
    ck_assert_int_eq(sqlite3_create_collation(db, "PLUS", SQLITE_UTF8, NULL, NULL), SQLITE_OK);
    lpt_assert_rows(db, "SELECT count(*) FROM (SELECT 1 FROM t GROUP BY user_id)",
                    "ERROR: no such collation sequence: PLUS");
    for (int i = 0; i < CU_N_PATH; i += 2) {
        cuPath(db, i);
        lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')",
                        "ERROR: first_program(): cannot read 't': no such collation sequence: PLUS");
        lpt_assert_rows(db, "SELECT count(*) FROM first_program('bv')",
                        "ERROR: first_program(): cannot read 'bv': no such collation sequence: PLUS");
    }
    learnpath_build_tune(-1, -1, -1);
    sqlite3_close(db);
}
END_TEST

/* Compares the first three bytes only, as BINARY does: 'a', 'A' and 'a '
** stay apart, 'bob1' and 'bob2' are one. */
static int cuThreeCollation(void *pArg, int n1, const void *p1, int n2, const void *p2) {
    (void)pArg;
    int c = memcmp(p1, p2, (size_t)(n1 < 3 || n2 < 3 ? (n1 < n2 ? n1 : n2) : 3));
    if (c || (n1 >= 3 && n2 >= 3)) return c;
    return n1 - n2;
}

/* Collects the SQL of every statement run (sqlite3_trace_v2). */
static int cuTrace(unsigned eType, void *pCtx, void *pStmt, void *pX) {
    (void)eType;
    (void)pX;
    sqlite3_str_appendf((sqlite3_str *)pCtx, "%s\n", sqlite3_sql((sqlite3_stmt *)pStmt));
    return 0;
}

/* Does reading source zSrc make SQLite group a column (a window)? */
static int cuReadsGroups(sqlite3 *db, const char *zSrc) {
    sqlite3_str *pLog = sqlite3_str_new(db);
    char *zSql = sqlite3_mprintf("SELECT count(*) >= 0 FROM first_program('%q', 'user_id',"
                                 " 'program', 'enrolled_at', 'seg')", zSrc);
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, cuTrace, pLog);
    lpt_assert_rows(db, zSql, "1\n");
    sqlite3_trace_v2(db, 0, NULL, NULL);
    char *zLog = sqlite3_str_finish(pLog);
    int isGrouped = zLog && strstr(zLog, "PARTITION BY") != NULL;
    sqlite3_free(zLog);
    sqlite3_free(zSql);
    return isGrouped;
}

/*
** Rule 3: how the collation is found. A BINARY column, of a table or given
** by a view (a column, an expression, COLLATE BINARY), is read as it is,
** even on a connection with collations of its own (as the sqlite3 shell
** has): no window, no cost. NOCASE, RTRIM and others are grouped by
** SQLite. A collation named "B" (how EXPLAIN shows BINARY) that agrees
** with BINARY on the probe's values is not mistaken for it: GROUP BY's
** answer still comes out.
*/
START_TEST(test_rule3_how_collation_is_found) {
    sqlite3 *db = lpt_open();
    ck_assert_int_eq(sqlite3_create_collation(db, "PLUS", SQLITE_UTF8, NULL, cuPlusCollation),
                     SQLITE_OK);
    lpt_exec(db,
        "CREATE TABLE b(user_id TEXT, program, enrolled_at, seg);"
        "INSERT INTO b VALUES ('bob1', 'A', '2020-01-01', 's'), ('bob2', 'B', '2020-01-02', 's');"
        "CREATE TABLE n(user_id TEXT COLLATE NOCASE, program, enrolled_at, seg);"
        "CREATE VIEW v_col AS SELECT * FROM b;"
        "CREATE VIEW v_expr AS SELECT lower(user_id) AS user_id, program, enrolled_at, seg FROM b;"
        "CREATE VIEW v_bin AS SELECT user_id COLLATE BINARY AS user_id, program, enrolled_at, seg FROM n;"
        "CREATE VIEW v_union AS SELECT * FROM b UNION ALL SELECT * FROM n;"
        "CREATE VIEW v_nocase AS SELECT * FROM n;"
        "CREATE VIEW v_rtrim AS SELECT user_id COLLATE RTRIM AS user_id, program, enrolled_at, seg FROM b;"
        "CREATE VIEW v_prog AS SELECT user_id, program COLLATE NOCASE AS program, enrolled_at, seg FROM b;");
    static const char *const azAsIs[] = {"b", "v_col", "v_expr", "v_bin", "v_union"};
    static const char *const azGrouped[] = {"n", "v_nocase", "v_rtrim", "v_prog"};
    for (size_t i = 0; i < sizeof(azAsIs) / sizeof(azAsIs[0]); i++) {
        ck_assert_msg(!cuReadsGroups(db, azAsIs[i]), "%s is read with a window", azAsIs[i]);
    }
    for (size_t i = 0; i < sizeof(azGrouped) / sizeof(azGrouped[0]); i++) {
        ck_assert_msg(cuReadsGroups(db, azGrouped[i]), "%s is read as it is", azGrouped[i]);
    }
    /* a view's "B" is not BINARY: 'bob1' and 'bob2' are one user, as GROUP BY
    ** finds (with a collation named "B" no view is taken for BINARY) */
    ck_assert_int_eq(sqlite3_create_collation(db, "B", SQLITE_UTF8, NULL, cuThreeCollation),
                     SQLITE_OK);
    lpt_exec(db, "CREATE VIEW v_three AS SELECT user_id COLLATE B AS user_id, program,"
                 " enrolled_at, seg FROM b");
    ck_assert(cuReadsGroups(db, "v_three"));
    cuAssertUsersLikeGroupBy(db, "v_three", "'bob1'|2\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rules 2 and 3: a source grouped by its user column's collation is read in
** the groups' order, yet the unreadable time reported is the first in the
** source's own order, on every read path, as for a BINARY column.
*/
START_TEST(test_rule3_collation_first_bad_time) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id TEXT COLLATE NOCASE, program, enrolled_at, seg);"
        "INSERT INTO t VALUES ('zed@x.com', 'A', '2020-01-01', NULL), ('zed@x.com', 'A', 'soon', NULL),"
        " ('Amy@x.com', 'A', 'later', NULL), ('amy@x.com', 'B', '2020-01-01', NULL);"
        "CREATE VIEW v AS SELECT * FROM t;");
    for (int i = 0; i < CU_N_PATH; i++) {
        /* reverse_unordered_selects reverses the source's own order */
        const char *zFirst = i % 2 ? "later" : "soon";
        char *zWant = sqlite3_mprintf("ERROR: first_program(): unreadable time '%s' in column"
                                      " 'enrolled_at' of 't'", zFirst);
        char *zWantView = sqlite3_mprintf("ERROR: program_steps(): unreadable time '%s' in column"
                                          " 'enrolled_at' of 'v'", zFirst);
        cuPath(db, i);
        lpt_assert_rows(db, "SELECT * FROM first_program('t')", zWant);
        lpt_assert_rows(db, "SELECT * FROM program_steps('v')", zWantView);
        sqlite3_free(zWant);
        sqlite3_free(zWantView);
        lpt_assert_rows(db, "SELECT quote(user_id), steps FROM first_program('t') WHERE bad_times = 'skip'",
                        "'Amy@x.com'|1\n'zed@x.com'|1\n");
    }
    learnpath_build_tune(-1, -1, -1);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 3: programs and segments are compared by their text under their
** columns' collations, each returned as its group's smallest spelling.
** Under NOCASE, 'Flagship', 'flagship' and 'FLAGSHIP' are one program,
** 'FLAGSHIP', so a user taking two of them took one program once
** (rule 5's collapse), as 'Program A' and 'PROGRAM A' are 'PROGRAM A';
** 'student' and 'Student' are one segment, 'Student'.
*/
START_TEST(test_rule3_program_segment_nocase) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program TEXT COLLATE NOCASE, enrolled_at, seg TEXT COLLATE NOCASE);"
        "INSERT INTO t VALUES (1, 'Flagship', '2020-01-01', 'student'),"
        " (1, 'flagship', '2020-01-02', NULL), (1, 'Program A', '2020-01-03', NULL),"
        " (2, 'FLAGSHIP', '2020-01-01', 'Student'), (2, 'PROGRAM A', '2020-01-01', NULL),"
        " (3, 'program a', '2020-01-02', 'student');"
        "CREATE TABLE b(user_id, program, enrolled_at, seg); INSERT INTO b SELECT * FROM t;"
        "CREATE VIEW bv AS SELECT user_id, program COLLATE NOCASE AS program, enrolled_at,"
        " seg COLLATE NOCASE AS seg FROM b;");
    static const char *const azSrc[] = {"t", "bv"};
    for (int k = 0; k < 2; k++) {
        char *zSql = sqlite3_mprintf(
            "SELECT user_id, segment, path, programs FROM program_journeys('%q', 'user_id',"
            " 'program', 'enrolled_at', 'seg')", azSrc[k]);
        char *zOracle = sqlite3_mprintf(
            "WITH f(v) AS (SELECT min(program COLLATE BINARY) FROM \"%w\" WHERE program = 'flagship'),"
            " p(v) AS (SELECT min(program COLLATE BINARY) FROM \"%w\" WHERE program = 'program a'),"
            " s(v) AS (SELECT min(seg COLLATE BINARY) FROM \"%w\" WHERE seg = 'student')"
            " SELECT 1, s.v, f.v || ' > ' || p.v, 2 FROM f, p, s"
            " UNION ALL SELECT 2, s.v, f.v || ' + ' || p.v, 2 FROM f, p, s"
            " UNION ALL SELECT 3, s.v, p.v, 1 FROM p, s",
            azSrc[k], azSrc[k], azSrc[k]);
        cuAssertOracle(db, zSql, zOracle,
                       "1|Student|FLAGSHIP > PROGRAM A|2\n2|Student|FLAGSHIP + PROGRAM A|2\n"
                       "3|Student|PROGRAM A|1\n");
        sqlite3_free(zSql);
        sqlite3_free(zOracle);
    }
    /* the same rows in BINARY columns: every spelling is its own program */
    lpt_assert_rows(db,
        "SELECT user_id, segment, path FROM program_journeys('b', 'user_id', 'program',"
        " 'enrolled_at', 'seg')",
        "1|student|Flagship > flagship > Program A\n2|Student|FLAGSHIP + PROGRAM A\n"
        "3|student|program a\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 4 */

/* rule 4: ties='group' (the default) makes one step 'A + B'. */
START_TEST(test_rule4_ties_group) {
    sqlite3 *db = lpt_open_fixture("enrollments_ties");
    lpt_assert_rows(db,
        "SELECT user_id, program, tied, next_program, days_to_next, steps, programs"
        " FROM first_program('enrollments')",
        "1|A + B|1|C|1|2|3\n"
        "2|A|0|B|2|2|2\n"
        "3|A|0|B + C + b|1|2|4\n");
    lpt_assert_rows(db,
        "SELECT user_id, step, program, started_at FROM program_steps('enrollments')",
        "1|1|A + B|2020-01-01 10:00:00\n"
        "1|2|C|2020-01-02 10:00:00\n"
        "2|1|A|2020-01-01 00:00:00\n"
        "2|2|B|2020-01-03 00:00:00\n"
        "3|1|A|2020-01-01 00:00:00\n"
        "3|2|B + C + b|2020-01-02 00:00:00\n");
    /* 'group' in any case is the same policy */
    lpt_assert_rows(db,
        "SELECT user_id, program, tied FROM first_program WHERE source = 'enrollments'"
        " AND ties = 'GROUP'",
        "1|A + B|1\n2|A|0\n3|A|0\n");
    sqlite3_close(db);
}
END_TEST

/* rule 4: ties='name' keeps each enrollment, same-instant ones by name. */
START_TEST(test_rule4_ties_name) {
    sqlite3 *db = lpt_open_fixture("enrollments_ties");
    lpt_assert_rows(db,
        "SELECT user_id, program, tied, next_program, days_to_next, steps, programs"
        " FROM first_program WHERE source = 'enrollments' AND ties = 'name'",
        "1|A|1|B|0|3|3\n"
        "2|A|0|B|2|2|2\n"
        "3|A|0|B|1|4|4\n");
    lpt_assert_rows(db,
        "SELECT user_id, step, program, started_at, days_since_prev FROM program_steps"
        " WHERE source = 'enrollments' AND ties = 'name'",
        "1|1|A|2020-01-01 10:00:00|NULL\n"
        "1|2|B|2020-01-01 10:00:00|0\n"
        "1|3|C|2020-01-02 10:00:00|1\n"
        "2|1|A|2020-01-01 00:00:00|NULL\n"
        "2|2|B|2020-01-03 00:00:00|2\n"
        "3|1|A|2020-01-01 00:00:00|NULL\n"
        "3|2|B|2020-01-02 00:00:00|1\n"
        "3|3|C|2020-01-02 00:00:00|0\n"
        "3|4|b|2020-01-02 00:00:00|0\n");
    /* with repeats='keep' user 2's two A at one instant are two steps */
    lpt_assert_rows(db,
        "SELECT path FROM program_journeys WHERE source = 'enrollments' AND ties = 'name'"
        " AND repeats = 'keep' AND user_id = 2",
        "A > A > B\n");
    sqlite3_close(db);
}
END_TEST

/* rules 4, 5: programs counts each member of a tie group. */
START_TEST(test_rule4_group_members_counted) {
    sqlite3 *db = cu_open(
        "(1, 'A', '2020-01-01', NULL), (1, 'B', '2020-01-01', NULL), (1, 'A', '2020-01-02', NULL),"
        "(2, 'A', '2020-01-01', NULL), (2, 'B', '2020-01-01', NULL),"
        "(2, 'B', '2020-01-03', NULL), (2, 'A', '2020-01-03', NULL)");
    lpt_assert_rows(db,
        "SELECT j.user_id, f.tied, j.steps, j.programs, j.path"
        " FROM program_journeys('enrollments') j JOIN first_program('enrollments') f"
        " ON f.user_id = j.user_id ORDER BY j.user_id",
        "1|1|2|2|A + B > A\n"
        "2|1|1|2|A + B\n");
    lpt_assert_rows(db,
        "SELECT user_id, steps, programs, path FROM program_journeys WHERE"
        " source = 'enrollments' AND repeats = 'keep'",
        "1|2|2|A + B > A\n"
        "2|2|2|A + B > A + B\n");
    sqlite3_close(db);
}
END_TEST

/*
** rule 4: a tie group's programs are counted even when another user has a
** program whose name would be the group's label; the group is then
** labelled "A" + "B", so the two labels differ.
*/
START_TEST(test_rule4_group_label_named_like_program) {
    sqlite3 *db = cu_open("(1, 'A', '2020-01-01', NULL), (1, 'B', '2020-01-01', NULL),"
                          "(2, 'A + B', '2020-01-05', NULL)");
    lpt_assert_rows(db,
        "SELECT user_id, program, tied, steps, programs FROM first_program('enrollments')",
        "1|\"A\" + \"B\"|1|1|2\n"
        "2|A + B|0|1|1\n");
    sqlite3_close(db);
}
END_TEST

/*
** rule 4 (issue 11, item 7): a program named like a tie group. User 1 has A
** and B at one instant, then C; user 2 the program 'A + B', then D; user 3
** A and B at one instant, then 'A + B'. A program of the data is named
** 'A + B', so the group is "A" + "B": the two differ in every column and
** path of the per-user functions, held in memory or streamed (where user
** 1's group is named before user 2's program is met), and in a query that
** keeps user 1 alone (the label depends on the data, not on the users a
** query keeps).
*/
static const char *const cuIssueLabels =
    "(1, 'A', '2020-01-01', NULL), (1, 'B', '2020-01-01', NULL), (1, 'C', '2020-02-01', NULL),"
    "(2, 'A + B', '2020-03-01', NULL), (2, 'D', '2020-04-01', NULL),"
    "(3, 'B', '2020-05-01', NULL), (3, 'A', '2020-05-01', NULL),"
    "(3, 'A + B', '2020-06-01', NULL)";

START_TEST(test_rule4_program_named_like_group) {
    for (int isStream = 0; isStream < 2; isStream++) {
        sqlite3 *db = cu_open(cuIssueLabels);
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db,
            "SELECT user_id, program, tied, next_program FROM first_program('enrollments')",
            "1|\"A\" + \"B\"|1|C\n"
            "2|A + B|0|D\n"
            "3|\"A\" + \"B\"|1|A + B\n");
        lpt_assert_rows(db,
            "SELECT user_id, path, first_program, last_program FROM program_journeys('enrollments')",
            "1|\"A\" + \"B\" > C|\"A\" + \"B\"|C\n"
            "2|A + B > D|A + B|D\n"
            "3|\"A\" + \"B\" > A + B|\"A\" + \"B\"|A + B\n");
        lpt_assert_rows(db,
            "SELECT user_id, step, program FROM program_steps('enrollments')",
            "1|1|\"A\" + \"B\"\n1|2|C\n2|1|A + B\n2|2|D\n3|1|\"A\" + \"B\"\n3|2|A + B\n");
        /* grouped by label, the group's steps and the program's apart */
        lpt_assert_rows(db,
            "SELECT program, count(*), min(user_id), max(user_id), max(step)"
            " FROM program_steps('enrollments') GROUP BY program",
            "\"A\" + \"B\"|2|1|3|1\nA + B|2|2|3|2\nC|1|1|1|2\nD|1|2|2|2\n");
        /* a query that keeps user 1 only (rule 7) labels the group alike */
        lpt_assert_rows(db,
            "SELECT user_id, program FROM first_program WHERE source = 'enrollments'"
            " AND until = '2020-01-02 12:00:00'",
            "1|\"A\" + \"B\"\n");
        lpt_assert_rows(db,
            "SELECT path FROM program_journeys WHERE source = 'enrollments'"
            " AND until = '2020-01-02 12:00:00' AND within_days = 1",
            "\"A\" + \"B\"\n");
        sqlite3_close(db);
    }
}
END_TEST

/*
** rule 4: with nothing named like it, a group keeps "A + B": a program
** 'A + B' only on rows left out (rule 1: no time; rule 2: an unreadable
** time skipped) names nothing, held or streamed.
*/
START_TEST(test_rule4_group_plain_when_nothing_collides) {
    for (int isStream = 0; isStream < 2; isStream++) {
        sqlite3 *db = cu_open("(1, 'A', '2020-01-01', NULL), (1, 'B', '2020-01-01', NULL),"
                              "(2, 'A + B', NULL, NULL), (3, 'A + B', '13/01/2020', NULL),"
                              "(4, 'C', '2020-01-01', NULL)");
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db,
            "SELECT user_id, program FROM first_program WHERE source = 'enrollments'"
            " AND bad_times = 'skip'",
            "1|A + B\n4|C\n");
        sqlite3_close(db);
    }
}
END_TEST

/*
** rule 4: the other names. A group with a member whose name has a lone '+'
** ({A, 'B + C'} and {'A + B', C}, which both join to 'A + B + C') or
** begins with '"' is quoted; {A, B, C} keeps 'A + B + C'; a quoted form
** that is a program's name takes " (2)", " (3)", ...; '+' alone is a lone
** '+', 'C++', '+1' and 'A +B' have none. Every step has its own label,
** held or streamed.
*/
START_TEST(test_rule4_group_labels_all_distinct) {
    static const char *const zExpect =
        "1|\"A\" + \"B + C\"\n"
        "2|\"A + B\" + \"C\"\n"
        "3|A + B + C\n"
        "4|\"A\" + \"B\"\n"
        "5|\"A\" + \"B\" (2)\n"
        "6|\"A\" + \"B\" (3)\n"
        "7|A + B\n"
        "8|\"\"\"Q\" + \"R\"\"\"\n"
        "9|\"+\" + \"X\"\n"
        "10|C++ + X\n"
        "11|+1 + Y\n"
        "12|A +B + Y\n";
    for (int isStream = 0; isStream < 2; isStream++) {
        sqlite3 *db = cu_open(
            "(1, 'A', '2020-01-01', NULL), (1, 'B + C', '2020-01-01', NULL),"
            "(2, 'A + B', '2020-01-01', NULL), (2, 'C', '2020-01-01', NULL),"
            "(3, 'A', '2020-01-01', NULL), (3, 'B', '2020-01-01', NULL), (3, 'C', '2020-01-01', NULL),"
            "(4, '\"A\" + \"B\"', '2020-01-01', NULL), (5, '\"A\" + \"B\" (2)', '2020-01-01', NULL),"
            "(6, 'A', '2020-01-01', NULL), (6, 'B', '2020-01-01', NULL),"
            "(7, 'A + B', '2020-01-01', NULL),"
            "(8, '\"Q', '2020-01-01', NULL), (8, 'R\"', '2020-01-01', NULL),"
            "(9, 'X', '2020-01-01', NULL), (9, '+', '2020-01-01', NULL),"
            "(10, 'X', '2020-01-01', NULL), (10, 'C++', '2020-01-01', NULL),"
            "(11, 'Y', '2020-01-01', NULL), (11, '+1', '2020-01-01', NULL),"
            "(12, 'Y', '2020-01-01', NULL), (12, 'A +B', '2020-01-01', NULL)");
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db, "SELECT user_id, program FROM first_program('enrollments')", zExpect);
        lpt_assert_rows(db,
            "SELECT count(*), count(DISTINCT program) FROM first_program('enrollments')",
            "12|12\n");
        sqlite3_close(db);
    }
}
END_TEST

/* ------------------------------------------------------------ rule 5 */

static const struct {
    const char *zRepeats; /* NULL: argument not given (default) */
    const char *zJourneys;
    const char *zFirst;
    const char *zStepCount;
} aRepeatsCase[] = {
    {NULL,
     "1|4|3|A > B > F > A|2020-01-01 00:00:00|A|2020-01-11 00:00:00\n"
     "2|3|2|A > B > A|2020-01-01 00:00:00|A|2020-01-03 00:00:00\n"
     "3|1|1|X|2020-01-01 00:00:00|X|2020-01-01 00:00:00\n",
     "1|A|B|3|4|3\n2|A|B|1|3|2\n3|X|NULL|NULL|1|1\n", "8\n"},
    {"collapse",
     "1|4|3|A > B > F > A|2020-01-01 00:00:00|A|2020-01-11 00:00:00\n"
     "2|3|2|A > B > A|2020-01-01 00:00:00|A|2020-01-03 00:00:00\n"
     "3|1|1|X|2020-01-01 00:00:00|X|2020-01-01 00:00:00\n",
     "1|A|B|3|4|3\n2|A|B|1|3|2\n3|X|NULL|NULL|1|1\n", "8\n"},
    {"keep",
     "1|5|3|A > A > B > F > A|2020-01-01 00:00:00|A|2020-01-11 00:00:00\n"
     "2|3|2|A > B > A|2020-01-01 00:00:00|A|2020-01-03 00:00:00\n"
     "3|2|1|X > X|2020-01-01 00:00:00|X|2020-01-03 00:00:00\n",
     "1|A|A|1|5|3\n2|A|B|1|3|2\n3|X|X|2|2|1\n", "10\n"},
    {"first_only",
     "1|3|3|A > B > F|2020-01-01 00:00:00|F|2020-01-07 00:00:00\n"
     "2|2|2|A > B|2020-01-01 00:00:00|B|2020-01-02 00:00:00\n"
     "3|1|1|X|2020-01-01 00:00:00|X|2020-01-01 00:00:00\n",
     "1|A|B|3|3|3\n2|A|B|1|2|2\n3|X|NULL|NULL|1|1\n", "6\n"},
};

/*
** rule 5: collapse merges consecutive repeats into the first (A > F > A
** keeps the second A); keep keeps each; first_only drops any program taken
** before, consecutive or not. Counts follow.
*/
START_TEST(test_rule5_repeats) {
    sqlite3 *db = lpt_open_fixture("enrollments_repeats");
    char *zWhere = aRepeatsCase[_i].zRepeats
                       ? sqlite3_mprintf("source = 'enrollments' AND repeats = %Q",
                                         aRepeatsCase[_i].zRepeats)
                       : sqlite3_mprintf("source = 'enrollments'");
    char *zSql = sqlite3_mprintf(
        "SELECT user_id, steps, programs, path, first_at, last_program, last_at"
        " FROM program_journeys WHERE %s", zWhere);
    lpt_assert_rows(db, zSql, aRepeatsCase[_i].zJourneys);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf(
        "SELECT user_id, program, next_program, days_to_next, steps, programs"
        " FROM first_program WHERE %s", zWhere);
    lpt_assert_rows(db, zSql, aRepeatsCase[_i].zFirst);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT count(*) FROM program_steps WHERE %s", zWhere);
    lpt_assert_rows(db, zSql, aRepeatsCase[_i].zStepCount);
    sqlite3_free(zSql);
    sqlite3_free(zWhere);
    sqlite3_close(db);
}
END_TEST

/* rule 5: first_only also drops a program already met inside a tie group. */
START_TEST(test_rule5_first_only_with_ties) {
    sqlite3 *db = cu_open("(1, 'A', '2020-01-01', NULL), (1, 'B', '2020-01-01', NULL),"
                          "(1, 'B', '2020-01-02', NULL), (1, 'C', '2020-01-02', NULL),"
                          "(1, 'A', '2020-01-03', NULL)");
    lpt_assert_rows(db,
        "SELECT steps, programs, path FROM program_journeys WHERE source = 'enrollments'"
        " AND repeats = 'first_only'",
        "2|3|A + B > C\n");
    lpt_assert_rows(db, "SELECT steps, programs, path FROM program_journeys('enrollments')",
                    "3|3|A + B > B + C > A\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 6 */

/* rule 6: segment = first non-empty segment value in time order. */
START_TEST(test_rule6_segment) {
    sqlite3 *db = cu_open(
        "(1, 'A', '2020-01-03', 'late'), (1, 'B', '2020-01-01', NULL), (1, 'C', '2020-01-02', 'mid'),"
        "(2, 'A', '2020-01-01', ''), (2, 'B', '2020-01-02', 'x'),"
        "(3, 'A', '2020-01-01', NULL), (3, 'B', '2020-01-02', ''),"
        /* a row left out by rule 1 gives no segment */
        "(4, NULL, '2019-12-31', 'ghost'), (4, 'A', '2020-01-01', NULL), (4, 'B', '2020-01-02', 'real'),"
        "(5, 'A', '2020-01-01', 7)");
    lpt_assert_rows(db,
        "SELECT user_id, segment, typeof(segment) FROM first_program('enrollments', 'user_id',"
        " 'program', 'enrolled_at', 'seg')",
        "1|mid|text\n2|x|text\n3|NULL|null\n4|real|text\n5|7|text\n");
    /* the user's segment is on each of its steps */
    lpt_assert_rows(db,
        "SELECT step, segment FROM program_steps('enrollments', 'user_id', 'program',"
        " 'enrolled_at', 'seg') WHERE user_id = 1",
        "1|mid\n2|mid\n3|mid\n");
    /* no segment_col: NULL for every user, even though the table has one */
    lpt_assert_rows(db,
        "SELECT count(*), count(segment) FROM program_journeys('enrollments')", "5|0\n");
    lpt_assert_rows(db,
        "SELECT count(*), count(segment) FROM program_journeys('enrollments', 'user_id',"
        " 'program', 'enrolled_at', NULL)",
        "5|0\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 6, issue 11 item 9: rows equal in user, program and time but for the
** segment. The segment is the first in order of time, program name, then
** segment name, on every read path and whatever order the rows come in
** (PRAGMA reverse_unordered_selects flips it), against a window-function
** oracle.
*/
START_TEST(test_rule6_segment_ties) {
    sqlite3 *db = cu_open(
        "(1, 'A', '2020-01-01', 'student'), (1, 'A', '2020-01-01', 'professional'),"
        "(2, 'B', '2020-01-01', 'professional'), (2, 'A', '2020-01-01', 'student'),"
        "(3, 'B', '2020-01-01', NULL), (3, 'B', '2020-01-01', 'x'), (3, 'A', '2020-01-01', ''),"
        "(4, 'A', '2020-01-02', 'b'), (4, 'A', '2020-01-01', NULL), (4, 'A', '2020-01-02', 'a'),"
        "(5, 'A', '2020-01-01', 'student'), (5, 'A', '2020-01-01', 'professional'),"
        "(5, 'A', '2020-01-01', 'student'), (5, 'A', '2020-01-01', 'professional'),"
        "(6, 'A', '2020-01-01', 'x'), (6, 'A', '2020-01-01', NULL)");
    cuAssertOracle(db,
        "SELECT user_id, segment, tied FROM first_program('enrollments', 'user_id', 'program',"
        " 'enrolled_at', 'seg')",
        "SELECT u.user_id, s.seg, u.tied FROM (SELECT user_id, count(DISTINCT program) > 1 AS tied"
        " FROM enrollments AS e WHERE enrolled_at = (SELECT min(enrolled_at) FROM enrollments"
        " WHERE user_id = e.user_id) GROUP BY user_id) AS u LEFT JOIN (SELECT user_id, seg,"
        " row_number() OVER (PARTITION BY user_id ORDER BY enrolled_at, program, seg) AS rn"
        " FROM enrollments WHERE seg <> '') AS s ON s.user_id = u.user_id AND s.rn = 1"
        " ORDER BY u.user_id",
        "1|professional|0\n2|student|1\n3|x|1\n4|a|0\n5|professional|0\n6|x|0\n");
    /* without a segment column, such rows are one enrollment twice (rules 4, 5) */
    cuAssertOracle(db,
        "SELECT user_id, path, steps FROM program_journeys('enrollments')"
        " WHERE ties = 'name' AND repeats = 'keep'",
        "VALUES (1, 'A > A', 2), (2, 'A > B', 2), (3, 'A > B > B', 3), (4, 'A > A > A', 3),"
        " (5, 'A > A > A > A', 4), (6, 'A > A', 2)", NULL);
    /* and the steps, whose segment is the user's */
    cuAssertOracle(db,
        "SELECT user_id, step, program, segment FROM program_steps('enrollments', 'user_id',"
        " 'program', 'enrolled_at', 'seg') WHERE user_id = 4 AND ties = 'name' AND repeats = 'keep'",
        "VALUES (4, 1, 'A', 'a'), (4, 2, 'A', 'a'), (4, 3, 'A', 'a')", NULL);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 7 */

static const char *const zSinceData =
    "(1, 'A', '2020-01-05', NULL), (1, 'B', '2020-03-01', NULL),"
    "(2, 'A', '2019-12-31 23:59:59', NULL), (2, 'B', '2020-01-10', NULL),"
    "(3, 'A', '2020-02-01 00:00:00', NULL),"
    "(4, 'A', '2020-01-01 00:00:00', NULL), (4, 'C', '2020-01-15', NULL),"
    "(5, 'A', '2020-01-31 23:59:59', NULL)";

/*
** rule 7: users whose first step is in [since, until) are kept, with their
** whole journeys; a user starting before since is out even if later steps
** are inside.
*/
START_TEST(test_rule7_since_until) {
    sqlite3 *db = cu_open(zSinceData);
    lpt_assert_rows(db,
        "SELECT user_id, path, first_at, last_at FROM program_journeys"
        " WHERE source = 'enrollments' AND since = '2020-01-01' AND until = '2020-02-01'",
        "1|A > B|2020-01-05 00:00:00|2020-03-01 00:00:00\n"
        "4|A > C|2020-01-01 00:00:00|2020-01-15 00:00:00\n"
        "5|A|2020-01-31 23:59:59|2020-01-31 23:59:59\n");
    lpt_assert_rows(db,
        "SELECT user_id FROM first_program WHERE source = 'enrollments' AND since = '2020-01-01'",
        "1\n3\n4\n5\n");
    lpt_assert_rows(db,
        "SELECT user_id FROM first_program WHERE source = 'enrollments' AND until = '2020-02-01'",
        "1\n2\n4\n5\n");
    /* bounds read by rule 2: Unix seconds, Julian day, a zone */
    lpt_assert_rows(db,
        "SELECT user_id FROM first_program WHERE source = 'enrollments'"
        " AND since = 1577836800 AND until = 2458880.5",
        "1\n4\n5\n");
    lpt_assert_rows(db,
        "SELECT user_id FROM first_program WHERE source = 'enrollments'"
        " AND since = '2020-01-01 01:00+01:00' AND until = '2020-01-31T23:59:59Z'",
        "1\n4\n");
    /* whole journeys: steps after until stay */
    lpt_assert_rows(db,
        "SELECT user_id, step, program FROM program_steps WHERE source = 'enrollments'"
        " AND since = '2020-01-02' AND until = '2020-01-06'",
        "1|1|A\n1|2|B\n");
    /* NULL bounds (positional arguments 6 and 7) are no bounds */
    lpt_assert_rows(db,
        "SELECT count(*) FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at',"
        " NULL, NULL, NULL)",
        "5\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ rule 8 */

static const char *const zWithinData =
    "(1, 'A', '2020-01-01', NULL), (1, 'B', '2020-01-04', NULL), (1, 'C', '2020-01-07', NULL),"
    "(1, 'D', '2020-01-10 12:00', NULL), (1, 'E', '2020-01-11', NULL),"
    "(2, 'A', '2020-01-01', NULL), (2, 'A', '2020-01-03', NULL), (2, 'B', '2020-01-05', NULL),"
    "(3, 'A', '2020-01-01 00:00', NULL), (3, 'B', '2020-01-01 12:00', NULL),"
    "(3, 'C', '2020-01-02 00:00:01', NULL)";

/*
** rule 8: the journey ends at the first gap longer than N days; a gap of
** exactly N is kept; the gaps are those left after rule 5.
*/
START_TEST(test_rule8_within_days) {
    sqlite3 *db = cu_open(zWithinData);
    lpt_assert_rows(db,
        "SELECT user_id, steps, programs, path, last_at FROM program_journeys"
        " WHERE source = 'enrollments' AND within_days = 3",
        "1|3|3|A > B > C|2020-01-07 00:00:00\n"
        "2|1|1|A|2020-01-01 00:00:00\n"
        "3|3|3|A > B > C|2020-01-02 00:00:01\n");
    lpt_assert_rows(db,
        "SELECT user_id, steps, path FROM program_journeys"
        " WHERE source = 'enrollments' AND within_days = 3 AND repeats = 'keep'",
        "1|3|A > B > C\n"
        "2|3|A > A > B\n"
        "3|3|A > B > C\n");
    lpt_assert_rows(db,
        "SELECT user_id, steps, path FROM program_journeys"
        " WHERE source = 'enrollments' AND within_days = 0.5",
        "1|1|A\n2|1|A\n3|2|A > B\n");
    lpt_assert_rows(db,
        "SELECT user_id, next_program, days_to_next, steps, programs FROM first_program"
        " WHERE source = 'enrollments' AND within_days = 3",
        "1|B|3|3|3\n2|NULL|NULL|1|1\n3|B|0.5|3|3\n");
    /* NULL (positional argument 8) is no limit */
    lpt_assert_rows(db,
        "SELECT user_id, steps FROM program_journeys('enrollments', 'user_id', 'program',"
        " 'enrolled_at', NULL, NULL, NULL, NULL)",
        "1|5\n2|2\n3|3\n");
    /* with ties='name' a gap of 0 is within 0 days */
    lpt_exec(db, "INSERT INTO enrollments VALUES (4, 'B', '2020-01-01', NULL),"
                 " (4, 'A', '2020-01-01', NULL), (4, 'C', '2020-01-01 00:00:01', NULL)");
    lpt_assert_rows(db,
        "SELECT path FROM program_journeys WHERE source = 'enrollments' AND within_days = 0"
        " AND ties = 'name' AND user_id = 4",
        "A > B\n");
    sqlite3_close(db);
}
END_TEST

/*
** rules 5-8 for users of exactly two enrollments at two instants (lp_shape.c
** shapes them without the general bookkeeping):
**   1: A (no segment) then A four days later (segment x)
**   2: A (segment y) then B four days later (segment x)
**   3: B then A a day and a half later (no segments)
**   4: C on 2020-02-01 then D two days later (segment z)
** Rule 5: collapse and first_only make user 1 one step, keep two steps of
** one program. Rule 6: the first segment in time order that is not empty.
** Rule 8: within 3 days cuts users 1 (kept) and 2 after their first step;
** a gap of exactly 1.5 days is within 1.5. Rule 7: since selects user 4.
*/
#define CU_TWO_CALL "program_journeys('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')"
START_TEST(test_two_enrollments) {
    sqlite3 *db = cu_open("(1, 'A', '2020-01-01', NULL), (1, 'A', '2020-01-05', 'x'),"
                          "(2, 'A', '2020-01-01', 'y'), (2, 'B', '2020-01-05', 'x'),"
                          "(3, 'B', '2020-01-01', NULL), (3, 'A', '2020-01-02 12:00', NULL),"
                          "(4, 'C', '2020-02-01', 'z'), (4, 'D', '2020-02-03', 'z')");
    lpt_assert_rows(db, "SELECT user_id, segment, steps, programs, path FROM " CU_TWO_CALL,
                    "1|x|1|1|A\n2|y|2|2|A > B\n3|NULL|2|2|B > A\n4|z|2|2|C > D\n");
    lpt_assert_rows(db, "SELECT user_id, steps, programs, path, last_at FROM " CU_TWO_CALL
                    " WHERE repeats = 'keep' AND user_id = 1",
                    "1|2|1|A > A|2020-01-05 00:00:00\n");
    lpt_assert_rows(db, "SELECT user_id, steps, programs, path FROM " CU_TWO_CALL
                    " WHERE repeats = 'first_only' AND user_id = 1",
                    "1|1|1|A\n");
    lpt_assert_rows(db, "SELECT user_id, steps, programs, path FROM " CU_TWO_CALL
                    " WHERE within_days = 3 AND repeats = 'keep'",
                    "1|1|1|A\n2|1|1|A\n3|2|2|B > A\n4|2|2|C > D\n");
    lpt_assert_rows(db, "SELECT user_id, steps, next_program, days_to_next FROM"
                    " first_program('enrollments', 'user_id', 'program', 'enrolled_at')"
                    " WHERE within_days = 1.5",
                    "1|1|NULL|NULL\n2|1|NULL|NULL\n3|2|A|1.5\n4|1|NULL|NULL\n");
    lpt_assert_rows(db, "SELECT user_id, path FROM " CU_TWO_CALL " WHERE since = '2020-01-15'",
                    "4|C > D\n");
    /* the same users in first_program's own order (rule 10), rowid as in user_id order */
    lpt_assert_rows(db, "SELECT user_id, rowid FROM first_program('enrollments') WHERE until = '2020-01-15'"
                    " ORDER BY program, user_id",
                    "1|1\n2|2\n3|3\n");
    lpt_assert_rows(db, "SELECT user_id, path FROM " CU_TWO_CALL " WHERE until = '2020-01-15'",
                    "1|A\n2|A > B\n3|B > A\n");
    sqlite3_close(db);
}
END_TEST

/* ----------------------------------------------------------- rule 10 */

/*
** rule 10: first_program returns its rows in the order an ORDER BY or GROUP
** BY on up to three of segment, program and next_program (then user_id)
** asks, so SQLite does not sort them. 2,000 users of one to four
** enrollments (tie groups, repeats, NULL segments) from a fixed formula
** (tests/fixtures/enrollments_many_users.sql);
** each order must equal the one SQLite's own sorter gives for the same
** terms and then user_id (written +column, which SQLite cannot hand to the
** function), and its plan must have no sorter.
*/
static const char *const azOrderBy[] = {
    "segment, program", "program", "next_program, segment", "program, segment, next_program",
    "next_program, program, segment, user_id", "segment, user_id", "user_id",
};

START_TEST(test_rule10_order_by) {
    sqlite3 *db = lpt_open_fixture("enrollments_many_users");
    const char *zCall = "first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')";
    /* "a, b" -> "+a, +b" */
    char *zQ = sqlite3_mprintf("SELECT '+' || replace(%Q, ', ', ', +')", azOrderBy[_i]);
    char *zPlus = lpt_query(db, zQ);
    sqlite3_free(zQ);
    ck_assert_ptr_nonnull(zPlus);
    zPlus[strlen(zPlus) - 1] = 0; /* the row's newline */
    for (int k = 0; k < 3; k++) {
        const char *zWhere = k == 0 ? "" : k == 1 ? " WHERE repeats = 'keep' AND ties = 'name'"
                                                  : " WHERE since = '2020-01-03'";
        char *zOurs = sqlite3_mprintf("SELECT * FROM %s%s ORDER BY %s", zCall, zWhere, azOrderBy[_i]);
        /* users alike in the keys come in user_id order (rule 10) */
        char *zTheirs = sqlite3_mprintf("SELECT * FROM %s%s ORDER BY %s%s", zCall, zWhere, zPlus,
                                        strstr(zPlus, "user_id") ? "" : ", +user_id");
        char *zPlan = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", zOurs);
        char *zA = lpt_query(db, zOurs), *zB = lpt_query(db, zTheirs), *zP = lpt_query(db, zPlan);
        ck_assert_ptr_nonnull(zA);
        ck_assert_ptr_nonnull(zB);
        ck_assert_ptr_nonnull(zP);
        ck_assert_msg(strncmp(zA, "ERROR", 5) != 0, "%s: %s", zOurs, zA);
        ck_assert_msg(strlen(zA) > 1000, "%s: too few rows", zOurs);
        ck_assert_msg(strcmp(zA, zB) == 0, "%s: not in the order SQLite sorts", zOurs);
        ck_assert_msg(strstr(zP, "TEMP B-TREE") == NULL, "%s sorts: %s", zOurs, zP);
        sqlite3_free(zA);
        sqlite3_free(zB);
        sqlite3_free(zP);
        sqlite3_free(zOurs);
        sqlite3_free(zTheirs);
        sqlite3_free(zPlan);
    }
    sqlite3_free(zPlus);
    sqlite3_close(db);
}
END_TEST

/*
** rule 10: GROUP BY segment, program needs no sorter and counts what
** first_program_stats counts; orders it cannot give (descending, another
** column, another collation, or any reordering under a memory budget) are
** left to SQLite's sorter, with the same answer.
*/
START_TEST(test_rule10_order_by_left_to_sqlite) {
    sqlite3 *db = lpt_open_fixture("enrollments_many_users");
    const char *zCall = "first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')";
    char *zSql = sqlite3_mprintf(
        "SELECT count(*), sum(a.users = b.users) FROM (SELECT segment, program, count(*) AS users"
        " FROM %s GROUP BY segment, program) a JOIN first_program_stats('enrollments', 'user_id',"
        " 'program', 'enrolled_at', 'seg') b ON a.segment IS b.segment AND a.program = b.program",
        zCall);
    char *zN = lpt_query(db, "SELECT count(*) || '|' || count(*) FROM first_program_stats('enrollments',"
                             " 'user_id', 'program', 'enrolled_at', 'seg') WHERE program IS NOT NULL");
    lpt_assert_rows(db, zSql, zN);
    sqlite3_free(zN);
    sqlite3_free(zSql);
    /* no users at all, or none since a date: no rows, in order */
    lpt_exec(db, "CREATE TABLE nobody(user_id, program, enrolled_at)");
    lpt_assert_rows(db, "SELECT * FROM first_program('nobody') ORDER BY program", "");
    zSql = sqlite3_mprintf("SELECT * FROM %s WHERE since = '2030-01-01' ORDER BY program", zCall);
    lpt_assert_rows(db, zSql, "");
    sqlite3_free(zSql);
    /* DISTINCT over the same keys: as many as SQLite finds itself */
    zSql = sqlite3_mprintf("SELECT (SELECT count(*) FROM (SELECT DISTINCT segment, next_program,"
                           " program FROM %s)) - (SELECT count(*) FROM (SELECT DISTINCT +segment,"
                           " +next_program, +program FROM %s)), (SELECT count(*) FROM (SELECT"
                           " DISTINCT segment, next_program, program FROM %s)) > 20",
                           zCall, zCall, zCall);
    lpt_assert_rows(db, zSql, "0|1\n");
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT segment, program, count(*) FROM %s"
                           " GROUP BY segment, program", zCall);
    char *zP = lpt_query(db, zSql);
    ck_assert_msg(zP && strstr(zP, "TEMP B-TREE") == NULL, "%s", zP);
    sqlite3_free(zP);
    sqlite3_free(zSql);
    static const char *const azLeft[] = {
        "program DESC",      "started_at, program", "program COLLATE NOCASE", "user_id DESC",
        "program, program",  "program NULLS LAST",  "program, source"};
    int nLeft = (int)(sizeof(azLeft) / sizeof(azLeft[0]));
    for (int i = 0; i <= nLeft; i++) {
        const char *zOrder = i < nLeft ? azLeft[i] : "segment, program";
        if (i == nLeft) lpt_exec(db, "SELECT learnpath_memory_budget(1e12)");
        zSql = sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT * FROM %s ORDER BY %s", zCall, zOrder);
        zP = lpt_query(db, zSql);
        ck_assert_msg(zP && strstr(zP, "TEMP B-TREE FOR ORDER BY") != NULL, "%s: %s", zOrder, zP);
        sqlite3_free(zP);
        sqlite3_free(zSql);
    }
    /* with the budget set, ORDER BY user_id still needs no sorter */
    zSql = sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT * FROM %s ORDER BY user_id", zCall);
    zP = lpt_query(db, zSql);
    ck_assert_msg(zP && strstr(zP, "TEMP B-TREE") == NULL, "%s", zP);
    sqlite3_free(zP);
    sqlite3_free(zSql);
    sqlite3_close(db);
}
END_TEST

/*
** Step a prepared statement to its end (it must end in SQLITE_DONE) and
** return its rows as text, lpt_query's form: nCol columns joined by '|',
** rows ended by '\n', NULL as "NULL". The caller frees the result.
*/
static char *cu_step_rows(sqlite3_stmt *pStmt, int nCol) {
    sqlite3_str *pGot = sqlite3_str_new(sqlite3_db_handle(pStmt));
    int rc;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        for (int i = 0; i < nCol; i++) {
            const char *z = (const char *)sqlite3_column_text(pStmt, i);
            sqlite3_str_appendf(pGot, "%s%s", i ? "|" : "", z ? z : "NULL");
        }
        sqlite3_str_appendall(pGot, "\n");
    }
    ck_assert_int_eq(rc, SQLITE_DONE);
    char *zGot = sqlite3_str_finish(pGot);
    ck_assert_ptr_nonnull(zGot);
    return zGot;
}

/*
** rule 10: a statement prepared to be read in first_program's own order,
** whose source must then stream because a memory budget was set after it
** was prepared (as a host's statement cache keeps it), gives the rows in
** that order all the same (SQLite sorts them then), with each user's
** rowid; an error in the source still names the function.
*/
START_TEST(test_rule10_order_by_budget_after_prepare) {
    sqlite3 *db = lpt_open_fixture("enrollments_many_users");
    const char *zSql = _i == 0 ? "SELECT rowid, user_id, segment, program, next_program, steps FROM"
                                 " first_program('enrollments', 'user_id', 'program', 'enrolled_at',"
                                 " 'seg') WHERE repeats = 'keep' ORDER BY next_program, program"
                               : "SELECT rowid, user_id, segment, program, next_program, steps FROM"
                                 " first_program('enrollments', 'user_id', 'program', 'enrolled_at',"
                                 " 'seg') ORDER BY next_program, program, segment";
    char *zWant = lpt_query(db, zSql); /* in memory, in first_program's own order */
    sqlite3_stmt *pStmt;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    ck_assert_int_eq(rc, SQLITE_OK);
    lpt_exec(db, "SELECT learnpath_cache_clear(); SELECT learnpath_memory_budget(1)");
    char *zGot = cu_step_rows(pStmt, 6);
    ck_assert_ptr_nonnull(zWant);
    ck_assert_msg(strlen(zWant) > 1000 && strcmp(zGot, zWant) == 0, "got:\n%.300s\nwant:\n%.300s",
                  zGot, zWant);
    sqlite3_free(zWant);
    sqlite3_free(zGot);
    /* an unreadable time of the last user (no schema change, so the plan
    ** stays): the function's own message */
    sqlite3_reset(pStmt);
    lpt_exec(db, "INSERT INTO enrollments VALUES (9999, 'A', 'not a time', NULL)");
    rc = sqlite3_step(pStmt);
    ck_assert_int_eq(rc, SQLITE_ERROR);
    ck_assert_str_eq(sqlite3_errmsg(db), "first_program(): unreadable time 'not a time' in column"
                                         " 'enrolled_at' of 'enrollments'");
    sqlite3_finalize(pStmt);
    sqlite3_close(db);
}
END_TEST

/*
** rule 10: the statement of the test above falls back to asking SQLite for
** first_program's rows; a TEMP table named first_program (which the name
** alone would find first) does not take their place.
*/
START_TEST(test_rule10_order_by_budget_after_prepare_temp_shadow) {
    sqlite3 *db = lpt_open();
    sqlite3_stmt *pStmt;
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 "INSERT INTO e VALUES (1, 'B', '2020-01-01'), (2, 'A', '2020-01-02'),"
                 " (3, 'C', '2020-01-03');"
                 "CREATE TEMP TABLE first_program(user_id, segment, program, started_at, tied,"
                 " next_program, days_to_next, steps, programs, source);"
                 "INSERT INTO first_program VALUES (99, NULL, 'Z-fake', NULL, 0, NULL, NULL, 1, 1,"
                 " 'e')");
    static const char zSql[] = "SELECT user_id, program FROM main.first_program('e')"
                               " ORDER BY program";
    lpt_assert_rows(db, zSql, "2|A\n1|B\n3|C\n");
    ck_assert_int_eq(sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL), SQLITE_OK);
    lpt_exec(db, "SELECT learnpath_cache_clear(); SELECT learnpath_memory_budget(1)");
    char *zGot = cu_step_rows(pStmt, 2);
    ck_assert_str_eq(zGot, "2|A\n1|B\n3|C\n");
    sqlite3_free(zGot);
    sqlite3_finalize(pStmt);
    sqlite3_close(db);
}
END_TEST

/* Passes its argument on, and fails at call number nFailAt (0: never). */
typedef struct cu_fail_counter {
    long long nCall, nFailAt;
} cu_fail_counter;

static void cu_fail_at(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    cu_fail_counter *p = sqlite3_user_data(ctx);
    (void)argc;
    if (++p->nCall == p->nFailAt) {
        sqlite3_result_error(ctx, "the source failed", -1);
        return;
    }
    sqlite3_result_value(ctx, argv[0]);
}

/*
** rule 10 and README "Errors": the statement of the test above (prepared
** for first_program's own order, its source streamed under a budget set
** after it was prepared) over a source that fails while SQLite sorts the
** rows, after first_program's own pass over them was fine. The error is the
** one of the call that read the source, named once ("first_program():",
** no second prefix), and no row comes before it. The source is a view
** whose time column goes through a function that fails at the last of the
** calls a successful run makes (the last read of the source).
*/
START_TEST(test_rule10_order_by_budget_after_prepare_source_fails) {
    sqlite3 *db = lpt_open_fixture("enrollments_many_users");
    cu_fail_counter counter = {0, 0};
    const char *zSql = "SELECT rowid, user_id, program, next_program FROM first_program('v',"
                       " 'user_id', 'program', 'enrolled_at', 'seg') ORDER BY next_program, program";
    ck_assert_int_eq(sqlite3_create_function(db, "cu_fail_at", 1, SQLITE_UTF8, &counter, cu_fail_at,
                                             NULL, NULL),
                     SQLITE_OK);
    lpt_exec(db, "CREATE VIEW v AS SELECT user_id, program, cu_fail_at(enrolled_at) AS enrolled_at,"
                 " seg FROM enrollments");
    char *zWant = lpt_query(db, zSql); /* in memory, in first_program's own order */
    sqlite3_stmt *pStmt;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    ck_assert_int_eq(rc, SQLITE_OK);
    lpt_exec(db, "SELECT learnpath_cache_clear(); SELECT learnpath_memory_budget(1)");
    /* a run that succeeds, counting the calls */
    counter.nCall = 0;
    char *zGot = cu_step_rows(pStmt, 4);
    ck_assert_ptr_nonnull(zWant);
    ck_assert_msg(strlen(zWant) > 1000 && strcmp(zGot, zWant) == 0, "got:\n%.300s\nwant:\n%.300s",
                  zGot, zWant);
    sqlite3_free(zWant);
    sqlite3_free(zGot);
    /* every row read at least twice: first_program's pass, then SQLite's sort */
    ck_assert_int_ge(counter.nCall, 2 * 6000);
    /* the same run, the source failing at its last call */
    sqlite3_reset(pStmt);
    counter.nFailAt = counter.nCall;
    counter.nCall = 0;
    rc = sqlite3_step(pStmt);
    ck_assert_int_eq(rc, SQLITE_ERROR);
    ck_assert_str_eq(sqlite3_errmsg(db), "first_program(): reading 'v': the source failed");
    ck_assert_int_eq(counter.nCall, counter.nFailAt);
    sqlite3_finalize(pStmt);
    sqlite3_close(db);
}
END_TEST


/* rule 10: UTC text, seconds truncated; days as REAL with fractions. */
START_TEST(test_rule10_times_and_days) {
    sqlite3 *db = cu_open(
        "(1, 'A', '2020-01-01 10:00:00.750', NULL), (1, 'B', '2020-01-02 02:00:00.750', NULL),"
        "(2, 'A', '2020-06-30 23:30-02:00', NULL), (2, 'B', '2020-07-01 09:30:00Z', NULL),"
        "(3, 'A', '-0001-03-01', NULL), (3, 'B', '0000-03-01', NULL),"
        "(4, 'A', 1577836800, NULL), (4, 'B', '2020-01-01 00:00:00.001', NULL),"
        "(5, 'A', '2020-01-01', NULL), (5, 'B', '2020-01-03', NULL)");
    lpt_assert_rows(db,
        "SELECT user_id, started_at, days_to_next, typeof(days_to_next)"
        " FROM first_program('enrollments')",
        "1|2020-01-01 10:00:00|0.6666666667|real\n"
        "2|2020-07-01 01:30:00|0.3333333333|real\n"
        "3|-0001-03-01 00:00:00|366|real\n"
        "4|2020-01-01 00:00:00|1.157407407e-08|real\n"
        "5|2020-01-01 00:00:00|2|real\n");
    lpt_assert_rows(db,
        "SELECT user_id, started_at, days_since_prev FROM program_steps('enrollments')"
        " WHERE step = 2",
        "1|2020-01-02 02:00:00|0.6666666667\n"
        "2|2020-07-01 09:30:00|0.3333333333\n"
        "3|0000-03-01 00:00:00|366\n"
        "4|2020-01-01 00:00:00|1.157407407e-08\n"
        "5|2020-01-03 00:00:00|2\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ sources */

/* rules 4, 10: rows in any order give the same journeys. */
START_TEST(test_out_of_order_rows) {
    sqlite3 *db = cu_open(
        "(3, 'C', '2020-01-03', NULL), (1, 'B', '2020-01-02', NULL), (2, 'A', '2020-01-05', NULL),"
        "(1, 'A', '2020-01-01', NULL), (3, 'A', '2020-01-01', NULL), (2, 'B', '2020-01-04', NULL),"
        "(1, 'C', '2020-01-03', NULL), (3, 'B', '2020-01-02', NULL)");
    /* user 4: 40 enrollments inserted newest first */
    lpt_exec(db,
        "WITH RECURSIVE n(i) AS (SELECT 39 UNION ALL SELECT i - 1 FROM n WHERE i > 0)"
        " INSERT INTO enrollments SELECT 4, printf('P%02d', i),"
        " date('2020-01-01', '+' || i || ' days'), NULL FROM n");
    lpt_assert_rows(db,
        "SELECT user_id, step, program, started_at FROM program_steps('enrollments')"
        " WHERE user_id < 4",
        "1|1|A|2020-01-01 00:00:00\n"
        "1|2|B|2020-01-02 00:00:00\n"
        "1|3|C|2020-01-03 00:00:00\n"
        "2|1|B|2020-01-04 00:00:00\n"
        "2|2|A|2020-01-05 00:00:00\n"
        "3|1|A|2020-01-01 00:00:00\n"
        "3|2|B|2020-01-02 00:00:00\n"
        "3|3|C|2020-01-03 00:00:00\n");
    lpt_assert_rows(db,
        "SELECT steps, programs, first_program, first_at, last_program, last_at"
        " FROM program_journeys('enrollments') WHERE user_id = 4",
        "40|40|P00|2020-01-01 00:00:00|P39|2020-02-09 00:00:00\n");
    lpt_assert_rows(db,
        "SELECT count(*) FROM program_steps('enrollments') WHERE user_id = 4"
        " AND program <> printf('P%02d', step - 1)",
        "0\n");
    sqlite3_close(db);
}
END_TEST

/* rules 1, 9: an empty table has no users, so no rows from any function. */
START_TEST(test_empty_table) {
    sqlite3 *db = cu_open(NULL);
    for (size_t i = 0; i < sizeof(azFunc) / sizeof(azFunc[0]); i++) {
        char *zSql = sqlite3_mprintf("SELECT * FROM %s('enrollments')", azFunc[i]);
        cu_assert_no_rows(db, zSql);
        sqlite3_free(zSql);
    }
    sqlite3_close(db);
}
END_TEST

/* rules 1, 4: a view is a source like a table. */
START_TEST(test_view_source) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE raw(uid, prog, ts, kind);"
        "INSERT INTO raw VALUES (1, 'a', '2020-01-01', 'real'), (1, 'b', '2020-01-02', 'test'),"
        " (1, 'c', '2020-01-04', 'real'), (2, 'a', '2020-01-01', 'test');"
        "CREATE VIEW v AS SELECT uid AS user_id, upper(prog) AS program, ts AS enrolled_at"
        " FROM raw WHERE kind = 'real';");
    lpt_assert_rows(db, "SELECT user_id, path, steps FROM program_journeys('v')", "1|A > C|2\n");
    sqlite3_close(db);
}
END_TEST

/*
** No numbered rule (README 'Your own column names'): quoted, odd names;
** names matched case-insensitively. Output per rules 4, 10.
*/
START_TEST(test_odd_names_and_case) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE \"my table\"(\"Learner ID\", \"Program Name\", \"Enrolled On\");"
        "INSERT INTO \"my table\" VALUES ('L1', 'Intro', '2020-01-01'),"
        " ('L1', 'Advanced', '2020-02-01');");
    lpt_assert_rows(db,
        "SELECT user_id, program, next_program, days_to_next FROM"
        " first_program('my table', 'Learner ID', 'Program Name', 'Enrolled On')",
        "L1|Intro|Advanced|31\n");
    lpt_assert_rows(db,
        "SELECT user_id, path FROM"
        " program_journeys('MY TABLE', 'learner id', 'PROGRAM NAME', 'enrolled on')",
        "L1|Intro > Advanced\n");
    lpt_fixture(db, "t_one_enrollment");
    lpt_assert_rows(db,
        "SELECT user_id, program FROM first_program('T', 'USER_ID', 'Program', 'Enrolled_At')",
        "1|A\n");
    sqlite3_close(db);
}
END_TEST

/*
** No numbered rule (argument conventions: "schema.table" allowed):
** aux.t of an attached database, main.t; a literal name comes first.
*/
START_TEST(test_schema_qualified) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program, enrolled_at);"
        "INSERT INTO t VALUES (1, 'Main', '2020-01-01');"
        "ATTACH ':memory:' AS aux;"
        "CREATE TABLE aux.t(user_id, program, enrolled_at);"
        "INSERT INTO aux.t VALUES (9, 'Aux', '2022-01-01');");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('aux.t')", "9|Aux\n");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('main.t')", "1|Main\n");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('t')", "1|Main\n");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('AUX.T')", "9|Aux\n");
    /* the name as one identifier comes first */
    lpt_exec(db, "CREATE TABLE \"aux.t\"(user_id, program, enrolled_at);"
                 "INSERT INTO \"aux.t\" VALUES (5, 'Dotted', '2021-01-01');");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('aux.t')", "5|Dotted\n");
    sqlite3_close(db);
}
END_TEST

/*
** Every call reads the source as it is now (rules 1-3 are about the rows
** the source holds): inserts, rolled-back transactions, a table dropped and
** made again, a temp table shadowing it, a view whose filter changes, and
** writes by another connection are all seen.
*/
START_TEST(test_changes_are_seen) {
    sqlite3 *db = lpt_open();
    sqlite3 *db2 = NULL, *db3 = NULL;
    lpt_fixture(db, "t_one_enrollment");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('t')", "1|A\n");
    lpt_exec(db, "INSERT INTO t VALUES (2, 'B', '2020-01-02')");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('t')", "1|A\n2|B\n");
    lpt_exec(db, "BEGIN; INSERT INTO t VALUES (3, 'C', '2020-01-03');");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')", "3\n");
    lpt_exec(db, "ROLLBACK");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('t')", "2\n");
    lpt_exec(db, "DROP TABLE t; CREATE TABLE t(user_id, program, enrolled_at);"
                 "INSERT INTO t VALUES (9, 'Z', '2021-01-01'), (8, 'Y', '2021-01-01');");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('t')", "8|Y\n9|Z\n");
    lpt_exec(db, "CREATE TABLE cfg(x); INSERT INTO cfg VALUES ('Y');"
                 "CREATE VIEW v AS SELECT * FROM main.t WHERE program = (SELECT x FROM cfg);");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", "8|Y\n");
    lpt_exec(db, "UPDATE cfg SET x = 'Z'");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('v')", "9|Z\n");
    lpt_exec(db, "CREATE TEMP TABLE t(user_id, program, enrolled_at);"
                 "INSERT INTO temp.t VALUES (5, 'T', '2021-01-01');");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('t')", "5|T\n");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('main.t')", "8|Y\n9|Z\n");
    sqlite3_close(db);

    /* two connections to one shared in-memory database */
    ck_assert_int_eq(sqlite3_open_v2("file:cu_changes?mode=memory&cache=shared", &db2,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                                     NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_open_v2("file:cu_changes?mode=memory&cache=shared", &db3,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                                     NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_learnpath_init(db3, NULL, NULL), SQLITE_OK);
    lpt_fixture(db2, "t_one_enrollment");
    lpt_assert_rows(db3, "SELECT user_id, program FROM first_program('t')", "1|A\n");
    lpt_exec(db2, "INSERT INTO t VALUES (2, 'B', '2020-01-02')");
    lpt_assert_rows(db3, "SELECT user_id, program FROM first_program('t')", "1|A\n2|B\n");
    lpt_exec(db2, "UPDATE t SET program = 'C' WHERE user_id = 1");
    lpt_assert_rows(db3, "SELECT user_id, program FROM first_program('t')", "1|C\n2|B\n");
    sqlite3_close(db3);
    sqlite3_close(db2);
}
END_TEST

/* ------------------------------------------------------------ SQL use */

/* No numbered rule (argument conventions): the source taken from a join. */
START_TEST(test_join_source_from_table) {
    sqlite3 *db = lpt_open_fixture("two_sources");
    lpt_assert_rows(db,
        "SELECT srcs.name, f.user_id, f.program, f.steps FROM srcs, first_program(srcs.name) f"
        " ORDER BY srcs.name, f.user_id",
        "t1|1|A|1\nt1|2|B|2\nt2|7|Z|1\n");
    lpt_assert_rows(db,
        "SELECT srcs.name, f.user_id FROM srcs JOIN first_program f ON f.source = srcs.name"
        " ORDER BY 1, 2",
        "t1|1\nt1|2\nt2|7\n");
    sqlite3_close(db);
}
END_TEST

/* No numbered rule (argument conventions): output-column WHERE terms filter rows. */
START_TEST(test_output_where) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('enrollments') WHERE program = 'Python'",
                    "3\n");
    lpt_assert_rows(db,
        "SELECT user_id, program FROM first_program('enrollments') WHERE user_id = 2",
        "2|Python + SQL\n");
    lpt_assert_rows(db,
        "SELECT user_id, program FROM program_steps('enrollments') WHERE step = 2"
        " ORDER BY user_id DESC",
        "2|Stats\n1|Python\n");
    lpt_assert_rows(db,
        "SELECT user_id FROM program_journeys('enrollments') WHERE steps > 1 AND programs = 3",
        "1\n2\n");
    sqlite3_close(db);
}
END_TEST

/* No numbered rule (argument conventions): hidden columns read back values. */
START_TEST(test_hidden_columns_read_back) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE t(user_id, program, enrolled_at, seg);"
                 "INSERT INTO t VALUES (1, 'A', '2020-01-01', 's');");
    lpt_assert_rows(db,
        "SELECT source, user_col, program_col, time_col, segment_col, ties, repeats"
        " FROM first_program('t') LIMIT 1",
        "t|user_id|program|enrolled_at|NULL|group|collapse\n");
    lpt_assert_rows(db,
        "SELECT since, until, within_days, bad_times FROM first_program('t')",
        "NULL|NULL|NULL|error\n");
    lpt_assert_rows(db,
        "SELECT source, user_col, program_col, time_col, segment_col, since, until,"
        " within_days, ties, repeats FROM program_steps WHERE source = 't'"
        " AND user_col = 'user_id' AND program_col = 'program' AND time_col = 'enrolled_at'"
        " AND segment_col = 'seg' AND since = '2020-01-01' AND until = '2021-01-01'"
        " AND within_days = 30 AND ties = 'name' AND repeats = 'keep'",
        "t|user_id|program|enrolled_at|seg|2020-01-01|2021-01-01|30|name|keep\n");
    sqlite3_close(db);
}
END_TEST

/*
** The hidden columns (the arguments, in call order, as the header of
** learnpath_source_args in lp_tvf.c lists them) are listed by PRAGMA table_xinfo.
*/
START_TEST(test_table_xinfo) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT cid, name, type, hidden FROM pragma_table_xinfo('first_program')",
                    "0|user_id||0\n"
                    "1|segment|TEXT|0\n"
                    "2|program|TEXT|0\n"
                    "3|started_at|TEXT|0\n"
                    "4|tied|INTEGER|0\n"
                    "5|next_program|TEXT|0\n"
                    "6|days_to_next|REAL|0\n"
                    "7|steps|INTEGER|0\n"
                    "8|programs|INTEGER|0\n"
                    "9|source||1\n"
                    "10|user_col||1\n"
                    "11|program_col||1\n"
                    "12|time_col||1\n"
                    "13|segment_col||1\n"
                    "14|since||1\n"
                    "15|until||1\n"
                    "16|within_days||1\n"
                    "17|ties||1\n"
                    "18|repeats||1\n"
                    "19|bad_times||1\n"
                    "20|group_col||1\n"
                    "21|group_value||1\n");
    lpt_assert_rows(db,
        "SELECT group_concat(name, ',') FROM pragma_table_xinfo('program_steps')"
        " WHERE hidden = 0",
        "user_id,segment,step,program,started_at,days_since_prev\n");
    lpt_assert_rows(db,
        "SELECT group_concat(name, ',') FROM pragma_table_xinfo('program_journeys')"
        " WHERE hidden = 0",
        "user_id,segment,steps,programs,path,first_program,first_at,last_program,last_at\n");
    sqlite3_close(db);
}
END_TEST

/* No numbered rule (SQL use): a cursor filtered again in correlated subqueries. */
START_TEST(test_correlated_subquery) {
    sqlite3 *db = lpt_open_fixture("two_sources");
    lpt_assert_rows(db,
        "SELECT u.id, (SELECT program FROM first_program('t1') f WHERE f.user_id = u.id)"
        " FROM (SELECT 2 AS id UNION ALL SELECT 1 UNION ALL SELECT 3 UNION ALL SELECT 2) u",
        "2|B\n1|A\n3|NULL\n2|B\n");
    lpt_assert_rows(db,
        "SELECT s.name, (SELECT count(*) || ':' || min(program) || ':' || max(steps)"
        " FROM first_program(s.name)) FROM srcs s ORDER BY s.rowid",
        "t1|2:A:2\nt2|1:Z:1\n");
    sqlite3_close(db);
}
END_TEST

/* rule 10 (REAL days survive a copy): INSERT ... SELECT * copies the output columns. */
START_TEST(test_insert_select) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_exec(db,
        "CREATE TABLE t2(user_id, segment, program, started_at, tied, next_program,"
        " days_to_next, steps, programs);"
        "INSERT INTO t2 SELECT * FROM first_program('enrollments');");
    lpt_assert_rows(db, "SELECT * FROM t2 ORDER BY user_id",
                    "1|NULL|Data Science|2020-01-01 09:00:00|0|Python|2.5|3|3\n"
                    "2|NULL|Python + SQL|2020-02-01 08:00:00|1|Stats|1.25|2|3\n"
                    "3|NULL|Python|2020-03-01 00:00:00|0|NULL|NULL|1|1\n");
    lpt_exec(db, "CREATE TABLE t3 AS SELECT * FROM program_steps('enrollments');");
    lpt_assert_rows(db, "SELECT count(*), sum(days_since_prev) FROM t3", "6|9.875\n");
    sqlite3_close(db);
}
END_TEST

/*
** rule 10, first_program's own order: a program named like a tie group
** ('A + B', and user 2's A and B at one instant, which rule 4 therefore
** labels "A" + "B") are two groups and two places in the order, as SQL
** compares their texts ('"' sorts before 'A'); a user's rowid is the same
** in every order; in a UTF-16 database, whose text sorts otherwise,
** SQLite sorts.
*/
START_TEST(test_rule10_order_by_equal_texts_rowid_utf16) {
    sqlite3 *db = cu_open("(1, 'A + B', '2020-01-01', NULL), (1, 'X', '2020-02-01', NULL),"
                          "(2, 'A', '2020-01-01', NULL), (2, 'B', '2020-01-01', NULL),"
                          "(2, 'X', '2020-02-01', NULL), (3, 'A + B', '2020-01-01', NULL),"
                          "(3, 'Y', '2020-02-01', NULL), (4, 'C', '2020-01-01', NULL)");
    lpt_assert_rows(db,
                    "SELECT program, next_program, count(*), group_concat(tied) FROM"
                    " first_program('enrollments') GROUP BY program, next_program",
                    "\"A\" + \"B\"|X|1|1\nA + B|X|1|0\nA + B|Y|1|0\nC|NULL|1|0\n");
    lpt_assert_rows(db,
                    "SELECT segment, program, next_program, count(*) FROM first_program('enrollments',"
                    " 'user_id', 'program', 'enrolled_at', 'seg') GROUP BY segment, program, next_program",
                    "NULL|\"A\" + \"B\"|X|1\nNULL|A + B|X|1\nNULL|A + B|Y|1\nNULL|C|NULL|1\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('enrollments') ORDER BY program, user_id",
                    "2\n1\n3\n4\n");
    lpt_assert_rows(db,
                    "SELECT a.user_id, b.user_id, a.rowid FROM first_program('enrollments') a"
                    " JOIN first_program('enrollments') b ON b.rowid = a.rowid"
                    " ORDER BY a.next_program, a.program",
                    "4|4|4\n2|2|2\n1|1|1\n3|3|3\n");
    sqlite3_close(db);

    db = lpt_open();
    lpt_exec(db, "PRAGMA encoding = 'UTF-16le';"
                 "CREATE TABLE e(user_id, program, enrolled_at);"
                 "INSERT INTO e VALUES (1, 'a', '2020-01-01'), (2, '\xc4\x80', '2020-01-01'),"
                 " ('x', 'b', '2020-01-01'), ('\xc4\x80', 'b', '2020-01-01');");
    /* UTF-16LE bytes: U+0100 is 00 01, before 'a' (61 00) and 'x' (78 00) */
    lpt_assert_rows(db, "SELECT user_id FROM first_program('e') ORDER BY program, user_id",
                    "2\n1\n\xc4\x80\nx\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('e') ORDER BY user_id",
                    "1\n2\n\xc4\x80\nx\n");
    char *zP = lpt_query(db, "EXPLAIN QUERY PLAN SELECT * FROM first_program('e') ORDER BY user_id");
    ck_assert_msg(zP && strstr(zP, "TEMP B-TREE FOR ORDER BY") != NULL, "%s", zP);
    sqlite3_free(zP);
    sqlite3_close(db);
}
END_TEST

/*
** rules 4 and 10: first_program's own ORDER BY and GROUP BY on issue 11's
** three users (a program 'A + B', and the group "A" + "B") give exactly
** what SQLite gives when it sorts the same rows itself (the '+' keeps it
** from using first_program's order), and SQLite does not sort again.
*/
START_TEST(test_rule10_order_by_group_named_like_program) {
    static const char *const azOrder[] = {"program", "program, next_program",
                                          "next_program, program", "program, user_id"};
    sqlite3 *db = cu_open(cuIssueLabels);
    for (size_t i = 0; i < sizeof(azOrder) / sizeof(azOrder[0]); i++) {
        char *zOwn = sqlite3_mprintf("SELECT group_concat(user_id || ':' || program || ':' ||"
                                     " ifnull(next_program, '-'), ' ') FROM (SELECT * FROM"
                                     " first_program('enrollments') ORDER BY %s)", azOrder[i]);
        char *zSqlite = sqlite3_mprintf("SELECT group_concat(user_id || ':' || program || ':' ||"
                                        " ifnull(next_program, '-'), ' ') FROM (SELECT * FROM"
                                        " first_program('enrollments') ORDER BY +%s, +user_id)",
                                        azOrder[i]);
        char *zPlan = sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT * FROM first_program('enrollments')"
                                      " ORDER BY %s", azOrder[i]);
        char *zA = lpt_query(db, zOwn), *zB = lpt_query(db, zSqlite), *zP = lpt_query(db, zPlan);
        ck_assert_msg(zA && zB && strcmp(zA, zB) == 0, "ORDER BY %s: %s against %s", azOrder[i], zA, zB);
        ck_assert_msg(zP && strstr(zP, "TEMP B-TREE") == NULL, "%s", zP);
        sqlite3_free(zOwn);
        sqlite3_free(zSqlite);
        sqlite3_free(zPlan);
        sqlite3_free(zA);
        sqlite3_free(zB);
        sqlite3_free(zP);
    }
    lpt_assert_rows(db,
                    "SELECT group_concat(user_id || ':' || program || ':' || next_program, ' ') FROM"
                    " (SELECT * FROM first_program('enrollments') ORDER BY program)",
                    "1:\"A\" + \"B\":C 3:\"A\" + \"B\":A + B 2:A + B:D\n");
    lpt_assert_rows(db,
                    "SELECT program, count(*), sum(tied) FROM first_program('enrollments')"
                    " GROUP BY program",
                    "\"A\" + \"B\"|2|2\nA + B|1|0\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ reading */

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
    /* one it does not fit in streams the users from SQLite's sorter: each
    ** function over every user, and the join over some of them (a streamed
    ** lookup reads the stream to the end, once per outer row: README,
    ** "A user found directly") */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1)", "100000000\n");
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    lpt_assert_rows(db, zD, "3000|1|3000|1000|1\n");
    lpt_assert_rows(db,
                    "SELECT count(*), sum(steps), sum(program = 'P0'), sum(days_to_next),"
                    " min(user_id), max(user_id) FROM first_program('g')",
                    "2500|5000|2500|2500|0|2499\n");
    lpt_assert_rows(db,
                    "SELECT count(*), min(path), max(path), min(user_id), max(user_id)"
                    " FROM program_journeys('g')",
                    "2500|P0 > P1|P0 > P1|0|2499\n");
    lpt_assert_rows(db,
                    "SELECT count(*), sum(steps), min(path), max(path), sum(days_to_next)"
                    " FROM (SELECT f.*, j.path FROM first_program('g') AS f"
                    " JOIN program_journeys('g') AS j USING (user_id) WHERE f.user_id >= 2480)",
                    "20|40|P0 > P1|P0 > P1|20\n");
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

/* Rule 2 when streaming from a view (no rowid): the same error as in
** memory, before any row. */
START_TEST(test_stream_view_bad_time) {
    sqlite3 *db = lpt_open_fixture("e_readme");
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

/* ------------------------------------------------------------- limits */

/* A path longer than SQLITE_LIMIT_LENGTH is "string or blob too big". */
START_TEST(test_path_too_big) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_assert_rows(db, "SELECT path FROM program_journeys('e') WHERE user_id = 3",
                    "Program A > Flagship > Program B\n");
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 30);
    lpt_assert_rows(db, "SELECT path FROM program_journeys('e') WHERE user_id = 3",
                    "ERROR: string or blob too big");
    sqlite3_close(db);
}
END_TEST

/*
** Names are returned byte for byte, a NUL inside one too (tvf_user.c,
** lp_tvf.c: texts are told to SQLite as ending with a NUL only when no
** NUL is inside), and length() and the like see the whole text or, when
** none is inside, a NUL-terminated one.
*/
START_TEST(test_names_with_nul) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program, enrolled_at, seg);"
        "INSERT INTO t VALUES (1, 'A' || char(0) || 'B', '2020-01-01', 'x' || char(0) || 'y'),"
        " (1, 'C', '2020-02-01', NULL), (2, 'C', '2020-01-01', 's');");
    lpt_assert_rows(db,
        "SELECT user_id, hex(segment), hex(program), hex(next_program), length(next_program)"
        " FROM first_program('t', 'user_id', 'program', 'enrolled_at', 'seg')",
        "1|780079|410042|43|1\n2|73|43||NULL\n");
    lpt_assert_rows(db,
        "SELECT user_id, hex(path), length(path) FROM program_journeys('t', 'user_id', 'program',"
        " 'enrolled_at', 'seg')",
        "1|410042203E2043|1\n2|43|1\n");
    lpt_exec(db, "DELETE FROM t WHERE user_id = 1;"
                 "INSERT INTO t VALUES (1, 'AB', '2020-01-01', 'x'), (1, 'C', '2020-02-01', NULL);");
    lpt_assert_rows(db,
        "SELECT user_id, segment, path, length(path), upper(first_program) FROM program_journeys('t',"
        " 'user_id', 'program', 'enrolled_at', 'seg')",
        "1|x|AB > C|6|AB\n2|s|C|1|C\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_user_suite(void) {
    Suite *s = suite_create("user");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_first_program_columns);
    tcase_add_test(tc, test_program_journeys_columns);
    tcase_add_test(tc, test_program_steps_columns);
    tcase_add_test(tc, test_names_with_nul);
    tcase_add_test(tc, test_paging_count_and_offset);
    suite_add_tcase(s, tc);

    tc = tcase_create("Rules");
    tcase_add_test(tc, test_rule1_rows_left_out);
    tcase_add_test(tc, test_rule1_all_rows_left_out);
    tcase_add_loop_test(tc, test_rule2_unreadable_time_error, 0,
                        (int)(sizeof(azFunc) / sizeof(azFunc[0])));
    tcase_add_test(tc, test_rule2_long_value_cut);
    tcase_add_test(tc, test_rule2_error_names_source_and_column);
    tcase_add_test(tc, test_rule2_time_forms);
    tcase_add_test(tc, test_rule2_same_instant_any_form);
    tcase_add_test(tc, test_rule3_user_identity_and_order);
    tcase_add_test(tc, test_rule10_any_order_reads);
    tcase_add_test(tc, test_rule3_numeric_keys_exact);
    tcase_add_test(tc, test_rule3_programs_by_text);
    tcase_add_test(tc, test_rule3_user_nocase_table);
    tcase_add_test(tc, test_rule3_user_rtrim);
    tcase_add_test(tc, test_rule3_user_custom_collation);
    tcase_add_test(tc, test_rule3_program_segment_nocase);
    tcase_add_test(tc, test_rule3_how_collation_is_found);
    tcase_add_test(tc, test_rule3_collation_first_bad_time);
    tcase_add_test(tc, test_rule4_ties_group);
    tcase_add_test(tc, test_rule4_ties_name);
    tcase_add_test(tc, test_rule4_group_members_counted);
    tcase_add_test(tc, test_rule4_group_label_named_like_program);
    tcase_add_test(tc, test_rule4_program_named_like_group);
    tcase_add_test(tc, test_rule4_group_plain_when_nothing_collides);
    tcase_add_test(tc, test_rule4_group_labels_all_distinct);
    tcase_add_loop_test(tc, test_rule5_repeats, 0,
                        (int)(sizeof(aRepeatsCase) / sizeof(aRepeatsCase[0])));
    tcase_add_test(tc, test_rule5_first_only_with_ties);
    tcase_add_test(tc, test_rule6_segment);
    tcase_add_test(tc, test_rule6_segment_ties);
    tcase_add_test(tc, test_rule7_since_until);
    tcase_add_test(tc, test_two_enrollments);
    tcase_add_loop_test(tc, test_rule10_order_by, 0, (int)(sizeof(azOrderBy) / sizeof(azOrderBy[0])));
    tcase_add_test(tc, test_rule10_order_by_left_to_sqlite);
    tcase_add_loop_test(tc, test_rule10_order_by_budget_after_prepare, 0, 2);
    tcase_add_test(tc, test_rule10_order_by_budget_after_prepare_source_fails);
    tcase_add_test(tc, test_rule10_order_by_budget_after_prepare_temp_shadow);
    tcase_add_test(tc, test_rule10_order_by_equal_texts_rowid_utf16);
    tcase_add_test(tc, test_rule10_order_by_group_named_like_program);
    tcase_add_test(tc, test_rule8_within_days);
    tcase_add_test(tc, test_rule10_times_and_days);
    suite_add_tcase(s, tc);

    tc = tcase_create("Sources");
    tcase_add_test(tc, test_out_of_order_rows);
    tcase_add_test(tc, test_empty_table);
    tcase_add_test(tc, test_view_source);
    tcase_add_test(tc, test_odd_names_and_case);
    tcase_add_test(tc, test_schema_qualified);
    tcase_add_test(tc, test_changes_are_seen);
    suite_add_tcase(s, tc);

    tc = tcase_create("SQL");
    tcase_add_test(tc, test_join_source_from_table);
    tcase_add_test(tc, test_output_where);
    tcase_add_test(tc, test_hidden_columns_read_back);
    tcase_add_test(tc, test_table_xinfo);
    tcase_add_test(tc, test_correlated_subquery);
    tcase_add_test(tc, test_insert_select);
    tcase_add_test(tc, test_path_too_big);
    suite_add_tcase(s, tc);

    tc = tcase_create("Reading");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_user_order_int_real);
    tcase_add_test(tc, test_real_users_in_a_row);
    tcase_add_test(tc, test_many_users_ungrouped);
    tcase_add_test(tc, test_rule10_order_every_id_shape); /* (each id set read four ways) */
    tcase_add_test(tc, test_rule10_order_radix_paths);
    tcase_add_test(tc, test_rule10_order_tie_runs);
    tcase_add_test(tc, test_rule10_order_tie_runs_split);
    tcase_add_test(tc, test_rule2_times_exact_when_grouped);
    tcase_add_test(tc, test_rule10_order_read_peak);
    tcase_add_test(tc, test_rule10_order_from_cache_groups);
    tcase_add_test(tc, test_rule4_sort_each_user);
    tcase_add_test(tc, test_empty_blob_program);
    tcase_add_test(tc, test_similar_program_names);
    tcase_add_test(tc, test_stream_view_bad_time);
    suite_add_tcase(s, tc);
    return s;
}
