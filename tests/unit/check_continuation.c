/*
** check_continuation.c - the "continuation" suite: continuation_curve,
** continuation_stats, next_program_incidence and continuation_cohorts
** (rules 17-21 of README.md, ext/lp_survival.c, ext/tvf_continuation.c).
**
** The numbers of the issue's fixture are R's: R 4.2.2 with survival 3.5.3,
** survfit(Surv(time, status) ~ 1, conf.type = ...) on each group, printed
** with 17 digits by summary(fit, censored = TRUE), summary(fit, times =
** ..., extend = TRUE) and quantile(fit, 0.5); rounded to 3 digits they are
** the issue's published answers (student: t=10 n.risk 8 surv 0.875 std.err
** 0.117 lower 0.673 upper 1; ...; t=60 1 0 NaN NA NA; medians student 40
** [30, NA], professional 90 [40, NA], pooled 55 [40, NA] under 'log' and
** [30, NA] under 'log-log'). tests/oracle/run.sh compares many more data
** sets with R itself. The other expectations are worked out by hand in the
** comments beside them.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_sql.h"
#include "lp_test.h"

/*
** The issue's fixture as enrollments (rule 17): a user with an event at t
** days takes A on 2020-01-01 and B t days later; a censored one takes A
** alone, t days before E = 2021-01-01 (observe_until). Users 1-8 are
** students (s), 9-16 professionals (p).
*/
#define CC_FIXTURE                                                                              \
    "CREATE TABLE e(user_id, program, enrolled_at, user_type);"                                 \
    "WITH f(i, t, st, g) AS (VALUES"                                                            \
    " (1,10,1,'s'),(2,20,0,'s'),(3,20,1,'s'),(4,30,1,'s'),(5,35,0,'s'),(6,40,1,'s'),"           \
    " (7,50,0,'s'),(8,60,1,'s'),(9,15,1,'p'),(10,25,0,'p'),(11,40,1,'p'),(12,40,0,'p'),"        \
    " (13,55,1,'p'),(14,70,0,'p'),(15,80,0,'p'),(16,90,1,'p'))"                                 \
    " INSERT INTO e SELECT i, 'A', CASE st WHEN 1 THEN '2020-01-01'"                            \
    "   ELSE datetime('2021-01-01', '-' || t || ' days') END, g FROM f"                         \
    " UNION ALL SELECT i, 'B', datetime('2020-01-01', '+' || t || ' days'), g FROM f"           \
    " WHERE st = 1;"

#define CC_ARGS "('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
#define CC_E " observe_until = '2021-01-01'"

static sqlite3 *cc_open(void) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, CC_FIXTURE);
    return db;
}

/* NAN in an expected row: the value must be NULL. */
#define NUL NAN

/*
** The rows of zSql, nCol numbers each, equal aWant (nRow x nCol) to a
** relative 1e-12; NULL where aWant has NAN.
*/
static void cc_assert_numbers(sqlite3 *db, const char *zSql, int nCol, const double *aWant,
                              int nRow) {
    sqlite3_stmt *pStmt = NULL;
    int iRow = 0, rc;
    ck_assert_msg(sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL) == SQLITE_OK, "%s: %s", zSql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_column_count(pStmt), nCol);
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        ck_assert_msg(iRow < nRow, "%s: more than %d rows", zSql, nRow);
        for (int i = 0; i < nCol; i++) {
            double want = aWant[iRow * nCol + i];
            if (isnan(want)) {
                ck_assert_msg(sqlite3_column_type(pStmt, i) == SQLITE_NULL,
                              "%s: row %d column %d is %.17g, want NULL", zSql, iRow + 1, i + 1,
                              sqlite3_column_double(pStmt, i));
                continue;
            }
            ck_assert_msg(sqlite3_column_type(pStmt, i) != SQLITE_NULL,
                          "%s: row %d column %d is NULL, want %.17g", zSql, iRow + 1, i + 1, want);
            double got = sqlite3_column_double(pStmt, i);
            double tol = 1e-12 * fmax(fabs(want), fabs(got));
            ck_assert_msg(fabs(got - want) <= tol, "%s: row %d column %d is %.17g, want %.17g",
                          zSql, iRow + 1, i + 1, got, want);
        }
        iRow++;
    }
    ck_assert_msg(rc == SQLITE_DONE, "%s: %s", zSql, sqlite3_errmsg(db));
    ck_assert_msg(iRow == nRow, "%s: %d rows, want %d", zSql, iRow, nRow);
    sqlite3_finalize(pStmt);
}

#define CC_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------ Core */

/*
** Rule 18: the students' curve, a row per time with censoring
** (summary(fit, censored = TRUE)): day, at_risk, events, censored,
** survival, std_err, lower, upper, continued. At 60 the last user
** continues: S = 0, and std_err and the band are R's NaN and NA.
*/
START_TEST(test_issue_curve_log) {
    sqlite3 *db = cc_open();
    static const double aWant[] = {
        10, 8, 1, 0, 0.875, 0.11692679333668568, 0.67338193650595535, 1, 0.125,
        20, 7, 1, 1, 0.75, 0.15309310892394862, 0.50270184129404694, 1, 0.25,
        30, 5, 1, 0, 0.60000000000000009, 0.18165902124584954, 0.33146462434329693, 1, 0.4,
        35, 4, 0, 1, 0.60000000000000009, 0.18165902124584954, 0.33146462434329693, 1, 0.4,
        40, 3, 1, 0, 0.40000000000000002, 0.20330600909302540, 0.14771480300141226, 1, 0.6,
        50, 2, 0, 1, 0.40000000000000002, 0.20330600909302540, 0.14771480300141226, 1, 0.6,
        60, 1, 1, 0, 0, NUL, NUL, NUL, 1,
    };
    cc_assert_numbers(db,
                      "SELECT day, at_risk, events, censored, survival, std_err, lower, upper,"
                      " continued FROM continuation_curve" CC_ARGS " WHERE" CC_E
                      " AND segment = 's' AND program = 'A'",
                      9, aWant, CC_N(aWant) / 9);
    /* the segment's users over every first program: the same users here */
    cc_assert_numbers(db,
                      "SELECT day, at_risk, events, censored, survival, std_err, lower, upper,"
                      " continued FROM continuation_curve" CC_ARGS " WHERE" CC_E
                      " AND segment = 's' AND program IS NULL",
                      9, aWant, CC_N(aWant) / 9);
    sqlite3_close(db);
}
END_TEST

/* Rule 18: the 'log-log' and 'plain' bands of the students (R's). */
START_TEST(test_issue_curve_bands) {
    sqlite3 *db = cc_open();
    static const double aLogLog[] = {
        10, 0.387000014032025219, 0.98139296587896596,
        20, 0.314807113705519115, 0.93089831709062754,
        30, 0.195495866084997999, 0.85225434576220904,
        35, 0.195495866084997999, 0.85225434576220904,
        40, 0.066029774327536178, 0.73422534499178249,
        50, 0.066029774327536178, 0.73422534499178249,
        60, NUL, NUL,
    };
    static const double aPlain[] = {
        10, 0.6458276962323381554, 1,
        20, 0.4499430202277932556, 1,
        30, 0.2439548608913385541, 0.95604513910866162,
        35, 0.2439548608913385541, 0.95604513910866162,
        40, 0.0015275443370975639, 0.79847245566290248,
        50, 0.0015275443370975639, 0.79847245566290248,
        60, NUL, NUL,
    };
    cc_assert_numbers(db,
                      "SELECT day, lower, upper FROM continuation_curve" CC_ARGS " WHERE" CC_E
                      " AND conf_type = 'log-log' AND segment = 's' AND program = 'A'",
                      3, aLogLog, CC_N(aLogLog) / 3);
    cc_assert_numbers(db,
                      "SELECT day, lower, upper FROM continuation_curve" CC_ARGS " WHERE" CC_E
                      " AND conf_type = 'PLAIN' AND segment = 's' AND program = 'A'",
                      3, aPlain, CC_N(aPlain) / 3);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 18, at_days (summary(fit, times = c(5, 30, 90, 20, 100), extend =
** TRUE)): the days sorted; at_risk = users whose time is the day or later;
** events and censored over (previous day, day]; past the last time (60)
** the last values carry, with at_risk 0. Day 5 is before the first time:
** survival 1, std_err 0, and the band 1 to 1 under 'log-log' too.
*/
START_TEST(test_issue_at_days) {
    sqlite3 *db = cc_open();
    static const double aWant[] = {
        5, 8, 0, 0, 1, 0, 1, 1,
        20, 7, 2, 1, 0.75, 0.15309310892394862, 0.31480711370551911, 0.93089831709062754,
        30, 5, 1, 0, 0.60000000000000009, 0.18165902124584954, 0.19549586608499800,
        0.85225434576220904,
        90, 0, 2, 2, 0, NUL, NUL, NUL,
        100, 0, 0, 0, 0, NUL, NUL, NUL,
    };
    cc_assert_numbers(db,
                      "SELECT day, at_risk, events, censored, survival, std_err, lower, upper"
                      " FROM continuation_curve" CC_ARGS " WHERE" CC_E " AND conf_type = 'log-log'"
                      " AND at_days = '5,30, 90,20,100,30' AND segment = 's' AND program = 'A'",
                      8, aWant, CC_N(aWant) / 8);
    /* one number is one day */
    lpt_assert_rows(db,
                    "SELECT day, at_risk, events, censored FROM continuation_curve" CC_ARGS
                    " WHERE" CC_E " AND at_days = 45.5 AND segment = 'p'",
                    "45.5|4|2|2\n45.5|4|2|2\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 19 (quantile.survfit): students 40 [30, NULL], professionals 90
** [40, NULL]; over both segments (no segment_col) 55 [40, NULL] under
** 'log' and [30, NULL] under 'log-log'; under 'log-log' the students'
** lower limit is 10. The counts: users, continued, censored, naive_rate.
*/
START_TEST(test_issue_stats) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db, "SELECT * FROM continuation_stats" CC_ARGS " WHERE" CC_E,
                    "p|A|8|4|4|0.5|90|40|NULL|log\n"
                    "p|NULL|8|4|4|0.5|90|40|NULL|log\n"
                    "s|A|8|5|3|0.625|40|30|NULL|log\n"
                    "s|NULL|8|5|3|0.625|40|30|NULL|log\n");
    lpt_assert_rows(db,
                    "SELECT * FROM continuation_stats('e') WHERE" CC_E " AND program IS NULL",
                    "NULL|NULL|16|9|7|0.5625|55|40|NULL|log\n");
    lpt_assert_rows(db,
                    "SELECT median_days, median_lower, median_upper, conf_type"
                    " FROM continuation_stats('e') WHERE" CC_E " AND program IS NULL"
                    " AND conf_type = 'Log-Log'",
                    "55|30|NULL|log-log\n");
    lpt_assert_rows(db,
                    "SELECT segment, median_days, median_lower, median_upper"
                    " FROM continuation_stats" CC_ARGS " WHERE" CC_E " AND program IS NULL"
                    " AND conf_type = 'log-log'",
                    "p|90|15|NULL\ns|40|10|NULL\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 19's middles (R gives the same, tests/oracle): a curve at exactly
** 0.5 from 20 on, with a later event at 30, has median (20 + 30) / 2;
** one that stays at 0.5 to its last time, 40, has (20 + 40) / 2. Segment
** c: 10 users, events at 10, 20, 30 (three), 40, four censored at 60: S
** at 30 is 0.9 * (1 - 1/9) * (1 - 3/8) = 0.49999999999999994 in doubles,
** within sqrt(DBL_EPSILON) of 0.5, so the median is (30 + 40) / 2 = 35 (R
** says 35 [30, NA]), not 30.
*/
START_TEST(test_median_middles) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE m(user_id, program, enrolled_at, seg);"
             "INSERT INTO m VALUES"
             /* segment a: events at 10, 20, 30, 40 */
             " (1,'A','2020-01-01','a'),(1,'B','2020-01-11','a'),"
             " (2,'A','2020-01-01','a'),(2,'B','2020-01-21','a'),"
             " (3,'A','2020-01-01','a'),(3,'B','2020-01-31','a'),"
             " (4,'A','2020-01-01','a'),(4,'B','2020-02-10','a'),"
             /* segment b: events at 10, 20; censored at 30, 40 (E = 2020-12-31) */
             " (5,'A','2020-01-01','b'),(5,'B','2020-01-11','b'),"
             " (6,'A','2020-01-01','b'),(6,'B','2020-01-21','b'),"
             " (7,'A','2020-12-01','b'),(8,'A','2020-11-21','b');"
             "WITH c(i, t, st) AS (VALUES (11,10,1),(12,20,1),(13,30,1),(14,30,1),(15,30,1),"
             " (16,40,1),(17,60,0),(18,60,0),(19,60,0),(20,60,0))"
             " INSERT INTO m SELECT i, 'A', CASE st WHEN 1 THEN '2020-01-01'"
             "   ELSE date('2020-12-31', '-' || t || ' days') END, 'c' FROM c"
             " UNION ALL SELECT i, 'B', date('2020-01-01', '+' || t || ' days'), 'c' FROM c"
             " WHERE st = 1;");
    lpt_assert_rows(db,
                    "SELECT segment, median_days, median_lower FROM continuation_stats"
                    "('m', 'user_id', 'program', 'enrolled_at', 'seg')"
                    " WHERE observe_until = '2020-12-31' AND program IS NULL",
                    "a|25|10\nb|30|10\nc|35|30\n");
    sqlite3_close(db);
}
END_TEST

/* The normal quantile against R's qnorm(q, lower.tail = FALSE) (to a
** relative 1e-15; qnorm(1 - 1e-10) would first round 1 - 1e-10). */
START_TEST(test_normal_quantile) {
    static const struct {
        double q, z;
    } a[] = {
        {0.025, 1.9599639845400536}, {0.05, 1.6448536269514715}, {0.005, 2.5758293035488999},
        {0.2, 0.84162123357291441},  {1e-10, 6.3613409024040557},
    };
    for (int i = 0; i < CC_N(a); i++) {
        double z = learnpath_normal_upper_quantile(a[i].q);
        ck_assert_msg(fabs(z - a[i].z) <= 1e-15 * a[i].z, "q = %g: %.17g, want %.17g", a[i].q, z,
                      a[i].z);
    }
    /* the level's q as the functions compute it: (1 - 0.95) / 2 */
    ck_assert(fabs(learnpath_normal_upper_quantile((1.0 - 0.95) / 2.0) - 1.959963984540054) < 1e-15);
}
END_TEST

/* ------------------------------------------------------------- rule 17 */

/*
** Rule 17: who is censored when. E is observe_until, or the latest time
** of the source. Users (days after 2020-01-01 unless said):
**   1  A day 0, B day 10           an event at 10
**   2  A day 0, B day 400          B after E = day 366: censored at 366
**   3  A day 400                   starts after E: left out
**   4  A day 300                   censored at 66
**   5  A day 0, B day 0 (a tie)    one step A + B: censored at 366
*/
START_TEST(test_censoring) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE c(user_id, program, enrolled_at);"
             "INSERT INTO c VALUES (1,'A','2020-01-01'),(1,'B','2020-01-11'),"
             " (2,'A','2020-01-01'),(2,'B',date('2020-01-01','+400 days')),"
             " (3,'A',date('2020-01-01','+400 days')),(4,'A',date('2020-01-01','+300 days')),"
             " (5,'A','2020-01-01'),(5,'B','2020-01-01');");
    lpt_assert_rows(db,
                    "SELECT program, day, at_risk, events, censored FROM continuation_curve('c')"
                    " WHERE observe_until = '2021-01-01'",
                    "A|10|3|1|0\nA|66|2|0|1\nA|366|1|0|1\n"
                    "A + B|366|1|0|1\n"
                    "NULL|10|4|1|0\nNULL|66|3|0|1\nNULL|366|2|0|2\n");
    /* without observe_until, E is day 400 (users 2 and 3): user 2 continues
    ** at 400, user 3 is censored at 0, user 4 at 100, user 5 at 400 */
    lpt_assert_rows(db,
                    "SELECT day, at_risk, events, censored FROM continuation_curve('c')"
                    " WHERE program IS NULL",
                    "0|5|0|1\n10|4|1|0\n100|3|0|1\n400|2|1|1\n");
    /* within_days = 30: user 2's B is cut (rule 8), and the censored are
    ** censored at 30 at most */
    lpt_assert_rows(db,
                    "SELECT day, at_risk, events, censored FROM continuation_curve('c')"
                    " WHERE observe_until = '2021-01-01' AND within_days = 30 AND program IS NULL",
                    "10|4|1|0\n30|3|0|3\n");
    /* since (rule 7) keeps the users whose first step starts on or after it */
    lpt_assert_rows(db,
                    "SELECT users, continued, censored FROM continuation_stats('c')"
                    " WHERE since = '2020-06-01' AND program IS NULL",
                    "2|0|2\n");
    /* ties = 'name': user 5's A and B are two steps at one instant: an event at 0 */
    lpt_assert_rows(db,
                    "SELECT day, at_risk, events, censored FROM continuation_curve('c')"
                    " WHERE observe_until = '2021-01-01' AND ties = 'name' AND program IS NULL",
                    "0|4|1|0\n10|3|1|0\n66|2|0|1\n366|1|0|1\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 17 takes steps as rule 5 makes them. User 1: A day 0, A day 5, B
** day 20; user 2: A day 0; E = day 30. 'collapse' (and 'first_only'):
** steps A, B, an event at 20; 'keep': A, A, an event at 5.
*/
START_TEST(test_repeats) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE r(user_id, program, enrolled_at);"
                 "INSERT INTO r VALUES (1,'A','2020-01-01'),(1,'A','2020-01-06'),"
                 " (1,'B','2020-01-21'),(2,'A','2020-01-01');");
    static const char zCall[] = "SELECT day, at_risk, events, censored FROM continuation_curve('r')"
                                " WHERE observe_until = '2020-01-31' AND program IS NULL";
    lpt_assert_rows(db, zCall, "20|2|1|0\n30|1|0|1\n");
    char *zSql = sqlite3_mprintf("%s AND repeats = 'keep'", zCall);
    lpt_assert_rows(db, zSql, "5|2|1|0\n30|1|0|1\n");
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("%s AND repeats = 'first_only'", zCall);
    lpt_assert_rows(db, zSql, "20|2|1|0\n30|1|0|1\n");
    sqlite3_free(zSql);
    sqlite3_close(db);
}
END_TEST

/* An empty source, and group_value that keeps nobody: no rows. */
START_TEST(test_no_users) {
    int64_t nSavedSplit = learnpath_km_split_least;
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE z(user_id, program, enrolled_at, acct);"
                 "INSERT INTO z VALUES (1, 'A', '2020-01-01', 'x');");
    lpt_exec(db, "CREATE TABLE empty(user_id, program, enrolled_at)");
    /* as the sort's default, then with every memo's work on two threads */
    for (int k = 0; k < 2; k++) {
        learnpath_km_split_least = k == 0 ? nSavedSplit : 0;
        lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
        lpt_assert_rows(db, "SELECT count(*) FROM continuation_curve('empty')", "0\n");
        lpt_assert_rows(db, "SELECT count(*) FROM continuation_stats('empty')", "0\n");
        lpt_assert_rows(db,
                        "SELECT count(*) FROM continuation_stats('z') WHERE group_col = 'acct'"
                        " AND group_value = 'y'",
                        "0\n");
        lpt_assert_rows(db,
                        "SELECT users, censored FROM continuation_stats('z') WHERE group_col = 'acct'"
                        " AND group_value = 'x' AND program IS NULL",
                        "1|1\n");
        lpt_assert_rows(db,
                        "SELECT day, at_risk, censored, survival FROM continuation_curve('z')"
                        " WHERE observe_until = '2020-01-11'",
                        "10|1|1|1\n10|1|1|1\n");
    }
    learnpath_km_split_least = nSavedSplit;
    sqlite3_close(db);
}
END_TEST

/*
** Strata with segments ignored (lp_km_orders.c learnpath_km_strata) give
** the same rows whether every user's stratum is merged from the runs as it
** is built or read from the order by time that continuation_cohorts
** without a segment made before: the curve, continuation_stats and
** next_program_incidence without a segment, over a memo made with
** segments, asked with and without the cohorts first. On 3,000 sample
** users, on one thread and on two (the strata split from 0 users), and
** with observe_until before every start (a memo of no user: no rows).
*/
START_TEST(test_strata_after_cohorts) {
    static const char *const azSql[] = {
        "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at')",
        "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at') WHERE at_days = '30,365'",
        "SELECT * FROM continuation_stats('e', 'user_id', 'program', 'enrolled_at')",
        "SELECT * FROM next_program_incidence('e', 'user_id', 'program', 'enrolled_at')",
        "SELECT count(*) FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at')"
        " WHERE observe_until = '2000-01-01'",
    };
    int64_t nSavedSplit = learnpath_km_split_least;
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(3000, 5)");
    for (int k = 0; k < 2; k++) {
        learnpath_km_split_least = k == 0 ? nSavedSplit : 0;
        lpt_exec(db, k == 0 ? "SELECT learnpath_threads(1)" : "SELECT learnpath_threads(2)");
        for (int i = 0; i < CC_N(azSql); i++) {
            const char *zUntil = i == CC_N(azSql) - 1 ? " WHERE observe_until = '2000-01-01'" : "";
            char *zCohorts = sqlite3_mprintf("SELECT count(*) FROM continuation_cohorts('e', 'user_id',"
                                             " 'program', 'enrolled_at')%s",
                                             zUntil);
            char *zSeg = sqlite3_mprintf("SELECT count(*) FROM continuation_stats('e', 'user_id', 'program',"
                                         " 'enrolled_at', 'user_type')%s",
                                         zUntil);
            /* merged: the memo made with segments, nothing pooled */
            lpt_exec(db, "SELECT learnpath_cache_clear()");
            lpt_exec(db, zSeg);
            char *zWant = lpt_query(db, azSql[i]);
            ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0, "%s: %.200s", azSql[i], zWant);
            ck_assert_msg(i == CC_N(azSql) - 1 ? strcmp(zWant, "0\n") == 0 : strlen(zWant) > 200, "%s: %.200s",
                          azSql[i], zWant);
            /* read from the cohorts' order by time */
            lpt_exec(db, "SELECT learnpath_cache_clear()");
            lpt_exec(db, zSeg);
            lpt_exec(db, zCohorts);
            char *zGot = lpt_query(db, azSql[i]);
            ck_assert_msg(zGot && strcmp(zGot, zWant) == 0, "%s, threads %d, after the cohorts:\n%.300s\nwithout:\n%.300s",
                          azSql[i], k + 1, zGot, zWant);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
            sqlite3_free(zSeg);
            sqlite3_free(zCohorts);
        }
    }
    learnpath_km_split_least = nSavedSplit;
    lpt_exec(db, "SELECT learnpath_threads(2)");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------------------- Limits */

/* Rule 18's arguments: messages verbatim, named by the function. */
START_TEST(test_argument_errors) {
    sqlite3 *db = cc_open();
    static const struct {
        const char *zSql, *zWant;
    } a[] = {
        {"SELECT * FROM continuation_curve('e') WHERE conf_level = 1",
         "ERROR: continuation_curve(): conf_level must be a number greater than 0 and less than 1,"
         " not 1"},
        {"SELECT * FROM continuation_stats('e') WHERE conf_level = 0",
         "ERROR: continuation_stats(): conf_level must be a number greater than 0 and less than 1,"
         " not 0"},
        {"SELECT * FROM continuation_stats('e') WHERE conf_level = 'high'",
         "ERROR: continuation_stats(): conf_level must be a number greater than 0 and less than 1,"
         " not 'high'"},
        {"SELECT * FROM continuation_stats('e') WHERE conf_level = 95",
         "ERROR: continuation_stats(): conf_level must be a number greater than 0 and less than 1,"
         " not 95"},
        {"SELECT * FROM continuation_curve('e') WHERE conf_type = 'logit'",
         "ERROR: continuation_curve(): conf_type must be 'log', 'log-log' or 'plain', not 'logit'"},
        {"SELECT * FROM continuation_curve('e') WHERE at_days = -1",
         "ERROR: continuation_curve(): at_days must be a number of days >= 0 or a text of them"
         " separated by commas, not -1"},
        {"SELECT * FROM continuation_curve('e') WHERE at_days = '30,,90'",
         "ERROR: continuation_curve(): at_days must be a number of days >= 0 or a text of them"
         " separated by commas, not '30,,90'"},
        {"SELECT * FROM continuation_curve('e') WHERE at_days = '30;90'",
         "ERROR: continuation_curve(): at_days must be a number of days >= 0 or a text of them"
         " separated by commas, not '30;90'"},
        {"SELECT * FROM continuation_curve('e') WHERE at_days = '1e3'",
         "ERROR: continuation_curve(): at_days must be a number of days >= 0 or a text of them"
         " separated by commas, not '1e3'"},
        {"SELECT * FROM continuation_curve('e') WHERE at_days = ''",
         "ERROR: continuation_curve(): at_days must be a number of days >= 0 or a text of them"
         " separated by commas, not ''"},
        {"SELECT * FROM continuation_curve('e') WHERE observe_until = 'soon'",
         "ERROR: continuation_curve(): observe_until must be a time, not 'soon'"},
        /* an argument error comes before the source is read */
        {"SELECT * FROM continuation_curve('nope') WHERE conf_level = 2",
         "ERROR: continuation_curve(): conf_level must be a number greater than 0 and less than 1,"
         " not 2"},
    };
    for (int i = 0; i < CC_N(a); i++) lpt_assert_rows(db, a[i].zSql, a[i].zWant);
    /* at_days lists 10000 days at most */
    lpt_assert_rows(db,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)"
                    " SELECT count(*) FROM n, continuation_curve('e')"
                    " WHERE at_days = (SELECT group_concat(i) FROM n) AND n.i = 1",
                    "ERROR: continuation_curve(): at_days must list at most 10000 days, not 10001");
    sqlite3_close(db);
}
END_TEST

/*
** The arguments read back (the hidden columns); conf_type is also
** continuation_stats' last column, spelt as declared; the level changes
** the band (0.9: z = 1.6448536269514715).
*/
START_TEST(test_arguments_read_back) {
    sqlite3 *db = cc_open();
    lpt_assert_rows(db,
                    "SELECT observe_until, conf_type, conf_level, at_days FROM continuation_curve('e')"
                    " LIMIT 1",
                    "NULL|log|0.95|NULL\n");
    lpt_assert_rows(db,
                    "SELECT conf_type, conf_level FROM continuation_stats('e')"
                    " WHERE conf_type = 'LOG-LOG' AND conf_level = 0.9 LIMIT 1",
                    "log-log|0.9\n");
    /* students at 10 under 'log' at 0.9: R's survfit(..., conf.int = 0.9)$lower[1] */
    static const double aWant[] = {10, 0.70234242837707106};
    cc_assert_numbers(db,
                      "SELECT day, lower FROM continuation_curve" CC_ARGS " WHERE" CC_E
                      " AND conf_level = '0.9' AND segment = 's' AND program = 'A' LIMIT 1",
                      2, aWant, 1);
    sqlite3_close(db);
}
END_TEST

/*
** The cached users serve the functions as they serve the others: the same
** query twice, and after first_program_stats, gives the same rows; under
** a memory budget the users are streamed and the rows are the same.
*/
START_TEST(test_cache_and_stream) {
    static const char *const azSql[] = {
        "SELECT * FROM continuation_curve" CC_ARGS " WHERE" CC_E,
        "SELECT * FROM next_program_incidence" CC_ARGS " WHERE" CC_E " AND at_days = '0,20,45'",
        "SELECT * FROM continuation_cohorts" CC_ARGS " WHERE" CC_E " AND windows = '10,300'",
    };
    for (int i = 0; i < CC_N(azSql); i++) {
        sqlite3 *db = cc_open();
        const char *zSql = azSql[i];
        char *zFirst = lpt_query(db, zSql);
        ck_assert_ptr_nonnull(zFirst);
        ck_assert_msg(strncmp(zFirst, "ERROR", 5) != 0 && strlen(zFirst) > 20, "%s: %s", zSql,
                      zFirst);
        lpt_exec(db, "SELECT * FROM first_program_stats('e')");
        lpt_assert_rows(db, zSql, zFirst);
        lpt_exec(db, "SELECT learnpath_cache_clear(); SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db, zSql, zFirst);
        sqlite3_free(zFirst);
        sqlite3_close(db);
    }
}
END_TEST


/*
** A memory budget swept across the one continuation_curve and
** segment_compare need (lp_km_pass.c kmCheckBudget, lp_compare.c
** learnpath_cmp_build): at each budget the rows are those without a
** budget, or the budget's error (rule 10), never other rows. On 10,000
** sample users (the curve) and 17,000 (the comparison, which needs less a
** user) the sweep passes from refusals to the rows.
*/
START_TEST(test_budget_sweep) {
    static const char *const azSql[] = {
        "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
    };
    static const int anUser[] = {10000, 17000};
    sqlite3 *db = lpt_open();
    for (int i = 0; i < CC_N(azSql); i++) {
        int nSame = 0, nRefused = 0, nTimes = 0;
        char zMake[120];
        sqlite3_snprintf((int)sizeof(zMake), zMake,
                         "DROP TABLE IF EXISTS e; CREATE TABLE e AS SELECT * FROM sample_enrollments(%d, 7)",
                         anUser[i]);
        lpt_exec(db, zMake);
        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        char *zWant = lpt_query(db, azSql[i]);
        ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0 && strlen(zWant) > 1000, "%.200s", zWant);
        for (sqlite3_int64 nBudget = 1000000; nBudget <= 3000000; nBudget += 100000) {
            char zSet[100];
            sqlite3_snprintf((int)sizeof(zSet), zSet,
                             "SELECT learnpath_memory_budget(%lld), learnpath_cache_clear()",
                             (long long)nBudget);
            lpt_exec(db, zSet);
            char *zGot = lpt_query(db, azSql[i]);
            if (strcmp(zGot, zWant) == 0) {
                nSame++;
            } else {
                ck_assert_msg(strncmp(zGot, "ERROR", 5) == 0 && strstr(zGot, "needs more than") &&
                                  strstr(zGot, "raise learnpath_memory_budget()"),
                              "%s, budget %lld:\n%.300s", azSql[i], (long long)nBudget, zGot);
                nRefused++;
                /* the error says what outgrew the budget: each user's times */
                nTimes += strstr(zGot, " to keep the times of ") != NULL;
            }
            sqlite3_free(zGot);
        }
        ck_assert_msg(nSame > 0 && nRefused > 0, "%s: %d the same, %d refused", azSql[i], nSame,
                      nRefused);
        ck_assert_msg(nTimes > 0, "%s: no refusal names the users' times", azSql[i]);
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST

/*
** More than 65,536 (segment, first program) keys: the users are sorted by
** step, then by segment, not by one counting sort of the pair
** (lp_km_pass.c kmSortUsers). 300 extra segments and 600 extra programs,
** a user each, beside the sample: the curves of the sample's segments are
** those of the sample's rows alone; segment_compare notes the log-rank
** test it does not compute past 20 segments (lp_compare_table.c). Asked
** first, segment_compare has the order by segment made (the sort leaves
** it past those keys: lp_km_pass.c learnpath_km_orders), and its tables
** count each segment's users as plain SQL does: first programs, and over
** every first program those observed for the whole 365 days.
*/
START_TEST(test_many_segment_keys) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(3000, 7);"
                 "CREATE TABLE x AS SELECT user_id, program, enrolled_at, user_type FROM e;"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
                 " INSERT INTO x SELECT 1000000 + i, 'P' || i, '2020-01-01', 'S' || i FROM n"
                 " UNION ALL SELECT 1000000 + i, 'Q' || i, '2020-03-01', 'S' || i FROM n;");
    {
        char *zFirst = lpt_query(db, "SELECT segment, count(*) FROM first_program('x', 'user_id', 'program',"
                                     " 'enrolled_at', 'user_type') WHERE segment IS NOT NULL GROUP BY 1 ORDER BY 1");
        char *zElig = lpt_query(
            db, "WITH f AS (SELECT segment,"
                " CAST(round((julianday(started_at) - 2440587.5) * 86400000) AS INTEGER) AS s1"
                " FROM first_program('x', 'user_id', 'program', 'enrolled_at', 'user_type')),"
                " m AS (SELECT CAST(round((max(julianday(enrolled_at)) - 2440587.5) * 86400000) AS INTEGER)"
                " AS E FROM x)"
                " SELECT segment, count(*) FROM f, m WHERE segment IS NOT NULL AND E - s1 >= 365 * 86400000"
                " GROUP BY 1 ORDER BY 1");
        lpt_exec(db, "SELECT learnpath_cache_clear()");
        lpt_assert_rows(db,
                        "SELECT segment, sum(observed) FROM segment_cells('x', 'user_id', 'program',"
                        " 'enrolled_at', 'user_type') WHERE question = 'first_program' GROUP BY 1 ORDER BY 1",
                        zFirst);
        lpt_assert_rows(db,
                        "SELECT segment, sum(observed) FROM segment_cells('x', 'user_id', 'program',"
                        " 'enrolled_at', 'user_type') WHERE question = 'continued' AND program IS NULL"
                        " GROUP BY 1 ORDER BY 1",
                        zElig);
        ck_assert_msg(strlen(zFirst) > 1000 && strlen(zElig) > 1000, "%.100s / %.100s", zFirst, zElig);
        sqlite3_free(zFirst);
        sqlite3_free(zElig);
    }
    char *zWant = lpt_query(db, "SELECT * FROM continuation_curve('e', 'user_id', 'program', "
                                "'enrolled_at', 'user_type') ORDER BY 1, 2, 3");
    ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0 && strlen(zWant) > 1000, "%.200s", zWant);
    lpt_assert_rows(db,
                    "SELECT * FROM continuation_curve('x', 'user_id', 'program', 'enrolled_at', "
                    "'user_type') WHERE segment NOT GLOB 'S[0-9]*' ORDER BY 1, 2, 3",
                    zWant);
    char *zOne = lpt_query(db, "SELECT count(*), sum(at_risk) FROM continuation_curve('x', 'user_id', "
                               "'program', 'enrolled_at', 'user_type') WHERE segment = 'S7'");
    ck_assert_str_eq(zOne, "2|2\n");
    sqlite3_free(zOne);
    /* and segment_compare's log-rank test, past 20 segments, says so */
    lpt_assert_rows(db,
                    "SELECT count(*) FROM segment_compare('x', 'user_id', 'program', 'enrolled_at',"
                    " 'user_type') WHERE test = 'log_rank' AND program IS NULL"
                    " AND note = 'more than 20 segments with users: not compared by the log-rank test'",
                    "1\n");
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/*
** 2^32 (segment, first program) keys or more: the users are sorted with
** qsort (lp_km_pass.c kmSortUsers' fallback, kmUserCmp). 66,000 extra
** segments and 132,000 extra programs, a user each, beside the sample: the
** sample's segments have their own curves, and an extra user its two rows.
*/
START_TEST(test_segment_keys_past_2_32) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(3000, 7);"
                 "CREATE TABLE x AS SELECT user_id, program, enrolled_at, user_type FROM e;"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 66000)"
                 " INSERT INTO x SELECT 1000000 + i, 'P' || i, '2020-01-01', 'S' || i FROM n"
                 " UNION ALL SELECT 1000000 + i, 'Q' || i, '2020-03-01', 'S' || i FROM n;");
    char *zWant = lpt_query(db, "SELECT * FROM continuation_curve('e', 'user_id', 'program', "
                                "'enrolled_at', 'user_type') ORDER BY 1, 2, 3");
    ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0 && strlen(zWant) > 1000, "%.200s", zWant);
    lpt_assert_rows(db,
                    "SELECT * FROM continuation_curve('x', 'user_id', 'program', 'enrolled_at', "
                    "'user_type') WHERE segment NOT GLOB 'S[0-9]*' ORDER BY 1, 2, 3",
                    zWant);
    lpt_assert_rows(db,
                    "SELECT count(*), sum(at_risk) FROM continuation_curve('x', 'user_id', 'program',"
                    " 'enrolled_at', 'user_type') WHERE segment = 'S65999'",
                    "2|2\n");
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/*
** The memo's sort (lp_km_sort.c) holds the pass's users and one buffer as
** large, 32 bytes a user each, and takes no block besides: the order by
** segment is moved into one buffer, the main order made from it into the
** other. Over data already read, continuation_stats' heap grows by less
** than 72 bytes a user while it runs (a third block for the order by
** segment made it 92), and the memo then keeps its two orders, 56 bytes a
** user. The same without a segment column reads that memo, and keeps no
** order of all users (it kept two, 56 bytes a user). On 100,000 sample
** users, on two threads and on one.
*/
START_TEST(test_memo_sort_room) {
    static const char zStats[] =
        "SELECT count(*), sum(users) FROM continuation_stats('e', 'user_id', 'program', 'enrolled_at',"
        " 'user_type')";
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(100000, 3)");
    for (int nThread = 2; nThread >= 1; nThread--) {
        sqlite3_int64 nBase, nHigh, nNow, nUser;
        char zSet[100], *zGot;
        sqlite3_snprintf((int)sizeof(zSet), zSet, "SELECT learnpath_threads(%d), learnpath_cache_clear()",
                         nThread);
        lpt_exec(db, zSet);
        zGot = lpt_query(db, "SELECT count(*) FROM first_program_stats('e', 'user_id', 'program',"
                             " 'enrolled_at', 'user_type')");
        sqlite3_free(zGot);
        zGot = lpt_query(db, "SELECT count(*) FROM first_program('e', 'user_id', 'program', 'enrolled_at',"
                             " 'user_type')");
        nUser = atoll(zGot);
        sqlite3_free(zGot);
        ck_assert_msg(nUser > 90000, "%lld users", (long long)nUser);
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nBase, &nHigh, 1);
        zGot = lpt_query(db, zStats);
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nNow, &nHigh, 0);
        ck_assert_msg(strncmp(zGot, "ERROR", 5) != 0, "%s", zGot);
        sqlite3_free(zGot);
        ck_assert_msg(nHigh - nBase < 72 * nUser, "threads %d: the heap grew by %lld bytes for %lld users",
                      nThread, (long long)(nHigh - nBase), (long long)nUser);
        ck_assert_msg(nNow - nBase >= 56 * nUser && nNow - nBase < 60 * nUser,
                      "threads %d: the memo keeps %lld bytes for %lld users", nThread,
                      (long long)(nNow - nBase), (long long)nUser);
        /* segments ignored, over the same memo: each stratum over all
        ** segments merged in a scratch (12 bytes a user of the largest, a
        ** thread), no pooled order of every user kept (56 bytes a user) */
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nBase, &nHigh, 1);
        zGot = lpt_query(db, "SELECT count(*), sum(users) FROM continuation_stats('e', 'user_id', 'program',"
                             " 'enrolled_at')");
        sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nNow, &nHigh, 0);
        ck_assert_msg(strncmp(zGot, "ERROR", 5) != 0, "%s", zGot);
        sqlite3_free(zGot);
        ck_assert_msg(nHigh - nBase < 30 * nUser, "threads %d: segments ignored, the heap grew by %lld bytes",
                      nThread, (long long)(nHigh - nBase));
        ck_assert_msg(nNow - nBase < nUser, "threads %d: segments ignored, %lld bytes kept", nThread,
                      (long long)(nNow - nBase));
    }
    lpt_exec(db, "SELECT learnpath_threads(2)");
    sqlite3_close(db);
}
END_TEST

/*
** The memo kept with the data (lp_km_pass.c) stays bounded: a session
** asking for ever new conf_level values keeps at most 8 results, and for
** ever new observe_until values at most 4 memos, so the heap after 48
** queries is about the heap after 12; a result dropped is computed again,
** the same (rules 17-18). On 3,000 sample users, one connection.
*/
START_TEST(test_memo_bounded) {
    sqlite3 *db = lpt_open();
    char zSql[256];
    char *zFirst = NULL, *zFirstE = NULL;
    sqlite3_int64 nAt12 = 0, nAt48 = 0;
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(3000, 5)");
    for (int i = 0; i < 48; i++) {
        sqlite3_snprintf(sizeof zSql, zSql,
                         "SELECT * FROM continuation_curve('e', 'user_id', 'program', "
                         "'enrolled_at', 'user_type') WHERE conf_level = %.3f",
                         0.5 + 0.009 * i);
        char *zGot = lpt_query(db, zSql);
        ck_assert_msg(strncmp(zGot, "ERROR", 5) != 0 && strlen(zGot) > 1000, "%s: %.200s", zSql, zGot);
        if (i == 0) zFirst = zGot; else sqlite3_free(zGot);
        if (i == 11) nAt12 = sqlite3_memory_used();
    }
    nAt48 = sqlite3_memory_used();
    ck_assert_msg(nAt48 <= nAt12 + nAt12 / 20 + 65536, "heap %lld after 12 queries, %lld after 48",
                  (long long)nAt12, (long long)nAt48);
    /* the first spec, dropped long ago, computed again */
    lpt_assert_rows(db, "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at',"
                        " 'user_type') WHERE conf_level = 0.500", zFirst);
    for (int i = 0; i < 24; i++) {
        sqlite3_snprintf(sizeof zSql, zSql,
                         "SELECT * FROM continuation_stats('e', 'user_id', 'program', "
                         "'enrolled_at', 'user_type') WHERE observe_until = date('2021-01-01', '+%d days')",
                         7 * i);
        char *zGot = lpt_query(db, zSql);
        ck_assert_msg(strncmp(zGot, "ERROR", 5) != 0, "%s: %.200s", zSql, zGot);
        if (i == 0) zFirstE = zGot; else sqlite3_free(zGot);
        if (i == 5) nAt12 = sqlite3_memory_used();
    }
    nAt48 = sqlite3_memory_used();
    ck_assert_msg(nAt48 <= nAt12 + nAt12 / 20 + 65536, "heap %lld after 6 observe_until, %lld after 24",
                  (long long)nAt12, (long long)nAt48);
    lpt_assert_rows(db, "SELECT * FROM continuation_stats('e', 'user_id', 'program', 'enrolled_at',"
                        " 'user_type') WHERE observe_until = date('2021-01-01', '+0 days')", zFirstE);
    sqlite3_free(zFirst);
    sqlite3_free(zFirstE);
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------- next_program_incidence */

/*
** Rule 20 on the issue's student times with destinations: E = 2021-01-01,
** first program A; the events at 10 (B), 20 (C), 30 (the tie B + C), 40
** (B), 60 (C); censored at 20, 35, 50. By hand, with S just before each
** time: t=10 n=8: CIF_B = 1/8, S = 7/8; t=20 n=7: CIF_C = (7/8)/7 = 1/8,
** S = 3/4; t=30 n=5: CIF_B+C = (3/4)/5 = 0.15, S = 0.6; t=40 n=3: CIF_B +=
** 0.6/3 (0.325), S = 0.4; t=60 n=1: CIF_C += 0.4 (0.525), S = 0. R's
** survfit(Surv(time, factor(dest, c("censor", "B", "B + C", "C"))) ~ 1)
** gives the same pstate at 15, 30 and 100.
*/
#define CC_DEST_FIXTURE                                                                         \
    "CREATE TABLE d(user_id, program, enrolled_at);"                                            \
    "WITH f(i, t, dest) AS (VALUES (1,10,'B'),(2,20,NULL),(3,20,'C'),(4,30,'B+C'),(5,35,NULL),"  \
    " (6,40,'B'),(7,50,NULL),(8,60,'C'))"                                                       \
    " INSERT INTO d SELECT i, 'A', CASE WHEN dest IS NULL"                                      \
    "   THEN datetime('2021-01-01', '-' || t || ' days') ELSE '2020-01-01' END FROM f"          \
    " UNION ALL SELECT i, p.value, datetime('2020-01-01', '+' || t || ' days') FROM f,"         \
    "   json_each('[\"B\",\"C\"]') AS p WHERE dest = p.value OR dest = 'B+C';"

START_TEST(test_incidence_by_hand) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, CC_DEST_FIXTURE);
    /* to_tied (NULL: -1 here), day, incidence, naive_share */
    static const double aWant[] = {
        0, 15, 0.125, 0.125,  0, 30, 0.125, 0.125,  0, 100, 0.325, 0.25,  /* B */
        1, 15, 0, 0,          1, 30, 0.15, 0.125,   1, 100, 0.15, 0.125,  /* B + C */
        0, 15, 0, 0,          0, 30, 0.125, 0.125,  0, 100, 0.525, 0.25,  /* C */
        -1, 15, 0.875, 0.875, -1, 30, 0.6, 0.625,   -1, 100, 0, 0.375,    /* not yet */
    };
    cc_assert_numbers(db,
                      "SELECT coalesce(to_tied, -1), day, incidence, naive_share"
                      " FROM next_program_incidence('d') WHERE observe_until = '2021-01-01'"
                      " AND at_days = '100,15,30' AND program = 'A'",
                      4, aWant, 12);
    lpt_assert_rows(db,
                    "SELECT DISTINCT coalesce(program, '-'), coalesce(to_program, '-')"
                    " FROM next_program_incidence('d') WHERE observe_until = '2021-01-01'",
                    "A|B\nA|B + C\nA|C\nA|-\n-|B\n-|B + C\n-|C\n-|-\n");
    /* the strata of continuation_curve, and the not-yet row is its survival,
    ** the same number */
    lpt_assert_rows(db,
                    "SELECT count(*), sum(i.incidence = c.survival)"
                    " FROM next_program_incidence('d') AS i JOIN continuation_curve('d') AS c"
                    " ON c.program IS i.program AND c.day = i.day"
                    " WHERE i.to_program IS NULL AND i.observe_until = '2021-01-01'"
                    " AND c.observe_until = '2021-01-01' AND c.at_days = '30,90,180,365'",
                    "8|8\n");
    /* the default days */
    lpt_assert_rows(db,
                    "SELECT group_concat(day), at_days FROM next_program_incidence('d')"
                    " WHERE to_program = 'B' AND program = 'A'",
                    "30.0,90.0,180.0,365.0|30,90,180,365\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 20 on 3000 users of sample_enrollments, every option shape: the
** incidences of a stratum and day sum to 1 (to 1e-12: they are sums of
** products, not exact in binary), as do the naive shares; each naive share
** is the plain count of first_program's users with that next program
** within the day (E the source's last time, so every next step counts);
** and the not-yet row equals continuation_curve's survival.
*/
START_TEST(test_incidence_sums_and_counts) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE s AS SELECT * FROM sample_enrollments(3000, 11);"
                 "CREATE TABLE f AS SELECT * FROM first_program('s', 'user_id', 'program',"
                 " 'enrolled_at', 'user_type');"
                 "CREATE INDEX f_program ON f(segment, program);");
    static const char *const azWhere[] = {"", " AND ties = 'name'", " AND within_days = 60",
                                          " AND repeats = 'keep'"};
    for (int w = 0; w < CC_N(azWhere); w++) {
        char *zSql = sqlite3_mprintf(
            "SELECT count(*) > 20, max(abs(si - 1)) < 1e-12, max(abs(sn - 1)) < 1e-12"
            " FROM (SELECT sum(incidence) AS si, sum(naive_share) AS sn"
            "  FROM next_program_incidence('s', 'user_id', 'program', 'enrolled_at', 'user_type')"
            "  WHERE at_days = '0,7,30,365,10000'%s GROUP BY segment, program, day)",
            azWhere[w]);
        lpt_assert_rows(db, zSql, "1|1|1\n");
        sqlite3_free(zSql);
    }
    /* naive_share x users is first_program's plain count */
    lpt_assert_rows(db,
                    "WITH i AS (SELECT * FROM next_program_incidence('s', 'user_id', 'program',"
                    "   'enrolled_at', 'user_type') WHERE at_days = '0,7,30,365'),"
                    " c AS (SELECT i.*, (SELECT count(*) FROM f WHERE f.segment IS i.segment"
                    "   AND (i.program IS NULL OR f.program = i.program)) AS users,"
                    "  (SELECT count(*) FROM f WHERE f.segment IS i.segment"
                    "   AND (i.program IS NULL OR f.program = i.program)"
                    "   AND CASE WHEN i.to_program IS NULL"
                    "     THEN f.next_program IS NULL OR f.days_to_next > i.day"
                    "     ELSE f.next_program = i.to_program AND f.days_to_next <= i.day END) AS gone"
                    "  FROM i)"
                    " SELECT count(*) > 100, sum(naive_share <> CAST(gone AS REAL) / users) FROM c",
                    "1|0\n");
    lpt_assert_rows(db,
                    "SELECT count(*) > 50, sum(i.incidence <> c.survival)"
                    " FROM next_program_incidence('s', 'user_id', 'program', 'enrolled_at',"
                    "  'user_type') AS i"
                    " JOIN continuation_curve('s', 'user_id', 'program', 'enrolled_at', 'user_type') AS c"
                    " ON c.segment IS i.segment AND c.program IS i.program AND c.day = i.day"
                    " WHERE i.to_program IS NULL AND c.at_days = '30,90,180,365'",
                    "1|0\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 20 with many programs: 300 programs (and their tie groups, rule 4)
** among 3,000 users, so a first
** program's stratum has a few users and far more label places than users
** (its destinations sorted, lp_survival.c kmDestinations), while the
** stratum over every first program has more users than places (marked in
** a table). Either way each destination's naive_share x users is
** first_program's plain count of users gone there by the day, and the
** incidences sum to 1.
*/
START_TEST(test_incidence_many_programs) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE s AS SELECT * FROM sample_enrollments(3000, 5);"
                 "CREATE TABLE m AS SELECT user_id, printf('P%03d', (rowid * 7919) % 300) AS program,"
                 " enrolled_at FROM s;"
                 "CREATE TABLE f AS SELECT * FROM first_program('m', 'user_id', 'program', 'enrolled_at');");
    lpt_assert_rows(db,
                    "SELECT count(DISTINCT program) >= 300, count(DISTINCT next_program) > 250,"
                    " max(n) < 40 FROM f, (SELECT count(*) AS n FROM f GROUP BY program)",
                    "1|1|1\n");
    /* (each count by an index: one scan of f per row took seconds) */
    lpt_exec(db, "CREATE INDEX f_pn ON f(program, next_program, days_to_next);"
                 "CREATE INDEX f_n ON f(next_program, days_to_next);");
    lpt_assert_rows(db,
                    "WITH i AS (SELECT * FROM next_program_incidence('m', 'user_id', 'program',"
                    "   'enrolled_at') WHERE at_days = '0,30,365,2000'),"
                    " c AS (SELECT i.*, CASE WHEN i.program IS NULL THEN (SELECT count(*) FROM f)"
                    "   ELSE (SELECT count(*) FROM f WHERE f.program = i.program) END AS users,"
                    "  CASE WHEN i.to_program IS NULL THEN"
                    "   CASE WHEN i.program IS NULL THEN (SELECT count(*) FROM f"
                    "     WHERE f.next_program IS NULL OR f.days_to_next > i.day)"
                    "   ELSE (SELECT count(*) FROM f WHERE f.program = i.program"
                    "     AND (f.next_program IS NULL OR f.days_to_next > i.day)) END"
                    "  ELSE CASE WHEN i.program IS NULL THEN (SELECT count(*) FROM f"
                    "     WHERE f.next_program = i.to_program AND f.days_to_next <= i.day)"
                    "   ELSE (SELECT count(*) FROM f WHERE f.program = i.program"
                    "     AND f.next_program = i.to_program AND f.days_to_next <= i.day) END"
                    "  END AS gone FROM i)"
                    " SELECT count(*) > 3000, sum(program IS NULL AND to_program IS NOT NULL) > 4 * 250,"
                    "  sum(naive_share <> CAST(gone AS REAL) / users) FROM c",
                    "1|1|0\n");
    lpt_assert_rows(db,
                    "SELECT count(*) = 4 * (SELECT count(DISTINCT program) + 1 FROM f), max(abs(si - 1)) < 1e-12"
                    " FROM (SELECT sum(incidence) AS si FROM next_program_incidence('m', 'user_id',"
                    "  'program', 'enrolled_at') WHERE at_days = '0,30,365,2000' GROUP BY program, day)",
                    "1|1\n");
    sqlite3_close(db);
}
END_TEST

/* Rules 20-21: argument errors name the function and the argument. */
START_TEST(test_incidence_cohort_errors) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, CC_DEST_FIXTURE);
    static const struct {
        const char *zSql, *zWant;
    } a[] = {
        {"SELECT * FROM next_program_incidence('d') WHERE at_days = -1",
         "ERROR: next_program_incidence(): at_days must be a number of days >= 0 or a text of"
         " them separated by commas, not -1"},
        {"SELECT * FROM next_program_incidence('d') WHERE at_days = '30,x'",
         "ERROR: next_program_incidence(): at_days must be a number of days >= 0 or a text of"
         " them separated by commas, not '30,x'"},
        {"SELECT * FROM next_program_incidence('d') WHERE observe_until = 'soon'",
         "ERROR: next_program_incidence(): observe_until must be a time, not 'soon'"},
        {"SELECT * FROM next_program_incidence('d') WHERE conf_type = 'log'",
         "ERROR: no such column: conf_type"},
        {"SELECT * FROM continuation_cohorts('d') WHERE windows = ''",
         "ERROR: continuation_cohorts(): windows must be a number of days >= 0 or a text of"
         " them separated by commas, not ''"},
        {"SELECT * FROM continuation_cohorts('d') WHERE windows = x'01'",
         "ERROR: continuation_cohorts(): windows must be a text without a NUL byte or a number,"
         " not a blob"},
        {"SELECT * FROM continuation_cohorts('d') WHERE at_days = 30",
         "ERROR: no such column: at_days"},
        {"SELECT * FROM continuation_cohorts('nope') WHERE windows = 'x'",
         "ERROR: continuation_cohorts(): windows must be a number of days >= 0 or a text of"
         " them separated by commas, not 'x'"},
    };
    for (int i = 0; i < CC_N(a); i++) lpt_assert_rows(db, a[i].zSql, a[i].zWant);
    lpt_assert_rows(db,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10001)"
                    " SELECT count(*) FROM n, continuation_cohorts('d')"
                    " WHERE windows = (SELECT group_concat(i) FROM n) AND n.i = 1",
                    "ERROR: continuation_cohorts(): windows must list at most 10000 days, not 10001");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------- continuation_cohorts */

/*
** Rule 21 by hand. E = 2020-03-31 (the last enrollment). Cohort 2020-01:
** user 1 A 01-01, B 01-21 (event at 20); user 2 A 01-15 (censored at 76);
** user 3 A 01-31, B 03-31 (event at 60). Cohort 2020-03: user 4 A 03-01
** (censored at 30). Windows 30 and 90: 2020-01 at 30: all eligible (E -
** s1 = 90, 76, 60), continued 1 (user 1), rate 1/3, KM: t=20 n=3 -> S =
** 2/3, km_rate 1/3; at 90: eligible 1 (user 1: 90 >= 90), continued 2,
** continued_eligible 1, rate 1, rate_naive 2/3, KM: t=60 n=2 (users 2
** and 3; user 2 is censored later, at 76) -> S = 1/3, km_rate 2/3, not
** complete. 2020-03 at 30: eligible 1 (30 >= 30), rate 0,
** complete; at 90: no one eligible, rate NULL.
*/
START_TEST(test_cohorts_by_hand) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE h(user_id, program, enrolled_at);"
                 "INSERT INTO h VALUES (1,'A','2020-01-01'),(1,'B','2020-01-21'),"
                 " (2,'A','2020-01-15'),(3,'A','2020-01-31'),(3,'B','2020-03-31'),"
                 " (4,'A','2020-03-01');");
    lpt_assert_rows(db,
                    "SELECT cohort, segment, window_days, users, continued, eligible,"
                    " continued_eligible, rate, rate_naive, km_rate, complete"
                    " FROM continuation_cohorts('h') WHERE windows = '90,30'",
                    "2020-01|NULL|30|3|1|3|1|0.3333333333|0.3333333333|0.3333333333|1\n"
                    "2020-01|NULL|90|3|2|1|1|1|0.6666666667|0.6666666667|0\n"
                    "2020-03|NULL|30|1|0|1|0|0|0|0|1\n"
                    "2020-03|NULL|90|1|0|0|0|NULL|0|0|0\n");
    /* observe_until = 2020-03-30: user 3's B comes after E (censored at 59) */
    lpt_assert_rows(db,
                    "SELECT cohort, window_days, continued, eligible, continued_eligible, km_rate,"
                    " windows FROM continuation_cohorts('h')"
                    " WHERE windows = 90 AND observe_until = '2020-03-30'",
                    "2020-01|90|1|0|0|0.3333333333|90\n2020-03|90|0|0|0|0|90\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 21 against plain SQL on 3000 users of sample_enrollments: users,
** continued, eligible and continued_eligible are plain counts over
** first_program (cohort = the month of started_at; E - s1 in whole
** milliseconds; an event is a next program within the window), and
** km_rate is continuation_curve's continued at the window, run on the
** cohort's users alone (a query source per cohort) with the same E.
*/
START_TEST(test_cohorts_against_sql) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE s AS SELECT * FROM sample_enrollments(3000, 5);"
                 "CREATE TABLE E AS SELECT max(enrolled_at) AS e FROM s;");
    /* each shape of options, with first_program shaped the same */
    static const char *const azWhere[] = {"", " AND within_days = 45", " AND ties = 'name'",
                                          " AND repeats = 'keep'"};
    for (int w = 0; w < CC_N(azWhere); w++) {
        char *zSql = sqlite3_mprintf(
            "DROP TABLE IF EXISTS f;"
            "CREATE TABLE f AS SELECT *, substr(started_at, 1, 7) AS cohort,"
            " CAST(round((julianday((SELECT e FROM E)) - julianday(started_at)) * 86400000)"
            "  AS INTEGER) AS obs_ms FROM first_program('s', 'user_id', 'program', 'enrolled_at',"
            "  'user_type') WHERE 1%s;"
            "CREATE INDEX f_cohort ON f(cohort, segment);",
            azWhere[w]);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        zSql = sqlite3_mprintf(
            "WITH k AS (SELECT * FROM continuation_cohorts('s', 'user_id', 'program', 'enrolled_at',"
            "   'user_type') WHERE windows = '7,30,90,180,365'%s),"
            " q AS (SELECT k.*,"
            "  (SELECT count(*) FROM f WHERE f.cohort = k.cohort AND f.segment IS k.segment) AS u,"
            "  (SELECT count(*) FROM f WHERE f.cohort = k.cohort AND f.segment IS k.segment"
            "    AND f.days_to_next <= k.window_days) AS c,"
            "  (SELECT count(*) FROM f WHERE f.cohort = k.cohort AND f.segment IS k.segment"
            "    AND f.obs_ms >= k.window_days * 86400000) AS el,"
            "  (SELECT count(*) FROM f WHERE f.cohort = k.cohort AND f.segment IS k.segment"
            "    AND f.obs_ms >= k.window_days * 86400000 AND f.days_to_next <= k.window_days)"
            "   AS ce FROM k)"
            " SELECT count(*) > 100, sum(users <> u), sum(continued <> c), sum(eligible <> el),"
            "  sum(continued_eligible <> ce), sum(rate IS NOT (CASE WHEN el > 0"
            "   THEN CAST(ce AS REAL) / el END)), sum(rate_naive <> CAST(c AS REAL) / u),"
            "  sum(complete <> (el = u)), sum(rate IS NULL) > 0, sum(complete) > 0 FROM q",
            azWhere[w]);
        lpt_assert_rows(db, zSql, "1|0|0|0|0|0|0|0|1|1\n");
        sqlite3_free(zSql);
    }
    /* km_rate: continuation_curve on each cohort's users, E the whole
    ** source's: equal to the last bit (256 rows: 32 months x 2 segments x 4
    ** windows) */
    lpt_exec(db,
             "CREATE TABLE k AS SELECT * FROM continuation_cohorts('s', 'user_id', 'program',"
             " 'enrolled_at', 'user_type');"
             "CREATE TABLE c AS SELECT m.cohort, c.* FROM (SELECT DISTINCT cohort FROM f) AS m,"
             " continuation_curve(printf('SELECT s.* FROM s JOIN f USING (user_id)"
             " WHERE f.cohort = %Q', m.cohort), 'user_id', 'program', 'enrolled_at',"
             " 'user_type') AS c"
             " WHERE c.observe_until = (SELECT e FROM E) AND c.at_days = '30,90,180,365'"
             " AND c.program IS NULL;");
    lpt_assert_rows(db,
                    "SELECT (SELECT count(*) FROM k), count(*), sum(k.km_rate = c.continued)"
                    " FROM k JOIN c ON c.cohort = k.cohort AND c.segment IS k.segment"
                    " AND c.day = k.window_days",
                    "256|256|256\n");
    sqlite3_close(db);
}
END_TEST

/*
** A whole curve with more rows than one allocation holds (about 20 million
** users at SQLite's 2^31-byte limit; lowered here to 50 rows) is refused by
** name with what to ask for instead, not as "out of memory"; at_days over
** the same users, and the same curve once the limit allows it, work.
*/
START_TEST(test_curve_too_many_rows) {
    static const char *zCurve =
        "SELECT count(*) FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at')";
    sqlite3 *db = lpt_open();
    int64_t nSaved = learnpath_km_most_rows, nSavedSplit = learnpath_km_split_least;
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(200, 3)");
    char *zWant = lpt_query(db, zCurve);
    /* on one thread, then with the strata on two (split at 0: kmStrataTwo
    ** finds no room in one array and leaves them to the one thread's way,
    ** which refuses by name) */
    for (int k = 0; k < 2; k++) {
        learnpath_km_split_least = k == 0 ? nSavedSplit : 0;
        lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
        learnpath_km_most_rows = 50;
        char *zGot = lpt_query(db, zCurve);
        ck_assert_msg(strstr(zGot, "ERROR: continuation_curve(): the whole curve of ") == zGot &&
                          strstr(zGot, "users has more rows") && strstr(zGot, "at_days"),
                      "%s", zGot);
        sqlite3_free(zGot);
        lpt_assert_rows(db,
                        "SELECT count(*) FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at')"
                        " WHERE at_days = '30,365' AND program IS NULL",
                        "2\n");
        learnpath_km_most_rows = nSaved;
        lpt_assert_rows(db, zCurve, zWant);
    }
    learnpath_km_split_least = nSavedSplit;
    ck_assert_int_gt(atoi(zWant), 50);
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/*
** The order by segment, which the sort makes with the main order, is
** counted once against the memory budget: the memo's bytes hold it, so the
** room for the pooled orders does not count it again. On 10,000 sample
** users the continuation functions answer at a budget of 2,000,000 bytes,
** as they did before the sort made that order (counted twice they were
** refused up to 2,220,000).
*/
START_TEST(test_budget_order_by_segment_once) {
    static const char *const azSql[] = {
        "SELECT * FROM continuation_curve('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM continuation_curve('e')",
        "SELECT * FROM continuation_cohorts('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
    };
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(10000, 7)");
    for (int i = 0; i < CC_N(azSql); i++) {
        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        char *zWant = lpt_query(db, azSql[i]);
        ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0, "%.200s", zWant);
        lpt_exec(db, "SELECT learnpath_memory_budget(2000000), learnpath_cache_clear()");
        lpt_assert_rows(db, azSql[i], zWant);
        sqlite3_free(zWant);
    }
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 17's times, whatever the unit the sort keys them in. The sort keys
** each user's time in the largest of a day, a minute, a second and a
** millisecond that divides every time (lp_km_pass.c), or in the bits of
** the time in days (with within_days). The same sample with dates alone,
** minutes, seconds and milliseconds picks each unit (learnpath_km_unit_last
** says which), and every continuation answer and segment_compare's are the
** same text with the unit forced down to each smaller one and to the bits
** (learnpath_km_unit_most), on two threads (split at 0): a key in a unit
** that does not divide a time merges distinct times into one row. An
** observe_until within a second (rule 17's E) takes the keys down to
** milliseconds.
*/
START_TEST(test_continuation_time_units) {
    static const struct {
        const char *zTable;
        const char *zWhere;
        int64_t unit;          /* the unit picked */
    } aCase[] = {
        {"d", "", 86400000},
        {"mi", "", 60000},
        {"s", "", 1000},
        {"ms", "", 1},
        {"d", " WHERE observe_until = '2021-06-30 00:00:00.5'", 1},
        {"mi", " WHERE observe_until = '2021-06-30 12:34'", 60000},
    };
    static const char *const azFn[] = {"continuation_curve", "continuation_stats", "next_program_incidence",
                                       "continuation_cohorts", "segment_compare"};
    static const int64_t aMost[] = {60000, 1000, 1, 0};
    int64_t nSavedSplit = learnpath_km_split_least;
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE s AS SELECT * FROM sample_enrollments(3000, 11);"
                 "CREATE TABLE d AS SELECT user_id, program, date(enrolled_at) AS enrolled_at, user_type FROM s;"
                 "CREATE TABLE mi AS SELECT user_id, program, strftime('%Y-%m-%d %H:%M', enrolled_at)"
                 " AS enrolled_at, user_type FROM s;"
                 "CREATE TABLE ms AS SELECT user_id, program, strftime('%Y-%m-%d %H:%M:%f', enrolled_at,"
                 " '+' || ((rowid * 37 % 1000) / 1000.0) || ' seconds') AS enrolled_at, user_type FROM s");
    learnpath_km_split_least = 0;
    for (int c = 0; c < CC_N(aCase); c++) {
        char *zWant = NULL;
        for (int m = -1; m < CC_N(aMost); m++) {
            sqlite3_str *pAll = sqlite3_str_new(NULL);
            learnpath_km_unit_most = m < 0 ? 86400000 : aMost[m];
            lpt_exec(db, "SELECT learnpath_cache_clear()");
            for (int f = 0; f < CC_N(azFn); f++) {
                char *zSql = sqlite3_mprintf("SELECT * FROM %s('%s', 'user_id', 'program', 'enrolled_at',"
                                             " 'user_type')%s",
                                             azFn[f], aCase[c].zTable, aCase[c].zWhere);
                char *zGot = lpt_query(db, zSql);
                ck_assert_msg(zGot && strncmp(zGot, "ERROR", 5) != 0 && strlen(zGot) > 200, "%s: %.300s", zSql,
                              zGot);
                if (m < 0 && f == 0) {
                    ck_assert_msg(learnpath_km_unit_last == aCase[c].unit, "%s: unit %lld, want %lld", zSql,
                                  (long long)learnpath_km_unit_last, (long long)aCase[c].unit);
                }
                sqlite3_str_appendf(pAll, "%s\n%s", zSql, zGot);
                sqlite3_free(zGot);
                sqlite3_free(zSql);
            }
            char *zAll = sqlite3_str_finish(pAll);
            ck_assert_ptr_nonnull(zAll);
            if (m < 0) {
                zWant = zAll;
                continue;
            }
            ck_assert_int_eq(learnpath_km_unit_last,
                             aMost[m] < aCase[c].unit ? aMost[m] : aCase[c].unit);
            ck_assert_msg(strcmp(zAll, zWant) == 0, "%s%s, unit at most %lld:\n%.1500s\nwant:\n%.1500s",
                          aCase[c].zTable, aCase[c].zWhere, (long long)aMost[m], zAll, zWant);
            sqlite3_free(zAll);
        }
        sqlite3_free(zWant);
    }
    learnpath_km_unit_most = 86400000;
    learnpath_km_split_least = nSavedSplit;
    sqlite3_close(db);
}
END_TEST

Suite *make_continuation_suite(void) {
    Suite *s = suite_create("continuation");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_issue_curve_log);
    tcase_add_test(tc, test_issue_curve_bands);
    tcase_add_test(tc, test_issue_at_days);
    tcase_add_test(tc, test_issue_stats);
    tcase_add_test(tc, test_median_middles);
    tcase_add_test(tc, test_normal_quantile);
    tcase_add_test(tc, test_censoring);
    tcase_add_test(tc, test_repeats);
    tcase_add_test(tc, test_no_users);
    tcase_add_test(tc, test_incidence_by_hand);
    tcase_add_test(tc, test_incidence_sums_and_counts);
    tcase_add_test(tc, test_incidence_many_programs);
    tcase_add_test(tc, test_cohorts_by_hand);
    tcase_add_test(tc, test_cohorts_against_sql);
    suite_add_tcase(s, tc);
    tc = tcase_create("Limits");
    tcase_add_test(tc, test_argument_errors);
    tcase_add_test(tc, test_arguments_read_back);
    tcase_add_test(tc, test_cache_and_stream);
    tcase_add_test(tc, test_memo_bounded);
    tcase_add_test(tc, test_strata_after_cohorts);
    tcase_add_test(tc, test_incidence_cohort_errors);
    tcase_add_test(tc, test_curve_too_many_rows);
    suite_add_tcase(s, tc);
    {
        TCase *tcBig = tcase_create("Large");
        tcase_set_timeout(tcBig, 60); /* 10,000 users, many times (slow under --coverage) */
        tcase_add_test(tcBig, test_budget_sweep);
        tcase_add_test(tcBig, test_memo_sort_room);
        tcase_add_test(tcBig, test_budget_order_by_segment_once);
        tcase_add_test(tcBig, test_many_segment_keys);
        tcase_add_test(tcBig, test_segment_keys_past_2_32);
        tcase_add_test(tcBig, test_continuation_time_units);
        suite_add_tcase(s, tcBig);
    }
    return s;
}
