/*
** lp_sql.h - the SQL layer: what SQL sees of learnpath.
**
**   lp_tvf.c          the frame every table-valued function shares
**   tvf_user.c        first_program, program_journeys, program_steps
**   tvf_aggregate.c   program_transitions, first_program_stats
**   tvf_popularity.c  program_popularity, first_program_monthly
**   tvf_group.c       group_stats
**   tvf_profile.c     enrollment_profile
**   tvf_sample.c      sample_enrollments
**   tvf_continuation.c  continuation_curve, continuation_stats, next_program_incidence,
**                       continuation_cohorts
**   tvf_compare.c     segment_compare, segment_cells
**   fn_settings.c     learnpath_version and the per-connection settings
**
** A table-valued function is a descriptor (lp_tvf): its output columns, its
** arguments declared as data (lp_arg), and a few hooks. The frame (one
** sqlite3_module for all of them) declares the table with the arguments as
** HIDDEN columns, plans (xBestIndex), decodes and checks the arguments,
** guards against a view that feeds itself, reads the arguments back, and
** turns the hooks' errors into the function's message: the hooks and every
** lower layer return a code and a message without a function name, and the
** frame puts "func(): " in front exactly once.
**
** Planning (as SQLite's series.c): every usable '=' or IS constraint on a
** hidden column (the first one of each; IS is '=' here, as NULL already
** means "absent") gets argvIndex 1..n in column order and sets bit i of
** idxNum for argument i (bits 0..13; LP_TVF_ARG_BIT). No constraint at all on a
** required argument is a plan of prohibitive cost whose xFilter fails
** naming it (not an error at once: SQLite also plans each branch of an OR
** alone, without the function's arguments, and an error there would fail
** a valid query); a constraint that is not usable in this plan answers
** SQLITE_CONSTRAINT so SQLite tries another join order.
**
** A function with LP_TVF_USER_KEY (the per-user ones) also takes the first
** usable `user_id IS x`, `user_id = x` or `user_id IN (...)` compared in
** BINARY: bit 14 (LP_TVF_USER_EQ), its value last in argv, after the
** arguments'; bit 15 (LP_TVF_USER_IN) as well when it is an IN list,
** which SQLite then hands over whole (sqlite3_vtab_in). '=' is taken only
** where SQLite can tell it from IN (3.38 and newer): an IN list handed
** over one value at a time is tested again without the list's type
** affinity, which would lose rows a scan finds (tvfUserEqUsable). omit
** stays 0: the hook returns every user that could equal the value under
** whatever affinity the comparison applies (lp_users.c) and SQLite makes
** the exact test. Such a plan never consumes an ORDER BY but user_id's
** (its rows come in user_id order). Other constraints on output columns
** are left to SQLite.
**
** Bit 16 (LP_TVF_ANY_ORDER): the query reads no output column and has
** neither an ORDER BY nor a user_id constraint (COUNT(*)), so the read may
** leave the users in the order met (rule 10; tvf_user.c keeps rowids right).
**
** Bits from LP_TVF_ORDER_SHIFT up are the descriptor's own (xOrderBy).
*/
#ifndef LP_SQL_H
#define LP_SQL_H

#include "lp_journey.h"

/* ------------------------------------------------------------ arguments */

/* How an argument is read (lp_tvf.c checks it before any hook runs). */
typedef enum {
    LP_ARG_SOURCE,   /* table or view name: text, not NULL, not empty */
    LP_ARG_COLUMN,   /* column name: text, not NULL, not empty */
    LP_ARG_COLUMN_OR_NULL, /* column name, or NULL for none */
    LP_ARG_TIME,     /* a time value (rule 2) or NULL for none */
    LP_ARG_DAYS,     /* a number of days in [0, 1e9], or NULL for none */
    LP_ARG_CHOICE,   /* one of azChoice (case-insensitive) */
    LP_ARG_INT,      /* an integer in [iMin, iMax] */
    LP_ARG_VALUE     /* a text or a number, read as its text; NULL for none */
} lp_arg_kind;

typedef struct lp_arg {
    const char *zName;
    lp_arg_kind eKind;
    int isRequired;
    const char *zDefault;           /* text read back when absent (not LP_ARG_INT) */
    const char *const *azChoice;    /* LP_ARG_CHOICE: NULL-terminated; value = index */
    int64_t iMin, iMax, iDefault;   /* LP_ARG_INT */
} lp_arg;

/* An argument as decoded: set or not, and its value by kind. */
typedef struct lp_arg_value {
    int isSet;          /* given and not NULL */
    const char *z;      /* names; the text of choices */
    int64_t i;          /* LP_ARG_TIME: ms; LP_ARG_CHOICE: index; LP_ARG_INT */
    double r;           /* LP_ARG_DAYS */
} lp_arg_value;

/* Most arguments a function may declare (idxNum bits 0..13, lp_tvf.c; a
** function with more, which has no xOrderBy and no LP_TVF_USER_KEY, has
** its arguments 14 and up at bits LP_TVF_ORDER_SHIFT up: LP_TVF_ARG_BIT). */
#define LP_MAX_ARG 17
#define LP_TVF_ARG_BIT(j) ((j) < 14 ? 1 << (j) : 1 << (LP_TVF_ORDER_SHIFT + (j) - 14))

/*
** The arguments of every function that reads a source, in call order:
** positional source, user_col, program_col, time_col, segment_col; named
** since, until, within_days, ties, repeats, bad_times.
*/
enum {
    LP_ARG_I_SOURCE, LP_ARG_I_USER_COL, LP_ARG_I_PROGRAM_COL, LP_ARG_I_TIME_COL,
    LP_ARG_I_SEGMENT_COL, LP_ARG_I_SINCE, LP_ARG_I_UNTIL, LP_ARG_I_WITHIN_DAYS, LP_ARG_I_TIES,
    LP_ARG_I_REPEATS, LP_ARG_I_BAD_TIMES, LP_SOURCE_NARG
};
extern const lp_arg learnpath_source_args[LP_SOURCE_NARG];
/* Their declarations, for the argument tables of the functions (lp_tvf.c). */
extern const char *const learnpath_choices_ties[];
extern const char *const learnpath_choices_repeats[];
extern const char *const learnpath_choices_bad_times[];
#define LP_TVF_SOURCE_ARGS                                                           \
    {"source", LP_ARG_SOURCE, 1, NULL, NULL, 0, 0, 0},                               \
    {"user_col", LP_ARG_COLUMN, 0, "user_id", NULL, 0, 0, 0},                        \
    {"program_col", LP_ARG_COLUMN, 0, "program", NULL, 0, 0, 0},                     \
    {"time_col", LP_ARG_COLUMN, 0, "enrolled_at", NULL, 0, 0, 0},                    \
    {"segment_col", LP_ARG_COLUMN_OR_NULL, 0, NULL, NULL, 0, 0, 0},                  \
    {"since", LP_ARG_TIME, 0, NULL, NULL, 0, 0, 0},                                  \
    {"until", LP_ARG_TIME, 0, NULL, NULL, 0, 0, 0},                                  \
    {"within_days", LP_ARG_DAYS, 0, NULL, NULL, 0, 0, 0},                            \
    {"ties", LP_ARG_CHOICE, 0, "group", learnpath_choices_ties, 0, 0, 0},            \
    {"repeats", LP_ARG_CHOICE, 0, "collapse", learnpath_choices_repeats, 0, 0, 0},   \
    {"bad_times", LP_ARG_CHOICE, 0, "error", learnpath_choices_bad_times, 0, 0, 0}

/*
** The journey functions' arguments: learnpath_source_args, then named
** group_col (a column, or NULL for none) and group_value (rule 12: only the
** users whose group is this value). group_stats takes the first
** LP_GROUP_STATS_NARG of them (without group_col, every user is in no group).
*/
enum { LP_ARG_I_GROUP_COL = LP_SOURCE_NARG, LP_ARG_I_GROUP_VALUE, LP_GROUP_NARG };
#define LP_GROUP_STATS_NARG (LP_ARG_I_GROUP_COL + 1)
extern const lp_arg learnpath_group_args[LP_GROUP_NARG];

/*
** continuation_curve and continuation_stats (tvf_continuation.c):
** learnpath_group_args, then named observe_until (rule 17's E), conf_type,
** conf_level and (the curve only, last) at_days. continuation_stats shows
** conf_type as its last output column (LP_TVF_SHOW_ARG).
*/
enum {
    LP_ARG_I_OBSERVE_UNTIL = LP_GROUP_NARG, LP_ARG_I_CONF_TYPE, LP_ARG_I_CONF_LEVEL,
    LP_ARG_I_AT_DAYS, LP_KM_NARG
};
extern const lp_arg learnpath_km_curve_args[LP_KM_NARG];
extern const lp_arg learnpath_km_stats_args[LP_KM_NARG - 1];

/*
** next_program_incidence and continuation_cohorts (tvf_continuation.c,
** rules 20-21): learnpath_group_args, then named observe_until and a list
** of days: at_days (the incidence's), windows (the cohorts'); both
** default to '30,90,180,365'.
*/
enum { LP_ARG_I_DAY_LIST = LP_ARG_I_OBSERVE_UNTIL + 1, LP_KM_DAYS_NARG };
extern const lp_arg learnpath_km_incidence_args[LP_KM_DAYS_NARG];
extern const lp_arg learnpath_km_cohort_args[LP_KM_DAYS_NARG];

/*
** segment_compare and segment_cells (tvf_compare.c, rule 23):
** learnpath_group_args, then named observe_until (rule 17's E), conf_level
** (default 0.95), at_days (the horizon: one number of days, default 365)
** and compare_group (a group's value, or 'largest'). 17 arguments: those
** after the 14th take idxNum bits 18 up (LP_TVF_ARG_BIT).
*/
enum {
    LP_ARG_I_CMP_CONF_LEVEL = LP_ARG_I_OBSERVE_UNTIL + 1, LP_ARG_I_CMP_AT_DAYS,
    LP_ARG_I_COMPARE_GROUP, LP_CMP_NARG
};
extern const lp_arg learnpath_cmp_args[LP_CMP_NARG];

/* ------------------------------------------------------------ the frame */

typedef struct lp_tvf lp_tvf;

typedef struct lp_tvf_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    lp_conn *pConn;
    const lp_tvf *pDesc;
    int isUtf8;          /* the database's text is UTF-8 (learnpath's order of text) */
    int allowsViews;     /* reads a source, connected while pConn->allowViews was set:
                         ** not SQLITE_VTAB_DIRECTONLY (lp_tvf.c, "Trust") */
} lp_tvf_vtab;

/*
** The part of every cursor the frame owns; a function's cursor struct
** begins with it (lp_tvf.szCursor is the whole size).
*/
typedef struct lp_tvf_cursor {
    sqlite3_vtab_cursor base;
    lp_tvf_vtab *pTab;
    sqlite3_value *apArg[LP_MAX_ARG]; /* copies of the arguments given */
    lp_arg_value aVal[LP_MAX_ARG];    /* decoded (texts point into apArg) */
    lp_source_spec src;               /* LP_TVF_SOURCE: the source arguments */
    lp_shape_spec shape;              /*   and the shaping ones */
    sqlite3_int64 iRowid;             /* the row's number from 0; the hooks may set it */
    sqlite3_value *pUserKey;          /* during xFilter, with LP_TVF_USER_EQ: the user_id
                                      ** value, or with LP_TVF_USER_IN the IN list */
} lp_tvf_cursor;

/* lp_tvf.flags */
#define LP_TVF_SOURCE 1     /* reads a source: learnpath_source_args, depth guard, and
                            ** SQLITE_VTAB_DIRECTONLY unless the connection allows views */
#define LP_TVF_INNOCUOUS 2  /* safe in any schema (SQLITE_VTAB_INNOCUOUS) */
#define LP_TVF_USER_KEY 0x10 /* output column 0 is user_id: plans take user_id = x */
/* Argument j is an output column too, after the function's own: not HIDDEN
** (so not positional), and a choice reads back as its declaration spells it. */
#define LP_TVF_SHOW_ARG(j) ((unsigned)((j) + 1) << 8)
#define LP_TVF_SHOWN_ARG(flags) ((int)(((flags) >> 8) & 0xff) - 1) /* -1: none */

/* idxNum: user_id = x (or IS x, IN (...)) given, its value last in argv. */
#define LP_TVF_USER_EQ (1 << 14)
/* idxNum: ... and it is the whole IN list (sqlite3_vtab_in_first). */
#define LP_TVF_USER_IN (1 << 15)
/* Bit 16: the query reads no output column, has no ORDER BY and no user_id
** constraint (COUNT(*), a paging host's count): the rows' order cannot be
** seen, so a read need not put the users in user_id order (a rowid, if
** read, is still a row's place in user_id order: tvf_user.c). */
#define LP_TVF_ANY_ORDER (1 << 16)

/* idxNum bits from here up are the descriptor's (xOrderBy). */
#define LP_TVF_ORDER_SHIFT 18

struct lp_tvf {
    const char *zName;
    const char *zColumns;    /* output columns, as in CREATE TABLE x(...) */
    int nOut;                /* how many */
    const lp_arg *aArg;      /* arguments, in call order (hidden columns) */
    int nArg;
    unsigned flags;          /* LP_TVF_* */
    double rCost;            /* the plan's estimatedCost and estimatedRows */
    sqlite3_int64 nRowEst;
    size_t szCursor;         /* size of the function's cursor */
    /* Optional: ORDER BY bits of idxNum (LP_TVF_ORDER_SHIFT up), setting
    ** orderByConsumed when the rows come in that order; or other bits of
    ** the plan the descriptor reads in xFilter (tvf_aggregate.c: whether a
    ** median is read, from colUsed). */
    int (*xOrderBy)(const lp_tvf_vtab *pTab, sqlite3_index_info *pInfo);
    /* Arguments checked (and, with LP_TVF_SOURCE, src and shape set):
    ** lay out the first row. */
    int (*xFilter)(lp_tvf_cursor *pCur, int idxNum, char **pzErr);
    int (*xNext)(lp_tvf_cursor *pCur, char **pzErr);
    int (*xEof)(lp_tvf_cursor *pCur);
    /* Output column i < nOut of the current row. */
    int (*xColumn)(lp_tvf_cursor *pCur, sqlite3_context *ctx, int i);
    /* Release what xFilter made (before another xFilter, and at close). */
    void (*xReset)(lp_tvf_cursor *pCur);
    /* Optional: the current row's number from 0, for rows whose number
    ** the hook knows better than iRowid (which *piRow holds on entry). */
    int (*xRowid)(lp_tvf_cursor *pCur, sqlite3_int64 *piRow, char **pzErr);
    /* Optional: release what a cursor keeps across xFilter calls (at close,
    ** after xReset). */
    void (*xClose)(lp_tvf_cursor *pCur);
};

/* The one module of every table-valued function; pAux is an lp_tvf_bind. */
extern const sqlite3_module learnpath_tvf_module;

/* What a module registration carries: the descriptor and the connection. */
typedef struct lp_tvf_bind {
    const lp_tvf *pDesc;
    lp_conn *pConn;
} lp_tvf_bind;

/*
** Step pStmt, a query a function runs on its own behalf that reads the
** function's source itself (first_program asking SQLite for its rows in
** another order): the source is then read by the nested call, not by this
** one, so this call leaves the chain of sources being read (the nesting
** guard of lp_tvf.c) while it steps. It still counts towards the depth.
*/
int learnpath_tvf_step_delegate(lp_tvf_cursor *pCur, sqlite3_stmt *pStmt);

/*
** For a function that reads a source: open its users (in user_id order,
** from the cache or the stream) and a shaper over them with the call's
** shaping. On error the two may be half made: learnpath_users_close and
** learnpath_shaper_free release them either way (both take zeroed ones).
*/
int learnpath_tvf_open_journeys(lp_tvf_cursor *pCur, lp_users *pIt, lp_shaper *pSh,
                                char **pzErr);
/*
** An aggregate whose rows passed the memory budget beside the data in
** memory (LP_RC_OVER_BUDGET): the data leaves the cache, and pIt and pSh
** are opened again over the users streamed from SQLite's sorter, beside
** the names alone (lp_read.h, "THE MEMORY BUDGET"). Released as above.
*/
int learnpath_tvf_reopen_streaming(lp_tvf_cursor *pCur, lp_users *pIt, lp_shaper *pSh,
                                   char **pzErr);

/* Results of the SQL layer's common column values. */
/* Text z of n bytes followed by a NUL (z[n] == 0), copied by SQLite; told
** to SQLite as NUL-terminated when no NUL is inside it (isNulFree: known
** without looking, lp_shaper.isNulFree). */
void learnpath_result_text_nul(sqlite3_context *ctx, const char *z, int n, int isNulFree);
void learnpath_result_key(sqlite3_context *ctx, const lp_data *pD, const lp_key *k);
void learnpath_result_label(sqlite3_context *ctx, const lp_shaper *pSh, uint32_t label);
/* A segment of pD (pSh: the shaper of the rows, for isNulFree). */
void learnpath_result_segment(sqlite3_context *ctx, const lp_shaper *pSh, const lp_data *pD,
                              uint32_t seg);
void learnpath_result_time(sqlite3_context *ctx, int64_t ms);
void learnpath_result_days(sqlite3_context *ctx, int64_t msFrom, int64_t msTo);

/* ------------------------------------------------- the functions (registry) */

extern const lp_tvf learnpath_tvf_first_program;
extern const lp_tvf learnpath_tvf_program_journeys;
extern const lp_tvf learnpath_tvf_program_steps;
extern const lp_tvf learnpath_tvf_program_transitions;
extern const lp_tvf learnpath_tvf_first_program_stats;
extern const lp_tvf learnpath_tvf_program_popularity;
extern const lp_tvf learnpath_tvf_first_program_monthly;
extern const lp_tvf learnpath_tvf_group_stats;
extern const lp_tvf learnpath_tvf_enrollment_profile;
extern const lp_tvf learnpath_tvf_sample_enrollments;
extern const lp_tvf learnpath_tvf_continuation_curve;
extern const lp_tvf learnpath_tvf_continuation_stats;
extern const lp_tvf learnpath_tvf_next_program_incidence;
extern const lp_tvf learnpath_tvf_continuation_cohorts;
extern const lp_tvf learnpath_tvf_segment_compare;
extern const lp_tvf learnpath_tvf_segment_cells;

void learnpath_fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_cache_clear(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_cache_limit(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_memory_budget(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_threads(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_allow_views(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_report_setting(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_is_flagship(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_flagship_name(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* ------------------------------------------------------------ the registry */

/*
** What learnpath registers, as tables (learnpath.c): the entry point loops
** over them, and the tests compare them with pragma_module_list and
** pragma_function_list and run their batteries over every entry.
*/
typedef struct lp_fn_entry {
    const char *zName;
    int nArgMin, nArgMax;    /* registered once per argument count; -1: any */
    int eFlags;              /* SQLITE_UTF8 | ... */
    int takesConn;           /* LP_FN_CONN: its user data is the connection's lp_conn;
                             ** LP_FN_OWNS_CONN: and it owns it (see below) */
    void (*xFunc)(sqlite3_context *, int, sqlite3_value **);
    void (*xStep)(sqlite3_context *, int, sqlite3_value **);
    void (*xFinal)(sqlite3_context *);
    int isInternal;          /* learnpath's own use only: not documented */
} lp_fn_entry;

/* lp_fn_entry.takesConn */
#define LP_FN_CONN 1
#define LP_FN_OWNS_CONN 2

extern const lp_tvf *const learnpath_registry_tvf[];
extern const int learnpath_registry_ntvf;
extern const lp_fn_entry learnpath_registry_fn[];
extern const int learnpath_registry_nfn;

/*
** Who owns the connection's state: the one entry with LP_FN_OWNS_CONN
** (learnpath_allow_views, one argument count) is registered first, with a
** destructor, and SQLite frees the state with that function, when the
** connection closes (after its last statement). Nothing else frees it: the
** modules are registered without a destructor and may be registered again.
**
** learnpath_registry_modules (learnpath.c, which knows the registry)
** registers every table-valued function of the registry on db for pConn,
** again if they are registered already: SQLite then drops each function's
** eponymous table, so the next statement that names it connects it afresh
** (lp_tvf.c decides its risk level there, from pConn->allowViews). A
** statement prepared before keeps its own table until it is prepared again.
** On failure *pzFailed names the function.
*/
int learnpath_registry_modules(sqlite3 *db, lp_conn *pConn, const char **pzFailed);

#endif /* LP_SQL_H */
