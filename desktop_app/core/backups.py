"""Backups of an archive's database: on demand, restored from, and daily at start.

Every copy is made with SQLite's backup API (see `sqlite_files`), so it is consistent while the
app or another command writes. Copies live in the archive folder's `backups/`:
`daily-<date>.sqlite3` (the last N kept), `before-upgrade-…` and `before-restore-…` (kept).
An archive kept in PostgreSQL (`database_url` in its settings) is backed up with pg_dump.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desktop_app.core import db
from desktop_app.core.archive import DATABASE_FILE
from desktop_app.core.database_health import file_damage, quick_check
from desktop_app.core.errors import ArchiveError, InputError
from desktop_app.core.paths import BACKUP_FOLDER
from desktop_app.core.settings import load_archive_settings
from desktop_app.core.sqlite_files import (
    check_archive_database,
    copy_database,
    copy_into,
    is_sqlite_file,
    page_size,
    read_only_uri,
    set_page_size,
)
from desktop_app.core.upgrade import new_backup_path

log = logging.getLogger(__name__)

DAILY = re.compile(r"daily-(\d{4}-\d{2}-\d{2})\.sqlite3")
_STALE_PART_S = 24 * 3600


@dataclass(frozen=True)
class RestoreReport:
    """What `restore_archive` did."""

    source: Path
    talks: int
    revision: str  # the backup's schema (upgraded to the newest when older)
    previous: Path | None  # the copy of the database as it was before (None: there was none)


def database_file(folder: Path) -> Path:
    """The SQLite file of the archive in `folder` (InputError for a PostgreSQL archive)."""
    if load_archive_settings(folder).database_url:
        raise InputError(
            f"{folder}: the archive is kept in a database server",
            "Back it up with the server's own tools (pg_dump).",
        )
    return folder / DATABASE_FILE


def backup_archive(folder: Path, target: Path) -> Path:
    """Copy the archive's database to `target` (a new or regular file), consistently, while
    other processes may write. Returns `target`."""
    database = database_file(folder)
    if not database.is_file():
        raise InputError(f"{folder}: there is no archive database to back up")
    if target.exists() and not target.is_file():
        raise InputError(f"{target}: not a regular file; give a file name for the backup")
    if not target.parent.is_dir():
        raise InputError(f"{target.parent}: no such folder")
    if target.resolve() == database.resolve():
        raise InputError(f"{target}: that is the archive's own database")
    copy_database(database, target)
    log.info("archive backed up to %s", target)
    return target


def restore_archive(folder: Path, source: Path) -> RestoreReport:
    """Replace the archive's database by the backup `source`.

    `source` is checked first (an intact database of this app, of a schema this version can
    open); else InputError and nothing changed. An older schema is upgraded on a copy before
    anything changes. The database as it was is copied to `backups/before-restore-…` first.
    The search index is invalidated: the next opening rebuilds it (callers rebuild at once).
    """
    database = database_file(folder)
    facts = check_archive_database(source)
    if database.exists() and source.resolve() == database.resolve():
        raise InputError(f"{source}: that is the archive's own database")
    staging = folder / BACKUP_FOLDER / f".restore-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        copy_database(source, staging)
        if facts.revision != db.SCHEMA_REVISION:
            _upgrade_copy(staging, source, facts.revision)
        damage = _damage(database)
        previous = _keep_current(folder, database, as_bytes=damage is not None)
        _invalidate_index(folder)  # first: after a crash in between, it is rebuilt
        if previous is not None and damage is None and is_sqlite_file(database):
            if page_size(staging) != page_size(database):
                set_page_size(staging, page_size(database))  # a WAL database keeps its size
            copy_into(staging, database)
        else:  # no database yet, or a damaged one (kept as it was in `previous`)
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            staging.replace(database)
    finally:
        for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
            leftover.unlink(missing_ok=True)
    log.info("archive restored from %s (the previous database: %s)", source, previous)
    return RestoreReport(source, facts.talks, facts.revision, previous)


def daily_backup(folder: Path, keep: int, today: date | None = None) -> Path | None:
    """Once a day, copy the database to `backups/daily-<date>.sqlite3`; keep the last `keep`.

    Returns the new copy, or None when today's exists, `keep` is 0 (off), or there is no
    SQLite database. Called by the GUI at start, off the GUI thread.
    """
    if keep <= 0 or load_archive_settings(folder).database_url:
        return None
    if not os.access(folder, os.W_OK):
        return None  # a read-only archive: nothing changes, nothing to keep
    database = folder / DATABASE_FILE
    if not database.is_file():
        return None
    target = folder / BACKUP_FOLDER / f"daily-{(today or date.today()).isoformat()}.sqlite3"
    made = None
    if not target.exists():
        copy_database(database, target)
        made = target
        log.info("daily backup: %s", target)
    prune_daily_backups(folder, keep)
    return made


def newest_intact_backup(folder: Path) -> Path | None:
    """The newest backup in the archive folder's `backups/` that passes the checks a restore
    makes (daily, before an upgrade or a restore, or copied there by the user)."""
    backups = folder / BACKUP_FOLDER
    if not backups.is_dir():
        return None
    found = [p for p in backups.glob("*.sqlite3") if p.is_file() and not p.name.startswith(".")]
    for path in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            check_archive_database(path)
        except ArchiveError:
            continue
        return path
    return None


def daily_backups(folder: Path) -> list[Path]:
    """The daily backups in the archive folder, oldest first."""
    backups = folder / BACKUP_FOLDER
    if not backups.is_dir():
        return []
    found = [path for path in backups.iterdir() if DAILY.fullmatch(path.name)]
    return sorted(found, key=lambda path: path.name)


def prune_daily_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily backups (and copies left half-written by a
    crash); returns what was deleted. Other backups are never deleted."""
    removed: list[Path] = []
    daily = daily_backups(folder)
    for path in daily[: max(0, len(daily) - keep)]:
        path.unlink(missing_ok=True)
        removed.append(path)
    backups = folder / BACKUP_FOLDER
    if backups.is_dir():
        for path in backups.glob(".*.part"):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > _STALE_PART_S:
                    path.unlink()
    return removed


def _upgrade_copy(staging: Path, source: Path, revision: str) -> None:
    """Bring the staging copy of an older backup to the newest schema (Alembic)."""
    engine = db.make_engine(db.sqlite_url(staging))
    try:
        db.upgrade_schema(engine)
    except Exception as error:
        raise InputError(
            f"{source}: the backup (schema {revision}) could not be upgraded to schema "
            f"{db.SCHEMA_REVISION}; nothing was changed",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        ) from error
    finally:
        engine.dispose()


def _damage(database: Path) -> str | None:
    """What is wrong with the existing `database` (None: intact, or there is none)."""
    if not database.is_file():
        return None
    return file_damage(database) or quick_check(read_only_uri(database))


def _keep_current(folder: Path, database: Path, *, as_bytes: bool) -> Path | None:
    """Copy the database as it is to `backups/before-restore-…` (None: there is none);
    `as_bytes` (a damaged one) byte for byte, with its log beside it."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    previous = new_backup_path(folder, "before-restore")
    previous.parent.mkdir(parents=True, exist_ok=True)
    if as_bytes:
        shutil.copyfile(database, previous)
        wal = Path(f"{database}-wal")
        if wal.is_file() and wal.stat().st_size:
            shutil.copyfile(wal, Path(f"{previous}-wal"))
        return previous
    try:
        copy_database(database, previous)
    except ArchiveError:  # not a database SQLite can read: keep its bytes as they are
        shutil.copyfile(database, previous)
    return previous


def _invalidate_index(folder: Path) -> None:
    """Make the search index be rebuilt on its next opening."""
    from desktop_app.core.search.storage import INDEX_FOLDER, POINTER

    (folder / INDEX_FOLDER / POINTER).unlink(missing_ok=True)
