"""Schema upgrades of an SQLite archive, made safe.

An archive written by a newer version is refused and left alone. Before a migration, a copy of
the database is taken with SQLite's backup API into the archive's `backups/` folder; when the
migration fails, the original is left as it was (the migrations run in one transaction; should
anything have changed all the same, the copy is put back) and the error names the copy.
"""

from __future__ import annotations

import functools
import logging
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from desktop_app.core import db
from desktop_app.core.errors import ArchiveError
from desktop_app.core.paths import BACKUP_FOLDER
from desktop_app.core.sqlite_files import connect_read_only, copy_database, copy_into

log = logging.getLogger(__name__)

_REVISION = re.compile(r"\d{4}")
_MIGRATION_FILE = re.compile(r"\d{4}_\w+\.pyc?")
_UPDATE_APP = "Update Seminar Archive to open it. Nothing was changed."


def is_known_revision(revision: str) -> bool:
    """True for a schema revision this version can open (itself or an older one)."""
    if not _REVISION.fullmatch(revision):
        return False
    return "0001" <= revision <= db.SCHEMA_REVISION or revision in _migration_revisions()


@functools.cache
def _migration_revisions() -> frozenset[str]:
    """The revisions of the migration scripts, from their file names (no Alembic import)."""
    versions = db.MIGRATIONS_DIR / "versions"
    try:
        names = [path.name for path in versions.iterdir()]
    except OSError:
        return frozenset()
    return frozenset(name[:4] for name in names if _MIGRATION_FILE.fullmatch(name))


def newest_known_revision() -> str:
    """The newest schema revision this version has a migration for."""
    return max(_migration_revisions() | {db.SCHEMA_REVISION})


def refuse_unknown_revision(revision: str, where: Path) -> None:
    """Raise ArchiveError naming `where` unless this version knows `revision`."""
    if is_known_revision(revision):
        return
    if _REVISION.fullmatch(revision) and revision > newest_known_revision():
        raise ArchiveError(
            f"{where}: the archive was written by a newer Seminar Archive (database schema "
            f"{revision}; this version knows schemas up to {newest_known_revision()})",
            _UPDATE_APP,
        )
    raise ArchiveError(
        f"{where}: the database has a schema this Seminar Archive does not know "
        f"({revision!r}; perhaps written by a newer version)",
        _UPDATE_APP,
    )


def new_backup_path(archive_folder: Path, stem: str) -> Path:
    """A new file name `backups/<stem>-<local time>.sqlite3` in the archive folder."""
    folder = archive_folder / BACKUP_FOLDER
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}-{stamp}.sqlite3"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{stamp}-{number}.sqlite3"
        number += 1
    return path


def upgrade_sqlite(
    database: Path, revision: str | None, migrate: Callable[[], None]
) -> Path | None:
    """Bring the SQLite archive `database`, now at `revision`, to the newest schema.

    `migrate` runs the migrations (Alembic is imported only then). Returns the copy taken
    before, or None for a new database (nothing to keep).
    """
    if revision is None:
        migrate()
        return None
    folder = database.parent
    refuse_unknown_revision(revision, folder)
    copy = new_backup_path(folder, f"before-upgrade-{revision}-{db.SCHEMA_REVISION}")
    copy_database(database, copy)
    before = _schema_of(database)
    log.info("upgrading %s from schema %s; a copy is in %s", database, revision, copy)
    try:
        migrate()
    except Exception as error:
        raise _failed(database, copy, revision, before, error) from error
    return copy


def _failed(
    database: Path, copy: Path, revision: str, before: list[str], error: Exception
) -> ArchiveError:
    """The error to raise for a failed upgrade, once the original is as it was."""
    reason = _reason(error)
    message = (
        f"{database.parent}: the archive could not be upgraded from schema {revision} "
        f"to {db.SCHEMA_REVISION}"
    )
    try:
        if _schema_of(database) != before:
            log.warning("the failed upgrade changed %s; putting back %s", database, copy)
            copy_into(copy, database)
    except (ArchiveError, sqlite3.Error) as put_back_error:
        return ArchiveError(
            f"{message}, and it may be half upgraded",
            f"A copy taken before the upgrade is in {copy}; bring it back with "
            f"`seminar-archive restore {copy}`.\n{reason}\n{put_back_error}",
        )
    return ArchiveError(
        f"{message}; it was left as it was",
        f"A copy taken before the upgrade is in {copy}\n{reason}",
    )


def _reason(error: Exception) -> str:
    """What went wrong, in a line or two (no SQL statement, no link to SQLAlchemy's docs)."""
    if isinstance(error, ArchiveError):
        text = f"{error.message}: {error.detail}" if error.detail else error.message
    else:
        text = str(error)
    lines = text.strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _schema_of(database: Path) -> list[str]:
    """The revision and every table's and index's definition, to tell whether they changed."""
    connection = connect_read_only(database)
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        objects = connection.execute(
            "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master"
            " ORDER BY type, name"
        ).fetchall()
    finally:
        connection.close()
    return [repr(revision), *(row[0] for row in objects)]
