/*
** check_popularity.c - the "popularity" suite: program_popularity and
** first_program_monthly (ext/lp_popularity.c; docs/functions.md defines
** their columns), over journeys shaped by rules 1-8 of README.md.
**
** Every column of both is checked against plain SQL written here, apart
** from learnpath: GROUP BY and count(DISTINCT) over the rows rule 1 keeps,
** with each user's first instant (rule 4, ties = 'group'), segment (rule
** 6) and the users since/until keep (rule 7) found by SQL. The shaping
** options SQL cannot follow simply (within_days, repeats, ties = 'name')
** are checked by hand on small tables. The answers must not depend on the
** order in which users come: the same journeys under other ids, and in
** another row order, give the same rows; so does streaming.
**
** Most tests read tests/fixtures/enrollments_popularity.sql (its header
** draws the users).
*/
#include <string.h>

#include "lp_test.h"

#define CP_ARGS "'enrollments', 'user_id', 'program', 'enrolled_at'"
#define CP_SEG CP_ARGS ", 'seg'"

/* ------------------------------------------------------- the reference */

/*
** Temp tables of zTable for the reference queries, by SQL alone:
**   v(u, p, t, s)   the rows rule 1 keeps: user, program, julianday, segment
**                   value (NULL for none or '')
**   ku(u, t0, s, nfirst, label)  each user since/until keep (rule 7): the
**                   first instant, the segment (rule 6: the first non-empty
**                   value in the order time, program, segment), the number
**                   of programs at the first instant and their names joined
**                   by ' + ' in byte order (rule 4's label of a tie group)
** zSegCol: the segment column, or NULL; zSince, zUntil: SQL values ("NULL").
*/
static void cp_reference(sqlite3 *db, const char *zTable, const char *zSegCol, const char *zSince,
                         const char *zUntil) {
    char *zSql = sqlite3_mprintf(
        "DROP TABLE IF EXISTS temp.v; DROP TABLE IF EXISTS temp.ku;"
        "CREATE TEMP TABLE v AS SELECT user_id AS u, program AS p, julianday(enrolled_at) AS t,"
        "  nullif(%s, '') AS s FROM %s"
        "  WHERE coalesce(user_id, '') <> '' AND coalesce(program, '') <> ''"
        "    AND coalesce(enrolled_at, '') <> '';"
        "CREATE INDEX temp.v_u ON v(u, t);"
        "CREATE TEMP TABLE ku AS SELECT u, t0,"
        "  (SELECT s FROM v AS w WHERE w.u = f.u AND w.s IS NOT NULL ORDER BY w.t, w.p, w.s LIMIT 1) AS s,"
        "  (SELECT count(DISTINCT p) FROM v AS w WHERE w.u = f.u AND w.t = f.t0) AS nfirst,"
        "  (SELECT group_concat(p, ' + ') FROM (SELECT DISTINCT p FROM v AS w"
        "     WHERE w.u = f.u AND w.t = f.t0 ORDER BY p)) AS label"
        " FROM (SELECT u, min(t) AS t0 FROM v GROUP BY u) AS f"
        " WHERE t0 >= coalesce(julianday(%s), t0) AND t0 < coalesce(julianday(%s), t0 + 1);",
        zSegCol ? zSegCol : "NULL", zTable, zSince, zUntil);
    ck_assert_ptr_nonnull(zSql);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
}

/*
** program_popularity's rows by SQL, per segment (isAll = 0) or over all
** users (segment NULL), in its order: segment, users descending, program.
*/
static char *cp_popularity_sql(sqlite3 *db, int isAll) {
    const char *zSeg = isAll ? "NULL" : "k.s";
    char *zSql = sqlite3_mprintf(
        "SELECT %s AS seg, v.p, count(*), count(DISTINCT v.u), su.n,"
        "  count(DISTINCT v.u) * 1.0 / su.n,"
        "  count(DISTINCT CASE WHEN v.t = k.t0 THEN v.u END),"
        "  count(DISTINCT v.u) - count(DISTINCT CASE WHEN v.t = k.t0 THEN v.u END),"
        "  count(DISTINCT CASE WHEN v.t = k.t0 AND k.nfirst > 1 THEN v.u END)"
        " FROM ku AS k JOIN v ON v.u = k.u"
        " JOIN (SELECT %s AS seg, count(*) AS n FROM ku AS k GROUP BY 1) AS su ON su.seg IS %s"
        " GROUP BY 1, 2 ORDER BY 1, 4 DESC, 2",
        zSeg, zSeg, zSeg);
    char *zRows = lpt_query(db, zSql);
    sqlite3_free(zSql);
    ck_assert_ptr_nonnull(zRows);
    return zRows;
}

/*
** first_program_monthly's rows by SQL: every month from the data's first
** row to its last (cut to [since, until)), by every first label of each
** segment, with the users who started then (0 if none) and their share of
** the segment's starters that month (NULL if none).
*/
static char *cp_monthly_sql(sqlite3 *db, int isAll, const char *zSince, const char *zUntil) {
    const char *zSeg = isAll ? "NULL" : "s";
    char *zSql = sqlite3_mprintf(
        "WITH RECURSIVE"
        " r AS (SELECT max(min(t), coalesce(julianday(%s), min(t))) AS lo,"
        "         min(max(t), coalesce(julianday(%s) - 1 / 86400000.0, max(t))) AS hi FROM v),"
        " months(m) AS (SELECT strftime('%%Y-%%m', lo) FROM r WHERE lo <= hi"
        "   UNION ALL SELECT strftime('%%Y-%%m', m || '-01', '+1 month') FROM months, r"
        "   WHERE m < strftime('%%Y-%%m', hi)),"
        " st AS (SELECT %s AS s, strftime('%%Y-%%m', t0) AS m, label, nfirst > 1 AS tied FROM ku),"
        " sl AS (SELECT DISTINCT s, label, tied FROM st),"
        " cnt AS (SELECT s, m, label, count(*) AS n FROM st GROUP BY 1, 2, 3),"
        " tot AS (SELECT s, m, count(*) AS n FROM st GROUP BY 1, 2)"
        " SELECT sl.s, months.m, sl.label, sl.tied, coalesce(cnt.n, 0), coalesce(cnt.n, 0) * 1.0 / tot.n"
        " FROM sl JOIN months"
        " LEFT JOIN cnt ON cnt.s IS sl.s AND cnt.m = months.m AND cnt.label = sl.label"
        " LEFT JOIN tot ON tot.s IS sl.s AND tot.m = months.m"
        " ORDER BY 1, 2, 3",
        zSince, zUntil, zSeg);
    char *zRows = lpt_query(db, zSql);
    sqlite3_free(zSql);
    ck_assert_ptr_nonnull(zRows);
    return zRows;
}

/*
** What SQL gives for both functions on zTable, per segment (azWant[0],
** [1]: program_popularity, first_program_monthly) and over all users
** ([2], [3]); NULL where zSegCol is NULL (no per-segment rows).
*/
static void cp_reference_rows(sqlite3 *db, const char *zTable, const char *zSegCol,
                              const char *zSince, const char *zUntil, char *azWant[4]) {
    cp_reference(db, zTable, zSegCol, zSince, zUntil);
    for (int isAll = 0; isAll < 2; isAll++) {
        azWant[2 * isAll] = azWant[2 * isAll + 1] = NULL;
        if (!isAll && !zSegCol) continue;
        azWant[2 * isAll] = cp_popularity_sql(db, isAll);
        azWant[2 * isAll + 1] = cp_monthly_sql(db, isAll, zSince, zUntil);
    }
}

/* Both functions give azWant (cp_reference_rows), each at least nMinRows
** rows; azWant is freed. */
static void cp_assert_rows_are(sqlite3 *db, const char *zTable, const char *zSegCol,
                               const char *zSince, const char *zUntil, int nMinRows,
                               char *azWant[4]) {
    for (int i = 0; i < 4; i++) {
        int isAll = i / 2, isMonthly = i % 2;
        const char *zSeg = isAll ? NULL : zSegCol;
        char *zSql, *zGot;
        if (!azWant[i]) continue;
        zSql = sqlite3_mprintf("SELECT * FROM %s('%s', 'user_id', 'program', 'enrolled_at'%s%s%s)"
                               " WHERE since IS %s AND until IS %s",
                               isMonthly ? "first_program_monthly" : "program_popularity", zTable,
                               zSeg ? ", '" : "", zSeg ? zSeg : "", zSeg ? "'" : "", zSince, zUntil);
        zGot = lpt_query(db, zSql);
        ck_assert_ptr_nonnull(zGot);
        ck_assert_msg(strcmp(zGot, azWant[i]) == 0, "%s\nSQL gives:\n%s\nlearnpath gives:\n%s", zSql,
                      azWant[i], zGot);
        /* the reference is not empty, so this compares something */
        int nRow = 0;
        for (const char *p = azWant[i]; *p; p++) nRow += *p == '\n';
        ck_assert_msg(nRow >= nMinRows, "%s: %d rows", zSql, nRow);
        sqlite3_free(zSql);
        sqlite3_free(zGot);
        sqlite3_free(azWant[i]);
        azWant[i] = NULL;
    }
}

/* Both functions on zTable give what SQL gives, per segment and over all
** users. */
static void cp_assert_reference(sqlite3 *db, const char *zTable, const char *zSegCol,
                                const char *zSince, const char *zUntil, int nMinRows) {
    char *azWant[4];
    cp_reference_rows(db, zTable, zSegCol, zSince, zUntil, azWant);
    cp_assert_rows_are(db, zTable, zSegCol, zSince, zUntil, nMinRows, azWant);
}

/* ------------------------------------------------- against plain SQL */

/* Every column, per segment and over all users, on the fixture: text ids,
** segments (rule 6), ties (rule 4), repeats, rows rule 1 leaves out. */
START_TEST(test_reference_fixture) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    cp_assert_reference(db, "enrollments", "seg", "NULL", "NULL", 4);
    sqlite3_close(db);
}
END_TEST

/* The same with since/until (rule 7): the users whose first step is in
** the window, and the months cut to it. */
START_TEST(test_reference_since_until) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    cp_assert_reference(db, "enrollments", "seg", "'2021-02-01'", "'2021-05-01'", 3);
    cp_assert_reference(db, "enrollments", "seg", "'2021-03-01 01:30:00'", "NULL", 3);
    cp_assert_reference(db, "enrollments", "seg", "NULL", "'2021-03-01 01:30:00'", 3);
    sqlite3_close(db);
}
END_TEST

/* Integer, real, text and blob ids (rule 3: 42 and 42.0 are one user, '42'
** another), with since/until. */
START_TEST(test_reference_mixed_ids) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    cp_assert_reference(db, "e", NULL, "NULL", "NULL", 3);
    cp_assert_reference(db, "e", NULL, "'2020-01-03'", "'2020-01-08'", 3);
    sqlite3_close(db);
}
END_TEST

/* Segments with users without one, and a first-instant tie. */
START_TEST(test_reference_segments) {
    sqlite3 *db = lpt_open_fixture("enrollments_segments");
    cp_assert_reference(db, "enrollments", "seg", "NULL", "NULL", 3);
    sqlite3_close(db);
}
END_TEST

/* Ties of several programs and the same program twice at one instant. */
START_TEST(test_reference_ties) {
    sqlite3 *db = lpt_open_fixture("enrollments_ties");
    cp_assert_reference(db, "enrollments", "seg", "NULL", "NULL", 2);
    sqlite3_close(db);
}
END_TEST

/* The demo data: 20,000 users in two segments, over 32 months. */
START_TEST(test_reference_demo) {
    sqlite3 *db = lpt_open_fixture("demo");
    cp_assert_reference(db, "enrollments", "user_type", "NULL", "NULL", 6);
    cp_assert_reference(db, "enrollments", "user_type", "'2021-01-01'", "'2021-07-01'", 6);
    sqlite3_close(db);
}
END_TEST

/* lp_popularity.c's bound on its dense counters (1 << 18), lowered here. */
extern int64_t learnpath_pop_dense_max;

/*
** The counts of programs' rows and months' cells in dense arrays (in
** memory, no budget: lp_popularity.c, pop_dense), whatever their bound: 10
** (too small for the table of programs: the hash alone), 30 (programs
** dense, the months past it at once: to the hash), 500 (the months dense,
** then grown past it: counted so far folded into the hash) and the
** default, on the demo data (32 months, two segments, ties), against SQL.
*/
START_TEST(test_dense_bounds) {
    static const int64_t aMax[] = {10, 30, 500, (int64_t)1 << 18};
    sqlite3 *db = lpt_open_fixture("demo");
    char *azRef[4], *azWant[4];
    /* SQL's rows once; each bound's answer against them */
    cp_reference_rows(db, "enrollments", "user_type", "NULL", "NULL", azRef);
    for (int i = 0; i < 4; i++) {
        learnpath_pop_dense_max = aMax[i];
        lpt_exec(db, "SELECT learnpath_cache_clear()");
        for (int j = 0; j < 4; j++) azWant[j] = sqlite3_mprintf("%s", azRef[j]);
        cp_assert_rows_are(db, "enrollments", "user_type", "NULL", "NULL", 6, azWant);
    }
    for (int j = 0; j < 4; j++) sqlite3_free(azRef[j]);
    learnpath_pop_dense_max = (int64_t)1 << 18;
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------- by hand */

/*
** The fixture's rows, read by hand. pro: u01, u05, u07, u08 (4 users);
** stu: u02, u04, u06, u09 (4); no segment: u03. u05's first step is the
** tie A + B + D, u02's B + C; u09 meets A + B later. stu's B: u02 (first,
** tied), u06 (first, 2 rows), u04 and u09 (later): 5 rows, 4 users. pro's
** B and D have 2 users each: by name.
*/
START_TEST(test_popularity_by_hand) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    lpt_assert_rows(db, "SELECT * FROM program_popularity(" CP_SEG ")",
                    "NULL|A|3|1|1|1|1|0|0\n"
                    "pro|A|4|3|4|0.75|2|1|1\n"
                    "pro|B|2|2|4|0.5|1|1|1\n"
                    "pro|D|2|2|4|0.5|2|0|1\n"
                    "pro|C|1|1|4|0.25|1|0|0\n"
                    "stu|B|5|4|4|1|2|2|1\n"
                    "stu|C|4|4|4|1|3|1|1\n"
                    "stu|A|2|2|4|0.5|0|2|0\n"
                    "stu|D|1|1|4|0.25|0|1|0\n");
    /* over all users: the sums of the segments' rows */
    lpt_assert_rows(db, "SELECT * FROM program_popularity(" CP_ARGS ")",
                    "NULL|A|9|6|9|0.6666666667|3|3|1\n"
                    "NULL|B|7|6|9|0.6666666667|3|3|2\n"
                    "NULL|C|5|5|9|0.5555555556|4|1|1\n"
                    "NULL|D|3|3|9|0.3333333333|2|1|1\n");
    /* column types: counts INTEGER, share REAL even when whole */
    lpt_assert_rows(db,
                    "SELECT DISTINCT typeof(segment), typeof(program), typeof(enrollments),"
                    " typeof(users), typeof(segment_users), typeof(share), typeof(first_users),"
                    " typeof(later_users), typeof(tied_first_users) FROM program_popularity(" CP_SEG
                    ") WHERE segment = 'stu' AND program = 'B'",
                    "text|text|integer|integer|integer|real|integer|integer|integer\n");
    /* first_users less the tied ones: first_program_stats' users of the program */
    lpt_assert_rows(db,
                    "SELECT p.segment, p.program, p.first_users - p.tied_first_users, s.users"
                    " FROM program_popularity(" CP_SEG ") AS p"
                    " JOIN first_program_stats(" CP_SEG ") AS s"
                    " ON s.segment IS p.segment AND s.program = p.program"
                    " ORDER BY 1, 2",
                    "NULL|A|1|1\npro|A|1|1\npro|C|1|1\npro|D|1|1\nstu|B|1|1\nstu|C|2|2\n");
    sqlite3_close(db);
}
END_TEST

/*
** The months of the fixture: 2021-01 to 2022-01 (u04's last row), 13 of
** them, by the 3 first labels of stu; u04's start is 03-01 in UTC. A share
** is 0 in a month when others of the segment started, NULL when none did.
*/
START_TEST(test_monthly_by_hand) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    lpt_assert_rows(db,
                    "SELECT month, program, tied, users, share FROM first_program_monthly(" CP_SEG ")"
                    " WHERE segment = 'stu' AND month <= '2021-05'",
                    "2021-01|B|0|0|0\n2021-01|B + C|1|1|1\n2021-01|C|0|0|0\n"
                    "2021-02|B|0|0|NULL\n2021-02|B + C|1|0|NULL\n2021-02|C|0|0|NULL\n"
                    "2021-03|B|0|0|0\n2021-03|B + C|1|0|0\n2021-03|C|0|2|1\n"
                    "2021-04|B|0|1|1\n2021-04|B + C|1|0|0\n2021-04|C|0|0|0\n"
                    "2021-05|B|0|0|NULL\n2021-05|B + C|1|0|NULL\n2021-05|C|0|0|NULL\n");
    lpt_assert_rows(db,
                    "SELECT coalesce(segment, '-'), count(DISTINCT month), min(month), max(month),"
                    " count(DISTINCT program), count(*), sum(users)"
                    " FROM first_program_monthly(" CP_SEG ") GROUP BY segment",
                    "-|13|2021-01|2022-01|1|13|1\n"
                    "pro|13|2021-01|2022-01|4|52|4\n"
                    "stu|13|2021-01|2022-01|3|39|4\n");
    /* over all users: the starters of each month */
    lpt_assert_rows(db,
                    "SELECT month, sum(users) FROM first_program_monthly(" CP_ARGS ")"
                    " GROUP BY month HAVING sum(users) > 0",
                    "2021-01|2\n2021-02|1\n2021-03|2\n2021-04|2\n2021-07|2\n");
    lpt_assert_rows(db,
                    "SELECT DISTINCT typeof(segment), typeof(month), typeof(program), typeof(tied),"
                    " typeof(users), typeof(share) FROM first_program_monthly(" CP_SEG ")"
                    " WHERE users > 0",
                    "null|text|text|integer|integer|real\ntext|text|text|integer|integer|real\n");
    sqlite3_close(db);
}
END_TEST

/*
** since/until cut the months to the window: from since's month, to the
** month of the last instant before until; nobody starts in a window after
** the data, and then there are no rows.
*/
START_TEST(test_monthly_window) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    lpt_assert_rows(db,
                    "SELECT min(month), max(month), count(DISTINCT month), sum(users)"
                    " FROM first_program_monthly(" CP_ARGS ")"
                    " WHERE since = '2021-02-15' AND until = '2021-05-01'",
                    "2021-02|2021-04|3|4\n");
    lpt_assert_rows(db,
                    "SELECT min(month), max(month), sum(users) FROM first_program_monthly(" CP_ARGS ")"
                    " WHERE until = '2021-03-01 01:30:00.001'",
                    "2021-01|2021-03|4\n");
    /* an until after the data cuts nothing: the months end at the last enrollment's */
    lpt_assert_rows(db,
                    "SELECT (SELECT group_concat(month || segment || program || users, ',')"
                    "  FROM first_program_monthly(" CP_ARGS ") WHERE until = '2100-01-01')"
                    " IS (SELECT group_concat(month || segment || program || users, ',')"
                    "  FROM first_program_monthly(" CP_ARGS ")),"
                    " (SELECT max(month) FROM first_program_monthly(" CP_ARGS ") WHERE until = '2100-01-01')"
                    " = (SELECT strftime('%Y-%m', max(enrolled_at)) FROM enrollments)",
                    "1|1\n");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM first_program_monthly(" CP_ARGS ") WHERE since = '2023-01-01'",
                    "0\n");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM program_popularity(" CP_ARGS ") WHERE since = '2023-01-01'",
                    "0\n");
    /* an empty source: no rows */
    lpt_exec(db, "CREATE TABLE z AS SELECT * FROM enrollments WHERE 0");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program_monthly('z', 'user_id', 'program',"
                        " 'enrolled_at', 'seg')", "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM program_popularity('z', 'user_id', 'program',"
                        " 'enrolled_at', 'seg')", "0\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rules 5 and 8 on tests/fixtures/enrollments_repeats.sql (1: A A B F A,
** 2: A B A, 3: X X two days apart). enrollments counts the rows the
** journeys hold: all of them by default and with 'keep'; one per user and
** program with 'first_only'; within_days ends a journey, and the rows
** after its end do not count.
*/
START_TEST(test_popularity_repeats_and_gaps) {
    sqlite3 *db = lpt_open_fixture("enrollments_repeats");
    const char *zCols = "SELECT program, enrollments, users, first_users, later_users FROM program_popularity";
    char *zSql;
    zSql = sqlite3_mprintf("%s('enrollments')", zCols);
    lpt_assert_rows(db, zSql, "A|5|2|2|0\nB|2|2|0|2\nF|1|1|0|1\nX|2|1|1|0\n");
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("%s WHERE source = 'enrollments' AND repeats = 'keep'", zCols);
    lpt_assert_rows(db, zSql, "A|5|2|2|0\nB|2|2|0|2\nF|1|1|0|1\nX|2|1|1|0\n");
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("%s WHERE source = 'enrollments' AND repeats = 'first_only'", zCols);
    lpt_assert_rows(db, zSql, "A|2|2|2|0\nB|2|2|0|2\nF|1|1|0|1\nX|1|1|1|0\n");
    sqlite3_free(zSql);
    /* within 2 days: user 1 ends after A (B is 3 days after A's start; the
    ** A of day 2 is in that step); user 3's X X are one step */
    zSql = sqlite3_mprintf("%s WHERE source = 'enrollments' AND within_days = 2", zCols);
    lpt_assert_rows(db, zSql, "A|4|2|2|0\nB|1|1|0|1\nX|2|1|1|0\n");
    sqlite3_free(zSql);
    /* within 1 day, keeping repeats: user 1 ends after A A, user 3 after X */
    zSql = sqlite3_mprintf("%s WHERE source = 'enrollments' AND within_days = 1 AND repeats = 'keep'",
                           zCols);
    lpt_assert_rows(db, zSql, "A|4|2|2|0\nB|1|1|0|1\nX|1|1|1|0\n");
    sqlite3_free(zSql);
    /* a gap cut off after a collapsed step, two enrollments in one row */
    lpt_exec(db, "CREATE TABLE g(user_id, program, enrolled_at);"
                 "INSERT INTO g VALUES (1, 'A', '2020-01-01'), (1, 'A', '2020-03-01'),"
                 " (1, 'F', '2020-03-05');");
    lpt_assert_rows(db, "SELECT program, enrollments FROM program_popularity('g') WHERE within_days = 30",
                    "A|2\n");
    lpt_assert_rows(db, "SELECT program, enrollments FROM program_popularity('g') WHERE within_days = 64",
                    "A|2\nF|1\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 4 on tests/fixtures/enrollments_ties.sql (1: {A, B} then C; 2: A
** twice at one instant, then B; 3: A then {B, C, b}). A tie group holds
** each of its programs; with ties = 'name' a first step is one program, and
** the programs after it at the same instant are later ones.
*/
START_TEST(test_popularity_ties) {
    sqlite3 *db = lpt_open_fixture("enrollments_ties");
    lpt_assert_rows(db,
                    "SELECT program, enrollments, users, first_users, later_users, tied_first_users"
                    " FROM program_popularity('enrollments')",
                    "A|4|3|3|0|1\nB|3|3|1|2|1\nC|2|2|0|2|0\nb|1|1|0|1|0\n");
    lpt_assert_rows(db,
                    "SELECT program, enrollments, users, first_users, later_users, tied_first_users"
                    " FROM program_popularity WHERE source = 'enrollments' AND ties = 'name'",
                    "A|4|3|3|0|0\nB|3|3|0|3|0\nC|2|2|0|2|0\nb|1|1|0|1|0\n");
    lpt_assert_rows(db,
                    "SELECT month, program, tied, users FROM first_program_monthly('enrollments')",
                    "2020-01|A|0|2\n2020-01|A + B|1|1\n");
    lpt_assert_rows(db,
                    "SELECT month, program, tied, users FROM first_program_monthly"
                    " WHERE source = 'enrollments' AND ties = 'name'",
                    "2020-01|A|0|3\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 4: a program named like a tie group. The group {A, B} is "A" + "B",
** the program 'A + B' keeps its name; program_popularity counts programs,
** first_program_monthly labels.
*/
START_TEST(test_group_named_like_program) {
    for (int isStream = 0; isStream < 2; isStream++) {
        sqlite3 *db = lpt_open();
        lpt_exec(db,
            "CREATE TABLE t(user_id, program, enrolled_at);"
            "INSERT INTO t VALUES (1, 'A', '2020-01-01'), (1, 'B', '2020-01-01'),"
            " (2, 'A + B', '2020-01-03'), (2, 'A', '2020-02-01');");
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db, "SELECT program, users, first_users, tied_first_users FROM program_popularity('t')",
                        "A|2|1|1\nA + B|1|1|0\nB|1|1|1\n");
        lpt_assert_rows(db, "SELECT month, program, tied, users FROM first_program_monthly('t')",
                        "2020-01|\"A\" + \"B\"|1|1\n2020-01|A + B|0|1\n"
                        "2020-02|\"A\" + \"B\"|1|0\n2020-02|A + B|0|0\n");
        sqlite3_close(db);
    }
}
END_TEST

/*
** Rule 10's instants: a month is the one started_at shows (its text less
** "-DD HH:MM:SS"), for a day past the month's end, hour 24, a fraction
** that stays in its second, an offset, negative years (SQLite reads
** -0200-06-12 one day late), Julian day 0 and the last instant. The months
** run from -4713-11 to 9999-12: 176,546 months by 11 programs, made as
** they are read.
*/
START_TEST(test_monthly_odd_times) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(user_id, program, enrolled_at);"
        "INSERT INTO t VALUES (1, 'p1', '-0200-06-12'), (2, 'p2', '0000-03-01 00:00:00'),"
        " (3, 'p3', '2020-02-30'), (4, 'p4', '2021-01-31 24:00:00'),"
        " (5, 'p5', '2020-12-31 23:59:59.9995'), (6, 'p6', 0), (7, 'p7', '9999-12-31 23:59:59.999'),"
        " (8, 'p8', 1612137599), (9, 'p9', '2021-03-01 00:30:00+01:00'),"
        " (10, 'p10', '-1000-01-01 00:00:00'), (11, 'p11', '0001-12-31 23:59:59');"
        "CREATE TEMP TABLE m AS SELECT program, month FROM first_program_monthly('t') WHERE users > 0;");
    lpt_assert_rows(db,
                    "SELECT count(*), sum(substr(f.started_at, 1, length(f.started_at) - 12) = m.month)"
                    " FROM first_program('t') AS f JOIN m USING (program)",
                    "11|11\n");
    /* p1, p10, p11, p2, ..., p9 */
    lpt_assert_rows(db, "SELECT group_concat(month, ' ') FROM (SELECT month FROM m ORDER BY program)",
                    "-0200-06 -1000-01 0001-12 0000-03 2020-03 2021-02 2020-12 -4713-11 9999-12 2021-01"
                    " 2021-02\n");
    /* the first month, and the last (text order is not time order before year 0) */
    lpt_assert_rows(db, "SELECT month FROM first_program_monthly('t') LIMIT 1", "-4713-11\n");
    lpt_assert_rows(db, "SELECT count(*), min(month), max(month) FROM first_program_monthly('t')",
                    "1942006|-0001-01|9999-12\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------- order of users, streaming, memo */

/*
** No answer depends on the order in which users come: the fixture's
** journeys under ids in the reverse order, under integer ids, and with the
** rows inserted backwards (so users first appear in another order) give
** the same rows as the fixture; streamed from SQLite's sorter too.
*/
START_TEST(test_order_of_users) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    static const char *const azCopy[] = {
        "CREATE TABLE c AS SELECT 'z' || (100 - substr(user_id, 2)) AS user_id, program,"
        " enrolled_at, seg FROM enrollments WHERE user_id <> ''",
        "CREATE TABLE c AS SELECT CAST(substr(user_id, 2) AS INTEGER) * 7 % 10 AS user_id, program,"
        " enrolled_at, seg FROM enrollments WHERE user_id <> ''",
        "CREATE TABLE c AS SELECT * FROM enrollments ORDER BY rowid DESC",
    };
    static const char *const azQuery[] = {
        "SELECT * FROM program_popularity(%s)",
        "SELECT * FROM first_program_monthly(%s)",
    };
    static const char *const azArgs[] = {"'%s', 'user_id', 'program', 'enrolled_at', 'seg'",
                                         "'%s'"};
    for (size_t q = 0; q < 2; q++) {
        for (size_t a = 0; a < 2; a++) {
            char *zArgs = sqlite3_mprintf(azArgs[a], "enrollments");
            char *zSql = sqlite3_mprintf(azQuery[q], zArgs);
            char *zWant = lpt_query(db, zSql);
            sqlite3_free(zArgs);
            sqlite3_free(zSql);
            for (size_t k = 0; k < sizeof(azCopy) / sizeof(azCopy[0]); k++) {
                for (int isStream = 0; isStream < 2; isStream++) {
                    lpt_exec(db, "DROP TABLE IF EXISTS c");
                    lpt_exec(db, azCopy[k]);
                    lpt_exec(db, isStream ? "SELECT learnpath_memory_budget(1)"
                                          : "SELECT learnpath_memory_budget(0)");
                    zArgs = sqlite3_mprintf(azArgs[a], "c");
                    zSql = sqlite3_mprintf(azQuery[q], zArgs);
                    lpt_assert_rows(db, zSql, zWant);
                    sqlite3_free(zArgs);
                    sqlite3_free(zSql);
                }
            }
            lpt_exec(db, "SELECT learnpath_memory_budget(0)");
            sqlite3_free(zWant);
        }
    }
    sqlite3_close(db);
}
END_TEST

/*
** The rows are kept with the cached data, per shaping: the same query
** again, and the other function or the other segmentation on the same
** data, find them; another since computes its own; a change to the table
** drops them.
*/
START_TEST(test_memo) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    const char *zPop = "SELECT program, users FROM program_popularity(" CP_ARGS ") WHERE since = '%s'";
    char *z1 = sqlite3_mprintf(zPop, "2021-01-01");
    char *z2 = sqlite3_mprintf(zPop, "2021-04-01");
    lpt_assert_rows(db, z1, "A|6\nB|6\nC|5\nD|3\n");
    /* u05 (A, B, D), u06 (B, C), u07 (C), u08 (D, A) */
    lpt_assert_rows(db, z2, "A|2\nB|2\nC|2\nD|2\n");
    lpt_assert_rows(db, z1, "A|6\nB|6\nC|5\nD|3\n");
    lpt_assert_rows(db, "SELECT sum(users) FROM first_program_monthly(" CP_SEG ")", "9\n");
    lpt_exec(db, "INSERT INTO enrollments VALUES ('u10', 'E', '2021-01-01', 'pro')");
    lpt_assert_rows(db, z1, "A|6\nB|6\nC|5\nD|3\nE|1\n");
    lpt_assert_rows(db, "SELECT sum(users) FROM first_program_monthly(" CP_SEG ")", "10\n");
    sqlite3_free(z1);
    sqlite3_free(z2);
    sqlite3_close(db);
}
END_TEST

/* segment_col NULL is no segment; a source without segment values gives
** the rows a NULL segment, as the other aggregates do. */
START_TEST(test_no_segment) {
    sqlite3 *db = lpt_open_fixture("enrollments_popularity");
    lpt_assert_rows(db,
                    "SELECT (SELECT group_concat(program || users) FROM program_popularity(" CP_ARGS
                    ", NULL)) = (SELECT group_concat(program || users) FROM program_popularity(" CP_ARGS
                    "))",
                    "1\n");
    lpt_assert_rows(db,
                    "SELECT count(*), count(segment) FROM first_program_monthly(" CP_ARGS ", NULL)",
                    "78|0\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_popularity_suite(void) {
    Suite *s = suite_create("popularity");
    TCase *tc = tcase_create("Reference");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_reference_fixture);
    tcase_add_test(tc, test_reference_since_until);
    tcase_add_test(tc, test_reference_mixed_ids);
    tcase_add_test(tc, test_reference_segments);
    tcase_add_test(tc, test_reference_ties);
    tcase_add_test(tc, test_reference_demo);
    tcase_add_test(tc, test_dense_bounds);
    suite_add_tcase(s, tc);
    tc = tcase_create("Rules");
    tcase_add_test(tc, test_popularity_by_hand);
    tcase_add_test(tc, test_monthly_by_hand);
    tcase_add_test(tc, test_monthly_window);
    tcase_add_test(tc, test_monthly_odd_times);
    tcase_add_test(tc, test_popularity_repeats_and_gaps);
    tcase_add_test(tc, test_popularity_ties);
    tcase_add_test(tc, test_group_named_like_program);
    suite_add_tcase(s, tc);
    tc = tcase_create("Order");
    tcase_add_test(tc, test_order_of_users);
    tcase_add_test(tc, test_memo);
    tcase_add_test(tc, test_no_segment);
    suite_add_tcase(s, tc);
    return s;
}
