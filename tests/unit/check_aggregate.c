/*
** check_aggregate.c - the "aggregate" suite: program_transitions and
** first_program_stats (rule 9 of ext/lp_agg.c, over journeys shaped by
** rules 1-8; README.md has the rules).
**
** Rule 9: step k's transition goes from step k to step k+1, or to NULL.
** share = users of the row / users at step k with that from_program in that
** segment. Days between step starts; median of an even count = mean of the
** two middle values; avg/median NULL when to_program is NULL. Rows ordered
** by segment, step, users DESC, from_program, to_program (NULLs first).
**
** Most tests read tests/fixtures/enrollments_segments.sql; its header draws
** the users, with their days counted from 2020-01-01.
*/
#include <string.h>

#include "lp_test.h"

#define CG_CALL "program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'seg')"

/*
** rule 9: every row and column, in the documented order. NULL segment
** first; within a step users descending, then from, then to (NULL first);
** A > B in pro has 3 users with gaps 2, 4, 9 (mean 5, median 4); A > B in
** stu has 4 users with gaps 1, 2, 6, 10 (mean 4.75, median (2+6)/2 = 4).
*/
START_TEST(test_all_rows) {
    sqlite3 *db = lpt_open_fixture("enrollments_segments");
    lpt_assert_rows(db, "SELECT * FROM " CG_CALL,
                    "NULL|1|A + B|C|1|1|1.5|1.5|1|0\n"
                    "NULL|1|C|NULL|1|0.5|NULL|NULL|0|NULL\n"
                    "NULL|1|C|A|1|0.5|10|10|0|0\n"
                    "NULL|2|A|NULL|1|1|NULL|NULL|0|NULL\n"
                    "NULL|2|C|NULL|1|1|NULL|NULL|0|NULL\n"
                    "pro|1|A|B|3|0.75|5|4|0|0\n"
                    "pro|1|A|C|1|0.25|1|1|0|0\n"
                    "pro|1|B|NULL|1|1|NULL|NULL|0|NULL\n"
                    "pro|2|B|NULL|2|0.6666666667|NULL|NULL|0|NULL\n"
                    "pro|2|B|C|1|0.3333333333|3|3|0|0\n"
                    "pro|2|C|NULL|1|1|NULL|NULL|0|NULL\n"
                    "pro|3|C|NULL|1|1|NULL|NULL|0|NULL\n"
                    "stu|1|A|B|4|0.8|4.75|4|0|0\n"
                    "stu|1|A|NULL|1|0.2|NULL|NULL|0|NULL\n"
                    "stu|2|B|NULL|4|1|NULL|NULL|0|NULL\n");
    sqlite3_close(db);
}
END_TEST

/* rule 9: column types (share and days REAL, even when whole). */
START_TEST(test_column_types) {
    sqlite3 *db = lpt_open_fixture("enrollments_segments");
    lpt_assert_rows(db,
        "SELECT DISTINCT typeof(segment), typeof(step), typeof(from_program),"
        " typeof(to_program), typeof(users), typeof(share), typeof(avg_days),"
        " typeof(median_days) FROM " CG_CALL " WHERE segment = 'pro' AND to_program = 'C'"
        " AND step = 2",
        "text|integer|text|text|integer|real|real|real\n");
    lpt_assert_rows(db,
        "SELECT DISTINCT typeof(avg_days), typeof(median_days) FROM " CG_CALL
        " WHERE to_program IS NULL",
        "null|null\n");
    sqlite3_close(db);
}
END_TEST

/* rule 9: each (segment, step, from) group's shares sum to 1. */
START_TEST(test_shares_sum_to_one) {
    sqlite3 *db = lpt_open_fixture("enrollments_segments");
    lpt_assert_rows(db,
        "SELECT count(*), sum(abs(s - 1.0) < 1e-12) FROM (SELECT sum(share) AS s FROM " CG_CALL
        " GROUP BY segment, step, from_program)",
        "11|11\n");
    /* users at step 1 of a segment = users of that segment */
    lpt_assert_rows(db,
        "SELECT segment, sum(users) FROM " CG_CALL " WHERE step = 1 GROUP BY segment"
        " ORDER BY segment",
        "NULL|3\npro|5\nstu|5\n");
    sqlite3_close(db);
}
END_TEST

/* rule 9: a three-step journey gives rows for steps 1, 2 and 3. */
START_TEST(test_three_steps) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE t(user_id, program, enrolled_at);"
                 "INSERT INTO t VALUES (1, 'Intro', '2020-01-01 00:00'),"
                 " (1, 'Core', '2020-01-01 06:00'), (1, 'Expert', '2020-01-03 06:00');");
    lpt_assert_rows(db, "SELECT * FROM program_transitions('t')",
                    "NULL|1|Intro|Core|1|1|0.25|0.25|0|0\n"
                    "NULL|2|Core|Expert|1|1|2|2|0|0\n"
                    "NULL|3|Expert|NULL|1|1|NULL|NULL|0|NULL\n");
    sqlite3_close(db);
}
END_TEST

/*
** rule 9: medians of odd and even counts over gaps inserted in no order:
** X > Y gaps 5, 1, 4, 2, 6, 3 -> sorted 1 2 3 4 5 6, median 3.5, mean 3.5;
** X > Z gaps 10, 1, 4, 2, 6, 3 -> 1 2 3 4 6 10, median 3.5, mean 26/6;
** X > W gaps 0.5, 1 -> median 0.75; X > V gaps 7, 1, 2 -> median 2, mean 10/3.
*/
START_TEST(test_medians) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program, enrolled_at);"
        "WITH g(u, p, d) AS (VALUES (1, 'Y', 5), (2, 'Y', 1), (3, 'Y', 4), (4, 'Y', 2),"
        "  (5, 'Y', 6), (6, 'Y', 3), (11, 'Z', 10), (12, 'Z', 1), (13, 'Z', 4), (14, 'Z', 2),"
        "  (15, 'Z', 6), (16, 'Z', 3), (21, 'W', 0.5), (22, 'W', 1), (31, 'V', 7), (32, 'V', 1),"
        "  (33, 'V', 2))"
        " INSERT INTO t SELECT u, 'X', '2020-01-01' FROM g"
        " UNION ALL SELECT u, p, datetime('2020-01-01', '+' || (d * 24) || ' hours') FROM g;");
    lpt_assert_rows(db,
        "SELECT to_program, users, share, avg_days, median_days FROM program_transitions('t')"
        " WHERE step = 1",
        "Y|6|0.3529411765|3.5|3.5\n"
        "Z|6|0.3529411765|4.333333333|3.5\n"
        "V|3|0.1764705882|3.333333333|2\n"
        "W|2|0.1176470588|0.75|0.75\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 9: a query that reads no median computes the rows without them
** (tvf_aggregate.c, AGG_NO_MEDIANS); a later query reading the medians on
** the same cached data computes them, also while a cursor still holds the
** rows without (a join), and both functions' medians are exact then.
*/
START_TEST(test_medians_when_read) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program, enrolled_at);"
        "WITH g(u, p, d) AS (VALUES (1, 'Y', 5), (2, 'Y', 1), (3, 'Y', 4), (4, 'Y', 2),"
        "  (5, 'Y', 6), (6, 'Y', 3), (11, 'Z', 10), (12, 'Z', 1), (13, 'Z', 4), (14, 'Z', 2),"
        "  (15, 'Z', 6), (16, 'Z', 3), (21, 'W', 0.5), (22, 'W', 1), (31, 'V', 7), (32, 'V', 1),"
        "  (33, 'V', 2))"
        " INSERT INTO t SELECT u, 'X', '2020-01-01' FROM g"
        " UNION ALL SELECT u, p, datetime('2020-01-01', '+' || (d * 24) || ' hours') FROM g;");
    lpt_assert_rows(db, "SELECT count(*), sum(users), sum(avg_days) FROM program_transitions('t')",
                    "8|34|11.91666667\n");
    lpt_assert_rows(db, "SELECT users, continued FROM first_program_stats('t')", "17|17\n17|17\n");
    lpt_assert_rows(db,
        "SELECT a.to_program, a.users, b.median_days FROM program_transitions('t') a"
        " JOIN program_transitions('t') b ON b.step = a.step AND b.to_program = a.to_program"
        " WHERE a.step = 1",
        "Y|6|3.5\nZ|6|3.5\nV|3|2\nW|2|0.75\n");
    lpt_assert_rows(db, "SELECT to_program, median_days FROM program_transitions('t') WHERE step = 1",
                    "Y|3.5\nZ|3.5\nV|2\nW|0.75\n");
    lpt_assert_rows(db, "SELECT count(*) FROM program_transitions('t')", "8\n");
    lpt_assert_rows(db, "SELECT median_days_to_next FROM first_program_stats('t')", "3\n3\n");
    sqlite3_close(db);
}
END_TEST

/* rules 4, 9: tie-group labels appear as from and to programs. */
START_TEST(test_tie_group_labels) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program, enrolled_at);"
        "INSERT INTO t VALUES (1, 'X', '2020-01-01'), (1, 'Z', '2020-01-02'),"
        " (1, 'Y', '2020-01-02'), (2, 'X', '2020-01-01'), (2, 'Y', '2020-01-03'),"
        " (2, 'Z', '2020-01-03'), (2, 'Q', '2020-01-04');");
    lpt_assert_rows(db, "SELECT * FROM program_transitions('t')",
                    "NULL|1|X|Y + Z|2|1|1.5|1.5|0|1\n"
                    "NULL|2|Y + Z|NULL|1|0.5|NULL|NULL|1|NULL\n"
                    "NULL|2|Y + Z|Q|1|0.5|1|1|1|0\n"
                    "NULL|3|Q|NULL|1|1|NULL|NULL|0|NULL\n");
    /* ties='name': X > Y > Z with a 0-day step */
    lpt_assert_rows(db,
        "SELECT step, from_program, to_program, users, avg_days FROM program_transitions"
        " WHERE source = 't' AND ties = 'name' AND step <= 2",
        "1|X|Y|2|1.5\n"
        "2|Y|Z|2|0\n");
    sqlite3_close(db);
}
END_TEST

/*
** rules 4, 9 (issue 11, item 7): a program named like a tie group. User 1
** has A and B at one instant, then C; user 2 the program 'A + B', then D;
** user 3 A and B at one instant, then 'A + B'. The group is "A" + "B"
** (rule 4), so GROUP BY from_program separates the two and each group's
** shares sum to 1 (rule 9); first_program_stats and the chart fed from
** the rows tell them apart too. Held in memory (with no memory budget, or
** one it fits in) and streamed alike.
*/
START_TEST(test_group_named_like_program) {
    for (int iMode = 0; iMode < 3; iMode++) {
        sqlite3 *db = lpt_open();
        lpt_exec(db,
            "CREATE TABLE t(user_id, program, enrolled_at);"
            "INSERT INTO t VALUES (1, 'A', '2020-01-01'), (1, 'B', '2020-01-01'),"
            " (1, 'C', '2020-02-01'), (2, 'A + B', '2020-03-01'), (2, 'D', '2020-04-01'),"
            " (3, 'B', '2020-05-01'), (3, 'A', '2020-05-01'), (3, 'A + B', '2020-06-01');");
        if (iMode == 1) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        if (iMode == 2) lpt_exec(db, "SELECT learnpath_memory_budget(100e6)");
        lpt_assert_rows(db,
            "SELECT step, from_program, to_program, users, share, from_tied, to_tied"
            " FROM program_transitions('t')",
            "1|\"A\" + \"B\"|A + B|1|0.5|1|0\n"
            "1|\"A\" + \"B\"|C|1|0.5|1|0\n"
            "1|A + B|D|1|1|0|0\n"
            "2|A + B|NULL|1|1|0|NULL\n"
            "2|C|NULL|1|1|0|NULL\n"
            "2|D|NULL|1|1|0|NULL\n");
        lpt_assert_rows(db,
            "SELECT from_program, sum(share), count(DISTINCT from_tied) FROM program_transitions('t')"
            " WHERE step = 1 GROUP BY from_program",
            "\"A\" + \"B\"|1|1\nA + B|1|1\n");
        lpt_assert_rows(db,
            "SELECT program, tied, users, share, continued FROM first_program_stats('t')",
            "\"A\" + \"B\"|1|2|0.6666666667|2\n"
            "A + B|0|1|0.3333333333|1\n"
            "NULL|NULL|3|1|3\n");
        /* the chart has a node for each */
        lpt_assert_rows(db,
            "SELECT instr(s, '>&quot;A&quot; + &quot;B&quot;<') > 0, instr(s, '>A + B<') > 0"
            " FROM (SELECT sankey_svg(from_program, to_program, users) AS s"
            " FROM program_transitions('t') WHERE step = 1)",
            "1|1\n");
        sqlite3_close(db);
    }
}
END_TEST

/* rules 8, 9: journeys are shaped (cut by within_days) before they are counted. */
START_TEST(test_shaped_journeys) {
    sqlite3 *db = lpt_open_fixture("enrollments_segments");
    /* within 3 days: the B of pro 2 (day 4), pro 4 (day 9), stu 11 (day 6)
    ** and stu 12 (day 10) are cut off; pro 1's gap of exactly 3 stays */
    lpt_assert_rows(db,
        "SELECT segment, step, from_program, to_program, users, share FROM program_transitions"
        " WHERE source = 'enrollments' AND segment_col = 'seg' AND within_days = 3"
        " AND segment IS NOT NULL",
        "pro|1|A|NULL|2|0.5\n"
        "pro|1|A|B|1|0.25\n"
        "pro|1|A|C|1|0.25\n"
        "pro|1|B|NULL|1|1\n"
        "pro|2|B|C|1|1\n"
        "pro|2|C|NULL|1|1\n"
        "pro|3|C|NULL|1|1\n"
        "stu|1|A|NULL|3|0.6\n"
        "stu|1|A|B|2|0.4\n"
        "stu|2|B|NULL|2|1\n");
    sqlite3_close(db);
}
END_TEST

/* rule 9: without a segment column every row has a NULL segment. */
START_TEST(test_no_segment) {
    sqlite3 *db = lpt_open_fixture("enrollments_segments");
    lpt_assert_rows(db,
        "SELECT segment, step, from_program, to_program, users, share, avg_days, median_days"
        " FROM program_transitions('enrollments') WHERE step = 1",
        "NULL|1|A|B|7|0.7777777778|4.857142857|4\n"
        "NULL|1|A|NULL|1|0.1111111111|NULL|NULL\n"
        "NULL|1|A|C|1|0.1111111111|1|1\n"
        "NULL|1|A + B|C|1|1|1.5|1.5\n"
        "NULL|1|B|NULL|1|1|NULL|NULL\n"
        "NULL|1|C|NULL|1|0.5|NULL|NULL\n"
        "NULL|1|C|A|1|0.5|10|10\n");
    sqlite3_close(db);
}
END_TEST

/* first_program_stats (rule 9's counting, per segment and first program):
** users, share of the segment, continued, rate, mean and median days to
** step 2; a total row per segment (program NULL) comes last in it. */
START_TEST(test_first_program_stats) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e(user_id, program, enrolled_at, kind);"
             "INSERT INTO e VALUES"
             " (1,'A','2020-01-01','s'),(1,'B','2020-01-11','s'),"
             " (2,'A','2020-01-01','s'),(2,'C','2020-01-21','s'),"
             " (3,'A','2020-01-01','s'),(6,'B','2020-01-01','s'),(6,'A','2020-01-02 12:00','s'),"
             " (4,'F','2020-01-01','p'),(4,'A','2020-01-05','p'),"
             " (5,'F','2020-01-01','p');");
    /* s: A has users 1,2,3 (gaps 10, 20 days), B has user 6 (1.5 days);
    **    segment total: 4 users, 3 continued, gaps 10, 20, 1.5: mean 10.5, median 10
    ** p: F has users 4 (4 days) and 5 */
    lpt_assert_rows(db, "SELECT * FROM first_program_stats('e', 'user_id', 'program', 'enrolled_at', 'kind')",
                    "p|F|0|2|1|1|0.5|4|4\n"
                    "p|NULL|NULL|2|1|1|0.5|4|4\n"
                    "s|A|0|3|0.75|2|0.6666666667|15|15\n"
                    "s|B|0|1|0.25|1|1|1.5|1.5\n"
                    "s|NULL|NULL|4|1|3|0.75|10.5|10\n");

    /* without a segment: one group */
    lpt_assert_rows(db, "SELECT segment, program, users, continued FROM first_program_stats('e')",
                    "NULL|A|3|2\nNULL|F|2|1\nNULL|B|1|1\nNULL|NULL|6|4\n");    /* a tie group is marked */
    lpt_exec(db, "INSERT INTO e VALUES (7,'A','2020-06-01','p'),(7,'F','2020-06-01','p')");
    lpt_assert_rows(db, "SELECT program, tied, users FROM first_program_stats('e', 'user_id', "
                        "'program', 'enrolled_at', 'kind') WHERE segment = 'p'",
                    "F|0|2\nA + F|1|1\nNULL|NULL|3\n");
    sqlite3_close(db);
}
END_TEST

/*
** rule 9: exact medians of many gaps (the radix selection in lp_median.c
** only starts past 4096 gaps), checked against the same medians computed by
** SQL's own sort (row_number over the gaps). Kinds of gaps, by to_program:
**   R 20001 spread over 900 days (odd count: several narrowing passes)
**   E 20000 spread over a year (even count: two middle values)
**   S 10000 of 1-97 s and 10000 of 5e7-5e7+88 s (the middle values in far buckets)
**   Q  9000 all of one day (a range of one value)
**   C 19000 of exactly 7 days and 11001 spread (narrowed to one value)
** Users in two segments (u % 3), so the rows per segment, the rows over all
** users (derived from them) and first_program_stats (derived) are checked.
*/
static sqlite3 *cg_open_many(void) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE g(u INTEGER PRIMARY KEY, p, seg, gap);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 99002)"
        " INSERT INTO g SELECT i,"
        "  CASE WHEN i <= 20001 THEN 'R' WHEN i <= 40001 THEN 'E' WHEN i <= 60001 THEN 'S'"
        "       WHEN i <= 69001 THEN 'Q' ELSE 'C' END,"
        "  CASE i % 3 WHEN 0 THEN 'p' ELSE 's' END,"
        "  1000 * CASE WHEN i <= 20001 THEN (i * 7919 * 7919) % 77760000"
        "              WHEN i <= 40001 THEN (i * 104729) % 31536000"
        "              WHEN i <= 60001 THEN CASE i % 2 WHEN 0 THEN 1 + i % 97 ELSE 50000000 + i % 89 END"
        "              WHEN i <= 69001 THEN 86400"
        "              WHEN i <= 88001 THEN 604800 ELSE (i * 7) % 10000000 END"
        " FROM n;"
        "CREATE TABLE t(user_id, program, at, seg);"
        "INSERT INTO t SELECT u, 'A', 1600000000, seg FROM g"
        " UNION ALL SELECT u, p, 1600000000 + gap / 1000, seg FROM g;"
        /* the medians by SQL's sort: per segment, over all, over all to any */
        "CREATE TABLE want(seg, p, m);"
        "WITH r AS (SELECT seg, p, gap, row_number() OVER w AS k,"
        "  count(*) OVER (PARTITION BY seg, p) AS n FROM g WINDOW w AS (PARTITION BY seg, p ORDER BY gap))"
        " INSERT INTO want SELECT seg, p, avg(gap) / 86400000.0 FROM r"
        " WHERE k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY seg, p;"
        "WITH r AS (SELECT p, gap, row_number() OVER w AS k,"
        "  count(*) OVER (PARTITION BY p) AS n FROM g WINDOW w AS (PARTITION BY p ORDER BY gap))"
        " INSERT INTO want SELECT '*', p, avg(gap) / 86400000.0 FROM r"
        " WHERE k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY p;"
        "WITH r AS (SELECT seg, gap, row_number() OVER w AS k,"
        "  count(*) OVER (PARTITION BY seg) AS n FROM g WINDOW w AS (PARTITION BY seg ORDER BY gap))"
        " INSERT INTO want SELECT seg, '*', avg(gap) / 86400000.0 FROM r"
        " WHERE k IN ((n + 1) / 2, (n + 2) / 2) GROUP BY seg;");
    return db;
}

START_TEST(test_medians_many) {
    sqlite3 *db = cg_open_many();
    /* per segment (the aggregate fed user by user) */
    lpt_assert_rows(db,
        "SELECT count(*), sum(abs(l.median_days - w.m) < 1e-9) FROM want w"
        " JOIN program_transitions('t', 'user_id', 'program', 'at', 'seg') l"
        " ON l.segment = w.seg AND l.to_program = w.p",
        "10|10\n");
    /* over all users: derived from the rows per segment */
    lpt_assert_rows(db,
        "SELECT count(*), sum(abs(l.median_days - w.m) < 1e-9) FROM want w"
        " JOIN program_transitions('t', 'user_id', 'program', 'at') l"
        " ON w.seg = '*' AND l.to_program = w.p",
        "5|5\n");
    /* first_program_stats: a segment's continuers to any program (derived) */
    lpt_assert_rows(db,
        "SELECT count(*), sum(abs(l.median_days_to_next - w.m) < 1e-9) FROM want w"
        " JOIN first_program_stats('t', 'user_id', 'program', 'at', 'seg') l"
        " ON l.segment = w.seg AND w.p = '*' AND l.program IS NULL",
        "2|2\n");
    /* the values themselves: S straddles (97 s and 5e7 s in the middle); Q and
    ** C narrow to one value; R and E as SQL sorts them */
    lpt_assert_rows(db,
        "SELECT to_program, users, median_days FROM program_transitions('t', 'user_id',"
        " 'program', 'at') WHERE step = 1 ORDER BY to_program",
        "C|30001|7\nE|20000|183.2474942\nQ|9000|1\nR|20001|449.882963\nS|20000|289.3524132\n");
    sqlite3_close(db);
}
END_TEST

/*
** rule 9: a median inside a dense cluster: 97,000 gaps below 463 days,
** 5,000 within 35,000 s from 578.7 days, 97,001 from 694 days up. After the first
** count the cluster's bucket holds more than 4096 values but few enough to
** copy (a 32nd of all); the median is checked against SQL's sort.
*/
START_TEST(test_median_cluster) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE g(u INTEGER PRIMARY KEY, gap);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 199001)"
        " INSERT INTO g SELECT i, 1000 * CASE WHEN i <= 97000 THEN (i * 104729) % 40000000"
        "  WHEN i <= 102000 THEN 50000000 + (i - 97001) * 7"
        "  ELSE 60000000 + (i * 7919) % 40000000 END FROM n;"
        "CREATE TABLE t(user_id, program, at);"
        "INSERT INTO t SELECT u, 'A', 1600000000 FROM g"
        " UNION ALL SELECT u, 'B', 1600000000 + gap / 1000 FROM g;");
    char *zWant = lpt_query(db,
        "SELECT printf('%.12g', gap / 86400000.0) FROM g ORDER BY gap LIMIT 1 OFFSET 99500");
    char *zGot = lpt_query(db,
        "SELECT printf('%.12g', median_days) FROM program_transitions('t', 'user_id', 'program', 'at')"
        " WHERE to_program = 'B'");
    ck_assert_ptr_nonnull(zWant);
    ck_assert_ptr_nonnull(zGot);
    ck_assert_str_eq(zGot, zWant);
    ck_assert_str_eq(zWant, "578.90625\n");
    sqlite3_free(zWant);
    sqlite3_free(zGot);
    sqlite3_close(db);
}
END_TEST

/* ----------------------------------------------- empty and memoised */

/* program_transitions of an empty source with a segment column. */
START_TEST(test_transitions_empty_with_segment) {
    sqlite3 *db = lpt_open_fixture("e_readme");
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

/* A computed program_transitions is reused only for the same shaping:
** another `until` computes its own rows (rule 7). */
START_TEST(test_memo_other_until) {
    sqlite3 *db = lpt_open_fixture("e_readme");
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

/*
** A memo without medians is replaced by the one with them of the same
** shaping only: another shaping's memo without medians stays, wherever it
** lies in the data's list, and every answer is a fresh connection's.
*/
START_TEST(test_medians_memo_list) {
    static const char *zDefault = "SELECT from_program, to_program, users, median_days"
                                  " FROM program_transitions('e') ORDER BY 1, 2";
    static const char *zNamed = "SELECT from_program, to_program, users, median_days"
                                " FROM program_transitions('e') WHERE ties = 'name' ORDER BY 1, 2";
    sqlite3 *db = lpt_open_fixture("e_readme");
    char *zWantDefault = lpt_query(db, zDefault);
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    char *zWantNamed = lpt_query(db, zNamed);
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    /* the same sums as the fresh rows' (those hold medians: no memo is
    ** made from them here, the cache was cleared) */
    char *zSumDefault = lpt_query(db, "SELECT sum(users) FROM program_transitions('e')");
    char *zSumNamed = lpt_query(db, "SELECT sum(users) FROM program_transitions('e') WHERE ties = 'name'");
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    ck_assert_str_ne(zSumDefault, zSumNamed); /* two shapings that differ here */
    /* two memos without medians (default, then ties = 'name', listed first) */
    lpt_assert_rows(db, "SELECT sum(users) FROM program_transitions('e')", zSumDefault);
    lpt_assert_rows(db, "SELECT sum(users) FROM program_transitions('e') WHERE ties = 'name'", zSumNamed);
    /* medians of the default shaping: its memo, second in the list, is replaced */
    lpt_assert_rows(db, zDefault, zWantDefault);
    lpt_assert_rows(db, zNamed, zWantNamed);
    lpt_assert_rows(db, zDefault, zWantDefault);
    sqlite3_free(zWantDefault);
    sqlite3_free(zWantNamed);
    sqlite3_free(zSumDefault);
    sqlite3_free(zSumNamed);
    sqlite3_close(db);
}
END_TEST

Suite *make_aggregate_suite(void) {
    Suite *s = suite_create("aggregate");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_all_rows);
    tcase_add_test(tc, test_column_types);
    tcase_add_test(tc, test_shares_sum_to_one);
    tcase_add_test(tc, test_three_steps);
    tcase_add_test(tc, test_medians);
    tcase_add_test(tc, test_medians_when_read);
    tcase_add_test(tc, test_medians_memo_list);
    tcase_add_test(tc, test_medians_many);
    tcase_add_test(tc, test_median_cluster);
    tcase_add_test(tc, test_tie_group_labels);
    tcase_add_test(tc, test_group_named_like_program);
    tcase_add_test(tc, test_first_program_stats);
    tcase_add_test(tc, test_transitions_empty_with_segment);
    suite_add_tcase(s, tc);

    tc = tcase_create("Shaping");
    tcase_add_test(tc, test_shaped_journeys);
    tcase_add_test(tc, test_no_segment);
    tcase_add_test(tc, test_memo_other_until);
    suite_add_tcase(s, tc);
    return s;
}
