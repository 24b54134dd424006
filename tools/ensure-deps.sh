#!/bin/sh
# ensure-deps.sh - make sure what learnpath builds and tests with is here.
# Called by the Makefile before building. On Debian/Ubuntu as root it installs
# what is missing with apt-get; otherwise it stops and prints the command.
# Usage: tools/ensure-deps.sh [extra-debian-package ...]
set -u
missing=""
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists sqlite3 || missing="$missing libsqlite3-dev"
    pkg-config --exists check || missing="$missing check"
else
    [ -f /usr/include/sqlite3ext.h ] || missing="$missing libsqlite3-dev"
    [ -f /usr/include/check.h ] || missing="$missing check"
fi
for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get update && apt-get install -y$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "learnpath: installing missing build dependencies:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq$missing >&2 && exit 0
    echo "learnpath: apt-get failed; run: $cmd" >&2
    exit 1
fi
echo "learnpath: missing build dependencies:$missing" >&2
echo "learnpath: install them with:  sudo sh -c '$cmd'" >&2
exit 1
