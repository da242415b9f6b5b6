#!/bin/sh
# bench/icount.sh — instructions per message of screener_scan, counted by
# callgrind over one pass of the CLI: repeatable whatever else the machine is
# doing, so two builds can be compared on a loaded machine where wall-clock
# ratios wander by +-30%.
#
#   bench/icount.sh SCREENER_CLI DICT CORPUS
#
# SCREENER_CLI is a `screener` binary (its libscreener next to it, as in a
# build tree); DICT a dictionary it compiles (outside the count), or a
# compiled database (*.scdb, e.g. the build's default.scdb); CORPUS one
# message per line. Prints messages, Ir inside screener_scan, Ir spent
# allocating Hyperscan scratch on the first scan (a one-off, excluded) and
# Ir per message. Compare two builds with the same DICT and CORPUS.
#
#   bench/icount.sh --batch N SCREENER_CLI DICT CORPUS
#
# counts screener_scan_batch instead, over batches of N messages, run by
# bench/batchscan.c (screener_batchscan: $BATCHSCAN, else bench/ next to the
# CLI, as in a build tree configured with -DSCREENER_BUILD_BENCH=ON); it also
# prints the digest of every result, the same for two builds that agree.
set -eu
batch=0
if [ "${1:-}" = --batch ]; then batch=$2; shift 2; fi
cli=$(realpath "$1") dict=$2 corpus=$3
command -v valgrind >/dev/null || { echo "icount: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
dir=$(dirname "$cli")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
case $dict in
    *.scdb) cp "$dict" "$out/db" ;;
    *) LD_LIBRARY_PATH="$dir" "$cli" compile --dict "$dict" -o "$out/db" >/dev/null ;;
esac
if [ "$batch" -gt 0 ]; then
    tool=${BATCHSCAN:-$dir/bench/screener_batchscan}
    LD_LIBRARY_PATH="$dir" valgrind --tool=callgrind --toggle-collect=screener_scan_batch \
        --callgrind-out-file="$out/cg" "$tool" --batch "$batch" "$out/db" "$corpus" \
        >"$out/res" 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    digest=" $(cat "$out/res")"
else
    LD_LIBRARY_PATH="$dir" valgrind --tool=callgrind --toggle-collect=screener_scan \
        --callgrind-out-file="$out/cg" "$cli" scan --db "$out/db" --format summary "$corpus" \
        >/dev/null 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    digest=
fi
total=$(grep -o "Collected : [0-9]*" "$out/err" | awk '{print $3}')
alloc=$(callgrind_annotate --inclusive=yes "$out/cg" 2>/dev/null | grep hs_alloc_scratch |
        head -1 | awk '{gsub(",", "", $1); print $1}')
alloc=${alloc:-0}
msgs=$(wc -l < "$corpus")
echo "messages=$msgs ir=$total scratch_alloc_ir=$alloc ir_per_message=$(( (total - alloc) / msgs ))$digest"
