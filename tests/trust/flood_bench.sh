#!/bin/sh
# flood_bench.sh - times learnpath on the hash-flooding inputs of
# tests/unit/lpt_flood.h (issue 11, item 10), each kind in a fresh sqlite3
# process, beside the same query on ordinary keys of the same count where
# there is one. Timings are printed, never asserted (the Check suite
# "bounds" asserts the probe counts instead).
#
#   make flood-bench                          FLOOD_N=40000, dist/learnpath
#   FLOOD_N=100000 FLOOD_EXT=/other/learnpath sh tests/trust/flood_bench.sh
#
# FLOOD_EXT is the extension to load (without .so), so an older build can
# be timed on the same inputs. The databases are kept in build/flood/.
cd "$(dirname "$0")/../.." || exit 1
n=${FLOOD_N:-40000}
ext=${FLOOD_EXT:-dist/learnpath}
sqlite=${SQLITE3:-sqlite3}
dir=build/flood
mkdir -p "$dir" || exit 1

query() {
    case $1 in
        int_users|text_users|programs|name_cache) echo "SELECT count(*) FROM first_program('t');" ;;
        segments) echo "SELECT count(*) FROM first_program('t','user_id','program','enrolled_at','user_type');" ;;
        groups) echo "SELECT count(*) FROM program_transitions('t');" ;;
        transitions) echo "SELECT count(*) FROM program_transitions('t');" ;;
        combos) echo "SELECT sum(length(program) + length(next_program)) FROM (SELECT program, next_program FROM first_program('t') ORDER BY program, next_program);" ;;
        cells) echo "SELECT length(bar_svg(program, user_type, 1)) FROM t;" ;;
    esac
}

# run KIND DB: "answer  real  user" of the kind's query on DB
run() {
    printf '.load %s\n.timer on\n%s\n' "$ext" "$(query "$1")" | "$sqlite" "$2" 2>&1 |
        awk '/^Run Time/ { print a "  " $4 "  " $6; next } { a = $0 }'
}

echo "learnpath on crafted keys: $n per kind, extension $ext"
printf '%-12s %-34s %-34s\n' kind "crafted: answer real user (s)" "ordinary: answer real user (s)"
for kind in int_users text_users programs segments groups transitions combos cells name_cache; do
    db=$dir/$kind-$n.db
    [ -f "$db" ] || build/trust/flood "$db" "$kind" "$n" t || exit 1
    ord=-
    case $kind in
        int_users) odb=$dir/ordinary-int-$n.db
            [ -f "$odb" ] || "$sqlite" "$odb" "CREATE TABLE t AS SELECT abs(random()) AS user_id, 'A' AS program, '2020-01-01 00:00:00' AS enrolled_at, NULL AS user_type FROM generate_series(1, $n)"
            ord=$(run "$kind" "$odb") ;;
        text_users|programs) odb=$dir/ordinary-text-$n.db
            [ -f "$odb" ] || "$sqlite" "$odb" "CREATE TABLE t AS SELECT hex(randomblob(8)) AS user_id, hex(randomblob(8)) AS program, '2020-01-01 00:00:00' AS enrolled_at, NULL AS user_type FROM generate_series(1, $n)"
            ord=$(run "$kind" "$odb") ;;
    esac
    printf '%-12s %-34s %-34s\n' "$kind" "$(run "$kind" "$db")" "$ord"
done
