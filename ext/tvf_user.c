/*
** tvf_user.c - the table-valued functions with a row per user (or per
** step of a user): first_program, program_journeys, program_steps.
**
**   SELECT * FROM first_program('enrollments');
**   SELECT * FROM program_journeys('enrollments', 'user_id', 'program',
**                                  'enrolled_at', 'user_type');
**   SELECT * FROM program_steps('enrollments') WHERE user_id = 42;
**
** Their arguments are learnpath_group_args (lp_tvf.c). Users come from the
** read layer in user_id order and are shaped one at a time (lp_shape.c).
**
** RULE 10 (as README.md states it). Times are returned as
**   'YYYY-MM-DD HH:MM:SS' (UTC), as datetime() returns them (lp_time.c says
**   where it echoes what learnpath normalises). The per-user functions return users in
**   user_id order (numbers, text, blobs), and program_steps each user's
**   steps in order. first_program also returns its rows in the order an
**   ORDER BY or GROUP BY asks when that is up to three of segment, program
**   and next_program, ascending, then optionally user_id (lp_order.c), so
**   SQLite need not sort them; a row's rowid is its user's place in user_id
**   order whatever the order.
**
** Without since/until every user is kept (a user exists only with an
** enrollment, and rules 5 and 8 never leave a journey without a step), so
** first_program and program_journeys shape a user only when a column of it
** is read: COUNT(*), and OFFSET in a paging host, skip users unshaped.
**
** user_id = x (or IS x, IN (...)) in the plan (LP_TVF_USER_EQ, lp_sql.h):
** the users that may equal x are found by binary search in user_id order
** (learnpath_users_find) and only they are shaped, so a LEFT JOIN or a
** correlated subquery on user_id costs a lookup per outer row, not a scan.
** SQLite makes the exact test on what they return. Streaming (over the
** memory budget) scans, as without the constraint. A row's rowid stays its
** place in the whole output (userRowid).
*/
#include <string.h>

#include "lp_sql.h"

typedef enum { USER_FIRST, USER_JOURNEYS, USER_STEPS } user_kind;

typedef struct user_cursor {
    lp_tvf_cursor tvf;
    user_kind eKind;
    lp_users it;           /* the source's users, in user_id order */
    lp_shaper sh;          /* the current user's journey */
    int isLazy;            /* first_program, program_journeys without */
    int isShaped;          /*   since/until: shape at the first column */
    uint32_t *aPerm;       /* first_program in an ORDER BY's order (userAdvance); */
    uint32_t *aKept;       /*   NULL: user_id order */
    uint32_t nPerm, iPerm;
    sqlite3_stmt *pSorted; /* or, streaming, the rows as SQLite sorts them */
    int isSortedEof;
    uint32_t iStep;        /* program_steps: step within the user */
    int isLookup;          /* user_id = x, in memory: only the users in hit, */
    lp_pos_list hit;       /*   their positions in user_id order, ascending */
    int64_t iHit;
    uint32_t *aBefore;     /* a lookup's rowids: rows before each position, */
    lp_data *pBeforeData;  /*   for this data (a reference held until close) */
    lp_shape_spec beforeShape; /* and this shaping (userRowid) */
    char *zPath;           /* program_journeys: the path's text (userResultPath) */
    int64_t nPathAlloc;
} user_cursor;

static user_kind userKind(const lp_tvf_cursor *pCur) {
    const lp_tvf *pDesc = pCur->pTab->pDesc;
    return pDesc == &learnpath_tvf_first_program      ? USER_FIRST
           : pDesc == &learnpath_tvf_program_journeys ? USER_JOURNEYS
                                                      : USER_STEPS;
}

/* ----------------------------------------------------- first_program's order */

/*
** first_program's ORDER BY as key codes (LP_KEY_*, lp_journey.h); sets
** orderByConsumed when it can be given (user_id order needs no keys and no
** memory). SQLite passes an ORDER BY only when its terms are plain columns
** in their own collation (BINARY here), and NULLs first. With a memory
** budget set, the users may stream in user_id order only, so no reordering
** is offered then; in a UTF-16 database, whose BINARY order of text is not
** learnpath's (UTF-8 bytes), no order at all.
*/
static int userOrderBy(const lp_tvf_vtab *pTab, sqlite3_index_info *pInfo) {
    int code = 0, nKey = 0;
    int canReorder = pTab->pConn->nMemoryBudget == 0;
    if (!pTab->isUtf8) return 0;
    for (int i = 0; i < pInfo->nOrderBy; i++) {
        int c = pInfo->aOrderBy[i].iColumn, k;
        if (pInfo->aOrderBy[i].desc) return 0;
        if (c == 0) {
            /* user_id: one row per user, so later terms cannot matter */
            pInfo->orderByConsumed = 1;
            return code;
        }
        k = c == 1 ? LP_KEY_SEGMENT : c == 2 ? LP_KEY_PROGRAM : c == 5 ? LP_KEY_NEXT : LP_KEY_END;
        if (k == LP_KEY_END || !canReorder) return 0;
        for (int j = 0; j < nKey; j++) {
            if (LP_KEY_AT(code, j) == k) return 0; /* a key twice */
        }
        code |= k << (2 * nKey++);
    }
    pInfo->orderByConsumed = 1;
    return code;
}

/* The next row of pSorted; its rowid is the inner query's. */
static int userSortedStep(user_cursor *pCur, char **pzErr) {
    int rc = learnpath_tvf_step_delegate(&pCur->tvf, pCur->pSorted);
    if (rc == SQLITE_ROW) {
        pCur->tvf.iRowid = sqlite3_column_int64(pCur->pSorted, 0) - 1;
        return SQLITE_OK;
    }
    pCur->isSortedEof = 1;
    if (rc == SQLITE_DONE) return SQLITE_OK;
    /* the inner first_program's message, whole */
    return learnpath_errorf(pzErr, LP_RC_NESTED, "%s", sqlite3_errmsg(pCur->tvf.pTab->db));
}

/*
** A statement prepared for first_program's own order (rule 10) whose source
** must stream, because a memory budget was set after it was prepared (a
** host's statement cache keeps such plans): the same call, asked of SQLite
** with its own sorter (which spills to temporary files, as the stream
** does), ordered by the keys and then user_id.
*/
static int userSortedOpen(user_cursor *pCur, int code, char **pzErr) {
    static const char *const azKey[] = {NULL, "+segment", "+program", "+next_program"};
    sqlite3 *db = pCur->tvf.pTab->db;
    sqlite3_str *pSql = sqlite3_str_new(db);
    char *zSql;
    int rc;
    sqlite3_str_appendall(pSql, "SELECT rowid, * FROM main.first_program WHERE source = ?1");
    for (int j = 1; j < LP_GROUP_NARG; j++) {
        if (pCur->tvf.apArg[j]) {
            sqlite3_str_appendf(pSql, " AND %s = ?%d", learnpath_group_args[j].zName, j + 1);
        }
    }
    sqlite3_str_appendall(pSql, " ORDER BY ");
    for (int i = 0; i < 3 && LP_KEY_AT(code, i); i++) {
        sqlite3_str_appendf(pSql, "%s, ", azKey[LP_KEY_AT(code, i)]);
    }
    sqlite3_str_appendall(pSql, "+user_id");
    zSql = sqlite3_str_finish(pSql);
    if (!zSql) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db, zSql, -1, &pCur->pSorted, NULL);
    sqlite3_free(zSql);
    for (int j = 0; j < LP_GROUP_NARG && rc == SQLITE_OK; j++) {
        if (pCur->tvf.apArg[j]) rc = sqlite3_bind_value(pCur->pSorted, j + 1, pCur->tvf.apArg[j]);
    }
    if (rc) return learnpath_errorf(pzErr, LP_RC_NESTED, "%s", sqlite3_errmsg(db));
    return userSortedStep(pCur, pzErr);
}

/* -------------------------------------------------------- stepping users */

/*
** The next user, in user_id order or in the order of aPerm, which holds the
** users' numbers among the kept users in user_id order (aKept: those users;
** NULL when every user is kept). The row's rowid is that number, as in
** user_id order.
*/
static int userAdvance(user_cursor *pCur, char **pzErr) {
    if (pCur->isLookup) {
        if (++pCur->iHit >= pCur->hit.n) {
            pCur->it.eof = 1;
        } else {
            pCur->it.iPos = pCur->hit.a[pCur->iHit];
            pCur->it.u = LP_USER_AT(pCur->it.pData, pCur->it.iPos);
        }
        return SQLITE_OK;
    }
    if (pCur->aPerm == NULL) return learnpath_users_next(&pCur->it, pzErr);
    if (++pCur->iPerm >= pCur->nPerm) {
        pCur->it.eof = 1;
    } else {
        uint32_t k = pCur->aPerm[pCur->iPerm];
        pCur->it.u = pCur->aKept ? pCur->aKept[k] : LP_USER_AT(pCur->it.pData, k);
        pCur->tvf.iRowid = k;
    }
    return SQLITE_OK;
}

/* From the current user on, shape users until one is kept (rule 7). */
static int userSeek(user_cursor *pCur, char **pzErr) {
    pCur->isShaped = 0;
    if (pCur->isLazy) return SQLITE_OK;
    while (!pCur->it.eof) {
        int keep;
        int rc = learnpath_shape_user(&pCur->sh, pCur->it.u, &keep);
        if (rc || keep) return rc;
        rc = userAdvance(pCur, pzErr);
        if (rc) return rc;
    }
    return SQLITE_OK;
}

static void userReset(lp_tvf_cursor *pBase) {
    user_cursor *pCur = (user_cursor *)pBase;
    learnpath_shaper_free(&pCur->sh);
    learnpath_users_close(&pCur->it);
    sqlite3_free(pCur->aPerm);
    sqlite3_free(pCur->aKept);
    pCur->aPerm = pCur->aKept = NULL;
    sqlite3_finalize(pCur->pSorted);
    pCur->pSorted = NULL;
    pCur->isSortedEof = 0;
    pCur->nPerm = pCur->iPerm = 0;
    pCur->iStep = 0;
    sqlite3_free(pCur->hit.a);
    memset(&pCur->hit, 0, sizeof(pCur->hit));
    pCur->isLookup = 0;
    pCur->iHit = 0;
}

/* What userRowid kept across filters. */
static void userDropBefore(user_cursor *pCur) {
    sqlite3_free(pCur->aBefore);
    learnpath_data_unref(pCur->pBeforeData);
    pCur->aBefore = NULL;
    pCur->pBeforeData = NULL;
}

/* At close: what userRowid kept, and the path's buffer. */
static void userClose(lp_tvf_cursor *pBase) {
    user_cursor *pCur = (user_cursor *)pBase;
    userDropBefore(pCur);
    sqlite3_free(pCur->zPath);
    pCur->zPath = NULL;
    pCur->nPathAlloc = 0;
}

/* The first user of the order asked: user_id order, the keys', or SQLite's. */
static int userStart(user_cursor *pCur, int code, char **pzErr) {
    int rc;
    if (code && pCur->it.pStream) {
        /* the budget was set after the statement was prepared */
        learnpath_shaper_free(&pCur->sh);
        learnpath_users_close(&pCur->it);
        return userSortedOpen(pCur, code, pzErr);
    }
    if (code) {
        rc = learnpath_order_users(pCur->it.pData, &pCur->sh, code, &pCur->aPerm, &pCur->aKept,
                                   &pCur->nPerm);
        if (rc) return rc;
        pCur->iPerm = (uint32_t)-1;
        rc = userAdvance(pCur, pzErr);
        if (rc) return rc;
    }
    return userSeek(pCur, pzErr);
}

/*
** user_id = x in memory: the users that may equal x (or each value of an
** IN list), in user_id order, the first one current.
*/
static int userLookup(user_cursor *pCur, int idxNum) {
    sqlite3_value *pKey = pCur->tvf.pUserKey;
    lp_data *pD = pCur->it.pData;
    int rc = SQLITE_OK;
    pCur->isLookup = 1;
    if (idxNum & LP_TVF_USER_IN) {
#if SQLITE_VERSION_NUMBER >= 3038000
        sqlite3_value *pVal = NULL;
        int rcIn;
        for (rcIn = sqlite3_vtab_in_first(pKey, &pVal); rcIn == SQLITE_OK && pVal && !rc;
             rcIn = sqlite3_vtab_in_next(pKey, &pVal)) {
            rc = learnpath_users_find(pD, pVal, &pCur->hit);
        }
        if (rc == SQLITE_OK && rcIn != SQLITE_DONE && rcIn != SQLITE_OK) rc = rcIn;
#endif
    } else {
        rc = learnpath_users_find(pD, pKey, &pCur->hit);
    }
    if (rc) return rc;
    learnpath_pos_list_finish(&pCur->hit);
    pCur->iHit = -1;
    pCur->it.eof = 0;
    return userAdvance(pCur, NULL);
}

static int userFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    user_cursor *pCur = (user_cursor *)pBase;
    int rc;
    pCur->eKind = userKind(pBase);
    /* COUNT(*) and the like: no column, no order, no user_id (lp_tvf.c) */
    pBase->src.anyOrder = (idxNum & LP_TVF_ANY_ORDER) != 0;
    rc = learnpath_tvf_open_journeys(pBase, &pCur->it, &pCur->sh, pzErr);
    if (rc) return rc;
    /* one user's labels at a time: under a budget, memory for one user's names */
    learnpath_journeys_per_user(&pCur->it, &pCur->sh);
    /* every user a row: lazy (no since, until or group_value, rule 12) */
    pCur->isLazy = pCur->eKind != USER_STEPS && !pBase->shape.hasSince && !pBase->shape.hasUntil &&
                   !pBase->src.zGroupValue;
    if ((idxNum & LP_TVF_USER_EQ) && pBase->pUserKey && pCur->it.pStream == NULL) {
        /* the plan gives no order of its own with user_id = x (lp_tvf.c) */
        rc = userLookup(pCur, idxNum);
        return rc ? rc : userSeek(pCur, pzErr);
    }
    return userStart(pCur, pCur->eKind == USER_FIRST ? (idxNum >> LP_TVF_ORDER_SHIFT) & 0x3f : 0,
                     pzErr);
}

static int userNext(lp_tvf_cursor *pBase, char **pzErr) {
    user_cursor *pCur = (user_cursor *)pBase;
    int rc;
    if (pCur->pSorted) return userSortedStep(pCur, pzErr);
    if (pCur->eKind == USER_STEPS && ++pCur->iStep < pCur->sh.nStep) return SQLITE_OK;
    pCur->iStep = 0;
    if (pCur->isLazy && pCur->it.pStream == NULL && pCur->aPerm == NULL && !pCur->isLookup) {
        /* in memory, shaped when read: the next user, no call (COUNT(*) and
        ** a host's paging step through every user here) */
        lp_users *pIt = &pCur->it;
        pCur->isShaped = 0;
        if (++pIt->iPos >= pIt->pData->nUser) {
            pIt->eof = 1;
        } else {
            pIt->u = LP_USER_AT(pIt->pData, pIt->iPos);
        }
        return SQLITE_OK;
    }
    rc = userAdvance(pCur, pzErr);
    if (rc == SQLITE_OK) rc = userSeek(pCur, pzErr);
    return rc;
}

static int userEof(lp_tvf_cursor *pBase) {
    user_cursor *pCur = (user_cursor *)pBase;
    if (pCur->pSorted) return pCur->isSortedEof;
    return pCur->it.pData == NULL || pCur->it.eof;
}

/* ---------------------------------------------------------------- columns */

/*
** program_journeys.path: programs joined by ' > ', built in the cursor's
** buffer (kept across users) and copied by SQLite into the row's register,
** whose own buffer it reuses: no allocation per user. A one-step journey
** is its label.
*/
static void userResultPath(user_cursor *pCur, sqlite3_context *ctx) {
    const lp_shaper *pSh = &pCur->sh;
    int64_t n = 0;
    if (pSh->nStep == 1) {
        learnpath_result_label(ctx, pSh, pSh->aStep[0].label);
        return;
    }
    for (uint32_t k = 0; k < pSh->nStep; k++) {
        int nLabel;
        (void)learnpath_label(pSh, pSh->aStep[k].label, &nLabel);
        n += (k ? 3 : 0) + (int64_t)nLabel;
    }
    if (n > 0x7ffffffe) {
        sqlite3_result_error_toobig(ctx);
        return;
    }
    if (learnpath_grow((void **)&pCur->zPath, &pCur->nPathAlloc, n + 1, 1, 256)) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    n = 0;
    for (uint32_t k = 0; k < pSh->nStep; k++) {
        int nLabel;
        const char *zLabel = learnpath_label(pSh, pSh->aStep[k].label, &nLabel);
        if (k) {
            memcpy(pCur->zPath + n, " > ", 3);
            n += 3;
        }
        memcpy(pCur->zPath + n, zLabel, (size_t)nLabel);
        n += nLabel;
    }
    pCur->zPath[n] = 0;
    learnpath_result_text_nul(ctx, pCur->zPath, (int)n, pSh->isNulFree);
}

/* first_program's columns 2.. */
static void userColumnFirst(const lp_shaper *pSh, sqlite3_context *ctx, int i) {
    const lp_step *aS = pSh->aStep;
    uint32_t n = pSh->nStep;
    switch (i) {
        case 2: learnpath_result_label(ctx, pSh, aS[0].label); break;
        case 3: learnpath_result_time(ctx, aS[0].t); break;
        case 4: sqlite3_result_int(ctx, pSh->tied); break;
        case 5: learnpath_result_label(ctx, pSh, n > 1 ? aS[1].label : LP_NONE); break;
        case 6:
            if (n > 1) learnpath_result_days(ctx, aS[0].t, aS[1].t);
            break;
        case 7: sqlite3_result_int64(ctx, n); break;
        default: sqlite3_result_int64(ctx, pSh->nProgram); break;
    }
}

/* program_journeys' columns 2.. */
static void userColumnJourney(user_cursor *pCur, sqlite3_context *ctx, int i) {
    const lp_shaper *pSh = &pCur->sh;
    const lp_step *aS = pSh->aStep;
    uint32_t n = pSh->nStep;
    switch (i) {
        case 2: sqlite3_result_int64(ctx, n); break;
        case 3: sqlite3_result_int64(ctx, pSh->nProgram); break;
        case 4: userResultPath(pCur, ctx); break;
        case 5: learnpath_result_label(ctx, pSh, aS[0].label); break;
        case 6: learnpath_result_time(ctx, aS[0].t); break;
        case 7: learnpath_result_label(ctx, pSh, aS[n - 1].label); break;
        default: learnpath_result_time(ctx, aS[n - 1].t); break;
    }
}

/* program_steps' columns 2.. */
static void userColumnStep(const lp_shaper *pSh, uint32_t k, sqlite3_context *ctx, int i) {
    const lp_step *aS = pSh->aStep;
    switch (i) {
        case 2: sqlite3_result_int64(ctx, (int64_t)k + 1); break;
        case 3: learnpath_result_label(ctx, pSh, aS[k].label); break;
        case 4: learnpath_result_time(ctx, aS[k].t); break;
        default:
            if (k > 0) learnpath_result_days(ctx, aS[k - 1].t, aS[k].t);
            break;
    }
}

static int userColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    user_cursor *pCur = (user_cursor *)pBase;
    const lp_data *pD = pCur->it.pData;
    if (pCur->pSorted) {
        sqlite3_result_value(ctx, sqlite3_column_value(pCur->pSorted, i + 1));
        return SQLITE_OK;
    }
    if (i == 0) {
        /* no journey needed (SQLite reads it to test user_id = x) */
        learnpath_result_key(ctx, pD, &pD->aKey[pCur->it.u]);
        return SQLITE_OK;
    }
    if (pCur->isLazy && !pCur->isShaped) {
        int keep, rc = learnpath_shape_user(&pCur->sh, pCur->it.u, &keep);
        if (rc) return rc;
        pCur->isShaped = 1;
    }
    if (i == 1) {
        learnpath_result_segment(ctx, &pCur->sh, pD, pCur->sh.segment);
    } else if (pCur->eKind == USER_FIRST) {
        userColumnFirst(&pCur->sh, ctx, i);
    } else if (pCur->eKind == USER_JOURNEYS) {
        userColumnJourney(pCur, ctx, i);
    } else {
        userColumnStep(&pCur->sh, pCur->iStep, ctx, i);
    }
    return SQLITE_OK;
}

/* ----------------------------------------------------------------- rowids */

/*
** pCur->aBefore for the current data and shaping: for each user, the rows
** of the users before it in user_id order (kept ones, rule 7; one row
** each, or program_steps' steps). One pass shaping every user, as a scan
** would, made when a lookup's rowid is first read (or any rowid of data
** whose users are not numbered in user_id order: a COUNT(*) plan's read)
** and kept until the cursor closes (a join reads it once per outer row).
*/
static int userBefore(user_cursor *pCur) {
    lp_data *pD = pCur->it.pData;
    lp_shaper sh;
    uint32_t nRow = 0, *aOrder = NULL;
    int rc;
    if (pCur->aBefore && pCur->pBeforeData == pD &&
        learnpath_shape_spec_eq(&pCur->beforeShape, &pCur->tvf.shape)) {
        return SQLITE_OK;
    }
    userDropBefore(pCur);
    if (pD->isUnordered) {
        rc = learnpath_data_user_order(pD, &pCur->tvf.src, &aOrder);
        if (rc) return rc;
    }
    pCur->aBefore = sqlite3_malloc64((sqlite3_uint64)(pD->nUser ? pD->nUser : 1) * sizeof(uint32_t));
    if (!pCur->aBefore) {
        sqlite3_free(aOrder);
        return SQLITE_NOMEM;
    }
    rc = learnpath_shaper_init(&sh, pD, &pCur->tvf.shape);
    for (uint32_t i = 0; i < pD->nUser && rc == SQLITE_OK; i++) {
        int keep = 0;
        uint32_t u = aOrder ? aOrder[i] : LP_USER_AT(pD, i);
        pCur->aBefore[u] = nRow;
        rc = learnpath_shape_user(&sh, u, &keep);
        if (keep) nRow += pCur->eKind == USER_STEPS ? sh.nStep : 1;
    }
    learnpath_shaper_free(&sh);
    sqlite3_free(aOrder);
    if (rc) {
        userDropBefore(pCur);
        return rc;
    }
    pCur->pBeforeData = pD;
    pD->nRef++;
    pCur->beforeShape = pCur->tvf.shape;
    return SQLITE_OK;
}

/*
** Rule 10: a row's rowid is its place in user_id order (in program_steps,
** the place of the step's row), however the row was found. Scans count
** (tvf.iRowid, which *piRow holds); a lookup, or a scan of users not in
** user_id order, looks the user's place up (userBefore).
*/
static int userRowid(lp_tvf_cursor *pBase, sqlite3_int64 *piRow, char **pzErr) {
    user_cursor *pCur = (user_cursor *)pBase;
    int isUnordered = pCur->it.pStream == NULL && pCur->it.pData && pCur->it.pData->isUnordered;
    int rc;
    (void)pzErr;
    if (!pCur->isLookup && !isUnordered) return SQLITE_OK;
    if (!isUnordered && pCur->isLazy) {
        *piRow = pCur->it.iPos; /* every user is a row */
        return SQLITE_OK;
    }
    rc = userBefore(pCur);
    if (rc == SQLITE_OK) *piRow = (sqlite3_int64)pCur->aBefore[pCur->it.u] + pCur->iStep;
    return rc;
}

/* ------------------------------------------------------------ descriptors */

#define USER_TVF(NAME, COLUMNS, NOUT, ORDERBY)                                                 \
    {NAME,        COLUMNS,     NOUT,        learnpath_group_args,  LP_GROUP_NARG,            \
     LP_TVF_SOURCE | LP_TVF_USER_KEY, 1000000.0, 10000, sizeof(user_cursor), ORDERBY,        \
     userFilter,  userNext,    userEof,     userColumn,            userReset,                \
     userRowid,   userClose}

const lp_tvf learnpath_tvf_first_program =
    USER_TVF("first_program",
             "user_id,segment TEXT,program TEXT,started_at TEXT,tied INTEGER,"
             "next_program TEXT,days_to_next REAL,steps INTEGER,programs INTEGER",
             9, userOrderBy);

const lp_tvf learnpath_tvf_program_journeys =
    USER_TVF("program_journeys",
             "user_id,segment TEXT,steps INTEGER,programs INTEGER,path TEXT,"
             "first_program TEXT,first_at TEXT,last_program TEXT,last_at TEXT",
             9, NULL);

const lp_tvf learnpath_tvf_program_steps =
    USER_TVF("program_steps",
             "user_id,segment TEXT,step INTEGER,program TEXT,started_at TEXT,"
             "days_since_prev REAL",
             6, NULL);
