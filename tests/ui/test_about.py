"""Help → About: the app's version, the data folder, and the versions of the libraries under it."""

from __future__ import annotations

import sqlite3
from importlib import metadata

import PySide6
import sqlalchemy
import whoosh
from PySide6.QtCore import QTimer, qVersion
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app import __version__
from desktop_app.core.archive import Archive
from desktop_app.ui.actions import ActionId
from tests.ui.conftest import open_window


def about_text(qtbot: QtBot, archive: Archive) -> str:
    """The About box's text, read while it is open, then the box closed."""
    window = open_window(qtbot, archive, search=False)
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    window.actions_by_id[ActionId.ABOUT].trigger()  # Help → About
    assert shown, "the About box did not open"
    return shown[0]


def test_about_names_the_version_and_the_data_folder(qtbot: QtBot, archive: Archive) -> None:
    text = about_text(qtbot, archive)
    assert f"Seminar Archive {__version__}" in text
    assert str(archive.folder) in text


def test_about_lists_the_versions_of_qt_and_the_libraries(qtbot: QtBot, archive: Archive) -> None:
    text = about_text(qtbot, archive)
    for name, version in {
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "SQLite": sqlite3.sqlite_version,
        "SQLAlchemy": sqlalchemy.__version__,
        "Whoosh": whoosh.versionstring(),
        "tantivy": metadata.version("tantivy"),
    }.items():
        assert f"<td>{name}&nbsp;&nbsp;</td><td>{version}</td>" in text
