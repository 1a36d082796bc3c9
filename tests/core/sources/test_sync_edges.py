"""Sync at its edges: several sources read at once by a fresh process, Cancel while a server
hangs, a cut-off download, and sources that cannot be followed refused when added."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.sources.fetch import Timeouts
from desktop_app.core.sources.sync import FetchOptions, sync_sources
from tests.core.sources.test_sync import FAST, THREE, event, feed, serve_feed, uids_of
from tests.helpers.cli import run_cli

# The same tests on SQLite and on the private PostgreSQL server (tests/conftest.py).
pytestmark = pytest.mark.both_databases

PATIENT = FetchOptions(timeouts=Timeouts(connect=5, read=30, total=60), retries=0)


def test_a_fresh_process_reads_several_changed_sources_at_once(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    folder = tmp_path / "archive"
    for name in ("one", "two", "three", "four"):
        events = [event(f"{name}-{n}@test", f"2025021{n}T150000Z", f"{name} {n}") for n in (1, 2)]
        serve_feed(httpserver, f"/{name}.ics", feed(*events, name=f"Seminar {name}"))
        assert (
            run_cli(folder, "source", "add", name, httpserver.url_for(f"/{name}.ics")).returncode
            == 0
        )
    result = run_cli(folder, "sync", "--json")
    assert result.returncode == 0, result.stderr
    statuses = {
        s["series"]: (s["status"], s["added"]) for s in json.loads(result.stdout)["sources"]
    }
    assert statuses == {name: ("new", 2) for name in ("one", "two", "three", "four")}


def test_cancel_returns_while_the_server_still_hangs(
    archive: Archive, httpserver: HTTPServer
) -> None:
    asked, release, replying = threading.Event(), threading.Event(), threading.Event()

    def hanging(_request: Request) -> Response:
        asked.set()
        release.wait(10)
        replying.set()
        return Response(feed(*THREE), content_type="text/calendar")

    httpserver.expect_request("/hang.ics").respond_with_handler(hanging)
    archive.add_source("hanging", httpserver.url_for("/hang.ics"))
    cancel = threading.Event()
    threading.Thread(target=lambda: asked.wait(10) and cancel.set(), daemon=True).start()
    before = archive.count_talks()
    [result] = sync_sources(archive, archive.sources(), options=PATIENT, cancel=cancel)
    returned_before_the_answer = not replying.is_set()
    release.set()
    assert returned_before_the_answer
    assert result.status == "failed" and "cancelled" in (result.error or "")
    assert archive.count_talks() == before
    [info] = archive.sources()
    assert info.last_status == "failed"


# The feed of the two first talks, cut inside the third event or before END:VCALENDAR.
CUT_OFF = {
    "inside-an-event": feed(*THREE)[: feed(*THREE).rindex(b"SUMMARY:Diffusion")],
    "before-the-end": feed(*THREE[:2])[: feed(*THREE[:2]).rindex(b"END:VCALENDAR")],
}


@pytest.mark.parametrize("cut", sorted(CUT_OFF))
def test_a_cut_off_download_drops_no_talk(
    archive: Archive, httpserver: HTTPServer, cut: str
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE), etag='"v1"')
    archive.add_source("local-learning", httpserver.url_for("/feed.ics"))
    sync_sources(archive, archive.sources(), options=FAST)
    uids = uids_of(archive, "local-learning")
    assert len(uids) == 3
    httpserver.clear()
    serve_feed(httpserver, "/feed.ics", CUT_OFF[cut], etag='"v2"')
    [result] = sync_sources(archive, archive.sources(), options=FAST)
    assert result.status != "failed", result.error
    assert result.removed == 0
    assert not any(archive.removed_by_source(uid) for uid in uids)


def test_a_complete_feed_without_a_talk_still_drops_it(
    archive: Archive, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE), etag='"v1"')
    archive.add_source("local-learning", httpserver.url_for("/feed.ics"))
    sync_sources(archive, archive.sources(), options=FAST)
    httpserver.clear()
    serve_feed(httpserver, "/feed.ics", feed(*THREE[:2]), etag='"v2"')
    [result] = sync_sources(archive, archive.sources(), options=FAST)
    assert result.removed == 1


@pytest.mark.parametrize(
    ("url", "kind", "says"),
    [
        ("ftp://example.org/feed.ics", None, "ftp"),
        ("javascript:alert(1)", None, "javascript"),
        ("data:text/calendar,BEGIN:VCALENDAR", None, "data"),
        ("no-such-feed.ics", None, "does not exist"),
        ("not a series!", "researchseminars", "not a researchseminars.org series"),
        ("https://example.org/seminar/MPML", "researchseminars", "researchseminars.org"),
        ("feed.ics", "ics", "http, https or webcal"),
        ("https://example.org/feed.ics", "file", "a file source is a path"),
    ],
)
def test_a_source_that_cannot_be_followed_is_refused(
    empty_archive: Archive,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    kind: str | None,
    says: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=says):
        empty_archive.add_source("somewhere", url, kind)
    assert empty_archive.sources() == []


def test_a_file_source_is_kept_as_an_absolute_path(
    empty_archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "feed.ics").write_bytes(feed(*THREE))
    monkeypatch.chdir(tmp_path)
    info = empty_archive.add_source("local", "feed.ics")
    assert (info.kind, info.url) == ("file", str(tmp_path / "feed.ics"))
    by_uri = empty_archive.add_source("other", (tmp_path / "feed.ics").as_uri())
    assert by_uri.url == str(tmp_path / "feed.ics")
    monkeypatch.chdir("/")
    results = sync_sources(empty_archive, empty_archive.sources(), options=FAST)
    assert [r.status for r in results] == ["new", "new"]
    assert sum(r.added for r in results) == 3  # one file, read from where it was added


def test_the_cli_refuses_a_bad_source_and_an_unknown_series_with_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    bad = run_cli(folder, "source", "add", "x", "ftp://example.org/feed.ics")
    assert bad.returncode == 2 and "ftp" in bad.stderr
    missing = run_cli(folder, "sync", "--series", "nosuch")
    assert missing.returncode == 2 and "nosuch" in missing.stderr
