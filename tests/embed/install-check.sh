#!/bin/sh
# install-check.sh - make install / make uninstall, for real, into temporary
# directories (run by `make test-install` from the repository root).
#
#   sh tests/embed/install-check.sh [MAKE] [SOEXT]
#
# 1. PREFIX=<tmp>/prefix: every file lands where mk/install.mk says; the
#    installed header compiles on its own; an installed report, run from
#    another directory, loads the installed extension and gives the
#    fixture's figures; make uninstall leaves no file behind.
# 2. DESTDIR=<tmp>/stage PREFIX=/opt/learnpath: the files land under the
#    stage, the reports name the final path (/opt/learnpath/lib/learnpath),
#    and make uninstall with the same variables removes them all.
# Prints ok/FAIL lines and "N passed, M failed"; exit status 0 only when
# nothing failed.
set -u
MAKE=${1:-make}
SOEXT=${2:-so}
SQLITE3=${SQLITE3:-sqlite3}
ROOT=$(pwd)

if [ ! -f tests/embed/install-check.sh ]; then
    echo "install-check: run me from the repository root" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-install.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
ok() { echo "ok install: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL install: $1"; fail=$((fail + 1)); }

reports=$(cd sql && ls *.sql)

# 1. A plain install under a temporary PREFIX.
P=$TMP/prefix
if $MAKE --no-print-directory -s install PREFIX="$P" > "$TMP/install.log" 2>&1; then
    ok "make install PREFIX=$P"
else
    bad "make install PREFIX=$P"
    sed 's/^/    /' "$TMP/install.log"
fi
missing=""
for f in lib/learnpath.$SOEXT include/learnpath.h share/learnpath/README.md; do
    [ -f "$P/$f" ] || missing="$missing $f"
done
for r in $reports; do
    [ -f "$P/share/learnpath/$r" ] || missing="$missing share/learnpath/$r"
done
if [ -z "$missing" ]; then
    ok "extension, header, README and $(echo $reports | wc -w) reports installed"
else
    bad "missing after install:$missing"
fi
if [ -x "$P/lib/learnpath.$SOEXT" ] && cmp -s "$P/lib/learnpath.$SOEXT" "dist/learnpath.$SOEXT"; then
    ok "lib/learnpath.$SOEXT is dist/learnpath.$SOEXT, executable"
else
    bad "lib/learnpath.$SOEXT differs from dist/learnpath.$SOEXT or is not executable"
fi
bad_load=$(grep -l '^\.load dist/learnpath' "$P"/share/learnpath/*.sql 2>/dev/null)
good_load=$(grep -l "^\.load $P/lib/learnpath\$" "$P"/share/learnpath/*.sql 2>/dev/null | wc -l)
if [ -z "$bad_load" ] && [ "$good_load" -eq "$(echo $reports | wc -w)" ]; then
    ok "installed reports load $P/lib/learnpath"
else
    bad "installed reports' .load lines: $good_load of $(echo $reports | wc -w) name the installed extension; still dist/: $bad_load"
fi

# The header is self-contained and declares the entry point as defined.
cat > "$TMP/hdr.c" <<'EOF'
#include <learnpath.h>
int (*entry)(sqlite3 *, char **, const sqlite3_api_routines *) = sqlite3_learnpath_init;
EOF
if ${CC:-cc} -std=c99 -Wall -Wextra -Werror -I"$P/include" -c "$TMP/hdr.c" -o "$TMP/hdr.o" \
        > "$TMP/hdr.log" 2>&1; then
    ok "installed learnpath.h compiles on its own"
else
    bad "installed learnpath.h does not compile on its own"
    sed 's/^/    /' "$TMP/hdr.log"
fi

# An installed report from another directory, on the fixture.
"$SQLITE3" "$TMP/fixture.db" < tests/sql/fixtures/enrollments.sql
out=$(cd "$TMP" && "$SQLITE3" -bail fixture.db < "$P/share/learnpath/01_first_program_share.sql" 2>&1)
row=$(printf '%s\n' "$out" | sed 's/│/|/g; s/ *| */|/g' | grep -Fx '|professional|Flagship|5|71.4|')
if [ -n "$row" ]; then
    ok "installed 01_first_program_share.sql runs from another directory (professional Flagship 5, 71.4%)"
else
    bad "installed 01_first_program_share.sql from another directory"
    printf '%s\n' "$out" | sed 's/^/    /'
fi

if $MAKE --no-print-directory -s uninstall PREFIX="$P" > "$TMP/uninstall.log" 2>&1; then
    ok "make uninstall PREFIX=$P"
else
    bad "make uninstall PREFIX=$P"
    sed 's/^/    /' "$TMP/uninstall.log"
fi
left=$(find "$P" -type f 2>/dev/null)
if [ -z "$left" ] && [ ! -d "$P/share/learnpath" ]; then
    ok "nothing left after uninstall (share/learnpath removed)"
else
    bad "left after uninstall: $left $(ls -d "$P/share/learnpath" 2>/dev/null)"
fi

# 2. A staged install: DESTDIR is prepended, the reports name the final path.
S=$TMP/stage
F=/opt/learnpath
if $MAKE --no-print-directory -s install DESTDIR="$S" PREFIX="$F" > "$TMP/stage.log" 2>&1 &&
        [ -f "$S$F/lib/learnpath.$SOEXT" ] && [ -f "$S$F/include/learnpath.h" ] &&
        [ -f "$S$F/share/learnpath/README.md" ] && [ ! -e "$F" ]; then
    ok "make install DESTDIR=$S PREFIX=$F stages under $S$F only"
else
    bad "make install DESTDIR=$S PREFIX=$F"
    sed 's/^/    /' "$TMP/stage.log"
fi
if grep -q "^\.load $F/lib/learnpath\$" "$S$F/share/learnpath/02_initial_next_program.sql" 2>/dev/null; then
    ok "staged reports load $F/lib/learnpath (not the DESTDIR path)"
else
    bad "staged report's .load line: $(grep '^\.load' "$S$F/share/learnpath/02_initial_next_program.sql" 2>/dev/null)"
fi
$MAKE --no-print-directory -s uninstall DESTDIR="$S" PREFIX="$F" > "$TMP/unstage.log" 2>&1
left=$(find "$S" -type f 2>/dev/null)
if [ -z "$left" ]; then
    ok "make uninstall DESTDIR=$S PREFIX=$F removes every staged file"
else
    bad "left in the stage after uninstall: $left"
fi

cd "$ROOT" || exit 2
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
