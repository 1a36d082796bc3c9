"""Importers: one small protocol and a registry; a new format is one module and one line."""

from __future__ import annotations

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
    # uid → {"starred", "watched", "note"}: the user's marks exported "with my marks and notes"
    user_states: dict[str, dict[str, Any]] = field(default_factory=dict)
    # `saved_search` records of the exchange format (the saved.SavedSearch values)
    saved_searches: list[Any] = field(default_factory=list)


class Importer(Protocol):
    """A file format the archive can import."""

    name: str
    strict: bool  # True: one bad record refuses the whole file

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


def _load_builtin() -> None:
    """Import every module of this package once; each registers its importer."""
    import importlib
    import pkgutil

    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")


_LOADED = False
