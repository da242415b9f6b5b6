"""Pure-Python types of the screener binding: status codes, fold flags,
entries and the exception hierarchy. Imported by the C extension."""

from __future__ import annotations

import enum
import errno
import os
from typing import Any, Dict, NamedTuple, Optional, Tuple, Type

__all__ = [
    "Status", "Fold", "Entry", "Category",
    "ScreenerError", "InvalidArgumentError", "NoMemoryError", "ScreenerIOError",
    "DictionaryError", "DictSyntaxError", "DictTermError", "DictConflictError",
    "DictEmptyError", "UnsupportedError", "HyperscanError", "ICUError",
    "DatabaseError", "DatabaseFormatError", "DatabaseChecksumError",
    "DatabaseVersionError", "DatabasePlatformError", "ScratchInUseError",
    "TooLargeError", "LimitError", "DatabaseSignatureError", "DictionaryWarning",
]


class Status(enum.IntEnum):
    """C status codes (``SCREENER_*`` in screener.h). Values never change."""

    OK = 0
    E_INVALID_ARGUMENT = -1
    E_NOMEM = -2
    E_IO = -3
    E_DICT_SYNTAX = -4
    E_DICT_TERM = -5
    E_DICT_CONFLICT = -6
    E_DICT_EMPTY = -7
    E_UNSUPPORTED = -8
    E_HYPERSCAN = -9
    E_ICU = -10
    E_DB_FORMAT = -11
    E_DB_CHECKSUM = -12
    E_DB_VERSION = -13
    E_DB_PLATFORM = -14
    E_SCRATCH_IN_USE = -15
    E_TOO_LARGE = -16
    E_LIMIT = -17
    E_DB_SIGNATURE = -18

    @property
    def c_name(self) -> str:
        """The C enumerator, e.g. ``"SCREENER_E_DICT_SYNTAX"``."""
        return "SCREENER_" + self.name


class Fold(enum.IntFlag):
    """Fold families (``SCREENER_FOLD_*``). ``Fold.NONE`` means exact matching.

    Mirrors the library's table of families (``screener.fold_families()``; a
    test checks every member against it). Passing ``Fold.ALL`` to compile()
    asks the library for all of *its* families.
    """

    NONE = 0
    COMPAT = 1 << 0       #: NFKC: full-width, circled, Kangxi radicals, ligatures
    CASE = 1 << 1         #: case folding
    TRADITIONAL = 1 << 2  #: traditional -> simplified Chinese
    ACCENTS = 1 << 3      #: drop combining accents
    NOISE = 1 << 4        #: drop spaces, punctuation, symbols, emoji, zero-width
    HOMOGLYPH = 1 << 5    #: Cyrillic/Greek/other look-alike letters -> ASCII
    REPEATS = 1 << 6      #: stretched letters: fuuuuck matches fuck (runs of 3+)
    LEET = 1 << 7         #: leetspeak in Latin terms: sh1t, a$s, f 4 c k (docs/leet.md)
    ALL = 0xFF            #: every family (the default)


ENTRY_ALLOW = 1 << 0
ENTRY_WORD = 1 << 1
ENTRY_SUBSTRING = 1 << 2
ENTRY_DETECTOR = 1 << 3
ENTRY_REGEX = 1 << 4
ENTRY_NUMERALS = 1 << 5


class Entry(NamedTuple):
    """Metadata of one dictionary entry (``screener_entry_info``)."""

    id: int
    term: str
    category: str
    category_id: int
    severity: int
    flags: int
    source: str
    line: int
    #: for a form the compiler generated from another entry (dictionary
    #: ``@forms`` / ``forms=``): why it exists, e.g. ``"inflection of fuck"``;
    #: None for entries written in a dictionary
    reason: Optional[str] = None

    @property
    def allow(self) -> bool:
        """Allow-list entry: suppresses deny matches inside it."""
        return bool(self.flags & ENTRY_ALLOW)

    @property
    def word(self) -> bool:
        """Must match as a whole word."""
        return bool(self.flags & ENTRY_WORD)

    @property
    def substring(self) -> bool:
        """Never needs word boundaries."""
        return bool(self.flags & ENTRY_SUBSTRING)

    @property
    def detector(self) -> bool:
        """A built-in detector (``@detect NAME``); ``term`` is its name."""
        return bool(self.flags & ENTRY_DETECTOR)

    @property
    def regex(self) -> bool:
        """A regular expression entry."""
        return bool(self.flags & ENTRY_REGEX)

    @property
    def numerals(self) -> bool:
        """Its ASCII digits also match Chinese numerals."""
        return bool(self.flags & ENTRY_NUMERALS)


class Category(NamedTuple):
    """A category of a database (``screener_db_category``)."""

    id: int
    #: stable identifier ("porn", or a user category)
    name: str
    #: Chinese display name (built-in, ``@name-zh``, or the identifier)
    name_zh: str
    #: English display name (built-in, ``@name-en``, or the identifier)
    name_en: str
    #: action the database's policy recommends for severity 1, 2, 3 and 4
    actions: Tuple[str, str, str, str]

    def action_for(self, severity: int) -> str:
        """The recommended action for a severity 1..4."""
        if not 1 <= severity <= 4:
            raise ValueError("severity must be 1..4, not %r" % (severity,))
        return self.actions[severity - 1]


class ScreenerError(Exception):
    """An error reported by libscreener.

    Attributes:
        status: the C status as a :class:`Status` (an ``int``; unknown codes stay ints).
        message: the library's one-line message, ``"FILE:LINE: what: `text`"``
            when a file and line are known.
        file: dictionary/database file (or in-memory source name) involved, or None.
        line: 1-based line in that file, or 0 when not applicable.
    """

    status: int
    message: str
    file: Optional[str]
    line: int

    def __init__(self, status: int, message: str, file: Optional[str] = None,
                 line: int = 0) -> None:
        super().__init__(status, message, file, line)
        try:
            self.status = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        self.file = file
        self.line = line

    @property
    def status_name(self) -> str:
        """C name of the status, e.g. ``"SCREENER_E_DB_CHECKSUM"``."""
        if isinstance(self.status, Status):
            return self.status.c_name
        return "SCREENER_E_UNKNOWN(%d)" % self.status

    def __str__(self) -> str:
        return "%s [%s]" % (self.message, self.status_name)

    def __reduce__(self) -> Tuple[Any, Tuple[int, str, Optional[str], int]]:
        # keep pickling (multiprocessing) working
        return (type(self), (int(self.status), self.message, self.file, self.line))


class InvalidArgumentError(ScreenerError, ValueError):
    """SCREENER_E_INVALID_ARGUMENT."""


class NoMemoryError(ScreenerError, MemoryError):
    """SCREENER_E_NOMEM."""


class ScreenerIOError(ScreenerError, OSError):
    """SCREENER_E_IO: a file could not be read or written.

    An :class:`OSError`: ``errno``, ``strerror`` and ``filename`` are set when
    the library's message names the system error, and the instance is then
    also the matching OSError subclass, so ``except FileNotFoundError`` or
    ``except PermissionError`` catch it as they would catch ``open()``'s.
    """

    def __init__(self, status: int, message: str, file: Optional[str] = None,
                 line: int = 0) -> None:
        ScreenerError.__init__(self, status, message, file, line)
        code = _errno_in(message)
        self.errno = code
        self.strerror = os.strerror(code) if code else message
        self.filename = file

    def __str__(self) -> str:
        return ScreenerError.__str__(self)

    def __reduce__(self) -> Tuple[Any, Tuple[int, str, Optional[str], int]]:
        # rebuilt through _make_error, which picks the errno subclass again
        return (_make_error, (int(self.status), self.message, self.file, self.line))


def _errno_in(message: str) -> Optional[int]:
    """The errno whose strerror() text ends the message ("cannot open:
    No such file or directory"), or None. The C library writes these texts
    with the same libc, so the match is exact."""
    for code in _ERRNO_CODES:
        if message.endswith(": " + os.strerror(code)):
            return code
    return None


_ERRNO_CODES = sorted(set(errno.errorcode))

# OSError subclass per errno, as OSError(errno, ...) itself would pick.
_IO_CLASSES: Dict[Type[OSError], Type[ScreenerIOError]] = {}


def _io_class(code: Optional[int]) -> Type[ScreenerIOError]:
    if code is None:
        return ScreenerIOError
    base = type(OSError(code, os.strerror(code)))
    if base is OSError:
        return ScreenerIOError
    if base not in _IO_CLASSES:
        _IO_CLASSES[base] = type("Screener" + base.__name__, (ScreenerIOError, base),
                                 {"__module__": __name__,
                                  "__doc__": "ScreenerIOError that is a %s." % base.__name__})
    return _IO_CLASSES[base]


class DictionaryError(ScreenerError):
    """Base of the dictionary errors (SCREENER_E_DICT_*); ``file``/``line`` locate them."""


class DictionaryWarning(UserWarning):
    """A compile warning (``screener_compile_options.warning``), e.g. an allow
    entry that contains no deny term, or a term that ends in attributes written
    with spaces instead of a TAB. The message is ``"FILE:LINE: ..."``; turn
    warnings into errors with ``warnings.simplefilter("error", DictionaryWarning)``
    (the compile then raises and keeps nothing)."""


class DictSyntaxError(DictionaryError):
    """SCREENER_E_DICT_SYNTAX: a dictionary line is malformed."""


class DictTermError(DictionaryError):
    """SCREENER_E_DICT_TERM: a term is empty after folding, or invalid UTF-8."""


class DictConflictError(DictionaryError):
    """SCREENER_E_DICT_CONFLICT: the same term twice with different metadata."""


class DictEmptyError(DictionaryError):
    """SCREENER_E_DICT_EMPTY: no deny entries at all."""


class UnsupportedError(ScreenerError):
    """SCREENER_E_UNSUPPORTED."""


class HyperscanError(ScreenerError):
    """SCREENER_E_HYPERSCAN."""


class ICUError(ScreenerError):
    """SCREENER_E_ICU."""


class DatabaseError(ScreenerError):
    """Base of the serialized-database errors (SCREENER_E_DB_*)."""


class DatabaseFormatError(DatabaseError):
    """SCREENER_E_DB_FORMAT: not a screener database, or truncated."""


class DatabaseChecksumError(DatabaseError):
    """SCREENER_E_DB_CHECKSUM: damaged database."""


class DatabaseVersionError(DatabaseError):
    """SCREENER_E_DB_VERSION: database from another format/library version."""


class DatabasePlatformError(DatabaseError):
    """SCREENER_E_DB_PLATFORM: database built for another Hyperscan/CPU."""


class DatabaseSignatureError(DatabaseError):
    """SCREENER_E_DB_SIGNATURE: trusted keys were given and the file is
    unsigned, signed by another key, or changed after signing."""


class ScratchInUseError(ScreenerError):
    """SCREENER_E_SCRATCH_IN_USE (cannot happen through this binding)."""


class TooLargeError(ScreenerError):
    """SCREENER_E_TOO_LARGE: input or dictionary above a limit."""


class LimitError(ScreenerError):
    """SCREENER_E_LIMIT: a configured limit was exceeded."""


_BY_STATUS: Dict[int, Type[ScreenerError]] = {
    Status.E_INVALID_ARGUMENT: InvalidArgumentError,
    Status.E_NOMEM: NoMemoryError,
    Status.E_IO: ScreenerIOError,
    Status.E_DICT_SYNTAX: DictSyntaxError,
    Status.E_DICT_TERM: DictTermError,
    Status.E_DICT_CONFLICT: DictConflictError,
    Status.E_DICT_EMPTY: DictEmptyError,
    Status.E_UNSUPPORTED: UnsupportedError,
    Status.E_HYPERSCAN: HyperscanError,
    Status.E_ICU: ICUError,
    Status.E_DB_FORMAT: DatabaseFormatError,
    Status.E_DB_CHECKSUM: DatabaseChecksumError,
    Status.E_DB_VERSION: DatabaseVersionError,
    Status.E_DB_PLATFORM: DatabasePlatformError,
    Status.E_SCRATCH_IN_USE: ScratchInUseError,
    Status.E_TOO_LARGE: TooLargeError,
    Status.E_LIMIT: LimitError,
    Status.E_DB_SIGNATURE: DatabaseSignatureError,
}


def _make_error(status: int, message: str, file: Optional[str],
                line: int) -> ScreenerError:
    """Called by the extension: the exception instance for a C status."""
    cls = _BY_STATUS.get(status, ScreenerError)
    if cls is ScreenerIOError:
        cls = _io_class(_errno_in(message))
    return cls(status, message, file, line)
