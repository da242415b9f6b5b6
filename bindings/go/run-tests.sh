#!/usr/bin/env bash
# run-tests.sh — test the Go binding against a build of the C library.
#
#   bindings/go/run-tests.sh [BUILD_DIR]     (default: /work/main/build)
#
# Stages an install of the library under BUILD_DIR/go-stage (cmake --install),
# points pkg-config and the dynamic loader at it, then runs go vet,
# go test -race and go test with GOEXPERIMENT=cgocheck2.
# Set SCREENER_GO_BENCH=1 to also run the benchmarks once.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-/work/main/build}
[[ -d $build ]] || { echo "run-tests.sh: no build directory $build" >&2; exit 2; }
build=$(cd "$build" && pwd)
command -v go >/dev/null || { echo "run-tests.sh: go not found" >&2; exit 2; }
[[ -e $build/libscreener.so ]] || {
    echo "run-tests.sh: $build/libscreener.so missing; build the library first" >&2; exit 2; }

stage=$build/go-stage
rm -rf "$stage"
echo "== staging install in $stage"
if ! cmake --install "$build" --prefix "$stage" >"$build/go-stage.log" 2>&1; then
    # The install also copies the built-in database (default.scdb); when the
    # library is built without it, stage the library and header by hand.
    echo "   cmake --install failed (see $build/go-stage.log); staging library and header only"
    src=$(sed -n 's/^screener_SOURCE_DIR:STATIC=//p' "$build/CMakeCache.txt")
    [[ -n $src ]] || src=$here/../..
    mkdir -p "$stage/include" "$stage/lib/pkgconfig"
    cp "$src/include/screener.h" "$stage/include/"
    cp -P "$build"/libscreener.so* "$stage/lib/"
    cp "$build/screener.pc" "$stage/lib/pkgconfig/"
fi
pc=$(find "$stage" -name screener.pc -path '*/pkgconfig/*' | head -n1)
[[ -n $pc ]] || { echo "run-tests.sh: no screener.pc in $stage" >&2; exit 1; }
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
# screener.pc locates the prefix relative to itself (${pcfiledir}), so the
# staged copy is used as installed.

export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export CGO_ENABLED=1
# The go build cache does not track C headers outside the package: a cached
# cgo object compiled against an older screener.h (another struct layout)
# would be reused silently. Key the cache on the staged header's contents.
hdr_sha=$(sha256sum "$stage/include/screener.h" | cut -c1-16)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DSCREENER_GO_HEADER_SHA=$hdr_sha"
echo "   pkg-config: $(pkg-config --cflags --libs screener)"

cd "$here"
echo "== go vet"
go vet ./...
echo "== go test -race"
go test -race -count=1 ./...
echo "== go test (GOEXPERIMENT=cgocheck2)"
GOEXPERIMENT=cgocheck2 go test -count=1 ./...
if [[ ${SCREENER_GO_BENCH:-0} == 1 ]]; then
    echo "== go test -bench"
    go test -run '^$' -bench . -benchtime 1s ./...
fi
echo "== Go binding: all tests passed"
