"""Disk and file trouble: a read-only archive folder, a damaged database, a full disk."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import event

from desktop_app.core.archive import DATABASE_FILE, Archive
from desktop_app.core.backups import backup_archive, newest_intact_backup, restore_archive
from desktop_app.core.errors import ArchiveError, ArchiveReadOnlyError, DamagedArchiveError
from desktop_app.core.search import SearchIndex
from desktop_app.core.sources.fetch import Timeouts
from desktop_app.core.sources.sync import FetchOptions, sync_sources
from tests.helpers.cli import run_cli
from tests.helpers.hostile import MB, huge_file
from tests.helpers.mounts import read_only, tmpfs

TALK = "talk-6b047156a771"
BUNDLED_TALKS = 221
FAST = FetchOptions(timeouts=Timeouts(connect=2, read=5, total=20), retries=1, backoff=0.01)


def exported(archive: Archive) -> str:
    stream = io.StringIO()
    archive.export_jsonl(stream, with_user_state=True)
    return stream.getvalue()


def garble_middle_page(database: Path) -> None:
    """Write random bytes over three pages in the middle of the file."""
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(os.urandom(3 * 4096))


# ------------------------------------------------------------------ a read-only folder


def test_a_read_only_folder_opens_read_only_and_searching_works(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        archive.set_user_state(TALK, starred=True, note="mine")
        before = exported(archive)
    with read_only(folder) as how, Archive.open(folder) as archive:
        assert archive.read_only, how
        assert exported(archive) == before
        assert archive.get_talk(TALK).user.note == "mine"
        with SearchIndex.open(archive) as index:  # built in the user's cache, not the folder
            assert index.search("optimal transport").total > 0
            assert not str(index.folder.root).startswith(str(folder))
        with pytest.raises(ArchiveReadOnlyError, match="read-only"):
            archive.set_user_state(TALK, starred=False)
        with pytest.raises(ArchiveReadOnlyError):
            archive.import_file(huge_file(tmp_path, "ics", MB // 4))
        archive.begin_visit()  # nothing to record: no error
    with Archive.open(folder) as archive:
        assert not archive.read_only
        assert exported(archive) == before


def test_on_the_command_line_reading_works_and_writing_says_why_not(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    with read_only(folder):
        listed = run_cli(folder, "search", "optimal transport")
        assert listed.returncode == 0, listed.stderr
        starred = run_cli(folder, "star", TALK)
        assert starred.returncode == 2
        assert "read-only" in starred.stderr and "Traceback" not in starred.stderr
        assert "not a Seminar Archive database" not in starred.stderr


def test_a_read_only_folder_without_an_archive_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    with read_only(folder), pytest.raises(ArchiveReadOnlyError, match="holds no archive"):
        Archive.open(folder)
    assert list(folder.iterdir()) == []


# ------------------------------------------------------------------ a damaged database


def test_an_empty_database_file_is_damage_not_a_new_archive(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    (folder / "backups").mkdir()
    backup = backup_archive(folder, folder / "backups" / "mine.sqlite3")
    database = folder / DATABASE_FILE
    database.write_bytes(b"")
    with pytest.raises(DamagedArchiveError, match="empty") as caught:
        Archive.open(folder)
    assert caught.value.backup == backup
    assert f"seminar-archive restore {backup}" in caught.value.detail
    assert database.stat().st_size == 0  # not seeded again with the bundled talks


def test_a_truncated_database_is_refused_at_open(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    database = folder / DATABASE_FILE
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 3])
    with pytest.raises(DamagedArchiveError, match="truncated") as caught:
        Archive.open(folder)
    assert caught.value.backup is None
    assert "no backup" in caught.value.detail
    assert database.read_bytes() == data[: len(data) // 3]


def test_garbage_in_a_page_is_found_at_open_and_never_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        archive.set_user_state(TALK, note="bring me back")
    backup = backup_archive(folder, tmp_path / "elsewhere.sqlite3")
    with Archive.open(folder) as archive:
        archive.set_user_state(TALK, note="")
    (folder / "backups").mkdir(exist_ok=True)
    daily = backup_archive(folder, folder / "backups" / "daily-2026-12-01.sqlite3")
    database = folder / DATABASE_FILE
    garble_middle_page(database)
    damaged = database.read_bytes()

    with pytest.raises(DamagedArchiveError) as caught:  # the GUI opens with verify
        Archive.open(folder, verify=True)
    assert caught.value.backup == daily == newest_intact_backup(folder)
    for command in (("stats",), ("check",), ("export", "-o", str(tmp_path / "out.jsonl"))):
        run = run_cli(folder, *command)
        assert run.returncode == 2, (command, run.stdout, run.stderr)
        assert "damaged" in run.stderr and str(daily) in run.stderr, command
        assert "Traceback" not in run.stderr
    assert database.read_bytes() == damaged
    assert not (tmp_path / "out.jsonl").exists()

    report = restore_archive(folder, backup)
    assert report.previous is not None and report.previous.read_bytes() == damaged
    with Archive.open(folder, verify=True) as archive:
        assert archive.get_talk(TALK).user.note == "bring me back"
        assert archive.count_talks() == BUNDLED_TALKS


# ------------------------------------------------------------------ a full disk


class FullDisk:
    """An archive folder on a 2 MB tmpfs (as root), else a database that may not grow past a
    few more pages (`PRAGMA max_page_count`: SQLite's own "database or disk is full")."""

    def __init__(self, folder: Path, mounted: bool) -> None:
        self.folder = folder
        self.how = "a 2 MB tmpfs" if mounted else "max_page_count"
        self._limit: object = None

    def fill(self, archive: Archive) -> None:
        """Make the disk under `archive` (nearly) full."""
        if self.how != "max_page_count":
            return
        pages = sqlite3.connect(archive.folder / DATABASE_FILE).execute("PRAGMA page_count")
        limit = pages.fetchone()[0] + 40

        def set_limit(connection: sqlite3.Connection, _record: object) -> None:
            connection.execute(f"PRAGMA max_page_count = {limit}")

        self._limit = set_limit
        event.listen(archive.engine, "connect", set_limit)
        archive.engine.dispose()

    def make_room(self, archive: Archive) -> None:
        """Free space: the tmpfs grows, or the page limit goes."""
        if self.how == "max_page_count":
            event.remove(archive.engine, "connect", self._limit)
            archive.engine.dispose()
        else:
            subprocess.run(["mount", "-o", "remount,size=64m", str(self.folder)], check=True)


@contextmanager
def full_disk(tmp_path: Path) -> Iterator[FullDisk]:
    folder = tmp_path / "small"
    with tmpfs(folder, "size=2m") as mounted:
        yield FullDisk(folder, mounted)


def test_a_full_disk_during_an_import_rolls_it_back_with_a_message(tmp_path: Path) -> None:
    feed = huge_file(tmp_path, "ics", 3 * MB)
    with full_disk(tmp_path) as disk, Archive.open(disk.folder, import_bundled=False) as archive:
        disk.fill(archive)
        before = exported(archive)
        with pytest.raises(ArchiveError, match="disk is full") as caught:
            archive.import_file(feed)
        assert "nothing was changed" in caught.value.message, disk.how
        assert exported(archive) == before
        assert archive.count_talks() == 0
        disk.make_room(archive)
        assert archive.import_file(feed).added > 1000


def test_a_full_disk_during_a_sync_fails_that_source_and_the_next_sync_succeeds(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    feed = huge_file(tmp_path, "ics", 3 * MB)
    httpserver.expect_request("/big.ics").respond_with_data(
        feed.read_bytes(), content_type="text/calendar"
    )
    with full_disk(tmp_path) as disk, Archive.open(disk.folder, import_bundled=False) as archive:
        archive.add_source("big-feed", httpserver.url_for("/big.ics"))
        disk.fill(archive)
        before = exported(archive)
        (result,) = sync_sources(archive, archive.sources(), options=FAST)
        assert result.status == "failed", disk.how
        assert "disk is full" in (result.error or "")
        assert exported(archive) == before
        disk.make_room(archive)
        (result,) = sync_sources(archive, archive.sources(), options=FAST)
        assert result.status == "new", result.error
        assert archive.count_talks() > 1000
