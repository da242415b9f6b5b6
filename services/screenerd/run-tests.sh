#!/usr/bin/env bash
# run-tests.sh — screenerd's integration tests against a build of the C
# library: every test starts its own redis-server (Debian's redis-server,
# installed by scripts/install-deps) on free loopback ports; the cluster
# test starts 3 masters and joins them with redis-cli --cluster create.
#
#   services/screenerd/run-tests.sh [BUILD_DIR]     (default: build)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-$here/../../build}
[[ -e $build/libscreener.so ]] || { echo "run-tests.sh: $build/libscreener.so missing; build the library first" >&2; exit 2; }
build=$(cd "$build" && pwd)
command -v go >/dev/null || { echo "run-tests.sh: go not found" >&2; exit 2; }
for b in redis-server redis-cli; do
    command -v $b >/dev/null || { echo "run-tests.sh: $b not found (scripts/install-deps installs it)" >&2; exit 2; }
done
stage_name=service-stage
. "$here/../../bindings/go/stage-env.sh"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
cd "$here"
echo "== go vet"
go vet ./...
echo "== go test (real redis-server)"
go test -count=1 -timeout 300s ./...
echo "== screenerd: all tests passed"
