/*
** svg_sankey.c - sankey_svg(from, to, weight [, title]): a two-column
** Sankey diagram as one SVG document (svg.h holds the rules it shares with
** bar_svg: svg rule N).
**
**   One row per flow. Left column: the distinct `from` values; right
**   column: the distinct `to` values, plus a grey "did not continue" node
**   (always last) for rows whose `to` is NULL. Node height and band
**   thickness are proportional to weight; labels show name and total;
**   bands are semi-transparent cubic Bezier shapes in the colour of their
**   source. A name on both sides gets the same colour on both sides. At
**   most SVG_NCOLOR names get a node and a colour: the largest (by their
**   total on both sides), or those the palette names first; the others
**   are folded into one "(other, N more)" node in each column (svg rule 9).
**
** learnpath_sankey_step adds a row to the accumulator of svg_common.c
** (a weight <= 0 is ignored: svg rule 1); learnpath_sankey_final draws the
** accumulated flows. snkRender draws in steps over one snk_chart: the
** totals of each name, the nodes of each column in order, the names kept
** and their colours, the columns folded to them, the flows (merged where
** folded), the layout of nodes and bands, then the output.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"

#define SNK_NODE_W 14.0    /* node bar width */
#define SNK_FLOW_W 460.0   /* horizontal room for the bands */
#define SNK_VALUE_H 440.0  /* px for the total weight in a column */
#define SNK_GAP 12.0       /* least gap between nodes */
#define SNK_LINE 18.0      /* least distance between label centres */
#define SNK_FOLD (-1)      /* aColor of a name folded into "(other)" */

typedef struct snk_node {
    uint32_t name;   /* LP_NONE: "did not continue"; SVG_OTHER: "(other)" */
    uint32_t rank;   /* name order; UINT32_MAX for LP_NONE */
    uint32_t nFold;  /* "(other)": the names folded into it ... */
    const uint32_t *aFold; /* ... largest first (snk_chart's aFoldL or aFoldR) */
    double total;
    double y, h;     /* layout */
    double off;      /* where the next band starts, from y */
    int color;       /* palette index; -1 = grey; -2 = light grey */
    double labelW;   /* px */
} snk_node;

typedef struct snk_flow {
    uint32_t src, dst;  /* positions in the left / right node arrays */
    uint32_t ord;       /* its cell's place in name order (merging) */
    double v;
    double ys, yt;      /* band top at the source and at the target */
} snk_flow;

/* A diagram being drawn: what each step of snkRender leaves for the next.
** All arrays are owned (snkFree). */
typedef struct snk_chart {
    svg_acc *p;
    double *aVal;                /* per cell: its value (rule 2) */
    uint32_t *aRank, *aOrder;    /* per name: rank in byte order; names by rank */
    svg_ord *aOrd;               /* the cells in name order */
    double *aTotL, *aTotR;       /* per name: total as a source, as a target */
    uint32_t *aPosL, *aPosR;     /* per name: 0 if in the column, else LP_NONE;
                                 ** then its position in aLeft / aRight */
    int *aColor;                 /* per name: palette index; SNK_FOLD: in "(other)" */
    snk_node *aLeft, *aRight;    /* the columns; aRight has room for one more */
    uint32_t *aFoldL, *aFoldR;   /* the names folded into each column's "(other)" */
    snk_flow *aFlow;             /* one per cell, then one per pair of nodes */
    uint32_t nFlow;              /* flows after merging */
    uint32_t nL, nR;             /* named nodes on the left, on the right */
    uint32_t nRight;             /* nR, plus "did not continue" if any */
    int hasNone;                 /* a row with a NULL `to` */
    double totNone;              /* its total */
    double S, k;                 /* total weight of the left column; px per unit */
    double y;                    /* baseline of the title's line ("Total" is below) */
    double xL, xR, W, H;         /* left and right node columns; canvas size */
} snk_chart;

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
    if (iColor == -2) return SVG_LIGHT;
    return iColor < 0 ? SVG_GREY : learnpath_svg_color[iColor % SVG_NCOLOR];
}

/* "did not continue" or "(other)": drawn apart, in italics. */
static int snkIsSpecial(const snk_node *pNode) {
    return pNode->name == LP_NONE || pNode->name == SVG_OTHER;
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
    learnpath_svg_fmt_value(pNode->total, zNum);
    if (pNode->name == LP_NONE) {
        w = (double)strlen("did not continue") * SVG_EM;
    } else if (pNode->name == SVG_OTHER) {
        char zOther[SVG_NUMBUF];
        w = learnpath_svg_other_label(pNode->nFold, zOther);
    } else {
        w = learnpath_svg_text(NULL, LP_STR(&p->names, pNode->name),
                               LP_STRLEN(&p->names, pNode->name), SVG_MAX_LABEL);
    }
    return (w + 0.45 + svgNumEm(zNum) * 1.04) * SVG_FONT;
}

static void snkNodeName(sqlite3_str *pOut, const svg_acc *p, const snk_node *pNode, int maxCp) {
    if (pNode->name == LP_NONE) {
        sqlite3_str_appendall(pOut, "did not continue");
    } else if (pNode->name == SVG_OTHER) {
        char zOther[SVG_NUMBUF];
        learnpath_svg_other_label(pNode->nFold, zOther);
        sqlite3_str_appendall(pOut, zOther);
    } else {
        learnpath_svg_text(pOut, LP_STR(&p->names, pNode->name),
                           LP_STRLEN(&p->names, pNode->name), maxCp);
    }
}

static void snkDrawNode(sqlite3_str *pOut, const svg_acc *p, const snk_node *pNode, double x) {
    char zNum[SVG_NUMBUF];
    double h = pNode->h < 1.0 ? 1.0 : pNode->h;
    double y = pNode->y + pNode->h / 2.0 - h / 2.0;
    learnpath_svg_fmt_value(pNode->total, zNum);
    sqlite3_str_appendf(pOut, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>",
                        svgR(x), svgR(y), SNK_NODE_W, svgR(h) > 0 ? svgR(h) : 0.1,
                        snkColor(pNode->color));
    snkNodeName(pOut, p, pNode, SVG_MAX_TOOLTIP);
    sqlite3_str_appendf(pOut, ": %s", zNum);
    if (pNode->name == SVG_OTHER) {
        sqlite3_str_appendall(pOut, "\n");
        learnpath_svg_fold_list(pOut, &p->names, pNode->aFold, pNode->nFold);
    }
    sqlite3_str_appendall(pOut, "</title></rect>\n");
}

static void snkDrawLabel(sqlite3_str *pOut, const svg_acc *p, const snk_node *pNode, double x,
                         int isLeft) {
    char zNum[SVG_NUMBUF];
    learnpath_svg_fmt_value(pNode->total, zNum);
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\"%s%s>", svgR(x),
                        svgR(pNode->y + pNode->h / 2.0), isLeft ? " text-anchor=\"end\"" : "",
                        snkIsSpecial(pNode) ? " font-style=\"italic\"" : "");
    if (!snkIsSpecial(pNode) &&
        learnpath_svg_is_cut(LP_STR(&p->names, pNode->name), LP_STRLEN(&p->names, pNode->name),
                             SVG_MAX_LABEL)) {
        sqlite3_str_appendall(pOut, "<title>");
        snkNodeName(pOut, p, pNode, SVG_MAX_TOOLTIP);
        sqlite3_str_appendall(pOut, "</title>");
    }
    snkNodeName(pOut, p, pNode, SVG_MAX_LABEL);
    sqlite3_str_appendf(pOut, "<tspan dx=\"6\" font-weight=\"700\" fill=\"%s\">%s</tspan></text>\n",
                        SVG_MUTED, zNum);
}

/* The cell values, the name ranks and every array of the chart. */
static int snkAlloc(snk_chart *c) {
    svg_acc *p = c->p;
    uint32_t nName = p->names.n, nCell = p->nCell;
    int rc = learnpath_svg_cell_values(p, &c->aVal);
    if (rc == SQLITE_OK) rc = learnpath_svg_ranks(&p->names, &c->aRank, &c->aOrder);
    if (rc != SQLITE_OK) return rc;
    c->aOrd = learnpath_svg_alloc(nCell, sizeof(svg_ord));
    c->aTotL = learnpath_svg_alloc(nName, sizeof(double));
    c->aTotR = learnpath_svg_alloc(nName, sizeof(double));
    c->aPosL = learnpath_svg_alloc(nName, sizeof(uint32_t));
    c->aPosR = learnpath_svg_alloc(nName, sizeof(uint32_t));
    c->aColor = learnpath_svg_alloc(nName, sizeof(int));
    c->aLeft = learnpath_svg_alloc(nName, sizeof(snk_node));
    c->aRight = learnpath_svg_alloc((sqlite3_uint64)nName + 1, sizeof(snk_node));
    c->aFlow = learnpath_svg_alloc(nCell, sizeof(snk_flow));
    c->aFoldL = learnpath_svg_alloc(nName, sizeof(uint32_t));
    c->aFoldR = learnpath_svg_alloc(nName, sizeof(uint32_t));
    if (!c->aOrd || !c->aTotL || !c->aTotR || !c->aPosL || !c->aPosR || !c->aColor ||
        !c->aLeft || !c->aRight || !c->aFlow || !c->aFoldL || !c->aFoldR) {
        return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

static void snkFree(snk_chart *c) {
    sqlite3_free(c->aVal);
    sqlite3_free(c->aRank);
    sqlite3_free(c->aOrder);
    sqlite3_free(c->aOrd);
    sqlite3_free(c->aTotL);
    sqlite3_free(c->aTotR);
    sqlite3_free(c->aPosL);
    sqlite3_free(c->aPosR);
    sqlite3_free(c->aColor);
    sqlite3_free(c->aLeft);
    sqlite3_free(c->aRight);
    sqlite3_free(c->aFlow);
    sqlite3_free(c->aFoldL);
    sqlite3_free(c->aFoldR);
}

/* Cells in name order, so that totals do not depend on row order. */
static void snkTotals(snk_chart *c) {
    const svg_acc *p = c->p;
    uint32_t nName = p->names.n, nCell = p->nCell;
    for (uint32_t i = 0; i < nCell; i++) {
        c->aOrd[i].ka = c->aRank[p->aCell[i].a];
        c->aOrd[i].kb = p->aCell[i].b == LP_NONE ? UINT32_MAX : c->aRank[p->aCell[i].b];
        c->aOrd[i].iCell = i;
    }
    if (nCell > 1) qsort(c->aOrd, nCell, sizeof(svg_ord), learnpath_svg_ord_cmp);
    for (uint32_t i = 0; i < nName; i++) c->aPosL[i] = c->aPosR[i] = LP_NONE;
    for (uint32_t i = 0; i < nCell; i++) {
        const svg_cell *pCell = &p->aCell[c->aOrd[i].iCell];
        double v = c->aVal[c->aOrd[i].iCell];
        c->aTotL[pCell->a] += v;
        c->aPosL[pCell->a] = 0;
        if (pCell->b == LP_NONE) {
            c->totNone += v;
            c->hasNone = 1;
        } else {
            c->aTotR[pCell->b] += v;
            c->aPosR[pCell->b] = 0;
        }
    }
}

/* Names by their total as a source and as a target, descending, then by
** name (learnpath_sort_index). */
static int snkByTotal(void *pCtx, uint32_t a, uint32_t b) {
    const snk_chart *c = pCtx;
    double ta = c->aTotL[a] + c->aTotR[a], tb = c->aTotL[b] + c->aTotR[b];
    if (ta != tb) return ta > tb ? -1 : 1;
    return (c->aRank[a] > c->aRank[b]) - (c->aRank[a] < c->aRank[b]);
}

/*
** Svg rule 9: the names that keep a node, and their colours, into aColor.
** With a palette, its slots. Without, the first SVG_NCOLOR names by their
** total as a source plus their total as a target, descending, then by
** name, coloured in that order. The others are SNK_FOLD.
*/
static int snkPick(snk_chart *c) {
    const svg_acc *p = c->p;
    uint32_t nName = p->names.n, *aBy = NULL;
    int rc;
    if (p->ePalette == 2) {
        for (uint32_t i = 0; i < nName; i++) {
            c->aColor[i] = learnpath_svg_palette_slot(p, LP_STR(&p->names, i),
                                                      LP_STRLEN(&p->names, i));
        }
        return SQLITE_OK;
    }
    rc = learnpath_sort_index(nName, snkByTotal, c, &aBy);
    if (rc) return rc;
    for (uint32_t k = 0; k < nName; k++) c->aColor[aBy[k]] = k < SVG_NCOLOR ? (int)k : SNK_FOLD;
    sqlite3_free(aBy);
    return SQLITE_OK;
}

/*
** Svg rule 9 for one column (in order): the nodes of the names kept stay
** in order, the others are folded into one "(other)" node after them,
** whose total is theirs summed in that order, their names in aFold.
** aPos[name] becomes the node's position (a folded name's: the "(other)"
** node's).
*/
static void snkFold(snk_chart *c, snk_node *a, uint32_t *pn, uint32_t *aPos, uint32_t *aFold) {
    uint32_t n = *pn, k = 0, nFold = 0;
    double total = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        int color = c->aColor[a[i].name];
        if (color == SNK_FOLD) {
            total += a[i].total;
            aFold[nFold++] = a[i].name;
            continue;
        }
        a[k] = a[i];
        a[k].color = color;
        aPos[a[k].name] = k;
        k++;
    }
    if (nFold == 0) return;
    for (uint32_t i = 0; i < c->p->names.n; i++) {
        if (aPos[i] != LP_NONE && c->aColor[i] == SNK_FOLD) aPos[i] = k;
    }
    memset(&a[k], 0, sizeof(a[k]));
    a[k].name = SVG_OTHER;
    a[k].rank = UINT32_MAX - 1;
    a[k].total = total;
    a[k].nFold = nFold;
    a[k].aFold = aFold;
    a[k].color = -2;
    *pn = k + 1;
}

/* Nodes by total descending, then name, folded to the names kept (with
** their colours); "did not continue" last. */
static int snkNodes(snk_chart *c) {
    uint32_t nName = c->p->names.n;
    int rc;
    for (uint32_t r = 0; r < nName; r++) {
        uint32_t i = c->aOrder[r];
        if (c->aPosL[i] == 0) {
            c->aLeft[c->nL].name = i;
            c->aLeft[c->nL].rank = r;
            c->aLeft[c->nL].total = c->aTotL[i];
            c->nL++;
        }
        if (c->aPosR[i] == 0) {
            c->aRight[c->nR].name = i;
            c->aRight[c->nR].rank = r;
            c->aRight[c->nR].total = c->aTotR[i];
            c->nR++;
        }
    }
    if (c->nL > 1) qsort(c->aLeft, c->nL, sizeof(snk_node), snkNodeCmp);
    if (c->nR > 1) qsort(c->aRight, c->nR, sizeof(snk_node), snkNodeCmp);
    rc = snkPick(c);
    if (rc) return rc;
    snkFold(c, c->aLeft, &c->nL, c->aPosL, c->aFoldL);
    snkFold(c, c->aRight, &c->nR, c->aPosR, c->aFoldR);
    c->nRight = c->nR;
    if (c->hasNone) {
        c->aRight[c->nRight].name = LP_NONE;
        c->aRight[c->nRight].rank = UINT32_MAX;
        c->aRight[c->nRight].total = c->totNone;
        c->aRight[c->nRight].color = -1;
        c->nRight++;
    }
    return SQLITE_OK;
}

static int snkByPair(const void *pA, const void *pB) {
    const snk_flow *a = pA, *b = pB;
    int r = snkBySrc(pA, pB);
    return r ? r : (a->ord > b->ord) - (a->ord < b->ord);
}

/* Flows; a band leaves its source in target order and enters its
** target in source order, so bands do not cross at the nodes. Cells that
** meet in an "(other)" node are merged into one flow, their values summed
** in name order (svg rules 2, 8). */
static void snkFlows(snk_chart *c) {
    const svg_acc *p = c->p;
    uint32_t n = 0;
    for (uint32_t i = 0; i < p->nCell; i++) {
        const svg_cell *pCell = &p->aCell[c->aOrd[i].iCell];
        c->aFlow[i].src = c->aPosL[pCell->a];
        c->aFlow[i].dst = pCell->b == LP_NONE ? c->nR : c->aPosR[pCell->b];
        c->aFlow[i].v = c->aVal[c->aOrd[i].iCell];
        c->aFlow[i].ord = i;
    }
    if (p->nCell > 1) qsort(c->aFlow, p->nCell, sizeof(snk_flow), snkByPair);
    for (uint32_t i = 0; i < p->nCell; i++) {
        if (n > 0 && c->aFlow[n - 1].src == c->aFlow[i].src &&
            c->aFlow[n - 1].dst == c->aFlow[i].dst) {
            c->aFlow[n - 1].v += c->aFlow[i].v;
        } else {
            c->aFlow[n++] = c->aFlow[i];
        }
    }
    c->nFlow = n;
}

/* Layout: the scale, the nodes of both columns (centred on the taller),
** the label widths and the canvas. */
static void snkLayout(snk_chart *c) {
    const svg_acc *p = c->p;
    double hL, hR, plotTop, plotH, wTitle, wLeft = 0.0, wRight = 0.0;
    for (uint32_t i = 0; i < c->nL; i++) c->S += c->aLeft[i].total;
    c->k = c->S > 0.0 ? SNK_VALUE_H / c->S : 0.0;
    if (!isfinite(c->k)) c->k = 0.0;
    hL = snkColumn(c->aLeft, c->nL, c->k);
    hR = snkColumn(c->aRight, c->nRight, c->k);
    plotH = hL > hR ? hL : hR;
    wTitle = learnpath_svg_title_width(p);
    c->y = SVG_PAD;
    if (p->hasTitle) c->y += 26.0;
    plotTop = c->y + 34.0;
    for (uint32_t i = 0; i < c->nL; i++) {
        c->aLeft[i].y += plotTop + (plotH - hL) / 2.0;
        c->aLeft[i].labelW = snkLabelWidth(p, &c->aLeft[i]);
        if (c->aLeft[i].labelW > wLeft) wLeft = c->aLeft[i].labelW;
    }
    for (uint32_t i = 0; i < c->nRight; i++) {
        c->aRight[i].y += plotTop + (plotH - hR) / 2.0;
        c->aRight[i].labelW = snkLabelWidth(p, &c->aRight[i]);
        if (c->aRight[i].labelW > wRight) wRight = c->aRight[i].labelW;
    }
    c->xL = SVG_PAD + wLeft + 10.0;
    c->xR = c->xL + SNK_NODE_W + SNK_FLOW_W;
    c->W = c->xR + SNK_NODE_W + 10.0 + wRight + SVG_PAD;
    if (c->W < wTitle + 2 * SVG_PAD) c->W = wTitle + 2 * SVG_PAD;
    c->H = plotTop + plotH + SVG_PAD;
}

/* Where each band meets its nodes (see snkFlows); the flows end in
** source order. */
static void snkBands(snk_chart *c) {
    uint32_t nCell = c->nFlow;
    qsort(c->aFlow, nCell, sizeof(snk_flow), snkBySrc);
    for (uint32_t i = 0; i < nCell; i++) {
        snk_node *pN = &c->aLeft[c->aFlow[i].src];
        c->aFlow[i].ys = pN->y + pN->off;
        pN->off += c->aFlow[i].v * c->k;
    }
    qsort(c->aFlow, nCell, sizeof(snk_flow), snkByDst);
    for (uint32_t i = 0; i < nCell; i++) {
        snk_node *pN = &c->aRight[c->aFlow[i].dst];
        c->aFlow[i].yt = pN->y + pN->off;
        pN->off += c->aFlow[i].v * c->k;
    }
    qsort(c->aFlow, nCell, sizeof(snk_flow), snkBySrc);
}

/* The bands, each with its hover text "from -> to: value (share of from)". */
static void snkDrawFlows(const snk_chart *c, sqlite3_str *pOut) {
    char zNum[SVG_NUMBUF];
    sqlite3_str_appendall(pOut, "<g fill-opacity=\"0.45\">\n");
    for (uint32_t i = 0; i < c->nFlow; i++) {
        const snk_flow *f = &c->aFlow[i];
        const snk_node *pS = &c->aLeft[f->src], *pT = &c->aRight[f->dst];
        double x0 = c->xL + SNK_NODE_W, x1 = c->xR, xm = (x0 + x1) / 2.0, t = f->v * c->k;
        double pct = pS->total > 0.0 ? f->v / pS->total * 100.0 : 0.0;
        sqlite3_str_appendf(pOut,
                            "<path class=\"b\" fill=\"%s\" d=\"M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f"
                            "L%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1fZ\"><title>",
                            snkColor(pS->color), svgR(x0), svgR(f->ys), svgR(xm), svgR(f->ys),
                            svgR(xm), svgR(f->yt), svgR(x1), svgR(f->yt), svgR(x1),
                            svgR(f->yt + t), svgR(xm), svgR(f->yt + t), svgR(xm),
                            svgR(f->ys + t), svgR(x0), svgR(f->ys + t));
        snkNodeName(pOut, c->p, pS, SVG_MAX_TOOLTIP);
        sqlite3_str_appendall(pOut, " " SVG_ARROW " ");
        snkNodeName(pOut, c->p, pT, SVG_MAX_TOOLTIP);
        learnpath_svg_fmt_value(f->v, zNum);
        sqlite3_str_appendf(pOut, ": %s (%.1f%%)</title></path>\n", zNum, pct);
    }
    sqlite3_str_appendall(pOut, "</g>\n");
}

/* Output: frame, title and total, bands, nodes, labels. */
static void snkDraw(const snk_chart *c, sqlite3_str *pOut) {
    const svg_acc *p = c->p;
    char zNum[SVG_NUMBUF];
    learnpath_svg_open(pOut, c->W, c->H, p, "Sankey diagram");
    sqlite3_str_appendall(pOut, "<style>.b:hover{fill-opacity:.8}</style>\n");
    learnpath_svg_title(pOut, p, SVG_PAD + 16.0);
    learnpath_svg_fmt_value(c->S, zNum);
    sqlite3_str_appendf(pOut, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"%s\">Total %s</text>\n",
                        svgR(SVG_PAD), svgR(c->y + 14.0), SVG_MUTED, zNum);
    snkDrawFlows(c, pOut);
    sqlite3_str_appendall(pOut, "<g>\n");
    for (uint32_t i = 0; i < c->nL; i++) snkDrawNode(pOut, p, &c->aLeft[i], c->xL);
    for (uint32_t i = 0; i < c->nRight; i++) snkDrawNode(pOut, p, &c->aRight[i], c->xR);
    sqlite3_str_appendall(pOut, "</g>\n<g>\n");
    for (uint32_t i = 0; i < c->nL; i++) snkDrawLabel(pOut, p, &c->aLeft[i], c->xL - 8.0, 1);
    for (uint32_t i = 0; i < c->nRight; i++) {
        snkDrawLabel(pOut, p, &c->aRight[i], c->xR + SNK_NODE_W + 8.0, 0);
    }
    sqlite3_str_appendall(pOut, "</g>\n</svg>");
}

/* Draw the accumulated flows (at least one) into pOut. */
static int snkRender(svg_acc *p, sqlite3_str *pOut) {
    snk_chart c;
    int rc;
    memset(&c, 0, sizeof(c));
    c.p = p;
    rc = snkAlloc(&c);
    if (rc == SQLITE_OK) {
        snkTotals(&c);
        rc = snkNodes(&c);
    }
    if (rc == SQLITE_OK) {
        snkFlows(&c);
        snkLayout(&c);
        snkBands(&c);
        snkDraw(&c, pOut);
    }
    snkFree(&c);
    return rc;
}

/* ------------------------------------------------------------ SQL */

void learnpath_sankey_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    svg_acc *p = learnpath_svg_step_begin(ctx, argc >= 4 ? argv[3] : NULL,
                                          argc >= 5 ? argv[4] : NULL, "sankey_svg");
    svg_number num;
    if (!p) return;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return;
    if (!learnpath_svg_read_number(argv[2], &num)) return;
    if (num.isInt ? num.i <= 0 : !(num.r > 0.0)) return;
    learnpath_svg_step_add(ctx, p, &p->names, argv[0], argv[1], &num);
}

void learnpath_sankey_final(sqlite3_context *ctx) {
    learnpath_svg_final(ctx, "Sankey diagram", snkRender);
}
