/*
** tvf_group.c - group_stats: one row per group (rule 12), ranked.
**
**   SELECT * FROM group_stats('enrollments', 'user_id', 'program',
**                             'enrolled_at') WHERE group_col = 'account';
**
** A user's group is the first non-empty value of group_col in rule 4's
** order, as rule 6 picks the segment: the source is read with group_col as
** its segment column (a read like any other, cached, streamed under the
** memory budget), and each user's journey is shaped as the other functions
** shape it (rules 4-8; since and until keep the users whose first step
** starts in the window). segment_col has no use here.
**
** Per group: its users and their enrollments (rule 1's rows), their share
** of all users kept, its rank (users descending, then the group's text in
** byte order: 1, 2, 3, ... with no ties), the first program (rule 4 label)
** most of its users started with (a tie to the first label in byte order),
** how many, and their share; the users who continued to a second step, their
** share, and the mean days from the first step to the second. Users without
** a group are one last row, group_value and rank NULL.
**
** Streaming, the groups' names and the (group, first label) pairs are kept
** whole and count against the memory budget, as the aggregates' rows do.
*/
#include <stdlib.h>
#include <string.h>

#include "lp_sql.h"

/* What one group (or the users without one) gathers. */
typedef struct group_acc {
    int64_t users, enrollments, continued;
    double daysSum;
    int64_t topUsers;        /* users of the top first label */
    uint32_t topLabel;       /* LP_NONE: none yet */
} group_acc;

/* A row: a group's figures, its name and top label copied out. */
typedef struct group_row {
    group_acc a;
    char *zName;             /* NULL: the users without a group */
    int nName;
    char *zTop;              /* the top first label */
    int nTop;
} group_row;

typedef struct group_cursor {
    lp_tvf_cursor tvf;
    lp_users it;
    lp_shaper sh;
    group_acc *aAcc;         /* per group (the read's segment), while reading */
    int64_t nAccAlloc;
    group_acc none;          /* the users without a group */
    lp_strtab pairs;         /* (group, first label) as 8 bytes -> number */
    int64_t *aPairUsers;     /* per pair: its users */
    int64_t nPairAlloc;
    int64_t nTotal;          /* users kept */
    group_row *aRow;
    int64_t nRow, iRow;
} group_cursor;

static void groupFreeRows(group_cursor *pCur) {
    for (int64_t i = 0; i < pCur->nRow; i++) {
        sqlite3_free(pCur->aRow[i].zName);
        sqlite3_free(pCur->aRow[i].zTop);
    }
    sqlite3_free(pCur->aRow);
    pCur->aRow = NULL;
    pCur->nRow = pCur->iRow = 0;
}

/* Forget what a pass gathered (before another pass, and at reset). */
static void groupForget(group_cursor *pCur) {
    sqlite3_free(pCur->aAcc);
    pCur->aAcc = NULL;
    pCur->nAccAlloc = 0;
    memset(&pCur->none, 0, sizeof(pCur->none));
    learnpath_strtab_free(&pCur->pairs);
    memset(&pCur->pairs, 0, sizeof(pCur->pairs));
    sqlite3_free(pCur->aPairUsers);
    pCur->aPairUsers = NULL;
    pCur->nPairAlloc = 0;
    pCur->nTotal = 0;
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
    return pCur->nAccAlloc * (int64_t)sizeof(group_acc) + learnpath_strtab_bytes(&pCur->pairs) +
           pCur->nPairAlloc * (int64_t)sizeof(int64_t) + learnpath_shaper_bytes(&pCur->sh);
}

/* One kept user, shaped: count it in its group and its (group, label) pair. */
static int groupAddUser(group_cursor *pCur, uint32_t u) {
    const lp_data *pD = pCur->it.pData;
    const lp_shaper *pSh = &pCur->sh;
    uint32_t g = pSh->segment, key[2], iPair;
    group_acc *pA;
    int rc;
    if (g == LP_NONE) {
        pA = &pCur->none;
    } else {
        int64_t nOld = pCur->nAccAlloc;
        rc = learnpath_grow((void **)&pCur->aAcc, &pCur->nAccAlloc, (int64_t)g + 1, sizeof(group_acc), 16);
        if (rc) return rc;
        for (int64_t i = nOld; i < pCur->nAccAlloc; i++) {
            memset(&pCur->aAcc[i], 0, sizeof(group_acc));
            pCur->aAcc[i].topLabel = LP_NONE;
        }
        pA = &pCur->aAcc[g];
    }
    pCur->nTotal++;
    pA->users++;
    pA->enrollments += pD->aFirst[u + 1] - pD->aFirst[u];
    if (pSh->nStep > 1) {
        pA->continued++;
        pA->daysSum += (double)(pSh->aStep[1].t - pSh->aStep[0].t) / LP_MS_PER_DAY;
    }
    key[0] = g;
    key[1] = pSh->aStep[0].label;
    rc = learnpath_strtab_intern(&pCur->pairs, (const char *)key, (int)sizeof(key), &iPair);
    if (rc) return rc;
    if ((int64_t)iPair >= pCur->nPairAlloc) {
        int64_t nOld = pCur->nPairAlloc;
        rc = learnpath_grow((void **)&pCur->aPairUsers, &pCur->nPairAlloc, (int64_t)iPair + 1,
                            sizeof(int64_t), 64);
        if (rc) return rc;
        memset(pCur->aPairUsers + nOld, 0, (size_t)(pCur->nPairAlloc - nOld) * sizeof(int64_t));
    }
    pCur->aPairUsers[iPair]++;
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

/* Each group's top first label: most users, then the first label in byte order. */
static void groupTops(group_cursor *pCur) {
    for (uint32_t i = 0; i < pCur->pairs.n; i++) {
        const uint32_t *key = (const uint32_t *)(const void *)LP_STR(&pCur->pairs, i);
        uint32_t g = key[0], label = key[1];
        group_acc *pA = g == LP_NONE ? &pCur->none : &pCur->aAcc[g];
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

static int groupRowCmp(const void *pa, const void *pb) {
    const group_row *a = pa, *b = pb;
    if (a->a.users != b->a.users) return a->a.users > b->a.users ? -1 : 1;
    return learnpath_bytes_cmp(a->zName, a->nName, b->zName, b->nName);
}

/* The rows: each group with users, ranked; the users without a group last. */
static int groupRows(group_cursor *pCur) {
    const lp_strtab *pSeg = &pCur->it.pData->segments;
    int64_t nGroup = 0, nAcc = pCur->nAccAlloc < (int64_t)pSeg->n ? pCur->nAccAlloc : pSeg->n;
    int rc = SQLITE_OK;
    groupTops(pCur);
    for (int64_t g = 0; g < nAcc; g++) nGroup += pCur->aAcc[g].users > 0;
    pCur->aRow = sqlite3_malloc64((sqlite3_uint64)(nGroup + 1) * sizeof(group_row));
    if (!pCur->aRow) return SQLITE_NOMEM;
    memset(pCur->aRow, 0, (size_t)(nGroup + 1) * sizeof(group_row));
    for (int64_t g = 0; g < nAcc && rc == SQLITE_OK; g++) {
        group_row *pR = &pCur->aRow[pCur->nRow];
        if (pCur->aAcc[g].users == 0) continue;
        pCur->nRow++;
        pR->a = pCur->aAcc[g];
        rc = groupCopy(&pR->zName, &pR->nName, LP_STR(pSeg, g), LP_STRLEN(pSeg, g));
    }
    if (rc == SQLITE_OK) qsort(pCur->aRow, (size_t)pCur->nRow, sizeof(group_row), groupRowCmp);
    if (rc == SQLITE_OK && pCur->none.users > 0) pCur->aRow[pCur->nRow++].a = pCur->none;
    for (int64_t i = 0; i < pCur->nRow && rc == SQLITE_OK; i++) {
        group_row *pR = &pCur->aRow[i];
        int n;
        const char *z = learnpath_label(&pCur->sh, pR->a.topLabel, &n);
        rc = groupCopy(&pR->zTop, &pR->nTop, z, n);
    }
    return rc;
}

static int groupFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    group_cursor *pCur = (group_cursor *)pBase;
    lp_tvf_vtab *pTab = pBase->pTab;
    int rc;
    (void)idxNum;
    pBase->src.zSegmentCol = pBase->src.zGroupCol; /* the group is the read's segment */
    pBase->src.anyOrder = 1;                       /* counts over the users */
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc) return rc;
    pCur->sh.ignoreSegments = 0;
    rc = groupPass(pCur, pzErr);
    if (rc == LP_RC_OVER_BUDGET) {
        /* as tvf_aggregate.c: the data leaves the cache, the users stream */
        groupForget(pCur);
        learnpath_shaper_free(&pCur->sh);
        learnpath_cache_forget(pTab->pConn, pCur->it.pData);
        learnpath_users_close(&pCur->it);
        rc = learnpath_users_open_stream(pTab->db, pTab->pConn, &pBase->src, &pCur->it, pzErr);
        if (rc == SQLITE_OK) rc = learnpath_shaper_init(&pCur->sh, pCur->it.pData, &pBase->shape);
        if (rc == SQLITE_OK) rc = groupPass(pCur, pzErr);
    }
    if (rc == SQLITE_OK) rc = groupRows(pCur);
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
            if (pR->zName) sqlite3_result_text(ctx, pR->zName, pR->nName, SQLITE_TRANSIENT);
            break;
        case 1: sqlite3_result_int64(ctx, pA->users); break;
        case 2: sqlite3_result_int64(ctx, pA->enrollments); break;
        case 3: sqlite3_result_double(ctx, (double)pA->users / (double)pCur->nTotal); break;
        case 4:
            if (pR->zName) sqlite3_result_int64(ctx, pCur->iRow + 1);
            break;
        case 5: sqlite3_result_text(ctx, pR->zTop, pR->nTop, SQLITE_TRANSIENT); break;
        case 6: sqlite3_result_int(ctx, (pA->topLabel & LP_GROUP_BIT) != 0); break;
        case 7: sqlite3_result_int64(ctx, pA->topUsers); break;
        case 8: sqlite3_result_double(ctx, (double)pA->topUsers / (double)pA->users); break;
        case 9: sqlite3_result_int64(ctx, pA->continued); break;
        case 10: sqlite3_result_double(ctx, (double)pA->continued / (double)pA->users); break;
        default:
            if (pA->continued) sqlite3_result_double(ctx, pA->daysSum / (double)pA->continued);
            break;
    }
    return SQLITE_OK;
}

const lp_tvf learnpath_tvf_group_stats = {
    "group_stats",
    "group_value TEXT,users INTEGER,enrollments INTEGER,share_of_users REAL,rank INTEGER,"
    "top_first_program TEXT,top_first_tied INTEGER,top_first_users INTEGER,top_first_share REAL,"
    "continued INTEGER,continue_rate REAL,avg_days_to_next REAL",
    12, learnpath_group_stats_args, LP_GROUP_STATS_NARG, LP_TVF_SOURCE, 1000000.0, 1000,
    sizeof(group_cursor), NULL, groupFilter, groupNext, groupEof, groupColumn, groupReset, NULL,
    NULL};
