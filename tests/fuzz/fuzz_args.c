/*
** fuzz_args.c - libFuzzer harness: the input chooses a learnpath call.
**
** The bytes of the input are read as a sequence of choices (a missing byte
** reads as 0): which function, which source, and for each argument whether
** it is absent, positional, or a named constraint (WHERE arg = value),
** whether its value is written into the SQL or bound as a parameter, and
** the value itself, from pools of meaningful and awkward values (quoted
** and dotted names, numbers, NULLs, blobs, time strings and Julian days,
** ties/repeats/bad_times spellings) or as raw bytes from the input. A last
** choice picks the shape of the query (plain, count, ORDER BY/LIMIT, a
** correlated subquery and a self-join that re-run xFilter, the source
** coming from a joined table, IN on an argument, INSERT INTO the source from
** its own function), whether to reset the statement midway and start
** over, and a seed for how each value of the result is read
** (sqlite3_column_text/int64/double/blob/value).
**
** Set FUZZ_ARGS_VERBOSE=1 to print the SQL and the bound values of each
** input (that is the reproducer to report for a crash).
**
** Runs on the seed database of fuzz_common.h; after each input the
** connection must close cleanly and leave no SQLite memory in use.
*/
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv);
int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

int LLVMFuzzerInitialize(int *pArgc, char ***pArgv) {
    (void)pArgc;
    (void)pArgv;
    fuzzInit();
    return 0;
}

/* ---------------------------------------------------------- the reader */

typedef struct reader {
    const uint8_t *a;
    size_t n, i;
} reader;

static unsigned rdByte(reader *r) {
    return r->i < r->n ? r->a[r->i++] : 0;
}

static unsigned rdPick(reader *r, unsigned n) {
    return rdByte(r) % n;
}

/* ---------------------------------------------------------- the values */

enum { V_NULL, V_INT, V_REAL, V_TEXT, V_BLOB };

typedef struct val {
    int eType;
    sqlite3_int64 i;
    double r;
    const char *z;  /* V_TEXT / V_BLOB */
    int n;
    const char *zLiteral; /* V_REAL: how to write it (9e999, -0.0 ...) */
} val;

#define TXT(s) {V_TEXT, 0, 0, s, (int)sizeof(s) - 1, NULL}
#define INT(v) {V_INT, v, 0, NULL, 0, NULL}
#define REAL(v, lit) {V_REAL, 0, v, NULL, 0, lit}
#define BLOB(s) {V_BLOB, 0, 0, s, (int)sizeof(s) - 1, NULL}
#define NUL {V_NULL, 0, 0, NULL, 0, NULL}

static const val aSource[] = {
    TXT("e"), TXT("w"), TXT("v"), TXT("steps_v"), TXT("selfv"), TXT("nr"), TXT("empty"),
    TXT("we\"ird.t"), TXT("main.w"), TXT("main.e"), TXT("temp.w"), TXT("aux.w"), TXT("nosuch"),
    TXT(""), TXT("main."), TXT(".w"), TXT("w."), TXT("log"), TXT("sqlite_schema"),
    TXT("pragma_database_list"), TXT("first_program"), TXT("sample_enrollments"), TXT("W"),
    TXT("main.\"w\""), TXT("\"w\""), TXT("w'"), NUL, INT(42), BLOB("w"), REAL(1.5, NULL),
};

static const val aColumn[] = {
    TXT("user_id"), TXT("program"), TXT("enrolled_at"), TXT("seg"), TXT("user_type"),
    TXT("account"), TXT("uid"), TXT("prog"), TXT("at"), TXT("user id"), TXT("pro\"gram"),
    TXT("USER_ID"), TXT("Program"), TXT("rowid"), TXT("_rowid_"), TXT("oid"), TXT("nosuch"),
    TXT(""), TXT("started_at"), TXT("segment"), TXT("n"), TXT("name"), TXT("seq"), NUL,
    INT(7), BLOB("program"), TXT("program\""), TXT("[program]"),
};

static const val aTime[] = {
    TXT("2021-01-01"), TXT("2021-01-01 10:00:00"), TXT("-0001-06-15"),
    TXT("9999-12-31 23:59:59.999"), TXT("10000-01-01"), TXT("now"), TXT(""), TXT("yesterday"),
    TXT("2021-02-31"), TXT("24:00"), TXT("2021-01-01T00:00:00+14:00"), TXT("2021-01-01 25:00"),
    TXT(" 2021-06-01 "), TXT("2459300.5"), TXT("1617279000"), REAL(2459300.5, NULL),
    INT(1617279000), INT(0), INT(-1), REAL(1e308, NULL), REAL(0, "9e999"), REAL(0, "-9e999"),
    REAL(5373484.5, NULL), INT(253402300800LL), INT(-210866760001LL), NUL, BLOB("2021-01-01"),
    REAL(-0.0, "-0.0"),
};

static const val aDays[] = {
    INT(0), INT(1), REAL(0.5, NULL), INT(45), INT(1000000000), INT(1000000001), INT(-1),
    REAL(-0.0, "-0.0"), REAL(0, "9e999"), TXT("abc"), TXT("12"), TXT(" 12 "), TXT("1e3"),
    TXT(""), NUL, BLOB("12"), REAL(1e-300, NULL), INT(9223372036854775807LL),
};

static const val aTies[] = {
    TXT("group"), TXT("name"), TXT("NAME"), TXT("Group"), TXT("group "), TXT(""), TXT("x"),
    NUL, INT(1), BLOB("name"),
};

static const val aRepeats[] = {
    TXT("collapse"), TXT("keep"), TXT("first_only"), TXT("FIRST_ONLY"), TXT("first-only"),
    TXT(""), NUL, INT(0), TXT("Keep"),
};

static const val aBadTimes[] = {
    TXT("error"), TXT("skip"), TXT("SKIP"), TXT(""), TXT("ignore"), NUL, INT(1),
};

static const val aUsers[] = {
    INT(0), INT(1), INT(7), INT(40), INT(300), INT(10000001), INT(-1), TXT("5"), TXT("x"), NUL,
    REAL(2.5, NULL), REAL(1e10, NULL), TXT(" 12"), BLOB("5"), INT(9223372036854775807LL),
};

static const val aSeed[] = {
    INT(0), INT(42), INT(-1), INT(9223372036854775807LL), INT(-9223372036854775807LL - 1),
    TXT("abc"), NUL, REAL(1.5, NULL), TXT("7"),
};

static const val aWeight[] = {
    INT(1), INT(0), INT(-5), REAL(0.25, NULL), REAL(1e280, NULL), REAL(1e281, NULL),
    REAL(0, "9e999"), TXT("12"), TXT("x"), NUL, BLOB("1"), INT(9223372036854775807LL),
    REAL(-0.0, "-0.0"),
};

static const val aTitle[] = {
    TXT("Journeys"), NUL, INT(42), BLOB("t"), TXT(""), TXT("<&>\"' title"),
    TXT("\xc3\x28\xff bad utf-8 \xef\xbf\xbe"), TXT("tab\there\nnewline"),
    TXT("a title that goes on and on and on and on and on and on and on and on and on and on "
        "and on and on and on"),
};

static const val aMode[] = {
    TXT("grouped"), TXT("stacked"), TXT("STACKED"), TXT("x"), NUL, INT(3), TXT(""),
};

/* The charts' palette argument (svg rule 9): good, empty, escaped, bad. */
static const val aPalette[] = {
    TXT("[\"Flagship\", \"Program A\", \"student\"]"), TXT("[]"), NUL, INT(7),
    TXT("[\"caf\\u00e9\", 42, -1.5e3, \"\\ud83d\\ude00\"]"), TXT("[\"a\", \"a\"]"),
    TXT("[\"\\ud800\"]"), TXT("[1,"), TXT("{\"a\": 1}"), TXT("[\"x\" \"y\"]"),
};

typedef struct call {
    sqlite3_str *pSql;
    val aBind[40];
    int nBind;
    int verbose;
    char aRaw[48][48]; /* raw values read from the input (live for one statement) */
    int nRaw;
} call;

/* A value from a pool, or (one time in eight) raw bytes of the input. */
static val rdVal(call *c, reader *r, const val *aPool, unsigned nPool) {
    unsigned k = rdByte(r);
    if ((k & 7) == 7) {
        char *zBuf = c->aRaw[c->nRaw++ % 48];
        val v = {V_TEXT, 0, 0, zBuf, 0, NULL};
        unsigned n = rdByte(r) % 47;
        for (unsigned i = 0; i < n; i++) zBuf[i] = (char)rdByte(r);
        zBuf[n] = 0;
        v.n = (int)n;
        if (k & 8) v.eType = V_BLOB;
        return v;
    }
    return aPool[(k >> 3) % nPool];
}

/* ------------------------------------------------------ building a call */


/* Append the value as a literal, or as ?N with a binding. */
static void addVal(call *c, reader *r, val v) {
    if ((rdByte(r) & 1) && c->nBind < 40) {
        c->aBind[c->nBind++] = v;
        sqlite3_str_appendf(c->pSql, "?%d", c->nBind);
        return;
    }
    switch (v.eType) {
        case V_NULL: sqlite3_str_appendall(c->pSql, "NULL"); break;
        case V_INT: sqlite3_str_appendf(c->pSql, "%lld", v.i); break;
        case V_REAL:
            if (v.zLiteral) sqlite3_str_appendall(c->pSql, v.zLiteral);
            else sqlite3_str_appendf(c->pSql, "%!.17g", v.r);
            break;
        case V_TEXT:
            /* text with a NUL cannot be a literal: bind it */
            if ((int)strlen(v.z) != v.n && c->nBind < 40) {
                c->aBind[c->nBind++] = v;
                sqlite3_str_appendf(c->pSql, "?%d", c->nBind);
            } else {
                sqlite3_str_appendf(c->pSql, "%Q", v.z);
            }
            break;
        default:
            sqlite3_str_appendall(c->pSql, "x'");
            for (int i = 0; i < v.n; i++) {
                sqlite3_str_appendf(c->pSql, "%02x", (unsigned char)v.z[i]);
            }
            sqlite3_str_appendall(c->pSql, "'");
            break;
    }
}

static void bindAll(sqlite3_stmt *pStmt, const call *c) {
    for (int i = 0; i < c->nBind; i++) {
        const val *v = &c->aBind[i];
        switch (v->eType) {
            case V_NULL: sqlite3_bind_null(pStmt, i + 1); break;
            case V_INT: sqlite3_bind_int64(pStmt, i + 1, v->i); break;
            case V_REAL:
                if (v->zLiteral && v->zLiteral[0] == '9') sqlite3_bind_double(pStmt, i + 1, 1e308 * 10);
                else if (v->zLiteral && v->zLiteral[1] == '9') sqlite3_bind_double(pStmt, i + 1, -1e308 * 10);
                else sqlite3_bind_double(pStmt, i + 1, v->r);
                break;
            case V_TEXT: sqlite3_bind_text(pStmt, i + 1, v->z, v->n, SQLITE_TRANSIENT); break;
            default: sqlite3_bind_blob(pStmt, i + 1, v->z, v->n, SQLITE_TRANSIENT); break;
        }
    }
}

/* The journey functions: names, and their arguments in hidden-column order. */
static const char *const azJourney[] = {"first_program", "program_journeys", "program_steps",
                                        "program_transitions", "enrollment_profile",
                                        "first_program_stats", "program_popularity",
                                        "first_program_monthly"};
static const char *const azArg[] = {"source", "user_col", "program_col", "time_col",
                                    "segment_col", "since", "until", "within_days",
                                    "ties", "repeats", "bad_times"};
#define N_ARG 11

/* The arguments of one journey call, and where they go. */
typedef struct jargs {
    val aVal[N_ARG];
    int aMode[N_ARG]; /* 0 absent, 1 positional, 2 named (WHERE arg = v) */
    int nPos;
} jargs;

static void rdJourneyArgs(call *c, reader *r, jargs *j) {
    int posOpen = 1;
    memset(j, 0, sizeof(*j));
    for (int k = 0; k < N_ARG; k++) {
        const val *aPool;
        unsigned nPool;
        switch (k) {
            case 0: aPool = aSource; nPool = sizeof(aSource) / sizeof(val); break;
            case 1: case 2: case 3: case 4:
                aPool = aColumn; nPool = sizeof(aColumn) / sizeof(val); break;
            case 5: case 6: aPool = aTime; nPool = sizeof(aTime) / sizeof(val); break;
            case 7: aPool = aDays; nPool = sizeof(aDays) / sizeof(val); break;
            case 8: aPool = aTies; nPool = sizeof(aTies) / sizeof(val); break;
            case 9: aPool = aRepeats; nPool = sizeof(aRepeats) / sizeof(val); break;
            default: aPool = aBadTimes; nPool = sizeof(aBadTimes) / sizeof(val); break;
        }
        unsigned m = rdByte(r);
        /* source present in 15 of 16 inputs; others present half the time */
        int present = k == 0 ? (m & 15) != 15 : (m & 1);
        if (!present) {
            j->aMode[k] = 0;
            posOpen = posOpen && k > 4; /* a gap ends the positional run */
            continue;
        }
        j->aVal[k] = rdVal(c, r, aPool, nPool);
        if (k <= 4 && posOpen && !(m & 2)) {
            j->aMode[k] = 1;
            j->nPos = k + 1;
        } else {
            j->aMode[k] = 2;
            if (k <= 4) posOpen = 0;
        }
    }
}

static void addCall(call *c, reader *r, const char *zFunc, const jargs *j, const char *zAlias) {
    sqlite3_str_appendf(c->pSql, "%s(", zFunc);
    for (int k = 0; k < j->nPos; k++) {
        if (k) sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, j->aVal[k]);
    }
    sqlite3_str_appendf(c->pSql, ") AS %s", zAlias);
}

/*
** " WHERE a.x = v AND ..." for the named arguments (none: nothing; first = 0
** when a WHERE is already written). Returns 0 once a WHERE is written.
*/
static int addNamed(call *c, reader *r, const jargs *j, const char *zAlias, int first) {
    for (int k = 0; k < N_ARG; k++) {
        if (j->aMode[k] != 2) continue;
        sqlite3_str_appendall(c->pSql, first ? " WHERE " : " AND ");
        first = 0;
        if (rdPick(r, 8) == 0) {
            /* IN with two values: xFilter runs once per value */
            sqlite3_str_appendf(c->pSql, "%s.%s IN (", zAlias, azArg[k]);
            addVal(c, r, j->aVal[k]);
            sqlite3_str_appendall(c->pSql, ", ");
            addVal(c, r, j->aVal[k]);
            sqlite3_str_appendall(c->pSql, ")");
        } else {
            sqlite3_str_appendf(c->pSql, "%s.%s = ", zAlias, azArg[k]);
            addVal(c, r, j->aVal[k]);
        }
    }
    return first;
}

static void buildJourney(call *c, reader *r, unsigned iFunc) {
    jargs j;
    const char *zFunc = azJourney[iFunc];
    rdJourneyArgs(c, r, &j);
    switch (rdPick(r, 8)) {
        case 0:
        case 1:
            sqlite3_str_appendall(c->pSql, "SELECT * FROM ");
            addCall(c, r, zFunc, &j, "f");
            addNamed(c, r, &j, "f", 1);
            break;
        case 2:
            sqlite3_str_appendall(c->pSql, "SELECT count(*) FROM ");
            addCall(c, r, zFunc, &j, "f");
            addNamed(c, r, &j, "f", 1);
            break;
        case 3:
            sqlite3_str_appendall(c->pSql, "SELECT *, rowid FROM ");
            addCall(c, r, zFunc, &j, "f");
            addNamed(c, r, &j, "f", 1);
            sqlite3_str_appendf(c->pSql, " ORDER BY 1 DESC, 2 LIMIT %u OFFSET %u", rdPick(r, 20),
                                rdPick(r, 4));
            break;
        case 4:
            /* correlated: xFilter again for every outer row */
            sqlite3_str_appendall(c->pSql,
                                  "SELECT x, (SELECT count(*) FROM ");
            addCall(c, r, zFunc, &j, "f");
            sqlite3_str_appendall(c->pSql,
                                  addNamed(c, r, &j, "f", 1) ? " WHERE f.rowid > x" : " AND f.rowid > x");
            sqlite3_str_appendall(c->pSql,
                                  ") FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3)");
            break;
        case 5:
            /* self-join: the inner cursor is filtered again and again */
            sqlite3_str_appendall(c->pSql, "SELECT count(*) FROM ");
            addCall(c, r, zFunc, &j, "a");
            sqlite3_str_appendall(c->pSql, ", ");
            addCall(c, r, zFunc, &j, "b");
            sqlite3_str_appendall(c->pSql, " WHERE a.rowid = b.rowid");
            addNamed(c, r, &j, "a", 0);
            addNamed(c, r, &j, "b", 0);
            break;
        case 6:
            /* every argument named, the source from a joined table */
            sqlite3_str_appendall(c->pSql, "SELECT f.* FROM (SELECT ");
            addVal(c, r, j.aVal[0]);
            sqlite3_str_appendf(c->pSql, " AS s) AS src JOIN %s AS f ON f.source = src.s", zFunc);
            for (int k = 1; k < N_ARG; k++) {
                if (j.aMode[k] == 1) j.aMode[k] = 2;
            }
            addNamed(c, r, &j, "f", 0);
            break;
        default:
            /* rule 4 of the reentrancy rules: write into the source read */
            if (iFunc == 2) {
                sqlite3_str_appendall(
                    c->pSql,
                    "INSERT INTO w(user_id, program, enrolled_at) SELECT user_id, program, "
                    "started_at FROM ");
            } else {
                sqlite3_str_appendall(c->pSql,
                                      "INSERT INTO log SELECT count(*) FROM ");
            }
            addCall(c, r, zFunc, &j, "f");
            addNamed(c, r, &j, "f", 1);
            break;
    }
}

static void buildSample(call *c, reader *r) {
    sqlite3_str_appendall(c->pSql, "SELECT * FROM sample_enrollments");
    switch (rdPick(r, 4)) {
        case 0:
            sqlite3_str_appendall(c->pSql, "(");
            addVal(c, r, rdVal(c, r, aUsers, sizeof(aUsers) / sizeof(val)));
            sqlite3_str_appendall(c->pSql, ")");
            break;
        case 1:
            sqlite3_str_appendall(c->pSql, "(");
            addVal(c, r, rdVal(c, r, aUsers, sizeof(aUsers) / sizeof(val)));
            sqlite3_str_appendall(c->pSql, ", ");
            addVal(c, r, rdVal(c, r, aSeed, sizeof(aSeed) / sizeof(val)));
            sqlite3_str_appendall(c->pSql, ")");
            break;
        case 2:
            sqlite3_str_appendall(c->pSql, " WHERE users = ");
            addVal(c, r, rdVal(c, r, aUsers, sizeof(aUsers) / sizeof(val)));
            sqlite3_str_appendall(c->pSql, " AND seed = ");
            addVal(c, r, rdVal(c, r, aSeed, sizeof(aSeed) / sizeof(val)));
            break;
        default:
            sqlite3_str_appendall(c->pSql, " WHERE seed = ");
            addVal(c, r, rdVal(c, r, aSeed, sizeof(aSeed) / sizeof(val)));
            break;
    }
}

static void buildChart(call *c, reader *r, int isBar) {
    int nExtra = (int)rdPick(r, isBar ? 4 : 3);
    static const char *const azFrom[] = {
        "program_transitions('w', 'user_id', 'program', 'enrolled_at', 'seg')",
        "program_transitions('e', 'user_id', 'program', 'enrolled_at', 'user_type')",
        "w", "(SELECT * FROM w WHERE 0)", "program_steps('w')"};
    unsigned iFrom = rdPick(r, 5);
    if (isBar) {
        static const char *const azArgs[] = {
            "program, seg, ", "user_id, program, ", "seg, NULL, ", "enrolled_at, user_id, ",
            "from_program, to_program, ", "program, segment, "};
        sqlite3_str_appendf(c->pSql, "SELECT bar_svg(%s", azArgs[rdPick(r, 6)]);
    } else {
        static const char *const azArgs[] = {"from_program, to_program, ", "program, seg, ",
                                             "user_id, program, ", "seg, seg, ",
                                             "program, NULL, "};
        sqlite3_str_appendf(c->pSql, "SELECT sankey_svg(%s", azArgs[rdPick(r, 5)]);
    }
    if (rdPick(r, 2)) {
        sqlite3_str_appendall(c->pSql, iFrom < 2 ? "users" : "rowid % 7 - 1");
    } else {
        addVal(c, r, rdVal(c, r, aWeight, sizeof(aWeight) / sizeof(val)));
    }
    if (nExtra >= 1) {
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aTitle, sizeof(aTitle) / sizeof(val)));
    }
    if (nExtra >= 2 && isBar) {
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aMode, sizeof(aMode) / sizeof(val)));
    }
    if (nExtra >= (isBar ? 3 : 2)) {
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aPalette, sizeof(aPalette) / sizeof(val)));
    }
    sqlite3_str_appendf(c->pSql, ") FROM %s", azFrom[iFrom]);
    if (rdPick(r, 4) == 0) sqlite3_str_appendall(c->pSql, " GROUP BY rowid % 3");
}

/*
** curve_svg (svg rules 10-13): over continuation_curve's columns, or over a
** table with a y from the weights' pool; then maybe a band (also inverted,
** half NULL, or lower alone: four arguments), a title, a palette.
*/
static void buildCurve(call *c, reader *r) {
    static const char *const azFrom[] = {
        "continuation_curve('w', 'user_id', 'program', 'enrolled_at', 'seg') WHERE bad_times = 'skip'",
        "continuation_curve('e', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE program IS NULL",
        "w", "(SELECT * FROM w WHERE 0)"};
    unsigned iFrom = rdPick(r, 4), nExtra = rdPick(r, 5);
    if (iFrom < 2) {
        static const char *const azArgs[] = {"segment, day, continued", "program, day, survival",
                                             "NULL, day, at_risk", "segment, events, survival"};
        sqlite3_str_appendf(c->pSql, "SELECT curve_svg(%s", azArgs[rdPick(r, 4)]);
    } else {
        static const char *const azArgs[] = {"program, rowid, ", "seg, user_id, ",
                                             "program, enrolled_at, ", "NULL, rowid % 5, "};
        sqlite3_str_appendf(c->pSql, "SELECT curve_svg(%s", azArgs[rdPick(r, 4)]);
        addVal(c, r, rdVal(c, r, aWeight, sizeof(aWeight) / sizeof(val)));
    }
    if (nExtra == 4) {
        sqlite3_str_appendall(c->pSql, ", 0.1"); /* lower without upper: an error */
    } else if (nExtra >= 1 && iFrom < 2) {
        static const char *const azBand[] = {", lower, upper", ", 1 - upper, 1 - lower",
                                             ", upper, lower", ", NULL, upper"};
        sqlite3_str_appendall(c->pSql, azBand[rdPick(r, 4)]);
    } else if (nExtra >= 1) {
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aWeight, sizeof(aWeight) / sizeof(val)));
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aWeight, sizeof(aWeight) / sizeof(val)));
    }
    if (nExtra >= 2 && nExtra < 4) {
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aTitle, sizeof(aTitle) / sizeof(val)));
    }
    if (nExtra == 3) {
        sqlite3_str_appendall(c->pSql, ", ");
        addVal(c, r, rdVal(c, r, aPalette, sizeof(aPalette) / sizeof(val)));
    }
    sqlite3_str_appendf(c->pSql, ") FROM %s", azFrom[iFrom]);
}

/* ----------------------------------------------------------- running */

static void readResults(sqlite3_stmt *pStmt, reader *r) {
    int nCol = sqlite3_column_count(pStmt);
    int nRow = 0, nReset = 0, rc;
    unsigned resetAt = rdPick(r, 16);
    /* the accessor of each value comes from a small generator seeded by one
    ** byte, so every statement takes exactly two bytes here */
    uint32_t x = rdByte(r) * 2654435761u + 1;
    while ((rc = sqlite3_step(pStmt)) == SQLITE_ROW && nRow < 5000) {
        nRow++;
        for (int i = 0; i < nCol; i++) {
            x = x * 1103515245u + 12345u;
            switch ((x >> 16) % 6) {
                case 0: (void)sqlite3_column_int64(pStmt, i); break;
                case 1: (void)sqlite3_column_double(pStmt, i); break;
                case 2: (void)sqlite3_column_blob(pStmt, i); (void)sqlite3_column_bytes(pStmt, i); break;
                case 3: {
                    sqlite3_value *p = sqlite3_value_dup(sqlite3_column_value(pStmt, i));
                    if (p) (void)sqlite3_value_text(p);
                    sqlite3_value_free(p);
                    break;
                }
                default: {
                    const unsigned char *z = sqlite3_column_text(pStmt, i);
                    int n = sqlite3_column_bytes(pStmt, i);
                    if (z && n > 0 && z[n] != 0) fuzzDie("column text not NUL-terminated", NULL);
                    break;
                }
            }
        }
        if (resetAt && (unsigned)nRow == resetAt && nReset++ < 2) {
            sqlite3_reset(pStmt); /* start over: xFilter on a used cursor */
            nRow = 0;
        }
    }
    (void)rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData) {
    reader r = {aData, nData, 0};
    call c;
    sqlite3 *db = fuzzOpen();
    int nStmt = 1 + (int)rdPick(&r, 3);
    memset(&c, 0, sizeof(c));
    c.verbose = getenv("FUZZ_ARGS_VERBOSE") != NULL;
    for (int s = 0; s < nStmt; s++) {
        sqlite3_stmt *pStmt = NULL;
        /* kinds 0-11 keep the bytes make_args_corpus.py writes; 12 is curve_svg */
        unsigned iKind = rdPick(&r, 13);
        c.pSql = sqlite3_str_new(NULL);
        c.nBind = 0;
        c.nRaw = 0;
        if (iKind < 5) buildJourney(&c, &r, iKind);
        else if (iKind == 5) buildSample(&c, &r);
        else if (iKind == 6) buildChart(&c, &r, 0);
        else if (iKind == 7) buildChart(&c, &r, 1);
        else if (iKind == 9) buildJourney(&c, &r, 5);
        else if (iKind == 12) buildCurve(&c, &r);
        else if (iKind >= 10) buildJourney(&c, &r, iKind - 4);
        else {
            static const char *const azMisc[] = {
                "SELECT learnpath_cache_clear()", "SELECT learnpath_cache_limit(0)",
                "SELECT learnpath_cache_limit(100)", "SELECT learnpath_cache_limit(1e9)",
                "ATTACH ':memory:' AS aux", "CREATE TABLE aux.w AS SELECT * FROM main.w",
                "DELETE FROM w WHERE rowid % 2 = 0", "UPDATE w SET program = 'Program Z' WHERE user_id = 1",
                "CREATE TEMP TABLE w AS SELECT * FROM main.e", "BEGIN", "COMMIT", "ROLLBACK",
                "SAVEPOINT s1", "RELEASE s1", "PRAGMA trusted_schema = OFF", "DROP VIEW selfv",
                "SELECT learnpath_version()", "SELECT learnpath_memory_budget(1)",
                "SELECT learnpath_memory_budget(0)", "SELECT learnpath_memory_budget(100000)"};
            sqlite3_str_appendall(c.pSql, azMisc[rdPick(&r, sizeof(azMisc) / sizeof(azMisc[0]))]);
        }
        char *zSql = sqlite3_str_finish(c.pSql);
        if (!zSql) continue;
        if (c.verbose) {
            fprintf(stderr, "SQL: %s;\n", zSql);
            for (int i = 0; i < c.nBind; i++) {
                const val *v = &c.aBind[i];
                fprintf(stderr, "  ?%d = ", i + 1);
                if (v->eType == V_NULL) fprintf(stderr, "NULL\n");
                else if (v->eType == V_INT) fprintf(stderr, "%lld\n", v->i);
                else if (v->eType == V_REAL) fprintf(stderr, "%s\n", v->zLiteral ? v->zLiteral : "real");
                else {
                    fprintf(stderr, "%s x'", v->eType == V_TEXT ? "text" : "blob");
                    for (int k = 0; k < v->n; k++) fprintf(stderr, "%02x", (unsigned char)v->z[k]);
                    fprintf(stderr, "'\n");
                }
            }
        }
        if (sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL) == SQLITE_OK && pStmt) {
            bindAll(pStmt, &c);
            readResults(pStmt, &r);
            if (c.verbose) fprintf(stderr, "  -> %s\n", sqlite3_errmsg(db));
        } else if (c.verbose) {
            fprintf(stderr, "  -> prepare: %s\n", sqlite3_errmsg(db));
        }
        sqlite3_finalize(pStmt);
        sqlite3_free(zSql);
    }
    fuzzClose(db);
    return 0;
}
