#!/usr/bin/env python3
"""pyahocorasick baseline: one automaton.iter() per message, no normalization.

Same JSON shape as screener_bench's per-message result. Strings are matched as
Python str (code points), so offsets are in characters, not bytes; the time
includes decoding each line from UTF-8 once up front (not timed) only.
"""
import argparse, json, statistics, time, resource

import ahocorasick

ap = argparse.ArgumentParser()
ap.add_argument("--corpus", required=True)
ap.add_argument("--corpus-name")
ap.add_argument("--dict", required=True)
ap.add_argument("--dict-name")
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--out", required=True)
a = ap.parse_args()

with open(a.dict, encoding="utf-8", errors="surrogateescape") as f:
    terms = [t for t in f.read().split("\n") if t]
raw = open(a.corpus, "rb").read()
msgs = [m.rstrip(b"\r") for m in raw.split(b"\n")]
msgs = [m for m in msgs if m]
nbytes = sum(len(m) for m in msgs)
texts = [m.decode("utf-8", errors="surrogateescape") for m in msgs]

t0 = time.perf_counter()
A = ahocorasick.Automaton()
for i, t in enumerate(terms):
    A.add_word(t, i)
A.make_automaton()
build = time.perf_counter() - t0

times, matches = [], 0
for _ in range(a.reps):
    t0 = time.perf_counter()
    c = 0
    it = A.iter
    for s in texts:
        for _m in it(s):
            c += 1
    times.append(time.perf_counter() - t0)
    matches = c
s = statistics.median(times)
res = {
    "engine": "pyahocorasick", "corpus": a.corpus_name or a.corpus, "dict": a.dict_name or a.dict,
    "corpus_bytes": len(raw), "messages": len(msgs), "message_bytes": nbytes,
    "dict_terms": len(terms), "reps": a.reps, "compile_s": build,
    "permsg": {"s": s, "mbps": nbytes / s / 1e6, "msgs_per_s": len(msgs) / s,
               "ns_per_msg": s * 1e9 / len(msgs), "matches": matches},
    "rss_kb": {"peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss},
}
with open(a.out, "w") as f:
    json.dump(res, f)
