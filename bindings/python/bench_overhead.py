#!/usr/bin/env python3
"""Per-call overhead of the Python binding, measured against the C API in the same run.

For each message kind, times (median of --reps repetitions):
  C       n screener_scan() calls in a C loop (screener._screener._c_loop_scan)
  Python  n db.scan() calls from a Python loop (loop, argument handling, GIL
          release, Result/Match objects included)
and for a batch of --batch messages:
  C       one screener_scan_batch() call (_c_loop_scan_batch)
  Python  one db.scan_batch() call
and prints the added microseconds per message (Python - C).

Usage: python bench_overhead.py [--dict FILE ...] [-n 5000] [--reps 11] [--batch 1000]
Targets: <= 2 us added per message (single), <= 0.3 us per message (batch).
"""

import argparse
import statistics
import sys
import time

import screener
from screener import _screener

# Thread CPU time by default: on a shared machine, wall time also counts the
# time this process waits for a core. --wall switches both sides to wall time.
CLOCK = 1
NOW = time.thread_time_ns

# ~100-byte messages (UTF-8), the shape of chat traffic.
CLEAN_ZH = "今天天气不错，我们一起去吃饭吧，晚上七点在老地方见面，记得带伞哦"  # 93 bytes
CLEAN_EN = "hey everyone, the meeting moved to 3pm tomorrow; please bring the slides and coffee!!"
HIT_ZH = "今天聊点别的：ｓｅｘ 法 輪 功 这些词会被拦截，其他内容正常通过，谢谢"  # 2 matches

INLINE_DICT = "法轮功\nfuck\nsex\tseverity=4\n" + "".join(
    "词%04d号\n" % i for i in range(2000)) + "".join("badword%04d\n" % i for i in range(2000))


def paired(c, py, reps, per):
    """Run C and Python alternately, rep by rep, so that both see the same machine
    load; return medians of C, Python and of the per-rep difference, plus the
    difference of the minima (the quiet-machine estimate), all in ns per message."""
    tcs, tps = [], []
    for _ in range(reps):
        tcs.append(c() / per)
        tps.append(py() / per)
    diffs = [p - q for p, q in zip(tps, tcs)]
    return (statistics.median(tcs), statistics.median(tps), statistics.median(diffs),
            min(tps) - min(tcs))


def bench_single(db, msg, n, reps, read_matches=False):
    data = msg.encode() if isinstance(msg, str) else msg
    scan = db.scan
    _c_loop_scan = _screener._c_loop_scan
    rng = range(n)

    def py():
        t0 = NOW()
        if read_matches:
            for _ in rng:
                scan(msg).matches
        else:
            for _ in rng:
                scan(msg)
        return NOW() - t0

    def c():
        return _c_loop_scan(db, data, n, CLOCK)

    py(), c()  # warm up (scratch sizing, term cache)
    return paired(c, py, reps, n)


def bench_batch(db, msgs, reps, read_matches=False):
    datas = [m.encode() if isinstance(m, str) else m for m in msgs]

    def py():
        t0 = NOW()
        if read_matches:
            for r in db.scan_batch(msgs):
                r.matches
        else:
            db.scan_batch(msgs)
        return NOW() - t0

    def c():
        return _screener._c_loop_scan_batch(db, datas, 1, CLOCK)

    py(), c()
    return paired(c, py, reps * 3, len(msgs))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dict", action="append", default=[], help="dictionary file(s)")
    ap.add_argument("-n", type=int, default=5000, help="calls per repetition (single)")
    ap.add_argument("--reps", type=int, default=11)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--wall", action="store_true", help="wall time instead of thread CPU time")
    args = ap.parse_args(argv)
    global CLOCK, NOW
    if args.wall:
        CLOCK, NOW = 0, time.perf_counter_ns

    t0 = time.perf_counter()
    if args.dict:
        db = screener.compile(paths=args.dict)
    else:
        db = screener.compile(texts={"bench": INLINE_DICT})
    print("screener %s, %d entries, compiled in %.2f s; medians of %d paired reps "
          "(single: %d calls each; batch: %d reps); %s time"
          % (screener.library_version, len(db), time.perf_counter() - t0, args.reps, args.n,
             args.reps * 3, "wall" if args.wall else "thread CPU"))

    kinds = [
        ("bytes, zh, clean", CLEAN_ZH.encode()),
        ("str ascii, clean", CLEAN_EN),
        ("str zh, clean", CLEAN_ZH),
        ("bytes, zh, 2 matches", HIT_ZH.encode()),
        ("str zh, 2 matches", HIT_ZH),
    ]
    hdr = "%-34s %5s %8s %9s %10s %10s"
    row = "  %-32s %5s %8.0f %9.0f %10.3f %10.3f"
    worst_single = worst_batch = 0.0
    print("\nsingle scan(), per message")
    print(hdr % ("", "bytes", "C ns", "Python ns", "added us", "(best-of)"))
    for name, msg in kinds:
        size = len(msg.encode() if isinstance(msg, str) else msg)
        tc, tp, d, dmin = bench_single(db, msg, args.n, args.reps)
        worst_single = max(worst_single, d / 1000)
        print(row % (name, size, tc, tp, d / 1000, dmin / 1000))
    for name, msg in kinds[3:]:
        size = len(msg.encode() if isinstance(msg, str) else msg)
        tc, tp, d, dmin = bench_single(db, msg, args.n, args.reps, read_matches=True)
        worst_single = max(worst_single, d / 1000)
        print(row % (name + ", .matches", size, tc, tp, d / 1000, dmin / 1000))

    print("\nscan_batch() of %d, per message" % args.batch)
    print(hdr % ("", "", "C ns", "Python ns", "added us", "(best-of)"))
    mixed = ([CLEAN_ZH.encode(), CLEAN_EN, CLEAN_ZH, HIT_ZH] * args.batch)[: args.batch]
    for name, msgs in [(k, [m] * args.batch) for k, m in kinds] + [
            ("mixed, 1/4 with matches", mixed)]:
        tc, tp, d, dmin = bench_batch(db, msgs, args.reps)
        worst_batch = max(worst_batch, d / 1000)
        print(row % (name, "", tc, tp, d / 1000, dmin / 1000))
    print("  with every result's .matches read (Match objects made):")
    for name, msgs in [(k, [m] * args.batch) for k, m in kinds[3:]] + [
            ("mixed, 1/4 with matches", mixed)]:
        tc, tp, d, dmin = bench_batch(db, msgs, args.reps, read_matches=True)
        print(row % (name, "", tc, tp, d / 1000, dmin / 1000))

    ok = worst_single <= 2.0 and worst_batch <= 0.3
    print("\nworst median added: single %.3f us (target <= 2), batch verdicts %.3f us "
          "(target <= 0.3): %s" % (worst_single, worst_batch, "OK" if ok else "ABOVE TARGET"))
    print("(reading .matches adds the Match objects, ~0.1 us per match: see README.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
