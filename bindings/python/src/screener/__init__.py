"""screener — high-throughput content screening (Python binding of libscreener).

Example::

    import screener

    db = screener.compile(texts={"politics": "法轮功\\n", "porn": "sex\\tseverity=4\\n"})
    res = db.scan("ｓｅｘ 法輪功")
    res.action                      # 'block'
    [(m.start, m.end, m.term) for m in res.matches]

A :class:`Database` is immutable and may be shared by any number of threads;
scans release the GIL and every thread gets its own scratch space.
"""

from __future__ import annotations

import os
from typing import Iterable, Mapping, Optional, Sequence, Tuple, Union

from ._types import (
    DatabaseChecksumError, DatabaseError, DatabaseFormatError, DatabasePlatformError,
    DatabaseSignatureError, DatabaseVersionError, DictConflictError, DictEmptyError, DictionaryError,
    DictSyntaxError, DictTermError, Entry, Fold, HyperscanError, ICUError,
    InvalidArgumentError, LimitError, NoMemoryError, ScratchInUseError, ScreenerError,
    ScreenerIOError, Status, TooLargeError, UnsupportedError,
)
from ._screener import (  # noqa: F401  (re-exported)
    Database, Match, Result, detectors, fold_families, header_version, library_version,
    library_version_number, strerror,
)
from ._screener import Handle as _CHandle
from . import _screener

__version__ = "0.1.0"

__all__ = [
    "compile", "Database", "Handle", "Result", "Match", "Entry", "Fold", "Status",
    "ScreenerError", "InvalidArgumentError", "NoMemoryError", "ScreenerIOError",
    "DictionaryError", "DictSyntaxError", "DictTermError", "DictConflictError",
    "DictEmptyError", "UnsupportedError", "HyperscanError", "ICUError", "DatabaseError",
    "DatabaseFormatError", "DatabaseChecksumError", "DatabaseVersionError",
    "DatabasePlatformError", "ScratchInUseError", "TooLargeError", "LimitError",
    "DatabaseSignatureError", "library_version", "header_version", "strerror", "fold_families", "detectors",
]

_FOLD_EXPLICIT = 1 << 31

PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
FoldSpec = Union[Fold, int, str, Iterable[str], None]


def _fold_bits(fold: FoldSpec) -> int:
    """Compile flags for a fold spec. Names are parsed by the library, which
    owns the list of families (screener_fold_flags_parse)."""
    if fold is None:
        return 0  # library default: Fold.ALL
    if isinstance(fold, int):
        bits = int(fold)
        if bits & ~(int(Fold.ALL) | _screener._FOLD_ALL):
            raise ValueError("unknown fold bits: %#x" % bits)
    elif isinstance(fold, str):
        bits = _screener._fold_flags_parse(fold) & ~_FOLD_EXPLICIT
    else:
        bits = 0
        for name in fold:
            if "," in name:
                raise ValueError("fold family names cannot contain ',': %r" % name)
            bits |= _screener._fold_flags_parse(name) & ~_FOLD_EXPLICIT
    if bits == int(Fold.ALL):
        return 0  # the library's own "all", even if it knows more families than Fold
    return bits | _FOLD_EXPLICIT


def compile(paths: Sequence[PathLike] = (),
            texts: Optional[Union[Mapping[str, Union[str, bytes]],
                                  Iterable[Tuple[str, Union[str, bytes]]]]] = None,
            *, fold: FoldSpec = None, max_entries: int = 0) -> Database:
    """Compile dictionaries into a :class:`Database`.

    Args:
        paths: dictionary files. A file's default category is its base name
            without extension (``porn.txt`` -> ``porn``).
        texts: in-memory dictionaries as ``{name: text}`` (or ``(name, text)``
            pairs); ``name`` plays the role of the file name (messages,
            default category).
        fold: fold families: a :class:`Fold` value (``Fold.NONE`` for exact
            matching), or names such as ``"case,compat"`` / ``["case"]``.
            Default: all families.
        max_entries: limit on entries; 0 means the library default.

    Sources are compiled in order: ``paths`` first, then ``texts``. The GIL
    is released while the library compiles.

    Raises:
        DictionaryError: (a :class:`ScreenerError`) with ``file`` and ``line``
            for a bad dictionary; ScreenerIOError for an unreadable file.
    """
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    bpaths = [os.fsencode(p) for p in paths]
    items: Iterable[Tuple[str, Union[str, bytes]]]
    if texts is None:
        items = ()
    elif isinstance(texts, Mapping):
        items = texts.items()
    else:
        items = texts
    btexts = []
    for name, text in items:
        bname = name.encode("utf-8") if isinstance(name, str) else bytes(name)
        btext = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
        btexts.append((bname, btext))
    if not bpaths and not btexts:
        raise ValueError("compile() needs at least one dictionary (paths or texts)")
    return _screener._compile(bpaths, btexts, _fold_bits(fold), max_entries)


class Handle(_CHandle):
    """Serves a :class:`Database` that can be replaced while scans run (hot reload).

    ``Handle(db)`` starts at version 1. ``scan``/``scan_batch``/``mask`` use the
    current database; each :class:`Result` carries ``db_version`` and
    ``fingerprint``. ``swap(db)``, ``load(path)`` and ``compile(...)`` replace
    the database atomically and return the new version: scans already running
    finish on the old database, which is freed when nothing uses it any more.
    A failed ``load``/``compile`` raises and keeps the current database.
    """

    def compile(self, paths: Sequence[PathLike] = (),
                texts: Optional[Union[Mapping[str, Union[str, bytes]],
                                      Iterable[Tuple[str, Union[str, bytes]]]]] = None,
                *, fold: FoldSpec = None, max_entries: int = 0) -> int:
        """Compile dictionaries (as :func:`compile`; GIL released) and make the
        result current. Returns the new version."""
        return self.swap(compile(paths, texts, fold=fold, max_entries=max_entries))
