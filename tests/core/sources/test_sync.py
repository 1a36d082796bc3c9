"""Sync against a real HTTP server on 127.0.0.1: new, changed, dropped and cancelled talks;
conditional requests; failing sources change nothing and stop no other; the user's marks,
notes and edits survive."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from desktop_app.core.archive import Archive
from desktop_app.core.records import TalkFilter
from desktop_app.core.sources.fetch import Timeouts
from desktop_app.core.sources.sync import FetchOptions, sync_sources
from tests.helpers.cli import run_cli, run_json

# The same tests on SQLite and on the private PostgreSQL server (tests/conftest.py).
pytestmark = pytest.mark.both_databases

FAST = FetchOptions(timeouts=Timeouts(connect=2, read=1, total=5), retries=1, backoff=0.01)
REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real" / "researchseminars"


def event(uid: str, start: str, summary: str, *, status: str = "") -> str:
    extra = f"STATUS:{status}\r\n" if status else ""
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20240101T000000Z\r\n"
        f"DTSTART:{start}\r\nDURATION:PT1H\r\nSUMMARY:{summary}\r\n"
        f"DESCRIPTION:Abstract of {summary}.\r\n{extra}"
        "END:VEVENT\r\n"
    )


def feed(*events: str, name: str = "Local Learning Seminar") -> bytes:
    body = "".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Feed//EN\r\n"
        f"X-WR-CALNAME:{name}\r\n{body}END:VCALENDAR\r\n"
    ).encode()


THREE = (
    event("a@test", "20250110T150000Z", "Kernels and their limits"),
    event("b@test", "20250117T150000Z", "Optimal transport on graphs"),
    event("c@test", "20250124T150000Z", "Diffusion models in practice"),
)


def serve_feed(server: HTTPServer, path: str, body: bytes, etag: str = '"v1"') -> None:
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(body, content_type="text/calendar", headers={"ETag": etag})

    server.expect_request(path).respond_with_handler(handler)


def sync(archive: Archive, series: str | None = None) -> dict[str, object]:
    results = sync_sources(archive, archive.sources(series), options=FAST)
    return {r.url.rsplit("/", 1)[-1]: r for r in results}


def uids_of(archive: Archive, series: str) -> list[str]:
    return archive.list_uids(TalkFilter(series=series))


def test_first_sync_brings_the_feed_and_the_second_costs_one_304(
    archive: Archive, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE))
    archive.add_source("local-learning", httpserver.url_for("/feed.ics"))
    [first] = sync_sources(archive, archive.sources(), options=FAST)
    assert (first.status, first.added) == ("new", 3)
    assert archive.get_series("local-learning").series.name == "Local Learning Seminar"
    assert len(uids_of(archive, "local-learning")) == 3
    [second] = sync_sources(archive, archive.sources(), options=FAST)
    assert (second.status, second.added, second.updated) == ("unchanged", 0, 0)
    requests = [request for request, _response in httpserver.log]
    assert requests[-1].headers.get("If-None-Match") == '"v1"'
    assert [r.headers.get("If-None-Match") for r in requests] == [None, '"v1"']
    [info] = archive.sources()
    assert info.last_status == "unchanged" and info.last_sync is not None


def test_last_modified_gives_a_304_too(archive: Archive, httpserver: HTTPServer) -> None:
    stamp = "Wed, 01 Jan 2025 10:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response(
            feed(*THREE), content_type="text/calendar", headers={"Last-Modified": stamp}
        )

    httpserver.expect_request("/lm.ics").respond_with_handler(handler)
    archive.add_source("lm-series", httpserver.url_for("/lm.ics"))
    assert sync_sources(archive, archive.sources(), options=FAST)[0].status == "new"
    assert sync_sources(archive, archive.sources(), options=FAST)[0].status == "unchanged"
    assert httpserver.log[-1][0].headers.get("If-Modified-Since") == stamp


def test_changes_cancellations_and_a_dropped_event_keep_the_users_marks(
    archive: Archive, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE), etag='"v1"')
    archive.add_source("local-learning", httpserver.url_for("/feed.ics"))
    sync_sources(archive, archive.sources(), options=FAST)
    by_title = {archive.get_talk(u).talk.title: u for u in uids_of(archive, "local-learning")}
    kernels = by_title["Kernels and their limits"]
    transport = by_title["Optimal transport on graphs"]
    diffusion = by_title["Diffusion models in practice"]
    archive.set_user_state(kernels, starred=True, note="bring questions")
    archive.set_user_state(diffusion, note="my note on the dropped talk")
    archive.edit_talk(transport, {"tags": ["favourite"]})
    httpserver.clear()
    changed = feed(
        event("a@test", "20250110T160000Z", "Kernels and their limits"),  # an hour later
        event("b@test", "20250117T150000Z", "Optimal transport on graphs", status="CANCELLED"),
    )
    serve_feed(httpserver, "/feed.ics", changed, etag='"v2"')
    [result] = sync_sources(archive, archive.sources(), options=FAST)
    assert (result.status, result.added, result.updated, result.removed) == ("updated", 0, 2, 1)
    moved = archive.get_talk(kernels)
    assert moved.talk.start is not None and moved.talk.start.hour == 16
    assert moved.user.starred and moved.user.note == "bring questions"
    cancelled = archive.get_talk(transport)
    assert cancelled.talk.cancelled and cancelled.talk.tags == ("favourite",)
    dropped = archive.get_talk(diffusion)  # marked, never deleted
    assert archive.removed_by_source(diffusion)
    assert dropped.user.note == "my note on the dropped talk"
    assert not archive.removed_by_source(kernels)
    assert [s.url for s in archive.talk_sources(kernels)] == [httpserver.url_for("/feed.ics")]


def test_a_failing_source_changes_nothing_and_the_others_are_applied(
    archive: Archive, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/good.ics", feed(*THREE))
    httpserver.expect_request("/broken.ics").respond_with_data("oops", status=500)
    httpserver.expect_request("/page.ics").respond_with_data(
        "<html><body>Sign in</body></html>", content_type="text/html"
    )
    archive.add_source("good", httpserver.url_for("/good.ics"))
    archive.add_source("broken", httpserver.url_for("/broken.ics"))
    archive.add_source("page", httpserver.url_for("/page.ics"))
    archive.add_source("refused", "http://127.0.0.1:9/nothing.ics")
    before = archive.count_talks()
    results = sync(archive)
    assert results["good.ics"].status == "new"  # type: ignore[attr-defined]
    for name, words in (("broken.ics", "500"), ("page.ics", "calendar"), ("nothing.ics", "")):
        failed = results[name]
        assert failed.status == "failed", name  # type: ignore[attr-defined]
        assert words in (failed.error or ""), failed  # type: ignore[attr-defined]
    assert archive.count_talks() == before + 3
    assert {s.series: s.last_status for s in archive.sources()} == {
        "good": "new",
        "broken": "failed",
        "page": "failed",
        "refused": "failed",
    }


def test_researchseminars_and_file_sources(
    archive: Archive, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(), content_type="text/calendar"
    )
    archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    local = tmp_path / "talks.ics"
    local.write_bytes(feed(*THREE[:1]))
    archive.add_source("local-file", str(local))
    results = sync_sources(archive, archive.sources(), options=FAST)
    assert [r.status for r in results] == ["new", "new"]
    [villar] = [archive.get_talk(u).talk for u in uids_of(archive, "mpml")]
    assert villar.speakers[0].name == "Soledad Villar"
    assert villar.title == "Equivariant machine learning structure like classical physics"
    assert [r.status for r in sync_sources(archive, archive.sources()[1:], options=FAST)] == [
        "unchanged"
    ]
    local.write_bytes(feed(*THREE[:2]))
    assert sync_sources(archive, archive.sources()[1:], options=FAST)[0].added == 1


def test_cli_source_add_list_sync_and_import_into_a_new_series(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    folder = tmp_path / "archive"
    serve_feed(httpserver, "/feed.ics", feed(*THREE))
    added = run_json(folder, "source", "add", "local-learning", httpserver.url_for("/feed.ics"))
    assert added["kind"] == "ics" and added["series"] == "local-learning"
    run_cli(folder, "source", "add", "dead", "http://127.0.0.1:9/feed.ics")
    result = run_cli(folder, "sync", "--json")
    assert result.returncode == 1, result.stderr  # one source failed, the other applied
    import json

    statuses = {s["series"]: s["status"] for s in json.loads(result.stdout)["sources"]}
    assert statuses == {"local-learning": "new", "dead": "failed"}
    listed = run_json(folder, "source", "list")
    assert {s["series"]: s["last_status"] for s in listed} == statuses
    assert run_cli(folder, "source", "remove", str(listed[1]["id"])).returncode == 0
    assert run_cli(folder, "sync").returncode == 0
    ics = tmp_path / "other.ics"
    others = [event(f"other-{n}@test", f"2025020{n}T150000Z", f"Talk {n}") for n in (1, 2, 3)]
    ics.write_bytes(feed(*others, name="Another Seminar"))
    imported = run_json(folder, "import", str(ics), "--series", "another")
    assert imported["added"] == 3
    assert len(run_json(folder, "list", "--series", "another")) == 3
    bad = run_cli(folder, "source", "add", "x", "http://127.0.0.1/a.ics", "--kind", "bogus")
    assert bad.returncode == 2


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_then_a_200_is_retried(archive: Archive, httpserver: HTTPServer, status: int) -> None:
    calls: list[int] = []

    def handler(_request: Request) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response("busy", status=status)
        return Response(feed(*THREE), content_type="text/calendar")

    httpserver.expect_request("/flaky.ics").respond_with_handler(handler)
    archive.add_source("flaky", httpserver.url_for("/flaky.ics"))
    [result] = sync_sources(archive, archive.sources(), options=FAST)
    assert result.status == "new" and len(calls) == 2


def test_one_talk_from_a_feed_and_researchseminars_is_one_after_review(
    archive: Archive, httpserver: HTTPServer, tmp_path: Path
) -> None:
    # The same talk in the series' own calendar feed (hand-made, with another wording of the
    # title) and in researchseminars.org's real .ics capture.
    serve_feed(
        httpserver,
        "/mpml.ics",
        feed(
            event(
                "villar@mpml",
                "20211202T170000Z",
                "Equivariant machine learning, structured like classical physics",
            ),
            name="MPML",
        ),
    )
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(), content_type="text/calendar"
    )
    archive.add_source("mpml", httpserver.url_for("/mpml.ics"))
    sync_sources(archive, archive.sources(), options=FAST)
    [from_feed] = uids_of(archive, "mpml")
    archive.set_user_state(from_feed, starred=True, note="from the feed")
    archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    [_first, second] = sync_sources(archive, archive.sources(), options=FAST)
    assert second.status == "new" and second.proposed == 1 and second.merged == 0
    [from_rs] = [u for u in uids_of(archive, "mpml") if u != from_feed]
    archive.set_user_state(from_rs, watched=True, note="from researchseminars")
    [item] = archive.review_list()
    assert item.kind == "merge" and set(item.talks) == {from_feed, from_rs}
    assert "title" in item.reason
    archive.review_accept(item.id)
    [kept] = uids_of(archive, "mpml")
    talk = archive.get_talk(kept)
    assert talk.user.starred and talk.user.watched
    assert "from the feed" in talk.user.note and "from researchseminars" in talk.user.note
    assert talk.talk.speakers[0].name == "Soledad Villar"
    assert archive.review_list() == []
    sync_sources(archive, archive.sources(), options=FAST)  # nothing is proposed again
    assert archive.review_list() == [] and len(uids_of(archive, "mpml")) == 1


def test_a_playlist_attaches_its_recording_and_rejects_stay_rejected(
    archive: Archive, httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(), content_type="text/calendar"
    )
    archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    sync_sources(archive, archive.sources(), options=FAST)
    [villar] = uids_of(archive, "mpml")
    # Hand-made, in the shape `yt-dlp --flat-playlist -J` prints (see tests/fixtures/real).
    playlist = {
        "_type": "playlist",
        "id": "PLmpml",
        "title": "MPML seminar",
        "entries": [
            {
                "_type": "url",
                "ie_key": "Youtube",
                "id": "abcdefghijk",
                "url": "https://www.youtube.com/watch?v=abcdefghijk",
                "title": "Soledad Villar - Equivariant machine learning structure like classical "
                "physics",
            }
        ],
    }
    dump = tmp_path / "playlist.json"
    import json

    dump.write_text(json.dumps(playlist), encoding="utf-8")
    archive.add_source("mpml", str(dump), "youtube")
    results = sync_sources(archive, archive.sources()[1:], options=FAST)
    assert [r.status for r in results] == ["new"] and results[0].updated == 1
    talk = archive.get_talk(villar).talk
    assert talk.recording_url == "https://www.youtube.com/watch?v=abcdefghijk"
    assert str(dump) in [s.url for s in archive.talk_sources(villar)]
    assert (talk.field_provenance or {}).get("recording_url") == "youtube"
    assert archive.revert_field(villar, "recording_url")
    assert archive.get_talk(villar).talk.recording_url is None
