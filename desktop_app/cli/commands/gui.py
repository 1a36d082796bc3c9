"""`gui`: start the desktop application."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_CANNOT_START = 2


def register(subparsers: Any) -> None:
    """Add the command of this module."""
    parser = subparsers.add_parser("gui", help="start the desktop application (the default)")
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="import these .ics or .jsonl files once the archive is open (what opening a file "
        "with Seminar Archive from the file manager does)",
    )
    parser.add_argument(
        "--exit-after-first-paint",
        action="store_true",
        help="print 'first-paint-ms N' once the window has painted, and exit (with FILEs: "
        "print the import's summary once they are imported, and exit)",
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="save a PNG of the window once its talks show, and exit",
    )
    parser.add_argument("--query", metavar="TEXT", help="start with this search")
    parser.add_argument("--select", metavar="UID", help="start with this talk selected")
    parser.add_argument("--theme", choices=("system", "light", "dark"), help="override the theme")
    parser.set_defaults(handler=run_gui)


def run_gui(options: argparse.Namespace) -> int:
    """Start the Qt application (Qt is imported only here, once its platform can start)."""
    from desktop_app.platform_check import startup_problem

    problem = startup_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_CANNOT_START
    from desktop_app.ui.application import run

    return run(options)
