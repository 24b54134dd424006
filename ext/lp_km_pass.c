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
#include <stdlib.h>
#include <string.h>

#include "lp_journey.h"

/* A result kept in a memo: what asked for it, and its rows. */
typedef struct km_res_memo {
    struct km_res_memo *pNext;
    lp_km_spec spec;          /* its aAtDay is aDay */
    double *aDay;
    int ignoreSeg;            /* the strata over all segments */
    int isStatsOnly;          /* the strata and medians, no rows */
    lp_km_result res;
} km_res_memo;

/* A run of users of one segment and first step (places in name order),
** in order of time: aUser[iFirst, iFirst + n). */
typedef struct km_run {
    int64_t iFirst, n;
    uint32_t seg, label;
} km_run;

struct lp_km_memo {
    lp_km_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    int hasObserveUntil;
    int64_t observeUntil;
    lp_shaper sh;             /* owns the tie groups' labels */
    lp_km_user *aUser;        /* by (segment, first step, time); keys as places in name order */
    int64_t nUser;
    uint32_t *aSegOf;         /* a segment's place (less one) -> the segment */
    uint32_t *aLabelOf;       /* a label's place -> the label */
    uint32_t nSeg, nLabel;    /* places: segments 0..nSeg (0: none), labels 0..nLabel-1 */
    int64_t E;                /* rule 17's E */
    km_run *aRun;             /* the users' runs of one segment and first step */
    int64_t nRun;
    km_res_memo *pRes;
};

/* See lp_journey.h. */
void learnpath_km_free(lp_km_result *pRes) {
    sqlite3_free(pRes->aStratum);
    sqlite3_free(pRes->aRow);
    sqlite3_free(pRes->aCif);
    sqlite3_free(pRes->aCohort);
    memset(pRes, 0, sizeof(*pRes));
}

/* See lp_journey.h. */
void learnpath_km_memo_unref(lp_km_memo *p) {
    if (p == NULL || --p->nRef > 0) return;
    while (p->pRes) {
        km_res_memo *pNext = p->pRes->pNext;
        learnpath_km_free(&p->pRes->res);
        sqlite3_free(p->pRes->aDay);
        sqlite3_free(p->pRes);
        p->pRes = pNext;
    }
    learnpath_shaper_free(&p->sh);
    sqlite3_free(p->aUser);
    sqlite3_free(p->aSegOf);
    sqlite3_free(p->aLabelOf);
    sqlite3_free(p->aRun);
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
        int rc = kmCheckBudget(pIt, pSh, nNew * (int64_t)sizeof(lp_km_user), pzErr);
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
    uint32_t i, sl;
} km_pair;

/* The radix sort's digits of the time key: KM_RB bits each, KM_RD of them. */
#define KM_RB 11
#define KM_RN (1 << KM_RB)
#define KM_RD ((64 + KM_RB - 1) / KM_RB)

/* aOut = aIn by digit d (below KM_RD: KM_RB bits of the time key; KM_RD:
** segment and first step; then first step; then segment), stably: a counting sort over
** nKey keys, with the room aCount; with isCounted, aCount holds the
** digit's counts already. */
static void kmScatter(const km_pair *aIn, km_pair *aOut, int64_t n, int d, int64_t *aCount,
                      int64_t nKey, uint32_t nLabel, int isCounted) {
#define KM_DIGIT(p) (d < KM_RD ? ((p)->key >> (KM_RB * d)) & (KM_RN - 1) \
                     : d == KM_RD ? (p)->sl : d == KM_RD + 1 ? (p)->sl % nLabel : (p)->sl / nLabel)
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

/*
** The runs of the memo's users, once they lie in order of (segment, first
** step, time).
*/
static int kmRuns(lp_km_memo *pM) {
    const lp_km_user *a = pM->aUser;
    int64_t nRun = 0;
    for (int64_t i = 0; i < pM->nUser; i++) {
        nRun += i == 0 || a[i].seg != a[i - 1].seg || a[i].label != a[i - 1].label;
    }
    pM->aRun = sqlite3_malloc64((sqlite3_uint64)(nRun + 1) * sizeof(km_run));
    if (!pM->aRun) return SQLITE_NOMEM;
    for (int64_t i = 0; i < pM->nUser; i++) {
        if (i == 0 || a[i].seg != a[i - 1].seg || a[i].label != a[i - 1].label) {
            km_run *pR = &pM->aRun[pM->nRun++];
            pR->iFirst = i;
            pR->n = 0;
            pR->seg = a[i].seg;
            pR->label = a[i].label;
        }
        pM->aRun[pM->nRun - 1].n++;
    }
    return SQLITE_OK;
}

/*
** The memo's users by (segment, first step, time), and their runs: an LSD
** radix sort of the users' (time key, index, segment x step), KM_RB bits of
** the time key at a time (every digit counted in one pass first;
** digits every key shares skipped), then by segment x step (one counting
** sort when there are at most 65536 such keys, else by step then by
** segment); stable, so equal times keep the order of the pass. The users
** are then moved into that order once. The time key: with isMs (no
** within_days) the time in whole milliseconds, which t * 86400000
** recovers exactly for every valid time (under 2^50), and which orders the
** users as their times (t is the ms over 86400000, rounded); else the
** bits of t.
*/
static int kmSortUsers(lp_km_memo *pM, int isMs) {
    int64_t n = pM->nUser;
    uint64_t nSL = ((uint64_t)pM->nSeg + 1) * pM->nLabel;
    int64_t nCount = KM_RD * KM_RN + 65536;
    km_pair *a, *b, *aBase;
    lp_km_user *aOut;
    int64_t *aCount;
    if (nSL >= UINT32_MAX) {
        qsort(pM->aUser, (size_t)n, sizeof(lp_km_user), kmUserCmp);
        return kmRuns(pM);
    }
    if (KM_RD * KM_RN + (int64_t)pM->nSeg + 2 > nCount) nCount = KM_RD * KM_RN + (int64_t)pM->nSeg + 2;
    if (KM_RD * KM_RN + (int64_t)pM->nLabel + 1 > nCount) nCount = KM_RD * KM_RN + (int64_t)pM->nLabel + 1;
    a = aBase = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair) * 2);
    aCount = sqlite3_malloc64((sqlite3_uint64)nCount * sizeof(int64_t));
    if (!a || !aCount) {
        sqlite3_free(a);
        sqlite3_free(aCount);
        return SQLITE_NOMEM;
    }
    b = a + n + 1;
    memset(aCount, 0, KM_RD * KM_RN * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        const lp_km_user *pU = &pM->aUser[i];
        if (isMs) {
            a[i].key = (uint64_t)llround(pU->b.t * LP_MS_PER_DAY);
        } else {
            memcpy(&a[i].key, &pU->b.t, sizeof(uint64_t));
        }
        a[i].i = (uint32_t)i;
        a[i].sl = pU->seg * pM->nLabel + pU->label;
        for (int d = 0; d < KM_RD; d++) aCount[d * KM_RN + ((a[i].key >> (KM_RB * d)) & (KM_RN - 1))]++;
    }
    for (int d = 0; d < KM_RD + 3; d++) {
        km_pair *t;
        if (d < KM_RD) {
            int isShared = 0;
            for (int k = 0; k < KM_RN && !isShared; k++) isShared = aCount[d * KM_RN + k] == n;
            if (isShared) continue; /* one value of this digit in every key */
            kmScatter(a, b, n, d, aCount + d * KM_RN, KM_RN, pM->nLabel, 1);
        } else if (d == KM_RD) {
            if (nSL > 65536) continue;
            kmScatter(a, b, n, d, aCount + KM_RD * KM_RN, (int64_t)nSL, pM->nLabel, 0);
        } else {
            if (nSL <= 65536) break;
            kmScatter(a, b, n, d, aCount + KM_RD * KM_RN, d == KM_RD + 1 ? pM->nLabel : pM->nSeg + 1,
                      pM->nLabel, 0);
        }
        t = a;
        a = b;
        b = t;
    }
    aOut = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(lp_km_user));
    if (aOut) {
        for (int64_t i = 0; i < n; i++) aOut[i] = pM->aUser[a[i].i];
        sqlite3_free(pM->aUser);
        pM->aUser = aOut;
    }
    sqlite3_free(aBase);
    sqlite3_free(aCount);
    return aOut ? kmRuns(pM) : SQLITE_NOMEM;
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
    /* the sort's room: the pairs twice and the users once more */
    if (rc == SQLITE_OK) rc = kmCheckBudget(pIt, &pM->sh, pM->nUser * 96, pzErr);
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

/* The head of a run in a merge: its next user's time, and the rest. */
typedef struct km_head {
    double t;
    const lp_km_user *p, *pEnd;
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

/*
** The users of the nR runs aR (each in order of time) in order of time:
** the run itself when there is one, else merged into aOut (a binary heap
** of the runs' heads, aH room for nR). *pn gets their number.
*/
static const lp_km_user *kmMerge(const lp_km_user *aUser, const km_run *aR, int64_t nR,
                                 lp_km_user *aOut, km_head *aH, int64_t *pn) {
    int64_t nH = 0, n = 0;
    if (nR == 1) {
        *pn = aR[0].n;
        return aUser + aR[0].iFirst;
    }
    for (int64_t k = 0; k < nR; k++) {
        if (aR[k].n == 0) continue;
        aH[nH].p = aUser + aR[k].iFirst;
        aH[nH].pEnd = aH[nH].p + aR[k].n;
        aH[nH].t = aH[nH].p->b.t;
        nH++;
    }
    for (int64_t i = nH / 2; i-- > 0;) kmSift(aH, nH, i);
    while (nH > 0) {
        aOut[n++] = *aH[0].p++;
        if (aH[0].p == aH[0].pEnd) {
            aH[0] = aH[--nH];
        } else {
            aH[0].t = aH[0].p->b.t;
        }
        kmSift(aH, nH, 0);
    }
    *pn = n;
    return aOut;
}

/* One stratum: the curve's or the incidence's builder. */
static int kmOneStratum(lp_km_build *pB, const lp_km_user *a, int64_t n, uint32_t seg,
                        uint32_t label) {
    if (pB->pSpec->eKind == LP_KM_INCIDENCE) return learnpath_km_incidence(pB, a, n, seg, label);
    return learnpath_km_stratum(pB, a, n, seg, label);
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

/*
** Every stratum of rule 18, in output order: per segment (in name order,
** none first), its strata per first step (in name order), then its stratum
** over every first step; with ignoreSeg one segment, none, of every user.
** A stratum per first step is a run of the memo's users (with ignoreSeg
** the runs of that step merged); a segment's users over every first step
** are its runs merged.
*/
static int kmStrata(lp_km_build *pB, const lp_km_memo *pM, int ignoreSeg) {
    const km_run *aR = pM->aRun;
    int64_t nR = pM->nRun;
    km_run *aByLabel = NULL;
    lp_km_user *aMerged = sqlite3_malloc64((sqlite3_uint64)(pM->nUser + 1) * sizeof(lp_km_user));
    km_head *aH = sqlite3_malloc64((sqlite3_uint64)(nR + 1) * sizeof(km_head));
    int rc = aMerged && aH ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK && ignoreSeg) {
        rc = kmRunsByLabel(pM->aRun, nR, pM->nLabel, &aByLabel);
        aR = aByLabel;
    }
    for (int64_t i = 0; i < nR && rc == SQLITE_OK;) {
        int64_t e = i, n;
        uint32_t segKey = ignoreSeg ? 0 : aR[i].seg;
        const lp_km_user *a;
        while (e < nR && (ignoreSeg || aR[e].seg == segKey)) e++;
        uint32_t seg = segKey == 0 ? LP_NONE : pM->aSegOf[segKey - 1];
        for (int64_t k = i; k < e && rc == SQLITE_OK;) {
            int64_t m = k;
            while (m < e && aR[m].label == aR[k].label) m++;
            a = kmMerge(pM->aUser, aR + k, m - k, aMerged, aH, &n);
            rc = kmOneStratum(pB, a, n, seg, pM->aLabelOf[aR[k].label]);
            k = m;
        }
        if (rc == SQLITE_OK) {
            a = kmMerge(pM->aUser, aR + i, e - i, aMerged, aH, &n);
            rc = kmOneStratum(pB, a, n, seg, LP_NONE);
        }
        i = e;
    }
    sqlite3_free(aByLabel);
    sqlite3_free(aMerged);
    sqlite3_free(aH);
    return rc;
}

/*
** continuation_cohorts' strata (rule 21), in order of month of s1, then
** segment: the memo's users by (month, segment, first step, time) (a
** counting sort by month: months are few, at most 12 a year of valid
** times), then each month and segment's runs merged into order of time.
*/
static int kmCohorts(lp_km_build *pB, const lp_km_memo *pM, int ignoreSeg) {
    const lp_km_user *aU = pM->aUser;
    int64_t n = pM->nUser, mMin = 0, mMax = 0, nRun = 0, *aCount = NULL;
    lp_km_user *aC = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(lp_km_user));
    lp_km_user *aMerged = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(lp_km_user));
    int32_t *aMonth = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int32_t));
    km_run *aRun = NULL;
    km_head *aH = NULL;
    int rc = aC && aMerged && aMonth ? SQLITE_OK : SQLITE_NOMEM;
    for (int64_t i = 0; i < n && rc == SQLITE_OK; i++) {
        aMonth[i] = (int32_t)learnpath_time_month(aU[i].s1);
        if (i == 0 || aMonth[i] < mMin) mMin = aMonth[i];
        if (i == 0 || aMonth[i] > mMax) mMax = aMonth[i];
    }
    if (rc == SQLITE_OK) {
        aCount = sqlite3_malloc64((sqlite3_uint64)(mMax - mMin + 2) * sizeof(int64_t));
        if (!aCount) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        memset(aCount, 0, (size_t)(mMax - mMin + 2) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) aCount[aMonth[i] - mMin + 1]++;
        for (int64_t k = 0; k <= mMax - mMin; k++) aCount[k + 1] += aCount[k];
        for (int64_t i = 0; i < n; i++) {
            lp_km_user *pU = &aC[aCount[aMonth[i] - mMin]++];
            *pU = aU[i];
            pU->month = aMonth[i];
        }
        for (int64_t i = 0; i < n; i++) {
            nRun += i == 0 || aC[i].month != aC[i - 1].month || aC[i].seg != aC[i - 1].seg ||
                    aC[i].label != aC[i - 1].label;
        }
        aRun = sqlite3_malloc64((sqlite3_uint64)(nRun + 1) * sizeof(km_run));
        aH = sqlite3_malloc64((sqlite3_uint64)(nRun + 1) * sizeof(km_head));
        if (!aRun || !aH) rc = SQLITE_NOMEM;
    }
    nRun = 0;
    for (int64_t i = 0; i < n && rc == SQLITE_OK; i++) {
        if (i == 0 || aC[i].month != aC[i - 1].month || aC[i].seg != aC[i - 1].seg ||
            aC[i].label != aC[i - 1].label) {
            aRun[nRun].iFirst = i;
            aRun[nRun].n = 0;
            aRun[nRun].seg = ignoreSeg ? 0 : aC[i].seg;
            aRun[nRun++].label = (uint32_t)aC[i].month; /* the month, here */
        }
        aRun[nRun - 1].n++;
    }
    for (int64_t i = 0; i < nRun && rc == SQLITE_OK;) {
        int64_t e = i, nU;
        while (e < nRun && aRun[e].label == aRun[i].label && aRun[e].seg == aRun[i].seg) e++;
        const lp_km_user *a = kmMerge(aC, aRun + i, e - i, aMerged, aH, &nU);
        rc = learnpath_km_cohort(pB, a, nU, aRun[i].seg == 0 ? LP_NONE : pM->aSegOf[aRun[i].seg - 1],
                                 (int32_t)aRun[i].label);
        i = e;
    }
    sqlite3_free(aCount);
    sqlite3_free(aC);
    sqlite3_free(aMerged);
    sqlite3_free(aMonth);
    sqlite3_free(aRun);
    sqlite3_free(aH);
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
    if (isStats) return 1;
    if (r->isStatsOnly || r->spec.nAtDay != pSpec->nAtDay) return 0;
    if ((r->spec.aAtDay == NULL) != (pSpec->aAtDay == NULL)) return 0;
    for (int i = 0; i < pSpec->nAtDay; i++) {
        if (r->spec.aAtDay[i] != pSpec->aAtDay[i]) return 0;
    }
    return 1;
}

/* A new result of the memo's users for pSpec, kept in the memo. */
static int kmResNew(lp_km_memo *pM, const lp_users *pIt, const lp_km_spec *pSpec, int isStats,
                    int ignoreSeg, km_res_memo **ppR, char **pzErr) {
    lp_km_build B;
    km_res_memo *pR = sqlite3_malloc64(sizeof(*pR));
    /* the orders and rows: at most one row per user and stratum, or per day
    ** and stratum */
    int rc = kmCheckBudget(pIt, &pM->sh, pM->nUser * (int64_t)sizeof(lp_km_user) * 5, pzErr);
    if (!pR) return SQLITE_NOMEM;
    memset(pR, 0, sizeof(*pR));
    pR->spec = *pSpec;
    pR->ignoreSeg = ignoreSeg;
    pR->isStatsOnly = isStats;
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
        rc = pSpec->eKind == LP_KM_COHORTS ? kmCohorts(&B, pM, ignoreSeg) : kmStrata(&B, pM, ignoreSeg);
    }
    if (rc) {
        learnpath_km_free(&pR->res);
        sqlite3_free(pR->aDay);
        sqlite3_free(pR);
        return rc;
    }
    pR->pNext = pM->pRes;
    pM->pRes = pR;
    *ppR = pR;
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
    *ppMemo = pM;
    *ppRes = &pR->res;
    return SQLITE_OK;
}
