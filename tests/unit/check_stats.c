/*
** check_stats.c - the "stats" suite: the tests of difference of
** ext/lp_stats.c (rule 22 of README.md), called directly, no SQL.
**
** The expected numbers are scipy 1.10.1's (chi2_contingency with
** correction=False and lambda_='log-likelihood', fisher_exact, binomtest's
** proportion_ci(method='wilson'), norm.sf), R 4.2.2 survival 3.5.3's
** (survdiff, pchisq) and mpmath's at 40 digits (log10 of the regularized
** upper incomplete gamma and of erfc, where p is past the double range),
** printed with 17 digits; the issue's published values (15, item 4) are
** these rounded to 10. make test-stats compares many more seeded cases
** with scipy and R themselves.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_base.h"
#include "lp_test.h"

#define CS_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* |got - want| <= rel |want| (exact when rel is 0). */
#define cs_close(got, want, rel, what)                                                             \
    ck_assert_msg(fabs((got) - (want)) <= (rel) * fabs(want), "%s: got %.17g, want %.17g", (what), \
                  (double)(got), (double)(want))

/* ------------------------------------------------------------ chi-square, normal */

/* Rule 22: the issue's 2 x 5 table, X^2 and G with their p-values. */
START_TEST(test_issue_table) {
    static const int64_t a[] = {330, 120, 60, 40, 15, 80, 260, 50, 30, 5};
    lp_ctab_test t;
    learnpath_ctab_test(a, 2, 5, &t);
    cs_close(t.x2, 195.46658717106754, 1e-13, "X^2");
    cs_close(t.pX2.p, 3.543508853595073e-41, 1e-9, "p(X^2)");
    cs_close(t.pX2.log10p, -40.450566477799406253, 1e-12, "log10 p(X^2)");
    cs_close(t.g, 204.1832015731386, 1e-13, "G");
    cs_close(t.pG.p, 4.7359206046076025e-43, 1e-9, "p(G)");
    ck_assert(t.df == 4.0);
    cs_close(t.cramerV, 0.44434333250594915, 1e-13, "Cramer's V");
    cs_close(t.minExpected, 8.585858585858587, 1e-13, "min expected");
    ck_assert(t.shareBelow5 == 0.0);
    ck_assert(t.n == 990);
    /* the issue's rounded numbers */
    ck_assert(fabs(t.x2 - 195.4665872) < 5e-8 && fabs(t.g - 204.1832016) < 5e-8);
    ck_assert(fabs(t.pX2.p / 3.543508854e-41 - 1) < 1e-9 && fabs(t.pG.p / 4.735920605e-43 - 1) < 1e-9);
}
END_TEST

/* Rule 22: the two-proportion z of 120/565 vs 60/425 (pooled, no continuity
** correction) and its two-sided p; the same p as chi-square with df 1. */
START_TEST(test_issue_two_proportions) {
    double p1 = 120.0 / 565, p2 = 60.0 / 425, pp = 180.0 / 990;
    double z = (p1 - p2) / sqrt(pp * (1 - pp) * (1.0 / 565 + 1.0 / 425));
    lp_pvalue p = learnpath_normal_two_sided(z), q = learnpath_normal_two_sided(-z);
    cs_close(z, 2.875519100772384, 1e-13, "z");
    cs_close(p.p, 0.00403363739604592, 1e-12, "p");
    cs_close(p.log10p, log10(0.00403363739604592), 1e-13, "log10 p");
    ck_assert(p.p == q.p && p.log10p == q.log10p);
    cs_close(learnpath_chi2_upper(z * z, 1).p, p.p, 1e-13, "chi2(z^2, 1)");
    /* Fisher on the same table */
    p = learnpath_fisher_2x2(120, 445, 60, 365);
    cs_close(p.p, 0.004571573914971511, 1e-9, "Fisher p");
    cs_close(p.log10p, log10(0.004571573914971511), 1e-12, "Fisher log10 p");
}
END_TEST

/* Rule 22: x = 0 (or below) gives p = 1 and log10 p = 0; NaN stays NaN. */
START_TEST(test_chi2_zero) {
    static const double dfs[] = {0.5, 1, 2, 3, 10, 1000};
    for (int i = 0; i < CS_N(dfs); i++) {
        lp_pvalue p = learnpath_chi2_upper(0.0, dfs[i]);
        ck_assert_msg(p.p == 1.0 && p.log10p == 0.0, "df %g: %g %g", dfs[i], p.p, p.log10p);
        p = learnpath_chi2_upper(-1.0, dfs[i]);
        ck_assert(p.p == 1.0 && p.log10p == 0.0);
    }
    ck_assert(learnpath_normal_two_sided(0.0).p == 1.0 && learnpath_normal_two_sided(0.0).log10p == 0.0);
    ck_assert(isnan(learnpath_chi2_upper(NAN, 3).p) && isnan(learnpath_chi2_upper(3, NAN).log10p));
    ck_assert(isnan(learnpath_chi2_upper(3, 0).p));
}
END_TEST

/* Rule 22: past the double range p is 0.0 (as scipy gives) and log10 p is
** still exact (mpmath, 40 digits); at infinity it is -inf. */
START_TEST(test_chi2_huge) {
    static const struct {
        double x, df, l10;
    } a[] = {
        {1e5, 4, -21710.025116472452583}, {2852, 4, -616.14950722092245928},
        {3000, 10, -640.11641017001365303}, {1e4, 1, -2173.5705128733703953},
    };
    for (int i = 0; i < CS_N(a); i++) {
        lp_pvalue p = learnpath_chi2_upper(a[i].x, a[i].df);
        ck_assert_msg(p.p == 0.0, "x %g df %g: p %g", a[i].x, a[i].df, p.p);
        cs_close(p.log10p, a[i].l10, 1e-13, "log10 p");
    }
    ck_assert(learnpath_chi2_upper(INFINITY, 3).p == 0.0);
    ck_assert(isinf(learnpath_chi2_upper(INFINITY, 3).log10p));
    cs_close(learnpath_normal_two_sided(40).log10p, -349.13597646368186089, 1e-13, "z 40");
    cs_close(learnpath_normal_two_sided(-100).log10p, -2173.5705128733703953, 1e-13, "z -100");
    ck_assert(learnpath_normal_two_sided(100).p == 0.0);
}
END_TEST

/* Rule 22: df = 1 is the normal tail: chi2(z^2, 1) = P(|Z| >= |z|), in p and
** in log10 p, on both sides of where erfc underflows. */
START_TEST(test_df1_is_normal) {
    static const double zs[] = {0.01, 0.5, 1.96, 3, 8, 20, 36.5, 37.5, 38.5, 39, 45, 300};
    for (int i = 0; i < CS_N(zs); i++) {
        lp_pvalue a = learnpath_chi2_upper(zs[i] * zs[i], 1), b = learnpath_normal_two_sided(zs[i]);
        ck_assert_msg(fabs(a.p - b.p) <= 1e-12 * b.p, "z %g: %.17g %.17g", zs[i], a.p, b.p);
        ck_assert_msg(fabs(a.log10p - b.log10p) <= 1e-13 * fabs(b.log10p), "z %g: %.17g %.17g", zs[i],
                      a.log10p, b.log10p);
    }
    /* and the continued fraction (df 1.0000001) meets erfc (df 1) */
    cs_close(learnpath_chi2_upper(1500, 1.0000001).log10p, learnpath_chi2_upper(1500, 1).log10p, 1e-8,
             "df near 1");
}
END_TEST

/* ------------------------------------------------------------ Fisher */

/* Rule 22: Fisher's two-sided p on tables with a zero cell, an empty
** margin (p = 1), and small symmetric ones (scipy's fisher_exact). */
START_TEST(test_fisher_small) {
    static const struct {
        int64_t a, b, c, d;
        double p;
    } t[] = {
        {0, 5, 5, 0, 0.007936507936507938}, {5, 0, 0, 5, 0.007936507936507938},
        {0, 10, 3, 7, 0.21052631578947367}, {1, 0, 0, 1, 1.0},
        {0, 0, 3, 4, 1.0},                   {3, 0, 4, 0, 1.0},
        {3, 1, 1, 3, 0.48571428571428565},   {2, 7, 8, 2, 0.02301413756522116},
        {0, 0, 0, 0, 1.0},
    };
    for (int i = 0; i < CS_N(t); i++) {
        lp_pvalue p = learnpath_fisher_2x2(t[i].a, t[i].b, t[i].c, t[i].d);
        ck_assert_msg(fabs(p.p - t[i].p) <= 1e-12 * t[i].p, "table %d: %.17g, want %.17g", i, p.p,
                      t[i].p);
        if (t[i].p == 1.0) ck_assert(p.p == 1.0 && p.log10p == 0.0);
    }
    /* transposing or swapping rows keeps p */
    ck_assert(fabs(learnpath_fisher_2x2(2, 8, 7, 2).p - 0.02301413756522116) <= 1e-12 * 0.023);
    ck_assert(fabs(learnpath_fisher_2x2(8, 2, 2, 7).p - 0.02301413756522116) <= 1e-12 * 0.023);
}
END_TEST

/* Rule 22: a large table far in the tail: p 0.0, log10 p finite and equal
** to its two halves' (the table is symmetric: each tail is half). */
START_TEST(test_fisher_tail) {
    lp_pvalue p = learnpath_fisher_2x2(3000, 0, 0, 3000);
    /* P(X = 3000) = 1 / C(6000, 3000); two-sided: twice that */
    double l10 = (log(2.0) - (lgamma(6001) - 2 * lgamma(3001))) / log(10.0);
    ck_assert(p.p == 0.0);
    cs_close(p.log10p, l10, 1e-11, "log10 p");
    ck_assert(isnan(learnpath_fisher_2x2(-1, 2, 3, 4).p));
    /* a negative cell anywhere is no table; an empty row is no test (p 1) */
    ck_assert(isnan(learnpath_fisher_2x2(1, -2, 3, 4).p));
    ck_assert(isnan(learnpath_fisher_2x2(1, 2, -3, 4).p));
    ck_assert(isnan(learnpath_fisher_2x2(1, 2, 3, -4).p));
    p = learnpath_fisher_2x2(1, 2, 0, 0);
    ck_assert(p.p == 1.0 && p.log10p == 0.0);
}
END_TEST

/* The normal tail at the edges: NaN gives NaN, an infinite z p = 0. */
START_TEST(test_normal_edges) {
    lp_pvalue p = learnpath_normal_two_sided(NAN);
    ck_assert(isnan(p.p) && isnan(p.log10p));
    p = learnpath_normal_two_sided(-INFINITY);
    ck_assert(p.p == 0.0 && isinf(p.log10p) && p.log10p < 0);
}
END_TEST

/* ------------------------------------------------------------ Wilson, Holm */

/* Rule 22: Wilson's interval, with 0 and 1 at k = 0 and k = n (scipy). */
START_TEST(test_wilson) {
    static const struct {
        int64_t k, n;
        double lo, hi;
    } a[] = {
        {0, 10, 0.0, 0.27753279986288926},
        {10, 10, 0.7224672001371109, 1.0},
        {120, 565, 0.18066510372385686, 0.2479981996264638},
        {1, 1, 0.20654931437723745, 1.0},
    };
    for (int i = 0; i < CS_N(a); i++) {
        double lo, hi;
        learnpath_wilson(a[i].k, a[i].n, 1.959963984540054, &lo, &hi);
        cs_close(lo, a[i].lo, 1e-13, "lo");
        cs_close(hi, a[i].hi, 1e-13, "hi");
    }
}
END_TEST

/* Rule 22: Holm's adjustment: p_(i) (m - i + 1), the running maximum in the
** order of the p-values, capped at 1; ties keep input order; m = 0 is fine. */
START_TEST(test_holm) {
    static const double p[] = {0.01, 0.04, 0.03, 0.005};
    static const double want[] = {0.03, 0.06, 0.06, 0.02};
    static const double p2[] = {0.2, 0.6, 0.2, 0.001};   /* 0.2 x 3, then the maximum */
    static const double want2[] = {0.6, 0.6, 0.6, 0.004};
    static const double p3[] = {0.4, 0.6, 0.001, 0.55};  /* 0.4 x 3 = 1.2: capped */
    static const double want3[] = {1.0, 1.0, 0.004, 1.0};
    double adj[4];
    ck_assert_int_eq(learnpath_holm(p, 4, adj), SQLITE_OK);
    for (int i = 0; i < 4; i++) cs_close(adj[i], want[i], 1e-15, "holm");
    ck_assert_int_eq(learnpath_holm(p2, 4, adj), SQLITE_OK);
    for (int i = 0; i < 4; i++) cs_close(adj[i], want2[i], 1e-15, "holm, ties");
    ck_assert_int_eq(learnpath_holm(p3, 4, adj), SQLITE_OK);
    for (int i = 0; i < 4; i++) cs_close(adj[i], want3[i], 1e-15, "holm, cap");
    ck_assert_int_eq(learnpath_holm(p, 0, adj), SQLITE_OK);
    ck_assert_int_eq(learnpath_holm(p, 1, adj), SQLITE_OK);
    ck_assert(adj[0] == 0.01);
}
END_TEST

/* ------------------------------------------------------------ tables of counts */

/* Rule 22: tiny tables: 2 x 2 with two zeros (X^2 = n, V = 1, G = 2 n ln 2),
** uniform (X^2 = G = 0, p = 1), sparse 3 x 2; the expected-count summaries. */
START_TEST(test_ctab_tiny) {
    static const int64_t diag[] = {1, 0, 0, 1}, flat[] = {5, 5, 5, 5, 5, 5};
    static const int64_t mixed[] = {0, 3, 2, 0, 1, 1};
    lp_ctab_test t;
    learnpath_ctab_test(diag, 2, 2, &t);
    cs_close(t.x2, 2.0, 1e-15, "X^2");
    cs_close(t.g, 4 * log(2.0), 1e-15, "G");
    cs_close(t.cramerV, 1.0, 1e-15, "V");
    ck_assert(t.df == 1.0 && t.n == 2 && t.minExpected == 0.5 && t.shareBelow5 == 1.0);
    cs_close(t.pX2.p, 0.15729920705028105, 1e-12, "p(X^2 = 2, df 1)");
    learnpath_ctab_test(flat, 3, 2, &t);
    ck_assert(t.x2 == 0.0 && t.g == 0.0 && t.pX2.p == 1.0 && t.pG.log10p == 0.0);
    ck_assert(t.df == 2.0 && t.minExpected == 5.0 && t.shareBelow5 == 0.0);
    /* [[0,3],[2,0],[1,1]] (scipy): E = [[9/7, 12/7], [6/7, 8/7], [6/7, 8/7]] */
    learnpath_ctab_test(mixed, 3, 2, &t);
    cs_close(t.x2, 4.958333333333334, 1e-14, "X^2");
    cs_close(t.g, 6.788124743566822, 1e-14, "G");
    cs_close(t.cramerV, 0.8416254115301732, 1e-14, "V");
    cs_close(t.pX2.p, 0.0838130406991104, 1e-12, "p(X^2)");
    cs_close(t.minExpected, 6.0 / 7.0, 1e-15, "min expected");
    ck_assert(t.shareBelow5 == 1.0 && t.df == 2.0 && t.n == 7);
}
END_TEST

/* ------------------------------------------------------------ log-rank */

/* Rule 22: the log-rank test with a group of no observation (group 1 of 3
** empty: left out of df), against R's survdiff; and three groups. */
START_TEST(test_logrank_empty_group) {
    static const double t1[] = {1, 2, 2, 3, 4, 5, 5, 6, 7, 8};
    static const unsigned char e1[] = {1, 1, 0, 1, 1, 0, 1, 1, 0, 1};
    static const uint32_t g1[] = {0, 2, 0, 2, 0, 0, 2, 2, 0, 2};
    static const double t2[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const unsigned char e2[] = {1, 0, 1, 1, 0, 1, 0, 1, 1};
    static const uint32_t g2[] = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    double chi, o[3], e[3];
    int df;
    lp_pvalue p;
    ck_assert_int_eq(learnpath_logrank(t1, e1, g1, 10, 3, &chi, &df, &p, o, e), SQLITE_OK);
    cs_close(chi, 0.25285476151694875, 1e-12, "chi2");
    ck_assert_int_eq(df, 1);
    cs_close(p.p, 0.61507208675713143, 1e-12, "p");
    ck_assert(o[0] == 2 && o[1] == 0 && o[2] == 5 && e[1] == 0);
    cs_close(e[0], 2.6063492063492064, 1e-14, "E0");
    cs_close(e[2], 4.3936507936507931, 1e-14, "E2");
    ck_assert_int_eq(learnpath_logrank(t2, e2, g2, 9, 3, &chi, &df, &p, o, e), SQLITE_OK);
    cs_close(chi, 0.8955086536427731, 1e-12, "chi2, 3 groups");
    ck_assert_int_eq(df, 2);
    cs_close(p.p, 0.63906166505869777, 1e-12, "p, 3 groups");
    cs_close(e[1], 1.7023809523809523, 1e-14, "E1");
}
END_TEST

/* Rule 22: a group censored before the first event has expected 0 and is
** left out of df (survdiff); with no event, or one group, chi2 0, df 0,
** p 1; no observations at all is fine; NULL aObserved/aExpected; a
** singular V lowers df to its rank. */
START_TEST(test_logrank_edges) {
    static const double t[] = {0.5, 0.7, 1, 2, 3, 4, 5, 6};
    static const unsigned char ev[] = {0, 0, 1, 1, 0, 1, 1, 1}, none[] = {0, 0, 0, 0, 0, 0, 0, 0};
    static const uint32_t g[] = {2, 2, 0, 1, 0, 1, 0, 1}, one[] = {1, 1, 1, 1, 1, 1, 1, 1};
    double chi, e[3];
    int df;
    lp_pvalue p;
    ck_assert_int_eq(learnpath_logrank(t, ev, g, 8, 3, &chi, &df, &p, NULL, e), SQLITE_OK);
    cs_close(chi, 0.073903002309468793, 1e-12, "chi2");
    ck_assert_int_eq(df, 1);
    cs_close(p.p, 0.78573653795991283, 1e-12, "p");
    ck_assert(e[2] == 0.0);
    ck_assert_int_eq(learnpath_logrank(t, none, g, 8, 3, &chi, &df, &p, NULL, NULL), SQLITE_OK);
    ck_assert(chi == 0.0 && df == 0 && p.p == 1.0 && p.log10p == 0.0);
    ck_assert_int_eq(learnpath_logrank(t, ev, one, 8, 3, &chi, &df, &p, NULL, NULL), SQLITE_OK);
    ck_assert(chi == 0.0 && df == 0 && p.p == 1.0);
    ck_assert_int_eq(learnpath_logrank(t, ev, g, 0, 3, &chi, &df, &p, NULL, NULL), SQLITE_OK);
    ck_assert(chi == 0.0 && df == 0 && p.p == 1.0);
    /* every observation an event at one time: each E_j > 0 but V = 0 (d = n),
    ** singular (R's solve refuses it): rank 0, so df 0 and p 1 */
    {
        static const double tt[] = {3, 3, 3, 3, 3};
        static const unsigned char ee[] = {1, 1, 1, 1, 1};
        static const uint32_t gg[] = {0, 1, 2, 0, 1};
        double e3[3];
        ck_assert_int_eq(learnpath_logrank(tt, ee, gg, 5, 3, &chi, &df, &p, NULL, e3), SQLITE_OK);
        ck_assert(e3[0] == 2.0 && e3[1] == 2.0 && e3[2] == 1.0);
        ck_assert(chi == 0.0 && df == 0 && p.p == 1.0);
    }
}
END_TEST

/*
** The log-rank test as main computed it (commit 1459683: double counters,
** every n_k / n divided per j), kept here as the reference: the counts in
** integers must give the same bits.
*/
static double csRefQuad(const double *aV, const double *aOE, const int *aKeep, int nKeep,
                               int nGroup, double *aWork, int *pRank) {
    int m = nKeep - 1, i, j, k, rank = 0;
    double *L = aWork, *y = aWork + (size_t)m * m, eps = 0.0, chi = 0.0;
    for (i = 0; i < m; i++) {
        for (j = 0; j < m; j++) L[i * m + j] = aV[aKeep[i + 1] * nGroup + aKeep[j + 1]];
        if (L[i * m + i] > eps) eps = L[i * m + i];
        y[i] = aOE[aKeep[i + 1]];
    }
    eps *= 1e-10;
    /* L D L' in place: column i's pivot on the diagonal, multipliers below */
    for (i = 0; i < m; i++) {
        double piv = L[i * m + i];
        if (!(piv > eps)) {
            for (j = i; j < m; j++) L[j * m + i] = 0.0;
            continue;
        }
        rank++;
        for (j = i + 1; j < m; j++) {
            double t = L[j * m + i] / piv;
            for (k = j; k < m; k++) L[k * m + j] -= t * L[k * m + i];
            L[j * m + i] = t;
        }
    }
    /* y' (L D L')^- y = sum over kept pivots of (L^-1 y)_i^2 / D_i */
    for (i = 0; i < m; i++) {
        if (L[i * m + i] == 0.0) {
            y[i] = 0.0;
            continue;
        }
        for (j = i + 1; j < m; j++) y[j] -= L[j * m + i] * y[i];
        chi += y[i] * y[i] / L[i * m + i];
    }
    *pRank = rank;
    return chi;
}

static void csRefAccumulate(const double *aT, const unsigned char *aEvent, const uint32_t *aGroup,
                                   int64_t n, int nGroup, double *aRisk, double *aD, double *aO,
                                   double *aE, double *aV) {
    int64_t i, nRisk = n;
    int j, k;
    for (i = 0; i < n; i++) aRisk[aGroup[i]] += 1.0;
    i = 0;
    while (i < n) {
        int64_t iEnd = i, dTot = 0;
        double nd = (double)nRisk;
        while (iEnd < n && aT[iEnd] == aT[i]) {
            if (aEvent[iEnd]) {
                aD[aGroup[iEnd]] += 1.0;
                dTot++;
            }
            iEnd++;
        }
        if (dTot > 0) {
            double dd = (double)dTot, kt = nRisk > 1 ? dd * (nd - dd) / (nd - 1.0) / nd : 0.0;
            for (j = 0; j < nGroup; j++) {
                aO[j] += aD[j];
                aE[j] += dd * aRisk[j] / nd;
                if (kt == 0.0 || aRisk[j] == 0.0) continue;
                for (k = 0; k < nGroup; k++) {
                    aV[j * nGroup + k] += kt * aRisk[j] * ((j == k ? 1.0 : 0.0) - aRisk[k] / nd);
                }
            }
            for (j = 0; j < nGroup; j++) aD[j] = 0.0;
        }
        for (; i < iEnd; i++) aRisk[aGroup[i]] -= 1.0;
        nRisk = n - iEnd;
    }
}

/* The reference's chi2, df, O and E (nGroup <= 24). */
static void csRefLogrank(const double *aT, const unsigned char *aEv, const uint32_t *aG, int64_t n,
                         int nGroup, double *pChi, int *pDf, double *aO, double *aE) {
    static double aRisk[24], aD[24], aOE[24], aV[24 * 24], aWork[24 * 24 + 24];
    int aKeep[24], nKeep = 0, rank = 0;
    memset(aRisk, 0, sizeof(aRisk));
    memset(aD, 0, sizeof(aD));
    memset(aV, 0, sizeof(aV));
    memset(aO, 0, (size_t)nGroup * sizeof(double));
    memset(aE, 0, (size_t)nGroup * sizeof(double));
    csRefAccumulate(aT, aEv, aG, n, nGroup, aRisk, aD, aO, aE, aV);
    for (int j = 0; j < nGroup; j++) {
        if (aE[j] > 0.0) aKeep[nKeep++] = j;
        aOE[j] = aO[j] - aE[j];
    }
    *pChi = 0.0;
    *pDf = 0;
    if (nKeep >= 2) {
        *pChi = csRefQuad(aV, aOE, aKeep, nKeep, nGroup, aWork, &rank);
        *pDf = rank;
    }
}

/* Rule 22: the log-rank test's sums, counted in integers, give main's
** numbers bit for bit: seeded data of 1 to 24 groups (where two alone have
** observations, their counts kept in registers), times with many ties or none, few or many events, groups
** without observations, and event bytes other than 1. */
START_TEST(test_logrank_same_bits) {
    enum { N = 4000 };
    static double aT[N], aO[24], aE[24], rO[24], rE[24];
    static unsigned char aEv[N];
    static uint32_t aG[N];
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int c = 0; c < 300; c++) {
        int nGroup = c % 24 + 1, df, rdf, n = (int)(x % N) + 1;
        int nTimes = 1 + (c % 5 == 0 ? 3 : c % 5 == 1 ? 40 : N * 4);
        double chi, rchi;
        lp_pvalue p;
        double t = 0.0;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            if ((x >> 33) % (uint64_t)nTimes != 0 || i == 0) t += (double)((x >> 20) % 1000) / 7.0;
            aT[i] = c % 7 == 3 ? (double)(i / 3) : t;
            aEv[i] = (unsigned char)((x >> 40) % 10 < (uint64_t)(c % 10) ? (c % 4 == 0 ? 3 : 1) : 0);
            aG[i] = (uint32_t)((x >> 45) % (uint64_t)nGroup);
            if (nGroup > 3 && aG[i] == 1) aG[i] = 0; /* group 1 has no observation */
            /* two groups alone have observations, others none (segments
            ** keyed from 1: group 0 empty) */
            if (c % 3 == 2 && nGroup > 1) aG[i] = (x >> 50) % 2 ? (uint32_t)nGroup - 1 : (uint32_t)(c % 2);
        }
        ck_assert_int_eq(learnpath_logrank(aT, aEv, aG, n, nGroup, &chi, &df, &p, aO, aE), SQLITE_OK);
        csRefLogrank(aT, aEv, aG, n, nGroup, &rchi, &rdf, rO, rE);
        ck_assert_msg(memcmp(&chi, &rchi, sizeof(chi)) == 0, "case %d: chi2 %.17g, want %.17g", c, chi, rchi);
        ck_assert_int_eq(df, rdf);
        ck_assert(memcmp(aO, rO, (size_t)nGroup * sizeof(double)) == 0);
        ck_assert(memcmp(aE, rE, (size_t)nGroup * sizeof(double)) == 0);
    }
}
END_TEST

/* Rule 22: the log-rank test of observations in runs, each in order of
** time (segment_compare's first programs or segments, merged by time
** without a copy), gives learnpath_logrank's numbers of the same
** observations in one sorted array bit for bit, and the reference's:
** seeded data of 1 to 24 groups cut into 1 to 40 runs laid out in any
** order with gaps and empty runs, ties within and across runs, two groups
** alone with observations, and a run per group. */
START_TEST(test_logrank_runs_same_bits) {
    enum { N = 3000, R = 40 };
    static double aT[N], aRT[2 * N], aO[24], aE[24], rO[24], rE[24];
    static unsigned char aEv[N], aREv[2 * N];
    static uint32_t aG[N], aRG[2 * N], aRunOf[N];
    static int64_t aRun[2 * R + 2], aFill[R]; /* the runs and one empty one more */
    uint64_t x = 0x2545F4914F6CDD1Du;
    for (int c = 0; c < 240; c++) {
        int nGroup = c % 24 + 1, nRun = c % 40 + 1, df, rdf, n = (int)(x % N) + 1;
        int nTimes = c % 4 == 0 ? 3 : c % 4 == 1 ? 25 : 4 * N;
        double chi, rchi, chiR;
        lp_pvalue p, pR;
        double t = 0.0;
        int64_t at = 0;
        memset(aFill, 0, sizeof(aFill));
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            if ((x >> 33) % (uint64_t)nTimes == 0 || i == 0) t += (double)((x >> 20) % 1000) / 7.0;
            aT[i] = t;
            aEv[i] = (unsigned char)((x >> 40) % 10 < (uint64_t)(c % 10) ? 1 : 0);
            aG[i] = (uint32_t)((x >> 45) % (uint64_t)nGroup);
            if (c % 3 == 2 && nGroup > 1) aG[i] = (x >> 50) % 2 ? (uint32_t)nGroup - 1 : (uint32_t)(c % 2);
            /* a run per group (as the segments of a first program), or at random */
            aRunOf[i] = c % 5 == 4 ? aG[i] % (uint32_t)nRun : (uint32_t)((x >> 52) % (uint64_t)nRun);
            aFill[aRunOf[i]]++;
        }
        /* the runs laid out last first, a gap of 3 after each; run 0 also
        ** named again, empty */
        for (int r = nRun - 1; r >= 0; r--) {
            aRun[2 * r] = at;
            aRun[2 * r + 1] = aFill[r];
            at += aFill[r] + 3;
            aFill[r] = aRun[2 * r];
        }
        for (int i = 0; i < n; i++) {
            int64_t j = aFill[aRunOf[i]]++;
            aRT[j] = aT[i];
            aREv[j] = aEv[i];
            aRG[j] = aG[i];
        }
        aRun[2 * nRun] = 0;
        aRun[2 * nRun + 1] = 0;
        ck_assert_int_eq(learnpath_logrank(aT, aEv, aG, n, nGroup, &chi, &df, &p, aO, aE), SQLITE_OK);
        ck_assert_int_eq(learnpath_logrank_runs(aRT, aREv, aRG, aRun, nRun + 1, nGroup, &chiR, &rdf, &pR, rO, rE),
                         SQLITE_OK);
        ck_assert_msg(memcmp(&chi, &chiR, sizeof(chi)) == 0, "case %d: chi2 %.17g, runs %.17g", c, chi, chiR);
        ck_assert_int_eq(df, rdf);
        ck_assert(memcmp(&p, &pR, sizeof(p)) == 0);
        ck_assert(memcmp(aO, rO, (size_t)nGroup * sizeof(double)) == 0);
        ck_assert(memcmp(aE, rE, (size_t)nGroup * sizeof(double)) == 0);
        csRefLogrank(aT, aEv, aG, n, nGroup, &rchi, &rdf, rO, rE);
        ck_assert_msg(memcmp(&chiR, &rchi, sizeof(chi)) == 0, "case %d: runs %.17g, want %.17g", c, chiR, rchi);
        ck_assert_int_eq(df, rdf);
    }
    {
        /* no group: nothing to test, as learnpath_logrank says */
        double chi = 1.0;
        int df = 1;
        lp_pvalue p;
        ck_assert_int_eq(learnpath_logrank_runs(aRT, aREv, aRG, aRun, 1, 0, &chi, &df, &p, NULL, NULL), SQLITE_OK);
        ck_assert(chi == 0.0 && df == 0 && p.p == 1.0);
    }
}
END_TEST

/* Rule 22: where SQLite's allocator fails (a hard heap limit just above
** what is in use), Holm and the log-rank test return SQLITE_NOMEM and
** leak nothing; past the limit they answer again. */
START_TEST(test_out_of_memory) {
    enum { N = 20000, G = 20 };
    static double aP[N], aAdj[N], aT[N], aO[G];
    static unsigned char aEv[N];
    static uint32_t aG[N];
    /* the same users as two runs, each in order of time */
    static const int64_t aRun[4] = {0, N / 2, N / 2, N / 2};
    double chi;
    int df;
    lp_pvalue p;
    sqlite3_int64 nUsed;
    for (int i = 0; i < N; i++) {
        aP[i] = (i % 97) / 97.0;
        aT[i] = i;
        aEv[i] = (unsigned char)(i % 3 != 0);
        aG[i] = (uint32_t)(i % G);
    }
    ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
    nUsed = sqlite3_memory_used();
    sqlite3_hard_heap_limit64(nUsed + 1024);
    ck_assert_int_eq(learnpath_holm(aP, N, aAdj), SQLITE_NOMEM);
    ck_assert_int_eq(learnpath_logrank(aT, aEv, aG, N, G, &chi, &df, &p, aO, NULL), SQLITE_NOMEM);
    ck_assert_int_eq(learnpath_logrank_runs(aT, aEv, aG, aRun, 2, G, &chi, &df, &p, aO, NULL), SQLITE_NOMEM);
    ck_assert(sqlite3_memory_used() == nUsed);
    sqlite3_hard_heap_limit64(0);
    ck_assert_int_eq(learnpath_holm(aP, N, aAdj), SQLITE_OK);
    ck_assert_int_eq(learnpath_logrank(aT, aEv, aG, N, G, &chi, &df, &p, aO, NULL), SQLITE_OK);
    ck_assert(df == G - 1 && chi >= 0.0 && p.p > 0.0 && p.p <= 1.0);
    ck_assert_int_eq(learnpath_logrank_runs(aT, aEv, aG, aRun, 2, G, &chi, &df, &p, aO, NULL), SQLITE_OK);
    ck_assert(df == G - 1 && chi >= 0.0 && p.p > 0.0 && p.p <= 1.0);
    ck_assert(sqlite3_memory_used() == nUsed);
}
END_TEST

Suite *make_stats_suite(void) {
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("Core");
    tcase_add_test(tc, test_issue_table);
    tcase_add_test(tc, test_normal_edges);
    tcase_add_test(tc, test_issue_two_proportions);
    tcase_add_test(tc, test_chi2_zero);
    tcase_add_test(tc, test_chi2_huge);
    tcase_add_test(tc, test_df1_is_normal);
    tcase_add_test(tc, test_fisher_small);
    tcase_add_test(tc, test_fisher_tail);
    tcase_add_test(tc, test_wilson);
    tcase_add_test(tc, test_holm);
    tcase_add_test(tc, test_ctab_tiny);
    tcase_add_test(tc, test_logrank_empty_group);
    tcase_add_test(tc, test_logrank_edges);
    tcase_add_test(tc, test_logrank_same_bits);
    tcase_add_test(tc, test_logrank_runs_same_bits);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
