/*
** lp_test.h - helpers shared by the Check suites of learnpath.
**
** Each suite file defines Suite *make_<area>_suite(void) and is listed in
** check_main.c. The helpers open a :memory: database with learnpath
** registered (the extension is compiled into the runner with -DSQLITE_CORE)
** and turn query results into text that tests compare verbatim.
**
** Tables that several tests build live in tests/fixtures/<name>.sql, plain
** SQL that lpt_fixture() runs. The path is relative to the repository root,
** where `make test-unit` (and asan, tsan, valgrind, coverage) run the runner.
*/
#ifndef LP_TEST_H
#define LP_TEST_H

#include <check.h>
#include <sqlite3.h>

#include "learnpath.h"

/* Open :memory: with learnpath registered; fails the test on error. */
sqlite3 *lpt_open(void);

/* Run SQL that must succeed (several statements allowed). */
void lpt_exec(sqlite3 *db, const char *zSql);

/*
** Run tests/fixtures/<zName>.sql on db (each file's header says what it
** holds); fails the test if the file cannot be read or its SQL fails.
*/
void lpt_fixture(sqlite3 *db, const char *zName);

/* lpt_open(), then lpt_fixture(db, zName). */
sqlite3 *lpt_open_fixture(const char *zName);

/*
** Run one query and return its rows as text: columns joined by '|', rows
** ended by '\n', NULL shown as "NULL", REAL printed with %.10g. On error
** the result is "ERROR: <message>". The caller frees with sqlite3_free.
*/
char *lpt_query(sqlite3 *db, const char *zSql);

/* Assert that lpt_query(db, zSql) equals zExpect exactly. */
#define lpt_assert_rows(db, zSql, zExpect)                                  \
    do {                                                                    \
        char *zGot_ = lpt_query((db), (zSql));                              \
        ck_assert_msg(zGot_ != NULL, "out of memory");                      \
        ck_assert_msg(strcmp(zGot_, (zExpect)) == 0,                        \
                      "query: %s\nexpected:\n%s\ngot:\n%s", (zSql),          \
                      (zExpect), zGot_);                                    \
        sqlite3_free(zGot_);                                                \
    } while (0)

/* The function families, one suite each (README.md "Function reference"). */
Suite *make_user_suite(void);      /* first_program, program_journeys, program_steps */
Suite *make_aggregate_suite(void); /* program_transitions, first_program_stats */
Suite *make_continuation_suite(void); /* continuation_curve, continuation_stats (rules 17-19) */
Suite *make_popularity_suite(void); /* program_popularity, first_program_monthly */
Suite *make_group_suite(void);     /* group_stats, group_col, group_value (rule 12) */
Suite *make_profile_suite(void);   /* enrollment_profile */
Suite *make_sample_suite(void);    /* sample_enrollments */
Suite *make_svg_suite(void);       /* sankey_svg, bar_svg */
Suite *make_settings_suite(void);  /* loading, learnpath_version, cache, budget, threads */
Suite *make_report_suite(void);    /* report settings (rule 16) */
/* Across the families. */
Suite *make_time_suite(void);      /* reading and writing times (rules 2, 10) */
Suite *make_args_suite(void);      /* argument errors */
Suite *make_plan_suite(void);      /* xBestIndex: idxNum per argument shape */
Suite *make_trust_suite(void);     /* views, triggers, reentrancy, hostile input */
Suite *make_threads_suite(void);   /* the helper thread (rule 11) */
Suite *make_registry_suite(void);  /* what is registered is the registry, each entry covered */
Suite *make_where_suite(void);     /* IS on arguments, user_id = x: what plans take from WHERE */
Suite *make_bounds_suite(void);    /* hash flooding, heap under the memory budget */
Suite *make_source_suite(void);    /* a query as the source (rule 13) */
Suite *make_compare_suite(void);   /* segment_compare, segment_cells (rule 23) */
Suite *make_stats_suite(void);     /* tests of difference (rule 22): ext/lp_stats.c */

#endif
