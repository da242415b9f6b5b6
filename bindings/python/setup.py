"""Build the screener._screener C extension against libscreener.

Where the library is found, first match wins:
  1. SCREENER_PREFIX=DIR       an install prefix (DIR/include, DIR/lib or DIR/lib64)
  2. SCREENER_BUILD_DIR=DIR    a CMake build dir of the repo (libscreener.so in DIR,
                               header in <repo>/include)
  3. pkg-config screener       (PKG_CONFIG_PATH is honoured)
  4. the in-tree layout        ../../include and ../../build relative to this file
The extension is linked with an rpath to the library directory, so it imports
without LD_LIBRARY_PATH.
"""

import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))


def _have_lib(d):
    return any(os.path.exists(os.path.join(d, n)) for n in ("libscreener.so", "libscreener.dylib"))


def _from_prefix(prefix):
    inc = os.path.join(prefix, "include")
    for lib in ("lib", "lib64", os.path.join("lib", "x86_64-linux-gnu"),
                os.path.join("lib", "aarch64-linux-gnu")):
        d = os.path.join(prefix, lib)
        if _have_lib(d):
            return [inc], [d], "SCREENER_PREFIX=" + prefix
    sys.exit("setup.py: SCREENER_PREFIX=%s has no lib/libscreener.so" % prefix)


def _source_dir_of(build):
    """The repo a CMake build dir was configured from (its CMakeCache.txt)."""
    try:
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
            for line in f:
                if line.startswith(("screener_SOURCE_DIR:", "CMAKE_HOME_DIRECTORY:")):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return REPO


def _from_build_dir(build):
    inc = os.path.join(_source_dir_of(build), "include")
    if not os.path.exists(os.path.join(inc, "screener.h")):
        inc = os.path.join(REPO, "include")
    if not _have_lib(build):
        sys.exit("setup.py: %s has no libscreener.so (build it: ninja -C %s screener)"
                 % (build, build))
    return [inc], [build], "build dir " + build


def _from_pkg_config():
    exe = shutil.which(os.environ.get("PKG_CONFIG", "pkg-config"))
    if not exe:
        return None
    try:
        if subprocess.run([exe, "--exists", "screener"]).returncode != 0:
            return None
        cflags = shlex.split(subprocess.check_output([exe, "--cflags-only-I", "screener"], text=True))
        libdir = subprocess.check_output([exe, "--variable=libdir", "screener"], text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    incs = [f[2:] for f in cflags if f.startswith("-I")]
    if not _have_lib(libdir):
        return None
    return incs, [libdir], "pkg-config"


def locate():
    if os.environ.get("SCREENER_PREFIX"):
        return _from_prefix(os.path.abspath(os.environ["SCREENER_PREFIX"]))
    if os.environ.get("SCREENER_BUILD_DIR"):
        return _from_build_dir(os.path.abspath(os.environ["SCREENER_BUILD_DIR"]))
    found = _from_pkg_config()
    if found:
        return found
    build = os.path.join(REPO, "build")
    if os.path.exists(os.path.join(REPO, "include", "screener.h")) and _have_lib(build):
        return _from_build_dir(build)
    sys.exit("setup.py: libscreener not found. Set SCREENER_PREFIX (install prefix), "
             "SCREENER_BUILD_DIR (CMake build dir), or make `pkg-config screener` work.")


incs, libdirs, how = locate()
print("screener: building against libscreener from %s (include %s, lib %s)"
      % (how, incs, libdirs), file=sys.stderr)

# Rebuild when the header or the library changes, not only the .c file.
depends = [os.path.join(d, "screener.h") for d in incs if os.path.exists(os.path.join(d, "screener.h"))]
depends += [os.path.join(d, "libscreener.so") for d in libdirs if os.path.exists(os.path.join(d, "libscreener.so"))]

ext = Extension(
    "screener._screener",
    sources=["src/screener/_screener.c"],
    depends=depends,
    include_dirs=incs,
    library_dirs=libdirs,
    libraries=["screener"],
    runtime_library_dirs=libdirs if sys.platform != "darwin" else [],
    extra_link_args=(["-Wl,-rpath," + d for d in libdirs] if sys.platform == "darwin" else []),
    extra_compile_args=["-O2", "-std=c99", "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
)

setup(ext_modules=[ext])
