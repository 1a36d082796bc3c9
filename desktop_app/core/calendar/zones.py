"""Time-zone names as calendar producers write them, mapped to IANA names.

Real feeds name zones in five ways: an IANA name (`Europe/Berlin`), a Windows zone name
(`Eastern Standard Time`), an Outlook display name (`(UTC-05:00) Eastern Time (US & Canada)`,
`Kuala Lumpur, Singapore`), a libical-style path (`/softwarestudio.org/Tzfile/America/Chicago`,
often with `X-LIC-LOCATION`), or only Google's calendar-wide `X-WR-TIMEZONE`. `iana_zone_name`
maps the first four; a name it cannot map (`GMT +0100 (Standard) / GMT +0200 (Daylight)`) is
left to the file's own VTIMEZONE, which still gives the right instant.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from desktop_app.core.timeutil import is_zone_name

# Outlook writes the display names of Windows zones; the common ones, and those the
# CLDR table of Windows ids does not hold.
_DISPLAY_NAMES = {
    "eastern time (us & canada)": "America/New_York",
    "central time (us & canada)": "America/Chicago",
    "mountain time (us & canada)": "America/Denver",
    "pacific time (us & canada)": "America/Los_Angeles",
    "arizona": "America/Phoenix",
    "brasilia": "America/Sao_Paulo",
    "brasília": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "dublin, edinburgh, lisbon, london": "Europe/London",
    "greenwich mean time : dublin, edinburgh, lisbon, london": "Europe/London",
    "amsterdam, berlin, bern, rome, stockholm, vienna": "Europe/Berlin",
    "brussels, copenhagen, madrid, paris": "Europe/Paris",
    "belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
    "sarajevo, skopje, warsaw, zagreb": "Europe/Warsaw",
    "athens, bucharest": "Europe/Bucharest",
    "helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Helsinki",
    "jerusalem": "Asia/Jerusalem",
    "moscow, st. petersburg": "Europe/Moscow",
    "chennai, kolkata, mumbai, new delhi": "Asia/Kolkata",
    "beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
    "kuala lumpur, singapore": "Asia/Kuala_Lumpur",
    "osaka, sapporo, tokyo": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "canberra, melbourne, sydney": "Australia/Sydney",
    "brisbane": "Australia/Brisbane",
    "auckland, wellington": "Pacific/Auckland",
    "coordinated universal time": "UTC",
    "utc": "UTC",
    "gmt": "UTC",
}
_OFFSET_PREFIX = re.compile(r"^\((?:UTC|GMT)\s*(?:[+-]\d{1,2}(?:[:.]\d{2})?)?\)\s*", re.IGNORECASE)


def _clean(tzid: str) -> str:
    return tzid.strip().strip('"').replace("\\,", ",").replace("\\;", ";").strip()


def iana_zone_name(tzid: str | None, lic_location: str | None = None) -> str | None:
    """The IANA name a producer's TZID stands for, or None when it cannot be told."""
    if not tzid:
        return None
    name = _clean(tzid)
    if (is_zone_name(name) and "/" in name) or name == "UTC":
        return name
    if name in WINDOWS_TO_OLSON:
        return WINDOWS_TO_OLSON[name]
    display = _OFFSET_PREFIX.sub("", name).strip().casefold()
    if display in _DISPLAY_NAMES:
        return _DISPLAY_NAMES[display]
    if lic_location and is_zone_name(_clean(lic_location)):
        return _clean(lic_location)
    parts = [part for part in name.split("/") if part]
    for start in range(1, len(parts)):
        candidate = "/".join(parts[start:])
        if "/" in candidate and is_zone_name(candidate):
            return candidate
    if is_zone_name(name):
        return name
    return None


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants in [start, end) where the zone's offset or name changes."""
    found: list[datetime] = []
    step = timedelta(hours=12)  # no zone changes twice within half a day
    moment = start
    before = (moment.astimezone(zone).utcoffset(), moment.astimezone(zone).tzname())
    while moment < end:
        after_moment = moment + step
        after_local = after_moment.astimezone(zone)
        after = (after_local.utcoffset(), after_local.tzname())
        if after != before:
            low, high = moment, after_moment  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                local = middle.astimezone(zone)
                if (local.utcoffset(), local.tzname()) == before:
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
            before = after
        moment = after_moment
    return found


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _weekday_rules(onset: datetime) -> set[str]:
    """The yearly BYDAY forms that `onset` satisfies (`2SU`, and `-1SU` for a last Sunday)."""
    weekday = _WEEKDAYS[onset.weekday()]
    forms = {f"{(onset.day - 1) // 7 + 1}{weekday}"}
    if (onset + timedelta(days=7)).month != onset.month:
        forms.add(f"-1{weekday}")
    return forms


def _runs(onsets: list[datetime]) -> list[tuple[list[datetime], str | None]]:
    """Split onsets into runs that one yearly rule describes: (onsets, BYDAY or None)."""
    runs: list[tuple[list[datetime], set[str]]] = []
    for onset in onsets:
        if runs:
            last_run, forms = runs[-1]
            previous = last_run[-1]
            common = forms & _weekday_rules(onset)
            if (
                onset.year == previous.year + 1
                and (onset.month, onset.time()) == (previous.month, previous.time())
                and common
            ):
                last_run.append(onset)
                runs[-1] = (last_run, common)
                continue
        runs.append(([onset], _weekday_rules(onset)))
    return [(run, sorted(forms)[0] if len(run) > 1 else None) for run, forms in runs]


@lru_cache(maxsize=64)
def vtimezone_for(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for an IANA zone, exact for `first_year` to `last_year`.

    Changes that follow a yearly pattern are written as RRULEs (`BYMONTH=3;BYDAY=2SU`), the
    form every client reads (some ignore RDATE lists), with an UNTIL where the pattern
    stopped; the pattern in force at the end keeps going. Each onset is given, as RFC 5545
    asks, in the local time *before* the change (02:00 for New York's spring change).
    """
    zone = ZoneInfo(zone_name)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    first = start.astimezone(zone)
    offset = first.utcoffset() or timedelta()
    changes: list[tuple[tuple[timedelta, timedelta, str, bool], datetime]] = [
        ((offset, offset, first.tzname() or "", bool(first.dst())), first.replace(tzinfo=None))
    ]
    for instant in _transitions(zone, start, end):
        local = instant.astimezone(zone)
        new_offset = local.utcoffset() or timedelta()
        key = (offset, new_offset, local.tzname() or "", bool(local.dst()))
        changes.append((key, (instant + offset).replace(tzinfo=None)))
        offset = new_offset
    groups: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = {}
    for key, onset in changes:
        groups.setdefault(key, []).append(onset)
    timezone = Timezone()
    timezone.add("TZID", zone_name)
    timezone.add("X-LIC-LOCATION", zone_name)
    for (offset_from, offset_to, name, is_dst), onsets in groups.items():
        for run, byday in _runs(onsets):
            part = TimezoneDaylight() if is_dst else TimezoneStandard()
            part.add("DTSTART", run[0])
            if byday is not None:
                rule: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": run[0].month}
                rule["BYDAY"] = byday
                if run[-1].year < last_year:
                    rule["UNTIL"] = (run[-1] - offset_from).replace(tzinfo=UTC)
                part.add("RRULE", rule)
            if name:
                part.add("TZNAME", name)
            part.add("TZOFFSETFROM", offset_from)
            part.add("TZOFFSETTO", offset_to)
            timezone.add_component(part)
    return timezone
