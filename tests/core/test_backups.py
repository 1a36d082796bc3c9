"""Backups on real SQLite files: online copies while another process writes, restore (checked
first, the current database kept, the index rebuilt), daily backups and their pruning."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core import db
from desktop_app.core.archive import DATABASE_FILE, Archive
from desktop_app.core.backups import backup_archive, daily_backup, daily_backups
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.storage import INDEX_FOLDER, POINTER
from desktop_app.core.settings import AppConfig, load_app_config, save_app_config
from desktop_app.core.sqlite_files import check_archive_database
from tests.helpers.cli import run_cli
from tests.helpers.frozen import NOTES, REVISIONS, STARRED, frozen_database

LAWRENCE = "talk-6b047156a771"
OTHER = "talk-1f949d3880d0"  # "Regularization by Misclassification in ReLU Neural Networks"
BUNDLED_TALKS = 221

# Rewrites every talk's note in one transaction per round, until the stop file appears.
WRITER = textwrap.dedent(
    """
    import os, sqlite3, sys
    database, stop = sys.argv[1], sys.argv[2]
    connection = sqlite3.connect(database, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    rounds = 0
    print("started", flush=True)
    while not os.path.exists(stop) or rounds < 5:
        rounds += 1
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT OR REPLACE INTO user_state (uid, starred, watched, note, updated_at) "
            "SELECT uid, 0, 0, ?, CURRENT_TIMESTAMP FROM talks",
            (f"round {rounds:06d} " + "x" * 2000,),
        )
        connection.execute("COMMIT")
    print(rounds, flush=True)
    """
)


def rounds_in(copy: Path) -> set[str]:
    """The writer's rounds a copy holds notes of; checks the copy's integrity first."""
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        notes = [row[0] for row in connection.execute("SELECT note FROM user_state")]
        talks = connection.execute("SELECT count(*) FROM talks").fetchone()[0]
    finally:
        connection.close()
    assert talks == BUNDLED_TALKS
    assert len(notes) in {0, BUNDLED_TALKS}
    return {note[:12] for note in notes}


def test_a_backup_taken_while_another_process_writes_is_consistent(
    archive: Archive, tmp_path: Path
) -> None:
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(archive.folder / DATABASE_FILE), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    seen: set[str] = set()
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "started"
        for number in range(12):
            copy = backup_archive(archive.folder, tmp_path / f"copy-{number}.sqlite3")
            rounds = rounds_in(copy)
            assert len(rounds) <= 1, f"copy {number} mixes transactions: {rounds}"
            seen |= rounds
        by_command = run_cli(archive.folder, "backup", "-o", str(tmp_path / "cli.sqlite3"))
        assert by_command.returncode == 0, by_command.stderr
        assert "archive backed up to" in by_command.stderr
        assert len(rounds_in(tmp_path / "cli.sqlite3")) == 1
    finally:
        stop.touch()
        output, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert int(output.split()[-1]) >= 5
    assert len(seen) >= 2, "the copies were taken while the writer was running"
    assert not list(tmp_path.glob("*-wal")) and not list(tmp_path.glob(".*.part"))


def test_backup_refuses_a_missing_folder_and_the_database_itself(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(archive.folder)
    missing = tmp_path / "no-such-folder" / "b.sqlite3"
    assert main(["--data-dir", folder, "backup", "-o", str(missing)]) == 2
    assert f"{missing.parent}: no such folder" in capsys.readouterr().err
    own = archive.folder / DATABASE_FILE
    assert main(["--data-dir", folder, "backup", "-o", str(own)]) == 2
    assert "the archive's own database" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["--data-dir", str(empty), "backup", "-o", str(tmp_path / "x.sqlite3")]) == 2
    assert "no archive database" in capsys.readouterr().err


def test_restore_brings_back_a_deleted_note_and_talk_and_rebuilds_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "archive"
    backup = tmp_path / "backup.sqlite3"
    with Archive.open(folder) as archive:
        archive.set_user_state(LAWRENCE, starred=True, note="keep me")
    assert main(["--data-dir", str(folder), "backup", "-o", str(backup)]) == 0
    with Archive.open(folder) as archive, SearchIndex.open(archive) as index:
        archive.set_user_state(LAWRENCE, note="")
        archive.delete_talk(OTHER)
        index.catch_up()
        assert index.search("Regularization by Misclassification").total == 0
    capsys.readouterr()

    assert main(["--data-dir", str(folder), "restore", str(backup)]) == 0
    err = capsys.readouterr().err
    assert f"restored {BUNDLED_TALKS} talks from {backup}" in err
    (previous,) = (folder / "backups").glob("before-restore-*.sqlite3")
    assert f"kept in {previous}" in err

    with Archive.open(folder) as archive:
        assert archive.get_talk(LAWRENCE).user.note == "keep me"
        assert archive.count_talks() == BUNDLED_TALKS
        with SearchIndex.open(archive, catch_up=False) as index:
            assert index.check().ok  # rebuilt by the restore, not by this opening
            hits = index.search("Regularization by Misclassification").hits
            assert [hit.uid for hit in hits][:1] == [OTHER]
    kept = check_archive_database(previous)
    assert kept.talks == BUNDLED_TALKS - 1  # the archive as it was before the restore


def test_restore_of_an_older_schema_upgrades_it(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder, import_bundled=False).close()
    old = frozen_database("0001", tmp_path / "old-backup.sqlite3")
    before = hashlib.sha256(old.read_bytes()).hexdigest()
    assert main(["--data-dir", str(folder), "restore", str(old)]) == 0
    assert hashlib.sha256(old.read_bytes()).hexdigest() == before  # the backup is only read
    assert db.sqlite_schema_revision(folder / DATABASE_FILE) == db.SCHEMA_REVISION
    with Archive.open(folder) as archive:
        assert archive.count_talks() == BUNDLED_TALKS
        assert archive.get_talk(LAWRENCE).user.note == NOTES[LAWRENCE]
        assert {uid for uid in STARRED if archive.get_talk(uid).user.starred} == STARRED


def test_restore_into_a_folder_without_an_archive(tmp_path: Path) -> None:
    backup = frozen_database(REVISIONS[-1], tmp_path / "backup.sqlite3")
    folder = tmp_path / "new"
    folder.mkdir()
    assert main(["--data-dir", str(folder), "restore", str(backup)]) == 0
    assert not (folder / "backups").exists() or not list((folder / "backups").iterdir())
    with Archive.open(folder) as archive:
        assert archive.get_talk(LAWRENCE).user.note == NOTES[LAWRENCE]


def _missing(path: Path, _good: Path) -> None:
    pass


def _text(path: Path, _good: Path) -> None:
    path.write_text("talk-6b047156a771 keep me\n")


def _empty(path: Path, _good: Path) -> None:
    path.write_bytes(b"")


def _folder(path: Path, _good: Path) -> None:
    path.mkdir()


def _other_app(path: Path, _good: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    connection.commit()
    connection.close()


def _truncated(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes()[: 40 * 4096])


def _garbage_in_a_page(path: Path, good: Path) -> None:
    connection = sqlite3.connect(good)
    root, size = connection.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
        "WHERE name = 'user_state'"
    ).fetchone()
    connection.close()
    data = bytearray(good.read_bytes())
    start = (root - 1) * size
    data[start : start + size] = random.Random(7).randbytes(size)
    path.write_bytes(bytes(data))


def _newer(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_missing, "no such file"),
        (_text, "not an SQLite database"),
        (_empty, "not an SQLite database"),
        (_folder, "not a regular file"),
        (_other_app, "not a Seminar Archive database"),
        (_truncated, "damaged"),
        (_garbage_in_a_page, "damaged"),
        (_newer, "newer Seminar Archive"),
    ],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, Path], None],
    message: str,
) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive, SearchIndex.open(archive):
        archive.set_user_state(LAWRENCE, note="current")
    good = backup_archive(folder, tmp_path / "good.sqlite3")
    bad = tmp_path / "bad.sqlite3"
    make(bad, good)
    database = folder / DATABASE_FILE
    checksum = hashlib.sha256(database.read_bytes()).hexdigest()
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: " in err and message in err, err
    assert hashlib.sha256(database.read_bytes()).hexdigest() == checksum
    assert not (folder / "backups").exists() or not list((folder / "backups").iterdir())
    assert (folder / INDEX_FOLDER / POINTER).is_file()  # the index was not touched either


def test_daily_backups_one_a_day_the_last_n_kept(archive: Archive) -> None:
    folder = archive.folder
    first = daily_backup(folder, 3, today=date(2026, 1, 1))
    assert first == folder / "backups" / "daily-2026-01-01.sqlite3"
    assert daily_backup(folder, 3, today=date(2026, 1, 1)) is None  # once a day
    assert daily_backups(folder) == [first]
    for day in range(2, 6):
        assert daily_backup(folder, 3, today=date(2026, 1, day)) is not None
    names = [path.name for path in daily_backups(folder)]
    assert names == [f"daily-2026-01-0{day}.sqlite3" for day in (3, 4, 5)]
    assert check_archive_database(daily_backups(folder)[-1]).talks == BUNDLED_TALKS
    other = folder / "backups" / "before-upgrade-0004-0005-20260101-120000.sqlite3"
    other.write_bytes(first.parent.joinpath(names[0]).read_bytes())
    assert daily_backup(folder, 0, today=date(2026, 1, 6)) is None  # 0: off, nothing pruned
    assert len(daily_backups(folder)) == 3
    daily_backup(folder, 1, today=date(2026, 1, 6))
    assert [path.name for path in daily_backups(folder)] == ["daily-2026-01-06.sqlite3"]
    assert other.is_file()  # only daily backups are pruned


def test_daily_backup_without_a_database_does_nothing(tmp_path: Path) -> None:
    assert daily_backup(tmp_path, 7) is None
    assert not (tmp_path / "backups").exists()


def test_backups_to_keep_is_a_preference(tmp_path: Path) -> None:
    assert AppConfig().backups_to_keep == 7
    path = tmp_path / "config.toml"
    save_app_config(AppConfig(backups_to_keep=0), path)
    assert load_app_config(path).backups_to_keep == 0
    path.write_text("backups_to_keep = true\n")
    with pytest.raises(Exception, match="backups_to_keep"):
        load_app_config(path)
