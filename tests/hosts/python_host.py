"""python_host.py - learnpath from Python's sqlite3 module (tests/hosts/python.sh runs it).

    PYTHON tests/hosts/python_host.py EXT VERSION DB   the host test proper
    PYTHON tests/hosts/python_host.py --probe EXT      what a user's script sees

The host test loads EXT (dist/learnpath, no suffix: SQLite adds it) the way the
README shows, runs the core query of sql/01 and the saved report sql/02 (its
SQL statements, dot-commands left out) against DB (the tests/sql fixture) and
asserts the figures, and reads a view saved in DB over first_program: refused
until learnpath_allow_views(1), and again after learnpath_allow_views(0), even
through Python's statement cache (README.md, "Trust model"). Each check prints
"ok python: ..." or "FAIL python: ...".

--probe runs the check the README recommends before loading and prints what it
says; exit status 0 = loaded, 3 = this Python cannot load extensions.
"""
import sqlite3
import sys

HOST = "python"
ADVICE = (
    "this Python's sqlite3 module was built without extension loading "
    "(no enable_load_extension); use the system Python (/usr/bin/python3 on "
    "Debian and Ubuntu) or one built with --enable-loadable-sqlite-extensions"
)

results = {"ok": 0, "fail": 0}


def check(cond, what, detail=None):
    if cond:
        print(f"ok {HOST}: {what}")
        results["ok"] += 1
    else:
        print(f"FAIL {HOST}: {what}")
        if detail is not None:
            for line in str(detail).splitlines()[:40]:
                print("    " + line)
        results["fail"] += 1
    return cond


def load_learnpath(con, path):
    """Load learnpath into con, or raise RuntimeError with ADVICE."""
    if not hasattr(con, "enable_load_extension"):
        raise RuntimeError(ADVICE)
    con.enable_load_extension(True)
    try:
        con.load_extension(path)
    finally:
        con.enable_load_extension(False)


def probe(ext):
    print(f"python {sys.version.split()[0]} at {sys.executable}, SQLite {sqlite3.sqlite_version}")
    con = sqlite3.connect(":memory:")
    try:
        con.enable_load_extension(True)
    except AttributeError as e:
        print(f"AttributeError: {e}")
    try:
        load_learnpath(con, ext)
    except RuntimeError as e:
        print(f"learnpath: {e}")
        return 3
    print("loaded learnpath " + con.execute("SELECT learnpath_version()").fetchone()[0])
    return 0


def report_statements(path):
    """The SQL statements of a saved report: dot-commands dropped, split with
    sqlite3.complete_statement as the shell would."""
    stmts, buf = [], ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("."):
                continue
            buf += line
            if sqlite3.complete_statement(buf):
                if buf.strip():
                    stmts.append(buf)
                buf = ""
    stmt = buf.strip()
    if stmt and not all(l.strip().startswith("--") for l in stmt.splitlines()):
        stmts.append(buf)
    return stmts


def main(ext, version, db):
    print(f"# {sys.executable} (Python {sys.version.split()[0]}), SQLite {sqlite3.sqlite_version}")
    con = sqlite3.connect(db)

    # Without loading: the error a user sees when they forget.
    try:
        con.execute("SELECT * FROM first_program('enrollments')").fetchall()
        check(False, "first_program is unknown before load_extension")
    except sqlite3.OperationalError as e:
        check("no such table: first_program" in str(e),
              "before load_extension: 'no such table: first_program'", e)

    try:
        load_learnpath(con, ext)
    except (RuntimeError, sqlite3.Error) as e:
        check(False, f"enable_load_extension(True) + load_extension({ext!r})", e)
        return
    check(True, f"enable_load_extension(True) + load_extension({ext!r})")
    got = con.execute("SELECT learnpath_version()").fetchone()[0]
    check(got == version, f"learnpath_version() = {version}", got)

    # Loading is switched off again: SQL cannot load anything.
    try:
        con.execute("SELECT load_extension('x')").fetchall()
        check(False, "load_extension() from SQL refused after enable_load_extension(False)")
    except sqlite3.OperationalError as e:
        check("not authorized" in str(e),
              "load_extension() from SQL refused after enable_load_extension(False)", e)

    # The core of sql/01: first program by user type.
    rows = con.execute(
        """SELECT coalesce(segment, '(no user type)'),
                  CASE WHEN tied THEN '(several at once)' ELSE program END,
                  count(*)
             FROM first_program('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
            GROUP BY 1, 2 ORDER BY 1, 2"""
    ).fetchall()
    want = [
        ("professional", "Flagship", 5),
        ("professional", "Program A", 1),
        ("professional", "Program D", 1),
        ("student", "(several at once)", 1),
        ("student", "Flagship", 1),
        ("student", "Program A", 5),
        ("student", "Program B", 1),
    ]
    check(rows == want, "first program counts by user type (sql/01's core query)",
          f"expected {want}\ngot      {rows}")

    # Types come back as Python values: user ids as stored (TEXT here), days as float.
    r = con.execute(
        "SELECT user_id, program, next_program, days_to_next, steps "
        "FROM first_program('enrollments') WHERE user_id = '1'"
    ).fetchone()
    check(r == ("1", "Program A", "Flagship", 10.0, 2),
          "a user's row as Python values ('1', 'Program A', 'Flagship', 10.0, 2)", r)

    # The saved report sql/02, statement by statement.
    stmts = report_statements("sql/02_initial_next_program.sql")
    rows = []
    try:
        for s in stmts:
            rows = con.execute(s).fetchall()
        ok = True
    except sqlite3.Error as e:
        ok = False
        check(False, "sql/02_initial_next_program.sql runs", e)
    if ok:
        check(len(stmts) == 1 and len(rows) == 11,
              "sql/02_initial_next_program.sql runs: 1 statement, 11 rows",
              f"{len(stmts)} statements, {len(rows)} rows")
        want = [
            ("professional", "Flagship", 5, "(did not continue)", 2, 40.0, None),
            ("professional", "Flagship", 5, "Program A", 2, 40.0, 66.7),
            ("student", "Program A", 5, "Flagship", 2, 40.0, 66.7),
            ("student", "(several at once)", 1, "Program A", 1, 100.0, 100.0),
        ]
        missing = [w for w in want if w not in rows]
        check(not missing, "sql/02: initial -> next rows with starters and percentages",
              f"missing {missing}\nin {rows}")

    # sql/05 with no group column set: its first result is one note (rule 16).
    stmts = report_statements("sql/05_largest_account.sql")
    try:
        notes = []
        for s in stmts:
            cur = con.execute(s)
            res = cur.fetchall()
            if cur.description and cur.description[0][0] == "note":
                notes += res
        check(len(notes) == 1 and notes[0][0].startswith("No group column is set"),
              "sql/05 with no group column set: one note saying so", notes)
    except sqlite3.Error as e:
        check(False, "sql/05_largest_account.sql runs with no group column set", e)

    # The report settings from Python, the value bound as a parameter (rule 16).
    prev = con.execute("SELECT learnpath_report_setting('group_col', ?)", ("account",)).fetchone()[0]
    check(prev is None, "learnpath_report_setting('group_col', ?) from Python returns the previous value (None)",
          prev)

    # sql/05's queries: every statement runs, with the group column set;
    # the transitions table (4 rows), then the three lines of tests (rule 23)
    try:
        results = []
        for s in stmts:
            cur = con.execute(s)
            res = cur.fetchall()
            if cur.description:
                results.append(res)
        first = results[0] if results else None
        tests = results[-1] if results else []
        check(first == [("Corp X", 5, 10, 33.3)] and len(results) >= 2 and len(results[-2]) == 4
              and len(tests) == 3 and tests[1][0].startswith("No evidence that the users of Corp X"),
              f"sql/05_largest_account.sql: {len(stmts)} statements, largest account Corp X (5 users), "
              "its transitions and its three lines of tests",
              f"results {results}")
    except sqlite3.Error as e:
        check(False, "sql/05_largest_account.sql runs", e)

    saved_view(con)
    con.close()


def saved_view(con):
    """A view saved in the database over first_program (README.md, "Trust model")."""
    refusal = 'unsafe use of virtual table "first_program"'
    con.execute("CREATE VIEW firsts_saved AS SELECT user_id, program FROM first_program('enrollments')")
    query = "SELECT count(*) FROM firsts_saved"

    def refused(when):
        try:
            got = con.execute(query).fetchall()
            check(False, f"saved view {when}: refused", got)
        except sqlite3.OperationalError as e:
            check(refusal in str(e), f"saved view {when}: refused with '{refusal}'", e)

    refused("before learnpath_allow_views(1)")
    was = con.execute("SELECT learnpath_allow_views(1)").fetchone()[0]
    try:
        n = con.execute(query).fetchone()[0]
        check(was == 0 and n == 15, "after learnpath_allow_views(1) (returned 0): the saved view reads 15 users",
              f"returned {was}, {n} users")
    except sqlite3.Error as e:
        check(False, "after learnpath_allow_views(1): the saved view reads", e)
    con.execute("SELECT learnpath_allow_views(0)").fetchall()
    refused("after learnpath_allow_views(0), the same SQL (Python's statement cache)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        sys.exit(probe(sys.argv[2]))
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
    sys.exit(1 if results["fail"] else 0)
