#!/bin/sh
# Full evaluation of generated variants and host words (bench/variants/eval.py):
# recall per kind on real chat carriers, false flags on 3,000 chat lines, and
# host words on the 64k lexicon. Needs ../shared/corpora (skips without it).
# usage: bench/variants/run.sh [BUILD_DIR]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
CORPORA=${SCREENER_CORPORA:-$ROOT/../shared/corpora}
if [ ! -f "$CORPORA/chat_zh_lccc.txt" ]; then
    echo "bench/variants: $CORPORA/chat_zh_lccc.txt not found, skipped"
    exit 0
fi
python3 "$ROOT/bench/variants/eval.py" --screener "$BUILD/screener" --dict-dir "$ROOT/dictionaries" \
    --chat "$CORPORA/chat_zh_lccc.txt" --chat-lines 3000 --per-kind 300
python3 "$ROOT/bench/variants/eval.py" --screener "$BUILD/screener" --dict-dir "$ROOT/dictionaries" \
    --skip-recall --lexicon "$CORPORA/lexicon_zh_houbb.txt" --hosts 3000 --host-min-freq 10
