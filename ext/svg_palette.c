/*
** svg_palette.c - the palette argument of both charts (svg rule 9 of
** svg.h): a JSON array of names, the same on every row, whose element i
** (i < SVG_NCOLOR) gets colour i on every chart given that palette.
**
**   The first row's palette is read by a strict parser of RFC 8259 arrays
**   of strings and numbers written here, rather than through SQLite's json
**   functions: an aggregate's step has no statement of its own to run, a
**   build may leave JSON out (SQLITE_OMIT_JSON), and this parser says what
**   is wrong and at which byte. A string's escapes are decoded (\uXXXX
**   with surrogate pairs; a lone surrogate is an error); a number's name is
**   its text as written. Names go into p->palette in order, a name given
**   twice is an error. Later rows must give the same bytes (or NULL when
**   the first did), else "palette must be the same on every row".
*/
#include <stdlib.h>
#include <string.h>

#include "svg.h"

/* A strict reader of one JSON array of strings and numbers (RFC 8259). */
typedef struct svg_json {
    const char *z;
    int n, i;         /* the text, its length, the place read */
    char *zBuf;       /* room for one decoded string: n + 1 bytes */
    const char *zErr; /* SQLITE_ERROR: what is wrong at byte i */
    uint32_t iDup;    /* SQLITE_CONSTRAINT: the name given twice */
} svg_json;

static int svgJsonFail(svg_json *j, const char *zErr) {
    j->zErr = zErr;
    return SQLITE_ERROR;
}

static void svgJsonSpace(svg_json *j) {
    while (j->i < j->n && (j->z[j->i] == ' ' || j->z[j->i] == '\t' || j->z[j->i] == '\n' ||
                           j->z[j->i] == '\r')) {
        j->i++;
    }
}

static int svgJsonDigit(const svg_json *j) {
    return j->i < j->n && j->z[j->i] >= '0' && j->z[j->i] <= '9';
}

/* The four hex digits at z[i] as a number, or -1. */
static int svgJsonHex4(const svg_json *j, int i) {
    int v = 0;
    if (i < 0 || i > j->n - 4) return -1;
    for (int k = 0; k < 4; k++) {
        char c = j->z[i + k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Append code point cp (at most U+10FFFF) as UTF-8 at zOut[*pk]. */
static void svgUtf8(char *zOut, int *pk, uint32_t cp) {
    int k = *pk;
    if (cp < 0x80) {
        zOut[k++] = (char)cp;
    } else if (cp < 0x800) {
        zOut[k++] = (char)(0xC0 | (cp >> 6));
        zOut[k++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        zOut[k++] = (char)(0xE0 | (cp >> 12));
        zOut[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        zOut[k++] = (char)(0x80 | (cp & 0x3F));
    } else {
        zOut[k++] = (char)(0xF0 | (cp >> 18));
        zOut[k++] = (char)(0x80 | ((cp >> 12) & 0x3F));
        zOut[k++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        zOut[k++] = (char)(0x80 | (cp & 0x3F));
    }
    *pk = k;
}

/* The \uXXXX escape at z[i] (and its low surrogate), decoded at
** zBuf[*pk]. A decoded escape is never longer than its text. */
static int svgJsonUnicode(svg_json *j, int *pk) {
    int hi = svgJsonHex4(j, j->i + 2), lo;
    uint32_t cp = (uint32_t)hi;
    if (hi < 0) return svgJsonFail(j, "a \\u escape without four hex digits");
    if (hi >= 0xDC00 && hi <= 0xDFFF) return svgJsonFail(j, "a lone \\u surrogate");
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        lo = j->i + 7 < j->n && j->z[j->i + 6] == '\\' && j->z[j->i + 7] == 'u'
                 ? svgJsonHex4(j, j->i + 8)
                 : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) return svgJsonFail(j, "a lone \\u surrogate");
        cp = 0x10000 + (((uint32_t)hi - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
        j->i += 6;
    }
    j->i += 6;
    svgUtf8(j->zBuf, pk, cp);
    return SQLITE_OK;
}

/* The string at z[i] (its '"'), decoded into zBuf; its length to *pn. */
static int svgJsonString(svg_json *j, int *pn) {
    static const char zFrom[] = "\"\\/bfnrt", zTo[] = "\"\\/\b\f\n\r\t";
    int k = 0;
    j->i++;
    for (;;) {
        const char *pEsc;
        unsigned char c;
        if (j->i >= j->n) return svgJsonFail(j, "a string that is not closed");
        c = (unsigned char)j->z[j->i];
        if (c == '"') break;
        if (c < 0x20) return svgJsonFail(j, "a control character in a string");
        if (c != '\\') {
            j->zBuf[k++] = (char)c;
            j->i++;
            continue;
        }
        if (j->i + 1 >= j->n) return svgJsonFail(j, "a string that is not closed");
        if (j->z[j->i + 1] == 'u') {
            int rc = svgJsonUnicode(j, &k);
            if (rc) return rc;
            continue;
        }
        pEsc = j->z[j->i + 1] ? strchr(zFrom, j->z[j->i + 1]) : NULL;
        if (!pEsc) return svgJsonFail(j, "an unknown escape");
        j->zBuf[k++] = zTo[pEsc - zFrom];
        j->i += 2;
    }
    j->i++;
    *pn = k;
    return SQLITE_OK;
}

/* The number at z[i]; its text as written is the name (rule 9). */
static int svgJsonNumber(svg_json *j) {
    int i0 = j->i;
    if (j->z[j->i] == '-') j->i++;
    if (j->i < j->n && j->z[j->i] == '0') {
        j->i++;
    } else if (svgJsonDigit(j)) {
        while (svgJsonDigit(j)) j->i++;
    } else {
        j->i = i0;
        return svgJsonFail(j, "a number that is not JSON");
    }
    if (j->i < j->n && j->z[j->i] == '.') {
        j->i++;
        if (!svgJsonDigit(j)) return svgJsonFail(j, "a number that is not JSON");
        while (svgJsonDigit(j)) j->i++;
    }
    if (j->i < j->n && (j->z[j->i] == 'e' || j->z[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->z[j->i] == '+' || j->z[j->i] == '-')) j->i++;
        if (!svgJsonDigit(j)) return svgJsonFail(j, "a number that is not JSON");
        while (svgJsonDigit(j)) j->i++;
    }
    return SQLITE_OK;
}

/* One element: a string or a number, interned in pTab as a new name. */
static int svgJsonElement(svg_json *j, lp_strtab *pTab) {
    int i0 = j->i, n = 0, rc;
    uint32_t nBefore = pTab->n, iName;
    const char *z = j->zBuf;
    if (j->z[j->i] == '"') {
        rc = svgJsonString(j, &n);
    } else if (j->z[j->i] == '-' || svgJsonDigit(j)) {
        rc = svgJsonNumber(j);
        z = j->z + i0;
        n = j->i - i0;
    } else {
        return svgJsonFail(j, "an element that is not a string or a number");
    }
    if (rc == SQLITE_OK) rc = learnpath_strtab_intern(pTab, z, n, &iName);
    if (rc == SQLITE_OK && pTab->n == nBefore) {
        j->iDup = iName;
        rc = SQLITE_CONSTRAINT;
    }
    return rc;
}

/*
** Read the palette z[0..n) into pTab, name i being element i: SQLITE_OK;
** SQLITE_ERROR (j->zErr at byte j->i); SQLITE_CONSTRAINT for a name given
** twice (j->iDup); or an allocation's code.
*/
static int svgJsonPalette(svg_json *j, lp_strtab *pTab) {
    svgJsonSpace(j);
    if (j->i >= j->n || j->z[j->i] != '[') return svgJsonFail(j, "no '['");
    j->i++;
    svgJsonSpace(j);
    if (j->i < j->n && j->z[j->i] == ']') {
        j->i++;
    } else {
        for (;;) {
            int rc;
            if (j->i >= j->n) return svgJsonFail(j, "an array that is not closed");
            rc = svgJsonElement(j, pTab);
            if (rc) return rc;
            svgJsonSpace(j);
            if (j->i < j->n && j->z[j->i] == ']') break;
            if (j->i >= j->n || j->z[j->i] != ',') {
                return svgJsonFail(j, j->i >= j->n ? "an array that is not closed"
                                                   : "no ',' or ']' after an element");
            }
            j->i++;
            svgJsonSpace(j);
        }
        j->i++;
    }
    svgJsonSpace(j);
    if (j->i < j->n) return svgJsonFail(j, "text after the closing ']'");
    return SQLITE_OK;
}

/* Read a palette given for the first time; 1 after reporting an error. */
static int svgReadPalette(sqlite3_context *ctx, svg_acc *p, const char *z, int n,
                          const char *zFunc) {
    svg_json j;
    int rc = SQLITE_NOMEM;
    memset(&j, 0, sizeof(j));
    j.z = z;
    j.n = n;
    j.zBuf = sqlite3_malloc64((sqlite3_uint64)n + 1);
    p->zPalette = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if (j.zBuf && p->zPalette) {
        memcpy(p->zPalette, z, (size_t)n);
        p->nPalette = n;
        rc = svgJsonPalette(&j, &p->palette);
    }
    if (rc == SQLITE_OK) {
        p->ePalette = 2;
    } else if (rc == SQLITE_ERROR) {
        learnpath_result_errorf(ctx, "%s(): palette is not a JSON array of names (strings or "
                                     "numbers): %s at byte %d",
                                zFunc, j.zErr, j.i + 1);
    } else if (rc == SQLITE_CONSTRAINT) {
        char *zName = learnpath_quote_n(LP_STR(&p->palette, j.iDup),
                                        LP_STRLEN(&p->palette, j.iDup));
        if (zName) learnpath_result_errorf(ctx, "%s(): palette names %s twice", zFunc, zName);
        else sqlite3_result_error_nomem(ctx);
        sqlite3_free(zName);
    } else if (rc == SQLITE_TOOBIG) {
        sqlite3_result_error_toobig(ctx);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
    sqlite3_free(j.zBuf);
    return rc != SQLITE_OK;
}

/* See svg.h. */
int learnpath_svg_take_palette(sqlite3_context *ctx, svg_acc *p, sqlite3_value *pVal,
                               const char *zFunc) {
    int eType = pVal ? sqlite3_value_type(pVal) : SQLITE_NULL;
    const char *z = NULL;
    int n = 0;
    if (eType != SQLITE_NULL && eType != SQLITE_TEXT) {
        char *zVal = learnpath_describe_value(pVal);
        if (zVal) {
            learnpath_result_errorf(ctx, "%s(): palette must be a JSON array of names as text, not %s",
                                    zFunc, zVal);
        } else {
            sqlite3_result_error_nomem(ctx);
        }
        sqlite3_free(zVal);
        return 1;
    }
    if (eType == SQLITE_TEXT) {
        z = (const char *)sqlite3_value_text(pVal);
        n = sqlite3_value_bytes(pVal);
        if (!z) {
            sqlite3_result_error_nomem(ctx);
            return 1;
        }
    }
    if (p->ePalette == 0 && z) return svgReadPalette(ctx, p, z, n, zFunc);
    if (p->ePalette == 0 || (p->ePalette == 1 && !z) ||
        (p->ePalette == 2 && z && n == p->nPalette && memcmp(z, p->zPalette, (size_t)n) == 0)) {
        if (p->ePalette == 0) p->ePalette = 1;
        return 0;
    }
    learnpath_result_errorf(ctx, "%s(): palette must be the same on every row", zFunc);
    return 1;
}

/* See svg.h. */
int learnpath_svg_palette_slot(const svg_acc *p, const char *z, int n) {
    uint32_t i;
    if (!learnpath_strtab_find(&p->palette, z, n, &i) || i >= SVG_NCOLOR) return -1;
    return (int)i;
}


/* ------------------------------------------------- building a palette */

/* One name of chart_palette: its bytes and summed weight. */
typedef struct pal_name {
    char *z;
    int n;
    double w;
} pal_name;

typedef struct pal_acc {
    pal_name *a;
    int64_t nName, nAlloc;
    int failed;
} pal_acc;

/* By name in byte order. */
static int palByName(const void *pA, const void *pB) {
    const pal_name *a = pA, *b = pB;
    int c = memcmp(a->z, b->z, (size_t)(a->n < b->n ? a->n : b->n));
    return c ? c : (a->n > b->n) - (a->n < b->n);
}

/* Heavier first, then by name. */
static int palByWeight(const void *pA, const void *pB) {
    const pal_name *a = pA, *b = pB;
    if (a->w != b->w) return a->w > b->w ? -1 : 1;
    return palByName(pA, pB);
}

/* The same name twice becomes one, its weights summed (sorted by name,
** then merged: no quadratic search). */
static void palMerge(pal_acc *p) {
    int64_t n = 0;
    if (p->nName > 1) qsort(p->a, (size_t)p->nName, sizeof(pal_name), palByName);
    for (int64_t i = 0; i < p->nName; i++) {
        if (n > 0 && palByName(&p->a[n - 1], &p->a[i]) == 0) {
            p->a[n - 1].w += p->a[i].w;
            sqlite3_free(p->a[i].z);
        } else {
            p->a[n++] = p->a[i];
        }
    }
    p->nName = n;
}

static void palFree(pal_acc *p) {
    for (int64_t i = 0; i < p->nName; i++) sqlite3_free(p->a[i].z);
    sqlite3_free(p->a);
    p->a = NULL;
    p->nName = p->nAlloc = 0;
}

/*
** chart_palette(name, weight): collects each non-NULL name with its weight
** (a NULL weight counts 0; the same name twice is summed at the end).
*/
void learnpath_palette_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    pal_acc *p = sqlite3_aggregate_context(ctx, (int)sizeof(pal_acc));
    const char *z;
    int n, e = sqlite3_value_type(argv[1]);
    double w = 0.0;
    (void)argc;
    if (!p) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (p->failed || sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (e == SQLITE_INTEGER || e == SQLITE_FLOAT) {
        w = sqlite3_value_double(argv[1]);
    } else if (e != SQLITE_NULL) {
        p->failed = 1;
        sqlite3_result_error(ctx, "chart_palette(): weight must be a number or NULL", -1);
        return;
    }
    z = (const char *)sqlite3_value_text(argv[0]);
    n = sqlite3_value_bytes(argv[0]);
    if (!z) {
        p->failed = 1;
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (learnpath_grow((void **)&p->a, &p->nAlloc, p->nName + 1, sizeof(pal_name), 16) ||
        (p->a[p->nName].z = sqlite3_malloc64((sqlite3_uint64)n + 1)) == NULL) {
        p->failed = 1;
        sqlite3_result_error_nomem(ctx);
        return;
    }
    memcpy(p->a[p->nName].z, z, (size_t)n + 1);
    p->a[p->nName].n = n;
    p->a[p->nName].w = w;
    p->nName++;
}

/* The names as a JSON array of strings, heaviest first (then by name): the
** palette argument of sankey_svg, bar_svg and curve_svg (svg rule 9). */
void learnpath_palette_final(sqlite3_context *ctx) {
    pal_acc *p = sqlite3_aggregate_context(ctx, 0);
    sqlite3_str *pOut;
    if (p && p->failed) {
        palFree(p);
        return; /* the error is set */
    }
    pOut = sqlite3_str_new(NULL);
    if (p) palMerge(p);
    if (p && p->nName > 1) qsort(p->a, (size_t)p->nName, sizeof(pal_name), palByWeight);
    sqlite3_str_appendchar(pOut, 1, '[');
    for (int64_t i = 0; p && i < p->nName; i++) {
        const unsigned char *z = (const unsigned char *)p->a[i].z;
        if (i) sqlite3_str_appendchar(pOut, 1, ',');
        sqlite3_str_appendchar(pOut, 1, '"');
        for (int k = 0; k < p->a[i].n; k++) {
            unsigned c = z[k];
            if (c == '"' || c == '\\') {
                sqlite3_str_appendf(pOut, "\\%c", (char)c);
            } else if (c < 0x20) {
                sqlite3_str_appendf(pOut, "\\u%04x", c);
            } else {
                sqlite3_str_appendchar(pOut, 1, (char)c);
            }
        }
        sqlite3_str_appendchar(pOut, 1, '"');
    }
    sqlite3_str_appendchar(pOut, 1, ']');
    if (p) palFree(p);
    if (sqlite3_str_errcode(pOut)) {
        sqlite3_free(sqlite3_str_finish(pOut));
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, sqlite3_str_finish(pOut), -1, sqlite3_free);
}
