#!/bin/sh
# check-layout.sh - the layout rules of ext/ (docs/ARCHITECTURE.md), checked:
#   1. layers point one way: a file includes only headers of its own layer
#      or of layers below it (base <- read <- journey <- sql <- entry; the
#      charts use base only);
#   2. no .c file is over 900 lines;
#   3. no function is over 150 lines, and one over 80 lines has a comment
#      saying why, starting "Long:", in the comment just above it.
# Prints each breach and exits 1 if there is one. Usage: sh tools/check-layout.sh [dir]
dir=${1:-ext}
status=0

# The layer of a file of ext/, as a number; the charts are their own (9).
layer() {
    case $1 in
        learnpath.h|lp_base.h|lp_util.c|lp_strtab.c|lp_time.c|lp_stats.c) echo 0 ;;
        lp_read.h|lp_read_int.h|lp_source.c|lp_read.c|lp_read_*.c|lp_stream.c|lp_cache.c|lp_users.c) echo 1 ;;
        lp_journey.h|lp_shape.c|lp_agg.c|lp_popularity.c|lp_median.c|lp_order.c|lp_survival.c|lp_km.h|lp_km_pass.c|lp_km_sort.c|lp_km_orders.c|lp_compare.h|lp_compare.c|lp_compare_table.c) echo 2 ;;
        lp_sql.h|lp_tvf.c|tvf_*.c|fn_*.c) echo 3 ;;
        learnpath.c) echo 4 ;;
        svg.h|svg_*.c) echo 9 ;;
        *) echo unknown ;;
    esac
}

# May a file of layer $1 include a header of layer $2?
may_include() {
    if [ "$1" = 9 ]; then [ "$2" = 9 ] || [ "$2" = 0 ]; return; fi
    if [ "$2" = 9 ]; then [ "$1" = 4 ]; return; fi
    [ "$2" -le "$1" ]
}

for path in "$dir"/*.c "$dir"/*.h; do
    f=$(basename "$path")
    l=$(layer "$f")
    if [ "$l" = unknown ]; then
        echo "check-layout: $f is in no layer (add it to tools/check-layout.sh and docs/ARCHITECTURE.md)"
        status=1
        continue
    fi
    for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$path"); do
        li=$(layer "$inc")
        if [ "$li" = unknown ] || ! may_include "$l" "$li"; then
            echo "check-layout: $f (layer $l) includes $inc (layer $li): layers point one way"
            status=1
        fi
    done
done

for path in "$dir"/*.c; do
    awk -v file="$(basename "$path")" '
        FNR == 1 { nfile = 0 }
        { nfile++ }
        # a comment line just above a function; "Long:" in it explains a long one
        /^\/\*/ { incomment = 1; comment = "" }
        incomment { comment = comment $0 "\n" }
        /\*\// { incomment = 0; lastcomment = comment; lastcommentend = FNR }
        # a function starts at column 0 with a name and "(" and ends at "}" in column 0
        !infunc && /^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !/^(typedef|struct|enum|static const|const|#)/ {
            infunc = 1; start = FNR; name = $0
            sub(/\(.*/, "", name); n = split(name, w, /[ *]+/); name = w[n]
            haslong = (lastcommentend >= FNR - 1 && lastcomment ~ /Long:/)
        }
        infunc && /^}/ {
            len = FNR - start + 1
            if (len > 150) { printf "check-layout: %s: %s is %d lines (150 at most)\n", file, name, len; bad = 1 }
            else if (len > 80 && !haslong) { printf "check-layout: %s: %s is %d lines; over 80 needs a \"Long:\" comment saying why\n", file, name, len; bad = 1 }
            infunc = 0
        }
        END {
            if (nfile > 900) { printf "check-layout: %s is %d lines (900 at most)\n", file, nfile; bad = 1 }
            exit bad
        }' "$path" || status=1
done

[ $status = 0 ] && echo "check-layout: ext/ keeps its layers, file and function lengths"
exit $status
