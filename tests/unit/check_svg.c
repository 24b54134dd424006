/*
** check_svg.c - the "svg" suite: the chart aggregates sankey_svg and
** bar_svg (ext/svg_*.c).
**
** "svg rule N" refers to the rules in the header comment of ext/svg.h. The
** tests check what a user would: the document is a well-formed standalone
** SVG, user text cannot inject markup, the same rows give the same bytes
** in any order, and the numbers, labels and order on the chart are right.
** Several tests chart the table of tests/fixtures/flows.sql.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_test.h"

/* The caps of svg rule 8 (ext/svg.h). */
#define SVG_TEST_MAX_NODES 50
#define SVG_TEST_MAX_CATEGORIES 100

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
    ck_assert_int_eq(sv_count(z, "<path"), sv_count(z, "</path>"));
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
    lpt_assert_rows(db, "SELECT sankey_svg(src, dst, w, 'T', 'stacked') FROM flows",
                    "ERROR: wrong number of arguments to function sankey_svg()");
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
    z = sv_svg(db, "SELECT sankey_svg('From ' || i, 'To ' || (i % 1000), i) FROM t");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">From 100000<tspan"));
    ck_assert_ptr_null(strstr(z, ">From 1<tspan"));
    ck_assert_int_eq(sv_count(z, ">(other)<tspan"), 2); /* one in each column */
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 2 * SVG_TEST_MAX_NODES);
    ck_assert_int_lt(sv_count(z, "<path"), SVG_TEST_MAX_NODES * (SVG_TEST_MAX_NODES + 1));
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
    /* sankey: 60 sources, 50 nodes: F12..F60 and "(other)" of F01..F11 (66) */
    z = sv_svg(db, "SELECT sankey_svg(a, b, w) FROM (SELECT * FROM f ORDER BY w)");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">F12<tspan"));
    ck_assert_ptr_null(strstr(z, ">F11<tspan"));
    ck_assert_ptr_nonnull(strstr(z, "<title>(other), 11 names: 66</title>"));
    ck_assert_ptr_nonnull(strstr(z, "font-style=\"italic\">(other)<tspan dx=\"6\" font-weight=\"700\""
                                    " fill=\"#57606a\">66</tspan>"));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 50 + 4); /* right: T0, T1, T2, did not continue */
    /* its bands, merged per target: (other) -> T0, T1, T2, did not continue */
    ck_assert_int_eq(sv_count(z, "<title>(other) \xE2\x86\x92 "), 4);
    ck_assert_ptr_nonnull(strstr(z, "<title>(other) \xE2\x86\x92 did not continue: 12 (18.2%)"));
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
    /* bar: 22 named series of one value each, and (none): S00..S18 by name,
    ** (other) of S19..S21 (3), then (none) */
    z = sv_svg(db, "SELECT bar_svg(c, s, v, 'T', 'stacked') FROM h");
    sv_assert_wellformed(z);
    ck_assert_ptr_nonnull(strstr(z, ">S18</text>"));
    ck_assert_ptr_null(strstr(z, ">S19</text>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>cat \xC2\xB7 (other), 3 series: 3</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>cat \xC2\xB7 (none): 5</title>"));
    ck_assert_ptr_nonnull(strstr(z, "<title>(other), 3 series</title>(other)</text>"));
    ck_assert_int_eq(sv_count(z, "</title></rect>"), 21);
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
    return s;
}
