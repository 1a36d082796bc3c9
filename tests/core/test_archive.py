"""The archive service on a real SQLite file: import, identity, listing, user state."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from desktop_app.core import db
from desktop_app.core.archive import DATABASE_FILE, Archive
from desktop_app.core.errors import NotFoundError
from desktop_app.core.records import SortKey, TalkFilter
from tests.helpers.files import BUNDLED_ARCHIVE, bundled_records, talk_record, write_jsonl

# The same tests on SQLite and on the private PostgreSQL server (tests/conftest.py).
pytestmark = pytest.mark.both_databases


def export_text(archive: Archive) -> str:
    stream = io.StringIO()
    archive.export_jsonl(stream)
    return stream.getvalue()


def test_new_archive_holds_every_bundled_talk(archive: Archive) -> None:
    assert archive.count_talks() == len(bundled_records("talk"))


def test_new_archive_holds_the_bundled_series(archive: Archive) -> None:
    slugs = [summary.series.slug for summary in archive.series()]
    assert slugs == [record["slug"] for record in bundled_records("series")]


def test_bundled_archive_is_imported_only_once(tmp_path: Path) -> None:
    folder = tmp_path / "a"
    with Archive.open(folder) as first:
        first.set_user_state("talk-6b047156a771", note="keep me")
        generation = first.generation()
    with Archive.open(folder) as second:
        assert second.generation() == generation
        assert second.get_talk("talk-6b047156a771").user.note == "keep me"


def test_reimport_of_the_same_file_adds_nothing(archive: Archive) -> None:
    report = archive.import_file(BUNDLED_ARCHIVE)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 221)


def test_reimport_keeps_user_notes_and_marks(archive: Archive) -> None:
    archive.set_user_state("talk-6b047156a771", starred=True, watched=True, note="great talk")
    archive.import_file(BUNDLED_ARCHIVE)
    user = archive.get_talk("talk-6b047156a771").user
    assert (user.starred, user.watched, user.note) == (True, True, "great talk")


def test_changed_record_updates_the_talk_and_keeps_the_note(
    archive: Archive, tmp_path: Path
) -> None:
    archive.set_user_state("talk-6b047156a771", note="mine")
    before = archive.get_talk("talk-6b047156a771")
    records = bundled_records()
    for record in records:
        if record.get("uid") == "talk-6b047156a771":
            record["title"] = "A corrected title"
    report = archive.import_file(write_jsonl(tmp_path / "changed.jsonl", records))
    after = archive.get_talk("talk-6b047156a771")
    assert (report.added, report.updated, report.unchanged) == (0, 1, 220)
    assert after.talk.title == "A corrected title"
    assert after.revision == before.revision + 1
    assert after.updated_at >= before.updated_at
    assert after.user.note == "mine"


def test_import_reports_new_talks(archive: Archive, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "new.jsonl", [talk_record("talk-new-1"), talk_record("talk-new-2")]
    )
    report = archive.import_file(path)
    assert (report.added, report.updated, report.unchanged, report.rejected) == (2, 0, 0, 0)
    assert archive.count_talks() == 223


def test_speaker_order_and_affiliations_are_kept(empty_archive: Archive, tmp_path: Path) -> None:
    speakers = [
        {"name": "Zoe Last", "affiliation": "Z University"},
        {"name": "Adam First", "affiliation": None},
    ]
    path = write_jsonl(
        tmp_path / "t.jsonl", [*bundled_records("series"), talk_record("t1", speakers=speakers)]
    )
    empty_archive.import_file(path)
    talk = empty_archive.get_talk("t1").talk
    assert [(s.name, s.affiliation) for s in talk.speakers] == [
        ("Zoe Last", "Z University"),
        ("Adam First", None),
    ]


def test_export_reproduces_the_bundled_file_byte_for_byte(archive: Archive) -> None:
    assert export_text(archive) == BUNDLED_ARCHIVE.read_text(encoding="utf-8")


def test_export_then_import_into_an_empty_archive_round_trips(
    archive: Archive, empty_archive: Archive, tmp_path: Path
) -> None:
    archive.import_file(
        write_jsonl(
            tmp_path / "extra.jsonl",
            [
                talk_record(
                    "rt",
                    join_url="https://zoom.example.org/j/1",
                    cancelled=True,
                    field_provenance={"title": "edited"},
                    tags=["optimisation"],
                )
            ],
        )
    )
    exported = tmp_path / "export.jsonl"
    exported.write_text(export_text(archive), encoding="utf-8")
    empty_archive.import_file(exported)
    assert export_text(empty_archive) == exported.read_text(encoding="utf-8")


def test_start_is_an_aware_instant_in_the_talks_zone(archive: Archive) -> None:
    talk = archive.get_talk("talk-6b047156a771").talk
    assert talk.start is not None
    assert talk.start.isoformat() == "2024-05-29T12:00:00-04:00"


def test_unknown_dates_sort_last(archive: Archive) -> None:
    rows = archive.list_talks(sort=SortKey.DATE)
    dated = [row.start is not None for row in rows]
    assert dated == sorted(dated, reverse=True)
    starts = [row.start for row in rows if row.start]
    assert starts == sorted(starts, reverse=True)


def test_ascending_date_sort_still_puts_unknown_dates_last(archive: Archive) -> None:
    rows = archive.list_talks(sort=SortKey.DATE_ASCENDING)
    assert rows[0].start is not None
    assert rows[-1].start is None


def test_title_sort_puts_untitled_talks_last(archive: Archive) -> None:
    rows = archive.list_talks(sort=SortKey.TITLE)
    titled = [row.title is not None for row in rows]
    assert titled == sorted(titled, reverse=True)


def test_filters_by_series_year_and_speaker(archive: Archive) -> None:
    assert archive.count_talks(TalkFilter(series="owml")) == 10
    assert {r.start.year for r in archive.list_talks(TalkFilter(year=2021)) if r.start} == {2021}
    lawrence = archive.list_talks(TalkFilter(speaker="lawrence"))
    assert [r.uid for r in lawrence] == ["talk-6b047156a771"]


def test_filters_by_recording_and_star(archive: Archive) -> None:
    assert archive.count_talks(TalkFilter(has_recording=True)) == 7
    archive.set_user_state("talk-6b047156a771", starred=True)
    assert archive.list_uids(TalkFilter(starred=True)) == ["talk-6b047156a771"]
    assert archive.count_talks(TalkFilter(starred=False)) == 220


def test_paging_returns_consecutive_slices(archive: Archive) -> None:
    every = [row.uid for row in archive.list_talks()]
    pages = [
        row.uid for start in range(0, 221, 50) for row in archive.list_talks(limit=50, offset=start)
    ]
    assert pages == every


def test_untitled_talks_get_a_label_from_their_abstract(archive: Archive) -> None:
    row = next(r for r in archive.list_talks() if r.title is None)
    assert row.untitled
    assert row.display_title.startswith("Untitled: “")


def test_get_unknown_talk_raises_not_found(archive: Archive) -> None:
    with pytest.raises(NotFoundError):
        archive.get_talk("talk-does-not-exist")


def test_user_state_of_unknown_talk_is_refused(archive: Archive) -> None:
    with pytest.raises(NotFoundError):
        archive.set_user_state("talk-does-not-exist", starred=True)


def test_statistics_count_the_bundled_archive(archive: Archive) -> None:
    stats = archive.statistics()
    assert (stats.talks, stats.series, stats.with_title, stats.with_date) == (221, 3, 102, 38)
    assert sum(stats.per_year.values()) == 221
    assert stats.per_series == {"owml": 10, "mpi-mis-ucla-mml": 86, "seed-past-seminars": 125}


def test_generation_grows_only_when_talks_change(archive: Archive, tmp_path: Path) -> None:
    before = archive.generation()
    archive.import_file(BUNDLED_ARCHIVE)
    assert archive.generation() == before
    archive.import_file(write_jsonl(tmp_path / "n.jsonl", [talk_record("g1")]))
    assert archive.generation() == before + 1
    assert archive.changes_since(before) == (["g1"], [])


def test_deleted_talk_leaves_a_tombstone(archive: Archive) -> None:
    before = archive.generation()
    archive.delete_talk("talk-6b047156a771")
    assert archive.changes_since(before) == ([], ["talk-6b047156a771"])


def test_change_listeners_hear_imports(archive: Archive, tmp_path: Path) -> None:
    heard = []
    archive.add_change_listener(heard.append)
    archive.import_file(write_jsonl(tmp_path / "n.jsonl", [talk_record("l1")]))
    assert [sorted(c.talks) for c in heard] == [["l1"]]


@pytest.mark.sqlite_only
def test_sqlite_is_opened_with_wal_and_foreign_keys(archive: Archive) -> None:
    with archive.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


@pytest.mark.sqlite_only
def test_schema_revision_is_readable_without_sqlalchemy(archive: Archive) -> None:
    assert db.sqlite_schema_revision(archive.folder / DATABASE_FILE) == db.SCHEMA_REVISION


def test_schema_revision_constant_is_the_newest_migration() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == db.SCHEMA_REVISION


def test_archive_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "newer"
    Archive.open(folder, import_bundled=False).close()
    connection = sqlite3.connect(folder / DATABASE_FILE)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    with pytest.raises(Exception, match="newer Seminar Archive"):
        Archive.open(folder)


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    with pytest.raises(Exception, match="is not a folder"):
        Archive.open(path)


def test_an_archive_of_the_first_schema_is_upgraded_keeping_the_users_marks(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        uid = archive.list_uids()[0]
        archive.set_user_state(uid, starred=True, note="mine")
        expected = archive.list_uids()
    # What an archive written before revision 0002 looks like.
    connection = sqlite3.connect(folder / DATABASE_FILE)
    with connection:
        connection.execute("DROP INDEX ix_talks_date_order")
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    connection.close()
    with Archive.open(folder) as archive:
        assert db.sqlite_schema_revision(folder / DATABASE_FILE) == db.SCHEMA_REVISION == "0008"
        assert archive.list_uids() == expected
        state = archive.get_talk(uid).user
        assert state.starred and state.note == "mine"
    connection = sqlite3.connect(folder / DATABASE_FILE)
    plan = connection.execute(
        "EXPLAIN QUERY PLAN SELECT uid FROM talks ORDER BY start_utc IS NULL, start_utc DESC, id"
    ).fetchall()
    connection.close()
    assert "ix_talks_date_order" in str(plan)
