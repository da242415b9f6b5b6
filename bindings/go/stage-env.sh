# stage-env.sh — sourced (". stage-env.sh BUILD_DIR"): stage an install of
# the C library built in BUILD_DIR under BUILD_DIR/go-stage (cmake --install)
# and export PKG_CONFIG_PATH, LD_LIBRARY_PATH, CGO_ENABLED and CGO_CFLAGS so
# that cgo packages (this binding, services/screenerd) build against it.
# Expects $build (absolute build directory); the stage directory may be set
# with $stage_name (default go-stage).
gobind=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stage=$build/${stage_name:-go-stage}
rm -rf "$stage"
echo "== staging install in $stage"
if ! cmake --install "$build" --prefix "$stage" >"$stage.log" 2>&1; then
    # The install also copies the built-in database (default.scdb); when the
    # library is built without it, stage the library and header by hand.
    echo "   cmake --install failed (see $stage.log); staging library and header only"
    src=$(sed -n 's/^screener_SOURCE_DIR:STATIC=//p' "$build/CMakeCache.txt")
    [[ -n $src ]] || src=$gobind/../..
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
# would be reused silently, and so would one linked against another install
# (pkg-config's -L is not part of the key either: a cached build from the
# .deb test linked with -L/usr/lib after the package was purged). Key the
# cache on the staged header's contents and on where it is installed.
hdr_sha=$( (cat "$stage/include/screener.h"; echo "$stage") | sha256sum | cut -c1-16)
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DSCREENER_GO_HEADER_SHA=$hdr_sha"
echo "   pkg-config: $(pkg-config --cflags --libs screener)"

