/*
** lp_compare.h - what the two files of rule 23 share (lp_compare.c: the
** pass, the keys, the strata; lp_compare_table.c: the tables, folding and
** tests). Journey layer; nothing outside these two files includes it.
*/
#ifndef LP_COMPARE_H
#define LP_COMPARE_H

#include "lp_journey.h"


/*
** One order of the continuation memo's users as rule 23 reads them: columns
** of its n users in the memo's order (no copy, cmpView): time in days
** (rule 17), step 2's place (LP_NONE: censored), s1, whether
** they continued, the segment's place + 1 (0: none) and the compared
** segment's key plus grpBias (aGrp NULL: every key 0); the order's runs.
*/
typedef struct cmp_users {
    int64_t n;
    const double *aT;
    const uint32_t *aDest;
    const int64_t *aS1;
    const unsigned char *aEv;
    const uint32_t *aSeg;
    const uint32_t *aGrp;
    uint32_t grpBias;
    const lp_km_run *aRun;
    int64_t nRun;
} cmp_users;

/* Most cells (compared segments x categories) counted in a table of
** counters, pB->aCnt; past it a table's users are sorted as pairs
** (learnpath_cmp_max_dense, lp_journey.h: 1 << 18, lowered by tests). */
#define CMP_MAX_DENSE learnpath_cmp_max_dense

typedef struct cmp_build {
    lp_cmp_result *pRes;
    int64_t nRowAlloc, nCellAlloc;
    const lp_cmp_spec *pSpec;
    const lp_shaper *pSh;
    const uint32_t *aLabelOf;  /* a label's place in name order -> the label */
    const uint32_t *aSegOf;    /* a segment's place in name order -> the segment */
    int64_t E;
    int64_t dElig;             /* hasElig and E - s1 >= dElig: observed for the whole horizon */
    int hasElig;
    /* where the rows and cells being made belong */
    uint32_t within, program;
    int question, hasDay;
    /* per compared segment's key (nSegKey of them) and per category's place
    ** (nLabel): seen in the table or range at stamp; the keys and the
    ** categories seen; a key's place among them; its counts */
    uint32_t nSegKey, nLabel, stamp;
    uint32_t *aSeen, *aCatSeen, *aPlace, *aKeyList, *aCatList;
    int64_t *aCount;
    int64_t *aCnt;             /* nSegKey x nLabel counters, zero between tables (NULL: past
                               ** CMP_MAX_DENSE, or not within the memory budget) */
    int isDense;               /* aCnt and aStepCnt are made (cmpBuildAlloc) */
    /* scratch as long as the most users of a view, made when first needed */
    int64_t nScratch;
    uint64_t *aPair, *aPairTmp; /* pairs to sort (without aCnt), the radix sort's other half */
    uint32_t *aGrpTmp;         /* the log-rank test's groups when the keys must be renumbered */
    /* with aCnt: a stratum's first steps (at most nLabel) and, per first
    ** step and key, its users and eligible users continued or not */
    struct cmp_step *aStep;
    int64_t *aStepCnt;
} cmp_build;

/* Rows of tests aTest[0..nTest) that cannot be computed, each saying why
** (zNote: a printf format of at most one double, the horizon). */
int learnpath_cmp_note_rows(cmp_build *pB, const int *aTest, int nTest, int64_t n, const char *zNote);
/* A new stamp for aSeen and aCatSeen. */
uint32_t learnpath_cmp_stamp(cmp_build *pB);
/* The table of the nR x nC counts aObs (row-major; rows the compared
** segments' keys aKey, columns the categories' places aCat, both
** ascending, each with users), m users in all: folded, tested; rows and
** cells. */
int learnpath_cmp_table(cmp_build *pB, const int64_t *aObs, int64_t nR, int64_t nC, const uint32_t *aKey,
                        const uint32_t *aCat, int64_t m);
/* The table of m users given as pairs (compared segment's key << 32 |
** category's place) in pB->aPair: sorted, counted, then learnpath_cmp_table. */
int learnpath_cmp_pairs_table(cmp_build *pB, int64_t m);
/* Sort n 64-bit values a ascending (aTmp: room for n more) by an LSD radix
** sort that skips the bytes every value shares. */
void learnpath_cmp_radix(uint64_t *a, uint64_t *aTmp, int64_t n);
/* continued's rows of the m users of the nR runs aR of *pU (each sorted by
** time): the log-rank test between the compared segments, then the
** horizon's test. */
int learnpath_cmp_continued(cmp_build *pB, const cmp_users *pU, const lp_km_run *aR, int64_t nR, int64_t m);
/* The same, its users counted: the nKey compared segments with users aKey
** (ascending), per key k its eligible users continued by the horizon
** aC[2k] and not aC[2k + 1], nElig in all. */
int learnpath_cmp_continued_keys(cmp_build *pB, const cmp_users *pU, const lp_km_run *aR, int64_t nR, int64_t m,
                                 const uint32_t *aKey, int64_t nKey, const int64_t *aC, int64_t nElig);

#endif /* LP_COMPARE_H */
