#!/bin/sh
# Layer order of lib/ (docs/ARCHITECTURE.md): a file may include headers of
# its own layer and of the layers before it, never of a layer after it.
#   common < normalize < dict < db < scan < compile < service
# (compile sits above scan only for its compile-time warnings, which scan
# allow entries with the new database.)
# usage: tests/layers.sh LIB_DIR
set -eu
LIB=${1:-$(dirname "$0")/../lib}
ORDER="common normalize dict db scan compile service"
rank() {
    i=0
    for l in $ORDER; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}
status=0
for dir in "$LIB"/*/; do
    layer=$(basename "$dir")
    r=$(rank "$layer")
    if [ "$r" -lt 0 ]; then
        echo "layers: lib/$layer is not in the layer order ($ORDER)"; status=1; continue
    fi
    for f in "$dir"*.c "$dir"*.h; do
        [ -f "$f" ] || continue
        for inc in $(sed -n 's/^#include "\([a-z_]*\)\/[^"]*".*/\1/p' "$f"); do
            ri=$(rank "$inc")
            [ "$ri" -lt 0 ] && continue
            if [ "$ri" -gt "$r" ]; then
                echo "layers: lib/$layer/$(basename "$f") includes $inc/ (a layer above $layer)"
                status=1
            fi
        done
    done
done
[ $status -eq 0 ] && echo "layers: every include goes down the order ($ORDER)"
exit $status
