/*
** lp_journey.h - the journey layer: enrollments -> journeys -> aggregates
** (rules 4-9 of README.md).
**
**   lp_shape.c   one user's journey (rules 4-8); labels and their name order
**   lp_agg.c     transition and per-first-program rows (rule 9), computed in
**                one pass over the users and kept with the cached data
**   lp_popularity.c  per-program and per-month rows, the same way
**   lp_median.c  exact medians of runs of gaps (plain C, no SQLite)
**   lp_survival.c  continuation with censoring: Kaplan-Meier curves, incidences, cohorts (rules 17-21)
**   lp_order.c   users in the order of their journeys' labels (rule 10)
**   lp_compare.c, lp_compare_table.c  do segments differ: tables, folding,
**                tests and cells (rule 23; the tests are lp_stats.c's)
*/
#ifndef LP_JOURNEY_H
#define LP_JOURNEY_H

#include "lp_read.h"

#define LP_GROUP_BIT 0x80000000u /* a step label with this bit is a tie group */

/* How enrollments at the same instant are treated (rule 4). */
typedef enum { LP_TIES_GROUP = 0, LP_TIES_NAME = 1 } lp_ties;
/* How a program taken again is treated (rule 5). */
typedef enum { LP_REPEATS_COLLAPSE = 0, LP_REPEATS_KEEP = 1, LP_REPEATS_FIRST_ONLY = 2 } lp_repeats;

/* How journeys are shaped from the enrollments (rules 4-8). */
typedef struct lp_shape_spec {
    int hasSince, hasUntil, hasWithin;
    int64_t since, until;    /* instants in ms (see lp_time.c) */
    double withinDays;
    lp_ties ties;
    lp_repeats repeats;
    const lp_users *pGroupUsers; /* group_value (rule 12): the users read, which
                             ** know the group's (lp_users.isGroupFilter); NULL: every user */
} lp_shape_spec;

/* Do two specs shape every journey alike? */
int learnpath_shape_spec_eq(const lp_shape_spec *a, const lp_shape_spec *b);

/* One step of a journey: a program or tie group, and when it started. */
typedef struct lp_step {
    int64_t t;
    uint32_t label;          /* a program, or LP_GROUP_BIT | tie group */
} lp_step;

/*
** Turns a user's enrollments into a journey by rules 4-8. Tie groups are
** interned here, keyed by their members' program numbers (label =
** LP_GROUP_BIT | group number), and named once, when first met, by rule
** 4: from their members' names and the names of the data's programs, never
** from which users or rows came first. So the labels of one shaper are
** stable across the users it shapes, even while the source's program
** table grows (streaming), and every shaper of the same data names a group
** alike.
*/
typedef struct lp_shaper {
    const lp_data *pData;
    const lp_shape_spec *pSpec;
    int ignoreSegments;      /* the data has segments the query did not ask for */
    int localLabels;         /* forget the tie groups of one user before the next */
    lp_strtab groups;        /* tie groups: key = the members' numbers, in name order */
    char *aName;             /* the groups' labels, each followed by a NUL; */
    int64_t *aNameOff;       /*   group g's: aName[aNameOff[g] .. aNameOff[g + 1] - 1) */
    int64_t nName, nNameAlloc, nNameOffAlloc;
    uint32_t nNamed;         /* groups named (one whose naming failed is named later) */
    const lp_strtab *pPlusTab; /* the data's programs, or pData->pPlusNames */
    uint32_t *aPlus;         /* those whose names have a lone '+', in name order */
    uint32_t nPlus;
    int hasPlus;             /* aPlus found (at the first group named) */
    unsigned char *aUsed;    /* in memory, per program: does a row used have it? */
    uint32_t *aSeen;         /* per program: stamp of the user who took it */
    uint32_t *aCounted;      /* per program: stamp, for distinct counts */
    uint32_t nMark;          /* entries of aSeen and aCounted */
    uint32_t stamp;
    char *zLabel;            /* scratch for a tie group's label */
    int64_t nLabelAlloc;
    uint32_t *aScratch;      /* scratch: enrollment indexes of one user */
    uint32_t nScratchAlloc;
    /* the journey of the last user shaped */
    lp_step *aStep;
    uint32_t nStep, nStepAlloc;
    int64_t tCut;            /* rule 8: the start of the first step cut off, or
                             ** INT64_MAX; the journey holds the enrollments before it */
    uint32_t segment;        /* rule 6; LP_NONE if none */
    int tied;                /* rule 4 */
    uint32_t nProgram;       /* distinct programs, tie groups counting members */
    int isNulFree;           /* set by the SQL layer: no name of the data's
                             ** programs and segments holds a NUL byte, so
                             ** neither does a label (learnpath_result_label) */
} lp_shaper;

int learnpath_shaper_init(lp_shaper *pSh, const lp_data *pData, const lp_shape_spec *pSpec);
void learnpath_shaper_free(lp_shaper *pSh);
/*
** The users of pIt are shaped for one user's rows at a time (first_program,
** program_journeys, program_steps), so only the current user's labels are
** kept: the shaper forgets the tie groups of each user before the next,
** and, streaming, the stream forgets each user's names (the memory budget,
** lp_read.h). learnpath_order_users, which ranks every user's labels,
** turns the shaper's part off again.
*/
void learnpath_journeys_per_user(lp_users *pIt, lp_shaper *pSh);
/* Shape user u. *pKeep = 0 when rule 7 leaves the user out. */
int learnpath_shape_user(lp_shaper *pSh, uint32_t u, int *pKeep);
/* Text of a label. */
const char *learnpath_label(const lp_shaper *pSh, uint32_t label, int *pnByte);
/* The programs of a label: a program is its own one, a tie group has its
** members (in name order); member k < learnpath_label_size(). */
uint32_t learnpath_label_size(const lp_shaper *pSh, uint32_t label);
uint32_t learnpath_label_member(const lp_shaper *pSh, uint32_t label, uint32_t k);
/* The heap a shaper holds, for the memory budget (lp_read.h). */
int64_t learnpath_shaper_bytes(const lp_shaper *pSh);

/* Labels as consecutive numbers: programs, then tie groups. */
static inline uint32_t learnpath_label_index(const lp_data *pD, uint32_t label) {
    return label & LP_GROUP_BIT ? pD->programs.n + (label & ~LP_GROUP_BIT) : label;
}

/*
** Places in byte order of the names: of a string table (pTab), or of a
** shaper's labels numbered by learnpath_label_index (pSh, pTab NULL).
** *paRank[i] = place of name i among the n names; with isDense, names of
** equal text share one place (rule 4 gives every step its own text, so
** this only keeps an order by text SQLite's if it ever did not).
*/
int learnpath_label_ranks(const lp_shaper *pSh, const lp_strtab *pTab, uint32_t n, int isDense,
                          uint32_t **paRank);

/* The slots of lp_data.apMemo: who keeps results with the data. */
enum {
    LP_MEMO_AGG = 0, LP_MEMO_POP = 1, LP_MEMO_GROUP = 2, LP_MEMO_KM = 3, LP_MEMO_COMPARE = 4,
    LP_MEMO_PROFILE = 5
};

/* ----------------------------------------------------------- lp_median.c */

/* A run of values lying together. */
typedef struct lp_run {
    const int64_t *a;
    int64_t n;
} lp_run;

/* Scratch of the selection, kept across the medians of one aggregate. */
typedef struct lp_median_scratch lp_median_scratch;
lp_median_scratch *learnpath_median_scratch_new(void);
void learnpath_median_scratch_free(lp_median_scratch *pX);

/*
** Median in ms of the n > 0 values of aRun[0..nRun) (rule 9: of an even
** count, the mean of the two middle values), into *pMs. Nothing is
** reordered or copied beyond a few thousand values.
*/
int learnpath_median(const lp_run *aRun, int64_t nRun, int64_t n, lp_median_scratch *pX,
                     double *pMs);

/* -------------------------------------------------------------- lp_agg.c */

/* One row of program_transitions or first_program_stats. */
typedef struct lp_agg_row {
    uint32_t segment, from, to; /* labels; segment/to may be LP_NONE */
    uint32_t segRank, fromRank, toRank;
    int64_t step;
    int64_t users;
    int64_t groupUsers; /* users at this step with this from, in this segment */
    int64_t nDays;      /* transitions with a next step (= users unless to NULL) */
    uint64_t sumMsLo;   /* the gaps' sum in ms, exactly (128 bits: the */
    uint64_t sumMsHi;   /*   mean does not depend on the order of adding) */
    double medianDays;
    int64_t *aGap;      /* while computed: the nDays gaps in ms, for the median */
    int64_t nGapAlloc;  /*   (NULL once the median is set) */
} lp_agg_row;

/* A row's mean gap in days. */
double learnpath_agg_mean_days(const lp_agg_row *pR);

/*
** The aggregates one pass over the users computes: program_transitions and
** first_program_stats, each per segment and over all users (a query without
** segment_col on data read with one). LP_AGG(isStats, noSegment) numbers
** them.
*/
#define LP_AGG_N 4
#define LP_AGG(isStats, noSeg) (((isStats) ? 2 : 0) | ((noSeg) ? 1 : 0))

/*
** Finished aggregates kept with the source data they were computed from,
** so the same query again on unchanged data costs almost nothing. The data
** is immutable and dropped by the cache when anything changes, and its
** memos with it. The memo's shaper owns the tie-group labels of the rows.
*/
typedef struct lp_agg_memo {
    struct lp_agg_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    lp_shaper sh;
    lp_agg_row *aaRow[LP_AGG_N]; /* NULL when not computed */
    int64_t anRow[LP_AGG_N];
    int hasMedians;         /* 0: computed for queries that read no median, whose
                            ** rows' medianDays are not set (nor their gaps kept) */
} lp_agg_memo;

/*
** The aggregate iAgg (LP_AGG) of the users of pIt shaped by *pSh (whose
** spec is *pShape), from the data's memo or computed now (one pass over the
** users, which leaves pIt at its end). On success *ppMemo holds a new
** reference (learnpath_agg_memo_unref), and the memo has taken the shaper
** (*pSh is zeroed) when it computed the rows. needMedians: the query reads
** a median; without it the rows may come without their medians
** (lp_agg_memo.hasMedians), which spares keeping every gap and selecting.
*/
int learnpath_agg_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape, int iAgg,
                      int needMedians, lp_agg_memo **ppMemo, char **pzErr);
void learnpath_agg_memo_unref(lp_agg_memo *p);

/* -------------------------------------------------------- lp_popularity.c */

/*
** One row of program_popularity (a segment and a program) or one cell of
** first_program_monthly (a segment, a month and a first step's label that
** users started with). The counts are exact integers (lp_popularity.c
** defines them).
*/
typedef struct lp_pop_row {
    uint32_t segment;       /* LP_NONE: none */
    uint32_t label;         /* popularity: a program; monthly: step 1's label */
    int64_t month;          /* monthly: learnpath_time_month of step 1's start */
    int64_t users;          /* popularity: users who took it; monthly: who started */
    int64_t enrollments, firstUsers, tiedFirstUsers; /* popularity */
    int64_t segmentUsers;   /* popularity: users of the segment */
    uint32_t segRank, labelRank; /* places of the names, for the order */
} lp_pop_row;

/*
** The aggregates of lp_popularity.c, each per segment and over all users
** (a query without segment_col on data read with one), numbered as LP_AGG.
*/
#define LP_POP_N 4
#define LP_POP(isMonthly, noSeg) (((isMonthly) ? 2 : 0) | ((noSeg) ? 1 : 0))

/*
** Finished rows kept with the data they were computed from (lp_data's
** LP_MEMO_POP slot), as lp_agg_memo. The memo's shaper owns the tie-group
** labels of the monthly cells.
*/
typedef struct lp_pop_memo {
    struct lp_pop_memo *pNext;
    int nRef;
    lp_shape_spec shape;
    lp_shaper sh;
    lp_pop_row *aaRow[LP_POP_N];   /* popularity: the rows in output order;
                                   ** monthly: the cells, by segment, month, label */
    int64_t anRow[LP_POP_N];
    lp_pop_row *aaLabel[LP_POP_N]; /* monthly: each segment's labels, by segment, label */
    int64_t anLabel[LP_POP_N];
    int64_t monthLo, monthHi;      /* monthly: the months [lo, hi]; none when lo > hi */
} lp_pop_memo;

/*
** The aggregate iPop (LP_POP) of the users of pIt shaped by *pSh, from the
** data's memo or computed now, as learnpath_agg_get. Under a memory budget
** the rows count against it with the data: LP_RC_OVER_BUDGET in memory
** (stream instead), the budget's error streaming.
*/
int learnpath_pop_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape, int iPop,
                      lp_pop_memo **ppMemo, char **pzErr);
void learnpath_pop_memo_unref(lp_pop_memo *p);

/*
** first_program_monthly's rows, made from a memo's cells as they are read:
** for each segment with starters, each month of [monthLo, monthHi], each of
** the segment's labels, its starters or 0. The row is (*pLabel's segment
** and label, month, users); monthUsers = the segment's starters that month.
*/
typedef struct lp_month_iter {
    const lp_pop_row *aCell, *aLabel;
    int64_t nCell, nLabel;
    int64_t monthLo, monthHi;
    int64_t iLabel0, iLabel1;  /* the segment's labels */
    int64_t iLabel;            /* the row's label */
    int64_t month;             /* the row's month */
    int64_t iCell;             /* the first cell not yet returned */
    int64_t users;             /* the row's starters */
    int64_t monthUsers;        /* the segment's starters in the month */
    int isCell;                /* the row is aCell[iCell] */
    int eof;
} lp_month_iter;
void learnpath_month_first(lp_month_iter *p, const lp_pop_memo *pMemo, int iPop);
void learnpath_month_next(lp_month_iter *p);

/* ---------------------------------------------------------- lp_survival.c */

/* The confidence band of a curve (rule 18): conf_type's choices, in order. */
enum { LP_CONF_LOG = 0, LP_CONF_LOGLOG = 1, LP_CONF_PLAIN = 2 };

/* What learnpath_km_build computes: continuation_curve's and _stats'
** curves (rules 18-19), next_program_incidence's (rule 20) or
** continuation_cohorts' rows (rule 21). */
enum { LP_KM_CURVE = 0, LP_KM_INCIDENCE = 1, LP_KM_COHORTS = 2 };

/* How continuation is measured (rules 17-21), besides the shaping. */
typedef struct lp_km_spec {
    int eKind;               /* LP_KM_* */
    int hasObserveUntil;
    int64_t observeUntil;    /* E in ms, when given */
    double z;                /* the band's normal quantile */
    int eConf;               /* LP_CONF_* */
    const double *aAtDay;    /* at_days (cohorts: windows), ascending and distinct, */
    int nAtDay;              /*   or NULL: a row per time of each curve */
} lp_km_spec;

/* One row of a curve: a time of the stratum, or a day of at_days. */
typedef struct lp_km_row {
    double day;
    double surv;
    double var;              /* Greenwood's sum; +inf once surv is 0 */
    uint32_t atRisk, events, censored; /* users (numbered by uint32: they fit) */
    int isStart;             /* an at_days day before the stratum's first time */
} lp_km_row;                 /* 40 bytes: a whole curve holds one a user and time */
/* The most rows a result keeps (one allocation's most); past it a whole
** curve is refused by name (LP_RC_TOO_MANY_ROWS). Tests lower it. */
extern int64_t learnpath_km_most_rows;
/* The fewest users whose continuation memo is sorted on two threads (when
** the query's reads may use two); tests lower it. */
extern int64_t learnpath_km_split_least;
/* The largest unit the continuation sort's keys may be in (86,400,000: a
** day, 60,000, 1,000 or 1 millisecond; 0: the bits of the time in days,
** as with within_days); tests lower it to check that the answers do not
** depend on the unit. learnpath_km_unit_last: the unit of the last memo
** made (tests read it). */
extern int64_t learnpath_km_unit_most;
extern int64_t learnpath_km_unit_last;

/* One row of next_program_incidence (rule 20): a destination and a day. */
typedef struct lp_km_cif {
    double day;
    uint32_t dest;           /* step 2's label; LP_NONE: not yet continued */
    double incidence;        /* CIF_k(day); for LP_NONE, S(day) */
    int64_t naive;           /* users gone there at or before day (LP_NONE: not
                             ** continued by day) */
} lp_km_cif;

/* One row of continuation_cohorts (rule 21): a window of a cohort x
** segment; S(window) within the cohort's users is aRow[i].surv, the curve's
** row beside aCohort[i]. */
typedef struct lp_km_cohort {
    double window;
    int64_t continued, eligible, continuedEligible;
} lp_km_cohort;

/* One stratum: a segment and first step, or (label LP_NONE) a segment's
** users; of continuation_cohorts, a month of step 1's start and a segment. */
typedef struct lp_km_stratum {
    uint32_t segment, label; /* LP_NONE: none, every first step */
    int64_t month;           /* cohorts: learnpath_time_month of s1 */
    int64_t users, events, censored;
    double aMedian[3];       /* survival, lower, upper (rule 19); NAN: none */
    int64_t iRow, nRow;      /* its rows in aRow, aCif or aCohort */
} lp_km_stratum;

/* The strata in output order (segment, first step by name, then the
** segment's all-programs stratum; cohorts: month, then segment), their
** rows: of the curve in order of day; of the incidence by destination
** (by name, LP_NONE last), then day; of the cohorts by window, aRow[i]
** (the cohort's curve at the window) beside aCohort[i]. */
typedef struct lp_km_result {
    lp_km_stratum *aStratum;
    int64_t nStratum;
    lp_km_row *aRow;
    int64_t nRow;
    lp_km_cif *aCif;
    int64_t nCif;
    lp_km_cohort *aCohort;
    int64_t nCohort;
} lp_km_result;

/*
** A user of the continuation functions (rule 17), from one pass over the
** users (lp_km_pass.c): the start of step 1 (s1), of step 2 (b.s2;
** LP_KM_NO_STEP: none) and its label (dest), the segment and the first
** step's label. Once E is known b is the user's time in days (b.t) and
** dest LP_NONE for a censored user (an event is a user whose dest is a
** label); segment, label and dest are then places in name order (segment
** 0: none). 32 bytes.
*/
typedef struct lp_km_user {
    int64_t s1;
    union {
        int64_t s2;
        double t;
    } b;
    uint32_t seg, label, dest;
    uint32_t uid;            /* in memory the user's number in the data; streaming
                             ** its group's (rule 12), read then */
} lp_km_user;
#define LP_KM_NO_STEP INT64_MAX
#define LP_KM_EVENT(pU) ((pU)->dest != LP_NONE)

/* Users as the builders read them: in order of time, each user's time in
** days, step 2's place in name order (LP_NONE: censored) and, for the
** cohorts, the start of step 1 (else NULL). */
typedef struct lp_km_view {
    const double *aT;
    const uint32_t *aDest;
    const int64_t *aS1;
} lp_km_view;

/* A result being built, stratum by stratum (lp_km_pass.c fills it with the
** builders below, lp_survival.c). */
typedef struct lp_km_build {
    lp_km_result *pRes;
    int64_t nRowAlloc, nStratumAlloc, nCifAlloc, nCohortAlloc;
    const lp_km_spec *pSpec;
    const uint32_t *aLabelOf;  /* a label's place in name order -> the label */
    uint32_t nLabel;           /* the places are below it (0: not known) */
    int isFixed;               /* the room for strata and rows is made (a task's
                               ** part, lp_km_orders.c): never grown */
    int64_t E;                 /* rule 17's E */
    int isStatsOnly;           /* continuation_stats: the strata and their medians, no rows */
    int hasMedians;            /* the strata's medians are computed (else NAN) */
} lp_km_build;

/* One stratum from its n users v.aT[0..n) ..., in order of time (seg, label: the stratum's
** segment and first step, LP_NONE for none): a curve and its medians
** (rules 18-19), with at_days' rows if asked; the incidences (rule 20); a
** cohort's rows (rule 21). */
int learnpath_km_stratum(lp_km_build *pB, lp_km_view v, int64_t n, uint32_t seg,
                         uint32_t label);
int learnpath_km_incidence(lp_km_build *pB, lp_km_view v, int64_t n, uint32_t seg,
                           uint32_t label);
int learnpath_km_cohort(lp_km_build *pB, lp_km_view v, int64_t n, uint32_t seg,
                        int64_t month);
void learnpath_km_free(lp_km_result *pRes);

/* ----------------------------------------------------------- lp_km_pass.c */

/*
** The users of one shaping and observation end, kept with the source data
** (LP_MEMO_KM) with every result computed from them, as lp_agg_memo: the
** same query again costs nothing, and another continuation query of the
** same source and shaping only walks the users already sorted. The memo's
** shaper owns the tie-group labels of the results.
*/
typedef struct lp_km_memo lp_km_memo;

/*
** The result pSpec asks for, of the users of pIt shaped by *pSh (spec
** *pShape; pSh->ignoreSegments: the strata over all segments): from the
** data's memo, or computed (one pass over the users, which leaves pIt at
** its end; then the memo takes the shaper, and *pSh is zeroed). isStats:
** only the strata and their medians are read. On success *ppMemo holds a
** reference (learnpath_km_memo_unref) and *ppRes the result, which lives
** as long as the memo. Under a memory budget, LP_RC_OVER_BUDGET in
** memory (stream instead), the budget's error streaming.
*/
int learnpath_km_get(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                     const lp_km_spec *pSpec, int isStats, lp_km_memo **ppMemo,
                     const lp_km_result **ppRes, char **pzErr);
/* Let go of a result learnpath_km_get gave (it may then be dropped, past
** the memo's few) and of the memo's reference. */
void learnpath_km_release(lp_km_memo *pMemo, const lp_km_result *pRes);
/* The orders of a memo's users segment_compare reads (rule 23). */
enum { LP_KM_BY_STEP = 0, LP_KM_BY_SEG = 1, LP_KM_BY_TIME = 2 };

/* A run of one of those orders: users iFirst.. of one segment and first
** step (places in name order: segment 0 none; in an order over several,
** segment 0, or step LP_NONE). */
typedef struct lp_km_run {
    int64_t iFirst, n;
    uint32_t seg, label;
} lp_km_run;

/* One order of a memo's users, as arrays of nUser: time in days, step 2's
** place (LP_NONE: censored), s1, the segment's place + 1 (0: none), and
** uid (isUidGroup: the user's group, else its number in the data); its
** runs; and what the places mean. */
typedef struct lp_km_order_view {
    int64_t nUser;
    const double *aT;
    const uint32_t *aDest;
    const int64_t *aS1;
    const uint32_t *aSeg;
    const uint32_t *aUid;
    const lp_km_run *aRun;
    int64_t nRun;
} lp_km_order_view;

/* What a memo's places and users mean, for segment_compare. */
typedef struct lp_km_users_info {
    const uint32_t *aSegOf;    /* segment place (less one) -> segment */
    const uint32_t *aLabelOf;  /* step place -> label */
    uint32_t nSeg, nLabel;
    int64_t E;                 /* rule 17's E */
    int isUidGroup;            /* uid holds groups (streaming), not user numbers */
    const uint32_t *aLateUid;  /* the users left out for starting after E */
    int64_t nLate;
    int64_t nMemoByte;         /* the heap the memo holds (for the memory budget) */
} lp_km_users_info;

/*
** The main order (by segment, first step, time: *pL) and the order by
** segment and time (*pT) of the users of pIt shaped by *pSh (spec *pShape),
** observed until pSpec's E (its other fields unused), from the data's memo
** or made now (as learnpath_km_get: the memo may take the shaper;
** learnpath_km_shaper gives the labels). *ppMemo holds a reference; the
** views live as long as it.
*/
int learnpath_km_orders(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                        const lp_km_spec *pSpec, lp_km_memo **ppMemo, lp_km_order_view *pL,
                        lp_km_order_view *pT, lp_km_users_info *pInfo, char **pzErr);
/* The memo's shaper: the labels of its results. */
const lp_shaper *learnpath_km_shaper(const lp_km_memo *p);
void learnpath_km_memo_unref(lp_km_memo *p);
/* z with P(Z > z) = q for a standard normal Z, 0 < q <= 0.5. */
double learnpath_normal_upper_quantile(double q);
/* The std_err and band of a row (rule 18): 2 when both are set, 1 when
** only std_err is (the band is NULL), 0 when both are NULL. */
int learnpath_km_band(const lp_km_row *pRow, double z, int eConf, double *pSe, double *pLo,
                      double *pHi);

/* ----------------------------------------------------------- lp_compare.c */

/* segment_compare's questions (rule 23), in output order. */
enum { LP_CMP_FIRST = 0, LP_CMP_NEXT = 1, LP_CMP_CONTINUED = 2 };
/* Its tests, named as the column `test` spells them (lp_sql.h). */
enum { LP_CMP_PEARSON = 0, LP_CMP_G = 1, LP_CMP_LOGRANK = 2, LP_CMP_Z = 3, LP_CMP_FISHER = 4 };
/* Its effects: none, Cramer's V, the log-rank hazard ratio, a difference of
** proportions (with its interval). */
enum { LP_CMP_NO_EFFECT = 0, LP_CMP_CRAMERS_V = 1, LP_CMP_HAZARD_RATIO = 2, LP_CMP_DIFFERENCE = 3 };
/* A cell's category besides a label: the folded ones, and continued or not
** by the horizon. */
#define LP_CMP_CAT_OTHER (LP_NONE - 1)
#define LP_CMP_CAT_CONTINUED (LP_NONE - 2)
#define LP_CMP_CAT_NOT (LP_NONE - 3)
/* A compared segment in the group's mode (compare_group): the group, the rest. */
#define LP_CMP_THE_GROUP 0
#define LP_CMP_THE_REST 1

/* How segments are compared (rule 23), besides the shaping. */
typedef struct lp_cmp_spec {
    int hasObserveUntil;
    int64_t observeUntil;    /* rule 17's E in ms, when given */
    double atDay;            /* the horizon in days */
    double z;                /* the normal quantile of conf_level */
    int useSegments;         /* segment_col given */
    const char *zGroup;      /* compare_group: a group's text, or NULL: none */
    int nGroup;              /*   its bytes */
    int isLargest;           /* compare_group = 'largest' */
    const char *zGroupCol;   /* group_col (for messages) */
} lp_cmp_spec;

/* One row of segment_compare: a test of a question in a stratum. */
typedef struct lp_cmp_row {
    uint32_t within;         /* the segment split in (group mode); LP_NONE: not split */
    uint32_t program;        /* the first program; LP_NONE: every one, or none */
    int question, test, hasDay;
    int isSet;               /* statistic and p computed (else zNote says why) */
    double statistic, df;    /* NAN: NULL */
    lp_pvalue p;
    double pAdjusted;
    int eEffect;             /* LP_CMP_*_EFFECT */
    double effect, effectLo, effectHi; /* NAN: NULL */
    int64_t n;
    double minExpected, shareBelow5;   /* NAN: NULL */
    char *zFolded;           /* a JSON array of the folded categories, or NULL */
    char *zNote;             /* why the test is not computed, or NULL */
} lp_cmp_row;

/* One cell of a table a test was computed on (segment_cells). */
typedef struct lp_cmp_cell {
    uint32_t within, program;
    int question, hasDay;
    uint32_t segment;        /* a segment, LP_CMP_THE_GROUP/_REST, or LP_NONE */
    uint32_t category;       /* a label or LP_CMP_CAT_* */
    int otherSuffix;         /* LP_CMP_CAT_OTHER: 0 "(other)", k "(other) (k)" */
    int isTested;            /* expected and residual are shown */
    int64_t observed, rowTotal, colTotal, n;
} lp_cmp_cell;

typedef struct lp_cmp_result {
    lp_cmp_row *aRow;
    int64_t nRow;
    lp_cmp_cell *aCell;
    int64_t nCell;
    int isGroupMode;
    uint32_t group;          /* the compared group in lp_users.groups */
} lp_cmp_result;

/* The most cells (segments x categories) segment_compare counts in a table
** of counters; past it a table's users are sorted as pairs and counted (the
** same numbers). 1 << 18; tests lower it to take the pairs' way. */
extern int64_t learnpath_cmp_max_dense;

/*
** segment_compare's rows and segment_cells' cells (rule 23) of the users
** of pIt shaped by *pSh (spec *pShape), from the continuation memo's
** sorted users (learnpath_km_orders: one pass over the users, shared with
** the continuation functions), into *pRes (learnpath_cmp_free releases
** it). *ppKm gets the memo's reference: the labels of the rows are its
** shaper's (learnpath_km_shaper), the segments pIt's data's, the group
** pIt's. Under a memory budget, LP_RC_OVER_BUDGET in memory (stream
** instead), the budget's error streaming. A compare_group no user has is
** an error naming it.
*/
int learnpath_cmp_build(lp_users *pIt, lp_shaper *pSh, const lp_shape_spec *pShape,
                        const lp_cmp_spec *pSpec, lp_cmp_result *pRes, lp_km_memo **ppKm,
                        char **pzErr);
void learnpath_cmp_free(lp_cmp_result *pRes);

/* ------------------------------------------------------------ lp_order.c */

/*
** The order keys of first_program (rule 10): up to three of these, two bits
** each, the first key lowest, 0 ending the list.
*/
enum { LP_KEY_END = 0, LP_KEY_SEGMENT = 1, LP_KEY_PROGRAM = 2, LP_KEY_NEXT = 3 };
#define LP_KEY_AT(code, j) (((code) >> (2 * (j))) & 3)

/*
** Put the users of pD (in memory) in the order of the keys in code: shape
** each once for its combination of labels, rank the labels by name, sort
** the combinations, then place the users by a counting sort over them, in
** user_id order within each. *paPerm gets the kept users' numbers among the
** kept users in user_id order, in the keys' order (*pnPerm of them);
** *paKept the kept users in user_id order, or NULL when all are kept. The
** caller frees both.
*/
int learnpath_order_users(const lp_data *pD, lp_shaper *pSh, int code, uint32_t **paPerm,
                          uint32_t **paKept, uint32_t *pnPerm);

#endif /* LP_JOURNEY_H */
