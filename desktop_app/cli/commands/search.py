"""`search`, `reindex` and `check`: the full-text index from the command line."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from typing import Any

from desktop_app.cli.common import add_json_flag, date_text, open_archive, print_json, speakers_text
from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.jsonout import talk_row_json
from desktop_app.core.records import TalkFilter
from desktop_app.core.search import IndexCheck, SearchIndex, SearchResult

SORTS = ("relevance", "date", "-date", "title")
_MARK = re.compile(r"</?mark>")


def register(subparsers: Any) -> None:
    """Add the commands of this module."""
    parser = subparsers.add_parser(
        "search",
        help="full-text search of the talks (offline)",
        description="Search titles, speakers, abstracts, bios and linked papers. Words are all "
        'required; use "phrases", OR, NOT, prefix*, fuzzy~ and fields such as speaker:, '
        "title:, abstract:, series:, tag:, year:2023, date:[2021 to 2022].",
    )
    parser.add_argument("query", nargs="?", help="the query (omit with --stdin)")
    parser.add_argument("--stdin", action="store_true", help="one query per input line")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="hits (default 20)")
    parser.add_argument("--offset", type=int, default=0, metavar="N", help="skip N hits")
    parser.add_argument("--sort", choices=SORTS, default="relevance")
    parser.add_argument("--facets", action="store_true", help="count hits per year, series…")
    parser.add_argument(
        "--as-you-type", action="store_true", help="treat the last word as a prefix"
    )
    parser.add_argument("--series", metavar="SLUG", help="only talks of this series")
    parser.add_argument("--year", type=int, help="only talks of this year")
    parser.add_argument(
        "--save", metavar="NAME", help="also keep the query (and --series/--year) as a saved search"
    )
    add_json_flag(parser)
    parser.set_defaults(handler=run_search)

    parser = subparsers.add_parser(
        "reindex", help="rebuild the search index from the database (progress on stderr)"
    )
    parser.set_defaults(handler=run_reindex)

    parser = subparsers.add_parser(
        "check",
        help="compare the search index with the database (exit 1 when they differ)",
        description="Compare the search index with the database talk by talk. An index that "
        "is only behind (another process imported or edited since it was last updated, or "
        "there is none yet) is caught up first, as every command that reads it does; what "
        "differs after that is reported (exit status 1) and mended by --repair.",
    )
    parser.add_argument("--repair", action="store_true", help="bring the index up to date")
    add_json_flag(parser)
    parser.set_defaults(handler=run_check)


class ProgressBar:
    """A progress bar on stderr (a line every 10 % when stderr is not a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.shown = -1
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 if total <= 0 else min(100, done * 100 // total)
        if self.tty:
            filled = percent * 30 // 100
            bar = "#" * filled + "-" * (30 - filled)
            sys.stderr.write(f"\r{self.label} [{bar}] {percent:3d}% {done}/{total}")
            if done >= total:
                sys.stderr.write(f"  {time.monotonic() - self.started:.1f} s\n")
            sys.stderr.flush()
        elif percent // 10 != self.shown // 10 or (done >= total and self.shown != 100):
            print(f"{self.label}: {percent}% ({done}/{total})", file=sys.stderr)
        self.shown = percent


def check_query(result: SearchResult) -> None:
    """InputError for a query that cannot be kept as it is (it does not parse, or holds no
    word that is searched)."""
    from desktop_app.core.search.queries import NO_WORDS, UNPARSED

    message = result.message or ""
    if UNPARSED in message or NO_WORDS in message or "could not be run" in message:
        raise InputError(f"query {result.query!r}: {message}", "Saved searches keep valid queries.")


def _open_index(archive: Archive) -> SearchIndex:
    return SearchIndex.open(archive, progress=ProgressBar("indexing"))


def run_search(options: argparse.Namespace) -> int:
    """Print the hits of one query, or answer queries from stdin one line each."""
    if options.limit < 0 or options.offset < 0:
        raise InputError("--limit and --offset must not be negative")
    if options.stdin == (options.query is not None):
        raise InputError("give either a QUERY or --stdin")
    talk_filter = None
    if options.series is not None or options.year is not None:
        talk_filter = TalkFilter(series=options.series, year=options.year)
    with open_archive(options) as archive, _open_index(archive) as index:

        def search(text: str) -> SearchResult:
            return index.search(
                text,
                limit=options.limit,
                offset=options.offset,
                sort=options.sort,
                facets=options.facets,
                as_you_type=options.as_you_type,
                talk_filter=talk_filter,
            )

        if options.stdin:
            for line in sys.stdin:
                text = line.rstrip("\n")
                answer = result_json(archive, search(text), options.facets)
                sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            return 0
        result = search(options.query)
        if options.save is not None:
            from desktop_app.core.saved import SavedSearches

            check_query(result)
            SavedSearches(archive).save(options.save, options.query, talk_filter)
            print(f"saved as “{options.save}”", file=sys.stderr)
        if options.json:
            print_json(result_json(archive, result, options.facets))
            return 0
        _print_result(archive, result)
    return 0


def result_json(archive: Archive, result: SearchResult, facets: bool) -> dict[str, Any]:
    """The `search --json` object of the contracts."""
    rows = {row.uid: row for row in archive.rows_for([hit.uid for hit in result.hits])}
    links = {talk.uid: talk.links for talk in archive.iter_talks(list(rows))}
    hits = []
    for hit in result.hits:
        row = rows.get(hit.uid)
        if row is None:  # deleted since the index was read
            continue
        hits.append(
            {
                **talk_row_json(row, links.get(hit.uid, ())),
                "score": round(hit.score, 4),
                "highlights": hit.highlights,
            }
        )
    answer: dict[str, Any] = {
        "query": result.query,
        "total": result.total,
        "elapsed_ms": result.elapsed_ms,
        "suggestion": result.suggestion,
        "message": result.message,
        "hits": hits,
    }
    if facets:
        answer["facets"] = result.facets
    return answer


def _plain(fragment: str) -> str:
    """A highlighted fragment for a terminal: marks as *…*."""
    return html.unescape(_MARK.sub("*", fragment))


def _print_result(archive: Archive, result: SearchResult) -> None:
    rows = {row.uid: row for row in archive.rows_for([hit.uid for hit in result.hits])}
    for hit in result.hits:
        row = rows.get(hit.uid)
        if row is None:
            continue
        title = _plain(hit.highlights["title"]) if "title" in hit.highlights else row.display_title
        print(f"{row.uid}  {date_text(row)}  {title}")
        print(f"{' ' * 19}{row.series} · {speakers_text(row.speakers)}")
        if "abstract" in hit.highlights:
            print(f"{' ' * 19}{_plain(hit.highlights['abstract'])}")
    for name, counts in result.facets.items():
        shown = ", ".join(f"{value} ({count})" for value, count in list(counts.items())[:10])
        print(f"{name}: {shown or '-'}")
    if result.message:
        print(f"note: {result.message}", file=sys.stderr)
    if result.suggestion:
        print(f"did you mean: {result.suggestion}", file=sys.stderr)
    print(f"{result.total} talks ({result.elapsed_ms:.1f} ms)", file=sys.stderr)


def run_reindex(options: argparse.Namespace) -> int:
    """Rebuild the index beside the old one and swap it in."""
    with open_archive(options) as archive:
        index = SearchIndex.open(archive, catch_up=False)
        with index:
            index.rebuild(ProgressBar("indexing"))
            count = archive.count_talks()
    print(f"{count} talks indexed", file=sys.stderr)
    return 0


def run_check(options: argparse.Namespace) -> int:
    """Report whether index and database agree; with --repair, bring the index up to date."""
    with (
        open_archive(options, verify=True) as archive,
        SearchIndex.open(archive, catch_up=False) as index,
    ):
        caught_up = index.behind()
        if caught_up:
            print("the search index is behind the database: catching up", file=sys.stderr)
            index.catch_up(ProgressBar("indexing"))
        report = index.check()
        repaired = False
        if not report.ok and options.repair:
            _repair(index, report)
            repaired = True
            report = index.check()
    if options.json:
        print_json({**check_json(report), "caught_up": caught_up, "repaired": repaired})
    else:
        if repaired:
            print("repaired", file=sys.stderr)
        print("\n".join(report.describe()))
    return 0 if report.ok else 1


def _repair(index: SearchIndex, report: IndexCheck) -> None:
    if report.problem or not index.ready:
        index.rebuild(ProgressBar("indexing"))
        return
    index.update_talks([*report.missing, *report.extra, *report.outdated])
    index.catch_up(ProgressBar("indexing"))


def check_json(report: IndexCheck) -> dict[str, Any]:
    """The `check --json` object."""
    return {
        "ok": report.ok,
        "database_generation": report.database_generation,
        "index_generation": report.index_generation,
        "talks": report.talks,
        "indexed": report.indexed,
        "missing": list(report.missing),
        "extra": list(report.extra),
        "outdated": list(report.outdated),
        "problem": report.problem,
    }
