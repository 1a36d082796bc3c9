"""CalDAV push against a real Radicale server on 127.0.0.1, and the keyring for the password.

The keyring backend here is an in-process dictionary (`MemoryKeyring`): the system's secret
store (Secret Service, Keychain, Credential Locker) cannot run on a headless test machine,
so only that store is replaced; the app's code calls the real `keyring` API.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import caldav
import icalendar
import keyring
import pytest
from keyring.backend import KeyringBackend

from desktop_app.core.archive import Archive
from desktop_app.core.calendar import (
    CalDavAccount,
    CalDavError,
    caldav_password,
    forget_caldav_password,
    push_to_caldav,
    store_caldav_password,
)

from .helpers import add_talks, make_talk


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in memory (stands in for the OS secret store)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.passwords:
            raise PasswordDeleteError(username)
        del self.passwords[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server with no authentication, storing in a temporary folder."""
    port = _free_port()
    config = tmp_path / "radicale.conf"
    config.write_text("[rights]\ntype = authenticated\n")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            str(config),
            "--server-hosts",
            f"127.0.0.1:{port}",
            "--storage-filesystem-folder",
            str(tmp_path / "collections"),
            "--auth-type",
            "none",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Radicale did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


def _events(url: str, calendar_name: str) -> list[icalendar.Event]:
    client = caldav.DAVClient(url=url, username="ada", password="secret")
    (calendar,) = [
        c for c in client.principal().get_calendars() if c.get_display_name() == calendar_name
    ]
    return [
        icalendar.Calendar.from_ical(obj.data).walk("VEVENT")[0] for obj in calendar.get_events()
    ]


def test_push_then_push_again_updates_the_one_event(
    empty_archive: Archive, radicale: str, memory_keyring: MemoryKeyring
) -> None:
    talk = make_talk()
    add_talks(empty_archive, talk)
    account = CalDavAccount(radicale, "ada", "Talks")
    store_caldav_password(account, "secret")

    first = push_to_caldav(account, empty_archive, [talk.uid])
    assert first.created == (talk.uid,)
    (event,) = _events(radicale, "Talks")
    assert str(event["SUMMARY"]) == "Soledad Villar — Scalars are universal"

    add_talks(empty_archive, replace(talk, title="Scalars are universal, revised"))
    second = push_to_caldav(account, empty_archive, [talk.uid])
    assert second.updated == (talk.uid,)
    (event,) = _events(radicale, "Talks")
    assert str(event["SUMMARY"]) == "Soledad Villar — Scalars are universal, revised"
    assert int(event["SEQUENCE"]) == 1


def test_push_skips_talks_without_a_date(
    empty_archive: Archive, radicale: str, memory_keyring: MemoryKeyring
) -> None:
    add_talks(empty_archive, make_talk(start=None))
    report = push_to_caldav(
        CalDavAccount(radicale, "ada", "Talks"), empty_archive, ["talk-cal000000001"], "secret"
    )
    assert report.skipped == (("talk-cal000000001", "the talk has no date"),)
    assert report.created == ()


def test_unreachable_server_is_a_clear_error(
    empty_archive: Archive, memory_keyring: MemoryKeyring
) -> None:
    add_talks(empty_archive, make_talk())
    account = CalDavAccount(f"http://127.0.0.1:{_free_port()}/", "ada", "Talks")
    with pytest.raises(CalDavError, match="refused"):
        push_to_caldav(account, empty_archive, ["talk-cal000000001"], "secret")


def test_password_lives_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    account = CalDavAccount("https://dav.example.org/", "ada", "Talks")
    store_caldav_password(account, "s3cret")
    assert memory_keyring.passwords == {
        ("seminar-archive", "ada@https://dav.example.org/"): "s3cret"
    }
    assert caldav_password(account) == "s3cret"
    forget_caldav_password(account)
    forget_caldav_password(account)  # forgetting twice is fine
    assert caldav_password(account) is None
