#!/usr/bin/env python3
"""Check docs/coverage.md against a coverage run, both ways.

    tools/check-coverage-doc.py COVERAGE.json [docs/coverage.md] [--fix]

COVERAGE.json is what `gcovr --json` writes for ext/ (`make coverage-doc`
makes it: build/cov/coverage.json). The page lists every branch of ext/ that
the run leaves uncovered, one table row per entry:

    | lp_read.c:243 | `if (nNeed > 0x7ffffff2u) return SQLITE_TOOBIG;` in `learnpath_read_grow_users` | true (1) |

The first cell names the file and the line; the first code span of the
second cell is text of that line ("..." stands for any text between two
parts of it; "\\|" is a "|"). After it, "in `function`" names the function
the line is in, and "after `text`" a line at most three lines above it (for
a line whose own text recurs in its function). The last "(N)" of the third
cell is the number of gcov branches of that line left uncovered.

An entry is matched to the source by its file and its code text, not by its
line number: the line is found again in the file by the text (within the
named function, if one is named), so the page survives code moving. Where
the text occurs on several lines (of that function), the entry's line number
must be one of them. Then:

  - every line with an uncovered branch must be listed, with its number of
    uncovered branches (entries of one line add up);
  - every entry must match a line, and that line must have that many
    uncovered branches;
  - each section's "(K branches)" heading, the page's total ("N branches
    stay uncovered, and M lines") and the figures table must be the run's.

Line numbers that moved are reported (not an error); --fix writes the lines
found and the run's figures into the page. Differences are printed as
lines to remove (-) and to add (+), ready to edit into the page. Exit
status: 0 when the page and the run agree, 1 when they do not, 2 on bad
input. Standard library only.
"""
import json
import os
import re
import sys

ENTRY_RE = re.compile(r"^([A-Za-z0-9_./-]+\.[ch]):(\d+)$")
COUNT_RE = re.compile(r"\((\d+)\)")
FUNC_RE = re.compile(r"\bin `([A-Za-z_][A-Za-z0-9_]*)`")
AFTER_RE = re.compile(r"\bafter `([^`]+)`")
SECTION_RE = re.compile(r"^###\s+(\d+)\.\s+.*\((\d+) branch(?:es)?\)\s*$")
TOTAL_RE = re.compile(r"(\d+) branches stay uncovered, and (\d+) lines")
FIGURE_RE = re.compile(r"^\|\s*(lines|branches)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*([\d.]+)\s*\|\s*$")


def split_row(line):
    """The cells of a Markdown table row; '\\|' is a '|' inside a cell."""
    cells, cur, i = [], [], 0
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body) and body[i + 1] == "|":
            cur.append("|")
            i += 2
            continue
        if c == "|":
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    cells.append("".join(cur).strip())
    return cells


def norm(s):
    return " ".join(s.split())


class Entry:
    def __init__(self, lineno, path, line, code, func, after, count, section, raw):
        self.lineno = lineno      # line of the page
        self.path = path          # 'lp_read.c'
        self.line = line          # the line number the page gives
        self.code = code          # the code text
        self.func = func          # the function named, or None
        self.after = after        # text of a line just above, or None
        self.count = count        # uncovered branches claimed
        self.section = section    # the section number, or None
        self.raw = raw
        self.found = None         # the line matched in the source


def read_page(page):
    """Entries, sections {number: claimed}, the total claimed, the figures."""
    entries, sections, total, figures, errors = [], {}, None, {}, []
    section = None
    in_list = False
    with open(page, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for n, text in enumerate(lines, 1):
        if text.startswith("## "):
            in_list = text.strip() == "## Every uncovered branch"
            section = None
        m = SECTION_RE.match(text)
        if m and in_list:
            section = int(m.group(1))
            sections[section] = [int(m.group(2)), 0, n]
            continue
        m = TOTAL_RE.search(text)
        if m and total is None:
            total = (int(m.group(1)), int(m.group(2)), n)
        m = FIGURE_RE.match(text)
        if m:
            figures[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4), n)
            continue
        if not in_list or not text.startswith("|"):
            continue
        cells = split_row(text)
        m = ENTRY_RE.match(cells[0]) if cells else None
        if not m:
            continue
        if len(cells) < 3:
            errors.append("%s:%d: an entry needs where, code and not taken" % (page, n))
            continue
        spans = re.findall(r"`([^`]+)`", cells[1])
        counts = COUNT_RE.findall(cells[2])
        if not spans:
            errors.append("%s:%d: no code text in the entry's second cell" % (page, n))
            continue
        if not counts:
            errors.append("%s:%d: no '(N)' branch count in the entry's third cell" % (page, n))
            continue
        fm = FUNC_RE.search(cells[1])
        am = AFTER_RE.search(cells[1])
        e = Entry(n, m.group(1), int(m.group(2)), spans[0], fm.group(1) if fm else None,
                  am.group(1) if am else None, int(counts[-1]), section, text)
        entries.append(e)
        if section is not None:
            sections[section][1] += e.count
    return lines, entries, sections, total, figures, errors


def read_run(path):
    """{file: {line: missed}}, {file: [(lineno, name)]}, totals."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    missed, funcs = {}, {}
    tot = {"lines": [0, 0], "branches": [0, 0], "uncovered_lines": 0}
    for fobj in data["files"]:
        name = fobj["file"]
        short = name[4:] if name.startswith("ext/") else name
        per = {}
        for l in fobj["lines"]:
            if not l.get("gcovr/noncode") and not l.get("gcovr/excluded"):
                tot["lines"][1] += 1
                if l["count"] > 0:
                    tot["lines"][0] += 1
                else:
                    tot["uncovered_lines"] += 1
            k = 0
            for b in l["branches"]:
                tot["branches"][1] += 1
                if b["count"] > 0:
                    tot["branches"][0] += 1
                else:
                    k += 1
            if k:
                per[l["line_number"]] = per.get(l["line_number"], 0) + k
        missed[short] = per
        funcs[short] = sorted((fn["lineno"], fn["name"]) for fn in fobj.get("functions", []))
    return missed, funcs, tot


def matches(code, text):
    """Does text hold code, '...' in code standing for anything?"""
    pos = 0
    for part in [norm(p) for p in code.split("...")]:
        if not part:
            continue
        k = text.find(part, pos)
        if k < 0:
            return False
        pos = k + len(part)
    return True


def func_range(funcs, name):
    """The lines of function name: [start, next function's start)."""
    for k, (start, fname) in enumerate(funcs):
        if fname == name:
            end = funcs[k + 1][0] if k + 1 < len(funcs) else 10 ** 9
            return start, end
    return None


def resolve(e, src_root, funcs, sources):
    """Set e.found to the line of e's code text; an error text, or None."""
    path = os.path.join(src_root, e.path)
    if e.path not in sources:
        if not os.path.exists(path):
            return "no file ext/%s" % e.path
        with open(path, encoding="utf-8", errors="replace") as f:
            sources[e.path] = f.read().split("\n")
    src = sources[e.path]
    cands = [i + 1 for i in range(len(src)) if matches(e.code, norm(src[i]))]
    where = ""
    if e.func:
        rng = func_range(funcs.get(e.path, []), e.func)
        if rng is None:
            return "no function %s in ext/%s" % (e.func, e.path)
        cands = [c for c in cands if rng[0] <= c < rng[1]]
        where = " in %s" % e.func
    if e.after:
        cands = [c for c in cands
                 if any(matches(e.after, norm(src[k - 1])) for k in range(max(1, c - 3), c))]
        where += " after `%s`" % e.after
    if not cands:
        return "code text `%s` not found in ext/%s%s" % (e.code, e.path, where)
    if len(cands) == 1:
        e.found = cands[0]
    elif e.line in cands:
        e.found = e.line
    else:
        return ("code text `%s` is on lines %s of ext/%s%s and the entry says %d: "
                "give more of the line or name the function" %
                (e.code, ", ".join(map(str, cands)), e.path, where, e.line))
    return None


def pct(c, t):
    return "%.1f" % (100.0 * c / t) if t else "100.0"


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    fix = "--fix" in argv
    if not args or len(args) > 2 or any(a not in ("--fix",) for a in argv[1:] if a.startswith("--")):
        sys.stderr.write(__doc__)
        return 2
    run_path = args[0]
    page = args[1] if len(args) > 1 else "docs/coverage.md"
    src_root = os.path.join(os.path.dirname(os.path.abspath(page)), "..", "ext")
    try:
        missed, funcs, tot = read_run(run_path)
        lines, entries, sections, total, figures, errors = read_page(page)
    except (OSError, ValueError, KeyError) as exc:
        sys.stderr.write("check-coverage-doc: %s\n" % exc)
        return 2

    problems = list(errors)
    moved = []
    sources = {}
    claimed = {}
    for e in entries:
        err = resolve(e, src_root, funcs, sources)
        if err:
            problems.append("%s:%d: %s\n    %s" % (page, e.lineno, err, e.raw))
            continue
        if e.found != e.line:
            moved.append(e)
        key = (e.path, e.found)
        claimed.setdefault(key, []).append(e)

    # the run against the page
    removes, adds = [], []
    for path in sorted(missed):
        for line, k in sorted(missed[path].items()):
            es = claimed.get((path, line))
            if not es:
                src = sources.get(path)
                if src is None:
                    with open(os.path.join(src_root, path), encoding="utf-8", errors="replace") as f:
                        src = sources[path] = f.read().split("\n")
                code = src[line - 1].strip().replace("|", "\\|")
                adds.append("| %s:%d | `%s` | (%d) | why |" % (path, line, code, k))
                continue
            n = sum(e.count for e in es)
            if n != k:
                for e in es:
                    removes.append((e, "%d uncovered branch(es) listed, the run has %d" % (n, k)))
    for (path, line), es in sorted(claimed.items()):
        if missed.get(path, {}).get(line, 0) == 0:
            for e in es:
                removes.append((e, "ext/%s:%d has no uncovered branch in this run" % (path, line)))

    # the counts the page states
    n_listed = sum(e.count for e in entries)
    n_run = tot["branches"][1] - tot["branches"][0]
    for num, (want, have, at) in sorted(sections.items()):
        if want != have:
            problems.append("%s:%d: section %d says %d branches; its entries list %d" %
                            (page, at, num, want, have))
    if total is None:
        problems.append("%s: no sentence 'N branches stay uncovered, and M lines'" % page)
    else:
        if total[0] != n_run or total[1] != tot["uncovered_lines"]:
            problems.append("%s:%d: the page says %d branches and %d lines stay uncovered; "
                            "the run leaves %d and %d" %
                            (page, total[2], total[0], total[1], n_run, tot["uncovered_lines"]))
    for kind in ("lines", "branches"):
        c, t = tot[kind]
        if kind not in figures:
            problems.append("%s: no figures row '| %s | covered | total | %% |'" % (page, kind))
            continue
        fc, ft, fp, at = figures[kind]
        if (fc, ft, fp) != (c, t, pct(c, t)):
            if not fix:
                problems.append("%s:%d: figures for %s say %d of %d (%s%%); the run has %d of %d (%s%%)"
                                % (page, at, kind, fc, ft, fp, c, t, pct(c, t)))
            lines[at - 1] = "| %s | %d | %d | %s |" % (kind, c, t, pct(c, t))

    # report
    ok = not problems and not removes and not adds
    print("run: %d of %d branches covered (%s%%), %d uncovered on %d lines; "
          "%d of %d lines covered (%s%%)" %
          (tot["branches"][0], tot["branches"][1], pct(*tot["branches"]), n_run,
           sum(len(v) for v in missed.values()), tot["lines"][0], tot["lines"][1],
           pct(*tot["lines"])))
    print("page: %d entries, %d branches" % (len(entries), n_listed))
    for p in problems:
        print("error: " + p)
    if removes or adds:
        print("--- %s (entries the run does not have)" % page)
        print("+++ the run (uncovered branches the page does not list)")
        for e, why in removes:
            print("- %s    <- line %d: %s" % (e.raw, e.lineno, why))
        for a in adds:
            print("+ " + a)
    if moved:
        print("%s: %d entries' lines moved (found by their code text)%s:" %
              (page, len(moved), "; written" if fix else "; --fix writes them"))
        for e in moved:
            print("  %s:%d -> %s:%d  `%s`" % (e.path, e.line, e.path, e.found, e.code))
    if fix:
        for e in moved:
            old = "| %s:%d |" % (e.path, e.line)
            t = lines[e.lineno - 1]
            if t.startswith(old):
                lines[e.lineno - 1] = "| %s:%d |" % (e.path, e.found) + t[len(old):]
        with open(page, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
    print("ok: the page lists exactly the run's uncovered branches" if ok
          else "FAIL: the page and the run differ")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:  # output cut short (| head): not the page's fault
        sys.exit(1)
