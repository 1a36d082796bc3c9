"""Saved searches: kept by name with their filters, listed in order, renamed, moved, removed;
exported as `saved_search` records and merged by name on import; the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.records import TalkFilter
from desktop_app.core.saved import SavedSearches, export_archive
from tests.helpers.cli import run_cli, run_json
from tests.helpers.files import talk_record, write_jsonl

# The same tests on SQLite and on the private PostgreSQL server (tests/conftest.py).
pytestmark = pytest.mark.both_databases


def test_save_list_rename_move_remove(archive: Archive) -> None:
    saved = SavedSearches(archive)
    saved.save("Transport", "optimal transport", TalkFilter(series="owml"))
    saved.save("Starred, no recording", "", TalkFilter(starred=True, has_recording=False))
    saved.save("Kernels", "kernel")
    assert [s.name for s in saved.all()] == ["Transport", "Starred, no recording", "Kernels"]
    assert saved.get("Transport").talk_filter == TalkFilter(series="owml")
    saved.save("Transport", "optimal transport OR wasserstein")  # same name: changed
    assert saved.get("Transport").query == "optimal transport OR wasserstein"
    assert saved.get("Transport").filters == {}
    saved.move("Kernels", 0)
    assert saved.all()[0].name == "Kernels"
    saved.rename("Kernels", "Kernel methods")
    with pytest.raises(InputError, match="already named"):
        saved.rename("Kernel methods", "Transport")
    saved.remove("Kernel methods")
    with pytest.raises(NotFoundError, match="Transport"):
        saved.get("Kernel methods")
    assert [s.name for s in saved.all()] == ["Transport", "Starred, no recording"]


def test_saved_searches_travel_in_export_and_survive_reimports(
    archive: Archive, tmp_path: Path
) -> None:
    SavedSearches(archive).save("Transport", "optimal transport", TalkFilter(year=2021))
    exported = tmp_path / "out.jsonl"
    with exported.open("w", encoding="utf-8") as stream:
        export_archive(archive, stream)
    records = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    assert {
        "kind": "saved_search",
        "name": "Transport",
        "query": "optimal transport",
        "filters": {"year": 2021},
    } in records
    archive.import_bundled()  # a file without saved searches deletes none
    assert [s.name for s in SavedSearches(archive).all()] == ["Transport"]
    with Archive.open(tmp_path / "empty", import_bundled=False) as other:
        other.import_file(exported)
        assert SavedSearches(other).get("Transport").talk_filter == TalkFilter(year=2021)
        other.import_file(write_jsonl(tmp_path / "more.jsonl", [talk_record("talk-x")]))
        assert [s.name for s in SavedSearches(other).all()] == ["Transport"]


def test_a_bad_saved_search_record_is_refused_with_its_line(
    archive: Archive, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"kind": "archive", "format": "seminar-archive", "version": 1}\n'
        '{"kind": "saved_search", "name": "", "query": "x"}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        archive.import_file(bad)
    assert "bad.jsonl:2" in str(refused.value)


def test_cli_saved_commands(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    result = run_cli(folder, "search", "optimal transport", "--save", "Transport")
    assert result.returncode == 0, result.stderr
    assert run_cli(folder, "search", "kernel", "--series", "owml", "--save", "K").returncode == 0
    listed = run_json(folder, "saved")
    assert [(s["name"], s["query"], s["filters"]) for s in listed] == [
        ("Transport", "optimal transport", {}),
        ("K", "kernel", {"series": "owml"}),
    ]
    assert listed[0]["count"] == run_json(folder, "search", "optimal transport")["total"]
    ran = run_json(folder, "saved", "run", "Transport")
    assert ran["total"] == listed[0]["count"] and ran["hits"]
    assert run_cli(folder, "saved", "remove", "K").returncode == 0
    assert [s["name"] for s in run_json(folder, "saved")] == ["Transport"]
    unknown = run_cli(folder, "saved", "run", "Nope")
    assert unknown.returncode == 2 and "no saved search named 'Nope'" in unknown.stderr
    assert run_cli(folder, "saved", "remove", "Nope").returncode == 2
    unparsable = run_cli(folder, "search", "the of and", "--save", "Empty")
    assert unparsable.returncode == 2 and "query" in unparsable.stderr
