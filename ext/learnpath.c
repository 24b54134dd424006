/*
** learnpath.c - entry point of the learnpath SQLite extension.
**
**   .load dist/learnpath
**   SELECT learnpath_version();
**   SELECT * FROM first_program('enrollments');
**
** This file only registers what the other files provide:
**   lp_journeys.c  first_program, program_journeys, program_steps,
**                  program_transitions (table-valued functions over a
**                  table or view the user names)
**   lp_build.c     reading a source once (rules 1-3)
**   lp_shape.c     turning a user's enrollments into a journey (rules 4-8)
**   lp_cache.c     reusing what a source held across queries
**   lp_sample.c    sample_enrollments (deterministic demo data)
**   lp_time.c      reading and writing time values
** The behaviour rules are numbered in lp_journeys.c and README.md.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <stdarg.h>
#include <string.h>

#include "learnpath_int.h"
#include "svg.h"

/* See learnpath_int.h. */
int learnpath_vtab_error(sqlite3_vtab *pVtab, const char *zFmt, ...) {
    va_list ap;
    char *z;
    va_start(ap, zFmt);
    z = sqlite3_vmprintf(zFmt, ap);
    va_end(ap);
    sqlite3_free(pVtab->zErrMsg);
    pVtab->zErrMsg = z;
    return z ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* See learnpath_int.h. */
char *learnpath_quote(const char *z) {
    size_t n;
    if (z == NULL) return sqlite3_mprintf("NULL");
    n = strlen(z);
    if (n <= LP_QUOTE_MAX) return sqlite3_mprintf("'%q'", z);
    n = LP_QUOTE_MAX;
    while (n > 0 && ((unsigned char)z[n] & 0xC0) == 0x80) n--; /* not inside a character */
    return sqlite3_mprintf("'%.*q...'", (int)n, z);
}

/* learnpath_version(): the version string of this build. */
static void versionFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, LEARNPATH_VERSION, -1, SQLITE_STATIC);
}

/* The chart aggregates of svg.h. */
static int registerCharts(sqlite3 *db) {
    const int eFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc = SQLITE_OK;
    for (int nArg = 3; nArg <= 4 && rc == SQLITE_OK; nArg++) {
        rc = sqlite3_create_function(db, "sankey_svg", nArg, eFlags, 0, 0, learnpath_sankey_step,
                                     learnpath_sankey_final);
    }
    for (int nArg = 3; nArg <= 5 && rc == SQLITE_OK; nArg++) {
        rc = sqlite3_create_function(db, "bar_svg", nArg, eFlags, 0, 0, learnpath_bar_step,
                                     learnpath_bar_final);
    }
    return rc;
}

/* Runs when the connection closes: the cache goes with it. */
static void connFree(void *p) {
    learnpath_cache_clear((lp_conn *)p);
    sqlite3_free(p);
}

/*
** Is this same version of learnpath registered on db already? Loading it
** again (each saved report starts with .load) must keep the connection's
** state: registering the modules anew would drop the cache with the old
** modules. A different version is registered over the old one.
*/
static int learnpathLoaded(sqlite3 *db) {
    sqlite3_stmt *pStmt = NULL;
    int isSame = 0;
    if (sqlite3_prepare_v2(db, "SELECT learnpath_version()", -1, &pStmt, NULL) == SQLITE_OK &&
        sqlite3_step(pStmt) == SQLITE_ROW) {
        const char *z = (const char *)sqlite3_column_text(pStmt, 0);
        isSame = z && strcmp(z, LEARNPATH_VERSION) == 0;
    }
    sqlite3_finalize(pStmt);
    if (!isSame) {
        /* The failed check left "no such function" as the connection's last
        ** error, and sqlite3_open() fails when an auto-extension leaves an
        ** error behind: a statement that succeeds clears it. */
        sqlite3_exec(db, "SELECT 1", 0, 0, 0);
    }
    return isSame;
}

#ifdef _WIN32
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_learnpath_init(sqlite3 *db, char **pzErrMsg,
                           const sqlite3_api_routines *pApi) {
    int rc;
    lp_conn *pConn;
    SQLITE_EXTENSION_INIT2(pApi);

    if (sqlite3_libversion_number() < LEARNPATH_MIN_SQLITE) {
        if (pzErrMsg) {
            *pzErrMsg = sqlite3_mprintf(
                "learnpath needs SQLite 3.31.0 or newer; this host runs %s",
                sqlite3_libversion());
        }
        return SQLITE_ERROR;
    }
    if (learnpathLoaded(db)) return SQLITE_OK;
    rc = sqlite3_create_function(db, "learnpath_version", 0,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                 0, versionFunc, 0, 0);
    if (rc != SQLITE_OK) goto fail;

    /* The connection state is owned by the journeys module: its destructor
    ** frees it when the connection closes (or at once if registration
    ** fails, as sqlite3_create_module_v2 promises). */
    pConn = sqlite3_malloc64(sizeof(*pConn));
    if (!pConn) {
        rc = SQLITE_NOMEM;
        goto fail;
    }
    memset(pConn, 0, sizeof(*pConn));
    rc = learnpath_register_journeys(db, pConn, connFree);
    if (rc != SQLITE_OK) goto fail;
    rc = learnpath_register_cache(db, pConn);
    if (rc != SQLITE_OK) goto fail;
    rc = learnpath_register_build(db);
    if (rc != SQLITE_OK) goto fail;
    rc = learnpath_register_sample(db);
    if (rc != SQLITE_OK) goto fail;
    rc = registerCharts(db);
    if (rc != SQLITE_OK) goto fail;
    return SQLITE_OK;

fail:
    if (pzErrMsg) {
        *pzErrMsg = sqlite3_mprintf("learnpath: registration failed: %s",
                                    sqlite3_errstr(rc));
    }
    return rc;
}
