#!/usr/bin/env python3
"""Evaluate compile-time variants and host-word allow entries end to end.

Independent of the C generators: readings come straight from Unihan (Debian
unicode-data), frequencies and segmentation from jieba itself (python3-jieba,
its full dictionary and its own tokenizer). Splits are the documented rule
applied to the chaizi data (lib/compile/gen_zh_data.py's loader and split_ok,
which define which splits exist; the frequency threshold, the choice of
characters and the spans are checked here). Texts go through the `screener`
CLI (scan --format jsonl); a hit needs the exact byte span.

  recall    for each kind (pinyin joined / spaced / tone marks / tone digits,
            initials of 3+ character terms, mixed, homophone, split), disguise terms
            of the dictionaries that opt in (`@forms`) and hide each in a
            carrier (a real chat line with --chat, else generated text)
  chat      false flags of generated Chinese entries on the first --chat-lines
            real chat lines (the dictionaries as given)
  hosts     host words built with jieba's own tokenizer (a word W of jieba's
            dictionary, frequency >= --host-min-freq, containing a term T,
            whose split without W cuts through T): false alarms before/after
            (--no-host-words vs default); and the same terms standing alone in
            carriers: real hits lost

usage: eval.py --screener BIN --dict-dir DIR [--chat FILE] [--per-kind N]
               [--chat-lines N] [--lexicon FILE] [--hosts N] [--min-recall R]
Exit status 1 if a recall is below --min-recall or the opt-in dictionaries
flag a chat line through a generated entry (with --chat).
"""
import argparse
import bz2
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import unicodedata

UNIHAN = "/usr/share/unicode/Unihan_Readings.txt.bz2"
JIEBA = "/usr/lib/python3/dist-packages/jieba/dict.txt"
HOMOPHONE_MIN_FREQ = 3000  # what "common homophone" means (docs/dictionary-format.md)
SPLIT_MIN_FREQ = 300  # character frequency (summed over jieba's words) of a split character
TONES = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
KINDS = ["pinyin-joined", "pinyin-spaced", "tone-marks", "tone-digits", "initials", "mixed",
         "homophone", "split"]
CHINESE_REASONS = {"pinyin", "pinyin with tone digits", "initials", "mixed spelling", "homophone",
                   "split form"}
CHINESE_FORMS = {"pinyin", "initials", "mixed", "homophone", "split"}
WANT = {"pinyin-joined": "pinyin", "pinyin-spaced": "pinyin", "tone-marks": "pinyin",
        "tone-digits": "pinyin", "initials": "initials", "mixed": "mixed",
        "homophone": "homophone", "split": "split"}


def load_readings():
    out = {}
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as f:
        for line in f:
            if "\tkMandarin\t" in line:
                cp, _, v = line.rstrip("\n").split("\t")
                out[chr(int(cp[2:], 16))] = v.split()
    return out


def plain(r):
    """'lǘ' -> ('lu', '2') (ü read as u, as the fold does)."""
    tone, s = "", []
    for ch in unicodedata.normalize("NFD", r):
        if ch in TONES:
            tone = TONES[ch]
        elif ch != "\u0308":
            s.append(ch)
    return "".join(s), tone


def load_jieba():
    freq = {}
    with open(JIEBA, encoding="utf-8") as f:
        for line in f:
            p = line.split()
            freq[p[0]] = int(p[1])
    return freq


def expand(rules):
    """The Chinese rules in an @forms / forms= list."""
    out = set()
    for r in rules.split(","):
        out |= CHINESE_FORMS if r == "chinese" else {r}
    return out & CHINESE_FORMS


def parse_dicts(paths):
    """(term, category, Chinese forms) of the deny entries, with @forms state."""
    out = []
    for path in paths:
        variants = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                s = line.strip()
                if not s or s.startswith("#"):
                    continue
                if s.startswith("@forms"):
                    v = s.split(None, 1)[1]
                    variants = expand(v)
                    continue
                if s.startswith("@"):
                    continue
                term, _, attrs = line.partition("\t")
                term = term.strip()
                a = attrs.split()
                if "allow" in a or "regex" in a:
                    continue
                v = variants
                for x in a:
                    if x.startswith("forms="):
                        v = expand(x[6:])
                out.append((term, os.path.basename(path), v))
    return out


class Carriers:
    def __init__(self, rng, chat, freq):
        self.rng = rng
        self.lines = []
        if chat:
            with open(chat, encoding="utf-8") as f:
                self.lines = [l.rstrip("\n") for l in f if 4 <= len(l.strip()) <= 60]
        common = [w for w, c in freq.items() if c >= 2000 and all("\u4e00" <= ch <= "\u9fff" for ch in w)]
        self.words = common

    def get(self):
        if self.lines:
            return self.rng.choice(self.lines)
        return "".join(self.rng.choice(self.words) for _ in range(self.rng.randint(2, 6)))

    def embed(self, text):
        """Carrier with text inserted where no ASCII letter or digit touches it;
        returns (line, start byte, end byte)."""
        for _ in range(20):
            c = self.get()
            pos = self.rng.randint(0, len(c))
            left, right = c[:pos], c[pos:]
            if (left and left[-1].isascii() and left[-1].isalnum()) or \
               (right and right[0].isascii() and right[0].isalnum()):
                continue
            line = left + text + right
            b = len(left.encode())
            return line, b, b + len(text.encode())
        line = "。" + text + "。"
        return line, 3, 3 + len(text.encode())


def run_scan(screener, dicts, lines, extra=()):
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        for l in lines:
            f.write(l.replace("\n", " ") + "\n")
        name = f.name
    try:
        args = [screener, "scan", "--format", "jsonl"] + list(extra)
        for d in dicts:
            args += ["--dict", d]
        out = subprocess.run(args + [name], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(name)
    return [json.loads(l) for l in out.splitlines()]


# ---- recall ------------------------------------------------------------------

def load_splits():
    """char -> its splits, from the same data and rule as the build
    (lib/compile/gen_zh_data.py), and the character frequencies."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "..", "lib", "compile"))
    import gen_zh_data as g
    strokes = {chr(cp): int(v.split()[0]) for cp, v in
               g.unihan("Unihan_IRGSources.txt.bz2", "kTotalStrokes").items()}
    level1 = {chr(cp) for cp, v in g.unihan("Unihan_OtherMappings.txt.bz2", "kTGH").items()
              if int(v.split(":")[1]) <= 3500}
    return {chr(cp): ["".join(d) for d in ds]
            for cp, ds in g.splits(g.load_chaizi(), strokes, level1).items()}


def split_disguise(term, splits, char_freq, rng):
    """term with 1 (or, half the time, 2) of its common characters written
    split, components sometimes spaced; None if none can be."""
    can = [i for i, ch in enumerate(term) if splits.get(ch) and char_freq.get(ch, 0) >= SPLIT_MIN_FREQ]
    if len(term) < 2 or not can:
        return None
    k = 2 if len(can) >= 2 and rng.random() < 0.5 else 1
    pick = set(rng.sample(can, k))
    out = []
    for i, ch in enumerate(term):
        out.append(rng.choice(splits[ch]) if i in pick else ch)
        if i in pick and rng.random() < 0.2:
            out[-1] = " ".join(out[-1])
    return "".join(out)


def disguise(kind, term, readings, rng, homophones, splits=None, char_freq=None):
    if kind == "split":
        return split_disguise(term, splits, char_freq, rng)
    syl = []
    for ch in term:
        r = readings.get(ch)
        if not r:
            return None
        syl.append(r[0])
    toneless = [plain(s)[0] for s in syl]
    if kind == "pinyin-joined":
        s = "".join(toneless)
        return s.upper() if rng.random() < 0.3 else s
    if kind == "pinyin-spaced":
        return rng.choice([" ", "-", ".", "  "]).join(toneless)
    if kind == "tone-marks":
        return rng.choice(["", " "]).join(syl)
    if kind == "tone-digits":
        return rng.choice(["", " "]).join(t + plain(s)[1] for t, s in zip(toneless, syl))
    if kind == "initials":
        if len(term) < 3:
            return None
        s = "".join(t[0] for t in toneless)
        return s.upper() if rng.random() < 0.3 else s
    if kind == "mixed":
        n = len(term)
        if n < 2 or n > 6:
            return None
        mask = rng.randint(1, (1 << n) - 2)
        out = []
        for i, ch in enumerate(term):
            out.append(toneless[i] if mask >> i & 1 else ch)
        return "".join(out)
    if kind == "homophone":
        if len(term) < 3:
            return None
        i = rng.randrange(len(term))
        cands = [h for h in homophones.get(toneless[i], []) if h != term[i]]
        if not cands:
            return None
        return term[:i] + rng.choice(cands) + term[i + 1:]
    raise ValueError(kind)


def traditional_chars():
    """Characters Unihan maps to another simplified form (the fold rewrites them)."""
    out = set()
    with bz2.open(UNIHAN.replace("Readings", "Variants"), "rt", encoding="utf-8") as f:
        for line in f:
            if "\tkSimplifiedVariant\t" in line:
                cp, _, v = line.rstrip("\n").split("\t")
                if any(x.split("<")[0] != cp for x in v.split()):
                    out.add(chr(int(cp[2:], 16)))
    return out


def recall(args, rng, readings, freq, carriers, entries):
    homophones = collections.defaultdict(list)
    trad = traditional_chars()
    for ch, r in readings.items():
        if freq.get(ch, 0) >= HOMOPHONE_MIN_FREQ and ch not in trad:
            homophones[plain(r[0])[0]].append(ch)
    char_freq = collections.Counter()
    for w, c in freq.items():
        for ch in set(w):
            char_freq[ch] += c
    splits = load_splits()
    cases = []
    for kind in KINDS:
        pool = [t for t, _, v in entries if WANT[kind] in v and
                all(readings.get(ch) for ch in t)]
        rng.shuffle(pool)
        n = 0
        for term in pool:
            if n >= args.per_kind:
                break
            d = disguise(kind, term, readings, rng, homophones, splits, char_freq)
            if d is None:
                continue
            line, b, e = carriers.embed(d)
            cases.append((kind, term, d, line, b, e))
            n += 1
    results = run_scan(args.screener, args.dicts, [c[3] for c in cases])
    per = collections.defaultdict(lambda: [0, 0])
    misses = collections.defaultdict(list)
    for c, r in zip(cases, results):
        kind, term, d, line, b, e = c
        # the exact span, reported as the term (or, for a homophone that is
        # itself another deny term, 操你妈 for 肏你妈, as that term)
        ok = any(m["start"] == b and m["end"] == e and
                 (m.get("reason", "").endswith(" of " + term) or m["term"] == term or
                  (kind == "homophone" and "reason" not in m))
                 for m in r["matches"])
        per[kind][1] += 1
        per[kind][0] += ok
        if not ok:
            misses[kind].append(d + " (" + term + ")")
    print("## recall (exact spans), terms that opt in, %s carriers" %
          ("real chat" if carriers.lines else "generated"))
    print("| kind | cases | found | recall | examples missed |")
    print("|---|---|---|---|---|")
    bad = False
    for kind in KINDS:
        found, n = per[kind]
        rec = found / n if n else float("nan")
        bad |= n > 0 and rec < args.min_recall
        print("| %s | %d | %d | %.3f | %s |" % (kind, n, found, rec, ", ".join(misses[kind][:4])))
    return bad


# ---- false flags on chat ------------------------------------------------------

def chat_flags(args):
    with open(args.chat, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for _, l in zip(range(args.chat_lines), f)]
    res = run_scan(args.screener, args.dicts, lines)
    lines_by = collections.Counter()
    examples = collections.defaultdict(list)
    for r in res:
        kinds = set(m.get("reason", "written of").split(" of ")[0] for m in r["matches"])
        for k in kinds:
            lines_by[k] += 1
        for m in r["matches"]:
            if "reason" in m:
                examples[m["reason"].split(" of ")[0]].append("%s (%s)" % (m["text"], m["reason"]))
    print("\n## flags on the first %d lines of %s" % (len(lines), os.path.basename(args.chat)))
    print("| entries | lines flagged | examples |")
    print("|---|---|---|")
    for k in sorted(lines_by):
        print("| %s | %d | %s |" % (k, lines_by[k], ", ".join(examples[k][:5])))
    return sum(v for k, v in lines_by.items() if k != "written" and k in CHINESE_REASONS)


# ---- host words ---------------------------------------------------------------

def import_jieba():
    try:
        import jieba
    except ImportError:  # Debian's python3-jieba, from another interpreter
        sys.path.append("/usr/lib/python3/dist-packages")
        import jieba
    return jieba


def hosts(args, rng, readings, carriers):
    jieba = import_jieba()
    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
    if args.lexicon:
        with open(args.lexicon, encoding="utf-8") as f:
            terms = sorted({l.strip() for l in f if l.strip() and "\t" not in l
                            and not l.startswith(("#", "@"))})
    else:
        terms = sorted({t for t, _, _ in parse_dicts(args.dicts)})
    han = [t for t in terms if len(t) >= 2 and all(readings.get(ch) for ch in t)]
    tset = set(terms)
    words = [w for w, c in tk.FREQ.items()
             if c >= args.host_min_freq and 3 <= len(w) <= 8 and all(readings.get(ch) for ch in w)]
    hostlist = []
    for w in words:
        if w in tset:
            continue
        inside = [(i, t) for t in {w[i:j] for i in range(len(w)) for j in range(i + 2, len(w) + 1)
                                   if (i, j) != (0, len(w))} if t in tset
                  for i in [w.find(t)]]
        if not inside:
            continue
        f = tk.FREQ[w]
        tk.FREQ[w] = 0
        cuts = set()
        p = 0
        for piece in tk.lcut(w, HMM=False):
            cuts.add(p)
            p += len(piece)
        cuts.add(p)
        tk.FREQ[w] = f
        for i, t in inside:
            if i not in cuts or i + len(t) not in cuts:
                hostlist.append((w, t))
    rng.shuffle(hostlist)
    hostlist = hostlist[:args.hosts]
    dict_args = [args.lexicon] if args.lexicon else args.dicts
    fa_lines, fa_spans = [], []
    for w, t in hostlist:
        line, b, e = carriers.embed(w)
        fa_lines.append(line)
        fa_spans.append((b, e, t))
    hit_terms = [t for t in han]
    rng.shuffle(hit_terms)
    hit_terms = hit_terms[:args.hosts]
    hit_lines, hit_spans = [], []
    for t in hit_terms:
        line, b, e = carriers.embed(t)
        hit_lines.append(line)
        hit_spans.append((b, e, t))

    def count(lines, spans, extra, inside, left=None):
        res = run_scan(args.screener, dict_args, lines, extra)
        n = 0
        for line, r, (b, e, t) in zip(lines, res, spans):
            if inside:
                hit = any(b <= m["start"] and m["end"] <= e and m["term"] == t
                          for m in r["matches"])
            else:
                hit = any(m["start"] == b and m["end"] == e and m["term"] == t
                          for m in r["matches"])
            n += hit
            if hit and left is not None:
                left.append("%s (%s)" % (line.encode()[b:e].decode(), t))
        return n
    fa_before = count(fa_lines, fa_spans, ["--no-host-words"], True)
    fa_left = []
    fa_after = count(fa_lines, fa_spans, [], True, fa_left)
    hit_before = count(hit_lines, hit_spans, ["--no-host-words"], False)
    hit_lost = []
    hit_after = count(hit_lines, hit_spans, [], False)
    print("\n## host words (%s; host list: jieba words of frequency >= %d split by jieba's "
          "tokenizer, %d sampled)" % (os.path.basename(args.lexicon) if args.lexicon else
                                     "dictionaries", args.host_min_freq, len(hostlist)))
    print("| measure | before | after | change |")
    print("|---|---|---|---|")
    print("| false alarms inside host words | %d | %d | %.1f%% removed |" %
          (fa_before, fa_after, 100.0 * (fa_before - fa_after) / max(fa_before, 1)))
    print("| real hits (terms alone in carriers) | %d | %d | %.2f%% lost |" %
          (hit_before, hit_after, 100.0 * (hit_before - hit_after) / max(hit_before, 1)))
    print("\nleft: " + ", ".join(fa_left[:30]))
    return fa_before, fa_after, hit_before, hit_after


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--screener", required=True)
    ap.add_argument("--dict-dir", required=True)
    ap.add_argument("--chat")
    ap.add_argument("--chat-lines", type=int, default=3000)
    ap.add_argument("--per-kind", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-recall", type=float, default=0.95)
    ap.add_argument("--lexicon")
    ap.add_argument("--hosts", type=int, default=0)
    ap.add_argument("--skip-recall", action="store_true")
    ap.add_argument("--host-min-freq", type=int, default=50)
    args = ap.parse_args()
    args.dicts = sorted(os.path.join(args.dict_dir, f) for f in os.listdir(args.dict_dir)
                        if f.endswith(".txt"))
    rng = random.Random(args.seed)
    readings = load_readings()
    freq = load_jieba()
    carriers = Carriers(rng, args.chat, freq)
    entries = parse_dicts(args.dicts)
    bad = False if args.skip_recall else recall(args, rng, readings, freq, carriers, entries)
    if args.chat:
        bad |= chat_flags(args) > 0
    if args.hosts:
        hosts(args, rng, readings, carriers)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
