/* lp_test.c - see lp_test.h. */
#include <stdio.h>
#include <string.h>

#include "lp_test.h"

sqlite3 *lpt_open(void) {
    sqlite3 *db = NULL;
    char *zErr = NULL;
    int rc = sqlite3_open(":memory:", &db);
    ck_assert_int_eq(rc, SQLITE_OK);
    rc = sqlite3_learnpath_init(db, &zErr, NULL);
    ck_assert_msg(rc == SQLITE_OK, "init failed: %s", zErr ? zErr : "?");
    return db;
}

void lpt_exec(sqlite3 *db, const char *zSql) {
    char *zErr = NULL;
    int rc = sqlite3_exec(db, zSql, 0, 0, &zErr);
    ck_assert_msg(rc == SQLITE_OK, "exec failed: %s\nSQL: %s", zErr ? zErr : "?", zSql);
}

void lpt_fixture(sqlite3 *db, const char *zName) {
    char *zPath = sqlite3_mprintf("tests/fixtures/%s.sql", zName);
    sqlite3_str *pSql = sqlite3_str_new(NULL);
    char aBuf[4096];
    size_t n;
    FILE *pIn;
    ck_assert_ptr_nonnull(zPath);
    pIn = fopen(zPath, "rb");
    ck_assert_msg(pIn != NULL, "cannot open %s (run the tests from the repository root)", zPath);
    while ((n = fread(aBuf, 1, sizeof(aBuf), pIn)) > 0) sqlite3_str_append(pSql, aBuf, (int)n);
    ck_assert_msg(!ferror(pIn), "cannot read %s", zPath);
    fclose(pIn);
    {
        char *zSql = sqlite3_str_finish(pSql);
        char *zErr = NULL;
        int rc;
        ck_assert_msg(zSql != NULL, "%s: empty or out of memory", zPath);
        rc = sqlite3_exec(db, zSql, 0, 0, &zErr);
        ck_assert_msg(rc == SQLITE_OK, "fixture %s failed: %s", zPath, zErr ? zErr : "?");
        sqlite3_free(zSql);
    }
    sqlite3_free(zPath);
}

sqlite3 *lpt_open_fixture(const char *zName) {
    sqlite3 *db = lpt_open();
    lpt_fixture(db, zName);
    return db;
}

char *lpt_query(sqlite3 *db, const char *zSql) {
    sqlite3_stmt *pStmt = NULL;
    sqlite3_str *pOut = sqlite3_str_new(db);
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    if (rc == SQLITE_OK) {
        int nCol = sqlite3_column_count(pStmt);
        while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
            for (int i = 0; i < nCol; i++) {
                if (i) sqlite3_str_appendchar(pOut, 1, '|');
                switch (sqlite3_column_type(pStmt, i)) {
                    case SQLITE_NULL:
                        sqlite3_str_appendall(pOut, "NULL");
                        break;
                    case SQLITE_FLOAT:
                        sqlite3_str_appendf(pOut, "%.10g", sqlite3_column_double(pStmt, i));
                        break;
                    default:
                        sqlite3_str_appendall(pOut, (const char *)sqlite3_column_text(pStmt, i));
                }
            }
            sqlite3_str_appendchar(pOut, 1, '\n');
        }
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        sqlite3_str_reset(pOut);
        sqlite3_str_appendf(pOut, "ERROR: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(pStmt);
    {
        /* no rows is "", not NULL (sqlite3_str_finish gives NULL for "") */
        int isEmpty = sqlite3_str_length(pOut) == 0 && sqlite3_str_errcode(pOut) == SQLITE_OK;
        char *z = sqlite3_str_finish(pOut);
        return z == NULL && isEmpty ? sqlite3_mprintf("%s", "") : z;
    }
}
