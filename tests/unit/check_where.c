/*
** check_where.c - the "where" suite: what the table-valued functions take
** from a WHERE clause besides '=' on their arguments (ext/lp_tvf.c,
** tvfBestIndex; the planning notes of ext/lp_sql.h).
**
**   - IS on an argument is '=' (docs/functions.md, "Arguments of the
**     journey functions"): for every registered function and every
**     argument it declares, the same rows or the same error;
**   - an OR of conditions on output columns filters, and does not fail for
**     want of an argument SQLite left out of an OR branch's plan.
** The plans themselves (idxNum) are pinned in check_plan.c.
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

Suite *make_where_suite(void) {
    Suite *s = suite_create("where");
    TCase *tc = tcase_create("IS");
    tcase_add_loop_test(tc, test_is_is_eq, 0, learnpath_registry_ntvf);
    tcase_add_test(tc, test_is_bound_within_days);
    suite_add_tcase(s, tc);
    tc = tcase_create("OR");
    tcase_add_loop_test(tc, test_or_of_output_columns, 0, learnpath_registry_ntvf);
    suite_add_tcase(s, tc);
    return s;
}
