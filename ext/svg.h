/*
** svg.h - the chart layer: charts as SQL, the sankey_svg, bar_svg and
** curve_svg aggregates. Internal header of svg_common.c, svg_palette.c,
** svg_sankey.c, svg_bar.c and svg_curve.c.
**
**   SELECT sankey_svg(from_program, to_program, users, 'First -> next')
**     FROM program_transitions('enrollments', 'user_id', 'program',
**                              'enrolled_at', 'user_type')
**    WHERE step = 1 AND segment = 'student';
**
**   SELECT curve_svg(segment, day, continued, 1 - upper, 1 - lower,
**                    'Continued to a second program, by day')
**     FROM continuation_curve('enrollments', 'user_id', 'program',
**                             'enrolled_at', 'user_type')
**    WHERE program IS NULL;
**
**   SELECT bar_svg(program, user_type, n, 'Program popularity')
**     FROM (SELECT program, user_type, count(DISTINCT user_id) AS n
**             FROM enrollments GROUP BY 1, 2);
**
**   -- one colour per program on every chart of a page (svg rule 9)
**   SELECT bar_svg(month, program, users, 'Starts', 'stacked',
**                  (SELECT json_group_array(program) FROM ranked))
**     FROM first_program_monthly('enrollments');
**
** All three are aggregate functions. The entry file registers them with the
** step and final functions declared at the end of this header:
** sankey_svg with 3 to 5 arguments, bar_svg with 3 to 6, curve_svg with 3
** to 7, each with
** SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS (they read no
** tables). Each returns one standalone SVG document as TEXT: it starts with
** <svg xmlns="http://www.w3.org/2000/svg" and ends with </svg>, draws its
** own white background with dark text, uses a colour-blind-aware palette
** of 12 colours (Okabe-Ito and five more) and needs no fonts, scripts or
** links. svg_sankey.c, svg_bar.c and svg_curve.c describe what each chart
** draws.
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
**      legend entry 40); a longer one ends with an ellipsis and its text is
**      in a <title> child, shown on hover. Every tooltip (<title>, and the
**      document's aria-label) shows a name or title of at most 200
**      characters (SVG_MAX_TOOLTIP); a longer one is cut at a character
**      boundary and ends with an ellipsis, so a 1 MB name adds a few
**      hundred bytes per mention, not a megabyte.
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
**   8. A chart draws at most SVG_MAX_CATEGORIES (100) bar categories,
**      "(other)" included. With more, the largest are kept, by the sum of
**      the magnitudes of their values, ties by name (bytes); the rest are
**      folded into one "(other)" category, drawn last in italics, whose
**      tooltip says how many it holds. Values that meet in "(other)" add
**      up, in name order (rule 2). A million labels make a chart of a few
**      hundred kilobytes, not 700 MB.
**   9. Colours. A chart gives at most SVG_NCOLOR (12) names (the sankey's
**      programs, the bar series) a colour each, no two the same; the other
**      names are folded into one "(other, N more)" node or series, light
**      grey and in italics, drawn last, its label saying how many names it
**      holds (N), its tooltip the first SVG_MAX_FOLD_LIST (20) of them
**      (the sankey's largest first, the bar's in name order), its values
**      summed per category or per pair of nodes in name order (rule 2). A name spelled "(other)" in the data is a name
**      like any other: it gets a colour, and its label has no count.
**      "did not continue" and the NULL series "(none)" are grey, on top.
**      - Without a palette, the names kept are the 12 largest: sankey
**        names by their total as a source plus their total as a target,
**        descending, ties by name, coloured in that order; bar series by
**        the sum of the magnitudes of their values, ties by name, drawn
**        and coloured in name order.
**      - palette, the last argument: a JSON array of names (strings, or
**        numbers matching the name written the same way), the same on
**        every row. The name at index i (i < 12) gets colour i, in every
**        chart given that palette; bar series are drawn in palette order.
**        Names the palette does not hold in its first 12 are folded into
**        "(other)". A palette that is not such an array, names a name
**        twice, or changes between rows is an error naming the function.
**        NULL is no palette. Legends wrap onto as many lines as they
**        need, and the plot starts below the last.
**
**  curve_svg (svg_curve.c) shares rules 3-7 and the colours of rule 9, and
**  adds:
**  10. A row is a point (series, x, y) with an optional band [lower,
**      upper]. A row whose x or y is NULL is ignored; an x, y, lower or
**      upper that is not a number (text that does not read entirely as
**      one, a blob), not finite or larger in magnitude than 1e280 is an
**      error ("curve_svg(): x must be a finite number, not 'abc'"), as are
**      lower > upper, four arguments (lower without upper), and two rows of
**      one series at the same x. A NULL lower or upper leaves the band
**      out over that point's step: a gap, never a zero. The NULL series is
**      the series "(none)", grey, last in the legend.
**  11. At most SVG_CURVE_MAX_POINTS (50,000) rows are kept, all series
**      together; one more is an error, so memory stays bounded.
**  12. Curves are not summed, so no series is folded into "(other)": more
**      than SVG_NCOLOR (12) named series is an error; the series are
**      drawn and coloured in name order, colour i for the i-th, as bar_svg
**      colours the same names when it has at most 12 series.
**  13. With a palette, the series take the colour of their place in it,
**      in palette order (as bar_svg); a series that is not among its first
**      12 names is an error naming the first such series by bytes.
**  Output depends only on the multiset of rows: points are sorted by
**  series place, then x; each series is a right-continuous step curve
**  from its first x to its last.
**
** Layout is estimated without fonts: a character is taken as 0.58 em wide
** (7.5 px at 13 px), East Asian wide characters and emoji as 1 em. The
** canvas grows with labels, nodes and categories, which rules 8 and 9
** bound.
**
** The layer uses the base layer only (interned strings, byte order). Its
** shared functions are named learnpath_svg_* (they are visible to the rest
** of the extension); statics carry the prefix of their file (svg, snk,
** bar). Memory: sqlite3_malloc64/sqlite3_realloc64/sqlite3_free only,
** every allocation checked.
*/
#ifndef LEARNPATH_SVG_H
#define LEARNPATH_SVG_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "lp_base.h"

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
#define SVG_MAX_TOOLTIP 200    /* characters of a name or title in a tooltip */
#define SVG_MAX_CATEGORIES 100 /* bar categories, "(other)" included (rule 8) */
#define SVG_OTHER 0xfffffffeu  /* the name of an "(other)" node, category or series */
#define SVG_OTHER_LABEL "(other)"
#define SVG_MAX_FOLD_LIST 20   /* names an "(other, N more)" tooltip lists (rule 9) */
#define SVG_MAX_VALUE 1e280    /* larger magnitudes are ignored (rule 1) */
#define SVG_CURVE_MAX_POINTS 50000 /* curve_svg's rows (rule 11) */
#define SVG_NUMBUF 640         /* room for any value learnpath_svg_fmt_value prints */

#define SVG_INK "#1f2328"      /* text */
#define SVG_MUTED "#57606a"    /* secondary text */
#define SVG_GRID "#e3e6ea"
#define SVG_AXIS "#8c959f"
#define SVG_GREY "#a3a3a3"     /* "did not continue", the (none) series */
#define SVG_LIGHT "#d0d7de"    /* "(other)" (rule 8) */
#define SVG_FONTS "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

#define SVG_ELLIPSIS "\xE2\x80\xA6" /* U+2026 */
#define SVG_ARROW "\xE2\x86\x92"    /* U+2192 */
#define SVG_DOT "\xC2\xB7"          /* U+00B7 */

/* The palette (rule 9): Okabe-Ito without black, then five hues chosen to
** stay apart from those and from the greys under protanopia,
** deuteranopia and tritanopia; and the text colour that reads best on
** each (the higher WCAG contrast: svg_common.c). */
#define SVG_NCOLOR 12
extern const char *const learnpath_svg_color[SVG_NCOLOR];
extern const char *const learnpath_svg_on_color[SVG_NCOLOR];

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

/* The aggregate context of both charts (sqlite3_aggregate_context). */
typedef struct svg_acc {
    int failed;          /* an error was reported: xFinal only frees */
    lp_strtab names;     /* sankey_svg: from and to values; bar_svg: categories */
    lp_strtab series;    /* bar_svg: series */
    svg_cell *aCell;
    uint32_t nCell, nCellAlloc;
    uint32_t *aSlot;     /* open addressing over aCell: index + 1, 0 = empty */
    uint32_t nSlot;      /* a power of two, at least 2 * nCell */
    lp_hash_seed seed;   /* drawn with aSlot (lp_base.h) */
    svg_real *aReal;
    int64_t nReal, nRealAlloc;
    char *zTitle;        /* smallest non-NULL title so far (rule 6) */
    int nTitle;
    int hasTitle;
    int eMode;           /* bar_svg: 0 = not given, SVG_GROUPED, SVG_STACKED */
    int ePalette;        /* 0 = no row yet, 1 = NULL or not given, 2 = given (rule 9) */
    char *zPalette;      /* the palette argument as given (2), to check it is constant */
    int nPalette;
    lp_strtab palette;   /* its names; name i is the palette's element i */
    struct svg_point *aPt; /* curve_svg: the points, in row order (svg_curve.c) */
    uint32_t nPt, nPtAlloc;
    void *pChart;        /* curve_svg: its chart while xFinal draws (not owned) */
} svg_acc;

/* curve_svg: one row kept (svg rules 10-13). */
typedef struct svg_point {
    uint32_t s;      /* series: index in p->series, LP_NONE for NULL */
    int hasBand;     /* lower and upper both given */
    double x, y, lo, hi;
} svg_point;

/* A value read from an argument. */
typedef struct svg_number {
    int isInt;
    int64_t i;   /* isInt */
    double r;    /* always */
} svg_number;

/* A cell with its sort keys (the ranks of its two names). */
typedef struct svg_ord {
    uint32_t ka, kb, iCell;
} svg_ord;

/* ---------------------------------------------- xStep (svg_common.c) */

/*
** The accumulator for xStep, after taking the title argument pTitle (rule
** 6) and the palette argument pPalette (rule 9) of the function zFunc;
** each is NULL when not given. NULL when the row is to be skipped: out of
** memory or a bad argument (reported here), or an error reported by an
** earlier row.
*/
svg_acc *learnpath_svg_step_begin(sqlite3_context *ctx, sqlite3_value *pTitle,
                                  sqlite3_value *pPalette, const char *zFunc);
/*
** Take the palette argument pVal of zFunc (rule 9; NULL when not given) on
** every row (svg_palette.c); 1 after reporting an error.
*/
int learnpath_svg_take_palette(sqlite3_context *ctx, svg_acc *p, sqlite3_value *pVal,
                               const char *zFunc);
/* Read a weight or value; 0 when the row is to be ignored (rule 1). */
int learnpath_svg_read_number(sqlite3_value *pVal, svg_number *p);
/*
** Add *pNum to the cell (pA, pB): pA interned in p->names, pB in *pTabB
** unless it is NULL (then LP_NONE). Errors are reported on ctx and stop
** the accumulation (p->failed).
*/
void learnpath_svg_step_add(sqlite3_context *ctx, svg_acc *p, lp_strtab *pTabB,
                            sqlite3_value *pA, sqlite3_value *pB, const svg_number *pNum);

/* ---------------------------------------------- xFinal (svg_common.c) */

/*
** xFinal of both charts: the "no data" chart for no rows (xFinal may run
** without any xStep), else xRender's drawing; an error already reported by
** xStep (p->failed) stays the result. zKind names the chart when there is
** no title. Frees the accumulator.
*/
void learnpath_svg_final(sqlite3_context *ctx, const char *zKind,
                         int (*xRender)(svg_acc *, sqlite3_str *));

/* The value of every cell (rule 2) into a new array *paVal. */
int learnpath_svg_cell_values(svg_acc *p, double **paVal);
/*
** aRank[name] = position of the name in byte order; aOrder[position] =
** name. Both are allocated here (the caller frees, also on error).
*/
int learnpath_svg_ranks(const lp_strtab *pTab, uint32_t **paRank, uint32_t **paOrder);
/* nElem zeroed elements (at least one); NULL when out of memory. */
void *learnpath_svg_alloc(sqlite3_uint64 nElem, size_t szElem);
/*
** Rule 9: the colour of the name z[0..n) under the palette, 0 to
** SVG_NCOLOR - 1, or -1 when the palette folds it into "(other)". Only
** for a chart with a palette (p->ePalette == 2).
*/
int learnpath_svg_palette_slot(const svg_acc *p, const char *z, int n);
/* The label of an "(other)" holding nFold names, "(other, 12 more)",
** into zOut (SVG_NUMBUF bytes); returns its width in em (all ASCII). */
double learnpath_svg_other_label(uint32_t nFold, char *zOut);
/* Append the names aName[0..n) of pTab, ", "-separated, each cut to
** SVG_MAX_LEGEND characters, the first SVG_MAX_FOLD_LIST of them (then an
** ellipsis): what an "(other, N more)" tooltip lists (rule 9). */
void learnpath_svg_fold_list(sqlite3_str *pOut, const lp_strtab *pTab, const uint32_t *aName,
                             uint32_t n);
/* qsort comparator of svg_ord: by ka, then kb. */
int learnpath_svg_ord_cmp(const void *pA, const void *pB);

/* The root element, its <title>, and the white background. */
void learnpath_svg_open(sqlite3_str *pOut, double w, double h, const svg_acc *p,
                        const char *zDefault);
/* Width in px of the title as drawn (0 if none). */
double learnpath_svg_title_width(const svg_acc *p);
/* The visible title at the top left, baseline y. */
void learnpath_svg_title(sqlite3_str *pOut, const svg_acc *p, double y);

/* ------------------------------------- text and numbers (svg_common.c) */

/* Whether the label z[0..n) is cut to maxCp characters (maxCp >= 1: every
** caller passes one of the SVG_MAX_* caps). */
int learnpath_svg_is_cut(const char *z, int n, int maxCp);
/*
** Append (when pOut is not NULL) the label z[0..n) as escaped text, cut to
** maxCp (>= 1) characters with an ellipsis, and return its
** estimated width in em (rules 3, 4).
*/
double learnpath_svg_text(sqlite3_str *pOut, const char *z, int n, int maxCp);
/*
** Format a value for display (rule 5) into zOut (SVG_NUMBUF bytes):
** "1,234", "-12.5", "0.33".
*/
void learnpath_svg_fmt_value(double v, char *zOut);

/* Width in em of a formatted number (digits, separators, sign). */
static inline double svgNumEm(const char *z) {
    return SVG_EM_DIGIT * (double)strlen(z);
}

/* A coordinate rounded to 0.1 px, with no negative zero (for "%.1f"). */
static inline double svgR(double v) {
    double r;
    if (!(v > -1e12 && v < 1e12)) return 0.0;
    r = floor(v * 10.0 + 0.5) / 10.0;
    return r == 0.0 ? 0.0 : r;
}

/* ------------------------------- what the entry file registers (SQL) */

/* sankey_svg(from, to, weight [, title [, palette]]) (svg_sankey.c) */
void learnpath_sankey_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_sankey_final(sqlite3_context *ctx);
/* bar_svg(category, series, value [, title [, mode [, palette]]]) (svg_bar.c) */
void learnpath_bar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_bar_final(sqlite3_context *ctx);
/* curve_svg(series, x, y [, lower, upper [, title [, palette]]]) (svg_curve.c) */
void learnpath_curve_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_curve_final(sqlite3_context *ctx);

/* A round tick step (1, 2 or 5 x 10^k) giving about nWant intervals over
** range (at least 1 when wholeOnly); 1 when the range is no number. */
double learnpath_svg_nice_step(double range, double nWant, int wholeOnly);

/* chart_palette(name, weight): the palette argument of the charts as a JSON
** array, names by summed weight (heaviest first), then by name (svg_palette.c). */
void learnpath_palette_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_palette_final(sqlite3_context *ctx);

#endif /* LEARNPATH_SVG_H */
