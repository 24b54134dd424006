/*
** lp_tvf.c - the frame of every learnpath table-valued function.
**
**   SELECT * FROM first_program('enrollments');
**   SELECT * FROM program_transitions
**    WHERE source = 'raw' AND user_col = 'Learner ID' AND ties = 'name';
**
** Each function is an eponymous-only virtual table whose arguments are
** HIDDEN columns, described by an lp_tvf (lp_sql.h): its columns, its
** arguments as data (lp_arg) and a few hooks. This file is the one
** sqlite3_module they share:
**   xConnect     declares "CREATE TABLE x(<columns>, <arguments> HIDDEN)"
**   xBestIndex   series.c-style: bit i of idxNum for argument i given by
**                '=' or IS; missing required argument -> a costly plan
**                whose xFilter fails; unusable -> SQLITE_CONSTRAINT;
**                user_id = x for the per-user functions (LP_TVF_USER_EQ);
**                the descriptor's ORDER BY bits above
**   xFilter      copies and checks every argument in call order (the
**                first bad one is the error), fills the source and shape
**                specs of a function that reads a source, guards the
**                nesting depth, then runs the descriptor's xFilter
**   xColumn      output columns from the descriptor; a hidden column reads
**                back the argument in effect (given, or its default)
**   errors       a hook returns a code and a message without a name; the
**                frame writes "func(): message" for the function the user
**                called, once. A nested learnpath function's whole message
**                (LP_RC_NESTED) is passed on as it is. Every message the
**                frame raises is kept on the connection (lp_conn.zLastError)
**                so that a read can tell a nested function's message from
**                SQLite's.
**
** Trust (README.md, "Trust model"): only sample_enrollments is innocuous.
** The functions that read a source (LP_TVF_SOURCE) are
** SQLITE_VTAB_DIRECTONLY: a view or trigger stored in a database cannot
** call them, so a database file cannot make them read another database of
** the connection; TEMP views and CTEs, the user's own SQL, can. After
** learnpath_allow_views(1) they are connected at SQLite's default risk
** instead (stored views and triggers may call them while trusted_schema is
** ON). A table is connected once per connection, so learnpath_allow_views
** registers the modules again (SQLite drops their tables, and the next
** statement connects them afresh) and, turning views off, expires the
** prepared statements; a table connected while views were allowed refuses
** to plan or to start a scan once they are not (a statement that was
** running then, or a switch that failed).
** A query as the source (rule 13) passed while views are allowed may read
** no virtual table and call no direct-only function: a stored view could
** be passing it (learnpath_query_check_stored).
** Every identifier they read is quoted by the read layer. The chain of
** sources being read on the connection stops a view that feeds itself to a
** function, at once; a depth bound stops a chain too deep for the C stack.
*/
#include <string.h>

#include "lp_sql.h"

/*
** How deeply functions may nest inside their sources (a function over a
** view over a function ...): each level is a statement stepped inside
** another, about 12 KB of C stack (measured with the sqlite3 shell), so 40
** levels stay under half a megabyte, within a 1 MB thread stack. A view
** that reads itself is caught at once, not by this bound (tvfCheckNesting).
*/
#define TVF_MAX_DEPTH 40

/* The risk levels of sqlite3_vtab_config (3.31), for older headers. */
#ifndef SQLITE_VTAB_INNOCUOUS
#define SQLITE_VTAB_INNOCUOUS 2
#endif
#ifndef SQLITE_VTAB_DIRECTONLY
#define SQLITE_VTAB_DIRECTONLY 3
#endif

/* ----------------------------------------------------------- arguments */

/* The choices of the source arguments (LP_TVF_SOURCE_ARGS, lp_sql.h). */
const char *const learnpath_choices_ties[] = {"group", "name", NULL};
const char *const learnpath_choices_repeats[] = {"collapse", "keep", "first_only", NULL};
const char *const learnpath_choices_bad_times[] = {"error", "skip", NULL};
#define TVF_SOURCE_ARGS LP_TVF_SOURCE_ARGS

const lp_arg learnpath_source_args[LP_SOURCE_NARG] = {TVF_SOURCE_ARGS};

const lp_arg learnpath_group_args[LP_GROUP_NARG] = {
    TVF_SOURCE_ARGS,
    {"group_col", LP_ARG_COLUMN_OR_NULL, 0, NULL, NULL, 0, 0, 0},
    {"group_value", LP_ARG_VALUE, 0, NULL, NULL, 0, 0, 0},
};

static const char *const azConfType[] = {"log", "log-log", "plain", NULL};

/* tvf_continuation.c reads conf_level and at_days itself (rules 17-19);
** conf_type is an output column of continuation_stats too (LP_TVF_SHOW_ARG). */
#define TVF_KM_ARGS                                                      \
    TVF_SOURCE_ARGS,                                                     \
    {"group_col", LP_ARG_COLUMN_OR_NULL, 0, NULL, NULL, 0, 0, 0},        \
    {"group_value", LP_ARG_VALUE, 0, NULL, NULL, 0, 0, 0},               \
    {"observe_until", LP_ARG_TIME, 0, NULL, NULL, 0, 0, 0},              \
    {"conf_type", LP_ARG_CHOICE, 0, "log", azConfType, 0, 0, 0},         \
    {"conf_level", LP_ARG_VALUE, 0, "0.95", NULL, 0, 0, 0}

const lp_arg learnpath_km_curve_args[LP_KM_NARG] = {
    TVF_KM_ARGS,
    {"at_days", LP_ARG_VALUE, 0, NULL, NULL, 0, 0, 0},
};
const lp_arg learnpath_km_stats_args[LP_KM_NARG - 1] = {TVF_KM_ARGS};

/* tvf_continuation.c reads at_days and windows itself (rules 20, 21). */
#define TVF_KM_DAYS_ARGS(zList)                                          \
    TVF_SOURCE_ARGS,                                                     \
    {"group_col", LP_ARG_COLUMN_OR_NULL, 0, NULL, NULL, 0, 0, 0},        \
    {"group_value", LP_ARG_VALUE, 0, NULL, NULL, 0, 0, 0},               \
    {"observe_until", LP_ARG_TIME, 0, NULL, NULL, 0, 0, 0},              \
    {zList, LP_ARG_VALUE, 0, "30,90,180,365", NULL, 0, 0, 0}

const lp_arg learnpath_km_incidence_args[LP_KM_DAYS_NARG] = {TVF_KM_DAYS_ARGS("at_days")};
const lp_arg learnpath_km_cohort_args[LP_KM_DAYS_NARG] = {TVF_KM_DAYS_ARGS("windows")};

/* tvf_compare.c reads conf_level, at_days and compare_group itself (rule 23). */
const lp_arg learnpath_cmp_args[LP_CMP_NARG] = {
    TVF_SOURCE_ARGS,
    {"group_col", LP_ARG_COLUMN_OR_NULL, 0, NULL, NULL, 0, 0, 0},
    {"group_value", LP_ARG_VALUE, 0, NULL, NULL, 0, 0, 0},
    {"observe_until", LP_ARG_TIME, 0, NULL, NULL, 0, 0, 0},
    {"conf_level", LP_ARG_VALUE, 0, "0.95", NULL, 0, 0, 0},
    {"at_days", LP_ARG_VALUE, 0, "365", NULL, 0, 0, 0},
    {"compare_group", LP_ARG_VALUE, 0, NULL, NULL, 0, 0, 0},
};

/* "<zWhat> <value>": an error about an argument's value. */
static int tvfValueError(sqlite3_value *pVal, char **pzErr, const char *zWhat) {
    char *zValue = learnpath_describe_value(pVal);
    if (!zValue) return SQLITE_NOMEM;
    int rc = learnpath_errorf(pzErr, SQLITE_ERROR, "%s %s", zWhat, zValue);
    sqlite3_free(zValue);
    return rc;
}

/* The text of a value, or NULL for NULL; SQLITE_NOMEM if it cannot be had. */
static int tvfText(sqlite3_value *pVal, const char **pz) {
    /* the type first: a failed conversion to text leaves a NULL */
    int isNull = sqlite3_value_type(pVal) == SQLITE_NULL;
    *pz = isNull ? NULL : (const char *)sqlite3_value_text(pVal);
    return !*pz && !isNull ? SQLITE_NOMEM : SQLITE_OK;
}

/*
** A table, view or column name (LP_ARG_SOURCE, LP_ARG_COLUMN[_OR_NULL]). A
** text with a NUL byte is refused: read as a C string it would name what
** comes before the NUL, and read that silently.
*/
static int tvfNameArg(const lp_arg *pA, sqlite3_value *pVal, lp_arg_value *pOut, char **pzErr) {
    /* a blob is no name (and once its text is read, it would show as text) */
    int isBlob = sqlite3_value_type(pVal) == SQLITE_BLOB;
    int rc = SQLITE_OK;
    pOut->z = NULL;
    if (!isBlob) rc = tvfText(pVal, &pOut->z);
    if (rc) return rc;
    if (pOut->z == NULL && pA->eKind == LP_ARG_COLUMN_OR_NULL && !isBlob) return SQLITE_OK;
    int hasNul = pOut->z && (size_t)sqlite3_value_bytes(pVal) != strlen(pOut->z);
    if (pOut->z == NULL || pOut->z[0] == 0 || hasNul) {
        char zWhat[96];
        sqlite3_snprintf(sizeof(zWhat), zWhat, "%s must name a %s%s, not", pA->zName,
                         pA->eKind == LP_ARG_SOURCE ? "table or view" : "column",
                         hasNul ? " without a NUL byte" : "");
        return tvfValueError(pVal, pzErr, zWhat);
    }
    pOut->isSet = 1;
    return SQLITE_OK;
}

/* One of azChoice, case-insensitively (LP_ARG_CHOICE). */
static int tvfChoiceArg(const lp_arg *pA, sqlite3_value *pVal, lp_arg_value *pOut,
                        char **pzErr) {
    const char *z = NULL;
    /* a blob is no choice (and once its text is read, it would show as text) */
    int rc = sqlite3_value_type(pVal) == SQLITE_BLOB ? SQLITE_OK : tvfText(pVal, &z), n = 0;
    if (rc) return rc;
    if (z && (size_t)sqlite3_value_bytes(pVal) != strlen(z)) z = NULL; /* 'group' || char(0) */
    for (int i = 0; z && pA->azChoice[i]; i++) {
        if (sqlite3_stricmp(z, pA->azChoice[i]) == 0) {
            pOut->isSet = 1;
            pOut->i = i;
            pOut->z = pA->azChoice[i];
            return SQLITE_OK;
        }
    }
    /* "ties must be 'group' or 'name', not" */
    sqlite3_str *pMsg = sqlite3_str_new(NULL);
    sqlite3_str_appendf(pMsg, "%s must be ", pA->zName);
    while (pA->azChoice[n]) n++;
    for (int i = 0; i < n; i++) {
        sqlite3_str_appendf(pMsg, "%s'%s'", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                            pA->azChoice[i]);
    }
    sqlite3_str_appendall(pMsg, ", not");
    char *zWhat = sqlite3_str_finish(pMsg);
    if (!zWhat) return SQLITE_NOMEM;
    rc = tvfValueError(pVal, pzErr, zWhat);
    sqlite3_free(zWhat);
    return rc;
}

/* An integer in [iMin, iMax] (LP_ARG_INT). */
static int tvfIntArg(const lp_arg *pA, sqlite3_value *pVal, lp_arg_value *pOut, char **pzErr) {
    char zWhat[96];
    if (sqlite3_value_numeric_type(pVal) == SQLITE_INTEGER) {
        int64_t i = sqlite3_value_int64(pVal);
        if (i >= pA->iMin && i <= pA->iMax) {
            pOut->isSet = 1;
            pOut->i = i;
            return SQLITE_OK;
        }
    }
    sqlite3_snprintf(sizeof(zWhat), zWhat, "%s must be an integer from %lld to %lld, not",
                     pA->zName, (long long)pA->iMin, (long long)pA->iMax);
    return tvfValueError(pVal, pzErr, zWhat);
}

/* Decode and check one argument given as pVal (not NULL: given). */
static int tvfArg(const lp_arg *pA, sqlite3_value *pVal, lp_arg_value *pOut, char **pzErr) {
    switch (pA->eKind) {
        case LP_ARG_SOURCE:
        case LP_ARG_COLUMN:
        case LP_ARG_COLUMN_OR_NULL: return tvfNameArg(pA, pVal, pOut, pzErr);
        case LP_ARG_CHOICE: return tvfChoiceArg(pA, pVal, pOut, pzErr);
        case LP_ARG_INT: return tvfIntArg(pA, pVal, pOut, pzErr);
        default: break;
    }
    if (sqlite3_value_type(pVal) == SQLITE_NULL) return SQLITE_OK; /* none */
    if (pA->eKind == LP_ARG_VALUE) {
        /* a text or a number, as its text; a blob or a text with a NUL is refused */
        int isBlob = sqlite3_value_type(pVal) == SQLITE_BLOB;
        int rc = isBlob ? SQLITE_OK : tvfText(pVal, &pOut->z);
        if (rc) return rc;
        if (isBlob || (size_t)sqlite3_value_bytes(pVal) != strlen(pOut->z)) {
            char zWhat[96];
            sqlite3_snprintf(sizeof(zWhat), zWhat, "%s must be a text without a NUL byte or a number, not",
                             pA->zName);
            pOut->z = NULL;
            return tvfValueError(pVal, pzErr, zWhat);
        }
        pOut->isSet = 1;
        return SQLITE_OK;
    }
    if (pA->eKind == LP_ARG_TIME) {
        /* a blob's text is read as a time (rule 2), after which it reads as text */
        int isBlob = sqlite3_value_type(pVal) == SQLITE_BLOB;
        lp_time_status eStatus;
        int rc = learnpath_parse_time_value(pVal, &eStatus, &pOut->i);
        if (rc) return rc;
        if (eStatus != LP_TIME_OK) {
            if (isBlob) {
                return learnpath_errorf(pzErr, SQLITE_ERROR, "%s must be a time, not a blob",
                                        pA->zName);
            }
            char zWhat[64];
            sqlite3_snprintf(sizeof(zWhat), zWhat, "%s must be a time, not", pA->zName);
            return tvfValueError(pVal, pzErr, zWhat);
        }
    } else { /* LP_ARG_DAYS */
        double r;
        if (!learnpath_number_arg(pVal, 0.0, 1e9, 0, &r)) {
            char zWhat[80];
            sqlite3_snprintf(sizeof(zWhat), zWhat, "%s must be a number of days >= 0, not",
                             pA->zName);
            return tvfValueError(pVal, pzErr, zWhat);
        }
        pOut->r = r;
    }
    pOut->isSet = 1;
    return SQLITE_OK;
}

/* The value of an argument left out: its default. */
static void tvfDefault(const lp_arg *pA, lp_arg_value *pOut) {
    memset(pOut, 0, sizeof(*pOut));
    if (pA->eKind == LP_ARG_INT) {
        pOut->i = pA->iDefault;
    } else if (pA->zDefault) {
        pOut->z = pA->zDefault;
        for (int i = 0; pA->azChoice && pA->azChoice[i]; i++) {
            if (strcmp(pA->azChoice[i], pA->zDefault) == 0) pOut->i = i;
        }
    }
}

/* The source and shaping specs from learnpath_source_args' values. */
static void tvfSourceSpecs(lp_tvf_cursor *pCur) {
    const lp_arg_value *v = pCur->aVal;
    lp_source_spec *p = &pCur->src;
    lp_shape_spec *q = &pCur->shape;
    memset(p, 0, sizeof(*p));
    memset(q, 0, sizeof(*q));
    p->zSource = v[LP_ARG_I_SOURCE].z;
    p->zUserCol = v[LP_ARG_I_USER_COL].z;
    p->zProgramCol = v[LP_ARG_I_PROGRAM_COL].z;
    p->zTimeCol = v[LP_ARG_I_TIME_COL].z;
    p->zSegmentCol = v[LP_ARG_I_SEGMENT_COL].isSet ? v[LP_ARG_I_SEGMENT_COL].z : NULL;
    p->skipBadTimes = v[LP_ARG_I_BAD_TIMES].i == 1;
    p->pConn = pCur->pTab->pConn;
    q->hasSince = v[LP_ARG_I_SINCE].isSet;
    q->since = v[LP_ARG_I_SINCE].i;
    q->hasUntil = v[LP_ARG_I_UNTIL].isSet;
    q->until = v[LP_ARG_I_UNTIL].i;
    q->hasWithin = v[LP_ARG_I_WITHIN_DAYS].isSet;
    q->withinDays = v[LP_ARG_I_WITHIN_DAYS].r;
    q->ties = (lp_ties)v[LP_ARG_I_TIES].i;
    q->repeats = (lp_repeats)v[LP_ARG_I_REPEATS].i;
    if (pCur->pTab->pDesc->nArg > LP_ARG_I_GROUP_COL && v[LP_ARG_I_GROUP_COL].isSet) {
        p->zGroupCol = v[LP_ARG_I_GROUP_COL].z;
    }
    if (pCur->pTab->pDesc->nArg > LP_ARG_I_GROUP_VALUE && v[LP_ARG_I_GROUP_VALUE].isSet) {
        p->zGroupValue = v[LP_ARG_I_GROUP_VALUE].z;
        p->nGroupValue = sqlite3_value_bytes(pCur->apArg[LP_ARG_I_GROUP_VALUE]);
    }
}

/* ------------------------------------------------------------- nesting */

/* Append z, quoted as messages quote values, to pStr; 1 if out of memory. */
static int tvfAppendQuoted(sqlite3_str *pStr, const char *z) {
    char *zQ = learnpath_quote(z);
    if (!zQ) return 1;
    sqlite3_str_appendall(pStr, zQ);
    sqlite3_free(zQ);
    return 0;
}

/*
** May a function read zSource now? Not when an enclosing learnpath function
** is reading it already: its read would run this one again, for ever (one
** connection resolves one name, compared as SQL compares names, to one
** table or view, so the same name is the same source; another spelling of
** it is met again one turn of the cycle later). Nor deeper than
** TVF_MAX_DEPTH.
*/
static int tvfCheckNesting(const lp_conn *pConn, const char *zSource, char **pzErr) {
    const lp_read_link *aLink[TVF_MAX_DEPTH + 1];
    int n = 0;
    for (const lp_read_link *p = pConn->pChain; p && n <= TVF_MAX_DEPTH; p = p->pOuter) {
        aLink[n++] = p;
        /* a query (rule 13) is the same source only when the same text */
        if (learnpath_source_is_query(zSource) ? strcmp(p->zSource, zSource) != 0
                                               : sqlite3_stricmp(p->zSource, zSource) != 0) {
            continue;
        }
        /* the cycle, outermost first: 'v1' > 'v2' > 'v1' */
        sqlite3_str *pStr = sqlite3_str_new(NULL);
        int isOom = 0;
        sqlite3_str_appendall(pStr, "source ");
        isOom |= tvfAppendQuoted(pStr, zSource);
        sqlite3_str_appendall(pStr, " reads itself: ");
        for (int i = n - 1; i >= 0; i--) {
            isOom |= tvfAppendQuoted(pStr, aLink[i]->zSource);
            sqlite3_str_appendall(pStr, " > ");
        }
        isOom |= tvfAppendQuoted(pStr, zSource);
        sqlite3_str_appendall(pStr, " (a view may not feed itself to a learnpath function)");
        char *zMsg = sqlite3_str_finish(pStr);
        if (!zMsg || isOom) {
            sqlite3_free(zMsg);
            return SQLITE_NOMEM;
        }
        sqlite3_free(*pzErr);
        *pzErr = zMsg;
        return SQLITE_ERROR;
    }
    if (pConn->nDepth >= TVF_MAX_DEPTH) {
        char *zQ = learnpath_quote(zSource);
        int rc = zQ ? learnpath_errorf(pzErr, SQLITE_ERROR,
                                       "source %s nests learnpath functions more than %d deep",
                                       zQ, TVF_MAX_DEPTH)
                    : SQLITE_NOMEM;
        sqlite3_free(zQ);
        return rc;
    }
    return SQLITE_OK;
}

/* Enter a read of zSource: the depth and the chain (tvfCheckNesting). */
static void tvfEnter(lp_conn *pConn, lp_read_link *pLink, const char *zSource) {
    pLink->zSource = zSource;
    pLink->pOuter = pConn->pChain;
    pConn->pChain = pLink;
    pConn->nDepth++;
}

static void tvfLeave(lp_conn *pConn, const lp_read_link *pLink) {
    pConn->pChain = pLink->pOuter;
    pConn->nDepth--;
}

/* -------------------------------------------------------------- errors */

/*
** The error of a hook or a check, as the user sees it: "func(): zErr" (or
** zErr whole for LP_RC_NESTED), set on the vtab and kept on the connection.
** Takes zErr (may be NULL: then SQLite's message for rc). Returns the code
** for SQLite.
*/
static int tvfError(lp_tvf_vtab *pTab, int rc, char *zErr) {
    lp_conn *pConn = pTab->pConn;
    char *zMsg = zErr;
    if (rc == SQLITE_OK) rc = SQLITE_ERROR;
    if (zErr && rc != LP_RC_NESTED) {
        zMsg = sqlite3_mprintf("%s(): %s", pTab->pDesc->zName, zErr);
        sqlite3_free(zErr);
        if (!zMsg) return SQLITE_NOMEM;
    }
    if (rc == SQLITE_NOMEM) {
        /* under PRAGMA hard_heap_limit, say so: a bare "out of memory" would
        ** not tell the limit from the machine */
        sqlite3_int64 nLimit = sqlite3_hard_heap_limit64(-1);
        sqlite3_free(zMsg);
        zMsg = nLimit <= 0 ? NULL
                           : sqlite3_mprintf("%s(): out of memory within PRAGMA hard_heap_limit"
                                             " = %lld bytes", pTab->pDesc->zName, nLimit);
        if (!zMsg) return rc;
    }
    if (zMsg) {
        /* kept for a read that nests this function (lp_read.c): without
        ** it, the message could not be told from SQLite's */
        sqlite3_free(pConn->zLastError);
        pConn->zLastError = sqlite3_mprintf("%s", zMsg);
        if (!pConn->zLastError) {
            sqlite3_free(zMsg);
            return SQLITE_NOMEM;
        }
        sqlite3_free(pTab->base.zErrMsg);
        pTab->base.zErrMsg = zMsg;
    }
    return LP_RC_IS_OWN(rc) ? SQLITE_ERROR : rc;
}

/* ----------------------------------------------------- connect/planning */

/*
** The table's risk level for SQLite (see "Trust" above), set while it is
** being connected. SQLite refuses a direct-only table in a stored view or
** trigger with 'unsafe use of virtual table "<name>"'.
*/
static int tvfRiskLevel(sqlite3 *db, lp_tvf_vtab *pTab) {
    unsigned flags = pTab->pDesc->flags;
    if (flags & LP_TVF_INNOCUOUS) return sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    if (!(flags & LP_TVF_SOURCE)) return SQLITE_OK;
    if (pTab->pConn->allowViews) {
        pTab->allowsViews = 1; /* SQLite's default: stored SQL while trusted_schema is ON */
        return SQLITE_OK;
    }
    return sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
}

/*
** A table connected while views were allowed, used after
** learnpath_allow_views(0): it may be serving a stored view, so it refuses.
** The switch expired every prepared statement, so only a statement that
** was running then (a scan it starts again), or a switch that failed,
** meets this.
*/
static int tvfStale(lp_tvf_vtab *pTab) {
    if (!pTab->allowsViews || pTab->pConn->allowViews) return SQLITE_OK;
    char *zErr = sqlite3_mprintf("learnpath_allow_views(0) came after this statement was "
                                 "prepared; run it again");
    return zErr ? tvfError(pTab, SQLITE_ERROR, zErr) : SQLITE_NOMEM;
}

static int tvfConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr) {
    const lp_tvf_bind *pBind = pAux;
    const lp_tvf *pDesc = pBind->pDesc;
    lp_tvf_vtab *pTab;
    int rc;
    (void)argc;
    (void)argv;
    (void)pzErr;
    sqlite3_str *pSql = sqlite3_str_new(db);
    sqlite3_str_appendf(pSql, "CREATE TABLE x(%s", pDesc->zColumns);
    for (int j = 0; j < pDesc->nArg; j++) {
        sqlite3_str_appendf(pSql, ",%s%s", pDesc->aArg[j].zName,
                            j == LP_TVF_SHOWN_ARG(pDesc->flags) ? "" : " HIDDEN");
    }
    sqlite3_str_appendall(pSql, ")");
    char *zSql = sqlite3_str_finish(pSql);
    if (!zSql) return SQLITE_NOMEM;
    rc = sqlite3_declare_vtab(db, zSql);
    sqlite3_free(zSql);
    if (rc != SQLITE_OK) return rc;
    pTab = sqlite3_malloc64(sizeof(*pTab));
    if (!pTab) return SQLITE_NOMEM;
    memset(pTab, 0, sizeof(*pTab));
    pTab->db = db;
    pTab->pConn = pBind->pConn;
    pTab->pDesc = pDesc;
    rc = tvfRiskLevel(db, pTab);
    if (rc != SQLITE_OK) {
        /* never connect a function that reads a source at a lower risk level */
        sqlite3_free(pTab);
        return rc;
    }
    if (pDesc->xOrderBy) {
        /* text sorts as learnpath sorts it (UTF-8 bytes) only in a UTF-8
        ** database; elsewhere every ORDER BY is left to SQLite */
        sqlite3_stmt *pStmt = NULL;
        if (sqlite3_prepare_v2(db, "PRAGMA encoding", -1, &pStmt, NULL) == SQLITE_OK &&
            sqlite3_step(pStmt) == SQLITE_ROW) {
            const unsigned char *z = sqlite3_column_text(pStmt, 0);
            pTab->isUtf8 = z && sqlite3_stricmp((const char *)z, "UTF-8") == 0;
        }
        sqlite3_finalize(pStmt);
    }
    *ppVtab = &pTab->base;
    return SQLITE_OK;
}

static int tvfDisconnect(sqlite3_vtab *pVtab) {
    /* before sqlite3_close() looks for statements left (lp_cache.c) */
    learnpath_cache_disconnect(((lp_tvf_vtab *)pVtab)->db);
    sqlite3_free(pVtab);
    return SQLITE_OK;
}

/* A constraint the frame reads as '=': '=' itself (and IN), or IS. */
static int tvfIsEq(const struct sqlite3_index_constraint *pC) {
    return pC->op == SQLITE_INDEX_CONSTRAINT_EQ || pC->op == SQLITE_INDEX_CONSTRAINT_IS;
}

/*
** Can the per-user function take user_id '=' constraint i (an IN list
** shows as '=' too)? Only where SQLite says which it is (3.38 and newer,
** the first 32 constraints): an IN list SQLite hands over one value at a
** time is then tested again as user_id = value without the list's type
** affinity, and would lose the text id '42' that IN (SELECT id FROM
** t(id INTEGER)) finds in a scan. *pIsIn: an IN list, handed over whole.
*/
static int tvfUserEqUsable(sqlite3_index_info *pInfo, int i, int *pIsIn) {
#if SQLITE_VERSION_NUMBER >= 3038000
    if (sqlite3_libversion_number() >= 3038000 && i < 32) {
        *pIsIn = sqlite3_vtab_in(pInfo, i, -1);
        if (*pIsIn) sqlite3_vtab_in(pInfo, i, 1);
        return 1;
    }
#else
    (void)pInfo;
    (void)i;
    (void)pIsIn;
#endif
    return 0;
}

/*
** The constraint a per-user function takes on user_id (column 0), or -1:
** the first usable IS, '=' or IN compared in BINARY (another collation's
** equality is not the order the users are found in). *pIsIn: it is an IN
** list SQLite hands over whole.
*/
static int tvfUserConstraint(sqlite3_index_info *pInfo, int *pIsIn) {
    *pIsIn = 0;
    for (int i = 0; i < pInfo->nConstraint; i++) {
        const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
        const char *zColl;
        if (pC->iColumn != 0 || !pC->usable || !tvfIsEq(pC)) continue;
        zColl = sqlite3_vtab_collation(pInfo, i);
        if (zColl && sqlite3_stricmp(zColl, "BINARY") != 0) continue;
        if (pC->op == SQLITE_INDEX_CONSTRAINT_IS || tvfUserEqUsable(pInfo, i, pIsIn)) return i;
    }
    return -1;
}

/* See the planning notes in lp_sql.h. */
static int tvfBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo) {
    lp_tvf_vtab *pTab = (lp_tvf_vtab *)pVtab;
    const lp_tvf *pDesc = pTab->pDesc;
    int aIdx[LP_MAX_ARG];
    unsigned unusable = 0, present = 0;
    int idxNum = 0, nArg = 0, iUser = -1, isIn = 0, code = 0, isMissing = 0;
    int rc = tvfStale(pTab);

    if (rc != SQLITE_OK) return rc;
    for (int j = 0; j < pDesc->nArg; j++) aIdx[j] = -1;
    for (int i = 0; i < pInfo->nConstraint; i++) {
        const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
        int j = pC->iColumn - pDesc->nOut;
        if (j < 0 || j >= pDesc->nArg || !tvfIsEq(pC)) continue;
        if (!pC->usable) {
            unusable |= 1u << j;
        } else if (aIdx[j] < 0) {
            aIdx[j] = i;
            present |= 1u << j;
        }
    }
    for (int j = 0; j < pDesc->nArg; j++) {
        /* a plan all the same (xFilter says what is missing): SQLite also
        ** plans each branch of an OR alone, without the other constraints */
        if (pDesc->aArg[j].isRequired && !((present | unusable) & (1u << j))) isMissing = 1;
    }
    if (unusable & ~present) return SQLITE_CONSTRAINT;
    for (int j = 0; j < pDesc->nArg; j++) {
        if (aIdx[j] < 0) continue;
        pInfo->aConstraintUsage[aIdx[j]].argvIndex = ++nArg;
        pInfo->aConstraintUsage[aIdx[j]].omit = 1;
        idxNum |= LP_TVF_ARG_BIT(j);
    }
    if (pDesc->flags & LP_TVF_USER_KEY) iUser = tvfUserConstraint(pInfo, &isIn);
    if (iUser >= 0) {
        /* omit stays 0: SQLite tests the rows found (lp_sql.h) */
        pInfo->aConstraintUsage[iUser].argvIndex = ++nArg;
        idxNum |= LP_TVF_USER_EQ | (isIn ? LP_TVF_USER_IN : 0);
    }
    if (pDesc->xOrderBy) code = pDesc->xOrderBy(pTab, pInfo);
    if (iUser >= 0 && code) {
        /* the users found come in user_id order only */
        code = 0;
        pInfo->orderByConsumed = 0;
    }
    /* (every descriptor has fewer than 63 output columns) */
    if (iUser < 0 && code == 0 && pInfo->nOrderBy == 0 &&
        (pInfo->colUsed & (((sqlite3_uint64)1 << pDesc->nOut) - 1)) == 0) {
        idxNum |= LP_TVF_ANY_ORDER;
    }
    pInfo->idxNum = idxNum | code << LP_TVF_ORDER_SHIFT;
    pInfo->estimatedCost = isMissing ? 1e100 : iUser >= 0 ? 10.0 : pDesc->rCost;
    pInfo->estimatedRows = iUser >= 0 ? 1 : pDesc->nRowEst;
    return SQLITE_OK;
}

/* -------------------------------------------------------------- cursors */

static int tvfOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor) {
    lp_tvf_vtab *pTab = (lp_tvf_vtab *)pVtab;
    lp_tvf_cursor *pCur = sqlite3_malloc64(pTab->pDesc->szCursor);
    if (!pCur) return SQLITE_NOMEM;
    memset(pCur, 0, pTab->pDesc->szCursor);
    pCur->pTab = pTab;
    *ppCursor = &pCur->base;
    return SQLITE_OK;
}

/* Release everything a previous xFilter left (xFilter may run again). */
static void tvfReset(lp_tvf_cursor *pCur) {
    const lp_tvf *pDesc = pCur->pTab->pDesc;
    pDesc->xReset(pCur);
    for (int j = 0; j < pDesc->nArg; j++) {
        sqlite3_value_free(pCur->apArg[j]);
        pCur->apArg[j] = NULL;
    }
    memset(pCur->aVal, 0, sizeof(pCur->aVal));
    pCur->iRowid = 0;
}

static int tvfClose(sqlite3_vtab_cursor *pCursor) {
    lp_tvf_cursor *pCur = (lp_tvf_cursor *)pCursor;
    tvfReset(pCur);
    if (pCur->pTab->pDesc->xClose) pCur->pTab->pDesc->xClose(pCur);
    sqlite3_free(pCur);
    return SQLITE_OK;
}

/* Copy the arguments given (bits of idxNum) and check each in call order. */
static int tvfArguments(lp_tvf_cursor *pCur, int idxNum, int argc, sqlite3_value **argv,
                        char **pzErr) {
    const lp_tvf *pDesc = pCur->pTab->pDesc;
    int k = 0;
    for (int j = 0; j < pDesc->nArg; j++) {
        if (!(idxNum & LP_TVF_ARG_BIT(j)) || k >= argc) continue;
        pCur->apArg[j] = sqlite3_value_dup(argv[k++]);
        if (!pCur->apArg[j]) return SQLITE_NOMEM;
    }
    for (int j = 0; j < pDesc->nArg; j++) {
        const lp_arg *pA = &pDesc->aArg[j];
        int rc;
        tvfDefault(pA, &pCur->aVal[j]);
        if (pCur->apArg[j] == NULL) {
            if (!pA->isRequired) continue;
            return learnpath_errorf(pzErr, SQLITE_ERROR, "missing required argument '%s'",
                                    pA->zName);
        }
        rc = tvfArg(pA, pCur->apArg[j], &pCur->aVal[j], pzErr);
        if (rc) return rc;
    }
    return SQLITE_OK;
}

static int tvfFilter(sqlite3_vtab_cursor *pCursor, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv) {
    lp_tvf_cursor *pCur = (lp_tvf_cursor *)pCursor;
    lp_tvf_vtab *pTab = pCur->pTab;
    const lp_tvf *pDesc = pTab->pDesc;
    int readsSource = (pDesc->flags & LP_TVF_SOURCE) != 0;
    char *zErr = NULL;
    int rc;
    (void)idxStr;

    tvfReset(pCur);
    rc = tvfStale(pTab);
    if (rc != SQLITE_OK) return rc;
    rc = tvfArguments(pCur, idxNum, argc, argv, &zErr);
    /* the user_id value follows the arguments' (tvfBestIndex) */
    pCur->pUserKey = (idxNum & LP_TVF_USER_EQ) && argc > 0 ? argv[argc - 1] : NULL;
    if (rc == SQLITE_OK && readsSource) {
        tvfSourceSpecs(pCur);
        rc = tvfCheckNesting(pTab->pConn, pCur->src.zSource, &zErr);
        /* a stored view may be calling: its query must be as safe as it */
        if (rc == SQLITE_OK && pTab->allowsViews && learnpath_source_is_query(pCur->src.zSource)) {
            rc = learnpath_query_check_stored(pTab->db, pCur->src.zSource, &zErr);
        }
    }
    if (rc == SQLITE_OK) {
        lp_read_link link;
        if (readsSource) tvfEnter(pTab->pConn, &link, pCur->src.zSource);
        rc = pDesc->xFilter(pCur, idxNum, &zErr);
        if (readsSource) tvfLeave(pTab->pConn, &link);
    }
    pCur->pUserKey = NULL; /* argv lives for this call only */
    if (rc != SQLITE_OK) {
        tvfReset(pCur);
        return tvfError(pTab, rc, zErr);
    }
    return SQLITE_OK;
}

static int tvfNext(sqlite3_vtab_cursor *pCursor) {
    lp_tvf_cursor *pCur = (lp_tvf_cursor *)pCursor;
    lp_tvf_vtab *pTab = pCur->pTab;
    int readsSource = (pTab->pDesc->flags & LP_TVF_SOURCE) != 0;
    char *zErr = NULL;
    lp_read_link link;
    pCur->iRowid++;
    if (readsSource) tvfEnter(pTab->pConn, &link, pCur->src.zSource);
    int rc = pTab->pDesc->xNext(pCur, &zErr);
    if (readsSource) tvfLeave(pTab->pConn, &link);
    return rc == SQLITE_OK ? SQLITE_OK : tvfError(pTab, rc, zErr);
}

static int tvfEof(sqlite3_vtab_cursor *pCursor) {
    lp_tvf_cursor *pCur = (lp_tvf_cursor *)pCursor;
    return pCur->pTab->pDesc->xEof(pCur);
}

static int tvfColumn(sqlite3_vtab_cursor *pCursor, sqlite3_context *ctx, int i) {
    lp_tvf_cursor *pCur = (lp_tvf_cursor *)pCursor;
    const lp_tvf *pDesc = pCur->pTab->pDesc;
    if (i < pDesc->nOut) return pDesc->xColumn(pCur, ctx, i);
    /* a hidden column: the argument in effect */
    int j = i - pDesc->nOut;
    const lp_arg *pA = &pDesc->aArg[j];
    if (pA->eKind == LP_ARG_INT) {
        sqlite3_result_int64(ctx, pCur->aVal[j].i);
    } else if (j == LP_TVF_SHOWN_ARG(pDesc->flags) && pA->eKind == LP_ARG_CHOICE) {
        sqlite3_result_text(ctx, pCur->aVal[j].z, -1, SQLITE_STATIC); /* as the choice is spelt */
    } else if (pCur->apArg[j]) {
        sqlite3_result_value(ctx, pCur->apArg[j]);
    } else if (pA->zDefault) {
        sqlite3_result_text(ctx, pA->zDefault, -1, SQLITE_STATIC);
    }
    return SQLITE_OK;
}

static int tvfRowid(sqlite3_vtab_cursor *pCursor, sqlite3_int64 *pRowid) {
    lp_tvf_cursor *pCur = (lp_tvf_cursor *)pCursor;
    sqlite3_int64 iRow = pCur->iRowid;
    if (pCur->pTab->pDesc->xRowid) {
        char *zErr = NULL;
        int rc = pCur->pTab->pDesc->xRowid(pCur, &iRow, &zErr);
        if (rc) return tvfError(pCur->pTab, rc, zErr);
    }
    *pRowid = iRow + 1;
    return SQLITE_OK;
}

/* xCreate is left NULL: that makes each table eponymous-only. */
const sqlite3_module learnpath_tvf_module = {
    .iVersion = 0,
    .xConnect = tvfConnect,
    .xBestIndex = tvfBestIndex,
    .xDisconnect = tvfDisconnect,
    .xOpen = tvfOpen,
    .xClose = tvfClose,
    .xFilter = tvfFilter,
    .xNext = tvfNext,
    .xEof = tvfEof,
    .xColumn = tvfColumn,
    .xRowid = tvfRowid,
};

/* See lp_sql.h. */
int learnpath_tvf_step_delegate(lp_tvf_cursor *pCur, sqlite3_stmt *pStmt) {
    lp_conn *pConn = pCur->pTab->pConn;
    const lp_read_link *pLink = pConn->pChain;
    int rc;
    /* the innermost link is this call's own (tvfFilter, tvfNext) */
    if (pLink && pLink->zSource == pCur->src.zSource) pConn->pChain = pLink->pOuter;
    rc = sqlite3_step(pStmt);
    pConn->pChain = pLink;
    return rc;
}

/*
** Does no name of pTab hold a NUL byte? Each is followed by one, so: are
** there n NULs in its bytes. Only for tables of up to 1 MiB of names
** (checked once per query); larger ones answer 0 (each value is checked).
*/
static int tvfNulFree(const lp_strtab *pTab) {
    const char *z = pTab->aByte, *zEnd = pTab->aByte + pTab->nByte;
    uint32_t nNul = 0;
    if (pTab->nByte > (1 << 20)) return 0;
    while (z < zEnd && (z = memchr(z, 0, (size_t)(zEnd - z))) != NULL) {
        if (++nNul > pTab->n) return 0;
        z++;
    }
    return nNul == pTab->n;
}

/* See lp_sql.h. */
int learnpath_tvf_open_journeys(lp_tvf_cursor *pCur, lp_users *pIt, lp_shaper *pSh,
                                char **pzErr) {
    lp_tvf_vtab *pTab = pCur->pTab;
    int rc = learnpath_users_open(pTab->db, pTab->pConn, &pCur->src, pIt, pzErr);
    if (rc) return rc;
    /* rule 12: group_value keeps the users of that group (lp_users.c) */
    pCur->shape.pGroupUsers = pCur->src.zGroupValue ? pIt : NULL;
    rc = learnpath_shaper_init(pSh, pIt->pData, &pCur->shape);
    /* cached data read with a segment column serves a query without */
    pSh->ignoreSegments = pCur->src.zSegmentCol == NULL;
    /* in memory the names are all read: tell SQLite its texts end with a
    ** NUL without looking (learnpath_result_text_nul) */
    pSh->isNulFree = rc == SQLITE_OK && pIt->pStream == NULL &&
                     tvfNulFree(&pIt->pData->programs) && tvfNulFree(&pIt->pData->segments);
    return rc;
}

/* See lp_sql.h. */
int learnpath_tvf_reopen_streaming(lp_tvf_cursor *pCur, lp_users *pIt, lp_shaper *pSh,
                                   char **pzErr) {
    lp_tvf_vtab *pTab = pCur->pTab;
    int rc;
    learnpath_shaper_free(pSh);
    learnpath_cache_forget(pTab->pConn, pIt->pData);
    learnpath_users_close(pIt);
    rc = learnpath_users_open_stream(pTab->db, pTab->pConn, &pCur->src, pIt, pzErr);
    if (rc) return rc;
    rc = learnpath_shaper_init(pSh, pIt->pData, &pCur->shape);
    pSh->ignoreSegments = pCur->src.zSegmentCol == NULL; /* as learnpath_tvf_open_journeys */
    return rc;
}

/* ------------------------------------------------------ column results */

void learnpath_result_key(sqlite3_context *ctx, const lp_data *pD, const lp_key *k) {
    switch (k->eType) {
        case SQLITE_INTEGER: sqlite3_result_int64(ctx, k->v.i); break;
        case SQLITE_FLOAT: sqlite3_result_double(ctx, k->isIntegral ? (double)k->v.i : k->v.r); break;
        case SQLITE_TEXT:
            sqlite3_result_text(ctx, pD->aKeyByte + k->v.off, k->n, SQLITE_TRANSIENT);
            break;
        default: sqlite3_result_blob(ctx, pD->aKeyByte + k->v.off, k->n, SQLITE_TRANSIENT); break;
    }
}

/* See lp_sql.h. */
void learnpath_result_text_nul(sqlite3_context *ctx, const char *z, int n, int isNulFree) {
    /* a length of -1 tells SQLite the text ends with a NUL: with the length
    ** given, the first function that asks for the text (length(), substr(),
    ** ...) reallocates the row's copy to add one */
    if (!isNulFree && memchr(z, 0, (size_t)n)) {
        sqlite3_result_text(ctx, z, n, SQLITE_TRANSIENT);
    } else {
        sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
    }
}

void learnpath_result_label(sqlite3_context *ctx, const lp_shaper *pSh, uint32_t label) {
    int n;
    const char *z;
    if (label == LP_NONE) return; /* NULL */
    z = learnpath_label(pSh, label, &n);
    learnpath_result_text_nul(ctx, z, n, pSh->isNulFree);
}

void learnpath_result_segment(sqlite3_context *ctx, const lp_shaper *pSh, const lp_data *pD,
                              uint32_t seg) {
    if (seg == LP_NONE) return; /* NULL */
    learnpath_result_text_nul(ctx, LP_STR(&pD->segments, seg), LP_STRLEN(&pD->segments, seg),
                              pSh->isNulFree);
}

void learnpath_result_time(sqlite3_context *ctx, int64_t ms) {
    char zBuf[LP_TIME_BUFSZ];
    learnpath_format_time(ms, zBuf);
    sqlite3_result_text(ctx, zBuf, -1, SQLITE_TRANSIENT);
}

void learnpath_result_days(sqlite3_context *ctx, int64_t msFrom, int64_t msTo) {
    sqlite3_result_double(ctx, (double)(msTo - msFrom) / LP_MS_PER_DAY);
}
