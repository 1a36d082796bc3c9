"""One version, from pyproject.toml, everywhere it is shown: the package, the AppStream release,
the changelog; the desktop metadata names what the app opens."""

from __future__ import annotations

import configparser
import re
import tomllib
import xml.etree.ElementTree as ElementTree

import pytest

import desktop_app
from desktop_app.cli import main
from tests.helpers.files import REPO

PACKAGING = REPO / "packaging"
METAINFO = PACKAGING / "io.github.seminar_archive.metainfo.xml"


def pyproject_version() -> str:
    with (REPO / "pyproject.toml").open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def test_package_version_is_the_pyproject_version() -> None:
    assert desktop_app.__version__ == pyproject_version()


def test_version_option_prints_the_pyproject_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_status:
        main(["--version"])
    assert exit_status.value.code == 0
    assert capsys.readouterr().out == f"seminar-archive {pyproject_version()}\n"


def test_newest_appstream_release_is_the_pyproject_version() -> None:
    releases = ElementTree.parse(METAINFO).getroot().findall("releases/release")
    assert releases[0].get("version") == pyproject_version()
    assert releases[0].find("description") is not None


def test_changelog_newest_release_is_the_pyproject_version_on_the_appstream_date() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.findall(r"^## \[(\d[^\]]*)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.MULTILINE)[0]
    release = ElementTree.parse(METAINFO).getroot().find("releases/release")
    assert release is not None
    assert newest == (pyproject_version(), release.get("date"))


def test_appstream_screenshots_are_the_committed_screenshots() -> None:
    images = [image.text or "" for image in ElementTree.parse(METAINFO).getroot().iter("image")]
    assert images
    for url in images:
        assert url.startswith("https://raw.githubusercontent.com/")
        relative = url.split("/main/", 1)[1]
        assert (REPO / relative).is_file(), relative


def test_desktop_entry_opens_calendars_and_exchange_files_with_gui() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys keep their case
    entry.read(PACKAGING / "seminar-archive.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "seminar-archive gui %F"
    assert section["MimeType"].split(";")[:2] == [
        "text/calendar",
        "application/x-seminar-archive+jsonl",
    ]
    mime = ElementTree.parse(PACKAGING / "seminar-archive-mime.xml").getroot()
    namespace = "{http://www.freedesktop.org/standards/shared-mime-info}"
    declared = mime.find(f"{namespace}mime-type")
    assert declared is not None
    assert declared.get("type") == "application/x-seminar-archive+jsonl"
    assert declared.find(f"{namespace}glob") is None  # known by content, see packaging/README.md
