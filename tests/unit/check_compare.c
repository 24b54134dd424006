/*
** check_compare.c - the "compare" suite: segment_compare and segment_cells
** (README rule 23; the tests are rule 22's, ext/lp_stats.c), on fixtures
** small enough to check by hand.
**
** The expected numbers are the issue's (15, items 1 and 6), hand
** arithmetic written out beside each, scipy 1.10.1's (fisher_exact,
** binomtest's Wilson interval) and R 4.2.2 survival's (survdiff), printed
** with 17 digits. make test-compare compares many more seeded tables with
** scipy and R themselves (tests/oracle/compare.py).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_base.h"
#include "lp_journey.h"
#include "lp_test.h"

/* |got - want| <= rel |want| (+ 1e-15 near 0). */
#define cc_close(got, want, rel)                                                              \
    ck_assert_msg(fabs((got) - (want)) <= (rel) * fabs(want) + 1e-15, "got %.17g, want %.17g", \
                  (double)(got), (double)(want))

/* The first column of zSql's first row as a double (NAN when NULL). */
static double cc_double(sqlite3 *db, const char *zSql) {
    sqlite3_stmt *pStmt = NULL;
    double r;
    ck_assert_msg(sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL) == SQLITE_OK, "%s: %s", zSql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(pStmt) == SQLITE_ROW, "%s: no row (%s)", zSql, sqlite3_errmsg(db));
    r = sqlite3_column_type(pStmt, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(pStmt, 0);
    sqlite3_finalize(pStmt);
    return r;
}

/* The issue's 2 x 5 table as first programs: segment a 330, 120, 60, 40,
** 15 users starting with P1..P5, segment b 80, 260, 50, 30, 5. */
static sqlite3 *cc_issue_table(void) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE k(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT);"
             "CREATE TABLE c(seg, program, n);"
             "INSERT INTO c VALUES ('a','P1',330),('a','P2',120),('a','P3',60),('a','P4',40),"
             " ('a','P5',15),('b','P1',80),('b','P2',260),('b','P3',50),('b','P4',30),('b','P5',5);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
             " INSERT INTO k SELECT NULL, c.program, '2020-01-01', c.seg FROM c JOIN n ON n.i <= c.n;"
             "UPDATE k SET user_id = rowid;");
    return db;
}

#define CC_FIRST(test, col)                                                                 \
    "SELECT " col " FROM segment_compare('k', 'user_id', 'program', 'enrolled_at', 'seg')" \
    " WHERE question = 'first_program' AND test = '" test "'"

/* Rules 22-23: the issue's table, no category folded (the smallest
** expected count is 20 x 425 / 990 = 8.59): X^2 = 195.4665872,
** p = 3.543508854e-41, G = 204.1832016, p = 4.735920605e-43, df 4. */
START_TEST(test_issue_table) {
    sqlite3 *db = cc_issue_table();
    cc_close(cc_double(db, CC_FIRST("pearson_chi2", "statistic")), 195.4665872, 1e-9);
    cc_close(cc_double(db, CC_FIRST("pearson_chi2", "p_value")), 3.543508854e-41, 1e-9);
    cc_close(cc_double(db, CC_FIRST("g_test", "statistic")), 204.1832016, 1e-9);
    cc_close(cc_double(db, CC_FIRST("g_test", "p_value")), 4.735920605e-43, 1e-9);
    /* a single question: p_adjusted is p_value */
    ck_assert(cc_double(db, CC_FIRST("g_test", "p_adjusted")) ==
              cc_double(db, CC_FIRST("g_test", "p_value")));
    cc_close(cc_double(db, CC_FIRST("pearson_chi2", "log10_p")), -40.450566477799406, 1e-12);
    /* Cramer's V = sqrt(X^2 / (990 (2 - 1))) */
    cc_close(cc_double(db, CC_FIRST("pearson_chi2", "effect")), sqrt(195.46658717106754 / 990), 1e-12);
    cc_close(cc_double(db, CC_FIRST("pearson_chi2", "min_expected")), 20.0 * 425 / 990, 1e-15);
    lpt_assert_rows(db, CC_FIRST("pearson_chi2", "df, n, share_below_5, folded, note, effect_name"),
                    "4|990|0|NULL|NULL|cramers_v\n");
    /* the cells: P2 of segment b, observed 260, expected 380 x 425 / 990 */
    lpt_assert_rows(db,
                    "SELECT segment, category, observed, expected, share FROM segment_cells('k',"
                    " 'user_id', 'program', 'enrolled_at', 'seg') WHERE category = 'P2'",
                    "a|P2|120|216.8686869|0.2123893805\nb|P2|260|163.1313131|0.6117647059\n");
    /* adjusted residual of (a, P1): (330 - 410 x 565 / 990) /
    ** sqrt(E (1 - 565/990) (1 - 410/990)) */
    {
        double e = 410.0 * 565 / 990, v = e * (1 - 565.0 / 990) * (1 - 410.0 / 990);
        cc_close(cc_double(db, "SELECT adjusted_residual FROM segment_cells('k', 'user_id',"
                               " 'program', 'enrolled_at', 'seg') WHERE segment = 'a' AND category = 'P1'"),
                 (330 - e) / sqrt(v), 1e-12);
    }
    sqlite3_close(db);
}
END_TEST

/* A horizon table (rule 23): segment a x1 of n1 users continued on day 10,
** segment b x2 of n2; everyone started 2020-01-01 and user 0 (no segment,
** left out) sets E to 2021-06-01, so all are observed for 30 days. */
static sqlite3 *cc_horizon(int x1, int n1, int x2, int n2) {
    sqlite3 *db = lpt_open();
    char *zSql = sqlite3_mprintf(
        "CREATE TABLE h(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
        " INSERT INTO h SELECT i, 'A', '2020-01-01', 'a' FROM n WHERE i <= %d"
        "  UNION ALL SELECT i, 'B', '2020-01-11', 'a' FROM n WHERE i <= %d"
        "  UNION ALL SELECT 1000 + i, 'A', '2020-01-01', 'b' FROM n WHERE i <= %d"
        "  UNION ALL SELECT 1000 + i, 'B', '2020-01-11', 'b' FROM n WHERE i <= %d;"
        "INSERT INTO h VALUES (0, 'A', '2021-06-01', NULL);",
        n1, x1, n2, x2);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    return db;
}

#define CC_HORIZON(col)                                                                        \
    "SELECT " col " FROM segment_compare('h', 'user_id', 'program', 'enrolled_at', 'seg')"     \
    " WHERE question = 'continued' AND program IS NULL AND day IS NOT NULL AND at_days = 30"

/* Rule 23: 120/565 against 60/425 by day 30: the z test of two
** proportions (every expected count >= 5), z = 2.875519101, p =
** 0.004033637396; the difference 120/565 - 60/425 and its Newcombe
** interval from scipy's Wilson intervals of the two shares
** (binomtest(...).proportion_ci(method='wilson')): 0.022983824510960163 to
** 0.11770891064272272. */
START_TEST(test_issue_two_proportions) {
    sqlite3 *db = cc_horizon(120, 565, 60, 425);
    double p1 = 120.0 / 565, p2 = 60.0 / 425;
    lpt_assert_rows(db, CC_HORIZON("test, day, df, n, effect_name, folded, note"),
                    "two_proportion_z|30|NULL|990|difference|NULL|NULL\n");
    cc_close(cc_double(db, CC_HORIZON("statistic")), 2.875519101, 1e-9);
    cc_close(cc_double(db, CC_HORIZON("p_value")), 0.004033637396, 1e-9);
    cc_close(cc_double(db, CC_HORIZON("effect")), p1 - p2, 1e-13);
    cc_close(cc_double(db, CC_HORIZON("effect_lower")), 0.022983824510960163, 1e-12);
    cc_close(cc_double(db, CC_HORIZON("effect_upper")), 0.11770891064272272, 1e-12);
    /* min expected: 425 x 180 / 990 */
    cc_close(cc_double(db, CC_HORIZON("min_expected")), 425.0 * 180 / 990, 1e-15);
    /* the issue's Fisher p of this table (rule 22), were it chosen */
    cc_close(learnpath_fisher_2x2(120, 445, 60, 365).p, 0.004571573915, 1e-9);
    /* the cells: continued and not, per segment, with Wilson intervals */
    lpt_assert_rows(db,
                    "SELECT segment, category, observed, share FROM segment_cells('h', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE question = 'continued'"
                    " AND program IS NULL AND at_days = 30",
                    "a|continued|120|0.2123893805\na|not continued|445|0.7876106195\n"
                    "b|continued|60|0.1411764706\nb|not continued|365|0.8588235294\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 23: 3/10 against 8/10: an expected count below 5 (9 x 10 / 20 = 4.5)
** makes it Fisher's exact test: scipy's fisher_exact([[3, 7], [8, 2]]) =
** (0.10714285714285714, 0.06977851869492736); the Wilson interval of a's
** share at conf_level 0.9 as binomtest(3, 10).proportion_ci(0.9, 'wilson'). */
START_TEST(test_fisher_chosen) {
    sqlite3 *db = cc_horizon(3, 10, 8, 10);
    lpt_assert_rows(db, CC_HORIZON("test, n, min_expected, share_below_5"),
                    "fisher_exact|20|4.5|0.5\n");
    cc_close(cc_double(db, CC_HORIZON("statistic")), 0.10714285714285714, 1e-13);
    cc_close(cc_double(db, CC_HORIZON("p_value")), 0.06977851869492736, 1e-9);
    cc_close(cc_double(db, CC_HORIZON("effect")), 0.3 - 0.8, 1e-13);
    /* Newcombe's interval (scipy's Wilson intervals at 0.95, the default;
    ** the Wald interval would be -0.88 to -0.12) */
    cc_close(cc_double(db, CC_HORIZON("effect_lower")), -0.73975863404061748, 1e-12);
    cc_close(cc_double(db, CC_HORIZON("effect_upper")), -0.066476314486304866, 1e-12);
    {
        /* Wilson by hand: (k + z^2/2 +- z sqrt(k (n - k) / n + z^2 / 4)) / (n + z^2) */
        double z = 1.6448536269514722, k = 3, n = 10;
        double lo = (k + z * z / 2 - z * sqrt(k * (n - k) / n + z * z / 4)) / (n + z * z);
        cc_close(cc_double(db, "SELECT share_lower FROM segment_cells('h', 'user_id', 'program',"
                               " 'enrolled_at', 'seg') WHERE segment = 'a' AND category = 'continued'"
                               " AND at_days = 30 AND conf_level = 0.9 AND day IS NOT NULL"
                               " AND program IS NULL"),
                 lo, 1e-12);
    }
    sqlite3_close(db);
}
END_TEST

/*
** Rule 23, folding: segments a and b of 50 users each; first programs
** A 42 / 38, B 6 / 10, C 1 / 1, D 1 / 1. Unfolded, the expected counts of
** C and D are 1 (4 cells of 8 below 5); folding the two smallest (C, D:
** 2 users each, C first by name) leaves (other) at 2 (2 of 6 cells, 33%);
** folding B too leaves A 40 / 40 and (other) 10 / 10 expected: met. The
** table [[42, 8], [38, 12]]: X^2 = (2^2/40 + 2^2/10) x 2 = 1, V = 0.1.
*/
START_TEST(test_folding) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE f(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT);"
             "CREATE TABLE c(seg, program, n);"
             "INSERT INTO c VALUES ('a','A',42),('a','B',6),('a','C',1),('a','D',1),"
             " ('b','A',38),('b','B',10),('b','C',1),('b','D',1);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
             " INSERT INTO f SELECT NULL, c.program, '2020-01-01', c.seg FROM c JOIN n ON n.i <= c.n;"
             "UPDATE f SET user_id = rowid;");
    lpt_assert_rows(db,
                    "SELECT test, statistic, df, effect, folded, min_expected, share_below_5"
                    " FROM segment_compare('f', 'user_id', 'program', 'enrolled_at', 'seg')"
                    " WHERE question = 'first_program'",
                    "pearson_chi2|1|1|0.1|[\"B\",\"C\",\"D\"]|10|0\n"
                    "g_test|1.005503959|1|0.1|[\"B\",\"C\",\"D\"]|10|0\n");
    cc_close(cc_double(db, "SELECT p_value FROM segment_compare('f', 'user_id', 'program',"
                           " 'enrolled_at', 'seg') WHERE question = 'first_program'"
                           " AND test = 'pearson_chi2'"),
             0.31731050786291115, 1e-9);
    lpt_assert_rows(db,
                    "SELECT segment, category, observed, expected FROM segment_cells('f', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE question = 'first_program'",
                    "a|A|42|40\na|(other)|8|10\nb|A|38|40\nb|(other)|12|10\n");
    /* a program named "(other)" keeps its name: the folded ones are "(other) (2)" */
    lpt_exec(db, "UPDATE f SET program = '(other)' WHERE program = 'A'");
    lpt_assert_rows(db,
                    "SELECT DISTINCT category FROM segment_cells('f', 'user_id', 'program',"
                    " 'enrolled_at', 'seg') WHERE question = 'first_program'",
                    "(other)\n(other) (2)\n");
    /* one user per segment and program (expected 0.5 each): nothing meets
    ** the rule, a note and no numbers */
    lpt_exec(db, "DELETE FROM f WHERE user_id NOT IN (SELECT min(user_id) FROM f"
                 " WHERE program IN ('(other)', 'B') GROUP BY seg, program)");
    lpt_assert_rows(db,
                    "SELECT test, statistic, p_value, log10_p, p_adjusted, effect, n, note"
                    " FROM segment_compare('f', 'user_id', 'program', 'enrolled_at', 'seg')"
                    " WHERE question = 'first_program'",
                    "pearson_chi2|NULL|NULL|NULL|NULL|NULL|4|a single category after folding"
                    " (Cochran's rule)\n"
                    "g_test|NULL|NULL|NULL|NULL|NULL|4|a single category after folding"
                    " (Cochran's rule)\n");
    sqlite3_close(db);
}
END_TEST

/* Holm's step-down p_adjusted of m p-values: sorted ascending, the running
** maximum of (m - i) p_(i), capped at 1. */
static void cc_holm(const double *aP, int m, double *aAdj) {
    int *aOrder = malloc(sizeof(int) * (size_t)m);
    double run = 0;
    for (int i = 0; i < m; i++) aOrder[i] = i;
    for (int i = 1; i < m; i++) {
        for (int j = i; j > 0 && aP[aOrder[j]] < aP[aOrder[j - 1]]; j--) {
            int t = aOrder[j];
            aOrder[j] = aOrder[j - 1];
            aOrder[j - 1] = t;
        }
    }
    for (int i = 0; i < m; i++) {
        double v = (m - i) * aP[aOrder[i]];
        if (v > 1) v = 1;
        if (v > run) run = v;
        aAdj[aOrder[i]] = run;
    }
    free(aOrder);
}

/* Rule 23: next_program's p-values are adjusted by Holm across the first
** programs (per test), and so are continued's per first program (per test
** kind); the rows over every first program keep p_adjusted = p_value. */
START_TEST(test_holm) {
    static const char *azFamily[] = {
        "question = 'next_program' AND test = 'pearson_chi2'",
        "question = 'next_program' AND test = 'g_test'",
        "question = 'continued' AND program IS NOT NULL AND test = 'log_rank'",
        "question = 'continued' AND program IS NOT NULL AND day IS NOT NULL",
    };
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(4000, 11)");
    for (size_t f = 0; f < sizeof(azFamily) / sizeof(azFamily[0]); f++) {
        char *zSql = sqlite3_mprintf(
            "SELECT p_value, p_adjusted FROM segment_compare('e', 'user_id', 'program',"
            " 'enrolled_at', 'user_type') WHERE %s AND p_value IS NOT NULL", azFamily[f]);
        sqlite3_stmt *pStmt = NULL;
        double aP[64], aAdj[64], aWant[64];
        int m = 0;
        ck_assert_int_eq(sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL), SQLITE_OK);
        while (sqlite3_step(pStmt) == SQLITE_ROW && m < 64) {
            aP[m] = sqlite3_column_double(pStmt, 0);
            aAdj[m++] = sqlite3_column_double(pStmt, 1);
        }
        sqlite3_finalize(pStmt);
        ck_assert_msg(m >= 3, "%s: %d rows", zSql, m);
        cc_holm(aP, m, aWant);
        for (int i = 0; i < m; i++) cc_close(aAdj[i], aWant[i], 1e-15);
        sqlite3_free(zSql);
    }
    lpt_assert_rows(db,
                    "SELECT count(*) FROM segment_compare('e', 'user_id', 'program', 'enrolled_at',"
                    " 'user_type') WHERE program IS NULL AND p_adjusted IS NOT p_value",
                    "0\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 23 with rule 17: the log-rank test as R's survdiff. Segment a: two
** users continue after 2 and 5 days, one is censored at 30; segment b:
** after 10 and 2 days, one censored at 30 (user 0, no segment, sets E):
** survdiff(Surv(c(2,5,30,10,30,2), c(1,1,0,1,0,1)) ~ g) gives chisq
** 0.031847133757961735, p 0.85836357566640775, observed 2 and 2, expected
** 1.8333333333333333 and 2.1666666666666665: a hazard ratio of 13/11.
*/
START_TEST(test_log_rank) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE l(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT);"
             "INSERT INTO l VALUES (1,'A','2020-01-01','a'),(1,'B','2020-01-03','a'),"
             " (2,'A','2020-01-01','a'),(2,'B','2020-01-06','a'),(3,'A','2020-01-01','a'),"
             " (4,'A','2020-01-01','b'),(4,'B','2020-01-11','b'),(5,'A','2020-01-01','b'),"
             " (6,'A','2020-01-01','b'),(6,'B','2020-01-03','b'),(0,'C','2020-01-31',NULL);");
#define CC_LR(col)                                                                             \
    "SELECT " col " FROM segment_compare('l', 'user_id', 'program', 'enrolled_at', 'seg')"     \
    " WHERE question = 'continued' AND program IS NULL AND test = 'log_rank'"
    cc_close(cc_double(db, CC_LR("statistic")), 0.031847133757961735, 1e-12);
    cc_close(cc_double(db, CC_LR("p_value")), 0.85836357566640775, 1e-9);
    cc_close(cc_double(db, CC_LR("effect")), 13.0 / 11.0, 1e-12);
    lpt_assert_rows(db, CC_LR("df, n, effect_name, day"), "1|6|hazard_ratio|NULL\n");
    /* per first program A: the same users */
    lpt_assert_rows(db,
                    "SELECT program, round(statistic, 12) FROM segment_compare('l', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE question = 'continued'"
                    " AND test = 'log_rank'",
                    "NULL|0.03184713376\nA|0.03184713376\n");
    /* nobody followed for 365 days: the horizon says so, with no numbers */
    lpt_assert_rows(db,
                    "SELECT test, statistic, p_value, n, note FROM segment_compare('l', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE question = 'continued'"
                    " AND program IS NULL AND day IS NOT NULL",
                    "two_proportion_z|NULL|NULL|0|nobody was observed for the whole 365 days\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 23, this group against the rest (rule 12's groups): 'Beta' and
** 'Alpha' have 3 users each, so 'largest' is 'Alpha' (ties by name); the
** rest holds Beta's users and the user with no group. With segment_col
** too, each segment is compared within itself (within_segment); a table
** holds every cell of its segments and categories, 0 included.
*/
START_TEST(test_group_against_rest) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE g(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT, acct TEXT);"
             "INSERT INTO g VALUES (1,'A','2020-01-01','s','Beta'),(2,'A','2020-01-01','s','Beta'),"
             " (3,'B','2020-01-01','p','Beta'),(4,'B','2020-01-01','s','Alpha'),"
             " (5,'B','2020-01-01','p','Alpha'),(6,'A','2020-01-01','p','Alpha'),"
             " (7,'A','2020-01-01','p',NULL),(7,'B','2020-01-05','p','Gamma');");
    lpt_assert_rows(db,
                    "SELECT within_segment, segment, category, observed FROM segment_cells('g')"
                    " WHERE group_col = 'acct' AND compare_group = 'largest'"
                    " AND question = 'first_program'",
                    "NULL|Alpha|A|1\nNULL|Alpha|B|2\nNULL|(rest)|A|3\nNULL|(rest)|B|1\n");
    lpt_assert_rows(db,
                    "SELECT within_segment, segment, category, observed FROM segment_cells('g',"
                    " 'user_id', 'program', 'enrolled_at', 'seg') WHERE group_col = 'acct'"
                    " AND compare_group = 'Beta' AND question = 'first_program'",
                    "p|Beta|A|0\np|Beta|B|1\np|(rest)|A|2\np|(rest)|B|1\n"
                    "s|Beta|A|2\ns|Beta|B|0\ns|(rest)|A|0\ns|(rest)|B|1\n");
    /* a number is compared by its text (rule 12) */
    lpt_exec(db, "UPDATE g SET acct = '42' WHERE acct = 'Beta'");
    lpt_assert_rows(db,
                    "SELECT DISTINCT segment FROM segment_cells('g') WHERE group_col = 'acct'"
                    " AND compare_group = 42",
                    "42\n(rest)\n");
    sqlite3_close(db);
}
END_TEST

/* compare_group 'largest' when the largest group is not the first read, and
** beside a group whose only user rules 1-8 drop (no program): that group
** counts no user, and naming it is an error (lp_compare.c, cmpFindGroup). */
START_TEST(test_largest_read_later) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE g(user_id INTEGER, program TEXT, enrolled_at TEXT, acct TEXT);"
             "INSERT INTO g VALUES (1,NULL,'2020-01-01','Zeta'),(2,'A','2020-01-01','Alpha'),"
             " (3,'A','2020-01-01','Beta'),(4,'B','2020-01-01','Beta'),(5,'B','2020-01-01','Beta'),"
             " (6,'A','2020-01-01',NULL);");
    lpt_assert_rows(db,
                    "SELECT within_segment, segment, category, observed FROM segment_cells('g')"
                    " WHERE group_col = 'acct' AND compare_group = 'largest'"
                    " AND question = 'first_program'",
                    "NULL|Beta|A|1\nNULL|Beta|B|2\nNULL|(rest)|A|2\nNULL|(rest)|B|0\n");
    char *z = lpt_query(db, "SELECT * FROM segment_cells('g') WHERE group_col = 'acct'"
                            " AND compare_group = 'Zeta'");
    ck_assert_msg(strstr(z, "compare_group 'Zeta' is the group of no user") != NULL, "%s", z);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Rule 23, three segments at the horizon: the chi-square and G tests of
** segments x continued (df 2); when every eligible user continued, a note. */
START_TEST(test_horizon_three_segments) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE h(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
             " INSERT INTO h SELECT i, 'A', '2020-01-01', char(97 + (i - 1) / 10) FROM n"
             "  UNION ALL SELECT i, 'B', '2020-01-11', char(97 + (i - 1) / 10) FROM n;"
             "INSERT INTO h VALUES (0, 'A', '2021-06-01', NULL);");
#define CC_H3(col)                                                                             \
    "SELECT " col " FROM segment_compare('h', 'user_id', 'program', 'enrolled_at', 'seg')"     \
    " WHERE question = 'continued' AND program IS NULL AND day IS NOT NULL AND at_days = 30"
    lpt_assert_rows(db, CC_H3("test, statistic, n, note"),
                    "pearson_chi2|NULL|30|everyone eligible continued by day 30\n"
                    "g_test|NULL|30|everyone eligible continued by day 30\n");
    /* segment a: 5 of 10 continue; b and c all 10: [[5, 5], [10, 0], [10, 0]],
    ** expected 25/3 and 5/3 per row: X^2 = (10/3)^2 (3/25 + 3/5) + 2 (5/3)^2 (3/25
    ** + 3/5) = 12; G = 2 (5 ln 0.6 + 5 ln 3 + 20 ln 1.2) = 13.17072892 */
    lpt_exec(db, "DELETE FROM h WHERE program = 'B' AND user_id <= 5");
    lpt_assert_rows(db, CC_H3("test, statistic, df, n, effect_name"),
                    "pearson_chi2|12|2|30|cramers_v\ng_test|13.17072892|2|30|cramers_v\n");
    cc_close(cc_double(db, CC_H3("effect") " AND test = 'pearson_chi2'"), sqrt(12.0 / 30), 1e-12);
    sqlite3_close(db);
}
END_TEST

/* Rules 4 and 23: a tie step is a category of its own, first or next,
** labelled as first_program labels it. */
START_TEST(test_tie_category) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT);"
             "INSERT INTO t VALUES (1,'A','2020-01-01','s'),(1,'B','2020-01-01','s'),"
             " (2,'A','2020-01-01','p'),(3,'C','2020-01-01','s'),(3,'A','2020-01-05','s'),"
             " (3,'B','2020-01-05','s');");
    lpt_assert_rows(db,
                    "SELECT question, program, segment, category, observed FROM segment_cells('t',"
                    " 'user_id', 'program', 'enrolled_at', 'seg') WHERE day IS NULL",
                    "first_program|NULL|p|A|1\nfirst_program|NULL|p|A + B|0\n"
                    "first_program|NULL|p|C|0\nfirst_program|NULL|s|A|0\n"
                    "first_program|NULL|s|A + B|1\nfirst_program|NULL|s|C|1\n"
                    "next_program|C|s|A + B|1\n");
    sqlite3_close(db);
}
END_TEST

/* Errors name the function, the argument and the value; no rows. */
START_TEST(test_argument_errors) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE g(user_id INTEGER, program TEXT, enrolled_at TEXT, seg TEXT, acct TEXT);"
             "INSERT INTO g VALUES (1,'A','2020-01-01','s','Beta'),(2,'B','2020-01-02','p',NULL);");
    lpt_assert_rows(db, "SELECT * FROM segment_compare('g') WHERE compare_group = 'Beta'",
                    "ERROR: segment_compare(): compare_group 'Beta' needs group_col, the column"
                    " of the users' groups (rule 12)");
    lpt_assert_rows(db,
                    "SELECT * FROM segment_cells('g') WHERE group_col = 'acct' AND compare_group = 'Nope'",
                    "ERROR: segment_cells(): compare_group 'Nope' is the group of no user in"
                    " group_col 'acct'");
    lpt_assert_rows(db,
                    "SELECT * FROM segment_compare('g') WHERE group_col = 'seg' AND"
                    " compare_group = 'Beta' AND group_value = 's'",
                    "ERROR: segment_compare(): compare_group and group_value cannot be used"
                    " together: group_value keeps one group's users, compare_group compares one"
                    " group with the rest");
    lpt_exec(db, "UPDATE g SET acct = ''");
    lpt_assert_rows(db,
                    "SELECT * FROM segment_compare('g') WHERE group_col = 'acct' AND"
                    " compare_group = 'largest'",
                    "ERROR: segment_compare(): compare_group 'largest' needs a group, and no user"
                    " kept has one in group_col 'acct'");
    lpt_assert_rows(db, "SELECT * FROM segment_compare('g') WHERE at_days = '30,90'",
                    "ERROR: segment_compare(): at_days must be one number of days >= 0, not"
                    " '30,90'");
    lpt_assert_rows(db, "SELECT * FROM segment_cells('g') WHERE at_days = -1",
                    "ERROR: segment_cells(): at_days must be one number of days >= 0, not -1");
    lpt_assert_rows(db, "SELECT * FROM segment_compare('g') WHERE conf_level = 1",
                    "ERROR: segment_compare(): conf_level must be a number greater than 0 and"
                    " less than 1, not 1");
    lpt_assert_rows(db, "SELECT * FROM segment_compare('g') WHERE observe_until = 'soon'",
                    "ERROR: segment_compare(): observe_until must be a time, not 'soon'");
    sqlite3_close(db);
}
END_TEST

/* Rule 23: without segment_col every user is in one segment: each test is
** a row saying so, with no numbers; the cells still show the shares. */
START_TEST(test_one_segment) {
    sqlite3 *db = cc_issue_table();
    lpt_assert_rows(db,
                    "SELECT question, program, test, statistic, p_value, n, note FROM"
                    " segment_compare('k') WHERE question <> 'next_program'",
                    "first_program|NULL|pearson_chi2|NULL|NULL|990|fewer than two segments with users\n"
                    "first_program|NULL|g_test|NULL|NULL|990|fewer than two segments with users\n"
                    "continued|NULL|log_rank|NULL|NULL|990|fewer than two segments with users\n"
                    "continued|NULL|two_proportion_z|NULL|NULL|0|nobody was observed for the whole"
                    " 365 days\n"
                    "continued|P1|log_rank|NULL|NULL|410|fewer than two segments with users\n"
                    "continued|P1|two_proportion_z|NULL|NULL|0|nobody was observed for the whole"
                    " 365 days\n"
                    "continued|P2|log_rank|NULL|NULL|380|fewer than two segments with users\n"
                    "continued|P2|two_proportion_z|NULL|NULL|0|nobody was observed for the whole"
                    " 365 days\n"
                    "continued|P3|log_rank|NULL|NULL|110|fewer than two segments with users\n"
                    "continued|P3|two_proportion_z|NULL|NULL|0|nobody was observed for the whole"
                    " 365 days\n"
                    "continued|P4|log_rank|NULL|NULL|70|fewer than two segments with users\n"
                    "continued|P4|two_proportion_z|NULL|NULL|0|nobody was observed for the whole"
                    " 365 days\n"
                    "continued|P5|log_rank|NULL|NULL|20|fewer than two segments with users\n"
                    "continued|P5|two_proportion_z|NULL|NULL|0|nobody was observed for the whole"
                    " 365 days\n");
    lpt_assert_rows(db,
                    "SELECT segment, category, observed, expected, share FROM segment_cells('k')"
                    " WHERE category IN ('P1', 'P5')",
                    "NULL|P1|410|NULL|0.4141414141\nNULL|P5|20|NULL|0.0202020202\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 11 and the memory budget: read with the helper thread, and streamed,
** the same rows as in memory on one thread. */
START_TEST(test_streamed_same) {
    sqlite3 *db = lpt_open();
    char *zMem, *zStream, *zThreads;
    static const char zSql[] =
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE group_col = 'employer' AND compare_group = 'largest';";
    lpt_exec(db, "CREATE TABLE e AS SELECT user_id, program, enrolled_at, user_type,"
                 " CASE WHEN user_id % 3 = 0 THEN 'Corp ' || (user_id % 7) END AS employer"
                 " FROM sample_enrollments(3000, 3)");
    lpt_exec(db, "SELECT learnpath_threads(1)");
    zMem = lpt_query(db, zSql);
    lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
    zThreads = lpt_query(db, zSql);
    lpt_exec(db, "SELECT learnpath_memory_budget(1), learnpath_cache_clear()");
    zStream = lpt_query(db, zSql);
    ck_assert_msg(strncmp(zMem, "ERROR", 5) != 0, "%s", zMem);
    ck_assert_str_eq(zMem, zThreads);
    ck_assert_str_eq(zMem, zStream);
    sqlite3_free(zMem);
    sqlite3_free(zThreads);
    sqlite3_free(zStream);
    sqlite3_close(db);
}
END_TEST

/*
** Past learnpath_cmp_max_dense cells (segments x categories: 2^18, about 600
** segments by 500 programs) a table's users are sorted as pairs instead of
** counted in counters (rule 23's numbers are the same). Lowered to 0, every
** table takes the pairs' way: every row and cell equals the counters', with
** segments, over one segment, and with the largest group, in memory and
** streamed.
*/
START_TEST(test_pairs_way_same) {
    static const char *azSql[] = {
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM segment_cells('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM segment_compare('e') WHERE group_col = 'employer' AND compare_group = 'largest'",
        "SELECT * FROM segment_cells('e') WHERE group_col = 'employer' AND compare_group = 'largest'",
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE group_col = 'employer' AND compare_group = 'largest' AND at_days = 90",
    };
    sqlite3 *db = lpt_open();
    int64_t nSaved = learnpath_cmp_max_dense;
    lpt_exec(db, "CREATE TABLE e AS SELECT user_id, program, enrolled_at, user_type,"
                 " CASE WHEN user_id % 3 = 0 THEN 'Corp ' || (user_id % 7) END AS employer"
                 " FROM sample_enrollments(3000, 5)");
    for (int i = 0; i < (int)(sizeof(azSql) / sizeof(azSql[0])); i++) {
        for (int isStream = 0; isStream < 2; isStream++) {
            learnpath_cmp_max_dense = nSaved;
            lpt_exec(db, isStream ? "SELECT learnpath_memory_budget(1), learnpath_cache_clear()"
                                  : "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
            char *zCounted = lpt_query(db, azSql[i]);
            ck_assert_msg(strncmp(zCounted, "ERROR", 5) != 0 && strlen(zCounted) > 100, "%s", zCounted);
            learnpath_cmp_max_dense = 0;
            lpt_exec(db, "SELECT learnpath_cache_clear()");
            char *zPairs = lpt_query(db, azSql[i]);
            learnpath_cmp_max_dense = nSaved;
            ck_assert_msg(strcmp(zCounted, zPairs) == 0, "%s (stream %d):\n%.400s\nvs\n%.400s", azSql[i],
                          isStream, zCounted, zPairs);
            sqlite3_free(zCounted);
            sqlite3_free(zPairs);
        }
    }
    learnpath_cmp_max_dense = nSaved;
    sqlite3_close(db);
}
END_TEST

/* The rows kept with the cached data (a memo) are the rows computed afresh:
** segment_cells after segment_compare, another horizon, a group, and after
** the cache is cleared. */
START_TEST(test_memo_same) {
    static const char *azSql[] = {
        "SELECT * FROM segment_cells('e', 'user_id', 'program', 'enrolled_at', 'user_type');",
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE at_days = 90;",
        "SELECT * FROM segment_cells('e') WHERE group_col = 'employer' AND compare_group = 'largest';",
        "SELECT * FROM segment_compare('e') WHERE group_col = 'employer' AND compare_group = 'Corp 1';",
    };
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT user_id, program, enrolled_at, user_type,"
                 " CASE WHEN user_id % 3 = 0 THEN 'Corp ' || (user_id % 7) END AS employer"
                 " FROM sample_enrollments(2000, 5)");
    lpt_exec(db, "SELECT count(*) FROM segment_compare('e', 'user_id', 'program', 'enrolled_at',"
                 " 'user_type')");
    for (size_t k = 0; k < sizeof(azSql) / sizeof(azSql[0]); k++) {
        char *zFresh, *zAgain, *zKept;
        lpt_exec(db, "SELECT learnpath_cache_clear()");
        zFresh = lpt_query(db, azSql[k]);
        zKept = lpt_query(db, azSql[k]);
        lpt_exec(db, "SELECT count(*) FROM segment_compare('e', 'user_id', 'program', 'enrolled_at',"
                     " 'user_type') WHERE at_days = 7");
        zAgain = lpt_query(db, azSql[k]);
        ck_assert_msg(strncmp(zFresh, "ERROR", 5) != 0, "%s", zFresh);
        ck_assert_str_eq(zFresh, zKept);
        ck_assert_str_eq(zFresh, zAgain);
        sqlite3_free(zFresh);
        sqlite3_free(zKept);
        sqlite3_free(zAgain);
    }
    sqlite3_close(db);
}
END_TEST

/* A table for the memo tests: 2,000 sample users with text ids, rows in a
** scrambled order (so the read numbers users as first met, and a query
** needing user_id order renumbers them), a group column of five groups. */
#define CC_SCRAMBLED                                                                            \
    "CREATE TABLE s AS SELECT 'u' || user_id AS user_id, program, enrolled_at, user_type,"      \
    " 'G' || (CAST(user_id AS INTEGER) % 5) AS grp FROM sample_enrollments(2000, 7)"            \
    " ORDER BY (rowid * 7919) % 10007"
#define CC_GROUPED(g)                                                                           \
    "SELECT * FROM segment_compare('s', 'user_id', 'program', 'enrolled_at') WHERE group_col"   \
    " = 'grp' AND compare_group = '" g "'"

/*
** Rule 23 with rule 12's groups after the cached users were renumbered: a
** query in user_id order (first_program with group_col) puts the cached
** data's users in that order between two comparisons of groups; the second
** must give what a fresh connection gives (the shared memo of users keeps
** their numbers, so it is made again for the new numbering).
*/
START_TEST(test_groups_after_reorder) {
    sqlite3 *db = lpt_open(), *dbFresh = lpt_open();
    lpt_exec(db, CC_SCRAMBLED);
    lpt_exec(dbFresh, CC_SCRAMBLED);
    char *zG2 = lpt_query(dbFresh, CC_GROUPED("G2"));
    char *zG1 = lpt_query(dbFresh, CC_GROUPED("G1"));
    ck_assert_msg(strncmp(zG2, "ERROR", 5) != 0 && strlen(zG2) > 100, "%s", zG2);
    lpt_assert_rows(db, CC_GROUPED("G1"), zG1);
    lpt_exec(db, "SELECT count(*), sum(steps) FROM first_program('s', 'user_id', 'program', "
                 "'enrolled_at') WHERE group_col = 'grp'");
    lpt_assert_rows(db, CC_GROUPED("G2"), zG2);
    char *zLargest = lpt_query(dbFresh, CC_GROUPED("largest"));
    lpt_assert_rows(db, CC_GROUPED("largest"), zLargest);
    sqlite3_free(zLargest);
    sqlite3_free(zG1);
    sqlite3_free(zG2);
    sqlite3_close(db);
    sqlite3_close(dbFresh);
}
END_TEST

/*
** The rows kept with the data stay bounded: a session comparing under ever
** new observe_until values keeps at most 8 comparisons (each holding the
** memo of its users), so past them the heap grows far slower than before;
** a comparison dropped is computed again, the same.
*/
START_TEST(test_memo_bounded) {
    sqlite3 *db = lpt_open();
    char zSql[300];
    char *zFirst = NULL;
    sqlite3_int64 nAt1 = 0, nAt12 = 0, nAt40;
    lpt_exec(db, CC_SCRAMBLED);
    for (int i = 0; i < 40; i++) {
        sqlite3_snprintf(sizeof zSql, zSql,
                         "SELECT * FROM segment_compare('s', 'user_id', 'program', 'enrolled_at',"
                         " 'user_type') WHERE observe_until = date('2021-06-01', '+%d days')", 5 * i);
        char *zGot = lpt_query(db, zSql);
        ck_assert_msg(strncmp(zGot, "ERROR", 5) != 0, "%s: %.200s", zSql, zGot);
        if (i == 0) zFirst = zGot; else sqlite3_free(zGot);
        if (i == 0) nAt1 = sqlite3_memory_used();
        if (i == 11) nAt12 = sqlite3_memory_used();
    }
    nAt40 = sqlite3_memory_used();
    /* each new comparison adds its rows and its users' memo until the caps;
    ** after them the heap grows at less than a quarter of that pace (without
    ** the caps it kept the same pace: about 100 KB a query here) */
    ck_assert_msg((nAt40 - nAt12) * 11 < (nAt12 - nAt1) * 28 / 4,
                  "heap %lld after 1 query, %lld after 12, %lld after 40", (long long)nAt1,
                  (long long)nAt12, (long long)nAt40);
    lpt_assert_rows(db, "SELECT * FROM segment_compare('s', 'user_id', 'program', 'enrolled_at',"
                        " 'user_type') WHERE observe_until = date('2021-06-01', '+0 days')", zFirst);
    sqlite3_free(zFirst);
    sqlite3_close(db);
}
END_TEST
/*
** The table of counters (segments x categories, 32 bytes a cell) is made
** only when it fits the memory budget: else the tables are counted from
** the users' pairs sorted, as past CMP_MAX_DENSE. 200 segments and 307
** first programs (1.9 MB of counters) streamed under the least budget
** (1 MB) give the rows given without a budget, not a budget error.
*/
START_TEST(test_counters_within_budget) {
    static const char zSql[] =
        "SELECT * FROM segment_cells('e', 'user_id', 'program', 'enrolled_at', 'user_type')";
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000)"
                 " SELECT i AS user_id, 'P' || (i % 300) AS program,"
                 " date('2020-01-01', '+' || (i % 97) || ' days') AS enrolled_at, 'S' || (i % 200) AS user_type"
                 " FROM c UNION ALL SELECT i, 'Q' || (i % 7), date('2020-06-01', '+' || (i % 89) || ' days'),"
                 " 'S' || (i % 200) FROM c WHERE i % 3 = 0");
    char *zWant = lpt_query(db, zSql);
    ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0 && strlen(zWant) > 1000, "%.200s", zWant);
    lpt_exec(db, "SELECT learnpath_memory_budget(1), learnpath_cache_clear()");
    lpt_assert_rows(db, zSql, zWant);
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/*
** The memory budget (rule 23's comparison within it, lp_compare.c
** cmpOverBudget): on 30,000 sample users the comparison's own room (the
** memo, 6 bytes a user and the table of counters) is what a budget just
** short of the least that answers refuses. Swept from 1.7 to 2.5 MB (the
** largest account against the rest: 1.9 to 2.7 MB), in memory and with the
** memo kept from continuation_stats: every budget gives the rows without a
** budget or the budget's error, both happen, and, segments compared, the
** least budget that answers is the same either way (the comparison needs
** no more than the memo it finds).
*/
START_TEST(test_budget_refusal) {
    /* the groups' query: the largest account against the rest (its least
    ** budget is higher: the memo's users carry their groups) */
    static const char *const azSql[] = {
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "SELECT * FROM segment_compare('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE group_col = 'account' AND compare_group = 'largest'",
    };
    static const sqlite3_int64 aFrom[] = {1700000, 1900000};
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(30000, 7)");
    for (int iSql = 0; iSql < 2; iSql++) {
        const char *zSql = azSql[iSql];
        sqlite3_int64 aLeast[2] = {0, 0};
        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        char *zWant = lpt_query(db, zSql);
        ck_assert_msg(zWant && strncmp(zWant, "ERROR", 5) != 0 && strlen(zWant) > 1000, "%.200s", zWant);
        for (int isKept = 0; isKept < 2; isKept++) {
            int nRefused = 0;
            for (sqlite3_int64 nBudget = aFrom[iSql]; nBudget <= aFrom[iSql] + 800000; nBudget += 100000) {
                char zSet[100];
                lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
                if (isKept) {
                    lpt_exec(db, "SELECT count(*) FROM continuation_stats('e', 'user_id', 'program',"
                                 " 'enrolled_at', 'user_type')");
                }
                sqlite3_snprintf((int)sizeof(zSet), zSet, "SELECT learnpath_memory_budget(%lld)",
                                 (long long)nBudget);
                lpt_exec(db, zSet);
                char *zGot = lpt_query(db, zSql);
                if (strcmp(zGot, zWant) == 0) {
                    if (aLeast[isKept] == 0) aLeast[isKept] = nBudget;
                } else {
                    ck_assert_msg(strstr(zGot, "segment_compare(): needs more than the memory budget of") &&
                                      strstr(zGot, "raise learnpath_memory_budget()"),
                                  "%s, budget %lld:\n%.300s", zSql, (long long)nBudget, zGot);
                    /* refused below the least that answers, never above it */
                    ck_assert_msg(aLeast[isKept] == 0, "%s: refused at %lld after rows at %lld", zSql,
                                  (long long)nBudget, (long long)aLeast[isKept]);
                    nRefused++;
                }
                sqlite3_free(zGot);
            }
            ck_assert_msg(nRefused > 0 && aLeast[isKept] > 0, "%s, kept %d: %d refused, least %lld", zSql,
                          isKept, nRefused, (long long)aLeast[isKept]);
        }
        if (iSql == 0) {
            /* the comparison needs no more than the memo it finds */
            ck_assert_msg(aLeast[0] == aLeast[1], "least budget %lld in memory, %lld with the memo kept",
                          (long long)aLeast[0], (long long)aLeast[1]);
        }
        lpt_exec(db, "SELECT learnpath_memory_budget(0)");
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST


Suite *make_compare_suite(void) {
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("Core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_issue_table);
    tcase_add_test(tc, test_issue_two_proportions);
    tcase_add_test(tc, test_fisher_chosen);
    tcase_add_test(tc, test_folding);
    tcase_add_test(tc, test_holm);
    tcase_add_test(tc, test_log_rank);
    tcase_add_test(tc, test_group_against_rest);
    tcase_add_test(tc, test_largest_read_later);
    tcase_add_test(tc, test_one_segment);
    tcase_add_test(tc, test_streamed_same);
    tcase_add_test(tc, test_memo_same);
    tcase_add_test(tc, test_tie_category);
    tcase_add_test(tc, test_horizon_three_segments);
    tcase_add_test(tc, test_groups_after_reorder);
    tcase_add_test(tc, test_memo_bounded);
    tcase_add_test(tc, test_pairs_way_same);
    tcase_add_test(tc, test_counters_within_budget);
    tcase_add_test(tc, test_budget_refusal);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("Limits");
    tcase_add_test(tl, test_argument_errors);
    suite_add_tcase(s, tl);
    return s;
}
