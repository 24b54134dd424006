/*
** fn_settings.c - the per-connection settings of learnpath, as SQL functions:
**
**   SELECT learnpath_cache_clear();        -- release the cache now; returns entries freed
**   SELECT learnpath_cache_limit(100e6);   -- most bytes kept (0 = no caching);
**                                          -- returns the previous limit
**   SELECT learnpath_memory_budget(200e6); -- most bytes one source may take in
**                                          -- memory (0 = no limit, the default);
**                                          -- returns the previous budget
**   SELECT learnpath_threads(1);           -- threads a read may use (1 or 2);
**                                          -- returns the previous setting
**   SELECT learnpath_allow_views(1);       -- views and triggers stored in a
**                                          -- database may call the functions
**                                          -- that read a source (0: not, the
**                                          -- default); returns the previous setting
**   SELECT learnpath_version();            -- this build's version
**
** Each takes the connection's state (lp_conn) as its user data. All but
** learnpath_version are SQLITE_DIRECTONLY: SQL stored in a database cannot
** change them. Counts are read exactly up to INT64_MAX (learnpath_count_arg);
** a fraction of a byte is rounded up, so a positive limit or budget never
** becomes 0, which would mean no caching or no limit.
*/
#include "lp_sql.h"

/* "func(): <zWhat>, not <value>": a setting's refused argument. */
static void settingsError(sqlite3_context *ctx, const char *zWhat, sqlite3_value *pVal) {
    char *zValue = learnpath_describe_value(pVal);
    if (zValue) {
        learnpath_result_errorf(ctx, "%s, not %s", zWhat, zValue);
        sqlite3_free(zValue);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
}

/* learnpath_version(): the version string of this build. */
void learnpath_fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, LEARNPATH_VERSION, -1, SQLITE_STATIC);
}

/* learnpath_cache_clear(): release every entry; returns how many. */
void learnpath_fn_cache_clear(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    lp_conn *pConn = sqlite3_user_data(ctx);
    int n = learnpath_cache_count(pConn);
    (void)argc;
    (void)argv;
    learnpath_cache_clear(pConn);
    sqlite3_result_int(ctx, n);
}

/* learnpath_cache_limit(bytes): set the limit; returns the previous one. */
void learnpath_fn_cache_limit(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    lp_conn *pConn = sqlite3_user_data(ctx);
    int64_t nOld = pConn->nCacheLimit;
    (void)argc;
    int64_t n;
    if (!learnpath_count_arg(argv[0], 0, 0, &n)) {
        settingsError(ctx, "learnpath_cache_limit(): bytes must be a number >= 0", argv[0]);
        return;
    }
    pConn->nCacheLimit = n;
    learnpath_cache_trim(pConn);
    sqlite3_result_int64(ctx, nOld);
}

/* learnpath_memory_budget(bytes): set the budget; returns the previous one. */
void learnpath_fn_memory_budget(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    lp_conn *pConn = sqlite3_user_data(ctx);
    int64_t nOld = pConn->nMemoryBudget;
    (void)argc;
    int64_t n;
    if (!learnpath_count_arg(argv[0], 0, 0, &n)) {
        settingsError(ctx, "learnpath_memory_budget(): bytes must be a number >= 0", argv[0]);
        return;
    }
    pConn->nMemoryBudget = n;
    sqlite3_result_int64(ctx, nOld);
}

/*
** learnpath_threads(n): how many threads reading a source may use, 1 or 2
** (more is taken as 2); returns the previous setting.
*/
void learnpath_fn_threads(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    lp_conn *pConn = sqlite3_user_data(ctx);
    int nOld = pConn->nThreads;
    (void)argc;
    int64_t n;
    if (!learnpath_count_arg(argv[0], 1, 1, &n)) {
        settingsError(ctx, "learnpath_threads(): n must be a whole number >= 1", argv[0]);
        return;
    }
    pConn->nThreads = n >= 2 ? 2 : 1;
    sqlite3_result_int(ctx, nOld);
}

/*
** Make every prepared statement of db expire, so that each is prepared
** again before it next runs (sqlite3_prepare_v2 does that by itself) and
** connects the tables afresh. SQLite expires them whenever a flag of
** sqlite3_db_config changes, the one public way to do it from inside a
** call: a flag without effect on what statements compute
** (SQLITE_DBCONFIG_TRIGGER_EQP, EXPLAIN QUERY PLAN's detail) is set to the
** opposite and back, so its value is unchanged. The expiry is SQLite's
** immediate kind: a statement running now that still has a table to open
** stops with "abort due to ROLLBACK" (as when a host registers a function).
*/
static void expireStatements(sqlite3 *db) {
    int isOn = 0;
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRIGGER_EQP, -1, &isOn);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRIGGER_EQP, !isOn, (int *)0);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRIGGER_EQP, isOn, (int *)0);
}

/*
** learnpath_allow_views(on): 1 lets views and triggers stored in a database
** call the functions that read a source (while trusted_schema is ON), 0
** stops them again (the default); returns the previous setting.
** SQLITE_DIRECTONLY: SQL stored in a database cannot call it.
**
** A table is connected once per connection, with its risk level (lp_tvf.c),
** so a change registers the modules again: SQLite drops their tables (a
** statement that holds one keeps it alive until it is finalized or
** prepared again) and the next statement connects them with the new
** level. Turning views off also expires every prepared statement, so that
** one prepared while they were allowed is prepared again (and refused, if
** a stored view or trigger calls a function) rather than run as it was;
** turning them on needs no expiry (a statement prepared before holds a
** direct-only table, as safe as before). The cache and the other settings
** stay: they live in the state, which the modules do not own. If
** registering fails, views are not allowed (and a table still connected as
** allowing them refuses to run: lp_tvf.c, tvfStale).
*/
void learnpath_fn_allow_views(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    lp_conn *pConn = sqlite3_user_data(ctx);
    sqlite3 *db = sqlite3_context_db_handle(ctx);
    int isOld = pConn->allowViews;
    const char *zFailed = NULL;
    double r;
    (void)argc;
    if (!learnpath_number_arg(argv[0], 0.0, 1.0, 1, &r)) {
        settingsError(ctx, "learnpath_allow_views(): on must be 0 or 1", argv[0]);
        return;
    }
    if ((r != 0.0) != isOld) {
        pConn->allowViews = r != 0.0;
        int rc = learnpath_registry_modules(db, pConn, &zFailed);
        if (!pConn->allowViews) expireStatements(db);
        if (rc != SQLITE_OK) {
            pConn->allowViews = 0;
            if (rc == SQLITE_NOMEM) {
                sqlite3_result_error_nomem(ctx);
            } else {
                learnpath_result_errorf(ctx, "learnpath_allow_views(): registering %s failed: %s",
                                        zFailed, sqlite3_errstr(rc));
            }
            return;
        }
    }
    sqlite3_result_int(ctx, isOld);
}
