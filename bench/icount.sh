#!/bin/sh
# bench/icount.sh — instructions per message of screener_scan, counted by
# callgrind: repeatable whatever else the machine is doing, so two builds can
# be compared on a loaded machine where wall-clock ratios wander by +-30%.
#
#   bench/icount.sh SCREENER_CLI DICT CORPUS
#
# SCREENER_CLI is a `screener` binary (its libscreener next to it, as in a
# build tree); DICT a dictionary it compiles (outside the count), or a
# compiled database (*.scdb, e.g. the build's default.scdb); CORPUS one
# message per line. Prints messages, Ir inside the scan calls, Ir spent
# allocating Hyperscan scratch on the first scan (a one-off, excluded), Ir
# per message and the path counted. Compare two builds with the same DICT and
# CORPUS.
#
# Paths: one screener_scan per message (path=single) through
# bench/batchscan.c --single (screener_batchscan: $BATCHSCAN, else bench/ next
# to the CLI, as in a build tree configured with -DSCREENER_BUILD_BENCH=ON);
# without that tool, the CLI's own `scan` (path=cli: screener_scan and
# screener_scan_batch both counted) — one call per line for CLIs before
# session 4, batches of lines since.
#
#   bench/icount.sh --batch N SCREENER_CLI DICT CORPUS
#
# counts screener_scan_batch instead, over batches of N messages (the same
# tool); it also prints the digest of every result, the same for two builds
# that agree.
#
#   bench/icount.sh --cli SCREENER_CLI DICT CORPUS
#
# counts the CLI's own scan even where the tool exists.
set -eu
batch=0 force_cli=0
if [ "${1:-}" = --batch ]; then batch=$2; shift 2; fi
if [ "${1:-}" = --cli ]; then force_cli=1; shift; fi
cli=$(realpath "$1") dict=$2 corpus=$3
command -v valgrind >/dev/null || { echo "icount: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
dir=$(dirname "$cli")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
case $dict in
    *.scdb) cp "$dict" "$out/db" ;;
    *) LD_LIBRARY_PATH="$dir" "$cli" compile --dict "$dict" -o "$out/db" >/dev/null ;;
esac
tool=${BATCHSCAN:-$dir/bench/screener_batchscan}
[ -x "$tool" ] || tool=
if [ "$batch" -gt 0 ]; then
    [ -n "$tool" ] || { echo "icount: --batch needs screener_batchscan (see above)" >&2; exit 2; }
    LD_LIBRARY_PATH="$dir" valgrind --tool=callgrind --toggle-collect=screener_scan_batch \
        --callgrind-out-file="$out/cg" "$tool" --batch "$batch" "$out/db" "$corpus" \
        >"$out/res" 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    digest=" $(cat "$out/res") path=batch"
elif [ -n "$tool" ] && [ $force_cli = 0 ]; then
    LD_LIBRARY_PATH="$dir" valgrind --tool=callgrind --toggle-collect=screener_scan \
        --callgrind-out-file="$out/cg" "$tool" --single "$out/db" "$corpus" \
        >"$out/res" 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    digest=" $(cat "$out/res") path=single"
else
    LD_LIBRARY_PATH="$dir" valgrind --tool=callgrind --toggle-collect=screener_scan \
        --toggle-collect=screener_scan_batch \
        --callgrind-out-file="$out/cg" "$cli" scan --db "$out/db" --format summary "$corpus" \
        >/dev/null 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    digest=" path=cli"
fi
total=$(grep -o "Collected : [0-9]*" "$out/err" | awk '{print $3}')
alloc=$(callgrind_annotate --inclusive=yes "$out/cg" 2>/dev/null | grep -E "^ *[0-9][0-9,]* .*:hs_alloc_scratch" |
        head -1 | awk '{gsub(",", "", $1); print $1}')
alloc=${alloc:-0}
msgs=$(wc -l < "$corpus")
echo "messages=$msgs ir=$total scratch_alloc_ir=$alloc ir_per_message=$(( (total - alloc) / msgs ))$digest"
