"""The edit layer: edits win over re-imports, reverts give the source's value, merges keep
both users' marks; bad values are refused naming the field and change nothing."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.records import Speaker, TalkFilter
from desktop_app.core.search import SearchIndex
from tests.helpers.cli import run_cli, run_json
from tests.helpers.files import talk_record, write_jsonl

# The same tests on SQLite and on the private PostgreSQL server (tests/conftest.py).
pytestmark = pytest.mark.both_databases

UNTITLED = "talk-3b4402e0c5f0"  # a bundled talk without a title, with a speaker and a date
LAWRENCE = "talk-6b047156a771"


def test_an_edit_shows_with_its_provenance_and_survives_a_reimport(archive: Archive) -> None:
    changed = archive.edit_talk(
        UNTITLED,
        {
            "title": "Equivariance and the cost of learning",
            "speakers": ["Ada Lovelace (University of Cambridge)"],
            "start": "2024-05-29T12:00:00-04:00",
        },
    )
    assert changed == ["title", "speakers", "start"]
    talk = archive.get_talk(UNTITLED).talk
    assert talk.title == "Equivariance and the cost of learning"
    assert talk.speakers == (Speaker("Ada Lovelace", "University of Cambridge"),)
    assert talk.start is not None and talk.start.isoformat() == "2024-05-29T18:00:00+02:00"
    assert talk.field_provenance == {"title": "edited", "speakers": "edited", "start": "edited"}
    report = archive.import_bundled()
    assert report.updated == 0
    assert archive.get_talk(UNTITLED).talk.title == "Equivariance and the cost of learning"


def test_a_changed_source_updates_the_source_layer_only(archive: Archive, tmp_path: Path) -> None:
    archive.import_file(write_jsonl(tmp_path / "a.jsonl", [talk_record("talk-x1")]))
    archive.edit_talk("talk-x1", {"title": "My title"})
    changed = talk_record("talk-x1", title="Their new title", abstract="A new abstract.")
    report = archive.import_file(write_jsonl(tmp_path / "b.jsonl", [changed]))
    assert report.updated == 1
    talk = archive.get_talk("talk-x1").talk
    assert talk.title == "My title"  # the edit wins
    assert talk.abstract == "A new abstract."  # the source's change of another field shows
    assert archive.source_facts("talk-x1").title == "Their new title"
    assert archive.revert_field("talk-x1", "title")
    assert archive.get_talk("talk-x1").talk.title == "Their new title"  # the latest source value


def test_revert_brings_back_the_source_value_and_history_lists_every_change(
    archive: Archive,
) -> None:
    archive.edit_talk(UNTITLED, {"title": "T"})
    archive.edit_talk(UNTITLED, {"speakers": ["Ada Lovelace"]})
    archive.edit_talk(UNTITLED, {"start": "2024-05-29T12:00"})
    assert archive.revert_field(UNTITLED, "title")
    assert archive.get_talk(UNTITLED).talk.title is None  # untitled again
    assert not archive.revert_field(UNTITLED, "title")  # nothing left to revert
    history = archive.talk_history(UNTITLED)
    assert [(h.field, h.by) for h in history] == [
        ("title", "edit"),
        ("speakers", "edit"),
        ("start", "edit"),
        ("title", "revert"),
    ]
    assert history[0].old is None and history[0].new == "T"
    assert [h.at for h in history] == sorted(h.at for h in history)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recording_url": "javascript:alert(1)"}, "recording"),
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"start": "yesterday"}, "start"),
        ({"speakers": ["  (MIT)"]}, "speaker"),
        ({"series": "no-such-series"}, "series"),
        ({"duration_minutes": "-5"}, "duration"),
        ({"title": "fine", "links": [{"kind": "paper", "url": "data:text/html,x"}]}, "link"),
    ],
)
def test_a_refused_value_names_the_field_and_saves_nothing(
    archive: Archive, changes: dict[str, object], field: str
) -> None:
    before = archive.get_talk(LAWRENCE)
    with pytest.raises(InputError) as raised:
        archive.edit_talk(LAWRENCE, changes)
    assert raised.value.message.startswith(field)
    after = archive.get_talk(LAWRENCE)
    assert after.talk == before.talk and after.revision == before.revision
    assert archive.talk_history(LAWRENCE) == []


def test_merge_keeps_both_notes_ors_the_marks_and_points_the_gone_uid_to_the_kept(
    archive: Archive,
) -> None:
    archive.set_user_state(LAWRENCE, note="mine", watched=True)
    archive.set_user_state(UNTITLED, note="theirs", starred=True)
    archive.merge_talks(LAWRENCE, UNTITLED)
    user = archive.get_talk(LAWRENCE).user
    assert user.starred and user.watched
    assert "mine" in user.note and "theirs" in user.note
    assert archive.merged_into(UNTITLED) == LAWRENCE
    with pytest.raises(NotFoundError, match=LAWRENCE):
        archive.get_talk(UNTITLED)
    assert UNTITLED not in archive.list_uids()
    assert archive.import_bundled().added == 0  # a re-import does not bring the gone talk back
    assert UNTITLED not in archive.list_uids()


def test_the_search_index_finds_an_edit_at_once(archive: Archive) -> None:
    with SearchIndex.open(archive) as index:
        assert index.search("zanzibar").total == 0
        archive.edit_talk(LAWRENCE, {"title": "Zanzibar lectures on symmetry"})
        index.catch_up()
        assert [hit.uid for hit in index.search("zanzibar").hits] == [LAWRENCE]


# ---------------------------------------------------------------------- the command line


def test_cli_edit_show_revert_history_and_merge(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    shown = run_json(
        folder,
        "edit",
        UNTITLED,
        "--title",
        "Zanzibar lectures",
        "--speaker",
        "Ada Lovelace (Cambridge)",
        "--speaker",
        "Alan Turing",
        "--start",
        "2024-05-29T12:00:00-04:00",
    )
    assert shown["title"] == "Zanzibar lectures"
    assert [s["name"] for s in shown["speakers"]] == ["Ada Lovelace", "Alan Turing"]
    assert shown["field_provenance"]["title"] == "edited"
    assert shown["field_provenance"]["abstract"] == "archive"
    hits = run_json(folder, "search", "zanzibar")["hits"]
    assert [h["uid"] for h in hits] == [UNTITLED]
    assert run_cli(folder, "import", str(_bundled())).returncode == 0
    assert run_json(folder, "show", UNTITLED)["title"] == "Zanzibar lectures"
    reverted = run_json(folder, "edit", UNTITLED, "--revert", "title")
    assert reverted["title"] is None
    history = run_json(folder, "history", UNTITLED)
    assert [(h["field"], h["by"]) for h in history] == [
        ("title", "edit"),
        ("speakers", "edit"),
        ("start", "edit"),
        ("title", "revert"),
    ]
    assert {h["who"] for h in history} == {None}  # one person on SQLite: nobody to name
    run_cli(folder, "note", LAWRENCE, "keep me")
    run_cli(folder, "star", UNTITLED)
    merged = run_json(folder, "merge", LAWRENCE, UNTITLED)
    assert merged["user"]["starred"] and merged["user"]["note"] == "keep me"
    gone = run_cli(folder, "show", UNTITLED, "--json")
    assert gone.returncode == 0 and f"merged into {LAWRENCE}" in gone.stderr


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (("--recording", "javascript:alert(1)"), "recording"),
        (("--timezone", "Mars/Base"), "timezone"),
        (("--start", "yesterday"), "start"),
    ],
)
def test_cli_bad_input_exits_2_names_the_field_and_changes_nothing(
    tmp_path: Path, arguments: tuple[str, str], field: str
) -> None:
    folder = tmp_path / "archive"
    assert run_cli(folder, "export", "-o", str(tmp_path / "before.jsonl")).returncode == 0
    result = run_cli(folder, "edit", LAWRENCE, *arguments)
    assert result.returncode == 2
    assert f"error: {field}" in result.stderr
    assert run_cli(folder, "edit", "talk-nope", "--title", "x").returncode == 2
    assert run_cli(folder, "export", "-o", str(tmp_path / "after.jsonl")).returncode == 0
    assert (tmp_path / "before.jsonl").read_bytes() == (tmp_path / "after.jsonl").read_bytes()


def _bundled() -> Path:
    return Path(__file__).resolve().parents[2] / "data" / "archive.jsonl"


# ---------------------------------------------------------------------- any sequence

_FRESH = itertools.count(1)  # a new talk for every example
_TITLES = st.sampled_from(["Alpha", "Beta", "Gamma", None])
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("import"), _TITLES),
        st.tuples(st.just("edit"), st.sampled_from(["Mine", "Other", "Third"])),
        st.tuples(st.just("revert"), st.none()),
        st.tuples(st.just("merge"), st.none()),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=_STEPS)
def test_any_sequence_never_loses_an_edit_and_revert_gives_the_latest_source(
    archive: Archive,
    tmp_path_factory: pytest.TempPathFactory,
    steps: list[tuple[str, object]],
) -> None:
    folder = tmp_path_factory.mktemp("steps")
    uid = f"talk-p{next(_FRESH)}"
    source_title: object = "Start"
    edit: object = None
    archive.import_file(write_jsonl(folder / "0.jsonl", [talk_record(uid, title=source_title)]))
    merges = 0
    for number, (action, value) in enumerate(steps, start=1):
        if action == "import":
            source_title = value
            record = talk_record(uid, title=value)
            archive.import_file(write_jsonl(folder / f"{number}.jsonl", [record]))
        elif action == "edit":
            archive.edit_talk(uid, {"title": value})
            if value != (edit if edit is not None else source_title):
                edit = value  # the same value as shown changes nothing
        elif action == "revert":
            archive.revert_field(uid, "title")
            edit = None
        else:  # merge another record into this one: the edit and the source stay
            merges += 1
            other = f"{uid}-m{merges}"
            extra = talk_record(other, title="Merged away")
            archive.import_file(write_jsonl(folder / f"{number}m.jsonl", [extra]))
            archive.merge_talks(uid, other)
            if (edit if edit is not None else source_title) is None:
                edit = "Merged away"  # a gap of the kept talk, filled from the other
        shown = archive.get_talk(uid).talk.title
        assert shown == (edit if edit is not None else source_title), (action, value)
        assert archive.source_facts(uid).title == source_title


_ZONES = st.sampled_from(["America/New_York", "Europe/London", "Asia/Tokyo", None])
_EDITED_START = datetime(2024, 5, 29, 16, 0, tzinfo=UTC)
_SOURCE_START = datetime(2025, 1, 15, 17, 0, tzinfo=UTC)


def _record_in_zone(uid: str, timezone: str | None) -> dict[str, object]:
    """The talk as a source in `timezone` writes it (the same instant, another wall clock)."""
    if timezone is None:
        return talk_record(uid, start=_SOURCE_START.isoformat(), timezone=None)
    wall = _SOURCE_START.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    return talk_record(uid, start=wall.isoformat(), timezone=timezone)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=_ZONES, edit_zone=_ZONES, later=st.lists(_ZONES, min_size=1, max_size=4))
def test_an_edited_start_keeps_its_instant_whatever_zone_the_source_gives_later(
    archive: Archive,
    tmp_path_factory: pytest.TempPathFactory,
    first: str | None,
    edit_zone: str | None,
    later: list[str | None],
) -> None:
    folder = tmp_path_factory.mktemp("zones")
    uid = f"talk-z{next(_FRESH)}"
    archive.import_file(write_jsonl(folder / "0.jsonl", [_record_in_zone(uid, first)]))
    given_as = (
        _EDITED_START.isoformat()
        if edit_zone is None
        else _EDITED_START.astimezone(ZoneInfo(edit_zone)).isoformat()
    )
    archive.edit_talk(uid, {"start": given_as})
    for number, timezone in enumerate(later, start=1):
        report = archive.import_file(
            write_jsonl(folder / f"{number}.jsonl", [_record_in_zone(uid, timezone)])
        )
        assert not report.problems, report.problems
        shown = archive.get_talk(uid).talk
        assert shown.start == _EDITED_START, (timezone, shown.start)
        assert shown.field_provenance.get("start") == "edited"
    assert archive.revert_field(uid, "start")
    assert archive.get_talk(uid).talk.start == _SOURCE_START


def test_a_merge_fills_a_missing_start_with_the_other_talks_instant(
    archive: Archive, tmp_path: Path
) -> None:
    kept = talk_record("zone-kept", start=None, timezone="Europe/Paris")
    other = talk_record("zone-other", start="2025-01-15T12:00:00", timezone="America/New_York")
    archive.import_file(write_jsonl(tmp_path / "two.jsonl", [kept, other]))
    archive.merge_talks("zone-kept", "zone-other")
    start = archive.get_talk("zone-kept").talk.start
    assert start is not None and start.astimezone(UTC) == datetime(2025, 1, 15, 17, tzinfo=UTC)


def test_needs_facts_lists_talks_without_title_speaker_or_date(archive: Archive) -> None:
    needing = set(archive.list_uids(TalkFilter(needs_facts=True)))
    for talk in archive.iter_talks():
        lacks = talk.title is None or not talk.speakers or talk.start is None
        assert (talk.uid in needing) == lacks
    assert archive.facet_counts().needs_facts == len(needing)
    archive.edit_talk(
        UNTITLED, {"title": "Now titled", "speakers": ["Ada Lovelace"], "start": "2024-01-01T10:00"}
    )
    assert UNTITLED not in archive.list_uids(TalkFilter(needs_facts=True))


def test_export_with_user_state_restores_marks_and_notes_elsewhere(
    archive: Archive, tmp_path: Path
) -> None:
    archive.set_user_state(LAWRENCE, starred=True, note="read the CSQ paper")
    archive.edit_talk(UNTITLED, {"title": "A title I found"})
    plain, mine = tmp_path / "plain.jsonl", tmp_path / "mine.jsonl"
    with plain.open("w", encoding="utf-8") as stream:
        archive.export_jsonl(stream)
    with mine.open("w", encoding="utf-8") as stream:
        archive.export_jsonl(stream, with_user_state=True)
    assert '"user"' not in plain.read_text(encoding="utf-8")
    assert '"field_provenance": {"title": "edited"}' in plain.read_text(encoding="utf-8")
    with Archive.open(tmp_path / "elsewhere", import_bundled=False) as other:
        other.import_file(plain)
        assert not other.get_talk(LAWRENCE).user.starred
        assert other.get_talk(UNTITLED).talk.title == "A title I found"  # as a source fact
        other.import_file(mine)
        restored = other.get_talk(LAWRENCE).user
        assert restored.starred and restored.note == "read the CSQ paper"
        other.import_file(mine)  # again: nothing doubles
        assert other.get_talk(LAWRENCE).user.note == "read the CSQ paper"


def test_a_local_recording_is_kept_here_and_left_out_of_exports(
    archive: Archive, tmp_path: Path
) -> None:
    video = tmp_path / "recordings" / "talk.mp4"
    video.parent.mkdir()
    video.write_bytes(b"\x00")
    with pytest.raises(InputError, match="recording"):
        archive.edit_talk(LAWRENCE, {"recording_url": str(video)})  # no folder chosen
    archive.edit_talk(
        LAWRENCE, {"recording_url": str(video)}, recording_folders=[str(video.parent)]
    )
    assert archive.get_talk(LAWRENCE).talk.recording_url == str(video)
    exported = tmp_path / "out.jsonl"
    with exported.open("w", encoding="utf-8") as stream:
        archive.export_jsonl(stream)
    assert str(video) not in exported.read_text(encoding="utf-8")
    with Archive.open(tmp_path / "elsewhere", import_bundled=False) as other:
        assert other.import_file(exported).added == 221
