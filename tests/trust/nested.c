/*
** nested.c - errors of the statements learnpath runs inside its functions.
**
**   build/trust/nested [-v] [-k SECTION,...]
**   (-k: run only the sections whose name - locked, interrupt, progress,
**   corrupt, cache - contains one of the items; an item "=name" must match
**   the whole name)
**   (`make test-nested` builds it with the extension compiled in and runs it.)
**
** Every journey function reads its source with a nested statement. Any
** result of that statement's sqlite3_step() other than SQLITE_ROW or
** SQLITE_DONE must come back out of the function as an error, never as "end
** of data" (a silent short result). This program provokes such results and
** checks what the function query returns:
**
**   (a) locked      another connection to the same temp file holds BEGIN
**                   EXCLUSIVE; with busy timeout 0 every function fails
**                   with "database is locked". With only a RESERVED lock
**                   (BEGIN IMMEDIATE and an uncommitted INSERT) the reader
**                   sees the committed data in full; after the COMMIT it
**                   sees the new rows (a cache must notice the commit).
**   (b) interrupt   sqlite3_interrupt() from a progress handler after K
**                   callbacks, over a table of sample_enrollments(200000, 1):
**                   the query fails with "interrupted", and returns within
**                   at most one more progress callback (counted, not timed:
**                   what a Ctrl-C in a shell needs). Then an uninterrupted
**                   run still gives the full answer (nothing partial kept).
**   (c) progress    a progress handler that returns non-zero, once or from
**                   callback K on: an error, never a short result.
**   (d) corrupt     a file with a larger enrollments table gets bytes of
**                   its middle pages damaged (in a child process, so a crash
**                   is reported, not fatal). When SQLite's own scan of the
**                   table fails, every function must fail too; when SQLite
**                   reads the damaged file as the intact data, the function
**                   must give the intact answer or an error; when SQLite
**                   reads altered data without an error, only "no crash" is
**                   checked (that is SQLite's reading, not learnpath's).
**   (e) cache       a result kept between queries must never outlive the
**                   data it came from: another file attached under the
**                   same schema name, the same path attached again after
**                   the file was replaced, another in-memory database, or
**                   another image deserialized into an attached schema,
**                   must be read afresh; so must a WAL-mode file (as main
**                   and attached) changed in place by sqlite3_blob_write()
**                   on the same connection, which moves no counter but
**                   SQLITE_FCNTL_DATA_VERSION (README "Limitations",
**                   docs/functions.md "learnpath_cache_limit").
**
** With more than one CPU, half of (b) and (c) runs in a child process
** (fork, with its own connection); its lines are printed after ours.
** Each check prints "ok" or "FAIL"; the last line is "N passed, M failed"
** and the exit status is 0 only when nothing failed (tests/harness/ does
** the counting, -v, -k and the last line).
*/
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "learnpath.h"
#include "../harness/lp_harness.h"

static char gDir[256]; /* temp directory of this run */

/* ------------------------------------------------------------- helpers */

static sqlite3 *openDb(const char *zPath) {
    sqlite3 *db = NULL;
    char *zErr = NULL;
    if (sqlite3_open(zPath, &db) != SQLITE_OK) {
        fprintf(stderr, "nested: cannot open %s: %s\n", zPath, sqlite3_errmsg(db));
        exit(2);
    }
    if (sqlite3_learnpath_init(db, &zErr, NULL) != SQLITE_OK) {
        fprintf(stderr, "nested: learnpath_init: %s\n", zErr ? zErr : "?");
        exit(2);
    }
    return db;
}

static void execOk(sqlite3 *db, const char *zSql) {
    char *zErr = NULL;
    if (sqlite3_exec(db, zSql, 0, 0, &zErr) != SQLITE_OK) {
        fprintf(stderr, "nested: %s\n  in: %s\n", zErr ? zErr : "?", zSql);
        exit(2);
    }
}

static void closeOk(sqlite3 *db, const char *zWhat) {
    int rc = sqlite3_close(db);
    if (rc != SQLITE_OK) lph_check(0, "%s: sqlite3_close() returned %d (statement left open)", zWhat, rc);
}

/* Does the connection have function zName? */
static int hasFunction(sqlite3 *db, const char *zName) {
    sqlite3_stmt *pStmt = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_function_list WHERE name = ?", -1, &pStmt,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(pStmt, 1, zName, -1, SQLITE_STATIC);
        found = sqlite3_step(pStmt) == SQLITE_ROW;
    }
    sqlite3_finalize(pStmt);
    return found;
}

/* What a query gave: a digest of every row, or the error. */
typedef struct result {
    int rc;             /* SQLITE_OK, or the error code */
    char zErr[512];
    long long nRow;
    uint64_t hash;      /* FNV-1a over every value and separator */
} result;

static void hashBytes(uint64_t *h, const void *p, size_t n) {
    const unsigned char *z = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= z[i];
        *h *= 1099511628211ULL;
    }
}

static void runQuery(sqlite3 *db, const char *zSql, result *r) {
    sqlite3_stmt *pStmt = NULL;
    int rc;
    memset(r, 0, sizeof(*r));
    r->hash = 1469598103934665603ULL;
    rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    if (rc == SQLITE_OK) {
        int nCol = sqlite3_column_count(pStmt);
        while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
            r->nRow++;
            for (int i = 0; i < nCol; i++) {
                int eType = sqlite3_column_type(pStmt, i);
                char cType = (char)('0' + eType);
                hashBytes(&r->hash, &cType, 1);
                if (eType == SQLITE_INTEGER) {
                    sqlite3_int64 v = sqlite3_column_int64(pStmt, i);
                    hashBytes(&r->hash, &v, sizeof(v));
                } else if (eType == SQLITE_FLOAT) {
                    double v = sqlite3_column_double(pStmt, i);
                    hashBytes(&r->hash, &v, sizeof(v));
                } else if (eType != SQLITE_NULL) {
                    const void *z = eType == SQLITE_TEXT ? (const void *)sqlite3_column_text(pStmt, i)
                                                         : sqlite3_column_blob(pStmt, i);
                    if (z) hashBytes(&r->hash, z, (size_t)sqlite3_column_bytes(pStmt, i));
                }
                hashBytes(&r->hash, "|", 1);
            }
            hashBytes(&r->hash, "\n", 1);
        }
        if (rc == SQLITE_DONE) rc = SQLITE_OK;
    }
    r->rc = rc;
    if (rc != SQLITE_OK) snprintf(r->zErr, sizeof(r->zErr), "%s", sqlite3_errmsg(db));
    sqlite3_finalize(pStmt);
}

static int sameResult(const result *a, const result *b) {
    return a->rc == SQLITE_OK && b->rc == SQLITE_OK && a->nRow == b->nRow && a->hash == b->hash;
}

static const char *describe(const result *r) {
    static char z[700];
    if (r->rc == SQLITE_OK) {
        snprintf(z, sizeof(z), "%lld rows, digest %016llx", r->nRow, (unsigned long long)r->hash);
    } else {
        snprintf(z, sizeof(z), "error %d: %s", r->rc, r->zErr);
    }
    return z;
}

/* The queries: each journey function over source zSrc. */
#define N_FUNC 5
static const char *const azFunc[N_FUNC] = {"first_program", "program_journeys", "program_steps",
                                           "program_transitions", "view"};

static void funcSql(char *zOut, size_t n, int iFunc, const char *zSrc) {
    if (iFunc == 4) {
        /* a view over the source, read by a function */
        snprintf(zOut, n, "SELECT * FROM program_journeys('%s_view', 'user_id', 'program', "
                 "'enrolled_at', 'user_type')", zSrc);
    } else {
        snprintf(zOut, n, "SELECT * FROM %s('%s', 'user_id', 'program', 'enrolled_at', 'user_type')",
                 azFunc[iFunc], zSrc);
    }
}

/*
** Read sources in little memory (learnpath_memory_budget): the rows then
** stream from a nested statement during xNext, not only in xFilter.
** Returns 0 when this build has no budget.
*/
static int gHasBudget = -1; /* learnpath_memory_budget exists (set in main) */

static int setStreaming(sqlite3 *db, int on) {
    if (!gHasBudget) return 0;
    execOk(db, on ? "SELECT learnpath_memory_budget(1)" : "SELECT learnpath_memory_budget(0)");
    return 1;
}

/* --------------------------------------------------------- (a) locked */

static void testLocked(void) {
    char zPath[512], zSql[512];
    sqlite3 *dbA, *dbB, *dbC;
    result ref[N_FUNC], r;
    if (!lph_selected("locked")) return;
    snprintf(zPath, sizeof(zPath), "%s/locked.db", gDir);

    dbA = openDb(zPath);
    execOk(dbA, "CREATE TABLE e AS SELECT * FROM sample_enrollments(2000, 1);"
                "CREATE VIEW e_view AS SELECT * FROM e WHERE program <> 'Program E';");
    for (int i = 0; i < N_FUNC; i++) {
        funcSql(zSql, sizeof(zSql), i, "e");
        runQuery(dbA, zSql, &ref[i]);
        if (ref[i].rc != SQLITE_OK) lph_check(0, "locked: reference %s: %s", azFunc[i], describe(&ref[i]));
    }
    sqlite3_busy_timeout(dbA, 0);

    /* EXCLUSIVE: no reader may proceed */
    dbB = openDb(zPath);
    execOk(dbB, "BEGIN EXCLUSIVE");
    for (int i = 0; i < N_FUNC; i++) {
        funcSql(zSql, sizeof(zSql), i, "e");
        runQuery(dbA, zSql, &r);
        lph_check((r.rc & 0xff) == SQLITE_BUSY && strstr(r.zErr, "database is locked") != NULL,
                  "locked: %s while another connection holds EXCLUSIVE -> %s", azFunc[i],
                  describe(&r));
    }
    /* the same, streaming */
    if (setStreaming(dbA, 1)) {
        for (int i = 0; i < N_FUNC; i++) {
            funcSql(zSql, sizeof(zSql), i, "e");
            runQuery(dbA, zSql, &r);
            lph_check((r.rc & 0xff) == SQLITE_BUSY && strstr(r.zErr, "database is locked") != NULL,
                      "locked: %s (streaming) while another connection holds EXCLUSIVE -> %s",
                      azFunc[i], describe(&r));
        }
        setStreaming(dbA, 0);
    }
    /* a connection that has not read the schema yet fails at prepare */
    dbC = openDb(zPath);
    sqlite3_busy_timeout(dbC, 0);
    funcSql(zSql, sizeof(zSql), 0, "e");
    runQuery(dbC, zSql, &r);
    lph_check(r.rc != SQLITE_OK && strstr(r.zErr, "database is locked") != NULL,
              "locked: first query of a new connection under EXCLUSIVE -> %s", describe(&r));
    closeOk(dbC, "locked");
    execOk(dbB, "ROLLBACK");

    /* RESERVED with an uncommitted insert: readers see the committed data */
    execOk(dbB, "BEGIN IMMEDIATE;"
                "INSERT INTO e SELECT user_id + 1000000, program, enrolled_at, user_type, account"
                " FROM e WHERE user_id <= 100;");
    for (int i = 0; i < N_FUNC; i++) {
        funcSql(zSql, sizeof(zSql), i, "e");
        runQuery(dbA, zSql, &r);
        lph_check(sameResult(&r, &ref[i]),
                  "locked: %s while another connection holds an uncommitted write -> %s", azFunc[i],
                  describe(&r));
    }
    execOk(dbB, "COMMIT");
    closeOk(dbB, "locked");

    /* after the commit: the new rows, as a fresh connection reads them */
    dbC = openDb(zPath);
    for (int i = 0; i < N_FUNC; i++) {
        result fresh;
        funcSql(zSql, sizeof(zSql), i, "e");
        runQuery(dbC, zSql, &fresh);
        runQuery(dbA, zSql, &r);
        lph_check(sameResult(&r, &fresh) && !sameResult(&r, &ref[i]),
                  "locked: %s after the other connection committed sees its rows -> %s", azFunc[i],
                  describe(&r));
    }
    closeOk(dbC, "locked");
    closeOk(dbA, "locked");
}

/* ------------------------------------------- (b) interrupt, (c) progress */

typedef struct progress {
    sqlite3 *db;
    long long n;         /* callbacks so far */
    long long kInterrupt;/* call sqlite3_interrupt at callback k (0: never) */
    long long kFail;     /* return non-zero at callback k ... (0: never) */
    int failAlways;      /* ... and at every later one */
    long long nAfter;    /* callbacks after the interrupt / first non-zero */
    int fired;
} progress;

static int progressCb(void *pArg) {
    progress *p = pArg;
    p->n++;
    if (p->fired) p->nAfter++;
    if (p->kInterrupt && p->n == p->kInterrupt) {
        sqlite3_interrupt(p->db);
        p->fired = 1;
    }
    if (p->kFail && (p->n == p->kFail || (p->failAlways && p->n > p->kFail))) {
        p->fired = 1;
        return 1;
    }
    return 0;
}

#define PROGRESS_OPS 1000

static void runWithProgress(sqlite3 *db, const char *zSql, progress *p, result *r) {
    p->db = db;
    sqlite3_progress_handler(db, PROGRESS_OPS, progressCb, p);
    runQuery(db, zSql, r);
    sqlite3_progress_handler(db, 0, NULL, NULL);
}

static void clearCache(sqlite3 *db) {
    if (hasFunction(db, "learnpath_cache_clear")) {
        sqlite3_exec(db, "SELECT learnpath_cache_clear()", 0, 0, NULL);
    }
}

/* Runs iRun with iRun % nPart == iPart (the parts can run in two processes). */
static void testInterrupt(int iPart, int nPart) {
    sqlite3 *db;
    char zSql[512];
    int doInterrupt = lph_selected("interrupt"), doProgress = lph_selected("progress");
    if (!doInterrupt && !doProgress) return;
    db = openDb(":memory:");
    execOk(db, "CREATE TABLE e AS SELECT * FROM sample_enrollments(200000, 1);");
    /* in memory: the four functions; streaming: program_steps and
    ** program_transitions (a per-user and an aggregating one), and
    ** program_steps keeping the users who start from June 2022 (about 5%),
    ** so that most of the stream is users passed over (rule 7) */
    for (int iRun = 0; iRun < N_FUNC - 1 + 3; iRun++) {
        int i = iRun < N_FUNC - 1 ? iRun : iRun == N_FUNC ? 3 : 2;
        if (iRun % nPart != iPart) continue;
        int stream = iRun >= N_FUNC - 1;
        int isSince = iRun == N_FUNC + 1;
        const char *zMode = isSince ? " since 2022-06-01 (streaming)" : stream ? " (streaming)" : "";
        if (stream && !setStreaming(db, 1)) break;
        progress p;
        result ref, r;
        funcSql(zSql, sizeof(zSql), i, "e");
        if (isSince) {
            size_t n = strlen(zSql);
            snprintf(zSql + n, sizeof(zSql) - n, " WHERE since = '2022-06-01'");
        }
        clearCache(db);
        memset(&p, 0, sizeof(p));
        runWithProgress(db, zSql, &p, &ref);
        if (ref.rc != SQLITE_OK) {
            lph_check(0, "interrupt: reference %s%s: %s", azFunc[i], zMode, describe(&ref));
            continue;
        }
        long long nTotal = p.n;
        if (lph.verbose) printf("     %s: %s, %lld progress callbacks\n", azFunc[i], describe(&ref), nTotal);

        /* (b) sqlite3_interrupt at several points of the run: at once,
        ** while the source is read, and late (while rows are returned) */
        long long aK[3] = {1, nTotal / 3, nTotal - nTotal / 6};
        for (int j = 0; doInterrupt && j < 3; j++) {
            if (aK[j] < 1) continue;
            clearCache(db);
            memset(&p, 0, sizeof(p));
            p.kInterrupt = aK[j];
            runWithProgress(db, zSql, &p, &r);
            lph_check(r.rc == SQLITE_INTERRUPT && strstr(r.zErr, "interrupted") != NULL && p.nAfter <= 1,
                      "interrupt: %s%s, sqlite3_interrupt at callback %lld of %lld -> %s; "
                      "%lld callbacks after it",
                      azFunc[i], zMode, aK[j], nTotal, describe(&r), p.nAfter);
        }
        /* (c) a progress handler that asks to stop, once or for good */
        for (int j = 0; doProgress && j < 2; j++) {
            clearCache(db);
            memset(&p, 0, sizeof(p));
            p.kFail = j == 0 ? nTotal / 2 : nTotal / 6;
            p.failAlways = j == 1;
            if (p.kFail < 1) p.kFail = 1;
            runWithProgress(db, zSql, &p, &r);
            lph_check(r.rc != SQLITE_OK && strstr(r.zErr, "interrupted") != NULL,
                      "progress: %s%s, handler returns non-zero %s at callback %lld of %lld -> %s",
                      azFunc[i], zMode, p.failAlways ? "from then on" : "once", p.kFail, nTotal,
                      describe(&r));
        }
        /* nothing partial was kept: a full run again (cache left as is) */
        runQuery(db, zSql, &r);
        lph_check(sameResult(&r, &ref), "interrupt: %s%s after the interrupted runs gives the full answer",
                  azFunc[i], zMode);
    }
    closeOk(db, "interrupt");
}

/* --------------------------------------------------------- (d) corrupt */

static unsigned char *readFile(const char *zPath, size_t *pn) {
    FILE *f = fopen(zPath, "rb");
    unsigned char *a;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    a = malloc((size_t)n);
    if (a && fread(a, 1, (size_t)n, f) != (size_t)n) {
        free(a);
        a = NULL;
    }
    fclose(f);
    *pn = (size_t)n;
    return a;
}

static int writeFile(const char *zPath, const unsigned char *a, size_t n) {
    FILE *f = fopen(zPath, "wb");
    if (!f) return 0;
    int ok = fwrite(a, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static uint64_t rng(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#define PLAIN_SCAN "SELECT user_id, program, enrolled_at, user_type FROM e"

/*
** One damaged file, in a child process. Returns 0 when every function
** behaved, 1 when one did not (printed), 2 when SQLite's own scan read
** altered data (nothing to compare).
*/
static int corruptTrial(const char *zPath, const result *plainRef, const result *aRef,
                        const char *zWhat) {
    sqlite3 *db = openDb(zPath);
    result plain, r;
    char zSql[512];
    int bad = 0;
    runQuery(db, PLAIN_SCAN, &plain);
    int sqliteSaw = plain.rc != SQLITE_OK;          /* SQLite detected damage */
    int sameData = sameResult(&plain, plainRef);    /* SQLite reads intact data */
    int nRun = N_FUNC - 1;
    if (setStreaming(db, 0)) nRun *= 2; /* then each again, streaming */
    for (int iRun = 0; iRun < nRun; iRun++) {
        int i = iRun % (N_FUNC - 1);
        if (iRun == N_FUNC - 1) setStreaming(db, 1);
        funcSql(zSql, sizeof(zSql), i, "e");
        runQuery(db, zSql, &r);
        if (sqliteSaw && r.rc == SQLITE_OK) {
            printf("FAIL corrupt: %s: %s returned %s although SQLite's own scan fails (%s)\n",
                   zWhat, azFunc[i], describe(&r), plain.zErr);
            bad = 1;
        } else if (sameData && r.rc == SQLITE_OK && !sameResult(&r, &aRef[i])) {
            printf("FAIL corrupt: %s: %s returned %s, not the intact answer %s\n", zWhat,
                   azFunc[i], describe(&r), describe(&aRef[i]));
            bad = 1;
        } else if (lph.verbose) {
            printf("     %s: %s -> %s\n", zWhat, azFunc[i], describe(&r));
        }
    }
    sqlite3_close(db);
    if (bad) return 1;
    return sqliteSaw ? 0 : sameData ? 3 : 2;
}

static void testCorrupt(void) {
    char zPath[512], zBad[512], zSql[512];
    sqlite3 *db;
    result plainRef, aRef[N_FUNC];
    unsigned char *aFile, *aCopy;
    size_t nFile;
    int pageSize = 0;
    uint64_t seed = 20240601;
    int nDetected = 0, nIntact = 0, nAltered = 0, nTrial = 0;
    if (!lph_selected("corrupt")) return;

    snprintf(zPath, sizeof(zPath), "%s/intact.db", gDir);
    snprintf(zBad, sizeof(zBad), "%s/damaged.db", gDir);
    db = openDb(zPath);
    execOk(db, "PRAGMA page_size = 4096;"
               "CREATE TABLE e AS SELECT * FROM sample_enrollments(5000, 3);");
    runQuery(db, PLAIN_SCAN, &plainRef);
    for (int i = 0; i < N_FUNC - 1; i++) {
        funcSql(zSql, sizeof(zSql), i, "e");
        runQuery(db, zSql, &aRef[i]);
    }
    {
        sqlite3_stmt *pStmt = NULL;
        sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &pStmt, NULL);
        if (sqlite3_step(pStmt) == SQLITE_ROW) pageSize = sqlite3_column_int(pStmt, 0);
        sqlite3_finalize(pStmt);
    }
    closeOk(db, "corrupt");
    aFile = readFile(zPath, &nFile);
    if (!aFile || pageSize <= 0) {
        lph_check(0, "corrupt: cannot read back %s", zPath);
        free(aFile);
        return;
    }
    aCopy = malloc(nFile);
    if (!aCopy) exit(2);
    size_t nPage = nFile / (size_t)pageSize;

    /* kinds of damage, each on one or a few pages from the middle third */
    static const char *const azKind[] = {"page type byte zeroed", "b-tree header bytes flipped",
                                         "cell pointers flipped", "random bytes flipped",
                                         "page overwritten with noise", "page zeroed"};
    for (int kind = 0; kind < 6; kind++) {
        for (int rep = 0; rep < 10; rep++) {
            char zWhat[200];
            memcpy(aCopy, aFile, nFile);
            size_t iPage = nPage / 3 + (size_t)(rng(&seed) % (nPage / 3 + 1));
            if (iPage < 1) iPage = 1; /* never page 1 (the schema) */
            unsigned char *pg = aCopy + iPage * (size_t)pageSize;
            switch (kind) {
                case 0: pg[0] = 0; break;
                case 1:
                    for (int k = 0; k < 3; k++) pg[rng(&seed) % 8] ^= (unsigned char)(1 + rng(&seed) % 255);
                    break;
                case 2: {
                    int nCell = (pg[3] << 8) | pg[4];
                    int hdr = (pg[0] == 2 || pg[0] == 5) ? 12 : 8;
                    for (int k = 0; k < 2 && nCell > 0; k++) {
                        pg[hdr + 2 * (int)(rng(&seed) % (uint64_t)nCell) + (int)(rng(&seed) % 2)] ^=
                            (unsigned char)(1 + rng(&seed) % 255);
                    }
                    break;
                }
                case 3:
                    for (int k = 0; k < 8; k++) pg[rng(&seed) % (uint64_t)pageSize] ^= (unsigned char)(1 + rng(&seed) % 255);
                    break;
                case 4:
                    for (int k = 0; k < pageSize; k++) pg[k] = (unsigned char)rng(&seed);
                    break;
                default: memset(pg, 0, (size_t)pageSize); break;
            }
            if (!writeFile(zBad, aCopy, nFile)) {
                lph_check(0, "corrupt: cannot write %s", zBad);
                continue;
            }
            snprintf(zWhat, sizeof(zWhat), "%s on page %zu of %zu (trial %d)", azKind[kind],
                     iPage + 1, nPage, rep + 1);
            fflush(stdout);
            pid_t pid = fork();
            if (pid == 0) {
                int rcChild = corruptTrial(zBad, &plainRef, aRef, zWhat);
                free(aCopy); /* the parent's buffers: not a leak of the child's */
                free(aFile);
                exit(rcChild);
            }
            int status = 0;
            if (pid < 0 || waitpid(pid, &status, 0) < 0) {
                lph_check(0, "corrupt: fork/wait failed: %s", strerror(errno));
                continue;
            }
            nTrial++;
            if (WIFSIGNALED(status)) {
                lph_check(0, "corrupt: %s: crashed with signal %d", zWhat, WTERMSIG(status));
            } else if (WEXITSTATUS(status) == 1) {
                lph_check(0, "corrupt: %s (see above)", zWhat);
            } else if (WEXITSTATUS(status) == 2) {
                nAltered++;
            } else if (WEXITSTATUS(status) == 0) {
                nDetected++;
            } else if (WEXITSTATUS(status) == 3) {
                nIntact++;
            } else {
                lph_check(0, "corrupt: %s: child exited with %d", zWhat, WEXITSTATUS(status));
            }
        }
    }
    lph_check(nTrial > 0 && nDetected + nIntact + nAltered == nTrial,
              "corrupt: %d damaged files, no crash; SQLite's scan failed on %d (so did every "
              "function), read intact data from %d (every function gave the intact answer or an "
              "error), altered data from %d (only 'no crash' checked)",
              nTrial, nDetected, nIntact, nAltered);
    free(aCopy);
    free(aFile);
    unlink(zBad);
    unlink(zPath);
}

/* ----------------------------------------------------------- (e) cache */

static void makeSourceDb(const char *zPath, const char *zProgram) {
    sqlite3 *db = openDb(zPath);
    char *zSql = sqlite3_mprintf("CREATE TABLE t(user_id, program, enrolled_at);"
                                 "INSERT INTO t VALUES (1, %Q, '2021-01-01'), (2, %Q, '2021-02-01');",
                                 zProgram, zProgram);
    execOk(db, zSql);
    sqlite3_free(zSql);
    closeOk(db, "cache");
}

static void firstProgramOf(sqlite3 *db, const char *zSource, char *zOut, size_t n) {
    sqlite3_stmt *pStmt = NULL;
    char *zSql = sqlite3_mprintf("SELECT group_concat(program, ',') FROM first_program(%Q)", zSource);
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    sqlite3_free(zSql);
    if (rc == SQLITE_OK && (rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        const char *z = (const char *)sqlite3_column_text(pStmt, 0);
        snprintf(zOut, n, "%s", z ? z : "NULL");
    } else {
        snprintf(zOut, n, "ERROR: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(pStmt);
}

/*
** Results kept with cached data (memoized aggregates) must depend on every
** argument: each call, made twice on a connection that caches, must equal
** the same call on a connection that does not.
*/
static void testCacheArguments(void) {
    static const char *const azFunc5[] = {"first_program", "program_journeys", "program_steps",
                                          "program_transitions", "first_program_stats",
                                          "program_popularity", "first_program_monthly"};
    static const char *const azWhere[] = {
        "", "WHERE ties = 'name'", "WHERE repeats = 'keep'", "WHERE repeats = 'first_only'",
        "WHERE within_days = 0", "WHERE within_days = 30", "WHERE since = '2021-01-01'",
        "WHERE until = '2021-06-01'", "WHERE since = '2020-06-01' AND until = '2021-06-01'",
        "WHERE ties = 'name' AND repeats = 'first_only' AND within_days = 60",
        "WHERE bad_times = 'skip'"};
    const int nWhere = (int)(sizeof(azWhere) / sizeof(azWhere[0]));
    sqlite3 *dbA, *dbB;
    char zSql[600];
    int nBad = 0, nCall = 0;
    dbA = openDb(":memory:");
    dbB = openDb(":memory:");
    const char *zData = "CREATE TABLE e AS SELECT * FROM sample_enrollments(1500, 11);";
    execOk(dbA, zData);
    execOk(dbB, zData);
    if (hasFunction(dbB, "learnpath_cache_limit")) execOk(dbB, "SELECT learnpath_cache_limit(0)");
    for (int pass = 0; pass < 2; pass++) {
        for (int f = 0; f < (int)(sizeof(azFunc5) / sizeof(azFunc5[0])); f++) {
            for (int seg = 0; seg < 2; seg++) {
                for (int w = 0; w < nWhere; w++) {
                    result a, b;
                    snprintf(zSql, sizeof(zSql), "SELECT * FROM %s('e', 'user_id', 'program', "
                             "'enrolled_at'%s) %s", azFunc5[f], seg ? ", 'user_type'" : "",
                             azWhere[w]);
                    runQuery(dbA, zSql, &a);
                    runQuery(dbB, zSql, &b);
                    nCall++;
                    if (!(sameResult(&a, &b) || (a.rc != SQLITE_OK && a.rc == b.rc &&
                                                  strcmp(a.zErr, b.zErr) == 0))) {
                        nBad++;
                        if (nBad <= 5) {
                            printf("     pass %d: %s\n       cached: %s\n", pass + 1, zSql,
                                   describe(&a));
                            printf("       fresh:  %s\n", describe(&b));
                        }
                    }
                }
            }
        }
    }
    lph_check(nBad == 0, "cache: %d calls (7 functions x 22 argument sets, twice) on a caching "
              "connection equal the same calls without a cache; %d differ", nCall, nBad);
    closeOk(dbA, "cache");
    closeOk(dbB, "cache");
}

/*
** Issue 11 item 3: in a WAL-mode file, 'from-a' becomes 'from-b' in place
** through incremental blob I/O on the same connection. No row change is
** counted, the main file is not touched (the write goes to the -wal file)
** and PRAGMA data_version does not move for the connection's own writes:
** the answer must be fresh all the same, as main and as an attached schema.
** Unchanged, the second query is still served from the cache.
*/
/* Counts the statements that read a source (the nested learnpath_internal_read). */
static int traceReads(unsigned mask, void *pArg, void *pStmt, void *pX) {
    const char *zSql = sqlite3_sql((sqlite3_stmt *)pStmt);
    (void)mask;
    (void)pX;
    if (zSql && strstr(zSql, "learnpath_internal_read(")) ++*(int *)pArg;
    return 0;
}

static void testCacheBlobWal(void) {
    char zW[512], zSql[700], zGot[200];
    static const char *const azAs[] = {"main", "w"};
    snprintf(zW, sizeof(zW), "%s/source_wal.db", gDir);
    for (int i = 0; i < 2; i++) {
        sqlite3 *db;
        sqlite3_blob *pBlob = NULL;
        const char *zSrc = i ? "w.t" : "t";
        unlink(zW);
        makeSourceDb(zW, "from-a");
        db = openDb(i ? ":memory:" : zW);
        if (i) {
            snprintf(zSql, sizeof(zSql), "ATTACH '%s' AS w", zW);
            execOk(db, zSql);
        }
        snprintf(zSql, sizeof(zSql), "PRAGMA %s.journal_mode = WAL", azAs[i]);
        execOk(db, zSql);
        int nRead = 0;
        firstProgramOf(db, zSrc, zGot, sizeof(zGot));
        sqlite3_trace_v2(db, SQLITE_TRACE_STMT, traceReads, &nRead);
        firstProgramOf(db, zSrc, zGot, sizeof(zGot));
        sqlite3_trace_v2(db, 0, NULL, NULL);
        lph_check(strcmp(zGot, "from-a,from-a") == 0 && nRead == 0,
                  "cache: WAL file as %s reads -> %s, the second time from the cache (%d reads)",
                  azAs[i], zGot, nRead);
        if (sqlite3_blob_open(db, azAs[i], "t", "program", 1, 1, &pBlob) != SQLITE_OK ||
            sqlite3_blob_write(pBlob, "b", 1, 5) != SQLITE_OK ||
            sqlite3_blob_close(pBlob) != SQLITE_OK) {
            lph_check(0, "cache: blob write into the WAL file as %s: %s", azAs[i], sqlite3_errmsg(db));
        } else {
            firstProgramOf(db, zSrc, zGot, sizeof(zGot));
            lph_check(strcmp(zGot, "from-b,from-a") == 0,
                      "cache: after sqlite3_blob_write() of 'from-b' into the WAL file as %s, "
                      "first_program('%s') -> %s (expected from-b,from-a)", azAs[i], zSrc, zGot);
        }
        closeOk(db, "cache");
    }
    unlink(zW);
    snprintf(zSql, sizeof(zSql), "%s-wal", zW);
    unlink(zSql);
    snprintf(zSql, sizeof(zSql), "%s-shm", zW);
    unlink(zSql);
}

static void testCache(void) {
    char zA[512], zB[512], zSql[1200], zGot[200];
    sqlite3 *db;
    if (!lph_selected("cache")) return;
    snprintf(zA, sizeof(zA), "%s/source_a.db", gDir);
    snprintf(zB, sizeof(zB), "%s/source_b.db", gDir);
    makeSourceDb(zA, "from-a");
    makeSourceDb(zB, "from-b");

    /* the same schema name, another file */
    db = openDb(":memory:");
    snprintf(zSql, sizeof(zSql), "ATTACH '%s' AS x", zA);
    execOk(db, zSql);
    firstProgramOf(db, "x.t", zGot, sizeof(zGot));
    lph_check(strcmp(zGot, "from-a,from-a") == 0, "cache: attached file a reads -> %s", zGot);
    execOk(db, "DETACH x");
    snprintf(zSql, sizeof(zSql), "ATTACH '%s' AS x", zB);
    execOk(db, zSql);
    firstProgramOf(db, "x.t", zGot, sizeof(zGot));
    lph_check(strcmp(zGot, "from-b,from-b") == 0,
              "cache: after DETACH x and ATTACH of another file AS x, first_program('x.t') -> %s "
              "(expected from-b,from-b)", zGot);
    closeOk(db, "cache");

    /* the same name and the same path, but the file was replaced while it
    ** was detached (a fresh export copied over the old one) */
    {
        char zC[512];
        size_t nA = 0, nB = 0;
        unsigned char *aA = readFile(zA, &nA), *aB = readFile(zB, &nB);
        snprintf(zC, sizeof(zC), "%s/source_c.db", gDir);
        if (!aA || !aB || !writeFile(zC, aA, nA)) {
            lph_check(0, "cache: cannot copy %s", zA);
        } else {
            db = openDb(":memory:");
            snprintf(zSql, sizeof(zSql), "ATTACH '%s' AS x", zC);
            execOk(db, zSql);
            firstProgramOf(db, "x.t", zGot, sizeof(zGot));
            lph_check(strcmp(zGot, "from-a,from-a") == 0, "cache: attached copy of file a reads -> %s",
                      zGot);
            execOk(db, "DETACH x");
            if (!writeFile(zC, aB, nB)) lph_check(0, "cache: cannot overwrite %s", zC);
            execOk(db, zSql);
            firstProgramOf(db, "x.t", zGot, sizeof(zGot));
            lph_check(strcmp(zGot, "from-b,from-b") == 0,
                      "cache: after DETACH x, replacing the file by another database and ATTACH of "
                      "the same path AS x, first_program('x.t') -> %s (expected from-b,from-b)", zGot);
            closeOk(db, "cache");
        }
        free(aA);
        free(aB);
        unlink(zC);
    }

    /* the same, with in-memory databases only (pure SQL) */
    db = openDb(":memory:");
    execOk(db, "ATTACH ':memory:' AS x;"
               "CREATE TABLE x.t(user_id, program, enrolled_at);"
               "INSERT INTO x.t VALUES (1, 'from-a', '2021-01-01');");
    firstProgramOf(db, "x.t", zGot, sizeof(zGot));
    lph_check(strcmp(zGot, "from-a") == 0, "cache: attached :memory: database reads -> %s", zGot);
    execOk(db, "DETACH x;"
               "ATTACH ':memory:' AS x;"
               "CREATE TABLE x.t(user_id, program, enrolled_at);");
    firstProgramOf(db, "x.t", zGot, sizeof(zGot));
    lph_check(strcmp(zGot, "NULL") == 0,
              "cache: after DETACH x and ATTACH ':memory:' AS x with an empty x.t, "
              "first_program('x.t') -> %s (expected no row)", zGot);
    closeOk(db, "cache");

    /* another image deserialized into an attached schema. (Not into main:
    ** SQLite 3.40 itself reads freed memory when main is deserialized
    ** after an eponymous virtual table - json_each as well as learnpath's
    ** functions - was used on the connection.) */
    {
        sqlite3 *dbA = openDb(zA), *dbB = openDb(zB);
        sqlite3_int64 nA = 0, nB = 0;
        unsigned char *aA = sqlite3_serialize(dbA, "main", &nA, 0);
        unsigned char *aB = sqlite3_serialize(dbB, "main", &nB, 0);
        const unsigned flags = SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE;
        closeOk(dbA, "cache");
        closeOk(dbB, "cache");
        db = openDb(":memory:");
        execOk(db, "ATTACH ':memory:' AS x");
        if (!aA || !aB || sqlite3_deserialize(db, "x", aA, nA, nA, flags) != SQLITE_OK) {
            lph_check(0, "cache: cannot serialize/deserialize");
            sqlite3_free(aB);
        } else {
            firstProgramOf(db, "x.t", zGot, sizeof(zGot));
            lph_check(strcmp(zGot, "from-a,from-a") == 0, "cache: deserialized image a reads -> %s",
                      zGot);
            if (sqlite3_deserialize(db, "x", aB, nB, nB, flags) != SQLITE_OK) {
                lph_check(0, "cache: cannot deserialize image b");
            } else {
                firstProgramOf(db, "x.t", zGot, sizeof(zGot));
                lph_check(strcmp(zGot, "from-b,from-b") == 0,
                          "cache: after sqlite3_deserialize() of another image into x, "
                          "first_program('x.t') -> %s (expected from-b,from-b)", zGot);
            }
        }
        closeOk(db, "cache");
    }
    testCacheBlobWal();
    unlink(zA);
    unlink(zB);
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
    if (lph_options(argc, argv, LPH_OPT_K, "[-v] [-k locked|interrupt|progress|corrupt|cache]",
                    NULL)) {
        return 2;
    }
    const char *zTmp = getenv("TMPDIR");
    snprintf(gDir, sizeof(gDir), "%s/learnpath-nested-XXXXXX", zTmp && *zTmp ? zTmp : "/tmp");
    if (!mkdtemp(gDir)) {
        fprintf(stderr, "nested: mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    printf("nested: SQLite %s, temp files in %s\n", sqlite3_libversion(), gDir);
    {
        sqlite3 *db = openDb(":memory:");
        gHasBudget = hasFunction(db, "learnpath_memory_budget");
        closeOk(db, "main");
        if (!gHasBudget) printf("SKIP streaming variants: no learnpath_memory_budget()\n");
    }
    testLocked();
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1 && (lph_selected("interrupt") || lph_selected("progress"))) {
        /* half of (b) and (c) in a child process; its lines follow ours */
        FILE *pOut = tmpfile();
        pid_t pid;
        fflush(stdout);
        pid = pOut ? fork() : -1;
        if (pid == 0) {
            dup2(fileno(pOut), 1);
            lph.nPassed = lph.nFailed = 0;
            testInterrupt(1, 2);
            printf("@@counts %d %d\n", lph.nPassed, lph.nFailed);
            fflush(stdout);
            exit(0);
        }
        testInterrupt(0, 2);
        if (pid < 0) {
            testInterrupt(1, 2);
        } else {
            int status = 0, nOk = -1, nBad = -1;
            char zLine[2048];
            waitpid(pid, &status, 0);
            fflush(stdout);
            fseek(pOut, 0, SEEK_SET);
            while (fgets(zLine, sizeof(zLine), pOut)) {
                if (sscanf(zLine, "@@counts %d %d", &nOk, &nBad) != 2) fputs(zLine, stdout);
            }
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || nOk < 0) {
                lph_check(0, "interrupt: the child process running half of the checks died");
            } else {
                lph_tally(nOk, nBad);
            }
        }
        if (pOut) fclose(pOut);
    } else {
        testInterrupt(0, 1);
    }
    testCorrupt();
    if (lph_selected("cache")) testCacheArguments();
    testCache();

    char zPath[600];
    static const char *const azLeft[] = {"locked.db", "locked.db-journal", "intact.db",
                                         "damaged.db", "source_a.db", "source_b.db"};
    for (size_t i = 0; i < sizeof(azLeft) / sizeof(azLeft[0]); i++) {
        snprintf(zPath, sizeof(zPath), "%s/%s", gDir, azLeft[i]);
        unlink(zPath);
    }
    rmdir(gDir);
    return lph_finish();
}
