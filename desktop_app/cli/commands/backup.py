"""`backup` and `restore`: copies of the archive's database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_app.core.paths import resolve_archive_dir


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    parser = subparsers.add_parser(
        "backup",
        help="copy the archive's database to FILE (safe while the app or a command writes)",
        description="Copy the archive's database (talks, stars, watched marks, notes, edits, "
        "sources) to FILE with SQLite's backup API: a consistent copy even while the app is "
        "open. The search index is not copied; it is rebuilt after a restore.",
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the backup file")
    parser.set_defaults(handler=run_backup)

    parser = subparsers.add_parser(
        "restore",
        help="replace the archive's database by a backup, then rebuild the search index",
        description="Check FILE (an intact Seminar Archive database of this or an older "
        "version; else exit 2 and nothing changed), copy the current database to the "
        "archive's backups/ folder, put FILE's content in its place and rebuild the index.",
    )
    parser.add_argument("file", metavar="FILE", help="a backup made by `backup` or the app")
    parser.set_defaults(handler=run_restore)


def run_backup(options: argparse.Namespace) -> int:
    """Copy the database to the file named by -o."""
    from desktop_app.core.backups import backup_archive

    _refuse_a_server(options)
    target = backup_archive(resolve_archive_dir(options.data_dir), Path(options.output))
    size = target.stat().st_size / 1_000_000
    print(f"archive backed up to {target} ({size:.1f} MB)", file=sys.stderr)
    return 0


def run_restore(options: argparse.Namespace) -> int:
    """Restore the database from FILE and rebuild the search index."""
    from desktop_app.cli.commands.search import ProgressBar
    from desktop_app.core.archive import Archive
    from desktop_app.core.backups import restore_archive
    from desktop_app.core.search import SearchIndex

    _refuse_a_server(options)
    folder = resolve_archive_dir(options.data_dir)
    report = restore_archive(folder, Path(options.file))
    print(f"restored {report.talks} talks from {report.source}", file=sys.stderr)
    if report.previous is not None:
        print(f"the archive as it was is kept in {report.previous}", file=sys.stderr)
    with Archive.open(folder) as archive, SearchIndex.open(archive, catch_up=False) as index:
        index.rebuild(ProgressBar("indexing"))
    return 0


def _refuse_a_server(options: argparse.Namespace) -> None:
    """A shared archive named by --db or $SEMINAR_ARCHIVE_DB is backed up with the server's own
    tools: never the data folder's SQLite file in its stead."""
    from desktop_app.core.errors import InputError
    from desktop_app.core.shared_db import database_url_from, is_postgres, redact

    url = database_url_from(getattr(options, "db", None))
    if url and is_postgres(url):
        raise InputError(
            f"{redact(url)}: the archive is kept in a database server",
            "Back it up and restore it with the server's own tools (pg_dump, pg_restore).",
        )
