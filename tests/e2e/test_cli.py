"""The command line through its real entry point, in subprocesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import SCRIPT, run_cli, run_json
from tests.helpers.files import BUNDLED_ARCHIVE, bundled_records, talk_record, write_jsonl

pytestmark = pytest.mark.e2e
TALK_KEYS = {"uid", "title", "display_title", "speakers", "series", "start", "timezone"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One archive folder for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("cli") / "archive"
    assert run_cli(folder, "stats").returncode == 0
    return folder


def test_entry_point_is_installed() -> None:
    assert SCRIPT.is_file()


def test_list_json_lists_every_bundled_talk(data_dir: Path) -> None:
    talks = run_json(data_dir, "list")
    assert len(talks) == len(bundled_records("talk"))
    assert all(set(talk) >= TALK_KEYS for talk in talks)


def test_list_json_gives_starts_with_their_utc_offset(data_dir: Path) -> None:
    talks = {t["uid"]: t for t in run_json(data_dir, "list", "--series", "owml")}
    assert talks["talk-6b047156a771"]["start"] == "2024-05-29T12:00:00-04:00"


def test_list_filters_and_limits(data_dir: Path) -> None:
    assert len(run_json(data_dir, "list", "--series", "owml")) == 10
    assert len(run_json(data_dir, "list", "--limit", "5")) == 5
    assert [t["uid"] for t in run_json(data_dir, "list", "--speaker", "Lawrence")] == [
        "talk-6b047156a771"
    ]
    assert {t["start"][:4] for t in run_json(data_dir, "list", "--year", "2021")} == {"2021"}


def test_show_prints_abstract_speaker_date_and_links(data_dir: Path) -> None:
    result = run_cli(data_dir, "show", "talk-3e05ccdb3884")
    assert result.returncode == 0
    assert "Optimistic Sample Size Estimate" in result.stdout
    assert "Yaoyu Zhang" in result.stdout
    assert "2024" in result.stdout
    assert "Abstract:" in result.stdout
    assert "https://" in result.stdout


def test_show_says_unknown_for_missing_speaker_and_date(data_dir: Path) -> None:
    untitled = next(t for t in run_json(data_dir, "list") if not t["speakers"] and not t["start"])
    result = run_cli(data_dir, "show", untitled["uid"])
    assert "Speaker:   unknown" in result.stdout
    assert "Date:      unknown" in result.stdout
    assert "(untitled)" in result.stdout


def test_show_says_where_the_facts_come_from_in_words(data_dir: Path) -> None:
    result = run_cli(data_dir, "show", "talk-3b4402e0c5f0")
    facts = result.stdout.split("Where the facts come from:")[1]
    assert "Source: the page of past seminars" in facts
    assert "seed" not in facts.lower() and "None" not in facts and "[]" not in facts
    assert "    https://www.scholarfeed.org/paper/2303.14269v2\n" in facts  # a link, whole
    assert "strong-indirect" not in facts


def test_show_json_carries_the_users_state_and_provenance(data_dir: Path) -> None:
    talk = run_json(data_dir, "show", "talk-6b047156a771")
    assert talk["user"] == {"starred": False, "watched": False, "note": "", "last_opened": None}
    assert talk["provenance"]["source"]
    assert talk["abstract"].startswith("We study")


def test_show_of_an_unknown_uid_exits_2(data_dir: Path) -> None:
    result = run_cli(data_dir, "show", "talk-nope")
    assert result.returncode == 2
    assert "talk-nope" in result.stderr


def test_stats_json_counts_the_archive(data_dir: Path) -> None:
    stats = run_json(data_dir, "stats")
    assert stats["talks"] == 221
    assert stats["per_series"]["owml"] == 10


@pytest.mark.parametrize(
    "command",
    [
        "import",
        "export",
        "list",
        "show",
        "stats",
        "star",
        "unstar",
        "watched",
        "unwatched",
        "note",
        "gui",
        "open",
        "search",
        "reindex",
        "check",
        "export-ics",
    ],
)
def test_every_command_has_help(command: str, tmp_path: Path) -> None:
    result = run_cli(tmp_path, command, "--help")
    assert result.returncode == 0
    assert "usage:" in result.stdout


def test_importing_the_same_file_twice_adds_nothing_and_keeps_notes(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    path = write_jsonl(tmp_path / "new.jsonl", [talk_record("cli-1"), talk_record("cli-2")])
    first = run_json(folder, "import", str(path))
    assert (first["added"], first["unchanged"]) == (2, 0)
    assert run_cli(folder, "note", "cli-1", "remember this").returncode == 0
    assert run_cli(folder, "star", "cli-1").returncode == 0
    second = run_json(folder, "import", str(path), str(BUNDLED_ARCHIVE))
    assert second == {"added": 0, "updated": 0, "unchanged": 223, "rejected": 0, "problems": []}
    shown = run_json(folder, "show", "cli-1")
    assert shown["user"]["note"] == "remember this"
    assert shown["starred"] is True


def test_marks_change_and_undo(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    uid = "talk-6b047156a771"
    assert run_cli(folder, "watched", uid).returncode == 0
    assert run_json(folder, "show", uid)["watched"] is True
    assert run_cli(folder, "unwatched", uid).returncode == 0
    assert run_json(folder, "show", uid)["watched"] is False
    assert run_cli(folder, "star", uid, "talk-nope").returncode == 2
    assert run_json(folder, "show", uid)["starred"] is False


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b'{"kind": "archive", "format": "seminar-archive", "version": 1}\n'
            b'{"kind": "talk", "uid"',
            ":2",
        ),
        (b'{"kind": "talk", "uid": 5, "series": "owml"}\n', ":1 field 'uid'"),
        (b'{"kind": "talk", "uid": "x", "series": "owml", "venue": "here"}\n', "field 'venue'"),
        (b'{"kind": "talk", "uid": "x", "series": "owml", "title": "\xff"}\n', ":1: not UTF-8"),
        (b"", "empty"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(
    content: bytes, expected: str, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    before = tmp_path / "before.jsonl"
    after = tmp_path / "after.jsonl"
    assert run_cli(folder, "export", "-o", str(before)).returncode == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    result = run_cli(folder, "import", str(bad))
    assert result.returncode == 2
    assert str(bad) in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli(folder, "export", "-o", str(after)).returncode == 0
    assert after.read_bytes() == before.read_bytes()


def test_importing_a_folder_exits_2(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "archive", "import", str(tmp_path))
    assert result.returncode == 2
    assert "is a folder" in result.stderr


def test_export_writes_the_exchange_format(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    assert run_cli(data_dir, "export", "-o", str(target)).returncode == 0
    assert target.read_bytes() == BUNDLED_ARCHIVE.read_bytes()


def test_export_to_stdout(data_dir: Path) -> None:
    result = run_cli(data_dir, "export", "-o", "-")
    assert result.stdout == BUNDLED_ARCHIVE.read_text(encoding="utf-8")


def test_unknown_command_exits_2(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "frobnicate").returncode == 2


def test_open_prints_the_recording_link(data_dir: Path) -> None:
    result = run_cli(data_dir, "open", "talk-3e05ccdb3884", "--print")
    assert result.returncode == 0
    assert result.stdout.strip().startswith("https://")


def test_open_without_a_recording_exits_2(data_dir: Path) -> None:
    result = run_cli(data_dir, "open", "talk-6b047156a771", "--print")
    assert result.returncode == 2
    assert "no recording" in result.stderr
