# tests/lp_env.sh - sourced by the test scripts that load the built extension
# (tests/sql, tests/hosts, tests/floor run.sh), from the repository root.
# lp_env NAME: sets LP_EXT to the built extension (dist/learnpath.so, .dylib
# or .dll) and LP_VERSION (unless set) to the Makefile's VERSION; without a
# built extension it prints "NAME: ... build it first" and exits 2.
lp_env() {
    LP_EXT=""
    for f in dist/learnpath.so dist/learnpath.dylib dist/learnpath.dll; do
        [ -f "$f" ] && { LP_EXT=$f; break; }
    done
    if [ -z "$LP_EXT" ]; then
        echo "$1: dist/learnpath.so is missing; build it first with: make" >&2
        exit 2
    fi
    if [ -z "${LP_VERSION:-}" ]; then
        LP_VERSION=$(sed -n 's/^VERSION *:*= *//p' Makefile | head -n 1)
    fi
}

# lp_selected NAME [FILTER...]: is test NAME chosen by the filters given on
# the script's command line (a filter is a part of the name; none = all)?
lp_selected() {
    [ $# -le 1 ] && return 0
    name=$1
    shift
    for f in "$@"; do
        case $name in *"$f"*) return 0 ;; esac
    done
    return 1
}
