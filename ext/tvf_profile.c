/*
** tvf_profile.c - enrollment_profile: what reading a source found, a
** finding per row, before any journey is shaped.
**
**   SELECT * FROM enrollment_profile('enrollments');
**
** Rows: rows_read, enrollments_used, users, programs, segments, first_time,
** last_time, rows_without_user, rows_without_program, rows_without_time,
** unreadable_times (with samples and their rowids), duplicate_rows,
** tied_users, users_with_repeats. It reads with bad_times='skip' whatever
** the argument says: it counts unreadable times, it never fails on them.
*/
#include <string.h>

#include "lp_sql.h"

/* One row of enrollment_profile. */
typedef struct prof_row {
    const char *zFinding;
    int64_t iValue;  /* the value, unless zValue is set */
    char *zValue;    /* a text value (times), or NULL */
    char *zDetail;   /* or NULL */
} prof_row;

#define PROF_NROW 14

typedef struct prof_cursor {
    lp_tvf_cursor tvf;
    lp_users it;
    prof_row aRow[PROF_NROW];
    int nRow, iRow;
} prof_cursor;

/*
** What one pass over the users counts. The marks are per program and per
** segment; one is nonzero once a row used has that name: the names
** counted (a name read only on a row left out by rules 1-2 is not).
*/
typedef struct prof_counts {
    int64_t nDup, nTied, nRepeat, tMin, tMax, nUser, nEv;
    uint32_t *aProgMark;  /* per program: the stamp of the last user who had it */
    uint32_t *aSegMark;   /* per segment: 1 once a row used has it */
    uint32_t nProgMark, nSegMark;
} prof_counts;

static void profReset(lp_tvf_cursor *pBase) {
    prof_cursor *pCur = (prof_cursor *)pBase;
    learnpath_users_close(&pCur->it);
    for (int i = 0; i < pCur->nRow; i++) {
        sqlite3_free(pCur->aRow[i].zValue);
        sqlite3_free(pCur->aRow[i].zDetail);
    }
    memset(pCur->aRow, 0, sizeof(pCur->aRow));
    pCur->nRow = pCur->iRow = 0;
}

/*
** The names of pTab that rows used have (aMark[i] != 0): *pnUsed of them,
** and *pz (NULL when none) the first 12 in name order, joined.
*/
static int profNames(const lp_strtab *pTab, const uint32_t *aMark, int64_t *pnUsed, char **pz) {
    uint32_t *aRank = NULL, *aAt, n = pTab->n, nUsed = 0;
    sqlite3_str *pOut;
    *pnUsed = 0;
    *pz = NULL;
    for (uint32_t i = 0; i < n; i++) nUsed += aMark[i] != 0;
    if (nUsed == 0) return SQLITE_OK;
    if (learnpath_label_ranks(NULL, pTab, n, 0, &aRank)) return SQLITE_NOMEM;
    aAt = sqlite3_malloc64((sqlite3_uint64)n * sizeof(uint32_t));
    if (!aAt) {
        sqlite3_free(aRank);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) aAt[aRank[i]] = i;
    pOut = sqlite3_str_new(NULL);
    for (uint32_t i = 0, nShown = 0; i < n && nShown < 12; i++) {
        if (!aMark[aAt[i]]) continue;
        sqlite3_str_appendf(pOut, "%s%s", nShown++ ? ", " : "", LP_STR(pTab, aAt[i]));
    }
    if (nUsed > 12) sqlite3_str_appendf(pOut, ", ... (%u more)", nUsed - 12);
    sqlite3_free(aRank);
    sqlite3_free(aAt);
    *pnUsed = nUsed;
    *pz = sqlite3_str_finish(pOut);
    return *pz ? SQLITE_OK : SQLITE_NOMEM;
}

/* Count one user's duplicates, tie and repeats, and mark the names used. */
static void profCountUser(const lp_data *pD, uint32_t u, int hasSeg, uint32_t stamp,
                          prof_counts *pC) {
    uint32_t i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1];
    uint32_t *aMark = pC->aProgMark;
    int tied = 0, repeat = 0;
    pC->nUser++;
    pC->nEv += i1 - i0;
    for (uint32_t i = i0; i < i1; i++) {
        if (pC->nUser == 1 && i == i0) pC->tMin = pC->tMax = pD->aT[i];
        if (pD->aT[i] < pC->tMin) pC->tMin = pD->aT[i];
        if (pD->aT[i] > pC->tMax) pC->tMax = pD->aT[i];
        if (i > i0 && pD->aT[i] == pD->aT[i - 1] && pD->aProg[i] == pD->aProg[i - 1] &&
            (!hasSeg || pD->aSeg[i] == pD->aSeg[i - 1])) {
            pC->nDup++;
        }
        if (i > i0 && pD->aT[i] == pD->aT[i0] && pD->aProg[i] != pD->aProg[i0]) tied = 1;
        if (aMark[pD->aProg[i]] == stamp) {
            repeat = 1;
        } else {
            aMark[pD->aProg[i]] = stamp;
        }
        if (hasSeg && pD->aSeg[i] != LP_NONE) pC->aSegMark[pD->aSeg[i]] = 1;
    }
    pC->nTied += tied;
    pC->nRepeat += repeat;
}

/* Room for a mark per name of a table (streaming, the tables grow). */
static int profGrowMarks(uint32_t **paMark, uint32_t *pnMark, uint32_t nNeed) {
    if (nNeed <= *pnMark) return SQLITE_OK;
    uint32_t nNew = nNeed * 2;
    uint32_t *aNew = sqlite3_realloc64(*paMark, (sqlite3_uint64)nNew * sizeof(uint32_t));
    if (!aNew) return SQLITE_NOMEM;
    memset(aNew + *pnMark, 0, (size_t)(nNew - *pnMark) * sizeof(uint32_t));
    *paMark = aNew;
    *pnMark = nNew;
    return SQLITE_OK;
}

/* One pass over the users (in memory or streaming); the caller frees the marks. */
static int profScan(prof_cursor *pCur, int hasSeg, prof_counts *pC, char **pzErr) {
    lp_users *pIt = &pCur->it;
    uint32_t stamp = 0;
    int rc = SQLITE_OK;
    memset(pC, 0, sizeof(*pC));
    for (; !pIt->eof && rc == SQLITE_OK; rc = learnpath_users_next(pIt, pzErr)) {
        const lp_data *pD = pIt->pData;
        rc = profGrowMarks(&pC->aProgMark, &pC->nProgMark, pD->programs.n);
        if (rc == SQLITE_OK) rc = profGrowMarks(&pC->aSegMark, &pC->nSegMark, pD->segments.n);
        if (rc) break;
        profCountUser(pD, pIt->u, hasSeg, ++stamp, pC);
    }
    if (rc == SQLITE_OK) {
        /* marks for every name, read by profNames */
        rc = profGrowMarks(&pC->aProgMark, &pC->nProgMark, pIt->pData->programs.n + 1);
        if (rc == SQLITE_OK) {
            rc = profGrowMarks(&pC->aSegMark, &pC->nSegMark, pIt->pData->segments.n + 1);
        }
    }
    return rc;
}

/* The samples of unreadable times, with their rowids. */
static char *profBadSamples(const lp_data *pD) {
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
    return sqlite3_str_finish(pOut);
}

/* Append a finding; zDetail from sqlite3_mprintf (NULL: none). */
static prof_row *profAdd(prof_cursor *pCur, const char *zFinding, int64_t iValue, char *zDetail) {
    prof_row *p = &pCur->aRow[pCur->nRow++];
    p->zFinding = zFinding;
    p->iValue = iValue;
    p->zDetail = zDetail;
    return p;
}

/* A time finding: its value as text, or NULL when there is no enrollment. */
static int profTime(prof_cursor *pCur, const char *zFinding, int64_t nEv, int64_t t) {
    prof_row *p = profAdd(pCur, zFinding, 0, NULL);
    char zTime[LP_TIME_BUFSZ];
    if (nEv == 0) return SQLITE_OK;
    learnpath_format_time(t, zTime);
    p->zValue = sqlite3_mprintf("%s", zTime);
    return p->zValue ? SQLITE_OK : SQLITE_NOMEM;
}

/* The rows, from the counts and what reading found. */
static int profRows(prof_cursor *pCur, int hasSeg, const prof_counts *pC) {
    const lp_data *pD = pCur->it.pData;
    int rc = SQLITE_OK;
    profAdd(pCur, "rows_read", pD->nRowRead, NULL);
    profAdd(pCur, "enrollments_used", pC->nEv, NULL);
    profAdd(pCur, "users", pC->nUser, NULL);
    /* counted over the rows used, as users are */
    prof_row *pProg = profAdd(pCur, "programs", 0, NULL);
    rc = profNames(&pD->programs, pC->aProgMark, &pProg->iValue, &pProg->zDetail);
    prof_row *pSeg = profAdd(pCur, "segments", 0, NULL);
    if (hasSeg && profNames(&pD->segments, pC->aSegMark, &pSeg->iValue, &pSeg->zDetail)) {
        rc = SQLITE_NOMEM;
    }
    if (profTime(pCur, "first_time", pC->nEv, pC->tMin)) rc = SQLITE_NOMEM;
    if (profTime(pCur, "last_time", pC->nEv, pC->tMax)) rc = SQLITE_NOMEM;
    profAdd(pCur, "rows_without_user", pD->nSkipUser, NULL);
    profAdd(pCur, "rows_without_program", pD->nSkipProgram, NULL);
    profAdd(pCur, "rows_without_time", pD->nSkipTime, NULL);
    if (!profAdd(pCur, "unreadable_times", pD->nBadTime,
                 pD->nBadSample ? profBadSamples(pD) : NULL)->zDetail && pD->nBadSample) {
        rc = SQLITE_NOMEM;
    }
    char *az[3];
    az[0] = sqlite3_mprintf("rows repeating another row's user, program and time%s",
                            hasSeg ? " and segment" : "");
    az[1] = sqlite3_mprintf("users whose first instant holds several programs");
    az[2] = sqlite3_mprintf("users who enrolled in a program more than once");
    profAdd(pCur, "duplicate_rows", pC->nDup, az[0]);
    profAdd(pCur, "tied_users", pC->nTied, az[1]);
    profAdd(pCur, "users_with_repeats", pC->nRepeat, az[2]);
    if (!az[0] || !az[1] || !az[2]) rc = SQLITE_NOMEM;
    return rc;
}

static int profFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    prof_cursor *pCur = (prof_cursor *)pBase;
    prof_counts c;
    int rc;
    (void)idxNum;
    pBase->src.skipBadTimes = 1; /* count, never fail */
    pBase->src.anyOrder = 1;     /* counts: the users' order is not seen */
    rc = learnpath_users_open(pBase->pTab->db, pBase->pTab->pConn, &pBase->src, &pCur->it, pzErr);
    if (rc) return rc;
    int hasSeg = pCur->it.pData->aSeg != NULL && pBase->src.zSegmentCol != NULL;
    rc = profScan(pCur, hasSeg, &c, pzErr);
    if (rc == SQLITE_OK) rc = profRows(pCur, hasSeg, &c);
    sqlite3_free(c.aProgMark);
    sqlite3_free(c.aSegMark);
    return rc;
}

static int profNext(lp_tvf_cursor *pBase, char **pzErr) {
    (void)pzErr;
    ((prof_cursor *)pBase)->iRow++;
    return SQLITE_OK;
}

static int profEof(lp_tvf_cursor *pBase) {
    prof_cursor *pCur = (prof_cursor *)pBase;
    return pCur->iRow >= pCur->nRow;
}

static int profColumn(lp_tvf_cursor *pBase, sqlite3_context *ctx, int i) {
    prof_cursor *pCur = (prof_cursor *)pBase;
    const prof_row *pR = &pCur->aRow[pCur->iRow];
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
    return SQLITE_OK;
}

const lp_tvf learnpath_tvf_enrollment_profile = {
    "enrollment_profile", "finding TEXT,value,detail TEXT", 3,
    learnpath_source_args, LP_SOURCE_NARG, LP_TVF_SOURCE, 1000000.0, 10000,
    sizeof(prof_cursor), NULL, profFilter, profNext, profEof, profColumn, profReset, NULL, NULL,
};
