/*
** tvf_profile.c - enrollment_profile: what reading a source found, a
** finding per row, before any journey is shaped.
**
**   SELECT * FROM enrollment_profile('enrollments');
**
** Rows: rows_read, enrollments_used, users, users_left_out, programs,
** segments, first_time, last_time, rows_without_user, rows_without_program,
** rows_without_time, unreadable_times (with samples and their rowids),
** implausible_times, duplicate_rows, tied_users, users_with_repeats,
** followup_under_30_days, followup_under_90_days, followup_under_365_days.
** It reads with bad_times='skip' whatever the argument says: it counts
** unreadable times, it never fails on them.
**
** The export mistakes it catches (README.md rule 14): users none of whose
** rows is used (the read layer counts them, lp_read_group.c); times that
** fall before 1900 or after 2100, among them a column of small numbers
** read as Julian days near -4713 or as Unix seconds just before 1970 (rule
** 2), which is what days counted from a start date become; and how long
** the users who started last could be followed before the data ends.
*/
#include <string.h>

#include "lp_sql.h"

/* One row of enrollment_profile. */
typedef struct prof_row {
    const char *zFinding;
    int64_t iValue;  /* the value, unless zValue is set or eKind says otherwise */
    double rValue;   /* eKind PROF_REAL */
    int eKind;       /* PROF_INT, PROF_REAL or PROF_NULL */
    char *zValue;    /* a text value (times), or NULL */
    char *zDetail;   /* or NULL */
} prof_row;

#define PROF_NROW 19
#define PROF_INT 0
#define PROF_REAL 1
#define PROF_NULL 2

/* Instants are ms since the Julian-day epoch (lp_time.c). */
#define PROF_DAY_MS ((int64_t)86400000)
#define PROF_1900_MS ((int64_t)208657771200000)  /* 1900-01-01 00:00:00: JD 2415020.5 */
#define PROF_2101_MS ((int64_t)215000740800000)  /* 2101-01-01 00:00:00: JD 2488434.5 */
#define PROF_UNIX_MS ((int64_t)210866760000000)  /* 1970-01-01 00:00:00: JD 2440587.5 */
/* "small numbers": below 100000 in size, as days from a start date are */
#define PROF_SMALL 100000
#define PROF_JUL_END (PROF_SMALL * PROF_DAY_MS)            /* Julian day 100000 */
#define PROF_UNIX_BEGIN (PROF_UNIX_MS - PROF_SMALL * 1000) /* Unix second -100000 */

/* The follow-up findings: users who started less than so many days before
** the last enrollment. */
static const int aProfFollowDays[3] = {30, 90, 365};

/* Times of one kind (implausible_times): how many, the earliest, the latest. */
typedef struct prof_span {
    int64_t n, tMin, tMax;
} prof_span;

typedef struct prof_cursor {
    lp_tvf_cursor tvf;
    lp_users it;
    prof_row aRow[PROF_NROW];
    const prof_row *aOut;    /* aRow, or a memo's rows */
    int nRow, iRow;
    int isBorrowed;          /* aOut is a memo's (kept with the data it.pData holds) */
} prof_cursor;

/* Rows kept with the data (lp_data.apMemo[LP_MEMO_PROFILE]): they depend
** on the data, on whether segments are counted and on the time column's
** name as the query wrote it (in a finding's text), nothing else. */
typedef struct prof_memo {
    struct prof_memo *pNext;
    int hasSeg;
    char *zTimeCol;
    prof_row aRow[PROF_NROW];
    int nRow;
} prof_memo;

static void profFreeRows(prof_row *aRow, int nRow) {
    for (int i = 0; i < nRow; i++) {
        sqlite3_free(aRow[i].zValue);
        sqlite3_free(aRow[i].zDetail);
    }
}

/* lp_data.axMemoFree[LP_MEMO_PROFILE]: the data's memos go with it. */
static void profMemoListFree(void *p) {
    prof_memo *pMemo = p;
    while (pMemo) {
        prof_memo *pNext = pMemo->pNext;
        profFreeRows(pMemo->aRow, pMemo->nRow);
        sqlite3_free(pMemo->zTimeCol);
        sqlite3_free(pMemo);
        pMemo = pNext;
    }
}

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
    /* implausible_times: numbers read as Julian days near -4713, numbers
    ** read as Unix seconds just before 1970, any other time before 1900 or
    ** after 2100 */
    prof_span jul, unx, out;
    /* the first-step starts that may be less than 365 days before the last
    ** enrollment: those less than that before the latest time so far */
    int64_t *aRecent;
    int64_t nRecent, nRecentAlloc;
} prof_counts;

static void profReset(lp_tvf_cursor *pBase) {
    prof_cursor *pCur = (prof_cursor *)pBase;
    /* (a memo's rows go with the data, which closing may free) */
    if (!pCur->isBorrowed) profFreeRows(pCur->aRow, pCur->nRow);
    learnpath_users_close(&pCur->it);
    memset(pCur->aRow, 0, sizeof(pCur->aRow));
    pCur->aOut = NULL;
    pCur->nRow = pCur->iRow = 0;
    pCur->isBorrowed = 0;
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

/* Count an implausible time in its kind. */
static void profSpanAdd(prof_span *p, int64_t t) {
    if (p->n == 0 || t < p->tMin) p->tMin = t;
    if (p->n == 0 || t > p->tMax) p->tMax = t;
    p->n++;
}

/* implausible_times: the kind of time t, if it is one (rule 14). */
static void profImplausible(prof_counts *pC, int64_t t) {
    if (t >= PROF_1900_MS && t < PROF_2101_MS) {
        if (t >= PROF_UNIX_BEGIN && t < PROF_UNIX_MS) profSpanAdd(&pC->unx, t);
    } else if (t < PROF_JUL_END) {
        profSpanAdd(&pC->jul, t);
    } else {
        profSpanAdd(&pC->out, t);
    }
}

/*
** Keep the first-step start tFirst of a user while it is less than 365
** days before the latest time so far (pC->tMax): the latest time only
** grows, so a start dropped here could never be counted. The list is
** pruned before it grows: it holds the users of the last year, at most.
*/
static int profKeepRecent(prof_counts *pC, int64_t tFirst) {
    const int64_t nSpan = aProfFollowDays[2] * PROF_DAY_MS;
    if (pC->tMax - tFirst >= nSpan) return SQLITE_OK;
    if (pC->nRecent == pC->nRecentAlloc) {
        int64_t n = 0;
        for (int64_t i = 0; i < pC->nRecent; i++) {
            if (pC->tMax - pC->aRecent[i] < nSpan) pC->aRecent[n++] = pC->aRecent[i];
        }
        pC->nRecent = n;
        if (n * 2 >= pC->nRecentAlloc) { /* (none allocated yet: 0 >= 0) */
            /* still half full: double it (asking for one more than it holds),
            ** so that a list pruned to just under its size is not scanned
            ** again at every user */
            int rc = learnpath_grow((void **)&pC->aRecent, &pC->nRecentAlloc,
                                    pC->nRecentAlloc + 1, sizeof(int64_t), 1024);
            if (rc) return rc;
        }
    }
    pC->aRecent[pC->nRecent++] = tFirst;
    return SQLITE_OK;
}

/* Count one user's duplicates, tie and repeats, and mark the names used. */
static int profCountUser(const lp_data *pD, uint32_t u, int hasSeg, uint32_t stamp,
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
        profImplausible(pC, pD->aT[i]);
    }
    pC->nTied += tied;
    pC->nRepeat += repeat;
    /* the user's first step starts at its first enrollment (sorted by time) */
    return profKeepRecent(pC, pD->aT[i0]);
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
        rc = profCountUser(pD, pIt->u, hasSeg, ++stamp, pC);
        if (rc) break;
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

/* users_left_out's detail (some are left out): the first of them in user_id
** order, then how many more; NULL when out of memory. */
static char *profLeftOut(const lp_data *pD) {
    sqlite3_str *pOut = sqlite3_str_new(NULL);
    for (int i = 0; i < pD->nLeftOutSample; i++) {
        sqlite3_str_appendf(pOut, "%s%s", i ? ", " : "", pD->azLeftOutSample[i]);
    }
    if (pD->nUserLeftOut > pD->nLeftOutSample) {
        sqlite3_str_appendf(pOut, ", ... (%lld more)", (long long)(pD->nUserLeftOut - pD->nLeftOutSample));
    }
    return sqlite3_str_finish(pOut);
}

/* " (N rows, first to last)" of a kind of implausible time. */
static void profSpanText(sqlite3_str *pOut, const prof_span *p) {
    char z0[LP_TIME_BUFSZ], z1[LP_TIME_BUFSZ];
    learnpath_format_time(p->tMin, z0);
    learnpath_format_time(p->tMax, z1);
    sqlite3_str_appendf(pOut, " (%lld row%s, %s", (long long)p->n, p->n == 1 ? "" : "s", z0);
    if (p->tMax != p->tMin) sqlite3_str_appendf(pOut, " to %s", z1);
    sqlite3_str_appendchar(pOut, 1, ')');
}

/* "numbers lo to hi read as zAs" ("number lo" when they are equal). */
static void profNumbers(sqlite3_str *pOut, const char *zSep, double lo, double hi, const char *zAs) {
    sqlite3_str_appendf(pOut, "%snumber%s %.15g", zSep, hi != lo ? "s" : "", lo);
    if (hi != lo) sqlite3_str_appendf(pOut, " to %.15g", hi);
    sqlite3_str_appendf(pOut, " read as %s", zAs);
}

/*
** implausible_times' detail (rule 14): what the times look like, and for
** small numbers how to read days counted from a start date, with the time
** column's name quoted as SQL quotes it.
*/
static char *profImplausibleText(const prof_counts *pC, const char *zCol) {
    sqlite3_str *pOut = sqlite3_str_new(NULL);
    const char *zSep = "";
    if (pC->out.n) {
        sqlite3_str_appendall(pOut, "times before 1900 or after 2100");
        profSpanText(pOut, &pC->out);
        zSep = "; ";
    }
    if (pC->jul.n) {
        profNumbers(pOut, zSep, (double)pC->jul.tMin / (double)PROF_DAY_MS,
                    (double)pC->jul.tMax / (double)PROF_DAY_MS, "Julian day numbers");
        profSpanText(pOut, &pC->jul);
        zSep = "; ";
    }
    if (pC->unx.n) {
        /* (text such as '1969-12-31 12:00' lands here too: said as times first) */
        sqlite3_str_appendf(pOut, "%stimes just before 1970, as ", zSep);
        profNumbers(pOut, "", (double)(pC->unx.tMin - PROF_UNIX_MS) / 1000.0,
                    (double)(pC->unx.tMax - PROF_UNIX_MS) / 1000.0, "Unix seconds");
        profSpanText(pOut, &pC->unx);
    }
    if (pC->jul.n || pC->unx.n) {
        sqlite3_str_appendf(pOut,
                            ": small numbers look like days counted from a start date; if so, read"
                            " \"%w\" in a view as datetime('2020-01-01', \"%w\" || ' days'), with"
                            " the start date in place of 2020-01-01",
                            zCol, zCol);
        if (pC->jul.n && pC->jul.tMin >= 20000 * PROF_DAY_MS && pC->jul.tMax < 80000 * PROF_DAY_MS) {
            sqlite3_str_appendf(pOut, " (spreadsheet serial days: datetime('1899-12-30', \"%w\" || ' days'))",
                                zCol);
        }
    }
    return sqlite3_str_finish(pOut);
}

/* The follow-up rows: the share of users who started less than 30, 90 and
** 365 days before the last enrollment (NULL with no user). */
static int profFollowup(prof_cursor *pCur, const prof_counts *pC) {
    static const char *const azName[3] = {"followup_under_30_days", "followup_under_90_days",
                                          "followup_under_365_days"};
    char zLast[LP_TIME_BUFSZ];
    int rc = SQLITE_OK;
    learnpath_format_time(pC->tMax, zLast);
    for (int k = 0; k < 3; k++) {
        int64_t n = 0, nSpan = aProfFollowDays[k] * PROF_DAY_MS;
        for (int64_t i = 0; i < pC->nRecent; i++) n += pC->tMax - pC->aRecent[i] < nSpan;
        prof_row *p = profAdd(pCur, azName[k], n, NULL);
        if (pC->nUser == 0) {
            p->eKind = PROF_NULL;
            continue;
        }
        p->eKind = PROF_REAL;
        p->rValue = (double)n / (double)pC->nUser;
        p->zDetail = sqlite3_mprintf("%lld of %lld users started less than %d days before the last"
                                     " enrollment (%s)",
                                     (long long)n, (long long)pC->nUser, aProfFollowDays[k], zLast);
        if (!p->zDetail) rc = SQLITE_NOMEM;
    }
    return rc;
}

/* The rows, from the counts and what reading found. */
static int profRows(prof_cursor *pCur, int hasSeg, const prof_counts *pC) {
    const lp_data *pD = pCur->it.pData;
    int rc = SQLITE_OK;
    profAdd(pCur, "rows_read", pD->nRowRead, NULL);
    profAdd(pCur, "enrollments_used", pC->nEv, NULL);
    profAdd(pCur, "users", pC->nUser, NULL);
    if (!profAdd(pCur, "users_left_out", pD->nUserLeftOut,
                 pD->nUserLeftOut ? profLeftOut(pD) : NULL)->zDetail && pD->nUserLeftOut) {
        rc = SQLITE_NOMEM;
    }
    /* counted over the rows used, as users are */
    prof_row *pProg = profAdd(pCur, "programs", 0, NULL);
    if (profNames(&pD->programs, pC->aProgMark, &pProg->iValue, &pProg->zDetail)) rc = SQLITE_NOMEM;
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
    int64_t nOdd = pC->out.n + pC->jul.n + pC->unx.n;
    if (!profAdd(pCur, "implausible_times", nOdd,
                 nOdd ? profImplausibleText(pC, pCur->tvf.src.zTimeCol) : NULL)->zDetail && nOdd) {
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
    if (profFollowup(pCur, pC)) rc = SQLITE_NOMEM;
    return rc;
}

/* The memo of these rows in the data, or NULL. */
static prof_memo *profMemoFind(const lp_data *pD, int hasSeg, const char *zTimeCol) {
    for (prof_memo *p = pD->apMemo[LP_MEMO_PROFILE]; p; p = p->pNext) {
        if (p->hasSeg == hasSeg && strcmp(p->zTimeCol, zTimeCol) == 0) return p;
    }
    return NULL;
}

/* Keep the rows just made with the data; the cursor borrows them. Out of
** memory only skips the memo. */
static void profMemoKeep(prof_cursor *pCur, int hasSeg) {
    lp_data *pD = pCur->it.pData;
    prof_memo *pMemo = sqlite3_malloc64(sizeof(*pMemo));
    char *zTime = sqlite3_mprintf("%s", pCur->tvf.src.zTimeCol);
    if (!pMemo || !zTime) {
        sqlite3_free(pMemo);
        sqlite3_free(zTime);
        return;
    }
    pMemo->hasSeg = hasSeg;
    pMemo->zTimeCol = zTime;
    memcpy(pMemo->aRow, pCur->aRow, sizeof(pMemo->aRow)); /* the memo owns the texts */
    pMemo->nRow = pCur->nRow;
    pMemo->pNext = pD->apMemo[LP_MEMO_PROFILE];
    pD->apMemo[LP_MEMO_PROFILE] = pMemo;
    pD->axMemoFree[LP_MEMO_PROFILE] = profMemoListFree;
    pCur->aOut = pMemo->aRow;
    pCur->isBorrowed = 1;
}

static int profFilter(lp_tvf_cursor *pBase, int idxNum, char **pzErr) {
    prof_cursor *pCur = (prof_cursor *)pBase;
    prof_counts c;
    prof_memo *pMemo;
    int rc;
    (void)idxNum;
    pBase->src.skipBadTimes = 1; /* count, never fail */
    pBase->src.anyOrder = 1;     /* counts: the users' order is not seen */
    rc = learnpath_users_open(pBase->pTab->db, pBase->pTab->pConn, &pBase->src, &pCur->it, pzErr);
    if (rc) return rc;
    int hasSeg = pCur->it.pData->aSeg != NULL && pBase->src.zSegmentCol != NULL;
    /* in memory the rows may be kept with the data (streamed, it is gone) */
    int canKeep = pCur->it.pStream == NULL;
    if (canKeep && pBase->src.zTimeCol &&
        (pMemo = profMemoFind(pCur->it.pData, hasSeg, pBase->src.zTimeCol)) != NULL) {
        pCur->aOut = pMemo->aRow;
        pCur->nRow = pMemo->nRow;
        pCur->isBorrowed = 1;
        return SQLITE_OK;
    }
    pCur->aOut = pCur->aRow;
    rc = profScan(pCur, hasSeg, &c, pzErr);
    if (rc == SQLITE_OK) rc = profRows(pCur, hasSeg, &c);
    sqlite3_free(c.aProgMark);
    sqlite3_free(c.aSegMark);
    sqlite3_free(c.aRecent);
    if (rc == SQLITE_OK && canKeep && pBase->src.zTimeCol) profMemoKeep(pCur, hasSeg);
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
    const prof_row *pR = &pCur->aOut[pCur->iRow];
    if (i == 0) {
        sqlite3_result_text(ctx, pR->zFinding, -1, SQLITE_STATIC);
    } else if (i == 1) {
        if (pR->eKind == PROF_REAL) {
            sqlite3_result_double(ctx, pR->rValue);
        } else if (pR->eKind == PROF_NULL) {
            /* no value */
        } else if (pR->zValue) {
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
