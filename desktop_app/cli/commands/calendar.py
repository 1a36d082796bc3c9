"""`export-ics`: talks as one iCalendar (.ics) file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop_app.cli.common import open_archive
from desktop_app.core.archive import Archive
from desktop_app.core.calendar import export_ics
from desktop_app.core.errors import InputError
from desktop_app.core.records import SortKey, TalkFilter
from desktop_app.core.safe_write import write_bytes_file
from desktop_app.core.settings import load_app_config


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    parser = subparsers.add_parser(
        "export-ics",
        help="write talks as an iCalendar (.ics) file for calendar applications",
        description="Write the named talks (and those chosen by --series or --starred) as one "
        "RFC 5545 calendar. Talks without a date are left out and listed on stderr. "
        "Importing the file again updates the events instead of duplicating them.",
    )
    parser.add_argument("uids", nargs="*", metavar="UID", help="talks to export")
    parser.add_argument(
        "--query", metavar="Q", help="the talks a search finds (the same syntax as `search`)"
    )
    parser.add_argument("--series", metavar="SLUG", help="every talk of this series")
    parser.add_argument("--starred", action="store_true", help="every starred talk")
    parser.add_argument(
        "--name", metavar="NAME", help="the calendar's name (default: from what is exported)"
    )
    parser.add_argument(
        "--reminder",
        type=int,
        metavar="MINUTES",
        help="a reminder this many minutes before each talk (default: the preferences; 0: none)",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE.ics", help="the file to write ('-': stdout)"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    parser.set_defaults(handler=run_export_ics)


def _chosen_uids(archive: Archive, options: argparse.Namespace) -> tuple[list[str], str]:
    uids: list[str] = list(options.uids)
    name = "Seminar Archive"
    if options.series:
        summary = archive.get_series(options.series)
        uids += archive.list_uids(TalkFilter(series=options.series), SortKey.DATE_ASCENDING)
        name = summary.series.name
    if options.starred:
        uids += archive.list_uids(TalkFilter(starred=True), SortKey.DATE_ASCENDING)
        name = "Starred talks" if not options.series else name
    if options.query is not None:
        uids += _search_uids(archive, options.query)
        name = f"Search: {options.query}"
    chosen = options.uids or options.series or options.starred or options.query is not None
    if not chosen:
        raise InputError("export-ics: name talks (UID...), --query Q, --series SLUG or --starred")
    single = not (options.series or options.starred or options.query is not None)
    if single and len(options.uids) == 1:
        name = archive.get_talk(options.uids[0]).display_title
    return list(dict.fromkeys(uids)), name


_SEARCH_LIMIT = 100_000


def _search_uids(archive: Archive, query: str) -> list[str]:
    """The uids a search finds, best first (the index catches up with the archive first)."""
    from desktop_app.core.search import SearchIndex

    with SearchIndex.open(archive) as index:
        result = index.search(query, limit=_SEARCH_LIMIT)
    if result.message:
        print(f"search: {result.message}", file=sys.stderr)
    return [hit.uid for hit in result.hits]


def run_export_ics(options: argparse.Namespace) -> int:
    """Write the calendar whole or not at all (`safe_write`)."""
    reminder = options.reminder
    if reminder is None:
        reminder = load_app_config().reminder_minutes
    if reminder < 0:
        raise InputError("--reminder: must be 0 or more minutes")
    with open_archive(options) as archive:
        for uid in options.uids:
            archive.get_talk(uid)  # an unknown uid refuses the command (exit 2)
        uids, name = _chosen_uids(archive, options)
        result = export_ics(
            archive, uids, calendar_name=options.name or name, reminder_minutes=reminder
        )
    for uid, reason in result.skipped:
        print(f"{uid}: left out: {reason}", file=sys.stderr)
    if options.output == "-":
        sys.stdout.buffer.write(result.data)
        sys.stdout.flush()
    else:
        target = Path(options.output)
        write_bytes_file(target, result.data)
        if options.json:
            report = {
                "output": str(target),
                "exported": list(result.exported),
                "skipped": [{"uid": uid, "reason": reason} for uid, reason in result.skipped],
            }
            json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print(f"{len(result.exported)} talks written to {target}", file=sys.stderr)
    return 0
