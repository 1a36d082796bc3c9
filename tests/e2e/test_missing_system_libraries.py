"""The real program on a machine without what Qt's xcb plugin needs: exit 2 and what to install.

Qt itself would print "Could not load the Qt platform plugin" and abort (SIGABRT, core dump).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers.cli import SCRIPT
from tests.helpers.xcb_plugin import (
    ABSENT,
    SHADOWED,
    plugin_needing_an_absent_library,
    shadowing_folder,
)

pytestmark = pytest.mark.e2e
QT_ABORT = "could not load the qt platform plugin"


def start_gui(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """`seminar-archive gui` with `environ` over this environment less Qt's and the displays."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("QT_") and key not in {"DISPLAY", "WAYLAND_DISPLAY"}
    }
    env.update(environ)
    return subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "archive"), "gui", "--exit-after-first-paint"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def assert_stopped_before_qt(result: subprocess.CompletedProcess[str], tmp_path: Path) -> None:
    assert result.returncode == 2, result.stderr  # not negative: no signal, no core dump
    assert QT_ABORT not in result.stderr.lower()
    assert "first-paint-ms" not in result.stdout
    assert not (tmp_path / "archive").exists()


def test_a_broken_library_names_its_package_and_the_command(tmp_path: Path) -> None:
    # The probe runs before Qt connects to the display: any DISPLAY will do.
    result = start_gui(
        tmp_path,
        QT_QPA_PLATFORM="xcb",
        DISPLAY=":97",
        LD_LIBRARY_PATH=str(shadowing_folder(tmp_path / "shadow")),
    )
    assert_stopped_before_qt(result, tmp_path)
    assert f"{SHADOWED}: file too short" in result.stderr
    assert "[libxcb-icccm4]" in result.stderr
    install = "apt-get install libxcb-icccm4"
    assert any(line.strip().endswith(install) for line in result.stderr.splitlines())


def test_a_library_found_nowhere_is_named(tmp_path: Path) -> None:
    platforms = plugin_needing_an_absent_library(tmp_path / "qt")
    result = start_gui(tmp_path, QT_QPA_PLATFORM_PLUGIN_PATH=str(platforms), DISPLAY=":97")
    assert_stopped_before_qt(result, tmp_path)
    assert str(platforms / "libqxcb.so") in result.stderr
    assert f"{ABSENT}: not found [package unknown: apt-file search {ABSENT}]" in result.stderr


def test_no_display_says_how_to_run(tmp_path: Path) -> None:
    result = start_gui(tmp_path)
    assert_stopped_before_qt(result, tmp_path)
    assert "DISPLAY is not set" in result.stderr
    assert "xvfb-run -a seminar-archive gui" in result.stderr


def test_a_display_that_does_not_answer_is_named(tmp_path: Path) -> None:
    result = start_gui(tmp_path, DISPLAY=":77")
    assert_stopped_before_qt(result, tmp_path)
    assert "Cannot connect to the X11 display ':77'" in result.stderr


def test_other_platforms_are_not_checked(tmp_path: Path) -> None:
    # The offscreen plugin does not need the broken library: the window paints.
    result = start_gui(
        tmp_path,
        QT_QPA_PLATFORM="offscreen",
        LD_LIBRARY_PATH=str(shadowing_folder(tmp_path / "shadow")),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("first-paint-ms ")
