#!/usr/bin/env python3
"""The CLI scans the lines of a file in batches (screener_scan_batch): every
result must still belong to its own line, in order, with its own numbering
and file name, across batch boundaries (256 lines, 256 KiB) and around lines
long enough to be scanned alone (over 16 KiB).

usage: batched.py SCREENER DICT
Each line i holds a term ("fuck") or not, at an offset that depends on i;
the JSONL must report exactly the lines and offsets written. Two files are
scanned at once (each result names its file; lines numbered per file).
Prints ok/FAIL lines; exit 1 on a failure.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

BIN, DICT = sys.argv[1], sys.argv[2]
rng = random.Random(7)


def make(n):
    """n lines; returns (lines, {line number: expected start of the term})."""
    lines, want = [], {}
    for i in range(1, n + 1):
        pad = rng.choice([0, 5, 40, 300, 3000, 17000, 40000]) if i % 7 == 0 else rng.randrange(30)
        body = "ok " * (pad // 3)
        if rng.random() < 0.4:
            want[i] = len(body.encode()) + 1
            body += " fuck ok"
        lines.append(body)
    return lines, want


with tempfile.TemporaryDirectory() as tmp:
    files = {}
    for name, n in (("a.txt", 1300), ("b.txt", 700)):
        lines, want = make(n)
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        files[path] = (lines, want)
    out = subprocess.run([BIN, "scan", "--dict", DICT, "--format", "jsonl", *files],
                         capture_output=True, text=True)
    fail = 0
    seen = {p: [] for p in files}
    for rec in map(json.loads, out.stdout.splitlines()):
        lines, want = files[rec["file"]]
        i = rec["line"]
        starts = [m["start"] for m in rec["matches"]]
        expect = [want[i]] if i in want else []
        if starts != expect:
            print(f"FAIL - {rec['file']}:{i}: matches at {starts}, written at {expect}")
            fail = 1
        seen[rec["file"]].append(i)
    for p, (lines, _) in files.items():
        if seen[p] != list(range(1, len(lines) + 1)):
            print(f"FAIL - {os.path.basename(p)}: lines reported out of order or missing")
            fail = 1
    if out.returncode not in (0, 1):
        print(f"FAIL - scan exited {out.returncode}: {out.stderr}")
        fail = 1
    print(("FAIL" if fail else "ok  ") + " - lines scanned in batches keep their own results "
          "(2 files, 2,000 lines, long lines among them)")
    sys.exit(fail)
