"""Upgrades of the frozen archives of every shipped schema, a copy before each, failed
migrations that leave the original as it was, and archives of a newer version refused."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core import db
from desktop_app.core.archive import DATABASE_FILE, Archive
from desktop_app.core.errors import ArchiveError
from desktop_app.core.saved import SavedSearches
from desktop_app.core.search import SearchIndex
from tests.helpers.frozen import (
    EDITED_TITLE,
    EDITS,
    NOTES,
    REVISIONS,
    SAVED,
    STARRED,
    WATCHED,
    dump,
    frozen_database,
)

BUNDLED_TALKS = 221


def frozen_archive(tmp_path: Path, revision: str) -> Path:
    """An archive folder holding the frozen database of `revision`."""
    folder = tmp_path / f"archive-{revision}"
    frozen_database(revision, folder / DATABASE_FILE)
    return folder


def user_marks(archive: Archive) -> tuple[set[str], set[str], dict[str, str]]:
    """Every star, watched mark and note, read through the archive."""
    starred, watched, notes = set(), set(), {}
    for uid in archive.list_uids():
        user = archive.get_talk(uid).user
        if user.starred:
            starred.add(uid)
        if user.watched:
            watched.add(uid)
        if user.note:
            notes[uid] = user.note
    return starred, watched, notes


def test_there_is_a_frozen_archive_of_every_schema_before_the_current_one() -> None:
    shipped = {f"{n:04d}" for n in range(1, int(db.SCHEMA_REVISION))}
    missing = shipped - set(REVISIONS)
    assert not missing, f"freeze {missing}: see tests/fixtures/archives/README.md"


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_frozen_archive_upgrades_keeping_every_note_star_and_edit(
    tmp_path: Path, revision: str
) -> None:
    folder = frozen_archive(tmp_path, revision)
    before = dump(folder / DATABASE_FILE)
    assert db.sqlite_schema_revision(folder / DATABASE_FILE) == revision
    with Archive.open(folder) as archive:
        assert db.sqlite_schema_revision(folder / DATABASE_FILE) == db.SCHEMA_REVISION
        assert archive.count_talks() == BUNDLED_TALKS
        starred, watched, notes = user_marks(archive)
        assert (len(starred), len(watched), len(notes)) == (3, 2, 3)
        assert (starred, watched, notes) == (STARRED, WATCHED, NOTES)
        if revision >= "0004":  # the edit layer's schema: 3 edited fields on 2 talks
            for uid, fields in EDITS.items():
                assert set(archive.talk_edits(uid)) == set(fields)
                provenance = archive.get_talk(uid).talk.field_provenance or {}
                assert {field: provenance.get(field) for field in fields} == dict.fromkeys(
                    fields, "edited"
                )
                assert len(archive.talk_history(uid)) == len(fields)
            assert archive.get_talk("talk-6fecfb36f217").talk.title == EDITED_TITLE
            start = archive.get_talk("talk-d025b6f827f7").talk.start
            assert start is not None and start.isoformat() == "2021-03-04T16:00:00+00:00"
            # kept as the instant it meant (schema 0008), so no later zone can move it
            edited_start = archive.talk_edits("talk-d025b6f827f7")["start"]
            assert edited_start == "2021-03-04T16:00:00+00:00", edited_start
        if revision >= "0006":  # saved searches
            [saved] = SavedSearches(archive).all()
            assert (saved.name, saved.query, saved.filters) == SAVED
        with SearchIndex.open(archive) as index:
            hits = index.search("hardness of learning under symmetries").hits
            assert hits and hits[0].uid == "talk-6b047156a771"
            if revision >= "0004":
                edited = index.search(f'"{EDITED_TITLE}"').hits
                assert [hit.uid for hit in edited][:1] == ["talk-6fecfb36f217"]
            assert index.check().ok
    copies = sorted((folder / "backups").glob("before-upgrade-*.sqlite3"))
    if revision == db.SCHEMA_REVISION:
        assert copies == []  # nothing to upgrade, no copy
    else:
        prefix = f"before-upgrade-{revision}-{db.SCHEMA_REVISION}-"
        assert [copy.name.startswith(prefix) for copy in copies] == [True]
        assert dump(copies[0]) == before  # the copy is the archive as it was


@pytest.mark.parametrize(
    ("revision", "collision"),
    [
        # 0002 creates this index on talks: a same-named one elsewhere makes it fail at once.
        ("0001", "CREATE INDEX ix_talks_date_order ON series (slug)"),
        # 0003 adds and fills people.folded_name, then fails creating its index.
        ("0002", "CREATE INDEX ix_people_folded_name ON series (name)"),
    ],
)
def test_a_failing_migration_leaves_the_archive_as_it_was_and_names_the_copy(
    tmp_path: Path, revision: str, collision: str
) -> None:
    folder = frozen_archive(tmp_path, revision)
    database = folder / DATABASE_FILE
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(collision)
    connection.close()
    before = dump(database)
    with pytest.raises(ArchiveError) as raised:
        Archive.open(folder)
    error = raised.value
    assert str(folder) in error.message
    assert f"could not be upgraded from schema {revision}" in error.message
    assert "left as it was" in error.message
    (copy,) = (folder / "backups").glob(f"before-upgrade-{revision}-*.sqlite3")
    assert str(copy) in error.detail
    assert "already exists" in error.detail
    assert dump(database) == before  # nothing of the migrations before the failing one stayed
    assert db.sqlite_schema_revision(database) == revision
    assert dump(copy) == before
    # The app still reads it: with the collision gone, the upgrade goes through.
    connection = sqlite3.connect(database)
    with connection:
        connection.execute(f"DROP INDEX {collision.split()[2]}")
    connection.close()
    with Archive.open(folder) as archive:
        assert user_marks(archive) == (STARRED, WATCHED, NOTES)


def test_a_failing_upgrade_exits_2_on_the_command_line_naming_the_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = frozen_archive(tmp_path, "0001")
    connection = sqlite3.connect(folder / DATABASE_FILE)
    with connection:
        connection.execute("CREATE INDEX ix_talks_date_order ON series (slug)")
    connection.close()
    assert main(["--data-dir", str(folder), "list"]) == 2
    err = capsys.readouterr().err
    assert "could not be upgraded from schema 0001" in err
    assert str(folder / "backups" / "before-upgrade-0001-") in err


def newer_archive(tmp_path: Path) -> Path:
    """An archive whose schema revision this version does not know (a newer version's)."""
    folder = frozen_archive(tmp_path, REVISIONS[-1])
    connection = sqlite3.connect(folder / DATABASE_FILE)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()
    return folder


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_archive_of_a_newer_version_is_refused_and_left_alone(tmp_path: Path) -> None:
    folder = newer_archive(tmp_path)
    checksum = sha256(folder / DATABASE_FILE)
    with pytest.raises(ArchiveError) as raised:
        Archive.open(folder)
    assert str(folder) in raised.value.message
    assert "newer Seminar Archive" in raised.value.message
    assert "9999" in raised.value.message
    assert "Update Seminar Archive" in raised.value.detail
    assert sha256(folder / DATABASE_FILE) == checksum
    assert db.sqlite_schema_revision(folder / DATABASE_FILE) == "9999"
    assert not (folder / "backups").exists()


def test_an_unknown_revision_is_refused_too(tmp_path: Path) -> None:
    folder = newer_archive(tmp_path)
    connection = sqlite3.connect(folder / DATABASE_FILE)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'a1b2c3'")
    connection.close()
    with pytest.raises(ArchiveError, match="does not know"):
        Archive.open(folder)
    assert db.sqlite_schema_revision(folder / DATABASE_FILE) == "a1b2c3"


def test_the_command_line_refuses_a_newer_archive_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = newer_archive(tmp_path)
    assert main(["--data-dir", str(folder), "stats"]) == 2
    err = capsys.readouterr().err
    assert f"{folder}: the archive was written by a newer Seminar Archive" in err
    assert "Update Seminar Archive to open it" in err


OPEN_AND_REPORT_ALEMBIC = """
import sys
from desktop_app.core.archive import Archive
from desktop_app.core.errors import ArchiveError
from desktop_app.core.saved import SavedSearches
try:
    Archive.open(sys.argv[1]).close()
    print("opened", "alembic" in sys.modules)
except ArchiveError as error:
    print("refused", "alembic" in sys.modules)
"""


@pytest.mark.parametrize(
    ("revision", "expected"),
    [("current", "opened False"), ("newer", "refused False"), ("0001", "opened True")],
)
def test_alembic_is_imported_only_when_a_migration_is_due(
    tmp_path: Path, revision: str, expected: str
) -> None:
    if revision == "newer":
        folder = newer_archive(tmp_path)
    elif revision == "current":
        folder = tmp_path / "current"
        Archive.open(folder, import_bundled=False).close()
    else:
        folder = frozen_archive(tmp_path, revision)
    result = subprocess.run(
        [sys.executable, "-c", OPEN_AND_REPORT_ALEMBIC, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == expected
