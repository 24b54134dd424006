/*
** lp_km_pass.c - the users of the continuation functions (rule 17) and of
** segment_compare (rule 23), read once per source, shaping and observation
** end, kept with the data (LP_MEMO_KM) with the results made from them.
**
** How it works. One pass over the users (from the cache, or streamed)
** shapes each journey as first_program does (rules 4-8) and keeps per user
** the start of step 1 and of step 2 (if any), step 2's label, the segment,
** the first step's label and the user's number (lp_km_user, 32 bytes). The
** observation end E is known only after the pass when observe_until is not
** given (the latest time of the source), so each user's time and status
** are set then (kmTimes). The users are then sorted once by (segment, first
** step, time): an LSD radix sort of the time in whole milliseconds in the
** fewest digits of at most 13 bits, then one counting sort by segment x
** step (kmSortUsers), and kept as arrays (the main order). lp_km_orders.c
** makes the other orders from it and walks the strata.
**
** Each result is kept in the memo too (at most KM_MAX_RESULTS, and
** KM_MAX_MEMOS memos a source), so the same query again reads it,
** continuation_stats reads the medians of any curve of the same band, and
** segment_compare reads the orders (learnpath_km_orders). Streaming, or
** with group_value, the memo is the query's own.
*/
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lp_km.h"

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
    for (int i = 0; i < KM_ORDERS; i++) learnpath_km_order_free(&p->aOrder[i]);
    sqlite3_free(p->aLateUid);
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
static int kmCheckBudget(const lp_users *pIt, const lp_shaper *pSh, int64_t nByte, int64_t nUser,
                         char **pzErr) {
    int64_t nLimit = learnpath_users_limit(pIt);
    if (nLimit == 0) return SQLITE_OK;
    if (learnpath_users_held(pIt) + learnpath_shaper_bytes(pSh) + nByte <= nLimit) return SQLITE_OK;
    if (pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
    return learnpath_users_budget_error_users(pIt, nUser, pSh->groups.n, pzErr);
}

/* Keep the user just shaped (kept by rules 1-8). */
static int kmAddUser(km_pass *pP, const lp_users *pIt, const lp_shaper *pSh, char **pzErr) {
    if (pP->nUser >= pP->nUserAlloc) {
        int64_t nNew = pP->nUserAlloc ? pP->nUserAlloc * 2 : 256;
        /* the old array and the new one, while realloc copies */
        int rc = kmCheckBudget(pIt, pSh, (nNew + pP->nUserAlloc) * (int64_t)sizeof(lp_km_user), pP->nUser,
                               pzErr);
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
    /* in memory a group is found by the user's number at any time;
    ** streaming, only now */
    pU->uid = pIt->pStream ? learnpath_users_group(pIt, pIt->u) : pIt->u;
    return SQLITE_OK;
}

/*
** Rule 17: each user's time and status, once E is known; the users whose
** step 1 starts after E are left out (their uid kept in the memo's
** aLateUid: segment_compare counts them for compare_group 'largest').
*/
static int kmTimes(km_pass *pP, lp_km_memo *pM, const lp_shape_spec *pShape, int64_t E) {
    int64_t n = 0, nLate = 0;
    for (int64_t i = 0; i < pP->nUser; i++) nLate += pP->aUser[i].s1 > E;
    if (nLate > 0) {
        pM->aLateUid = sqlite3_malloc64((sqlite3_uint64)nLate * sizeof(uint32_t));
        if (!pM->aLateUid) return SQLITE_NOMEM;
    }
    for (int64_t i = 0; i < pP->nUser; i++) {
        lp_km_user u = pP->aUser[i];
        int64_t s1 = u.s1;
        if (s1 > E) {
            pM->aLateUid[pM->nLate++] = u.uid;
            continue;
        }
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
    return SQLITE_OK;
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
    uint32_t sl, dest, uid, pad;
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

/* User i of the main order from a (sorted) pair: the time from its key
** (unit > 0: whole multiples of unit milliseconds; 0: the time's bits), s1,
** step 2, uid. */
static void kmTakePair(km_order *pO, int64_t i, const km_pair *p, int64_t unit) {
    if (unit) {
        /* kmTimes' own division: key * unit is the whole ms exactly */
        pO->aT[i] = (double)((int64_t)p->key * unit) / LP_MS_PER_DAY;
    } else {
        memcpy(&pO->aT[i], &p->key, sizeof(double));
    }
    pO->aDest[i] = p->dest;
    pO->aS1[i] = p->s1;
    pO->aUid[i] = p->uid;
}

/*
** Order k of the memo and its runs: the main order (KM_BY_STEP, runs by
** segment and first step) or KM_BY_SEG (runs by segment, label LP_NONE, as
** learnpath_km_pooled makes it), from the n sorted pairs a (unit as
** kmSortUsers made their keys; segment x step as seg * nLabel + step), or
** (a NULL, the main order only) from the pass's users as they lie; the
** pass's users are then freed. Reads the pairs in order: no random access.
** pSpare (or NULL) is the sort's other buffer, whose pages are already
** written: the order's arrays go there (learnpath_km_order_adopt), not in
** new memory.
*/
static int kmTakeOrder(lp_km_memo *pM, int k, const km_pair *a, int64_t unit, void *pSpare) {
    const lp_km_user *aU = pM->aUser;
    km_order *pO = &pM->aOrder[k];
    int64_t n = pM->nUser, nRun = 0;
    uint32_t nL = pM->nLabel ? pM->nLabel : 1;
#define KM_SEG_OF(i) (a ? a[i].sl / nL : aU[i].seg)
#define KM_STEP_OF(i) (k == KM_BY_SEG ? LP_NONE : a ? a[i].sl % nL : aU[i].label)
    for (int64_t i = 0; i < n; i++) {
        nRun += i == 0 || KM_SEG_OF(i) != KM_SEG_OF(i - 1) || KM_STEP_OF(i) != KM_STEP_OF(i - 1);
    }
    if (pSpare ? learnpath_km_order_adopt(pO, pSpare, n, nRun) : learnpath_km_order_alloc(pO, n, nRun, 1)) {
        return SQLITE_NOMEM;
    }
    for (int64_t i = 0; i < n; i++) {
        if (i == 0 || KM_SEG_OF(i) != KM_SEG_OF(i - 1) || KM_STEP_OF(i) != KM_STEP_OF(i - 1)) {
            km_run *pR = &pO->aRun[pO->nRun++];
            pR->iFirst = i;
            pR->n = 0;
            pR->seg = KM_SEG_OF(i);
            pR->label = KM_STEP_OF(i);
        }
        pO->aRun[pO->nRun - 1].n++;
        pO->aSeg[i] = KM_SEG_OF(i);
        if (a) {
            kmTakePair(pO, i, &a[i], unit);
        } else {
            pO->aT[i] = aU[i].b.t;
            pO->aDest[i] = aU[i].dest;
            pO->aS1[i] = aU[i].s1;
            pO->aUid[i] = aU[i].uid;
        }
    }
#undef KM_SEG_OF
#undef KM_STEP_OF
    pM->nByte += n * 28 + nRun * (int64_t)sizeof(km_run);
    if (k == KM_BY_STEP) {
        sqlite3_free(pM->aUser);
        pM->aUser = NULL;
    }
    return SQLITE_OK;
}

/*
** KM_BY_SEG from the pairs a in order of time (b the room for a stable pass
** by segment, aCount room for nSeg + 2 counts): in new memory, as
** learnpath_km_pooled would have made it, but one counting pass instead of
** a merge of every segment's runs. Without segments a is that order.
*/
static int kmTakeBySeg(lp_km_memo *pM, const km_pair *a, km_pair *b, int64_t n, int64_t unit,
                       int64_t *aCount) {
    if (pM->nSeg > 0) {
        kmScatter(a, b, n, KM_DIG_SEG, 0, aCount, (int64_t)pM->nSeg + 1, pM->nLabel, 0);
        a = b;
    }
    return kmTakeOrder(pM, KM_BY_SEG, a, unit, NULL);
}

/* Every key over unit (1000, 60000 or 86400000, which divides them all):
** a constant each, so no division instruction. */
static void kmDivKeys(km_pair *a, int64_t n, int64_t unit) {
    switch (unit) {
        case 86400000:
            for (int64_t i = 0; i < n; i++) a[i].key /= 86400000u;
            break;
        case 60000:
            for (int64_t i = 0; i < n; i++) a[i].key /= 60000u;
            break;
        default:
            for (int64_t i = 0; i < n; i++) a[i].key /= 1000u;
            break;
    }
}

/*
** The sort's two buffers (*pa, *pb): the pass's users become the pairs in
** place (both 32 bytes; n >= 8, so what is left of the buffer holds the
** order's 28 bytes a user too), and one more. Fresh pages cost as much as
** the sort's passes: each buffer is written once and reused. The keys in
** *pUnit (0: the time's bits; else milliseconds, in the largest unit that
** divides them all: dates alone in days, so fewer digits), exactly; the
** greatest in *pKeyMax. The pass's users are freed (or become *pa).
*/
static int kmMakePairs(lp_km_memo *pM, int isMs, km_pair **pa, km_pair **pb, int64_t *pUnit,
                       uint64_t *pKeyMax) {
    int64_t n = pM->nUser, unit = 0;
    uint64_t keyMax = 0, notSec = 0, notMin = 0, notDay = 0;
    km_pair *a, *b;
    if (n >= 8 && pM->aUser) {
        a = (km_pair *)pM->aUser;
    } else {
        a = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair));
    }
    b = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair));
    if (!a || !b) {
        if (a != (km_pair *)pM->aUser) sqlite3_free(a);
        sqlite3_free(b);
        return SQLITE_NOMEM;
    }
    for (int64_t i = 0; i < n; i++) {
        lp_km_user u;
        km_pair q;
        /* (memcpy: the same bytes are a user, then a pair) */
        memcpy(&u, (const char *)pM->aUser + i * (int64_t)sizeof(lp_km_user), sizeof(u));
        if (isMs) {
            q.key = (uint64_t)llround(u.b.t * LP_MS_PER_DAY);
        } else {
            memcpy(&q.key, &u.b.t, sizeof(uint64_t));
        }
        q.s1 = u.s1;
        q.sl = u.seg * pM->nLabel + u.label;
        q.dest = u.dest;
        q.uid = u.uid;
        q.pad = 0;
        if (q.key > keyMax) keyMax = q.key;
        if (isMs) {
            notSec |= q.key % 1000;
            notMin |= q.key % 60000;
            notDay |= q.key % 86400000;
        }
        memcpy(&a[i], &q, sizeof(q));
    }
    if (a != (km_pair *)pM->aUser) sqlite3_free(pM->aUser);
    pM->aUser = NULL;
    if (isMs) unit = !notDay ? 86400000 : !notMin ? 60000 : !notSec ? 1000 : 1;
    if (unit > 1) {
        kmDivKeys(a, n, unit);
        keyMax /= (uint64_t)unit;
    }
    *pa = a;
    *pb = b;
    *pUnit = unit;
    *pKeyMax = keyMax;
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
** users as their times (t is the ms over 86400000, rounded), divided by the
** largest of a day, a minute and a second that divides every key (times
** with dates alone sort in one or two digits, not three); else the bits
** of t.
*/
static int kmSortUsers(lp_km_memo *pM, int isMs) {
    int64_t n = pM->nUser;
    uint64_t nSL = ((uint64_t)pM->nSeg + 1) * pM->nLabel, keyMax = 0;
    int64_t unit = 0;
    int nBit = 0, nDigit, nWidth;
    int64_t nCount, nTime;
    km_pair *a, *b;
    int64_t *aCount;
    int rc = SQLITE_OK;
    if (nSL >= UINT32_MAX) {
        qsort(pM->aUser, (size_t)n, sizeof(lp_km_user), kmUserCmp);
        return kmTakeOrder(pM, KM_BY_STEP, NULL, 0, NULL);
    }
    rc = kmMakePairs(pM, isMs, &a, &b, &unit, &keyMax);
    if (rc) return rc;
    /* the digits: as few as KM_RB_MAX bits each allow, of equal width */
    while (nBit < 64 && (keyMax >> nBit) != 0) nBit++;
    nDigit = (nBit + KM_RB_MAX - 1) / KM_RB_MAX;
    nWidth = nDigit ? (nBit + nDigit - 1) / nDigit : 1;
    nTime = (int64_t)nDigit << nWidth;
    nCount = nTime + 65536;
    if (nTime + (int64_t)pM->nSeg + 2 > nCount) nCount = nTime + (int64_t)pM->nSeg + 2;
    if (nTime + (int64_t)pM->nLabel + 1 > nCount) nCount = nTime + (int64_t)pM->nLabel + 1;
    aCount = sqlite3_malloc64((sqlite3_uint64)nCount * sizeof(int64_t));
    if (!aCount) {
        sqlite3_free(a);
        sqlite3_free(b);
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
            /* a is in order of time: by segment too, KM_BY_SEG is one stable
            ** pass away (as nearly every query needs it), not a merge */
            rc = kmTakeBySeg(pM, a, b, n, unit, aCount + nTime);
            if (rc) break;
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
    sqlite3_free(aCount);
    if (rc) {
        sqlite3_free(b);
    } else {
        rc = kmTakeOrder(pM, KM_BY_STEP, a, unit, b); /* b is the order's now, or freed */
    }
    sqlite3_free(a);
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
        rc = kmCheckBudget(pIt, pSh, (int64_t)pIt->pData->nUser * (int64_t)sizeof(lp_km_user),
                           pIt->pData->nUser, pzErr);
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
        pM->isUidGroup = pIt->pStream != NULL;
        pM->iOrderGen = pIt->pData->iOrderGen;
        rc = kmTimes(&P, pM, pShape, pM->E);
        pM->nUser = P.nUser;
        if (rc == SQLITE_OK) rc = kmKeys(pM);
    }
    /* the sort's room: the pass's users (the pairs, in place), as many
    ** pairs again (the main order then lies in one of the two) and the
    ** order by segment */
    if (rc == SQLITE_OK) {
        rc = kmCheckBudget(pIt, &pM->sh,
                           P.nUserAlloc * (int64_t)sizeof(lp_km_user) +
                               (pM->nUser + 1) * (int64_t)sizeof(km_pair) +
                               learnpath_km_order_bytes(pM->nUser, 1),
                           pM->nUser, pzErr);
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

/*
** Of nRoom, the room a query counts for the pooled orders it may make, what
** the memo does not hold yet: the sort makes KM_BY_SEG with the main order,
** and pM->nByte counts it already, so counting the room for it again would
** refuse, under a budget, a query main's counting allowed.
*/
static int64_t kmPooledRoom(const lp_km_memo *pM, int64_t nRoom) {
    int64_t nHeld = 0;
    for (int k = 0; k < KM_ORDERS; k++) {
        if (k == KM_BY_STEP || !pM->aOrder[k].pBlock) continue;
        nHeld += pM->nUser * 28 + pM->aOrder[k].nRun * (int64_t)sizeof(km_run);
    }
    return nRoom > nHeld ? nRoom - nHeld : 0;
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
                           pM->nByte + kmPooledRoom(pM, pM->nUser * 52) +
                               pM->nUser * 2 * (int64_t)sizeof(lp_km_row),
                           pM->nUser, pzErr);
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
        rc = pSpec->eKind == LP_KM_COHORTS ? learnpath_km_cohorts(&B, pM, ign) : learnpath_km_strata(&B, pM, ign);
        if (rc == LP_RC_TOO_MANY_ROWS) {
            rc = learnpath_errorf(pzErr, SQLITE_ERROR,
                                  "the whole curve of %lld users has more rows (a row a time, per "
                                  "stratum) than one array holds; ask for the days wanted with "
                                  "at_days (such as at_days = '30,90,180,365'), or for fewer users "
                                  "(since, until, group_value)",
                                  (long long)pM->nUser);
        }
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

/*
** The memo of the users of pIt shaped by *pSh (spec *pShape) observed until
** pSpec's E: the data's, or made now (then kept with the data, with every
** segment, for the queries with and without one; streaming, or with
** group_value, the query's own). *ppM holds a new reference.
*/
static int kmMemoFor(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                     const lp_km_spec *pSpec, lp_km_memo **ppM, char **pzErr) {
    lp_data *pD = pIt->pData;
    /* streaming, or with group_value (rule 12): a memo for this query only */
    int isStream = pIt->pStream != NULL || pIt->isGroupFilter;
    lp_km_memo *pM;
    int rc;
    *ppM = NULL;
    for (lp_km_memo **pp = isStream ? NULL : (lp_km_memo **)&pD->apMemo[LP_MEMO_KM]; pp && *pp;) {
        pM = *pp;
        if (pM->iOrderGen != pD->iOrderGen) {
            /* the users were renumbered since (learnpath_data_order): its user
            ** numbers are stale; the data lets it go (a holder keeps it) */
            *pp = pM->pNext;
            pM->pNext = NULL;
            learnpath_km_memo_unref(pM);
            continue;
        }
        if (learnpath_shape_spec_eq(&pM->shape, pShape) && pM->hasObserveUntil == pSpec->hasObserveUntil &&
            (!pM->hasObserveUntil || pM->observeUntil == pSpec->observeUntil)) {
            pM->nRef++;
            *ppM = pM;
            return SQLITE_OK;
        }
        pp = &pM->pNext;
    }
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
    *ppM = pM;
    return SQLITE_OK;
}

/* See lp_journey.h. */
int learnpath_km_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                     const lp_km_spec *pSpec, int isStats, lp_km_memo **ppMemo,
                     const lp_km_result **ppRes, char **pzErr) {
    int ignoreSeg = pSh->ignoreSegments || pIt->pData->aSeg == NULL;
    lp_km_memo *pM;
    km_res_memo *pR;
    int rc = kmMemoFor(pIt, pSh, pShape, pSpec, &pM, pzErr);
    *ppMemo = NULL;
    *ppRes = NULL;
    if (rc) return rc;
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

/* The view of order e of memo pM. */
static void kmViewOf(const lp_km_memo *pM, int e, lp_km_order_view *pV) {
    const km_order *pO = &pM->aOrder[e];
    pV->nUser = pM->nUser;
    pV->aT = pO->aT;
    pV->aDest = pO->aDest;
    pV->aS1 = pO->aS1;
    pV->aSeg = pO->aSeg;
    pV->aUid = pO->aUid;
    pV->aRun = pO->aRun;
    pV->nRun = pO->nRun;
}

/* See lp_journey.h. */
int learnpath_km_orders(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                        const lp_km_spec *pSpec, int eL, int eT, lp_km_memo **ppMemo,
                        lp_km_order_view *pL, lp_km_order_view *pT, lp_km_users_info *pInfo,
                        char **pzErr) {
    lp_km_memo *pM;
    int rc = kmMemoFor(pIt, pSh, pShape, pSpec, &pM, pzErr);
    *ppMemo = NULL;
    if (rc) return rc;
    /* the pooled orders' room (at most 28 bytes a user each) */
    rc = kmCheckBudget(pIt, &pM->sh, pM->nByte + kmPooledRoom(pM, pM->nUser * 56), pM->nUser, pzErr);
    if (rc == SQLITE_OK && eL != KM_BY_STEP) rc = learnpath_km_pooled(pM, eL);
    if (rc == SQLITE_OK && eT != KM_BY_STEP) rc = learnpath_km_pooled(pM, eT);
    if (rc) {
        learnpath_km_memo_unref(pM);
        return rc;
    }
    kmViewOf(pM, eL, pL);
    kmViewOf(pM, eT, pT);
    pInfo->aSegOf = pM->aSegOf;
    pInfo->aLabelOf = pM->aLabelOf;
    pInfo->nSeg = pM->nSeg;
    pInfo->nLabel = pM->nLabel;
    pInfo->E = pM->E;
    pInfo->isUidGroup = pM->isUidGroup;
    pInfo->aLateUid = pM->aLateUid;
    pInfo->nLate = pM->nLate;
    pInfo->nMemoByte = pM->nByte + learnpath_shaper_bytes(&pM->sh);
    *ppMemo = pM;
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
