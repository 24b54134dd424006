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
**
** Counts are read exactly up to INT64_MAX (learnpath_count_arg); a fraction
** of a byte is rounded up, so a positive limit or budget never becomes 0,
** which would mean no caching or no limit.
**   SELECT learnpath_version();            -- this build's version
**
** Each takes the connection's state (lp_conn) as its user data. All but
** learnpath_version are SQLITE_DIRECTONLY: SQL stored in a database cannot
** change them.
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

