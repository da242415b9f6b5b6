"""The one split of the COLD training file used by this project.

cold_train_zh.tsv (label<TAB>topic<TAB>text, ../shared/corpora/README.md) is the
only labelled Chinese data on the machine, so it is split in two:

  held out (evaluation): md5(text) % 5 == 0      (about 20% of the posts)
  derive   (term mining): every other post

The split depends on the text only, so a post repeated in the file is always on
one side, and the split is the same on every machine and every run. Terms for
dictionaries/ are mined from the "derive" part only (tools/mine_cold_terms.py);
bench/dict_eval.py reports recall and precision on the "held out" part only.
"""
import hashlib


def held_out(text: str) -> bool:
    return int(hashlib.md5(text.encode("utf-8")).hexdigest(), 16) % 5 == 0


def read_cold(path):
    """Yield (label:int, topic:str, text:str); a malformed line is an error."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0] not in ("0", "1"):
                raise SystemExit(f"{path}:{n}: expected label<TAB>topic<TAB>text")
            yield int(parts[0]), parts[1], parts[2]


def split(path):
    """(derive, held) lists of (label, topic, text)."""
    derive, held = [], []
    for row in read_cold(path):
        (held if held_out(row[2]) else derive).append(row)
    return derive, held
