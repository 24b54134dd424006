#!/bin/sh
# report.sh - the saved reports as one static HTML page (`make report`).
#
# Run from anywhere, after `make` (or as `make report DB=... OUT=...`):
#   sh tools/report.sh [DB [OUT]]
#     DB   a database with a table enrollments (default demo/learnpath-demo.db)
#     OUT  the HTML file to write (default demo/report.html)
# Relative paths are taken from the current directory. Any file name
# works (quotes, spaces, $, `, a leading -): DB and OUT are only ever
# passed as quoted shell words, never pasted into shell code, SQL or
# sqlite3 dot-commands (the database is opened as the sqlite3 shell's
# argument). OUT must name a file: a directory, or anything else that is
# not a regular file (a device, a FIFO), is refused, and so is the
# database itself; OUT's directory is created if missing.
# Environment:
#   REPORT_DATE  the date printed as "generated" (default: today, UTC, as
#                YYYY-MM-DD); set it to get byte-identical output
#   SQLITE3      the sqlite3 shell (default sqlite3; 3.31 or newer)
#
# What it writes: one self-contained HTML file (no JavaScript, no external
# resources, nothing fetched) with a title and intro (what data, generated
# when), a "key findings" box computed by tools/report/findings.sql, and
# one section per saved report sql/NN_*.sql, in name order (all of them made
# by one awk, tools/report/sections.awk):
#   - its heading (the report's first comment line) and "what it answers"
#     (the Question: paragraph of its header comment), with "how to read
#     it" (the How to read it: paragraph) folded under the tables;
#   - its chart(s): the SVG documents printed by sql/charts/NN_*.sql (the
#     sankey_svg / bar_svg aggregates), embedded inline;
#   - its result tables: the report itself, run with the sqlite3 shell in
#     `.mode html` (which HTML-escapes every cell). The report's own output
#     settings (.mode, .headers, ...) are dropped; each `.print 'text'`
#     becomes the caption of the table that follows (tools/report/tables.awk).
# The database is opened read-only (the reports' TEMP views still work).
# Every query (the data profile, the key findings, each report and chart)
# runs on ONE connection, in one sqlite3 shell: learnpath reads the table
# once, and its cache serves every later query on it (see "the queries"
# below and tools/report/session.sh).
# Processes: about twenty, however many reports there are (each step over
# every section or every report is one awk: tools/report/session.sh,
# tools/report/sections.awk; the header's text is escaped and its numbers
# formatted by the shell itself: esc_to, commas_to).
# Every piece of text taken from the data or from the sql/ files is
# HTML-escaped. The output depends only on the database, the sql/ files and
# REPORT_DATE.
#
# Failure: OUT is written only when every query ran and all of its output
# was written. The page goes to a new temporary file next to OUT
# (OUT.tmp.XXXXXX), which is checked against the page and then renamed
# onto OUT; on any failure (a query fails, a disk is full, a write is
# refused) the script says what failed, removes its temporary files,
# leaves any previous OUT exactly as it was, and exits non-zero. When a
# query fails, the message names its file (or "the data profile") and
# gives the shell's error with the line of that file. The sqlite3 shell
# exits 0 even when it cannot write its output, so it never writes a file
# itself, and its output must hold the marker that follows each section:
# tools/report/session.sh, sess_run.
set -eu

SQLITE3=${SQLITE3:-sqlite3}
DB=${1:-demo/learnpath-demo.db}
OUT=${2:-demo/report.html}

die() {
    echo "report: $*" >&2
    exit 1
}

case $DB in /*) ;; *) DB=$(pwd)/$DB ;; esac
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
# The repository: the directory above this script's (dirname "$0", without
# running dirname).
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
ROOT=$(cd "${here:-/}/.." && pwd)
cd "$ROOT"

# OUT must name a file that is missing or a regular file (a symbolic link
# to one is replaced by the page), other than the database.
check_out() {
    case $OUT in
        */ | */. | */..) die "OUT '$OUT' names a directory; give a file name, such as DIR/report.html" ;;
    esac
    if [ -d "$OUT" ]; then
        die "OUT '$OUT' is a directory; give a file name, such as '$OUT/report.html'"
    fi
    if [ -e "$OUT" ] && [ ! -f "$OUT" ]; then
        die "OUT '$OUT' exists and is not a regular file; give a file name"
    fi
    if [ -e "$OUT" ] && [ "$OUT" -ef "$DB" ]; then
        die "OUT '$OUT' is the database itself; give another file name"
    fi
}
check_out

[ -f tools/report/tables.awk ] || die "tools/report/ is missing next to $0"
command -v "$SQLITE3" >/dev/null 2>&1 || die "no sqlite3 shell ('$SQLITE3'); install it or set SQLITE3"
if [ ! -f dist/learnpath.so ] && [ ! -f dist/learnpath.dylib ] && [ ! -f dist/learnpath.dll ]; then
    die "dist/learnpath.so is missing; build it first with: make"
fi
[ -f "$DB" ] || die "no database '$DB' (make report builds the demo one: make report)"
[ -f tools/report/session.sh ] || die "tools/report/session.sh is missing next to $0"

REPORT_DATE=${REPORT_DATE:-$(date -u +%Y-%m-%d)}

# Work files in $TMP; the page in $PART next to OUT. Both go on any exit;
# on failure, say that OUT was left alone.
TMP=
PART=
cleanup() {
    status=$?
    [ -z "$PART" ] || rm -f "$PART"
    [ -z "$TMP" ] || rm -rf "$TMP"
    if [ "$status" -ne 0 ]; then
        echo "report: failed; '$OUT' was not written (a previous file there is unchanged)" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
TMP=$(mktemp -d "${TMPDIR:-/tmp}/learnpath-report.XXXXXX") || die "cannot make a temporary directory in ${TMPDIR:-/tmp}"

# Text for the page is made in the shell itself (no process per string):
# esc_to VAR TEXT sets VAR to TEXT HTML-escaped (& < > " '), without the
# newlines at its end (as $(...) would drop them); commas_to VAR N sets VAR
# to N with thousands separators (20000 -> 20,000; anything but a plain
# integer is kept as is). VAR is always a name written in this script; the
# text is only ever assigned, never evaluated. The sections' texts are
# escaped in awk (tools/report/sections.awk).
NL='
'
esc_to() {
    _rest=$2 _done=''
    while :; do
        case $_rest in
            *[\&\<\>\"\']*) ;;
            *) break ;;
        esac
        # the text before the first special character, then that character
        _head=${_rest%%[\&\<\>\"\']*}
        _rest=${_rest#"$_head"}
        case $_rest in
            \&*) _done=$_done$_head'&amp;' ;;
            \<*) _done=$_done$_head'&lt;' ;;
            \>*) _done=$_done$_head'&gt;' ;;
            \"*) _done=$_done$_head'&quot;' ;;
            *) _done=$_done$_head'&#39;' ;;
        esac
        _rest=${_rest#?}
    done
    _done=$_done$_rest
    while :; do
        case $_done in *"$NL") _done=${_done%"$NL"} ;; *) break ;; esac
    done
    eval "$1=\$_done"
}
# sql_quote_to VAR TEXT: VAR = TEXT as an SQL string literal ('...', each '
# doubled), so that a setting's value is data, never SQL.
sql_quote_to() {
    _rest=$2 _done=''
    while :; do
        case $_rest in
            *\'*) ;;
            *) break ;;
        esac
        _head=${_rest%%\'*}
        _done=$_done$_head"''"
        _rest=${_rest#"$_head"\'}
    done
    eval "$1=\"'\$_done\$_rest'\""
}

commas_to() {
    _n=$2 _sign='' _s=''
    case $_n in -*) _sign=-; _n=${_n#-} ;; esac
    case $_n in
        '' | *[!0-9]*) eval "$1=\$2"; return 0 ;;
    esac
    while [ "${#_n}" -gt 3 ]; do
        _s=,${_n#"${_n%???}"}$_s
        _n=${_n%???}
    done
    eval "$1=\$_sign\$_n\$_s"
}

# ------------------------------------------------------------- the queries

# Every query of the page runs on ONE connection, in one sqlite3 shell
# (tools/report/session.sh: the shell's output settings are reset before
# each section, and a marker after each one shows that it was complete and
# splits the output again). learnpath reads the table once and its cache
# serves every later query on it. Sections, in page order: the check that
# the table exists, the data profile, the key findings, then each report's
# tables and chart. Sections that may change the connection (CREATE, DROP,
# PRAGMA, ...: sess_changes) run after all the others, in the
# same order among themselves, so that no other section sees what they
# leave and their schema changes do not drop the cache before the others
# have used it; the page keeps the order of sql/.
. tools/report/session.sh
SESS_WHO=report

# The sections' SQL of this script, written with printf (the shell's own).
printf 'SELECT 1 FROM enrollments LIMIT 0;\n' > "$TMP/check.sql" || die "could not write to $TMP (disk full?)"
# The report settings (README rule 16), from the environment: each
# REPORT_<NAME> that is set and not empty becomes the connection's setting
# <name>, as an SQL string literal (sql_quote_to doubles every '). Without
# REPORT_SEGMENT_COL, a table with no column user_type has no segment.
: > "$TMP/settings.sql" || die "could not write to $TMP (disk full?)"
for pair in flagship:FLAGSHIP segment_col:SEGMENT_COL segment_label:SEGMENT_LABEL \
    group_col:GROUP_COL group_label:GROUP_LABEL min_base:MIN_BASE; do
    setting=${pair%%:*} upper=${pair#*:}
    eval "value=\${REPORT_$upper:-}"
    [ -n "$value" ] || continue
    sql_quote_to quoted "$value"
    printf "SELECT learnpath_report_setting('%s', %s);\n" "$setting" "$quoted" >> "$TMP/settings.sql" ||
        die "could not write to $TMP (disk full?)"
done
if [ -z "${REPORT_SEGMENT_COL:-}" ]; then
    printf '%s\n' \
        "SELECT learnpath_report_setting('segment_col', '')" \
        "WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('enrollments')" \
        "                  WHERE name = 'user_type' COLLATE NOCASE);" \
        >> "$TMP/settings.sql" || die "could not write to $TMP (disk full?)"
fi
# The names the page gives the segment and the group (HTML-escaped cells).
printf '%s\n' ".headers off" ".mode html" \
    "SELECT learnpath_report_setting('segment_label'), learnpath_report_setting('group_label');" \
    > "$TMP/labels.sql" || die "could not write to $TMP (disk full?)"
# The first read: learnpath reads the table once, with the segment and (when
# a group column is set) the group together, and keeps it cached on the
# connection: every later query, with either column or none, reuses it. Read
# one column at a time, the group's first query would read the table again.
printf '%s\n' \
    "SELECT count(*) FROM group_stats('enrollments', 'user_id', 'program', 'enrolled_at'," \
    "                                 learnpath_report_setting('segment_col'))" \
    "WHERE group_col = learnpath_report_setting('group_col');" \
    > "$TMP/read.sql" || die "could not write to $TMP (disk full?)"
# enrollment_profile(): what the table holds (rule 1 decides what is used).
printf '%s\n' \
    ".separator |" \
    "SELECT max(CASE WHEN finding = 'rows_read' THEN value END)," \
    "       max(CASE WHEN finding = 'enrollments_used' THEN value END)," \
    "       max(CASE WHEN finding = 'users' THEN value END)," \
    "       max(CASE WHEN finding = 'programs' THEN value END)," \
    "       substr(max(CASE WHEN finding = 'first_time' THEN value END), 1, 10)," \
    "       substr(max(CASE WHEN finding = 'last_time' THEN value END), 1, 10)," \
    "       learnpath_version()" \
    "FROM enrollment_profile('enrollments', 'user_id', 'program', 'enrolled_at'," \
    "                        learnpath_report_setting('segment_col'));" \
    > "$TMP/profile.sql" || die "could not write to $TMP (disk full?)"

# The output settings of each kind of section (its prelude): the key
# findings arrive as HTML-escaped cells, a report's tables in .mode html
# with headers (its own settings are dropped: tools/report/session.sh,
# sess_text in sess_build), a chart as the SVG documents it prints.
PRE_FINDINGS=".headers off$NL.mode html"
PRE_TABLES=".headers on$NL.mode html$NL.nullvalue \"\""
PRE_CHART=".headers off$NL.mode list"

# each_section CMD: run CMD KEY NAME KIND PRELUDE FILE for every section
# the page may have, in page order (KEY: where add_if keeps its number).
each_section() {
    "$1" check "the check for a table enrollments" plain "" "$TMP/check.sql"
    "$1" labels "the report settings' names" plain "" "$TMP/labels.sql"
    "$1" read "the first read of the table" plain "" "$TMP/read.sql"
    "$1" profile "the data profile" plain "" "$TMP/profile.sql"
    "$1" warnings tools/report/warnings.sql plain "$PRE_FINDINGS" tools/report/warnings.sql
    "$1" findings tools/report/findings.sql plain "$PRE_FINDINGS" tools/report/findings.sql
    j=0
    for report in sql/*.sql; do
        [ -f "$report" ] || continue
        j=$((j + 1))
        "$1" "tables_$j" "$report" tables "$PRE_TABLES" "$report"
        name=${report##*/}
        chart=sql/charts/${name%.sql}.sql
        if [ -f "$chart" ]; then
            "$1" "chart_$j" "$chart" plain "$PRE_CHART" "$chart"
        fi
    done
}

# Which sections may change the connection: sess_changes on all of their
# files at once, one flag each, in page order ($FLAGS, such as 0001000010).
cand_n=0
note_file() {
    cand_n=$((cand_n + 1))
    eval "cand_$cand_n=\$5"
}
all_flags() {
    set --
    k=1
    while [ "$k" -le "$cand_n" ]; do
        eval "set -- \"\$@\" \"\$cand_$k\""
        k=$((k + 1))
    done
    FLAGS=$(sess_changes "$@") || die "could not read the sections' files"
    [ "${#FLAGS}" -eq "$cand_n" ] || die "could not read the sections' files"
}
each_section note_file
all_flags

# add_if KEY NAME KIND PRELUDE FILE: take the next flag; add FILE as a
# section when it is $PASS; its number goes in $sec_KEY.
add_if() {
    flag=${flags%"${flags#?}"}
    flags=${flags#?}
    if [ "$flag" = "$PASS" ]; then
        sess_add "$2" "$3" "$4" "$5"
        eval "sec_$1=$((SESS_N - 1))"
    fi
}

sess_init "$TMP"
# the report settings first, before every other section (they set what
# sess_changes would move after the others)
sess_add "the report settings" plain "" "$TMP/settings.sql"
for PASS in 0 1; do
    flags=$FLAGS
    each_section add_if
done
if ! sess_run "$DB" -readonly; then
    if [ "$SESS_FAILED" = "$sec_check" ]; then
        echo "report: '$DB' has no table enrollments (see sql/README.md for its columns):" >&2
        sess_error
        exit 1
    fi
    sess_die "$DB"
fi

# ---------------------------------------------------------------- the data

# Each section's output is the file $TMP/part.K (tools/report/session.sh).
IFS='|' read -r rows_read used users programs first_day last_day version < "$TMP/part.$sec_profile" || true

# Key findings: figure | text | report number, as HTML-escaped cells.
awk '
    function commas(n,    s, sign) {
        if (n !~ /^-?[0-9]+$/) return n
        sign = ""; if (n ~ /^-/) { sign = "-"; n = substr(n, 2) }
        s = ""
        while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
        return sign n s
    }
    { buf = (buf == "" ? $0 : buf "\n" $0) }
    /<\/TR>$/ {
        s = buf; buf = ""
        sub(/^<TR><TD>/, "", s); sub(/<\/TD>\n<\/TR>$/, "", s)
        n = split(s, cell, /<\/TD>\n<TD>/)
        if (n < 3 || cell[3] !~ /^[0-9A-Za-z_-]+$/) next
        printf "<li><a href=\"#r%s\"><span class=\"fig\">%s</span> <span class=\"txt\">%s</span></a></li>\n",
            cell[3], commas(cell[1]), cell[2]
        count++
    }
    END { if (!count) print "<li class=\"none\">No findings: the table has no usable enrollments.</li>" }
' "$TMP/part.$sec_findings" > "$TMP/findings.html" || die "could not write to $TMP (disk full?)"

# Warnings (tools/report/warnings.sql): title | text, HTML-escaped cells;
# none when the data has none of the mistakes it looks for.
awk '
    { buf = (buf == "" ? $0 : buf "\n" $0) }
    /<\/TR>$/ {
        s = buf; buf = ""
        sub(/^<TR><TD>/, "", s); sub(/<\/TD>\n<\/TR>$/, "", s)
        n = split(s, cell, /<\/TD>\n<TD>/)
        if (n < 2) next
        if (!count++) print "<section class=\"warnings\" aria-label=\"Warnings about the data\">\n<ul>"
        printf "<li><strong>%s.</strong> %s</li>\n", cell[1], cell[2]
    }
    END { if (count) print "</ul>\n</section>" }
' "$TMP/part.$sec_warnings" > "$TMP/warnings.html" || die "could not write to $TMP (disk full?)"

# ------------------------------------------------------------ the sections

# The table of contents and one section per report, all made by ONE awk
# (tools/report/sections.awk, with tools/report/tables.awk): the shell
# gives it, for each report, its id and label, its files and the files of
# its sections' output, as arguments.
write_sections() {
    set -- "$TMP/toc.html" "$TMP/part.$sec_labels"
    i=0
    for report in sql/*.sql; do
        [ -f "$report" ] || continue
        i=$((i + 1))
        name=${report##*/}
        name=${name%.sql}
        num=${name%%[!0-9]*}
        if [ -n "$num" ]; then id=r$num; label="Report $num"; else id=s$i; label="Report"; fi
        chart=sql/charts/$name.sql
        if [ -f "$chart" ]; then has_chart=1; else has_chart=0; fi
        eval "tables_k=\$sec_tables_$i chart_k=\${sec_chart_$i:-}"
        set -- "$@" "$id" "${num:-$i}" "$label" "$report" "$chart" "$has_chart" \
            "$TMP/part.$tables_k" "$TMP/part.$chart_k"
    done
    [ "$i" -gt 0 ] || die "no saved reports in sql/"
    awk -f tools/report/tables.awk -f tools/report/sections.awk "$@" > "$TMP/sections.html" ||
        die "could not write to $TMP (disk full?)"
}
write_sections

# ---------------------------------------------------------------- the page

left_out=$(( ${rows_read:-0} - ${used:-0} ))
# The figures and names of the page's header, each HTML-escaped.
commas_to c_used "${used:-0}"
commas_to c_users "${users:-0}"
commas_to c_programs "${programs:-0}"
commas_to c_left_out "$left_out"
esc_to e_reports "$i"
# the segment's name, as the labels section printed it (already escaped)
IFS= read -r e_segment < "$TMP/part.$sec_labels" || true
e_segment=${e_segment#<TR><TD>}
e_segment=${e_segment%</TD>}
esc_to e_db "${DB##*/}"
esc_to e_used "$c_used"
esc_to e_users "$c_users"
esc_to e_programs "$c_programs"
esc_to e_left_out "$c_left_out"
esc_to e_first_day "${first_day:-?}"
esc_to e_last_day "${last_day:-?}"
esc_to e_date "$REPORT_DATE"
esc_to e_version "${version:-?}"
# The rows left out, when there are any: a line of the header.
left_out_line=
if [ "$left_out" -gt 0 ]; then
    left_out_line="$e_left_out rows with an empty user, program or time are left out (learnpath rule 1).$NL"
fi
# The page: five cat, each joining a piece of text (a here-document, read
# as standard input "-") and a file made above (the warnings, when there
# are any, come first in <main>).
{
    cat - tools/report/report.css <<EOF
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Learner journeys - learnpath report</title>
<style>
EOF
    cat - "$TMP/warnings.html" <<EOF
</style>
</head>
<body>
<header class="page">
<p class="brand">learnpath <span class="sep">&#183;</span> report</p>
<h1>Learner journeys</h1>
<p class="lede">Which program learners start with, where they go next, who continues, and how
that differs by $e_segment: the $e_reports saved reports in <code>sql/</code>, each with
its chart and its result tables.</p>
<p class="meta">Data: table <code>enrollments</code> in <code>$e_db</code>,
<strong>$e_used</strong> enrollments of
<strong>$e_users</strong> users in
<strong>$e_programs</strong> programs,
$e_first_day to $e_last_day.
$left_out_line<br>Generated <time datetime="$e_date">$e_date</time> by
<code>make report</code> with learnpath $e_version.</p>
</header>
<main>
EOF
    cat - "$TMP/findings.html" <<EOF
<section class="findings" aria-labelledby="findings-h">
<h2 id="findings-h">Key findings</h2>
<ul>
EOF
    cat - "$TMP/toc.html" <<EOF
</ul>
</section>
<nav class="toc" aria-label="Reports">
<h2>Reports</h2>
<ol>
EOF
    printf '</ol>\n</nav>\n'
    cat "$TMP/sections.html" - <<EOF
</main>
<footer class="page">Made with <code>make report</code> (tools/report.sh): the tables are
sql/*.sql run in the sqlite3 shell, the charts sql/charts/*.sql (sankey_svg and bar_svg),
the key findings tools/report/findings.sql. A static page: no scripts, nothing loaded from
elsewhere.</footer>
</body>
</html>
EOF
} > "$TMP/report.html"

# The page is complete only when it ends the way it was written.
[ "$(tail -n 1 "$TMP/report.html")" = "</html>" ] || die "the page in $TMP is incomplete (disk full?)"

# Write OUT: a new file next to it (same file system, so the rename is
# atomic), checked byte for byte, then renamed onto it. mktemp makes the
# file (never follows a link someone left there) with mode 0600; it gets
# the mode a new file would have (0666 less the umask) before the rename.
out_dir=${OUT%/*}
out_dir=${out_dir:-/}
[ -d "$out_dir" ] || mkdir -p "$out_dir" 2>/dev/null || die "cannot create the directory '$out_dir' for OUT"
check_out
PART=$(mktemp "$OUT.tmp.XXXXXX" 2>/dev/null) || {
    PART=
    die "cannot create a temporary file in '$out_dir' (not writable, or full?)"
}
cat "$TMP/report.html" > "$PART" || die "could not write '$PART' (disk full?)"
cmp -s "$TMP/report.html" "$PART" || die "'$PART' does not hold the whole page (disk full?)"
chmod "$(printf '%o' $(( 0666 & ~0$(umask) )))" "$PART" || die "cannot set the mode of '$PART'"
check_out
mv -f "$PART" "$OUT" || die "cannot rename '$PART' to '$OUT'"
PART=
echo "report: wrote $OUT ($i reports, $c_used enrollments of $c_users users)"
