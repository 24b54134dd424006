/*
** lp_survival.c - time to the next program with censoring (rules 17-21):
** Kaplan-Meier curves with Greenwood's variance, their confidence bands
** and medians, per segment and first program; the cumulative incidence
** of each next program (Aalen-Johansen); the cohorts by month of start;
** all from one pass over the users; and the normal quantile the bands
** need.
**
**   SELECT * FROM continuation_curve('enrollments');
**   SELECT * FROM continuation_stats('enrollments', 'user_id', 'program',
**                                    'enrolled_at', 'user_type');
**   SELECT * FROM next_program_incidence('enrollments') WHERE at_days = 365;
**   SELECT * FROM continuation_cohorts('enrollments');
**
** How it works. lp_km_pass.c reads the users once per source, shaping
** and observation end (rule 17: each user's time and status) and hands
** each stratum's users here in order of time; this file makes a
** stratum's rows: its curve, one row per distinct time (kmSurvStep, the
** one step every function takes), with the medians computed as the rows
** go; its at_days rows; its incidences (rule 20); a cohort's rows (rule
** 21). Times are days from integer milliseconds (t / 86400000), so two
** users tie exactly when their milliseconds do.
**
** RULE 17. A user's steps are shaped as first_program shapes them (rules
**   1-8, every option). E = observe_until if given, else the latest valid
**   enrollment time of the source. A user whose step 1 starts after E is
**   left out. The user continued (an event) when step 2 exists and starts
**   at or before E, after (s2 - s1) days; otherwise the user is censored
**   at E - s1 days, or at within_days = N when that is less. Enrollments
**   after E never make a user continue and cannot change steps 1 and 2;
**   the segment and group are read from all the user's rows (rules 6, 12).
** RULE 18. Per segment and first step, and per segment over all first
**   steps (program NULL): S(t) = product over event times t_j <= t of
**   (1 - d_j / n_j), where n_j counts the users whose time is t_j or later
**   (a user censored at t_j is still at risk at t_j). Greenwood:
**   var(t) = sum d_j / (n_j (n_j - d_j)); std_err = S * sqrt(var). The
**   band at conf_level with z = the normal quantile at 1 - (1 - level)/2:
**   'log' S exp(+-z sqrt(var)) (upper capped at 1); 'log-log'
**   S^exp(-+z sqrt(var) / log S); 'plain' S +- z std_err within [0, 1].
**   Where S = 0, std_err and the band are NULL (R's NaN and NA); under
**   'log-log' the band is NULL where S = 1 too, but for an at_days day
**   before the stratum's first time, whose band is 1 to 1 (as R's).
** RULE 19. A median is the first time its curve (the survival, or one of
**   the band's two curves) is at or below 0.5, reading a value within
**   sqrt(DBL_EPSILON) of 0.5 as 0.5: then the median is the middle of
**   that time and the next time the curve is lower, or of that time and
**   the stratum's last time when it never is. NULL when the curve never
**   reaches 0.5 (a band curve skips its NULL values). As R's
**   quantile.survfit.
** RULE 20. Per stratum of rule 18, for each destination k (step 2's
**   label; a tie step is one of its own): CIF_k(t) = sum over the times
**   t_j <= t of S(t_j-) d_kj / n_j, with S(t_j-) the Kaplan-Meier survival
**   just before t_j; so sum_k CIF_k(t) + S(t) = 1. The row of "not yet"
**   is S(t). naive_share = users gone to k by t / users (not yet: users
**   not continued by t / users).
** RULE 21. Cohort = the calendar month (UTC) of s1, per segment; for each
**   window W: eligible = users with E - s1 >= W days; continued = users
**   with an event at or before W; continued_eligible = both; S(W) the
**   Kaplan-Meier survival over the cohort x segment's users.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_journey.h"

/* ---------------------------------------------------- the normal quantile */

/*
** z with P(Z > z) = q for a standard normal Z, 0 < q <= 0.5: Acklam's
** rational approximation of the lower quantile (relative error 1.15e-9),
** then one Halley step on erfc, which makes it accurate to a few units in
** the last place (tests: against R's qnorm to 1e-15). Acklam's published
** coefficients; the Halley step is f(z) = P(Z > z) - q.
*/
double learnpath_normal_upper_quantile(double q) {
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    double x, e, u;
    if (q < 0.02425) {
        /* the tail: x = the lower quantile at q, negative */
        double r = sqrt(-2.0 * log(q));
        x = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
            ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1.0);
    } else {
        double r = q - 0.5, s = r * r;
        x = (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r /
            (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1.0);
    }
    double z = -x;
    /* Halley on f(z) = P(Z > z) - q, f' = -phi(z), f'' = z phi(z) */
    e = 0.5 * erfc(z / sqrt(2.0)) - q;
    u = e * sqrt(2.0 * 3.14159265358979323846) * exp(z * z / 2.0);
    return z + u / (1.0 - z * u / 2.0);
}

/* ---------------------------------------------------------------- bands */

/* See lp_journey.h. */
int learnpath_km_band(const lp_km_row *pRow, double z, int eConf, double *pSe, double *pLo,
                      double *pHi) {
    double S = pRow->surv, sigma = sqrt(pRow->var);
    if (S <= 0.0 || isinf(pRow->var)) return 0;
    *pSe = S * sigma;
    if (eConf == LP_CONF_LOG) {
        double hi = S * exp(z * sigma);
        *pLo = S * exp(-z * sigma);
        *pHi = hi > 1.0 ? 1.0 : hi;
    } else if (eConf == LP_CONF_LOGLOG) {
        if (S >= 1.0) {
            /* log(-log 1) is undefined: NULL at a time, but the start's
            ** band (an at_days day before the first time) is 1 to 1 */
            if (!pRow->isStart) return 1;
            *pLo = *pHi = 1.0;
        } else {
            double lS = log(S);
            *pLo = exp(-exp(log(-lS) - z * sigma / lS));
            *pHi = exp(-exp(log(-lS) + z * sigma / lS));
        }
    } else {
        double lo = S - z * *pSe, hi = S + z * *pSe;
        *pLo = lo < 0.0 ? 0.0 : lo;
        *pHi = hi > 1.0 ? 1.0 : hi;
    }
    return 2;
}

/* --------------------------------------------------------------- medians */

/* One curve of a stratum for the median: its value at a row, or NAN where
** it is NULL. */
typedef double (*km_curve_fn)(const lp_km_row *pRow, double z, int eConf);

/* The three curves of a stratum: survival, and the band's lower and upper. */
static double kmCurveSurv(const lp_km_row *pRow, double z, int eConf) {
    (void)z;
    (void)eConf;
    return pRow->surv;
}
static double kmCurveLower(const lp_km_row *pRow, double z, int eConf) {
    double se, lo, hi;
    return learnpath_km_band(pRow, z, eConf, &se, &lo, &hi) == 2 ? lo : NAN;
}
static double kmCurveUpper(const lp_km_row *pRow, double z, int eConf) {
    double se, lo, hi;
    return learnpath_km_band(pRow, z, eConf, &se, &lo, &hi) == 2 ? hi : NAN;
}

/*
** Is the curve at a row surely above 0.5 + 2 tol, without its exp()? Such
** a row cannot be a median's (below), so most rows of a stratum whose
** curve stays high cost no exp(). The upper band is at least S (log and
** plain); the log band's lower is S exp(-z sigma) >= S (1 - z sigma). Not
** used under log-log, whose band has no such cheap bound.
*/
static int kmAboveHalf(const lp_km_row *pRow, int iCurve, double z, int eConf) {
    const double lim = 0.5 + 2.0 * sqrt(DBL_EPSILON);
    if (iCurve == 2 && eConf != LP_CONF_LOGLOG) return pRow->surv > lim;
    if (iCurve == 1 && eConf == LP_CONF_LOG && !isinf(pRow->var)) {
        /* S (1 - z sqrt(var)) > lim, squared so no sqrt() a row (z >= 0):
        ** S - lim > 0 and (z S)^2 var < (S - lim)^2; rounding can change
        ** the answer only within ulps of lim, far inside the 2 tol margin */
        double a = pRow->surv - lim, b = z * pRow->surv;
        return a > 0.0 && b * b * pRow->var < a * a;
    }
    return 0;
}

/*
** Rule 19 on one curve of a stratum, a row (one per time, ascending) at a
** time: over the points (0, 0) and (t_k, 1 - curve_k), with tol =
** sqrt(DBL_EPSILON), i1 = the point of least value with value + tol >=
** 0.5, i2 = the one of least value with value - tol >= 0.5 (the earliest
** of equal values); the median is the middle of their times; when the
** last point's value is within tol of 0.5, the middle of i1's time and
** the last time. NAN where the curve never reaches 0.5. A row kmAboveHalf
** skips has a value below 0.5 - 2 tol: it is neither i1 nor i2, does not
** make the curve reach 0.5, and as the last point it is not within tol of
** 0.5 (so it counts as 0).
*/
typedef struct km_median {
    double yMax, y1, y2, x1, x2, yLast;
    int has1, has2;
} km_median;

static void kmMedianStart(km_median *m) {
    memset(m, 0, sizeof(*m));
    m->y1 = m->y2 = INFINITY;
}

static void kmMedianAdd(km_median *m, const lp_km_row *pRow, int iCurve, double z, int eConf) {
    static const km_curve_fn axCurve[3] = {kmCurveSurv, kmCurveLower, kmCurveUpper};
    const double tol = sqrt(DBL_EPSILON);
    if (iCurve > 0 && kmAboveHalf(pRow, iCurve, z, eConf)) {
        m->yLast = 0.0;
        return;
    }
    double c = axCurve[iCurve](pRow, z, eConf);
    double y = isnan(c) ? NAN : 1.0 - c;
    m->yLast = y;
    if (isnan(y)) return;
    if (y > m->yMax) m->yMax = y;
    if (y + tol >= 0.5 && y < m->y1) {
        m->y1 = y;
        m->x1 = pRow->day;
        m->has1 = 1;
    }
    if (y - tol >= 0.5 && y < m->y2) {
        m->y2 = y;
        m->x2 = pRow->day;
        m->has2 = 1;
    }
}

/* The median, lastDay the stratum's last time. */
static double kmMedianEnd(const km_median *m, double lastDay) {
    const double tol = sqrt(DBL_EPSILON);
    if (m->yMax < 0.5 || !m->has1) return NAN;
    if (!isnan(m->yLast) && fabs(0.5 - m->yLast) < tol) return (m->x1 + lastDay) / 2.0;
    return m->has2 ? (m->x1 + m->x2) / 2.0 : NAN;
}

/* ------------------------------------------------------------ the curves */

/* Rule 18's step at a time with d events among atRisk users: S (1 - d / n),
** exactly 0 when every user at risk continued. */
static double kmSurvStep(double S, int64_t d, int64_t atRisk) {
    return d == atRisk ? 0.0 : S * (1.0 - (double)d / (double)atRisk);
}

/* A new stratum of the result, zeroed, into *ppS. */
static int kmNewStratum(lp_km_build *pB, lp_km_stratum **ppS) {
    lp_km_result *pRes = pB->pRes;
    if (pRes->nStratum >= pB->nStratumAlloc) {
        if (pB->isFixed) return SQLITE_INTERNAL; /* (the room made is exact) */
        int64_t nNew = pB->nStratumAlloc ? pB->nStratumAlloc * 2 : 16;
        lp_km_stratum *aNew =
            sqlite3_realloc64(pRes->aStratum, (sqlite3_uint64)nNew * sizeof(lp_km_stratum));
        if (!aNew) return SQLITE_NOMEM;
        pRes->aStratum = aNew;
        pB->nStratumAlloc = nNew;
    }
    *ppS = &pRes->aStratum[pRes->nStratum++];
    memset(*ppS, 0, sizeof(**ppS));
    return SQLITE_OK;
}

/* Room for n more rows. */
/* See lp_journey.h: one allocation's most (SQLite refuses from 2^31
** bytes); a whole curve of about 26 million users has more rows. */
int64_t learnpath_km_most_rows = (int64_t)0x7fffff00 / (int64_t)sizeof(lp_km_row);

static int kmRowRoom(lp_km_build *pB, int64_t n) {
    lp_km_result *pRes = pB->pRes;
    const int64_t nMost = learnpath_km_most_rows;
    if (pRes->nRow + n <= pB->nRowAlloc) return SQLITE_OK;
    if (pB->isFixed) return SQLITE_INTERNAL; /* (the room made is exact) */
    if (pRes->nRow + n > nMost) return LP_RC_TOO_MANY_ROWS;
    int64_t nNew = pB->nRowAlloc ? pB->nRowAlloc * 2 : 256;
    if (nNew < pRes->nRow + n) nNew = pRes->nRow + n;
    if (nNew > nMost) nNew = nMost;
    lp_km_row *aNew = sqlite3_realloc64(pRes->aRow, (sqlite3_uint64)nNew * sizeof(lp_km_row));
    if (!aNew) return SQLITE_NOMEM;
    pRes->aRow = aNew;
    pB->nRowAlloc = nNew;
    return SQLITE_OK;
}

/*
** at_days (rule 18, as R's summary(fit, times = ..., extend = TRUE)), made
** as the stratum's rows per time go by, in order of time: the row of day
** D has at_risk = the users whose time is D or later (the at_risk of the
** first time at or after D; 0 when there is none), events and censored
** over (previous day, D], and the survival and variance of the last time
** at or before D (1 and 0 when there is none: a start).
*/
typedef struct km_days {
    lp_km_row *aOut;           /* nAtDay rows */
    const double *aDay;
    int nDay, iDay;
    int hasAtRisk;             /* the current day's at_risk is known */
    int anyTime;               /* a time at or before the current day went by */
    int64_t events, censored;  /* of the current day, so far */
    double surv, var;          /* of the last time gone by */
} km_days;

/* Day p->iDay is complete: write its row; atRisk when not known yet. */
static void kmDayEnd(km_days *p, int64_t atRisk) {
    lp_km_row *pR = &p->aOut[p->iDay];
    pR->day = p->aDay[p->iDay];
    pR->atRisk = p->hasAtRisk ? pR->atRisk : atRisk;
    pR->events = p->events;
    pR->censored = p->censored;
    pR->surv = p->surv;
    pR->var = p->var;
    pR->isStart = !p->anyTime;
    p->iDay++;
    p->hasAtRisk = 0;
    p->events = p->censored = 0;
}

/* The next row per time, pRow. */
static void kmDayTime(km_days *p, const lp_km_row *pRow) {
    while (p->iDay < p->nDay && p->aDay[p->iDay] < pRow->day) kmDayEnd(p, pRow->atRisk);
    if (p->iDay < p->nDay && !p->hasAtRisk) {
        /* the first time at or after the day (pRow->day <= the day) */
        if (pRow->day == p->aDay[p->iDay]) {
            p->aOut[p->iDay].atRisk = pRow->atRisk;
            p->hasAtRisk = 1;
        }
    }
    p->events += pRow->events;
    p->censored += pRow->censored;
    p->surv = pRow->surv;
    p->var = pRow->var;
    p->anyTime = 1;
}

/*
** One stratum from its n users sorted by time (rule 18): a row per
** distinct time, its medians (rule 19) as the rows go by, and either
** those rows (the curve without at_days), at_days' rows made as they go
** by (kmDayTime), or no rows (continuation_stats reads the medians).
*/
int learnpath_km_stratum(lp_km_build *pB, lp_km_view v, int64_t n,
                         uint32_t seg, uint32_t label) {
    lp_km_result *pRes = pB->pRes;
    const lp_km_spec *pSpec = pB->pSpec;
    lp_km_stratum *pS;
    double S = 1.0, var = 0.0;
    int64_t atRisk = n, nTime = 0;
    int isTimes = !pB->isStatsOnly && pSpec->aAtDay == NULL;
    int isDays = !pB->isStatsOnly && pSpec->aAtDay != NULL;
    km_median aMed[3];
    km_days days;
    lp_km_row row;
    int rc = kmNewStratum(pB, &pS);
    if (rc == SQLITE_OK && (isTimes || isDays)) rc = kmRowRoom(pB, isTimes ? n : pSpec->nAtDay);
    if (rc) return rc;
    pS->segment = seg;
    pS->label = label;
    pS->users = n;
    pS->iRow = pRes->nRow;
    for (int i = 0; i < 3; i++) kmMedianStart(&aMed[i]);
    memset(&row, 0, sizeof(row));
    memset(&days, 0, sizeof(days));
    days.aOut = pRes->aRow + pRes->nRow;
    days.aDay = pSpec->aAtDay;
    days.nDay = isDays ? pSpec->nAtDay : 0;
    days.surv = 1.0;
    for (int64_t i = 0; i < n;) {
        int64_t j = i, d = 0, c = 0;
        double t = v.aT[i];
        for (; j < n && v.aT[j] == t; j++) {
            if ((v.aDest[j] != LP_NONE)) d++; else c++;
        }
        if (d > 0) {
            S = kmSurvStep(S, d, atRisk);
            var = d == atRisk ? INFINITY : var + (double)d / ((double)atRisk * (double)(atRisk - d));
        }
        row.day = t;
        row.atRisk = atRisk;
        row.events = d;
        row.censored = c;
        row.surv = S;
        row.var = var;
        /* a row without events has the curve and band of the row before
        ** (of the start: 1 and 0), which the medians have seen: a second
        ** look changes nothing (only strictly lower values are kept) */
        for (int k = 0; k < 3 && pB->hasMedians && d > 0; k++) {
            kmMedianAdd(&aMed[k], &row, k, pSpec->z, pSpec->eConf);
        }
        if (isTimes) pRes->aRow[pRes->nRow + nTime++] = row;
        if (isDays) kmDayTime(&days, &row);
        pS->events += d;
        pS->censored += c;
        atRisk -= d + c;
        i = j;
    }
    for (int k = 0; k < 3; k++) {
        pS->aMedian[k] = n > 0 && pB->hasMedians ? kmMedianEnd(&aMed[k], row.day) : NAN;
    }
    while (days.iDay < days.nDay) kmDayEnd(&days, 0);
    pS->nRow = isTimes ? nTime : days.nDay;
    pRes->nRow += pS->nRow;
    return SQLITE_OK;
}

/* ------------------------------------------------------ the incidences */

/* Ascending uint32, for the destinations of a stratum. */
static int kmU32Cmp(const void *pa, const void *pb) {
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* The place of destination x in the nD ascending aDest. */
static int64_t kmDestIndex(const uint32_t *aDest, int64_t nD, uint32_t x) {
    int64_t lo = 0, hi = nD - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (aDest[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/*
** The destinations the events of the n users reach, as places in name
** order, ascending and distinct, into *paDest (the caller frees it) and
** *pnD; and, where the places are few beside the users (below nLabel, 0:
** not known), each place's index in *paDest as *paIdx (else NULL; the
** caller frees it): marked in a table of the places, no sort.
*/
static int kmDestinations(lp_km_view v, int64_t n, uint32_t nLabel, uint32_t **paDest, int64_t *pnD,
                          uint32_t **paIdx) {
    int64_t nEvent = 0, nD = 0;
    uint32_t *aDest = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(uint32_t));
    uint32_t *aIdx = NULL;
    *paIdx = NULL;
    if (!aDest) return SQLITE_NOMEM;
    if (nLabel > 0 && (int64_t)nLabel <= 4 * n + 64) {
        aIdx = sqlite3_malloc64((sqlite3_uint64)nLabel * sizeof(uint32_t));
        if (!aIdx) {
            sqlite3_free(aDest);
            return SQLITE_NOMEM;
        }
        memset(aIdx, 0, (size_t)nLabel * sizeof(uint32_t));
        for (int64_t i = 0; i < n && aIdx; i++) {
            uint32_t x = v.aDest[i];
            if (x == LP_NONE) continue;
            if (x >= nLabel) {
                /* not a place of the memo's: the sort below */
                sqlite3_free(aIdx);
                aIdx = NULL;
            } else {
                aIdx[x] = 1;
            }
        }
        for (uint32_t l = 0; aIdx && l < nLabel; l++) {
            if (aIdx[l]) {
                aIdx[l] = (uint32_t)nD;
                aDest[nD++] = l;
            }
        }
    }
    if (aIdx == NULL) {
        for (int64_t i = 0; i < n; i++) {
            if ((v.aDest[i] != LP_NONE)) aDest[nEvent++] = v.aDest[i];
        }
        if (nEvent > 1) qsort(aDest, (size_t)nEvent, sizeof(uint32_t), kmU32Cmp);
        for (int64_t i = 0; i < nEvent; i++) {
            if (nD == 0 || aDest[i] != aDest[nD - 1]) aDest[nD++] = aDest[i];
        }
    }
    *paDest = aDest;
    *pnD = nD;
    *paIdx = aIdx;
    return SQLITE_OK;
}

/* The incidences of a stratum as they stand after the times before a day:
** per destination (then not yet, S) its CIF and users gone. */
typedef struct km_cif_state {
    int64_t nD, nDay, n;
    double *aCif, *aOutInc;    /* nD; (nD + 1) x nDay, destination-major */
    int64_t *aNaive, *aD, *aOutNaive;
} km_cif_state;

/* Record the state, with survival S, as day iDay's. */
static void kmCifSnapshot(km_cif_state *p, int64_t iDay, double S) {
    int64_t nGone = 0;
    for (int64_t k = 0; k < p->nD; k++) {
        p->aOutInc[k * p->nDay + iDay] = p->aCif[k];
        p->aOutNaive[k * p->nDay + iDay] = p->aNaive[k];
        nGone += p->aNaive[k];
    }
    p->aOutInc[p->nD * p->nDay + iDay] = S;
    p->aOutNaive[p->nD * p->nDay + iDay] = p->n - nGone;
}

/*
** Over the distinct times t_j of the n users sorted by time, with S the
** Kaplan-Meier survival just before t_j (rule 18): CIF_k += S d_kj / n_j,
** then S *= 1 - d_j / n_j; each day of at_days recorded after the times
** at or before it (rule 20).
*/
static void kmCifWalk(km_cif_state *p, lp_km_view v, const uint32_t *aDest, const uint32_t *aIdx,
                      const double *aDay) {
    int64_t n = p->n, atRisk = n, iDay = 0;
    double S = 1.0;
    for (int64_t i = 0; i <= n;) {
        /* the days before this time (every day left, after the last) */
        double t = i < n ? v.aT[i] : INFINITY;
        for (; iDay < p->nDay && aDay[iDay] < t; iDay++) kmCifSnapshot(p, iDay, S);
        if (i == n) break;
        int64_t j = i, d = 0, c = 0;
        for (; j < n && v.aT[j] == t; j++) {
            if ((v.aDest[j] != LP_NONE)) {
                p->aD[aIdx ? aIdx[v.aDest[j]] : kmDestIndex(aDest, p->nD, v.aDest[j])]++;
                d++;
            } else {
                c++;
            }
        }
        for (int64_t m = i; m < j && d > 0; m++) {
            if (!(v.aDest[m] != LP_NONE)) continue;
            int64_t k = aIdx ? aIdx[v.aDest[m]] : kmDestIndex(aDest, p->nD, v.aDest[m]);
            if (p->aD[k] == 0) continue;
            p->aCif[k] += S * (double)p->aD[k] / (double)atRisk;
            p->aNaive[k] += p->aD[k];
            p->aD[k] = 0;
        }
        if (d > 0) S = kmSurvStep(S, d, atRisk);
        atRisk -= d + c;
        i = j;
    }
}

/*
** Rule 20, one stratum from its n users sorted by time: its destinations
** (kmDestinations), the walk over its times (kmCifWalk), then its rows:
** each destination's days in name order, then not yet's (dest LP_NONE).
*/
int learnpath_km_incidence(lp_km_build *pB, lp_km_view v, int64_t n, uint32_t seg, uint32_t label) {
    const lp_km_spec *pSpec = pB->pSpec;
    lp_km_result *pRes = pB->pRes;
    lp_km_stratum *pS;
    uint32_t *aDest = NULL, *aIdx = NULL;
    km_cif_state st;
    int64_t nOut;
    int rc = kmNewStratum(pB, &pS);
    if (rc) return rc;
    memset(&st, 0, sizeof(st));
    pS->segment = seg;
    pS->label = label;
    pS->users = n;
    for (int64_t i = 0; i < n; i++) pS->events += (v.aDest[i] != LP_NONE);
    pS->censored = n - pS->events;
    rc = kmDestinations(v, n, pB->nLabel, &aDest, &st.nD, &aIdx);
    if (rc) return rc;
    st.nDay = pSpec->nAtDay;
    st.n = n;
    nOut = (st.nD + 1) * st.nDay;
    st.aCif = sqlite3_malloc64((sqlite3_uint64)(st.nD + 1) * sizeof(double));
    st.aNaive = sqlite3_malloc64((sqlite3_uint64)(st.nD + 1) * sizeof(int64_t));
    st.aD = sqlite3_malloc64((sqlite3_uint64)(st.nD + 1) * sizeof(int64_t));
    st.aOutInc = sqlite3_malloc64((sqlite3_uint64)(nOut + 1) * sizeof(double));
    st.aOutNaive = sqlite3_malloc64((sqlite3_uint64)(nOut + 1) * sizeof(int64_t));
    if (!st.aCif || !st.aNaive || !st.aD || !st.aOutInc || !st.aOutNaive) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK && pRes->nCif + nOut > pB->nCifAlloc) {
        int64_t nNew = pB->nCifAlloc ? pB->nCifAlloc * 2 : 256;
        if (nNew < pRes->nCif + nOut) nNew = pRes->nCif + nOut;
        lp_km_cif *aNew = sqlite3_realloc64(pRes->aCif, (sqlite3_uint64)nNew * sizeof(lp_km_cif));
        if (!aNew) {
            rc = SQLITE_NOMEM;
        } else {
            pRes->aCif = aNew;
            pB->nCifAlloc = nNew;
        }
    }
    if (rc == SQLITE_OK) {
        memset(st.aCif, 0, (size_t)(st.nD + 1) * sizeof(double));
        memset(st.aNaive, 0, (size_t)(st.nD + 1) * sizeof(int64_t));
        memset(st.aD, 0, (size_t)(st.nD + 1) * sizeof(int64_t));
        kmCifWalk(&st, v, aDest, aIdx, pSpec->aAtDay);
        pS->iRow = pRes->nCif;
        pS->nRow = nOut;
        for (int64_t k = 0; k <= st.nD; k++) {
            for (int64_t iD = 0; iD < st.nDay; iD++) {
                lp_km_cif *pR = &pRes->aCif[pRes->nCif++];
                pR->day = pSpec->aAtDay[iD];
                pR->dest = k < st.nD ? pB->aLabelOf[aDest[k]] : LP_NONE;
                pR->incidence = st.aOutInc[k * st.nDay + iD];
                pR->naive = st.aOutNaive[k * st.nDay + iD];
            }
        }
    }
    sqlite3_free(aDest);
    sqlite3_free(aIdx);
    sqlite3_free(st.aCif);
    sqlite3_free(st.aNaive);
    sqlite3_free(st.aD);
    sqlite3_free(st.aOutInc);
    sqlite3_free(st.aOutNaive);
    return rc;
}

/* --------------------------------------------------------- the cohorts */

/* How many of the n ascending aW are <= x. */
static int64_t kmCountAtMost(const double *aW, int64_t n, double x) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (aW[mid] <= x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/*
** Rule 21, one cohort x segment from its n users sorted by time: its
** curve at the windows (kmStratum with the windows as at_days: S(W) is
** the curve's survival, the same code and number as continuation_curve's
** on these users), then, per window W (ascending), eligible = users with
** E - s1 >= W days, continued = users with an event at or before W,
** continued_eligible = both. A user adds to the windows from the first
** W >= its event time up (continued) and to those with W <= E - s1
** (eligible): counted once per user with differences over the windows,
** then summed. The cohort rows lie beside the curve's rows (aCohort[i]
** is aRow[i]'s window).
*/
int learnpath_km_cohort(lp_km_build *pB, lp_km_view v, int64_t n, uint32_t seg, int64_t month) {
    const lp_km_spec *pSpec = pB->pSpec;
    lp_km_result *pRes = pB->pRes;
    int64_t nW = pSpec->nAtDay;
    const double *aW = pSpec->aAtDay;
    lp_km_stratum *pS;
    lp_km_cohort *aRow;
    int64_t *aDiff; /* per window: 3 differences (eligible, continued, both) */
    int rc = learnpath_km_stratum(pB, v, n, seg, LP_NONE);
    if (rc) return rc;
    pS = &pRes->aStratum[pRes->nStratum - 1];
    pS->month = month;
    if (pS->iRow + nW > pB->nCohortAlloc) {
        int64_t nNew = pB->nCohortAlloc ? pB->nCohortAlloc * 2 : 64;
        if (nNew < pS->iRow + nW) nNew = pS->iRow + nW;
        lp_km_cohort *aNew =
            sqlite3_realloc64(pRes->aCohort, (sqlite3_uint64)nNew * sizeof(lp_km_cohort));
        if (!aNew) return SQLITE_NOMEM;
        pRes->aCohort = aNew;
        pB->nCohortAlloc = nNew;
    }
    pRes->nCohort = pS->iRow + nW;
    aRow = pRes->aCohort + pS->iRow;
    aDiff = sqlite3_malloc64((sqlite3_uint64)(nW + 1) * 3 * sizeof(int64_t));
    if (!aDiff) return SQLITE_NOMEM;
    memset(aDiff, 0, (size_t)(nW + 1) * 3 * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        /* eligible for the windows [0, hi); continued for [lo, nW) */
        int64_t hi = kmCountAtMost(aW, nW, (double)(pB->E - v.aS1[i]) / LP_MS_PER_DAY);
        aDiff[0]++;
        aDiff[hi]--;
        if ((v.aDest[i] != LP_NONE)) {
            /* the first window >= t: the windows <= t, less one equal to t */
            int64_t lo = kmCountAtMost(aW, nW, v.aT[i]);
            if (lo > 0 && aW[lo - 1] == v.aT[i]) lo--;
            aDiff[(nW + 1) + lo]++;
            if (lo < hi) {
                aDiff[2 * (nW + 1) + lo]++;
                aDiff[2 * (nW + 1) + hi]--;
            }
        }
    }
    for (int64_t k = 0; k < nW; k++) {
        memset(&aRow[k], 0, sizeof(aRow[k]));
        aRow[k].window = aW[k];
        aRow[k].eligible = (k ? aRow[k - 1].eligible : 0) + aDiff[k];
        aRow[k].continued = (k ? aRow[k - 1].continued : 0) + aDiff[(nW + 1) + k];
        aRow[k].continuedEligible = (k ? aRow[k - 1].continuedEligible : 0) + aDiff[2 * (nW + 1) + k];
    }
    sqlite3_free(aDiff);
    return SQLITE_OK;
}
