"""SQLite database files as files: consistent copies (the backup API) and checks of what a file
holds. Plain `sqlite3` only: no SQLAlchemy, no Alembic."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from desktop_app.core.errors import ArchiveError, InputError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
# Tables every schema the app has shipped holds.
ARCHIVE_TABLES = frozenset({"alembic_version", "archive_meta", "series", "talks", "user_state"})


@dataclass(frozen=True)
class DatabaseFacts:
    """What a checked database file holds."""

    revision: str
    talks: int


def read_only_uri(path: Path) -> str:
    """The `file:` URI that reads `path` and never writes it (a URI, so that `?` or `#` in a
    name are safe).

    In a folder that cannot be written, a database without a write-ahead log is opened
    immutable: SQLite could not make the shared-memory file WAL mode reads with. A log left
    by a crash is read as it is.
    """
    options = "mode=ro"
    wal = Path(f"{path}-wal")
    if not os.access(path.parent, os.W_OK) and not (wal.exists() and wal.stat().st_size):
        options += "&immutable=1"
    return f"file:{quote(str(path.resolve()))}?{options}"


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes `path` (see `read_only_uri`)."""
    return sqlite3.connect(read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_S)


def copy_database(source: Path, target: Path) -> None:
    """Copy the database `source` to the new file `target` with SQLite's backup API.

    The copy is one read transaction: a consistent snapshot even while other connections or
    processes write (in WAL mode they are not even held up). It is written beside `target`
    and renamed into place, so `target` is complete or absent; it is a single file (rollback
    journal mode), whatever the source's mode.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        reader = connect_read_only(source)
        try:
            writer = sqlite3.connect(partial)
            try:
                reader.backup(writer)  # every page in one step: one snapshot
                writer.execute("PRAGMA journal_mode = DELETE")
            finally:
                writer.close()
        finally:
            reader.close()
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    except sqlite3.Error as error:
        raise ArchiveError(f"{source} could not be copied to {target}", str(error)) from error
    except OSError as error:
        raise ArchiveError(f"{target} could not be written", str(error)) from error
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def copy_into(source: Path, target: Path) -> None:
    """Replace the content of the database `target` by that of `source` (backup API).

    One write transaction of `target`: other connections to it stay valid and see the new
    content; a crash in the middle leaves the old content.
    """
    try:
        reader = connect_read_only(source)
        try:
            writer = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)
            try:
                reader.backup(writer)
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.Error as error:
        raise ArchiveError(f"{target} could not be replaced by {source}", str(error)) from error


def page_size(path: Path) -> int:
    """The page size of the database `path`."""
    connection = connect_read_only(path)
    try:
        return int(connection.execute("PRAGMA page_size").fetchone()[0])
    finally:
        connection.close()


def set_page_size(path: Path, size: int) -> None:
    """Rewrite the database `path` (not used by anyone else) with pages of `size` bytes."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute(f"PRAGMA page_size = {int(size)}")
        connection.execute("VACUUM")
    finally:
        connection.close()


def is_sqlite_file(path: Path) -> bool:
    """True when `path` is a regular file that starts with SQLite's header."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def check_archive_database(path: Path) -> DatabaseFacts:
    """Check that `path` is an intact database of this app; InputError (naming it) if not.

    Checks: a regular SQLite file, `PRAGMA integrity_check` ok, the app's tables present and
    a schema revision this version can open (not one written by a newer version).
    """
    from desktop_app.core.upgrade import refuse_unknown_revision

    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if not is_sqlite_file(path):
        raise InputError(f"{path}: not an SQLite database (not a Seminar Archive backup)")
    try:
        connection = connect_read_only(path)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise InputError(
                    f"{path}: the database is damaged (integrity check failed)",
                    "\n".join(str(p) for p in problems[:10]),
                )
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            missing = ARCHIVE_TABLES - tables
            if missing:
                raise InputError(
                    f"{path}: not a Seminar Archive database",
                    f"missing tables: {', '.join(sorted(missing))}",
                )
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            talks = int(connection.execute("SELECT count(*) FROM talks").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise InputError(f"{path}: the database is damaged (cannot be read)", str(error)) from error
    if row is None:
        raise InputError(f"{path}: not a Seminar Archive database", "no schema revision")
    revision = str(row[0])
    refuse_unknown_revision(revision, path)
    return DatabaseFacts(revision=revision, talks=talks)


def _fsync(path: Path) -> None:
    flags = (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if path.is_dir() else os.O_RDONLY
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return  # some platforms cannot open folders
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
