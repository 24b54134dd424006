/*
** lp_read_int.h - what the files of the read layer share among themselves
** (lp_read.c, lp_read_thread.c, lp_read_group.c, lp_read_order.c,
** lp_read_reorder.c, lp_read_users.c, lp_read_query.c, lp_source.c,
** lp_stream.c).
** Nothing above the read layer includes it.
*/
#ifndef LP_READ_INT_H
#define LP_READ_INT_H

#include "lp_read.h"

#if !defined(_WIN32) && !defined(LEARNPATH_NO_THREADS)
#define BUILD_THREADS 1
#else
#define BUILD_THREADS 0
#endif

/* Columns a read statement selects: user, program, time, segment, group,
** rowid. */
#define BUILD_MAX_COLS 6

/*
** A name met lately: its length, its first and last 8 bytes (zero-padded
** when shorter) and its number. n = 0: an empty slot (empty names are never
** looked up).
*/
typedef struct build_name {
    uint64_t w0, w1;
    int n;
    uint32_t id;
} build_name;
#define BUILD_NAME_BITS 8
#define BUILD_NAME_CACHE (1 << BUILD_NAME_BITS) /* slots per column */

typedef struct build_state {
    sqlite3 *db;
    const lp_source_spec *p;
    lp_data *pD;
    char **pzErr;
    uint32_t *aSlot;     /* user hash table: user number + 1 and a tag (BUILD_SLOT), 0 = empty */
    uint32_t nSlot;
    uint32_t *aSlotNew;  /* a larger table, allocated, not yet zeroed nor filled (or NULL) */
    uint32_t nSlotNew;
    uint32_t *aSlotOld;  /* the table it replaced in the helper, to free (or NULL) */
    uint32_t nSlotOld;
    lp_hash_seed seed;   /* its seed, drawn per read */
    uint32_t iLastUser;  /* user of the previous accepted row, or LP_NONE */
    int isSorted;        /* user keys so far came in increasing order: no hash yet */
    int isGrouped;       /* every user's rows so far came together */
    uint32_t *aUserOf;   /* per enrollment: its user; only once !isGrouped */
    int isStream;        /* rows come ordered by user; pD holds one user */
    int nFixLen;         /* > 0: every user so far is of class eFixClass (text or blob) and
                         ** nFixLen bytes long, user i's at i * nFixLen (lp_read_users.c);
                         ** 0: no user yet; -1: not so, for the rest of the read */
    int eFixClass;       /* while nFixLen > 0: 2 text, 3 blob (learnpath_key_class) */
    build_name aProgSeen[BUILD_NAME_CACHE]; /* programs met lately (buildTextId) */
    build_name aSegSeen[BUILD_NAME_CACHE];  /* segments met lately */
    build_name aGrpSeen[BUILD_NAME_CACHE];  /* groups met lately (readGroup) */
    int rcRow;           /* what stopped the reader function (buildRead) */
    struct build_worker *pW; /* the helper thread, once started (buildStartWorker) */
    int noWorker;        /* never start one (streaming, one thread, or it failed) */
    int hasGroups;       /* a column is read as its group's value (lp_source.c) */
    int hasNonInt;       /* a user's id is not an INTEGER (REAL, text or blob) */
} build_state;

/* How a row's time came out of learnpath_read_decode. */
#define BUILD_T_TEXT 0  /* aTime is still to read (learnpath_parse_time_text) */
#define BUILD_T_OK 1    /* t holds the instant */
#define BUILD_T_EMPTY 2 /* rule 1: left out */
#define BUILD_T_BAD 3   /* rule 2: zBad is the value as text */

/*
** One row decoded by the reading thread (learnpath_read_decode): the program is
** already interned; the user's bytes, the segment and an unreadable time
** are pointed to (in SQLite's values while the row is read, or in a batch
** once copied there for the helper thread); a time of the usual ISO shape
** is carried as its text, to be read by learnpath_read_row.
*/
typedef struct build_rec {
    lp_key key;          /* the user; TEXT and BLOB bytes are at zKey */
    const char *zKey;
    const char *zSeg;    /* NULL: no segment */
    const char *zGrp;    /* NULL: no group (readGroup) */
    const char *zBad;    /* BUILD_T_BAD */
    int64_t t;           /* BUILD_T_OK */
    int64_t iRowid;      /* for the samples of unreadable times; -1: none */
    uint32_t prog;       /* LP_NONE: no program (rule 1) */
    int nSeg;
    int nGrp;
    char aTime[20];      /* BUILD_T_TEXT: nTime bytes and a NUL */
    unsigned char nTime;
    unsigned char eTime;
    unsigned char isEmptyUser; /* NULL or empty (rule 1) */
    unsigned char hasHash; /* hash is the user's (learnpath_read_rec_hash) */
    uint32_t hash;
} build_rec;

/*
** One enrollment while a user's enrollments are sorted: by time, then
** program name, then segment name (rank: the program's place in name
** order; segRank: the segment's, LP_NONE last). The order is total, so
** no answer depends on the order the rows came in or on qsort (rule 6).
*/
typedef struct build_ev {
    int64_t t;
    uint32_t rank;
    uint32_t segRank;
    uint32_t prog;
    uint32_t seg;
} build_ev;

/* A name and its number, while names are sorted. */
typedef struct build_named {
    const char *z;
    int n;
    uint32_t idx;
} build_named;

/* ------------------------------------------------------ lp_read.c */

/* Set *s->pzErr to the message (no function name: the SQL layer adds it)
** and return rc. */
int learnpath_read_error(build_state *s, int rc, const char *zFmt, ...);
/* Rule 2: an unreadable time (zTime, NUL-terminated; iRowid -1 if none). */
int learnpath_read_bad_time(build_state *s, const char *zTime, int64_t iRowid);
/* Decode the values of one row (user, program, time[, segment][, rowid]). */
int learnpath_read_decode(build_state *s, sqlite3_value **ap, build_rec *r);
/*
** Keep a decoded row. With isWorker (the helper thread) nothing here calls
** SQLite or allocates: such a row answers LP_RC_NEED_MAIN, untouched.
** *pPending: streaming, the row is the next user's first.
*/
int learnpath_read_row(build_state *s, const build_rec *r, int isWorker, int *pPending);
/* Decode and keep a row on the reading thread. */
int learnpath_read_row_now(build_state *s, sqlite3_value **ap, int *pPending);
/* A failed sqlite3_step() as an error (never the end of the data). */
int learnpath_read_step_error(build_state *s, int rc);
/* The values of the statement's current row, in learnpath_read_row's order. */
void learnpath_read_row_values(sqlite3_stmt *pStmt, sqlite3_value **ap);
/* Streaming one user's names at a time: forget the window's names (the
** program and segment tables start again from 0) and the name caches'
** entries for them. */
void learnpath_read_forget_names(build_state *s);
/* Room for nNeed enrollments / users / user hash slots. */
int learnpath_read_grow_events(build_state *s, uint64_t nNeed);
int learnpath_read_grow_users(build_state *s, uint64_t nNeed);
int learnpath_read_grow_slots(build_state *s, uint64_t nUser, int isDeferred);
/* Room for nMore bytes of user ids; for nName names of nByte bytes in all. */
int learnpath_read_grow_key_bytes(build_state *s, int64_t nMore);
int learnpath_read_grow_names(build_state *s, lp_strtab *pTab, uint32_t nName, int64_t nByte);

/* ----------------------------------------------- lp_read_thread.c */

/* One row of the reader function: kept now or batched for the helper. */
int learnpath_read_thread_row(build_state *s, sqlite3_value **ap);
/* After the last row: keep what the batches hold. */
int learnpath_read_thread_drain(build_state *s);
/* Stop and free the helper, once it is done with its batch. */
void learnpath_read_thread_stop(build_state *s);

/* ------------------------------------------------ lp_read_group.c */

/* Group by user, sort each user's enrollments, order the users. */
int learnpath_read_finish(build_state *s);
/* Bytes a user takes in memory (its key, its first enrollment's place), and
** what sorting the users into user_id order takes at the end beyond the
** hash table it frees (lp_read_order.c, lp_read_group.c). */
#define BUILD_PER_USER ((int64_t)(sizeof(lp_key) + sizeof(uint32_t)))
#define BUILD_SORT_RESERVE ((int64_t)32)
/* LP_RC_OVER_BUDGET when nMore bytes more would pass the memory budget
** (lp_read.c, "THE MEMORY BUDGET"). */
int learnpath_read_room(const build_state *s, int64_t nMore);
/* A key's storage class in SQL's order: 1 numbers, 2 text, 3 blobs. */
int learnpath_key_class(const lp_key *k);
/* A user's key as messages write a value: 42, 1.5, 'text', X'0102'
** (sqlite3_mprintf; NULL when out of memory). */
char *learnpath_key_text(const lp_data *pD, const lp_key *k);
/* The users all of whose rows rules 1-2 left out (no enrollment): counted
** into nUserLeftOut, the first few in user_id order kept as samples, and
** dropped from the users (lp_read_group.c). */
int learnpath_read_drop_left_out(lp_data *pD);
/* Are two keys the same user (rule 3)? */
int learnpath_read_key_eq(const lp_data *pD, const lp_key *a, const lp_key *b);
/* The user of *pKey (its bytes already at pKey->v.off), created if new; r
** may carry its hash. LP_RC_NEED_MAIN in the helper for what it may not do. */
int learnpath_read_user_of(build_state *s, const lp_key *pKey, const build_rec *r, int isWorker,
                           uint32_t *piUser);
/* Report the user hash table's probes (tests: learnpath_hash_probe_hook);
** it is of no use after. */
void learnpath_read_probe_users(build_state *s);
/* Zero and fill the larger user hash table allocated for the helper (aSlotNew) and
** use it from now on: by the thread that looks users up. The helper
** (isWorker) leaves the old table in aSlotOld, for the reading thread to
** free (learnpath_read_free_old_slots): it never calls SQLite. */
void learnpath_read_move_slots(build_state *s, int isWorker);
void learnpath_read_free_old_slots(build_state *s);
/* The hash of a decoded row's user, as the user hash table hashes it. */
uint32_t learnpath_read_rec_hash(const build_state *s, const build_rec *r);
/* Ask the CPU for what finding the user of hash h will read: eWhat 0 its
** slot, 1 the key of the user there, 2 that key's bytes (the helper thread
** looks a few rows ahead, so each is in the cache when it is used). */
void learnpath_read_prefetch(const build_state *s, uint32_t h, int eWhat);
/*
** Run xA(pA) on this thread and xB(pB) on a second one, when the read may
** use two (p->nThreads) and one starts; else one after the other. For the
** steps that finish a read (lp_read_group.c, lp_read_order.c): neither
** task may call SQLite or allocate, so the answer and any error are those
** of one thread.
*/
void learnpath_read_parallel(const lp_source_spec *p, void (*xA)(void *), void *pA,
                             void (*xB)(void *), void *pB);
int learnpath_read_ev_cmp(const void *pa, const void *pb);

/* ------------------------------------------------ lp_read_order.c */

/* A user's key reduced to 8 bytes that sort as the key does (two halves:
** 12 bytes an item, not 16), and the user. After the sort of packed keys
** (learnpath_read_user_order_packed) k holds the user's packed key. */
typedef struct ks_item {
    uint32_t kHi, kLo;
    uint32_t u;
} ks_item;

/* A text or blob key packed into 8 bytes: its offset in aKeyByte (40 bits)
** and its length (24 bits). */
#define KS_LEN_BITS 24
#define KS_PACK(off, n) (((uint64_t)(off) << KS_LEN_BITS) | (uint64_t)(n))
#define KS_PACK_OFF(v) ((int64_t)((v) >> KS_LEN_BITS))
#define KS_PACK_LEN(v) ((v) & (((uint64_t)1 << KS_LEN_BITS) - 1))

/*
** The users of pD (two at least) in user_id order, in a block of
** BUILD_ORDER_BYTES(n) bytes (n users) whose pages the sort has touched:
** the order (n uint32_t) at BUILD_ORDER_OFF(n); before it the bytes are
** the caller's, room for n + 1 keys (lp_key) from 0 and n uint32_t at
** BUILD_ORDER_POS(n) (lp_read_group.c makes the keys in their new order
** and each user's first place there, so no new pages are touched). The
** block is pReuse grown (taken over; NULL: a new one): a block freed
** otherwise, whose pages are touched already (the user hash table).
*/
int learnpath_read_user_order(const lp_data *pD, const lp_source_spec *pSpec, void *pReuse,
                              unsigned char **paBlock);
/*
** The same when every user's id is an INTEGER (no REAL, text or blob), with
** the keys themselves in user_id order in the block, from 0 (where
** lp_read_group.c puts them otherwise): pD->aKey's block is taken over
** (pD->aKey NULL), so the sort and the keys are not held at once.
*/
int learnpath_read_user_order_ints(lp_data *pD, const lp_source_spec *pSpec, unsigned char **paBlock);
/*
** The class every user's id has (1 INTEGER, 2 text, 3 blob) when all have
** one and each key packs into 8 bytes (an integer is itself; text and blobs
** KS_PACK), else 0.
*/
int learnpath_read_keys_packable(const lp_data *pD);
/*
** The users of pD (two at least, every id of class eOnly, packable) in
** user_id order, with 24 bytes a user less at the read's peak than
** learnpath_read_user_order: each key is packed into 8 bytes in place, in
** pD->aKey's block (shrunk and taken over: pD->aKey NULL, *paPacked that
** block), and the items are sorted in one copy, in pReuse grown to
** BUILD_ORDER_POS(n) (taken over; NULL: a new block): item i (*paBlock, 12
** bytes each) then holds the i-th user's old number (u) and packed key
** (k). On an error both blocks are freed, and pD->aKey is NULL.
*/
int learnpath_read_user_order_packed(lp_data *pD, const lp_source_spec *pSpec, int eOnly, void *pReuse,
                                   unsigned char **paBlock, uint64_t **paPacked);
/* The n items of aBlock (room for n keys) made into the keys they hold
** packed (learnpath_read_user_order_packed), in place. */
void learnpath_read_unpack_keys(unsigned char *aBlock, uint32_t n, int eOnly);
#define BUILD_ORDER_POS(n) (sizeof(lp_key) * ((sqlite3_uint64)(n) + 1))
#define BUILD_ORDER_OFF(n) (BUILD_ORDER_POS(n) + 4 * (sqlite3_uint64)(n))
/* at least the sort's two copies of its 12-byte items (lp_key: 16 bytes) */
#define BUILD_ORDER_BYTES(n) (BUILD_ORDER_OFF(n) + 4 * (sqlite3_uint64)(n))
int learnpath_read_named_cmp(const void *pa, const void *pb);

/* ---------------------------------------------------- lp_stream.c */

/*
** One plain pass over the source, in its own order, that stops at the
** first unreadable time (bad_times='error'): the error every read path
** gives, before any row is returned.
*/
int learnpath_read_check_times(build_state *s);

/* ---------------------------------------------------- lp_source.c */

/*
** Prepare the SELECT of the needed columns (rule 1-3 checks of the source
** and its columns first). With asReader, the columns are the arguments of
** the reader function after its parameter ?1, and the statement gives one
** row.
*/
int learnpath_source_prepare(build_state *s, int asReader, sqlite3_stmt **ppStmt);
/*
** A query as the source (lp_read_query.c, rule 13): check it (one read-only
** statement without parameters), then prepare "SELECT * FROM (<query>)"
** into *ppStmt; *pzFrom is the FROM clause (caller frees).
*/
int learnpath_query_resolve(build_state *s, sqlite3_stmt **ppStmt, char **pzFrom);
/*
** A source that names no table or view: when it reads as a statement other
** than a query (DELETE ..., PRAGMA ...), set the error saying so and return
** it; else SQLITE_OK.
*/
int learnpath_query_not_a_name(build_state *s);

#endif /* LP_READ_INT_H */
