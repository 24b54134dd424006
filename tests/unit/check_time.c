/*
** check_time.c - the "time" suite: the time reader and writer
** (ext/lp_time.c), called directly and, in the "SQL" case, through
** first_program.
**
** Rule 2: a time value is accepted exactly when julianday(value, 'auto')
** accepts it, with the same meaning. The linked SQLite (3.38 or newer has
** 'auto') is the oracle: every value below is bound to
**     SELECT ?1, julianday(?1, 'auto')
** and learnpath_parse_time_column / learnpath_parse_time_value on column 0
** must give ms / 86400000.0 == column 1, or, where column 1 is NULL,
** LP_TIME_EMPTY (NULL, empty text, zero-length blob) or LP_TIME_BAD.
** The documented differences: the text 'now' (any case) is refused; and a
** fraction julianday() rounds up into the next second while datetime()
** shows the written second (59.9995 without an offset) is read 1 ms short
** of julianday(), in the second datetime() shows (column 3 of the oracle
** says when: datetime's second + 1 is the rounded instant's second).
**
** Rule 10: learnpath_format_time writes 'YYYY-MM-DD HH:MM:SS' (UTC) with
** the seconds truncated, exactly as datetime() does: of an instant, and of
** every value as read (test_format_matches_datetime), apart from the day
** past a month's end and hour 24 that datetime() echoes and learnpath
** normalises.
**
** Hand-picked cases also carry the value worked out by hand (Julian day of
** the date at midnight + milliseconds into the day), so the oracle itself
** is checked too.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_read.h"
#include "lp_test.h"

/* Milliseconds of a Julian day that is a multiple of 0.5 (exact). */
#define CT_JD(jd) ((int64_t)((jd) * 86400000.0))
/* ...plus an offset in ms. */
#define CT_AT(jd, off) (CT_JD(jd) + (int64_t)(off))
/* No value worked out by hand for this case: only the status is known. */
#define CT_ANY INT64_MIN

#define CT_H 3600000LL
#define CT_MIN 60000LL

/* Julian days of some dates at midnight, worked out by hand. */
#define JD_2000_01_01 2451544.5
#define JD_2020_01_01 2458849.5 /* 2000-01-01 + 20*365 + 5 leap days */
#define JD_2020_02_29 2458908.5 /* + 31 + 28 */
#define JD_2020_03_01 2458909.5
#define JD_2021_03_03 2459276.5 /* 2020-01-01 + 366 + 31 + 28 + 2 */
#define JD_1970_01_01 2440587.5
#define JD_9999_12_31 5373483.5
#define JD_0001_01_01 1721425.5
#define JD_0000_01_01 1721059.5 /* year 0 is a leap year: 366 days before */
#define JD_M0001_03_01 1720753.5 /* 306 days before 0000-01-01 */

/* ------------------------------------------------------------ helpers */

/* Name of a status, for messages. */
static const char *ct_status_name(int e) {
    switch (e) {
        case LP_TIME_OK: return "OK";
        case LP_TIME_EMPTY: return "EMPTY";
        case LP_TIME_BAD: return "BAD";
        default: return "unset";
    }
}

/*
** The tests share one connection and three statements, opened by a checked
** fixture: its teardown also runs after a failed assertion, so a failing
** test leaks nothing (the suite stays clean under valgrind with CK_FORK=no).
** Messages are built in fixed buffers for the same reason.
*/
static sqlite3 *ctDb;
static sqlite3_stmt *ctJd;  /* SELECT ?1, julianday(?1, 'auto'), quote(?1), carry */
static sqlite3_stmt *ctDt;  /* SELECT datetime(?1 / 86400000.0) */
static sqlite3_stmt *ctTxt; /* SELECT ?1 */

static void ct_setup(void) {
    ctDb = lpt_open();
    /* column 3: julianday() rounded the written second up into the next
    ** one, which datetime() does not show (rules 2 and 10) */
    ck_assert_int_eq(sqlite3_prepare_v2(ctDb,
                                        "SELECT ?1, julianday(?1, 'auto'), quote(?1),"
                                        " (CAST(strftime('%S', ?1, 'auto') AS INT) + 1) % 60"
                                        " = CAST(strftime('%S', julianday(?1, 'auto')) AS INT)",
                                        -1, &ctJd, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(ctDb, "SELECT datetime(?1 / 86400000.0)", -1, &ctDt,
                                        NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(ctDb, "SELECT ?1", -1, &ctTxt, NULL), SQLITE_OK);
}

static void ct_teardown(void) {
    sqlite3_finalize(ctJd);
    sqlite3_finalize(ctDt);
    sqlite3_finalize(ctTxt);
    sqlite3_close(ctDb);
    ctJd = ctDt = ctTxt = NULL;
    ctDb = NULL;
}

/* What the reader and SQLite made of one bound value. */
typedef struct ct_result {
    int jdNull;
    double jd;
    int rcCol, rcVal;
    lp_time_status stCol, stVal;
    int64_t msCol, msVal;
    int isEmpty;      /* NULL, empty text or zero-length blob */
    int carry;        /* julianday() rounded into the next second: 1 ms short */
    char zShow[200];  /* the value as quote() shows it, cut for messages */
} ct_result;

/* Run ctJd (value already bound) and read column 0 both ways. */
static void ct_eval(ct_result *r) {
    sqlite3_value *pDup;
    const char *zQuote;
    int rc = sqlite3_step(ctJd);
    memset(r, 0, sizeof(*r));
    ck_assert_msg(rc == SQLITE_ROW, "step: %d", rc);
    zQuote = (const char *)sqlite3_column_text(ctJd, 2);
    if (strlen(zQuote) < sizeof(r->zShow)) {
        memcpy(r->zShow, zQuote, strlen(zQuote) + 1);
    } else {
        snprintf(r->zShow, sizeof(r->zShow), "%.120s...(%d bytes)", zQuote, (int)strlen(zQuote));
    }
    r->jdNull = sqlite3_column_type(ctJd, 1) == SQLITE_NULL;
    r->jd = sqlite3_column_double(ctJd, 1);
    r->carry = sqlite3_column_int(ctJd, 3);
    r->isEmpty = sqlite3_column_type(ctJd, 0) == SQLITE_NULL ||
                 (sqlite3_column_type(ctJd, 0) != SQLITE_INTEGER &&
                  sqlite3_column_type(ctJd, 0) != SQLITE_FLOAT &&
                  sqlite3_column_bytes(ctJd, 0) == 0);
    r->stVal = r->stCol = (lp_time_status)-1;
    r->msVal = r->msCol = 0;
    pDup = sqlite3_value_dup(sqlite3_column_value(ctJd, 0));
    if (pDup) {
        r->rcVal = learnpath_parse_time_value(pDup, &r->stVal, &r->msVal);
        sqlite3_value_free(pDup);
    } else {
        r->rcVal = SQLITE_NOMEM;
    }
    r->rcCol = learnpath_parse_time_column(ctJd, 0, &r->stCol, &r->msCol);
    sqlite3_reset(ctJd);
    sqlite3_clear_bindings(ctJd);
}

/*
** 0 when the reader agrees with julianday(v, 'auto') (rule 2), else 1 with
** a description of the difference in zOut.
*/
static int ct_disagreement(const ct_result *r, char *zOut, size_t nOut) {
    if (r->rcCol != SQLITE_OK || r->rcVal != SQLITE_OK) {
        snprintf(zOut, nOut, "%s: reader returned rc %d / %d", r->zShow, r->rcCol, r->rcVal);
        return 1;
    }
    if (r->stCol != r->stVal || (r->stCol == LP_TIME_OK && r->msCol != r->msVal)) {
        snprintf(zOut, nOut, "%s: column reader (%s, %lld) and value reader (%s, %lld) differ",
                 r->zShow, ct_status_name(r->stCol), (long long)r->msCol,
                 ct_status_name(r->stVal), (long long)r->msVal);
        return 1;
    }
    if (r->jdNull) {
        lp_time_status eWant = r->isEmpty ? LP_TIME_EMPTY : LP_TIME_BAD;
        if (r->stCol == eWant) return 0;
        snprintf(zOut, nOut, "%s: julianday NULL, reader %s (ms %lld), want %s", r->zShow,
                 ct_status_name(r->stCol), (long long)r->msCol, ct_status_name(eWant));
        return 1;
    }
    if (r->stCol != LP_TIME_OK) {
        snprintf(zOut, nOut, "%s: julianday %.17g, reader %s", r->zShow, r->jd,
                 ct_status_name(r->stCol));
        return 1;
    }
    if ((double)(r->msCol + r->carry) / 86400000.0 != r->jd) {
        snprintf(zOut, nOut, "%s: julianday %.17g, reader %.17g (ms %lld)%s", r->zShow, r->jd,
                 (double)r->msCol / 86400000.0, (long long)r->msCol,
                 r->carry ? ", want 1 ms short (datetime() keeps the second)" : "");
        return 1;
    }
    return 0;
}

/* Assert agreement with julianday and, when given, the hand-made result. */
static void ct_assert_case(const char *zHow, int eWant, int64_t msWant) {
    ct_result r;
    char zDiff[512];
    ct_eval(&r);
    if (ct_disagreement(&r, zDiff, sizeof(zDiff))) {
        ck_abort_msg("rule 2 (%s): %s", zHow, zDiff);
    }
    ck_assert_msg((int)r.stCol == eWant, "%s %s: reader %s, worked out by hand %s", zHow,
                  r.zShow, ct_status_name(r.stCol), ct_status_name(eWant));
    if (eWant == LP_TIME_OK && msWant != CT_ANY) {
        ck_assert_msg(r.msCol == msWant, "%s %s: ms %lld, worked out by hand %lld", zHow, r.zShow,
                      (long long)r.msCol, (long long)msWant);
    }
}

/* xorshift64*: a small fixed-seed generator of our own. */
typedef struct ct_rng {
    uint64_t s;
} ct_rng;

static uint64_t ct_next(ct_rng *g) {
    uint64_t x = g->s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->s = x;
    return x * 2685821657736338717ULL;
}

static uint32_t ct_below(ct_rng *g, uint32_t n) {
    return (uint32_t)((ct_next(g) >> 32) % n);
}

/* Uniform double in [0, 1). */
static double ct_unit(ct_rng *g) {
    return (double)(ct_next(g) >> 11) / 9007199254740992.0;
}

#define CT_PICK(g, a) ((a)[ct_below((g), (uint32_t)(sizeof(a) / sizeof((a)[0])))])

/* Collects disagreements of a generated loop: count + the first few. */
typedef struct ct_tally {
    int nTried, nBad;
    size_t nLog;
    char zLog[6000];
} ct_tally;

static void ct_tally_log(ct_tally *t, const char *zLine) {
    if (t->nLog + 1 < sizeof(t->zLog)) {
        int n = snprintf(t->zLog + t->nLog, sizeof(t->zLog) - t->nLog, "  %s\n", zLine);
        if (n > 0) t->nLog += (size_t)n;
        if (t->nLog >= sizeof(t->zLog)) t->nLog = sizeof(t->zLog) - 1;
    }
}

static void ct_tally_add(ct_tally *t, const ct_result *r) {
    char zDiff[512];
    t->nTried++;
    if (!ct_disagreement(r, zDiff, sizeof(zDiff))) return;
    if (t->nBad < 25) ct_tally_log(t, zDiff);
    t->nBad++;
}

static void ct_tally_check(const ct_tally *t, const char *zWhat) {
    ck_assert_msg(t->nBad == 0, "rule 2: %d of %d %s disagree with julianday(v, 'auto'):\n%s",
                  t->nBad, t->nTried, zWhat, t->zLog);
}

/* Is z 'now' in any case (the documented difference, tested apart)? */
static int ct_is_now(const char *z) {
    return sqlite3_stricmp(z, "now") == 0;
}

/* Bind z as text (and as a blob when asBlob) and tally the comparison. */
static void ct_tally_text(ct_tally *t, const char *z, int asBlob) {
    ct_result r;
    if (ct_is_now(z)) return;
    sqlite3_bind_text(ctJd, 1, z, -1, SQLITE_TRANSIENT);
    ct_eval(&r);
    ct_tally_add(t, &r);
    if (asBlob) {
        sqlite3_bind_blob(ctJd, 1, z, (int)strlen(z), SQLITE_TRANSIENT);
        ct_eval(&r);
        ct_tally_add(t, &r);
    }
}

/* ------------------------------------------------- hand-picked texts */

typedef struct ct_text_case {
    const char *z;
    int eStatus;
    int64_t ms;
} ct_text_case;

#define OK_ LP_TIME_OK
#define BAD_ LP_TIME_BAD
#define EMPTY_ LP_TIME_EMPTY

static const ct_text_case aTextCase[] = {
    /* dates, with and without a time */
    {"2020-01-01", OK_, CT_JD(JD_2020_01_01)},
    {"2000-01-01 12:00", OK_, CT_JD(2451545.0)},
    {"2020-01-01 10:30", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 10:30:15", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN + 15000)},
    {"1970-01-01 00:00:00", OK_, CT_JD(JD_1970_01_01)},
    {"2020-02-29 23:59:59.999", OK_, CT_AT(JD_2020_02_29, 86399999)},
    {"9999-12-31", OK_, CT_JD(JD_9999_12_31)},
    {"9999-12-31 23:59:59.999", OK_, CT_AT(JD_9999_12_31, 86399999)},
    {"0001-01-01", OK_, CT_JD(JD_0001_01_01)},
    {"0000-01-01", OK_, CT_JD(JD_0000_01_01)},
    /* 'T' separators, runs of them, mixed with spaces */
    {"2020-01-01T10:30:15", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN + 15000)},
    {"2020-01-01TT10:30", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 T 10:30", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    {"2020-01-01T", OK_, CT_JD(JD_2020_01_01)},
    {"2020-01-01   ", OK_, CT_JD(JD_2020_01_01)},
    {"2020-01-01t10:30", BAD_, CT_ANY},
    /* seconds and fractions */
    {"2020-01-01 10:30:15.25", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN + 15250)},
    {"2020-01-01 10:30:15.123456789", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN + 15123)},
    {"2020-01-01 10:30:15.0000000000000000000001", OK_,
     CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN + 15000)},
    {"2020-01-01 00:00:00.0005", OK_, CT_AT(JD_2020_01_01, 1)},
    {"2020-01-01 00:00:00.0004", OK_, CT_JD(JD_2020_01_01)},
    /* rules 2, 10: julianday() rounds these into the next second, datetime()
    ** shows the written one: read 1 ms short, in the written second */
    {"2020-01-01 10:30:59.9999", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 31 * CT_MIN - 1)},
    {"2020-12-31 23:59:59.9995", OK_, CT_AT(JD_2020_01_01 + 366.0, -1)},
    {"2020-12-31 23:59:59.9995Z", OK_, CT_AT(JD_2020_01_01 + 366.0, -1)},
    {"2020-12-31 23:59:59.9995 +00:00", OK_, CT_AT(JD_2020_01_01 + 366.0, -1)},
    {"2020-12-31T23:59:59.99951", OK_, CT_AT(JD_2020_01_01 + 366.0, -1)},
    {"-0001-12-31 23:59:59.9996", OK_, CT_AT(JD_0000_01_01, -1)},
    {"23:59:59.9995", OK_, CT_AT(JD_2000_01_01, 86399999)},
    /* ... but not below the half millisecond, nor with an offset, where
    ** datetime() shows the rounded instant too */
    {"2020-12-31 23:59:59.99949", OK_, CT_AT(JD_2020_01_01 + 366.0, -1)},
    {"2020-12-31 23:59:59.9995+01:00", OK_, CT_AT(JD_2020_01_01 + 366.0, -CT_H)},
    {"2020-12-31 23:59:59.9995-00:01", OK_, CT_AT(JD_2020_01_01 + 366.0, CT_MIN)},
    {"2020-01-01 10:30:15.", BAD_, CT_ANY},
    {"2020-01-01 10:30.5", BAD_, CT_ANY},
    {"2020-01-01 10:30:5", BAD_, CT_ANY},
    {"2020-01-01 10:30:", BAD_, CT_ANY},
    {"2020-01-01 10:3", BAD_, CT_ANY},
    {"2020-01-01 10", BAD_, CT_ANY},
    /* zones: Z, z, +-HH:MM with hours 00-14 */
    {"2020-01-01 10:30Z", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 10:30z", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 10:30 Z ", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 10:30ZZ", BAD_, CT_ANY},
    {"2020-01-01Z", BAD_, CT_ANY},
    {"2020-01-01 10:30+02:00", OK_, CT_AT(JD_2020_01_01, 8 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 10:30-05:30", OK_, CT_AT(JD_2020_01_01, 16 * CT_H)},
    {"2020-01-01 10:30 +02:00 ", OK_, CT_AT(JD_2020_01_01, 8 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 00:00+14:00", OK_, CT_AT(JD_2020_01_01, -14 * CT_H)},
    {"2020-01-01 00:00-14:00", OK_, CT_AT(JD_2020_01_01, 14 * CT_H)},
    {"2020-01-01 00:00+14:59", OK_, CT_AT(JD_2020_01_01, -14 * CT_H - 59 * CT_MIN)},
    {"2020-01-01 00:00+15:00", BAD_, CT_ANY},
    {"2020-01-01 00:00+14:60", BAD_, CT_ANY},
    {"2020-01-01 00:00+1400", BAD_, CT_ANY},
    {"2020-01-01 00:00+02", BAD_, CT_ANY},
    {"2020-01-01 00:00 UTC", BAD_, CT_ANY},
    {"0000-01-01 00:00+01:00", OK_, CT_AT(JD_0000_01_01, -CT_H)},
    /* hours 00-24, minutes and seconds 00-59 */
    {"2020-01-01 24:00", OK_, CT_JD(JD_2020_01_01 + 1.0)},
    {"2020-01-01 24:59:59", OK_, CT_AT(JD_2020_01_01 + 1.0, 59 * CT_MIN + 59000)},
    {"2020-01-01 25:00", BAD_, CT_ANY},
    {"2020-01-01 12:60", BAD_, CT_ANY},
    {"2020-01-01 23:59:60", BAD_, CT_ANY},
    {"23:59:60", BAD_, CT_ANY},
    /* days 01-31 in every month, rolling over */
    {"2021-02-31", OK_, CT_JD(JD_2021_03_03)},
    {"2020-02-30", OK_, CT_JD(JD_2020_03_01)},
    {"2020-04-31", OK_, CT_JD(JD_2020_03_01 + 31.0 + 30.0)},
    {"2020-01-32", BAD_, CT_ANY},
    {"2020-01-00", BAD_, CT_ANY},
    {"2020-00-10", BAD_, CT_ANY},
    {"2020-13-01", BAD_, CT_ANY},
    {"2020-1-1", BAD_, CT_ANY},
    {"2020-01-1", BAD_, CT_ANY},
    {"20-01-01", BAD_, CT_ANY},
    {"02020-01-01", BAD_, CT_ANY},
    {"2020/01/01", BAD_, CT_ANY},
    /* negative years; the range ends at Julian day 0 and 9999-12-31 */
    {"-0001-03-01", OK_, CT_JD(JD_M0001_03_01)},
    {"-4713-11-24 12:00", OK_, 0},
    {"-4713-11-25", OK_, CT_JD(0.5)},
    {"-4713-11-24 11:59:59", BAD_, CT_ANY},
    {"-4713-11-24", BAD_, CT_ANY},
    {"-4713-01-01", BAD_, CT_ANY},
    {"-4714-01-01", BAD_, CT_ANY},
    {"10000-01-01", BAD_, CT_ANY},
    {"9999-12-31 24:00", BAD_, CT_ANY},
    {"9999-12-31 23:00-05:00", BAD_, CT_ANY},
    {"9999-12-31 23:59:59.9999", BAD_, CT_ANY},
    /* a time alone is on 2000-01-01 */
    {"12:30", OK_, CT_AT(JD_2000_01_01, 12 * CT_H + 30 * CT_MIN)},
    {"12:30:45.5", OK_, CT_AT(JD_2000_01_01, 12 * CT_H + 30 * CT_MIN + 45500)},
    {"12:30+01:00", OK_, CT_AT(JD_2000_01_01, 11 * CT_H + 30 * CT_MIN)},
    {"12:30Z", OK_, CT_AT(JD_2000_01_01, 12 * CT_H + 30 * CT_MIN)},
    {"24:00", OK_, CT_JD(JD_2000_01_01 + 1.0)},
    {"00:00-14:00", OK_, CT_AT(JD_2000_01_01, 14 * CT_H)},
    {"T12:30", BAD_, CT_ANY},
    {"1:30", BAD_, CT_ANY},
    /* leading and trailing spaces */
    {" 2020-01-01", BAD_, CT_ANY},
    {" 12:30", BAD_, CT_ANY},
    {"12:30 ", OK_, CT_AT(JD_2000_01_01, 12 * CT_H + 30 * CT_MIN)},
    {"2020-01-01 10:30\t", OK_, CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN)},
    /* numbers as text: Julian day below 5373484.5, else Unix seconds */
    {"1577836800", OK_, CT_JD(JD_2020_01_01)},
    {"2458849.5", OK_, CT_JD(JD_2020_01_01)},
    {" 12 ", OK_, CT_JD(12.0)},
    {"1e3", OK_, CT_JD(1000.0)},
    {"1E3", OK_, CT_JD(1000.0)},
    {".5", OK_, CT_JD(0.5)},
    {"1.", OK_, CT_JD(1.0)},
    {"+5", OK_, CT_JD(5.0)},
    {"-0", OK_, 0},
    {"0", OK_, 0},
    {"-1", OK_, CT_AT(JD_1970_01_01, -1000)},
    {"5373484", OK_, CT_JD(5373484.0)},
    {"5373484.5", OK_, CT_AT(JD_1970_01_01, 5373484500LL)},
    {"253402300799", OK_, CT_AT(JD_9999_12_31, 86399000)},
    {"253402300800", BAD_, CT_ANY},
    {"-210866760000", OK_, 0},
    {"-210866760001", BAD_, CT_ANY},
    {"1e400", BAD_, CT_ANY},
    {"1e", BAD_, CT_ANY},
    {"1e+", BAD_, CT_ANY},
    {"1.5e", BAD_, CT_ANY},
    {"e5", BAD_, CT_ANY},
    {".", BAD_, CT_ANY},
    {"0x10", BAD_, CT_ANY},
    {"--1", BAD_, CT_ANY},
    {"+-1", BAD_, CT_ANY},
    {"1 2", BAD_, CT_ANY},
    {"12abc", BAD_, CT_ANY},
    {"inf", BAD_, CT_ANY},
    {"NaN", BAD_, CT_ANY},
    /* other text */
    {"garbage", BAD_, CT_ANY},
    {" ", BAD_, CT_ANY},
    {" now", BAD_, CT_ANY},
    {"now ", BAD_, CT_ANY},
    {"today", BAD_, CT_ANY},
    {"", EMPTY_, CT_ANY},
};

#define CT_N_TEXT ((int)(sizeof(aTextCase) / sizeof(aTextCase[0])))

/* rule 2: each hand-picked text, bound as text and as a blob. */
START_TEST(test_text_case) {
    const ct_text_case *pCase = &aTextCase[_i];
    sqlite3_bind_text(ctJd, 1, pCase->z, -1, SQLITE_STATIC);
    ct_assert_case("text", pCase->eStatus, pCase->ms);
    /* the same bytes as a blob: julianday reads the blob's text */
    sqlite3_bind_blob(ctJd, 1, pCase->z, (int)strlen(pCase->z), SQLITE_STATIC);
    ct_assert_case("blob", pCase->eStatus, pCase->ms);
}
END_TEST

/* ----------------------------------------------- hand-picked numbers */

typedef struct ct_num_case {
    int isInt;
    int64_t i;
    double r;
    int eStatus;
    int64_t ms;
} ct_num_case;

static const ct_num_case aNumCase[] = {
    /* INTEGER: Julian day in [0, 5373484.5), else Unix seconds */
    {1, 0, 0, OK_, 0},
    {1, 1, 0, OK_, CT_JD(1.0)},
    {1, 2458849, 0, OK_, CT_JD(2458849.0)},
    {1, 5373484, 0, OK_, CT_JD(5373484.0)},
    {1, 5373485, 0, OK_, CT_AT(JD_1970_01_01, 5373485000LL)},
    {1, -1, 0, OK_, CT_AT(JD_1970_01_01, -1000)},
    {1, 1577836800, 0, OK_, CT_JD(JD_2020_01_01)},
    {1, 253402300799LL, 0, OK_, CT_AT(JD_9999_12_31, 86399000)},
    {1, 253402300800LL, 0, BAD_, CT_ANY},
    {1, -210866760000LL, 0, OK_, 0},
    {1, -210866760001LL, 0, BAD_, CT_ANY},
    {1, INT64_MAX, 0, BAD_, CT_ANY},
    {1, INT64_MIN, 0, BAD_, CT_ANY},
    /* REAL */
    {0, 0, 0.0, OK_, 0},
    {0, 0, -0.0, OK_, 0},
    {0, 0, 1e-300, OK_, 0},
    {0, 0, 0.5, OK_, CT_JD(0.5)},
    {0, 0, 2458849.5, OK_, CT_JD(JD_2020_01_01)},
    {0, 0, 2458849.75, OK_, CT_AT(JD_2020_01_01, 6 * CT_H)},
    {0, 0, 5373484.25, OK_, CT_AT(JD_9999_12_31, 18 * CT_H)},
    {0, 0, 5373484.5, OK_, CT_AT(JD_1970_01_01, 5373484500LL)},
    {0, 0, -0.5, OK_, CT_AT(JD_1970_01_01, -500)},
    {0, 0, 1577836800.25, OK_, CT_AT(JD_2020_01_01, 250)},
    {0, 0, 253402300799.0, OK_, CT_AT(JD_9999_12_31, 86399000)},
    {0, 0, 253402300799.5, BAD_, CT_ANY},
    {0, 0, -210866760000.0, OK_, 0},
    {0, 0, -210866760000.5, BAD_, CT_ANY},
    {0, 0, 1e300, BAD_, CT_ANY},
    {0, 0, -1e300, BAD_, CT_ANY},
    {0, 0, INFINITY, BAD_, CT_ANY},
    {0, 0, -INFINITY, BAD_, CT_ANY},
};

#define CT_N_NUM ((int)(sizeof(aNumCase) / sizeof(aNumCase[0])))

/* rule 2: numbers stored as INTEGER or REAL (NaN is stored as NULL). */
START_TEST(test_number_case) {
    const ct_num_case *pCase = &aNumCase[_i];
    if (pCase->isInt) {
        sqlite3_bind_int64(ctJd, 1, pCase->i);
    } else {
        sqlite3_bind_double(ctJd, 1, pCase->r);
    }
    ct_assert_case(pCase->isInt ? "integer" : "real", pCase->eStatus, pCase->ms);
}
END_TEST

/* rule 2: NULL is LP_TIME_EMPTY (left out by rule 1, not an error). */
START_TEST(test_null_value) {
    sqlite3_bind_null(ctJd, 1);
    ct_assert_case("null", LP_TIME_EMPTY, CT_ANY);
}
END_TEST

/* rule 2: blobs are read through their text, as julianday() reads them. */
START_TEST(test_blob_values) {
    static const struct {
        const char *z;
        int n;
        int eStatus;
        int64_t ms;
    } aBlob[] = {
        {"\x32\x30\x32\x30\x2d\x30\x31\x2d\x30\x31", 10, OK_, CT_JD(JD_2020_01_01)},
        {"12:30", 5, OK_, CT_AT(JD_2000_01_01, 12 * CT_H + 30 * CT_MIN)},
        {"", 0, EMPTY_, CT_ANY},
        {"\0", 1, BAD_, CT_ANY},
        {"1\0" "2\0", 4, OK_, CT_JD(1.0)},       /* julianday stops at the NUL */
        {"12:30\0" "99", 8, OK_, CT_AT(JD_2000_01_01, 12 * CT_H + 30 * CT_MIN)},
        {"\xff\xfe", 2, BAD_, CT_ANY},
    };
    for (size_t i = 0; i < sizeof(aBlob) / sizeof(aBlob[0]); i++) {
        /* a non-NULL pointer so even the zero-length one stays a blob */
        sqlite3_bind_blob(ctJd, 1, aBlob[i].z, aBlob[i].n, SQLITE_STATIC);
        ct_assert_case("blob", aBlob[i].eStatus, aBlob[i].ms);
    }
}
END_TEST

/*
** rule 2: fractions of many digits. 308 nines still round to the next
** second; from 309 digits on julianday() gives NULL (the fraction becomes
** inf/inf), so the reader must refuse them too.
*/
START_TEST(test_long_fractions) {
    static const struct {
        char cDigit;
        int nDigit;
        int eStatus;
        int64_t ms;
    } aFrac[] = {
        {'9', 30, OK_, CT_AT(JD_2020_01_01, 12 * CT_H + 1000)},
        {'9', 308, OK_, CT_AT(JD_2020_01_01, 12 * CT_H + 1000)},
        {'0', 400, OK_, CT_AT(JD_2020_01_01, 12 * CT_H)},
        {'9', 309, BAD_, CT_ANY},
        {'9', 400, BAD_, CT_ANY},
    };
    static const char zPrefix[] = "2020-01-01 12:00:00.";
    for (size_t i = 0; i < sizeof(aFrac) / sizeof(aFrac[0]); i++) {
        char z[512], zHow[64];
        memcpy(z, zPrefix, sizeof(zPrefix) - 1);
        memset(z + sizeof(zPrefix) - 1, aFrac[i].cDigit, (size_t)aFrac[i].nDigit);
        z[sizeof(zPrefix) - 1 + (size_t)aFrac[i].nDigit] = 0;
        snprintf(zHow, sizeof(zHow), "fraction of %d '%c'", aFrac[i].nDigit, aFrac[i].cDigit);
        sqlite3_bind_text(ctJd, 1, z, -1, SQLITE_TRANSIENT);
        ct_assert_case(zHow, aFrac[i].eStatus, aFrac[i].ms);
    }
}
END_TEST

/*
** rule 2: 'now' in any case is the one value julianday() takes that
** learnpath refuses (a clock reading, not a recorded time).
*/
START_TEST(test_now_refused) {
    static const char *azNow[] = {"now", "NOW", "Now", "nOw"};
    for (size_t i = 0; i < sizeof(azNow) / sizeof(azNow[0]); i++) {
        ct_result r;
        sqlite3_bind_text(ctJd, 1, azNow[i], -1, SQLITE_STATIC);
        ct_eval(&r);
        ck_assert_msg(!r.jdNull, "julianday('%s', 'auto') should be a number", azNow[i]);
        ck_assert_msg(r.rcCol == SQLITE_OK && r.stCol == LP_TIME_BAD, "'%s': reader %s",
                      azNow[i], ct_status_name(r.stCol));
        ck_assert_msg(r.rcVal == SQLITE_OK && r.stVal == LP_TIME_BAD, "'%s': value reader %s",
                      azNow[i], ct_status_name(r.stVal));
    }
}
END_TEST

/* rule 2: the number reader on its own, including NaN (unreadable). */
START_TEST(test_parse_number_direct) {
    int64_t ms = -7;
    ck_assert_int_eq(learnpath_parse_time_number(2458849.5, &ms), LP_TIME_OK);
    ck_assert_int_eq(ms, CT_JD(JD_2020_01_01));
    ck_assert_int_eq(learnpath_parse_time_number(1577836800.0, &ms), LP_TIME_OK);
    ck_assert_int_eq(ms, CT_JD(JD_2020_01_01));
    ck_assert_int_eq(learnpath_parse_time_number(5373484.5, &ms), LP_TIME_OK);
    ck_assert_int_eq(ms, CT_AT(JD_1970_01_01, 5373484500LL));
    ck_assert_int_eq(learnpath_parse_time_number(NAN, &ms), LP_TIME_BAD);
    ck_assert_int_eq(learnpath_parse_time_number(253402300800.0, &ms), LP_TIME_BAD);
    ck_assert_int_eq(learnpath_parse_time_number(-210866760001.0, &ms), LP_TIME_BAD);
}
END_TEST

/* ---------------------------------------------------- generated texts */

/* Fragments that free-form strings are glued from. */
static const char *const azFrag[] = {
    "0",  "1",  "2",    "5",    "9",    "00",   "01",      "12",           "14", "15",
    "23", "24", "29",   "30",   "31",   "59",   "60",      "2020",         "1970", "0000",
    "9999", "-4713", "5373484", "253402300799", "-", "-", "-", ":", ":", ":",
    " ",  " ",  "T",    "Z",    "z",    "+",    ".",       ".",            "e",  "E",
    "\t", "-0001",
};

/* A date-like string: every part drawn from near-valid choices. */
static void ct_gen_date(ct_rng *g, sqlite3_str *p) {
    static const char *const azY[] = {"2020", "1970", "0000", "0001", "9999", "-0001",
                                      "-4713", "-4714", "2024", "1900", "202", "20201"};
    static const char *const azM[] = {"01", "02", "03", "11", "12", "00", "13", "1", "06"};
    static const char *const azD[] = {"01", "24", "25", "28", "29", "30", "31", "32", "00", "1"};
    static const char *const azSep[] = {"", " ", "T", "TT", " T ", "  ", "t", " ", "T"};
    sqlite3_str_appendall(p, CT_PICK(g, azY));
    sqlite3_str_appendall(p, ct_below(g, 20) ? "-" : "/");
    sqlite3_str_appendall(p, CT_PICK(g, azM));
    sqlite3_str_appendall(p, "-");
    sqlite3_str_appendall(p, CT_PICK(g, azD));
    if (ct_below(g, 4) != 0) sqlite3_str_appendall(p, CT_PICK(g, azSep));
}

/* A clock-like string with optional seconds, fraction and zone. */
static void ct_gen_clock(ct_rng *g, sqlite3_str *p) {
    static const char *const azH[] = {"00", "09", "12", "23", "24", "25", "1", "11"};
    static const char *const azMin[] = {"00", "30", "59", "60", "5"};
    static const char *const azSec[] = {"",    "",    ":00",   ":59",         ":60",
                                        ":5",  ":30.5", ":30.", ":59.9995",   ":30.123456789",
                                        ":00.0000000000000000000001", ":59.999"};
    static const char *const azZone[] = {"",        "",       "Z",       "z",      " Z",
                                         "+00:00",  "+14:00", "-14:00",  "+15:00", "+05:30",
                                         "-05:30",  "+14:59", "+1400",   "-00:00 ", " +01:00 ",
                                         "ZZ",      "+1:00"};
    static const char *const azTail[] = {"", "", "", " ", "  ", "x", "Z", "\n"};
    sqlite3_str_appendall(p, CT_PICK(g, azH));
    sqlite3_str_appendall(p, ":");
    sqlite3_str_appendall(p, CT_PICK(g, azMin));
    sqlite3_str_appendall(p, CT_PICK(g, azSec));
    sqlite3_str_appendall(p, CT_PICK(g, azZone));
    sqlite3_str_appendall(p, CT_PICK(g, azTail));
}

/* A number written as text, near the boundaries of the two ranges. */
static void ct_gen_number_text(ct_rng *g, sqlite3_str *p) {
    static const double aCenter[] = {0.0,          5373484.5,   -210866760000.0, 253402300799.0,
                                     2458849.5,    1577836800.0, 1.0,            -1.0};
    static const char *const azFmt[] = {"%.17g", "%.3f", "%.0f", "%.6e", "%.1f", "%g"};
    static const char *const azPad[] = {"", "", "", " ", "  ", "\t"};
    double r = CT_PICK(g, aCenter);
    switch (ct_below(g, 4)) {
        case 0: r += (ct_unit(g) - 0.5) * 2.0; break;
        case 1: r += (ct_unit(g) - 0.5) * 1e-3; break;
        case 2: r += (double)((int)ct_below(g, 5) - 2); break;
        default: r = (ct_unit(g) - 0.5) * 6e11; break;
    }
    sqlite3_str_appendall(p, CT_PICK(g, azPad));
    if (r >= 0 && ct_below(g, 5) == 0) sqlite3_str_appendall(p, "+");
    sqlite3_str_appendf(p, CT_PICK(g, azFmt), r);
    sqlite3_str_appendall(p, CT_PICK(g, azPad));
}

/* One generated string (caller frees). */
static char *ct_gen(ct_rng *g) {
    sqlite3_str *p = sqlite3_str_new(NULL);
    switch (ct_below(g, 10)) {
        case 0:
        case 1:
        case 2:
        case 3:
            ct_gen_date(g, p);
            if (ct_below(g, 3) != 0) ct_gen_clock(g, p);
            break;
        case 4:
        case 5:
            ct_gen_clock(g, p);
            break;
        case 6:
            ct_gen_number_text(g, p);
            break;
        default: {
            uint32_t n = 1 + ct_below(g, 10);
            for (uint32_t k = 0; k < n; k++) sqlite3_str_appendall(p, CT_PICK(g, azFrag));
            break;
        }
    }
    return sqlite3_str_finish(p);
}

/* rule 2: several thousand generated date-ish strings against julianday. */
START_TEST(test_generated_texts) {
    ct_rng g = {0x5eed1234abcdULL};
    static ct_tally t;
    int nOk = 0;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < 6000; i++) {
        char *z = ct_gen(&g);
        ck_assert_ptr_nonnull(z);
        ct_tally_text(&t, z, i % 3 == 0);
        /* count the readable ones: the generator must reach both sides */
        sqlite3_bind_text(ctJd, 1, z, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(ctJd) == SQLITE_ROW && sqlite3_column_type(ctJd, 1) != SQLITE_NULL) {
            nOk++;
        }
        sqlite3_reset(ctJd);
        sqlite3_free(z);
    }
    ck_assert_msg(nOk > 1000 && nOk < 5000, "generator reached %d readable values of 6000", nOk);
    ct_tally_check(&t, "generated texts");
}
END_TEST

/* rule 2: generated INTEGER and REAL values around every range boundary. */
START_TEST(test_generated_numbers) {
    static const double aCenter[] = {0.0,          5373484.5,    -210866760000.0, 253402300799.0,
                                     2458849.5,    1577836800.0, -1.0,            1e12};
    ct_rng g = {0x0ddba11cafeULL};
    static ct_tally t;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < 4000; i++) {
        double r = CT_PICK(&g, aCenter);
        ct_result res;
        switch (ct_below(&g, 4)) {
            case 0: r += (ct_unit(&g) - 0.5) * 4.0; break;
            case 1: r += (ct_unit(&g) - 0.5) * 1e-4; break;
            case 2: r = (ct_unit(&g) - 0.5) * 6e11; break;
            default: r = ct_unit(&g) * 6e6; break;
        }
        if (i % 2) {
            sqlite3_bind_int64(ctJd, 1, (sqlite3_int64)floor(r));
        } else {
            sqlite3_bind_double(ctJd, 1, r);
        }
        ct_eval(&res);
        ct_tally_add(&t, &res);
    }
    ct_tally_check(&t, "generated numbers");
}
END_TEST

/* ------------------------------------------------------------ writing */

/* Format through learnpath and through datetime(ms / 86400000.0). */
static void ct_format_both(int64_t ms, char *zMine, char *zSql, size_t nSql) {
    learnpath_format_time(ms, zMine);
    sqlite3_bind_int64(ctDt, 1, (sqlite3_int64)ms);
    ck_assert_int_eq(sqlite3_step(ctDt), SQLITE_ROW);
    snprintf(zSql, nSql, "%s",
             sqlite3_column_type(ctDt, 0) == SQLITE_NULL
                 ? "NULL"
                 : (const char *)sqlite3_column_text(ctDt, 0));
    sqlite3_reset(ctDt);
}

/* rule 10: known instants, worked out by hand, and datetime() agrees. */
START_TEST(test_format_known) {
    static const struct {
        int64_t ms;
        const char *zWant;
    } aKnown[] = {
        {CT_AT(JD_2020_02_29, 86399999), "2020-02-29 23:59:59"}, /* seconds truncated */
        {CT_JD(JD_2020_03_01), "2020-03-01 00:00:00"},
        {CT_JD(JD_1970_01_01), "1970-01-01 00:00:00"},
        {CT_AT(JD_1970_01_01, -1), "1969-12-31 23:59:59"},
        {CT_AT(JD_9999_12_31, 86399000), "9999-12-31 23:59:59"},
        {CT_AT(JD_9999_12_31, 86399999), "9999-12-31 23:59:59"},
        {CT_JD(2451545.0), "2000-01-01 12:00:00"},
        {CT_JD(JD_2000_01_01 + 31.0 + 28.0), "2000-02-29 00:00:00"}, /* 2000 is leap */
        {CT_JD(2415020.5 + 31.0 + 28.0), "1900-03-01 00:00:00"},     /* 1900 is not */
        {CT_AT(2415020.5 + 31.0 + 28.0, -1), "1900-02-28 23:59:59"},
        {CT_AT(JD_2020_01_01, 10 * CT_H + 30 * CT_MIN + 15250), "2020-01-01 10:30:15"},
        {CT_JD(JD_2021_03_03), "2021-03-03 00:00:00"},
        {CT_JD(JD_0001_01_01), "0001-01-01 00:00:00"},
        {CT_AT(JD_0001_01_01, -1), "0000-12-31 23:59:59"},
        {CT_JD(JD_0000_01_01), "0000-01-01 00:00:00"},
        {CT_AT(JD_0000_01_01, -CT_H), "-0001-12-31 23:00:00"},
        {CT_JD(JD_M0001_03_01), "-0001-03-01 00:00:00"},
        {0, "-4713-11-24 12:00:00"},
        {CT_JD(12.0), "-4713-12-06 12:00:00"},
    };
    for (size_t i = 0; i < sizeof(aKnown) / sizeof(aKnown[0]); i++) {
        char zMine[LP_TIME_BUFSZ], zSql[64];
        ct_format_both(aKnown[i].ms, zMine, zSql, sizeof(zSql));
        ck_assert_msg(strcmp(zMine, aKnown[i].zWant) == 0, "ms %lld: got '%s', want '%s'",
                      (long long)aKnown[i].ms, zMine, aKnown[i].zWant);
        ck_assert_msg(strcmp(zSql, aKnown[i].zWant) == 0, "datetime() of ms %lld: '%s', want '%s'",
                      (long long)aKnown[i].ms, zSql, aKnown[i].zWant);
    }
}
END_TEST

/*
** rules 10 and 2: random instants in years 0001-9999 format as datetime()
** does, and reading the text back gives the instant without its
** milliseconds.
*/
START_TEST(test_format_random) {
    ct_rng g = {0xf00dfeed2024ULL};
    const int64_t msLo = CT_JD(JD_0001_01_01), msHi = CT_JD(JD_9999_12_31 + 1.0);
    static ct_tally t;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < 6000; i++) {
        int64_t ms = msLo + (int64_t)(ct_unit(&g) * (double)(msHi - msLo));
        char zMine[LP_TIME_BUFSZ], zSql[64];
        lp_time_status eStatus = (lp_time_status)-1;
        int64_t msBack = -1;
        int rc;
        /* a third at midnight, a third just before it, a third anywhere */
        if (i % 3 == 0) ms -= (ms - 43200000) % 86400000;
        if (i % 3 == 1) ms -= (ms - 43200000) % 86400000 + 1;
        if (ms < msLo) ms = msLo;
        ct_format_both(ms, zMine, zSql, sizeof(zSql));
        /* read it back through the rule-2 reader */
        sqlite3_bind_text(ctTxt, 1, zMine, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(ctTxt) == SQLITE_ROW
                 ? learnpath_parse_time_column(ctTxt, 0, &eStatus, &msBack)
                 : SQLITE_ERROR;
        sqlite3_reset(ctTxt);
        t.nTried++;
        if (strcmp(zMine, zSql) != 0 || rc != SQLITE_OK || eStatus != LP_TIME_OK ||
            msBack != ms - (ms - 43200000) % 1000) {
            if (t.nBad < 20) {
                char zLine[200];
                snprintf(zLine, sizeof(zLine), "ms %lld: '%s' datetime '%s' read back %s %lld",
                         (long long)ms, zMine, zSql, ct_status_name(eStatus), (long long)msBack);
                ct_tally_log(&t, zLine);
            }
            t.nBad++;
        }
    }
    ck_assert_msg(t.nBad == 0, "rule 10: %d of %d instants differ:\n%s", t.nBad, t.nTried,
                  t.zLog);
}
END_TEST

/*
** datetime(v, 'auto') normalised: what rule 10 says learnpath shows for a
** value v that julianday() reads. A time alone gets its date written
** first (rule 2: it is on 2000-01-01): datetime() takes such a time's date
** from the rounded instant but its clock from the text, and counts hour 24
** twice. The normalising julianday() then turns 2020-02-30 and 24:00,
** which datetime() echoes, into the instant learnpath shows.
*/
static const char zCtOracle[] =
    "SELECT datetime(julianday(datetime(CASE WHEN typeof(?1) = 'text'"
    " AND substr(?1, 3, 1) = ':' THEN '2000-01-01 ' || ?1 ELSE ?1 END, 'auto'))),"
    " datetime(?1, 'auto')";

/*
** Rule 10's documented differences from datetime()'s text zRaw (of a
** value that is a time alone when isClock): datetime() echoes what it read
** where learnpath shows the instant julianday() reads. 1: hour 24; 2: a
** day past the month's end; 3: a year before 0 (julianday() reads dates of
** some, such as -0200-06-12, a day later than datetime() writes them);
** 4: a time alone (datetime() takes its date from the rounded instant, its
** clock from the text); 5: the first instant, -4713-11-24 12:00:00, whose
** written second a fraction cannot keep. 0: none of these.
*/
static int ct_echo_class(const char *zRaw, int isClock) {
    static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int neg = zRaw[0] == '-', Y, M, D, h;
    if (strncmp(zRaw, "-4713-11-24 11:59:59", 20) == 0) return 5;
    if (sscanf(zRaw + neg, "%d-%d-%d %d", &Y, &M, &D, &h) != 4 || M < 1 || M > 12) return 0;
    if (neg) Y = -Y;
    if (h == 24) return 1;
    if (D > aDays[M - 1] + (M == 2 && Y % 4 == 0 && (Y % 100 != 0 || Y % 400 == 0))) return 2;
    if (Y < 0) return 3;
    return isClock ? 4 : 0;
}

/* Tallies of rule 10's comparison with datetime(). */
typedef struct ct_fmt_tally {
    ct_tally t;
    int nSame;          /* exactly datetime()'s text */
    int anClass[6];     /* a documented difference, by class */
} ct_fmt_tally;

/* Compare the formatting of bound value 1 of pOracle and ctJd with datetime(). */
static void ct_tally_format(ct_fmt_tally *f, sqlite3_stmt *pOracle, int isClock) {
    ct_result r;
    char zMine[LP_TIME_BUFSZ], zLine[400];
    const char *zWant, *zRaw;
    int eClass = 0;
    ct_eval(&r);
    if (r.jdNull || r.stCol != LP_TIME_OK) return; /* reading: the rule-2 tests */
    learnpath_format_time(r.msCol, zMine);
    ck_assert_int_eq(sqlite3_step(pOracle), SQLITE_ROW);
    zWant = (const char *)sqlite3_column_text(pOracle, 0);
    zRaw = (const char *)sqlite3_column_text(pOracle, 1);
    f->t.nTried++;
    if (zRaw && strcmp(zMine, zRaw) == 0) {
        f->nSame++;
    } else if (zRaw && (eClass = ct_echo_class(zRaw, isClock)) != 0 &&
               (eClass == 5 ? strcmp(zMine, "-4713-11-24 12:00:00") == 0
                            : zWant && strcmp(zMine, zWant) == 0)) {
        f->anClass[eClass]++;
    } else {
        if (f->t.nBad < 20) {
            snprintf(zLine, sizeof(zLine), "%s: learnpath '%s', datetime() '%s' (normalised '%s')",
                     r.zShow, zMine, zRaw ? zRaw : "NULL", zWant ? zWant : "NULL");
            ct_tally_log(&f->t, zLine);
        }
        f->t.nBad++;
    }
    sqlite3_reset(pOracle);
    sqlite3_clear_bindings(pOracle);
}

/* Bind z as text to both statements and compare (rule 10). */
static void ct_format_text(ct_fmt_tally *f, sqlite3_stmt *pOracle, const char *z) {
    if (ct_is_now(z)) return;
    sqlite3_bind_text(ctJd, 1, z, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(pOracle, 1, z, -1, SQLITE_TRANSIENT);
    ct_tally_format(f, pOracle, strlen(z) > 2 && z[2] == ':');
}

/*
** rule 10: what a value shows as is what datetime(v, 'auto') shows, its
** seconds truncated, over values near second, day and year boundaries
** (fractions that round up, offsets that cross midnight, negative years,
** the ends of the range), the generated texts of rule 2 and numbers.
** Where datetime() echoes a written date it does not read as written
** (ct_echo_class), learnpath shows the instant instead, as rule 10 says.
*/
START_TEST(test_format_matches_datetime) {
    static const char *const azDate[] = {
        "2020-12-31", "2020-02-28", "2020-02-29", "2021-02-28", "1999-12-31", "1969-12-31",
        "0000-12-31", "0000-01-01", "-0001-12-31", "-0001-02-28", "-4713-11-24", "-4713-11-25",
        "-0200-06-12", "-0401-12-31", "-0400-03-01",
        "9999-12-31", "9999-12-30", "2020-02-30", "2021-04-31", ""};
    static const char *const azClock[] = {"23:59:59", "00:00:00", "11:59:59", "12:00:00",
                                          "23:59", "24:00:00", "23:59:58"};
    static const char *const azFrac[] = {"",        ".9994", ".9995", ".99949999", ".99951",
                                         ".999",    ".5",    ".0005", ".0004",     ".9999999"};
    static const char *const azZone[] = {"", "Z", " +00:00", "-00:00", "+01:00", "-05:30",
                                         "+14:00", "-14:00"};
    sqlite3_stmt *pOracle = NULL;
    static ct_fmt_tally f;
    ct_rng g = {0xda7e7133ULL};
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(sqlite3_prepare_v2(ctDb, zCtOracle, -1, &pOracle, NULL), SQLITE_OK);
    for (size_t d = 0; d < sizeof(azDate) / sizeof(azDate[0]); d++) {
        for (size_t c = 0; c < sizeof(azClock) / sizeof(azClock[0]); c++) {
            for (size_t k = 0; k < sizeof(azFrac) / sizeof(azFrac[0]); k++) {
                for (size_t z = 0; z < sizeof(azZone) / sizeof(azZone[0]); z++) {
                    char zVal[96];
                    if (azFrac[k][0] && strlen(azClock[c]) < 8) continue; /* HH:MM.f */
                    snprintf(zVal, sizeof(zVal), "%s%s%s%s%s", azDate[d], azDate[d][0] ? " " : "",
                             azClock[c], azFrac[k], azZone[z]);
                    ct_format_text(&f, pOracle, zVal);
                }
            }
        }
    }
    for (int i = 0; i < 6000; i++) {
        char *z = ct_gen(&g);
        ck_assert_ptr_nonnull(z);
        ct_format_text(&f, pOracle, z);
        sqlite3_free(z);
    }
    for (int i = 0; i < 3000; i++) {
        double r = i % 2 ? ct_unit(&g) * 5373484.5 : (ct_unit(&g) - 0.5) * 6e11;
        if (i % 3 == 0) r = floor(r) + (i % 4 ? 0.4999999 : 0.9999999);
        sqlite3_bind_double(ctJd, 1, r);
        sqlite3_bind_double(pOracle, 1, r);
        ct_tally_format(&f, pOracle, 0);
    }
    sqlite3_finalize(pOracle);
    ck_assert_msg(f.t.nBad == 0, "rule 10: %d of %d values format unlike datetime():\n%s",
                  f.t.nBad, f.t.nTried, f.t.zLog);
    /* most values show exactly as datetime() shows them, and each
    ** documented difference was met */
    ck_assert_msg(f.nSame > 8000, "only %d of %d values as datetime()", f.nSame, f.t.nTried);
    for (int k = 1; k <= 5; k++) {
        ck_assert_msg(f.anClass[k] > 0, "difference %d never met (%d values)", k, f.t.nTried);
    }
}
END_TEST

/*
** rules 2, 7 and 10 through first_program: 2020-12-31 23:59:59.9995 starts
** in 2020 as datetime() shows it (not 2021-01-01 00:00:00, julianday()'s
** rounding), and the window of rule 7 sees it there too.
*/
START_TEST(test_time_rounding_second) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (1, 'A', '2020-12-31 23:59:59.9995'),"
                 " (1, 'B', '2021-01-01 00:00:00'), (2, 'A', '-0001-12-31 23:59:59.9996'),"
                 " (3, 'A', '2020-12-31 23:59:59.9995+01:00'), (4, 'A', '23:59:59.9995');");
    lpt_assert_rows(db,
                    "SELECT user_id, started_at, started_at = datetime(enrolled_at), tied, steps,"
                    " next_program FROM first_program('k') JOIN k USING (user_id)"
                    " WHERE k.program = 'A'",
                    "1|2020-12-31 23:59:59|1|0|2|B\n2|-0001-12-31 23:59:59|1|0|1|NULL\n"
                    "3|2020-12-31 23:00:00|1|0|1|NULL\n4|2000-01-01 23:59:59|0|0|1|NULL\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program WHERE source = 'k'"
                        " AND until = '2021-01-01'",
                    "1\n2\n3\n4\n");
    lpt_assert_rows(db, "SELECT user_id FROM first_program WHERE source = 'k'"
                        " AND since = '2020-12-31 23:59:59.9995'",
                    "1\n");
    sqlite3_close(db);
}
END_TEST

/* ---------------------------------------------- through first_program */

/* Rule 2: spaces SQLite skips around a number (\v, \f, \r) and after a
** date; a value that reads as a time up to a NUL byte reads as that time,
** as julianday() reads it. */
START_TEST(test_time_odd_text) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, "CREATE TABLE k(user_id, program, enrolled_at);"
                 "INSERT INTO k VALUES (1, 'A', char(11) || '2459300.5'),"
                 " (2, 'A', '2459300.5' || char(12)), (3, 'A', char(13) || '2459300.5'),"
                 " (4, 'A', '2021-01-01' || char(13)),"
                 " (5, 'A', '2021-01-01' || char(0) || 'x'),"
                 " (6, 'A', '2021-01-01 10:00:00' || char(0) || 'x');");
    lpt_assert_rows(db,
                    "SELECT user_id, started_at, julianday(started_at) = julianday(k.enrolled_at,"
                    " 'auto') FROM first_program('k') JOIN k USING (user_id)",
                    "1|2021-03-27 00:00:00|1\n2|2021-03-27 00:00:00|1\n3|2021-03-27 00:00:00|1\n"
                    "4|2021-01-01 00:00:00|1\n5|2021-01-01 00:00:00|1\n6|2021-01-01 10:00:00|1\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 2: values julianday() refuses are unreadable here too. */
START_TEST(test_time_refused) {
    sqlite3 *db = lpt_open();
    const char *azBad[] = {"5373484.4999999995", "'2021-01-01 10:60:00'",
                           "'9999-12-31 24:00:00'", "'9999-12-31 24:00:00' || char(0) || 'x'"};
    const char *azShow[] = {"'5373484.5'", "'2021-01-01 10:60:00'", "'9999-12-31 24:00:00'",
                            "'9999-12-31 24:00:00'"};
    for (int i = 0; i < 4; i++) {
        char *zSql = sqlite3_mprintf(
            "DROP TABLE IF EXISTS k; CREATE TABLE k(user_id, program, enrolled_at);"
            "INSERT INTO k VALUES (1, 'A', %s);",
            azBad[i]);
        lpt_exec(db, zSql);
        sqlite3_free(zSql);
        lpt_assert_rows(db, "SELECT julianday(enrolled_at, 'auto') FROM k", "NULL\n");
        char *zWant = sqlite3_mprintf(
            "ERROR: first_program(): unreadable time %s in column 'enrolled_at' of 'k'", azShow[i]);
        lpt_assert_rows(db, "SELECT * FROM first_program('k')", zWant);
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST

Suite *make_time_suite(void) {
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("Core");
    tcase_add_checked_fixture(tc, ct_setup, ct_teardown);
    tcase_add_loop_test(tc, test_text_case, 0, CT_N_TEXT);
    tcase_add_loop_test(tc, test_number_case, 0, CT_N_NUM);
    tcase_add_test(tc, test_null_value);
    tcase_add_test(tc, test_blob_values);
    tcase_add_test(tc, test_parse_number_direct);
    tcase_add_test(tc, test_format_known);
    suite_add_tcase(s, tc);

    tc = tcase_create("Limits");
    tcase_add_checked_fixture(tc, ct_setup, ct_teardown);
    tcase_add_test(tc, test_long_fractions);
    tcase_add_test(tc, test_now_refused);
    suite_add_tcase(s, tc);

    tc = tcase_create("Generated");
    tcase_add_checked_fixture(tc, ct_setup, ct_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_generated_texts);
    tcase_add_test(tc, test_generated_numbers);
    tcase_add_test(tc, test_format_random);
    tcase_add_test(tc, test_format_matches_datetime);
    suite_add_tcase(s, tc);

    tc = tcase_create("SQL");
    tcase_add_test(tc, test_time_odd_text);
    tcase_add_test(tc, test_time_refused);
    tcase_add_test(tc, test_time_rounding_second);
    suite_add_tcase(s, tc);
    return s;
}
