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
** bytes that do not vary. Users whose 8 bytes are equal (ids longer than
** the prefix, such as e-mail addresses) are sorted further, run by run (a
** large run by radix on its next 8 bytes, a small one by comparing whole
** keys). SQL's order of the classes (numbers, text, blobs) comes first.
** Numbers with a fractional part, rare as ids, are compared whole.
**
** Every pass over all the users is split between two threads when the read
** may use two: reducing the keys (with the count of the top 16 bits), the
** pass into buckets (each thread from its half, to places counted apart),
** the buckets, and the runs of equal keys (each thread with half the
** scratch). One block holds the items and their copy, and later the
** users' order and what lp_read_group.c makes of it (BUILD_ORDER_OFF): its
** pages are touched once.
**
** When every id is an integer, or every id text, or every id a blob, less
** is held (learnpath_read_user_order_packed): each key is packed into 8
** bytes in its own block, the items are sorted in one copy (each bucket
** through a room as large as the largest), and the sorted items carry the
** packed keys out, from which the keys are made again in their new order.
** A read in user_id order then peaks no higher than one without it, and
** data ordered from the cache (lp_read_reorder.c) holds no second copy.
*/
#include <string.h>

#include "lp_read_int.h"


static inline uint64_t ksK(const ks_item *p) {
    return ((uint64_t)p->kHi << 32) | p->kLo;
}

static inline void ksSetK(ks_item *p, uint64_t k) {
    p->kHi = (uint32_t)(k >> 32);
    p->kLo = (uint32_t)k;
}

/* An integer reduced: its sign bit flipped, so it sorts as unsigned; the
** flip undoes itself (learnpath_read_user_order_ints makes keys again). */
#define KS_INT_FLIP(x) ((uint64_t)(x) ^ ((uint64_t)1 << 63))

/*
** Radix sort pIn[0..n) by the nByte low bytes of k into pOut (the bytes
** above are equal), both used as scratch: the counts of every byte in one
** pass, then one pass per byte that varies (least significant first), from
** one buffer to the other, so no pass copies back.
*/
static void ksRadix(ks_item *pIn, ks_item *pOut, uint32_t n, int nByte) {
    uint32_t aCount[8][256];
    ks_item *pSrc = pIn, *pDst = pOut;
    memset(aCount, 0, sizeof(aCount));
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = ksK(&pIn[i]);
        for (int d = 0; d < nByte; d++) aCount[d][(k >> (8 * d)) & 0xff]++;
    }
    for (int d = 0; d < nByte; d++) {
        uint32_t *c = aCount[d], sum = 0;
        int sh = 8 * d;
        if (c[(ksK(&pIn[0]) >> sh) & 0xff] == n) continue; /* this byte never varies */
        for (int v = 0; v < 256; v++) {
            uint32_t m = c[v];
            c[v] = sum;
            sum += m;
        }
        for (uint32_t i = 0; i < n; i++) pDst[c[(ksK(&pSrc[i]) >> sh) & 0xff]++] = pSrc[i];
        ks_item *pSwap = pSrc;
        pSrc = pDst;
        pDst = pSwap;
    }
    if (pSrc != pOut) memcpy(pOut, pSrc, (size_t)n * sizeof(ks_item));
}

/* ------------------------------------------------------------ reducing */

/* The 8 bytes of z[iFrom..n) that sort as the bytes do (zero-padded). */
static uint64_t ksBytes(const unsigned char *z, int n, int iFrom) {
    uint64_t k = 0;
    if (iFrom + 8 <= n) {
        for (int i = 0; i < 8; i++) k = (k << 8) | z[iFrom + i];
        return k;
    }
    for (int i = 0; i < 8; i++) {
        k = (k << 8) | (iFrom + i < n ? z[iFrom + i] : 0);
    }
    return k;
}

/* The bytes and length of user u's text or blob key: packed (aPacked, see
** learnpath_read_user_order_packed), or pD->aKey's. */
static inline const unsigned char *ksKeyAt(const lp_data *pD, const uint64_t *aPacked, uint32_t u,
                                           int *pn) {
    if (aPacked) {
        *pn = (int)KS_PACK_LEN(aPacked[u]);
        return (const unsigned char *)pD->aKeyByte + KS_PACK_OFF(aPacked[u]);
    }
    *pn = pD->aKey[u].n;
    return (const unsigned char *)pD->aKeyByte + pD->aKey[u].v.off;
}

/*
** One thread's part of a class's sort: its items [i0, i1), and for the
** buckets the counts of the top 16 bits (aCount) or the buckets [c0, c1).
** isFirstU: the class holds every user, item i is user i (u set here).
** aPacked: the keys packed (learnpath_read_user_order_packed), else
** pD->aKey's.
*/
typedef struct ks_part {
    const lp_data *pD;
    const uint64_t *aPacked;
    uint64_t kMin;      /* packed integers: the smallest, flipped, and */
    int nShift;         /* the shift that puts the top bit of their range at the top */
    ks_item *a, *b;
    uint32_t i0, i1;
    int eClass, nCommon, isFirstU;
    uint32_t *aCount;
    const uint32_t *aEnd; /* bucket c is [aEnd[c - 1], aEnd[c]) (0 for c = 0) */
    uint32_t c0, c1;
    uint32_t nB;        /* ksBucketsInPlace: the items b holds */
} ks_part;

/* Reduce the keys of the part's items, counting their top 16 bits (eClass
** 0: the items hold their keys already). */
static void ksReduce(void *pArg) {
    const ks_part *p = pArg;
    const lp_data *pD = p->pD;
    ks_item *a = p->a;
    for (uint32_t i = p->i0; i < p->i1; i++) {
        const lp_key *k;
        if (p->isFirstU) a[i].u = i;
        if (p->eClass == 0) { /* reduced already (learnpath_read_user_order_ints) */
            if (p->aCount) p->aCount[a[i].kHi >> 16]++;
            continue;
        }
        if (p->eClass == 1 && p->aPacked) {
            ksSetK(&a[i], (KS_INT_FLIP(p->aPacked[a[i].u]) - p->kMin) << p->nShift);
        } else if (p->eClass == 1) {
            k = &pD->aKey[a[i].u];
            ksSetK(&a[i], KS_INT_FLIP(k->v.i));
        } else {
            int nByte;
            const unsigned char *z = ksKeyAt(pD, p->aPacked, a[i].u, &nByte);
            ksSetK(&a[i], ksBytes(z, nByte, p->nCommon));
        }
        if (p->aCount) p->aCount[a[i].kHi >> 16]++;
    }
}

/* The part's items into their buckets in b (aCount: each bucket's next place). */
static void ksScatter(void *pArg) {
    const ks_part *p = pArg;
    for (uint32_t i = p->i0; i < p->i1; i++) p->b[p->aCount[p->a[i].kHi >> 16]++] = p->a[i];
}

/* Sort the buckets [c0, c1), each from b back into a. */
static void ksBuckets(void *pArg) {
    const ks_part *p = pArg;
    for (uint32_t c = p->c0; c < p->c1; c++) {
        uint32_t i0 = c ? p->aEnd[c - 1] : 0, m = p->aEnd[c] - i0;
        if (m == 1) p->a[i0] = p->b[i0];
        if (m > 1) ksRadix(p->b + i0, p->a + i0, m, 6); /* the top two bytes are c */
    }
}

#define KS_TOP 65536 /* buckets: the top 16 bits */

/*
** Reduce and sort the keys of the parts' items (aPart[0] the first half,
** aPart[1] the rest): the top 16 bits into buckets, then each bucket, the
** buckets split between the threads (about half the items each). Small
** classes, or no room for the counts: one radix sort of the whole.
*/
static void ksSort(const lp_source_spec *pSpec, ks_part *aPart, uint32_t n) {
    uint32_t *aCount = n < 4096 ? NULL : sqlite3_malloc64(2 * KS_TOP * sizeof(uint32_t));
    uint32_t cMid = 0, sum = 0;
    ks_item *a = aPart[0].a, *b = aPart[0].b;
    if (aCount == NULL) { /* small (n >= 2: ksClass sorts no fewer), or no room */
        learnpath_read_parallel(pSpec, ksReduce, &aPart[0], ksReduce, &aPart[1]);
        ksRadix(a, b, n, 8);
        memcpy(a, b, (size_t)n * sizeof(ks_item));
        return;
    }
    memset(aCount, 0, 2 * KS_TOP * sizeof(uint32_t));
    aPart[0].aCount = aCount;
    aPart[1].aCount = aCount + KS_TOP;
    learnpath_read_parallel(pSpec, ksReduce, &aPart[0], ksReduce, &aPart[1]);
    for (uint32_t c = 0; c < KS_TOP; c++) {
        uint32_t m0 = aCount[c], m1 = aCount[KS_TOP + c];
        aCount[c] = sum; /* the first half's items first in each bucket */
        aCount[KS_TOP + c] = sum + m0;
        sum += m0 + m1;
        if (sum <= n / 2) cMid = c + 1;
    }
    learnpath_read_parallel(pSpec, ksScatter, &aPart[0], ksScatter, &aPart[1]);
    /* the second half's places are now the buckets' ends */
    aPart[0] = (ks_part){.a = a, .b = b, .aEnd = aCount + KS_TOP, .c0 = 0, .c1 = cMid};
    aPart[1] = (ks_part){.a = a, .b = b, .aEnd = aCount + KS_TOP, .c0 = cMid, .c1 = KS_TOP};
    learnpath_read_parallel(pSpec, ksBuckets, &aPart[0], ksBuckets, &aPart[1]);
    sqlite3_free(aCount);
}

/* The user of item i of a class's items a (isFirstU: i itself). */
static inline uint32_t ksUser(const ks_item *a, int isFirstU, uint32_t i) {
    return isFirstU ? i : a[i].u;
}

/* The prefix every key of a[0..n) shares (text or blob users of pD). */
static int ksCommonPrefix(const lp_data *pD, const uint64_t *aPacked, const ks_item *a, int isFirstU,
                          uint32_t n) {
    int nCommon, nByte;
    const unsigned char *z0 = ksKeyAt(pD, aPacked, ksUser(a, isFirstU, 0), &nCommon);
    for (uint32_t i = 1; i < n && nCommon > 0; i++) {
        const unsigned char *z = ksKeyAt(pD, aPacked, ksUser(a, isFirstU, i), &nByte);
        int j = 0, m = nByte < nCommon ? nByte : nCommon;
        while (j < m && z[j] == z0[j]) j++;
        nCommon = j;
    }
    return nCommon;
}

/* The end of the run of equal reduced keys that starts at a[i] (i < n). */
static uint32_t ksRunEnd(const ks_item *a, uint32_t i, uint32_t n) {
    uint32_t j = i + 1;
    while (j < n && a[j].kHi == a[i].kHi && a[j].kLo == a[i].kLo) j++;
    return j;
}

#define KS_TIE_RADIX 64
#define KS_TIE_DEPTH 64

typedef struct ks_ties {
    const lp_data *pD;
    int aCommon[4];           /* text's (2) and blobs' (3) shared prefix, as reduced */
    ks_item *aRoom;           /* scratch for runs of up to nRoom users */
    uint32_t nRoom;
    int isWorker;             /* allocate nothing: leave a larger run (ksOrderOut) */
    const uint64_t *aPacked;  /* the keys packed (eOnly their class), or NULL: pD->aKey */
    int eOnly;
    uint32_t *aTmp;           /* nRoom: each run's order, then put into its items (or NULL) */
} ks_ties;

/*
** The users of x[0..m) (two at least) into aOrder, their keys compared
** whole: a merge sort of the items, bottom up, with y (room for m) as the
** other buffer, so it allocates nothing and either thread may run it.
** Two users never compare equal (equal keys are one user), so the order
** is the only one, whatever the sort.
*/
static void ksCompareRun(const ks_ties *T, ks_item *x, ks_item *y, uint32_t m, uint32_t *aOrder) {
    const lp_data *pD = T->pD;
    ks_item *pSrc = x, *pDst = y, *pSwap;
    for (uint32_t w = 1; w < m; w *= 2) {
        for (uint32_t lo = 0; lo < m; lo += 2 * w) {
            uint32_t mid = lo + w < m ? lo + w : m, hi = mid + w < m ? mid + w : m;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int c;
                if (T->aPacked && T->eOnly == 1) { /* (integers reduce to themselves: never tied) */
                    int64_t vi = (int64_t)T->aPacked[pSrc[i].u], vj = (int64_t)T->aPacked[pSrc[j].u];
                    c = (vi > vj) - (vi < vj);
                } else if (T->aPacked) { /* one class: its bytes decide, as learnpath_key_cmp's */
                    int ni, nj;
                    const unsigned char *zi = ksKeyAt(pD, T->aPacked, pSrc[i].u, &ni);
                    const unsigned char *zj = ksKeyAt(pD, T->aPacked, pSrc[j].u, &nj);
                    c = learnpath_bytes_cmp((const char *)zi, ni, (const char *)zj, nj);
                } else {
                    c = learnpath_key_cmp(pD, &pD->aKey[pSrc[i].u], &pD->aKey[pSrc[j].u]);
                }
                pDst[k++] = c <= 0 ? pSrc[i++] : pSrc[j++];
            }
            while (i < mid) pDst[k++] = pSrc[i++];
            while (j < hi) pDst[k++] = pSrc[j++];
        }
        pSwap = pSrc;
        pSrc = pDst;
        pDst = pSwap;
    }
    for (uint32_t k = 0; k < m; k++) aOrder[k] = pSrc[k].u;
}

/*
** Ties: ids that share more than 8 bytes after the prefix every id has,
** as e-mail addresses do ('anna.garcia...', 'anna.garcia...'): two
** million of them fell into a thousand runs of equal reduced keys, each
** sorted by comparing keys through two pointers, most of the sort's time.
** A run of KS_TIE_RADIX users or more, all text or all blobs, is reduced
** again at the next 8 bytes and sorted by radix, and so on for the runs
** that are still equal, down to KS_TIE_DEPTH bytes; what is left (short
** runs, keys no longer than the bytes already read, or deeper) is
** compared whole.
*/

/* The class (2 text, 3 blob) every user of a[0..m) has, or 0. */
static int ksRunClass(const ks_ties *T, const ks_item *a, uint32_t m) {
    const lp_data *pD = T->pD;
    if (T->aPacked) return T->eOnly == 1 ? 0 : T->eOnly; /* (integers: compared whole) */
    unsigned char e = pD->aKey[a[0].u].eType;
    if (e != SQLITE_TEXT && e != SQLITE_BLOB) return 0;
    for (uint32_t k = 1; k < m; k++) {
        if (pD->aKey[a[k].u].eType != e) return 0;
    }
    return e == SQLITE_TEXT ? 2 : 3;
}

/* Reduce the keys of a[0..m) at byte iFrom (the keys and their bytes asked
** for ahead: the users are met at random here); the longest key's length. */
static int ksReduceAt(const ks_ties *T, ks_item *a, uint32_t m, int iFrom) {
    const lp_data *pD = T->pD;
    int nMax = 0, nByte;
    for (uint32_t k = 0; k < m; k++) {
        const unsigned char *z;
        if (k + 16 < m) {
            if (T->aPacked) {
                __builtin_prefetch(&T->aPacked[a[k + 16].u]);
            } else {
                __builtin_prefetch(&pD->aKey[a[k + 16].u]);
            }
        }
        if (k + 8 < m) {
            z = ksKeyAt(pD, T->aPacked, a[k + 8].u, &nByte);
            __builtin_prefetch(z + (iFrom < nByte ? iFrom : 0));
        }
        z = ksKeyAt(pD, T->aPacked, a[k].u, &nByte);
        ksSetK(&a[k], ksBytes(z, nByte, iFrom));
        if (nByte > nMax) nMax = nByte;
    }
    return nMax;
}

/*
** The users of run x[0..m), equal in every byte before iFrom, into
** aOrder: reduced at iFrom and sorted by radix into y (room for m), then
** each run still equal the same way from y back into x.
*/
static void ksTieRun(const ks_ties *T, ks_item *x, ks_item *y, uint32_t m, int iFrom, int iLimit,
                     uint32_t *aOrder) {
    uint32_t i = 0, j;
    if (m < KS_TIE_RADIX || iFrom > iLimit || ksReduceAt(T, x, m, iFrom) <= iFrom) {
        ksCompareRun(T, x, y, m, aOrder);
        return;
    }
    ksRadix(x, y, m, 8);
    for (; i < m; i = j) {
        j = ksRunEnd(y, i, m);
        if (j - i == 1) {
            aOrder[i] = y[i].u;
        } else {
            ksTieRun(T, y + i, x + i, j - i, iFrom + 8, iLimit, aOrder + i);
        }
    }
}

/* A run of equal reduced keys, a[0..m), into aOrder, with the room of T
** or (m larger) a block of its own; aOrder NULL (packed keys): its users
** put into its items in order, through T->aTmp (or the block's tail). */
static int ksRun(const ks_ties *T, ks_item *a, uint32_t m, uint32_t *aOrder) {
    int eClass = m < KS_TIE_RADIX ? 0 : ksRunClass(T, a, m);
    ks_item *y = T->aRoom;
    uint32_t *aOut = aOrder ? aOrder : T->aTmp;
    if (m > T->nRoom) {
        y = sqlite3_malloc64((sqlite3_uint64)m * (sizeof(ks_item) + (aOrder ? 0 : sizeof(uint32_t))));
        if (!y) return SQLITE_NOMEM;
        if (!aOrder) aOut = (uint32_t *)(void *)(y + m);
    }
    if (eClass == 0) {
        ksCompareRun(T, a, y, m, aOut);
    } else {
        ksTieRun(T, a, y, m, T->aCommon[eClass] + 8, T->aCommon[eClass] + 8 + KS_TIE_DEPTH, aOut);
    }
    /* (the run's items served as scratch: only their users are kept) */
    for (uint32_t k = 0; !aOrder && k < m; k++) a[k].u = aOut[k];
    if (y != T->aRoom) sqlite3_free(y);
    return SQLITE_OK;
}

/*
** The users of a[i0..i1) (whole runs) into aOrder[i0..i1) in key order
** (aOrder NULL: into the items' users, T->aTmp set):
** where reduced keys are equal (longer keys, "ab" and "ab\0" (the zero
** padding), every number of a class with a fraction) sorted further
** (ksRun), in the same pass. A run may span two classes by chance: it is
** then compared whole, in SQL's order. T: the classes' prefixes, and
** scratch room. *piStop: the first item not done, i1 unless T->isWorker
** met a run larger than its room (it and the rest left, untouched).
*/
static int ksOrderOut(const ks_ties *T, ks_item *a, uint32_t i0, uint32_t i1, uint32_t *aOrder,
                      uint32_t *piStop) {
    uint32_t i, j;
    int rc = SQLITE_OK;
    for (i = i0; i < i1 && rc == SQLITE_OK; i = j) {
        j = ksRunEnd(a, i, i1);
        if (j - i < 2) {
            if (aOrder) aOrder[i] = a[i].u;
        } else if (T->isWorker && j - i > T->nRoom) {
            break;
        } else {
            rc = ksRun(T, a + i, j - i, aOrder ? aOrder + i : NULL);
        }
    }
    *piStop = i;
    return rc;
}

/* One thread's share of the runs (learnpath_read_parallel: it allocates
** nothing). */
typedef struct ks_out {
    ks_ties T;
    ks_item *a;
    uint32_t *aOrder;
    uint32_t i0, i1, iStop;
} ks_out;

static void ksOutPart(void *pArg) {
    ks_out *p = pArg;
    (void)ksOrderOut(&p->T, p->a, p->i0, p->i1, p->aOrder, &p->iStop); /* no allocation: no error */
}

/* Fewer users in runs than this: the runs on one thread. */
#define KS_SPLIT_MIN 4096

/*
** ksOrderOut over all n users: on two threads when the read may use two
** and enough users are in runs (e-mail ids: a sixth of the time of a query
** in user_id order went here), split where the runs' users are halved,
** each thread with half the room. A thread that meets a run larger than
** its half stops there; this thread then does the rest of that share, with
** the whole room or a block of its own.
*/
static int ksOrderAll(const ks_ties *T, const lp_source_spec *pSpec, ks_item *a, uint32_t n,
                      uint32_t *aOrder) {
    ks_out aPart[2];
    uint64_t nTied = 0, nSeen = 0;
    uint32_t i, j, iMid, iStop;
    int rc;
    if (pSpec->nThreads >= 2 && n >= KS_SPLIT_MIN) {
        for (i = 0; i < n; i = j) {
            j = ksRunEnd(a, i, n);
            if (j - i > 1) nTied += j - i;
        }
    }
    if (nTied < KS_SPLIT_MIN) return ksOrderOut(T, a, 0, n, aOrder, &iStop);
    for (i = 0; i < n && 2 * nSeen < nTied; i = j) {
        j = ksRunEnd(a, i, n);
        if (j - i > 1) nSeen += j - i;
    }
    iMid = i;
    for (int k = 0; k < 2; k++) {
        aPart[k].T = *T;
        aPart[k].T.isWorker = 1;
        aPart[k].a = a;
        aPart[k].aOrder = aOrder;
    }
    aPart[0].T.nRoom = T->nRoom / 2;
    aPart[1].T.aRoom = T->aRoom + T->nRoom / 2;
    if (T->aTmp) aPart[1].T.aTmp = T->aTmp + T->nRoom / 2;
    aPart[1].T.nRoom = T->nRoom - T->nRoom / 2;
    aPart[0].i0 = 0;
    aPart[0].i1 = iMid;
    aPart[1].i0 = iMid;
    aPart[1].i1 = n;
    learnpath_read_parallel(pSpec, ksOutPart, &aPart[0], ksOutPart, &aPart[1]);
    for (int k = 0; k < 2; k++) {
        rc = ksOrderOut(T, a, aPart[k].iStop, aPart[k].i1, aOrder, &iStop);
        if (rc) return rc;
    }
    return SQLITE_OK;
}

/*
** Sort the users a[0..n) of one storage class (1 numbers, 2 text, 3 blob;
** 0: integers whose items hold their keys already) by their reduced keys; isFirstU: the class holds every user, their items
** not yet filled. The prefix the keys were reduced after (text and blobs).
*/
static int ksClass(const lp_data *pD, const lp_source_spec *pSpec, ks_item *a, ks_item *b, uint32_t n,
                    int eClass, int isFirstU) {
    ks_part aPart[2];
    int nCommon = 0;
    if (n < 2) {
        /* one user: its item still gets a key, which ksOrderOut compares
        ** with its neighbours' (a run across classes is compared whole) */
        if (n == 1) {
            a[0].u = ksUser(a, isFirstU, 0);
            ksSetK(&a[0], 0);
        }
        return 0;
    }
    for (uint32_t i = 0; eClass == 1 && i < n; i++) {
        const lp_key *k = &pD->aKey[ksUser(a, isFirstU, i)];
        if (k->eType != SQLITE_INTEGER && !k->isIntegral) {
            /* a fraction: every number compared whole, by SQL's rules */
            for (uint32_t m = 0; m < n; m++) {
                a[m].u = ksUser(a, isFirstU, m);
                ksSetK(&a[m], 0);
            }
            return 0;
        }
    }
    if (eClass >= 2) nCommon = ksCommonPrefix(pD, NULL, a, isFirstU, n);
    aPart[0] = (ks_part){pD, NULL, 0, 0, a, b, 0, n / 2, eClass, nCommon, isFirstU, NULL, NULL, 0, 0, 0};
    aPart[1] = aPart[0];
    aPart[1].i0 = n / 2;
    aPart[1].i1 = n;
    ksSort(pSpec, aPart, n);
    return nCommon;
}

static int ksClassOf(const lp_key *k) {
    return k->eType == SQLITE_INTEGER || k->eType == SQLITE_FLOAT ? 1
           : k->eType == SQLITE_TEXT                              ? 2
                                                                  : 3;
}

/* See lp_read_int.h. */
int learnpath_read_user_order(const lp_data *pD, const lp_source_spec *pSpec, void *pReuse,
                              unsigned char **paBlock) {
    uint32_t n = pD->nUser, aStart[4] = {0, 0, 0, 0}, *aOrder;
    unsigned char *aBlock = sqlite3_realloc64(pReuse, BUILD_ORDER_BYTES(n)); /* n >= 2 (lp_read.h) */
    ks_item *a = (ks_item *)aBlock, *b = a + n;
    ks_ties T;
    int rc = SQLITE_OK;
    *paBlock = NULL;
    if (!aBlock) {
        sqlite3_free(pReuse);
        return SQLITE_NOMEM;
    }
    memset(&T, 0, sizeof(T));
    /* the classes in SQL's order, each users in first-appearance order */
    for (uint32_t u = 0; u < n; u++) aStart[ksClassOf(&pD->aKey[u])]++;
    if (aStart[1] == n || aStart[2] == n || aStart[3] == n) {
        /* one class, the usual case: its items are filled as they are reduced */
        int c = aStart[1] == n ? 1 : aStart[2] == n ? 2 : 3;
        T.aCommon[c] = ksClass(pD, pSpec, a, b, n, c, 1);
    } else {
        aStart[3] = aStart[1] + aStart[2];
        aStart[2] = aStart[1];
        aStart[1] = 0;
        for (uint32_t u = 0; u < n; u++) a[aStart[ksClassOf(&pD->aKey[u])]++].u = u;
        /* aStart[c] is now the end of class c */
        for (int c = 1; c <= 3; c++) {
            uint32_t i0 = c == 1 ? 0 : aStart[c - 1];
            T.aCommon[c] = ksClass(pD, pSpec, a + i0, b + i0, aStart[c] - i0, c, 0);
        }
    }
    /* item i lies at 12 i, below the order's place (BUILD_ORDER_OFF); the
    ** copy b, which the order overwrites, is done with: up to the order,
    ** the scratch of runs of equal keys */
    aOrder = (uint32_t *)(aBlock + BUILD_ORDER_OFF(n));
    T.pD = pD;
    T.aRoom = b;
    T.nRoom = (uint32_t)((BUILD_ORDER_OFF(n) - (sqlite3_uint64)n * sizeof(ks_item)) / sizeof(ks_item));
    rc = ksOrderAll(&T, pSpec, a, n, aOrder);
    if (rc) {
        sqlite3_free(aBlock);
        return rc;
    }
    *paBlock = aBlock;
    return SQLITE_OK;
}

/* See lp_read.h. */
int learnpath_data_user_order(const lp_data *pD, const lp_source_spec *pSpec, uint32_t **paOrder) {
    unsigned char *aBlock;
    uint32_t *aShrunk;
    int rc = learnpath_read_user_order(pD, pSpec, NULL, &aBlock);
    *paOrder = NULL;
    if (rc) return rc;
    /* the order moved to the block's start, then the block shrunk to it (a
    ** realloc that shrinks keeps the block when it cannot move it) */
    memmove(aBlock, aBlock + BUILD_ORDER_OFF(pD->nUser), (size_t)pD->nUser * sizeof(uint32_t));
    aShrunk = sqlite3_realloc64(aBlock, (sqlite3_uint64)pD->nUser * sizeof(uint32_t));
    *paOrder = aShrunk ? aShrunk : (uint32_t *)aBlock;
    return SQLITE_OK;
}

/*
** See lp_read_int.h. Integer ids reduce to themselves (the sign bit
** flipped), so no two users' items are equal and the keys can be made
** again from the sorted items: the keys' own block becomes the sort's
** (grown to BUILD_ORDER_BYTES), each key packed into its 12-byte item in
** place, and after the sort each sorted item unpacked into its key, from
** the end (a key's 16 bytes land on the items it and those after it held).
** The block and the keys are never held at once: 16 bytes a user less at
** the read's peak. Items and keys are copied through memcpy (one block
** holds both in turn).
*/
int learnpath_read_user_order_ints(lp_data *pD, const lp_source_spec *pSpec, unsigned char **paBlock) {
    uint32_t n = pD->nUser, *aOrder;
    unsigned char *aBlock = sqlite3_realloc64(pD->aKey, BUILD_ORDER_BYTES(n)); /* n >= 2 */
    ks_item *a;
    *paBlock = NULL;
    if (!aBlock) return SQLITE_NOMEM; /* the keys are as they were */
    pD->aKey = NULL;
    pD->nUserAlloc = 0;
    for (uint32_t i = 0; i < n; i++) {
        lp_key k;
        ks_item it;
        memcpy(&k, aBlock + sizeof(lp_key) * (size_t)i, sizeof(k));
        ksSetK(&it, KS_INT_FLIP(k.v.i));
        it.u = i;
        memcpy(aBlock + sizeof(ks_item) * (size_t)i, &it, sizeof(it));
    }
    a = (ks_item *)(void *)aBlock;
    (void)ksClass(pD, pSpec, a, a + n, n, 0, 0); /* class 0: reduced already */
    aOrder = (uint32_t *)(aBlock + BUILD_ORDER_OFF(n));
    for (uint32_t i = 0; i < n; i++) aOrder[i] = a[i].u;
    for (uint32_t i = n; i-- > 0;) {
        lp_key k;
        ks_item it;
        memcpy(&it, aBlock + sizeof(ks_item) * (size_t)i, sizeof(it));
        memset(&k, 0, sizeof(k));
        k.v.i = (int64_t)KS_INT_FLIP(ksK(&it));
        k.eType = SQLITE_INTEGER;
        memcpy(aBlock + sizeof(lp_key) * (size_t)i, &k, sizeof(k));
    }
    *paBlock = aBlock;
    return SQLITE_OK;
}

/* --------------------------------------------- packed keys: one copy */

/* See lp_read_int.h. */
int learnpath_read_keys_packable(const lp_data *pD) {
    unsigned char e = pD->nUser ? pD->aKey[0].eType : 0;
    if (e != SQLITE_TEXT && e != SQLITE_BLOB && e != SQLITE_INTEGER) return 0;
    for (uint32_t u = 0; u < pD->nUser; u++) {
        const lp_key *k = &pD->aKey[u];
        if (k->eType != e) return 0;
        if (e != SQLITE_INTEGER && ((uint64_t)k->n >= ((uint64_t)1 << KS_LEN_BITS) ||
                                    (uint64_t)k->v.off >= ((uint64_t)1 << (64 - KS_LEN_BITS)))) {
            return 0;
        }
    }
    return e == SQLITE_INTEGER ? 1 : e == SQLITE_TEXT ? 2 : 3;
}

/* See lp_read_int.h. */
void learnpath_read_unpack_keys(unsigned char *aBlock, uint32_t n, int eOnly) {
    for (uint32_t i = n; i-- > 0;) {
        ks_item it;
        lp_key k;
        uint64_t v;
        memcpy(&it, aBlock + sizeof(ks_item) * (size_t)i, sizeof(it));
        v = ksK(&it);
        memset(&k, 0, sizeof(k));
        if (eOnly == 1) {
            k.v.i = (int64_t)v;
            k.eType = SQLITE_INTEGER;
        } else {
            k.v.off = KS_PACK_OFF(v);
            k.n = (int)KS_PACK_LEN(v);
            k.eType = eOnly == 2 ? SQLITE_TEXT : SQLITE_BLOB;
        }
        memcpy(aBlock + sizeof(lp_key) * (size_t)i, &k, sizeof(k));
    }
}

/* User u's reduced key (packed keys: an integer with its sign bit flipped,
** less the smallest, shifted so that the range's top bit is the key's, so
** ids from 1 up do not all fall into one bucket of the top 16 bits; text
** or a blob, 8 bytes after the prefix all share). */
static inline uint64_t ksPackedKey(const ks_part *p, uint32_t u) {
    int nByte;
    const unsigned char *z;
    if (p->eClass == 1) return (KS_INT_FLIP(p->aPacked[u]) - p->kMin) << p->nShift;
    z = ksKeyAt(p->pD, p->aPacked, u, &nByte);
    return ksBytes(z, nByte, p->nCommon);
}

/* The range of n packed integers (two at least, distinct): its smallest,
** sign bit flipped, and the shift that moves its top bit to bit 63. */
static void ksIntRange(const uint64_t *aPacked, uint32_t n, ks_part *p) {
    uint64_t kMin = KS_INT_FLIP(aPacked[0]), kMax = kMin, d;
    int nShift = 0;
    for (uint32_t u = 1; u < n; u++) {
        uint64_t k = KS_INT_FLIP(aPacked[u]);
        if (k < kMin) kMin = k;
        if (k > kMax) kMax = k;
    }
    for (d = kMax - kMin; d && d < ((uint64_t)1 << 63); d <<= 1) nShift++; /* (d > 0: distinct) */
    p->kMin = kMin;
    p->nShift = nShift;
}

/* Count the top 16 bits of the reduced keys of users [i0, i1) (packed; no
** item is written). */
static void ksCountPacked(void *pArg) {
    const ks_part *p = pArg;
    for (uint32_t u = p->i0; u < p->i1; u++) p->aCount[ksPackedKey(p, u) >> 48]++;
}

/* The same users reduced again, as items into their buckets of a (aCount:
** each bucket's next place). The keys' bytes are read in the order they
** were stored: the second reduction costs a sequential pass, not a copy. */
static void ksScatterPacked(void *pArg) {
    const ks_part *p = pArg;
    for (uint32_t u = p->i0; u < p->i1; u++) {
        uint64_t k = ksPackedKey(p, u);
        ks_item *q = &p->a[p->aCount[k >> 48]++];
        ksSetK(q, k);
        q->u = u;
    }
}

/*
** Sort a[0..m) in place by the nByte low bytes of k (the bytes above are
** equal): at most nB items are copied into the room b and sorted back by
** radix; more are put in place by their top byte (each item swapped into
** its part until every part holds its own: American flag sort), and each
** part is sorted alike on the next byte. Items equal in every byte are a
** run (ksOrderOut orders it). Depth at most nByte, 3 KB of stack a level.
*/
static void ksFlag(ks_item *a, uint32_t m, int nByte, ks_item *b, uint32_t nB) {
    uint32_t aNext[256], aEnd[256], sum = 0;
    int sh = 8 * (nByte - 1);
    if (m <= nB) {
        memcpy(b, a, (size_t)m * sizeof(ks_item));
        ksRadix(b, a, m, nByte);
        return;
    }
    memset(aEnd, 0, sizeof(aEnd));
    for (uint32_t i = 0; i < m; i++) aEnd[(ksK(&a[i]) >> sh) & 0xff]++;
    for (int v = 0; v < 256; v++) {
        aNext[v] = sum;
        sum += aEnd[v];
        aEnd[v] = sum;
    }
    for (int v = 0; v < 256; v++) {
        while (aNext[v] < aEnd[v]) {
            ks_item x = a[aNext[v]];
            int d = (int)((ksK(&x) >> sh) & 0xff);
            while (d != v) { /* x to its part; what was there goes on */
                ks_item y = a[aNext[d]];
                a[aNext[d]++] = x;
                x = y;
                d = (int)((ksK(&x) >> sh) & 0xff);
            }
            a[aNext[v]++] = x;
        }
    }
    for (int v = 0; nByte > 1 && v < 256; v++) {
        uint32_t i0 = v ? aEnd[v - 1] : 0;
        if (aEnd[v] - i0 > 1) ksFlag(a + i0, aEnd[v] - i0, nByte - 1, b, nB);
    }
}

/* Sort the buckets [c0, c1) of a in place through the room b (nB items). */
static void ksBucketsInPlace(void *pArg) {
    const ks_part *p = pArg;
    for (uint32_t c = p->c0; c < p->c1; c++) {
        uint32_t i0 = c ? p->aEnd[c - 1] : 0, m = p->aEnd[c] - i0;
        if (m > 1) ksFlag(p->a + i0, m, 6, p->b, p->nB); /* the top two bytes are c */
    }
}

/* Items [i0, i1) of a: each one's packed key into k (read at random: asked
** for ahead). */
static void ksGatherPacked(void *pArg) {
    const ks_part *p = pArg;
    uint32_t i1 = p->i1 > p->i0 + 16 ? p->i1 - 16 : p->i0, i;
    for (i = p->i0; i < i1; i++) {
        __builtin_prefetch(&p->aPacked[p->a[i + 16].u]);
        ksSetK(&p->a[i], p->aPacked[p->a[i].u]);
    }
    for (; i < p->i1; i++) ksSetK(&p->a[i], p->aPacked[p->a[i].u]);
}

/* The most items a thread's room holds: a 32nd of the users, 4,096 at
** least (16 bytes each: half a byte a user for the two threads). */
#define KS_ROOM_MAX(n) ((n) / 32 > 4096 ? (n) / 32 : 4096)

/*
** The packed users' items, a (aPart[0].a, n of them), into the order of
** their reduced keys, in one copy: the top 16 bits counted (each thread its
** half of the users), the users reduced again into their buckets, each
** bucket copied into a room as large as the largest of its thread's share
** (at most KS_ROOM_MAX: a larger one is sorted in place) and sorted back.
** That room, with 4 bytes an item more, is then the room of the runs of
** equal keys (pT; a larger run takes a block of its own). Small classes:
** one radix sort through a room of n items.
*/
static int ksSortPacked(const lp_source_spec *pSpec, ks_part *aPart, uint32_t n, ks_ties *pT) {
    ks_item *a = aPart[0].a, *aRoom;
    uint32_t *aCount = NULL, *aEnd, cMid = 0, sum = 0, aMax[2] = {n, 0};
    if (n >= 4096) {
        aCount = sqlite3_malloc64(2 * KS_TOP * sizeof(uint32_t));
        if (!aCount) return SQLITE_NOMEM;
        memset(aCount, 0, 2 * KS_TOP * sizeof(uint32_t));
        aPart[0].aCount = aCount;
        aPart[1].aCount = aCount + KS_TOP;
        learnpath_read_parallel(pSpec, ksCountPacked, &aPart[0], ksCountPacked, &aPart[1]);
        for (uint32_t c = 0; c < KS_TOP; c++) {
            uint32_t m0 = aCount[c], m1 = aCount[KS_TOP + c];
            aCount[c] = sum; /* the first half's users first in each bucket */
            aCount[KS_TOP + c] = sum + m0;
            sum += m0 + m1;
            if (sum <= n / 2) cMid = c + 1;
        }
        learnpath_read_parallel(pSpec, ksScatterPacked, &aPart[0], ksScatterPacked, &aPart[1]);
        aEnd = aCount + KS_TOP; /* the second half's places are now the buckets' ends */
        aMax[0] = 0;
        for (uint32_t c = 0; c < KS_TOP; c++) {
            uint32_t m = aEnd[c] - (c ? aEnd[c - 1] : 0);
            if (m > aMax[c >= cMid]) aMax[c >= cMid] = m;
        }
    }
    /* a share's room: its largest bucket, within KS_ROOM_MAX (larger ones
    ** are sorted in place, by ksFlag) */
    for (int k = 0; aCount && k < 2; k++) {
        if (aMax[k] > KS_ROOM_MAX(n)) aMax[k] = KS_ROOM_MAX(n);
    }
    pT->nRoom = aMax[0] + aMax[1];
    aRoom = sqlite3_malloc64((sqlite3_uint64)pT->nRoom * (sizeof(ks_item) + sizeof(uint32_t)));
    if (!aRoom) {
        sqlite3_free(aCount);
        return SQLITE_NOMEM;
    }
    pT->aRoom = aRoom;
    pT->aTmp = (uint32_t *)(void *)(aRoom + pT->nRoom);
    if (aCount == NULL) {
        ksReduce(&aPart[0]);
        ksReduce(&aPart[1]);
        memcpy(aRoom, a, (size_t)n * sizeof(ks_item));
        ksRadix(aRoom, a, n, 8);
        return SQLITE_OK;
    }
    aPart[0] = (ks_part){.a = a, .b = aRoom, .aEnd = aEnd, .c0 = 0, .c1 = cMid, .nB = aMax[0]};
    aPart[1] = (ks_part){.a = a, .b = aRoom + aMax[0], .aEnd = aEnd, .c0 = cMid, .c1 = KS_TOP, .nB = aMax[1]};
    learnpath_read_parallel(pSpec, ksBucketsInPlace, &aPart[0], ksBucketsInPlace, &aPart[1]);
    sqlite3_free(aCount);
    return SQLITE_OK;
}

/* See lp_read_int.h. Key u's 8 bytes land at 8u, on what key u or one
** before it held. The items (12 bytes a user) are the only copy; each then
** takes its user's packed key, so the keys are made again in their new
** order from the items alone: 8 + 12 bytes a user, not 16 + 24. */
int learnpath_read_user_order_packed(lp_data *pD, const lp_source_spec *pSpec, int eOnly, void *pReuse,
                                   unsigned char **paBlock, uint64_t **paPacked) {
    uint32_t n = pD->nUser; /* >= 2 (lp_read.h) */
    unsigned char *aKeyBlock = (unsigned char *)pD->aKey, *aBlock;
    uint64_t *aPacked;
    ks_part aPart[2];
    ks_ties T;
    int rc;
    *paBlock = NULL;
    *paPacked = NULL;
    for (uint32_t u = 0; u < n; u++) {
        lp_key k;
        uint64_t v;
        memcpy(&k, aKeyBlock + sizeof(lp_key) * (size_t)u, sizeof(k));
        v = eOnly == 1 ? (uint64_t)k.v.i : KS_PACK(k.v.off, k.n);
        memcpy(aKeyBlock + sizeof(uint64_t) * (size_t)u, &v, sizeof(v));
    }
    aPacked = sqlite3_realloc64(aKeyBlock, (sqlite3_uint64)n * sizeof(uint64_t));
    if (!aPacked) aPacked = (uint64_t *)(void *)aKeyBlock; /* not shrunk: as right, larger */
    pD->aKey = NULL;
    pD->nUserAlloc = 0;
    aBlock = sqlite3_realloc64(pReuse, BUILD_ORDER_POS(n));
    if (!aBlock) {
        sqlite3_free(pReuse);
        sqlite3_free(aPacked);
        return SQLITE_NOMEM;
    }
    T = (ks_ties){.pD = pD, .aPacked = aPacked, .eOnly = eOnly};
    if (eOnly >= 2) T.aCommon[eOnly] = ksCommonPrefix(pD, aPacked, NULL, 1, n);
    aPart[0] = (ks_part){pD, aPacked, 0, 0, (ks_item *)(void *)aBlock, NULL, 0, n / 2, eOnly, T.aCommon[eOnly],
                         1, NULL, NULL, 0, 0, 0};
    if (eOnly == 1) ksIntRange(aPacked, n, &aPart[0]);
    aPart[1] = aPart[0];
    aPart[1].i0 = n / 2;
    aPart[1].i1 = n;
    rc = ksSortPacked(pSpec, aPart, n, &T);
    if (rc == SQLITE_OK) rc = ksOrderAll(&T, pSpec, (ks_item *)(void *)aBlock, n, NULL);
    sqlite3_free(T.aRoom);
    if (rc) {
        sqlite3_free(aBlock);
        sqlite3_free(aPacked);
        return rc;
    }
    aPart[0] = (ks_part){.a = (ks_item *)(void *)aBlock, .aPacked = aPacked, .i0 = 0, .i1 = n / 2};
    aPart[1] = (ks_part){.a = (ks_item *)(void *)aBlock, .aPacked = aPacked, .i0 = n / 2, .i1 = n};
    learnpath_read_parallel(pSpec, ksGatherPacked, &aPart[0], ksGatherPacked, &aPart[1]);
    *paBlock = aBlock;
    *paPacked = aPacked;
    return SQLITE_OK;
}
