"""The hostile corpus through the core: each file refused or read as README.md says, within a
time bound, with `file:line` in the message, and the archive unchanged when refused."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.sanitize import has_controls
from desktop_app.core.saved import export_archive
from desktop_app.core.sources.youtube import YouTubeError, read_flat_playlist
from tests.helpers.files import bundled_records, write_jsonl
from tests.helpers.hostile import CORPUS

from .expected import CORPUS as EXPECTED
from .expected import LENIENT, REFUSED

SECONDS_PER_FILE = 3.0


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """One archive (the bundled talks) that every file of the corpus is imported into."""
    with Archive.open(tmp_path_factory.mktemp("hostile") / "archive") as archive:
        yield archive


def exported(archive: Archive) -> str:
    stream = io.StringIO()
    export_archive(archive, stream, with_user_state=True)
    return stream.getvalue()


def test_every_file_of_the_corpus_is_described() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    assert files == set(EXPECTED)
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"| {name} |" in readme for name in files)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "playlist" not in n))
def test_import_refuses_or_reads_each_file_as_described(name: str, shared: Archive) -> None:
    expected = EXPECTED[name]
    path = CORPUS / name
    before = exported(shared)
    started = time.monotonic()
    if expected.outcome == REFUSED:
        with pytest.raises(InputError) as refused:
            shared.import_file(path)
        message = str(refused.value)
        assert f"{path}{expected.where}" in message, message
        assert expected.text in message
        assert exported(shared) == before  # nothing changed
    else:
        report = shared.import_file(path)
        wheres = [p.where for p in report.problems]
        assert all(re.fullmatch(rf"{re.escape(str(path))}(:\d+)?", w) for w in wheres), wheres
        if expected.outcome == LENIENT:
            assert report.rejected > 0
            found = [p for p in report.problems if p.where == f"{path}{expected.where}"]
            assert found and expected.text in found[0].message, report.problems
        else:
            assert report.rejected == 0, report.problems
    assert time.monotonic() - started < SECONDS_PER_FILE


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if "playlist" in n))
def test_playlist_dumps_are_read_or_refused_as_described(name: str) -> None:
    expected = EXPECTED[name]
    path = CORPUS / name
    if expected.outcome == REFUSED:
        with pytest.raises(YouTubeError) as refused:
            read_flat_playlist(path.read_bytes(), str(path))
        assert f"{path}{expected.where}" in str(refused.value)
        assert expected.text in str(refused.value)
        return
    playlist = read_flat_playlist(path.read_bytes(), str(path))
    assert [e.video_id for e in playlist.entries] == [f"AAAAAAAAAA{n}" for n in range(1, 6)]
    assert len(playlist.skipped) == 4
    assert all(e.url.startswith("https://www.youtube.com/watch?v=") for e in playlist.entries)
    assert all(not has_controls(e.title) for e in playlist.entries)
    assert [e.duration_seconds for e in playlist.entries] == [3600, 3600, None, None, 3600]
    assert all(e.published is None for e in playlist.entries)


def test_imported_text_keeps_markup_as_text_and_loses_control_characters(
    empty_archive: Archive, tmp_path: Path
) -> None:
    empty_archive.import_file(write_jsonl(tmp_path / "series.jsonl", bundled_records("series")))
    empty_archive.import_file(CORPUS / "controls_in_title.jsonl")
    empty_archive.import_file(CORPUS / "html_script.jsonl")
    talk = empty_archive.get_talk("hostile-ctl").talk
    assert talk.title == "Evil [31mred[0m title second line third"
    assert talk.speakers[0].name == "Ada]0;owned Example"
    assert talk.speakers[0].affiliation == "Uni versity"
    assert talk.abstract == "Para one.\n\nPara two[2J."
    markup = empty_archive.get_talk("hostile-html").talk
    assert markup.title == '<script>alert("title")</script> Spectral <b>methods</b>'


def test_feed_links_other_than_http_are_left_out(empty_archive: Archive) -> None:
    report = empty_archive.import_file(CORPUS / "urls.ics")
    assert any("javascript:alert(1)" in p.message for p in report.problems)
    for talk in empty_archive.iter_talks():
        urls = [talk.recording_url, talk.join_url, *(ln.url for ln in talk.links)]
        assert all(u is None or u.startswith(("http://", "https://")) for u in urls), urls


def test_endless_and_million_rules_stop_at_the_cap_at_once(empty_archive: Archive) -> None:
    for name in ("rrule_secondly_million.ics", "rrule_secondly_no_end.ics"):
        started = time.monotonic()
        report = empty_archive.import_file(CORPUS / name)
        assert time.monotonic() - started < 2.0
        assert report.added + report.unchanged == 501  # the first 500 and the good event
        assert any("only the first 500" in p.message for p in report.problems)
