/*
** lp_util.c - small machinery every layer uses: error messages and the
** quoting of values in them, growable arrays, a stable index sort and byte
** comparison, and the seeds of the hash tables. (The hash mixers are
** inline in lp_base.h.)
*/
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#if defined(_MSC_VER)
#include <intrin.h>
#endif

#include "lp_base.h"

/* See lp_base.h. */
char *learnpath_quote_n(const char *z, int n) {
    sqlite3_str *pOut;
    int nShow = n, isCut = 0, inQuote = 0;
    if (z == NULL) return sqlite3_mprintf("NULL");
    if (n > LP_QUOTE_MAX) {
        /* cut at a character boundary, not inside a character */
        nShow = LP_QUOTE_MAX;
        while (nShow > 0 && ((unsigned char)z[nShow] & 0xC0) == 0x80) nShow--;
        isCut = 1;
    }
    pOut = sqlite3_str_new(NULL);
    for (int i = 0; i < nShow; i++) {
        unsigned char c = (unsigned char)z[i];
        if (c < 0x20 || c == 0x7f) {
            /* a control character or NUL, as SQL writes it */
            sqlite3_str_appendf(pOut, "%s%schar(%d)", inQuote ? "'" : "", i ? " || " : "", c);
            inQuote = 0;
            continue;
        }
        if (!inQuote) sqlite3_str_appendall(pOut, i ? " || '" : "'");
        inQuote = 1;
        if (c == '\'') {
            sqlite3_str_appendall(pOut, "''");
        } else {
            sqlite3_str_appendchar(pOut, 1, (char)c);
        }
    }
    if (isCut || nShow == 0) {
        if (!inQuote) sqlite3_str_appendall(pOut, nShow ? " || '" : "'");
        inQuote = 1;
        if (isCut) sqlite3_str_appendall(pOut, "...");
    }
    if (inQuote) sqlite3_str_appendall(pOut, "'");
    return sqlite3_str_finish(pOut);
}

/* See lp_base.h. */
char *learnpath_quote(const char *z) {
    return learnpath_quote_n(z, z ? (int)strlen(z) : 0);
}

/* See lp_base.h. */
char *learnpath_describe_value(sqlite3_value *pVal) {
    switch (sqlite3_value_type(pVal)) {
        case SQLITE_NULL: return sqlite3_mprintf("NULL");
        case SQLITE_INTEGER: return sqlite3_mprintf("%lld", sqlite3_value_int64(pVal));
        case SQLITE_FLOAT: return sqlite3_mprintf("%!.15g", sqlite3_value_double(pVal));
        case SQLITE_TEXT: {
            const char *z = (const char *)sqlite3_value_text(pVal);
            return z ? learnpath_quote_n(z, sqlite3_value_bytes(pVal)) : NULL;
        }
        default: return sqlite3_mprintf("a blob");
    }
}

/* See lp_base.h. */
int learnpath_number_arg(sqlite3_value *pVal, double rMin, double rMax, int isWhole, double *pR) {
    int eNum = sqlite3_value_numeric_type(pVal);
    double r = sqlite3_value_double(pVal);
    *pR = r;
    if (eNum != SQLITE_INTEGER && eNum != SQLITE_FLOAT) return 0;
    if (!(r >= rMin) || !(r <= rMax)) return 0;
    return !isWhole || r == (double)(int64_t)r;
}

/* See lp_base.h. */
int learnpath_count_arg(sqlite3_value *pVal, int64_t iMin, int isWhole, int64_t *pN) {
    int eNum = sqlite3_value_numeric_type(pVal);
    double r;
    *pN = 0;
    if (eNum == SQLITE_INTEGER) {
        *pN = sqlite3_value_int64(pVal);
        return *pN >= iMin;
    }
    if (eNum != SQLITE_FLOAT) return 0;
    r = sqlite3_value_double(pVal);
    if (!(r >= (double)iMin) || (isWhole && r != floor(r))) return 0;
    /* 2^63 and above (and +Inf) do not fit: the most there is; a fraction
    ** is rounded up, so a positive count never becomes 0 */
    *pN = r >= 9223372036854775808.0 ? INT64_MAX : (int64_t)ceil(r);
    return 1;
}

/* See lp_base.h. */
int64_t learnpath_heap_budget(int64_t nBudget) {
    int64_t nLimit = sqlite3_hard_heap_limit64(-1), nHeap;
    if (nLimit <= 0) return nBudget;
    nHeap = (nLimit - sqlite3_memory_used() - LP_HEAP_RESERVE) / 2;
    if (nHeap < 1) nHeap = 1;
    return nBudget > 0 && nBudget < nHeap ? nBudget : nHeap;
}

/* See lp_base.h. */
void learnpath_result_errorf(sqlite3_context *ctx, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    char *z = sqlite3_vmprintf(zFmt, ap);
    va_end(ap);
    if (z) {
        sqlite3_result_error(ctx, z, -1);
        sqlite3_free(z);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
}

/* See lp_base.h. */
int learnpath_errorf(char **pzErr, int rc, const char *zFmt, ...) {
    va_list ap;
    va_start(ap, zFmt);
    char *z = sqlite3_vmprintf(zFmt, ap);
    va_end(ap);
    sqlite3_free(*pzErr);
    *pzErr = z;
    return z ? rc : SQLITE_NOMEM;
}

/* See lp_base.h. */
int64_t learnpath_grow_size(int64_t nAlloc, int64_t nNeed, int64_t nMin) {
    if (nNeed <= nAlloc) return nAlloc;
    int64_t nNew = nAlloc ? nAlloc * 2 : nMin;
    while (nNew < nNeed) nNew *= 2;
    return nNew;
}

int learnpath_grow(void **pa, int64_t *pnAlloc, int64_t nNeed, size_t sz, int64_t nMin) {
    if (nNeed <= *pnAlloc) return SQLITE_OK;
    int64_t nNew = learnpath_grow_size(*pnAlloc, nNeed, nMin);
    void *aNew = sqlite3_realloc64(*pa, (sqlite3_uint64)nNew * sz);
    if (!aNew) return SQLITE_NOMEM;
    *pa = aNew;
    *pnAlloc = nNew;
    return SQLITE_OK;
}

int learnpath_bytes_cmp(const char *a, int na, const char *b, int nb) {
    int c = memcmp(a, b, (size_t)(na < nb ? na : nb));
    if (c) return c;
    return (na > nb) - (na < nb);
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


/* ----------------------------------------------------------------- hashing */

/* splitmix64's step: a new, well-mixed word of the state. */
static uint64_t utilSplitMix(uint64_t *pState) {
    uint64_t z = (*pState += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/*
** See lp_base.h. The seed must be unknown to whoever wrote the data, not
** random in any stronger sense: it mixes the addresses of the table, of
** the stack and of this library (all moved by address-space layout
** randomization), the wall clock, the process's CPU clock and a count of
** the seeds drawn. It calls no SQLite function and allocates nothing, so
** the allocation sequence and SQLite's own random numbers are the same
** whatever it draws.
*/
void learnpath_hash_seed(lp_hash_seed *pSeed) {
    static uint64_t nDrawn = 0;
    uint64_t n, x = 0, s;
#if defined(__GNUC__) || defined(__clang__)
    n = __atomic_add_fetch(&nDrawn, 1, __ATOMIC_RELAXED);
#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_ARM64))
    n = (uint64_t)_InterlockedIncrement64((volatile __int64 *)&nDrawn);
#else
    n = 0; /* no portable atomic in C99: the clocks and addresses remain */
#endif
    s = (uint64_t)(uintptr_t)pSeed;
    x ^= utilSplitMix(&s);
    s ^= (uint64_t)(uintptr_t)&x;
    x ^= utilSplitMix(&s);
    s ^= (uint64_t)(uintptr_t)&nDrawn;
    x ^= utilSplitMix(&s);
    s ^= (uint64_t)time(NULL);
    x ^= utilSplitMix(&s);
    s ^= (uint64_t)clock();
    x ^= utilSplitMix(&s);
    s ^= n;
    x ^= utilSplitMix(&s);
    pSeed->k0 = utilSplitMix(&x);
    pSeed->k1 = utilSplitMix(&x) | ((uint64_t)1 << 63) | 1; /* a multiplier of 64 bits */
}

void (*learnpath_hash_probe_hook)(const char *zTable, uint64_t nEntry, uint64_t nDisplaced) = NULL;

/* See lp_base.h. */
void learnpath_hash_probe_report(const char *zTable, const uint32_t *aSlot, uint64_t nSlot,
                                 uint32_t (*xHash)(const void *, uint32_t), const void *pCtx) {
    uint64_t nEntry = 0, nDisplaced = 0;
    for (uint64_t j = 0; j < nSlot; j++) {
        if (aSlot[j] == 0) continue;
        nEntry++;
        nDisplaced += (j - (xHash(pCtx, aSlot[j] - 1) & (nSlot - 1))) & (nSlot - 1);
    }
    learnpath_hash_probe_hook(zTable, nEntry, nDisplaced);
}
