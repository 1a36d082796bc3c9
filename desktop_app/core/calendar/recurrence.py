"""Expanding recurring events (RRULE, RDATE) within fixed bounds of count and time.

recurring-ical-events searches ever larger windows from year 1: a rule of every second or
minute then makes it build millions of occurrences before it yields the first. Here the
windows start at the event's first date, are small at first (after the rule's frequency),
double while they find little, and stop at `limit` + 1 occurrences or at the end given.
A rule that takes long anyway (one that never matches, say `FREQ=SECONDLY;BYMONTH=2;
BYMONTHDAY=30`, which dateutil searches to year 9999 second by second) is stopped by a clock:
`Budget` allows so many seconds per event and per file.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import FrameType
from typing import Any

import recurring_ical_events
from icalendar import Calendar, Event

from desktop_app.core.sanitize import EARLIEST, LATEST

EVENT_SECONDS = 1.0  # at most, to expand one recurring event
FILE_SECONDS = 3.0  # at most, for all the recurring events of one file
FILE_OCCURRENCES = 20_000  # talks made from recurrences in one file
_UNIT_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 31 * 86400,
    "YEARLY": 366 * 86400,
}
_MARGIN = timedelta(days=2)  # floating times and zones: the first window starts this early
_MAX_WINDOWS = 80


class ExpansionTimeoutError(Exception):
    """Expanding a rule took longer than its budget."""


@dataclass
class Budget:
    """Seconds and occurrences left for the recurring events of one file."""

    seconds: float = FILE_SECONDS
    occurrences: int = FILE_OCCURRENCES
    spent: float = field(default=0.0)

    def left(self) -> float:
        """Seconds the next event may take."""
        return max(0.0, min(EVENT_SECONDS, self.seconds - self.spent))


@dataclass
class Expansion:
    """The occurrences of one event, in order; `complete` False when a bound cut them."""

    occurrences: list[Event]
    complete: bool
    timed_out: bool = False


def utc_instant(value: date | datetime) -> datetime | None:
    """A date or time as an aware UTC instant (a date: its last second); None if out of range."""
    try:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=UTC)
    except (OverflowError, ValueError):
        return None


def expand(
    calendar: Calendar,
    rules: list[Any],
    first: datetime,
    end: datetime | None,
    limit: int,
    budget: Budget,
) -> Expansion:
    """Up to `limit` + 1 occurrences of the calendar's recurring event from `first` (a UTC
    instant) to `end` (None: the rule's own end), within the budget."""
    found: list[Event] = []
    started = time.monotonic()
    seconds = budget.left()
    complete = True
    timed_out = False
    try:
        with _clock(seconds):
            complete = _collect(calendar, rules, first, end, limit, found)
    except ExpansionTimeoutError:
        complete, timed_out = False, True
    finally:
        budget.spent += time.monotonic() - started
    return Expansion(found, complete, timed_out)


def _collect(
    calendar: Calendar,
    rules: list[Any],
    first: datetime,
    end: datetime | None,
    limit: int,
    found: list[Event],
) -> bool:
    """Fill `found` window by window; True when the rule ended before the bounds."""
    query = recurring_ical_events.of(calendar)
    stop = min(end, LATEST) if end is not None else LATEST
    cursor = max(first - _MARGIN, EARLIEST)
    if cursor > stop:
        return True
    window = timedelta(seconds=_first_window(rules))
    upper = _step(max(first, cursor), window, stop)
    seen: set[tuple[str, str]] = set()
    for _ in range(_MAX_WINDOWS):
        batch = sorted(query.between(cursor, upper), key=_sort_key)
        for occurrence in batch:
            key = _key(occurrence)
            if key in seen:
                continue
            seen.add(key)
            instant = utc_instant(occurrence.get("DTSTART").dt)
            if instant is not None and end is not None and instant > end:
                return True
            found.append(occurrence)
            if len(found) > limit:
                return False
        if upper > stop:
            return True
        cursor, window = upper, window * 2
        upper = _step(cursor, window, stop)
    return False


def _step(cursor: datetime, window: timedelta, stop: datetime) -> datetime:
    """`cursor` + `window`, but no further than just past `stop` (never past year 9999)."""
    return cursor + min(window, stop - cursor + timedelta(seconds=1))


def _first_window(rules: list[Any]) -> float:
    """Seconds of the first window: some sixteen steps of the fastest rule (a minute to a
    month); a day for dates only (RDATE)."""
    steps = []
    for rule in rules:
        frequency = (rule.get("FREQ") or ["DAILY"])[0]
        interval = (rule.get("INTERVAL") or [1])[0]
        unit = _UNIT_SECONDS.get(str(frequency).upper(), 86400)
        steps.append(unit * max(1, min(int(interval), 10_000)))
    step = min(steps) if steps else 86400
    return float(min(max(16 * step, 60), 31 * 86400))


def _sort_key(occurrence: Event) -> datetime:
    instant = utc_instant(occurrence.get("DTSTART").dt)
    return instant if instant is not None else EARLIEST


def _key(occurrence: Event) -> tuple[str, str]:
    rid = occurrence.get("RECURRENCE-ID")
    return str(occurrence.get("DTSTART").dt), str(rid.dt) if rid is not None else ""


@contextmanager
def _clock(seconds: float) -> Iterator[None]:
    """Raise ExpansionTimeoutError in this thread's Python code once `seconds` have passed.

    A trace function (this thread only) looks at the clock every 256 calls; dateutil and
    recurring-ical-events are pure Python, so a rule that runs away is stopped in time.
    A trace function already set (a debugger, coverage) keeps being called.
    """
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()
    calls = 0
    fired = False  # raised once: the clean-up it sets off (generators closing) runs in peace

    def tick(frame: FrameType, event: Any, arg: Any) -> Any:
        nonlocal calls, fired
        calls += 1
        if not fired and calls & 255 == 0 and time.monotonic() > deadline:
            fired = True
            raise ExpansionTimeoutError(f"more than {seconds:.1f} s")
        return previous(frame, event, arg) if previous is not None else None

    if seconds <= 0:
        raise ExpansionTimeoutError("no time left")
    sys.settrace(tick)
    try:
        yield
    finally:
        sys.settrace(previous)
