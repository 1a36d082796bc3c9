"""The main window opens on an archive and shows its talks."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.ui.main_window import MainWindow


def test_main_window_opens_with_the_talks(qtbot: QtBot, archive: Archive) -> None:
    window = MainWindow(archive)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.model.rowCount() > 0
    assert "Seminar Archive" in window.windowTitle()
