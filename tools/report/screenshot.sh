#!/bin/sh
# screenshot.sh - a PNG of a local HTML file, drawn by headless Chromium.
#
#   sh tools/report/screenshot.sh PAGE.html OUT.png [WIDTH,HEIGHT [dark]]
#
# WIDTH,HEIGHT is the window (default 1200,1800); the PNG is what fits in
# it, from the top of the page, without scroll bars. "dark" asks for the
# page's dark colour scheme (prefers-color-scheme: dark).
# Used by `make report-screenshot` (docs/img/report.png) and by
# tests/report/test_report.sh. The browser is $CHROMIUM, else the first of
# chromium, chromium-browser, google-chrome on the PATH (Debian: apt-get
# install chromium, or tools/ensure-deps.sh chromium as root). It runs with
# a throw-away profile, no sandbox (containers, root), no GPU and no
# background networking; the page itself loads nothing.
# Exit status: 0 = OUT.png written; 3 = no browser found; 1 = the browser
# failed (its messages are printed).
set -u

page=${1:?usage: screenshot.sh PAGE.html OUT.png [WIDTH,HEIGHT [dark]]}
out=${2:?usage: screenshot.sh PAGE.html OUT.png [WIDTH,HEIGHT [dark]]}
size=${3:-1200,1800}
scheme=${4:-light}

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
    done
fi
if [ -z "$browser" ] || ! command -v "$browser" >/dev/null 2>&1; then
    echo "screenshot: no Chromium (install it: apt-get install chromium, or set CHROMIUM)" >&2
    exit 3
fi
[ -f "$page" ] || { echo "screenshot: no such file: $page" >&2; exit 1; }
case $page in /*) ;; *) page=$(pwd)/$page ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

profile=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-chromium.XXXXXX") || exit 1
trap 'rm -rf "$profile"' EXIT
dark=
[ "$scheme" = dark ] && dark=--force-dark-mode
limit=
command -v timeout >/dev/null 2>&1 && limit="timeout 60"

# The page as a file: URL; %, space, # and ? would end or change it.
url=file://$(printf '%s\n' "$page" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/#/%23/g' -e 's/?/%3F/g')

rm -f "$out"
# shellcheck disable=SC2086 # $limit and $dark are empty or one word
$limit "$browser" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-default-apps --no-first-run --no-default-browser-check \
    --hide-scrollbars --force-device-scale-factor=1 $dark \
    --user-data-dir="$profile" --window-size="$size" \
    --screenshot="$out" "$url" > "$profile/log" 2>&1
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$out" ]; then
    echo "screenshot: $browser failed (status $status):" >&2
    grep -v -e 'dbus' -e 'Fontconfig' "$profile/log" | tail -n 15 | sed 's/^/    /' >&2
    exit 1
fi
exit 0
