/*
** lp_read.h - the read layer: a source -> the enrollments of each user
** (rules 1-3, 11 and 13 of README.md).
**
**   lp_source.c       name -> a quoted SELECT; column checks; may it be cached?
**   lp_read_query.c   a query as the source (rule 13): checked, read as a subquery
**   lp_read.c         the one pass: decode rows, find users, keep enrollments
**   lp_read_thread.c  the helper thread that keeps rows while SQLite scans
**   lp_read_users.c   user keys, their order, the hash table of users
**   lp_read_group.c   after the pass: users in user_id order, group, sort
**   lp_read_order.c   the user_id order itself, by radix
**   lp_stream.c       the over-budget path: users one at a time, in user order
**   lp_cache.c        what a source held, per connection, while still valid
**   lp_users.c        iterating users, from memory (the cache) or the stream
**
** Everything here reports errors as a code and a message without a
** function name in front (*pzErr, from sqlite3_mprintf); the SQL layer adds
** "func(): " once. LP_RC_NESTED means the message came whole from a
** learnpath function nested in the source (a view over one).
*/
#ifndef LP_READ_H
#define LP_READ_H

#include "lp_base.h"

/* What a function reads (the source part of its arguments). */
typedef struct lp_source_spec {
    const char *zSource;     /* table or view, optionally schema-qualified, or a
                             ** query (rule 13, learnpath_source_is_query) */
    const char *zUserCol;
    const char *zProgramCol;
    const char *zTimeCol;
    const char *zSegmentCol; /* NULL: no segment */
    int skipBadTimes;        /* bad_times = 'skip' */
    int64_t nBudget;         /* most bytes to hold in memory; 0 = no limit */
    int nThreads;            /* threads the read may use (learnpath_threads) */
    int anyOrder;            /* the caller needs no user_id order (an aggregate,
                             ** COUNT(*)): a read may leave the users in the order
                             ** first met (lp_data.isUnordered); not a cache key */
    const struct lp_conn *pConn; /* its zLastError tells a nested learnpath
                             ** function's message from SQLite's; or NULL */
    const char *zGroupCol;   /* group_col, or NULL: no group (rule 12) */
    const char *zGroupValue; /* group_value: keep only the users of that group */
    int nGroupValue;         /*   its bytes; not a cache key (lp_users.c) */
    int wantGroups;          /* group_stats: each user's group (lp_users.group) */
    int isGroupRead;         /* zSegmentCol is group_col (names it in messages) */
    int readGroup;           /* read zGroupCol in the same pass as the rest, into
                             ** lp_data.aUserGroup: in memory, with no budget
                             ** (lp_users.c); a cache key, with zGroupCol */
} lp_source_spec;

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

/* Slots of results kept with a source's data (lp_data.apMemo). */
#define LP_MEMO_N 6

/* The first few unreadable time values met (for enrollment_profile). */
#define LP_BAD_SAMPLES 5

/*
** Everything read from one source, independent of how journeys are shaped:
** each user's enrollments lie together, sorted by time, program name and
** segment name. Immutable once built (but for pNumText, made once when
** first needed); shared (reference-counted) by cursors and the
** per-connection cache.
*/
typedef struct lp_data {
    int nRef;
    lp_strtab programs;
    lp_strtab segments;
    char *aKeyByte;          /* bytes of text and blob user ids */
    int64_t nKeyByte, nKeyByteAlloc;
    lp_key *aKey;            /* per user, in user_id order */
    uint32_t nUser, nUserAlloc;
    uint32_t *aFirst;        /* user u's enrollments: [aFirst[u], aFirst[u+1]) */
    int64_t *aT;             /* per enrollment: time in ms */
    uint32_t *aProg;         /* per enrollment: program */
    uint32_t *aSeg;          /* per enrollment: segment or LP_NONE; NULL if none */
    uint32_t *aGrp;          /* per enrollment, while a readGroup read lasts: its
                             ** group_col value in groupNames, or LP_NONE */
    lp_strtab groupNames;    /* readGroup: the values of group_col */
    uint32_t *aUserGroup;    /* readGroup: per user, its group (rule 12) in
                             ** groupNames, or LP_NONE; NULL: group_col not read */
    uint32_t nEv, nEvAlloc;
    uint32_t *aRank;         /* program -> place in name order */
    /* what reading found (rule 1 and rule 2 counts, for enrollment_profile) */
    int64_t nRowRead;
    int64_t nSkipUser, nSkipProgram, nSkipTime, nBadTime;
    int nBadSample;
    char *azBadSample[LP_BAD_SAMPLES];      /* the values, quoted for display */
    int64_t aBadRowid[LP_BAD_SAMPLES];     /* their rowids, or -1 */
    int64_t nUserLeftOut;    /* users all of whose rows rules 1-2 left out: no
                             ** user of the data (read as users, dropped at the
                             ** end: lp_read_group.c, lp_stream.c) */
    int nLeftOutSample;
    char *azLeftOutSample[LP_BAD_SAMPLES]; /* the first of them in user_id order,
                             ** written as values are in messages */
    int hasRowid;
    int isCacheable;         /* reads no virtual table (lp_source.c) */
    int isUnordered;         /* users numbered in the order first met, not in
                             ** user_id order (a read for anyOrder); the cache
                             ** orders them for the first caller that needs it
                             ** (learnpath_data_order) */
    const lp_strtab *pPlusNames; /* streaming only: the programs of the rows used
                             ** whose names have a lone '+' (learnpath_has_lone_plus),
                             ** all of them, known before the first user; NULL in
                             ** memory, where aProg holds every row used */
    struct lp_num_text *pNumText; /* text user ids that read as numbers, by value:
                             ** made at the first lookup that needs it (lp_users.c) */
    void *apMemo[LP_MEMO_N]; /* results higher layers computed from this data, */
    void (*axMemoFree[LP_MEMO_N])(void *); /* each slot freed with the data by its
                             ** own function (the journey layer numbers the slots) */
    int64_t nByteUsed;       /* approximate heap held */
    uint32_t iOrderGen;      /* how many times learnpath_data_order renumbered the
                             ** users: a memo keeping users' numbers is stale
                             ** when it was made under another */
} lp_data;

/*
** Has the name a '+' standing alone, with a space or the name's end on each
** side ("Data Science + AI", "+")? Only such a program can read like a
** tie group's label (rule 4, lp_shape.c), so only such names are looked up.
*/
static inline int learnpath_has_lone_plus(const char *z, int n) {
    const char *p = z, *zEnd = z + n;
    while (p < zEnd && (p = memchr(p, '+', (size_t)(zEnd - p))) != NULL) {
        if ((p == z || p[-1] == ' ') && (p + 1 == zEnd || p[1] == ' ')) return 1;
        p++;
    }
    return 0;
}

/* The user at position i of user_id order: user i (a read numbers its
** users in user_id order, lp_read_group.c; unless isUnordered, which only
** callers that need no order see). */
#define LP_USER_AT(pData, i) ((void)(pData), (uint32_t)(i))

/*
** Read the source once and build *ppData (nRef = 1). Returns
** LP_RC_OVER_BUDGET (and no data) if holding it would pass p->nBudget.
** On error returns a code and sets *pzErr (the caller frees it).
*/
int learnpath_data_read(sqlite3 *db, const lp_source_spec *p, lp_data **ppData, char **pzErr);
void learnpath_data_unref(lp_data *pData);
/*
** Number the users of isUnordered data in user_id order, in place (only its
** one owner may call it, for isUnordered data: the cache, holding the one
** reference). The same
** data, laid out as a read for a caller that needs the order lays it out.
** On an error the data may be left only to be freed (lp_read_reorder.c):
** the owner drops it.
*/
int learnpath_data_order(lp_data *pData, const lp_source_spec *p);
/* The users of pData (two at least) in user_id order, into *paOrder
** (lp_read_order.c): for a read, and for a caller that needs the order of
** isUnordered data it does not own. */
int learnpath_data_user_order(const lp_data *pData, const lp_source_spec *p, uint32_t **paOrder);
/*
** Run xA(pA) on this thread and xB(pB) on a second one when nThreads is 2
** and one starts, else one after the other (lp_read_thread.c). xB may not
** call SQLite or allocate; xA runs on the calling thread (first, with one
** thread) and may (the continuation pass shapes users there while xB asks
** for pages), so the answer and any error are one thread's.
*/
void learnpath_two_tasks(int nThreads, void (*xA)(void *), void *pA, void (*xB)(void *), void *pB);
/*
** Have the system give the n bytes at p their pages now (Linux: madvise
** MADV_POPULATE_WRITE; elsewhere nothing), as writing them would, without
** touching them: another thread may write them meanwhile. For a task beside
** a loop that will write fresh memory: on this machine class a new page
** costs about as much as the work done on it.
*/
void learnpath_populate(void *p, int64_t n);

/*
** Tune the read's helper thread (tests): rows read before it starts, and a
** batch's most rows and text bytes; an argument out of range restores its
** default. Process-wide; not for use while a read is in progress.
*/
void learnpath_build_tune(int nAfter, int nRows, int nBytes);

/*
** Tests: with isAlways, the reading thread asks for the pages of its next
** batch at every hand-over to the helper, not only while it waits for it
** (lp_read_thread.c); and, of the last read with the helper since the last
** tune, the most bytes one array held that were never asked for, and the
** most asked for in one array past what the read wrote in it (-1 and -1:
** no such read, or built without threads; where pages cannot be asked for,
** off Linux or without MADV_POPULATE_WRITE, nothing is asked for).
*/
void learnpath_build_fault_tune(int isAlways);
void learnpath_build_fault_stats(int64_t *pnShort, int64_t *pnPast);

/* Compare two user keys of pData in SQL (BINARY) order. */
int learnpath_key_cmp(const lp_data *pData, const lp_key *a, const lp_key *b);

/* The private aggregate the one pass runs in (lp_read.c): registered by
** the entry file, usable only with a pointer only learnpath can bind. */
#define LEARNPATH_READER "learnpath_internal_read"
void learnpath_reader_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_reader_final(sqlite3_context *ctx);

/* ------------------------------------------------- per-connection state */

/* Threads a source's read uses unless learnpath_threads() says otherwise. */
#define LP_THREADS_DEFAULT 2

/* Default most bytes the per-connection cache keeps (learnpath_cache_limit). */
#define LP_CACHE_DEFAULT_LIMIT ((int64_t)2048 * 1024 * 1024)

/*
** A source a learnpath function is reading, in the chain of such reads in
** progress on a connection (a function over a view over a function ...).
** The frame keeps one on its C stack around each call that may read
** (lp_tvf.c): a source met again in the chain is a view that reads itself.
*/
typedef struct lp_read_link {
    const char *zSource;
    const struct lp_read_link *pOuter; /* the read this one is nested in */
} lp_read_link;

/*
** A query as the source (rule 13, lp_read_query.c). Is z a query: is its
** first word, after whitespace and comments, SELECT, WITH or VALUES?
*/
int learnpath_source_is_query(const char *z);
/*
** For a function that views and triggers stored in a database may call
** (learnpath_allow_views(1)): refuse a query source that reads a virtual
** table or calls a direct-only function, which SQLite would refuse in the
** stored view itself. Sets *pzErr (caller frees) on refusal.
*/
int learnpath_query_check_stored(sqlite3 *db, const char *zQuery, char **pzErr);

/* Per-connection state shared by the functions (freed with the connection). */
typedef struct lp_cache_entry lp_cache_entry;
/* The report settings (fn_report.c): their places in lp_conn.azReport. */
#define LP_REPORT_FLAGSHIP 0
#define LP_REPORT_SEGMENT_COL 1
#define LP_REPORT_SEGMENT_LABEL 2
#define LP_REPORT_GROUP_COL 3
#define LP_REPORT_GROUP_LABEL 4
#define LP_REPORT_MIN_BASE 5
#define LP_REPORT_N 6

typedef struct lp_conn {
    int nDepth;              /* nesting of source reads in progress (depth guard) */
    const lp_read_link *pChain; /* the innermost of them (recursion guard) */
    char *zLastError;        /* the last message a learnpath function raised */
    lp_cache_entry *pCache;  /* most recently used first (lp_cache.c) */
    int64_t nCacheByte;      /* heap held by cached entries */
    int64_t nCacheLimit;     /* most heap the cache may hold */
    int64_t nMemoryBudget;   /* most heap one source may take; 0 = no limit */
    int nThreads;            /* threads a read may use: 1 or 2 (learnpath_threads) */
    sqlite3_stmt *pSentinel; /* expired by SQLite with every statement (lp_cache.c) */
    unsigned nSentinelGen;   /* sentinels made on this connection */
    int allowViews;          /* views and triggers stored in a database may call the
                             ** functions that read a source (learnpath_allow_views);
                             ** the SQL layer's (lp_tvf.c), kept here with the rest */
    char *azReport[LP_REPORT_N]; /* the report settings as set, NULL = the default
                             ** (fn_report.c, README rule 16) */
    char **azFlagship;       /* the flagship setting's program names */
    int nFlagship;
} lp_conn;

/* Set a connection's state to the defaults. */
void learnpath_conn_init(lp_conn *pConn);
/* Release everything it holds (the cache, the last error, the report
** settings). */
void learnpath_conn_clear(lp_conn *pConn);
/* Free the report settings (fn_report.c). */
void learnpath_report_clear(lp_conn *pConn);

/*
** The per-connection cache of source data (lp_cache.c). learnpath_cache_get
** returns a new reference to valid cached data for the spec, or reads the
** source and caches the result when that is safe.
*/
int learnpath_cache_get(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_data **ppData,
                        char **pzErr);
void learnpath_cache_clear(lp_conn *pConn);
/* Drop the entry that holds pData, if there is one (the memory budget:
** data that does not fit beside what a function computes from it). */
void learnpath_cache_forget(lp_conn *pConn, const lp_data *pData);
/* Entries held now. */
int learnpath_cache_count(const lp_conn *pConn);
/* Drop the least recently used entries until the cache fits its limit. */
void learnpath_cache_trim(lp_conn *pConn);
/*
** Finalize the statement the cache keeps on db (its sentinel). For every
** virtual table's xDisconnect: sqlite3_close() refuses a connection with a
** statement left, and disconnects the virtual tables before it looks.
** Touches nothing but db, which is all a table being disconnected can rely
** on (its connection state may be gone when modules are registered anew).
*/
void learnpath_cache_disconnect(sqlite3 *db);

/* ---------------------------------------------------------------- users */

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
    int64_t nBudget;         /* learnpath_memory_budget when opened; 0 = none */
    int isLocalNames;        /* streaming: pData's names are the current user's */
    /* rule 12 (lp_users.c), with group_value or for group_stats: */
    uint32_t *aGroup;        /* per position in user_id order, the user's group
                             ** in groups, or LP_NONE; NULL: not asked */
    uint32_t nGroupPos;      /* positions in aGroup */
    int isGroupBorrowed;     /* aGroup is pData->aUserGroup (not freed with pIt) */
    lp_strtab groups;        /* the groups' names */
    int isGroupFilter;       /* group_value: keep only the users of group iGroupKeep */
    uint32_t iGroupKeep;     /*   LP_NONE: no user has that group */
    uint32_t iStreamPos;     /* streaming: the current user's position */
    int nThreads;            /* threads the query may use (learnpath_threads) */
} lp_users;

/*
** The group of user u of pIt's data (in memory: the user at that position;
** streaming: the current user), or LP_NONE (rule 12).
*/
static inline uint32_t learnpath_users_group(const lp_users *pIt, uint32_t u) {
    uint32_t iPos = pIt->pStream ? pIt->iStreamPos : u;
    return pIt->aGroup && iPos < pIt->nGroupPos ? pIt->aGroup[iPos] : LP_NONE;
}

/* Is user u in group_value's group? 1 without group_value. */
static inline int learnpath_users_in_group(const lp_users *pIt, uint32_t u) {
    return !pIt->isGroupFilter ||
           (pIt->iGroupKeep != LP_NONE && learnpath_users_group(pIt, u) == pIt->iGroupKeep);
}

/* Open at the first user. On error sets *pzErr (the caller frees it). */
int learnpath_users_open(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                         char **pzErr);
/* The same, streaming whatever the budget (an aggregate that does not fit
** beside the data in memory: lp_agg.c). */
int learnpath_users_open_stream(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p,
                                lp_users *pIt, char **pzErr);
/* Callers step only while !pIt->eof. */
int learnpath_users_next(lp_users *pIt, char **pzErr);
void learnpath_users_close(lp_users *pIt);

/* Positions in user_id order (a growable array). */
typedef struct lp_pos_list {
    uint32_t *a;
    int64_t n, nAlloc;
} lp_pos_list;

/*
** Append to *pList the positions in user_id order of pData's users (in
** memory) whose user_id may equal pVal in an SQL comparison: the value as
** stored (rule 3: 42 and 42.0, not '42'), and also what numeric affinity
** on pVal's side would make equal (42 and '42', '042', ' 42'), since that
** affinity is not known. A superset: the caller leaves the exact test to
** SQLite. NULL finds nobody. learnpath_pos_list_finish sorts the list and
** removes repeats.
*/
int learnpath_users_find(lp_data *pData, sqlite3_value *pVal, lp_pos_list *pList);
void learnpath_pos_list_finish(lp_pos_list *pList);

/*
** THE MEMORY BUDGET (learnpath_memory_budget; docs/functions.md says what
** it bounds). In memory, the data read counts (lp_data.nByteUsed) and must
** fit in the budget, or the source streams. Streaming, what a function
** must hold whole counts: the names of programs and segments (all of the
** source's, unless the function asked for the current user's only:
** learnpath_users_local_names), and what it computes (lp_agg.c); it may
** take the budget or LP_BUDGET_FLOOR, whichever is more (so a tiny budget
** still streams small sources), and past that the function fails
** (learnpath_users_budget_error). Each name counts its bytes in the string
** table and LP_NAME_EXTRA more, for the arrays per program or segment of
** those who use the names (a shaper's marks, the stream's ranks, a
** profile's marks, the ranks of names when rows are sorted).
*/
#define LP_BUDGET_FLOOR ((int64_t)1 << 20)
#define LP_NAME_EXTRA 32

/* Streaming, keep only the current user's names (first_program,
** program_journeys, program_steps: the SQL layer asks through
** learnpath_journeys_per_user). In memory it changes nothing. */
void learnpath_users_local_names(lp_users *pIt);
/* The bytes counted against the budget for the names of pData. */
int64_t learnpath_data_name_bytes(const lp_data *pData);
/* The bytes of the data the users come from that count against the budget:
** in memory the data read; streaming the names, when kept whole. */
int64_t learnpath_users_held(const lp_users *pIt);
/* The most a function reading pIt may hold (0: no limit): the budget in
** memory, at least LP_BUDGET_FLOOR streaming. */
int64_t learnpath_users_limit(const lp_users *pIt);
/* The error of a function whose rows (nRow, 0: none) and names need more
** than the budget allows: a message for *pzErr, and SQLITE_ERROR. */
int learnpath_users_budget_error(const lp_users *pIt, int64_t nRow, uint32_t nGroup,
                                 char **pzErr);
/* The same, for a function that keeps something of each of nUser users
** (the continuation functions' times, segment_compare's): it says so. */
int learnpath_users_budget_error_users(const lp_users *pIt, int64_t nUser, uint32_t nGroup,
                                       char **pzErr);

/* The streaming reader behind learnpath_users_open (lp_stream.c). */
int learnpath_stream_open(sqlite3 *db, const lp_source_spec *p, lp_users *pIt, char **pzErr);
int learnpath_stream_next(lp_users *pIt, char **pzErr);
void learnpath_stream_close(lp_users *pIt);
/* Forget the names of the window (the next user's start from 0). */
void learnpath_stream_forget_names(lp_users *pIt);

#endif /* LP_READ_H */
