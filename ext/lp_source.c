/*
** lp_source.c - from a source's name to the statement that reads it.
**
**   1. The name is tried as one identifier, then as schema.table split at
**      the first dot. Names longer than BUILD_MAX_NAME bytes are refused.
**   2. The named columns must exist (compared as SQL does, case-
**      insensitively); a missing one is an error that lists the source's
**      columns.
**   3. The statement selects the needed columns, every identifier quoted
**      (%w); the rowid is added for bad_times='skip' (the samples of
**      unreadable times) when the source has one.
**   4. The source may be cached (lp_cache.c) only when the statement's
**      plan opens no virtual table, directly or through a view.
*/
#include <string.h>

#include "lp_read_int.h"

/* Identifiers longer than this are refused (argument length cap). */
#define BUILD_MAX_NAME 2000

/* Does the message say that exactly this table is missing? */
static int buildIsNoSuchTable(const char *zMsg, const char *zName) {
    static const char zPrefix[] = "no such table: ";
    size_t n = sizeof(zPrefix) - 1;
    return strncmp(zMsg, zPrefix, n) == 0 && strcmp(zMsg + n, zName) == 0;
}

/*
** Prepare "SELECT * FROM zFrom" (zFrom from sqlite3_mprintf, owned here).
** On success *pzFrom takes zFrom; otherwise it is freed and the prepare's
** code returned (its message stays in sqlite3_errmsg).
*/
static int buildTryFrom(build_state *s, char *zFrom, sqlite3_stmt **ppStmt, char **pzFrom) {
    char *zSql;
    int rc;
    if (!zFrom) return SQLITE_NOMEM;
    zSql = sqlite3_mprintf("SELECT * FROM %s", zFrom);
    if (!zSql) {
        sqlite3_free(zFrom);
        return SQLITE_NOMEM;
    }
    rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
    sqlite3_free(zSql);
    if (rc == SQLITE_OK) {
        *pzFrom = zFrom;
    } else {
        sqlite3_free(zFrom);
    }
    return rc;
}

/*
** Prepare "SELECT * FROM <source>" to learn the source's columns, trying
** the name as one identifier first and then as schema.table. On success
** *pzFrom is the quoted FROM clause to use (caller frees).
*/
static int buildResolveSource(build_state *s, sqlite3_stmt **ppStmt, char **pzFrom) {
    const char *zSrc = s->p->zSource;
    const char *zDot = strchr(zSrc, '.');
    const char *zMsg;
    int rc;

    *ppStmt = NULL;
    *pzFrom = NULL;
    rc = buildTryFrom(s, sqlite3_mprintf("\"%w\"", zSrc), ppStmt, pzFrom);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (!buildIsNoSuchTable(zMsg, zSrc)) {
        return learnpath_read_error(s, rc, "cannot read '%s': %s", zSrc, zMsg);
    }
    if (zDot == NULL || zDot == zSrc || zDot[1] == 0) {
        return learnpath_read_error(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
    }

    char *zSchema = sqlite3_mprintf("%.*s", (int)(zDot - zSrc), zSrc);
    if (!zSchema) return SQLITE_NOMEM;
    rc = buildTryFrom(s, sqlite3_mprintf("\"%w\".\"%w\"", zSchema, zDot + 1), ppStmt, pzFrom);
    sqlite3_free(zSchema);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (buildIsNoSuchTable(zMsg, zSrc) || strncmp(zMsg, "unknown database ", 17) == 0) {
        return learnpath_read_error(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
    }
    return learnpath_read_error(s, rc, "cannot read '%s': %s", zSrc, zMsg);
}

/* Error for a column argument that names no column of the source. */
static int buildNoColumn(build_state *s, sqlite3_stmt *pAll, const char *zArg,
                         const char *zCol) {
    sqlite3_str *pList = sqlite3_str_new(s->db);
    int nCol = sqlite3_column_count(pAll);
    for (int i = 0; i < nCol; i++) {
        const char *zName = sqlite3_column_name(pAll, i);
        if (zName == NULL) {
            sqlite3_free(sqlite3_str_finish(pList));
            return SQLITE_NOMEM;
        }
        sqlite3_str_appendf(pList, "%s%s", i ? ", " : "", zName);
    }
    if (sqlite3_str_errcode(pList)) {
        sqlite3_free(sqlite3_str_finish(pList));
        return SQLITE_NOMEM;
    }
    char *zList = sqlite3_str_finish(pList);
    int rc = learnpath_read_error(s, SQLITE_ERROR, "%s: no column '%s' in '%s' (its columns: %s)", zArg,
                        zCol, s->p->zSource, zList ? zList : "none");
    sqlite3_free(zList);
    return rc;
}

/*
** May what this query reads be cached (lp_cache.c)? Not when its plan opens
** a virtual table, directly or through a view: a virtual table's contents
** can change without SQLite noticing.
*/
static int buildCheckCacheable(build_state *s, const char *zSql) {
    sqlite3_stmt *pExplain = NULL;
    char *zExplain = sqlite3_mprintf("EXPLAIN %s", zSql);
    int rc;
    s->pD->isCacheable = 0;
    if (!zExplain) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(s->db, zExplain, -1, &pExplain, NULL);
    sqlite3_free(zExplain);
    if (rc != SQLITE_OK) return rc == SQLITE_NOMEM ? rc : SQLITE_OK; /* just not cached */
    /* cacheable only if the whole plan was read and opens no virtual table */
    int isVirtual = 0;
    while (!isVirtual && (rc = sqlite3_step(pExplain)) == SQLITE_ROW) {
        const char *zOp = (const char *)sqlite3_column_text(pExplain, 1);
        isVirtual = zOp == NULL || strcmp(zOp, "VOpen") == 0 || strcmp(zOp, "VFilter") == 0;
    }
    sqlite3_finalize(pExplain);
    s->pD->isCacheable = !isVirtual && rc == SQLITE_DONE;
    return !isVirtual && rc == SQLITE_NOMEM ? SQLITE_NOMEM : SQLITE_OK;
}

/*
** Prepare the SELECT of the needed columns, with the rowid last when the
** source has one and bad_times='skip' (for the samples of unreadable times). With
** asReader, the columns are the arguments of the reader function (after
** its parameter ?1, the build state) and the statement gives one row.
*/
/*
** Resolve the source and check that every named column exists in it
** (compared as SQL does). On success *pzFrom is the quoted FROM clause
** (caller frees).
*/
static int buildCheckColumns(build_state *s, char **pzFrom) {
    const lp_source_spec *p = s->p;
    const char *azArg[4] = {"user_col", "program_col", "time_col", "segment_col"};
    const char *azCol[4] = {p->zUserCol, p->zProgramCol, p->zTimeCol, p->zSegmentCol};
    int nNeed = p->zSegmentCol ? 4 : 3;
    sqlite3_stmt *pAll = NULL;
    int rc;

    if (strlen(p->zSource) > BUILD_MAX_NAME) {
        return learnpath_read_error(s, SQLITE_ERROR, "source name is too long (%d bytes at most)",
                                    BUILD_MAX_NAME);
    }
    for (int i = 0; i < nNeed; i++) {
        if (strlen(azCol[i]) > BUILD_MAX_NAME) {
            return learnpath_read_error(s, SQLITE_ERROR, "%s is too long (%d bytes at most)",
                                        azArg[i], BUILD_MAX_NAME);
        }
    }
    rc = buildResolveSource(s, &pAll, pzFrom);
    if (rc) return rc;
    int nCol = sqlite3_column_count(pAll);
    for (int i = 0; i < nNeed && rc == SQLITE_OK; i++) {
        int found = 0;
        for (int j = 0; j < nCol && !found; j++) {
            const char *zName = sqlite3_column_name(pAll, j);
            if (zName == NULL) {
                rc = SQLITE_NOMEM;
                break;
            }
            found = sqlite3_stricmp(zName, azCol[i]) == 0;
        }
        if (rc == SQLITE_OK && !found) rc = buildNoColumn(s, pAll, azArg[i], azCol[i]);
    }
    sqlite3_finalize(pAll);
    if (rc) {
        sqlite3_free(*pzFrom);
        *pzFrom = NULL;
    }
    return rc;
}

int learnpath_source_prepare(build_state *s, int asReader, sqlite3_stmt **ppStmt) {
    char *zOrder = NULL;
    const lp_source_spec *p = s->p;
    char *zFrom = NULL;
    int rc;

    *ppStmt = NULL;
    rc = buildCheckColumns(s, &zFrom);
    /* the rowid only serves the samples of unreadable times bad_times='skip'
    ** keeps; with 'error' the first one stops the read */
    for (int withRowid = p->skipBadTimes; rc == SQLITE_OK && withRowid >= 0; withRowid--) {
        if (s->isStream && zOrder == NULL) {
            /* users in SQL order, one after another, from SQLite's sorter */
            zOrder = sqlite3_mprintf(" ORDER BY \"%w\" COLLATE BINARY", p->zUserCol);
            if (!zOrder) {
                rc = SQLITE_NOMEM;
                break;
            }
        }
        char *zSql = sqlite3_mprintf(
            "SELECT %s\"%w\", \"%w\", \"%w\"%s%w%s%s%s FROM %s%s",
            asReader ? LEARNPATH_READER "(?1, " : "", p->zUserCol, p->zProgramCol, p->zTimeCol,
            p->zSegmentCol ? ", \"" : "", p->zSegmentCol ? p->zSegmentCol : "",
            p->zSegmentCol ? "\"" : "", withRowid ? ", _rowid_" : "", asReader ? ")" : "", zFrom,
            zOrder ? zOrder : "");
        if (!zSql) {
            rc = SQLITE_NOMEM;
            break;
        }
        rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
        if (rc == SQLITE_OK) {
            s->pD->hasRowid = withRowid;
            rc = buildCheckCacheable(s, zSql);
            sqlite3_free(zSql);
            break;
        }
        sqlite3_free(zSql);
        if (rc == SQLITE_NOMEM) break;
        if (!withRowid) {
            rc = learnpath_read_error(s, rc, "cannot read '%s': %s", p->zSource, sqlite3_errmsg(s->db));
        } else {
            rc = SQLITE_OK; /* no rowid (a view, WITHOUT ROWID): try without */
        }
    }
    sqlite3_free(zFrom);
    sqlite3_free(zOrder);
    if (rc != SQLITE_OK) {
        /* e.g. out of memory checking the plan: no statement to the caller */
        sqlite3_finalize(*ppStmt);
        *ppStmt = NULL;
    }
    return rc;
}
