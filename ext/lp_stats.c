/*
** lp_stats.c - tests of difference (README rule 22). PLACEHOLDER: every
** function returns NAN until the implementations land on this branch.
*/
#include <math.h>

#include "lp_base.h"

static lp_pvalue statsNan(void) {
    lp_pvalue r;
    r.p = NAN;
    r.log10p = NAN;
    return r;
}

lp_pvalue learnpath_chi2_upper(double x, double df) {
    (void)x;
    (void)df;
    return statsNan();
}

lp_pvalue learnpath_normal_two_sided(double z) {
    (void)z;
    return statsNan();
}

lp_pvalue learnpath_fisher_2x2(int64_t a, int64_t b, int64_t c, int64_t d) {
    (void)a;
    (void)b;
    (void)c;
    (void)d;
    return statsNan();
}

void learnpath_wilson(int64_t k, int64_t n, double z, double *pLo, double *pHi) {
    (void)k;
    (void)n;
    (void)z;
    *pLo = NAN;
    *pHi = NAN;
}

int learnpath_holm(const double *aP, int n, double *aAdj) {
    int i;
    for (i = 0; i < n; i++) aAdj[i] = aP[i] * NAN;
    return SQLITE_OK;
}

void learnpath_ctab_test(const int64_t *aObs, int nRow, int nCol, lp_ctab_test *pOut) {
    (void)aObs;
    (void)nRow;
    (void)nCol;
    memset(pOut, 0, sizeof(*pOut));
    pOut->x2 = pOut->g = pOut->df = pOut->cramerV = NAN;
    pOut->pX2 = pOut->pG = statsNan();
}

int learnpath_logrank(const double *aT, const unsigned char *aEvent, const uint32_t *aGroup,
                      int64_t n, int nGroup, double *pChi2, int *pDf, lp_pvalue *pP,
                      double *aObserved, double *aExpected) {
    int j;
    (void)aT;
    (void)aEvent;
    (void)aGroup;
    (void)n;
    *pChi2 = NAN;
    *pDf = 0;
    *pP = statsNan();
    for (j = 0; j < nGroup; j++) {
        if (aObserved) aObserved[j] = NAN;
        if (aExpected) aExpected[j] = NAN;
    }
    return SQLITE_OK;
}
