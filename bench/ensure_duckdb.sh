#!/bin/sh
# bench/ensure_duckdb.sh - make sure the DuckDB peer of the benchmark can run:
# Node.js and npm (installed with apt-get when missing and run as root on
# Debian/Ubuntu, as tools/ensure-deps.sh does), and the npm package
# @duckdb/node-api at the version pinned in bench/duckdb/package-lock.json,
# installed with `npm ci` into bench/data/duckdb-node (git-ignored, left out
# of `make dist`, kept and reused; delete it to reinstall).
#
# BENCH_APT=0: do not apt-get Node.js and npm (make bench-smoke, which is
# part of make test, asks so: a machine without them skips the peer).
# On success prints that directory and exits 0; otherwise says why on stderr
# and exits 1 (the bench then leaves DuckDB out, or fails when it was asked
# for with BENCH_REQUIRE_PEERS=1).
# Usage (from anywhere): sh bench/ensure_duckdb.sh
set -u
cd "$(dirname "$0")/.." || exit 1
DEST=bench/data/duckdb-node
LOCK=bench/duckdb/package-lock.json

missing=""
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    if [ "${BENCH_APT:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing$missing for the DuckDB peer (apt-get)" >&2
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq$missing; } >&2 || {
            echo "bench: apt-get install$missing failed" >&2; exit 1; }
    else
        echo "bench: the DuckDB peer needs$missing (Debian: apt-get install -y$missing)" >&2
        exit 1
    fi
fi

# Installed already, from this lock file?
if [ -f "$DEST/node_modules/@duckdb/node-api/package.json" ] && cmp -s "$LOCK" "$DEST/package-lock.json"; then
    echo "$DEST"
    exit 0
fi
echo "bench: installing @duckdb/node-api into $DEST (npm ci) ..." >&2
rm -rf "$DEST"
mkdir -p "$DEST"
cp bench/duckdb/package.json "$LOCK" "$DEST/"
if ! (cd "$DEST" && npm ci --no-audit --no-fund --loglevel=error >&2); then
    echo "bench: npm ci of @duckdb/node-api failed (no network to registry.npmjs.org?)" >&2
    rm -rf "$DEST"
    exit 1
fi
echo "$DEST"
