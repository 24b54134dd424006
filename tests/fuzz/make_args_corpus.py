#!/usr/bin/env python3
"""make_args_corpus.py - write the seed corpus of fuzz_args.c.

    python3 tests/fuzz/make_args_corpus.py     (from the repository root)

fuzz_args.c reads its input as a sequence of choices; this script encodes
readable intents ("program_steps on w, ties named 'name', bound") into those
bytes, one file per intent, in tests/fuzz/corpus/fuzz_args/. The pools'
indexes below must follow the pools of fuzz_args.c (aSource, aColumn, ...).
Run an input with FUZZ_ARGS_VERBOSE=1 build/fuzz/replay_args FILE to see
the SQL it decodes to. Files named crash-* are regression inputs found by
fuzzing; this script leaves them alone.
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "fuzz_args")

SOURCE = ["e", "w", "v", "steps_v", "selfv", "nr", "empty", 'we"ird.t', "main.w", "main.e",
          "temp.w", "aux.w", "nosuch", "", "main.", ".w", "w.", "log", "sqlite_schema",
          "pragma_database_list", "first_program", "sample_enrollments", "W", 'main."w"', '"w"',
          "w'", None, 42, b"w", 1.5]
COLUMN = ["user_id", "program", "enrolled_at", "seg", "user_type", "account", "uid", "prog", "at",
          "user id", 'pro"gram', "USER_ID", "Program", "rowid", "_rowid_", "oid", "nosuch", "",
          "started_at", "segment", "n", "name", "seq", None, 7, b"program", 'program"',
          "[program]"]
TIME = ["2021-01-01", "2021-01-01 10:00:00", "-0001-06-15", "9999-12-31 23:59:59.999",
        "10000-01-01", "now", "", "yesterday", "2021-02-31", "24:00", "2021-01-01T00:00:00+14:00",
        "2021-01-01 25:00", " 2021-06-01 ", "2459300.5", "1617279000", 2459300.5, 1617279000, 0,
        -1, 1e308, "inf", "-inf", 5373484.5, 253402300800, -210866760001, None, b"2021-01-01",
        "-0.0"]
DAYS = [0, 1, 0.5, 45, 1000000000, 1000000001, -1, "-0.0", "inf", "abc", "12", " 12 ", "1e3", "",
        None, b"12", 1e-300, 9223372036854775807]
TIES = ["group", "name", "NAME", "Group", "group ", "", "x", None, 1, b"name"]
REPEATS = ["collapse", "keep", "first_only", "FIRST_ONLY", "first-only", "", None, 0, "Keep"]
BADTIMES = ["error", "skip", "SKIP", "", "ignore", None, 1]
USERS = [0, 1, 7, 40, 300, 10000001, -1, "5", "x", None, 2.5, 1e10, " 12", b"5", 2**63 - 1]
SEED = [0, 42, -1, 2**63 - 1, -2**63, "abc", None, 1.5, "7"]
WEIGHT = [1, 0, -5, 0.25, 1e280, 1e281, "inf", "12", "x", None, b"1", 2**63 - 1, "-0.0"]
TITLE = ["Journeys", None, 42, b"t", "", "<&>\"' title", "bad utf-8", "tab newline", "long"]
MODE = ["grouped", "stacked", "STACKED", "x", None, 3, ""]

FUNCS = ["first_program", "program_journeys", "program_steps", "program_transitions",
         "enrollment_profile", "first_program_stats", "program_popularity", "first_program_monthly"]
KIND_OF_FUNC = {"first_program": 0, "program_journeys": 1, "program_steps": 2,
                "program_transitions": 3, "enrollment_profile": 4, "first_program_stats": 9,
                "program_popularity": 10, "first_program_monthly": 11}
ARGS = ["source", "user_col", "program_col", "time_col", "segment_col", "since", "until",
        "within_days", "ties", "repeats", "bad_times"]
POOLS = [SOURCE, COLUMN, COLUMN, COLUMN, COLUMN, TIME, TIME, DAYS, TIES, REPEATS, BADTIMES]
SHAPES = ["plain", "plain2", "count", "orderlimit", "correlated", "selfjoin", "joinsource",
          "insert"]
MISC = ["cache_clear", "cache_limit0", "cache_limit100", "cache_limit1e9", "attach", "aux_copy",
        "delete_half", "update", "temp_shadow", "begin", "commit", "rollback", "savepoint",
        "release", "untrusted", "drop_selfv", "version", "budget1", "budget0", "budget100k"]


def vbyte(pool, value):
    """The byte that picks value from pool (index * 8; low bits 0)."""
    for i, v in enumerate(pool):
        if type(v) is type(value) and v == value:
            return i * 8
    raise ValueError("%r not in pool" % (value,))


class Enc:
    def __init__(self):
        self.b = bytearray()

    def byte(self, v):
        self.b.append(v & 255)

    def val(self, pool, value):
        if isinstance(value, Raw):
            self.byte(7 | (8 if value.blob else 0))
            self.byte(len(value.data))
            self.b += value.data
        else:
            self.byte(vbyte(pool, value))


class Raw:
    def __init__(self, data, blob=False):
        assert len(data) < 47
        self.data = data
        self.blob = blob


def journey(e, func, pos=(), named=(), shape="plain", bind=False, limit=(5, 0), use_in=()):
    """pos: values of the first len(pos) arguments, positional; named:
    {arg: value}; bind: bind every value as a parameter."""
    named = dict(named)
    e.byte(KIND_OF_FUNC[func])
    vals = {}
    for k in range(11):
        name = ARGS[k]
        if k < len(pos):
            e.byte(1)
            e.val(POOLS[k], pos[k])
            vals[k] = ("pos", pos[k])
        elif name in named:
            e.byte(1 | (2 if k <= 4 else 0))
            e.val(POOLS[k], named[name])
            vals[k] = ("named", named[name])
        else:
            e.byte(15 if k == 0 else 0)
    e.byte(SHAPES.index(shape))
    b = 1 if bind else 0
    named_keys = [k for k in range(11) if k in vals and vals[k][0] == "named"]

    def call():
        for k in range(len(pos)):
            e.byte(b)

    def where(keys):
        for k in keys:
            if ARGS[k] in use_in:
                e.byte(0)  # IN (v, v)
                e.byte(b)
                e.byte(b)
            else:
                e.byte(1)
                e.byte(b)

    if shape in ("plain", "plain2", "count", "correlated", "insert"):
        call()
        where(named_keys)
    elif shape == "orderlimit":
        call()
        where(named_keys)
        e.byte(limit[0])
        e.byte(limit[1])
    elif shape == "selfjoin":
        call()
        call()
        where(named_keys)
        where(named_keys)
    elif shape == "joinsource":
        e.byte(b)  # the source, in the joined subquery
        where([k for k in range(1, 11) if k in vals])


def sample(e, form, users=None, seed=None, bind=False):
    e.byte(5)
    e.byte(form)
    b = 1 if bind else 0
    if form in (0, 1, 2):
        e.val(USERS, users)
        e.byte(b)
    if form in (1, 2, 3):
        e.val(SEED, seed)
        e.byte(b)


def chart(e, bar, nextra, iargs, ifrom, weight=None, title=None, mode=None, group=False):
    e.byte(7 if bar else 6)
    e.byte(nextra)
    e.byte(ifrom)
    e.byte(iargs)
    if weight is None:
        e.byte(1)  # the column: users or rowid % 7 - 1
    else:
        e.byte(0)
        e.val(WEIGHT, weight)
        e.byte(0)
    if nextra >= 1:
        e.val(TITLE, title)
        e.byte(0)
    if nextra >= 2:
        e.val(MODE, mode)
        e.byte(0)
    e.byte(0 if group else 1)


def misc(e, what):
    e.byte(8)
    e.byte(MISC.index(what))


def write(name, stmts, reset_at=0, accessor_seed=0):
    """stmts: list of functions that encode one statement each (1 to 3).
    After each statement: reset the statement after reset_at rows (0: no),
    and the seed of the column accessors."""
    e = Enc()
    e.byte(len(stmts) - 1)
    for s in stmts:
        s(e)
        e.byte(reset_at)
        e.byte(accessor_seed)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes(e.b))


J = journey
CASES = {
    "first-program-e": [lambda e: J(e, "first_program", ["e"])],
    "first-program-all-positional": [
        lambda e: J(e, "first_program", ["e", "user_id", "program", "enrolled_at", "user_type"])],
    "journeys-w-seg-bound": [
        lambda e: J(e, "program_journeys", ["w", "user_id", "program", "enrolled_at", "seg"],
                    named={"bad_times": "skip"}, bind=True)],
    "steps-ties-name": [lambda e: J(e, "program_steps", ["w"], {"ties": "name", "bad_times": "skip"})],
    "steps-ties-name-upper-bound": [
        lambda e: J(e, "program_steps", ["e"], {"ties": "NAME"}, bind=True)],
    "transitions-first-only": [
        lambda e: J(e, "program_transitions", ["e", "user_id", "program", "enrolled_at", "user_type"],
                    {"repeats": "first_only"})],
    "transitions-repeats-keep-within": [
        lambda e: J(e, "program_transitions", ["w"],
                    {"repeats": "keep", "within_days": 0.5, "bad_times": "skip"})],
    "journeys-since-until": [
        lambda e: J(e, "program_journeys", ["e"], {"since": "2021-01-01", "until": 1617279000})],
    "journeys-since-year-minus1": [
        lambda e: J(e, "program_journeys", ["w"], {"since": "-0001-06-15", "until": "9999-12-31 23:59:59.999",
                                                  "bad_times": "skip"}, bind=True)],
    "steps-since-inf": [lambda e: J(e, "program_steps", ["e"], {"since": "inf"}, bind=True)],
    "steps-until-now": [lambda e: J(e, "program_steps", ["e"], {"until": "now"})],
    "within-days-bad": [lambda e: J(e, "first_program", ["e"], {"within_days": "abc"})],
    "within-days-huge": [lambda e: J(e, "first_program", ["e"], {"within_days": 1000000001})],
    "within-days-text-number": [lambda e: J(e, "first_program", ["e"], {"within_days": " 12 "}, bind=True)],
    "profile-w-skip": [
        lambda e: J(e, "enrollment_profile", ["w", "user_id", "program", "enrolled_at", "seg"],
                    {"bad_times": "skip"})],
    "profile-empty": [lambda e: J(e, "enrollment_profile", ["empty"])],
    "source-quoted-weird": [
        lambda e: J(e, "program_journeys", ['we"ird.t', "user id", 'pro"gram', "at", "seg"],
                    {"bad_times": "skip"})],
    "source-schema-main": [lambda e: J(e, "first_program", ["main.e"])],
    "source-schema-missing": [lambda e: J(e, "first_program", ["aux.w"])],
    "source-null": [lambda e: J(e, "first_program", [None])],
    "source-blob-bound": [lambda e: J(e, "first_program", [b"w"], {"bad_times": "skip"}, bind=True)],
    "source-raw-bytes": [lambda e: J(e, "program_steps", [Raw(b"w\x00e")], bind=True)],
    "source-view": [lambda e: J(e, "program_journeys", ["v", "uid", "prog", "at", "seg"],
                                {"bad_times": "skip"})],
    "source-view-over-function": [
        lambda e: J(e, "first_program", ["steps_v", "user_id", "program", "enrolled_at", "segment"])],
    "source-self-view": [lambda e: J(e, "program_steps", ["selfv"])],
    "source-vtab": [lambda e: J(e, "first_program", ["pragma_database_list", "seq", "name", "seq"])],
    "source-without-rowid": [lambda e: J(e, "program_steps", ["nr"], {"bad_times": "skip"})],
    "columns-null": [lambda e: J(e, "first_program", ["e", None])],
    "columns-rowid": [lambda e: J(e, "first_program", ["e", "rowid", "program", "enrolled_at"])],
    "columns-missing": [lambda e: J(e, "program_transitions", ["e", "nosuch"])],
    "columns-named-only": [
        lambda e: J(e, "program_journeys", ["e"], {"user_col": "USER_ID", "program_col": "Program",
                                                  "segment_col": "account"})],
    "ties-null": [lambda e: J(e, "program_steps", ["e"], {"ties": None})],
    "ties-in-list": [lambda e: J(e, "program_steps", ["e"], {"ties": "name"}, use_in=("ties",))],
    "repeats-integer": [lambda e: J(e, "program_steps", ["e"], {"repeats": 0})],
    "bad-times-ignore": [lambda e: J(e, "program_steps", ["w"], {"bad_times": "ignore"})],
    "shape-count": [lambda e: J(e, "program_transitions", ["w"], {"bad_times": "skip"}, shape="count")],
    "shape-order-limit": [lambda e: J(e, "program_steps", ["e"], shape="orderlimit", limit=(7, 2))],
    "shape-correlated": [lambda e: J(e, "program_steps", ["e"], {"ties": "name"}, shape="correlated")],
    "shape-self-join": [lambda e: J(e, "program_journeys", ["e"], shape="selfjoin")],
    "shape-join-source": [
        lambda e: J(e, "first_program", ["w"], {"bad_times": "skip", "ties": "group"}, shape="joinsource")],
    "shape-insert-own-source": [lambda e: J(e, "program_steps", ["w"], {"bad_times": "skip"}, shape="insert")],
    "reset-midway": [lambda e: J(e, "program_steps", ["e"])],
    "stats-e-segment": [
        lambda e: J(e, "first_program_stats", ["e", "user_id", "program", "enrolled_at", "user_type"])],
    "stats-w-ties-name-skip": [
        lambda e: J(e, "first_program_stats", ["w"], {"ties": "name", "bad_times": "skip"}, bind=True)],
    "popularity-e-segment": [
        lambda e: J(e, "program_popularity", ["e", "user_id", "program", "enrolled_at", "user_type"],
                    {"within_days": 45, "repeats": "first_only"})],
    "monthly-w-window-bound": [
        lambda e: J(e, "first_program_monthly", ["w"],
                    {"since": "2021-01-01", "until": " 2021-06-01 ", "bad_times": "skip"}, bind=True)],
    "streaming-popularity-monthly": [
        lambda e: misc(e, "budget1"),
        lambda e: J(e, "program_popularity", ["e"], {"ties": "name"}, shape="count"),
        lambda e: J(e, "first_program_monthly", ["e", "user_id", "program", "enrolled_at", "user_type"],
                    shape="correlated")],
    "streaming-steps": [
        lambda e: misc(e, "budget1"),
        lambda e: J(e, "program_steps", ["e", "user_id", "program", "enrolled_at", "user_type"],
                    {"ties": "name"})],
    "streaming-transitions-bad-times": [
        lambda e: misc(e, "budget1"),
        lambda e: J(e, "program_transitions", ["w"], {"bad_times": "skip"}),
        lambda e: J(e, "program_transitions", ["w"])],
    "streaming-stats-correlated": [
        lambda e: misc(e, "budget1"),
        lambda e: J(e, "first_program_stats", ["e"], shape="correlated")],
    "sample-small": [lambda e: sample(e, 1, 7, 42)],
    "sample-too-many": [lambda e: sample(e, 0, 10000001)],
    "sample-bad-seed": [lambda e: sample(e, 2, 7, "abc", bind=True)],
    "sample-seed-min": [lambda e: sample(e, 1, 40, -2**63)],
    "sample-no-users": [lambda e: sample(e, 3, seed=1.5)],
    "sankey-transitions": [lambda e: chart(e, False, 1, 0, 1, title="Journeys")],
    "sankey-negative-weights": [lambda e: chart(e, False, 0, 1, 2, weight=-5)],
    "sankey-inf-weight-title-blob": [lambda e: chart(e, False, 1, 3, 2, weight="inf", title=b"t")],
    "sankey-empty": [lambda e: chart(e, False, 0, 0, 3, weight=1)],
    "bar-stacked": [lambda e: chart(e, True, 2, 0, 2, weight=1, title="<&>\"' title", mode="stacked")],
    "bar-bad-mode": [lambda e: chart(e, True, 2, 1, 2, weight=0.25, title=None, mode="x")],
    "bar-huge-values-grouped": [lambda e: chart(e, True, 0, 2, 2, weight=1e281, group=True)],
    "cache-then-update": [
        lambda e: J(e, "program_steps", ["e"], shape="count"),
        lambda e: misc(e, "update"),
        lambda e: J(e, "program_steps", ["e"], shape="count")],
    "cache-limit-then-read": [
        lambda e: misc(e, "cache_limit100"),
        lambda e: J(e, "first_program", ["e"]),
        lambda e: misc(e, "cache_clear")],
    "attach-and-read": [
        lambda e: misc(e, "attach"),
        lambda e: misc(e, "aux_copy"),
        lambda e: J(e, "first_program", ["aux.w"], {"bad_times": "skip"})],
    "transaction-rollback": [
        lambda e: misc(e, "begin"),
        lambda e: misc(e, "delete_half"),
        lambda e: J(e, "program_steps", ["w"], {"bad_times": "skip"}, shape="count")],
    "temp-shadow": [
        lambda e: J(e, "first_program", ["w"], {"bad_times": "skip"}, shape="count"),
        lambda e: misc(e, "temp_shadow"),
        lambda e: J(e, "first_program", ["w"], shape="count")],
    "untrusted-schema-view": [
        lambda e: misc(e, "untrusted"),
        lambda e: J(e, "first_program", ["steps_v", "user_id", "program", "enrolled_at"])],
}

ACCESSORS = {"reset-midway": (3, 17), "shape-correlated": (0, 99)}

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, stmts in CASES.items():
        reset_at, acc = ACCESSORS.get(name, (0, 0))
        write(name, stmts, reset_at, acc)
    print("wrote %d files to %s" % (len(CASES), OUT))
