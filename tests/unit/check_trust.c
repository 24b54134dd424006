/*
** check_trust.c - the "trust" suite: use in views and triggers, what a
** database file can make learnpath read, reentrancy, learnpath's internal
** reader function, hostile inputs.
**
** README.md, "Trust model": the functions that read a source are
** direct-only, so a view or trigger stored in a database cannot call them
** (whatever trusted_schema says) unless the connection opted in with
** learnpath_allow_views(1), and then only while trusted_schema is ON; TEMP
** views and CTEs always may. The opt-in itself is direct-only. The
** reentrancy rules of shared/TRUST.md each have a test here (R1..R8), and
** so does each kind of bad table content and argument TRUST.md lists. The
** reader function that the journey functions' one statement calls is
** refused to SQL, to views and, with a clear error, by a host's
** authorizer. Rule numbers are README.md's.
*/
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp_test.h"

/* ------------------------------------------------------ views, triggers */

/* After learnpath_allow_views(1), a view stored in the database works while
** trusted_schema is ON (the default) and is refused while it is OFF; TEMP
** views and CTEs always work (README.md, "Trust model"). */
START_TEST(test_stored_view_trusted_schema) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_exec(db, "CREATE VIEW firsts AS SELECT user_id, program FROM first_program('e')");
    lpt_assert_rows(db, "SELECT * FROM firsts", "1|A\n2|F\n3|A\n");
    lpt_exec(db, "PRAGMA trusted_schema = OFF");
    lpt_assert_rows(db, "SELECT * FROM firsts",
                    "ERROR: unsafe use of virtual table \"first_program\"");
    lpt_exec(db, "CREATE TEMP VIEW tfirsts AS SELECT user_id, program FROM first_program('e')");
    lpt_assert_rows(db, "SELECT * FROM tfirsts", "1|A\n2|F\n3|A\n");
    lpt_assert_rows(db,
                    "WITH c AS (SELECT program FROM first_program('e')) "
                    "SELECT program, count(*) FROM c GROUP BY 1",
                    "A|2\nF|1\n");
    lpt_exec(db, "PRAGMA trusted_schema = ON");
    lpt_assert_rows(db, "SELECT * FROM firsts", "1|A\n2|F\n3|A\n");
    sqlite3_close(db);
}
END_TEST

/* The same for a trigger stored in the database. */
START_TEST(test_stored_trigger_trusted_schema) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_exec(db,
             "CREATE TABLE go(x); CREATE TABLE got(u, p);"
             "CREATE TRIGGER t_go AFTER INSERT ON go BEGIN "
             "  INSERT INTO got SELECT user_id, program FROM first_program('e'); END;");
    lpt_exec(db, "INSERT INTO go VALUES (1)");
    lpt_assert_rows(db, "SELECT * FROM got", "1|A\n2|F\n3|A\n");
    lpt_exec(db, "PRAGMA trusted_schema = OFF");
    lpt_assert_rows(db, "INSERT INTO go VALUES (2) RETURNING x",
                    "ERROR: unsafe use of virtual table \"first_program\"");
    lpt_assert_rows(db, "SELECT count(*) FROM got", "3\n"); /* nothing half done */
    sqlite3_close(db);
}
END_TEST

/* A view that feeds itself to a function through another view: a clear
** error naming the cycle, at once, not a stack overflow. */
START_TEST(test_view_cycle_through_views) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_exec(db, "SELECT learnpath_allow_views(1)"); /* saved views (README.md, "Trust model") */
    lpt_exec(db,
             "CREATE VIEW v1 AS SELECT user_id, program, started_at AS enrolled_at "
             "  FROM first_program('v2');"
             "CREATE VIEW v2 AS SELECT user_id, program, started_at AS enrolled_at "
             "  FROM program_steps('v1');");
    /* calls nest transitions(v1) > first(v2) > steps(v1): v1 again is refused */
    lpt_assert_rows(db, "SELECT count(*) FROM program_transitions('v1')",
                    "ERROR: program_steps(): source 'v1' reads itself: 'v1' > 'v2' > 'v1' (a view "
                    "may not feed itself to a learnpath function)");
    /* nesting that ends is fine: a function over a view over a function */
    lpt_exec(db,
             "CREATE VIEW firsts AS SELECT user_id, program, started_at AS enrolled_at "
             "  FROM first_program('e')");
    lpt_assert_rows(db, "SELECT from_program, users FROM program_transitions('firsts')",
                    "A|2\nF|1\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------- what a database file can do */

/* A scratch directory for database files, removed with what is in it. */
typedef struct ct_dir {
    char zDir[512];
    char zEvil[600];
} ct_dir;

static void ct_dir_make(ct_dir *p) {
    const char *zTmp = getenv("TMPDIR");
    snprintf(p->zDir, sizeof(p->zDir), "%s/lp_trust_XXXXXX", zTmp && *zTmp ? zTmp : "/tmp");
    ck_assert_msg(mkdtemp(p->zDir) != NULL, "mkdtemp %s failed", p->zDir);
    snprintf(p->zEvil, sizeof(p->zEvil), "%s/evil.db", p->zDir);
}

static void ct_dir_remove(ct_dir *p) {
    char zJournal[700];
    snprintf(zJournal, sizeof(zJournal), "%s-journal", p->zEvil);
    unlink(p->zEvil);
    unlink(zJournal);
    rmdir(p->zDir);
}

/*
** The file an attacker sends, made with plain SQL (no learnpath): a view
** and a trigger that read the victim's main.accounts through first_program
** (its login as the user, its password as the program), and a table the
** trigger fills.
*/
static void ct_make_evil(const char *zPath) {
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(zPath, &db), SQLITE_OK);
    lpt_exec(db,
             "CREATE TABLE inbox(x);"
             "CREATE TABLE loot(login, password);"
             "CREATE VIEW steal AS SELECT user_id, program"
             "  FROM first_program('main.accounts', 'login', 'password', 'created');"
             "CREATE TRIGGER grab AFTER INSERT ON inbox BEGIN"
             "  INSERT INTO loot SELECT user_id, program"
             "    FROM first_program('main.accounts', 'login', 'password', 'created');"
             "END;"
             "CREATE VIEW allow AS SELECT learnpath_allow_views(1) AS was;");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* The victim: learnpath loaded, its own accounts, the file attached. */
static sqlite3 *ct_victim(const char *zEvil) {
    sqlite3 *db = lpt_open();
    char *zSql = sqlite3_mprintf("ATTACH %Q AS evil", zEvil);
    lpt_exec(db,
             "CREATE TABLE accounts(login, password, created);"
             "INSERT INTO accounts VALUES ('alice', 'pw-alice-s3cret', '2024-01-01'),"
             " ('bob', 'pw-bob-s3cret', '2024-02-01');");
    lpt_exec(db, zSql);
    sqlite3_free(zSql);
    return db;
}

/* Does the file at zPath hold the bytes of zNeedle anywhere? */
static int ct_file_holds(const char *zPath, const char *zNeedle) {
    FILE *f = fopen(zPath, "rb");
    size_t nNeedle = strlen(zNeedle), n = 0;
    char *a;
    int found = 0;
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long nFile = ftell(f);
    fseek(f, 0, SEEK_SET);
    a = malloc((size_t)nFile + 1);
    ck_assert_ptr_nonnull(a);
    n = fread(a, 1, (size_t)nFile, f);
    fclose(f);
    for (size_t i = 0; i + nNeedle <= n && !found; i++) found = memcmp(a + i, zNeedle, nNeedle) == 0;
    free(a);
    return found;
}

#define CT_UNSAFE_FIRST "ERROR: unsafe use of virtual table \"first_program\""

/* Run zSql (a statement that returns no rows, say an INSERT: RETURNING
** came in 3.35) and assert that it fails with zWant ("ERROR: <message>"). */
#define ct_assert_exec_fails(db, zSql, zWant)                                             \
    do {                                                                                  \
        char *zErr_ = NULL;                                                               \
        ck_assert_int_ne(sqlite3_exec((db), (zSql), 0, 0, &zErr_), SQLITE_OK);            \
        ck_assert_msg(zErr_ && strcmp(zErr_, (zWant) + 7) == 0, "%s: got %s, want %s", (zSql), \
                      zErr_ ? zErr_ : "(none)", (zWant));                                 \
        sqlite3_free(zErr_);                                                              \
    } while (0)

/*
** README.md, "Trust model" (issue 11, item 1): an attached file's view and
** trigger cannot read the victim's main database through first_program,
** with trusted_schema ON (SQLite's default) or OFF, and nothing of the
** victim's reaches the file. The victim's own TEMP view, TEMP trigger and
** CTE work without the opt-in; after learnpath_allow_views(1) a view saved
** in the main database over its own table works, and the file's view too
** while trusted_schema is ON (the opt-in trusts the attached files);
** learnpath_allow_views(0) refuses them again.
*/
START_TEST(test_attached_file_cannot_read_main) {
    ct_dir dir;
    ct_dir_make(&dir);
    ct_make_evil(dir.zEvil);
    sqlite3 *db = ct_victim(dir.zEvil);
    for (int isTrusted = 1; isTrusted >= 0; isTrusted--) {
        lpt_exec(db, isTrusted ? "PRAGMA trusted_schema = ON" : "PRAGMA trusted_schema = OFF");
        lpt_assert_rows(db, "SELECT * FROM evil.steal", CT_UNSAFE_FIRST);
        lpt_assert_rows(db, "SELECT count(*) FROM evil.steal", CT_UNSAFE_FIRST);
        ct_assert_exec_fails(db, "INSERT INTO evil.inbox VALUES (1)", CT_UNSAFE_FIRST);
        lpt_assert_rows(db, "SELECT count(*) FROM evil.inbox, evil.loot", "0\n");
    }
    lpt_exec(db, "PRAGMA trusted_schema = ON");
    /* the user's own SQL: a TEMP view, a TEMP trigger, a CTE */
    lpt_exec(db, "CREATE TEMP VIEW mine AS SELECT user_id, program"
                 "  FROM first_program('main.accounts', 'login', 'password', 'created')");
    lpt_assert_rows(db, "SELECT * FROM mine", "alice|pw-alice-s3cret\nbob|pw-bob-s3cret\n");
    lpt_exec(db, "CREATE TABLE main.go(x); CREATE TABLE main.got(n);"
                 "CREATE TEMP TRIGGER count_firsts AFTER INSERT ON main.go BEGIN"
                 "  INSERT INTO got SELECT count(*) FROM first_program('accounts', 'login',"
                 "    'password', 'created'); END;"
                 "INSERT INTO go VALUES (1)");
    lpt_assert_rows(db, "SELECT n FROM got", "2\n");
    lpt_assert_rows(db,
                    "WITH c AS (SELECT * FROM first_program('accounts', 'login', 'password',"
                    " 'created')) SELECT count(*) FROM c",
                    "2\n");
    /* the opt-in: a view saved in main over main's own table works again */
    lpt_exec(db, "CREATE VIEW main.firsts AS SELECT user_id FROM first_program('accounts',"
                 " 'login', 'password', 'created')");
    lpt_assert_rows(db, "SELECT * FROM firsts", CT_UNSAFE_FIRST);
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_assert_rows(db, "SELECT * FROM firsts", "alice\nbob\n");
    /* it trusts the attached files too, as far as trusted_schema does */
    lpt_assert_rows(db, "SELECT count(*) FROM evil.steal", "2\n");
    lpt_exec(db, "PRAGMA trusted_schema = OFF");
    lpt_assert_rows(db, "SELECT count(*) FROM evil.steal", CT_UNSAFE_FIRST);
    lpt_assert_rows(db, "SELECT * FROM firsts", CT_UNSAFE_FIRST);
    lpt_exec(db, "PRAGMA trusted_schema = ON");
    /* and turned off, both are refused again */
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "1\n");
    lpt_assert_rows(db, "SELECT * FROM firsts", CT_UNSAFE_FIRST);
    lpt_assert_rows(db, "SELECT count(*) FROM evil.steal", CT_UNSAFE_FIRST);
    ct_assert_exec_fails(db, "INSERT INTO evil.inbox VALUES (3)", CT_UNSAFE_FIRST);
    lpt_assert_rows(db, "SELECT count(*) FROM evil.loot", "0\n");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    /* nothing of the victim's reached the file */
    ck_assert(!ct_file_holds(dir.zEvil, "s3cret"));
    ck_assert(!ct_file_holds(dir.zEvil, "alice"));
    ct_dir_remove(&dir);
}
END_TEST

/*
** README.md, "Trust model": learnpath_allow_views is direct-only. A view or
** trigger stored in a database (the attached file's, or the main one's)
** cannot call it, whatever trusted_schema says, and the setting stays off.
** It returns the previous setting and refuses anything but 0 and 1.
*/
START_TEST(test_allow_views_is_direct_only) {
    ct_dir dir;
    ct_dir_make(&dir);
    ct_make_evil(dir.zEvil);
    sqlite3 *db = ct_victim(dir.zEvil);
    lpt_exec(db, "CREATE VIEW main.allow2 AS SELECT learnpath_allow_views(1) AS was;"
                 "CREATE TABLE main.go(x);"
                 "CREATE TRIGGER main.go_allow AFTER INSERT ON go BEGIN"
                 "  SELECT learnpath_allow_views(1); END;");
    for (int isTrusted = 1; isTrusted >= 0; isTrusted--) {
        lpt_exec(db, isTrusted ? "PRAGMA trusted_schema = ON" : "PRAGMA trusted_schema = OFF");
        lpt_assert_rows(db, "SELECT * FROM evil.allow",
                        "ERROR: unsafe use of learnpath_allow_views()");
        lpt_assert_rows(db, "SELECT * FROM allow2", "ERROR: unsafe use of learnpath_allow_views()");
        ct_assert_exec_fails(db, "INSERT INTO go VALUES (1)",
                             "ERROR: unsafe use of learnpath_allow_views()");
    }
    lpt_exec(db, "PRAGMA trusted_schema = ON");
    lpt_assert_rows(db, "SELECT * FROM evil.steal", CT_UNSAFE_FIRST);
    /* called directly: the previous setting; any true or false value */
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "0\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(true)", "0\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1.0)", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views('0')", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(2)",
                    "ERROR: learnpath_allow_views(): on must be 0 or 1, not 2");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0.5)",
                    "ERROR: learnpath_allow_views(): on must be 0 or 1, not 0.5");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(NULL)",
                    "ERROR: learnpath_allow_views(): on must be 0 or 1, not NULL");
    lpt_assert_rows(db, "SELECT learnpath_allow_views('yes')",
                    "ERROR: learnpath_allow_views(): on must be 0 or 1, not 'yes'");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "0\n");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    ct_dir_remove(&dir);
}
END_TEST

/*
** README.md, "Trust model": switching registers the functions again, and
** the connection's state stays: the cache (the same answer after, from the
** one entry kept) and the other settings.
*/
START_TEST(test_allow_views_keeps_the_cache) {
    static const char zQuery[] =
        "SELECT group_concat(user_id || ':' || program, ' ') FROM first_program('e')";
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db, "SELECT learnpath_threads(1), learnpath_cache_limit(1e6)",
                    "2|2147483648\n");
    lpt_assert_rows(db, zQuery, "1:A 2:F 3:A\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    lpt_assert_rows(db, zQuery, "1:A 2:F 3:A\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "1\n");
    lpt_assert_rows(db, zQuery, "1:A 2:F 3:A\n");
    lpt_assert_rows(db, "SELECT learnpath_cache_clear()", "1\n");
    lpt_assert_rows(db, "SELECT learnpath_threads(2), learnpath_cache_limit(0)", "1|1000000\n");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

/* Step pStmt to its end; its rows as "a b c", or "ERROR: <message>". */
static char *ct_step_all(sqlite3 *db, sqlite3_stmt *pStmt) {
    sqlite3_str *p = sqlite3_str_new(NULL);
    int rc;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW) {
        sqlite3_str_appendf(p, "%s%s", sqlite3_str_length(p) ? " " : "",
                            (const char *)sqlite3_column_text(pStmt, 0));
    }
    if (rc != SQLITE_DONE) {
        sqlite3_str_reset(p);
        sqlite3_str_appendf(p, "ERROR: %s", sqlite3_errmsg(db));
    }
    sqlite3_reset(pStmt);
    char *z = sqlite3_str_finish(p);
    return z ? z : sqlite3_mprintf("%s", "");
}

#define ct_assert_steps(db, pStmt, zWant)                                            \
    do {                                                                             \
        char *zGot_ = ct_step_all((db), (pStmt));                                    \
        ck_assert_msg(strcmp(zGot_, (zWant)) == 0, "got %s, want %s", zGot_, (zWant)); \
        sqlite3_free(zGot_);                                                         \
    } while (0)

/*
** README.md, "Trust model": statements prepared before a switch. After
** learnpath_allow_views(0) each is prepared again before it next runs: a
** saved view's statement prepared while views were allowed is refused, a
** direct query keeps working both ways. A statement running across the
** switch ends with the rows of the scan it had started (its table stays
** alive); one that would start the scan again (a correlated subquery over
** the view) is refused with learnpath's message. The connection closes
** cleanly.
*/
START_TEST(test_allow_views_and_prepared_statements) {
    static const char zStale[] = "first_program(): learnpath_allow_views(0) came after this "
                                 "statement was prepared; run it again";
    sqlite3 *db = lpt_open_fixture("e_three_users");
    sqlite3_stmt *pView = NULL, *pDirect = NULL, *pRunning = NULL, *pCorrelated = NULL;
    lpt_exec(db, "CREATE VIEW firsts AS SELECT user_id FROM first_program('e')");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT user_id FROM first_program('e')", -1,
                                        &pDirect, NULL), SQLITE_OK);
    ct_assert_steps(db, pDirect, "1 2 3");
    ck_assert_int_ne(sqlite3_prepare_v2(db, "SELECT * FROM firsts", -1, &pView, NULL), SQLITE_OK);
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    ct_assert_steps(db, pDirect, "1 2 3");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM firsts", -1, &pView, NULL), SQLITE_OK);
    ct_assert_steps(db, pView, "1 2 3");
    /* running across the switch: it ends with all its rows */
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM firsts", -1, &pRunning, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pRunning), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT (SELECT count(*) FROM firsts f"
                                        " WHERE f.user_id = e.user_id) FROM e",
                                        -1, &pCorrelated, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pCorrelated), SQLITE_ROW);
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "1\n");
    ck_assert_int_eq(sqlite3_step(pRunning), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_step(pRunning), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_step(pRunning), SQLITE_DONE);
    ck_assert_int_eq(sqlite3_step(pCorrelated), SQLITE_ERROR);
    ck_assert_str_eq(sqlite3_errmsg(db), zStale);
    sqlite3_reset(pCorrelated);
    ct_assert_steps(db, pCorrelated, CT_UNSAFE_FIRST);
    /* prepared while views were allowed, run after: refused */
    ct_assert_steps(db, pRunning, CT_UNSAFE_FIRST);
    ct_assert_steps(db, pView, CT_UNSAFE_FIRST);
    ct_assert_steps(db, pDirect, "1 2 3");
    /* and allowed again: the same statements work */
    lpt_assert_rows(db, "SELECT learnpath_allow_views(1)", "0\n");
    ct_assert_steps(db, pView, "1 2 3");
    ct_assert_steps(db, pDirect, "1 2 3");
    /* the switch inside a statement that reads a source (TEMP view as the
    ** source: the user's own SQL) */
    lpt_exec(db, "CREATE TEMP VIEW flip AS SELECT user_id, program, enrolled_at FROM e"
                 " WHERE learnpath_allow_views(0) >= 0");
    lpt_assert_rows(db, "SELECT user_id FROM first_program('flip')", "1\n2\n3\n");
    lpt_assert_rows(db, "SELECT learnpath_allow_views(0)", "0\n");
    ct_assert_steps(db, pView, CT_UNSAFE_FIRST);
    sqlite3_finalize(pView);
    sqlite3_finalize(pDirect);
    sqlite3_finalize(pRunning);
    sqlite3_finalize(pCorrelated);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

/* sample_enrollments reads nothing: innocuous, in a saved view without the
** opt-in even while trusted_schema is OFF (README.md, "Trust model"). */
START_TEST(test_sample_stays_innocuous) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "PRAGMA trusted_schema = OFF;"
                 "CREATE VIEW demo AS SELECT count(*) FROM sample_enrollments(10, 1)");
    char *zGot = lpt_query(db, "SELECT * FROM demo");
    ck_assert_msg(zGot && strncmp(zGot, "ERROR", 5) != 0, "got %s", zGot);
    sqlite3_free(zGot);
    sqlite3_close(db);
}
END_TEST

/* Create TEMP views n0 .. n<nTop>, each a learnpath function over the one
** before, n0 over table e: a legitimate chain of nested reads. */
static void ct_nested_views(sqlite3 *db, int nTop) {
    lpt_exec(db, "CREATE TEMP VIEW n0 AS SELECT * FROM e");
    for (int k = 1; k <= nTop; k++) {
        char *zSql = sqlite3_mprintf("CREATE TEMP VIEW n%d AS SELECT user_id, program,"
                                     " started_at AS enrolled_at FROM %s('n%d')",
                                     k, k % 2 ? "program_steps" : "first_program", k - 1);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
    }
}

/*
** The frame's nesting guard (lp_tvf.c, README "Limitations"): a chain of
** nested views is told from a view that reads itself. Nine legitimate
** levels used to fail as "more than 8 deep (does a view read itself?)";
** now a chain reads up to 40 functions deep, one level more is refused
** with its own message, and a source met again in the chain is refused at
** once, naming the cycle, whatever the spelling and on the streaming path.
*/
START_TEST(test_nesting_depth_and_recursion) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_exec(db,
             "CREATE TEMP VIEW v1 AS SELECT user_id, program, started_at AS enrolled_at "
             "  FROM first_program('v2');"
             "CREATE TEMP VIEW v2 AS SELECT user_id, program, started_at AS enrolled_at "
             "  FROM program_steps('v1');");
    ct_nested_views(db, 40);
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('n9')", "1|A\n2|F\n3|A\n");
    /* n39: 40 functions nested, the most */
    lpt_assert_rows(db, "SELECT count(*) FROM program_journeys('n39')", "3\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('n40')",
                    "ERROR: program_steps(): source 'n0' nests learnpath functions more than"
                    " 40 deep");
    /* the connection is not left nested after the error */
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('n39')", "3\n");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "3\n");
    /* streaming (every read over the budget; its xNext reads too): a read
    ** over the budget reads its source twice, so keep the chain short */
    lpt_exec(db, "SELECT learnpath_memory_budget(1)");
    lpt_assert_rows(db, "SELECT user_id, program FROM first_program('n5')", "1|A\n2|F\n3|A\n");
    lpt_assert_rows(db, "SELECT count(*) FROM program_steps('v1')",
                    "ERROR: program_steps(): source 'v1' reads itself: 'v1' > 'v2' > 'v1' (a view "
                    "may not feed itself to a learnpath function)");
    lpt_exec(db, "SELECT learnpath_memory_budget(0)");
    /* a view reading itself under another spelling: caught one turn later */
    lpt_exec(db, "CREATE TEMP VIEW me AS SELECT user_id, program, started_at AS enrolled_at"
                 " FROM first_program('temp.me')");
    lpt_assert_rows(db, "SELECT count(*) FROM program_steps('ME')",
                    "ERROR: first_program(): source 'temp.me' reads itself: 'temp.me' >"
                    " 'temp.me' (a view may not feed itself to a learnpath function)");
    /* a cycle at the end of a long legitimate chain */
    lpt_exec(db, "CREATE TEMP VIEW c1 AS SELECT user_id, program, started_at AS enrolled_at"
                 " FROM first_program('c2');"
                 "CREATE TEMP VIEW c2 AS SELECT * FROM n5 UNION ALL"
                 " SELECT user_id, program, started_at FROM program_steps('c1');");
    lpt_assert_rows(db, "SELECT count(*) FROM program_transitions('c1')",
                    "ERROR: program_steps(): source 'c1' reads itself: 'c1' > 'c2' > 'c1' (a view"
                    " may not feed itself to a learnpath function)");
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('n39')", "3\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ reentrancy */

/* R1: text handed to SQLite outlives the cursor's next step (a self-join
** compares values of two rows at once). */
START_TEST(test_r1_text_outlives_step) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db,
                    "SELECT a.user_id, b.user_id FROM first_program('e') a "
                    "JOIN first_program('e') b ON a.program = b.program AND a.user_id < b.user_id",
                    "1|3\n");
    lpt_assert_rows(db,
                    "SELECT group_concat(program || '@' || started_at, ';') "
                    "FROM program_steps('e')",
                    "A@2020-01-01 00:00:00;F@2020-02-01 00:00:00;F@2020-01-05 00:00:00;"
                    "A@2020-03-01 00:00:00\n");
    sqlite3_close(db);
}
END_TEST

/* R2: xFilter runs again on the same cursor (correlated subquery, OR of
** sources via IN-list of a joined table). */
START_TEST(test_r2_refilter) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_exec(db,
             "CREATE TABLE e2(user_id, program, enrolled_at);"
             "INSERT INTO e2 VALUES (7,'X','2021-01-01'),(7,'Y','2021-01-02');"
             "CREATE TABLE srcs(name); INSERT INTO srcs VALUES ('e'),('e2'),('e');");
    lpt_assert_rows(db,
                    "SELECT s.name, (SELECT count(*) FROM program_steps WHERE source = s.name) "
                    "FROM srcs s",
                    "e|4\ne2|2\ne|4\n");
    lpt_assert_rows(db,
                    "SELECT s.name, f.user_id, f.program FROM srcs s, first_program(s.name) f "
                    "WHERE s.rowid <= 2 ORDER BY 1, 2",
                    "e|1|A\ne|2|F\ne|3|A\ne2|7|X\n");
    sqlite3_close(db);
}
END_TEST

/* R3: every nested statement is finalized: sqlite3_close() returns
** SQLITE_OK after use, also after a query stopped early and after a
** streamed (memory budget) query stopped early. */
START_TEST(test_r3_close_ok) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    sqlite3_stmt *pStmt = NULL;
    lpt_assert_rows(db, "SELECT count(*) FROM program_transitions('e')", "4\n");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM program_steps('e')", -1, &pStmt, 0),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
    sqlite3_finalize(pStmt);
    lpt_assert_rows(db, "SELECT learnpath_memory_budget(1)", "0\n");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM program_steps('e')", -1, &pStmt, 0),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW); /* the stream is open now */
    sqlite3_finalize(pStmt);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

/* R4: INSERT INTO t SELECT ... FROM f('t') ends and matches a
** materialised run (the function reads t once, before the insert writes). */
START_TEST(test_r4_insert_into_source) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_exec(db, "CREATE TEMP TABLE before AS SELECT user_id, program, started_at FROM first_program('e')");
    lpt_exec(db, "INSERT INTO e(user_id, program, enrolled_at) "
                 "SELECT user_id + 100, program, started_at FROM first_program('e')");
    lpt_assert_rows(db, "SELECT count(*) FROM e", "7\n");
    lpt_assert_rows(db,
                    "SELECT count(*) FROM (SELECT user_id - 100, program, enrolled_at FROM e "
                    "WHERE user_id > 100 EXCEPT SELECT * FROM before)",
                    "0\n");
    /* and the cache saw the write */
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "6\n");
    sqlite3_close(db);
}
END_TEST

/* R5/R6: a nested error's text is the function's own, and arguments
** absent or NULL say so (not a planner error). */
START_TEST(test_r5_r6_messages) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db, "SELECT * FROM first_program(NULL)",
                    "ERROR: first_program(): source must name a table or view, not NULL");
    lpt_assert_rows(db, "SELECT * FROM program_steps",
                    "ERROR: program_steps(): missing required argument 'source'");
    lpt_exec(db, "CREATE VIEW broken AS SELECT * FROM e; DROP TABLE e;");
    lpt_assert_rows(db, "SELECT * FROM first_program('broken')",
                    "ERROR: first_program(): cannot read 'broken': no such table: main.e");
    sqlite3_close(db);
}
END_TEST

/* R7: idxStr is never used; the plan shows the idxNum bit layout
** (bit 0 source, 1 user_col, ...) - here source and ties: 1 + 256. */
START_TEST(test_r7_plan) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    char *z = lpt_query(db,
                        "EXPLAIN QUERY PLAN SELECT * FROM first_program "
                        "WHERE source = 'e' AND ties = 'name'");
    ck_assert_ptr_nonnull(z);
    ck_assert_msg(strstr(z, "SCAN first_program VIRTUAL TABLE INDEX 257:") != NULL, "plan: %s", z);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* R8: the chart aggregates finish without any row and without a context. */
START_TEST(test_r8_aggregate_no_rows) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    lpt_assert_rows(db,
                    "SELECT sankey_svg(from_program, to_program, users) LIKE '<svg%no data%</svg>' "
                    "FROM program_transitions('e') WHERE step = 99",
                    "1\n");
    lpt_assert_rows(db, "SELECT bar_svg(1, 2, 3) LIKE '<svg%</svg>' FROM e WHERE 0", "1\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------ the reader */

/*
** The reader function lp_read.c prepares its one statement with takes its
** state as a pointer only C can bind: SQL that calls it gets an error, and
** a view may not call it at all (SQLITE_DIRECTONLY).
*/
START_TEST(test_internal_reader_refused) {
    sqlite3 *db = lpt_open_fixture("enrollments_three_users");
    lpt_assert_rows(db, "SELECT learnpath_internal_read(1, 2, 3, 4)",
                    "ERROR: learnpath_internal_read(): for learnpath's own use only");
    lpt_assert_rows(db,
        "SELECT learnpath_internal_read(NULL, user_id, program, enrolled_at) FROM enrollments",
        "ERROR: learnpath_internal_read(): for learnpath's own use only");
    lpt_exec(db, "CREATE VIEW v AS SELECT learnpath_internal_read(NULL, 1, 2, 3) AS x");
    lpt_assert_rows(db, "SELECT * FROM v",
                    "ERROR: unsafe use of learnpath_internal_read()");
    sqlite3_close(db);
}
END_TEST

/* The reader function refuses a call without learnpath's state, also one
** without arguments. */
START_TEST(test_reader_without_arguments) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db, "SELECT learnpath_internal_read()",
                    "ERROR: learnpath_internal_read(): for learnpath's own use only");
    sqlite3_close(db);
}
END_TEST

static int ct_deny_reader(void *p, int eAction, const char *z1, const char *z2, const char *z3,
                          const char *z4) {
    (void)p;
    (void)z1;
    (void)z3;
    (void)z4;
    if (eAction == SQLITE_FUNCTION && z2 && strcmp(z2, "learnpath_internal_read") == 0) {
        return SQLITE_DENY;
    }
    return SQLITE_OK;
}

/* A host whose authorizer refuses learnpath's reader gets a clear error. */
START_TEST(test_authorizer_refuses_reader) {
    sqlite3 *db = lpt_open_fixture("e_readme");
    sqlite3_set_authorizer(db, ct_deny_reader, NULL);
    /* SQLite 3.40 adds ": learnpath_internal_read"; older releases do not */
    char *zGot = lpt_query(db, "SELECT * FROM first_program('e')");
    const char *zWant = "ERROR: first_program(): cannot read 'e': not authorized";
    ck_assert_msg(strncmp(zGot, zWant, strlen(zWant)) == 0, "got: %s", zGot);
    sqlite3_free(zGot);
    sqlite3_set_authorizer(db, NULL, NULL);
    lpt_assert_rows(db, "SELECT count(*) FROM first_program('e')", "4\n");
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------- hostile tables */

/* Blobs and reals as user ids and programs (rule 3: as GROUP BY). */
START_TEST(test_blob_and_real_values) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id, program, enrolled_at);"
             "INSERT INTO t VALUES (x'01', x'4142', '2020-01-01'), (x'01', 2.5, '2020-01-02'),"
             "(1.5, 'P', '2020-01-01'), (9e999, 'Q', '2020-01-01'), (-9e999, 'R', '2020-01-01');");
    lpt_assert_rows(db, "SELECT typeof(user_id), user_id, path FROM program_journeys('t')",
                    "real|-Inf|R\nreal|1.5|P\nreal|Inf|Q\nblob|\x01|AB > 2.5\n");
    sqlite3_close(db);
}
END_TEST

/* A 1 MB program name comes back whole. */
START_TEST(test_huge_program_name) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id, program, enrolled_at);"
             "INSERT INTO t VALUES (1, printf('%.1000000c', 'p'), '2020-01-01'),"
             "(1, 'B', '2020-01-02');");
    lpt_assert_rows(db,
                    "SELECT length(from_program), to_program FROM program_transitions('t') "
                    "WHERE step = 1",
                    "1000000|B\n");
    sqlite3_close(db);
}
END_TEST

/* 100,000 distinct programs; every row at one instant (one tie group of
** 1,000 programs); no quadratic blow-up (these finish in well under a
** second; a quadratic path would take minutes). */
START_TEST(test_many_programs_and_one_instant) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id, program, enrolled_at);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
             "INSERT INTO t SELECT i, 'P' || i, '2020-01-01' FROM n;");
    lpt_assert_rows(db, "SELECT count(DISTINCT program), count(*) FROM first_program('t')",
                    "100000|100000\n");
    lpt_exec(db,
             "CREATE TABLE u(user_id, program, enrolled_at);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
             "INSERT INTO u SELECT 1, printf('P%04d', 1001 - i), '2020-01-01 10:00' FROM n;");
    lpt_assert_rows(db,
                    "SELECT tied, steps, programs, length(program), substr(program, 1, 15) "
                    "FROM first_program('u')",
                    "1|1|1000|7997|P0001 + P0002 +\n");
    sqlite3_close(db);
}
END_TEST

/* One user with 1,000,000 enrollments in shuffled time order. */
START_TEST(test_one_user_million_rows) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id, program, enrolled_at);"
             "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999) "
             "INSERT INTO t SELECT 42, 'P' || (i % 2), 2451545.0 + ((i * 7919) % 1000000) / 1000.0 "
             "FROM n;");
    /* steps alternate P0/P1 by time order: (k*7919) mod 10^6 is a permutation,
    ** so times are all distinct; collapse keeps runs of equal programs */
    lpt_assert_rows(db,
                    "SELECT count(*), min(step), max(days_since_prev) < 1 FROM program_steps "
                    "WHERE source = 't' AND repeats = 'keep'",
                    "1000000|1|1\n");
    lpt_assert_rows(db, "SELECT steps <= 1000000, programs FROM first_program('t')", "1|2\n");
    sqlite3_close(db);
}
END_TEST

/* Dates before year 0 are read as SQLite reads them; after 9999, NaN and
** infinite times are unreadable (rule 2); NaN stored is NULL (rule 1). */
START_TEST(test_extreme_times) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id, program, enrolled_at);"
             "INSERT INTO t VALUES (1, 'Old', '-0044-03-15 12:00'), (1, 'New', '9999-12-31 23:59:59'),"
             "(2, 'N', 0.0/0.0);");
    lpt_assert_rows(db, "SELECT user_id, step, program, started_at FROM program_steps('t')",
                    "1|1|Old|-0044-03-15 12:00:00\n1|2|New|9999-12-31 23:59:59\n");
    lpt_exec(db, "INSERT INTO t VALUES (3, 'X', '10000-01-01')");
    lpt_assert_rows(db, "SELECT * FROM first_program('t')",
                    "ERROR: first_program(): unreadable time '10000-01-01' in column 'enrolled_at' "
                    "of 't'");
    lpt_exec(db, "UPDATE t SET enrolled_at = 9e999 WHERE user_id = 3");
    lpt_assert_rows(db, "SELECT * FROM first_program('t')",
                    "ERROR: first_program(): unreadable time 'Inf' in column 'enrolled_at' of 't'");
    sqlite3_close(db);
}
END_TEST

/* Invalid UTF-8 in names passes through byte for byte. */
START_TEST(test_invalid_utf8) {
    sqlite3 *db = lpt_open();
    lpt_exec(db,
             "CREATE TABLE t(user_id, program, enrolled_at);"
             "INSERT INTO t VALUES (CAST(x'fffe' AS TEXT), CAST(x'c32841' AS TEXT), '2020-01-01');");
    lpt_assert_rows(db, "SELECT hex(user_id), hex(program) FROM first_program('t')", "FFFE|C32841\n");
    sqlite3_close(db);
}
END_TEST

/* --------------------------------------------------------- hostile args */

START_TEST(test_hostile_arguments) {
    sqlite3 *db = lpt_open_fixture("e_three_users");
    sqlite3_stmt *pStmt = NULL;
    char *zBig;
    /* a number where a name belongs */
    lpt_assert_rows(db, "SELECT * FROM first_program(42)",
                    "ERROR: first_program(): no such table or view '42'");
    /* unicode, quotes and semicolons in names are identifiers, not SQL */
    lpt_exec(db,
             "CREATE TABLE \"Einschreibungen ü; '\"\"\"(\"Lernende\", \"Kurs\", \"Datum\");"
             "INSERT INTO \"Einschreibungen ü; '\"\"\" VALUES ('ä', 'Kurs 1', '2020-01-01');");
    lpt_assert_rows(db,
                    "SELECT user_id, program FROM first_program('Einschreibungen ü; ''\"', "
                    "'Lernende', 'Kurs', 'Datum')",
                    "ä|Kurs 1\n");
    /* a 10 MB source name, bound as a value */
    zBig = malloc(10 * 1024 * 1024 + 1);
    ck_assert_ptr_nonnull(zBig);
    memset(zBig, 'n', 10 * 1024 * 1024);
    zBig[10 * 1024 * 1024] = 0;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT * FROM first_program(?1)", -1, &pStmt, 0),
                     SQLITE_OK);
    sqlite3_bind_text(pStmt, 1, zBig, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ERROR);
    ck_assert_str_eq(sqlite3_errmsg(db),
                     "first_program(): source name is too long (2000 bytes at most)");
    sqlite3_finalize(pStmt);
    free(zBig);
    /* unknown parameter values */
    lpt_assert_rows(db, "SELECT * FROM first_program WHERE source = 'e' AND repeats = 'all'",
                    "ERROR: first_program(): repeats must be 'collapse', 'keep' or 'first_only', "
                    "not 'all'");
    lpt_assert_rows(db, "SELECT * FROM first_program WHERE source = 'e' AND ties = NULL",
                    "ERROR: first_program(): ties must be 'group' or 'name', not NULL");
    sqlite3_close(db);
}
END_TEST

Suite *make_trust_suite(void) {
    Suite *s = suite_create("trust");
    TCase *tc = tcase_create("Views");
    tcase_add_test(tc, test_stored_view_trusted_schema);
    tcase_add_test(tc, test_stored_trigger_trusted_schema);
    tcase_add_test(tc, test_view_cycle_through_views);
    tcase_add_test(tc, test_nesting_depth_and_recursion);
    suite_add_tcase(s, tc);
    tc = tcase_create("Database files");
    tcase_add_test(tc, test_attached_file_cannot_read_main);
    tcase_add_test(tc, test_allow_views_is_direct_only);
    tcase_add_test(tc, test_allow_views_keeps_the_cache);
    tcase_add_test(tc, test_allow_views_and_prepared_statements);
    tcase_add_test(tc, test_sample_stays_innocuous);
    suite_add_tcase(s, tc);
    tc = tcase_create("Reentrancy");
    tcase_add_test(tc, test_r1_text_outlives_step);
    tcase_add_test(tc, test_r2_refilter);
    tcase_add_test(tc, test_r3_close_ok);
    tcase_add_test(tc, test_r4_insert_into_source);
    tcase_add_test(tc, test_r5_r6_messages);
    tcase_add_test(tc, test_r7_plan);
    tcase_add_test(tc, test_r8_aggregate_no_rows);
    suite_add_tcase(s, tc);
    tc = tcase_create("Reader");
    tcase_add_test(tc, test_internal_reader_refused);
    tcase_add_test(tc, test_reader_without_arguments);
    tcase_add_test(tc, test_authorizer_refuses_reader);
    suite_add_tcase(s, tc);
    tc = tcase_create("Hostile");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_blob_and_real_values);
    tcase_add_test(tc, test_huge_program_name);
    tcase_add_test(tc, test_many_programs_and_one_instant);
    tcase_add_test(tc, test_one_user_million_rows);
    tcase_add_test(tc, test_extreme_times);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_hostile_arguments);
    suite_add_tcase(s, tc);
    return s;
}
