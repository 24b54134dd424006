/*
** host.c - the smallest program that loads learnpath the way a real host
** does, built by tests/floor/run.sh once per SQLite: against an old
** amalgamation (3.30.1, below the floor), against the floor release
** (3.31.1), and against the system libsqlite3.
**
**   host EXTENSION [SQL ...]
**
** It opens an in-memory database, enables extension loading, tries
** sqlite3_load_extension(EXTENSION) twice (a host may retry; the second
** refusal must read like the first), runs each SQL argument, and closes the
** connection. Output, one item per line:
**   sqlite <sqlite3_libversion()>
**   load: ok                        or   load: refused: <message>
**   (the same for the second attempt)
**   > <SQL>                         then its rows, columns joined by '|',
**                                   NULL as "NULL"; or "error: <message>"
**   close: ok                       or   close: <error name>
** The exit status is 0 when the program got to the end, whatever the
** results; 2 on a usage error. A crash shows as a signal.
*/
#include <stdio.h>
#include <string.h>

#include "sqlite3.h"

/* Run every statement of zSql, printing its rows. */
static void runSql(sqlite3 *db, const char *zSql) {
    const char *zTail = zSql;
    printf("> %s\n", zSql);
    while (zTail && *zTail) {
        sqlite3_stmt *pStmt = NULL;
        int rc = sqlite3_prepare_v2(db, zTail, -1, &pStmt, &zTail);
        if (rc != SQLITE_OK) {
            printf("error: %s\n", sqlite3_errmsg(db));
            return;
        }
        if (pStmt == NULL) continue; /* whitespace or a comment */
        while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
            int n = sqlite3_column_count(pStmt);
            for (int i = 0; i < n; i++) {
                const unsigned char *z = sqlite3_column_text(pStmt, i);
                printf("%s%s", i ? "|" : "", z ? (const char *)z : "NULL");
            }
            printf("\n");
        }
        if (rc != SQLITE_DONE) {
            printf("error: %s\n", sqlite3_errmsg(db));
            sqlite3_finalize(pStmt);
            return;
        }
        sqlite3_finalize(pStmt);
    }
}

static void tryLoad(sqlite3 *db, const char *zExt) {
    char *zErr = NULL;
    int rc = sqlite3_load_extension(db, zExt, NULL, &zErr);
    if (rc == SQLITE_OK) {
        printf("load: ok\n");
    } else {
        printf("load: refused: %s\n", zErr ? zErr : "(no message)");
    }
    sqlite3_free(zErr);
}

int main(int argc, char **argv) {
    sqlite3 *db = NULL;
    int rc;
    if (argc < 2) {
        fprintf(stderr, "usage: %s EXTENSION [SQL ...]\n", argv[0]);
        return 2;
    }
    printf("sqlite %s\n", sqlite3_libversion());
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "host: cannot open :memory:: %s\n", db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return 2;
    }
    sqlite3_enable_load_extension(db, 1);
    tryLoad(db, argv[1]);
    tryLoad(db, argv[1]);
    for (int i = 2; i < argc; i++) runSql(db, argv[i]);
    rc = sqlite3_close(db);
    printf("close: %s\n", rc == SQLITE_OK ? "ok" : sqlite3_errstr(rc));
    fflush(stdout);
    return 0;
}
