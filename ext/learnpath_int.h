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
/* A TEXT with '-' at offsets 4 and 7 (never a number): no SQLite call. */
lp_time_status learnpath_parse_time_text(const char *z, int n, int64_t *pMs);

/*
** Write the instant as "YYYY-MM-DD HH:MM:SS" (UTC, rule 10) into zOut, which
** must hold at least LP_TIME_BUFSZ bytes. Years before 1 print as -YYYY.
*/
#define LP_TIME_BUFSZ 32
void learnpath_format_time(int64_t ms, char *zOut);

/* -------------------------------------------------------------- engine */

#define LP_NONE 0xffffffffu /* "no label" (no segment, no next program) */
#define LP_GROUP_BIT 0x80000000u /* a step label with this bit is a tie group */

/* Interned byte strings: programs, tie-group labels, segments. */
typedef struct lp_strtab {
    char *aByte;       /* all strings, each followed by a NUL */
    int64_t nByte, nByteAlloc;
    int64_t *aOff;     /* aOff[i] = start of string i in aByte */
    int *aLen;         /* aLen[i] = its length in bytes */
    uint32_t n, nAlloc;
    uint32_t *aSlot;   /* open-addressing table of index+1, 0 = empty */
    uint32_t nSlot;    /* a power of two, at least 2*n */
} lp_strtab;

/* String i of a table, NUL-terminated; valid until the table changes. */
#define LP_STR(pTab, i) ((pTab)->aByte + (pTab)->aOff[i])
#define LP_STRLEN(pTab, i) ((pTab)->aLen[i])

int learnpath_strtab_intern(lp_strtab *pTab, const char *z, int n, uint32_t *piOut);
/* Can a name of n bytes be added without allocating? */
int learnpath_strtab_has_room(const lp_strtab *pTab, int n);
/* Make room for nName more names of nByte bytes in all. */
int learnpath_strtab_reserve(lp_strtab *pTab, uint32_t nName, int64_t nByte);

/*
** Sort the numbers 0..n-1 by xCmp(pCtx, a, b) (stable bottom-up merge sort,
** n log n) into *paOut (caller frees with sqlite3_free).
*/
int learnpath_sort_index(uint32_t n, int (*xCmp)(void *, uint32_t, uint32_t), void *pCtx,
                         uint32_t **paOut);
void learnpath_strtab_free(lp_strtab *pTab);
int learnpath_bytes_cmp(const char *a, int na, const char *b, int nb);

/* How enrollments at the same instant are treated (rule 4). */
typedef enum { LP_TIES_GROUP = 0, LP_TIES_NAME = 1 } lp_ties;
/* How a program taken again is treated (rule 5). */
typedef enum { LP_REPEATS_COLLAPSE = 0, LP_REPEATS_KEEP = 1, LP_REPEATS_FIRST_ONLY = 2 } lp_repeats;

/* What a journey function reads (the source part of its arguments). */
typedef struct lp_source_spec {
    const char *zFunc;       /* SQL name of the calling function, for messages */
    const char *zSource;     /* table or view, optionally schema-qualified */
    const char *zUserCol;
    const char *zProgramCol;
    const char *zTimeCol;
    const char *zSegmentCol; /* NULL: no segment */
    int skipBadTimes;        /* bad_times = 'skip' */
    int64_t nBudget;         /* most bytes to hold in memory; 0 = no limit */
    int nThreads;            /* threads the read may use (learnpath_threads) */
} lp_source_spec;

/* How journeys are shaped from the enrollments (rules 4-8). */
typedef struct lp_shape_spec {
    int hasSince, hasUntil, hasWithin;
    int64_t since, until;    /* instants in ms (see lp_time.c) */
    double withinDays;
    lp_ties ties;
    lp_repeats repeats;
} lp_shape_spec;

/* A user's identity: the SQL value (rule 3). 16 bytes. */
typedef struct lp_key {
    union {
        int64_t i;           /* INTEGER, or FLOAT holding an integral value */
        double r;            /* FLOAT */
        int64_t off;         /* TEXT/BLOB: offset of the bytes in lp_data.aKeyByte */
    } v;
    int n;                   /* TEXT/BLOB: length in bytes */
    unsigned char eType;     /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB */
    unsigned char isIntegral;/* FLOAT whose value is v.i (compares as an integer) */
} lp_key;

/* The first few unreadable time values met (for enrollment_profile). */
#define LP_BAD_SAMPLES 5

/*
** Everything read from one source, independent of how journeys are shaped:
** each user's enrollments lie together, sorted by time and program name.
** Immutable once built; shared (reference-counted) by cursors and the
** per-connection cache.
*/
typedef struct lp_data {
    int nRef;
    lp_strtab programs;
    lp_strtab segments;
    char *aKeyByte;          /* bytes of text and blob user ids */
    int64_t nKeyByte, nKeyByteAlloc;
    lp_key *aKey;            /* per user, in order of first appearance */
    uint32_t nUser, nUserAlloc;
    uint32_t *aFirst;        /* user u's enrollments: [aFirst[u], aFirst[u+1]) */
    int64_t *aT;             /* per enrollment: time in ms */
    uint32_t *aProg;         /* per enrollment: program */
    uint32_t *aSeg;          /* per enrollment: segment or LP_NONE; NULL if none */
    uint32_t nEv, nEvAlloc;
    uint32_t *aOrder;        /* users in user_id order; NULL = creation order */
    uint32_t *aRank;         /* program -> place in name order */
    /* what reading found (rule 1 and rule 2 counts, for enrollment_profile) */
    int64_t nRowRead;
    int64_t nSkipUser, nSkipProgram, nSkipTime, nBadTime;
    int nBadSample;
    char *azBadSample[LP_BAD_SAMPLES];      /* the values, quoted for display */
    int64_t aBadRowid[LP_BAD_SAMPLES];     /* their rowids, or -1 */
    int hasRowid;
    int isCacheable;         /* reads no virtual table (lp_cache.c) */
    void *pMemo;             /* results computed from this data (lp_journeys.c) */
    void (*xMemoFree)(void *); /* frees pMemo with the data */
    int64_t nByteUsed;       /* approximate heap held */
} lp_data;

/* The user at position i of user_id order. */
#define LP_USER_AT(pData, i) ((pData)->aOrder ? (pData)->aOrder[i] : (uint32_t)(i))

/* learnpath_data_read's answer when the source needs more than nBudget. */
#define LP_OVER_BUDGET 0x7f01

/*
** Read the source once and build *ppData (nRef = 1). Returns LP_OVER_BUDGET
** (and no data) if holding it would pass p->nBudget. On error returns an
** SQLite code and sets *pzErr to a message from sqlite3_mprintf that names
** the function (the caller frees it).
*/
int learnpath_data_read(sqlite3 *db, const lp_source_spec *p, lp_data **ppData, char **pzErr);
/*
** Tune the read's helper thread (tests): rows read before it starts, and a
** batch's most rows and text bytes; an argument out of range restores its
** default. Process-wide; not for use while a read is in progress.
*/
void learnpath_build_tune(int nAfter, int nRows, int nBytes);
void learnpath_data_unref(lp_data *pData);

/* Compare two user keys of pData in SQL (BINARY) order. */
int learnpath_key_cmp(const lp_data *pData, const lp_key *a, const lp_key *b);

/* One step of a journey: a program or tie group, and when it started. */
typedef struct lp_step {
    int64_t t;
    uint32_t label;          /* a program, or LP_GROUP_BIT | tie group */
} lp_step;

/*
** Turns a user's enrollments into a journey by rules 4-8. Tie-group labels
** are interned here (label = LP_GROUP_BIT | group number), so the labels of
** one shaper are stable across the users it shapes, even while the source's
** program table grows (streaming).
*/
typedef struct lp_shaper {
    const lp_data *pData;
    const lp_shape_spec *pSpec;
    int ignoreSegments;      /* the data has segments the query did not ask for */
    lp_strtab groups;        /* tie-group labels */
    uint32_t *aMemberOff;    /* group g's members: aMember[aMemberOff[g]..[g+1]) */
    uint32_t *aMember;
    uint32_t nMember, nMemberAlloc, nMemberOffAlloc;
    uint32_t *aSeen;         /* per program: stamp of the user who took it */
    uint32_t *aCounted;      /* per program: stamp, for distinct counts */
    uint32_t nMark;          /* entries of aSeen and aCounted */
    uint32_t stamp;
    char *zLabel;            /* scratch for a tie-group label */
    int64_t nLabelAlloc;
    uint32_t *aScratch;      /* scratch: enrollment indexes of one user */
    uint32_t nScratchAlloc;
    /* the journey of the last user shaped */
    lp_step *aStep;
    uint32_t nStep, nStepAlloc;
    uint32_t segment;        /* rule 6; LP_NONE if none */
    int tied;                /* rule 4 */
    uint32_t nProgram;       /* distinct programs, tie groups counting members */
} lp_shaper;

int learnpath_shaper_init(lp_shaper *pSh, const lp_data *pData, const lp_shape_spec *pSpec);
void learnpath_shaper_free(lp_shaper *pSh);
/* Shape user u. *pKeep = 0 when rule 7 leaves the user out. */
int learnpath_shape_user(lp_shaper *pSh, uint32_t u, int *pKeep);
/* Text of a label. */
const char *learnpath_label(const lp_shaper *pSh, uint32_t label, int *pnByte);

/*
** The users of a source in user_id order, one at a time. In memory, pData
** holds every user (shared through the cache); when the source needs more
** than the memory budget, the rows stream from SQLite's sorter
** (ORDER BY user) and pData holds the current user only. Either way the
** current user is pData's user u.
*/
typedef struct lp_stream lp_stream;
typedef struct lp_users {
    lp_data *pData;
    lp_stream *pStream;      /* NULL in memory */
    uint32_t iPos;           /* in memory: position in user_id order */
    uint32_t u;              /* the current user in pData */
    int eof;
} lp_users;

typedef struct lp_conn lp_conn;
/* Open at the first user. On error sets *pzErr (the caller frees it). */
int learnpath_users_open(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                         char **pzErr);
int learnpath_users_next(lp_users *pIt, char **pzErr);
void learnpath_users_close(lp_users *pIt);

/* --------------------------------------------------------- registration */

/* Threads a source's read uses unless learnpath_threads() says otherwise. */
#define LP_THREADS_DEFAULT 2

/* Default most bytes the per-connection cache keeps (learnpath_cache_limit). */
#define LP_CACHE_DEFAULT_LIMIT ((int64_t)2048 * 1024 * 1024)

/* Per-connection state shared by the table-valued functions. */
typedef struct lp_cache_entry lp_cache_entry;
struct lp_conn {
    int nDepth;              /* nesting of source reads in progress (recursion guard) */
    lp_cache_entry *pCache;  /* most recently used first (lp_cache.c) */
    int64_t nCacheByte;      /* heap held by cached entries */
    int64_t nCacheLimit;     /* most heap the cache may hold */
    int64_t nMemoryBudget;   /* most heap one source may take; 0 = no limit */
    int nThreads;            /* threads a read may use: 1 or 2 (learnpath_threads) */
};

/*
** The per-connection cache of source data (lp_cache.c). learnpath_cache_get
** returns a new reference to valid cached data for the spec, or reads the
** source and caches the result when that is safe.
*/
int learnpath_cache_get(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_data **ppData,
                        char **pzErr);
void learnpath_cache_clear(lp_conn *pConn);
/* The streaming reader behind learnpath_users_open (lp_build.c). */
int learnpath_stream_open(sqlite3 *db, const lp_source_spec *p, lp_users *pIt, char **pzErr);
int learnpath_stream_next(lp_users *pIt, char **pzErr);
void learnpath_stream_close(lp_users *pIt);
int learnpath_register_cache(sqlite3 *db, lp_conn *pConn);
int learnpath_register_build(sqlite3 *db); /* lp_build.c: the reader function */

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

/*
** A value as error messages show it: in single quotes (quotes inside
** doubled), cut after LP_QUOTE_MAX bytes at a character boundary and
** marked '...'; NULL shows as NULL. From sqlite3_mprintf (caller frees);
** NULL when out of memory.
*/
#define LP_QUOTE_MAX 80
char *learnpath_quote(const char *z);

#endif /* LEARNPATH_INT_H */
