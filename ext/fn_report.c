/*
** fn_report.c - the report settings (README rule 16): what the saved
** reports in sql/ call the analyst's programs, segment and group.
**
**   SELECT learnpath_report_setting('flagship', 'Data Science');  -- set;
**                                       -- returns the previous value
**   SELECT learnpath_report_setting('flagship');    -- read (or the default)
**   SELECT learnpath_is_flagship(program) ...       -- 1, 0, or NULL when
**                                                   -- no flagship is set
**
** The settings live with the connection (lp_conn.azReport), like the cache
** settings: a report reads them with SQL, so they work the same from the
** sqlite3 shell, DB Browser, Python and tools/report.sh. Setting is
** SQLITE_DIRECTONLY (SQL stored in a database cannot change them); reading
** is not innocuous (a view stored in a database cannot read them either,
** unless trusted_schema is on).
*/
#include <stdlib.h>

#include "lp_sql.h"

/* The settings, in lp_conn.azReport's order. */
static const char *const azReportName[LP_REPORT_N] = {
    "flagship", "segment_col", "segment_label", "group_col", "group_label", "min_base",
};

/* What each setting is, for the error that lists them. */
#define REPORT_NAMES "flagship, segment_col, segment_label, group_col, group_label, min_base"

/* A setting's number, or -1. */
static int reportSetting(const char *z) {
    for (int i = 0; z && i < LP_REPORT_N; i++) {
        if (sqlite3_stricmp(z, azReportName[i]) == 0) return i;
    }
    return -1;
}

/* "user_type" -> "user type": a column name as words (a new string). */
static char *reportWords(const char *zCol) {
    char *z = sqlite3_mprintf("%s", zCol);
    for (char *p = z; p && *p; p++) {
        if (*p == '_') *p = ' ';
    }
    return z;
}

/*
** The value of setting i as the reports see it (a new string, or NULL for
** "none"; *pIsNomem on an allocation failure). The defaults: segment_col
** user_type; the labels the columns' names as words (segment when there is
** no segment column); no flagship and no group column; min_base 30. An
** empty segment_col or group_col means none.
*/
static char *reportValue(const lp_conn *pConn, int i, int *pIsNomem) {
    const char *zSet = pConn->azReport[i];
    char *z = NULL;
    *pIsNomem = 0;
    switch (i) {
        case LP_REPORT_SEGMENT_COL:
            z = sqlite3_mprintf("%s", zSet ? zSet : "user_type");
            if (z && !z[0]) {
                sqlite3_free(z);
                return NULL;
            }
            break;
        case LP_REPORT_GROUP_COL:
            if (!zSet || !zSet[0]) return NULL;
            z = sqlite3_mprintf("%s", zSet);
            break;
        case LP_REPORT_SEGMENT_LABEL:
        case LP_REPORT_GROUP_LABEL: {
            int iCol = i == LP_REPORT_SEGMENT_LABEL ? LP_REPORT_SEGMENT_COL : LP_REPORT_GROUP_COL;
            char *zCol;
            if (zSet) {
                z = sqlite3_mprintf("%s", zSet);
                break;
            }
            zCol = reportValue(pConn, iCol, pIsNomem);
            if (*pIsNomem) return NULL;
            if (!zCol) {
                if (i == LP_REPORT_GROUP_LABEL) return NULL;
                z = sqlite3_mprintf("segment");
            } else {
                z = reportWords(zCol);
                sqlite3_free(zCol);
            }
            break;
        }
        case LP_REPORT_MIN_BASE:
            z = sqlite3_mprintf("%s", zSet ? zSet : "30");
            break;
        default: /* flagship */
            if (!zSet) return NULL;
            z = sqlite3_mprintf("%s", zSet);
            break;
    }
    if (!z) *pIsNomem = 1;
    return z;
}

/* Return setting i's value (NULL for none; min_base an integer). */
static void reportResult(sqlite3_context *ctx, const lp_conn *pConn, int i) {
    int isNomem;
    char *z = reportValue(pConn, i, &isNomem);
    if (isNomem) {
        sqlite3_result_error_nomem(ctx);
    } else if (!z) {
        sqlite3_result_null(ctx);
    } else if (i == LP_REPORT_MIN_BASE) {
        sqlite3_result_int64(ctx, (sqlite3_int64)strtoll(z, NULL, 10));
        sqlite3_free(z);
    } else {
        sqlite3_result_text(ctx, z, -1, sqlite3_free);
    }
}

/* Free the flagship list. */
static void reportFreeFlagships(lp_conn *pConn) {
    for (int i = 0; i < pConn->nFlagship; i++) sqlite3_free(pConn->azFlagship[i]);
    sqlite3_free(pConn->azFlagship);
    pConn->azFlagship = NULL;
    pConn->nFlagship = 0;
}

/* See lp_read.h (learnpath_conn_clear calls it). */
void learnpath_report_clear(lp_conn *pConn) {
    reportFreeFlagships(pConn);
    for (int i = 0; i < LP_REPORT_N; i++) {
        sqlite3_free(pConn->azReport[i]);
        pConn->azReport[i] = NULL;
    }
}

/*
** The flagship names of z: z itself, or, when z starts with '[', the
** strings of the JSON array it holds (read by SQLite's json_each, the value
** bound). Returns SQLITE_OK and the list, or an error with *pzErr set.
*/
static int reportParseFlagships(sqlite3 *db, const char *z, char ***pazName, int *pnName,
                                char **pzErr) {
    sqlite3_stmt *pStmt = NULL;
    char **az = NULL;
    int n = 0, rc;
    *pazName = NULL;
    *pnName = 0;
    const char *zStart = z;
    while (*zStart == ' ' || *zStart == '\t' || *zStart == '\n' || *zStart == '\r') zStart++;
    if (zStart[0] != '[') {
        az = sqlite3_malloc64(sizeof(char *));
        if (!az || (az[0] = sqlite3_mprintf("%s", z)) == NULL) {
            sqlite3_free(az);
            return SQLITE_NOMEM;
        }
        *pazName = az;
        *pnName = 1;
        return SQLITE_OK;
    }
    if (strstr(zStart, "\\u0000")) {
        /* json_each cuts a name at an escaped NUL: refuse it, as a NUL */
        *pzErr = sqlite3_mprintf("flagship must not contain a NUL character");
        return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    rc = sqlite3_prepare_v2(db, "SELECT type, value FROM json_each(?1)", -1, &pStmt, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(pStmt, 1, z, -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        const char *zType = (const char *)sqlite3_column_text(pStmt, 0);
        const char *zName = (const char *)sqlite3_column_text(pStmt, 1);
        char **azNew;
        if (zName && (int)strlen(zName) != sqlite3_column_bytes(pStmt, 1)) {
            *pzErr = sqlite3_mprintf("flagship must not contain a NUL character");
            rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
            break;
        }
        if (!zType || strcmp(zType, "text") != 0 || !zName || !zName[0]) {
            *pzErr = sqlite3_mprintf("flagship must be a program name or a JSON array of "
                                     "non-empty names, not %s", z);
            rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
            break;
        }
        azNew = sqlite3_realloc64(az, (sqlite3_uint64)(n + 1) * sizeof(char *));
        if (!azNew) {
            rc = SQLITE_NOMEM;
            break;
        }
        az = azNew;
        if ((az[n] = sqlite3_mprintf("%s", zName)) == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        n++;
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
    if (rc == SQLITE_OK && n == 0) {
        *pzErr = sqlite3_mprintf("flagship must name at least one program, not %s", z);
        rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    } else if (rc != SQLITE_OK && rc != SQLITE_NOMEM && !*pzErr) {
        *pzErr = sqlite3_mprintf("flagship must be a program name or a JSON array of names, "
                                 "not %s (%s)", z, sqlite3_errmsg(db));
        if (!*pzErr) rc = SQLITE_NOMEM;
    }
    sqlite3_finalize(pStmt);
    if (rc != SQLITE_OK) {
        for (int i = 0; i < n; i++) sqlite3_free(az[i]);
        sqlite3_free(az);
        return rc;
    }
    *pazName = az;
    *pnName = n;
    return SQLITE_OK;
}

/* "learnpath_report_setting(): <msg>" (or out of memory). */
static void reportError(sqlite3_context *ctx, int rc, char *zMsg) {
    if (rc == SQLITE_NOMEM || !zMsg) {
        sqlite3_result_error_nomem(ctx);
    } else {
        learnpath_result_errorf(ctx, "learnpath_report_setting(): %s", zMsg);
    }
    sqlite3_free(zMsg);
}

/*
** Check value v for setting i and make its stored form (*pzNew: a new
** string, or NULL for the default). Returns SQLITE_OK, or an error with
** *pzErr set.
*/
static int reportCheck(int i, sqlite3_value *v, char **pzNew, char **pzErr) {
    int eType = sqlite3_value_type(v);
    const char *z;
    *pzNew = NULL;
    if (eType == SQLITE_NULL) return SQLITE_OK;
    if (i == LP_REPORT_MIN_BASE) {
        int64_t n;
        if (!learnpath_count_arg(v, 1, 0, &n)) {
            char *zV = learnpath_describe_value(v);
            *pzErr = zV ? sqlite3_mprintf("min_base must be a whole number >= 1, not %s", zV) : 0;
            sqlite3_free(zV);
            return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
        }
        *pzNew = sqlite3_mprintf("%lld", (long long)n);
        return *pzNew ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (eType == SQLITE_BLOB) {
        *pzErr = sqlite3_mprintf("%s must be text, not a blob", azReportName[i]);
        return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    z = (const char *)sqlite3_value_text(v);
    if (!z) return SQLITE_NOMEM;
    if ((int)strlen(z) != sqlite3_value_bytes(v)) {
        /* never cut at the NUL: a shorter name would be taken for it */
        *pzErr = sqlite3_mprintf("%s must not contain a NUL character", azReportName[i]);
        return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    if (!z[0] && i != LP_REPORT_SEGMENT_COL && i != LP_REPORT_GROUP_COL) {
        *pzErr = sqlite3_mprintf("%s must not be empty (NULL restores the default)",
                                 azReportName[i]);
        return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    }
    *pzNew = sqlite3_mprintf("%s", z);
    return *pzNew ? SQLITE_OK : SQLITE_NOMEM;
}

/*
** learnpath_report_setting(name): the setting's value (or its default);
** learnpath_report_setting(name, value): set it (NULL: back to the
** default) and return the value it had.
*/
void learnpath_fn_report_setting(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    lp_conn *pConn = sqlite3_user_data(ctx);
    const char *zName = (const char *)sqlite3_value_text(argv[0]);
    int i = reportSetting(zName), rc;
    char *zNew = NULL, *zErr = NULL, **azName = NULL;
    int nName = 0;
    if (i < 0) {
        char *zV = learnpath_describe_value(argv[0]);
        reportError(ctx, zV ? SQLITE_ERROR : SQLITE_NOMEM,
                    zV ? sqlite3_mprintf("no setting %s (the settings: " REPORT_NAMES ")", zV)
                       : NULL);
        sqlite3_free(zV);
        return;
    }
    if (argc == 1) {
        reportResult(ctx, pConn, i);
        return;
    }
    rc = reportCheck(i, argv[1], &zNew, &zErr);
    if (rc == SQLITE_OK && i == LP_REPORT_FLAGSHIP && zNew) {
        rc = reportParseFlagships(sqlite3_context_db_handle(ctx), zNew, &azName, &nName, &zErr);
    }
    if (rc != SQLITE_OK) {
        sqlite3_free(zNew);
        reportError(ctx, rc, zErr);
        return;
    }
    reportResult(ctx, pConn, i); /* the previous value */
    sqlite3_free(pConn->azReport[i]);
    pConn->azReport[i] = zNew;
    if (i == LP_REPORT_FLAGSHIP) {
        reportFreeFlagships(pConn);
        pConn->azFlagship = azName;
        pConn->nFlagship = nName;
    }
}

/*
** learnpath_is_flagship(program): 1 when program is one of the flagship
** setting's programs (byte for byte, as rule 1 compares names), 0 when
** not, NULL when no flagship is set or program is NULL.
*/
void learnpath_fn_is_flagship(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    const lp_conn *pConn = sqlite3_user_data(ctx);
    const char *z;
    int n;
    (void)argc;
    if (pConn->nFlagship == 0 || sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    z = (const char *)sqlite3_value_text(argv[0]);
    if (!z) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    n = sqlite3_value_bytes(argv[0]);
    for (int i = 0; i < pConn->nFlagship; i++) {
        if ((int)strlen(pConn->azFlagship[i]) == n && memcmp(pConn->azFlagship[i], z, (size_t)n) == 0) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

/*
** learnpath_flagship_name(n): the n-th program of the flagship setting,
** counted from 1 in the order set, or NULL past the last one (and when no
** flagship is set): the names without JSON, for a report that lists them
** (a recursive WITH), on SQLite builds without JSON functions too.
*/
void learnpath_fn_flagship_name(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    const lp_conn *pConn = sqlite3_user_data(ctx);
    int64_t n;
    (void)argc;
    if (!learnpath_count_arg(argv[0], 1, 0, &n)) {
        char *zV = learnpath_describe_value(argv[0]);
        if (zV) {
            learnpath_result_errorf(ctx, "learnpath_flagship_name(): n must be a whole number >= 1, not %s",
                                    zV);
            sqlite3_free(zV);
        } else {
            sqlite3_result_error_nomem(ctx);
        }
        return;
    }
    if (n > pConn->nFlagship) return;
    sqlite3_result_text(ctx, pConn->azFlagship[n - 1], -1, SQLITE_TRANSIENT);
}
