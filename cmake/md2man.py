#!/usr/bin/env python3
"""Turn one of the project's Markdown documents into a man page (roff).

The man page is generated from the document, so the two cannot drift apart:
docs/dictionary-format.md becomes screener-dict(5). Handles the Markdown the
docs use: headings, paragraphs, fenced code, tables (tbl), "- " lists,
`code`, **bold**, *emphasis* and [links](target).

usage: md2man.py IN.md OUT.5 NAME SECTION VERSION "one-line description"
"""
import re
import sys


def esc(text):
    """Escape roff specials in running text."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return text


def inline(text):
    """Markdown inline markup to roff font changes."""
    out = []
    pos = 0
    pattern = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*|\[([^\]]+)\]\(([^)]+)\)")
    for m in pattern.finditer(text):
        out.append(esc(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + esc(m.group(1)) + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + esc(m.group(2)) + "\\fR")
        elif m.group(3) is not None:
            out.append("\\fI" + esc(m.group(3)) + "\\fR")
        else:
            out.append(esc(m.group(4)))
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def line_safe(s):
    """A roff text line must not start with '.' or "'"."""
    return "\\&" + s if s[:1] in (".", "'") else s


def table(rows):
    cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows]
    head, body = cells[0], [r for r in cells[2:]]
    n = len(head)
    # the last column takes the remaining width; the others are as wide as
    # their widest cell (short keys in this documentation's tables)
    fmt = ["l"] * (n - 1) + ["lx"]
    out = [".TS", "allbox tab(\t);", " ".join(f + "b" for f in fmt), " ".join(fmt) + "."]
    for row in [head] + body:
        row = (row + [""] * n)[:n]
        out.append("\t".join("T{\n" + line_safe(inline(c)) + "\nT}" if len(c) > 30 else
                              inline(c) for c in row))
    out.append(".TE")
    return out


def convert(md, name, section, version, description):
    out = ["'\\\" t", '.TH "%s" "%s" "" "screener %s" "screener manual"' % (
        name.upper(), section, version), ".SH NAME", "%s \\- %s" % (name, esc(description))]
    lines = md.splitlines()
    i = 0
    para = []

    def flush():
        if para:
            out.append(".PP")
            out.extend(line_safe(inline(p)) for p in para)
            para.clear()

    while i < len(lines):
        ln = lines[i]
        if ln.startswith("```"):
            flush()
            out.extend([".PP", ".RS 4", ".nf"])
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                out.append(line_safe(esc(lines[i])))
                i += 1
            out.extend([".fi", ".RE"])
        elif ln.startswith("# "):
            flush()  # the title: the NAME section says it already
        elif ln.startswith("## ") or ln.startswith("### "):
            flush()
            title = esc(ln.lstrip("#").strip())
            out.append('.SH "%s"' % title.upper() if ln.startswith("## ") else '.SS "%s"' % title)
        elif ln.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i])
                i += 1
            out.extend(table(rows))
            continue
        elif re.match(r"^\s*- ", ln):
            flush()
            item = [re.sub(r"^\s*- ", "", ln)]
            i += 1
            while i < len(lines) and lines[i].startswith("  ") and lines[i].strip():
                item.append(lines[i].strip())
                i += 1
            out.extend([".IP \\(bu 2"] + [line_safe(inline(t)) for t in item])
            continue
        elif not ln.strip():
            flush()
        else:
            para.append(ln.strip())
        i += 1
    flush()
    return "\n".join(out) + "\n"


def main():
    src, dst, name, section, version, description = sys.argv[1:7]
    with open(src, encoding="utf-8") as f:
        md = f.read()
    roff = convert(md, name, section, version, description)
    roff += '.SH "SEE ALSO"\n.BR screener (1)\n' if section != "1" else ""
    with open(dst, "w", encoding="utf-8") as f:
        f.write(roff)


main()
