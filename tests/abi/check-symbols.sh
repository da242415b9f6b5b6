#!/bin/sh
# ABI guard: the shared library -- and the installed static library, whose
# internal symbols are localized at build time -- export exactly the symbols
# in symbols.txt, all of them screener_*. A new public function must be added
# to the list in the same change (and never removed once released).
# usage: check-symbols.sh LIBSCREENER.so|LIBSCREENER.a SYMBOLS.txt
set -eu
LIB=$1
LIST=$2
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
case $LIB in
    *.a) NM="nm -g --defined-only" ;;   # global symbols of the archive's objects
    *)   NM="nm -D --defined-only" ;;   # the dynamic symbol table
esac
$NM "$LIB" | awk 'NF >= 3 && $2 != "A" {print $3}' | sed 's/@.*//' | sort -u > "$TMP"
status=0
if grep -v '^screener_' "$TMP"; then
    echo "FAIL: symbols above are exported but are not screener_*" >&2
    status=1
fi
if ! diff -u "$LIST" "$TMP"; then
    echo "FAIL: exported symbols differ from $LIST (+ = exported, not listed)" >&2
    status=1
fi
[ $status -eq 0 ] && echo "ok - $(wc -l < "$TMP") exported symbols, all listed, all screener_*"
exit $status
