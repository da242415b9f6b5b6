#!/usr/bin/env python3
"""Severity review of a database: which severity >= 2 entries fire on real text.

usage: bench/severity_review.py [--screener build/screener] [--db DB | --dict FILE ...]
                                [--corpora ../shared/corpora] [--before DB]
                                [--samples N] [--entry TERM ...] [--min-sev 2]

Severity >= 2 means mask or block without a human (the default policy), so it
should be reserved for terms that are offensive in almost every use. This scans
every line of each real corpus in ../shared/corpora with the CLI and prints:

- per corpus, the share of lines whose verdict has severity >= 2, overall and
  per category (and the same for --before DB, to compare);
- per entry with severity >= 2 that fires anywhere: the lines it fires on in
  each corpus, and on the labelled COLD derive part (tools/cold_split.py; the
  held-out part is never read here) how many of those posts are labelled
  offensive / not offensive. Generated forms are counted under their base entry
  (`inflection of fuck` -> fuck) and listed after it;
- with --samples N, up to N hits per entry and corpus (fixed seed), the matched
  text in [brackets], for reading; --entry restricts the list to some terms.

The corpora are not in the repository (../shared/corpora/README.md): when they
are absent this prints a message and exits 0. Needs only the CLI.
"""
import argparse
import collections
import os
import random
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import cold_split  # noqa: E402
from cli_scan import scan  # noqa: E402

CORPORA = ["chat_zh_lccc.txt", "weibo_zh_swsr.txt", "tweets_en_davidson.txt"]
COLD = "cold_derive"
REASON_BASE = re.compile(r"^[a-z -]+? of (.+?)(?:: .*)?$")


def base_term(m):
    """The written entry a match comes from (generated forms name their base)."""
    r = REASON_BASE.match(m.get("reason", ""))
    return r.group(1) if r else m["term"]


def load(corpora):
    """{corpus: (lines, labels or None)}; COLD is its derive part only."""
    data = {}
    for name in CORPORA:
        path = os.path.join(corpora, name)
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                data[name] = (f.read().splitlines(), None)
    cold = os.path.join(corpora, "cold_train_zh.tsv")
    if os.path.exists(cold):
        derive, _ = cold_split.split(cold)
        data[COLD] = ([t for _, _, t in derive], [y for y, _, _ in derive])
    return data


def measure(screener, dbargs, data, min_sev):
    """Per corpus: records, and per entry (category, base term, severity) the
    indices of the lines it fires on at min_sev or more."""
    res = {}
    for name, (lines, _) in data.items():
        recs = scan(screener, dbargs, lines)
        hits = collections.defaultdict(list)
        forms = collections.defaultdict(set)
        for i, r in enumerate(recs):
            seen = set()
            for m in r["matches"]:
                if m["severity"] < min_sev:
                    continue
                key = (m["category"], base_term(m), m["severity"])
                if m["term"] != key[1]:
                    forms[key].add(m["term"])
                if key not in seen:
                    seen.add(key)
                    hits[key].append((i, m["start"], m["end"]))
        res[name] = (recs, hits, forms)
    return res


def rates(recs, min_sev):
    n = len(recs)
    total = sum(1 for r in recs if r["severity"] >= min_sev)
    per_cat = collections.Counter()
    for r in recs:
        for c in {m["category"] for m in r["matches"] if m["severity"] >= min_sev}:
            per_cat[c] += 1
    return n, total, per_cat


def report_rates(title, res, min_sev):
    print(f"### {title}: lines with a verdict of severity >= {min_sev}\n")
    cats = sorted({c for recs, _, _ in res.values() for c in rates(recs, min_sev)[2]})
    print("| corpus | lines | severity >= %d | %s |" % (min_sev, " | ".join(cats)))
    print("|---|---|---|" + "---|" * len(cats))
    for name, (recs, _, _) in res.items():
        n, total, per = rates(recs, min_sev)
        cells = " | ".join(f"{per[c]} ({100 * per[c] / n:.3f}%)" if per[c] else "0"
                           for c in cats)
        print(f"| {name} | {n} | {total} ({100 * total / n:.3f}%) | {cells} |")
    print()


def report_entries(res, data, only):
    keys = sorted({k for _, hits, _ in res.values() for k in hits},
                  key=lambda k: (k[0], -sum(len(res[c][1].get(k, ())) for c in res), k[1]))
    names = list(res)
    print("### Entries of severity >= 2 that fire\n")
    cold_hdr = " | COLD derive off / not" if COLD in res else ""
    print("| category | sev | entry | " + " | ".join(n for n in names if n != COLD)
          + cold_hdr + " | generated forms seen |")
    print("|---|---|---|" + "---|" * (len([n for n in names if n != COLD]) + (COLD in res) + 1))
    for k in keys:
        if only and k[1] not in only:
            continue
        cells = [str(len(res[n][1].get(k, ()))) for n in names if n != COLD]
        if COLD in res:
            labels = data[COLD][1]
            h = res[COLD][1].get(k, ())
            off = sum(1 for i, _, _ in h if labels[i])
            cells.append(f"{off} / {len(h) - off}")
        forms = sorted(set().union(*(res[n][2].get(k, set()) for n in names)))
        print(f"| {k[0]} | {k[2]} | {k[1]} | " + " | ".join(cells) + " | "
              + ", ".join(forms[:8]) + (" …" if len(forms) > 8 else "") + " |")
    print()
    return keys


def report_samples(res, data, keys, n, only):
    rng = random.Random(15)
    print(f"### Samples (up to {n} per entry and corpus; COLD label in front)\n")
    for k in keys:
        if only and k[1] not in only:
            continue
        print(f"#### {k[0]} {k[2]} `{k[1]}`\n")
        for name in res:
            h = res[name][1].get(k, [])
            if not h:
                continue
            lines, labels = data[name]
            pick = sorted(rng.sample(h, min(n, len(h))))
            for i, s, e in pick:
                b = lines[i].encode("utf-8")
                lo = max(0, s - 90)
                ctx = (b[lo:s].decode("utf-8", "replace") + "[" + b[s:e].decode("utf-8", "replace")
                       + "]" + b[e:e + 90].decode("utf-8", "replace"))
                lab = f"{labels[i]} " if labels else ""
                print(f"- {name} {lab}{ctx}")
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--screener", default="build/screener")
    ap.add_argument("--db")
    ap.add_argument("--dict", action="append", default=[])
    ap.add_argument("--before", help="database to compare the rates with")
    ap.add_argument("--samples", type=int, default=0)
    ap.add_argument("--entry", action="append", default=[])
    ap.add_argument("--min-sev", type=int, default=2)
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..", "shared", "corpora"))
    a = ap.parse_args()
    data = load(a.corpora)
    if not data:
        print(f"severity_review: skipped, no corpora at {a.corpora} "
              "(see ../shared/corpora/README.md)")
        return 0
    dbargs = ["--db", a.db] if a.db else [x for d in a.dict for x in ("--dict", d)]
    if a.before:
        report_rates(f"before: {a.before}", measure(a.screener, ["--db", a.before], data,
                                                    a.min_sev), a.min_sev)
    res = measure(a.screener, dbargs, data, a.min_sev)
    report_rates("after: " + (a.db or " ".join(a.dict) or "built-in"), res, a.min_sev)
    keys = report_entries(res, data, set(a.entry))
    if a.samples:
        report_samples(res, data, keys, a.samples, set(a.entry))
    return 0


if __name__ == "__main__":
    sys.exit(main())
