"""Speakers: the filter finds accented names in any case and spelling; a speaker's profile."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop_app.core import db
from desktop_app.core.archive import DATABASE_FILE, Archive
from desktop_app.core.records import TalkFilter
from desktop_app.core.textfold import fold_name
from tests.helpers.files import talk_record, write_jsonl

SIMSEKLI = "talk-7c581f8fc74d"


@pytest.mark.parametrize(
    "typed", ["Umut Şimşekli", "umut şimşekli", "UMUT ŞİMŞEKLİ", "umut simsekli", "Şimşekli"]
)
def test_the_speaker_filter_finds_an_accented_name_in_any_case(
    archive: Archive, typed: str
) -> None:
    chosen = TalkFilter(speaker=typed)
    assert archive.list_uids(chosen) == [SIMSEKLI]
    assert [row.uid for row in archive.list_talks(chosen)] == [SIMSEKLI]
    assert archive.count_talks(chosen) == 1
    counts = archive.facet_counts(chosen)
    assert counts.total == 1
    assert counts.speaker == {"Umut Şimşekli": 1}


def test_a_part_of_a_name_without_accents_finds_every_speaker_holding_it(
    archive: Archive,
) -> None:
    counts = archive.facet_counts(TalkFilter(speaker="simsek"))
    assert counts.speaker == {"Berfin Şimşek": 1, "Umut Şimşekli": 1}
    assert archive.count_talks(TalkFilter(speaker="MÜLLER")) == 1
    assert archive.count_talks(TalkFilter(speaker="muller")) == 1


def test_the_speaker_filter_takes_like_wildcards_literally(archive: Archive) -> None:
    assert archive.count_talks(TalkFilter(speaker="%")) == 0
    assert archive.count_talks(TalkFilter(speaker="_")) == 0


def test_fold_name() -> None:
    assert fold_name("Umut Şimşekli") == "umut simsekli"
    assert fold_name("  Łukasz   Søgaard ") == "lukasz sogaard"
    assert fold_name("Straße") == "strasse"
    assert fold_name("İLKER") == "ilker"


def test_a_speaker_profile_has_the_talks_and_the_affiliation(archive: Archive) -> None:
    profile = archive.speaker_profile("Umut Şimşekli")
    assert [row.uid for row in profile.talks] == [SIMSEKLI]
    assert profile.names == ("Umut Şimşekli",)
    assert profile.affiliations == ("INRIA - École Normale Supérieure (Paris)",)
    assert archive.speaker_profile("umut simsekli").talks == profile.talks


def test_an_unknown_speaker_has_an_empty_profile(archive: Archive) -> None:
    profile = archive.speaker_profile("Nobody Atall")
    assert (profile.talks, profile.names, profile.affiliations, profile.bio) == ((), (), (), None)
    assert archive.speaker_profile("  ").talks == ()


def test_a_profile_gathers_spellings_affiliations_newest_first_and_a_bio(
    archive: Archive, tmp_path: Path
) -> None:
    jose = {"name": "José Núñez", "affiliation": "Universidad de Chile"}
    records = [
        talk_record("old", start="2019-03-01T12:00:00", speakers=[jose], bio="Bio of José."),
        talk_record(
            "new",
            start="2024-03-01T12:00:00",
            speakers=[{"name": "Jose Nunez", "affiliation": "MIT"}, {"name": "Ada Other"}],
            bio="Bio of Ada.",
        ),
        talk_record("undated", start=None, speakers=[{"name": "JOSÉ NÚÑEZ"}]),
        talk_record("someone-else", speakers=[{"name": "José Núñez-Ortiz"}]),
    ]
    archive.import_file(write_jsonl(tmp_path / "talks.jsonl", records))
    profile = archive.speaker_profile("José Núñez")
    assert [row.uid for row in profile.talks] == ["new", "old", "undated"]
    assert profile.names == ("JOSÉ NÚÑEZ", "Jose Nunez", "José Núñez")
    assert profile.affiliations == ("MIT", "Universidad de Chile")
    # The bio of a talk given with someone else may be theirs: one given alone comes first.
    assert profile.bio == "Bio of José."
    assert archive.count_talks(TalkFilter(speaker="jose nunez")) == 4


def test_an_archive_of_schema_0002_gets_folded_names(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    # What an archive written before revision 0003 looks like.
    connection = sqlite3.connect(folder / DATABASE_FILE)
    with connection:
        connection.execute("DROP INDEX ix_people_folded_name")
        connection.execute("ALTER TABLE people DROP COLUMN folded_name")
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    connection.close()
    with Archive.open(folder) as archive:
        assert db.sqlite_schema_revision(folder / DATABASE_FILE) == db.SCHEMA_REVISION
        assert archive.list_uids(TalkFilter(speaker="simsekli")) == [SIMSEKLI]
        assert archive.count_talks(TalkFilter(speaker="lawrence")) == 1
    connection = sqlite3.connect(folder / DATABASE_FILE)
    empty = connection.execute("SELECT count(*) FROM people WHERE folded_name = ''").fetchone()
    connection.close()
    assert empty == (0,)
