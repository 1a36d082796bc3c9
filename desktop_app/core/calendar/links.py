"""Web "new event" links (Google Calendar, Outlook on the web) built from a talk.

Times are written in UTC (`…Z`), every text is URL-encoded, and the abstract is trimmed so
that the whole link stays under `MAX_URL_LENGTH` characters (browsers and the services
refuse longer ones).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from desktop_app.core.calendar.eventtext import event_description, event_summary
from desktop_app.core.calendar.export import DEFAULT_DURATION_MINUTES
from desktop_app.core.errors import InputError
from desktop_app.core.records import TalkDetail

MAX_URL_LENGTH = 2000
GOOGLE_BASE = "https://calendar.google.com/calendar/render"
OUTLOOK_BASE = "https://outlook.live.com/calendar/0/deeplink/compose"
_ELLIPSIS = "…"


def _times(detail: TalkDetail) -> tuple[datetime, datetime]:
    start = detail.talk.start
    if start is None:
        raise InputError(f"{detail.talk.uid}: the talk has no date")
    minutes = detail.talk.duration_minutes or DEFAULT_DURATION_MINUTES
    start = start.astimezone(UTC)
    return start, start + timedelta(minutes=minutes)


def _fit(base: str, params: dict[str, str], details_key: str, details: str) -> str:
    """The URL with `details` trimmed (at a word, with an ellipsis) to fit the limit."""

    def build(text: str) -> str:
        return base + "?" + urlencode({**params, details_key: text}, quote_via=quote)

    url = build(details)
    if len(url) <= MAX_URL_LENGTH:
        return url
    low, high = 0, len(details)
    while low < high:  # the longest prefix that fits
        middle = (low + high + 1) // 2
        if len(build(details[:middle] + _ELLIPSIS)) <= MAX_URL_LENGTH:
            low = middle
        else:
            high = middle - 1
    text = details[:low]
    cut = text.rfind(" ")
    if cut > low * 0.8:
        text = text[:cut]
    return build(text.rstrip() + _ELLIPSIS)


def _details(detail: TalkDetail) -> str:
    return event_description(detail.talk, detail.series_name, detail.series_homepage)


def google_calendar_url(detail: TalkDetail) -> str:
    """Google Calendar's "new event" page, filled in with the talk."""
    start, end = _times(detail)
    params = {
        "action": "TEMPLATE",
        "text": event_summary(detail.talk),
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
    }
    if detail.talk.join_url:
        params["location"] = detail.talk.join_url
    if detail.talk.timezone:
        params["ctz"] = detail.talk.timezone
    return _fit(GOOGLE_BASE, params, "details", _details(detail))


def outlook_calendar_url(detail: TalkDetail) -> str:
    """Outlook on the web's "new event" page, filled in with the talk."""
    start, end = _times(detail)
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event_summary(detail.talk),
        "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
    }
    if detail.talk.join_url:
        params["location"] = detail.talk.join_url
    return _fit(OUTLOOK_BASE, params, "body", _details(detail))
