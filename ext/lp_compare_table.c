/*
** lp_compare_table.c - the tables of rule 23 (lp_compare.c makes the
** strata): a table's users counted in segments x categories counters (past
** CMP_MAX_DENSE cells, as (segment, category) pairs sorted and counted);
** Cochran's rule by folding the smallest categories into
** '(other)'; the tests of lp_stats.c (rule 22) and their rows; the cells;
** the log-rank test and the horizon's tests of continuation.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lp_compare.h"

/* Most cells a table may have (segments x categories) to be tested. */
#define CMP_MAX_CELLS 4000000
/* Most segments a log-rank test compares: its cost grows as the event
** times x the segments squared (lp_stats.c). */
#define CMP_MAX_LOGRANK 20

/* The segment a compared segment's key stands for (rows and cells). */
static uint32_t cmpSegOut(const cmp_build *pB, uint32_t key) {
    if (pB->pRes->isGroupMode) return key;
    return pB->pSpec->useSegments ? pB->aSegOf[key] : LP_NONE;
}

/* A new row of test eTest where the build is, zeroed and NULL, into *ppR. */
static int cmpNewRow(cmp_build *pB, int eTest, lp_cmp_row **ppR) {
    lp_cmp_result *pRes = pB->pRes;
    int rc = learnpath_grow((void **)&pRes->aRow, &pB->nRowAlloc, pRes->nRow + 1,
                            sizeof(lp_cmp_row), 16);
    if (rc) return rc;
    lp_cmp_row *pR = &pRes->aRow[pRes->nRow++];
    memset(pR, 0, sizeof(*pR));
    pR->within = pB->within;
    pR->program = pB->program;
    pR->question = pB->question;
    pR->hasDay = pB->hasDay;
    pR->test = eTest;
    pR->statistic = pR->df = pR->pAdjusted = NAN;
    pR->effect = pR->effectLo = pR->effectHi = NAN;
    pR->minExpected = pR->shareBelow5 = NAN;
    pR->p.p = pR->p.log10p = NAN;
    *ppR = pR;
    return SQLITE_OK;
}

/* Rows of tests aTest[0..nTest) that cannot be computed, each saying why
** (zNote is a printf format of at most one double, the horizon). */
int learnpath_cmp_note_rows(cmp_build *pB, const int *aTest, int nTest, int64_t n, const char *zNote) {
    for (int k = 0; k < nTest; k++) {
        lp_cmp_row *pR;
        int rc = cmpNewRow(pB, aTest[k], &pR);
        if (rc) return rc;
        pR->n = n;
        pR->zNote = sqlite3_mprintf(zNote, pB->pSpec->atDay);
        if (!pR->zNote) return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

/* A cell of the table being made. */
static int cmpAddCell(cmp_build *pB, uint32_t segKey, uint32_t cat, int suffix, int isTested,
                      int64_t obs, int64_t rowTotal, int64_t colTotal, int64_t n) {
    lp_cmp_result *pRes = pB->pRes;
    int rc = learnpath_grow((void **)&pRes->aCell, &pB->nCellAlloc, pRes->nCell + 1,
                            sizeof(lp_cmp_cell), 64);
    if (rc) return rc;
    lp_cmp_cell *pC = &pRes->aCell[pRes->nCell++];
    pC->within = pB->within;
    pC->program = pB->program;
    pC->question = pB->question;
    pC->hasDay = pB->hasDay;
    pC->segment = cmpSegOut(pB, segKey);
    pC->category = cat >= LP_CMP_CAT_NOT ? cat : pB->aLabelOf[cat]; /* a place: its label */
    pC->otherSuffix = suffix;
    pC->isTested = isTested;
    pC->observed = obs;
    pC->rowTotal = rowTotal;
    pC->colTotal = colTotal;
    pC->n = n;
    return SQLITE_OK;
}

/* The cells of an nR x nC table (row-major), its categories aCat. */
static int cmpCells(cmp_build *pB, const int64_t *aObs, int nR, int nC, const uint32_t *aSegKey,
                    const uint32_t *aCat, int suffix, int isTested) {
    int64_t n = 0, *aColTot = sqlite3_malloc64((sqlite3_uint64)(nC + 1) * sizeof(int64_t));
    int rc = SQLITE_OK;
    if (!aColTot) return SQLITE_NOMEM;
    memset(aColTot, 0, (size_t)(nC + 1) * sizeof(int64_t));
    for (int i = 0; i < nR; i++) {
        for (int j = 0; j < nC; j++) aColTot[j] += aObs[(int64_t)i * nC + j];
    }
    for (int j = 0; j < nC; j++) n += aColTot[j];
    for (int i = 0; i < nR && rc == SQLITE_OK; i++) {
        int64_t r = 0;
        for (int j = 0; j < nC; j++) r += aObs[(int64_t)i * nC + j];
        for (int j = 0; j < nC && rc == SQLITE_OK; j++) {
            rc = cmpAddCell(pB, aSegKey[i], aCat[j], suffix, isTested, aObs[(int64_t)i * nC + j], r,
                            aColTot[j], n);
        }
    }
    sqlite3_free(aColTot);
    return rc;
}

/* The pearson_chi2 and g_test rows of a table's test, its effect Cramer's V. */
static int cmpCtabRows(cmp_build *pB, const lp_ctab_test *pT, const char *zFolded) {
    for (int k = 0; k < 2; k++) {
        lp_cmp_row *pR;
        int rc = cmpNewRow(pB, k == 0 ? LP_CMP_PEARSON : LP_CMP_G, &pR);
        if (rc) return rc;
        pR->isSet = 1;
        pR->statistic = k == 0 ? pT->x2 : pT->g;
        pR->df = pT->df;
        pR->p = k == 0 ? pT->pX2 : pT->pG;
        pR->eEffect = LP_CMP_CRAMERS_V;
        pR->effect = pT->cramerV;
        pR->n = pT->n;
        pR->minExpected = pT->minExpected;
        pR->shareBelow5 = pT->shareBelow5;
        if (zFolded) {
            pR->zFolded = sqlite3_mprintf("%s", zFolded);
            if (!pR->zFolded) return SQLITE_NOMEM;
        }
    }
    return SQLITE_OK;
}

/* ------------------------------------------------------------- folding */

typedef struct cmp_fold {
    const int64_t *aColTot;
    const uint32_t *aCat;
} cmp_fold;

/* Columns by total ascending, then category (name order). */
static int cmpFoldCmp(void *pCtx, uint32_t a, uint32_t b) {
    const cmp_fold *p = pCtx;
    if (p->aColTot[a] != p->aColTot[b]) return p->aColTot[a] < p->aColTot[b] ? -1 : 1;
    return (p->aCat[a] > p->aCat[b]) - (p->aCat[a] < p->aCat[b]);
}

/* How many of the rows' totals aRowSorted (ascending) give an expected
** count below 5 with a column total c: r c / n < 5. */
static int cmpBelow5(const int64_t *aRowSorted, int nR, double c, double n) {
    int lo = 0, hi = nR;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if ((double)aRowSorted[mid] * c < 5.0 * n) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static int cmpInt64Cmp(const void *pa, const void *pb) {
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

/*
** Cochran's rule by folding (rule 23): with the columns ordered by total
** then name (aOrder), the fewest k of the smallest (0, or 2 and more)
** that, made one column, leave at most 20% of the expected counts below 5
** and none below 1. *pK = k, or nC when no k < nC does (a single category).
*/
static int cmpFoldCount(const int64_t *aRowTot, int nR, const int64_t *aColTot, const uint32_t *aOrder,
                        int nC, int *pK) {
    int64_t *aRow = sqlite3_malloc64((sqlite3_uint64)nR * sizeof(int64_t));
    int *aSuffix = sqlite3_malloc64(((sqlite3_uint64)nC + 1) * sizeof(int));
    double n = 0.0, other = 0.0;
    if (!aRow || !aSuffix) {
        sqlite3_free(aRow);
        sqlite3_free(aSuffix);
        return SQLITE_NOMEM;
    }
    memcpy(aRow, aRowTot, (size_t)nR * sizeof(int64_t));
    qsort(aRow, (size_t)nR, sizeof(int64_t), cmpInt64Cmp);
    for (int i = 0; i < nR; i++) n += (double)aRow[i];
    /* aSuffix[j]: cells below 5 in the columns aOrder[j..nC) */
    aSuffix[nC] = 0;
    for (int j = nC - 1; j >= 0; j--) {
        aSuffix[j] = aSuffix[j + 1] + cmpBelow5(aRow, nR, (double)aColTot[aOrder[j]], n);
    }
    *pK = nC;
    for (int k = 0; k < nC; k++) {
        if (k > 0) other += (double)aColTot[aOrder[k - 1]];
        if (k == 1) continue; /* one column alone is not folded */
        int64_t nCell = (int64_t)nR * (nC - k + (k > 0));
        int64_t nBelow = aSuffix[k] + (k > 0 ? cmpBelow5(aRow, nR, other, n) : 0);
        double cMin = (double)aColTot[aOrder[k]];
        if (k > 0 && other < cMin) cMin = other;
        if (nC - k + (k > 0) < 2) break;
        if (nBelow * 5 <= nCell && (double)aRow[0] * cMin >= n) {
            *pK = k;
            break;
        }
    }
    sqlite3_free(aRow);
    sqlite3_free(aSuffix);
    return SQLITE_OK;
}

/* '(other)' unless a category of the table has that name: then the first
** of '(other) (2)', '(other) (3)', ... none has (0 or k, into *pSuffix). */
static void cmpOtherSuffix(const cmp_build *pB, const uint32_t *aCat, int nC, int *pSuffix) {
    char zName[48];
    for (int k = 0;; k = k ? k + 1 : 2) {
        int taken = 0;
        if (k) sqlite3_snprintf(sizeof(zName), zName, "(other) (%d)", k);
        else sqlite3_snprintf(sizeof(zName), zName, "(other)");
        for (int j = 0; j < nC && !taken; j++) {
            int nb;
            const char *z = learnpath_label(pB->pSh, pB->aLabelOf[aCat[j]], &nb);
            taken = learnpath_bytes_cmp(z, nb, zName, (int)strlen(zName)) == 0;
        }
        if (!taken) {
            *pSuffix = k;
            return;
        }
    }
}

/* The folded categories as a JSON array of their names, in name order. */
static char *cmpFoldedJson(const cmp_build *pB, const uint32_t *aCat, const unsigned char *aFold, int nC) {
    sqlite3_str *pStr = sqlite3_str_new(NULL);
    int nOut = 0;
    sqlite3_str_appendchar(pStr, 1, '[');
    for (int j = 0; j < nC; j++) {
        int nb;
        if (!aFold[j]) continue;
        const char *z = learnpath_label(pB->pSh, pB->aLabelOf[aCat[j]], &nb);
        sqlite3_str_appendall(pStr, nOut++ ? ",\"" : "\"");
        for (int i = 0; i < nb; i++) {
            unsigned char c = (unsigned char)z[i];
            if (c == '"' || c == '\\') sqlite3_str_appendf(pStr, "\\%c", c);
            else if (c < 0x20) sqlite3_str_appendf(pStr, "\\u%04x", c);
            else sqlite3_str_appendchar(pStr, 1, (char)c);
        }
        sqlite3_str_appendchar(pStr, 1, '"');
    }
    sqlite3_str_appendchar(pStr, 1, ']');
    return sqlite3_str_finish(pStr);
}

/*
** An nR x nC table (rows: compared segments' keys aSegKey; columns:
** categories' places aCat, ascending), folded by Cochran's rule (rule 23)
** and tested: its pearson_chi2 and g_test rows and its cells. Long: the
** folded table is laid out here, between the fold and the test.
*/
static int cmpTable(cmp_build *pB, const int64_t *aObs, int nR, int nC, const uint32_t *aSegKey,
                    const uint32_t *aCat) {
    static const int aTests[2] = {LP_CMP_PEARSON, LP_CMP_G};
    int64_t *aRowTot = NULL, *aColTot = NULL, *aFolded = NULL, n = 0;
    uint32_t *aOrder = NULL, *aCatOut = NULL;
    unsigned char *aFold = NULL;
    char *zFolded = NULL;
    int rc = SQLITE_OK, k = 0, suffix = 0;
    if (nR < 2 || nC < 2) {
        for (int64_t i = 0; i < (int64_t)nR * nC; i++) n += aObs[i];
        rc = learnpath_cmp_note_rows(pB, aTests, 2, n, nR < 2 ? "fewer than two segments with users"
                                                  : "a single category");
        return rc ? rc : cmpCells(pB, aObs, nR, nC, aSegKey, aCat, 0, 0);
    }
    aRowTot = sqlite3_malloc64((sqlite3_uint64)nR * sizeof(int64_t));
    aColTot = sqlite3_malloc64((sqlite3_uint64)nC * sizeof(int64_t));
    aFold = sqlite3_malloc64((sqlite3_uint64)nC);
    aCatOut = sqlite3_malloc64(((sqlite3_uint64)nC + 1) * sizeof(uint32_t));
    aFolded = sqlite3_malloc64((sqlite3_uint64)nR * (nC + 1) * sizeof(int64_t));
    if (!aRowTot || !aColTot || !aFold || !aCatOut || !aFolded) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        cmp_fold f = {aColTot, aCat};
        memset(aRowTot, 0, (size_t)nR * sizeof(int64_t));
        memset(aColTot, 0, (size_t)nC * sizeof(int64_t));
        memset(aFold, 0, (size_t)nC);
        for (int i = 0; i < nR; i++) {
            for (int j = 0; j < nC; j++) {
                aRowTot[i] += aObs[(int64_t)i * nC + j];
                aColTot[j] += aObs[(int64_t)i * nC + j];
            }
            n += aRowTot[i];
        }
        rc = learnpath_sort_index((uint32_t)nC, cmpFoldCmp, &f, &aOrder);
    }
    if (rc == SQLITE_OK) rc = cmpFoldCount(aRowTot, nR, aColTot, aOrder, nC, &k);
    if (rc == SQLITE_OK && k >= nC) {
        rc = learnpath_cmp_note_rows(pB, aTests, 2, n, "a single category after folding (Cochran's rule)");
        if (rc == SQLITE_OK) rc = cmpCells(pB, aObs, nR, nC, aSegKey, aCat, 0, 0);
    } else if (rc == SQLITE_OK) {
        /* the table with the k smallest columns as one, last */
        int nOut = 0;
        lp_ctab_test t;
        for (int j = 0; j < k; j++) aFold[aOrder[j]] = 1;
        for (int j = 0; j < nC; j++) {
            if (!aFold[j]) aCatOut[nOut++] = aCat[j];
        }
        if (k > 0) aCatOut[nOut++] = LP_CMP_CAT_OTHER;
        for (int i = 0; i < nR; i++) {
            int64_t *pRow = aFolded + (int64_t)i * nOut, other = 0;
            int c = 0;
            for (int j = 0; j < nC; j++) {
                if (aFold[j]) other += aObs[(int64_t)i * nC + j];
                else pRow[c++] = aObs[(int64_t)i * nC + j];
            }
            if (k > 0) pRow[c] = other;
        }
        if (k > 0) {
            cmpOtherSuffix(pB, aCat, nC, &suffix);
            zFolded = cmpFoldedJson(pB, aCat, aFold, nC);
            if (!zFolded) rc = SQLITE_NOMEM;
        }
        learnpath_ctab_test(aFolded, nR, nOut, &t);
        if (rc == SQLITE_OK) rc = cmpCtabRows(pB, &t, zFolded);
        if (rc == SQLITE_OK) rc = cmpCells(pB, aFolded, nR, nOut, aSegKey, aCatOut, suffix, 1);
    }
    sqlite3_free(aRowTot);
    sqlite3_free(aColTot);
    sqlite3_free(aFold);
    sqlite3_free(aCatOut);
    sqlite3_free(aFolded);
    sqlite3_free(aOrder);
    sqlite3_free(zFolded);
    return rc;
}

/* See lp_compare.h. */
void learnpath_cmp_radix(uint64_t *a, uint64_t *aTmp, int64_t n) {
    uint64_t all1 = ~(uint64_t)0, any1 = 0, *src = a, *dst = aTmp;
    int64_t aCount[257];
    for (int64_t i = 0; i < n; i++) {
        all1 &= a[i];
        any1 |= a[i];
    }
    for (int shift = 0; shift < 64; shift += 8) {
        if ((((all1 ^ any1) >> shift) & 0xff) == 0) continue; /* one value in every key */
        memset(aCount, 0, sizeof aCount);
        for (int64_t i = 0; i < n; i++) aCount[((src[i] >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++) aCount[d + 1] += aCount[d];
        for (int64_t i = 0; i < n; i++) dst[aCount[(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a) memcpy(a, src, (size_t)n * sizeof(uint64_t));
}

/* See lp_compare.h. */
uint32_t learnpath_cmp_stamp(cmp_build *pB) {
    if (++pB->stamp == 0) {
        memset(pB->aSeen, 0, (size_t)pB->nSegKey * sizeof(uint32_t));
        memset(pB->aCatSeen, 0, (size_t)pB->nLabel * sizeof(uint32_t));
        pB->stamp = 1;
    }
    return pB->stamp;
}

static int cmpU32Cmp(const void *pa, const void *pb) {
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* The distinct values of a sorted array, in place; their count. */
static int64_t cmpUnique(uint32_t *a, int64_t n) {
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++) {
        if (m == 0 || a[i] != a[m - 1]) a[m++] = a[i];
    }
    return m;
}

/* The index of v in the ascending a[0..n). */
static int cmpIndexOf(const uint32_t *a, int64_t n, uint32_t v) {
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        int64_t mid = (lo + hi) / 2;
        if (a[mid] < v) lo = mid + 1; else hi = mid;
    }
    return (int)lo;
}

/* See lp_compare.h. */
int learnpath_cmp_table(cmp_build *pB, const int64_t *aObs, int64_t nR, int64_t nC, const uint32_t *aKey,
                        const uint32_t *aCat, int64_t m) {
    if (nR * nC > CMP_MAX_CELLS) {
        static const int aTests[2] = {LP_CMP_PEARSON, LP_CMP_G};
        return learnpath_cmp_note_rows(pB, aTests, 2, m, "too many segments and categories to test");
    }
    return cmpTable(pB, aObs, (int)nR, (int)nC, aKey, aCat);
}

/*
** The table of m users given as pairs (compared segment's key << 32 |
** category's place) in pB->aPair: sorted and counted into segments x
** categories (those with users, in order), then cmpTable.
*/
int learnpath_cmp_pairs_table(cmp_build *pB, int64_t m) {
    uint64_t *a = pB->aPair;
    int64_t nR = 0, nC = 0, nD = 0, *aObs = NULL;
    uint32_t *aSeg, *aCat;
    int rc = SQLITE_OK;
    learnpath_cmp_radix(a, pB->aPairTmp, m);
    for (int64_t i = 0; i < m; i++) nD += i == 0 || a[i] != a[i - 1];
    aSeg = sqlite3_malloc64((sqlite3_uint64)(nD + 1) * sizeof(uint32_t));
    aCat = sqlite3_malloc64((sqlite3_uint64)(nD + 1) * sizeof(uint32_t));
    if (!aSeg || !aCat) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        /* the distinct pairs: segments in order, categories sorted apart */
        for (int64_t i = 0, d = 0; i < m; i++) {
            if (i > 0 && a[i] == a[i - 1]) continue;
            aSeg[d] = (uint32_t)(a[i] >> 32);
            aCat[d++] = (uint32_t)a[i];
        }
        nR = cmpUnique(aSeg, nD);
        qsort(aCat, (size_t)nD, sizeof(uint32_t), cmpU32Cmp);
        nC = cmpUnique(aCat, nD);
        if (nR * nC > CMP_MAX_CELLS) {
            static const int aTests[2] = {LP_CMP_PEARSON, LP_CMP_G};
            rc = learnpath_cmp_note_rows(pB, aTests, 2, m, "too many segments and categories to test");
        } else {
            aObs = sqlite3_malloc64((sqlite3_uint64)(nR * nC + 1) * sizeof(int64_t));
            if (!aObs) rc = SQLITE_NOMEM;
        }
    }
    if (rc == SQLITE_OK && aObs) {
        memset(aObs, 0, (size_t)(nR * nC) * sizeof(int64_t));
        for (int64_t i = 0, r = -1; i < m;) {
            int64_t e = i;
            while (e < m && a[e] == a[i]) e++;
            if (i == 0 || (a[i] >> 32) != (a[i - 1] >> 32)) r++;
            aObs[r * nC + cmpIndexOf(aCat, nC, (uint32_t)a[i])] += e - i;
            i = e;
        }
        rc = cmpTable(pB, aObs, (int)nR, (int)nC, aSeg, aCat);
    }
    sqlite3_free(aSeg);
    sqlite3_free(aCat);
    sqlite3_free(aObs);
    return rc;
}

/* ---------------------------------------------------------- continuation */

/*
** The log-rank test (rule 22, R's survdiff) between the compared segments
** of the m users of the nR runs aR of *pU, each run sorted by time (one run
** read as it lies; more merged by learnpath_logrank_runs), the nKey keys
** aKey (ascending) those with users. With two segments, its effect is the
** hazard ratio of the first against the second, (O1/E1) / (O2/E2). The
** groups are the keys plus grpBias as they are when at most one number
** below the largest is no key's (a group without users takes no part:
** the same test), else the keys' places (pB->aGrpTmp, by place in *pU).
*/
static int cmpLogrank(cmp_build *pB, const cmp_users *pU, const lp_km_run *aR, int64_t nR, int64_t m,
                      const uint32_t *aKey, int64_t nKey) {
    static const int aTest[1] = {LP_CMP_LOGRANK};
    double *aOE = NULL, chi2;
    const uint32_t *aGrp;
    int64_t nGroup, i1 = 0, i2 = 1;
    int rc = SQLITE_OK, df = 0;
    lp_pvalue p;
    if (nKey < 2) return learnpath_cmp_note_rows(pB, aTest, 1, m, "fewer than two segments with users");
    if (nKey > CMP_MAX_LOGRANK) {
        return learnpath_cmp_note_rows(pB, aTest, 1, m, "more than 20 segments with users: "
                                                        "not compared by the log-rank test");
    }
    nGroup = (int64_t)aKey[nKey - 1] + pU->grpBias + 1;
    if (nGroup <= nKey + 1) {
        aGrp = pU->aGrp;
        i1 = (int64_t)aKey[0] + pU->grpBias;
        i2 = (int64_t)aKey[1] + pU->grpBias;
    } else {
        if (pB->aGrpTmp == NULL) {
            pB->aGrpTmp = sqlite3_malloc64((sqlite3_uint64)(pB->nScratch + 1) * sizeof(uint32_t));
            if (!pB->aGrpTmp) return SQLITE_NOMEM;
        }
        for (int64_t j = 0; j < nKey; j++) pB->aPlace[aKey[j]] = (uint32_t)j;
        for (int64_t r = 0; r < nR; r++) {
            for (int64_t i = aR[r].iFirst; i < aR[r].iFirst + aR[r].n; i++) {
                pB->aGrpTmp[i] = pB->aPlace[pU->aGrp[i] - pU->grpBias];
            }
        }
        aGrp = pB->aGrpTmp;
        nGroup = nKey;
    }
    /* each run's place and users (2 an entry) after the O and E */
    aOE = sqlite3_malloc64((sqlite3_uint64)nGroup * 2 * sizeof(double) + (sqlite3_uint64)nR * 2 * sizeof(int64_t));
    if (!aOE) return SQLITE_NOMEM;
    if (nR == 1) {
        int64_t i0 = aR[0].iFirst;
        rc = learnpath_logrank(pU->aT + i0, pU->aEv + i0, aGrp + i0, m, (int)nGroup, &chi2, &df, &p, aOE,
                               aOE + nGroup);
    } else {
        int64_t *aSpan = (int64_t *)(void *)(aOE + 2 * nGroup);
        for (int64_t r = 0; r < nR; r++) {
            aSpan[2 * r] = aR[r].iFirst;
            aSpan[2 * r + 1] = aR[r].n;
        }
        rc = learnpath_logrank_runs(pU->aT, pU->aEv, aGrp, aSpan, nR, (int)nGroup, &chi2, &df, &p, aOE,
                                    aOE + nGroup);
    }
    if (rc == SQLITE_OK && df < 1) {
        rc = learnpath_cmp_note_rows(pB, aTest, 1, m, "nobody continued: no time to compare");
    } else if (rc == SQLITE_OK) {
        lp_cmp_row *pR;
        rc = cmpNewRow(pB, LP_CMP_LOGRANK, &pR);
        if (rc == SQLITE_OK) {
            pR->isSet = 1;
            pR->statistic = chi2;
            pR->df = df;
            pR->p = p;
            pR->n = m;
            if (nKey == 2 && aOE[nGroup + i1] > 0 && aOE[nGroup + i2] > 0 && aOE[i2] > 0) {
                pR->eEffect = LP_CMP_HAZARD_RATIO;
                pR->effect = (aOE[i1] / aOE[nGroup + i1]) / (aOE[i2] / aOE[nGroup + i2]);
            }
        }
    }
    sqlite3_free(aOE);
    return rc;
}

/*
** Two segments at the horizon (rule 23): x1 of n1 and x2 of n2 continued.
** Fisher's exact test when an expected count is below 5, else the z test
** of two proportions with the pooled variance; the effect is p1 - p2 with
** Newcombe's hybrid score interval at conf_level (his method 10: from the
** two shares' Wilson intervals [l1, u1] and [l2, u2], p1 - p2 less
** sqrt((p1 - l1)^2 + (u2 - p2)^2) to p1 - p2 plus sqrt((u1 - p1)^2 +
** (p2 - l2)^2)), which stays within [-1, 1] and keeps its coverage for
** small groups, where the Wald interval does not.
*/
static int cmpTwoProportions(cmp_build *pB, int64_t x1, int64_t n1, int64_t x2, int64_t n2) {
    int64_t n = n1 + n2, x = x1 + x2;
    double e[4] = {(double)n1 * x / n, (double)n1 * (n - x) / n, (double)n2 * x / n,
                   (double)n2 * (n - x) / n};
    double eMin = e[0], p1 = (double)x1 / n1, p2 = (double)x2 / n2, nBelow = 0;
    lp_cmp_row *pR;
    for (int i = 0; i < 4; i++) {
        if (e[i] < eMin) eMin = e[i];
        nBelow += e[i] < 5.0;
    }
    int rc = cmpNewRow(pB, eMin < 5.0 ? LP_CMP_FISHER : LP_CMP_Z, &pR);
    if (rc) return rc;
    pR->isSet = 1;
    pR->n = n;
    pR->minExpected = eMin;
    pR->shareBelow5 = nBelow / 4.0;
    if (eMin < 5.0) {
        double den = (double)(n1 - x1) * (double)x2;
        pR->p = learnpath_fisher_2x2(x1, n1 - x1, x2, n2 - x2);
        if (den > 0) pR->statistic = (double)x1 * (double)(n2 - x2) / den; /* odds ratio */
    } else {
        double pool = (double)x / n;
        pR->statistic = (p1 - p2) / sqrt(pool * (1.0 - pool) * (1.0 / n1 + 1.0 / n2));
        pR->p = learnpath_normal_two_sided(pR->statistic);
    }
    double l1, u1, l2, u2;
    learnpath_wilson(x1, n1, pB->pSpec->z, &l1, &u1);
    learnpath_wilson(x2, n2, pB->pSpec->z, &l2, &u2);
    pR->eEffect = LP_CMP_DIFFERENCE;
    pR->effect = p1 - p2;
    pR->effectLo = p1 - p2 - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
    pR->effectHi = p1 - p2 + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
    return SQLITE_OK;
}

/*
** The horizon's test (rule 23) of a range's users: the nAll compared
** segments with users aAll (ascending), per key k its eligible users (E -
** s1 >= at_days) continued by then aC[2k] and not aC[2k + 1]; two
** segments with eligible users: cmpTwoProportions; more: the chi-square
** test of segments x continued. Its cells either way.
*/
static int cmpHorizon(cmp_build *pB, const uint32_t *aAll, int64_t nAll, const int64_t *aC, int64_t nElig) {
    static const int aZ[1] = {LP_CMP_Z}, aChi[2] = {LP_CMP_PEARSON, LP_CMP_G};
    int64_t *aObs = NULL;
    uint32_t *aKey = NULL;
    int rc = SQLITE_OK, nR = 0;
    pB->hasDay = 1;
    aKey = sqlite3_malloc64((sqlite3_uint64)(nAll + 1) * sizeof(uint32_t));
    aObs = sqlite3_malloc64((sqlite3_uint64)(nAll + 1) * 2 * sizeof(int64_t));
    if (!aKey || !aObs) rc = SQLITE_NOMEM;
    for (int64_t j = 0; rc == SQLITE_OK && j < nAll; j++) {
        uint32_t k = aAll[j];
        if (aC[2 * k] + aC[2 * k + 1] == 0) continue;
        aKey[nR] = k;
        aObs[2 * nR] = aC[2 * k];
        aObs[2 * nR + 1] = aC[2 * k + 1];
        nR++;
    }
    int64_t x = 0;
    for (int i = 0; i < nR; i++) x += aObs[2 * i];
    const int *aTest = nAll <= 2 ? aZ : aChi;
    int nTest = nAll <= 2 ? 1 : 2;
    if (rc == SQLITE_OK && nElig == 0) {
        rc = learnpath_cmp_note_rows(pB, aTest, nTest, 0, "nobody was observed for the whole %.15g days");
    } else if (rc == SQLITE_OK && nR < 2) {
        rc = learnpath_cmp_note_rows(pB, aTest, nTest, nElig, "fewer than two segments with users observed for "
                                                  "the whole %.15g days");
    } else if (rc == SQLITE_OK && nR == 2) {
        rc = cmpTwoProportions(pB, aObs[0], aObs[0] + aObs[1], aObs[2], aObs[2] + aObs[3]);
    } else if (rc == SQLITE_OK && (x == 0 || x == nElig)) {
        rc = learnpath_cmp_note_rows(pB, aTest, nTest, nElig, x == 0 ? "nobody eligible continued by day %.15g"
                                                         : "everyone eligible continued by day %.15g");
    } else if (rc == SQLITE_OK) {
        lp_ctab_test t;
        learnpath_ctab_test(aObs, nR, 2, &t);
        rc = cmpCtabRows(pB, &t, NULL);
    }
    if (rc == SQLITE_OK && nR > 0) {
        static const uint32_t aCat[2] = {LP_CMP_CAT_CONTINUED, LP_CMP_CAT_NOT};
        int isTested = nR >= 2 && (nR == 2 || (x > 0 && x < nElig));
        rc = cmpCells(pB, aObs, nR, 2, aKey, aCat, 0, isTested);
    }
    pB->hasDay = 0;
    sqlite3_free(aKey);
    sqlite3_free(aObs);
    return rc;
}


/* See lp_compare.h. */
int learnpath_cmp_continued_keys(cmp_build *pB, const cmp_users *pU, const lp_km_run *aR, int64_t nR, int64_t m,
                                 const uint32_t *aKey, int64_t nKey, const int64_t *aC, int64_t nElig) {
    int rc = cmpLogrank(pB, pU, aR, nR, m, aKey, nKey);
    return rc ? rc : cmpHorizon(pB, aKey, nKey, aC, nElig);
}

/*
** See lp_compare.h. One pass over the runs' users: per compared segment
** with users (marked at a new stamp), its eligible users continued by the
** horizon or not; then the log-rank test and the horizon's.
*/
int learnpath_cmp_continued(cmp_build *pB, const cmp_users *pU, const lp_km_run *aR, int64_t nR, int64_t m) {
    uint32_t stamp = learnpath_cmp_stamp(pB), *aAll = pB->aKeyList, *aSeen = pB->aSeen, bias = pU->grpBias;
    int64_t nAll = 0, nElig = 0, *aC = pB->aCount, dElig = pB->dElig, E = pB->E;
    int64_t hasElig = pB->hasElig;
    const uint32_t *aGrp = pU->aGrp;
    const int64_t *aS1 = pU->aS1;
    const double *aT = pU->aT;
    const unsigned char *aEv = pU->aEv;
    double day = pB->pSpec->atDay;
    for (int64_t r = 0; r < nR; r++) {
        for (int64_t i = aR[r].iFirst; i < aR[r].iFirst + aR[r].n; i++) {
            uint32_t k = aGrp ? aGrp[i] - bias : 0;
            int64_t isElig = hasElig & (E - aS1[i] >= dElig);
            if (aSeen[k] != stamp) {
                aSeen[k] = stamp;
                aC[2 * k] = aC[2 * k + 1] = 0;
                aAll[nAll++] = k;
            }
            /* eligible: continued by the horizon (aC[2k]) or not (aC[2k + 1]) */
            aC[2 * k + 1 - (aEv[i] & (aT[i] <= day))] += isElig;
            nElig += isElig;
        }
    }
    qsort(aAll, (size_t)nAll, sizeof(uint32_t), cmpU32Cmp);
    return learnpath_cmp_continued_keys(pB, pU, aR, nR, m, aAll, nAll, aC, nElig);
}
