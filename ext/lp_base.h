/*
** lp_base.h - the base layer of learnpath: what every other layer may use
** and that knows neither user tables nor journeys.
**
**   lp_util.c    error messages and quoting, growable arrays, the index
**                sort, byte comparison
**   lp_strtab.c  interned strings (programs, segments, chart labels)
**   lp_time.c    reading and formatting time values (rules 2 and 10)
**   lp_stats.c   tests of difference: p-values, Fisher, Wilson, Holm,
**                tables of counts, the log-rank test (rule 22)
**
** Layers, lowest first: base (this header) <- read (lp_read.h) <- journey
** (lp_journey.h) <- sql (lp_sql.h); the charts (svg.h) use base only. A
** header includes only the header of the layer below it (make check-layout).
**
** Every .c file of the extension includes one of these headers, which pull
** in sqlite3ext.h with SQLITE_EXTENSION_INIT3, so the same sources build
** both as a loadable extension (the API is reached through the table the
** host passes to sqlite3_learnpath_init) and, with -DSQLITE_CORE, as code
** linked into a host program (the unit tests do that).
**
** Naming: non-static symbols start with learnpath_ (they live in one shared
** object and must not clash with a host's); statics carry the prefix of
** their file. Memory: only sqlite3_malloc64/sqlite3_realloc64/sqlite3_free/
** sqlite3_mprintf; every allocation is checked.
*/
#ifndef LP_BASE_H
#define LP_BASE_H

#include <sqlite3ext.h>
#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT3
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "learnpath.h" /* LEARNPATH_VERSION */

/* Lowest SQLite accepted at run time (3.31: trusted_schema, vtab_config). */
#define LEARNPATH_MIN_SQLITE 3031000

/*
** learnpath's own return codes. They lie outside SQLite's code space (all
** SQLite codes, extended ones included, are >= 0), never reach SQLite, and
** are turned into SQLITE_ERROR (with a message) by whoever answers SQLite.
*/
#define LP_RC_OVER_BUDGET (-101) /* the source needs more than the memory budget */
#define LP_RC_NEED_MAIN (-102)   /* a row the helper thread leaves to the reader */
#define LP_RC_NESTED (-103)      /* the message is a nested learnpath function's, whole */
#define LP_RC_TOO_MANY_ROWS (-104) /* more rows than one allocation can hold (a whole curve) */

/* Is rc one of learnpath's own codes? */
#define LP_RC_IS_OWN(rc) ((rc) < 0)

#define LP_NONE 0xffffffffu /* "no label": no segment, no next program */

/* ---------------------------------------------------------- lp_util.c */

/*
** A text of n bytes as error messages show it: in single quotes (quotes
** inside doubled), control characters and NUL bytes as SQL writes them
** ('a' || char(0) || 'b', char(10)), cut after LP_QUOTE_MAX bytes at a
** character boundary and marked '...'; NULL shows as NULL. From
** sqlite3_mprintf (caller frees); NULL when out of memory. learnpath_quote
** takes a NUL-terminated text.
*/
#define LP_QUOTE_MAX 80
char *learnpath_quote_n(const char *z, int n);
char *learnpath_quote(const char *z);

/*
** An argument's value as error messages show it: numbers as numbers
** (-3, 1.5, Inf), text through learnpath_quote_n, all of its bytes
** ('abc', 'a' || char(0) || 'b'), NULL, "a blob". Call it before reading
** a blob's text: a blob whose text was read reads as TEXT after. From
** sqlite3_mprintf (caller frees); NULL when out of memory.
*/
char *learnpath_describe_value(sqlite3_value *pVal);

/*
** Is pVal a number (or text SQLite reads as one) in [rMin, rMax], and with
** isWhole a whole one? Its value goes to *pR either way.
*/
int learnpath_number_arg(sqlite3_value *pVal, double rMin, double rMax, int isWhole, double *pR);

/*
** Is pVal a count (bytes, threads) >= iMin: an INTEGER, or text SQLite reads
** as one, read exactly up to INT64_MAX (never through a double); or a REAL
** >= iMin, which isWhole refuses when it has a fraction and which is
** otherwise rounded up (0.5 is 1: a positive count never becomes 0), taken
** as INT64_MAX from 2^63 on (+Inf included)? Its value goes to *pN.
*/
int learnpath_count_arg(sqlite3_value *pVal, int64_t iMin, int isWhole, int64_t *pN);

/*
** The memory budget a read may use: nBudget (0 = no limit), or less when
** SQLite's hard heap limit (PRAGMA hard_heap_limit) would be crossed first:
** then at most half of what the limit leaves free now beyond
** LP_HEAP_RESERVE (a read grows its arrays by doubling, and SQLite needs
** its page cache, its sorter and the read's batches beside it), and at
** least 1 byte (stream everything). An allocation SQLite itself makes
** that the limit refuses inside a learnpath function fails the whole
** statement with "out of memory", whatever the function does: this is the
** one way to stay under the limit.
*/
#define LP_HEAP_RESERVE ((int64_t)4 * 1024 * 1024)
int64_t learnpath_heap_budget(int64_t nBudget);

/* Set a function's result to a printf-style error (or out of memory). */
void learnpath_result_errorf(sqlite3_context *ctx, const char *zFmt, ...);

/*
** Replace *pzErr (freeing the old one) with a printf-style message and
** return rc, or SQLITE_NOMEM if the message could not be made.
*/
int learnpath_errorf(char **pzErr, int rc, const char *zFmt, ...);

/*
** Grow an array of elements of size sz so that it holds at least nNeed:
** capacities double from nMin. SQLITE_NOMEM leaves it as it was.
*/
int learnpath_grow(void **pa, int64_t *pnAlloc, int64_t nNeed, size_t sz, int64_t nMin);
/* The capacity learnpath_grow would give (nAlloc when it is enough). */
int64_t learnpath_grow_size(int64_t nAlloc, int64_t nNeed, int64_t nMin);

/*
** Sort the numbers 0..n-1 by xCmp(pCtx, a, b) (stable bottom-up merge sort,
** n log n) into *paOut (caller frees with sqlite3_free).
*/
int learnpath_sort_index(uint32_t n, int (*xCmp)(void *, uint32_t, uint32_t), void *pCtx,
                         uint32_t **paOut);

/* Compare two byte strings as memcmp, the shorter first on a tie. */
int learnpath_bytes_cmp(const char *a, int na, const char *b, int nb);

/*
** Hashing (issue 11, item 10: hash flooding). Every hash table of learnpath
** (user ids, names, aggregate rows, ORDER BY combinations, chart cells) is
** keyed by a seed of its own, drawn when the table is created
** (learnpath_hash_seed: the addresses of the table and of the stack, the
** clocks and a counter), so nobody can craft keys that collide: before,
** one fixed, invertible mixer let 40,000 chosen user ids take 4 s to read.
** Nothing observable depends on a seed: a table is only probed, never
** walked in slot order, and its size and allocations depend only on its
** entries (the OOM loop replays allocation N).
**
** The mixer is wyhash's (public domain): the 128-bit product of the key's
** words, each masked by a secret word, folded (high ^ low) and mixed once
** more. Inline: user ids and names are hashed on every row read.
*/
typedef struct lp_hash_seed {
    uint64_t k0, k1;
} lp_hash_seed;

/* Draw a new seed (lp_util.c). */
void learnpath_hash_seed(lp_hash_seed *pSeed);

#define LP_HASH_P0 0xa0761d6478bd642fULL
#define LP_HASH_P1 0xe7037ed1a0b428dbULL

/* *pA, *pB = the low and high words of *pA * *pB. */
static inline void learnpath_mul128(uint64_t *pA, uint64_t *pB) {
#if defined(__SIZEOF_INT128__)
    unsigned __int128 r = (unsigned __int128)*pA * *pB;
    *pA = (uint64_t)r;
    *pB = (uint64_t)(r >> 64);
#else
    uint64_t a = *pA, b = *pB;
    uint64_t ha = a >> 32, hb = b >> 32, la = (uint32_t)a, lb = (uint32_t)b;
    uint64_t rh = ha * hb, rm0 = ha * lb, rm1 = hb * la, rl = la * lb;
    uint64_t t = rl + (rm0 << 32), lo, c = t < rl;
    lo = t + (rm1 << 32);
    c += lo < t;
    *pA = lo;
    *pB = rh + (rm0 >> 32) + (rm1 >> 32) + c;
#endif
}

/* The 128-bit product of a and b, folded to 64 bits. */
static inline uint64_t learnpath_mix(uint64_t a, uint64_t b) {
    learnpath_mul128(&a, &b);
    return a ^ b;
}

/* Hash two 64-bit words (a pair of labels, a number). */
static inline uint32_t learnpath_hash_pair(uint64_t a, uint64_t b, const lp_hash_seed *pSeed) {
    a ^= pSeed->k1;
    b ^= pSeed->k0;
    learnpath_mul128(&a, &b);
    return (uint32_t)learnpath_mix(a ^ LP_HASH_P0, b ^ pSeed->k1);
}

/* Hash a 64-bit value: one folded product (foldhash's integer hash, with
** a secret multiplier), as cheap as the mixer it replaces. */
static inline uint32_t learnpath_hash_int(uint64_t x, const lp_hash_seed *pSeed) {
    return (uint32_t)learnpath_mix(x ^ pSeed->k0, pSeed->k1);
}

/* The head of a run in a k-way merge by time: its next item's time,
** place and the run's end (lp_stats.c's log-rank test of runs, the
** continuation memo's pooled orders). */
typedef struct lp_run_head {
    double t;
    int64_t i, e;
} lp_run_head;

/* Restore the heap order of aH[0..nH) below place i (least time first). */
static inline void learnpath_run_heap_sift(lp_run_head *aH, int64_t nH, int64_t i) {
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < nH && aH[l].t < aH[m].t) m = l;
        if (r < nH && aH[r].t < aH[m].t) m = r;
        if (m == i) return;
        lp_run_head t = aH[i];
        aH[i] = aH[m];
        aH[m] = t;
        i = m;
    }
}

static inline uint64_t learnpath_read64(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint64_t learnpath_read32(const unsigned char *p) {
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/*
** Hash n bytes: up to 16 as two words read whole (overlapping), longer
** ones 16 bytes at a time and then their last 16.
*/
static inline uint32_t learnpath_hash_bytes(const void *pData, int n, const lp_hash_seed *pSeed) {
    const unsigned char *p = pData;
    uint64_t a, b, h = pSeed->k0 ^ ((uint64_t)(uint32_t)n * LP_HASH_P1);
    if (n <= 16) {
        if (n >= 4) {
            int d = (n >> 3) << 2;
            a = (learnpath_read32(p) << 32) | learnpath_read32(p + d);
            b = (learnpath_read32(p + n - 4) << 32) | learnpath_read32(p + n - 4 - d);
        } else if (n > 0) {
            a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        int i = n;
        while (i > 16) {
            h = learnpath_mix(learnpath_read64(p) ^ pSeed->k1, learnpath_read64(p + 8) ^ h);
            p += 16;
            i -= 16;
        }
        a = learnpath_read64(p + i - 16);
        b = learnpath_read64(p + i - 8);
    }
    a ^= pSeed->k1;
    b ^= h;
    learnpath_mul128(&a, &b);
    return (uint32_t)learnpath_mix(a ^ LP_HASH_P0 ^ (uint64_t)(uint32_t)n, b ^ pSeed->k1);
}

/*
** Tests: when set, each hash table calls it as it is freed, with its kind,
** its entries and the probes beyond the first that finding every entry
** costs (the sum of each entry's distance from its home slot). NULL, the
** default, costs nothing; process-wide, set it only while no other thread
** uses learnpath.
*/
extern void (*learnpath_hash_probe_hook)(const char *zTable, uint64_t nEntry, uint64_t nDisplaced);
/* Report a table of nSlot slots (a power of two) of entry + 1, 0 = empty, to
** the hook, which is set (each caller tests it first, to skip the walk):
** xHash(pCtx, i) is entry i's hash. */
void learnpath_hash_probe_report(const char *zTable, const uint32_t *aSlot, uint64_t nSlot,
                                 uint32_t (*xHash)(const void *, uint32_t), const void *pCtx);

/* -------------------------------------------------------- lp_strtab.c */

/* Interned byte strings: programs, tie-group labels, segments, chart labels. */
typedef struct lp_strtab {
    char *aByte;       /* all strings, each followed by a NUL */
    int64_t nByte, nByteAlloc;
    int64_t *aOff;     /* aOff[i] = start of string i in aByte */
    int *aLen;         /* aLen[i] = its length in bytes */
    uint32_t n, nAlloc;
    uint32_t *aSlot;   /* open-addressing table of index+1, 0 = empty */
    uint32_t nSlot;    /* a power of two, at least 2*n */
    lp_hash_seed seed; /* drawn with aSlot */
} lp_strtab;

/* String i of a table, NUL-terminated; valid until the table changes. */
#define LP_STR(pTab, i) ((pTab)->aByte + (pTab)->aOff[i])
#define LP_STRLEN(pTab, i) ((pTab)->aLen[i])

/* The number of the string z of n bytes, adding it if new. */
int learnpath_strtab_intern(lp_strtab *pTab, const char *z, int n, uint32_t *piOut);
/* The number of the string z of n bytes, if the table has it (1), or 0. */
int learnpath_strtab_find(const lp_strtab *pTab, const char *z, int n, uint32_t *piOut);
/* Can a name of n bytes be added without allocating? */
int learnpath_strtab_has_room(const lp_strtab *pTab, int n);
/* Make room for nName more names of nByte bytes in all. */
int learnpath_strtab_reserve(lp_strtab *pTab, uint32_t nName, int64_t nByte);
/* The bytes learnpath_strtab_reserve(pTab, nName, nByte) would allocate
** (counting the old slots, alive while the new ones fill). */
int64_t learnpath_strtab_growth(const lp_strtab *pTab, uint32_t nName, int64_t nByte);
/* Forget every string (numbers start again from 0), keeping the memory:
** linear in the strings, not in the table's capacity. */
void learnpath_strtab_clear(lp_strtab *pTab);
/* The heap the table holds. */
int64_t learnpath_strtab_bytes(const lp_strtab *pTab);
void learnpath_strtab_free(lp_strtab *pTab);

/* ---------------------------------------------------------- lp_time.c */

/*
** Instants are kept as SQLite does internally: integer milliseconds since
** the Julian-day epoch (julianday(x) * 86400000). LP_MS_PER_DAY converts.
*/
#define LP_MS_PER_DAY 86400000.0

/* Result of reading a time. */
typedef enum {
    LP_TIME_OK = 0,     /* *pMs holds the instant */
    LP_TIME_EMPTY = 1,  /* NULL or empty text: rule 1, left out */
    LP_TIME_BAD = 2     /* non-empty but unreadable: rule 2, an error */
} lp_time_status;

/*
** Read one time value with the meaning julianday(value, 'auto') gives it
** (rule 2), without calling SQLite's date functions. pVal is any value;
** text is read with sqlite3_value_text, numbers with sqlite3_value_double.
** Returns SQLITE_NOMEM (and leaves *pStatus alone) only when the text of a
** non-NULL value cannot be had; otherwise SQLITE_OK with *pStatus set.
*/
int learnpath_parse_time_value(sqlite3_value *pVal, lp_time_status *pStatus, int64_t *pMs);

/* The same for column iCol of a statement that has a row. */
int learnpath_parse_time_column(sqlite3_stmt *pStmt, int iCol, lp_time_status *pStatus,
                                int64_t *pMs);

/* The same for a number stored as INTEGER or REAL. */
lp_time_status learnpath_parse_time_number(double r, int64_t *pMs);
/* A TEXT with '-' at offsets 4 and 7 (never a number): no SQLite call. */
lp_time_status learnpath_parse_time_text(const char *z, int n, int64_t *pMs);

/*
** Write the instant as "YYYY-MM-DD HH:MM:SS" (UTC, rule 10) into zOut, which
** must hold at least LP_TIME_BUFSZ bytes. Years before 1 print as -YYYY.
*/
#define LP_TIME_BUFSZ 32
void learnpath_format_time(int64_t ms, char *zOut);

/*
** The month of an instant, as the "YYYY-MM" that begins its
** learnpath_format_time text: year * 12 + month - 1 (negative before year
** 0). learnpath_format_month writes a month number so ("YYYY-MM", or
** "-YYYY-MM" before year 0) into zOut (LP_TIME_BUFSZ bytes).
*/
int64_t learnpath_time_month(int64_t ms);
void learnpath_format_month(int64_t iMonth, char *zOut);
/* The day of an instant (its Julian day number, the day its
** learnpath_format_time text names), and a day's month as
** learnpath_time_month gives it: learnpath_time_month(ms) is
** learnpath_time_day_month(learnpath_time_day(ms)), for callers that
** keep the months of the days they meet. */
static inline int64_t learnpath_time_day(int64_t ms) {
    int64_t x = ms + 43200000; /* from the midnight that begins Julian day 0 */
    return x >= 0 ? x / 86400000 : -((-x + 86400000 - 1) / 86400000);
}
int64_t learnpath_time_day_month(int64_t jdn);

/* ---------------------------------------------------------- lp_stats.c */

/*
** Tests of difference (README rule 22): p-values, Fisher's exact test,
** Wilson intervals, Holm's adjustment, tests of independence of a table of
** counts, the log-rank test. Plain C and libm; the only allocations are
** sqlite3_malloc64's, every one checked.
*/

/* An upper-tail probability: p as a double (0.0 where the exact value is
** below the double range, as scipy gives) and log10 of the exact p (finite
** even where p underflows; 0 when p = 1). */
typedef struct lp_pvalue { double p; double log10p; } lp_pvalue;

/* P(X >= x) for X ~ chi-square with df > 0 degrees of freedom (x >= 0). */
lp_pvalue learnpath_chi2_upper(double x, double df);
/* Two-sided normal p-value: P(|Z| >= |z|). */
lp_pvalue learnpath_normal_two_sided(double z);
/* Fisher's exact test of the 2x2 table [[a, b], [c, d]], two-sided, as
** scipy.stats.fisher_exact(alternative='two-sided') (tables whose
** probability is <= the observed one times (1 + 1e-7)). */
lp_pvalue learnpath_fisher_2x2(int64_t a, int64_t b, int64_t c, int64_t d);
/* Wilson score interval of k successes in n > 0 trials at normal quantile z
** (as scipy's binomtest(k, n).proportion_ci(method='wilson')). */
void learnpath_wilson(int64_t k, int64_t n, double z, double *pLo, double *pHi);
/* Holm's step-down adjustment of n p-values: aAdj[i] for aP[i], monotone in
** the order of the p-values, capped at 1; ties keep input order. Returns
** SQLITE_OK or SQLITE_NOMEM. */
int learnpath_holm(const double *aP, int n, double *aAdj);

/* The tests of independence of an r x c table of counts (rows x columns,
** row-major aObs, every row and column total > 0, r >= 2, c >= 2). */
typedef struct lp_ctab_test {
    double x2, g;            /* Pearson's X^2, the G statistic 2 sum O ln(O/E) */
    double df;               /* (r - 1)(c - 1) */
    lp_pvalue pX2, pG;
    double cramerV;          /* sqrt(X^2 / (n (min(r, c) - 1))), no bias correction */
    double minExpected;      /* the smallest expected count */
    double shareBelow5;      /* share of cells with expected count < 5 */
    int64_t n;
} lp_ctab_test;
void learnpath_ctab_test(const int64_t *aObs, int nRow, int nCol, lp_ctab_test *pOut);

/* The log-rank test (R's survdiff, rho = 0) of n observations sorted by
** ascending time: aT[i] their times, aEvent[i] 1 for an event and 0 for
** censored, aGroup[i] in 0..nGroup-1. Groups with no observation are left
** out of the degrees of freedom. *pChi2 the statistic, *pDf its degrees of
** freedom (groups with observations - 1, or fewer if the variance matrix is
** singular: as survdiff), *pP its chi-square p-value; aObserved/aExpected
** (nGroup each, may be NULL) get each group's observed and expected
** events. SQLITE_OK or SQLITE_NOMEM. */
int learnpath_logrank(const double *aT, const unsigned char *aEvent, const uint32_t *aGroup,
                      int64_t n, int nGroup, double *pChi2, int *pDf, lp_pvalue *pP,
                      double *aObserved, double *aExpected);
/* The same of observations in nRun runs, each sorted by ascending time:
** run k the places aRun[2k] .. aRun[2k] + aRun[2k + 1] - 1 of the arrays,
** merged by time here (no copy). The same result, bit for bit, as
** learnpath_logrank of the runs' observations sorted by time into one. */
int learnpath_logrank_runs(const double *aT, const unsigned char *aEvent, const uint32_t *aGroup,
                           const int64_t *aRun, int64_t nRun, int nGroup, double *pChi2, int *pDf,
                           lp_pvalue *pP, double *aObserved, double *aExpected);

#endif /* LP_BASE_H */
