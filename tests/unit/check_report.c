/*
** check_report.c - the "report" suite: the report settings
** (learnpath_report_setting, learnpath_is_flagship; README rule 16) and the
** saved reports' use of them, against plain SQL over a small table.
*/
#include <stdio.h>
#include <string.h>

#include "lp_test.h"

/* Defaults before anything is set (rule 16). */
START_TEST(test_report_defaults) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db,
                    "SELECT learnpath_report_setting('flagship'), "
                    "learnpath_report_setting('segment_col'), "
                    "learnpath_report_setting('segment_label'), "
                    "learnpath_report_setting('group_col'), "
                    "learnpath_report_setting('group_label'), "
                    "learnpath_report_setting('min_base'), "
                    "typeof(learnpath_report_setting('min_base'))",
                    "NULL|user_type|user type|NULL|NULL|30|integer\n");
    /* names are case-insensitive, as SQL's are */
    lpt_assert_rows(db, "SELECT learnpath_report_setting('Segment_Label')", "user type\n");
    lpt_assert_rows(db, "SELECT learnpath_is_flagship('Flagship'), learnpath_is_flagship(NULL)",
                    "NULL|NULL\n");
    sqlite3_close(db);
}
END_TEST

/* Setting returns the previous value; NULL restores the default; the
** labels follow the columns unless set; '' is no segment column. */
START_TEST(test_report_set_and_reset) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_col', 'education_level')",
                    "user_type\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_label')", "education level\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_label', 'level of study')",
                    "education level\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_label')", "level of study\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_label', NULL)",
                    "level of study\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_label')", "education level\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_col', '')", "education_level\n");
    lpt_assert_rows(db,
                    "SELECT quote(learnpath_report_setting('segment_col')), "
                    "learnpath_report_setting('segment_label')",
                    "NULL|segment\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('group_col', 'employer_name')", "NULL\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('group_label')", "employer name\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('min_base', 5.0)", "30\n");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('min_base')", "5\n");
    sqlite3_close(db);
}
END_TEST

/* One flagship, several as a JSON array; names compared byte for byte. */
START_TEST(test_report_flagships) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', 'Data Science')", "NULL\n");
    lpt_assert_rows(db,
                    "SELECT learnpath_is_flagship('Data Science'), "
                    "learnpath_is_flagship('data science'), learnpath_is_flagship('Data'), "
                    "learnpath_is_flagship(NULL)",
                    "1|0|0|NULL\n");
    lpt_assert_rows(db,
                    "SELECT learnpath_report_setting('flagship', "
                    "'[\"Data Science\", \"AI + ML\", \"O''Brien \\u00e9\"]')",
                    "Data Science\n");
    lpt_assert_rows(db,
                    "SELECT learnpath_is_flagship('Data Science'), learnpath_is_flagship('AI + ML'), "
                    "learnpath_is_flagship('O''Brien ' || char(233)), "
                    "learnpath_is_flagship('[\"Data Science\", \"AI + ML\"]')",
                    "1|1|1|0\n");
    /* a number is a name too (course codes) */
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', 101);");
    lpt_assert_rows(db, "SELECT learnpath_is_flagship('101'), learnpath_is_flagship(101)", "1|1\n");
    /* a JSON array after white space is an array too */
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', ' \n [\"B\", \"C\"]');");
    lpt_assert_rows(db, "SELECT learnpath_is_flagship('B'), learnpath_is_flagship('C')", "1|1\n");
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', NULL);");
    lpt_assert_rows(db, "SELECT learnpath_is_flagship('101')", "NULL\n");
    sqlite3_close(db);
}
END_TEST

/* learnpath_flagship_name(n): the names in the order set, NULL past them. */
START_TEST(test_report_flagship_names) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT quote(learnpath_flagship_name(1))", "NULL\n");
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', '[\"Zeta\", \"Alpha\"]');");
    lpt_assert_rows(db,
                    "WITH RECURSIVE names(k, name) AS (SELECT 1, learnpath_flagship_name(1) "
                    "UNION ALL SELECT k + 1, learnpath_flagship_name(k + 1) FROM names "
                    "WHERE name IS NOT NULL) SELECT k, quote(name) FROM names",
                    "1|'Zeta'\n2|'Alpha'\n3|NULL\n");
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', 'Solo');");
    lpt_assert_rows(db, "SELECT learnpath_flagship_name(1), quote(learnpath_flagship_name(2))",
                    "Solo|NULL\n");
    lpt_assert_rows(db, "SELECT learnpath_flagship_name(0)",
                    "ERROR: learnpath_flagship_name(): n must be a whole number >= 1, not 0");
    lpt_assert_rows(db, "SELECT learnpath_flagship_name('one')",
                    "ERROR: learnpath_flagship_name(): n must be a whole number >= 1, not 'one'");
    sqlite3_close(db);
}
END_TEST

/* Refused values name the function and the problem, and change nothing. */
START_TEST(test_report_errors) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "SELECT learnpath_report_setting('flagship', 'A');");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('colour')",
                    "ERROR: learnpath_report_setting(): no setting 'colour' (the settings: flagship, "
                    "segment_col, segment_label, group_col, group_label, min_base)");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', '[1, \"B\"]')",
                    "ERROR: learnpath_report_setting(): flagship must be a program name or a JSON "
                    "array of non-empty names, not [1, \"B\"]");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', '[\"B\"')",
                    "ERROR: learnpath_report_setting(): flagship must be a program name or a JSON "
                    "array of names, not [\"B\" (malformed JSON)");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', '[]')",
                    "ERROR: learnpath_report_setting(): flagship must name at least one program, "
                    "not []");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', '')",
                    "ERROR: learnpath_report_setting(): flagship must not be empty (NULL restores "
                    "the default)");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_label', x'41')",
                    "ERROR: learnpath_report_setting(): segment_label must be text, not a blob");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('min_base', 0)",
                    "ERROR: learnpath_report_setting(): min_base must be a whole number >= 1, "
                    "not 0");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('min_base', 'many')",
                    "ERROR: learnpath_report_setting(): min_base must be a whole number >= 1, "
                    "not 'many'");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', 'A' || char(0) || 'B')",
                    "ERROR: learnpath_report_setting(): flagship must not contain a NUL character");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('flagship', '[\"A\\u0000B\"]')",
                    "ERROR: learnpath_report_setting(): flagship must not contain a NUL character");
    lpt_assert_rows(db, "SELECT learnpath_report_setting('segment_col', 'x' || char(0) || 'y')",
                    "ERROR: learnpath_report_setting(): segment_col must not contain a NUL "
                    "character");
    /* nothing changed */
    lpt_assert_rows(db, "SELECT learnpath_is_flagship('A'), learnpath_report_setting('min_base')",
                    "1|30\n");
    sqlite3_close(db);
}
END_TEST

/* Setting is direct-only: a view or trigger stored in a database cannot. */
START_TEST(test_report_setting_direct_only) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE VIEW v AS SELECT learnpath_report_setting('flagship', 'X') AS x;");
    lpt_assert_rows(db, "SELECT * FROM v",
                    "ERROR: unsafe use of learnpath_report_setting()");
    lpt_assert_rows(db, "SELECT learnpath_is_flagship('X')", "NULL\n");
    sqlite3_close(db);
}
END_TEST

/* The settings as the saved reports use them: TVF arguments and filters,
** checked against plain SQL over the same rows (rules 6, 12, 16). */
START_TEST(test_report_settings_as_arguments) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE enrollments(user_id, program, enrolled_at, level, employer);"
             "INSERT INTO enrollments VALUES"
             " (1, 'X', '2021-01-01', 'school', 'Acme'), (1, 'Y', '2021-02-01', 'school', 'Acme'),"
             " (2, 'Y', '2021-01-05', 'college', ''), (3, 'X', '2021-01-07', 'school', 'Acme'),"
             " (4, 'Z', '2021-01-09', 'college', 'Bolt');"
             "SELECT learnpath_report_setting('segment_col', 'level');"
             "SELECT learnpath_report_setting('group_col', 'employer');"
             "SELECT learnpath_report_setting('flagship', 'X');");
    /* first programs per segment, flagship split, as sql/01 asks */
    lpt_assert_rows(db,
                    "SELECT segment, sum(users) FILTER (WHERE learnpath_is_flagship(program)), "
                    "sum(users) FILTER (WHERE NOT learnpath_is_flagship(program)) "
                    "FROM first_program_stats('enrollments', 'user_id', 'program', 'enrolled_at', "
                    "learnpath_report_setting('segment_col')) WHERE program IS NOT NULL "
                    "GROUP BY segment ORDER BY segment",
                    "college|NULL|2\nschool|2|NULL\n");
    /* the same from plain SQL: each user's first row */
    lpt_assert_rows(db,
                    "SELECT level, sum(program = 'X') , sum(program <> 'X') FROM enrollments e "
                    "WHERE enrolled_at = (SELECT min(enrolled_at) FROM enrollments f "
                    "WHERE f.user_id = e.user_id) GROUP BY level ORDER BY level",
                    "college|0|2\nschool|2|0\n");
    /* the largest group, as sql/05 picks it */
    lpt_assert_rows(db,
                    "SELECT group_value, users FROM group_stats('enrollments') "
                    "WHERE group_col = learnpath_report_setting('group_col') AND rank = 1",
                    "Acme|2\n");
    /* no group column: sql/05's filter gives no rows, not every user's */
    lpt_exec(db, "SELECT learnpath_report_setting('group_col', NULL);");
    lpt_assert_rows(db,
                    "WITH largest AS (SELECT group_value FROM group_stats('enrollments') "
                    "WHERE group_col = learnpath_report_setting('group_col') AND rank = 1) "
                    "SELECT count(*) FROM first_program('enrollments') "
                    "WHERE EXISTS (SELECT 1 FROM largest) "
                    "AND group_col = learnpath_report_setting('group_col') "
                    "AND group_value = (SELECT group_value FROM largest)",
                    "0\n");
    /* no segment column: one segment NULL for everyone */
    lpt_exec(db, "SELECT learnpath_report_setting('segment_col', '');");
    lpt_assert_rows(db,
                    "SELECT quote(segment), users FROM first_program_stats('enrollments', "
                    "'user_id', 'program', 'enrolled_at', learnpath_report_setting('segment_col')) "
                    "WHERE program IS NULL",
                    "NULL|4\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_report_suite(void) {
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("Settings");
    tcase_add_test(tc, test_report_defaults);
    tcase_add_test(tc, test_report_set_and_reset);
    tcase_add_test(tc, test_report_flagships);
    tcase_add_test(tc, test_report_flagship_names);
    tcase_add_test(tc, test_report_errors);
    tcase_add_test(tc, test_report_setting_direct_only);
    tcase_add_test(tc, test_report_settings_as_arguments);
    suite_add_tcase(s, tc);
    return s;
}
