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

/*
** Sort enrollments [i0, i1) by time, then program name (rule 4), then
** segment name (aSegRank, NULL without a segment column): a total order,
** so the first segment (rule 6) does not depend on the rows' order.
*/
static int buildSortUser(lp_data *pD, const uint32_t *aSegRank, uint32_t i0, uint32_t i1,
                         build_ev **paTmp, uint32_t *pnTmp) {
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
    if (n > *pnTmp) {
        build_ev *aNew = sqlite3_realloc64(*paTmp, (sqlite3_uint64)n * sizeof(build_ev));
        if (!aNew) return SQLITE_NOMEM;
        *paTmp = aNew;
        *pnTmp = n;
    }
    build_ev *a = *paTmp;
    for (i = 0; i < n; i++) {
        a[i].t = pD->aT[i0 + i];
        a[i].prog = pD->aProg[i0 + i];
        a[i].rank = pD->aRank[a[i].prog];
        a[i].seg = pD->aSeg ? pD->aSeg[i0 + i] : LP_NONE;
        a[i].segRank = aSegRank ? buildSegRank(aSegRank, a[i].seg) : LP_NONE;
    }
    qsort(a, n, sizeof(build_ev), learnpath_read_ev_cmp);
    for (i = 0; i < n; i++) {
        pD->aT[i0 + i] = a[i].t;
        pD->aProg[i0 + i] = a[i].prog;
        if (pD->aSeg) pD->aSeg[i0 + i] = a[i].seg;
    }
    return SQLITE_OK;
}

/*
** Group the enrollments by user with a counting sort over the users'
** numbers, renumbering the users to aRank[u] on the way (NULL: keep).
*/
static int buildGroupByUser(build_state *s, const uint32_t *aRank) {
    lp_data *pD = s->pD;
    uint32_t nUser = pD->nUser, nEv = pD->nEv, *aUserOf = s->aUserOf;
    uint32_t *aPos = sqlite3_malloc64((sqlite3_uint64)(nUser + 1) * sizeof(uint32_t));
    if (!aPos) return SQLITE_NOMEM;
    if (aRank) {
        for (uint32_t e = 0; e < nEv; e++) aUserOf[e] = aRank[aUserOf[e]];
    }
    memset(pD->aFirst, 0, (size_t)(nUser + 1) * sizeof(uint32_t));
    for (uint32_t e = 0; e < nEv; e++) pD->aFirst[aUserOf[e] + 1]++;
    for (uint32_t u = 0; u < nUser; u++) pD->aFirst[u + 1] += pD->aFirst[u];

    /* one array at a time, so only one extra copy is alive */
    int64_t *aT = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(int64_t));
    if (!aT) goto nomem;
    memcpy(aPos, pD->aFirst, (size_t)(nUser + 1) * sizeof(uint32_t));
    for (uint32_t e = 0; e < nEv; e++) aT[aPos[aUserOf[e]]++] = pD->aT[e];
    sqlite3_free(pD->aT);
    pD->aT = aT;
    for (int k = 0; k < 2; k++) {
        uint32_t **paArr = k == 0 ? &pD->aProg : &pD->aSeg;
        if (*paArr == NULL) continue;
        uint32_t *aNew = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(uint32_t));
        if (!aNew) goto nomem;
        memcpy(aPos, pD->aFirst, (size_t)(nUser + 1) * sizeof(uint32_t));
        for (uint32_t e = 0; e < nEv; e++) aNew[aPos[aUserOf[e]]++] = (*paArr)[e];
        sqlite3_free(*paArr);
        *paArr = aNew;
    }
    pD->nEvAlloc = nEv;
    sqlite3_free(aPos);
    return SQLITE_OK;
nomem:
    sqlite3_free(aPos);
    return SQLITE_NOMEM;
}

/*
** Renumber the users in user_id order (aOrder: the users in that order),
** so that user u is the u-th in user_id order and its enrollments lie
** there too: the per-user functions then walk memory in order. Rows that
** came grouped by user get their users' numbers per row first.
*/
static int buildRenumber(build_state *s, const uint32_t *aOrder) {
    lp_data *pD = s->pD;
    uint32_t n = pD->nUser, *aRank;
    int rc;
    if (s->isGrouped) {
        s->aUserOf = sqlite3_malloc64((sqlite3_uint64)(pD->nEv ? pD->nEv : 1) * sizeof(uint32_t));
        if (!s->aUserOf) return SQLITE_NOMEM;
        for (uint32_t u = 0; u < n; u++) {
            uint32_t e1 = u + 1 < n ? pD->aFirst[u + 1] : pD->nEv;
            for (uint32_t e = pD->aFirst[u]; e < e1; e++) s->aUserOf[e] = u;
        }
        s->isGrouped = 0;
    }
    aRank = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aRank) return SQLITE_NOMEM;
    for (uint32_t i = 0; i < n; i++) aRank[aOrder[i]] = i;
    rc = buildGroupByUser(s, aRank);
    if (rc == SQLITE_OK) {
        /* the keys too (a copy: read at random once, written in order) */
        lp_key *aKey = sqlite3_malloc64((sqlite3_uint64)pD->nUserAlloc * sizeof(lp_key));
        if (aKey == NULL) {
            rc = SQLITE_NOMEM;
        } else {
            for (uint32_t i = 0; i < n; i++) aKey[i] = pD->aKey[aOrder[i]];
            sqlite3_free(pD->aKey);
            pD->aKey = aKey;
        }
    }
    sqlite3_free(aRank);
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

/* Sort each user's enrollments (buildSortUser), segments ranked meanwhile. */
static int buildSortUsers(lp_data *pD) {
    build_ev *aTmp = NULL;
    uint32_t nTmp = 0, *aSegRank = NULL;
    int rc = pD->aSeg ? buildRankNames(&pD->segments, &aSegRank) : SQLITE_OK;
    for (uint32_t u = 0; u < pD->nUser && rc == SQLITE_OK; u++) {
        rc = buildSortUser(pD, aSegRank, pD->aFirst[u], pD->aFirst[u + 1], &aTmp, &nTmp);
    }
    sqlite3_free(aTmp);
    sqlite3_free(aSegRank);
    return rc;
}

/* Are the users in user_id order as they are numbered? */
static int buildUsersInOrder(const lp_data *pD) {
    for (uint32_t u = 1; u < pD->nUser; u++) {
        if (learnpath_key_cmp(pD, &pD->aKey[u - 1], &pD->aKey[u]) >= 0) return 0;
    }
    return 1;
}

/* Step 3: number the users in user_id order, group the enrollments by
** user, sort each user's enrollments. */
int learnpath_read_finish(build_state *s) {
    lp_data *pD = s->pD;
    int rc = SQLITE_OK;

    sqlite3_free(s->aSlot);
    s->aSlot = NULL;
    sqlite3_free(s->aSlotNew);
    s->aSlotNew = NULL;
    if (pD->aFirst == NULL) {
        pD->aFirst = sqlite3_malloc64(sizeof(uint32_t));
        if (!pD->aFirst) return SQLITE_NOMEM;
    }
    if (!s->isSorted && !buildUsersInOrder(pD)) {
        uint32_t *aOrder;
        rc = learnpath_read_order_users(pD, &aOrder);
        if (rc == SQLITE_OK) rc = buildRenumber(s, aOrder);
        sqlite3_free(aOrder);
    } else if (!s->isGrouped) {
        rc = buildGroupByUser(s, NULL);
    }
    if (rc) return rc;
    if (s->isGrouped) pD->aFirst[pD->nUser] = pD->nEv; /* room was kept by buildUserOf */
    sqlite3_free(s->aUserOf);
    s->aUserOf = NULL;
    rc = buildRankNames(&pD->programs, &pD->aRank);
    if (rc == SQLITE_OK) rc = buildSortUsers(pD);
    pD->nByteUsed = (int64_t)pD->nEvAlloc * (sizeof(int64_t) + sizeof(uint32_t) * (pD->aSeg ? 2 : 1)) +
                    (int64_t)pD->nUserAlloc * (sizeof(lp_key) + sizeof(uint32_t)) + pD->nKeyByteAlloc +
                    learnpath_data_name_bytes(pD);
    return rc;
}
