/*
** lp_source.c - from a source's name to the statement that reads it.
**
**   1. The name is tried as one identifier, then as schema.table split at
**      the first dot. Names longer than BUILD_MAX_NAME bytes are refused.
**      A source whose first word is SELECT, WITH or VALUES is a query
**      instead, read as a subquery (rule 13, lp_read_query.c).
**   2. The named columns must exist (compared as SQL does, case-
**      insensitively); a missing one is an error that lists the source's
**      columns.
**   3. The statement selects the needed columns, every identifier quoted
**      (%w); the rowid is added for bad_times='skip' (the samples of
**      unreadable times) when the source has one.
**   4. The source may be cached (lp_cache.c) only when the statement's
**      plan opens no virtual table, directly or through a view.
**   5. Rule 3: values are compared as GROUP BY compares them, under their
**      column's collation. The collation GROUP BY would use is found
**      without reading a row: a table's declared column from
**      sqlite3_table_column_metadata; any other source (a view, whose
**      column's collation is that of its select expression, however
**      SQLite resolves it) through a statement that makes SQLite compare
**      under it (sourceProbeCollation). A BINARY column is read as it is,
**      and learnpath compares its values itself. Any other (NOCASE, RTRIM,
**      an application's own) is left to SQLite: the read selects, for each
**      value, the smallest value in BINARY order among those its column's
**      collation makes equal to it (a window partitioned by the column), so
**      what learnpath reads is one value per group, and the groups are
**      exactly GROUP BY's.
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
** *pzFrom is the quoted FROM clause to use (caller frees), and *piDot is 0
** for the name as one identifier, else the place of the dot that splits it.
*/
static int buildResolveSource(build_state *s, sqlite3_stmt **ppStmt, char **pzFrom, int *piDot) {
    const char *zSrc = s->p->zSource;
    const char *zDot = strchr(zSrc, '.');
    const char *zMsg;
    int rc;

    *ppStmt = NULL;
    *pzFrom = NULL;
    *piDot = 0;
    if (learnpath_source_is_query(zSrc)) return learnpath_query_resolve(s, ppStmt, pzFrom);
    rc = buildTryFrom(s, sqlite3_mprintf("\"%w\"", zSrc), ppStmt, pzFrom);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (!buildIsNoSuchTable(zMsg, zSrc)) {
        return learnpath_read_error(s, rc, "cannot read '%s': %s", zSrc, zMsg);
    }
    if (zDot == NULL || zDot == zSrc || zDot[1] == 0) {
        rc = learnpath_query_not_a_name(s); /* 'DELETE FROM t' (rule 13) */
        return rc ? rc : learnpath_read_error(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
    }

    char *zSchema = sqlite3_mprintf("%.*s", (int)(zDot - zSrc), zSrc);
    if (!zSchema) return SQLITE_NOMEM;
    rc = buildTryFrom(s, sqlite3_mprintf("\"%w\".\"%w\"", zSchema, zDot + 1), ppStmt, pzFrom);
    sqlite3_free(zSchema);
    *piDot = (int)(zDot - zSrc);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    zMsg = sqlite3_errmsg(s->db);
    if (buildIsNoSuchTable(zMsg, zSrc) || strncmp(zMsg, "unknown database ", 17) == 0) {
        rc = learnpath_query_not_a_name(s); /* 'DELETE FROM main.t' (rule 13) */
        return rc ? rc : learnpath_read_error(s, SQLITE_ERROR, "no such table or view '%s'", zSrc);
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
    int rc = learnpath_source_is_query(s->p->zSource)
                 ? learnpath_read_error(s, SQLITE_ERROR,
                                        "%s: no column '%s' in the source query (its columns: %s)",
                                        zArg, zCol, zList ? zList : "none")
                 : learnpath_read_error(s, SQLITE_ERROR, "%s: no column '%s' in '%s' (its columns: %s)",
                                        zArg, zCol, s->p->zSource, zList ? zList : "none");
    sqlite3_free(zList);
    return rc;
}

/*
** Is a scalar function of this name registered without
** SQLITE_DETERMINISTIC (any of its argument counts)? Such a function
** (random(), current_date, a setting such as learnpath_report_setting) can
** answer differently with nothing in the database changed. When the list
** cannot be read, the answer is yes (the read is then not cached).
*/
static int buildIsVolatile(sqlite3 *db, const char *zName, int nName) {
    sqlite3_stmt *pStmt = NULL;
    int isVolatile = 1;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM pragma_function_list "
                           "WHERE name = ?1 COLLATE NOCASE AND (flags & ?2) = 0",
                           -1, &pStmt, NULL) == SQLITE_OK &&
        sqlite3_bind_text(pStmt, 1, zName, nName, SQLITE_TRANSIENT) == SQLITE_OK &&
        sqlite3_bind_int(pStmt, 2, SQLITE_DETERMINISTIC) == SQLITE_OK &&
        sqlite3_step(pStmt) == SQLITE_ROW) {
        isVolatile = sqlite3_column_int(pStmt, 0) > 0;
    }
    sqlite3_finalize(pStmt);
    return isVolatile;
}

/*
** Can one row of this query's plan (EXPLAIN: opcode, p4) give another
** answer with the database unchanged? A virtual table (its contents can
** change without SQLite noticing), a call of a function that is not
** deterministic (its name is p4's text before '('), and the string 'now'
** (date('now') and the like; any such literal, to be safe).
*/
static int buildIsUnstableOp(sqlite3 *db, const char *zOp, const char *zP4) {
    if (zOp == NULL) return 1;
    if (strcmp(zOp, "VOpen") == 0 || strcmp(zOp, "VFilter") == 0) return 1;
    if (strcmp(zOp, "String8") == 0) return zP4 && sqlite3_stricmp(zP4, "now") == 0;
    if (strcmp(zOp, "Function") == 0) {
        const char *zParen = zP4 ? strchr(zP4, '(') : NULL;
        return zParen == NULL || buildIsVolatile(db, zP4, (int)(zParen - zP4));
    }
    return 0;
}

/*
** May what this query reads be cached (lp_cache.c)? Not when its plan,
** through views too, has a step whose answer may change with the database
** unchanged (buildIsUnstableOp): the cache could not tell that it had.
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
    /* cacheable only if the whole plan was read and nothing in it is unstable */
    int isUnstable = 0;
    while (!isUnstable && (rc = sqlite3_step(pExplain)) == SQLITE_ROW) {
        isUnstable = buildIsUnstableOp(s->db, (const char *)sqlite3_column_text(pExplain, 1),
                                       (const char *)sqlite3_column_text(pExplain, 5));
    }
    sqlite3_finalize(pExplain);
    s->pD->isCacheable = !isUnstable && rc == SQLITE_DONE;
    return !isUnstable && rc == SQLITE_NOMEM ? SQLITE_NOMEM : SQLITE_OK;
}

/*
** The columns a read selects, in order: user, program, time, then the
** segment and the group (readGroup) when read; their names into azCol and
** the arguments that named them into azArg (either may be NULL). Returns
** how many.
*/
static int sourceColumnNames(const lp_source_spec *p, const char **azCol, const char **azArg) {
    static const char *const azFixed[3] = {"user_col", "program_col", "time_col"};
    int n = 3;
    if (azCol) {
        azCol[0] = p->zUserCol;
        azCol[1] = p->zProgramCol;
        azCol[2] = p->zTimeCol;
    }
    if (azArg) memcpy(azArg, azFixed, sizeof(azFixed));
    if (p->zSegmentCol) {
        if (azCol) azCol[n] = p->zSegmentCol;
        if (azArg) azArg[n] = p->isGroupRead ? "group_col" : "segment_col";
        n++;
    }
    if (p->readGroup) {
        if (azCol) azCol[n] = p->zGroupCol;
        if (azArg) azArg[n] = "group_col";
        n++;
    }
    return n;
}

/*
** Resolve the source and check that every named column exists in it
** (compared as SQL does). On success *pzFrom is the quoted FROM clause
** (caller frees) and *piDot as buildResolveSource sets it.
*/
static int buildCheckColumns(build_state *s, char **pzFrom, int *piDot) {
    const lp_source_spec *p = s->p;
    const char *azArg[5], *azCol[5];
    int nNeed = sourceColumnNames(p, azCol, azArg);
    sqlite3_stmt *pAll = NULL;
    int rc;

    if (strlen(p->zSource) > BUILD_MAX_NAME && !learnpath_source_is_query(p->zSource)) {
        return learnpath_read_error(s, SQLITE_ERROR, "source name is too long (%d bytes at most)",
                                    BUILD_MAX_NAME);
    }
    for (int i = 0; i < nNeed; i++) {
        if (strlen(azCol[i]) > BUILD_MAX_NAME) {
            return learnpath_read_error(s, SQLITE_ERROR, "%s is too long (%d bytes at most)",
                                        azArg[i], BUILD_MAX_NAME);
        }
    }
    rc = buildResolveSource(s, &pAll, pzFrom, piDot);
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

/* ------------------------------------------------- collations (rule 3) */

/*
** A table's column: *pIsBinary from its declared collation. SQLITE_ERROR
** when the source is not a table (a view), SQLITE_NOMEM when out of memory.
*/
static int sourceTableCollation(build_state *s, int iDot, const char *zCol, int *pIsBinary) {
    const char *zSrc = s->p->zSource;
    const char *zColl = NULL;
    char *zSchema = NULL;
    int rc;
    if (iDot > 0) {
        zSchema = sqlite3_mprintf("%.*s", iDot, zSrc);
        if (!zSchema) return SQLITE_NOMEM;
    }
    rc = sqlite3_table_column_metadata(s->db, zSchema, iDot > 0 ? zSrc + iDot + 1 : zSrc, zCol, NULL,
                                       &zColl, NULL, NULL, NULL);
    sqlite3_free(zSchema);
    if (rc == SQLITE_OK) *pIsBinary = zColl == NULL || sqlite3_stricmp(zColl, "BINARY") == 0;
    return rc;
}

/* Does EXPLAIN show BINARY ("k(1,B)") on the statement's first OpenEphemeral? */
static int sourceExplainBinary(sqlite3 *db, const char *zExplain, int *pIsBinary) {
    sqlite3_stmt *pStmt = NULL;
    int rc = sqlite3_prepare_v2(db, zExplain, -1, &pStmt, NULL);
    while (rc == SQLITE_OK && sqlite3_step(pStmt) == SQLITE_ROW) {
        const char *zOp = (const char *)sqlite3_column_text(pStmt, 1);
        const char *zP4 = (const char *)sqlite3_column_text(pStmt, 5);
        if (zOp == NULL) {
            rc = SQLITE_NOMEM;
        } else if (strcmp(zOp, "OpenEphemeral") == 0) {
            *pIsBinary = zP4 && (strcmp(zP4, "k(1,B)") == 0 || strcmp(zP4, "k(1,BINARY)") == 0);
            break;
        }
    }
    sqlite3_finalize(pStmt);
    return rc == SQLITE_NOMEM ? rc : SQLITE_OK;
}

/* The one integer zSql yields, into *pValue (left alone if none). */
static int sourceOneInt(sqlite3 *db, const char *zSql, int *pValue) {
    sqlite3_stmt *pStmt = NULL;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        *pValue = sqlite3_column_int(pStmt, 0);
    }
    sqlite3_finalize(pStmt);
    return rc == SQLITE_NOMEM ? rc : SQLITE_OK;
}

/*
** Any other source's column: a view's collation is that of its select
** expression (explicit COLLATE, else the column it names, through any
** views or compounds in between), which is what SQLite resolves anywhere
** the column is compared. So SQLite is asked, without reading a row:
**   SELECT * FROM (SELECT "col" FROM source LIMIT 0)
**    UNION SELECT 'a' UNION SELECT 'A' UNION SELECT 'a '
** compares under the column's collation (the leftmost arm's, as for
** GROUP BY on the column). Its EXPLAIN shows the collation on the UNION's
** table, the first OpenEphemeral: "k(1,B)" for BINARY. Run, it must keep
** 'a', 'A' and 'a ' apart, and no collation of the connection may be named
** "B" (which EXPLAIN would show alike). Whatever is not proven BINARY this
** way is taken as not BINARY, which gives the same answers, more slowly.
*/
static int sourceProbeCollation(build_state *s, const char *zFrom, const char *zCol,
                                int *pIsBinary) {
    char *zUnion = sqlite3_mprintf("SELECT * FROM (SELECT \"%w\" FROM %s LIMIT 0) UNION SELECT 'a' "
                                   "UNION SELECT 'A' UNION SELECT 'a '", zCol, zFrom);
    char *zExplain = zUnion ? sqlite3_mprintf("EXPLAIN %s", zUnion) : NULL;
    char *zCheck = zUnion ? sqlite3_mprintf("SELECT (SELECT count(*) FROM (%s)) = 3 AND NOT EXISTS "
                                            "(SELECT 1 FROM pragma_collation_list WHERE name = 'B' "
                                            "COLLATE NOCASE)", zUnion)
                          : NULL;
    int rc = zExplain && zCheck ? SQLITE_OK : SQLITE_NOMEM;
    int isBinary = 0, isChecked = 0;
    if (rc == SQLITE_OK) rc = sourceExplainBinary(s->db, zExplain, &isBinary);
    if (rc == SQLITE_OK && isBinary) rc = sourceOneInt(s->db, zCheck, &isChecked);
    *pIsBinary = isBinary && isChecked;
    sqlite3_free(zUnion);
    sqlite3_free(zExplain);
    sqlite3_free(zCheck);
    return rc;
}

/* Is column zCol of the source compared as BINARY? (only SQLITE_NOMEM fails) */
static int sourceIsBinary(build_state *s, const char *zFrom, int iDot, const char *zCol,
                          int *pIsBinary) {
    /* a query's columns are probed (a table of that name is not its source) */
    int rc = learnpath_source_is_query(s->p->zSource) ? SQLITE_ERROR
                                                      : sourceTableCollation(s, iDot, zCol, pIsBinary);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM) return rc;
    return sourceProbeCollation(s, zFrom, zCol, pIsBinary);
}

/*
** The SQL that selects column zCol. BINARY: the column. Otherwise, for
** each row, the smallest value in BINARY order among all the source's
** values its collation makes equal to the row's: a user is the SQL value
** (42 and '42' stay apart), a program or segment its text. An empty text
** is no group's value, and stays empty (rule 1 leaves it out).
*/
static char *sourceColumnSql(const char *zCol, int isUser, int isBinary) {
    if (isBinary) return sqlite3_mprintf("\"%w\"", zCol);
    if (isUser) {
        return sqlite3_mprintf("CASE WHEN \"%w\" COLLATE BINARY = '' THEN '' ELSE min(nullif(\"%w\" "
                               "COLLATE BINARY, '') COLLATE BINARY) OVER (PARTITION BY \"%w\") END",
                               zCol, zCol, zCol);
    }
    return sqlite3_mprintf("CASE WHEN CAST(\"%w\" AS TEXT) COLLATE BINARY = '' THEN '' ELSE "
                           "min(nullif(CAST(\"%w\" AS TEXT) COLLATE BINARY, '') COLLATE BINARY) "
                           "OVER (PARTITION BY CAST(\"%w\" AS TEXT)) END",
                           zCol, zCol, zCol);
}

/*
** The SQL of the columns read (user, program, time[, segment][, group])
** into azCol (caller frees each). With withGroups, a column whose collation
** is not BINARY selects its group's value, and *pmGroup has bit i set for it.
*/
static int sourceColumns(build_state *s, const char *zFrom, int iDot, int withGroups, char **azCol,
                         int *pmGroup) {
    const char *azName[5];
    int nCol = sourceColumnNames(s->p, azName, NULL), rc = SQLITE_OK;
    *pmGroup = 0;
    for (int i = 0; i < nCol && rc == SQLITE_OK; i++) {
        int isBinary = 1;
        if (withGroups && i != 2) rc = sourceIsBinary(s, zFrom, iDot, azName[i], &isBinary);
        if (rc) break;
        if (!isBinary) *pmGroup |= 1 << i;
        azCol[i] = sourceColumnSql(azName[i], i == 0, isBinary);
        if (!azCol[i]) rc = SQLITE_NOMEM;
    }
    return rc;
}

/*
** The read statement's SQL. Streaming, the users come in order (SQL's
** BINARY order of the values read). A group's value (a window) cannot be
** an argument of the reader function: then the reader reads a subquery.
*/
static char *sourceSelectSql(const build_state *s, int asReader, int withRowid, char **azCol,
                             const char *zFrom, int mGroup) {
    int nCol = sourceColumnNames(s->p, NULL, NULL), isNested = asReader && mGroup;
    sqlite3_str *pSql = sqlite3_str_new(s->db);
    sqlite3_str_appendall(pSql, asReader ? "SELECT " LEARNPATH_READER "(?1, " : "SELECT ");
    if (isNested) {
        for (int i = 0; i < nCol + withRowid; i++) sqlite3_str_appendf(pSql, "%sc%d", i ? ", " : "", i);
        sqlite3_str_appendall(pSql, ") FROM (SELECT ");
    }
    for (int i = 0; i < nCol; i++) {
        sqlite3_str_appendf(pSql, "%s%s", i ? ", " : "", azCol[i]);
        if (mGroup) sqlite3_str_appendf(pSql, " AS c%d", i);
    }
    if (withRowid) sqlite3_str_appendf(pSql, mGroup ? ", _rowid_ AS c%d" : ", _rowid_", nCol);
    sqlite3_str_appendf(pSql, "%s FROM %s%s", asReader && !isNested ? ")" : "", zFrom,
                        isNested ? ")" : "");
    if (s->isStream && (mGroup & 1)) {
        sqlite3_str_appendall(pSql, " ORDER BY 1 COLLATE BINARY");
    } else if (s->isStream) {
        sqlite3_str_appendf(pSql, " ORDER BY \"%w\" COLLATE BINARY", s->p->zUserCol);
    }
    return sqlite3_str_finish(pSql);
}

/*
** Prepare the SELECT of the needed columns, with the rowid last when the
** source has one and bad_times='skip' (for the samples of unreadable
** times). With asReader, the columns are the arguments of the reader
** function (after its parameter ?1, the build state) and the statement
** gives one row. Read by the reader or streamed, a column whose collation
** is not BINARY gives its group's value (rule 3, s->hasGroups); the plain
** pass that only checks times (neither) reads the values as they are.
*/
int learnpath_source_prepare(build_state *s, int asReader, sqlite3_stmt **ppStmt) {
    const lp_source_spec *p = s->p;
    char *zFrom = NULL;
    char *azCol[5] = {NULL, NULL, NULL, NULL, NULL};
    int iDot = 0, mGroup = 0, isRead = asReader || s->isStream;
    int rc;

    *ppStmt = NULL;
    rc = buildCheckColumns(s, &zFrom, &iDot);
    if (rc == SQLITE_OK) rc = sourceColumns(s, zFrom, iDot, isRead, azCol, &mGroup);
    if (isRead) s->hasGroups = mGroup != 0;
    /* the rowid only serves the samples of unreadable times bad_times='skip'
    ** keeps; with 'error' the first one stops the read */
    for (int withRowid = p->skipBadTimes; rc == SQLITE_OK && withRowid >= 0; withRowid--) {
        char *zSql = sourceSelectSql(s, asReader, withRowid, azCol, zFrom, mGroup);
        if (!zSql) {
            rc = SQLITE_NOMEM;
            break;
        }
        rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
        if (rc == SQLITE_OK) {
            if (isRead) {
                /* the plain pass that checks times leaves what the read found */
                s->pD->hasRowid = withRowid;
                rc = buildCheckCacheable(s, zSql);
            }
            sqlite3_free(zSql);
            break;
        }
        sqlite3_free(zSql);
        if (rc == SQLITE_NOMEM) break;
        if (!withRowid) {
            rc = learnpath_source_is_query(p->zSource)
                     ? learnpath_read_error(s, rc, "cannot read the source query: %s",
                                            sqlite3_errmsg(s->db))
                     : learnpath_read_error(s, rc, "cannot read '%s': %s", p->zSource,
                                            sqlite3_errmsg(s->db));
        } else {
            rc = SQLITE_OK; /* no rowid (a view, WITHOUT ROWID): try without */
        }
    }
    sqlite3_free(zFrom);
    for (int i = 0; i < 5; i++) sqlite3_free(azCol[i]);
    if (rc != SQLITE_OK) {
        /* e.g. out of memory checking the plan: no statement to the caller */
        sqlite3_finalize(*ppStmt);
        *ppStmt = NULL;
    }
    return rc;
}
