/*
** stats_driver.c - the tests of difference of ext/lp_stats.c (README rule
** 22) on cases read from stdin, one a line, each answered by one line of
** numbers (%.17g) on stdout, for tests/oracle/stats.py to compare with
** scipy and R. Built with the extension compiled in (make test-stats).
**
**   chi2 X DF                  -> p log10p
**   norm Z                     -> p log10p
**   fisher A B C D             -> p log10p
**   wilson K N Z               -> lo hi
**   holm M P1 .. PM            -> adj1 .. adjM
**   ctab R C O11 O12 .. ORC    -> x2 g df pX2 log10pX2 pG log10pG cramerV minExpected shareBelow5 n
**   logrank N G T1 E1 G1 ..    -> chi2 df p log10p O1 .. OG E1 .. EG
**
** A line it cannot read is answered "error"; exit 1 on a read error or
** out of memory.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_base.h"

static void pv(lp_pvalue p) {
    printf(" %.17g %.17g", p.p, p.log10p);
}

static int runHolm(void) {
    int m, i, rc = 0;
    double *aP, *aAdj;
    if (scanf("%d", &m) != 1 || m < 0 || m > 1000000) return 1;
    aP = malloc(sizeof(double) * (size_t)(m + 1));
    aAdj = malloc(sizeof(double) * (size_t)(m + 1));
    if (!aP || !aAdj) rc = 1;
    for (i = 0; rc == 0 && i < m; i++) {
        if (scanf("%lf", &aP[i]) != 1) rc = 1;
    }
    if (rc == 0 && learnpath_holm(aP, m, aAdj) != SQLITE_OK) rc = 1;
    for (i = 0; rc == 0 && i < m; i++) printf("%s%.17g", i ? " " : "", aAdj[i]);
    free(aP);
    free(aAdj);
    return rc;
}

static int runCtab(void) {
    int r, c, i;
    int64_t *a;
    lp_ctab_test t;
    if (scanf("%d %d", &r, &c) != 2 || r < 2 || c < 2 || r > 10000 || c > 10000) return 1;
    a = malloc(sizeof(int64_t) * (size_t)r * (size_t)c);
    if (!a) return 1;
    for (i = 0; i < r * c; i++) {
        long long v;
        if (scanf("%lld", &v) != 1) {
            free(a);
            return 1;
        }
        a[i] = v;
    }
    learnpath_ctab_test(a, r, c, &t);
    printf("%.17g %.17g %.17g", t.x2, t.g, t.df);
    pv(t.pX2);
    pv(t.pG);
    printf(" %.17g %.17g %.17g %lld", t.cramerV, t.minExpected, t.shareBelow5, (long long)t.n);
    free(a);
    return 0;
}

static int runLogrank(void) {
    long long n, i;
    int g, j, df, rc = 0;
    double *aT, *aO, *aE, chi2;
    unsigned char *aEv;
    uint32_t *aG;
    lp_pvalue p;
    if (scanf("%lld %d", &n, &g) != 2 || n < 0 || g < 1 || g > 10000) return 1;
    aT = malloc(sizeof(double) * (size_t)(n + 1));
    aEv = malloc((size_t)(n + 1));
    aG = malloc(sizeof(uint32_t) * (size_t)(n + 1));
    aO = malloc(sizeof(double) * (size_t)g);
    aE = malloc(sizeof(double) * (size_t)g);
    if (!aT || !aEv || !aG || !aO || !aE) rc = 1;
    for (i = 0; rc == 0 && i < n; i++) {
        int e;
        unsigned grp;
        if (scanf("%lf %d %u", &aT[i], &e, &grp) != 3 || grp >= (unsigned)g) rc = 1;
        aEv[i] = (unsigned char)(e != 0);
        aG[i] = grp;
    }
    if (rc == 0 && learnpath_logrank(aT, aEv, aG, n, g, &chi2, &df, &p, aO, aE) != SQLITE_OK) rc = 1;
    if (rc == 0) {
        printf("%.17g %d", chi2, df);
        pv(p);
        for (j = 0; j < g; j++) printf(" %.17g", aO[j]);
        for (j = 0; j < g; j++) printf(" %.17g", aE[j]);
    }
    free(aT);
    free(aEv);
    free(aG);
    free(aO);
    free(aE);
    return rc;
}

int main(void) {
    char zCmd[32];
    while (scanf("%31s", zCmd) == 1) {
        int rc = 0;
        if (strcmp(zCmd, "chi2") == 0) {
            double x, df;
            rc = scanf("%lf %lf", &x, &df) != 2;
            if (!rc) pv(learnpath_chi2_upper(x, df));
        } else if (strcmp(zCmd, "norm") == 0) {
            double z;
            rc = scanf("%lf", &z) != 1;
            if (!rc) pv(learnpath_normal_two_sided(z));
        } else if (strcmp(zCmd, "fisher") == 0) {
            long long a, b, c, d;
            rc = scanf("%lld %lld %lld %lld", &a, &b, &c, &d) != 4;
            if (!rc) pv(learnpath_fisher_2x2(a, b, c, d));
        } else if (strcmp(zCmd, "wilson") == 0) {
            long long k, n;
            double z, lo, hi;
            rc = scanf("%lld %lld %lf", &k, &n, &z) != 3;
            if (!rc) {
                learnpath_wilson(k, n, z, &lo, &hi);
                printf("%.17g %.17g", lo, hi);
            }
        } else if (strcmp(zCmd, "holm") == 0) {
            rc = runHolm();
        } else if (strcmp(zCmd, "ctab") == 0) {
            rc = runCtab();
        } else if (strcmp(zCmd, "logrank") == 0) {
            rc = runLogrank();
        } else {
            rc = 1;
        }
        if (rc) {
            printf("error\n");
            return 1;
        }
        printf("\n");
    }
    return 0;
}
