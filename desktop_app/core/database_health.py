"""The state of an archive's SQLite file at open: writable or not, intact or damaged.

A read-only folder opens read-only; a damaged file (empty, truncated, not SQLite, a page that
does not read) is refused with the newest intact backup named, and nothing is written to it.
Plain `sqlite3` and the file system: no SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import struct
import uuid
from datetime import datetime
from pathlib import Path

from desktop_app.core.errors import DamagedArchiveError
from desktop_app.core.sqlite_files import SQLITE_HEADER

_HEADER_BYTES = 100
_DAMAGE_WORDS = ("malformed", "not a database", "disk image", "corrupt")
_FULL_WORDS = ("database or disk is full", "no space left")


def can_write(folder: Path, database: Path) -> bool:
    """True when a file can be made in `folder` and `database` (if it exists) written.

    Tried, not only asked: a read-only mount refuses even root, whom permission bits do not.
    """
    if database.exists() and not os.access(database, os.W_OK):
        return False
    probe = folder / f".write-probe-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        descriptor = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return False
        raise
    os.close(descriptor)
    with contextlib.suppress(OSError):
        probe.unlink()
    return True


def file_damage(path: Path) -> str | None:
    """What is wrong with the database file `path` from its size and header alone (cheap:
    every opening runs it), or None. A missing file is not damage: it is a new archive."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(_HEADER_BYTES)
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"it cannot be read: {error.strerror or error}"
    if size == 0:
        return "the file is empty"
    if not header.startswith(SQLITE_HEADER):
        return "the file is not an SQLite database"
    if len(header) < _HEADER_BYTES:
        return "the file is truncated (shorter than its header)"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if pages and valid_for == change_counter and size < pages * page_size:
        return f"the file is truncated ({size:,} bytes of {pages * page_size:,})"
    return None


def quick_check(uri: str) -> str | None:
    """SQLite's `PRAGMA quick_check` of the database at the `file:` URI `uri` (every page read
    once: about 0.1 s per 10,000 talks); the first problem, or None when it is intact."""
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return problems[0] if problems else None


def is_damage(error: BaseException) -> bool:
    """True for SQLite's errors about a damaged file."""
    text = str(getattr(error, "orig", error)).lower()
    return isinstance(getattr(error, "orig", error), sqlite3.DatabaseError) and any(
        word in text for word in _DAMAGE_WORDS
    )


def is_disk_full(error: BaseException) -> bool:
    """True for SQLite's "database or disk is full" (and an OSError of the same)."""
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    text = str(getattr(error, "orig", error)).lower()
    return any(word in text for word in _FULL_WORDS)


def damaged(folder: Path, database: Path, reason: str) -> DamagedArchiveError:
    """The error for a damaged database: what is wrong, and the newest intact backup."""
    from desktop_app.core.backups import newest_intact_backup

    backup = newest_intact_backup(folder)
    message = f"{database}: the archive's database is damaged ({reason.strip()})"
    if backup is None:
        detail = (
            f"Nothing was changed. There is no backup in {folder / 'backups'}: move the file "
            "away to start a new archive, or try SQLite's `.recover` on a copy."
        )
    else:
        taken = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        detail = (
            f"Nothing was changed. The newest backup is {backup} ({taken}); bring it back "
            f"with `seminar-archive restore {backup}` (the damaged file is kept in backups/)."
        )
    return DamagedArchiveError(message, detail, backup)
