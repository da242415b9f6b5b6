#!/bin/sh
# Disguise evaluation in full, and the built-in dictionaries on the real corpora
# before/after a change (local only: the corpora are not in CI).
#
# usage: bench/disguise.sh NEW_CLI [OLD_CLI] [TERMS_PER_CLASS]
#   NEW_CLI  the screener CLI under test (its build also has tests/disguise_eval)
#   OLD_CLI  an older build to compare with (optional)
# Prints the per-class table (tests/eval/disguise_eval.c) for each CLI, then per
# corpus the lines flagged by each CLI and the lines where they differ, with
# the differing matches (term and matched text) counted by kind.
# With LEXICON=FILE (one term per line, e.g. ../shared/corpora/lexicon_zh_houbb.txt)
# the corpora are scanned with every EVERY-th term of it (default 6: 10.7k of
# houbb's 64k) instead of the built-in dictionaries, and weibo_zh_swsr.txt too.
set -eu
NEW=$1
OLD=${2:-}
PER=${3:-300}
HERE=$(cd "$(dirname "$0")" && pwd)
CORPORA=${SCREENER_CORPORA:-$HERE/../../shared/corpora}
EVAL=$(dirname "$NEW")/tests/disguise_eval
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$EVAL" --dump "$TMP" "$PER"
if [ -n "$OLD" ]; then
    python3 "$HERE/disguise_compare.py" "$TMP" before="$OLD" after="$NEW"
else
    python3 "$HERE/disguise_compare.py" "$TMP" after="$NEW"
fi

DICT=""
CORPUS_LIST="chat_zh_lccc.txt tweets_en_davidson.txt"
if [ -n "${LEXICON:-}" ]; then
    # every EVERY-th line; no comment/directive lines, no tabs, and only terms
    # with a letter or digit (a lone emoji folds to nothing and is refused)
    python3 - "$LEXICON" "${EVERY:-6}" > "$TMP/lexicon.txt" <<'PY'
import sys
k = int(sys.argv[2])
with open(sys.argv[1], encoding="utf-8") as f:
    for i, line in enumerate(f):
        t = line.rstrip("\n")
        if i % k == 0 and t and t[0] not in "#@" and "\t" not in t and any(c.isalnum() for c in t):
            print(t)
PY
    DICT="--dict $TMP/lexicon.txt"
    CORPUS_LIST="$CORPUS_LIST weibo_zh_swsr.txt"
    echo "dictionary: $(wc -l < "$TMP/lexicon.txt") terms of $LEXICON"
fi
for corpus in $CORPUS_LIST; do
    if [ ! -f "$CORPORA/$corpus" ]; then
        echo "disguise.sh: $CORPORA/$corpus not found: corpus comparison skipped"
        continue
    fi
    "$NEW" scan $DICT --format jsonl "$CORPORA/$corpus" > "$TMP/new.jsonl"
    if [ -n "$OLD" ]; then
        "$OLD" scan $DICT --format jsonl "$CORPORA/$corpus" > "$TMP/old.jsonl"
    else
        cp "$TMP/new.jsonl" "$TMP/old.jsonl"
    fi
    python3 - "$corpus" "$TMP/old.jsonl" "$TMP/new.jsonl" <<'PY'
import json, sys, collections
name, old, new = sys.argv[1:]
def load(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f]
a, b = load(old), load(new)
def ms(r):
    return {(m["start"], m["end"], m["term"], m["text"]) for m in r["matches"]}
flag_a = sum(1 for r in a if r["matches"])
flag_b = sum(1 for r in b if r["matches"])
gone, added = collections.Counter(), collections.Counter()
lines = 0
for ra, rb in zip(a, b):
    x, y = ms(ra), ms(rb)
    if x != y:
        lines += 1
    for m in x - y:
        gone[(m[2], m[3])] += 1
    for m in y - x:
        added[(m[2], m[3])] += 1
print("%s: %d lines; flagged before %d, after %d; %d lines differ" % (name, len(a), flag_a, flag_b, lines))
for title, c in (("  only before", gone), ("  only after", added)):
    print("%s: %d matches" % (title, sum(c.values())))
    for (term, text), n in c.most_common(40):
        print("    %3d  %s  <- %r" % (n, term, text))
PY
done
