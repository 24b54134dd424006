/*
** check_where.c - the "where" suite: what the table-valued functions take
** from a WHERE clause besides '=' on their arguments (ext/lp_tvf.c,
** tvfBestIndex; the planning notes of ext/lp_sql.h).
**
**   - IS on an argument is '=' (docs/functions.md, "Arguments of the
**     journey functions"): for every registered function and every
**     argument it declares, the same rows or the same error;
**   - an OR of conditions on output columns filters, and does not fail for
**     want of an argument SQLite left out of an OR branch's plan;
**   - user_id = x, IS x and IN (...) on first_program, program_journeys and
**     program_steps find the users directly (README "Performance";
**     ext/lp_users.c), and give exactly what the same WHERE gives over a
**     plain table copy of the function's whole output (CREATE TABLE x AS
**     SELECT rowid AS rid, * FROM f(...)): the same rows with the same
**     rowids (README rule 10), whatever the ids' storage classes (rule 3)
**     and the affinity of what they are compared with; with since/until
**     (rule 7); streaming under a memory budget; in a LEFT JOIN and a
**     correlated subquery; under an ORDER BY (rule 10) and inside an OR.
** The plans themselves (idxNum) are pinned in check_plan.c; timings are
** measured, never asserted (README "Performance").
*/
#include <stdlib.h>
#include <string.h>

#include "lp_sql.h"
#include "lp_test.h"

/* ------------------------------------------------------------- helpers */

static int cw_line_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* lpt_query's rows, sorted (a multiset of rows as one text). */
static char *cw_sorted(sqlite3 *db, const char *zSql) {
    char *z = lpt_query(db, zSql), *zOut, *p;
    char **azLine;
    int n = 0, k = 0;
    ck_assert_ptr_nonnull(z);
    for (p = z; *p; p++) n += *p == '\n';
    azLine = malloc(sizeof(char *) * (size_t)(n + 1));
    ck_assert_ptr_nonnull(azLine);
    for (p = z; *p;) {
        char *e = strchr(p, '\n');
        if (!e) break;
        *e = 0;
        azLine[k++] = p;
        p = e + 1;
    }
    qsort(azLine, (size_t)k, sizeof(char *), cw_line_cmp);
    zOut = sqlite3_mprintf("%s", "");
    for (int i = 0; i < k && zOut; i++) {
        char *zNext = sqlite3_mprintf("%s%s\n", zOut, azLine[i]);
        sqlite3_free(zOut);
        zOut = zNext;
    }
    if (*p) { /* an error message: no newline */
        char *zNext = sqlite3_mprintf("%s%s", zOut, p);
        sqlite3_free(zOut);
        zOut = zNext;
    }
    ck_assert_ptr_nonnull(zOut);
    free(azLine);
    sqlite3_free(z);
    return zOut;
}

/* zGot and zWant give the same rows (as multisets); neither fails. */
static void cw_assert_same(sqlite3 *db, const char *zGot, const char *zWant) {
    char *zG = cw_sorted(db, zGot), *zW = cw_sorted(db, zWant);
    ck_assert_msg(strncmp(zW, "ERROR", 5) != 0, "%s: %s", zWant, zW);
    ck_assert_msg(strcmp(zG, zW) == 0, "%s\ngot:\n%s\n%s\nwant:\n%s", zGot, zG, zWant, zW);
    sqlite3_free(zG);
    sqlite3_free(zW);
}

/* ------------------------------------------------ IS on the arguments */

/*
** Values of argument pA to try, as SQL (sqlite3_mprintf each; the caller
** frees them): a valid one first, then others, NULL last. Returns how many.
*/
static int cw_values(const lp_arg *pA, char **az) {
    int n = 0;
    switch (pA->eKind) {
        case LP_ARG_SOURCE: az[n++] = sqlite3_mprintf("'t'"); break;
        case LP_ARG_COLUMN: az[n++] = sqlite3_mprintf("'%q'", pA->zDefault); break;
        case LP_ARG_COLUMN_OR_NULL: az[n++] = sqlite3_mprintf("'seg'"); break;
        case LP_ARG_TIME:
            az[n++] = sqlite3_mprintf("'2020-01-02'");
            az[n++] = sqlite3_mprintf("2458850.5");
            break;
        case LP_ARG_DAYS: az[n++] = sqlite3_mprintf("3"); az[n++] = sqlite3_mprintf("'3'"); break;
        case LP_ARG_VALUE:
            if (strcmp(pA->zName, "compare_group") == 0) {
                /* rule 23, with group_col = 'seg' (cw_call): user 1's group, the largest */
                az[n++] = sqlite3_mprintf("'s'");
                az[n++] = sqlite3_mprintf("'largest'");
                break;
            }
            if (strcmp(pA->zName, "group_value") != 0) {
                /* conf_level, at_days (rules 18-19): valid as a number and as text */
                az[n++] = sqlite3_mprintf("0.5");
                az[n++] = sqlite3_mprintf("'0.5'");
                break;
            }
            /* group_value, with group_col = 'seg' (cw_call): user 1's */
            az[n++] = sqlite3_mprintf("'s'");
            az[n++] = sqlite3_mprintf("3");
            break;
        case LP_ARG_CHOICE:
            for (int i = 0; pA->azChoice[i] && n < 6; i++) {
                az[n++] = sqlite3_mprintf("'%q'", pA->azChoice[i]);
            }
            az[n++] = sqlite3_mprintf("upper('%q')", pA->azChoice[0]);
            break;
        default: az[n++] = sqlite3_mprintf("3"); az[n++] = sqlite3_mprintf("'3'"); break;
    }
    /* refused ones */
    az[n++] = sqlite3_mprintf("'nope'");
    az[n++] = sqlite3_mprintf("''");
    az[n++] = sqlite3_mprintf("-1");
    az[n++] = sqlite3_mprintf("x'00'");
    az[n++] = sqlite3_mprintf("NULL");
    for (int i = 0; i < n; i++) ck_assert_ptr_nonnull(az[i]);
    return n;
}

/* "SELECT *, <arg> FROM f WHERE <required = valid> AND <arg> <op> <value>". */
static char *cw_call(const lp_tvf *pDesc, int iArg, const char *zOp, const char *zValue) {
    sqlite3_str *p = sqlite3_str_new(NULL);
    sqlite3_str_appendf(p, "SELECT *, %s FROM %s WHERE ", pDesc->aArg[iArg].zName, pDesc->zName);
    for (int j = 0; j < pDesc->nArg; j++) {
        const lp_arg *pA = &pDesc->aArg[j];
        if (j == iArg || !pA->isRequired) continue;
        sqlite3_str_appendf(p, "%s = %s AND ", pA->zName, pA->eKind == LP_ARG_SOURCE ? "'t'" : "1");
    }
    /* group_value needs its column (rule 12) */
    if (pDesc->aArg[iArg].eKind == LP_ARG_VALUE) sqlite3_str_appendall(p, "group_col = 'seg' AND ");
    sqlite3_str_appendf(p, "%s %s %s", pDesc->aArg[iArg].zName, zOp, zValue);
    return sqlite3_str_finish(p);
}

/*
** docs/functions.md "Arguments of the journey functions" (and the
** arguments of sample_enrollments): an argument given by IS is the argument
** given by '=', for every registered table-valued function and every
** argument it declares, a literal or a value computed (as a bound `IS ?`
** is), NULL included: the same rows, the same read-back, the same error.
*/
START_TEST(test_is_is_eq) {
    const lp_tvf *pDesc = learnpath_registry_tvf[_i];
    sqlite3 *db = lpt_open_fixture("t_two_users");
    for (int j = 0; j < pDesc->nArg; j++) {
        char *az[16];
        int nValue = cw_values(&pDesc->aArg[j], az);
        for (int k = 0; k < nValue; k++) {
            for (int isSub = 0; isSub < 2; isSub++) {
                char *zV = sqlite3_mprintf(isSub ? "(SELECT %s)" : "%s", az[k]);
                char *zEq, *zIs, *zGotEq, *zGotIs;
                /* a literal NULL makes "IS NULL", another operator */
                if (!isSub && strcmp(az[k], "NULL") == 0) {
                    sqlite3_free(zV);
                    continue;
                }
                zEq = cw_call(pDesc, j, "=", zV);
                zIs = cw_call(pDesc, j, "IS", zV);
                zGotEq = lpt_query(db, zEq);
                zGotIs = lpt_query(db, zIs);
                ck_assert_msg(zGotEq && zGotIs && strcmp(zGotEq, zGotIs) == 0,
                              "%s\ngives:\n%s\nbut %s\ngives:\n%s", zIs, zGotIs, zEq, zGotEq);
                if (k == 0) {
                    /* the first value is a valid one: rows, not an error */
                    ck_assert_msg(zGotIs[0] && strncmp(zGotIs, "ERROR", 5) != 0, "%s: %s", zIs,
                                  zGotIs);
                }
                sqlite3_free(zGotEq);
                sqlite3_free(zGotIs);
                sqlite3_free(zEq);
                sqlite3_free(zIs);
                sqlite3_free(zV);
            }
        }
        for (int k = 0; k < nValue; k++) sqlite3_free(az[k]);
    }
    sqlite3_close(db);
}
END_TEST

/* The count of zSql with ?1 bound to the integer i. */
static int cw_count_bound(sqlite3 *db, const char *zSql, int i) {
    sqlite3_stmt *pStmt = NULL;
    int n;
    ck_assert_int_eq(sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL), SQLITE_OK);
    sqlite3_bind_int(pStmt, 1, i);
    ck_assert_msg(sqlite3_step(pStmt) == SQLITE_ROW, "%s: %s", zSql, sqlite3_errmsg(db));
    n = sqlite3_column_int(pStmt, 0);
    sqlite3_finalize(pStmt);
    return n;
}

/* The case (README rule 8, within_days): `IS ?` as a query builder
** writes it counts every user, as '=' does. */
START_TEST(test_is_bound_within_days) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE enrollments AS SELECT * FROM sample_enrollments(1000)");
    ck_assert_int_eq(cw_count_bound(db, "SELECT count(*) FROM first_program WHERE"
                                        " source = 'enrollments' AND within_days IS ?1", 30),
                     1000);
    ck_assert_int_eq(cw_count_bound(db, "SELECT count(*) FROM first_program WHERE"
                                        " source = 'enrollments' AND within_days = ?1", 30),
                     1000);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program WHERE source = 'enrollments'"
                        " AND within_days IS 30", "1000\n");
    /* every argument by IS at once, as by '=' */
    cw_assert_same(db,
                   "SELECT * FROM program_transitions WHERE source IS 'enrollments'"
                   " AND ties IS 'name' AND repeats IS 'keep' AND bad_times IS 'skip'"
                   " AND segment_col IS 'user_type' AND since IS '2020-01-01'"
                   " AND until IS '2021-01-01' AND within_days IS 30",
                   "SELECT * FROM program_transitions WHERE source = 'enrollments'"
                   " AND ties = 'name' AND repeats = 'keep' AND bad_times = 'skip'"
                   " AND segment_col = 'user_type' AND since = '2020-01-01'"
                   " AND until = '2021-01-01' AND within_days = 30");
    sqlite3_close(db);
}
END_TEST

/* The first output column of a function (its name, up to ' ' or ','). */
static char *cw_first_column(const lp_tvf *pDesc) {
    int n = (int)strcspn(pDesc->zColumns, " ,");
    return sqlite3_mprintf("%.*s", n, pDesc->zColumns);
}

/*
** An OR of conditions on output columns is a filter like any other
** (README "Functions"; lp_sql.h's planning notes): SQLite plans each branch
** of an OR alone, without the function's arguments, and that plan must not
** fail the query with "missing required argument". For every registered
** function, an OR true of every row keeps every row; a missing argument is
** still named when the query runs.
*/
START_TEST(test_or_of_output_columns) {
    const lp_tvf *pDesc = learnpath_registry_tvf[_i];
    sqlite3 *db = lpt_open_fixture("t_two_users");
    char *zCol = cw_first_column(pDesc);
    const char *zCall = pDesc->flags & LP_TVF_SOURCE ? "('t')" : "(3)";
    char *zAll = sqlite3_mprintf("SELECT count(*) FROM %s%s", pDesc->zName, zCall);
    char *zOr = sqlite3_mprintf("SELECT count(*) FROM %s%s WHERE %s IS NULL OR %s IS NOT NULL",
                                pDesc->zName, zCall, zCol, zCol);
    char *zTwo = sqlite3_mprintf("SELECT count(*) FROM %s%s WHERE %s > 0 OR %s <= 0 OR %s < ''"
                                 " OR %s >= '' OR %s IS NULL",
                                 pDesc->zName, zCall, zCol, zCol, zCol, zCol, zCol);
    char *zMissing = sqlite3_mprintf("SELECT * FROM %s WHERE %s IS NULL OR %s = 1", pDesc->zName,
                                     zCol, zCol);
    char *zWant = lpt_query(db, zAll);
    char *zError = sqlite3_mprintf("ERROR: %s(): missing required argument '%s'", pDesc->zName,
                                   pDesc->aArg[0].zName);
    ck_assert_msg(zWant && zWant[0] != '0' && strncmp(zWant, "ERROR", 5) != 0, "%s: %s", zAll,
                  zWant);
    lpt_assert_rows(db, zOr, zWant);
    lpt_assert_rows(db, zTwo, zWant);
    ck_assert(pDesc->aArg[0].isRequired);
    lpt_assert_rows(db, zMissing, zError);
    sqlite3_free(zCol);
    sqlite3_free(zAll);
    sqlite3_free(zOr);
    sqlite3_free(zTwo);
    sqlite3_free(zMissing);
    sqlite3_free(zWant);
    sqlite3_free(zError);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------- user_id */

/* The per-user functions, and shaping arguments to run them with. */
static const char *const azUserFunc[] = {"first_program", "program_journeys", "program_steps"};
static const char *const azShaping[] = {
    "", " AND since = '2020-01-04'", " AND until = '2020-01-06'",
    " AND since = '2020-01-02' AND until = '2020-01-08' AND repeats = 'keep'",
};
#define CW_NSHAPING ((int)(sizeof(azShaping) / sizeof(azShaping[0])))

/* The tables of ids looked for (tests/fixtures/mixed_ids.sql). */
static const char *const azProbeTable[] = {"c_none", "c_int", "c_real", "c_num", "c_text",
                                           "c_nocase"};
#define CW_NPROBETABLE ((int)(sizeof(azProbeTable) / sizeof(azProbeTable[0])))

/*
** x: the whole output of zFunc over e with the shaping zShaping, and each
** row's rowid as rid (README rule 10), as a plain table. Its user_id has no
** affinity, as the function's column has none.
*/
static void cw_copy(sqlite3 *db, const char *zFunc, const char *zShaping) {
    char *zSql = sqlite3_mprintf("DROP TABLE IF EXISTS x;"
                                 " CREATE TABLE x AS SELECT rowid AS rid, * FROM %s"
                                 " WHERE source = 'e'%s",
                                 zFunc, zShaping);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
}

/* "SELECT rowid, * FROM f WHERE source = 'e' <shaping> AND <cond>" against
** "SELECT * FROM x WHERE <cond>". */
static void cw_assert_where(sqlite3 *db, const char *zFunc, const char *zShaping,
                            const char *zCond) {
    char *zGot = sqlite3_mprintf("SELECT rowid, * FROM %s WHERE source = 'e'%s AND (%s)", zFunc,
                                 zShaping, zCond);
    char *zWant = sqlite3_mprintf("SELECT * FROM x WHERE %s", zCond);
    cw_assert_same(db, zGot, zWant);
    sqlite3_free(zGot);
    sqlite3_free(zWant);
}

/*
** Every probe id (tests/fixtures/mixed_ids.sql: each storage class, and
** the values SQL's affinity could confuse), by '=' and IS, as a literal and
** as a computed value, against the table copy (README rule 3: 42 and 42.0
** are one user, 42 and '42' two; rule 10: rowids; rule 7: since/until).
*/
static void cw_check_probes(sqlite3 *db, const char *zFunc, const char *zShaping) {
    static const char *const azLiteral[] = {"42", "42.0", "'42'", "' 42'", "x'3432'", "7", "'7'",
                                            "7.0", "2.5", "'2.5'", "'abc'", "'ABC'", "x'616263'",
                                            "-1", "'-1'", "9007199254740993", "0.3", "''"};
    char *zN = lpt_query(db, "SELECT count(*) FROM probe");
    int nProbe = zN ? atoi(zN) : 0;
    sqlite3_free(zN);
    ck_assert_int_gt(nProbe, 20);
    for (int op = 0; op < 2; op++) {
        const char *zOp = op ? "IS" : "=";
        for (int k = 1; k <= nProbe; k++) {
            char *zCond = sqlite3_mprintf("user_id %s (SELECT v FROM probe WHERE rowid = %d)", zOp, k);
            cw_assert_where(db, zFunc, zShaping, zCond);
            sqlite3_free(zCond);
        }
        for (int k = 0; k < (int)(sizeof(azLiteral) / sizeof(azLiteral[0])); k++) {
            char *zCond = sqlite3_mprintf("user_id %s %s", zOp, azLiteral[k]);
            cw_assert_where(db, zFunc, zShaping, zCond);
            sqlite3_free(zCond);
        }
    }
}

/* IN lists, literal and from each table of ids (whose affinity the IN
** applies), against the table copy. */
static void cw_check_in(sqlite3 *db, const char *zFunc, const char *zShaping) {
    cw_assert_where(db, zFunc, zShaping,
                    "user_id IN (42, '42', 42.0, x'3432', NULL, 'zzz', 7, '2.5', 0.3)");
    cw_assert_where(db, zFunc, zShaping, "user_id IN ('ABC')");
    cw_assert_where(db, zFunc, zShaping, "user_id IN (SELECT v FROM probe WHERE 0)");
    for (int t = 0; t < CW_NPROBETABLE; t++) {
        char *zCond = sqlite3_mprintf("user_id IN (SELECT id FROM %s)", azProbeTable[t]);
        cw_assert_where(db, zFunc, zShaping, zCond);
        sqlite3_free(zCond);
        zCond = sqlite3_mprintf("user_id NOT IN (SELECT id FROM %s WHERE id IS NOT NULL)",
                                azProbeTable[t]);
        cw_assert_where(db, zFunc, zShaping, zCond);
        sqlite3_free(zCond);
    }
}

/* A LEFT JOIN (each way round, '=' and IS) and a correlated subquery over
** each table of ids, against the same over the table copy. */
static void cw_check_joins(sqlite3 *db, const char *zFunc, const char *zShaping) {
    static const char *const azOn[] = {"p.user_id = c.id", "c.id = p.user_id",
                                       "p.user_id IS c.id"};
    for (int t = 0; t < CW_NPROBETABLE; t++) {
        const char *zT = azProbeTable[t];
        for (int k = 0; k < 3; k++) {
            char *zGot = sqlite3_mprintf("SELECT c.rowid, c.id, p.rowid, p.* FROM %s c LEFT JOIN"
                                         " %s p ON p.source = 'e'%s AND %s",
                                         zT, zFunc, zShaping, azOn[k]);
            char *zWant = sqlite3_mprintf("SELECT c.rowid, c.id, p.* FROM %s c LEFT JOIN x p"
                                          " ON %s", zT, azOn[k]);
            cw_assert_same(db, zGot, zWant);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
        }
        {
            char *zGot = sqlite3_mprintf(
                "SELECT c.rowid, (SELECT count(*) || ':' || ifnull(group_concat(rowid), '')"
                " FROM %s WHERE source = 'e'%s AND user_id = c.id) FROM %s c",
                zFunc, zShaping, zT);
            char *zWant = sqlite3_mprintf(
                "SELECT c.rowid, (SELECT count(*) || ':' || ifnull(group_concat(rid), '')"
                " FROM x WHERE user_id = c.id) FROM %s c", zT);
            cw_assert_same(db, zGot, zWant);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
        }
    }
}

/* The checks above for function _i / NSHAPING, shaping _i % NSHAPING. */
static void cw_check_all(sqlite3 *db, int i) {
    const char *zFunc = azUserFunc[i / CW_NSHAPING], *zShaping = azShaping[i % CW_NSHAPING];
    cw_copy(db, zFunc, zShaping);
    cw_check_probes(db, zFunc, zShaping);
    cw_check_in(db, zFunc, zShaping);
    cw_check_joins(db, zFunc, zShaping);
}

/*
** README "Performance" (a user_id = x lookup is direct), rules 3, 7 and 10:
** user_id = x, IS x, IN (...), LEFT JOIN and correlated subqueries give
** exactly what the same WHERE gives over the table copy of the whole
** output, for each per-user function and shaping.
*/
START_TEST(test_user_id_as_table_copy) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    cw_check_all(db, _i);
    sqlite3_close(db);
}
END_TEST

/*
** The same with a memory budget the source does not fit (README
** "Limitations", learnpath_memory_budget): the users stream, the plan
** still takes user_id = x, and the rows (rowids too) are those the copy
** made in memory holds.
*/
START_TEST(test_user_id_streaming) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    const char *zFunc = azUserFunc[_i / CW_NSHAPING], *zShaping = azShaping[_i % CW_NSHAPING];
    cw_copy(db, zFunc, zShaping);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1)", "0\n");
    cw_check_probes(db, zFunc, zShaping);
    cw_check_in(db, zFunc, zShaping);
    cw_check_joins(db, zFunc, zShaping);
    sqlite3_close(db);
}
END_TEST

/*
** README rule 3, by hand: 42 and 42.0 are one user, '42' and x'3432'
** others; 7 finds the user stored as 7.0; a NULL finds nobody, by '=' or
** IS. (first_program over mixed_ids; rowids are places in user_id order,
** rule 10.)
*/
START_TEST(test_user_id_by_hand) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    static const char zSel[] = "SELECT rowid, typeof(user_id), steps FROM first_program('e')";
    static const struct {
        const char *zCond, *zWant;
    } aCase[] = {
        {"user_id = 42", "5|integer|3\n"},
        {"user_id = 42.0", "5|integer|3\n"},
        {"user_id IS 42", "5|integer|3\n"},
        {"user_id = '42'", "12|text|2\n"},
        {"user_id = x'3432'", "17|blob|2\n"},
        {"user_id = 7", "4|real|2\n"},
        {"user_id = '7'", ""},
        {"user_id = '42.0'", "13|text|2\n"},
        {"user_id = NULL", ""},
        {"user_id IS (SELECT NULL)", ""},
        {"user_id = (SELECT NULL)", ""},
        {"user_id IN (42, '42', x'3432', NULL)", "5|integer|3\n12|text|2\n17|blob|2\n"},
    };
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        char *zSql = sqlite3_mprintf("%s WHERE %s", zSel, aCase[k].zCond);
        lpt_assert_rows(db, zSql, aCase[k].zWant);
        sqlite3_free(zSql);
    }
    /* An INTEGER column's 42 (c_int's row 1) finds the ids that read as 42
    ** too ('42', '042', ' 42', '4.2e1', '42.0'; not the blob): SQLite gives
    ** the comparison numeric affinity, as it does over a table's column
    ** without a type. A TEXT column's '42' finds the text id alone: between
    ** a column without affinity and a TEXT one, SQLite applies none. */
    lpt_assert_rows(db,
                    "SELECT DISTINCT p.rowid FROM c_int c JOIN first_program('e') p"
                    " ON p.user_id = c.id WHERE c.rowid = 1 ORDER BY 1",
                    "5\n7\n9\n11\n12\n13\n");
    lpt_assert_rows(db,
                    "SELECT DISTINCT p.rowid FROM c_text c JOIN first_program('e') p"
                    " ON p.user_id = c.id WHERE c.rowid = 1 ORDER BY 1",
                    "12\n");
    lpt_assert_rows(db, "SELECT rowid FROM first_program('e') WHERE user_id = CAST('42' AS INTEGER)"
                        " ORDER BY 1",
                    "5\n7\n9\n11\n12\n13\n");
    sqlite3_close(db);
}
END_TEST

/*
** README rule 10 with user_id = x: the rows come in user_id order (and
** program_steps' steps in order), or in the order an ORDER BY asks, which
** SQLite then makes; exactly the order of the table copy.
*/
START_TEST(test_user_id_order) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    static const char *const azOrder[] = {"user_id", "program, rowid", "segment, program, rowid",
                                          "next_program, rowid", "rowid DESC"};
    cw_copy(db, "first_program", "");
    for (int t = 0; t < CW_NPROBETABLE; t++) {
        for (int k = 0; k < (int)(sizeof(azOrder) / sizeof(azOrder[0])); k++) {
            char *zGot = sqlite3_mprintf("SELECT rowid, * FROM first_program('e') WHERE user_id IN"
                                         " (SELECT id FROM %s) ORDER BY %s",
                                         azProbeTable[t], azOrder[k]);
            char *zWantOrder = sqlite3_mprintf("%s", azOrder[k]);
            char *zWant, *zG, *zW;
            for (char *p = strstr(zWantOrder, "rowid"); p; p = strstr(p, "rowid")) {
                memcpy(p, "rid  ", 5); /* the copy's column */
            }
            zWant = sqlite3_mprintf("SELECT * FROM x WHERE user_id IN (SELECT id FROM %s)"
                                    " ORDER BY %s", azProbeTable[t], zWantOrder);
            zG = lpt_query(db, zGot);
            zW = lpt_query(db, zWant);
            ck_assert_msg(strcmp(zG, zW) == 0, "%s\ngot:\n%s\nwant:\n%s", zGot, zG, zW);
            sqlite3_free(zG);
            sqlite3_free(zW);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
            sqlite3_free(zWantOrder);
        }
    }
    cw_copy(db, "program_steps", "");
    lpt_assert_rows(db, "SELECT count(*) FROM x", "27\n");
    {
        char *zG = lpt_query(db, "SELECT rowid, * FROM program_steps('e')"
                                 " WHERE user_id IN (SELECT id FROM c_num)");
        char *zW = lpt_query(db, "SELECT * FROM x WHERE user_id IN (SELECT id FROM c_num)"
                                 " ORDER BY rid");
        ck_assert_str_eq(zG, zW);
        sqlite3_free(zG);
        sqlite3_free(zW);
    }
    sqlite3_close(db);
}
END_TEST

/*
** README rule 3 and "Performance" (user_id = x finds the users directly):
** the text ids that SQL's numeric affinity reads as numbers, in each
** spelling it takes or turns away (tests/fixtures/number_ids.sql: spaces
** of every kind around, signs, a point at either end, exponents with and
** without a sign, 23 digits, past the double range, text after the
** number), are found by user_id = x exactly as the same WHERE finds them
** over the table copy, for x of each affinity (n_none, n_real, n_int), by
** '=', IS and IN; over the rows as inserted (_i even) and over the same
** rows in user_id order (_i odd: the read keeps no order of its own).
*/
START_TEST(test_user_id_number_spellings) {
    static const char *const azNum[] = {"n_none", "n_real", "n_int"};
    static const char *const azLiteral[] = {"1e999", "-1e999", "'zzz'", "CAST('5' AS REAL)",
                                            "CAST(' -5 ' AS INTEGER)", "-0.0"};
    sqlite3 *db = lpt_open_fixture("number_ids");
    const char *zFunc = azUserFunc[_i / 2];
    if (_i & 1) {
        lpt_exec(db, "ALTER TABLE e RENAME TO e0;"
                     " CREATE TABLE e AS SELECT * FROM e0 ORDER BY user_id");
    }
    cw_copy(db, zFunc, "");
    for (int t = 0; t < 3; t++) {
        for (int k = 1; k <= 13; k++) {
            for (int op = 0; op < 2; op++) {
                char *zCond = sqlite3_mprintf("user_id %s (SELECT id FROM %s WHERE rowid = %d)",
                                              op ? "IS" : "=", azNum[t], k);
                cw_assert_where(db, zFunc, "", zCond);
                sqlite3_free(zCond);
            }
        }
        char *zCond = sqlite3_mprintf("user_id IN (SELECT id FROM %s)", azNum[t]);
        cw_assert_where(db, zFunc, "", zCond);
        sqlite3_free(zCond);
    }
    for (size_t k = 0; k < sizeof(azLiteral) / sizeof(azLiteral[0]); k++) {
        char *zCond = sqlite3_mprintf("user_id = %s", azLiteral[k]);
        cw_assert_where(db, zFunc, "", zCond);
        sqlite3_free(zCond);
    }
    /* by hand (the fixture's header): 5 finds 5 and 13 of its spellings */
    lpt_assert_rows(db,
                    "SELECT count(*), sum(typeof(user_id) = 'text') FROM first_program('e')"
                    " WHERE user_id = CAST(5 AS REAL)",
                    "14|13\n");
    lpt_assert_rows(db,
                    "SELECT group_concat(quote(user_id), ' ') FROM (SELECT user_id FROM"
                    " first_program('e') WHERE user_id = (SELECT id FROM n_real WHERE rowid = 3)"
                    " ORDER BY rowid)",
                    "-5 '-.5e1' '-5'\n");
    lpt_assert_rows(db,
                    "SELECT group_concat(quote(user_id), ' ') FROM (SELECT user_id FROM"
                    " first_program('e') WHERE user_id IN (SELECT id FROM n_real WHERE typeof(id) = 'real'"
                    " AND (id = 0 OR abs(id) > 1e20 OR id BETWEEN 0.1 AND 0.2)) ORDER BY rowid)",
                    "0 '-0' '-1e400' '0.12345678901234567890123' '0e-5' '1234567890123456789012.3e1'"
                    " '12345678901234567890123' '1e-400' '1e400' '1e999999999'\n");
    sqlite3_close(db);
}
END_TEST

/*
** README "Performance": user_id = x over a source none of whose rows
** remain (rule 1) finds nobody, for a number, a text and a blob.
*/
START_TEST(test_user_id_no_users) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 " INSERT INTO e VALUES (5, NULL, '2020-01-01'), ('5', '', '2020-01-02'),"
                 " (x'35', 'A', NULL), (NULL, 'A', '2020-01-03')");
    for (int f = 0; f < 3; f++) {
        char *zSql = sqlite3_mprintf("SELECT count(*) FROM %s('e') WHERE user_id = 5"
                                     " OR user_id = '5' OR user_id = x'35'", azUserFunc[f]);
        lpt_assert_rows(db, zSql, "0\n");
        sqlite3_free(zSql);
    }
    sqlite3_close(db);
}
END_TEST

/* user_id = x inside an OR, and an OR of other columns (lp_sql.h: each
** branch of an OR is planned alone), against the table copy. */
START_TEST(test_user_id_or) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    for (int f = 0; f < 3; f++) {
        cw_copy(db, azUserFunc[f], "");
        cw_assert_where(db, azUserFunc[f], "", "user_id = 42 OR user_id = 'abc'");
        cw_assert_where(db, azUserFunc[f], "", "user_id IS 42 OR user_id IS x'3432'");
        cw_assert_where(db, azUserFunc[f], "", "user_id = '42' OR segment IS NULL");
        cw_assert_where(db, azUserFunc[f], "", "user_id = 7 OR user_id > 'a'");
    }
    cw_copy(db, "first_program", "");
    cw_assert_where(db, "first_program", "", "next_program IS NULL OR days_to_next > 30");
    sqlite3_close(db);
}
END_TEST

/*
** README rule 10 (a lookup gives the rowids a scan gives) with since and
** until, and the source, taken from the outer rows of a join, so that one
** cursor looks users up under several shapings and sources in turn (and
** again under one it had): the rows
** and rowids of the same join made with a scan (+user_id, left to SQLite).
*/
START_TEST(test_user_id_rowids_per_outer_row) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    lpt_exec(db, "CREATE TABLE e2 AS SELECT * FROM e WHERE rowid % 3 <> 1;"
                 " CREATE TABLE w(src, since, until); INSERT INTO w VALUES"
                 " ('e', '2020-01-01', '2020-02-01'), ('e', '2020-01-04', '2020-02-01'),"
                 " ('e', '2020-01-01', '2020-02-01'), ('e2', '2020-01-01', '2020-02-01'),"
                 " ('e', '2020-01-02', '2020-01-06'), ('e2', '2019-01-01', '2020-01-04')");
    for (int f = 0; f < 3; f++) {
        for (int op = 0; op < 2; op++) {
            static const char zJoin[] =
                "SELECT w.rowid, p.rowid, p.* FROM w JOIN %s p ON p.source = w.src"
                " AND p.since = w.since AND p.until = w.until AND %suser_id %s";
            const char *zCond = op ? "IN (42, '2.5', 7, 'ABC', -1)" : "= 42";
            char *zGot = sqlite3_mprintf(zJoin, azUserFunc[f], "p.", zCond);
            char *zWant = sqlite3_mprintf(zJoin, azUserFunc[f], "+p.", zCond);
            cw_assert_same(db, zGot, zWant);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
        }
    }
    sqlite3_close(db);
}
END_TEST

/*
** user_id = x after 40 other constraints, which SQLite hands over without
** telling '=' from IN (check_plan.c: a scan then), and IS there (still a
** lookup): the rows of the table copy either way.
*/
START_TEST(test_user_id_after_40_constraints) {
    sqlite3 *db = lpt_open_fixture("mixed_ids");
    static const char *const azCond[] = {"user_id = 42", "user_id = '42'", "user_id IS 7",
                                         "user_id IN (2.5, x'3432')",
                                         "user_id = (SELECT id FROM c_int WHERE rowid = 1)"};
    for (int f = 0; f < 3; f++) {
        cw_copy(db, azUserFunc[f], "");
        for (size_t k = 0; k < sizeof(azCond) / sizeof(azCond[0]); k++) {
            sqlite3_str *p = sqlite3_str_new(NULL);
            for (int i = 0; i < 40; i++) sqlite3_str_appendf(p, "user_id < x'ff%02x' AND ", i);
            sqlite3_str_appendall(p, azCond[k]);
            char *zCond = sqlite3_str_finish(p);
            cw_assert_where(db, azUserFunc[f], "", zCond);
            sqlite3_free(zCond);
        }
    }
    sqlite3_close(db);
}
END_TEST

Suite *make_where_suite(void) {
    Suite *s = suite_create("where");
    TCase *tc = tcase_create("IS");
    tcase_add_loop_test(tc, test_is_is_eq, 0, learnpath_registry_ntvf);
    tcase_add_test(tc, test_is_bound_within_days);
    suite_add_tcase(s, tc);
    tc = tcase_create("OR");
    tcase_add_loop_test(tc, test_or_of_output_columns, 0, learnpath_registry_ntvf);
    suite_add_tcase(s, tc);
    tc = tcase_create("user_id");
    tcase_add_loop_test(tc, test_user_id_as_table_copy, 0, 3 * CW_NSHAPING);
    tcase_add_loop_test(tc, test_user_id_streaming, 0, 3 * CW_NSHAPING);
    tcase_add_test(tc, test_user_id_by_hand);
    tcase_add_test(tc, test_user_id_order);
    tcase_add_test(tc, test_user_id_or);
    tcase_add_test(tc, test_user_id_after_40_constraints);
    tcase_add_test(tc, test_user_id_rowids_per_outer_row);
    tcase_add_loop_test(tc, test_user_id_number_spellings, 0, 6);
    tcase_add_test(tc, test_user_id_no_users);
    suite_add_tcase(s, tc);
    return s;
}
