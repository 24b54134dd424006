/*
** svg_curve.c - curve_svg(series, x, y [, lower, upper [, title [,
** palette]]]): step curves as one SVG document, one per series, such as
** the Kaplan-Meier curves of continuation_curve (svg.h holds the rules it
** shares with sankey_svg and bar_svg: svg rule N; rules 10-13 are its own).
**
**   SELECT curve_svg(segment, day, continued, 1 - upper, 1 - lower,
**                    'Continued to a second program, by day')
**     FROM continuation_curve('enrollments', 'user_id', 'program',
**                             'enrolled_at', 'user_type')
**    WHERE program IS NULL;
**
**   Each series is a right-continuous step curve: its value y holds from
**   its x until the next x of the series, where it steps; it ends at its
**   last x with a marker. With lower and upper, the band between them is a
**   light translucent area of the series' colour; a row whose lower or
**   upper is NULL leaves a gap in the band over its step (never a zero).
**   The x axis is in days, with round ticks (1, 2 or 5 x 10^k) from 0 (or
**   the smallest x if it is negative); the y axis runs from 0% to 100% when
**   every y, lower and upper is within 0 and 1, else over the data's range
**   with round ticks (0 included). Every step and the end marker carry a
**   <title>: "series · day 3: 45.2% (40.1%–50.3%)".
**
** learnpath_curve_step checks a row and keeps it as a point (svg rules 10,
** 11); learnpath_curve_final checks the series (rules 12, 13) and draws:
** the series in place order, their points by x, the axes' ranges and
** ticks, the sizes; then the legend, the grid and axes, the bands, the
** curves, the hover segments and the end markers.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

#define CRV_PLOT_W 560.0
#define CRV_PLOT_H 300.0
#define CRV_BAND_OPACITY "0.18"
#define CRV_NONE_LABEL "(none)"
#define CRV_DASH "\xE2\x80\x93" /* U+2013 */

/* A chart being drawn. All arrays are owned (crvFree). */
typedef struct crv_chart {
    svg_acc *p;
    uint32_t nS;          /* series drawn, "(none)" included */
    uint32_t *aSer;       /* by place: series index, LP_NONE for "(none)" */
    int *aCol;            /* by place: colour, -1 for grey */
    uint32_t *aPlace;     /* by series index: place */
    uint32_t *aStart;     /* by place: its first point in p->aPt (nS + 1 entries) */
    int isPct;            /* y shown as 0-100% */
    int xWhole;           /* every x a whole number */
    double xLo, xHi, xStep, yLo, yHi, yStep;
    double wTick, plotLeft, plotTop, W, H;
} crv_chart;

/*
** An axis from *pLo to *pHi with ticks every *pStep: when the arithmetic
** gave no range or too many ticks (values near the limits of a double),
** one interval from vMin instead, so that the tick loops stay short and
** nothing is divided by zero.
*/
static void crvAxisGuard(double *pLo, double *pHi, double *pStep, double vMin) {
    double n = (*pHi - *pLo) / *pStep;
    if (*pHi > *pLo && isfinite(*pHi - *pLo) && n >= 0.5 && n <= 40.5) return;
    *pLo = vMin;
    *pHi = vMin + (fabs(vMin) > 1.0 ? fabs(vMin) * 1e-6 : 1.0);
    *pStep = *pHi - *pLo;
}

/* The number of intervals of an axis (crvAxisGuard bounds it). */
static int crvTicks(double lo, double hi, double step) {
    double n = floor((hi - lo) / step + 0.5);
    return n >= 1.0 && n <= 41.0 ? (int)n : 1;
}

/* A value as the y axis shows it: "45.2%" (isPct) or as svg rule 5. */
static void crvFmtY(const crv_chart *c, double v, char *zOut) {
    if (c->isPct) {
        int n;
        sqlite3_snprintf(SVG_NUMBUF, zOut, "%.1f", v * 100.0);
        n = (int)strlen(zOut);
        if (n >= 2 && zOut[n - 2] == '.' && zOut[n - 1] == '0') zOut[n -= 2] = 0;
        if (strcmp(zOut, "-0") == 0) sqlite3_snprintf(SVG_NUMBUF, zOut, "0");
        sqlite3_snprintf(SVG_NUMBUF, zOut + strlen(zOut), "%%");
    } else {
        learnpath_svg_fmt_value(v, zOut);
    }
}

static double crvX(const crv_chart *c, double x) {
    return c->plotLeft + (x - c->xLo) / (c->xHi - c->xLo) * CRV_PLOT_W;
}

static double crvY(const crv_chart *c, double v) {
    return c->plotTop + (c->yHi - v) / (c->yHi - c->yLo) * CRV_PLOT_H;
}

static const char *crvColor(const crv_chart *c, uint32_t k) {
    return c->aCol[k] < 0 ? SVG_GREY : learnpath_svg_color[c->aCol[k] % SVG_NCOLOR];
}

/* The name of place k, cut to maxCp characters. */
static double crvName(sqlite3_str *pOut, const crv_chart *c, uint32_t k, int maxCp) {
    uint32_t i = c->aSer[k];
    if (i == LP_NONE) {
        if (pOut) sqlite3_str_appendall(pOut, CRV_NONE_LABEL);
        return (double)strlen(CRV_NONE_LABEL) * SVG_EM;
    }
    return learnpath_svg_text(pOut, LP_STR(&c->p->series, i), LP_STRLEN(&c->p->series, i), maxCp);
}

static void crvFree(crv_chart *c) {
    sqlite3_free(c->aSer);
    sqlite3_free(c->aCol);
    sqlite3_free(c->aPlace);
    sqlite3_free(c->aStart);
}

/* Points by place, then x (the places are in the points' s). */
static int crvPointCmp(const void *pA, const void *pB) {
    const svg_point *a = pA, *b = pB;
    if (a->s != b->s) return a->s < b->s ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x);
}

/*
** Svg rules 12 and 13: the places of the series (palette order, or name
** order; "(none)" last) and their colours; an error message into *pzErr
** (SQLITE_ERROR) for too many series or one the palette lacks.
*/
static int crvSeries(crv_chart *c, char **pzErr) {
    svg_acc *p = c->p;
    uint32_t nNamed = p->series.n, *aRank = NULL, *aOrder = NULL, k = 0;
    int hasNone = 0, rc;
    for (uint32_t j = 0; j < p->nPt; j++) {
        if (p->aPt[j].s == LP_NONE) hasNone = 1;
    }
    rc = learnpath_svg_ranks(&p->series, &aRank, &aOrder);
    c->nS = nNamed + (hasNone ? 1 : 0);
    c->aSer = learnpath_svg_alloc(c->nS, sizeof(uint32_t));
    c->aCol = learnpath_svg_alloc(c->nS, sizeof(int));
    c->aPlace = learnpath_svg_alloc((sqlite3_uint64)nNamed + 1, sizeof(uint32_t));
    c->aStart = learnpath_svg_alloc((sqlite3_uint64)c->nS + 1, sizeof(uint32_t));
    if (rc == SQLITE_OK && (!c->aSer || !c->aCol || !c->aPlace || !c->aStart)) rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK && p->ePalette == 2) {
        /* in name order, so that the series named is the first by bytes */
        for (uint32_t r = 0; r < nNamed && rc == SQLITE_OK; r++) {
            uint32_t i = aOrder[r];
            if (learnpath_svg_palette_slot(p, LP_STR(&p->series, i), LP_STRLEN(&p->series, i)) < 0) {
                char *zName = learnpath_quote_n(LP_STR(&p->series, i), LP_STRLEN(&p->series, i));
                *pzErr = zName ? sqlite3_mprintf("curve_svg(): series %s is not among the first %d "
                                                 "names of the palette",
                                                 zName, SVG_NCOLOR)
                               : NULL;
                sqlite3_free(zName);
                rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
            }
        }
        for (int slot = 0; slot < SVG_NCOLOR && rc == SQLITE_OK; slot++) {
            uint32_t i;
            if (slot >= (int)p->palette.n) break;
            if (!learnpath_strtab_find(&p->series, LP_STR(&p->palette, slot),
                                       LP_STRLEN(&p->palette, slot), &i)) {
                continue;
            }
            c->aSer[k] = i;
            c->aCol[k] = slot;
            c->aPlace[i] = k++;
        }
    } else if (rc == SQLITE_OK) {
        if (nNamed > SVG_NCOLOR) {
            char zNum[SVG_NUMBUF];
            learnpath_svg_fmt_value((double)nNamed, zNum);
            *pzErr = sqlite3_mprintf("curve_svg(): at most %d series can be told apart, not %s "
                                     "(filter the rows, or chart fewer series)",
                                     SVG_NCOLOR, zNum);
            rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
        }
        for (uint32_t r = 0; r < nNamed && rc == SQLITE_OK; r++) {
            c->aSer[k] = aOrder[r];
            c->aCol[k] = (int)k;
            c->aPlace[aOrder[r]] = k++;
        }
    }
    if (rc == SQLITE_OK && hasNone) {
        c->aSer[k] = LP_NONE;
        c->aCol[k] = -1;
        c->aPlace[nNamed] = k++;
    }
    sqlite3_free(aRank);
    sqlite3_free(aOrder);
    return rc;
}

/* Sort the points by place, then x; two rows of one series at the same x
** are an error (svg rule 10). aStart[k] is place k's first point. */
static int crvOrder(crv_chart *c, char **pzErr) {
    svg_acc *p = c->p;
    for (uint32_t j = 0; j < p->nPt; j++) {
        uint32_t s = p->aPt[j].s;
        p->aPt[j].s = c->aPlace[s == LP_NONE ? p->series.n : s];
    }
    if (p->nPt > 1) qsort(p->aPt, p->nPt, sizeof(svg_point), crvPointCmp);
    for (uint32_t j = 0, k = 0; k <= c->nS; k++) {
        while (j < p->nPt && p->aPt[j].s < k) j++;
        c->aStart[k] = j;
    }
    for (uint32_t j = 1; j < p->nPt; j++) {
        if (p->aPt[j].s == p->aPt[j - 1].s && p->aPt[j].x == p->aPt[j - 1].x) {
            uint32_t i = c->aSer[p->aPt[j].s];
            char *zName = i == LP_NONE ? sqlite3_mprintf("the NULL series")
                                       : learnpath_quote_n(LP_STR(&p->series, i),
                                                           LP_STRLEN(&p->series, i));
            char zX[SVG_NUMBUF];
            sqlite3_snprintf(SVG_NUMBUF, zX, "%.15g", p->aPt[j].x);
            *pzErr = zName ? sqlite3_mprintf("curve_svg(): %s%s has two rows at x = %s (one row "
                                             "per series and x: filter or group the rows)",
                                             i == LP_NONE ? "" : "series ", zName, zX)
                           : NULL;
            sqlite3_free(zName);
            return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
        }
    }
    return SQLITE_OK;
}

/* The ranges of both axes and their ticks. */
static void crvRanges(crv_chart *c) {
    const svg_acc *p = c->p;
    double xMin = 0.0, xMax = 0.0, yMin = 0.0, yMax = 0.0;
    char zNum[SVG_NUMBUF];
    c->isPct = 1;
    c->xWhole = 1;
    for (uint32_t j = 0; j < p->nPt; j++) {
        const svg_point *q = &p->aPt[j];
        double lo = q->hasBand ? q->lo : q->y, hi = q->hasBand ? q->hi : q->y;
        if (q->x < xMin) xMin = q->x;
        if (q->x > xMax) xMax = q->x;
        if (q->x != floor(q->x)) c->xWhole = 0;
        if (q->y < yMin) yMin = q->y;
        if (q->y > yMax) yMax = q->y;
        if (lo < yMin) yMin = lo;
        if (hi > yMax) yMax = hi;
    }
    if (yMin < 0.0 || yMax > 1.0) c->isPct = 0;
    if (xMax == xMin) xMax = xMin + 1.0;
    c->xStep = learnpath_svg_nice_step(xMax - xMin, 8.0, c->xWhole);
    c->xLo = floor(xMin / c->xStep) * c->xStep;
    c->xHi = ceil(xMax / c->xStep) * c->xStep;
    if (c->isPct) {
        c->yLo = 0.0;
        c->yHi = 1.0;
        c->yStep = 0.2;
    } else {
        if (yMax == yMin) yMax = yMin + 1.0;
        c->yStep = learnpath_svg_nice_step(yMax - yMin, 5.0, 0);
        c->yLo = floor(yMin / c->yStep) * c->yStep;
        c->yHi = ceil(yMax / c->yStep) * c->yStep;
    }
    crvAxisGuard(&c->xLo, &c->xHi, &c->xStep, xMin);
    crvAxisGuard(&c->yLo, &c->yHi, &c->yStep, yMin);
    for (int t = 0; t <= crvTicks(c->yLo, c->yHi, c->yStep); t++) {
        double v = c->yLo + t * c->yStep, w;
        crvFmtY(c, v, zNum);
        w = svgNumEm(zNum) * SVG_FONT_SMALL;
        if (w > c->wTick) c->wTick = w;
    }
}

static double crvLegendW(const crv_chart *c, uint32_t k) {
    return crvName(NULL, c, k, SVG_MAX_LEGEND) * SVG_FONT + 26.0;
}

/* Sizes: the canvas width (plot, title, legend) and the heights. */
static void crvSizes(crv_chart *c) {
    double x = SVG_PAD, y = SVG_PAD, wMin = learnpath_svg_title_width(c->p) + 2 * SVG_PAD;
    c->plotLeft = SVG_PAD + c->wTick + 10.0;
    c->W = c->plotLeft + CRV_PLOT_W + SVG_PAD + 12.0;
    for (uint32_t k = 0; k < c->nS; k++) {
        double w = crvLegendW(c, k) + 2 * SVG_PAD;
        if (w > wMin) wMin = w;
    }
    if (c->W < wMin) c->W = wMin;
    c->W = ceil(c->W);
    if (c->p->hasTitle) y += 30.0;
    for (uint32_t k = 0; k < c->nS; k++) {
        double w = crvLegendW(c, k);
        if (x > SVG_PAD && x + w > c->W - SVG_PAD) {
            x = SVG_PAD;
            y += 20.0;
        }
        x += w + 14.0;
    }
    c->plotTop = y + 20.0 + 16.0;
    c->H = c->plotTop + CRV_PLOT_H + 18.0 + 22.0 + SVG_PAD;
}

/* Frame, title, legend: a short line of the series' colour and its name. */
static void crvDrawLegend(const crv_chart *c, sqlite3_str *pOut) {
    const svg_acc *p = c->p;
    double x = SVG_PAD, y = SVG_PAD + (p->hasTitle ? 30.0 : 0.0);
    learnpath_svg_open(pOut, c->W, c->H, p, "Curve chart");
    learnpath_svg_title(pOut, p, SVG_PAD + 16.0);
    sqlite3_str_appendall(pOut, "<g>\n");
    for (uint32_t k = 0; k < c->nS; k++) {
        double w = crvLegendW(c, k);
        uint32_t i = c->aSer[k];
        if (x > SVG_PAD && x + w > c->W - SVG_PAD) {
            x = SVG_PAD;
            y += 20.0;
        }
        sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"4\" rx=\"1\" fill=\"%s\"/>",
                            svgR(x), svgR(y + 6.0), crvColor(c, k));
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\">", svgR(x + 24.0), svgR(y + 12.5));
        if (i != LP_NONE &&
            learnpath_svg_is_cut(LP_STR(&p->series, i), LP_STRLEN(&p->series, i), SVG_MAX_LEGEND)) {
            sqlite3_str_appendall(pOut, "<title>");
            crvName(pOut, c, k, SVG_MAX_TOOLTIP);
            sqlite3_str_appendall(pOut, "</title>");
        }
        crvName(pOut, c, k, SVG_MAX_LEGEND);
        sqlite3_str_appendall(pOut, "</text>\n");
        x += w + 14.0;
    }
    sqlite3_str_appendall(pOut, "</g>\n");
}

/* Grid lines, tick labels, the axes and the x axis' name. */
static void crvDrawAxes(const crv_chart *c, sqlite3_str *pOut) {
    char zNum[SVG_NUMBUF];
    double xL = c->plotLeft, xR = c->plotLeft + CRV_PLOT_W;
    double yT = c->plotTop, yB = c->plotTop + CRV_PLOT_H;
    int nY = crvTicks(c->yLo, c->yHi, c->yStep);
    int nX = crvTicks(c->xLo, c->xHi, c->xStep);
    sqlite3_str_appendf(pOut, "<g stroke=\"%s\" stroke-width=\"1\">\n", SVG_GRID);
    for (int t = 0; t <= nY; t++) {
        double y = crvY(c, c->yLo + t * c->yStep);
        sqlite3_str_appendf(pOut, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                            svgR(xL), svgR(xR), svgR(y), svgR(y));
    }
    for (int t = 0; t <= nX; t++) {
        double x = crvX(c, c->xLo + t * c->xStep);
        sqlite3_str_appendf(pOut, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>\n",
                            svgR(x), svgR(x), svgR(yT), svgR(yB));
    }
    sqlite3_str_appendf(pOut, "</g>\n<g font-size=\"%d\" fill=\"%s\" text-anchor=\"end\">\n",
                        (int)SVG_FONT_SMALL, SVG_MUTED);
    for (int t = 0; t <= nY; t++) {
        crvFmtY(c, c->yLo + t * c->yStep, zNum);
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\">%s</text>\n",
                            svgR(xL - 8.0), svgR(crvY(c, c->yLo + t * c->yStep)), zNum);
    }
    sqlite3_str_appendall(pOut, "</g>\n");
    sqlite3_str_appendf(pOut, "<g font-size=\"%d\" fill=\"%s\" text-anchor=\"middle\">\n",
                        (int)SVG_FONT_SMALL, SVG_MUTED);
    for (int t = 0; t <= nX; t++) {
        learnpath_svg_fmt_value(c->xLo + t * c->xStep, zNum);
        sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                            svgR(crvX(c, c->xLo + t * c->xStep)), svgR(yB + 16.0), zNum);
    }
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\">days</text>\n</g>\n",
                        svgR((xL + xR) / 2.0), svgR(yB + 36.0), (int)SVG_FONT);
    sqlite3_str_appendf(pOut, "<path d=\"M%.1f %.1fV%.1fH%.1f\" fill=\"none\" stroke=\"%s\"/>\n",
                        svgR(xL), svgR(yT), svgR(yB), svgR(xR), SVG_AXIS);
}

/* Where point j's step ends: the next x of its series, or its own x. */
static double crvEnd(const crv_chart *c, uint32_t j, uint32_t jEnd) {
    return j + 1 < jEnd ? c->p->aPt[j + 1].x : c->p->aPt[j].x;
}

/* The band of place k: one area per run of points with both bounds. */
static void crvDrawBand(const crv_chart *c, sqlite3_str *pOut, uint32_t k) {
    const svg_point *a = c->p->aPt;
    uint32_t jEnd = c->aStart[k + 1];
    for (uint32_t j = c->aStart[k]; j < jEnd;) {
        uint32_t r0 = j, r1;
        if (!a[j].hasBand) {
            j++;
            continue;
        }
        while (j < jEnd && a[j].hasBand) j++;
        r1 = j; /* the run is r0 .. r1 - 1 */
        if (r1 == jEnd && r1 - r0 > 1) r1--; /* the last step has no width */
        if (!(crvEnd(c, r1 - 1, jEnd) > a[r0].x)) continue;
        sqlite3_str_appendf(pOut, "<path d=\"M%.1f %.1f", svgR(crvX(c, a[r0].x)),
                            svgR(crvY(c, a[r0].hi)));
        for (uint32_t i = r0; i < r1; i++) {
            if (i > r0) sqlite3_str_appendf(pOut, "V%.1f", svgR(crvY(c, a[i].hi)));
            sqlite3_str_appendf(pOut, "H%.1f", svgR(crvX(c, crvEnd(c, i, jEnd))));
        }
        for (uint32_t i = r1; i-- > r0;) {
            sqlite3_str_appendf(pOut, "V%.1fH%.1f", svgR(crvY(c, a[i].lo)), svgR(crvX(c, a[i].x)));
        }
        sqlite3_str_appendf(pOut, "Z\" fill=\"%s\" fill-opacity=\"" CRV_BAND_OPACITY "\"/>\n",
                            crvColor(c, k));
    }
}

/* The hover text of point j of place k. */
static void crvTooltip(const crv_chart *c, sqlite3_str *pOut, uint32_t k, uint32_t j) {
    const svg_point *q = &c->p->aPt[j];
    char zNum[SVG_NUMBUF];
    sqlite3_str_appendall(pOut, "<title>");
    crvName(pOut, c, k, SVG_MAX_TOOLTIP);
    learnpath_svg_fmt_value(q->x, zNum);
    sqlite3_str_appendf(pOut, " " SVG_DOT " day %s: ", zNum);
    crvFmtY(c, q->y, zNum);
    sqlite3_str_appendall(pOut, zNum);
    if (q->hasBand) {
        crvFmtY(c, q->lo, zNum);
        sqlite3_str_appendf(pOut, " (%s" CRV_DASH, zNum);
        crvFmtY(c, q->hi, zNum);
        sqlite3_str_appendf(pOut, "%s)", zNum);
    }
    sqlite3_str_appendall(pOut, "</title>");
}

/* The curve of place k, its hover segments and its end marker. */
static void crvDrawCurve(const crv_chart *c, sqlite3_str *pOut, uint32_t k) {
    const svg_point *a = c->p->aPt;
    uint32_t j0 = c->aStart[k], jEnd = c->aStart[k + 1];
    const char *zCol = crvColor(c, k);
    if (j0 >= jEnd) return;
    sqlite3_str_appendf(pOut, "<path d=\"M%.1f %.1f", svgR(crvX(c, a[j0].x)), svgR(crvY(c, a[j0].y)));
    for (uint32_t j = j0 + 1; j < jEnd; j++) {
        sqlite3_str_appendf(pOut, "H%.1fV%.1f", svgR(crvX(c, a[j].x)), svgR(crvY(c, a[j].y)));
    }
    sqlite3_str_appendf(pOut, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                              "stroke-linejoin=\"round\"/>\n", zCol);
    sqlite3_str_appendall(pOut, "<g stroke=\"#000000\" stroke-opacity=\"0\" stroke-width=\"10\">\n");
    for (uint32_t j = j0; j + 1 < jEnd; j++) {
        sqlite3_str_appendf(pOut, "<path d=\"M%.1f %.1fH%.1f\">", svgR(crvX(c, a[j].x)),
                            svgR(crvY(c, a[j].y)), svgR(crvX(c, a[j + 1].x)));
        crvTooltip(c, pOut, k, j);
        sqlite3_str_appendall(pOut, "</path>\n");
    }
    sqlite3_str_appendall(pOut, "</g>\n");
    sqlite3_str_appendf(pOut, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"#ffffff\">",
                        svgR(crvX(c, a[jEnd - 1].x)), svgR(crvY(c, a[jEnd - 1].y)), zCol);
    crvTooltip(c, pOut, k, jEnd - 1);
    sqlite3_str_appendall(pOut, "</circle>\n");
}

/* Draw the checked and ordered points into pOut. */
static int crvRender(svg_acc *p, sqlite3_str *pOut) {
    crv_chart *c = p->pChart; /* set by learnpath_curve_final */
    crvRanges(c);
    crvSizes(c);
    crvDrawLegend(c, pOut);
    crvDrawAxes(c, pOut);
    /* grey "(none)" (the last place) under the others; bands under curves */
    for (uint32_t k = c->nS; k-- > 0;) crvDrawBand(c, pOut, k);
    for (uint32_t k = c->nS; k-- > 0;) crvDrawCurve(c, pOut, k);
    sqlite3_str_appendall(pOut, "</svg>");
    return SQLITE_OK;
}

/* ------------------------------------------------------------ SQL */

/*
** Read argument zArg of a row (svg rule 10): 1 with *pv set, 0 for NULL,
** -1 after reporting an error (not a number, not finite).
*/
static int crvNumber(sqlite3_context *ctx, sqlite3_value *pVal, const char *zArg, double *pv) {
    int eType = sqlite3_value_type(pVal);
    int eNum;
    char *zVal;
    if (eType == SQLITE_NULL) return 0;
    eNum = eType == SQLITE_BLOB ? SQLITE_BLOB : sqlite3_value_numeric_type(pVal);
    if (eNum == SQLITE_INTEGER) {
        *pv = (double)sqlite3_value_int64(pVal);
        return 1;
    }
    if (eNum == SQLITE_FLOAT) {
        *pv = sqlite3_value_double(pVal);
        if (isfinite(*pv) && fabs(*pv) <= SVG_MAX_VALUE) return 1;
    }
    zVal = learnpath_describe_value(pVal);
    if (zVal) {
        learnpath_result_errorf(ctx, "curve_svg(): %s must be a finite number, not %s", zArg, zVal);
    } else {
        sqlite3_result_error_nomem(ctx);
    }
    sqlite3_free(zVal);
    return -1;
}

/* Keep one point; SQLITE_OK or an error code (reported by the caller). */
static int crvAddPoint(svg_acc *p, sqlite3_value *pSeries, const svg_point *pPt) {
    svg_point *q;
    if (p->nPt >= p->nPtAlloc) {
        uint32_t nNew = p->nPtAlloc ? p->nPtAlloc * 2 : 64;
        svg_point *aNew;
        if (nNew > SVG_CURVE_MAX_POINTS) nNew = SVG_CURVE_MAX_POINTS;
        aNew = sqlite3_realloc64(p->aPt, (sqlite3_uint64)nNew * sizeof(svg_point));
        if (!aNew) return SQLITE_NOMEM;
        p->aPt = aNew;
        p->nPtAlloc = nNew;
    }
    q = &p->aPt[p->nPt];
    *q = *pPt;
    q->s = LP_NONE;
    if (sqlite3_value_type(pSeries) != SQLITE_NULL) {
        const char *z = (const char *)sqlite3_value_text(pSeries);
        int n = sqlite3_value_bytes(pSeries), rc;
        if (!z) return SQLITE_NOMEM;
        rc = learnpath_strtab_intern(&p->series, z, n, &q->s);
        if (rc) return rc;
    }
    p->nPt++;
    return SQLITE_OK;
}

void learnpath_curve_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    svg_acc *p = learnpath_svg_step_begin(ctx, argc >= 6 ? argv[5] : NULL,
                                          argc >= 7 ? argv[6] : NULL, "curve_svg");
    svg_point pt;
    int r, rLo = 0, rHi = 0, rc;
    if (!p) return;
    if (argc == 4) {
        learnpath_result_errorf(ctx, "curve_svg(): lower and upper go together: give both or neither");
        p->failed = 1;
        return;
    }
    memset(&pt, 0, sizeof(pt));
    r = crvNumber(ctx, argv[1], "x", &pt.x);
    if (r > 0) r = crvNumber(ctx, argv[2], "y", &pt.y);
    if (r > 0 && argc >= 5) {
        rLo = crvNumber(ctx, argv[3], "lower", &pt.lo);
        if (rLo >= 0) rHi = crvNumber(ctx, argv[4], "upper", &pt.hi);
        if (rLo < 0 || rHi < 0) r = -1;
    }
    if (r < 0) {
        p->failed = 1;
        return;
    }
    if (r == 0) return; /* a NULL x or y: the row is ignored */
    pt.hasBand = rLo > 0 && rHi > 0;
    if (pt.hasBand && pt.lo > pt.hi) {
        char zLo[SVG_NUMBUF], zHi[SVG_NUMBUF];
        sqlite3_snprintf(SVG_NUMBUF, zLo, "%!.15g", pt.lo);
        sqlite3_snprintf(SVG_NUMBUF, zHi, "%!.15g", pt.hi);
        learnpath_result_errorf(ctx, "curve_svg(): lower must not be greater than upper, not %s > %s",
                                zLo, zHi);
        p->failed = 1;
        return;
    }
    if (p->nPt >= SVG_CURVE_MAX_POINTS) {
        char zMax[SVG_NUMBUF];
        learnpath_svg_fmt_value((double)SVG_CURVE_MAX_POINTS, zMax);
        learnpath_result_errorf(ctx, "curve_svg(): more than %s points; a chart draws at most %s "
                                     "(pick fewer days, e.g. with at_days)",
                                zMax, zMax);
        p->failed = 1;
        return;
    }
    rc = crvAddPoint(p, argv[0], &pt);
    if (rc != SQLITE_OK) {
        p->failed = 1;
        if (rc == SQLITE_TOOBIG) sqlite3_result_error_toobig(ctx);
        else sqlite3_result_error_nomem(ctx);
    }
}

/*
** Check the series (svg rules 10, 12, 13) and draw through the shared
** xFinal, which hands the accumulator, and with it the chart
** (p->pChart), to crvRender.
*/
void learnpath_curve_final(sqlite3_context *ctx) {
    svg_acc *p = sqlite3_aggregate_context(ctx, 0);
    crv_chart c;
    char *zErr = NULL;
    int rc = SQLITE_OK;
    memset(&c, 0, sizeof(c));
    if (p && !p->failed && p->nPt > 0) {
        c.p = p;
        rc = crvSeries(&c, &zErr);
        if (rc == SQLITE_OK) rc = crvOrder(&c, &zErr);
        if (rc != SQLITE_OK) {
            if (zErr) sqlite3_result_error(ctx, zErr, -1);
            else sqlite3_result_error_nomem(ctx);
            p->failed = 1;
        } else {
            p->pChart = &c;
        }
    }
    sqlite3_free(zErr);
    learnpath_svg_final(ctx, "Curve chart", crvRender);
    crvFree(&c);
}
