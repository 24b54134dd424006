/*
** check_plan.c - the "plan" suite: what each table-valued function's
** xBestIndex hands SQLite for the common argument shapes, as idxNum.
**
** README.md "Function reference" gives the arguments: the first five by
** position, the rest by name (WHERE name = value). The header comment of
** ext/lp_sql.h (the frame's planning notes) numbers them as idxNum bits: bit i is
** set for hidden argument column i given, 0 source, 1 user_col,
** 2 program_col, 3 time_col, 4 segment_col, 5 since, 6 until,
** 7 within_days, 8 ties, 9 repeats, 10 bad_times, and xFilter receives one
** value per bit, in that order. first_program adds, from bit 16, the order
** it gives its rows itself (README.md rule 10; userOrderBy in
** tvf_user.c): two bits per key, the first key lowest, 1 segment,
** 2 program, 3 next_program; none with a memory budget set or in a UTF-16
** database. sample_enrollments (README.md "sample_enrollments(users,
** seed)"; ext/tvf_sample.c): bit 0 users, bit 1 seed.
**
** The per-user functions (first_program, program_journeys, program_steps)
** also take user_id = x, IS x and IN (...) (README.md "Performance": a
** lookup, not a scan): bit 12 (LP_TVF_USER_EQ) with the value last among
** xFilter's, and bit 13 (LP_TVF_USER_IN) too for an IN list handed over
** whole; no order bits then but user_id order's. '=' and IN need SQLite
** 3.38 (lp_sql.h); IS is taken on any SQLite.
**
** The values are read from the program EXPLAIN prints: VFilter's P3 is the
** register that holds idxNum, and the next register holds the number of
** values; the Integer opcode that sets a register has it as P2.
*/
#include <string.h>

#include "lp_test.h"

/*
** The idxNum and argument count of the one VFilter of zSql's program: the
** values the Integer opcodes before it last stored in its P3 register and
** the next one. Fails the test unless there is exactly one VFilter and both
** registers were set.
*/
static void cpl_filter(sqlite3 *db, const char *zSql, int *piIdxNum, int *pnArg) {
    char *zExplain = sqlite3_mprintf("EXPLAIN %s", zSql);
    sqlite3_stmt *pStmt = NULL;
    struct {
        int iReg;
        int v;
    } aSet[64];
    int nSet = 0, nFilter = 0, rc;
    *piIdxNum = *pnArg = -1;
    ck_assert_ptr_nonnull(zExplain);
    rc = sqlite3_prepare_v2(db, zExplain, -1, &pStmt, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", zExplain, sqlite3_errmsg(db));
    /* columns: addr, opcode, p1, p2, p3, p4, p5, comment */
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        const char *zOp = (const char *)sqlite3_column_text(pStmt, 1);
        int p1 = sqlite3_column_int(pStmt, 2), p2 = sqlite3_column_int(pStmt, 3);
        int p3 = sqlite3_column_int(pStmt, 4);
        if (strcmp(zOp, "Integer") == 0) {
            ck_assert_msg(nSet < 64, "%s: too many Integer opcodes", zSql);
            aSet[nSet].iReg = p2;
            aSet[nSet].v = p1;
            nSet++;
        } else if (strcmp(zOp, "VFilter") == 0) {
            nFilter++;
            for (int k = nSet - 1; k >= 0; k--) {
                if (aSet[k].iReg == p3 && *piIdxNum < 0) *piIdxNum = aSet[k].v;
                if (aSet[k].iReg == p3 + 1 && *pnArg < 0) *pnArg = aSet[k].v;
            }
        }
    }
    ck_assert_msg(rc == SQLITE_DONE, "%s: %s", zExplain, sqlite3_errmsg(db));
    sqlite3_finalize(pStmt);
    ck_assert_msg(nFilter == 1, "%s: %d VFilter opcodes", zSql, nFilter);
    ck_assert_msg(*piIdxNum >= 0 && *pnArg >= 0, "%s: the VFilter's registers are not set", zSql);
    sqlite3_free(zExplain);
}

/* Assert that zSql's VFilter gets idxNum iWant and nArgWant values. */
static void cpl_assert(sqlite3 *db, const char *zSql, int iWant, int nArgWant) {
    int iIdxNum, nArg;
    cpl_filter(db, zSql, &iIdxNum, &nArg);
    ck_assert_msg(iIdxNum == iWant, "%s: idxNum %d, want %d", zSql, iIdxNum, iWant);
    ck_assert_msg(nArg == nArgWant, "%s: %d arguments, want %d", zSql, nArg, nArgWant);
}

/* ------------------------------------------------- the journey functions */

/* The journey functions and an output column of each (not user_id, which
** the per-user ones take: test_user_id). */
static const struct {
    const char *zFunc;
    const char *zOutCol;
} aFunc[] = {
    {"first_program", "segment"},     {"program_journeys", "segment"},
    {"program_steps", "step"},        {"program_transitions", "segment"},
    {"first_program_stats", "segment"}, {"enrollment_profile", "finding"},
    {"program_popularity", "segment"}, {"first_program_monthly", "month"},
    {"group_stats", "group_value"},   {"continuation_curve", "segment"},
    {"continuation_stats", "segment"}, {"next_program_incidence", "to_program"},
    {"continuation_cohorts", "cohort"},
    {"segment_compare", "question"},  {"segment_cells", "category"},
};

/* The argument shapes: a call (the function, then in the last shape its
** output column, for sqlite3_mprintf), the idxNum and the number of
** values xFilter receives. */
static const struct {
    const char *zCall;
    int iIdxNum;
    int nArg;
} aShape[] = {
    {"%s('t')", 1, 1},
    {"%s('t', 'user_id')", 1 | 2, 2},
    {"%s('t', 'user_id', 'program')", 1 | 2 | 4, 3},
    {"%s('t', 'user_id', 'program', 'enrolled_at', 'seg')", 31, 5},
    /* positional 6-8 are since, until, within_days (NULL: none) */
    {"%s('t', 'user_id', 'program', 'enrolled_at', NULL, NULL, NULL, NULL)", 255, 8},
    {"%s WHERE source = 't' AND ties = 'name'", 1 | 256, 2},
    {"%s('t') WHERE ties = 'name'", 1 | 256, 2},
    {"%s('t') WHERE since = '2020-01-01' AND until = '2021-01-01' AND within_days = 30"
     " AND repeats = 'keep' AND bad_times = 'skip'",
     1 | 32 | 64 | 128 | 512 | 1024, 6},
    {"%s WHERE bad_times = 'skip' AND repeats = 'keep' AND ties = 'name'"
     " AND within_days = 30 AND until = '2021-01-01' AND since = '2020-01-01'"
     " AND segment_col = 'seg' AND time_col = 'enrolled_at' AND program_col = 'program'"
     " AND user_col = 'user_id' AND source = 't'",
     2047, 11},
    /* a constraint on an output column is SQLite's, not an argument */
    {"%s('t') WHERE %s = 2", 1, 1},
};

/* README "Function reference": each argument shape gives the same idxNum
** bits in every journey function (lp_sql.h, LP_TVF_ORDER_SHIFT). */
START_TEST(test_journey_arguments) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    for (size_t k = 0; k < sizeof(aShape) / sizeof(aShape[0]); k++) {
        char *zCall = sqlite3_mprintf(aShape[k].zCall, aFunc[_i].zFunc, aFunc[_i].zOutCol);
        char *zSql = sqlite3_mprintf("SELECT * FROM %s", zCall);
        ck_assert_ptr_nonnull(zSql);
        cpl_assert(db, zSql, aShape[k].iIdxNum, aShape[k].nArg);
        sqlite3_free(zSql);
        sqlite3_free(zCall);
    }
    /* no order bits for an ORDER BY but first_program's (rule 10) */
    if (_i != 0) {
        char *zSql = sqlite3_mprintf("SELECT * FROM %s('t') ORDER BY 1", aFunc[_i].zFunc);
        cpl_assert(db, zSql, 1, 1);
        sqlite3_free(zSql);
    }
    sqlite3_close(db);
}
END_TEST

/*
** Rule 9: program_transitions and first_program_stats take bit 18 of
** idxNum (AGG_NO_MEDIANS, tvf_aggregate.c) when the query reads no median:
** their rows are then computed without medians.
*/
START_TEST(test_aggregate_no_medians) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    cpl_assert(db, "SELECT count(*) FROM program_transitions('t')", 1 | 1 << 18, 1);
    cpl_assert(db, "SELECT users, avg_days FROM program_transitions('t')", 1 | 1 << 18, 1);
    cpl_assert(db, "SELECT median_days FROM program_transitions('t')", 1, 1);
    cpl_assert(db, "SELECT count(*) FROM program_transitions('t') WHERE median_days > 1", 1, 1);
    cpl_assert(db, "SELECT count(*) FROM first_program_stats('t')", 1 | 1 << 18, 1);
    cpl_assert(db, "SELECT * FROM first_program_stats('t')", 1, 1);
    sqlite3_close(db);
}
END_TEST

/*
** Rules 17-21: continuation_curve has 17 arguments; those after the 14th
** (conf_type, conf_level, at_days) take the bits from 18 up
** (LP_TVF_ARG_BIT), since the function has no ORDER BY bits.
*/
START_TEST(test_continuation_arguments) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    cpl_assert(db, "SELECT * FROM continuation_curve('t') WHERE observe_until = '2021-01-01'",
               1 | 1 << 13, 2);
    cpl_assert(db, "SELECT * FROM continuation_curve('t') WHERE at_days = 30 AND conf_type = 'plain'"
               " AND conf_level = 0.9", 1 | 1 << 18 | 1 << 19 | 1 << 20, 4);
    cpl_assert(db, "SELECT * FROM continuation_stats('t') WHERE conf_level = 0.9", 1 | 1 << 19, 2);
    /* conf_type is continuation_stats' last column and its argument; read
    ** alone, it is no output column of the function's own (bit 16, LP_TVF_ANY_ORDER) */
    cpl_assert(db, "SELECT conf_type FROM continuation_stats('t') WHERE conf_type = 'log-log'",
               1 | 1 << 16 | 1 << 18, 2);
    /* rules 20-21: at_days and windows are argument 14 (bit 18) */
    cpl_assert(db, "SELECT * FROM next_program_incidence('t') WHERE at_days = 30"
               " AND observe_until = '2021-01-01'", 1 | 1 << 13 | 1 << 18, 3);
    cpl_assert(db, "SELECT * FROM continuation_cohorts('t') WHERE windows = '30,60'", 1 | 1 << 18, 2);
    /* rule 23: conf_level, at_days and compare_group are arguments 14-16 (bits 18-20) */
    cpl_assert(db, "SELECT * FROM segment_compare('t') WHERE at_days = 30 AND conf_level = 0.9"
               " AND group_col = 'seg' AND compare_group = 's'",
               1 | 1 << 11 | 1 << 18 | 1 << 19 | 1 << 20, 5);
    cpl_assert(db, "SELECT * FROM segment_cells('t') WHERE observe_until = '2021-01-01'",
               1 | 1 << 13, 2);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------ first_program's order */

#define CPL_ORDER(k1, k2, k3) (((k1) | (k2) << 2 | (k3) << 4) << 18)
#define CPL_SEGMENT 1
#define CPL_PROGRAM 2
#define CPL_NEXT 3

/*
** Rule 10: the ORDER BY or GROUP BY first_program gives itself, as key
** codes from bit 18 of idxNum (userOrderBy in tvf_user.c); user_id
** order needs no key; what it cannot give, and anything but user_id order
** under a memory budget or in a UTF-16 database, adds no bits.
*/
START_TEST(test_first_program_order) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    cpl_assert(db, "SELECT * FROM first_program('t') ORDER BY program",
               1 | CPL_ORDER(CPL_PROGRAM, 0, 0), 1);
    cpl_assert(db,
               "SELECT segment, program, count(*) FROM first_program('t')"
               " GROUP BY segment, program",
               1 | CPL_ORDER(CPL_SEGMENT, CPL_PROGRAM, 0), 1);
    cpl_assert(db,
               "SELECT * FROM first_program('t', 'user_id', 'program', 'enrolled_at', 'seg')"
               " ORDER BY next_program, program, segment, user_id",
               31 | CPL_ORDER(CPL_NEXT, CPL_PROGRAM, CPL_SEGMENT), 5);
    cpl_assert(db, "SELECT * FROM first_program WHERE source = 't' AND ties = 'name'"
                   " ORDER BY program",
               1 | 256 | CPL_ORDER(CPL_PROGRAM, 0, 0), 2);
    cpl_assert(db, "SELECT * FROM first_program('t') ORDER BY user_id", 1, 1);
    cpl_assert(db, "SELECT * FROM first_program('t') ORDER BY program DESC", 1, 1);
    cpl_assert(db, "SELECT * FROM first_program('t') ORDER BY started_at", 1, 1);
    /* under a memory budget (the default is none): no keys */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1e12)", "0\n");
    cpl_assert(db, "SELECT * FROM first_program('t') ORDER BY program", 1, 1);
    cpl_assert(db,
               "SELECT segment, program, count(*) FROM first_program('t')"
               " GROUP BY segment, program",
               1, 1);
    sqlite3_close(db);
    /* in a UTF-16 database: no keys */
    db = lpt_open();
    lpt_exec(db, "PRAGMA encoding = 'UTF-16le'; CREATE TABLE t(user_id, program, enrolled_at);");
    cpl_assert(db, "SELECT * FROM first_program('t') ORDER BY program", 1, 1);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------- user_id */

#define CPL_USER_EQ 16384 /* LP_TVF_USER_EQ */
#define CPL_USER_IN 32768 /* LP_TVF_USER_IN */

/* The per-user functions; the others have no user_id column. */
static const char *const azUserFunc[] = {"first_program", "program_journeys", "program_steps"};

/*
** README.md "Performance" (a user_id = x lookup is direct) and lp_sql.h's
** planning notes: the user_id shapes of each per-user function, in a WHERE,
** a LEFT JOIN and a correlated subquery; what is left to SQLite (other
** operators, another collation, a constraint on another column).
*/
START_TEST(test_user_id) {
    const char *zF = azUserFunc[_i];
    /* '=' and IN only where SQLite tells them apart (3.38) */
    int eq = sqlite3_libversion_number() >= 3038000 ? CPL_USER_EQ : 0, nEq = eq ? 2 : 1;
    int in = eq ? CPL_USER_EQ | CPL_USER_IN : 0;
    struct {
        const char *zSql;
        int iIdxNum, nArg;
    } aCase[] = {
        {"SELECT * FROM %s('t') WHERE user_id = 2", 1 | eq, nEq},
        {"SELECT * FROM %s('t') WHERE user_id IS 2", 1 | CPL_USER_EQ, 2},
        {"SELECT * FROM %s('t') WHERE 2 = user_id", 1 | eq, nEq},
        {"SELECT * FROM %s('t') WHERE user_id = ?1", 1 | eq, nEq},
        {"SELECT * FROM %s('t') WHERE user_id IN (1, '2', x'33')", 1 | in, nEq},
        {"SELECT * FROM %s('t') WHERE user_id IN (SELECT user_id FROM t)", 1 | in, nEq},
        {"SELECT * FROM %s WHERE user_id IS 2 AND ties = 'name' AND source = 't'",
         1 | 256 | CPL_USER_EQ, 3},
        {"SELECT * FROM %s('t', 'user_id', 'program', 'enrolled_at', 'seg')"
         " WHERE since = '2020-01-01' AND user_id IS 2",
         31 | 32 | CPL_USER_EQ, 7},
        {"SELECT * FROM t LEFT JOIN %s('t') p ON p.user_id = t.user_id", 1 | eq, nEq},
        {"SELECT * FROM t LEFT JOIN %s('t') p ON p.user_id IS t.user_id", 1 | CPL_USER_EQ, 2},
        {"SELECT (SELECT count(*) FROM %s('t') WHERE user_id = t.user_id) FROM t", 1 | eq, nEq},
        /* left to SQLite */
        {"SELECT * FROM %s('t') WHERE user_id > 1", 1, 1},
        {"SELECT * FROM %s('t') WHERE user_id IS NULL", 1, 1},
        {"SELECT * FROM %s('t') WHERE user_id = 'a' COLLATE NOCASE", 1, 1},
        {"SELECT * FROM %s('t') WHERE +user_id = 2", 1, 1},
        {"SELECT * FROM %s('t') WHERE segment = 2", 1, 1},
        /* an order with it: user_id order only (rule 10) */
        {"SELECT * FROM %s('t') WHERE user_id IS 2 ORDER BY user_id", 1 | CPL_USER_EQ, 2},
        {"SELECT * FROM %s('t') WHERE user_id IS 2 ORDER BY segment", 1 | CPL_USER_EQ, 2},
    };
    sqlite3 *db = lpt_open_fixture("t_two_users");
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        char *zSql = sqlite3_mprintf(aCase[k].zSql, zF);
        ck_assert_ptr_nonnull(zSql);
        cpl_assert(db, zSql, aCase[k].iIdxNum, aCase[k].nArg);
        sqlite3_free(zSql);
    }
    /* under a memory budget the plan is the same (xFilter scans a stream) */
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1)", "0\n");
    {
        char *zSql = sqlite3_mprintf("SELECT * FROM %s('t') WHERE user_id IS 2", zF);
        cpl_assert(db, zSql, 1 | CPL_USER_EQ, 2);
        sqlite3_free(zSql);
    }
    sqlite3_close(db);
}
END_TEST

/* "SELECT * FROM zF('t') WHERE user_id < 'z0' AND user_id < 'z1' ... (n of
** them) AND zCond": n constraints before zCond's. */
static char *cpl_after_others(const char *zF, int n, const char *zCond) {
    sqlite3_str *p = sqlite3_str_new(NULL);
    sqlite3_str_appendf(p, "SELECT * FROM %s('t') WHERE ", zF);
    for (int i = 0; i < n; i++) sqlite3_str_appendf(p, "user_id < 'z%d' AND ", i);
    sqlite3_str_appendall(p, zCond);
    return sqlite3_str_finish(p);
}

/*
** lp_sql.h's planning notes (tvfUserEqUsable): SQLite tells '=' from IN
** only for the first 32 constraints, so user_id = x after 32 others is
** left to SQLite (a scan), while IS is taken wherever it is; the rows are
** the same either way (check_where.c compares them with a table copy).
*/
START_TEST(test_user_id_after_32_constraints) {
    const char *zF = azUserFunc[_i];
    int eq = sqlite3_libversion_number() >= 3038000 ? CPL_USER_EQ : 0, nEq = eq ? 2 : 1;
    sqlite3 *db = lpt_open_fixture("t_two_users");
    char *zSql = cpl_after_others(zF, 31, "user_id = 2");
    cpl_assert(db, zSql, 1 | eq, nEq);
    sqlite3_free(zSql);
    zSql = cpl_after_others(zF, 32, "user_id = 2");
    cpl_assert(db, zSql, 1, 1);
    sqlite3_free(zSql);
    zSql = cpl_after_others(zF, 40, "user_id IS 2");
    cpl_assert(db, zSql, 1 | CPL_USER_EQ, 2);
    sqlite3_free(zSql);
    sqlite3_close(db);
}
END_TEST

/* README rule 10: with user_id = x, first_program gives no key order of
** its own (its rows come in user_id order), so SQLite sorts them. */
START_TEST(test_user_id_no_key_order) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    cpl_assert(db, "SELECT * FROM first_program('t') WHERE user_id IS 1 ORDER BY program",
               1 | CPL_USER_EQ, 2);
    cpl_assert(db,
               "SELECT segment, program, count(*) FROM first_program('t') WHERE user_id IS 1"
               " GROUP BY segment, program",
               1 | CPL_USER_EQ, 2);
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------- sample_enrollments */

/* README "sample_enrollments(users, seed)": users is bit 0 and the first
** value, seed bit 1 and the second, however they are written. */
START_TEST(test_sample_arguments) {
    sqlite3 *db = lpt_open();
    cpl_assert(db, "SELECT * FROM sample_enrollments(5)", 1, 1);
    cpl_assert(db, "SELECT * FROM sample_enrollments(5, 7)", 1 | 2, 2);
    cpl_assert(db, "SELECT * FROM sample_enrollments WHERE users = 5", 1, 1);
    cpl_assert(db, "SELECT * FROM sample_enrollments WHERE seed = 7 AND users = 5", 1 | 2, 2);
    cpl_assert(db, "SELECT * FROM sample_enrollments(5) WHERE user_id = 2", 1, 1);
    sqlite3_close(db);
}
END_TEST

Suite *make_plan_suite(void) {
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("idxNum");
    tcase_add_loop_test(tc, test_journey_arguments, 0, (int)(sizeof(aFunc) / sizeof(aFunc[0])));
    tcase_add_test(tc, test_first_program_order);
    tcase_add_test(tc, test_aggregate_no_medians);
    tcase_add_test(tc, test_continuation_arguments);
    tcase_add_loop_test(tc, test_user_id, 0, 3);
    tcase_add_test(tc, test_user_id_no_key_order);
    tcase_add_loop_test(tc, test_user_id_after_32_constraints, 0, 3);
    tcase_add_test(tc, test_sample_arguments);
    suite_add_tcase(s, tc);
    return s;
}
