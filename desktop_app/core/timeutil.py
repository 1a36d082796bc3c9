"""Instants, zones and the exchange format's date-times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from desktop_app.core.errors import InputError


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or InputError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as error:
        raise InputError(f"unknown time zone {name[:60]!r}") from error


def is_zone_name(name: str) -> bool:
    """True when `name` is an IANA zone this machine knows."""
    if name in _ZONE_NAMES:
        return True
    if not isinstance(name, str) or len(name) > 200:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return False
    return True


_ZONE_NAMES = frozenset(available_timezones())


def parse_exchange_start(text: str, timezone: str | None) -> datetime:
    """Read an exchange-format start: wall-clock time in `timezone`, or an absolute instant.

    Raises ValueError with a readable message.
    """
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        if timezone is None:
            raise ValueError("a start without a UTC offset needs a timezone")
        return value.replace(tzinfo=zone(timezone))
    if timezone is not None:
        return value.astimezone(zone(timezone))
    return value


def format_exchange_start(start: datetime, timezone: str | None) -> str:
    """Write a start as the exchange format does (wall-clock time when the zone is known)."""
    if timezone is not None:
        try:
            return start.astimezone(zone(timezone)).replace(tzinfo=None).isoformat()
        except OverflowError:  # past year 9999 in that zone: the instant, with its offset
            return start.isoformat()
    return start.isoformat()


def to_utc_naive(start: datetime) -> datetime:
    """The instant as a naive UTC value (how the database stores it)."""
    return start.astimezone(UTC).replace(tzinfo=None)


def from_utc_naive(value: datetime, timezone: str | None) -> datetime:
    """A stored instant, in the talk's own zone (UTC when it has none, or when the instant
    in that zone would fall outside the years 1 to 9999)."""
    aware = value.replace(tzinfo=UTC)
    if not timezone:
        return aware
    try:
        return aware.astimezone(zone(timezone))
    except OverflowError:
        return aware


def utc_now() -> datetime:
    """Now, as a naive UTC value (for created/updated columns)."""
    return datetime.now(UTC).replace(tzinfo=None)
