/*
** lp_read_users.c - the users of a read: their keys (rule 3), the order of
** two keys (SQL's), and the hash table that finds a row's user among
** those met so far (tagged slots, grown by the reading thread and filled
** by the thread that looks users up: lp_read_thread.c).
*/
#include <string.h>

#include "lp_read_int.h"

static int buildNewUser(build_state *s, const lp_key *pKey, uint32_t h, int isWorker,
                        uint32_t *piUser);

/* ------------------------------------------------------------ user keys */

/* Rank of a storage class in SQL's order. */
int learnpath_key_class(const lp_key *k) {
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

/* See lp_read_int.h. */
char *learnpath_key_text(const lp_data *pD, const lp_key *k) {
    if (keyIsInt(k)) return sqlite3_mprintf("%lld", (long long)k->v.i);
    if (k->eType == SQLITE_FLOAT) return sqlite3_mprintf("%!.15g", k->v.r);
    const char *z = pD->aKeyByte + k->v.off;
    if (k->eType == SQLITE_TEXT) return learnpath_quote_n(z, k->n);
    /* a blob as SQL writes one: X'...' (its first 32 bytes) */
    sqlite3_str *pOut = sqlite3_str_new(NULL);
    sqlite3_str_appendall(pOut, "X'");
    for (int i = 0; i < k->n && i < 32; i++) sqlite3_str_appendf(pOut, "%02X", (unsigned char)z[i]);
    sqlite3_str_appendall(pOut, k->n > 32 ? "'..." : "'");
    return sqlite3_str_finish(pOut);
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
    int ca = learnpath_key_class(a), cb = learnpath_key_class(b);
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

/* A user's hash, keyed by the read's seed (lp_base.h: ids cannot be
** crafted to collide). Numbers equal in SQL hash alike (42 and 42.0). */
static uint32_t keyHash(const lp_data *pData, const lp_key *k, const lp_hash_seed *pSeed) {
    if (learnpath_key_class(k) == 1) {
        uint64_t bits;
        if (keyIsInt(k)) return learnpath_hash_int((uint64_t)k->v.i, pSeed);
        memcpy(&bits, &k->v.r, sizeof(bits));
        return learnpath_hash_int(bits ^ 0x5bd1e995u, pSeed);
    }
    return learnpath_hash_bytes(pData->aKeyByte + k->v.off, k->n, pSeed);
}

/* See lp_read_int.h. */
uint32_t learnpath_read_rec_hash(const build_state *s, const build_rec *r) {
    if (learnpath_key_class(&r->key) == 1) {
        uint64_t bits;
        if (keyIsInt(&r->key)) return learnpath_hash_int((uint64_t)r->key.v.i, &s->seed);
        memcpy(&bits, &r->key.v.r, sizeof(bits));
        return learnpath_hash_int(bits ^ 0x5bd1e995u, &s->seed);
    }
    return learnpath_hash_bytes(r->zKey, r->key.n, &s->seed);
}

/*
** Ids of one length: UUIDs, hashes, fixed-width codes. While every user so
** far is text (or every one a blob) of the same n bytes, user i's bytes
** are at i * n in aKeyByte (users' bytes are kept in the order the users
** are made, and buildFixNote checks that each new user's are there), so a
** lookup compares them there without reading the user's key (its lp_key)
** first: one read at random less for each row of a user met before, the
** larger part of a large read's time (31 million rows of 22 million users,
** UUID ids: the helper thread waits on such reads). Any other id ends it
** for the rest of the read (nFixLen -1): its keys are then read as before.
*/

/* User i's bytes, while nFixLen > 0. */
static inline const char *buildFixBytes(const build_state *s, uint32_t i) {
    return s->pD->aKeyByte + (int64_t)i * s->nFixLen;
}

/* May *pKey (its bytes at v.off) equal a user so far? nFixLen > 0: only if
** of their class and length. */
static inline int buildFixFits(const build_state *s, const lp_key *pKey) {
    return pKey->n == s->nFixLen && learnpath_key_class(pKey) == s->eFixClass;
}

/* A new user i, *pKey: do the users keep one length? (Written only when
** that changes: the helper runs this, and the reading thread reads the
** fields around.) */
static void buildFixNote(build_state *s, const lp_key *pKey, uint32_t i) {
    int e = learnpath_key_class(pKey);
    if (s->nFixLen < 0) return;
    if (e == 1 || pKey->v.off != (int64_t)i * pKey->n) {
        s->nFixLen = -1; /* a number; or a user before had another length */
    } else if (s->nFixLen == 0) {
        s->nFixLen = i == 0 && pKey->n > 0 ? pKey->n : -1;
        s->eFixClass = e;
    } else if (e != s->eFixClass || pKey->n != s->nFixLen) {
        s->nFixLen = -1;
    }
}

/* See lp_read_int.h. */
void learnpath_read_prefetch(const build_state *s, uint32_t h, int eWhat) {
    uint32_t j, v, i;
    const lp_key *k;
    j = h & (s->nSlot - 1); /* aSlot is set: buildLookAhead asks only then */
    if (eWhat == 0) {
        __builtin_prefetch(&s->aSlot[j]);
        return;
    }
    if (eWhat == 2 && s->nFixLen > 0) return; /* its bytes were asked for at step 1 */
    /* the first slot with the tag (of those in the cache line asked for) */
    for (int n = 0; n < 4 && (v = s->aSlot[j]) != 0; n++, j = (j + 1) & (s->nSlot - 1)) {
        if ((v & ~(s->nSlot - 1)) != (h & ~(s->nSlot - 1))) continue;
        i = (v & (s->nSlot - 1)) - 1; /* a user made before: below nUser */
        if (s->nFixLen > 0) { /* its bytes straight away: both ends (two lines at most) */
            __builtin_prefetch(buildFixBytes(s, i));
            __builtin_prefetch(buildFixBytes(s, i) + s->nFixLen - 1);
            return;
        }
        k = &s->pD->aKey[i];
        if (eWhat == 1) {
            __builtin_prefetch(k);
        } else if (k->eType == SQLITE_TEXT || k->eType == SQLITE_BLOB) {
            __builtin_prefetch(s->pD->aKeyByte + k->v.off);
        }
        return;
    }
}

/* User i's hash (learnpath_hash_probe_report). */
static uint32_t keyHashUser(const void *pCtx, uint32_t i) {
    const build_state *s = pCtx;
    return keyHash(s->pD, &s->pD->aKey[i], &s->seed);
}

/* See lp_read_int.h. */
void learnpath_read_probe_users(build_state *s) {
    for (uint32_t j = 0; j < s->nSlot; j++) s->aSlot[j] &= s->nSlot - 1; /* the tags off */
    learnpath_hash_probe_report("users", s->aSlot, s->nSlot, keyHashUser, s);
}

/*
** Does a table of nSlot slots hold n users? At most three quarters full:
** linear probing stays short there (the tags spare the keys), and the
** table takes 4 to 5.3 bytes a user rather than 8 to 16.
*/
#define BUILD_SLOTS_HOLD(n, nSlot) (4 * (uint64_t)(n) <= 3 * (uint64_t)(nSlot))

/*
** A slot of the user hash table: user i + 1 in the bits below nSlot (a
** power of two, above the users by a third), and above them the same bits of
** the user's hash, a tag that turns away most other users without reading
** their keys.
*/
#define BUILD_SLOT(h, i, nSlot) (((h) & ~((nSlot)-1)) | ((i) + 1))

/* See lp_read_int.h. */
void learnpath_read_free_old_slots(build_state *s) {
    sqlite3_free(s->aSlotOld);
    s->aSlotOld = NULL;
    s->nSlotOld = 0;
}

/* Users hashed ahead of their insertion while a table is filled (a power of two). */
#define BUILD_FILL_AHEAD 16

/*
** Put every user into the empty table aSlot of nSlot slots. The slots are
** met at random, so each user's is hashed and prefetched BUILD_FILL_AHEAD
** users before it is written: the misses overlap instead of following one
** another.
*/
static void buildFillSlots(build_state *s, uint32_t *aSlot, uint32_t nSlot) {
    lp_data *pD = s->pD;
    uint32_t aH[BUILD_FILL_AHEAD], n = pD->nUser;
    for (uint32_t i = 0; i < n + BUILD_FILL_AHEAD; i++) {
        if (i >= BUILD_FILL_AHEAD) {
            uint32_t u = i - BUILD_FILL_AHEAD, h = aH[u % BUILD_FILL_AHEAD], j = h & (nSlot - 1);
            while (aSlot[j]) j = (j + 1) & (nSlot - 1);
            aSlot[j] = BUILD_SLOT(h, u, nSlot);
        }
        if (i < n) {
            uint32_t h = keyHash(pD, &pD->aKey[i], &s->seed);
            aH[i % BUILD_FILL_AHEAD] = h;
            __builtin_prefetch(&aSlot[h & (nSlot - 1)], 1);
        }
    }
}

/*
** A new user hash table of nSlot slots. With isDeferred (the reading
** thread, making room before it hands a batch to the helper) it is only
** allocated, and the thread that next looks a user up zeroes and fills it
** (learnpath_read_move_slots): the helper then rehashes while SQLite
** scans on, instead of both threads waiting for it. (Zeroing the tables
** here took the reading thread 0.43 s in all at 31 million rows, on a slow
** hour, the helper idle.)
*/
static int buildRehashUsers(build_state *s, uint32_t nSlot, int isDeferred) {
    int rc;
    /* no table is pending here: learnpath_read_grow_slots filled it first */
    rc = learnpath_read_room(s, (int64_t)nSlot * (int64_t)sizeof(uint32_t)); /* the old one too, a moment */
    if (rc) return rc;
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    s->aSlotNew = aSlot;
    s->nSlotNew = nSlot;
    if (!isDeferred) learnpath_read_move_slots(s, 0);
    return SQLITE_OK;
}

/* See lp_read_int.h. */
void learnpath_read_move_slots(build_state *s, int isWorker) {
    memset(s->aSlotNew, 0, (size_t)s->nSlotNew * sizeof(uint32_t));
    buildFillSlots(s, s->aSlotNew, s->nSlotNew);
    if (isWorker) {
        /* the helper frees nothing: the reading thread will (aSlotOld is
        ** empty here: buildReserve freed it before handing the batch over) */
        s->aSlotOld = s->aSlot;
        s->nSlotOld = s->nSlot;
    } else {
        sqlite3_free(s->aSlot);
    }
    s->aSlot = s->aSlotNew;
    s->nSlot = s->nSlotNew;
    s->aSlotNew = NULL;
    s->nSlotNew = 0;
}

int learnpath_read_key_eq(const lp_data *pD, const lp_key *a, const lp_key *b) {
    if (learnpath_key_class(a) != learnpath_key_class(b)) return 0;
    /* same class: both TEXT or both BLOB, unless numbers */
    if (learnpath_key_class(a) != 1 && a->n != b->n) return 0;
    return learnpath_key_cmp(pD, a, b) == 0;
}

/* Is *pKey the previous row's user (s->iLastUser)? The same storage class
** compared directly, the rest by SQL's rules. */
static int buildIsLastUser(const build_state *s, const lp_key *pKey) {
    const lp_data *pD = s->pD;
    if (s->nFixLen > 0) {
        return buildFixFits(s, pKey) && memcmp(buildFixBytes(s, s->iLastUser), pD->aKeyByte + pKey->v.off,
                                                (size_t)s->nFixLen) == 0;
    }
    const lp_key *o = &pD->aKey[s->iLastUser];
    if (o->eType == pKey->eType && o->isIntegral == pKey->isIntegral) {
        if (learnpath_key_class(o) == 1) {
            return o->isIntegral || o->eType == SQLITE_INTEGER ? o->v.i == pKey->v.i : o->v.r == pKey->v.r;
        }
        return o->n == pKey->n &&
               memcmp(pD->aKeyByte + o->v.off, pD->aKeyByte + pKey->v.off, (size_t)o->n) == 0;
    }
    return learnpath_read_key_eq(pD, o, pKey);
}

/* The user number of *pKey, creating the user if new. */
int learnpath_read_user_of(build_state *s, const lp_key *pKey, const build_rec *r, int isWorker,
                           uint32_t *piUser) {
    lp_data *pD = s->pD;
    uint32_t h, j;
    int rc;

    /* Exports usually list a user's rows together: try the previous user */
    if (s->iLastUser != LP_NONE && buildIsLastUser(s, pKey)) {
        *piUser = s->iLastUser;
        return SQLITE_OK;
    }
    if (s->isSorted) {
        /* Keys arriving in increasing order (an export sorted by user) are
        ** all new: no lookup needed. The first key out of order builds the
        ** hash table of the users so far. */
        if (pD->nUser == 0 || learnpath_key_cmp(pD, &pD->aKey[pD->nUser - 1], pKey) < 0) {
            return buildNewUser(s, pKey, 0, isWorker, piUser);
        }
        if (isWorker) return LP_RC_NEED_MAIN;
        uint32_t nSlot = 2048;
        while (!BUILD_SLOTS_HOLD(pD->nUser + 2, nSlot)) nSlot *= 2;
        /* from here on the users must be sorted at the end: its reserve */
        rc = learnpath_read_room(s, (int64_t)pD->nUserAlloc * BUILD_SORT_RESERVE);
        if (rc == SQLITE_OK) rc = buildRehashUsers(s, nSlot, 0);
        if (rc) return rc;
        s->isSorted = 0; /* from here on there is a hash table (nSlot >= 2048) */
    }
    if (s->aSlotNew) learnpath_read_move_slots(s, isWorker);
    h = r->hasHash ? r->hash : keyHash(pD, pKey, &s->seed);
    if (s->nFixLen > 0 && !buildFixFits(s, pKey)) return buildNewUser(s, pKey, h, isWorker, piUser);
    for (j = h & (s->nSlot - 1); s->aSlot[j]; j = (j + 1) & (s->nSlot - 1)) {
        uint32_t i = (s->aSlot[j] & (s->nSlot - 1)) - 1;
        if ((s->aSlot[j] & ~(s->nSlot - 1)) != (h & ~(s->nSlot - 1))) continue; /* the tags differ */
        if (s->nFixLen > 0 ? memcmp(buildFixBytes(s, i), pD->aKeyByte + pKey->v.off, (size_t)s->nFixLen) == 0
                           : learnpath_read_key_eq(pD, &pD->aKey[i], pKey)) {
            *piUser = s->iLastUser = i;
            return SQLITE_OK;
        }
    }
    return buildNewUser(s, pKey, h, isWorker, piUser);
}

/* Room for nNeed users (and the end mark of aFirst). */
int learnpath_read_grow_users(build_state *s, uint64_t nNeed) {
    lp_data *pD = s->pD;
    if (nNeed <= pD->nUserAlloc) return SQLITE_OK;
    if (nNeed > 0x7ffffff2u) return SQLITE_TOOBIG;
    uint64_t nNew = pD->nUserAlloc ? (uint64_t)pD->nUserAlloc * 2 : 1024;
    while (nNew < nNeed) nNew *= 2;
    int rc = learnpath_read_room(s, (int64_t)(nNew - pD->nUserAlloc) *
                              (BUILD_PER_USER + (s->isSorted ? 0 : BUILD_SORT_RESERVE)));
    if (rc) return rc;
    lp_key *aKey = sqlite3_realloc64(pD->aKey, nNew * sizeof(lp_key));
    if (!aKey) return SQLITE_NOMEM;
    pD->aKey = aKey;
    if (s->isGrouped) { /* aFirst is kept only while the rows come grouped */
        uint32_t *aFirst = sqlite3_realloc64(pD->aFirst, nNew * sizeof(uint32_t));
        if (!aFirst) return SQLITE_NOMEM;
        pD->aFirst = aFirst;
    }
    pD->nUserAlloc = (uint32_t)nNew;
    return SQLITE_OK;
}

/* A user hash table with room for nUser users (not in sorted mode). */
int learnpath_read_grow_slots(build_state *s, uint64_t nUser, int isDeferred) {
    uint64_t nSlot;
    if (s->aSlotNew) learnpath_read_move_slots(s, 0);
    nSlot = s->nSlot;
    if (BUILD_SLOTS_HOLD(nUser, nSlot)) return SQLITE_OK;
    while (!BUILD_SLOTS_HOLD(nUser, nSlot)) nSlot *= 2;
    if (nSlot > 0x80000000u) return SQLITE_TOOBIG;
    return buildRehashUsers(s, (uint32_t)nSlot, isDeferred);
}

/* Add a user; with a hash table (not sorted mode) also index it by h. */
static int buildNewUser(build_state *s, const lp_key *pKey, uint32_t h, int isWorker,
                        uint32_t *piUser) {
    lp_data *pD = s->pD;
    uint32_t j;
    int rc;
    if (pD->nUser >= 0x7ffffff0u) return SQLITE_TOOBIG;
    if (pD->nUser + 2 > pD->nUserAlloc) {
        if (isWorker) return LP_RC_NEED_MAIN;
        rc = learnpath_read_grow_users(s, (uint64_t)pD->nUser + 2);
        if (rc) return rc;
    }
    if (!s->isSorted && !BUILD_SLOTS_HOLD(pD->nUser + 1, s->nSlot)) {
        if (isWorker) return LP_RC_NEED_MAIN;
        rc = learnpath_read_grow_slots(s, (uint64_t)pD->nUser + 1, 0);
        if (rc) return rc;
    }
    uint32_t i = pD->nUser++;
    pD->aKey[i] = *pKey;
    if (s->isGrouped) pD->aFirst[i] = pD->nEv;
    if (pKey->eType != SQLITE_INTEGER && !s->hasNonInt) s->hasNonInt = 1; /* (once: a line the reading thread reads) */
    if (learnpath_key_class(pKey) != 1) pD->nKeyByte += pKey->n; /* keep the bytes */
    buildFixNote(s, pKey, i);
    if (!s->isSorted) {
        for (j = h & (s->nSlot - 1); s->aSlot[j]; j = (j + 1) & (s->nSlot - 1)) {
        }
        s->aSlot[j] = BUILD_SLOT(h, i, s->nSlot);
    }
    *piUser = s->iLastUser = i;
    return SQLITE_OK;
}

