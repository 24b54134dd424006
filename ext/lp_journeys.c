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
** Each hidden column reads back the value in effect.
**
** HOW IT WORKS
**   xBestIndex takes every usable '=' constraint on a hidden column (the
**   first one of each), gives them argvIndex 1..n in column order and sets
**   bit i of idxNum for hidden column i:
**       idxNum bit 0 source, 1 user_col, 2 program_col, 3 time_col,
**       4 segment_col, 5 since, 6 until, 7 within_days, 8 ties, 9 repeats
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

typedef enum { JRN_FIRST, JRN_JOURNEYS, JRN_STEPS, JRN_TRANSITIONS } jrn_kind_id;

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
     "share REAL,avg_days REAL,median_days REAL",
     8},
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
    JRN_NARG
};

static const char *const azArgName[JRN_NARG] = {
    "source", "user_col", "program_col", "time_col", "segment_col",
    "since",  "until",    "within_days", "ties",     "repeats"};

/* Value read back from a hidden column when the argument is absent. */
static const char *const azArgDefault[JRN_NARG] = {
    NULL, "user_id", "program", "enrolled_at", NULL, NULL, NULL, NULL, "group", "collapse"};

/* ------------------------------------------------------------- structs */

typedef struct jrn_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    lp_conn *pConn;
    const jrn_kind *pKind;
    jrn_kind_id eKind;
} jrn_vtab;

/* One row of program_transitions. */
typedef struct trn_row {
    uint32_t segment, from, to; /* labels; segment/to may be LP_NONE */
    uint32_t segRank, fromRank, toRank;
    int64_t step;
    int64_t users;
    int64_t groupUsers; /* users at this step with this from, in this segment */
    int64_t nDays;      /* transitions with a next step (= users unless to NULL) */
    double sumDays;
    double medianDays;
    int64_t iDay;       /* first of this row's gaps in the gap array */
} trn_row;

typedef struct jrn_cursor {
    sqlite3_vtab_cursor base;
    sqlite3_value *apArg[JRN_NARG]; /* copies of the arguments given */
    lp_journeys J;
    trn_row *aRow;                  /* program_transitions */
    int64_t nRow;
    int64_t iUser;                  /* per-user kinds: current user */
    int64_t iStep;                  /* program_steps: step within the user */
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
        "repeats HIDDEN)",
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

static int jrnDisconnect(sqlite3_vtab *pVtab) {
    sqlite3_free(pVtab);
    return SQLITE_OK;
}

/* ------------------------------------------------------------ planning */

/* See the idxNum layout in the header comment. */
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

/* Release everything a previous xFilter left (rule of reentrancy 2). */
static void jrnCursorReset(jrn_cursor *pCur) {
    for (int j = 0; j < JRN_NARG; j++) {
        sqlite3_value_free(pCur->apArg[j]);
        pCur->apArg[j] = NULL;
    }
    learnpath_journeys_free(&pCur->J);
    sqlite3_free(pCur->aRow);
    pCur->aRow = NULL;
    pCur->nRow = 0;
    pCur->iUser = pCur->iStep = pCur->iRow = 0;
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

/* Read since/until (rule 7). */
static int jrnTimeArg(jrn_vtab *pTab, sqlite3_value *pVal, int j, int *pHas, int64_t *pMs) {
    lp_time_status eStatus;
    int rc;
    *pHas = 0;
    if (pVal == NULL || sqlite3_value_type(pVal) == SQLITE_NULL) return SQLITE_OK;
    rc = learnpath_parse_time_value(pVal, &eStatus, pMs);
    if (rc) return rc;
    if (eStatus != LP_TIME_OK) {
        const char *z = (const char *)sqlite3_value_text(pVal);
        if (!z) return SQLITE_NOMEM;
        return learnpath_vtab_error(&pTab->base, "%s(): %s: unreadable time '%.80q'",
                                    pTab->pKind->zName, azArgName[j], z);
    }
    *pHas = 1;
    return SQLITE_OK;
}

/* Check every argument and fill *p. */
static int jrnParams(jrn_vtab *pTab, jrn_cursor *pCur, lp_params *p) {
    const char *zFunc = pTab->pKind->zName;
    const char *zTies, *zRepeats;
    sqlite3_value *pVal;
    int rc;

    memset(p, 0, sizeof(*p));
    p->zFunc = zFunc;
    if (pCur->apArg[ARG_SOURCE] == NULL) {
        return learnpath_vtab_error(&pTab->base, "%s(): missing required argument 'source'", zFunc);
    }
    if ((rc = jrnNameArg(pTab, pCur, ARG_SOURCE, &p->zSource)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_USER_COL, &p->zUserCol)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_PROGRAM_COL, &p->zProgramCol)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_TIME_COL, &p->zTimeCol)) != 0) return rc;
    if ((rc = jrnNameArg(pTab, pCur, ARG_SEGMENT_COL, &p->zSegmentCol)) != 0) return rc;
    rc = jrnTimeArg(pTab, pCur->apArg[ARG_SINCE], ARG_SINCE, &p->hasSince, &p->since);
    if (rc) return rc;
    rc = jrnTimeArg(pTab, pCur->apArg[ARG_UNTIL], ARG_UNTIL, &p->hasUntil, &p->until);
    if (rc) return rc;

    pVal = pCur->apArg[ARG_WITHIN_DAYS];
    if (pVal && sqlite3_value_type(pVal) != SQLITE_NULL) {
        int eNum = sqlite3_value_numeric_type(pVal);
        double r = sqlite3_value_double(pVal);
        if ((eNum != SQLITE_INTEGER && eNum != SQLITE_FLOAT) || !(r >= 0.0) || r > 1e9) {
            const char *z = (const char *)sqlite3_value_text(pVal);
            if (!z) return SQLITE_NOMEM;
            return learnpath_vtab_error(&pTab->base,
                                        "%s(): within_days must be a number of days >= 0, not '%.80q'",
                                        zFunc, z);
        }
        p->hasWithin = 1;
        p->withinDays = r;
    }

    zTies = azArgDefault[ARG_TIES];
    pVal = pCur->apArg[ARG_TIES];
    if (pVal) {
        zTies = (const char *)sqlite3_value_text(pVal);
        if (!zTies && sqlite3_value_type(pVal) != SQLITE_NULL) return SQLITE_NOMEM;
    }
    if (zTies && sqlite3_stricmp(zTies, "group") == 0) {
        p->ties = LP_TIES_GROUP;
    } else if (zTies && sqlite3_stricmp(zTies, "name") == 0) {
        p->ties = LP_TIES_NAME;
    } else {
        return learnpath_vtab_error(&pTab->base, "%s(): ties must be 'group' or 'name', not %s%.80q%s",
                                    zFunc, zTies ? "'" : "", zTies ? zTies : "NULL", zTies ? "'" : "");
    }

    zRepeats = azArgDefault[ARG_REPEATS];
    pVal = pCur->apArg[ARG_REPEATS];
    if (pVal) {
        zRepeats = (const char *)sqlite3_value_text(pVal);
        if (!zRepeats && sqlite3_value_type(pVal) != SQLITE_NULL) return SQLITE_NOMEM;
    }
    if (zRepeats && sqlite3_stricmp(zRepeats, "collapse") == 0) {
        p->repeats = LP_REPEATS_COLLAPSE;
    } else if (zRepeats && sqlite3_stricmp(zRepeats, "keep") == 0) {
        p->repeats = LP_REPEATS_KEEP;
    } else if (zRepeats && sqlite3_stricmp(zRepeats, "first_only") == 0) {
        p->repeats = LP_REPEATS_FIRST_ONLY;
    } else {
        return learnpath_vtab_error(
            &pTab->base, "%s(): repeats must be 'collapse', 'keep' or 'first_only', not %s%.80q%s",
            zFunc, zRepeats ? "'" : "", zRepeats ? zRepeats : "NULL", zRepeats ? "'" : "");
    }
    return SQLITE_OK;
}

/* ------------------------------------------------- program_transitions */

/* Names of labels and segments in name order, for sorting rows. */
static int trnRanks(const lp_strtab *pTab, uint32_t **paRank) {
    uint32_t n = pTab->n;
    uint32_t *aIdx, *aRank;
    *paRank = NULL;
    aIdx = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    aRank = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aIdx || !aRank) {
        sqlite3_free(aIdx);
        sqlite3_free(aRank);
        return SQLITE_NOMEM;
    }
    /* bottom-up merge sort of the indexes by name */
    for (uint32_t i = 0; i < n; i++) aIdx[i] = i;
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t a = lo, b = mid, k = lo;
            while (a < mid || b < hi) {
                int takeA;
                if (a >= mid) {
                    takeA = 0;
                } else if (b >= hi) {
                    takeA = 1;
                } else {
                    takeA = learnpath_bytes_cmp(LP_STR(pTab, aIdx[a]), LP_STRLEN(pTab, aIdx[a]),
                                                LP_STR(pTab, aIdx[b]),
                                                LP_STRLEN(pTab, aIdx[b])) <= 0;
                }
                aRank[k++] = takeA ? aIdx[a++] : aIdx[b++];
            }
        }
        memcpy(aIdx, aRank, (size_t)n * sizeof(uint32_t));
    }
    for (uint32_t i = 0; i < n; i++) aRank[aIdx[i]] = i;
    sqlite3_free(aIdx);
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

/* Median of a[0..n) (n > 0) in ms, reordering a. */
static double trnMedian(int64_t *a, int64_t n) {
    int64_t hi = trnSelect(a, n, n / 2);
    if (n % 2) return (double)hi;
    /* after selection every a[0..n/2) <= hi; the lower middle is their max */
    int64_t lo = a[0];
    for (int64_t i = 1; i < n / 2; i++) {
        if (a[i] > lo) lo = a[i];
    }
    return ((double)lo + (double)hi) / 2.0;
}

/* Aggregate the journeys into transition rows (rule 9). */
static int trnBuild(jrn_cursor *pCur) {
    lp_journeys *pJ = &pCur->J;
    uint32_t *aSlot = NULL, *aStepRow = NULL, *aLabelRank = NULL, *aSegRank = NULL;
    int64_t *aDay = NULL, *aFill = NULL;
    uint64_t nSlot = 1024;
    int64_t nRowAlloc = 0;
    int rc = SQLITE_NOMEM;

    while (nSlot < 2 * (uint64_t)pJ->nStep + 2) nSlot *= 2;
    if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
    aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    aStepRow = sqlite3_malloc64((sqlite3_uint64)(pJ->nStep ? pJ->nStep : 1) * sizeof(uint32_t));
    if (!aSlot || !aStepRow) goto done;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    if (trnRanks(&pJ->labels, &aLabelRank) || trnRanks(&pJ->segments, &aSegRank)) goto done;

    /* pass 1: one row per (segment, step, from, to); count users and days */
    for (uint32_t u = 0; u < pJ->nUser; u++) {
        const lp_user *pU = &pJ->aUser[u];
        for (uint32_t k = 0; k < pU->nStep; k++) {
            const lp_step *pS = &pJ->aStep[pU->iStep + k];
            uint32_t to = k + 1 < pU->nStep ? pS[1].label : LP_NONE;
            uint32_t h = trnHash(pU->segment, k, pS->label, to);
            uint32_t j = h & (nSlot - 1);
            trn_row *pRow = NULL;
            while (aSlot[j]) {
                trn_row *pR = &pCur->aRow[aSlot[j] - 1];
                if (pR->segment == pU->segment && pR->step == k + 1 && pR->from == pS->label &&
                    pR->to == to) {
                    pRow = pR;
                    break;
                }
                j = (j + 1) & (nSlot - 1);
            }
            if (pRow == NULL) {
                if (pCur->nRow >= nRowAlloc) {
                    int64_t nNew = nRowAlloc ? nRowAlloc * 2 : 64;
                    trn_row *aNew = sqlite3_realloc64(pCur->aRow, (sqlite3_uint64)nNew * sizeof(trn_row));
                    if (!aNew) goto done;
                    pCur->aRow = aNew;
                    nRowAlloc = nNew;
                }
                pRow = &pCur->aRow[pCur->nRow++];
                memset(pRow, 0, sizeof(*pRow));
                pRow->segment = pU->segment;
                pRow->step = k + 1;
                pRow->from = pS->label;
                pRow->to = to;
                pRow->segRank = pU->segment == LP_NONE ? 0 : aSegRank[pU->segment] + 1;
                pRow->fromRank = aLabelRank[pS->label];
                pRow->toRank = to == LP_NONE ? 0 : aLabelRank[to] + 1;
                aSlot[j] = (uint32_t)pCur->nRow;
            }
            pRow->users++;
            if (to != LP_NONE) {
                pRow->nDays++;
                pRow->sumDays += (double)(pS[1].t - pS->t) / LP_MS_PER_DAY;
            }
            aStepRow[pU->iStep + k] = (uint32_t)(pRow - pCur->aRow);
        }
    }

    /* pass 2: gather each row's gaps and take their median */
    int64_t nDay = 0;
    for (int64_t r = 0; r < pCur->nRow; r++) {
        pCur->aRow[r].iDay = nDay;
        nDay += pCur->aRow[r].nDays;
    }
    aDay = sqlite3_malloc64((sqlite3_uint64)(nDay ? nDay : 1) * sizeof(int64_t));
    aFill = sqlite3_malloc64((sqlite3_uint64)(pCur->nRow ? pCur->nRow : 1) * sizeof(int64_t));
    if (!aDay || !aFill) goto done;
    for (int64_t r = 0; r < pCur->nRow; r++) aFill[r] = pCur->aRow[r].iDay;
    for (uint32_t u = 0; u < pJ->nUser; u++) {
        const lp_user *pU = &pJ->aUser[u];
        for (uint32_t k = 0; k + 1 < pU->nStep; k++) {
            const lp_step *pS = &pJ->aStep[pU->iStep + k];
            aDay[aFill[aStepRow[pU->iStep + k]]++] = pS[1].t - pS->t;
        }
    }
    for (int64_t r = 0; r < pCur->nRow; r++) {
        trn_row *pR = &pCur->aRow[r];
        if (pR->nDays) pR->medianDays = trnMedian(aDay + pR->iDay, pR->nDays) / LP_MS_PER_DAY;
    }

    /* group totals for share, then the output order */
    qsort(pCur->aRow, (size_t)pCur->nRow, sizeof(trn_row), trnGroupCmp);
    for (int64_t r = 0; r < pCur->nRow;) {
        int64_t e = r, total = 0;
        while (e < pCur->nRow && pCur->aRow[e].segRank == pCur->aRow[r].segRank &&
               pCur->aRow[e].step == pCur->aRow[r].step &&
               pCur->aRow[e].fromRank == pCur->aRow[r].fromRank) {
            total += pCur->aRow[e].users;
            e++;
        }
        for (int64_t i = r; i < e; i++) pCur->aRow[i].groupUsers = total;
        r = e;
    }
    qsort(pCur->aRow, (size_t)pCur->nRow, sizeof(trn_row), trnRowCmp);
    rc = SQLITE_OK;

done:
    sqlite3_free(aSlot);
    sqlite3_free(aStepRow);
    sqlite3_free(aLabelRank);
    sqlite3_free(aSegRank);
    sqlite3_free(aDay);
    sqlite3_free(aFill);
    return rc;
}

/* ---------------------------------------------------------- filter/scan */

static int jrnFilter(sqlite3_vtab_cursor *pCursor, int idxNum, const char *idxStr, int argc,
                     sqlite3_value **argv) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    lp_params params;
    char *zErr = NULL;
    int rc, k = 0;
    (void)idxStr;

    jrnCursorReset(pCur);
    for (int j = 0; j < JRN_NARG; j++) {
        if (!(idxNum & (1 << j)) || k >= argc) continue;
        pCur->apArg[j] = sqlite3_value_dup(argv[k++]);
        if (!pCur->apArg[j]) return SQLITE_NOMEM;
    }
    rc = jrnParams(pTab, pCur, &params);
    if (rc) return rc;

    if (pTab->pConn->nDepth >= JRN_MAX_DEPTH) {
        return learnpath_vtab_error(&pTab->base,
                                    "%s(): source '%s' nests learnpath functions more than %d "
                                    "deep (does a view read itself?)",
                                    params.zFunc, params.zSource, JRN_MAX_DEPTH);
    }
    pTab->pConn->nDepth++;
    rc = learnpath_journeys_build(pTab->db, &params, &pCur->J, &zErr);
    pTab->pConn->nDepth--;
    if (rc == SQLITE_OK && pTab->eKind == JRN_TRANSITIONS) rc = trnBuild(pCur);
    if (rc != SQLITE_OK) {
        if (zErr) {
            sqlite3_free(pTab->base.zErrMsg);
            pTab->base.zErrMsg = zErr;
        }
        learnpath_journeys_free(&pCur->J);
        sqlite3_free(pCur->aRow);
        pCur->aRow = NULL;
        pCur->nRow = 0;
        return rc;
    }
    return SQLITE_OK;
}

static int jrnEof(sqlite3_vtab_cursor *pCursor) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    if (pTab->eKind == JRN_TRANSITIONS) return pCur->iRow >= pCur->nRow;
    return pCur->iUser >= pCur->J.nUser;
}

static int jrnNext(sqlite3_vtab_cursor *pCursor) {
    jrn_cursor *pCur = (jrn_cursor *)pCursor;
    jrn_vtab *pTab = (jrn_vtab *)pCursor->pVtab;
    pCur->iRowid++;
    if (pTab->eKind == JRN_TRANSITIONS) {
        pCur->iRow++;
    } else if (pTab->eKind == JRN_STEPS) {
        if (++pCur->iStep >= pCur->J.aUser[pCur->iUser].nStep) {
            pCur->iStep = 0;
            pCur->iUser++;
        }
    } else {
        pCur->iUser++;
    }
    return SQLITE_OK;
}

static int jrnRowid(sqlite3_vtab_cursor *pCursor, sqlite3_int64 *pRowid) {
    *pRowid = ((jrn_cursor *)pCursor)->iRowid + 1;
    return SQLITE_OK;
}

/* ------------------------------------------------------------- columns */

static void jrnResultKey(sqlite3_context *ctx, const lp_key *k) {
    switch (k->eType) {
        case SQLITE_INTEGER:
            sqlite3_result_int64(ctx, k->iVal);
            break;
        case SQLITE_FLOAT:
            sqlite3_result_double(ctx, k->rVal);
            break;
        case SQLITE_TEXT:
            sqlite3_result_text(ctx, k->z, k->n, SQLITE_TRANSIENT);
            break;
        default:
            sqlite3_result_blob(ctx, k->z, k->n, SQLITE_TRANSIENT);
            break;
    }
}

static void jrnResultLabel(sqlite3_context *ctx, const lp_strtab *pTab, uint32_t i) {
    if (i == LP_NONE) {
        sqlite3_result_null(ctx);
    } else {
        sqlite3_result_text(ctx, LP_STR(pTab, i), LP_STRLEN(pTab, i), SQLITE_TRANSIENT);
    }
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
static void jrnResultPath(sqlite3_context *ctx, const lp_journeys *pJ, const lp_user *pU) {
    sqlite3_str *pStr = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    char *z;
    int n;
    for (uint32_t k = 0; k < pU->nStep; k++) {
        uint32_t L = pJ->aStep[pU->iStep + k].label;
        if (k) sqlite3_str_append(pStr, " > ", 3);
        sqlite3_str_append(pStr, LP_STR(&pJ->labels, L), LP_STRLEN(&pJ->labels, L));
    }
    n = sqlite3_str_length(pStr);
    if (sqlite3_str_errcode(pStr)) {
        int rc = sqlite3_str_errcode(pStr);
        sqlite3_free(sqlite3_str_finish(pStr));
        if (rc == SQLITE_NOMEM) {
            sqlite3_result_error_nomem(ctx);
        } else {
            sqlite3_result_error_toobig(ctx);
        }
        return;
    }
    z = sqlite3_str_finish(pStr);
    sqlite3_result_text(ctx, z ? z : "", n, z ? sqlite3_free : SQLITE_STATIC);
}

static void jrnColumnUser(jrn_cursor *pCur, jrn_kind_id eKind, sqlite3_context *ctx, int i) {
    const lp_journeys *pJ = &pCur->J;
    const lp_user *pU = &pJ->aUser[pCur->iUser];
    const lp_step *aS = &pJ->aStep[pU->iStep];
    if (i == 0) {
        jrnResultKey(ctx, &pU->key);
        return;
    }
    if (i == 1) {
        jrnResultLabel(ctx, &pJ->segments, pU->segment);
        return;
    }
    switch (eKind) {
        case JRN_FIRST:
            switch (i) {
                case 2: jrnResultLabel(ctx, &pJ->labels, aS[0].label); break;
                case 3: jrnResultTime(ctx, aS[0].t); break;
                case 4: sqlite3_result_int(ctx, pU->tied); break;
                case 5:
                    jrnResultLabel(ctx, &pJ->labels, pU->nStep > 1 ? aS[1].label : LP_NONE);
                    break;
                case 6:
                    if (pU->nStep > 1) jrnResultDays(ctx, aS[0].t, aS[1].t);
                    break;
                case 7: sqlite3_result_int64(ctx, pU->nStep); break;
                default: sqlite3_result_int64(ctx, pU->nProgram); break;
            }
            break;
        case JRN_JOURNEYS:
            switch (i) {
                case 2: sqlite3_result_int64(ctx, pU->nStep); break;
                case 3: sqlite3_result_int64(ctx, pU->nProgram); break;
                case 4: jrnResultPath(ctx, pJ, pU); break;
                case 5: jrnResultLabel(ctx, &pJ->labels, aS[0].label); break;
                case 6: jrnResultTime(ctx, aS[0].t); break;
                case 7: jrnResultLabel(ctx, &pJ->labels, aS[pU->nStep - 1].label); break;
                default: jrnResultTime(ctx, aS[pU->nStep - 1].t); break;
            }
            break;
        default: /* JRN_STEPS */
            switch (i) {
                case 2: sqlite3_result_int64(ctx, pCur->iStep + 1); break;
                case 3: jrnResultLabel(ctx, &pJ->labels, aS[pCur->iStep].label); break;
                case 4: jrnResultTime(ctx, aS[pCur->iStep].t); break;
                default:
                    if (pCur->iStep > 0) {
                        jrnResultDays(ctx, aS[pCur->iStep - 1].t, aS[pCur->iStep].t);
                    }
                    break;
            }
            break;
    }
}

static void jrnColumnTransition(jrn_cursor *pCur, sqlite3_context *ctx, int i) {
    const trn_row *pR = &pCur->aRow[pCur->iRow];
    switch (i) {
        case 0: jrnResultLabel(ctx, &pCur->J.segments, pR->segment); break;
        case 1: sqlite3_result_int64(ctx, pR->step); break;
        case 2: jrnResultLabel(ctx, &pCur->J.labels, pR->from); break;
        case 3: jrnResultLabel(ctx, &pCur->J.labels, pR->to); break;
        case 4: sqlite3_result_int64(ctx, pR->users); break;
        case 5: sqlite3_result_double(ctx, (double)pR->users / (double)pR->groupUsers); break;
        case 6:
            if (pR->nDays) sqlite3_result_double(ctx, pR->sumDays / (double)pR->nDays);
            break;
        default:
            if (pR->nDays) sqlite3_result_double(ctx, pR->medianDays);
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
    } else {
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

int learnpath_register_journeys(sqlite3 *db, lp_conn *pConn, void (*xFree)(void *)) {
    static const struct {
        const char *zName;
        const sqlite3_module *pModule;
    } aMod[] = {
        {"first_program", &jrnFirstModule},
        {"program_journeys", &jrnJourneysModule},
        {"program_steps", &jrnStepsModule},
        {"program_transitions", &jrnTransitionsModule},
    };
    /* The first module owns pConn: SQLite frees it with that module (at
    ** once if its registration fails), so no module ever outlives it. */
    int rc = sqlite3_create_module_v2(db, aMod[0].zName, aMod[0].pModule, pConn, xFree);
    for (size_t i = 1; i < sizeof(aMod) / sizeof(aMod[0]) && rc == SQLITE_OK; i++) {
        rc = sqlite3_create_module_v2(db, aMod[i].zName, aMod[i].pModule, pConn, 0);
    }
    return rc;
}
