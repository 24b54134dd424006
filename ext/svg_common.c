/*
** svg_common.c - what the two charts of svg.h share: accumulating the rows,
** text and numbers as a chart shows them, the document's frame, and xFinal.
**
**   Accumulation (svg rules 1, 2, 6): each row's value is added to the
**   cell of its two names (interned), found through an open-addressing
**   hash; integer values are summed exactly in 128 bits, other values are
**   kept and summed per cell in ascending order when the chart is drawn.
**   The title argument is checked and the smallest one kept on every row.
**   The palette argument (rule 9) is taken by svg_palette.c.
**   An error is reported once (p->failed); later rows are then skipped.
**
**   Text (rules 3, 4): labels are decoded as UTF-8, mapped, XML-escaped,
**   cut with an ellipsis, and measured with the estimate of svg.h.
**   Numbers (rule 5): "1,234", "-12.5", "0.33".
**
**   xFinal: learnpath_svg_final draws the "no data" document (rule 7) or
**   calls the chart's renderer, sets the result and frees the accumulator.
**   A renderer returns an SQLite code; on SQLITE_OK the text it appended to
**   pOut (and pOut's own error state) is the result.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

/*
** Rule 9's palette: Okabe-Ito without black (blue, orange, bluish green,
** reddish purple, sky blue, vermillion, yellow), then wine, indigo, olive,
** dark brown and plum, picked so that under simulated protanopia,
** deuteranopia and tritanopia each stays at least as far (CIELAB) from
** every other colour and from the greys as the Okabe-Ito colours are from
** one another. The text colour on each is the one of higher WCAG
** contrast (white 5.2 on blue; ink 7.0 on orange; ...; white 7.2 on plum).
*/
const char *const learnpath_svg_color[SVG_NCOLOR] = {
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#F0E442", "#882255", "#332288", "#999933", "#661100", "#7F3C8D"};
const char *const learnpath_svg_on_color[SVG_NCOLOR] = {
    "#ffffff", SVG_INK,   SVG_INK,   SVG_INK,   SVG_INK,   SVG_INK,
    SVG_INK,   "#ffffff", "#ffffff", SVG_INK,   "#ffffff", "#ffffff"};

/* --------------------------------------------------------- accumulator */

static uint32_t svgHash2(const svg_acc *p, uint32_t a, uint32_t b) {
    return learnpath_hash_pair(a, b, &p->seed);
}

/* Cell i's hash (learnpath_hash_probe_report). */
static uint32_t svgHashCell(const void *pCtx, uint32_t i) {
    const svg_acc *p = pCtx;
    return svgHash2(p, p->aCell[i].a, p->aCell[i].b);
}

static void svgAccFree(svg_acc *p) {
    if (!p) return;
    if (learnpath_hash_probe_hook && p->aSlot) {
        learnpath_hash_probe_report("cells", p->aSlot, p->nSlot, svgHashCell, p);
    }
    learnpath_strtab_free(&p->names);
    learnpath_strtab_free(&p->series);
    sqlite3_free(p->aCell);
    sqlite3_free(p->aSlot);
    sqlite3_free(p->aReal);
    sqlite3_free(p->zTitle);
    sqlite3_free(p->zPalette);
    learnpath_strtab_free(&p->palette);
    sqlite3_free(p->aPt);
    memset(p, 0, sizeof(*p));
}

static int svgRehash(svg_acc *p, uint32_t nSlot) {
    uint32_t *aSlot = sqlite3_malloc64((sqlite3_uint64)nSlot * sizeof(uint32_t));
    if (!aSlot) return SQLITE_NOMEM;
    memset(aSlot, 0, (size_t)nSlot * sizeof(uint32_t));
    if (p->aSlot == NULL) learnpath_hash_seed(&p->seed);
    for (uint32_t i = 0; i < p->nCell; i++) {
        uint32_t j = svgHashCell(p, i) & (nSlot - 1);
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
    uint32_t h = svgHash2(p, a, b);
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
        h = svgHash2(p, a, b); /* the first table draws the seed */
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
int learnpath_svg_read_number(sqlite3_value *pVal, svg_number *p) {
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
        learnpath_result_errorf(ctx, "%s(): title must be text", zFunc);
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

/* See svg.h. */
svg_acc *learnpath_svg_step_begin(sqlite3_context *ctx, sqlite3_value *pTitle,
                                  sqlite3_value *pPalette, const char *zFunc) {
    svg_acc *p = sqlite3_aggregate_context(ctx, (int)sizeof(svg_acc));
    if (!p) {
        sqlite3_result_error_nomem(ctx);
        return NULL;
    }
    if (p->failed) return NULL;
    if ((pTitle && svgTakeTitle(ctx, p, pTitle, zFunc)) ||
        learnpath_svg_take_palette(ctx, p, pPalette, zFunc)) {
        p->failed = 1;
        return NULL;
    }
    return p;
}

/* See svg.h. */
void learnpath_svg_step_add(sqlite3_context *ctx, svg_acc *p, lp_strtab *pTabB,
                            sqlite3_value *pA, sqlite3_value *pB, const svg_number *pNum) {
    uint32_t a, b = LP_NONE, iCell;
    int rc = svgIntern(&p->names, pA, &a);
    if (rc == SQLITE_OK && sqlite3_value_type(pB) != SQLITE_NULL) {
        rc = svgIntern(pTabB, pB, &b);
    }
    if (rc == SQLITE_OK) rc = svgCellGet(p, a, b, &iCell);
    if (rc == SQLITE_OK) rc = svgCellAdd(p, iCell, pNum);
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

/* The characters of z[0..n), counting no further than nStop. */
static int svgCountCp(const char *z, int n, int nStop) {
    int i = 0, k = 0;
    while (i < n && k < nStop) {
        svgNextCp((const unsigned char *)z, n, &i);
        k++;
    }
    return k;
}

/* Whether the label z[0..n) is cut to maxCp (>= 1) characters. */
int learnpath_svg_is_cut(const char *z, int n, int maxCp) {
    return n > maxCp && svgCountCp(z, n, maxCp + 1) > maxCp;
}

/*
** Append (when pOut is not NULL) the label z[0..n) as escaped text, cut to
** maxCp (>= 1) characters with an ellipsis, and return its
** estimated width in em.
*/
double learnpath_svg_text(sqlite3_str *pOut, const char *z, int n, int maxCp) {
    const unsigned char *u = (const unsigned char *)z;
    int isCut = learnpath_svg_is_cut(z, n, maxCp);
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

/* ------------------------------------------------------------- numbers */

/*
** Format a value for display (rule 5) into zOut (SVG_NUMBUF bytes):
** "1,234", "-12.5", "0.33".
*/
void learnpath_svg_fmt_value(double v, char *zOut) {
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

/* See svg.h. */
double learnpath_svg_other_label(uint32_t nFold, char *zOut) {
    char zNum[SVG_NUMBUF];
    learnpath_svg_fmt_value((double)nFold, zNum);
    sqlite3_snprintf(SVG_NUMBUF, zOut, "(other, %s more)", zNum);
    return (double)strlen(zOut) * SVG_EM;
}

/* See svg.h. */
void learnpath_svg_fold_list(sqlite3_str *pOut, const lp_strtab *pTab, const uint32_t *aName,
                             uint32_t n) {
    for (uint32_t k = 0; k < n && k < SVG_MAX_FOLD_LIST; k++) {
        if (k) sqlite3_str_appendall(pOut, ", ");
        learnpath_svg_text(pOut, LP_STR(pTab, aName[k]), LP_STRLEN(pTab, aName[k]), SVG_MAX_LEGEND);
    }
    if (n > SVG_MAX_FOLD_LIST) sqlite3_str_appendall(pOut, ", " SVG_ELLIPSIS);
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

/* Cells by the ranks of their names. */
int learnpath_svg_ord_cmp(const void *pA, const void *pB) {
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

/* Zeroed memory for nElem elements (at least one). */
void *learnpath_svg_alloc(sqlite3_uint64 nElem, size_t szElem) {
    void *p = sqlite3_malloc64((nElem ? nElem : 1) * szElem);
    if (p) memset(p, 0, (size_t)((nElem ? nElem : 1) * szElem));
    return p;
}

/*
** aRank[name] = position of the name in byte order; aOrder[position] =
** name. Both are allocated here (the caller frees).
*/
int learnpath_svg_ranks(const lp_strtab *pTab, uint32_t **paRank, uint32_t **paOrder) {
    uint32_t n = pTab->n;
    svg_name *aName = learnpath_svg_alloc(n, sizeof(svg_name));
    uint32_t *aRank = learnpath_svg_alloc(n, sizeof(uint32_t));
    uint32_t *aOrder = learnpath_svg_alloc(n, sizeof(uint32_t));
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
int learnpath_svg_cell_values(svg_acc *p, double **paVal) {
    double *aVal = learnpath_svg_alloc(p->nCell, sizeof(double));
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
void learnpath_svg_open(sqlite3_str *pOut, double w, double h, const svg_acc *p,
                        const char *zDefault) {
    int W = (int)ceil(w), H = (int)ceil(h);
    sqlite3_str_appendf(pOut,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                        "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
                        W, H, W, H);
    if (p && p->hasTitle) {
        learnpath_svg_text(pOut, p->zTitle, p->nTitle, SVG_MAX_TOOLTIP);
    } else {
        sqlite3_str_appendall(pOut, zDefault);
    }
    sqlite3_str_appendf(pOut, "\" font-family=\"%s\" font-size=\"%d\" fill=\"%s\">\n<title>",
                        SVG_FONTS, (int)SVG_FONT, SVG_INK);
    if (p && p->hasTitle) {
        learnpath_svg_text(pOut, p->zTitle, p->nTitle, SVG_MAX_TOOLTIP);
    } else {
        sqlite3_str_appendall(pOut, zDefault);
    }
    sqlite3_str_appendf(pOut, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H);
}

/* Width in px of the title as drawn (0 if none). */
double learnpath_svg_title_width(const svg_acc *p) {
    if (!p || !p->hasTitle) return 0.0;
    return learnpath_svg_text(NULL, p->zTitle, p->nTitle, SVG_MAX_TITLE) * SVG_FONT_TITLE * 1.06;
}

/* The visible title at the top left, baseline y. */
void learnpath_svg_title(sqlite3_str *pOut, const svg_acc *p, double y) {
    if (!p || !p->hasTitle) return;
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"700\">",
                        svgR(SVG_PAD), svgR(y), (int)SVG_FONT_TITLE);
    if (learnpath_svg_is_cut(p->zTitle, p->nTitle, SVG_MAX_TITLE)) {
        sqlite3_str_appendall(pOut, "<title>");
        learnpath_svg_text(pOut, p->zTitle, p->nTitle, SVG_MAX_TOOLTIP);
        sqlite3_str_appendall(pOut, "</title>");
    }
    learnpath_svg_text(pOut, p->zTitle, p->nTitle, SVG_MAX_TITLE);
    sqlite3_str_appendall(pOut, "</text>\n");
}

/* Rule 7: the document for no data. */
static void svgNoData(sqlite3_str *pOut, const svg_acc *p, const char *zDefault) {
    double w = learnpath_svg_title_width(p) + 2 * SVG_PAD;
    double h = 140.0;
    if (w < 360.0) w = 360.0;
    learnpath_svg_open(pOut, w, h, p, zDefault);
    learnpath_svg_title(pOut, p, SVG_PAD + 16.0);
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

/*
** xFinal of both charts: the "no data" chart for no rows (xFinal may run
** without any xStep), else xRender's drawing; an error already reported by
** xStep (p->failed) stays the result.
*/
void learnpath_svg_final(sqlite3_context *ctx, const char *zKind,
                         int (*xRender)(svg_acc *, sqlite3_str *)) {
    svg_acc *p = sqlite3_aggregate_context(ctx, 0);
    sqlite3_str *pOut;
    int rc = SQLITE_OK;
    if (p && p->failed) {
        svgAccFree(p);
        return;
    }
    pOut = sqlite3_str_new(sqlite3_context_db_handle(ctx));
    if (!p || (p->nCell == 0 && p->nPt == 0)) {
        svgNoData(pOut, p, zKind);
    } else {
        rc = xRender(p, pOut);
    }
    svgAccFree(p);
    svgResult(ctx, pOut, rc);
}

/* See svg.h. */
double learnpath_svg_nice_step(double range, double nWant, int wholeOnly) {
    double raw = range / nWant, mag = 1.0, f, step;
    if (!(raw > 0.0) || !isfinite(raw)) return 1.0;
    while (mag * 10.0 <= raw) mag *= 10.0;
    while (mag > raw) mag /= 10.0;
    f = raw / mag;
    step = (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
    if (wholeOnly && step < 1.0) step = 1.0;
    if (!(step > 0.0) || !isfinite(step)) step = 1.0; /* subnormal ranges */
    return step;
}
