"""RFC 5545 export of talks: one .ics file for one talk, a selection, a series or the starred.

Each talk becomes one VEVENT whose UID is derived from the talk's uid, so importing the file
again updates the event in the user's calendar instead of duplicating it; SEQUENCE is the
talk's revision (bumped by the archive on every change of its content). Start and end carry
the talk's own TZID with a matching VTIMEZONE; a talk without a zone is written in UTC. There
is no METHOD: RFC 5546 wants an ORGANIZER with METHOD:PUBLISH, and a seminar archive has none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from desktop_app.core.archive import Archive
from desktop_app.core.calendar.eventtext import PRODID, event_description, event_summary
from desktop_app.core.calendar.zones import vtimezone_for
from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.records import TalkData, TalkDetail
from desktop_app.core.sanitize import instant_problem

log = logging.getLogger(__name__)

UID_DOMAIN = "seminar-archive"
DEFAULT_DURATION_MINUTES = 60  # when the talk's length is unknown
EXPORT_FOLDER = "exports"
NO_DATE = "the talk has no date"
NOT_FOUND = "no such talk"
OUT_OF_RANGE = "its date is outside the years a calendar file can hold"


@dataclass(frozen=True)
class ExportResult:
    """An exported calendar: the file's bytes, the talks in it, and those left out and why."""

    data: bytes
    exported: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]


def event_uid(talk_uid: str) -> str:
    """The VEVENT UID of a talk: the same on every export, so calendars update the event."""
    return f"{talk_uid}@{UID_DOMAIN}"


def _utc(value: datetime) -> datetime:
    """A naive UTC column value (or an aware value) as an aware UTC value."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def calendar_problem(talk: TalkData) -> str | None:
    """Why the talk cannot be an event (no date, or a start or end out of range), or None."""
    if talk.start is None:
        return NO_DATE
    try:
        end = talk.start + timedelta(minutes=talk.duration_minutes or DEFAULT_DURATION_MINUTES)
    except OverflowError:
        return OUT_OF_RANGE
    if instant_problem(talk.start) or instant_problem(end):
        return OUT_OF_RANGE
    return None


def event_for_talk(
    detail: TalkDetail, *, reminder_minutes: int = 0, now: datetime | None = None
) -> Event:
    """The VEVENT of a talk that has a date (InputError otherwise)."""
    talk = detail.talk
    problem = calendar_problem(talk)
    if problem is not None or talk.start is None:
        hint = "Correct the date" if problem == OUT_OF_RANGE else "Add the date"
        raise InputError(f"{talk.uid}: {problem or NO_DATE}", f"{hint} in the editor first.")
    start = talk.start.astimezone(UTC)
    if talk.timezone and talk.timezone != "UTC":
        from zoneinfo import ZoneInfo

        start = talk.start.astimezone(ZoneInfo(talk.timezone))
    minutes = talk.duration_minutes or DEFAULT_DURATION_MINUTES
    event = Event()
    event.add("UID", event_uid(talk.uid))
    event.add("DTSTAMP", now or datetime.now(UTC))
    event.add("SEQUENCE", max(detail.revision, 0))
    event.add("CREATED", _utc(detail.created_at))
    event.add("LAST-MODIFIED", _utc(detail.updated_at))
    event.add("DTSTART", start)
    event.add("DTEND", start + timedelta(minutes=minutes))
    event.add("SUMMARY", event_summary(talk))
    event.add("DESCRIPTION", event_description(talk, detail.series_name, detail.series_homepage))
    page = next((ln.url for ln in talk.links if ln.kind == "listing"), None)
    url = page or talk.recording_url or detail.series_homepage
    if url:
        event.add("URL", url)
    if talk.join_url:
        event.add("LOCATION", talk.join_url)
    if talk.tags:
        event.add("CATEGORIES", list(talk.tags))
    event.add("STATUS", "CANCELLED" if talk.cancelled else "CONFIRMED")
    event.add("TRANSP", "OPAQUE")
    if reminder_minutes > 0 and not talk.cancelled:
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", event_summary(talk))
        alarm.add("TRIGGER", timedelta(minutes=-reminder_minutes))
        event.add_component(alarm)
    return event


def calendar_for_talks(
    details: Iterable[TalkDetail],
    *,
    calendar_name: str,
    reminder_minutes: int = 0,
    now: datetime | None = None,
) -> Calendar:
    """A VCALENDAR with one VEVENT per talk (each must have a date) and their VTIMEZONEs."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("X-WR-CALNAME", calendar_name)
    calendar.add("NAME", calendar_name)
    stamp = now or datetime.now(UTC)
    years: dict[str, tuple[int, int]] = {}
    events = []
    for detail in details:
        events.append(event_for_talk(detail, reminder_minutes=reminder_minutes, now=stamp))
        zone = detail.talk.timezone
        if zone and zone != "UTC" and detail.talk.start is not None:
            year = detail.talk.start.year
            first, last = years.get(zone, (year, year))
            years[zone] = (min(first, year), max(last, year))
    for zone, (first, last) in sorted(years.items()):
        calendar.add_component(vtimezone_for(zone, first - 1, last + 1))
    for event in events:
        calendar.add_component(event)
    return calendar


def dated_talks(
    archive: Archive, uids: Iterable[str]
) -> tuple[list[TalkDetail], list[tuple[str, str]]]:
    """The named talks that can go into a calendar, and (uid, reason) for those that cannot."""
    details: list[TalkDetail] = []
    skipped: list[tuple[str, str]] = []
    for uid in dict.fromkeys(uids):
        try:
            detail = archive.get_talk(uid)
        except NotFoundError:
            skipped.append((uid, NOT_FOUND))
            continue
        problem = calendar_problem(detail.talk)
        if problem is not None:
            skipped.append((uid, problem))
            continue
        details.append(detail)
    return details, skipped


def export_ics(
    archive: Archive,
    uids: Iterable[str],
    *,
    calendar_name: str,
    reminder_minutes: int = 0,
) -> ExportResult:
    """One .ics file for the talks named; talks without a date (or unknown) are skipped and
    listed with the reason."""
    details, skipped = dated_talks(archive, uids)
    calendar = calendar_for_talks(
        details, calendar_name=calendar_name, reminder_minutes=reminder_minutes
    )
    exported = tuple(detail.talk.uid for detail in details)
    return ExportResult(calendar.to_ical(), exported, tuple(skipped))


def event_file_for_talk(archive: Archive, uid: str, reminder_minutes: int = 0) -> Path:
    """Write one talk's event to `<archive>/exports/<uid>.ics` (for the system's calendar
    application) and return the path; InputError when the talk has no date."""
    detail = archive.get_talk(uid)
    if detail.talk.start is None:
        raise InputError(f"{uid}: {NO_DATE}", "Add the date in the editor first.")
    calendar = calendar_for_talks(
        [detail], calendar_name=detail.display_title, reminder_minutes=reminder_minutes
    )
    folder = archive.folder / EXPORT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in uid)
    path = folder / f"{safe}.ics"
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(calendar.to_ical())
    temporary.replace(path)
    return path
