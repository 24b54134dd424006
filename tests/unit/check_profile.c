/*
** check_profile.c - the "profile" suite: enrollment_profile, one row per
** finding about a source (README.md "enrollment_profile"; the rules it
** counts by are README.md's: rule 1 rows left out, rule 2 unreadable
** times, rule 4 ties, rule 5 repeats).
**
** enrollment_profile is also checked elsewhere where another subject leads:
** rows left out (user: test_empty_blob_program), unreadable times when
** streaming (user: test_stream_view_bad_time), segments after the cache
** served another query (settings: test_cache_segment_superset), and with
** the helper thread (threads: test_bad_time_skip_and_rule1).
*/
#include <string.h>

#include "lp_test.h"

/* enrollment_profile: duplicate rows count only when the segment matches
** too; a repeated program at the first instant is no tie. */
START_TEST(test_profile_duplicates) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01', 's'), (1, 'A', '2020-01-01', 's'),"
                 " (1, 'A', '2020-01-01', 'p'), (1, 'B', '2020-02-01', 's'),"
                 " (2, 'B', '2020-01-01', NULL), (2, 'C', '2020-01-01', NULL);");
    lpt_assert_rows(db,
                    "SELECT finding, value FROM enrollment_profile('k', 'user_id', 'program',"
                    " 'enrolled_at', 'seg') WHERE finding IN ('duplicate_rows', 'tied_users',"
                    " 'users_with_repeats', 'segments')",
                    "segments|2\nduplicate_rows|1\ntied_users|1\nusers_with_repeats|1\n");
    lpt_assert_rows(db,
                    "SELECT finding, value FROM enrollment_profile('k')"
                    " WHERE finding = 'duplicate_rows'",
                    "duplicate_rows|2\n");
    sqlite3_close(db);
}
END_TEST

/* enrollment_profile with a segment column that holds no value. */
START_TEST(test_profile_no_segment_values) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01', NULL), (2, 'B', '2020-01-01', '');");
    lpt_assert_rows(db,
                    "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE finding = 'segments'",
                    "segments|0|NULL\n");
    sqlite3_close(db);
}
END_TEST

/*
** enrollment_profile (issue 11, item 8; docs/functions.md
** "enrollment_profile": distinct counts over the rows the journeys use):
** one good row, one with a NULL time (rule 1), one with an unreadable time
** (rule 2, counted and skipped). programs counts, and names, the good row's
** program only, as users and segments do; held or streamed alike.
*/
START_TEST(test_profile_counts_rows_used) {
    for (int isStream = 0; isStream < 2; isStream++) {
        sqlite3 *db = lpt_open();
        lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                     "INSERT INTO k VALUES (1, 'Good', '2020-01-01', 'student'),"
                     " (2, 'NoTime', NULL, 'pro'), (3, 'BadTime', '13/01/2020', 'corp');");
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db,
                        "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id',"
                        " 'program', 'enrolled_at', 'seg') WHERE finding IN ('rows_read',"
                        " 'enrollments_used', 'users', 'programs', 'segments', 'rows_without_time',"
                        " 'unreadable_times')",
                        "rows_read|3|NULL\n"
                        "enrollments_used|1|NULL\n"
                        "users|1|NULL\n"
                        "programs|1|Good\n"
                        "segments|1|student\n"
                        "rows_without_time|1|NULL\n"
                        "unreadable_times|1|rowid 3: '13/01/2020'\n");
        sqlite3_close(db);
    }
}
END_TEST

/*
** enrollment_profile: a segment (and a program) that only a row left out
** has is not counted, while the same user's other rows are; with more than
** twelve names the detail names the first twelve used, in name order.
*/
START_TEST(test_profile_segment_only_on_row_left_out) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01', NULL), (1, 'Z', '', 'ghost'),"
                 " (2, 'B', '2020-01-02', 'pro'), (NULL, 'Y', '2020-01-03', 'nobody');"
                 "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 12)"
                 " INSERT INTO k SELECT 10 + v, 'P' || char(96 + v), '2020-02-01', NULL FROM n;");
    lpt_assert_rows(db,
                    "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id',"
                    " 'program', 'enrolled_at', 'seg') WHERE finding IN ('programs', 'segments')",
                    "programs|14|A, B, Pa, Pb, Pc, Pd, Pe, Pf, Pg, Ph, Pi, Pj, ... (2 more)\n"
                    "segments|1|pro\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_profile_suite(void) {
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("Findings");
    tcase_add_test(tc, test_profile_duplicates);
    tcase_add_test(tc, test_profile_no_segment_values);
    tcase_add_test(tc, test_profile_counts_rows_used);
    tcase_add_test(tc, test_profile_segment_only_on_row_left_out);
    suite_add_tcase(s, tc);
    return s;
}
