/*
** lp_read_reorder.c - data read in any order put in user_id order in place
** (learnpath_data_order): the cache holds a source read for a query that
** needed no order (rule 10), and a later query needs it.
**
** Every array of the data used to be copied at once into its new order,
** the old arrays and the sort beside them: the read's own bytes twice over
** and more (63.7 bytes an enrollment without the ids' text, 3 million
** enrollments with UUID ids). When every id is of one class and packs
** into 8 bytes (learnpath_read_keys_packable: integers, or text, or
** blobs), the keys are packed and sorted in one copy
** (learnpath_read_user_order_packed), and the arrays move one at a time,
** each into a new block with the old one freed after it: the peak holds
** the read's arrays, the sort's items and one array's copy. Other ids
** (numbers with a fraction, classes mixed) take the copy as before.
**
** On an error the packed path leaves the data only to be freed (its keys
** are in the sort's block, its arrays in either order): the cache forgets
** it, and the next query reads the source again.
*/
#include <string.h>

#include "lp_read_int.h"

/* How many users ahead a pass in the new order asks for one's old place. */
#define REORDER_AHEAD 16

/* One thread's part of one array's move: users [i0, i1) of the new order,
** each at its old first place (aItem[i].u), nSize bytes a row. */
typedef struct reorder_part {
    const ks_item *aItem;
    const uint32_t *aFirst; /* the new first places */
    const unsigned char *aOld;
    unsigned char *aNew;
    size_t nSize;
    uint32_t i0, i1;
} reorder_part;

static void reorderMove(void *pArg) {
    const reorder_part *m = pArg;
    for (uint32_t i = m->i0; i < m->i1; i++) {
        uint32_t f = m->aFirst[i], nRow = m->aFirst[i + 1] - f;
        /* the old rows are at random: a user's asked for ahead */
        if (i + REORDER_AHEAD < m->i1) {
            __builtin_prefetch(m->aOld + (size_t)m->aItem[i + REORDER_AHEAD].u * m->nSize);
        }
        memcpy(m->aNew + (size_t)f * m->nSize, m->aOld + (size_t)m->aItem[i].u * m->nSize,
               (size_t)nRow * m->nSize);
    }
}

/* The array *pa (nEv rows of nSize bytes) into the new order: a new block,
** moved into by two threads (half the users each), the old one freed. */
static int reorderArray(const lp_data *pD, const lp_source_spec *p, const ks_item *aItem, void **pa, size_t nSize) {
    reorder_part aPart[2];
    unsigned char *aNew = sqlite3_malloc64((sqlite3_uint64)pD->nEv * nSize);
    if (!aNew) return SQLITE_NOMEM;
    aPart[0] = (reorder_part){aItem, pD->aFirst, *pa, aNew, nSize, 0, pD->nUser / 2};
    aPart[1] = aPart[0];
    aPart[1].i0 = pD->nUser / 2;
    aPart[1].i1 = pD->nUser;
    learnpath_read_parallel(p, reorderMove, &aPart[0], reorderMove, &aPart[1]);
    sqlite3_free(*pa);
    *pa = aNew;
    return SQLITE_OK;
}

/*
** Every id of class eOnly, packable: the sort's items give each user's old
** number; the packed keys' block (8 bytes a user, its pages touched) takes
** the new first places (after lending its room to the groups' move), each
** item's old number becomes the user's old first place, and the arrays
** move one at a time. The keys are then unpacked from the items in the
** sort's block, which becomes aKey.
*/
static int reorderPacked(lp_data *pD, const lp_source_spec *p, int eOnly) {
    uint32_t n = pD->nUser, *aFirst;
    unsigned char *aBlock;
    uint64_t *aPacked;
    ks_item *aItem;
    int rc = learnpath_read_user_order_packed(pD, p, eOnly, NULL, &aBlock, &aPacked);
    if (rc) return rc; /* pD->aKey NULL: the data is only to be freed */
    aItem = (ks_item *)(void *)aBlock;
    /* 4 (n + 1) bytes <= 8 n (n >= 2): a realloc that shrinks */
    aFirst = sqlite3_realloc64(aPacked, ((sqlite3_uint64)n + 1) * sizeof(uint32_t));
    if (!aFirst) aFirst = (uint32_t *)(void *)aPacked; /* not shrunk: as right, larger */
    if (pD->aUserGroup) {
        /* the users' groups follow them, through aFirst's room */
        for (uint32_t i = 0; i < n; i++) aFirst[i] = pD->aUserGroup[aItem[i].u];
        memcpy(pD->aUserGroup, aFirst, (size_t)n * sizeof(uint32_t));
    }
    aFirst[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = aItem[i].u;
        if (i + REORDER_AHEAD < n) __builtin_prefetch(&pD->aFirst[aItem[i + REORDER_AHEAD].u]);
        aFirst[i + 1] = aFirst[i] + (pD->aFirst[u + 1] - pD->aFirst[u]);
        aItem[i].u = pD->aFirst[u];
    }
    sqlite3_free(pD->aFirst);
    pD->aFirst = aFirst;
    rc = reorderArray(pD, p, aItem, (void **)&pD->aT, sizeof(int64_t));
    if (rc == SQLITE_OK) rc = reorderArray(pD, p, aItem, (void **)&pD->aProg, sizeof(uint32_t));
    if (rc == SQLITE_OK && pD->aSeg) rc = reorderArray(pD, p, aItem, (void **)&pD->aSeg, sizeof(uint32_t));
    if (rc) {
        sqlite3_free(aBlock);
        return rc; /* pD->aKey NULL: the data is only to be freed */
    }
    learnpath_read_unpack_keys(aBlock, n, eOnly);
    pD->aKey = (lp_key *)(void *)aBlock; /* room for n + 1 keys (BUILD_ORDER_POS) */
    pD->nUserAlloc = n + 1;
    pD->nEvAlloc = pD->nEv;
    return SQLITE_OK;
}

/* One part of the copy: users [i0, i1) of the new order. */
typedef struct reorder_copy {
    const lp_data *pD;
    const uint32_t *aOrder;
    const uint32_t *aNewFirst;
    int64_t *aT;
    uint32_t *aProg, *aSeg;
    lp_key *aKey;
    uint32_t i0, i1;
} reorder_copy;

static void reorderCopyPart(void *pArg) {
    const reorder_copy *m = pArg;
    const lp_data *pD = m->pD;
    for (uint32_t i = m->i0; i < m->i1; i++) {
        uint32_t u = m->aOrder[i], e0 = pD->aFirst[u], nRow = pD->aFirst[u + 1] - e0;
        uint32_t f = m->aNewFirst[i];
        memcpy(m->aT + f, pD->aT + e0, (size_t)nRow * sizeof(int64_t));
        memcpy(m->aProg + f, pD->aProg + e0, (size_t)nRow * sizeof(uint32_t));
        if (m->aSeg) memcpy(m->aSeg + f, pD->aSeg + e0, (size_t)nRow * sizeof(uint32_t));
        m->aKey[i] = pD->aKey[u];
    }
}

/* Ids of mixed classes or with fractions: every array copied into its new
** order at once (learnpath_read_user_order's order), then the old ones
** freed. On an error the data is as it was. */
static int reorderCopy(lp_data *pD, const lp_source_spec *p) {
    uint32_t n = pD->nUser, nEv = pD->nEv, *aOrder = NULL, *aFirst;
    reorder_copy aPart[2];
    int64_t *aT;
    uint32_t *aProg, *aSeg = NULL;
    lp_key *aKey;
    int rc = learnpath_data_user_order(pD, p, &aOrder);
    if (rc) return rc;
    aFirst = sqlite3_malloc64((sqlite3_uint64)pD->nUserAlloc * sizeof(uint32_t));
    aKey = sqlite3_malloc64((sqlite3_uint64)pD->nUserAlloc * sizeof(lp_key));
    aT = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(int64_t));
    aProg = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(uint32_t));
    if (pD->aSeg) aSeg = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(uint32_t));
    if (!aFirst || !aKey || !aT || !aProg || (pD->aSeg && !aSeg)) {
        sqlite3_free(aOrder);
        sqlite3_free(aFirst);
        sqlite3_free(aKey);
        sqlite3_free(aT);
        sqlite3_free(aProg);
        sqlite3_free(aSeg);
        return SQLITE_NOMEM;
    }
    aFirst[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = aOrder[i];
        aFirst[i + 1] = aFirst[i] + (pD->aFirst[u + 1] - pD->aFirst[u]);
    }
    aPart[0] = (reorder_copy){pD, aOrder, aFirst, aT, aProg, aSeg, aKey, 0, n / 2};
    aPart[1] = aPart[0];
    aPart[1].i0 = n / 2;
    aPart[1].i1 = n;
    learnpath_read_parallel(p, reorderCopyPart, &aPart[0], reorderCopyPart, &aPart[1]);
    if (pD->aUserGroup) {
        /* the users' groups follow them (in place: aFirst's old copy is free) */
        uint32_t *aOld = pD->aFirst;
        for (uint32_t i = 0; i < n; i++) aOld[i] = pD->aUserGroup[aOrder[i]];
        memcpy(pD->aUserGroup, aOld, (size_t)n * sizeof(uint32_t));
    }
    sqlite3_free(aOrder);
    sqlite3_free(pD->aFirst);
    sqlite3_free(pD->aKey);
    sqlite3_free(pD->aT);
    sqlite3_free(pD->aProg);
    sqlite3_free(pD->aSeg);
    pD->aFirst = aFirst;
    pD->aKey = aKey;
    pD->aT = aT;
    pD->aProg = aProg;
    pD->aSeg = aSeg;
    pD->nEvAlloc = nEv;
    return SQLITE_OK;
}

/* See lp_read.h. */
int learnpath_data_order(lp_data *pD, const lp_source_spec *p) {
    /* isUnordered (the cache's test): n >= 2 users, nEv >= 2 enrollments */
    int eOnly = learnpath_read_keys_packable(pD);
    int rc = eOnly ? reorderPacked(pD, p, eOnly) : reorderCopy(pD, p);
    if (rc) return rc;
    pD->isUnordered = 0;
    pD->iOrderGen++;
    return SQLITE_OK;
}
