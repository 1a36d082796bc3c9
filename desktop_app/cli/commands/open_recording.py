"""`open`: open a talk's recording (or a link of it) by the app's URL policy."""

from __future__ import annotations

import argparse
import sys
import webbrowser
from typing import Any

from desktop_app.cli.common import open_archive
from desktop_app.core.errors import InputError
from desktop_app.core.settings import load_app_config
from desktop_app.core.urls import check_url


def register(subparsers: Any) -> None:
    """Add the command of this module."""
    parser = subparsers.add_parser(
        "open",
        help="open a talk's recording in the browser (and mark it watched)",
        description="Open the recording of a talk: http(s) links in the default browser, local "
        "files only inside the recordings folders chosen in Preferences. Other links "
        "(javascript:, data:, …) are refused.",
    )
    parser.add_argument("uid", metavar="UID")
    parser.add_argument("--print", action="store_true", help="print the link instead of opening it")
    parser.add_argument("--keep-unwatched", action="store_true", help="do not mark it watched")
    parser.set_defaults(handler=run_open)


def run_open(options: argparse.Namespace) -> int:
    """Open (or print) the recording; exit 2 when there is none or the link is refused."""
    with open_archive(options) as archive:
        talk = archive.get_talk(options.uid).talk
        if not talk.recording_url:
            raise InputError(f"{options.uid}: no recording of this talk is known")
        decision = check_url(talk.recording_url, load_app_config().recording_folders)
        if not decision.allowed:
            raise InputError(f"{options.uid}: the recording link was refused", decision.reason)
        target = decision.path.as_uri() if decision.path else talk.recording_url
        if options.print:
            print(target)
        elif not webbrowser.open(target):
            raise InputError(f"{options.uid}: no browser could open {target}")
        if not options.keep_unwatched and not options.print:
            archive.set_user_state(options.uid, watched=True)
    print(f"opened {target}", file=sys.stderr)
    return 0
