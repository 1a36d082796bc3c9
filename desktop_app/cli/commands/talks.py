"""`import`, `export`, `list`, `show` and `stats`."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from desktop_app.cli.common import (
    add_json_flag,
    date_text,
    open_archive,
    print_json,
    speakers_text,
)
from desktop_app.core.errors import InputError
from desktop_app.core.jsonout import talk_detail_json, talk_row_json
from desktop_app.core.labels import UNKNOWN
from desktop_app.core.provenance_text import provenance_items
from desktop_app.core.records import ImportReport, SortKey, TalkDetail, TalkFilter
from desktop_app.core.safe_write import write_text_file

SORTS = {
    "date": SortKey.DATE,
    "date-asc": SortKey.DATE_ASCENDING,
    "title": SortKey.TITLE,
    "speaker": SortKey.SPEAKER,
    "series": SortKey.SERIES,
}


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    parser = subparsers.add_parser(
        "import",
        help="import talks from files (format detected from content)",
        description="Import talks. The command is one decision: every file is read and "
        "checked first, then all are applied in one transaction; when one file is refused "
        "(unreadable, too large, of no known format, or with a bad record in the strict "
        "exchange format) nothing is imported from any of them, and the message names the "
        "file and line (exit status 2). Calendar feeds and other foreign formats are lenient: "
        "a broken event is skipped and reported, the rest imported. Re-importing updates, "
        "never duplicates, and never touches stars, watched marks or notes.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--series", metavar="SLUG", help="put the talks into this series")
    add_json_flag(parser)
    parser.set_defaults(handler=run_import)

    parser = subparsers.add_parser(
        "export", help="write the whole archive in the exchange format (JSON Lines)"
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE.jsonl",
        help="the file to write ('-' for stdout)",
    )
    parser.add_argument(
        "--with-user-state",
        action="store_true",
        help="include your stars, watched marks and notes (importing the file restores them)",
    )
    parser.set_defaults(handler=run_export)

    parser = subparsers.add_parser("list", help="list talks (unknown dates last)")
    parser.add_argument("--series", metavar="SLUG")
    parser.add_argument("--year", type=int)
    parser.add_argument("--speaker", metavar="NAME", help="a part of a speaker's name")
    parser.add_argument("--starred", action="store_true", help="only starred talks")
    parser.add_argument("--sort", choices=sorted(SORTS), default="date")
    parser.add_argument("--limit", type=int, metavar="N")
    add_json_flag(parser)
    parser.set_defaults(handler=run_list)

    parser = subparsers.add_parser("show", help="show one talk with its abstract and links")
    parser.add_argument("uid")
    add_json_flag(parser)
    parser.set_defaults(handler=run_show)

    parser = subparsers.add_parser("stats", help="counts of talks, per year and per series")
    add_json_flag(parser)
    parser.set_defaults(handler=run_stats)


def run_import(options: argparse.Namespace) -> int:
    """Import every file, or none of them when one is refused (one transaction)."""
    total = ImportReport()
    with open_archive(options) as archive:
        try:
            reports = archive.import_files(options.paths, series=options.series)
        except InputError as error:
            if len(options.paths) > 1:
                others = f"nothing was imported from any of the {len(options.paths)} files"
                detail = "\n".join(filter(None, [error.detail, others]))
                raise InputError(error.message, detail) from None
            raise
        for name, report in zip(options.paths, reports, strict=True):
            total = total + report
            if not options.json:
                print(
                    f"{name}: {report.added} added, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {report.rejected} rejected"
                )
            for problem in report.problems:
                print(f"{problem.where}: {problem.message}", file=sys.stderr)
    if options.json:
        print_json(total.as_json())
    return 0


def run_export(options: argparse.Namespace) -> int:
    """Write the exchange file whole or not at all (`safe_write`)."""
    from desktop_app.core.saved import export_archive

    with open_archive(options) as archive:
        mine = options.with_user_state
        if options.output == "-":
            export_archive(archive, sys.stdout, with_user_state=mine)
            return 0
        target = Path(options.output)
        count = write_text_file(
            target, lambda stream: export_archive(archive, stream, with_user_state=mine)
        )
    print(f"{count} talks written to {target}", file=sys.stderr)
    return 0


def run_list(options: argparse.Namespace) -> int:
    """Print talks, newest first by default."""
    talk_filter = TalkFilter(
        series=options.series,
        year=options.year,
        speaker=options.speaker,
        starred=True if options.starred else None,
    )
    with open_archive(options) as archive:
        rows = archive.list_talks(talk_filter, SORTS[options.sort], limit=options.limit)
        if options.json:
            links = {t.uid: t.links for t in archive.iter_talks(r.uid for r in rows)}
            print_json([talk_row_json(r, links.get(r.uid, ())) for r in rows])
            return 0
    for row in rows:
        marks = ("★" if row.starred else " ") + ("▶" if row.recording_url else " ")
        print(f"{row.uid}  {date_text(row)}  {marks} {row.display_title}")
        print(f"{' ' * 19}{row.series} · {speakers_text(row.speakers)}")
    print(f"{len(rows)} talks", file=sys.stderr)
    return 0


def run_show(options: argparse.Namespace) -> int:
    """Print one talk."""
    with open_archive(options) as archive:
        kept = archive.merged_into(options.uid)
        if kept is not None and kept != options.uid:
            print(f"seminar-archive: {options.uid} was merged into {kept}", file=sys.stderr)
        detail = archive.get_talk(kept or options.uid)
    if options.json:
        print_json(talk_detail_json(detail))
    else:
        print(format_detail(detail))
    return 0


def format_detail(detail: TalkDetail) -> str:
    """A talk as readable text for a terminal."""
    talk = detail.talk
    lines = [detail.display_title if talk.title else f"{detail.display_title} (untitled)"]
    lines.append("=" * min(len(lines[0]), 78))
    speakers = ", ".join(
        f"{s.name} ({s.affiliation})" if s.affiliation else s.name for s in talk.speakers
    )
    lines.append(f"Speaker:   {speakers or UNKNOWN}")
    if talk.start is None:
        lines.append(f"Date:      {UNKNOWN}")
    else:
        zone = talk.timezone or "UTC"
        lines.append(f"Date:      {talk.start:%A %d %B %Y, %H:%M} ({zone})")
    lines.append(f"Series:    {detail.series_name} [{talk.series}]")
    if talk.cancelled:
        lines.append("Status:    cancelled")
    lines.append(f"Recording: {talk.recording_url or 'none known'}")
    if talk.join_url:
        lines.append(f"Join:      {talk.join_url}")
    marks = [
        m for m, on in (("starred", detail.user.starred), ("watched", detail.user.watched)) if on
    ]
    if marks:
        lines.append(f"Yours:     {', '.join(marks)}")
    lines.append(f"UID:       {talk.uid}")
    for heading, text in (
        ("Abstract", talk.abstract),
        ("Speaker bio", talk.bio),
        ("More", talk.extra),
        ("Your note", detail.user.note),
    ):
        lines += ["", f"{heading}:"]
        lines += (
            _paragraphs(text) if text else [f"  ({UNKNOWN})" if heading == "Abstract" else "  -"]
        )
    if talk.links:
        lines += ["", "Links:"]
        lines += [
            f"  [{ln.kind}] {ln.label or ''} {ln.url}".replace("  ", " ", 1) for ln in talk.links
        ]
    facts = provenance_items(talk.provenance or {})
    if facts:
        lines += ["", "Where the facts come from:"]
        wrap = textwrap.TextWrapper(
            78, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False
        )
        for label, value in facts:
            if isinstance(value, list):  # links, one a line, never cut
                lines += [f"  {label}:", *(f"    {item}" for item in value)]
            else:
                lines += wrap.wrap(f"  {label}: {value}")
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    result: list[str] = []
    for paragraph in text.split("\n\n"):
        result += textwrap.wrap(paragraph, 78, initial_indent="  ", subsequent_indent="  ") or [""]
        result.append("")
    return result[:-1]


def run_stats(options: argparse.Namespace) -> int:
    """Print counts."""
    with open_archive(options) as archive:
        stats = archive.statistics()
    if options.json:
        print_json(
            {
                "talks": stats.talks,
                "series": stats.series,
                "speakers": stats.speakers,
                "with_title": stats.with_title,
                "with_speaker": stats.with_speaker,
                "with_date": stats.with_date,
                "with_recording": stats.with_recording,
                "with_abstract": stats.with_abstract,
                "starred": stats.starred,
                "watched": stats.watched,
                "per_year": {
                    str(y) if y is not None else "unknown": n for y, n in stats.per_year.items()
                },
                "per_series": stats.per_series,
            }
        )
        return 0
    print(f"{stats.talks} talks in {stats.series} series, {stats.speakers} speakers")
    print(
        f"  with a title {stats.with_title}, a speaker {stats.with_speaker}, "
        f"a date {stats.with_date}, a recording {stats.with_recording}, "
        f"an abstract {stats.with_abstract}"
    )
    print(f"  starred {stats.starred}, watched {stats.watched}")
    print("Per year:")
    for year, count in stats.per_year.items():
        print(f"  {year if year is not None else UNKNOWN:>7}  {count}")
    print("Per series:")
    for slug, count in stats.per_series.items():
        print(f"  {slug}  {count}")
    return 0
