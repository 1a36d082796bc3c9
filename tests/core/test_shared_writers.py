"""Writers on one PostgreSQL archive: an import caught in a real deadlock is run again and
goes through; two desktops saving the same field: the later save wins, the other stays in the
talk's history."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from desktop_app.core import db
from desktop_app.core.archive import Archive
from desktop_app.core.records import ImportReport
from desktop_app.core.settings import load_archive_settings
from tests.conftest import postgres_folder
from tests.helpers.files import bundled_records, talk_record, write_jsonl
from tests.helpers.postgres import PostgresServer


@pytest.fixture
def folder(request: pytest.FixtureRequest, postgres_server: PostgresServer, tmp_path: Path) -> Path:
    return postgres_folder(request, tmp_path / "desktop", bundled=True)


def _connect(folder: Path, server: PostgresServer) -> psycopg.Connection[tuple[object, ...]]:
    name = make_url(load_archive_settings(folder).database_url).database
    return psycopg.connect(
        host="127.0.0.1", port=server.port, user="archive_admin", password=server.password,
        dbname=name, application_name="blocker",
    )  # fmt: skip


def _waiting_on_a_lock(blocker: psycopg.Connection[tuple[object, ...]]) -> bool:
    with blocker.cursor() as cursor:  # a cursor of the blocker's own connection: no new lock
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'seminar-archive'"
            " AND wait_event_type = 'Lock' AND datname = current_database()"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_an_import_caught_in_a_deadlock_is_run_again_and_goes_through(
    folder: Path, postgres_server: PostgresServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Another client holds the change counter's row and then asks for the writers' lock the
    import holds: PostgreSQL aborts the import (40P01), which runs again once the other
    client is done."""
    file = write_jsonl(folder.parent / "new.jsonl", [talk_record("after-the-deadlock")])
    with Archive.open(folder) as archive:
        generation = archive.generation()
        blocker = _connect(folder, postgres_server)
        # The import's own deadlock check (1 s) must run first: it is the one to be aborted.
        blocker.execute("SET deadlock_timeout = '20s'")
        blocker.execute("SELECT value FROM archive_meta WHERE key = 'generation' FOR UPDATE")
        reports: list[ImportReport] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                reports.append(archive.import_file(file))
            except BaseException as error:  # reported by the test thread
                errors.append(error)

        caplog.set_level(logging.INFO, logger="desktop_app.core.retry")
        worker = threading.Thread(target=run)
        worker.start()
        deadline = time.monotonic() + 30
        while not _waiting_on_a_lock(blocker):  # the import waits for the counter's row
            assert time.monotonic() < deadline and worker.is_alive(), errors
            time.sleep(0.05)
        # Now the blocker waits for the writers' lock the import holds: a deadlock.
        blocker.execute("SELECT pg_advisory_xact_lock(%s)", (db.WRITE_LOCK_KEY,))
        blocker.commit()  # the import was aborted (the blocker got the lock): it runs again
        blocker.close()
        worker.join(timeout=60)
        assert not worker.is_alive() and errors == []
        [report] = reports
        assert report.added == 1
        assert "deadlock detected" in caplog.text and "trying again" in caplog.text
        assert archive.get_talk("after-the-deadlock").talk.title == "Talk after-the-deadlock"
        assert archive.generation() == generation + 1  # applied once


def _two_desktops(folder: Path, tmp_path: Path) -> Iterator[tuple[Archive, Archive]]:
    url = load_archive_settings(folder).database_url
    with (
        Archive.open(folder) as first,
        Archive.open(tmp_path / "second", database_url=url) as second,
    ):
        yield first, second


def test_two_desktops_saving_one_field_the_later_wins_and_the_other_stays_in_history(
    folder: Path, tmp_path: Path
) -> None:
    uid = bundled_records("talk")[5]["uid"]
    for first, second in _two_desktops(folder, tmp_path):
        original = first.get_talk(uid).talk.title
        # Both opened the talk in their editors (they saw the same title), then saved.
        assert second.get_talk(uid).talk.title == original
        first.edit_talk(uid, {"title": "Title typed on the first desktop"})
        second.edit_talk(uid, {"title": "Title typed on the second desktop"})
        for archive in (first, second):  # both see the later save
            assert archive.get_talk(uid).talk.title == "Title typed on the second desktop"
        history = [(e.field, e.old, e.new) for e in first.talk_history(uid)]
        assert history == [
            ("title", original, "Title typed on the first desktop"),
            ("title", "Title typed on the first desktop", "Title typed on the second desktop"),
        ]
        # The earlier save can be typed again from the history: it then wins in turn.
        second.edit_talk(uid, {"title": history[0][2]})
        assert first.get_talk(uid).talk.title == "Title typed on the first desktop"
