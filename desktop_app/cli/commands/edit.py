"""`edit`, `history` and `merge`: complete and correct talks (the user's edit layer)."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.common import add_json_flag, open_archive, print_json
from desktop_app.core.editing import EDITABLE_FIELDS
from desktop_app.core.errors import InputError
from desktop_app.core.jsonout import talk_detail_json


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    parser = subparsers.add_parser(
        "edit",
        help="correct or complete a talk's facts (your edits win over every re-import)",
        description="Set facts of a talk. Your edits are kept apart from what imports and "
        "syncs bring, so they survive them; --revert FIELD shows the source's value again. "
        "Nothing is saved when a value is refused (exit 2, the field named).",
    )
    parser.add_argument("uid")
    parser.add_argument("--title", metavar="T", help='the title ("" clears it)')
    parser.add_argument(
        "--speaker",
        action="append",
        metavar='"NAME (AFFILIATION)"',
        help='a speaker, in order (repeat for several; --speaker "" clears them)',
    )
    parser.add_argument("--start", metavar="ISO", help="e.g. 2024-05-29T12:00 or …T12:00-04:00")
    parser.add_argument("--timezone", metavar="TZ", help="an IANA zone, e.g. America/New_York")
    parser.add_argument("--duration", metavar="MIN", help="the length in minutes")
    parser.add_argument("--recording", metavar="URL", help="the recording's http(s) link")
    parser.add_argument("--series", metavar="SLUG", help="move the talk to this series")
    parser.add_argument("--tag", action="append", metavar="T", help="a tag (repeat for several)")
    parser.add_argument("--abstract", metavar="TEXT", help="the abstract")
    parser.add_argument(
        "--revert", metavar="FIELD", choices=EDITABLE_FIELDS, help="show the source's value again"
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_edit)

    parser = subparsers.add_parser("history", help="every edit of a talk, oldest first")
    parser.add_argument("uid")
    add_json_flag(parser)
    parser.set_defaults(handler=run_history)

    parser = subparsers.add_parser(
        "merge",
        help="merge two records of the same talk",
        description="Keep UID_KEEP; its gaps are filled from UID_GONE, stars and watched marks "
        "are combined and both notes kept. UID_GONE then points to UID_KEEP.",
    )
    parser.add_argument("keep", metavar="UID_KEEP")
    parser.add_argument("gone", metavar="UID_GONE")
    add_json_flag(parser)
    parser.set_defaults(handler=run_merge)


def edits_from(options: argparse.Namespace) -> dict[str, Any]:
    """The fields the options set (None: not given)."""
    changes: dict[str, Any] = {}
    for field, value in (
        ("title", options.title),
        ("start", options.start),
        ("timezone", options.timezone),
        ("duration_minutes", options.duration),
        ("recording_url", options.recording),
        ("series", options.series),
        ("abstract", options.abstract),
    ):
        if value is not None:
            changes[field] = value
    if options.speaker is not None:
        changes["speakers"] = [s for s in options.speaker if s.strip()]
    if options.tag is not None:
        changes["tags"] = [t for t in options.tag if t.strip()]
    return changes


def run_edit(options: argparse.Namespace) -> int:
    """Apply the edits (or the revert), then print the talk."""
    from desktop_app.core.settings import load_app_config

    changes = edits_from(options)
    if not changes and not options.revert:
        raise InputError("edit: nothing to change", "Give a field (see --help) or --revert FIELD.")
    if changes and options.revert:
        raise InputError("edit: --revert cannot be combined with new values")
    with open_archive(options) as archive:
        if options.revert:
            done = archive.revert_field(options.uid, options.revert)
            message = (
                f"{options.revert}: back to the source's value"
                if done
                else f"{options.revert}: was not edited; nothing changed"
            )
        else:
            folders = load_app_config().recording_folders
            changed = archive.edit_talk(options.uid, changes, recording_folders=folders)
            message = "edited: " + ", ".join(changed) if changed else "nothing changed"
        detail = archive.get_talk(options.uid)
    if options.json:
        print_json(talk_detail_json(detail))
    else:
        print(f"{options.uid}: {message}")
    return 0


def run_history(options: argparse.Namespace) -> int:
    """Print the talk's edits, oldest first."""
    with open_archive(options) as archive:
        archive.get_talk(options.uid)  # an unknown uid is an error, not an empty history
        records = archive.talk_history(options.uid)
    if options.json:
        print_json([r.as_json() for r in records])
        return 0
    if not records:
        print(f"{options.uid}: no edits")
    for record in records:
        who = f"  ({record.who})" if record.who else ""
        print(
            f"{record.at:%Y-%m-%d %H:%M:%S}Z  {record.by:<6}  {record.field}: "
            f"{_short(record.old)} → {_short(record.new)}{who}"
        )
    return 0


def run_merge(options: argparse.Namespace) -> int:
    """Merge two talks and print the kept one."""
    with open_archive(options) as archive:
        filled = archive.merge_talks(options.keep, options.gone)
        detail = archive.get_talk(options.keep)
    if options.json:
        print_json(talk_detail_json(detail))
    else:
        gaps = f"; filled from it: {', '.join(filled)}" if filled else ""
        print(f"{options.gone} merged into {options.keep}{gaps}")
    return 0


def _short(value: Any) -> str:
    text = "—" if value in (None, "", []) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
