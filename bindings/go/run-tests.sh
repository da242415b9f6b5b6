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

. "$here/stage-env.sh"

cd "$here/screener"
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
