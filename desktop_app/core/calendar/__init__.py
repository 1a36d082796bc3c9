"""Calendars: RFC 5545 export, "add to calendar" links, CalDAV push (feed import is in
`desktop_app.core.importers.ics`)."""

from __future__ import annotations

from desktop_app.core.calendar.caldav_push import (
    KEYRING_SERVICE,
    CalDavAccount,
    CalDavError,
    CalDavReport,
    caldav_password,
    forget_caldav_password,
    push_to_caldav,
    store_caldav_password,
)
from desktop_app.core.calendar.export import (
    ExportResult,
    calendar_for_talks,
    event_file_for_talk,
    event_for_talk,
    event_uid,
    export_ics,
)
from desktop_app.core.calendar.links import google_calendar_url, outlook_calendar_url
from desktop_app.core.calendar.system import system_calendar_is_self

__all__ = [
    "KEYRING_SERVICE",
    "CalDavAccount",
    "CalDavError",
    "CalDavReport",
    "ExportResult",
    "caldav_password",
    "calendar_for_talks",
    "event_file_for_talk",
    "event_for_talk",
    "event_uid",
    "export_ics",
    "forget_caldav_password",
    "google_calendar_url",
    "outlook_calendar_url",
    "push_to_caldav",
    "store_caldav_password",
    "system_calendar_is_self",
]
