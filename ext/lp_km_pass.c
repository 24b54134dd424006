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

struct lp_km_memo {
    lp_km_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    int hasObserveUntil;
    int64_t observeUntil;
    lp_shaper sh;             /* owns the tie groups' labels */
    lp_km_user *aUser;        /* in order of time; keys as places in name order */
    int64_t nUser;
    uint32_t *aSegOf;         /* a segment's place (less one) -> the segment */
    uint32_t *aLabelOf;       /* a label's place -> the label */
    uint32_t nSeg, nLabel;    /* places: segments 0..nSeg (0: none), labels 0..nLabel-1 */
    int64_t E;                /* rule 17's E */
    uint32_t *aIxSegLabel;    /* users by (segment, first step, time), made when first needed */
    uint32_t *aIxSeg;         /* by (segment, time) */
    uint32_t *aIxLabel;       /* by (first step, time), for the strata over all segments */
    uint32_t *aIxTime;        /* by time: 0, 1, ... */
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
    sqlite3_free(p->aIxSegLabel);
    sqlite3_free(p->aIxSeg);
    sqlite3_free(p->aIxLabel);
    sqlite3_free(p->aIxTime);
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

/* A user's place in the radix sort: its time's bits (t >= 0, so they sort
** as the doubles do) and its index. */
typedef struct km_pair {
    uint64_t key;
    uint64_t i;
} km_pair;

/*
** The memo's users in order of time: an LSD radix sort of (time, index),
** 16 bits of the time's bits at a time (the four counts made in one pass
** first), skipping the digits every key shares; stable, so equal times
** keep the order of the pass. Then the users are moved into that order.
*/
static int kmByTime(lp_km_memo *pM) {
    int64_t n = pM->nUser;
    km_pair *a = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(km_pair) * 2), *b, *aBase = a;
    int64_t *aCount = sqlite3_malloc64(4 * 65536 * sizeof(int64_t));
    lp_km_user *aOut = NULL;
    if (!a || !aCount) {
        sqlite3_free(a);
        sqlite3_free(aCount);
        return SQLITE_NOMEM;
    }
    b = a + n + 1;
    memset(aCount, 0, 4 * 65536 * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) {
        memcpy(&a[i].key, &pM->aUser[i].b.t, sizeof(uint64_t));
        a[i].i = (uint64_t)i;
        for (int d = 0; d < 4; d++) aCount[d * 65536 + ((a[i].key >> (16 * d)) & 0xffff)]++;
    }
    for (int d = 0; d < 4; d++) {
        int64_t *c = aCount + d * 65536, sum = 0;
        int isOne = 0;
        for (int k = 0; k < 65536; k++) {
            int64_t x = c[k];
            isOne |= x == n;
            c[k] = sum; /* the digit's first place */
            sum += x;
        }
        if (isOne) continue; /* one value of this digit in every key */
        for (int64_t i = 0; i < n; i++) b[c[(a[i].key >> (16 * d)) & 0xffff]++] = a[i];
        km_pair *t = a;
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
    return aOut ? SQLITE_OK : SQLITE_NOMEM;
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
    if (rc == SQLITE_OK) rc = kmCheckBudget(pIt, &pM->sh, pM->nUser * 64, pzErr);
    if (rc == SQLITE_OK) rc = kmByTime(pM);
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

/* A user's key for the counting sorts: its segment's place or first step's. */
#define KM_KEY(pU, isSeg) ((isSeg) ? (pU)->seg : (pU)->label)

/*
** aOut = the users aIn (indexes into a; NULL: 0..n-1) ordered by segment
** (isSeg) or first step, stably: a counting sort over nKey keys, so the
** order within each key holds.
*/
static int kmOrderBy(const lp_km_user *a, const uint32_t *aIn, uint32_t *aOut, int64_t n,
                     int isSeg, uint32_t nKey) {
    int64_t *aCount = sqlite3_malloc64(((sqlite3_uint64)nKey + 2) * sizeof(int64_t));
    if (!aCount) return SQLITE_NOMEM;
    memset(aCount, 0, ((size_t)nKey + 2) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) aCount[KM_KEY(&a[aIn ? aIn[i] : i], isSeg) + 1]++;
    for (uint32_t k = 0; k <= nKey; k++) aCount[k + 1] += aCount[k];
    for (int64_t i = 0; i < n; i++) {
        uint32_t u = aIn ? aIn[i] : (uint32_t)i;
        aOut[aCount[KM_KEY(&a[u], isSeg)]++] = u;
    }
    sqlite3_free(aCount);
    return SQLITE_OK;
}

/* A new array of n + 1 indexes into *paIx. */
static int kmIndexes(uint32_t **paIx, int64_t n) {
    *paIx = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(uint32_t));
    return *paIx ? SQLITE_OK : SQLITE_NOMEM;
}

/*
** The orders of the users the strata need, kept in the memo: by (segment,
** first step, time) and (segment, time); with ignoreSeg by (first step,
** time) and time. Counting sorts of the users in order of time.
*/
static int kmOrders(lp_km_memo *pM, int ignoreSeg) {
    int64_t n = pM->nUser;
    int rc = SQLITE_OK;
    if (ignoreSeg && pM->aIxLabel == NULL) {
        rc = kmIndexes(&pM->aIxTime, n);
        if (rc == SQLITE_OK) rc = kmIndexes(&pM->aIxLabel, n);
        if (rc == SQLITE_OK) {
            for (int64_t i = 0; i < n; i++) pM->aIxTime[i] = (uint32_t)i;
            rc = kmOrderBy(pM->aUser, NULL, pM->aIxLabel, n, 0, pM->nLabel);
        }
        if (rc) {
            sqlite3_free(pM->aIxLabel);
            pM->aIxLabel = NULL;
        }
    } else if (!ignoreSeg && pM->aIxSegLabel == NULL) {
        rc = kmIndexes(&pM->aIxSeg, n);
        if (rc == SQLITE_OK) rc = kmIndexes(&pM->aIxSegLabel, n);
        /* by first step into aIxSeg for a moment, then by segment */
        if (rc == SQLITE_OK) rc = kmOrderBy(pM->aUser, NULL, pM->aIxSeg, n, 0, pM->nLabel);
        if (rc == SQLITE_OK) rc = kmOrderBy(pM->aUser, pM->aIxSeg, pM->aIxSegLabel, n, 1, pM->nSeg + 1);
        if (rc == SQLITE_OK) rc = kmOrderBy(pM->aUser, NULL, pM->aIxSeg, n, 1, pM->nSeg + 1);
        if (rc) {
            sqlite3_free(pM->aIxSegLabel);
            pM->aIxSegLabel = NULL;
        }
    }
    return rc;
}

/* One stratum: the curve's or the incidence's builder. */
static int kmOneStratum(lp_km_build *pB, const lp_km_user *a, const uint32_t *ix, int64_t n,
                        uint32_t seg, uint32_t label) {
    if (pB->pSpec->eKind == LP_KM_INCIDENCE) return learnpath_km_incidence(pB, a, ix, n, seg, label);
    return learnpath_km_stratum(pB, a, ix, n, seg, label);
}

/*
** Every stratum of rule 18, in output order: per segment (in name order,
** none first), its strata per first step (in name order), then its stratum
** over every first step; with ignoreSeg one segment, none, of every user.
*/
static int kmStrata(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg) {
    const lp_km_user *a = pM->aUser;
    int64_t n = pM->nUser;
    int rc = kmOrders(pM, ignoreSeg);
    const uint32_t *aA = ignoreSeg ? pM->aIxLabel : pM->aIxSegLabel;
    const uint32_t *aB = ignoreSeg ? pM->aIxTime : pM->aIxSeg;
    for (int64_t i = 0; i < n && rc == SQLITE_OK;) {
        int64_t e = i;
        uint32_t segKey = ignoreSeg ? 0 : a[aA[i]].seg;
        uint32_t seg = segKey == 0 ? LP_NONE : pM->aSegOf[segKey - 1];
        if (ignoreSeg) e = n;
        while (e < n && a[aA[e]].seg == segKey) e++;
        for (int64_t k = i; k < e && rc == SQLITE_OK;) {
            int64_t m = k;
            uint32_t label = a[aA[k]].label;
            while (m < e && a[aA[m]].label == label) m++;
            rc = kmOneStratum(pB, a, aA + k, m - k, seg, pM->aLabelOf[label]);
            k = m;
        }
        /* the same users, by time alone */
        if (rc == SQLITE_OK) rc = kmOneStratum(pB, a, aB + i, e - i, seg, LP_NONE);
        i = e;
    }
    return rc;
}

/*
** continuation_cohorts' strata (rule 21), in order of month of s1, then
** segment: counting sorts of the users in order of time by segment, then
** by month (months are few: at most 12 a year of valid times).
*/
static int kmCohorts(lp_km_build *pB, const lp_km_memo *pM, int ignoreSeg) {
    const lp_km_user *a = pM->aUser;
    int64_t n = pM->nUser, mMin = 0, mMax = 0, *aCount = NULL;
    int32_t *aMonth = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(int32_t));
    uint32_t *aBySeg = NULL, *aIx = NULL;
    int rc = aMonth ? SQLITE_OK : SQLITE_NOMEM;
    if (rc == SQLITE_OK) rc = kmIndexes(&aBySeg, n);
    if (rc == SQLITE_OK) rc = kmIndexes(&aIx, n);
    if (rc == SQLITE_OK) {
        for (int64_t i = 0; i < n; i++) {
            aMonth[i] = (int32_t)learnpath_time_month(a[i].s1);
            if (i == 0 || aMonth[i] < mMin) mMin = aMonth[i];
            if (i == 0 || aMonth[i] > mMax) mMax = aMonth[i];
        }
        if (ignoreSeg) {
            for (int64_t i = 0; i < n; i++) aBySeg[i] = (uint32_t)i;
        } else {
            rc = kmOrderBy(a, NULL, aBySeg, n, 1, pM->nSeg + 1);
        }
    }
    if (rc == SQLITE_OK) {
        aCount = sqlite3_malloc64((sqlite3_uint64)(mMax - mMin + 2) * sizeof(int64_t));
        if (!aCount) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        memset(aCount, 0, (size_t)(mMax - mMin + 2) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) aCount[aMonth[i] - mMin + 1]++;
        for (int64_t k = 0; k <= mMax - mMin; k++) aCount[k + 1] += aCount[k];
        for (int64_t i = 0; i < n; i++) aIx[aCount[aMonth[aBySeg[i]] - mMin]++] = aBySeg[i];
    }
    for (int64_t i = 0; i < n && rc == SQLITE_OK;) {
        int64_t e = i;
        int32_t month = aMonth[aIx[i]];
        uint32_t segKey = ignoreSeg ? 0 : a[aIx[i]].seg;
        while (e < n && aMonth[aIx[e]] == month && (ignoreSeg || a[aIx[e]].seg == segKey)) e++;
        rc = learnpath_km_cohort(pB, a, aIx + i, e - i,
                                 segKey == 0 ? LP_NONE : pM->aSegOf[segKey - 1], month);
        i = e;
    }
    sqlite3_free(aCount);
    sqlite3_free(aMonth);
    sqlite3_free(aBySeg);
    sqlite3_free(aIx);
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
        sqlite3_free(B.aScratch);
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
