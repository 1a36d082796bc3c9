"""One window per archive: a second launch with a file hands it to the running window and
exits; a lock left by a killed window is taken over. The real program, offscreen."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.test_open_file import open_with_gui, summary
from tests.helpers.cli import SCRIPT, run_json
from tests.helpers.desktop import write_calendar

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SEMINAR_ARCHIVE_HOME", None)
    return env


def _wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_second_launch_hands_its_file_to_the_window_and_a_stale_lock_is_taken_over(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "archive"
    first = subprocess.Popen(
        [str(SCRIPT), "--data-dir", str(data_dir), "gui"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: (data_dir / "inbox").is_dir() and (data_dir / "archive.sqlite3").exists())
        _wait_for(lambda: len(run_json(data_dir, "list")) == 221)
        calendar = write_calendar(tmp_path / "handed.ics", events=2)
        started = time.monotonic()
        second = subprocess.run(
            [str(SCRIPT), "--data-dir", str(data_dir), "gui", str(calendar)],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        assert "running window" in second.stderr
        assert time.monotonic() - started < 30
        _wait_for(lambda: len(run_json(data_dir, "list")) == 223)  # the first window imported
        assert first.poll() is None
    finally:
        os.kill(first.pid, signal.SIGKILL)  # a crash: its lock file stays behind
        first.wait(timeout=30)
    assert (data_dir / "window.lock").exists()
    third = open_with_gui(data_dir, write_calendar(tmp_path / "after.ics", events=1))
    # The stale lock was taken over: this window opened the archive and imported the file.
    assert summary(third).startswith("Import: 0 added, 1 updated")
