/*
** check_svg.c - the "svg" suite: the chart aggregates sankey_svg, bar_svg
** and curve_svg (ext/svg_*.c).
**
** "svg rule N" refers to the rules in the header comment of ext/svg.h. The
** tests check what a user would: the document is a well-formed standalone
** SVG, user text cannot inject markup, the same rows give the same bytes
** in any order, and the numbers, labels and order on the chart are right.
** Several tests chart the table of tests/fixtures/flows.sql.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_test.h"

/* The cap of svg rule 8 and the colours of svg rule 9 (ext/svg.h). */
#define SVG_TEST_MAX_CATEGORIES 100
#define SVG_TEST_NCOLOR 12

/* Run a query returning one TEXT value; return a copy (sqlite3_free it). */
static char *sv_svg(sqlite3 *db, const char *zSql) {
    sqlite3_stmt *pStmt = NULL;
    const char *z;
    char *zCopy;
    int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
    ck_assert_msg(rc == SQLITE_OK, "prepare failed: %s\nSQL: %s", sqlite3_errmsg(db), zSql);
    rc = sqlite3_step(pStmt);
    ck_assert_msg(rc == SQLITE_ROW, "no row: %s\nSQL: %s", sqlite3_errmsg(db), zSql);
    ck_assert_msg(sqlite3_column_type(pStmt, 0) == SQLITE_TEXT, "not TEXT\nSQL: %s", zSql);
    z = (const char *)sqlite3_column_text(pStmt, 0);
    ck_assert_ptr_nonnull(z);
    /* no NUL inside the document */
    ck_assert_int_eq((int)strlen(z), sqlite3_column_bytes(pStmt, 0));
    zCopy = sqlite3_mprintf("%s", z);
    ck_assert_ptr_nonnull(zCopy);
    sqlite3_finalize(pStmt);
    return zCopy;
}

/* Occurrences of zNeedle in z. */
static int sv_count(const char *z, const char *zNeedle) {
    int n = 0;
    size_t len = strlen(zNeedle);
    while ((z = strstr(z, zNeedle)) != NULL) {
        n++;
        z += len;
    }
    return n;
}

/* Elements zOpen ("<path") of z that close themselves ("... />"). */
static int sv_count_empty(const char *z, const char *zOpen) {
    int n = 0;
    while ((z = strstr(z, zOpen)) != NULL) {
        const char *e = strchr(z, '>');
        ck_assert_ptr_nonnull(e);
        if (e[-1] == '/') n++;
        z = e;
    }
    return n;
}

/* Whether z is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
static int sv_utf8_ok(const unsigned char *z) {
    while (*z) {
        unsigned c = *z, lo = 0x80, hi = 0xBF;
        int need;
        if (c < 0x80) {
            z++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return 0;
        }
        for (int k = 1; k <= need; k++) {
            if (z[k] < lo || z[k] > hi) return 0;
            lo = 0x80;
            hi = 0xBF;
        }
        z += need + 1;
    }
    return 1;
}

/*
** What every document must be: one <svg> root in the SVG namespace with
** role="img" and a <title>, balanced elements, its own background, no
** script or link, only XML 1.0 characters (no control bytes but newline),
** valid UTF-8, and no bare '&' (every '&' starts an entity).
*/
static void sv_assert_wellformed(const char *z) {
    const char *zPre = "<svg xmlns=\"http://www.w3.org/2000/svg\" ";
    size_t n = strlen(z);
    ck_assert_msg(strncmp(z, zPre, strlen(zPre)) == 0, "bad start: %.80s", z);
    ck_assert_msg(n > 6 && strcmp(z + n - 6, "</svg>") == 0, "bad end: %s", z + (n > 40 ? n - 40 : 0));
    ck_assert_int_eq(sv_count(z, "<svg"), 1);
    ck_assert_int_eq(sv_count(z, "</svg>"), 1);
    ck_assert_int_eq(sv_count(z, "<g"), sv_count(z, "</g>"));
    ck_assert_int_eq(sv_count(z, "<text"), sv_count(z, "</text>"));
    ck_assert_int_eq(sv_count(z, "<title>"), sv_count(z, "</title>"));
    ck_assert_int_eq(sv_count(z, "<tspan"), sv_count(z, "</tspan>"));
    ck_assert_int_eq(sv_count(z, "<path"), sv_count(z, "</path>") + sv_count_empty(z, "<path"));
    ck_assert_int_eq(sv_count(z, "<"), 2 * sv_count(z, "</") + sv_count(z, "/>"));
    ck_assert_ptr_nonnull(strstr(z, "role=\"img\""));
    ck_assert_ptr_nonnull(strstr(z, "aria-label=\""));
    ck_assert_ptr_nonnull(strstr(z, "fill=\"#ffffff\""));
    ck_assert_ptr_nonnull(strstr(z, "sans-serif"));
    ck_assert_ptr_null(strstr(z, "<script"));
    ck_assert_ptr_null(strstr(z, "href"));
    ck_assert_ptr_null(strstr(z, "url("));
    for (const char *p = z; *p; p++) {
        unsigned char c = (unsigned char)*p;
        ck_assert_msg(c >= 0x20 || c == '\n', "control byte 0x%02x at %d", c, (int)(p - z));
        if (c == '&') {
            ck_assert_msg(strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&lt;", 4) == 0 ||
                              strncmp(p, "&gt;", 4) == 0 || strncmp(p, "&quot;", 6) == 0 ||
                              strncmp(p, "&apos;", 6) == 0,
                          "bare &: %.20s", p);
        }
    }
    ck_assert_msg(sv_utf8_ok((const unsigned char *)z), "invalid UTF-8");
    ck_assert_ptr_null(strstr(z, "\xEF\xBF\xBE")); /* U+FFFE */
}

/* The y attribute of the <text> element whose text starts with zLabel. */
static double sv_label_y(const char *zSvg, const char *zLabel) {
    char *zFind = sqlite3_mprintf(">%s<tspan", zLabel);
    const char *p, *q;
    ck_assert_ptr_nonnull(zFind);
    p = strstr(zSvg, zFind);
    ck_assert_msg(p != NULL, "no label %s", zLabel);
    sqlite3_free(zFind);
    while (p > zSvg && strncmp(p, "<text", 5) != 0) p--;
    q = strstr(p, " y=\"");
    ck_assert_ptr_nonnull(q);
    return atof(q + 4);
}

/* The number in attribute zAttr="..." of the root element. */
static double sv_root_attr(const char *zSvg, const char *zAttr) {
    char *zFind = sqlite3_mprintf(" %s=\"", zAttr);
    const char *p;
    ck_assert_ptr_nonnull(zFind);
    p = strstr(zSvg, zFind);
    ck_assert_ptr_nonnull(p);
    p += strlen(zFind);
    sqlite3_free(zFind);
    return atof(p);
}

/* --------------------------------------------------------- well-formed */

START_TEST(test_wellformed) {
    sqlite3 *db = lpt_open_fixture("flows");
    char *z = sv_svg(db, "SELECT sankey_svg(src, dst, w, 'Flows') FROM flows");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, "aria-label=\"Flows\""));
    ck_assert_ptr_nonnull(strstr(z, "<title>Flows</title>"));
    /* one band per (from, to) pair, cubic Beziers, semi-transparent */
    ck_assert_int_eq(sv_count(z, "<path"), 5);
    ck_assert_int_eq(sv_count(z, "<path class=\"b\" fill=\"#"), 5);
    ck_assert_int_eq(sv_count(z, "Z\"><title>"), 5);
    ck_assert_ptr_nonnull(strstr(z, "fill-opacity=\"0.45\""));
    sqlite3_free(z);

    z = sv_svg(db, "SELECT bar_svg(src, dst, w, 'Bars') FROM flows");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, "<title>Bars</title>"));
    sqlite3_free(z);
    z = sv_svg(db, "SELECT bar_svg(src, dst, w, 'Bars', 'stacked') FROM flows");
    sv_assert_wellformed(z);
    sqlite3_free(z);

    /* without a title: a generic accessible name */
    z = sv_svg(db, "SELECT sankey_svg(src, dst, w) FROM flows");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, "aria-label=\"Sankey diagram\""));
    sqlite3_free(z);
    z = sv_svg(db, "SELECT bar_svg(src, dst, w) FROM flows");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, "aria-label=\"Bar chart\""));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ escaping */

START_TEST(test_escaping) {
    sqlite3 *db = lpt_open();
    char *z;
    lpt_exec(db,
        "CREATE TABLE t(a, b, w);"
        "INSERT INTO t VALUES ('<script>alert(1)</script>', 'Tom & Jerry''s \"show\"', 10),"
        " ('x', '<script>alert(1)</script>', 5);");
    z = sv_svg(db, "SELECT sankey_svg(a, b, w, '<script>alert(2)</script> & co') FROM t");
    sv_assert_wellformed(z);
    ck_assert_ptr_null(strstr(z, "<script"));
    ck_assert_ptr_nonnull(strstr(z, ">&lt;script&gt;alert(1)&lt;/script&gt;<tspan"));
    ck_assert_ptr_nonnull(strstr(z, "Tom &amp; Jerry&apos;s &quot;show&quot;"));
    ck_assert_ptr_nonnull(strstr(z, "aria-label=\"&lt;script&gt;alert(2)&lt;/script&gt; &amp; co\""));
    sqlite3_free(z);

    z = sv_svg(db, "SELECT bar_svg(a, b, w, '<b>') FROM t");
    sv_assert_wellformed(z);
    ck_assert_ptr_null(strstr(z, "<script"));
    ck_assert_ptr_null(strstr(z, "<b>"));
    ck_assert_ptr_nonnull(strstr(z, "&lt;script&gt;alert(1)&lt;/script&gt;</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>&lt;b&gt;</title>"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Control characters and invalid UTF-8 never reach the document (rule 4). */
START_TEST(test_bad_text) {
    sqlite3 *db = lpt_open();
    char *z;
    lpt_exec(db,
        "CREATE TABLE t(a, b, w);"
        "INSERT INTO t VALUES"
        " ('Ctl' || char(1) || char(27) || char(127) || 'end', 'Tab' || char(9) || 'new' || char(10) || 'line', 3),"
        " (CAST(x'41FF42C3' AS TEXT), CAST(x'C080EDA080F4908080' AS TEXT), 4),"
        " (CAST(x'4E00554C' AS TEXT), CAST(x'EFBFBE' AS TEXT), 5),"
        " (CAST(x'E282' AS TEXT), 'ok', 6),"
        /* a lead byte before ASCII; overlong E0 80 80 (E0 needs A0..BF next) */
        " (CAST(x'43C3412E' AS TEXT), CAST(x'45E08080' AS TEXT), 7);");
    z = sv_svg(db, "SELECT sankey_svg(a, b, w, 'bad' || char(2) || CAST(x'FE' AS TEXT)) FROM t");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">Ctl\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "end<tspan"));
    ck_assert_ptr_nonnull(strstr(z, ">Tab new line<tspan"));
    ck_assert_ptr_nonnull(strstr(z, ">A\xEF\xBF\xBD" "B\xEF\xBF\xBD<tspan"));
    ck_assert_ptr_nonnull(strstr(z, ">N\xEF\xBF\xBDUL<tspan")); /* NUL inside text */
    ck_assert_ptr_nonnull(strstr(z, "<title>bad\xEF\xBF\xBD\xEF\xBF\xBD</title>"));
    ck_assert_ptr_nonnull(strstr(z, ">C\xEF\xBF\xBD" "A.<tspan"));
    ck_assert_ptr_nonnull(strstr(z, ">E\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD<tspan"));
    sqlite3_free(z);
    z = sv_svg(db, "SELECT bar_svg(a, b, w, 'x', 'stacked') FROM t");
    sv_assert_wellformed(z);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* --------------------------------------------------------- determinism */

START_TEST(test_determinism) {
    sqlite3 *db = lpt_open();
    char *zA, *zB;
    /* the same rows in three orders; non-integer values whose floating-point
    ** sum depends on the order in which they are added */
    lpt_exec(db,
        "CREATE TABLE t1(a, b, w, title);"
        "INSERT INTO t1 VALUES"
        " ('Program A', 'Flagship', 0.1, 'T2'), ('Program A', 'Flagship', 0.2, 'T1'),"
        " ('Program A', 'Flagship', 0.3, 'T3'), ('Program A', 'Flagship', 1e16, NULL),"
        " ('Program A', 'Flagship', 1.5, 'T2'), ('Program A', 'Flagship', 2.75, 'T2'),"
        " ('Program A', NULL, 7, 'T2'), ('Program B', 'Flagship', 7, 'T2'),"
        " ('Program B', 'Program A', 3.3, 'T2'), ('Program C', 'Program A', 7, 'T2'),"
        " ('Flagship', 'Program C', 7, 'T2'), ('Flagship', NULL, 9223372036854775807, 'T2'),"
        " ('Flagship', NULL, 9223372036854775807, 'T2'), ('Program D', NULL, 7, 'T2');"
        "CREATE TABLE t2 AS SELECT * FROM t1 ORDER BY rowid DESC;"
        "CREATE TABLE t3 AS SELECT * FROM t1 ORDER BY (rowid * 7) % 11;");
    lpt_assert_rows(db,
        "SELECT (SELECT group_concat(w) FROM t1) <> (SELECT group_concat(w) FROM t2),"
        " (SELECT group_concat(w) FROM t1) <> (SELECT group_concat(w) FROM t3)",
        "1|1\n");
    lpt_assert_rows(db,
        "SELECT (SELECT sankey_svg(a, b, w, title) FROM t1) = (SELECT sankey_svg(a, b, w, title) FROM t2),"
        " (SELECT sankey_svg(a, b, w, title) FROM t1) = (SELECT sankey_svg(a, b, w, title) FROM t3)",
        "1|1\n");
    lpt_assert_rows(db,
        "SELECT (SELECT bar_svg(a, b, w, title) FROM t1) = (SELECT bar_svg(a, b, w, title) FROM t2),"
        " (SELECT bar_svg(a, b, w, title) FROM t1) = (SELECT bar_svg(a, b, w, title) FROM t3),"
        " (SELECT bar_svg(a, b, w, title, 'stacked') FROM t1) ="
        " (SELECT bar_svg(a, b, w, title, 'stacked') FROM t3)",
        "1|1|1\n");
    /* the title is the smallest one given (rule 6) */
    zA = sv_svg(db, "SELECT sankey_svg(a, b, w, title) FROM t3");
    ck_assert_ptr_nonnull(strstr(zA, "<title>T1</title>"));
    sqlite3_free(zA);
    /* the same bytes from two connections */
    zA = sv_svg(db, "SELECT bar_svg(a, b, w) FROM t1");
    sqlite3_close(db);
    db = lpt_open();
    lpt_exec(db,
        "CREATE TABLE t(a, b, w);"
        "INSERT INTO t VALUES ('Program D', NULL, 7), ('Flagship', NULL, 9223372036854775807),"
        " ('Flagship', NULL, 9223372036854775807), ('Flagship', 'Program C', 7),"
        " ('Program C', 'Program A', 7), ('Program B', 'Program A', 3.3),"
        " ('Program B', 'Flagship', 7), ('Program A', NULL, 7), ('Program A', 'Flagship', 2.75),"
        " ('Program A', 'Flagship', 1.5), ('Program A', 'Flagship', 1e16),"
        " ('Program A', 'Flagship', 0.3), ('Program A', 'Flagship', 0.2), ('Program A', 'Flagship', 0.1);");
    zB = sv_svg(db, "SELECT bar_svg(a, b, w) FROM t");
    ck_assert_str_eq(zA, zB);
    sqlite3_free(zA);
    sqlite3_free(zB);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------- no data */

START_TEST(test_no_data) {
    sqlite3 *db = lpt_open_fixture("flows");
    char *z;
    /* no rows at all: xFinal without xStep */
    z = sv_svg(db, "SELECT sankey_svg(src, dst, w) FROM flows WHERE 0");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">no data</text>"));
    sqlite3_free(z);
    z = sv_svg(db, "SELECT bar_svg(src, dst, w, 'Empty', 'stacked') FROM flows WHERE 0");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">no data</text>"));
    sqlite3_free(z);
    /* every row ignored: the title is still shown */
    z = sv_svg(db, "SELECT sankey_svg(src, dst, w, 'Nothing <here>') FROM flows"
                   " WHERE src IS NULL OR NOT w > 0 OR typeof(w) NOT IN ('integer', 'real')");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">no data</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">Nothing &lt;here&gt;</text>"));
    sqlite3_free(z);
    z = sv_svg(db, "SELECT bar_svg(NULL, dst, w) FROM flows");
    ck_assert_ptr_nonnull(strstr(z, ">no data</text>"));
    sqlite3_free(z);
    /* GROUP BY over an empty table returns no row, as for count() */
    lpt_assert_rows(db, "SELECT count(*) FROM (SELECT bar_svg(src, dst, w) FROM flows WHERE 0 GROUP BY src)",
                    "0\n");
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------------- sankey */

START_TEST(test_sankey_totals) {
    sqlite3 *db = lpt_open_fixture("flows");
    char *z = sv_svg(db, "SELECT sankey_svg(src, dst, w) FROM flows");
    /* weights add; bad rows are ignored (svg rule 1) */
    ck_assert_ptr_nonnull(strstr(z, ">Program A<tspan dx=\"6\" font-weight=\"700\" fill=\"#57606a\">1,700</tspan>"));
    ck_assert_ptr_nonnull(strstr(z, ">Flagship<tspan dx=\"6\" font-weight=\"700\" fill=\"#57606a\">1,540</tspan>"));
    ck_assert_ptr_nonnull(strstr(z, ">Program B<tspan dx=\"6\" font-weight=\"700\" fill=\"#57606a\">40</tspan>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>Program A \xE2\x86\x92 Flagship: 1,500 (88.2%)</title>"));
    ck_assert_ptr_nonnull(strstr(z, ">Total 2,140</text>"));
    /* NULL to: a grey "did not continue" node, placed last */
    ck_assert_ptr_nonnull(strstr(z, "font-style=\"italic\">did not continue<tspan dx=\"6\" font-weight=\"700\" fill=\"#57606a\">300</tspan>"));
    ck_assert_ptr_nonnull(strstr(z, "fill=\"#a3a3a3\"><title>did not continue: 300</title>"));
    ck_assert(sv_label_y(z, "did not continue") > sv_label_y(z, "Program A"));
    ck_assert_ptr_null(strstr(strstr(z, ">did not continue<"), "<text"));
    /* 'Program A' on both sides has one colour */
    ck_assert_int_eq(sv_count(z, "fill=\"#0072B2\"><title>Program A: "), 2);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Nodes by total descending, then name; not by input order (rule 2). */
START_TEST(test_sankey_order) {
    sqlite3 *db = lpt_open();
    char *z;
    double yA, yF;
    lpt_exec(db,
        "CREATE TABLE t(a, b, w);"
        "INSERT INTO t VALUES ('Flagship', 'Zeta', 300), ('Program A', 'Alpha', 200),"
        " ('Program A', 'Zeta', 500), ('Beta', 'Alpha', 300), ('Gamma', 'Alpha', 300);");
    z = sv_svg(db, "SELECT sankey_svg(a, b, w) FROM t");
    yA = sv_label_y(z, "Program A");
    yF = sv_label_y(z, "Flagship");
    ck_assert_msg(yA < yF, "Program A at %g, Flagship at %g", yA, yF);
    /* equal totals: by name */
    ck_assert(sv_label_y(z, "Beta") < sv_label_y(z, "Flagship"));
    ck_assert(sv_label_y(z, "Flagship") < sv_label_y(z, "Gamma"));
    /* right column: Alpha and Zeta both 800: by name */
    ck_assert(sv_label_y(z, "Alpha") < sv_label_y(z, "Zeta"));
    sqlite3_free(z);
    lpt_exec(db, "UPDATE t SET w = 900 WHERE a = 'Flagship'");
    z = sv_svg(db, "SELECT sankey_svg(a, b, w) FROM t");
    ck_assert(sv_label_y(z, "Flagship") < sv_label_y(z, "Program A"));
    ck_assert(sv_label_y(z, "Zeta") < sv_label_y(z, "Alpha"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* ----------------------------------------------------------------- bar */

START_TEST(test_bar_values) {
    sqlite3 *db = lpt_open();
    char *z;
    lpt_exec(db,
        "CREATE TABLE t(c, s, v);"
        "INSERT INTO t VALUES ('Flagship', 'student', 10), ('Flagship', 'student', 2),"
        " ('Flagship', 'professional', 2500), ('Program A', 'student', 3.14159),"
        " ('Program A', NULL, 1234567), ('Program B', 'student', -1234.5),"
        " (NULL, 'student', 99), ('Program B', 'student', NULL), ('Program B', 'student', 'n/a'),"
        " ('Program C', 'student', '40');");
    z = sv_svg(db, "SELECT bar_svg(c, s, v, 'Popularity') FROM t");
    sv_assert_wellformed(z);
    /* every value is a label; duplicates add; up to 2 decimals */
    ck_assert_ptr_nonnull(strstr(z, ">12</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">2,500</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">3.14</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">1,234,567</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">-1,234.5</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">40</text>"));  /* numeric text counts */
    ck_assert_ptr_null(strstr(z, ">99</text>"));     /* NULL category ignored */
    /* hover text of a bar */
    ck_assert_ptr_nonnull(strstr(z, "<title>Flagship \xC2\xB7 student: 12</title>"));
    /* legend: series by name, the NULL series "(none)" last and grey */
    ck_assert_ptr_nonnull(strstr(z, ">professional</text>"));
    ck_assert(strstr(z, ">professional</text>") < strstr(z, ">student</text>"));
    ck_assert(strstr(z, ">student</text>") < strstr(z, ">(none)</text>"));
    ck_assert_ptr_nonnull(strstr(z, "fill=\"#a3a3a3\"><title>Program A \xC2\xB7 (none): 1,234,567</title>"));
    /* categories by name */
    ck_assert(strstr(z, ">Flagship</text>") < strstr(z, ">Program A</text>"));
    ck_assert(strstr(z, ">Program A</text>") < strstr(z, ">Program B</text>"));
    /* y axis with round ticks: 1/2/5 x 10^k */
    ck_assert_ptr_nonnull(strstr(z, ">500,000</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">1,500,000</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">-500,000</text>"));
    sqlite3_free(z);

    /* a small range of counts: whole-number ticks */
    z = sv_svg(db, "SELECT bar_svg(c, s, v) FROM (SELECT 'a' AS c, 'x' AS s, 3 AS v)");
    ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">3</text>"));
    ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">1</text>"));
    ck_assert_ptr_null(strstr(z, ">0.5</text>"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_bar_stacked) {
    sqlite3 *db = lpt_open();
    char *zG, *zS;
    lpt_exec(db,
        "CREATE TABLE t(c, s, v);"
        "INSERT INTO t VALUES ('Flagship', 'student', 400), ('Flagship', 'professional', 600),"
        " ('Program A', 'student', 700), ('Program A', 'professional', 300);");
    zG = sv_svg(db, "SELECT bar_svg(c, s, v, 'P') FROM t");
    zS = sv_svg(db, "SELECT bar_svg(c, s, v, 'P', 'stacked') FROM t");
    sv_assert_wellformed(zS);
    ck_assert_str_ne(zG, zS);
    /* the explicit default is the same as none; modes ignore case */
    lpt_assert_rows(db,
        "SELECT bar_svg(c, s, v, 'P') = bar_svg(c, s, v, 'P', 'grouped'),"
        " bar_svg(c, s, v, 'P', 'STACKED') = bar_svg(c, s, v, 'P', 'stacked') FROM t",
        "1|1\n");
    /* stacked: a total above each stack, segment values inside */
    ck_assert_ptr_nonnull(strstr(zS, "font-weight=\"700\">1,000</text>"));
    ck_assert_ptr_null(strstr(zG, ">1,000</text>"));
    ck_assert_ptr_nonnull(strstr(zS, ">600</text>"));
    ck_assert_ptr_nonnull(strstr(zS, ">700</text>"));
    /* the same bars and legend swatches, placed differently */
    ck_assert_int_eq(sv_count(zG, "<rect x="), sv_count(zS, "<rect x="));
    sqlite3_free(zG);
    sqlite3_free(zS);
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------------- errors */

START_TEST(test_errors) {
    sqlite3 *db = lpt_open_fixture("flows");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', 'x') FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not 'x'");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', NULL) FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not NULL");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', 'it''s') FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not 'it''s'");
    lpt_assert_rows(db,
        "SELECT bar_svg(src, dst, w, 'T', CASE WHEN rowid = 3 THEN 'stacked' ELSE 'grouped' END) FROM flows",
        "ERROR: bar_svg(): mode must be the same on every row");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 42) FROM flows",
                    "ERROR: bar_svg(): title must be text");
    lpt_assert_rows(db, "SELECT sankey_svg(src, dst, w, x'41') FROM flows",
                    "ERROR: sankey_svg(): title must be text");
    /* the mode is checked even when there is no data */
    lpt_assert_rows(db, "SELECT bar_svg(NULL, NULL, NULL, NULL, 'pie')",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not 'pie'");
    /* svg rule 6 and README "Errors": the mode as every refused value shows:
    ** a blob as a blob (its bytes used to show as text), a NUL whole (and
    ** 'stacked' || char(0) || 'x' used to be taken as 'stacked'), numbers */
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', x'01') FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not a blob");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', CAST('stacked' AS BLOB)) FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not a blob");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', 'stacked' || char(0) || 'x') FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not 'stacked' ||"
                    " char(0) || 'x'");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', 2) FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not 2");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', char(10)) FROM flows",
                    "ERROR: bar_svg(): mode must be 'grouped' or 'stacked', not char(10)");
    lpt_assert_rows(db, "SELECT sankey_svg(src, dst) FROM flows",
                    "ERROR: wrong number of arguments to function sankey_svg()");
    lpt_assert_rows(db, "SELECT sankey_svg(src, dst, w, 'T', '[]', 'stacked') FROM flows",
                    "ERROR: wrong number of arguments to function sankey_svg()");
    lpt_assert_rows(db, "SELECT bar_svg(src, dst, w, 'T', 'stacked', '[]', 1) FROM flows",
                    "ERROR: wrong number of arguments to function bar_svg()");
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------- long labels */

START_TEST(test_long_label) {
    sqlite3 *db = lpt_open();
    char zLong[201];
    char *zSql, *z, *zFind;
    double w;
    for (int i = 0; i < 200; i++) zLong[i] = (char)('a' + i % 26);
    zLong[200] = 0;
    zSql = sqlite3_mprintf(
        "CREATE TABLE t(a, b, w); INSERT INTO t VALUES ('%s', 'Flagship', 300), ('Program A', '%s', 20);",
        zLong, zLong);
    lpt_exec(db, zSql);
    sqlite3_free(zSql);

    z = sv_svg(db, "SELECT sankey_svg(a, b, w, 'Long') FROM t");
    sv_assert_wellformed(z);
    /* shown: 59 characters and an ellipsis; the full text in a <title> */
    zFind = sqlite3_mprintf(">%.59s\xE2\x80\xA6<tspan", zLong);
    ck_assert_int_eq(sv_count(z, zFind), 2);
    sqlite3_free(zFind);
    zFind = sqlite3_mprintf("<title>%s</title>", zLong);
    ck_assert_int_eq(sv_count(z, zFind), 2);
    sqlite3_free(zFind);
    /* the canvas holds both cut labels (about 7.5 px a character) and the
    ** bands, but is not sized for 200 characters */
    w = sv_root_attr(z, "width");
    ck_assert_msg(w >= 2 * 60 * 7.5 + 300 && w < 2 * 200 * 7.5, "width %g", w);
    ck_assert(sv_root_attr(z, "height") >= 400);
    sqlite3_free(z);

    z = sv_svg(db, "SELECT bar_svg(a, b, w) FROM t");
    sv_assert_wellformed(z);
    zFind = sqlite3_mprintf(">%.59s\xE2\x80\xA6</text>", zLong);
    ck_assert_int_eq(sv_count(z, zFind), 1);
    sqlite3_free(zFind);
    /* the full text: in the category label and the legend entry */
    zFind = sqlite3_mprintf("<title>%s</title>", zLong);
    ck_assert_int_eq(sv_count(z, zFind), 2);
    sqlite3_free(zFind);
    /* legend entries are cut at 40 characters */
    zFind = sqlite3_mprintf(">%.39s\xE2\x80\xA6</text>", zLong);
    ck_assert_int_eq(sv_count(z, zFind), 1);
    sqlite3_free(zFind);
    /* the slanted category label needs room below the plot */
    ck_assert(sv_root_attr(z, "height") > 300 + 60 * 7.5 * 0.6);
    ck_assert_ptr_nonnull(strstr(z, "rotate(-40 "));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Svg rule 3: a tooltip shows at most SVG_MAX_TOOLTIP (200) characters of a
** name or title, cut at a character boundary with an ellipsis. A 1 MB
** program name used to be kept whole in every <title> (node, label, each
** band or bar, legend, the document's aria-label): a 3 MB chart.
*/
START_TEST(test_svg_tooltip_cap) {
    sqlite3 *db = lpt_open();
    /* 1 MB of 'x', and 500,000 two-byte characters */
    lpt_exec(db, "CREATE TABLE big(a, b, w, t);"
                 "INSERT INTO big VALUES (replace(hex(zeroblob(500000)), '0', 'x'), 'B', 2,"
                 " replace(hex(zeroblob(500000)), '0', 'T')),"
                 " (replace(hex(zeroblob(250000)), '0', char(233)), 'B', 1, NULL);");
    static const char *const azSql[] = {
        "SELECT sankey_svg(a, b, w, t) FROM big",
        "SELECT sankey_svg(b, a, w, t) FROM big",
        "SELECT bar_svg(a, b, w, t) FROM big",
        "SELECT bar_svg(b, a, w, t, 'stacked') FROM big",
    };
    char zX[220], zE[420], zT[220], zRun[201];
    memset(zRun, 'x', 200);
    zRun[200] = 0;
    memset(zX, 'x', 199);
    strcpy(zX + 199, "\xE2\x80\xA6");
    for (int i = 0; i < 199; i++) memcpy(zE + 2 * i, "\xC3\xA9", 2);
    strcpy(zE + 398, "\xE2\x80\xA6");
    memset(zT, 'T', 199);
    strcpy(zT + 199, "\xE2\x80\xA6");
    for (size_t k = 0; k < sizeof(azSql) / sizeof(azSql[0]); k++) {
        char *z = sv_svg(db, azSql[k]);
        sv_assert_wellformed(z); /* valid UTF-8: cut between characters */
        ck_assert_msg(strlen(z) < 40000, "%s: %d bytes", azSql[k], (int)strlen(z));
        /* each name is in its tooltips cut to 199 characters and an ellipsis */
        ck_assert_msg(sv_count(z, zX) >= 2, "%s: no cut tooltip of x", azSql[k]);
        ck_assert_msg(sv_count(z, zE) >= 2, "%s: no cut tooltip of e-acute", azSql[k]);
        ck_assert_msg(strstr(z, zRun) == NULL, "%s: 200 characters of a name", azSql[k]);
        /* the title: aria-label and <title> of the document, and the cut one */
        char *zAria = sqlite3_mprintf("aria-label=\"%s\"", zT);
        ck_assert_msg(strstr(z, zAria) != NULL, "%s: aria-label not cut", azSql[k]);
        sqlite3_free(zAria);
        ck_assert_int_ge(sv_count(z, zT), 3);
        sqlite3_free(z);
    }
    /* a name of exactly 200 characters is shown whole in its tooltip */
    lpt_assert_rows(db, "SELECT instr(sankey_svg(replace(hex(zeroblob(100)), '0', 'y'), 'B', 1),"
                        " '<title>' || replace(hex(zeroblob(100)), '0', 'y') || ': 1</title>') > 0",
                    "1\n");
    sqlite3_close(db);
}
END_TEST

/* -------------------------------------------------------------- scale */

/*
** Svg rule 8: 100,000 distinct categories, flows and nodes: hashing and
** sorting, no quadratic step, and a chart of bounded size. It used to draw
** every label (a million made a 700 MB document).
*/
START_TEST(test_many_categories) {
    sqlite3 *db = lpt_open();
    char *z;
    lpt_exec(db,
        "CREATE TABLE t AS WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n;");
    z = sv_svg(db, "SELECT bar_svg('Category ' || i, 'users', i) FROM t");
    sv_assert_wellformed(z);
    /* the largest categories, with their values; the rest in "(other)" */
    ck_assert_ptr_nonnull(strstr(z, ">Category 99999</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">99,999</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">100,000</text>"));
    ck_assert_ptr_null(strstr(z, ">Category 1</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>(other), 99,901 categories</title>(other)</text>"));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), SVG_TEST_MAX_CATEGORIES);
    ck_assert_int_lt((int)strlen(z), 100000);
    sqlite3_free(z);
    /* svg rule 9: the 12 names of largest total (both sides) keep a node:
    ** 'To 0' (5,050,000), 'To 999', ..., 'To 989'; every 'From i' (at most
    ** 100,000) is in the left "(other)", the other 988 'To k' in the right */
    z = sv_svg(db, "SELECT sankey_svg('From ' || i, 'To ' || (i % 1000), i) FROM t");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">To 0<tspan dx=\"6\" font-weight=\"700\" fill=\"#57606a\">5,050,000<"));
    ck_assert_ptr_nonnull(strstr(z, ">To 989<tspan"));
    ck_assert_ptr_null(strstr(z, ">To 988<tspan"));
    ck_assert_ptr_null(strstr(z, ">From 100000<tspan"));
    ck_assert_ptr_nonnull(strstr(z, ">(other, 100,000 more)<tspan dx=\"6\" font-weight=\"700\""
                                    " fill=\"#57606a\">5,000,050,000<"));
    ck_assert_ptr_nonnull(strstr(z, ">(other, 988 more)<tspan"));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 1 + SVG_TEST_NCOLOR + 1);
    ck_assert_int_eq(sv_count(z, "<path"), SVG_TEST_NCOLOR + 1);
    ck_assert_int_lt((int)strlen(z), 200000);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Svg rule 8: the largest are kept, ties by name, and the rest fold into
** one "(other)" drawn last, its values summed; the same rows in another
** order give the same bytes.
*/
START_TEST(test_svg_fold_caps) {
    sqlite3 *db = lpt_open();
    char *z, *z2;
    lpt_exec(db,
        "CREATE TABLE f AS WITH RECURSIVE n(i) AS"
        " (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)"
        " SELECT printf('F%02d', i) AS a, CASE WHEN i % 4 THEN 'T' || (i % 3) END AS b, i AS w"
        " FROM n;"
        "CREATE TABLE g AS WITH RECURSIVE n(i) AS"
        " (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
        " SELECT printf('C%03d', i) AS c, 'S' || (i % 2) AS s, 1 AS v FROM n;"
        "CREATE TABLE h AS WITH RECURSIVE n(i) AS"
        " (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 21)"
        " SELECT 'cat' AS c, printf('S%02d', i) AS s, 1 AS v FROM n"
        " UNION ALL SELECT 'cat', NULL, 5;");
    /* sankey (svg rule 9): 60 sources F01..F60 (weight i) to T0, T1, T2
    ** (450 each) or NULL; the 12 names of largest total are T0, T1, T2 and
    ** F52..F60; "(other, 51 more)" holds F01..F51 (1 + ... + 51 = 1,326) */
    z = sv_svg(db, "SELECT sankey_svg(a, b, w) FROM (SELECT * FROM f ORDER BY w)");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">F52<tspan"));
    ck_assert_ptr_null(strstr(z, ">F51<tspan"));
    /* its tooltip lists the first 20 of them, largest first */
    ck_assert_ptr_nonnull(strstr(z, "fill=\"#d0d7de\"><title>(other, 51 more): 1,326\nF51, F50, F49,"
                                    " F48, F47, F46, F45, F44, F43, F42, F41, F40, F39, F38, F37, F36,"
                                    " F35, F34, F33, F32, \xE2\x80\xA6</title>"));
    ck_assert_ptr_nonnull(strstr(z, "font-style=\"italic\">(other, 51 more)<tspan dx=\"6\""
                                    " font-weight=\"700\" fill=\"#57606a\">1,326</tspan>"));
    ck_assert_ptr_nonnull(strstr(z, ">T0<tspan dx=\"6\" font-weight=\"700\" fill=\"#57606a\">450<"));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 10 + 4); /* right: T0, T1, T2, did not continue */
    /* its bands, merged per target: (other) -> T0, T1, T2, did not continue
    ** (4 + 8 + ... + 48 = 312 of 1,326) */
    ck_assert_int_eq(sv_count(z, "<title>(other, 51 more) \xE2\x86\x92 "), 4);
    ck_assert_ptr_nonnull(strstr(z, "<title>(other, 51 more) \xE2\x86\x92 did not continue: 312 (23.5%)"));
    z2 = sv_svg(db, "SELECT sankey_svg(a, b, w) FROM (SELECT * FROM f ORDER BY w DESC)");
    ck_assert_str_eq(z, z2);
    sqlite3_free(z);
    sqlite3_free(z2);
    /* bar: 101 categories of equal size: C000..C098 by name, (other) = 2 */
    z = sv_svg(db, "SELECT bar_svg(c, s, v) FROM (SELECT * FROM g ORDER BY c DESC)");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">C098</text>"));
    ck_assert_ptr_null(strstr(z, ">C099</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>(other), 2 categories \xC2\xB7 S0: 1</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>(other), 2 categories \xC2\xB7 S1: 1</title>"));
    z2 = sv_svg(db, "SELECT bar_svg(c, s, v) FROM (SELECT * FROM g ORDER BY c)");
    ck_assert_str_eq(z, z2);
    sqlite3_free(z);
    sqlite3_free(z2);
    /* bar (svg rule 9): 22 named series of one value each, and (none):
    ** S00..S11 by name, (other) of S12..S21 (10), then (none) */
    z = sv_svg(db, "SELECT bar_svg(c, s, v, 'T', 'stacked') FROM h");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">S11</text>"));
    ck_assert_ptr_null(strstr(z, ">S12</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>cat \xC2\xB7 (other, 10 more): 10</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>cat \xC2\xB7 (none): 5</title>"));
    ck_assert_ptr_nonnull(strstr(z, " font-style=\"italic\"><title>(other, 10 more)\nS12, S13, S14,"
                                    " S15, S16, S17, S18, S19, S20, S21</title>(other, 10 more)</text>"));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 14);
    ck_assert_ptr_nonnull(strstr(z, "font-weight=\"700\">27</text>")); /* the stack's total */
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------------------ security */

/* Innocuous: usable in a view even with trusted_schema OFF. */
START_TEST(test_innocuous) {
    sqlite3 *db = lpt_open_fixture("flows");
    lpt_exec(db,
        "PRAGMA trusted_schema = OFF;"
        "CREATE VIEW charts AS SELECT sankey_svg(src, dst, w) AS s, bar_svg(src, dst, w) AS b FROM flows;");
    lpt_assert_rows(db, "SELECT substr(s, 1, 4), substr(b, -6) FROM charts", "<svg|</svg>\n");
    sqlite3_close(db);
}
END_TEST

/* The demo data set as the manual charts it. */
START_TEST(test_demo_charts) {
    sqlite3 *db = lpt_open();
    char *z;
    lpt_exec(db, "CREATE TABLE enrollments AS SELECT * FROM sample_enrollments(2000, 42);");
    z = sv_svg(db,
        "SELECT sankey_svg(from_program, to_program, users, 'Students: first \xE2\x86\x92 next program')"
        " FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE step = 1 AND segment = 'student'");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, "font-style=\"italic\">did not continue<tspan"));
    ck_assert_ptr_nonnull(strstr(z, ">Program A<tspan"));
    sqlite3_free(z);
    z = sv_svg(db,
        "SELECT bar_svg(program, user_type, n, 'Program popularity') FROM"
        " (SELECT program, user_type, count(DISTINCT user_id) AS n FROM enrollments GROUP BY 1, 2)");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">Flagship</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">professional</text>"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------- edges: axes, values, text */

/*
** The tests below read a chart through lpt_query: the text of the one
** value, which must be one SVG document (sv_doc).
*/

/* One chart: the TEXT of the query's single value (caller frees). */
static char *sv_doc(sqlite3 *db, const char *zSql) {
    char *z = lpt_query(db, zSql);
    size_t n;
    ck_assert_ptr_nonnull(z);
    n = strlen(z);
    ck_assert_msg(strncmp(z, "<svg ", 5) == 0 && n > 8 && strcmp(z + n - 7, "</svg>\n") == 0,
                  "not one SVG document: %.200s", z);
    z[n - 1] = 0; /* the row's newline */
    return z;
}

/* The canvas width of a chart (the root's width attribute). */
static int sv_doc_width(sqlite3 *db, const char *zSql) {
    char *z = sv_doc(db, zSql);
    const char *zW = strstr(z, " width=\"");
    int w;
    ck_assert_ptr_nonnull(zW);
    w = atoi(zW + 8);
    sqlite3_free(z);
    return w;
}

/* Assert that the chart of zSql contains zPart (or, with bHas = 0, not). */
static void sv_doc_has(sqlite3 *db, const char *zSql, const char *zPart, int bHas) {
    char *z = sv_doc(db, zSql);
    ck_assert_msg((strstr(z, zPart) != NULL) == bHas, "%s %s in:\n%s", bHas ? "no" : "unexpected",
                  zPart, z);
    sqlite3_free(z);
}

/* Occurrences of zPart in z, overlapping ones counted too. */
static int sv_count_overlapping(const char *z, const char *zPart) {
    int n = 0;
    for (z = strstr(z, zPart); z; z = strstr(z + 1, zPart)) n++;
    return n;
}

/* bar_svg with every series NULL: one "(none)" series (svg rule 2); a chart
** of zeros gets the axis 0 to 1; a range of 5 the ticks 0, 1, ..., 5. */
START_TEST(test_svg_axis_and_none_series) {
    sqlite3 *db = lpt_open();
    const char *zSql = "SELECT bar_svg('a', NULL, 3)";
    sv_doc_has(db, zSql, ">(none)</text>", 1);
    sv_doc_has(db, zSql, "<title>a \xC2\xB7 (none): 3</title>", 1);
    zSql = "SELECT bar_svg('a', NULL, 0)";
    sv_doc_has(db, zSql, "dy=\"0.35em\">0</text>\n<text x=\"32.6\" y=\"66.0\" dy=\"0.35em\">1</text>", 1);
    zSql = "SELECT bar_svg('a', NULL, 5)";
    char *z = sv_doc(db, zSql);
    for (int i = 0; i <= 5; i++) {
        char zTick[40];
        snprintf(zTick, sizeof(zTick), "dy=\"0.35em\">%d</text>", i);
        ck_assert_msg(strstr(z, zTick) != NULL, "no tick %d in %s", i, z);
    }
    ck_assert_int_eq(sv_count_overlapping(z, "dy=\"0.35em\">"), 6);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Values near the ends of the number line (svg rules 1, 2, 5): 70 halves
** add up exactly; two INT64_MIN sum beyond 64 bits (shown, as SQLite's
** printf shows numbers, to 16 digits); infinity is ignored; a
** subnormal weight or value draws (as 0) instead of breaking the layout. */
START_TEST(test_svg_extreme_values) {
    sqlite3 *db = lpt_open();
    sv_doc_has(db,
               "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 70)"
               " SELECT bar_svg('a', NULL, 0.5) FROM c",
               "<title>a \xC2\xB7 (none): 35</title>", 1);
    sv_doc_has(db,
               "SELECT bar_svg('a', NULL, -9223372036854775808)"
               " FROM (SELECT 1 UNION ALL SELECT 2)",
               "<title>a \xC2\xB7 (none): -18,446,744,073,709,550,000</title>", 1);
    sv_doc_has(db, "SELECT bar_svg('a', NULL, 1e999)", ">no data</text>", 1);
    sv_doc_has(db, "SELECT sankey_svg('a', 'b', 1e999)", ">no data</text>", 1);
    sv_doc_has(db, "SELECT sankey_svg('a', 'b', 1e-320)", "<title>a: 0</title>", 1);
    /* ranges of 2 and 5 times the least subnormal: the tick step is 1 */
    for (int i = 0; i < 2; i++) {
        char *z = sv_doc(db, i ? "SELECT bar_svg('a', NULL, 1e-323)" : "SELECT bar_svg('a', NULL, 2.5e-323)");
        ck_assert_ptr_nonnull(strstr(z, "<title>a \xC2\xB7 (none): 0</title>"));
        ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">0</text>"));
        ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">1</text>"));
        ck_assert_int_eq(sv_count_overlapping(z, "dy=\"0.35em\">"), 2);
        sqlite3_free(z);
    }
    sqlite3_close(db);
}
END_TEST

/* Many cells (300 category/series pairs): each bar keeps its own value. */
START_TEST(test_svg_many_cells) {
    sqlite3 *db = lpt_open();
    char *z = sv_doc(db,
                     "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 299)"
                     " SELECT bar_svg(printf('c%03d', i / 3), 's' || (i % 3), i) FROM c");
    ck_assert_int_eq(sv_count_overlapping(z, "</title></rect>"), 300);
    ck_assert_ptr_nonnull(strstr(z, "<title>c000 \xC2\xB7 s0: 0</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>c042 \xC2\xB7 s1: 127</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>c099 \xC2\xB7 s2: 299</title>"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Svg rule 4: characters of two, three and four bytes are kept; CR becomes
** a space, U+FFFF becomes U+FFFD. */
START_TEST(test_svg_label_characters) {
    sqlite3 *db = lpt_open();
    sv_doc_has(db,
               "SELECT bar_svg('x' || char(0xE9, 0x800, 0x1F600, 0x40000, 13, 0xFFFF) || 'y',"
               " NULL, 1)",
               ">x\xC3\xA9\xE0\xA0\x80\xF0\x9F\x98\x80\xF1\x80\x80\x80 \xEF\xBF\xBDy</text>", 1);
    sqlite3_close(db);
}
END_TEST

/* Layout estimate (header of svg.h): East Asian wide characters and
** emoji take 1 em, other characters 0.58 em, combining marks none. */
START_TEST(test_svg_character_widths) {
    sqlite3 *db = lpt_open();
    static const int aWide[] = {0x1100, 0x3042, 0xAC00, 0xF900, 0xFE30,
                                0xFF01, 0xFFE0, 0x1F600, 0x20000};
    static const int aNarrow[] = {0x1160, 0xA4D0, 0xD7B0, 0xFB00, 0xFE50,
                                  0xFF61, 0xFFE8, 0x1FB00, 0x40000};
    char zSql[200];
    int wRef = sv_doc_width(db, "SELECT sankey_svg('a', replace(printf('%20s', ''), ' ', 'a'), 1)");
    for (int i = 0; i < (int)(sizeof(aWide) / sizeof(aWide[0])); i++) {
        snprintf(zSql, sizeof(zSql),
                 "SELECT sankey_svg('a', replace(printf('%%20s', ''), ' ', char(%d)), 1)", aWide[i]);
        ck_assert_msg(sv_doc_width(db, zSql) > wRef, "U+%04X not wide", aWide[i]);
        snprintf(zSql, sizeof(zSql),
                 "SELECT sankey_svg('a', replace(printf('%%20s', ''), ' ', char(%d)), 1)", aNarrow[i]);
        ck_assert_msg(sv_doc_width(db, zSql) == wRef, "U+%04X not narrow", aNarrow[i]);
    }
    ck_assert_int_eq(
        sv_doc_width(db, "SELECT sankey_svg('a', replace(printf('%20s', ''), ' ', 'a' || char(0x301)), 1)"),
        wRef);
    sqlite3_close(db);
}
END_TEST

/* Svg rule 3: the limit is in characters, not bytes: 31 two-byte
** characters (62 bytes) are shown whole. */
START_TEST(test_svg_label_limit_in_characters) {
    sqlite3 *db = lpt_open();
    const char *zSql = "SELECT bar_svg(replace(printf('%31s', ''), ' ', char(0xE9)), NULL, 1)";
    sv_doc_has(db, zSql, "\xE2\x80\xA6", 0);
    sv_doc_has(db, zSql,
               ">\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
               "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
               "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
               "\xC3\xA9</text>",
               1);
    sqlite3_close(db);
}
END_TEST

/* Svg rule 3: a title over 100 characters is cut with an ellipsis, the
** full text in a <title> child; it sets the canvas width of every kind of
** chart alike. */
START_TEST(test_svg_long_title) {
    sqlite3 *db = lpt_open();
    const char *zTitle = "replace(printf('%120s', ''), ' ', 'T')";
    char *zBar = sqlite3_mprintf("SELECT bar_svg('a', NULL, 1, %s)", zTitle);
    char *zSankey = sqlite3_mprintf("SELECT sankey_svg('a', 'b', 1, %s)", zTitle);
    char *zNone = sqlite3_mprintf("SELECT sankey_svg('a', 'b', 0, %s)", zTitle);
    char zFull[140], zCut[140];
    memset(zFull, 'T', 120);
    zFull[120] = 0;
    memset(zCut, 'T', 99);
    strcpy(zCut + 99, "\xE2\x80\xA6</text>");
    char *z = sv_doc(db, zBar);
    char *zChild = sqlite3_mprintf("font-weight=\"700\"><title>%s</title>%s", zFull, zCut);
    ck_assert_msg(strstr(z, zChild) != NULL, "no cut title in %s", z);
    sqlite3_free(zChild);
    sqlite3_free(z);
    int w = sv_doc_width(db, zBar);
    ck_assert_int_gt(w, 1000);
    ck_assert_int_eq(sv_doc_width(db, zSankey), w);
    ck_assert_int_eq(sv_doc_width(db, zNone), w);
    sv_doc_has(db, zNone, ">no data</text>", 1);
    sqlite3_free(zBar);
    sqlite3_free(zSankey);
    sqlite3_free(zNone);
    sqlite3_close(db);
}
END_TEST

/* A chart longer than SQLITE_LIMIT_LENGTH is "string or blob too big". */
START_TEST(test_svg_too_big) {
    sqlite3 *db = lpt_open();
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1000);
    lpt_assert_rows(db, "SELECT bar_svg('a', NULL, 1)", "ERROR: string or blob too big");
    lpt_assert_rows(db, "SELECT sankey_svg('a', 'b', 1)", "ERROR: string or blob too big");
    sqlite3_close(db);
}
END_TEST

/* A legend wider than the canvas wraps to a second line at the left. */
START_TEST(test_svg_legend_wraps) {
    sqlite3 *db = lpt_open();
    char *z = sv_doc(db,
                     "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 8)"
                     " SELECT bar_svg('a', 'a rather long series name ' || i, i) FROM c");
    ck_assert_ptr_nonnull(strstr(z, "<rect x=\"24.0\" y=\"26.0\" width=\"12\" height=\"12\""));
    ck_assert_ptr_nonnull(strstr(z, "<rect x=\"24.0\" y=\"46.0\" width=\"12\" height=\"12\""));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Stacked bars: a stack of zeros gets its total above the zero line; bars
** spread over a canvas widened to its minimum keep their width. */
START_TEST(test_svg_stacked_labels) {
    sqlite3 *db = lpt_open();
    char *z = sv_doc(db, "SELECT bar_svg(column1, column2, column3, NULL, 'stacked') FROM (VALUES"
                         " ('a', 's1', 100000000), ('a', 's2', -99999999), ('b', 's1', 0))");
    ck_assert_ptr_nonnull(strstr(z, "<title>a \xC2\xB7 s1: 100,000,000</title>"));
    ck_assert_ptr_nonnull(strstr(z, "fill=\"#ffffff\">100,000,000</text>"));
    ck_assert_ptr_nonnull(strstr(z, "font-weight=\"700\">1</text>"));
    ck_assert_ptr_nonnull(strstr(z, "font-weight=\"700\">0</text>"));
    sqlite3_free(z);
    z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 5)"
                   " SELECT bar_svg('c' || i, NULL, i, NULL, 'stacked') FROM c");
    ck_assert_int_eq(sv_count_overlapping(z, "width=\"34.0\""), 5);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------ colours (svg rule 9) */

/*
** README rule 15 and svg rule 9. The helpers below read a chart as a user
** would look at it: the fill of each legend swatch, of each bar, of each
** sankey node, found by the label or hover text next to it.
*/

/* A legend entry of a bar chart: its swatch's fill and y, its label. */
typedef struct sv_entry {
    char zFill[8];
    double y;
    char zLabel[200];
    int isItalic;
} sv_entry;

/* The legend of a bar chart, in order, into a (at most nMax); the count. */
static int sv_legend(const char *z, sv_entry *a, int nMax) {
    int n = 0;
    const char *zSwatch = "width=\"12\" height=\"12\" rx=\"2\" fill=\"";
    for (const char *p = strstr(z, zSwatch); p; p = strstr(p + 1, zSwatch)) {
        const char *q = p, *zText, *zEnd;
        ck_assert_int_lt(n, nMax);
        while (q > z && strncmp(q, " y=\"", 4) != 0) q--;
        a[n].y = atof(q + 4);
        memcpy(a[n].zFill, p + strlen(zSwatch), 7);
        a[n].zFill[7] = 0;
        zText = strstr(p, "<text");
        ck_assert_ptr_nonnull(zText);
        zEnd = strstr(zText, "</text>");
        a[n].isItalic = strstr(zText, "font-style=\"italic\"") != NULL &&
                        strstr(zText, "font-style=\"italic\"") < zEnd;
        q = strchr(zText, '>') + 1;
        if (strncmp(q, "<title>", 7) == 0) q = strstr(q, "</title>") + 8;
        ck_assert_int_lt((int)(zEnd - q), (int)sizeof(a[n].zLabel));
        memcpy(a[n].zLabel, q, (size_t)(zEnd - q));
        a[n].zLabel[zEnd - q] = 0;
        n++;
    }
    return n;
}

/* The fill of the legend entry labelled zLabel ("" if none). */
static const char *sv_legend_fill(const sv_entry *a, int n, const char *zLabel) {
    for (int i = 0; i < n; i++) {
        if (strcmp(a[i].zLabel, zLabel) == 0) return a[i].zFill;
    }
    return "";
}

/* The fill of the element whose <title> starts with zTitle (a bar
** "category · series: ", a sankey node "name: "); into zOut[8]. */
static void sv_fill_of(const char *z, const char *zTitle, char *zOut) {
    char *zFind = sqlite3_mprintf("\"><title>%s", zTitle);
    const char *p = strstr(z, zFind);
    ck_assert_msg(p != NULL, "no element titled %s", zTitle);
    sqlite3_free(zFind);
    while (p > z && strncmp(p, "fill=\"", 6) != 0) p--;
    memcpy(zOut, p + 6, 7);
    zOut[7] = 0;
}

/* Whether all n fills differ from one another and from the greys. */
static int sv_fills_distinct(const sv_entry *a, int n) {
    for (int i = 0; i < n; i++) {
        if (sqlite3_stricmp(a[i].zFill, "#a3a3a3") == 0) return 0;
        if (sqlite3_stricmp(a[i].zFill, "#d0d7de") == 0) return 0;
        for (int j = i + 1; j < n; j++) {
            if (sqlite3_stricmp(a[i].zFill, a[j].zFill) == 0) return 0;
        }
    }
    return 1;
}

/* WCAG relative luminance of "#rrggbb". */
static double sv_luminance(const char *zHex) {
    double l[3];
    for (int k = 0; k < 3; k++) {
        char zByte[3] = {zHex[1 + 2 * k], zHex[2 + 2 * k], 0};
        double c = (double)strtol(zByte, NULL, 16) / 255.0;
        l[k] = c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

static double sv_contrast(const char *zA, const char *zB) {
    double a = sv_luminance(zA), b = sv_luminance(zB);
    return a > b ? (a + 0.05) / (b + 0.05) : (b + 0.05) / (a + 0.05);
}

/*
** Rule 15: twelve series get twelve colours, none a grey, none shared;
** each bar has its legend's colour; the value written on a segment is in
** the text colour of higher contrast on it (at least 3:1).
*/
START_TEST(test_svg_twelve_colours) {
    sqlite3 *db = lpt_open();
    sv_entry a[20];
    int n;
    char *z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 12)"
                         " SELECT bar_svg('cat', printf('S%02d', i), 100, 'Twelve', 'stacked') FROM c");
    const char *p;
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, SVG_TEST_NCOLOR);
    ck_assert_msg(sv_fills_distinct(a, n), "two series share a colour:\n%s", z);
    ck_assert_ptr_null(strstr(z, "(other"));
    for (int i = 0; i < n; i++) {
        char zTitle[40], zLabel[16], zFill[8];
        snprintf(zLabel, sizeof(zLabel), "S%02d", i + 1);
        snprintf(zTitle, sizeof(zTitle), "cat \xC2\xB7 %s: ", zLabel);
        ck_assert_str_eq(a[i].zLabel, zLabel);
        sv_fill_of(z, zTitle, zFill);
        ck_assert_str_eq(zFill, a[i].zFill);
    }
    /* the segments' values, in the order of the segments */
    p = z;
    for (int i = 0; i < n; i++) {
        char zText[8];
        p = strstr(p, "dy=\"0.35em\" fill=\"");
        ck_assert_ptr_nonnull(p);
        memcpy(zText, p + 18, 7);
        zText[7] = 0;
        ck_assert_msg(strncmp(p + 25, "\">100</text>", 12) == 0, "%.40s", p);
        ck_assert_msg(sv_contrast(zText, a[i].zFill) >= 3.0, "%s on %s", zText, a[i].zFill);
        ck_assert_msg(sv_contrast(zText, a[i].zFill) >=
                          sv_contrast(strcmp(zText, "#ffffff") ? "#ffffff" : "#1f2328", a[i].zFill),
                      "%s on %s", zText, a[i].zFill);
        p++;
    }
    sqlite3_free(z);
    /* a sankey of 12 programs: 12 node colours */
    z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 12)"
                   " SELECT sankey_svg(printf('P%02d', i), NULL, i) FROM c");
    for (int i = 0; i < n; i++) {
        char zTitle[32];
        snprintf(zTitle, sizeof(zTitle), "P%02d: %d<", i + 1, i + 1);
        sv_fill_of(z, zTitle, a[i].zFill);
    }
    ck_assert(sv_fills_distinct(a, n));
    ck_assert_ptr_null(strstr(z, "(other"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 15: the report's eight series (seven programs and "(several at
** once)") used to give the eighth the first one's #0072B2 (7 colours).
*/
START_TEST(test_svg_eight_series_distinct) {
    sqlite3 *db = lpt_open();
    sv_entry a[20];
    int n;
    char *z = sv_doc(db, "SELECT bar_svg(m, p, 10, 'Starts', 'stacked') FROM"
                         " (SELECT column1 AS p FROM (VALUES ('Flagship'), ('Program A'),"
                         " ('Program B'), ('Program C'), ('Program D'), ('Program E'), ('Program F'),"
                         " ('(several at once)'))), (SELECT '2021-01' AS m UNION ALL SELECT '2021-02')");
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, 8);
    ck_assert_str_eq(a[0].zLabel, "(several at once)");
    ck_assert_msg(sv_fills_distinct(a, n), "two series share a colour");
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 15: 22 series: the 12 largest keep a colour each, the other 10 are
** one "(other, 10 more)" series whose value in each category is the sum
** of theirs (checked against SQL's own sum); the same in a sankey.
*/
START_TEST(test_svg_fold_into_other) {
    sqlite3 *db = lpt_open();
    sv_entry a[20];
    int n;
    char *z, *zWant, *zSum;
    lpt_exec(db, "CREATE TABLE t AS WITH RECURSIVE c(i) AS"
                 " (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 44)"
                 " SELECT 'cat' || (i % 2) AS c, printf('P%02d', (i + 1) / 2) AS s, i AS v FROM c;");
    z = sv_doc(db, "SELECT bar_svg(c, s, v, 'Many', 'stacked') FROM t");
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, SVG_TEST_NCOLOR + 1);
    ck_assert(sv_fills_distinct(a, SVG_TEST_NCOLOR));
    ck_assert_str_eq(a[0].zLabel, "P11"); /* P11..P22 are the largest, in name order */
    ck_assert_str_eq(a[11].zLabel, "P22");
    ck_assert_str_eq(a[12].zLabel, "(other, 10 more)");
    ck_assert_str_eq(a[12].zFill, "#d0d7de");
    ck_assert(a[12].isItalic);
    ck_assert_ptr_nonnull(strstr(z, "<title>(other, 10 more)\nP01, P02, P03, P04, P05, P06, P07, P08,"
                                    " P09, P10</title>(other, 10 more)</text>"));
    for (int k = 0; k < 2; k++) {
        zSum = lpt_query(db, k ? "SELECT sum(v) FROM t WHERE s < 'P11' AND c = 'cat1'"
                               : "SELECT sum(v) FROM t WHERE s < 'P11' AND c = 'cat0'");
        zSum[strlen(zSum) - 1] = 0;
        zWant = sqlite3_mprintf("fill=\"#d0d7de\"><title>cat%d \xC2\xB7 (other, 10 more): %s</title>",
                                k, zSum);
        ck_assert_msg(strstr(z, zWant) != NULL, "no %s", zWant);
        sqlite3_free(zWant);
        sqlite3_free(zSum);
    }
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 2 * (SVG_TEST_NCOLOR + 1));
    sqlite3_free(z);
    /* sankey: 22 programs to 2 segments; the 12 names of largest total are
    ** cat0, cat1 and P13..P22; "(other, 12 more)" holds P01..P12 */
    z = sv_doc(db, "SELECT sankey_svg(s, c, v) FROM t");
    zSum = lpt_query(db, "SELECT sum(v) FROM t WHERE s < 'P13'");
    zSum[strlen(zSum) - 1] = 0;
    zWant = sqlite3_mprintf("fill=\"#d0d7de\"><title>(other, 12 more): %s\nP12, P11, P10, P09, P08,"
                            " P07, P06, P05, P04, P03, P02, P01</title>", zSum);
    ck_assert_msg(strstr(z, zWant) != NULL, "no %s", zWant);
    sqlite3_free(zWant);
    sqlite3_free(zSum);
    ck_assert_ptr_nonnull(strstr(z, "<title>P13: 51</title>"));
    ck_assert_ptr_null(strstr(z, "<title>P12: "));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 10 + 1 + 2);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 15: a series the data names "(other)" is a series like any other
** (a colour, its name alone); the fold is "(other, N more)" in light grey
** italics, so the two never read alike.
*/
START_TEST(test_svg_other_in_the_data) {
    sqlite3 *db = lpt_open();
    sv_entry a[20];
    int n;
    char *z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 13)"
                         " SELECT bar_svg('cat', CASE i WHEN 13 THEN '(other)' ELSE printf('S%02d', i)"
                         " END, i) FROM c");
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, 13);
    ck_assert_str_eq(a[0].zLabel, "(other)"); /* by name: '(' sorts first */
    ck_assert(!a[0].isItalic);
    ck_assert_str_eq(a[12].zLabel, "(other, 1 more)"); /* S01, the smallest */
    ck_assert(a[12].isItalic);
    ck_assert(sv_fills_distinct(a, 12));
    ck_assert_str_eq(a[12].zFill, "#d0d7de");
    ck_assert_ptr_nonnull(strstr(z, "<title>cat \xC2\xB7 (other): 13</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>cat \xC2\xB7 (other, 1 more): 1</title>"));
    sqlite3_free(z);
    /* in a palette too: "(other)" named there takes its slot */
    z = sv_doc(db, "SELECT bar_svg('cat', column1, 1, NULL, 'grouped', '[\"x\", \"(other)\"]')"
                   " FROM (VALUES ('x'), ('(other)'), ('y'))");
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(a[1].zLabel, "(other)");
    ck_assert_str_eq(a[1].zFill, "#E69F00");
    ck_assert_str_eq(a[2].zLabel, "(other, 1 more)");
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/*
** Rule 15: with one palette, a program keeps one colour in every chart,
** bar or sankey, whatever each chart's own ranking and whichever programs
** it holds; without it, the colours differ (so the test can fail).
*/
START_TEST(test_svg_palette_across_charts) {
    sqlite3 *db = lpt_open();
    sv_entry a[20];
    int n;
    char zA1[8], zA2[8], zB1[8], zB2[8];
    char *z;
    lpt_exec(db,
        "CREATE TABLE t(chart, c, s, v);"
        "INSERT INTO t VALUES (1, 'x', 'Alpha', 900), (1, 'x', 'Beta', 10), (1, 'x', 'Gamma', 50),"
        " (2, 'x', 'Beta', 800), (2, 'x', 'Gamma', 5);"
        "CREATE TABLE pal AS SELECT json_group_array(s) AS p FROM"
        " (SELECT s FROM t GROUP BY s ORDER BY sum(v) DESC);"); /* ["Alpha","Beta","Gamma"] */
    lpt_assert_rows(db, "SELECT p FROM pal", "[\"Alpha\",\"Beta\",\"Gamma\"]\n");
    /* without a palette, Beta changes colour between the charts */
    z = sv_doc(db, "SELECT bar_svg(c, s, v) FROM t WHERE chart = 1");
    n = sv_legend(z, a, 20);
    snprintf(zB1, sizeof(zB1), "%s", sv_legend_fill(a, n, "Beta"));
    sqlite3_free(z);
    z = sv_doc(db, "SELECT bar_svg(c, s, v) FROM t WHERE chart = 2");
    n = sv_legend(z, a, 20);
    snprintf(zB2, sizeof(zB2), "%s", sv_legend_fill(a, n, "Beta"));
    sqlite3_free(z);
    ck_assert_str_ne(zB1, zB2);
    /* with it: the same fill, the palette's colour i for name i */
    for (int chart = 1; chart <= 2; chart++) {
        char *zSql = sqlite3_mprintf("SELECT bar_svg(c, s, v, 'T', 'stacked', (SELECT p FROM pal))"
                                     " FROM t WHERE chart = %d", chart);
        z = sv_doc(db, zSql);
        sqlite3_free(zSql);
        n = sv_legend(z, a, 20);
        ck_assert_int_eq(n, chart == 1 ? 3 : 2);
        ck_assert_str_eq(sv_legend_fill(a, n, "Beta"), "#E69F00");
        ck_assert_str_eq(sv_legend_fill(a, n, "Gamma"), "#009E73");
        ck_assert_str_eq(a[0].zLabel, chart == 1 ? "Alpha" : "Beta"); /* palette order */
        sqlite3_free(z);
    }
    ck_assert_str_eq(sv_legend_fill(a, n, "Alpha"), ""); /* not in chart 2 */
    /* sankeys whose rankings differ: Alpha first in one, Beta in the other */
    z = sv_doc(db, "SELECT sankey_svg(s, NULL, v, 'One', (SELECT p FROM pal)) FROM t WHERE chart = 1");
    sv_fill_of(z, "Alpha: ", zA1);
    sv_fill_of(z, "Beta: ", zB1);
    sqlite3_free(z);
    z = sv_doc(db, "SELECT sankey_svg(s, 'Alpha', v, 'Two', (SELECT p FROM pal)) FROM t WHERE chart = 2");
    sv_fill_of(z, "Alpha: ", zA2);
    sv_fill_of(z, "Beta: ", zB2);
    ck_assert(sv_label_y(z, "Beta") < sv_label_y(z, "Gamma"));
    sqlite3_free(z);
    ck_assert_str_eq(zA1, "#0072B2");
    ck_assert_str_eq(zA2, "#0072B2");
    ck_assert_str_eq(zB1, "#E69F00");
    ck_assert_str_eq(zB2, "#E69F00");
    /* names the palette does not hold, or holds past its 12th entry, fold */
    z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 13)"
                   " SELECT bar_svg('x', 'n' || i, i, NULL, 'grouped',"
                   " '[\"n13\",\"n1\",\"n2\",\"n3\",\"n4\",\"n5\",\"n6\",\"n7\",\"n8\",\"n9\",\"n10\","
                   "\"n11\",\"n12\"]') FROM c");
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, 13);
    ck_assert_str_eq(a[0].zLabel, "n13");
    ck_assert_str_eq(a[11].zLabel, "n11");
    ck_assert_str_eq(a[11].zFill, "#7F3C8D");
    ck_assert_str_eq(a[12].zLabel, "(other, 1 more)");
    ck_assert_ptr_nonnull(strstr(z, "<title>x \xC2\xB7 (other, 1 more): 12</title>"));
    sqlite3_free(z);
    /* numbers match the name written the same way; escapes are decoded */
    z = sv_doc(db, "SELECT bar_svg('x', column1, 1, NULL, 'grouped',"
                   " ' [ -1.5e3 , \"caf\\u00e9\", 2020, \"a\\\"b\\/\\ud83d\\ude00\" ] ')"
                   " FROM (VALUES (2020), ('caf' || char(233)), ('-1.5e3'), ('a\"b/' || char(128512)))");
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(a[0].zLabel, "-1.5e3");
    ck_assert_str_eq(a[1].zLabel, "caf\xC3\xA9");
    ck_assert_str_eq(a[2].zLabel, "2020");
    ck_assert_str_eq(a[3].zLabel, "a&quot;b/\xF0\x9F\x98\x80");
    ck_assert_str_eq(a[3].zFill, "#CC79A7");
    sqlite3_free(z);
    /* an empty palette folds everything; NULL is no palette */
    sv_doc_has(db, "SELECT bar_svg('x', 'a', 1, NULL, 'grouped', '[]')", ">(other, 1 more)</text>", 1);
    lpt_assert_rows(db, "SELECT bar_svg(c, s, v, NULL, 'grouped', NULL) = bar_svg(c, s, v),"
                        " sankey_svg(c, s, v, NULL, NULL) = sankey_svg(c, s, v) FROM t", "1|1\n");
    /* one palette per group: groups may differ */
    lpt_assert_rows(db, "SELECT chart, bar_svg(c, s, v, NULL, 'grouped', '[\"' || chart || '\"]') LIKE '<svg%'"
                        " FROM t GROUP BY chart", "1|1\n2|1\n");
    sqlite3_close(db);
}
END_TEST

/* Rule 15: palettes that are not a JSON array of names, name one twice or
** change between rows are refused, naming the function and the problem. */
START_TEST(test_svg_palette_errors) {
    sqlite3 *db = lpt_open_fixture("flows");
    static const char *const aCase[][2] = {
        {"42", "palette must be a JSON array of names as text, not 42"},
        {"x'5b5d'", "palette must be a JSON array of names as text, not a blob"},
        {"'{}'", "palette is not a JSON array of names (strings or numbers): no '[' at byte 1"},
        {"''", "palette is not a JSON array of names (strings or numbers): no '[' at byte 1"},
        {"'[\"a\", \"b\"'", "palette is not a JSON array of names (strings or numbers): an array"
                         " that is not closed at byte 10"},
        {"'[\"a\" \"b\"]'", "palette is not a JSON array of names (strings or numbers): no ',' or"
                         " ']' after an element at byte 6"},
        {"'[\"a\",]'", "palette is not a JSON array of names (strings or numbers): an element that"
                     " is not a string or a number at byte 6"},
        {"'[null]'", "palette is not a JSON array of names (strings or numbers): an element that"
                   " is not a string or a number at byte 2"},
        {"'[[\"a\"]]'", "palette is not a JSON array of names (strings or numbers): an element that"
                      " is not a string or a number at byte 2"},
        {"'[\"a]'", "palette is not a JSON array of names (strings or numbers): a string that is"
                  " not closed at byte 5"},
        {"'[\"a\\x\"]'", "palette is not a JSON array of names (strings or numbers): an unknown"
                       " escape at byte 4"},
        {"'[\"\\u12\"]'", "palette is not a JSON array of names (strings or numbers): a \\u escape"
                        " without four hex digits at byte 3"},
        {"'[\"\\udc00\"]'", "palette is not a JSON array of names (strings or numbers): a lone \\u"
                          " surrogate at byte 3"},
        {"'[\"' || char(9) || '\"]'", "palette is not a JSON array of names (strings or numbers): a"
                                    " control character in a string at byte 3"},
        {"'[01]'", "palette is not a JSON array of names (strings or numbers): no ',' or ']' after"
                 " an element at byte 3"},
        {"'[1.]'", "palette is not a JSON array of names (strings or numbers): a number that is"
                 " not JSON at byte 4"},
        {"'[-]'", "palette is not a JSON array of names (strings or numbers): a number that is not"
                " JSON at byte 2"},
        {"'[] []'", "palette is not a JSON array of names (strings or numbers): text after the"
                  " closing ']' at byte 4"},
        {"'[\"A\", \"B\", \"A\"]'", "palette names 'A' twice"},
        {"'[1, \"1\"]'", "palette names '1' twice"},
        {"CASE WHEN rowid = 3 THEN '[\"a\"]' ELSE '[\"b\"]' END", "palette must be the same on every row"},
        {"CASE WHEN rowid = 3 THEN '[\"a\"]' END", "palette must be the same on every row"},
        {"CASE WHEN rowid = 1 THEN '[\"a\"]' END", "palette must be the same on every row"},
    };
    for (size_t k = 0; k < sizeof(aCase) / sizeof(aCase[0]); k++) {
        char *zSql = sqlite3_mprintf("SELECT bar_svg(src, dst, w, 'T', 'stacked', %s) FROM flows",
                                     aCase[k][0]);
        char *zWant = sqlite3_mprintf("ERROR: bar_svg(): %s", aCase[k][1]);
        lpt_assert_rows(db, zSql, zWant);
        sqlite3_free(zSql);
        sqlite3_free(zWant);
        zSql = sqlite3_mprintf("SELECT sankey_svg(src, dst, w, 'T', %s) FROM flows", aCase[k][0]);
        zWant = sqlite3_mprintf("ERROR: sankey_svg(): %s", aCase[k][1]);
        lpt_assert_rows(db, zSql, zWant);
        sqlite3_free(zSql);
        sqlite3_free(zWant);
    }
    sqlite3_close(db);
}
END_TEST

/*
** Rule 15: a long legend (13 series with long names) wraps onto several
** lines and the plot moves down: no legend entry lies in the plot (below
** the top grid line); names cut at 40 characters keep their full text in
** a <title>; the canvas grows by the legend's extra lines.
*/
START_TEST(test_svg_legend_clear_of_plot) {
    sqlite3 *db = lpt_open();
    sv_entry a[20];
    int n, nLine = 1;
    double yTop = 1e9, hShort, hLong;
    const char *p;
    char *z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 14)"
                         " SELECT bar_svg('cat' || (i % 3), printf('Module %02d: an introduction to"
                         " something rather long', i), i, 'Legend') FROM c");
    for (p = strstr(z, "<line x1="); p; p = strstr(p + 1, "<line x1=")) {
        double y = atof(strstr(p, " y1=\"") + 5);
        if (y < yTop) yTop = y;
    }
    n = sv_legend(z, a, 20);
    ck_assert_int_eq(n, 13);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(a[i].y + 12.0 < yTop, "legend entry %d at y %g, plot from %g", i, a[i].y, yTop);
        if (i > 0 && a[i].y > a[i - 1].y) nLine++;
    }
    ck_assert_int_ge(nLine, 3);
    ck_assert_ptr_nonnull(strstr(z, "<title>Module 14: an introduction to something rather long"
                                    "</title>Module 14: an introduction to something\xE2\x80\xA6</text>"));
    hLong = sv_root_attr(z, "height");
    sqlite3_free(z);
    z = sv_doc(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 14)"
                   " SELECT bar_svg('cat' || (i % 3), printf('M%02d', i), i, 'Legend') FROM c");
    hShort = sv_root_attr(z, "height");
    sqlite3_free(z);
    ck_assert_msg(hLong >= hShort + 20.0 * (nLine - 1), "height %g, short legend %g", hLong, hShort);
    sqlite3_close(db);
}
END_TEST

/* ------------------------------------------------ curve_svg (rules 10-13) */

/*
** The numbers of the path data "M x y H x V y ..." of the curve drawn in
** colour zColour (fill="none" stroke="zColour"), into a (at most nMax);
** the count. The commands must be M, then H and V in turn.
*/
static int sv_curve_path(const char *z, const char *zColour, double *a, int nMax) {
    char *zFind = sqlite3_mprintf("\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", zColour);
    const char *pEnd = strstr(z, zFind), *p;
    int n = 0;
    ck_assert_msg(pEnd != NULL, "no curve in %s", zColour);
    sqlite3_free(zFind);
    p = pEnd;
    while (p > z && strncmp(p, "<path d=\"M", 10) != 0) p--;
    p += 10;
    while (p < pEnd) {
        char *zNext;
        ck_assert_int_lt(n, nMax);
        a[n++] = strtod(p, &zNext);
        ck_assert_msg(zNext != p, "bad path data at %.20s", p);
        p = zNext;
        if (p < pEnd) {
            /* after M: x ' ' y; then H x V y */
            ck_assert_msg(n == 1 ? *p == ' ' : *p == (n % 2 ? 'V' : 'H'), "command at %.20s", p);
            p++;
        }
    }
    return n;
}

/* The band areas of colour zColour, in order: each one's smallest and
** largest x and y into aBox[4 * k .. 4 * k + 3]; the count. */
static int sv_curve_bands(const char *z, const char *zColour, double *aBox, int nMax) {
    char *zFind = sqlite3_mprintf("Z\" fill=\"%s\" fill-opacity=", zColour);
    const char *pEnd = z;
    int n = 0;
    while ((pEnd = strstr(pEnd, zFind)) != NULL) {
        const char *p = pEnd;
        char *q;
        double *b = &aBox[4 * n];
        ck_assert_int_lt(n, nMax);
        while (p > z && strncmp(p, "<path d=\"M", 10) != 0) p--;
        p += 10;
        b[0] = b[1] = strtod(p, &q);
        b[2] = b[3] = strtod(q + 1, &q);
        p = q;
        while (p < pEnd) {
            char c = *p++;
            double v = strtod(p, &q);
            p = q;
            ck_assert(c == 'H' || c == 'V');
            if (c == 'H') {
                if (v < b[0]) b[0] = v;
                if (v > b[1]) b[1] = v;
            } else {
                if (v < b[2]) b[2] = v;
                if (v > b[3]) b[3] = v;
            }
        }
        n++;
        pEnd++;
    }
    sqlite3_free(zFind);
    return n;
}

/* The hover texts of z that start with zPrefix, in order, each ended by
** '\n' (caller frees). */
static char *sv_titles(const char *z, const char *zPrefix) {
    sqlite3_str *pOut = sqlite3_str_new(NULL);
    char *zFind = sqlite3_mprintf("<title>%s", zPrefix), *zOut;
    for (const char *p = strstr(z, zFind); p; p = strstr(p + 1, zFind)) {
        const char *e = strstr(p, "</title>");
        sqlite3_str_appendf(pOut, "%.*s\n", (int)(e - p - 7), p + 7);
    }
    sqlite3_free(zFind);
    zOut = sqlite3_str_finish(pOut);
    return zOut ? zOut : sqlite3_mprintf("");
}

/* Rows of two series, out of order, for the tests below. */
#define SV_CURVE_ROWS                                                                    \
    "CREATE TABLE k(s, x, y, lo, hi);"                                                   \
    "INSERT INTO k VALUES ('b', 5, 0.2, 0.1, 0.3), ('a', 20, 0.25, 0.2, 0.35),"          \
    " ('a', 0, 1.0, NULL, NULL), ('b', 0, 0.0, 0.0, 0.0), ('a', 10, 0.5, 0.4, 0.6),"     \
    " ('b', 15, 0.4, NULL, 0.5), ('b', 20, 0.6, 0.5, 0.7);"

#define SV_MID "\xC2\xB7"
#define SV_DASH "\xE2\x80\x93"

/* Svg rule 10 and the steps: the path of a series is its rows by x, each
** value held until the next x (H, then V); the axes are 0-20 days and
** 0-100%, 560 by 300 px; each step and the end marker say series, day,
** value and band. */
START_TEST(test_curve_steps) {
    sqlite3 *db = lpt_open();
    double a[32];
    int n;
    char *z, *zT;
    lpt_exec(db, SV_CURVE_ROWS);
    z = sv_doc(db, "SELECT curve_svg(s, x, y, lo, hi, 'Steps') FROM k");
    sv_assert_wellformed(z);
    /* a: (0, 100%), (10, 50%), (20, 25%) */
    n = sv_curve_path(z, "#0072B2", a, 32);
    ck_assert_int_eq(n, 6);
    ck_assert_double_eq_tol(a[2] - a[0], 280.0, 0.051); /* H to day 10 */
    ck_assert_double_eq_tol(a[3] - a[1], 150.0, 0.051); /* V down to 50% */
    ck_assert_double_eq_tol(a[4] - a[0], 560.0, 0.051);
    ck_assert_double_eq_tol(a[5] - a[1], 225.0, 0.051);
    /* b: (0, 0%), (5, 20%), (15, 40%), (20, 60%): up the page */
    n = sv_curve_path(z, "#E69F00", a, 32);
    ck_assert_int_eq(n, 8);
    ck_assert_double_eq_tol(a[2] - a[0], 140.0, 0.051);
    ck_assert_double_eq_tol(a[1] - a[3], 60.0, 0.051);
    ck_assert_double_eq_tol(a[4] - a[0], 420.0, 0.051);
    ck_assert_double_eq_tol(a[1] - a[7], 180.0, 0.051);
    zT = sv_titles(z, "a ");
    ck_assert_str_eq(zT, "a " SV_MID " day 0: 100%\n"
                         "a " SV_MID " day 10: 50% (40%" SV_DASH "60%)\n"
                         "a " SV_MID " day 20: 25% (20%" SV_DASH "35%)\n");
    sqlite3_free(zT);
    zT = sv_titles(z, "b ");
    ck_assert_str_eq(zT, "b " SV_MID " day 0: 0% (0%" SV_DASH "0%)\n"
                         "b " SV_MID " day 5: 20% (10%" SV_DASH "30%)\n"
                         "b " SV_MID " day 15: 40%\n"
                         "b " SV_MID " day 20: 60% (50%" SV_DASH "70%)\n");
    sqlite3_free(zT);
    /* the end markers carry the last step's text */
    ck_assert_int_eq(sv_count(z, "<circle"), 2);
    ck_assert_ptr_nonnull(strstr(z, "stroke=\"#ffffff\"><title>a " SV_MID " day 20: 25%"));
    ck_assert_ptr_nonnull(strstr(z, ">100%</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">20</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">days</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>Steps</title>"));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* The band: lower to upper over each step; a NULL bound leaves a gap
** (two areas), never a zero; the last point's step has no width. */
START_TEST(test_curve_band) {
    sqlite3 *db = lpt_open();
    double a[32], box[4 * 8], x0, y0;
    int n;
    char *z;
    lpt_exec(db, SV_CURVE_ROWS);
    z = sv_doc(db, "SELECT curve_svg(s, x, y, lo, hi) FROM k");
    sv_curve_path(z, "#E69F00", a, 32);
    x0 = a[0]; /* day 0 */
    y0 = a[1]; /* 0% */
    /* b: 0-0% over [0, 5), 10-30% over [5, 15); a gap over [15, 20) */
    n = sv_curve_bands(z, "#E69F00", box, 8);
    ck_assert_int_eq(n, 1);
    ck_assert_double_eq_tol(box[0], x0, 0.051);
    ck_assert_double_eq_tol(box[1], x0 + 420.0, 0.051); /* ends at day 15 */
    ck_assert_double_eq_tol(box[3], y0, 0.051);         /* lowest: 0% */
    ck_assert_double_eq_tol(box[2], y0 - 90.0, 0.051);  /* highest: 30% */
    /* a: no band over [0, 10); 40-60% over [10, 20); day 20 ends it */
    n = sv_curve_bands(z, "#0072B2", box, 8);
    ck_assert_int_eq(n, 1);
    ck_assert_double_eq_tol(box[0], x0 + 280.0, 0.051);
    ck_assert_double_eq_tol(box[1], x0 + 560.0, 0.051);
    ck_assert_double_eq_tol(box[2], y0 - 180.0, 0.051);
    ck_assert_double_eq_tol(box[3], y0 - 120.0, 0.051);
    sqlite3_free(z);
    /* a NULL bound in the middle: two areas, the gap over its step */
    lpt_exec(db, "UPDATE k SET lo = 0.3 WHERE s = 'b' AND x = 15;"
                 "UPDATE k SET hi = NULL WHERE s = 'b' AND x = 5;");
    z = sv_doc(db, "SELECT curve_svg(s, x, y, lo, hi) FROM k WHERE s = 'b'");
    n = sv_curve_bands(z, "#0072B2", box, 8);
    ck_assert_int_eq(n, 2);
    ck_assert_double_eq_tol(box[1] - box[0], 140.0, 0.051); /* [0, 5) */
    ck_assert_double_eq_tol(box[4] - box[0], 420.0, 0.051); /* from day 15 */
    ck_assert_double_eq_tol(box[5] - box[0], 560.0, 0.051); /* to day 20 */
    sqlite3_free(z);
    /* without lower and upper: no band, no band in the hover texts */
    z = sv_doc(db, "SELECT curve_svg(s, x, y) FROM k");
    ck_assert_int_eq(sv_count(z, "fill-opacity"), 0);
    ck_assert_ptr_null(strstr(z, SV_DASH));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Output depends only on the multiset of rows: any order, the same bytes. */
START_TEST(test_curve_order_independent) {
    sqlite3 *db = lpt_open();
    char *z1, *z2, *z3;
    lpt_exec(db, "CREATE TABLE big AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                 " FROM c WHERE i < 3000) SELECT 's' || (i % 7) AS s, i / 7 AS x,"
                 " (i % 101) / 100.0 AS y, CASE WHEN i % 13 THEN (i % 101) / 200.0 END AS lo,"
                 " (i % 101) / 100.0 AS hi FROM c;");
    z1 = sv_doc(db, "SELECT curve_svg(s, x, y, lo, hi, 'T') FROM (SELECT * FROM big ORDER BY x, s)");
    z2 = sv_doc(db, "SELECT curve_svg(s, x, y, lo, hi, 'T') FROM"
                    " (SELECT * FROM big ORDER BY -x, s DESC)");
    z3 = sv_doc(db, "SELECT curve_svg(s, x, y, lo, hi, 'T') FROM"
                    " (SELECT * FROM big ORDER BY y, x * 31 % 17, s)");
    sv_assert_wellformed(z1);
    ck_assert_str_eq(z1, z2);
    ck_assert_str_eq(z1, z3);
    ck_assert_int_eq(sv_count(z1, "<circle"), 7);
    ck_assert_int_eq(sv_count(z1, "<title>s"), 3000); /* a hover text per row */
    sqlite3_free(z1);
    sqlite3_free(z2);
    sqlite3_free(z3);
    sqlite3_close(db);
}
END_TEST

/* Svg rules 4 and 10: text is escaped (NUL, markup); the NULL series is
** "(none)", grey, last; rows whose x or y is NULL are ignored; no rows is
** the "no data" chart. */
START_TEST(test_curve_text_and_nulls) {
    sqlite3 *db = lpt_open();
    char *z;
    z = sv_doc(db, "SELECT curve_svg(s, x, 0.5, NULL, NULL, '<T&>') FROM (SELECT '<script>'"
                   " || char(0) || '\"&''' AS s, 1 AS x UNION ALL SELECT NULL, 2"
                   " UNION ALL SELECT 'z', NULL)");
    sv_assert_wellformed(z);
    ck_assert_ptr_null(strstr(z, "<script"));
    ck_assert_ptr_nonnull(strstr(z, "&lt;script&gt;\xEF\xBF\xBD&quot;&amp;&apos; " SV_MID " day 1: 50%"));
    ck_assert_ptr_nonnull(strstr(z, "<title>&lt;T&amp;&gt;</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>(none) " SV_MID " day 2: 50%</title>"));
    ck_assert_ptr_null(strstr(z, ">z<"));
    ck_assert_int_eq(sv_count(z, "<circle"), 2);
    ck_assert_int_eq(sv_count(z, "stroke=\"#a3a3a3\" stroke-width=\"2\""), 1);
    ck_assert(strstr(z, "&amp;&apos;</text>") < strstr(z, ">(none)</text>"));
    sqlite3_free(z);
    /* svg rule 3: a 1 MB name adds a few hundred bytes per mention */
    z = sv_doc(db, "SELECT curve_svg(printf('%.*c', 1000000, 'n'), value, 0.5, 0.4, 0.6, 'T')"
                   " FROM (SELECT 1 AS value UNION ALL SELECT 2 UNION ALL SELECT 3)");
    sv_assert_wellformed(z);
    ck_assert_int_lt((int)strlen(z), 20000);
    ck_assert_int_eq(sv_count(z, "<title>nnnn"), 4); /* 3 hover texts and the legend's */
    sqlite3_free(z);
    z = sv_doc(db, "SELECT curve_svg('a', x, 1) FROM (SELECT NULL AS x)");
    ck_assert_ptr_nonnull(strstr(z, ">no data</text>"));
    sqlite3_free(z);
    z = sv_doc(db, "SELECT curve_svg('a', 1, 1) WHERE 0");
    ck_assert_ptr_nonnull(strstr(z, ">no data</text>"));
    ck_assert_ptr_nonnull(strstr(z, "aria-label=\"Curve chart\""));
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* The y axis: 0-100% while every value is within 0 and 1, else the data's
** range with round ticks, 0 included, as numbers; extremes stay finite. */
START_TEST(test_curve_axis) {
    sqlite3 *db = lpt_open();
    char *z = sv_doc(db, "SELECT curve_svg('a', x, y) FROM (SELECT 0 AS x, 40 AS y UNION ALL"
                         " SELECT 30, 240 UNION ALL SELECT 2.5, 120)");
    sv_assert_wellformed(z);
    ck_assert_ptr_null(strstr(z, "%<"));
    ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">250</text>"));
    ck_assert_ptr_nonnull(strstr(z, "dy=\"0.35em\">0</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>a " SV_MID " day 2.5: 120</title>"));
    sqlite3_free(z);
    /* a band past 1 leaves percentages too */
    z = sv_doc(db, "SELECT curve_svg('a', 1, 0.5, 0.2, 1.2)");
    ck_assert_ptr_null(strstr(z, "%<"));
    sqlite3_free(z);
    /* (just under the 1e280 limit: SQLite reads the literal 1e280 one ulp
    ** apart where long double is 64 bits, as under valgrind) */
    z = sv_doc(db, "SELECT curve_svg('a', x, y) FROM (SELECT 9.9e279 AS x, -9.9e279 AS y"
                   " UNION ALL SELECT -9.9e279, 9.9e279)");
    sv_assert_wellformed(z);
    sqlite3_free(z);
    z = sv_doc(db, "SELECT curve_svg('a', 9.9e279, 1e-300)");
    sv_assert_wellformed(z);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* Svg rules 12 and 13: bar_svg's colours for the same names, with and
** without a palette; 12 series all distinct; a 13th is an error. */
START_TEST(test_curve_colours) {
    static const char *const azCol[SVG_TEST_NCOLOR] = {
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
        "#F0E442", "#882255", "#332288", "#999933", "#661100", "#7F3C8D"};
    sqlite3 *db = lpt_open();
    sv_entry bar[20];
    double a[32];
    int nBar;
    char *z;
    lpt_exec(db, SV_CURVE_ROWS
                 "INSERT INTO k VALUES ('c', 3, 0.5, NULL, NULL);"
                 "CREATE TABLE t12 AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                 " FROM c WHERE i < 12) SELECT 'S' || printf('%02d', i) AS s, i AS x FROM c;");
    z = sv_doc(db, "SELECT bar_svg('x', s, 1) FROM k");
    nBar = sv_legend(z, bar, 20);
    ck_assert_int_eq(nBar, 3);
    sqlite3_free(z);
    z = sv_doc(db, "SELECT curve_svg(s, x, y) FROM k");
    for (int i = 0; i < nBar; i++) {
        char *zLegend = sqlite3_mprintf("fill=\"%s\"/><text x=\"", bar[i].zFill);
        char *zTitle = sqlite3_mprintf("<title>%s " SV_MID, bar[i].zLabel);
        ck_assert_ptr_nonnull(strstr(z, zLegend));
        ck_assert_ptr_nonnull(strstr(z, zTitle));
        /* the curve of that colour has the series' points */
        ck_assert_int_eq(sv_curve_path(z, bar[i].zFill, a, 32),
                         strcmp(bar[i].zLabel, "a") == 0 ? 6 : strcmp(bar[i].zLabel, "b") == 0 ? 8 : 2);
        sqlite3_free(zLegend);
        sqlite3_free(zTitle);
    }
    sqlite3_free(z);
    /* a palette: c colour 0, a colour 2, b colour 3, in both charts */
    z = sv_doc(db, "SELECT bar_svg('x', s, 1, NULL, 'grouped', '[\"c\", \"zz\", \"a\", \"b\"]') FROM k");
    nBar = sv_legend(z, bar, 20);
    ck_assert_str_eq(sv_legend_fill(bar, nBar, "c"), "#0072B2");
    ck_assert_str_eq(sv_legend_fill(bar, nBar, "a"), "#009E73");
    ck_assert_str_eq(sv_legend_fill(bar, nBar, "b"), "#CC79A7");
    sqlite3_free(z);
    z = sv_doc(db, "SELECT curve_svg(s, x, y, NULL, NULL, NULL, '[\"c\", \"zz\", \"a\", \"b\"]') FROM k");
    ck_assert_int_eq(sv_curve_path(z, "#0072B2", a, 32), 2); /* c's 1 point */
    ck_assert_int_eq(sv_curve_path(z, "#009E73", a, 32), 6); /* a's 3 */
    ck_assert_int_eq(sv_curve_path(z, "#CC79A7", a, 32), 8); /* b's 4 */
    ck_assert(strstr(z, ">c</text>") < strstr(z, ">a</text>")); /* palette order */
    ck_assert(strstr(z, ">a</text>") < strstr(z, ">b</text>"));
    sqlite3_free(z);
    /* 12 series: 12 distinct colours, none grey */
    z = sv_doc(db, "SELECT curve_svg(s, x, 0.5) FROM t12");
    for (int i = 0; i < SVG_TEST_NCOLOR; i++) {
        char *zFind = sqlite3_mprintf("stroke=\"%s\" stroke-width=\"2\"", azCol[i]);
        ck_assert_int_eq(sv_count(z, zFind), 1);
        sqlite3_free(zFind);
    }
    ck_assert_ptr_null(strstr(z, "#a3a3a3"));
    sqlite3_free(z);
    lpt_assert_rows(db, "SELECT curve_svg(s, x, 0.5) FROM (SELECT * FROM t12 UNION ALL SELECT 'S13', 1)",
                    "ERROR: curve_svg(): at most 12 series can be told apart, not 13 (filter the rows,"
                    " or chart fewer series)");
    /* the NULL series does not count */
    z = sv_doc(db, "SELECT curve_svg(s, x, 0.5) FROM (SELECT * FROM t12 UNION ALL SELECT NULL, 1)");
    ck_assert_ptr_nonnull(strstr(z, ">(none)</text>"));
    sqlite3_free(z);
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, NULL, NULL, NULL, '[\"c\", \"b\"]') FROM k",
                    "ERROR: curve_svg(): series 'a' is not among the first 12 names of the palette");
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, NULL, NULL, NULL, '[\"1\",\"2\",\"3\",\"4\",\"5\","
                        "\"6\",\"7\",\"8\",\"9\",\"10\",\"11\",\"12\",\"c\",\"b\",\"a\"]') FROM k",
                    "ERROR: curve_svg(): series 'a' is not among the first 12 names of the palette");
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, NULL, NULL, NULL,"
                        " CASE WHEN x = 0 THEN '[\"a\", \"b\"]' ELSE '[\"b\", \"a\"]' END) FROM k",
                    "ERROR: curve_svg(): palette must be the same on every row");
    sqlite3_close(db);
}
END_TEST

/* Svg rules 10 and 11: every refused value, by name, verbatim. */
START_TEST(test_curve_errors) {
    sqlite3 *db = lpt_open();
    lpt_exec(db, SV_CURVE_ROWS);
    lpt_assert_rows(db, "SELECT curve_svg('a', 'abc', 1)",
                    "ERROR: curve_svg(): x must be a finite number, not 'abc'");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, '12 days')",
                    "ERROR: curve_svg(): y must be a finite number, not '12 days'");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, x'00')",
                    "ERROR: curve_svg(): y must be a finite number, not a blob");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, 9e999)",
                    "ERROR: curve_svg(): y must be a finite number, not Inf");
    lpt_assert_rows(db, "SELECT curve_svg('a', -9e999, 1)",
                    "ERROR: curve_svg(): x must be a finite number, not -Inf");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, 0.5, 'lo', 1)",
                    "ERROR: curve_svg(): lower must be a finite number, not 'lo'");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, 0.5, 0, 9e999)",
                    "ERROR: curve_svg(): upper must be a finite number, not Inf");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, 0.5, 0.6, 0.4)",
                    "ERROR: curve_svg(): lower must not be greater than upper, not 0.6 > 0.4");
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, hi, lo) FROM k WHERE s = 'b' AND x = 5",
                    "ERROR: curve_svg(): lower must not be greater than upper, not 0.3 > 0.1");
    lpt_assert_rows(db, "SELECT curve_svg('a', 1, 0.5, 0.4)",
                    "ERROR: curve_svg(): lower and upper go together: give both or neither");
    lpt_assert_rows(db, "SELECT curve_svg(s, x % 10, y) FROM k",
                    "ERROR: curve_svg(): series 'a' has two rows at x = 0 (one row per series"
                    " and x: filter or group the rows)");
    lpt_assert_rows(db, "SELECT curve_svg(NULL, 2.5, y) FROM k",
                    "ERROR: curve_svg(): the NULL series has two rows at x = 2.5 (one row per"
                    " series and x: filter or group the rows)");
    lpt_assert_rows(db, "SELECT curve_svg('it''s', 0.25, y) FROM k WHERE x IN (0, 5)",
                    "ERROR: curve_svg(): series 'it''s' has two rows at x = 0.25 (one row per"
                    " series and x: filter or group the rows)");
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, lo, hi, 7) FROM k",
                    "ERROR: curve_svg(): title must be text");
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, lo, hi, 'T', 3) FROM k",
                    "ERROR: curve_svg(): palette must be a JSON array of names as text, not 3");
    lpt_assert_rows(db, "SELECT curve_svg(s, x) FROM k",
                    "ERROR: wrong number of arguments to function curve_svg()");
    lpt_assert_rows(db, "SELECT curve_svg(s, x, y, lo, hi, 'T', '[]', 1) FROM k",
                    "ERROR: wrong number of arguments to function curve_svg()");
    /* rule 11: 50,000 points, not one more (memory stays bounded) */
    lpt_assert_rows(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
                        " WHERE i < 50001) SELECT curve_svg(i % 3, i, 0.5) FROM c",
                    "ERROR: curve_svg(): more than 50,000 points; a chart draws at most 50,000"
                    " (pick fewer days, e.g. with at_days)");
    lpt_assert_rows(db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c"
                        " WHERE i < 50000) SELECT curve_svg(i % 3, i, 0.5) LIKE '<svg %</svg>' FROM c",
                    "1\n");
    sqlite3_close(db);
}
END_TEST

/* The documented example: continuation_curve's curves per segment. */
START_TEST(test_curve_continuation) {
    sqlite3 *db = lpt_open();
    char *z, *zT, *zN;
    lpt_exec(db, "CREATE TABLE enrollments AS SELECT * FROM sample_enrollments(2000, 42);");
    z = sv_doc(db,
        "SELECT curve_svg(segment, day, continued, 1 - upper, 1 - lower,"
        " 'Continued to a second program, by day')"
        " FROM continuation_curve('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')"
        " WHERE program IS NULL");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">professional</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">student</text>"));
    ck_assert_ptr_nonnull(strstr(z, ">100%</text>"));
    ck_assert_int_eq(sv_count(z, "<circle"), 2);
    ck_assert_int_gt(sv_count(z, "fill-opacity=\"0.18\""), 0);
    zT = sv_titles(z, "student ");
    zN = lpt_query(db, "SELECT count(*) FROM continuation_curve('enrollments', 'user_id', 'program',"
                       " 'enrolled_at', 'user_type') WHERE program IS NULL AND segment = 'student'");
    ck_assert_int_gt(atoi(zN), 10);
    ck_assert_int_eq(sv_count(zT, "\n"), atoi(zN)); /* one hover text per row */
    sqlite3_free(zN);
    sqlite3_free(zT);
    sqlite3_free(z);
    sqlite3_close(db);
}
END_TEST

/* chart_palette (svg rule 9): names by summed weight, then by name; JSON
** escapes; NULL names left out; a weight that is no number is an error; the
** palette it makes is read back by bar_svg (the name gets colour 0). */
START_TEST(test_chart_palette) {
    sqlite3 *db = lpt_open();
    lpt_assert_rows(db,
                    "SELECT chart_palette(n, w) FROM (SELECT 'b' AS n, 2 AS w UNION ALL "
                    "SELECT 'a', 2 UNION ALL SELECT 'c\"q', 5 UNION ALL SELECT 'b', 1.5 UNION ALL "
                    "SELECT 'x' || char(10) || '\\', NULL UNION ALL SELECT NULL, 9)",
                    "[\"c\\\"q\",\"b\",\"a\",\"x\\u000a\\\\\"]\n");
    lpt_assert_rows(db, "SELECT chart_palette(n, w) FROM (SELECT 'a' AS n, 1 AS w) WHERE 0",
                    "[]\n");
    lpt_assert_rows(db, "SELECT chart_palette('a', 'heavy')",
                    "ERROR: chart_palette(): weight must be a number or NULL");
    /* 3,000 distinct names, each twice: summed, in order, no quadratic search */
    lpt_assert_rows(db,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                    "SELECT json_array_length(p), json_extract(p, '$[0]'), json_extract(p, '$[1]') "
                    "FROM (SELECT chart_palette(printf('n%05d', i), i % 7) AS p "
                    "FROM (SELECT i FROM n UNION ALL SELECT i FROM n))",
                    "3000|n00006|n00013\n");
    lpt_assert_rows(db,
                    "SELECT instr(bar_svg('c', n, 1, 't', 'grouped', "
                    "(SELECT chart_palette(n, 1) FROM (SELECT 'x' || char(10) || '\\' AS n))), "
                    "'fill=\"#0072B2\"') > 0 FROM (SELECT 'x' || char(10) || '\\' AS n)",
                    "1\n");
    sqlite3_close(db);
}
END_TEST

Suite *make_svg_suite(void) {
    Suite *s = suite_create("svg");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_wellformed);
    tcase_add_test(tc, test_escaping);
    tcase_add_test(tc, test_bad_text);
    tcase_add_test(tc, test_determinism);
    tcase_add_test(tc, test_no_data);
    tcase_add_test(tc, test_sankey_totals);
    tcase_add_test(tc, test_sankey_order);
    tcase_add_test(tc, test_bar_values);
    tcase_add_test(tc, test_bar_stacked);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_long_label);
    tcase_add_test(tc, test_svg_tooltip_cap);
    tcase_add_test(tc, test_many_categories);
    tcase_add_test(tc, test_svg_fold_caps);
    tcase_add_test(tc, test_innocuous);
    tcase_add_test(tc, test_demo_charts);
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_svg_axis_and_none_series);
    tcase_add_test(tc, test_svg_extreme_values);
    tcase_add_test(tc, test_svg_many_cells);
    tcase_add_test(tc, test_svg_label_characters);
    tcase_add_test(tc, test_svg_character_widths);
    tcase_add_test(tc, test_svg_label_limit_in_characters);
    tcase_add_test(tc, test_svg_long_title);
    tcase_add_test(tc, test_svg_too_big);
    tcase_add_test(tc, test_svg_legend_wraps);
    tcase_add_test(tc, test_svg_stacked_labels);
    suite_add_tcase(s, tc);

    tc = tcase_create("colours");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_svg_twelve_colours);
    tcase_add_test(tc, test_svg_eight_series_distinct);
    tcase_add_test(tc, test_svg_fold_into_other);
    tcase_add_test(tc, test_svg_other_in_the_data);
    tcase_add_test(tc, test_svg_palette_across_charts);
    tcase_add_test(tc, test_svg_palette_errors);
    tcase_add_test(tc, test_chart_palette);
    tcase_add_test(tc, test_svg_legend_clear_of_plot);
    suite_add_tcase(s, tc);

    tc = tcase_create("curve");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_curve_steps);
    tcase_add_test(tc, test_curve_band);
    tcase_add_test(tc, test_curve_order_independent);
    tcase_add_test(tc, test_curve_text_and_nulls);
    tcase_add_test(tc, test_curve_axis);
    tcase_add_test(tc, test_curve_colours);
    tcase_add_test(tc, test_curve_errors);
    tcase_add_test(tc, test_curve_continuation);
    suite_add_tcase(s, tc);
    return s;
}
