#!/usr/bin/env python3
"""Line-buffered output in a pipeline: a result must reach the reader while
the writer still holds standard input open (not at end of input).

usage: linebuf.py SCREENER DICT
Checks: (1) stdin and stdout pipes: line-buffered by default; (2) stdout a
regular file, --line-buffered: the line is in the file before stdin closes;
(3) the same without the flag: also written before stdin closes (stdout is
flushed before a read that would wait). Prints ok/FAIL lines; exit 1 on a failure.
"""
import os
import select
import subprocess
import sys
import tempfile
import time

BIN, DICT = sys.argv[1], sys.argv[2]
DEADLINE = 30.0  # seconds to wait for a line that must come (a hang guard, not a speed test)
fail = 0


def report(ok, name, detail=""):
    global fail
    print(("ok   - " if ok else "FAIL - ") + name + ("" if ok else ": " + detail))
    fail |= not ok


def pipes_default():
    p = subprocess.Popen([BIN, "scan", "--dict", DICT], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
    p.stdin.write("ＦＵＣＫ\n".encode())
    p.stdin.flush()
    ready, _, _ = select.select([p.stdout], [], [], DEADLINE)
    line = p.stdout.readline() if ready else b""
    p.stdin.close()
    rest = p.stdout.read()
    p.wait()
    report(b'"action":"block"' in line and rest == b"" and p.returncode == 0,
           "pipe in, pipe out: the verdict arrives while input is still open",
           repr(line) + repr(rest))


def file_out(flag):
    with tempfile.NamedTemporaryFile() as out:
        p = subprocess.Popen([BIN, "scan", "--dict", DICT] + flag, stdin=subprocess.PIPE,
                             stdout=out)
        p.stdin.write("ＦＵＣＫ\n".encode())
        p.stdin.flush()
        size = 0
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end and size == 0:
            time.sleep(0.05)
            size = os.path.getsize(out.name)
        p.stdin.close()
        p.wait()
        return size, os.path.getsize(out.name)


pipes_default()
early, final = file_out(["--line-buffered"])
report(early > 0 and early == final, "--line-buffered to a file: written before input ends",
       "early %d, final %d" % (early, final))
early, final = file_out([])
report(early > 0 and early == final,
       "to a file without --line-buffered: flushed before waiting for input",
       "early %d, final %d" % (early, final))
sys.exit(fail)
