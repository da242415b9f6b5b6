"""Scan a list of texts with the screener CLI and get one jsonl record each.

Shared by the bench scripts that measure dictionaries on real corpora
(bench/dict_eval.py, bench/severity_review.py).
"""
import json
import os
import subprocess
import tempfile


def scan(screener, dbargs, lines):
    """One jsonl record per line, in order. Newlines and carriage returns
    inside a text become spaces (the CLI reads one message per line)."""
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        for t in lines:
            f.write(t.replace("\n", " ").replace("\r", " ") + "\n")
        path = f.name
    try:
        out = subprocess.run([screener, "scan", *dbargs, "--format", "jsonl", path],
                             check=False, capture_output=True, text=True)
        if out.returncode not in (0, 1):
            raise SystemExit(f"screener scan failed ({out.returncode}): {out.stderr}")
        recs = [json.loads(x) for x in out.stdout.splitlines() if x.strip()]
    finally:
        os.unlink(path)
    if len(recs) != len(lines):
        raise SystemExit(f"expected {len(lines)} records, got {len(recs)}")
    return recs
