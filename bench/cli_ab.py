#!/usr/bin/env python3
"""The CLI's whole process, several builds compared on one machine.

usage: cli_ab.py N DB INPUT BIN [BIN ...]

Runs `BIN scan --db DB --format summary INPUT` for every BIN in turn, N rounds
(order reversed every other round, one warm-up each), stdout to /dev/null, and
prints per BIN the median wall ms, the median user+sys CPU ms of the process
(wait4) and the median of its per-round ratios to the last BIN (the baseline).
On a busy machine quote CPU: wall then includes waiting for a core. An empty
INPUT measures the floor (process start + database load).
"""
import os, sys, time, statistics
n, db, inp, bins = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
null = os.open(os.devnull, os.O_WRONLY)
res = {b: [] for b in bins}
def run(b):
    t0 = time.perf_counter()
    pid = os.posix_spawn(b, [b, "scan", "--db", db, "--format", "summary", inp], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, null, 1)])
    _, st, ru = os.wait4(pid, 0)
    t1 = time.perf_counter()
    assert os.waitstatus_to_exitcode(st) in (0, 1), b
    return (t1 - t0) * 1e3, (ru.ru_utime + ru.ru_stime) * 1e3
for b in bins: run(b)  # warm-up
for i in range(n):
    for b in (bins if i % 2 == 0 else bins[::-1]):
        res[b].append(run(b))
ref = res[bins[-1]]
for b in bins:
    w = [x[0] for x in res[b]]; c = [x[1] for x in res[b]]
    rw = statistics.median(x[0] / y[0] for x, y in zip(res[b], ref))
    rc = statistics.median(x[1] / y[1] for x, y in zip(res[b], ref))
    print(f"{b:40s} wall {statistics.median(w):7.2f} ms (min {min(w):6.2f})  cpu {statistics.median(c):7.2f} ms  ratio to last: wall {rw:.3f} cpu {rc:.3f}")
