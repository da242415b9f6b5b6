#!/bin/sh
# Build and test the Python binding against a CMake build of libscreener.
#
#   bindings/python/run-tests.sh [BUILD_DIR] [pytest args...]
#
# BUILD_DIR defaults to <repo>/build and must hold libscreener.so (built with
# `ninja -C BUILD_DIR screener`). A venv is created (or reused) in
# BUILD_DIR/python-venv; the package is copied to BUILD_DIR/python-src and
# pip-installed from there, so the source tree is never written to. Needs
# python3 with venv and PyPI access (setuptools and pytest); nothing else.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
[ $# -gt 0 ] && shift
build=$(cd "$build" && pwd) || { echo "run-tests.sh: no build dir $build" >&2; exit 2; }
python=${PYTHON:-python3}

if [ ! -e "$build/libscreener.so" ]; then
    echo "run-tests.sh: $build/libscreener.so missing; build it: ninja -C $build screener" >&2
    exit 2
fi

venv=$build/python-venv
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" || {
        echo "run-tests.sh: '$python -m venv' failed (Debian/Ubuntu: apt-get install python3-venv)" >&2
        exit 2
    }
fi
vpy=$venv/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK=1
if ! "$vpy" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
    echo "run-tests.sh: Python.h missing for $python (Debian/Ubuntu: apt-get install python3-dev)" >&2
    exit 2
fi

# A sanitizer build of the library (cmake -DSCREENER_SANITIZE=...): build the
# extension with the same sanitizers and preload their runtimes into python.
san=$(sed -n 's/^SCREENER_SANITIZE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
preload=""
if [ -n "$san" ]; then
    export CFLAGS="-fsanitize=$san -fno-omit-frame-pointer" LDFLAGS="-fsanitize=$san"
    cc=${CC:-cc}
    case "$san" in *address*) preload="$preload $($cc -print-file-name=libasan.so)" ;; esac
    case "$san" in *undefined*) preload="$preload $($cc -print-file-name=libubsan.so)" ;; esac
    case "$san" in *thread*) preload="$preload $($cc -print-file-name=libtsan.so)" ;; esac
    # CPython itself does not free everything at exit.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

# Fresh copy of the package (no stale build/ or egg-info from earlier runs).
src=$build/python-src
rm -rf "$src"
mkdir -p "$src"
(cd "$here" && tar cf - --exclude=build --exclude='*.egg-info' --exclude=__pycache__ \
    --exclude=.pytest_cache --exclude='*.so' .) | (cd "$src" && tar xf -)

"$vpy" -m pip install --quiet pytest
export SCREENER_BUILD_DIR="$build" # also tells the tests where the CLI is
"$vpy" -m pip install --quiet --force-reinstall --no-deps "$src"

# Run from the copy's tests; the installed package (not src/) is imported.
cd "$src"
if [ -n "$preload" ]; then
    exec env LD_PRELOAD="${preload# }" "$vpy" -m pytest -q -p no:cacheprovider tests "$@"
fi
exec "$vpy" -m pytest -q -p no:cacheprovider tests "$@"
