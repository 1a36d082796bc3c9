"""`seminar-archive gui FILE…` (what the desktop's Open With runs) imports the files into the
window's archive and shows the usual summary; the real program, offscreen."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import SCRIPT, run_json
from tests.helpers.desktop import write_calendar
from tests.helpers.files import talk_record, write_jsonl

pytestmark = pytest.mark.e2e


def open_with_gui(data_dir: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    """Start the window with FILEs; it exits once they are imported (--exit-after-first-paint)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SEMINAR_ARCHIVE_HOME", None)
    return subprocess.run(
        [str(SCRIPT), "--data-dir", str(data_dir), "gui", "--exit-after-first-paint"]
        + [str(file) for file in files],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def summary(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith("import-summary ")]
    assert len(lines) == 1, result.stdout
    return lines[0].removeprefix("import-summary ")


def test_gui_with_a_calendar_file_imports_its_events(tmp_path: Path) -> None:
    data_dir = tmp_path / "archive"
    before = len(run_json(data_dir, "list"))
    calendar = write_calendar(tmp_path / "seminar.ics", events=3)
    result = open_with_gui(data_dir, calendar)
    assert summary(result) == "Import: 3 added, 0 updated, 0 unchanged, 0 rejected"
    assert len(run_json(data_dir, "list")) == before + 3


def test_gui_with_an_exchange_file_imports_its_talk_and_again_changes_nothing(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "archive"
    exchange = write_jsonl(tmp_path / "talks.jsonl", [talk_record("talk-opened-from-files")])
    assert summary(open_with_gui(data_dir, exchange)).startswith("Import: 1 added, 0 updated")
    assert run_json(data_dir, "show", "talk-opened-from-files")["title"] == (
        "Talk talk-opened-from-files"
    )
    assert summary(open_with_gui(data_dir, exchange)).startswith(
        "Import: 0 added, 0 updated, 1 unchanged"
    )


def test_gui_with_a_relative_path_imports_from_the_current_folder(tmp_path: Path) -> None:
    exchange = write_jsonl(tmp_path / "talks.jsonl", [talk_record("talk-relative-path")])
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [str(SCRIPT), "--data-dir", "archive", "gui", "--exit-after-first-paint", exchange.name],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert summary(result).startswith("Import: 1 added")
