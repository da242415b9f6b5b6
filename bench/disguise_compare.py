#!/usr/bin/env python3
"""Score screener CLIs on the generated disguise cases (tests/eval/disguise_eval.c).

usage: disguise_compare.py CASES_DIR NAME=CLI [NAME=CLI ...]

CASES_DIR holds dict.txt and cases.tsv written by `disguise_eval --dump`.
Each CLI scans every case text (one per line, JSONL output) with dict.txt;
a positive case counts as found when its term is reported at exactly the
expected byte span, a negative case counts as a false alarm when its term is
reported at all. Prints one row per class and one column per CLI.
"""
import json
import subprocess
import sys


def load(cases_dir):
    rows = []
    with open(cases_dir + "/cases.tsv", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                sys.exit("%s/cases.tsv:%d: expected 6 fields" % (cases_dir, lineno))
            cls, neg, start, end, term, text = parts
            rows.append((cls, neg == "1", int(start), int(end), term, text))
    return rows


def score(cli, cases_dir, rows):
    data = "".join(r[5] + "\n" for r in rows).encode("utf-8")
    out = subprocess.run([cli, "scan", "--dict", cases_dir + "/dict.txt", "--format", "jsonl"],
                         input=data, stdout=subprocess.PIPE, check=True).stdout
    lines = out.decode("utf-8").splitlines()
    if len(lines) != len(rows):
        sys.exit("%s: %d results for %d cases" % (cli, len(lines), len(rows)))
    tally = {}
    for r, line in zip(rows, lines):
        cls, neg, start, end, term, _ = r
        ms = [m for m in json.loads(line)["matches"] if m["term"] == term]
        hit = bool(ms) if neg else any(m["start"] == start and m["end"] == end for m in ms)
        n, k = tally.get(cls, (0, 0))
        tally[cls] = (n + 1, k + hit)
    return tally


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cases_dir = sys.argv[1]
    rows = load(cases_dir)
    clis = [a.split("=", 1) for a in sys.argv[2:]]
    results = [score(cli, cases_dir, rows) for _, cli in clis]
    classes = []
    for r in rows:
        if r[0] not in classes:
            classes.append(r[0])
    neg = {r[0] for r in rows if r[1]}
    print("| class | terms | " + " | ".join(name for name, _ in clis) + " |")
    print("|---|---|" + "---|" * len(clis))
    for cls in classes:
        cells = []
        for t in results:
            n, k = t[cls]
            cells.append("%d false" % k if cls in neg else "%.3f" % (k / n))
        print("| %s | %d | %s |" % (cls, results[0][cls][0], " | ".join(cells)))


if __name__ == "__main__":
    main()
