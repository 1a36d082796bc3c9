"""The kind of a source from its URL or path, and the URLs of a researchseminars.org series."""

from __future__ import annotations

import pytest

from desktop_app.core.sources.kinds import (
    detect_kind,
    http_url,
    researchseminars_series_id,
    researchseminars_urls,
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("https://researchseminars.org/seminar/MPML", "researchseminars"),
        ("https://researchseminars.org/seminar/MPML/", "researchseminars"),
        ("https://www.researchseminars.org/talk/MPML/60/", "researchseminars"),
        ("webcal://researchseminars.org/seminar/PhysicsMeetsML/ics", "researchseminars"),
        ("https://mathseminars.org/seminar/MITNT", "researchseminars"),
        (
            'https://researchseminars.org/api/0/lookup/series?series_id="MITNT"',
            "researchseminars",
        ),
        ("https://researchseminars.org/", "ics"),  # no series in it
        ("https://www.youtube.com/playlist?list=PLIF2opf2-1Pr0NEsp3YeRlmYVUCXip-CM", "youtube"),
        ("https://www.youtube.com/@OneWorldML/videos", "youtube"),
        ("https://youtube.com/channel/UC1234567890abcdefghijkl", "youtube"),
        ("https://m.youtube.com/playlist?list=PLx", "youtube"),
        ("https://youtu.be/s2jNsXmga6A", "youtube"),
        (
            "https://calendar.google.com/calendar/ical/abc%40group.calendar.google.com/basic.ics",
            "ics",
        ),
        ("webcal://p06-calendars.icloud.com/published/2/abc", "ics"),
        ("webcals://example.org/feed", "ics"),
        ("http://indico.cern.ch/category/1/events.ics", "ics"),
        ("/home/me/calendars/seminar.ics", "file"),
        ("seminar.jsonl", "file"),
        ("file:///home/me/seminar.ics", "file"),
        ("C:\\Users\\me\\seminar.ics", "file"),
        ("MPML", "file"),  # a bare series id needs its kind given
    ],
)
def test_detect_kind(text: str, kind: str) -> None:
    assert detect_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "series_id"),
    [
        ("MPML", "MPML"),
        ("  PhysicsMeetsML ", "PhysicsMeetsML"),
        ("https://researchseminars.org/seminar/MPML", "MPML"),
        ("https://researchseminars.org/talk/MPML/60/ics", "MPML"),
        ('https://researchseminars.org/api/0/lookup/series?series_id="MITNT"', "MITNT"),
        ("https://researchseminars.org/api/0/lookup/series?series_id=%22MITNT%22", "MITNT"),
        ("https://example.org/seminar/MPML", None),
        ("not an id", None),
        ("../etc/passwd", None),
    ],
)
def test_series_id(text: str, series_id: str | None) -> None:
    assert researchseminars_series_id(text) == series_id


def test_researchseminars_urls() -> None:
    urls = researchseminars_urls("MPML")
    assert urls.api == "https://researchseminars.org/api/0/lookup/series?series_id=%22MPML%22"
    assert urls.ics == "https://researchseminars.org/seminar/MPML/ics"
    assert urls.page == "https://researchseminars.org/seminar/MPML"
    assert researchseminars_series_id(urls.api) == "MPML"
    local = researchseminars_urls("MPML", base="http://127.0.0.1:8000/")
    assert local.ics == "http://127.0.0.1:8000/seminar/MPML/ics"
    with pytest.raises(ValueError, match=r"not a researchseminars\.org series id"):
        researchseminars_urls("a/b")


@pytest.mark.parametrize(
    ("url", "requested"),
    [
        ("https://example.org/feed.ics", "https://example.org/feed.ics"),
        ("http://example.org/feed.ics", "http://example.org/feed.ics"),
        ("webcal://example.org/feed.ics", "https://example.org/feed.ics"),
        ("WEBCALS://example.org/feed.ics?x=1", "https://example.org/feed.ics?x=1"),
        ("webcal://127.0.0.1:8080/feed.ics", "http://127.0.0.1:8080/feed.ics"),
        ("webcal://localhost:8080/feed.ics", "http://localhost:8080/feed.ics"),
        ("webcal://[::1]:8080/feed.ics", "http://[::1]:8080/feed.ics"),
    ],
)
def test_http_url(url: str, requested: str) -> None:
    assert http_url(url) == requested


@pytest.mark.parametrize("url", ["ftp://example.org/a", "/tmp/a.ics", "https://", "data:,x"])
def test_http_url_refuses(url: str) -> None:
    with pytest.raises(ValueError):
        http_url(url)
