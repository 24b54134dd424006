/*
** tvf_group.c - group_stats: one row per segment and group (rule 12), ranked.
**
**   SELECT * FROM group_stats('enrollments') WHERE group_col = 'account';
**   SELECT * FROM group_stats('enrollments', 'user_id', 'program',
**                             'enrolled_at', 'user_type', group_col => ...)
**
** A user's group is the first non-empty value of group_col in rule 4's
** order, as rule 6 picks the segment (lp_users.c reads it, each user's by
** position in user_id order). Each user's journey is shaped as the other
** functions shape it (rules 4-8; since and until keep the users whose first
** step starts in the window). Without group_col, or with one whose values
** are all NULL or empty, every user is in no group.
**
** Per segment (NULL without segment_col) and group: its users and their
** enrollments (rule 1's rows), their share of the segment's users kept, its
** rank in the segment (users descending, then the group's text in byte
** order: 1, 2, 3, ... with no ties), the first step (rule 4 label) most of
** its users started with (a tie to the first label in byte order), how
** many, and their share; the users who continued to a second step, their
** share, and the mean days from the first step to the second. The users of
** a segment without a group are its last row, group_value and rank NULL.
**
** Streaming, the names and the (segment, group, first label) cells are
** kept whole and count against the memory budget, as the aggregates' rows do.
** In memory with no budget, the rows are kept with the data (a memo, as the
** aggregates keep theirs) when they depend on the shaping alone: with the
** groups read with the rest (lp_users.c: the data's one group column), or
** with no group at all (no group_col, or one all NULL or empty: rule 12).
** The report's later queries of the same shaping find them ready.
**
** The pass finds each user's (segment, group) cell and (cell, first label)
** pair by numbers, not names: segments, groups and programs are numbered
** densely, so in memory a small grid of (segment, group) gives the cell,
** and of (segment, group, program) the pair; hash tables of number pairs
** (group_map) the rest (tie groups' labels, streaming, a grid too large).
*/
#include <stdlib.h>
#include <string.h>

#include "lp_sql.h"

/* What one segment's group (or its users without one) gathers. */
typedef struct group_acc {
    uint32_t segment, group; /* LP_NONE: none */
    int64_t users, enrollments, continued;
    uint64_t sumMsLo, sumMsHi; /* the gaps to step 2 in ms, exactly (128 bits:
                             ** the mean does not depend on the users' order) */
    int64_t topUsers;        /* users of the top first label */
    uint32_t topLabel;       /* LP_NONE: none yet */
} group_acc;

/* A row: a group's figures, its names and top label copied out. */
typedef struct group_row {
    group_acc a;
    int64_t segmentUsers;
    char *zSegment;          /* NULL: no segment */
    int nSegment;
    char *zName;             /* NULL: the users without a group */
    int nName;
    char *zTop;              /* the top first label */
    int nTop;
    int64_t rank;
} group_row;

/*
** Pairs of 32-bit numbers (a, b) -> their numbers 0, 1, ... in order of
** first sight: open addressing, linear probing, at most half full, the key
** kept in the slot (one cache line a probe), seeded as every hash table of
** learnpath (lp_base.h, "Hashing"). Only probed, never walked in slot
** order but to rehash and to report to learnpath_hash_probe_hook.
*/
typedef struct group_slot {
    uint32_t a, b;
    uint32_t i1;             /* the number + 1; 0: empty */
} group_slot;

typedef struct group_map {
    group_slot *aSlot;
    uint32_t nSlot;          /* a power of two; 0 before the first entry */
    uint32_t n;
    lp_hash_seed seed;       /* drawn with aSlot */
} group_map;

/* A (cell, first label) pair and its users. */
typedef struct group_pair {
    uint32_t cell, label;
    int64_t users;
} group_pair;

typedef struct group_cursor {
    lp_tvf_cursor tvf;
    lp_users it;
    lp_shaper sh;
    /* the grid (in memory, when small): a cell's place is (segment + 1) *
    ** nGroupCol + group + 1 (segment or group LP_NONE: + 0) */
    uint32_t *aCellAt;       /* per place, the cell + 1 (0: none yet) */
    int64_t nCellAt;         /*   places; 0: the cells are found in cells */
    uint32_t nGroupCol;      /*   groups + 1 */
    uint32_t *aPairAt;       /* per place * nProgAt + program, the pair + 1 */
    int64_t nPairAt;         /*   its entries; 0: none */
    uint32_t nProgAt;        /*   programs (tie groups' pairs are in pairs) */
    group_map cells;         /* (segment, group) -> its cell, outside the grid */
    group_acc *aAcc;         /* per cell */
    uint32_t nCell;
    int64_t nAccAlloc;
    group_map pairs;         /* (cell, first label) -> its pair, outside aPairAt */
    group_pair *aPair;
    uint32_t nPair;
    int64_t nPairAlloc;
    int64_t *aSegUsers;      /* per segment + 1 (0: none): users kept */
    int64_t nSegAlloc;
    int isPass;              /* a pass began since groupForget */
    group_row *aRow;
    int64_t nRow, iRow;
    int isRowsBorrowed;      /* aRow is a memo's (kept with the data it.pData holds) */
} group_cursor;

/* Rows kept with the data (lp_data.apMemo[LP_MEMO_GROUP]), per shaping. */
typedef struct group_memo {
    struct group_memo *pNext;
    lp_shape_spec shape;
    int ignoreSegments;
    int isNoGroup;           /* every user in no group; else the data's groups */
    group_row *aRow;
    int64_t nRow;
} group_memo;

static void groupFreeRowArray(group_row *aRow, int64_t nRow) {
    for (int64_t i = 0; i < nRow; i++) {
        sqlite3_free(aRow[i].zName);
        sqlite3_free(aRow[i].zSegment);
        sqlite3_free(aRow[i].zTop);
    }
    sqlite3_free(aRow);
}

/* lp_data.axMemoFree[LP_MEMO_GROUP]: the data's memos go with it. */
static void groupMemoListFree(void *p) {
    group_memo *pMemo = p;
    while (pMemo) {
        group_memo *pNext = pMemo->pNext;
        groupFreeRowArray(pMemo->aRow, pMemo->nRow);
        sqlite3_free(pMemo);
        pMemo = pNext;
    }
}

static void groupFreeRows(group_cursor *pCur) {
    if (!pCur->isRowsBorrowed) groupFreeRowArray(pCur->aRow, pCur->nRow);
    pCur->isRowsBorrowed = 0;
    pCur->aRow = NULL;
    pCur->nRow = pCur->iRow = 0;
}

/* The slot of (a, b) in pMap (nSlot > 0): its own, or the empty one where
** it would go. */
static group_slot *groupMapSlot(const group_map *pMap, uint32_t a, uint32_t b) {
    uint32_t mask = pMap->nSlot - 1;
    uint32_t h = learnpath_hash_int(((uint64_t)a << 32) | b, &pMap->seed) & mask;
    group_slot *pS = &pMap->aSlot[h];
    while (pS->i1 && (pS->a != a || pS->b != b)) {
        h = (h + 1) & mask;
        pS = &pMap->aSlot[h];
    }
    return pS;
}

/* Twice the slots (64 at first), a new seed, the entries placed again. */
static int groupMapGrow(group_map *pMap) {
    group_slot *aOld = pMap->aSlot;
    uint32_t nOld = pMap->nSlot;
    uint64_t nNew = nOld ? (uint64_t)nOld * 2 : 64;
    if (nNew > ((uint64_t)1 << 31)) return SQLITE_NOMEM; /* (fewer entries than users) */
    pMap->aSlot = sqlite3_malloc64(nNew * sizeof(group_slot));
    if (!pMap->aSlot) {
        pMap->aSlot = aOld;
        return SQLITE_NOMEM;
    }
    memset(pMap->aSlot, 0, (size_t)nNew * sizeof(group_slot));
    pMap->nSlot = (uint32_t)nNew;
    learnpath_hash_seed(&pMap->seed);
    for (uint32_t i = 0; i < nOld; i++) {
        if (aOld[i].i1) *groupMapSlot(pMap, aOld[i].a, aOld[i].b) = aOld[i];
    }
    sqlite3_free(aOld);
    return SQLITE_OK;
}

/* The number of (a, b) in pMap, or iNew, which it takes if new. */
static int groupMapIntern(group_map *pMap, uint32_t a, uint32_t b, uint32_t iNew, uint32_t *piOut) {
    group_slot *pS = NULL;
    if (pMap->nSlot) {
        pS = groupMapSlot(pMap, a, b);
        if (pS->i1) {
            *piOut = pS->i1 - 1;
            return SQLITE_OK;
        }
    }
    if ((uint64_t)(pMap->n + 1) * 2 > pMap->nSlot) {
        int rc = groupMapGrow(pMap);
        if (rc) return rc;
        pS = groupMapSlot(pMap, a, b);
    }
    pS->a = a;
    pS->b = b;
    pS->i1 = iNew + 1;
    pMap->n++;
    *piOut = iNew;
    return SQLITE_OK;
}

/* Free pMap, reporting its probes to learnpath_hash_probe_hook when set
** and the table was used (isPass: a pass had it, allocated or not, so that
** a test sees every pass, check_group.c). */
static void groupMapFree(group_map *pMap, const char *zTable, int isPass) {
    if (learnpath_hash_probe_hook && (pMap->aSlot || isPass)) {
        uint64_t nDisplaced = 0;
        uint32_t mask = pMap->nSlot - 1;
        for (uint32_t i = 0; i < pMap->nSlot; i++) {
            const group_slot *pS = &pMap->aSlot[i];
            if (pS->i1 == 0) continue;
            uint64_t ab = ((uint64_t)pS->a << 32) | pS->b;
            nDisplaced += (i - (learnpath_hash_int(ab, &pMap->seed) & mask)) & mask;
        }
        learnpath_hash_probe_hook(zTable, pMap->n, nDisplaced);
    }
    sqlite3_free(pMap->aSlot);
    memset(pMap, 0, sizeof(*pMap));
}

/* Forget what a pass gathered (before another pass, and at reset). */
static void groupForget(group_cursor *pCur) {
    groupMapFree(&pCur->cells, "group_stats cells", pCur->isPass);
    groupMapFree(&pCur->pairs, "group_stats pairs", pCur->isPass);
    pCur->isPass = 0;
    sqlite3_free(pCur->aCellAt);
    sqlite3_free(pCur->aPairAt);
    sqlite3_free(pCur->aAcc);
    sqlite3_free(pCur->aPair);
    sqlite3_free(pCur->aSegUsers);
    pCur->aCellAt = pCur->aPairAt = NULL;
    pCur->aAcc = NULL;
    pCur->aPair = NULL;
    pCur->aSegUsers = NULL;
    pCur->nCellAt = pCur->nPairAt = pCur->nAccAlloc = pCur->nPairAlloc = pCur->nSegAlloc = 0;
    pCur->nCell = pCur->nPair = pCur->nGroupCol = pCur->nProgAt = 0;
}

static void groupReset(lp_tvf_cursor *pBase) {
    group_cursor *pCur = (group_cursor *)pBase;
    groupForget(pCur);
    groupFreeRows(pCur);
    learnpath_shaper_free(&pCur->sh);
    learnpath_users_close(&pCur->it);
}

/* The bytes the pass holds beside the data (the memory budget). */
static int64_t groupBytes(const group_cursor *pCur) {
    return ((int64_t)pCur->cells.nSlot + pCur->pairs.nSlot) * (int64_t)sizeof(group_slot) +
           (pCur->nCellAt + pCur->nPairAt) * (int64_t)sizeof(uint32_t) +
           pCur->nAccAlloc * (int64_t)sizeof(group_acc) +
           pCur->nPairAlloc * (int64_t)sizeof(group_pair) +
           pCur->nSegAlloc * (int64_t)sizeof(int64_t) + learnpath_shaper_bytes(&pCur->sh);
}

/*
** The grid, in memory when it is small: at most GROUP_GRID_MAX places (64
** KB), and as many pairs of a place and a program, and no more than 8 of
** either per user (32 bytes a user, what the hash tables take for a cell
** or a pair a user). Streaming, segments and programs are met as the users
** come: the cells and pairs are all in the hash tables.
*/
#define GROUP_GRID_MAX ((int64_t)1 << 14)
static int groupGridInit(group_cursor *pCur) {
    const lp_data *pD = pCur->it.pData;
    int64_t nSegRow, n, nMax = 8 * ((int64_t)pD->nUser + 1);
    if (pCur->it.pStream) return SQLITE_OK;
    nSegRow = pCur->sh.ignoreSegments || pD->aSeg == NULL ? 1 : (int64_t)pD->segments.n + 1;
    n = nSegRow * ((int64_t)pCur->it.groups.n + 1);
    if (n > GROUP_GRID_MAX || n > nMax) return SQLITE_OK;
    pCur->aCellAt = sqlite3_malloc64((sqlite3_uint64)n * sizeof(uint32_t));
    if (!pCur->aCellAt) return SQLITE_NOMEM;
    memset(pCur->aCellAt, 0, (size_t)n * sizeof(uint32_t));
    pCur->nCellAt = n;
    pCur->nGroupCol = pCur->it.groups.n + 1;
    n *= pD->programs.n;
    if (n == 0 || n > GROUP_GRID_MAX || n > nMax) return SQLITE_OK;
    pCur->aPairAt = sqlite3_malloc64((sqlite3_uint64)n * sizeof(uint32_t));
    if (!pCur->aPairAt) return SQLITE_NOMEM;
    memset(pCur->aPairAt, 0, (size_t)n * sizeof(uint32_t));
    pCur->nPairAt = n;
    pCur->nProgAt = pD->programs.n;
    return SQLITE_OK;
}

/* The place of (segment, group) in the grid, or -1 (none, or outside it). */
static int64_t groupGridPlace(const group_cursor *pCur, uint32_t segment, uint32_t group) {
    uint64_t iSeg = segment == LP_NONE ? 0 : (uint64_t)segment + 1;
    uint64_t iGrp = group == LP_NONE ? 0 : (uint64_t)group + 1;
    if (iGrp >= pCur->nGroupCol || iSeg * pCur->nGroupCol + iGrp >= (uint64_t)pCur->nCellAt) return -1;
    return (int64_t)(iSeg * pCur->nGroupCol + iGrp);
}

/* The cell of (segment, group) at place iAt (-1: none), made (its counts
** zero) if new. */
static int groupCell(group_cursor *pCur, uint32_t segment, uint32_t group, int64_t iAt,
                     uint32_t *piCell) {
    uint32_t *pAt = iAt >= 0 ? &pCur->aCellAt[iAt] : NULL;
    group_acc *pA;
    int rc;
    if (pAt && *pAt) {
        *piCell = *pAt - 1;
        return SQLITE_OK;
    }
    /* room for a new cell first, so that a number given out has its counts */
    rc = learnpath_grow((void **)&pCur->aAcc, &pCur->nAccAlloc, (int64_t)pCur->nCell + 1,
                        sizeof(group_acc), 64);
    if (rc) return rc;
    if (pAt) {
        *pAt = pCur->nCell + 1;
        *piCell = pCur->nCell;
    } else {
        rc = groupMapIntern(&pCur->cells, segment, group, pCur->nCell, piCell);
        if (rc || *piCell < pCur->nCell) return rc;
    }
    pA = &pCur->aAcc[pCur->nCell++];
    memset(pA, 0, sizeof(*pA));
    pA->segment = segment;
    pA->group = group;
    pA->topLabel = LP_NONE;
    return SQLITE_OK;
}

/* The pair of (cell, first label), the cell at place iAt (-1: none), made
** (no users yet) if new. */
static int groupPair(group_cursor *pCur, uint32_t iCell, uint32_t label, int64_t iAt,
                     uint32_t *piPair) {
    uint32_t *pAt = NULL;
    int rc = SQLITE_OK;
    if (iAt >= 0 && label < pCur->nProgAt) { /* (a tie group's label has LP_GROUP_BIT) */
        pAt = &pCur->aPairAt[iAt * pCur->nProgAt + label];
        if (*pAt) {
            *piPair = *pAt - 1;
            return SQLITE_OK;
        }
    }
    /* room for a new pair first, as for a cell */
    if ((int64_t)pCur->nPair + 1 > pCur->nPairAlloc) {
        rc = learnpath_grow((void **)&pCur->aPair, &pCur->nPairAlloc, (int64_t)pCur->nPair + 1,
                            sizeof(group_pair), 64);
        if (rc) return rc;
    }
    if (pAt) {
        *pAt = pCur->nPair + 1;
        *piPair = pCur->nPair;
    } else {
        rc = groupMapIntern(&pCur->pairs, iCell, label, pCur->nPair, piPair);
        if (rc || *piPair < pCur->nPair) return rc;
    }
    pCur->aPair[pCur->nPair].cell = iCell;
    pCur->aPair[pCur->nPair].label = label;
    pCur->aPair[pCur->nPair].users = 0;
    pCur->nPair++;
    return SQLITE_OK;
}

/* One kept user, shaped: count it in its cell and its first label's pair. */
static int groupAddUser(group_cursor *pCur, uint32_t u) {
    const lp_data *pD = pCur->it.pData;
    const lp_shaper *pSh = &pCur->sh;
    uint32_t iCell, iPair, iSeg = pSh->segment == LP_NONE ? 0 : pSh->segment + 1;
    uint32_t group = learnpath_users_group(&pCur->it, u);
    int64_t iAt = pCur->nCellAt ? groupGridPlace(pCur, pSh->segment, group) : -1;
    group_acc *pA;
    int rc = groupCell(pCur, pSh->segment, group, iAt, &iCell);
    if (rc == SQLITE_OK) rc = groupPair(pCur, iCell, pSh->aStep[0].label, iAt, &iPair);
    if (rc == SQLITE_OK && (int64_t)iSeg >= pCur->nSegAlloc) {
        int64_t nOld = pCur->nSegAlloc;
        rc = learnpath_grow((void **)&pCur->aSegUsers, &pCur->nSegAlloc, (int64_t)iSeg + 1,
                            sizeof(int64_t), 16);
        if (rc == SQLITE_OK) memset(pCur->aSegUsers + nOld, 0, (size_t)(pCur->nSegAlloc - nOld) * sizeof(int64_t));
    }
    if (rc) return rc;
    pA = &pCur->aAcc[iCell];
    pCur->aSegUsers[iSeg]++;
    pCur->aPair[iPair].users++;
    pA->users++;
    pA->enrollments += pD->aFirst[u + 1] - pD->aFirst[u];
    if (pSh->nStep > 1) {
        pA->continued++;
        uint64_t ms = (uint64_t)(pSh->aStep[1].t - pSh->aStep[0].t); /* >= 0: steps in time order */
        pA->sumMsLo += ms;
        pA->sumMsHi += pA->sumMsLo < ms;
    }
    return SQLITE_OK;
}

/*
** Every user of pCur->it, in one pass. LP_RC_OVER_BUDGET when, in memory,
** the data and what the pass holds pass the budget together (the caller
** streams); streaming, the budget's error.
*/
static int groupPass(group_cursor *pCur, char **pzErr) {
    lp_users *pIt = &pCur->it;
    int64_t nLimit = learnpath_users_limit(pIt);
    int rc;
    pCur->isPass = 1;
    rc = groupGridInit(pCur);
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
        int keep;
        rc = learnpath_shape_user(&pCur->sh, pIt->u, &keep);
        if (rc == SQLITE_OK && keep) rc = groupAddUser(pCur, pIt->u);
        if (rc == SQLITE_OK && nLimit && learnpath_users_held(pIt) + groupBytes(pCur) > nLimit) {
            if (pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
            return learnpath_users_budget_error(pIt, pCur->nPair, pCur->sh.groups.n, pzErr);
        }
    }
    return rc;
}

/* Each cell's top first label: most users, then the first label in byte order. */
static void groupTops(group_cursor *pCur) {
    for (uint32_t i = 0; i < pCur->nPair; i++) {
        const group_pair *pP = &pCur->aPair[i];
        group_acc *pA = &pCur->aAcc[pP->cell];
        int64_t n = pP->users;
        int better = pA->topLabel == LP_NONE || n > pA->topUsers;
        if (!better && n == pA->topUsers) {
            int na, nb;
            const char *za = learnpath_label(&pCur->sh, pP->label, &na);
            const char *zb = learnpath_label(&pCur->sh, pA->topLabel, &nb);
            better = learnpath_bytes_cmp(za, na, zb, nb) < 0;
        }
        if (better) {
            pA->topLabel = pP->label;
            pA->topUsers = n;
        }
    }
}

/* A copy of n bytes (and a NUL) into *pz; SQLITE_NOMEM when out of memory. */
static int groupCopy(char **pz, int *pn, const char *z, int n) {
    *pz = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if (!*pz) return SQLITE_NOMEM;
    memcpy(*pz, z, (size_t)n);
    (*pz)[n] = 0;
    *pn = n;
    return SQLITE_OK;
}

/* Rows in order: segment (none first), then users descending and the
** group's name, the users without a group last. */
static int groupRowCmp(const void *pa, const void *pb) {
    const group_row *a = pa, *b = pb;
    if ((a->zSegment == NULL) != (b->zSegment == NULL)) return a->zSegment ? 1 : -1;
    if (a->zSegment) {
        int c = learnpath_bytes_cmp(a->zSegment, a->nSegment, b->zSegment, b->nSegment);
        if (c) return c;
    }
    if ((a->zName == NULL) != (b->zName == NULL)) return a->zName ? -1 : 1;
    if (a->a.users != b->a.users) return a->a.users > b->a.users ? -1 : 1;
    return a->zName ? learnpath_bytes_cmp(a->zName, a->nName, b->zName, b->nName) : 0;
}

/* The rows: a row per cell, copied out, ordered and ranked. */
static int groupRows(group_cursor *pCur) {
    const lp_strtab *pSeg = &pCur->it.pData->segments, *pGroups = &pCur->it.groups;
    int rc = SQLITE_OK;
    groupTops(pCur);
    pCur->aRow = sqlite3_malloc64((sqlite3_uint64)(pCur->nCell + 1) * sizeof(group_row));
    if (!pCur->aRow) return SQLITE_NOMEM;
    memset(pCur->aRow, 0, (size_t)(pCur->nCell + 1) * sizeof(group_row));
    for (uint32_t i = 0; i < pCur->nCell && rc == SQLITE_OK; i++) {
        group_row *pR = &pCur->aRow[pCur->nRow++];
        const group_acc *pA = &pCur->aAcc[i];
        int n;
        const char *z = learnpath_label(&pCur->sh, pA->topLabel, &n);
        pR->a = *pA;
        pR->segmentUsers = pCur->aSegUsers[pA->segment == LP_NONE ? 0 : pA->segment + 1];
        rc = groupCopy(&pR->zTop, &pR->nTop, z, n);
        if (rc == SQLITE_OK && pA->segment != LP_NONE) {
            rc = groupCopy(&pR->zSegment, &pR->nSegment, LP_STR(pSeg, pA->segment),
                           LP_STRLEN(pSeg, pA->segment));
        }
        if (rc == SQLITE_OK && pA->group != LP_NONE) {
            rc = groupCopy(&pR->zName, &pR->nName, LP_STR(pGroups, pA->group),
                           LP_STRLEN(pGroups, pA->group));
        }
    }
    if (rc) return rc;
    qsort(pCur->aRow, (size_t)pCur->nRow, sizeof(group_row), groupRowCmp);
    for (int64_t i = 0, rank = 0; i < pCur->nRow; i++) {
        group_row *pR = &pCur->aRow[i];
        int isNewSegment = i == 0 || (pR->zSegment == NULL) != (pR[-1].zSegment == NULL) ||
                           (pR->zSegment && learnpath_bytes_cmp(pR->zSegment, pR->nSegment,
                                                                pR[-1].zSegment, pR[-1].nSegment));
        rank = isNewSegment ? 1 : rank + 1;
        pR->rank = pR->zName ? rank : 0;
    }
    return SQLITE_OK;
}

/*
** Every user in no group (rule 12): no group_col, or one whose values are
** all NULL or empty. The groups' numbers index it.groups, whichever way
** they were read (with the data or apart), so none named is none had.
*/
static int groupIsNone(const group_cursor *pCur) {
    return pCur->it.groups.n == 0;
}

/* The data's memo of a shaping, segments ignored or not, groups or none. */
static group_memo *groupMemoOf(const lp_data *pD, const lp_shape_spec *pShape, int ignoreSegments,
                               int isNoGroup) {
    for (group_memo *pMemo = pD->apMemo[LP_MEMO_GROUP]; pMemo; pMemo = pMemo->pNext) {
        if (learnpath_shape_spec_eq(&pMemo->shape, pShape) && pMemo->ignoreSegments == ignoreSegments &&
            pMemo->isNoGroup == isNoGroup) {
            return pMemo;
        }
    }
    return NULL;
}

/*
** The memo of pCur's shaping, when its rows can be kept with the data: in
** memory with no budget, and either the groups those the data read (so of
** this group_col, the only one it holds) or no group at all (the rows then
** depend on the shaping alone, whatever group column, if any, the data
** holds: a memo says which of the two it is). NULL when there is none yet
** (*pCanKeep says whether one may be made).
*/
static group_memo *groupMemoFind(group_cursor *pCur, int *pCanKeep) {
    const lp_users *pIt = &pCur->it;
    const lp_data *pD = pIt->pData;
    int isNoGroup = groupIsNone(pCur);
    *pCanKeep = pIt->pStream == NULL && learnpath_heap_budget(pIt->nBudget) == 0 &&
                (pIt->isGroupBorrowed || isNoGroup);
    if (!*pCanKeep) return NULL;
    return groupMemoOf(pD, &pCur->tvf.shape, pCur->sh.ignoreSegments, isNoGroup);
}

/* Keep the rows just made with the data, as those of a pass that did or
** did not ignore segments; the cursor borrows them. Out of memory only
** skips the memo. */
static void groupMemoKeep(group_cursor *pCur, int ignoreSegments) {
    lp_data *pD = pCur->it.pData;
    group_memo *pMemo = sqlite3_malloc64(sizeof(*pMemo));
    if (!pMemo) return;
    pMemo->shape = pCur->tvf.shape;
    pMemo->ignoreSegments = ignoreSegments;
    pMemo->isNoGroup = groupIsNone(pCur);
    pMemo->aRow = pCur->aRow;
    pMemo->nRow = pCur->nRow;
    pMemo->pNext = pD->apMemo[LP_MEMO_GROUP];
    pD->apMemo[LP_MEMO_GROUP] = pMemo;
    pD->axMemoFree[LP_MEMO_GROUP] = groupMemoListFree;
    pCur->isRowsBorrowed = 1;
}

/* Pairs in order of (cell, first label), to sum the runs of one pair. */
static int groupPairCmp(const void *pa, const void *pb) {
    const group_pair *a = pa, *b = pb;
    if (a->cell != b->cell) return a->cell < b->cell ? -1 : 1;
    return (a->label > b->label) - (a->label < b->label);
}

/*
** The cells and pairs over all users from those of a pass by segment: each
** (segment, group) cell summed into its group's (segment none), each
** (cell, first label) pair into (the group's cell, label); what a pass
** ignoring segments counts, since the users kept, their journeys and first
** steps do not depend on segments, and every sum is exact (the gaps' sum
** in 128 bits). No hash table: a cell per group number, the pairs sorted.
*/
static int groupDeriveAll(group_cursor *pCur) {
    uint32_t nG = pCur->it.groups.n + 1, nCell = 0, nPair = 0;
    uint32_t *aAt = sqlite3_malloc64((sqlite3_uint64)nG * sizeof(uint32_t));
    group_acc *aAcc = sqlite3_malloc64(((sqlite3_uint64)pCur->nCell + 1) * sizeof(group_acc));
    group_pair *aPair = sqlite3_malloc64(((sqlite3_uint64)pCur->nPair + 1) * sizeof(group_pair));
    int64_t nAll = 0;
    if (!aAt || !aAcc || !aPair) {
        sqlite3_free(aAt);
        sqlite3_free(aAcc);
        sqlite3_free(aPair);
        return SQLITE_NOMEM;
    }
    memset(aAt, 0, (size_t)nG * sizeof(uint32_t));
    for (uint32_t i = 0; i < pCur->nCell; i++) {
        const group_acc *pO = &pCur->aAcc[i];
        uint32_t g = pO->group == LP_NONE ? 0 : pO->group + 1;
        group_acc *pA = &aAcc[aAt[g] ? aAt[g] - 1 : nCell];
        if (aAt[g] == 0) {
            memset(pA, 0, sizeof(*pA));
            pA->segment = LP_NONE;
            pA->group = pO->group;
            pA->topLabel = LP_NONE;
            aAt[g] = ++nCell;
        }
        pA->users += pO->users;
        pA->enrollments += pO->enrollments;
        pA->continued += pO->continued;
        pA->sumMsLo += pO->sumMsLo;
        pA->sumMsHi += pO->sumMsHi + (pA->sumMsLo < pO->sumMsLo);
    }
    for (uint32_t i = 0; i < pCur->nPair; i++) {
        uint32_t g = pCur->aAcc[pCur->aPair[i].cell].group;
        aPair[i] = pCur->aPair[i];
        aPair[i].cell = aAt[g == LP_NONE ? 0 : g + 1] - 1;
    }
    if (pCur->nPair > 1) qsort(aPair, pCur->nPair, sizeof(group_pair), groupPairCmp);
    for (uint32_t i = 0; i < pCur->nPair; i++) {
        if (nPair && aPair[nPair - 1].cell == aPair[i].cell && aPair[nPair - 1].label == aPair[i].label) {
            aPair[nPair - 1].users += aPair[i].users;
        } else {
            aPair[nPair++] = aPair[i];
        }
    }
    for (int64_t s = 0; s < pCur->nSegAlloc; s++) {
        nAll += pCur->aSegUsers[s];
        pCur->aSegUsers[s] = 0;
    }
    if (pCur->nSegAlloc) pCur->aSegUsers[0] = nAll;
    sqlite3_free(aAt);
    sqlite3_free(pCur->aAcc);
    sqlite3_free(pCur->aPair);
    pCur->aAcc = aAcc;
    pCur->nCell = nCell;
    pCur->nAccAlloc = (int64_t)pCur->nCell + 1;
    pCur->aPair = aPair;
    pCur->nPair = nPair;
    pCur->nPairAlloc = (int64_t)nPair + 1;
    return SQLITE_OK;
}

/*
** After a pass by segment whose rows the data keeps (the cursor borrows
** them): the rows over all users too (groupDeriveAll), kept as a memo of
** the same shaping with segments ignored, so that group_stats without
** segment_col on the same data makes no pass. Out of memory only skips
** them; the cursor's rows stay the pass's.
*/
static void groupKeepAllUsers(group_cursor *pCur) {
    group_row *aRow = pCur->aRow;
    int64_t nRow = pCur->nRow;
    if (!pCur->isRowsBorrowed || pCur->sh.ignoreSegments || pCur->it.pData->aSeg == NULL ||
        groupMemoOf(pCur->it.pData, &pCur->tvf.shape, 1, groupIsNone(pCur))) {
        return;
    }
    pCur->aRow = NULL;
    pCur->nRow = 0;
    pCur->isRowsBorrowed = 0;
    if (groupDeriveAll(pCur) == SQLITE_OK && groupRows(pCur) == SQLITE_OK) groupMemoKeep(pCur, 1);
    if (!pCur->isRowsBorrowed) groupFreeRowArray(pCur->aRow, pCur->nRow);
    pCur->aRow = aRow;
    pCur->nRow = nRow;
    pCur->isRowsBorrowed = 1;
}

static int groupFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    group_cursor *pCur = (group_cursor *)pBase;
    group_memo *pMemo;
    int rc, canKeep;
    (void)idxNum;
    /* each user's group (lp_users.c); without group_col none has one, and
    ** the users need no user_id order to be told so */
    pBase->src.wantGroups = pBase->src.zGroupCol != NULL;
    pBase->src.anyOrder = 1;   /* the rows are ordered here; lp_users.c reads
                               ** in order when the groups need it */
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc) return rc;
    if ((pMemo = groupMemoFind(pCur, &canKeep)) != NULL) {
        pCur->aRow = pMemo->aRow;
        pCur->nRow = pMemo->nRow;
        pCur->isRowsBorrowed = 1;
        return SQLITE_OK;
    }
    rc = groupPass(pCur, pzErr);
    if (rc == LP_RC_OVER_BUDGET) {
        /* as tvf_aggregate.c: the data leaves the cache, the users stream */
        groupForget(pCur);
        rc = learnpath_tvf_reopen_streaming(pBase, &pCur->it, &pCur->sh, pzErr);
        if (rc == SQLITE_OK) rc = groupPass(pCur, pzErr);
    }
    if (rc == SQLITE_OK) rc = groupRows(pCur);
    /* (canKeep: in memory, without a budget, so the pass never streamed) */
    if (rc == SQLITE_OK && canKeep) {
        groupMemoKeep(pCur, pCur->sh.ignoreSegments);
        groupKeepAllUsers(pCur);
    }
    return rc;
}

static int groupNext(lp_tvf_cursor *pBase, char **pzErr) {
    (void)pzErr;
    ((group_cursor *)pBase)->iRow++;
    return SQLITE_OK;
}

static int groupEof(lp_tvf_cursor *pBase) {
    group_cursor *pCur = (group_cursor *)pBase;
    return pCur->iRow >= pCur->nRow;
}

static int groupColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    group_cursor *pCur = (group_cursor *)pBase;
    const group_row *pR = &pCur->aRow[pCur->iRow];
    const group_acc *pA = &pR->a;
    switch (i) {
        case 0:
            if (pR->zSegment) sqlite3_result_text(ctx, pR->zSegment, pR->nSegment, SQLITE_TRANSIENT);
            break;
        case 1:
            if (pR->zName) sqlite3_result_text(ctx, pR->zName, pR->nName, SQLITE_TRANSIENT);
            break;
        case 2: sqlite3_result_int64(ctx, pA->users); break;
        case 3: sqlite3_result_int64(ctx, pA->enrollments); break;
        case 4: sqlite3_result_double(ctx, (double)pA->users / (double)pR->segmentUsers); break;
        case 5:
            if (pR->rank) sqlite3_result_int64(ctx, pR->rank);
            break;
        case 6: sqlite3_result_text(ctx, pR->zTop, pR->nTop, SQLITE_TRANSIENT); break;
        case 7: sqlite3_result_int(ctx, (pA->topLabel & LP_GROUP_BIT) != 0); break;
        case 8: sqlite3_result_int64(ctx, pA->topUsers); break;
        case 9: sqlite3_result_double(ctx, (double)pA->topUsers / (double)pA->users); break;
        case 10: sqlite3_result_int64(ctx, pA->continued); break;
        case 11: sqlite3_result_double(ctx, (double)pA->continued / (double)pA->users); break;
        default:
            if (pA->continued) {
                double sum = (double)pA->sumMsHi * 18446744073709551616.0 + (double)pA->sumMsLo;
                sqlite3_result_double(ctx, sum / (double)pA->continued / LP_MS_PER_DAY);
            }
            break;
    }
    return SQLITE_OK;
}

const lp_tvf learnpath_tvf_group_stats = {
    "group_stats",
    "segment TEXT,group_value TEXT,users INTEGER,enrollments INTEGER,share_of_users REAL,"
    "rank INTEGER,top_first_program TEXT,top_first_tied INTEGER,top_first_users INTEGER,"
    "top_first_share REAL,continued INTEGER,continue_rate REAL,avg_days_to_next REAL",
    13, learnpath_group_args, LP_GROUP_STATS_NARG, LP_TVF_SOURCE, 1000000.0, 1000,
    sizeof(group_cursor), NULL, groupFilter, groupNext, groupEof, groupColumn, groupReset, NULL,
    NULL};
