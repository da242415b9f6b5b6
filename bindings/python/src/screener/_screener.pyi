"""Type stubs of the C extension screener._screener (re-exported by screener)."""

import os
from types import TracebackType
from typing import (Dict, Final, Iterable, Iterator, List, Literal, Optional, Sequence, Tuple,
                    Type, Union)

from ._types import Category, Entry, Fold

_Text = Union[str, bytes, bytearray, memoryview]
_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

library_version: Final[str]
library_version_number: Final[int]
header_version: Final[str]
_FOLD_ALL: Final[int]
_COMPILE_NATIVE: Final[int]
_COMPILE_NO_HOST_WORDS: Final[int]

def fold_families() -> List[Tuple[str, int, str]]:
    """The library's fold families as (name, flag, description), in bit order."""
def detectors() -> List[str]:
    """The library's built-in detectors, as written after ``@detect``."""
def _fold_flags_parse(list: str, /) -> int: ...
def action_names() -> Tuple[str, str, str, str]:
    """('pass', 'review', 'mask', 'block'): the actions in order of strength."""

_Action = Literal["pass", "review", "mask", "block", "drop"]

class Profile:
    """A per-call profile: rules, minimum severity, match cap (immutable)."""

    def __init__(self, *, rules: Iterable[Tuple[Optional[str], int, _Action]] = (),
                 min_severity: int = 0, max_matches: int = 0,
                 disable: Iterable[str] = ()) -> None: ...
    @property
    def rules(self) -> Tuple[Tuple[Optional[str], int, str], ...]: ...
    @property
    def min_severity(self) -> int: ...
    @property
    def max_matches(self) -> int: ...

class Match:
    """One dictionary match in a scanned message (read-only)."""

    @property
    def start(self) -> int:
        """Start: code point index for str input, byte offset for bytes input."""
    @property
    def end(self) -> int:
        """End (exclusive), same unit as start."""
    @property
    def term(self) -> str:
        """The dictionary term as written in the dictionary."""
    @property
    def category(self) -> str: ...
    @property
    def severity(self) -> int:
        """1 (light) .. 4 (malicious)."""
    @property
    def action(self) -> str:
        """'review', 'mask' or 'block'."""
    @property
    def text(self) -> Union[str, bytes]:
        """The matched span of the input (str for str input, bytes otherwise)."""
    @property
    def suppressed(self) -> bool:
        """Covered by an allow-list entry: not counted in the verdict."""
    @property
    def selected(self) -> bool:
        """Part of the leftmost-longest non-overlapping selection."""
    @property
    def entry_id(self) -> int: ...
    @property
    def category_id(self) -> int: ...

class Result:
    """Verdict of one scan (read-only)."""

    @property
    def action(self) -> str:
        """'pass', 'review', 'mask' or 'block'."""
    @property
    def action_code(self) -> int:
        """0 pass, 1 review, 2 mask, 3 block."""
    @property
    def severity(self) -> int:
        """Highest severity among counted matches, 0 if none."""
    @property
    def categories(self) -> List[str]:
        """Distinct categories of counted matches, by category id."""
    @property
    def matches(self) -> List[Match]:
        """All deny matches (suppressed ones included), sorted by (start, end, entry)."""
    @property
    def flagged(self) -> bool:
        """True unless action == 'pass'."""
    @property
    def fingerprint(self) -> str:
        """Fingerprint of the database that produced this result."""
    @property
    def db_version(self) -> int:
        """Handle version of that database for Handle scans, else 0."""
    @property
    def truncated(self) -> bool:
        """More matches existed than the profile's max_matches."""
    def __bool__(self) -> bool:
        """True when the action is not 'pass' (== len(self) > 0)."""
    def __len__(self) -> int:
        """Counted matches whose action is not 'pass'."""
    def __iter__(self) -> Iterator[Match]:
        """The counted matches whose action is not 'pass'."""

class Stream:
    """Text arriving in chunks (Database.stream(), Handle.stream())."""

    def write(self, chunk: _Text, /) -> Result: ...
    def close(self) -> Result: ...
    def __enter__(self) -> "Stream": ...
    def __exit__(self, exc_type: Optional[Type[BaseException]],
                 exc_value: Optional[BaseException],
                 traceback: Optional[TracebackType], /) -> bool: ...
    @property
    def closed(self) -> bool: ...
    @property
    def position(self) -> int: ...

class Handle:
    """Serves a Database that can be replaced while scans run (hot reload)."""

    def __init__(self, db: "Database") -> None: ...
    def scan(self, text: _Text, /, *, profile: Optional[Profile] = None) -> Result: ...
    def scan_batch(self, messages: Sequence[_Text], /, *,
                   profile: Optional[Profile] = None) -> List[Result]: ...
    def mask(self, text: _Text, /, *, mask_char: str = "*", all: bool = False,
             profile: Optional[Profile] = None) -> Union[str, bytes]: ...
    def stream(self, *, profile: Optional[Profile] = None) -> Stream: ...
    def swap(self, db: "Database", /) -> int: ...
    def load(self, path: _Path, *, trusted_keys: Optional[Iterable[_Path]] = None) -> int: ...
    def _compile(self, paths: List[bytes], texts: List[Tuple[bytes, bytes]], fold_flags: int,
                 max_entries: int, max_term_bytes: int = 0, max_dictionary_bytes: int = 0,
                 flags: int = 0, /) -> int: ...
    @property
    def current(self) -> "Database": ...
    @property
    def version(self) -> int: ...

class Database:
    """A compiled, immutable screener database; safe to share between threads."""

    @classmethod
    def load(cls, path: _Path, *,
             trusted_keys: Optional[Iterable[_Path]] = None) -> "Database":
        """Load a database file written by save(); with trusted_keys (public key
        files) only one signed by one of those keys."""
    @classmethod
    def from_bytes(cls, data: Union[bytes, bytearray, memoryview], /) -> "Database":
        """Rebuild a database from to_bytes() output."""
    def save(self, path: _Path, /) -> None:
        """Write the database to a file, atomically."""
    def to_bytes(self) -> bytes:
        """Serialize the database."""
    def scan(self, text: _Text, /, *, profile: Optional[Profile] = None) -> Result:
        """Scan one message; releases the GIL."""
    def scan_batch(self, messages: Sequence[_Text], /, *,
                   profile: Optional[Profile] = None) -> List[Result]:
        """Scan many messages with one C call; releases the GIL."""
    def mask(self, text: _Text, /, *, mask_char: str = "*", all: bool = False,
             profile: Optional[Profile] = None) -> Union[str, bytes]:
        """Text with matched spans replaced, one mask_char per original character."""
    def stream(self, *, profile: Optional[Profile] = None) -> Stream:
        """A Stream for text arriving in chunks."""
    def category(self, key: Union[int, str], /) -> Category:
        """A category by id or identifier."""
    def info(self) -> Dict[str, Union[int, str]]:
        """What the database says about itself (versions, sizes, counts)."""
    def fold(self, text: _Text, /) -> str:
        """The text folded the way scans see it."""
    def entry(self, entry_id: int, /) -> Entry:
        """Metadata of a dictionary entry."""
    @property
    def fingerprint(self) -> str: ...
    @property
    def categories(self) -> Tuple[str, ...]: ...
    @property
    def fold_flags(self) -> Fold: ...
    @property
    def entry_count(self) -> int: ...
    def __len__(self) -> int: ...

def strerror(status: int, /) -> str: ...
def _compile(paths: List[bytes], texts: List[Tuple[bytes, bytes]], fold_flags: int,
             max_entries: int, max_term_bytes: int = 0, max_dictionary_bytes: int = 0,
             flags: int = 0, /) -> Database: ...
def _db_from_bytes(data: bytes, /) -> Database: ...
def _c_loop_scan(db: Database, data: bytes, n: int, clock: int = 0, /) -> int: ...
def _c_loop_scan_batch(db: Database, messages: List[bytes], n: int, clock: int = 0,
                       /) -> int: ...
def _pool_size(db: Database, /) -> int: ...
