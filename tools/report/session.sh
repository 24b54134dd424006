# session.sh - run several SQL files on ONE sqlite3 connection, then take
# each one's output apart again. Sourced by tools/report.sh and tools/demo.sh
# (from the repository root, after they defined die() and set -e).
#
# Why one connection: learnpath keeps what a journey function read from a
# source on the connection (its cache), so the first query reads the table
# and every later one on the same source and columns reuses it. A sqlite3
# process per file read the table and rebuilt the cache for each of them.
#
# How: each file, a "section" (sess_add), goes in one script run by one
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
# Processes: a constant few, whatever the number of sections. sess_add
# only records a section (shell variables); sess_run writes the whole
# script with ONE awk (sess_build), runs the shell, and checks its output
# and splits it into one file per section with ONE more awk (sess_split);
# sess_changes takes every file at once.
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
#                          KIND plain, or tables: see sess_build); prints
#                          nothing and runs nothing (the script is written
#                          by sess_run); the section's number is $SESS_N - 1
#   sess_changes FILE...   one flag per FILE, 0 or 1 (see there)
#   sess_run DB FLAGS...   run the session on DB (FLAGS: sqlite3 options);
#                          dies when the output is incomplete; returns 1
#                          when the shell failed, with SESS_FAILED the
#                          number of the section that failed (empty: before
#                          the first one); on success section K's output is
#                          the file $SESS_DIR/part.K
#   sess_die DB            say which section failed, with the shell's error
#                          (its line numbers those of the section), exit 1
#   sess_part K            print section K's output (cat of part.K)
# Variables: SQLITE3 (the shell), SESS_WHO (the prefix of messages).

sess_init() {
    SESS_DIR=$1
    SESS_N=0
    # The nonce: random hex, or the process id and time when /dev/urandom
    # cannot be read. Only [0-9a-f-] ever goes into the SQL. (od prints
    # the bytes as words; set -- joins them, in this function only.)
    # shellcheck disable=SC2046 # (the words are wanted)
    set -- $(od -An -N8 -tx1 /dev/urandom 2>/dev/null || true)
    SESS_NONCE=$(printf '%s' "$@")
    case $SESS_NONCE in '' | *[!0-9a-f]*) SESS_NONCE=$$-$(date +%s) ;; esac
    SESS_MARK="-- learnpath session $SESS_NONCE"
    : > "$SESS_DIR/session.sql" || die "could not write $SESS_DIR/session.sql (disk full?)"
}

# sess_add NAME KIND PRELUDE FILE: record section $SESS_N (its name,
# kind, prelude and file, in variables SESS_NAME_K, ...); sess_build
# writes the script from them.
sess_add() {
    k=$SESS_N
    eval "SESS_NAME_$k=\$1 SESS_KIND_$k=\$2 SESS_PRE_$k=\$3 SESS_FILE_$k=\$4"
    SESS_N=$((k + 1))
}

# sess_build: write the script, $SESS_DIR/session.sql, and its map,
# $SESS_DIR/session.map (a line "K FIRST LAST" per section: its text is
# lines FIRST+1 .. LAST of the script), in one awk. The script: the .load
# of learnpath; then per section the settings it starts from (sess_reset),
# its marker, its prelude, its text (sess_text) and a line ";"; then the
# settings again and the end marker. The sections' kinds, preludes and
# files reach awk as its arguments (never as code), three per section.
sess_build() {
    set --
    k=0
    while [ "$k" -lt "$SESS_N" ]; do
        eval "set -- \"\$@\" \"\$SESS_KIND_$k\" \"\$SESS_PRE_$k\" \"\$SESS_FILE_$k\""
        k=$((k + 1))
    done
    awk -v mark="$SESS_MARK" -v who="$SESS_WHO" '
        # The settings every section starts from: the shell defaults.
        # Returns the number of lines printed.
        function sess_reset() {
            print ".output"; print ".bail on"; print ".echo off"; print ".eqp off"
            print ".stats off"; print ".timer off"; print ".changes off"
            print ".headers off"; print ".mode list"; print ".separator \"|\" \"\\n\""
            print ".nullvalue \"\""
            return 11
        }
        # sess_text: the text of FILE, line for line; returns the number of
        # lines (-1: FILE cannot be read). Every kind drops `.load
        # dist/learnpath` (learnpath is loaded once, first). KIND tables:
        # also drops the report'"'"'s own output settings and turns each
        # `.print` into a caption line for tools/report/tables.awk.
        function sess_text(kind, file,    n, cmd, got) {
            n = 0
            while ((got = (getline < file)) > 0) {
                n++
                if ($0 ~ /^\.load[ \t]+["\047]?dist\/learnpath(\.(so|dylib|dll))?["\047]?[ \t]*$/) { print ""; continue }
                if (kind == "tables" && $0 ~ /^\.[a-z]/) {
                    cmd = $1
                    if (cmd == ".print") { sub(/^\.print/, ".print LPCAPTION:"); print; continue }
                    if (cmd ~ /^\.(mode|headers?|width|once|output|separator|nullvalue|timer|echo|changes|bail|show)$/) { print ""; continue }
                }
                print
            }
            close(file)
            return got < 0 ? -1 : n
        }
        BEGIN {
            map = ARGV[1]
            printf "" > map
            print ".load dist/learnpath"
            lines = 1
            for (i = 2; i + 2 < ARGC; i += 3) {
                k = (i - 2) / 3
                lines += sess_reset()
                printf "SELECT '"'"'%s %s --'"'"' || substr(learnpath_allow_views(0), 1, 0);\n", mark, k
                lines++
                if (ARGV[i + 1] != "") {
                    print ARGV[i + 1]
                    lines += gsub(/\n/, "\n", ARGV[i + 1]) + 1
                }
                first = lines
                n = sess_text(ARGV[i], ARGV[i + 2])
                if (n < 0) { print who ": cannot read " ARGV[i + 2] > "/dev/stderr"; exit 1 }
                lines += n
                print ";"
                lines++
                printf("%s %s %s\n", k, first, first + n) > map
            }
            sess_reset()
            printf "SELECT '"'"'%s end --'"'"';\n", mark
            exit
        }' "$SESS_DIR/session.map" "$@" > "$SESS_DIR/session.sql" ||
        die "could not write $SESS_DIR/session.sql (disk full?), or read a section's file"
}

# sess_changes FILE...: for each FILE, in order, 1 when its SQL (outside
# -- comments) may change the connection's schema, data or settings (a
# word such as CREATE, DROP, INSERT, BEGIN, PRAGMA, ATTACH or a learnpath
# setting, a report setting set (learnpath_report_setting with two
# arguments on one line), or a dot-command such as .open), else 0; printed as one word
# ("0010" for four files; "0" or "1" for one). One awk reads them all. A
# caller runs such sections after the others: then no other section sees
# what they leave, and a schema change (which drops learnpath's cache)
# comes after every other section has used the cache. It is a guess from
# the words: a wrong 1 (a column named "update") only costs time, and a
# section it misses runs in its place, as it would without this. A file
# that cannot be read gets 0 (sess_build then says so).
sess_changes() {
    awk '
        function changes(file,    line, found) {
            found = 0
            while ((getline line < file) > 0) {
                line = tolower(line); sub(/--.*/, "", line)
                # (learnpath_report_setting with two arguments sets one)
                if (line ~ /(^|[^a-z0-9_])(create|drop|alter|insert|update|delete|begin|savepoint|pragma|attach|detach|vacuum|analyze|reindex|learnpath_(allow_views|cache_clear|cache_limit|memory_budget|threads))([^a-z0-9_]|$)/ ||
                    line ~ /learnpath_report_setting[ \t]*\([^,)]*,/ ||
                    line ~ /^[ \t]*\.(open|cd|param|parameter|read|import|limit|timeout)/) { found = 1; break }
            }
            close(file)
            return found
        }
        BEGIN {
            for (i = 1; i < ARGC; i++) flags = flags changes(ARGV[i])
            print flags
            exit
        }' "$@"
}

# sess_name K: the name of section K ("" for none).
sess_name() {
    case $1 in '' | *[!0-9]*) return 0 ;; esac
    eval "printf '%s' \"\${SESS_NAME_$1:-}\""
}

# sess_split MODE: read the shell's output once. Prints "VERDICT LAST":
# LAST the label of the last marker in the output (a section's number,
# "end", or nothing when it holds none); VERDICT "ok" when it holds every
# section's marker, in order, then the end marker as its last line, else
# "incomplete". MODE split: also write section K's output (the lines
# between its marker and the next) to $SESS_DIR/part.K, one file for each
# section, empty when it printed nothing (awk fails when it cannot).
sess_split() {
    awk -v mark="$SESS_MARK " -v n="$SESS_N" -v mode="$1" '
        BEGIN { dir = ARGV[2]; ARGV[2] = ""; k = 0; part = "" }
        index($0, mark) == 1 {
            s = substr($0, length(mark) + 1)
            sub(/ --$/, "", s)
            last = s
            # the check: markers 0 .. n-1 in order, then "end", last
            if (ended) bad = 1
            else if (s == "end") { if (k != n + 0) bad = 1; ended = 1; at = NR }
            else if (s != k "") bad = 1
            else k++
            # the split: from here on, lines go to this section'"'"'s file
            if (part != "" && close(part) < 0) exit 2
            part = ""
            if (mode == "split" && s ~ /^[0-9]+$/ && $0 == mark s " --") {
                part = dir "/part." s
                if (part in done) printf "" >> part
                else printf "" > part
                done[part] = 1
            }
            next
        }
        part != "" { print > part }
        END {
            if (part != "" && close(part) < 0) exit 2
            print ((bad || !ended || at != NR) ? "incomplete" : "ok") " " last
        }' "$SESS_DIR/out" "$SESS_DIR"
}

sess_run() {
    db=$1
    shift
    sess_build
    : > "$SESS_DIR/status" || die "could not write $SESS_DIR/status (disk full?)"
    { "$SQLITE3" -bail "$@" "$db" < "$SESS_DIR/session.sql" 2> "$SESS_DIR/err"
      echo "$?" > "$SESS_DIR/status"; } | cat > "$SESS_DIR/out" ||
        die "could not write the sqlite3 shell's output to $SESS_DIR (disk full?)"
    sess_status=
    read -r sess_status < "$SESS_DIR/status" || true
    if [ "$sess_status" != 0 ]; then
        # -bail stopped the shell: its last marker names the section.
        res=$(sess_split last) || die "could not read the sqlite3 shell's output in $SESS_DIR"
        SESS_FAILED=${res#* }
        return 1
    fi
    res=$(sess_split split) || die "could not write the sections' output to $SESS_DIR (disk full?)"
    k=${res#* }
    case $res in
        'ok '*) ;;
        *)
            case $k in
                '') die "the sqlite3 shell's output on $db is incomplete: it holds no section's marker" ;;
                end) die "the sqlite3 shell's output on $db is incomplete: its markers are out of order, or lines follow the end marker" ;;
            esac
            die "the sqlite3 shell's output on $db is incomplete: it stops in $(sess_name "$k") (no marker follows)" ;;
    esac
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

# sess_part K: print section K's output (after sess_run succeeded).
sess_part() {
    cat "$SESS_DIR/part.$1"
}
