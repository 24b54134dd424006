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

/* What one pass over the users counts. */
typedef struct prof_counts {
    int64_t nDup, nTied, nRepeat, tMin, tMax, nUser, nEv;
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

/* Program or segment names in name order, joined, at most 12 of them. */
static char *profNames(const lp_strtab *pTab) {
    uint32_t *aRank = NULL, *aAt;
    sqlite3_str *pOut;
    uint32_t n = pTab->n, nShow = n < 12 ? n : 12;
    if (n == 0) return NULL;
    if (learnpath_label_ranks(NULL, pTab, n, 0, &aRank)) return NULL;
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

/* Count one user's duplicates, tie and repeats (aMark: per program stamps). */
static void profCountUser(const lp_data *pD, uint32_t u, int hasSeg, uint32_t *aMark,
                          uint32_t stamp, prof_counts *pC) {
    uint32_t i0 = pD->aFirst[u], i1 = pD->aFirst[u + 1];
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
    }
    pC->nTied += tied;
    pC->nRepeat += repeat;
}

/* One pass over the users (in memory or streaming). */
static int profScan(prof_cursor *pCur, int hasSeg, prof_counts *pC, char **pzErr) {
    lp_users *pIt = &pCur->it;
    uint32_t *aMark = NULL, nMark = 0, stamp = 0;
    int rc = SQLITE_OK;
    memset(pC, 0, sizeof(*pC));
    for (; !pIt->eof && rc == SQLITE_OK; rc = learnpath_users_next(pIt, pzErr)) {
        const lp_data *pD = pIt->pData;
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
        profCountUser(pD, pIt->u, hasSeg, aMark, ++stamp, pC);
    }
    sqlite3_free(aMark);
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
    if (!profAdd(pCur, "programs", pD->programs.n, profNames(&pD->programs))->zDetail &&
        pD->programs.n) {
        rc = SQLITE_NOMEM;
    }
    if (!profAdd(pCur, "segments", hasSeg ? pD->segments.n : 0,
                 hasSeg ? profNames(&pD->segments) : NULL)->zDetail && hasSeg && pD->segments.n) {
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
    rc = learnpath_users_open(pBase->pTab->db, pBase->pTab->pConn, &pBase->src, &pCur->it, pzErr);
    if (rc) return rc;
    int hasSeg = pCur->it.pData->aSeg != NULL && pBase->src.zSegmentCol != NULL;
    rc = profScan(pCur, hasSeg, &c, pzErr);
    if (rc) return rc;
    return profRows(pCur, hasSeg, &c);
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
