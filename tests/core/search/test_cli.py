"""`seminar-archive search`, `reindex` and `check`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.core.archive import Archive
from desktop_app.core.search.storage import INDEX_FOLDER, IndexFolder, write_state
from tests.helpers.files import talk_record, write_jsonl


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("cli") / "archive"
    assert main(["--data-dir", str(folder), "reindex"]) == 0
    return str(folder)


def test_search_json_carries_talk_objects_scores_and_highlights(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", data_dir, "search", "steerable", "--json", "--facets"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert set(answer) >= {"query", "total", "elapsed_ms", "suggestion", "hits", "facets"}
    hit = answer["hits"][0]
    assert hit["uid"] == "talk-2937e22795a1"
    assert {"title", "speakers", "start", "score", "highlights"} <= set(hit)
    assert "<mark>Steerable</mark>" in hit["highlights"]["title"]


def test_search_stdin_answers_one_line_per_query(
    data_dir: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("stee\nsteerable\n((\n"))
    status = main(["--data-dir", data_dir, "search", "--stdin", "--as-you-type", "--json"])
    assert status == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["stee", "steerable", "(("]
    assert all(line["elapsed_ms"] >= 0 for line in lines)
    assert lines[1]["hits"][0]["uid"] == "talk-2937e22795a1"


def test_search_text_output(data_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", data_dir, "search", "gradiant descnt"]) == 0
    assert "did you mean: gradient descent" in capsys.readouterr().err


def test_search_without_a_query_is_bad_input(
    data_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", data_dir, "search"]) == 2
    assert "QUERY" in capsys.readouterr().err


def test_check_exits_1_on_mismatch_and_repair_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "archive"
    assert main(["--data-dir", str(folder), "reindex"]) == 0
    with Archive.open(folder) as archive:
        archive.import_file(write_jsonl(tmp_path / "t.jsonl", [talk_record("talk-x")]))
        # The index claims the new generation without the talk (as after a crash between
        # its state file and its segments): not merely behind, so check cannot catch it up.
        current = IndexFolder(folder / INDEX_FOLDER).current()
        assert current is not None
        write_state(current, archive.generation())
    capsys.readouterr()
    assert main(["--data-dir", str(folder), "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["missing"] == ["talk-x"] and not report["ok"]
    assert main(["--data-dir", str(folder), "check", "--repair"]) == 0
    assert main(["--data-dir", str(folder), "check"]) == 0
    assert "agree" in capsys.readouterr().out
