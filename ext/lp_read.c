/*
** lp_read.c - the one pass over a source: decode each row, find its user,
** keep its enrollment (rules 1-3 and 11 of README.md).
**
** This file, with the others of the read layer, is the only code that
** reads the user's tables. The cache (lp_cache.c) calls
** learnpath_data_read with the source part of a function's arguments;
** lp_shape.c then turns each user's enrollments into a journey.
**
** HOW IT WORKS
**   1. lp_source.c resolves the source and prepares
**        SELECT learnpath_internal_read(?1, "user", "program", "time"
**                                       [, "segment"]) FROM "schema"."table"
**      with every identifier quoted; nothing the user wrote is pasted.
**   2. One pass over the rows, in whatever order the source yields them:
**      the rows are the steps of a private aggregate (all of them in one
**      sqlite3_step). Users and programs are interned into hash tables,
**      times read by lp_time.c, and each enrollment appended to one array.
**      No query per user, no ORDER BY over the table, no allocation per
**      row. Past the first 65536 rows a helper thread keeps the rows while
**      the reading thread goes on with SQLite's scan (lp_read_thread.c).
**      Users are found through a hash table (lp_read_users.c). Rows
**      grouped by user are detected as they stream by and need no user
**      number per row. A row rule 1 or 2 leaves out still finds (or makes)
**      its user, with no enrollment: the users none of whose rows is used
**      are counted and dropped when the pass ends (lp_read_group.c, rule
**      14, for enrollment_profile).
**   3. Unless they came in that order, the users are sorted into user_id
**      order (SQL's: numbers, text, blobs; lp_read_order.c) and numbered
**      so, and a counting sort groups the enrollments by user in that
**      order; each user's few enrollments are sorted by time, program
**      name and segment name (lp_read_group.c).
**
** RULES (numbered as in README.md; tests cite them)
**   1. Rows whose user, program or time is NULL, empty text or an empty blob
**      are left out.
**   2. A time is read as julianday(value, 'auto') reads it (lp_time.c);
**      a non-empty value that cannot be read is an error naming the
**      function, the source, the column and the value.
**   3. A user is the SQL value, as in GROUP BY: 42 and '42' are two users;
**      42 and 42.0 are one; text under the user column's collation.
**      Programs and segments are compared by their text, under their
**      columns' collations. Values equal under a collation other than
**      BINARY arrive here already as one value, the smallest in BINARY
**      order (lp_source.c): this file compares in BINARY only.
**  11. Reading with the helper thread gives exactly what one thread gives:
**      the same data, the same errors and messages, the same samples.
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lp_read_int.h"

/* The type of the pointer the reader function takes (its first argument). */
#define BUILD_POINTER_TYPE "learnpath_build_state"

/*
** THE MEMORY BUDGET of a read in memory (lp_read.h): the data may hold
** what buildBytes counts, from capacities, and no more; every growth is
** checked before it allocates (buildRoom), and the first that would pass
** the budget gives up the read (LP_RC_OVER_BUDGET: the users stream). The
** count reserves what finishing the read takes for a moment
** (lp_read_group.c): the users' numbers per row and the copy of one
** array at a time (the times, 8 bytes, the largest) when the rows did not
** come grouped by user or the users not in user_id order (counted as 16
** bytes an enrollment: 4 to spare, for the positions), and the sort of the
** users into user_id order (lp_read_order.c: 36 bytes a user, of which the
** user hash table, freed first, gives back 4 at least); names count as
** learnpath_data_name_bytes counts them (their ranks included). These are
** bounds, not the peak: the times move as two planes of 4 bytes when no
** sort is held (lp_read_group.c), the users' first places are not kept
** while the rows come ungrouped, and integer ids are sorted in their keys'
** own block (lp_read_order.c).
*/

/* Bytes per enrollment: aT, aProg, aSeg, aGrp, aUserOf and the reserve. */
static int64_t buildPerEvent(const build_state *s) {
    return (int64_t)(sizeof(int64_t) +
                     sizeof(uint32_t) * (1 + (s->p->zSegmentCol != NULL) + (s->p->readGroup != 0))) +
           (s->isGrouped && s->isSorted ? 0 : (int64_t)(2 * sizeof(uint32_t) + sizeof(int64_t)));
}

static int64_t buildBytes(const build_state *s) {
    const lp_data *pD = s->pD;
    return (int64_t)pD->nEvAlloc * buildPerEvent(s) +
           (int64_t)pD->nUserAlloc * (BUILD_PER_USER + (s->isSorted ? 0 : BUILD_SORT_RESERVE)) +
           ((int64_t)s->nSlot + s->nSlotNew + s->nSlotOld) * (int64_t)sizeof(uint32_t) + pD->nKeyByteAlloc +
           learnpath_data_name_bytes(pD);
}

/* LP_RC_OVER_BUDGET when nMore bytes more would pass the budget. */
int learnpath_read_room(const build_state *s, int64_t nMore) {
    if (s->p->nBudget > 0 && !s->isStream && buildBytes(s) + nMore > s->p->nBudget) {
        return LP_RC_OVER_BUDGET;
    }
    return SQLITE_OK;
}

/* ------------------------------------------------------------- reading */
/* Set *pzErr to "func(): message" and return rc. */
int learnpath_read_error(build_state *s, int rc, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    char *zMsg = sqlite3_vmprintf(zFmt, ap);
    va_end(ap);
    sqlite3_free(*s->pzErr);
    *s->pzErr = zMsg;
    return zMsg ? rc : SQLITE_NOMEM;
}

/* The slot of the name cache for z of n bytes, and its first and last 8
** bytes (zero-padded). */
static inline build_name *buildNameSlot(const char *z, int n, build_name *aSeen, uint64_t *pw0,
                                        uint64_t *pw1) {
    uint64_t w0 = 0, w1 = 0, h;
    if (n >= 8) {
        memcpy(&w0, z, 8);
        memcpy(&w1, z + n - 8, 8);
    } else {
        for (int i = 0; i < n; i++) w0 |= (uint64_t)(unsigned char)z[i] << (8 * i);
    }
    /* the top bits of a product depend on every bit of what is multiplied */
    h = (w0 ^ ((w1 << 32) | (w1 >> 32)) ^ (uint64_t)n) * 0x9e3779b97f4a7c15ULL;
    *pw0 = w0;
    *pw1 = w1;
    return &aSeen[h >> (64 - BUILD_NAME_BITS)];
}

/*
** Intern the name z of n > 0 bytes. Programs and segments are few and
** repeat on every row: a small table of the names met lately, indexed by
** their length and end bytes, finds most of them without hashing the whole
** name. A name of at most 16 bytes is wholly covered by its first and last
** 8; a longer one is compared in full. A miss costs one more probe than the
** string table alone, never more, so the cache needs no seed (lp_base.h):
** names crafted to share a slot only make every row miss it. sMain is the
** read's state on the reading thread, whose budget a new name that grows
** the table is checked against; NULL on the helper thread, which leaves
** such a name to the reading thread.
*/
static int buildTextId(const char *z, int n, lp_strtab *pTab, build_name *aSeen,
                       build_state *sMain, uint32_t *piOut) {
    int rc;
    uint64_t w0, w1;
    build_name *pSlot = buildNameSlot(z, n, aSeen, &w0, &w1);
    if (pSlot->n == n && pSlot->w0 == w0 && pSlot->w1 == w1 &&
        (n <= 16 || memcmp(LP_STR(pTab, pSlot->id), z, (size_t)n) == 0)) {
        *piOut = pSlot->id;
        return SQLITE_OK;
    }
    if (!learnpath_strtab_has_room(pTab, n) && !learnpath_strtab_find(pTab, z, n, piOut)) {
        /* a new name, and the table grows for it: the budget first */
        if (sMain == NULL) return LP_RC_NEED_MAIN;
        rc = learnpath_read_grow_names(sMain, pTab, 1, n);
        if (rc) return rc;
    }
    rc = learnpath_strtab_intern(pTab, z, n, piOut);
    if (rc == SQLITE_OK) {
        pSlot->w0 = w0;
        pSlot->w1 = w1;
        pSlot->n = n;
        pSlot->id = *piOut;
    }
    return rc;
}

/*
** Forget a table's names and the name cache's entries that point at them:
** each name empties its own slot of the cache, the only one that can hold
** it (linear in the names, not in the cache).
*/
static void buildForgetTable(lp_strtab *pTab, build_name *aSeen) {
    for (uint32_t i = 0; i < pTab->n; i++) {
        uint64_t w0, w1;
        buildNameSlot(LP_STR(pTab, i), LP_STRLEN(pTab, i), aSeen, &w0, &w1)->n = 0;
    }
    learnpath_strtab_clear(pTab);
}

/* See lp_read_int.h. */
void learnpath_read_forget_names(build_state *s) {
    buildForgetTable(&s->pD->programs, s->aProgSeen);
    buildForgetTable(&s->pD->segments, s->aSegSeen);
    buildForgetTable(&s->pD->groupNames, s->aGrpSeen);
}

/* Room for nNeed enrollments in every per-enrollment array. */
int learnpath_read_grow_events(build_state *s, uint64_t nNeed) {
    lp_data *pD = s->pD;
    if (nNeed <= pD->nEvAlloc) return SQLITE_OK;
    if (nNeed > 0xfffffff0u) return SQLITE_TOOBIG;
    uint64_t nNew = pD->nEvAlloc ? (uint64_t)pD->nEvAlloc * 2 : 4096;
    while (nNew < nNeed) nNew *= 2;
    if (nNew > 0xfffffff0u) nNew = 0xfffffff0u;
    int rc = learnpath_read_room(s, (int64_t)(nNew - pD->nEvAlloc) * buildPerEvent(s));
    if (rc) return rc;
    int64_t *aT = sqlite3_realloc64(pD->aT, nNew * sizeof(int64_t));
    if (!aT) return SQLITE_NOMEM;
    pD->aT = aT;
    uint32_t *aProg = sqlite3_realloc64(pD->aProg, nNew * sizeof(uint32_t));
    if (!aProg) return SQLITE_NOMEM;
    pD->aProg = aProg;
    if (s->p->zSegmentCol) {
        uint32_t *aSeg = sqlite3_realloc64(pD->aSeg, nNew * sizeof(uint32_t));
        if (!aSeg) return SQLITE_NOMEM;
        pD->aSeg = aSeg;
    }
    if (s->p->readGroup) {
        uint32_t *aGrp = sqlite3_realloc64(pD->aGrp, nNew * sizeof(uint32_t));
        if (!aGrp) return SQLITE_NOMEM;
        pD->aGrp = aGrp;
    }
    if (!s->isGrouped) {
        uint32_t *aUserOf = sqlite3_realloc64(s->aUserOf, nNew * sizeof(uint32_t));
        if (!aUserOf) return SQLITE_NOMEM;
        s->aUserOf = aUserOf;
    }
    pD->nEvAlloc = (uint32_t)nNew;
    return SQLITE_OK;
}

/* Room for nMore bytes of user ids (of text and blob users). */
int learnpath_read_grow_key_bytes(build_state *s, int64_t nMore) {
    lp_data *pD = s->pD;
    int64_t nNew = learnpath_grow_size(pD->nKeyByteAlloc, pD->nKeyByte + nMore, 64);
    int rc = learnpath_read_room(s, nNew - pD->nKeyByteAlloc);
    if (rc == SQLITE_OK) {
        rc = learnpath_grow((void **)&pD->aKeyByte, &pD->nKeyByteAlloc, pD->nKeyByte + nMore, 1, 64);
    }
    return rc;
}

/* Room for nName more names of nByte bytes in all in the table pTab. */
int learnpath_read_grow_names(build_state *s, lp_strtab *pTab, uint32_t nName, int64_t nByte) {
    int rc = learnpath_read_room(s, learnpath_strtab_growth(pTab, nName, nByte) + (int64_t)nName * LP_NAME_EXTRA);
    return rc ? rc : learnpath_strtab_reserve(pTab, nName, nByte);
}

/* The rows stopped coming grouped by user: record each enrollment's user.
** Each user's first place (aFirst) is of no use from here on: it is freed,
** and made again at the end (lp_read_group.c: in the user hash table's
** block, or once the users are sorted), so that the read peaks 4 bytes a
** user lower. (Two users'
** rows are in, so nEvAlloc > 0.) */
static int buildUngroup(build_state *s) {
    lp_data *pD = s->pD;
    int rc = learnpath_read_room(s, (int64_t)pD->nEvAlloc * (int64_t)(sizeof(uint32_t) + sizeof(int64_t)));
    if (rc) return rc;
    s->aUserOf = sqlite3_malloc64((sqlite3_uint64)pD->nEvAlloc * sizeof(uint32_t));
    if (!s->aUserOf) return SQLITE_NOMEM;
    for (uint32_t u = 0; u < pD->nUser; u++) {
        uint32_t iEnd = u + 1 < pD->nUser ? pD->aFirst[u + 1] : pD->nEv;
        for (uint32_t e = pD->aFirst[u]; e < iEnd; e++) s->aUserOf[e] = u;
    }
    sqlite3_free(pD->aFirst);
    pD->aFirst = NULL;
    s->isGrouped = 0;
    return SQLITE_OK;
}

/*
** Rule 2: an unreadable time is an error, or with bad_times='skip' counted
** (the first few kept as samples, with their rowids). zTime is the value as
** text (NUL-terminated); iRowid is -1 when there is none.
*/
int learnpath_read_bad_time(build_state *s, const char *zTime, int64_t iRowid) {
    lp_data *pD = s->pD;
    char *zQuoted;
    if (s->p->skipBadTimes && pD->nBadSample >= LP_BAD_SAMPLES) {
        pD->nBadTime++;
        return SQLITE_OK;
    }
    zQuoted = learnpath_quote(zTime);
    if (zQuoted == NULL) return SQLITE_NOMEM;
    if (!s->p->skipBadTimes) {
        int isQuery = learnpath_source_is_query(s->p->zSource); /* rule 13 */
        int rc = learnpath_read_error(s, SQLITE_ERROR, "unreadable time %s in column '%s' of %s%s%s",
                                      zQuoted, s->p->zTimeCol, isQuery ? "" : "'",
                                      isQuery ? "the source query" : s->p->zSource, isQuery ? "" : "'");
        sqlite3_free(zQuoted);
        return rc;
    }
    pD->nBadTime++;
    pD->aBadRowid[pD->nBadSample] = iRowid;
    pD->azBadSample[pD->nBadSample++] = zQuoted;
    return SQLITE_OK;
}

/* A program or segment value: *pz = NULL when NULL or empty (rule 1). */
static int buildDecodeName(sqlite3_value *pVal, const char **pz, int *pn) {
    const char *z = (const char *)sqlite3_value_text(pVal);
    int n = sqlite3_value_bytes(pVal);
    *pz = NULL;
    *pn = 0;
    if (z == NULL) {
        /* NULL, or an empty blob: left out. Any other value without text
        ** is one whose conversion to text ran out of memory. */
        int eType = sqlite3_value_type(pVal);
        return eType == SQLITE_NULL || (eType == SQLITE_BLOB && n == 0) ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (n > 0) {
        *pz = z;
        *pn = n;
    }
    return SQLITE_OK;
}

/*
** Decode one row on the reading thread: ap holds the user, program and
** time values, then the segment when there is a segment column, then the
** rowid when the read selects it. This makes every SQLite call a row
** costs, and interns the program; learnpath_read_row does the rest
** without any. A row left out by rule 1 is decoded no further than what leaves it out. A
** time of the usual ISO shape is carried as text for learnpath_read_row (on the
** helper thread, when there is one); any other is read here, where SQLite
** can convert it.
** Long: it runs once per row read, and its steps (user, program, time,
** segment, rowid) each decide whether the row goes on; kept whole so that
** the row's path is one function for the compiler and the reader.
*/
int learnpath_read_decode(build_state *s, sqlite3_value **ap, build_rec *r) {
    const char *z;
    int n, rc;
    r->isEmptyUser = 0;
    r->hasHash = 0;
    r->prog = LP_NONE;
    r->zKey = NULL;
    r->zSeg = NULL;
    r->zGrp = NULL;
    r->zBad = NULL;
    r->iRowid = -1;
    r->key.n = 0;
    r->key.isIntegral = 0;
    r->key.eType = (unsigned char)sqlite3_value_type(ap[0]);
    switch (r->key.eType) {
        case SQLITE_NULL:
            r->isEmptyUser = 1;
            return SQLITE_OK;
        case SQLITE_INTEGER:
            r->key.v.i = sqlite3_value_int64(ap[0]);
            break;
        case SQLITE_FLOAT: {
            double x = sqlite3_value_double(ap[0]);
            if (x >= -9223372036854775808.0 && x < 9223372036854775808.0 &&
                (double)(int64_t)x == x) {
                r->key.isIntegral = 1;
                r->key.v.i = (int64_t)x;
            } else {
                r->key.v.r = x;
            }
            break;
        }
        default:
            /* the length first: after a failed conversion the value is NULL */
            n = sqlite3_value_bytes(ap[0]);
            z = r->key.eType == SQLITE_TEXT ? (const char *)sqlite3_value_text(ap[0])
                                            : (const char *)sqlite3_value_blob(ap[0]);
            if (n == 0) {
                r->isEmptyUser = 1;
                return SQLITE_OK;
            }
            if (z == NULL) return SQLITE_NOMEM;
            r->key.v.i = 0;
            r->zKey = z;
            r->key.n = n;
            break;
    }
    rc = buildDecodeName(ap[1], &z, &n);
    if (rc || z == NULL) return rc;
    rc = buildTextId(z, n, &s->pD->programs, s->aProgSeen, s, &r->prog);
    if (rc) return rc;

    int eType = sqlite3_value_type(ap[2]);
    z = NULL;
    n = 0;
    if (eType == SQLITE_TEXT) {
        n = sqlite3_value_bytes(ap[2]);
        z = (const char *)sqlite3_value_text(ap[2]);
        if (z == NULL && n > 0) return SQLITE_NOMEM;
    }
    if (z && (n == 19 || n == 10) && z[4] == '-' && z[7] == '-') {
        /* fixed-size copies (overlapping), and the NUL */
        memcpy(r->aTime, z, 8);
        memcpy(r->aTime + n - 8, z + n - 8, 8);
        if (n == 19) memcpy(r->aTime + 8, z + 8, 4);
        r->aTime[n] = 0;
        r->nTime = (unsigned char)n;
        r->eTime = BUILD_T_TEXT;
    } else {
        lp_time_status eTime;
        rc = learnpath_parse_time_value(ap[2], &eTime, &r->t);
        if (rc) return rc;
        r->eTime = eTime == LP_TIME_OK ? BUILD_T_OK : eTime == LP_TIME_EMPTY ? BUILD_T_EMPTY
                                                                            : BUILD_T_BAD;
        if (r->eTime == BUILD_T_BAD) {
            /* the value as text, for the message or the sample */
            r->zBad = z ? z : (const char *)sqlite3_value_text(ap[2]);
            if (r->zBad == NULL) return SQLITE_NOMEM;
        }
    }
    int iCol = 3; /* the optional columns: segment, group, rowid */
    if (s->p->zSegmentCol) {
        rc = buildDecodeName(ap[iCol++], &r->zSeg, &r->nSeg);
        if (rc) return rc;
    }
    if (s->p->readGroup) {
        rc = buildDecodeName(ap[iCol++], &r->zGrp, &r->nGrp);
        if (rc) return rc;
    }
    if (s->pD->hasRowid) {
        sqlite3_value *pRowid = ap[iCol];
        if (sqlite3_value_type(pRowid) == SQLITE_INTEGER) r->iRowid = sqlite3_value_int64(pRowid);
    }
    return SQLITE_OK;
}

/* Streaming: the window's one user, *pKey, unless it has one already. */
static int buildWindowUser(build_state *s, const lp_key *pKey) {
    lp_data *pD = s->pD;
    if (pD->nUser) return SQLITE_OK;
    if (pD->nUserAlloc < 2) {
        pD->aKey = sqlite3_malloc64(2 * sizeof(lp_key));
        pD->aFirst = sqlite3_malloc64(2 * sizeof(uint32_t));
        if (!pD->aKey || !pD->aFirst) return SQLITE_NOMEM;
        pD->nUserAlloc = 2;
    }
    pD->aKey[0] = *pKey;
    pD->aFirst[0] = 0;
    if (learnpath_key_class(pKey) != 1) pD->nKeyByte += pKey->n;
    pD->nUser = 1;
    return SQLITE_OK;
}

/*
** A row of a user that rules 1-2 leave out (no program, no time, or an
** unreadable one skipped): its user is found or made all the same, with no
** enrollment, so that a user none of whose rows is used is known (and
** counted, then dropped, once the read ends: lp_read_group.c, lp_stream.c).
** *pnSkip (if given) counts the row once the user is found: on the helper
** thread LP_RC_NEED_MAIN leaves nothing counted, and the row is done again.
*/
static int buildLeftOut(build_state *s, const lp_key *pKey, const build_rec *r, int isWorker,
                        int64_t *pnSkip) {
    uint32_t u;
    int rc = s->isStream ? buildWindowUser(s, pKey) : learnpath_read_user_of(s, pKey, r, isWorker, &u);
    if (rc) return rc;
    if (pnSkip) (*pnSkip)++;
    return SQLITE_OK;
}

/*
** One decoded row: rules 1-3. Streaming, a row of the next user is left
** alone and *pPending set, so the next window starts with it. The caller
** counts the row read when this returns SQLITE_OK without *pPending.
**
** With isWorker (the helper thread) nothing here calls SQLite or
** allocates: a row that would need either returns LP_RC_NEED_MAIN before
** anything of it is kept (what was done by then - a name interned, the
** previous user looked up - gives the same answer when the row is done
** again), and the reading thread does it.
** Long: like learnpath_read_decode, the per-row path (rule 1, the time,
** the segment, the user, the enrollment), kept whole for the same reason.
*/
int learnpath_read_row(build_state *s, const build_rec *r, int isWorker, int *pPending) {
    lp_data *pD = s->pD;
    lp_key key = r->key;
    uint32_t prog = r->prog, seg = LP_NONE, grp = LP_NONE, u;
    int64_t t;
    int rc;

    if (r->isEmptyUser) {
        pD->nSkipUser++;
        return SQLITE_OK;
    }
    if (learnpath_key_class(&key) != 1) {
        /* the bytes go after the users' bytes, kept only for a new user */
        if (pD->nKeyByte + key.n > pD->nKeyByteAlloc) {
            if (isWorker) return LP_RC_NEED_MAIN;
            rc = learnpath_read_grow_key_bytes(s, key.n);
            if (rc) return rc;
        }
        memcpy(pD->aKeyByte + pD->nKeyByte, r->zKey, (size_t)key.n);
        key.v.off = pD->nKeyByte;
    }
    if (s->isStream && pD->nUser == 1 && !learnpath_read_key_eq(pD, &pD->aKey[0], &key)) {
        *pPending = 1;
        return SQLITE_OK;
    }
    if (r->prog == LP_NONE) return buildLeftOut(s, &key, r, isWorker, &pD->nSkipProgram);
    if (r->eTime == BUILD_T_EMPTY) return buildLeftOut(s, &key, r, isWorker, &pD->nSkipTime);
    t = r->t;
    if (r->eTime == BUILD_T_BAD ||
        (r->eTime == BUILD_T_TEXT && learnpath_parse_time_text(r->aTime, r->nTime, &t) != LP_TIME_OK)) {
        if (isWorker && (!s->p->skipBadTimes || pD->nBadSample < LP_BAD_SAMPLES)) {
            return LP_RC_NEED_MAIN; /* a message or a sample to allocate */
        }
        if (s->p->skipBadTimes) {
            rc = buildLeftOut(s, &key, r, isWorker, NULL);
            if (rc) return rc;
        }
        return learnpath_read_bad_time(s, r->eTime == BUILD_T_BAD ? r->zBad : r->aTime, r->iRowid);
    }
    if (r->zSeg) {
        rc = buildTextId(r->zSeg, r->nSeg, &pD->segments, s->aSegSeen, isWorker ? NULL : s, &seg);
        if (rc) return rc;
    }
    if (r->zGrp) {
        rc = buildTextId(r->zGrp, r->nGrp, &pD->groupNames, s->aGrpSeen, isWorker ? NULL : s, &grp);
        if (rc) return rc;
    }
    if (s->isStream) {
        rc = buildWindowUser(s, &key);
        if (rc) return rc;
        u = 0;
    } else {
        rc = learnpath_read_user_of(s, &key, r, isWorker, &u);
        if (rc) return rc;
        if (s->isGrouped && u + 1 != pD->nUser) {
            /* an earlier user's row after another user's: not grouped */
            if (isWorker) return LP_RC_NEED_MAIN;
            rc = buildUngroup(s);
            if (rc) return rc;
        }
    }
    if (pD->nEv >= pD->nEvAlloc) {
        if (isWorker) return LP_RC_NEED_MAIN;
        rc = learnpath_read_grow_events(s, (uint64_t)pD->nEv + 1);
        if (rc) return rc;
    }
    pD->aT[pD->nEv] = t;
    pD->aProg[pD->nEv] = prog;
    if (pD->aSeg) pD->aSeg[pD->nEv] = seg;
    if (pD->aGrp) pD->aGrp[pD->nEv] = grp;
    if (!s->isGrouped) s->aUserOf[pD->nEv] = u;
    pD->nEv++;
    return SQLITE_OK;
}

/* Decode and keep one row on the reading thread (no helper thread). */
int learnpath_read_row_now(build_state *s, sqlite3_value **ap, int *pPending) {
    build_rec r;
    int rc = learnpath_read_decode(s, ap, &r);
    if (rc == SQLITE_OK) rc = learnpath_read_row(s, &r, 0, pPending);
    if (rc == SQLITE_OK && !*pPending) s->pD->nRowRead++;
    return rc;
}

/* A failed step (locked, interrupted, corrupt...) is an error, never the
** end of the data. */
int learnpath_read_step_error(build_state *s, int rc) {
    const char *zMsg;
    if (rc == SQLITE_NOMEM || rc == LP_RC_OVER_BUDGET || *s->pzErr) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (s->p->pConn && s->p->pConn->zLastError && strcmp(zMsg, s->p->pConn->zLastError) == 0) {
        /* a learnpath function inside the source (a view) failed: its
        ** message already says which and why */
        *s->pzErr = sqlite3_mprintf("%s", zMsg);
        return *s->pzErr ? LP_RC_NESTED : SQLITE_NOMEM;
    }
    if (learnpath_source_is_query(s->p->zSource)) {
        return learnpath_read_error(s, rc, "reading the source query: %s", zMsg);
    }
    return learnpath_read_error(s, rc, "reading '%s': %s", s->p->zSource, zMsg);
}

/* The values of the statement's current row, in learnpath_read_row's order. */
void learnpath_read_row_values(sqlite3_stmt *pStmt, sqlite3_value **ap) {
    int n = sqlite3_column_count(pStmt);
    for (int i = 0; i < n && i < BUILD_MAX_COLS; i++) ap[i] = sqlite3_column_value(pStmt, i);
}

/*
** The reader function: an aggregate whose steps are the rows. Reading the
** rows this way (all of them in one sqlite3_step) costs SQLite's scan and
** little more; fetching each row's values through sqlite3_step() and the
** sqlite3_column_*() calls cost about as much again. Its first argument is
** the build state, bound by buildRead as a pointer of a private type, so
** SQL cannot call it with anything else; it is SQLITE_DIRECTONLY as well.
*/
void learnpath_reader_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    /* the state, found once and kept in the aggregate's context */
    build_state **ps = sqlite3_aggregate_context(ctx, sizeof(build_state *));
    build_state *s;
    int rc;
    if (ps == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (*ps == NULL && argc > 0) *ps = sqlite3_value_pointer(argv[0], BUILD_POINTER_TYPE);
    s = *ps;
    if (s == NULL) {
        sqlite3_result_error(ctx, LEARNPATH_READER "(): for learnpath's own use only", -1);
        return;
    }
    rc = learnpath_read_thread_row(s, argv + 1);
    if (rc == SQLITE_OK) return;
    s->rcRow = rc;
    if (rc == SQLITE_NOMEM) {
        sqlite3_result_error_nomem(ctx);
    } else {
        sqlite3_result_error(ctx, *s->pzErr ? *s->pzErr : sqlite3_errstr(rc), -1);
        sqlite3_result_error_code(ctx, LP_RC_IS_OWN(rc) ? SQLITE_ERROR : rc);
    }
}

void learnpath_reader_final(sqlite3_context *ctx) {
    (void)ctx; /* the answer is in the build state; the result is NULL */
}

/* Step 2: one pass over the rows, inside one sqlite3_step(). */
static int buildRead(build_state *s) {
    sqlite3_stmt *pStmt = NULL;
    int rc = learnpath_source_prepare(s, 1, &pStmt);
    /* rows grouped by a collation come in the groups' order: the first
    ** unreadable time is found in the source's own order first (rule 2) */
    if (rc == SQLITE_OK && s->hasGroups && !s->p->skipBadTimes) rc = learnpath_read_check_times(s);
    if (rc) {
        sqlite3_finalize(pStmt);
        return rc;
    }
    rc = sqlite3_bind_pointer(pStmt, 1, s, BUILD_POINTER_TYPE, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(pStmt);
        if (rc == SQLITE_ROW) {
            /* the rows the helper thread had not kept yet */
            rc = learnpath_read_thread_drain(s);
            if (rc && rc != SQLITE_NOMEM && rc != LP_RC_OVER_BUDGET && *s->pzErr == NULL) {
                rc = learnpath_read_error(s, rc, "reading '%s': %s", s->p->zSource, sqlite3_errstr(rc));
            }
        } else {
            if (s->rcRow) rc = s->rcRow;
            rc = learnpath_read_step_error(s, rc);
        }
    }
    learnpath_read_thread_stop(s);
    sqlite3_finalize(pStmt);
    return rc;
}

/* ------------------------------------------------------------ finishing */

int learnpath_data_read(sqlite3 *db, const lp_source_spec *p, lp_data **ppData, char **pzErr) {
    build_state s;
    lp_data *pD;
    int rc;
    *ppData = NULL;
    *pzErr = NULL;
    pD = sqlite3_malloc64(sizeof(*pD));
    if (!pD) return SQLITE_NOMEM;
    memset(pD, 0, sizeof(*pD));
    pD->nRef = 1;
    memset(&s, 0, sizeof(s));
    s.db = db;
    s.p = p;
    s.pD = pD;
    s.pzErr = pzErr;
    s.iLastUser = LP_NONE;
    s.isGrouped = 1;
    s.isSorted = 1;
    s.noWorker = p->nThreads < 2;
    learnpath_hash_seed(&s.seed); /* before the helper thread can hash */
    rc = buildRead(&s);
    learnpath_read_free_old_slots(&s);
    if (learnpath_hash_probe_hook && s.aSlot) {
        for (uint32_t j = 0; j < s.nSlot; j++) s.aSlot[j] &= s.nSlot - 1; /* the tags off */
        learnpath_read_probe_users(&s);
    }
    if (rc == SQLITE_OK) rc = learnpath_read_finish(&s);
    sqlite3_free(s.aSlot);
    sqlite3_free(s.aSlotNew);
    sqlite3_free(s.aUserOf);
    if (rc != SQLITE_OK) {
        learnpath_data_unref(pD);
        return rc;
    }
    *ppData = pD;
    return SQLITE_OK;
}

void learnpath_data_unref(lp_data *pD) {
    if (pD == NULL || --pD->nRef > 0) return;
    for (int i = 0; i < LP_MEMO_N; i++) {
        if (pD->apMemo[i]) pD->axMemoFree[i](pD->apMemo[i]); /* set together (lp_journey.h) */
    }
    sqlite3_free(pD->pNumText);
    learnpath_strtab_free(&pD->programs);
    learnpath_strtab_free(&pD->segments);
    learnpath_strtab_free(&pD->groupNames);
    sqlite3_free(pD->aGrp);
    sqlite3_free(pD->aUserGroup);
    sqlite3_free(pD->aKeyByte);
    sqlite3_free(pD->aKey);
    sqlite3_free(pD->aFirst);
    sqlite3_free(pD->aT);
    sqlite3_free(pD->aProg);
    sqlite3_free(pD->aSeg);
    sqlite3_free(pD->aRank);
    for (int i = 0; i < pD->nBadSample; i++) sqlite3_free(pD->azBadSample[i]);
    for (int i = 0; i < pD->nLeftOutSample; i++) sqlite3_free(pD->azLeftOutSample[i]);
    sqlite3_free(pD);
}
