/*
** lp_journeys.c - the journey table-valued functions of learnpath.
**
**   SELECT * FROM first_program('enrollments');
**   SELECT * FROM program_journeys('enrollments', 'user_id', 'program',
**                                  'enrolled_at', 'user_type');
**   SELECT * FROM program_steps('enrollments') WHERE user_id = 42;
**   SELECT * FROM program_transitions
**    WHERE source = 'raw' AND user_col = 'Learner ID' AND ties = 'name';
**
** Each function is an eponymous virtual table whose arguments are hidden
** columns. Positional, in this order:
**   source       table or view to read (required; "schema.table" allowed)
**   user_col     default 'user_id'
**   program_col  default 'program'
**   time_col     default 'enrolled_at'
**   segment_col  default none
** and, named only (WHERE name = value):
**   since, until   time values (rule 7); NULL = no bound
**   within_days    number >= 0 (rule 8); NULL = no limit
**   ties           'group' (default) or 'name' (rule 4)
**   repeats        'collapse' (default), 'keep' or 'first_only' (rule 5)
**   bad_times      'error' (default) or 'skip' (rule 2)
** Each hidden column reads back the value in effect.
**
** HOW IT WORKS
**   xBestIndex takes every usable '=' constraint on a hidden column (the
**   first one of each), gives them argvIndex 1..n in column order and sets
**   bit i of idxNum for hidden column i:
**       idxNum bit 0 source, 1 user_col, 2 program_col, 3 time_col,
**       4 segment_col, 5 since, 6 until, 7 within_days, 8 ties, 9 repeats,
**       10 bad_times
**   No constraint at all on source is an error that names the function; a
**   source (or any argument) constraint that is not usable in this plan
**   answers SQLITE_CONSTRAINT so SQLite tries another join order.
**   Constraints on output columns are left to SQLite.
**   xFilter decodes the same bits, checks the arguments, reads the source
**   through lp_build.c and lays out the rows of the function's shape.
**
** RULES (1-8 are in lp_build.c; README.md has them all)
**   9. Step k's transition goes from step k to step k+1, or to NULL when
**      there is none. share = users of the row / users at step k with that
**      from_program in that segment, so each group's shares sum to 1. Days
**      are measured between step starts; the median of an even count is the
**      mean of the two middle values. avg_days and median_days are NULL on
**      rows whose to_program is NULL. Rows are ordered by segment, step,
**      users descending, from_program, to_program (NULLs first).
**  10. Times are returned as 'YYYY-MM-DD HH:MM:SS' (UTC). The per-user
**      functions return users in user_id order (numbers, text, blobs), and
**      program_steps each user's steps in order.
**
** Security: the functions are not marked innocuous (a view inside an
** untrusted database file may use them only while trusted_schema is ON)
** and every identifier is quoted. A per-connection depth counter stops a
** view that feeds itself to a function.
*/
#include <stdlib.h>
#include <string.h>

#include "learnpath_int.h"

/* How deeply journey functions may nest inside their own sources. */
#define JRN_MAX_DEPTH 8

/* ------------------------------------------------------------ the kinds */

typedef enum {
    JRN_FIRST,
    JRN_JOURNEYS,
    JRN_STEPS,
    JRN_TRANSITIONS,
    JRN_PROFILE,
    JRN_STATS
} jrn_kind_id;

/* Kinds whose rows are computed in full by xFilter (aggregates). */
#define JRN_IS_AGGREGATE(k) ((k) == JRN_TRANSITIONS || (k) == JRN_PROFILE || (k) == JRN_STATS)

typedef struct jrn_kind {
    const char *zName;
    const char *zColumns; /* output columns of CREATE TABLE x(...) */
    int nOut;
} jrn_kind;

static const jrn_kind aJrnKind[] = {
    {"first_program",
     "user_id,segment TEXT,program TEXT,started_at TEXT,tied INTEGER,"
     "next_program TEXT,days_to_next REAL,steps INTEGER,programs INTEGER",
     9},
    {"program_journeys",
     "user_id,segment TEXT,steps INTEGER,programs INTEGER,path TEXT,"
     "first_program TEXT,first_at TEXT,last_program TEXT,last_at TEXT",
     9},
    {"program_steps",
     "user_id,segment TEXT,step INTEGER,program TEXT,started_at TEXT,"
     "days_since_prev REAL",
     6},
    {"program_transitions",
     "segment TEXT,step INTEGER,from_program TEXT,to_program TEXT,users INTEGER,"
     "share REAL,avg_days REAL,median_days REAL,from_tied INTEGER,to_tied INTEGER",
     10},
    {"enrollment_profile", "finding TEXT,value,detail TEXT", 3},
    {"first_program_stats",
     "segment TEXT,program TEXT,tied INTEGER,users INTEGER,share REAL,continued INTEGER,"
     "continue_rate REAL,avg_days_to_next REAL,median_days_to_next REAL",
     9},
};

/* Hidden argument columns, in call order. */
enum {
    ARG_SOURCE,
    ARG_USER_COL,
    ARG_PROGRAM_COL,
    ARG_TIME_COL,
    ARG_SEGMENT_COL,
    ARG_SINCE,
    ARG_UNTIL,
    ARG_WITHIN_DAYS,
    ARG_TIES,
    ARG_REPEATS,
    ARG_BAD_TIMES,
    JRN_NARG
};

static const char *const azArgName[JRN_NARG] = {
    "source", "user_col", "program_col", "time_col", "segment_col",
    "since",  "until",    "within_days", "ties",     "repeats", "bad_times"};

/* Value read back from a hidden column when the argument is absent. */
static const char *const azArgDefault[JRN_NARG] = {
    NULL, "user_id", "program", "enrolled_at", NULL, NULL, NULL, NULL, "group", "collapse", "error"};

/* ------------------------------------------------------------- structs */

typedef struct jrn_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    lp_conn *pConn;
    const jrn_kind *pKind;
    jrn_kind_id eKind;
    int isUtf8;         /* the database's text is UTF-8 (learnpath's order of text) */
} jrn_vtab;

/* One row of program_transitions. */
typedef struct trn_row {
    uint32_t segment, from, to; /* labels; segment/to may be LP_NONE */
    uint32_t segRank, fromRank, toRank;
    int64_t step;
    int64_t users;
    int64_t groupUsers; /* users at this step with this from, in this segment */
    int64_t nDays;      /* transitions with a next step (= users unless to NULL) */
    uint64_t sumMsLo;   /* the gaps' sum in ms, exactly (128 bits: the */
    uint64_t sumMsHi;   /*   mean does not depend on the order of adding) */
    double medianDays;
    int64_t *aGap;      /* while computed: the nDays gaps in ms, for the median */
    int64_t nGapAlloc;  /*   (NULL once the median is set) */
} trn_row;

/*
** A finished aggregate (program_transitions, first_program_stats) kept with
** the source data it was computed from, so the same query again on unchanged
** data costs almost nothing. The data is immutable and dropped by the cache
** when anything changes, and its memos with it. The shaper owns the
** tie-group labels the rows refer to.
*/
typedef struct jrn_memo {
    struct jrn_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    lp_shaper sh;
    trn_row *aaRow[4];  /* by TRN_AGG(isStats, noSegment); NULL when not computed */
    int64_t anRow[4];
} jrn_memo;

static void jrnMemoUnref(jrn_memo *p) {
    if (--p->nRef > 0) return;
    learnpath_shaper_free(&p->sh);
    for (int i = 0; i < 4; i++) sqlite3_free(p->aaRow[i]);
    sqlite3_free(p);
}

/* lp_data.xMemoFree: drop the data's reference to each of its memos. */
static void jrnMemoListFree(void *pList) {
    jrn_memo *p = pList;
    while (p) {
        jrn_memo *pNext = p->pNext;
        jrnMemoUnref(p);
        p = pNext;
    }
}

static int jrnShapeSpecEq(const lp_shape_spec *a, const lp_shape_spec *b) {
    return a->hasSince == b->hasSince && (!a->hasSince || a->since == b->since) &&
           a->hasUntil == b->hasUntil && (!a->hasUntil || a->until == b->until) &&
           a->hasWithin == b->hasWithin && (!a->hasWithin || a->withinDays == b->withinDays) &&
           a->ties == b->ties && a->repeats == b->repeats;
}

/* One row of enrollment_profile. */
typedef struct prof_row {
    const char *zFinding;
    int64_t iValue;  /* the value, unless zValue is set */
    char *zValue;    /* a text value (times), or NULL */
    char *zDetail;   /* or NULL */
} prof_row;

typedef struct jrn_cursor {
    sqlite3_vtab_cursor base;
    sqlite3_value *apArg[JRN_NARG]; /* copies of the arguments given */
    lp_source_spec src;             /* parsed arguments (texts point into apArg) */
    lp_shape_spec shape;
    lp_users it;                    /* the source's users, in user_id order */
    lp_shaper sh;                   /* the current user's journey */
    int hasShaper;
    int isLazy;                     /* first_program, program_journeys without */
    int isShaped;                   /*   since/until: shape at the first column */
    trn_row *aRow;                  /* program_transitions, first_program_stats: */
    int64_t nRow;                   /*   the rows of pMemo */
    jrn_memo *pMemo;
    const lp_shaper *pLabels;       /* whose labels the rows use */
    struct prof_row *aProf;         /* enrollment_profile */
    uint32_t *aPerm;                /* first_program in an ORDER BY's order (jrnAdvance); */
    uint32_t *aKept;                /*   NULL: user_id order */
    uint32_t nPerm, iPerm;
    sqlite3_stmt *pSorted;          /* or, streaming, the rows as SQLite sorts them */
    int isSortedEof;
    uint32_t iStep;                 /* program_steps: step within the user */
    int64_t iRow;                   /* program_transitions: current row */
    sqlite3_int64 iRowid;
} jrn_cursor;

/* --------------------------------------------------- connect/disconnect */

static int jrnConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr, jrn_kind_id eKind) {
    const jrn_kind *pKind = &aJrnKind[eKind];
    jrn_vtab *pTab;
    char *zSql;
    int rc;
    (void)argc;
    (void)argv;
    (void)pzErr;
    zSql = sqlite3_mprintf(
        "CREATE TABLE x(%s,source HIDDEN,user_col HIDDEN,program_col HIDDEN,time_col HIDDEN,"
        "segment_col HIDDEN,since HIDDEN,until HIDDEN,within_days HIDDEN,ties HIDDEN,"
        "repeats HIDDEN,bad_times HIDDEN)",
        pKind->zColumns);
    if (!zSql) return SQLITE_NOMEM;
    rc = sqlite3_declare_vtab(db, zSql);
    sqlite3_free(zSql);
    if (rc != SQLITE_OK) return rc;
    pTab = sqlite3_malloc64(sizeof(*pTab));
    if (!pTab) return SQLITE_NOMEM;
    memset(pTab, 0, sizeof(*pTab));
    pTab->db = db;
    pTab->pConn = pAux;
    pTab->pKind = pKind;
    pTab->eKind = eKind;
    /* text sorts as learnpath sorts it (UTF-8 bytes) only in a UTF-8
    ** database; elsewhere first_program leaves every ORDER BY to SQLite */
    sqlite3_stmt *pStmt = NULL;
    if (eKind == JRN_FIRST && sqlite3_prepare_v2(db, "PRAGMA encoding", -1, &pStmt, NULL) == SQLITE_OK &&
        sqlite3_step(pStmt) == SQLITE_ROW) {
        const unsigned char *z = sqlite3_column_text(pStmt, 0);
        pTab->isUtf8 = z && sqlite3_stricmp((const char *)z, "UTF-8") == 0;
    }
    sqlite3_finalize(pStmt);
    *ppVtab = &pTab->base;
    return SQLITE_OK;
}

#define JRN_CONNECT(NAME, KIND)                                                             \
    static int NAME(sqlite3 *db, void *pAux, int argc, const char *const *argv,             \
                    sqlite3_vtab **ppVtab, char **pzErr) {                                  \
        return jrnConnect(db, pAux, argc, argv, ppVtab, pzErr, KIND);                       \
    }
JRN_CONNECT(jrnConnectFirst, JRN_FIRST)
JRN_CONNECT(jrnConnectJourneys, JRN_JOURNEYS)
JRN_CONNECT(jrnConnectSteps, JRN_STEPS)
JRN_CONNECT(jrnConnectTransitions, JRN_TRANSITIONS)
JRN_CONNECT(jrnConnectProfile, JRN_PROFILE)
JRN_CONNECT(jrnConnectStats, JRN_STATS)

static int jrnDisconnect(sqlite3_vtab *pVtab) {
    sqlite3_free(pVtab);
    return SQLITE_OK;
}

/* ------------------------------------------------------------ planning */

/* See the idxNum layout in the header comment. */
/*
** The order of rows (rule 10): first_program returns its rows in the order
** an ORDER BY or GROUP BY asks when that is up to three of segment, program
** and next_program, ascending, then optionally user_id, so SQLite need not
** sort them: the users are put in that order by a counting sort (linear) of
** their (segment, program, next_program) combinations, and stay in user_id
** order within one. The keys are numbered JRN_KEY_*, two bits each from bit
** JRN_ORDER_SHIFT of idxNum, the first key lowest, 0 ending the list. SQLite
** passes an ORDER BY only when its terms are plain columns in their own
** collation (BINARY here), and NULLs first. With a memory budget set, the
** users may stream in user_id order only, so no reordering is offered then;
** in a UTF-16 database, whose BINARY order of text is not learnpath's (UTF-8
** bytes), no order at all.
*/
#define JRN_ORDER_SHIFT 16
enum { JRN_KEY_END = 0, JRN_KEY_SEGMENT = 1, JRN_KEY_PROGRAM = 2, JRN_KEY_NEXT = 3 };

/* first_program's ORDER BY, as key codes; sets orderByConsumed when it can
** be given (user_id order needs no keys and no memory). */
static int jrnOrderKeys(sqlite3_index_info *pInfo, int canReorder) {
    int code = 0, nKey = 0;
    for (int i = 0; i < pInfo->nOrderBy; i++) {
        int c = pInfo->aOrderBy[i].iColumn, k;
        if (pInfo->aOrderBy[i].desc) return 0;
        if (c == 0) {
            /* user_id: one row per user, so later terms cannot matter */
            pInfo->orderByConsumed = 1;
            return code;
        }
        k = c == 1 ? JRN_KEY_SEGMENT : c == 2 ? JRN_KEY_PROGRAM : c == 5 ? JRN_KEY_NEXT : JRN_KEY_END;
        if (k == JRN_KEY_END || !canReorder) return 0;
        for (int j = 0; j < nKey; j++) {
            if (((code >> (2 * j)) & 3) == k) return 0; /* a key twice */
        }
        code |= k << (2 * nKey++);
    }
    pInfo->orderByConsumed = 1;
    return code;
}

static int jrnBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo) {
    jrn_vtab *pTab = (jrn_vtab *)pVtab;
    int nOut = pTab->pKind->nOut;
    int aIdx[JRN_NARG];
    unsigned unusable = 0, present = 0;
    int idxNum = 0, nArg = 0;

    for (int j = 0; j < JRN_NARG; j++) aIdx[j] = -1;
    for (int i = 0; i < pInfo->nConstraint; i++) {
        const struct sqlite3_index_constraint *pC = &pInfo->aConstraint[i];
        int j = pC->iColumn - nOut;
        if (j < 0 || j >= JRN_NARG || pC->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (!pC->usable) {
            unusable |= 1u << j;
        } else if (aIdx[j] < 0) {
            aIdx[j] = i;
            present |= 1u << j;
        }
    }
    if (!(present & 1u) && !(unusable & 1u)) {
        return learnpath_vtab_error(pVtab, "%s(): missing required argument 'source'",
                                    pTab->pKind->zName);
    }
    if (unusable & ~present) return SQLITE_CONSTRAINT;
    for (int j = 0; j < JRN_NARG; j++) {
        if (aIdx[j] < 0) continue;
        pInfo->aConstraintUsage[aIdx[j]].argvIndex = ++nArg;
        pInfo->aConstraintUsage[aIdx[j]].omit = 1;
        idxNum |= 1 << j;
    }
    if (pTab->eKind == JRN_FIRST && pTab->isUtf8) {
        idxNum |= jrnOrderKeys(pInfo, pTab->pConn->nMemoryBudget == 0) << JRN_ORDER_SHIFT;
    }
    pInfo->idxNum = idxNum;
    pInfo->estimatedCost = 1000000.0;
    pInfo->estimatedRows = 10000;
    return SQLITE_OK;
}

/* ------------------------------------------------------------- cursors */

static int jrnOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor) {
    jrn_cursor *pCur = sqlite3_malloc64(sizeof(*pCur));
    (void)pVtab;
    if (!pCur) return SQLITE_NOMEM;
    memset(pCur, 0, sizeof(*pCur));
    *ppCursor = &pCur->base;
    return SQLITE_OK;
}

/* Release everything a previous xFilter left (reentrancy rule 2). */
static void jrnCursorReset(jrn_cursor *pCur) {
    for (int j = 0; j < JRN_NARG; j++) {
        sqlite3_value_free(pCur->apArg[j]);
        pCur->apArg[j] = NULL;
    }
    if (pCur->hasShaper) learnpath_shaper_free(&pCur->sh);
    pCur->hasShaper = 0;
    learnpath_users_close(&pCur->it);
    if (pCur->pMemo) {
        jrnMemoUnref(pCur->pMemo);
        pCur->pMemo = NULL;
    } else {
        sqlite3_free(pCur->aRow);
    }
    pCur->aRow = NULL;
    pCur->pLabels = NULL;
    if (pCur->aProf) {
        for (int64_t i = 0; i < pCur->nRow; i++) {
            sqlite3_free(pCur->aProf[i].zValue);
            sqlite3_free(pCur->aProf[i].zDetail);
        }
        sqlite3_free(pCur->aProf);
        pCur->aProf = NULL;
    }
    sqlite3_free(pCur->aPerm);
    sqlite3_free(pCur->aKept);
    pCur->aPerm = pCur->aKept = NULL;
    sqlite3_finalize(pCur->pSorted);
    pCur->pSorted = NULL;
    pCur->isSortedEof = 0;
    pCur->nPerm = pCur->iPerm = 0;
    pCur->nRow = 0;
    pCur->iStep = 0;
    pCur->iRow = 0;
    pCur->iRowid = 0;
}

static int jrnClose(sqlite3_vtab_cursor *pCursor) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrnCursorReset(pCur);
    sqlite3_free(pCur);
    return SQLITE_OK;
}

/* ----------------------------------------------------- argument checks */

/*
** Text of a name argument j, or its default. NULL with an error for NULL
** or empty (segment_col may be NULL: no segment).
*/
static int jrnNameArg(jrn_vtab *pTab, jrn_cursor *pCur, int j, const char **pz) {
    sqlite3_value *pVal = pCur->apArg[j];
    const char *zFunc = pTab->pKind->zName;
    *pz = azArgDefault[j];
    if (pVal == NULL) return SQLITE_OK;
    if (sqlite3_value_type(pVal) == SQLITE_NULL) {
        if (j == ARG_SEGMENT_COL) {
            *pz = NULL;
            return SQLITE_OK;
        }
        if (j == ARG_SOURCE) {
            return learnpath_vtab_error(&pTab->base, "%s(): source is NULL; name a table or view",
                                        zFunc);
        }
        return learnpath_vtab_error(&pTab->base, "%s(): %s is NULL; name a column", zFunc,
                                    azArgName[j]);
    }
    *pz = (const char *)sqlite3_value_text(pVal);
    if (*pz == NULL) return SQLITE_NOMEM;
    if ((*pz)[0] == 0) {
        return learnpath_vtab_error(&pTab->base, "%s(): %s is empty; name a %s", zFunc,
                                    azArgName[j], j == ARG_SOURCE ? "table or view" : "column");
    }
    return SQLITE_OK;
}

/*
** "func(): [arg: ]<what> 'value'": an error about an argument's value,
** quoted by learnpath_quote (NULL when the argument is NULL).
*/
static int jrnValueError(jrn_vtab *pTab, sqlite3_value *pVal, const char *zArg,
                         const char *zWhat) {
    const char *z = NULL;
    char *zQuoted;
    int rc;
    if (pVal && sqlite3_value_type(pVal) != SQLITE_NULL) {
        z = (const char *)sqlite3_value_text(pVal);
        if (!z) return SQLITE_NOMEM;
    }
    zQuoted = learnpath_quote(z);
    if (!zQuoted) return SQLITE_NOMEM;
    rc = learnpath_vtab_error(&pTab->base, "%s(): %s%s%s %s", pTab->pKind->zName, zArg ? zArg : "",
                              zArg ? ": " : "", zWhat, zQuoted);
    sqlite3_free(zQuoted);
    return rc;
}

/* Read since/until (rule 7). */
static int jrnTimeArg(jrn_vtab *pTab, sqlite3_value *pVal, int j, int *pHas, int64_t *pMs) {
    lp_time_status eStatus;
    int rc;
    *pHas = 0;
    if (pVal == NULL || sqlite3_value_type(pVal) == SQLITE_NULL) return SQLITE_OK;
    rc = learnpath_parse_time_value(pVal, &eStatus, pMs);
    if (rc) return rc;
    if (eStatus != LP_TIME_OK) {
        return jrnValueError(pTab, pVal, azArgName[j], "unreadable time");
    }
    *pHas = 1;
    return SQLITE_OK;
}

/* Check every argument and fill pCur->src and pCur->shape. */
static int jrnParams(jrn_vtab *pTab, jrn_cursor *pCur) {
    const char *zFunc = pTab->pKind->zName;
    const char *zTies, *zRepeats, *zBad;
    lp_source_spec *p = &pCur->src;
    lp_shape_spec *q = &pCur->shape;
    sqlite3_value *pVal;
    int rc;

    memset(p, 0, sizeof(*p));
    memset(q, 0, sizeof(*q));
    p->zFunc = zFunc;
    if (pCur->apArg[ARG_SOURCE] == NULL) {
        return learnpath_vtab_error(&pTab->base, "%s(): missing required argument 'source'", zFunc);
    }
    if ((rc = jrnNameArg(pTab, pCur, ARG_SOURCE, &p->zSource)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_USER_COL, &p->zUserCol)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_PROGRAM_COL, &p->zProgramCol)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_TIME_COL, &p->zTimeCol)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_SEGMENT_COL, &p->zSegmentCol)) != 0) return rc;
    rc = jrnTimeArg(pTab, pCur->apArg[ARG_SINCE], ARG_SINCE, &q->hasSince, &q->since);
    if (rc) return rc;
    rc = jrnTimeArg(pTab, pCur->apArg[ARG_UNTIL], ARG_UNTIL, &q->hasUntil, &q->until);
    if (rc) return rc;

    pVal = pCur->apArg[ARG_WITHIN_DAYS];
    if (pVal && sqlite3_value_type(pVal) != SQLITE_NULL) {
        int eNum = sqlite3_value_numeric_type(pVal);
        double r = sqlite3_value_double(pVal);
        if ((eNum != SQLITE_INTEGER && eNum != SQLITE_FLOAT) || !(r >= 0.0) || r > 1e9) {
            return jrnValueError(pTab, pVal, NULL, "within_days must be a number of days >= 0, not");
        }
        q->hasWithin = 1;
        q->withinDays = r;
    }

    zTies = azArgDefault[ARG_TIES];
    pVal = pCur->apArg[ARG_TIES];
    if (pVal) {
        /* the type first: a failed conversion to text leaves a NULL */
        int isNull = sqlite3_value_type(pVal) == SQLITE_NULL;
        zTies = isNull ? NULL : (const char *)sqlite3_value_text(pVal);
        if (!zTies && !isNull) return SQLITE_NOMEM;
    }
    if (zTies && sqlite3_stricmp(zTies, "group") == 0) {
        q->ties = LP_TIES_GROUP;
    } else if (zTies && sqlite3_stricmp(zTies, "name") == 0) {
        q->ties = LP_TIES_NAME;
    } else {
        return jrnValueError(pTab, pVal, NULL, "ties must be 'group' or 'name', not");
    }

    zRepeats = azArgDefault[ARG_REPEATS];
    pVal = pCur->apArg[ARG_REPEATS];
    if (pVal) {
        /* the type first: a failed conversion to text leaves a NULL */
        int isNull = sqlite3_value_type(pVal) == SQLITE_NULL;
        zRepeats = isNull ? NULL : (const char *)sqlite3_value_text(pVal);
        if (!zRepeats && !isNull) return SQLITE_NOMEM;
    }
    if (zRepeats && sqlite3_stricmp(zRepeats, "collapse") == 0) {
        q->repeats = LP_REPEATS_COLLAPSE;
    } else if (zRepeats && sqlite3_stricmp(zRepeats, "keep") == 0) {
        q->repeats = LP_REPEATS_KEEP;
    } else if (zRepeats && sqlite3_stricmp(zRepeats, "first_only") == 0) {
        q->repeats = LP_REPEATS_FIRST_ONLY;
    } else {
        return jrnValueError(pTab, pVal, NULL, "repeats must be 'collapse', 'keep' or 'first_only', not");
    }

    zBad = azArgDefault[ARG_BAD_TIMES];
    pVal = pCur->apArg[ARG_BAD_TIMES];
    if (pVal) {
        /* the type first: a failed conversion to text leaves a NULL */
        int isNull = sqlite3_value_type(pVal) == SQLITE_NULL;
        zBad = isNull ? NULL : (const char *)sqlite3_value_text(pVal);
        if (!zBad && !isNull) return SQLITE_NOMEM;
    }
    if (zBad && sqlite3_stricmp(zBad, "error") == 0) {
        p->skipBadTimes = 0;
    } else if (zBad && sqlite3_stricmp(zBad, "skip") == 0) {
        p->skipBadTimes = 1;
    } else {
        return jrnValueError(pTab, pVal, NULL, "bad_times must be 'error' or 'skip', not");
    }
    return SQLITE_OK;
}

/* ------------------------------------------------- program_transitions */

/* Text of label i of kind k: 0 = a shaper's labels, 1 = segments. */
typedef struct trn_names {
    const lp_shaper *pSh;
    const lp_strtab *pTab;
} trn_names;

/* Labels as consecutive numbers: programs, then tie groups. */
static uint32_t trnLabelIndex(const lp_data *pD, uint32_t label) {
    return label & LP_GROUP_BIT ? pD->programs.n + (label & ~LP_GROUP_BIT) : label;
}

static const char *trnName(const trn_names *pN, uint32_t i, int *pn) {
    if (pN->pTab) {
        *pn = LP_STRLEN(pN->pTab, i);
        return LP_STR(pN->pTab, i);
    }
    uint32_t nProgram = pN->pSh->pData->programs.n;
    return learnpath_label(pN->pSh, i < nProgram ? i : LP_GROUP_BIT | (i - nProgram), pn);
}

static int trnNameCmp(void *pCtx, uint32_t a, uint32_t b) {
    int na, nb;
    const char *za = trnName(pCtx, a, &na), *zb = trnName(pCtx, b, &nb);
    return learnpath_bytes_cmp(za, na, zb, nb);
}

/* aRank[i] = place of name i among the n names, in byte order; with
** isDense, names of equal text (a program named like a tie group) share one. */
static int trnRanks(const trn_names *pN, uint32_t n, int isDense, uint32_t **paRank) {
    uint32_t *aAt, *aRank;
    int rc = learnpath_sort_index(n, trnNameCmp, (void *)pN, &aAt);
    *paRank = NULL;
    if (rc) return rc;
    aRank = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aRank) {
        sqlite3_free(aAt);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0, r = 0; i < n; i++) {
        if (isDense && i > 0 && trnNameCmp((void *)pN, aAt[i - 1], aAt[i]) == 0) r--;
        aRank[aAt[i]] = r++;
    }
    sqlite3_free(aAt);
    *paRank = aRank;
    return SQLITE_OK;
}

/* Group order: segment, step, from (NULL segments first). */
static int trnGroupCmp(const void *pa, const void *pb) {
    const trn_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->step != b->step) return a->step < b->step ? -1 : 1;
    if (a->fromRank != b->fromRank) return a->fromRank < b->fromRank ? -1 : 1;
    return (a->toRank > b->toRank) - (a->toRank < b->toRank);
}

/* Output order (rule 9): segment, step, users desc, from, to. */
static int trnRowCmp(const void *pa, const void *pb) {
    const trn_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->step != b->step) return a->step < b->step ? -1 : 1;
    if (a->users != b->users) return a->users > b->users ? -1 : 1;
    if (a->fromRank != b->fromRank) return a->fromRank < b->fromRank ? -1 : 1;
    return (a->toRank > b->toRank) - (a->toRank < b->toRank);
}

/* first_program_stats order: segment, total row last, users desc, program. */
static int trnStatsCmp(const void *pa, const void *pb) {
    const trn_row *a = pa, *b = pb;
    if (a->segRank != b->segRank) return a->segRank < b->segRank ? -1 : 1;
    if (a->toRank != b->toRank) return a->toRank < b->toRank ? -1 : 1;
    if (a->users != b->users) return a->users > b->users ? -1 : 1;
    return (a->fromRank > b->fromRank) - (a->fromRank < b->fromRank);
}

static uint32_t trnHash(uint32_t seg, int64_t step, uint32_t from, uint32_t to) {
    uint64_t x = ((uint64_t)seg * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)step * 0xc2b2ae3d27d4eb4fULL) ^
                 ((uint64_t)from * 0x165667b19e3779f9ULL) ^ ((uint64_t)to * 0x27d4eb2f165667c5ULL);
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 32;
    return (uint32_t)x;
}

/* k-th smallest of a[0..n) (0-based), reordering a. */
static int64_t trnSelect(int64_t *a, int64_t n, int64_t k) {
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t pivot = a[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int64_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return a[k];
        }
    }
    return a[k];
}

/*
** Medians without sorting. A row's gaps lie in one run of an array; a
** derived row's gaps are the runs of its source rows. The two middle
** values (one, for an odd count) are found by radix selection over the
** runs as they lie: a pass counts the values of the current range in 2048
** buckets by their top bits, and the range narrows to the bucket holding
** the middle. Once the range holds few values (at most TRN_FEW, or a 32nd
** of all) they are copied out and selected there (trnSelect); a range of
** one value is the answer; when the two middle values fall in two buckets,
** they are the largest of the one and the smallest of the other. Typical
** gaps take three passes over the values (their range, one count, the
** copy); the range shrinks 2048-fold per count, so there are at most
** seven. Nothing is reordered.
*/
#define TRN_RADIX_BITS 11
#define TRN_FEW 4096

typedef struct trn_run {
    const int64_t *a;
    int64_t n;
} trn_run;

/* Scratch of the selection, kept across the rows of one aggregate. */
typedef struct trn_scratch {
    uint64_t aCount[1u << TRN_RADIX_BITS];
    int64_t *aCopy;
    int64_t nCopyAlloc;
} trn_scratch;

static trn_scratch *trnScratchNew(void) {
    trn_scratch *pX = sqlite3_malloc64(sizeof(trn_scratch));
    if (pX) {
        pX->aCopy = NULL;
        pX->nCopyAlloc = 0;
    }
    return pX;
}

static void trnScratchFree(trn_scratch *pX) {
    if (pX) sqlite3_free(pX->aCopy);
    sqlite3_free(pX);
}

/* Every value of the runs within [base + uLo, base + uLo + width]. */
#define TRN_FOR_IN_RANGE(aRun, nRun, base, uLo, width, v, BODY)                             \
    for (int64_t r_ = 0; r_ < (nRun); r_++) {                                               \
        for (int64_t i_ = 0; i_ < (aRun)[r_].n; i_++) {                                     \
            int64_t v = (aRun)[r_].a[i_];                                                   \
            if ((uint64_t)v - (uint64_t)(base) - (uLo) <= (width)) BODY                      \
        }                                                                                   \
    }

/*
** Median in ms of the n > 0 values of aRun[0..nRun) (rule 9: of an even
** count, the mean of the two middle values), into *pMs.
*/
static int trnMedian(const trn_run *aRun, int64_t nRun, int64_t n, trn_scratch *pX, double *pMs) {
    int64_t kLo = (n - 1) / 2, kHi = n / 2, nIn = n, base = aRun[0].a[0], top = base;
    int64_t lo, hi;
    uint64_t uLo = 0, width;

    for (int64_t r = 0; r < nRun; r++) {
        for (int64_t i = 0; i < aRun[r].n; i++) {
            if (aRun[r].a[i] < base) base = aRun[r].a[i];
            if (aRun[r].a[i] > top) top = aRun[r].a[i];
        }
    }
    width = (uint64_t)top - (uint64_t)base;
    for (;;) {
        if (width == 0) {
            lo = hi = (int64_t)((uint64_t)base + uLo);
            break;
        }
        if (nIn <= TRN_FEW || nIn <= n / 32) {
            /* few enough: copy them, select the upper middle; the values
            ** before it are then all <= it, and the lower middle is their
            ** largest */
            int64_t m = 0;
            if (nIn > pX->nCopyAlloc) {
                int64_t *a = sqlite3_realloc64(pX->aCopy, (sqlite3_uint64)nIn * sizeof(int64_t));
                if (!a) return SQLITE_NOMEM;
                pX->aCopy = a;
                pX->nCopyAlloc = nIn;
            }
            TRN_FOR_IN_RANGE(aRun, nRun, base, uLo, width, v, { pX->aCopy[m++] = v; })
            hi = trnSelect(pX->aCopy, m, kHi);
            lo = hi;
            if (kLo < kHi) {
                lo = pX->aCopy[0];
                for (int64_t i = 1; i < kHi; i++) {
                    if (pX->aCopy[i] > lo) lo = pX->aCopy[i];
                }
            }
            break;
        }
        int shift = 0;
        while ((width >> shift) >= (1u << TRN_RADIX_BITS)) shift++;
        uint32_t nBucket = (uint32_t)(width >> shift) + 1, bLo, bHi;
        uint64_t *aCount = pX->aCount;
        memset(aCount, 0, nBucket * sizeof(uint64_t));
        TRN_FOR_IN_RANGE(aRun, nRun, base, uLo, width, v,
                         { aCount[((uint64_t)v - (uint64_t)base - uLo) >> shift]++; })
        for (bLo = 0; (int64_t)aCount[bLo] <= kLo; bLo++) {
            kLo -= (int64_t)aCount[bLo];
            kHi -= (int64_t)aCount[bLo];
        }
        for (bHi = bLo; (int64_t)aCount[bHi] <= kHi; bHi++) kHi -= (int64_t)aCount[bHi];
        if (bHi != bLo) {
            /* the middle values straddle two buckets: the largest of the
            ** lower one and the smallest of the upper one */
            uint64_t w = ((uint64_t)1 << shift) - 1;
            uint64_t uA = uLo + ((uint64_t)bLo << shift), uB = uLo + ((uint64_t)bHi << shift);
            int hasLo = 0, hasHi = 0;
            lo = hi = 0;
            TRN_FOR_IN_RANGE(aRun, nRun, base, uA, w, v, {
                if (!hasLo || v > lo) lo = v;
                hasLo = 1;
            })
            TRN_FOR_IN_RANGE(aRun, nRun, base, uB, w, v, {
                if (!hasHi || v < hi) hi = v;
                hasHi = 1;
            })
            break;
        }
        nIn = (int64_t)aCount[bLo];
        uLo += (uint64_t)bLo << shift;
        if (((uint64_t)1 << shift) - 1 < width - ((uint64_t)bLo << shift)) {
            width = ((uint64_t)1 << shift) - 1;
        } else {
            width -= (uint64_t)bLo << shift;
        }
    }
    *pMs = ((double)lo + (double)hi) / 2.0;
    return SQLITE_OK;
}

/* Growable table of transition rows with a hash index. */
typedef struct trn_table {
    trn_row *aRow;
    int64_t nRow, nRowAlloc;
    uint32_t *aSlot; /* row + 1, 0 = empty */
    uint64_t nSlot;
} trn_table;

static int trnRehash(trn_table *pT, uint64_t nSlot) {
    if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
    uint32_t *aSlot = sqlite3_malloc64(nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    for (int64_t r = 0; r < pT->nRow; r++) {
        const trn_row *pR = &pT->aRow[r];
        uint64_t j = trnHash(pR->segment, pR->step, pR->from, pR->to) & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = (uint32_t)r + 1;
    }
    sqlite3_free(pT->aSlot);
    pT->aSlot = aSlot;
    pT->nSlot = nSlot;
    return SQLITE_OK;
}

/* The row for (segment, step, from, to), created if new. */
static int trnRowFor(trn_table *pT, uint32_t seg, int64_t step, uint32_t from, uint32_t to,
                     int64_t *piRow) {
    int rc;
    if (2 * (uint64_t)(pT->nRow + 1) > pT->nSlot) {
        rc = trnRehash(pT, pT->nSlot ? pT->nSlot * 2 : 256);
        if (rc) return rc;
    }
    uint64_t j = trnHash(seg, step, from, to) & (pT->nSlot - 1);
    for (; pT->aSlot[j]; j = (j + 1) & (pT->nSlot - 1)) {
        const trn_row *pR = &pT->aRow[pT->aSlot[j] - 1];
        if (pR->segment == seg && pR->step == step && pR->from == from && pR->to == to) {
            *piRow = pT->aSlot[j] - 1;
            return SQLITE_OK;
        }
    }
    if (pT->nRow >= pT->nRowAlloc) {
        int64_t nNew = pT->nRowAlloc ? pT->nRowAlloc * 2 : 64;
        trn_row *aNew = sqlite3_realloc64(pT->aRow, (sqlite3_uint64)nNew * sizeof(trn_row));
        if (!aNew) return SQLITE_NOMEM;
        pT->aRow = aNew;
        pT->nRowAlloc = nNew;
    }
    trn_row *pR = &pT->aRow[pT->nRow];
    memset(pR, 0, sizeof(*pR));
    pR->segment = seg;
    pR->step = step;
    pR->from = from;
    pR->to = to;
    pT->aSlot[j] = (uint32_t)pT->nRow + 1;
    *piRow = pT->nRow++;
    return SQLITE_OK;
}

/*
** The aggregates one pass over the users computes: program_transitions and
** first_program_stats, each per segment and over all users (a query without
** segment_col on data read with one). TRN_AGG(isStats, noSegment) numbers
** them.
*/
#define TRN_NAGG 4
#define TRN_AGG(isStats, noSeg) (((isStats) ? 2 : 0) | ((noSeg) ? 1 : 0))

/* Add hi * 2^64 + lo to a row's sum of gaps. */
static void trnAddSum(trn_row *pR, uint64_t hi, uint64_t lo) {
    pR->sumMsLo += lo;
    pR->sumMsHi += hi + (pR->sumMsLo < lo);
}

/* A row's mean gap in days. */
static double trnMeanDays(const trn_row *pR) {
    double sum = (double)pR->sumMsHi * 18446744073709551616.0 + (double)pR->sumMsLo;
    return sum / (double)pR->nDays / LP_MS_PER_DAY;
}

/* One aggregate being computed: its rows, each with its gaps. */
typedef struct trn_acc {
    trn_table T;
    int hasMedians;     /* derived: the rows' medians are set already */
} trn_acc;

/* Free the rows' gaps (once their medians are set, or on error). */
static void trnAccFreeGaps(trn_acc *pA) {
    for (int64_t r = 0; r < pA->T.nRow; r++) {
        sqlite3_free(pA->T.aRow[r].aGap);
        pA->T.aRow[r].aGap = NULL;
        pA->T.aRow[r].nGapAlloc = 0;
    }
}

static void trnAccFree(trn_acc *pA) {
    trnAccFreeGaps(pA);
    sqlite3_free(pA->T.aRow);
    sqlite3_free(pA->T.aSlot);
    memset(pA, 0, sizeof(*pA));
}

/*
** Add one shaped user, in segment seg, to an aggregate. Transitions: a row
** per (segment, step, from, to); stats: a row per (segment, first program)
** and one per segment (from = LP_NONE), counting step 1's transition to
** anything (to = LP_NONE). A transition that has a next step appends its
** gap to its row's own array, so a row's gaps lie together in the order of
** the users, ready for the median, with no pass to group them.
*/
static int trnAccAdd(trn_acc *pA, const lp_shaper *pSh, uint32_t seg, int isStats) {
    uint32_t nRowKeys = isStats ? 2 : pSh->nStep;
    for (uint32_t k = 0; k < nRowKeys; k++) {
        const lp_step *pS = &pSh->aStep[isStats ? 0 : k];
        uint32_t kStep = isStats ? 0 : k;
        uint32_t to = kStep + 1 < pSh->nStep ? pS[1].label : LP_NONE;
        uint32_t from = isStats && k == 1 ? LP_NONE : pS->label;
        int64_t iRow;
        int rc = trnRowFor(&pA->T, seg, (int64_t)kStep + 1, from, isStats ? LP_NONE : to, &iRow);
        if (rc) return rc;
        trn_row *pR = &pA->T.aRow[iRow];
        pR->users++;
        if (to == LP_NONE) continue;
        if (pR->nDays >= pR->nGapAlloc) {
            int64_t nNew = pR->nGapAlloc ? pR->nGapAlloc * 2 : 8;
            int64_t *aGap = sqlite3_realloc64(pR->aGap, (sqlite3_uint64)nNew * sizeof(int64_t));
            if (!aGap) return SQLITE_NOMEM;
            pR->aGap = aGap;
            pR->nGapAlloc = nNew;
        }
        pR->aGap[pR->nDays++] = pS[1].t - pS->t;
        trnAddSum(pR, 0, (uint64_t)(pS[1].t - pS->t)); /* >= 0: steps are in time order */
    }
    return SQLITE_OK;
}

/*
** Derive an aggregate from the transitions pSrc (whose rows hold their
** gaps) instead of shaping every user again: transitions over
** all users sum the per-segment rows; first_program_stats are the rows of
** step 1, summed by first program and in all. A derived row's gaps are the
** union of its source rows' gaps, so its median is exact; it is selected
** over the source rows' runs of gaps where they lie (source rows bucketed
** by derived row, linear), so deriving copies no gaps.
*/
static int trnAccDerive(trn_acc *pDst, const trn_acc *pSrc, int isStats, int noSeg) {
    int nMap = isStats ? 2 : 1; /* stats: a program's row and the segment's total row */
    int64_t nSrc = pSrc->T.nRow, r;
    int64_t *aDst = NULL, *aStart = NULL, *aNext = NULL;
    trn_run *aRun = NULL;
    trn_scratch *pX = NULL;
    int rc = SQLITE_OK;

    /* each source row's derived rows (-1: none), with their counts */
    aDst = sqlite3_malloc64((sqlite3_uint64)(nSrc * nMap + 1) * sizeof(int64_t));
    if (!aDst) return SQLITE_NOMEM;
    for (r = 0; r < nSrc && rc == SQLITE_OK; r++) {
        const trn_row *pS = &pSrc->T.aRow[r];
        for (int k = 0; k < nMap; k++) {
            int64_t iRow = -1;
            if (!isStats || pS->step == 1) {
                uint32_t from = k == 1 ? LP_NONE : pS->from;
                rc = trnRowFor(&pDst->T, noSeg ? LP_NONE : pS->segment, pS->step, from,
                               isStats ? LP_NONE : pS->to, &iRow);
                if (rc) break;
                trn_row *pR = &pDst->T.aRow[iRow];
                pR->users += pS->users;
                pR->nDays += pS->nDays;
                trnAddSum(pR, pS->sumMsHi, pS->sumMsLo);
            }
            aDst[r * nMap + k] = iRow;
        }
    }
    if (rc) goto done;

    /* bucket the (source row, k) entries by derived row */
    int64_t nDst = pDst->T.nRow, nEntry = nSrc * nMap;
    aStart = sqlite3_malloc64((sqlite3_uint64)(nDst + 1) * sizeof(int64_t));
    aNext = sqlite3_malloc64((sqlite3_uint64)(nEntry + 1) * sizeof(int64_t));
    if (!aStart || !aNext) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    for (r = 0; r < nDst; r++) aStart[r] = -1;
    for (r = nEntry - 1; r >= 0; r--) {
        if (aDst[r] < 0) continue;
        aNext[r] = aStart[aDst[r]];
        aStart[aDst[r]] = r;
    }

    /* each derived row's median, over its source rows' runs of gaps */
    aRun = sqlite3_malloc64((sqlite3_uint64)(nEntry + 1) * sizeof(trn_run));
    pX = trnScratchNew();
    if (!aRun || !pX) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    for (r = 0; r < nDst; r++) {
        trn_row *pR = &pDst->T.aRow[r];
        int64_t nRun = 0;
        if (pR->nDays == 0) continue;
        for (int64_t e = aStart[r]; e >= 0; e = aNext[e]) {
            const trn_row *pS = &pSrc->T.aRow[e / nMap];
            if (pS->nDays == 0) continue;
            aRun[nRun].a = pS->aGap;
            aRun[nRun++].n = pS->nDays;
        }
        rc = trnMedian(aRun, nRun, pR->nDays, pX, &pR->medianDays);
        if (rc) goto done;
        pR->medianDays /= LP_MS_PER_DAY;
    }
    pDst->hasMedians = 1;

done:
    sqlite3_free(aDst);
    sqlite3_free(aStart);
    sqlite3_free(aNext);
    sqlite3_free(aRun);
    trnScratchFree(pX);
    return rc;
}

/*
** Finish an aggregate: medians (the rows' gaps are freed then), shares and
** the order of the rows, which go to *paRow (the caller frees them).
*/
static int trnAccFinish(trn_acc *pA, const lp_data *pD, const lp_shaper *pSh, int isStats,
                        trn_row **paRow, int64_t *pnRow) {
    trn_table *pT = &pA->T;
    uint32_t *aLabelRank = NULL, *aSegRank = NULL;
    int rc = SQLITE_OK;

    /* medians: select within each row's run of gaps */
    if (!pA->hasMedians) {
        trn_scratch *pX = trnScratchNew();
        if (!pX) return SQLITE_NOMEM;
        for (int64_t r = 0; r < pT->nRow && rc == SQLITE_OK; r++) {
            trn_row *pR = &pT->aRow[r];
            trn_run run = {pR->aGap, pR->nDays};
            if (pR->nDays == 0) continue;
            rc = trnMedian(&run, 1, pR->nDays, pX, &pR->medianDays);
            pR->medianDays /= LP_MS_PER_DAY;
        }
        trnScratchFree(pX);
        if (rc) return rc;
    }
    trnAccFreeGaps(pA);
    for (int64_t r = 0; r < pT->nRow; r++) pT->aRow[r].groupUsers = 0;

    /* names in order, for sorting (labels numbered programs first, then groups) */
    trn_names labels = {pSh, NULL}, segs = {NULL, &pD->segments};
    rc = trnRanks(&labels, pD->programs.n + pSh->groups.n, 0, &aLabelRank);
    if (rc == SQLITE_OK) rc = trnRanks(&segs, pD->segments.n, 0, &aSegRank);
    if (rc) goto done;
    for (int64_t r = 0; r < pT->nRow; r++) {
        trn_row *pR = &pT->aRow[r];
        pR->segRank = pR->segment == LP_NONE ? 0 : aSegRank[pR->segment] + 1;
        /* stats: the segment's total row (from = LP_NONE) comes last */
        pR->fromRank = pR->from == LP_NONE ? 0xffffffffu : aLabelRank[trnLabelIndex(pD, pR->from)];
        pR->toRank = pR->to == LP_NONE ? 0 : aLabelRank[trnLabelIndex(pD, pR->to)] + 1;
    }

    if (isStats) {
        /* share: users of the row / users of its segment; the order:
        ** segment, the total row last, users descending, program */
        for (int64_t r = 0; r < pT->nRow; r++) {
            trn_row *pR = &pT->aRow[r];
            pR->toRank = pR->from == LP_NONE ? 1 : 0;
        }
        if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(trn_row), trnStatsCmp); /* no NULL to qsort */
        for (int64_t r = 0; r < pT->nRow;) {
            int64_t e = r;
            while (e < pT->nRow && pT->aRow[e].segRank == pT->aRow[r].segRank) e++;
            for (int64_t i = r; i < e; i++) pT->aRow[i].groupUsers = pT->aRow[e - 1].users;
            r = e;
        }
    } else {
        /* share: users of the row / users at (segment, step, from) */
        if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(trn_row), trnGroupCmp); /* no NULL to qsort */
        for (int64_t r = 0; r < pT->nRow;) {
            int64_t e = r, total = 0;
            while (e < pT->nRow && pT->aRow[e].segRank == pT->aRow[r].segRank &&
                   pT->aRow[e].step == pT->aRow[r].step && pT->aRow[e].fromRank == pT->aRow[r].fromRank) {
                total += pT->aRow[e].users;
                e++;
            }
            for (int64_t i = r; i < e; i++) pT->aRow[i].groupUsers = total;
            r = e;
        }
        if (pT->nRow > 1) qsort(pT->aRow, (size_t)pT->nRow, sizeof(trn_row), trnRowCmp); /* no NULL to qsort */
    }
    *paRow = pT->aRow;
    *pnRow = pT->nRow;
    pT->aRow = NULL;
    pT->nRow = pT->nRowAlloc = 0;

done:
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    return rc;
}

/*
** Aggregate every user's journey (rule 9) in one pass over the users, into
** each aggregate whose bit TRN_AGG(...) is set in mask; its rows go to
** aaRow[] and anRow[] (the caller frees them). Only the first aggregate of
** the mask is fed user by user; when there are more, it is a transitions
** one and the others are derived from it (trnAccDerive), so computing them
** all costs little more than one. Each row keeps the gaps of its
** transitions that have a next step, for the medians, until they are set.
*/
static int trnBuild(jrn_cursor *pCur, unsigned mask, trn_row **aaRow, int64_t *anRow,
                    char **pzErr) {
    lp_users *pIt = &pCur->it;
    lp_shaper *pSh = &pCur->sh;
    trn_acc aAcc[TRN_NAGG];
    int rc = SQLITE_OK, i, iBase = 0;

    memset(aAcc, 0, sizeof(aAcc));
    while (!(mask & (1u << iBase))) iBase++;
    for (; !pIt->eof && rc == SQLITE_OK; rc = rc ? rc : learnpath_users_next(pIt, pzErr)) {
        int keep;
        rc = learnpath_shape_user(pSh, pIt->u, &keep);
        if (rc || !keep) continue;
        rc = trnAccAdd(&aAcc[iBase], pSh, (iBase & 1) ? LP_NONE : pSh->segment, iBase >= 2);
    }
    for (i = iBase + 1; i < TRN_NAGG && rc == SQLITE_OK; i++) {
        if (mask & (1u << i)) rc = trnAccDerive(&aAcc[i], &aAcc[iBase], i >= 2, i & 1);
    }
    for (i = iBase; i < TRN_NAGG && rc == SQLITE_OK; i++) {
        if (!(mask & (1u << i))) continue;
        rc = trnAccFinish(&aAcc[i], pIt->pData, pSh, i >= 2, &aaRow[i], &anRow[i]);
    }
    for (i = 0; i < TRN_NAGG; i++) trnAccFree(&aAcc[i]);
    return rc;
}

/* ----------------------------------------------------- enrollment_profile */

/* Program or segment names in name order, joined, at most 12 of them. */
static char *profNames(const lp_strtab *pTab) {
    trn_names names = {NULL, pTab};
    uint32_t *aRank = NULL, *aAt;
    sqlite3_str *pOut;
    uint32_t n = pTab->n, nShow = n < 12 ? n : 12;
    if (n == 0) return NULL;
    if (trnRanks(&names, n, 0, &aRank)) return NULL;
    aAt = sqlite3_malloc64((sqlite3_uint64)n * sizeof(uint32_t));
    if (!aAt) {
        sqlite3_free(aRank);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) aAt[aRank[i]] = i;
    pOut = sqlite3_str_new(NULL);
    for (uint32_t i = 0; i < nShow; i++) {
        sqlite3_str_appendf(pOut, "%s%s", i ? ", " : "", LP_STR(pTab, aAt[i]));
    }
    if (n > nShow) sqlite3_str_appendf(pOut, ", ... (%u more)", n - nShow);
    sqlite3_free(aRank);
    sqlite3_free(aAt);
    return sqlite3_str_finish(pOut);
}

/*
** The findings about a source, from what reading it found (rule 1, rule 2
** with bad_times='skip') and its users' enrollments.
*/
static int profBuild(jrn_cursor *pCur, char **pzErr) {
    lp_users *pIt = &pCur->it;
    const lp_data *pD = pIt->pData;
    int64_t nDup = 0, nTied = 0, nRepeat = 0, tMin = 0, tMax = 0, nUser = 0, nEv = 0;
    int hasSeg = pD->aSeg != NULL && pCur->src.zSegmentCol != NULL;
    uint32_t *aMark = NULL, nMark = 0, stamp = 0;
    prof_row *a;
    int n = 0, rc = SQLITE_OK;
    char zTime[LP_TIME_BUFSZ];

    a = sqlite3_malloc64(16 * sizeof(prof_row));
    if (!a) return SQLITE_NOMEM;
    memset(a, 0, 16 * sizeof(prof_row));
    pCur->aProf = a;

    for (; !pIt->eof && rc == SQLITE_OK; rc = learnpath_users_next(pIt, pzErr)) {
        uint32_t u = pIt->u, i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1];
        int tied = 0, repeat = 0;
        if (pD->programs.n > nMark) {
            /* streaming: the program table grew */
            uint32_t nNew = pD->programs.n * 2;
            uint32_t *aNew = sqlite3_realloc64(aMark, (sqlite3_uint64)nNew * sizeof(uint32_t));
            if (!aNew) {
                rc = SQLITE_NOMEM;
                break;
            }
            memset(aNew + nMark, 0, (size_t)(nNew - nMark) * sizeof(uint32_t));
            aMark = aNew;
            nMark = nNew;
        }
        stamp++;
        nUser++;
        nEv += i1 - i0;
        for (uint32_t i = i0; i < i1; i++) {
            if (nUser == 1 && i == i0) tMin = tMax = pD->aT[i];
            if (pD->aT[i] < tMin) tMin = pD->aT[i];
            if (pD->aT[i] > tMax) tMax = pD->aT[i];
            if (i > i0 && pD->aT[i] == pD->aT[i - 1] && pD->aProg[i] == pD->aProg[i - 1] &&
                (!hasSeg || pD->aSeg[i] == pD->aSeg[i - 1])) {
                nDup++;
            }
            if (i > i0 && pD->aT[i] == pD->aT[i0] && pD->aProg[i] != pD->aProg[i0]) tied = 1;
            if (aMark[pD->aProg[i]] == stamp) {
                repeat = 1;
            } else {
                aMark[pD->aProg[i]] = stamp;
            }
        }
        nTied += tied;
        nRepeat += repeat;
    }
    sqlite3_free(aMark);
    if (rc) return rc;

    a[n].zFinding = "rows_read";
    a[n++].iValue = pD->nRowRead;
    a[n].zFinding = "enrollments_used";
    a[n++].iValue = nEv;
    a[n].zFinding = "users";
    a[n++].iValue = nUser;
    a[n].zFinding = "programs";
    a[n].iValue = pD->programs.n;
    a[n++].zDetail = profNames(&pD->programs);
    a[n].zFinding = "segments";
    a[n].iValue = hasSeg ? pD->segments.n : 0;
    a[n++].zDetail = hasSeg ? profNames(&pD->segments) : NULL;
    a[n].zFinding = "first_time";
    if (nEv) {
        learnpath_format_time(tMin, zTime);
        a[n].zValue = sqlite3_mprintf("%s", zTime);
        if (!a[n].zValue) rc = SQLITE_NOMEM;
    }
    n++;
    a[n].zFinding = "last_time";
    if (nEv) {
        learnpath_format_time(tMax, zTime);
        a[n].zValue = sqlite3_mprintf("%s", zTime);
        if (!a[n].zValue) rc = SQLITE_NOMEM;
    }
    n++;
    a[n].zFinding = "rows_without_user";
    a[n++].iValue = pD->nSkipUser;
    a[n].zFinding = "rows_without_program";
    a[n++].iValue = pD->nSkipProgram;
    a[n].zFinding = "rows_without_time";
    a[n++].iValue = pD->nSkipTime;
    a[n].zFinding = "unreadable_times";
    a[n].iValue = pD->nBadTime;
    if (pD->nBadSample) {
        sqlite3_str *pOut = sqlite3_str_new(NULL);
        for (int i = 0; i < pD->nBadSample; i++) {
            if (pD->aBadRowid[i] >= 0) {
                sqlite3_str_appendf(pOut, "%srowid %lld: %s", i ? "; " : "",
                                    (long long)pD->aBadRowid[i], pD->azBadSample[i]);
            } else {
                sqlite3_str_appendf(pOut, "%s%s", i ? "; " : "", pD->azBadSample[i]);
            }
        }
        if (pD->nBadTime > pD->nBadSample) {
            sqlite3_str_appendf(pOut, "; ... (%lld more)", (long long)(pD->nBadTime - pD->nBadSample));
        }
        a[n].zDetail = sqlite3_str_finish(pOut);
        if (!a[n].zDetail) rc = SQLITE_NOMEM;
    }
    n++;
    a[n].zFinding = "duplicate_rows";
    a[n].iValue = nDup;
    a[n++].zDetail = sqlite3_mprintf("rows repeating another row's user, program and time%s",
                                     hasSeg ? " and segment" : "");
    a[n].zFinding = "tied_users";
    a[n].iValue = nTied;
    a[n++].zDetail = sqlite3_mprintf("users whose first instant holds several programs");
    a[n].zFinding = "users_with_repeats";
    a[n].iValue = nRepeat;
    a[n++].zDetail = sqlite3_mprintf("users who enrolled in a program more than once");
    for (int i = 0; i < n; i++) {
        if ((i == 3 && pD->programs.n && !a[i].zDetail) || (i == 4 && hasSeg && pD->segments.n && !a[i].zDetail) ||
            (i >= 11 && !a[i].zDetail)) {
            rc = SQLITE_NOMEM;
        }
    }
    pCur->nRow = n;
    return rc;
}

/* ---------------------------------------------------------- filter/scan */

/*
** Per-user kinds: from the current user on, shape users until one is kept.
** Without since/until every user is kept (a user exists only with an
** enrollment, and rules 5 and 8 never leave a journey without a step), so
** first_program and program_journeys shape a user only when a column of it
** is read: COUNT(*), and OFFSET in a paging host, skip users unshaped.
*/
/* The next row of pSorted; its rowid is the inner query's. */
static int jrnSortedStep(jrn_vtab *pTab, jrn_cursor *pCur) {
    int rc = sqlite3_step(pCur->pSorted);
    if (rc == SQLITE_ROW) {
        pCur->iRowid = sqlite3_column_int64(pCur->pSorted, 0) - 1;
        return SQLITE_OK;
    }
    pCur->isSortedEof = 1;
    if (rc == SQLITE_DONE) return SQLITE_OK;
    return learnpath_vtab_error(&pTab->base, "%s", sqlite3_errmsg(pTab->db));
}

/*
** A statement prepared for first_program's own order (rule 10) whose source
** must stream, because a memory budget was set after it was prepared (a
** host's statement cache keeps such plans): the same call, asked of SQLite
** with its own sorter (which spills to temporary files, as the stream
** does), ordered by the keys and then user_id.
*/
static int jrnSortedOpen(jrn_vtab *pTab, jrn_cursor *pCur, int code) {
    static const char *const azKey[] = {NULL, "+segment", "+program", "+next_program"};
    sqlite3_str *pSql = sqlite3_str_new(pTab->db);
    char *zSql;
    int rc;
    sqlite3_str_appendall(pSql, "SELECT rowid, * FROM first_program WHERE source = ?1");
    for (int j = 1; j < JRN_NARG; j++) {
        if (pCur->apArg[j]) sqlite3_str_appendf(pSql, " AND %s = ?%d", azArgName[j], j + 1);
    }
    sqlite3_str_appendall(pSql, " ORDER BY ");
    for (int i = 0; i < 3 && (code >> (2 * i)) & 3; i++) {
        sqlite3_str_appendf(pSql, "%s, ", azKey[(code >> (2 * i)) & 3]);
    }
    sqlite3_str_appendall(pSql, "+user_id");
    zSql = sqlite3_str_finish(pSql);
    if (!zSql) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(pTab->db, zSql, -1, &pCur->pSorted, NULL);
    sqlite3_free(zSql);
    for (int j = 0; j < JRN_NARG && rc == SQLITE_OK; j++) {
        if (pCur->apArg[j]) rc = sqlite3_bind_value(pCur->pSorted, j + 1, pCur->apArg[j]);
    }
    if (rc) return learnpath_vtab_error(&pTab->base, "%s", sqlite3_errmsg(pTab->db));
    return jrnSortedStep(pTab, pCur);
}

/*
** The next user, in user_id order or in the order of aPerm, which holds the
** users' numbers among the kept users in user_id order (aKept: those users;
** NULL when every user is kept). The row's rowid is that number, as in user_id order.
*/
static int jrnAdvance(jrn_cursor *pCur, char **pzErr) {
    if (pCur->aPerm == NULL) return learnpath_users_next(&pCur->it, pzErr);
    if (++pCur->iPerm >= pCur->nPerm) {
        pCur->it.eof = 1;
    } else {
        uint32_t k = pCur->aPerm[pCur->iPerm];
        pCur->it.u = pCur->aKept ? pCur->aKept[k] : LP_USER_AT(pCur->it.pData, k);
        pCur->iRowid = k;
    }
    return SQLITE_OK;
}

static int jrnSeekUser(jrn_cursor *pCur, char **pzErr) {
    pCur->isShaped = 0;
    if (pCur->isLazy) return SQLITE_OK;
    while (!pCur->it.eof) {
        int keep;
        int rc = learnpath_shape_user(&pCur->sh, pCur->it.u, &keep);
        if (rc || keep) return rc;
        rc = jrnAdvance(pCur, pzErr);
        if (rc) return rc;
    }
    return SQLITE_OK;
}

/* A combination of the ORDER BY's keys' values, and its users. */
typedef struct jrn_combo {
    uint32_t aLabel[3]; /* by JRN_KEY_* - 1; LP_NONE: NULL; 0 for a key not asked */
    uint32_t nUser;
    uint32_t aRank[3];  /* the labels' places in SQL order (NULL first; equal texts equal) */
    uint32_t iClass;    /* the combinations of equal ranks, numbered in order */
} jrn_combo;

typedef struct jrn_combo_set {
    jrn_combo *a;
    uint32_t n, nAlloc;
    uint32_t *aSlot;    /* combo + 1, 0 = empty */
    uint32_t nSlot;
    int code;           /* the ORDER BY's keys (jrnOrderKeys) */
} jrn_combo_set;

static uint32_t jrnComboHash(const uint32_t *aLabel) {
    uint64_t x = (aLabel[0] * 0x9e3779b97f4a7c15ULL) ^ (aLabel[1] * 0xc2b2ae3d27d4eb4fULL) ^
                 (aLabel[2] * 0x165667b19e3779f9ULL);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(x >> 32);
}

/* The combination of aLabel (created if new) into *piCombo. */
static int jrnComboFor(jrn_combo_set *pS, const uint32_t *aLabel, uint32_t *piCombo) {
    uint32_t j;
    if (2 * (uint64_t)(pS->n + 1) > pS->nSlot) {
        uint64_t nSlot = pS->nSlot ? 2 * (uint64_t)pS->nSlot : 64;
        if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
        uint32_t *aSlot = sqlite3_malloc64(nSlot * sizeof(uint32_t));
        if (!aSlot) return SQLITE_NOMEM;
        memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
        for (uint32_t c = 0; c < pS->n; c++) {
            for (j = jrnComboHash(pS->a[c].aLabel) & (nSlot - 1); aSlot[j]; j = (j + 1) & (nSlot - 1)) {
            }
            aSlot[j] = c + 1;
        }
        sqlite3_free(pS->aSlot);
        pS->aSlot = aSlot;
        pS->nSlot = (uint32_t)nSlot;
    }
    for (j = jrnComboHash(aLabel) & (pS->nSlot - 1); pS->aSlot[j]; j = (j + 1) & (pS->nSlot - 1)) {
        const jrn_combo *p = &pS->a[pS->aSlot[j] - 1];
        if (memcmp(p->aLabel, aLabel, sizeof(p->aLabel)) == 0) {
            *piCombo = pS->aSlot[j] - 1;
            return SQLITE_OK;
        }
    }
    if (pS->n >= pS->nAlloc) {
        uint32_t nNew = pS->nAlloc ? pS->nAlloc * 2 : 64;
        jrn_combo *aNew = sqlite3_realloc64(pS->a, (sqlite3_uint64)nNew * sizeof(jrn_combo));
        if (!aNew) return SQLITE_NOMEM;
        pS->a = aNew;
        pS->nAlloc = nNew;
    }
    memset(&pS->a[pS->n], 0, sizeof(jrn_combo));
    memcpy(pS->a[pS->n].aLabel, aLabel, sizeof(pS->a[pS->n].aLabel));
    pS->aSlot[j] = pS->n + 1;
    *piCombo = pS->n++;
    return SQLITE_OK;
}

/* Combinations in the ORDER BY's order: its keys' ranks, one after another. */
static int jrnComboCmp(void *pCtx, uint32_t a, uint32_t b) {
    const jrn_combo_set *pS = pCtx;
    for (int i = 0; i < 3; i++) {
        int k = (pS->code >> (2 * i)) & 3;
        if (k == JRN_KEY_END) break;
        uint32_t ra = pS->a[a].aRank[k - 1], rb = pS->a[b].aRank[k - 1];
        if (ra != rb) return ra < rb ? -1 : 1;
    }
    return 0;
}

/*
** Put first_program's users in the order of the ORDER BY keys in code
** (rule 10): shape each user once for its combination of labels, rank the
** labels by name, sort the (few) combinations, then place the users by a
** counting sort over them, in user_id order within each.
*/
static int jrnOrderUsers(jrn_cursor *pCur, int code) {
    const lp_data *pD = pCur->it.pData;
    lp_shaper *pSh = &pCur->sh;
    jrn_combo_set S;
    uint32_t *aCombo = NULL, *aLabelRank = NULL, *aSegRank = NULL, *aAt = NULL;
    uint32_t n = pD->nUser, i, nKept = 0;
    int rc = SQLITE_OK;

    memset(&S, 0, sizeof(S));
    S.code = code;
    aCombo = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aCombo) return SQLITE_NOMEM;
    for (i = 0; i < n && rc == SQLITE_OK; i++) {
        int keep;
        aCombo[i] = LP_NONE;
        rc = learnpath_shape_user(pSh, LP_USER_AT(pD, i), &keep);
        if (rc || !keep) continue;
        /* only the keys asked: users alike in them stay in user_id order */
        uint32_t aLabel[3] = {0, 0, 0};
        for (int j = 0; j < 3 && (code >> (2 * j)) & 3; j++) {
            int k = (code >> (2 * j)) & 3;
            aLabel[k - 1] = k == JRN_KEY_SEGMENT   ? pSh->segment
                            : k == JRN_KEY_PROGRAM ? pSh->aStep[0].label
                            : pSh->nStep > 1       ? pSh->aStep[1].label
                                                   : LP_NONE;
        }
        rc = jrnComboFor(&S, aLabel, &aCombo[i]);
        if (rc == SQLITE_OK) S.a[aCombo[i]].nUser++;
        nKept++;
    }
    /* the labels' ranks; the tie groups are all known once every user is shaped */
    trn_names labels = {pSh, NULL}, segs = {NULL, &pD->segments};
    if (rc == SQLITE_OK) rc = trnRanks(&labels, pD->programs.n + pSh->groups.n, 1, &aLabelRank);
    if (rc == SQLITE_OK) rc = trnRanks(&segs, pD->segments.n, 1, &aSegRank);
    if (rc == SQLITE_OK) {
        for (uint32_t c = 0; c < S.n; c++) {
            jrn_combo *p = &S.a[c];
            for (int j = 0; j < 3 && (code >> (2 * j)) & 3; j++) {
                int k = (code >> (2 * j)) & 3;
                uint32_t L = p->aLabel[k - 1];
                p->aRank[k - 1] = L == LP_NONE           ? 0
                                  : k == JRN_KEY_SEGMENT ? aSegRank[L] + 1
                                                         : aLabelRank[trnLabelIndex(pD, L)] + 1;
            }
        }
        rc = learnpath_sort_index(S.n, jrnComboCmp, &S, &aAt);
    }
    if (rc == SQLITE_OK) {
        /* combinations alike in every key asked (equal texts) are one class;
        ** each class's first place (reusing aAt: class -> next place) */
        uint32_t nBefore = 0, nClass = 0, iPrev = 0;
        for (uint32_t c = 0; c < S.n; c++) {
            uint32_t iCombo = aAt[c]; /* aAt[c] is free once read */
            if (c == 0 || jrnComboCmp(&S, iPrev, iCombo) != 0) aAt[nClass++] = nBefore;
            S.a[iCombo].iClass = nClass - 1;
            nBefore += S.a[iCombo].nUser;
            iPrev = iCombo;
        }
        pCur->aPerm = sqlite3_malloc64((sqlite3_uint64)(nKept ? nKept : 1) * sizeof(uint32_t));
        if (!pCur->aPerm) rc = SQLITE_NOMEM;
        if (rc == SQLITE_OK && nKept < n) {
            pCur->aKept = sqlite3_malloc64((sqlite3_uint64)(nKept ? nKept : 1) * sizeof(uint32_t));
            if (!pCur->aKept) rc = SQLITE_NOMEM;
        }
    }
    if (rc == SQLITE_OK) {
        /* the kept users in user_id order, by their number there (the
        ** rowid the same user has in any order), into their class's places */
        uint32_t k = 0;
        for (i = 0; i < n; i++) {
            if (aCombo[i] == LP_NONE) continue;
            if (pCur->aKept) pCur->aKept[k] = LP_USER_AT(pD, i);
            pCur->aPerm[aAt[S.a[aCombo[i]].iClass]++] = k++;
        }
        pCur->nPerm = nKept;
        pCur->iPerm = (uint32_t)-1;
        rc = jrnAdvance(pCur, NULL);
    }
    sqlite3_free(aCombo);
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    sqlite3_free(aAt);
    sqlite3_free(S.a);
    sqlite3_free(S.aSlot);
    return rc;
}

/*
** program_transitions and first_program_stats: the memo of the same shaping
** on the same data if there is one, else compute the rows and keep them as
** a memo with the data (not when streaming: that data is one user's). One
** pass computes both functions, per segment and over all users, so the
** other queries of a report on the same source find theirs ready.
*/
static int jrnAggregate(jrn_cursor *pCur, jrn_kind_id eKind, char **pzErr) {
    lp_data *pD = pCur->it.pData;
    int isStream = pCur->it.pStream != NULL;
    int iAgg = TRN_AGG(eKind == JRN_STATS, pCur->sh.ignoreSegments || pD->aSeg == NULL);
    jrn_memo *pMemo;
    int rc;
    for (pMemo = isStream ? NULL : pD->pMemo; pMemo; pMemo = pMemo->pNext) {
        if (jrnShapeSpecEq(&pMemo->shape, &pCur->shape)) break;
    }
    if (pMemo == NULL) {
        pMemo = sqlite3_malloc64(sizeof(*pMemo));
        if (!pMemo) return SQLITE_NOMEM;
        memset(pMemo, 0, sizeof(*pMemo));
        /* the aggregates to compute: the one asked for, or (kept with the
        ** data) every one this data has */
        unsigned mask = isStream ? 1u << iAgg
                        : pD->aSeg ? 0xfu
                                   : (1u << TRN_AGG(0, 1)) | (1u << TRN_AGG(1, 1));
        pCur->sh.ignoreSegments = 0; /* the aggregates over all users ignore them */
        rc = trnBuild(pCur, mask, pMemo->aaRow, pMemo->anRow, pzErr);
        if (rc) {
            pMemo->nRef = 1;
            jrnMemoUnref(pMemo); /* the shaper stays with the cursor */
            return rc;
        }
        pMemo->shape = pCur->shape;
        pMemo->sh = pCur->sh; /* the memo takes the shaper and the rows */
        pMemo->sh.pSpec = &pMemo->shape;
        memset(&pCur->sh, 0, sizeof(pCur->sh));
        pCur->hasShaper = 0;
        pMemo->nRef = 1;
        if (!isStream) {
            /* the data keeps a reference too */
            pMemo->nRef++;
            pMemo->pNext = pD->pMemo;
            pD->pMemo = pMemo;
            pD->xMemoFree = jrnMemoListFree;
        }
    } else {
        pMemo->nRef++;
    }
    pCur->pMemo = pMemo;
    pCur->aRow = pMemo->aaRow[iAgg];
    pCur->nRow = pMemo->anRow[iAgg];
    pCur->pLabels = &pMemo->sh;
    return SQLITE_OK;
}

static int jrnFilter(sqlite3_vtab_cursor *pCursor, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    char *zErr = NULL;
    int rc, k = 0;
    (void)idxStr;

    jrnCursorReset(pCur);
    for (int j = 0; j < JRN_NARG; j++) {
        if (!(idxNum & (1 << j)) || k >= argc) continue;
        pCur->apArg[j] = sqlite3_value_dup(argv[k++]);
        if (!pCur->apArg[j]) return SQLITE_NOMEM;
    }
    rc = jrnParams(pTab, pCur);
    if (rc) return rc;

    if (pTab->pConn->nDepth >= JRN_MAX_DEPTH) {
        return learnpath_vtab_error(&pTab->base,
                                    "%s(): source '%s' nests learnpath functions more than %d "
                                    "deep (does a view read itself?)",
                                    pCur->src.zFunc, pCur->src.zSource, JRN_MAX_DEPTH);
    }
    if (pTab->eKind == JRN_PROFILE) pCur->src.skipBadTimes = 1; /* count, never fail */
    pTab->pConn->nDepth++;
    rc = learnpath_users_open(pTab->db, pTab->pConn, &pCur->src, &pCur->it, &zErr);
    if (rc == SQLITE_OK) {
        rc = learnpath_shaper_init(&pCur->sh, pCur->it.pData, &pCur->shape);
        pCur->hasShaper = 1;
        /* cached data read with a segment column serves a query without */
        pCur->sh.ignoreSegments = pCur->src.zSegmentCol == NULL;
    }
    if (rc == SQLITE_OK) {
        pCur->isLazy = (pTab->eKind == JRN_FIRST || pTab->eKind == JRN_JOURNEYS) &&
                       !pCur->shape.hasSince && !pCur->shape.hasUntil;
        if (pTab->eKind == JRN_TRANSITIONS || pTab->eKind == JRN_STATS) {
            rc = jrnAggregate(pCur, pTab->eKind, &zErr);
        } else if (pTab->eKind == JRN_PROFILE) {
            rc = profBuild(pCur, &zErr);
        } else {
            int code = pTab->eKind == JRN_FIRST ? (idxNum >> JRN_ORDER_SHIFT) & 0x3f : 0;
            if (code && pCur->it.pStream) {
                /* the budget was set after the statement was prepared */
                learnpath_shaper_free(&pCur->sh);
                pCur->hasShaper = 0;
                learnpath_users_close(&pCur->it);
                rc = jrnSortedOpen(pTab, pCur, code);
            } else {
                if (code) rc = jrnOrderUsers(pCur, code);
                if (rc == SQLITE_OK) rc = jrnSeekUser(pCur, &zErr);
            }
        }
    }
    pTab->pConn->nDepth--;
    if (rc != SQLITE_OK) {
        if (zErr) {
            sqlite3_free(pTab->base.zErrMsg);
            pTab->base.zErrMsg = zErr;
        }
        jrnCursorReset(pCur);
        return rc;
    }
    return SQLITE_OK;
}

static int jrnEof(sqlite3_vtab_cursor *pCursor) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    if (JRN_IS_AGGREGATE(pTab->eKind)) return pCur->iRow >= pCur->nRow;
    if (pCur->pSorted) return pCur->isSortedEof;
    return pCur->it.pData == NULL || pCur->it.eof;
}

static int jrnNext(sqlite3_vtab_cursor *pCursor) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    pCur->iRowid++;
    if (pCur->pSorted) return jrnSortedStep(pTab, pCur);
    if (JRN_IS_AGGREGATE(pTab->eKind)) {
        pCur->iRow++;
        return SQLITE_OK;
    }
    if (pTab->eKind == JRN_STEPS && ++pCur->iStep < pCur->sh.nStep) return SQLITE_OK;
    pCur->iStep = 0;
    if (pCur->isLazy && pCur->it.pStream == NULL && pCur->aPerm == NULL) {
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
    char *zErr = NULL;
    pTab->pConn->nDepth++;
    int rc = jrnAdvance(pCur, &zErr);
    if (rc == SQLITE_OK) rc = jrnSeekUser(pCur, &zErr);
    pTab->pConn->nDepth--;
    if (zErr) {
        sqlite3_free(pTab->base.zErrMsg);
        pTab->base.zErrMsg = zErr;
    }
    return rc;
}

static int jrnRowid(sqlite3_vtab_cursor *pCursor, sqlite3_int64 *pRowid) {
    *pRowid = ((jrn_cursor *)pCursor)->iRowid + 1;
    return SQLITE_OK;
}

/* ------------------------------------------------------------- columns */

static void jrnResultKey(sqlite3_context *ctx, const lp_data *pD, const lp_key *k) {
    switch (k->eType) {
        case SQLITE_INTEGER:
            sqlite3_result_int64(ctx, k->v.i);
            break;
        case SQLITE_FLOAT:
            sqlite3_result_double(ctx, k->isIntegral ? (double)k->v.i : k->v.r);
            break;
        case SQLITE_TEXT:
            sqlite3_result_text(ctx, pD->aKeyByte + k->v.off, k->n, SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_result_blob(ctx, pD->aKeyByte + k->v.off, k->n, SQLITE_TRANSIENT);
            break;
    }
}

static void jrnResultLabel(sqlite3_context *ctx, const lp_shaper *pSh, uint32_t label) {
    int n;
    const char *z;
    if (label == LP_NONE) return; /* NULL */
    z = learnpath_label(pSh, label, &n);
    sqlite3_result_text(ctx, z, n, SQLITE_TRANSIENT);
}

static void jrnResultSegment(sqlite3_context *ctx, const lp_data *pD, uint32_t seg) {
    if (seg == LP_NONE) return; /* NULL */
    sqlite3_result_text(ctx, LP_STR(&pD->segments, seg), LP_STRLEN(&pD->segments, seg),
                        SQLITE_TRANSIENT);
}

static void jrnResultTime(sqlite3_context *ctx, int64_t ms) {
    char zBuf[LP_TIME_BUFSZ];
    learnpath_format_time(ms, zBuf);
    sqlite3_result_text(ctx, zBuf, -1, SQLITE_TRANSIENT);
}

static void jrnResultDays(sqlite3_context *ctx, int64_t msFrom, int64_t msTo) {
    sqlite3_result_double(ctx, (double)(msTo - msFrom) / LP_MS_PER_DAY);
}

/* program_journeys.path: programs joined by ' > '. */
static void jrnResultPath(sqlite3_context *ctx, const lp_shaper *pSh) {
    sqlite3_str *pStr = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    char *z;
    int n, rc;
    for (uint32_t k = 0; k < pSh->nStep; k++) {
        int nLabel;
        const char *zLabel = learnpath_label(pSh, pSh->aStep[k].label, &nLabel);
        if (k) sqlite3_str_append(pStr, " > ", 3);
        sqlite3_str_append(pStr, zLabel, nLabel);
    }
    n = sqlite3_str_length(pStr);
    rc = sqlite3_str_errcode(pStr);
    z = sqlite3_str_finish(pStr);
    if (rc == SQLITE_NOMEM || (z == NULL && n > 0)) {
        sqlite3_free(z);
        sqlite3_result_error_nomem(ctx);
    } else if (rc) {
        sqlite3_free(z);
        sqlite3_result_error_toobig(ctx);
    } else {
        sqlite3_result_text(ctx, z ? z : "", n, z ? sqlite3_free : SQLITE_STATIC);
    }
}

static void jrnColumnUser(jrn_cursor *pCur, jrn_kind_id eKind, sqlite3_context *ctx, int i) {
    const lp_data *pD = pCur->it.pData;
    const lp_shaper *pSh = &pCur->sh;
    const lp_step *aS = pSh->aStep;
    uint32_t n = pSh->nStep;
    if (i == 0) {
        jrnResultKey(ctx, pD, &pD->aKey[pCur->it.u]);
        return;
    }
    if (i == 1) {
        jrnResultSegment(ctx, pD, pSh->segment);
        return;
    }
    switch (eKind) {
        case JRN_FIRST:
            switch (i) {
                case 2: jrnResultLabel(ctx, pSh, aS[0].label); break;
                case 3: jrnResultTime(ctx, aS[0].t); break;
                case 4: sqlite3_result_int(ctx, pSh->tied); break;
                case 5: jrnResultLabel(ctx, pSh, n > 1 ? aS[1].label : LP_NONE); break;
                case 6:
                    if (n > 1) jrnResultDays(ctx, aS[0].t, aS[1].t);
                    break;
                case 7: sqlite3_result_int64(ctx, n); break;
                default: sqlite3_result_int64(ctx, pSh->nProgram); break;
            }
            break;
        case JRN_JOURNEYS:
            switch (i) {
                case 2: sqlite3_result_int64(ctx, n); break;
                case 3: sqlite3_result_int64(ctx, pSh->nProgram); break;
                case 4: jrnResultPath(ctx, pSh); break;
                case 5: jrnResultLabel(ctx, pSh, aS[0].label); break;
                case 6: jrnResultTime(ctx, aS[0].t); break;
                case 7: jrnResultLabel(ctx, pSh, aS[n - 1].label); break;
                default: jrnResultTime(ctx, aS[n - 1].t); break;
            }
            break;
        default: /* JRN_STEPS */
            switch (i) {
                case 2: sqlite3_result_int64(ctx, (int64_t)pCur->iStep + 1); break;
                case 3: jrnResultLabel(ctx, pSh, aS[pCur->iStep].label); break;
                case 4: jrnResultTime(ctx, aS[pCur->iStep].t); break;
                default:
                    if (pCur->iStep > 0) jrnResultDays(ctx, aS[pCur->iStep - 1].t, aS[pCur->iStep].t);
                    break;
            }
            break;
    }
}

static void jrnColumnTransition(jrn_cursor *pCur, sqlite3_context *ctx, int i) {
    const trn_row *pR = &pCur->aRow[pCur->iRow];
    switch (i) {
        case 0: jrnResultSegment(ctx, pCur->it.pData, pR->segment); break;
        case 1: sqlite3_result_int64(ctx, pR->step); break;
        case 2: jrnResultLabel(ctx, pCur->pLabels, pR->from); break;
        case 3: jrnResultLabel(ctx, pCur->pLabels, pR->to); break;
        case 4: sqlite3_result_int64(ctx, pR->users); break;
        case 5: sqlite3_result_double(ctx, (double)pR->users / (double)pR->groupUsers); break;
        case 6:
            if (pR->nDays) sqlite3_result_double(ctx, trnMeanDays(pR));
            break;
        case 7:
            if (pR->nDays) sqlite3_result_double(ctx, pR->medianDays);
            break;
        case 8: sqlite3_result_int(ctx, (pR->from & LP_GROUP_BIT) != 0); break;
        default: /* to_tied: NULL when the users did not continue */
            if (pR->to != LP_NONE) sqlite3_result_int(ctx, (pR->to & LP_GROUP_BIT) != 0);
            break;
    }
}

static int jrnColumn(sqlite3_vtab_cursor *pCursor, sqlite3_context *ctx, int i) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    int nOut = pTab->pKind->nOut;
    if (i >= nOut) {
        int j = i - nOut;
        if (pCur->apArg[j]) {
            sqlite3_result_value(ctx, pCur->apArg[j]);
        } else if (azArgDefault[j]) {
            sqlite3_result_text(ctx, azArgDefault[j], -1, SQLITE_STATIC);
        }
        return SQLITE_OK;
    }
    if (pTab->eKind == JRN_TRANSITIONS) {
        jrnColumnTransition(pCur, ctx, i);
    } else if (pTab->eKind == JRN_STATS) {
        const trn_row *pR = &pCur->aRow[pCur->iRow];
        switch (i) {
            case 0: jrnResultSegment(ctx, pCur->it.pData, pR->segment); break;
            case 1: jrnResultLabel(ctx, pCur->pLabels, pR->from); break;
            case 2:
                /* a tie group (rule 4); NULL on the segment's total row */
                if (pR->from != LP_NONE) sqlite3_result_int(ctx, (pR->from & LP_GROUP_BIT) != 0);
                break;
            case 3: sqlite3_result_int64(ctx, pR->users); break;
            case 4: sqlite3_result_double(ctx, (double)pR->users / (double)pR->groupUsers); break;
            case 5: sqlite3_result_int64(ctx, pR->nDays); break;
            case 6: sqlite3_result_double(ctx, (double)pR->nDays / (double)pR->users); break;
            case 7:
                if (pR->nDays) sqlite3_result_double(ctx, trnMeanDays(pR));
                break;
            default:
                if (pR->nDays) sqlite3_result_double(ctx, pR->medianDays);
                break;
        }
    } else if (pTab->eKind == JRN_PROFILE) {
        const prof_row *pR = &pCur->aProf[pCur->iRow];
        if (i == 0) {
            sqlite3_result_text(ctx, pR->zFinding, -1, SQLITE_STATIC);
        } else if (i == 1) {
            if (pR->zValue) {
                sqlite3_result_text(ctx, pR->zValue, -1, SQLITE_TRANSIENT);
            } else if (strcmp(pR->zFinding, "first_time") && strcmp(pR->zFinding, "last_time")) {
                sqlite3_result_int64(ctx, pR->iValue);
            }
        } else if (pR->zDetail) {
            sqlite3_result_text(ctx, pR->zDetail, -1, SQLITE_TRANSIENT);
        }
    } else if (pCur->pSorted) {
        sqlite3_result_value(ctx, sqlite3_column_value(pCur->pSorted, i + 1));
    } else {
        if (pCur->isLazy && !pCur->isShaped) {
            int keep, rc = learnpath_shape_user(&pCur->sh, pCur->it.u, &keep);
            if (rc) return rc;
            pCur->isShaped = 1;
        }
        jrnColumnUser(pCur, pTab->eKind, ctx, i);
    }
    return SQLITE_OK;
}

/* ------------------------------------------------------------ modules */

/* xCreate is left NULL: that makes each table eponymous-only. */
#define JRN_MODULE(NAME, CONNECT)                                                           \
    static const sqlite3_module NAME = {                                                    \
        .iVersion = 0,                                                                      \
        .xConnect = CONNECT,                                                                \
        .xBestIndex = jrnBestIndex,                                                         \
        .xDisconnect = jrnDisconnect,                                                       \
        .xOpen = jrnOpen,                                                                   \
        .xClose = jrnClose,                                                                 \
        .xFilter = jrnFilter,                                                               \
        .xNext = jrnNext,                                                                   \
        .xEof = jrnEof,                                                                     \
        .xColumn = jrnColumn,                                                               \
        .xRowid = jrnRowid,                                                                 \
    };

JRN_MODULE(jrnFirstModule, jrnConnectFirst)
JRN_MODULE(jrnJourneysModule, jrnConnectJourneys)
JRN_MODULE(jrnStepsModule, jrnConnectSteps)
JRN_MODULE(jrnTransitionsModule, jrnConnectTransitions)
JRN_MODULE(jrnProfileModule, jrnConnectProfile)
JRN_MODULE(jrnStatsModule, jrnConnectStats)

int learnpath_register_journeys(sqlite3 *db, lp_conn *pConn, void (*xFree)(void *)) {
    static const struct {
        const char *zName;
        const sqlite3_module *pModule;
    } aMod[] = {
        {"first_program", &jrnFirstModule},
        {"program_journeys", &jrnJourneysModule},
        {"program_steps", &jrnStepsModule},
        {"program_transitions", &jrnTransitionsModule},
        {"enrollment_profile", &jrnProfileModule},
        {"first_program_stats", &jrnStatsModule},
    };
    /* The first module owns pConn: SQLite frees it with that module (at
    ** once if its registration fails), so no module ever outlives it. */
    int rc = sqlite3_create_module_v2(db, aMod[0].zName, aMod[0].pModule, pConn, xFree);
    for (size_t i = 1; i < sizeof(aMod) / sizeof(aMod[0]) && rc == SQLITE_OK; i++) {
        rc = sqlite3_create_module_v2(db, aMod[i].zName, aMod[i].pModule, pConn, 0);
    }
    return rc;
}
