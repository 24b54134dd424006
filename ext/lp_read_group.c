/*
** lp_read_group.c - after the one pass: number the users in user_id order
** (rule 10; the order itself: lp_read_order.c), group the enrollments by
** user in that order, sort each user's enrollments by time, program name
** and segment name (rule 4's order, made total for rule 6), and rank the
** programs by name.
**
** All of it is linear in the enrollments but for the sort of the users:
** rows that came grouped by user, users in user_id order, need nothing
** moved; otherwise a counting sort over the users' new numbers groups the
** enrollments, so the per-user functions then read memory in order.
*/
#include <stdlib.h>
#include <string.h>

#include "lp_read_int.h"

int learnpath_read_ev_cmp(const void *pa, const void *pb) {
    const build_ev *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    return (a->segRank > b->segRank) - (a->segRank < b->segRank);
}

/* A segment's place in name order (aSegRank), no segment last. */
static uint32_t buildSegRank(const uint32_t *aSegRank, uint32_t seg) {
    return seg == LP_NONE ? LP_NONE : aSegRank[seg];
}

/* Users with at most this many enrollments out of order are sorted on
** the stack (buildSortUser), by either thread. */
#define BUILD_SORT_SMALL 32

/* Insertion sort of a[0..n) (n <= BUILD_SORT_SMALL). */
static void buildSortSmall(build_ev *a, uint32_t n) {
    for (uint32_t i = 1; i < n; i++) {
        build_ev x = a[i];
        uint32_t j = i;
        while (j > 0 && learnpath_read_ev_cmp(&a[j - 1], &x) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/*
** Sort enrollments [i0, i1) by time, then program name (rule 4), then
** segment name (aSegRank, NULL without a segment column): a total order,
** so the first segment (rule 6) does not depend on the rows' order (nor on
** the sort: two enrollments it finds equal are the same time, program and
** segment). *paTmp: NULL in a helper thread, which answers LP_RC_NEED_MAIN
** for a user too large for the stack rather than allocate.
*/
static int buildSortUser(lp_data *pD, const uint32_t *aSegRank, uint32_t i0, uint32_t i1,
                         build_ev **paTmp, uint32_t *pnTmp) {
    build_ev aSmall[BUILD_SORT_SMALL], *a = aSmall;
    uint32_t i;
    for (i = i0 + 1; i < i1; i++) {
        if (pD->aT[i - 1] != pD->aT[i]) {
            if (pD->aT[i - 1] > pD->aT[i]) break;
            continue;
        }
        uint32_t r0 = pD->aRank[pD->aProg[i - 1]], r1 = pD->aRank[pD->aProg[i]];
        if (r0 > r1 || (r0 == r1 && aSegRank &&
                        buildSegRank(aSegRank, pD->aSeg[i - 1]) > buildSegRank(aSegRank, pD->aSeg[i]))) {
            break;
        }
    }
    if (i >= i1) return SQLITE_OK; /* in order already: the common case */
    uint32_t n = i1 - i0;
    if (n > BUILD_SORT_SMALL) {
        if (paTmp == NULL) return LP_RC_NEED_MAIN;
        if (n > *pnTmp) {
            build_ev *aNew = sqlite3_realloc64(*paTmp, (sqlite3_uint64)n * sizeof(build_ev));
            if (!aNew) return SQLITE_NOMEM;
            *paTmp = aNew;
            *pnTmp = n;
        }
        a = *paTmp;
    }
    for (i = 0; i < n; i++) {
        a[i].t = pD->aT[i0 + i];
        a[i].prog = pD->aProg[i0 + i];
        a[i].rank = pD->aRank[a[i].prog];
        a[i].seg = pD->aSeg ? pD->aSeg[i0 + i] : LP_NONE;
        a[i].segRank = aSegRank ? buildSegRank(aSegRank, a[i].seg) : LP_NONE;
    }
    if (a == aSmall) {
        buildSortSmall(a, n);
    } else {
        qsort(a, n, sizeof(build_ev), learnpath_read_ev_cmp);
    }
    for (i = 0; i < n; i++) {
        pD->aT[i0 + i] = a[i].t;
        pD->aProg[i0 + i] = a[i].prog;
        if (pD->aSeg) pD->aSeg[i0 + i] = a[i].seg;
    }
    return SQLITE_OK;
}

/* One array's scatter: aNew[aDest[e]] = aOld[e] for the rows [e0, e1). */
typedef struct build_scatter {
    const uint32_t *aDest;
    uint32_t e0, e1;
    int eKind;           /* BUILD_SCATTER_... */
    const void *aOld;
    void *aNew;
} build_scatter;
#define BUILD_SCATTER_32 0  /* uint32_t arrays */
#define BUILD_SCATTER_LOW 1 /* int64_t to uint32_t: the low 32 bits */

static void buildScatter(void *pArg) {
    const build_scatter *p = pArg;
    const uint32_t *aDest = p->aDest;
    /* each place asked for early: the writes land at random */
    uint32_t e1 = p->e1 > p->e0 + 16 ? p->e1 - 16 : p->e0, e;
    if (p->eKind == BUILD_SCATTER_LOW) {
        const int64_t *aOld = p->aOld;
        uint32_t *aNew = p->aNew;
        for (e = p->e0; e < e1; e++) {
            __builtin_prefetch(&aNew[aDest[e + 16]], 1);
            aNew[aDest[e]] = (uint32_t)(uint64_t)aOld[e];
        }
        for (; e < p->e1; e++) aNew[aDest[e]] = (uint32_t)(uint64_t)aOld[e];
    } else {
        const uint32_t *aOld = p->aOld;
        uint32_t *aNew = p->aNew;
        for (e = p->e0; e < e1; e++) {
            __builtin_prefetch(&aNew[aDest[e + 16]], 1);
            aNew[aDest[e]] = aOld[e];
        }
        for (; e < p->e1; e++) aNew[aDest[e]] = aOld[e];
    }
}

/* Scatter the rows of aOld into aNew (buildScatter), half by each thread
** when the read may use two: the places are known, so neither reads the
** other's rows. */
static void buildScatterAll(build_state *s, const uint32_t *aDest, int eKind, const void *aOld, void *aNew) {
    uint32_t nEv = s->pD->nEv;
    build_scatter aPart[2];
    aPart[0] = (build_scatter){aDest, 0, nEv / 2, eKind, aOld, aNew};
    aPart[1] = (build_scatter){aDest, nEv / 2, nEv, eKind, aOld, aNew};
    learnpath_read_parallel(s->p, buildScatter, &aPart[0], buildScatter, &aPart[1]);
}

/*
** Move the times to their places (aDest) as two planes of 4 bytes, so that
** the move holds 4 bytes an enrollment more than the times, not 8 (the
** read's peak, when the rows are grouped by user with nothing else to
** spare: buildGroupByUser), and only those 4 are new pages (a page's
** first touch is costly on a virtual machine):
**   1. the low halves to their places, into a block of their own (aLow);
**   2. the high halves packed into the first half of the times' block, in
**      place (each write lands on a time read already);
**   3. those to their places, into the second half;
**   4. the two planes interleaved into the block, from its start: time e's
**      8 bytes land on high halves e and before, read already.
** The block is read and written through memcpy where it holds two types
** in turn. pOld: a block whose pages are touched, for aLow (taken over,
** made its size; NULL: a new one). *ppSpare: aLow's block (4 bytes an
** enrollment, its pages touched), for the next array; nEv >= 2.
*/
static int buildMoveTimes(build_state *s, const uint32_t *aDest, void *pOld, void **ppSpare) {
    lp_data *pD = s->pD;
    uint32_t nEv = pD->nEv, e;
    uint32_t *aLow = sqlite3_realloc64(pOld, (sqlite3_uint64)nEv * sizeof(uint32_t));
    unsigned char *aT = (unsigned char *)pD->aT;
    if (!aLow) {
        sqlite3_free(pOld);
        return SQLITE_NOMEM;
    }
    buildScatterAll(s, aDest, BUILD_SCATTER_LOW, pD->aT, aLow);
    for (e = 0; e < nEv; e++) {
        int64_t t;
        memcpy(&t, aT + 8 * (size_t)e, 8);
        uint32_t h = (uint32_t)((uint64_t)t >> 32);
        memcpy(aT + 4 * (size_t)e, &h, 4);
    }
    buildScatterAll(s, aDest, BUILD_SCATTER_32, aT, aT + 4 * (size_t)nEv);
    for (e = 0; e < nEv; e++) {
        uint32_t h;
        memcpy(&h, aT + 4 * ((size_t)nEv + e), 4);
        uint64_t t = (uint64_t)h << 32 | aLow[e];
        memcpy(aT + 8 * (size_t)e, &t, 8);
    }
    /* the block to the times' size (a realloc that shrinks moves nothing;
    ** one that fails leaves the block as it is) */
    if (pD->nEvAlloc > nEv && (aT = sqlite3_realloc64(pD->aT, (sqlite3_uint64)nEv * 8)) != NULL) {
        pD->aT = (int64_t *)(void *)aT;
    }
    *ppSpare = aLow;
    return SQLITE_OK;
}

/*
** Move every array of the enrollments to its place (aDest: each row's new
** place). The times first, as two planes within their own block
** (buildMoveTimes: 4 bytes a row more than the times are held, the read's
** peak; pOld, taken over, a block freed otherwise, or NULL); then each array of 4 bytes a row into the block the one before it
** left (the low halves' block holds the programs, the old programs' the
** segments, ...), its pages touched already (a new block's pages fault one
** by one, as long as the move itself), and the old copy freed as soon as
** its new one is made. Each array is moved by two threads when the read
** may use two (buildScatterAll).
*/
static int buildMoveRows(build_state *s, const uint32_t *aDest, void *pOld) {
    lp_data *pD = s->pD;
    uint32_t nEv = pD->nEv;
    uint32_t **apCol[3] = {&pD->aProg, &pD->aSeg, &pD->aGrp};
    sqlite3_uint64 nByte = (sqlite3_uint64)nEv * sizeof(uint32_t), nSpare = nByte;
    void *pSpare;
    int rc = buildMoveTimes(s, aDest, pOld, &pSpare);
    if (rc) return rc;
    for (int k = 0; k < 3; k++) {
        uint32_t *aOld = *apCol[k];
        void *p;
        if (aOld == NULL) continue;
        /* the block to the array's size: a realloc that shrinks moves
        ** nothing, and one that fails leaves the block as it is */
        if (nSpare > nByte && (p = sqlite3_realloc64(pSpare, nByte)) != NULL) pSpare = p;
        buildScatterAll(s, aDest, BUILD_SCATTER_32, aOld, pSpare);
        *apCol[k] = pSpare;
        pSpare = aOld; /* the old copy is the next array's block */
        nSpare = (sqlite3_uint64)pD->nEvAlloc * sizeof(uint32_t);
    }
    sqlite3_free(pSpare);
    pD->nEvAlloc = nEv;
    return SQLITE_OK;
}

/* How far ahead a pass over the rows asks for a user's counter: most rows'
** users are about in order, but a user met long ago, or one in user_id
** order, lies far from the last (at 22 million users, the passes that group
** the rows took a third less time with it). */
#define BUILD_AHEAD_ROWS 32

/* Each row's user (aUserOf[e]) becomes the row's new place: aPos[u] is
** where user u's next row goes. One pass, in the rows' order: exports list
** users about as they first met them, so aPos is read mostly in order. */
static void buildDest(uint32_t *aUserOf, uint32_t *aPos, uint32_t nEv) {
    uint32_t e1 = nEv > BUILD_AHEAD_ROWS ? nEv - BUILD_AHEAD_ROWS : 0, e;
    for (e = 0; e < e1; e++) {
        __builtin_prefetch(&aPos[aUserOf[e + BUILD_AHEAD_ROWS]], 1);
        aUserOf[e] = aPos[aUserOf[e]]++;
    }
    for (; e < nEv; e++) aUserOf[e] = aPos[aUserOf[e]]++;
}

/* Each user's rows counted: aCount[aUserOf[e]]++ over the rows. */
static void buildCountRows(uint32_t *aCount, const uint32_t *aUserOf, uint32_t nEv) {
    uint32_t e1 = nEv > BUILD_AHEAD_ROWS ? nEv - BUILD_AHEAD_ROWS : 0, e;
    for (e = 0; e < e1; e++) {
        __builtin_prefetch(&aCount[aUserOf[e + BUILD_AHEAD_ROWS]], 1);
        aCount[aUserOf[e]]++;
    }
    for (; e < nEv; e++) aCount[aUserOf[e]]++;
}

/*
** Group the enrollments by user, users in the order they are numbered,
** with a counting sort over the users' numbers (aUserOf). aFirst itself
** holds each user's next place while the places are given (then each
** user's end, the next one's start: moved up by one). The user hash
** table's block (taken over) becomes aFirst; the times move as two planes
** (buildMoveRows), so the read peaks at the arrays, the users' keys and
** first places, and 4 bytes an enrollment more.
*/
static int buildGroupByUser(build_state *s) {
    lp_data *pD = s->pD;
    uint32_t nUser = pD->nUser, nEv = pD->nEv, *aUserOf = s->aUserOf;
    int rc;
    /* aFirst was freed when the rows stopped coming grouped (lp_read.c):
    ** it takes the user hash table's block (its tail given back) */
    uint32_t *aFirst = sqlite3_realloc64(s->aSlot, ((sqlite3_uint64)nUser + 1) * sizeof(uint32_t));
    if (!aFirst) return SQLITE_NOMEM; /* s->aSlot is freed by the caller */
    s->aSlot = NULL;
    pD->aFirst = aFirst;
    memset(pD->aFirst, 0, (size_t)(nUser + 1) * sizeof(uint32_t));
    buildCountRows(pD->aFirst + 1, aUserOf, nEv);
    for (uint32_t u = 0; u < nUser; u++) pD->aFirst[u + 1] += pD->aFirst[u];
    buildDest(aUserOf, pD->aFirst, nEv);
    memmove(pD->aFirst + 1, pD->aFirst, (size_t)nUser * sizeof(uint32_t));
    pD->aFirst[0] = 0;
    rc = buildMoveRows(s, aUserOf, NULL);
    sqlite3_free(s->aUserOf); /* the places now, no longer the users */
    s->aUserOf = NULL;
    return rc;
}

/* The keys in their new order: aKey[i] = aOld[aOrder[i]], i in [i0, i1). */
typedef struct build_rekey {
    lp_key *aKey;
    const lp_key *aOld;
    const uint32_t *aOrder;
    uint32_t i0, i1;
} build_rekey;

static void buildRekey(void *pArg) {
    const build_rekey *p = pArg;
    uint32_t i1 = p->i1 > p->i0 + 16 ? p->i1 - 16 : p->i0, i;
    for (i = p->i0; i < i1; i++) {
        __builtin_prefetch(&p->aOld[p->aOrder[i + 16]]); /* a read at random: asked early */
        p->aKey[i] = p->aOld[p->aOrder[i]];
    }
    for (; i < p->i1; i++) p->aKey[i] = p->aOld[p->aOrder[i]];
}

/* Each row's user (aUserOf), for rows that came grouped by user. */
static int buildUserOf(build_state *s) {
    lp_data *pD = s->pD;
    uint32_t n = pD->nUser;
    s->aUserOf = sqlite3_malloc64((sqlite3_uint64)pD->nEv * sizeof(uint32_t)); /* >= 2 users */
    if (!s->aUserOf) return SQLITE_NOMEM;
    for (uint32_t u = 0; u < n; u++) {
        uint32_t e1 = u + 1 < n ? pD->aFirst[u + 1] : pD->nEv;
        for (uint32_t e = pD->aFirst[u]; e < e1; e++) s->aUserOf[e] = u;
    }
    s->isGrouped = 0;
    return SQLITE_OK;
}

/*
** Renumber the users in user_id order (aBlock: learnpath_read_user_order's,
** taken over), so that user u is the u-th in user_id order and its
** enrollments lie there too: the per-user functions then walk memory in
** order. The keys are gathered into the block itself, which becomes aKey
** (with pD->aKey NULL they are there already: learnpath_read_user_order_ints).
** The rows keep their users' old numbers: each old number's first new
** place (aPos) is found by counting rows per old number, then summing the
** counts in user_id order, so the pass that gives each row its place reads
** aPos about in the order the rows came (buildDest), not at random. The
** sums (aFirst) are written over the order, then moved down over aPos and
** the block shrunk before aFirst gets a block of its own: nothing is
** allocated while the block is whole (the sort's peak). The old keys'
** block, its pages touched, then takes the times' low halves
** (buildMoveRows).
*/
static int buildRenumber(build_state *s, unsigned char *aBlock) {
    lp_data *pD = s->pD;
    uint32_t n = pD->nUser, nEv = pD->nEv, sum = 0;
    uint32_t *aPos = (uint32_t *)(aBlock + BUILD_ORDER_POS(n));
    uint32_t *aOrder = (uint32_t *)(aBlock + BUILD_ORDER_OFF(n));
    unsigned char *p;
    void *pOldKey = NULL;
    int rc = s->isGrouped ? buildUserOf(s) : SQLITE_OK;
    if (rc) {
        sqlite3_free(aBlock);
        return rc;
    }
    if (pD->aKey) {
        build_rekey aPart[2];
        aPart[0] = (build_rekey){(lp_key *)aBlock, pD->aKey, aOrder, 0, n / 2};
        aPart[1] = (build_rekey){(lp_key *)aBlock, pD->aKey, aOrder, n / 2, n};
        learnpath_read_parallel(s->p, buildRekey, &aPart[0], buildRekey, &aPart[1]);
        pOldKey = pD->aKey; /* the times' low halves' block (buildMoveRows) */
    }
    pD->aKey = (lp_key *)aBlock; /* from here on */
    sqlite3_free(pD->aFirst);    /* the grouped rows' (buildUserOf) */
    pD->aFirst = NULL;
    memset(aPos, 0, (size_t)n * sizeof(uint32_t));
    buildCountRows(aPos, s->aUserOf, nEv);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = aOrder[i], m;
        /* users in user_id order are at random in aPos: asked for ahead */
        if (i + BUILD_AHEAD_ROWS < n) __builtin_prefetch(&aPos[aOrder[i + BUILD_AHEAD_ROWS]], 1);
        m = aPos[u];
        aOrder[i] = sum; /* aFirst[i] */
        aPos[u] = sum;
        sum += m;
    }
    buildDest(s->aUserOf, aPos, nEv);
    memmove(aPos, aOrder, (size_t)n * sizeof(uint32_t));
    /* shrinking a block moves nothing; one that cannot shrink stays as it
    ** is (larger, as right) */
    p = sqlite3_realloc64(aBlock, BUILD_ORDER_OFF(n));
    if (p) pD->aKey = (lp_key *)(void *)(aBlock = p);
    pD->aFirst = sqlite3_malloc64(((sqlite3_uint64)n + 1) * sizeof(uint32_t));
    if (!pD->aFirst) {
        sqlite3_free(pOldKey);
        return SQLITE_NOMEM; /* the block is pD->aKey: freed with the data */
    }
    memcpy(pD->aFirst, aBlock + BUILD_ORDER_POS(n), (size_t)n * sizeof(uint32_t));
    pD->aFirst[n] = nEv;
    p = sqlite3_realloc64(aBlock, BUILD_ORDER_POS(n));
    if (p) pD->aKey = (lp_key *)(void *)p;
    pD->nUserAlloc = n + 1;
    rc = buildMoveRows(s, s->aUserOf, pOldKey);
    sqlite3_free(s->aUserOf); /* the places now, no longer the users */
    s->aUserOf = NULL;
    return rc;
}

/*
** Renumber the users in user_id order from the sort of packed keys
** (learnpath_read_user_order_packed): item i of aBlock (taken over, room
** for n + 1 keys) holds the i-th user's old number and packed key, aPacked
** (taken over) the packed keys by old number. As buildRenumber, but the
** rows per old number are counted in the block's free quarter (12 n to
** 16 n), each user's first place summed into aFirst (a block of its own)
** in the items' order, and the keys then unpacked in place, from the end
** (key i's 16 bytes land on items i and after, read already). The packed
** keys' block, shrunk to the times' low halves if larger, takes those
** (buildMoveRows). eOnly: the ids' class (learnpath_read_keys_packable:
** 2 text, 3 blob here; integers read afresh take
** learnpath_read_user_order_ints).
*/
static int buildRenumberPacked(build_state *s, unsigned char *aBlock, uint64_t *aPacked, int eOnly) {
    lp_data *pD = s->pD;
    uint32_t n = pD->nUser, nEv = pD->nEv, sum = 0;
    ks_item *aItem = (ks_item *)(void *)aBlock;
    uint32_t *aPos = (uint32_t *)(void *)(aBlock + (size_t)n * sizeof(ks_item));
    void *pOld = aPacked;
    int rc = s->isGrouped ? buildUserOf(s) : SQLITE_OK;
    if (rc == SQLITE_OK && (uint64_t)n * sizeof(uint64_t) > (uint64_t)nEv * sizeof(uint32_t)) {
        pOld = sqlite3_realloc64(aPacked, (sqlite3_uint64)nEv * sizeof(uint32_t));
        if (pOld == NULL) pOld = aPacked; /* not shrunk: as right, larger */
    }
    sqlite3_free(pD->aFirst); /* the grouped rows' (buildUserOf) */
    pD->aFirst = NULL;
    if (rc == SQLITE_OK) {
        pD->aFirst = sqlite3_malloc64(((sqlite3_uint64)n + 1) * sizeof(uint32_t));
        if (!pD->aFirst) rc = SQLITE_NOMEM;
    }
    if (rc) {
        sqlite3_free(aBlock);
        sqlite3_free(pOld);
        return rc;
    }
    memset(aPos, 0, (size_t)n * sizeof(uint32_t));
    buildCountRows(aPos, s->aUserOf, nEv);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = aItem[i].u, m;
        if (i + BUILD_AHEAD_ROWS < n) __builtin_prefetch(&aPos[aItem[i + BUILD_AHEAD_ROWS].u], 1);
        m = aPos[u];
        pD->aFirst[i] = sum;
        aPos[u] = sum;
        sum += m;
    }
    pD->aFirst[n] = nEv;
    buildDest(s->aUserOf, aPos, nEv);
    learnpath_read_unpack_keys(aBlock, n, eOnly);
    pD->aKey = (lp_key *)(void *)aBlock;
    pD->nUserAlloc = n + 1;
    rc = buildMoveRows(s, s->aUserOf, pOld);
    sqlite3_free(s->aUserOf); /* the places now, no longer the users */
    s->aUserOf = NULL;
    return rc;
}

/* Two names in byte order (qsort of build_named). */
int learnpath_read_named_cmp(const void *pa, const void *pb) {
    const build_named *a = pa, *b = pb;
    return learnpath_bytes_cmp(a->z, a->n, b->z, b->n);
}

/* Rank the names of pTab in byte order: (*paRank)[name] = place. */
static int buildRankNames(const lp_strtab *pTab, uint32_t **paRank) {
    uint32_t n = pTab->n;
    build_named *aNamed = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(build_named));
    *paRank = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aNamed || !*paRank) {
        sqlite3_free(aNamed);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        aNamed[i].z = LP_STR(pTab, i);
        aNamed[i].n = LP_STRLEN(pTab, i);
        aNamed[i].idx = i;
    }
    qsort(aNamed, n, sizeof(build_named), learnpath_read_named_cmp);
    for (uint32_t i = 0; i < n; i++) (*paRank)[aNamed[i].idx] = i;
    sqlite3_free(aNamed);
    return SQLITE_OK;
}

/* Users [u0, u1) of buildSortUsers, in a thread that may not allocate:
** uStop is the first user it left (a large one out of order), or u1. */
typedef struct build_sort_part {
    lp_data *pD;
    const uint32_t *aSegRank;
    uint32_t u0, u1, uStop;
} build_sort_part;

static void buildSortPart(void *pArg) {
    build_sort_part *p = pArg;
    uint32_t u;
    for (u = p->u0; u < p->u1; u++) {
        uint32_t i0 = p->pD->aFirst[u], i1 = p->pD->aFirst[u + 1];
        /* most users have one enrollment: nothing to sort, no call */
        if (i1 - i0 > 1 && buildSortUser(p->pD, p->aSegRank, i0, i1, NULL, NULL)) break;
    }
    p->uStop = u;
}

/*
** Sort each user's enrollments (buildSortUser), segments ranked meanwhile:
** two threads when the read may use two, each for the users of about half
** the rows; this thread then goes on from where either left a user too
** large for it.
*/
static int buildSortUsers(build_state *s) {
    lp_data *pD = s->pD;
    build_ev *aTmp = NULL;
    build_sort_part aPart[2];
    uint32_t nTmp = 0, *aSegRank = NULL, uMid = 0;
    int rc = pD->aSeg ? buildRankNames(&pD->segments, &aSegRank) : SQLITE_OK;
    /* the first user of the second half of the rows (binary search) */
    for (uint32_t uStep = 1u << 31; uStep; uStep >>= 1) {
        if (uMid + uStep <= pD->nUser && pD->aFirst[uMid + uStep] <= pD->nEv / 2) uMid += uStep;
    }
    aPart[0] = (build_sort_part){pD, aSegRank, 0, uMid, uMid};
    aPart[1] = (build_sort_part){pD, aSegRank, uMid, pD->nUser, pD->nUser};
    if (rc == SQLITE_OK) learnpath_read_parallel(s->p, buildSortPart, &aPart[0], buildSortPart, &aPart[1]);
    for (int k = 0; k < 2; k++) {
        for (uint32_t u = aPart[k].uStop; u < aPart[k].u1 && rc == SQLITE_OK; u++) {
            rc = buildSortUser(pD, aSegRank, pD->aFirst[u], pD->aFirst[u + 1], &aTmp, &nTmp);
        }
    }
    sqlite3_free(aTmp);
    sqlite3_free(aSegRank);
    return rc;
}

/*
** Rule 12, read with the rest (readGroup): each user's group is the first
** non-empty group_col value in rule 4's order, as rule 6 picks the segment
** - of the user's rows with a value, the one of the earliest time, then the
** first program name, then the first value in name order (what a read with
** group_col as its segment column would put first). Any order of the rows
** gives the same answer, so it is found before the rows are sorted. The
** rows' values are then freed: only the users' groups are kept.
*/
static int buildUserGroups(lp_data *pD) {
    uint32_t *aGrpRank = NULL;
    int rc = buildRankNames(&pD->groupNames, &aGrpRank);
    if (rc == SQLITE_OK) {
        /* aGrp exists only once a row was kept: nUser >= 1 */
        pD->aUserGroup = sqlite3_malloc64((sqlite3_uint64)pD->nUser * sizeof(uint32_t));
        if (!pD->aUserGroup) rc = SQLITE_NOMEM;
    }
    for (uint32_t u = 0; rc == SQLITE_OK && u < pD->nUser; u++) {
        uint32_t best = LP_NONE;
        for (uint32_t i = pD->aFirst[u]; i < pD->aFirst[u + 1]; i++) {
            uint32_t g = pD->aGrp[i], b;
            if (g == LP_NONE) continue;
            if (best == LP_NONE) {
                best = i;
                continue;
            }
            b = best;
            if (pD->aT[i] != pD->aT[b]) {
                if (pD->aT[i] < pD->aT[b]) best = i;
            } else if (pD->aRank[pD->aProg[i]] != pD->aRank[pD->aProg[b]]) {
                if (pD->aRank[pD->aProg[i]] < pD->aRank[pD->aProg[b]]) best = i;
            } else if (aGrpRank[g] < aGrpRank[pD->aGrp[b]]) {
                best = i;
            }
        }
        pD->aUserGroup[u] = best == LP_NONE ? LP_NONE : pD->aGrp[best];
    }
    sqlite3_free(aGrpRank);
    sqlite3_free(pD->aGrp);
    pD->aGrp = NULL;
    return rc;
}

/* a (n items of nSize bytes, at least one kept) shrunk to its items, or
** NULL when the realloc fails (a stays as it was: as correct, larger). */
static void *buildShrunk(void *a, uint64_t n, size_t nSize) {
    return sqlite3_realloc64(a, (n ? n : 1) * (uint64_t)nSize);
}

/*
** Give back what the arrays' growth by doubling left unused (up to half of
** each), so that the data holds what it uses, and nByteUsed counts only
** that: a cache limit of 2 GiB then keeps the sources that fit in 2 GiB. A
** realloc that shrinks a large block moves nothing.
*/
static void buildShrink(lp_data *pD) {
    void *p;
    int ok = 1;
    /* (an array with room counted has been allocated) */
    if (pD->nKeyByteAlloc > pD->nKeyByte && (p = buildShrunk(pD->aKeyByte, (uint64_t)pD->nKeyByte, 1)) != NULL) {
        pD->aKeyByte = p;
        pD->nKeyByteAlloc = pD->nKeyByte ? pD->nKeyByte : 1;
    }
    if (pD->nUserAlloc > pD->nUser + 1) {
        if ((p = buildShrunk(pD->aKey, (uint64_t)pD->nUser + 1, sizeof(lp_key))) != NULL) {
            pD->aKey = p;
        } else {
            ok = 0;
        }
        if ((p = buildShrunk(pD->aFirst, (uint64_t)pD->nUser + 1, sizeof(uint32_t))) != NULL) {
            pD->aFirst = p;
        } else {
            ok = 0;
        }
        if (ok) pD->nUserAlloc = pD->nUser + 1;
    }
    ok = 1;
    if (pD->nEvAlloc > pD->nEv) {
        if ((p = buildShrunk(pD->aT, pD->nEv, sizeof(int64_t))) != NULL) {
            pD->aT = p;
        } else {
            ok = 0;
        }
        if ((p = buildShrunk(pD->aProg, pD->nEv, sizeof(uint32_t))) != NULL) {
            pD->aProg = p;
        } else {
            ok = 0;
        }
        if (pD->aSeg && (p = buildShrunk(pD->aSeg, pD->nEv, sizeof(uint32_t))) != NULL) {
            pD->aSeg = p;
        } else if (pD->aSeg) {
            ok = 0;
        }
        if (ok) pD->nEvAlloc = pD->nEv; /* >= 1: arrays are made for a row kept */
    }
}

/* Are the users in user_id order as they are numbered? */
static int buildUsersInOrder(const lp_data *pD) {
    for (uint32_t u = 1; u < pD->nUser; u++) {
        if (learnpath_key_cmp(pD, &pD->aKey[u - 1], &pD->aKey[u]) >= 0) return 0;
    }
    return 1;
}

/*
** See lp_read_int.h. aFirst is final ([aFirst[u], aFirst[u + 1]) for every
** user); a user with no enrollment is one all of whose rows were left out.
** The samples are the smallest such users in user_id order (compared as
** SQL compares them, whatever order the users are numbered in), appended
** after those already kept: a stream meets its users in user_id order, a
** window at a time.
*/
int learnpath_read_drop_left_out(lp_data *pD) {
    uint32_t aPick[LP_BAD_SAMPLES], nPick = 0, nRoom = (uint32_t)(LP_BAD_SAMPLES - pD->nLeftOutSample);
    uint32_t n = 0;
    int64_t nBefore = pD->nUserLeftOut;
    for (uint32_t u = 0; u < pD->nUser; u++) {
        if (pD->aFirst[u] < pD->aFirst[u + 1]) continue;
        pD->nUserLeftOut++;
        /* insert u among the smallest nRoom, in order */
        uint32_t j = nPick;
        while (j > 0 && learnpath_key_cmp(pD, &pD->aKey[u], &pD->aKey[aPick[j - 1]]) < 0) j--;
        if (j >= nRoom) continue;
        if (nPick < nRoom) nPick++;
        memmove(aPick + j + 1, aPick + j, (size_t)(nPick - 1 - j) * sizeof(uint32_t));
        aPick[j] = u;
    }
    for (uint32_t i = 0; i < nPick; i++) {
        char *z = learnpath_key_text(pD, &pD->aKey[aPick[i]]);
        if (z == NULL) return SQLITE_NOMEM;
        pD->azLeftOutSample[pD->nLeftOutSample++] = z;
    }
    if (pD->nUserLeftOut == nBefore) return SQLITE_OK; /* every user has an enrollment */
    for (uint32_t u = 0; u < pD->nUser; u++) {
        if (pD->aFirst[u] == pD->aFirst[u + 1]) continue;
        pD->aKey[n] = pD->aKey[u];
        pD->aFirst[n++] = pD->aFirst[u];
    }
    pD->aFirst[n] = pD->nEv;
    pD->nUser = n;
    return SQLITE_OK;
}

/* Step 3: number the users in user_id order, group the enrollments by
** user, sort each user's enrollments. */
int learnpath_read_finish(build_state *s) {
    lp_data *pD = s->pD;
    int rc = SQLITE_OK;

    /* the user hash table is done with: its block is reused (its pages are
    ** touched: a new block's would fault) by the sort or the times */
    sqlite3_free(s->aSlotNew);
    s->aSlotNew = NULL;
    if (pD->aFirst == NULL && s->isGrouped) { /* no user (else: made below) */
        pD->aFirst = sqlite3_malloc64(sizeof(uint32_t));
        if (!pD->aFirst) return SQLITE_NOMEM;
    }
    if (!s->isSorted && !buildUsersInOrder(pD)) {
        if (s->p->anyOrder) {
            /* no caller needs the order yet (learnpath_data_order) */
            pD->isUnordered = 1;
            if (!s->isGrouped) rc = buildGroupByUser(s);
        } else {
            unsigned char *aBlock;
            uint64_t *aPacked;
            int eOnly = s->hasNonInt ? learnpath_read_keys_packable(pD) : 0;
            if (eOnly) {
                /* text (or blob) ids: the keys packed, the sort in one copy */
                rc = learnpath_read_user_order_packed(pD, s->p, eOnly, s->aSlot, &aBlock, &aPacked);
                s->aSlot = NULL;
                if (rc == SQLITE_OK) rc = buildRenumberPacked(s, aBlock, aPacked, eOnly);
                aBlock = NULL;
            } else if (s->hasNonInt) {
                rc = learnpath_read_user_order(pD, s->p, s->aSlot, &aBlock);
                s->aSlot = NULL;
            } else {
                /* integer ids: the keys' block grows into the sort's */
                sqlite3_free(s->aSlot);
                s->aSlot = NULL;
                rc = learnpath_read_user_order_ints(pD, s->p, &aBlock);
            }
            if (rc == SQLITE_OK && aBlock) rc = buildRenumber(s, aBlock);
        }
    } else if (!s->isGrouped) {
        rc = buildGroupByUser(s);
    }
    sqlite3_free(s->aSlot);
    s->aSlot = NULL;
    if (rc) return rc;
    if (s->isGrouped) pD->aFirst[pD->nUser] = pD->nEv; /* room was kept by buildUserOf */
    sqlite3_free(s->aUserOf);
    s->aUserOf = NULL;
    int64_t nLeftBefore = pD->nUserLeftOut;
    rc = learnpath_read_drop_left_out(pD);
    /* the users that remain may be in order (only when some were dropped:
    ** the unordered users were checked above) */
    if (rc == SQLITE_OK && pD->isUnordered && pD->nUserLeftOut > nLeftBefore &&
        buildUsersInOrder(pD)) {
        pD->isUnordered = 0;
    }
    if (rc == SQLITE_OK) rc = buildRankNames(&pD->programs, &pD->aRank);
    if (rc == SQLITE_OK && pD->aGrp) rc = buildUserGroups(pD);
    if (rc == SQLITE_OK) rc = buildSortUsers(s);
    if (rc == SQLITE_OK) buildShrink(pD);
    pD->nByteUsed = (int64_t)pD->nEvAlloc * (sizeof(int64_t) + sizeof(uint32_t) * (pD->aSeg ? 2 : 1)) +
                    (int64_t)pD->nUserAlloc * (sizeof(lp_key) + sizeof(uint32_t)) + pD->nKeyByteAlloc +
                    learnpath_data_name_bytes(pD) +
                    (pD->aUserGroup ? (int64_t)pD->nUser * (int64_t)sizeof(uint32_t) +
                                          learnpath_strtab_bytes(&pD->groupNames) +
                                          (int64_t)pD->groupNames.n * LP_NAME_EXTRA
                                    : 0);
    return rc;
}
