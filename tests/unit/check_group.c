/*
** check_group.c - the "group" suite: group_col, group_value and group_stats
** (rule 12 of README.md; docs/functions.md defines the columns).
**
** A user's group is computed here by SQL alone (the first non-empty
** group_col value in the order time, program, group over the rows rule 1
** keeps), and so is every column of group_stats that SQL states simply
** (users, enrollments, shares, ranks); the first step and the next step
** come from first_program, whose own tests check them, grouped here by the
** SQL group. group_value must give exactly what the same function gives
** over a view of the group's users. Both hold with one thread and two
** (rule 11), in memory and streamed under learnpath_memory_budget.
*/
#include <string.h>

#include "lp_base.h"
#include "lp_test.h"

/*
** Table e: sample data (integer ids) whose account is moved around so that
** users have several accounts (the first counts), NULL and empty ones,
** and rows rule 1 leaves out; table et: the same with text ids and
** integer group values (acct_no); table en: a group column all NULL/empty;
** table es: e with users that have no segment.
*/
static sqlite3 *cg_open(void) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE e AS SELECT user_id, program, enrolled_at, user_type AS seg, account"
             "  FROM sample_enrollments(1500, 11);"
             /* a later row in another account: the first account stays the user's */
             "INSERT INTO e SELECT user_id, 'Program B', datetime(enrolled_at, '+400 days'), seg,"
             "  'Corp 999' FROM e WHERE user_id % 7 = 0 AND account IS NOT NULL;"
             /* an account only on a later row: the user's group */
             "INSERT INTO e SELECT user_id, 'Program C', datetime(enrolled_at, '+30 days'), seg,"
             "  'Late ' || (user_id % 3) FROM e WHERE user_id % 11 = 0 AND account IS NULL;"
             /* the same instant, two accounts: program name first, then the account */
             "INSERT INTO e SELECT user_id, 'AAA', enrolled_at, seg, 'Zed'"
             "  FROM e WHERE user_id % 13 = 0 AND account IS NOT NULL AND program <> 'AAA';"
             "UPDATE e SET account = '' WHERE user_id % 17 = 0;"
             /* rows rule 1 leaves out still carry an account: not counted */
             "INSERT INTO e VALUES (5, NULL, '2020-01-01', 'student', 'Ghost'),"
             "  (6, 'Flagship', '', 'student', 'Ghost'), (NULL, 'Flagship', '2020-01-01', 's', 'Ghost');"
             "CREATE TABLE et AS SELECT 'u' || user_id AS user_id, program, enrolled_at, seg,"
             "  CASE WHEN account LIKE 'Corp %' THEN CAST(substr(account, 6) AS INTEGER)"
             "       ELSE account END AS acct_no FROM e;"
             "CREATE TABLE en AS SELECT user_id, program, enrolled_at, seg,"
             "  CASE WHEN user_id % 2 THEN NULL ELSE '' END AS account FROM e;"
             /* every fifth user without a segment (NULL or empty: rule 6), spread among the rest */
             "CREATE TABLE es AS SELECT user_id, program, enrolled_at,"
             "  CASE WHEN user_id % 5 = 0 THEN (CASE WHEN user_id % 10 = 0 THEN NULL ELSE '' END)"
             "       ELSE seg END AS seg, account FROM e;");
    return db;
}

/*
** Temp table ug(u, g, s, n) of zTable's users by SQL: the group g (as
** text, NULL for none), the segment s (rule 6) and the rows rule 1 keeps.
*/
static void cg_reference(sqlite3 *db, const char *zTable, const char *zGroupCol) {
    char *zSql = sqlite3_mprintf(
        "DROP TABLE IF EXISTS temp.v; DROP TABLE IF EXISTS temp.ug;"
        "CREATE TEMP TABLE v AS SELECT user_id AS u, program AS p, julianday(enrolled_at) AS t,"
        "  CAST(nullif(%s, '') AS TEXT) AS g, nullif(seg, '') AS s FROM %s"
        "  WHERE coalesce(user_id, '') <> '' AND coalesce(program, '') <> ''"
        "    AND coalesce(enrolled_at, '') <> '';"
        "CREATE INDEX temp.v_u ON v(u, t);"
        "CREATE TEMP TABLE ug AS SELECT u,"
        "  (SELECT g FROM v AS w WHERE w.u = x.u AND w.g IS NOT NULL ORDER BY t, p, g LIMIT 1) AS g,"
        "  (SELECT s FROM v AS w WHERE w.u = x.u AND w.s IS NOT NULL ORDER BY t, p, s LIMIT 1) AS s,"
        "  count(*) AS n FROM v AS x GROUP BY u;",
        zGroupCol, zTable);
    ck_assert_ptr_nonnull(zSql);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
}

/* group_stats' rows by SQL (after cg_reference), with or without segments. */
static char *cg_expected(sqlite3 *db, const char *zTable, int withSeg) {
    const char *zS = withSeg ? "ug.s" : "NULL";
    char *zSql = sqlite3_mprintf(
        "WITH fp AS (SELECT user_id AS u, program, tied, next_program, days_to_next"
        "   FROM first_program('%s')),"
        " j AS (SELECT %s AS s, ug.g, ug.n, fp.* FROM ug JOIN fp ON fp.u = ug.u),"
        " agg AS (SELECT s, g, count(*) AS users, sum(n) AS enr, sum(next_program IS NOT NULL) AS cont,"
        "   avg(days_to_next) AS avgd FROM j GROUP BY s, g),"
        " seg AS (SELECT s, sum(users) AS su FROM agg GROUP BY s),"
        " tops AS (SELECT s, g, program, tied, count(*) AS c, row_number() OVER"
        "   (PARTITION BY s, g ORDER BY count(*) DESC, program) AS r FROM j GROUP BY s, g, program, tied)"
        " SELECT agg.s, agg.g, users, enr, printf('%%.9f', 1.0 * users / su),"
        "   CASE WHEN agg.g IS NOT NULL THEN row_number() OVER"
        "     (PARTITION BY agg.s ORDER BY agg.g IS NULL, users DESC, agg.g) END,"
        "   tops.program, tops.tied, tops.c, printf('%%.9f', 1.0 * tops.c / users), cont,"
        "   printf('%%.9f', 1.0 * cont / users), printf('%%.6f', avgd)"
        " FROM agg JOIN seg ON seg.s IS agg.s JOIN tops ON tops.s IS agg.s AND tops.g IS agg.g"
        "   AND tops.r = 1"
        " ORDER BY agg.s IS NOT NULL, agg.s, agg.g IS NULL, users DESC, agg.g",
        zTable, zS);
    ck_assert_ptr_nonnull(zSql);
    char *zGot = lpt_query(db, zSql);
    sqlite3_free(zSql);
    return zGot;
}

/* group_stats' rows as learnpath gives them, printed as cg_expected prints them. */
static char *cg_got(sqlite3 *db, const char *zTable, const char *zGroupCol, int withSeg) {
    char *zSql = sqlite3_mprintf(
        "SELECT segment, group_value, users, enrollments, printf('%%.9f', share_of_users), rank,"
        "  top_first_program, top_first_tied, top_first_users, printf('%%.9f', top_first_share),"
        "  continued, printf('%%.9f', continue_rate), printf('%%.6f', avg_days_to_next)"
        " FROM group_stats('%s', 'user_id', 'program', 'enrolled_at', %s) WHERE group_col = '%s'",
        zTable, withSeg ? "'seg'" : "NULL", zGroupCol);
    ck_assert_ptr_nonnull(zSql);
    char *zGot = lpt_query(db, zSql);
    sqlite3_free(zSql);
    return zGot;
}

static void cg_assert_same(const char *zWhat, const char *zGot, const char *zWant) {
    ck_assert_ptr_nonnull(zGot);
    ck_assert_ptr_nonnull(zWant);
    ck_assert_msg(strncmp(zWant, "ERROR", 5) != 0, "%s: reference: %s", zWhat, zWant);
    ck_assert_msg(strcmp(zGot, zWant) == 0, "%s\ngot:\n%.3000s\nwant:\n%.3000s", zWhat, zGot, zWant);
}

/* The settings every test runs under: threads 1 and 2, in memory and streamed. */
static const char *const azSetting[] = {
    "SELECT learnpath_threads(1), learnpath_memory_budget(0), learnpath_cache_clear()",
    "SELECT learnpath_threads(2), learnpath_memory_budget(0), learnpath_cache_clear()",
    "SELECT learnpath_threads(1), learnpath_memory_budget(1), learnpath_cache_clear()",
    "SELECT learnpath_threads(2), learnpath_memory_budget(1), learnpath_cache_clear()",
};
#define CG_N_SETTING 4

/* Rule 12: every column of group_stats against SQL, text and integer ids,
** text and integer groups, with and without segments, and with users
** without a segment (rule 6: their rows come first, with their own shares). */
START_TEST(test_group_stats_columns) {
    static const struct {
        const char *zTable, *zCol;
    } aCase[] = {{"e", "account"}, {"et", "acct_no"}, {"es", "account"}};
    sqlite3 *db = cg_open();
    lpt_exec(db, azSetting[_i]);
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        lpt_exec(db, "SELECT learnpath_memory_budget(0)");
        cg_reference(db, aCase[k].zTable, aCase[k].zCol);
        for (int withSeg = 0; withSeg < 2; withSeg++) {
            char *zWant, *zGot;
            lpt_exec(db, "SELECT learnpath_memory_budget(0)");
            zWant = cg_expected(db, aCase[k].zTable, withSeg);
            /* many groups, the no-group rows, integer groups as text */
            ck_assert_msg(zWant && strlen(zWant) > 2000 && strstr(zWant, "|NULL|"), "%.300s", zWant);
            lpt_exec(db, azSetting[_i]);
            zGot = cg_got(db, aCase[k].zTable, aCase[k].zCol, withSeg);
            cg_assert_same(aCase[k].zTable, zGot, zWant);
            sqlite3_free(zGot);
            sqlite3_free(zWant);
        }
    }
    sqlite3_close(db);
}
END_TEST

/* Rule 12: a group column all NULL or empty, or none, is no group column. */
START_TEST(test_group_stats_no_groups) {
    sqlite3 *db = cg_open();
    lpt_exec(db, azSetting[_i]);
    char *zAll = lpt_query(db, "SELECT count(*), sum(users), sum(rank IS NULL), sum(group_value IS NULL)"
                               " FROM group_stats('en') WHERE group_col = 'account'");
    char *zNone = lpt_query(db, "SELECT count(*), sum(users), sum(rank IS NULL), sum(group_value IS NULL)"
                                " FROM group_stats('en')");
    char *zUsers = lpt_query(db, "SELECT 1, count(*), 1, 1 FROM first_program('en')");
    cg_assert_same("all NULL or empty", zAll, zUsers);
    cg_assert_same("no group_col", zNone, zUsers);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('en') WHERE group_col = 'account'"
                        " AND group_value = ''", "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM program_transitions('e') WHERE group_value = 'Zed'", "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e') WHERE group_col = 'account'"
                        " AND group_value = 'Ghost'", "0\n");
    sqlite3_free(zAll);
    sqlite3_free(zNone);
    sqlite3_free(zUsers);
    sqlite3_close(db);
}
END_TEST

/* The functions group_value filters, and what to print of each. */
static const char *const azFilterFunc[] = {
    "first_program", "program_journeys", "program_steps", "program_transitions",
    "first_program_stats", "program_popularity",
};

/* Rule 12: group_value gives what the function gives over a view of the
** group's users (their groups found by SQL), for several groups. */
START_TEST(test_group_value_filter) {
    static const struct {
        const char *zTable, *zCol;
    } aCase[] = {{"e", "account"}, {"et", "acct_no"}};
    sqlite3 *db = cg_open();
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        lpt_exec(db, "SELECT learnpath_memory_budget(0)");
        cg_reference(db, aCase[k].zTable, aCase[k].zCol);
        /* the largest group, one that only later rows name, a tie's, an integer's */
        char *zGroups = lpt_query(db, "SELECT group_concat(g, char(1)) FROM (SELECT g FROM ug"
                                      " WHERE g IS NOT NULL GROUP BY g"
                                      " ORDER BY count(*) DESC, g LIMIT 2)");
        ck_assert_ptr_nonnull(zGroups);
        char *zList = sqlite3_mprintf("%.*s\001Late 1\001Zed\00142", (int)strcspn(zGroups, "\n"), zGroups);
        for (char *z = zList; z && *z;) {
            size_t n = strcspn(z, "\001");
            char *zVal = sqlite3_mprintf("%.*s", (int)n, z);
            char *zView = sqlite3_mprintf(
                "DROP VIEW IF EXISTS temp.vg; CREATE TEMP VIEW vg AS SELECT * FROM %s"
                " WHERE user_id IN (SELECT u FROM ug WHERE g = '%q')",
                aCase[k].zTable, zVal);
            lpt_exec(db, zView);
            for (size_t f = 0; f < sizeof(azFilterFunc) / sizeof(azFilterFunc[0]); f++) {
                char *zWantSql = sqlite3_mprintf(
                    "SELECT * FROM %s('vg', 'user_id', 'program', 'enrolled_at', 'seg')", azFilterFunc[f]);
                lpt_exec(db, azSetting[0]);
                char *zWant = lpt_query(db, zWantSql);
                for (int s = 0; s < CG_N_SETTING; s++) {
                    char *zSql = sqlite3_mprintf(
                        "SELECT * FROM %s('%s', 'user_id', 'program', 'enrolled_at', 'seg')"
                        " WHERE group_col = '%s' AND group_value = %s'%q'",
                        azFilterFunc[f], aCase[k].zTable, aCase[k].zCol,
                        "", zVal);
                    lpt_exec(db, azSetting[s]);
                    char *zGot = lpt_query(db, zSql);
                    cg_assert_same(zSql, zGot, zWant);
                    sqlite3_free(zGot);
                    sqlite3_free(zSql);
                }
                sqlite3_free(zWant);
                sqlite3_free(zWantSql);
            }
            sqlite3_free(zView);
            sqlite3_free(zVal);
            z += n;
            if (*z) z++;
        }
        sqlite3_free(zList);
        sqlite3_free(zGroups);
    }
    sqlite3_close(db);
}
END_TEST

/*
** Rule 12 in the aggregates' pass (lp_agg.c, trnNextUser: in memory the
** users of other groups are passed at once): a group whose one user is the
** first in user_id order, one whose one user is the last, one of users in
** between, and a value no user has, each against the function over a view
** of its users, in memory and streamed, with and without segments.
*/
START_TEST(test_group_value_ends) {
    static const char *const azVal[] = {"A", "B", "C", "Z"};
    static const char *const azFunc[] = {"first_program_stats", "program_transitions"};
    sqlite3 *db = cg_open();
    lpt_exec(db, "CREATE TABLE ge(user_id, program, enrolled_at, seg, account);"
                 "INSERT INTO ge VALUES (1, 'P', '2020-01-01', 's', 'A'), (1, 'Q', '2020-02-01', 's', NULL),"
                 " (2, 'P', '2020-01-03', 't', 'C'), (2, 'R', '2020-01-09', 't', 'C'),"
                 " (3, 'Q', '2020-01-04', 's', 'D'), (4, 'Q', '2020-01-05', 't', 'C'),"
                 " (4, 'P', '2020-03-05', 't', NULL), (5, 'R', '2020-01-06', 's', 'B'),"
                 " (5, 'P', '2020-01-06', 's', 'B'), (5, 'Q', '2020-04-06', 's', NULL)");
    for (int v = 0; v < 4; v++) {
        char *zView = sqlite3_mprintf("DROP VIEW IF EXISTS temp.vge; CREATE TEMP VIEW vge AS SELECT * FROM ge"
                                      " WHERE user_id IN (SELECT user_id FROM ge WHERE account = '%s')",
                                      azVal[v]);
        lpt_exec(db, zView);
        for (int f = 0; f < 2; f++) {
            for (int seg = 0; seg < 2; seg++) {
                const char *zSeg = seg ? "'seg'" : "NULL";
                char *zWantSql = sqlite3_mprintf("SELECT * FROM %s('vge', 'user_id', 'program', 'enrolled_at', %s)",
                                                 azFunc[f], zSeg);
                char *zSql = sqlite3_mprintf("SELECT * FROM %s('ge', 'user_id', 'program', 'enrolled_at', %s)"
                                             " WHERE group_col = 'account' AND group_value = '%s'",
                                             azFunc[f], zSeg, azVal[v]);
                lpt_exec(db, azSetting[0]);
                char *zWant = lpt_query(db, zWantSql);
                ck_assert_msg(v == 3 ? strcmp(zWant, "") == 0 : strlen(zWant) > 5, "%s: %s", zWantSql, zWant);
                for (int s = 0; s < CG_N_SETTING; s++) {
                    lpt_exec(db, azSetting[s]);
                    char *zGot = lpt_query(db, zSql);
                    cg_assert_same(zSql, zGot, zWant);
                    sqlite3_free(zGot);
                }
                sqlite3_free(zWant);
                sqlite3_free(zWantSql);
                sqlite3_free(zSql);
            }
        }
        sqlite3_free(zView);
    }
    sqlite3_close(db);
}
END_TEST

/* Rule 12: a number as group_value is its text; user_id = x and COUNT(*)
** with group_value; since/until with it. */
START_TEST(test_group_value_shapes) {
    sqlite3 *db = cg_open();
    cg_reference(db, "et", "acct_no");
    lpt_assert_rows(db,
                    "SELECT (SELECT count(*) FROM first_program('et') WHERE group_col = 'acct_no'"
                    "  AND group_value = 42) = (SELECT count(*) FROM ug WHERE g = '42')",
                    "1\n");
    lpt_assert_rows(db,
                    "SELECT (SELECT count(*) FROM first_program('et') WHERE group_col = 'acct_no'"
                    "  AND group_value = 42) = (SELECT count(*) FROM first_program('et')"
                    "  WHERE group_col = 'acct_no' AND group_value = '42')",
                    "1\n");
    /* a lookup keeps the group: the user is there only in its own group */
    lpt_assert_rows(db,
                    "SELECT count(*) = (SELECT count(*) FROM ug) FROM ug WHERE"
                    " (SELECT count(*) FROM first_program('et') WHERE group_col = 'acct_no'"
                    "   AND group_value = coalesce(ug.g, '-') AND user_id = ug.u) = (ug.g IS NOT NULL)",
                    "1\n");
    /* since: the group's users that since keeps */
    lpt_assert_rows(db,
                    "SELECT (SELECT count(*) FROM program_journeys('et') WHERE group_col = 'acct_no'"
                    "  AND group_value = 42 AND since = '2021-01-01')"
                    " = (SELECT count(*) FROM program_journeys('et') WHERE since = '2021-01-01'"
                    "  AND user_id IN (SELECT u FROM ug WHERE g = '42'))",
                    "1\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 10 with rule 12: first_program's own orders keep the group, in
** memory, streamed, and in a statement prepared before a budget was set
** (first_program then asks SQLite for its rows, passing group_value on). */
START_TEST(test_group_value_order) {
    sqlite3 *db = cg_open();
    sqlite3_stmt *pStmt;
    cg_reference(db, "e", "account");
    lpt_exec(db, "CREATE TEMP VIEW vz AS SELECT * FROM e WHERE user_id IN (SELECT u FROM ug WHERE g = 'Zed')");
    const char *zGot = "SELECT user_id, segment, program, next_program FROM first_program('e', 'user_id',"
                       " 'program', 'enrolled_at', 'seg') WHERE group_col = 'account'"
                       " AND group_value = 'Zed' ORDER BY next_program, program, segment, user_id";
    char *zWant = lpt_query(db, "SELECT user_id, segment, program, next_program FROM first_program('vz',"
                                " 'user_id', 'program', 'enrolled_at', 'seg')"
                                " ORDER BY next_program, program, segment, user_id");
    ck_assert_msg(zWant && strlen(zWant) > 100, "%s", zWant);
    for (int s = 0; s < CG_N_SETTING; s++) {
        lpt_exec(db, azSetting[s]);
        char *z = lpt_query(db, zGot);
        cg_assert_same(azSetting[s], z, zWant);
        sqlite3_free(z);
    }
    /* prepared in memory, stepped under a budget */
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    ck_assert_int_eq(sqlite3_prepare_v2(db, zGot, -1, &pStmt, NULL), SQLITE_OK);
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    sqlite3_str *pOut = sqlite3_str_new(NULL);
    while (sqlite3_step(pStmt) == SQLITE_ROW) {
        for (int i = 0; i < 4; i++) {
            const char *zCol = (const char *)sqlite3_column_text(pStmt, i);
            sqlite3_str_appendf(pOut, "%s%s", i ? "|" : "", zCol ? zCol : "NULL");
        }
        sqlite3_str_appendall(pOut, "\n");
    }
    ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
    char *zStepped = sqlite3_str_finish(pOut);
    cg_assert_same("prepared, then a budget", zStepped, zWant);
    sqlite3_free(zStepped);
    sqlite3_free(zWant);
    /* rule 12: rowids with user_id IN (...) are those of the view of the group's users */
    lpt_exec(db, azSetting[0]);
    char *zIds = lpt_query(db, "SELECT group_concat(u) FROM (SELECT u FROM ug WHERE g = 'Zed' ORDER BY u LIMIT 3)");
    ck_assert_msg(zIds && strchr(zIds, ','), "%s", zIds);
    zIds[strcspn(zIds, "\n")] = 0;
    char *zSql = sqlite3_mprintf("SELECT rowid, user_id, step, program FROM program_steps('e') WHERE"
                                 " group_col = 'account' AND group_value = 'Zed' AND user_id IN (%s)", zIds);
    char *zViewSql = sqlite3_mprintf("SELECT rowid, user_id, step, program FROM program_steps('vz')"
                                     " WHERE user_id IN (%s)", zIds);
    char *zA = lpt_query(db, zSql), *zB = lpt_query(db, zViewSql);
    cg_assert_same(zSql, zA, zB);
    sqlite3_free(zA);
    sqlite3_free(zB);
    sqlite3_free(zSql);
    sqlite3_free(zViewSql);
    sqlite3_free(zIds);
    sqlite3_close(db);
}
END_TEST

/* Argument conventions: errors name the argument, as segment_col's do. */
START_TEST(test_group_errors) {
    sqlite3 *db = cg_open();
    lpt_assert_rows(db, "SELECT * FROM group_stats('e') WHERE group_col = 'acct'",
                    "ERROR: group_stats(): group_col: no column 'acct' in 'e' (its columns: "
                    "user_id, program, enrolled_at, seg, account)");
    lpt_assert_rows(db, "SELECT * FROM first_program('e') WHERE group_col = 'acct' AND group_value = 1",
                    "ERROR: first_program(): group_col: no column 'acct' in 'e' (its columns: "
                    "user_id, program, enrolled_at, seg, account)");
    lpt_assert_rows(db, "SELECT * FROM group_stats('e') WHERE group_col = ''",
                    "ERROR: group_stats(): group_col must name a column, not ''");
    lpt_assert_rows(db, "SELECT * FROM program_steps('e') WHERE group_col = 'account' AND group_value = x'41'",
                    "ERROR: program_steps(): group_value must be a text without a NUL byte or a "
                    "number, not a blob");
    /* a text with a NUL byte is refused like a blob (rule 12: group_value is a text or a number) */
    lpt_assert_rows(db, "SELECT * FROM first_program('e') WHERE group_col = 'account'"
                        " AND group_value = 'Zed' || char(0) || 'x'",
                    "ERROR: first_program(): group_value must be a text without a NUL byte or a "
                    "number, not 'Zed' || char(0) || 'x'");
    lpt_assert_rows(db, "SELECT group_col, group_value FROM first_program('e') WHERE group_col = 'account'"
                        " AND group_value = 'Zed' LIMIT 1",
                    "account|Zed\n");
    sqlite3_close(db);
}
END_TEST

/*
** Rule 12 read with the rest (lp_cache.c, WIDENING): on one connection, the
** reads a report makes one after the other - a segment column, then groups
** without it and with it, then neither - each give what they give alone
** with the groups read apart (learnpath_memory_budget: streamed, the
** groups from a read of their own), in either order, also for a group
** column under NOCASE (rule 3: a group is its values' smallest spelling);
** group_stats' rows, kept with the data, are those of the same shaping;
** and the cache then holds one entry: each wider read replaced the last.
*/
START_TEST(test_group_one_read) {
    static const char *const azQ[] = {
        "SELECT * FROM first_program_stats('%s', 'user_id', 'program', 'enrolled_at', 'seg')",
        "SELECT * FROM group_stats('%s') WHERE group_col = 'account'",
        "SELECT * FROM program_transitions('%s', 'user_id', 'program', 'enrolled_at', 'seg')"
        " WHERE group_col = 'account' AND group_value = (SELECT group_value FROM group_stats('%s')"
        " WHERE group_col = 'account' AND rank = 3)",
        "SELECT * FROM first_program('%s', 'user_id', 'program', 'enrolled_at', 'seg')"
        " WHERE group_col = 'account' AND group_value = (SELECT group_value FROM group_stats('%s')"
        " WHERE group_col = 'account' AND rank = 1)",
        "SELECT * FROM program_journeys('%s', 'user_id', 'program', 'enrolled_at')",
        /* group_stats' rows are kept per shaping and segment setting: another shaping */
        "SELECT * FROM group_stats('%s') WHERE group_col = 'account' AND ties = 'name'"
        " AND since = '2020-06-01' AND within_days = 90",
        "SELECT * FROM group_stats('%s', 'user_id', 'program', 'enrolled_at', 'seg')"
        " WHERE group_col = 'account'",
        "SELECT * FROM program_popularity('%s', 'user_id', 'program', 'enrolled_at', 'seg')"
        " WHERE group_col = 'account' AND group_value = (SELECT group_value FROM group_stats('%s')"
        " WHERE group_col = 'account' AND rank = 2)",
    };
    enum { NQ = sizeof(azQ) / sizeof(azQ[0]) };
    sqlite3 *db = cg_open();
    lpt_exec(db, "CREATE TABLE ec(user_id, program, enrolled_at, seg, account TEXT COLLATE NOCASE);"
                 "INSERT INTO ec SELECT user_id, program, enrolled_at, seg,"
                 "  CASE user_id % 3 WHEN 0 THEN upper(account) WHEN 1 THEN lower(account)"
                 "  ELSE account END FROM e;");
    for (int t = 0; t < 2; t++) {
        const char *zTable = t ? "ec" : "e";
        char *azWant[NQ];
        for (int i = 0; i < NQ; i++) {
            char *zSql = sqlite3_mprintf(azQ[i], zTable, zTable);
            lpt_exec(db, "SELECT learnpath_memory_budget(1), learnpath_cache_clear()");
            azWant[i] = lpt_query(db, zSql);
            ck_assert_msg(strchr(azWant[i], '\n') && strchr(azWant[i], '\n')[1], "%s: rows", zSql);
            sqlite3_free(zSql);
        }
        for (int dir = 0; dir < 2; dir++) {
            lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
            for (int k = 0; k < 2 * NQ; k++) {
                int i = dir ? NQ - 1 - k % NQ : k % NQ; /* forwards or backwards, twice */
                char *zSql = sqlite3_mprintf(azQ[i], zTable, zTable);
                char *zGot = lpt_query(db, zSql);
                cg_assert_same(zSql, zGot, azWant[i]);
                sqlite3_free(zGot);
                sqlite3_free(zSql);
            }
            lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
        }
        for (int i = 0; i < NQ; i++) sqlite3_free(azWant[i]);
    }
    sqlite3_close(db);
}
END_TEST

/*
** group_stats does not depend on the order the data holds its users in: read
** for it alone (users in the order met) or after first_program (user_id
** order), every figure is the same to the last bit (the mean gap is summed
** exactly, in integer milliseconds).
*/
START_TEST(test_group_stats_any_order) {
    static const char *zQ = "SELECT segment, group_value, users, enrollments, rank, top_first_program,"
                            " continued, printf('%.17g|%.17g|%.17g', share_of_users, continue_rate,"
                            " avg_days_to_next) FROM group_stats('et', 'user_id', 'program',"
                            " 'enrolled_at', 'seg') WHERE group_col = 'acct_no'";
    sqlite3 *db = cg_open();
    lpt_exec(db, "SELECT learnpath_cache_clear()");
    char *zFirst = lpt_query(db, zQ);
    lpt_exec(db, "SELECT learnpath_cache_clear();"
                 "SELECT count(*) FROM first_program('et', 'user_id', 'program', 'enrolled_at', 'seg')"
                 " WHERE group_col = 'acct_no' AND group_value = 42;");
    char *zAfter = lpt_query(db, zQ);
    cg_assert_same("group_stats read alone, then after first_program", zAfter, zFirst);
    ck_assert_msg(strlen(zFirst) > 200, "rows: %s", zFirst);
    sqlite3_free(zFirst);
    sqlite3_free(zAfter);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 12, read with the rest: a user's group is found whatever order the
** rows come in - an earlier time first, then at the same instant the first
** program name, then the first group name - and rows that only come later
** in the table but earlier in time win. Each case is checked against the
** groups read apart (under a budget) and against the value written here.
** An empty source has no users and no groups.
*/
START_TEST(test_group_first_value_ties) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE g(user_id, program, enrolled_at, acct);"
             /* user 1: each row beats the one before (time, then program, then group) */
             "INSERT INTO g VALUES (1, 'B', '2021-02-01', 'G2'), (1, 'C', '2021-01-01', 'G3'),"
             "  (1, 'A', '2021-01-01', 'G4'), (1, 'A', '2021-01-01', 'G1'),"
             /* user 2: the first row stays first (a later time, a later program, a later group) */
             "  (2, 'A', '2021-01-01', 'G1'), (2, 'A', '2021-03-01', 'G9'),"
             "  (2, 'B', '2021-01-01', 'G0'), (2, 'A', '2021-01-01', 'G5'),"
             /* user 3: the first row has no group; one later in the table but earlier in time */
             "  (3, 'A', '2021-05-01', NULL), (3, 'B', '2021-06-01', 'G7'), (3, 'C', '2021-04-01', 'G8');"
             "CREATE TABLE g0(user_id, program, enrolled_at, acct);");
    static const char *zQ = "SELECT group_value, users FROM group_stats('g') WHERE group_col = 'acct'"
                            " ORDER BY group_value";
    static const char *zWant = "G1|2\nG8|1\n";
    lpt_assert_rows(db, zQ, zWant);
    lpt_exec(db, "SELECT learnpath_memory_budget(1), learnpath_cache_clear()");
    lpt_assert_rows(db, zQ, zWant); /* the groups read apart */
    lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('g') WHERE group_col = 'acct'"
                        " AND group_value = 'G1'", "1\n2\n");
    lpt_assert_rows(db, "SELECT count(*) FROM group_stats('g0') WHERE group_col = 'acct'", "0\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('g0') WHERE group_col = 'acct'"
                        " AND group_value = 'G1'", "0\n");
    sqlite3_close(db);
}
END_TEST

/* The passes group_stats made: its table of (cell, first label) pairs
** reports to the hash hook as it is freed, once a pass, whether it was
** allocated or not (tvf_group.c, groupMapFree); a memo hit makes no pass. */
static int nGroupPass;

static void cgPassHook(const char *zTable, uint64_t nEntry, uint64_t nDisplaced) {
    (void)nEntry;
    (void)nDisplaced;
    if (strcmp(zTable, "group_stats pairs") == 0) nGroupPass++;
}

/* zSql's rows, and in *pnPass the passes group_stats made for them. */
static char *cg_count_passes(sqlite3 *db, const char *zSql, int *pnPass) {
    char *zGot;
    nGroupPass = 0;
    learnpath_hash_probe_hook = cgPassHook;
    zGot = lpt_query(db, zSql);
    learnpath_hash_probe_hook = NULL;
    *pnPass = nGroupPass;
    return zGot;
}

/*
** Rule 12 without a group column (none named, group_col = NULL, or one all
** NULL or empty: every user in no group). In memory with no budget the rows
** are kept with the data, as with the groups read with the data: the second
** query makes no pass (observed through the hash hook) and returns exactly
** the first's rows, which are SQL's. After a read of the same source with a
** group column (the data then holds its groups, and memos of them), the
** query without one still gives the rows of no group, not the memo of the
** groups; a group column all NULL or empty shares the memo of none. Under a
** budget (streamed) nothing is kept: each query passes, with the same rows.
*/
START_TEST(test_group_stats_no_group_memo) {
    static const char *const zQ =
        "SELECT segment, group_value, users, enrollments, printf('%%.9f', share_of_users), rank,"
        "  top_first_program, top_first_tied, top_first_users, printf('%%.9f', top_first_share),"
        "  continued, printf('%%.9f', continue_rate), printf('%%.6f', avg_days_to_next)"
        " FROM group_stats('%s', 'user_id', 'program', 'enrolled_at', %s) %s";
    sqlite3 *db = cg_open();
    lpt_exec(db, "SELECT learnpath_threads(1), learnpath_memory_budget(0), learnpath_cache_clear()");
    cg_reference(db, "e", "NULL");
    for (int withSeg = 0; withSeg < 2; withSeg++) {
        const char *zSeg = withSeg ? "'seg'" : "NULL";
        char *zNone = sqlite3_mprintf(zQ, "e", zSeg, "");
        char *zNull = sqlite3_mprintf(zQ, "e", zSeg, "WHERE group_col = NULL");
        char *zAcct = sqlite3_mprintf(zQ, "e", zSeg, "WHERE group_col = 'account'");
        char *zEmpty = sqlite3_mprintf(zQ, "en", zSeg, "WHERE group_col = 'account'");
        char *zEmptyNone = sqlite3_mprintf(zQ, "en", zSeg, "");
        char *zWant = cg_expected(db, "e", withSeg), *zGot, *zAcctRows;
        int nPass;
        ck_assert_msg(zWant && strstr(zWant, "|NULL|") && strlen(zWant) > 20, "%.300s", zWant);

        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        zGot = cg_count_passes(db, zNone, &nPass);
        cg_assert_same("no group_col, first", zGot, zWant);
        ck_assert_int_eq(nPass, 1); /* the hook sees a pass */
        sqlite3_free(zGot);
        zGot = cg_count_passes(db, zNone, &nPass);
        cg_assert_same("no group_col, again", zGot, zWant);
        ck_assert_msg(nPass == 0, "no group_col again: %d passes, the memo was not kept", nPass);
        sqlite3_free(zGot);
        zGot = cg_count_passes(db, zNull, &nPass);
        cg_assert_same("group_col = NULL", zGot, zWant);
        ck_assert_int_eq(nPass, 0);
        sqlite3_free(zGot);

        /* the same source read with its group column: its rows, then none's again */
        zAcctRows = cg_count_passes(db, zAcct, &nPass);
        ck_assert_msg(strcmp(zAcctRows, zWant) != 0 && strstr(zAcctRows, "Corp "), "%.300s", zAcctRows);
        ck_assert_int_eq(nPass, 1);
        zGot = cg_count_passes(db, zNull, &nPass);
        cg_assert_same("group_col = NULL after a read with group_col", zGot, zWant);
        sqlite3_free(zGot);
        zGot = cg_count_passes(db, zNone, &nPass);
        cg_assert_same("no group_col after a read with group_col, again", zGot, zWant);
        ck_assert_int_eq(nPass, 0);
        sqlite3_free(zGot);
        zGot = cg_count_passes(db, zAcct, &nPass);
        cg_assert_same("group_col after the rows of none", zGot, zAcctRows);
        ck_assert_int_eq(nPass, 0);
        sqlite3_free(zGot);

        /* a group column all NULL or empty is none: one memo for both */
        lpt_exec(db, "SELECT learnpath_cache_clear()");
        char *zEmptyRows = cg_count_passes(db, zEmpty, &nPass);
        ck_assert_int_eq(nPass, 1);
        zGot = cg_count_passes(db, zEmptyNone, &nPass);
        cg_assert_same("en: no group_col after one all NULL or empty", zGot, zEmptyRows);
        ck_assert_int_eq(nPass, 0);
        sqlite3_free(zGot);
        ck_assert_msg(strstr(zEmptyRows, "|NULL|") && !strstr(zEmptyRows, "Corp "), "%.300s",
                      zEmptyRows);

        /* streamed under a budget: no memo, the same rows */
        lpt_exec(db, "SELECT learnpath_memory_budget(1), learnpath_cache_clear()");
        for (int k = 0; k < 2; k++) {
            zGot = cg_count_passes(db, zNone, &nPass);
            cg_assert_same("no group_col, streamed", zGot, zWant);
            ck_assert_int_ge(nPass, 1);
            sqlite3_free(zGot);
        }
        lpt_exec(db, "SELECT learnpath_memory_budget(0)");
        sqlite3_free(zEmptyRows);
        sqlite3_free(zAcctRows);
        sqlite3_free(zWant);
        sqlite3_free(zNone);
        sqlite3_free(zNull);
        sqlite3_free(zAcct);
        sqlite3_free(zEmpty);
        sqlite3_free(zEmptyNone);
    }
    sqlite3_close(db);
}
END_TEST

/*
** Rule 12 whichever way the pass finds a user's cell and pair (tvf_group.c:
** in memory a grid of (segment, group) and of (segment, group, program)
** when small, hash tables beside or instead): a group per user, so the grid
** of pairs is too large (cells in the grid, pairs in the hash table), and
** with ten segments too the grid of cells is too (both in hash tables).
** Every column against SQL, in memory and streamed.
*/
START_TEST(test_group_stats_large_grid) {
    sqlite3 *db = cg_open();
    lpt_exec(db, "CREATE TABLE eg1 AS SELECT user_id, program, enrolled_at, seg,"
                 "  CASE WHEN user_id % 9 THEN 'G' || user_id END AS account FROM e;"
                 "CREATE TABLE eg2 AS SELECT user_id, program, enrolled_at,"
                 "  CASE WHEN user_id % 23 THEN 'S' || (user_id % 10) END AS seg, account FROM eg1;");
    for (int k = 0; k < 2; k++) {
        const char *zTable = k ? "eg2" : "eg1";
        lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
        cg_reference(db, zTable, "account");
        char *zWant = cg_expected(db, zTable, 1);
        ck_assert_msg(zWant && strlen(zWant) > 50000, "%.300s", zWant);
        for (int i = 0; i < CG_N_SETTING; i++) {
            lpt_exec(db, azSetting[i]);
            char *zGot = cg_got(db, zTable, "account", 1);
            cg_assert_same(zTable, zGot, zWant);
            sqlite3_free(zGot);
        }
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST

/*
** The rows over all users kept with a pass by segment (tvf_group.c,
** groupKeepAllUsers, groupDeriveAll): after group_stats with segment_col,
** the same query without it on the same data makes no pass, and gives
** SQL's rows and, every double to 17 digits, those of a pass of its own
** (the cache cleared first): groups, none (en), users without a segment
** (es), ten segments with a group per user (eg2: the hash tables), and
** shaped (within_days, ties, since). Under a budget nothing is kept.
*/
START_TEST(test_group_stats_all_from_segments) {
    static const char *const zQ =
        "SELECT segment, group_value, users, enrollments, printf('%%!.17g', share_of_users), rank,"
        "  top_first_program, top_first_tied, top_first_users, printf('%%!.17g', top_first_share),"
        "  continued, printf('%%!.17g', continue_rate), printf('%%!.17g', avg_days_to_next)"
        " FROM group_stats('%s', 'user_id', 'program', 'enrolled_at', %s) WHERE group_col = 'account' %s";
    static const char *const azTable[] = {"e", "es", "en", "eg2"};
    static const char *const azShape[] = {"", "AND within_days = 40", "AND ties = 'name'",
                                          "AND since = '2021-01-01'"};
    sqlite3 *db = cg_open();
    lpt_exec(db, "CREATE TABLE eg2 AS SELECT user_id, program, enrolled_at,"
                 "  CASE WHEN user_id % 23 THEN 'S' || (user_id % 10) END AS seg,"
                 "  CASE WHEN user_id % 9 THEN 'G' || user_id END AS account FROM e;"
                 "SELECT learnpath_threads(1), learnpath_memory_budget(0)");
    for (int k = 0; k < 4; k++) {
        for (int s = 0; s < 4; s++) {
            char *zSeg = sqlite3_mprintf(zQ, azTable[k], "'seg'", azShape[s]);
            char *zAll = sqlite3_mprintf(zQ, azTable[k], "NULL", azShape[s]);
            char *zGot, *zOwn;
            int nPass;
            lpt_exec(db, "SELECT learnpath_memory_budget(0), learnpath_cache_clear()");
            zOwn = cg_count_passes(db, zAll, &nPass); /* a pass of its own */
            ck_assert_int_eq(nPass, 1);
            lpt_exec(db, "SELECT learnpath_cache_clear()");
            sqlite3_free(cg_count_passes(db, zSeg, &nPass));
            ck_assert_int_eq(nPass, 1);
            zGot = cg_count_passes(db, zAll, &nPass);
            ck_assert_msg(nPass == 0, "%s %s: %d passes, the rows over all users not kept", azTable[k],
                          azShape[s], nPass);
            cg_assert_same(azTable[k], zGot, zOwn);
            ck_assert_msg(strlen(zOwn) > 20 && !strstr(zOwn, "ERROR"), "%.300s", zOwn);
            sqlite3_free(zGot);
            if (s == 0 && k < 3) {
                /* against SQL, printed as cg_expected prints */
                cg_reference(db, azTable[k], "account");
                char *zWant = cg_expected(db, azTable[k], 0);
                zGot = cg_got(db, azTable[k], "account", 0);
                cg_assert_same("against SQL", zGot, zWant);
                sqlite3_free(zGot);
                sqlite3_free(zWant);
            }
            /* streamed: each query passes, the same rows */
            lpt_exec(db, "SELECT learnpath_memory_budget(1), learnpath_cache_clear()");
            sqlite3_free(cg_count_passes(db, zSeg, &nPass));
            zGot = cg_count_passes(db, zAll, &nPass);
            ck_assert_int_ge(nPass, 1);
            cg_assert_same("streamed", zGot, zOwn);
            sqlite3_free(zGot);
            sqlite3_free(zOwn);
            sqlite3_free(zSeg);
            sqlite3_free(zAll);
        }
    }
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    sqlite3_close(db);
}
END_TEST

Suite *make_group_suite(void) {
    Suite *s = suite_create("group");
    TCase *tc = tcase_create("group_stats");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_group_stats_columns, 0, CG_N_SETTING);
    tcase_add_loop_test(tc, test_group_stats_no_groups, 0, CG_N_SETTING);
    suite_add_tcase(s, tc);
    tc = tcase_create("group_value");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_group_value_filter);
    tcase_add_test(tc, test_group_value_ends);
    tcase_add_test(tc, test_group_value_shapes);
    tcase_add_test(tc, test_group_value_order);
    tcase_add_test(tc, test_group_errors);
    tcase_add_test(tc, test_group_one_read);
    tcase_add_test(tc, test_group_stats_any_order);
    tcase_add_test(tc, test_group_first_value_ties);
    tcase_add_test(tc, test_group_stats_no_group_memo);
    tcase_add_test(tc, test_group_stats_large_grid);
    tcase_add_test(tc, test_group_stats_all_from_segments);
    suite_add_tcase(s, tc);
    return s;
}
