/*
** lp_compare.h - what the two files of rule 23 share (lp_compare.c: the
** pass, the keys, the strata; lp_compare_table.c: the tables, folding and
** tests). Journey layer; nothing outside these two files includes it.
*/
#ifndef LP_COMPARE_H
#define LP_COMPARE_H

#include "lp_journey.h"


/*
** A user, as cmpUsers makes it from the continuation memo's order: the
** start of step 1, the time in days (b.t, rule 17), step 1's and step 2's
** places in name order (dest LP_NONE: censored), seg the stratum's key (0:
** none), grp the compared segment's key.
*/
typedef struct cmp_user {
    int64_t s1;
    union {
        int64_t s2;
        double t;
    } b;
    uint32_t seg, label, dest, grp;
} cmp_user;
#define CMP_EVENT(pU) ((pU)->dest != LP_NONE)

typedef struct cmp_build {
    lp_cmp_result *pRes;
    int64_t nRowAlloc, nCellAlloc;
    const lp_cmp_spec *pSpec;
    const lp_shaper *pSh;
    const uint32_t *aLabelOf;  /* a label's place in name order -> the label */
    const uint32_t *aSegOf;    /* a segment's place in name order -> the segment */
    int64_t E;
    /* where the rows and cells being made belong */
    uint32_t within, program;
    int question, hasDay;
    /* scratch for one stratum's tests, as long as its users */
    double *aT;
    unsigned char *aEv;
    uint32_t *aGrp;
    uint64_t *aPair;
    uint64_t *aPairTmp;      /* the radix sort's other half */
    /* per compared segment's key (nSegKey of them): seen in the stratum at
    ** stamp, its place among the stratum's, its counts */
    uint32_t nSegKey, stamp;
    uint32_t *aSeen, *aPlace;
    int64_t *aCount;
} cmp_build;

/* Rows of tests aTest[0..nTest) that cannot be computed, each saying why
** (zNote: a printf format of at most one double, the horizon). */
int learnpath_cmp_note_rows(cmp_build *pB, const int *aTest, int nTest, int64_t n, const char *zNote);
/* The table of m users given as pairs (compared segment's key << 32 |
** category's place) in pB->aPair: counted, folded, tested; rows and cells. */
int learnpath_cmp_pairs_table(cmp_build *pB, int64_t m);
/* Sort n 64-bit values a ascending (aTmp: room for n more) by an LSD radix
** sort that skips the bytes every value shares. */
void learnpath_cmp_radix(uint64_t *a, uint64_t *aTmp, int64_t n);
/* The log-rank test between the compared segments of m users sorted by time. */
int learnpath_cmp_logrank(cmp_build *pB, const cmp_user *a, int64_t m);
/* The horizon's test of m users: two proportions or segments x continued. */
int learnpath_cmp_horizon(cmp_build *pB, const cmp_user *a, int64_t m);

#endif /* LP_COMPARE_H */
