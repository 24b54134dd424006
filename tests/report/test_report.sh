#!/bin/sh
# test_report.sh - tests of the HTML report (`make report`, tools/report.sh).
#
# Run from the repository root after `make` (or as `make test-report`):
#   sh tests/report/test_report.sh
# What it does, in a temporary directory:
#   1. builds a database from tests/sql/fixtures/enrollments.sql and writes
#      the report from it with a fixed REPORT_DATE;
#   2. checks the page's structure: one section per sql/*.sql, in order,
#      each with its heading, "what it answers" (from the report's header),
#      its tables (one per captioned result; as many rows as the report
#      prints) and its charts (the number of <svg> each sql/charts/ query
#      prints; bars drawn as <rect>, Sankey bands and curves as <path>, none "no data");
#      the key findings hold the fixture's hand-checked figures; the date is
#      in one place; a second run gives the same bytes;
#   3. checks that the page is static and self-contained: no <script>, no
#      event handlers, no <link>/<img>/<iframe>/<object>/<embed>, no url(),
#      no @import, no http:// or https:// except the SVG namespace, only
#      #anchors as links;
#   4. writes the report of a copy of the fixture with hostile names
#      (a program '<script>alert(1)</script>', a user type and an account
#      with &, <, >, quotes) and checks that they arrive escaped everywhere
#      and that the key findings follow the data;
#   5. file names, refusals and failures (issue 11, item 2; README "The
#      HTML report"): `make report` with the hostile DB and OUT of the issue
#      (x';touch PWNED;'.html, ';touch PWNED;') and with $(shell ...) in
#      OUT runs nothing; DB and OUT paths with an apostrophe, a space, $, `
#      and a leading - give the same page, through make and tools/report.sh,
#      and names with a newline work;
#      an OUT that is a directory, a device or the database is refused and
#      nothing is left behind; a full disk (a 64 KB tmpfs as root, else
#      SKIP), a file-size limit at several sizes and an sqlite3 shell that
#      cannot write its output (it still exits 0) each fail with a message
#      and a non-zero exit, leave no temporary file and leave the previous
#      OUT unchanged;
#   6. one connection (issue 12, item 4): the whole report runs in ONE
#      sqlite3 process (a wrapper shell counts its starts) and gives the same
#      page; in a copy of tools/ and sql/ with sections added, a failing
#      report, a failing chart and a failing report that makes a TEMP view
#      are each named, with the shell's error at the line of their own file,
#      and a report whose comment is never closed (the shell then exits 0)
#      is found by its missing marker; the settings a section changes
#      (.echo, .changes, .once, .output, learnpath_allow_views(1)) do not
#      reach the next ones; `tools/demo.sh` runs every report in one sqlite3
#      process (three in all: export, import, reports), each report's
#      output is what it prints in a shell of its own, and a failing report
#      is named;
#   7. draws the page in headless Chromium (tools/report/screenshot.sh) at
#      1200x3000, light and dark, and checks with ImageMagick that the
#      screenshots are not blank (standard deviation, distinct colours) and
#      that dark is dark; then draws each chart of the page alone in a grid
#      cell and checks that every cell holds coloured marks (so each chart
#      is drawn, not just present). Without Chromium or ImageMagick these
#      checks print SKIP and count as skipped, never as passed.
# The last line is "N passed, M failed" (", K skipped" when some were); the
# exit status is 0 only when nothing failed. Environment: SQLITE3 (default
# sqlite3), CHROMIUM (see tools/report/screenshot.sh), KEEP=1 keeps the
# temporary directory and prints its name.
set -u

SQLITE3=${SQLITE3:-sqlite3}

if [ ! -f tests/report/test_report.sh ] || [ ! -f tools/report.sh ]; then
    echo "tests/report: run me from the repository root: sh tests/report/test_report.sh" >&2
    exit 2
fi
if [ ! -f dist/learnpath.so ] && [ ! -f dist/learnpath.dylib ] && [ ! -f dist/learnpath.dll ]; then
    echo "tests/report: dist/learnpath.so is missing; build it first with: make" >&2
    exit 2
fi

ROOT=$(pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-report-test.XXXXXX") || exit 2
MNT=
unmount() { if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || true; MNT=; fi; }
if [ "${KEEP:-}" = 1 ]; then
    echo "tests/report: keeping $T"
    trap 'unmount' EXIT
else
    trap 'unmount; rm -rf "$T"' EXIT
fi
trap 'exit 130' INT TERM

pass=0
fail=0
skip=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
nok() { fail=$((fail + 1)); echo "FAIL $*"; }
skipped() { skip=$((skip + 1)); echo "SKIP $*"; }
# check DESCRIPTION COMMAND...: pass when the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else nok "$desc"; fi
}
finish() {
    if [ "$skip" -gt 0 ]; then
        echo "$pass passed, $fail failed, $skip skipped"
    else
        echo "$pass passed, $fail failed"
    fi
    [ "$fail" -eq 0 ]
    exit $?
}

# count PATTERN FILE: occurrences (not lines) of an extended regex.
count() {
    grep -o -E -e "$1" "$2" | wc -l | tr -d ' '
}
# has PATTERN FILE / hasnt PATTERN FILE: fixed string, case-sensitive.
has() { grep -q -F -e "$1" "$2"; }
hasnt() { ! grep -q -i -F -e "$1" "$2"; }
eq() { [ "$1" = "$2" ] || { echo "    expected '$2', got '$1'"; return 1; }; }
ge() { [ "$1" -ge "$2" ] || { echo "    expected at least $2, got $1"; return 1; }; }
gt_real() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }' || { echo "    $1 is not above $2"; return 1; }; }
lt_real() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }' || { echo "    $1 is not below $2"; return 1; }; }
# section ID FILE > OUT: the lines of <section ... id="ID"> up to </section>.
section() {
    awk -v open="<section class=\"report\" id=\"$1\">" '
        $0 == open { on = 1 }
        on { print }
        on && $0 == "</section>" { exit }' "$2"
}
# html_esc TEXT: as tools/report.sh escapes it.
html_esc() {
    printf '%s\n' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
        -e 's/"/\&quot;/g' -e "s/'/\&#39;/g"
}

# ------------------------------------------------------- 1. the fixture report

# The client's report settings (README rule 16), for every run below: its
# flagship and its group column, and a base of 1 user (the fixture has 15)
# so that every key finding shows. tools/report.sh takes them as REPORT_*,
# make report as FLAGSHIP, GROUP_COL, MIN_BASE (from the environment too).
export REPORT_FLAGSHIP=Flagship REPORT_GROUP_COL=account REPORT_MIN_BASE=1
export FLAGSHIP=Flagship GROUP_COL=account MIN_BASE=1
# The same settings for a report run on its own in the shell.
SETTINGS_SQL=".load dist/learnpath
.output /dev/null
SELECT learnpath_report_setting('flagship', 'Flagship'), learnpath_report_setting('group_col', 'account');
.output stdout"

FIX=$T/fixture.db
if ! "$SQLITE3" "$FIX" < tests/sql/fixtures/enrollments.sql > "$T/fixture.log" 2>&1; then
    nok "fixture database builds from tests/sql/fixtures/enrollments.sql"
    sed 's/^/    /' "$T/fixture.log"
    finish
fi
DATE=2001-02-03
HTML=$T/report.html
if REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$FIX" "$HTML" > "$T/run1.log" 2>&1 &&
    [ -s "$HTML" ]; then
    ok "tools/report.sh writes the report of the fixture"
else
    nok "tools/report.sh writes the report of the fixture"
    sed 's/^/    /' "$T/run1.log"
    finish
fi

# ------------------------------------------------------------- 2. structure

check "starts with <!DOCTYPE html> and ends with </html>" \
    eq "$(head -n 1 "$HTML")|$(tail -n 1 "$HTML")" "<!DOCTYPE html>|</html>"
check "declares UTF-8" has '<meta charset="utf-8">' "$HTML"
check "has a title, an intro and a key findings box" \
    eq "$(count '<title>Learner journeys|<h1>|<p class="lede">|<section class="findings"' "$HTML")" 4
tr '\n' ' ' < "$HTML" > "$T/flat.html"
check "the intro names the data: 27 enrollments of 15 users in 5 programs, 3 rows left out" \
    has '<strong>27</strong> enrollments of <strong>15</strong> users in <strong>5</strong> programs, 2021-01-05 to 2021-08-15. 3 rows with an empty user, program or time are left out' "$T/flat.html"
check "the date is in one place: <time> only" \
    eq "$(count "$DATE" "$HTML")|$(count "<time datetime=\"$DATE\">$DATE</time>" "$HTML")" "2|1"

REPORTS=$(ls sql/*.sql)
n_reports=$(printf '%s\n' "$REPORTS" | wc -l | tr -d ' ')
check "one section per saved report ($n_reports)" \
    eq "$(count '<section class="report" id=' "$HTML")" "$n_reports"
check "sections in the order of sql/*.sql" \
    eq "$(grep -o -E '<section class="report" id="r[0-9]+"' "$HTML" | sed 's/.*id="r//;s/"//' | tr '\n' ' ')" \
       "$(printf '%s\n' "$REPORTS" | sed 's,^sql/,,;s,_.*,,' | tr '\n' ' ')"

total_svg=0
for report in $REPORTS; do
    name=$(basename "$report" .sql)
    num=${name%%_*}
    section "r$num" "$HTML" > "$T/s.html"
    # the settings' names put in for {segment} and {group}, as the page does
    title=$(sed -n '1{s/^-- *//;s/^[^ ]*\.sql - //;s/{segment}/user type/g;s/{group}/account/g;p;}' "$report")
    question=$(sed -n 's/^-- Question: *//p' "$report" | head -n 1 |
        sed 's/{segment}/user type/g;s/{group}/account/g')
    errors=""
    has "<h2>$(html_esc "$title")</h2>" "$T/s.html" || errors="$errors heading;"
    has "<h3>What it answers</h3>" "$T/s.html" || errors="$errors what-it-answers;"
    # the first words of the Question: paragraph, capitalised as shown
    words=$(html_esc "$question" | cut -c2-40)
    has "$words" "$T/s.html" || errors="$errors question text;"
    has "<code>$report</code>" "$T/s.html" || errors="$errors file name;"
    if [ -z "$errors" ]; then ok "$name: heading, what it answers"; else nok "$name: missing$errors"; fi

    # tables: one per non-empty .print caption (at least one); rows as printed
    captions=$(grep -c -E "^\.print +'[^']" "$report")
    want_tables=$(( captions > 0 ? captions : 1 ))
    want_rows=$(awk '/^\.(mode|headers)/ { next } /^\.print/ { next } { print }' "$report" |
        { printf '%s\n.headers off\n.mode html\n' "$SETTINGS_SQL"; cat; } |
        "$SQLITE3" -readonly "$FIX" 2>/dev/null | grep -c '^<TR>')
    got_rows=$(count '<tr( class="[^"]*")?><td' "$T/s.html")
    check "$name: $want_tables table(s), $want_rows rows, $captions caption(s)" \
        eq "$(count '<table>' "$T/s.html")|$got_rows|$(count '<h3 class="caption">' "$T/s.html")" \
           "$want_tables|$want_rows|$captions"
    check "$name: numbers are right-aligned (td class=num)" ge "$(count '<td class="num">' "$T/s.html")" 1

    # charts: as many SVGs as the chart query prints, with their marks
    chart=sql/charts/$name.sql
    if [ ! -f "$chart" ]; then
        nok "$name: no chart query $chart"
        continue
    fi
    want_svg=$({ printf '%s\n' "$SETTINGS_SQL"; cat "$chart"; } |
        "$SQLITE3" -readonly "$FIX" 2>/dev/null | grep -c '^<svg ')
    got_svg=$(count '<svg ' "$T/s.html")
    total_svg=$((total_svg + got_svg))
    check "$name: $want_svg chart(s) embedded" eq "$got_svg|$(count '</svg>' "$T/s.html")" "$want_svg|$want_svg"
    check "$name: at least one chart" ge "$got_svg" 1
    if grep -q -E "sankey_svg\(" "$chart"; then
        check "$name: Sankey bands drawn (<path>)" ge "$(count '<path ' "$T/s.html")" $((got_svg * 3))
        check "$name: Sankey has its 'did not continue' node" \
            ge "$(count '>did not continue<' "$T/s.html")" "$got_svg"
    elif grep -q -E "curve_svg\(" "$chart"; then
        # a step curve and its band per series, two series (the user types)
        check "$name: curves and bands drawn (<path>)" ge "$(count '<path ' "$T/s.html")" $((got_svg * 4))
    else
        # one background <rect> per chart, then bars / segments and legend keys
        check "$name: bars drawn (<rect>)" ge "$(count '<rect ' "$T/s.html")" $((got_svg * 4))
    fi
    check "$name: no 'no data' chart" hasnt '>no data</text>' "$T/s.html"
done
check "8 charts in all (1 + 2 Sankeys + 1 + 1 + 1 + 1 + 1)" eq "$total_svg" 8
check "every chart is framed in a <figure class=chart>" \
    eq "$(count '<figure class="chart( wide)?">' "$HTML")" "$total_svg"

# key findings: the fixture's figures (see the fixture's header comment)
sed -n '/<section class="findings"/,/<\/section>/p' "$HTML" > "$T/findings.html"
for f in \
    '62.5%</span> <span class="txt">5 of 8 users whose user type is ‘student’ start with ‘Program A’' \
    '71.4%</span> <span class="txt">5 of 7 users whose user type is ‘professional’ start with ‘Flagship’' \
    '66.7%</span> <span class="txt">2 of the 3 users who continued after ‘Flagship’ took ‘Program A’ next' \
    '46.7%</span> <span class="txt">7 of 15 users have not gone on to a second program (yet)' \
    '16 days</span> <span class="txt">median time from the first program to the second, for the 8 users who continued' \
    '66.7%</span> <span class="txt">10 of 15 users took ‘Flagship’, the most popular program' \
    '5</span> <span class="txt">users in ‘Corp X’, the largest account (33.3% of 15 users)' \
    '4</span> <span class="txt">users started in 2021-01, the busiest month'; do
    check "key finding: $(echo "$f" | sed 's/<[^>]*>//g')" has "$f" "$T/findings.html"
done
check "each key finding links to its section" \
    eq "$(count '<li><a href="#r0[1-6]">' "$T/findings.html")" 8

if REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$FIX" "$T/report2.html" > /dev/null 2>&1 &&
    cmp -s "$HTML" "$T/report2.html"; then
    ok "deterministic: a second run gives the same bytes"
else
    nok "deterministic: a second run gives the same bytes"
fi

# ------------------------------------------------------ 3. static, self-contained

check "no <script>" hasnt '<script' "$HTML"
check "no event handler attributes" eq "$(count ' on[a-zA-Z]+=' "$HTML")" 0
check "no <link>, <img>, <iframe>, <object>, <embed>, <base>" \
    eq "$(grep -o -i -E '<(link|img|iframe|object|embed|base)[ >/]' "$HTML" | wc -l | tr -d ' ')" 0
check "no url(...) and no @import" eq "$(grep -o -i -E 'url\(|@import' "$HTML" | wc -l | tr -d ' ')" 0
check "no http:// or https:// but the SVG namespace" \
    eq "$(grep -o -i -E 'https?://[^"<> ]*' "$HTML" | grep -v -x 'http://www.w3.org/2000/svg' | wc -l | tr -d ' ')" 0
check "links are #anchors to sections that exist" \
    eq "$(grep -o -E 'href="[^"]*"' "$HTML" | sort -u | while read -r h; do
            id=$(echo "$h" | sed -n 's/^href="#\(.*\)"$/\1/p')
            [ -n "$id" ] && grep -q "id=\"$id\"" "$HTML" || echo "$h"
          done | wc -l | tr -d ' ')" 0

# ------------------------------------------------------------ 4. escaping

EVIL=$T/evil.db
cp "$FIX" "$EVIL"
"$SQLITE3" "$EVIL" <<'EOF' > "$T/evil.log" 2>&1
INSERT INTO enrollments (user_id, program, enrolled_at, user_type, account) VALUES
    ('e1', '<script>alert(1)</script>', '2021-05-01 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">'),
    ('e2', '<script>alert(1)</script>', '2021-05-02 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">'),
    ('e3', '<script>alert(1)</script>', '2021-05-03 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">'),
    ('e4', '<script>alert(1)</script>', '2021-05-04 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">'),
    ('e5', '<script>alert(1)</script>', '2021-05-05 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">'),
    ('e6', '<script>alert(1)</script>', '2021-05-06 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">'),
    ('e6', 'Flagship & <i>co</i>',       '2021-05-09 10:00:00', '<b>pro</b> & "co" ''x''', '<Corp & "Z">');
EOF
if REPORT_DATE='<b>"&' SQLITE3=$SQLITE3 sh tools/report.sh "$EVIL" "$T/evil.html" > "$T/evil.log" 2>&1; then
    ok "the report of hostile names is written"
    check "hostile names: no <script>, <b>, <i> or raw <Corp in the page" \
        eq "$(grep -o -i -E '<script|<b>|<i>|<Corp' "$T/evil.html" | wc -l | tr -d ' ')" 0
    check "hostile names: the program is shown escaped in tables and charts" \
        ge "$(count '&lt;script&gt;alert\(1\)&lt;/script&gt;' "$T/evil.html")" 6
    check "hostile names: escaped in the key findings (user type, program, account)" \
        eq "$(sed -n '/<section class="findings"/,/<\/section>/p' "$T/evil.html" |
              grep -c -F -e '100.0%</span> <span class="txt">6 of 6 users whose user type is ‘&lt;b&gt;pro&lt;/b&gt; &amp; &quot;co&quot; &#39;x&#39;’ start with ‘&lt;script&gt;alert(1)&lt;/script&gt;’' \
                         -e '6</span> <span class="txt">users in ‘&lt;Corp &amp; &quot;Z&quot;&gt;’, the largest account')" 2
    check "hostile REPORT_DATE is escaped" has '<time datetime="&lt;b&gt;&quot;&amp;">' "$T/evil.html"
    check "the key findings follow the data: largest account and busiest month changed" \
        eq "$(grep -c -F -e 'users in ‘Corp X’' -e 'users started in 2021-05, the busiest month' "$T/evil.html")" 1
else
    nok "the report of hostile names is written"
    sed 's/^/    /' "$T/evil.log"
fi

# ------------------------------------------ 5. file names, refusals, failures

# make_report ARGS...: `make report` in the repository, as a user runs it
# (not as a sub-make of `make test-report`), with a fixed date.
make_report() {
    (unset MAKEFLAGS MAKELEVEL MFLAGS
     make -s -C "$ROOT" report REPORT_DATE=$DATE "$@")
}
# pwned: "yes" when a PWNED file appeared (in the repository, where make
# runs recipes, or anywhere under the test directory); removes it, so that
# each check sees only its own run.
pwned() {
    if [ -e "$ROOT/PWNED" ] || [ -n "$(find "$T" -name 'PWNED*' 2>/dev/null)" ]; then
        echo yes
        rm -f "$ROOT/PWNED"
        find "$T" -name 'PWNED*' -exec rm -f {} + 2>/dev/null
    else
        echo no
    fi
}
# same_page A B: the same page but for the intro line naming the database.
same_page() {
    grep -v '^<p class="meta">Data:' "$1" > "$T/a.cmp"
    grep -v '^<p class="meta">Data:' "$2" > "$T/b.cmp"
    cmp -s "$T/a.cmp" "$T/b.cmp" || { echo "    $2 differs from $1"; return 1; }
}
# listing DIR: its entries (names only, sorted, dot files too).
listing() { (cd "$1" && ls -A); }
rm -f "$ROOT/PWNED"

# Report settings are data: a flagship and a segment name holding shell and
# SQL code, through make (its $(shell ...) too), run nothing and arrive as
# text (the flagship names no program: sql/01 says so, with the name).
EVIL_FLAG="x');SELECT 1;--'\"\`touch PWNED\`\$(touch PWNED)\$(shell touch PWNED-make)"
make_report DB="$FIX" OUT="$T/evil-settings.html" FLAGSHIP="$EVIL_FLAG" \
    SEGMENT_LABEL="kind';touch PWNED;'" > "$T/evil-settings.log" 2>&1
status=$?
check "make report FLAGSHIP=<shell and SQL code>: runs nothing, exit 0" eq "$(pwned)|$status" "no|0"
check "... the flagship arrives as text: sql/01's note names it, escaped" \
    eq "$(grep -c -F "The flagship setting names &#39;x&#39;&#39;);SELECT 1;--&#39;&#39;&quot;" "$T/evil-settings.html")" 1
check "... the segment's name arrives as text, escaped, in the column headers" \
    ge "$(count "<th>kind&#39;;touch PWNED;&#39;</th>" "$T/evil-settings.html")" 1

# The issue's hostile OUT: the shell code in it must not run, and the
# report is written at exactly that path.
mkdir "$T/hostile"
HOSTILE_OUT="$T/hostile/x';touch PWNED;'.html"
make_report DB="$FIX" OUT="$HOSTILE_OUT" > "$T/hostile.log" 2>&1
status=$?
check "make report OUT=\"x';touch PWNED;'.html\": runs nothing" eq "$(pwned)" no
check "make report OUT=\"x';touch PWNED;'.html\": exit 0, the report at that exact path, nothing else" \
    eq "$status|$(listing "$T/hostile")" "0|x';touch PWNED;'.html"
check "make report OUT=\"x';touch PWNED;'.html\": the same page as the fixture's" same_page "$HTML" "$HOSTILE_OUT"

# The issue's hostile DB: no such file, so a clear refusal; nothing runs.
make_report DB="';touch PWNED;'" OUT="$T/hostile/db.html" > "$T/hostile-db.log" 2>&1
status=$?
check "make report DB=\"';touch PWNED;'\": runs nothing" eq "$(pwned)" no
check "make report DB=\"';touch PWNED;'\": refused (exit non-zero, 'no database', nothing written)" \
    eq "$([ "$status" -ne 0 ] && echo failed)|$(grep -c -F "report: no database '$ROOT/';touch PWNED;''" "$T/hostile-db.log")|$(listing "$T/hostile")" \
       "failed|1|x';touch PWNED;'.html"
# ... and a database that has that name is read.
cp "$FIX" "$T/hostile/';touch PWNED;'"
make_report DB="$T/hostile/';touch PWNED;'" OUT="$T/hostile/db.html" > "$T/hostile-db2.log" 2>&1
status=$?
check "make report DB=\"DIR/';touch PWNED;'\" (a database of that name): runs nothing, writes the report" \
    eq "$(pwned)|$status|$([ -f "$T/hostile/db.html" ] && echo written)" "no|0|written"
# make must not expand a $(...) in the value either.
make_report DB="$FIX" OUT="$T/hostile/\$(shell touch PWNED-make).html" > "$T/hostile-make.log" 2>&1
status=$?
check "make report OUT='DIR/\$(shell touch PWNED-make).html': make expands nothing, the file has that name" \
    eq "$([ -e "$ROOT/PWNED-make" ] && echo pwned)|$status|$([ -f "$T/hostile/\$(shell touch PWNED-make).html" ] && echo written)" \
       "|0|written"
rm -f "$ROOT/PWNED" "$ROOT/PWNED-make"

# DB and OUT with an apostrophe, a space, $, ` and a leading -.
ODD_DIR="$T/it's a \$HOME \`dir\`"
ODD_NAME="-it's \$(x) \`y\` \$z"
mkdir "$ODD_DIR"
cp "$FIX" "$ODD_DIR/$ODD_NAME.db"
make_report DB="$ODD_DIR/$ODD_NAME.db" OUT="$ODD_DIR/$ODD_NAME.html" > "$T/odd-make.log" 2>&1
status=$?
check "make report: DB and OUT with ', space, \$, \` and a leading - (exit 0, nothing else written)" \
    eq "$status|$(listing "$ODD_DIR" | tr '\n' '|')" "0|$ODD_NAME.db|$ODD_NAME.html|"
check "make report: that page is the fixture's page" same_page "$HTML" "$ODD_DIR/$ODD_NAME.html"
check "make report: its intro names the database file, escaped" \
    has "table <code>enrollments</code> in <code>$(html_esc "$ODD_NAME.db")</code>" "$ODD_DIR/$ODD_NAME.html"
(cd "$ODD_DIR" && REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh "$ROOT/tools/report.sh" "$ODD_NAME.db" "$ODD_NAME-2.html") \
    > "$T/odd-sh.log" 2>&1
status=$?
check "tools/report.sh: relative DB and OUT with ', space, \$, \` and a leading -" \
    eq "$status|$([ -f "$ODD_DIR/$ODD_NAME-2.html" ] && cmp -s "$ODD_DIR/$ODD_NAME.html" "$ODD_DIR/$ODD_NAME-2.html" && echo same)" \
       "0|same"
# ... and a newline, in the file names and at the end of OUT's directory.
NL='
'
mkdir "$T/nl$NL"
cp "$FIX" "$T/nl$NL/a${NL}b.db"
make_report DB="$T/nl$NL/a${NL}b.db" OUT="$T/nl$NL/o${NL}.html" > "$T/nl.log" 2>&1
status=$?
check "make report: DB and OUT with a newline, in a directory whose name ends in one" \
    eq "$status|$(tail -n 1 "$T/nl$NL/o${NL}.html" 2>/dev/null)|$(listing "$T/nl$NL" | wc -l | tr -d ' ')|$([ -e "$T/nl" ] && echo stray)" \
       "0|</html>|4|"
check "no PWNED anywhere after the odd names" eq "$(pwned)" no

# refused: OUT a directory, a directory name, a device, the database
mkdir "$T/outdir"
make_report DB="$FIX" OUT="$T/outdir" > "$T/outdir.log" 2>&1
status=$?
check "OUT a directory: refused (exit non-zero, 'is a directory'), nothing left in it" \
    eq "$([ "$status" -ne 0 ] && echo failed)|$(grep -c "OUT '$T/outdir' is a directory" "$T/outdir.log")|$(listing "$T/outdir")" \
       "failed|1|"
REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$FIX" "$T/newdir/" > "$T/newdir.log" 2>&1
status=$?
check "OUT ending in /: refused, the directory not created" \
    eq "$([ "$status" -ne 0 ] && echo failed)|$(grep -c 'names a directory' "$T/newdir.log")|$([ -e "$T/newdir" ] && echo created)" \
       "failed|1|"
if [ -c /dev/full ]; then
    before=$(ls -A /dev | grep -c -F 'full.tmp')
    REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$FIX" /dev/full > "$T/devfull.log" 2>&1
    status=$?
    check "OUT /dev/full (not a regular file): refused, no temporary file in /dev" \
        eq "$([ "$status" -ne 0 ] && echo failed)|$(grep -c 'is not a regular file' "$T/devfull.log")|$(ls -A /dev | grep -c -F 'full.tmp')" \
           "failed|1|$before"
fi
cp "$FIX" "$T/self.db"
REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$T/self.db" "$T/self.db" > "$T/self.log" 2>&1
status=$?
check "OUT the database itself: refused, the database unchanged" \
    eq "$([ "$status" -ne 0 ] && echo failed)|$(grep -c 'is the database itself' "$T/self.log")|$(cmp -s "$FIX" "$T/self.db" && echo same)" \
       "failed|1|same"

# fails_cleanly NAME DIR LOG STATUS PATTERN: the run failed with a message
# matching PATTERN, left DIR (OUT's directory) holding only out.html with
# its previous content, and left $T/work (its TMPDIR) empty.
fails_cleanly() {
    failed_before=$fail
    check "$1: exit non-zero, a message, previous OUT unchanged, no temporary file" \
        eq "$([ "$4" -ne 0 ] && echo failed)|$(grep -c -E "$5" "$3" | sed 's/^[1-9][0-9]*$/message/')|$(cmp -s "$2/out.html" "$T/previous.html" && echo unchanged)|$(listing "$2" | grep -v -x -e out.html -e filler | tr '\n' ' ')|$(listing "$T/work" | tr '\n' ' ')" \
           "failed|message|unchanged||"
    if [ "$fail" -gt "$failed_before" ]; then sed 's/^/    /' "$3"; fi
}
printf 'the previous report\n' > "$T/previous.html"
mkdir "$T/work" "$T/limited"

# A full disk: OUT on a 64 KB tmpfs that has 16 KB free (the page is larger).
MNT_DIR=$T/tiny
mkdir "$MNT_DIR"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$MNT_DIR" 2>/dev/null; then
    MNT=$MNT_DIR
    cp "$T/previous.html" "$MNT/out.html"
    head -c $((48 * 1024 - 4096)) /dev/zero > "$MNT/filler" 2>/dev/null || true
    TMPDIR=$T/work REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$FIX" "$MNT/out.html" > "$T/full.log" 2>&1
    fails_cleanly "a full disk (OUT on a 64 KB tmpfs)" "$MNT" "$T/full.log" $? 'No space left on device.*|disk full'
    # The same through make, and the full tmpfs as TMPDIR instead.
    make_report DB="$FIX" OUT="$MNT/out.html" > "$T/full-make.log" 2>&1
    fails_cleanly "a full disk, through make report" "$MNT" "$T/full-make.log" $? 'No space left on device'
    rm -f "$MNT/filler"
    head -c $((60 * 1024)) /dev/zero > "$MNT/filler" 2>/dev/null || true
    cp "$T/previous.html" "$T/limited/out.html"
    mkdir "$MNT/work" 2>/dev/null || true
    TMPDIR=$MNT/work REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$FIX" "$T/limited/out.html" > "$T/full-tmp.log" 2>&1
    status=$?
    check "a full TMPDIR: nothing left in it" eq "$(listing "$MNT/work")" ""
    fails_cleanly "a full TMPDIR (the work files on a full tmpfs)" "$T/limited" "$T/full-tmp.log" "$status" \
        'No space left on device|disk full|cannot make a temporary directory'
    unmount
else
    skipped "a full disk on a 64 KB tmpfs: needs root and mount -t tmpfs"
fi

# A write refused midway, at several points: a file-size limit (ulimit -f,
# 512-byte blocks, SIGXFSZ ignored so that writes fail with EFBIG).
cp "$T/previous.html" "$T/limited/out.html"
for blocks in 1 2 6 16 40 100; do
    (ulimit -f "$blocks" && trap '' XFSZ &&
        TMPDIR=$T/work REPORT_DATE=$DATE SQLITE3=$SQLITE3 exec sh tools/report.sh "$FIX" "$T/limited/out.html") \
        > "$T/limit.log" 2>&1
    fails_cleanly "files limited to $((blocks * 512)) bytes" "$T/limited" "$T/limit.log" $? 'File too large|disk full'
done

# The sqlite3 shell exits 0 when it cannot write its output: a shell whose
# output goes to /dev/full must make the report fail, not come out empty.
REAL_SQLITE3=$(command -v "$SQLITE3")
printf '#!/bin/sh\nexec "%s" "$@" > /dev/full\n' "$REAL_SQLITE3" > "$T/sqlite3-full"
chmod +x "$T/sqlite3-full"
"$T/sqlite3-full" :memory: 'SELECT 1'
check "(the premise: that sqlite3 shell exits 0 though it wrote nothing)" eq "$?" 0
TMPDIR=$T/work REPORT_DATE=$DATE SQLITE3=$T/sqlite3-full sh tools/report.sh "$FIX" "$T/limited/out.html" > "$T/sqlite-full.log" 2>&1
fails_cleanly "an sqlite3 shell that cannot write its output" "$T/limited" "$T/sqlite-full.log" $? 'output on .* is incomplete'

# ---------------------------------------------------------- 6. one connection

# A sqlite3 shell that logs each start (one line per process) to $T/starts.
printf '#!/bin/sh\necho start >> "%s/starts"\nexec "%s" "$@"\n' "$T" "$REAL_SQLITE3" > "$T/sqlite3-count"
chmod +x "$T/sqlite3-count"
starts() { if [ -f "$T/starts" ]; then wc -l < "$T/starts" | tr -d ' '; else echo 0; fi; }
rm -f "$T/starts"
REPORT_DATE=$DATE SQLITE3=$T/sqlite3-count sh tools/report.sh "$FIX" "$T/one.html" > "$T/one.log" 2>&1
status=$?
check "one connection: the whole report runs in ONE sqlite3 process, and gives the same page" \
    eq "$status|$(starts)|$(cmp -s "$HTML" "$T/one.html" && echo same)" "0|1|same"

# A copy of the repository's tools/ and sql/ (dist/ linked), to which the
# checks below add sections; the report and the demo run from it.
TREE=$T/tree
mkdir "$TREE"
cp -R tools sql "$TREE/"
ln -s "$ROOT/dist" "$TREE/dist"
# tree_report NAME: the report of the fixture from the copy, into
# $T/limited/out.html (previously $T/previous.html), log in $T/NAME.log;
# prints the exit status.
tree_report() {
    cp "$T/previous.html" "$T/limited/out.html"
    TMPDIR=$T/work REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh "$TREE/tools/report.sh" "$FIX" "$T/limited/out.html" \
        > "$T/$1.log" 2>&1
    echo $?
}

# A report that fails at its line 7: the error names it and that line.
cat > "$TREE/sql/07_broken.sql" <<'EOF'
-- 07_broken.sql - A report that fails
--
-- Question: what does a failing report say?
.load dist/learnpath
.print 'one row first'
SELECT 1 AS one;
SELECT no_such_column FROM enrollments;
EOF
status=$(tree_report broken)
fails_cleanly "a failing report" "$T/limited" "$T/broken.log" "$status" 'report: sql/07_broken.sql failed on '
check "a failing report: the error is the shell's, at the line of the report's file" \
    has 'near line 7: no such column: no_such_column' "$T/broken.log"

# ... its chart instead.
printf '.print one row first\nSELECT 1 AS one;\n' > "$TREE/sql/07_broken.sql"
printf '%s\n' '-- a chart that fails' '.headers off' 'SELECT bar_svg(1, 2);' > "$TREE/sql/charts/07_broken.sql"
status=$(tree_report broken-chart)
fails_cleanly "a failing chart" "$T/limited" "$T/broken-chart.log" "$status" 'report: sql/charts/07_broken.sql failed on '
check "a failing chart: the error is at its line 3" has 'near line 3: ' "$T/broken-chart.log"
rm -f "$TREE/sql/charts/07_broken.sql"

# ... a report that makes a TEMP view (it runs after the others).
printf 'DROP VIEW IF EXISTS temp.v;\nCREATE TEMP VIEW v AS SELECT 1 AS x;\nSELECT y FROM v;\n' > "$TREE/sql/07_broken.sql"
status=$(tree_report broken-ddl)
fails_cleanly "a failing report that makes a TEMP view" "$T/limited" "$T/broken-ddl.log" "$status" \
    'report: sql/07_broken.sql failed on '
check "a failing report that makes a TEMP view: the error is at its line 3" \
    has 'near line 3: no such column: y' "$T/broken-ddl.log"

# ... a comment never closed: the shell reads the rest as the comment and
# exits 0; the missing end marks show where its output stops.
printf 'SELECT 1 AS one;\n/* never closed\n' > "$TREE/sql/07_broken.sql"
status=$(tree_report broken-comment)
fails_cleanly "a report whose comment is never closed (the shell exits 0)" "$T/limited" "$T/broken-comment.log" \
    "$status" 'output on .* is incomplete: it stops in sql/07_broken.sql'

# Settings a section leaves do not reach the next ones: a chart that turns
# .echo and .changes on, sends its output elsewhere and turns
# learnpath_allow_views on (so it runs after the others, before sql/05's
# sections), and a report that sets the flagship to another program (rule
# 16; it too runs after the others); every section of sql/ is as before,
# and a report run after them all finds learnpath_allow_views off.
printf '%s\n' "SELECT learnpath_report_setting('flagship', 'Program A') AS was;" > "$TREE/sql/00_settings.sql"
printf '%s\n' '.echo on' '.changes on' '.once once.out' 'SELECT learnpath_allow_views(1) AS was;' \
    '.output output.out' > "$TREE/sql/charts/00_settings.sql"
printf '%s\n' 'SELECT learnpath_allow_views(0) AS views_were;' > "$TREE/sql/08_after.sql"
rm -f "$TREE/sql/07_broken.sql"
status=$(tree_report settings)
for n in 01 02 03 04 05 06; do section "r$n" "$HTML"; done > "$T/settings.want"
for n in 01 02 03 04 05 06; do section "r$n" "$T/limited/out.html"; done > "$T/settings.got"
check "a section's .echo, .changes, .output, learnpath_allow_views(1) and report setting do not reach the next ones" \
    eq "$status|$(cmp -s "$T/settings.want" "$T/settings.got" && echo same)|$(grep -c -x 0 "$TREE/once.out" 2>/dev/null)|$(section r08 "$T/limited/out.html" | grep -c '<td class="num">0</td>')" \
       "0|same|1|1"
rm -f "$TREE/sql/00_settings.sql" "$TREE/sql/charts/00_settings.sql" "$TREE/sql/08_after.sql"

# The demo: the reports on one connection (besides the shells that export
# and import the CSV), each report's output as in a shell of its own.
rm -f "$T/starts"
(cd "$TREE" && DEMO_USERS=300 DEMO_SEED=7 SQLITE3=$T/sqlite3-count sh tools/demo.sh) > "$T/demo.out" 2> "$T/demo.err"
status=$?
check "make demo: exit 0, three sqlite3 processes (export, import, every report on one connection)" \
    eq "$status|$(starts)" "0|3"
for report in $REPORTS; do
    title=$(sed -n '1s/^-- *//p' "$report")
    awk -v t="==== $title" '$0 == t { on = 1; getline; next } on && /^==== |^---- Summary$/ { exit } on { print }' \
        "$T/demo.out" | sed '$d' > "$T/demo-part.out"
    # alone, after the demo's settings (tools/demo.sh sets the same)
    { printf '%s\n' "$SETTINGS_SQL"; cat "$report"; } |
        "$SQLITE3" -bail "$TREE/demo/learnpath-demo.db" > "$T/demo-alone.out" 2>&1
    check "make demo: $report prints what it prints in a shell of its own, with its settings" \
        eq "$(cmp -s "$T/demo-part.out" "$T/demo-alone.out" && echo same)" same
done
sed 's/^FROM folded$/FROM no_such_table/' sql/03_continuation_rate.sql > "$TREE/sql/03_continuation_rate.sql"
(cd "$TREE" && DEMO_USERS=300 DEMO_SEED=7 SQLITE3=$SQLITE3 sh tools/demo.sh) > "$T/demo.out" 2> "$T/demo.err"
status=$?
check "make demo: a failing report is named, at its line" \
    eq "$([ "$status" -ne 0 ] && echo failed)|$(grep -c -E '^demo: sql/03_continuation_rate.sql failed on |near line [0-9]+: no such table: no_such_table' "$T/demo.err")" \
       "failed|2"

# ------------------------------------ 6b. another platform: the school demo

# tests/fixtures/school.sql (docs: README "Adapting the reports to your data"):
# 26 modules, six education levels in user_type, date-only times, integer
# ids out of row order, no group column, a data end that cuts recent
# cohorts short. The report runs with no settings but the segment's name
# (issue 13, items 1, 3, 6): no program is the flagship, there is no group.
SCHOOL=$T/school.db
"$SQLITE3" -bail "$SCHOOL" < tests/fixtures/school.sql > "$T/school.log" 2>&1
# commas N: N with thousands separators, as the page prints it
commas() { printf '%s' "$1" | awk '{ s = $0; o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }
if (unset REPORT_FLAGSHIP REPORT_GROUP_COL REPORT_MIN_BASE
    REPORT_SEGMENT_LABEL='education level' REPORT_DATE=$DATE SQLITE3=$SQLITE3 \
        sh tools/report.sh "$SCHOOL" "$T/school.html") > "$T/school.log" 2>&1; then
    ok "the school's report is written, with no flagship and no group column set"
    check "school: no client name anywhere in the page (Flagship, Ancillary, ancillary, Program A-E, Corp N)" \
        eq "$(grep -o -E 'Flagship|Ancillary|ancillary|Program [A-E]|Corp [0-9A-Z]' "$T/school.html" | wc -l | tr -d ' ')" 0
    check "school: the flagship split and the group report are one note each, saying how to set them" \
        eq "$(grep -c -F -e '<p class="note">No flagship program is set' -e '<p class="note">No group column is set' "$T/school.html")" 2
    check "school: the segment is called by its name, in headings and columns" \
        ge "$(count '<th>education level</th>|for each education level' "$T/school.html")" 3
    empty=0
    for n in 01 02 03 04 05 06; do
        section "r$n" "$T/school.html" > "$T/s.html"
        [ "$(count '<td|<p class="note">' "$T/s.html")" -ge 1 ] || empty=$((empty + 1))
    done
    check "school: no empty section (each has rows or a note)" eq "$empty" 0
    section r05 "$T/school.html" > "$T/s.html"
    check "school: with no group column, sql/05's section is its one note (no empty table, no chart message)" \
        eq "$(count '<p class="note">|<p class="empty">|<table>|<svg ' "$T/s.html")" 1
    # the key findings against plain SQL over the same rows (rule 1: a row
    # with no date is left out; a user's first step is their first date)
    cat > "$T/school-plain.sql" <<'EOF'
WITH used AS (
    SELECT * FROM enrollments
    WHERE user_id IS NOT NULL AND program <> '' AND enrolled_at <> ''
),
firsts AS (
    SELECT user_id, min(enrolled_at) AS d FROM used GROUP BY user_id
),
first_step AS (
    SELECT u.user_id, min(u.user_type) AS seg, count(DISTINCT u.program) AS n,
           min(u.program) AS program
    FROM used u JOIN firsts f ON f.user_id = u.user_id AND f.d = u.enrolled_at
    GROUP BY u.user_id
),
seg_top AS (
    SELECT seg, program, count(*) AS users,
           (SELECT count(*) FROM first_step g WHERE g.seg = s.seg) AS seg_users
    FROM first_step s WHERE n = 1 AND seg = 'Secondary School'
    GROUP BY seg, program ORDER BY users DESC, program LIMIT 1
),
popular AS (
    SELECT program, count(DISTINCT user_id) AS users FROM used
    GROUP BY program ORDER BY users DESC, program LIMIT 1
)
SELECT (SELECT count(*) FROM firsts),
       (SELECT users || ' of ' || seg_users || ' users whose education level is ‘' || seg
               || '’ start with ‘' || program || '’' FROM seg_top),
       (SELECT users || ' of ' || (SELECT count(*) FROM firsts) || ' users took ‘' || program || '’'
        FROM popular),
       (SELECT program FROM first_step WHERE n = 1
        GROUP BY program ORDER BY count(*) DESC, program LIMIT 1);
EOF
    IFS='|' read -r s_users s_seg s_popular s_top <<EOF
$("$SQLITE3" -readonly -list "$SCHOOL" < "$T/school-plain.sql")
EOF
    continued=$({ echo '.mode list'; echo '.headers on'; grep -v -e '^\.mode' -e '^\.headers' tests/fixtures/school_check.sql; } |
        "$SQLITE3" -readonly "$SCHOOL" 2>/dev/null | awk -F'|' 'seen { print $2; exit } /^learners\|continued/ { seen = 1 }')
    sed -n '/<section class="findings"/,/<\/section>/p' "$T/school.html" | sed 's/<[^>]*>//g' > "$T/school-findings.txt"
    # the plain figures with the page's thousands separators
    s_seg=$(printf '%s' "$s_seg" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/ && (i == 1 || $(i-1) == "of")) { s = $i; o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } $i = s o } print }')
    s_popular=$(printf '%s' "$s_popular" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) { s = $i; o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } $i = s o } print }')
    check "school: $s_seg (plain SQL), with its base, names as stored" has "$(html_esc "$s_seg")" "$T/school-findings.txt"
    check "school: $s_popular (plain SQL)" has "$(html_esc "$s_popular")" "$T/school-findings.txt"
    check "school: the Kaplan-Meier finding, over the $s_users users (plain SQL), $continued of whom continued (school_check.sql)" \
        has "of users go on to a second program within 365 days (Kaplan-Meier estimate from $(commas "$s_users") users, 95% interval" "$T/school-findings.txt"
    check "school: ... and its naive count: $continued of them (school_check.sql) have so far" \
        has "$(commas "$continued") of them, $(awk -v c="$continued" -v u="$s_users" 'BEGIN { printf "%.1f", 100 * c / u }')%, have so far" "$T/school-findings.txt"
    # a finding whose base has fewer users than min_base is left out
    (unset REPORT_FLAGSHIP REPORT_GROUP_COL
     REPORT_MIN_BASE=2000 REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$SCHOOL" "$T/school-base.html") > /dev/null 2>&1
    check "school: min_base 2000 keeps only the 3 findings on 2,000 users or more (not continued, most popular, strongest difference)" \
        eq "$(sed -n '/<section class="findings"/,/<\/section>/p' "$T/school-base.html" | grep -c '<li><a href="#r0[1-6]">')|$(grep -c 'whose user type is' "$T/school-base.html")" "3|0"
    # colours (README rule 15): in each chart no two names share a colour,
    # and a program has one colour on the whole page (the page's palette);
    # names from the bar legends (a 12x12 key, then the name) and the Sankey
    # nodes (<title>name: users</title>); the greys (folds, "did not
    # continue") are left aside
    awk '
        /^<svg / { chart++ }
        {
            fill = ""; name = ""
            if (match($0, /width="12" height="12" rx="2" fill="#[0-9A-Fa-f]+"\/><text [^>]*>[^<]+/)) {
                s = substr($0, RSTART, RLENGTH)
                fill = s; sub(/.*fill="/, "", fill); sub(/".*/, "", fill)
                name = s; sub(/.*<text [^>]*>/, "", name)
            } else if (match($0, /width="14\.0" height="[0-9.]+" fill="#[0-9A-Fa-f]+"><title>[^<]+<\/title>/)) {
                s = substr($0, RSTART, RLENGTH)
                fill = s; sub(/.*fill="/, "", fill); sub(/".*/, "", fill)
                name = s; sub(/.*<title>/, "", name); sub(/: [0-9,]+<\/title>$/, "", name)
            }
            if (fill == "" || fill ~ /^#(d0d7de|a3a3a3)$/ || name ~ /^\(other/) next
            fill = tolower(fill)
            if ((chart SUBSEP fill) in owner && owner[chart, fill] != name) {
                print "chart " chart ": " owner[chart, fill] " and " name " share " fill; bad++
            }
            owner[chart, fill] = name
            if (name in colour && colour[name] != fill) {
                print name " is " colour[name] " and " fill; bad++
            }
            colour[name] = fill
            n++
        }
        END { printf "%d names, %d problems\n", n, bad }' "$T/school.html" > "$T/colours.txt"
    check "school: no two names share a colour in a chart, a program keeps one colour on the page ($(tail -n 1 "$T/colours.txt"))" \
        eq "$(tail -n 1 "$T/colours.txt" | sed 's/^[0-9]* names, //')" "0 problems"
    # warnings at the top (README rule 14): the users with no dated row
    # (plain SQL) and the recent users; none of implausible times
    left=$("$SQLITE3" -readonly -list "$SCHOOL" "SELECT count(*) FROM (SELECT user_id FROM enrollments WHERE user_id IS NOT NULL AND user_id <> '' GROUP BY user_id HAVING count(CASE WHEN enrolled_at <> '' AND program <> '' THEN 1 END) = 0);")
    sed -n '/<section class="warnings"/,/<\/section>/p' "$T/school.html" | sed 's/<[^>]*>//g' > "$T/school-warnings.txt"
    check "school: the warnings name the $left users left out (plain SQL) and the recent users, and no implausible times" \
        eq "$(grep -c -F -e "Users left out. $left users have rows but no usable enrollment" -e 'Recent users. ' -e 'Implausible times' "$T/school-warnings.txt")" 2
    # every saved report and chart on its own in the shell, with no settings:
    # no error, each report prints (05's chart prints none: no group column)
    failed=
    for f in sql/*.sql sql/charts/*.sql; do
        "$SQLITE3" -bail -readonly "$SCHOOL" < "$f" > "$T/school-one.out" 2>&1 &&
            { [ -s "$T/school-one.out" ] || [ "$f" = sql/charts/05_largest_account.sql ]; } &&
            ! grep -q -i -e '^Error' -e 'error near' "$T/school-one.out" ||
            failed="$failed $f"
    done
    check "school: every saved report and chart runs on its own in the sqlite3 shell${failed:+ (failed:$failed)}" \
        eq "$failed" ""
    # sql/06's columns: the most common first programs, from the data
    section r06 "$T/school.html" > "$T/s.html"
    check "school: sql/06's column #1 is the most common first program ($s_top, plain SQL)" \
        has "<td>#1</td><td>$(html_esc "$s_top")</td>" "$T/s.html"
else
    nok "the school's report is written, with no flagship and no group column set"
    sed 's/^/    /' "$T/school.log"
fi

# A time column of small numbers (days from a course start, a common export
# shape) read as Julian days near -4713: the page warns at the top.
"$SQLITE3" "$T/days.db" "CREATE TABLE enrollments(user_id, program, enrolled_at, user_type);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
    INSERT INTO enrollments SELECT i, 'M' || (i % 4), (i * 7) % 300, 'x' FROM n;" 2> /dev/null
(unset REPORT_FLAGSHIP REPORT_GROUP_COL; REPORT_DATE=$DATE SQLITE3=$SQLITE3 sh tools/report.sh "$T/days.db" "$T/days.html") > /dev/null 2>&1
check "a time column of small numbers: the page warns, saying they read as Julian days and how to convert" \
    eq "$(sed -n '/<section class="warnings"/,/<\/section>/p' "$T/days.html" | grep -c -e 'Implausible times.*Julian day.*datetime(')" 1
check "the fixture's page (all of it within a year of its end) has the recent-users warning only" \
    eq "$(sed -n '/<section class="warnings"/,/<\/section>/p' "$HTML" | grep -c -e '<li>')|$(grep -c 'Recent users.</strong> 6.7% of the users started less than 90 days, and 100.0% less than 365 days' "$HTML")" "1|1"

# ------------------------------------------------------- 7. drawn by Chromium

have_magick=0
if convert -version 2>/dev/null | grep -q ImageMagick; then have_magick=1; fi
shoot() { # PAGE PNG SIZE [dark]
    sh tools/report/screenshot.sh "$@" > "$T/shot.log" 2>&1
}
shoot "$HTML" "$T/light.png" 1200,3000
status=$?
if [ "$status" -eq 3 ]; then
    skipped "Chromium: not installed (Debian: apt-get install chromium; or tools/ensure-deps.sh chromium as root)"
    finish
fi
if [ "$status" -ne 0 ]; then
    nok "Chromium draws the report"
    sed 's/^/    /' "$T/shot.log"
    finish
fi
ok "Chromium draws the report (1200x3000 screenshot)"
if [ "$have_magick" -eq 0 ]; then
    skipped "screenshot checks: no ImageMagick (apt-get install imagemagick)"
    finish
fi

stats() { # PNG -> "std_dev colours mean_brightness mean_saturation" (0s on error)
    a=$(convert "$1" -format '%[fx:standard_deviation] %k %[fx:mean] ' -write info: \
        -colorspace HSL -channel G -separate -format '%[fx:mean]' info: 2>/dev/null) || a="0 0 0 0"
    set -- $a
    echo "${1:-0} ${2:-0} ${3:-0} ${4:-0}"
}
set -- $(stats "$T/light.png")
check "light screenshot is not blank (std dev $1 > 0.1, $2 colours > 200)" \
    eq "$(gt_real "$1" 0.1 && [ "${2:-0}" -gt 200 ] && echo yes)" yes
check "light screenshot is light (mean brightness $3 > 0.6)" gt_real "$3" 0.6
if shoot "$HTML" "$T/dark.png" 1200,3000 dark; then
    set -- $(stats "$T/dark.png")
    check "dark screenshot is not blank (std dev $1 > 0.1, $2 colours > 200)" \
        eq "$(gt_real "$1" 0.1 && [ "${2:-0}" -gt 200 ] && echo yes)" yes
    check "dark screenshot is dark: prefers-color-scheme works (mean brightness $3 < 0.5)" lt_real "$3" 0.5
else
    nok "Chromium draws the report in dark mode"
    sed 's/^/    /' "$T/shot.log"
fi

if [ -s "$T/school.html" ] && shoot "$T/school.html" "$T/school.png" 1200,3000; then
    set -- $(stats "$T/school.png")
    check "the school's page is drawn (std dev $1 > 0.1, $2 colours > 200)" \
        eq "$(gt_real "$1" 0.1 && [ "${2:-0}" -gt 200 ] && echo yes)" yes
else
    nok "Chromium draws the school's page"
fi

# Each chart of the page alone in a 580x700 cell of a 2-column grid; every
# cell must hold coloured marks (bars, bands), not only text.
cells=$(count '<svg ' "$HTML")
{
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>\n'
    printf 'body{margin:0;background:#fff}.c{position:absolute;width:580px;height:700px;overflow:hidden}\n'
    printf '.c svg{width:100%%;height:100%%}</style></head><body>\n'
    awk '/^<svg / { k = n++; printf "<div class=\"c\" style=\"left:%dpx;top:%dpx\">\n", (k % 2) * 600, int(k / 2) * 720; on = 1 }
         on { print }
         on && /<\/svg>$/ { print "</div>"; on = 0 }' "$HTML"
    printf '</body></html>\n'
} > "$T/charts.html"
rows=$(( (cells + 1) / 2 ))
if shoot "$T/charts.html" "$T/charts.png" "1200,$((rows * 720))"; then
    k=0
    while [ "$k" -lt "$cells" ]; do
        x=$(( (k % 2) * 600 ))
        y=$(( (k / 2) * 720 ))
        convert "$T/charts.png" -crop "580x700+$x+$y" +repage "$T/cell$k.png" 2>/dev/null
        set -- $(stats "$T/cell$k.png")
        check "chart $((k + 1)) of $cells is drawn (std dev $1 > 0.05, saturation $4 > 0.02)" \
            eq "$(gt_real "$1" 0.05 && gt_real "$4" 0.02 && echo yes)" yes
        k=$((k + 1))
    done
else
    nok "Chromium draws the charts one by one"
    sed 's/^/    /' "$T/shot.log"
fi

finish
