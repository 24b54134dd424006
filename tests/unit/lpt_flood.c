/* lpt_flood.c - see lpt_flood.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lpt_flood.h"

/* ------------------------------------------------ the hashes before seeding */

#define M1 0xff51afd7ed558ccdULL
#define M2 0xc4ceb9fe1a85ec53ULL
#define GOLDEN 0x9e3779b97f4a7c15ULL

uint32_t lpt_flood_old_hash_int(uint64_t x) {
    x ^= x >> 33;
    x *= M1;
    x ^= x >> 33;
    x *= M2;
    x ^= x >> 33;
    return (uint32_t)x;
}

uint32_t lpt_flood_old_hash_bytes(const void *pData, int n, uint32_t seed) {
    const unsigned char *p = pData;
    uint64_t h = seed ^ ((uint64_t)(uint32_t)n * GOLDEN);
    uint64_t w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * M1;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        w = 0;
        memcpy(&w, p, (size_t)n);
        h = (h ^ w) * M1;
    }
    h ^= h >> 32;
    h *= M2;
    h ^= h >> 29;
    return (uint32_t)h;
}

uint32_t lpt_flood_old_trn_hash(uint32_t seg, int64_t step, uint32_t from, uint32_t to) {
    uint64_t x = ((uint64_t)seg * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)step * 0xc2b2ae3d27d4eb4fULL) ^
                 ((uint64_t)from * 0x165667b19e3779f9ULL) ^ ((uint64_t)to * 0x27d4eb2f165667c5ULL);
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 32;
    return (uint32_t)x;
}

uint32_t lpt_flood_old_combo_hash(const uint32_t *aLabel) {
    uint64_t x = (aLabel[0] * 0x9e3779b97f4a7c15ULL) ^ (aLabel[1] * 0xc2b2ae3d27d4eb4fULL) ^
                 (aLabel[2] * 0x165667b19e3779f9ULL);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ULL;
    return (uint32_t)(x >> 32);
}

uint32_t lpt_flood_old_svg_hash(uint32_t a, uint32_t b) {
    uint32_t h = a * 0x9E3779B1u;
    h ^= (b + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= h >> 15;
    h *= 0xC2B2AE3Du;
    h ^= h >> 13;
    return h;
}

/* ------------------------------------------------------------- inverting */

/* The inverse of an odd number modulo 2^64 (Newton's iteration). */
static uint64_t floodInverse(uint64_t m) {
    uint64_t x = m;
    for (int i = 0; i < 6; i++) x *= 2 - m * x;
    return x;
}

int64_t lpt_flood_int_key(uint32_t i) {
    /* the wanted mixer output: i in the high half, zeros in the low one */
    uint64_t x = (uint64_t)(i + 1) << 32;
    x ^= x >> 33;
    x *= floodInverse(M2);
    x ^= x >> 33;
    x *= floodInverse(M1);
    x ^= x >> 33;
    return (int64_t)x;
}

/* Printable ASCII a CSV file or an SQL literal carries as it is. */
static int floodPrintable(uint64_t w) {
    for (int i = 0; i < 8; i++) {
        unsigned c = (unsigned)(w >> (8 * i)) & 0xff;
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == ',' || c == '\\') return 0;
    }
    return 1;
}

void lpt_flood_text_next(const char *zPrefix, int nPrefix, uint64_t *pState, char *z) {
    int n = nPrefix + 8;
    uint64_t h = LPT_FLOOD_TEXT_SEED ^ ((uint64_t)(uint32_t)n * GOLDEN), w;
    if (nPrefix == 8) {
        memcpy(&w, zPrefix, 8);
        h = (h ^ w) * M1;
        h ^= h >> 29;
        memcpy(z, zPrefix, 8);
    }
    uint64_t inv1 = floodInverse(M1), inv2 = floodInverse(M2);
    for (;;) {
        uint64_t r = ++*pState;
        /* a final value with 32 low zero bits, back through the finalizer
        ** and the last word's round to that word (the loop's state before
        ** it, h, is fixed by the prefix) */
        uint64_t x = (r * GOLDEN) & 0xffffffff00000000ULL;
        x ^= (x >> 29) ^ (x >> 58); /* undo x ^= x >> 29 */
        x *= inv2;
        x ^= x >> 32;
        x ^= (x >> 29) ^ (x >> 58);
        x *= inv1;
        w = x ^ h;
        if (floodPrintable(w)) break;
    }
    memcpy(z + nPrefix, &w, 8);
}

/* --------------------------------------------------------------- tables */

typedef struct flood_pair {
    uint32_t a, b;
} flood_pair;

/* Slots of a table that doubles from nMin while 2 * (entries + 1) > slots. */
static uint32_t floodSlots(uint32_t nEntry, uint32_t nMin) {
    uint32_t n = nMin;
    while (2 * ((uint64_t)nEntry + 1) > n) n *= 2;
    return n;
}

/*
** The n pairs (a, b) of [0, nProg)^2, a != b, whose homes in a table of
** nSlot slots (hash xHash) are lowest: they form one cluster from slot 0.
*/
static flood_pair *floodPairs(uint32_t nProg, uint32_t n, uint32_t nSlot,
                              uint32_t (*xHash)(uint32_t, uint32_t)) {
    uint32_t *aCount = calloc(nSlot, sizeof(uint32_t));
    flood_pair *aPair = malloc((size_t)n * sizeof(flood_pair));
    uint32_t nHave = 0, iLimit = 0, nBelow = 0;
    if (!aCount || !aPair) {
        free(aCount);
        free(aPair);
        return NULL;
    }
    for (uint32_t a = 0; a < nProg; a++) {
        for (uint32_t b = 0; b < nProg; b++) {
            if (a != b) aCount[xHash(a, b) & (nSlot - 1)]++;
        }
    }
    while (iLimit < nSlot && nBelow + aCount[iLimit] < n) nBelow += aCount[iLimit++];
    for (uint32_t a = 0; a < nProg && nHave < n; a++) {
        for (uint32_t b = 0; b < nProg && nHave < n; b++) {
            uint32_t j = xHash(a, b) & (nSlot - 1);
            if (a == b || j > iLimit) continue;
            if (j == iLimit && nBelow >= n) continue; /* the last home: only what is needed */
            if (j == iLimit) nBelow++;
            aPair[nHave].a = a;
            aPair[nHave++].b = b;
        }
    }
    free(aCount);
    if (nHave < n) {
        free(aPair);
        return NULL;
    }
    return aPair;
}

static uint32_t floodTrnPair(uint32_t a, uint32_t b) {
    return lpt_flood_old_trn_hash(0xffffffffu, 1, a, b); /* no segment, step 1 */
}

static uint32_t floodComboPair(uint32_t a, uint32_t b) {
    uint32_t aLabel[3] = {0, a, b}; /* ORDER BY program, next_program */
    return lpt_flood_old_combo_hash(aLabel);
}

static uint32_t floodSvgPair(uint32_t a, uint32_t b) {
    return lpt_flood_old_svg_hash(a, b);
}

/* Programs numbered by first appearance: 100 pairs to choose from per pair
** wanted, and 256 programs at least. */
static uint32_t floodProgCount(int n) {
    uint32_t nProg = 256;
    while ((uint64_t)nProg * nProg < 100 * (uint64_t)n) nProg *= 2;
    return nProg;
}

/* Insert one row; the statement has the four columns as parameters. */
static int floodRow(sqlite3_stmt *pIns, int64_t iUser, const char *zUser, int nUser,
                    const char *zProg, int nProg, const char *zTime, const char *zSeg,
                    int nSeg) {
    if (zUser) {
        sqlite3_bind_text(pIns, 1, zUser, nUser, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_int64(pIns, 1, iUser);
    }
    sqlite3_bind_text(pIns, 2, zProg, nProg, SQLITE_TRANSIENT);
    sqlite3_bind_text(pIns, 3, zTime, -1, SQLITE_STATIC);
    if (zSeg) {
        sqlite3_bind_text(pIns, 4, zSeg, nSeg, SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_null(pIns, 4);
    }
    sqlite3_step(pIns);
    return sqlite3_reset(pIns);
}

#define T0 "2020-01-01 00:00:00"
#define T1 "2020-02-01 00:00:00"

/* Keys of the read: users, programs, segments, tie groups. */
static int floodKeys(sqlite3_stmt *pIns, const char *zKind, int n) {
    uint64_t state = 0;
    char z[16];
    int rc = SQLITE_OK;
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        if (strcmp(zKind, "int_users") == 0) {
            rc = floodRow(pIns, lpt_flood_int_key((uint32_t)i), NULL, 0, "A", 1, T0, NULL, 0);
        } else if (strcmp(zKind, "text_users") == 0) {
            lpt_flood_text_next("user-id-", 8, &state, z);
            rc = floodRow(pIns, 0, z, 16, "A", 1, T0, NULL, 0);
        } else if (strcmp(zKind, "programs") == 0) {
            lpt_flood_text_next("program-", 8, &state, z);
            rc = floodRow(pIns, i + 1, NULL, 0, z, 16, T0, NULL, 0);
        } else if (strcmp(zKind, "segments") == 0) {
            lpt_flood_text_next("segment-", 8, &state, z);
            rc = floodRow(pIns, i + 1, NULL, 0, "A", 1, T0, z, 16);
        } else {
            /* groups: "A" and "grp-..." at one instant make "A + grp-..." */
            lpt_flood_text_next("A + grp-", 8, &state, z);
            rc = floodRow(pIns, i + 1, NULL, 0, "A", 1, T0, NULL, 0);
            if (rc == SQLITE_OK) rc = floodRow(pIns, i + 1, NULL, 0, z + 4, 12, T0, NULL, 0);
        }
    }
    return rc;
}

/* Pairs of labels: transitions, combos, cells. */
static int floodPairRows(sqlite3_stmt *pIns, const char *zKind, int n) {
    uint32_t nProg = floodProgCount(n), nSlot, i;
    uint32_t (*xHash)(uint32_t, uint32_t);
    flood_pair *aPair;
    char zA[16], zB[16];
    int rc = SQLITE_OK;
    if (strcmp(zKind, "transitions") == 0) {
        /* rows: a program's own (step 1, to NULL), the pairs', and their
        ** second steps (step 2, to NULL) */
        nSlot = floodSlots(2 * nProg + (uint32_t)n, 256);
        xHash = floodTrnPair;
    } else if (strcmp(zKind, "combos") == 0) {
        nSlot = floodSlots(nProg + (uint32_t)n, 64);
        xHash = floodComboPair;
    } else {
        nSlot = floodSlots(nProg + (uint32_t)n, 128);
        xHash = floodSvgPair;
    }
    aPair = floodPairs(nProg, (uint32_t)n, nSlot, xHash);
    if (!aPair) return SQLITE_NOMEM;
    /* the programs' numbers: user k takes program k only (cells: name k
    ** flows to itself), so one row (or combination, or cell) each */
    for (i = 0; i < nProg && rc == SQLITE_OK; i++) {
        int nA = snprintf(zA, sizeof(zA), "P%05u", i);
        rc = floodRow(pIns, i + 1, NULL, 0, zA, nA, T0, zA, nA);
    }
    for (i = 0; i < (uint32_t)n && rc == SQLITE_OK; i++) {
        int nA = snprintf(zA, sizeof(zA), "P%05u", aPair[i].a);
        int nB = snprintf(zB, sizeof(zB), "P%05u", aPair[i].b);
        /* user_type holds the cell's other end (cells: program -> user_type) */
        rc = floodRow(pIns, nProg + i + 1, NULL, 0, zA, nA, T0, zB, nB);
        if (rc == SQLITE_OK && strcmp(zKind, "cells") != 0) {
            rc = floodRow(pIns, nProg + i + 1, NULL, 0, zB, nB, T1, NULL, 0);
        }
    }
    free(aPair);
    return rc;
}

/*
** Two names whose slots in the reader's name cache (lp_read.c, buildTextId:
** the top 8 bits of a product) are the same, alternating on n rows: every
** row misses the cache and goes to the string table.
*/
static int floodNameCache(sqlite3_stmt *pIns, int n) {
    char az[2][9];
    uint64_t aSlot[2];
    int rc = SQLITE_OK;
    for (uint32_t k = 0, found = 0; found < 2; k++) {
        uint64_t w0;
        snprintf(az[found], sizeof(az[found]), "N%07u", k);
        memcpy(&w0, az[found], 8);
        /* n = 8: both words are the name */
        aSlot[found] = ((w0 ^ ((w0 << 32) | (w0 >> 32)) ^ 8u) * GOLDEN) >> 56;
        if (found == 0 || aSlot[1] == aSlot[0]) found++;
    }
    for (int i = 0; i < n && rc == SQLITE_OK; i++) {
        rc = floodRow(pIns, i / 2 + 1, NULL, 0, az[i & 1], 8, (i & 1) ? T1 : T0, NULL, 0);
    }
    return rc;
}

int lpt_flood_make(sqlite3 *db, const char *zTable, const char *zKind, int n) {
    sqlite3_stmt *pIns = NULL;
    char *zSql;
    int rc;
    if (strcmp(zKind, "int_users") && strcmp(zKind, "text_users") && strcmp(zKind, "programs") &&
        strcmp(zKind, "segments") && strcmp(zKind, "groups") && strcmp(zKind, "transitions") &&
        strcmp(zKind, "combos") && strcmp(zKind, "cells") && strcmp(zKind, "name_cache")) {
        return SQLITE_MISUSE;
    }
    zSql = sqlite3_mprintf("CREATE TABLE \"%w\"(user_id, program, enrolled_at, user_type);"
                           "BEGIN", zTable);
    rc = zSql ? sqlite3_exec(db, zSql, 0, 0, 0) : SQLITE_NOMEM;
    sqlite3_free(zSql);
    if (rc) return rc;
    zSql = sqlite3_mprintf("INSERT INTO \"%w\" VALUES(?1, ?2, ?3, ?4)", zTable);
    rc = zSql ? sqlite3_prepare_v2(db, zSql, -1, &pIns, NULL) : SQLITE_NOMEM;
    sqlite3_free(zSql);
    if (rc == SQLITE_OK) {
        if (strcmp(zKind, "transitions") == 0 || strcmp(zKind, "combos") == 0 ||
            strcmp(zKind, "cells") == 0) {
            rc = floodPairRows(pIns, zKind, n);
        } else if (strcmp(zKind, "name_cache") == 0) {
            rc = floodNameCache(pIns, n);
        } else {
            rc = floodKeys(pIns, zKind, n);
        }
    }
    sqlite3_finalize(pIns);
    if (rc == SQLITE_OK) return sqlite3_exec(db, "COMMIT", 0, 0, 0);
    sqlite3_exec(db, "ROLLBACK", 0, 0, 0);
    return rc;
}
