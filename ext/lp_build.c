/*
** lp_build.c - read a source table once into an lp_data.
**
** This is the only code that reads the user's tables. It is called (through
** the cache, lp_cache.c) by the journey functions with the source part of
** their arguments; lp_shape.c then turns each user's enrollments into a
** journey, and lp_journeys.c lays out the rows.
**
** HOW IT WORKS
**   1. Resolve the source: the name as one identifier, or else as
**      schema.table split at the first dot. Check that the named columns
**      exist (comparing as SQL does, case-insensitively) and prepare
**        SELECT "user", "program", "time" [, "segment"] FROM "schema"."table"
**      with every identifier quoted (%w); nothing the user wrote is pasted.
**   2. One pass over the rows, in whatever order the source yields them:
**      users and programs are interned into hash tables, times read by
**      lp_time.c, and each enrollment appended to one array. No query per
**      user, no ORDER BY over the table, no allocation per row. The rows
**      are the steps of a private aggregate (all of them in one
**      sqlite3_step). Past the first 65536 rows, a helper thread keeps the
**      rows (interns users, reads times, appends) while the reading thread
**      goes on with SQLite's scan and hands it batches of decoded rows;
**      see "the helper thread" below.
**      Rows grouped by user (the usual export) are detected as they stream
**      by and need no user number per row; otherwise a counting sort groups
**      the enrollments by user at the end (linear).
**   3. Each user's few enrollments are sorted by time and program name,
**      and users are put in user_id order (SQL's order: numbers, text,
**      blobs) unless they came in that order.
**
** RULES (numbered as in README.md; tests cite them)
**   1. Rows whose user, program or time is NULL, empty text or an empty blob
**      are left out.
**   2. A time is read as julianday(value, 'auto') reads it (lp_time.c);
**      a non-empty value that cannot be read is an error naming the
**      function, the source, the column and the value.
**   3. A user is the SQL value, as in GROUP BY: 42 and '42' are two users;
**      42 and 42.0 are one. Programs are compared by their text.
**   (Rules 4-8 shape journeys: lp_shape.c. Rules 9-10: lp_journeys.c.)
**  11. Reading with the helper thread gives exactly what one thread gives:
**      the same data, the same errors and messages, the same samples.
*/
#if !defined(_WIN32) && !defined(LEARNPATH_NO_THREADS) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask() under -std=c99 */
#endif
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "learnpath_int.h"

#if !defined(_WIN32) && !defined(LEARNPATH_NO_THREADS)
#include <pthread.h>
#include <signal.h>
#define BUILD_THREADS 1
#else
#define BUILD_THREADS 0
#endif

/* Identifiers longer than this are refused (argument length cap). */
#define BUILD_MAX_NAME 2000

/* The reader function (buildRead) and the type of the pointer it takes. */
#define BUILD_READER "learnpath_internal_read"
#define BUILD_POINTER_TYPE "learnpath_build_state"
/* Columns a read statement selects: user, program, time, segment, rowid. */
#define BUILD_MAX_COLS 5

/* --------------------------------------------------------------- hashing */

/*
** Hash n bytes, eight at a time (names are hashed once per row read, so
** a byte-at-a-time hash would cost as much as the rest of the row).
*/
static uint32_t buildHashBytes(const void *pData, int n, uint32_t seed) {
    const unsigned char *p = pData;
    uint64_t h = seed ^ ((uint64_t)(uint32_t)n * 0x9e3779b97f4a7c15ULL);
    uint64_t w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        w = 0;
        memcpy(&w, p, (size_t)n);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
    }
    h ^= h >> 32;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return (uint32_t)h;
}

static uint32_t buildHashInt(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

/* Grow a buffer of elements of size sz so it holds at least nNeed. */
static int buildGrow(void **pa, int64_t *pnAlloc, int64_t nNeed, size_t sz) {
    if (nNeed <= *pnAlloc) return SQLITE_OK;
    int64_t nNew = *pnAlloc ? *pnAlloc * 2 : 64;
    while (nNew < nNeed) nNew *= 2;
    void *aNew = sqlite3_realloc64(*pa, (sqlite3_uint64)nNew * sz);
    if (!aNew) return SQLITE_NOMEM;
    *pa = aNew;
    *pnAlloc = nNew;
    return SQLITE_OK;
}

/* -------------------------------------------------------------- strtab */

int learnpath_bytes_cmp(const char *a, int na, const char *b, int nb) {
    int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
    if (c) return c;
    return (na > nb) - (na < nb);
}

static int strtabRehash(lp_strtab *pTab, uint32_t nSlot) {
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    for (uint32_t i = 0; i < pTab->n; i++) {
        uint32_t j = buildHashBytes(pTab->aByte + pTab->aOff[i], pTab->aLen[i], 2166136261u) &
                     (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = i + 1;
    }
    sqlite3_free(pTab->aSlot);
    pTab->aSlot = aSlot;
    pTab->nSlot = nSlot;
    return SQLITE_OK;
}

int learnpath_strtab_intern(lp_strtab *pTab, const char *z, int n, uint32_t *piOut) {
    uint32_t h = buildHashBytes(z, n, 2166136261u);
    int rc;
    if (pTab->nSlot) {
        uint32_t j = h & (pTab->nSlot - 1);
        while (pTab->aSlot[j]) {
            uint32_t i = pTab->aSlot[j] - 1;
            if (pTab->aLen[i] == n &&
                memcmp(pTab->aByte + pTab->aOff[i], z, (size_t)n) == 0) {
                *piOut = i;
                return SQLITE_OK;
            }
            j = (j + 1) & (pTab->nSlot - 1);
        }
    }
    if (pTab->n >= 0x7ffffff0u) return SQLITE_TOOBIG;
    rc = learnpath_strtab_reserve(pTab, 1, n);
    if (rc) return rc;
    uint32_t i = pTab->n++;
    pTab->aOff[i] = pTab->nByte;
    pTab->aLen[i] = n;
    if (n) memcpy(pTab->aByte + pTab->nByte, z, (size_t)n);
    pTab->aByte[pTab->nByte + n] = 0;
    pTab->nByte += n + 1;
    uint32_t j = h & (pTab->nSlot - 1);
    while (pTab->aSlot[j]) j = (j + 1) & (pTab->nSlot - 1);
    pTab->aSlot[j] = i + 1;
    *piOut = i;
    return SQLITE_OK;
}

int learnpath_strtab_has_room(const lp_strtab *pTab, int n) {
    return pTab->n < pTab->nAlloc && pTab->n < 0x7ffffff0u && pTab->nByte + n + 1 <= pTab->nByteAlloc &&
           2 * ((uint64_t)pTab->n + 1) <= pTab->nSlot;
}

/*
** Room for nName more names of nByte bytes in all (and their NULs), so
** that interning them allocates nothing. Capacities are powers of two:
** names from 16, hash slots from 64, at least twice the names.
*/
int learnpath_strtab_reserve(lp_strtab *pTab, uint32_t nName, int64_t nByte) {
    uint64_t nNeed = (uint64_t)pTab->n + nName;
    int rc;
    if (nName == 0) return SQLITE_OK;
    if (nNeed > 0x7ffffff0u) nNeed = 0x7ffffff0u;
    if (nNeed > pTab->nAlloc) {
        uint64_t nNew = 16;
        while (nNew < nNeed) nNew *= 2;
        int64_t *aOff = sqlite3_realloc64(pTab->aOff, nNew * sizeof(int64_t));
        if (!aOff) return SQLITE_NOMEM;
        pTab->aOff = aOff;
        int *aLen = sqlite3_realloc64(pTab->aLen, nNew * sizeof(int));
        if (!aLen) return SQLITE_NOMEM;
        pTab->aLen = aLen;
        pTab->nAlloc = (uint32_t)nNew;
    }
    rc = buildGrow((void **)&pTab->aByte, &pTab->nByteAlloc, pTab->nByte + nByte + nName, 1);
    if (rc) return rc;
    if (2 * nNeed > pTab->nSlot) {
        uint64_t nSlot = 64;
        while (nSlot < 2 * nNeed) nSlot *= 2;
        rc = strtabRehash(pTab, (uint32_t)nSlot);
    }
    return rc;
}

void learnpath_strtab_free(lp_strtab *pTab) {
    sqlite3_free(pTab->aByte);
    sqlite3_free(pTab->aOff);
    sqlite3_free(pTab->aLen);
    sqlite3_free(pTab->aSlot);
    memset(pTab, 0, sizeof(*pTab));
}

/* ------------------------------------------------------------ user keys */

/* Rank of a storage class in SQL's order. */
static int keyClass(const lp_key *k) {
    switch (k->eType) {
        case SQLITE_INTEGER:
        case SQLITE_FLOAT:
            return 1;
        case SQLITE_TEXT:
            return 2;
        default:
            return 3;
    }
}

static int keyIsInt(const lp_key *k) {
    return k->eType == SQLITE_INTEGER || k->isIntegral;
}

/* Compare an integer with a non-integral double, exactly. */
static int keyCmpIntReal(int64_t i, double r) {
    if (r < -9007199254740992.0 || r > 9007199254740992.0) return r < 0 ? 1 : -1;
    if (i < -9007199254740992LL) return -1;
    if (i > 9007199254740992LL) return 1;
    double d = (double)i;
    return (d > r) - (d < r);
}

int learnpath_key_cmp(const lp_data *pData, const lp_key *a, const lp_key *b) {
    int ca = keyClass(a), cb = keyClass(b);
    if (ca != cb) return ca - cb;
    if (ca == 1) {
        int ai = keyIsInt(a), bi = keyIsInt(b);
        if (ai && bi) return (a->v.i > b->v.i) - (a->v.i < b->v.i);
        if (!ai && !bi) return (a->v.r > b->v.r) - (a->v.r < b->v.r);
        if (ai) return keyCmpIntReal(a->v.i, b->v.r);
        return -keyCmpIntReal(b->v.i, a->v.r);
    }
    return learnpath_bytes_cmp(pData->aKeyByte + a->v.off, a->n, pData->aKeyByte + b->v.off, b->n);
}

static uint32_t keyHash(const lp_data *pData, const lp_key *k) {
    if (keyClass(k) == 1) {
        uint64_t bits;
        if (keyIsInt(k)) return buildHashInt((uint64_t)k->v.i);
        memcpy(&bits, &k->v.r, sizeof(bits));
        return buildHashInt(bits ^ 0x5bd1e995u);
    }
    return buildHashBytes(pData->aKeyByte + k->v.off, k->n,
                          k->eType == SQLITE_TEXT ? 2166136261u : 0x811c9dc6u);
}

/* ------------------------------------------------------------- reading */

/*
** A name met lately: its length, its first and last 8 bytes (zero-padded
** when shorter) and its number. n = 0: an empty slot (empty names are never
** looked up).
*/
typedef struct build_name {
    uint64_t w0, w1;
    int n;
    uint32_t id;
} build_name;
#define BUILD_NAME_BITS 8
#define BUILD_NAME_CACHE (1 << BUILD_NAME_BITS) /* slots per column */

typedef struct build_state {
    sqlite3 *db;
    const lp_source_spec *p;
    lp_data *pD;
    char **pzErr;
    uint32_t *aSlot;     /* user hash table: user number + 1, 0 = empty */
    uint32_t nSlot;
    uint32_t iLastUser;  /* user of the previous accepted row, or LP_NONE */
    int isSorted;        /* user keys so far came in increasing order: no hash yet */
    int isGrouped;       /* every user's rows so far came together */
    uint32_t *aUserOf;   /* per enrollment: its user; only once !isGrouped */
    int isStream;        /* rows come ordered by user; pD holds one user */
    build_name aProgSeen[BUILD_NAME_CACHE]; /* programs met lately (buildTextId) */
    build_name aSegSeen[BUILD_NAME_CACHE];  /* segments met lately */
    int rcRow;           /* what stopped the reader function (buildRead) */
    struct build_worker *pW; /* the helper thread, once started (buildStartWorker) */
    int noWorker;        /* never start one (streaming, one thread, or it failed) */
} build_state;

/*
** buildRow's answer on the helper thread for a row it must leave to the
** reading thread: one that needs memory allocated, an error message, or a
** sample of an unreadable time. Nothing of the row has been kept yet.
*/
#define BUILD_NEED_MAIN 0x7f02

/* How a row's time came out of buildDecode. */
#define BUILD_T_TEXT 0  /* aTime is still to read (learnpath_parse_time_text) */
#define BUILD_T_OK 1    /* t holds the instant */
#define BUILD_T_EMPTY 2 /* rule 1: left out */
#define BUILD_T_BAD 3   /* rule 2: zBad is the value as text */

/*
** One row decoded by the reading thread (buildDecode): the program is
** already interned; the user's bytes, the segment and an unreadable time
** are pointed to (in SQLite's values while the row is read, or in a batch
** once copied there for the helper thread); a time of the usual ISO shape
** is carried as its text, to be read by buildRow.
*/
typedef struct build_rec {
    lp_key key;          /* the user; TEXT and BLOB bytes are at zKey */
    const char *zKey;
    const char *zSeg;    /* NULL: no segment */
    const char *zBad;    /* BUILD_T_BAD */
    int64_t t;           /* BUILD_T_OK */
    int64_t iRowid;      /* for the samples of unreadable times; -1: none */
    uint32_t prog;       /* LP_NONE: no program (rule 1) */
    int nSeg;
    char aTime[20];      /* BUILD_T_TEXT: nTime bytes and a NUL */
    unsigned char nTime;
    unsigned char eTime;
    unsigned char isEmptyUser; /* NULL or empty (rule 1) */
} build_rec;

static int buildCheckBudget(const build_state *s);
static int buildNewUser(build_state *s, const lp_key *pKey, uint32_t h, int isWorker,
                        uint32_t *piUser);

/* Set *pzErr to "func(): message" and return rc. */
static int buildError(build_state *s, int rc, const char *zFmt, ...) {
    va_list ap;
    char *zMsg;
    va_start(ap, zFmt);
    zMsg = sqlite3_vmprintf(zFmt, ap);
    va_end(ap);
    sqlite3_free(*s->pzErr);
    *s->pzErr = zMsg ? sqlite3_mprintf("%s(): %s", s->p->zFunc, zMsg) : NULL;
    sqlite3_free(zMsg);
    if (*s->pzErr == NULL) return SQLITE_NOMEM;
    return rc;
}

static int buildRehashUsers(build_state *s, uint32_t nSlot) {
    lp_data *pD = s->pD;
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    for (uint32_t i = 0; i < pD->nUser; i++) {
        uint32_t j = keyHash(pD, &pD->aKey[i]) & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = i + 1;
    }
    sqlite3_free(s->aSlot);
    s->aSlot = aSlot;
    s->nSlot = nSlot;
    return SQLITE_OK;
}

static int buildKeyEq(const lp_data *pD, const lp_key *a, const lp_key *b) {
    if (keyClass(a) != keyClass(b)) return 0;
    /* same class: both TEXT or both BLOB, unless numbers */
    if (keyClass(a) != 1 && a->n != b->n) return 0;
    return learnpath_key_cmp(pD, a, b) == 0;
}

/* The user number of *pKey, creating the user if new. */
static int buildUserOf(build_state *s, const lp_key *pKey, int isWorker, uint32_t *piUser) {
    lp_data *pD = s->pD;
    uint32_t h, j;
    int rc;

    /* Exports usually list a user's rows together: try the previous user
    ** (same storage class compared directly, the rest by SQL's rules). */
    if (s->iLastUser != LP_NONE) {
        const lp_key *o = &pD->aKey[s->iLastUser];
        int same;
        if (o->eType == pKey->eType && o->isIntegral == pKey->isIntegral) {
            if (keyClass(o) == 1) {
                same = o->isIntegral || o->eType == SQLITE_INTEGER ? o->v.i == pKey->v.i
                                                                   : o->v.r == pKey->v.r;
            } else {
                same = o->n == pKey->n && memcmp(pD->aKeyByte + o->v.off,
                                                 pD->aKeyByte + pKey->v.off, (size_t)o->n) == 0;
            }
        } else {
            same = buildKeyEq(pD, o, pKey);
        }
        if (same) {
            *piUser = s->iLastUser;
            return SQLITE_OK;
        }
    }
    if (s->isSorted) {
        /* Keys arriving in increasing order (an export sorted by user) are
        ** all new: no lookup needed. The first key out of order builds the
        ** hash table of the users so far. */
        if (pD->nUser == 0 || learnpath_key_cmp(pD, &pD->aKey[pD->nUser - 1], pKey) < 0) {
            return buildNewUser(s, pKey, 0, isWorker, piUser);
        }
        if (isWorker) return BUILD_NEED_MAIN;
        uint32_t nSlot = 2048;
        while (nSlot < 2 * (uint64_t)pD->nUser + 2) nSlot *= 2;
        rc = buildRehashUsers(s, nSlot);
        if (rc) return rc;
        s->isSorted = 0; /* from here on there is a hash table (nSlot >= 2048) */
    }
    h = keyHash(pD, pKey);
    for (j = h & (s->nSlot - 1); s->aSlot[j]; j = (j + 1) & (s->nSlot - 1)) {
        uint32_t i = s->aSlot[j] - 1;
        if (buildKeyEq(pD, &pD->aKey[i], pKey)) {
            *piUser = s->iLastUser = i;
            return SQLITE_OK;
        }
    }
    return buildNewUser(s, pKey, h, isWorker, piUser);
}

/* Room for nNeed users (and the end mark of aFirst). */
static int buildGrowUsers(build_state *s, uint64_t nNeed) {
    lp_data *pD = s->pD;
    if (nNeed <= pD->nUserAlloc) return SQLITE_OK;
    if (nNeed > 0x7ffffff2u) return SQLITE_TOOBIG;
    uint64_t nNew = pD->nUserAlloc ? (uint64_t)pD->nUserAlloc * 2 : 1024;
    while (nNew < nNeed) nNew *= 2;
    lp_key *aKey = sqlite3_realloc64(pD->aKey, nNew * sizeof(lp_key));
    if (!aKey) return SQLITE_NOMEM;
    pD->aKey = aKey;
    uint32_t *aFirst = sqlite3_realloc64(pD->aFirst, nNew * sizeof(uint32_t));
    if (!aFirst) return SQLITE_NOMEM;
    pD->aFirst = aFirst;
    pD->nUserAlloc = (uint32_t)nNew;
    return buildCheckBudget(s);
}

/* A user hash table of at least 2 * nUser slots (not in sorted mode). */
static int buildGrowSlots(build_state *s, uint64_t nUser) {
    uint64_t nSlot = s->nSlot;
    if (2 * nUser <= nSlot) return SQLITE_OK;
    while (nSlot < 2 * nUser) nSlot *= 2;
    if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
    return buildRehashUsers(s, (uint32_t)nSlot);
}

/* Add a user; with a hash table (not sorted mode) also index it by h. */
static int buildNewUser(build_state *s, const lp_key *pKey, uint32_t h, int isWorker,
                        uint32_t *piUser) {
    lp_data *pD = s->pD;
    uint32_t j;
    int rc;
    if (pD->nUser >= 0x7ffffff0u) return SQLITE_TOOBIG;
    if (pD->nUser + 2 > pD->nUserAlloc) {
        if (isWorker) return BUILD_NEED_MAIN;
        rc = buildGrowUsers(s, (uint64_t)pD->nUser + 2);
        if (rc) return rc;
    }
    if (!s->isSorted && 2 * (uint64_t)(pD->nUser + 1) > s->nSlot) {
        if (isWorker) return BUILD_NEED_MAIN;
        rc = buildGrowSlots(s, (uint64_t)pD->nUser + 1);
        if (rc) return rc;
    }
    uint32_t i = pD->nUser++;
    pD->aKey[i] = *pKey;
    pD->aFirst[i] = pD->nEv;
    if (keyClass(pKey) != 1) pD->nKeyByte += pKey->n; /* keep the bytes */
    if (!s->isSorted) {
        for (j = h & (s->nSlot - 1); s->aSlot[j]; j = (j + 1) & (s->nSlot - 1)) {
        }
        s->aSlot[j] = i + 1;
    }
    *piUser = s->iLastUser = i;
    return SQLITE_OK;
}

/*
** Intern the name z of n > 0 bytes. Programs and segments are few and
** repeat on every row: a small table of the names met lately, indexed by
** their length and end bytes, finds most of them without hashing the whole
** name. A name of at most 16 bytes is wholly covered by its first and last
** 8; a longer one is compared in full. A miss costs one more probe than the
** string table alone, never more. On the helper thread a name the table
** has no room for is left to the reading thread.
*/
static int buildTextId(const char *z, int n, lp_strtab *pTab, build_name *aSeen, int isWorker,
                       uint32_t *piOut) {
    int rc;
    uint64_t w0 = 0, w1 = 0, h;
    build_name *pSlot;
    if (n >= 8) {
        memcpy(&w0, z, 8);
        memcpy(&w1, z + n - 8, 8);
    } else {
        for (int i = 0; i < n; i++) w0 |= (uint64_t)(unsigned char)z[i] << (8 * i);
    }
    /* the top bits of a product depend on every bit of what is multiplied */
    h = (w0 ^ ((w1 << 32) | (w1 >> 32)) ^ (uint64_t)n) * 0x9e3779b97f4a7c15ULL;
    pSlot = &aSeen[h >> (64 - BUILD_NAME_BITS)];
    if (pSlot->n == n && pSlot->w0 == w0 && pSlot->w1 == w1 &&
        (n <= 16 || memcmp(LP_STR(pTab, pSlot->id), z, (size_t)n) == 0)) {
        *piOut = pSlot->id;
        return SQLITE_OK;
    }
    if (isWorker && !learnpath_strtab_has_room(pTab, n)) return BUILD_NEED_MAIN;
    rc = learnpath_strtab_intern(pTab, z, n, piOut);
    if (rc == SQLITE_OK) {
        pSlot->w0 = w0;
        pSlot->w1 = w1;
        pSlot->n = n;
        pSlot->id = *piOut;
    }
    return rc;
}

/* Room for nNeed enrollments in every per-enrollment array. */
static int buildGrowEvents(build_state *s, uint64_t nNeed) {
    lp_data *pD = s->pD;
    if (nNeed <= pD->nEvAlloc) return SQLITE_OK;
    if (nNeed > 0xfffffff0u) return SQLITE_TOOBIG;
    uint64_t nNew = pD->nEvAlloc ? (uint64_t)pD->nEvAlloc * 2 : 4096;
    while (nNew < nNeed) nNew *= 2;
    if (nNew > 0xfffffff0u) nNew = 0xfffffff0u;
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
    if (!s->isGrouped) {
        uint32_t *aUserOf = sqlite3_realloc64(s->aUserOf, nNew * sizeof(uint32_t));
        if (!aUserOf) return SQLITE_NOMEM;
        s->aUserOf = aUserOf;
    }
    pD->nEvAlloc = (uint32_t)nNew;
    return buildCheckBudget(s);
}

/* Heap the data being read holds now (approximately, from capacities). */
static int64_t buildBytes(const build_state *s) {
    const lp_data *pD = s->pD;
    int64_t nPerEv = sizeof(int64_t) + sizeof(uint32_t) * (1 + (pD->aSeg != NULL) + (s->aUserOf != NULL));
    return (int64_t)pD->nEvAlloc * nPerEv + (int64_t)pD->nUserAlloc * (sizeof(lp_key) + sizeof(uint32_t)) +
           (int64_t)s->nSlot * sizeof(uint32_t) + pD->nKeyByteAlloc + pD->programs.nByteAlloc +
           pD->segments.nByteAlloc + (int64_t)(pD->programs.nAlloc + pD->segments.nAlloc) * 16;
}

/* LP_OVER_BUDGET once the data would pass the memory budget. */
static int buildCheckBudget(const build_state *s) {
    if (s->p->nBudget > 0 && !s->isStream && buildBytes(s) > s->p->nBudget) return LP_OVER_BUDGET;
    return SQLITE_OK;
}

/* The rows stopped coming grouped by user: record each enrollment's user.
** (Two users' rows are in, so nEvAlloc > 0.) */
static int buildUngroup(build_state *s) {
    lp_data *pD = s->pD;
    s->aUserOf = sqlite3_malloc64((sqlite3_uint64)pD->nEvAlloc * sizeof(uint32_t));
    if (!s->aUserOf) return SQLITE_NOMEM;
    for (uint32_t u = 0; u < pD->nUser; u++) {
        uint32_t iEnd = u + 1 < pD->nUser ? pD->aFirst[u + 1] : pD->nEv;
        for (uint32_t e = pD->aFirst[u]; e < iEnd; e++) s->aUserOf[e] = u;
    }
    s->isGrouped = 0;
    return SQLITE_OK;
}

/* ------------------------------------------------------ source reading */

/* Does the message say that exactly this table is missing? */
static int buildIsNoSuchTable(const char *zMsg, const char *zName) {
    static const char zPrefix[] = "no such table: ";
    size_t n = sizeof(zPrefix) - 1;
    return strncmp(zMsg, zPrefix, n) == 0 && strcmp(zMsg + n, zName) == 0;
}

/*
** Prepare "SELECT * FROM zFrom" (zFrom from sqlite3_mprintf, owned here).
** On success *pzFrom takes zFrom; otherwise it is freed and the prepare's
** code returned (its message stays in sqlite3_errmsg).
*/
static int buildTryFrom(build_state *s, char *zFrom, sqlite3_stmt **ppStmt, char **pzFrom) {
    char *zSql;
    int rc;
    if (!zFrom) return SQLITE_NOMEM;
    zSql = sqlite3_mprintf("SELECT * FROM %s", zFrom);
    if (!zSql) {
        sqlite3_free(zFrom);
        return SQLITE_NOMEM;
    }
    rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
    sqlite3_free(zSql);
    if (rc == SQLITE_OK) {
        *pzFrom = zFrom;
    } else {
        sqlite3_free(zFrom);
    }
    return rc;
}

/*
** Prepare "SELECT * FROM <source>" to learn the source's columns, trying
** the name as one identifier first and then as schema.table. On success
** *pzFrom is the quoted FROM clause to use (caller frees).
*/
static int buildResolveSource(build_state *s, sqlite3_stmt **ppStmt, char **pzFrom) {
    const char *zSrc = s->p->zSource;
    const char *zDot = strchr(zSrc, '.');
    const char *zMsg;
    int rc;

    *ppStmt = NULL;
    *pzFrom = NULL;
    rc = buildTryFrom(s, sqlite3_mprintf("\"%w\"", zSrc), ppStmt, pzFrom);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (!buildIsNoSuchTable(zMsg, zSrc)) {
        return buildError(s, rc, "cannot read '%s': %s", zSrc, zMsg);
    }
    if (zDot == NULL || zDot == zSrc || zDot[1] == 0) {
        return buildError(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
    }

    char *zSchema = sqlite3_mprintf("%.*s", (int)(zDot - zSrc), zSrc);
    if (!zSchema) return SQLITE_NOMEM;
    rc = buildTryFrom(s, sqlite3_mprintf("\"%w\".\"%w\"", zSchema, zDot + 1), ppStmt, pzFrom);
    sqlite3_free(zSchema);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (buildIsNoSuchTable(zMsg, zSrc) || strncmp(zMsg, "unknown database ", 17) == 0) {
        return buildError(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
    }
    return buildError(s, rc, "cannot read '%s': %s", zSrc, zMsg);
}

/* Error for a column argument that names no column of the source. */
static int buildNoColumn(build_state *s, sqlite3_stmt *pAll, const char *zArg,
                         const char *zCol) {
    sqlite3_str *pList = sqlite3_str_new(s->db);
    int nCol = sqlite3_column_count(pAll);
    for (int i = 0; i < nCol; i++) {
        const char *zName = sqlite3_column_name(pAll, i);
        if (zName == NULL) {
            sqlite3_free(sqlite3_str_finish(pList));
            return SQLITE_NOMEM;
        }
        sqlite3_str_appendf(pList, "%s%s", i ? ", " : "", zName);
    }
    if (sqlite3_str_errcode(pList)) {
        sqlite3_free(sqlite3_str_finish(pList));
        return SQLITE_NOMEM;
    }
    char *zList = sqlite3_str_finish(pList);
    int rc = buildError(s, SQLITE_ERROR, "%s: no column '%s' in '%s' (its columns: %s)", zArg,
                        zCol, s->p->zSource, zList ? zList : "none");
    sqlite3_free(zList);
    return rc;
}

/*
** May what this query reads be cached (lp_cache.c)? Not when its plan opens
** a virtual table, directly or through a view: a virtual table's contents
** can change without SQLite noticing.
*/
static int buildCheckCacheable(build_state *s, const char *zSql) {
    sqlite3_stmt *pExplain = NULL;
    char *zExplain = sqlite3_mprintf("EXPLAIN %s", zSql);
    int rc;
    s->pD->isCacheable = 0;
    if (!zExplain) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(s->db, zExplain, -1, &pExplain, NULL);
    sqlite3_free(zExplain);
    if (rc != SQLITE_OK) return rc == SQLITE_NOMEM ? rc : SQLITE_OK; /* just not cached */
    /* cacheable only if the whole plan was read and opens no virtual table */
    int isVirtual = 0;
    while (!isVirtual && (rc = sqlite3_step(pExplain)) == SQLITE_ROW) {
        const char *zOp = (const char *)sqlite3_column_text(pExplain, 1);
        isVirtual = zOp == NULL || strcmp(zOp, "VOpen") == 0 || strcmp(zOp, "VFilter") == 0;
    }
    sqlite3_finalize(pExplain);
    s->pD->isCacheable = !isVirtual && rc == SQLITE_DONE;
    return !isVirtual && rc == SQLITE_NOMEM ? SQLITE_NOMEM : SQLITE_OK;
}

/*
** Prepare the SELECT of the needed columns, with the rowid last when the
** source has one and bad_times='skip' (for the samples of unreadable times). With
** asReader, the columns are the arguments of the reader function (after
** its parameter ?1, the build state) and the statement gives one row.
*/
static int buildPrepare(build_state *s, int asReader, sqlite3_stmt **ppStmt) {
    char *zOrder = NULL;
    const lp_source_spec *p = s->p;
    const char *azArg[4] = {"user_col", "program_col", "time_col", "segment_col"};
    const char *azCol[4] = {p->zUserCol, p->zProgramCol, p->zTimeCol, p->zSegmentCol};
    int nNeed = p->zSegmentCol ? 4 : 3;
    sqlite3_stmt *pAll = NULL;
    char *zFrom = NULL;
    int rc;

    *ppStmt = NULL;
    if (strlen(p->zSource) > BUILD_MAX_NAME) {
        return buildError(s, SQLITE_ERROR, "source name is too long (%d bytes at most)",
                          BUILD_MAX_NAME);
    }
    for (int i = 0; i < nNeed; i++) {
        if (strlen(azCol[i]) > BUILD_MAX_NAME) {
            return buildError(s, SQLITE_ERROR, "%s is too long (%d bytes at most)", azArg[i],
                              BUILD_MAX_NAME);
        }
    }
    rc = buildResolveSource(s, &pAll, &zFrom);
    if (rc) return rc;

    int nCol = sqlite3_column_count(pAll);
    for (int i = 0; i < nNeed && rc == SQLITE_OK; i++) {
        int found = 0;
        for (int j = 0; j < nCol && !found; j++) {
            const char *zName = sqlite3_column_name(pAll, j);
            if (zName == NULL) {
                rc = SQLITE_NOMEM;
                break;
            }
            found = sqlite3_stricmp(zName, azCol[i]) == 0;
        }
        if (rc == SQLITE_OK && !found) rc = buildNoColumn(s, pAll, azArg[i], azCol[i]);
    }
    sqlite3_finalize(pAll);
    /* the rowid only serves the samples of unreadable times bad_times='skip'
    ** keeps; with 'error' the first one stops the read */
    for (int withRowid = p->skipBadTimes; rc == SQLITE_OK && withRowid >= 0; withRowid--) {
        if (s->isStream && zOrder == NULL) {
            /* users in SQL order, one after another, from SQLite's sorter */
            zOrder = sqlite3_mprintf(" ORDER BY \"%w\" COLLATE BINARY", p->zUserCol);
            if (!zOrder) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        char *zSql = sqlite3_mprintf(
            "SELECT %s\"%w\", \"%w\", \"%w\"%s%w%s%s%s FROM %s%s",
            asReader ? BUILD_READER "(?1, " : "", p->zUserCol, p->zProgramCol, p->zTimeCol,
            p->zSegmentCol ? ", \"" : "", p->zSegmentCol ? p->zSegmentCol : "",
            p->zSegmentCol ? "\"" : "", withRowid ? ", _rowid_" : "", asReader ? ")" : "", zFrom,
            zOrder ? zOrder : "");
        if (!zSql) {
            rc = SQLITE_NOMEM;
            break;
        }
        rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
        if (rc == SQLITE_OK) {
            s->pD->hasRowid = withRowid;
            rc = buildCheckCacheable(s, zSql);
            sqlite3_free(zSql);
            break;
        }
        sqlite3_free(zSql);
        if (rc == SQLITE_NOMEM) break;
        if (!withRowid) {
            rc = buildError(s, rc, "cannot read '%s': %s", p->zSource, sqlite3_errmsg(s->db));
        } else {
            rc = SQLITE_OK; /* no rowid (a view, WITHOUT ROWID): try without */
        }
    }
    sqlite3_free(zFrom);
    sqlite3_free(zOrder);
    if (rc != SQLITE_OK) {
        /* e.g. out of memory checking the plan: no statement to the caller */
        sqlite3_finalize(*ppStmt);
        *ppStmt = NULL;
    }
    return rc;
}

/*
** Rule 2: an unreadable time is an error, or with bad_times='skip' counted
** (the first few kept as samples, with their rowids). zTime is the value as
** text (NUL-terminated); iRowid is -1 when there is none.
*/
static int buildBadTime(build_state *s, const char *zTime, int64_t iRowid) {
    lp_data *pD = s->pD;
    char *zQuoted;
    if (s->p->skipBadTimes && pD->nBadSample >= LP_BAD_SAMPLES) {
        pD->nBadTime++;
        return SQLITE_OK;
    }
    zQuoted = learnpath_quote(zTime);
    if (zQuoted == NULL) return SQLITE_NOMEM;
    if (!s->p->skipBadTimes) {
        int rc = buildError(s, SQLITE_ERROR, "unreadable time %s in column '%s' of '%s'", zQuoted,
                            s->p->zTimeCol, s->p->zSource);
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
** costs, and interns the program; buildRow does the rest without any. A
** row left out by rule 1 is decoded no further than what leaves it out. A
** time of the usual ISO shape is carried as text for buildRow (on the
** helper thread, when there is one); any other is read here, where SQLite
** can convert it.
*/
static int buildDecode(build_state *s, sqlite3_value **ap, build_rec *r) {
    const char *z;
    int n, rc;
    r->isEmptyUser = 0;
    r->prog = LP_NONE;
    r->zKey = NULL;
    r->zSeg = NULL;
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
    rc = buildTextId(z, n, &s->pD->programs, s->aProgSeen, 0, &r->prog);
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
    if (s->p->zSegmentCol) {
        rc = buildDecodeName(ap[3], &r->zSeg, &r->nSeg);
        if (rc) return rc;
    }
    if (s->pD->hasRowid) {
        sqlite3_value *pRowid = ap[s->p->zSegmentCol ? 4 : 3];
        if (sqlite3_value_type(pRowid) == SQLITE_INTEGER) r->iRowid = sqlite3_value_int64(pRowid);
    }
    return SQLITE_OK;
}

/*
** One decoded row: rules 1-3. Streaming, a row of the next user is left
** alone and *pPending set, so the next window starts with it. The caller
** counts the row read when this returns SQLITE_OK without *pPending.
**
** With isWorker (the helper thread) nothing here calls SQLite or
** allocates: a row that would need either returns BUILD_NEED_MAIN before
** anything of it is kept (what was done by then - a name interned, the
** previous user looked up - gives the same answer when the row is done
** again), and the reading thread does it.
*/
static int buildRow(build_state *s, const build_rec *r, int isWorker, int *pPending) {
    lp_data *pD = s->pD;
    lp_key key = r->key;
    uint32_t prog = r->prog, seg = LP_NONE, u;
    int64_t t;
    int rc;

    if (r->isEmptyUser) {
        pD->nSkipUser++;
        return SQLITE_OK;
    }
    if (keyClass(&key) != 1) {
        /* the bytes go after the users' bytes, kept only for a new user */
        if (pD->nKeyByte + key.n > pD->nKeyByteAlloc) {
            if (isWorker) return BUILD_NEED_MAIN;
            rc = buildGrow((void **)&pD->aKeyByte, &pD->nKeyByteAlloc, pD->nKeyByte + key.n, 1);
            if (rc) return rc;
        }
        memcpy(pD->aKeyByte + pD->nKeyByte, r->zKey, (size_t)key.n);
        key.v.off = pD->nKeyByte;
    }
    if (s->isStream && pD->nUser == 1 && !buildKeyEq(pD, &pD->aKey[0], &key)) {
        *pPending = 1;
        return SQLITE_OK;
    }
    if (r->prog == LP_NONE) {
        pD->nSkipProgram++;
        return SQLITE_OK;
    }
    if (r->eTime == BUILD_T_EMPTY) {
        pD->nSkipTime++;
        return SQLITE_OK;
    }
    t = r->t;
    if (r->eTime == BUILD_T_BAD ||
        (r->eTime == BUILD_T_TEXT && learnpath_parse_time_text(r->aTime, r->nTime, &t) != LP_TIME_OK)) {
        if (isWorker && (!s->p->skipBadTimes || pD->nBadSample < LP_BAD_SAMPLES)) {
            return BUILD_NEED_MAIN; /* a message or a sample to allocate */
        }
        return buildBadTime(s, r->eTime == BUILD_T_BAD ? r->zBad : r->aTime, r->iRowid);
    }
    if (r->zSeg) {
        rc = buildTextId(r->zSeg, r->nSeg, &pD->segments, s->aSegSeen, isWorker, &seg);
        if (rc) return rc;
    }
    if (s->isStream) {
        /* the window's one user */
        if (pD->nUser == 0) {
            if (pD->nUserAlloc < 2) {
                pD->aKey = sqlite3_malloc64(2 * sizeof(lp_key));
                pD->aFirst = sqlite3_malloc64(2 * sizeof(uint32_t));
                if (!pD->aKey || !pD->aFirst) return SQLITE_NOMEM;
                pD->nUserAlloc = 2;
            }
            pD->aKey[0] = key;
            pD->aFirst[0] = 0;
            if (keyClass(&key) != 1) pD->nKeyByte += key.n;
            pD->nUser = 1;
        }
        u = 0;
    } else {
        rc = buildUserOf(s, &key, isWorker, &u);
        if (rc) return rc;
        if (s->isGrouped && u + 1 != pD->nUser) {
            /* an earlier user's row after another user's: not grouped */
            if (isWorker) return BUILD_NEED_MAIN;
            rc = buildUngroup(s);
            if (rc) return rc;
        }
    }
    if (pD->nEv >= pD->nEvAlloc) {
        if (isWorker) return BUILD_NEED_MAIN;
        rc = buildGrowEvents(s, (uint64_t)pD->nEv + 1);
        if (rc) return rc;
    }
    pD->aT[pD->nEv] = t;
    pD->aProg[pD->nEv] = prog;
    if (pD->aSeg) pD->aSeg[pD->nEv] = seg;
    if (!s->isGrouped) s->aUserOf[pD->nEv] = u;
    pD->nEv++;
    return SQLITE_OK;
}

/* Decode and keep one row on the reading thread (no helper thread). */
static int buildRowNow(build_state *s, sqlite3_value **ap, int *pPending) {
    build_rec r;
    int rc = buildDecode(s, ap, &r);
    if (rc == SQLITE_OK) rc = buildRow(s, &r, 0, pPending);
    if (rc == SQLITE_OK && !*pPending) s->pD->nRowRead++;
    return rc;
}

/* Does the message come from a learnpath function ("name(): ...")? */
static int buildIsOwnError(const char *zMsg) {
    static const char *const azFunc[] = {"first_program(): ", "program_journeys(): ",
                                         "program_steps(): ", "program_transitions(): ",
                                         "enrollment_profile(): "};
    for (size_t i = 0; i < sizeof(azFunc) / sizeof(azFunc[0]); i++) {
        if (strncmp(zMsg, azFunc[i], strlen(azFunc[i])) == 0) return 1;
    }
    return 0;
}

/* A failed step (locked, interrupted, corrupt...) is an error, never the
** end of the data. */
static int buildStepError(build_state *s, int rc) {
    const char *zMsg;
    if (rc == SQLITE_NOMEM || rc == LP_OVER_BUDGET || *s->pzErr) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (buildIsOwnError(zMsg)) {
        /* a learnpath function inside the source (a view) failed: its
        ** message already says which and why */
        *s->pzErr = sqlite3_mprintf("%s", zMsg);
        return *s->pzErr ? rc : SQLITE_NOMEM;
    }
    return buildError(s, rc, "reading '%s': %s", s->p->zSource, zMsg);
}

/* The values of the statement's current row, in buildRow's order. */
static void buildRowValues(sqlite3_stmt *pStmt, sqlite3_value **ap) {
    int n = sqlite3_column_count(pStmt);
    for (int i = 0; i < n && i < BUILD_MAX_COLS; i++) ap[i] = sqlite3_column_value(pStmt, i);
}

/* ---------------------------------------------------- the helper thread */

/*
** Reading a large source, each row is decoded by the reading thread (every
** SQLite call a row needs) and copied into a batch, which a helper thread
** keeps (buildRow with isWorker) while the reading thread goes on with
** SQLite's scan: the scan and learnpath's own work on the rows overlap on
** two cores. The helper calls no SQLite function and allocates nothing, so
** it works the same whatever SQLite's threading mode: before it takes a
** batch, the reading thread makes room in every array for all the batch's
** rows (buildReserve), and a row that needs more (an error message, a
** sample of an unreadable time, the first row out of user order) stops it
** there; the reading thread does that row and the rest of the batch itself.
** One thread at a time keeps rows, in the order they were read, so the
** answer is the same as without the helper, byte for byte.
*/

/* Rows read before a helper starts; a batch's most rows and text bytes. */
static int buildThreadAfter = 65536;
static int buildBatchRows = 4096;
static int buildBatchBytes = 256 * 1024;

void learnpath_build_tune(int nAfter, int nRows, int nBytes) {
    buildThreadAfter = nAfter >= 0 ? nAfter : 65536;
    buildBatchRows = nRows > 0 ? nRows : 4096;
    buildBatchBytes = nBytes > 0 ? nBytes : 256 * 1024;
}

typedef struct build_batch {
    build_rec *aRec;
    int nRec;
    int iStop;           /* the helper stopped before this row (nRec: did all) */
    char *aByte;         /* the rows' text, each value followed by a NUL */
    int64_t nByte;
    int64_t nKeyByte;    /* bytes of text and blob users */
    uint32_t nSeg;       /* rows with a segment */
    int64_t nSegByte;
} build_batch;

#if BUILD_THREADS
typedef struct build_worker {
    build_state *s;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t cond; /* broadcast on every change of isBusy or isQuit */
    build_batch aBatch[2];
    int iFill;           /* the batch the reading thread fills */
    int iWork;           /* the batch handed over last (-1: its rows are all kept) */
    int isBusy;          /* the helper is keeping aBatch[iWork] */
    int isQuit;
} build_worker;

static void *buildWorkerMain(void *pArg) {
    build_worker *w = pArg;
    pthread_mutex_lock(&w->mutex);
    for (;;) {
        while (!w->isBusy && !w->isQuit) pthread_cond_wait(&w->cond, &w->mutex);
        if (!w->isBusy) break; /* isQuit */
        build_batch *b = &w->aBatch[w->iWork];
        pthread_mutex_unlock(&w->mutex);
        int i;
        for (i = 0; i < b->nRec; i++) {
            int pending = 0;
            if (buildRow(w->s, &b->aRec[i], 1, &pending) != SQLITE_OK) break;
            w->s->pD->nRowRead++;
        }
        b->iStop = i;
        pthread_mutex_lock(&w->mutex);
        w->isBusy = 0;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->mutex);
    return NULL;
}

static void buildFreeBatches(build_worker *w) {
    for (int k = 0; k < 2; k++) {
        sqlite3_free(w->aBatch[k].aRec);
        sqlite3_free(w->aBatch[k].aByte);
    }
}

/* Start the helper; without one (no memory, no thread) reading goes on
** on this thread alone. */
static void buildStartWorker(build_state *s) {
    build_worker *w;
    s->noWorker = 1; /* one try */
    w = sqlite3_malloc64(sizeof(*w));
    if (!w) return;
    memset(w, 0, sizeof(*w));
    w->s = s;
    w->iWork = -1;
    for (int k = 0; k < 2; k++) {
        w->aBatch[k].aRec = sqlite3_malloc64((sqlite3_uint64)buildBatchRows * sizeof(build_rec));
        w->aBatch[k].aByte = sqlite3_malloc64((sqlite3_uint64)buildBatchBytes);
        if (!w->aBatch[k].aRec || !w->aBatch[k].aByte) goto fail;
    }
    if (pthread_mutex_init(&w->mutex, NULL)) goto fail;
    if (pthread_cond_init(&w->cond, NULL)) {
        pthread_mutex_destroy(&w->mutex);
        goto fail;
    }
    /* the helper starts with every signal blocked, so that a signal (the
    ** shell's Ctrl-C, a host's timer) goes to the host's own threads */
    sigset_t all, old;
    sigfillset(&all);
    int rcMask = pthread_sigmask(SIG_SETMASK, &all, &old);
    int rcCreate = pthread_create(&w->thread, NULL, buildWorkerMain, w);
    if (rcMask == 0) pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rcCreate) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->mutex);
        goto fail;
    }
    s->pW = w;
    return;
fail:
    buildFreeBatches(w);
    sqlite3_free(w);
}

/* Stop and free the helper, once it is done with its batch. */
static void buildStopWorker(build_state *s) {
    build_worker *w = s->pW;
    if (!w) return;
    pthread_mutex_lock(&w->mutex);
    while (w->isBusy) pthread_cond_wait(&w->cond, &w->mutex);
    w->isQuit = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mutex);
    buildFreeBatches(w);
    sqlite3_free(w);
    s->pW = NULL;
}

/* Wait until the helper is idle, then keep the rows it left of its batch. */
static int buildWorkerWait(build_state *s) {
    build_worker *w = s->pW;
    pthread_mutex_lock(&w->mutex);
    while (w->isBusy) pthread_cond_wait(&w->cond, &w->mutex);
    pthread_mutex_unlock(&w->mutex);
    if (w->iWork < 0) return SQLITE_OK;
    build_batch *b = &w->aBatch[w->iWork];
    w->iWork = -1;
    for (int i = b->iStop; i < b->nRec; i++) {
        int pending = 0;
        int rc = buildRow(s, &b->aRec[i], 0, &pending);
        if (rc) return rc;
        s->pD->nRowRead++;
    }
    return SQLITE_OK;
}

/* Room in every array for all of a batch's rows (the helper idle). */
static int buildReserve(build_state *s, const build_batch *b) {
    lp_data *pD = s->pD;
    uint64_t nEv = (uint64_t)pD->nEv + (uint64_t)b->nRec;
    uint64_t nUser = (uint64_t)pD->nUser + (uint64_t)b->nRec + 2;
    int rc;
    /* past the limits a row stops the helper and meets them here, one by one */
    rc = buildGrowEvents(s, nEv < 0xfffffff0u ? nEv : 0xfffffff0u);
    if (rc == SQLITE_OK) rc = buildGrowUsers(s, nUser < 0x7ffffff2u ? nUser : 0x7ffffff2u);
    if (rc == SQLITE_OK && !s->isSorted) {
        rc = buildGrowSlots(s, nUser < 0x40000000u ? nUser : 0x40000000u);
    }
    if (rc == SQLITE_OK) {
        rc = buildGrow((void **)&pD->aKeyByte, &pD->nKeyByteAlloc, pD->nKeyByte + b->nKeyByte, 1);
    }
    if (rc == SQLITE_OK) rc = learnpath_strtab_reserve(&pD->segments, b->nSeg, b->nSegByte);
    return rc;
}

/*
** Copy n bytes and a NUL into the batch. Names and times are short: up to
** 32 bytes are copied as two overlapping words of 4, 8 or 16 bytes,
** inline, instead of a call to memcpy with a length only known here.
*/
static const char *buildStashBytes(build_batch *b, const char *z, int n) {
    char *zOut = b->aByte + b->nByte;
    if (n >= 16 && n <= 32) {
        memcpy(zOut, z, 16);
        memcpy(zOut + n - 16, z + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        memcpy(zOut, z, 8);
        memcpy(zOut + n - 8, z + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(zOut, z, 4);
        memcpy(zOut + n - 4, z + n - 4, 4);
    } else {
        memcpy(zOut, z, (size_t)n);
    }
    zOut[n] = 0;
    b->nByte += n + 1;
    return zOut;
}

/*
** Keep the row decoded into the batch's next slot (b->aRec[b->nRec]) by
** copying its text into the batch; 0 if the text has no room there.
*/
static int buildStashSlot(build_batch *b) {
    build_rec *p = &b->aRec[b->nRec];
    int64_t nNeed = (p->zKey ? p->key.n + 1 : 0) + (p->zSeg ? p->nSeg + 1 : 0) +
                    (p->zBad ? (int64_t)strlen(p->zBad) + 1 : 0);
    if (b->nByte + nNeed > buildBatchBytes) return 0;
    b->nRec++;
    if (p->zKey) {
        p->zKey = buildStashBytes(b, p->zKey, p->key.n);
        b->nKeyByte += p->key.n;
    }
    if (p->zSeg) {
        p->zSeg = buildStashBytes(b, p->zSeg, p->nSeg);
        b->nSeg++;
        b->nSegByte += p->nSeg;
    }
    if (p->zBad) p->zBad = buildStashBytes(b, p->zBad, (int)strlen(p->zBad));
    return 1;
}

/* Copy a decoded row into a batch just emptied; 0 if its text has no room. */
static int buildStash(build_batch *b, const build_rec *r) {
    b->aRec[b->nRec] = *r;
    return buildStashSlot(b);
}

/* Hand the batch being filled to the helper, once it is done with its own. */
static int buildWorkerFlush(build_state *s) {
    build_worker *w = s->pW;
    build_batch *b = &w->aBatch[w->iFill];
    int rc = buildWorkerWait(s);
    if (rc == SQLITE_OK && b->nRec > 0) rc = buildReserve(s, b);
    if (rc || b->nRec == 0) return rc;
    b->iStop = 0;
    pthread_mutex_lock(&w->mutex);
    w->iWork = w->iFill;
    w->isBusy = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    w->iFill ^= 1;
    b = &w->aBatch[w->iFill];
    b->nRec = 0;
    b->nByte = b->nKeyByte = b->nSegByte = 0;
    b->nSeg = 0;
    return SQLITE_OK;
}

/* One row of the reader function. */
static int buildReaderRow(build_state *s, sqlite3_value **ap) {
    build_worker *w = s->pW;
    build_rec r;
    int pending = 0, rc;
    if (w == NULL) {
        rc = buildRowNow(s, ap, &pending);
        if (rc == SQLITE_OK && !s->noWorker && s->pD->nRowRead >= buildThreadAfter) {
            buildStartWorker(s);
        }
        return rc;
    }
    build_batch *b = &w->aBatch[w->iFill];
    if (b->nRec < buildBatchRows) {
        /* decoded straight into the batch */
        rc = buildDecode(s, ap, &b->aRec[b->nRec]);
        if (rc) return rc;
        if (buildStashSlot(b)) return SQLITE_OK;
        r = b->aRec[b->nRec];
    } else {
        rc = buildDecode(s, ap, &r);
        if (rc) return rc;
    }
    rc = buildWorkerFlush(s);
    if (rc) return rc;
    if (buildStash(&w->aBatch[w->iFill], &r)) return SQLITE_OK;
    /* a row larger than a batch: kept here, after every row before it */
    rc = buildWorkerWait(s);
    if (rc == SQLITE_OK) rc = buildRow(s, &r, 0, &pending);
    if (rc == SQLITE_OK) s->pD->nRowRead++;
    return rc;
}

/* After the last row: keep what the batches hold. */
static int buildWorkerDrain(build_state *s) {
    if (s->pW == NULL) return SQLITE_OK;
    int rc = buildWorkerFlush(s);
    if (rc == SQLITE_OK) rc = buildWorkerWait(s);
    return rc;
}
#else
static void buildStopWorker(build_state *s) {
    (void)s;
}
static int buildReaderRow(build_state *s, sqlite3_value **ap) {
    int pending = 0;
    return buildRowNow(s, ap, &pending);
}
static int buildWorkerDrain(build_state *s) {
    (void)s;
    return SQLITE_OK;
}
#endif

/*
** The reader function: an aggregate whose steps are the rows. Reading the
** rows this way (all of them in one sqlite3_step) costs SQLite's scan and
** little more; fetching each row's values through sqlite3_step() and the
** sqlite3_column_*() calls cost about as much again. Its first argument is
** the build state, bound by buildRead as a pointer of a private type, so
** SQL cannot call it with anything else; it is SQLITE_DIRECTONLY as well.
*/
static void buildReaderStep(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
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
        sqlite3_result_error(ctx, BUILD_READER "(): for learnpath's own use only", -1);
        return;
    }
    rc = buildReaderRow(s, argv + 1);
    if (rc == SQLITE_OK) return;
    s->rcRow = rc;
    if (rc == SQLITE_NOMEM) {
        sqlite3_result_error_nomem(ctx);
    } else {
        sqlite3_result_error(ctx, *s->pzErr ? *s->pzErr : sqlite3_errstr(rc), -1);
        sqlite3_result_error_code(ctx, rc == LP_OVER_BUDGET ? SQLITE_ERROR : rc);
    }
}

static void buildReaderFinal(sqlite3_context *ctx) {
    (void)ctx; /* the answer is in the build state; the result is NULL */
}

int learnpath_register_build(sqlite3 *db) {
    return sqlite3_create_function(db, BUILD_READER, -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, 0, 0,
                                   buildReaderStep, buildReaderFinal);
}

/* Step 2: one pass over the rows, inside one sqlite3_step(). */
static int buildRead(build_state *s) {
    sqlite3_stmt *pStmt = NULL;
    int rc = buildPrepare(s, 1, &pStmt);
    if (rc) return rc;
    rc = sqlite3_bind_pointer(pStmt, 1, s, BUILD_POINTER_TYPE, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(pStmt);
        if (rc == SQLITE_ROW) {
            /* the rows the helper thread had not kept yet */
            rc = buildWorkerDrain(s);
            if (rc && rc != SQLITE_NOMEM && rc != LP_OVER_BUDGET && *s->pzErr == NULL) {
                rc = buildError(s, rc, "reading '%s': %s", s->p->zSource, sqlite3_errstr(rc));
            }
        } else {
            if (s->rcRow) rc = s->rcRow;
            rc = buildStepError(s, rc);
        }
    }
    buildStopWorker(s);
    sqlite3_finalize(pStmt);
    return rc;
}

/* ------------------------------------------------------------ finishing */

/* One enrollment while a user's enrollments are sorted. */
typedef struct build_ev {
    int64_t t;
    uint32_t rank;
    uint32_t prog;
    uint32_t seg;
} build_ev;

static int buildEvCmp(const void *pa, const void *pb) {
    const build_ev *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

/* Sort enrollments [i0, i1) by time, then program name (rule 4). */
static int buildSortUser(lp_data *pD, uint32_t i0, uint32_t i1, build_ev **paTmp,
                         uint32_t *pnTmp) {
    uint32_t i;
    for (i = i0 + 1; i < i1; i++) {
        if (pD->aT[i - 1] > pD->aT[i] ||
            (pD->aT[i - 1] == pD->aT[i] && pD->aRank[pD->aProg[i - 1]] > pD->aRank[pD->aProg[i]])) {
            break;
        }
    }
    if (i >= i1) return SQLITE_OK; /* in order already: the common case */
    uint32_t n = i1 - i0;
    if (n > *pnTmp) {
        build_ev *aNew = sqlite3_realloc64(*paTmp, (sqlite3_uint64)n * sizeof(build_ev));
        if (!aNew) return SQLITE_NOMEM;
        *paTmp = aNew;
        *pnTmp = n;
    }
    build_ev *a = *paTmp;
    for (i = 0; i < n; i++) {
        a[i].t = pD->aT[i0 + i];
        a[i].prog = pD->aProg[i0 + i];
        a[i].rank = pD->aRank[a[i].prog];
        a[i].seg = pD->aSeg ? pD->aSeg[i0 + i] : LP_NONE;
    }
    qsort(a, n, sizeof(build_ev), buildEvCmp);
    for (i = 0; i < n; i++) {
        pD->aT[i0 + i] = a[i].t;
        pD->aProg[i0 + i] = a[i].prog;
        if (pD->aSeg) pD->aSeg[i0 + i] = a[i].seg;
    }
    return SQLITE_OK;
}

/* Counting sort of the enrollments by user (when rows were not grouped:
** there are two enrollments at least). */
static int buildGroupByUser(build_state *s) {
    lp_data *pD = s->pD;
    uint32_t nUser = pD->nUser, nEv = pD->nEv;
    uint32_t *aPos = sqlite3_malloc64((sqlite3_uint64)(nUser + 1) * sizeof(uint32_t));
    if (!aPos) return SQLITE_NOMEM;
    memset(pD->aFirst, 0, (size_t)(nUser + 1) * sizeof(uint32_t));
    for (uint32_t e = 0; e < nEv; e++) pD->aFirst[s->aUserOf[e] + 1]++;
    for (uint32_t u = 0; u < nUser; u++) pD->aFirst[u + 1] += pD->aFirst[u];

    /* one array at a time, so only one extra copy is alive */
    int64_t *aT = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(int64_t));
    if (!aT) goto nomem;
    memcpy(aPos, pD->aFirst, (size_t)(nUser + 1) * sizeof(uint32_t));
    for (uint32_t e = 0; e < nEv; e++) aT[aPos[s->aUserOf[e]]++] = pD->aT[e];
    sqlite3_free(pD->aT);
    pD->aT = aT;
    for (int k = 0; k < 2; k++) {
        uint32_t **paArr = k == 0 ? &pD->aProg : &pD->aSeg;
        if (*paArr == NULL) continue;
        uint32_t *aNew = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(uint32_t));
        if (!aNew) goto nomem;
        memcpy(aPos, pD->aFirst, (size_t)(nUser + 1) * sizeof(uint32_t));
        for (uint32_t e = 0; e < nEv; e++) aNew[aPos[s->aUserOf[e]]++] = (*paArr)[e];
        sqlite3_free(*paArr);
        *paArr = aNew;
    }
    pD->nEvAlloc = nEv;
    sqlite3_free(aPos);
    return SQLITE_OK;
nomem:
    sqlite3_free(aPos);
    return SQLITE_NOMEM;
}

int learnpath_sort_index(uint32_t n, int (*xCmp)(void *, uint32_t, uint32_t), void *pCtx,
                         uint32_t **paOut) {
    uint32_t *a = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    uint32_t *b = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    *paOut = NULL;
    if (!a || !b) {
        sqlite3_free(a);
        sqlite3_free(b);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) a[i] = i;
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n;
            uint32_t hi = mid + width < n ? mid + width : n;
            uint32_t x = lo, y = mid, k = lo;
            while (x < mid && y < hi) b[k++] = xCmp(pCtx, a[x], a[y]) <= 0 ? a[x++] : a[y++];
            while (x < mid) b[k++] = a[x++];
            while (y < hi) b[k++] = a[y++];
        }
        uint32_t *t = a;
        a = b;
        b = t;
    }
    sqlite3_free(b);
    *paOut = a;
    return SQLITE_OK;
}

static int buildUserKeyCmp(void *pCtx, uint32_t a, uint32_t b) {
    const lp_data *pD = pCtx;
    return learnpath_key_cmp(pD, &pD->aKey[a], &pD->aKey[b]);
}

/* Users in user_id order, into pD->aOrder. */
static int buildOrderUsers(lp_data *pD) {
    return learnpath_sort_index(pD->nUser, buildUserKeyCmp, pD, &pD->aOrder);
}

/* Rank programs by name (byte order): pD->aRank[program] = place. */
typedef struct build_named {
    const char *z;
    int n;
    uint32_t idx;
} build_named;

static int buildNamedCmp(const void *pa, const void *pb) {
    const build_named *a = pa, *b = pb;
    return learnpath_bytes_cmp(a->z, a->n, b->z, b->n);
}

static int buildRankPrograms(lp_data *pD) {
    uint32_t n = pD->programs.n;
    build_named *aNamed = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(build_named));
    pD->aRank = sqlite3_malloc64((sqlite3_uint64)(n ? n : 1) * sizeof(uint32_t));
    if (!aNamed || !pD->aRank) {
        sqlite3_free(aNamed);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        aNamed[i].z = LP_STR(&pD->programs, i);
        aNamed[i].n = LP_STRLEN(&pD->programs, i);
        aNamed[i].idx = i;
    }
    qsort(aNamed, n, sizeof(build_named), buildNamedCmp);
    for (uint32_t i = 0; i < n; i++) pD->aRank[aNamed[i].idx] = i;
    sqlite3_free(aNamed);
    return SQLITE_OK;
}

/* Step 3: group by user, sort each user's enrollments, order the users. */
static int buildFinish(build_state *s) {
    lp_data *pD = s->pD;
    build_ev *aTmp = NULL;
    uint32_t nTmp = 0;
    int rc;

    sqlite3_free(s->aSlot);
    s->aSlot = NULL;
    if (pD->aFirst == NULL) {
        pD->aFirst = sqlite3_malloc64(sizeof(uint32_t));
        if (!pD->aFirst) return SQLITE_NOMEM;
    }
    if (s->isGrouped) {
        pD->aFirst[pD->nUser] = pD->nEv; /* room was kept by buildUserOf */
    } else {
        rc = buildGroupByUser(s);
        if (rc) return rc;
    }
    sqlite3_free(s->aUserOf);
    s->aUserOf = NULL;
    rc = buildRankPrograms(pD);
    for (uint32_t u = 0; u < pD->nUser && rc == SQLITE_OK; u++) {
        rc = buildSortUser(pD, pD->aFirst[u], pD->aFirst[u + 1], &aTmp, &nTmp);
    }
    sqlite3_free(aTmp);
    if (rc) return rc;
    for (uint32_t u = 1; u < pD->nUser && !s->isSorted; u++) {
        if (learnpath_key_cmp(pD, &pD->aKey[u - 1], &pD->aKey[u]) >= 0) {
            rc = buildOrderUsers(pD);
            break;
        }
    }
    pD->nByteUsed = (int64_t)pD->nEvAlloc * (sizeof(int64_t) + sizeof(uint32_t) * (pD->aSeg ? 2 : 1)) +
                    (int64_t)pD->nUserAlloc * (sizeof(lp_key) + sizeof(uint32_t)) +
                    (pD->aOrder ? (int64_t)pD->nUser * 4 : 0) + pD->nKeyByteAlloc +
                    pD->programs.nByteAlloc + pD->segments.nByteAlloc +
                    (int64_t)(pD->programs.nAlloc + pD->segments.nAlloc) * 16;
    return rc;
}

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
    rc = buildRead(&s);
    if (rc == SQLITE_OK) rc = buildFinish(&s);
    sqlite3_free(s.aSlot);
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
    if (pD->pMemo) pD->xMemoFree(pD->pMemo); /* set together (lp_journeys.c) */
    learnpath_strtab_free(&pD->programs);
    learnpath_strtab_free(&pD->segments);
    sqlite3_free(pD->aKeyByte);
    sqlite3_free(pD->aKey);
    sqlite3_free(pD->aFirst);
    sqlite3_free(pD->aT);
    sqlite3_free(pD->aProg);
    sqlite3_free(pD->aSeg);
    sqlite3_free(pD->aOrder);
    sqlite3_free(pD->aRank);
    for (int i = 0; i < pD->nBadSample; i++) sqlite3_free(pD->azBadSample[i]);
    sqlite3_free(pD);
}

/* ------------------------------------------------------------ streaming */

/*
** The bigger-than-memory path: rows come from
**   SELECT ... FROM source ORDER BY user COLLATE BINARY
** (SQLite's sorter spills to temporary files as needed), and the window
** lp_data holds one user at a time; its program and segment tables and its
** reading counts grow over the whole stream.
*/
struct lp_stream {
    lp_source_spec spec; /* a copy: the caller's may not outlive the stream */
    build_state s;
    sqlite3_stmt *pStmt;
    int hasPending;      /* the statement stands on the next user's first row */
    int isDone;
    uint32_t *aLocal;    /* per program: its place among the user's programs */
    uint32_t nLocal;
    build_named *aNamed; /* scratch: the user's distinct programs */
    uint32_t nNamed;
    build_ev *aTmp;
    uint32_t nTmp;
};

static int streamNameCmp(const lp_data *pD, uint32_t a, uint32_t b) {
    return learnpath_bytes_cmp(LP_STR(&pD->programs, a), LP_STRLEN(&pD->programs, a),
                               LP_STR(&pD->programs, b), LP_STRLEN(&pD->programs, b));
}

/* Sort the window's enrollments by time, then program name (rule 4). */
static int streamSortUser(lp_stream *st) {
    lp_data *pD = st->s.pD;
    uint32_t n = pD->nEv, i, nNamed = 0;
    for (i = 1; i < n; i++) {
        if (pD->aT[i - 1] > pD->aT[i] ||
            (pD->aT[i - 1] == pD->aT[i] && streamNameCmp(pD, pD->aProg[i - 1], pD->aProg[i]) > 0)) {
            break;
        }
    }
    if (i >= n) return SQLITE_OK;

    /* rank the user's programs by name, then sort as lp_build does */
    if (pD->programs.n > st->nLocal) {
        uint32_t nNew = pD->programs.n * 2;
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
    if (n > st->nTmp) {
        build_ev *a = sqlite3_realloc64(st->aTmp, (sqlite3_uint64)n * sizeof(build_ev));
        if (!a) return SQLITE_NOMEM;
        st->aTmp = a;
        st->nTmp = n;
    }
    for (i = 0; i < n; i++) {
        uint32_t prog = pD->aProg[i];
        if (st->aLocal[prog] != LP_NONE) continue;
        st->aLocal[prog] = 0;
        st->aNamed[nNamed].z = LP_STR(&pD->programs, prog);
        st->aNamed[nNamed].n = LP_STRLEN(&pD->programs, prog);
        st->aNamed[nNamed++].idx = prog;
    }
    qsort(st->aNamed, nNamed, sizeof(build_named), buildNamedCmp);
    for (i = 0; i < nNamed; i++) st->aLocal[st->aNamed[i].idx] = i;
    for (i = 0; i < n; i++) {
        st->aTmp[i].t = pD->aT[i];
        st->aTmp[i].prog = pD->aProg[i];
        st->aTmp[i].rank = st->aLocal[pD->aProg[i]];
        st->aTmp[i].seg = pD->aSeg ? pD->aSeg[i] : LP_NONE;
    }
    for (i = 0; i < nNamed; i++) st->aLocal[st->aNamed[i].idx] = LP_NONE;
    qsort(st->aTmp, n, sizeof(build_ev), buildEvCmp);
    for (i = 0; i < n; i++) {
        pD->aT[i] = st->aTmp[i].t;
        pD->aProg[i] = st->aTmp[i].prog;
        if (pD->aSeg) pD->aSeg[i] = st->aTmp[i].seg;
    }
    return SQLITE_OK;
}

/*
** One plain pass (no sorting) that reads every time the stream will use, so
** an unreadable one is an error before the first row is returned. Rule 1
** comes first, as in buildRow: a row without user or program is not read.
*/
static int streamCheckTimes(build_state *s) {
    sqlite3_stmt *pStmt = NULL;
    int rc = buildPrepare(s, 0, &pStmt);
    if (rc) return rc;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        lp_time_status eTime;
        int64_t t;
        sqlite3_value *ap[BUILD_MAX_COLS];
        buildRowValues(pStmt, ap);
        int eUser = sqlite3_value_type(ap[0]), eProg = sqlite3_value_type(ap[1]);
        if (eUser == SQLITE_NULL || eProg == SQLITE_NULL) continue;
        if ((eUser == SQLITE_TEXT || eUser == SQLITE_BLOB) && sqlite3_value_bytes(ap[0]) == 0) {
            continue;
        }
        if (sqlite3_value_text(ap[1]) == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (sqlite3_value_bytes(ap[1]) == 0) continue;
        rc = learnpath_parse_time_value(ap[2], &eTime, &t);
        if (rc) break;
        if (eTime == LP_TIME_BAD) {
            /* no rowid: this check runs for bad_times='error', which stops here */
            const char *zTime = (const char *)sqlite3_value_text(ap[2]);
            rc = zTime ? buildBadTime(s, zTime, -1) : SQLITE_NOMEM;
            break;
        }
    }
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else if (rc != SQLITE_OK) {
        rc = buildStepError(s, rc);
    }
    sqlite3_finalize(pStmt);
    return rc;
}

int learnpath_stream_next(lp_users *pIt, char **pzErr) {
    lp_stream *st = pIt->pStream;
    lp_data *pD = pIt->pData;
    int rc = SQLITE_OK;
    st->s.pzErr = pzErr;
    pD->nUser = 0;
    pD->nEv = 0;
    pD->nKeyByte = 0;
    while (!st->isDone) {
        int pending = 0;
        if (!st->hasPending) {
            rc = sqlite3_step(st->pStmt);
            if (rc == SQLITE_DONE) {
                st->isDone = 1;
                rc = SQLITE_OK;
                break;
            }
            if (rc != SQLITE_ROW) return buildStepError(&st->s, rc);
        }
        st->hasPending = 0;
        sqlite3_value *ap[BUILD_MAX_COLS];
        buildRowValues(st->pStmt, ap);
        rc = buildRowNow(&st->s, ap, &pending);
        if (rc) return rc;
        if (pending) {
            st->hasPending = 1;
            break;
        }
    }
    if (pD->nUser == 0) {
        pIt->eof = 1;
        return SQLITE_OK;
    }
    pD->aFirst[1] = pD->nEv;
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
    if (!p->skipBadTimes) {
        /* rule 2 before any row is returned: no partial result */
        rc = streamCheckTimes(&st->s);
        if (rc) return rc;
    }
    st->s.isStream = 1;
    rc = buildPrepare(&st->s, 0, &st->pStmt);
    if (rc) return rc;
    return learnpath_stream_next(pIt, pzErr);
}

/* Called by learnpath_users_close for a stream only (pIt->pStream set). */
void learnpath_stream_close(lp_users *pIt) {
    lp_stream *st = pIt->pStream;
    sqlite3_finalize(st->pStmt);
    sqlite3_free(st->aLocal);
    sqlite3_free(st->aNamed);
    sqlite3_free(st->aTmp);
    sqlite3_free(st);
    learnpath_data_unref(pIt->pData);
    memset(pIt, 0, sizeof(*pIt));
}
