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
** are set then, and the users sorted once by (segment, first step, time),
** the main order, and by (segment, time) (lp_km_sort.c, on two threads
** when the query's reads may use two). lp_km_orders.c makes the other
** orders from them and walks the strata.
**
** Each result is kept in the memo too (at most KM_MAX_RESULTS, and
** KM_MAX_MEMOS memos a source), so the same query again reads it,
** continuation_stats reads the medians of any curve of the same band, and
** segment_compare reads the orders (learnpath_km_orders). Streaming, or
** with group_value, the memo is the query's own.
*/
#include <stddef.h>
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
    int64_t s1Min, s1Max;    /* the least and greatest s1 kept */
    int64_t unit;            /* the largest of a day, a minute, a second (in ms)
                             ** dividing every time met, or 1 (kmUnitOf) */
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

/* The largest of unit and the smaller units a day, a minute, a second and a
** millisecond that divides time t as a duration from a UTC midnight (each a
** constant: no division instruction); the units divide each other, so one
** test a time once the unit settles. Times count from Julian day 0 at noon
** (lp_base.h), so a midnight is 43,200,000 past a whole day: shifted by
** that, dates alone are whole days. The sort's keys are differences of
** times, which a common shift leaves alone. */
static int64_t kmUnitOf(int64_t unit, int64_t t) {
    t += 43200000;
    switch (unit) {
        case 86400000:
            if (t % 86400000 == 0) return unit;
            /* fall through */
        case 60000:
            if (t % 60000 == 0) return 60000;
            /* fall through */
        case 1000:
            if (t % 1000 == 0) return 1000;
            /* fall through */
        default:
            return 1;
    }
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
    if (pP->nUser == 1 || pU->s1 < pP->s1Min) pP->s1Min = pU->s1;
    if (pP->nUser == 1 || pU->s1 > pP->s1Max) pP->s1Max = pU->s1;
    /* the unit of the sort's keys (lp_km_sort.c) */
    pP->unit = kmUnitOf(pP->unit, pU->s1);
    if (pSh->nStep > 1) pP->unit = kmUnitOf(pP->unit, pSh->aStep[1].t);
    pU->b.s2 = pSh->nStep > 1 ? pSh->aStep[1].t : LP_KM_NO_STEP;
    pU->dest = pSh->nStep > 1 ? pSh->aStep[1].label : LP_NONE;
    pU->seg = pSh->segment;
    pU->label = pSh->aStep[0].label;
    /* in memory a group is found by the user's number at any time;
    ** streaming, only now */
    pU->uid = pIt->pStream ? learnpath_users_group(pIt, pIt->u) : pIt->u;
    return SQLITE_OK;
}

/* See lp_journey.h. */
int64_t learnpath_km_unit_most = 86400000;
int64_t learnpath_km_unit_last = -1;

/* Unit u, or the largest unit below learnpath_km_unit_most when u is past
** it (each unit divides the ones above it, so any one below u will do). */
static int64_t kmUnitCapped(int64_t u) {
    static const int64_t aUnit[] = {86400000, 60000, 1000, 1};
    for (int i = 0; i < 4 && u > learnpath_km_unit_most; i++) {
        if (aUnit[i] < u) u = aUnit[i];
    }
    return learnpath_km_unit_most <= 0 ? 0 : u;
}

/* What the sort needs of pass *pP (E: rule 17's), into *pPrep (whose
** blocks, if any, stay). */
static void kmPrepOf(const km_pass *pP, int64_t E, const lp_shape_spec *pShape, int nThreads, km_prep *pPrep) {
    pPrep->nRaw = pP->nUser;
    pPrep->E = E;
    pPrep->s1Min = pP->s1Min;
    pPrep->hasLate = pP->nUser > 0 && pP->s1Max > E;
    pPrep->hasWithin = pShape->hasWithin;
    pPrep->withinDays = pShape->withinDays;
    /* the keys' unit: the largest of a day, a minute and a second that
    ** divides E and every time met (with within_days, none: the bits) */
    pPrep->unit = pShape->hasWithin ? 0 : kmUnitCapped(kmUnitOf(pP->unit, E));
    __atomic_store_n(&learnpath_km_unit_last, pPrep->unit, __ATOMIC_RELAXED);
    pPrep->nThreads = nThreads;
}

/* Blocks whose pages the second thread asks for while the pass runs. */
typedef struct km_fresh {
    void *ap[2];
    int64_t an[2];
    int64_t iNext;            /* the next step of KM_FRESH_STEP bytes to ask for */
} km_fresh;

/* The bytes asked for at a time. */
#define KM_FRESH_STEP ((int64_t)4 << 20)

/* Ask for the next step's pages: 0 when every block is asked for. */
static int kmFreshStep(km_fresh *F) {
    int64_t at = __atomic_fetch_add(&F->iNext, 1, __ATOMIC_RELAXED) * KM_FRESH_STEP;
    for (int i = 0; i < 2; i++) {
        if (at < F->an[i]) {
            int64_t n = F->an[i] - at < KM_FRESH_STEP ? F->an[i] - at : KM_FRESH_STEP;
            learnpath_populate((char *)F->ap[i] + at, n);
            return 1;
        }
        /* steps do not cross blocks: each block starts a step */
        at -= (F->an[i] + KM_FRESH_STEP - 1) / KM_FRESH_STEP * KM_FRESH_STEP;
    }
    return 0;
}

static void kmFreshPages(void *pArg) {
    km_fresh *F = pArg;
    while (F && kmFreshStep(F)) {
    }
}

/* The pass over the users of pIt (a task on the query's thread). */
typedef struct km_loop {
    lp_users *pIt;
    lp_shaper *pSh;
    km_pass *pP;
    char **pzErr;
    int rc;
    km_fresh *pFresh;         /* or NULL: the blocks whose pages to ask for */
} km_loop;

static void kmLoop(void *pArg) {
    km_loop *L = pArg;
    lp_users *pIt = L->pIt;
    km_pass *pP = L->pP;
    int rc = L->rc;
    for (; rc == SQLITE_OK && !pIt->eof; rc = rc ? rc : learnpath_users_next(pIt, L->pzErr)) {
        const lp_data *pD = pIt->pData;
        uint32_t u = pIt->u;
        int keep;
        if (pD->aFirst[u + 1] > pD->aFirst[u]) {
            /* the user's enrollments lie sorted by time: the last is the latest */
            int64_t t = pD->aT[pD->aFirst[u + 1] - 1];
            if (!pP->hasLast || t > pP->tLast) pP->tLast = t;
            pP->hasLast = 1;
        }
        rc = learnpath_shape_user(L->pSh, u, &keep);
        if (rc == SQLITE_OK && keep) rc = kmAddUser(pP, pIt, L->pSh, L->pzErr);
    }
    L->rc = rc;
    /* what the second thread has not asked for yet, both ask for: where a
    ** new page costs the most (tens of millions of users), that thread
    ** alone took longer than the pass */
    while (rc == SQLITE_OK && L->pFresh && kmFreshStep(L->pFresh)) {
    }
}

/*
** In memory the users are known: room for all of them at once (no
** regrowth) in P->aUser, and, with two threads and no budget, the sort's
** other buffer too (in *pPrep), whose pages the second thread then asks
** the system for while the pass runs
** (kmFreshPages): the pass, then the sort, write them without waiting for
** the system.
*/
static int kmRoom(lp_users *pIt, const lp_shaper *pSh, km_pass *pP, km_prep *pPrep, km_fresh *pF,
                  char **pzErr) {
    int64_t n = pIt->pData->nUser;
    int rc = kmCheckBudget(pIt, pSh, n * (int64_t)sizeof(lp_km_user), n, pzErr);
    if (rc) return rc;
    pP->aUser = sqlite3_malloc64((sqlite3_uint64)n * sizeof(lp_km_user));
    if (!pP->aUser) return SQLITE_NOMEM;
    pP->nUserAlloc = n;
    pF->ap[0] = pP->aUser;
    pF->an[0] = n * (int64_t)sizeof(lp_km_user);
    if (pIt->nThreads < 2 || n < learnpath_km_split_least || learnpath_users_limit(pIt) != 0) {
        return SQLITE_OK;
    }
    pPrep->pSortBuf = sqlite3_malloc64((sqlite3_uint64)(n + 1) * sizeof(lp_km_user));
    pPrep->nRoom = n;
    if (!pPrep->pSortBuf) return SQLITE_NOMEM;
    pF->ap[1] = pPrep->pSortBuf;
    pF->an[1] = (n + 1) * (int64_t)sizeof(lp_km_user);
    return SQLITE_OK;
}

/*
** A new memo of the users of pIt shaped by *pSh: the pass, E (rule 17),
** the keys and the order of time. The memo takes the shaper (*pSh zeroed)
** and holds one reference.
*/
static int kmMemoNew(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                     const lp_km_spec *pSpec, lp_km_memo **ppMemo, char **pzErr) {
    km_pass P;
    km_prep prep;
    km_fresh F;
    km_loop L;
    lp_km_memo *pM = sqlite3_malloc64(sizeof(*pM));
    const lp_shape_spec *pShSpec = pSh->pSpec;
    int rc = SQLITE_OK;
    *ppMemo = NULL;
    if (!pM) return SQLITE_NOMEM;
    memset(pM, 0, sizeof(*pM));
    memset(&P, 0, sizeof(P));
    memset(&prep, 0, sizeof(prep));
    memset(&F, 0, sizeof(F));
    P.unit = 86400000;
    pM->nRef = 1;
    if (pIt->pStream == NULL && pIt->pData->nUser > 256) rc = kmRoom(pIt, pSh, &P, &prep, &F, pzErr);
    L = (km_loop){pIt, pSh, &P, pzErr, rc, F.ap[1] && pIt->nThreads > 1 ? &F : NULL};
    learnpath_two_tasks(F.ap[1] ? pIt->nThreads : 1, kmLoop, &L, kmFreshPages, F.ap[1] ? &F : NULL);
    rc = L.rc;
    pM->shape = *pShape;
    pM->hasObserveUntil = pSpec->hasObserveUntil;
    pM->observeUntil = pSpec->observeUntil;
    pM->E = pSpec->hasObserveUntil ? pSpec->observeUntil : P.tLast;
    pM->sh = *pSh; /* the memo takes the shaper */
    pM->sh.pSpec = &pM->shape;
    memset(pSh, 0, sizeof(*pSh));
    pM->aUser = P.aUser;
    pM->nUser = P.nUser;
    /* the sort's room: the pass's users (the pairs, in place) and as many
    ** pairs again (the main order then lies in one, the order by segment
    ** in the other; a few users' order by segment in new memory) */
    if (rc == SQLITE_OK) {
        pM->isUidGroup = pIt->pStream != NULL;
        pM->iOrderGen = pIt->pData->iOrderGen;
        rc = kmCheckBudget(pIt, &pM->sh,
                           P.nUserAlloc * (int64_t)sizeof(lp_km_user) +
                               (P.nUser + 1) * (int64_t)sizeof(lp_km_user) +
                               (P.nUser < 8 ? learnpath_km_order_bytes(P.nUser, 1) : 0),
                           P.nUser, pzErr);
    }
    if (rc == SQLITE_OK) {
        kmPrepOf(&P, pM->E, pShape, pIt->nThreads, &prep);
        rc = learnpath_km_sort(pM, &prep); /* it takes prep's blocks */
    } else {
        sqlite3_free(prep.pSortBuf);
    }
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
        B.nLabel = pM->nLabel;
        B.E = pM->E;
        B.isStatsOnly = isStats;
        B.hasMedians = pR->hasMedians;
        /* with no segment in the data, the strata per segment are those over
        ** all segments: no pooled orders to make */
        int ign = ignoreSeg && pM->nSeg > 0;
        rc = pSpec->eKind == LP_KM_COHORTS ? learnpath_km_cohorts(&B, pM, ign, pIt->nThreads)
                                            : learnpath_km_strata(&B, pM, ign, pIt->nThreads);
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
                        const lp_km_spec *pSpec, lp_km_memo **ppMemo, lp_km_order_view *pL,
                        lp_km_order_view *pT, lp_km_users_info *pInfo, char **pzErr) {
    lp_km_memo *pM;
    int rc = kmMemoFor(pIt, pSh, pShape, pSpec, &pM, pzErr);
    *ppMemo = NULL;
    if (rc) return rc;
    if (pM->aOrder[KM_BY_SEG].pBlock == NULL) {
        /* past KM_MAX_SPLIT_KEYS the sort leaves it: made here, 28 bytes a
        ** user within the budget */
        rc = kmCheckBudget(pIt, &pM->sh, pM->nByte + pM->nUser * 28, pM->nUser, pzErr);
        if (rc == SQLITE_OK) rc = learnpath_km_pooled(pM, KM_BY_SEG, -1, pIt->nThreads);
    }
    if (rc) {
        learnpath_km_memo_unref(pM);
        return rc;
    }
    kmViewOf(pM, KM_BY_STEP, pL);
    kmViewOf(pM, KM_BY_SEG, pT);
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
