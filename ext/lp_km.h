/*
** lp_km.h - what the files of the continuation memo share (lp_km_pass.c:
** the pass, the memo and its results; lp_km_sort.c: the sort and the first
** two orders; lp_km_orders.c: the pooled orders, the strata and the
** cohorts). Journey layer; nothing outside these files includes it.
*/
#ifndef LP_KM_H
#define LP_KM_H

#include "lp_journey.h"

/* The most results a memo keeps, and memos a source's data keeps: past
** them the oldest no cursor reads are dropped, so a session asking for
** ever new conf_level or observe_until values holds a bounded memory. */
#define KM_MAX_RESULTS 8
#define KM_MAX_MEMOS 4

/* A result kept in a memo: what asked for it, and its rows. */
typedef struct km_res_memo {
    struct km_res_memo *pNext;
    int nRef;                 /* the cursors reading it */
    int64_t nByte;            /* the heap it holds */
    lp_km_spec spec;          /* its aAtDay is aDay */
    double *aDay;
    int ignoreSeg;            /* the strata over all segments */
    int isStatsOnly;          /* the strata and medians, no rows */
    int hasMedians;           /* the strata's medians are set */
    lp_km_result res;
} km_res_memo;

/* A run of users of one segment and first step (places in name order),
** in order of time: users iFirst, ..., iFirst + n - 1 of their order. */
typedef lp_km_run km_run;

/* Users in one order, as the arrays the builders read, and their runs. */
typedef struct km_order {
    double *aT;
    uint32_t *aDest;
    int64_t *aS1;
    uint32_t *aSeg;           /* the segment's place + 1 (0: none) */
    uint32_t *aUid;           /* lp_km_user.uid */
    void *pBlock;             /* the one allocation aT..aUid lie in */
    km_run *aRun;
    int64_t nRun;
} km_order;

/* The orders a memo keeps: by (segment, step, time), made with the memo;
** the others when first needed, each the main order's runs merged. */
enum { KM_BY_STEP = LP_KM_BY_STEP, KM_BY_SEG = LP_KM_BY_SEG, KM_BY_TIME = LP_KM_BY_TIME, KM_ORDERS = 3 };

struct lp_km_memo {
    lp_km_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    int hasObserveUntil;
    int64_t observeUntil;
    lp_shaper sh;             /* owns the tie groups' labels */
    lp_km_user *aUser;        /* the pass's users (until sorted into aOrder[KM_BY_STEP]) */
    int64_t nUser;
    km_order aOrder[KM_ORDERS]; /* by (segment, first step, time); by (segment, time);
                              ** by time */
    uint32_t *aSegOf;         /* a segment's place (less one) -> the segment */
    uint32_t *aLabelOf;       /* a label's place -> the label */
    uint32_t nSeg, nLabel;    /* places: segments 0..nSeg (0: none), labels 0..nLabel-1 */
    int64_t E;                /* rule 17's E */
    int64_t nByte;            /* the heap its orders and results hold */
    int isUidGroup;           /* streamed: uid holds each user's group */
    uint32_t iOrderGen;       /* the data's iOrderGen when made (uid numbers users then) */
    uint32_t *aLateUid;       /* the users left out for starting after E */
    int64_t nLate;
    km_res_memo *pRes;        /* newest first */
};

/* What the sort needs to know of the pass (lp_km_pass.c), whose users are
** in the memo's aUser. */
typedef struct km_prep {
    int64_t nRaw;             /* the pass's users, late ones included */
    int64_t E;                /* rule 17's E */
    int64_t s1Min;            /* the least s1 of those users */
    int hasLate;              /* some user's s1 is after E */
    int hasWithin;            /* within_days (rule 8): its value in days */
    double withinDays;
    int64_t unit;             /* 0: the keys are the times' bits; else the
                              ** milliseconds over unit (1, 1000, 60000 or
                              ** 86400000), which divides E and every s1, s2 */
    int nThreads;             /* threads the query's reads may use */
    void *pSortBuf;           /* or NULL: room for nRoom + 1 pairs, the sort's */
    int64_t nRoom;            /*   (nRoom >= nRaw) */
} km_prep;

/* Sort the users of the pass in pM->aUser (freed) into the main order and
** KM_BY_SEG (rule 17's times; the late users' uids in aLateUid), with the
** memo's places of segments and labels (aSegOf, aLabelOf). It takes
** pPrep's block (used, or freed). */
int learnpath_km_sort(lp_km_memo *pM, const km_prep *pPrep);

/* Room for n users (with isS1 their s1, segment and uid) and nRun runs in
** *pO: SQLITE_OK or SQLITE_NOMEM; free with learnpath_km_order_free. */
int learnpath_km_order_alloc(km_order *pO, int64_t n, int64_t nRun, int isS1);
/* The bytes of the block of n users' arrays (with isS1 their s1, segment
** and uid): what learnpath_km_order_alloc allocates, and the least a block
** handed to learnpath_km_order_adopt must hold. */
int64_t learnpath_km_order_bytes(int64_t n, int isS1);
/* As learnpath_km_order_alloc with isS1, but the arrays in pBlock (of at
** least learnpath_km_order_bytes(n, 1) bytes, from sqlite3_malloc), which
** *pO then owns, shrunk to that size (left as it is if shrinking fails):
** memory already written is reused, not asked of the system again. On
** SQLITE_NOMEM (the runs' array) pBlock is freed. */
int learnpath_km_order_adopt(km_order *pO, void *pBlock, int64_t n, int64_t nRun);
void learnpath_km_order_free(km_order *pO);
/* Orders kA and kB (KM_BY_SEG, KM_BY_TIME; KM_BY_STEP or -1: none) of the
** memo, made the first time they are needed and kept; two at once on two
** threads when nThreads (the query's) is 2. */
int learnpath_km_pooled(lp_km_memo *pM, int kA, int kB, int nThreads);
/* Every stratum of rule 18 (ignoreSeg: over all segments) into pB. */
int learnpath_km_strata(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg, int nThreads);
/* continuation_cohorts' strata (rule 21) into pB. */
int learnpath_km_cohorts(lp_km_build *pB, lp_km_memo *pM, int ignoreSeg, int nThreads);

#endif /* LP_KM_H */
