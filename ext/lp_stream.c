/*
** lp_stream.c - the bigger-than-memory path of the read layer.
**
** When holding a source would pass the memory budget
** (learnpath_memory_budget), its rows come from
**   SELECT ... FROM source ORDER BY user COLLATE BINARY
** (SQLite's sorter spills to temporary files as needed; under a collation
** other than BINARY, ORDER BY the group's value, lp_source.c), and a window
** lp_data holds one user at a time; its program and segment tables and its
** reading counts grow over the whole stream. A first plain pass, before
** any row is returned, finds every unreadable time (no partial result) and
** the programs whose names could read like a tie group (rule 4).
** The answers are those of the in-memory path.
*/
#include <stdlib.h>
#include <string.h>

#include "lp_read_int.h"

struct lp_stream {
    lp_source_spec spec; /* a copy: the caller's may not outlive the stream */
    build_state s;
    sqlite3_stmt *pStmt;
    int hasPending;      /* the statement stands on the next user's first row */
    int isDone;
    uint32_t *aLocal;    /* per program or segment: its place among the user's */
    uint32_t nLocal;
    build_named *aNamed; /* scratch: the user's distinct programs or segments */
    uint32_t nNamed;
    build_ev *aTmp;
    uint32_t nTmp;
    lp_strtab plus;      /* pD->pPlusNames (streamPrepass) */
};

/* Two names of pTab in byte order; LP_NONE (no segment) last. */
static int streamNameCmp(const lp_strtab *pTab, uint32_t a, uint32_t b) {
    if (a == b) return 0;
    if (a == LP_NONE || b == LP_NONE) return a == LP_NONE ? 1 : -1;
    return learnpath_bytes_cmp(LP_STR(pTab, a), LP_STRLEN(pTab, a), LP_STR(pTab, b),
                               LP_STRLEN(pTab, b));
}

/* Are the window's enrollments in order: time, program name, segment name? */
static int streamIsSorted(const lp_data *pD) {
    for (uint32_t i = 1; i < pD->nEv; i++) {
        if (pD->aT[i - 1] != pD->aT[i]) {
            if (pD->aT[i - 1] > pD->aT[i]) return 0;
            continue;
        }
        int c = streamNameCmp(&pD->programs, pD->aProg[i - 1], pD->aProg[i]);
        if (c > 0 || (c == 0 && pD->aSeg && streamNameCmp(&pD->segments, pD->aSeg[i - 1], pD->aSeg[i]) > 0)) {
            return 0;
        }
    }
    return 1;
}

/*
** Rank the distinct names aId[0..n) of pTab in byte order, LP_NONE left
** out: st->aLocal[id] = place, until streamUnrank. Returns their number
** in *pnNamed.
*/
static int streamRank(lp_stream *st, const lp_strtab *pTab, const uint32_t *aId, uint32_t n,
                      uint32_t *pnNamed) {
    uint32_t nNamed = 0;
    if (pTab->n > st->nLocal) {
        uint32_t nNew = pTab->n * 2;
        uint32_t *a = sqlite3_realloc64(st->aLocal, (sqlite3_uint64)nNew * sizeof(uint32_t));
        if (!a) return SQLITE_NOMEM;
        memset(a + st->nLocal, 0xff, (size_t)(nNew - st->nLocal) * sizeof(uint32_t));
        st->aLocal = a;
        st->nLocal = nNew;
    }
    if (n > st->nNamed) {
        build_named *a = sqlite3_realloc64(st->aNamed, (sqlite3_uint64)n * sizeof(build_named));
        if (!a) return SQLITE_NOMEM;
        st->aNamed = a;
        st->nNamed = n;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id = aId[i];
        if (id == LP_NONE || st->aLocal[id] != LP_NONE) continue;
        st->aLocal[id] = 0;
        st->aNamed[nNamed].z = LP_STR(pTab, id);
        st->aNamed[nNamed].n = LP_STRLEN(pTab, id);
        st->aNamed[nNamed++].idx = id;
    }
    qsort(st->aNamed, nNamed, sizeof(build_named), learnpath_read_named_cmp);
    for (uint32_t i = 0; i < nNamed; i++) st->aLocal[st->aNamed[i].idx] = i;
    *pnNamed = nNamed;
    return SQLITE_OK;
}

/* Forget streamRank's places (aLocal is all LP_NONE between users). */
static void streamUnrank(lp_stream *st, uint32_t nNamed) {
    for (uint32_t i = 0; i < nNamed; i++) st->aLocal[st->aNamed[i].idx] = LP_NONE;
}

/*
** Sort the window's enrollments by time, then program name (rule 4), then
** segment name: the total order lp_read_group.c sorts by, with the user's
** own programs and segments ranked.
*/
static int streamSortUser(lp_stream *st) {
    lp_data *pD = st->s.pD;
    uint32_t n = pD->nEv, nNamed = 0, i;
    int rc;
    if (streamIsSorted(pD)) return SQLITE_OK;
    if (n > st->nTmp) {
        build_ev *a = sqlite3_realloc64(st->aTmp, (sqlite3_uint64)n * sizeof(build_ev));
        if (!a) return SQLITE_NOMEM;
        st->aTmp = a;
        st->nTmp = n;
    }
    rc = streamRank(st, &pD->programs, pD->aProg, n, &nNamed);
    if (rc) return rc;
    for (i = 0; i < n; i++) {
        st->aTmp[i].t = pD->aT[i];
        st->aTmp[i].prog = pD->aProg[i];
        st->aTmp[i].rank = st->aLocal[pD->aProg[i]];
        st->aTmp[i].seg = pD->aSeg ? pD->aSeg[i] : LP_NONE;
        st->aTmp[i].segRank = LP_NONE;
    }
    streamUnrank(st, nNamed);
    if (pD->aSeg) {
        rc = streamRank(st, &pD->segments, pD->aSeg, n, &nNamed);
        if (rc) return rc;
        for (i = 0; i < n; i++) {
            if (pD->aSeg[i] != LP_NONE) st->aTmp[i].segRank = st->aLocal[pD->aSeg[i]];
        }
        streamUnrank(st, nNamed);
    }
    qsort(st->aTmp, n, sizeof(build_ev), learnpath_read_ev_cmp);
    for (i = 0; i < n; i++) {
        pD->aT[i] = st->aTmp[i].t;
        pD->aProg[i] = st->aTmp[i].prog;
        if (pD->aSeg) pD->aSeg[i] = st->aTmp[i].seg;
    }
    return SQLITE_OK;
}

/*
** One plain pass (no sorting) before any row is returned. It reads every
** time the stream will use, so that an unreadable one is an error before
** the first row (no partial result), unless bad_times='skip', and the same
** one, the first in the source's own order, as in memory. And it keeps in
** *pPlus the programs of the rows used whose names have a lone '+': a tie
** group's label depends on them (rule 4), and the stream meets programs
** only user by user. Rule 1 comes first, as in learnpath_read_row: a row
** without user or program is not read.
*/
static int streamPrepass(build_state *s, lp_strtab *pPlus) {
    sqlite3_stmt *pStmt = NULL;
    int rc = learnpath_source_prepare(s, 0, &pStmt);
    if (rc) return rc;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        lp_time_status eTime;
        int64_t t;
        uint32_t iPlus;
        sqlite3_value *ap[BUILD_MAX_COLS];
        learnpath_read_row_values(pStmt, ap);
        int eUser = sqlite3_value_type(ap[0]), eProg = sqlite3_value_type(ap[1]);
        if (eUser == SQLITE_NULL || eProg == SQLITE_NULL) continue;
        if ((eUser == SQLITE_TEXT || eUser == SQLITE_BLOB) && sqlite3_value_bytes(ap[0]) == 0) {
            continue;
        }
        const char *zProg = (const char *)sqlite3_value_text(ap[1]);
        if (zProg == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        int nProg = sqlite3_value_bytes(ap[1]);
        int isPlus = learnpath_has_lone_plus(zProg, nProg);
        if (nProg == 0 || (s->p->skipBadTimes && !isPlus)) continue;
        rc = learnpath_parse_time_value(ap[2], &eTime, &t);
        if (rc) break;
        if (eTime == LP_TIME_BAD && !s->p->skipBadTimes) {
            /* no rowid: this check runs for bad_times='error', which stops here */
            const char *zTime = (const char *)sqlite3_value_text(ap[2]);
            rc = zTime ? learnpath_read_bad_time(s, zTime, -1) : SQLITE_NOMEM;
            break;
        }
        if (isPlus && eTime == LP_TIME_OK) {
            rc = learnpath_strtab_intern(pPlus, zProg, nProg, &iPlus);
            if (rc) break;
        }
    }
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else if (rc != SQLITE_OK) {
        rc = learnpath_read_step_error(s, rc);
    }
    sqlite3_finalize(pStmt);
    return rc;
}

/*
** The first unreadable time in the source's own order (bad_times='error'):
** the in-memory read of a source grouped by a collation, whose rows come in
** another order, runs the stream's plain pass for it (lp_read_int.h).
*/
int learnpath_read_check_times(build_state *s) {
    lp_strtab plus;
    memset(&plus, 0, sizeof(plus));
    int rc = streamPrepass(s, &plus);
    learnpath_strtab_free(&plus);
    return rc;
}

/* The next window: one user's rows (pD->nUser 0: no user left). */
static int streamWindow(lp_stream *st) {
    lp_data *pD = st->s.pD;
    int rc;
    pD->nUser = 0;
    pD->nEv = 0;
    pD->nKeyByte = 0;
    while (!st->isDone) {
        int pending = 0;
        if (!st->hasPending) {
            rc = sqlite3_step(st->pStmt);
            if (rc == SQLITE_DONE) {
                st->isDone = 1;
                break;
            }
            if (rc != SQLITE_ROW) return learnpath_read_step_error(&st->s, rc);
        }
        st->hasPending = 0;
        sqlite3_value *ap[BUILD_MAX_COLS];
        learnpath_read_row_values(st->pStmt, ap);
        rc = learnpath_read_row_now(&st->s, ap, &pending);
        if (rc) return rc;
        if (pending) {
            st->hasPending = 1;
            break;
        }
    }
    if (pD->nUser) pD->aFirst[1] = pD->nEv;
    return SQLITE_OK;
}

int learnpath_stream_next(lp_users *pIt, char **pzErr) {
    lp_stream *st = pIt->pStream;
    lp_data *pD = pIt->pData;
    int rc;
    st->s.pzErr = pzErr;
    /* a user all of whose rows were left out (rules 1-2) has a window of no
    ** enrollment: counted there, not returned */
    while ((rc = streamWindow(st)) == SQLITE_OK && pD->nUser == 1 && pD->nEv == 0) {
        rc = learnpath_read_drop_left_out(pD);
        if (rc) return rc;
    }
    if (rc) return rc;
    if (pD->nUser == 0) {
        pIt->eof = 1;
        return SQLITE_OK;
    }
    pIt->u = 0;
    return streamSortUser(st);
}

int learnpath_stream_open(sqlite3 *db, const lp_source_spec *p, lp_users *pIt, char **pzErr) {
    lp_stream *st;
    lp_data *pD;
    int rc;
    *pzErr = NULL;
    memset(pIt, 0, sizeof(*pIt));
    st = sqlite3_malloc64(sizeof(*st));
    pD = sqlite3_malloc64(sizeof(*pD));
    if (!st || !pD) {
        sqlite3_free(st);
        sqlite3_free(pD);
        return SQLITE_NOMEM;
    }
    memset(st, 0, sizeof(*st));
    memset(pD, 0, sizeof(*pD));
    pD->nRef = 1;
    pIt->pStream = st;
    pIt->pData = pD;
    st->spec = *p;
    st->s.db = db;
    st->s.p = &st->spec;
    st->s.pD = pD;
    st->s.pzErr = pzErr;
    st->s.iLastUser = LP_NONE;
    st->s.isGrouped = 1;
    /* rule 2 before any row is returned (no partial result), and rule 4's
    ** programs that could read like a tie group */
    rc = streamPrepass(&st->s, &st->plus);
    if (rc) return rc;
    pD->pPlusNames = &st->plus;
    st->s.isStream = 1;
    rc = learnpath_source_prepare(&st->s, 0, &st->pStmt);
    if (rc) return rc;
    return learnpath_stream_next(pIt, pzErr);
}

/* See lp_read.h (learnpath_users_next calls it, between two users). */
void learnpath_stream_forget_names(lp_users *pIt) {
    learnpath_read_forget_names(&pIt->pStream->s);
}

/* Called by learnpath_users_close for a stream only (pIt->pStream set). */
void learnpath_stream_close(lp_users *pIt) {
    lp_stream *st = pIt->pStream;
    sqlite3_finalize(st->pStmt);
    sqlite3_free(st->aLocal);
    sqlite3_free(st->aNamed);
    sqlite3_free(st->aTmp);
    learnpath_strtab_free(&st->plus);
    sqlite3_free(st);
    learnpath_data_unref(pIt->pData);
    memset(pIt, 0, sizeof(*pIt));
}