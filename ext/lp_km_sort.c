/*
** lp_km_sort.c - the continuation memo's users in order (rule 17): by
** (segment, first step, time), the main order, and by (segment, time), on
** two threads when the query's reads may use two (learnpath_threads).
**
** After the pass (lp_km_pass.c) each user is an lp_km_user with raw
** labels and the start of step 2, and E is known. One loop (kmPrep) then
** gives each user its time as a key that sorts as the times do, its
** segment and first step as places in name order, and writes it as a
** km_pair in the pass's own memory; the users who start after E are left
** out. The same loop counts every digit the sort will read.
**
** The sort is an LSD radix sort: the time key's digits (at most
** KM_RB_MAX bits each, digits every key shares skipped), then one stable
** counting pass by segment (KM_BY_SEG) from the pairs in order of time
** straight into that order's arrays (in the sort's other buffer, free by
** then), and one by segment x step (the main order) from it into the
** buffer the pairs lay in: the same orders as two passes from the pairs,
** item for item, with no third block.
** With two threads each pass is split in two parts of its input: each
** thread moves its part, the first part's items of a key before the
** second's, so the result is the one thread's, item for item. The counts
** a pass needs per part are made by the pass before it (by where each item
** lands), or by kmPrep for the first. Only the query's thread allocates.
**
** The time key: without within_days the time in whole milliseconds over
** the largest of a day, a minute and a second that divides every time the
** pass met (times with dates alone sort in one or two digits); with it
** the bits of the time in days, a double (positive, so its bits sort as it
** does). Either way the time in days read back is the one rule 17 gives,
** (double)(milliseconds) / 86400000, bit for bit.
*/
#include <string.h>

#include "lp_km.h"

/* A user in the sort: time key, s1, places of segment (0: none) and first
** step, step 2's place (LP_NONE: censored), uid. 32 bytes, as lp_km_user,
** so the pass's users become pairs where they lie. */
typedef struct km_pair {
    uint64_t key;
    int64_t s1;
    uint32_t seg, step, dest, uid;
} km_pair;

/* The radix sort's digits of the time key: at most KM_RB_MAX bits each. */
#define KM_RB_MAX 13
/* The most digits a 64-bit key has. */
#define KM_MAX_DIGITS ((64 + KM_RB_MAX - 1) / KM_RB_MAX)
/* Past this many segment x step keys, the sort orders by step, then by
** segment (two passes of fewer keys each), not by one key of both. */
#define KM_MAX_SPLIT_KEYS 65536

/* What a pass orders by. */
enum { KM_DIG_TIME = 0, KM_DIG_SEG = 1, KM_DIG_STEP = 2, KM_DIG_SL = 3 };

typedef struct km_digit {
    int eKind;
    int shift;                /* KM_DIG_TIME: (key >> shift) & mask */
    uint64_t mask;
    int64_t nKey;             /* its keys: 0 .. nKey - 1 */
    int64_t iCount;           /* where its counts lie among a part's */
} km_digit;

/* Pair p's key of digit d (a time digit, the segment or the step: the
** segment x step key is counted and moved by kmTake and kmMainJob). */
static inline uint32_t kmDigitOf(const km_digit *d, const km_pair *p) {
    switch (d->eKind) {
        case KM_DIG_SEG:
            return p->seg;
        case KM_DIG_STEP:
            return p->step;
        default:
            return (uint32_t)((p->key >> d->shift) & d->mask);
    }
}

/* The sort of one memo. aCount holds, per thread t and part q of a pass's
** input, the counts of every digit: aCount + (2 t + q) * nCountPart. */
typedef struct km_sorter {
    lp_km_memo *pM;
    const km_prep *pPrep;
    int64_t n;
    uint32_t nLabel;
    int nThread;              /* 1 or 2 */
    km_digit aTime[KM_MAX_DIGITS];
    int nTime;                /* time digits */
    km_digit seg, sl, step;   /* the passes by segment, segment x step, step */
    int isWide;               /* segment x step keys past KM_MAX_SPLIT_KEYS */
    int64_t nCountPart;
    int64_t *aCount;
    int64_t nSplit;           /* the parts of a pass's input: [0, nSplit), [nSplit, n) */
} km_sorter;

static int64_t *kmCounts(const km_sorter *S, int t, int q) {
    return S->aCount + (int64_t)(2 * t + q) * S->nCountPart;
}

/* ------------------------------------------------------------- the keys */

/* kmPrep's work on the pass's users [lo, hi) of one thread: the pairs
** written from place lo on, the late users' uids from aLate on. */
typedef struct km_prep_job {
    km_sorter *S;
    int t;                    /* the thread (and its part) */
    int64_t lo, hi;
    const uint32_t *aSegRank, *aLabelRank;
    uint32_t *aLate;
    int64_t nOut, nLate;      /* out: pairs and late users written */
} km_prep_job;

/* Count pair p's digits into c (the counts of its part). */
static inline void kmCountPair(const km_sorter *S, int64_t *c, const km_pair *p) {
    for (int d = 0; d < S->nTime; d++) c[S->aTime[d].iCount + kmDigitOf(&S->aTime[d], p)]++;
    c[S->seg.iCount + p->seg]++;
    if (S->isWide) {
        c[S->step.iCount + p->step]++;
    } else {
        c[S->sl.iCount + p->seg * S->nLabel + p->step]++;
    }
}

/* The time key of a user (rule 17), and its step 2's place or LP_NONE. */
static inline uint64_t kmKeyOf(const km_prep *pP, const lp_km_user *pU, uint32_t *pDest) {
    int64_t ms;
    double t;
    uint64_t key;
    if (pU->b.s2 != LP_KM_NO_STEP && pU->b.s2 <= pP->E) {
        ms = pU->b.s2 - pU->s1;
    } else {
        *pDest = LP_NONE;
        ms = pP->E - pU->s1;
        if (pP->hasWithin && (double)ms > pP->withinDays * LP_MS_PER_DAY) {
            t = pP->withinDays;
            memcpy(&key, &t, sizeof(key));
            return key;
        }
    }
    if (pP->unit == 0) {
        t = (double)ms / LP_MS_PER_DAY;
        memcpy(&key, &t, sizeof(key));
        return key;
    }
    /* a constant each, so no division instruction */
    switch (pP->unit) {
        case 86400000:
            return (uint64_t)ms / 86400000u;
        case 60000:
            return (uint64_t)ms / 60000u;
        case 1000:
            return (uint64_t)ms / 1000u;
        default:
            return (uint64_t)ms;
    }
}

static void kmPrepJob(void *pArg) {
    km_prep_job *J = pArg;
    km_sorter *S = J->S;
    const km_prep *pP = S->pPrep;
    const lp_data *pD = S->pM->sh.pData;
    char *aRaw = (char *)S->pM->aUser;
    km_pair *aOut = (km_pair *)(void *)S->pM->aUser;
    int64_t *c = kmCounts(S, J->t, J->t);
    int64_t w = J->lo;
    for (int64_t i = J->lo; i < J->hi; i++) {
        lp_km_user u;
        km_pair q;
        /* (memcpy: the same bytes are a user, then a pair; w <= i) */
        memcpy(&u, aRaw + i * (int64_t)sizeof(lp_km_user), sizeof(u));
        if (u.s1 > pP->E) {
            J->aLate[J->nLate++] = u.uid;
            continue;
        }
        q.dest = u.dest;
        q.key = kmKeyOf(pP, &u, &q.dest);
        if (q.dest != LP_NONE) q.dest = J->aLabelRank[learnpath_label_index(pD, q.dest)];
        q.s1 = u.s1;
        q.seg = u.seg == LP_NONE ? 0 : J->aSegRank[u.seg] + 1;
        q.step = J->aLabelRank[learnpath_label_index(pD, u.label)];
        q.uid = u.uid;
        kmCountPair(S, c, &q);
        memcpy(&aOut[w++], &q, sizeof(q));
    }
    J->nOut = w - J->lo;
}

/* ------------------------------------------------------------ the passes */

/* One thread's share of a pass: its part [lo, hi) of aIn into aOut, by
** dig, from the places aOff (per key, its own); counting the digit of the
** pass that reads aOut (pNext, or none) by the part each item lands in. */
typedef struct km_pass_job {
    const km_sorter *S;
    const km_pair *aIn;
    km_pair *aOut;
    int64_t lo, hi;
    int64_t *aOff;
    km_digit dig;
    const km_digit *pNext;
    int t;
} km_pass_job;

static void kmPassJob(void *pArg) {
    const km_pass_job *J = pArg;
    const km_sorter *S = J->S;
    const km_pair *aIn = J->aIn;
    km_pair *aOut = J->aOut;
    int64_t *aOff = J->aOff, *c0 = kmCounts(S, J->t, 0), *c1 = kmCounts(S, J->t, 1);
    km_digit dig = J->dig;
    if (J->pNext == NULL) {
        for (int64_t i = J->lo; i < J->hi; i++) aOut[aOff[kmDigitOf(&dig, &aIn[i])]++] = aIn[i];
        return;
    }
    for (int64_t i = J->lo; i < J->hi; i++) {
        int64_t j = aOff[kmDigitOf(&dig, &aIn[i])]++;
        int64_t *c = j < S->nSplit ? c0 : c1;
        aOut[j] = aIn[i];
        c[J->pNext->iCount + kmDigitOf(J->pNext, &aIn[i])]++;
    }
}

/*
** One stable pass of the n pairs aIn into aOut by dig, whose counts per
** part of aIn are in aCount (both threads' summed here); the pass that
** then reads aOut (pNext, or none) counted on the way. aOff: room for 2
** nKey places. iSplitIn: where aIn's second part starts.
*/
static void kmPass(km_sorter *S, const km_pair *aIn, km_pair *aOut, int64_t iSplitIn, const km_digit *pDig,
                   const km_digit *pNext, int64_t *aOff) {
    int64_t nKey = pDig->nKey, sum = 0;
    int nPart = S->nThread;
    km_pass_job J[2];
    int64_t *aOff1 = aOff + nKey;
    for (int64_t k = 0; k < nKey; k++) {
        int64_t n0 = kmCounts(S, 0, 0)[pDig->iCount + k] + kmCounts(S, 1, 0)[pDig->iCount + k];
        int64_t n1 = kmCounts(S, 0, 1)[pDig->iCount + k] + kmCounts(S, 1, 1)[pDig->iCount + k];
        aOff[k] = sum;
        aOff1[k] = sum + n0;
        sum += n0 + n1;
    }
    /* the pass after: counted afresh, by where items land */
    for (int t = 0; t < 2 && pNext; t++) {
        for (int q = 0; q < 2; q++) {
            memset(kmCounts(S, t, q) + pNext->iCount, 0, (size_t)pNext->nKey * sizeof(int64_t));
        }
    }
    S->nSplit = nPart == 2 ? S->n / 2 : S->n;
    for (int t = 0; t < 2; t++) {
        J[t].S = S;
        J[t].aIn = aIn;
        J[t].aOut = aOut;
        J[t].lo = t == 0 ? 0 : iSplitIn;
        J[t].hi = t == 0 ? iSplitIn : S->n;
        J[t].aOff = t == 0 ? aOff : aOff1;
        J[t].dig = *pDig;
        J[t].pNext = pNext;
        J[t].t = t;
    }
    learnpath_two_tasks(nPart, kmPassJob, &J[0], kmPassJob, &J[1]);
}

/* ------------------------------------------------------------ the orders */

/* One thread's share of an order made from pairs: its part [lo, hi) of
** them, copied in order, or (pOff) moved by dig from the places pOff.
** isSl (the order by segment before the main order is made from it): each
** user's segment x step key in aSeg, and those keys counted by the part
** of the order each user lands in (S->nSplit), in thread t's counts. */
typedef struct km_take_job {
    const km_sorter *S;
    km_order *pO;
    const km_pair *a;
    int64_t lo, hi;
    int64_t *aOff;            /* NULL: copied in order */
    km_digit dig;
    int t, isSl;
} km_take_job;

static void kmTakeJob(void *pArg) {
    const km_take_job *J = pArg;
    const km_sorter *S = J->S;
    km_order *pO = J->pO;
    int64_t unit = S->pPrep->unit;
    uint32_t nLabel = S->nLabel;
    int64_t *c0 = kmCounts(S, J->t, 0) + S->sl.iCount, *c1 = kmCounts(S, J->t, 1) + S->sl.iCount;
    for (int64_t i = J->lo; i < J->hi; i++) {
        const km_pair *p = &J->a[i];
        int64_t j = J->aOff ? J->aOff[kmDigitOf(&J->dig, p)]++ : i;
        if (unit) {
            /* key * unit is the whole milliseconds exactly (kmKeyOf) */
            pO->aT[j] = (double)((int64_t)p->key * unit) / LP_MS_PER_DAY;
        } else {
            memcpy(&pO->aT[j], &p->key, sizeof(double));
        }
        pO->aDest[j] = p->dest;
        pO->aS1[j] = p->s1;
        pO->aSeg[j] = p->seg;
        pO->aUid[j] = p->uid;
        if (J->isSl) {
            uint32_t key = p->seg * nLabel + p->step;
            pO->aSeg[j] = key;
            (j < S->nSplit ? c0 : c1)[key]++;
        }
    }
}

/* One thread's share of the main order made from the order by segment
** (its aSeg holding segment x step keys): its part [lo, hi), moved from
** the places aOff; each key read is put back as the segment. */
typedef struct km_main_job {
    const km_sorter *S;
    km_order *pIn, *pO;
    int64_t lo, hi;
    int64_t *aOff;
} km_main_job;

static void kmMainJob(void *pArg) {
    const km_main_job *J = pArg;
    km_order *pIn = J->pIn, *pO = J->pO;
    uint32_t nLabel = J->S->nLabel;
    for (int64_t i = J->lo; i < J->hi; i++) {
        uint32_t key = pIn->aSeg[i], seg = key / nLabel;
        int64_t j = J->aOff[key]++;
        pO->aT[j] = pIn->aT[i];
        pO->aDest[j] = pIn->aDest[i];
        pO->aS1[j] = pIn->aS1[i];
        pO->aSeg[j] = seg;
        pO->aUid[j] = pIn->aUid[i];
        pIn->aSeg[i] = seg;
    }
}

/* The total count of key k of digit d (both threads, both parts). */
static int64_t kmTotal(const km_sorter *S, const km_digit *d, int64_t k) {
    return kmCounts(S, 0, 0)[d->iCount + k] + kmCounts(S, 0, 1)[d->iCount + k] +
           kmCounts(S, 1, 0)[d->iCount + k] + kmCounts(S, 1, 1)[d->iCount + k];
}

/* The runs of order k, made from pairs a in its order (pDig NULL), or
** from the counts of pDig (by segment x step, or by segment). */
static void kmRuns(const km_sorter *S, int k, const km_pair *a, const km_digit *pDig, km_order *pO) {
    int64_t iFirst = 0;
    for (int64_t key = 0; pDig && key < pDig->nKey; key++) {
        int64_t m = kmTotal(S, pDig, key);
        if (m == 0) continue;
        km_run *pR = &pO->aRun[pO->nRun++];
        pR->iFirst = iFirst;
        pR->n = m;
        pR->seg = pDig->eKind == KM_DIG_SEG ? (uint32_t)key : (uint32_t)(key / S->nLabel);
        pR->label = pDig->eKind == KM_DIG_SEG ? LP_NONE : (uint32_t)(key % S->nLabel);
        iFirst += m;
    }
    for (int64_t i = 0; !pDig && i < S->n; i++) {
        if (i == 0 || a[i].seg != a[i - 1].seg || (k == KM_BY_STEP && a[i].step != a[i - 1].step)) {
            km_run *pR = &pO->aRun[pO->nRun++];
            pR->iFirst = i;
            pR->n = 0;
            pR->seg = a[i].seg;
            pR->label = k == KM_BY_STEP ? a[i].step : LP_NONE;
        }
        pO->aRun[pO->nRun - 1].n++;
    }
}

/*
** The start of order k of the memo: its arrays in pSpare (a buffer of the
** sort no longer read, its pages written already) or in new memory
** (pSpare NULL), and its runs: from the n pairs a, sorted already (pDig
** NULL), or from the counts of pDig (by segment x step, or by segment),
** each key's places then in aOff (room for 2 pDig->nKey: the first part's
** items of each key, then the second's).
*/
static int kmOrderStart(km_sorter *S, int k, const km_pair *a, const km_digit *pDig, void *pSpare,
                        int64_t *aOff) {
    lp_km_memo *pM = S->pM;
    km_order *pO = &pM->aOrder[k];
    int64_t n = S->n, nRun = 0, sum = 0;
    if (pDig) {
        for (int64_t key = 0; key < pDig->nKey; key++) nRun += kmTotal(S, pDig, key) > 0;
    } else {
        for (int64_t i = 0; i < n; i++) {
            nRun += i == 0 || a[i].seg != a[i - 1].seg || (k == KM_BY_STEP && a[i].step != a[i - 1].step);
        }
    }
    if (pSpare ? learnpath_km_order_adopt(pO, pSpare, n, nRun) : learnpath_km_order_alloc(pO, n, nRun, 1)) {
        return SQLITE_NOMEM;
    }
    kmRuns(S, k, a, pDig, pO);
    for (int64_t key = 0; pDig && key < pDig->nKey; key++) {
        int64_t n0 = kmCounts(S, 0, 0)[pDig->iCount + key] + kmCounts(S, 1, 0)[pDig->iCount + key];
        aOff[key] = sum;
        aOff[pDig->nKey + key] = sum + n0;
        sum += kmTotal(S, pDig, key);
    }
    pM->nByte += n * 28 + pO->nRun * (int64_t)sizeof(km_run);
    return SQLITE_OK;
}

/*
** Order k of the memo (KM_BY_STEP: runs by segment and first step;
** KM_BY_SEG: runs by segment, label LP_NONE) from the n pairs a: sorted
** already (pDig NULL), or in order of time and moved by pDig (by segment)
** straight into the order's arrays (iSplit: where a's second part starts,
** as pDig's counts were made). Its arrays and runs as kmOrderStart makes
** them.
*/
static int kmTake(km_sorter *S, int k, const km_pair *a, int64_t iSplit, const km_digit *pDig,
                  void *pSpare, int64_t *aOff) {
    int64_t n = S->n;
    km_take_job J[2];
    if (kmOrderStart(S, k, a, pDig, pSpare, aOff)) return SQLITE_NOMEM;
    for (int t = 0; t < 2; t++) {
        int64_t iMid = pDig ? iSplit : n / 2;
        J[t] = (km_take_job){S, &S->pM->aOrder[k], a, t == 0 ? 0 : iMid, t == 0 ? iMid : n,
                             pDig ? aOff + (t == 0 ? 0 : pDig->nKey) : NULL, pDig ? *pDig : S->seg,
                             t, k == KM_BY_SEG};
    }
    learnpath_two_tasks(S->nThread, kmTakeJob, &J[0], kmTakeJob, &J[1]);
    return SQLITE_OK;
}

/*
** The main order (by segment x step, then time) from the order by
** segment and time, whose aSeg holds each user's segment x step key
** (kmTake) and gets its segment back: a stable counting pass, each thread
** its part of the input (S->nSplit, as the keys were counted). Its arrays
** in pSpare as kmTake's (NULL: new memory).
*/
static int kmTakeMain(km_sorter *S, void *pSpare, int64_t *aOff) {
    lp_km_memo *pM = S->pM;
    const km_digit *pDig = &S->sl;
    km_main_job J[2];
    if (kmOrderStart(S, KM_BY_STEP, NULL, pDig, pSpare, aOff)) return SQLITE_NOMEM;
    for (int t = 0; t < 2; t++) {
        J[t] = (km_main_job){S, &pM->aOrder[KM_BY_SEG], &pM->aOrder[KM_BY_STEP], t == 0 ? 0 : S->nSplit,
                             t == 0 ? S->nSplit : S->n, aOff + (t == 0 ? 0 : pDig->nKey)};
    }
    learnpath_two_tasks(S->nThread, kmMainJob, &J[0], kmMainJob, &J[1]);
    return SQLITE_OK;
}

/* Buffer i of the sort for an order of the sort's n users (taken: aBuf[i]
** set to NULL), or NULL, the buffer freed, when it is too small for one:
** aBuf[0] holds the pass's nRaw users (one pair when none), aBuf[1] n + 1
** pairs, and an order n + 1 places of 28 bytes. */
static void *kmBuffer(const km_sorter *S, km_pair *aBuf[2], int i) {
    void *p = aBuf[i];
    int64_t nRaw = S->pPrep->nRaw > 0 ? S->pPrep->nRaw : 1;
    aBuf[i] = NULL;
    if ((i == 0 ? nRaw : S->n + 1) * (int64_t)sizeof(km_pair) >= learnpath_km_order_bytes(S->n, 1)) return p;
    sqlite3_free(p);
    return NULL;
}

/* ------------------------------------------------------------- the sort */

/* The places in name order of the segments and of the labels of the
** memo's shaper (*paSegRank, *paLabelRank), and the memo's ways back
** (aSegOf, aLabelOf). */
static int kmRanks(lp_km_memo *pM, uint32_t **paSegRank, uint32_t **paLabelRank) {
    const lp_data *pD = pM->sh.pData;
    uint32_t nLabel = pD->programs.n + pM->sh.groups.n;
    int rc = learnpath_label_ranks(&pM->sh, NULL, nLabel, 0, paLabelRank);
    if (rc == SQLITE_OK) rc = learnpath_label_ranks(NULL, &pD->segments, pD->segments.n, 0, paSegRank);
    if (rc == SQLITE_OK) {
        pM->aSegOf = sqlite3_malloc64(((sqlite3_uint64)pD->segments.n + 1) * sizeof(uint32_t));
        pM->aLabelOf = sqlite3_malloc64(((sqlite3_uint64)nLabel + 1) * sizeof(uint32_t));
        if (!pM->aSegOf || !pM->aLabelOf) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) {
        pM->nSeg = pD->segments.n;
        pM->nLabel = nLabel;
        for (uint32_t s = 0; s < pD->segments.n; s++) pM->aSegOf[(*paSegRank)[s]] = s;
        for (uint32_t l = 0; l < nLabel; l++) {
            pM->aLabelOf[(*paLabelRank)[l]] = l < pD->programs.n ? l : LP_GROUP_BIT | (l - pD->programs.n);
        }
    }
    return rc;
}

/* Below this many users the sort runs on one thread (tests lower it). */
int64_t learnpath_km_split_least = 65536;

/* The digits of the sort of S (the time key's from a bound on it), where
** their counts lie, and room for the counts. */
static int kmDigits(km_sorter *S) {
    const km_prep *pP = S->pPrep;
    const lp_km_memo *pM = S->pM;
    uint64_t keyMax = 0;
    int nBit = 0, nDigit, nWidth;
    int64_t nSL = ((int64_t)pM->nSeg + 1) * pM->nLabel, at;
    if (pP->nRaw > 0 && pP->E > pP->s1Min) {
        /* every key is at most E - s1Min's (rule 17: s2 <= E, and the
        ** within_days cap is below it) */
        if (pP->unit) {
            keyMax = (uint64_t)(pP->E - pP->s1Min) / (uint64_t)pP->unit;
        } else {
            double t = (double)(pP->E - pP->s1Min) / LP_MS_PER_DAY;
            memcpy(&keyMax, &t, sizeof(keyMax));
        }
    }
    while (nBit < 64 && (keyMax >> nBit) != 0) nBit++;
    nDigit = (nBit + KM_RB_MAX - 1) / KM_RB_MAX;
    nWidth = nDigit ? (nBit + nDigit - 1) / nDigit : 1;
    S->nTime = nDigit;
    for (int d = 0; d < nDigit; d++) {
        S->aTime[d] = (km_digit){KM_DIG_TIME, nWidth * d, ((uint64_t)1 << nWidth) - 1, (int64_t)1 << nWidth,
                                 (int64_t)d << nWidth};
    }
    at = (int64_t)nDigit << nWidth;
    S->seg = (km_digit){KM_DIG_SEG, 0, 0, (int64_t)pM->nSeg + 1, at};
    at += (int64_t)pM->nSeg + 1;
    S->isWide = nSL > KM_MAX_SPLIT_KEYS;
    S->sl = (km_digit){KM_DIG_SL, 0, 0, nSL, at};
    S->step = (km_digit){KM_DIG_STEP, 0, 0, (int64_t)pM->nLabel, at};
    S->nCountPart = at + (S->isWide ? (int64_t)pM->nLabel : nSL);
    S->aCount = sqlite3_malloc64((sqlite3_uint64)S->nCountPart * 4 * sizeof(int64_t));
    if (!S->aCount) return SQLITE_NOMEM;
    memset(S->aCount, 0, (size_t)S->nCountPart * 4 * sizeof(int64_t));
    return SQLITE_OK;
}

/* Is d one value in every key (its pass would move nothing)? */
static int kmShared(const km_sorter *S, const km_digit *d) {
    for (int64_t k = 0; k < d->nKey; k++) {
        int64_t m = 0;
        for (int i = 0; i < 4; i++) m += S->aCount[i * S->nCountPart + d->iCount + k];
        if (m == S->n) return 1;
        if (m > 0) return 0;
    }
    return 0;
}

/*
** kmPrep: the pass's users as pairs (two threads, each half of them), the
** late ones' uids in pM->aLateUid, and the users' count in S->n; the
** pairs of the second half moved after the first's when late users left
** a gap. *piSplit: where the second part of the pairs starts.
*/
static int kmPrep(km_sorter *S, const uint32_t *aSegRank, const uint32_t *aLabelRank, int64_t *piSplit) {
    lp_km_memo *pM = S->pM;
    const km_prep *pP = S->pPrep;
    int64_t nRaw = pP->nRaw, m = nRaw / 2, aLate[2] = {0, 0};
    km_prep_job J[2];
    if (pP->hasLate) {
        for (int64_t i = 0; i < nRaw; i++) aLate[i >= m] += pM->aUser[i].s1 > pP->E;
        if (aLate[0] + aLate[1] > 0) {
            pM->aLateUid = sqlite3_malloc64((sqlite3_uint64)(aLate[0] + aLate[1]) * sizeof(uint32_t));
            if (!pM->aLateUid) return SQLITE_NOMEM;
        }
    }
    for (int t = 0; t < 2; t++) {
        J[t] = (km_prep_job){S, t, t == 0 ? 0 : m, t == 0 ? m : nRaw, aSegRank, aLabelRank,
                             pM->aLateUid ? pM->aLateUid + (t == 0 ? 0 : aLate[0]) : NULL, 0, 0};
    }
    learnpath_two_tasks(S->nThread, kmPrepJob, &J[0], kmPrepJob, &J[1]);
    if (J[1].nOut > 0 && J[0].nOut < m) {
        memmove((km_pair *)(void *)pM->aUser + J[0].nOut, (km_pair *)(void *)pM->aUser + m,
                (size_t)J[1].nOut * sizeof(km_pair));
    }
    pM->nLate = J[0].nLate + J[1].nLate;
    S->n = pM->nUser = J[0].nOut + J[1].nOut;
    *piSplit = J[0].nOut;
    return SQLITE_OK;
}

/*
** The passes after kmPrep over the two buffers aBuf (the pairs in aBuf[0]):
** the time digits that vary, then from the pairs in order of time by
** segment (KM_BY_SEG, taken in the other buffer), and from it by segment x
** step (the main order, in the buffer the pairs lay in); or, past
** KM_MAX_SPLIT_KEYS such keys, by step, then by segment (KM_BY_SEG made
** later, when needed, by learnpath_km_pooled). aBuf[i] is set to NULL
** when an order takes it (freed if that fails).
*/
static int kmPasses(km_sorter *S, km_pair *aBuf[2], int64_t iSplit, int64_t *aOff) {
    const km_digit *aList[KM_MAX_DIGITS + 2];
    int nList = 0, iA = 0, rc;
    km_pair *pTake;
    for (int d = 0; d < S->nTime; d++) {
        if (!kmShared(S, &S->aTime[d])) aList[nList++] = &S->aTime[d];
    }
    if (S->isWide) aList[nList++] = &S->step;
    for (int p = 0; p < nList; p++) {
        /* each pass counts the next one's digit, the last the segment's */
        kmPass(S, aBuf[iA], aBuf[!iA], iSplit, aList[p], p + 1 < nList ? aList[p + 1] : &S->seg, aOff);
        iSplit = S->nSplit;
        iA = !iA;
    }
    /* aBuf[iA]: in order of time (or, wide, by step and time) */
    if (S->isWide) {
        kmPass(S, aBuf[iA], aBuf[!iA], iSplit, &S->seg, NULL, aOff);
        pTake = aBuf[iA];
        aBuf[iA] = NULL;
        return kmTake(S, KM_BY_STEP, aBuf[!iA], 0, NULL, pTake, aOff);
    }
    /* by segment, moved from the pairs in order of time straight into its
    ** arrays (in the other buffer), the segment x step keys counted by the
    ** half each user lands in; then by segment x step from it (stably: the
    ** order of time kept within each key) into the pairs' buffer, read no
    ** more. No third block. */
    for (int t = 0; t < 2; t++) {
        for (int q = 0; q < 2; q++) {
            memset(kmCounts(S, t, q) + S->sl.iCount, 0, (size_t)S->sl.nKey * sizeof(int64_t));
        }
    }
    S->nSplit = S->nThread == 2 ? S->n / 2 : S->n;
    pTake = kmBuffer(S, aBuf, !iA);
    rc = kmTake(S, KM_BY_SEG, aBuf[iA], iSplit, &S->seg, pTake, aOff);
    if (rc) return rc;
    return kmTakeMain(S, kmBuffer(S, aBuf, iA), aOff);
}

/* See lp_km.h. */
int learnpath_km_sort(lp_km_memo *pM, const km_prep *pPrep) {
    km_sorter S;
    uint32_t *aSegRank = NULL, *aLabelRank = NULL;
    km_pair *aBuf[2] = {NULL, pPrep->pSortBuf};
    int64_t *aOff = NULL, iSplit = 0, nOff;
    int rc = SQLITE_OK;
    memset(&S, 0, sizeof(S));
    S.pM = pM;
    S.pPrep = pPrep;
    S.nThread = pPrep->nThreads >= 2 && pPrep->nRaw >= learnpath_km_split_least ? 2 : 1;
    if (pM->aUser == NULL) {
        /* no user: one pair's room, which an empty order's arrays fit in */
        pM->aUser = sqlite3_malloc64(sizeof(km_pair));
        if (!pM->aUser) rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK) rc = kmRanks(pM, &aSegRank, &aLabelRank);
    S.nLabel = pM->nLabel;
    if (rc == SQLITE_OK) rc = kmDigits(&S);
    if (rc == SQLITE_OK) rc = kmPrep(&S, aSegRank, aLabelRank, &iSplit);
    sqlite3_free(aSegRank);
    sqlite3_free(aLabelRank);
    if (rc == SQLITE_OK) {
        int64_t nLast = S.isWide ? S.step.nKey : S.sl.nKey;
        nOff = S.seg.nKey > nLast ? S.seg.nKey : nLast;
        for (int d = 0; d < S.nTime; d++) nOff = S.aTime[d].nKey > nOff ? S.aTime[d].nKey : nOff;
        if (!aBuf[1]) aBuf[1] = sqlite3_malloc64((sqlite3_uint64)(S.n + 1) * sizeof(km_pair));
        aOff = sqlite3_malloc64((sqlite3_uint64)nOff * 2 * sizeof(int64_t));
        if (!aBuf[1] || !aOff) rc = SQLITE_NOMEM;
    }
    /* the pairs lie where the pass's users did: the buffers are the sort's */
    aBuf[0] = (km_pair *)(void *)pM->aUser;
    pM->aUser = NULL;
    if (rc == SQLITE_OK) rc = kmPasses(&S, aBuf, iSplit, aOff);
    sqlite3_free(aBuf[0]);
    sqlite3_free(aBuf[1]);
    sqlite3_free(aOff);
    sqlite3_free(S.aCount);
    return rc;
}
