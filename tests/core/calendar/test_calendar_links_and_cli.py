"""Google and Outlook "new event" links, and the `export-ics` command."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from desktop_app.cli import main
from desktop_app.core.archive import Archive
from desktop_app.core.calendar import google_calendar_url, outlook_calendar_url
from desktop_app.core.calendar.links import MAX_URL_LENGTH

from .helpers import add_talks, make_talk


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_google_link_has_utc_times_and_encoded_text(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk(title="Nets & groups: a 100% #1 talk?"))
    url = google_calendar_url(empty_archive.get_talk("talk-cal000000001"))
    assert url.startswith("https://calendar.google.com/calendar/render?")
    query = _query(url)
    assert query["dates"] == "20240117T170000Z/20240117T180000Z"
    assert query["text"] == "Soledad Villar — Nets & groups: a 100% #1 talk?"
    assert query["location"] == "https://zoom.us/j/123456789"
    assert query["ctz"] == "America/New_York"
    assert " " not in url and "&groups" not in url


def test_outlook_link_has_utc_times(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk())
    query = _query(outlook_calendar_url(empty_archive.get_talk("talk-cal000000001")))
    assert (query["startdt"], query["enddt"]) == ("2024-01-17T17:00:00Z", "2024-01-17T18:00:00Z")
    assert query["subject"] == "Soledad Villar — Scalars are universal"
    assert query["body"].endswith("Equivariant machine learning, with scalars.")


@pytest.mark.parametrize("build", [google_calendar_url, outlook_calendar_url])
def test_long_abstract_is_trimmed_to_fit(empty_archive: Archive, build: object) -> None:
    add_talks(empty_archive, make_talk(abstract="Équivariance ✓ " * 1000))
    url = build(empty_archive.get_talk("talk-cal000000001"))  # type: ignore[operator]
    assert len(url) <= MAX_URL_LENGTH
    details = _query(url).get("details") or _query(url)["body"]
    assert details.endswith("…")
    assert "Speaker: Soledad Villar" in details


def _cli(archive: Archive, *arguments: str) -> int:
    return main(["--data-dir", str(archive.folder), *arguments])


def test_export_ics_series_to_file(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "owml.ics"
    assert _cli(archive, "export-ics", "--series", "owml", "-o", str(target), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    events = icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == len(report["exported"]) > 0
    assert str(icalendar.Calendar.from_ical(target.read_bytes())["X-WR-CALNAME"]).startswith(
        "One World"
    )


def test_export_ics_to_stdout(archive: Archive, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    uid = archive.list_uids()[0]
    assert _cli(archive, "export-ics", uid, "-o", "-", "--reminder", "0") == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"BEGIN:VCALENDAR\r\n")
    assert len(icalendar.Calendar.from_ical(out).walk("VEVENT")) == 1


def test_export_ics_starred(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uids = archive.list_uids()[:2]
    for uid in uids:
        archive.set_user_state(uid, starred=True)
    target = tmp_path / "starred.ics"
    assert _cli(archive, "export-ics", "--starred", "-o", str(target), "--json") == 0
    assert sorted(json.loads(capsys.readouterr().out)["exported"]) == sorted(uids)


def test_export_ics_query(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "query.ics"
    assert _cli(archive, "export-ics", "--query", "diffusion", "-o", str(target), "--json") == 0
    exported = json.loads(capsys.readouterr().out)["exported"]
    assert exported
    for event in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"):
        text = (str(event["SUMMARY"]) + str(event.get("DESCRIPTION", ""))).lower()
        assert "diffusion" in text


def test_export_ics_unknown_uid_exits_2(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.ics"
    assert _cli(archive, "export-ics", "talk-doesnotexist", "-o", str(target)) == 2
    assert "talk-doesnotexist" in capsys.readouterr().err
    assert not target.exists()


def test_export_ics_without_a_choice_exits_2(archive: Archive, tmp_path: Path) -> None:
    assert _cli(archive, "export-ics", "-o", str(tmp_path / "x.ics")) == 2


def test_import_of_a_feed_with_a_bad_event_exits_0(
    empty_archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    from .helpers import ICS_FIXTURES

    feed = ICS_FIXTURES / "google_allday_broken_exdate.ics"
    assert _cli(empty_archive, "import", str(feed), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["added"], report["rejected"]) == (20, 1)
    assert report["problems"][0]["where"].endswith("google_allday_broken_exdate.ics:19")


def test_import_of_a_non_calendar_exits_2(
    empty_archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    from .helpers import ICS_FIXTURES

    feed = ICS_FIXTURES / "broken_fuzz_control_chars.ics"
    assert _cli(empty_archive, "import", str(feed)) == 2
    assert "not an iCalendar file" in capsys.readouterr().err
