"""Hypothesis against every importer: no exception but the importer's own refusal, no hang
(each example under the deadline), every problem placed at `file:line`, every talk read one
the archive can store, and a refused file changes nothing.

The budget is fixed for CI (HOSTILE_FUZZ_EXAMPLES, default 40 examples per test, the same
ones on every run); the slow variant in test_fuzz_long.py runs many more, at random.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.importers import read_for_import
from desktop_app.core.importers.ics import MAX_OCCURRENCES, CalendarFeedImporter
from desktop_app.core.importers.jsonl import JsonLinesImporter
from desktop_app.core.importers.researchseminars import parse_answer
from desktop_app.core.records import ImportProblem, TalkData
from desktop_app.core.sanitize import has_controls, talk_problem
from desktop_app.core.saved import export_archive
from desktop_app.core.sources.youtube import YouTubeError, read_flat_playlist
from tests.helpers.files import bundled_records, write_jsonl

from .strategies import (
    calendar_files,
    exchange_files,
    playlist_dumps,
    recurring_feeds,
    researchseminars_answers,
)

EXAMPLES = int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "40"))
DEADLINE = timedelta(seconds=5)  # the recurrence budget of a file is 3 s
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE,
    derandomize="HOSTILE_FUZZ_EXAMPLES" not in os.environ,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FILE_LEVEL = ("the file holds no records", "the calendar holds no events")


def placed(problems: list[ImportProblem], path: Path) -> bool:
    """Every problem names the file, and its line unless it is about the whole file."""
    for problem in problems:
        if re.fullmatch(rf"{re.escape(str(path))}:\d+( field '.*')?", problem.where):
            continue
        if problem.where == str(path):
            continue
        return False
    return True


def storable(talks: list[TalkData]) -> bool:
    return all(talk_problem(talk) is None for talk in talks)


PATH = Path("/fuzz/input")


@FUZZ
@given(data=exchange_files())
def test_exchange_files(data: bytes) -> None:
    path = PATH.with_suffix(".jsonl")
    parsed = JsonLinesImporter().parse(data, path)
    assert placed(parsed.problems, path), parsed.problems
    assert storable(parsed.talks)


@FUZZ
@given(data=calendar_files())
def test_calendar_feeds(data: bytes) -> None:
    path = PATH.with_suffix(".ics")
    try:
        parsed = CalendarFeedImporter().parse(data, path)
    except InputError as error:
        assert str(path) in error.message
        return
    assert placed(parsed.problems, path), parsed.problems
    assert placed(parsed.warnings, path), parsed.warnings
    assert storable(parsed.talks)


@FUZZ
@given(data=recurring_feeds())
def test_recurring_events(data: bytes) -> None:
    path = PATH.with_suffix(".ics")
    parsed = CalendarFeedImporter().parse(data, path)
    assert placed(parsed.problems, path), parsed.problems
    assert storable(parsed.talks)
    assert 1 <= len(parsed.talks) <= 1 + MAX_OCCURRENCES + 2  # the good one, the capped rule
    provenances = [t.provenance or {} for t in parsed.talks]
    recurring = [p for p in provenances if p.get("uid") == "rule@fuzz"]
    assert recurring or parsed.problems or parsed.warnings  # a rule that gives nothing says so


@FUZZ
@given(data=researchseminars_answers())
def test_researchseminars_answers(data: bytes) -> None:
    path = PATH.with_suffix(".json")
    try:
        parsed = parse_answer(data, str(path))
    except InputError as error:
        assert error.message.startswith(str(path))
        return
    assert placed(parsed.problems, path), parsed.problems
    assert storable(parsed.talks)


@FUZZ
@given(data=playlist_dumps())
def test_playlist_dumps(data: bytes) -> None:
    try:
        playlist = read_flat_playlist(data, str(PATH))
    except YouTubeError as error:
        assert error.kind == "not-a-playlist" and error.message.startswith(str(PATH))
        return
    for entry in playlist.entries:
        assert re.fullmatch(r"[A-Za-z0-9_-]{11}", entry.video_id)
        assert entry.url == f"https://www.youtube.com/watch?v={entry.video_id}"
        assert not has_controls(entry.title)
        assert entry.duration_seconds is None or 0 <= entry.duration_seconds <= 366 * 86400


# ------------------------------------------------------------------ through the archive


class Fuzzed:
    """An archive for the examples, begun afresh once it holds many talks (each example
    exports it whole, so that it stays cheap however long the run)."""

    MAX_TALKS = 300

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.number = 0
        self.archive = self._open()

    def _open(self) -> Archive:
        self.number += 1
        archive = Archive.open(self.folder / f"archive{self.number}", import_bundled=False)
        series = write_jsonl(self.folder / "series.jsonl", bundled_records("series"))
        archive.import_file(series)
        return archive

    def current(self) -> Archive:
        if self.archive.count_talks() > self.MAX_TALKS:
            self.archive.close()
            self.archive = self._open()
        return self.archive


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    holder = Fuzzed(tmp_path_factory.mktemp("fuzzed"))
    yield holder
    holder.archive.close()


def _export(archive: Archive) -> str:
    stream = io.StringIO()
    export_archive(archive, stream, with_user_state=True)
    return stream.getvalue()


@FUZZ
@given(exchange=exchange_files(), feed=calendar_files())
def test_archive_imports_whole_files_or_nothing_and_exports_what_it_holds(
    fuzzed: Fuzzed, exchange: bytes, feed: bytes
) -> None:
    archive = fuzzed.current()
    folder = fuzzed.folder / "files"  # the same files, written over by every example
    folder.mkdir(exist_ok=True)
    for name, data in (("fuzz.jsonl", exchange), ("fuzz.ics", feed)):
        path = folder / name
        path.write_bytes(data)
        before = _export(archive)
        try:
            archive.import_file(path)
        except InputError as error:
            assert str(path) in str(error)
            assert _export(archive) == before
    # Whatever the archive took in, it writes out as a file it reads back without a problem.
    written = folder / "export.jsonl"
    written.write_text(_export(archive), encoding="utf-8")
    read_for_import(written)
