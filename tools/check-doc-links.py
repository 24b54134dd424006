#!/usr/bin/env python3
"""check-doc-links.py - every relative link and anchor in the Markdown files resolves.

Usage: python3 tools/check-doc-links.py [FILE.md ...]
       (default: README.md, docs/*.md, sql/README.md, tests/fuzz/README.md)

A link [text](target) or ![alt](target) whose target is not a URL must name an
existing file or directory, relative to the file holding the link; a #fragment must
be the anchor of a heading in the target Markdown file, made as GitHub makes them:
lowercase, punctuation removed (letters, digits, '_', '-' and spaces kept), each
space turned into '-', and '-1', '-2', ... added to repeated anchors. Headings and
links inside fenced code blocks and inline code are ignored. Prints each broken
link and ends with a line `N links checked, M broken`; exits 1 when M > 0.
"""
import glob
import os
import re
import sys

FENCE = re.compile(r'^\s*(```|~~~)')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
LINK = re.compile(r'!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+(?:\([^()]*\))?[^()\s]*)(?:\s+"[^"]*")?\)')
INLINE_CODE = re.compile(r'`[^`]*`')


def text_lines(path):
    """(line number, line) outside fenced code blocks."""
    fenced = False
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                yield n, line.rstrip('\n')


def slug(heading):
    # Markdown inside the heading text: keep the words of links and code.
    h = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', heading)
    h = h.replace('`', '').replace('*', '')
    h = h.strip().lower()
    h = ''.join(c for c in h if c.isalnum() or c in ' -_')
    return h.replace(' ', '-')


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        out = set()
        for _, line in text_lines(path):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            k = seen.get(base, 0)
            out.add(base if k == 0 else '%s-%d' % (base, k))
            seen[base] = k + 1
        _anchors[path] = out
    return _anchors[path]


def main(argv):
    files = argv or (['README.md'] + sorted(glob.glob('docs/*.md')) +
                     ['sql/README.md', 'tests/fuzz/README.md'])
    checked = broken = 0
    for md in files:
        for n, line in text_lines(md):
            for m in LINK.finditer(INLINE_CODE.sub('', line)):
                target = m.group(1)
                if re.match(r'^[a-z][a-z0-9+.-]*:', target):
                    continue  # http:, https:, mailto:
                checked += 1
                path, _, frag = target.partition('#')
                dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
                why = None
                if not os.path.exists(dest):
                    why = 'no such file'
                elif frag:
                    if not dest.endswith('.md'):
                        why = 'anchor into a file that is not Markdown'
                    elif frag not in anchors(dest):
                        why = 'no heading with anchor #' + frag
                if why:
                    broken += 1
                    print('%s:%d: %s: %s' % (md, n, target, why))
    print('%d links checked, %d broken' % (checked, broken))
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
