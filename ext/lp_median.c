/*
** lp_median.c - exact medians of gaps (rule 9: of an even count, the mean
** of the two middle values), without sorting and without copying them.
** Plain C over arrays of int64_t; nothing here calls SQLite but its
** allocator.
*/
#include <string.h>

#include "lp_journey.h"

/* k-th smallest of a[0..n) (0-based), reordering a. */
static int64_t trnSelect(int64_t *a, int64_t n, int64_t k) {
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t pivot = a[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                int64_t t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return a[k];
        }
    }
    return a[k];
}

/*
** Medians without sorting. A row's gaps lie in one run of an array; a
** derived row's gaps are the runs of its source rows. The two middle
** values (one, for an odd count) are found by radix selection over the
** runs as they lie: a pass counts the values of the current range in 2048
** buckets by their top bits, and the range narrows to the bucket holding
** the middle. Once the range holds few values (at most TRN_FEW, or a 32nd
** of all) they are copied out and selected there (trnSelect); a range of
** one value is the answer; when the two middle values fall in two buckets,
** they are the largest of the one and the smallest of the other. Typical
** gaps take three passes over the values (their range, one count, the
** copy); the range shrinks 2048-fold per count, so there are at most
** seven. Nothing is reordered.
*/
#define TRN_RADIX_BITS 11
#define TRN_FEW 4096

/* Scratch of the selection, kept across the rows of one aggregate. */
struct lp_median_scratch {
    uint64_t aCount[1u << TRN_RADIX_BITS];
    int64_t *aCopy;
    int64_t nCopyAlloc;
};

lp_median_scratch *learnpath_median_scratch_new(void) {
    lp_median_scratch *pX = sqlite3_malloc64(sizeof(lp_median_scratch));
    if (pX) {
        pX->aCopy = NULL;
        pX->nCopyAlloc = 0;
    }
    return pX;
}

void learnpath_median_scratch_free(lp_median_scratch *pX) {
    if (pX) sqlite3_free(pX->aCopy);
    sqlite3_free(pX);
}

/* Every value of the runs within [base + uLo, base + uLo + width]. */
#define TRN_FOR_IN_RANGE(aRun, nRun, base, uLo, width, v, BODY)                             \
    for (int64_t r_ = 0; r_ < (nRun); r_++) {                                               \
        for (int64_t i_ = 0; i_ < (aRun)[r_].n; i_++) {                                     \
            int64_t v = (aRun)[r_].a[i_];                                                   \
            if ((uint64_t)v - (uint64_t)(base) - (uLo) <= (width)) BODY                      \
        }                                                                                   \
    }

/*
** Median in ms of the n > 0 values of aRun[0..nRun) (rule 9: of an even
** count, the mean of the two middle values), into *pMs.
*/
int learnpath_median(const lp_run *aRun, int64_t nRun, int64_t n, lp_median_scratch *pX,
                     double *pMs) {
    int64_t kLo = (n - 1) / 2, kHi = n / 2, nIn = n, base = aRun[0].a[0], top = base;
    int64_t lo, hi;
    uint64_t uLo = 0, width;

    for (int64_t r = 0; r < nRun; r++) {
        for (int64_t i = 0; i < aRun[r].n; i++) {
            if (aRun[r].a[i] < base) base = aRun[r].a[i];
            if (aRun[r].a[i] > top) top = aRun[r].a[i];
        }
    }
    width = (uint64_t)top - (uint64_t)base;
    for (;;) {
        if (width == 0) {
            lo = hi = (int64_t)((uint64_t)base + uLo);
            break;
        }
        if (nIn <= TRN_FEW || nIn <= n / 32) {
            /* few enough: copy them, select the upper middle; the values
            ** before it are then all <= it, and the lower middle is their
            ** largest */
            int64_t m = 0;
            if (nIn > pX->nCopyAlloc) {
                int64_t *a = sqlite3_realloc64(pX->aCopy, (sqlite3_uint64)nIn * sizeof(int64_t));
                if (!a) return SQLITE_NOMEM;
                pX->aCopy = a;
                pX->nCopyAlloc = nIn;
            }
            TRN_FOR_IN_RANGE(aRun, nRun, base, uLo, width, v, { pX->aCopy[m++] = v; })
            hi = trnSelect(pX->aCopy, m, kHi);
            lo = hi;
            if (kLo < kHi) {
                lo = pX->aCopy[0];
                for (int64_t i = 1; i < kHi; i++) {
                    if (pX->aCopy[i] > lo) lo = pX->aCopy[i];
                }
            }
            break;
        }
        int shift = 0;
        while ((width >> shift) >= (1u << TRN_RADIX_BITS)) shift++;
        uint32_t nBucket = (uint32_t)(width >> shift) + 1, bLo, bHi;
        uint64_t *aCount = pX->aCount;
        memset(aCount, 0, nBucket * sizeof(uint64_t));
        TRN_FOR_IN_RANGE(aRun, nRun, base, uLo, width, v,
                         { aCount[((uint64_t)v - (uint64_t)base - uLo) >> shift]++; })
        for (bLo = 0; (int64_t)aCount[bLo] <= kLo; bLo++) {
            kLo -= (int64_t)aCount[bLo];
            kHi -= (int64_t)aCount[bLo];
        }
        for (bHi = bLo; (int64_t)aCount[bHi] <= kHi; bHi++) kHi -= (int64_t)aCount[bHi];
        if (bHi != bLo) {
            /* the middle values straddle two buckets: the largest of the
            ** lower one and the smallest of the upper one */
            uint64_t w = ((uint64_t)1 << shift) - 1;
            uint64_t uA = uLo + ((uint64_t)bLo << shift), uB = uLo + ((uint64_t)bHi << shift);
            int hasLo = 0, hasHi = 0;
            lo = hi = 0;
            TRN_FOR_IN_RANGE(aRun, nRun, base, uA, w, v, {
                if (!hasLo || v > lo) lo = v;
                hasLo = 1;
            })
            TRN_FOR_IN_RANGE(aRun, nRun, base, uB, w, v, {
                if (!hasHi || v < hi) hi = v;
                hasHi = 1;
            })
            break;
        }
        nIn = (int64_t)aCount[bLo];
        uLo += (uint64_t)bLo << shift;
        if (((uint64_t)1 << shift) - 1 < width - ((uint64_t)bLo << shift)) {
            width = ((uint64_t)1 << shift) - 1;
        } else {
            width -= (uint64_t)bLo << shift;
        }
    }
    *pMs = ((double)lo + (double)hi) / 2.0;
    return SQLITE_OK;
}

