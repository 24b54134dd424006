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
    floodAssertLinear(db, FLOOD_N);
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
    floodAssertLinear(db, FLOOD_N);
}
END_TEST

/* Tie-group labels "A + grp-...": the shaper's string table (rule 4). */
START_TEST(test_flood_groups) {
    sqlite3 *db = floodOpen("groups", FLOOD_N);
    lpt_assert_rows(db,
                    "SELECT count(*), count(DISTINCT program), sum(tied), "
                    "sum(program = 'A + ' || (SELECT max(program) FROM t WHERE t.user_id = f.user_id)) "
                    "FROM first_program('t') AS f",
                    "3000|3000|3000|3000\n");
    floodAssertLinear(db, 2 * FLOOD_N);
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
    suite_add_tcase(s, tc);
    return s;
}
