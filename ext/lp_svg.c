/*
** lp_svg.c - charts as SQL: the sankey_svg and bar_svg aggregates.
**
**   SELECT sankey_svg(from_program, to_program, users, 'First -> next')
**     FROM program_transitions('enrollments', 'user_id', 'program',
**                              'enrolled_at', 'user_type')
**    WHERE step = 1 AND segment = 'student';
**
**   SELECT bar_svg(program, user_type, n, 'Program popularity')
**     FROM (SELECT program, user_type, count(DISTINCT user_id) AS n
**             FROM enrollments GROUP BY 1, 2);
**
** Both are aggregate functions registered by learnpath_register_svg(). They
** read no tables (SQLITE_INNOCUOUS) and return one standalone SVG document
** as TEXT: it starts with <svg xmlns="http://www.w3.org/2000/svg" and ends
** with </svg>, draws its own white background with dark text, uses the
** Okabe-Ito colour-blind-safe palette and needs no fonts, scripts or links.
**
**   sankey_svg(from, to, weight [, title])
**     One row per flow. Left column: the distinct `from` values; right
**     column: the distinct `to` values, plus a grey "did not continue" node
**     (always last) for rows whose `to` is NULL. Node height and band
**     thickness are proportional to weight; labels show name and total;
**     bands are semi-transparent cubic Bezier shapes in the colour of their
**     source. A name on both sides gets the same colour on both sides.
**
**   bar_svg(category, series, value [, title [, mode]])
**     Grouped bars (mode 'grouped', the default) or stacked bars (mode
**     'stacked'): one group per category, one bar or segment per series,
**     a legend of the series, the value above each bar (stacked: inside
**     each segment that has room, the total above the stack) and a y axis
**     with round ticks (1, 2 or 5 x 10^k). A NULL series is the series
**     "(none)", drawn grey and last. Negative values go below the zero line.
**
** RULES (svg rule N, cited by tests/unit/check_svg.c)
**   1. Rows are ignored when: from/category is NULL; the weight/value is
**      NULL, not a number (text that does not read entirely as a number,
**      blobs), not finite or larger in magnitude than 1e280; and for
**      sankey_svg when the weight is <= 0. Values given twice for the same
**      (from, to) or (category, series) add up.
**   2. Output depends only on the multiset of input rows, never on their
**      order: integer values are summed exactly (128-bit), other values are
**      summed per cell in ascending order; totals are summed in name order.
**      Sankey nodes are ordered by total descending, then by name (bytes);
**      bar categories and series by name, with the NULL series last.
**   3. Names are compared as the bytes of their text (numbers are shown as
**      their text). Labels show at most 60 characters (the title 100, a
**      legend entry 40); a longer one ends with an ellipsis and the full
**      text is in a <title> child, shown on hover.
**   4. Every piece of text is XML-escaped; control characters become a
**      space (tab, newline, CR) or U+FFFD, as do invalid UTF-8 sequences and
**      U+FFFE/U+FFFF, so the document is always well-formed XML.
**   5. Numbers are printed with SQLite's printf (no locale): whole numbers
**      with thousands separators ("1,234"), others with up to 2 decimals.
**   6. The title is the smallest (by bytes) non-NULL title of all rows; a
**      title that is not TEXT is an error ("bar_svg(): title must be
**      text"). The mode is matched without regard to case and must be the
**      same on every row; anything else is an error ("bar_svg(): mode must
**      be 'grouped' or 'stacked', not 'x'").
**   7. No row kept (or no row at all): a small SVG that says "no data".
**
** Layout is estimated without fonts: a character is taken as 0.58 em wide
** (7.5 px at 13 px), East Asian wide characters and emoji as 1 em. The
** canvas grows with labels, nodes and categories; there is no upper limit.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

/* ------------------------------------------------------------ constants */

#define SVG_PAD 24.0           /* outer margin */
#define SVG_FONT 13.0          /* labels */
#define SVG_FONT_SMALL 11.0    /* bar values, tick labels */
#define SVG_FONT_TITLE 18.0
#define SVG_EM 0.58            /* estimated width of a character, in em */
#define SVG_EM_DIGIT 0.60      /* ... of a digit or separator */
#define SVG_MAX_LABEL 60       /* characters shown of a node/category label */
#define SVG_MAX_TITLE 100
#define SVG_MAX_LEGEND 40
#define SVG_MAX_VALUE 1e280    /* larger magnitudes are ignored (rule 1) */
#define SVG_NUMBUF 640         /* room for any value svgFmtValue prints */

#define SVG_INK "#1f2328"      /* text */
#define SVG_MUTED "#57606a"    /* secondary text */
#define SVG_GRID "#e3e6ea"
#define SVG_AXIS "#8c959f"
#define SVG_GREY "#a3a3a3"     /* "did not continue", the (none) series */
#define SVG_FONTS "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

#define SVG_ELLIPSIS "\xE2\x80\xA6" /* U+2026 */
#define SVG_ARROW "\xE2\x86\x92"    /* U+2192 */
#define SVG_DOT "\xC2\xB7"          /* U+00B7 */

/* Okabe-Ito without black, and the text colour that reads best on each. */
static const char *const azSvgColor[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                         "#56B4E9", "#D55E00", "#F0E442"};
static const char *const azSvgOnColor[] = {"#ffffff", SVG_INK, SVG_INK, SVG_INK,
                                           SVG_INK,   SVG_INK, SVG_INK};
#define SVG_NCOLOR 7

#define SVG_GROUPED 1
#define SVG_STACKED 2

/* --------------------------------------------------------- accumulator */

/* One (from, to) or (category, series) pair and the sum of its values. */
typedef struct svg_cell {
    uint32_t a, b;   /* name indexes; b is LP_NONE for a NULL to/series */
    uint64_t lo;     /* exact sum of the integer values: hi * 2^64 + lo */
    int64_t hi;
} svg_cell;

/* A non-integer value, kept so that it can be summed in sorted order. */
typedef struct svg_real {
    uint32_t iCell;
    double v;
} svg_real;

typedef struct svg_acc {
    int failed;          /* an error was reported: xFinal only frees */
    lp_strtab names;     /* sankey_svg: from and to values; bar_svg: categories */
    lp_strtab series;    /* bar_svg: series */
    svg_cell *aCell;
    uint32_t nCell, nCellAlloc;
    uint32_t *aSlot;     /* open addressing over aCell: index + 1, 0 = empty */
    uint32_t nSlot;      /* a power of two, at least 2 * nCell */
    svg_real *aReal;
    int64_t nReal, nRealAlloc;
    char *zTitle;        /* smallest non-NULL title so far (rule 6) */
    int nTitle;
    int hasTitle;
    int eMode;           /* bar_svg: 0 = not given, SVG_GROUPED, SVG_STACKED */
} svg_acc;

/* A value read from an argument. */
typedef struct svg_number {
    int isInt;
    int64_t i;   /* isInt */
    double r;    /* always */
} svg_number;

static void svgAccFree(svg_acc *p) {
    if (!p) return;
    learnpath_strtab_free(&p->names);
    learnpath_strtab_free(&p->series);
    sqlite3_free(p->aCell);
    sqlite3_free(p->aSlot);
    sqlite3_free(p->aReal);
    sqlite3_free(p->zTitle);
    memset(p, 0, sizeof(*p));
}

static uint32_t svgHash2(uint32_t a, uint32_t b) {
    uint32_t h = a * 0x9E3779B1u;
    h ^= (b + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= h >> 15;
    h *= 0xC2B2AE3Du;
    h ^= h >> 13;
    return h;
}

static int svgRehash(svg_acc *p, uint32_t nSlot) {
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    for (uint32_t i = 0; i < p->nCell; i++) {
        uint32_t j = svgHash2(p->aCell[i].a, p->aCell[i].b) & (nSlot - 1);
        while (aSlot[j]) j = (j + 1) & (nSlot - 1);
        aSlot[j] = i + 1;
    }
    sqlite3_free(p->aSlot);
    p->aSlot = aSlot;
    p->nSlot = nSlot;
    return SQLITE_OK;
}

/* Find or add the cell (a, b); its index goes to *piCell. */
static int svgCellGet(svg_acc *p, uint32_t a, uint32_t b, uint32_t *piCell) {
    uint32_t h = svgHash2(a, b);
    uint32_t i, j;
    if (p->nSlot) {
        j = h & (p->nSlot - 1);
        while (p->aSlot[j]) {
            const svg_cell *c = &p->aCell[p->aSlot[j] - 1];
            if (c->a == a && c->b == b) {
                *piCell = p->aSlot[j] - 1;
                return SQLITE_OK;
            }
            j = (j + 1) & (p->nSlot - 1);
        }
    }
    if (p->nCell >= 0x3ffffff0u) return SQLITE_TOOBIG;
    if (p->nCell >= p->nCellAlloc) {
        uint32_t nNew = p->nCellAlloc ? p->nCellAlloc * 2 : 64;
        svg_cell *aNew = sqlite3_realloc64(p->aCell, (sqlite3_uint64)nNew * sizeof(svg_cell));
        if (!aNew) return SQLITE_NOMEM;
        p->aCell = aNew;
        p->nCellAlloc = nNew;
    }
    if (2 * (p->nCell + 1) > p->nSlot) {
        int rc = svgRehash(p, p->nSlot ? p->nSlot * 2 : 128);
        if (rc) return rc;
    }
    i = p->nCell++;
    p->aCell[i].a = a;
    p->aCell[i].b = b;
    p->aCell[i].lo = 0;
    p->aCell[i].hi = 0;
    j = h & (p->nSlot - 1);
    while (p->aSlot[j]) j = (j + 1) & (p->nSlot - 1);
    p->aSlot[j] = i + 1;
    *piCell = i;
    return SQLITE_OK;
}

/* Add a value to a cell (rule 2). */
static int svgCellAdd(svg_acc *p, uint32_t iCell, const svg_number *pNum) {
    if (pNum->isInt) {
        svg_cell *c = &p->aCell[iCell];
        uint64_t old = c->lo;
        c->lo = old + (uint64_t)pNum->i;
        if (c->lo < old) c->hi++;
        if (pNum->i < 0) c->hi--;
        return SQLITE_OK;
    }
    if (p->nReal >= p->nRealAlloc) {
        int64_t nNew = p->nRealAlloc ? p->nRealAlloc * 2 : 64;
        svg_real *aNew = sqlite3_realloc64(p->aReal, (sqlite3_uint64)nNew * sizeof(svg_real));
        if (!aNew) return SQLITE_NOMEM;
        p->aReal = aNew;
        p->nRealAlloc = nNew;
    }
    p->aReal[p->nReal].iCell = iCell;
    p->aReal[p->nReal].v = pNum->r;
    p->nReal++;
    return SQLITE_OK;
}

/* The 128-bit integer hi * 2^64 + lo as a double. */
static double svgI128(uint64_t lo, int64_t hi) {
    uint64_t uh = (uint64_t)hi;
    int neg = hi < 0;
    double r;
    if (neg) {
        lo = ~lo + 1u;
        uh = ~uh + (lo == 0 ? 1u : 0u);
    }
    r = (double)uh * 18446744073709551616.0 + (double)lo;
    return neg ? -r : r;
}

/* Read a weight or value; 0 when the row is to be ignored (rule 1). */
static int svgReadNumber(sqlite3_value *pVal, svg_number *p) {
    int eType = sqlite3_value_numeric_type(pVal);
    if (eType == SQLITE_INTEGER) {
        p->isInt = 1;
        p->i = sqlite3_value_int64(pVal);
        p->r = (double)p->i;
        return 1;
    }
    if (eType == SQLITE_FLOAT) {
        double r = sqlite3_value_double(pVal);
        if (!isfinite(r) || fabs(r) > SVG_MAX_VALUE) return 0;
        p->r = r;
        if (r == floor(r) && fabs(r) < 9.2e18) {
            p->isInt = 1;
            p->i = (int64_t)r;
        } else {
            p->isInt = 0;
            p->i = 0;
        }
        return 1;
    }
    return 0;
}

/* Keep the smallest non-NULL title (rule 6); 1 after reporting an error. */
static int svgTakeTitle(sqlite3_context *ctx, svg_acc *p, sqlite3_value *pVal,
                        const char *zFunc) {
    const char *z;
    int n;
    char *zCopy;
    if (sqlite3_value_type(pVal) == SQLITE_NULL) return 0;
    if (sqlite3_value_type(pVal) != SQLITE_TEXT) {
        char *zMsg = sqlite3_mprintf("%s(): title must be text", zFunc);
        if (zMsg) {
            sqlite3_result_error(ctx, zMsg, -1);
            sqlite3_free(zMsg);
        } else {
            sqlite3_result_error_nomem(ctx);
        }
        return 1;
    }
    z = (const char *)sqlite3_value_text(pVal);
    n = sqlite3_value_bytes(pVal);
    if (!z) {
        sqlite3_result_error_nomem(ctx);
        return 1;
    }
    if (p->hasTitle && learnpath_bytes_cmp(z, n, p->zTitle, p->nTitle) >= 0) return 0;
    zCopy = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if (!zCopy) {
        sqlite3_result_error_nomem(ctx);
        return 1;
    }
    memcpy(zCopy, z, (size_t)n);
    zCopy[n] = 0;
    sqlite3_free(p->zTitle);
    p->zTitle = zCopy;
    p->nTitle = n;
    p->hasTitle = 1;
    return 0;
}

/* Check bar_svg's mode argument (rule 6); 1 after reporting an error. */
static int svgTakeMode(sqlite3_context *ctx, svg_acc *p, sqlite3_value *pVal) {
    const char *z = (const char *)sqlite3_value_text(pVal);
    char *zMsg;
    int eMode;
    if (!z && sqlite3_value_type(pVal) != SQLITE_NULL) {
        sqlite3_result_error_nomem(ctx);
        return 1;
    }
    if (z && sqlite3_stricmp(z, "grouped") == 0) {
        eMode = SVG_GROUPED;
    } else if (z && sqlite3_stricmp(z, "stacked") == 0) {
        eMode = SVG_STACKED;
    } else {
        zMsg = sqlite3_mprintf("bar_svg(): mode must be 'grouped' or 'stacked', not %s%.80q%s",
                               z ? "'" : "", z ? z : "NULL", z ? "'" : "");
        goto error;
    }
    if (p->eMode && p->eMode != eMode) {
        zMsg = sqlite3_mprintf("bar_svg(): mode must be the same on every row");
        goto error;
    }
    p->eMode = eMode;
    return 0;

error:
    if (zMsg) {
        sqlite3_result_error(ctx, zMsg, -1);
        sqlite3_free(zMsg);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
    return 1;
}

/* Report an error code from the accumulator and stop accumulating. */
static void svgStepError(sqlite3_context *ctx, svg_acc *p, int rc) {
    if (p) p->failed = 1;
    if (rc == SQLITE_TOOBIG) {
        sqlite3_result_error_toobig(ctx);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
}

/* Intern the text of a value. */
static int svgIntern(lp_strtab *pTab, sqlite3_value *pVal, uint32_t *pi) {
    const char *z = (const char *)sqlite3_value_text(pVal);
    int n = sqlite3_value_bytes(pVal);
    if (!z) return SQLITE_NOMEM;
    return learnpath_strtab_intern(pTab, z, n, pi);
}

/* ------------------------------------------------------------ the steps */

void learnpath_sankey_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    svg_acc *p = sqlite3_aggregate_context(ctx, (int)sizeof(svg_acc));
    svg_number num;
    uint32_t a, b = LP_NONE, iCell;
    int rc;
    if (!p) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (p->failed) return;
    if (argc >= 4 && svgTakeTitle(ctx, p, argv[3], "sankey_svg")) {
        p->failed = 1;
        return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (!svgReadNumber(argv[2], &num)) return;
    if (num.isInt ? num.i <= 0 : !(num.r > 0.0)) return;
    rc = svgIntern(&p->names, argv[0], &a);
    if (rc == SQLITE_OK && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        rc = svgIntern(&p->names, argv[1], &b);
    }
    if (rc == SQLITE_OK) rc = svgCellGet(p, a, b, &iCell);
    if (rc == SQLITE_OK) rc = svgCellAdd(p, iCell, &num);
    if (rc != SQLITE_OK) svgStepError(ctx, p, rc);
}

void learnpath_bar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    svg_acc *p = sqlite3_aggregate_context(ctx, (int)sizeof(svg_acc));
    svg_number num;
    uint32_t a, b = LP_NONE, iCell;
    int rc;
    if (!p) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (p->failed) return;
    if (argc >= 4 && svgTakeTitle(ctx, p, argv[3], "bar_svg")) {
        p->failed = 1;
        return;
    }
    if (argc >= 5 && svgTakeMode(ctx, p, argv[4])) {
        p->failed = 1;
        return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (!svgReadNumber(argv[2], &num)) return;
    rc = svgIntern(&p->names, argv[0], &a);
    if (rc == SQLITE_OK && sqlite3_value_type(argv[1]) != SQLITE_NULL) {
        rc = svgIntern(&p->series, argv[1], &b);
    }
    if (rc == SQLITE_OK) rc = svgCellGet(p, a, b, &iCell);
    if (rc == SQLITE_OK) rc = svgCellAdd(p, iCell, &num);
    if (rc != SQLITE_OK) svgStepError(ctx, p, rc);
}

/* ----------------------------------------------------------------- text */

/*
** Decode the code point at z[*pi] (advancing *pi) and map it to what a
** label shows (rule 4): invalid UTF-8 (overlong forms, surrogates, values
** past U+10FFFF, truncated sequences) and characters XML 1.0 cannot carry
** or a label should not, become U+FFFD; tab, newline and CR a space.
*/
static uint32_t svgNextCp(const unsigned char *z, int n, int *pi) {
    int i = *pi;
    uint32_t c = z[i];
    uint32_t cp;
    unsigned lo = 0x80, hi = 0xBF;
    int need;
    if (c < 0x80) {
        cp = c;
        *pi = i + 1;
    } else {
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            *pi = i + 1;
            return 0xFFFD;
        }
        for (int k = 1; k <= need; k++) {
            unsigned d;
            if (i + k >= n) {
                *pi = i + k;
                return 0xFFFD;
            }
            d = z[i + k];
            if (d < lo || d > hi) {
                *pi = i + k;
                return 0xFFFD;
            }
            lo = 0x80;
            hi = 0xBF;
            cp = (cp << 6) | (d & 0x3F);
        }
        *pi = i + need + 1;
    }
    if (cp < 0x20) return (cp == '\t' || cp == '\n' || cp == '\r') ? ' ' : 0xFFFD;
    if (cp >= 0x7F && cp <= 0x9F) return 0xFFFD;
    if (cp == 0xFFFE || cp == 0xFFFF) return 0xFFFD;
    return cp;
}

/* Estimated width of a code point, in em. */
static double svgCpEm(uint32_t cp) {
    if (cp >= 0x300 && cp <= 0x36F) return 0.0; /* combining marks */
    if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
        (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
        (cp >= 0x20000 && cp <= 0x3FFFD)) {
        return 1.0;
    }
    return SVG_EM;
}

/* Append one (already mapped) code point, XML-escaped. */
static void svgPutCp(sqlite3_str *pOut, uint32_t cp) {
    char a[4];
    switch (cp) {
        case '&': sqlite3_str_appendall(pOut, "&amp;"); return;
        case '<': sqlite3_str_appendall(pOut, "&lt;"); return;
        case '>': sqlite3_str_appendall(pOut, "&gt;"); return;
        case '"': sqlite3_str_appendall(pOut, "&quot;"); return;
        case '\'': sqlite3_str_appendall(pOut, "&apos;"); return;
        default: break;
    }
    if (cp < 0x80) {
        sqlite3_str_appendchar(pOut, 1, (char)cp);
    } else if (cp < 0x800) {
        a[0] = (char)(0xC0 | (cp >> 6));
        a[1] = (char)(0x80 | (cp & 0x3F));
        sqlite3_str_append(pOut, a, 2);
    } else if (cp < 0x10000) {
        a[0] = (char)(0xE0 | (cp >> 12));
        a[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        a[2] = (char)(0x80 | (cp & 0x3F));
        sqlite3_str_append(pOut, a, 3);
    } else {
        a[0] = (char)(0xF0 | (cp >> 18));
        a[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        a[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        a[3] = (char)(0x80 | (cp & 0x3F));
        sqlite3_str_append(pOut, a, 4);
    }
}

static int svgCountCp(const char *z, int n) {
    int i = 0, k = 0;
    while (i < n) {
        svgNextCp((const unsigned char *)z, n, &i);
        k++;
    }
    return k;
}

/* Whether the label z[0..n) is cut to maxCp characters (0 = never). */
static int svgIsCut(const char *z, int n, int maxCp) {
    return maxCp > 0 && n > maxCp && svgCountCp(z, n) > maxCp;
}

/*
** Append (when pOut is not NULL) the label z[0..n) as escaped text, cut to
** maxCp characters with an ellipsis (0 = never cut), and return its
** estimated width in em.
*/
static double svgText(sqlite3_str *pOut, const char *z, int n, int maxCp) {
    const unsigned char *u = (const unsigned char *)z;
    int isCut = svgIsCut(z, n, maxCp);
    int nShow = isCut ? maxCp - 1 : -1;
    double w = 0.0;
    int i = 0;
    while (i < n && nShow != 0) {
        uint32_t cp = svgNextCp(u, n, &i);
        w += svgCpEm(cp);
        if (pOut) svgPutCp(pOut, cp);
        if (nShow > 0) nShow--;
    }
    if (isCut) {
        w += 1.0;
        if (pOut) sqlite3_str_appendall(pOut, SVG_ELLIPSIS);
    }
    return w;
}

/* Width in em of a formatted number (digits, separators, sign). */
static double svgNumEm(const char *z) {
    return SVG_EM_DIGIT * (double)strlen(z);
}

/* ------------------------------------------------------------- numbers */

/*
** Format a value for display (rule 5) into zOut (SVG_NUMBUF bytes):
** "1,234", "-12.5", "0.33".
*/
static void svgFmtValue(double v, char *zOut) {
    char zTmp[SVG_NUMBUF];
    const char *zInt, *zDot;
    int nInt, nFrac, neg, k = 0;
    if (!isfinite(v)) {
        sqlite3_snprintf(SVG_NUMBUF, zOut, "%s", v != v ? "?" : (v < 0 ? "-\xE2\x88\x9E" : "\xE2\x88\x9E"));
        return;
    }
    sqlite3_snprintf((int)sizeof(zTmp), zTmp, "%.2f", v);
    neg = zTmp[0] == '-';
    zInt = zTmp + neg;
    zDot = strchr(zInt, '.');
    nInt = zDot ? (int)(zDot - zInt) : (int)strlen(zInt);
    nFrac = 0;
    if (zDot) {
        nFrac = (int)strlen(zDot + 1);
        while (nFrac > 0 && zDot[nFrac] == '0') nFrac--;
    }
    if (nFrac == 0 && nInt == 1 && zInt[0] == '0') neg = 0; /* no "-0" */
    if (neg) zOut[k++] = '-';
    for (int i = 0; i < nInt && k < SVG_NUMBUF - 8; i++) {
        if (i > 0 && (nInt - i) % 3 == 0) zOut[k++] = ',';
        zOut[k++] = zInt[i];
    }
    if (nFrac > 0) {
        zOut[k++] = '.';
        for (int i = 1; i <= nFrac && k < SVG_NUMBUF - 2; i++) zOut[k++] = zDot[i];
    }
    zOut[k] = 0;
}

/* A coordinate rounded to 0.1 px, with no negative zero (for "%.1f"). */
static double svgR(double v) {
    double r;
    if (!(v > -1e12 && v < 1e12)) return 0.0;
    r = floor(v * 10.0 + 0.5) / 10.0;
    return r == 0.0 ? 0.0 : r;
}

/* ------------------------------------------------------ final: shared */

/* Comparators and sort records (qsort has no context argument). */
typedef struct svg_name {
    const char *z;
    int n;
    uint32_t i;
} svg_name;

/* The names of a string table are distinct: never 0. */
static int svgNameCmp(const void *pA, const void *pB) {
    const svg_name *a = pA, *b = pB;
    return learnpath_bytes_cmp(a->z, a->n, b->z, b->n);
}

typedef struct svg_ord {
    uint32_t ka, kb, iCell;
} svg_ord;

static int svgOrdCmp(const void *pA, const void *pB) {
    const svg_ord *a = pA, *b = pB;
    if (a->ka != b->ka) return a->ka < b->ka ? -1 : 1;
    if (a->kb != b->kb) return a->kb < b->kb ? -1 : 1;
    return 0;
}

static int svgRealCmp(const void *pA, const void *pB) {
    const svg_real *a = pA, *b = pB;
    if (a->iCell != b->iCell) return a->iCell < b->iCell ? -1 : 1;
    return (a->v > b->v) - (a->v < b->v);
}

static void *svgAlloc(sqlite3_uint64 nElem, size_t szElem) {
    void *p = sqlite3_malloc64((nElem ? nElem : 1) * szElem);
    if (p) memset(p, 0, (size_t)((nElem ? nElem : 1) * szElem));
    return p;
}

/*
** aRank[name] = position of the name in byte order; aOrder[position] =
** name. Both are allocated here (the caller frees).
*/
static int svgRanks(const lp_strtab *pTab, uint32_t **paRank, uint32_t **paOrder) {
    uint32_t n = pTab->n;
    svg_name *aName = svgAlloc(n, sizeof(svg_name));
    uint32_t *aRank = svgAlloc(n, sizeof(uint32_t));
    uint32_t *aOrder = svgAlloc(n, sizeof(uint32_t));
    *paRank = aRank;
    *paOrder = aOrder;
    if (!aName || !aRank || !aOrder) {
        sqlite3_free(aName);
        return SQLITE_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        aName[i].z = LP_STR(pTab, i);
        aName[i].n = LP_STRLEN(pTab, i);
        aName[i].i = i;
    }
    if (n > 1) qsort(aName, n, sizeof(svg_name), svgNameCmp);
    for (uint32_t k = 0; k < n; k++) {
        aRank[aName[k].i] = k;
        aOrder[k] = aName[k].i;
    }
    sqlite3_free(aName);
    return SQLITE_OK;
}

/* The value of every cell (rule 2) into a new array *paVal. */
static int svgCellValues(svg_acc *p, double **paVal) {
    double *aVal = svgAlloc(p->nCell, sizeof(double));
    *paVal = aVal;
    if (!aVal) return SQLITE_NOMEM;
    for (uint32_t i = 0; i < p->nCell; i++) aVal[i] = svgI128(p->aCell[i].lo, p->aCell[i].hi);
    if (p->nReal > 1) qsort(p->aReal, (size_t)p->nReal, sizeof(svg_real), svgRealCmp);
    for (int64_t k = 0; k < p->nReal;) {
        uint32_t iCell = p->aReal[k].iCell;
        double s = 0.0;
        while (k < p->nReal && p->aReal[k].iCell == iCell) s += p->aReal[k++].v;
        aVal[iCell] += s;
    }
    return SQLITE_OK;
}

/* The root element, its <title>, and the white background. */
static void svgOpen(sqlite3_str *pOut, double w, double h, const svg_acc *p,
                    const char *zDefault) {
    int W = (int)ceil(w), H = (int)ceil(h);
    sqlite3_str_appendf(pOut,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
                        W, H, W, H);
    if (p && p->hasTitle) {
        svgText(pOut, p->zTitle, p->nTitle, 0);
    } else {
        sqlite3_str_appendall(pOut, zDefault);
    }
    sqlite3_str_appendf(pOut, "\" font-family=\"%s\" font-size=\"%d\" fill=\"%s\">\n<title>",
                        SVG_FONTS, (int)SVG_FONT, SVG_INK);
    if (p && p->hasTitle) {
        svgText(pOut, p->zTitle, p->nTitle, 0);
    } else {
        sqlite3_str_appendall(pOut, zDefault);
    }
    sqlite3_str_appendf(pOut, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
}

/* Width in px of the title as drawn (0 if none). */
static double svgTitleWidth(const svg_acc *p) {
    if (!p || !p->hasTitle) return 0.0;
    return svgText(NULL, p->zTitle, p->nTitle, SVG_MAX_TITLE) * SVG_FONT_TITLE * 1.06;
}

/* The visible title at the top left, baseline y. */
static void svgTitle(sqlite3_str *pOut, const svg_acc *p, double y) {
    if (!p || !p->hasTitle) return;
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"700\">",
                        svgR(SVG_PAD), svgR(y), (int)SVG_FONT_TITLE);
    if (svgIsCut(p->zTitle, p->nTitle, SVG_MAX_TITLE)) {
        sqlite3_str_appendall(pOut, "<title>");
        svgText(pOut, p->zTitle, p->nTitle, 0);
        sqlite3_str_appendall(pOut, "</title>");
    }
    svgText(pOut, p->zTitle, p->nTitle, SVG_MAX_TITLE);
    sqlite3_str_appendall(pOut, "</text>\n");
}

/* Rule 7: the document for no data. */
static void svgNoData(sqlite3_str *pOut, const svg_acc *p, const char *zDefault) {
    double w = svgTitleWidth(p) + 2 * SVG_PAD;
    double h = 140.0;
    if (w < 360.0) w = 360.0;
    svgOpen(pOut, w, h, p, zDefault);
    svgTitle(pOut, p, SVG_PAD + 16.0);
    sqlite3_str_appendf(pOut,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"15\" "
                        "fill=\"%s\">no data</text>\n</svg>",
                        svgR(ceil(w) / 2.0), svgR(h / 2.0 + 18.0), SVG_MUTED);
}

/* Set the result of xFinal from a finished document. */
static void svgResult(sqlite3_context *ctx, sqlite3_str *pOut, int rc) {
    int rcStr = sqlite3_str_errcode(pOut);
    sqlite3_int64 n = sqlite3_str_length(pOut);
    char *z = sqlite3_str_finish(pOut);
    if (rc == SQLITE_OK) rc = rcStr;
    if (rc == SQLITE_OK && !z) rc = SQLITE_NOMEM;
    if (rc != SQLITE_OK) {
        sqlite3_free(z);
        if (rc == SQLITE_TOOBIG) {
            sqlite3_result_error_toobig(ctx);
        } else {
            sqlite3_result_error_nomem(ctx);
        }
        return;
    }
    sqlite3_result_text64(ctx, z, (sqlite3_uint64)n, sqlite3_free, SQLITE_UTF8);
}

/* ---------------------------------------------------------- sankey_svg */

#define SNK_NODE_W 14.0    /* node bar width */
#define SNK_FLOW_W 460.0   /* horizontal room for the bands */
#define SNK_VALUE_H 440.0  /* px for the total weight in a column */
#define SNK_GAP 12.0       /* least gap between nodes */
#define SNK_LINE 18.0      /* least distance between label centres */

typedef struct snk_node {
    uint32_t name;   /* LP_NONE: "did not continue" */
    uint32_t rank;   /* name order; UINT32_MAX for LP_NONE */
    double total;
    double y, h;     /* layout */
    double off;      /* where the next band starts, from y */
    int color;       /* palette index; -1 = grey */
    double labelW;   /* px */
} snk_node;

typedef struct snk_flow {
    uint32_t src, dst;  /* positions in the left / right node arrays */
    double v;
    double ys, yt;      /* band top at the source and at the target */
} snk_flow;

static int snkNodeCmp(const void *pA, const void *pB) {
    const snk_node *a = pA, *b = pB;
    if (a->total != b->total) return a->total > b->total ? -1 : 1;
    return (a->rank > b->rank) - (a->rank < b->rank);
}

static int snkBySrc(const void *pA, const void *pB) {
    const snk_flow *a = pA, *b = pB;
    if (a->src != b->src) return a->src < b->src ? -1 : 1;
    return (a->dst > b->dst) - (a->dst < b->dst);
}

static int snkByDst(const void *pA, const void *pB) {
    const snk_flow *a = pA, *b = pB;
    if (a->dst != b->dst) return a->dst < b->dst ? -1 : 1;
    return (a->src > b->src) - (a->src < b->src);
}

static const char *snkColor(int iColor) {
    return iColor < 0 ? SVG_GREY : azSvgColor[iColor % SVG_NCOLOR];
}

/* Lay out one column from the top (y = 0); returns its height. */
static double snkColumn(snk_node *a, uint32_t n, double k) {
    double y = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        a[i].h = a[i].total * k;
        a[i].y = y;
        y += a[i].h;
        if (i + 1 < n) {
            double g = SNK_LINE - (a[i].h + a[i + 1].total * k) / 2.0;
            y += g > SNK_GAP ? g : SNK_GAP;
        }
    }
    return y;
}

/* The label of a node: name (cut), two spaces' room, total. */
static double snkLabelWidth(const svg_acc *p, const snk_node *pNode) {
    char zNum[SVG_NUMBUF];
    double w;
    svgFmtValue(pNode->total, zNum);
    if (pNode->name == LP_NONE) {
        w = (double)strlen("did not continue") * SVG_EM;
    } else {
        w = svgText(NULL, LP_STR(&p->names, pNode->name), LP_STRLEN(&p->names, pNode->name),
                    SVG_MAX_LABEL);
    }
    return (w + 0.45 + svgNumEm(zNum) * 1.04) * SVG_FONT;
}

static void snkNodeName(sqlite3_str *pOut, const svg_acc *p, const snk_node *pNode, int maxCp) {
    if (pNode->name == LP_NONE) {
        sqlite3_str_appendall(pOut, "did not continue");
    } else {
        svgText(pOut, LP_STR(&p->names, pNode->name), LP_STRLEN(&p->names, pNode->name), maxCp);
    }
}

static void snkDrawNode(sqlite3_str *pOut, const svg_acc *p, const snk_node *pNode, double x) {
    char zNum[SVG_NUMBUF];
    double h = pNode->h < 1.0 ? 1.0 : pNode->h;
    double y = pNode->y + pNode->h / 2.0 - h / 2.0;
    svgFmtValue(pNode->total, zNum);
    sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                        svgR(x), svgR(y), SNK_NODE_W, svgR(h) > 0 ? svgR(h) : 0.1,
                        snkColor(pNode->color));
    snkNodeName(pOut, p, pNode, 0);
    sqlite3_str_appendf(pOut, ": %s</title></rect>\n", zNum);
}

static void snkDrawLabel(sqlite3_str *pOut, const svg_acc *p, const snk_node *pNode, double x,
                         int isLeft) {
    char zNum[SVG_NUMBUF];
    svgFmtValue(pNode->total, zNum);
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\"%s%s>", svgR(x),
                        svgR(pNode->y + pNode->h / 2.0), isLeft ? " text-anchor=\"end\"" : "",
                        pNode->name == LP_NONE ? " font-style=\"italic\"" : "");
    if (pNode->name != LP_NONE &&
        svgIsCut(LP_STR(&p->names, pNode->name), LP_STRLEN(&p->names, pNode->name), SVG_MAX_LABEL)) {
        sqlite3_str_appendall(pOut, "<title>");
        snkNodeName(pOut, p, pNode, 0);
        sqlite3_str_appendall(pOut, "</title>");
    }
    snkNodeName(pOut, p, pNode, SVG_MAX_LABEL);
    sqlite3_str_appendf(pOut, "<tspan dx=\"6\" font-weight=\"700\" fill=\"%s\">%s</tspan></text>\n",
                        SVG_MUTED, zNum);
}

static int snkRender(svg_acc *p, sqlite3_str *pOut) {
    uint32_t nName = p->names.n, nCell = p->nCell;
    uint32_t nL = 0, nR = 0, nRight;
    double *aVal = NULL, *aTotL = NULL, *aTotR = NULL;
    uint32_t *aRank = NULL, *aOrder = NULL, *aPosL = NULL, *aPosR = NULL;
    int *aColor = NULL;
    svg_ord *aOrd = NULL;
    snk_node *aLeft = NULL, *aRight = NULL;
    snk_flow *aFlow = NULL;
    double totNone = 0.0, S = 0.0, k, hL, hR, plotTop, plotH, y, xL, xR, W, H;
    double wTitle, wLeft = 0.0, wRight = 0.0;
    int hasNone = 0, nextColor = 0;
    char zNum[SVG_NUMBUF];
    int rc;

    rc = svgCellValues(p, &aVal);
    if (rc == SQLITE_OK) rc = svgRanks(&p->names, &aRank, &aOrder);
    if (rc != SQLITE_OK) goto done;
    aOrd = svgAlloc(nCell, sizeof(svg_ord));
    aTotL = svgAlloc(nName, sizeof(double));
    aTotR = svgAlloc(nName, sizeof(double));
    aPosL = svgAlloc(nName, sizeof(uint32_t));
    aPosR = svgAlloc(nName, sizeof(uint32_t));
    aColor = svgAlloc(nName, sizeof(int));
    aLeft = svgAlloc(nName, sizeof(snk_node));
    aRight = svgAlloc((sqlite3_uint64)nName + 1, sizeof(snk_node));
    aFlow = svgAlloc(nCell, sizeof(snk_flow));
    if (!aOrd || !aTotL || !aTotR || !aPosL || !aPosR || !aColor || !aLeft || !aRight || !aFlow) {
        rc = SQLITE_NOMEM;
        goto done;
    }

    /* Cells in name order, so that totals do not depend on row order. */
    for (uint32_t i = 0; i < nCell; i++) {
        aOrd[i].ka = aRank[p->aCell[i].a];
        aOrd[i].kb = p->aCell[i].b == LP_NONE ? UINT32_MAX : aRank[p->aCell[i].b];
        aOrd[i].iCell = i;
    }
    if (nCell > 1) qsort(aOrd, nCell, sizeof(svg_ord), svgOrdCmp);
    for (uint32_t i = 0; i < nName; i++) aPosL[i] = aPosR[i] = LP_NONE;
    for (uint32_t i = 0; i < nCell; i++) {
        const svg_cell *c = &p->aCell[aOrd[i].iCell];
        double v = aVal[aOrd[i].iCell];
        aTotL[c->a] += v;
        aPosL[c->a] = 0;
        if (c->b == LP_NONE) {
            totNone += v;
            hasNone = 1;
        } else {
            aTotR[c->b] += v;
            aPosR[c->b] = 0;
        }
    }

    /* Nodes by total descending, then name; "did not continue" last. */
    for (uint32_t r = 0; r < nName; r++) {
        uint32_t i = aOrder[r];
        if (aPosL[i] == 0) {
            aLeft[nL].name = i;
            aLeft[nL].rank = r;
            aLeft[nL].total = aTotL[i];
            nL++;
        }
        if (aPosR[i] == 0) {
            aRight[nR].name = i;
            aRight[nR].rank = r;
            aRight[nR].total = aTotR[i];
            nR++;
        }
    }
    if (nL > 1) qsort(aLeft, nL, sizeof(snk_node), snkNodeCmp);
    if (nR > 1) qsort(aRight, nR, sizeof(snk_node), snkNodeCmp);
    nRight = nR;
    if (hasNone) {
        aRight[nRight].name = LP_NONE;
        aRight[nRight].rank = UINT32_MAX;
        aRight[nRight].total = totNone;
        nRight++;
    }

    /* Colours: left nodes in order; a right node shares its name's colour. */
    for (uint32_t i = 0; i < nName; i++) aColor[i] = -1;
    for (uint32_t i = 0; i < nL; i++) {
        aPosL[aLeft[i].name] = i;
        aLeft[i].color = aColor[aLeft[i].name] = nextColor++ % SVG_NCOLOR;
    }
    for (uint32_t i = 0; i < nR; i++) {
        aPosR[aRight[i].name] = i;
        if (aColor[aRight[i].name] < 0) aColor[aRight[i].name] = nextColor++ % SVG_NCOLOR;
        aRight[i].color = aColor[aRight[i].name];
    }
    if (hasNone) aRight[nR].color = -1;

    /* Flows; a band leaves its source in target order and enters its
    ** target in source order, so bands do not cross at the nodes. */
    for (uint32_t i = 0; i < nCell; i++) {
        const svg_cell *c = &p->aCell[aOrd[i].iCell];
        aFlow[i].src = aPosL[c->a];
        aFlow[i].dst = c->b == LP_NONE ? nR : aPosR[c->b];
        aFlow[i].v = aVal[aOrd[i].iCell];
    }

    /* Layout. */
    for (uint32_t i = 0; i < nL; i++) S += aLeft[i].total;
    k = S > 0.0 ? SNK_VALUE_H / S : 0.0;
    if (!isfinite(k)) k = 0.0;
    hL = snkColumn(aLeft, nL, k);
    hR = snkColumn(aRight, nRight, k);
    plotH = hL > hR ? hL : hR;
    wTitle = svgTitleWidth(p);
    y = SVG_PAD;
    if (p->hasTitle) y += 26.0;
    plotTop = y + 34.0;
    for (uint32_t i = 0; i < nL; i++) {
        aLeft[i].y += plotTop + (plotH - hL) / 2.0;
        aLeft[i].labelW = snkLabelWidth(p, &aLeft[i]);
        if (aLeft[i].labelW > wLeft) wLeft = aLeft[i].labelW;
    }
    for (uint32_t i = 0; i < nRight; i++) {
        aRight[i].y += plotTop + (plotH - hR) / 2.0;
        aRight[i].labelW = snkLabelWidth(p, &aRight[i]);
        if (aRight[i].labelW > wRight) wRight = aRight[i].labelW;
    }
    xL = SVG_PAD + wLeft + 10.0;
    xR = xL + SNK_NODE_W + SNK_FLOW_W;
    W = xR + SNK_NODE_W + 10.0 + wRight + SVG_PAD;
    if (W < wTitle + 2 * SVG_PAD) W = wTitle + 2 * SVG_PAD;
    H = plotTop + plotH + SVG_PAD;

    qsort(aFlow, nCell, sizeof(snk_flow), snkBySrc);
    for (uint32_t i = 0; i < nCell; i++) {
        snk_node *pN = &aLeft[aFlow[i].src];
        aFlow[i].ys = pN->y + pN->off;
        pN->off += aFlow[i].v * k;
    }
    qsort(aFlow, nCell, sizeof(snk_flow), snkByDst);
    for (uint32_t i = 0; i < nCell; i++) {
        snk_node *pN = &aRight[aFlow[i].dst];
        aFlow[i].yt = pN->y + pN->off;
        pN->off += aFlow[i].v * k;
    }
    qsort(aFlow, nCell, sizeof(snk_flow), snkBySrc);

    /* Output. */
    svgOpen(pOut, W, H, p, "Sankey diagram");
    sqlite3_str_appendall(pOut, "<style>.b:hover{fill-opacity:.8}</style>\n");
    svgTitle(pOut, p, SVG_PAD + 16.0);
    svgFmtValue(S, zNum);
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"%s\">Total %s</text>\n",
                        svgR(SVG_PAD), svgR(y + 14.0), SVG_MUTED, zNum);

    sqlite3_str_appendall(pOut, "<g fill-opacity=\"0.45\">\n");
    for (uint32_t i = 0; i < nCell; i++) {
        const snk_flow *f = &aFlow[i];
        const snk_node *pS = &aLeft[f->src], *pT = &aRight[f->dst];
        double x0 = xL + SNK_NODE_W, x1 = xR, xm = (x0 + x1) / 2.0, t = f->v * k;
        double pct = pS->total > 0.0 ? f->v / pS->total * 100.0 : 0.0;
        sqlite3_str_appendf(pOut,
                            "<path class=\"b\" fill=\"%s\" d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f"
                            "L%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1fZ\"><title>",
                            snkColor(pS->color), svgR(x0), svgR(f->ys), svgR(xm), svgR(f->ys),
                            svgR(xm), svgR(f->yt), svgR(x1), svgR(f->yt), svgR(x1),
                            svgR(f->yt + t), svgR(xm), svgR(f->yt + t), svgR(xm),
                            svgR(f->ys + t), svgR(x0), svgR(f->ys + t));
        snkNodeName(pOut, p, pS, 0);
        sqlite3_str_appendall(pOut, " " SVG_ARROW " ");
        snkNodeName(pOut, p, pT, 0);
        svgFmtValue(f->v, zNum);
        sqlite3_str_appendf(pOut, ": %s (%.1f%%)</title></path>\n", zNum, pct);
    }
    sqlite3_str_appendall(pOut, "</g>\n<g>\n");
    for (uint32_t i = 0; i < nL; i++) snkDrawNode(pOut, p, &aLeft[i], xL);
    for (uint32_t i = 0; i < nRight; i++) snkDrawNode(pOut, p, &aRight[i], xR);
    sqlite3_str_appendall(pOut, "</g>\n<g>\n");
    for (uint32_t i = 0; i < nL; i++) snkDrawLabel(pOut, p, &aLeft[i], xL - 8.0, 1);
    for (uint32_t i = 0; i < nRight; i++) snkDrawLabel(pOut, p, &aRight[i], xR + SNK_NODE_W + 8.0, 0);
    sqlite3_str_appendall(pOut, "</g>\n</svg>");

done:
    sqlite3_free(aVal);
    sqlite3_free(aRank);
    sqlite3_free(aOrder);
    sqlite3_free(aOrd);
    sqlite3_free(aTotL);
    sqlite3_free(aTotR);
    sqlite3_free(aPosL);
    sqlite3_free(aPosR);
    sqlite3_free(aColor);
    sqlite3_free(aLeft);
    sqlite3_free(aRight);
    sqlite3_free(aFlow);
    return rc;
}

/*
** xFinal of both charts: the "no data" chart for no rows (xFinal may run
** without any xStep), else xRender's drawing; an error already reported by
** xStep (p->failed) stays the result.
*/
static void svgFinal(sqlite3_context *ctx, const char *zKind,
                     int (*xRender)(svg_acc *, sqlite3_str *)) {
    svg_acc *p = sqlite3_aggregate_context(ctx, 0);
    sqlite3_str *pOut;
    int rc = SQLITE_OK;
    if (p && p->failed) {
        svgAccFree(p);
        return;
    }
    pOut = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    if (!p || p->nCell == 0) {
        svgNoData(pOut, p, zKind);
    } else {
        rc = xRender(p, pOut);
    }
    svgAccFree(p);
    svgResult(ctx, pOut, rc);
}

void learnpath_sankey_final(sqlite3_context *ctx) {
    svgFinal(ctx, "Sankey diagram", snkRender);
}

/* ------------------------------------------------------------- bar_svg */

#define BAR_PLOT_H 300.0   /* height of the plot area */
#define BAR_GAP 2.0        /* between the bars of a group */
#define BAR_CAT_GAP 22.0   /* between categories */
#define BAR_COS 0.766      /* cos and sin of 40 degrees: slanted labels */
#define BAR_SIN 0.643

/* A round tick step (1, 2 or 5 x 10^k) giving about five intervals. */
static double barNiceStep(double range, int wholeOnly) {
    double raw = range / 5.0, mag = 1.0, f, step;
    if (!(raw > 0.0) || !isfinite(raw)) return 1.0;
    while (mag * 10.0 <= raw) mag *= 10.0;
    while (mag > raw) mag /= 10.0;
    f = raw / mag;
    step = (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
    if (wholeOnly && step < 1.0) step = 1.0;
    if (!(step > 0.0) || !isfinite(step)) step = 1.0; /* subnormal ranges */
    return step;
}

/* Name of series position s (the NULL series is position nNamed). */
static void barSeriesName(sqlite3_str *pOut, const svg_acc *p, const uint32_t *aOrderS,
                          uint32_t nNamed, uint32_t s, int maxCp) {
    if (s >= nNamed) {
        sqlite3_str_appendall(pOut, "(none)");
    } else {
        uint32_t i = aOrderS[s];
        svgText(pOut, LP_STR(&p->series, i), LP_STRLEN(&p->series, i), maxCp);
    }
}

static double barSeriesWidth(const svg_acc *p, const uint32_t *aOrderS, uint32_t nNamed,
                             uint32_t s) {
    if (s >= nNamed) return 6.0 * SVG_EM;
    return svgText(NULL, LP_STR(&p->series, aOrderS[s]), LP_STRLEN(&p->series, aOrderS[s]),
                   SVG_MAX_LEGEND);
}

static const char *barColor(uint32_t s, uint32_t nNamed) {
    return s >= nNamed ? SVG_GREY : azSvgColor[s % SVG_NCOLOR];
}

static const char *barOnColor(uint32_t s, uint32_t nNamed) {
    return s >= nNamed ? SVG_INK : azSvgOnColor[s % SVG_NCOLOR];
}

/* A bar or segment with its hover text "category · series: value". */
static void barRect(sqlite3_str *pOut, const svg_acc *p, const uint32_t *aOrderS, uint32_t nNamed,
                    const svg_ord *o, double x, double w, double yA, double yB, double v) {
    char zNum[SVG_NUMBUF];
    double y = yA < yB ? yA : yB, h = fabs(yB - yA);
    uint32_t c = p->aCell[o->iCell].a;
    svgFmtValue(v, zNum);
    sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                        svgR(x), svgR(y), svgR(w), svgR(h), barColor(o->kb, nNamed));
    svgText(pOut, LP_STR(&p->names, c), LP_STRLEN(&p->names, c), 0);
    sqlite3_str_appendall(pOut, " " SVG_DOT " ");
    barSeriesName(pOut, p, aOrderS, nNamed, o->kb, 0);
    sqlite3_str_appendf(pOut, ": %s</title></rect>\n", zNum);
}

static int barRender(svg_acc *p, sqlite3_str *pOut) {
    uint32_t nC = p->names.n, nNamed = p->series.n, nCell = p->nCell, nS;
    double *aVal = NULL, *aCatW = NULL;
    uint32_t *aRankC = NULL, *aOrderC = NULL, *aRankS = NULL, *aOrderS = NULL;
    svg_ord *aOrd = NULL;
    int eMode = p->eMode ? p->eMode : SVG_GROUPED;
    int hasNone = 0, rotate, rc;
    double vMin = 0.0, vMax = 0.0, step, kLo, kHi, lo, hi;
    double wVal = 0.0, wTick = 0.0, wCat = 0.0, wLegend = 0.0, wMin, barW, groupW, slot;
    double plotLeft, plotTop, plotBottom, labelY, W, H, x, y;
    char zNum[SVG_NUMBUF];

    rc = svgCellValues(p, &aVal);
    if (rc == SQLITE_OK) rc = svgRanks(&p->names, &aRankC, &aOrderC);
    if (rc == SQLITE_OK) rc = svgRanks(&p->series, &aRankS, &aOrderS);
    if (rc != SQLITE_OK) goto done;
    aOrd = svgAlloc(nCell, sizeof(svg_ord));
    aCatW = svgAlloc(nC, sizeof(double));
    if (!aOrd || !aCatW) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    /* Cells by category name, then series name, the NULL series last. */
    for (uint32_t i = 0; i < nCell; i++) {
        aOrd[i].ka = aRankC[p->aCell[i].a];
        if (p->aCell[i].b == LP_NONE) {
            aOrd[i].kb = nNamed;
            hasNone = 1;
        } else {
            aOrd[i].kb = aRankS[p->aCell[i].b];
        }
        aOrd[i].iCell = i;
    }
    if (nCell > 1) qsort(aOrd, nCell, sizeof(svg_ord), svgOrdCmp);
    nS = nNamed + (hasNone ? 1 : 0);

    /* Value range and the widest value label. */
    for (uint32_t i = 0; i < nCell;) {
        uint32_t ka = aOrd[i].ka;
        double pos = 0.0, neg = 0.0, net = 0.0;
        for (; i < nCell && aOrd[i].ka == ka; i++) {
            double v = aVal[aOrd[i].iCell];
            double w;
            svgFmtValue(v, zNum);
            w = svgNumEm(zNum) * SVG_FONT_SMALL;
            if (w > wVal) wVal = w;
            if (v >= 0.0) pos += v; else neg += v;
            net += v;
            if (eMode == SVG_GROUPED) {
                if (v > vMax) vMax = v;
                if (v < vMin) vMin = v;
            }
        }
        if (eMode == SVG_STACKED) {
            double w;
            if (pos > vMax) vMax = pos;
            if (neg < vMin) vMin = neg;
            svgFmtValue(net, zNum);
            w = svgNumEm(zNum) * SVG_FONT_SMALL * 1.05;
            if (w > wVal) wVal = w;
        }
    }
    if (vMax == vMin) vMax = vMin + 1.0;
    step = barNiceStep(vMax - vMin, p->nReal == 0);
    kLo = floor(vMin / step);
    kHi = ceil(vMax / step);
    if (kHi <= kLo) kHi = kLo + 1.0;
    lo = kLo * step;
    hi = kHi * step;
    if (!(kHi - kLo <= 100.0) || !(hi > lo)) {
        /* cannot happen with a finite range and the step above; keep the
        ** tick loops short whatever the arithmetic did */
        step = 1.0;
        kLo = 0.0;
        kHi = 1.0;
        lo = 0.0;
        hi = 1.0;
    }
    for (double t = kLo; t <= kHi; t += 1.0) {
        double w;
        svgFmtValue(t * step, zNum);
        w = svgNumEm(zNum) * SVG_FONT_SMALL;
        if (w > wTick) wTick = w;
    }

    /* Horizontal sizes. */
    if (eMode == SVG_GROUPED) {
        barW = wVal + 6.0 > 18.0 ? wVal + 6.0 : 18.0;
        groupW = nS * barW + (nS - 1) * BAR_GAP;
        slot = groupW + BAR_CAT_GAP;
    } else {
        barW = wVal + 10.0 > 34.0 ? wVal + 10.0 : 34.0;
        groupW = barW;
        slot = barW + BAR_CAT_GAP + 10.0;
    }
    for (uint32_t r = 0; r < nC; r++) {
        uint32_t i = aOrderC[r];
        aCatW[r] = svgText(NULL, LP_STR(&p->names, i), LP_STRLEN(&p->names, i), SVG_MAX_LABEL) *
                   SVG_FONT;
        if (aCatW[r] > wCat) wCat = aCatW[r];
    }
    for (uint32_t s = 0; s < nS; s++) {
        double w = barSeriesWidth(p, aOrderS, nNamed, s) * SVG_FONT + 18.0;
        if (w > wLegend) wLegend = w;
    }
    wMin = svgTitleWidth(p) + 2 * SVG_PAD;
    if (wMin < wLegend + 2 * SVG_PAD) wMin = wLegend + 2 * SVG_PAD;
    if (wMin < 420.0) wMin = 420.0;
    plotLeft = SVG_PAD + wTick + 10.0;
    /* A canvas widened for the title or legend: spread the categories. */
    if (plotLeft + nC * slot + SVG_PAD < wMin) {
        double wide;
        slot = (wMin - SVG_PAD - plotLeft) / nC;
        if (eMode == SVG_GROUPED) {
            wide = (slot - 1.5 * BAR_CAT_GAP - (nS - 1) * BAR_GAP) / nS;
            if (wide > 44.0) wide = 44.0;
            if (wide > barW) barW = wide;
            groupW = nS * barW + (nS - 1) * BAR_GAP;
        } else {
            wide = slot - 2.0 * BAR_CAT_GAP;
            if (wide > 64.0) wide = 64.0;
            if (wide > barW) barW = groupW = wide;
        }
    }
    rotate = wCat > slot - 6.0;
    if (rotate) {
        for (uint32_t r = 0; r < nC; r++) {
            double need = SVG_PAD + aCatW[r] * BAR_COS + 6.0 - (r + 0.5) * slot;
            if (need > plotLeft) plotLeft = need;
            if ((r + 0.5) * slot > wCat) break; /* later labels cannot reach further left */
        }
    }
    W = plotLeft + nC * slot + SVG_PAD;
    if (W < wMin) W = wMin;
    W = ceil(W);

    /* Vertical sizes: title, legend lines, plot, category labels. */
    y = SVG_PAD;
    if (p->hasTitle) y += 30.0;
    x = SVG_PAD;
    for (uint32_t s = 0; s < nS; s++) {
        double w = barSeriesWidth(p, aOrderS, nNamed, s) * SVG_FONT + 18.0;
        if (x > SVG_PAD && x + w > W - SVG_PAD) {
            x = SVG_PAD;
            y += 20.0;
        }
        x += w + 14.0;
    }
    plotTop = y + 20.0 + 22.0;
    plotBottom = plotTop + BAR_PLOT_H;
    labelY = plotBottom + (vMin < 0.0 ? 14.0 : 0.0) + (rotate ? 14.0 : 18.0);
    H = labelY + (rotate ? wCat * BAR_SIN + 8.0 : 6.0) + SVG_PAD;

    /* Output: frame, title, legend. */
    svgOpen(pOut, W, H, p, "Bar chart");
    svgTitle(pOut, p, SVG_PAD + 16.0);
    sqlite3_str_appendall(pOut, "<g>\n");
    x = SVG_PAD;
    y = SVG_PAD + (p->hasTitle ? 30.0 : 0.0);
    for (uint32_t s = 0; s < nS; s++) {
        double w = barSeriesWidth(p, aOrderS, nNamed, s) * SVG_FONT + 18.0;
        if (x > SVG_PAD && x + w > W - SVG_PAD) {
            x = SVG_PAD;
            y += 20.0;
        }
        sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>",
                            svgR(x), svgR(y + 2.0), barColor(s, nNamed));
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\">", svgR(x + 18.0), svgR(y + 12.5));
        if (s < nNamed && svgIsCut(LP_STR(&p->series, aOrderS[s]), LP_STRLEN(&p->series, aOrderS[s]),
                                   SVG_MAX_LEGEND)) {
            sqlite3_str_appendall(pOut, "<title>");
            barSeriesName(pOut, p, aOrderS, nNamed, s, 0);
            sqlite3_str_appendall(pOut, "</title>");
        }
        barSeriesName(pOut, p, aOrderS, nNamed, s, SVG_MAX_LEGEND);
        sqlite3_str_appendall(pOut, "</text>\n");
        x += w + 14.0;
    }
    sqlite3_str_appendall(pOut, "</g>\n");

#define BAR_Y(v) (plotTop + (hi - (v)) / (hi - lo) * BAR_PLOT_H)

    /* Grid lines and the y axis. */
    sqlite3_str_appendf(pOut, "<g stroke=\"%s\" stroke-width=\"1\">\n", SVG_GRID);
    for (double t = kLo; t <= kHi; t += 1.0) {
        sqlite3_str_appendf(pOut, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                            svgR(plotLeft), svgR(plotLeft + nC * slot), svgR(BAR_Y(t * step)),
                            svgR(BAR_Y(t * step)));
    }
    sqlite3_str_appendf(pOut, "</g>\n<g font-size=\"%d\" fill=\"%s\" text-anchor=\"end\">\n",
                        (int)SVG_FONT_SMALL, SVG_MUTED);
    for (double t = kLo; t <= kHi; t += 1.0) {
        svgFmtValue(t * step, zNum);
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">%s</text>\n",
                            svgR(plotLeft - 8.0), svgR(BAR_Y(t * step)), zNum);
    }
    sqlite3_str_appendall(pOut, "</g>\n");

    /* Bars. */
    sqlite3_str_appendall(pOut, "<g>\n");
    for (uint32_t i = 0; i < nCell;) {
        uint32_t ka = aOrd[i].ka;
        double pos = 0.0, neg = 0.0;
        double x0 = plotLeft + ka * slot + (slot - groupW) / 2.0;
        for (; i < nCell && aOrd[i].ka == ka; i++) {
            double v = aVal[aOrd[i].iCell];
            if (eMode == SVG_GROUPED) {
                barRect(pOut, p, aOrderS, nNamed, &aOrd[i], x0 + aOrd[i].kb * (barW + BAR_GAP), barW,
                        BAR_Y(0.0), BAR_Y(v), v);
            } else if (v >= 0.0) {
                barRect(pOut, p, aOrderS, nNamed, &aOrd[i], x0, barW, BAR_Y(pos), BAR_Y(pos + v), v);
                pos += v;
            } else {
                barRect(pOut, p, aOrderS, nNamed, &aOrd[i], x0, barW, BAR_Y(neg), BAR_Y(neg + v), v);
                neg += v;
            }
        }
    }
    sqlite3_str_appendall(pOut, "</g>\n");
    sqlite3_str_appendf(pOut, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                        svgR(plotLeft), svgR(plotLeft + nC * slot), svgR(BAR_Y(0.0)), svgR(BAR_Y(0.0)),
                        SVG_AXIS);

    /* Value labels. */
    sqlite3_str_appendf(pOut, "<g font-size=\"%d\" text-anchor=\"middle\">\n", (int)SVG_FONT_SMALL);
    for (uint32_t i = 0; i < nCell;) {
        uint32_t ka = aOrd[i].ka;
        double pos = 0.0, neg = 0.0, net = 0.0;
        double x0 = plotLeft + ka * slot + (slot - groupW) / 2.0;
        for (; i < nCell && aOrd[i].ka == ka; i++) {
            double v = aVal[aOrd[i].iCell];
            svgFmtValue(v, zNum);
            net += v;
            if (eMode == SVG_GROUPED) {
                double xc = x0 + aOrd[i].kb * (barW + BAR_GAP) + barW / 2.0;
                double yl = v >= 0.0 ? BAR_Y(v) - 4.0 : BAR_Y(v) + 12.0;
                sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", svgR(xc), svgR(yl),
                                    zNum);
            } else {
                double yA = v >= 0.0 ? BAR_Y(pos) : BAR_Y(neg);
                double yB = v >= 0.0 ? BAR_Y(pos + v) : BAR_Y(neg + v);
                if (fabs(yB - yA) >= 15.0 && svgNumEm(zNum) * SVG_FONT_SMALL <= barW - 4.0) {
                    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" fill=\"%s\">%s</text>\n",
                                        svgR(x0 + barW / 2.0), svgR((yA + yB) / 2.0),
                                        barOnColor(aOrd[i].kb, nNamed), zNum);
                }
                if (v >= 0.0) pos += v; else neg += v;
            }
        }
        if (eMode == SVG_STACKED) {
            double yl = (pos > 0.0 || neg == 0.0) ? BAR_Y(pos) - 4.0 : BAR_Y(neg) + 12.0;
            svgFmtValue(net, zNum);
            sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"700\">%s</text>\n",
                                svgR(x0 + barW / 2.0), svgR(yl), zNum);
        }
    }
    sqlite3_str_appendall(pOut, "</g>\n");

    /* Category labels, slanted when one is wider than its slot. */
    sqlite3_str_appendf(pOut, "<g text-anchor=\"%s\">\n", rotate ? "end" : "middle");
    for (uint32_t r = 0; r < nC; r++) {
        uint32_t i = aOrderC[r];
        const char *z = LP_STR(&p->names, i);
        int n = LP_STRLEN(&p->names, i);
        double xc = plotLeft + (r + 0.5) * slot;
        if (rotate) {
            sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(-40 %.1f %.1f)\">",
                                svgR(xc + 4.0), svgR(labelY), svgR(xc + 4.0), svgR(labelY));
        } else {
            sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\">", svgR(xc), svgR(labelY));
        }
        if (svgIsCut(z, n, SVG_MAX_LABEL)) {
            sqlite3_str_appendall(pOut, "<title>");
            svgText(pOut, z, n, 0);
            sqlite3_str_appendall(pOut, "</title>");
        }
        svgText(pOut, z, n, SVG_MAX_LABEL);
        sqlite3_str_appendall(pOut, "</text>\n");
    }
    sqlite3_str_appendall(pOut, "</g>\n</svg>");
#undef BAR_Y

done:
    sqlite3_free(aVal);
    sqlite3_free(aCatW);
    sqlite3_free(aRankC);
    sqlite3_free(aOrderC);
    sqlite3_free(aRankS);
    sqlite3_free(aOrderS);
    sqlite3_free(aOrd);
    return rc;
}

void learnpath_bar_final(sqlite3_context *ctx) {
    svgFinal(ctx, "Bar chart", barRender);
}

