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
import re
from typing import Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._types import (
    DatabaseChecksumError, DatabaseError, DatabaseFormatError, DatabasePlatformError,
    DatabaseSignatureError, DatabaseVersionError, DictConflictError, DictEmptyError, DictionaryError,
    DictionaryWarning,
    DictSyntaxError, DictTermError, Entry, Category, Fold, HyperscanError, ICUError,
    InvalidArgumentError, LimitError, NoMemoryError, ScratchInUseError, ScreenerError,
    ScreenerIOError, Status, TooLargeError, UnsupportedError,
)
from ._screener import (  # noqa: F401  (re-exported)
    Database, Match, Profile, Result, Stream, action_names, detectors, fold_families,
    header_version, library_version, library_version_number, strerror,
)
from ._screener import Handle as _CHandle
from . import _screener

__version__ = "0.1.0"

__all__ = [
    "compile", "escape_term", "Database", "Handle", "Result", "Match", "Entry", "Category",
    "Profile", "Stream", "Fold", "Status", "action_names",
    "ScreenerError", "InvalidArgumentError", "NoMemoryError", "ScreenerIOError",
    "DictionaryError", "DictSyntaxError", "DictTermError", "DictConflictError",
    "DictEmptyError", "DictionaryWarning", "UnsupportedError", "HyperscanError", "ICUError", "DatabaseError",
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


Texts = Optional[Union[Mapping[str, Union[str, bytes]], Iterable[Tuple[str, Union[str, bytes]]]]]

_CATEGORY = re.compile(r"[a-z0-9_]{1,64}")
_UNWRITABLE = {"\t": "a TAB", "\n": "a line break", "\r": "a line break",
               "\0": "a NUL character"}


def escape_term(term: str) -> str:
    """The dictionary text of a literal term, so that it is read as that term.

    A leading ``#`` or ``@`` would make the line a comment or a directive
    (``#metoo``, ``@admin``), and a leading backslash is itself an escape: each
    of them gets a backslash in front (docs/dictionary-format.md, "Escapes").
    Everything else is written as it is.

    Raises:
        TypeError: term is not a str.
        ValueError: the term cannot be written in a dictionary: empty, with a
            TAB, a line break or a NUL, or with a space at either end (the
            format trims those).
    """
    if not isinstance(term, str):
        raise TypeError("a term must be a str, not %s" % type(term).__name__)
    if not term:
        raise ValueError("empty term")
    for ch, what in _UNWRITABLE.items():
        if ch in term:
            raise ValueError("a dictionary term cannot contain %s: %r" % (what, term))
    if term[0] == " " or term[-1] == " ":
        raise ValueError("a dictionary term cannot start or end with a space: %r" % (term,))
    if term[0] in "#@\\":
        return "\\" + term
    return term


def _word_list(words: Iterable[str], what: str, attrs: str) -> bytes:
    if isinstance(words, (str, bytes)):
        raise TypeError("%s must be an iterable of terms, not one %s" % (what, type(words).__name__))
    lines = []
    for i, w in enumerate(words):
        try:
            lines.append(escape_term(w) + attrs)
        except (TypeError, ValueError) as e:
            raise type(e)("%s[%d]: %s" % (what, i, e)) from None
    return "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass")


def _sources(paths: Sequence[PathLike], texts: Texts, words: Optional[Iterable[str]],
             allow: Optional[Iterable[str]], category: Optional[str],
             severity: Optional[int]) -> Tuple[List[bytes], List[Tuple[bytes, bytes]]]:
    """The (paths, texts) the extension compiles."""
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
    if words is None and allow is None:
        if category is not None or severity is not None:
            raise TypeError("category= and severity= apply to words= and allow=")
    else:
        if category is None:
            category = "words"
        if not isinstance(category, str):
            raise TypeError("category must be a str, not %s" % type(category).__name__)
        if not _CATEGORY.fullmatch(category):
            raise ValueError("category must be 1-64 characters of [a-z0-9_], not %r" % (category,))
        attrs = "category=" + category
        if severity is not None:
            if not isinstance(severity, int) or isinstance(severity, bool):
                raise TypeError("severity must be an int, not %s" % type(severity).__name__)
            if not 1 <= severity <= 4:
                raise ValueError("severity must be 1, 2, 3 or 4, not %r" % (severity,))
            attrs += " severity=%d" % severity
        if words is not None:
            btexts.append((b"words", _word_list(words, "words", "\t" + attrs)))
        if allow is not None:
            btexts.append((b"allow", _word_list(allow, "allow", "\tallow " + attrs)))
    if not bpaths and not btexts:
        raise ValueError("compile() needs at least one dictionary (paths, texts or words)")
    return bpaths, btexts


def _options(fold: FoldSpec, max_entries: int, max_term_bytes: int, max_dictionary_bytes: int,
             native: bool, host_words: bool) -> Tuple[int, int, int, int, int]:
    """fold_flags, max_entries, max_term_bytes, max_dictionary_bytes, flags."""
    for name, v in (("max_entries", max_entries), ("max_term_bytes", max_term_bytes),
                    ("max_dictionary_bytes", max_dictionary_bytes)):
        if not isinstance(v, int) or isinstance(v, bool):
            raise TypeError("%s must be an int, not %s" % (name, type(v).__name__))
        if v < 0 or v >= (1 << (64 if name == "max_dictionary_bytes" else 32)):
            raise ValueError("%s out of range (0 means the library default): %r" % (name, v))
    flags = (_screener._COMPILE_NATIVE if native else 0) | \
        (0 if host_words else _screener._COMPILE_NO_HOST_WORDS)
    return _fold_bits(fold), max_entries, max_term_bytes, max_dictionary_bytes, flags


def compile(paths: Sequence[PathLike] = (), texts: Texts = None, *,
            words: Optional[Iterable[str]] = None, allow: Optional[Iterable[str]] = None,
            category: Optional[str] = None, severity: Optional[int] = None,
            fold: FoldSpec = None, max_entries: int = 0, max_term_bytes: int = 0,
            max_dictionary_bytes: int = 0, native: bool = False,
            host_words: bool = True) -> Database:
    """Compile dictionaries into a :class:`Database`.

    Args:
        paths: dictionary files. A file's default category is its base name
            without extension (``porn.txt`` -> ``porn``).
        texts: in-memory dictionaries as ``{name: text}`` (or ``(name, text)``
            pairs); ``name`` plays the role of the file name (messages,
            default category).
        words: terms as a Python list (any iterable of str), each one literal:
            ``#metoo``, ``@admin`` and ``\\x`` are those terms (see
            :func:`escape_term`), never a comment or a directive. An error names
            the source ``words`` and line N for ``words[N-1]``.
        allow: allow-list terms (``allow`` entries: a match inside one of them
            is suppressed), literal as ``words``; errors name source ``allow``.
        category: category of ``words`` and ``allow`` (default ``"words"``),
            1-64 characters of ``[a-z0-9_]``.
        severity: severity 1..4 of ``words`` and ``allow`` (default 2).
        fold: fold families: a :class:`Fold` value (``Fold.NONE`` for exact
            matching), or names such as ``"case,compat"`` / ``["case"]``.
            Default: all families.
        max_entries: limit on entries; 0 means the library default (2,000,000).
        max_term_bytes: longest term in bytes; 0: the default (1024).
        max_dictionary_bytes: limit on the size of all sources together; 0:
            the default (256 MiB).
        native: tune the Hyperscan database for this CPU (the file then only
            loads on CPUs with its features); default: any x86-64 CPU.
        host_words: generate the word-aware allow entries of Chinese terms
            (docs/dictionary-format.md, "host words"); False switches them off.

    Sources are compiled in order: ``paths``, ``texts``, ``words``,
    ``allow``. The GIL is released while the library compiles. The library's
    warnings are issued as :class:`DictionaryWarning` (``warnings`` module).

    Raises:
        DictionaryError: (a :class:`ScreenerError`) with ``file`` and ``line``
            for a bad dictionary; ScreenerIOError for an unreadable file;
            TypeError / ValueError for arguments of the wrong type or value.
    """
    bpaths, btexts = _sources(paths, texts, words, allow, category, severity)
    return _screener._compile(bpaths, btexts, *_options(fold, max_entries, max_term_bytes,
                                                        max_dictionary_bytes, native,
                                                        host_words))


class Handle(_CHandle):
    """Handle(db)

    Serves a database that can be replaced while scans run (hot reload),
    built on the C ``screener_handle``.

    ``Handle(db)`` starts at version 1 with a copy of ``db``. ``scan``,
    ``scan_batch``, ``mask`` and ``stream`` use the current database; each
    :class:`Result` carries ``db_version`` and ``fingerprint``. ``swap(db)``,
    ``load(path)`` and ``compile(...)`` replace the database atomically and
    return the new version: scans already running finish on the old database,
    which the library frees when nothing uses it any more (``current`` and
    pending Results keep their version alive). A failed ``load``/``compile``
    raises and keeps the current database.
    """

    def compile(self, paths: Sequence[PathLike] = (), texts: Texts = None, *,
                words: Optional[Iterable[str]] = None, allow: Optional[Iterable[str]] = None,
                category: Optional[str] = None, severity: Optional[int] = None,
                fold: FoldSpec = None, max_entries: int = 0, max_term_bytes: int = 0,
                max_dictionary_bytes: int = 0, native: bool = False,
                host_words: bool = True) -> int:
        """Compile dictionaries (arguments as :func:`compile`; GIL released) and
        make the result current (``screener_handle_swap`` of the new database,
        after its warnings were issued). Returns the new version; on failure
        (or a warning turned into an error) raises and keeps the current
        database."""
        bpaths, btexts = _sources(paths, texts, words, allow, category, severity)
        return self._compile(bpaths, btexts, *_options(fold, max_entries, max_term_bytes,
                                                       max_dictionary_bytes, native,
                                                       host_words))
