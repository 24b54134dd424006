/*
** tvf_compare.c - do segments differ? (rule 23, lp_compare.c):
** segment_compare, a row per question and test, and segment_cells, the
** cells each test was computed on.
**
**   SELECT question, program, test, statistic, p_value, effect, effect_name
**     FROM segment_compare('enrollments', 'user_id', 'program', 'enrolled_at',
**                          'user_type');
**   SELECT * FROM segment_cells('enrollments', 'user_id', 'program',
**                               'enrolled_at', 'user_type')
**    WHERE question = 'first_program';
**   SELECT * FROM segment_compare('enrollments') WHERE group_col = 'account'
**      AND compare_group = 'largest' AND at_days = 90;
**
** Their arguments are learnpath_cmp_args (lp_tvf.c): the journey
** functions', then observe_until, conf_level, at_days and compare_group.
** conf_level, at_days and compare_group are read here; the frame checks
** the others. xFilter computes every row, or finds them kept with the
** cached data (cmp_memo); the rows are then read in order.
*/
#include <math.h>
#include <string.h>

#include "lp_sql.h"

typedef struct cmp_cursor {
    lp_tvf_cursor tvf;
    int isCells;              /* segment_cells */
    lp_users it;
    lp_shaper sh;             /* the shaper, until the continuation memo takes it */
    lp_km_memo *pKm;          /* the continuation memo: the rows' labels' shaper */
    struct cmp_memo *pMemo;   /* the kept rows read, a reference */
    lp_cmp_spec spec;
    lp_cmp_result res;
    /* what the rows are read from: res and sh, or a memo's */
    const lp_cmp_result *pRes;
    const lp_shaper *pSh;
    const char *zGroupName;   /* the compared group's name (group mode) */
    int nGroupName;
    int64_t iRow;             /* the row (or cell) */
} cmp_cursor;

/*
** Rows kept with the data (lp_data.apMemo[LP_MEMO_COMPARE]), per shaping and
** comparison, as group_stats keeps its own: in memory, without group_value
** and, comparing a group, with the groups read with the data (of one
** group_col). The memo holds a reference to the continuation memo whose
** shaper its labels come from, and a copy of the group's name;
** segment_cells after segment_compare (a report's next query) finds its
** cells ready.
*/
typedef struct cmp_memo {
    struct cmp_memo *pNext;
    int nRef;                 /* the data's and each cursor's reading it */
    lp_shape_spec shape;
    lp_cmp_spec spec;         /* its texts point into the memo's copies */
    char *zGroup, *zGroupCol, *zGroupName;
    int nGroupName;
    lp_km_memo *pKm;
    lp_cmp_result res;
} cmp_memo;

/* The most memos a source's data keeps: past them the oldest no cursor
** reads goes (each holds its continuation memo, all of a source's users). */
#define CMP_MAX_MEMOS 8

/* Let go of a reference to a memo (freed with the last). */
static void cmpMemoUnref(cmp_memo *pMemo) {
    if (pMemo == NULL || --pMemo->nRef > 0) return;
    learnpath_cmp_free(&pMemo->res);
    learnpath_km_memo_unref(pMemo->pKm);
    sqlite3_free(pMemo->zGroup);
    sqlite3_free(pMemo->zGroupCol);
    sqlite3_free(pMemo->zGroupName);
    sqlite3_free(pMemo);
}

/* lp_data.axMemoFree[LP_MEMO_COMPARE]: the data lets its memos go. */
static void cmpMemoListFree(void *p) {
    cmp_memo *pMemo = p;
    while (pMemo) {
        cmp_memo *pNext = pMemo->pNext;
        cmpMemoUnref(pMemo);
        pMemo = pNext;
    }
}

/* Past CMP_MAX_MEMOS, drop the oldest memos only the data holds. */
static void cmpMemoTrim(lp_data *pD) {
    int n = 0;
    for (cmp_memo *p = pD->apMemo[LP_MEMO_COMPARE]; p; p = p->pNext) n++;
    while (n > CMP_MAX_MEMOS) {
        cmp_memo **pp = NULL;
        for (cmp_memo **q = (cmp_memo **)&pD->apMemo[LP_MEMO_COMPARE]; *q; q = &(*q)->pNext) {
            if ((*q)->nRef == 1) pp = q;
        }
        if (pp == NULL) return;
        cmp_memo *pDrop = *pp;
        *pp = pDrop->pNext;
        cmpMemoUnref(pDrop);
        n--;
    }
}

/* Two texts alike (NULL alike only with NULL). */
static int cmpSameText(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Do two comparisons give the same rows (on the same data and shaping)? */
static int cmpSpecEq(const lp_cmp_spec *a, const lp_cmp_spec *b) {
    return a->hasObserveUntil == b->hasObserveUntil &&
           (!a->hasObserveUntil || a->observeUntil == b->observeUntil) && a->atDay == b->atDay &&
           a->z == b->z && a->useSegments == b->useSegments && a->isLargest == b->isLargest &&
           a->nGroup == b->nGroup && (a->zGroup == NULL) == (b->zGroup == NULL) &&
           (a->zGroup == NULL || memcmp(a->zGroup, b->zGroup, (size_t)a->nGroup) == 0) &&
           cmpSameText(a->zGroupCol, b->zGroupCol);
}

/* The memo of this query, if the data has one (*pCanKeep: may one be made). */
static cmp_memo *cmpMemoFind(cmp_cursor *pCur, int *pCanKeep) {
    const lp_users *pIt = &pCur->it;
    int isGroup = pCur->spec.zGroup || pCur->spec.isLargest;
    *pCanKeep = pIt->pStream == NULL && !pIt->isGroupFilter && (!isGroup || pIt->isGroupBorrowed);
    if (!*pCanKeep) return NULL;
    for (cmp_memo *p = pIt->pData->apMemo[LP_MEMO_COMPARE]; p; p = p->pNext) {
        if (learnpath_shape_spec_eq(&p->shape, &pCur->tvf.shape) &&
            cmpSpecEq(&p->spec, &pCur->spec)) {
            return p;
        }
    }
    return NULL;
}

/* A copy of n bytes and a NUL into *pz (NULL stays NULL). */
static int cmpCopy(char **pz, const char *z, int n) {
    *pz = NULL;
    if (!z) return SQLITE_OK;
    *pz = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if (!*pz) return SQLITE_NOMEM;
    memcpy(*pz, z, (size_t)n);
    (*pz)[n] = 0;
    return SQLITE_OK;
}

/* Keep the rows just made with the data; the cursor reads them there. Out
** of memory only skips the memo. */
static void cmpMemoKeep(cmp_cursor *pCur) {
    lp_data *pD = pCur->it.pData;
    cmp_memo *pMemo = sqlite3_malloc64(sizeof(*pMemo));
    const char *zCol = pCur->spec.zGroupCol;
    if (!pMemo) return;
    memset(pMemo, 0, sizeof(*pMemo));
    pMemo->nRef = 1;
    if (cmpCopy(&pMemo->zGroup, pCur->spec.zGroup, pCur->spec.nGroup) ||
        cmpCopy(&pMemo->zGroupCol, zCol, zCol ? (int)strlen(zCol) : 0) ||
        cmpCopy(&pMemo->zGroupName, pCur->zGroupName, pCur->nGroupName)) {
        cmpMemoUnref(pMemo);
        return;
    }
    pMemo->shape = pCur->tvf.shape;
    pMemo->spec = pCur->spec;
    pMemo->spec.zGroup = pMemo->zGroup;
    pMemo->spec.zGroupCol = pMemo->zGroupCol;
    pMemo->nGroupName = pCur->nGroupName;
    pMemo->res = pCur->res; /* the memo takes the rows and the reference */
    pMemo->pKm = pCur->pKm;
    memset(&pCur->res, 0, sizeof(pCur->res));
    pCur->pKm = NULL;
    pMemo->nRef = 2; /* the data's and this cursor's */
    pMemo->pNext = pD->apMemo[LP_MEMO_COMPARE];
    pD->apMemo[LP_MEMO_COMPARE] = pMemo;
    pD->axMemoFree[LP_MEMO_COMPARE] = cmpMemoListFree;
    pCur->pMemo = pMemo;
    cmpMemoTrim(pD);
    pCur->pRes = &pMemo->res;
    pCur->pSh = learnpath_km_shaper(pMemo->pKm);
    pCur->zGroupName = pMemo->zGroupName;
}

/* Release what cmpFilter made (before another cmpFilter, and at close). */
static void cmpReset(lp_tvf_cursor *pBase) {
    cmp_cursor *pCur = (cmp_cursor *)pBase;
    learnpath_cmp_free(&pCur->res);
    learnpath_km_memo_unref(pCur->pKm);
    pCur->pKm = NULL;
    cmpMemoUnref(pCur->pMemo);
    pCur->pMemo = NULL;
    learnpath_shaper_free(&pCur->sh);
    learnpath_users_close(&pCur->it);
    memset(&pCur->spec, 0, sizeof(pCur->spec));
    pCur->pRes = &pCur->res;
    pCur->pSh = &pCur->sh;
    pCur->zGroupName = NULL;
    pCur->nGroupName = 0;
    pCur->iRow = 0;
}

/* "<arg> must be <what>, not <value>". */
static int cmpValueError(sqlite3_value *pVal, const char *zArg, const char *zWhat, char **pzErr) {
    char *zValue = learnpath_describe_value(pVal);
    if (!zValue) return SQLITE_NOMEM;
    int rc = learnpath_errorf(pzErr, SQLITE_ERROR, "%s must be %s, not %s", zArg, zWhat, zValue);
    sqlite3_free(zValue);
    return rc;
}

/* The arguments the frame leaves to the function (rule 23). */
static int cmpArgs(cmp_cursor *pCur, char **pzErr) {
    const lp_arg_value *v = pCur->tvf.aVal;
    sqlite3_value **apArg = pCur->tvf.apArg;
    lp_cmp_spec *pSpec = &pCur->spec;
    double level = 0.95, day = 365.0;
    pSpec->hasObserveUntil = v[LP_ARG_I_OBSERVE_UNTIL].isSet;
    pSpec->observeUntil = v[LP_ARG_I_OBSERVE_UNTIL].i;
    pSpec->useSegments = pCur->tvf.src.zSegmentCol != NULL;
    pSpec->zGroupCol = pCur->tvf.src.zGroupCol;
    if (v[LP_ARG_I_CMP_CONF_LEVEL].isSet) {
        sqlite3_value *p = apArg[LP_ARG_I_CMP_CONF_LEVEL];
        if (!learnpath_number_arg(p, 0.0, 1.0, 0, &level) || level <= 0.0 || level >= 1.0) {
            return cmpValueError(p, "conf_level", "a number greater than 0 and less than 1", pzErr);
        }
    }
    pSpec->z = learnpath_normal_upper_quantile((1.0 - level) / 2.0);
    if (v[LP_ARG_I_CMP_AT_DAYS].isSet) {
        sqlite3_value *p = apArg[LP_ARG_I_CMP_AT_DAYS];
        if (!learnpath_number_arg(p, 0.0, 1e9, 0, &day)) {
            return cmpValueError(p, "at_days", "one number of days >= 0", pzErr);
        }
    }
    pSpec->atDay = day;
    if (v[LP_ARG_I_COMPARE_GROUP].isSet) {
        const char *z = v[LP_ARG_I_COMPARE_GROUP].z;
        if (pSpec->zGroupCol == NULL) {
            char *zVal = learnpath_describe_value(apArg[LP_ARG_I_COMPARE_GROUP]);
            int rc = zVal ? learnpath_errorf(pzErr, SQLITE_ERROR,
                                             "compare_group %s needs group_col, the column of "
                                             "the users' groups (rule 12)", zVal)
                          : SQLITE_NOMEM;
            sqlite3_free(zVal);
            return rc;
        }
        if (v[LP_ARG_I_GROUP_VALUE].isSet) {
            return learnpath_errorf(pzErr, SQLITE_ERROR,
                                    "compare_group and group_value cannot be used together: "
                                    "group_value keeps one group's users, compare_group compares "
                                    "one group with the rest");
        }
        pSpec->isLargest = strcmp(z, "largest") == 0;
        pSpec->zGroup = pSpec->isLargest ? NULL : z;
        pSpec->nGroup = sqlite3_value_bytes(apArg[LP_ARG_I_COMPARE_GROUP]);
    }
    return SQLITE_OK;
}

/* Every row, from the data's memo or computed now. */
static int cmpFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    cmp_cursor *pCur = (cmp_cursor *)pBase;
    cmp_memo *pMemo;
    int rc, canKeep;
    (void)idxNum;
    pCur->pRes = &pCur->res;
    pCur->pSh = &pCur->sh;
    pCur->isCells = pBase->pTab->pDesc == &learnpath_tvf_segment_cells;
    rc = cmpArgs(pCur, pzErr);
    if (rc) return rc;
    pBase->src.anyOrder = 1; /* tables over the users: their order is not seen */
    if (pCur->spec.zGroup || pCur->spec.isLargest) pBase->src.wantGroups = 1;
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc) return rc;
    if ((pMemo = cmpMemoFind(pCur, &canKeep)) != NULL) {
        pMemo->nRef++;
        pCur->pMemo = pMemo;
        pCur->pRes = &pMemo->res;
        pCur->pSh = learnpath_km_shaper(pMemo->pKm);
        pCur->zGroupName = pMemo->zGroupName;
        pCur->nGroupName = pMemo->nGroupName;
        return SQLITE_OK;
    }
    rc = learnpath_cmp_build(&pCur->it, &pCur->sh, &pBase->shape, &pCur->spec, &pCur->res,
                             &pCur->pKm, pzErr);
    if (rc == LP_RC_OVER_BUDGET) {
        canKeep = 0;
        rc = learnpath_tvf_reopen_streaming(pBase, &pCur->it, &pCur->sh, pzErr);
        if (rc == SQLITE_OK) {
            rc = learnpath_cmp_build(&pCur->it, &pCur->sh, &pBase->shape, &pCur->spec, &pCur->res,
                                     &pCur->pKm, pzErr);
        }
    }
    if (rc == SQLITE_OK) pCur->pSh = learnpath_km_shaper(pCur->pKm);
    if (rc == SQLITE_OK && pCur->res.isGroupMode) {
        const lp_strtab *pG = &pCur->it.groups;
        pCur->zGroupName = LP_STR(pG, pCur->res.group);
        pCur->nGroupName = LP_STRLEN(pG, pCur->res.group);
    }
    if (rc == SQLITE_OK && canKeep && learnpath_users_limit(&pCur->it) == 0) cmpMemoKeep(pCur);
    return rc;
}

static int cmpNext(lp_tvf_cursor *pBase, char **pzErr) {
    (void)pzErr;
    ((cmp_cursor *)pBase)->iRow++;
    return SQLITE_OK;
}

static int cmpEof(lp_tvf_cursor *pBase) {
    cmp_cursor *pCur = (cmp_cursor *)pBase;
    return pCur->iRow >= (pCur->isCells ? pCur->pRes->nCell : pCur->pRes->nRow);
}

/* A double, or NULL where it is NAN. */
static void cmpResultOrNull(sqlite3_context *ctx, double r) {
    if (!isnan(r)) sqlite3_result_double(ctx, r);
}

/* The names the columns spell. */
static const char *const azQuestion[] = {"first_program", "next_program", "continued"};
static const char *const azTest[] = {"pearson_chi2", "g_test", "log_rank", "two_proportion_z",
                                     "fisher_exact"};
static const char *const azEffect[] = {NULL, "cramers_v", "hazard_ratio", "difference"};

/* A compared segment: a segment, the group, the rest (rule 23). */
static void cmpResultSegment(cmp_cursor *pCur, sqlite3_context *ctx, uint32_t seg) {
    if (!pCur->pRes->isGroupMode) {
        learnpath_result_segment(ctx, pCur->pSh, pCur->it.pData, seg);
    } else if (seg == LP_CMP_THE_REST) {
        sqlite3_result_text(ctx, "(rest)", -1, SQLITE_STATIC);
    } else {
        sqlite3_result_text(ctx, pCur->zGroupName, pCur->nGroupName, SQLITE_TRANSIENT);
    }
}

/* The columns rows and cells share: within_segment, question, program, day. */
static void cmpColumnPlace(cmp_cursor *pCur, sqlite3_context *ctx, int i, uint32_t within,
                           int question, uint32_t program, int hasDay) {
    switch (i) {
        case 0: learnpath_result_segment(ctx, pCur->pSh, pCur->it.pData, within); break;
        case 1: sqlite3_result_text(ctx, azQuestion[question], -1, SQLITE_STATIC); break;
        case 2: learnpath_result_label(ctx, pCur->pSh, program); break;
        default:
            if (hasDay) sqlite3_result_double(ctx, pCur->spec.atDay);
            break;
    }
}

/* segment_compare's column i of row pR. */
static void cmpColumnRow(cmp_cursor *pCur, const lp_cmp_row *pR, sqlite3_context *ctx, int i) {
    if (i < 4) {
        cmpColumnPlace(pCur, ctx, i, pR->within, pR->question, pR->program, pR->hasDay);
        return;
    }
    switch (i) {
        case 4: sqlite3_result_text(ctx, azTest[pR->test], -1, SQLITE_STATIC); break;
        case 5: if (pR->isSet) cmpResultOrNull(ctx, pR->statistic); break;
        case 6: if (pR->isSet && !isnan(pR->df)) sqlite3_result_int64(ctx, (int64_t)pR->df); break;
        case 7: if (pR->isSet) cmpResultOrNull(ctx, pR->p.p); break;
        case 8: if (pR->isSet) cmpResultOrNull(ctx, pR->p.log10p); break;
        case 9: if (pR->isSet) cmpResultOrNull(ctx, pR->pAdjusted); break;
        case 10: if (pR->isSet) cmpResultOrNull(ctx, pR->effect); break;
        case 11:
            if (pR->isSet && pR->eEffect && !isnan(pR->effect)) {
                sqlite3_result_text(ctx, azEffect[pR->eEffect], -1, SQLITE_STATIC);
            }
            break;
        case 12: if (pR->isSet) cmpResultOrNull(ctx, pR->effectLo); break;
        case 13: if (pR->isSet) cmpResultOrNull(ctx, pR->effectHi); break;
        case 14: sqlite3_result_int64(ctx, pR->n); break;
        case 15: cmpResultOrNull(ctx, pR->minExpected); break;
        case 16: cmpResultOrNull(ctx, pR->shareBelow5); break;
        case 17:
            if (pR->zFolded) sqlite3_result_text(ctx, pR->zFolded, -1, SQLITE_TRANSIENT);
            break;
        default:
            if (pR->zNote) sqlite3_result_text(ctx, pR->zNote, -1, SQLITE_TRANSIENT);
            break;
    }
}

/* A cell's category: a label, the folded ones, continued or not. */
static void cmpResultCategory(cmp_cursor *pCur, const lp_cmp_cell *pC, sqlite3_context *ctx) {
    if (pC->category == LP_CMP_CAT_CONTINUED) {
        sqlite3_result_text(ctx, "continued", -1, SQLITE_STATIC);
    } else if (pC->category == LP_CMP_CAT_NOT) {
        sqlite3_result_text(ctx, "not continued", -1, SQLITE_STATIC);
    } else if (pC->category == LP_CMP_CAT_OTHER && pC->otherSuffix) {
        char zName[48];
        sqlite3_snprintf(sizeof(zName), zName, "(other) (%d)", pC->otherSuffix);
        sqlite3_result_text(ctx, zName, -1, SQLITE_TRANSIENT);
    } else if (pC->category == LP_CMP_CAT_OTHER) {
        sqlite3_result_text(ctx, "(other)", -1, SQLITE_STATIC);
    } else {
        learnpath_result_label(ctx, pCur->pSh, pC->category);
    }
}

/* segment_cells' column i of cell pC (rule 23). */
static void cmpColumnCell(cmp_cursor *pCur, const lp_cmp_cell *pC, sqlite3_context *ctx, int i) {
    double n = (double)pC->n, r = (double)pC->rowTotal, c = (double)pC->colTotal;
    double e = r * c / n;
    if (i < 4) {
        cmpColumnPlace(pCur, ctx, i, pC->within, pC->question, pC->program, pC->hasDay);
        return;
    }
    switch (i) {
        case 4: cmpResultSegment(pCur, ctx, pC->segment); break;
        case 5: cmpResultCategory(pCur, pC, ctx); break;
        case 6: sqlite3_result_int64(ctx, pC->observed); break;
        case 7: if (pC->isTested) sqlite3_result_double(ctx, e); break;
        case 8: sqlite3_result_double(ctx, (double)pC->observed / r); break;
        case 9:
        case 10: {
            double lo, hi;
            learnpath_wilson(pC->observed, pC->rowTotal, pCur->spec.z, &lo, &hi);
            cmpResultOrNull(ctx, i == 9 ? lo : hi);
            break;
        }
        default: {
            double v = e * (1.0 - r / n) * (1.0 - c / n);
            if (pC->isTested && v > 0) sqlite3_result_double(ctx, ((double)pC->observed - e) / sqrt(v));
            break;
        }
    }
}

static int cmpColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    cmp_cursor *pCur = (cmp_cursor *)pBase;
    if (pCur->isCells) {
        cmpColumnCell(pCur, &pCur->pRes->aCell[pCur->iRow], ctx, i);
    } else {
        cmpColumnRow(pCur, &pCur->pRes->aRow[pCur->iRow], ctx, i);
    }
    return SQLITE_OK;
}

const lp_tvf learnpath_tvf_segment_compare = {
    "segment_compare",
    "within_segment TEXT,question TEXT,program TEXT,day REAL,test TEXT,statistic REAL,"
    "df INTEGER,p_value REAL,log10_p REAL,p_adjusted REAL,effect REAL,effect_name TEXT,"
    "effect_lower REAL,effect_upper REAL,n INTEGER,min_expected REAL,share_below_5 REAL,"
    "folded TEXT,note TEXT",
    19, learnpath_cmp_args, LP_CMP_NARG, LP_TVF_SOURCE, 1000000.0, 1000, sizeof(cmp_cursor), NULL,
    cmpFilter, cmpNext, cmpEof, cmpColumn, cmpReset, NULL, NULL};

const lp_tvf learnpath_tvf_segment_cells = {
    "segment_cells",
    "within_segment TEXT,question TEXT,program TEXT,day REAL,segment TEXT,category TEXT,"
    "observed INTEGER,expected REAL,share REAL,share_lower REAL,share_upper REAL,"
    "adjusted_residual REAL",
    12, learnpath_cmp_args, LP_CMP_NARG, LP_TVF_SOURCE, 1000000.0, 1000, sizeof(cmp_cursor), NULL,
    cmpFilter, cmpNext, cmpEof, cmpColumn, cmpReset, NULL, NULL};
