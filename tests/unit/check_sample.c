/*
** check_sample.c - the "sample" suite: sample_enrollments (ext/tvf_sample.c).
**
** "sample_enrollments rule N" refers to the rules in the header comment of
** tvf_sample.c. The shape tests run on the demo data set (20,000 users,
** seed 42: tests/fixtures/demo.sql, with its views ranked and per_user) and
** check the figures the demo prints, with plain SQL.
*/
#include <string.h>

#include "lp_test.h"

/* Run a query that returns one non-NULL number; fail the test otherwise. */
static double cs_number(sqlite3 *db, const char *zSql) {
    sqlite3_stmt *pStmt = NULL;
    double r;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    ck_assert_msg(rc == SQLITE_OK, "prepare failed: %s\nSQL: %s", sqlite3_errmsg(db), zSql);
    rc = sqlite3_step(pStmt);
    ck_assert_msg(rc == SQLITE_ROW, "no row: %s\nSQL: %s", sqlite3_errmsg(db), zSql);
    ck_assert_msg(sqlite3_column_type(pStmt, 0) != SQLITE_NULL, "NULL result\nSQL: %s", zSql);
    r = sqlite3_column_double(pStmt, 0);
    sqlite3_finalize(pStmt);
    return r;
}

/* Assert lo <= value of zSql <= hi, showing the value on failure. */
#define cs_assert_between(db, zSql, lo, hi)                                  \
    do {                                                                     \
        double v_ = cs_number((db), (zSql));                                 \
        ck_assert_msg(v_ >= (lo) && v_ <= (hi), "%s\n= %.6g, expected %g..%g", \
                      (zSql), v_, (double)(lo), (double)(hi));                \
    } while (0)

/* ------------------------------------------------------------- columns */

START_TEST(test_columns) {
    sqlite3 *db = lpt_open();
    /* Five output columns in this order, then the two arguments. */
    lpt_assert_rows(db,
        "SELECT name, type, hidden FROM pragma_table_xinfo('sample_enrollments')",
        "user_id|INTEGER|0\n"
        "program|TEXT|0\n"
        "enrolled_at|TEXT|0\n"
        "user_type|TEXT|0\n"
        "account|TEXT|0\n"
        "users||1\n"
        "seed||1\n");
    lpt_assert_rows(db,
        "SELECT DISTINCT typeof(user_id), typeof(program), typeof(enrolled_at),"
        " typeof(user_type) FROM sample_enrollments(200, 3)",
        "integer|text|text|text\n");
    lpt_assert_rows(db,
        "SELECT DISTINCT typeof(account) FROM sample_enrollments(200, 3) ORDER BY 1",
        "null\ntext\n");
    sqlite3_close(db);
}
END_TEST

/* ----------------------------------------------------------- tiny data */

START_TEST(test_tiny_sample) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 1: pinned rows. A student going from
    ** Program A to the Flagship, a professional of one account taking
    ** three programs, a student with a single enrollment. */
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(3, 1)",
        "1|Program A|2021-06-30 11:46:19|student|NULL\n"
        "1|Flagship|2021-07-27 00:50:33|student|NULL\n"
        "2|Program A|2020-10-16 23:22:13|professional|Corp 153\n"
        "2|Flagship|2020-10-19 17:13:12|professional|Corp 153\n"
        "2|Program E|2021-02-01 17:56:10|professional|Corp 153\n"
        "3|Program A|2022-06-20 05:27:09|student|NULL\n");
    lpt_assert_rows(db, "SELECT count(*), count(DISTINCT user_id) FROM sample_enrollments(3, 1)",
                    "6|3\n");
    /* Arguments given as constraints on the hidden columns mean the same. */
    lpt_assert_rows(db,
        "SELECT count(*), sum(user_id) FROM sample_enrollments WHERE users = 3 AND seed = 1",
        "6|11\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_tie_and_repeat_rows) {
    sqlite3 *db = lpt_open();
    /* User 29 of the demo data takes the Flagship again (a repeat); user 31
    ** enrolls in two programs at the same instant (a tie). */
    lpt_assert_rows(db,
        "SELECT * FROM sample_enrollments(31, 42) WHERE user_id IN (29, 31)",
        "29|Flagship|2021-10-27 17:44:35|professional|Corp 299\n"
        "29|Flagship|2021-11-23 19:53:44|professional|Corp 299\n"
        "31|Program A|2021-07-24 14:19:25|student|NULL\n"
        "31|Program B|2021-07-24 14:19:25|student|NULL\n");
    /* User 4114 takes all six programs. */
    lpt_assert_rows(db,
        "SELECT program, enrolled_at FROM sample_enrollments(4114, 42) WHERE user_id = 4114",
        "Program E|2021-11-12 17:38:39\n"
        "Flagship|2021-11-17 08:42:18\n"
        "Program A|2021-12-22 09:19:00\n"
        "Program C|2022-01-19 23:07:26\n"
        "Program B|2022-01-20 11:18:37\n"
        "Program D|2022-04-15 08:43:45\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_zero_and_one_user) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT count(*) FROM sample_enrollments(0, 1)", "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM sample_enrollments(0)", "0\n");
    /* sample_enrollments rule 2: every user has at least one row. */
    lpt_assert_rows(db,
                    "SELECT count(DISTINCT user_id), min(user_id) FROM sample_enrollments(1, 7)",
                    "1|1\n");
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

/* --------------------------------------------------------- determinism */

#define CS_DIGEST                                                          \
    "SELECT count(*), sum(user_id),"                                       \
    " group_concat(user_id || program || enrolled_at || user_type ||"      \
    " ifnull(account, '-'), ';') FROM sample_enrollments"

START_TEST(test_determinism) {
    sqlite3 *db1 = lpt_open(), *db2 = lpt_open();
    char *a = lpt_query(db1, CS_DIGEST "(2000, 7)");
    char *b = lpt_query(db2, CS_DIGEST "(2000, 7)");
    char *c = lpt_query(db1, CS_DIGEST "(2000, 8)");
    char *d = lpt_query(db1, CS_DIGEST "(2000)");
    char *e = lpt_query(db1, CS_DIGEST "(2000, 42)");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(strncmp(a, "ERROR", 5) != 0, "%s", a);
    /* sample_enrollments rule 1: same arguments, same rows. */
    ck_assert_str_eq(a, b);
    /* Another seed gives other data; the default seed is 42. */
    ck_assert_str_ne(a, c);
    ck_assert_str_eq(d, e);
    sqlite3_free(a);
    sqlite3_free(b);
    sqlite3_free(c);
    sqlite3_free(d);
    sqlite3_free(e);
    sqlite3_close(db1);
    sqlite3_close(db2);
}
END_TEST

START_TEST(test_demo_checksum) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 1: the demo data set is the same on every
    ** machine. Row count, user ids, seconds since 1970, program letters,
    ** students and account numbers, summed. */
    lpt_assert_rows(db,
        "SELECT count(*), sum(user_id), sum(CAST(strftime('%s', enrolled_at) AS INTEGER)),"
        " sum(CASE program WHEN 'Flagship' THEN 0 ELSE unicode(substr(program, 9)) - 64 END),"
        " sum(user_type = 'student'), sum(CAST(substr(account, 6) AS INTEGER))"
        " FROM sample_enrollments(20000, 42)",
        "27975|279103004|45385632965629|33792|15206|1621940\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_users_prefix) {
    sqlite3 *db = lpt_open();
    /* A user's rows depend on (seed, user_id) only, not on how many users
    ** were asked for. */
    lpt_assert_rows(db,
        "SELECT (SELECT group_concat(user_id || program || enrolled_at || ifnull(account, ''))"
        "        FROM sample_enrollments(25, 9))"
        "     = (SELECT group_concat(user_id || program || enrolled_at || ifnull(account, ''))"
        "        FROM sample_enrollments(5000, 9) WHERE user_id <= 25)",
        "1\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_extreme_seeds) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db,
        "SELECT count(DISTINCT user_id), min(seed), max(seed)"
        " FROM sample_enrollments(50, -9223372036854775808)",
        "50|-9223372036854775808|-9223372036854775808\n");
    lpt_assert_rows(db,
        "SELECT count(DISTINCT user_id), min(seed)"
        " FROM sample_enrollments(50, '9223372036854775807')",
        "50|9223372036854775807\n");
    lpt_assert_rows(db, "SELECT count(DISTINCT user_id) FROM sample_enrollments(50, 0)", "50\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------- arguments and plans */

START_TEST(test_hidden_columns_echo) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 4. */
    lpt_assert_rows(db, "SELECT DISTINCT users, seed FROM sample_enrollments(5)", "5|42\n");
    lpt_assert_rows(db, "SELECT DISTINCT users, seed FROM sample_enrollments(5, -3)", "5|-3\n");
    /* Text that is an exact integer is accepted and shown as an integer. */
    lpt_assert_rows(db,
        "SELECT DISTINCT users, typeof(users), seed FROM sample_enrollments('10', '7')",
        "10|integer|7\n");
    /* The upper bound is accepted. */
    lpt_assert_rows(db, "SELECT user_id, users FROM sample_enrollments(10000000) LIMIT 1",
                    "1|10000000\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_output_constraints) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 5: SQLite filters on the output columns. */
    lpt_assert_rows(db,
        "SELECT user_id, program FROM sample_enrollments(3, 1)"
        " WHERE user_id = 2 AND program LIKE '%A'",
        "2|Program A\n");
    lpt_assert_rows(db,
        "SELECT count(*) FROM sample_enrollments(3, 1) WHERE account IS NULL", "3\n");
    /* Two different values for one argument: no row satisfies both. */
    lpt_assert_rows(db, "SELECT count(*) FROM sample_enrollments(3, 1) WHERE users = 4", "0\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_filter_twice) {
    sqlite3 *db = lpt_open();
    /* The inner table is filtered once per outer row, on one cursor. */
    lpt_assert_rows(db,
        "SELECT n, count(s.user_id), ifnull(max(s.user_id), 0) FROM"
        " (SELECT 1 AS n UNION ALL SELECT 3 UNION ALL SELECT 0 UNION ALL SELECT 2) AS v"
        " LEFT JOIN sample_enrollments(v.n, 1) AS s GROUP BY n ORDER BY n",
        "0|0|0\n1|2|1\n2|5|2\n3|6|3\n");
    lpt_assert_rows(db,
        "SELECT n, (SELECT count(*) FROM sample_enrollments(n, 1)) FROM"
        " (SELECT 3 AS n UNION ALL SELECT 1 UNION ALL SELECT 3)",
        "3|6\n1|2\n3|6\n");
    /* A bad value on a later call is reported. */
    lpt_assert_rows(db,
        "SELECT n, (SELECT count(*) FROM sample_enrollments(n, 1)) FROM"
        " (SELECT 3 AS n UNION ALL SELECT -1)",
        "ERROR: sample_enrollments(): users must be an integer from 0 to 10000000,"
        " not -1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_join_argument_from_other_table) {
    sqlite3 *db = lpt_open();
    /* The argument comes from another table: plans where it is not yet
    ** known are rejected (SQLITE_CONSTRAINT), the working one is chosen. */
    lpt_assert_rows(db,
        "SELECT count(*) FROM (SELECT 3 AS n) AS v, sample_enrollments AS s"
        " WHERE s.users = v.n AND s.seed = 1",
        "6\n");
    lpt_assert_rows(db,
        "SELECT count(*) FROM sample_enrollments AS s, (SELECT 3 AS n, 1 AS k) AS v"
        " WHERE s.seed = v.k AND s.users = v.n",
        "6\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_order_by) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 2: an ORDER BY that matches the output order
    ** gives the same rows as none; a different one is sorted by SQLite. */
    lpt_assert_rows(db,
        "SELECT (SELECT group_concat(user_id || enrolled_at) FROM sample_enrollments(300, 5))"
        "     = (SELECT group_concat(user_id || enrolled_at) FROM"
        "        (SELECT * FROM sample_enrollments(300, 5) ORDER BY user_id, enrolled_at))",
        "1\n");
    lpt_assert_rows(db,
        "SELECT user_id, enrolled_at FROM sample_enrollments(3, 1)"
        " ORDER BY user_id DESC, enrolled_at DESC",
        "3|2022-06-20 05:27:09\n"
        "2|2021-02-01 17:56:10\n"
        "2|2020-10-19 17:13:12\n"
        "2|2020-10-16 23:22:13\n"
        "1|2021-07-27 00:50:33\n"
        "1|2021-06-30 11:46:19\n");
    lpt_assert_rows(db,
        "SELECT user_id FROM sample_enrollments(3, 1) ORDER BY enrolled_at LIMIT 2",
        "2\n2\n");
    sqlite3_close(db);
}
END_TEST

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

/* -------------------------------------------------------------- errors */

#define CS_USERS_RANGE                                                      \
    "ERROR: sample_enrollments(): users must be an integer from 0 to 10000000"
#define CS_SEED_RANGE                                                       \
    "ERROR: sample_enrollments(): seed must be an integer from"  \
    " -9223372036854775808 to 9223372036854775807"

START_TEST(test_error_missing_users) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 3. */
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments",
                    "ERROR: sample_enrollments(): missing required argument 'users'");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments WHERE seed = 1",
                    "ERROR: sample_enrollments(): missing required argument 'users'");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments WHERE users > 1",
                    "ERROR: sample_enrollments(): missing required argument 'users'");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments()",
                    "ERROR: sample_enrollments(): missing required argument 'users'");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_error_bad_users) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 3. */
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(NULL)", CS_USERS_RANGE ", not NULL");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(-1)", CS_USERS_RANGE ", not -1");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(10000001, 1)",
                    CS_USERS_RANGE ", not 10000001");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(1.5)", CS_USERS_RANGE ", not 1.5");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(2e4)", CS_USERS_RANGE ", not 20000.0");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments('abc')", CS_USERS_RANGE ", not 'abc'");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments('10.5')", CS_USERS_RANGE ", not 10.5");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments('')", CS_USERS_RANGE ", not ''");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(x'0a')", CS_USERS_RANGE ", not a blob");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(9223372036854775807)",
                    CS_USERS_RANGE ", not 9223372036854775807");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_error_bad_seed) {
    sqlite3 *db = lpt_open();
    /* sample_enrollments rule 3. */
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(5, NULL)", CS_SEED_RANGE ", not NULL");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(5, 'x')", CS_SEED_RANGE ", not 'x'");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(5, 0.5)", CS_SEED_RANGE ", not 0.5");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(5, 9223372036854775808)",
                    CS_SEED_RANGE ", not 9.22337203685478e+18");
    lpt_assert_rows(db,
        "SELECT * FROM sample_enrollments(5, 'a text much longer than forty bytes, surely')",
        CS_SEED_RANGE ", not 'a text much longer than forty bytes, surely'");
    /* users is checked first. */
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(-5, NULL)", CS_USERS_RANGE ", not -5");
    lpt_assert_rows(db, "SELECT * FROM sample_enrollments(1, 2, 3)",
                    "ERROR: too many arguments on sample_enrollments() - max 2");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------ format and time range */

START_TEST(test_time_format_and_range) {
    sqlite3 *db = lpt_open_fixture("demo");
    /* Exact format, a real date and time, inside the range. */
    lpt_assert_rows(db,
        "SELECT count(*) FROM enrollments WHERE NOT ("
        " enrolled_at GLOB"
        "  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'"
        " AND datetime(enrolled_at) = enrolled_at"
        " AND enrolled_at BETWEEN '2019-11-01 00:00:00' AND '2022-06-30 23:59:59')",
        "0\n");
    /* First enrollments cover every month of the range, and grow. */
    lpt_assert_rows(db,
        "SELECT count(DISTINCT substr(enrolled_at, 1, 7)), min(substr(enrolled_at, 1, 7)),"
        " max(substr(enrolled_at, 1, 7)) FROM ranked WHERE rn = 1",
        "32|2019-11|2022-06\n");
    lpt_assert_rows(db,
        "SELECT sum(enrolled_at >= '2021-07-01') > 1.5 * sum(enrolled_at < '2020-07-01')"
        " FROM ranked WHERE rn = 1",
        "1\n");
    /* A random time of day: every hour occurs. */
    lpt_assert_rows(db, "SELECT count(DISTINCT substr(enrolled_at, 12, 2)) FROM enrollments",
                    "24\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_order_and_users) {
    sqlite3 *db = lpt_open_fixture("demo");
    /* sample_enrollments rule 2: users 1..20000, rows in user_id then
    ** enrolled_at order (rowid is the order they were produced in). */
    lpt_assert_rows(db,
        "SELECT count(DISTINCT user_id), min(user_id), max(user_id) FROM enrollments",
        "20000|1|20000\n");
    lpt_assert_rows(db,
        "SELECT count(*) FROM (SELECT user_id, enrolled_at,"
        "  lag(user_id) OVER w AS pu, lag(enrolled_at) OVER w AS pe"
        "  FROM enrollments WINDOW w AS (ORDER BY rowid))"
        " WHERE pu > user_id OR (pu = user_id AND pe > enrolled_at)",
        "0\n");
    /* A user's type and account are the same on all rows. */
    lpt_assert_rows(db,
        "SELECT count(*) FROM (SELECT user_id FROM enrollments GROUP BY user_id"
        " HAVING count(DISTINCT user_type) > 1"
        "     OR count(DISTINCT ifnull(account, '')) > 1"
        "     OR count(account) NOT IN (0, count(*)))",
        "0\n");
    sqlite3_close(db);
}
END_TEST

/* --------------------------------------------------------------- shape */

START_TEST(test_shape_user_types) {
    sqlite3 *db = lpt_open_fixture("demo");
    cs_assert_between(db, "SELECT avg(user_type = 'student') FROM per_user", 0.50, 0.60);
    lpt_assert_rows(db, "SELECT DISTINCT user_type FROM enrollments ORDER BY 1",
                    "professional\nstudent\n");
    lpt_assert_rows(db,
        "SELECT DISTINCT program FROM enrollments ORDER BY 1",
        "Flagship\nProgram A\nProgram B\nProgram C\nProgram D\nProgram E\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_shape_first_program) {
    sqlite3 *db = lpt_open_fixture("demo");
    cs_assert_between(db,
        "SELECT avg(first_program = 'Program A') FROM per_user WHERE user_type = 'student'",
        0.55, 0.65);
    cs_assert_between(db,
        "SELECT avg(first_program = 'Flagship') FROM per_user WHERE user_type = 'student'",
        0.20, 0.30);
    cs_assert_between(db,
        "SELECT avg(first_program = 'Flagship') FROM per_user WHERE user_type = 'professional'",
        0.55, 0.65);
    cs_assert_between(db,
        "SELECT avg(first_program = 'Program A') FROM per_user WHERE user_type = 'professional'",
        0.20, 0.30);
    /* Programs B-E each start some journeys of both types. */
    lpt_assert_rows(db,
        "SELECT user_type, count(DISTINCT first_program) FROM per_user GROUP BY 1 ORDER BY 1",
        "professional|6\nstudent|6\n");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_shape_journeys) {
    sqlite3 *db = lpt_open_fixture("demo");
    /* Most users take a single program (one distinct enrollment time). */
    cs_assert_between(db, "SELECT avg(n_times = 1) FROM per_user", 0.60, 0.80);
    cs_assert_between(db, "SELECT avg(n_programs = 1) FROM per_user", 0.65, 0.75);
    /* A small tail takes three or more programs. */
    cs_assert_between(db, "SELECT avg(n_programs >= 3) FROM per_user", 0.02, 0.15);
    lpt_assert_rows(db, "SELECT max(n_programs) FROM per_user", "6\n");
    /* Students who start with Program A and go on mostly take the Flagship. */
    cs_assert_between(db,
        "SELECT avg(second_program = 'Flagship') FROM per_user"
        " WHERE user_type = 'student' AND first_program = 'Program A'"
        " AND second_program IS NOT NULL",
        0.60, 1.0);
    /* Professionals going on from the Flagship often take Program A. */
    cs_assert_between(db,
        "SELECT avg(second_program = 'Program A') FROM per_user"
        " WHERE user_type = 'professional' AND first_program = 'Flagship'"
        " AND second_program IS NOT NULL",
        0.35, 0.65);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_shape_ties_and_repeats) {
    sqlite3 *db = lpt_open_fixture("demo");
    /* About 1% of users enroll in two programs at the same instant. */
    cs_assert_between(db,
        "SELECT count(DISTINCT user_id) / 20000.0 FROM (SELECT user_id FROM enrollments"
        " GROUP BY user_id, enrolled_at HAVING count(*) > 1)",
        0.005, 0.02);
    /* Ties are always two different programs, never more than two rows. */
    lpt_assert_rows(db,
        "SELECT count(*) FROM (SELECT 1 FROM enrollments GROUP BY user_id, enrolled_at"
        " HAVING count(*) > 1 AND (count(*) > 2 OR count(DISTINCT program) < 2))",
        "0\n");
    /* About 2% take a program again later. */
    cs_assert_between(db,
        "SELECT count(DISTINCT user_id) / 20000.0 FROM (SELECT user_id FROM enrollments"
        " GROUP BY user_id, program HAVING count(*) > 1)",
        0.01, 0.03);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_shape_gaps) {
    sqlite3 *db = lpt_open_fixture("demo");
    lpt_exec(db,
        "CREATE TABLE gaps AS SELECT julianday(enrolled_at) - julianday(prev) AS days,"
        " date(enrolled_at) > date(prev) AS later_day FROM (SELECT enrolled_at,"
        " lag(enrolled_at) OVER (PARTITION BY user_id ORDER BY enrolled_at, rowid) AS prev"
        " FROM enrollments) WHERE prev IS NOT NULL AND prev <> enrolled_at");
    /* Consecutive enrollments (other than ties) fall on later days. */
    lpt_assert_rows(db, "SELECT count(*) > 1000, min(later_day) FROM gaps", "1|1\n");
    /* Days to months, mostly 1-120 days, skewed short. */
    cs_assert_between(db, "SELECT avg(days <= 120) FROM gaps", 0.80, 0.95);
    cs_assert_between(db, "SELECT avg(days <= 30) FROM gaps", 0.35, 0.70);
    cs_assert_between(db, "SELECT max(days) FROM gaps", 200, 366);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_shape_accounts) {
    sqlite3 *db = lpt_open_fixture("demo");
    lpt_exec(db,
        "CREATE TABLE acct AS SELECT account, count(DISTINCT user_id) AS n FROM enrollments"
        " WHERE account IS NOT NULL GROUP BY account");
    /* Students never have an account; about 10% of professionals have none. */
    lpt_assert_rows(db,
        "SELECT count(*) FROM enrollments WHERE user_type = 'student' AND account IS NOT NULL",
        "0\n");
    cs_assert_between(db,
        "SELECT avg(account IS NULL) FROM (SELECT DISTINCT user_id, account FROM enrollments"
        " WHERE user_type = 'professional')",
        0.05, 0.15);
    /* A few hundred readable accounts. */
    cs_assert_between(db, "SELECT count(*) FROM acct", 150, 500);
    lpt_assert_rows(db, "SELECT count(*) FROM acct WHERE account NOT GLOB 'Corp [0-9][0-9][0-9]'",
                    "0\n");
    /* Very uneven: the largest has several hundred users and at least five
    ** times the median size; a long tail of accounts with 1-5 users. */
    cs_assert_between(db, "SELECT max(n) FROM acct", 300, 1500);
    lpt_assert_rows(db,
        "SELECT max(n) >= 5 * (SELECT n FROM acct ORDER BY n"
        " LIMIT 1 OFFSET (SELECT count(*) / 2 FROM acct)) FROM acct",
        "1\n");
    cs_assert_between(db, "SELECT count(*) FROM acct WHERE n <= 5", 50, 300);
    sqlite3_close(db);
}
END_TEST

Suite *make_sample_suite(void) {
    Suite *s = suite_create("sample");
    TCase *tc = tcase_create("rows");
    tcase_add_test(tc, test_columns);
    tcase_add_test(tc, test_tiny_sample);
    tcase_add_test(tc, test_tie_and_repeat_rows);
    tcase_add_test(tc, test_zero_and_one_user);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_demo_checksum);
    tcase_add_test(tc, test_users_prefix);
    tcase_add_test(tc, test_extreme_seeds);
    tcase_add_test(tc, test_sample_all_programs_no_tie);
    suite_add_tcase(s, tc);

    tc = tcase_create("arguments");
    tcase_add_test(tc, test_hidden_columns_echo);
    tcase_add_test(tc, test_output_constraints);
    tcase_add_test(tc, test_filter_twice);
    tcase_add_test(tc, test_join_argument_from_other_table);
    tcase_add_test(tc, test_order_by);
    tcase_add_test(tc, test_sample_plans);
    tcase_add_test(tc, test_error_missing_users);
    tcase_add_test(tc, test_error_bad_users);
    tcase_add_test(tc, test_error_bad_seed);
    suite_add_tcase(s, tc);

    tc = tcase_create("shape");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_time_format_and_range);
    tcase_add_test(tc, test_order_and_users);
    tcase_add_test(tc, test_shape_user_types);
    tcase_add_test(tc, test_shape_first_program);
    tcase_add_test(tc, test_shape_journeys);
    tcase_add_test(tc, test_shape_ties_and_repeats);
    tcase_add_test(tc, test_shape_gaps);
    tcase_add_test(tc, test_shape_accounts);
    suite_add_tcase(s, tc);
    return s;
}
