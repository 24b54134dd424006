/*
** lp_build.c - read a source table once and build every user's journey.
**
** This is the only code that reads the user's tables. It is called by the
** journey functions (lp_journeys.c) with the parameters of one query.
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
**      user, no ORDER BY over the table, no allocation per row.
**   3. A counting sort groups the enrollments by user (linear); each user's
**      few enrollments are then sorted by time and program name.
**   4. Each user's enrollments become steps by the rules below; users are
**      returned in user_id order (SQL's order: numbers, text, blobs).
**
** RULES (numbered as in README.md; tests cite them)
**   1. Rows whose user, program or time is NULL or empty text are left out.
**   2. A time is read as julianday(value, 'auto') reads it (lp_time.c);
**      a non-empty value that cannot be read is an error naming the
**      function, the source, the column and the value.
**   3. A user is the SQL value, as in GROUP BY: 42 and '42' are two users;
**      42 and 42.0 are one. Programs are compared by their text.
**   4. Enrollments are ordered by time. ties='group' makes enrollments at one
**      instant one step named by their distinct programs, sorted by name
**      and joined by ' + '; ties='name' orders them by program name and
**      keeps each. `tied` = 1 when the first instant holds more than one
**      distinct program, under either policy.
**   5. repeats='collapse' merges consecutive steps with the same program
**      into the first; 'keep' keeps each; 'first_only' drops every
**      enrollment in a program the user already had (before steps form).
**   6. A user's segment is the first non-empty segment value in time order.
**   7. since/until keep users whose first step starts in [since, until);
**      their whole journeys are used.
**   8. within_days = N ends a journey at the first gap between step starts
**      longer than N days (after rule 5).
**   (Rules 9 and 10 concern output: lp_journeys.c.)
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "learnpath_int.h"

/* Identifiers longer than this are refused (argument length cap). */
#define BUILD_MAX_NAME 2000
/* Longest value quoted in an error message. */
#define BUILD_MAX_QUOTE 80

/* --------------------------------------------------------------- hashing */

static uint32_t buildHashBytes(const void *pData, int n, uint32_t h) {
    const unsigned char *p = pData;
    for (int i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
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
        uint32_t j = pTab->aHash[i] & (nSlot - 1);
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
            if (pTab->aHash[i] == h && pTab->aLen[i] == n &&
                memcmp(pTab->aByte + pTab->aOff[i], z, (size_t)n) == 0) {
                *piOut = i;
                return SQLITE_OK;
            }
            j = (j + 1) & (pTab->nSlot - 1);
        }
    }
    if (pTab->n >= 0x7ffffff0u) return SQLITE_TOOBIG;
    if (pTab->n >= pTab->nAlloc) {
        uint32_t nNew = pTab->nAlloc ? pTab->nAlloc * 2 : 16;
        int64_t *aOff = sqlite3_realloc64(pTab->aOff, (sqlite3_uint64)nNew * sizeof(int64_t));
        if (!aOff) return SQLITE_NOMEM;
        pTab->aOff = aOff;
        int *aLen = sqlite3_realloc64(pTab->aLen, (sqlite3_uint64)nNew * sizeof(int));
        if (!aLen) return SQLITE_NOMEM;
        pTab->aLen = aLen;
        uint32_t *aHash = sqlite3_realloc64(pTab->aHash, (sqlite3_uint64)nNew * sizeof(uint32_t));
        if (!aHash) return SQLITE_NOMEM;
        pTab->aHash = aHash;
        pTab->nAlloc = nNew;
    }
    rc = buildGrow((void **)&pTab->aByte, &pTab->nByteAlloc, pTab->nByte + n + 1, 1);
    if (rc) return rc;
    if (2 * (pTab->n + 1) > pTab->nSlot) {
        rc = strtabRehash(pTab, pTab->nSlot ? pTab->nSlot * 2 : 64);
        if (rc) return rc;
    }
    uint32_t i = pTab->n++;
    pTab->aOff[i] = pTab->nByte;
    pTab->aLen[i] = n;
    pTab->aHash[i] = h;
    if (n) memcpy(pTab->aByte + pTab->nByte, z, (size_t)n);
    pTab->aByte[pTab->nByte + n] = 0;
    pTab->nByte += n + 1;
    uint32_t j = h & (pTab->nSlot - 1);
    while (pTab->aSlot[j]) j = (j + 1) & (pTab->nSlot - 1);
    pTab->aSlot[j] = i + 1;
    *piOut = i;
    return SQLITE_OK;
}

void learnpath_strtab_free(lp_strtab *pTab) {
    sqlite3_free(pTab->aByte);
    sqlite3_free(pTab->aOff);
    sqlite3_free(pTab->aLen);
    sqlite3_free(pTab->aHash);
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

/* Compare an integer with a non-integral double, exactly. */
static int keyCmpIntReal(int64_t i, double r) {
    if (r < -9007199254740992.0 || r > 9007199254740992.0) return r < 0 ? 1 : -1;
    if (i < -9007199254740992LL) return -1;
    if (i > 9007199254740992LL) return 1;
    double d = (double)i;
    return (d > r) - (d < r);
}

int learnpath_key_cmp(const lp_key *a, const lp_key *b) {
    int ca = keyClass(a), cb = keyClass(b);
    if (ca != cb) return ca - cb;
    if (ca == 1) {
        int ai = a->eType == SQLITE_INTEGER || a->isIntegral;
        int bi = b->eType == SQLITE_INTEGER || b->isIntegral;
        if (ai && bi) return (a->iVal > b->iVal) - (a->iVal < b->iVal);
        if (!ai && !bi) return (a->rVal > b->rVal) - (a->rVal < b->rVal);
        if (ai) return keyCmpIntReal(a->iVal, b->rVal);
        return -keyCmpIntReal(b->iVal, a->rVal);
    }
    return learnpath_bytes_cmp(a->z, a->n, b->z, b->n);
}

/* ------------------------------------------------------------- builder */

/* One enrollment as read. rank = the program's place in name order. */
typedef struct build_event {
    int64_t t;
    uint32_t user;
    uint32_t prog;
    uint32_t seg;
    uint32_t rank;
} build_event;

typedef struct build_state {
    sqlite3 *db;
    const lp_params *p;
    lp_journeys *pJ;
    char **pzErr;
    /* users as first seen */
    lp_key *aKey;
    uint32_t *aKeyHash;
    int64_t nKey, nKeyAlloc, nKeyHashAlloc;
    uint32_t *aKeySlot;
    uint32_t nKeySlot;
    uint32_t iLastUser; /* user of the previous row, or LP_NONE */
    /* enrollments */
    build_event *aEv;
    int64_t nEv, nEvAlloc;
    int isGrouped;      /* every user's rows so far are consecutive */
    /* members of tie-group labels: label L >= nProgram has members
    ** aMember[aMemberOff[L - nProgram] .. aMemberOff[L - nProgram + 1]) */
    uint32_t nProgram;
    uint32_t *aMember;
    int64_t nMember, nMemberAlloc;
    int64_t *aMemberOff;
    int64_t nMemberOffAlloc;
    /* scratch */
    char *zLabel;
    int64_t nLabelAlloc;
    lp_step *aScratch;
    int64_t nScratchAlloc;
} build_state;

static void buildStateFree(build_state *s) {
    sqlite3_free(s->aKey);
    sqlite3_free(s->aKeyHash);
    sqlite3_free(s->aKeySlot);
    sqlite3_free(s->aEv);
    sqlite3_free(s->aMember);
    sqlite3_free(s->aMemberOff);
    sqlite3_free(s->zLabel);
    sqlite3_free(s->aScratch);
}

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

static int keyRehash(build_state *s, uint32_t nSlot) {
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    for (int64_t i = 0; i < s->nKey; i++) {
        uint32_t j = s->aKeyHash[i] & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = (uint32_t)i + 1;
    }
    sqlite3_free(s->aKeySlot);
    s->aKeySlot = aSlot;
    s->nKeySlot = nSlot;
    return SQLITE_OK;
}

/* Equality of two numeric keys under rule 3. */
static int keyNumEq(const lp_key *a, const lp_key *b) {
    return keyClass(a) == 1 && keyClass(b) == 1 && learnpath_key_cmp(a, b) == 0;
}

/*
** Intern the user value in column 0 of pStmt. Sets *piUser, or *piUser =
** LP_NONE when the value is NULL or empty (rule 1).
*/
static int buildUserId(build_state *s, sqlite3_stmt *pStmt, uint32_t *piUser) {
    lp_key k;
    uint32_t h;
    const char *z = NULL;
    memset(&k, 0, sizeof(k));
    k.eType = sqlite3_column_type(pStmt, 0);
    switch (k.eType) {
        case SQLITE_NULL:
            *piUser = LP_NONE;
            return SQLITE_OK;
        case SQLITE_INTEGER:
            k.iVal = sqlite3_column_int64(pStmt, 0);
            h = buildHashInt((uint64_t)k.iVal);
            break;
        case SQLITE_FLOAT:
            k.rVal = sqlite3_column_double(pStmt, 0);
            if (k.rVal >= -9223372036854775808.0 && k.rVal < 9223372036854775808.0 &&
                (double)(int64_t)k.rVal == k.rVal) {
                k.isIntegral = 1;
                k.iVal = (int64_t)k.rVal;
                h = buildHashInt((uint64_t)k.iVal);
            } else {
                uint64_t bits;
                memcpy(&bits, &k.rVal, sizeof(bits));
                h = buildHashInt(bits ^ 0x5bd1e995u);
            }
            break;
        default:
            if (k.eType == SQLITE_TEXT) {
                z = (const char *)sqlite3_column_text(pStmt, 0);
            } else {
                z = sqlite3_column_blob(pStmt, 0);
            }
            k.n = sqlite3_column_bytes(pStmt, 0);
            if (k.n == 0) {
                *piUser = LP_NONE;
                return SQLITE_OK;
            }
            if (z == NULL) return SQLITE_NOMEM;
            h = buildHashBytes(z, k.n, k.eType == SQLITE_TEXT ? 2166136261u : 0x811c9dc6u);
            break;
    }

    /* Exports usually list a user's rows together: try the previous user. */
    if (s->iLastUser != LP_NONE && s->aKeyHash[s->iLastUser] == h) {
        const lp_key *o = &s->aKey[s->iLastUser];
        if (z ? (o->eType == k.eType && o->n == k.n &&
                 memcmp(s->pJ->aKeyByte + o->iOff, z, (size_t)k.n) == 0)
              : keyNumEq(o, &k)) {
            *piUser = s->iLastUser;
            return SQLITE_OK;
        }
    }

    /* Look it up. Text and blob keys are compared against the new bytes. */
    if (s->nKeySlot) {
        uint32_t j = h & (s->nKeySlot - 1);
        while (s->aKeySlot[j]) {
            uint32_t i = s->aKeySlot[j] - 1;
            if (s->aKeyHash[i] == h) {
                const lp_key *o = &s->aKey[i];
                if (z) {
                    if (o->eType == k.eType && o->n == k.n &&
                        memcmp(s->pJ->aKeyByte + o->iOff, z, (size_t)k.n) == 0) {
                        *piUser = s->iLastUser = i;
                        return SQLITE_OK;
                    }
                } else if (keyNumEq(o, &k)) {
                    *piUser = s->iLastUser = i;
                    return SQLITE_OK;
                }
            }
            j = (j + 1) & (s->nKeySlot - 1);
        }
    }

    /* New user. */
    if (s->nKey >= 0x7ffffff0) return SQLITE_TOOBIG;
    int rc = buildGrow((void **)&s->aKey, &s->nKeyAlloc, s->nKey + 1, sizeof(lp_key));
    if (rc) return rc;
    rc = buildGrow((void **)&s->aKeyHash, &s->nKeyHashAlloc, s->nKey + 1, sizeof(uint32_t));
    if (rc) return rc;
    if (z) {
        lp_journeys *pJ = s->pJ;
        rc = buildGrow((void **)&pJ->aKeyByte, &pJ->nKeyByteAlloc, pJ->nKeyByte + k.n, 1);
        if (rc) return rc;
        memcpy(pJ->aKeyByte + pJ->nKeyByte, z, (size_t)k.n);
        k.iOff = pJ->nKeyByte;
        pJ->nKeyByte += k.n;
    }
    if (2 * (uint64_t)(s->nKey + 1) > s->nKeySlot) {
        rc = keyRehash(s, s->nKeySlot ? s->nKeySlot * 2 : 1024);
        if (rc) return rc;
    }
    uint32_t i = (uint32_t)s->nKey++;
    s->aKey[i] = k;
    s->aKeyHash[i] = h;
    uint32_t j = h & (s->nKeySlot - 1);
    while (s->aKeySlot[j]) j = (j + 1) & (s->nKeySlot - 1);
    s->aKeySlot[j] = i + 1;
    *piUser = s->iLastUser = i;
    return SQLITE_OK;
}

/* Read text column iCol; LP_NONE when NULL or empty, else interned. */
static int buildTextId(sqlite3_stmt *pStmt, int iCol, lp_strtab *pTab, uint32_t *piOut) {
    const char *z;
    int n;
    if (sqlite3_column_type(pStmt, iCol) == SQLITE_NULL) {
        *piOut = LP_NONE;
        return SQLITE_OK;
    }
    z = (const char *)sqlite3_column_text(pStmt, iCol);
    n = sqlite3_column_bytes(pStmt, iCol);
    if (z == NULL) return n ? SQLITE_NOMEM : (*piOut = LP_NONE, SQLITE_OK);
    if (n == 0) {
        *piOut = LP_NONE;
        return SQLITE_OK;
    }
    return learnpath_strtab_intern(pTab, z, n, piOut);
}

/* ------------------------------------------------------ source reading */

/* Does the message say that exactly this table is missing? */
static int buildIsNoSuchTable(const char *zMsg, const char *zName) {
    static const char zPrefix[] = "no such table: ";
    size_t n = sizeof(zPrefix) - 1;
    if (strncmp(zMsg, zPrefix, n) != 0) return 0;
    return strcmp(zMsg + n, zName) == 0;
}

/*
** Prepare "SELECT * FROM <source>" to learn the source's columns, trying
** the name as one identifier first and then as schema.table. On success
** *pzFrom is the quoted FROM clause to use (caller frees).
*/
static int buildResolveSource(build_state *s, sqlite3_stmt **ppStmt, char **pzFrom) {
    const char *zSrc = s->p->zSource;
    const char *zDot;
    char *zFrom;
    int rc;

    *ppStmt = NULL;
    *pzFrom = NULL;
    zFrom = sqlite3_mprintf("\"%w\"", zSrc);
    if (!zFrom) return SQLITE_NOMEM;
    char *zSql = sqlite3_mprintf("SELECT * FROM %s", zFrom);
    if (!zSql) {
        sqlite3_free(zFrom);
        return SQLITE_NOMEM;
    }
    rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
    sqlite3_free(zSql);
    if (rc == SQLITE_OK) {
        *pzFrom = zFrom;
        return SQLITE_OK;
    }
    sqlite3_free(zFrom);
    if (rc == SQLITE_NOMEM) return rc;

    const char *zMsg = sqlite3_errmsg(s->db);
    zDot = strchr(zSrc, '.');
    if (!buildIsNoSuchTable(zMsg, zSrc)) {
        return buildError(s, rc, "cannot read '%s': %s", zSrc, zMsg);
    }
    if (zDot == NULL || zDot == zSrc || zDot[1] == 0) {
        return buildError(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
    }

    char *zSchema = sqlite3_mprintf("%.*s", (int)(zDot - zSrc), zSrc);
    if (!zSchema) return SQLITE_NOMEM;
    zFrom = sqlite3_mprintf("\"%w\".\"%w\"", zSchema, zDot + 1);
    sqlite3_free(zSchema);
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
        return SQLITE_OK;
    }
    sqlite3_free(zFrom);
    if (rc == SQLITE_NOMEM) return rc;
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
    char *zList = sqlite3_str_finish(pList);
    if (zList == NULL && nCol > 0) return SQLITE_NOMEM;
    int rc = buildError(s, SQLITE_ERROR, "%s: no column '%s' in '%s' (its columns: %s)", zArg,
                        zCol, s->p->zSource, zList ? zList : "none");
    sqlite3_free(zList);
    return rc;
}

/* Prepare the SELECT of the needed columns. */
static int buildPrepare(build_state *s, sqlite3_stmt **ppStmt) {
    const lp_params *p = s->p;
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
    if (rc == SQLITE_OK) {
        char *zSql;
        if (p->zSegmentCol) {
            zSql = sqlite3_mprintf("SELECT \"%w\", \"%w\", \"%w\", \"%w\" FROM %s", p->zUserCol,
                                   p->zProgramCol, p->zTimeCol, p->zSegmentCol, zFrom);
        } else {
            zSql = sqlite3_mprintf("SELECT \"%w\", \"%w\", \"%w\" FROM %s", p->zUserCol,
                                   p->zProgramCol, p->zTimeCol, zFrom);
        }
        if (!zSql) {
            rc = SQLITE_NOMEM;
        } else {
            rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
            if (rc != SQLITE_OK && rc != SQLITE_NOMEM) {
                rc = buildError(s, rc, "cannot read '%s': %s", p->zSource,
                                sqlite3_errmsg(s->db));
            }
            sqlite3_free(zSql);
        }
    }
    sqlite3_free(zFrom);
    return rc;
}

/* The error of rule 2, quoting at most BUILD_MAX_QUOTE bytes of the value. */
static int buildBadTime(build_state *s, sqlite3_stmt *pStmt) {
    const char *z = (const char *)sqlite3_column_text(pStmt, 2);
    int n = sqlite3_column_bytes(pStmt, 2);
    if (z == NULL) return SQLITE_NOMEM;
    if (n > BUILD_MAX_QUOTE) {
        return buildError(s, SQLITE_ERROR, "unreadable time '%.*q...' in column '%s' of '%s'",
                          BUILD_MAX_QUOTE, z, s->p->zTimeCol, s->p->zSource);
    }
    return buildError(s, SQLITE_ERROR, "unreadable time '%q' in column '%s' of '%s'", z,
                      s->p->zTimeCol, s->p->zSource);
}

/* Step 2: one pass over the rows. */
static int buildRead(build_state *s) {
    sqlite3_stmt *pStmt = NULL;
    lp_journeys *pJ = s->pJ;
    int hasSeg = s->p->zSegmentCol != NULL;
    int rc = buildPrepare(s, &pStmt);
    if (rc) return rc;

    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        build_event ev;
        lp_time_status eTime;
        pJ->nRowRead++;

        rc = buildUserId(s, pStmt, &ev.user);
        if (rc) break;
        rc = buildTextId(pStmt, 1, &pJ->labels, &ev.prog);
        if (rc) break;
        rc = learnpath_parse_time_column(pStmt, 2, &eTime, &ev.t);
        if (rc) break;
        if (eTime == LP_TIME_BAD) {
            rc = buildBadTime(s, pStmt);
            break;
        }
        if (ev.user == LP_NONE || ev.prog == LP_NONE || eTime == LP_TIME_EMPTY) {
            pJ->nRowSkipped++;
            continue;
        }
        ev.seg = LP_NONE;
        if (hasSeg) {
            rc = buildTextId(pStmt, 3, &pJ->segments, &ev.seg);
            if (rc) break;
        }
        ev.rank = 0;
        rc = buildGrow((void **)&s->aEv, &s->nEvAlloc, s->nEv + 1, sizeof(build_event));
        if (rc) break;
        /* user ids are handed out in order of first appearance, so rows
        ** grouped by user give a non-decreasing sequence of ids */
        if (s->nEv > 0 && ev.user < s->aEv[s->nEv - 1].user) s->isGrouped = 0;
        s->aEv[s->nEv++] = ev;
    }
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else if (rc != SQLITE_OK && rc != SQLITE_NOMEM && *s->pzErr == NULL) {
        /* A failed step (locked, interrupted, corrupt...) is an error, never
        ** the end of the data. */
        rc = buildError(s, rc, "reading '%s': %s", s->p->zSource, sqlite3_errmsg(s->db));
    }
    sqlite3_finalize(pStmt);
    return rc;
}

/* ------------------------------------------------------ journey shaping */

/* Sort order of enrollments within a user: time, then program name. */
static int buildEventCmp(const void *pa, const void *pb) {
    const build_event *a = pa, *b = pb;
    if (a->t != b->t) return a->t < b->t ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static void buildSortEvents(build_event *a, int64_t n) {
    int64_t i;
    for (i = 1; i < n && buildEventCmp(&a[i - 1], &a[i]) <= 0; i++) {
    }
    if (i >= n) return; /* already in order: the common case */
    if (n > 32) {
        qsort(a, (size_t)n, sizeof(*a), buildEventCmp);
        return;
    }
    for (i = 1; i < n; i++) {
        build_event x = a[i];
        int64_t j = i;
        while (j > 0 && buildEventCmp(&a[j - 1], &x) > 0) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* A program and its name, for ranking programs in name order. */
typedef struct build_named {
    const char *z;
    int n;
    uint32_t idx;
} build_named;

static int buildNamedCmp(const void *pa, const void *pb) {
    const build_named *a = pa, *b = pb;
    return learnpath_bytes_cmp(a->z, a->n, b->z, b->n);
}

/*
** Intern the label of a tie group (distinct programs aProg[0..n), already
** in name order) and remember its members. n >= 2.
*/
static int buildGroupLabel(build_state *s, const uint32_t *aProg, int64_t n, uint32_t *piLabel) {
    lp_strtab *pTab = &s->pJ->labels;
    int64_t nLen = 0;
    int rc;
    for (int64_t i = 0; i < n; i++) nLen += LP_STRLEN(pTab, aProg[i]) + 3;
    if (nLen > 0x7fffff00) return SQLITE_TOOBIG;
    rc = buildGrow((void **)&s->zLabel, &s->nLabelAlloc, nLen + 1, 1);
    if (rc) return rc;
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) {
        if (i) {
            memcpy(s->zLabel + k, " + ", 3);
            k += 3;
        }
        memcpy(s->zLabel + k, LP_STR(pTab, aProg[i]), (size_t)LP_STRLEN(pTab, aProg[i]));
        k += LP_STRLEN(pTab, aProg[i]);
    }
    uint32_t nBefore = pTab->n;
    rc = learnpath_strtab_intern(pTab, s->zLabel, (int)k, piLabel);
    if (rc) return rc;
    if (pTab->n > nBefore) {
        /* A new group: record its members. */
        uint32_t iGroup = *piLabel - s->nProgram;
        rc = buildGrow((void **)&s->aMember, &s->nMemberAlloc, s->nMember + n, sizeof(uint32_t));
        if (rc) return rc;
        rc = buildGrow((void **)&s->aMemberOff, &s->nMemberOffAlloc, (int64_t)iGroup + 2,
                       sizeof(int64_t));
        if (rc) return rc;
        if (iGroup == 0) s->aMemberOff[0] = 0;
        memcpy(s->aMember + s->nMember, aProg, (size_t)n * sizeof(uint32_t));
        s->nMember += n;
        s->aMemberOff[iGroup + 1] = s->nMember;
    }
    return SQLITE_OK;
}

/* Append a step to the scratch list, applying rule 5's 'collapse'. */
static int buildPushStep(build_state *s, int64_t *pn, uint32_t label, int64_t t) {
    if (s->p->repeats == LP_REPEATS_COLLAPSE && *pn > 0 && s->aScratch[*pn - 1].label == label) {
        return SQLITE_OK;
    }
    int rc = buildGrow((void **)&s->aScratch, &s->nScratchAlloc, *pn + 1, sizeof(lp_step));
    if (rc) return rc;
    s->aScratch[*pn].label = label;
    s->aScratch[*pn].t = t;
    (*pn)++;
    return SQLITE_OK;
}

/* Per-program marks, stamped with a user number so they need no clearing. */
typedef struct build_marks {
    uint32_t *aSeen;    /* first_only: program already taken by this user */
    uint32_t *aCounted; /* distinct-program count */
} build_marks;

/*
** Rules 4-8 for one user whose enrollments are a[0..n), sorted. Appends the
** user's steps to pJ->aStep and fills *pUser, or leaves *pKeep = 0 when the
** user is outside since/until.
*/
static int buildUser(build_state *s, build_marks *m, uint32_t stamp, build_event *a, int64_t n,
                     lp_user *pUser, int *pKeep) {
    const lp_params *p = s->p;
    lp_journeys *pJ = s->pJ;
    int64_t nStep = 0;
    int rc = SQLITE_OK;

    *pKeep = 0;
    /* rule 4: tied; rule 6: segment */
    pUser->tied = 0;
    for (int64_t i = 1; i < n && a[i].t == a[0].t; i++) {
        if (a[i].prog != a[0].prog) pUser->tied = 1;
    }
    pUser->segment = LP_NONE;
    for (int64_t i = 0; i < n; i++) {
        if (a[i].seg != LP_NONE) {
            pUser->segment = a[i].seg;
            break;
        }
    }

    /* rule 5: first_only drops programs already taken (compacting a[]) */
    if (p->repeats == LP_REPEATS_FIRST_ONLY) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; i++) {
            if (m->aSeen[a[i].prog] == stamp) continue;
            m->aSeen[a[i].prog] = stamp;
            a[k++] = a[i];
        }
        n = k;
    }

    /* rule 4: steps */
    for (int64_t i = 0; i < n && rc == SQLITE_OK;) {
        int64_t j = i + 1;
        if (p->ties == LP_TIES_NAME) {
            rc = buildPushStep(s, &nStep, a[i].prog, a[i].t);
            i = j;
            continue;
        }
        while (j < n && a[j].t == a[i].t) j++;
        /* distinct programs of the instant, in name order: reuse .user as
        ** scratch for the program list (a[] is this user's alone) */
        int64_t nDistinct = 0;
        for (int64_t k = i; k < j; k++) {
            if (nDistinct == 0 || a[i + nDistinct - 1].user != a[k].prog) {
                a[i + nDistinct].user = a[k].prog;
                nDistinct++;
            }
        }
        uint32_t label = a[i].user;
        if (nDistinct > 1) {
            uint32_t aProgBuf[64];
            uint32_t *aProg = aProgBuf;
            if (nDistinct > 64) {
                aProg = sqlite3_malloc64((sqlite3_uint64)nDistinct * sizeof(uint32_t));
                if (!aProg) return SQLITE_NOMEM;
            }
            for (int64_t k = 0; k < nDistinct; k++) aProg[k] = a[i + k].user;
            rc = buildGroupLabel(s, aProg, nDistinct, &label);
            if (aProg != aProgBuf) sqlite3_free(aProg);
        }
        if (rc == SQLITE_OK) rc = buildPushStep(s, &nStep, label, a[i].t);
        i = j;
    }
    if (rc) return rc;
    if (nStep == 0) return SQLITE_OK;

    /* rule 8: within_days */
    if (p->hasWithin) {
        double limit = p->withinDays * LP_MS_PER_DAY;
        for (int64_t i = 1; i < nStep; i++) {
            if ((double)(s->aScratch[i].t - s->aScratch[i - 1].t) > limit) {
                nStep = i;
                break;
            }
        }
    }
    /* rule 7: since/until on the first step */
    if (p->hasSince && s->aScratch[0].t < p->since) return SQLITE_OK;
    if (p->hasUntil && s->aScratch[0].t >= p->until) return SQLITE_OK;
    if (nStep > 0x7fffffff || pJ->nStep + nStep > 0x7fffffffLL) return SQLITE_TOOBIG;

    /* distinct programs, a tie group counting each member */
    uint32_t nProgram = 0;
    for (int64_t i = 0; i < nStep; i++) {
        uint32_t L = s->aScratch[i].label;
        const uint32_t *aMem = &L;
        int64_t nMem = 1;
        if (L >= s->nProgram) {
            aMem = s->aMember + s->aMemberOff[L - s->nProgram];
            nMem = s->aMemberOff[L - s->nProgram + 1] - s->aMemberOff[L - s->nProgram];
        }
        for (int64_t k = 0; k < nMem; k++) {
            if (m->aCounted[aMem[k]] != stamp) {
                m->aCounted[aMem[k]] = stamp;
                nProgram++;
            }
        }
    }

    pUser->iStep = (uint32_t)pJ->nStep;
    pUser->nStep = (uint32_t)nStep;
    pUser->nProgram = nProgram;
    memcpy(pJ->aStep + pJ->nStep, s->aScratch, (size_t)nStep * sizeof(lp_step));
    pJ->nStep += nStep;
    *pKeep = 1;
    return SQLITE_OK;
}

static int buildUserCmp(const void *pa, const void *pb) {
    return learnpath_key_cmp(&((const lp_user *)pa)->key, &((const lp_user *)pb)->key);
}

/* Steps 3 and 4: group enrollments by user, shape journeys, order users. */
static int buildShape(build_state *s) {
    lp_journeys *pJ = s->pJ;
    int64_t nUser = s->nKey, nEv = s->nEv;
    int64_t *aStart = NULL;
    build_event *aSorted = NULL;
    uint32_t *aRank = NULL;
    build_named *aNamed = NULL;
    build_marks m = {NULL, NULL};
    int rc = SQLITE_NOMEM;

    /* Text keys may point into aKeyByte now that it no longer moves. */
    for (int64_t i = 0; i < nUser; i++) {
        if (s->aKey[i].eType == SQLITE_TEXT || s->aKey[i].eType == SQLITE_BLOB) {
            s->aKey[i].z = pJ->aKeyByte + s->aKey[i].iOff;
        }
    }
    if (nEv == 0) return SQLITE_OK;

    s->nProgram = pJ->labels.n;
    aRank = sqlite3_malloc64((sqlite3_uint64)s->nProgram * sizeof(uint32_t));
    aNamed = sqlite3_malloc64((sqlite3_uint64)s->nProgram * sizeof(build_named));
    m.aSeen = sqlite3_malloc64((sqlite3_uint64)s->nProgram * sizeof(uint32_t));
    m.aCounted = sqlite3_malloc64((sqlite3_uint64)s->nProgram * sizeof(uint32_t));
    aStart = sqlite3_malloc64((sqlite3_uint64)(nUser + 1) * sizeof(int64_t));
    if (!s->isGrouped) aSorted = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(build_event));
    pJ->aStep = sqlite3_malloc64((sqlite3_uint64)nEv * sizeof(lp_step));
    pJ->aUser = sqlite3_malloc64((sqlite3_uint64)nUser * sizeof(lp_user));
    if (!aRank || !aNamed || !m.aSeen || !m.aCounted || !aStart || (!aSorted && !s->isGrouped) ||
        !pJ->aStep || !pJ->aUser) {
        goto done;
    }
    memset(m.aSeen, 0, (size_t)s->nProgram * sizeof(uint32_t));
    memset(m.aCounted, 0, (size_t)s->nProgram * sizeof(uint32_t));

    /* programs in name order */
    for (uint32_t i = 0; i < s->nProgram; i++) {
        aNamed[i].z = LP_STR(&pJ->labels, i);
        aNamed[i].n = LP_STRLEN(&pJ->labels, i);
        aNamed[i].idx = i;
    }
    qsort(aNamed, s->nProgram, sizeof(build_named), buildNamedCmp);
    for (uint32_t i = 0; i < s->nProgram; i++) aRank[aNamed[i].idx] = i;

    /* counting sort by user (rows grouped by user are in order already) */
    memset(aStart, 0, (size_t)(nUser + 1) * sizeof(int64_t));
    for (int64_t i = 0; i < nEv; i++) aStart[s->aEv[i].user + 1]++;
    for (int64_t u = 0; u < nUser; u++) aStart[u + 1] += aStart[u];
    if (s->isGrouped) {
        for (int64_t i = 0; i < nEv; i++) s->aEv[i].rank = aRank[s->aEv[i].prog];
        for (int64_t u = 0; u < nUser; u++) aStart[u] = aStart[u + 1];
        aSorted = s->aEv;
    } else {
        for (int64_t i = 0; i < nEv; i++) {
            build_event ev = s->aEv[i];
            ev.rank = aRank[ev.prog];
            aSorted[aStart[ev.user]++] = ev;
        }
        sqlite3_free(s->aEv);
    }
    s->aEv = NULL;
    /* aStart[u] is now the end of user u, i.e. the start of user u+1 */

    rc = SQLITE_OK;
    for (int64_t u = 0; u < nUser && rc == SQLITE_OK; u++) {
        int64_t iFirst = u ? aStart[u - 1] : 0;
        int64_t n = aStart[u] - iFirst;
        int keep = 0;
        lp_user *pUser = &pJ->aUser[pJ->nUser];
        if (n == 0) continue;
        buildSortEvents(aSorted + iFirst, n);
        rc = buildUser(s, &m, (uint32_t)u + 1, aSorted + iFirst, n, pUser, &keep);
        if (rc == SQLITE_OK && keep) {
            pUser->key = s->aKey[u];
            pJ->nUser++;
        }
    }
    if (rc == SQLITE_OK) {
        /* users arrive in order of first appearance, often already sorted */
        uint32_t i = 1;
        while (i < pJ->nUser && learnpath_key_cmp(&pJ->aUser[i - 1].key, &pJ->aUser[i].key) < 0) i++;
        if (i < pJ->nUser) qsort(pJ->aUser, pJ->nUser, sizeof(lp_user), buildUserCmp);
    }

done:
    sqlite3_free(aRank);
    sqlite3_free(aNamed);
    sqlite3_free(m.aSeen);
    sqlite3_free(m.aCounted);
    sqlite3_free(aStart);
    sqlite3_free(aSorted);
    return rc;
}

int learnpath_journeys_build(sqlite3 *db, const lp_params *p, lp_journeys *pOut, char **pzErr) {
    build_state s;
    int rc;
    memset(&s, 0, sizeof(s));
    s.db = db;
    s.p = p;
    s.pJ = pOut;
    s.pzErr = pzErr;
    s.iLastUser = LP_NONE;
    s.isGrouped = 1;
    *pzErr = NULL;
    rc = buildRead(&s);
    if (rc == SQLITE_OK) rc = buildShape(&s);
    buildStateFree(&s);
    return rc;
}

void learnpath_journeys_free(lp_journeys *pJ) {
    learnpath_strtab_free(&pJ->labels);
    learnpath_strtab_free(&pJ->segments);
    sqlite3_free(pJ->aKeyByte);
    sqlite3_free(pJ->aUser);
    sqlite3_free(pJ->aStep);
    memset(pJ, 0, sizeof(*pJ));
}
