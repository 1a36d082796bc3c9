"""The real application in a real X server (Xvfb): start, search, open a talk, screenshot."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import SCRIPT

pytestmark = pytest.mark.e2e


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_app_searches_opens_a_talk_and_saves_a_screenshot(tmp_path: Path) -> None:
    assert shutil.which("xvfb-run"), (
        "xvfb-run is installed by `make test` (packaging/install-system-deps.sh)"
    )
    shot = tmp_path / "window.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["SEMINAR_ARCHIVE_CONFIG"] = str(tmp_path / "config.toml")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    result = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            str(SCRIPT),
            "--data-dir",
            str(tmp_path / "archive"),
            "gui",
            "--query",
            "symmetries",
            "--select",
            "talk-6b047156a771",
            "--screenshot",
            str(shot),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert png_size(shot) == (1280, 800)
    assert shot.stat().st_size > 20_000


def test_first_paint_is_reported(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SEMINAR_ARCHIVE_CONFIG": str(tmp_path / "c.toml"),
    }
    result = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "archive"), "gui", "--exit-after-first-paint"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("first-paint-ms ")
    assert int(result.stdout.split()[1]) > 0
