/*
** lp_km_orders.c - the continuation memo's orders and strata (rules
** 18-21): the pooled orders (by segment and time, by time), each a k-way
** merge of the main order's runs, made when first needed and kept; every
** stratum of a curve or an incidence handed to lp_survival.c's builders in
** output order (a curve's on two threads; with segments ignored, a stratum
** over all segments merged from the runs into a scratch as it is built);
** the cohorts by a stable counting sort on the month of s1. lp_km_pass.c
** makes the main order.
*/
#include <stdlib.h>
#include <string.h>

#include "lp_km.h"

/* ------------------------------------------------------------ the orders */

/* See lp_km.h. */
int64_t learnpath_km_order_bytes(int64_t n, int isS1) {
    /* aT (and aS1) 8 bytes, aDest (and aSeg, aUid) 4, each n + 1 long */
    return (n + 1) * (isS1 ? 28 : 12);
}

/* The arrays of *pO at their places in pO->pBlock (doubles and int64s
** first, so each is aligned). */
static void kmOrderPlace(km_order *pO, int64_t n, int isS1) {
    char *p = pO->pBlock;
    int64_t m = n + 1;
    pO->aT = (double *)p;
    p += m * (int64_t)sizeof(double);
    pO->aS1 = isS1 ? (int64_t *)p : NULL;
    p += isS1 ? m * (int64_t)sizeof(int64_t) : 0;
    pO->aDest = (uint32_t *)p;
    p += m * (int64_t)sizeof(uint32_t);
    pO->aSeg = isS1 ? (uint32_t *)p : NULL;
    pO->aUid = isS1 ? (uint32_t *)p + m : NULL;
}

/* See lp_km.h. One block for the users' arrays, one for the runs. */
int learnpath_km_order_alloc(km_order *pO, int64_t n, int64_t nRun, int isS1) {
    pO->pBlock = sqlite3_malloc64((sqlite3_uint64)learnpath_km_order_bytes(n, isS1));
    pO->aRun = sqlite3_malloc64((sqlite3_uint64)(nRun + 1) * sizeof(km_run));
    pO->nRun = 0;
    if (!pO->pBlock || !pO->aRun) {
        learnpath_km_order_free(pO);
        return SQLITE_NOMEM;
    }
    kmOrderPlace(pO, n, isS1);
    return SQLITE_OK;
}

/* See lp_km.h. */
int learnpath_km_order_adopt(km_order *pO, void *pBlock, int64_t n, int64_t nRun) {
    sqlite3_uint64 nByte = (sqlite3_uint64)learnpath_km_order_bytes(n, 1);
    void *pSmall = sqlite3_realloc64(pBlock, nByte);
    pO->pBlock = pSmall ? pSmall : pBlock;
    pO->aRun = sqlite3_malloc64((sqlite3_uint64)(nRun + 1) * sizeof(km_run));
    pO->nRun = 0;
    if (!pO->aRun) {
        learnpath_km_order_free(pO);
        return SQLITE_NOMEM;
    }
    kmOrderPlace(pO, n, 1);
    return SQLITE_OK;
}

/* Free the arrays of *pO and zero it. */
void learnpath_km_order_free(km_order *pO) {
    sqlite3_free(pO->pBlock);
    sqlite3_free(pO->aRun);
    memset(pO, 0, sizeof(*pO));
}

/* ----------------------------------------------------------- the strata */

/* User i of order *pIn to place j of *pOut (its s1 when *pOut keeps them). */
static void kmCopyUser(const km_order *pIn, int64_t i, km_order *pOut, int64_t j) {
    pOut->aT[j] = pIn->aT[i];
    pOut->aDest[j] = pIn->aDest[i];
    if (pOut->aS1) {
        pOut->aS1[j] = pIn->aS1[i];
        pOut->aSeg[j] = pIn->aSeg[i];
        pOut->aUid[j] = pIn->aUid[i];
    }
}

/*
** The users of the nR runs aR of *pIn (each in order of time) in order of
** time, into *pOut from place iOut: a k-way merge over a binary heap of
** the runs' heads (aH: room for nR). Returns how many.
*/
static int64_t kmMerge(const km_order *pIn, const km_run *aR, int64_t nR, km_order *pOut,
                       int64_t iOut, lp_run_head *aH) {
    int64_t nH = 0, n = 0;
    for (int64_t k = 0; k < nR; k++) {
        if (aR[k].n == 0) continue;
        aH[nH].i = aR[k].iFirst;
        aH[nH].e = aR[k].iFirst + aR[k].n;
        aH[nH].t = pIn->aT[aH[nH].i];
        nH++;
    }
    for (int64_t i = nH / 2; i-- > 0;) learnpath_run_heap_sift(aH, nH, i);
    while (nH > 1) {
        kmCopyUser(pIn, aH[0].i++, pOut, iOut + n++);
        if (aH[0].i == aH[0].e) {
            aH[0] = aH[--nH];
        } else {
            aH[0].t = pIn->aT[aH[0].i];
        }
        learnpath_run_heap_sift(aH, nH, 0);
    }
    for (; nH == 1 && aH[0].i < aH[0].e; aH[0].i++) kmCopyUser(pIn, aH[0].i, pOut, iOut + n++);
    return n;
}

/*
** The nR runs aR in order of first step, stably (a counting sort over the
** nLabel steps), into *paOut (the caller frees it).
*/
static int kmRunsByLabel(const km_run *aR, int64_t nR, uint32_t nLabel, km_run **paOut) {
    int64_t *aCount = sqlite3_malloc64(((sqlite3_uint64)nLabel + 2) * sizeof(int64_t));
    km_run *aOut = sqlite3_malloc64((sqlite3_uint64)(nR + 1) * sizeof(km_run));
    *paOut = aOut;
    if (!aCount || !aOut) {
        sqlite3_free(aCount);
        return SQLITE_NOMEM;
    }
    memset(aCount, 0, ((size_t)nLabel + 2) * sizeof(int64_t));
    for (int64_t i = 0; i < nR; i++) aCount[aR[i].label + 1]++;
    for (uint32_t k = 0; k <= nLabel; k++) aCount[k + 1] += aCount[k];
    for (int64_t i = 0; i < nR; i++) aOut[aCount[aR[i].label]++] = aR[i];
    sqlite3_free(aCount);
    return SQLITE_OK;
}

/* Do runs a and b fall in one group of order k (kmPooled)? */
static int kmSameGroup(int k, const km_run *a, const km_run *b) {
    return k == KM_BY_TIME || a->seg == b->seg;
}

/* A pooled order being made (kmPoolPrep, kmPoolFill, kmPoolDone). */
typedef struct km_pool {
    lp_km_memo *pM;
    int k;
    const km_order *pMain;    /* the order whose runs are merged */
    const km_run *aR;         /* its runs, grouped */
    int64_t nR, nGroup;
    lp_run_head *aH;
} km_pool;

/* The room for pooled order k of pM (and for its merges) in *pJ. */
static int kmPoolPrep(lp_km_memo *pM, int k, km_pool *pJ) {
    int rc = SQLITE_OK;
    memset(pJ, 0, sizeof(*pJ));
    pJ->pM = pM;
    pJ->k = k;
    /* by time: the segments' orders merged (fewer runs than the main's) */
    pJ->pMain = &pM->aOrder[k == KM_BY_TIME ? KM_BY_SEG : KM_BY_STEP];
    pJ->aR = pJ->pMain->aRun;
    pJ->nR = pJ->pMain->nRun;
    for (int64_t i = 0; i < pJ->nR; i++) {
        pJ->nGroup += i == 0 || !kmSameGroup(k, &pJ->aR[i - 1], &pJ->aR[i]);
    }
    pJ->aH = sqlite3_malloc64((sqlite3_uint64)(pJ->nR + 1) * sizeof(lp_run_head));
    if (rc == SQLITE_OK && !pJ->aH) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = learnpath_km_order_alloc(&pM->aOrder[k], pM->nUser, pJ->nGroup, 1);
    return rc;
}

/* The merges of a pooled order (a task: no allocation, no SQLite). */
static void kmPoolFill(void *pArg) {
    km_pool *pJ = pArg;
    km_order *pO;
    int64_t iOut = 0;
    if (pJ == NULL) return;
    pO = &pJ->pM->aOrder[pJ->k];
    for (int64_t i = 0; i < pJ->nR;) {
        int64_t e = i + 1;
        while (e < pJ->nR && kmSameGroup(pJ->k, &pJ->aR[i], &pJ->aR[e])) e++;
        km_run *pG = &pO->aRun[pO->nRun++];
        pG->iFirst = iOut;
        pG->seg = pJ->k == KM_BY_SEG ? pJ->aR[i].seg : 0;
        pG->label = LP_NONE;
        pG->n = kmMerge(pJ->pMain, pJ->aR + i, e - i, pO, iOut, pJ->aH);
        iOut += pG->n;
        i = e;
    }
}

/* The end of a pooled order: counted in the memo, or (rc) freed. */
static void kmPoolDone(km_pool *pJ, int rc) {
    if (rc) {
        learnpath_km_order_free(&pJ->pM->aOrder[pJ->k]);
    } else {
        pJ->pM->nByte += pJ->pM->nUser * 28 + pJ->nGroup * (int64_t)sizeof(km_run);
    }
    sqlite3_free(pJ->aH);
}

/*
** Orders kA and kB (each KM_BY_SEG, KM_BY_TIME, or KM_BY_STEP or -1: none
** to make) of the memo, made the first time they are needed and kept: the
** main order's runs, grouped by segment, each group merged into order of
** time; or (KM_BY_TIME) KM_BY_SEG's runs all merged. Their runs: one per
** group (label LP_NONE). Two made at once are merged on two threads when
** nThreads is 2.
*/
int learnpath_km_pooled(lp_km_memo *pM, int kA, int kB, int nThreads) {
    km_pool aJ[2];
    int ak[2] = {kA, kB}, n = 0, rc = SQLITE_OK;
    if ((kA == KM_BY_TIME || kB == KM_BY_TIME) && pM->aOrder[KM_BY_SEG].aT == NULL) {
        rc = learnpath_km_pooled(pM, KM_BY_SEG, -1, nThreads);
        if (rc) return rc;
    }
    for (int i = 0; i < 2 && rc == SQLITE_OK; i++) {
        if (ak[i] < 0 || ak[i] == KM_BY_STEP || pM->aOrder[ak[i]].aT || (i == 1 && kB == kA)) continue;
        rc = kmPoolPrep(pM, ak[i], &aJ[n]);
        n++;
    }
    if (rc == SQLITE_OK) {
        learnpath_two_tasks(n == 2 ? nThreads : 1, kmPoolFill, n > 0 ? &aJ[0] : NULL, kmPoolFill,
                            n > 1 ? &aJ[1] : NULL);
    }
    for (int i = 0; i < n; i++) kmPoolDone(&aJ[i], rc);
    return rc;
}

/* The users of run *pR of order *pO, as the builders read them. */
static lp_km_view kmView(const km_order *pO, const km_run *pR) {
    lp_km_view v;
    v.aT = pO->aT + pR->iFirst;
    v.aDest = pO->aDest + pR->iFirst;
    v.aS1 = pO->aS1 ? pO->aS1 + pR->iFirst : NULL;
    return v;
}

/* A stratum to build: run *pR of order *pO, or, with nMerge runs aMerge
** of *pO (segments ignored, and no pooled order kept), those runs merged by
** time (*pR then gives its segment, first step and users). */
typedef struct km_ref {
    const km_order *pO;
    const km_run *pR;
    const km_run *aMerge;
    int64_t nMerge;
} km_ref;

/* Where a thread merges the strata it builds from several runs: room for
** the users of the largest (their times and steps 2, no s1) and the
** heads of its runs. */
typedef struct km_scratch {
    km_order tmp;
    lp_run_head *aH;
} km_scratch;

/* The scratch for strata [i0, i1) of aRef (none merged: nothing held). */
static int kmScratchAlloc(km_scratch *pX, const km_ref *aRef, int64_t i0, int64_t i1) {
    int64_t nUser = -1, nMerge = 0;
    memset(pX, 0, sizeof(*pX));
    for (int64_t i = i0; i < i1; i++) {
        if (aRef[i].nMerge < 2) continue;
        if (aRef[i].pR->n > nUser) nUser = aRef[i].pR->n;
        if (aRef[i].nMerge > nMerge) nMerge = aRef[i].nMerge;
    }
    if (nUser < 0) return SQLITE_OK;
    pX->aH = sqlite3_malloc64((sqlite3_uint64)(nMerge + 1) * sizeof(lp_run_head));
    if (!pX->aH || learnpath_km_order_alloc(&pX->tmp, nUser, 0, 0)) {
        sqlite3_free(pX->aH);
        pX->aH = NULL;
        return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

static void kmScratchFree(km_scratch *pX) {
    learnpath_km_order_free(&pX->tmp);
    sqlite3_free(pX->aH);
    pX->aH = NULL;
}

/* One stratum: the curve's or the incidence's builder (a merged one's
** users put in order in the scratch first). */
static int kmOneStratum(lp_km_build *pB, const lp_km_memo *pM, const km_ref *pRef, km_scratch *pX) {
    const km_order *pO = pRef->pO;
    km_run r = *pRef->pR;
    uint32_t seg = r.seg == 0 ? LP_NONE : pM->aSegOf[r.seg - 1];
    uint32_t label = r.label == LP_NONE ? LP_NONE : pM->aLabelOf[r.label];
    if (pRef->nMerge == 1) {
        r.iFirst = pRef->aMerge[0].iFirst;
    } else if (pRef->nMerge > 1) {
        kmMerge(pO, pRef->aMerge, pRef->nMerge, &pX->tmp, 0, pX->aH);
        pO = &pX->tmp;
        r.iFirst = 0;
    }
    if (pB->pSpec->eKind == LP_KM_INCIDENCE) {
        return learnpath_km_incidence(pB, kmView(pO, &r), r.n, seg, label);
    }
    return learnpath_km_stratum(pB, kmView(pO, &r), r.n, seg, label);
}

/* The rows stratum *pRef may write (learnpath_km_stratum's room). */
static int64_t kmRowBound(const lp_km_build *pB, const km_ref *pRef) {
    if (pB->isStatsOnly) return 0;
    return pB->pSpec->aAtDay ? pB->pSpec->nAtDay : pRef->pR->n;
}

/* One part of the strata (a task: no allocation, no SQLite): strata
** [i0, i1) of aRef, into B, whose result res has the room for them (its
** arrays lie in the whole result's). */
typedef struct km_part {
    lp_km_build B;
    lp_km_result res;
    const lp_km_memo *pM;
    const km_ref *aRef;
    int64_t i0, i1;
    km_scratch X;
    int rc;
} km_part;

static void kmPart(void *pArg) {
    km_part *P = pArg;
    for (int64_t i = P->i0; i < P->i1 && P->rc == SQLITE_OK; i++) {
        P->rc = kmOneStratum(&P->B, P->pM, &P->aRef[i], &P->X);
    }
}

/*
** The nRef strata of aRef on two threads, each about half of the users:
** the result's room made first for all of them (the rows each may write),
** then each part writes its own strata and rows in it; the second part's
** rows are moved down after the first's. Not for the incidences (whose
** builder allocates). SQLITE_DONE: no room in one array (rows past
** learnpath_km_most_rows), for the one-thread way to say.
*/
static int kmStrataTwo(lp_km_build *pB, const lp_km_memo *pM, const km_ref *aRef, int64_t nRef) {
    lp_km_result *pRes = pB->pRes;
    int64_t nUser = 0, nBound = 0, nBound0 = 0, iMid = 0, nSeen = 0;
    km_part P[2];
    if (nRef == 0) return SQLITE_OK;
    for (int64_t i = 0; i < nRef; i++) {
        nUser += aRef[i].pR->n;
        nBound += kmRowBound(pB, &aRef[i]);
    }
    if (pRes->nRow + nBound > learnpath_km_most_rows) return SQLITE_DONE;
    for (; iMid < nRef && nSeen < nUser / 2; iMid++) {
        nSeen += aRef[iMid].pR->n;
        nBound0 += kmRowBound(pB, &aRef[iMid]);
    }
    if (pRes->nStratum + nRef > pB->nStratumAlloc) {
        lp_km_stratum *a =
            sqlite3_realloc64(pRes->aStratum, (sqlite3_uint64)(pRes->nStratum + nRef) * sizeof(lp_km_stratum));
        if (!a) return SQLITE_NOMEM;
        pRes->aStratum = a;
        pB->nStratumAlloc = pRes->nStratum + nRef;
    }
    if (nBound > 0 && pRes->nRow + nBound > pB->nRowAlloc) {
        lp_km_row *a = sqlite3_realloc64(pRes->aRow, (sqlite3_uint64)(pRes->nRow + nBound) * sizeof(lp_km_row));
        if (!a) return SQLITE_NOMEM;
        pRes->aRow = a;
        pB->nRowAlloc = pRes->nRow + nBound;
    }
    for (int t = 0; t < 2; t++) {
        memset(&P[t], 0, sizeof(P[t]));
        P[t].B = *pB;
        P[t].B.pRes = &P[t].res;
        P[t].B.isFixed = 1;
        P[t].B.nStratumAlloc = t == 0 ? iMid : nRef - iMid;
        P[t].B.nRowAlloc = t == 0 ? nBound0 : nBound - nBound0;
        P[t].res.aStratum = pRes->aStratum + pRes->nStratum + (t == 0 ? 0 : iMid);
        P[t].res.aRow = pRes->aRow ? pRes->aRow + pRes->nRow + (t == 0 ? 0 : nBound0) : NULL;
        P[t].pM = pM;
        P[t].aRef = aRef;
        P[t].i0 = t == 0 ? 0 : iMid;
        P[t].i1 = t == 0 ? iMid : nRef;
    }
    if (kmScratchAlloc(&P[0].X, aRef, 0, iMid) || kmScratchAlloc(&P[1].X, aRef, iMid, nRef)) {
        kmScratchFree(&P[0].X);
        return SQLITE_NOMEM;
    }
    learnpath_two_tasks(2, kmPart, &P[0], kmPart, &P[1]);
    kmScratchFree(&P[0].X);
    kmScratchFree(&P[1].X);
    if (P[0].rc || P[1].rc) return P[0].rc ? P[0].rc : P[1].rc;
    /* each part's iRow counts from its own first row; the second's rows
    ** follow the first's */
    for (int64_t i = 0; i < nRef; i++) {
        pRes->aStratum[pRes->nStratum + i].iRow += pRes->nRow + (i < iMid ? 0 : P[0].res.nRow);
    }
    if (P[1].res.nRow > 0 && P[0].res.nRow < nBound0) {
        memmove(pRes->aRow + pRes->nRow + P[0].res.nRow, P[1].res.aRow,
                (size_t)P[1].res.nRow * sizeof(lp_km_row));
    }
    pRes->nStratum += nRef;
    pRes->nRow += P[0].res.nRow + P[1].res.nRow;
    return SQLITE_OK;
}

/*
** Every stratum of rule 18, in output order: per segment (in name order,
** none first), its strata per first step (in name order: the main order's
** runs), then its stratum over every first step (KM_BY_SEG's run); with
** ignoreSeg the strata per first step over every segment, then every
** user's, each the runs of the main order (of KM_BY_SEG for every user's)
** merged by time as it is built (every user's read from KM_BY_TIME when the
** cohorts made it): no order of all users is kept for them.
** On two threads (kmStrataTwo) when the query's reads may use two, from as
** many users as the memo's sort splits (learnpath_km_split_least).
*/
int learnpath_km_strata(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg, int nThreads) {
    const km_order *pMain = &pM->aOrder[KM_BY_STEP];
    const km_order *pT = &pM->aOrder[KM_BY_TIME];
    const km_order *pS = &pM->aOrder[KM_BY_SEG];
    km_ref *aRef = NULL;
    km_run *aByLabel = NULL, *aStep = NULL, all;
    km_scratch X;
    int64_t nRef = 0, nStep = 0;
    int rc = ignoreSeg ? SQLITE_OK : learnpath_km_pooled(pM, KM_BY_SEG, -1, nThreads);
    if (rc) return rc;
    aRef = sqlite3_malloc64((sqlite3_uint64)(pMain->nRun + pS->nRun + 2) * sizeof(km_ref));
    if (!aRef) return SQLITE_NOMEM;
    if (ignoreSeg) {
        /* the main order's runs by first step (stably: by segment within a
        ** step), one stratum per step */
        aStep = sqlite3_malloc64((sqlite3_uint64)(pMain->nRun + 1) * sizeof(km_run));
        rc = aStep ? kmRunsByLabel(pMain->aRun, pMain->nRun, pM->nLabel, &aByLabel) : SQLITE_NOMEM;
        for (int64_t i = 0; rc == SQLITE_OK && i < pMain->nRun;) {
            int64_t e = i + 1, n = aByLabel[i].n;
            for (; e < pMain->nRun && aByLabel[e].label == aByLabel[i].label; e++) n += aByLabel[e].n;
            aStep[nStep] = (km_run){0, n, 0, aByLabel[i].label};
            aRef[nRef++] = (km_ref){pMain, &aStep[nStep++], aByLabel + i, e - i};
            i = e;
        }
    }
    if (ignoreSeg && pT->aT) {
        if (pT->nRun > 0) aRef[nRef++] = (km_ref){pT, &pT->aRun[0], NULL, 0};
    } else if (ignoreSeg && rc == SQLITE_OK) {
        /* every user: KM_BY_SEG's runs when the sort made them (fewer), else
        ** the main order's */
        const km_order *pO = pS->aT ? pS : pMain;
        all = (km_run){0, pM->nUser, 0, LP_NONE};
        if (pO->nRun > 0) aRef[nRef++] = (km_ref){pO, &all, pO->aRun, pO->nRun};
    }
    if (!ignoreSeg) {
        for (int64_t i = 0, g = 0; i < pMain->nRun; g++) {
            for (; i < pMain->nRun && pMain->aRun[i].seg == pS->aRun[g].seg; i++) {
                aRef[nRef++] = (km_ref){pMain, &pMain->aRun[i], NULL, 0};
            }
            aRef[nRef++] = (km_ref){pS, &pS->aRun[g], NULL, 0};
        }
    }
    if (rc == SQLITE_OK) {
        rc = SQLITE_DONE;
        if (nThreads >= 2 && pM->nUser >= learnpath_km_split_least && pB->pSpec->eKind != LP_KM_INCIDENCE) {
            rc = kmStrataTwo(pB, pM, aRef, nRef);
        }
        if (rc == SQLITE_DONE) {
            rc = kmScratchAlloc(&X, aRef, 0, nRef);
            for (int64_t i = 0; i < nRef && rc == SQLITE_OK; i++) rc = kmOneStratum(pB, pM, &aRef[i], &X);
            kmScratchFree(&X);
        }
    }
    sqlite3_free(aByLabel);
    sqlite3_free(aStep);
    sqlite3_free(aRef);
    return rc;
}

/*
** continuation_cohorts' work on the users [lo, hi) of order pO, one part
** of two (a task: no allocation, no SQLite): their days' range (phase 0),
** then each one's month of s1 and the months' counts (phase 1), then the
** users moved to the copy C in order of month, stably (phase 2).
*/
typedef struct km_coh {
    const km_order *pO;
    int64_t lo, hi;
    int phase;
    int64_t dMin, dMax;       /* phase 0's */
    const int32_t *aByDay;    /* the month of day dDay0 + k (or NULL) */
    int64_t dDay0, mMin;
    int32_t *aMonth;
    int64_t *aCount;          /* this part's: counts per month, then places */
    km_order *pC;
} km_coh;

static void kmCohJob(void *pArg) {
    km_coh *J = pArg;
    const km_order *pO = J->pO;
    if (J->phase == 0) {
        for (int64_t i = J->lo; i < J->hi; i++) {
            int64_t d = learnpath_time_day(pO->aS1[i]);
            if (i == J->lo || d < J->dMin) J->dMin = d;
            if (i == J->lo || d > J->dMax) J->dMax = d;
        }
    } else if (J->phase == 1) {
        for (int64_t i = J->lo; i < J->hi; i++) {
            int32_t m = J->aByDay ? J->aByDay[learnpath_time_day(pO->aS1[i]) - J->dDay0]
                                  : (int32_t)learnpath_time_month(pO->aS1[i]);
            J->aMonth[i] = m;
            J->aCount[m - J->mMin]++;
        }
    } else {
        int64_t r = 0;
        while (r < pO->nRun && pO->aRun[r].iFirst + pO->aRun[r].n <= J->lo) r++;
        for (int64_t i = J->lo; i < J->hi; i++) {
            while (i >= pO->aRun[r].iFirst + pO->aRun[r].n) r++;
            int64_t j = J->aCount[J->aMonth[i] - J->mMin]++;
            kmCopyUser(pO, i, J->pC, j);
            J->pC->aSeg[j] = pO->aRun[r].seg; /* (KM_BY_TIME's one run: 0) */
        }
    }
}

/* The phase of both parts of J. */
static void kmCohPhase(km_coh J[2], int phase, int nThreads) {
    J[0].phase = J[1].phase = phase;
    learnpath_two_tasks(nThreads, kmCohJob, &J[0], kmCohJob, &J[1]);
}

/*
** The users of pO (n) in order of month of s1 into C (its runs none), and
** where each month starts in aStart (mMax - mMin + 2 places): the months of
** the users' days from a table when the days span no more days than there
** are users, else one a user; two parts of the users on two threads.
*/
static int kmByMonth(const km_order *pO, int64_t n, int nThreads, km_order *pC, int64_t **paStart,
                     int64_t *pmMin, int64_t *pmMax) {
    km_coh J[2];
    int64_t dMin, dMax, mMin, mMax, nM, *aCount = NULL;
    int32_t *aByDay = NULL;
    int rc = SQLITE_OK;
    memset(J, 0, sizeof(J));
    for (int t = 0; t < 2; t++) {
        J[t].pO = pO;
        J[t].lo = t == 0 ? 0 : n / 2;
        J[t].hi = t == 0 ? n / 2 : n;
    }
    kmCohPhase(J, 0, nThreads);
    dMin = J[1].lo == J[1].hi || (J[0].lo < J[0].hi && J[0].dMin < J[1].dMin) ? J[0].dMin : J[1].dMin;
    dMax = J[1].lo == J[1].hi || (J[0].lo < J[0].hi && J[0].dMax > J[1].dMax) ? J[0].dMax : J[1].dMax;
    /* a month is the same or later for a later day */
    mMin = n > 0 ? learnpath_time_day_month(dMin) : 0;
    mMax = n > 0 ? learnpath_time_day_month(dMax) : 0;
    nM = mMax - mMin + 1;
    if (n > 0 && dMax - dMin < n) {
        aByDay = sqlite3_malloc64((sqlite3_uint64)(dMax - dMin + 1) * sizeof(int32_t));
        if (!aByDay) return SQLITE_NOMEM;
        for (int64_t d = dMin; d <= dMax; d++) aByDay[d - dMin] = (int32_t)learnpath_time_day_month(d);
    }
    aCount = sqlite3_malloc64((sqlite3_uint64)(2 * nM + 1) * sizeof(int64_t));
    J[0].aMonth = J[1].aMonth = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int32_t));
    if (!aCount || !J[0].aMonth) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = learnpath_km_order_alloc(pC, n, 0, 1);
    if (rc == SQLITE_OK) {
        memset(aCount, 0, (size_t)(2 * nM + 1) * sizeof(int64_t));
        for (int t = 0; t < 2; t++) {
            J[t].aByDay = aByDay;
            J[t].dDay0 = dMin;
            J[t].mMin = mMin;
            J[t].aCount = aCount + t * nM;
            J[t].pC = pC;
        }
        kmCohPhase(J, 1, nThreads);
        /* each part's places: the first part's users of a month first */
        for (int64_t m = 0, sum = 0; m < nM; m++) {
            int64_t n0 = aCount[m], n1 = aCount[nM + m];
            aCount[m] = sum;
            aCount[nM + m] = sum + n0;
            sum += n0 + n1;
        }
        kmCohPhase(J, 2, nThreads);
    }
    /* the parts' places are now the months' ends: the first part's end of
    ** month m is where the second part's users of it began, so month m
    ** starts at the second part's end of month m - 1 */
    if (rc == SQLITE_OK) {
        int64_t *aStart = aCount; /* aStart[m]: where month mMin + m starts */
        /* upward: place m (m <= nM) is written after every read at or
        ** below nM + m - 1 that needs it (reads lie at nM and above) */
        for (int64_t m = 1; m <= nM; m++) aStart[m] = aCount[nM + m - 1];
        aStart[0] = 0;
        *paStart = aStart;
        aCount = NULL;
    }
    sqlite3_free(aCount);
    sqlite3_free(aByDay);
    sqlite3_free(J[0].aMonth);
    *pmMin = mMin;
    *pmMax = mMax;
    return rc;
}

/*
** continuation_cohorts' strata (rule 21), in order of month of s1, then
** segment, each in order of time: the users by (segment, time)
** (KM_BY_SEG; with ignoreSeg by time, KM_BY_TIME) put in order of month
** by a stable counting sort (kmByMonth), so each (month, segment) lies in
** order of time: a month is a range of the copy, and its segments runs of
** the copy's aSeg.
*/
int learnpath_km_cohorts(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg, int nThreads) {
    const km_order *pO = &pM->aOrder[ignoreSeg ? KM_BY_TIME : KM_BY_SEG];
    int64_t n = pM->nUser, mMin = 0, mMax = 0, *aStart = NULL;
    km_order C;
    int rc;
    memset(&C, 0, sizeof(C));
    rc = learnpath_km_pooled(pM, ignoreSeg ? KM_BY_TIME : KM_BY_SEG, -1, nThreads);
    if (rc == SQLITE_OK) rc = kmByMonth(pO, n, nThreads, &C, &aStart, &mMin, &mMax);
    for (int64_t k = 0; rc == SQLITE_OK && k <= mMax - mMin && n > 0; k++) {
        int64_t i = aStart[k], iEnd = aStart[k + 1];
        while (i < iEnd && rc == SQLITE_OK) {
            int64_t e = i + 1;
            while (e < iEnd && C.aSeg[e] == C.aSeg[i]) e++;
            km_run run = {i, e - i, 0, 0};
            rc = learnpath_km_cohort(pB, kmView(&C, &run), e - i,
                                     C.aSeg[i] == 0 ? LP_NONE : pM->aSegOf[C.aSeg[i] - 1], mMin + k);
            i = e;
        }
    }
    learnpath_km_order_free(&C);
    sqlite3_free(aStart);
    return rc;
}
