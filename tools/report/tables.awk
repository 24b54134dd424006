# tables.awk - turn the sqlite3 shell's `.mode html` output into HTML tables.
#
# Used by tools/report.sh, as functions of tools/report/sections.awk (one
# awk for every report): tables_begin() before a report's output,
# tables_line(line) for each of its lines, tables_end() after them. Input: what a saved report prints with
# `.headers on` and `.mode html`: rows like
#     <TR><TH>user_type</TH>
#     <TH>users</TH>
#     </TR>
#     <TR><TD>evening class</TD>
#     <TD>5429</TD>
#     </TR>
# (the shell has already HTML-escaped every cell, so a cell never holds a
# '<'; a value with a newline spans lines), and lines "LPCAPTION: text" that
# tools/report.sh made of the report's `.print 'text'` commands.
# Output: one <div class="table-block"> per result set: the caption as an
# <h3 class="caption"> (escaped here), then the <table>. A caption line, or a
# header row after data rows, starts a new table. Columns whose
# non-empty cells are all numbers get class "num" (right-aligned). A row
# whose first cell starts with "(all " or is "Total" gets class "total" (and
# "first" when the row above is not one); a
# row whose first cell differs from the previous row's gets class "group"
# (a rule above it) when the first column repeats values. Tables of more
# than 20 rows get class "long" (a scroll box on screen). A result whose
# one column is named "note" is shown as text (<p class="note">), one
# paragraph per row; the report's empty tables after it are left out. A
# header cell named as a key of col_label (set by
# sections.awk: "segment", "group") shows that name instead.

function esc(s) {
    gsub(/&/, "\\&amp;", s)
    gsub(/</, "\\&lt;", s)
    gsub(/>/, "\\&gt;", s)
    gsub(/"/, "\\&quot;", s)
    gsub(/'/, "\\&#39;", s)
    return s
}

function reset_table() {
    nrows = 0
    ncols = 0
    has_header = 0
    caption = ""
}

# Store the row held in rowbuf: row[nrows, i], 0 = the header row.
function take_row(buf,    is_header, s, n, parts, i) {
    is_header = (buf ~ /^<TR><TH>/)
    s = buf
    sub(/^<TR>/, "", s)
    sub(/\n?<\/TR>$/, "", s)
    sub(/^<T[DH]>/, "", s)
    sub(/<\/T[DH]>$/, "", s)
    n = split(s, parts, /<\/T[DH]>\n<T[DH]>/)
    if (is_header) {
        if (nrows > 0 || has_header) flush_table()
        has_header = 1
        for (i = 1; i <= n; i++) row[0, i] = parts[i]
    } else {
        nrows++
        for (i = 1; i <= n; i++) row[nrows, i] = parts[i]
    }
    if (n > ncols) ncols = n
}

function flush_table(    r, c, isnum, seen, v, cls, rcls, repeats, out, tag) {
    if (nrows == 0 && !has_header) {
        # a captioned query that returned no rows (the shell prints nothing);
        # after a note (the report says why it has nothing to show) the
        # empty tables are left out
        if (caption != "" && !had_note)
            printf "<div class=\"table-block\">\n<h3 class=\"caption\">%s</h3>\n<p class=\"empty\">No rows.</p>\n</div>\n", caption
        if (caption != "") ntables++
        reset_table()
        return
    }
    for (c = 1; c <= ncols; c++) {
        isnum[c] = 1
        seen[c] = 0
        for (r = 1; r <= nrows; r++) {
            v = row[r, c]
            if (v == "") continue
            seen[c] = 1
            if (v !~ /^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) { isnum[c] = 0; break }
        }
        if (!seen[c]) isnum[c] = 0
    }
    if (ncols == 1 && has_header && row[0, 1] == "note") {
        # a note (no flagship set, no group column): its lines as text
        printf "<div class=\"table-block\">\n"
        if (caption != "") printf "<h3 class=\"caption\">%s</h3>\n", caption
        for (r = 1; r <= nrows; r++) printf "<p class=\"note\">%s</p>\n", row[r, 1]
        printf "</div>\n"
        ntables++
        had_note = 1
        split("", row)
        reset_table()
        return
    }
    repeats = 0
    for (r = 2; r <= nrows; r++) if (row[r, 1] == row[r - 1, 1]) repeats = 1
    printf "<div class=\"table-block\">\n"
    if (caption != "") printf "<h3 class=\"caption\">%s</h3>\n", caption
    printf "<div class=\"table-wrap%s\">\n<table>\n", (nrows > 20 ? " long" : "")
    if (has_header) {
        printf "<thead><tr>"
        for (c = 1; c <= ncols; c++)
            printf "<th%s>%s</th>", (isnum[c] ? " class=\"num\"" : ""),
                ((row[0, c] in col_label) ? col_label[row[0, c]] : row[0, c])
        printf "</tr></thead>\n"
    }
    printf "<tbody>\n"
    for (r = 1; r <= nrows; r++) {
        rcls = ""
        if (row[r, 1] ~ /^\(all / || row[r, 1] == "Total") {
            rcls = "total"
            if (r > 1 && row[r - 1, 1] !~ /^\(all / && row[r - 1, 1] != "Total") rcls = "total first"
        } else if (repeats && r > 1 && row[r, 1] != row[r - 1, 1]) rcls = "group"
        printf "<tr%s>", (rcls != "" ? " class=\"" rcls "\"" : "")
        for (c = 1; c <= ncols; c++) {
            v = row[r, c]
            gsub(/\n/, "<br>", v)
            printf "<td%s>%s</td>", (isnum[c] ? " class=\"num\"" : ""), v
        }
        printf "</tr>\n"
    }
    printf "</tbody>\n</table>\n</div>\n</div>\n"
    ntables++
    split("", row)
    reset_table()
}

# tables_begin: start a report's tables.
function tables_begin() {
    split("", row)
    reset_table()
    rowbuf = ""
    ntables = 0
    had_note = 0
}

# tables_line LINE: one line of the report's output.
function tables_line(line,    text) {
    if (line ~ /^LPCAPTION:/ && rowbuf == "") {
        text = line
        sub(/^LPCAPTION: ?/, "", text)
        if (text == "") return
        flush_table()
        caption = esc(text)
        return
    }
    rowbuf = (rowbuf == "" ? line : rowbuf "\n" line)
    if (line ~ /<\/TR>$/) {
        take_row(rowbuf)
        rowbuf = ""
    }
}

# tables_end: the report's output ended.
function tables_end() {
    flush_table()
    if (ntables == 0) print "<p class=\"empty\">No rows.</p>"
}
