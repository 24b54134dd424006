/*
** lp_stats.c - tests of difference (README rule 22), for the functions that
** ask whether segments differ. Plain C and libm; nothing here calls SQLite
** but its allocator (sqlite3_malloc64, every allocation checked).
**
**   learnpath_chi2_upper        P(X >= x), X chi-square with df degrees
**   learnpath_normal_two_sided  P(|Z| >= |z|)
**   learnpath_fisher_2x2        Fisher's exact test, two-sided
**   learnpath_wilson            the Wilson score interval of k of n
**   learnpath_holm              Holm's step-down adjustment
**   learnpath_ctab_test         X^2, G, df, Cramer's V of an r x c table
**   learnpath_logrank           the log-rank test, as R's survdiff (rho 0)
**   learnpath_logrank_runs      the same of runs each in order of time, merged
**
** Every p-value comes as an lp_pvalue: p as a double and log10 of the exact
** p, which stays finite (and exact to about 1e-13 relative) where p is far
** below the double range. So everything is computed in log space:
**
**   - Q(a, x), the regularized upper incomplete gamma (chi-square: a = df/2,
**     x = X^2/2), is the prefactor x^a e^-x / Gamma(a) times a series
**     (x < a + 1: Q = 1 - P) or a continued fraction (Lentz). The log of
**     the prefactor is written as -bd0(a, x) + log(a / 2 pi) / 2 - stirl(a)
**     (Loader's saddle-point form, which R's dpois uses) so that it keeps
**     its digits where x and a are large and close; see statsLogPrefactor.
**   - df = 1 and the normal tail: erfc; where erfc underflows, its
**     asymptotic series gives the log.
**   - Fisher: the hypergeometric log-probabilities by the same saddle-point
**     form (R's dhyper), the two tails summed outward from their edges.
*/
#include <math.h>

#include "lp_base.h"

#define STATS_LN10 2.302585092994045684017991454684364208
#define STATS_LN_2PI 1.837877066409345483560659472811235279
#define STATS_LN_SQRT_PI 0.572364942924700087071713675676529356
#define STATS_SQRT1_2 0.707106781186547524400844362104849039

/* ------------------------------------------------------------ building blocks */

/* An lp_pvalue from the natural log of p (p = 1 for lp >= 0). */
static lp_pvalue statsFromLog(double lp) {
    lp_pvalue r;
    if (isnan(lp)) {
        r.p = r.log10p = NAN;
    } else if (lp >= 0.0) {
        r.p = 1.0;
        r.log10p = 0.0;
    } else {
        r.p = exp(lp);
        r.log10p = lp / STATS_LN10;
    }
    return r;
}

/* The Stirling series of ln Gamma(a + 1) - ((a + 0.5) ln a - a + ln(2 pi) / 2), a > 15. */
static double statsStirlSeries(double a) {
    double a2 = 1.0 / (a * a);
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - a2 / 1188) * a2) * a2) * a2) / a;
}

/*
** stirl(a) = ln Gamma(a + 1) - ((a + 0.5) ln a - a + ln(2 pi) / 2), the error
** of Stirling's formula, a > 0: the series past 15; below, the series at
** a + k > 15 less ln((a + 1) ... (a + k)) (absolute error below 1e-14).
** Not libm's lgamma, which writes the global signgam: these functions may
** run on several threads at once.
*/
static double statsStirl(double a) {
    double b = a, lnProd = 0.0;
    int k = 0;
    if (a > 15.0) return statsStirlSeries(a);
    while (b <= 15.0) {
        b += 1.0;
        k++;
        lnProd += log(b);
    }
    /* ln Gamma(a + 1) = ln Gamma(b + 1) - ln((a + 1) ... b), b = a + k */
    return statsStirlSeries(b) + (b + 0.5) * log(b) - k - lnProd - (a + 0.5) * log(a);
}

/*
** bd0(x, m) = x ln(x / m) + m - x >= 0, for x > 0, m > 0, without the
** cancellation of that formula where x is close to m (then a series in
** v = (x - m) / (x + m)).
*/
static double statsBd0(double x, double m) {
    double d = x - m;
    if (fabs(d) < 0.1 * (x + m)) {
        double v = d / (x + m), v2 = v * v, s = d * v, ej = 2.0 * x * v;
        int j;
        for (j = 1; j < 1000; j++) {
            double s1;
            ej *= v2;
            s1 = s + ej / (2 * j + 1);
            if (s1 == s) break;
            s = s1;
        }
        return s;
    }
    return x * log(x / m) + m - x;
}

/* ln(x^a e^-x / Gamma(a)), a > 0, x > 0. */
static double statsLogPrefactor(double a, double x) {
    return -statsBd0(a, x) + 0.5 * (log(a) - STATS_LN_2PI) - statsStirl(a);
}

/* ln P(a, x) / prefactor's series: sum x^k / (a (a+1) ... (a+k)), x < a + 1. */
static double statsGammaSeries(double a, double x) {
    double term = 1.0 / a, sum = term, ap = a;
    int k;
    for (k = 0; k < 100000000; k++) {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

/* Q(a, x) / prefactor by its continued fraction (modified Lentz), x >= a + 1. */
static double statsGammaCf(double a, double x) {
    const double tiny = 1e-300;
    double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
    int i;
    for (i = 1; i < 100000000; i++) {
        double an = -i * (i - a), del;
        b += 2.0;
        d = an * d + b;
        if (fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1.0 / d;
        del = d * c;
        h *= del;
        if (fabs(del - 1.0) < 1e-16) break;
    }
    return h;
}

/* ln Q(a, x), the regularized upper incomplete gamma, a > 0, x > 0. */
static double statsLogGammaQ(double a, double x) {
    double lpre = statsLogPrefactor(a, x);
    if (x < a + 1.0) {
        double lP = lpre + log(statsGammaSeries(a, x));
        /* Q = 1 - P; P can round past 1 only by an ulp */
        return lP < -0.6931 ? log1p(-exp(lP)) : log(fmax(-expm1(lP), 0.0));
    }
    return lpre + log(statsGammaCf(a, x));
}

/*
** erfc(t), t >= 0, with its log: erfc itself while it is well inside the
** double range, else the asymptotic series
**   erfc(t) = e^-t^2 / (t sqrt(pi)) (1 - 1/(2t^2) + 3/(2t^2)^2 - 15/(2t^2)^3 ...)
** (t > 26 there, so the terms fall fast and 30 of them are ample).
*/
static lp_pvalue statsErfc(double t) {
    lp_pvalue r;
    if (isnan(t)) return statsFromLog(NAN);
    if (t <= 0.0) return statsFromLog(0.0);
    if (t < 26.0) {
        r.p = erfc(t);
        /* near p = 1, log10 p from erf keeps its relative digits */
        r.log10p = t < 0.5 ? log1p(-erf(t)) / STATS_LN10 : log10(r.p);
        return r;
    }
    if (isinf(t)) {
        r.p = 0.0;
        r.log10p = -INFINITY;
        return r;
    } else {
        double u = 1.0 / (2.0 * t * t), term = 1.0, sum = 1.0;
        int k;
        for (k = 1; k < 30; k++) {
            term *= -(2 * k - 1) * u;
            sum += term;
            if (fabs(term) < 1e-17) break;
        }
        r = statsFromLog(-t * t - log(t) - STATS_LN_SQRT_PI + log(sum));
        if (t < 27.5) r.p = erfc(t); /* in the subnormal range: libm's digits */
        return r;
    }
}

/* ------------------------------------------------------------ p-values */

lp_pvalue learnpath_chi2_upper(double x, double df) {
    if (isnan(x) || isnan(df) || !(df > 0.0)) return statsFromLog(NAN);
    if (x <= 0.0) return statsFromLog(0.0);
    if (isinf(x)) return statsFromLog(-INFINITY);
    if (df == 1.0) return statsErfc(sqrt(x / 2.0));
    return statsFromLog(statsLogGammaQ(df / 2.0, x / 2.0));
}

lp_pvalue learnpath_normal_two_sided(double z) {
    return statsErfc(fabs(z) * STATS_SQRT1_2);
}

/* ------------------------------------------------------------ Fisher */

/*
** ln of the binomial probability of x of n at p (q = 1 - p), 0 <= x <= n,
** in Loader's saddle-point form, exact to the last digits however large n.
*/
static double statsLogBinom(double x, double n, double p, double q) {
    double lc, lf;
    if (x == 0.0) return n == 0.0 ? 0.0 : n * log1p(-p);
    if (x == n) return n * log(p);
    lc = statsStirl(n) - statsStirl(x) - statsStirl(n - x) - statsBd0(x, n * p) - statsBd0(n - x, n * q);
    lf = STATS_LN_2PI + log(x) + log1p(-x / n);
    return lc - 0.5 * lf;
}

/* The hypergeometric draw: x white of nDraw, from nWhite white and nBlack black. */
typedef struct stats_hyper {
    double nWhite, nBlack, nDraw, p, q;
} stats_hyper;

/* ln P(X = x) for the draw h (R's dhyper, in logs). */
static double statsLogHyper(const stats_hyper *h, int64_t x) {
    double xd = (double)x;
    return statsLogBinom(xd, h->nWhite, h->p, h->q) + statsLogBinom(h->nDraw - xd, h->nBlack, h->p, h->q) -
           statsLogBinom(h->nDraw, h->nWhite + h->nBlack, h->p, h->q);
}

/*
** The edge of the tail of x in [lo, hi] whose log-probability is <= thr,
** on a side where it is monotone: bUp = 1 when it rises with x (the lower
** side, the answer the largest such x, lo - 1 if none), 0 when it falls
** (the upper side, the smallest such x, hi + 1 if none).
*/
static int64_t statsHyperEdge(const stats_hyper *h, int64_t lo, int64_t hi, double thr, int bUp) {
    int64_t a = lo, b = hi;
    if (bUp) {
        if (statsLogHyper(h, lo) > thr) return lo - 1;
        while (a < b) { /* logp(a) <= thr */
            int64_t mid = a + (b - a + 1) / 2;
            if (statsLogHyper(h, mid) <= thr) a = mid;
            else b = mid - 1;
        }
        return a;
    }
    if (statsLogHyper(h, hi) > thr) return hi + 1;
    while (a < b) { /* logp(b) <= thr */
        int64_t mid = a + (b - a) / 2;
        if (statsLogHyper(h, mid) <= thr) b = mid;
        else a = mid + 1;
    }
    return b;
}

/*
** Sum of exp(logp(x) - lRef) from x = edge outward (step -1 or +1) to end.
** The distribution is log-concave, so the ratio r of successive terms falls
** outward and what is left is below term r / (1 - r): stop when that is
** negligible.
*/
static double statsHyperTail(const stats_hyper *h, int64_t edge, int64_t end, int step, double lRef) {
    double sum = 0.0, prev = -1.0;
    int64_t x;
    for (x = edge;; x += step) {
        double t = exp(statsLogHyper(h, x) - lRef);
        sum += t;
        if (x == end || t == 0.0) break;
        if (prev > 0.0) {
            double r = t / prev;
            if (r < 1.0 && t * r / (1.0 - r) < sum * 1e-17) break;
        }
        prev = t;
    }
    return sum;
}

/* Long: the cases (empty margin, observed at the mode, one tail or two) in one place. */
lp_pvalue learnpath_fisher_2x2(int64_t a, int64_t b, int64_t c, int64_t d) {
    stats_hyper h;
    int64_t n1 = a + b, n2 = c + d, n = a + c, nTot = n1 + n2, lo, hi, mode, xL, xR;
    double l0, thr, lRef, sum;
    if (a < 0 || b < 0 || c < 0 || d < 0) return statsFromLog(NAN);
    if (n1 == 0 || n2 == 0 || n == 0 || b + d == 0) return statsFromLog(0.0);
    h.nWhite = (double)n1;
    h.nBlack = (double)n2;
    h.nDraw = (double)n;
    h.p = (double)n / (double)nTot;
    h.q = (double)(nTot - n) / (double)nTot;
    lo = n - n2 > 0 ? n - n2 : 0;
    hi = n < n1 ? n : n1;
    /* the mode: floor((n + 1)(n1 + 1) / (N + 2)), in long double against overflow */
    mode = (int64_t)floorl((long double)(n + 1) * (long double)(n1 + 1) / (long double)(nTot + 2));
    if (mode < lo) mode = lo;
    if (mode > hi) mode = hi;
    l0 = statsLogHyper(&h, a);
    thr = l0 + log1p(1e-7);
    if (statsLogHyper(&h, mode) <= thr) return statsFromLog(0.0);
    /* lower side [lo, mode) rises, upper side (mode, hi] falls */
    xL = mode > lo ? statsHyperEdge(&h, lo, mode - 1, thr, 1) : lo - 1;
    xR = mode < hi ? statsHyperEdge(&h, mode + 1, hi, thr, 0) : hi + 1;
    lRef = -INFINITY;
    if (xL >= lo) lRef = statsLogHyper(&h, xL);
    if (xR <= hi) lRef = fmax(lRef, statsLogHyper(&h, xR));
    sum = 0.0;
    if (xL >= lo) sum += statsHyperTail(&h, xL, lo, -1, lRef);
    if (xR <= hi) sum += statsHyperTail(&h, xR, hi, 1, lRef);
    return statsFromLog(lRef + log(sum));
}

/* ------------------------------------------------------------ Wilson, Holm */

void learnpath_wilson(int64_t k, int64_t n, double z, double *pLo, double *pHi) {
    double nd = (double)n, kd = (double)k, z2 = z * z;
    double denom = 2.0 * (nd + z2);
    double center = (2.0 * kd + z2) / denom;
    double delta = z / denom * sqrt(4.0 * kd * (double)(n - k) / nd + z2);
    *pLo = k <= 0 ? 0.0 : center - delta;
    *pHi = k >= n ? 1.0 : center + delta;
}

static int statsHolmCmp(void *pCtx, uint32_t i, uint32_t j) {
    const double *aP = (const double *)pCtx;
    return aP[i] < aP[j] ? -1 : aP[i] > aP[j] ? 1 : 0;
}

/* aP without NaN: the order of a NaN is not defined. */
int learnpath_holm(const double *aP, int n, double *aAdj) {
    uint32_t *aOrd = 0;
    double run = 0.0;
    int i, rc;
    if (n <= 0) return SQLITE_OK;
    rc = learnpath_sort_index((uint32_t)n, statsHolmCmp, (void *)aP, &aOrd);
    if (rc != SQLITE_OK) return rc;
    for (i = 0; i < n; i++) {
        double v = aP[aOrd[i]] * (double)(n - i);
        if (v > run || isnan(v)) run = v;
        aAdj[aOrd[i]] = run < 1.0 ? run : 1.0;
    }
    sqlite3_free(aOrd);
    return SQLITE_OK;
}

/* ------------------------------------------------------------ tables of counts */

/* The sums over the cells of a table of counts. */
typedef struct stats_ctab_acc {
    double x2, g, minE;
    int nBelow;
} stats_ctab_acc;

/* Total of row i (bRow) or column i of the r x c table a. */
static int64_t statsMargin(const int64_t *a, int nRow, int nCol, int bRow, int i) {
    int64_t t = 0;
    int k;
    if (bRow) {
        for (k = 0; k < nCol; k++) t += a[i * nCol + k];
    } else {
        for (k = 0; k < nRow; k++) t += a[k * nCol + i];
    }
    return t;
}

/* One cell: observed o, expected e = row x column / n. */
static void statsCtabCell(stats_ctab_acc *p, int64_t o, int64_t rowTot, int64_t colTot, double nd) {
    double od = (double)o, e = (double)rowTot * (double)colTot / nd;
    p->x2 += (od - e) * (od - e) / e;
    if (o > 0) p->g += od * log(od / e);
    if (e < p->minE) p->minE = e;
    if (e < 5.0) p->nBelow++;
}

/*
** No allocation: each cell's other margin is summed where it is met, along
** the shorter side, so r c min(r, c) additions in all.
*/
void learnpath_ctab_test(const int64_t *aObs, int nRow, int nCol, lp_ctab_test *pOut) {
    stats_ctab_acc acc = {0.0, 0.0, INFINITY, 0};
    int i, j, bByRow = nRow <= nCol;
    int nOuter = bByRow ? nRow : nCol, nInner = bByRow ? nCol : nRow;
    double nd;
    int64_t n = 0;
    memset(pOut, 0, sizeof(*pOut));
    for (i = 0; i < nRow * nCol; i++) n += aObs[i];
    nd = (double)n;
    for (i = 0; i < nOuter; i++) {
        int64_t outer = statsMargin(aObs, nRow, nCol, bByRow, i);
        for (j = 0; j < nInner; j++) {
            int64_t inner = statsMargin(aObs, nRow, nCol, !bByRow, j);
            if (bByRow) statsCtabCell(&acc, aObs[i * nCol + j], outer, inner, nd);
            else statsCtabCell(&acc, aObs[j * nCol + i], inner, outer, nd);
        }
    }
    pOut->n = n;
    pOut->x2 = acc.x2;
    pOut->g = 2.0 * acc.g;
    pOut->df = (double)(nRow - 1) * (double)(nCol - 1);
    pOut->pX2 = learnpath_chi2_upper(pOut->x2, pOut->df);
    pOut->pG = learnpath_chi2_upper(pOut->g, pOut->df);
    pOut->cramerV = sqrt(acc.x2 / (nd * (double)((nRow < nCol ? nRow : nCol) - 1)));
    pOut->minExpected = acc.minE;
    pOut->shareBelow5 = (double)acc.nBelow / ((double)nRow * (double)nCol);
}

/* ------------------------------------------------------------ the log-rank test */

/*
** (O - E)' V^- (O - E) over the groups kept (aKeep[0..nKeep)), the first
** left out: a Cholesky factorisation of the reduced V that drops a column
** whose pivot is below 1e-10 of the largest diagonal (a generalised
** inverse, as survival's cholesky2), so *pRank is the rank. aV is nGroup x
** nGroup; aWork holds nKeep^2 + nKeep doubles.
*/
static double statsLogrankQuad(const double *aV, const double *aOE, const int *aKeep, int nKeep,
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

/*
** The sums of one distinct time with dTot > 0 events among nRisk at risk,
** aRiskN[j] of them in group j: E_j += d n_j / n and, for n > 1, V_jk +=
** d (n - d) / (n - 1) n_j / n (delta_jk - n_k / n), each the same double
** operations as ever, or where d = 1 the same bits in fewer: d n_j / n is
** n_j / n, and d (n - d) / (n - 1) / n is 1 / n ((n - 1) / (n - 1) is 1
** exactly). The counts are integers, exact as doubles; n_k / n once per k
** (aQ).
*/
static void statsLogrankTime(int nGroup, const int64_t *aRiskN, int64_t dTot, int64_t nRisk,
                                    double *aE, double *aV, double *aQ) {
    double nd = (double)nRisk, kt;
    int j, k;
    for (k = 0; k < nGroup; k++) aQ[k] = (double)aRiskN[k] / nd;
    if (dTot == 1) {
        for (j = 0; j < nGroup; j++) aE[j] += aQ[j];
        kt = nRisk > 1 ? 1.0 / nd : 0.0;
    } else {
        double dd = (double)dTot;
        for (j = 0; j < nGroup; j++) aE[j] += dd * (double)aRiskN[j] / nd;
        kt = nRisk > 1 ? dd * (nd - dd) / (nd - 1.0) / nd : 0.0;
    }
    if (kt == 0.0) return;
    for (j = 0; j < nGroup; j++) {
        double r = (double)aRiskN[j];
        if (r == 0.0) continue;
        r = kt * r;
        for (k = 0; k < nGroup; k++) aV[j * nGroup + k] += r * ((j == k ? 1.0 : 0.0) - aQ[k]);
    }
}

/*
** The observations of a log-rank test in order of time: aT, aEvent, aGroup
** as learnpath_logrank's, either one array [0, n) (aRun NULL) or nRun runs,
** run k the places [aRun[2k], aRun[2k] + aRun[2k + 1]), each in order of
** time, merged here by time (learnpath_logrank_runs).
*/
typedef struct stats_obs {
    const double *aT;
    const unsigned char *aEvent;
    const uint32_t *aGroup;
    int64_t n;
    const int64_t *aRun;
    int64_t nRun;
} stats_obs;

/*
** The merge of the runs, one distinct time a call: the places of the
** observations at the least time t of the heads, as spans [aSpan[2s],
** aSpan[2s + 1]) (at most one a run); their number, 0 when none is left.
** As with one array, a time equal to no other (NaN) is a time of its own.
*/
static int64_t statsRunsNext(const double *aT, lp_run_head *aH, int64_t *pnH, int64_t *aSpan) {
    int64_t nH = *pnH, nSpan = 0;
    double t;
    if (nH == 0) return 0;
    t = aH[0].t;
    do {
        int64_t i = aH[0].i, e = aH[0].e, j = i + 1;
        while (j < e && aT[j] == t) j++;
        aSpan[2 * nSpan] = i;
        aSpan[2 * nSpan + 1] = j;
        nSpan++;
        if (j == e) {
            aH[0] = aH[--nH];
        } else {
            aH[0].i = j;
            aH[0].t = aT[j];
        }
        learnpath_run_heap_sift(aH, nH, 0);
    } while (nH > 0 && aH[0].t == t);
    *pnH = nH;
    return nSpan;
}

/* The heads of the runs with observations into aH; their number. */
static int64_t statsRunsStart(const stats_obs *pObs, lp_run_head *aH) {
    int64_t nH = 0;
    for (int64_t k = 0; k < pObs->nRun; k++) {
        if (pObs->aRun[2 * k + 1] <= 0) continue;
        aH[nH].i = pObs->aRun[2 * k];
        aH[nH].e = aH[nH].i + pObs->aRun[2 * k + 1];
        aH[nH].t = pObs->aT[aH[nH].i];
        nH++;
    }
    for (int64_t i = nH / 2; i-- > 0;) learnpath_run_heap_sift(aH, nH, i);
    return nH;
}

/*
** statsLogrankAccumulate's sums where only groups ga < gb have
** observations (the others' sums are all zero, their terms +0): group gb's
** counts and all of them kept, ga's their difference; r0 and r1 at risk.
** Local to one call, so they live in registers.
*/
typedef struct stats_lr2 {
    int64_t o0, o1, r0, r1;
    double e0, e1, v00, v01, v10, v11;
} stats_lr2;

/*
** One distinct time of the two groups: dTot events, d1 of them in gb;
** nLeave observations, l1 of them in gb. The same sums by the same
** operations as statsLogrankTime's.
*/
static inline void statsLr2Time(stats_lr2 *s, int64_t dTot, int64_t d1, int64_t nLeave, int64_t l1) {
    if (dTot > 0) {
        /* at risk: r0 + r1, those not yet left */
        double nd = (double)(s->r0 + s->r1), f0 = (double)s->r0, f1 = (double)s->r1, q0 = f0 / nd, q1 = f1 / nd;
        double kt;
        s->o0 += dTot - d1;
        s->o1 += d1;
        if (dTot == 1) {
            s->e0 += q0;
            s->e1 += q1;
            kt = s->r0 + s->r1 > 1 ? 1.0 / nd : 0.0;
        } else {
            double dd = (double)dTot;
            s->e0 += dd * f0 / nd;
            s->e1 += dd * f1 / nd;
            kt = s->r0 + s->r1 > 1 ? dd * (nd - dd) / (nd - 1.0) / nd : 0.0;
        }
        if (kt != 0.0 && f0 != 0.0) {
            double r = kt * f0;
            s->v00 += r * (1.0 - q0);
            s->v01 += r * (0.0 - q1);
        }
        if (kt != 0.0 && f1 != 0.0) {
            double r = kt * f1;
            s->v10 += r * (0.0 - q0);
            s->v11 += r * (1.0 - q1);
        }
    }
    s->r0 -= nLeave - l1;
    s->r1 -= l1;
}

/* The two groups' observations, time by time (aH: room for a head a run). */
static void statsLogrank2(const stats_obs *pObs, int nGroup, uint32_t ga, uint32_t gb, int64_t r0, int64_t r1,
                          lp_run_head *aH, double *aO, double *aE, double *aV) {
    const double *aT = pObs->aT;
    const unsigned char *aEvent = pObs->aEvent;
    const uint32_t *aGroup = pObs->aGroup;
    stats_lr2 s = {0, 0, r0, r1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    if (pObs->aRun == NULL) {
        int64_t n = pObs->n;
        for (int64_t i = 0; i < n;) {
            double t = aT[i];
            int64_t iEnd = i, dTot = 0, d1 = 0, l1 = 0;
            do {
                int64_t g1 = aGroup[iEnd] == gb, e = aEvent[iEnd] != 0;
                dTot += e;
                d1 += e & g1;
                l1 += g1;
                iEnd++;
            } while (iEnd < n && aT[iEnd] == t);
            statsLr2Time(&s, dTot, d1, iEnd - i, l1);
            i = iEnd;
        }
    } else {
        int64_t nH = statsRunsStart(pObs, aH), nSpan, *aSpan = (int64_t *)(void *)(aH + pObs->nRun);
        while ((nSpan = statsRunsNext(aT, aH, &nH, aSpan)) > 0) {
            int64_t dTot = 0, d1 = 0, l1 = 0, nLeave = 0;
            for (int64_t k = 0; k < nSpan; k++) {
                for (int64_t i = aSpan[2 * k]; i < aSpan[2 * k + 1]; i++) {
                    int64_t g1 = aGroup[i] == gb, e = aEvent[i] != 0;
                    dTot += e;
                    d1 += e & g1;
                    l1 += g1;
                }
                nLeave += aSpan[2 * k + 1] - aSpan[2 * k];
            }
            statsLr2Time(&s, dTot, d1, nLeave, l1);
        }
    }
    aO[ga] = (double)s.o0;
    aO[gb] = (double)s.o1;
    aE[ga] = s.e0;
    aE[gb] = s.e1;
    aV[ga * (uint32_t)nGroup + ga] = s.v00;
    aV[ga * (uint32_t)nGroup + gb] = s.v01;
    aV[gb * (uint32_t)nGroup + ga] = s.v10;
    aV[gb * (uint32_t)nGroup + gb] = s.v11;
}

/*
** The observations of each group into aRiskN (zero): four interleaved
** tallies (aTmp, 4 nGroup zeros), so that a run of one group is not a chain
** of increments of one place; added to what aRiskN holds.
*/
static void statsLogrankCount(const uint32_t *aGroup, int64_t n, int nGroup, int64_t *aTmp, int64_t *aRiskN) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        aTmp[aGroup[i]]++;
        aTmp[nGroup + aGroup[i + 1]]++;
        aTmp[2 * nGroup + aGroup[i + 2]]++;
        aTmp[3 * nGroup + aGroup[i + 3]]++;
    }
    for (; i < n; i++) aTmp[aGroup[i]]++;
    for (int j = 0; j < nGroup; j++) {
        aRiskN[j] += aTmp[j] + aTmp[nGroup + j] + aTmp[2 * nGroup + j] + aTmp[3 * nGroup + j];
        aTmp[j] = aTmp[nGroup + j] = aTmp[2 * nGroup + j] = aTmp[3 * nGroup + j] = 0;
    }
}

/*
** One distinct time of many groups: aDN[j] events and aLeave[j]
** observations in group j (cleared here), dTot and nLeave in all; O_j +=
** d_j, E and V as statsLogrankTime sums them; those at risk after it.
*/
static void statsLogrankStep(int nGroup, int64_t *aI, int64_t dTot, int64_t nLeave, int64_t *pnRisk, double *aE,
                             double *aV, double *aQ) {
    int64_t *aRiskN = aI, *aDN = aI + nGroup, *aLeave = aDN + nGroup, *aON = aLeave + nGroup;
    if (dTot > 0) {
        for (int j = 0; j < nGroup; j++) aON[j] += aDN[j];
        statsLogrankTime(nGroup, aRiskN, dTot, *pnRisk, aE, aV, aQ);
    }
    for (int j = 0; j < nGroup; j++) {
        aRiskN[j] -= aLeave[j];
        aDN[j] = aLeave[j] = 0;
    }
    *pnRisk -= nLeave;
}

/*
** At each distinct time (in order), the events d_j and those at risk n_j
** per group, counted as integers: O_j += d_j, and E and V as
** statsLogrankTime sums them; when two groups alone have observations,
** statsLogrank2. aI holds 5 nGroup integers (zero): at risk, events,
** leaving at this time, observed, and statsLogrankCount's scratch (with
** the three before it); aH room for the merge's heads and spans.
*/
static void statsLogrankAccumulate(const stats_obs *pObs, int nGroup, int64_t *aI, lp_run_head *aH, double *aO,
                                   double *aE, double *aV, double *aQ) {
    int64_t *aRiskN = aI, *aDN = aI + nGroup, *aLeave = aDN + nGroup, *aON = aLeave + nGroup;
    int64_t nRisk = pObs->n;
    const double *aT = pObs->aT;
    const unsigned char *aEvent = pObs->aEvent;
    const uint32_t *aGroup = pObs->aGroup;
    int j, nWith = 0, ga = 0, gb = 0;
    if (pObs->aRun == NULL) statsLogrankCount(aGroup, pObs->n, nGroup, aDN, aRiskN);
    for (int64_t k = 0; pObs->aRun && k < pObs->nRun; k++) {
        if (pObs->aRun[2 * k + 1] > 0) {
            statsLogrankCount(aGroup + pObs->aRun[2 * k], pObs->aRun[2 * k + 1], nGroup, aDN, aRiskN);
        }
    }
    for (j = 0; j < nGroup; j++) {
        if (aRiskN[j] == 0) continue;
        ga = nWith == 0 ? j : ga;
        gb = j;
        nWith++;
    }
    if (nWith == 2) {
        statsLogrank2(pObs, nGroup, (uint32_t)ga, (uint32_t)gb, aRiskN[ga], aRiskN[gb], aH, aO, aE, aV);
        return;
    }
    if (pObs->aRun == NULL) {
        int64_t n = pObs->n;
        for (int64_t i = 0; i < n;) {
            double t = aT[i];
            int64_t iEnd = i, dTot = 0;
            do {
                int64_t e = aEvent[iEnd] != 0;
                aDN[aGroup[iEnd]] += e;
                aLeave[aGroup[iEnd]]++;
                dTot += e;
                iEnd++;
            } while (iEnd < n && aT[iEnd] == t);
            statsLogrankStep(nGroup, aI, dTot, iEnd - i, &nRisk, aE, aV, aQ);
            i = iEnd;
        }
    } else {
        int64_t nH = statsRunsStart(pObs, aH), nSpan, *aSpan = (int64_t *)(void *)(aH + pObs->nRun);
        while ((nSpan = statsRunsNext(aT, aH, &nH, aSpan)) > 0) {
            int64_t dTot = 0, nLeave = 0;
            for (int64_t k = 0; k < nSpan; k++) {
                for (int64_t i = aSpan[2 * k]; i < aSpan[2 * k + 1]; i++) {
                    int64_t e = aEvent[i] != 0;
                    aDN[aGroup[i]] += e;
                    aLeave[aGroup[i]]++;
                    dTot += e;
                }
                nLeave += aSpan[2 * k + 1] - aSpan[2 * k];
            }
            statsLogrankStep(nGroup, aI, dTot, nLeave, &nRisk, aE, aV, aQ);
        }
    }
    for (j = 0; j < nGroup; j++) aO[j] = (double)aON[j];
}

/* learnpath_logrank and learnpath_logrank_runs. */
static int statsLogrank(const stats_obs *pObs, int nGroup, double *pChi2, int *pDf, lp_pvalue *pP,
                        double *aObserved, double *aExpected) {
    size_t g = nGroup > 0 ? (size_t)nGroup : 0, nDbl = 3 * g + 2 * g * g + g, nByte;
    size_t nRun = pObs->aRun ? (size_t)pObs->nRun : 0;
    double *aMem, *aO, *aE, *aQ, *aV, *aWork;
    int64_t *aI;
    lp_run_head *aH;
    int *aKeep, nKeep = 0, j, rank = 0;
    *pChi2 = 0.0;
    *pDf = 0;
    *pP = statsFromLog(0.0);
    if (g == 0) return SQLITE_OK;
    /* the heads (24 bytes) and spans (16) of the runs after the integers */
    nByte = nDbl * sizeof(double) + 5 * g * sizeof(int64_t) + nRun * (sizeof(lp_run_head) + 2 * sizeof(int64_t)) +
            g * sizeof(int);
    aMem = (double *)sqlite3_malloc64(nByte);
    if (aMem == 0) return SQLITE_NOMEM;
    memset(aMem, 0, nByte);
    aO = aMem;
    aE = aO + g;
    aQ = aE + g;
    aV = aQ + g;
    aWork = aV + g * g;
    aI = (int64_t *)(void *)(aWork + g * g + g);
    aH = (lp_run_head *)(void *)(aI + 5 * g);
    aKeep = (int *)(void *)((int64_t *)(void *)(aH + nRun) + 2 * nRun);
    statsLogrankAccumulate(pObs, nGroup, aI, aH, aO, aE, aV, aQ);
    for (j = 0; j < nGroup; j++) {
        if (aExpected) aExpected[j] = aE[j];
        if (aObserved) aObserved[j] = aO[j];
        if (aE[j] > 0.0) aKeep[nKeep++] = j;
        aO[j] -= aE[j];
    }
    if (nKeep >= 2) {
        *pChi2 = statsLogrankQuad(aV, aO, aKeep, nKeep, nGroup, aWork, &rank);
        *pDf = rank;
        if (rank > 0) *pP = learnpath_chi2_upper(*pChi2, (double)rank);
    }
    sqlite3_free(aMem);
    return SQLITE_OK;
}

int learnpath_logrank(const double *aT, const unsigned char *aEvent, const uint32_t *aGroup,
                      int64_t n, int nGroup, double *pChi2, int *pDf, lp_pvalue *pP,
                      double *aObserved, double *aExpected) {
    stats_obs o = {aT, aEvent, aGroup, n, NULL, 0};
    return statsLogrank(&o, nGroup, pChi2, pDf, pP, aObserved, aExpected);
}

int learnpath_logrank_runs(const double *aT, const unsigned char *aEvent, const uint32_t *aGroup,
                           const int64_t *aRun, int64_t nRun, int nGroup, double *pChi2, int *pDf,
                           lp_pvalue *pP, double *aObserved, double *aExpected) {
    stats_obs o = {aT, aEvent, aGroup, 0, aRun, nRun};
    for (int64_t k = 0; k < nRun; k++) o.n += aRun[2 * k + 1] > 0 ? aRun[2 * k + 1] : 0;
    return statsLogrank(&o, nGroup, pChi2, pDf, pP, aObserved, aExpected);
}
