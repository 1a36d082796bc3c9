"""`star`, `unstar`, `watched`, `unwatched` and `note`: the user's own marks."""

from __future__ import annotations

import argparse
from typing import Any

from desktop_app.cli.common import open_archive


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    for name, help_text, changes in (
        ("star", "star a talk", {"starred": True}),
        ("unstar", "remove a talk's star", {"starred": False}),
        ("watched", "mark a talk as watched", {"watched": True}),
        ("unwatched", "mark a talk as not watched", {"watched": False}),
    ):
        parser = subparsers.add_parser(name, help=help_text)
        parser.add_argument("uids", nargs="+", metavar="UID")
        parser.set_defaults(handler=run_mark, changes=changes)
    parser = subparsers.add_parser("note", help="set your note on a talk ('' clears it)")
    parser.add_argument("uid", metavar="UID")
    parser.add_argument("text", metavar="TEXT")
    parser.set_defaults(handler=run_note)


def run_mark(options: argparse.Namespace) -> int:
    """Change one mark on each named talk."""
    with open_archive(options) as archive:
        for uid in options.uids:
            archive.get_talk(uid)  # every uid is checked before anything changes
        for uid in options.uids:
            archive.set_user_state(uid, **options.changes)
    return 0


def run_note(options: argparse.Namespace) -> int:
    """Replace the note on a talk."""
    with open_archive(options) as archive:
        archive.set_user_state(options.uid, note=options.text)
    return 0
