# sections.awk - the page's table of contents and its report sections, for
# every saved report in one awk run (tools/report.sh; with the functions of
# tools/report/tables.awk: awk -f tables.awk -f sections.awk).
#
# Arguments (never code: only read in BEGIN, never opened as awk's input):
#   ARGV[1]      the file to write the table of contents to (its <li>s)
#   ARGV[2]      a file holding the names of the segment and of the group
#                (report settings segment_label and group_label, README
#                rule 16) as one row of the sqlite3 shell's .mode html,
#                escaped: the segment's replaces {segment} in the reports'
#                texts and names their column "segment", the group's
#                ("group" when empty) replaces {group} and names "group"
#   then eight per report, in page order:
#     ID         the section's id (r01, or s7 for a name without a number)
#     N          the number shown in the table of contents
#     LABEL      "Report 01" ("Report" for a name without a number)
#     REPORT     its file, sql/NN_*.sql
#     CHART      its chart's file, sql/charts/NN_*.sql
#     HAS_CHART  1 when CHART exists, else 0
#     TABLES     the report's output (tools/report/session.sh: part.K)
#     CHARTOUT   the chart's output (when HAS_CHART)
# The sections go to standard output. From REPORT's header comment: the
# heading (its first line, less "-- NN_name.sql - "), "what it answers"
# (the Question: paragraph, its first letter upper case) and "how to read
# it" (the How to read it: paragraph, a <p> per line). Every text from the
# files is HTML-escaped here (esc, from tables.awk); the tables come
# escaped from the sqlite3 shell. Exits 2 when a file cannot be read.

# The lines of FILE into lines[1..n]; returns n.
function read_lines(file, lines,    n, line, got) {
    n = 0
    while ((got = (getline line < file)) > 0) lines[++n] = line
    if (got < 0) fail("cannot read " file)
    close(file)
    return n
}

function fail(msg) {
    print "report: " msg > "/dev/stderr"
    failed = 1
    exit 2
}

# Drop the newlines at the end of S.
function chomp(s) {
    sub(/\n+$/, "", s)
    return s
}

# The text of paragraph "KEY:" of the header comment held in lines[1..n]:
# the key's line and the indented lines after it, joined by spaces. A line
# starting "Table N:" starts a new line of the text (one per <p>).
function header_field(key, lines, n,    i, line, inside, text, out) {
    inside = 0; text = ""; out = ""
    for (i = 1; i <= n; i++) {
        if (lines[i] !~ /^--/) break
        line = lines[i]
        sub(/^-- ?/, "", line)
        if (inside) {
            if (line !~ /^  /) break
            sub(/^ +/, "", line)
            if (line ~ /^Table [0-9]+:/) { out = out text "\n"; text = line }
            else text = (text == "" ? line : text " " line)
            continue
        }
        if (index(line, key ":") == 1) {
            inside = 1
            text = substr(line, length(key) + 2)
            sub(/^ +/, "", text)
        }
    }
    if (text != "") out = out text "\n"
    return chomp(out)
}

# The chart(s): every SVG document the chart query printed, in a <figure>
# (wide ones, over 1000 wide, in a box that scrolls).
function charts(file,    line, got, wide, inside, n) {
    inside = 0; n = 0
    while ((got = (getline line < file)) > 0) {
        if (line ~ /^<svg[ >]/) {
            wide = 0
            if (match(line, / width="[0-9.]+"/)) wide = (substr(line, RSTART + 8, RLENGTH - 9) + 0 > 1000)
            printf "<figure class=\"chart%s\">\n", (wide ? " wide" : "")
            if (wide) print "<div class=\"scroll\">"
            inside = 1
        }
        if (inside) print line
        if (inside && line ~ /<\/svg>$/) {
            if (wide) print "</div>\n<figcaption>A wide chart: scroll sideways to see all of it.</figcaption>"
            print "</figure>"
            inside = 0
            n++
        }
    }
    if (got < 0) fail("cannot read " file)
    close(file)
    if (!n) print "<p class=\"empty\">The chart query printed no chart.</p>"
}

# S with every KEY replaced by VAL (no regular expressions: VAL may hold &).
function subst(s, key, val,    out, i) {
    out = ""
    while ((i = index(s, key)) > 0) {
        out = out substr(s, 1, i - 1) val
        s = substr(s, i + length(key))
    }
    return out s
}

# An escaped text of a report's header with the settings' names put in.
function named(s) {
    return subst(subst(esc(s), "{segment}", seg_label), "{group}", grp_label)
}

# Does the report's output hold a note (a result whose one column is "note")?
function has_note(file,    line, got, found) {
    found = 0
    while ((got = (getline line < file)) > 0) if (line ~ /^<TR><TH>note<\/TH>$/) found = 1
    close(file)
    return found
}

# Did the chart query print no SVG?
function no_chart(file,    line, got, found) {
    found = 0
    while ((got = (getline line < file)) > 0) if (line ~ /^<svg[ >]/) found = 1
    close(file)
    return !found
}

# The result tables (tools/report/tables.awk).
function tables(file,    line, got) {
    tables_begin()
    while ((got = (getline line < file)) > 0) tables_line(line)
    if (got < 0) fail("cannot read " file)
    close(file)
    tables_end()
}

BEGIN {
    toc = ARGV[1]
    split("", names)
    n = read_lines(ARGV[2], names)
    s = ""
    for (i = 1; i <= n; i++) s = s (i > 1 ? "\n" : "") names[i]
    sub(/^<TR><TD>/, "", s); sub(/<\/TD>\n<\/TR>$/, "", s)
    split(s, cell, /<\/TD>\n<TD>/)
    seg_label = cell[1]
    grp_label = (cell[2] != "" ? cell[2] : "group")
    col_label["segment"] = seg_label
    col_label["group"] = grp_label
    for (a = 3; a + 7 < ARGC; a += 8) {
        id = ARGV[a]; num = ARGV[a + 1]; label = ARGV[a + 2]; report = ARGV[a + 3]
        chart = ARGV[a + 4]; has_chart = ARGV[a + 5]; tables_out = ARGV[a + 6]; chart_out = ARGV[a + 7]

        split("", lines)
        n = read_lines(report, lines)
        title = lines[1]
        sub(/^-- */, "", title)
        sub(/^[^ ]*\.sql - /, "", title)
        question = header_field("Question", lines, n)
        if (question != "") question = toupper(substr(question, 1, 1)) substr(question, 2)
        howto = header_field("How to read it", lines, n)

        printf "<li><a href=\"#%s\"><span class=\"n\">%s</span> %s</a></li>\n", id, esc(num), named(title) > toc

        printf "<section class=\"report\" id=\"%s\">\n", id
        printf "<header>\n<p class=\"eyebrow\">%s <span class=\"sep\">&#183;</span> <code>%s</code></p>\n", esc(label), esc(report)
        printf "<h2>%s</h2>\n</header>\n", named(title)
        if (question != "")
            printf "<div class=\"answers\"><h3>What it answers</h3>\n<p>%s</p></div>\n", named(question)
        printf "<div class=\"body\">\n<div class=\"charts\">\n"
        if (has_chart && has_note(tables_out) && no_chart(chart_out)) {
            # the report says in a note why it has nothing to show (no group
            # column, README rule 16): no chart either, and no message
        } else if (has_chart) charts(chart_out)
        else printf "<p class=\"empty\">No chart for this report (add %s).</p>\n", esc(chart)
        printf "</div>\n<div class=\"tables\">\n"
        tables(tables_out)
        printf "</div>\n</div>\n"
        if (howto != "") {
            printf "<details class=\"howto\"><summary>How to read the tables</summary>\n"
            m = split(howto, para, "\n")
            for (p = 1; p <= m; p++) printf "<p>%s</p>\n", named(para[p])
            printf "</details>\n"
        }
        printf "</section>\n"
    }
    if (close(toc) < 0) fail("cannot write " toc)
    exit
}
