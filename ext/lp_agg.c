/*
** lp_agg.c - the aggregates over journeys (rule 9): program_transitions'
** rows (segment, step, from, to) and first_program_stats' rows (segment,
** first program, and each segment's total), with users, shares, and the
** exact mean and median days to the next step.
**
** One pass over the users feeds one aggregate; the others are derived from
** its rows (trnAccDerive), and all of them are kept with the cached data
** (lp_agg_memo), so a report's other queries on the same source find
** theirs ready.
**
** RULE 9. Step k's transition goes from step k to step k+1, or to NULL when
**   there is none. share = users of the row / users at step k with that
**   from_program in that segment, so each group's shares sum to 1. Days are
**   measured between step starts; the median of an even count is the mean
**   of the two middle values. avg_days and median_days are NULL on rows
**   whose to_program is NULL. Rows are ordered by segment, step, users
**   descending, from_program, to_program (NULLs first).
*/
#include <stdlib.h>
#include <string.h>

#include "lp_journey.h"

/* See lp_journey.h. */
void learnpath_agg_memo_unref(lp_agg_memo *p) {
    if (--p->nRef > 0) return;
    learnpath_shaper_free(&p->sh);
    for (int i = 0; i < LP_AGG_N; i++) sqlite3_free(p->aaRow[i]);
    sqlite3_free(p);
}

/* lp_data.axMemoFree[LP_MEMO_AGG]: drop the data's reference to each of its memos. */
static void aggMemoListFree(void *pList) {
    lp_agg_memo *p = pList;
    while (p) {
        lp_agg_memo *pNext = p->pNext;
        learnpath_agg_memo_unref(p);
        p = pNext;
    }
}

/* Group order: segment, step, from (NULL segments first). */
static int trnGroupCmp(const void *pa, const void *pb) {
    const lp_agg_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->step != b->step) return a->step < b->step ? -1 : 1;
    if (a->fromRank != b->fromRank) return a->fromRank < b->fromRank ? -1 : 1;
    return (a->toRank > b->toRank) - (a->toRank < b->toRank);
}

/* Output order (rule 9): segment, step, users desc, from, to. */
static int trnRowCmp(const void *pa, const void *pb) {
    const lp_agg_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->step != b->step) return a->step < b->step ? -1 : 1;
    if (a->users != b->users) return a->users > b->users ? -1 : 1;
    if (a->fromRank != b->fromRank) return a->fromRank < b->fromRank ? -1 : 1;
    return (a->toRank > b->toRank) - (a->toRank < b->toRank);
}

/* first_program_stats order: segment, total row last, users desc, program. */
static int trnStatsCmp(const void *pa, const void *pb) {
    const lp_agg_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->toRank != b->toRank) return a->toRank < b->toRank ? -1 : 1;
    if (a->users != b->users) return a->users > b->users ? -1 : 1;
    return (a->fromRank > b->fromRank) - (a->fromRank < b->fromRank);
}

/* Growable table of transition rows with a hash index. */
typedef struct trn_table {
    lp_agg_row *aRow;
    int64_t nRow, nRowAlloc;
    uint32_t *aSlot; /* row + 1, 0 = empty */
    uint64_t nSlot;
    lp_hash_seed seed; /* drawn with aSlot (lp_base.h) */
    int64_t nGapByte;  /* the rows' arrays of gaps, in bytes */
} trn_table;

/* A row's hash: labels are numbered in order of appearance, but which
** pairs appear is the data's choice, so the hash is seeded too. Steps and
** labels are below 2^32. */
static uint32_t trnHash(const trn_table *pT, uint32_t seg, int64_t step, uint32_t from, uint32_t to) {
    return learnpath_hash_pair(((uint64_t)seg << 32) | from, ((uint64_t)step << 32) | to, &pT->seed);
}

/* Row r's hash (learnpath_hash_probe_report). */
static uint32_t trnHashRow(const void *pCtx, uint32_t r) {
    const trn_table *pT = pCtx;
    const lp_agg_row *pR = &pT->aRow[r];
    return trnHash(pT, pR->segment, pR->step, pR->from, pR->to);
}

static int trnRehash(trn_table *pT, uint64_t nSlot) {
    if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
    uint32_t *aSlot = sqlite3_malloc64(nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    if (pT->aSlot == NULL) learnpath_hash_seed(&pT->seed);
    for (int64_t r = 0; r < pT->nRow; r++) {
        uint64_t j = trnHashRow(pT, (uint32_t)r) & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = (uint32_t)r + 1;
    }
    sqlite3_free(pT->aSlot);
    pT->aSlot = aSlot;
    pT->nSlot = nSlot;
    return SQLITE_OK;
}

/* The row for (segment, step, from, to), created if new. */
static int trnRowFor(trn_table *pT, uint32_t seg, int64_t step, uint32_t from, uint32_t to,
                     int64_t *piRow) {
    int rc;
    if (2 * (uint64_t)(pT->nRow + 1) > pT->nSlot) {
        rc = trnRehash(pT, pT->nSlot ? pT->nSlot * 2 : 256);
        if (rc) return rc;
    }
    uint64_t j = trnHash(pT, seg, step, from, to) & (pT->nSlot - 1);
    for (; pT->aSlot[j]; j = (j + 1) & (pT->nSlot - 1)) {
        const lp_agg_row *pR = &pT->aRow[pT->aSlot[j] - 1];
        if (pR->segment == seg && pR->step == step && pR->from == from && pR->to == to) {
            *piRow = pT->aSlot[j] - 1;
            return SQLITE_OK;
        }
    }
    if (pT->nRow >= pT->nRowAlloc) {
        int64_t nNew = pT->nRowAlloc ? pT->nRowAlloc * 2 : 64;
        lp_agg_row *aNew = sqlite3_realloc64(pT->aRow, (sqlite3_uint64)nNew * sizeof(lp_agg_row));
        if (!aNew) return SQLITE_NOMEM;
        pT->aRow = aNew;
        pT->nRowAlloc = nNew;
    }
    lp_agg_row *pR = &pT->aRow[pT->nRow];
    memset(pR, 0, sizeof(*pR));
    pR->segment = seg;
    pR->step = step;
    pR->from = from;
    pR->to = to;
    pT->aSlot[j] = (uint32_t)pT->nRow + 1;
    *piRow = pT->nRow++;
    return SQLITE_OK;
}

/* Add hi * 2^64 + lo to a row's sum of gaps. */
static void trnAddSum(lp_agg_row *pR, uint64_t hi, uint64_t lo) {
    pR->sumMsLo += lo;
    pR->sumMsHi += hi + (pR->sumMsLo < lo);
}

/* A row's mean gap in days. */
double learnpath_agg_mean_days(const lp_agg_row *pR) {
    double sum = (double)pR->sumMsHi * 18446744073709551616.0 + (double)pR->sumMsLo;
    return sum / (double)pR->nDays / LP_MS_PER_DAY;
}

/*
** The last step of most journeys, counted without the hash: the rows
** (segment, step, from, NULL) of steps 1..TRN_END_STEPS whose from is a
** program, in memory (a fixed program table) and without a memory budget,
** counted in a dense array indexed by step, segment and program, and made
** rows when the users are all added (trnEndFold). Rows are sorted by their
** keys when finished, so the order they are made in is not seen.
*/
#define TRN_END_STEPS 4
#define TRN_END_MAX (1 << 20) /* entries at most, else the hash alone */
typedef struct trn_end {
    int64_t *aCount;    /* [step - 1][segment + 1 (0: none)][program]; NULL: unused */
    uint32_t nSeg, nProg; /* segments + 1, programs */
    uint32_t *aRowAt;   /* the rows of those steps from a program to one: [step -
                        ** 1][segment + 1][from][to], the row + 1 (0: not made
                        ** yet), found by number rather than hashed; NULL: unused */
} trn_end;

/* One aggregate being computed: its rows, each with its gaps. */
typedef struct trn_acc {
    trn_table T;
    int hasMedians;     /* derived: the rows' medians are set already */
    int noMedians;      /* no median is read: no gaps kept, no medians set */
    trn_end E;          /* the base aggregate of transitions: ends of journeys */
} trn_acc;

/* Free the rows' gaps (once their medians are set, or on error). */
static void trnAccFreeGaps(trn_acc *pA) {
    for (int64_t r = 0; r < pA->T.nRow; r++) {
        sqlite3_free(pA->T.aRow[r].aGap);
        pA->T.aRow[r].aGap = NULL;
        pA->T.aRow[r].nGapAlloc = 0;
    }
    pA->T.nGapByte = 0;
}

/* Free the hash index of the rows (done adding rows, or freeing them). */
static void trnFreeSlots(trn_table *pT) {
    if (learnpath_hash_probe_hook && pT->aSlot) {
        learnpath_hash_probe_report("transitions", pT->aSlot, pT->nSlot, trnHashRow, pT);
    }
    sqlite3_free(pT->aSlot);
    pT->aSlot = NULL;
    pT->nSlot = 0;
}

static void trnAccFree(trn_acc *pA) {
    sqlite3_free(pA->E.aCount);
    sqlite3_free(pA->E.aRowAt);
    trnFreeSlots(&pA->T);
    trnAccFreeGaps(pA);
    sqlite3_free(pA->T.aRow);
    memset(pA, 0, sizeof(*pA));
}

/*
** Add one shaped user, in segment seg, to an aggregate. Transitions: a row
** per (segment, step, from, to); stats: a row per (segment, first program)
** and one per segment (from = LP_NONE), counting step 1's transition to
** anything (to = LP_NONE). A transition that has a next step appends its
** gap to its row's own array, so a row's gaps lie together in the order of
** the users, ready for the median, with no pass to group them.
*/
static int trnAccAdd(trn_acc *pA, const lp_shaper *pSh, uint32_t seg, int isStats) {
    uint32_t nRowKeys = isStats ? 2 : pSh->nStep;
    if (pA->E.aCount && nRowKeys - 1 < TRN_END_STEPS && !(pSh->aStep[nRowKeys - 1].label & LP_GROUP_BIT)) {
        /* the journey's last step: counted in the dense array (trn_end) */
        uint32_t s = seg == LP_NONE ? 0 : seg + 1;
        pA->E.aCount[((uint64_t)(nRowKeys - 1) * pA->E.nSeg + s) * pA->E.nProg +
                     pSh->aStep[nRowKeys - 1].label]++;
        nRowKeys--;
    }
    for (uint32_t k = 0; k < nRowKeys; k++) {
        const lp_step *pS = &pSh->aStep[isStats ? 0 : k];
        uint32_t kStep = isStats ? 0 : k;
        uint32_t to = kStep + 1 < pSh->nStep ? pS[1].label : LP_NONE;
        uint32_t from = isStats && k == 1 ? LP_NONE : pS->label;
        int64_t iRow;
        uint32_t *pAt = NULL;
        int rc = SQLITE_OK;
        if (pA->E.aRowAt && !isStats && k < TRN_END_STEPS && to != LP_NONE && !((from | to) & LP_GROUP_BIT)) {
            uint32_t s = seg == LP_NONE ? 0 : seg + 1;
            pAt = &pA->E.aRowAt[(((uint64_t)k * pA->E.nSeg + s) * pA->E.nProg + from) * pA->E.nProg + to];
        }
        if (pAt && *pAt) {
            iRow = *pAt - 1;
        } else {
            rc = trnRowFor(&pA->T, seg, (int64_t)kStep + 1, from, isStats ? LP_NONE : to, &iRow);
            if (rc) return rc;
            if (pAt) *pAt = (uint32_t)iRow + 1;
        }
        lp_agg_row *pR = &pA->T.aRow[iRow];
        pR->users++;
        if (to == LP_NONE) continue;
        if (pA->noMedians) {
            pR->nDays++;
            trnAddSum(pR, 0, (uint64_t)(pS[1].t - pS->t)); /* >= 0: steps are in time order */
            continue;
        }
        if (pR->nDays >= pR->nGapAlloc) {
            int64_t nNew = pR->nGapAlloc ? pR->nGapAlloc * 2 : 8;
            int64_t *aGap = sqlite3_realloc64(pR->aGap, (sqlite3_uint64)nNew * sizeof(int64_t));
            if (!aGap) return SQLITE_NOMEM;
            pA->T.nGapByte += (nNew - pR->nGapAlloc) * (int64_t)sizeof(int64_t);
            pR->aGap = aGap;
            pR->nGapAlloc = nNew;
        }
        pR->aGap[pR->nDays++] = pS[1].t - pS->t;
        trnAddSum(pR, 0, (uint64_t)(pS[1].t - pS->t)); /* >= 0: steps are in time order */
    }
    return SQLITE_OK;
}

/*
** The dense counts of journeys' ends for transitions aggregated from the
** users of pD (trn_end): only in memory, without a memory budget, with
** every segment value read (nSeg) and a program table that fits.
*/
static int trnEndInit(trn_end *pE, const lp_data *pD, int isStream, int64_t nLimit) {
    uint64_t n;
    memset(pE, 0, sizeof(*pE));
    if (isStream || nLimit != 0 || pD->programs.n == 0) return SQLITE_OK;
    n = (uint64_t)TRN_END_STEPS * ((uint64_t)pD->segments.n + 1) * pD->programs.n;
    if (n > TRN_END_MAX) return SQLITE_OK;
    pE->aCount = sqlite3_malloc64(n * sizeof(int64_t));
    if (!pE->aCount) return SQLITE_NOMEM;
    memset(pE->aCount, 0, (size_t)n * sizeof(int64_t));
    pE->nSeg = pD->segments.n + 1;
    pE->nProg = pD->programs.n;
    n *= pD->programs.n;
    if (n > TRN_END_MAX) return SQLITE_OK;
    pE->aRowAt = sqlite3_malloc64(n * sizeof(uint32_t));
    if (!pE->aRowAt) return SQLITE_NOMEM;
    memset(pE->aRowAt, 0, (size_t)n * sizeof(uint32_t));
    return SQLITE_OK;
}

/* The dense counts made rows (segment, step, from, NULL): no gaps. */
static int trnEndFold(trn_acc *pA) {
    trn_end *pE = &pA->E;
    for (uint32_t k = 0; pE->aCount && k < TRN_END_STEPS; k++) {
        for (uint32_t s = 0; s < pE->nSeg; s++) {
            const int64_t *aC = pE->aCount + ((uint64_t)k * pE->nSeg + s) * pE->nProg;
            for (uint32_t p = 0; p < pE->nProg; p++) {
                int64_t iRow;
                if (aC[p] == 0) continue;
                int rc = trnRowFor(&pA->T, s == 0 ? LP_NONE : s - 1, (int64_t)k + 1, p, LP_NONE, &iRow);
                if (rc) return rc;
                pA->T.aRow[iRow].users += aC[p];
            }
        }
    }
    sqlite3_free(pE->aCount);
    sqlite3_free(pE->aRowAt);
    memset(pE, 0, sizeof(*pE));
    return SQLITE_OK;
}

/*
** Derive an aggregate from the transitions pSrc (whose rows hold their
** gaps) instead of shaping every user again: transitions over
** all users sum the per-segment rows; first_program_stats are the rows of
** step 1, summed by first program and in all. A derived row's gaps are the
** union of its source rows' gaps, so its median is exact; it is selected
** over the source rows' runs of gaps where they lie (source rows bucketed
** by derived row, linear), so deriving copies no gaps.
*/
static int trnAccDerive(trn_acc *pDst, const trn_acc *pSrc, int isStats, int noSeg) {
    int nMap = isStats ? 2 : 1; /* stats: a program's row and the segment's total row */
    int64_t nSrc = pSrc->T.nRow, r;
    int64_t *aDst = NULL, *aStart = NULL, *aNext = NULL;
    lp_run *aRun = NULL;
    lp_median_scratch *pX = NULL;
    int rc = SQLITE_OK;

    /* each source row's derived rows (-1: none), with their counts */
    aDst = sqlite3_malloc64((sqlite3_uint64)(nSrc * nMap + 1) * sizeof(int64_t));
    if (!aDst) return SQLITE_NOMEM;
    for (r = 0; r < nSrc && rc == SQLITE_OK; r++) {
        const lp_agg_row *pS = &pSrc->T.aRow[r];
        for (int k = 0; k < nMap; k++) {
            int64_t iRow = -1;
            if (!isStats || pS->step == 1) {
                uint32_t from = k == 1 ? LP_NONE : pS->from;
                rc = trnRowFor(&pDst->T, noSeg ? LP_NONE : pS->segment, pS->step, from,
                               isStats ? LP_NONE : pS->to, &iRow);
                if (rc) break;
                lp_agg_row *pR = &pDst->T.aRow[iRow];
                pR->users += pS->users;
                pR->nDays += pS->nDays;
                trnAddSum(pR, pS->sumMsHi, pS->sumMsLo);
            }
            aDst[r * nMap + k] = iRow;
        }
    }
    if (rc || pSrc->noMedians) goto done;

    /* bucket the (source row, k) entries by derived row */
    int64_t nDst = pDst->T.nRow, nEntry = nSrc * nMap;
    aStart = sqlite3_malloc64((sqlite3_uint64)(nDst + 1) * sizeof(int64_t));
    aNext = sqlite3_malloc64((sqlite3_uint64)(nEntry + 1) * sizeof(int64_t));
    if (!aStart || !aNext) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    for (r = 0; r < nDst; r++) aStart[r] = -1;
    for (r = nEntry - 1; r >= 0; r--) {
        if (aDst[r] < 0) continue;
        aNext[r] = aStart[aDst[r]];
        aStart[aDst[r]] = r;
    }

    /* each derived row's median, over its source rows' runs of gaps */
    aRun = sqlite3_malloc64((sqlite3_uint64)(nEntry + 1) * sizeof(lp_run));
    pX = learnpath_median_scratch_new();
    if (!aRun || !pX) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    for (r = 0; r < nDst; r++) {
        lp_agg_row *pR = &pDst->T.aRow[r];
        int64_t nRun = 0;
        if (pR->nDays == 0) continue;
        for (int64_t e = aStart[r]; e >= 0; e = aNext[e]) {
            const lp_agg_row *pS = &pSrc->T.aRow[e / nMap];
            if (pS->nDays == 0) continue;
            aRun[nRun].a = pS->aGap;
            aRun[nRun++].n = pS->nDays;
        }
        rc = learnpath_median(aRun, nRun, pR->nDays, pX, &pR->medianDays);
        if (rc) goto done;
        pR->medianDays /= LP_MS_PER_DAY;
    }
    pDst->hasMedians = 1;

done:
    sqlite3_free(aDst);
    sqlite3_free(aStart);
    sqlite3_free(aNext);
    sqlite3_free(aRun);
    learnpath_median_scratch_free(pX);
    return rc;
}

/*
** Finish an aggregate: medians (the rows' gaps are freed then), shares and
** the order of the rows, which go to *paRow (the caller frees them).
*/
static int trnAccFinish(trn_acc *pA, const lp_data *pD, const lp_shaper *pSh, int isStats,
                        lp_agg_row **paRow, int64_t *pnRow) {
    trn_table *pT = &pA->T;
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int rc = SQLITE_OK;

    trnFreeSlots(pT); /* no row is added from here on, and rows move */
    /* medians: select within each row's run of gaps */
    if (!pA->hasMedians && !pA->noMedians) {
        lp_median_scratch *pX = learnpath_median_scratch_new();
        if (!pX) return SQLITE_NOMEM;
        for (int64_t r = 0; r < pT->nRow && rc == SQLITE_OK; r++) {
            lp_agg_row *pR = &pT->aRow[r];
            lp_run run = {pR->aGap, pR->nDays};
            if (pR->nDays == 0) continue;
            rc = learnpath_median(&run, 1, pR->nDays, pX, &pR->medianDays);
            pR->medianDays /= LP_MS_PER_DAY;
        }
        learnpath_median_scratch_free(pX);
        if (rc) return rc;
    }
    trnAccFreeGaps(pA);
    for (int64_t r = 0; r < pT->nRow; r++) pT->aRow[r].groupUsers = 0;

    /* names in order, for sorting (labels numbered programs first, then groups) */
    rc = learnpath_label_ranks(pSh, NULL, pD->programs.n + pSh->groups.n, 0, &aLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 0, &aSegRank);
    if (rc) goto done;
    for (int64_t r = 0; r < pT->nRow; r++) {
        lp_agg_row *pR = &pT->aRow[r];
        pR->segRank = pR->segment == LP_NONE ? 0 : aSegRank[pR->segment] + 1;
        /* stats: the segment's total row (from = LP_NONE) comes last */
        pR->fromRank = pR->from == LP_NONE ? 0xffffffffu : aLabelRank[learnpath_label_index(pD, pR->from)];
        pR->toRank = pR->to == LP_NONE ? 0 : aLabelRank[learnpath_label_index(pD, pR->to)] + 1;
    }

    if (isStats) {
        /* share: users of the row / users of its segment; the order:
        ** segment, the total row last, users descending, program */
        for (int64_t r = 0; r < pT->nRow; r++) {
            lp_agg_row *pR = &pT->aRow[r];
            pR->toRank = pR->from == LP_NONE ? 1 : 0;
        }
        if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(lp_agg_row), trnStatsCmp); /* no NULL to qsort */
        for (int64_t r = 0; r < pT->nRow;) {
            int64_t e = r;
            while (e < pT->nRow && pT->aRow[e].segRank == pT->aRow[r].segRank) e++;
            for (int64_t i = r; i < e; i++) pT->aRow[i].groupUsers = pT->aRow[e - 1].users;
            r = e;
        }
    } else {
        /* share: users of the row / users at (segment, step, from) */
        if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(lp_agg_row), trnGroupCmp); /* no NULL to qsort */
        for (int64_t r = 0; r < pT->nRow;) {
            int64_t e = r, total = 0;
            while (e < pT->nRow && pT->aRow[e].segRank == pT->aRow[r].segRank &&
                   pT->aRow[e].step == pT->aRow[r].step && pT->aRow[e].fromRank == pT->aRow[r].fromRank) {
                total += pT->aRow[e].users;
                e++;
            }
            for (int64_t i = r; i < e; i++) pT->aRow[i].groupUsers = total;
            r = e;
        }
        if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(lp_agg_row), trnRowCmp); /* no NULL to qsort */
    }
    *paRow = pT->aRow;
    *pnRow = pT->nRow;
    pT->aRow = NULL;
    pT->nRow = pT->nRowAlloc = 0;

done:
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/* ------------------------------------------------------- the memory budget */

/*
** What computing the aggregates holds, against what the function may hold
** (lp_read.h, "THE MEMORY BUDGET"): the data the users come from (in
** memory the data read, streaming the names), the shaper (its tie groups
** and its marks), every aggregate's rows with their index and gaps, and,
** as a reserve, the ranks of the labels that finishing sorts them by (12
** bytes a label) and the scratch of deriving an aggregate (64 bytes a
** source row).
*/
typedef struct trn_budget {
    const lp_users *pIt;
    const lp_shaper *pSh;
    int64_t nLimit;     /* 0: no budget */
} trn_budget;

/*
** Does computing pass the budget, with nReserve more bytes? In memory that
** answers LP_RC_OVER_BUDGET (the caller streams instead); streaming, it is
** the function's error.
*/
static int trnCheckBudget(const trn_budget *pB, const trn_acc *aAcc, int64_t nReserve,
                          char **pzErr) {
    const lp_data *pD = pB->pIt->pData;
    int64_t nRow = 0, n;
    if (pB->nLimit == 0) return SQLITE_OK;
    n = learnpath_users_held(pB->pIt) + learnpath_shaper_bytes(pB->pSh) + nReserve +
        ((int64_t)pD->programs.n + pD->segments.n + pB->pSh->groups.n) * 12;
    for (int i = 0; i < LP_AGG_N; i++) {
        const trn_table *pT = &aAcc[i].T;
        n += pT->nRowAlloc * (int64_t)sizeof(lp_agg_row) + (int64_t)pT->nSlot * 4 + pT->nGapByte;
        nRow += pT->nRow;
    }
    if (n <= pB->nLimit) return SQLITE_OK;
    if (pB->pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
    return learnpath_users_budget_error(pB->pIt, nRow, pB->pSh->groups.n, pzErr);
}

/*
** The next user, as learnpath_users_next; with group_value in memory (rule
** 12) the users of other groups are passed at once, their groups read in
** place (a user's position is its number: lp_read.h), rather than each one
** shaped to be left out (learnpath_shape_user keeps none of them).
*/
static int trnNextUser(lp_users *pIt, char **pzErr) {
    if (pIt->isGroupFilter && pIt->pStream == NULL) {
        const uint32_t *aGroup = pIt->aGroup, keep = pIt->iGroupKeep;
        uint32_t i = pIt->iPos + 1, n = pIt->pData->nUser, nPos = pIt->nGroupPos < n ? pIt->nGroupPos : n;
        while (keep != LP_NONE && i < nPos && aGroup[i] != keep) i++;
        /* none of the group left: the last position, so that the next is the end */
        pIt->iPos = (keep != LP_NONE && i < nPos ? i : n) - 1;
    }
    return learnpath_users_next(pIt, pzErr);
}

/*
** Aggregate every user's journey (rule 9) in one pass over the users, into
** each aggregate whose bit LP_AGG(...) is set in mask; its rows go to
** aaRow[] and anRow[] (the caller frees them). Only the first aggregate of
** the mask is fed user by user; when there are more, it is a transitions
** one and the others are derived from it (trnAccDerive), so computing them
** all costs little more than one. Each row keeps the gaps of its
** transitions that have a next step, for the medians, until they are set;
** with noMedians, no gaps and no medians (no query reads them).
*/
static int trnBuild(lp_users *pIt, lp_shaper *pSh, unsigned mask, int noMedians,
                    lp_agg_row **aaRow, int64_t *anRow, char **pzErr) {
    trn_acc aAcc[LP_AGG_N];
    trn_budget B = {pIt, pSh, learnpath_users_limit(pIt)};
    int rc = SQLITE_OK, i, iBase = 0;

    memset(aAcc, 0, sizeof(aAcc));
    for (i = 0; i < LP_AGG_N; i++) aAcc[i].noMedians = noMedians;
    while (!(mask & (1u << iBase))) iBase++;
    if (iBase < 2) rc = trnEndInit(&aAcc[iBase].E, pIt->pData, pIt->pStream != NULL, B.nLimit);
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : trnNextUser(pIt, pzErr)) {
        int keep;
        rc = learnpath_shape_user(pSh, pIt->u, &keep);
        if (rc || !keep) continue;
        rc = trnAccAdd(&aAcc[iBase], pSh, (iBase & 1) ? LP_NONE : pSh->segment, iBase >= 2);
        if (rc == SQLITE_OK && B.nLimit) rc = trnCheckBudget(&B, aAcc, 0, pzErr);
    }
    if (rc == SQLITE_OK) rc = trnEndFold(&aAcc[iBase]);
    for (i = iBase + 1; i < LP_AGG_N && rc == SQLITE_OK; i++) {
        if (!(mask & (1u << i))) continue;
        rc = trnCheckBudget(&B, aAcc, 64 * aAcc[iBase].T.nRow, pzErr);
        if (rc == SQLITE_OK) rc = trnAccDerive(&aAcc[i], &aAcc[iBase], i >= 2, i & 1);
    }
    if (rc == SQLITE_OK) rc = trnCheckBudget(&B, aAcc, 0, pzErr);
    for (i = iBase; i < LP_AGG_N && rc == SQLITE_OK; i++) {
        if (!(mask & (1u << i))) continue;
        rc = trnAccFinish(&aAcc[i], pIt->pData, pSh, i >= 2, &aaRow[i], &anRow[i]);
    }
    for (i = 0; i < LP_AGG_N; i++) trnAccFree(&aAcc[i]);
    return rc;
}


/*
** program_transitions and first_program_stats: the memo of the same shaping
** on the same data if there is one, else compute the rows and keep them as
** a memo with the data (not when streaming: that data is one user's). One
** pass computes both functions, per segment and over all users, so the
** other queries of a report on the same source find theirs ready.
*/
/*
** The data's memos of *pShape: drop those without medians (a memo with
** them, just made, replaces them). A cursor holding one keeps its own
** reference.
*/
static void aggMemoDropPartial(lp_data *pD, const lp_shape_spec *pShape) {
    lp_agg_memo *pPrev = NULL, *p = pD->apMemo[LP_MEMO_AGG];
    while (p) {
        lp_agg_memo *pNext = p->pNext;
        if (!p->hasMedians && learnpath_shape_spec_eq(&p->shape, pShape)) {
            if (pPrev) {
                pPrev->pNext = pNext;
            } else {
                pD->apMemo[LP_MEMO_AGG] = pNext;
            }
            p->pNext = NULL;
            learnpath_agg_memo_unref(p);
        } else {
            pPrev = p;
        }
        p = pNext;
    }
}

int learnpath_agg_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape, int iAgg,
                      int needMedians, lp_agg_memo **ppMemo, char **pzErr) {
    lp_data *pD = pIt->pData;
    /* streaming, or with group_value (rule 12): rows for this query only */
    int isStream = pIt->pStream != NULL || pIt->isGroupFilter;
    lp_agg_memo *pMemo;
    int rc;
    for (pMemo = isStream ? NULL : pD->apMemo[LP_MEMO_AGG]; pMemo; pMemo = pMemo->pNext) {
        if ((pMemo->hasMedians || !needMedians) && learnpath_shape_spec_eq(&pMemo->shape, pShape)) break;
    }
    if (pMemo == NULL) {
        pMemo = sqlite3_malloc64(sizeof(*pMemo));
        if (!pMemo) return SQLITE_NOMEM;
        memset(pMemo, 0, sizeof(*pMemo));
        /* the aggregates to compute: the one asked for, or (kept with the
        ** data) every one this data has */
        unsigned mask = isStream ? 1u << iAgg
                        : pD->aSeg ? 0xfu
                                   : (1u << LP_AGG(0, 1)) | (1u << LP_AGG(1, 1));
        pSh->ignoreSegments = 0; /* the aggregates over all users ignore them */
        rc = trnBuild(pIt, pSh, mask, !needMedians, pMemo->aaRow, pMemo->anRow, pzErr);
        if (rc) {
            pMemo->nRef = 1;
            learnpath_agg_memo_unref(pMemo); /* the shaper stays with the caller */
            return rc;
        }
        pMemo->shape = *pShape;
        pMemo->hasMedians = needMedians;
        pMemo->sh = *pSh; /* the memo takes the shaper and the rows */
        pMemo->sh.pSpec = &pMemo->shape;
        memset(pSh, 0, sizeof(*pSh));
        pMemo->nRef = 1;
        if (!isStream) {
            /* the data keeps a reference too */
            if (needMedians) aggMemoDropPartial(pD, pShape);
            pMemo->nRef++;
            pMemo->pNext = pD->apMemo[LP_MEMO_AGG];
            pD->apMemo[LP_MEMO_AGG] = pMemo;
            pD->axMemoFree[LP_MEMO_AGG] = aggMemoListFree;
        }
    } else {
        pMemo->nRef++;
    }
    *ppMemo = pMemo;
    return SQLITE_OK;
}
