/*
** lp_time.c - reading and writing the time values of enrollments.
**
** Rule 2 of learnpath: a time value is accepted exactly when SQLite's
** julianday(value, 'auto') accepts it, with the same meaning. This file
** implements that reading in C, without calling SQLite's date functions
** (the 'auto' modifier needs SQLite 3.38 and learnpath runs on 3.31+; and a
** C reader is many times faster than a nested SQL call per row).
**
** HOW IT WORKS
**   Instants are integer milliseconds since the Julian-day epoch, the unit
**   SQLite uses internally, so julianday(v) == ms / 86400000.0 exactly.
**
**   Numbers (INTEGER or REAL storage, or text that is wholly a number):
**     0 <= r < 5373484.5                    a Julian day number
**     -210866760000 <= r <= 253402300799    otherwise, Unix seconds
**     anything else (and NaN)               unreadable
**   Text:
**     [-]YYYY-MM-DD  then any run of spaces or 'T', then optionally a time
**     HH:MM[:SS[.fff...]]  (hours 00-24, minutes and seconds 00-59), then
**     optional spaces and a zone: Z, z or [+-]HH:MM (hours 00-14), then
**     optional spaces. Days 01-31 are accepted in every month and roll over
**     as in SQLite (2021-02-31 is 2021-03-03). The instant must lie from
**     -4713-11-24 12:00:00 to 9999-12-31 23:59:59.999, as SQLite requires.
**     A time alone (HH:MM...) is on 2000-01-01, as in SQLite.
**   The text 'now' is the one value julianday() takes that learnpath
**   refuses: it is a clock reading, not a recorded time.
**   A fraction of a second that julianday() rounds up into the next whole
**   second (59.9995) is read 1 ms short of it when the text has no offset
**   (or a zero one): datetime() shows such a time in its written second,
**   and rule 10 formats as datetime() does (see timePartsToMs).
**
**   The calendar arithmetic is the proleptic-Gregorian day count of
**   Meeus (Astronomical Algorithms, ch. 7), evaluated with the same integer
**   truncation SQLite uses, so negative years agree with SQLite too.
**   Formatting inverts it with floor division (Fliegel-Van Flandern style)
**   and truncates to the second, as datetime() does. It gives datetime()'s
**   text for every value but those datetime() echoes without normalising:
**   a day past the month's end (2020-02-30) or hour 24, which come out as
**   the instant julianday() gives (2020-03-01 00:00:00).
**
** The property tests in tests/unit/check_time.c compare this reader with
** julianday(v, 'auto'), and the formatting of what it read with
** datetime(v, 'auto'), of the SQLite the tests run on, over many values.
*/
#include <math.h>
#include <string.h>

#include "lp_base.h"

/* Julian day 5373484.5 in ms: the first instant after 9999-12-31. */
#define TIME_JD_LIMIT 5373484.5
/* Instants SQLite calls valid: -4713-11-24 12:00:00 to 9999-12-31 23:59:59.999. */
#define TIME_MS_MAX 464269060799999LL
#define TIME_VALID(ms) ((ms) >= 0 && (ms) <= TIME_MS_MAX)
/* Unix seconds range SQLite's 'auto' accepts. */
#define TIME_UNIX_MIN (-210866760000.0)
#define TIME_UNIX_MAX (253402300799.0)

static int timeIsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int timeIsDigit(char c) {
    return c >= '0' && c <= '9';
}

/*
** Read exactly nDigit digits at z into *pVal; they must lie in [lo, hi].
** Returns 1 on success.
*/
static int timeDigits(const char *z, int nDigit, int lo, int hi, int *pVal) {
    int v = 0;
    for (int i = 0; i < nDigit; i++) {
        if (!timeIsDigit(z[i])) return 0;
        v = v * 10 + (z[i] - '0');
    }
    if (v < lo || v > hi) return 0;
    *pVal = v;
    return 1;
}

/* The pieces of a text time, before they are turned into an instant. */
typedef struct time_parts {
    int hasDate;
    int Y, M, D;
    int hasTime;
    int h, m;
    double s;      /* seconds with fraction */
    int tzMinutes; /* offset east of UTC */
} time_parts;

/*
** Parse "HH:MM[:SS[.fff]]" then an optional zone and trailing spaces.
** Returns 1 when the whole rest of the text was consumed.
*/
static int timeParseClock(const char *z, time_parts *p) {
    int h, m, sec = 0;
    double frac = 0.0;
    if (!timeDigits(z, 2, 0, 24, &h) || z[2] != ':' || !timeDigits(z + 3, 2, 0, 59, &m)) {
        return 0;
    }
    z += 5;
    if (*z == ':') {
        if (!timeDigits(z + 1, 2, 0, 59, &sec)) return 0;
        z += 3;
        if (*z == '.' && timeIsDigit(z[1])) {
            double scale = 1.0;
            z++;
            while (timeIsDigit(*z)) {
                frac = frac * 10.0 + (*z - '0');
                scale *= 10.0;
                z++;
            }
            frac /= scale;
        }
    }
    p->hasTime = 1;
    p->h = h;
    p->m = m;
    p->s = sec + frac;
    p->tzMinutes = 0;

    while (timeIsSpace(*z)) z++;
    if (*z == 'Z' || *z == 'z') {
        z++;
    } else if (*z == '+' || *z == '-') {
        int sign = (*z == '-') ? -1 : 1;
        int th, tm;
        if (!timeDigits(z + 1, 2, 0, 14, &th) || z[3] != ':' ||
            !timeDigits(z + 4, 2, 0, 59, &tm)) {
            return 0;
        }
        p->tzMinutes = sign * (th * 60 + tm);
        z += 6;
    } else {
        return *z == 0;
    }
    while (timeIsSpace(*z)) z++;
    return *z == 0;
}

/* Parse "[-]YYYY-MM-DD[sep][clock]". Returns 1 on success. */
static int timeParseDate(const char *z, time_parts *p) {
    int neg = 0;
    if (*z == '-') {
        neg = 1;
        z++;
    }
    if (!timeDigits(z, 4, 0, 9999, &p->Y) || z[4] != '-' ||
        !timeDigits(z + 5, 2, 1, 12, &p->M) || z[7] != '-' ||
        !timeDigits(z + 8, 2, 1, 31, &p->D)) {
        return 0;
    }
    if (neg) p->Y = -p->Y;
    p->hasDate = 1;
    z += 10;
    while (timeIsSpace(*z) || *z == 'T') z++;
    if (*z == 0) return 1;
    return timeParseClock(z, p);
}

/*
** Day number (Julian day at midnight, times 2, to stay integral: the .5 of
** the Meeus formula) -> instant in ms. Truncating integer division, as in
** SQLite, so the results agree for negative years as well.
*/
static int64_t timeMidnightMs(int Y, int M, int D) {
    if (M <= 2) {
        Y--;
        M += 12;
    }
    int A = Y / 100;
    int B = 2 - A + A / 4;
    int X1 = 36525 * (Y + 4716) / 100;
    int X2 = 306001 * (M + 1) / 10000;
    /* Julian day of midnight = X1 + X2 + D + B - 1524.5 */
    return ((int64_t)(X1 + X2 + D + B - 1525) * 86400000) + 43200000;
}

static int timePartsToMs(const time_parts *p, int64_t *pMs) {
    int Y = 2000, M = 1, D = 1;
    if (p->hasDate) {
        Y = p->Y;
        M = p->M;
        D = p->D;
    }
    if (Y < -4713 || Y > 9999) return 0;
    int64_t ms = timeMidnightMs(Y, M, D), msSec = 0;
    if (p->hasTime) {
        /* 309 or more fraction digits make inf/inf: julianday() gives NULL */
        if (p->s != p->s) return 0;
        msSec = (int64_t)(p->s * 1000.0 + 0.5); /* rounded to the ms, as julianday() */
        ms += (int64_t)p->h * 3600000 + (int64_t)p->m * 60000 + msSec;
        ms -= (int64_t)p->tzMinutes * 60000;
    }
    /* as SQLite: instants before Julian day 0 or after 9999 are not valid
    ** (-4713-01-31, or 9999-12-31 23:00-05:00) */
    if (!TIME_VALID(ms)) return 0;
    /* Rules 2 and 10: julianday() rounds 59.9995 up into the next second
    ** (and 23:59:59.9995 into the next day, even year), while datetime()
    ** shows the second that is written. Without an offset (datetime()
    ** computes from the rounded instant only with one), the instant stays
    ** in its written second, 1 ms short of julianday()'s, so that it is
    ** compared, windowed and shown alike. (Not below the first valid
    ** instant: -4713-11-24 11:59:59.9995 stays julianday()'s 12:00:00.) */
    if (p->hasTime && p->tzMinutes == 0 && msSec > (int64_t)p->s * 1000 + 999 && ms > 0) ms--;
    *pMs = ms;
    return 1;
}

/*
** Is z wholly a decimal number as SQLite reads one: optional spaces, sign,
** digits with an optional point (at least one digit), optional exponent
** with at least one digit, optional spaces?
*/
static int timeIsNumber(const char *z) {
    int nDigit = 0;
    while (timeIsSpace(*z)) z++;
    if (*z == '+' || *z == '-') z++;
    while (timeIsDigit(*z)) {
        z++;
        nDigit++;
    }
    if (*z == '.') {
        z++;
        while (timeIsDigit(*z)) {
            z++;
            nDigit++;
        }
    }
    if (nDigit == 0) return 0;
    if (*z == 'e' || *z == 'E') {
        z++;
        if (*z == '+' || *z == '-') z++;
        if (!timeIsDigit(*z)) return 0;
        while (timeIsDigit(*z)) z++;
    }
    while (timeIsSpace(*z)) z++;
    return *z == 0;
}

lp_time_status learnpath_parse_time_number(double r, int64_t *pMs) {
    int64_t ms;
    if (r >= 0.0 && r < TIME_JD_LIMIT) {
        ms = (int64_t)(r * 86400000.0 + 0.5);
    } else if (r >= TIME_UNIX_MIN && r <= TIME_UNIX_MAX) {
        ms = (int64_t)(r * 1000.0 + 210866760000000.0 + 0.5);
    } else {
        return LP_TIME_BAD; /* out of both ranges, or NaN */
    }
    /* rounding can carry a value just past the last valid instant */
    if (!TIME_VALID(ms)) return LP_TIME_BAD;
    *pMs = ms;
    return LP_TIME_OK;
}

/* Two digits at z as a number, or -1; never reads past a NUL at z[0]. */
static int timeTwo(const char *z) {
    unsigned a = (unsigned)(unsigned char)z[0] - '0', b;
    if (a > 9) return -1;
    b = (unsigned)(unsigned char)z[1] - '0';
    return b <= 9 ? (int)(a * 10 + b) : -1;
}

/*
** The shapes nearly every export uses, read directly: "YYYY-MM-DD" and
** "YYYY-MM-DD HH:MM:SS" (space or T). Returns 1 with *p filled, or 0 to let
** the general reader decide (it accepts everything this does, the same
** way; this only saves time). Bytes are read left to right, each only
** after the ones before it proved not to be the terminating NUL.
*/
static int timeFastShape(const char *z, time_parts *p) {
    int y1, y2, mo, d, h, mi, sec;
    if ((y1 = timeTwo(z)) < 0 || (y2 = timeTwo(z + 2)) < 0 || z[4] != '-') return 0;
    if ((mo = timeTwo(z + 5)) < 1 || mo > 12 || z[7] != '-') return 0;
    if ((d = timeTwo(z + 8)) < 1 || d > 31) return 0;
    p->hasDate = 1;
    p->Y = y1 * 100 + y2;
    p->M = mo;
    p->D = d;
    if (z[10] == 0) return 1;
    if (z[10] != ' ' && z[10] != 'T') return 0;
    if ((h = timeTwo(z + 11)) < 0 || h > 24 || z[13] != ':') return 0;
    if ((mi = timeTwo(z + 14)) < 0 || mi > 59 || z[16] != ':') return 0;
    if ((sec = timeTwo(z + 17)) < 0 || sec > 59 || z[19] != 0) return 0;
    p->hasTime = 1;
    p->h = h;
    p->m = mi;
    p->s = sec;
    return 1;
}

/*
** The same two shapes straight to an instant, in integers, for a text of
** n bytes: the common case of every row of an export. 0 when it is not
** exactly one of them (the general reader then decides).
*/
static int timeFastMs(const char *z, int n, int64_t *pMs) {
    int y1, y2, mo, d, h = 0, mi = 0, sec = 0;
    if (n != 10 && n != 19) return 0;
    if ((y1 = timeTwo(z)) < 0 || (y2 = timeTwo(z + 2)) < 0 || z[4] != '-') return 0;
    if ((mo = timeTwo(z + 5)) < 1 || mo > 12 || z[7] != '-') return 0;
    if ((d = timeTwo(z + 8)) < 1 || d > 31) return 0;
    if (n == 19) {
        if (z[10] != ' ' && z[10] != 'T') return 0;
        if ((h = timeTwo(z + 11)) < 0 || h > 24 || z[13] != ':') return 0;
        if ((mi = timeTwo(z + 14)) < 0 || mi > 59 || z[16] != ':') return 0;
        if ((sec = timeTwo(z + 17)) < 0 || sec > 59) return 0;
    }
    int64_t ms = timeMidnightMs(y1 * 100 + y2, mo, d) + (int64_t)h * 3600000 + mi * 60000 +
                 sec * 1000;
    if (!TIME_VALID(ms)) return 0;
    *pMs = ms;
    return 1;
}

/*
** Read a text that is not a number (date, date and time, or time alone).
*/
static lp_time_status timeParseNonNumeric(const char *z, int64_t *pMs) {
    time_parts parts;
    memset(&parts, 0, sizeof(parts));
    if (timeFastShape(z, &parts)) return timePartsToMs(&parts, pMs) ? LP_TIME_OK : LP_TIME_BAD;
    memset(&parts, 0, sizeof(parts));
    if (!timeParseDate(z, &parts)) {
        memset(&parts, 0, sizeof(parts));
        if (!timeParseClock(z, &parts)) return LP_TIME_BAD;
    }
    return timePartsToMs(&parts, pMs) ? LP_TIME_OK : LP_TIME_BAD;
}

/*
** Rule 2 for a value of storage class eType whose text is z (TEXT or BLOB)
** or whose number is got by xNum(pArg) (numbers, and text that is wholly a
** number: SQLite's own text-to-double conversion is used for those).
*/
static int timeParseTyped(int eType, const char *z, int nByte, double (*xNum)(void *, int),
                          void *pArg, int iArg, lp_time_status *pStatus, int64_t *pMs) {
    switch (eType) {
        case SQLITE_NULL:
            *pStatus = LP_TIME_EMPTY;
            return SQLITE_OK;
        case SQLITE_INTEGER:
        case SQLITE_FLOAT:
            *pStatus = learnpath_parse_time_number(xNum(pArg, iArg), pMs);
            return SQLITE_OK;
        default:
            break;
    }
    if (z == NULL) {
        if (nByte > 0) return SQLITE_NOMEM;
        *pStatus = LP_TIME_EMPTY;
    } else if (timeFastMs(z, nByte, pMs)) {
        *pStatus = LP_TIME_OK;
    } else if (z[0] == 0) {
        /* empty text, or a text or blob whose first byte is NUL */
        *pStatus = nByte == 0 ? LP_TIME_EMPTY : LP_TIME_BAD;
    } else if (timeParseNonNumeric(z, pMs) == LP_TIME_OK) {
        *pStatus = LP_TIME_OK;
    } else if (timeIsNumber(z)) {
        *pStatus = learnpath_parse_time_number(xNum(pArg, iArg), pMs);
    } else {
        *pStatus = LP_TIME_BAD;
    }
    return SQLITE_OK;
}

/*
** Rule 2 for a TEXT of n bytes with '-' at offsets 4 and 7, as the
** reader's helper thread sees it. Such a text is never wholly a number (a
** number has a '-' only first and right after its exponent's 'e'), so
** timeParseTyped would not convert it with SQLite: this is the same
** reading without any SQLite call, safe on any thread.
*/
lp_time_status learnpath_parse_time_text(const char *z, int n, int64_t *pMs) {
    if (timeFastMs(z, n, pMs)) return LP_TIME_OK;
    if (z[0] == 0) return LP_TIME_BAD; /* n > 0: a NUL first is unreadable */
    return timeParseNonNumeric(z, pMs);
}

static double timeValueNum(void *pArg, int iArg) {
    (void)iArg;
    return sqlite3_value_double((sqlite3_value *)pArg);
}

static double timeColumnNum(void *pArg, int iArg) {
    return sqlite3_column_double((sqlite3_stmt *)pArg, iArg);
}

int learnpath_parse_time_value(sqlite3_value *pVal, lp_time_status *pStatus, int64_t *pMs) {
    int eType = sqlite3_value_type(pVal);
    const char *z = NULL;
    int n = 0;
    if (eType == SQLITE_TEXT || eType == SQLITE_BLOB) {
        /* the length first: a failed conversion would make the value NULL */
        n = sqlite3_value_bytes(pVal);
        z = (const char *)sqlite3_value_text(pVal);
    }
    return timeParseTyped(eType, z, n, timeValueNum, pVal, 0, pStatus, pMs);
}

int learnpath_parse_time_column(sqlite3_stmt *pStmt, int iCol, lp_time_status *pStatus,
                                int64_t *pMs) {
    int eType = sqlite3_column_type(pStmt, iCol);
    const char *z = NULL;
    int n = 0;
    if (eType == SQLITE_TEXT || eType == SQLITE_BLOB) {
        /* the length first (no conversion for text and blobs): after a failed
        ** conversion the value would read as NULL */
        n = sqlite3_column_bytes(pStmt, iCol);
        z = (const char *)sqlite3_column_text(pStmt, iCol);
    }
    return timeParseTyped(eType, z, n, timeColumnNum, pStmt, iCol, pStatus, pMs);
}

/* Floor division for the calendar inversion (b > 0). */
static int64_t timeFloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b) != 0 && a < 0) q--;
    return q;
}

/*
** The proleptic Gregorian date of the Julian day number jdn, as datetime()
** shows it (the inversion SQLite uses).
*/
static void timeCivil(int64_t jdn, int64_t *pYear, int *pMonth, int *pDay) {
    int64_t a = jdn + 32044;
    int64_t b = timeFloorDiv(4 * a + 3, 146097);
    int64_t c = a - timeFloorDiv(146097 * b, 4);
    int64_t d = timeFloorDiv(4 * c + 3, 1461);
    int64_t e = c - timeFloorDiv(1461 * d, 4);
    int64_t m = timeFloorDiv(5 * e + 2, 153);
    *pDay = (int)(e - timeFloorDiv(153 * m + 2, 5) + 1);
    *pMonth = (int)(m + 3 - 12 * timeFloorDiv(m, 10));
    *pYear = 100 * b + d - 4800 + timeFloorDiv(m, 10);
}

void learnpath_format_time(int64_t ms, char *zOut) {
    /* Days since the epoch of Julian day 0 at midnight (JD -0.5). */
    int64_t msFromMidnight0 = ms + 43200000;
    int64_t jdn = timeFloorDiv(msFromMidnight0, 86400000); /* Julian day number */
    int64_t msOfDay = msFromMidnight0 - jdn * 86400000;
    int64_t secOfDay = msOfDay / 1000; /* seconds truncated, as datetime() */
    int64_t year;
    int month, day;
    timeCivil(jdn, &year, &month, &day);
    int hh = (int)(secOfDay / 3600), mi = (int)(secOfDay / 60 % 60), ss = (int)(secOfDay % 60);
    if (year < 0) {
        sqlite3_snprintf(LP_TIME_BUFSZ, zOut, "-%04lld-%02d-%02d %02d:%02d:%02d",
                         (long long)-year, month, day, hh, mi, ss);
    } else {
        sqlite3_snprintf(LP_TIME_BUFSZ, zOut, "%04lld-%02d-%02d %02d:%02d:%02d",
                         (long long)year, month, day, hh, mi, ss);
    }
}

/* See lp_base.h. */
int64_t learnpath_time_month(int64_t ms) {
    return learnpath_time_day_month(learnpath_time_day(ms));
}

/* See lp_base.h. */
int64_t learnpath_time_day_month(int64_t jdn) {
    int64_t year;
    int month, day;
    timeCivil(jdn, &year, &month, &day);
    return year * 12 + (month - 1);
}

/* See lp_base.h. */
void learnpath_format_month(int64_t iMonth, char *zOut) {
    int64_t year = timeFloorDiv(iMonth, 12);
    int month = (int)(iMonth - year * 12) + 1;
    if (year < 0) {
        sqlite3_snprintf(LP_TIME_BUFSZ, zOut, "-%04lld-%02d", (long long)-year, month);
    } else {
        sqlite3_snprintf(LP_TIME_BUFSZ, zOut, "%04lld-%02d", (long long)year, month);
    }
}
