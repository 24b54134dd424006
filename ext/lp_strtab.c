/*
** lp_strtab.c - interned byte strings (programs, segments, tie-group and
** chart labels): each distinct string once, numbered in order of first
** appearance, found again by an open-addressing hash table whose seed is
** drawn when it is first allocated (lp_base.h: names cannot be crafted to
** collide).
*/
#include <string.h>

#include "lp_base.h"

static uint32_t strtabHash(const void *pCtx, uint32_t i) {
    const lp_strtab *pTab = pCtx;
    return learnpath_hash_bytes(LP_STR(pTab, i), LP_STRLEN(pTab, i), &pTab->seed);
}

static int strtabRehash(lp_strtab *pTab, uint32_t nSlot) {
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    if (pTab->aSlot == NULL) learnpath_hash_seed(&pTab->seed);
    for (uint32_t i = 0; i < pTab->n; i++) {
        uint32_t j = strtabHash(pTab, i) & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = i + 1;
    }
    sqlite3_free(pTab->aSlot);
    pTab->aSlot = aSlot;
    pTab->nSlot = nSlot;
    return SQLITE_OK;
}

int learnpath_strtab_intern(lp_strtab *pTab, const char *z, int n, uint32_t *piOut) {
    uint32_t h;
    int rc;
    if (pTab->nSlot == 0) {
        /* the first name: the table and its seed first (what adding the
        ** name would allocate anyway, so the allocations are the same) */
        rc = learnpath_strtab_reserve(pTab, 1, n);
        if (rc) return rc;
    }
    h = learnpath_hash_bytes(z, n, &pTab->seed);
    for (uint32_t j = h & (pTab->nSlot - 1); pTab->aSlot[j]; j = (j + 1) & (pTab->nSlot - 1)) {
        uint32_t i = pTab->aSlot[j] - 1;
        if (pTab->aLen[i] == n && memcmp(pTab->aByte + pTab->aOff[i], z, (size_t)n) == 0) {
            *piOut = i;
            return SQLITE_OK;
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

int learnpath_strtab_find(const lp_strtab *pTab, const char *z, int n, uint32_t *piOut) {
    if (pTab->nSlot == 0) return 0;
    uint32_t h = learnpath_hash_bytes(z, n, &pTab->seed);
    for (uint32_t j = h & (pTab->nSlot - 1); pTab->aSlot[j]; j = (j + 1) & (pTab->nSlot - 1)) {
        uint32_t i = pTab->aSlot[j] - 1;
        if (pTab->aLen[i] == n && memcmp(pTab->aByte + pTab->aOff[i], z, (size_t)n) == 0) {
            *piOut = i;
            return 1;
        }
    }
    return 0;
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
    rc = learnpath_grow((void **)&pTab->aByte, &pTab->nByteAlloc, pTab->nByte + nByte + nName, 1, 64);
    if (rc) return rc;
    if (2 * nNeed > pTab->nSlot) {
        uint64_t nSlot = 64;
        while (nSlot < 2 * nNeed) nSlot *= 2;
        rc = strtabRehash(pTab, (uint32_t)nSlot);
    }
    return rc;
}

/*
** Strings enter the slots in the order of their numbers (interning adds at
** the end; a rehash inserts 0, 1, ...), so a string's probe path crosses
** only slots of lower numbers: removing them from the highest down keeps
** every remaining path whole, and each is found by probing.
*/
void learnpath_strtab_clear(lp_strtab *pTab) {
    for (uint32_t i = pTab->n; i-- > 0;) {
        uint32_t j = strtabHash(pTab, i) & (pTab->nSlot - 1);
        while (pTab->aSlot[j] != i + 1) j = (j + 1) & (pTab->nSlot - 1);
        pTab->aSlot[j] = 0;
    }
    pTab->n = 0;
    pTab->nByte = 0;
}

int64_t learnpath_strtab_bytes(const lp_strtab *pTab) {
    return pTab->nByteAlloc + (int64_t)pTab->nAlloc * (sizeof(int64_t) + sizeof(int)) +
           (int64_t)pTab->nSlot * sizeof(uint32_t);
}

int64_t learnpath_strtab_growth(const lp_strtab *pTab, uint32_t nName, int64_t nByte) {
    uint64_t nNeed = (uint64_t)pTab->n + nName;
    int64_t n = 0;
    if (nName == 0) return 0;
    if (nNeed > 0x7ffffff0u) nNeed = 0x7ffffff0u;
    if (nNeed > pTab->nAlloc) {
        uint64_t nNew = 16;
        while (nNew < nNeed) nNew *= 2;
        n += (int64_t)(nNew - pTab->nAlloc) * (int64_t)(sizeof(int64_t) + sizeof(int));
    }
    n += learnpath_grow_size(pTab->nByteAlloc, pTab->nByte + nByte + nName, 64) - pTab->nByteAlloc;
    if (2 * nNeed > pTab->nSlot) {
        uint64_t nSlot = 64;
        while (nSlot < 2 * nNeed) nSlot *= 2;
        n += (int64_t)nSlot * (int64_t)sizeof(uint32_t);
    }
    return n;
}

void learnpath_strtab_free(lp_strtab *pTab) {
    if (learnpath_hash_probe_hook && pTab->aSlot) {
        learnpath_hash_probe_report("strings", pTab->aSlot, pTab->nSlot, strtabHash, pTab);
    }
    sqlite3_free(pTab->aByte);
    sqlite3_free(pTab->aOff);
    sqlite3_free(pTab->aLen);
    sqlite3_free(pTab->aSlot);
    memset(pTab, 0, sizeof(*pTab));
}
