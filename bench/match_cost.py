#!/usr/bin/env python3
"""What a match costs: instructions per matched byte, counted by callgrind.

usage: bench/match_cost.py --screener build/screener --dict DICT --terms TERMS
                           --corpus CORPUS [--lines 2000] [--seed 1]

Issue 13 asks that span mapping be paid only by the messages that match, and
that its cost per matched byte be reported. This builds three corpora from the
first --lines lines of CORPUS and counts Ir per message inside screener_scan
for each (bench/icount.sh, so the numbers repeat on a loaded machine):

  base     the lines as they are
  control  each line with a filler inserted at a random space or end of it:
           as many characters as a term, of the same script, that match
           nothing (checked: the control must report exactly the base's
           matches, else the script stops)
  matched  the same lines with a term of TERMS (one per line, each checked to
           match alone) at the same position instead of the filler

matched - control is what the matches cost (Hyperscan's callback, the checks,
span mapping, collection, verdict), divided by the matches added and by their
bytes; control - base is what the extra bytes cost when nothing matches.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from cli_scan import scan  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def icount(screener, db, corpus):
    out = subprocess.run([os.path.join(HERE, "icount.sh"), screener, db, corpus],
                         check=True, capture_output=True, text=True).stdout
    kv = dict(x.split("=") for x in out.split())
    return int(kv["ir_per_message"])


def filler_for(term, rng):
    """Characters of the term's script that are no term: Han -> 丨 repeated
    is risky (a stroke), so use 甲乙丙 cycled; Latin -> 'q' + 'x'..."""
    han = sum(1 for ch in term if ord(ch) >= 0x2E80)
    if han:
        pool = "甲乙丙"
        return "".join(pool[i % 3] for i in range(len(term)))
    return "".join("qx"[i % 2] for i in range(len(term)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--screener", default="build/screener")
    ap.add_argument("--dict", required=True)
    ap.add_argument("--terms", required=True, help="terms to insert, one per line")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for p in (a.dict, a.terms, a.corpus):
        if not os.path.exists(p):
            print(f"match_cost: {p} not found; nothing measured")
            return 0
    rng = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "db.scdb")
        # lenient: a lexicon line that folds to nothing (an emoji) is skipped
        # and reported rather than stopping the measurement
        comp = subprocess.run([a.screener, "compile", "--lenient", "--dict", a.dict, "-o", db],
                              capture_output=True, text=True)
        if comp.returncode != 0:
            raise SystemExit(f"match_cost: compile failed: {comp.stderr.strip()}")
        if comp.stderr.strip():
            print(comp.stderr.strip(), file=sys.stderr)
        dbargs = ["--db", db]
        with open(a.terms, encoding="utf-8") as f:
            cand = [t.strip() for t in f if t.strip() and not t.startswith("#")]
        cand = [t for t in cand if "\t" not in t and " " not in t][:4000]
        alone = scan(a.screener, dbargs, cand)
        terms = [t for t, r in zip(cand, alone) if r["matches"]]
        if not terms:
            raise SystemExit("match_cost: no term of --terms matches alone")
        with open(a.corpus, encoding="utf-8", errors="replace") as f:
            lines = [x.rstrip("\n").replace("\r", " ") for x in f][: a.lines]
        base, control, matched, term_bytes = [], [], [], []
        for line in lines:
            t = rng.choice(terms)
            # at a space or an end, so the insertion splits no word (and no
            # term) of the line
            k = rng.choice([0, len(line)] + [i for i, ch in enumerate(line) if ch.isspace()])
            base.append(line)
            control.append(line[:k] + " " + filler_for(t, rng) + " " + line[k:])
            matched.append(line[:k] + " " + t + " " + line[k:])
            term_bytes.append(len(t.encode()))
        rb, rc = (scan(a.screener, dbargs, x) for x in (base, control))
        # a line whose matches the filler changed (it split a spaced-out
        # word, or joined one) is left out of all three corpora
        keep = [i for i in range(len(lines))
                if [m["term"] for m in rb[i]["matches"]] == [m["term"] for m in rc[i]["matches"]]]
        dropped = len(lines) - len(keep)
        if dropped > len(lines) // 20:
            raise SystemExit(f"match_cost: the filler changed the matches of {dropped} lines")
        base, control, matched = ([x[i] for i in keep] for x in (base, control, matched))
        added_bytes = sum(term_bytes[i] for i in keep)
        rc = [rc[i] for i in keep]
        rm = scan(a.screener, dbargs, matched)
        nc = sum(len(r["matches"]) for r in rc)
        nm = sum(len(r["matches"]) for r in rm)
        files = {}
        for name, rows in (("base", base), ("control", control), ("matched", matched)):
            files[name] = os.path.join(tmp, name + ".txt")
            with open(files[name], "w", encoding="utf-8") as f:
                f.write("\n".join(rows) + "\n")
        ir = {n: icount(a.screener, db, p) for n, p in files.items()}
    added = nm - nc
    extra = (ir["matched"] - ir["control"]) * len(keep)
    print(json.dumps({"corpus": os.path.basename(a.corpus), "dict": os.path.basename(a.dict),
                      "lines": len(keep), "lines_left_out": dropped, "ir_per_msg": ir, "matches_added": added,
                      "ir_per_match": round(extra / added) if added else None,
                      "ir_per_matched_byte": round(extra / added_bytes, 1),
                      "ir_per_msg_for_filler": ir["control"] - ir["base"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
