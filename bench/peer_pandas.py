#!/usr/bin/python3
"""peer_pandas.py DB RUNS TIMES_FILE - the seed report in pandas (optional peer).

Run by bench/run.sh with /usr/bin/python3 (Debian's python3-pandas) when that
can import pandas. It first loads the table into a DataFrame, as an analyst
whose data is already in pandas would have it (times parsed to datetime64),
and does not time that. Then it computes the report RUNS times, timing only
that computation, and writes one line per run to TIMES_FILE: wall seconds
and CPU seconds.

The report is bench/peer_window.sql's, written the way a careful pandas user
would: sort by (user_id, enrolled_at, program), number each user's rows with
groupby().cumcount() and look one row ahead with groupby().shift(-1). It
prints the same lines as peer_window.sql (same rounding, numbers formatted
as SQLite prints them), so bench/run.sh can check it gives the same numbers.
"""
import sqlite3
import sys
import time

import pandas as pd

LOAD_SQL = """
SELECT user_id, program, enrolled_at, user_type FROM enrollments
WHERE user_id IS NOT NULL AND program IS NOT NULL AND program <> ''
  AND enrolled_at IS NOT NULL AND enrolled_at <> ''
"""


def load(db):
    con = sqlite3.connect(db)
    try:
        df = pd.read_sql_query(LOAD_SQL, con)
    finally:
        con.close()
    df["enrolled_at"] = pd.to_datetime(df["enrolled_at"], format="%Y-%m-%d %H:%M:%S")
    return df


def report(df):
    d = df.sort_values(["user_id", "enrolled_at", "program"])
    g = d.groupby("user_id", sort=False)
    d = d.assign(
        rn=g.cumcount(),
        next_program=g["program"].shift(-1),
        next_at=g["enrolled_at"].shift(-1),
    )
    firsts = d[d["rn"] == 0]
    firsts = firsts.assign(secs=(firsts["next_at"] - firsts["enrolled_at"]).dt.total_seconds())

    a = firsts.groupby(["user_type", "program"]).size().rename("users").reset_index()
    a["pct"] = 100.0 * a["users"] / a.groupby("user_type")["users"].transform("sum")

    b = (
        firsts.assign(next_program=firsts["next_program"].fillna("(did not continue)"))
        .groupby(["user_type", "program", "next_program"])
        .size()
        .rename("users")
        .reset_index()
    )
    b["pct"] = 100.0 * b["users"] / b.groupby(["user_type", "program"])["users"].transform("sum")

    c = (
        firsts.groupby(["user_type", "program"])
        .agg(users=("user_id", "size"), continued=("next_program", "count"), median=("secs", "median"))
        .reset_index()
    )
    c["pct"] = 100.0 * c["continued"] / c["users"]
    return a, b, c


def sqlnum(x, digits):
    """round(x, digits) printed as the sqlite3 shell prints a REAL."""
    if pd.isna(x):
        return ""
    s = "%.15g" % float("%.*f" % (digits, x))
    if "." not in s and "e" not in s and "n" not in s:
        s += ".0"
    return s


def lines(a, b, c):
    out = []
    for r in a.sort_values(["user_type", "program"]).itertuples():
        out.append("a|%s|%s|%d|%s" % (r.user_type, r.program, r.users, sqlnum(r.pct, 4)))
    for r in b.sort_values(["user_type", "program", "next_program"]).itertuples():
        out.append("b|%s|%s|%s|%d|%s" % (r.user_type, r.program, r.next_program, r.users, sqlnum(r.pct, 4)))
    for r in c.sort_values(["user_type", "program"]).itertuples():
        out.append("c|%s|%s|%d|%d|%s|%s" % (r.user_type, r.program, r.users, r.continued,
                                            sqlnum(r.pct, 4), sqlnum(r.median, 1)))
    return out


def main():
    db, runs, times_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    df = load(db)
    times, first = [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = lines(*report(df))
        times.append((time.perf_counter() - t0, time.process_time() - c0))
        if first is None:
            first = out
        elif out != first:
            sys.exit("peer_pandas: the report differs between runs")
    with open(times_file, "w") as f:
        f.writelines("%.4f %.4f\n" % t for t in times)
    sys.stdout.write("\n".join(first) + "\n")


if __name__ == "__main__":
    main()
