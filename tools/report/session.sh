# session.sh - run several SQL files on ONE sqlite3 connection, then take
# each one's output apart again. Sourced by tools/report.sh and tools/demo.sh
# (from the repository root, after they defined die() and set -e).
#
# Why one connection: learnpath keeps what a journey function read from a
# source on the connection (its cache), so the first query reads the table
# and every later one on the same source and columns reuses it. A sqlite3
# process per file read the table and rebuilt the cache for each of them.
#
# How: sess_add appends each file, a "section", to one script run by one
# sqlite3 shell (-bail). Before each section the script
#   - resets every output setting a section may have changed (.output,
#     .mode, .headers, .separator, .nullvalue, .echo, .eqp, .stats, .timer,
#     .changes, .bail) to the shell's defaults and learnpath_allow_views to
#     0, its default: a section starts as it would in a fresh shell;
#   - prints a marker line, "-- learnpath session NONCE K --", where NONCE
#     is random per run, so no value from the data can forge one;
#   - sets the section's own settings (its prelude), then its text.
# learnpath is loaded once, first; the sections' own `.load dist/learnpath`
# lines become blank lines (loading it again would be harmless). Every
# section keeps its line numbers (dropped lines become blank lines), so an
# error's "near line N" is rewritten to the line of the section's file. A
# line ";" after each section ends a statement left unfinished, so that the
# next section's commands are read as commands. After the last section the
# script prints an end marker.
#
# Checks (sess_run): the shell's output is written by cat (the shell exits
# 0 when it cannot write, so it never writes a file itself), the shell's
# exit status is 0, and the output holds every section's marker, in order,
# then the end marker as its last line: a section is complete only when the
# next marker follows it. When the shell fails (-bail stops it at the first
# error), the last marker it printed names the section that failed.
#
# What sections share: the connection. TEMP tables and views, PRAGMAs and
# learnpath settings other than learnpath_allow_views stay for the later
# sections: a section that makes a TEMP object drops it first (DROP VIEW IF
# EXISTS), as sql/05 and its chart do.
#
# Use:
#   sess_init DIR          start a session; its files go in DIR
#   sess_add NAME KIND PRELUDE FILE
#                          append FILE as the next section (NAME in errors;
#                          KIND plain, or tables: see sess_text); prints
#                          nothing; the section's number is $SESS_N - 1
#   sess_run DB FLAGS...   run the session on DB (FLAGS: sqlite3 options);
#                          dies when the output is incomplete; returns 1
#                          when the shell failed, with SESS_FAILED the
#                          number of the section that failed (empty: before
#                          the first one)
#   sess_die DB            say which section failed, with the shell's error
#                          (its line numbers those of the section), exit 1
#   sess_part K            print section K's output
# Variables: SQLITE3 (the shell), SESS_WHO (the prefix of messages).

# sess_text KIND FILE: the section's text, line for line. Every kind drops
# `.load dist/learnpath` (learnpath is loaded once, first). KIND tables:
# also drops the report's own output settings and turns each `.print`
# into a caption line for tools/report/tables.awk.
sess_text() {
    awk -v kind="$1" '
        /^\.load[ \t]+["\047]?dist\/learnpath(\.(so|dylib|dll))?["\047]?[ \t]*$/ { print ""; next }
        kind == "tables" && /^\.[a-z]/ {
            cmd = $1
            if (cmd == ".print") { sub(/^\.print/, ".print LPCAPTION:"); print; next }
            if (cmd ~ /^\.(mode|headers?|width|once|output|separator|nullvalue|timer|echo|changes|bail|show)$/) { print ""; next }
        }
        { print }' "$2"
}

# The settings every section starts from: the shell's defaults.
sess_reset() {
    printf '%s\n' '.output' '.bail on' '.echo off' '.eqp off' '.stats off' '.timer off' \
        '.changes off' '.headers off' '.mode list' '.separator "|" "\n"' '.nullvalue ""'
}

sess_init() {
    SESS_DIR=$1
    SESS_N=0
    # The nonce: random hex, or the process id and time when /dev/urandom
    # cannot be read. Only [0-9a-f-] ever goes into the SQL.
    SESS_NONCE=$(od -An -N8 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n' || true)
    case $SESS_NONCE in '' | *[!0-9a-f]*) SESS_NONCE=$$-$(date +%s) ;; esac
    SESS_MARK="-- learnpath session $SESS_NONCE"
    printf '.load dist/learnpath\n' > "$SESS_DIR/session.sql" ||
        die "could not write $SESS_DIR/session.sql (disk full?)"
    : > "$SESS_DIR/session.map" || die "could not write $SESS_DIR/session.map (disk full?)"
}

sess_lines() {
    wc -l < "$SESS_DIR/session.sql" | tr -d ' '
}

sess_add() {
    k=$SESS_N
    eval "SESS_NAME_$k=\$1"
    {
        sess_reset
        printf "SELECT '%s %s --' || substr(learnpath_allow_views(0), 1, 0);\n" "$SESS_MARK" "$k"
        [ -z "$3" ] || printf '%s\n' "$3"
    } >> "$SESS_DIR/session.sql" || die "could not write $SESS_DIR/session.sql (disk full?)"
    first=$(sess_lines)
    sess_text "$2" "$4" >> "$SESS_DIR/session.sql" || die "could not write $SESS_DIR/session.sql (disk full?)"
    last=$(sess_lines)
    printf ';\n' >> "$SESS_DIR/session.sql" || die "could not write $SESS_DIR/session.sql (disk full?)"
    # section K: its text is lines first+1 .. last of the script
    printf '%s %s %s\n' "$k" "$first" "$last" >> "$SESS_DIR/session.map" ||
        die "could not write $SESS_DIR/session.map (disk full?)"
    SESS_N=$((k + 1))
}

# sess_changes FILE: 1 when the SQL of FILE (outside -- comments) may
# change the connection's schema, data or settings (a word such as CREATE,
# DROP, INSERT, BEGIN, PRAGMA, ATTACH or a learnpath setting, or a
# dot-command such as .open), else 0. A caller runs such sections after
# the others: then no other section sees what they leave, and a schema
# change (which drops learnpath's cache) comes after every other section
# has used the cache. It is a guess from the words: a wrong 1 (a column
# named "update") only costs time, and a section it misses runs in its
# place, as it would without this.
sess_changes() {
    awk '
        { line = tolower($0); sub(/--.*/, "", line) }
        line ~ /(^|[^a-z0-9_])(create|drop|alter|insert|update|delete|begin|savepoint|pragma|attach|detach|vacuum|analyze|reindex|learnpath_(allow_views|cache_clear|cache_limit|memory_budget|threads))([^a-z0-9_]|$)/ ||
        line ~ /^[ \t]*\.(open|cd|param|parameter|read|import|limit|timeout)/ { found = 1; exit }
        END { print found ? 1 : 0 }' "$1"
}

# sess_name K: the name of section K ("" for none).
sess_name() {
    case $1 in '' | *[!0-9]*) return 0 ;; esac
    eval "printf '%s' \"\${SESS_NAME_$1:-}\""
}

# sess_last: the number of the last section whose marker is in the output
# (empty when none is).
sess_last() {
    awk -v mark="$SESS_MARK " '
        index($0, mark) == 1 { s = substr($0, length(mark) + 1); sub(/ --$/, "", s); last = s }
        END { print last }' "$SESS_DIR/out"
}

sess_run() {
    db=$1
    shift
    { sess_reset; printf "SELECT '%s end --';\n" "$SESS_MARK"; } >> "$SESS_DIR/session.sql" ||
        die "could not write $SESS_DIR/session.sql (disk full?)"
    rm -f "$SESS_DIR/status"
    { "$SQLITE3" -bail "$@" "$db" < "$SESS_DIR/session.sql" 2> "$SESS_DIR/err"
      echo "$?" > "$SESS_DIR/status"; } | cat > "$SESS_DIR/out" ||
        die "could not write the sqlite3 shell's output to $SESS_DIR (disk full?)"
    if [ "$(cat "$SESS_DIR/status" 2>/dev/null)" != 0 ]; then
        SESS_FAILED=$(sess_last)
        return 1
    fi
    # Every marker, in order, then the end marker as the last line.
    bad=$(awk -v mark="$SESS_MARK " -v n="$SESS_N" '
        index($0, mark) == 1 {
            s = substr($0, length(mark) + 1)
            sub(/ --$/, "", s)
            if (ended) { bad = 1; exit }
            if (s == "end") { if (k != n + 0) { bad = 1; exit } ended = 1; at = NR; next }
            if (s != k "") { bad = 1; exit }
            k++
        }
        BEGIN { k = 0 }
        END { if (bad || !ended || at != NR) print "incomplete" }' "$SESS_DIR/out")
    if [ -n "$bad" ]; then
        k=$(sess_last)
        case $k in
            '') die "the sqlite3 shell's output on $db is incomplete: it holds no section's marker" ;;
            end) die "the sqlite3 shell's output on $db is incomplete: its markers are out of order, or lines follow the end marker" ;;
        esac
        die "the sqlite3 shell's output on $db is incomplete: it stops in $(sess_name "$k") (no marker follows)"
    fi
}

# sess_error: the shell's error message, indented, each "near line N" of
# the script turned into the line of the failed section's file.
sess_error() {
    awk -v k="$SESS_FAILED" '
        FILENAME == ARGV[1] { if ($1 == k) { first = $2; last = $3 } next }
        {
            s = $0; out = ""
            while (match(s, /near line [0-9]+/)) {
                n = substr(s, RSTART + 10, RLENGTH - 10) + 0
                if (k != "" && n > first && n <= last) n -= first
                out = out substr(s, 1, RSTART - 1) "near line " n
                s = substr(s, RSTART + RLENGTH)
            }
            print "    " out s
        }' "$SESS_DIR/session.map" "$SESS_DIR/err" >&2
}

# sess_die DB: say which section failed (the last marker printed), with the
# shell's error, and exit 1.
sess_die() {
    name=$(sess_name "$SESS_FAILED")
    if [ -n "$name" ]; then
        echo "$SESS_WHO: $name failed on $1:" >&2
    else
        echo "$SESS_WHO: the sqlite3 shell failed on $1 before the first section:" >&2
    fi
    sess_error
    exit 1
}

sess_part() {
    awk -v mark="$SESS_MARK " -v k="$1" '
        index($0, mark) == 1 { on = ($0 == mark k " --"); next }
        on { print }' "$SESS_DIR/out"
}
