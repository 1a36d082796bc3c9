"""RFC 5545 export: structure, stable identity, time zones, and other parsers' verdicts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import ics
import pytest
import vobject
from icalendar.timezone.tzp import TZP

from desktop_app.core.archive import Archive
from desktop_app.core.calendar import event_file_for_talk, export_ics
from desktop_app.core.errors import InputError

from .helpers import add_talks, assert_strict_lines, make_talk


def _only_event(data: bytes) -> icalendar.Event:
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_export_has_the_calendar_properties_and_no_method(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk())
    calendar = icalendar.Calendar.from_ical(
        export_ics(empty_archive, ["talk-cal000000001"], calendar_name="Mine").data
    )
    assert str(calendar["VERSION"]) == "2.0"
    assert "Seminar Archive" in str(calendar["PRODID"])
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["X-WR-CALNAME"]) == "Mine"
    assert "METHOD" not in calendar


def test_export_passes_the_strict_line_check(empty_archive: Archive) -> None:
    long_title = "A very long title " * 20 + "with ünïcödé and emoji 🎉 " * 5
    add_talks(empty_archive, make_talk(title=long_title, abstract="x" * 3000))
    assert_strict_lines(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)


def test_event_fields(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk())
    event = _only_event(
        export_ics(
            empty_archive, ["talk-cal000000001"], calendar_name="C", reminder_minutes=10
        ).data
    )
    assert str(event["UID"]) == "talk-cal000000001@seminar-archive"
    assert str(event["SUMMARY"]) == "Soledad Villar — Scalars are universal"
    description = str(event["DESCRIPTION"])
    assert "Soledad Villar (Johns Hopkins University)" in description
    assert "Recording: https://www.youtube.com/watch?v=abcdefghijk" in description
    assert "Join: https://zoom.us/j/123456789" in description
    assert "Series homepage: https://seminar.example.org/" in description
    assert description.endswith("Equivariant machine learning, with scalars.")
    assert str(event["LOCATION"]) == "https://zoom.us/j/123456789"
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=60)
    assert [str(c) for c in event["CATEGORIES"].cats] == ["machine learning", "symmetry"]
    assert event["DTSTAMP"].dt.tzinfo is not None
    alarm = event.walk("VALARM")[0]
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt.total_seconds() == -600


def test_untitled_talk_gets_the_label(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk(title=None, abstract="We prove a theorem about nets."))
    event = _only_event(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)
    assert str(event["SUMMARY"]).startswith("Soledad Villar — Untitled: “We prove")


def test_no_reminder_means_no_alarm(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk())
    event = _only_event(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)
    assert event.walk("VALARM") == []


def test_talks_without_a_date_are_skipped_and_named(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk(), make_talk("talk-cal000000002", start=None))
    result = export_ics(
        empty_archive, ["talk-cal000000001", "talk-cal000000002", "talk-nope"], calendar_name="C"
    )
    assert result.exported == ("talk-cal000000001",)
    assert result.skipped == (
        ("talk-cal000000002", "the talk has no date"),
        ("talk-nope", "no such talk"),
    )


def test_reexport_keeps_the_uid_and_bumps_the_sequence(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk())
    first = _only_event(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)
    add_talks(empty_archive, make_talk(title="Scalars are universal (revised)"))
    second = _only_event(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)
    assert str(first["UID"]) == str(second["UID"])
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1


def test_cancelled_talk_is_exported_cancelled(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk(cancelled=True))
    event = _only_event(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)
    assert str(event["STATUS"]) == "CANCELLED"


def test_whole_bundled_archive_parses_in_three_parsers(archive: Archive) -> None:
    result = export_ics(archive, archive.list_uids(), calendar_name="Everything")
    text = result.data.decode("utf-8")
    assert len(icalendar.Calendar.from_ical(result.data).walk("VEVENT")) == len(result.exported)
    assert len(list(vobject.readOne(text).vevent_list)) == len(result.exported)
    assert len(ics.Calendar(text).events) == len(result.exported)
    assert_strict_lines(result.data)
    assert len(result.exported) + len(result.skipped) == 221


def test_event_file_is_written_in_the_exports_folder(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk())
    path = event_file_for_talk(empty_archive, "talk-cal000000001", reminder_minutes=5)
    assert path == empty_archive.folder / "exports" / "talk-cal000000001.ics"
    assert len(_only_event(path.read_bytes()).walk("VALARM")) == 1


def test_event_file_refuses_a_talk_without_a_date(empty_archive: Archive) -> None:
    add_talks(empty_archive, make_talk(start=None))
    with pytest.raises(InputError, match="no date"):
        event_file_for_talk(empty_archive, "talk-cal000000001")


# ---------------------------------------------------------------- time zones


def _start_from_vtimezone_only(data: bytes) -> datetime:
    """DTSTART read with the file's own VTIMEZONE, never with the machine's zone database."""
    calendar = icalendar.Calendar.from_ical(data)
    event = calendar.walk("VEVENT")[0]
    zone = calendar.walk("VTIMEZONE")[0].to_tz(TZP("zoneinfo"), lookup_tzid=False)
    return event["DTSTART"].dt.replace(tzinfo=None).replace(tzinfo=zone)


@pytest.mark.parametrize(
    ("month", "berlin", "tokyo"),
    [(1, "2024-01-17 18:00", "2024-01-18 02:00"), (7, "2024-07-17 18:00", "2024-07-18 01:00")],
)
def test_noon_in_new_york_lands_right_in_berlin_and_tokyo(
    empty_archive: Archive, month: int, berlin: str, tokyo: str
) -> None:
    start = datetime(2024, month, 17, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    add_talks(empty_archive, make_talk(start=start))
    data = export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data
    by_vtimezone = _start_from_vtimezone_only(data)
    by_vobject = vobject.readOne(data.decode()).vevent.dtstart.value
    for value in (by_vtimezone, by_vobject):
        assert f"{value.astimezone(ZoneInfo('Europe/Berlin')):%Y-%m-%d %H:%M}" == berlin
        assert f"{value.astimezone(ZoneInfo('Asia/Tokyo')):%Y-%m-%d %H:%M}" == tokyo


def test_vtimezone_covers_both_sides_of_the_spring_change(empty_archive: Archive) -> None:
    before = make_talk(start=datetime(2024, 3, 8, 12, tzinfo=ZoneInfo("America/New_York")))
    after = make_talk(
        "talk-cal000000002", start=datetime(2024, 3, 11, 12, tzinfo=ZoneInfo("America/New_York"))
    )
    add_talks(empty_archive, before, after)
    data = export_ics(
        empty_archive, ["talk-cal000000001", "talk-cal000000002"], calendar_name="C"
    ).data
    starts = [
        e.dtstart.value.astimezone(ZoneInfo("UTC")).hour
        for e in vobject.readOne(data.decode()).vevent_list
    ]
    assert sorted(starts) == [16, 17]


def test_talk_without_zone_is_written_in_utc(empty_archive: Archive) -> None:
    start = datetime(2024, 1, 17, 17, 0, tzinfo=ZoneInfo("UTC"))
    add_talks(empty_archive, make_talk(start=start, timezone=None))
    data = export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data
    assert b"DTSTART:20240117T170000Z" in data
    assert b"VTIMEZONE" not in data


def test_changed_talk_text_appears_in_the_next_export(empty_archive: Archive) -> None:
    talk = make_talk()
    add_talks(empty_archive, talk)
    add_talks(empty_archive, replace(talk, abstract="A new abstract."))
    event = _only_event(export_ics(empty_archive, ["talk-cal000000001"], calendar_name="C").data)
    assert str(event["DESCRIPTION"]).endswith("A new abstract.")
