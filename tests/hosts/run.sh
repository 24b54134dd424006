#!/bin/sh
# run.sh - learnpath in the programs analysts use, each run for real.
#
# Run from the repository root after `make` (or as `make test-hosts`, which
# first installs the hosts with tools/ensure-deps.sh when run as root):
#   sh tests/hosts/run.sh                 every host
#   sh tests/hosts/run.sh python dbb      the hosts whose name contains one
#                                         of the words
# Hosts, in order (one script each in tests/hosts/):
#   shell.sh         sqlite3 shell: .load, then every report in sql/
#   python.sh        Debian's /usr/bin/python3 (sqlite3 module), and the
#                    message for a Python without enable_load_extension
#   sqlite_utils.sh  sqlite-utils query --load-extension, CSV import
#   dbbrowser.sh     DB Browser for SQLite, headless (xvfb-run or
#                    QT_QPA_PLATFORM=offscreen)
# Each check prints "ok", "FAIL" or "SKIP <host>: <reason>"; a host that is
# not installed is skipped, never passed. The last line is
# "N passed, M failed, K skipped"; the exit status is 0 only when nothing
# failed. A host script that dies without printing FAIL counts as a failure.
# Environment: SQLITE3 (sqlite3), LP_VERSION (read from the Makefile),
# PYTHON (/usr/bin/python3), SQLITE_UTILS (sqlite-utils), SQLITEBROWSER
# (sqlitebrowser), DB4S_TIMEOUT (60 s), DB4S_MODE (xvfb or
# offscreen; default xvfb when xvfb-run is installed).
set -u

if [ ! -f tests/hosts/run.sh ] || [ ! -d sql ]; then
    echo "tests/hosts: run me from the repository root: sh tests/hosts/run.sh" >&2
    exit 2
fi
. tests/lp_env.sh
lp_env tests/hosts
SQLITE3=${SQLITE3:-sqlite3}
export LP_EXT LP_VERSION SQLITE3

TOP=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-hosts.XXXXXX") || exit 2
trap 'rm -rf "$TOP"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
skipped=0
for t in shell python sqlite_utils dbbrowser; do
    lp_selected "$t" "$@" || continue
    echo "# $t"
    TMP=$TOP/$t
    mkdir -p "$TMP"
    TMP=$TMP sh "tests/hosts/$t.sh" > "$TOP/$t.log" 2>&1
    status=$?
    cat "$TOP/$t.log"
    p=$(grep -c '^ok ' "$TOP/$t.log")
    f=$(grep -c '^FAIL ' "$TOP/$t.log")
    s=$(grep -c '^SKIP ' "$TOP/$t.log")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $t: tests/hosts/$t.sh exited with status $status"
        f=1
    fi
    if [ $((p + f + s)) -eq 0 ]; then
        echo "FAIL $t: tests/hosts/$t.sh checked nothing"
        f=1
    fi
    pass=$((pass + p))
    fail=$((fail + f))
    skipped=$((skipped + s))
done

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
