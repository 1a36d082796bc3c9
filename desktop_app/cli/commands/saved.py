"""`saved`: the saved searches (smart lists) from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.common import add_json_flag, open_archive, print_json
from desktop_app.core.errors import InputError
from desktop_app.core.jsonout import talk_row_json


def register(subparsers: Any) -> None:
    """Add the command of this module."""
    parser = subparsers.add_parser(
        "saved",
        help="saved searches: list (with counts), run NAME, remove NAME",
        description="Save one with `search --save NAME QUERY`. A saved search is a smart list: "
        "its talks follow the archive as imports and syncs bring new ones.",
    )
    parser.add_argument("action", nargs="?", choices=("run", "remove"))
    parser.add_argument("name", nargs="?")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="hits of `run`")
    add_json_flag(parser)
    parser.set_defaults(handler=run_saved)


def run_saved(options: argparse.Namespace) -> int:
    """List, run or remove saved searches."""
    from desktop_app.cli.commands.search import _open_index, result_json
    from desktop_app.core.saved import SavedSearches

    if options.action is not None and not options.name:
        raise InputError(f"saved {options.action}: give the saved search's NAME")
    with open_archive(options) as archive:
        saved = SavedSearches(archive)
        if options.action == "remove":
            saved.remove(options.name)
            print(f"saved search “{options.name}” removed")
            return 0
        if options.action == "run":
            search = saved.get(options.name)
            with _open_index(archive) as index:
                result = (
                    index.search(search.query, limit=options.limit, talk_filter=search.talk_filter)
                    if search.query
                    else None
                )
                if result is None:
                    uids = archive.list_uids(search.talk_filter)
                    rows = archive.rows_for(uids[: options.limit])
                    if options.json:
                        hits = [talk_row_json(r) for r in rows]
                        print_json({"query": "", "total": len(uids), "hits": hits})
                    else:
                        _print_rows(rows, len(uids))
                    return 0
                if options.json:
                    print_json(result_json(archive, result, False))
                else:
                    rows = archive.rows_for([hit.uid for hit in result.hits])
                    _print_rows(rows, result.total)
            return 0
        searches = saved.all()
        counts = _counts(archive, searches)
    if options.json:
        print_json([s.as_json(counts[s.name]) for s in searches])
        return 0
    if not searches:
        print("no saved searches: save one with `seminar-archive search --save NAME QUERY`")
    for search in searches:
        shown = search.query or "(filters only)"
        filters = ", ".join(f"{k}={v}" for k, v in search.filters.items())
        print(
            f"{counts[search.name]:>6}  {search.name}: {shown}"
            + (f"  [{filters}]" if filters else "")
        )
    return 0


def _counts(archive: Any, searches: list[Any]) -> dict[str, int]:
    from desktop_app.cli.commands.search import _open_index

    counts: dict[str, int] = {}
    needs_index = any(s.query for s in searches)
    if not needs_index:
        return {s.name: archive.count_talks(s.talk_filter) for s in searches}
    with _open_index(archive) as index:
        for s in searches:
            counts[s.name] = (
                index.search(s.query, limit=1, talk_filter=s.talk_filter).total
                if s.query
                else archive.count_talks(s.talk_filter)
            )
    return counts


def _print_rows(rows: list[Any], total: int) -> None:
    from desktop_app.cli.common import date_text, speakers_text

    for row in rows:
        print(f"{date_text(row)}  {row.uid}  {row.display_title}  — {speakers_text(row.speakers)}")
    print(f"{total} talk{'s' * (total != 1)}")
