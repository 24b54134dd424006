#!/bin/sh
# screenshot.sh - a picture of DB Browser for SQLite showing a learnpath report,
# for the README (`make screenshot-dbbrowser`; not a test).
#
#   sh tests/hosts/screenshot.sh [OUT.png]        default docs/img/dbbrowser.png
#
# Needs sqlitebrowser, xvfb (xvfb-run), imagemagick (import) and xdotool; the
# make target installs them with tools/ensure-deps.sh. What it does:
#   1. a scratch database with the demo data (sample_enrollments(20000, 42),
#      the same users as `make demo`);
#   2. DB Browser under xvfb-run -a -s "-screen 0 960x760x24", with learnpath
#      in its extensions list (-o extensions/list=...) and
#      SELECT learnpath_allow_views(1) as the SQL it runs after opening the
#      database (-o db/defaultsqltext=..., Preferences > Database: a saved
#      view may call learnpath only after it, README.md "Trust model"), runs
#      a script (-s) that saves the initial -> next program report as a view,
#      and opens that view in Browse Data (-t), where DB Browser runs the view
#      through learnpath;
#   3. xdotool sizes the window to the screen, simplifies the layout (View >
#      Window Layout > Simplify, Alt+Shift+0) and fits the columns
#      (double-clicks on the header borders);
#   4. import -window root OUT.png.
# Settings go to a scratch HOME. Run from the repository root after `make`.
set -eu
OUT=${1:-docs/img/dbbrowser.png}
SQLITE3=${SQLITE3:-sqlite3}

for c in sqlitebrowser xvfb-run import xdotool; do
    command -v $c >/dev/null 2>&1 || {
        echo "screenshot: '$c' is missing (make screenshot-dbbrowser installs it as root)" >&2
        exit 1
    }
done
[ -f dist/learnpath.so ] || { echo "screenshot: build dist/learnpath.so first: make" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-shot.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/home" "$TMP/run" "$(dirname "$OUT")"
chmod 700 "$TMP/run"

DB=$TMP/learnpath-demo.db
"$SQLITE3" -bail "$DB" ".load dist/learnpath" \
    "CREATE TABLE enrollments AS SELECT * FROM sample_enrollments(20000, 42);"

cat > "$TMP/view.sql" <<'EOF'
CREATE VIEW initial_next_program AS
SELECT segment AS user_type,
       from_program AS initial_program,
       coalesce(to_program, '(did not continue)') AS next_program,
       users,
       round(100 * share, 1) AS pct_of_starters
  FROM program_transitions('enrollments', 'user_id', 'program', 'enrolled_at', 'user_type')
 WHERE step = 1;
EOF

# Runs inside xvfb-run.
cat > "$TMP/inside.sh" <<EOF
sqlitebrowser -o extensions/list=$(pwd)/dist/learnpath.so \\
    -o "db/defaultsqltext=SELECT learnpath_allow_views(1);" -s "$TMP/view.sql" \\
    -t initial_next_program "$DB" > "$TMP/db4s.out" 2> "$TMP/db4s.err" &
pid=\$!
w=\$(timeout 30 xdotool search --sync --onlyvisible --name 'DB Browser for SQLite' | head -n 1)
sleep 2
xdotool windowsize \$w 960 760 windowmove \$w 0 0
sleep 1
xdotool windowfocus --sync \$w key alt+shift+0
sleep 1
# Fit the five columns to their contents, right to left (header borders at y=150).
for x in 562 458 354 250 146; do
    xdotool mousemove \$x 150 click --repeat 2 --delay 80 1
    sleep 0.3
done
xdotool mousemove 800 400
sleep 2
import -window root "$TMP/shot.png"
kill \$pid
wait \$pid 2>/dev/null || true
EOF

HOME=$TMP/home XDG_CONFIG_HOME=$TMP/home/.config XDG_RUNTIME_DIR=$TMP/run \
    timeout -k 5 120 xvfb-run -a -f "$TMP/xauth" -s "-screen 0 960x760x24" sh "$TMP/inside.sh"

if grep -q 'Error in statement' "$TMP/db4s.err"; then
    echo "screenshot: DB Browser reported an error:" >&2
    cat "$TMP/db4s.err" >&2
    exit 1
fi
if [ "$("$SQLITE3" "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'initial_next_program'")" != 1 ]; then
    echo "screenshot: the script did not run in DB Browser (no view initial_next_program)" >&2
    exit 1
fi
[ -s "$TMP/shot.png" ] || { echo "screenshot: no picture taken" >&2; exit 1; }
cp "$TMP/shot.png" "$OUT"
echo "screenshot: $OUT ($(identify -format '%wx%h' "$OUT" 2>/dev/null || echo '?'))"
