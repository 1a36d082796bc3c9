"""The `seminar-archive` command: a thin layer that parses arguments, calls the core, prints.

Each module in `desktop_app.cli.commands` adds its subcommands through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from desktop_app import __version__
from desktop_app.cli import commands
from desktop_app.core.errors import ArchiveError

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_BAD_INPUT = 2


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand (or only the modules named in `only`)."""
    parser = argparse.ArgumentParser(
        prog="seminar-archive",
        description="Seminar Archive: browse, search and export research seminar talks. "
        "With no command, the desktop application starts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="the archive folder (default: $SEMINAR_ARCHIVE_HOME, else the configured "
        "folder, else the platform's user data folder)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="a shared archive on a PostgreSQL server, postgresql+psycopg://USER@HOST:PORT/DB "
        "(default: $SEMINAR_ARCHIVE_DB, else the archive folder's own database); the password "
        "comes from the keyring or ~/.pgpass, and the URL is not stored",
    )
    parser.add_argument("--debug", action="store_true", help="print debug logs to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if only is not None and module_info.name not in only:
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 done, 1 problem found, 2 bad input)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Starting the GUI skips importing the other commands' modules: the window comes first.
    starts_gui = _command_name(arguments) in {None, "gui"} and not {"-h", "--help"} & set(arguments)
    parser = build_parser(only=["gui"] if starts_gui else None)
    options = parser.parse_args(arguments)
    logging.basicConfig(
        level=logging.DEBUG if options.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if options.command is None:
        options = parser.parse_args([*arguments, "gui"])
    try:
        status: int = options.handler(options)
    except ArchiveError as error:
        print(f"seminar-archive: error: {error.message}", file=sys.stderr)
        if error.detail:
            print(error.detail, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("seminar-archive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return status


def _command_name(arguments: Sequence[str]) -> str | None:
    """The subcommand named in `arguments` (None when there is none)."""
    skip_value = False
    for argument in arguments:
        if skip_value:
            skip_value = False
        elif argument in ("--data-dir", "--db"):
            skip_value = True
        elif not argument.startswith("-"):
            return argument
    return None


if __name__ == "__main__":
    raise SystemExit(main())
