/*
** lp_read_order.c - the users of a read in user_id order (rule 10), fast.
**
** A comparison sort of two million user ids spent most of its time in
** cache misses: each comparison followed two keys to their bytes. Here
** each key is first reduced to 8 bytes that sort as the key does (an
** integer with its sign bit flipped; the first 8 bytes of text or a blob,
** big-endian, after the prefix every id of the class shares), and those
** are sorted by radix: one pass on the top 16 bits into buckets small
** enough for the cache, then byte by byte within each bucket, skipping the
** bytes that do not vary. Only users whose 8 bytes are equal (ids longer
** than the prefix, such as e-mail addresses) are compared whole, in small
** runs. SQL's order of the classes (numbers, text, blobs) comes first.
** Numbers with a fractional part, rare as ids, are compared as before.
*/
#include <string.h>

#include "lp_read_int.h"

/* A key reduced to 8 bytes (two halves: 12 bytes an item, not 16), and its
** user. */
typedef struct ks_item {
    uint32_t kHi, kLo;
    uint32_t u;
} ks_item;

static inline uint64_t ksK(const ks_item *p) {
    return ((uint64_t)p->kHi << 32) | p->kLo;
}

static inline void ksSetK(ks_item *p, uint64_t k) {
    p->kHi = (uint32_t)(k >> 32);
    p->kLo = (uint32_t)k;
}

/* Radix sort a[0..n) by k, byte iLo..iHi-1 (0 = least significant), via b. */
static void ksRadix(ks_item *a, ks_item *b, uint32_t n, int iLo, int iHi) {
    uint32_t aCount[256];
    for (int d = iLo; d < iHi; d++) {
        int sh = 8 * d;
        uint32_t sum = 0;
        memset(aCount, 0, sizeof(aCount));
        for (uint32_t i = 0; i < n; i++) aCount[(ksK(&a[i]) >> sh) & 0xff]++;
        if (aCount[(ksK(&a[0]) >> sh) & 0xff] == n) continue; /* this byte never varies */
        for (int c = 0; c < 256; c++) {
            uint32_t m = aCount[c];
            aCount[c] = sum;
            sum += m;
        }
        for (uint32_t i = 0; i < n; i++) b[aCount[(ksK(&a[i]) >> sh) & 0xff]++] = a[i];
        memcpy(a, b, (size_t)n * sizeof(ks_item));
    }
}

/* Buckets [c0, c1) of ksSort: moved back from b and sorted. */
typedef struct ks_buckets {
    ks_item *a, *b;
    const uint32_t *aEnd; /* bucket c is [aEnd[c - 1], aEnd[c]) (0 for c = 0) */
    uint32_t c0, c1;
} ks_buckets;

static void ksBuckets(void *pArg) {
    const ks_buckets *p = pArg;
    for (uint32_t c = p->c0; c < p->c1; c++) {
        uint32_t i0 = c ? p->aEnd[c - 1] : 0, m = p->aEnd[c] - i0;
        memcpy(p->a + i0, p->b + i0, (size_t)m * sizeof(ks_item));
        if (m > 1) ksRadix(p->a + i0, p->b + i0, m, 0, 6);
    }
}

/*
** Sort a[0..n) by k: the top 16 bits into buckets, then each bucket, the
** buckets split between two threads (about half the items each) when the
** read may use two.
*/
static void ksSort(const lp_source_spec *pSpec, ks_item *a, ks_item *b, uint32_t n) {
    uint32_t *aEnd, cMid = 0;
    ks_buckets aPart[2];
    if (n < 4096) { /* n >= 2: ksClass sorts no fewer */
        ksRadix(a, b, n, 0, 8);
        return;
    }
    aEnd = sqlite3_malloc64(65536 * sizeof(uint32_t));
    if (aEnd == NULL) { /* no room for buckets: byte by byte, slower */
        ksRadix(a, b, n, 0, 8);
        return;
    }
    memset(aEnd, 0, 65536 * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) aEnd[a[i].kHi >> 16]++;
    for (uint32_t c = 0, sum = 0; c < 65536; c++) {
        uint32_t m = aEnd[c];
        aEnd[c] = sum; /* for now: where bucket c starts */
        sum += m;
        if (sum <= n / 2) cMid = c + 1;
    }
    for (uint32_t i = 0; i < n; i++) b[aEnd[a[i].kHi >> 16]++] = a[i];
    /* aEnd[c] is now the end of bucket c */
    aPart[0] = (ks_buckets){a, b, aEnd, 0, cMid};
    aPart[1] = (ks_buckets){a, b, aEnd, cMid, 65536};
    learnpath_read_parallel(pSpec, ksBuckets, &aPart[0], ksBuckets, &aPart[1]);
    sqlite3_free(aEnd);
}

/* ------------------------------------------------------------ reducing */

/* The 8 bytes of z[iFrom..n) that sort as the bytes do (zero-padded). */
static uint64_t ksBytes(const unsigned char *z, int n, int iFrom) {
    uint64_t k = 0;
    for (int i = 0; i < 8; i++) {
        k = (k << 8) | (iFrom + i < n ? z[iFrom + i] : 0);
    }
    return k;
}

/* The prefix every key of a[0..n) shares (text or blob users of pD). */
static int ksCommonPrefix(const lp_data *pD, const ks_item *a, uint32_t n) {
    const lp_key *k0 = &pD->aKey[a[0].u];
    const char *z0 = pD->aKeyByte + k0->v.off;
    int nCommon = k0->n;
    for (uint32_t i = 1; i < n && nCommon > 0; i++) {
        const lp_key *k = &pD->aKey[a[i].u];
        const char *z = pD->aKeyByte + k->v.off;
        int j = 0, m = k->n < nCommon ? k->n : nCommon;
        while (j < m && z[j] == z0[j]) j++;
        nCommon = j;
    }
    return nCommon;
}

/* Context of ksTieCmp: users whose reduced keys are equal. */
typedef struct ks_tie {
    const lp_data *pD;
    const ks_item *a;
} ks_tie;

static int ksTieCmp(void *pCtx, uint32_t x, uint32_t y) {
    const ks_tie *p = pCtx;
    return learnpath_key_cmp(p->pD, &p->pD->aKey[p->a[x].u], &p->pD->aKey[p->a[y].u]);
}

/* Put the runs of a[0..n) whose reduced keys are equal in key order. */
static int ksTies(const lp_data *pD, ks_item *a, uint32_t n) {
    uint32_t i = 0;
    while (i < n) {
        uint32_t j = i + 1, *aIdx;
        ks_item aSmall[16], *aRun;
        ks_tie ctx;
        int rc;
        while (j < n && a[j].kHi == a[i].kHi && a[j].kLo == a[i].kLo) j++;
        if (j - i < 2) {
            i = j;
            continue;
        }
        ctx.pD = pD;
        ctx.a = a + i;
        rc = learnpath_sort_index(j - i, ksTieCmp, &ctx, &aIdx);
        if (rc) return rc;
        aRun = j - i <= 16 ? aSmall : sqlite3_malloc64((sqlite3_uint64)(j - i) * sizeof(ks_item));
        if (!aRun) {
            sqlite3_free(aIdx);
            return SQLITE_NOMEM;
        }
        for (uint32_t m = 0; m < j - i; m++) aRun[m] = a[i + aIdx[m]];
        memcpy(a + i, aRun, (size_t)(j - i) * sizeof(ks_item));
        if (aRun != aSmall) sqlite3_free(aRun);
        sqlite3_free(aIdx);
        i = j;
    }
    return SQLITE_OK;
}

/* Sort the users a[0..n) of one storage class (1 numbers, 2 text, 3 blob). */
static int ksClass(const lp_data *pD, const lp_source_spec *pSpec, ks_item *a, ks_item *b, uint32_t n,
                   int eClass) {
    int nCommon;
    if (n < 2) return SQLITE_OK;
    if (eClass == 1) {
        for (uint32_t i = 0; i < n; i++) {
            const lp_key *k = &pD->aKey[a[i].u];
            if (k->eType != SQLITE_INTEGER && !k->isIntegral) {
                /* a fraction: every number compared whole, by SQL's rules */
                for (uint32_t m = 0; m < n; m++) ksSetK(&a[m], 0);
                return ksTies(pD, a, n);
            }
            ksSetK(&a[i], (uint64_t)k->v.i ^ ((uint64_t)1 << 63));
        }
        ksSort(pSpec, a, b, n);
        return SQLITE_OK;
    }
    nCommon = ksCommonPrefix(pD, a, n);
    for (uint32_t i = 0; i < n; i++) {
        const lp_key *k = &pD->aKey[a[i].u];
        ksSetK(&a[i], ksBytes((const unsigned char *)pD->aKeyByte + k->v.off, k->n, nCommon));
    }
    ksSort(pSpec, a, b, n);
    /* equal 8 bytes: longer keys, or "ab" and "ab\0" (the zero padding) */
    return ksTies(pD, a, n);
}

static int ksClassOf(const lp_key *k) {
    return k->eType == SQLITE_INTEGER || k->eType == SQLITE_FLOAT ? 1
           : k->eType == SQLITE_TEXT                              ? 2
                                                                  : 3;
}

/* See lp_read.h. */
int learnpath_data_user_order(const lp_data *pD, const lp_source_spec *pSpec, uint32_t **paOrder) {
    uint32_t n = pD->nUser, aStart[4] = {0, 0, 0, 0}, *aOrder;
    ks_item *a, *b;
    int rc = SQLITE_OK;
    *paOrder = NULL;
    a = sqlite3_malloc64((sqlite3_uint64)n * sizeof(ks_item)); /* n >= 2 (lp_read.h) */
    b = sqlite3_malloc64((sqlite3_uint64)n * sizeof(ks_item));
    if (!a || !b) {
        sqlite3_free(a);
        sqlite3_free(b);
        return SQLITE_NOMEM;
    }
    /* the classes in SQL's order, each users in first-appearance order */
    for (uint32_t u = 0; u < n; u++) aStart[ksClassOf(&pD->aKey[u])]++;
    aStart[3] = aStart[1] + aStart[2];
    aStart[2] = aStart[1];
    aStart[1] = 0;
    for (uint32_t u = 0; u < n; u++) a[aStart[ksClassOf(&pD->aKey[u])]++].u = u;
    /* aStart[c] is now the end of class c */
    for (int c = 1; c <= 3 && rc == SQLITE_OK; c++) {
        uint32_t i0 = c == 1 ? 0 : aStart[c - 1];
        rc = ksClass(pD, pSpec, a + i0, b + i0, aStart[c] - i0, c);
    }
    sqlite3_free(b);
    if (rc) {
        sqlite3_free(a);
        return rc;
    }
    /* the order in a's own first third (each u read before it is
    ** overwritten: item i's u lies at 12 i + 8, past 4 i), then a shrunk to
    ** it (a realloc that shrinks keeps the block when it cannot move it) */
    aOrder = (uint32_t *)a;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = a[i].u;
        aOrder[i] = u;
    }
    uint32_t *aShrunk = sqlite3_realloc64(aOrder, (sqlite3_uint64)n * sizeof(uint32_t));
    *paOrder = aShrunk ? aShrunk : aOrder;
    return SQLITE_OK;
}
