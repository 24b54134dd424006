/*
** learnpath_int.h - internal declarations shared by the files of learnpath.
**
** Every .c file of the extension except learnpath.c includes this header.
** It pulls in sqlite3ext.h with SQLITE_EXTENSION_INIT3, so the same sources
** build both as a loadable extension (the API is reached through the table
** the host passes to sqlite3_learnpath_init) and, with -DSQLITE_CORE, as
** ordinary code linked into a host program (the unit tests do that).
**
** Naming: non-static symbols start with learnpath_ (they live in one shared
** object and must not clash); statics carry the prefix of their file.
** Memory: only sqlite3_malloc64/sqlite3_realloc64/sqlite3_free/
** sqlite3_mprintf; every allocation is checked.
*/
#ifndef LEARNPATH_INT_H
#define LEARNPATH_INT_H

#include <sqlite3ext.h>
#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT3
#endif

#include <stddef.h>
#include <stdint.h>

#ifndef LEARNPATH_VERSION
#define LEARNPATH_VERSION "0.1.0"
#endif

/* Lowest SQLite accepted at run time (3.31: trusted_schema, vtab_config). */
#define LEARNPATH_MIN_SQLITE 3031000

/* ---------------------------------------------------------------- time */

/*
** Instants are kept as SQLite does internally: integer milliseconds since
** the Julian-day epoch (julianday(x) * 86400000). LP_MS_PER_DAY converts.
*/
#define LP_MS_PER_DAY 86400000.0

/* Result of learnpath_parse_time(). */
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
int learnpath_parse_time_value(sqlite3_value *pVal, lp_time_status *pStatus,
                               int64_t *pMs);

/* The same for column iCol of a statement that has a row. */
int learnpath_parse_time_column(sqlite3_stmt *pStmt, int iCol, lp_time_status *pStatus,
                                int64_t *pMs);

/* The same for a number stored as INTEGER or REAL. */
lp_time_status learnpath_parse_time_number(double r, int64_t *pMs);

/*
** Write the instant as "YYYY-MM-DD HH:MM:SS" (UTC, rule 10) into zOut, which
** must hold at least LP_TIME_BUFSZ bytes. Years before 1 print as -YYYY.
*/
#define LP_TIME_BUFSZ 32
void learnpath_format_time(int64_t ms, char *zOut);

/* -------------------------------------------------------------- engine */

#define LP_NONE 0xffffffffu /* "no label" (no segment, no next program) */

/* Interned byte strings: programs, tie-group labels, segments. */
typedef struct lp_strtab {
    char *aByte;       /* all strings, each followed by a NUL */
    int64_t nByte, nByteAlloc;
    int64_t *aOff;     /* aOff[i] = start of string i in aByte */
    int *aLen;         /* aLen[i] = its length in bytes */
    uint32_t *aHash;   /* aHash[i] = its hash */
    uint32_t n, nAlloc;
    uint32_t *aSlot;   /* open-addressing table of index+1, 0 = empty */
    uint32_t nSlot;    /* a power of two, at least 2*n */
} lp_strtab;

/* String i of a table, NUL-terminated; valid until the table changes. */
#define LP_STR(pTab, i) ((pTab)->aByte + (pTab)->aOff[i])
#define LP_STRLEN(pTab, i) ((pTab)->aLen[i])

/* How enrollments at the same instant are treated (rule 4). */
typedef enum { LP_TIES_GROUP = 0, LP_TIES_NAME = 1 } lp_ties;
/* How a program taken again is treated (rule 5). */
typedef enum { LP_REPEATS_COLLAPSE = 0, LP_REPEATS_KEEP = 1, LP_REPEATS_FIRST_ONLY = 2 } lp_repeats;

/* What a journey function reads and how it shapes journeys. */
typedef struct lp_params {
    const char *zFunc;       /* SQL name of the calling function, for messages */
    const char *zSource;     /* table or view, optionally schema-qualified */
    const char *zUserCol;
    const char *zProgramCol;
    const char *zTimeCol;
    const char *zSegmentCol; /* NULL: no segment */
    int hasSince, hasUntil, hasWithin;
    int64_t since, until;    /* instants in ms (see lp_time.c) */
    double withinDays;
    lp_ties ties;
    lp_repeats repeats;
} lp_params;

/* A user's identity: the SQL value (rule 3). */
typedef struct lp_key {
    int eType;       /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB */
    int isIntegral;  /* FLOAT holding an integer value: compares as iVal */
    int64_t iVal;    /* INTEGER, or integral FLOAT */
    double rVal;     /* FLOAT */
    int64_t iOff;    /* TEXT/BLOB: offset of the bytes in lp_journeys.aKeyByte */
    const char *z;   /* TEXT/BLOB: the bytes, once reading is over */
    int n;           /* TEXT/BLOB: length in bytes */
} lp_key;

/* One step of a journey: a program (or tie group) and when it started. */
typedef struct lp_step {
    uint32_t label;  /* index in lp_journeys.labels */
    int64_t t;       /* start, ms */
} lp_step;

typedef struct lp_user {
    lp_key key;
    uint32_t segment;   /* index in lp_journeys.segments, or LP_NONE */
    uint32_t iStep;     /* first step in lp_journeys.aStep */
    uint32_t nStep;     /* steps in the journey (>= 1) */
    uint32_t nProgram;  /* distinct programs among the steps */
    int tied;           /* first instant holds more than one program */
} lp_user;

/* The journeys of every user of a source, in user_id order. */
typedef struct lp_journeys {
    lp_strtab labels;     /* programs and tie-group labels */
    lp_strtab segments;
    char *aKeyByte;       /* text/blob user ids */
    int64_t nKeyByte, nKeyByteAlloc;
    lp_user *aUser;
    uint32_t nUser;
    lp_step *aStep;
    int64_t nStep;
    /* what reading found (for messages and future profiling) */
    int64_t nRowRead;
    int64_t nRowSkipped;  /* rule 1 */
} lp_journeys;

/*
** Read the source named by p and build every user's journey into *pOut
** (which the caller zeroed; free it with learnpath_journeys_free, also on
** error). On error returns an SQLite code and sets *pzErr to a message
** from sqlite3_mprintf that names the function (caller frees).
*/
int learnpath_journeys_build(sqlite3 *db, const lp_params *p, lp_journeys *pOut,
                             char **pzErr);
void learnpath_journeys_free(lp_journeys *pJ);

/* Compare two user keys in SQL (BINARY) order: numbers, then text, then blob. */
int learnpath_key_cmp(const lp_key *a, const lp_key *b);

/* Helpers shared with the function layer. */
int learnpath_strtab_intern(lp_strtab *pTab, const char *z, int n, uint32_t *piOut);
void learnpath_strtab_free(lp_strtab *pTab);
int learnpath_bytes_cmp(const char *a, int na, const char *b, int nb);

/* --------------------------------------------------------- registration */

/* Per-connection state shared by the table-valued functions. */
typedef struct lp_conn lp_conn;
struct lp_conn {
    int nDepth; /* nesting of source reads in progress (recursion guard) */
};

int learnpath_register_journeys(sqlite3 *db, lp_conn *pConn,
                                void (*xFree)(void *));
int learnpath_register_sample(sqlite3 *db);
int learnpath_register_svg(sqlite3 *db); /* lp_svg.c: chart aggregates */

/* ---------------------------------------------------------------- misc */

/*
** Replace the error message of a virtual table (freeing any old one) with
** a printf-style message. Always returns SQLITE_ERROR, or SQLITE_NOMEM if
** the message could not be allocated.
*/
int learnpath_vtab_error(sqlite3_vtab *pVtab, const char *zFmt, ...);

#endif /* LEARNPATH_INT_H */
