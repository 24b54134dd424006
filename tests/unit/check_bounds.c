/*
** check_bounds.c - bounds that hold whatever the data: the probes of every
** hash table on keys crafted to collide (issue 11, item 10, "hash
** flooding"; README Limitations), and the heap a function takes under
** learnpath_memory_budget (issue 11, item 12; docs/functions.md).
**
** Hash flooding. tests/unit/lpt_flood.c crafts keys that all collide in
** learnpath's hash tables as they were before each table drew a seed of its
** own (a fixed, invertible mixer): user ids (integer and text), program and
** segment names, tie-group labels, program_transitions' rows,
** first_program's ORDER BY combinations and chart cells. On those keys a
** table of n entries cost about n*n/2 probes. The tests read each crafted
** source with learnpath_hash_probe_hook set: every table reports, when it
** is freed, its entries and the sum of their distances from their home
** slots, which must stay linear (at most 4 per entry; at a load of at most
** one half, linear probing averages half a probe per entry). No timing is
** asserted. Each test also checks the answer on the crafted source, and
** that the generator's keys do collide under the old hash (so the test
** tests something).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_read.h"
#include "lp_test.h"
#include "lpt_flood.h"

/* ------------------------------------------------------------ flooding */

#define FLOOD_N 3000 /* crafted keys per test: 4.5 million probes before */

static uint64_t nHashEntry, nHashDisplaced, nHashTable;

static void floodHook(const char *zTable, uint64_t nEntry, uint64_t nDisplaced) {
    (void)zTable;
    nHashTable++;
    nHashEntry += nEntry;
    nHashDisplaced += nDisplaced;
}

/* A database with table t of crafted keys of zKind; the hook set. */
static sqlite3 *floodOpen(const char *zKind, int n) {
    sqlite3 *db = lpt_open();
    int rc = lpt_flood_make(db, "t", zKind, n);
    ck_assert_msg(rc == SQLITE_OK, "lpt_flood_make(%s): %s", zKind, sqlite3_errmsg(db));
    nHashEntry = nHashDisplaced = nHashTable = 0;
    learnpath_hash_probe_hook = floodHook;
    return db;
}

/* The tables freed since floodOpen held at least nMin entries in all, and
** finding each cost at most 4 probes beyond the first on average. */
static void floodAssertLinear(sqlite3 *db, uint64_t nMin) {
    sqlite3_close(db); /* the cache's tables are freed with the connection */
    learnpath_hash_probe_hook = NULL;
    ck_assert_msg(nHashEntry >= nMin, "%llu entries reported (%llu tables), %llu expected",
                  (unsigned long long)nHashEntry, (unsigned long long)nHashTable,
                  (unsigned long long)nMin);
    ck_assert_msg(nHashDisplaced <= 4 * nHashEntry,
                  "%llu entries cost %llu probes beyond their home slots: flooded",
                  (unsigned long long)nHashEntry, (unsigned long long)nHashDisplaced);
}

/* The generator's user ids all have the same old hash: 0. */
START_TEST(test_flood_generator_collides) {
    char z[16];
    uint64_t state = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        ck_assert_uint_eq(lpt_flood_old_hash_int((uint64_t)lpt_flood_int_key(i)), 0);
        lpt_flood_text_next("user-id-", 8, &state, z);
        ck_assert_uint_eq(lpt_flood_old_hash_bytes(z, 16, LPT_FLOOD_TEXT_SEED), 0);
        for (int k = 0; k < 16; k++) ck_assert(z[k] > ' ' && z[k] < 0x7f && z[k] != '\'');
    }
    /* distinct keys */
    ck_assert(lpt_flood_int_key(1) != lpt_flood_int_key(2));
}
END_TEST

/* Integer user ids, out of order: the user table (lp_read.c). */
START_TEST(test_flood_int_users) {
    sqlite3 *db = floodOpen("int_users", FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT user_id), min(program), max(program) "
                    "FROM first_program('t')",
                    "3000|3000|A|A\n");
    /* in user_id order (rule 10), as ORDER BY sorts them */
    lpt_assert_rows(db,
                    "SELECT (SELECT group_concat(user_id) FROM first_program('t')) = "
                    "(SELECT group_concat(user_id) FROM (SELECT user_id FROM t ORDER BY 1))",
                    "1\n");
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* The same on the helper thread, which finds users too (rule 11). */
START_TEST(test_flood_int_users_helper) {
    sqlite3 *db = floodOpen("int_users", FLOOD_N);
    learnpath_build_tune(0, 64, 4096);
    lpt_assert_rows(db, "SELECT count(*), count(DISTINCT user_id) FROM first_program('t')",
                    "3000|3000\n");
    learnpath_build_tune(-1, -1, -1);
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* Text user ids. */
START_TEST(test_flood_text_users) {
    sqlite3 *db = floodOpen("text_users", FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT (SELECT group_concat(user_id, '|') FROM first_program('t')) = "
                    "(SELECT group_concat(user_id, '|') FROM (SELECT user_id FROM t ORDER BY 1))",
                    "1\n");
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* Program names: the program string table (lp_strtab.c). */
START_TEST(test_flood_programs) {
    sqlite3 *db = floodOpen("programs", FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT program), "
                    "sum(program = (SELECT program FROM t WHERE t.user_id = f.user_id)) "
                    "FROM first_program('t') AS f",
                    "3000|3000|3000\n");
    /* program_popularity's rows (lp_popularity.c): one per program */
    lpt_assert_rows(db,
                    "SELECT count(*), sum(users), sum(first_users), count(DISTINCT program) "
                    "FROM program_popularity('t')",
                    "3000|3000|3000|3000\n");
    floodAssertLinear(db, 2 * FLOOD_N);
}
END_TEST

/* Segment values: the segment string table. */
START_TEST(test_flood_segments) {
    sqlite3 *db = floodOpen("segments", FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT segment), "
                    "sum(segment = (SELECT user_type FROM t WHERE t.user_id = f.user_id)) "
                    "FROM first_program('t', 'user_id', 'program', 'enrolled_at', 'user_type') AS f",
                    "3000|3000|3000\n");
    /* a row per segment in program_popularity and first_program_monthly */
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT segment), sum(users) FROM program_popularity('t', "
                    "'user_id', 'program', 'enrolled_at', 'user_type')",
                    "3000|3000|3000\n");
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT segment), sum(users) FROM first_program_monthly('t', "
                    "'user_id', 'program', 'enrolled_at', 'user_type')",
                    "3000|3000|3000\n");
    floodAssertLinear(db, 3 * FLOOD_N);
}
END_TEST

/*
** Tie-group labels "A + grp-...": the shaper's string table (rule 4), as
** an aggregate keeps it for every user (first_program keeps one user's).
*/
START_TEST(test_flood_groups) {
    sqlite3 *db = floodOpen("groups", FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT from_program), sum(from_tied), sum(users), "
                    "sum(from_program IN (SELECT 'A + ' || program FROM t WHERE program <> 'A')) "
                    "FROM program_transitions('t')",
                    "3000|3000|3000|3000|3000\n");
    lpt_assert_rows(db,
                    "SELECT count(*), sum(tied), sum(program = 'A + ' || (SELECT max(program) FROM t "
                    "WHERE t.user_id = f.user_id)) FROM first_program('t') AS f",
                    "3000|3000|3000\n");
    /* first_program_monthly's cells: one per group, in one month */
    lpt_assert_rows(db,
                    "SELECT count(*), sum(tied), sum(users), count(DISTINCT month) "
                    "FROM first_program_monthly('t')",
                    "3000|3000|3000|1\n");
    floodAssertLinear(db, 3 * FLOOD_N);
}
END_TEST

/* Pairs of programs: program_transitions' rows (lp_agg.c, rule 9). */
START_TEST(test_flood_transitions) {
    sqlite3 *db = floodOpen("transitions", FLOOD_N);
    /* each user's first step: one row per (from, to), and every user counted */
    lpt_assert_rows(db,
                    "SELECT count(*), sum(users), sum(to_program IS NOT NULL) "
                    "FROM program_transitions('t') WHERE step = 1",
                    "4024|4024|3000\n");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM program_transitions('t') AS p WHERE step = 1 AND "
                    "to_program IS NOT NULL AND users = 1 AND EXISTS (SELECT 1 FROM t AS a JOIN t AS b "
                    "USING (user_id) WHERE a.program = p.from_program AND b.program = p.to_program "
                    "AND a.enrolled_at < b.enrolled_at)",
                    "3000\n");
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* Pairs of programs: first_program's ORDER BY combinations (lp_order.c, rule 10). */
START_TEST(test_flood_combos) {
    sqlite3 *db = floodOpen("combos", FLOOD_N);
    /* the order learnpath gives is the order SQLite's sorter gives */
    lpt_assert_rows(db,
                    "SELECT (SELECT group_concat(user_id) FROM (SELECT user_id FROM first_program('t') "
                    "ORDER BY program, next_program)) = (SELECT group_concat(user_id) FROM "
                    "(SELECT user_id FROM first_program('t') ORDER BY +program, +next_program, +user_id))",
                    "1\n");
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* Pairs of names: a chart's cells (svg_common.c). */
START_TEST(test_flood_cells) {
    sqlite3 *db = floodOpen("cells", FLOOD_N);
    lpt_assert_rows(db, "SELECT bar_svg(program, user_type, 1) LIKE '<svg%' FROM t", "1\n");
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* The kinds of the tables reported, one line each. */
static char zHashTables[512];

static void namesHook(const char *zTable, uint64_t nEntry, uint64_t nDisplaced) {
    size_t n = strlen(zHashTables);
    (void)nDisplaced;
    snprintf(zHashTables + n, sizeof(zHashTables) - n, "%s %llu\n", zTable,
             (unsigned long long)nEntry);
}

/*
** Every table reports when it is freed, and a table that never took an
** entry was never made, so it reports nothing: a chart whose every row is
** ignored (svg rule 1: weights <= 0) has no "cells" table, and
** first_program ordered by program over users all left out (rule 7) has
** no "combinations"; the answers are the empty ones. With the row used,
** each reports its one entry (the cell A to B; the combination A).
*/
START_TEST(test_flood_nothing_to_report) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE t(user_id, program, enrolled_at);"
                 " INSERT INTO t VALUES (1, 'A', '2020-01-01')");
    zHashTables[0] = 0;
    learnpath_hash_probe_hook = namesHook;
    lpt_assert_rows(db, "SELECT sankey_svg(program, 'B', 0) LIKE '%>no data</text>%' FROM t",
                    "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program WHERE source = 't'"
                        " AND since = '2021-01-01' ORDER BY program", "0\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program WHERE source = 't'"
                        " AND since = '2021-01-01' ORDER BY program", "");
    ck_assert_ptr_null(strstr(zHashTables, "cells"));
    ck_assert_ptr_null(strstr(zHashTables, "combinations"));
    lpt_assert_rows(db, "SELECT sankey_svg(program, 'B', 1) LIKE '<svg%' FROM t", "1\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('t') ORDER BY program", "1\n");
    learnpath_hash_probe_hook = NULL;
    ck_assert_msg(strstr(zHashTables, "cells 1\n") != NULL, "%s", zHashTables);
    ck_assert_ptr_nonnull(strstr(zHashTables, "combinations 1\n"));
    sqlite3_close(db);
}
END_TEST

/*
** The reader's name cache (lp_read.c) is not a table that grows: two names
** crafted to share its slot only make every row miss it and find the name
** in the string table. The answer is the same.
*/
START_TEST(test_flood_name_cache) {
    sqlite3 *db = floodOpen("name_cache", 2 * FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT program), count(DISTINCT next_program), "
                    "sum(program < next_program) FROM first_program('t')",
                    "3000|1|1|3000\n");
    floodAssertLinear(db, 2);
}
END_TEST

/* --------------------------------------------------------- the memory budget */

/*
** learnpath_memory_budget (docs/functions.md): with a budget B, the heap a
** query takes for its source stays within B plus BUDGET_C, the stated
** constant: the helper thread's two batches (about 1.2 MB, while a read in
** memory is tried), SQLite's own statements, and its sorter, which the
** tests hold to 512 KB with PRAGMA cache_size = -512 (at SQLite's default
** cache size it may take about 2 MB). Or the function fails, naming itself
** and the budget. The peak is SQLite's own count of its heap
** (SQLITE_STATUS_MEMORY_USED): learnpath allocates only through
** sqlite3_malloc, so the count sees all of it.
*/
#define BUDGET_C (3 * 1024 * 1024)

/*
** A table m of nUser users (numbered 0, 1, ...) with two enrollments each,
** a day apart, and a segment of three. With nProg = 0 every enrollment is
** in a program of its own ("program number <row>"); otherwise user u goes
** from program u % nProg to the next one, (u + 1) % nProg.
*/
static sqlite3 *budgetOpen(int nUser, int nProg) {
    sqlite3 *db = lpt_open();
    char *zSql = sqlite3_mprintf(
        "PRAGMA cache_size = -512;"
        "CREATE TABLE m(user_id, program, enrolled_at, user_type);"
        "INSERT INTO m WITH RECURSIVE r(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM r WHERE v < %d)"
        "  SELECT v / 2, 'program number ' || (CASE WHEN %d = 0 THEN v ELSE (v / 2 + v %% 2) %% %d END),"
        "  date('2020-01-01', '+' || (v %% 2) || ' days'), 'segment ' || (v / 2 %% 3) FROM r;",
        2 * nUser - 1, nProg, nProg ? nProg : 1);
    ck_assert_ptr_nonnull(zSql);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    return db;
}

/* The rows of zSql (lpt_query) into *pzOut, and the most the heap grew by
** while it ran. */
static int64_t budgetPeak(sqlite3 *db, const char *zSql, char **pzOut) {
    sqlite3_int64 nBase, nNow, nHigh;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nBase, &nHigh, 1);
    ck_assert_msg(nBase > 0, "SQLite counts no memory (SQLITE_CONFIG_MEMSTATUS off?)");
    *pzOut = lpt_query(db, zSql);
    ck_assert_ptr_nonnull(*pzOut);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &nNow, &nHigh, 0);
    return nHigh - nBase;
}

/*
** zSql gives the same rows under the budget as without one, and the heap
** grows by at most the budget and BUDGET_C while it runs (the cache
** cleared before each).
*/
static void budgetSame(sqlite3 *db, int64_t nBudget, const char *zSql) {
    char *zFree, *zBudget, zSet[128];
    int64_t nPeak;
    lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
    zFree = lpt_query(db, zSql);
    ck_assert_ptr_nonnull(zFree);
    ck_assert_msg(strncmp(zFree, "ERROR", 5) != 0, "%s", zFree);
    sqlite3_snprintf((int)sizeof(zSet), zSet, "SELECT learnpath_memory_budget(%lld), learnpath_cache_clear()",
                     (long long)nBudget);
    lpt_exec(db, zSet);
    nPeak = budgetPeak(db, zSql, &zBudget);
    ck_assert_msg(strcmp(zFree, zBudget) == 0, "%s\nwithout a budget:\n%.300s\nwith %lld:\n%.300s", zSql,
                  zFree, (long long)nBudget, zBudget);
    ck_assert_msg(nPeak <= nBudget + BUDGET_C, "%s: the heap grew by %lld bytes under a budget of %lld",
                  zSql, (long long)nPeak, (long long)nBudget);
    sqlite3_free(zFree);
    sqlite3_free(zBudget);
}

/*
** zSql fails under the budget with zExpect (the start of its message), and
** the heap grows by at most the budget and BUDGET_C before it does.
*/
static void budgetFails(sqlite3 *db, int64_t nBudget, const char *zSql, const char *zExpect) {
    char *zGot, zSet[128];
    int64_t nPeak;
    sqlite3_snprintf((int)sizeof(zSet), zSet, "SELECT learnpath_memory_budget(%lld), learnpath_cache_clear()",
                     (long long)nBudget);
    lpt_exec(db, zSet);
    nPeak = budgetPeak(db, zSql, &zGot);
    ck_assert_msg(strncmp(zGot, zExpect, strlen(zExpect)) == 0, "%s\nexpected: %s...\ngot: %s", zSql,
                  zExpect, zGot);
    ck_assert_msg(nPeak <= (nBudget > (1 << 20) ? nBudget : (1 << 20)) + BUDGET_C,
                  "%s: the heap grew by %lld bytes under a budget of %lld", zSql, (long long)nPeak,
                  (long long)nBudget);
    sqlite3_free(zGot);
}

#define BUDGET_B 2000000 /* bytes: 2 MB */

/*
** Issue 11, item 12: 100,000 enrollments, each in a program of its own.
** Streaming, first_program, program_journeys and program_steps keep one
** user's names and tie groups at a time, so they run in the budget
** whatever the number of programs; before, the stream kept every name
** (about 9 MB here: 100,000 names of 19 bytes, their table and ranks).
*/
START_TEST(test_budget_per_user_many_programs) {
    sqlite3 *db = budgetOpen(50000, 0);
    budgetSame(db, BUDGET_B,
               "SELECT count(*), sum(length(program)), sum(length(next_program)), max(program), "
               "min(next_program), sum(days_to_next) FROM first_program('m')");
    budgetSame(db, BUDGET_B,
               "SELECT count(*), max(segment), sum(length(path)), max(path) "
               "FROM program_journeys('m', 'user_id', 'program', 'enrolled_at', 'user_type')");
    budgetSame(db, BUDGET_B,
               "SELECT count(*), sum(step), max(program) FROM program_steps('m')");
    /* rule 12: group_value keeps each user's group (4 bytes a user) beside them */
    budgetSame(db, BUDGET_B,
               "SELECT count(*), sum(length(program)), max(next_program) FROM first_program('m')"
               " WHERE group_col = 'user_type' AND group_value = 'segment 2'");
    sqlite3_close(db);
}
END_TEST

/*
** The same source: program_transitions, first_program_stats,
** program_popularity, first_program_monthly and enrollment_profile need
** every program's name at once (and 100,000 rows of transitions): past the
** budget they fail, naming themselves and the budget, before they take
** more than it.
*/
START_TEST(test_budget_whole_names_fail) {
    sqlite3 *db = budgetOpen(50000, 0);
    budgetFails(db, BUDGET_B, "SELECT count(*) FROM program_transitions('m')",
                "ERROR: program_transitions(): needs more than the memory budget of 2000000 bytes "
                "to keep ");
    budgetFails(db, BUDGET_B, "SELECT count(*) FROM first_program_stats('m')",
                "ERROR: first_program_stats(): needs more than the memory budget of 2000000 bytes "
                "to keep ");
    budgetFails(db, BUDGET_B, "SELECT count(*) FROM program_popularity('m')",
                "ERROR: program_popularity(): needs more than the memory budget of 2000000 bytes "
                "to keep ");
    budgetFails(db, BUDGET_B, "SELECT count(*) FROM first_program_monthly('m')",
                "ERROR: first_program_monthly(): needs more than the memory budget of 2000000 bytes "
                "to keep ");
    budgetFails(db, BUDGET_B, "SELECT count(*) FROM enrollment_profile('m')",
                "ERROR: enrollment_profile(): needs more than the memory budget of 2000000 bytes "
                "to keep the names of ");
    /* a budget below 1 MiB still streams small sources; this one needs more */
    budgetFails(db, 1, "SELECT count(*) FROM program_transitions('m')",
                "ERROR: program_transitions(): needs more than 1048576 bytes, the least a memory "
                "budget allows (learnpath_memory_budget is 1), to keep ");
    /* the per-user functions still run */
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "50000\n");
    sqlite3_close(db);
}
END_TEST

/*
** 1,000 programs: the source streams (its 100,000 enrollments pass the
** budget), and the aggregates' rows and names fit in it: the same answers
** as in memory.
*/
START_TEST(test_budget_aggregates_stream) {
    sqlite3 *db = budgetOpen(50000, 1000);
    budgetSame(db, BUDGET_B, "SELECT * FROM program_transitions('m') ORDER BY 1, 2, 3, 4");
    budgetSame(db, BUDGET_B,
               "SELECT * FROM program_transitions('m', 'user_id', 'program', 'enrolled_at', 'user_type') "
               "ORDER BY 1, 2, 3, 4");
    budgetSame(db, BUDGET_B, "SELECT * FROM first_program_stats('m') ORDER BY 1, 2");
    budgetSame(db, BUDGET_B, "SELECT * FROM program_popularity('m')");
    budgetSame(db, BUDGET_B,
               "SELECT * FROM program_popularity('m', 'user_id', 'program', 'enrolled_at', 'user_type')");
    budgetSame(db, BUDGET_B,
               "SELECT * FROM first_program_monthly('m', 'user_id', 'program', 'enrolled_at', 'user_type')");
    budgetSame(db, BUDGET_B, "SELECT * FROM enrollment_profile('m')");
    /* rule 12: the users' groups count with the rest */
    budgetSame(db, BUDGET_B, "SELECT * FROM group_stats('m') WHERE group_col = 'user_type'");
    budgetSame(db, BUDGET_B,
               "SELECT * FROM first_program_stats('m') WHERE group_col = 'user_type'"
               " AND group_value = 'segment 1' ORDER BY 1, 2");
    sqlite3_close(db);
}
END_TEST

/*
** In memory, an aggregate's rows count with the data read: a source that
** fits the budget alone (first_program reads it in memory and caches it)
** but not with program_transitions' rows beside it is dropped from the
** cache and streamed for the rows, with the same answers.
*/
START_TEST(test_budget_data_and_rows) {
    sqlite3 *db = budgetOpen(25000, 1500);
    char *zFree;
    int64_t nPeak;
    const char *zSql = "SELECT * FROM program_transitions('m') ORDER BY 1, 2, 3, 4";
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    zFree = lpt_query(db, zSql);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(2200000), learnpath_cache_clear()", "0|1\n");
    /* first_program reads it in memory (the cache keeps it) */
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "25000\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "25000\n");
    char *zBudget;
    nPeak = budgetPeak(db, zSql, &zBudget);
    ck_assert_msg(strcmp(zBudget, zFree) == 0, "with the budget:\n%.300s\nwithout:\n%.300s", zBudget,
                  zFree);
    ck_assert_msg(nPeak <= 2200000 + BUDGET_C, "the heap grew by %lld bytes", (long long)nPeak);
    /* the cached data left the cache, for the rows */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n");
    sqlite3_free(zFree);
    sqlite3_free(zBudget);
    sqlite3_close(db);
}
END_TEST

/*
** The same for group_stats (rule 12 with the budget's rule in README.md's
** Limitations): 5,000 users, each first program of its own, fit the budget
** in memory (first_program caches them) but not with the 5,000 (group,
** first program) pairs group_stats counts beside them, so group_stats reads
** them again streaming (tvf_group.c, groupFilter), with the answers given
** without a budget and within it. 10,000 users
** stream from the start, and their pairs alone pass the budget: the error
** names the budget and the users' groups it kept.
*/
START_TEST(test_budget_data_and_rows_group) {
    sqlite3 *db = budgetOpen(5000, 0);
    const char *zSql = "SELECT * FROM group_stats('m') WHERE group_col = 'user_type'";
    char *zFree, *zBudget;
    int64_t nPeak;
    lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
    zFree = lpt_query(db, zSql);
    /* three groups, a row each, 5,000 users between them */
    lpt_assert_rows(db, "SELECT count(*), sum(users), sum(enrollments), min(rank), max(rank) FROM group_stats('m')"
                        " WHERE group_col = 'user_type'", "3|5000|10000|1|3\n");
    lpt_exec(db, "SELECT learnpath_memory_budget(1500000), learnpath_cache_clear()");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "5000\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "5000\n");
    nPeak = budgetPeak(db, zSql, &zBudget);
    ck_assert_msg(strcmp(zBudget, zFree) == 0, "with the budget:\n%.300s\nwithout:\n%.300s", zBudget,
                  zFree);
    ck_assert_msg(nPeak <= 1500000 + BUDGET_C, "the heap grew by %lld bytes", (long long)nPeak);
    sqlite3_free(zFree);
    sqlite3_free(zBudget);
    sqlite3_close(db);

    db = budgetOpen(10000, 0);
    budgetFails(db, BUDGET_B, zSql,
                "ERROR: group_stats(): needs more than the memory budget of 2000000 bytes to keep ");
    zBudget = lpt_query(db, zSql);
    ck_assert_msg(zBudget && strstr(zBudget, " tie groups and the groups of 10000 users (3 names) and the names of "),
                  "%s", zBudget);
    sqlite3_free(zBudget);
    sqlite3_close(db);
}
END_TEST

/*
** The same for program_popularity and first_program_monthly (5,000
** programs: their rows do not fit beside the data), streamed with the
** answers they give without a budget.
*/
START_TEST(test_budget_data_and_rows_popularity) {
    static const char *const azSql[] = {
        "SELECT * FROM program_popularity('m')",
        "SELECT * FROM first_program_monthly('m')",
    };
    sqlite3 *db = budgetOpen(25000, 5000);
    for (int i = 0; i < 2; i++) {
        char *zFree, *zBudget;
        int64_t nPeak;
        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        zFree = lpt_query(db, azSql[i]);
        lpt_exec(db, "SELECT learnpath_memory_budget(2200000), learnpath_cache_clear()");
        /* first_program reads it in memory (the cache keeps it) */
        lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "25000\n");
        lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
        lpt_assert_rows(db, "SELECT count(*) FROM first_program('m')", "25000\n");
        nPeak = budgetPeak(db, azSql[i], &zBudget);
        ck_assert_msg(strcmp(zBudget, zFree) == 0, "%s with the budget:\n%.300s\nwithout:\n%.300s",
                      azSql[i], zBudget, zFree);
        ck_assert_msg(nPeak <= 2200000 + BUDGET_C, "%s: the heap grew by %lld bytes", azSql[i],
                      (long long)nPeak);
        /* the cached data left the cache, for the rows */
        lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "0\n");
        sqlite3_free(zFree);
        sqlite3_free(zBudget);
    }
    sqlite3_close(db);
}
END_TEST

/*
** The same for a source the cache never keeps (a view that reads a virtual
** table: README "Limitations"): read in memory, it passes the budget with
** the rows beside it, and the rows are computed again, streaming, with the
** same answers; another source's cached data stays cached.
*/
START_TEST(test_budget_data_and_rows_uncached) {
    sqlite3 *db = budgetOpen(25000, 1500);
    char *zFree, *zBudget;
    int64_t nPeak;
    const char *zSql = "SELECT * FROM program_transitions('mv') ORDER BY 1, 2, 3, 4";
    lpt_exec(db, "CREATE TABLE x(user_id, program, enrolled_at);"
                 " INSERT INTO x VALUES (1, 'A', '2020-01-01');"
                 " CREATE TEMP VIEW mv AS SELECT m.* FROM m,"
                 " (SELECT count(*) FROM sample_enrollments(1, 1))");
    zFree = lpt_query(db, zSql);
    ck_assert_msg(strncmp(zFree, "ERROR", 5) != 0, "%s", zFree);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(2200000), learnpath_cache_clear()", "0|0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('x')", "1\n");
    nPeak = budgetPeak(db, zSql, &zBudget);
    ck_assert_msg(strcmp(zBudget, zFree) == 0, "with the budget:\n%.300s\nwithout:\n%.300s", zBudget,
                  zFree);
    ck_assert_msg(nPeak <= 2200000 + BUDGET_C, "the heap grew by %lld bytes", (long long)nPeak);
    /* x's entry, the only one */
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    sqlite3_free(zFree);
    sqlite3_free(zBudget);
    sqlite3_close(db);
}
END_TEST

/*
** learnpath_memory_budget (docs/functions.md): whatever the budget, the
** answers are the ones without it. A read in memory checks each growth
** against the budget before it allocates (the users, their hash, the
** ids' bytes, the enrollments, the index of rows not grouped by user) and
** streams when one would pass it; budgets from 2 KB to 600 KB in steps of
** 2 KB make each growth in turn the one that does, over 2,000 users with
** text ids out of order and their rows not grouped (past 1,536 users the
** hash's first 2,048 slots are full, and it grows: lp_read_users.c). The
** small budgets stream (the cache keeps nothing), the large ones hold the
** source.
*/
START_TEST(test_budget_sweep) {
    sqlite3 *db = lpt_open();
    static const char zSql[] =
        "SELECT count(*), group_concat(user_id || ':' || program || ':' || steps, ',')"
        " FROM first_program('e')";
    int nHeld = 0, nStreamed = 0;
    lpt_exec(db, "CREATE TABLE e(user_id, program, enrolled_at);"
                 " INSERT INTO e WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c"
                 " WHERE i < 3999) SELECT 'user-' || ((i * 7919) % 2000), 'P' || (i % 7),"
                 " date('2020-01-01', '+' || (i % 100) || ' days') FROM c;"
                 " SELECT learnpath_threads(1);");
    char *zWant = lpt_query(db, zSql);
    ck_assert_msg(strncmp(zWant, "2000|", 5) == 0, "%.200s", zWant);
    for (int64_t nBudget = 2000; nBudget <= 600000; nBudget += 2000) {
        char zSet[100];
        sqlite3_snprintf((int)sizeof(zSet), zSet,
                         "SELECT learnpath_memory_budget(%lld), learnpath_cache_clear()",
                         (long long)nBudget);
        lpt_exec(db, zSet);
        char *zGot = lpt_query(db, zSql);
        ck_assert_msg(strcmp(zGot, zWant) == 0, "budget %lld:\n%.200s", (long long)nBudget, zGot);
        sqlite3_free(zGot);
        zGot = lpt_query(db, "SELECT learnpath_cache_clear()");
        if (strcmp(zGot, "1\n") == 0) nHeld++; else nStreamed++;
        sqlite3_free(zGot);
    }
    ck_assert_msg(nHeld > 0 && nStreamed > 0, "held %d, streamed %d", nHeld, nStreamed);
    sqlite3_free(zWant);
    sqlite3_close(db);
}
END_TEST

/*
** The same for the aggregates (README.md, Limitations: under a budget they
** keep their rows beside the names): budgets from 10 KB to 1.5 MB in steps
** of 10 KB over 3,000 users in 500 programs make each check in turn the
** one that passes it, the rows of every user's segment and of all users
** (derived from them: lp_agg.c) included. Each budget gives the answers
** given without one: the data streamed, or the rows computed again.
*/
START_TEST(test_budget_sweep_aggregates) {
    sqlite3 *db = budgetOpen(3000, 500);
    static const char *const azSql[] = {
        "SELECT * FROM program_transitions('m') ORDER BY 1, 2, 3, 4",
        "SELECT * FROM first_program_stats('m') ORDER BY 1, 2",
    };
    for (size_t k = 0; k < sizeof(azSql) / sizeof(azSql[0]); k++) {
        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        char *zWant = lpt_query(db, azSql[k]);
        ck_assert_msg(zWant && strlen(zWant) > 1000 && strncmp(zWant, "ERROR", 5) != 0, "%.200s", zWant);
        for (int64_t nBudget = 10000; nBudget <= 1500000; nBudget += 10000) {
            char zSet[100];
            sqlite3_snprintf((int)sizeof(zSet), zSet,
                             "SELECT learnpath_memory_budget(%lld), learnpath_cache_clear()",
                             (long long)nBudget);
            lpt_exec(db, zSet);
            char *zGot = lpt_query(db, azSql[k]);
            ck_assert_msg(strcmp(zGot, zWant) == 0, "%s, budget %lld:\n%.200s", azSql[k],
                          (long long)nBudget, zGot);
            sqlite3_free(zGot);
        }
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST

/* Many tie groups (the flooding input "groups"): first_program keeps one
** user's labels at a time, streaming or not. */
START_TEST(test_budget_tie_groups) {
    sqlite3 *db = lpt_open();
    ck_assert_int_eq(lpt_flood_make(db, "m", "groups", 20000), SQLITE_OK);
    lpt_exec(db, "PRAGMA cache_size = -512");
    budgetSame(db, BUDGET_B, "SELECT count(*), sum(tied), max(program), sum(length(program)) FROM first_program('m')");
    budgetSame(db, 1, "SELECT count(*), sum(tied), max(program), sum(length(program)) FROM first_program('m')");
    sqlite3_close(db);
}
END_TEST

Suite *make_bounds_suite(void) {
    Suite *s = suite_create("bounds");
    TCase *tc = tcase_create("flood");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_flood_generator_collides);
    tcase_add_test(tc, test_flood_int_users);
    tcase_add_test(tc, test_flood_int_users_helper);
    tcase_add_test(tc, test_flood_text_users);
    tcase_add_test(tc, test_flood_programs);
    tcase_add_test(tc, test_flood_segments);
    tcase_add_test(tc, test_flood_groups);
    tcase_add_test(tc, test_flood_transitions);
    tcase_add_test(tc, test_flood_combos);
    tcase_add_test(tc, test_flood_cells);
    tcase_add_test(tc, test_flood_name_cache);
    tcase_add_test(tc, test_flood_nothing_to_report);
    suite_add_tcase(s, tc);
    tc = tcase_create("budget");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_budget_per_user_many_programs);
    tcase_add_test(tc, test_budget_whole_names_fail);
    tcase_add_test(tc, test_budget_aggregates_stream);
    tcase_add_test(tc, test_budget_data_and_rows);
    tcase_add_test(tc, test_budget_data_and_rows_popularity);
    tcase_add_test(tc, test_budget_data_and_rows_group);
    tcase_add_test(tc, test_budget_data_and_rows_uncached);
    tcase_add_test(tc, test_budget_sweep);
    tcase_add_test(tc, test_budget_sweep_aggregates);
    tcase_add_test(tc, test_budget_tie_groups);
    suite_add_tcase(s, tc);
    return s;
}
