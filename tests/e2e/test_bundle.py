"""The PyInstaller bundle: its CLI and its window run from the bundle's own Python and Qt.

Slow (building takes one to two minutes): `make test-package` tests the bundle that `make package`
built in dist/ (SEMINAR_ARCHIVE_BUNDLE names it); `make test-slow` builds one in a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.desktop import listing, make, png_size, write_calendar
from tests.helpers.files import REPO, bundled_records

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZE_BUDGET_MB = 250  # 200 MB (194 MiB) on Debian 12 with PySide6 6.11 (packaging/README.md)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's folder: the one named by SEMINAR_ARCHIVE_BUNDLE, else one built now."""
    given = os.environ.get("SEMINAR_ARCHIVE_BUNDLE")
    if given:
        folder = Path(given).resolve()
    else:
        out = tmp_path_factory.mktemp("pyinstaller")
        started = time.monotonic()
        subprocess.run(
            [
                *(sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"),
                *("--distpath", str(out / "dist"), "--workpath", str(out / "build")),
                str(REPO / "packaging" / "seminar-archive.spec"),
            ],
            cwd=REPO,
            check=True,
            timeout=1800,
        )
        print(f"bundle built in {time.monotonic() - started:.0f} s")
        folder = out / "dist" / "seminar-archive"
    assert (folder / "seminar-archive").is_file(), f"no bundle in {folder} (make package)"
    return folder


def run_bundle(
    bundle: Path, data_dir: Path, *arguments: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run the bundle's executable with nothing of this virtualenv in its environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SEMINAR_ARCHIVE_HOME"}
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [str(bundle / "seminar-archive"), "--data-dir", str(data_dir), *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=data_dir.parent,
        check=False,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_bundle_size_is_within_budget(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    with capsys.disabled():
        print(f"\nbundle {bundle}: {size / 1e6:.0f} MB")
    assert size < SIZE_BUDGET_MB * 1e6


def test_bundle_version_is_the_pyproject_version(bundle: Path, tmp_path: Path) -> None:
    from desktop_app import __version__

    output = succeeded(run_bundle(bundle, tmp_path / "archive", "--version"))
    assert output == f"seminar-archive {__version__}\n"


def test_bundle_lists_the_bundled_talks(bundle: Path, tmp_path: Path) -> None:
    talks = json.loads(succeeded(run_bundle(bundle, tmp_path / "archive", "list", "--json")))
    assert len(talks) == len(bundled_records("talk"))


def test_bundle_searches(bundle: Path, tmp_path: Path) -> None:
    found = json.loads(
        succeeded(run_bundle(bundle, tmp_path / "archive", "search", "edge of stability", "--json"))
    )
    assert found["total"] >= 1
    assert found["hits"][0]["highlights"]


def test_bundle_searches_with_tantivy(bundle: Path, tmp_path: Path) -> None:
    from desktop_app.core.settings import AppConfig, save_app_config

    save_app_config(AppConfig(search_engine="tantivy"))  # the config the bundle reads
    archive = tmp_path / "archive"
    found = json.loads(
        succeeded(run_bundle(bundle, archive, "search", '"neural collapse"', "--json"))
    )
    assert found["hits"][0]["uid"] == "talk-415abfefddb4"
    [state] = (archive / "index").glob("ix-*/state.json")
    assert json.loads(state.read_text(encoding="utf-8"))["engine"].startswith("tantivy ")


def test_bundle_exports_a_calendar(bundle: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "owml.ics"
    arguments = ("export-ics", "--series", "owml", "-o", str(calendar))
    succeeded(run_bundle(bundle, tmp_path / "archive", *arguments))
    text = calendar.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert text.count("BEGIN:VEVENT") == 10


def test_bundle_window_paints(bundle: Path, tmp_path: Path) -> None:
    output = succeeded(run_bundle(bundle, tmp_path / "archive", "gui", "--exit-after-first-paint"))
    assert "first-paint-ms" in output
    assert "talks-shown-ms" in output


def test_bundle_window_imports_a_file_it_is_given(bundle: Path, tmp_path: Path) -> None:
    calendar = write_calendar(tmp_path / "seminar.ics", events=2)
    output = succeeded(
        run_bundle(bundle, tmp_path / "archive", "gui", "--exit-after-first-paint", str(calendar))
    )
    assert "import-summary Import: 2 added, 0 updated, 0 unchanged, 0 rejected" in output


def test_bundle_window_on_a_real_x_server(bundle: Path, tmp_path: Path) -> None:
    assert shutil.which("xvfb-run"), "xvfb-run is installed by `make test` (system-deps)"
    shot = tmp_path / "window.png"
    env = {k: v for k, v in os.environ.items() if k not in {"QT_QPA_PLATFORM", "VIRTUAL_ENV"}}
    result = subprocess.run(
        [
            *("xvfb-run", "-a", "-s", "-screen 0 1280x800x24"),
            str(bundle / "seminar-archive"),
            *("--data-dir", str(tmp_path / "archive"), "gui", "--query", "symmetries"),
            *("--screenshot", str(shot)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert png_size(shot) == (1280, 800)


def test_bundle_installs_for_the_user_and_uninstalls_without_a_trace(
    bundle: Path, tmp_path: Path
) -> None:
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    data.mkdir()
    make("install-desktop", home, data, f"ICONS={tmp_path / 'icons'}", f"BUNDLE={bundle}")
    launcher = home / ".local" / "bin" / "seminar-archive"
    installed = home / ".local" / "lib" / "seminar-archive" / "seminar-archive"
    assert os.readlink(launcher) == str(installed)
    version = subprocess.run(
        [str(launcher), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert version.stdout.startswith("seminar-archive ")
    entry = (data / "applications" / "seminar-archive.desktop").read_text()
    assert f'Exec="{installed}" gui %F' in entry
    make("uninstall-desktop", home, data)
    assert listing(home, data) == {}


def test_windows_and_macos_icons_carry_every_size() -> None:
    from PIL import Image

    ico = Image.open(REPO / "build" / "icons" / "seminar-archive.ico")
    assert ico.info["sizes"] >= {(16, 16), (32, 32), (48, 48), (256, 256)}
    icns = Image.open(REPO / "build" / "icons" / "seminar-archive.icns")
    assert {size[:2] for size in icns.info["sizes"]} >= {(16, 16), (128, 128), (512, 512)}
