/*
** lp_popularity.c - program_popularity's rows (per segment and program:
** enrollments, users, first and later users) and first_program_monthly's
** (per segment, month and first program: the users who started then),
** computed in C in one pass over the users and kept with the cached data,
** as lp_agg.c keeps program_transitions'.
**
** WHO COUNTS. The users the other functions show: those rule 7 keeps, in
** their segment (rule 6), their journeys shaped by rules 4-8.
**
** program_popularity, for each segment and program P (a program, never a
** tie group's label: a tie group holds each of its programs):
**   users             users whose journey holds P
**   first_users       of those, users whose step 1 holds P, alone or in a
**                     tie group (rule 4)
**   tied_first_users  of first_users, those whose step 1 is a tie group,
**                     so first_users - tied_first_users = the users of P in
**                     first_program_stats
**   later_users       users - first_users: P comes only after step 1
**   enrollments       the users' rows of P within their journeys: every row
**                     before rule 8's end of the journey, repeats included;
**                     one per user under repeats = 'first_only' (rule 5
**                     drops the others)
**   segment_users     the segment's users; share = users / segment_users
** Rows: by segment (NULL first, then by name), users descending, program.
**
** first_program_monthly: per segment, the users who started in each month
** (the month of step 1's start, as started_at shows it, UTC) with each
** first program (step 1's label, a tie group's included). Every month from
** the month of the data's first enrollment to that of its last (the rows
** rule 1 keeps, all users), cut to [since, until) when given, and every
** label the segment's users start with, are rows: 0 users where none
** started, so a chart has no gaps. Rows: by segment, month, label name.
** The rows are made as they are read (learnpath_month_first/next): only
** the cells with starters are kept.
**
** Only exact integer counts, and every order is by names and counts, so no
** answer depends on the order in which the users come (nor on where a row
** was counted: in memory with no budget, programs' rows and months' cells
** in dense arrays by number, pop_dense; else, and for tie groups' labels,
** through a direct-mapped cache and a seeded hash index).
*/
#include <stdlib.h>
#include <string.h>

#include "lp_journey.h"

/* ------------------------------------------------------------ the rows */

/* The last row found for a key, in a slot of a direct-mapped cache in
** front of the hash index: the users' keys repeat (few segments, labels
** and months), so most lookups end here. row1: the row + 1, 0 = empty. */
typedef struct pop_hit {
    uint32_t seg, label;
    int64_t month;
    uint32_t row1;
} pop_hit;
#define POP_HIT_BITS 10

/* Growable table of rows with a seeded hash index, as lp_agg.c's. */
typedef struct pop_table {
    lp_pop_row *aRow;
    int64_t nRow, nRowAlloc;
    uint32_t *aSlot; /* row + 1, 0 = empty */
    uint64_t nSlot;
    lp_hash_seed seed; /* drawn with aSlot */
    pop_hit *aHit;   /* 1 << POP_HIT_BITS slots, made with the first row */
} pop_table;

static uint32_t popHash(const pop_table *pT, uint32_t seg, uint32_t label, int64_t month) {
    return learnpath_hash_pair(((uint64_t)seg << 32) | label, (uint64_t)month, &pT->seed);
}

/* Row r's hash (learnpath_hash_probe_report). */
static uint32_t popHashRow(const void *pCtx, uint32_t r) {
    const pop_table *pT = pCtx;
    const lp_pop_row *pR = &pT->aRow[r];
    return popHash(pT, pR->segment, pR->label, pR->month);
}

static int popRehash(pop_table *pT, uint64_t nSlot) {
    if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
    uint32_t *aSlot = sqlite3_malloc64(nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    if (pT->aSlot == NULL) learnpath_hash_seed(&pT->seed);
    for (int64_t r = 0; r < pT->nRow; r++) {
        uint64_t j = popHashRow(pT, (uint32_t)r) & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = (uint32_t)r + 1;
    }
    sqlite3_free(pT->aSlot);
    pT->aSlot = aSlot;
    pT->nSlot = nSlot;
    return SQLITE_OK;
}

static int popRowFind(pop_table *pT, uint32_t seg, uint32_t label, int64_t month, int64_t *piRow);

/* The row of (segment, label, month), created (zeroed) if new. */
static int popRowFor(pop_table *pT, uint32_t seg, uint32_t label, int64_t month, int64_t *piRow) {
    int rc;
    /* (a multiplicative mix: the cache only has to spread the keys met) */
    uint32_t h = (uint32_t)((((uint64_t)seg * 0x9E3779B97F4A7C15u) ^ ((uint64_t)label * 0xC2B2AE3D27D4EB4Fu) ^
                             ((uint64_t)month * 0x165667B19E3779F9u)) >> (64 - POP_HIT_BITS));
    pop_hit *pH = pT->aHit ? &pT->aHit[h] : NULL;
    if (pH && pH->row1 && pH->seg == seg && pH->label == label && pH->month == month) {
        *piRow = pH->row1 - 1;
        return SQLITE_OK;
    }
    if (!pT->aHit) {
        pT->aHit = sqlite3_malloc64(sizeof(pop_hit) << POP_HIT_BITS);
        if (!pT->aHit) return SQLITE_NOMEM;
        memset(pT->aHit, 0, sizeof(pop_hit) << POP_HIT_BITS);
        pH = &pT->aHit[h];
    }
    rc = popRowFind(pT, seg, label, month, piRow);
    if (rc == SQLITE_OK) {
        pH->seg = seg;
        pH->label = label;
        pH->month = month;
        pH->row1 = (uint32_t)*piRow + 1;
    }
    return rc;
}

/* popRowFor's slow way: the hash index. */
static int popRowFind(pop_table *pT, uint32_t seg, uint32_t label, int64_t month, int64_t *piRow) {
    int rc;
    if (2 * (uint64_t)(pT->nRow + 1) > pT->nSlot) {
        rc = popRehash(pT, pT->nSlot ? pT->nSlot * 2 : 64);
        if (rc) return rc;
    }
    uint64_t j = popHash(pT, seg, label, month) & (pT->nSlot - 1);
    for (; pT->aSlot[j]; j = (j + 1) & (pT->nSlot - 1)) {
        const lp_pop_row *pR = &pT->aRow[pT->aSlot[j] - 1];
        if (pR->segment == seg && pR->label == label && pR->month == month) {
            *piRow = pT->aSlot[j] - 1;
            return SQLITE_OK;
        }
    }
    rc = learnpath_grow((void **)&pT->aRow, &pT->nRowAlloc, pT->nRow + 1, sizeof(lp_pop_row), 64);
    if (rc) return rc;
    lp_pop_row *pR = &pT->aRow[pT->nRow];
    memset(pR, 0, sizeof(*pR));
    pR->segment = seg;
    pR->label = label;
    pR->month = month;
    pT->aSlot[j] = (uint32_t)pT->nRow + 1;
    *piRow = pT->nRow++;
    return SQLITE_OK;
}

/* Free the hash index and its cache (done adding rows, or freeing them). */
static void popFreeSlots(pop_table *pT, const char *zKind) {
    if (learnpath_hash_probe_hook && pT->aSlot) {
        learnpath_hash_probe_report(zKind, pT->aSlot, pT->nSlot, popHashRow, pT);
    }
    sqlite3_free(pT->aSlot);
    sqlite3_free(pT->aHit);
    pT->aSlot = NULL;
    pT->aHit = NULL;
    pT->nSlot = 0;
}

/* ------------------------------------------------------- one pass */

#define POP_MONTH_SLOTS 512

/*
** In memory with no memory budget, the counts of the rows of programs (not
** tie groups' labels) in dense arrays indexed by numbers, no hash: per
** segment (0: none, s + 1: segment s) and program, then made rows when the
** users are all added (popDenseFold; rows are sorted by their keys when
** finished, so the order they are made in is not seen). aPop: per
** (segment, program + 1) users, enrollments, first and tied first users
** (program 0: the segment's own row). aMon: per (month - monLo, segment,
** program) the users who started then, over months grown as met; past
** POP_DENSE_MAX counters the months go to the hash from there on.
*/
#define POP_DENSE_MAX learnpath_pop_dense_max
int64_t learnpath_pop_dense_max = (int64_t)1 << 18; /* (lowered by tests) */
typedef struct pop_dense {
    int64_t *aPop;         /* NULL: unused */
    uint32_t nSeg, nProg;  /* segments + 1, programs */
    int64_t *aMon;         /* NULL: no month yet, or the months in the hash */
    int64_t monLo, nMon;
    int isMonOff;          /* the months in the hash from now on */
} pop_dense;

/* What the pass holds: the aggregates' rows, and the marks per program. */
typedef struct pop_acc {
    pop_dense D;           /* the dense counts of the fed aggregates */
    pop_table aT[LP_POP_N];
    uint32_t *aMark;      /* per program: stamp of the user whose journey holds it */
    uint32_t *aFirstMark; /* per program: stamp of the user whose step 1 holds it */
    int64_t *aCount;      /* per program: the current user's enrollments of it */
    int64_t nProgAlloc;
    uint32_t *aList;      /* the current user's programs */
    int64_t nListAlloc;
    uint32_t stamp;
    int hasTime;          /* tMin, tMax are set */
    int64_t tMin, tMax;   /* the data's first and last enrollment */
    /* the months of the days met (learnpath_time_month), direct-mapped:
    ** aMonthDay holds the day + 1 (0 = empty), aMonthOf its month */
    int64_t aMonthDay[POP_MONTH_SLOTS];
    int32_t aMonthOf[POP_MONTH_SLOTS];
} pop_acc;

static void popAccFree(pop_acc *pA) {
    static const char *const azKind[LP_POP_N] = {"popularity", "popularity", "monthly", "monthly"};
    for (int i = 0; i < LP_POP_N; i++) {
        popFreeSlots(&pA->aT[i], azKind[i]);
        sqlite3_free(pA->aT[i].aRow);
    }
    sqlite3_free(pA->D.aPop);
    sqlite3_free(pA->D.aMon);
    sqlite3_free(pA->aMark);
    sqlite3_free(pA->aFirstMark);
    sqlite3_free(pA->aCount);
    sqlite3_free(pA->aList);
    memset(pA, 0, sizeof(*pA));
}

/* Room for the marks of nProg programs and a user of nEv enrollments, and
** a new stamp (stamped marks need no clearing; after 2^32 users, once). */
static int popMarks(pop_acc *pA, uint32_t nProg, uint32_t nEv) {
    int rc = SQLITE_OK;
    if (nProg > pA->nProgAlloc) {
        int64_t nOld = pA->nProgAlloc, nNew = learnpath_grow_size(nOld, nProg, 64);
        uint32_t *aMark = sqlite3_realloc64(pA->aMark, (sqlite3_uint64)nNew * sizeof(uint32_t));
        if (aMark) pA->aMark = aMark;
        uint32_t *aFirst = sqlite3_realloc64(pA->aFirstMark, (sqlite3_uint64)nNew * sizeof(uint32_t));
        if (aFirst) pA->aFirstMark = aFirst;
        int64_t *aCount = sqlite3_realloc64(pA->aCount, (sqlite3_uint64)nNew * sizeof(int64_t));
        if (aCount) pA->aCount = aCount;
        if (!aMark || !aFirst || !aCount) return SQLITE_NOMEM;
        memset(pA->aMark + nOld, 0, (size_t)(nNew - nOld) * sizeof(uint32_t));
        memset(pA->aFirstMark + nOld, 0, (size_t)(nNew - nOld) * sizeof(uint32_t));
        pA->nProgAlloc = nNew;
    }
    rc = learnpath_grow((void **)&pA->aList, &pA->nListAlloc, nEv, sizeof(uint32_t), 16);
    if (rc) return rc;
    if (++pA->stamp == 0) {
        memset(pA->aMark, 0, (size_t)pA->nProgAlloc * sizeof(uint32_t));
        memset(pA->aFirstMark, 0, (size_t)pA->nProgAlloc * sizeof(uint32_t));
        pA->stamp = 1;
    }
    return SQLITE_OK;
}

/*
** program_popularity: add user u, shaped by pSh, in segment seg. The
** segment's own row (label LP_NONE) counts its users. A program's row
** counts the user once, with the user's rows of it in the journey.
*/
static int popAddPopularity(pop_acc *pA, pop_table *pT, const lp_shaper *pSh, uint32_t u,
                            uint32_t seg) {
    const lp_data *pD = pSh->pData;
    uint32_t i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1], nList = 0;
    uint32_t first = pSh->aStep[0].label, nFirst = learnpath_label_size(pSh, first);
    int isTied = (first & LP_GROUP_BIT) != 0;
    int isFirstOnly = pSh->pSpec->repeats == LP_REPEATS_FIRST_ONLY;
    int64_t iRow;
    int rc = popMarks(pA, pD->programs.n, i1 - i0);
    if (rc) return rc;
    for (uint32_t k = 0; k < nFirst; k++) pA->aFirstMark[learnpath_label_member(pSh, first, k)] = pA->stamp;
    /* the journey's rows: those before the step rule 8 cut off */
    for (uint32_t e = i0; e < i1 && pD->aT[e] < pSh->tCut; e++) {
        uint32_t p = pD->aProg[e];
        if (pA->aMark[p] != pA->stamp) {
            pA->aMark[p] = pA->stamp;
            pA->aCount[p] = 0;
            pA->aList[nList++] = p;
        }
        pA->aCount[p]++;
    }
    rc = popRowFor(pT, seg, LP_NONE, 0, &iRow);
    if (rc) return rc;
    pT->aRow[iRow].users++;
    for (uint32_t k = 0; k < nList; k++) {
        uint32_t p = pA->aList[k];
        rc = popRowFor(pT, seg, p, 0, &iRow);
        if (rc) return rc;
        lp_pop_row *pR = &pT->aRow[iRow];
        pR->users++;
        pR->enrollments += isFirstOnly ? 1 : pA->aCount[p];
        if (pA->aFirstMark[p] == pA->stamp) {
            pR->firstUsers++;
            pR->tiedFirstUsers += isTied;
        }
    }
    return SQLITE_OK;
}

/* first_program_monthly: add the user shaped by pSh, in segment seg. */
static int popAddMonthly(pop_acc *pA, pop_table *pT, const lp_shaper *pSh, uint32_t seg) {
    const lp_step *pS = &pSh->aStep[0];
    int64_t iRow, day = learnpath_time_day(pS->t);
    uint32_t k = (uint32_t)day & (POP_MONTH_SLOTS - 1);
    if (pA->aMonthDay[k] != day + 1) {
        pA->aMonthDay[k] = day + 1;
        pA->aMonthOf[k] = (int32_t)learnpath_time_day_month(day);
    }
    int rc = popRowFor(pT, seg, pS->label, pA->aMonthOf[k], &iRow);
    if (rc == SQLITE_OK) pT->aRow[iRow].users++;
    return rc;
}

/* ------------------------------------------------------- dense counts */

/* The dense counts for the users of pIt (pop_dense): only in memory, with
** no budget, and a table of rows of programs that fits. */
static int popDenseInit(pop_dense *pX, const lp_users *pIt, int64_t nLimit) {
    const lp_data *pD = pIt->pData;
    uint64_t n = ((uint64_t)pD->segments.n + 1) * ((uint64_t)pD->programs.n + 1);
    memset(pX, 0, sizeof(*pX));
    if (pIt->pStream || nLimit != 0 || pD->programs.n == 0 || n > (uint64_t)POP_DENSE_MAX) return SQLITE_OK;
    pX->aPop = sqlite3_malloc64(n * 4 * sizeof(int64_t));
    if (!pX->aPop) return SQLITE_NOMEM;
    memset(pX->aPop, 0, (size_t)n * 4 * sizeof(int64_t));
    pX->nSeg = pD->segments.n + 1;
    pX->nProg = pD->programs.n;
    return SQLITE_OK;
}

/*
** program_popularity, dense: popAddPopularity's counts of user u (shaped by
** pSh, in segment seg) in pX->aPop. A program is in step 1 when it is the
** first label or, a tie group's, one of its members (marked).
*/
static int popDenseAddPopularity(pop_acc *pA, const lp_shaper *pSh, uint32_t u, uint32_t seg) {
    const lp_data *pD = pSh->pData;
    uint32_t i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1], nList = 0, stamp;
    uint32_t first = pSh->aStep[0].label, *aMark = pA->aMark, *aFirst = pA->aFirstMark, *aList;
    int64_t isTied = (first & LP_GROUP_BIT) != 0, *aCount = pA->aCount;
    int isFirstOnly = pSh->pSpec->repeats == LP_REPEATS_FIRST_ONLY;
    int64_t *aRow = pA->D.aPop + (uint64_t)(seg == LP_NONE ? 0 : seg + 1) * (pA->D.nProg + 1) * 4;
    if (i1 - i0 > pA->nListAlloc || pD->programs.n > pA->nProgAlloc || pA->stamp == UINT32_MAX) {
        int rc = popMarks(pA, pD->programs.n, i1 - i0);
        if (rc) return rc;
        aMark = pA->aMark;
        aFirst = pA->aFirstMark;
        aCount = pA->aCount;
    } else {
        pA->stamp++;
    }
    stamp = pA->stamp;
    aList = pA->aList;
    if (isTied) {
        uint32_t nFirst = learnpath_label_size(pSh, first);
        for (uint32_t k = 0; k < nFirst; k++) aFirst[learnpath_label_member(pSh, first, k)] = stamp;
    }
    for (uint32_t e = i0; e < i1 && pD->aT[e] < pSh->tCut; e++) {
        uint32_t p = pD->aProg[e];
        if (aMark[p] != stamp) {
            aMark[p] = stamp;
            aCount[p] = 0;
            aList[nList++] = p;
        }
        aCount[p]++;
    }
    aRow[0]++;
    for (uint32_t k = 0; k < nList; k++) {
        uint32_t p = aList[k];
        int64_t *pC = aRow + ((uint64_t)p + 1) * 4, isFirst = isTied ? aFirst[p] == stamp : p == first;
        pC[0]++;
        pC[1] += isFirstOnly ? 1 : aCount[p];
        pC[2] += isFirst;
        pC[3] += isFirst & isTied;
    }
    return SQLITE_OK;
}

/* The months' counters cover month (grown, with a year's room either side);
** 0: past POP_DENSE_MAX, the months counted so far folded into pT and the
** rest to go there too. */
static int popDenseMonths(pop_dense *pX, pop_table *pT, int64_t month, int *pIsDense) {
    int64_t lo = month - 12, hi = month + 12, nCell = (int64_t)pX->nSeg * pX->nProg;
    int64_t *aNew;
    int rc = SQLITE_OK;
    *pIsDense = 0;
    if (pX->isMonOff) return SQLITE_OK;
    if (pX->aMon) {
        if (pX->monLo < lo) lo = pX->monLo;
        if (pX->monLo + pX->nMon - 1 > hi) hi = pX->monLo + pX->nMon - 1;
    }
    if ((hi - lo + 1) * nCell > POP_DENSE_MAX) {
        for (int64_t m = 0; pX->aMon && m < pX->nMon && rc == SQLITE_OK; m++) {
            for (int64_t c = 0; c < nCell && rc == SQLITE_OK; c++) {
                int64_t n = pX->aMon[m * nCell + c], iRow;
                uint32_t s = (uint32_t)(c / pX->nProg);
                if (n == 0) continue;
                rc = popRowFor(pT, s == 0 ? LP_NONE : s - 1, (uint32_t)(c % pX->nProg), pX->monLo + m, &iRow);
                if (rc == SQLITE_OK) pT->aRow[iRow].users += n;
            }
        }
        sqlite3_free(pX->aMon);
        pX->aMon = NULL;
        pX->isMonOff = 1;
        return rc;
    }
    aNew = sqlite3_malloc64((sqlite3_uint64)((hi - lo + 1) * nCell) * sizeof(int64_t));
    if (!aNew) return SQLITE_NOMEM;
    memset(aNew, 0, (size_t)((hi - lo + 1) * nCell) * sizeof(int64_t));
    if (pX->aMon) memcpy(aNew + (pX->monLo - lo) * nCell, pX->aMon, (size_t)(pX->nMon * nCell) * sizeof(int64_t));
    sqlite3_free(pX->aMon);
    pX->aMon = aNew;
    pX->monLo = lo;
    pX->nMon = hi - lo + 1;
    *pIsDense = 1;
    return SQLITE_OK;
}

/* first_program_monthly, dense where step 1 is a program: as popAddMonthly. */
static int popDenseAddMonthly(pop_acc *pA, pop_table *pT, const lp_shaper *pSh, uint32_t seg) {
    pop_dense *pX = &pA->D;
    const lp_step *pS = &pSh->aStep[0];
    int64_t day = learnpath_time_day(pS->t), month;
    uint32_t k = (uint32_t)day & (POP_MONTH_SLOTS - 1);
    if (pA->aMonthDay[k] != day + 1) {
        pA->aMonthDay[k] = day + 1;
        pA->aMonthOf[k] = (int32_t)learnpath_time_day_month(day);
    }
    month = pA->aMonthOf[k];
    if (!(pS->label & LP_GROUP_BIT) && !pX->isMonOff) {
        int isDense = pX->aMon && month >= pX->monLo && month < pX->monLo + pX->nMon;
        int rc = isDense ? SQLITE_OK : popDenseMonths(pX, pT, month, &isDense);
        if (rc) return rc;
        if (isDense) {
            uint32_t s = seg == LP_NONE ? 0 : seg + 1;
            pX->aMon[((month - pX->monLo) * pX->nSeg + s) * pX->nProg + pS->label]++;
            return SQLITE_OK;
        }
    }
    return popAddMonthly(pA, pT, pSh, seg);
}

/* The dense counts made rows of the fed aggregates aT[iPop] and aT[iMon]
** (-1: not fed), then freed. */
static int popDenseFold(pop_acc *pA, int iPop, int iMon) {
    pop_dense *pX = &pA->D;
    int64_t nCell = (int64_t)pX->nSeg * pX->nProg, iRow;
    int rc = SQLITE_OK;
    for (uint32_t s = 0; iPop >= 0 && s < pX->nSeg && rc == SQLITE_OK; s++) {
        for (uint32_t p = 0; p <= pX->nProg && rc == SQLITE_OK; p++) {
            const int64_t *pC = pX->aPop + ((uint64_t)s * (pX->nProg + 1) + p) * 4;
            if (pC[0] == 0) continue;
            rc = popRowFor(&pA->aT[iPop], s == 0 ? LP_NONE : s - 1, p == 0 ? LP_NONE : p - 1, 0, &iRow);
            if (rc) break;
            lp_pop_row *pR = &pA->aT[iPop].aRow[iRow];
            pR->users += pC[0];
            pR->enrollments += pC[1];
            pR->firstUsers += pC[2];
            pR->tiedFirstUsers += pC[3];
        }
    }
    for (int64_t m = 0; iMon >= 0 && pX->aMon && m < pX->nMon && rc == SQLITE_OK; m++) {
        for (int64_t c = 0; c < nCell && rc == SQLITE_OK; c++) {
            int64_t n = pX->aMon[m * nCell + c];
            uint32_t s = (uint32_t)(c / pX->nProg);
            if (n == 0) continue;
            rc = popRowFor(&pA->aT[iMon], s == 0 ? LP_NONE : s - 1, (uint32_t)(c % pX->nProg), pX->monLo + m, &iRow);
            if (rc == SQLITE_OK) pA->aT[iMon].aRow[iRow].users += n;
        }
    }
    sqlite3_free(pX->aPop);
    sqlite3_free(pX->aMon);
    memset(pX, 0, sizeof(*pX));
    return rc;
}

/*
** Sum the rows per segment into rows over all users (each user is in one
** segment, so every count adds up).
*/
static int popDerive(pop_table *pDst, const pop_table *pSrc) {
    for (int64_t r = 0; r < pSrc->nRow; r++) {
        const lp_pop_row *pS = &pSrc->aRow[r];
        int64_t iRow;
        int rc = popRowFor(pDst, LP_NONE, pS->label, pS->month, &iRow);
        if (rc) return rc;
        lp_pop_row *pR = &pDst->aRow[iRow];
        pR->users += pS->users;
        pR->enrollments += pS->enrollments;
        pR->firstUsers += pS->firstUsers;
        pR->tiedFirstUsers += pS->tiedFirstUsers;
    }
    return SQLITE_OK;
}

/* ------------------------------------------------------- the memory budget */

/*
** Does computing pass the budget (lp_read.h, "THE MEMORY BUDGET"), with
** nReserve more bytes? Counted: the data the users come from, the shaper,
** the rows with their index, the marks per program and, as a reserve, the
** ranks of the names that finishing sorts the rows by (12 bytes a name).
** In memory, LP_RC_OVER_BUDGET (the caller streams); streaming, the
** function's error.
*/
static int popCheckBudget(const lp_users *pIt, const lp_shaper *pSh, const pop_acc *pA,
                          int64_t nLimit, int64_t nReserve, char **pzErr) {
    const lp_data *pD = pIt->pData;
    int64_t nRow = 0, n;
    if (nLimit == 0) return SQLITE_OK;
    n = learnpath_users_held(pIt) + learnpath_shaper_bytes(pSh) + nReserve +
        ((int64_t)pD->programs.n + pD->segments.n + pSh->groups.n) * 12 +
        pA->nProgAlloc * (int64_t)(2 * sizeof(uint32_t) + sizeof(int64_t)) +
        pA->nListAlloc * (int64_t)sizeof(uint32_t);
    for (int i = 0; i < LP_POP_N; i++) {
        const pop_table *pT = &pA->aT[i];
        n += pT->nRowAlloc * (int64_t)sizeof(lp_pop_row) + (int64_t)pT->nSlot * 4 +
             (pT->aHit ? (int64_t)sizeof(pop_hit) << POP_HIT_BITS : 0);
        nRow += pT->nRow;
    }
    if (n <= nLimit) return SQLITE_OK;
    if (pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
    return learnpath_users_budget_error(pIt, nRow, pSh->groups.n, pzErr);
}

/* ------------------------------------------------------- finishing */

/* popularity, first: segment, its own row first, program. */
static int popSegCmp(const void *pa, const void *pb) {
    const lp_pop_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    return (a->labelRank > b->labelRank) - (a->labelRank < b->labelRank);
}

/* popularity's order: segment, users descending, program. */
static int popRowCmp(const void *pa, const void *pb) {
    const lp_pop_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->users != b->users) return a->users > b->users ? -1 : 1;
    return (a->labelRank > b->labelRank) - (a->labelRank < b->labelRank);
}

/* monthly cells' order: segment, month, label. */
static int popCellCmp(const void *pa, const void *pb) {
    const lp_pop_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->month != b->month) return a->month < b->month ? -1 : 1;
    return (a->labelRank > b->labelRank) - (a->labelRank < b->labelRank);
}

/*
** popularity: each segment's users onto its programs' rows, the segments'
** own rows dropped, the rest in output order.
*/
static void popFinishPopularity(pop_table *pT) {
    int64_t nOut = 0, segUsers = 0;
    if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(lp_pop_row), popSegCmp);
    for (int64_t r = 0; r < pT->nRow; r++) {
        lp_pop_row *pR = &pT->aRow[r];
        if (pR->label == LP_NONE) {
            segUsers = pR->users; /* first in its segment */
            continue;
        }
        pR->segmentUsers = segUsers;
        pT->aRow[nOut++] = *pR;
    }
    pT->nRow = nOut;
    if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(lp_pop_row), popRowCmp);
}

/*
** monthly: the cells in order, and each segment's labels (one entry per
** segment and label, in the same order) into *paLabel.
*/
static int popFinishMonthly(pop_table *pT, lp_pop_row **paLabel, int64_t *pnLabel) {
    lp_pop_row *aLabel;
    int64_t nLabel = 0;
    if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(lp_pop_row), popCellCmp);
    aLabel = sqlite3_malloc64((sqlite3_uint64)(pT->nRow + 1) * sizeof(lp_pop_row));
    if (!aLabel) return SQLITE_NOMEM;
    if (pT->nRow > 0) memcpy(aLabel, pT->aRow, (size_t)pT->nRow * sizeof(lp_pop_row));
    for (int64_t r = 0; r < pT->nRow; r++) aLabel[r].month = 0;
    if (pT->nRow > 1) qsort(aLabel, (size_t)pT->nRow, sizeof(lp_pop_row), popCellCmp);
    for (int64_t r = 0; r < pT->nRow; r++) {
        if (nLabel > 0 && aLabel[nLabel - 1].segRank == aLabel[r].segRank &&
            aLabel[nLabel - 1].labelRank == aLabel[r].labelRank) {
            continue;
        }
        aLabel[nLabel++] = aLabel[r];
    }
    *paLabel = aLabel;
    *pnLabel = nLabel;
    return SQLITE_OK;
}

/*
** Finish the aggregates of mask: rank the names, order the rows, and move
** them into the memo; the months of the data, cut to [since, until).
*/
static int popFinish(pop_acc *pA, const lp_data *pD, const lp_shaper *pSh, unsigned mask,
                     lp_pop_memo *pMemo) {
    const lp_shape_spec *pSpec = pSh->pSpec;
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int rc = learnpath_label_ranks(pSh, NULL, pD->programs.n + pSh->groups.n, 0, &aLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 0, &aSegRank);
    for (int i = 0; i < LP_POP_N && rc == SQLITE_OK; i++) {
        pop_table *pT = &pA->aT[i];
        if (!(mask & (1u << i))) continue;
        popFreeSlots(pT, i >= 2 ? "monthly" : "popularity"); /* rows move from here on */
        for (int64_t r = 0; r < pT->nRow; r++) {
            lp_pop_row *pR = &pT->aRow[r];
            pR->segRank = pR->segment == LP_NONE ? 0 : aSegRank[pR->segment] + 1;
            pR->labelRank = pR->label == LP_NONE ? 0 : aLabelRank[learnpath_label_index(pD, pR->label)] + 1;
        }
        if (i >= 2) {
            rc = popFinishMonthly(pT, &pMemo->aaLabel[i], &pMemo->anLabel[i]);
        } else {
            popFinishPopularity(pT);
        }
        pMemo->aaRow[i] = pT->aRow;
        pMemo->anRow[i] = pT->nRow;
        pT->aRow = NULL;
        pT->nRow = pT->nRowAlloc = 0;
    }
    pMemo->monthLo = 1;
    pMemo->monthHi = 0;
    if (pA->hasTime) {
        int64_t tLo = pA->tMin, tHi = pA->tMax;
        if (pSpec->hasSince && pSpec->since > tLo) tLo = pSpec->since;
        if (pSpec->hasUntil && pSpec->until <= tHi) tHi = pSpec->until - 1;
        if (tLo <= tHi) {
            pMemo->monthLo = learnpath_time_month(tLo);
            pMemo->monthHi = learnpath_time_month(tHi);
        }
    }
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/* Add user u, shaped by pSh, to the fed aggregates aFed[kind] (-1: none),
** in the dense counts when they are made (A.D.aPop). */
static int popAddUser(pop_acc *pA, const lp_shaper *pSh, uint32_t u, const int *aFed) {
    int rc = SQLITE_OK;
    if (aFed[0] >= 0) {
        uint32_t seg = aFed[0] & 1 ? LP_NONE : pSh->segment;
        rc = pA->D.aPop ? popDenseAddPopularity(pA, pSh, u, seg) : popAddPopularity(pA, &pA->aT[aFed[0]], pSh, u, seg);
    }
    if (rc == SQLITE_OK && aFed[1] >= 0) {
        uint32_t seg = aFed[1] & 1 ? LP_NONE : pSh->segment;
        rc = pA->D.aPop ? popDenseAddMonthly(pA, &pA->aT[aFed[1]], pSh, seg) : popAddMonthly(pA, &pA->aT[aFed[1]], pSh, seg);
    }
    return rc;
}

/*
** Compute the aggregates of mask (bits LP_POP) in one pass over the users
** into pMemo. Per kind, the aggregate per segment is fed user by user and
** the one over all users derived from it; when only the one over all
** users is asked for, it is fed itself.
*/
static int popBuild(lp_users *pIt, lp_shaper *pSh, unsigned mask, lp_pop_memo *pMemo,
                    char **pzErr) {
    pop_acc A;
    int64_t nLimit = learnpath_users_limit(pIt);
    int aFed[2], rc = SQLITE_OK;
    memset(&A, 0, sizeof(A));
    rc = popDenseInit(&A.D, pIt, nLimit);
    for (int m = 0; m < 2; m++) {
        /* the aggregate of kind m fed user by user, or -1 */
        aFed[m] = mask & (1u << LP_POP(m, 0)) ? LP_POP(m, 0)
                  : mask & (1u << LP_POP(m, 1)) ? LP_POP(m, 1)
                                                  : -1;
    }
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
        const lp_data *pD = pIt->pData;
        uint32_t u = pIt->u, i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1];
        int keep;
        if (i0 < i1) {
            /* the data's months: every user's rows, kept or not */
            if (!A.hasTime || pD->aT[i0] < A.tMin) A.tMin = pD->aT[i0];
            if (!A.hasTime || pD->aT[i1 - 1] > A.tMax) A.tMax = pD->aT[i1 - 1];
            A.hasTime = 1;
        }
        rc = learnpath_shape_user(pSh, u, &keep);
        if (rc || !keep) continue;
        rc = popAddUser(&A, pSh, u, aFed);
        if (rc == SQLITE_OK && nLimit) rc = popCheckBudget(pIt, pSh, &A, nLimit, 0, pzErr);
    }
    if (rc == SQLITE_OK && A.D.aPop) rc = popDenseFold(&A, aFed[0], aFed[1]);
    for (int m = 0; m < 2 && rc == SQLITE_OK; m++) {
        if (aFed[m] != LP_POP(m, 0) || !(mask & (1u << LP_POP(m, 1)))) continue;
        rc = popDerive(&A.aT[LP_POP(m, 1)], &A.aT[LP_POP(m, 0)]);
        if (rc == SQLITE_OK) rc = popCheckBudget(pIt, pSh, &A, nLimit, 0, pzErr);
    }
    if (rc == SQLITE_OK) {
        /* finishing copies each segment's labels of the monthly cells */
        int64_t nCell = A.aT[2].nRow + A.aT[3].nRow;
        rc = popCheckBudget(pIt, pSh, &A, nLimit, nCell * (int64_t)sizeof(lp_pop_row), pzErr);
    }
    if (rc == SQLITE_OK) rc = popFinish(&A, pIt->pData, pSh, mask, pMemo);
    popAccFree(&A);
    return rc;
}

/* ------------------------------------------------------- the memo */

/* See lp_journey.h. */
void learnpath_pop_memo_unref(lp_pop_memo *p) {
    if (--p->nRef > 0) return;
    learnpath_shaper_free(&p->sh);
    for (int i = 0; i < LP_POP_N; i++) {
        sqlite3_free(p->aaRow[i]);
        sqlite3_free(p->aaLabel[i]);
    }
    sqlite3_free(p);
}

/* lp_data.axMemoFree[LP_MEMO_POP]: drop the data's reference to each memo. */
static void popMemoListFree(void *pList) {
    lp_pop_memo *p = pList;
    while (p) {
        lp_pop_memo *pNext = p->pNext;
        learnpath_pop_memo_unref(p);
        p = pNext;
    }
}

/*
** See lp_journey.h. Kept with the data (in memory), a memo holds every
** aggregate the data has: both functions, per segment and over all users,
** so the other queries of a report on the same source find theirs ready.
*/
int learnpath_pop_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape, int iPop,
                      lp_pop_memo **ppMemo, char **pzErr) {
    lp_data *pD = pIt->pData;
    /* streaming, or with group_value (rule 12): rows for this query only */
    int isStream = pIt->pStream != NULL || pIt->isGroupFilter;
    lp_pop_memo *pMemo;
    int rc;
    for (pMemo = isStream ? NULL : pD->apMemo[LP_MEMO_POP]; pMemo; pMemo = pMemo->pNext) {
        if (learnpath_shape_spec_eq(&pMemo->shape, pShape)) break;
    }
    if (pMemo) {
        pMemo->nRef++;
        *ppMemo = pMemo;
        return SQLITE_OK;
    }
    pMemo = sqlite3_malloc64(sizeof(*pMemo));
    if (!pMemo) return SQLITE_NOMEM;
    memset(pMemo, 0, sizeof(*pMemo));
    unsigned mask = isStream ? 1u << iPop
                    : pD->aSeg ? 0xfu
                               : (1u << LP_POP(0, 1)) | (1u << LP_POP(1, 1));
    pSh->ignoreSegments = 0; /* the aggregates over all users ignore them */
    rc = popBuild(pIt, pSh, mask, pMemo, pzErr);
    pMemo->nRef = 1;
    if (rc) {
        learnpath_pop_memo_unref(pMemo); /* the shaper stays with the caller */
        return rc;
    }
    pMemo->shape = *pShape;
    pMemo->sh = *pSh; /* the memo takes the shaper and the rows */
    pMemo->sh.pSpec = &pMemo->shape;
    memset(pSh, 0, sizeof(*pSh));
    if (!isStream) {
        pMemo->nRef++; /* the data keeps a reference too */
        pMemo->pNext = pD->apMemo[LP_MEMO_POP];
        pD->apMemo[LP_MEMO_POP] = pMemo;
        pD->axMemoFree[LP_MEMO_POP] = popMemoListFree;
    }
    *ppMemo = pMemo;
    return SQLITE_OK;
}

/* ------------------------------------------------------- monthly rows */

/* The current row's starters: the next cell's when it is this row's. */
static void monthSetRow(lp_month_iter *p) {
    const lp_pop_row *pL = &p->aLabel[p->iLabel];
    const lp_pop_row *pC = p->iCell < p->nCell ? &p->aCell[p->iCell] : NULL;
    p->isCell = pC && pC->segRank == pL->segRank && pC->month == p->month &&
                pC->labelRank == pL->labelRank;
    p->users = p->isCell ? pC->users : 0;
}

/* Start month p->month of the segment: its starters, its first label. */
static void monthStartMonth(lp_month_iter *p) {
    uint32_t segRank = p->aLabel[p->iLabel0].segRank;
    /* no cell lies outside the months (popFinish); were one to, skip it */
    while (p->iCell < p->nCell && (p->aCell[p->iCell].segRank < segRank ||
                                   (p->aCell[p->iCell].segRank == segRank &&
                                    p->aCell[p->iCell].month < p->month))) {
        p->iCell++;
    }
    p->monthUsers = 0;
    for (int64_t c = p->iCell; c < p->nCell && p->aCell[c].segRank == segRank &&
                               p->aCell[c].month == p->month;
         c++) {
        p->monthUsers += p->aCell[c].users;
    }
    p->iLabel = p->iLabel0;
    monthSetRow(p);
}

/* Start the segment whose labels begin at p->iLabel0, at its first month. */
static void monthStartSegment(lp_month_iter *p) {
    if (p->iLabel0 >= p->nLabel || p->monthLo > p->monthHi) {
        p->eof = 1;
        return;
    }
    p->iLabel1 = p->iLabel0 + 1;
    while (p->iLabel1 < p->nLabel && p->aLabel[p->iLabel1].segRank == p->aLabel[p->iLabel0].segRank) {
        p->iLabel1++;
    }
    p->month = p->monthLo;
    monthStartMonth(p);
}

/* See lp_journey.h. */
void learnpath_month_first(lp_month_iter *p, const lp_pop_memo *pMemo, int iPop) {
    memset(p, 0, sizeof(*p));
    p->aCell = pMemo->aaRow[iPop];
    p->nCell = pMemo->anRow[iPop];
    p->aLabel = pMemo->aaLabel[iPop];
    p->nLabel = pMemo->anLabel[iPop];
    p->monthLo = pMemo->monthLo;
    p->monthHi = pMemo->monthHi;
    monthStartSegment(p);
}

/* See lp_journey.h. */
void learnpath_month_next(lp_month_iter *p) {
    if (p->isCell) p->iCell++;
    if (++p->iLabel < p->iLabel1) {
        monthSetRow(p);
    } else if (++p->month <= p->monthHi) {
        monthStartMonth(p);
    } else {
        p->iLabel0 = p->iLabel1;
        monthStartSegment(p);
    }
}
