#!/usr/bin/env python3
"""Candidate Chinese abuse terms from the derive part of COLD (reproducible).

usage: tools/mine_cold_terms.py [--corpora ../shared/corpora] [--top 300] > candidates.tsv

Method (documented in docs/dictionary-review.md, "Chinese vocabulary from COLD"):
 1. Posts: the derive part of cold_train_zh.tsv (tools/cold_split.py; the held-out
    part is never read here). Each post is reduced to its Han characters and
    ASCII letters/digits (lowercased); every other character splits it.
 2. Candidates: character n-grams, n = 2..4, counted once per post, separately
    in offensive (label 1) and non-offensive (label 0) posts.
 3. Score: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi
    and Quinn 2008), prior = the n-gram's count over both classes, z-scored.
 4. Filters: in >= 6 offensive posts; share of offensive posts >= 0.85; in at most
    1 line of ordinary chat (chat_zh_lccc.txt, 24,000 lines) — the false-alarm
    corpus; not contained in a higher-scoring candidate with the same offensive
    count (keeps the shortest informative form); not already in dictionaries/.
 5. Output, best first: term, z, offensive posts, non-offensive posts, chat lines,
    Weibo (weibo_zh_swsr.txt) lines, topics.

Choosing which candidates become entries is a human step (a term must be
offensive out of context, not merely frequent in offensive posts): the chosen
ones are in dictionaries/abuse.txt under "mined from COLD", each with its counts.
"""
import argparse
import collections
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cold_split  # noqa: E402

SPLIT = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")


def chunks(text):
    return [c for c in SPLIT.split(text.lower()) if c]


def ngrams(text, lo=2, hi=4):
    out = set()
    for c in chunks(text):
        for n in range(lo, hi + 1):
            for i in range(len(c) - n + 1):
                g = c[i:i + n]
                if re.search(r"[\u4e00-\u9fff]", g):
                    out.add(g)
    return out


def dictionary_terms(root):
    terms = set()
    d = os.path.join(root, "dictionaries")
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f), encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if line and not line.startswith(("#", "@")):
                    terms.add(line.split("\t")[0].strip().lower())
    return terms


def lines_containing(path, terms):
    """term -> number of lines of path containing it (folded like the posts)."""
    counts = collections.Counter()
    if not os.path.exists(path):
        return counts
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            joined = " ".join(chunks(line))
            for t in terms:
                if t in joined:
                    counts[t] += 1
    return counts


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=os.path.join(here, "..", "..", "shared", "corpora"))
    ap.add_argument("--top", type=int, default=300)
    ap.add_argument("--min-pos", type=int, default=6)
    ap.add_argument("--min-share", type=float, default=0.85)
    a = ap.parse_args()
    cold = os.path.join(a.corpora, "cold_train_zh.tsv")
    if not os.path.exists(cold):
        print(f"mine_cold_terms: no corpus at {cold}", file=sys.stderr)
        return 1
    derive, _ = cold_split.split(cold)
    pos, neg = collections.Counter(), collections.Counter()
    topics = collections.defaultdict(collections.Counter)
    for label, topic, text in derive:
        g = ngrams(text)
        (pos if label else neg).update(g)
        if label:
            for x in g:
                topics[x][topic] += 1
    n_pos = sum(pos.values())
    n_neg = sum(neg.values())
    alpha0 = 1000.0
    total = n_pos + n_neg
    scored = []
    for g, p in pos.items():
        q = neg.get(g, 0)
        if p < a.min_pos or p / (p + q) < a.min_share:
            continue
        prior = alpha0 * (p + q) / total
        l1 = math.log((p + prior) / (n_pos + alpha0 - p - prior))
        l2 = math.log((q + prior) / (n_neg + alpha0 - q - prior))
        var = 1 / (p + prior) + 1 / (q + prior)
        scored.append(((l1 - l2) / math.sqrt(var), g, p, q))
    scored.sort(key=lambda x: (-x[0], x[1]))
    known = dictionary_terms(os.path.join(here, ".."))
    cand = [s for s in scored if s[1] not in known]
    chat = lines_containing(os.path.join(a.corpora, "chat_zh_lccc.txt"), {s[1] for s in cand})
    kept = []
    for z, g, p, q in cand:
        if chat[g] > 1:
            continue
        if any(g in k[1] and k[2] == p for k in kept):
            continue
        kept.append((z, g, p, q))
        if len(kept) >= a.top:
            break
    weibo = lines_containing(os.path.join(a.corpora, "weibo_zh_swsr.txt"), {k[1] for k in kept})
    print("term\tz\toffensive\tnot_offensive\tchat_lines\tweibo_lines\ttopics")
    for z, g, p, q in kept:
        t = ",".join(f"{k}:{v}" for k, v in topics[g].most_common())
        print(f"{g}\t{z:.2f}\t{p}\t{q}\t{chat[g]}\t{weibo[g]}\t{t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
