/*
** lp_sql.h - the SQL layer: what SQL sees of learnpath.
**
**   lp_tvf.c          the frame every table-valued function shares
**   tvf_user.c        first_program, program_journeys, program_steps
**   tvf_aggregate.c   program_transitions, first_program_stats
**   tvf_profile.c     enrollment_profile
**   tvf_sample.c      sample_enrollments
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
** Planning (as SQLite's series.c): every usable '=' constraint on a hidden
** column (the first one of each) gets argvIndex 1..n in column order and
** sets bit i of idxNum for argument i. No constraint at all on a required
** argument is an error that names it; a constraint that is not usable in
** this plan answers SQLITE_CONSTRAINT so SQLite tries another join order.
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
    LP_ARG_INT       /* an integer in [iMin, iMax] */
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

/* Most arguments a function may declare. */
#define LP_MAX_ARG 16

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

/* ------------------------------------------------------------ the frame */

typedef struct lp_tvf lp_tvf;

typedef struct lp_tvf_vtab {
    sqlite3_vtab base;
    sqlite3 *db;
    lp_conn *pConn;
    const lp_tvf *pDesc;
    int isUtf8;          /* the database's text is UTF-8 (learnpath's order of text) */
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
} lp_tvf_cursor;

/* lp_tvf.flags */
#define LP_TVF_SOURCE 1     /* reads a source: learnpath_source_args, depth guard */
#define LP_TVF_INNOCUOUS 2  /* safe in any schema (SQLITE_VTAB_INNOCUOUS) */

/* idxNum bits from here up are the descriptor's (xOrderBy). */
#define LP_TVF_ORDER_SHIFT 16

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
    ** orderByConsumed when the rows come in that order. */
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

/* Results of the SQL layer's common column values. */
void learnpath_result_key(sqlite3_context *ctx, const lp_data *pD, const lp_key *k);
void learnpath_result_label(sqlite3_context *ctx, const lp_shaper *pSh, uint32_t label);
void learnpath_result_segment(sqlite3_context *ctx, const lp_data *pD, uint32_t seg);
void learnpath_result_time(sqlite3_context *ctx, int64_t ms);
void learnpath_result_days(sqlite3_context *ctx, int64_t msFrom, int64_t msTo);

/* ------------------------------------------------- the functions (registry) */

extern const lp_tvf learnpath_tvf_first_program;
extern const lp_tvf learnpath_tvf_program_journeys;
extern const lp_tvf learnpath_tvf_program_steps;
extern const lp_tvf learnpath_tvf_program_transitions;
extern const lp_tvf learnpath_tvf_first_program_stats;
extern const lp_tvf learnpath_tvf_enrollment_profile;
extern const lp_tvf learnpath_tvf_sample_enrollments;

void learnpath_fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_cache_clear(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_cache_limit(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_memory_budget(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_fn_threads(sqlite3_context *ctx, int argc, sqlite3_value **argv);

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
    int takesConn;           /* its user data is the connection's lp_conn */
    void (*xFunc)(sqlite3_context *, int, sqlite3_value **);
    void (*xStep)(sqlite3_context *, int, sqlite3_value **);
    void (*xFinal)(sqlite3_context *);
    int isInternal;          /* learnpath's own use only: not documented */
} lp_fn_entry;

extern const lp_tvf *const learnpath_registry_tvf[];
extern const int learnpath_registry_ntvf;
extern const lp_fn_entry learnpath_registry_fn[];
extern const int learnpath_registry_nfn;

#endif /* LP_SQL_H */
