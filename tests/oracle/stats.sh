#!/bin/sh
# stats.sh - runs tests/oracle/stats.py (the tests of difference, README rule
# 22, against scipy and R) with a Python that has scipy: /usr/bin/python3
# first (Debian's, where python3-scipy installs), then python3 on PATH.
# As root with apt-get, python3-scipy and python3-mpmath (and r-base-core,
# r-cran-survival for the log-rank and Holm checks) are installed when
# missing; where scipy
# cannot be had the test prints "SKIP stats: ..." and counts as skipped,
# never as passed. Usage, from the repository root: sh tests/oracle/stats.sh build/stats_driver
set -u
DRIVER=${1:-build/stats_driver}
[ -x "$DRIVER" ] || { echo "tests/oracle/stats.sh: $DRIVER is missing; make $DRIVER" >&2; exit 2; }

find_py() {
    for py in /usr/bin/python3 python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import scipy.stats' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    return 1
}
have_r() {
    command -v Rscript >/dev/null 2>&1 &&
        Rscript -e 'suppressMessages(library(survival))' >/dev/null 2>&1
}

need=""
if ! PY=$(find_py); then
    need="python3-scipy python3-mpmath"
elif ! "$PY" -c 'import mpmath' >/dev/null 2>&1; then
    need="python3-mpmath"
fi
have_r || need="$need r-base-core r-cran-survival"
if [ -n "$need" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "tests/oracle/stats.sh: installing $need" >&2
    (export DEBIAN_FRONTEND=noninteractive
     apt-get update -qq && apt-get install -y -qq --no-install-recommends $need) >&2
fi
if ! PY=$(find_py); then
    echo "SKIP stats: no Python with scipy (apt-get install python3-scipy)"
    echo "0 passed, 0 failed, 1 skipped"
    exit 0
fi
exec "$PY" tests/oracle/stats.py "$DRIVER"
