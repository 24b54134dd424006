/*
** tvf_popularity.c - the table-valued functions of lp_popularity.c's
** aggregates: program_popularity and first_program_monthly.
**
**   SELECT * FROM program_popularity('enrollments', 'user_id', 'program',
**                                    'enrolled_at', 'user_type');
**   SELECT * FROM first_program_monthly('enrollments');
**
** Their arguments are learnpath_group_args (program_popularity) and
** learnpath_source_args (first_program_monthly), lp_tvf.c, as the other
** aggregates'. xFilter finds the rows kept with the cached data, or
** computes them (and, when the rows and the data together pass the memory
** budget, computes them again over the users streamed); the rows are then
** read in order, first_program_monthly's made as they are read.
*/
#include <string.h>

#include "lp_sql.h"

typedef struct pop_cursor {
    lp_tvf_cursor tvf;
    int isMonthly;           /* first_program_monthly */
    int iPop;                /* LP_POP(isMonthly, noSeg) */
    lp_users it;
    lp_shaper sh;            /* taken by the memo when it computes the rows */
    lp_pop_memo *pMemo;      /* the rows, and the shaper whose labels they use */
    int64_t iRow;            /* program_popularity: the row */
    lp_month_iter month;     /* first_program_monthly: the row */
} pop_cursor;

static void popReset(lp_tvf_cursor *pBase) {
    pop_cursor *pCur = (pop_cursor *)pBase;
    learnpath_shaper_free(&pCur->sh);
    learnpath_users_close(&pCur->it);
    if (pCur->pMemo) learnpath_pop_memo_unref(pCur->pMemo);
    pCur->pMemo = NULL;
    pCur->iRow = 0;
    memset(&pCur->month, 0, sizeof(pCur->month));
}

static int popFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    pop_cursor *pCur = (pop_cursor *)pBase;
    int rc;
    (void)idxNum;
    pCur->isMonthly = pBase->pTab->pDesc == &learnpath_tvf_first_program_monthly;
    pBase->src.anyOrder = 1; /* counts over the users: their order is not seen */
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc) return rc;
    pCur->iPop = LP_POP(pCur->isMonthly, pCur->sh.ignoreSegments || pCur->it.pData->aSeg == NULL);
    rc = learnpath_pop_get(&pCur->it, &pCur->sh, &pBase->shape, pCur->iPop, &pCur->pMemo, pzErr);
    if (rc == LP_RC_OVER_BUDGET) {
        rc = learnpath_tvf_reopen_streaming(pBase, &pCur->it, &pCur->sh, pzErr);
        if (rc == SQLITE_OK) {
            rc = learnpath_pop_get(&pCur->it, &pCur->sh, &pBase->shape, pCur->iPop, &pCur->pMemo,
                                   pzErr);
        }
    }
    if (rc) return rc;
    if (pCur->isMonthly) learnpath_month_first(&pCur->month, pCur->pMemo, pCur->iPop);
    return SQLITE_OK;
}

static int popNext(lp_tvf_cursor *pBase, char **pzErr) {
    pop_cursor *pCur = (pop_cursor *)pBase;
    (void)pzErr;
    if (pCur->isMonthly) {
        learnpath_month_next(&pCur->month);
    } else {
        pCur->iRow++;
    }
    return SQLITE_OK;
}

static int popEof(lp_tvf_cursor *pBase) {
    pop_cursor *pCur = (pop_cursor *)pBase;
    if (pCur->pMemo == NULL) return 1;
    if (pCur->isMonthly) return pCur->month.eof;
    return pCur->iRow >= pCur->pMemo->anRow[pCur->iPop];
}

/* program_popularity's column i. */
static void popColumnPopularity(pop_cursor *pCur, sqlite3_context *ctx, int i) {
    const lp_pop_row *pR = &pCur->pMemo->aaRow[pCur->iPop][pCur->iRow];
    switch (i) {
        case 0: learnpath_result_segment(ctx, &pCur->pMemo->sh, pCur->it.pData, pR->segment); break;
        case 1: learnpath_result_label(ctx, &pCur->pMemo->sh, pR->label); break;
        case 2: sqlite3_result_int64(ctx, pR->enrollments); break;
        case 3: sqlite3_result_int64(ctx, pR->users); break;
        case 4: sqlite3_result_int64(ctx, pR->segmentUsers); break;
        case 5: sqlite3_result_double(ctx, (double)pR->users / (double)pR->segmentUsers); break;
        case 6: sqlite3_result_int64(ctx, pR->firstUsers); break;
        case 7: sqlite3_result_int64(ctx, pR->users - pR->firstUsers); break;
        default: sqlite3_result_int64(ctx, pR->tiedFirstUsers); break;
    }
}

/* first_program_monthly's column i. */
static void popColumnMonthly(pop_cursor *pCur, sqlite3_context *ctx, int i) {
    const lp_month_iter *pM = &pCur->month;
    const lp_pop_row *pL = &pM->aLabel[pM->iLabel];
    char zMonth[LP_TIME_BUFSZ];
    switch (i) {
        case 0: learnpath_result_segment(ctx, &pCur->pMemo->sh, pCur->it.pData, pL->segment); break;
        case 1:
            learnpath_format_month(pM->month, zMonth);
            sqlite3_result_text(ctx, zMonth, -1, SQLITE_TRANSIENT);
            break;
        case 2: learnpath_result_label(ctx, &pCur->pMemo->sh, pL->label); break;
        case 3: sqlite3_result_int(ctx, (pL->label & LP_GROUP_BIT) != 0); break;
        case 4: sqlite3_result_int64(ctx, pM->users); break;
        default:
            /* NULL in a month nobody of the segment started */
            if (pM->monthUsers) sqlite3_result_double(ctx, (double)pM->users / (double)pM->monthUsers);
            break;
    }
}

static int popColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    pop_cursor *pCur = (pop_cursor *)pBase;
    if (pCur->isMonthly) {
        popColumnMonthly(pCur, ctx, i);
    } else {
        popColumnPopularity(pCur, ctx, i);
    }
    return SQLITE_OK;
}

#define POP_TVF(NAME, COLUMNS, NOUT, ARGS, NARG)                                               \
    {NAME,     COLUMNS, NOUT,   ARGS,      NARG,           LP_TVF_SOURCE,                      \
     1000000.0, 10000, sizeof(pop_cursor), NULL, popFilter, popNext, popEof, popColumn,        \
     popReset, NULL, NULL}

const lp_tvf learnpath_tvf_program_popularity =
    POP_TVF("program_popularity",
            "segment TEXT,program TEXT,enrollments INTEGER,users INTEGER,segment_users INTEGER,"
            "share REAL,first_users INTEGER,later_users INTEGER,tied_first_users INTEGER",
            9, learnpath_group_args, LP_GROUP_NARG);

const lp_tvf learnpath_tvf_first_program_monthly =
    POP_TVF("first_program_monthly",
            "segment TEXT,month TEXT,program TEXT,tied INTEGER,users INTEGER,share REAL", 6,
            learnpath_source_args, LP_SOURCE_NARG);
