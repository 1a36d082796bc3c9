"""Fetching against a real HTTP server on 127.0.0.1 (pytest-httpserver), never the internet."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from desktop_app.core.sources.fetch import (
    ErrorKind,
    Expect,
    FetchError,
    FetchResult,
    Timeouts,
    fetch,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REAL = FIXTURES / "real"
CALENDARS = sorted([*(FIXTURES / "ics").glob("*.ics"), *(REAL / "researchseminars").glob("*.ics")])
QUICK = Timeouts(connect=2, read=2, total=10)


def _fetch(url: str, **options: object) -> FetchResult:
    """A fetch with short delays, so that retries cost milliseconds."""
    settings: dict[str, object] = {"timeouts": QUICK, "backoff": 0.01, "retries": 0}
    settings.update(options)
    return fetch(url, **settings)  # type: ignore[arg-type]


def _requests(server: HTTPServer, path: str) -> list[Request]:
    """The requests the server received for `path` (handlers of earlier tests that are still
    running, such as a slow one, may log theirs late)."""
    return [request for request, _ in server.log if request.path == path]


def _error(url: str, **options: object) -> FetchError:
    with pytest.raises(FetchError) as caught:
        _fetch(url, **options)
    assert url in str(caught.value)  # every message names the URL
    return caught.value


@pytest.mark.parametrize("path", CALENDARS, ids=lambda p: p.name)
def test_real_fixtures_arrive_unchanged(httpserver: HTTPServer, path: Path) -> None:
    body = path.read_bytes()
    httpserver.expect_request(f"/{path.name}").respond_with_data(
        body, content_type="text/calendar; charset=utf-8"
    )
    url = httpserver.url_for(f"/{path.name}")
    if path.name == "broken_fuzz_control_chars.ics":  # begins with BEGIN:VTIMEZONE
        assert _error(url, expect=Expect.CALENDAR).kind is ErrorKind.NOT_A_CALENDAR
        return
    result = _fetch(url, expect=Expect.CALENDAR)
    assert result.body == body
    assert (result.status, result.content_type, result.not_modified) == (
        200,
        "text/calendar",
        False,
    )
    assert result.final_url == url


@pytest.mark.parametrize("name", sorted(p.name for p in (REAL / "youtube").glob("*.json")))
def test_real_json_arrives_as_json(httpserver: HTTPServer, name: str) -> None:
    body = (REAL / "youtube" / name).read_bytes()
    httpserver.expect_request("/dump.json").respond_with_data(body, content_type="application/json")
    assert _fetch(httpserver.url_for("/dump.json"), expect=Expect.JSON).body == body


def test_webcal_on_the_loopback_host_is_read_over_http(httpserver: HTTPServer) -> None:
    body = (REAL / "researchseminars" / "talk_MPML_60.ics").read_bytes()
    httpserver.expect_request("/talk/MPML/60/ics").respond_with_data(body)
    url = f"webcal://127.0.0.1:{httpserver.port}/talk/MPML/60/ics"
    result = _fetch(url, expect=Expect.CALENDAR)
    assert result.body == body
    assert result.url == url
    assert result.final_url == httpserver.url_for("/talk/MPML/60/ics")


def test_a_500_then_a_200_succeeds_on_the_retry(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/feed.ics").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/feed.ics").respond_with_data("BEGIN:VCALENDAR\r\n")
    result = _fetch(httpserver.url_for("/feed.ics"), retries=2, expect=Expect.CALENDAR)
    assert result.body == b"BEGIN:VCALENDAR\r\n"
    assert result.attempts == 2
    assert len(_requests(httpserver, "/feed.ics")) == 2


def test_a_500_that_stays_fails_after_the_retries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.ics").respond_with_data("busy", status=503)
    url = httpserver.url_for("/feed.ics")
    started = time.monotonic()
    error = _error(url, retries=2, backoff=0.05)
    assert (error.kind, error.status) == (ErrorKind.HTTP_STATUS, 503)
    assert "503" in str(error)
    assert len(_requests(httpserver, "/feed.ics")) == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # back-off: 0.05 s, then 0.1 s


def test_a_404_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone.ics").respond_with_data("no", status=404)
    error = _error(httpserver.url_for("/gone.ics"), retries=3)
    assert (error.kind, error.status) == (ErrorKind.HTTP_STATUS, 404)
    assert len(_requests(httpserver, "/gone.ics")) == 1


def test_an_api_error_shows_its_description(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/0/lookup/series").respond_with_json(
        {"code": "lookup_error", "description": "series 'NOPE' not found"}, status=400
    )
    error = _error(httpserver.url_for("/api/0/lookup/series"), expect=Expect.JSON)
    assert error.status == 400
    assert "series 'NOPE' not found" in str(error)


def test_a_response_slower_than_the_timeout(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("BEGIN:VCALENDAR\r\n")

    httpserver.expect_request("/slow.ics").respond_with_handler(slow)
    started = time.monotonic()
    error = _error(httpserver.url_for("/slow.ics"), timeouts=Timeouts(connect=2, read=0.3))
    assert error.kind is ErrorKind.TIMEOUT
    assert "0.3 s" in str(error)
    assert time.monotonic() - started < 1.4


def test_a_body_that_drips_beyond_the_total_time(httpserver: HTTPServer) -> None:
    def drip(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b"BEGIN:VCALENDAR\r\n"
            for _ in range(20):
                time.sleep(0.1)
                yield b"X-PAD:1\r\n"

        return Response(chunks(), content_type="text/calendar")

    httpserver.expect_request("/drip.ics").respond_with_handler(drip)
    timeouts = Timeouts(connect=2, read=1, total=0.4)
    error = _error(httpserver.url_for("/drip.ics"), timeouts=timeouts)
    assert error.kind is ErrorKind.TIMEOUT
    assert "0.4 s" in str(error)


def test_a_truncated_body(httpserver: HTTPServer) -> None:
    def cut(request: Request) -> Response:
        response = Response(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMM", content_type="text/calendar"
        )
        response.headers["Content-Length"] = "5000"  # then the server closes the connection
        return response

    httpserver.expect_request("/cut.ics").respond_with_handler(cut)
    error = _error(httpserver.url_for("/cut.ics"))
    assert error.kind is ErrorKind.TRUNCATED
    assert "35 of 5000 bytes" in str(error)


def test_a_truncated_body_is_retried(httpserver: HTTPServer) -> None:
    def cut(request: Request) -> Response:
        response = Response(b"BEGIN:VCAL")
        response.headers["Content-Length"] = "100"
        return response

    httpserver.expect_ordered_request("/feed.ics").respond_with_handler(cut)
    httpserver.expect_ordered_request("/feed.ics").respond_with_data("BEGIN:VCALENDAR\r\n")
    assert _fetch(httpserver.url_for("/feed.ics"), retries=1).attempts == 2


def test_a_body_over_the_size_cap_announced(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big.ics").respond_with_data(b"B" * 5000)
    error = _error(httpserver.url_for("/big.ics"), max_bytes=1000)
    assert error.kind is ErrorKind.TOO_LARGE
    assert "larger than 1000 bytes (it announces 4.9 kB)" in str(error)


def test_an_endless_body_is_stopped_at_the_cap(httpserver: HTTPServer) -> None:
    sent = []

    def endless(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            while True:  # no Content-Length: only counting while reading can stop it
                sent.append(1)
                yield b"X" * 65536

        return Response(chunks(), content_type="text/calendar")

    httpserver.expect_request("/endless.ics").respond_with_handler(endless)
    error = _error(httpserver.url_for("/endless.ics"), max_bytes=1024 * 1024)
    assert error.kind is ErrorKind.TOO_LARGE
    assert "1.0 MB" in str(error)
    assert "stopped" in str(error)


def test_the_default_cap_is_20_mb() -> None:
    from desktop_app.core.sources.fetch import DEFAULT_MAX_BYTES

    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024


def test_a_redirect_loop(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/a"})
    error = _error(httpserver.url_for("/a"), max_redirects=10)
    assert error.kind is ErrorKind.REDIRECT_LOOP
    assert "/a → " in str(error) and "/b → " in str(error)
    assert [r.path for r in _requests(httpserver, "/a") + _requests(httpserver, "/b")] == [
        "/a",
        "/b",
    ]


def test_redirects_are_followed_up_to_the_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/mid"}
    )
    httpserver.expect_request("/mid").respond_with_data(
        "", status=307, headers={"Location": httpserver.url_for("/feed.ics")}
    )
    httpserver.expect_request("/feed.ics").respond_with_data("BEGIN:VCALENDAR\r\n")
    result = _fetch(httpserver.url_for("/old"), max_redirects=2)
    assert result.final_url == httpserver.url_for("/feed.ics")
    assert _error(httpserver.url_for("/old"), max_redirects=1).kind is (
        ErrorKind.TOO_MANY_REDIRECTS
    )


def test_a_redirect_without_a_location_is_an_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/nowhere").respond_with_data("moved", status=302)
    error = _error(httpserver.url_for("/nowhere"))
    assert (error.kind, error.status) == (ErrorKind.HTTP_STATUS, 302)


def test_an_html_page_is_not_a_calendar(httpserver: HTTPServer) -> None:
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"
    httpserver.expect_request("/feed.ics").respond_with_data(page, content_type="text/html")
    error = _error(httpserver.url_for("/feed.ics"), expect=Expect.CALENDAR)
    assert error.kind is ErrorKind.NOT_A_CALENDAR
    assert "an HTML page, not a calendar" in str(error)
    json_error = _error(httpserver.url_for("/feed.ics"), expect=Expect.JSON)
    assert json_error.kind is ErrorKind.NOT_JSON
    assert _fetch(httpserver.url_for("/feed.ics")).body == page  # nothing expected: any body


def test_a_calendar_with_a_wrong_content_type_is_still_a_calendar(httpserver: HTTPServer) -> None:
    body = (REAL / "researchseminars" / "talk_MPML_60.ics").read_bytes()
    httpserver.expect_request("/x").respond_with_data(body, content_type="text/html")
    assert _fetch(httpserver.url_for("/x"), expect=Expect.CALENDAR).body == body


def test_an_empty_answer_is_not_a_calendar(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/empty.ics").respond_with_data(b"", content_type="text/calendar")
    error = _error(httpserver.url_for("/empty.ics"), expect=Expect.CALENDAR)
    assert error.kind is ErrorKind.NOT_A_CALENDAR
    assert "empty" in str(error)


def test_a_304_for_an_etag(httpserver: HTTPServer) -> None:
    body = (REAL / "researchseminars" / "talk_MPML_60.ics").read_bytes()
    httpserver.expect_ordered_request("/feed.ics").respond_with_data(
        body, headers={"ETag": '"v1"'}, content_type="text/calendar"
    )
    httpserver.expect_ordered_request(
        "/feed.ics", headers={"If-None-Match": '"v1"'}
    ).respond_with_data("", status=304)
    url = httpserver.url_for("/feed.ics")
    first = _fetch(url, expect=Expect.CALENDAR)
    assert (first.etag, first.last_modified, first.not_modified) == ('"v1"', None, False)
    second = _fetch(url, expect=Expect.CALENDAR, etag=first.etag)
    assert (second.not_modified, second.status, second.body, second.etag) == (
        True,
        304,
        b"",
        '"v1"',
    )
    plain, conditional = _requests(httpserver, "/feed.ics")
    assert "If-None-Match" not in plain.headers
    assert conditional.headers["If-None-Match"] == '"v1"'
    assert "If-Modified-Since" not in conditional.headers


def test_a_304_for_last_modified(httpserver: HTTPServer) -> None:
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    httpserver.expect_ordered_request("/feed.ics").respond_with_data(
        "BEGIN:VCALENDAR\r\n", headers={"Last-Modified": stamp}
    )
    httpserver.expect_ordered_request(
        "/feed.ics", headers={"If-Modified-Since": stamp}
    ).respond_with_data("", status=304)
    url = httpserver.url_for("/feed.ics")
    first = _fetch(url)
    assert (first.etag, first.last_modified) == (None, stamp)
    second = _fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified
    assert second.last_modified == stamp
    _, conditional = _requests(httpserver, "/feed.ics")
    assert conditional.headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in conditional.headers


def test_a_refused_connection(httpserver: HTTPServer) -> None:
    with socket.socket() as probe:  # a port that nothing listens on once the socket closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.ics"
    error = _error(url, retries=1)
    assert error.kind is ErrorKind.REFUSED
    assert "refused" in str(error)


def test_a_name_that_does_not_resolve() -> None:
    error = _error("https://feed.example.invalid/calendar.ics", retries=3, backoff=5)
    assert error.kind is ErrorKind.DNS  # not retried: the 5 s back-off would show
    assert "feed.example.invalid" in str(error)


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed.ics", "/home/me/feed.ics", "javascript:alert(1)"]
)
def test_a_url_that_cannot_be_fetched(url: str) -> None:
    assert _error(url).kind is ErrorKind.BAD_URL


def test_cancel_stops_between_tries(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.ics").respond_with_data("busy", status=500)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    error = _error(httpserver.url_for("/feed.ics"), retries=5, backoff=2, cancel=cancel)
    assert error.kind is ErrorKind.CANCELLED
    assert time.monotonic() - started < 1.5
