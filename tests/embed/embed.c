/*
** embed.c - learnpath compiled into an application, registered with
** sqlite3_auto_extension: what ext/learnpath.h promises.
**
**   make test-embed
**
** builds this file and every .c file of ext/ with -DSQLITE_CORE into one program,
** build/embed/embed, linked with the system libsqlite3, and runs it from
** the repository root. The program never calls sqlite3_load_extension.
** It checks that:
**   - before registration a connection has no learnpath functions;
**   - after sqlite3_auto_extension(sqlite3_learnpath_init) every new
**     connection has them, with extension loading still disabled;
**   - first_program and program_transitions give docs/functions.md's
**     answers on its example table;
**   - sqlite3_learnpath_init(db, &zErr, NULL) registers them on one
**     connection only (the API-table argument is unused when compiled in);
**   - sqlite3_cancel_auto_extension stops the registration again.
** Each check prints "ok" or "FAIL"; the last line is "N passed, M failed"
** and the exit status is 0 only when nothing failed (tests/harness/).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learnpath.h"
#include "../harness/lp_harness.h"

#ifndef EMBED_EXPECT_VERSION
#error "compile with -DEMBED_EXPECT_VERSION='\"x.y.z\"' (the Makefile's VERSION)"
#endif

/* A growing text buffer. */
typedef struct {
    char *z;
    size_t n, nAlloc;
} Buf;

static void bufAppend(Buf *p, const char *z) {
    size_t n = strlen(z);
    if (p->n + n + 1 > p->nAlloc) {
        size_t nNew = (p->nAlloc ? p->nAlloc * 2 : 256) + n;
        char *zNew = realloc(p->z, nNew);
        if (!zNew) {
            fprintf(stderr, "embed: out of memory\n");
            exit(2);
        }
        p->z = zNew;
        p->nAlloc = nNew;
    }
    memcpy(p->z + p->n, z, n + 1);
    p->n += n;
}

/*
** The rows of one query as text: columns joined by '|', each row ended by
** '\n', NULL as "NULL", numbers as SQLite converts them to text. On error:
** "ERROR: <message>". The caller frees the result.
*/
static char *query(sqlite3 *db, const char *zSql) {
    Buf b = {0, 0, 0};
    sqlite3_stmt *pStmt = 0;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
    bufAppend(&b, "");
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
            int i, n = sqlite3_column_count(pStmt);
            for (i = 0; i < n; i++) {
                const char *z = (const char *)sqlite3_column_text(pStmt, i);
                if (i) bufAppend(&b, "|");
                bufAppend(&b, z ? z : "NULL");
            }
            bufAppend(&b, "\n");
        }
    }
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        b.n = 0;
        bufAppend(&b, "ERROR: ");
        bufAppend(&b, sqlite3_errmsg(db));
    }
    sqlite3_finalize(pStmt);
    return b.z;
}

/* "ok name", or "FAIL name" and the detail (if any) on the next line. */
static void check(int ok, const char *zName, const char *zDetail) {
    if (!lph_check(ok, "%s", zName) && zDetail) printf("%s\n", zDetail);
}

/* Check that zSql gives exactly zExpect. */
static void checkRows(sqlite3 *db, const char *zName, const char *zSql, const char *zExpect) {
    char *zGot = query(db, zSql);
    int ok = strcmp(zGot, zExpect) == 0;
    if (!lph_check(ok, "%s", zName)) {
        printf("  query: %s\n  expected:\n%s\n  got:\n%s\n", zSql, zExpect, zGot);
    }
    free(zGot);
}

/* Check that zSql fails with a message containing zPart. */
static void checkError(sqlite3 *db, const char *zName, const char *zSql, const char *zPart) {
    char *zGot = query(db, zSql);
    int ok = strncmp(zGot, "ERROR: ", 7) == 0 && strstr(zGot, zPart) != 0;
    if (!lph_check(ok, "%s", zName)) {
        printf("  query: %s\n  expected an error containing: %s\n  got:\n%s\n", zSql, zPart,
               zGot);
    }
    free(zGot);
}

static sqlite3 *openMemory(void) {
    sqlite3 *db = 0;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fprintf(stderr, "embed: cannot open :memory:: %s\n", db ? sqlite3_errmsg(db) : "?");
        exit(2);
    }
    return db;
}

/* The example table of docs/functions.md (section "The example table"). */
static const char *zExample =
    "CREATE TABLE enrollments(user_id, program, enrolled_at, user_type, account);"
    "INSERT INTO enrollments VALUES"
    "  (1, 'Program A', '2020-01-05 09:00:00', 'student',      NULL),"
    "  (1, 'Flagship',  '2020-02-20 10:30:00', 'student',      NULL),"
    "  (2, 'Flagship',  '2020-01-10 08:00:00', 'professional', 'Corp 001'),"
    "  (3, 'Program A', '2020-03-01 12:00:00', 'student',      NULL),"
    "  (3, 'Program A', '2020-03-15 12:00:00', 'student',      NULL),"
    "  (3, 'Flagship',  '2020-04-30 12:00:00', 'student',      NULL),"
    "  (3, 'Program B', '2020-06-01 12:00:00', 'student',      NULL),"
    "  (4, 'Flagship',  '2020-02-02 09:00:00', 'professional', 'Corp 001'),"
    "  (4, 'Program C', '2020-02-02 09:00:00', 'professional', 'Corp 001');";

static void createExample(sqlite3 *db, const char *zName) {
    char *zErr = 0;
    int rc = sqlite3_exec(db, zExample, 0, 0, &zErr);
    check(rc == SQLITE_OK, zName, zErr);
    sqlite3_free(zErr);
}

static const char *zFirstSql =
    "SELECT * FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', "
    "'user_type')";
static const char *zFirstExpect =
    "1|student|Program A|2020-01-05 09:00:00|0|Flagship|46.0625|2|2\n"
    "2|professional|Flagship|2020-01-10 08:00:00|0|NULL|NULL|1|1\n"
    "3|student|Program A|2020-03-01 12:00:00|0|Flagship|60.0|3|3\n"
    "4|professional|Flagship + Program C|2020-02-02 09:00:00|1|NULL|NULL|1|2\n";

static const char *zTransSql =
    "SELECT segment, step, from_program, to_program, users, share, avg_days, median_days "
    "FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')";
static const char *zTransExpect =
    "professional|1|Flagship|NULL|1|1.0|NULL|NULL\n"
    "professional|1|Flagship + Program C|NULL|1|1.0|NULL|NULL\n"
    "student|1|Program A|Flagship|2|1.0|53.03125|53.03125\n"
    "student|2|Flagship|NULL|1|0.5|NULL|NULL\n"
    "student|2|Flagship|Program B|1|0.5|32.0|32.0\n"
    "student|3|Program B|NULL|1|1.0|NULL|NULL\n";

int main(void) {
    sqlite3 *db, *db2, *db3;
    char *zErr = 0;
    int rc;

    lph.tagWidth = 0; /* "ok name", as this program has always printed */
    printf("# learnpath compiled in, SQLite %s\n", sqlite3_libversion());

    /* Before registration: nothing. */
    db = openMemory();
    checkError(db, "no learnpath before sqlite3_auto_extension", "SELECT learnpath_version()",
               "no such function: learnpath_version");
    sqlite3_close(db);

    /* Register for every connection opened from now on. */
    rc = sqlite3_auto_extension((void (*)(void))sqlite3_learnpath_init);
    check(rc == SQLITE_OK, "sqlite3_auto_extension(sqlite3_learnpath_init)", sqlite3_errstr(rc));

    db = openMemory();
    checkRows(db, "learnpath_version() is the Makefile's VERSION", "SELECT learnpath_version()",
              EMBED_EXPECT_VERSION "\n");
    checkError(db, "extension loading stays disabled (nothing was loaded)",
               "SELECT load_extension('dist/learnpath')", "not authorized");
    createExample(db, "example table of docs/functions.md created");
    checkRows(db, "first_program on the docs/functions.md example", zFirstSql, zFirstExpect);
    checkRows(db, "program_transitions on the docs/functions.md example", zTransSql, zTransExpect);
    checkRows(db, "first programs counted by user type",
              "SELECT segment, program, count(*) FROM first_program('enrollments', 'user_id', "
              "'program', 'enrolled_at', 'user_type') GROUP BY 1, 2 ORDER BY 1, 2",
              "professional|Flagship|1\n"
              "professional|Flagship + Program C|1\n"
              "student|Program A|2\n");
    checkError(db, "errors come back as SQL errors", "SELECT * FROM first_program('enrolments')",
               "first_program(): no such table or view 'enrolments'");

    /* A second connection, opened while the first is open, has them too. */
    db2 = openMemory();
    createExample(db2, "second connection: example table created");
    checkRows(db2, "second connection: program_transitions", zTransSql, zTransExpect);
    sqlite3_close(db2);
    checkRows(db, "first connection still answers after the second closed", zFirstSql,
              zFirstExpect);
    sqlite3_close(db);

    /* Cancelled: new connections no longer get it... */
    rc = sqlite3_cancel_auto_extension((void (*)(void))sqlite3_learnpath_init);
    check(rc == 1, "sqlite3_cancel_auto_extension finds the registration", 0);
    db3 = openMemory();
    checkError(db3, "no learnpath after sqlite3_cancel_auto_extension",
               "SELECT * FROM first_program('enrollments')", "no such table: first_program");

    /* ...but one connection can still be given it directly (pApi unused). */
    rc = sqlite3_learnpath_init(db3, &zErr, NULL);
    check(rc == SQLITE_OK, "sqlite3_learnpath_init(db, &zErr, NULL) on one connection", zErr);
    sqlite3_free(zErr);
    zErr = 0;
    createExample(db3, "direct registration: example table created");
    checkRows(db3, "direct registration: first_program", zFirstSql, zFirstExpect);
    sqlite3_close(db3);

    sqlite3_reset_auto_extension();
    return lph_finish();
}
