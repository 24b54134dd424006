#!/bin/sh
# python.sh - host test: Python's sqlite3 module.
#
# 1. Debian's /usr/bin/python3 (or $PYTHON) loads dist/learnpath with
#    enable_load_extension(True) + load_extension('dist/learnpath') and
#    answers sql/01's core query, sql/02 and sql/05 with the fixture's
#    figures (tests/hosts/python_host.py).
# 2. A Python built without extension loading (pyenv builds usually are;
#    the first python3 on PATH that differs from $PYTHON is tried): its
#    sqlite3.Connection has no enable_load_extension, the call fails with
#    the AttributeError the README quotes, and the README's check before
#    loading prints the advice. When every Python here can load
#    extensions, that part is skipped.
# Run by tests/hosts/run.sh (which sets LP_EXT, LP_VERSION, SQLITE3, TMP).
set -u
HOST=python
. tests/hosts/lib.sh

PYTHON=${PYTHON:-/usr/bin/python3}
EXTNAME=${LP_EXT%.*}

if [ ! -x "$PYTHON" ]; then
    skip "no $PYTHON (Debian package python3)"
else
    DB=$TMP/python-fixture.db
    make_fixture_db "$DB" || fail "could not build $DB"
    has=$("$PYTHON" -c 'import sqlite3; print(hasattr(sqlite3.Connection, "enable_load_extension"))' 2>&1)
    if [ "$has" != True ]; then
        fail "$PYTHON cannot load extensions (hasattr(sqlite3.Connection, 'enable_load_extension') = $has)"
    else
        "$PYTHON" tests/hosts/python_host.py "$EXTNAME" "$LP_VERSION" "$DB" > "$TMP/py.out" 2>&1
        status=$?
        cat "$TMP/py.out"
        if [ "$status" -ne 0 ] && ! grep -q '^FAIL ' "$TMP/py.out"; then
            fail "tests/hosts/python_host.py exited with status $status"
        fi
    fi
fi

# 2. A Python without enable_load_extension.
HOST=python-noload
other=""
oldifs=$IFS
IFS=:
set -- $PATH
IFS=$oldifs
for d in "$@"; do
    p=${d:-.}/python3
    [ -x "$p" ] || continue
    [ "$(readlink -f "$p")" = "$(readlink -f "$PYTHON")" ] && continue
    if [ "$("$p" -c 'import sqlite3; print(hasattr(sqlite3.Connection, "enable_load_extension"))' 2>/dev/null)" = False ]; then
        other=$p
        break
    fi
done
if [ -z "$other" ]; then
    skip "every python3 here can load extensions, so there is no Python without enable_load_extension to show the message with"
    exit 0
fi
out=$("$other" tests/hosts/python_host.py --probe "$EXTNAME" 2>&1)
status=$?
ver=$("$other" -c 'import sys; print(sys.version.split()[0])')
if [ "$status" -eq 3 ] &&
        printf '%s\n' "$out" | grep -Fq "AttributeError: 'sqlite3.Connection' object has no attribute 'enable_load_extension'" &&
        printf '%s\n' "$out" | grep -Fq "built without extension loading"; then
    ok "$other (Python $ver) has no enable_load_extension: detected before loading; it says: $(printf '%s\n' "$out" | sed -n 's/^learnpath: //p')"
else
    fail "$other (Python $ver) without enable_load_extension: expected exit status 3 and the advice, got status $status:"
    printf '%s\n' "$out" | details
fi
exit 0
