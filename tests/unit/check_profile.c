/*
** check_profile.c - the "profile" suite: enrollment_profile, one row per
** finding about a source (README.md "enrollment_profile"; the rules it
** counts by are README.md's: rule 1 rows left out, rule 2 unreadable
** times, rule 4 ties, rule 5 repeats, rule 14 the export mistakes: users
** left out, implausible times, the follow-up at the data's end).
**
** enrollment_profile is also checked elsewhere where another subject leads:
** rows left out (user: test_empty_blob_program), unreadable times when
** streaming (user: test_stream_view_bad_time), segments after the cache
** served another query (settings: test_cache_segment_superset), and with
** the helper thread (threads: test_bad_time_skip_and_rule1).
*/
#include <string.h>

#include "lp_read.h"
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


/*
** The users a plain GROUP BY finds none of whose rows is used (rule 1: a
** non-empty program and time; rule 2: a time julianday() reads), counted
** independently of learnpath (rule 3: GROUP BY's identity).
*/
#define PROF_LEFT_OUT_SQL                                                                 \
    "SELECT count(*) FROM (SELECT user_id FROM k WHERE length(user_id) > 0 GROUP BY user_id" \
    " HAVING max(CASE WHEN length(program) > 0 AND julianday(enrolled_at) IS NOT NULL"      \
    " THEN 1 ELSE 0 END) = 0)"

/*
** users_left_out (README.md rule 14; rules 1-3): every kind of row left
** out (no program, an empty one, no time, an empty one, an unreadable
** time), users told apart as GROUP BY tells them (42 and 42.0 one user,
** '1' another), the first five in user_id order (numbers, text, blobs)
** written as values are; the same held, streamed and with the helper
** thread (rule 11).
*/
START_TEST(test_profile_users_left_out) {
    static const char *zWant = "users|2|NULL\n"
                               "users_left_out|8|2, 3, 4, 5, 7.5, ... (3 more)\n";
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01'), (1.0, 'B', NULL), ('1', 'A', NULL),"
                 " (2, NULL, '2020-01-02'), (3, 'A', 'not a time'), (4, '', '2020-01-03'),"
                 " (5, 'A', ''), (5, 'B', NULL), (6, 'A', '2020-01-04'), (6, 'A', NULL),"
                 " ('a''b', 'A', NULL), (x'0102', 'A', NULL), (7.5, 'A', NULL),"
                 " (NULL, 'A', '2020-01-01'), ('', 'A', NULL);");
    lpt_assert_rows(db, PROF_LEFT_OUT_SQL, "8\n");
    const char *zSql = "SELECT finding, value, detail FROM enrollment_profile('k')"
                       " WHERE finding IN ('users', 'users_left_out')";
    lpt_assert_rows(db, zSql, zWant);
    /* the helper thread from the first row, a row or three a batch */
    for (int nBatch = 1; nBatch <= 3; nBatch += 2) {
        learnpath_build_tune(0, nBatch, 64);
        lpt_exec(db, "SELECT learnpath_threads(2), learnpath_cache_clear()");
        char *zGot = lpt_query(db, zSql);
        learnpath_build_tune(-1, -1, -1);
        ck_assert_str_eq(zGot, zWant);
        sqlite3_free(zGot);
    }
    /* the last three, text and a blob, in user_id order */
    lpt_exec(db, "DELETE FROM k WHERE typeof(user_id) IN ('integer', 'real') AND user_id > 1");
    lpt_assert_rows(db, PROF_LEFT_OUT_SQL, "3\n");
    lpt_assert_rows(db, zSql, "users|1|NULL\nusers_left_out|3|'1', 'a''b', X'0102'\n");
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    lpt_assert_rows(db, zSql, "users|1|NULL\nusers_left_out|3|'1', 'a''b', X'0102'\n");
    sqlite3_close(db);
}
END_TEST

/*
** users_left_out on 3000 users in shuffled order, a third of them with
** no time on any row, some with a row left out beside one used: as plain
** SQL counts, held and streamed; none left out, and then the profile and
** first_program share one read of the source.
*/
START_TEST(test_profile_users_left_out_many) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < 5999)"
                 " INSERT INTO k SELECT (v * 7919) % 3000, 'P' || (v % 5),"
                 "  CASE WHEN (v * 7919) % 3000 % 3 = 0 OR v % 7 = 0 THEN NULL"
                 "  ELSE date('2020-01-01', (v % 400) || ' days') END FROM n;");
    char *zWant = lpt_query(db, PROF_LEFT_OUT_SQL);
    ck_assert_str_eq(zWant, "1000\n");
    const char *zSql = "SELECT value FROM enrollment_profile('k') WHERE finding = 'users_left_out'";
    lpt_assert_rows(db, zSql, zWant);
    lpt_assert_rows(db, "SELECT value FROM enrollment_profile('k') WHERE finding = 'users'", "2000\n");
    lpt_assert_rows(db, "SELECT detail FROM enrollment_profile('k') WHERE finding = 'users_left_out'",
                    "0, 3, 6, 9, 12, ... (995 more)\n");
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    lpt_assert_rows(db, zSql, zWant);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('k')", "2000\n");
    sqlite3_free(zWant);
    /* none left out: one read serves the profile and first_program */
    lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear();"
                 "DELETE FROM k WHERE enrolled_at IS NULL");
    lpt_assert_rows(db, zSql, "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('k')", "2000\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    sqlite3_close(db);
}
END_TEST

/*
** users_left_out under a NOCASE user column (rule 3): 'Alice' and 'ALICE'
** are one user, used; 'bob' and 'BOB' one user left out, named by the
** smallest of its values in BINARY order; as GROUP BY counts, held and
** streamed.
*/
START_TEST(test_profile_users_left_out_nocase) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id TEXT COLLATE NOCASE, program, enrolled_at);"
                 "INSERT INTO k VALUES ('Alice', 'A', '2020-01-01'), ('ALICE', 'B', NULL),"
                 " ('bob', 'A', NULL), ('BOB', 'B', 'bad'), ('carl', 'A', '2020-01-02');");
    lpt_assert_rows(db, PROF_LEFT_OUT_SQL, "1\n");
    for (int isStream = 0; isStream < 2; isStream++) {
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        lpt_assert_rows(db,
                        "SELECT finding, value, detail FROM enrollment_profile('k')"
                        " WHERE finding IN ('users', 'users_left_out')",
                        "users|2|NULL\nusers_left_out|1|'BOB'\n");
    }
    sqlite3_close(db);
}
END_TEST

/*
** implausible_times (rule 14), a day-offset column: 0 to 300 are Julian
** day numbers to SQLite (rule 2), near -4713; the detail says so, with the
** column's name quoted, and the conversion it gives reads them as dates.
*/
START_TEST(test_profile_implausible_day_offsets) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE d(user_id, program, \"day offset\");"
                 "WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < 300)"
                 " INSERT INTO d SELECT v, 'A', v FROM n;");
    lpt_assert_rows(db, "SELECT datetime(min(\"day offset\")), datetime(max(\"day offset\")) FROM d",
                    "-4713-11-24 12:00:00|-4712-09-19 12:00:00\n");
    lpt_assert_rows(db,
                    "SELECT value, detail FROM enrollment_profile('d', 'user_id', 'program',"
                    " 'day offset') WHERE finding = 'implausible_times'",
                    "301|numbers 0 to 300 read as Julian day numbers (301 rows, -4713-11-24"
                    " 12:00:00 to -4712-09-19 12:00:00): small numbers look like days counted"
                    " from a start date; if so, read \"day offset\" in a view as"
                    " datetime('2020-01-01', \"day offset\" || ' days'), with the start date in"
                    " place of 2020-01-01\n");
    /* the advice, followed */
    lpt_exec(db, "CREATE VIEW v AS SELECT user_id, program,"
                 " datetime('2020-01-01', \"day offset\" || ' days') AS enrolled_at FROM d");
    lpt_assert_rows(db,
                    "SELECT finding, value, detail FROM enrollment_profile('v') WHERE finding IN"
                    " ('first_time', 'last_time', 'implausible_times')",
                    "first_time|2020-01-01 00:00:00|NULL\nlast_time|2020-10-27 00:00:00|NULL\n"
                    "implausible_times|0|NULL\n");
    sqlite3_close(db);
}
END_TEST

/*
** implausible_times (rule 14): negative day offsets are Unix seconds to
** SQLite (rule 2), just before 1970-01-01, within 1900-2100 but caught;
** Unix seconds of 2020 (1.6e9) are plausible; text dates count when before
** 1900-01-01 or from 2101-01-01 on; a spreadsheet serial day (44197) is a
** Julian day near -4592, and the detail gives its conversion too.
*/
START_TEST(test_profile_implausible_kinds) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE u(user_id, program, t);"
                 "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 300)"
                 " INSERT INTO u SELECT v, 'A', -v FROM n;"
                 "CREATE TABLE x(user_id, program, t);"
                 "INSERT INTO x VALUES (1, 'A', '1899-12-31 23:59:59'), (2, 'A', '1900-01-01'),"
                 " (3, 'A', '2100-12-31 23:59:59'), (4, 'A', '2101-01-01'), (5, 'A', 1.6e9),"
                 " (6, 'A', '1066-10-14'), (7, 'A', 44197), (8, 'A', '2020-05-05');");
    lpt_assert_rows(db, "SELECT datetime(-300, 'auto'), datetime(1.6e9, 'auto'), datetime(44197)",
                    "1969-12-31 23:55:00|2020-09-13 12:26:40|-4592-11-27 12:00:00\n");
    lpt_assert_rows(db,
                    "SELECT value, detail FROM enrollment_profile('u', 'user_id', 'program', 't')"
                    " WHERE finding = 'implausible_times'",
                    "300|times just before 1970, as numbers -300 to -1 read as Unix seconds "
                    "(300 rows, 1969-12-31 23:55:00 to"
                    " 1969-12-31 23:59:59): small numbers look like days counted from a start"
                    " date; if so, read \"t\" in a view as datetime('2020-01-01', \"t\" || ' days'),"
                    " with the start date in place of 2020-01-01\n");
    /* plain SQL: outside [1900-01-01, 2101-01-01) */
    lpt_assert_rows(db,
                    "SELECT count(*) FROM x WHERE julianday(t, 'auto') < julianday('1900-01-01')"
                    " OR julianday(t, 'auto') >= julianday('2101-01-01')",
                    "4\n");
    lpt_assert_rows(db,
                    "SELECT value, detail FROM enrollment_profile('x', 'user_id', 'program', 't')"
                    " WHERE finding = 'implausible_times'",
                    "4|times before 1900 or after 2100 (3 rows, 1066-10-14 00:00:00 to 2101-01-01"
                    " 00:00:00); number 44197 read as Julian day numbers (1 row, -4592-11-27"
                    " 12:00:00): small numbers look like days counted from a start date; if so,"
                    " read \"t\" in a view as datetime('2020-01-01', \"t\" || ' days'), with the"
                    " start date in place of 2020-01-01 (spreadsheet serial days:"
                    " datetime('1899-12-30', \"t\" || ' days'))\n");
    lpt_assert_rows(db, "SELECT datetime('1899-12-30', '44197 days')", "2021-01-01 00:00:00\n");
    sqlite3_close(db);
}
END_TEST

/* The follow-up shares of f as plain SQL computes them: users whose first
** enrollment is less than N days before the last one. */
#define PROF_FOLLOW_SQL(N)                                                                  \
    "WITH u AS (SELECT user_id, min(julianday(t)) AS t0 FROM f GROUP BY user_id),"          \
    " m AS (SELECT max(julianday(t)) AS tm FROM f)"                                          \
    " SELECT avg(tm - t0 < " #N "), sum(tm - t0 < " #N ") || ' of ' || count(*) FROM u, m"

#define PROF_FOLLOW_ROW(N)                                                                  \
    "SELECT value, substr(detail, 1, instr(detail, ' users') - 1) FROM enrollment_profile("  \
    "'f', 'user_id', 'program', 't') WHERE finding = 'followup_under_" #N "_days'"

/*
** followup_under_30/90/365_days (rule 14): the last enrollment is
** 2021-01-01; first steps exactly 30, 90 and 365 days before it are not
** "less than"; a user's later enrollments do not move its first step; a
** user left out is not counted. As plain SQL computes them, held and
** streamed.
*/
START_TEST(test_profile_followup) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE f(user_id, program, t);"
                 "INSERT INTO f VALUES (1, 'A', '2020-01-01'), (1, 'B', '2021-01-01'),"
                 " (2, 'A', '2020-01-02'), (3, 'A', '2020-01-02 00:00:01'), (4, 'A', '2020-10-03'),"
                 " (5, 'A', '2020-12-02'), (5, 'B', '2020-12-30'), (6, 'A', '2020-12-31 12:00:00'),"
                 " (7, 'A', '2021-01-01');");
    for (int isStream = 0; isStream < 2; isStream++) {
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        /* by hand: users 6, 7; 5, 6, 7; 3 to 7 */
        lpt_assert_rows(db, PROF_FOLLOW_SQL(30), "0.2857142857|2 of 7\n");
        lpt_assert_rows(db, PROF_FOLLOW_ROW(30), "0.2857142857|2 of 7\n");
        lpt_assert_rows(db, PROF_FOLLOW_SQL(90), "0.4285714286|3 of 7\n");
        lpt_assert_rows(db, PROF_FOLLOW_ROW(90), "0.4285714286|3 of 7\n");
        lpt_assert_rows(db, PROF_FOLLOW_SQL(365), "0.7142857143|5 of 7\n");
        lpt_assert_rows(db, PROF_FOLLOW_ROW(365), "0.7142857143|5 of 7\n");
    }
    lpt_assert_rows(db,
                    "SELECT detail FROM enrollment_profile('f', 'user_id', 'program', 't')"
                    " WHERE finding = 'followup_under_90_days'",
                    "3 of 7 users started less than 90 days before the last enrollment"
                    " (2021-01-01 00:00:00)\n");
    /* a user with no time is no user: the shares do not change */
    lpt_exec(db, "INSERT INTO f VALUES (8, 'A', NULL)");
    lpt_assert_rows(db, PROF_FOLLOW_ROW(30), "0.2857142857|2 of 7\n");
    sqlite3_close(db);
}
END_TEST

/*
** The follow-up shares over 5000 users whose first steps spread over six
** years, in shuffled order, as plain SQL computes them: held, and streamed
** (where the starts of the last year are kept while they may count).
*/
START_TEST(test_profile_followup_many) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE f(user_id, program, t);"
                 "WITH RECURSIVE n(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM n WHERE v < 4999)"
                 " INSERT INTO f SELECT (v * 7919) % 5000, 'A',"
                 "  datetime('2015-01-01', ((v * 7919) % 5000 * 0.44) || ' days') FROM n;"
                 "INSERT INTO f SELECT user_id, 'B', datetime(t, '+20 days') FROM f WHERE user_id % 4 = 0;");
    for (int isStream = 0; isStream < 2; isStream++) {
        if (isStream) lpt_exec(db, "SELECT learnpath_memory_budget(1)");
        static const char *azSql[3][2] = {{PROF_FOLLOW_SQL(30), PROF_FOLLOW_ROW(30)},
                                          {PROF_FOLLOW_SQL(90), PROF_FOLLOW_ROW(90)},
                                          {PROF_FOLLOW_SQL(365), PROF_FOLLOW_ROW(365)}};
        for (int k = 0; k < 3; k++) {
            char *zWant = lpt_query(db, azSql[k][0]);
            lpt_assert_rows(db, azSql[k][1], zWant);
            sqlite3_free(zWant);
        }
    }
    /* by hand: user u starts 0.44 u days after 2015-01-01; the last enrollment
    ** is user 4996's second, 0.44 * 4996 + 20 = 2218.24 days after; less than
    ** 365 days before it: 0.44 u > 1853.24, u >= 4212, 788 users */
    lpt_assert_rows(db, PROF_FOLLOW_SQL(365), "0.1576|788 of 5000\n");
    sqlite3_close(db);
}
END_TEST

/* With no row used: no user, no share (NULL), every user left out. */
START_TEST(test_profile_nothing_used) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (1, 'A', NULL), (2, NULL, '2020-01-01'), (2, 'B', '');");
    lpt_assert_rows(db, PROF_LEFT_OUT_SQL, "2\n");
    lpt_assert_rows(db,
                    "SELECT finding, value, detail FROM enrollment_profile('k') WHERE finding IN"
                    " ('users', 'users_left_out', 'implausible_times', 'followup_under_30_days',"
                    " 'followup_under_365_days')",
                    "users|0|NULL\nusers_left_out|2|1, 2\nimplausible_times|0|NULL\n"
                    "followup_under_30_days|NULL|NULL\nfollowup_under_365_days|NULL|NULL\n");
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    lpt_assert_rows(db,
                    "SELECT finding, value FROM enrollment_profile('k') WHERE finding IN"
                    " ('users', 'users_left_out')",
                    "users|0\nusers_left_out|2\n");
    sqlite3_close(db);
}
END_TEST

/*
** enrollment_profile's rows are kept with the cached data (rule 14; as the
** aggregates keep theirs), per choice of segment column and per time
** column as the query writes it (implausible_times names it): asked again,
** in any order, each answer is the one a fresh cache gives.
*/
START_TEST(test_profile_memo_keys) {
    static const char *azSql[3] = {
        "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id', 'program',"
        " 'enrolled_at', 'seg')",
        "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id', 'program',"
        " 'enrolled_at')",
        "SELECT finding, value, detail FROM enrollment_profile('k', 'user_id', 'program',"
        " 'ENROLLED_AT', 'seg')",
    };
    char *azWant[3];
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at, seg);"
                 "INSERT INTO k VALUES (1, 'A', '2020-01-01', 's'), (1, 'A', '2020-01-01', 's'),"
                 " (1, 'B', '2020-02-01', 's'), (2, 'B', 5, 'p'),"
                 " (2, 'C', '2020-03-01', 'p');");
    for (int i = 0; i < 3; i++) {
        lpt_exec(db, "SELECT learnpath_cache_clear()");
        azWant[i] = lpt_query(db, azSql[i]);
    }
    /* the three differ: segments counted or not; the column's name as written */
    ck_assert_str_ne(azWant[0], azWant[1]);
    ck_assert_str_ne(azWant[0], azWant[2]);
    ck_assert_ptr_nonnull(strstr(azWant[2], "ENROLLED_AT"));
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 3; i++) lpt_assert_rows(db, azSql[i], azWant[i]);
        for (int i = 2; i >= 0; i--) lpt_assert_rows(db, azSql[i], azWant[i]);
    }
    for (int i = 0; i < 3; i++) sqlite3_free(azWant[i]);
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
    tcase_add_test(tc, test_profile_users_left_out);
    tcase_add_test(tc, test_profile_users_left_out_many);
    tcase_add_test(tc, test_profile_users_left_out_nocase);
    tcase_add_test(tc, test_profile_implausible_day_offsets);
    tcase_add_test(tc, test_profile_implausible_kinds);
    tcase_add_test(tc, test_profile_followup);
    tcase_add_test(tc, test_profile_followup_many);
    tcase_add_test(tc, test_profile_nothing_used);
    tcase_add_test(tc, test_profile_memo_keys);
    suite_add_tcase(s, tc);
    return s;
}
