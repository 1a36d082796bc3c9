"""`source add|list|remove` and `sync`: follow the places a series publishes its talks."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from desktop_app.cli.common import add_json_flag, open_archive, print_json

EXIT_SOURCE_FAILED = 1


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    parser = subparsers.add_parser(
        "source",
        help="follow a series' calendar feed, researchseminars.org series, playlist or file",
    )
    commands = parser.add_subparsers(dest="source_command", metavar="ACTION", required=True)
    add = commands.add_parser(
        "add",
        help="follow a source (the series is created when new)",
        description="Kinds: ics (http, https, webcal URL of a calendar feed), researchseminars "
        "(a researchseminars.org series URL or id), youtube (a playlist or channel), file (a "
        "local .ics or .jsonl read again on every sync). The kind is found from the URL when "
        "not given.",
    )
    add.add_argument("series", metavar="SERIES")
    add.add_argument("url", metavar="URL_OR_PATH")
    add.add_argument("--kind", choices=("ics", "researchseminars", "youtube", "file"))
    add_json_flag(add)
    add.set_defaults(handler=run_add)
    listing = commands.add_parser("list", help="the sources followed, with their last sync")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)
    remove = commands.add_parser("remove", help="stop following a source (its talks stay)")
    remove.add_argument("id", type=int, metavar="ID")
    remove.set_defaults(handler=run_remove)

    parser = subparsers.add_parser(
        "review",
        help="proposals waiting: two records of one talk to merge, recordings to attach",
        description="Similar records from different sources are only proposed as one talk; "
        "`review accept ID` merges them (the feed's record is kept, its gaps filled from the "
        "other, your marks and notes of both kept), `review reject ID` drops the proposal.",
    )
    parser.add_argument("action", nargs="?", choices=("accept", "reject"))
    parser.add_argument("id", nargs="?", type=int)
    add_json_flag(parser)
    parser.set_defaults(handler=run_review)

    parser = subparsers.add_parser(
        "sync",
        help="bring new and changed talks from every source (exit 1 when one failed)",
        description="Each source is applied in its own transaction: a source that fails changes "
        "nothing and does not stop the others. Your stars, watched marks, notes and edits are "
        "never touched.",
    )
    parser.add_argument("--series", metavar="SLUG", help="only the sources of this series")
    add_json_flag(parser)
    parser.set_defaults(handler=run_sync)


def run_add(options: argparse.Namespace) -> int:
    """Add a source."""
    with open_archive(options) as archive:
        info = archive.add_source(options.series, options.url, options.kind)
    if options.json:
        print_json(info.as_json())
    else:
        print(f"source {info.id}: {info.kind} {info.url} → {info.series} (run `sync` to read it)")
    return 0


def run_list(options: argparse.Namespace) -> int:
    """List the sources."""
    with open_archive(options) as archive:
        sources = archive.sources()
    if options.json:
        print_json([s.as_json() for s in sources])
        return 0
    if not sources:
        print("no sources: add one with `seminar-archive source add SERIES URL`")
    for s in sources:
        when = f"{s.last_sync:%Y-%m-%d %H:%M}Z" if s.last_sync else "never synced"
        status = s.last_status or "–"
        print(f"{s.id:>3}  {s.series:<20} {s.kind:<16} {status:<9} {when}  {s.url}")
        if s.error:
            print(f"     {s.error}")
    return 0


def run_remove(options: argparse.Namespace) -> int:
    """Remove a source."""
    with open_archive(options) as archive:
        archive.remove_source(options.id)
    print(f"source {options.id} removed (its talks stay in the archive)")
    return 0


def run_sync(options: argparse.Namespace) -> int:
    """Sync every source (or those of one series)."""
    from desktop_app.core.sources.sync import SyncResult, sync_sources

    def progress(result: SyncResult) -> None:
        print(f"{result.url}: {_describe(result)}", file=sys.stderr)

    with open_archive(options) as archive:
        if options.series is not None:
            archive.get_series(options.series)  # NotFoundError (exit 2) for a series not there
        sources = archive.sources(options.series)
        results = sync_sources(archive, sources, progress=progress)
    if options.json:
        print_json({"sources": [r.as_json() for r in results]})
    elif not results:
        print("no sources to sync: add one with `seminar-archive source add SERIES URL`")
    else:
        added = sum(r.added for r in results)
        updated = sum(r.updated for r in results)
        failed = [r for r in results if r.status == "failed"]
        print(
            f"{added} new talks, {updated} changed, {len(failed)} of {len(results)} sources failed"
            if failed
            else f"{added} new talks, {updated} changed"
        )
    return EXIT_SOURCE_FAILED if any(r.status == "failed" for r in results) else 0


def run_review(options: argparse.Namespace) -> int:
    """List the proposals, or accept / reject one."""
    from desktop_app.core.errors import InputError

    if options.action is not None and options.id is None:
        raise InputError(f"review {options.action}: give the proposal's ID (see `review`)")
    with open_archive(options) as archive:
        if options.action == "accept":
            uids = archive.review_accept(options.id)
            print(f"proposal {options.id} accepted: {' + '.join(uids)}")
            return 0
        if options.action == "reject":
            archive.review_reject(options.id)
            print(f"proposal {options.id} rejected; it will not be proposed again")
            return 0
        items = archive.review_list()
        titles = {uid: archive.get_talk(uid).display_title for item in items for uid in item.talks}
    if options.json:
        print_json([item.as_json() for item in items])
        return 0
    if not items:
        print("nothing to review")
    for item in items:
        what = " = ".join(f"{uid} “{titles[uid][:50]}”" for uid in item.talks)
        extra = f" ← {item.recording_url}" if item.recording_url else ""
        print(f"{item.id:>3}  {item.kind:<9} {item.score:5.1f}  {what}{extra}\n     {item.reason}")
    return 0


def _describe(result: Any) -> str:
    if result.status == "failed":
        return f"failed: {result.error}"
    parts = [result.status]
    if result.added or result.updated or result.removed:
        parts.append(f"{result.added} new, {result.updated} changed, {result.removed} dropped")
    return ", ".join(parts)
