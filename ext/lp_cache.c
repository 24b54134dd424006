/*
** lp_cache.c - reuse what a source held across queries on one connection.
**
** (Its settings, learnpath_cache_clear() and learnpath_cache_limit(), are
** in fn_settings.c; lp_users.c decides between the cache and the stream.)
**
** Reading a source is the expensive part of every journey function, and
** the enrollments read (lp_data) do not depend on how journeys are shaped.
** So the data read for (source, user_col, program_col, time_col,
** segment_col, bad_times) is kept on the connection and reused by later
** queries, whatever their ties/repeats/since/until/within_days, while
** nothing that could change it has happened. Data read with a segment
** column also serves the same query without one; data read with a group
** column beside the rest (readGroup, rule 12) serves the same query with
** or without it. A read for columns the cache holds part of reads the
** union (WIDENING, below).
**
** HOW VALIDITY IS KNOWN
**   Before each use the cache computes a token:
**     - sqlite3_total_changes(): rows written by this connection;
**     - for every database in PRAGMA database_list (main, temp, attached):
**       its name and file (with the file's device, inode, size and
**       modification time, where the system has stat()), PRAGMA
**       data_version (commits by other connections and processes),
**       PRAGMA schema_version (DDL: tables dropped and recreated, views
**       redefined, ...) and SQLITE_FCNTL_DATA_VERSION, the pager's own
**       counter, which also moves when this connection commits a change
**       that changes no row count: sqlite3_blob_write() (the other three
**       stay put then, and in WAL mode or in memory so does the file).
**       It is read last, after the PRAGMAs have looked for other
**       connections' commits. A database whose counter cannot be had is
**       treated as untracked (below).
**   Nothing is cached (and every entry is dropped) while an in-memory
**   database is attached or any database was loaded by sqlite3_deserialize:
**   their contents can be replaced with no counter moving. A main database
**   in memory is fine: only this connection can change it.
**   An entry is used only when its token equals the current one; any other
**   entry is freed at once. Attaching or detaching a database changes the
**   list, hence the token.
**   Entries are neither made nor used inside an explicit transaction
**   (BEGIN ... COMMIT/ROLLBACK): a rollback would undo changes the token
**   has already counted. Nor while a statement that writes is under way on
**   the connection (sqlite3_stmt_busy and not sqlite3_stmt_readonly: a
**   blob handle open for writing, an INSERT whose trigger or function runs
**   the query): its changes are visible to the query but no counter moves
**   before its transaction ends. Sources that read a virtual table
**   (directly or through a view) are never cached: their contents can
**   change without SQLite knowing (lp_source.c finds these from the
**   source's query plan).
**
** WHAT SQLITE EXPIRES
**   The same tables can give other rows when what the SQL means changes:
**   PRAGMA case_sensitive_like, an application function or collation
**   registered anew (sqlite3_create_function/_collation replacing one of
**   the same name, argument count and encoding), a flag PRAGMA
**   (reverse_unordered_selects, trusted_schema, ...) or sqlite3_db_config
**   flag changed, an authorizer set. For each of these (and for DETACH,
**   ANALYZE, CREATE INDEX and DDL on temp, which the token sees anyway)
**   SQLite calls sqlite3ExpirePreparedStatements(), or runs OP_Expire with
**   P1 = 0, which sets Vdbe.expired on every statement of the
**   connection. The cache keeps one statement of its own to see that: the
**   sentinel, CACHE_SENTINEL_SQL, prepared (sqlite3_prepare_v3, so SQLite
**   keeps its text and can re-prepare it) when the token is first needed.
**   Each later token steps it: an expired statement in its ready state is
**   re-prepared by sqlite3_step() itself, which adds one to its
**   SQLITE_STMTSTATUS_REPREPARE (sqlite3VdbeSwap). The token holds that
**   count and the sentinel's generation (one more for each sentinel made),
**   taken before the source is read: an expiry at any time after, even
**   during the read, makes the next token differ. Nothing else re-prepares
**   the sentinel: it has no parameters (so no rebinding expires it) and
**   reads no table (so no schema cookie is checked). Counting this way is
**   exact from SQLite 3.20 (the counter) on; sqlite3_expired() would need
**   no step but is deprecated and absent from SQLITE_OMIT_DEPRECATED
**   builds. The sentinel holds no lock and no transaction (it reads
**   nothing, and is reset at once), and costs one step of a one-opcode
**   program per query. A step that fails (interrupted, out of memory)
**   finalizes it: that token is untracked; the next makes a new sentinel.
**   sqlite3_close() refuses a connection with a statement left, and it
**   disconnects every virtual table before it looks: so the frame's
**   xDisconnect calls learnpath_cache_disconnect(), which finalizes it.
**   A host that finalizes every statement itself (sqlite3_next_stmt) may
**   take the sentinel too: the cache finds it gone from the connection's
**   list before each use, and makes a new one. One case is left open: a
**   build with SQLITE_ENABLE_API_ARMOR refuses sqlite3_next_stmt() on a
**   connection that sqlite3_close_v2() turned into a zombie, so when every
**   learnpath table was still held by a host's statement at the close (its
**   xDisconnect comes only when that statement goes), the sentinel is not
**   found and the connection is never freed: a leak, never a wrong answer.
**   (The connection state cannot be used there instead: when a module is
**   registered anew, tables are disconnected after it was freed.)
**   What SQLite does not expire statements for is not seen either: README
**   "Limitations" lists it (a function that answers differently for the
**   same arguments, a new overload of a function a view calls).
**
** MEMORY
**   At most LP_CACHE_DEFAULT_LIMIT bytes (see learnpath_cache_limit) and
**   CACHE_MAX_ENTRIES entries; the least recently used go first. Everything
**   is released when the connection closes. A cursor holds its own
**   reference, so an entry dropped while a query reads it lives until the
**   query ends.
*/
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* struct stat's st_mtim */
#endif
#include <string.h>
#ifndef _WIN32
#include <sys/stat.h>
#endif

#include "lp_read.h"

#define CACHE_MAX_ENTRIES 8

struct lp_cache_entry {
    lp_cache_entry *pNext;
    char *zKey;       /* source and columns, without segment_col */
    int skipBadTimes; /* bad_times = 'skip' (see cacheServes) */
    char *zSegment;   /* segment_col read, or NULL */
    char *zGroup;     /* group_col read beside it (readGroup), or NULL */
    char *zToken;
    lp_data *pData;
};

static void cacheEntryFree(lp_conn *pConn, lp_cache_entry *p) {
    pConn->nCacheByte -= p->pData->nByteUsed;
    learnpath_data_unref(p->pData);
    sqlite3_free(p->zKey);
    sqlite3_free(p->zSegment);
    sqlite3_free(p->zGroup);
    sqlite3_free(p->zToken);
    sqlite3_free(p);
}

void learnpath_cache_clear(lp_conn *pConn) {
    while (pConn->pCache) {
        lp_cache_entry *p = pConn->pCache;
        pConn->pCache = p->pNext;
        cacheEntryFree(pConn, p);
    }
}

/*
** Key of a source spec: every argument that changes what is read, but the
** segment column: data read with a segment serves a query without one too
** (its functions then ignore the segments, see lp_shaper.ignoreSegments).
** A query as the source (rule 13) is keyed by its exact text, and is valid
** while the token is, as a view is: one text is always one query.
*/
static char *cacheKey(const lp_source_spec *p) {
    return sqlite3_mprintf("%d:%s|%d:%s|%d:%s|%d:%s", (int)strlen(p->zSource),
                           p->zSource, (int)strlen(p->zUserCol), p->zUserCol,
                           (int)strlen(p->zProgramCol), p->zProgramCol, (int)strlen(p->zTimeCol),
                           p->zTimeCol);
}

/* Can an entry read with segment column zHave serve a query for zWant? */
static int cacheSegmentServes(const char *zHave, const char *zWant) {
    if (zWant == NULL) return 1;
    return zHave != NULL && strcmp(zHave, zWant) == 0;
}

/*
** Can entry e (of the same key) serve p: its segment, its group when p reads
** one, and bad_times? A read that met no unreadable time holds what either
** bad_times reads (rule 2: 'error' would have read the same rows, 'skip'
** skipped none), so it serves both: enrollment_profile, which counts with
** 'skip', and the journey functions then share one read. (A read with
** 'error' that met one failed, and was not kept.)
*/
static int cacheServes(const lp_cache_entry *e, const lp_source_spec *p) {
    return (e->skipBadTimes == p->skipBadTimes || e->pData->nBadTime == 0) &&
           cacheSegmentServes(e->zSegment, p->zSegmentCol) &&
           cacheSegmentServes(e->zGroup, p->readGroup ? p->zGroupCol : NULL);
}

/* The sentinel's text (see "WHAT SQLITE EXPIRES"): it reads nothing. */
#define CACHE_SENTINEL_SQL "SELECT 'learnpath: cache sentinel'"

/* Is p a sentinel (found by its text; SQLite keeps the text it was given)? */
static int cacheIsSentinel(sqlite3_stmt *p) {
    const char *z = sqlite3_sql(p);
    return z != NULL && strcmp(z, CACHE_SENTINEL_SQL) == 0;
}

/*
** Look at the connection's statements. Returns 1 when one that writes is
** under way (a blob handle open for writing, the INSERT whose trigger or
** function runs this query): its changes are visible but no counter has
** moved yet. Forgets the sentinel when it is no longer among them (a host
** finalized it), by identity and text, so that a statement made later at
** the same address is never taken for it.
*/
static int cacheWriteUnderWay(sqlite3 *db, lp_conn *pConn) {
    sqlite3_stmt *pStmt;
    int isWriting = 0, hasSentinel = 0;
    for (pStmt = sqlite3_next_stmt(db, NULL); pStmt; pStmt = sqlite3_next_stmt(db, pStmt)) {
        if (pStmt == pConn->pSentinel && cacheIsSentinel(pStmt)) {
            hasSentinel = 1;
        } else if (sqlite3_stmt_busy(pStmt) && !sqlite3_stmt_readonly(pStmt)) {
            isWriting = 1;
        }
    }
    if (!hasSentinel) pConn->pSentinel = NULL;
    return isWriting;
}

/*
** Append what the sentinel says to the token: the generation of the
** sentinel (one more each time one is made) and how many times SQLite
** re-prepared it, which moves when it expires the connection's statements.
** Steps it (an expired statement is re-prepared by sqlite3_step) and
** resets it at once, so that it never stays active; prepares it when there
** is none. Returns 1 when no sentinel could be had (nothing may be cached).
*/
static int cacheSentinel(sqlite3 *db, lp_conn *pConn, sqlite3_str *pOut) {
    if (!pConn->pSentinel) {
        if (sqlite3_prepare_v3(db, CACHE_SENTINEL_SQL, -1, SQLITE_PREPARE_PERSISTENT,
                               &pConn->pSentinel, NULL) != SQLITE_OK) {
            sqlite3_finalize(pConn->pSentinel);
            pConn->pSentinel = NULL;
            return 1;
        }
        pConn->nSentinelGen++;
    } else {
        int rc = sqlite3_step(pConn->pSentinel);
        sqlite3_reset(pConn->pSentinel);
        if (rc != SQLITE_ROW) {
            sqlite3_finalize(pConn->pSentinel);
            pConn->pSentinel = NULL;
            return 1;
        }
    }
    sqlite3_str_appendf(pOut, "|%u.%d", pConn->nSentinelGen,
                        sqlite3_stmt_status(pConn->pSentinel, SQLITE_STMTSTATUS_REPREPARE, 0));
    return 0;
}

/* See lp_read.h. */
void learnpath_cache_disconnect(sqlite3 *db) {
    sqlite3_stmt *pStmt = sqlite3_next_stmt(db, NULL);
    while (pStmt) {
        sqlite3_stmt *pNext = sqlite3_next_stmt(db, pStmt);
        if (cacheIsSentinel(pStmt)) sqlite3_finalize(pStmt);
        pStmt = pNext;
    }
}

/* Run a one-value PRAGMA on schema zDb and append its value to pOut. */
static int cachePragma(sqlite3 *db, const char *zDb, const char *zPragma, sqlite3_str *pOut) {
    sqlite3_stmt *pStmt = NULL;
    char *zSql = sqlite3_mprintf("PRAGMA \"%w\".%s", zDb, zPragma);
    int rc;
    if (!zSql) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    sqlite3_free(zSql);
    if (rc) return rc;
    rc = sqlite3_step(pStmt);
    if (rc == SQLITE_ROW) {
        sqlite3_str_appendf(pOut, ":%lld", sqlite3_column_int64(pStmt, 0));
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(pStmt);
    return rc;
}

/*
** Can this database's contents change without the token noticing? An
** attached in-memory database can be swapped for another with the same
** name and counters (DETACH, ATTACH ':memory:'), and sqlite3_deserialize()
** replaces a database's contents wholesale (it runs on the memdb VFS).
*/
static int cacheUntracked(sqlite3 *db, const char *zDb, const char *zFile) {
    sqlite3_vfs *pVfs = NULL;
    if (zFile[0] == 0 && strcmp(zDb, "main") != 0 && strcmp(zDb, "temp") != 0) return 1;
    if (sqlite3_file_control(db, zDb, SQLITE_FCNTL_VFS_POINTER, &pVfs) == SQLITE_OK && pVfs &&
        pVfs->zName && strcmp(pVfs->zName, "memdb") == 0) {
        return 1;
    }
    return 0;
}

/*
** The identity of a database file: another file put at the same path while
** it was detached (and attached again) differs in inode, size or time even
** when SQLite's counters happen to match.
*/
static void cacheFileIdentity(const char *zFile, sqlite3_str *pOut) {
#ifndef _WIN32
    struct stat st;
    if (zFile[0] && stat(zFile, &st) == 0) {
        sqlite3_str_appendf(pOut, ":%llu.%llu.%lld.%lld.%ld", (unsigned long long)st.st_dev,
                            (unsigned long long)st.st_ino, (long long)st.st_size,
                            (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
    }
#else
    (void)zFile;
    (void)pOut;
#endif
}

/*
** Append the pager's data version of schema zDb (SQLITE_FCNTL_DATA_VERSION:
** it moves with every commit, this connection's own included, and when
** the pager sees another connection's). Returns 1 when it cannot be had.
*/
static int cacheDataVersion(sqlite3 *db, const char *zDb, sqlite3_str *pOut) {
    unsigned int iVersion = 0;
    if (sqlite3_file_control(db, zDb, SQLITE_FCNTL_DATA_VERSION, &iVersion) != SQLITE_OK) return 1;
    sqlite3_str_appendf(pOut, ":%u", iVersion);
    return 0;
}

/*
** The current validity token (see the header comment); *pzToken stays NULL
** when some database's changes cannot be tracked (then nothing is cached).
*/
static int cacheToken(sqlite3 *db, lp_conn *pConn, char **pzToken) {
    sqlite3_str *pOut = sqlite3_str_new(db);
    sqlite3_stmt *pList = NULL;
    int rc, isUntracked;
    *pzToken = NULL;
    sqlite3_str_appendf(pOut, "%d", sqlite3_total_changes(db));
    isUntracked = cacheSentinel(db, pConn, pOut);
    rc = sqlite3_prepare_v2(db, "PRAGMA database_list", -1, &pList, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(pList)) == SQLITE_ROW) {
        const char *zDb = (const char *)sqlite3_column_text(pList, 1);
        const char *zFile = (const char *)sqlite3_column_text(pList, 2);
        if (!zDb || !zFile) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (cacheUntracked(db, zDb, zFile)) isUntracked = 1;
        /* the file too: another file attached under the same name */
        sqlite3_str_appendf(pOut, ";%d:%s:%d:%s", (int)strlen(zDb), zDb, (int)strlen(zFile), zFile);
        cacheFileIdentity(zFile, pOut);
        rc = cachePragma(db, zDb, "data_version", pOut);
        if (rc == SQLITE_OK) rc = cachePragma(db, zDb, "schema_version", pOut);
        if (rc == SQLITE_OK && cacheDataVersion(db, zDb, pOut)) isUntracked = 1;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_finalize(pList);
    if (rc == SQLITE_OK) rc = sqlite3_str_errcode(pOut);
    if (rc || isUntracked) {
        sqlite3_free(sqlite3_str_finish(pOut));
        return rc;
    }
    *pzToken = sqlite3_str_finish(pOut);
    return *pzToken ? SQLITE_OK : SQLITE_NOMEM;
}

/*
** Drop the entries whose token is not zToken; return the entry for zKey
** that serves p (moved to the front), or NULL.
*/
static lp_cache_entry *cacheLookup(lp_conn *pConn, const char *zKey, const char *zToken,
                                   const lp_source_spec *p) {
    lp_cache_entry **pp, *pEntry;
    for (pp = &pConn->pCache; (pEntry = *pp) != NULL;) {
        if (strcmp(pEntry->zToken, zToken) != 0) {
            *pp = pEntry->pNext;
            cacheEntryFree(pConn, pEntry);
            continue;
        }
        if (strcmp(pEntry->zKey, zKey) == 0 && cacheServes(pEntry, p)) {
            *pp = pEntry->pNext;
            pEntry->pNext = pConn->pCache;
            pConn->pCache = pEntry;
            return pEntry;
        }
        pp = &pEntry->pNext;
    }
    return NULL;
}

/*
** Keep pData (a new reference) under zKey and zToken, which the cache
** takes; evict the least recently used beyond the limits. Not caching is
** always correct, so running out of memory here only skips the entry.
*/
static void cacheInsert(lp_conn *pConn, char *zKey, char *zToken, const lp_source_spec *p,
                        lp_data *pData) {
    lp_cache_entry **pp, *pEntry = sqlite3_malloc64(sizeof(*pEntry));
    int nEntry = 0;
    if (pEntry) {
        pEntry->zSegment = pEntry->zGroup = NULL;
        if ((p->zSegmentCol && (pEntry->zSegment = sqlite3_mprintf("%s", p->zSegmentCol)) == NULL) ||
            (p->readGroup && (pEntry->zGroup = sqlite3_mprintf("%s", p->zGroupCol)) == NULL)) {
            sqlite3_free(pEntry->zSegment);
            sqlite3_free(pEntry);
            pEntry = NULL;
        }
    }
    if (!pEntry) {
        sqlite3_free(zKey);
        sqlite3_free(zToken);
        return;
    }
    pEntry->zKey = zKey;
    pEntry->skipBadTimes = p->skipBadTimes;
    pEntry->zToken = zToken;
    pEntry->pData = pData;
    pData->nRef++;
    pEntry->pNext = pConn->pCache;
    pConn->pCache = pEntry;
    pConn->nCacheByte += pData->nByteUsed;

    /* entries the new one serves wholly (it was read wider) are dropped */
    for (pp = &pEntry->pNext; *pp;) {
        lp_cache_entry *pOld = *pp;
        lp_source_spec old = *p;
        old.zSegmentCol = pOld->zSegment;
        old.zGroupCol = pOld->zGroup;
        old.readGroup = pOld->zGroup != NULL;
        old.skipBadTimes = pOld->skipBadTimes;
        if (strcmp(pOld->zKey, zKey) == 0 && cacheServes(pEntry, &old)) {
            *pp = pOld->pNext;
            cacheEntryFree(pConn, pOld);
        } else {
            pp = &pOld->pNext;
        }
    }
    for (pp = &pConn->pCache; *pp; pp = &(*pp)->pNext) nEntry++;
    while (nEntry > CACHE_MAX_ENTRIES || pConn->nCacheByte > pConn->nCacheLimit) {
        for (pp = &pConn->pCache; (*pp)->pNext; pp = &(*pp)->pNext) {
        }
        cacheEntryFree(pConn, *pp);
        *pp = NULL;
        nEntry--;
    }
}

/*
** WIDENING. The report's queries name the same source with and without a
** segment column and with a group column (group_stats, group_value): read
** one column at a time, each new column would cost a read of its own and
** leave two copies of the rest cached. So a read for columns an entry of
** the same key does not serve reads the entry's columns too (its segment
** column when p names none, its group column when p reads none), and the
** new entry then replaces the old (cacheInsert). Only reads in memory with
** no budget widen: under a budget a wider read could fail where the narrow
** one fits. The names are copied (*pzCopy, one allocation the caller
** frees): a view read meanwhile may call learnpath and evict the entry.
** Returns p or *pWide (p widened); SQLITE_NOMEM leaves p as it is.
*/
static const lp_source_spec *cacheWiden(const lp_conn *pConn, const char *zKey,
                                        const lp_source_spec *p, lp_source_spec *pWide,
                                        char **pzCopy) {
    const lp_cache_entry *e;
    const char *zSeg = NULL, *zGrp = NULL;
    *pzCopy = NULL;
    /* (a group read apart, isGroupRead, only happens under a budget) */
    if (p->nBudget != 0) return p;
    for (e = pConn->pCache; e; e = e->pNext) {
        if (strcmp(e->zKey, zKey) == 0) break;
    }
    /* the wider copy replaces the entry only if the cache can keep it (an
    ** eighth more: a column adds 4 bytes an enrollment or a user to the 30
    ** and more a source holds): else each query would read it wide again,
    ** and throw it away */
    if (e == NULL || e->pData->nByteUsed > pConn->nCacheLimit / 8 * 7) return p;
    if (p->zSegmentCol == NULL) zSeg = e->zSegment;
    if (!p->readGroup) zGrp = e->zGroup;
    if (zSeg == NULL && zGrp == NULL) return p;
    /* both names in one allocation: "seg\0grp\0" */
    size_t nSeg = zSeg ? strlen(zSeg) : 0, nGrp = zGrp ? strlen(zGrp) : 0;
    *pzCopy = sqlite3_malloc64(nSeg + nGrp + 2);
    if (*pzCopy == NULL) return p; /* a narrower read is as correct */
    memcpy(*pzCopy, zSeg ? zSeg : "", nSeg + 1);
    memcpy(*pzCopy + nSeg + 1, zGrp ? zGrp : "", nGrp + 1);
    *pWide = *p;
    if (zSeg) pWide->zSegmentCol = *pzCopy;
    if (zGrp) {
        pWide->readGroup = 1;
        pWide->zGroupCol = *pzCopy + strlen(*pzCopy) + 1;
    }
    return pWide;
}

int learnpath_cache_get(sqlite3 *db, lp_conn *pConn, const lp_source_spec *p, lp_data **ppData,
                        char **pzErr) {
    char *zKey = NULL, *zToken = NULL;
    lp_cache_entry *pEntry;
    int rc;

    *ppData = NULL;
    *pzErr = NULL;
    if (pConn->nCacheLimit <= 0 || !sqlite3_get_autocommit(db) || cacheWriteUnderWay(db, pConn)) {
        return learnpath_data_read(db, p, ppData, pzErr);
    }
    zKey = cacheKey(p);
    if (!zKey) return SQLITE_NOMEM;
    rc = cacheToken(db, pConn, &zToken);
    if (rc == SQLITE_OK && zToken == NULL) {
        /* untracked databases attached, or no sentinel: no entry can be
        ** trusted now */
        sqlite3_free(zKey);
        learnpath_cache_clear(pConn);
        return learnpath_data_read(db, p, ppData, pzErr);
    }
    if (rc) {
        /* The token could not be had (e.g. locked, interrupted): read as if
        ** there were no cache; a real problem surfaces from the read. */
        sqlite3_free(zKey);
        if (rc == SQLITE_NOMEM) return rc;
        return learnpath_data_read(db, p, ppData, pzErr);
    }
    pEntry = cacheLookup(pConn, zKey, zToken, p);
    if (pEntry && pEntry->pData->isUnordered && !p->anyOrder) {
        /* read for a caller that needed no user_id order; this one does:
        ** order it in place if the cache alone holds it (and no budget
        ** must bound the copy), else read it afresh */
        if (pEntry->pData->nRef == 1 && p->nBudget == 0) {
            rc = learnpath_data_order(pEntry->pData, p);
            if (rc) {
                /* left only to be freed (lp_read.h): read again next time */
                learnpath_cache_forget(pConn, pEntry->pData);
                sqlite3_free(zKey);
                sqlite3_free(zToken);
                return rc;
            }
        } else {
            learnpath_cache_forget(pConn, pEntry->pData);
            pEntry = NULL;
        }
    }
    if (pEntry) {
        pEntry->pData->nRef++;
        *ppData = pEntry->pData;
        sqlite3_free(zKey);
        sqlite3_free(zToken);
        return SQLITE_OK;
    }
    lp_source_spec wide;
    char *zWide;
    p = cacheWiden(pConn, zKey, p, &wide, &zWide);
    rc = learnpath_data_read(db, p, ppData, pzErr);
    if (rc != SQLITE_OK || !(*ppData)->isCacheable || (*ppData)->nByteUsed > pConn->nCacheLimit) {
        sqlite3_free(zKey);
        sqlite3_free(zToken);
        sqlite3_free(zWide);
        return rc;
    }
    cacheInsert(pConn, zKey, zToken, p, *ppData);
    sqlite3_free(zWide);
    return SQLITE_OK;
}

/* See lp_read.h. */
void learnpath_cache_forget(lp_conn *pConn, const lp_data *pData) {
    for (lp_cache_entry **pp = &pConn->pCache; *pp; pp = &(*pp)->pNext) {
        if ((*pp)->pData == pData) {
            lp_cache_entry *p = *pp;
            *pp = p->pNext;
            cacheEntryFree(pConn, p);
            return;
        }
    }
}

/* See lp_read.h. */
int learnpath_cache_count(const lp_conn *pConn) {
    int n = 0;
    for (lp_cache_entry *p = pConn->pCache; p; p = p->pNext) n++;
    return n;
}

/* See lp_read.h. */
void learnpath_cache_trim(lp_conn *pConn) {
    if (pConn->nCacheLimit == 0) learnpath_cache_clear(pConn);
    while (pConn->pCache && pConn->nCacheByte > pConn->nCacheLimit) {
        lp_cache_entry **pp;
        for (pp = &pConn->pCache; (*pp)->pNext; pp = &(*pp)->pNext) {
        }
        cacheEntryFree(pConn, *pp);
        *pp = NULL;
    }
}

/* See lp_read.h. */
void learnpath_conn_init(lp_conn *pConn) {
    memset(pConn, 0, sizeof(*pConn));
    pConn->nCacheLimit = LP_CACHE_DEFAULT_LIMIT;
    pConn->nThreads = LP_THREADS_DEFAULT;
}

/* See lp_read.h. */
void learnpath_conn_clear(lp_conn *pConn) {
    learnpath_cache_clear(pConn);
    /* the sentinel went when SQLite disconnected the functions' tables
    ** (learnpath_cache_disconnect), before it frees this state */
    pConn->pSentinel = NULL;
    sqlite3_free(pConn->zLastError);
    pConn->zLastError = NULL;
    learnpath_report_clear(pConn);
}
