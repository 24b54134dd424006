/*
** check_registry.c - the "registry" suite: what learnpath registers is
** exactly its registry (ext/learnpath.c), and every entry is covered;
** exactly one function, learnpath_allow_views, owns the connection's state.
**
** A function added to the registry without its tests or docs fails here:
**   - pragma_module_list and pragma_function_list of a connection with
**     learnpath, less those of one without, are the registry's entries,
**     with their argument counts and flags (nothing more, nothing less);
**   - each entry has its "## name(" section in docs/functions.md, its name
**     in the fuzz dictionary (tests/fuzz/sql.dict) and in the SQL of the
**     out-of-memory scenarios (tests/oom/oom.c), and each table-valued
**     function its pinned plans (check_plan.c);
**   - every declared argument of every table-valued function reads back
**     its default, and a bad value of it is the error its kind promises
**     (the argument battery of check_args.c covers the source arguments
**     in depth; this one covers every declaration, sample_enrollments'
**     too).
** The runner runs from the repository root (make test-unit).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_sql.h"
#include "lp_test.h"

/* The whole of a file of the repository (caller frees), or a failed test. */
static char *cr_read_file(const char *zPath) {
    FILE *f = fopen(zPath, "rb");
    char *z;
    long n;
    ck_assert_msg(f != NULL, "cannot open %s (run the tests from the repository root)", zPath);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    z = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(z);
    ck_assert_int_eq((long)fread(z, 1, (size_t)n, f), n);
    z[n] = 0;
    fclose(f);
    return z;
}

/* Every registered name: table-valued functions first, then functions. */
static int cr_count(void) {
    return learnpath_registry_ntvf + learnpath_registry_nfn;
}
static const char *cr_name(int i) {
    if (i < learnpath_registry_ntvf) return learnpath_registry_tvf[i]->zName;
    return learnpath_registry_fn[i - learnpath_registry_ntvf].zName;
}
static int cr_is_internal(int i) {
    return i >= learnpath_registry_ntvf && learnpath_registry_fn[i - learnpath_registry_ntvf].isInternal;
}

/* The rows of zSql as one text (lpt_query's form). */
static char *cr_rows(sqlite3 *db, const char *zSql) {
    char *z = lpt_query(db, zSql);
    ck_assert_ptr_nonnull(z);
    ck_assert_msg(strncmp(z, "ERROR", 5) != 0, "%s: %s", zSql, z);
    return z;
}

/* The flags pragma_function_list shows that a registration can set. */
#define CR_FLAGS (SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY | SQLITE_INNOCUOUS)

/*
** The modules and functions learnpath adds are its registry's: compared as
** sorted lists of "name" and "name/narg/flags" lines.
*/
START_TEST(test_pragma_lists_are_the_registry) {
    static const char zModules[] =
        "SELECT name FROM pragma_module_list WHERE name NOT IN (SELECT name FROM b.m) ORDER BY 1";
    static const char zFunctions[] =
        "SELECT name || '/' || narg || '/' || (flags & %d) FROM pragma_function_list"
        " WHERE (name, narg) NOT IN (SELECT name, narg FROM b.f) ORDER BY 1";
    sqlite3 *db = lpt_open();
    sqlite3 *dbPlain = NULL;
    char *zSql, *zGot;
    /* a connection without learnpath gives the baseline */
    ck_assert_int_eq(sqlite3_open(":memory:", &dbPlain), SQLITE_OK);
    lpt_exec(db, "ATTACH ':memory:' AS b");
    lpt_exec(db, "CREATE TABLE b.m(name); CREATE TABLE b.f(name, narg)");
    {
        sqlite3_stmt *pM = NULL, *pIns = NULL;
        ck_assert_int_eq(sqlite3_prepare_v2(dbPlain, "SELECT name, NULL FROM pragma_module_list"
                                            " UNION ALL SELECT name, narg FROM pragma_function_list",
                                            -1, &pM, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO b.m SELECT ?1 WHERE ?2 IS NULL", -1,
                                            &pIns, NULL), SQLITE_OK);
        sqlite3_stmt *pInsF = NULL;
        ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO b.f SELECT ?1, ?2 WHERE ?2 IS NOT NULL",
                                            -1, &pInsF, NULL), SQLITE_OK);
        while (sqlite3_step(pM) == SQLITE_ROW) {
            sqlite3_stmt *a[2] = {pIns, pInsF};
            for (int k = 0; k < 2; k++) {
                sqlite3_bind_value(a[k], 1, sqlite3_column_value(pM, 0));
                sqlite3_bind_value(a[k], 2, sqlite3_column_value(pM, 1));
                ck_assert_int_eq(sqlite3_step(a[k]), SQLITE_DONE);
                sqlite3_reset(a[k]);
            }
        }
        sqlite3_finalize(pM);
        sqlite3_finalize(pIns);
        sqlite3_finalize(pInsF);
    }
    sqlite3_close(dbPlain);

    /* what the registry says, in the same form */
    lpt_exec(db, "CREATE TABLE b.want_m(name); CREATE TABLE b.want_f(line)");
    for (int i = 0; i < learnpath_registry_ntvf; i++) {
        zSql = sqlite3_mprintf("INSERT INTO b.want_m VALUES (%Q)", learnpath_registry_tvf[i]->zName);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
    }
    for (int i = 0; i < learnpath_registry_nfn; i++) {
        const lp_fn_entry *p = &learnpath_registry_fn[i];
        for (int nArg = p->nArgMin; nArg <= p->nArgMax; nArg++) {
            zSql = sqlite3_mprintf("INSERT INTO b.want_f VALUES ('%q/%d/%d')", p->zName, nArg,
                                   p->eFlags & CR_FLAGS);
            lpt_exec(db, zSql);
            sqlite3_free(zSql);
        }
    }
    char *zWantM = cr_rows(db, "SELECT name FROM b.want_m ORDER BY 1");
    char *zWantF = cr_rows(db, "SELECT line FROM b.want_f ORDER BY 1");
    zGot = cr_rows(db, zModules);
    ck_assert_str_eq(zGot, zWantM);
    sqlite3_free(zGot);
    zSql = sqlite3_mprintf(zFunctions, CR_FLAGS);
    zGot = cr_rows(db, zSql);
    ck_assert_str_eq(zGot, zWantF);
    sqlite3_free(zGot);
    sqlite3_free(zSql);
    /* and the registry is not empty of what the README promises */
    ck_assert_ptr_nonnull(strstr(zWantM, "first_program\n"));
    ck_assert_ptr_nonnull(strstr(zWantF, "learnpath_version/0/"));
    sqlite3_free(zWantM);
    sqlite3_free(zWantF);
    sqlite3_close(db);
}
END_TEST

/*
** Exactly one function owns the connection's state (ext/learnpath.c: it is
** registered first, with the destructor), learnpath_allow_views, with one
** argument count: one registration, so the state is freed once.
*/
START_TEST(test_one_owner_of_the_state) {
    int nOwner = 0;
    for (int i = 0; i < learnpath_registry_nfn; i++) {
        const lp_fn_entry *p = &learnpath_registry_fn[i];
        if (p->takesConn != LP_FN_OWNS_CONN) continue;
        nOwner++;
        ck_assert_str_eq(p->zName, "learnpath_allow_views");
        ck_assert_int_eq(p->nArgMin, p->nArgMax);
        ck_assert(p->eFlags & SQLITE_DIRECTONLY);
    }
    ck_assert_int_eq(nOwner, 1);
}
END_TEST

/* Each registered name i has a "## name(" heading in docs/functions.md. */
START_TEST(test_documented) {
    char *zDoc = cr_read_file("docs/functions.md");
    const char *zName = cr_name(_i);
    char *zWant = sqlite3_mprintf("%s(", zName);
    int found = 0;
    for (char *zLine = zDoc; zLine && *zLine && !found;) {
        char *zEnd = strchr(zLine, '\n');
        if (zEnd) *zEnd = 0;
        if (strncmp(zLine, "## ", 3) == 0 && strstr(zLine, zWant)) found = 1;
        zLine = zEnd ? zEnd + 1 : NULL;
    }
    ck_assert_msg(found, "docs/functions.md has no '## %s(' section", zName);
    sqlite3_free(zWant);
    free(zDoc);
}
END_TEST

/* Each registered name i is a word of the fuzz dictionary. */
START_TEST(test_in_fuzz_dictionary) {
    char *zDict = cr_read_file("tests/fuzz/sql.dict");
    char *zWant = sqlite3_mprintf("\n\"%s\"\n", cr_name(_i));
    ck_assert_msg(strstr(zDict, zWant) != NULL, "tests/fuzz/sql.dict lacks \"%s\"", cr_name(_i));
    sqlite3_free(zWant);
    free(zDict);
}
END_TEST

/*
** Each registered name i is called in the SQL of an out-of-memory scenario
** (the learnpath_internal_read reader runs inside every source read).
*/
START_TEST(test_in_oom_scenarios) {
    char *zOom = cr_read_file("tests/oom/oom.c");
    char *zStart = strstr(zOom, "aScenario[] = {");
    ck_assert_ptr_nonnull(zStart);
    char *zEnd = strstr(zStart, "\n};");
    ck_assert_ptr_nonnull(zEnd);
    *zEnd = 0;
    if (!cr_is_internal(_i)) {
        char *zWant = sqlite3_mprintf("%s(", cr_name(_i));
        ck_assert_msg(strstr(zStart, zWant) != NULL, "no OOM scenario of tests/oom/oom.c calls %s",
                      zWant);
        sqlite3_free(zWant);
    }
    free(zOom);
}
END_TEST

/* Each table-valued function has its plans pinned in check_plan.c. */
START_TEST(test_plans_pinned) {
    char *zPlan = cr_read_file("tests/unit/check_plan.c");
    /* named in a table of functions, or called in a pinned query */
    char *zWant = sqlite3_mprintf("\"%s\"", learnpath_registry_tvf[_i]->zName);
    char *zCall = sqlite3_mprintf("FROM %s", learnpath_registry_tvf[_i]->zName);
    ck_assert_msg(strstr(zPlan, zWant) != NULL || strstr(zPlan, zCall) != NULL,
                  "check_plan.c pins no plan of %s", learnpath_registry_tvf[_i]->zName);
    sqlite3_free(zWant);
    sqlite3_free(zCall);
    free(zPlan);
}
END_TEST

/* A valid value of a required argument, as SQL (for the calls below). */
static const char *cr_valid_value(const lp_arg *pA) {
    return pA->eKind == LP_ARG_SOURCE ? "'t'" : pA->eKind == LP_ARG_INT ? "1" : "NULL";
}

/* "SELECT <col> FROM f WHERE <required args> [AND <arg> = <value>]". */
static char *cr_call(const lp_tvf *pDesc, const char *zCol, int iArg, const char *zValue) {
    sqlite3_str *p = sqlite3_str_new(NULL);
    const char *zSep = " WHERE ";
    sqlite3_str_appendf(p, "SELECT %s FROM %s", zCol, pDesc->zName);
    for (int j = 0; j < pDesc->nArg; j++) {
        const lp_arg *pA = &pDesc->aArg[j];
        if (j == iArg) {
            sqlite3_str_appendf(p, "%s%s = %s", zSep, pA->zName, zValue);
        } else if (pA->isRequired) {
            sqlite3_str_appendf(p, "%s%s = %s", zSep, pA->zName, cr_valid_value(pA));
        } else {
            continue;
        }
        zSep = " AND ";
    }
    sqlite3_str_appendall(p, " LIMIT 1");
    return sqlite3_str_finish(p);
}

/*
** Every declared argument of table-valued function i: its hidden column
** reads back the default when it is left out, and a value its kind refuses
** is an error prefixed once with the function's name.
*/
START_TEST(test_declared_arguments) {
    const lp_tvf *pDesc = learnpath_registry_tvf[_i];
    sqlite3 *db = lpt_open_fixture("t_two_users");
    /* idxNum has a bit per argument below the user_id bits (lp_sql.h); a
    ** function with more than 14 has them above, instead of ORDER BY bits */
    ck_assert_int_le(pDesc->nArg, LP_MAX_ARG);
    ck_assert_int_eq(LP_TVF_ARG_BIT(13), LP_TVF_USER_EQ >> 1);
    if (pDesc->nArg > 14) {
        ck_assert(pDesc->xOrderBy == NULL && !(pDesc->flags & LP_TVF_USER_KEY));
        ck_assert_int_gt(LP_TVF_ARG_BIT(14), LP_TVF_ANY_ORDER);
        ck_assert_int_gt(LP_TVF_ARG_BIT(LP_MAX_ARG - 1), 0); /* within a positive int */
    }
    for (int j = 0; j < pDesc->nArg; j++) {
        const lp_arg *pA = &pDesc->aArg[j];
        char *zSql, *zGot, *zWant = NULL;
        const char *zBad = NULL;
        /* read back: the default (or, given, the value) */
        if (!pA->isRequired) {
            zSql = cr_call(pDesc, pA->zName, -1, NULL);
            zGot = lpt_query(db, zSql);
            if (pA->eKind == LP_ARG_INT) {
                zWant = sqlite3_mprintf("%lld\n", (long long)pA->iDefault);
            } else {
                zWant = sqlite3_mprintf("%s\n", pA->zDefault ? pA->zDefault : "NULL");
            }
            ck_assert_msg(zGot && strcmp(zGot, zWant) == 0, "%s: got %s, want %s", zSql,
                          zGot ? zGot : "(nothing)", zWant);
            sqlite3_free(zSql);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
        }
        /* a refused value */
        switch (pA->eKind) {
            case LP_ARG_SOURCE:
            case LP_ARG_COLUMN: zBad = "''"; break;
            case LP_ARG_TIME: zBad = "'not a time'"; break;
            case LP_ARG_DAYS: zBad = "-1"; break;
            case LP_ARG_CHOICE: zBad = "'none of them'"; break;
            case LP_ARG_INT: zBad = pA->iMin > INT64_MIN ? "-9223372036854775808" : "'x'"; break;
            default: continue; /* LP_ARG_COLUMN_OR_NULL: NULL is none; '' is checked in args */
        }
        zSql = cr_call(pDesc, "*", j, zBad);
        zGot = lpt_query(db, zSql);
        zWant = sqlite3_mprintf("ERROR: %s(): ", pDesc->zName);
        ck_assert_msg(zGot && strncmp(zGot, zWant, strlen(zWant)) == 0, "%s: got %s", zSql,
                      zGot ? zGot : "(nothing)");
        ck_assert_msg(strstr(zGot + strlen(zWant), "(): ") == NULL, "%s: prefixed twice: %s", zSql,
                      zGot);
        ck_assert_msg(strstr(zGot, pA->zName) != NULL, "%s: the message does not name %s: %s",
                      zSql, pA->zName, zGot);
        sqlite3_free(zSql);
        sqlite3_free(zGot);
        sqlite3_free(zWant);
        /* a required argument left out */
        if (pA->isRequired) {
            zSql = sqlite3_mprintf("SELECT * FROM %s", pDesc->zName);
            zWant = sqlite3_mprintf("ERROR: %s(): missing required argument '%s'", pDesc->zName,
                                    pA->zName);
            lpt_assert_rows(db, zSql, zWant);
            sqlite3_free(zSql);
            sqlite3_free(zWant);
        }
    }
    sqlite3_close(db);
}
END_TEST

/*
** A function that fails inside a view another function reads gives its own
** message, prefixed once with its own name, exactly as when called
** directly: for every pair (inner, outer) of registered table-valued
** functions, outer reading a source.
*/
START_TEST(test_nested_error_is_the_inner_message) {
    const lp_tvf *pInner = learnpath_registry_tvf[_i];
    sqlite3 *db = lpt_open();
    /* the view is saved: views may call learnpath (README.md, "Trust model") */
    lpt_exec(db, "SELECT learnpath_allow_views(1)");
    /* the inner call fails on its first required argument */
    const lp_arg *pA = &pInner->aArg[0];
    ck_assert(pA->isRequired);
    const char *zBad = pA->eKind == LP_ARG_SOURCE ? "'missing'" : "-1";
    char *zCall = sqlite3_mprintf("%s(%s)", pInner->zName, zBad);
    char *zSql = sqlite3_mprintf("SELECT * FROM %s", zCall);
    char *zDirect = lpt_query(db, zSql);
    ck_assert_msg(zDirect && strncmp(zDirect, "ERROR: ", 7) == 0, "%s: %s", zSql, zDirect);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("CREATE VIEW v AS SELECT 1 AS user_id, 'p' AS program,"
                           " '2020-01-01' AS enrolled_at FROM %s", zCall);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    for (int k = 0; k < learnpath_registry_ntvf; k++) {
        const lp_tvf *pOuter = learnpath_registry_tvf[k];
        if (!(pOuter->flags & LP_TVF_SOURCE)) continue;
        zSql = sqlite3_mprintf("SELECT * FROM %s('v')", pOuter->zName);
        char *zGot = lpt_query(db, zSql);
        ck_assert_msg(zGot && strcmp(zGot, zDirect) == 0, "%s over %s: got %s, want %s",
                      pOuter->zName, zCall, zGot ? zGot : "(nothing)", zDirect);
        sqlite3_free(zGot);
        sqlite3_free(zSql);
    }
    sqlite3_free(zDirect);
    sqlite3_free(zCall);
    sqlite3_close(db);
}
END_TEST

/* The issue's own case: a view over first_program_stats of a missing table. */
START_TEST(test_nested_stats_missing_source) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "SELECT learnpath_allow_views(1)"); /* saved views (README.md, "Trust model") */
    lpt_exec(db, "CREATE VIEW v_stats AS SELECT program AS user_id, program,"
                 " '2020-01-01' AS enrolled_at FROM first_program_stats('missing')");
    lpt_assert_rows(db, "SELECT * FROM first_program('v_stats')",
                    "ERROR: first_program_stats(): no such table or view 'missing'");
    lpt_exec(db, "CREATE VIEW v_trn AS SELECT from_program AS user_id, from_program AS program,"
                 " '2020-01-01' AS enrolled_at FROM program_transitions('missing')");
    lpt_assert_rows(db, "SELECT * FROM first_program('v_trn')",
                    "ERROR: program_transitions(): no such table or view 'missing'");
    /* an error of SQLite itself inside the view keeps the reading context */
    lpt_exec(db, "CREATE TABLE t(user_id, program, enrolled_at);"
                 "CREATE VIEW v_bad AS SELECT user_id, program, enrolled_at FROM t"
                 " WHERE abs(-9223372036854775807 - 1)");
    lpt_exec(db, "INSERT INTO t VALUES (1, 'A', '2020-01-01')");
    lpt_assert_rows(db, "SELECT * FROM first_program('v_bad')",
                    "ERROR: first_program(): reading 'v_bad': integer overflow");
    sqlite3_close(db);
}
END_TEST

Suite *make_registry_suite(void) {
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("Registered");
    tcase_add_test(tc, test_pragma_lists_are_the_registry);
    tcase_add_test(tc, test_one_owner_of_the_state);
    tcase_add_loop_test(tc, test_documented, 0, cr_count());
    tcase_add_loop_test(tc, test_in_fuzz_dictionary, 0, cr_count());
    tcase_add_loop_test(tc, test_in_oom_scenarios, 0, cr_count());
    tcase_add_loop_test(tc, test_plans_pinned, 0, learnpath_registry_ntvf);
    suite_add_tcase(s, tc);
    tc = tcase_create("Frame");
    tcase_add_loop_test(tc, test_declared_arguments, 0, learnpath_registry_ntvf);
    tcase_add_loop_test(tc, test_nested_error_is_the_inner_message, 0, learnpath_registry_ntvf);
    tcase_add_test(tc, test_nested_stats_missing_source);
    suite_add_tcase(s, tc);
    return s;
}
