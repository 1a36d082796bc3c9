"""The built wheel carries the bundled archive: installed into a fresh virtualenv, it lists it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.helpers.files import REPO, bundled_records

pytestmark = pytest.mark.e2e


def test_wheel_installed_in_a_fresh_venv_lists_the_bundled_talks(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        check=True,
        timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("seminar_archive-*.whl"))
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site_packages = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            site_packages,
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    # The dependencies come from this environment; the app itself only from the wheel.
    env = {
        **os.environ,
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("SEMINAR_ARCHIVE_HOME", None)
    result = subprocess.run(
        [
            str(python),
            "-c",
            "import desktop_app, sys; from desktop_app.cli import main; "
            "print(desktop_app.__file__, file=sys.stderr); "
            f"sys.exit(main(['--data-dir', {str(tmp_path / 'archive')!r}, 'list', '--json']))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert site_packages in result.stderr
    assert len(json.loads(result.stdout)) == len(bundled_records("talk"))
