"""A desktop's read copy of a shared archive: what it last read from the server.

When the server cannot be reached (down at start, the network gone), the app opens this copy
read-only: every talk, series, source and history as of the last copy, the member's own
stars, notes and saved searches (the server shows no one else's), and the generation they
were at, so that the desktop's search index matches it without a rebuild. The copy is an
SQLite file in the desktop's folder of that database (`shared/<host>-<port>-<database>/`),
written beside and renamed into place: a crash leaves the previous copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, insert, select

from desktop_app.core import db
from desktop_app.core.errors import ArchiveError
from desktop_app.core.models import ArchiveMeta, Base
from desktop_app.core.person import NOBODY
from desktop_app.core.timeutil import utc_now

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

log = logging.getLogger(__name__)

READ_CACHE_FILE = "read-cache.sqlite3"
COPIED_AT_KEY = "read_cache_copied_at"
_BATCH = 1000


def read_cache_file(local_folder: Path) -> Path:
    """The read copy of the shared archive whose local folder is `local_folder`."""
    return local_folder / READ_CACHE_FILE


def refresh_read_cache(engine: Any, local_folder: Path) -> Path:
    """Copy the shared archive behind `engine` into its read copy: one snapshot of the server
    (a repeatable-read transaction), one new file renamed into place."""
    target = read_cache_file(local_folder)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    partial.unlink(missing_ok=True)
    copy = db.make_engine(db.sqlite_url(partial))
    try:
        db.upgrade_schema(copy)
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as source,
            copy.begin() as destination,
        ):
            for table in Base.metadata.sorted_tables:
                _copy_table(source, destination, table)
            destination.execute(insert(ArchiveMeta).values(key=COPIED_AT_KEY, value=str(utc_now())))
    except BaseException:
        copy.dispose()
        partial.unlink(missing_ok=True)
        raise
    copy.dispose()
    _without_log(partial)
    os.replace(partial, target)
    log.info("read copy of the shared archive written to %s", target)
    return target


def _copy_table(source: Connection, destination: Connection, table: Table) -> None:
    destination.execute(table.delete())
    rows = source.execute(select(table)).mappings()
    own = "person" in table.c  # the member's own rows: theirs on SQLite's one-person terms
    for batch in rows.partitions(_BATCH):
        values = [{**row, "person": NOBODY} if own else dict(row) for row in batch]
        destination.execute(insert(table), values)


def _without_log(path: Path) -> None:
    """Make the copy a single file (rollback journal): read-only readers then need no
    shared-memory file beside it."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
    finally:
        connection.close()


def copied_at(local_folder: Path) -> datetime | None:
    """When the read copy was last written (None: there is none)."""
    path = read_cache_file(local_folder)
    if not path.is_file():
        return None
    with contextlib.suppress(OSError):
        return datetime.fromtimestamp(path.stat().st_mtime)
    return None


def describe_copy(local_folder: Path) -> str:
    """ "the copy read at 2026-12-04 14:02", for banners and messages."""
    when = copied_at(local_folder)
    if when is None:
        raise ArchiveError(f"{local_folder}: there is no read copy of the shared archive")
    return f"the copy read at {when:%Y-%m-%d %H:%M}"


def open_read_copy(folder: Path, database_url: str | None) -> Archive:
    """The read copy of the shared archive that `Archive.open(folder, database_url=…)` would
    open, opened read-only with the desktop's own search index; ArchiveError when there is
    none (the server was never reached from this desktop)."""
    from desktop_app.core.archive import INDEX_FOLDER, Archive, archive_location
    from desktop_app.core.shared_db import redact

    local, url = archive_location(folder, database_url)
    path = read_cache_file(local)
    if url is None or not path.is_file():
        raise ArchiveError(f"{local}: there is no read copy of the shared archive")
    copy = Archive(
        local, db.read_only_sqlite_url(path), read_only=True, index_folder=local / INDEX_FOLDER
    )
    copy.read_copy_of = redact(url)
    return copy
