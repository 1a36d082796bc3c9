"""What the subcommands share: opening the archive, printing JSON and talks."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from desktop_app.core.labels import UNKNOWN
from desktop_app.core.paths import resolve_archive_dir
from desktop_app.core.records import Speaker, TalkRow

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive


def open_archive(options: argparse.Namespace, *, verify: bool = False) -> Archive:
    """The archive named by `--data-dir` and `--db` (or the environment, or the defaults);
    `verify` reads every page of an SQLite database first (`check`)."""
    from desktop_app.core.archive import Archive
    from desktop_app.core.shared_db import database_url_from

    return Archive.open(
        resolve_archive_dir(options.data_dir),
        database_url=database_url_from(getattr(options, "db", None)),
        verify=verify,
    )


def print_json(value: Any) -> None:
    """One JSON document on stdout."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def speakers_text(speakers: tuple[Speaker, ...]) -> str:
    """Speakers for a terminal, or "unknown"."""
    if not speakers:
        return f"speaker {UNKNOWN}"
    return ", ".join(f"{s.name} ({s.affiliation})" if s.affiliation else s.name for s in speakers)


def date_text(row: TalkRow) -> str:
    """The talk's local date and time, or "unknown"."""
    if row.start is None:
        return f"date {UNKNOWN}".ljust(16)
    return row.start.strftime("%Y-%m-%d %H:%M")


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The `--json` flag every reading command has."""
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
