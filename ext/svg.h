/*
** svg.h - the chart layer: the aggregates sankey_svg and bar_svg, which
** turn rows into one SVG document. It uses the base layer only.
*/
#ifndef LP_SVG_H
#define LP_SVG_H

#include "lp_base.h"

void learnpath_sankey_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_sankey_final(sqlite3_context *ctx);
void learnpath_bar_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void learnpath_bar_final(sqlite3_context *ctx);

#endif /* LP_SVG_H */
