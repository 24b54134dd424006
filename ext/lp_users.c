/*
** lp_users.c - a source's users, one at a time, in user_id order.
**
** In memory through the cache (lp_cache.c), unless holding the source would
** pass the memory budget (learnpath_memory_budget, or half of what SQLite's
** hard heap limit leaves, whichever is smaller); then the rows stream in
** user order from SQLite's sorter (lp_stream.c), slower but in little
** memory, with the same answers.
*/
#include <string.h>

#include "lp_read.h"


int learnpath_users_open(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_users *pIt,
                         char **pzErr) {
    lp_source_spec spec = *p;
    int rc;
    memset(pIt, 0, sizeof(*pIt));
    spec.nBudget = learnpath_heap_budget(pConn->nMemoryBudget); /* and the hard heap limit */
    spec.nThreads = pConn->nThreads;
    rc = learnpath_cache_get(db, pConn, &spec, &pIt->pData, pzErr);
    if (rc == LP_RC_OVER_BUDGET) {
        spec.nBudget = 0;
        return learnpath_stream_open(db, &spec, pIt, pzErr);
    }
    if (rc) return rc;
    if (pIt->pData->nUser == 0) {
        pIt->eof = 1;
    } else {
        pIt->u = LP_USER_AT(pIt->pData, 0);
    }
    return SQLITE_OK;
}

/* Callers step only while !pIt->eof. */
int learnpath_users_next(lp_users *pIt, char **pzErr) {
    if (pIt->pStream) return learnpath_stream_next(pIt, pzErr);
    if (++pIt->iPos >= pIt->pData->nUser) {
        pIt->eof = 1;
    } else {
        pIt->u = LP_USER_AT(pIt->pData, pIt->iPos);
    }
    return SQLITE_OK;
}

void learnpath_users_close(lp_users *pIt) {
    if (pIt->pStream) {
        learnpath_stream_close(pIt);
    } else {
        learnpath_data_unref(pIt->pData);
        memset(pIt, 0, sizeof(*pIt));
    }
}

