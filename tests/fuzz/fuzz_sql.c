/*
** fuzz_sql.c - libFuzzer harness: the input is SQL, run against learnpath.
**
**   make fuzz          (clang, -fsanitize=fuzzer,address,undefined)
**   make fuzz-replay   (gcc, replay.c feeds each corpus file once)
**
** Per input: a fresh connection on a copy of the seed database (awkward
** tables and views, see fuzz_common.h) with learnpath registered, limits,
** SQLITE_DBCONFIG_DEFENSIVE, an authorizer and a progress-handler budget;
** every statement of the input runs in turn, reading every value as text
** (errors end that statement only: most inputs are not valid SQL, and most
** valid ones fail somewhere); then the connection closes and must leave no
** statement open and no SQLite memory in use. FUZZ_SQL_VERBOSE=1 prints
** what each statement gave.
*/
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv);
int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv) {
    (void)pArgc;
    (void)pArgv;
    fuzzInit();
    return 0;
}

/*
** Run every statement of zSql in turn, as the sqlite3 shell does: an error
** ends that statement only (sqlite3_exec would stop the whole input), and
** every value of every row is read as text.
*/
static void runAll(sqlite3 *db, const char *zSql, int verbose) {
    const char *zTail = zSql;
    while (zTail && *zTail) {
        sqlite3_stmt *pStmt = NULL;
        const char *zNext = NULL;
        int rc = sqlite3_prepare_v2(db, zTail, -1, &pStmt, &zNext);
        if (rc != SQLITE_OK) {
            if (verbose) fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
            sqlite3_finalize(pStmt);
            if (zNext == NULL || zNext <= zTail) break;
            zTail = zNext;
            continue;
        }
        zTail = zNext;
        if (pStmt == NULL) continue;
        int nCol = sqlite3_column_count(pStmt), nRow = 0;
        while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
            nRow++;
            for (int i = 0; i < nCol; i++) {
                const unsigned char *z = sqlite3_column_text(pStmt, i);
                int n = sqlite3_column_bytes(pStmt, i);
                if (z && z[n] != 0) fuzzDie("column text not NUL-terminated", NULL);
            }
        }
        if (verbose) {
            fprintf(stderr, "%.60s... -> %d rows, %s\n", sqlite3_sql(pStmt), nRow,
                    rc == SQLITE_DONE ? "done" : sqlite3_errmsg(db));
        }
        sqlite3_finalize(pStmt);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
    static int verbose = -1;
    sqlite3 *db;
    char *zSql;
    if (verbose < 0) verbose = getenv("FUZZ_SQL_VERBOSE") != NULL;
    if (nData > 100000) return 0;
    zSql = malloc(nData + 1);
    if (!zSql) return 0;
    memcpy(zSql, aData, nData);
    zSql[nData] = 0;
    db = fuzzOpen();
    runAll(db, zSql, verbose);
    fuzzClose(db);
    free(zSql);
    return 0;
}
