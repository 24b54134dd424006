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

/* The same for a NUL-terminated text (no numeric storage class). */
lp_time_status learnpath_parse_time_text(const char *z, int64_t *pMs);

/* The same for a number stored as INTEGER or REAL. */
lp_time_status learnpath_parse_time_number(double r, int64_t *pMs);

/*
** Write the instant as "YYYY-MM-DD HH:MM:SS" (UTC, rule 10) into zOut, which
** must hold at least LP_TIME_BUFSZ bytes. Years before 1 print as -YYYY.
*/
#define LP_TIME_BUFSZ 32
void learnpath_format_time(int64_t ms, char *zOut);

/* --------------------------------------------------------- registration */

/* Per-connection state shared by the table-valued functions. */
typedef struct lp_conn lp_conn;
struct lp_conn {
    int nDepth; /* nesting of source reads in progress (recursion guard) */
};

int learnpath_register_journeys(sqlite3 *db, lp_conn *pConn,
                                void (*xFree)(void *));
int learnpath_register_sample(sqlite3 *db);

/* ---------------------------------------------------------------- misc */

/*
** Replace the error message of a virtual table (freeing any old one) with
** a printf-style message. Always returns SQLITE_ERROR, or SQLITE_NOMEM if
** the message could not be allocated.
*/
int learnpath_vtab_error(sqlite3_vtab *pVtab, const char *zFmt, ...);

#endif /* LEARNPATH_INT_H */
