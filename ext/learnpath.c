/*
** learnpath.c - the entry point of the learnpath SQLite extension, and the
** registry of everything it registers.
**
**   .load dist/learnpath
**   SELECT learnpath_version();
**   SELECT * FROM first_program('enrollments');
**
** The registry is two tables: the table-valued functions (descriptors of
** lp_tvf.c's frame, one file per family) and the scalar and aggregate
** functions with their argument counts and flags. sqlite3_learnpath_init
** checks the SQLite it runs on, keeps the state of a connection that has
** this version already (each saved report starts with .load), and
** registers every entry, saying which one failed if one does. Adding a
** function is one line here (docs/ARCHITECTURE.md, "Adding a function").
**
** The connection's state (lp_conn, with the cache) is owned by the
** registration of learnpath_allow_views (LP_FN_OWNS_CONN), not by a
** module: that function re-registers the modules (learnpath_registry_modules)
** so that SQLite connects them afresh with the new risk level, and SQLite
** frees a module's destructor's data when the module is registered again.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <string.h>

#include "lp_sql.h"
#include "svg.h"

/* --------------------------------------------------------------- registry */

const lp_tvf *const learnpath_registry_tvf[] = {
    &learnpath_tvf_first_program,
    &learnpath_tvf_program_journeys,
    &learnpath_tvf_program_steps,
    &learnpath_tvf_program_transitions,
    &learnpath_tvf_enrollment_profile,
    &learnpath_tvf_first_program_stats,
    &learnpath_tvf_program_popularity,
    &learnpath_tvf_first_program_monthly,
    &learnpath_tvf_group_stats,
    &learnpath_tvf_sample_enrollments,
    &learnpath_tvf_continuation_curve,
    &learnpath_tvf_continuation_stats,
    &learnpath_tvf_next_program_incidence,
    &learnpath_tvf_continuation_cohorts,
    &learnpath_tvf_segment_compare,
    &learnpath_tvf_segment_cells,
};
const int learnpath_registry_ntvf =
    (int)(sizeof(learnpath_registry_tvf) / sizeof(learnpath_registry_tvf[0]));

#define FN_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)
#define FN_SETTING (SQLITE_UTF8 | SQLITE_DIRECTONLY)

const lp_fn_entry learnpath_registry_fn[] = {
    /* owns the connection's state: registered first (registerAll) */
    {"learnpath_allow_views", 1, 1, FN_SETTING, LP_FN_OWNS_CONN, learnpath_fn_allow_views, 0, 0,
     0},
    {"learnpath_cache_clear", 0, 0, FN_SETTING, LP_FN_CONN, learnpath_fn_cache_clear, 0, 0, 0},
    {"learnpath_cache_limit", 1, 1, FN_SETTING, LP_FN_CONN, learnpath_fn_cache_limit, 0, 0, 0},
    {"learnpath_memory_budget", 1, 1, FN_SETTING, LP_FN_CONN, learnpath_fn_memory_budget, 0, 0,
     0},
    {"learnpath_threads", 1, 1, FN_SETTING, LP_FN_CONN, learnpath_fn_threads, 0, 0, 0},
    /* reading a report setting is not a change: not direct-only, not innocuous */
    {"learnpath_report_setting", 1, 1, SQLITE_UTF8, LP_FN_CONN, learnpath_fn_report_setting, 0, 0,
     0},
    {"learnpath_report_setting", 2, 2, FN_SETTING, LP_FN_CONN, learnpath_fn_report_setting, 0, 0,
     0},
    {"learnpath_is_flagship", 1, 1, SQLITE_UTF8, LP_FN_CONN, learnpath_fn_is_flagship, 0, 0, 0},
    {"learnpath_flagship_name", 1, 1, SQLITE_UTF8, LP_FN_CONN, learnpath_fn_flagship_name, 0, 0,
     0},
    {"sankey_svg", 3, 5, FN_PURE, 0, 0, learnpath_sankey_step, learnpath_sankey_final, 0},
    {"bar_svg", 3, 6, FN_PURE, 0, 0, learnpath_bar_step, learnpath_bar_final, 0},
    {"chart_palette", 2, 2, FN_PURE, 0, 0, learnpath_palette_step, learnpath_palette_final, 0},
    {"curve_svg", 3, 7, FN_PURE, 0, 0, learnpath_curve_step, learnpath_curve_final, 0},
    {LEARNPATH_READER, -1, -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, 0, 0, learnpath_reader_step,
     learnpath_reader_final, 1},
    /* last: a connection that has it has all the rest (learnpathLoaded) */
    {"learnpath_version", 0, 0, FN_PURE, 0, learnpath_fn_version, 0, 0, 0},
};
const int learnpath_registry_nfn =
    (int)(sizeof(learnpath_registry_fn) / sizeof(learnpath_registry_fn[0]));

/* --------------------------------------------------------- registration */

/*
** Is this same version of learnpath registered on db already? Loading it
** again (each saved report starts with .load) must keep the connection's
** state: registering its owner anew would free it, and with it the cache
** and the settings. A different version is registered over the old one.
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

/*
** The connection's state and the modules' bindings (descriptor, state), in
** one block owned by the registration of the LP_FN_OWNS_CONN function:
** SQLite frees it with that function (at once if its registration fails),
** when the connection closes, after its last statement. The modules carry
** no destructor, so registering them again (learnpath_allow_views) frees
** nothing, and the block outlives every table they connect.
*/
typedef struct lp_conn_block {
    lp_conn conn; /* first: the functions' user data is the block's address */
    lp_tvf_bind aBind[sizeof(learnpath_registry_tvf) / sizeof(learnpath_registry_tvf[0])];
} lp_conn_block;

/* The owner's destructor. */
static void connBlockFree(void *p) {
    lp_conn_block *pBlock = p;
    learnpath_conn_clear(&pBlock->conn);
    sqlite3_free(pBlock);
}

/* See lp_sql.h. */
int learnpath_registry_modules(sqlite3 *db, lp_conn *pConn, const char **pzFailed) {
    lp_conn_block *pBlock = (lp_conn_block *)pConn; /* its first member */
    int rc = SQLITE_OK;
    for (int i = 0; i < learnpath_registry_ntvf && rc == SQLITE_OK; i++) {
        const lp_tvf *pDesc = learnpath_registry_tvf[i];
        pBlock->aBind[i].pDesc = pDesc;
        pBlock->aBind[i].pConn = pConn;
        rc = sqlite3_create_module_v2(db, pDesc->zName, &learnpath_tvf_module, &pBlock->aBind[i],
                                      0);
        if (rc) *pzFailed = pDesc->zName;
    }
    return rc;
}

/* The functions whose takesConn is (isOwner ? LP_FN_OWNS_CONN : anything else). */
static int registerFunctions(sqlite3 *db, lp_conn_block *pBlock, int isOwner,
                             const char **pzFailed) {
    int rc = SQLITE_OK;
    for (int i = 0; i < learnpath_registry_nfn && rc == SQLITE_OK; i++) {
        const lp_fn_entry *p = &learnpath_registry_fn[i];
        if ((p->takesConn == LP_FN_OWNS_CONN) != isOwner) continue;
        for (int nArg = p->nArgMin; nArg <= p->nArgMax && rc == SQLITE_OK; nArg++) {
            /* the owner has one argument count: one registration, one destructor */
            rc = sqlite3_create_function_v2(db, p->zName, nArg, p->eFlags,
                                            p->takesConn ? pBlock : 0, p->xFunc, p->xStep,
                                            p->xFinal, isOwner ? connBlockFree : 0);
            if (rc) *pzFailed = p->zName;
        }
    }
    return rc;
}

/*
** The state's owner first (once it is registered, SQLite frees the block
** with it, or at once if that fails), then the modules, then the rest.
*/
static int registerAll(sqlite3 *db, const char **pzFailed) {
    lp_conn_block *pBlock = sqlite3_malloc64(sizeof(*pBlock));
    int rc;
    if (!pBlock) return SQLITE_NOMEM;
    memset(pBlock, 0, sizeof(*pBlock));
    learnpath_conn_init(&pBlock->conn);
    rc = registerFunctions(db, pBlock, 1, pzFailed);
    if (rc == SQLITE_OK) rc = learnpath_registry_modules(db, &pBlock->conn, pzFailed);
    if (rc == SQLITE_OK) rc = registerFunctions(db, pBlock, 0, pzFailed);
    return rc;
}

#ifdef _WIN32
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_learnpath_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
    const char *zFailed = "the connection state";
    int rc;
    SQLITE_EXTENSION_INIT2(pApi);

    if (sqlite3_libversion_number() < LEARNPATH_MIN_SQLITE) {
        if (pzErrMsg) {
            *pzErrMsg = sqlite3_mprintf("learnpath needs SQLite 3.31.0 or newer; this host runs %s",
                                        sqlite3_libversion());
        }
        return SQLITE_ERROR;
    }
    if (learnpathLoaded(db)) return SQLITE_OK;
    rc = registerAll(db, &zFailed);
    if (rc != SQLITE_OK && pzErrMsg) {
        *pzErrMsg = sqlite3_mprintf("learnpath: registering %s failed: %s", zFailed,
                                    sqlite3_errstr(rc));
    }
    return rc;
}
