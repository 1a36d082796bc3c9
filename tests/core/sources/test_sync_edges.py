"""Sync at its edges: several sources read at once by a fresh process, Cancel while a server
hangs, a cut-off download, and sources that cannot be followed refused when added."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.records import TalkFilter
from desktop_app.core.sources.fetch import Timeouts
from desktop_app.core.sources.sync import FetchOptions, sync_sources
from tests.core.sources.test_sync import FAST, REAL, THREE, event, feed, serve_feed, uids_of
from tests.helpers.cli import run_cli, run_json
from tests.helpers.files import talk_record, write_jsonl

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
    assert archive.sources()[0].etag is None  # the next sync asks for the whole feed again


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


def test_an_address_typed_without_its_scheme_is_read_as_https(empty_archive: Archive) -> None:
    info = empty_archive.add_source("mpml", "researchseminars.org/seminar/MPML")
    assert (info.kind, info.url) == (
        "researchseminars",
        "https://researchseminars.org/seminar/MPML",
    )
    feed_info = empty_archive.add_source("other", "calendar.example.org/feeds/talks.ics")
    assert (feed_info.kind, feed_info.url) == (
        "ics",
        "https://calendar.example.org/feeds/talks.ics",
    )


def test_an_address_with_a_port_or_an_unknown_home_is_told_apart() -> None:
    from desktop_app.core.sources.kinds import checked_source, with_scheme

    assert with_scheme("example.org:8080/feed.ics") == "https://example.org:8080/feed.ics"
    assert with_scheme("~nosuchuser-here/feed.ics") == "~nosuchuser-here/feed.ics"
    with pytest.raises(ValueError, match="cannot be read"):
        checked_source("~nosuchuser-here/feed.ics", "file")


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


def _hostile(kind: str) -> Callable[[Request], Response]:
    """A handler that answers as a broken server does."""

    def slow(_request: Request) -> Response:
        time.sleep(2.5)  # FAST reads for at most 1 s
        return Response(feed(*THREE), content_type="text/calendar")

    def truncated(_request: Request) -> Response:
        response = Response(feed(*THREE)[:120], content_type="text/calendar")
        response.headers["Content-Length"] = "5000"  # then the connection closes
        return response

    def too_large(_request: Request) -> Response:
        return Response(b"BEGIN:VCALENDAR\r\n" + b"X" * 300_000, content_type="text/calendar")

    def loop(request: Request) -> Response:
        return Response(status=302, headers={"Location": request.path})

    def html(_request: Request) -> Response:
        return Response("<html><body>Sign in</body></html>", content_type="text/html")

    return {"timeout": slow, "truncated": truncated, "too-large": too_large}.get(
        kind, loop if kind == "redirect-loop" else html
    )


HOSTILE = ("timeout", "truncated", "too-large", "redirect-loop", "not-a-calendar")


def _serving(body: bytes) -> Callable[[Request], Response]:
    return lambda _request: Response(body, content_type="text/calendar")


def test_each_broken_answer_fails_its_source_alone_and_changes_nothing(
    archive: Archive, httpserver: HTTPServer
) -> None:
    answers: dict[str, Callable[[Request], Response]] = {}
    for kind in (*HOSTILE, "good"):
        events = [event(f"{kind}-{n}@test", f"2025030{n}T150000Z", f"{kind} {n}") for n in (1, 2)]
        answers[kind] = _serving(feed(*events))
        httpserver.expect_request(f"/{kind}.ics").respond_with_handler(
            lambda request, kind=kind: answers[kind](request)
        )
        archive.add_source(kind, httpserver.url_for(f"/{kind}.ics"))
    options = replace(FAST, max_bytes=200_000)
    assert {r.status for r in sync_sources(archive, archive.sources(), options=options)} == {"new"}
    [kept, *_] = uids_of(archive, "timeout")
    archive.set_user_state(kept, starred=True, note="keep me")
    before = {uid: archive.get_talk(uid) for uid in archive.list_uids(TalkFilter())}

    for kind in HOSTILE:
        answers[kind] = _hostile(kind)
    grown = [event(f"good-{n}@test", f"2025030{n}T150000Z", f"good {n}") for n in (1, 2, 3)]
    answers["good"] = _serving(feed(*grown))
    results = {r.series: r for r in sync_sources(archive, archive.sources(), options=options)}

    assert (results["good"].status, results["good"].added) == ("updated", 1)
    for kind in HOSTILE:
        assert results[kind].status == "failed", results[kind]
        assert results[kind].error_kind in {kind, "too-many-redirects"}, results[kind]
        assert results[kind].error
    after = {uid: archive.get_talk(uid) for uid in archive.list_uids(TalkFilter())}
    assert len(set(after) - set(before)) == 1  # the good source's new talk, nothing else
    assert all(after[uid] == talk for uid, talk in before.items())
    assert not any(archive.removed_by_source(uid) for uid in after)
    assert after[kept].user.note == "keep me" and after[kept].user.starred


VILLAR_TITLE = "Equivariant machine learning structure like classical physics"


def test_a_sure_match_from_another_source_merges_by_itself_and_keeps_the_marks(
    archive: Archive, httpserver: HTTPServer, tmp_path: Path
) -> None:
    # The user's own record of the talk (a file source) and researchseminars.org's real capture.
    mine = talk_record(
        "villar-mine",
        series="mpml",
        title=VILLAR_TITLE,
        speakers=[{"name": "Soledad Villar", "affiliation": None}],
        start="2021-12-02T12:00:00",  # New York: 17:00 UTC, as the feed
    )
    archive.add_source("mpml", str(write_jsonl(tmp_path / "mine.jsonl", [mine])))
    sync_sources(archive, archive.sources(), options=FAST)
    archive.set_user_state("villar-mine", starred=True, note="mine")
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(), content_type="text/calendar"
    )
    archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    [_mine, theirs] = sync_sources(archive, archive.sources(), options=FAST)
    assert (theirs.status, theirs.merged, theirs.proposed) == ("new", 1, 0)
    [kept] = uids_of(archive, "mpml")
    talk = archive.get_talk(kept)
    assert talk.user.starred and "mine" in (talk.user.note or "")
    assert talk.talk.title == VILLAR_TITLE
    assert archive.review_list() == []


def test_cli_review_lists_rejects_and_a_rejected_proposal_stays_rejected(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    folder = tmp_path / "archive"
    nearly = event("villar@mpml", "20211202T170000Z", "Equivariant machine learning, like physics")
    serve_feed(httpserver, "/mpml.ics", feed(nearly, name="MPML"))
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(), content_type="text/calendar"
    )
    run_json(folder, "source", "add", "mpml", httpserver.url_for("/mpml.ics"))
    run_json(folder, "sync")
    base = httpserver.url_for("/seminar/MPML")
    run_json(folder, "source", "add", "mpml", base, "--kind", "researchseminars")
    run_json(folder, "sync")
    [item] = run_json(folder, "review")
    assert item["kind"] == "merge" and len(item["talks"]) == 2 and item["score"] < 90
    listed = run_cli(folder, "review")
    assert listed.returncode == 0 and "Equivariant" in listed.stdout
    assert run_cli(folder, "review", "accept", "999").returncode == 2
    assert run_cli(folder, "review", "accept").returncode == 2
    rejected = run_cli(folder, "review", "reject", str(item["id"]))
    assert rejected.returncode == 0, rejected.stderr
    assert run_json(folder, "review") == []
    run_json(folder, "sync")  # the same records again: not proposed again
    assert run_json(folder, "review") == []
    assert len(run_json(folder, "list", "--series", "mpml")) == 2


API_ANSWER = REAL.parents[1] / "researchseminars" / "lookup_series_MPML_shaped.json"


def test_researchseminars_is_read_from_its_api_with_recordings_then_costs_a_304(
    archive: Archive, httpserver: HTTPServer
) -> None:
    def api(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"rs1"':
            return Response(status=304, headers={"ETag": '"rs1"'})
        assert request.args.get("series_id") == '"MPML"'
        body = API_ANSWER.read_bytes()
        return Response(body, content_type="application/json", headers={"ETag": '"rs1"'})

    httpserver.expect_request("/api/0/lookup/series").respond_with_handler(api)
    archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    [first] = sync_sources(archive, archive.sources(), options=FAST)
    assert first.status == "new" and first.added >= 3, first
    talks = [archive.get_talk(uid).talk for uid in uids_of(archive, "mpml")]
    villar = next(t for t in talks if t.speakers and t.speakers[0].name == "Soledad Villar")
    assert villar.recording_url == "https://www.youtube.com/watch?v=AbCdEfGhI01"
    assert villar.title == VILLAR_TITLE
    [second] = sync_sources(archive, archive.sources(), options=FAST)
    assert second.status == "unchanged"
    assert all("/api/0/" in request.path for request, _ in httpserver.log)  # no .ics asked


def test_researchseminars_falls_back_to_its_feed_when_the_api_does_not_answer(
    archive: Archive, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/api/0/lookup/series").respond_with_data("gone", status=404)
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(),
        content_type="text/calendar",
        headers={"ETag": '"feed-1"'},
    )
    archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    [result] = sync_sources(archive, archive.sources(), options=FAST)
    assert (result.status, result.added) == ("new", 1)
    assert [r.path for r, _ in httpserver.log] == ["/api/0/lookup/series", "/seminar/MPML/ics"]
    assert archive.sources()[0].etag is None  # the feed's validators never reach the API
