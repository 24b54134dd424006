#!/bin/sh
# tests/layout/run.sh - docs/ARCHITECTURE.md's layout rules hold for ext/,
# and tools/check-layout.sh catches each kind of breach (so the check itself
# cannot pass by doing nothing). Prints "N passed, M failed".
cd "$(dirname "$0")/../.." || exit 1
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

if out=$(sh tools/check-layout.sh ext 2>&1); then ok "ext/: $out"; else bad "ext/: $out"; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# expect_breach NAME GREP: a copy of ext/ changed by the caller must fail with GREP
expect_breach() {
    if out=$(sh tools/check-layout.sh "$tmp/ext" 2>&1); then
        bad "$1: not caught"
    elif echo "$out" | grep -q "$2"; then
        ok "$1: caught"
    else
        bad "$1: wrong report: $out"
    fi
}
fresh() { rm -rf "$tmp/ext"; cp -r ext "$tmp/ext"; }

fresh
sed -i 's/#include "lp_read.h"/#include "lp_sql.h"/' "$tmp/ext/lp_read_int.h"
expect_breach "an include pointing up (read -> sql)" "lp_read_int.h (layer 1) includes lp_sql.h"

fresh
sed -i 's/#include "svg.h"/#include "svg.h"\n#include "lp_read.h"/' "$tmp/ext/svg_bar.c"
expect_breach "a chart file using the read layer" "svg_bar.c (layer 9) includes lp_read.h"

fresh
echo '/* x */' > "$tmp/ext/lp_new.c"
expect_breach "a file in no layer" "lp_new.c is in no layer"

fresh
{ echo 'static int tooLong(void) {'; i=0; while [ $i -lt 150 ]; do echo '    (void)0;'; i=$((i + 1)); done; echo '}'; } >> "$tmp/ext/lp_util.c"
expect_breach "a function over 150 lines" "tooLong is 152 lines (150 at most)"

fresh
{ echo '/* no reason given */'; echo 'static int longish(void) {'; i=0; while [ $i -lt 85 ]; do echo '    (void)0;'; i=$((i + 1)); done; echo '}'; } >> "$tmp/ext/lp_util.c"
expect_breach "a function over 80 lines without Long:" "longish is 87 lines; over 80 needs"

fresh
{ echo '/* Long: a reason */'; echo 'static int longish(void) {'; i=0; while [ $i -lt 85 ]; do echo '    (void)0;'; i=$((i + 1)); done; echo '}'; } >> "$tmp/ext/lp_util.c"
if sh tools/check-layout.sh "$tmp/ext" >/dev/null 2>&1; then ok "a long function with its Long: reason passes"; else bad "a long function with its Long: reason is refused"; fi

fresh
i=0; while [ $i -lt 900 ]; do echo '/* filler */' >> "$tmp/ext/lp_util.c"; i=$((i + 1)); done
expect_breach "a file over 900 lines" "lp_util.c is .* lines (900 at most)"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
