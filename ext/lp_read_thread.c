/*
** lp_read_thread.c - the read's helper thread (rule 11): every threading
** call of learnpath is in this file.
**
** Past the first rows of a read, a helper thread keeps the rows (interns
** users, reads times, appends enrollments: learnpath_read_row with
** isWorker; and zeroes and fills the larger user table the reading thread allocated
** for it, learnpath_read_move_slots) while the reading thread goes on with SQLite's scan, decodes
** each row (learnpath_read_decode) and hands the helper batches of decoded
** rows. The helper never calls SQLite and never allocates: a row that
** needs either is left to the reading thread (LP_RC_NEED_MAIN), which
** keeps it, and every row after it, itself once the helper has stopped.
** So the result, the errors and the samples are exactly those of one
** thread. Built without threads (LEARNPATH_NO_THREADS, or Windows), the
** reading thread keeps every row itself.
*/
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* madvise(MADV_POPULATE_WRITE) under -std=c99 */
#endif
#if !defined(_WIN32) && !defined(LEARNPATH_NO_THREADS) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask() under -std=c99 */
#endif
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "lp_read_int.h"

#if BUILD_THREADS
#include <pthread.h>
#include <signal.h>
#endif

/*
** Reading a large source, each row is decoded by the reading thread (every
** SQLite call a row needs) and copied into a batch, which a helper thread
** keeps (learnpath_read_row with isWorker) while the reading thread goes on with
** SQLite's scan: the scan and learnpath's own work on the rows overlap on
** two cores. The helper calls no SQLite function and allocates nothing, so
** it works the same whatever SQLite's threading mode: before it takes a
** batch, the reading thread makes room in every array for all the batch's
** rows (buildReserve), and a row that needs more (an error message, a
** sample of an unreadable time, the first row out of user order) stops it
** there; the reading thread does that row and the rest of the batch itself.
** One thread at a time keeps rows, in the order they were read, so the
** answer is the same as without the helper, byte for byte.
*/

/* Rows read before a helper starts; a batch's most rows and text bytes. */
static int buildThreadAfter = 65536;
static int buildBatchRows = 4096;
static int buildBatchBytes = 256 * 1024;

void learnpath_build_tune(int nAfter, int nRows, int nBytes) {
    buildThreadAfter = nAfter >= 0 ? nAfter : 65536;
    buildBatchRows = nRows > 0 ? nRows : 4096;
    buildBatchBytes = nBytes > 0 ? nBytes : 256 * 1024;
}

typedef struct build_batch {
    build_rec *aRec;
    int nRec;
    int iStop;           /* the helper stopped before this row (nRec: did all) */
    char *aByte;         /* the rows' text, each value followed by a NUL */
    int64_t nByte;
    int64_t nKeyByte;    /* bytes of text and blob users */
    uint32_t nSeg;       /* rows with a segment */
    int64_t nSegByte;
    uint32_t nGrp;       /* rows with a group (readGroup) */
    int64_t nGrpByte;
} build_batch;

#if BUILD_THREADS
/*
** Pages asked for ahead of the helper. On a virtual machine a page's first
** write is costly (the host backs it then), and the helper writes every
** array of a read: at 22 million users a fifth of its time went into
** those faults while the reading thread waited for it. So while the
** reading thread waits (its next batch full, the helper still busy), it
** asks for the pages the helper will write up to the end of the next batch
** (learnpath_populate), a few at a time, in each array's room: the rows'
** arrays, the users' keys and their bytes. No further (each of the batch's
** rows counted as a new user with its id's bytes: at most about a batch
** past what the read writes), so the read holds almost no page more; and
** only while it waits, so a read the reading thread paces (most reads of a
** few million rows) does not change. Each array's bytes asked for so far are
** counted from its start (a realloc keeps them: it moves the pages or copies
** them), from what the reading thread wrote before the helper started.
*/
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
#define BUILD_CAN_POPULATE 1
#else
#define BUILD_CAN_POPULATE 0 /* learnpath_populate does nothing: nor does this */
#endif
#define BUILD_FAULT_N 7                 /* times, programs, segments, groups, users, keys, key bytes */
#define BUILD_FAULT_STEP (64 * 1024)    /* bytes asked for at a time */

/* Tests (learnpath_build_fault_tune, _stats): ask at every hand-over; of
** the last read with the helper, the most bytes of an array it wrote and
** never asked for, and the most it asked for past what it wrote. */
static int buildFaultAlways = 0;
static int64_t buildFaultShort = -1, buildFaultPast = -1;

typedef struct build_fault {
    int64_t aDone[BUILD_FAULT_N];       /* bytes from the array's start asked for */
    int64_t nEvEnd, nUserEnd, nKeyByteEnd; /* after the batch the helper keeps: at most */
} build_fault;

typedef struct build_worker {
    build_state *s;
    build_fault fault;   /* the reading thread's alone */
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t cond; /* broadcast on every change of isBusy or isQuit */
    build_batch aBatch[2];
    int iFill;           /* the batch the reading thread fills */
    int iWork;           /* the batch handed over last (-1: its rows are all kept) */
    int isBusy;          /* the helper is keeping aBatch[iWork] */
    int isQuit;
} build_worker;

/*
** The user hash table is larger than the cache, and so are the users'
** keys: a row's slot, its user's key and the key's bytes are each a miss
** to memory. So the helper looks ahead in its batch: it hashes row i + 16
** and asks for its slot, asks for the key of the user in row i + 8's slot,
** and for that key's bytes at row i + 4, so the misses of many rows
** overlap. Only hints: the rows are still kept one by one, in order.
*/
#define BUILD_AHEAD 16

static void buildLookAhead(const build_state *s, build_batch *b, int i) {
    build_rec *r;
    if (s->aSlot == NULL) return; /* users so far in order: no table to look in */
    if (i + BUILD_AHEAD < b->nRec && !(r = &b->aRec[i + BUILD_AHEAD])->isEmptyUser) {
        r->hash = learnpath_read_rec_hash(s, r);
        r->hasHash = 1;
        learnpath_read_prefetch(s, r->hash, 0);
    }
    if (i + BUILD_AHEAD / 2 >= 0 && i + BUILD_AHEAD / 2 < b->nRec && (r = &b->aRec[i + BUILD_AHEAD / 2])->hasHash) {
        learnpath_read_prefetch(s, r->hash, 1);
    }
    if (i + BUILD_AHEAD / 4 >= 0 && i + BUILD_AHEAD / 4 < b->nRec && (r = &b->aRec[i + BUILD_AHEAD / 4])->hasHash) {
        learnpath_read_prefetch(s, r->hash, 2);
    }
}

static void *buildWorkerMain(void *pArg) {
    build_worker *w = pArg;
    pthread_mutex_lock(&w->mutex);
    for (;;) {
        while (!w->isBusy && !w->isQuit) pthread_cond_wait(&w->cond, &w->mutex);
        if (!w->isBusy) break; /* isQuit */
        build_batch *b = &w->aBatch[w->iWork];
        pthread_mutex_unlock(&w->mutex);
        int i;
        if (w->s->aSlotNew) learnpath_read_move_slots(w->s, 1); /* its rehash */
        for (i = -BUILD_AHEAD; i < 0; i++) buildLookAhead(w->s, b, i);
        for (i = 0; i < b->nRec; i++) {
            int pending = 0;
            buildLookAhead(w->s, b, i);
            if (learnpath_read_row(w->s, &b->aRec[i], 1, &pending) != SQLITE_OK) break;
            w->s->pD->nRowRead++;
        }
        b->iStop = i;
        pthread_mutex_lock(&w->mutex);
        w->isBusy = 0;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->mutex);
    return NULL;
}

/* Each array the helper writes (BUILD_FAULT_N of them, NULL where the read
** keeps none). */
static void buildFaultArrays(const build_state *s, void **aArr) {
    const lp_data *pD = s->pD;
    aArr[0] = pD->aT;
    aArr[1] = pD->aProg;
    aArr[2] = pD->aSeg;
    aArr[3] = pD->aGrp;
    aArr[4] = s->aUserOf;
    aArr[5] = pD->aKey;
    aArr[6] = pD->aKeyByte;
}

/* The bytes of each of those arrays that nEv rows, nUser users and nKeyByte
** bytes of ids take. */
static void buildFaultBytes(int64_t nEv, int64_t nUser, int64_t nKeyByte, int64_t *aByte) {
    aByte[0] = nEv * (int64_t)sizeof(int64_t);
    for (int i = 1; i < 5; i++) aByte[i] = nEv * (int64_t)sizeof(uint32_t);
    aByte[5] = nUser * (int64_t)sizeof(lp_key);
    aByte[6] = nKeyByte;
}

static void buildFreeBatches(build_worker *w) {
    for (int k = 0; k < 2; k++) {
        sqlite3_free(w->aBatch[k].aRec);
        sqlite3_free(w->aBatch[k].aByte);
    }
}

/* Start the helper; without one (no memory, no thread) reading goes on
** on this thread alone. */
static void buildStartWorker(build_state *s) {
    build_worker *w;
    s->noWorker = 1; /* one try */
    w = sqlite3_malloc64(sizeof(*w));
    if (!w) return;
    memset(w, 0, sizeof(*w));
    w->s = s;
    w->iWork = -1;
    /* what this thread wrote: no page to ask for */
    buildFaultBytes(s->pD->nEv, s->pD->nUser, s->pD->nKeyByte, w->fault.aDone);
    for (int k = 0; k < 2; k++) {
        w->aBatch[k].aRec = sqlite3_malloc64((sqlite3_uint64)buildBatchRows * sizeof(build_rec));
        w->aBatch[k].aByte = sqlite3_malloc64((sqlite3_uint64)buildBatchBytes);
        if (!w->aBatch[k].aRec || !w->aBatch[k].aByte) goto fail;
    }
    if (pthread_mutex_init(&w->mutex, NULL)) goto fail;
    if (pthread_cond_init(&w->cond, NULL)) {
        pthread_mutex_destroy(&w->mutex);
        goto fail;
    }
    /* the helper starts with every signal blocked, so that a signal (the
    ** shell's Ctrl-C, a host's timer) goes to the host's own threads */
    sigset_t all, old;
    sigfillset(&all);
    int rcMask = pthread_sigmask(SIG_SETMASK, &all, &old);
    int rcCreate = pthread_create(&w->thread, NULL, buildWorkerMain, w);
    if (rcMask == 0) pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rcCreate) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->mutex);
        goto fail;
    }
    s->pW = w;
    return;
fail:
    buildFreeBatches(w);
    sqlite3_free(w);
}

/* The tests' account of the pages asked for (learnpath_build_fault_stats). */
static void buildFaultCount(const build_state *s, const build_fault *F) {
    void *aArr[BUILD_FAULT_N];
    int64_t aUsed[BUILD_FAULT_N], nShort = 0, nPast = 0;
    buildFaultArrays(s, aArr);
    buildFaultBytes(s->pD->nEv, s->pD->nUser, s->pD->nKeyByte, aUsed); /* (the helper is idle) */
    for (int i = 0; i < BUILD_FAULT_N; i++) {
        if (aArr[i] == NULL) continue;
        if (aUsed[i] - F->aDone[i] > nShort) nShort = aUsed[i] - F->aDone[i];
        if (F->aDone[i] - aUsed[i] > nPast) nPast = F->aDone[i] - aUsed[i];
    }
    __atomic_store_n(&buildFaultShort, nShort, __ATOMIC_RELAXED);
    __atomic_store_n(&buildFaultPast, nPast, __ATOMIC_RELAXED);
}

void learnpath_build_fault_tune(int isAlways) {
    buildFaultAlways = isAlways;
    __atomic_store_n(&buildFaultShort, -1, __ATOMIC_RELAXED);
    __atomic_store_n(&buildFaultPast, -1, __ATOMIC_RELAXED);
}

void learnpath_build_fault_stats(int64_t *pnShort, int64_t *pnPast) {
    *pnShort = __atomic_load_n(&buildFaultShort, __ATOMIC_RELAXED);
    *pnPast = __atomic_load_n(&buildFaultPast, __ATOMIC_RELAXED);
}

/* Stop and free the helper, once it is done with its batch. */
void learnpath_read_thread_stop(build_state *s) {
    build_worker *w = s->pW;
    if (!w) return;
    pthread_mutex_lock(&w->mutex);
    while (w->isBusy) pthread_cond_wait(&w->cond, &w->mutex);
    buildFaultCount(s, &w->fault);
    w->isQuit = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mutex);
    buildFreeBatches(w);
    sqlite3_free(w);
    s->pW = NULL;
}

/*
** Ask for the next BUILD_FAULT_STEP bytes of pages, in the first array whose
** pages are not yet asked for up to what the helper may write by the end of
** the batch being filled (b): 0 when none is left. The reading thread's
** alone: it reads the arrays' places and rooms, which only it changes, and
** the helper's counts as they were when it took its batch (w->fault).
*/
static int buildFaultStep(build_state *s, build_worker *w, const build_batch *b) {
#if BUILD_CAN_POPULATE
    build_fault *F = &w->fault;
    const lp_data *pD = s->pD;
    void *aArr[BUILD_FAULT_N];
    int64_t aWant[BUILD_FAULT_N], aRoom[BUILD_FAULT_N];
    long nPage = sysconf(_SC_PAGESIZE);
    buildFaultArrays(s, aArr);
    buildFaultBytes(F->nEvEnd + b->nRec, F->nUserEnd + b->nRec, F->nKeyByteEnd + b->nKeyByte, aWant);
    buildFaultBytes(pD->nEvAlloc, pD->nUserAlloc, pD->nKeyByteAlloc, aRoom);
    for (int i = 0; i < BUILD_FAULT_N; i++) {
        int64_t n;
        if (aArr[i] == NULL) continue;
        if (aWant[i] > aRoom[i]) aWant[i] = aRoom[i];
        if (F->aDone[i] >= aWant[i]) continue;
        n = aWant[i] - F->aDone[i] < BUILD_FAULT_STEP ? aWant[i] - F->aDone[i] : BUILD_FAULT_STEP;
        /* from the start of the page the step begins in (learnpath_populate
        ** asks only for whole pages: the page the last step ended in is
        ** this step's first) */
        uintptr_t at = (uintptr_t)aArr[i] + (uintptr_t)F->aDone[i], lo = at & ~(uintptr_t)(nPage - 1);
        learnpath_populate((void *)lo, n + (int64_t)(at - lo));
        F->aDone[i] += n;
        return 1;
    }
#else
    (void)s;
    (void)w;
    (void)b;
#endif
    return 0;
}

/* Wait until the helper is idle, then keep the rows it left of its batch. */
static int buildWorkerWait(build_state *s) {
    build_worker *w = s->pW;
    while (BUILD_CAN_POPULATE) {
        /* while it is busy, the pages of the batch being filled */
        pthread_mutex_lock(&w->mutex);
        int isBusy = w->isBusy;
        pthread_mutex_unlock(&w->mutex);
        if (!(isBusy || buildFaultAlways) || !buildFaultStep(s, w, &w->aBatch[w->iFill])) break;
    }
    pthread_mutex_lock(&w->mutex);
    while (w->isBusy) pthread_cond_wait(&w->cond, &w->mutex);
    pthread_mutex_unlock(&w->mutex);
    if (w->iWork < 0) return SQLITE_OK;
    build_batch *b = &w->aBatch[w->iWork];
    w->iWork = -1;
    for (int i = b->iStop; i < b->nRec; i++) {
        int pending = 0;
        int rc = learnpath_read_row(s, &b->aRec[i], 0, &pending);
        if (rc) return rc;
        s->pD->nRowRead++;
    }
    return SQLITE_OK;
}

/* Room in every array for all of a batch's rows (the helper idle). */
static int buildReserve(build_state *s, const build_batch *b) {
    lp_data *pD = s->pD;
    uint64_t nEv = (uint64_t)pD->nEv + (uint64_t)b->nRec;
    uint64_t nUser = (uint64_t)pD->nUser + (uint64_t)b->nRec + 2;
    int rc;
    learnpath_read_free_old_slots(s); /* the helper's rehash left it */
    /* past the limits a row stops the helper and meets them here, one by one */
    rc = learnpath_read_grow_events(s, nEv < 0xfffffff0u ? nEv : 0xfffffff0u);
    if (rc == SQLITE_OK) rc = learnpath_read_grow_users(s, nUser < 0x7ffffff2u ? nUser : 0x7ffffff2u);
    if (rc == SQLITE_OK && !s->isSorted) {
        rc = learnpath_read_grow_slots(s, nUser < 0x40000000u ? nUser : 0x40000000u, 1);
    }
    if (rc == SQLITE_OK) rc = learnpath_read_grow_key_bytes(s, b->nKeyByte);
    if (rc == SQLITE_OK) rc = learnpath_read_grow_names(s, &pD->segments, b->nSeg, b->nSegByte);
    if (rc == SQLITE_OK && s->p->readGroup) {
        rc = learnpath_read_grow_names(s, &pD->groupNames, b->nGrp, b->nGrpByte);
    }
    return rc;
}

/*
** Copy n bytes and a NUL into the batch. Names and times are short: up to
** 32 bytes are copied as two overlapping words of 4, 8 or 16 bytes,
** inline, instead of a call to memcpy with a length only known here.
*/
static const char *buildStashBytes(build_batch *b, const char *z, int n) {
    char *zOut = b->aByte + b->nByte;
    if (n >= 16 && n <= 32) {
        memcpy(zOut, z, 16);
        memcpy(zOut + n - 16, z + n - 16, 16);
    } else if (n >= 8 && n < 16) {
        memcpy(zOut, z, 8);
        memcpy(zOut + n - 8, z + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(zOut, z, 4);
        memcpy(zOut + n - 4, z + n - 4, 4);
    } else {
        memcpy(zOut, z, (size_t)n);
    }
    zOut[n] = 0;
    b->nByte += n + 1;
    return zOut;
}

/*
** Keep the row decoded into the batch's next slot (b->aRec[b->nRec]) by
** copying its text into the batch; 0 if the text has no room there.
*/
static int buildStashSlot(build_batch *b) {
    build_rec *p = &b->aRec[b->nRec];
    int64_t nNeed = (p->zKey ? p->key.n + 1 : 0) + (p->zSeg ? p->nSeg + 1 : 0) +
                    (p->zGrp ? p->nGrp + 1 : 0) +
                    (p->zBad ? (int64_t)strlen(p->zBad) + 1 : 0);
    if (b->nByte + nNeed > buildBatchBytes) return 0;
    b->nRec++;
    if (p->zKey) {
        p->zKey = buildStashBytes(b, p->zKey, p->key.n);
        b->nKeyByte += p->key.n;
    }
    if (p->zSeg) {
        p->zSeg = buildStashBytes(b, p->zSeg, p->nSeg);
        b->nSeg++;
        b->nSegByte += p->nSeg;
    }
    if (p->zGrp) {
        p->zGrp = buildStashBytes(b, p->zGrp, p->nGrp);
        b->nGrp++;
        b->nGrpByte += p->nGrp;
    }
    if (p->zBad) p->zBad = buildStashBytes(b, p->zBad, (int)strlen(p->zBad));
    return 1;
}

/* Copy a decoded row into a batch just emptied; 0 if its text has no room. */
static int buildStash(build_batch *b, const build_rec *r) {
    b->aRec[b->nRec] = *r;
    return buildStashSlot(b);
}

/* Hand the batch being filled to the helper, once it is done with its own. */
static int buildWorkerFlush(build_state *s) {
    build_worker *w = s->pW;
    build_batch *b = &w->aBatch[w->iFill];
    int rc = buildWorkerWait(s);
    if (rc == SQLITE_OK && b->nRec > 0) rc = buildReserve(s, b);
    if (rc || b->nRec == 0) return rc;
    b->iStop = 0;
    /* what the helper may write with this batch (it is idle: no race) */
    w->fault.nEvEnd = (int64_t)s->pD->nEv + b->nRec;
    w->fault.nUserEnd = (int64_t)s->pD->nUser + b->nRec;
    w->fault.nKeyByteEnd = s->pD->nKeyByte + b->nKeyByte;
    pthread_mutex_lock(&w->mutex);
    w->iWork = w->iFill;
    w->isBusy = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    w->iFill ^= 1;
    b = &w->aBatch[w->iFill];
    b->nRec = 0;
    b->nByte = b->nKeyByte = b->nSegByte = b->nGrpByte = 0;
    b->nSeg = b->nGrp = 0;
    return SQLITE_OK;
}

/* One row of the reader function. */
int learnpath_read_thread_row(build_state *s, sqlite3_value **ap) {
    build_worker *w = s->pW;
    build_rec r;
    int pending = 0, rc;
    if (w == NULL) {
        rc = learnpath_read_row_now(s, ap, &pending);
        if (rc == SQLITE_OK && !s->noWorker && s->pD->nRowRead >= buildThreadAfter) {
            buildStartWorker(s);
        }
        return rc;
    }
    build_batch *b = &w->aBatch[w->iFill];
    if (b->nRec < buildBatchRows) {
        /* decoded straight into the batch */
        rc = learnpath_read_decode(s, ap, &b->aRec[b->nRec]);
        if (rc) return rc;
        if (buildStashSlot(b)) return SQLITE_OK;
        r = b->aRec[b->nRec];
    } else {
        rc = learnpath_read_decode(s, ap, &r);
        if (rc) return rc;
    }
    rc = buildWorkerFlush(s);
    if (rc) return rc;
    if (buildStash(&w->aBatch[w->iFill], &r)) return SQLITE_OK;
    /* a row larger than a batch: kept here, after every row before it */
    rc = buildWorkerWait(s);
    if (rc == SQLITE_OK) rc = learnpath_read_row(s, &r, 0, &pending);
    if (rc == SQLITE_OK) s->pD->nRowRead++;
    return rc;
}

/* After the last row: keep what the batches hold. */
int learnpath_read_thread_drain(build_state *s) {
    if (s->pW == NULL) return SQLITE_OK;
    int rc = buildWorkerFlush(s);
    if (rc == SQLITE_OK) rc = buildWorkerWait(s);
    return rc;
}
/* ------------------------------------------------- two tasks at once */

typedef struct build_task {
    void (*xTask)(void *);
    void *pArg;
} build_task;

static void *buildTaskMain(void *pArg) {
    build_task *t = pArg;
    t->xTask(t->pArg);
    return NULL;
}

/* See lp_read_int.h. */
void learnpath_read_parallel(const lp_source_spec *p, void (*xA)(void *), void *pA,
                             void (*xB)(void *), void *pB) {
    build_task t = {xB, pB};
    pthread_t thread;
    sigset_t all, old;
    int rcMask, rcCreate = 1;
    if (p->nThreads >= 2) {
        sigfillset(&all); /* as the helper: signals go to the host's threads */
        rcMask = pthread_sigmask(SIG_SETMASK, &all, &old);
        rcCreate = pthread_create(&thread, NULL, buildTaskMain, &t);
        if (rcMask == 0) pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    xA(pA);
    if (rcCreate == 0) {
        pthread_join(thread, NULL);
    } else {
        xB(pB); /* one thread, or none could start: one after the other */
    }
}
#else
void learnpath_read_thread_stop(build_state *s) {
    (void)s;
}
int learnpath_read_thread_row(build_state *s, sqlite3_value **ap) {
    int pending = 0;
    return learnpath_read_row_now(s, ap, &pending);
}
int learnpath_read_thread_drain(build_state *s) {
    (void)s;
    return SQLITE_OK;
}
void learnpath_read_parallel(const lp_source_spec *p, void (*xA)(void *), void *pA,
                             void (*xB)(void *), void *pB) {
    (void)p;
    xA(pA);
    xB(pB);
}
void learnpath_build_fault_tune(int isAlways) {
    (void)isAlways;
}
void learnpath_build_fault_stats(int64_t *pnShort, int64_t *pnPast) {
    *pnShort = *pnPast = -1;
}
#endif

/* See lp_read.h. */
void learnpath_two_tasks(int nThreads, void (*xA)(void *), void *pA, void (*xB)(void *), void *pB) {
    lp_source_spec spec;
    memset(&spec, 0, sizeof(spec));
    spec.nThreads = nThreads;
    learnpath_read_parallel(&spec, xA, pA, xB, pB);
}

/* See lp_read.h. */
void learnpath_populate(void *p, int64_t n) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    long nPage = sysconf(_SC_PAGESIZE);
    uintptr_t a, e;
    if (p == NULL || n <= 0 || nPage <= 0) return;
    a = ((uintptr_t)p + (uintptr_t)nPage - 1) & ~((uintptr_t)nPage - 1);
    e = ((uintptr_t)p + (uintptr_t)n) & ~((uintptr_t)nPage - 1);
    /* the pages wholly inside the block; an error (an old kernel) leaves
    ** them to be faulted in when written, as without this */
    if (e > a) (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}
