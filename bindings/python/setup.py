"""Build the screener._screener C extension.

By default the C library is built from source with CMake -- from the
repository (../.. of this file) or, in an sdist, from the copy in csrc/ --
and its static archive (libscreener.a, which exports screener_* only) is
linked into the extension. The wheel therefore needs no libscreener at run
time and carries no path into the build tree; it links Hyperscan, ICU and
xxHash dynamically (`auditwheel repair` bundles them). Needs cmake, a C
compiler, pkg-config and the Debian build dependencies of the library
(scripts/install-deps).

To link an existing libscreener.so instead (development, sanitizer builds):
  SCREENER_PREFIX=DIR       an install prefix (DIR/include, DIR/lib or DIR/lib64)
  SCREENER_BUILD_DIR=DIR    a CMake build dir of the repo (libscreener.so in DIR)
The extension is then linked with an rpath to that library directory.
"""

import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
# What building the library needs from the repository (copied into sdists).
C_SOURCE_PARTS = ["CMakeLists.txt", "cmake", "include", "lib", "LICENSE", "NOTICE"]


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


def c_source_dir():
    """The C library's source: csrc/ in an sdist, else the repository."""
    for d in (os.path.join(HERE, "csrc"), REPO):
        if os.path.exists(os.path.join(d, "CMakeLists.txt")) and \
                os.path.exists(os.path.join(d, "include", "screener.h")):
            return d
    sys.exit("setup.py: the C library's sources are missing (neither csrc/ nor ../../)")


def pkg_config_libs(modules):
    exe = shutil.which(os.environ.get("PKG_CONFIG", "pkg-config"))
    if not exe:
        sys.exit("setup.py: pkg-config is missing (Debian: apt-get install pkg-config)")
    try:
        flags = subprocess.check_output([exe, "--libs"] + modules, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit("setup.py: pkg-config --libs %s failed (%s); install the Debian build "
                 "dependencies: scripts/install-deps" % (" ".join(modules), e))
    return shlex.split(flags)


class build_ext_with_library(build_ext):
    """Builds libscreener.a with CMake first when no prebuilt library is given."""

    def run(self):
        if not os.environ.get("SCREENER_PREFIX") and not os.environ.get("SCREENER_BUILD_DIR"):
            self.build_static_library()
        super().run()

    def build_static_library(self):
        cmake = shutil.which("cmake")
        if not cmake:
            sys.exit("setup.py: cmake is missing (Debian: apt-get install cmake)")
        src = c_source_dir()
        build = os.path.abspath(os.path.join(self.build_temp, "libscreener"))
        print("screener: building libscreener from %s in %s" % (src, build), file=sys.stderr)
        subprocess.check_call([cmake, "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
                               "-DSCREENER_BUILD_TESTS=OFF", "-DSCREENER_BUILD_CLI=OFF"])
        subprocess.check_call([cmake, "--build", build, "--target", "screener_archive",
                               "--parallel", str(os.cpu_count() or 2)])
        for ext in self.extensions:
            ext.include_dirs.append(os.path.join(src, "include"))
            ext.extra_objects.append(os.path.join(build, "libscreener.a"))
            ext.extra_link_args.extend(
                pkg_config_libs(["libhs", "icu-uc", "icu-i18n", "libxxhash", "libsodium"]) + ["-lm"])
            if sys.platform.startswith("linux"):
                # the extension exports PyInit only, not the archive's screener_*
                ext.extra_link_args.append("-Wl,--exclude-libs,libscreener.a")
            ext.depends.append(os.path.join(build, "libscreener.a"))


class sdist_with_library(sdist):
    """Puts the C library's sources into the sdist (csrc/), so that a wheel
    built from the sdist (python -m build) builds the library too."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        src = c_source_dir()
        for part in C_SOURCE_PARTS:
            s, d = os.path.join(src, part), os.path.join(base_dir, "csrc", part)
            if os.path.isdir(s):
                shutil.copytree(s, d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                os.makedirs(os.path.dirname(d), exist_ok=True)
                shutil.copy2(s, d)
        for part in ("LICENSE", "NOTICE"):
            shutil.copy2(os.path.join(src, part), os.path.join(base_dir, part))


ext_args = dict(
    sources=["src/screener/_screener.c"],
    extra_compile_args=["-O2", "-std=c99", "-Wall", "-Wextra", "-Wno-unused-parameter",
                        "-Wno-missing-field-initializers", "-Wno-cast-function-type"],
)
if os.environ.get("SCREENER_PREFIX") or os.environ.get("SCREENER_BUILD_DIR"):
    if os.environ.get("SCREENER_PREFIX"):
        incs, libdirs, how = _from_prefix(os.path.abspath(os.environ["SCREENER_PREFIX"]))
    else:
        incs, libdirs, how = _from_build_dir(os.path.abspath(os.environ["SCREENER_BUILD_DIR"]))
    print("screener: building against libscreener from %s (include %s, lib %s)"
          % (how, incs, libdirs), file=sys.stderr)
    # Rebuild when the header or the library changes, not only the .c file.
    depends = [os.path.join(d, "screener.h") for d in incs
               if os.path.exists(os.path.join(d, "screener.h"))]
    depends += [os.path.join(d, "libscreener.so") for d in libdirs
                if os.path.exists(os.path.join(d, "libscreener.so"))]
    ext_args.update(
        depends=depends, include_dirs=incs, library_dirs=libdirs, libraries=["screener"],
        runtime_library_dirs=libdirs if sys.platform != "darwin" else [],
        extra_link_args=(["-Wl,-rpath," + d for d in libdirs] if sys.platform == "darwin" else []))

setup(ext_modules=[Extension("screener._screener", **ext_args)],
      cmdclass={"build_ext": build_ext_with_library, "sdist": sdist_with_library})
