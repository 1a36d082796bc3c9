"""Push talks into a calendar on the user's CalDAV server (Nextcloud, iCloud, Fastmail, Radicale).

Each talk is stored as its own calendar object named after its event UID, so pushing the
same talk again replaces the event instead of adding a second one. The password is kept in
the system keyring (service `seminar-archive`, key `username@url`), never in the settings.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop_app.core.archive import Archive
from desktop_app.core.calendar.export import calendar_for_talks, dated_talks, event_uid
from desktop_app.core.errors import ArchiveError, InputError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "seminar-archive"


class CalDavError(ArchiveError):
    """The CalDAV server could not be reached or refused the events."""


@dataclass(frozen=True)
class CalDavAccount:
    """A calendar on a CalDAV server: the server (or calendar) URL, the user, the calendar's
    display name (empty: the first calendar of the account, or the URL itself)."""

    url: str
    username: str
    calendar: str = ""

    @property
    def keyring_key(self) -> str:
        """The key of the password in the keyring."""
        return f"{self.username}@{self.url}"


@dataclass(frozen=True)
class CalDavReport:
    """What a push did: events created, updated, and talks left out with the reason."""

    created: tuple[str, ...]
    updated: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    calendar_url: str


def store_caldav_password(account: CalDavAccount, password: str) -> None:
    """Keep the password in the system keyring."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, account.keyring_key, password)


def caldav_password(account: CalDavAccount) -> str | None:
    """The password the keyring holds for the account, or None."""
    import keyring

    value = keyring.get_password(KEYRING_SERVICE, account.keyring_key)
    return value if isinstance(value, str) else None


def forget_caldav_password(account: CalDavAccount) -> None:
    """Remove the password from the keyring (nothing happens when there is none)."""
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, account.keyring_key)


def _call(target: Any, name: str, older_name: str, *arguments: Any) -> Any:
    """Call the caldav 3 method `name`, or its caldav 1–2 spelling (an attribute there)."""
    method = getattr(target, name, None)
    if method is not None:
        return method(*arguments)
    value = getattr(target, older_name)
    return value(*arguments) if callable(value) else value


def _calendar(account: CalDavAccount, password: str | None) -> Any:
    """The calendar to write to: the one named in the account (created when the server
    has none of that name), else the account's first calendar, else the URL itself."""
    from caldav.davclient import DAVClient

    client: Any = DAVClient(url=account.url, username=account.username or None, password=password)
    principal: Any = None
    calendars: list[Any] = []
    try:
        principal = client.principal()
        calendars = list(_call(principal, "get_calendars", "calendars"))
    except Exception as error:  # a calendar URL without a principal behind it
        log.debug("no principal at %s: %s", account.url, error)
    if account.calendar:
        for calendar in calendars:
            if _call(calendar, "get_display_name", "name") == account.calendar:
                return calendar
        if principal is not None:
            return principal.make_calendar(name=account.calendar)
    if calendars:
        return calendars[0]
    return client.calendar(url=account.url)


def push_to_caldav(
    account: CalDavAccount,
    archive: Archive,
    uids: Iterable[str],
    password: str | None = None,
) -> CalDavReport:
    """Create or replace one event per talk in the account's calendar.

    The password comes from the argument, else from the keyring. Talks without a date are
    skipped and listed. Raises CalDavError when the server cannot be used.
    """
    if not account.url:
        raise InputError("no CalDAV server is set up", "Add one in Preferences.")
    if password is None:
        password = caldav_password(account)
    details, skipped = dated_talks(archive, uids)
    created: list[str] = []
    updated: list[str] = []
    try:
        calendar = _calendar(account, password)
        now = datetime.now(UTC)
        for detail in details:
            data = calendar_for_talks([detail], calendar_name="Seminar Archive", now=now)
            event_id = event_uid(detail.talk.uid)
            existing = None
            try:
                existing = _call(calendar, "get_event_by_uid", "event_by_uid", event_id)
            except Exception:  # caldav raises NotFoundError or server-specific errors
                existing = None
            if existing is not None:
                existing.data = data.to_ical().decode("utf-8")
                try:  # our SEQUENCE is the talk's revision; caldav must not bump it
                    existing.save(increase_seqno=False)
                except TypeError:  # caldav before 1.0
                    existing.save()
                updated.append(detail.talk.uid)
            else:
                _call(calendar, "add_event", "save_event", data.to_ical().decode("utf-8"))
                created.append(detail.talk.uid)
        calendar_url = str(getattr(calendar, "url", account.url))
    except ArchiveError:
        raise
    except Exception as error:
        raise CalDavError(
            f"the CalDAV server {account.url} refused the events",
            f"{type(error).__name__}: {error}",
        ) from error
    return CalDavReport(tuple(created), tuple(updated), tuple(skipped), calendar_url)
