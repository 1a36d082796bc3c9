"""`make install-desktop` / `make uninstall-desktop` for a user whose home and data folder are
temporary: what is installed, what the desktop then knows, and that nothing is left behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.desktop import listing, make, png_size, write_calendar
from tests.helpers.files import BUNDLED_ARCHIVE, REPO

pytestmark = pytest.mark.e2e

OUR_TYPE = "application/x-seminar-archive+jsonl"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
TOOLS = ("update-desktop-database", "update-mime-database", "desktop-file-validate")
OTHER_APP_MIME = """<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/x-other-app">
    <comment>Another app's files</comment>
    <glob pattern="*.other"/>
  </mime-type>
</mime-info>
"""
OTHER_APP_DESKTOP = """[Desktop Entry]
Type=Application
Name=Other App
Exec=other-app %F
MimeType=application/x-other-app;
"""


@pytest.fixture
def user(tmp_path: Path) -> tuple[Path, Path]:
    """A home and a data folder that already hold another app's launcher, MIME type, icon and
    command, with the caches the system's tools made for them."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    assert not missing, f"{missing}: `make check-desktop` installs them (desktop-file-utils, ...)"
    home, data = tmp_path / "home", tmp_path / "data"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "other-tool").write_text("#!/bin/sh\n")
    (data / "applications").mkdir(parents=True)
    (data / "applications" / "other-app.desktop").write_text(OTHER_APP_DESKTOP)
    (data / "mime" / "packages").mkdir(parents=True)
    (data / "mime" / "packages" / "other-app.xml").write_text(OTHER_APP_MIME)
    (data / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    shutil.copyfile(
        REPO / "resources" / "icons" / "star.svg",
        data / "icons" / "hicolor" / "48x48" / "apps" / "other-app.svg",
    )
    subprocess.run(["update-desktop-database", "-q", str(data / "applications")], check=True)
    subprocess.run(["update-mime-database", str(data / "mime")], check=True, capture_output=True)
    return home, data


def install(tmp_path: Path, home: Path, data: Path) -> str:
    return make("install-desktop", home, data, f"ICONS={tmp_path / 'icons'}", "BUNDLE=")


def test_uninstall_removes_every_file_the_install_wrote(
    tmp_path: Path, user: tuple[Path, Path]
) -> None:
    home, data = user
    (data / "metainfo").mkdir()  # empty folders of the user's own: they stay
    (data / "icons" / "hicolor" / "64x64" / "apps").mkdir(parents=True)
    before = listing(home, data)
    install(tmp_path, home, data)
    during = listing(home, data)
    added = sorted(str(Path(p).relative_to(data)) for p in set(during) - set(before))
    print("installed:", *added, sep="\n  ")
    assert "applications/seminar-archive.desktop" in added
    assert "metainfo/io.github.seminar_archive.metainfo.xml" in added
    assert "mime/packages/seminar-archive.xml" in added
    assert "icons/hicolor/scalable/apps/seminar-archive.svg" in added
    for size in ICON_SIZES:
        assert f"icons/hicolor/{size}x{size}/apps/seminar-archive.png" in added

    make("uninstall-desktop", home, data)
    after = listing(home, data)
    print("left after uninstall:", *sorted(set(after) - set(before)) or ["nothing"], sep="\n  ")
    assert sorted(after) == sorted(before)
    assert after == before  # the other app's files and the caches are as they were


def test_installed_icons_are_the_svg_drawn_at_each_size(
    tmp_path: Path, user: tuple[Path, Path]
) -> None:
    home, data = user
    install(tmp_path, home, data)
    for size in ICON_SIZES:
        assert png_size(data / f"icons/hicolor/{size}x{size}/apps/seminar-archive.png") == (
            size,
            size,
        )


def test_app_is_offered_for_calendars_and_exchange_files_and_made_default_of_nothing(
    tmp_path: Path, user: tuple[Path, Path]
) -> None:
    home, data = user
    install(tmp_path, home, data)
    entry = data / "applications" / "seminar-archive.desktop"
    subprocess.run(["desktop-file-validate", str(entry)], check=True)
    exec_line = next(line for line in entry.read_text().splitlines() if line.startswith("Exec="))
    assert exec_line == f'Exec="{REPO / ".venv" / "bin" / "seminar-archive"}" gui %F'
    cache = (data / "applications" / "mimeinfo.cache").read_text()
    assert "text/calendar=seminar-archive.desktop;" in cache
    assert f"{OUR_TYPE}=seminar-archive.desktop;" in cache
    assert not [p for p in [*home.rglob("*"), *data.rglob("*")] if p.name == "mimeapps.list"]


def test_exchange_files_are_known_by_their_header_and_other_json_lines_are_not(
    tmp_path: Path, user: tuple[Path, Path]
) -> None:
    home, data = user
    install(tmp_path, home, data)
    exchange = tmp_path / "my-talks.jsonl"
    exchange.write_text("".join(BUNDLED_ARCHIVE.read_text().splitlines(keepends=True)[:3]))
    other = tmp_path / "events.jsonl"
    other.write_text('{"kind": "talk", "id": 1}\n{"kind": "talk", "id": 2}\n')
    calendar = write_calendar(tmp_path / "seminar.ics", events=1)
    probe = (
        "import sys\n"
        "from PySide6.QtCore import QMimeDatabase\n"
        "database = QMimeDatabase()\n"
        "for name in sys.argv[1:]:\n"
        "    print(database.mimeTypeForFile(name).name())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(exchange), str(other), str(calendar)],
        env={**os.environ, "XDG_DATA_HOME": str(data), "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    exchange_type, other_type, calendar_type = result.stdout.split()
    assert exchange_type == OUR_TYPE
    assert other_type != OUR_TYPE
    assert calendar_type == "text/calendar"
