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
** How it works. One pass over the users (from the cache, or streamed)
** shapes each journey as first_program does (rules 4-8) and keeps, per
** user, the start of step 1 and of step 2 (if any), step 2's label, the
** segment and the first step's label: 32 bytes (km_user). The observation
** end E (rule 17) is known only after the pass when observe_until is not
** given (the latest time of the source), so each user's time and status
** are set then (kmTimes). The users are sorted once by (segment, first
** step, time) for the strata per first program, and each segment's users
** once more by time for the stratum over all its first programs (program
** NULL); each stratum then gives its curve (kmStratum) or its incidences
** (kmIncidence). continuation_cohorts sorts them by (month of s1,
** segment, time) instead (kmCohorts). O(n log n), nothing per user in
** SQL. Times are days from integer milliseconds (t / 86400000), so two
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
** Rule 19 on one curve of the n rows aRow (one per time, ascending): over
** the points (0, 0) and (t_k, 1 - curve_k), with tol = sqrt(DBL_EPSILON),
** i1 = the point of least value with value + tol >= 0.5, i2 = the one of
** least value with value - tol >= 0.5 (the earliest of equal values);
** the median is the middle of their times; when the last point's value is
** within tol of 0.5, the middle of i1's time and the last time. NAN where
** the curve never reaches 0.5.
*/
static double kmMedian(const lp_km_row *aRow, int64_t n, km_curve_fn xCurve, double z, int eConf) {
    const double tol = sqrt(DBL_EPSILON);
    double yMax = 0.0, y1 = INFINITY, y2 = INFINITY, x1 = 0.0, x2 = 0.0, yLast = 0.0;
    int has1 = 0, has2 = 0;
    if (n == 0) return NAN;
    for (int64_t k = 0; k < n; k++) {
        double c = xCurve(&aRow[k], z, eConf);
        double y = isnan(c) ? NAN : 1.0 - c;
        yLast = y;
        if (isnan(y)) continue;
        if (y > yMax) yMax = y;
        if (y + tol >= 0.5 && y < y1) {
            y1 = y;
            x1 = aRow[k].day;
            has1 = 1;
        }
        if (y - tol >= 0.5 && y < y2) {
            y2 = y;
            x2 = aRow[k].day;
            has2 = 1;
        }
    }
    if (yMax < 0.5 || !has1) return NAN;
    if (!isnan(yLast) && fabs(0.5 - yLast) < tol) return (x1 + aRow[n - 1].day) / 2.0;
    return has2 ? (x1 + x2) / 2.0 : NAN;
}

/* See lp_journey.h. */
void learnpath_km_medians(const lp_km_row *aRow, int64_t n, double z, int eConf,
                          double aMedian[3]) {
    aMedian[0] = kmMedian(aRow, n, kmCurveSurv, z, eConf);
    aMedian[1] = kmMedian(aRow, n, kmCurveLower, z, eConf);
    aMedian[2] = kmMedian(aRow, n, kmCurveUpper, z, eConf);
}

/* ------------------------------------------------------------- the pass */

/*
** A user of the pass, shared by every continuation function: the start of
** step 1 (s1), of step 2 (b.s2; KM_NO_STEP: none) and its label (dest),
** the segment and the first step's label. kmTimes then makes b the user's
** time in days (b.t), dest LP_NONE for a censored user (the status: an
** event is a user whose dest is a label), and the keys places in name
** order (kmKeys); month is s1's (continuation_cohorts only).
*/
typedef struct km_user {
    int64_t s1;
    union {
        int64_t s2;
        double t;
    } b;
    uint32_t seg, label, dest;
    int32_t month;
} km_user;
#define KM_NO_STEP INT64_MAX
#define KM_EVENT(pU) ((pU)->dest != LP_NONE)

typedef struct km_pass {
    km_user *aUser;
    int64_t nUser, nUserAlloc;
    int64_t tLast;           /* the latest enrollment time met (rule 17's E) */
    int hasLast;
    int64_t E;               /* rule 17's E, once kmTimes has run */
} km_pass;

/* Does holding nByte more than the users and the shaper pass the budget? */
static int kmCheckBudget(const lp_users *pIt, const lp_shaper *pSh, int64_t nByte, char **pzErr) {
    int64_t nLimit = learnpath_users_limit(pIt);
    if (nLimit == 0) return SQLITE_OK;
    if (learnpath_users_held(pIt) + learnpath_shaper_bytes(pSh) + nByte <= nLimit) return SQLITE_OK;
    if (pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
    return learnpath_users_budget_error(pIt, 0, pSh->groups.n, pzErr);
}

/* Keep the user just shaped (kept by rules 1-8). */
static int kmAddUser(km_pass *pP, const lp_users *pIt, const lp_shaper *pSh, char **pzErr) {
    if (pP->nUser >= pP->nUserAlloc) {
        int64_t nNew = pP->nUserAlloc ? pP->nUserAlloc * 2 : 256;
        int rc = kmCheckBudget(pIt, pSh, nNew * (int64_t)sizeof(km_user), pzErr);
        if (rc) return rc;
        km_user *aNew = sqlite3_realloc64(pP->aUser, (sqlite3_uint64)nNew * sizeof(km_user));
        if (!aNew) return SQLITE_NOMEM;
        pP->aUser = aNew;
        pP->nUserAlloc = nNew;
    }
    km_user *pU = &pP->aUser[pP->nUser++];
    pU->s1 = pSh->aStep[0].t;
    pU->b.s2 = pSh->nStep > 1 ? pSh->aStep[1].t : KM_NO_STEP;
    pU->dest = pSh->nStep > 1 ? pSh->aStep[1].label : LP_NONE;
    pU->seg = pSh->segment;
    pU->label = pSh->aStep[0].label;
    pU->month = 0;
    return SQLITE_OK;
}

/*
** Rule 17: each user's time and status, once E is known; the users whose
** step 1 starts after E are left out. With isCohort, each user's month.
*/
static void kmTimes(km_pass *pP, const lp_shape_spec *pShape, const lp_km_spec *pSpec) {
    int64_t E = pSpec->hasObserveUntil ? pSpec->observeUntil : pP->tLast;
    int64_t n = 0;
    pP->E = E;
    for (int64_t i = 0; i < pP->nUser; i++) {
        km_user u = pP->aUser[i];
        int64_t s1 = u.s1;
        if (s1 > E) continue;
        if (u.b.s2 != KM_NO_STEP && u.b.s2 <= E) {
            u.b.t = (double)(u.b.s2 - s1) / LP_MS_PER_DAY;
        } else if (pShape->hasWithin && (double)(E - s1) > pShape->withinDays * LP_MS_PER_DAY) {
            u.b.t = pShape->withinDays;
            u.dest = LP_NONE;
        } else {
            u.b.t = (double)(E - s1) / LP_MS_PER_DAY;
            u.dest = LP_NONE;
        }
        if (pSpec->eKind == LP_KM_COHORTS) u.month = (int32_t)learnpath_time_month(s1);
        pP->aUser[n++] = u;
    }
    pP->nUser = n;
}

/* Order of the cohorts' strata and time: month, segment, time. */
static int kmCohortCmp(const void *pa, const void *pb) {
    const km_user *a = pa, *b = pb;
    if (a->month != b->month) return a->month < b->month ? -1 : 1;
    if (a->seg != b->seg) return a->seg < b->seg ? -1 : 1;
    return (a->b.t > b->b.t) - (a->b.t < b->b.t);
}

/* ------------------------------------------------------------ the curves */

typedef struct km_build km_build;
struct km_build {
    lp_km_result *pRes;
    int64_t nRowAlloc, nStratumAlloc, nCifAlloc, nCohortAlloc;
    const lp_km_spec *pSpec;
    const uint32_t *aLabelOf;  /* a label's place in name order -> the label */
    int64_t E;                 /* rule 17's E */
    /* one stratum from its n users sorted by time: the curve's, or the
    ** incidence's */
    int (*xStratum)(km_build *pB, const km_user *a, int64_t n, uint32_t seg, uint32_t label);
};

/* Rule 18's step at a time with d events among atRisk users: S (1 - d / n),
** exactly 0 when every user at risk continued. */
static double kmSurvStep(double S, int64_t d, int64_t atRisk) {
    return d == atRisk ? 0.0 : S * (1.0 - (double)d / (double)atRisk);
}

/* A new stratum of the result, zeroed, into *ppS. */
static int kmNewStratum(km_build *pB, lp_km_stratum **ppS) {
    lp_km_result *pRes = pB->pRes;
    if (pRes->nStratum >= pB->nStratumAlloc) {
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
static int kmRowRoom(km_build *pB, int64_t n) {
    lp_km_result *pRes = pB->pRes;
    if (pRes->nRow + n <= pB->nRowAlloc) return SQLITE_OK;
    int64_t nNew = pB->nRowAlloc ? pB->nRowAlloc * 2 : 256;
    if (nNew < pRes->nRow + n) nNew = pRes->nRow + n;
    lp_km_row *aNew = sqlite3_realloc64(pRes->aRow, (sqlite3_uint64)nNew * sizeof(lp_km_row));
    if (!aNew) return SQLITE_NOMEM;
    pRes->aRow = aNew;
    pB->nRowAlloc = nNew;
    return SQLITE_OK;
}

/*
** at_days (rule 18, as R's summary(fit, times = ..., extend = TRUE)): the
** stratum's rows, one per time, become one per day: at_risk = users whose
** time is that day or later, events and censored over (previous day, day],
** and the survival of the last time at or before the day.
*/
static int kmAtDays(km_build *pB, lp_km_stratum *pS) {
    const lp_km_spec *pSpec = pB->pSpec;
    lp_km_row *aTime = NULL;
    int64_t nTime = pS->nRow, k = 0;
    int rc;
    aTime = sqlite3_malloc64((sqlite3_uint64)(nTime + 1) * sizeof(lp_km_row));
    if (!aTime) return SQLITE_NOMEM;
    memcpy(aTime, pB->pRes->aRow + pS->iRow, (size_t)nTime * sizeof(lp_km_row));
    pB->pRes->nRow = pS->iRow;
    rc = kmRowRoom(pB, pSpec->nAtDay);
    for (int i = 0; i < pSpec->nAtDay && rc == SQLITE_OK; i++) {
        lp_km_row *pR = &pB->pRes->aRow[pB->pRes->nRow++];
        double D = pSpec->aAtDay[i];
        int64_t k2 = k;
        memset(pR, 0, sizeof(*pR));
        pR->day = D;
        pR->isStart = 1;
        pR->surv = k > 0 ? aTime[k - 1].surv : 1.0;
        pR->var = k > 0 ? aTime[k - 1].var : 0.0;
        while (k2 < nTime && aTime[k2].day < D) k2++;
        pR->atRisk = k2 < nTime ? aTime[k2].atRisk : 0;
        for (; k < nTime && aTime[k].day <= D; k++) {
            pR->events += aTime[k].events;
            pR->censored += aTime[k].censored;
            pR->surv = aTime[k].surv;
            pR->var = aTime[k].var;
        }
        pR->isStart = k == 0;
    }
    pS->nRow = pSpec->nAtDay;
    sqlite3_free(aTime);
    return rc;
}

/*
** One stratum from its n users sorted by time (rule 18): a row per
** distinct time, its medians (rule 19), then at_days' rows if asked.
*/
static int kmStratum(km_build *pB, const km_user *a, int64_t n, uint32_t seg, uint32_t label) {
    lp_km_result *pRes = pB->pRes;
    lp_km_stratum *pS;
    double S = 1.0, var = 0.0;
    int64_t atRisk = n;
    int rc = kmNewStratum(pB, &pS);
    if (rc) return rc;
    pS->segment = seg;
    pS->label = label;
    pS->users = n;
    pS->iRow = pRes->nRow;
    for (int64_t i = 0; i < n;) {
        int64_t j = i, d = 0, c = 0;
        for (; j < n && a[j].b.t == a[i].b.t; j++) {
            if (KM_EVENT(&a[j])) d++; else c++;
        }
        if (d > 0) {
            S = kmSurvStep(S, d, atRisk);
            var = d == atRisk ? INFINITY : var + (double)d / ((double)atRisk * (double)(atRisk - d));
        }
        rc = kmRowRoom(pB, 1);
        if (rc) return rc;
        lp_km_row *pR = &pRes->aRow[pRes->nRow++];
        pR->day = a[i].b.t;
        pR->atRisk = atRisk;
        pR->events = d;
        pR->censored = c;
        pR->surv = S;
        pR->var = var;
        pR->isStart = 0;
        pS->events += d;
        pS->censored += c;
        atRisk -= d + c;
        i = j;
    }
    pS->nRow = pRes->nRow - pS->iRow;
    learnpath_km_medians(pRes->aRow + pS->iRow, pS->nRow, pB->pSpec->z, pB->pSpec->eConf,
                         pS->aMedian);
    return pB->pSpec->aAtDay ? kmAtDays(pB, pS) : SQLITE_OK;
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
** *pnD.
*/
static int kmDestinations(const km_user *a, int64_t n, uint32_t **paDest, int64_t *pnD) {
    int64_t nEvent = 0, nD = 0;
    uint32_t *aDest = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(uint32_t));
    if (!aDest) return SQLITE_NOMEM;
    for (int64_t i = 0; i < n; i++) {
        if (KM_EVENT(&a[i])) aDest[nEvent++] = a[i].dest;
    }
    if (nEvent > 1) qsort(aDest, (size_t)nEvent, sizeof(uint32_t), kmU32Cmp);
    for (int64_t i = 0; i < nEvent; i++) {
        if (nD == 0 || aDest[i] != aDest[nD - 1]) aDest[nD++] = aDest[i];
    }
    *paDest = aDest;
    *pnD = nD;
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
static void kmCifWalk(km_cif_state *p, const km_user *a, const uint32_t *aDest,
                      const double *aDay) {
    int64_t n = p->n, atRisk = n, iDay = 0;
    double S = 1.0;
    for (int64_t i = 0; i <= n;) {
        /* the days before this time (every day left, after the last) */
        double t = i < n ? a[i].b.t : INFINITY;
        for (; iDay < p->nDay && aDay[iDay] < t; iDay++) kmCifSnapshot(p, iDay, S);
        if (i == n) break;
        int64_t j = i, d = 0, c = 0;
        for (; j < n && a[j].b.t == t; j++) {
            if (KM_EVENT(&a[j])) {
                p->aD[kmDestIndex(aDest, p->nD, a[j].dest)]++;
                d++;
            } else {
                c++;
            }
        }
        for (int64_t m = i; m < j && d > 0; m++) {
            if (!KM_EVENT(&a[m])) continue;
            int64_t k = kmDestIndex(aDest, p->nD, a[m].dest);
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
static int kmIncidence(km_build *pB, const km_user *a, int64_t n, uint32_t seg, uint32_t label) {
    const lp_km_spec *pSpec = pB->pSpec;
    lp_km_result *pRes = pB->pRes;
    lp_km_stratum *pS;
    uint32_t *aDest = NULL;
    km_cif_state st;
    int64_t nOut;
    int rc = kmNewStratum(pB, &pS);
    if (rc) return rc;
    memset(&st, 0, sizeof(st));
    pS->segment = seg;
    pS->label = label;
    pS->users = n;
    for (int64_t i = 0; i < n; i++) pS->events += KM_EVENT(&a[i]);
    pS->censored = n - pS->events;
    rc = kmDestinations(a, n, &aDest, &st.nD);
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
        kmCifWalk(&st, a, aDest, pSpec->aAtDay);
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
static int kmCohortStratum(km_build *pB, const km_user *a, int64_t n, uint32_t seg, int64_t month) {
    const lp_km_spec *pSpec = pB->pSpec;
    lp_km_result *pRes = pB->pRes;
    int64_t nW = pSpec->nAtDay;
    const double *aW = pSpec->aAtDay;
    lp_km_stratum *pS;
    lp_km_cohort *aRow;
    int64_t *aDiff; /* per window: 3 differences (eligible, continued, both) */
    int rc = kmStratum(pB, a, n, seg, LP_NONE);
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
        int64_t hi = kmCountAtMost(aW, nW, (double)(pB->E - a[i].s1) / LP_MS_PER_DAY);
        aDiff[0]++;
        aDiff[hi]--;
        if (KM_EVENT(&a[i])) {
            /* the first window >= t: the windows <= t, less one equal to t */
            int64_t lo = kmCountAtMost(aW, nW, a[i].b.t);
            if (lo > 0 && aW[lo - 1] == a[i].b.t) lo--;
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

/*
** continuation_cohorts' strata (rule 21): the users sorted by (month of
** s1, segment, time), each run a stratum.
*/
static int kmCohorts(km_build *pB, km_pass *pP, const uint32_t *aSegOf) {
    int rc = SQLITE_OK;
    if (pP->nUser > 1) qsort(pP->aUser, (size_t)pP->nUser, sizeof(km_user), kmCohortCmp);
    for (int64_t i = 0; i < pP->nUser && rc == SQLITE_OK;) {
        int64_t e = i;
        const km_user *pU = &pP->aUser[i];
        while (e < pP->nUser && pP->aUser[e].month == pU->month && pP->aUser[e].seg == pU->seg) e++;
        rc = kmCohortStratum(pB, pU, e - i, pU->seg == 0 ? LP_NONE : aSegOf[pU->seg - 1], pU->month);
        i = e;
    }
    return rc;
}

/*
** Every stratum of the users (kmTimes done), in output order: the users
** sorted by (segment, first step, time), each run a stratum; each
** segment's users then copied and sorted by time for the segment's
** stratum over every first step. aSegOf and aLabelOf turn the places in
** name order back into segments and labels.
*/
/* A user's time as a key in its order (t >= 0: a double's bits then are). */
static uint64_t kmTimeKey(const km_user *pU) {
    uint64_t k;
    memcpy(&k, &pU->b.t, sizeof k);
    return k;
}

/* *paOut = the users as (key, segment, label, index) in order of time: an
** LSD radix sort, a byte at a time, skipping the bytes every key shares
** (the caller frees *paOut; the segment and label ride along). */
typedef struct km_pair {
    uint64_t key;
    uint32_t seg, label, i;
} km_pair;

static int kmByTime(const km_pass *pP, km_pair **paOut) {
    int64_t n = pP->nUser;
    km_pair *aBase = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair) * 2);
    km_pair *a = aBase, *b;
    uint64_t all1 = ~(uint64_t)0, any1 = 0;
    *paOut = NULL;
    if (!aBase) return SQLITE_NOMEM;
    b = a + n + 1;
    for (int64_t i = 0; i < n; i++) {
        const km_user *pU = &pP->aUser[i];
        a[i].key = kmTimeKey(pU);
        a[i].seg = pU->seg;
        a[i].label = pU->label;
        a[i].i = (uint32_t)i;
        all1 &= a[i].key;
        any1 |= a[i].key;
    }
    for (int shift = 0; shift < 64; shift += 8) {
        int64_t aCount[257];
        if ((((all1 ^ any1) >> shift) & 0xff) == 0) continue; /* one value in every key */
        memset(aCount, 0, sizeof aCount);
        for (int64_t i = 0; i < n; i++) aCount[((a[i].key >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++) aCount[d + 1] += aCount[d];
        for (int64_t i = 0; i < n; i++) b[aCount[(a[i].key >> shift) & 0xff]++] = a[i];
        km_pair *t = a;
        a = b;
        b = t;
    }
    if (a != aBase) memcpy(aBase, a, (size_t)n * sizeof(km_pair));
    *paOut = aBase; /* its second half is free room for kmStableBy */
    return SQLITE_OK;
}

/* aOut = aIn ordered by segment (isSeg) or label (below nKey), stably: a
** counting sort, so that the order within each key holds. */
static int kmStableBy(const km_pair *aIn, km_pair *aOut, int64_t n, int isSeg, uint32_t nKey) {
    int64_t *aCount = sqlite3_malloc64(((sqlite3_uint64)nKey + 2) * sizeof(int64_t));
    if (!aCount) return SQLITE_NOMEM;
    memset(aCount, 0, ((size_t)nKey + 2) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) aCount[(isSeg ? aIn[i].seg : aIn[i].label) + 1]++;
    for (uint32_t k = 0; k <= nKey; k++) aCount[k + 1] += aCount[k];
    for (int64_t i = 0; i < n; i++) aOut[aCount[isSeg ? aIn[i].seg : aIn[i].label]++] = aIn[i];
    sqlite3_free(aCount);
    return SQLITE_OK;
}

/*
** Every stratum of the users (kmTimes and kmKeys done), in output order:
** per segment (in name order), its strata per first step (in name order),
** then its stratum over every first step; each stratum's users sorted by
** time. The users are put in time order once (kmByTime), then in segment
** and first-step order stably (counting sorts): no comparison sort. nSeg
** and nLabel bound the keys; aSegOf and aLabelOf turn them back into
** segments and labels.
*/
static int kmStrata(km_build *pB, km_pass *pP, const uint32_t *aSegOf, const uint32_t *aLabelOf,
                    uint32_t nSeg, uint32_t nLabel) {
    if (pB->pSpec->eKind == LP_KM_COHORTS) return kmCohorts(pB, pP, aSegOf);
    int64_t n = pP->nUser;
    km_pair *aTime = NULL, *aTmp, *aSegTime;
    km_user *aCopy = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_user));
    int rc = aCopy ? kmByTime(pP, &aTime) : SQLITE_NOMEM;
    aSegTime = rc == SQLITE_OK ? sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair)) : NULL;
    if (rc == SQLITE_OK && !aSegTime) rc = SQLITE_NOMEM;
    aTmp = aTime ? aTime + n + 1 : NULL;
    /* (segment, time) for the segments' strata; (segment, label, time) in aTime */
    if (rc == SQLITE_OK) rc = kmStableBy(aTime, aSegTime, n, 1, nSeg + 1);
    if (rc == SQLITE_OK) rc = kmStableBy(aTime, aTmp, n, 0, nLabel);
    if (rc == SQLITE_OK) rc = kmStableBy(aTmp, aTime, n, 1, nSeg + 1);
    for (int64_t i = 0; i < n && rc == SQLITE_OK;) {
        int64_t e = i;
        uint32_t segKey = aTime[i].seg;
        uint32_t seg = segKey == 0 ? LP_NONE : aSegOf[segKey - 1];
        while (e < n && aTime[e].seg == segKey) e++;
        for (int64_t k = i; k < e && rc == SQLITE_OK;) {
            int64_t m = k;
            uint32_t label = aTime[k].label;
            for (; m < e && aTime[m].label == label; m++) aCopy[m - k] = pP->aUser[aTime[m].i];
            rc = pB->xStratum(pB, aCopy, m - k, seg, aLabelOf[label]);
            k = m;
        }
        /* the same users, by time alone: aSegTime[i..e) */
        for (int64_t k = i; k < e && rc == SQLITE_OK; k++) aCopy[k - i] = pP->aUser[aSegTime[k].i];
        if (rc == SQLITE_OK) rc = pB->xStratum(pB, aCopy, e - i, seg, LP_NONE);
        i = e;
    }
    sqlite3_free(aTime);
    sqlite3_free(aSegTime);
    sqlite3_free(aCopy);
    return rc;
}

/*
** The sort keys: each user's segment and first step become their places
** in name order (segment LP_NONE first, as 0), and *paSegOf, *paLabelOf
** the way back (the caller frees them).
*/
static int kmKeys(km_pass *pP, const lp_shaper *pSh, uint32_t **paSegOf, uint32_t **paLabelOf) {
    const lp_data *pD = pSh->pData;
    uint32_t nLabel = pD->programs.n + pSh->groups.n;
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int rc = learnpath_label_ranks(pSh, NULL, nLabel, 0, &aLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 0, &aSegRank);
    if (rc == SQLITE_OK) {
        *paSegOf = sqlite3_malloc64(((sqlite3_uint64)pD->segments.n + 1) * sizeof(uint32_t));
        *paLabelOf = sqlite3_malloc64(((sqlite3_uint64)nLabel + 1) * sizeof(uint32_t));
        if (!*paSegOf || !*paLabelOf) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        for (uint32_t s = 0; s < pD->segments.n; s++) (*paSegOf)[aSegRank[s]] = s;
        for (uint32_t l = 0; l < nLabel; l++) {
            (*paLabelOf)[aLabelRank[l]] = l < pD->programs.n ? l : LP_GROUP_BIT | (l - pD->programs.n);
        }
        for (int64_t i = 0; i < pP->nUser; i++) {
            km_user *pU = &pP->aUser[i];
            pU->seg = pU->seg == LP_NONE ? 0 : aSegRank[pU->seg] + 1;
            pU->label = aLabelRank[learnpath_label_index(pD, pU->label)];
            if (KM_EVENT(pU)) pU->dest = aLabelRank[learnpath_label_index(pD, pU->dest)];
        }
    }
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/* See lp_journey.h. */
void learnpath_km_free(lp_km_result *pRes) {
    sqlite3_free(pRes->aStratum);
    sqlite3_free(pRes->aRow);
    sqlite3_free(pRes->aCif);
    sqlite3_free(pRes->aCohort);
    memset(pRes, 0, sizeof(*pRes));
}

/* See lp_journey.h. */
int learnpath_km_build(lp_users *pIt, lp_shaper *pSh, const lp_km_spec *pSpec, lp_km_result *pRes,
                       char **pzErr) {
    km_pass P;
    km_build B;
    uint32_t *aSegOf = NULL, *aLabelOf = NULL;
    int rc = SQLITE_OK;
    memset(&P, 0, sizeof(P));
    memset(&B, 0, sizeof(B));
    memset(pRes, 0, sizeof(*pRes));
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
        const lp_data *pD = pIt->pData;
        uint32_t u = pIt->u;
        int keep;
        if (pD->aFirst[u + 1] > pD->aFirst[u]) {
            /* the user's enrollments lie sorted by time: the last is the latest */
            int64_t t = pD->aT[pD->aFirst[u + 1] - 1];
            if (!P.hasLast || t > P.tLast) P.tLast = t;
            P.hasLast = 1;
        }
        rc = learnpath_shape_user(pSh, u, &keep);
        if (rc == SQLITE_OK && keep) rc = kmAddUser(&P, pIt, pSh, pzErr);
    }
    if (rc == SQLITE_OK) {
        kmTimes(&P, pSh->pSpec, pSpec);
        rc = kmKeys(&P, pSh, &aSegOf, &aLabelOf);
    }
    if (rc == SQLITE_OK) {
        /* the rows: at most one per user and stratum, or per day and stratum */
        rc = kmCheckBudget(pIt, pSh, P.nUserAlloc * (int64_t)sizeof(km_user) * 5, pzErr);
    }
    if (rc == SQLITE_OK) {
        B.pRes = pRes;
        B.pSpec = pSpec;
        B.aLabelOf = aLabelOf;
        B.E = P.E;
        B.xStratum = pSpec->eKind == LP_KM_INCIDENCE ? kmIncidence : kmStratum;
        rc = kmStrata(&B, &P, aSegOf, aLabelOf, pSh->pData->segments.n,
                      pSh->pData->programs.n + pSh->groups.n);
    }
    sqlite3_free(P.aUser);
    sqlite3_free(aSegOf);
    sqlite3_free(aLabelOf);
    if (rc) learnpath_km_free(pRes);
    return rc;
}
