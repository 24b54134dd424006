/*
** fuzz_common.h - what the two learnpath fuzz harnesses share.
**
** Included by fuzz_sql.c and fuzz_args.c (each is one translation unit with
** the extension compiled in, -DSQLITE_CORE). Provides:
**
**   fuzzInit()     once per process: memory statistics on; a VFS that
**                  opens no named file (only SQLite's nameless temp files),
**                  made the only one besides memdb, so no input can create,
**                  read or delete a file (ATTACH 'x.db', VACUUM INTO, URIs
**                  naming another VFS); the seed database built once and
**                  kept as a serialized image.
**   fuzzOpen()     per input: a fresh connection whose main database is a
**                  copy of the seed image, learnpath registered, limits set
**                  (SQLITE_LIMIT_LENGTH 1,000,000, SQLITE_LIMIT_SQL_LENGTH
**                  100,000, expression depth 200), SQLITE_DBCONFIG_DEFENSIVE
**                  on, an authorizer that refuses what would outlive the
**                  connection (heap limits, temp_store_directory, ATTACH of
**                  anything but ':memory:' or '') and a progress handler
**                  that stops every statement once the input has used
**                  FUZZ_MAX_STEPS virtual-machine steps.
**   fuzzClose()    close; abort() when sqlite3_close() is not SQLITE_OK (a
**                  nested statement left open) or when SQLite memory is
**                  still in use afterwards (a leak on some path): libFuzzer
**                  reports both as crashes, the replay driver as failures.
**
** The seed tables hold awkward contents on purpose (see SEED_SQL): every
** storage class in every column, NULL and empty values, huge strings,
** hundreds of enrollments at one instant, dates before year 1 and after
** 9999, infinities, unreadable times, invalid UTF-8, extreme integers,
** numbers and text that look alike (42, 42.0, '42'), quoted and dotted
** names, a WITHOUT ROWID table, views (one over a learnpath function, one
** that feeds itself to a function) and a trigger.
*/
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "learnpath.h" /* sqlite3_learnpath_init */

/* Virtual-machine steps one input may use (progress handler budget). */
#define FUZZ_MAX_STEPS 100000
#define FUZZ_PROGRESS_OPS 100

static unsigned char *fuzzSeedImage = NULL; /* serialized seed database (libc memory) */
static sqlite3_int64 fuzzSeedSize = 0;
static long long fuzzSteps = 0;

/* ---------------------------------------------------- a VFS of no files */

static sqlite3_vfs *fuzzRealVfs = NULL;
static sqlite3_vfs fuzzVfs;

static int fuzzVfsOpen(sqlite3_vfs *pVfs, const char *zName, sqlite3_file *pFile, int flags,
                       int *pOutFlags) {
    (void)pVfs;
    if (zName != NULL) {
        pFile->pMethods = NULL;
        return SQLITE_CANTOPEN; /* no named file, ever */
    }
    return fuzzRealVfs->xOpen(fuzzRealVfs, zName, pFile, flags, pOutFlags);
}

static int fuzzVfsDelete(sqlite3_vfs *pVfs, const char *zName, int syncDir) {
    (void)pVfs;
    (void)zName;
    (void)syncDir;
    return SQLITE_IOERR_DELETE;
}

static int fuzzVfsAccess(sqlite3_vfs *pVfs, const char *zName, int flags, int *pResOut) {
    (void)pVfs;
    (void)zName;
    (void)flags;
    *pResOut = 0; /* nothing exists */
    return SQLITE_OK;
}

static int fuzzVfsFullPathname(sqlite3_vfs *pVfs, const char *zName, int nOut, char *zOut) {
    (void)pVfs;
    sqlite3_snprintf(nOut, zOut, "%s", zName);
    return SQLITE_OK;
}

static void fuzzInstallVfs(void) {
    const char *azName[16];
    int n = 0;
    fuzzRealVfs = sqlite3_vfs_find(NULL);
    fuzzVfs = *fuzzRealVfs;
    fuzzVfs.zName = "learnpath-fuzz";
    fuzzVfs.pNext = NULL;
    fuzzVfs.xOpen = fuzzVfsOpen;
    fuzzVfs.xDelete = fuzzVfsDelete;
    fuzzVfs.xAccess = fuzzVfsAccess;
    fuzzVfs.xFullPathname = fuzzVfsFullPathname;
    fuzzVfs.xDlOpen = NULL;
    fuzzVfs.xDlError = NULL;
    fuzzVfs.xDlSym = NULL;
    fuzzVfs.xDlClose = NULL;
    /* unregister every other VFS but memdb (deserialized databases) */
    for (sqlite3_vfs *p = sqlite3_vfs_find(NULL); p && n < 16; p = p->pNext) {
        if (strcmp(p->zName, "memdb") != 0) azName[n++] = p->zName;
    }
    for (int i = 0; i < n; i++) sqlite3_vfs_unregister(sqlite3_vfs_find(azName[i]));
    sqlite3_vfs_register(&fuzzVfs, 1);
}

/* ---------------------------------------------------------- the seed */

/* Built once, with learnpath registered (sample_enrollments). */
static const char SEED_SQL[] =
    "PRAGMA page_size = 1024;"
    /* realistic: a small export */
    "CREATE TABLE e(user_id INTEGER, program TEXT, enrolled_at TEXT, user_type TEXT, account TEXT);"
    "INSERT INTO e SELECT * FROM sample_enrollments(40, 5);"
    /* awkward: no declared types, every storage class everywhere */
    "CREATE TABLE w(user_id, program, enrolled_at, seg);"
    "INSERT INTO w VALUES"
    " (1, 'Flagship', '2021-01-01 10:00:00', 'student'),"
    " (1, 'Program A', '2021-01-01 10:00:00', NULL),"
    " (1, 'Program A', '2021-01-05', 'professional'),"
    " (1, 'Flagship', 2459300.5, ''),"
    " (1.0, x'00ff41', 1617279000, 12),"
    " ('1', 'Program B', '2021-02-01T08:00:00Z', x'00'),"
    " (42, 'Program B', '2020-12-31 23:00:00+14:00', 'student'),"
    " (42.0, 'Program C', '2021-02-15 12:00:00.123456789', NULL),"
    " ('42', 'Program B', '  2021-01-20 12:00  ', 'professional'),"
    " (4.5, 'Program E', '2021-05-05 24:00:00', 3.25),"
    " (-0.0, 'Program E', '2021-02-31', NULL),"
    " (x'0102', 'Flagship', '2021-07-07 07:07:07', 'student'),"
    " (x'', 'Flagship', '2021-07-07', 'student'),"
    " (NULL, 'Flagship', '2021-01-01', 'student'),"
    " ('', 'Flagship', '2021-01-01', 'student'),"
    " (5, NULL, '2021-01-01', 'student'),"
    " (5, '', '2021-01-01', 'student'),"
    " (5, 'Flagship', NULL, 'student'),"
    " (5, 'Flagship', '', 'student'),"
    " (5, 'Program A', 'now', 'student'),"
    " (5, 'Program A', 'yesterday', 'student'),"
    " (5, 'Program A', '2021-13-01', 'student'),"
    " (5, 'Program A', '12:30', 'student'),"
    " (6, 'Program A', '-4713-11-24 12:00:00', NULL),"
    " (6, 'Program B', '-0001-06-15', NULL),"
    " (6, 'Program C', '0000-01-01 00:00:00', NULL),"
    " (6, 'Program D', '9999-12-31 23:59:59.999', NULL),"
    " (6, 'Program E', '10000-01-01', NULL),"
    " (7, 'Program A', 9e999, NULL),"
    " (7, 'Program B', -9e999, NULL),"
    " (7, 'Program C', 253402300799, NULL),"
    " (7, 'Program D', 253402300800, NULL),"
    " (7, 'Program E', -210866760000, NULL),"
    " (7, 'Flagship', 5373484.4999, NULL),"
    " (7, 'Flagship', -1e-300, NULL),"
    " (8, CAST(x'c328ff' AS TEXT), '2021-03-03', CAST(x'80' AS TEXT)),"
    " (CAST(x'e282' AS TEXT), 'Program A', '2021-03-03', 'student'),"
    " (9223372036854775807, 'Program A', '2021-01-01', NULL),"
    " (-9223372036854775808, 'Program A', '2021-01-01', NULL),"
    " (9.2233720368547758e18, 'Program B', '2021-01-02', NULL),"
    " (1e300, 'Program C', '2021-01-03', NULL),"
    " (10, 'A'' \"quoted\" > & <', '2021-01-01', 'a\"b''c'),"
    " (10, 'tab\there', '2021-01-02', 'new\nline');"
    /* huge strings */
    "INSERT INTO w SELECT 11, printf('%.*c', 20000, 'p'), '2021-01-01', printf('%.*c', 5000, 's');"
    "INSERT INTO w SELECT printf('%.*c', 3000, 'u'), 'Program A', '2021-01-01', NULL;"
    /* many enrollments at one instant, many users at one instant */
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300)"
    " INSERT INTO w SELECT 12, 'P' || i, '2022-02-22 22:22:22', NULL FROM c;"
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200)"
    " INSERT INTO w SELECT 1000 + i, 'Program ' || (i % 3), '2022-01-01', 's' || (i % 7) FROM c;"
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 60)"
    " INSERT INTO w SELECT 13, CASE i % 2 WHEN 0 THEN 'X' ELSE 'Y' END,"
    " julianday('2020-01-01') + i, NULL FROM c;"
    /* names that need quoting, a name with a dot, a WITHOUT ROWID table */
    "CREATE TABLE \"we\"\"ird.t\"(\"user id\", \"pro\"\"gram\", \"at\", \"seg\");"
    "INSERT INTO \"we\"\"ird.t\" SELECT * FROM w WHERE rowid % 3 = 0;"
    "CREATE TABLE nr(user_id, program, enrolled_at, PRIMARY KEY (user_id, program, enrolled_at))"
    " WITHOUT ROWID;"
    "INSERT OR IGNORE INTO nr SELECT user_id, program, enrolled_at FROM w"
    " WHERE user_id IS NOT NULL AND program IS NOT NULL AND enrolled_at IS NOT NULL;"
    "CREATE TABLE empty(user_id, program, enrolled_at);"
    /* views: plain, over a learnpath function, reading itself */
    "CREATE VIEW v AS SELECT user_id AS uid, program AS prog, enrolled_at AS at, seg FROM w"
    " WHERE rowid % 2 = 1;"
    "CREATE VIEW steps_v AS SELECT user_id, program, started_at AS enrolled_at, segment"
    " FROM program_steps('e', 'user_id', 'program', 'enrolled_at', 'user_type');"
    "CREATE VIEW selfv AS SELECT user_id, program, started_at AS enrolled_at"
    " FROM program_steps('selfv');"
    /* a trigger that runs a function over the table being written */
    "CREATE TABLE log(n);"
    "CREATE TRIGGER w_ins AFTER INSERT ON w BEGIN"
    " INSERT INTO log SELECT count(*) FROM first_program('w') WHERE bad_times = 'skip';"
    " END;";

static int fuzzAuth(void *pArg, int eCode, const char *z1, const char *z2, const char *z3,
                    const char *z4) {
    (void)pArg;
    (void)z2;
    (void)z3;
    (void)z4;
    if (eCode == SQLITE_ATTACH) {
        if (z1 == NULL || (strcmp(z1, ":memory:") != 0 && z1[0] != 0)) return SQLITE_DENY;
    }
    if (eCode == SQLITE_PRAGMA && z1) {
        static const char *const azDeny[] = {"hard_heap_limit", "soft_heap_limit",
                                             "temp_store_directory", "data_store_directory",
                                             "threads", "mmap_size"};
        for (size_t i = 0; i < sizeof(azDeny) / sizeof(azDeny[0]); i++) {
            if (sqlite3_stricmp(z1, azDeny[i]) == 0) return SQLITE_DENY;
        }
    }
    return SQLITE_OK;
}

static int fuzzProgress(void *pArg) {
    (void)pArg;
    fuzzSteps += FUZZ_PROGRESS_OPS;
    return fuzzSteps > FUZZ_MAX_STEPS;
}

static void fuzzDie(const char *zWhat, const char *zDetail) {
    fprintf(stderr, "fuzz: %s%s%s\n", zWhat, zDetail ? ": " : "", zDetail ? zDetail : "");
    abort();
}

static void fuzzInit(void) {
    static int done = 0;
    sqlite3 *db = NULL;
    char *zErr = NULL;
    if (done) return;
    done = 1;
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
    sqlite3_initialize();
    fuzzInstallVfs();
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) fuzzDie("seed open", sqlite3_errmsg(db));
    if (sqlite3_learnpath_init(db, &zErr, NULL) != SQLITE_OK) fuzzDie("seed init", zErr);
    if (sqlite3_exec(db, SEED_SQL, 0, 0, &zErr) != SQLITE_OK) fuzzDie("seed", zErr);
    unsigned char *a = sqlite3_serialize(db, "main", &fuzzSeedSize, 0);
    if (!a) fuzzDie("seed serialize", NULL);
    fuzzSeedImage = malloc((size_t)fuzzSeedSize);
    if (!fuzzSeedImage) fuzzDie("seed copy", NULL);
    memcpy(fuzzSeedImage, a, (size_t)fuzzSeedSize);
    sqlite3_free(a);
    if (sqlite3_close(db) != SQLITE_OK) fuzzDie("seed close", NULL);
    if (sqlite3_memory_used() != 0) fuzzDie("memory in use after building the seed", NULL);
}

static sqlite3 *fuzzOpen(void) {
    sqlite3 *db = NULL;
    char *zErr = NULL;
    unsigned char *a;
    fuzzInit();
    fuzzSteps = 0;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) fuzzDie("open", sqlite3_errmsg(db));
    a = sqlite3_malloc64((sqlite3_uint64)fuzzSeedSize);
    if (!a) fuzzDie("seed image", NULL);
    memcpy(a, fuzzSeedImage, (size_t)fuzzSeedSize);
    if (sqlite3_deserialize(db, "main", a, fuzzSeedSize, fuzzSeedSize,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) !=
        SQLITE_OK) {
        fuzzDie("deserialize", sqlite3_errmsg(db));
    }
    if (sqlite3_learnpath_init(db, &zErr, NULL) != SQLITE_OK) fuzzDie("init", zErr);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1000000);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 100000);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 200);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 50);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_exec(db, "PRAGMA temp_store = MEMORY", 0, 0, NULL);
    sqlite3_set_authorizer(db, fuzzAuth, NULL);
    sqlite3_progress_handler(db, FUZZ_PROGRESS_OPS, fuzzProgress, NULL);
    return db;
}

static void fuzzClose(sqlite3 *db) {
    int rc = sqlite3_close(db);
    if (rc != SQLITE_OK) {
        sqlite3_stmt *pStmt = sqlite3_next_stmt(db, NULL);
        fprintf(stderr, "fuzz: statement left open: %s\n", pStmt ? sqlite3_sql(pStmt) : "?");
        fuzzDie("sqlite3_close() did not return SQLITE_OK", sqlite3_errstr(rc));
    }
    if (sqlite3_memory_used() != 0) {
        char z[64];
        snprintf(z, sizeof(z), "%lld bytes", (long long)sqlite3_memory_used());
        fuzzDie("SQLite memory still in use after close (leak)", z);
    }
}

#endif /* FUZZ_COMMON_H */
