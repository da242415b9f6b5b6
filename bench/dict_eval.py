#!/usr/bin/env python3
"""Measure the built-in dictionaries on labelled and unlabelled real text.

usage: bench/dict_eval.py [--screener build/screener] [--db DB | --dict FILE ...]
                          [--corpora ../shared/corpora] [--before DB] [--show-new N]

- COLD held-out part (tools/cold_split.py: md5(text) % 5 == 0, ~20%, never used
  to mine terms): recall, precision and F1 of "flagged" = some match in abuse,
  porn or politics_religion (the definition of issue 15), overall and per topic.
- Flag rates on the unlabelled corpora: share of lines with any match in those
  three categories, and share with a verdict of severity >= 2 (any category).
  The COLD numbers are also given for matches of severity >= 2 only.
- --before DB: the same numbers for another database, and (--show-new N) up to N
  lines of each corpus flagged only by the second one, with the terms, for
  reading.

The corpora are not in the repository (../shared/corpora/README.md): when they
are absent this prints a message and exits 0. Needs only the CLI.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import cold_split  # noqa: E402
from cli_scan import scan  # noqa: E402

FLAG_CATS = {"abuse", "porn", "politics_religion"}
CORPORA = [("tweets_en_davidson.txt", "English tweets"),
           ("chat_zh_lccc.txt", "Chinese chat"),
           ("weibo_zh_swsr.txt", "Weibo comments")]


def flagged(rec):
    return bool(FLAG_CATS & set(rec["categories"]))


def prf(labels, preds):
    tp = sum(1 for y, p in zip(labels, preds) if y and p)
    fp = sum(1 for y, p in zip(labels, preds) if not y and p)
    fn = sum(1 for y, p in zip(labels, preds) if y and not p)
    r = tp / (tp + fn) if tp + fn else 0.0
    p = tp / (tp + fp) if tp + fp else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return r, p, f, tp, fp, fn


def measure(screener, dbargs, corpora, held):
    res = {}
    recs = scan(screener, dbargs, [t for _, _, t in held])
    labels = [y for y, _, _ in held]
    preds = [flagged(r) for r in recs]
    res["cold_held"] = prf(labels, preds)
    # the same, counting only matches that mask or block without a human
    res["cold_held_sev2"] = prf(labels, [any(m["category"] in FLAG_CATS and m["severity"] >= 2
                                             for m in r["matches"]) for r in recs])
    for topic in sorted({t for _, t, _ in held}):
        idx = [i for i, (_, t, _) in enumerate(held) if t == topic]
        res["cold_held_" + topic] = prf([labels[i] for i in idx], [preds[i] for i in idx])
    res["_cold_recs"] = recs
    for name, _ in CORPORA:
        path = os.path.join(corpora, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        recs = scan(screener, dbargs, lines)
        res[name] = (sum(map(flagged, recs)) / len(recs),
                     sum(1 for r in recs if r["severity"] >= 2) / len(recs), len(recs))
        res["_recs_" + name] = (lines, recs)
    return res


def report(title, res):
    print(f"### {title}\n")
    print("| data | recall | precision | F1 | tp | fp | fn |\n|---|---|---|---|---|---|---|")
    for k in sorted(k for k in res if k.startswith("cold_held")):
        r, p, f, tp, fp, fn = res[k]
        name = k[len('cold_held_'):] or 'all'
        name = "all, severity >= 2 only" if name == "sev2" else name
        print(f"| COLD {name} held-out | {r:.3f} | {p:.3f} | {f:.3f} "
              f"| {tp} | {fp} | {fn} |")
    print("\n| corpus | lines | flagged (abuse/porn/politics_religion) | severity >= 2 |\n|---|---|---|---|")
    for name, _ in CORPORA:
        if name in res:
            a, b, n = res[name]
            print(f"| {name} | {n} | {100 * a:.2f}% | {100 * b:.2f}% |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--screener", default="build/screener")
    ap.add_argument("--db")
    ap.add_argument("--dict", action="append", default=[])
    ap.add_argument("--before", help="database to compare with")
    ap.add_argument("--show-new", type=int, default=0)
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..", "shared", "corpora"))
    a = ap.parse_args()
    cold = os.path.join(a.corpora, "cold_train_zh.tsv")
    if not os.path.exists(cold):
        print(f"dict_eval: skipped, no labelled corpus at {cold} (see ../shared/corpora/README.md)")
        return 0
    _, held = cold_split.split(cold)
    print(f"COLD held-out part: {len(held)} posts, {sum(y for y, _, _ in held)} offensive "
          "(tools/cold_split.py: md5(text) % 5 == 0)\n")
    dbargs = ["--db", a.db] if a.db else [x for d in a.dict for x in ("--dict", d)]
    before = None
    if a.before:
        before = measure(a.screener, ["--db", a.before], a.corpora, held)
        report(f"before: {a.before}", before)
    after = measure(a.screener, dbargs, a.corpora, held)
    report("after: " + (a.db or " ".join(a.dict) or "built-in"), after)
    if before and a.show_new:
        for name, _ in CORPORA:
            if "_recs_" + name not in after:
                continue
            lines, recs = after["_recs_" + name]
            _, old = before["_recs_" + name]
            new = [i for i in range(len(recs)) if flagged(recs[i]) and not flagged(old[i])]
            print(f"#### {name}: {len(new)} lines flagged only after\n")
            for i in new[:a.show_new]:
                terms = sorted({m["term"] for m in recs[i]["matches"]})
                print(f"- {', '.join(terms)}: {lines[i][:140]}")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
