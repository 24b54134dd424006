/*
** lp_read_query.c - a query as the source (README.md, rule 13).
**
**   SELECT * FROM first_program('SELECT id AS user_id, module AS program,
**                                       day AS enrolled_at FROM raw');
**
**   1. A source is a query when its first word, after whitespace and SQL
**      comments, is SELECT, WITH or VALUES, in any case; any other source
**      is a table or view name (lp_source.c). A table whose name begins
**      with such a word is named with its schema ('main.select x') or read
**      by a query ('SELECT * FROM "select x"').
**   2. The query is exactly one statement: a ';' and whitespace or
**      comments may follow it, nothing else. It must compile, be read-only
**      (sqlite3_stmt_readonly: WITH ... DELETE ... RETURNING is refused)
**      and have no parameters. It is then read as a subquery,
**      "SELECT <columns> FROM (<query>\n)", by the same code that reads a
**      view: the same column checks (naming the query's columns), rules,
**      caching (keyed by the query's exact text) and nesting guard.
**   3. A source that is not a query, names no table or view, and begins
**      with the word of another statement (DELETE, INSERT, PRAGMA, ...) is
**      refused as a query learnpath does not run.
**   4. Trust. With learnpath_allow_views(0), the default, only the user's
**      own SQL can call the functions (they are direct-only), so a query is
**      the user's own. Once learnpath_allow_views(1) lets views and
**      triggers stored in a database call them, a query passed by one
**      would run as the user's own SQL, where SQLite would refuse parts of
**      it in the view itself. So, then, a query may read no virtual table
**      and call no function SQLite keeps from stored SQL
**      (SQLITE_DIRECTONLY): learnpath_query_check_stored.
*/
#include <stdlib.h>
#include <string.h>

#include "lp_read_int.h"

/* SQLITE_DIRECTONLY as pragma_function_list shows it in its flags. */
#define QUERY_FLAG_DIRECTONLY 0x000080000

/* Is c a character of a word (an SQL identifier without quotes)? */
static int queryIsWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

/*
** Skip whitespace and comments. *pIsOpen (may be NULL) is set to 1 when a
** block comment runs to the end of the text (SQLite accepts that).
*/
static const char *querySkipSpace(const char *z, int *pIsOpen) {
    for (;;) {
        if (*z == ' ' || *z == '\t' || *z == '\n' || *z == '\r' || *z == '\f') {
            z++;
        } else if (z[0] == '-' && z[1] == '-') {
            while (*z && *z != '\n') z++;
        } else if (z[0] == '/' && z[1] == '*') {
            const char *zEnd = strstr(z + 2, "*/");
            if (zEnd == NULL) {
                if (pIsOpen) *pIsOpen = 1;
                return z + strlen(z);
            }
            z = zEnd + 2;
        } else {
            return z;
        }
    }
}

/* The first word of z, after whitespace and comments: its start, its length. */
static int queryFirstWord(const char *z, const char **pzWord) {
    int n = 0;
    *pzWord = querySkipSpace(z, NULL);
    while (queryIsWordChar((*pzWord)[n])) n++;
    return n;
}

/* Is the word of n bytes at z one of azWord (case-insensitively)? */
static int queryWordIn(const char *z, int n, const char *const *azWord) {
    for (int i = 0; azWord[i]; i++) {
        if ((int)strlen(azWord[i]) == n && sqlite3_strnicmp(z, azWord[i], n) == 0) return 1;
    }
    return 0;
}

/* See lp_read.h. */
int learnpath_source_is_query(const char *z) {
    static const char *const azQuery[] = {"select", "with", "values", NULL};
    const char *zWord;
    int n = queryFirstWord(z, &zWord);
    /* the word alone is no query: a table named "values" is read by name */
    return n > 0 && queryWordIn(zWord, n, azQuery) && *querySkipSpace(zWord + n, NULL) != 0;
}

/*
** The end of the statement that starts at z: its ';' at the top level (not
** in a string, quoted identifier or comment), or the end of the text.
** *pIsOpen is set when a block comment runs to the end of the text.
*/
static const char *queryStatementEnd(const char *z, int *pIsOpen) {
    while (*z && *z != ';') {
        char c = *z;
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char *zClose = strchr(z + 1, c == '[' ? ']' : c);
            z = zClose ? zClose + 1 : z + strlen(z); /* 'it''s' is two strings here */
        } else if ((c == '-' && z[1] == '-') || (c == '/' && z[1] == '*')) {
            z = querySkipSpace(z, pIsOpen);
        } else {
            z++;
        }
    }
    return z;
}

/* How many statements z holds (empty ones, a lone ';', not counted). */
static int queryCountStatements(const char *z) {
    int n = 0;
    for (;;) {
        z = querySkipSpace(z, NULL);
        if (*z == ';') {
            z++;
            continue;
        }
        if (*z == 0) return n;
        n++;
        z = queryStatementEnd(z, NULL);
    }
}

/*
** Check the query alone (rule 13, 2): one statement that compiles, reads
** only and takes no parameter. zStart..zEnd is its text without the ';'.
*/
static int queryCheck(build_state *s, const char *zStart, const char *zEnd) {
    sqlite3_stmt *pStmt = NULL;
    const char *zTail = NULL;
    int nStmt = queryCountStatements(s->p->zSource);
    if (nStmt > 1) {
        return learnpath_read_error(s, SQLITE_ERROR,
                                    "the source query has %d statements (one is allowed)", nStmt);
    }
    int rc = sqlite3_prepare_v2(s->db, zStart, (int)(zEnd - zStart), &pStmt, &zTail);
    if (rc == SQLITE_NOMEM) return rc;
    if (rc != SQLITE_OK) {
        return learnpath_read_error(s, rc, "the source query does not compile: %s",
                                    sqlite3_errmsg(s->db));
    }
    if (pStmt == NULL || (zTail && querySkipSpace(zTail, NULL) < zEnd)) {
        /* no statement at all, or SQLite saw a second one */
        rc = learnpath_read_error(s, SQLITE_ERROR, "the source query must be one statement");
    } else if (!sqlite3_stmt_readonly(pStmt)) {
        rc = learnpath_read_error(s, SQLITE_ERROR, "the source query is not read-only");
    } else if (sqlite3_bind_parameter_count(pStmt) > 0) {
        const char *zName = sqlite3_bind_parameter_name(pStmt, 1);
        rc = learnpath_read_error(s, SQLITE_ERROR,
                                  "the source query has a parameter (%s): write its value into it",
                                  zName ? zName : "?");
    }
    sqlite3_finalize(pStmt);
    return rc;
}

/* See lp_read_int.h. */
int learnpath_query_resolve(build_state *s, sqlite3_stmt **ppStmt, char **pzFrom) {
    const char *zStart = querySkipSpace(s->p->zSource, NULL);
    int isOpen = 0;
    const char *zEnd = queryStatementEnd(zStart, &isOpen);
    char *zFrom, *zSql;
    int rc = queryCheck(s, zStart, zEnd);

    *ppStmt = NULL;
    *pzFrom = NULL;
    if (rc) return rc;
    /* a subquery: the newline ends a closing line comment, and a block
    ** comment still open at the end is closed before the parenthesis */
    zFrom = sqlite3_mprintf("(%.*s%s\n)", (int)(zEnd - zStart), zStart, isOpen ? "*/" : "");
    zSql = zFrom ? sqlite3_mprintf("SELECT * FROM %s", zFrom) : NULL;
    if (!zSql) {
        sqlite3_free(zFrom);
        return SQLITE_NOMEM;
    }
    rc = sqlite3_prepare_v2(s->db, zSql, -1, ppStmt, NULL);
    sqlite3_free(zSql);
    if (rc == SQLITE_OK) {
        *pzFrom = zFrom;
        return SQLITE_OK;
    }
    sqlite3_free(zFrom);
    if (rc == SQLITE_NOMEM) return rc;
    return learnpath_read_error(s, rc, "cannot read the source query: %s", sqlite3_errmsg(s->db));
}

/* See lp_read_int.h. */
int learnpath_query_not_a_name(build_state *s) {
    static const char *const azWrite[] = {
        "insert", "replace", "update", "delete", "create", "drop", "alter", "attach",
        "detach", "vacuum", "reindex", "analyze", "begin", "commit", "end", "rollback",
        "savepoint", "release", NULL};
    static const char *const azOther[] = {"pragma", "explain", NULL};
    const char *zWord;
    int n = queryFirstWord(s->p->zSource, &zWord);
    /* a word, then something else: 'delete' alone may be a table's name,
    ** and 'release.t' a table of the database attached as release */
    if (n == 0 || zWord[n] == 0 || zWord[n] == '.') return SQLITE_OK;
    if (queryWordIn(zWord, n, azWrite)) {
        return learnpath_read_error(s, SQLITE_ERROR,
                                    "the source query is not read-only (%.*s): a source is a "
                                    "table, a view or a SELECT, WITH or VALUES statement",
                                    n, zWord);
    }
    if (queryWordIn(zWord, n, azOther)) {
        return learnpath_read_error(s, SQLITE_ERROR,
                                    "the source query must be a SELECT, WITH or VALUES "
                                    "statement, not %.*s", n, zWord);
    }
    return SQLITE_OK;
}

/*
** Does the function whose EXPLAIN shows it as zP4 ("name(nArg)") carry
** SQLITE_DIRECTONLY? *pIs is set; only out of memory or a failed look-up
** (taken as yes by the caller) returns an error.
*/
static int queryIsDirectOnly(sqlite3 *db, const char *zP4, int *pIs) {
    const char *zParen = strrchr(zP4, '(');
    sqlite3_stmt *pStmt = NULL;
    int rc;
    *pIs = 1;
    if (zParen == NULL) return SQLITE_ERROR;
    rc = sqlite3_prepare_v2(db,
                            "SELECT 1 FROM pragma_function_list WHERE name = ?1 COLLATE NOCASE "
                            "AND narg = ?2 AND flags & ?3",
                            -1, &pStmt, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(pStmt, 1, zP4, (int)(zParen - zP4), SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(pStmt, 2, atoi(zParen + 1));
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(pStmt, 3, QUERY_FLAG_DIRECTONLY);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(pStmt);
        *pIs = rc == SQLITE_ROW;
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(pStmt);
    return rc;
}

/* Is the opcode zOp a call of a function (its P4 names it)? */
static int queryIsCall(const char *zOp) {
    static const char *const azCall[] = {"Function", "PureFunc", "AggStep", "AggStep1",
                                         "AggInverse", "AggValue", "AggFinal", NULL};
    for (int i = 0; azCall[i]; i++) {
        if (strcmp(zOp, azCall[i]) == 0) return 1;
    }
    return 0;
}

/* See lp_read.h. */
int learnpath_query_check_stored(sqlite3 *db, const char *zQuery, char **pzErr) {
    sqlite3_stmt *pExplain = NULL;
    const char *zStart = querySkipSpace(zQuery, NULL);
    const char *zEnd = queryStatementEnd(zStart, NULL);
    char *zSql = sqlite3_mprintf("EXPLAIN %.*s", (int)(zEnd - zStart), zStart);
    char *zRefused = NULL;
    int rc;
    if (!zSql) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db, zSql, -1, &pExplain, NULL);
    sqlite3_free(zSql);
    if (rc != SQLITE_OK) return rc == SQLITE_NOMEM ? rc : SQLITE_OK; /* the read reports it */
    while ((rc = sqlite3_step(pExplain)) == SQLITE_ROW) {
        const char *zOp = (const char *)sqlite3_column_text(pExplain, 1);
        const char *zP4 = (const char *)sqlite3_column_text(pExplain, 5);
        int isDirect = 0;
        if (zOp == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (strcmp(zOp, "VOpen") == 0) {
            zRefused = sqlite3_mprintf("read a virtual table");
        } else if (queryIsCall(zOp) && zP4) {
            rc = queryIsDirectOnly(db, zP4, &isDirect);
            if (rc == SQLITE_NOMEM) break;
            if (isDirect) zRefused = sqlite3_mprintf("call %s", zP4);
        } else {
            continue;
        }
        if (zRefused == NULL && (isDirect || strcmp(zOp, "VOpen") == 0)) rc = SQLITE_NOMEM;
        if (zRefused || rc == SQLITE_NOMEM) break;
    }
    sqlite3_finalize(pExplain);
    if (zRefused) {
        rc = learnpath_errorf(pzErr, SQLITE_ERROR,
                              "the source query may not %s while learnpath_allow_views(1) is "
                              "on (a view stored in a database could pass it)", zRefused);
        sqlite3_free(zRefused);
        return rc;
    }
    if (rc == SQLITE_NOMEM || rc == SQLITE_DONE) return rc == SQLITE_DONE ? SQLITE_OK : rc;
    /* stopped (interrupted, locked): what it would call is not known */
    return learnpath_errorf(pzErr, rc, "cannot check the source query: %s", sqlite3_errmsg(db));
}
