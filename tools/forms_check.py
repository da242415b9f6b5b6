#!/usr/bin/env python3
"""List the generated forms of a compiled database and the ones that are
ordinary English words (collisions to switch off per entry with forms=, or
to allow-list).

usage: tools/forms_check.py DB [--lib build/libscreener.so] [--words /usr/share/dict/words]
                            [--list]

The word list is Debian's wamerican package (apt-get install wamerican); it is
a review aid for people editing dictionaries/, not needed to build or test.
Output: one line per generated form that is in the word list:
  FORM<TAB>REASON<TAB>CATEGORY severity N<TAB>SOURCE:LINE
and, with --list, every generated form first.
"""
import argparse
import ctypes
import os
import sys


class EntryInfo(ctypes.Structure):
    _fields_ = [("term", ctypes.c_char_p), ("category", ctypes.c_char_p),
                ("category_id", ctypes.c_uint32), ("severity", ctypes.c_uint),
                ("flags", ctypes.c_uint), ("source", ctypes.c_char_p), ("line", ctypes.c_uint)]


def generated(lib, path):
    lib.screener_db_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                                     ctypes.POINTER(ctypes.c_void_p)]
    lib.screener_db_entry_count.argtypes = [ctypes.c_void_p]
    lib.screener_db_entry_count.restype = ctypes.c_uint32
    lib.screener_db_entry.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(EntryInfo)]
    lib.screener_db_entry_reason.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.screener_db_entry_reason.restype = ctypes.c_char_p
    lib.screener_db_free.argtypes = [ctypes.c_void_p]
    db, err = ctypes.c_void_p(), ctypes.c_void_p()
    if lib.screener_db_load(path.encode(), ctypes.byref(db), ctypes.byref(err)) != 0:
        raise SystemExit(f"cannot load {path}")
    out = []
    for i in range(lib.screener_db_entry_count(db)):
        reason = lib.screener_db_entry_reason(db, i)
        if reason is None:
            continue
        e = EntryInfo()
        lib.screener_db_entry(db, i, ctypes.byref(e))
        out.append((e.term.decode(), reason.decode(), e.category.decode(), e.severity,
                    f"{e.source.decode()}:{e.line}"))
    lib.screener_db_free(db)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--lib", default="build/libscreener.so")
    ap.add_argument("--words", default="/usr/share/dict/words")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    forms = generated(ctypes.CDLL(os.path.abspath(a.lib)), a.db)
    if a.list:
        for f in forms:
            print("\t".join(map(str, f)))
        print()
    if not os.path.exists(a.words):
        print(f"forms_check: no word list at {a.words} (apt-get install wamerican)", file=sys.stderr)
        return 1
    with open(a.words, encoding="utf-8", errors="replace") as f:
        words = {w.strip().lower() for w in f if w.strip()}
    hits = [f for f in forms if f[0].lower() in words]
    for t, reason, cat, sev, where in hits:
        print(f"{t}\t{reason}\t{cat} severity {sev}\t{where}")
    print(f"# {len(forms)} generated forms, {len(hits)} in {a.words}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
