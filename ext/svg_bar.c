/*
** svg_bar.c - bar_svg(category, series, value [, title [, mode [,
** palette]]]): a bar chart as one SVG document (svg.h holds the rules it
** shares with sankey_svg: svg rule N).
**
**   Grouped bars (mode 'grouped', the default) or stacked bars (mode
**   'stacked'): one group per category, one bar or segment per series,
**   a legend of the series, the value above each bar (stacked: inside
**   each segment that has room, the total above the stack) and a y axis
**   with round ticks (1, 2 or 5 x 10^k). A NULL series is the series
**   "(none)", drawn grey and last. Negative values go below the zero line.
**   Past SVG_MAX_CATEGORIES categories the largest are kept and the rest
**   folded into "(other)" (svg rule 8). At most SVG_NCOLOR named series
**   are drawn, each in its own colour: the largest, in name order, or the
**   ones the palette names first, in palette order; the others are folded
**   into "(other, N more)" (svg rule 9).
**
** learnpath_bar_step checks the mode argument (svg rule 6) and adds a row
** to the accumulator of svg_common.c; learnpath_bar_final draws the
** accumulated values. barRender draws in steps over one bar_chart: the
** cells in order (folded to the caps and the colours), the value range and
** the axis ticks, the horizontal sizes, the vertical sizes; then the
** legend, the grid and axis, the bars, the value labels and the category
** labels.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

#define BAR_PLOT_H 300.0   /* height of the plot area */
#define BAR_GAP 2.0        /* between the bars of a group */
#define BAR_CAT_GAP 22.0   /* between categories */
#define BAR_COS 0.766      /* cos and sin of 40 degrees: slanted labels */
#define BAR_SIN 0.643

/* A chart being drawn: what each step of barRender leaves for the next.
** All arrays are owned (barFree). */
typedef struct bar_chart {
    svg_acc *p;
    int eMode;                   /* SVG_GROUPED or SVG_STACKED */
    uint32_t nC, nNamed, nCell;  /* categories, named series, cells */
    uint32_t nS;                 /* series drawn: nNamed, plus "(none)" if any */
    int hasNone;                 /* a row with a NULL series */
    double *aVal;                /* per cell: its value (rule 2) */
    double *aCatW;               /* per category rank: label width in px */
    uint32_t *aRankC, *aOrderC;  /* per category: rank in byte order; categories by rank
                                 ** (after folding, by place; SVG_OTHER: "(other)") */
    uint32_t *aRankS, *aOrderS;  /* the same for the named series */
    int *aColS;                  /* per series place: its colour (svg rule 9) */
    uint32_t *aFoldS;            /* the series in "(other)", in name order */
    uint32_t nFoldC, nFoldS;     /* categories, series folded into "(other)" */
    svg_ord *aOrd;               /* the cells by category, then series */
    /* the value axis */
    double vMin, vMax;           /* range of the bars (stacked: of the stacks) */
    double step, kLo, kHi;       /* ticks at t * step for t = kLo .. kHi */
    double lo, hi;               /* the axis runs from lo to hi */
    double wVal, wTick, wCat;    /* widest value, tick and category label, px */
    /* horizontal sizes */
    double barW, groupW, slot;   /* a bar; the bars of a category; its room */
    double plotLeft;
    int rotate;                  /* category labels slanted */
    /* vertical sizes */
    double plotTop, labelY;      /* top of the plot; baseline of category labels */
    double W, H;                 /* canvas */
} bar_chart;

/* ", 1,234 categories": what an "(other)" holds, in its tooltip (svg rule 8). */
static void barFoldCount(sqlite3_str *pOut, uint32_t n, const char *zWhat) {
    char zNum[SVG_NUMBUF];
    learnpath_svg_fmt_value((double)n, zNum);
    sqlite3_str_appendf(pOut, ", %s %s", zNum, zWhat);
}

/* Name of series position s (the NULL series is position nNamed). */
static void barSeriesName(sqlite3_str *pOut, const bar_chart *c, uint32_t s, int maxCp) {
    if (s >= c->nNamed) {
        sqlite3_str_appendall(pOut, "(none)");
    } else if (c->aOrderS[s] == SVG_OTHER) {
        char zOther[SVG_NUMBUF];
        learnpath_svg_other_label(c->nFoldS, zOther);
        sqlite3_str_appendall(pOut, zOther);
    } else {
        uint32_t i = c->aOrderS[s];
        learnpath_svg_text(pOut, LP_STR(&c->p->series, i), LP_STRLEN(&c->p->series, i), maxCp);
    }
}

static double barSeriesWidth(const bar_chart *c, uint32_t s) {
    uint32_t i;
    char zOther[SVG_NUMBUF];
    if (s >= c->nNamed) return 6.0 * SVG_EM;
    i = c->aOrderS[s];
    if (i == SVG_OTHER) return learnpath_svg_other_label(c->nFoldS, zOther);
    return learnpath_svg_text(NULL, LP_STR(&c->p->series, i), LP_STRLEN(&c->p->series, i),
                              SVG_MAX_LEGEND);
}

static const char *barColor(const bar_chart *c, uint32_t s) {
    if (s < c->nNamed && c->aOrderS[s] == SVG_OTHER) return SVG_LIGHT;
    return s >= c->nNamed ? SVG_GREY : learnpath_svg_color[c->aColS[s] % SVG_NCOLOR];
}

static const char *barOnColor(const bar_chart *c, uint32_t s) {
    if (s < c->nNamed && c->aOrderS[s] == SVG_OTHER) return SVG_INK;
    return s >= c->nNamed ? SVG_INK : learnpath_svg_on_color[c->aColS[s] % SVG_NCOLOR];
}

/* Category place r's name (its label, cut to maxCp); "(other)" with the
** count it holds in a tooltip (maxCp SVG_MAX_TOOLTIP). */
static void barCategoryName(sqlite3_str *pOut, const bar_chart *c, uint32_t r, int maxCp) {
    uint32_t i = c->aOrderC[r];
    if (i == SVG_OTHER) {
        sqlite3_str_appendall(pOut, SVG_OTHER_LABEL);
        if (maxCp == SVG_MAX_TOOLTIP) barFoldCount(pOut, c->nFoldC, "categories");
    } else {
        learnpath_svg_text(pOut, LP_STR(&c->p->names, i), LP_STRLEN(&c->p->names, i), maxCp);
    }
}

/* The y coordinate of value v. */
static double barY(const bar_chart *c, double v) {
    return c->plotTop + (c->hi - v) / (c->hi - c->lo) * BAR_PLOT_H;
}

/* A bar or segment with its hover text "category · series: value". */
static void barRect(sqlite3_str *pOut, const bar_chart *c, const svg_ord *o, double x, double w,
                    double yA, double yB, double v) {
    char zNum[SVG_NUMBUF];
    double y = yA < yB ? yA : yB, h = fabs(yB - yA);
    learnpath_svg_fmt_value(v, zNum);
    sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                        svgR(x), svgR(y), svgR(w), svgR(h), barColor(c, o->kb));
    barCategoryName(pOut, c, o->ka, SVG_MAX_TOOLTIP);
    sqlite3_str_appendall(pOut, " " SVG_DOT " ");
    barSeriesName(pOut, c, o->kb, SVG_MAX_TOOLTIP);
    sqlite3_str_appendf(pOut, ": %s</title></rect>\n", zNum);
}

/* The cell values, the ranks of categories and series, and the arrays. */
static int barAlloc(bar_chart *c) {
    int rc = learnpath_svg_cell_values(c->p, &c->aVal);
    if (rc == SQLITE_OK) rc = learnpath_svg_ranks(&c->p->names, &c->aRankC, &c->aOrderC);
    if (rc == SQLITE_OK) rc = learnpath_svg_ranks(&c->p->series, &c->aRankS, &c->aOrderS);
    if (rc != SQLITE_OK) return rc;
    c->aOrd = learnpath_svg_alloc(c->nCell, sizeof(svg_ord));
    c->aCatW = learnpath_svg_alloc(c->nC, sizeof(double));
    c->aColS = learnpath_svg_alloc((sqlite3_uint64)c->nNamed + 1, sizeof(int));
    if (!c->aOrd || !c->aCatW || !c->aColS) return SQLITE_NOMEM;
    return SQLITE_OK;
}

static void barFree(bar_chart *c) {
    sqlite3_free(c->aVal);
    sqlite3_free(c->aCatW);
    sqlite3_free(c->aRankC);
    sqlite3_free(c->aOrderC);
    sqlite3_free(c->aRankS);
    sqlite3_free(c->aOrderS);
    sqlite3_free(c->aColS);
    sqlite3_free(c->aFoldS);
    sqlite3_free(c->aOrd);
}

/* Cells by category name, then series name, the NULL series last. */
static void barOrder(bar_chart *c) {
    const svg_acc *p = c->p;
    for (uint32_t i = 0; i < c->nCell; i++) {
        c->aOrd[i].ka = c->aRankC[p->aCell[i].a];
        if (p->aCell[i].b == LP_NONE) {
            c->aOrd[i].kb = c->nNamed;
            c->hasNone = 1;
        } else {
            c->aOrd[i].kb = c->aRankS[p->aCell[i].b];
        }
        c->aOrd[i].iCell = i;
    }
    if (c->nCell > 1) qsort(c->aOrd, c->nCell, sizeof(svg_ord), learnpath_svg_ord_cmp);
    c->nS = c->nNamed + (c->hasNone ? 1 : 0);
}

/* Sort context of barKeep: sizes by rank. */
typedef struct bar_size_ctx {
    const double *aSize;
} bar_size_ctx;

/* Larger size first, then lower rank (name order). */
static int barSizeCmp(void *pCtx, uint32_t a, uint32_t b) {
    const double *aSize = ((bar_size_ctx *)pCtx)->aSize;
    if (aSize[a] != aSize[b]) return aSize[a] > aSize[b] ? -1 : 1;
    return (a > b) - (a < b);
}

/*
** Svg rules 8 and 9 for one axis of n ranks (names in byte order) of sizes
** aSize: with more than nMax, the nKeep largest (ties by name) keep their
** order as places 0 .. nKeep - 1 and the rest share place nKeep, which
** aOrder (by rank: name indexes) then gives as SVG_OTHER. aMap[rank] is
** the new place; *pn becomes nKeep + 1 and *pnFold the ranks folded.
*/
static int barKeep(double *aSize, uint32_t *pn, uint32_t nMax, uint32_t nKeep, uint32_t *aMap,
                   uint32_t *aOrder, uint32_t *pnFold) {
    uint32_t n = *pn, k = 0, *aBySize = NULL;
    bar_size_ctx ctx = {aSize};
    for (uint32_t r = 0; r < n; r++) aMap[r] = r;
    if (n <= nMax) return SQLITE_OK;
    int rc = learnpath_sort_index(n, barSizeCmp, &ctx, &aBySize);
    if (rc) return rc;
    for (uint32_t j = 0; j < n; j++) aMap[aBySize[j]] = j < nKeep ? 0 : LP_NONE;
    sqlite3_free(aBySize);
    for (uint32_t r = 0; r < n; r++) {
        if (aMap[r] == LP_NONE) {
            aMap[r] = nKeep;
        } else {
            aOrder[k] = aOrder[r];
            aMap[r] = k++;
        }
    }
    aOrder[nKeep] = SVG_OTHER;
    *pnFold = n - nKeep;
    *pn = nKeep + 1;
    return SQLITE_OK;
}

/*
** Svg rule 9 with a palette: the named series the palette gives a colour
** (slot < SVG_NCOLOR) take places in slot order, the others share one
** "(other)" place after them. aMap[rank] is the new place; aOrderS and
** aColS are by place; *pbMoved is set when any series moved.
*/
static int barPalette(bar_chart *c, uint32_t *aMap, int *pbMoved) {
    const svg_acc *p = c->p;
    uint32_t n = c->nNamed, aName[SVG_NCOLOR], k = 0;
    int aPlace[SVG_NCOLOR];
    for (int j = 0; j < SVG_NCOLOR; j++) aPlace[j] = -1;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t i = c->aOrderS[r];
        int slot = learnpath_svg_palette_slot(p, LP_STR(&p->series, i), LP_STRLEN(&p->series, i));
        aMap[r] = slot < 0 ? LP_NONE : (uint32_t)slot;
        if (slot >= 0) {
            aName[slot] = i;
            aPlace[slot] = 0;
        }
    }
    for (int j = 0; j < SVG_NCOLOR; j++) {
        if (aPlace[j] < 0) continue;
        aPlace[j] = (int)k;
        c->aOrderS[k] = aName[j];
        c->aColS[k] = j;
        k++;
    }
    c->nFoldS = 0;
    for (uint32_t r = 0; r < n; r++) {
        if (aMap[r] == LP_NONE) {
            aMap[r] = k;
            c->nFoldS++;
        } else {
            aMap[r] = (uint32_t)aPlace[aMap[r]];
        }
        if (aMap[r] != r) *pbMoved = 1;
    }
    if (c->nFoldS) {
        c->aOrderS[k] = SVG_OTHER;
        c->aColS[k] = 0;
        k++;
    }
    c->nNamed = k;
    return SQLITE_OK;
}

/* Svg rule 9 without a palette: the SVG_NCOLOR largest series, in name
** order, coloured in that order. */
static int barSeriesKeep(bar_chart *c, double *aSize, uint32_t *aMap) {
    int rc = barKeep(aSize, &c->nNamed, SVG_NCOLOR, SVG_NCOLOR, aMap, c->aOrderS, &c->nFoldS);
    for (uint32_t s = 0; s < c->nNamed; s++) c->aColS[s] = (int)s;
    return rc;
}

/* The names of the nS series, those aMapS (by rank) puts in "(other)" (the
** last place), in name order into aFoldS: its tooltip (svg rule 9). */
static int barFoldNames(bar_chart *c, const uint32_t *aMapS, uint32_t nS) {
    uint32_t k = 0;
    c->aFoldS = learnpath_svg_alloc(nS, sizeof(uint32_t));
    if (!c->aFoldS) return SQLITE_NOMEM;
    for (uint32_t r = 0; r < nS; r++) c->aFoldS[r] = LP_NONE;
    for (uint32_t i = 0; i < nS; i++) {
        if (aMapS[c->aRankS[i]] == c->nNamed - 1) c->aFoldS[c->aRankS[i]] = i;
    }
    for (uint32_t r = 0; r < nS; r++) {
        if (c->aFoldS[r] != LP_NONE) c->aFoldS[k++] = c->aFoldS[r];
    }
    return SQLITE_OK;
}

static int barByPlace(void *pCtx, uint32_t a, uint32_t b) {
    const svg_ord *aOrd = pCtx;
    return learnpath_svg_ord_cmp(&aOrd[a], &aOrd[b]);
}

/*
** Svg rules 8 and 9: categories past SVG_MAX_CATEGORIES and the series
** that get no colour are folded into "(other)": sizes are the sums of the
** magnitudes of their cells' values (in name order); cells that meet are
** merged, their values summed in name order (a stable sort of the cells,
** which were in name order).
*/
static int barFold(bar_chart *c) {
    uint32_t nC = c->nC, nS = c->nNamed, nNew = 0, *aIdx = NULL;
    int bMoved = 0;
    double *aSizeC = learnpath_svg_alloc(nC, sizeof(double));
    double *aSizeS = learnpath_svg_alloc(nS, sizeof(double));
    uint32_t *aMapC = learnpath_svg_alloc(nC, sizeof(uint32_t));
    uint32_t *aMapS = learnpath_svg_alloc(nS, sizeof(uint32_t));
    svg_ord *aOld = learnpath_svg_alloc(c->nCell, sizeof(svg_ord));
    int rc = aSizeC && aSizeS && aMapC && aMapS && aOld ? SQLITE_OK : SQLITE_NOMEM;
    for (uint32_t i = 0; rc == SQLITE_OK && i < c->nCell; i++) {
        double v = fabs(c->aVal[c->aOrd[i].iCell]);
        aSizeC[c->aOrd[i].ka] += v;
        if (c->aOrd[i].kb < nS) aSizeS[c->aOrd[i].kb] += v;
    }
    if (rc == SQLITE_OK) {
        rc = barKeep(aSizeC, &c->nC, SVG_MAX_CATEGORIES, SVG_MAX_CATEGORIES - 1, aMapC,
                     c->aOrderC, &c->nFoldC);
    }
    if (rc == SQLITE_OK) {
        rc = c->p->ePalette == 2 ? barPalette(c, aMapS, &bMoved) : barSeriesKeep(c, aSizeS, aMapS);
    }
    if (rc == SQLITE_OK && c->nFoldS) rc = barFoldNames(c, aMapS, nS);
    if (rc == SQLITE_OK && (c->nFoldC || c->nFoldS || bMoved)) {
        for (uint32_t i = 0; i < c->nCell; i++) {
            aOld[i] = c->aOrd[i];
            aOld[i].ka = aMapC[aOld[i].ka];
            aOld[i].kb = aOld[i].kb < nS ? aMapS[aOld[i].kb] : c->nNamed;
        }
        rc = learnpath_sort_index(c->nCell, barByPlace, aOld, &aIdx);
    }
    if (aIdx) {
        for (uint32_t j = 0; j < c->nCell; j++) {
            const svg_ord *o = &aOld[aIdx[j]];
            if (nNew > 0 && c->aOrd[nNew - 1].ka == o->ka && c->aOrd[nNew - 1].kb == o->kb) {
                c->aVal[c->aOrd[nNew - 1].iCell] += c->aVal[o->iCell];
            } else {
                c->aOrd[nNew++] = *o;
            }
        }
        c->nCell = nNew;
        c->nS = c->nNamed + (c->hasNone ? 1 : 0);
    }
    sqlite3_free(aIdx);
    sqlite3_free(aOld);
    sqlite3_free(aSizeC);
    sqlite3_free(aSizeS);
    sqlite3_free(aMapC);
    sqlite3_free(aMapS);
    return rc;
}

/* Value range and the widest value label. */
static void barRange(bar_chart *c) {
    char zNum[SVG_NUMBUF];
    for (uint32_t i = 0; i < c->nCell;) {
        uint32_t ka = c->aOrd[i].ka;
        double pos = 0.0, neg = 0.0, net = 0.0;
        for (; i < c->nCell && c->aOrd[i].ka == ka; i++) {
            double v = c->aVal[c->aOrd[i].iCell];
            double w;
            learnpath_svg_fmt_value(v, zNum);
            w = svgNumEm(zNum) * SVG_FONT_SMALL;
            if (w > c->wVal) c->wVal = w;
            if (v >= 0.0) pos += v; else neg += v;
            net += v;
            if (c->eMode == SVG_GROUPED) {
                if (v > c->vMax) c->vMax = v;
                if (v < c->vMin) c->vMin = v;
            }
        }
        if (c->eMode == SVG_STACKED) {
            double w;
            if (pos > c->vMax) c->vMax = pos;
            if (neg < c->vMin) c->vMin = neg;
            learnpath_svg_fmt_value(net, zNum);
            w = svgNumEm(zNum) * SVG_FONT_SMALL * 1.05;
            if (w > c->wVal) c->wVal = w;
        }
    }
}

/* The axis: a round step, the ticks around the range, the widest tick label. */
static void barTicks(bar_chart *c) {
    char zNum[SVG_NUMBUF];
    if (c->vMax == c->vMin) c->vMax = c->vMin + 1.0;
    c->step = learnpath_svg_nice_step(c->vMax - c->vMin, 5.0, c->p->nReal == 0);
    c->kLo = floor(c->vMin / c->step);
    c->kHi = ceil(c->vMax / c->step);
    if (c->kHi <= c->kLo) c->kHi = c->kLo + 1.0;
    c->lo = c->kLo * c->step;
    c->hi = c->kHi * c->step;
    if (!(c->kHi - c->kLo <= 100.0) || !(c->hi > c->lo)) {
        /* cannot happen with a finite range and the step above; keep the
        ** tick loops short whatever the arithmetic did */
        c->step = 1.0;
        c->kLo = 0.0;
        c->kHi = 1.0;
        c->lo = 0.0;
        c->hi = 1.0;
    }
    for (double t = c->kLo; t <= c->kHi; t += 1.0) {
        double w;
        learnpath_svg_fmt_value(t * c->step, zNum);
        w = svgNumEm(zNum) * SVG_FONT_SMALL;
        if (w > c->wTick) c->wTick = w;
    }
}

/* Horizontal sizes: bars, slots, labels, legend entries, the canvas width. */
static void barWidths(bar_chart *c) {
    const svg_acc *p = c->p;
    uint32_t nC = c->nC, nS = c->nS;
    double wLegend = 0.0, wMin;
    if (c->eMode == SVG_GROUPED) {
        c->barW = c->wVal + 6.0 > 18.0 ? c->wVal + 6.0 : 18.0;
        c->groupW = nS * c->barW + (nS - 1) * BAR_GAP;
        c->slot = c->groupW + BAR_CAT_GAP;
    } else {
        c->barW = c->wVal + 10.0 > 34.0 ? c->wVal + 10.0 : 34.0;
        c->groupW = c->barW;
        c->slot = c->barW + BAR_CAT_GAP + 10.0;
    }
    for (uint32_t r = 0; r < nC; r++) {
        uint32_t i = c->aOrderC[r];
        double em = i == SVG_OTHER ? (double)strlen(SVG_OTHER_LABEL) * SVG_EM
                                   : learnpath_svg_text(NULL, LP_STR(&p->names, i),
                                                        LP_STRLEN(&p->names, i), SVG_MAX_LABEL);
        c->aCatW[r] = em * SVG_FONT;
        if (c->aCatW[r] > c->wCat) c->wCat = c->aCatW[r];
    }
    for (uint32_t s = 0; s < nS; s++) {
        double w = barSeriesWidth(c, s) * SVG_FONT + 18.0;
        if (w > wLegend) wLegend = w;
    }
    wMin = learnpath_svg_title_width(p) + 2 * SVG_PAD;
    if (wMin < wLegend + 2 * SVG_PAD) wMin = wLegend + 2 * SVG_PAD;
    if (wMin < 420.0) wMin = 420.0;
    c->plotLeft = SVG_PAD + c->wTick + 10.0;
    /* A canvas widened for the title or legend: spread the categories. */
    if (c->plotLeft + nC * c->slot + SVG_PAD < wMin) {
        double wide;
        c->slot = (wMin - SVG_PAD - c->plotLeft) / nC;
        if (c->eMode == SVG_GROUPED) {
            wide = (c->slot - 1.5 * BAR_CAT_GAP - (nS - 1) * BAR_GAP) / nS;
            if (wide > 44.0) wide = 44.0;
            if (wide > c->barW) c->barW = wide;
            c->groupW = nS * c->barW + (nS - 1) * BAR_GAP;
        } else {
            wide = c->slot - 2.0 * BAR_CAT_GAP;
            if (wide > 64.0) wide = 64.0;
            if (wide > c->barW) c->barW = c->groupW = wide;
        }
    }
    c->rotate = c->wCat > c->slot - 6.0;
    if (c->rotate) {
        for (uint32_t r = 0; r < nC; r++) {
            double need = SVG_PAD + c->aCatW[r] * BAR_COS + 6.0 - (r + 0.5) * c->slot;
            if (need > c->plotLeft) c->plotLeft = need;
            if ((r + 0.5) * c->slot > c->wCat) break; /* later labels cannot reach further left */
        }
    }
    c->W = c->plotLeft + nC * c->slot + SVG_PAD;
    if (c->W < wMin) c->W = wMin;
    c->W = ceil(c->W);
}

/* Vertical sizes: title, legend lines, plot, category labels. */
static void barHeights(bar_chart *c) {
    double x = SVG_PAD, y = SVG_PAD, plotBottom;
    if (c->p->hasTitle) y += 30.0;
    for (uint32_t s = 0; s < c->nS; s++) {
        double w = barSeriesWidth(c, s) * SVG_FONT + 18.0;
        if (x > SVG_PAD && x + w > c->W - SVG_PAD) {
            x = SVG_PAD;
            y += 20.0;
        }
        x += w + 14.0;
    }
    c->plotTop = y + 20.0 + 22.0;
    plotBottom = c->plotTop + BAR_PLOT_H;
    c->labelY = plotBottom + (c->vMin < 0.0 ? 14.0 : 0.0) + (c->rotate ? 14.0 : 18.0);
    c->H = c->labelY + (c->rotate ? c->wCat * BAR_SIN + 8.0 : 6.0) + SVG_PAD;
}

/* Output: frame, title, legend. */
static void barDrawLegend(const bar_chart *c, sqlite3_str *pOut) {
    const svg_acc *p = c->p;
    double x = SVG_PAD, y = SVG_PAD + (p->hasTitle ? 30.0 : 0.0);
    learnpath_svg_open(pOut, c->W, c->H, p, "Bar chart");
    learnpath_svg_title(pOut, p, SVG_PAD + 16.0);
    sqlite3_str_appendall(pOut, "<g>\n");
    for (uint32_t s = 0; s < c->nS; s++) {
        double w = barSeriesWidth(c, s) * SVG_FONT + 18.0;
        if (x > SVG_PAD && x + w > c->W - SVG_PAD) {
            x = SVG_PAD;
            y += 20.0;
        }
        sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>",
                            svgR(x), svgR(y + 2.0), barColor(c, s));
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\"%s>", svgR(x + 18.0), svgR(y + 12.5),
                            s < c->nNamed && c->aOrderS[s] == SVG_OTHER ? " font-style=\"italic\""
                                                                        : "");
        if (s < c->nNamed && c->aOrderS[s] == SVG_OTHER) {
            sqlite3_str_appendall(pOut, "<title>");
            barSeriesName(pOut, c, s, SVG_MAX_TOOLTIP);
            sqlite3_str_appendall(pOut, "\n");
            learnpath_svg_fold_list(pOut, &p->series, c->aFoldS, c->nFoldS);
            sqlite3_str_appendall(pOut, "</title>");
        } else if (s < c->nNamed &&
                   learnpath_svg_is_cut(LP_STR(&p->series, c->aOrderS[s]),
                                        LP_STRLEN(&p->series, c->aOrderS[s]), SVG_MAX_LEGEND)) {
            sqlite3_str_appendall(pOut, "<title>");
            barSeriesName(pOut, c, s, SVG_MAX_TOOLTIP);
            sqlite3_str_appendall(pOut, "</title>");
        }
        barSeriesName(pOut, c, s, SVG_MAX_LEGEND);
        sqlite3_str_appendall(pOut, "</text>\n");
        x += w + 14.0;
    }
    sqlite3_str_appendall(pOut, "</g>\n");
}

/* Grid lines and the y axis. */
static void barDrawAxis(const bar_chart *c, sqlite3_str *pOut) {
    char zNum[SVG_NUMBUF];
    double xEnd = c->plotLeft + c->nC * c->slot;
    sqlite3_str_appendf(pOut, "<g stroke=\"%s\" stroke-width=\"1\">\n", SVG_GRID);
    for (double t = c->kLo; t <= c->kHi; t += 1.0) {
        sqlite3_str_appendf(pOut, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                            svgR(c->plotLeft), svgR(xEnd), svgR(barY(c, t * c->step)),
                            svgR(barY(c, t * c->step)));
    }
    sqlite3_str_appendf(pOut, "</g>\n<g font-size=\"%d\" fill=\"%s\" text-anchor=\"end\">\n",
                        (int)SVG_FONT_SMALL, SVG_MUTED);
    for (double t = c->kLo; t <= c->kHi; t += 1.0) {
        learnpath_svg_fmt_value(t * c->step, zNum);
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">%s</text>\n",
                            svgR(c->plotLeft - 8.0), svgR(barY(c, t * c->step)), zNum);
    }
    sqlite3_str_appendall(pOut, "</g>\n");
}

/* Bars, then the zero line over them. */
static void barDrawBars(const bar_chart *c, sqlite3_str *pOut) {
    sqlite3_str_appendall(pOut, "<g>\n");
    for (uint32_t i = 0; i < c->nCell;) {
        uint32_t ka = c->aOrd[i].ka;
        double pos = 0.0, neg = 0.0;
        double x0 = c->plotLeft + ka * c->slot + (c->slot - c->groupW) / 2.0;
        for (; i < c->nCell && c->aOrd[i].ka == ka; i++) {
            const svg_ord *o = &c->aOrd[i];
            double v = c->aVal[o->iCell];
            if (c->eMode == SVG_GROUPED) {
                barRect(pOut, c, o, x0 + o->kb * (c->barW + BAR_GAP), c->barW, barY(c, 0.0),
                        barY(c, v), v);
            } else if (v >= 0.0) {
                barRect(pOut, c, o, x0, c->barW, barY(c, pos), barY(c, pos + v), v);
                pos += v;
            } else {
                barRect(pOut, c, o, x0, c->barW, barY(c, neg), barY(c, neg + v), v);
                neg += v;
            }
        }
    }
    sqlite3_str_appendall(pOut, "</g>\n");
    sqlite3_str_appendf(pOut, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                        svgR(c->plotLeft), svgR(c->plotLeft + c->nC * c->slot),
                        svgR(barY(c, 0.0)), svgR(barY(c, 0.0)), SVG_AXIS);
}

/* Value labels. */
static void barDrawValues(const bar_chart *c, sqlite3_str *pOut) {
    char zNum[SVG_NUMBUF];
    sqlite3_str_appendf(pOut, "<g font-size=\"%d\" text-anchor=\"middle\">\n", (int)SVG_FONT_SMALL);
    for (uint32_t i = 0; i < c->nCell;) {
        uint32_t ka = c->aOrd[i].ka;
        double pos = 0.0, neg = 0.0, net = 0.0;
        double x0 = c->plotLeft + ka * c->slot + (c->slot - c->groupW) / 2.0;
        for (; i < c->nCell && c->aOrd[i].ka == ka; i++) {
            double v = c->aVal[c->aOrd[i].iCell];
            learnpath_svg_fmt_value(v, zNum);
            net += v;
            if (c->eMode == SVG_GROUPED) {
                double xc = x0 + c->aOrd[i].kb * (c->barW + BAR_GAP) + c->barW / 2.0;
                double yl = v >= 0.0 ? barY(c, v) - 4.0 : barY(c, v) + 12.0;
                sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", svgR(xc),
                                    svgR(yl), zNum);
            } else {
                double yA = v >= 0.0 ? barY(c, pos) : barY(c, neg);
                double yB = v >= 0.0 ? barY(c, pos + v) : barY(c, neg + v);
                if (fabs(yB - yA) >= 15.0 && svgNumEm(zNum) * SVG_FONT_SMALL <= c->barW - 4.0) {
                    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" fill=\"%s\">%s</text>\n",
                                        svgR(x0 + c->barW / 2.0), svgR((yA + yB) / 2.0),
                                        barOnColor(c, c->aOrd[i].kb), zNum);
                }
                if (v >= 0.0) pos += v; else neg += v;
            }
        }
        if (c->eMode == SVG_STACKED) {
            double yl = (pos > 0.0 || neg == 0.0) ? barY(c, pos) - 4.0 : barY(c, neg) + 12.0;
            learnpath_svg_fmt_value(net, zNum);
            sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"700\">%s</text>\n",
                                svgR(x0 + c->barW / 2.0), svgR(yl), zNum);
        }
    }
    sqlite3_str_appendall(pOut, "</g>\n");
}

/* Category labels, slanted when one is wider than its slot; the end. */
static void barDrawCategories(const bar_chart *c, sqlite3_str *pOut) {
    const svg_acc *p = c->p;
    sqlite3_str_appendf(pOut, "<g text-anchor=\"%s\">\n", c->rotate ? "end" : "middle");
    for (uint32_t r = 0; r < c->nC; r++) {
        uint32_t i = c->aOrderC[r];
        int isOther = i == SVG_OTHER;
        double xc = c->plotLeft + (r + 0.5) * c->slot;
        if (c->rotate) {
            sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" transform=\"rotate(-40 %.1f %.1f)\"",
                                svgR(xc + 4.0), svgR(c->labelY), svgR(xc + 4.0), svgR(c->labelY));
        } else {
            sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\"", svgR(xc), svgR(c->labelY));
        }
        sqlite3_str_appendall(pOut, isOther ? " font-style=\"italic\">" : ">");
        if (isOther || learnpath_svg_is_cut(LP_STR(&p->names, i), LP_STRLEN(&p->names, i),
                                            SVG_MAX_LABEL)) {
            sqlite3_str_appendall(pOut, "<title>");
            barCategoryName(pOut, c, r, SVG_MAX_TOOLTIP);
            sqlite3_str_appendall(pOut, "</title>");
        }
        barCategoryName(pOut, c, r, SVG_MAX_LABEL);
        sqlite3_str_appendall(pOut, "</text>\n");
    }
    sqlite3_str_appendall(pOut, "</g>\n</svg>");
}

/* Draw the accumulated values (at least one cell) into pOut. */
static int barRender(svg_acc *p, sqlite3_str *pOut) {
    bar_chart c;
    int rc;
    memset(&c, 0, sizeof(c));
    c.p = p;
    c.eMode = p->eMode ? p->eMode : SVG_GROUPED;
    c.nC = p->names.n;
    c.nNamed = p->series.n;
    c.nCell = p->nCell;
    rc = barAlloc(&c);
    if (rc == SQLITE_OK) {
        barOrder(&c);
        rc = barFold(&c);
    }
    if (rc == SQLITE_OK) {
        barRange(&c);
        barTicks(&c);
        barWidths(&c);
        barHeights(&c);
        barDrawLegend(&c, pOut);
        barDrawAxis(&c, pOut);
        barDrawBars(&c, pOut);
        barDrawValues(&c, pOut);
        barDrawCategories(&c, pOut);
    }
    barFree(&c);
    return rc;
}

/* ------------------------------------------------------------ SQL */

/* Check bar_svg's mode argument (rule 6); 1 after reporting an error. */
static int barTakeMode(sqlite3_context *ctx, svg_acc *p, sqlite3_value *pVal) {
    /* a blob is no mode (and once its text is read, it would show as text) */
    int eType = sqlite3_value_type(pVal);
    const char *z = eType == SQLITE_BLOB ? NULL : (const char *)sqlite3_value_text(pVal);
    char *zMsg;
    int eMode;
    if (!z && eType != SQLITE_NULL && eType != SQLITE_BLOB) {
        sqlite3_result_error_nomem(ctx);
        return 1;
    }
    if (z && (size_t)sqlite3_value_bytes(pVal) != strlen(z)) z = NULL; /* a NUL inside */
    if (z && sqlite3_stricmp(z, "grouped") == 0) {
        eMode = SVG_GROUPED;
    } else if (z && sqlite3_stricmp(z, "stacked") == 0) {
        eMode = SVG_STACKED;
    } else {
        /* the value as every argument error shows it (blob, NUL, numbers) */
        char *zVal = learnpath_describe_value(pVal);
        zMsg = zVal ? sqlite3_mprintf("bar_svg(): mode must be 'grouped' or 'stacked', not %s",
                                      zVal)
                    : NULL;
        sqlite3_free(zVal);
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

void learnpath_bar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    svg_acc *p = learnpath_svg_step_begin(ctx, argc >= 4 ? argv[3] : NULL,
                                          argc >= 6 ? argv[5] : NULL, "bar_svg");
    svg_number num;
    if (!p) return;
    if (argc >= 5 && barTakeMode(ctx, p, argv[4])) {
        p->failed = 1;
        return;
    }
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (!learnpath_svg_read_number(argv[2], &num)) return;
    learnpath_svg_step_add(ctx, p, &p->series, argv[0], argv[1], &num);
}

void learnpath_bar_final(sqlite3_context *ctx) {
    learnpath_svg_final(ctx, "Bar chart", barRender);
}
