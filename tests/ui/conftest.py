"""GUI test fixtures: QSettings in a temporary folder, a main window on a real archive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.core.settings import AppConfig
from desktop_app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def open_window(
    qtbot: QtBot, archive: Archive, config: AppConfig | None = None, search: bool = True
) -> MainWindow:
    """A shown main window whose first list has arrived."""
    window = MainWindow(archive, config, open_search=search)
    qtbot.addWidget(window)
    with qtbot.waitSignals([window.list_updated, window.counts_updated], timeout=10_000):
        window.show()
    if search:
        qtbot.waitUntil(
            lambda: window.search_index is not None or window.search.error is not None,
            timeout=60_000,
        )
    return window


@pytest.fixture
def window(qtbot: QtBot, archive: Archive) -> Iterator[MainWindow]:
    """The main window on the bundled archive, with its search index open."""
    opened = open_window(qtbot, archive)
    yield opened
    opened.close()


@pytest.fixture
def archive_folder(tmp_path: Path) -> Path:
    """A folder for tests that reopen the same archive."""
    return tmp_path / "archive"
