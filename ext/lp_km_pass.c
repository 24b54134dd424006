/*
** lp_km_pass.c - the users of the continuation functions (rule 17), read
** once per source, shaping and observation end and kept with the data,
** and the strata every continuation function walks (rules 18-21).
**
** How it works. One pass over the users (from the cache, or streamed)
** shapes each journey as first_program does (rules 4-8) and keeps per user
** the start of step 1 and of step 2 (if any), step 2's label, the segment
** and the first step's label (lp_km_user, 32 bytes). The observation end E
** is known only after the pass when observe_until is not given (the latest
** time of the source), so each user's time and status are set then
** (kmTimes). The users are then put in order of time once (an LSD radix
** sort on the time's bits) and kept so, with the data (LP_MEMO_KM).
**
** A result (lp_survival.c's builders over each stratum) then needs no
** comparison sort: stable counting sorts of the time-ordered users by
** first step and by segment give every stratum's users in order of time
** (kmStrata), and by segment and month of s1 the cohorts' (kmCohorts).
** Each result is kept in the memo too, so the same query again reads it,
** continuation_stats reads the medians of any curve of the same band, and
** a query without segment_col over data read with one reads the strata
** over all segments from the same users. Streaming, or with group_value,
** the memo is the query's own.
*/
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lp_journey.h"

/* The most results a memo keeps, and memos a source's data keeps: past
** them the oldest no cursor reads are dropped, so a session asking for
** ever new conf_level or observe_until values holds a bounded memory. */
#define KM_MAX_RESULTS 8
#define KM_MAX_MEMOS 4

/* A result kept in a memo: what asked for it, and its rows. */
typedef struct km_res_memo {
    struct km_res_memo *pNext;
    int nRef;                 /* the cursors reading it */
    int64_t nByte;            /* the heap it holds */
    lp_km_spec spec;          /* its aAtDay is aDay */
    double *aDay;
    int ignoreSeg;            /* the strata over all segments */
    int isStatsOnly;          /* the strata and medians, no rows */
    int hasMedians;           /* the strata's medians are set */
    lp_km_result res;
} km_res_memo;

/* A run of users of one segment and first step (places in name order),
** in order of time: users iFirst, ..., iFirst + n - 1 of their order. */
typedef struct km_run {
    int64_t iFirst, n;
    uint32_t seg, label;
} km_run;

/* Users in one order, as the arrays the builders read, and their runs. */
typedef struct km_order {
    double *aT;
    uint32_t *aDest;
    int64_t *aS1;             /* the main order only */
    km_run *aRun;
    int64_t nRun;
} km_order;

/* The orders a memo keeps: by (segment, step, time), made with the memo;
** the others when first needed, each the main order's runs merged. */
enum { KM_BY_STEP = 0, KM_BY_SEG = 1, KM_BY_STEP_ALLSEG = 2, KM_BY_TIME = 3, KM_ORDERS = 4 };

struct lp_km_memo {
    lp_km_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    int hasObserveUntil;
    int64_t observeUntil;
    lp_shaper sh;             /* owns the tie groups' labels */
    lp_km_user *aUser;        /* the pass's users (until sorted into aOrder[KM_BY_STEP]) */
    int64_t nUser;
    km_order aOrder[KM_ORDERS]; /* by (segment, first step, time); by (segment, time);
                              ** by (first step, time) over every segment; by time */
    uint32_t *aSegOf;         /* a segment's place (less one) -> the segment */
    uint32_t *aLabelOf;       /* a label's place -> the label */
    uint32_t nSeg, nLabel;    /* places: segments 0..nSeg (0: none), labels 0..nLabel-1 */
    int64_t E;                /* rule 17's E */
    int64_t nByte;            /* the heap its orders and results hold */
    km_res_memo *pRes;        /* newest first */
};

/* See lp_journey.h. */
void learnpath_km_free(lp_km_result *pRes) {
    sqlite3_free(pRes->aStratum);
    sqlite3_free(pRes->aRow);
    sqlite3_free(pRes->aCif);
    sqlite3_free(pRes->aCohort);
    memset(pRes, 0, sizeof(*pRes));
}

/* Free a result of a memo. */
static void kmResFree(km_res_memo *pR) {
    learnpath_km_free(&pR->res);
    sqlite3_free(pR->aDay);
    sqlite3_free(pR);
}

/* See lp_journey.h. */
void learnpath_km_memo_unref(lp_km_memo *p) {
    if (p == NULL || --p->nRef > 0) return;
    while (p->pRes) {
        km_res_memo *pNext = p->pRes->pNext;
        kmResFree(p->pRes);
        p->pRes = pNext;
    }
    learnpath_shaper_free(&p->sh);
    sqlite3_free(p->aUser);
    sqlite3_free(p->aSegOf);
    sqlite3_free(p->aLabelOf);
    for (int i = 0; i < KM_ORDERS; i++) {
        sqlite3_free(p->aOrder[i].aT);
        sqlite3_free(p->aOrder[i].aDest);
        sqlite3_free(p->aOrder[i].aS1);
        sqlite3_free(p->aOrder[i].aRun);
    }
    sqlite3_free(p);
}

/* lp_data.axMemoFree[LP_MEMO_KM]: drop the data's reference to each memo. */
static void kmMemoListFree(void *pList) {
    lp_km_memo *p = pList;
    while (p) {
        lp_km_memo *pNext = p->pNext;
        learnpath_km_memo_unref(p);
        p = pNext;
    }
}

/* See lp_journey.h. */
const lp_shaper *learnpath_km_shaper(const lp_km_memo *p) {
    return &p->sh;
}

/* ------------------------------------------------------------- the pass */

typedef struct km_pass {
    lp_km_user *aUser;
    int64_t nUser, nUserAlloc;
    int64_t tLast;           /* the latest enrollment time met (rule 17's E) */
    int hasLast;
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
        /* the old array and the new one, while realloc copies */
        int rc = kmCheckBudget(pIt, pSh, (nNew + pP->nUserAlloc) * (int64_t)sizeof(lp_km_user), pzErr);
        if (rc) return rc;
        lp_km_user *aNew = sqlite3_realloc64(pP->aUser, (sqlite3_uint64)nNew * sizeof(lp_km_user));
        if (!aNew) return SQLITE_NOMEM;
        pP->aUser = aNew;
        pP->nUserAlloc = nNew;
    }
    lp_km_user *pU = &pP->aUser[pP->nUser++];
    pU->s1 = pSh->aStep[0].t;
    pU->b.s2 = pSh->nStep > 1 ? pSh->aStep[1].t : LP_KM_NO_STEP;
    pU->dest = pSh->nStep > 1 ? pSh->aStep[1].label : LP_NONE;
    pU->seg = pSh->segment;
    pU->label = pSh->aStep[0].label;
    pU->month = 0;
    return SQLITE_OK;
}

/*
** Rule 17: each user's time and status, once E is known; the users whose
** step 1 starts after E are left out.
*/
static void kmTimes(km_pass *pP, const lp_shape_spec *pShape, int64_t E) {
    int64_t n = 0;
    for (int64_t i = 0; i < pP->nUser; i++) {
        lp_km_user u = pP->aUser[i];
        int64_t s1 = u.s1;
        if (s1 > E) continue;
        if (u.b.s2 != LP_KM_NO_STEP && u.b.s2 <= E) {
            u.b.t = (double)(u.b.s2 - s1) / LP_MS_PER_DAY;
        } else if (pShape->hasWithin && (double)(E - s1) > pShape->withinDays * LP_MS_PER_DAY) {
            u.b.t = pShape->withinDays;
            u.dest = LP_NONE;
        } else {
            u.b.t = (double)(E - s1) / LP_MS_PER_DAY;
            u.dest = LP_NONE;
        }
        pP->aUser[n++] = u;
    }
    pP->nUser = n;
}

/*
** The sort keys: each user's segment and first step (and step 2) become
** their places in name order (segment LP_NONE first, as 0), and the
** memo's aSegOf and aLabelOf the way back.
*/
static int kmKeys(lp_km_memo *pM) {
    const lp_data *pD = pM->sh.pData;
    uint32_t nLabel = pD->programs.n + pM->sh.groups.n;
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int rc = learnpath_label_ranks(&pM->sh, NULL, nLabel, 0, &aLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 0, &aSegRank);
    if (rc == SQLITE_OK) {
        pM->aSegOf = sqlite3_malloc64(((sqlite3_uint64)pD->segments.n + 1) * sizeof(uint32_t));
        pM->aLabelOf = sqlite3_malloc64(((sqlite3_uint64)nLabel + 1) * sizeof(uint32_t));
        if (!pM->aSegOf || !pM->aLabelOf) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        pM->nSeg = pD->segments.n;
        pM->nLabel = nLabel;
        for (uint32_t s = 0; s < pD->segments.n; s++) pM->aSegOf[aSegRank[s]] = s;
        for (uint32_t l = 0; l < nLabel; l++) {
            pM->aLabelOf[aLabelRank[l]] = l < pD->programs.n ? l : LP_GROUP_BIT | (l - pD->programs.n);
        }
        for (int64_t i = 0; i < pM->nUser; i++) {
            lp_km_user *pU = &pM->aUser[i];
            pU->seg = pU->seg == LP_NONE ? 0 : aSegRank[pU->seg] + 1;
            pU->label = aLabelRank[learnpath_label_index(pD, pU->label)];
            if (LP_KM_EVENT(pU)) pU->dest = aLabelRank[learnpath_label_index(pD, pU->dest)];
        }
    }
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/* A user's place in the sort: its time as a key that sorts as the times
** do, its index, and its segment and first step as one key. */
typedef struct km_pair {
    uint64_t key;
    int64_t s1;
    uint32_t sl, dest;
} km_pair;

/* The radix sort's digits of the time key: at most KM_RB_MAX bits each. */
#define KM_RB_MAX 13

/* What a pass of the sort orders by: a digit of the time key (bits
** shift.. of it, under mask), segment x step, step, or segment. */
enum { KM_DIG_TIME = 0, KM_DIG_SL = 1, KM_DIG_STEP = 2, KM_DIG_SEG = 3 };

/* aOut = aIn by one digit (eDig, shift, mask), stably: a counting sort over
** nKey keys, with the room aCount; with isCounted, aCount holds the digit's
** counts already. */
static void kmScatter(const km_pair *aIn, km_pair *aOut, int64_t n, int eDig, int shift,
                      int64_t *aCount, int64_t nKey, uint32_t nLabel, int isCounted) {
    uint64_t mask = (uint64_t)nKey - 1;
#define KM_DIGIT(p) (eDig == KM_DIG_TIME ? ((p)->key >> shift) & mask \
                     : eDig == KM_DIG_SL ? (p)->sl : eDig == KM_DIG_STEP ? (p)->sl % nLabel \
                     : (p)->sl / nLabel)
    int64_t sum = 0;
    if (!isCounted) {
        memset(aCount, 0, (size_t)nKey * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) aCount[KM_DIGIT(&aIn[i])]++;
    }
    for (int64_t k = 0; k < nKey; k++) {
        int64_t x = aCount[k];
        aCount[k] = sum;
        sum += x;
    }
    for (int64_t i = 0; i < n; i++) aOut[aCount[KM_DIGIT(&aIn[i])]++] = aIn[i];
#undef KM_DIGIT
}

/* Order of the users when segment x step keys do not fit 32 bits: segment,
** first step, time. */
static int kmUserCmp(const void *pa, const void *pb) {
    const lp_km_user *a = pa, *b = pb;
    if (a->seg != b->seg) return a->seg < b->seg ? -1 : 1;
    if (a->label != b->label) return a->label < b->label ? -1 : 1;
    return (a->b.t > b->b.t) - (a->b.t < b->b.t);
}

/* Room for n users (and with isS1 their s1) and nRun runs in *pO. */
static int kmOrderAlloc(km_order *pO, int64_t n, int64_t nRun, int isS1) {
    pO->aT = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(double));
    pO->aDest = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(uint32_t));
    pO->aS1 = isS1 ? sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int64_t)) : NULL;
    pO->aRun = sqlite3_malloc64((sqlite3_uint64)(nRun + 1) * sizeof(km_run));
    pO->nRun = 0;
    return pO->aT && pO->aDest && (pO->aS1 || !isS1) && pO->aRun ? SQLITE_OK : SQLITE_NOMEM;
}

/* User i of the main order from a (sorted) pair: the time from its key
** (isMs: whole milliseconds, else the time's bits), s1, step 2. */
static void kmTakePair(km_order *pO, int64_t i, const km_pair *p, int isMs) {
    if (isMs) {
        pO->aT[i] = (double)(int64_t)p->key / LP_MS_PER_DAY; /* kmTimes' own division */
    } else {
        memcpy(&pO->aT[i], &p->key, sizeof(double));
    }
    pO->aDest[i] = p->dest;
    pO->aS1[i] = p->s1;
}

/*
** The main order (KM_BY_STEP) and its runs: from the n sorted pairs a
** (isMs as kmSortUsers made their keys; segment x step as seg * nLabel +
** step), or (a NULL) from the pass's users as they lie; the pass's users
** are then freed. Reads the pairs in order: no random access.
*/
static int kmTakeOrder(lp_km_memo *pM, const km_pair *a, int isMs) {
    const lp_km_user *aU = pM->aUser;
    km_order *pO = &pM->aOrder[KM_BY_STEP];
    int64_t n = pM->nUser, nRun = 0;
    uint32_t nL = pM->nLabel ? pM->nLabel : 1;
#define KM_SEG_OF(i) (a ? a[i].sl / nL : aU[i].seg)
#define KM_STEP_OF(i) (a ? a[i].sl % nL : aU[i].label)
    for (int64_t i = 0; i < n; i++) {
        nRun += i == 0 || KM_SEG_OF(i) != KM_SEG_OF(i - 1) || KM_STEP_OF(i) != KM_STEP_OF(i - 1);
    }
    if (kmOrderAlloc(pO, n, nRun, 1)) return SQLITE_NOMEM;
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || KM_SEG_OF(i) != KM_SEG_OF(i - 1) || KM_STEP_OF(i) != KM_STEP_OF(i - 1)) {
            km_run *pR = &pO->aRun[pO->nRun++];
            pR->iFirst = i;
            pR->n = 0;
            pR->seg = KM_SEG_OF(i);
            pR->label = KM_STEP_OF(i);
        }
        pO->aRun[pO->nRun - 1].n++;
        if (a) {
            kmTakePair(pO, i, &a[i], isMs);
        } else {
            pO->aT[i] = aU[i].b.t;
            pO->aDest[i] = aU[i].dest;
            pO->aS1[i] = aU[i].s1;
        }
    }
#undef KM_SEG_OF
#undef KM_STEP_OF
    pM->nByte += n * 20 + nRun * (int64_t)sizeof(km_run);
    sqlite3_free(pM->aUser);
    pM->aUser = NULL;
    return SQLITE_OK;
}

/*
** The memo's users by (segment, first step, time), and their runs: an LSD
** radix sort of the users' (time key, index, segment x step), over the
** time key's bits in the fewest digits of at most KM_RB_MAX bits (every
** digit counted in one pass first; digits every key shares skipped), then by segment x step (one counting sort
** when there are at most 65536 such keys, else by step then by segment);
** stable, so equal times keep the order of the pass. The pairs carry what
** the main order keeps, which is then read from them in order
** (kmTakeOrder). The time key: with isMs (no
** within_days) the time in whole milliseconds, which t * 86400000
** recovers exactly for every valid time (under 2^50), and which orders the
** users as their times (t is the ms over 86400000, rounded); else the
** bits of t.
*/
static int kmSortUsers(lp_km_memo *pM, int isMs) {
    int64_t n = pM->nUser;
    uint64_t nSL = ((uint64_t)pM->nSeg + 1) * pM->nLabel, any1 = 0;
    int nBit = 0, nDigit, nWidth;
    int64_t nCount, nTime;
    km_pair *a, *b, *aBase;
    int64_t *aCount;
    int rc;
    if (nSL >= UINT32_MAX) {
        qsort(pM->aUser, (size_t)n, sizeof(lp_km_user), kmUserCmp);
        return kmTakeOrder(pM, NULL, 0);
    }
    a = aBase = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair) * 2);
    if (!a) return SQLITE_NOMEM;
    b = a + n + 1;
    for (int64_t i = 0; i < n; i++) {
        const lp_km_user *pU = &pM->aUser[i];
        if (isMs) {
            a[i].key = (uint64_t)llround(pU->b.t * LP_MS_PER_DAY);
        } else {
            memcpy(&a[i].key, &pU->b.t, sizeof(uint64_t));
        }
        a[i].s1 = pU->s1;
        a[i].sl = pU->seg * pM->nLabel + pU->label;
        a[i].dest = pU->dest;
        any1 |= a[i].key;
    }
    /* the digits: as few as KM_RB_MAX bits each allow, of equal width */
    while (nBit < 64 && (any1 >> nBit) != 0) nBit++;
    nDigit = (nBit + KM_RB_MAX - 1) / KM_RB_MAX;
    nWidth = nDigit ? (nBit + nDigit - 1) / nDigit : 1;
    nTime = (int64_t)nDigit << nWidth;
    nCount = nTime + 65536;
    if (nTime + (int64_t)pM->nSeg + 2 > nCount) nCount = nTime + (int64_t)pM->nSeg + 2;
    if (nTime + (int64_t)pM->nLabel + 1 > nCount) nCount = nTime + (int64_t)pM->nLabel + 1;
    aCount = sqlite3_malloc64((sqlite3_uint64)nCount * sizeof(int64_t));
    if (!aCount) {
        sqlite3_free(aBase);
        return SQLITE_NOMEM;
    }
    memset(aCount, 0, (size_t)nTime * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        for (int d = 0; d < nDigit; d++) {
            aCount[((int64_t)d << nWidth) + (int64_t)((a[i].key >> (nWidth * d)) & ((1u << nWidth) - 1))]++;
        }
    }
    for (int d = 0; d < nDigit + 3; d++) {
        km_pair *t;
        if (d < nDigit) {
            int isShared = 0;
            int64_t *c = aCount + ((int64_t)d << nWidth);
            for (int64_t k = 0; k < ((int64_t)1 << nWidth) && !isShared; k++) isShared = c[k] == n;
            if (isShared) continue; /* one value of this digit in every key */
            kmScatter(a, b, n, KM_DIG_TIME, nWidth * d, c, (int64_t)1 << nWidth, pM->nLabel, 1);
        } else if (d == nDigit) {
            if (nSL > 65536) continue;
            kmScatter(a, b, n, KM_DIG_SL, 0, aCount + nTime, (int64_t)nSL, pM->nLabel, 0);
        } else {
            if (nSL <= 65536) break;
            kmScatter(a, b, n, d == nDigit + 1 ? KM_DIG_STEP : KM_DIG_SEG, 0, aCount + nTime,
                      d == nDigit + 1 ? pM->nLabel : pM->nSeg + 1, pM->nLabel, 0);
        }
        t = a;
        a = b;
        b = t;
    }
    rc = kmTakeOrder(pM, a, isMs);
    sqlite3_free(aBase);
    sqlite3_free(aCount);
    return rc;
}

/*
** A new memo of the users of pIt shaped by *pSh: the pass, E (rule 17),
** the keys and the order of time. The memo takes the shaper (*pSh zeroed)
** and holds one reference.
*/
static int kmMemoNew(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                     const lp_km_spec *pSpec, lp_km_memo **ppMemo, char **pzErr) {
    km_pass P;
    lp_km_memo *pM = sqlite3_malloc64(sizeof(*pM));
    const lp_shape_spec *pShSpec = pSh->pSpec;
    int rc = SQLITE_OK;
    *ppMemo = NULL;
    if (!pM) return SQLITE_NOMEM;
    memset(pM, 0, sizeof(*pM));
    memset(&P, 0, sizeof(P));
    pM->nRef = 1;
    if (pIt->pStream == NULL && pIt->pData->nUser > 256) {
        /* in memory the users are known: room for all at once (no regrowth) */
        rc = kmCheckBudget(pIt, pSh, (int64_t)pIt->pData->nUser * (int64_t)sizeof(lp_km_user), pzErr);
        if (rc == SQLITE_OK) {
            P.aUser = sqlite3_malloc64((sqlite3_uint64)pIt->pData->nUser * sizeof(lp_km_user));
            if (!P.aUser) rc = SQLITE_NOMEM;
            P.nUserAlloc = P.aUser ? pIt->pData->nUser : 0;
        }
    }
    for (; rc == SQLITE_OK && !pIt->eof; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
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
    pM->shape = *pShape;
    pM->hasObserveUntil = pSpec->hasObserveUntil;
    pM->observeUntil = pSpec->observeUntil;
    pM->E = pSpec->hasObserveUntil ? pSpec->observeUntil : P.tLast;
    pM->sh = *pSh; /* the memo takes the shaper */
    pM->sh.pSpec = &pM->shape;
    memset(pSh, 0, sizeof(*pSh));
    pM->aUser = P.aUser;
    if (rc == SQLITE_OK) {
        kmTimes(&P, pShape, pM->E);
        pM->nUser = P.nUser;
        rc = kmKeys(pM);
    }
    /* the sort's room: the pass's users, the pairs twice and the main order */
    if (rc == SQLITE_OK) {
        rc = kmCheckBudget(pIt, &pM->sh, P.nUserAlloc * (int64_t)sizeof(lp_km_user) + pM->nUser * 68, pzErr);
    }
    if (rc == SQLITE_OK) rc = kmSortUsers(pM, !pShape->hasWithin);
    if (rc) {
        /* the shaper stays with the caller (to stream, over the budget) */
        *pSh = pM->sh;
        pSh->pSpec = pShSpec;
        memset(&pM->sh, 0, sizeof(pM->sh));
        learnpath_km_memo_unref(pM);
        return rc;
    }
    *ppMemo = pM;
    return SQLITE_OK;
}

/* ----------------------------------------------------------- the strata */

/* The head of a run in a merge: its next user's time, place and end. */
typedef struct km_head {
    double t;
    int64_t i, e;
} km_head;

/* Restore the heap order of aH[0..nH) below place i (least time first). */
static void kmSift(km_head *aH, int64_t nH, int64_t i) {
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < nH && aH[l].t < aH[m].t) m = l;
        if (r < nH && aH[r].t < aH[m].t) m = r;
        if (m == i) return;
        km_head t = aH[i];
        aH[i] = aH[m];
        aH[m] = t;
        i = m;
    }
}

/* User i of order *pIn to place j of *pOut (its s1 when *pOut keeps them). */
static void kmCopyUser(const km_order *pIn, int64_t i, km_order *pOut, int64_t j) {
    pOut->aT[j] = pIn->aT[i];
    pOut->aDest[j] = pIn->aDest[i];
    if (pOut->aS1) pOut->aS1[j] = pIn->aS1[i];
}

/*
** The users of the nR runs aR of *pIn (each in order of time) in order of
** time, into *pOut from place iOut: a k-way merge over a binary heap of
** the runs' heads (aH: room for nR). Returns how many.
*/
static int64_t kmMerge(const km_order *pIn, const km_run *aR, int64_t nR, km_order *pOut,
                       int64_t iOut, km_head *aH) {
    int64_t nH = 0, n = 0;
    for (int64_t k = 0; k < nR; k++) {
        if (aR[k].n == 0) continue;
        aH[nH].i = aR[k].iFirst;
        aH[nH].e = aR[k].iFirst + aR[k].n;
        aH[nH].t = pIn->aT[aH[nH].i];
        nH++;
    }
    for (int64_t i = nH / 2; i-- > 0;) kmSift(aH, nH, i);
    while (nH > 1) {
        kmCopyUser(pIn, aH[0].i++, pOut, iOut + n++);
        if (aH[0].i == aH[0].e) {
            aH[0] = aH[--nH];
        } else {
            aH[0].t = pIn->aT[aH[0].i];
        }
        kmSift(aH, nH, 0);
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
    return k == KM_BY_TIME || (k == KM_BY_SEG ? a->seg == b->seg : a->label == b->label);
}

/*
** Order k of the memo (KM_BY_SEG, KM_BY_STEP_ALLSEG or KM_BY_TIME), made
** the first time it is needed and kept: the main order's runs, grouped by
** segment or by first step, each group merged into order of time; or
** (KM_BY_TIME) KM_BY_SEG's runs all merged. Its runs: one per group (the
** other key 0 and label LP_NONE).
*/
static int kmPooled(lp_km_memo *pM, int k) {
    /* by time: the segments' orders merged (fewer runs than the main's) */
    const km_order *pMain = &pM->aOrder[k == KM_BY_TIME ? KM_BY_SEG : KM_BY_STEP];
    km_order *pO = &pM->aOrder[k];
    km_run *aByLabel = NULL;
    const km_run *aR = pMain->aRun;
    int64_t nR = pMain->nRun, nGroup = 0, iOut = 0;
    km_head *aH;
    int rc = SQLITE_OK;
    if (pO->aT) return SQLITE_OK;
    if (k == KM_BY_TIME && (rc = kmPooled(pM, KM_BY_SEG)) != SQLITE_OK) return rc;
    aR = pMain->aRun;
    nR = pMain->nRun;
    if (k == KM_BY_STEP_ALLSEG) {
        rc = kmRunsByLabel(pMain->aRun, nR, pM->nLabel, &aByLabel);
        aR = aByLabel;
    }
    for (int64_t i = 0; i < nR && rc == SQLITE_OK; i++) nGroup += i == 0 || !kmSameGroup(k, &aR[i - 1], &aR[i]);
    aH = sqlite3_malloc64((sqlite3_uint64)(nR + 1) * sizeof(km_head));
    if (rc == SQLITE_OK && !aH) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = kmOrderAlloc(pO, pM->nUser, nGroup, k != KM_BY_STEP_ALLSEG);
    for (int64_t i = 0; i < nR && rc == SQLITE_OK;) {
        int64_t e = i + 1;
        while (e < nR && kmSameGroup(k, &aR[i], &aR[e])) e++;
        km_run *pG = &pO->aRun[pO->nRun++];
        pG->iFirst = iOut;
        pG->seg = k == KM_BY_SEG ? aR[i].seg : 0;
        pG->label = k == KM_BY_STEP_ALLSEG ? aR[i].label : LP_NONE;
        pG->n = kmMerge(pMain, aR + i, e - i, pO, iOut, aH);
        iOut += pG->n;
        i = e;
    }
    if (rc == SQLITE_OK) {
        pM->nByte += pM->nUser * (pO->aS1 ? 20 : 12) + nGroup * (int64_t)sizeof(km_run);
    }
    if (rc) {
        sqlite3_free(pO->aT);
        sqlite3_free(pO->aDest);
        sqlite3_free(pO->aS1);
        sqlite3_free(pO->aRun);
        memset(pO, 0, sizeof(*pO));
    }
    sqlite3_free(aByLabel);
    sqlite3_free(aH);
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

/* One stratum: the curve's or the incidence's builder. */
static int kmOneStratum(lp_km_build *pB, const lp_km_memo *pM, const km_order *pO,
                        const km_run *pR) {
    uint32_t seg = pR->seg == 0 ? LP_NONE : pM->aSegOf[pR->seg - 1];
    uint32_t label = pR->label == LP_NONE ? LP_NONE : pM->aLabelOf[pR->label];
    if (pB->pSpec->eKind == LP_KM_INCIDENCE) {
        return learnpath_km_incidence(pB, kmView(pO, pR), pR->n, seg, label);
    }
    return learnpath_km_stratum(pB, kmView(pO, pR), pR->n, seg, label);
}

/*
** Every stratum of rule 18, in output order: per segment (in name order,
** none first), its strata per first step (in name order: the main order's
** runs), then its stratum over every first step (KM_BY_SEG's run); with
** ignoreSeg the strata per first step over every segment
** (KM_BY_STEP_ALLSEG), then every user's (KM_BY_TIME).
*/
static int kmStrata(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg) {
    const km_order *pMain = &pM->aOrder[KM_BY_STEP];
    int rc = kmPooled(pM, ignoreSeg ? KM_BY_STEP_ALLSEG : KM_BY_SEG);
    if (rc == SQLITE_OK && ignoreSeg) rc = kmPooled(pM, KM_BY_TIME);
    if (rc == SQLITE_OK && ignoreSeg) {
        const km_order *pL = &pM->aOrder[KM_BY_STEP_ALLSEG], *pT = &pM->aOrder[KM_BY_TIME];
        for (int64_t i = 0; i < pL->nRun && rc == SQLITE_OK; i++) rc = kmOneStratum(pB, pM, pL, &pL->aRun[i]);
        if (rc == SQLITE_OK && pT->nRun > 0) rc = kmOneStratum(pB, pM, pT, &pT->aRun[0]);
        return rc;
    }
    const km_order *pS = &pM->aOrder[KM_BY_SEG];
    for (int64_t i = 0, g = 0; i < pMain->nRun && rc == SQLITE_OK; g++) {
        for (; i < pMain->nRun && pMain->aRun[i].seg == pS->aRun[g].seg && rc == SQLITE_OK; i++) {
            rc = kmOneStratum(pB, pM, pMain, &pMain->aRun[i]);
        }
        if (rc == SQLITE_OK) rc = kmOneStratum(pB, pM, pS, &pS->aRun[g]);
    }
    return rc;
}

/*
** continuation_cohorts' strata (rule 21), in order of month of s1, then
** segment, each in order of time: the users by (segment, time)
** (KM_BY_SEG; with ignoreSeg by time, KM_BY_TIME) put in order of month
** by a stable counting sort (months are few: at most 12 a year of valid
** times), so each (month, segment) lies in order of time.
*/
static int kmCohorts(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg) {
    const km_order *pO = &pM->aOrder[ignoreSeg ? KM_BY_TIME : KM_BY_SEG];
    int64_t n = pM->nUser, mMin = 0, mMax = 0, *aCount = NULL;
    int32_t *aMonth = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int32_t));
    int32_t *aMonthC = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int32_t));
    uint32_t *aSegC = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(uint32_t));
    km_order C;
    int rc = aMonth && aMonthC && aSegC ? SQLITE_OK : SQLITE_NOMEM;
    memset(&C, 0, sizeof(C));
    if (rc == SQLITE_OK) rc = kmPooled(pM, ignoreSeg ? KM_BY_TIME : KM_BY_SEG);
    for (int64_t i = 0; i < n && rc == SQLITE_OK; i++) {
        aMonth[i] = (int32_t)learnpath_time_month(pO->aS1[i]);
        if (i == 0 || aMonth[i] < mMin) mMin = aMonth[i];
        if (i == 0 || aMonth[i] > mMax) mMax = aMonth[i];
    }
    if (rc == SQLITE_OK) {
        aCount = sqlite3_malloc64((sqlite3_uint64)(mMax - mMin + 2) * sizeof(int64_t));
        if (!aCount) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) rc = kmOrderAlloc(&C, n, 0, 1);
    if (rc == SQLITE_OK) {
        memset(aCount, 0, (size_t)(mMax - mMin + 2) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) aCount[aMonth[i] - mMin + 1]++;
        for (int64_t k = 0; k <= mMax - mMin; k++) aCount[k + 1] += aCount[k];
        for (int64_t r = 0; r < pO->nRun; r++) {
            const km_run *pR = &pO->aRun[r];
            for (int64_t i = pR->iFirst; i < pR->iFirst + pR->n; i++) {
                int64_t j = aCount[aMonth[i] - mMin]++;
                kmCopyUser(pO, i, &C, j);
                aMonthC[j] = aMonth[i];
                aSegC[j] = pR->seg;
            }
        }
    }
    for (int64_t i = 0; i < n && rc == SQLITE_OK;) {
        int64_t e = i + 1;
        while (e < n && aMonthC[e] == aMonthC[i] && aSegC[e] == aSegC[i]) e++;
        km_run run = {i, e - i, 0, 0};
        rc = learnpath_km_cohort(pB, kmView(&C, &run), e - i,
                                 aSegC[i] == 0 ? LP_NONE : pM->aSegOf[aSegC[i] - 1], aMonthC[i]);
        i = e;
    }
    sqlite3_free(C.aT);
    sqlite3_free(C.aDest);
    sqlite3_free(C.aS1);
    sqlite3_free(C.aRun);
    sqlite3_free(aCount);
    sqlite3_free(aMonth);
    sqlite3_free(aMonthC);
    sqlite3_free(aSegC);
    return rc;
}

/* ------------------------------------------------------------- the memo */

/* Does the kept result r answer pSpec? continuation_stats (isStats) reads
** the strata's medians, which any curve of the same band has. */
static int kmResMatch(const km_res_memo *r, const lp_km_spec *pSpec, int isStats, int ignoreSeg) {
    if (r->ignoreSeg != ignoreSeg || r->spec.eKind != pSpec->eKind) return 0;
    if (pSpec->eKind == LP_KM_CURVE && (r->spec.z != pSpec->z || r->spec.eConf != pSpec->eConf)) {
        return 0;
    }
    if (isStats) return r->hasMedians;
    if (r->isStatsOnly || r->spec.nAtDay != pSpec->nAtDay) return 0;
    if ((r->spec.aAtDay == NULL) != (pSpec->aAtDay == NULL)) return 0;
    for (int i = 0; i < pSpec->nAtDay; i++) {
        if (r->spec.aAtDay[i] != pSpec->aAtDay[i]) return 0;
    }
    return 1;
}

/* Past KM_MAX_RESULTS results, drop the oldest no cursor reads. */
static void kmResTrim(lp_km_memo *pM) {
    int n = 0;
    for (km_res_memo *p = pM->pRes; p; p = p->pNext) n++;
    while (n > KM_MAX_RESULTS) {
        km_res_memo **pp = NULL;
        for (km_res_memo **q = &pM->pRes; *q; q = &(*q)->pNext) {
            if ((*q)->nRef == 0) pp = q; /* the last such: the oldest */
        }
        if (pp == NULL) return;
        km_res_memo *pDrop = *pp;
        *pp = pDrop->pNext;
        pM->nByte -= pDrop->nByte;
        kmResFree(pDrop);
        n--;
    }
}

/* Past KM_MAX_MEMOS memos with the data, drop the oldest only the data
** holds. */
static void kmMemoTrim(lp_data *pD) {
    int n = 0;
    for (lp_km_memo *p = pD->apMemo[LP_MEMO_KM]; p; p = p->pNext) n++;
    while (n > KM_MAX_MEMOS) {
        lp_km_memo **pp = NULL;
        for (lp_km_memo **q = (lp_km_memo **)&pD->apMemo[LP_MEMO_KM]; *q; q = &(*q)->pNext) {
            if ((*q)->nRef == 1) pp = q;
        }
        if (pp == NULL) return;
        lp_km_memo *pDrop = *pp;
        *pp = pDrop->pNext;
        pDrop->pNext = NULL;
        learnpath_km_memo_unref(pDrop);
        n--;
    }
}

/* A new result of the memo's users for pSpec, kept in the memo. */
static int kmResNew(lp_km_memo *pM, const lp_users *pIt, const lp_km_spec *pSpec, int isStats,
                    int ignoreSeg, km_res_memo **ppR, char **pzErr) {
    lp_km_build B;
    km_res_memo *pR = sqlite3_malloc64(sizeof(*pR));
    /* what the memo holds, the pooled orders (at most 52 bytes a user) and
    ** the rows: at most one row per user and stratum, or per day and
    ** stratum */
    int rc = kmCheckBudget(pIt, &pM->sh,
                           pM->nByte + pM->nUser * (52 + 2 * (int64_t)sizeof(lp_km_row)), pzErr);
    if (!pR) return SQLITE_NOMEM;
    memset(pR, 0, sizeof(*pR));
    pR->spec = *pSpec;
    pR->ignoreSeg = ignoreSeg;
    pR->isStatsOnly = isStats;
    /* the medians: for continuation_stats, and with every curve, which a
    ** later continuation_stats reads (a report asks for both) */
    pR->hasMedians = isStats || pSpec->eKind == LP_KM_CURVE;
    if (rc == SQLITE_OK && pSpec->aAtDay) {
        pR->aDay = sqlite3_malloc64((sqlite3_uint64)(pSpec->nAtDay + 1) * sizeof(double));
        if (!pR->aDay) rc = SQLITE_NOMEM;
        else memcpy(pR->aDay, pSpec->aAtDay, (size_t)pSpec->nAtDay * sizeof(double));
    }
    pR->spec.aAtDay = pR->aDay;
    if (rc == SQLITE_OK) {
        memset(&B, 0, sizeof(B));
        B.pRes = &pR->res;
        B.pSpec = &pR->spec;
        B.aLabelOf = pM->aLabelOf;
        B.E = pM->E;
        B.isStatsOnly = isStats;
        B.hasMedians = pR->hasMedians;
        /* with no segment in the data, the strata per segment are those over
        ** all segments: no pooled orders to make */
        int ign = ignoreSeg && pM->nSeg > 0;
        rc = pSpec->eKind == LP_KM_COHORTS ? kmCohorts(&B, pM, ign) : kmStrata(&B, pM, ign);
    }
    if (rc) {
        kmResFree(pR);
        return rc;
    }
    pR->nByte = (int64_t)sizeof(*pR) + pR->res.nStratum * (int64_t)sizeof(lp_km_stratum) +
                pR->res.nRow * (int64_t)sizeof(lp_km_row) + pR->res.nCif * (int64_t)sizeof(lp_km_cif) +
                pR->res.nCohort * (int64_t)sizeof(lp_km_cohort);
    pM->nByte += pR->nByte;
    pR->pNext = pM->pRes;
    pM->pRes = pR;
    *ppR = pR;
    kmResTrim(pM);
    return SQLITE_OK;
}

/* See lp_journey.h. */
int learnpath_km_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                     const lp_km_spec *pSpec, int isStats, lp_km_memo **ppMemo,
                     const lp_km_result **ppRes, char **pzErr) {
    lp_data *pD = pIt->pData;
    /* streaming, or with group_value (rule 12): a memo for this query only */
    int isStream = pIt->pStream != NULL || pIt->isGroupFilter;
    int ignoreSeg = pSh->ignoreSegments || pD->aSeg == NULL;
    lp_km_memo *pM;
    km_res_memo *pR;
    int rc = SQLITE_OK;
    *ppMemo = NULL;
    *ppRes = NULL;
    for (pM = isStream ? NULL : pD->apMemo[LP_MEMO_KM]; pM; pM = pM->pNext) {
        if (learnpath_shape_spec_eq(&pM->shape, pShape) && pM->hasObserveUntil == pSpec->hasObserveUntil &&
            (!pM->hasObserveUntil || pM->observeUntil == pSpec->observeUntil)) {
            break;
        }
    }
    if (pM == NULL) {
        /* kept with the data: every segment, for the queries with and without one */
        if (!isStream) pSh->ignoreSegments = 0;
        rc = kmMemoNew(pIt, pSh, pShape, pSpec, &pM, pzErr);
        if (rc) return rc;
        if (!isStream) {
            pM->nRef++; /* the data's reference */
            pM->pNext = pD->apMemo[LP_MEMO_KM];
            pD->apMemo[LP_MEMO_KM] = pM;
            pD->axMemoFree[LP_MEMO_KM] = kmMemoListFree;
            kmMemoTrim(pD);
        }
    } else {
        pM->nRef++;
    }
    for (pR = pM->pRes; pR && !kmResMatch(pR, pSpec, isStats, ignoreSeg); pR = pR->pNext) {
    }
    if (pR == NULL) rc = kmResNew(pM, pIt, pSpec, isStats, ignoreSeg, &pR, pzErr);
    if (rc) {
        learnpath_km_memo_unref(pM);
        return rc;
    }
    pR->nRef++;
    *ppMemo = pM;
    *ppRes = &pR->res;
    return SQLITE_OK;
}

/* See lp_journey.h. */
void learnpath_km_release(lp_km_memo *pMemo, const lp_km_result *pRes) {
    if (pMemo == NULL) return;
    if (pRes) {
        km_res_memo *pR = (km_res_memo *)(void *)((char *)(uintptr_t)pRes - offsetof(km_res_memo, res));
        pR->nRef--;
    }
    learnpath_km_memo_unref(pMemo);
}
