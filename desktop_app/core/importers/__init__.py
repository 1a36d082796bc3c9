"""Importers: one small protocol and a registry; a new format is one module and one line."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from desktop_app.core.errors import InputError
from desktop_app.core.records import ImportProblem, SeriesData, TalkData


@dataclass
class ParsedFile:
    """What an importer read from one file.

    `default_series` is the series a foreign feed describes (created when new, used for talks
    whose series is empty); exchange files name their series on each talk. `problems` are
    records refused; `warnings` are reported without refusing anything.
    """

    series: list[SeriesData] = field(default_factory=list)
    talks: list[TalkData] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    default_series: SeriesData | None = None
    rejected: int = 0
    # False when the file was cut off (a download that stopped): a sync then does not read the
    # talks missing from it as dropped by the source
    complete: bool = True
    # uid → {"starred", "watched", "note"}: the user's marks exported "with my marks and notes"
    user_states: dict[str, dict[str, Any]] = field(default_factory=dict)
    # `saved_search` records of the exchange format (the saved.SavedSearch values)
    saved_searches: list[Any] = field(default_factory=list)


class Importer(Protocol):
    """A file format the archive can import."""

    name: str
    strict: bool  # True: one bad record refuses the whole file
    max_bytes: int  # a larger file is refused before it is read

    def detect(self, head: bytes, path: Path) -> bool:
        """True when the first bytes (and the name) look like this format."""
        ...

    def parse(self, data: bytes, path: Path) -> ParsedFile:
        """Read a whole file; problems are reported, never raised (but for a foreign file
        that is not of this format at all, which raises InputError)."""
        ...


_REGISTRY: list[Callable[[], Importer]] = []


def register(factory: Callable[[], Importer], *, first: bool = False) -> Callable[[], Importer]:
    """Add an importer to the registry (usable as a class decorator). `first`: ask it before
    the others, for a format whose detection is sure and which a broader one would also take
    (a JSON object is not always an exchange file)."""
    if first:
        _REGISTRY.insert(0, factory)
    else:
        _REGISTRY.append(factory)
    return factory


def importers() -> list[Importer]:
    """Every registered importer (the exchange format first: its detection is the surest)."""
    _load_builtin()
    return [factory() for factory in _REGISTRY]


def importer_for(data: bytes, path: Path) -> Importer:
    """The importer whose `detect` accepts the file, or InputError naming the file."""
    head = data[:4096]
    for importer in importers():
        if importer.detect(head, path):
            return importer
    names = ", ".join(importer.name for importer in importers())
    raise InputError(f"{path}: not a format the archive can import (it reads {names})")


HEAD_BYTES = 64 * 1024  # what detection and the first checks read
# Calendar feeds, researchseminars.org answers, playlist dumps: far above any real one.
FEED_MAX_BYTES = 16 * 2**20
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def read_for_import(path: Path) -> ParsedFile:
    """Read, detect and parse one file, reading at most its format's `max_bytes`.

    Raises InputError naming the file when it cannot be imported at all: unreadable, empty,
    binary or UTF-16, too large, of no known format, or (strict formats) with any problem.
    """
    importer, data = read_input(path)
    parsed = importer.parse(data, path)
    if parsed.problems and importer.strict:
        raise InputError(
            f"{path}: nothing imported, {len(parsed.problems)} problem(s) found",
            "\n".join(f"{p.where}: {p.message}" for p in parsed.problems[:20]),
        )
    return parsed


def read_input(path: Path) -> tuple[Importer, bytes]:
    """The importer for a file (detected from its first bytes) and the file's bytes, at most
    the importer's `max_bytes` of them (a pipe or a device is never read to its end).

    Raises InputError naming the file: unreadable, empty, binary or UTF-16, too large, or of
    no known format.
    """
    found: list[Importer] = []

    def choose(head: bytes) -> tuple[int, str]:
        found.append(importer_for(head, path))
        return found[0].max_bytes, f"a file of this kind ({found[0].name})"

    data = _read(path, choose)
    return found[0], data


def read_bounded(path: Path, max_bytes: int, what: str) -> bytes:
    """A text file's bytes, refused (InputError) past `max_bytes` or when binary; `what` the
    file is, for the message ("a playlist dump")."""
    return _read(path, lambda _head: (max_bytes, what))


def _read(path: Path, choose: Callable[[bytes], tuple[int, str]]) -> bytes:
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
            _check_head(head, path)
            limit, what = choose(head)
            size = os.fstat(stream.fileno()).st_size  # 0 for a pipe or a device
            data = b""
            if size <= limit and stream.seekable():
                stream.seek(0)  # one copy of the file in memory, not two
                data = stream.read(limit + 1)
            elif size <= limit:  # a pipe: read up to the cap, not to its end
                data = head + stream.read(max(0, limit + 1 - len(head)))
    except FileNotFoundError as error:
        raise InputError(f"{path}: no such file") from error
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    if size > limit or len(data) > limit:
        raise InputError(
            f"{path}: nothing imported: the file is larger than {limit // 2**20} MB, "
            f"the most {what} may have"
        )
    return data


def _check_head(head: bytes, path: Path) -> None:
    """InputError for an empty file, a UTF-16/32 one, or binary data (more than one byte in
    twenty a control character)."""
    if not head.strip() and len(head) < HEAD_BYTES:
        raise InputError(f"{path}: the file is empty")
    for bom, encoding in _WIDE_BOMS.items():
        if head.startswith(bom):
            raise InputError(f"{path}: {encoding} text; save it as UTF-8 and import it again")
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    if controls * 20 > len(head):  # a stray NUL in a feed is that event's problem
        raise InputError(
            f"{path}: not a text file ({controls} of its first {len(head)} bytes are control "
            "characters: binary data, or UTF-16 text)"
        )


def _load_builtin() -> None:
    """Import every module of this package once; each registers its importer."""
    import importlib
    import pkgutil

    global _LOADED
    if _LOADED:
        return
    # Sync reads several sources at once: a second thread must wait until every module
    # has registered, not see a half-filled registry.
    with _LOADING:
        if _LOADED:
            return
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True


_LOADED = False
_LOADING = threading.Lock()
