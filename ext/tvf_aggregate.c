/*
** tvf_aggregate.c - the table-valued functions whose rows aggregate every
** journey (rule 9, lp_agg.c): program_transitions and first_program_stats.
**
**   SELECT * FROM program_transitions('enrollments');
**   SELECT * FROM first_program_stats('enrollments', 'user_id', 'program',
**                                     'enrolled_at', 'user_type');
**
** Their arguments are learnpath_group_args (lp_tvf.c). xFilter computes
** every row (or finds them kept with the cached data); the rows are then
** read in order.
*/
#include <string.h>

#include "lp_sql.h"

typedef struct agg_cursor {
    lp_tvf_cursor tvf;
    int isStats;             /* first_program_stats */
    lp_users it;
    lp_shaper sh;            /* taken by the memo when it computes the rows */
    lp_agg_memo *pMemo;      /* the rows, and the shaper whose labels they use */
    const lp_agg_row *aRow;
    int64_t nRow, iRow;
} agg_cursor;

/*
** The plan's bits of idxNum (LP_TVF_ORDER_SHIFT up; no ORDER BY is taken):
** AGG_NO_MEDIANS when the query does not read the median column
** (program_transitions' median_days, first_program_stats'
** median_days_to_next): the rows may then come without their medians
** (learnpath_agg_get), which spares keeping every gap and selecting.
*/
#define AGG_NO_MEDIANS 1
static int aggPlan(const lp_tvf_vtab *pTab, sqlite3_index_info *pInfo) {
    int iMedian = pTab->pDesc == &learnpath_tvf_first_program_stats ? 8 : 7;
    return (pInfo->colUsed & ((sqlite3_uint64)1 << iMedian)) ? 0 : AGG_NO_MEDIANS;
}

static void aggReset(lp_tvf_cursor *pBase) {
    agg_cursor *pCur = (agg_cursor *)pBase;
    learnpath_shaper_free(&pCur->sh);
    learnpath_users_close(&pCur->it);
    if (pCur->pMemo) learnpath_agg_memo_unref(pCur->pMemo);
    pCur->pMemo = NULL;
    pCur->aRow = NULL;
    pCur->nRow = pCur->iRow = 0;
}

/*
** The rows: the memo of the same shaping on the same data if there is one,
** else computed now and kept with the data (not when streaming: that data
** is one user's). One pass computes both functions, per segment and over
** all users, so the other queries of a report on the same source find
** theirs ready.
*/
static int aggFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    agg_cursor *pCur = (agg_cursor *)pBase;
    int needMedians = !((idxNum >> LP_TVF_ORDER_SHIFT) & AGG_NO_MEDIANS);
    int rc;
    pCur->isStats = pBase->pTab->pDesc == &learnpath_tvf_first_program_stats;
    pBase->src.anyOrder = 1; /* totals over the users: their order is not seen */
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc) return rc;
    int iAgg = LP_AGG(pCur->isStats, pCur->sh.ignoreSegments || pCur->it.pData->aSeg == NULL);
    rc = learnpath_agg_get(&pCur->it, &pCur->sh, &pBase->shape, iAgg, needMedians, &pCur->pMemo,
                           pzErr);
    if (rc == LP_RC_OVER_BUDGET) {
        rc = learnpath_tvf_reopen_streaming(pBase, &pCur->it, &pCur->sh, pzErr);
        if (rc == SQLITE_OK) {
            rc = learnpath_agg_get(&pCur->it, &pCur->sh, &pBase->shape, iAgg, needMedians,
                                   &pCur->pMemo, pzErr);
        }
    }
    if (rc) return rc;
    pCur->aRow = pCur->pMemo->aaRow[iAgg];
    pCur->nRow = pCur->pMemo->anRow[iAgg];
    return SQLITE_OK;
}

static int aggNext(lp_tvf_cursor *pBase, char **pzErr) {
    (void)pzErr;
    ((agg_cursor *)pBase)->iRow++;
    return SQLITE_OK;
}

static int aggEof(lp_tvf_cursor *pBase) {
    agg_cursor *pCur = (agg_cursor *)pBase;
    return pCur->iRow >= pCur->nRow;
}

static void aggColumnTransition(agg_cursor *pCur, const lp_agg_row *pR, sqlite3_context *ctx,
                                int i) {
    const lp_shaper *pLabels = &pCur->pMemo->sh;
    switch (i) {
        case 0: learnpath_result_segment(ctx, &pCur->pMemo->sh, pCur->it.pData, pR->segment); break;
        case 1: sqlite3_result_int64(ctx, pR->step); break;
        case 2: learnpath_result_label(ctx, pLabels, pR->from); break;
        case 3: learnpath_result_label(ctx, pLabels, pR->to); break;
        case 4: sqlite3_result_int64(ctx, pR->users); break;
        case 5: sqlite3_result_double(ctx, (double)pR->users / (double)pR->groupUsers); break;
        case 6:
            if (pR->nDays) sqlite3_result_double(ctx, learnpath_agg_mean_days(pR));
            break;
        case 7:
            if (pR->nDays) sqlite3_result_double(ctx, pR->medianDays);
            break;
        case 8: sqlite3_result_int(ctx, (pR->from & LP_GROUP_BIT) != 0); break;
        default: /* to_tied: NULL when the users did not continue */
            if (pR->to != LP_NONE) sqlite3_result_int(ctx, (pR->to & LP_GROUP_BIT) != 0);
            break;
    }
}

static void aggColumnStats(agg_cursor *pCur, const lp_agg_row *pR, sqlite3_context *ctx, int i) {
    switch (i) {
        case 0: learnpath_result_segment(ctx, &pCur->pMemo->sh, pCur->it.pData, pR->segment); break;
        case 1: learnpath_result_label(ctx, &pCur->pMemo->sh, pR->from); break;
        case 2:
            /* a tie group (rule 4); NULL on the segment's total row */
            if (pR->from != LP_NONE) sqlite3_result_int(ctx, (pR->from & LP_GROUP_BIT) != 0);
            break;
        case 3: sqlite3_result_int64(ctx, pR->users); break;
        case 4: sqlite3_result_double(ctx, (double)pR->users / (double)pR->groupUsers); break;
        case 5: sqlite3_result_int64(ctx, pR->nDays); break;
        case 6: sqlite3_result_double(ctx, (double)pR->nDays / (double)pR->users); break;
        case 7:
            if (pR->nDays) sqlite3_result_double(ctx, learnpath_agg_mean_days(pR));
            break;
        default:
            if (pR->nDays) sqlite3_result_double(ctx, pR->medianDays);
            break;
    }
}

static int aggColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    agg_cursor *pCur = (agg_cursor *)pBase;
    const lp_agg_row *pR = &pCur->aRow[pCur->iRow];
    if (pCur->isStats) {
        aggColumnStats(pCur, pR, ctx, i);
    } else {
        aggColumnTransition(pCur, pR, ctx, i);
    }
    return SQLITE_OK;
}

#define AGG_TVF(NAME, COLUMNS, NOUT)                                                           \
    {NAME,     COLUMNS, NOUT,   learnpath_group_args,  LP_GROUP_NARG,  LP_TVF_SOURCE,          \
     1000000.0, 10000, sizeof(agg_cursor), aggPlan, aggFilter, aggNext, aggEof, aggColumn,        \
     aggReset, NULL, NULL}

const lp_tvf learnpath_tvf_program_transitions =
    AGG_TVF("program_transitions",
            "segment TEXT,step INTEGER,from_program TEXT,to_program TEXT,users INTEGER,"
            "share REAL,avg_days REAL,median_days REAL,from_tied INTEGER,to_tied INTEGER",
            10);

const lp_tvf learnpath_tvf_first_program_stats =
    AGG_TVF("first_program_stats",
            "segment TEXT,program TEXT,tied INTEGER,users INTEGER,share REAL,continued INTEGER,"
            "continue_rate REAL,avg_days_to_next REAL,median_days_to_next REAL",
            9);
