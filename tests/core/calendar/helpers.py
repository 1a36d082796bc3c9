"""Builders shared by the calendar tests: talks in a real archive, and file checks."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from desktop_app.core.archive import Archive
from desktop_app.core.importers import ParsedFile
from desktop_app.core.records import LinkData, SeriesData, Speaker, TalkData

REPO = Path(__file__).resolve().parents[3]
ICS_FIXTURES = REPO / "tests" / "fixtures" / "ics"
REAL_FIXTURES = REPO / "tests" / "fixtures" / "real"
SERIES = SeriesData(
    slug="cal-test",
    name="Calendar Test Seminar",
    homepage="https://seminar.example.org/",
    timezone="America/New_York",
)


def make_talk(uid: str = "talk-cal000000001", **fields: object) -> TalkData:
    """A talk of the test series at 12:00 New York time (fields override)."""
    values: dict[str, object] = {
        "uid": uid,
        "series": SERIES.slug,
        "title": "Scalars are universal",
        "speakers": (Speaker("Soledad Villar", "Johns Hopkins University"),),
        "start": datetime(2024, 1, 17, 12, 0, tzinfo=ZoneInfo("America/New_York")),
        "timezone": "America/New_York",
        "duration_minutes": 60,
        "abstract": "Equivariant machine learning, with scalars.",
        "links": (LinkData("slides", "https://example.org/slides.pdf", "the slides"),),
        "recording_url": "https://www.youtube.com/watch?v=abcdefghijk",
        "join_url": "https://zoom.us/j/123456789",
        "tags": ("machine learning", "symmetry"),
        "source": "archive",
        "source_key": uid,
    }
    values.update(fields)
    return TalkData(**values)  # type: ignore[arg-type]


def add_talks(archive: Archive, *talks: TalkData) -> None:
    """Put talks (and the test series) into the archive."""
    archive.import_parsed(ParsedFile(series=[SERIES], talks=list(talks)))


def assert_strict_lines(data: bytes) -> None:
    """RFC 5545 §3.1: CRLF line ends and content lines of at most 75 octets."""
    assert data.endswith(b"\r\n")
    for line in data.split(b"\r\n")[:-1]:
        assert b"\n" not in line and b"\r" not in line
        assert len(line) <= 75, line
