"""Where the index lives: versioned index folders, the pointer to the current one, locks.

Layout of `<archive>/index/`: `CURRENT` names the folder in use (`ix-…`), replaced atomically
when a rebuild completes; each `ix-…` folder holds Whoosh's files and `state.json` (schema
version, engine version, database generation reflected). Builds that never completed (a
crash, a kill) are folders that `CURRENT` does not name; they are removed on the next open.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from desktop_app.core.errors import ArchiveBusyError
from desktop_app.core.search.schema import SCHEMA_VERSION, build_schema

log = logging.getLogger("desktop_app.core.search")

INDEX_FOLDER = "index"
POINTER = "CURRENT"
STATE = "state.json"
ENGINE = f"whoosh-reloaded {whoosh.versionstring()}"
REBUILD_LOCK = "REBUILD"


@dataclass(frozen=True)
class IndexState:
    """What an index folder says about itself."""

    schema_version: int
    engine: str
    generation: int

    @property
    def current(self) -> bool:
        """True when written by this schema and Whoosh version."""
        return self.written_by(ENGINE)

    def written_by(self, engine: str, schema_version: int = SCHEMA_VERSION) -> bool:
        """True when written by `engine` (name and version) with this schema."""
        return self.schema_version == schema_version and self.engine == engine


class IndexFolder:
    """The `index` folder of an archive."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def current(self) -> Path | None:
        """The index folder in use, or None when there is none (yet)."""
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.root / name
        return path if name.startswith("ix-") and path.is_dir() else None

    def new_folder(self) -> Path:
        """An empty folder for a new index."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"ix-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
        path.mkdir()
        return path

    def make_current(self, path: Path) -> None:
        """Point CURRENT at `path` in one atomic step."""
        temporary = self.root / f"{POINTER}.{uuid.uuid4().hex[:8]}.tmp"
        temporary.write_text(path.name + "\n", encoding="utf-8")
        _fsync_file(temporary)
        os.replace(temporary, self.root / POINTER)
        _fsync_dir(self.root)

    def remove_stale(self) -> None:
        """Delete index folders that are not current (old ones, interrupted builds).

        Only when no other process is building one (it holds the rebuild lock).
        """
        if not self.root.is_dir():
            return
        lock = self.rebuild_lock()
        if not lock.acquire(blocking=False):
            return
        try:
            current = self.current()
            for path in self.root.iterdir():
                if path.name.startswith("ix-") and path != current:
                    log.info("removing stale index folder %s", path)
                    shutil.rmtree(path, ignore_errors=True)
                elif path.name.startswith(POINTER + ".") and path.name.endswith(".tmp"):
                    path.unlink(missing_ok=True)
        finally:
            lock.release()

    def rebuild_lock(self) -> Any:
        """The lock a process holds while it builds a new index."""
        self.root.mkdir(parents=True, exist_ok=True)
        return FileStorage(str(self.root)).lock(REBUILD_LOCK)

    @contextmanager
    def building(self, timeout: float) -> Iterator[None]:
        """Hold the rebuild lock, waiting up to `timeout` seconds for another builder."""
        lock = self.rebuild_lock()
        deadline = time.monotonic() + timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise ArchiveBusyError(
                    "the search index is busy: another Seminar Archive is rebuilding it",
                    "Try again when it has finished.",
                )
            time.sleep(0.2)
        try:
            yield
        finally:
            lock.release()


def create_index(path: Path) -> Any:
    """A new, empty Whoosh index in `path`."""
    return whoosh_index.create_in(str(path), build_schema())


def open_index(path: Path) -> Any:
    """The Whoosh index in `path` (raises on a damaged one)."""
    return whoosh_index.open_dir(str(path))


def read_state(path: Path) -> IndexState | None:
    """The state of an index folder, or None when missing or unreadable."""
    try:
        data = json.loads((path / STATE).read_text(encoding="utf-8"))
        return IndexState(int(data["schema_version"]), str(data["engine"]), int(data["generation"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(
    path: Path, generation: int, engine: str = ENGINE, schema_version: int = SCHEMA_VERSION
) -> None:
    """Record (atomically) which database generation the index in `path` reflects."""
    data = {"schema_version": schema_version, "engine": engine, "generation": generation}
    temporary = path / f"{STATE}.{uuid.uuid4().hex[:8]}.tmp"
    temporary.write_text(json.dumps(data) + "\n", encoding="utf-8")
    _fsync_file(temporary)
    os.replace(temporary, path / STATE)


def sync_folder(path: Path) -> None:
    """Flush every file of a finished index to disk (Whoosh itself never does)."""
    for child in path.iterdir():
        if child.is_file():
            _fsync_file(child)
    _fsync_dir(path)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as stream:
        os.fsync(stream.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
