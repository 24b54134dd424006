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
** In memory, with the groups read with the rest (lp_users.c), the rows are
** kept with the data (a memo, as the aggregates keep theirs): the report's
** later queries of the same shaping find them ready.
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

typedef struct group_cursor {
    lp_tvf_cursor tvf;
    lp_users it;
    lp_shaper sh;
    lp_strtab cells;         /* (segment, group) as 8 bytes -> its group_acc */
    group_acc *aAcc;
    int64_t nAccAlloc;
    lp_strtab pairs;         /* (segment, group, first label) as 12 bytes -> number */
    int64_t *aPairUsers;     /* per pair: its users */
    int64_t nPairAlloc;
    int64_t *aSegUsers;      /* per segment + 1 (0: none): users kept */
    int64_t nSegAlloc;
    group_row *aRow;
    int64_t nRow, iRow;
    int isRowsBorrowed;      /* aRow is a memo's (kept with the data it.pData holds) */
} group_cursor;

/* Rows kept with the data (lp_data.apMemo[LP_MEMO_GROUP]), per shaping. */
typedef struct group_memo {
    struct group_memo *pNext;
    lp_shape_spec shape;
    int ignoreSegments;
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

/* Forget what a pass gathered (before another pass, and at reset). */
static void groupForget(group_cursor *pCur) {
    learnpath_strtab_free(&pCur->cells);
    learnpath_strtab_free(&pCur->pairs);
    memset(&pCur->cells, 0, sizeof(pCur->cells));
    memset(&pCur->pairs, 0, sizeof(pCur->pairs));
    sqlite3_free(pCur->aAcc);
    sqlite3_free(pCur->aPairUsers);
    sqlite3_free(pCur->aSegUsers);
    pCur->aAcc = NULL;
    pCur->aPairUsers = pCur->aSegUsers = NULL;
    pCur->nAccAlloc = pCur->nPairAlloc = pCur->nSegAlloc = 0;
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
    return learnpath_strtab_bytes(&pCur->cells) + learnpath_strtab_bytes(&pCur->pairs) +
           pCur->nAccAlloc * (int64_t)sizeof(group_acc) +
           (pCur->nPairAlloc + pCur->nSegAlloc) * (int64_t)sizeof(int64_t) +
           learnpath_shaper_bytes(&pCur->sh);
}

/* The number of key (n bytes) in pTab, and a zeroed counter for it in *pa. */
static int groupCount(lp_strtab *pTab, const uint32_t *key, int n, void **pa, int64_t *pnAlloc,
                      size_t sz, uint32_t *piOut) {
    int rc = learnpath_strtab_intern(pTab, (const char *)key, n, piOut);
    if (rc == SQLITE_OK && (int64_t)*piOut >= *pnAlloc) {
        int64_t nOld = *pnAlloc;
        rc = learnpath_grow(pa, pnAlloc, (int64_t)*piOut + 1, sz, 64);
        if (rc == SQLITE_OK) memset((char *)*pa + nOld * (int64_t)sz, 0, (size_t)(*pnAlloc - nOld) * sz);
    }
    return rc;
}

/* One kept user, shaped: count it in its cell and its first label's pair. */
static int groupAddUser(group_cursor *pCur, uint32_t u) {
    const lp_data *pD = pCur->it.pData;
    const lp_shaper *pSh = &pCur->sh;
    uint32_t key[3] = {pSh->segment, learnpath_users_group(&pCur->it, u), pSh->aStep[0].label};
    uint32_t iCell, iPair, iSeg = pSh->segment == LP_NONE ? 0 : pSh->segment + 1;
    group_acc *pA;
    int rc = groupCount(&pCur->cells, key, 8, (void **)&pCur->aAcc, &pCur->nAccAlloc,
                        sizeof(group_acc), &iCell);
    if (rc == SQLITE_OK) {
        rc = groupCount(&pCur->pairs, key, 12, (void **)&pCur->aPairUsers, &pCur->nPairAlloc,
                        sizeof(int64_t), &iPair);
    }
    if (rc == SQLITE_OK && (int64_t)iSeg >= pCur->nSegAlloc) {
        int64_t nOld = pCur->nSegAlloc;
        rc = learnpath_grow((void **)&pCur->aSegUsers, &pCur->nSegAlloc, (int64_t)iSeg + 1,
                            sizeof(int64_t), 16);
        if (rc == SQLITE_OK) memset(pCur->aSegUsers + nOld, 0, (size_t)(pCur->nSegAlloc - nOld) * sizeof(int64_t));
    }
    if (rc) return rc;
    pA = &pCur->aAcc[iCell];
    if (pA->users == 0) {
        pA->segment = key[0];
        pA->group = key[1];
        pA->topLabel = LP_NONE;
    }
    pCur->aSegUsers[iSeg]++;
    pCur->aPairUsers[iPair]++;
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
    int rc = SQLITE_OK;
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
        int keep;
        rc = learnpath_shape_user(&pCur->sh, pIt->u, &keep);
        if (rc == SQLITE_OK && keep) rc = groupAddUser(pCur, pIt->u);
        if (rc == SQLITE_OK && nLimit && learnpath_users_held(pIt) + groupBytes(pCur) > nLimit) {
            if (pIt->pStream == NULL) return LP_RC_OVER_BUDGET;
            return learnpath_users_budget_error(pIt, pCur->pairs.n, pCur->sh.groups.n, pzErr);
        }
    }
    return rc;
}

/* Each cell's top first label: most users, then the first label in byte order. */
static void groupTops(group_cursor *pCur) {
    for (uint32_t i = 0; i < pCur->pairs.n; i++) {
        uint32_t key[3], iCell, label;
        memcpy(key, LP_STR(&pCur->pairs, i), sizeof(key)); /* the table's bytes are unaligned */
        label = key[2];
        if (!learnpath_strtab_find(&pCur->cells, (const char *)key, 8, &iCell)) continue;
        group_acc *pA = &pCur->aAcc[iCell];
        int64_t n = pCur->aPairUsers[i];
        int better = pA->topLabel == LP_NONE || n > pA->topUsers;
        if (!better && n == pA->topUsers) {
            int na, nb;
            const char *za = learnpath_label(&pCur->sh, label, &na);
            const char *zb = learnpath_label(&pCur->sh, pA->topLabel, &nb);
            better = learnpath_bytes_cmp(za, na, zb, nb) < 0;
        }
        if (better) {
            pA->topLabel = label;
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
    pCur->aRow = sqlite3_malloc64((sqlite3_uint64)(pCur->cells.n + 1) * sizeof(group_row));
    if (!pCur->aRow) return SQLITE_NOMEM;
    memset(pCur->aRow, 0, (size_t)(pCur->cells.n + 1) * sizeof(group_row));
    for (uint32_t i = 0; i < pCur->cells.n && rc == SQLITE_OK; i++) {
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
** The memo of pCur's shaping, when its rows can be kept with the data: in
** memory, the groups those the data read (so of this group_col, the only
** one it holds); NULL when there is none yet (*pCanKeep says whether one
** may be made).
*/
static group_memo *groupMemoFind(group_cursor *pCur, int *pCanKeep) {
    const lp_data *pD = pCur->it.pData;
    *pCanKeep = pCur->it.pStream == NULL && pCur->it.isGroupBorrowed;
    if (!*pCanKeep) return NULL;
    for (group_memo *pMemo = pD->apMemo[LP_MEMO_GROUP]; pMemo; pMemo = pMemo->pNext) {
        if (learnpath_shape_spec_eq(&pMemo->shape, &pCur->tvf.shape) &&
            pMemo->ignoreSegments == pCur->sh.ignoreSegments) {
            return pMemo;
        }
    }
    return NULL;
}

/* Keep the rows just made with the data; the cursor borrows them. Out of
** memory only skips the memo. */
static void groupMemoKeep(group_cursor *pCur) {
    lp_data *pD = pCur->it.pData;
    group_memo *pMemo = sqlite3_malloc64(sizeof(*pMemo));
    if (!pMemo) return;
    pMemo->shape = pCur->tvf.shape;
    pMemo->ignoreSegments = pCur->sh.ignoreSegments;
    pMemo->aRow = pCur->aRow;
    pMemo->nRow = pCur->nRow;
    pMemo->pNext = pD->apMemo[LP_MEMO_GROUP];
    pD->apMemo[LP_MEMO_GROUP] = pMemo;
    pD->axMemoFree[LP_MEMO_GROUP] = groupMemoListFree;
    pCur->isRowsBorrowed = 1;
}

static int groupFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    group_cursor *pCur = (group_cursor *)pBase;
    group_memo *pMemo;
    int rc, canKeep;
    (void)idxNum;
    pBase->src.wantGroups = 1; /* each user's group (lp_users.c) */
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
    if (rc == SQLITE_OK && canKeep) groupMemoKeep(pCur);
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
