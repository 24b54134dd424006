/*
** tvf_continuation.c - continuation with censoring (rules 17-21,
** lp_survival.c): continuation_curve, continuation_stats,
** next_program_incidence and continuation_cohorts.
**
**   SELECT * FROM continuation_curve('enrollments') WHERE program IS NULL;
**   SELECT * FROM continuation_curve WHERE source = 'enrollments'
**      AND at_days = '30,90,180,365' AND conf_type = 'log-log';
**   SELECT * FROM continuation_stats('enrollments', 'user_id', 'program',
**                                    'enrolled_at', 'user_type');
**   SELECT * FROM next_program_incidence('enrollments') WHERE at_days = 365;
**   SELECT * FROM continuation_cohorts('enrollments') WHERE windows = '90,365';
**
** Their arguments are learnpath_km_curve_args and _stats_args (lp_tvf.c): the journey
** functions', then observe_until, conf_type, conf_level and (the curve's)
** at_days; next_program_incidence's and continuation_cohorts' are
** learnpath_km_incidence_args and _cohort_args: the journey functions',
** observe_until, then at_days or windows. conf_level and the lists of days
** are read here (a number, or a text of numbers separated by commas); the
** frame checks the others, and reads back conf_type, continuation_stats'
** last column (LP_TVF_SHOW_ARG). xFilter computes every row; the rows are
** then read in order.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_sql.h"

/* Most days at_days may list. */
#define KM_MAX_AT_DAYS 10000

/* The lists of days next_program_incidence and continuation_cohorts take
** when none is given (their arguments' zDefault, lp_tvf.c). */
static const double aKmDefaultDays[] = {30.0, 90.0, 180.0, 365.0};

typedef struct km_cursor {
    lp_tvf_cursor tvf;
    int isStats;              /* continuation_stats */
    int eKind;                /* LP_KM_*: the curve or stats, incidence, cohorts */
    lp_users it;
    lp_shaper sh;             /* the shaper, until the memo takes it */
    lp_km_spec spec;
    double *aAtDay;           /* at_days, ascending and distinct */
    lp_km_memo *pMemo;        /* holds the rows and their labels' shaper */
    const lp_km_result *pRes; /* the rows, in the memo */
    int64_t iStratum;         /* the row's stratum */
    int64_t iRow;             /* the curve: the row within its stratum */
} km_cursor;

/* Release what kmFilter made (before another kmFilter, and at close). */
static void kmReset(lp_tvf_cursor *pBase) {
    km_cursor *pCur = (km_cursor *)pBase;
    learnpath_km_release(pCur->pMemo, pCur->pRes);
    pCur->pMemo = NULL;
    pCur->pRes = NULL;
    learnpath_shaper_free(&pCur->sh);
    learnpath_users_close(&pCur->it);
    sqlite3_free(pCur->aAtDay);
    pCur->aAtDay = NULL;
    memset(&pCur->spec, 0, sizeof(pCur->spec));
    pCur->iStratum = pCur->iRow = 0;
}

/* "<arg> must be <what>, not <value>". */
static int kmValueError(sqlite3_value *pVal, const char *zArg, const char *zWhat, char **pzErr) {
    char *zValue = learnpath_describe_value(pVal);
    if (!zValue) return SQLITE_NOMEM;
    int rc = learnpath_errorf(pzErr, SQLITE_ERROR, "%s must be %s, not %s", zArg, zWhat, zValue);
    sqlite3_free(zValue);
    return rc;
}

/*
** A number of days written in decimal (digits, an optional fraction,
** blanks around) in z[0..n), into *pR: 1 if it is one. Up to 15 digits,
** so the mantissa and the power of ten are exact and their quotient is
** the nearest double, as SQLite reads the same text.
*/
static int kmParseDay(const char *z, int n, double *pR) {
    int64_t m = 0;
    int nDigit = 0, nFrac = 0, isFrac = 0, i = 0;
    double p = 1.0;
    while (i < n && (z[i] == ' ' || z[i] == '\t')) i++;
    for (; i < n; i++) {
        if (z[i] >= '0' && z[i] <= '9') {
            if (m == 0 && z[i] == '0' && !isFrac) continue; /* leading zeros */
            if (++nDigit > 15) return 0;
            m = m * 10 + (z[i] - '0');
            nFrac += isFrac;
        } else if (z[i] == '.' && !isFrac) {
            isFrac = 1;
        } else {
            break;
        }
    }
    /* at least one digit: the text before the blanks is not "." or "" */
    int hasDigit = 0;
    for (int k = 0; k < i; k++) hasDigit |= z[k] >= '0' && z[k] <= '9';
    while (i < n && (z[i] == ' ' || z[i] == '\t')) i++;
    if (i < n || !hasDigit) return 0;
    for (int k = 0; k < nFrac; k++) p *= 10.0;
    *pR = (double)m / p;
    return 1;
}

/* Ascending doubles, for sorting at_days. */
static int kmDoubleCmp(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/*
** at_days (or windows, zArg): one number of days >= 0, or a text of them
** separated by commas ('30,90,180,365'); kept ascending and distinct, as
** R's summary(fit, times = ...) reports them.
*/
static int kmAtDaysArg(km_cursor *pCur, sqlite3_value *pVal, const char *zArg, char **pzErr) {
    static const char zWhat[] = "a number of days >= 0 or a text of them separated by commas";
    int eType = sqlite3_value_type(pVal);
    int n = 0;
    if (eType == SQLITE_INTEGER || eType == SQLITE_FLOAT) {
        double r = sqlite3_value_double(pVal);
        if (!(r >= 0.0 && r <= 1e9)) return kmValueError(pVal, zArg, zWhat, pzErr);
        pCur->aAtDay = sqlite3_malloc64(sizeof(double));
        if (!pCur->aAtDay) return SQLITE_NOMEM;
        pCur->aAtDay[0] = r;
        n = 1;
    } else {
        /* a text (the frame refused blobs and texts with a NUL) */
        const char *z = (const char *)sqlite3_value_text(pVal);
        int nByte = sqlite3_value_bytes(pVal), nItem = 1;
        if (!z) return SQLITE_NOMEM;
        for (int i = 0; i < nByte; i++) nItem += z[i] == ',';
        if (nItem > KM_MAX_AT_DAYS) {
            return learnpath_errorf(pzErr, SQLITE_ERROR, "%s must list at most %d days, not %d",
                                    zArg, KM_MAX_AT_DAYS, nItem);
        }
        pCur->aAtDay = sqlite3_malloc64((sqlite3_uint64)nItem * sizeof(double));
        if (!pCur->aAtDay) return SQLITE_NOMEM;
        for (int i = 0; i <= nByte;) {
            int e = i;
            while (e < nByte && z[e] != ',') e++;
            if (!kmParseDay(z + i, e - i, &pCur->aAtDay[n]) || pCur->aAtDay[n] > 1e9) {
                return kmValueError(pVal, zArg, zWhat, pzErr);
            }
            n++;
            i = e + 1;
        }
    }
    qsort(pCur->aAtDay, (size_t)n, sizeof(double), kmDoubleCmp);
    int nDistinct = 0;
    for (int i = 0; i < n; i++) {
        if (i == 0 || pCur->aAtDay[i] != pCur->aAtDay[nDistinct - 1]) {
            pCur->aAtDay[nDistinct++] = pCur->aAtDay[i];
        }
    }
    pCur->spec.aAtDay = pCur->aAtDay;
    pCur->spec.nAtDay = nDistinct;
    return SQLITE_OK;
}

/* The arguments the frame leaves to the function: rules 17, 18, 20, 21. */
static int kmArgs(km_cursor *pCur, char **pzErr) {
    const lp_arg_value *v = pCur->tvf.aVal;
    pCur->spec.eKind = pCur->eKind;
    pCur->spec.hasObserveUntil = v[LP_ARG_I_OBSERVE_UNTIL].isSet;
    pCur->spec.observeUntil = v[LP_ARG_I_OBSERVE_UNTIL].i;
    if (pCur->eKind != LP_KM_CURVE) {
        /* next_program_incidence, continuation_cohorts: at_days or windows */
        if (v[LP_ARG_I_DAY_LIST].isSet) {
            return kmAtDaysArg(pCur, pCur->tvf.apArg[LP_ARG_I_DAY_LIST],
                               pCur->eKind == LP_KM_COHORTS ? "windows" : "at_days", pzErr);
        }
        pCur->spec.aAtDay = aKmDefaultDays;
        pCur->spec.nAtDay = (int)(sizeof(aKmDefaultDays) / sizeof(aKmDefaultDays[0]));
        return SQLITE_OK;
    }
    sqlite3_value *pLevel = pCur->tvf.apArg[LP_ARG_I_CONF_LEVEL];
    double level = 0.95;
    pCur->spec.eConf = (int)v[LP_ARG_I_CONF_TYPE].i;
    if (pLevel && v[LP_ARG_I_CONF_LEVEL].isSet) {
        if (!learnpath_number_arg(pLevel, 0.0, 1.0, 0, &level) || level <= 0.0 || level >= 1.0) {
            return kmValueError(pLevel, "conf_level",
                                "a number greater than 0 and less than 1", pzErr);
        }
    }
    pCur->spec.z = learnpath_normal_upper_quantile((1.0 - level) / 2.0);
    if (!pCur->isStats && v[LP_ARG_I_AT_DAYS].isSet) {
        return kmAtDaysArg(pCur, pCur->tvf.apArg[LP_ARG_I_AT_DAYS], "at_days", pzErr);
    }
    return SQLITE_OK;
}

/* Every row: from the data's memo, or computed now (lp_km_pass.c). */
static int kmFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    km_cursor *pCur = (km_cursor *)pBase;
    int rc;
    const lp_tvf *pDesc = pBase->pTab->pDesc;
    (void)idxNum;
    pCur->isStats = pDesc == &learnpath_tvf_continuation_stats;
    pCur->eKind = pDesc == &learnpath_tvf_next_program_incidence ? LP_KM_INCIDENCE
                  : pDesc == &learnpath_tvf_continuation_cohorts ? LP_KM_COHORTS
                                                                 : LP_KM_CURVE;
    rc = kmArgs(pCur, pzErr);
    if (rc) return rc;
    pBase->src.anyOrder = 1; /* curves over the users: their order is not seen */
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc == SQLITE_OK) {
        rc = learnpath_km_get(&pCur->it, &pCur->sh, &pBase->shape, &pCur->spec, pCur->isStats,
                              &pCur->pMemo, &pCur->pRes, pzErr);
    }
    if (rc == LP_RC_OVER_BUDGET) {
        rc = learnpath_tvf_reopen_streaming(pBase, &pCur->it, &pCur->sh, pzErr);
        if (rc == SQLITE_OK) {
            rc = learnpath_km_get(&pCur->it, &pCur->sh, &pBase->shape, &pCur->spec, pCur->isStats,
                                  &pCur->pMemo, &pCur->pRes, pzErr);
        }
    }
    return rc;
}

/* The next row: of the stats, the next stratum; of the curve, the next
** row of the stratum, or the first of the next stratum. */
static int kmNext(lp_tvf_cursor *pBase, char **pzErr) {
    km_cursor *pCur = (km_cursor *)pBase;
    (void)pzErr;
    if (pCur->isStats) {
        pCur->iStratum++;
    } else if (++pCur->iRow >= pCur->pRes->aStratum[pCur->iStratum].nRow) {
        pCur->iStratum++;
        pCur->iRow = 0;
    }
    return SQLITE_OK;
}

/* Past the last stratum. */
static int kmEof(lp_tvf_cursor *pBase) {
    km_cursor *pCur = (km_cursor *)pBase;
    return pCur->pRes == NULL || pCur->iStratum >= pCur->pRes->nStratum;
}

/* A double, or NULL where it is NAN (rule 19: no median). */
static void kmResultOrNull(sqlite3_context *ctx, double r) {
    if (!isnan(r)) sqlite3_result_double(ctx, r);
}

/* continuation_curve's column i >= 2 of row pR (rule 18). */
static void kmColumnCurve(km_cursor *pCur, const lp_km_row *pR, sqlite3_context *ctx, int i) {
    double se = 0.0, lo = 0.0, hi = 0.0;
    int nSet = i >= 7 && i <= 9 ? learnpath_km_band(pR, pCur->spec.z, pCur->spec.eConf, &se, &lo, &hi)
                                : 0;
    switch (i) {
        case 2: sqlite3_result_double(ctx, pR->day); break;
        case 3: sqlite3_result_int64(ctx, pR->atRisk); break;
        case 4: sqlite3_result_int64(ctx, pR->events); break;
        case 5: sqlite3_result_int64(ctx, pR->censored); break;
        case 6: sqlite3_result_double(ctx, pR->surv); break;
        case 7: if (nSet >= 1) sqlite3_result_double(ctx, se); break;
        case 8: if (nSet == 2) sqlite3_result_double(ctx, lo); break;
        case 9: if (nSet == 2) sqlite3_result_double(ctx, hi); break;
        default: sqlite3_result_double(ctx, 1.0 - pR->surv); break; /* continued */
    }
}

/* continuation_stats' column i >= 2 of stratum pS (rules 17, 19); its
** last column, conf_type, is the argument's (the frame reads it back). */
static void kmColumnStats(const lp_km_stratum *pS, sqlite3_context *ctx, int i) {
    switch (i) {
        case 2: sqlite3_result_int64(ctx, pS->users); break;
        case 3: sqlite3_result_int64(ctx, pS->events); break;
        case 4: sqlite3_result_int64(ctx, pS->censored); break;
        case 5: sqlite3_result_double(ctx, (double)pS->events / (double)pS->users); break;
        case 6: kmResultOrNull(ctx, pS->aMedian[0]); break;
        case 7: kmResultOrNull(ctx, pS->aMedian[1]); break;
        default: kmResultOrNull(ctx, pS->aMedian[2]); break;
    }
}

/* next_program_incidence's column i >= 2 of row pR of stratum pS (rule 20). */
static void kmColumnIncidence(km_cursor *pCur, const lp_km_stratum *pS, const lp_km_cif *pR,
                              sqlite3_context *ctx, int i) {
    switch (i) {
        case 2: learnpath_result_label(ctx, learnpath_km_shaper(pCur->pMemo), pR->dest); break; /* NULL: not yet */
        case 3: /* to_tied: NULL when the users did not continue */
            if (pR->dest != LP_NONE) sqlite3_result_int(ctx, (pR->dest & LP_GROUP_BIT) != 0);
            break;
        case 4: sqlite3_result_double(ctx, pR->day); break;
        case 5: sqlite3_result_double(ctx, pR->incidence); break;
        default: sqlite3_result_double(ctx, (double)pR->naive / (double)pS->users); break;
    }
}

/* continuation_cohorts' column i of row pR of stratum pS (rule 21). */
static void kmColumnCohort(km_cursor *pCur, const lp_km_stratum *pS, const lp_km_cohort *pR,
                           sqlite3_context *ctx, int i) {
    switch (i) {
        case 0: {
            char zMonth[LP_TIME_BUFSZ];
            learnpath_format_month(pS->month, zMonth);
            sqlite3_result_text(ctx, zMonth, -1, SQLITE_TRANSIENT);
            break;
        }
        case 1: learnpath_result_segment(ctx, learnpath_km_shaper(pCur->pMemo), pCur->it.pData, pS->segment); break;
        case 2: sqlite3_result_double(ctx, pR->window); break;
        case 3: sqlite3_result_int64(ctx, pS->users); break;
        case 4: sqlite3_result_int64(ctx, pR->continued); break;
        case 5: sqlite3_result_int64(ctx, pR->eligible); break;
        case 6: sqlite3_result_int64(ctx, pR->continuedEligible); break;
        case 7: /* NULL when no one is eligible: an incomplete cell */
            if (pR->eligible > 0) {
                sqlite3_result_double(ctx, (double)pR->continuedEligible / (double)pR->eligible);
            }
            break;
        case 8: sqlite3_result_double(ctx, (double)pR->continued / (double)pS->users); break;
        case 9: /* the cohort's curve at the window, the row beside this one */
            sqlite3_result_double(ctx, 1.0 - pCur->pRes->aRow[pR - pCur->pRes->aCohort].surv);
            break;
        default: sqlite3_result_int(ctx, pR->eligible == pS->users); break;
    }
}

/* Output column i of the current row: segment and program, then the
** function's own (continuation_cohorts: its own from the first). */
static int kmColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    km_cursor *pCur = (km_cursor *)pBase;
    const lp_km_stratum *pS = &pCur->pRes->aStratum[pCur->iStratum];
    if (pCur->eKind == LP_KM_COHORTS) {
        kmColumnCohort(pCur, pS, &pCur->pRes->aCohort[pS->iRow + pCur->iRow], ctx, i);
    } else if (i == 0) {
        learnpath_result_segment(ctx, learnpath_km_shaper(pCur->pMemo), pCur->it.pData, pS->segment);
    } else if (i == 1) {
        learnpath_result_label(ctx, learnpath_km_shaper(pCur->pMemo), pS->label); /* NULL: every first program */
    } else if (pCur->isStats) {
        kmColumnStats(pS, ctx, i);
    } else if (pCur->eKind == LP_KM_INCIDENCE) {
        kmColumnIncidence(pCur, pS, &pCur->pRes->aCif[pS->iRow + pCur->iRow], ctx, i);
    } else {
        kmColumnCurve(pCur, &pCur->pRes->aRow[pS->iRow + pCur->iRow], ctx, i);
    }
    return SQLITE_OK;
}

const lp_tvf learnpath_tvf_continuation_curve = {
    "continuation_curve",
    "segment TEXT,program TEXT,day REAL,at_risk INTEGER,events INTEGER,censored INTEGER,"
    "survival REAL,std_err REAL,lower REAL,upper REAL,continued REAL",
    11, learnpath_km_curve_args, LP_KM_NARG, LP_TVF_SOURCE, 1000000.0, 10000, sizeof(km_cursor), NULL,
    kmFilter, kmNext, kmEof, kmColumn, kmReset, NULL, NULL};

const lp_tvf learnpath_tvf_continuation_stats = {
    "continuation_stats",
    "segment TEXT,program TEXT,users INTEGER,continued INTEGER,censored INTEGER,naive_rate REAL,"
    "median_days REAL,median_lower REAL,median_upper REAL",
    9, learnpath_km_stats_args, LP_KM_NARG - 1, LP_TVF_SOURCE | LP_TVF_SHOW_ARG(LP_ARG_I_CONF_TYPE), 1000000.0, 1000, sizeof(km_cursor), NULL,
    kmFilter, kmNext, kmEof, kmColumn, kmReset, NULL, NULL};

const lp_tvf learnpath_tvf_next_program_incidence = {
    "next_program_incidence",
    "segment TEXT,program TEXT,to_program TEXT,to_tied INTEGER,day REAL,incidence REAL,"
    "naive_share REAL",
    7, learnpath_km_incidence_args, LP_KM_DAYS_NARG, LP_TVF_SOURCE, 1000000.0, 1000,
    sizeof(km_cursor), NULL, kmFilter, kmNext, kmEof, kmColumn, kmReset, NULL, NULL};

const lp_tvf learnpath_tvf_continuation_cohorts = {
    "continuation_cohorts",
    "cohort TEXT,segment TEXT,window_days REAL,users INTEGER,continued INTEGER,eligible INTEGER,"
    "continued_eligible INTEGER,rate REAL,rate_naive REAL,km_rate REAL,complete INTEGER",
    11, learnpath_km_cohort_args, LP_KM_DAYS_NARG, LP_TVF_SOURCE, 1000000.0, 1000,
    sizeof(km_cursor), NULL, kmFilter, kmNext, kmEof, kmColumn, kmReset, NULL, NULL};
