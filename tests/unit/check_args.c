/*
** check_args.c - the "args" suite: argument checks of every function that
** reads a source (the frame's declared arguments, ext/lp_tvf.c; source
** reading, ext/lp_source.c; docs/functions.md and README.md "Errors").
**
** The functions are those of the registry (ext/learnpath.c) that read a
** source, so a function added there runs through every loop test here; a
** function without its expectations in aExpect fails the suite.
**
** Messages are compared verbatim. Each message starts with the name of the
** function that was called. An error never comes with rows: every row is
** built in xFilter before the first is returned, so a failing query yields
** its error on the first step (checked by stepping, since lpt_query drops
** the rows it had when an error comes).
*/
#include <string.h>

#include "lp_sql.h"
#include "lp_test.h"

/* The i-th function of the registry that reads a source. */
static const lp_tvf *ca_desc(int i) {
    for (int k = 0; k < learnpath_registry_ntvf; k++) {
        if ((learnpath_registry_tvf[k]->flags & LP_TVF_SOURCE) && i-- == 0) {
            return learnpath_registry_tvf[k];
        }
    }
    ck_abort_msg("no source function %d in the registry", i);
    return NULL;
}

/* How many functions of the registry read a source. */
static int ca_count(void) {
    int n = 0;
    for (int k = 0; k < learnpath_registry_ntvf; k++) {
        n += (learnpath_registry_tvf[k]->flags & LP_TVF_SOURCE) != 0;
    }
    return n;
}

/*
** What each function gives where the tests below depend on its rows. A
** function that reads a source must have its line here: one that does not
** fails ca_expect.
*/
typedef struct ca_expect {
    const char *zName;
    const char *zCountNoLimit;  /* count(*) over t with within_days NULL */
    const char *zCountWithin0;  /* count(*) over t with within_days = 0 */
    int nRowBig;                /* rows over 300 users of one step each (7 programs) */
    int failsOnBadTime;         /* rule 2; enrollment_profile counts them instead */
} ca_expect;

static const ca_expect aExpect[] = {
    {"first_program", "2\n", "2\n", 300, 1},
    {"program_journeys", "2\n", "2\n", 300, 1},
    {"program_steps", "3\n", "2\n", 300, 1},
    {"program_transitions", "3\n", "2\n", 7, 1},
    {"first_program_stats", "3\n", "3\n", 8, 1},
    /* a row per finding (README.md rule 14 added five) */
    {"enrollment_profile", "19\n", "19\n", 19, 0},
    /* A and B; over the 300 users, a row per program */
    {"program_popularity", "2\n", "2\n", 7, 1},
    /* 2020-01 by A and B; over the 300 users, 10 months (2020-01-02 to
    ** 2020-10-27) by 7 programs */
    {"first_program_monthly", "2\n", "2\n", 70, 1},
    /* no group_col: one row, the users without a group */
    {"group_stats", "1\n", "1\n", 1, 1},
    /* rule 17, E = 2020-01-05: user 1 continues after 4 days (A), user 2 is
    ** censored at 3 (B); within_days = 0 censors both at 0. The curve: a
    ** row per time of A, of B and of both; the stats: a row each. Over the
    ** 300 users, censored at 300 distinct times: 300 rows by program, 300
    ** over all; 7 + 1 strata */
    {"continuation_curve", "4\n", "3\n", 600, 1},
    {"continuation_stats", "3\n", "3\n", 8, 1},
    /* rule 20, at the 4 default days: A's destination and not yet, B's not
    ** yet, both's destination and not yet (within_days = 0: not yet, in
    ** each of the 3 strata); over the 300 users, no one continues: not yet
    ** in 7 + 1 strata */
    {"next_program_incidence", "20\n", "12\n", 32, 1},
    /* rule 21: one cohort (2020-01, no segment) at the 4 default windows;
    ** over the 300 users, 10 months of starts */
    {"continuation_cohorts", "4\n", "4\n", 40, 1},
    /* rule 23, no segment_col: one segment, so every test is a row with a
    ** note: first_program's two, next_program's two per first step (A, B),
    ** continued's log-rank and horizon over all and per first step; the
    ** cells: A and B as first steps, B as A's next (within_days = 0: none).
    ** Over the 300 users: next_program's two for each of 7 first steps, the
    ** continued rows of 1 + 7 strata; 7 cells of first steps */
    {"segment_compare", "12\n", "12\n", 32, 1},
    {"segment_cells", "3\n", "2\n", 7, 1},
};

static const ca_expect *ca_expect_for(const char *zName) {
    for (size_t k = 0; k < sizeof(aExpect) / sizeof(aExpect[0]); k++) {
        if (strcmp(aExpect[k].zName, zName) == 0) return &aExpect[k];
    }
    ck_abort_msg("%s reads a source but has no line in check_args.c's aExpect", zName);
    return NULL;
}

#define CA_N_FUNC ca_count()
#define CA_FUNC(i) (ca_desc(i)->zName)

/* Assert lpt_query(zSqlFmt % zFunc) == "ERROR: " + (zMsgFmt % zFunc). */
static void ca_assert_error(sqlite3 *db, const char *zFunc, const char *zSqlFmt,
                            const char *zMsgFmt) {
    char *zSql = sqlite3_mprintf(zSqlFmt, zFunc);
    char *zMsg = sqlite3_mprintf(zMsgFmt, zFunc);
    char *zWant = sqlite3_mprintf("ERROR: %s", zMsg);
    ck_assert_ptr_nonnull(zWant);
    lpt_assert_rows(db, zSql, zWant);
    sqlite3_free(zSql);
    sqlite3_free(zMsg);
    sqlite3_free(zWant);
}

/*
** Step zSql to the end; return the last rc, the number of rows seen before
** it and (when not NULL) the error message (sqlite3_mprintf; caller frees).
*/
static int ca_step_all(sqlite3 *db, const char *zSql, int *pnRow, char **pzErr) {
    sqlite3_stmt *pStmt = NULL;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    *pnRow = 0;
    if (pzErr) *pzErr = NULL;
    if (rc == SQLITE_OK) {
        while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) (*pnRow)++;
    }
    if (rc != SQLITE_DONE && pzErr) *pzErr = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    sqlite3_finalize(pStmt);
    return rc;
}

/* ------------------------------------------------------------ source */

/* Argument conventions: source is required; each function names itself. */
START_TEST(test_missing_source) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s",
                    "%s(): missing required argument 'source'");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s WHERE user_col = 'user_id'",
                    "%s(): missing required argument 'source'");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s WHERE source > 's'",
                    "%s(): missing required argument 'source'");
    sqlite3_close(db);
}
END_TEST

/* Argument conventions: a NULL or empty source is an error. */
START_TEST(test_source_null_or_empty) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s(NULL)",
                    "%s(): source must name a table or view, not NULL");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s WHERE source = NULL",
                    "%s(): source must name a table or view, not NULL");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s('')",
                    "%s(): source must name a table or view, not ''");
    sqlite3_close(db);
}
END_TEST

/* Argument conventions: an unknown table, plain or schema-qualified. */
START_TEST(test_unknown_table) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s('nope')",
                    "%s(): no such table or view 'nope'");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s('nosuch.t')",
                    "%s(): no such table or view 'nosuch.t'");
    ca_assert_error(db, CA_FUNC(_i), "SELECT * FROM %s('main.nope')",
                    "%s(): no such table or view 'main.nope'");
    sqlite3_close(db);
}
END_TEST

/* ----------------------------------------------------------- columns */

/* No numbered rule (argument conventions): an unknown column is named with the list. */
START_TEST(test_unknown_column) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'uid')",
                    "%s(): user_col: no column 'uid' in 't' (its columns: user_id, program, "
                    "enrolled_at, seg)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'prog')",
                    "%s(): program_col: no column 'prog' in 't' (its columns: user_id, program, "
                    "enrolled_at, seg)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'program', 'ts')",
                    "%s(): time_col: no column 'ts' in 't' (its columns: user_id, program, "
                    "enrolled_at, seg)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'program', 'enrolled_at', 'kind')",
                    "%s(): segment_col: no column 'kind' in 't' (its columns: user_id, program, "
                    "enrolled_at, seg)");
    /* the defaults are checked too */
    lpt_exec(db, "CREATE TABLE other(a, b)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('other')",
                    "%s(): user_col: no column 'user_id' in 'other' (its columns: a, b)");
    sqlite3_close(db);
}
END_TEST

/* No numbered rule (argument conventions): NULL or empty column names are errors. */
START_TEST(test_column_null_or_empty) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', NULL)",
                    "%s(): user_col must name a column, not NULL");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', '')",
                    "%s(): user_col must name a column, not ''");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', NULL)",
                    "%s(): program_col must name a column, not NULL");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', '')",
                    "%s(): program_col must name a column, not ''");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'program', NULL)",
                    "%s(): time_col must name a column, not NULL");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'program', '')",
                    "%s(): time_col must name a column, not ''");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'program', 'enrolled_at', '')",
                    "%s(): segment_col must name a column, not ''");
    sqlite3_close(db);
}
END_TEST

/*
** Argument conventions (README "Errors"): a source or column name with a
** NUL byte is refused, naming the argument; it used to be cut at the NUL
** and the table or column before it read silently.
*/
START_TEST(test_name_with_nul) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t' || char(0) || 'x')",
                    "%s(): source must name a table or view without a NUL byte, not 't' ||"
                    " char(0) || 'x'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' || char(0)",
                    "%s(): source must name a table or view without a NUL byte, not 't' ||"
                    " char(0)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id' || char(0) || 'x')",
                    "%s(): user_col must name a column without a NUL byte, not 'user_id' ||"
                    " char(0) || 'x'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s('t', 'user_id', 'program' || char(0))",
                    "%s(): program_col must name a column without a NUL byte, not 'program' ||"
                    " char(0)");
    ca_assert_error(db, zFunc,
                    "SELECT * FROM %s('t', 'user_id', 'program', 'enrolled_at' || char(0) || 'x')",
                    "%s(): time_col must name a column without a NUL byte, not 'enrolled_at' ||"
                    " char(0) || 'x'");
    ca_assert_error(db, zFunc,
                    "SELECT * FROM %s WHERE source = 't' AND segment_col = 'seg' || char(0)",
                    "%s(): segment_col must name a column without a NUL byte, not 'seg' ||"
                    " char(0)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s(char(0) || 't')",
                    "%s(): source must name a table or view without a NUL byte, not char(0) ||"
                    " 't'");
    /* a blob is no name, with or without a NUL (item 13e) */
    ca_assert_error(db, zFunc, "SELECT * FROM %s(CAST('t' || char(0) AS BLOB))",
                    "%s(): source must name a table or view, not a blob");
    sqlite3_close(db);
}
END_TEST

/*
** README "Errors": "argument must be what is accepted, not value" shows the
** value as given, for every kind of argument and type of value: a blob as
** "a blob" (it used to show as the text of its bytes, x'01' as an invisible
** ''), a text with a NUL byte or control characters whole, as SQL writes it
** ('a' || char(0) || 'b'), a long text cut at 80 bytes, infinities as Inf.
** (NaN cannot be passed: SQLite stores it as NULL, which means "absent".)
*/
START_TEST(test_value_shown_in_messages) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    static const struct {
        const char *zArg;   /* argument = value */
        const char *zMsg;   /* after "func(): " */
    } aCase[] = {
        {"user_col = x'01'", "user_col must name a column, not a blob"},
        {"segment_col = x''", "segment_col must name a column, not a blob"},
        {"ties = x'01'", "ties must be 'group' or 'name', not a blob"},
        {"ties = CAST('group' AS BLOB)", "ties must be 'group' or 'name', not a blob"},
        {"repeats = x'6b656570'", "repeats must be 'collapse', 'keep' or 'first_only', not a blob"},
        {"since = x'01'", "since must be a time, not a blob"},
        {"until = x'00'", "until must be a time, not a blob"},
        {"within_days = x'01'", "within_days must be a number of days >= 0, not a blob"},
        {"ties = 'group' || char(0)", "ties must be 'group' or 'name', not 'group' || char(0)"},
        {"bad_times = 'skip' || char(0) || 'x'",
         "bad_times must be 'error' or 'skip', not 'skip' || char(0) || 'x'"},
        {"since = 'soon' || char(10) || 'ish'",
         "since must be a time, not 'soon' || char(10) || 'ish'"},
        {"within_days = '5' || char(0)",
         "within_days must be a number of days >= 0, not '5' || char(0)"},
        {"ties = char(1)", "ties must be 'group' or 'name', not char(1)"},
        {"ties = char(9, 39, 127)",
         "ties must be 'group' or 'name', not char(9) || '''' || char(127)"},
        {"ties = replace(hex(zeroblob(50)), '0', 'x')",
         "ties must be 'group' or 'name', not 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"},
        {"within_days = 1e999", "within_days must be a number of days >= 0, not Inf"},
        {"within_days = -1e999", "within_days must be a number of days >= 0, not -Inf"},
        {"since = -1e999", "since must be a time, not -Inf"},
        {"until = 2.5e300", "until must be a time, not 2.5e+300"},
    };
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        char *zSql = sqlite3_mprintf("SELECT * FROM %%s WHERE source = 't' AND %s", aCase[k].zArg);
        char *zMsg = sqlite3_mprintf("%%s(): %s", aCase[k].zMsg);
        ca_assert_error(db, zFunc, zSql, zMsg);
        sqlite3_free(zSql);
        sqlite3_free(zMsg);
    }
    /* NaN is NULL in SQLite: within_days = 0.0/0 is no limit */
    char *zSql = sqlite3_mprintf("SELECT count(*) FROM %s WHERE source = 't' AND within_days ="
                                 " 0.0 / 0", zFunc);
    lpt_assert_rows(db, zSql, ca_expect_for(zFunc)->zCountNoLimit);
    sqlite3_free(zSql);
    sqlite3_close(db);
}
END_TEST

/* rule 6: segment_col NULL is the same as no segment column. */
START_TEST(test_segment_col_null) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    lpt_assert_rows(db,
        "SELECT user_id, segment, segment_col FROM first_program('t', 'user_id', 'program',"
        " 'enrolled_at', NULL)",
        "1|NULL|NULL\n2|NULL|NULL\n");
    lpt_assert_rows(db,
        "SELECT user_id, segment, segment_col FROM first_program('t', 'user_id', 'program',"
        " 'enrolled_at', 'seg')",
        "1|s|seg\n2|NULL|seg\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------- named arguments */

/* rules 2, 7: since/until must be readable times. */
START_TEST(test_since_until_unreadable) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND since = 'garbage'",
                    "%s(): since must be a time, not 'garbage'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND until = 'soon'",
                    "%s(): until must be a time, not 'soon'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND since = 'now'",
                    "%s(): since must be a time, not 'now'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND until = 253402300800",
                    "%s(): until must be a time, not 253402300800");
    sqlite3_close(db);
}
END_TEST

/* rule 8: within_days must be a number >= 0; NULL is no limit. */
START_TEST(test_within_days_values) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    char *zSql;
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND within_days = -1",
                    "%s(): within_days must be a number of days >= 0, not -1");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND within_days = -0.5",
                    "%s(): within_days must be a number of days >= 0, not -0.5");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND within_days = 'abc'",
                    "%s(): within_days must be a number of days >= 0, not 'abc'");
    /* NULL (positional argument 8) is no limit: user 1 keeps its 4-day gap */
    zSql = sqlite3_mprintf(
        "SELECT count(*) FROM %s('t', 'user_id', 'program', 'enrolled_at', NULL, NULL, NULL,"
        " NULL)", zFunc);
    lpt_assert_rows(db, zSql, ca_expect_for(zFunc)->zCountNoLimit);
    sqlite3_free(zSql);
    /* 0 is a limit: user 1 is cut after A */
    zSql = sqlite3_mprintf("SELECT count(*) FROM %s WHERE source = 't' AND within_days = 0",
                           zFunc);
    lpt_assert_rows(db, zSql, ca_expect_for(zFunc)->zCountWithin0);
    sqlite3_free(zSql);
    sqlite3_close(db);
}
END_TEST

/* rules 4, 5: ties and repeats take known values only. */
START_TEST(test_ties_repeats_values) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND ties = 'bogus'",
                    "%s(): ties must be 'group' or 'name', not 'bogus'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND ties = NULL",
                    "%s(): ties must be 'group' or 'name', not NULL");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND repeats = 'bogus'",
                    "%s(): repeats must be 'collapse', 'keep' or 'first_only', not 'bogus'");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND repeats = NULL",
                    "%s(): repeats must be 'collapse', 'keep' or 'first_only', not NULL");
    sqlite3_close(db);
}
END_TEST

/*
** rule 2 and learnpath_source_args (lp_tvf.c): bad_times is 'error' (the
** default) or 'skip', which leaves rows with unreadable times out.
*/
START_TEST(test_bad_times_values) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    const char *zFunc = CA_FUNC(_i);
    lpt_exec(db, "INSERT INTO t VALUES (1, 'C', 'garbage', 's'), (3, 'D', 'soon', NULL)");
    ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND bad_times = 'bogus'",
                    "%s(): bad_times must be 'error' or 'skip', not 'bogus'");
    if (ca_expect_for(zFunc)->failsOnBadTime) {
        ca_assert_error(db, zFunc, "SELECT * FROM %s WHERE source = 't' AND bad_times = 'error'",
                        "%s(): unreadable time 'garbage' in column 'enrolled_at' of 't'");
    } else {
        lpt_assert_rows(db, "SELECT value FROM enrollment_profile('t') WHERE finding = 'unreadable_times'",
                        "2\n");
    }
    sqlite3_close(db);
}
END_TEST

/* rule 2: with bad_times = 'skip' the unreadable rows are left out. */
START_TEST(test_bad_times_skip) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    lpt_exec(db, "INSERT INTO t VALUES (1, 'C', 'garbage', 's'), (3, 'D', 'soon', NULL)");
    lpt_assert_rows(db,
        "SELECT user_id, path, bad_times FROM program_journeys WHERE source = 't'"
        " AND bad_times = 'skip'",
        "1|A > B|skip\n2|B|skip\n");
    sqlite3_close(db);
}
END_TEST

/* rule 4: 'GROUP' and 'group' are the same policy. */
START_TEST(test_ties_case_insensitive) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    lpt_exec(db, "INSERT INTO t VALUES (3, 'Y', '2020-01-01', NULL), (3, 'X', '2020-01-01', NULL)");
    lpt_assert_rows(db,
        "SELECT user_id, program, tied FROM first_program WHERE source = 't' AND ties = 'GROUP'",
        "1|A|0\n2|B|0\n3|X + Y|1\n");
    lpt_assert_rows(db,
        "SELECT user_id, program, tied FROM first_program WHERE source = 't' AND ties = 'Group'",
        "1|A|0\n2|B|0\n3|X + Y|1\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------ more argument errors */

/* Source names: a missing table in a named schema, and a view in an
** attached database that cannot be read, each say so. */
START_TEST(test_source_errors) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_exec(db, "ATTACH ':memory:' AS aux;"
                 "CREATE TABLE aux.x(user_id, program, enrolled_at);"
                 "CREATE VIEW aux.bv AS SELECT * FROM x;"
                 "DROP TABLE aux.x;");
    lpt_assert_rows(db, "SELECT * FROM first_program('main.nosuch')",
                    "ERROR: first_program(): no such table or view 'main.nosuch'");
    lpt_assert_rows(db, "SELECT * FROM program_steps('aux.bv')",
                    "ERROR: program_steps(): cannot read 'aux.bv': no such table: aux.x");
    sqlite3_close(db);
}
END_TEST

/* bad_times = NULL is refused like any other value but 'error' or 'skip'. */
START_TEST(test_bad_times_null) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_assert_rows(db, "SELECT * FROM first_program('e') WHERE bad_times = NULL",
                    "ERROR: first_program(): bad_times must be 'error' or 'skip', not NULL");
    sqlite3_close(db);
}
END_TEST

/* The first '=' on an argument is the argument; SQLite checks any other
** against the value read back. */
START_TEST(test_argument_given_twice) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program WHERE source = 'e' AND source = 'e'",
                    "4\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program WHERE source = 'e' AND source = 'x'",
                    "0\n");
    sqlite3_close(db);
}
END_TEST

/* A quoted value is cut at 80 bytes, never inside a character: a text of
** continuation bytes only is cut to nothing. */
START_TEST(test_quote_cut_at_character) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    lpt_assert_rows(db,
                    "SELECT * FROM first_program('e')"
                    " WHERE ties = CAST(replace(hex(zeroblob(100)), '00', x'80') AS TEXT)",
                    "ERROR: first_program(): ties must be 'group' or 'name', not '...'");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------------------- identifiers */

/* No numbered rule (security note of lp_tvf.c): names are quoted identifiers. */
START_TEST(test_hostile_table_name) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    lpt_exec(db, "CREATE TABLE \"x\"\"; DROP TABLE t; --\"(user_id, program, enrolled_at);"
                 "INSERT INTO \"x\"\"; DROP TABLE t; --\" VALUES (5, 'P', '2020-01-01');");
    lpt_assert_rows(db,
        "SELECT user_id, program, source FROM first_program('x\"; DROP TABLE t; --')",
        "5|P|x\"; DROP TABLE t; --\n");
    lpt_assert_rows(db, "SELECT * FROM first_program('nope\"; DROP TABLE t; --')",
                    "ERROR: first_program(): no such table or view 'nope\"; DROP TABLE t; --'");
    lpt_assert_rows(db, "SELECT * FROM first_program('t', 'x\"; DROP TABLE t; --')",
                    "ERROR: first_program(): user_col: no column 'x\"; DROP TABLE t; --' in 't'"
                    " (its columns: user_id, program, enrolled_at, seg)");
    /* t is still there, rows and all */
    lpt_assert_rows(db, "SELECT count(*) FROM t", "3\n");
    lpt_assert_rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name",
                    "t\nx\"; DROP TABLE t; --\n");
    sqlite3_close(db);
}
END_TEST

/* No numbered rule (README 'Your own column names'): quotes, ';', spaces, UTF-8. */
START_TEST(test_odd_identifiers) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE \"it's; \xe8\xa1\xa8\"(\"us\"\"er\", \"pro'g\", \"ti;me --\","
        " \"s\xc3\xa9g ment\");"
        "INSERT INTO \"it's; \xe8\xa1\xa8\" VALUES ('u1', 'A', '2020-01-01', '\xc3\xa9t\xc3\xa9'),"
        " ('u1', 'B', '2020-01-02', NULL);");
    lpt_assert_rows(db,
        "SELECT user_id, segment, program, next_program FROM first_program('it''s; \xe8\xa1\xa8',"
        " 'us\"er', 'pro''g', 'ti;me --', 's\xc3\xa9g ment')",
        "u1|\xc3\xa9t\xc3\xa9|A|B\n");
    lpt_assert_rows(db,
        "SELECT * FROM first_program('it''s; \xe8\xa1\xa8', 'us\"er', 'pro''g', 'time')",
        "ERROR: first_program(): time_col: no column 'time' in 'it's; \xe8\xa1\xa8'"
        " (its columns: us\"er, pro'g, ti;me --, s\xc3\xa9g ment)");
    sqlite3_close(db);
}
END_TEST

/* No numbered rule (argument length cap of lp_source.c): 2000 bytes at most. */
START_TEST(test_name_length_limit) {
    sqlite3 *db = lpt_open();
    char *zSql;
    zSql = sqlite3_mprintf(
        "CREATE TABLE \"%.2000c\"(user_id, program, enrolled_at);"
        "INSERT INTO \"%.2000c\" VALUES (1, 'Long', '2020-01-01');"
        "CREATE TABLE \"%.2001c\"(user_id, program, enrolled_at);"
        "INSERT INTO \"%.2001c\" VALUES (1, 'Longer', '2020-01-01');",
        'n', 'n', 'n', 'n');
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT user_id, program FROM first_program('%.2000c')", 'n');
    lpt_assert_rows(db, zSql, "1|Long\n");
    sqlite3_free(zSql);
    /* 2001 bytes: refused although the table exists */
    zSql = sqlite3_mprintf("SELECT * FROM first_program('%.2001c')", 'n');
    lpt_assert_rows(db, zSql,
                    "ERROR: first_program(): source name is too long (2000 bytes at most)");
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT * FROM program_steps('%.5000c')", 'q');
    lpt_assert_rows(db, zSql,
                    "ERROR: program_steps(): source name is too long (2000 bytes at most)");
    sqlite3_free(zSql);
    zSql = sqlite3_mprintf("SELECT * FROM first_program('%.2000c', '%.2001c')", 'n', 'u');
    lpt_assert_rows(db, zSql,
                    "ERROR: first_program(): user_col is too long (2000 bytes at most)");
    sqlite3_free(zSql);
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------- recursion */

/* No numbered rule (depth guard of lp_tvf.c): a self-reading view errs.
** (Saved views call learnpath's functions after learnpath_allow_views(1):
** README.md, "Trust model".) */
START_TEST(test_view_reads_itself) {
    sqlite3 *db = lpt_open_fixture("t_two_users");
    char *zGot;
    lpt_exec(db, "SELECT learnpath_allow_views(1)");
    static const char zNested[] =
        "source 'v2' reads itself: 'v2' > 'v2' (a view may not feed itself to a learnpath "
        "function)";
    /* as written: the view has no enrolled_at column */
    lpt_exec(db, "CREATE VIEW v AS SELECT * FROM program_steps('v')");
    lpt_assert_rows(db, "SELECT * FROM v",
                    "ERROR: program_steps(): time_col: no column 'enrolled_at' in 'v' (its "
                    "columns: user_id, segment, step, program, started_at, days_since_prev)");
    /* with the columns it needs it would read itself for ever */
    lpt_exec(db, "CREATE VIEW v2 AS SELECT user_id, program, started_at AS enrolled_at"
                 " FROM program_steps('v2')");
    for (int k = 0; k < 3; k++) {
        zGot = lpt_query(db, "SELECT * FROM v2");
        ck_assert_ptr_nonnull(zGot);
        ck_assert_msg(strncmp(zGot, "ERROR: program_steps(): ", 24) == 0, "got: %s", zGot);
        ck_assert_msg(strstr(zGot, zNested) != NULL, "got: %s", zGot);
        ck_assert_msg(strchr(zGot, '\n') == NULL, "rows with the error: %s", zGot);
        sqlite3_free(zGot);
    }
    /* the connection is not left nested: ordinary calls still work */
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('t')", "1|A\n2|B\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------ no partial rows */

/*
** rules 1, 2 and the argument conventions: a failing query returns no row
** before its error, even when the bad value is the last of many rows.
*/
START_TEST(test_errors_give_no_rows) {
    sqlite3 *db = lpt_open();
    const char *zFunc = CA_FUNC(_i);
    static const struct {
        const char *zArgs;
        const char *zMsg;
    } aCase[] = {
        {"('big')", "%s(): unreadable time 'garbage' in column 'enrolled_at' of 'big'"},
        {"('big', 'uid')", "%s(): user_col: no column 'uid' in 'big' (its columns: user_id, "
                           "program, enrolled_at)"},
        {"('nope')", "%s(): no such table or view 'nope'"},
        {" WHERE source = 'big' AND ties = 'x'", "%s(): ties must be 'group' or 'name', not 'x'"},
    };
    lpt_exec(db,
        "CREATE TABLE big(user_id, program, enrolled_at);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
        " INSERT INTO big SELECT i, 'P' || (i % 7), date('2020-01-01', '+' || i || ' days')"
        " FROM n;"
        "INSERT INTO big VALUES (301, 'P1', 'garbage');");
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        int nRow = -1;
        if (k == 0 && !ca_expect_for(zFunc)->failsOnBadTime) continue; /* counted, not an error */
        char *zErr = NULL;
        char *zSql = sqlite3_mprintf("SELECT * FROM %s%s", zFunc, aCase[k].zArgs);
        char *zWant = sqlite3_mprintf(aCase[k].zMsg, zFunc);
        int rc = ca_step_all(db, zSql, &nRow, &zErr);
        ck_assert_msg(rc != SQLITE_DONE && rc != SQLITE_ROW, "%s: no error", zSql);
        ck_assert_msg(nRow == 0, "%s: %d rows before the error", zSql, nRow);
        ck_assert_msg(zErr && strcmp(zErr, zWant) == 0, "%s: error '%s', want '%s'", zSql,
                      zErr ? zErr : "(none)", zWant);
        sqlite3_free(zErr);
        sqlite3_free(zWant);
        sqlite3_free(zSql);
    }
    /* the same data without the bad row gives all 300 users */
    lpt_exec(db, "DELETE FROM big WHERE user_id = 301");
    {
        int nRow = -1;
        char *zSql = sqlite3_mprintf("SELECT * FROM %s('big')", zFunc);
        int rc = ca_step_all(db, zSql, &nRow, NULL);
        ck_assert_int_eq(rc, SQLITE_DONE);
        /* 300 users with one step each; transitions: one row per program P0-P6 */
        ck_assert_int_eq(nRow, ca_expect_for(zFunc)->nRowBig);
        sqlite3_free(zSql);
    }
    sqlite3_close(db);
}
END_TEST

Suite *make_args_suite(void) {
    Suite *s = suite_create("args");
    TCase *tc = tcase_create("Errors");
    tcase_add_loop_test(tc, test_missing_source, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_source_null_or_empty, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_unknown_table, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_unknown_column, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_column_null_or_empty, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_name_with_nul, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_value_shown_in_messages, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_since_until_unreadable, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_within_days_values, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_ties_repeats_values, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_bad_times_values, 0, CA_N_FUNC);
    tcase_add_loop_test(tc, test_errors_give_no_rows, 0, CA_N_FUNC);
    tcase_add_test(tc, test_source_errors);
    tcase_add_test(tc, test_bad_times_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("Accepted");
    tcase_add_test(tc, test_segment_col_null);
    tcase_add_test(tc, test_bad_times_skip);
    tcase_add_test(tc, test_ties_case_insensitive);
    tcase_add_test(tc, test_argument_given_twice);
    suite_add_tcase(s, tc);

    tc = tcase_create("Limits");
    tcase_add_test(tc, test_hostile_table_name);
    tcase_add_test(tc, test_odd_identifiers);
    tcase_add_test(tc, test_name_length_limit);
    tcase_add_test(tc, test_view_reads_itself);
    tcase_add_test(tc, test_quote_cut_at_character);
    suite_add_tcase(s, tc);
    return s;
}
