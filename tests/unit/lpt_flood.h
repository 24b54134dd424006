/*
** lpt_flood.h - hash-flooding inputs (issue 11, item 10): tables whose keys
** are crafted to collide in learnpath's hash tables as they were before the
** hashes were seeded per table (commit 39402eb and earlier: a fixed,
** invertible mixer, the same in every process).
**
** Each kind fills a table zTable(user_id, program, enrolled_at, user_type)
** whose n crafted keys all land at one home slot, or a few hundred
** neighbouring ones, of the table that indexes them, at every table size;
** linear probing then costs about n*n/2 probes to insert them. With the
** seeded hashes the same keys spread like any others.
**
**   kind         the crafted keys              the table they flood
**   int_users    INTEGER user ids              the user table (lp_read.c)
**   text_users   16-byte TEXT user ids         the user table
**   programs     16-byte program names         the program string table (lp_strtab.c)
**   segments     16-byte user_type values      the segment string table
**   groups       programs "g..." tied with "A" tie-group labels "A + g..." (shaper's table)
**   transitions  (from, to) program pairs      program_transitions' rows (lp_agg.c)
**   combos       (program, next) pairs         first_program's ORDER BY combinations (lp_order.c)
**   cells        (from, to) name pairs         sankey_svg's cells (svg_common.c)
**   name_cache   two names alternating         the reader's name cache (lp_read.c): not
**                                              quadratic; each row misses the cache
**
** The pairs of transitions, combos and cells are pairs of labels numbered
** in order of first appearance: the first rows give n_prog programs (or
** names) their numbers, then one user (or row) per crafted pair follows.
** Plain SQLite API: used by the Check suite (check_flood.c) and the
** command-line generator tests/trust/flood.c.
*/
#ifndef LPT_FLOOD_H
#define LPT_FLOOD_H

#include <sqlite3.h>
#include <stdint.h>

/*
** Create zTable and fill it with n crafted keys of kind zKind (above).
** Returns SQLITE_OK, SQLITE_MISUSE for an unknown kind, or the error of
** the statement that failed.
*/
int lpt_flood_make(sqlite3 *db, const char *zTable, const char *zKind, int n);

/* The hashes before seeding, as they were (lp_base.h, lp_agg.c, lp_order.c,
** svg_common.c at 39402eb): the generator's targets, and what the tests use
** to check that the generator's keys do collide. */
uint32_t lpt_flood_old_hash_int(uint64_t x);
uint32_t lpt_flood_old_hash_bytes(const void *p, int n, uint32_t seed);
uint32_t lpt_flood_old_trn_hash(uint32_t seg, int64_t step, uint32_t from, uint32_t to);
uint32_t lpt_flood_old_combo_hash(const uint32_t *aLabel);
uint32_t lpt_flood_old_svg_hash(uint32_t a, uint32_t b);
#define LPT_FLOOD_TEXT_SEED 2166136261u /* the seed of TEXT keys and of string tables */

/* The i-th crafted INTEGER user id (its old hash has 32 low zero bits). */
int64_t lpt_flood_int_key(uint32_t i);
/*
** The next crafted text of nPrefix + 8 bytes (nPrefix is 0 or 8), printable
** ASCII without quotes, comma, backslash or space, beginning with zPrefix,
** whose old hash (seed LPT_FLOOD_TEXT_SEED) has 32 low zero bits, into z.
** *pState (start it at 0) advances; each call gives a new text.
*/
void lpt_flood_text_next(const char *zPrefix, int nPrefix, uint64_t *pState, char *z);

#endif
