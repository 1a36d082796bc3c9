"""File → Back up… and Restore…, the daily backup at start, and its preference."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.core.backups import backup_archive, daily_backups
from desktop_app.core.settings import AppConfig
from desktop_app.core.sqlite_files import check_archive_database
from desktop_app.ui.actions import MENUS, ActionId
from desktop_app.ui.backup_actions import start_daily_backup
from desktop_app.ui.dialogs.preferences import PreferencesDialog
from desktop_app.ui.main_window import MainWindow
from tests.ui.conftest import open_window

LAWRENCE = "talk-6b047156a771"
BUNDLED_TALKS = 221


def test_back_up_and_restore_are_in_the_file_menu() -> None:
    file_menu = dict(MENUS)["&File"]
    assert ActionId.BACK_UP in file_menu and ActionId.RESTORE in file_menu


def test_file_back_up_writes_an_intact_copy_in_the_background(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.archive.set_user_state(LAWRENCE, starred=True, note="in the backup")
    target = tmp_path / "my backup.sqlite3"
    # The save dialog needs a person; the path it would return is given here.
    monkeypatch.setattr(
        "desktop_app.ui.backup_actions.QFileDialog.getSaveFileName",
        lambda *_args: (str(target), "Seminar Archive backups (*.sqlite3)"),
    )
    window.actions_by_id[ActionId.BACK_UP].trigger()
    qtbot.waitUntil(lambda: "backed up to" in window.statusBar().currentMessage(), timeout=10_000)
    assert str(target) in window.statusBar().currentMessage()
    assert check_archive_database(target).talks == BUNDLED_TALKS  # integrity checked too
    copy = sqlite3.connect(target)
    note = copy.execute("SELECT note FROM user_state WHERE uid = ?", (LAWRENCE,)).fetchone()
    copy.close()
    assert note == ("in the backup",)


def test_file_restore_brings_back_a_deleted_note_in_place(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.archive.set_user_state(LAWRENCE, note="keep me")
    backup = backup_archive(window.archive.folder, tmp_path / "backup.sqlite3")
    window.archive.set_user_state(LAWRENCE, note="")  # the note is deleted
    window.table.selectRow(window.model.row_of(LAWRENCE))
    qtbot.waitUntil(lambda: window.current_uid == LAWRENCE)
    assert window.panel.note.toPlainText() == ""
    monkeypatch.setattr(
        "desktop_app.ui.backup_actions.QFileDialog.getOpenFileName",
        lambda *_args: (str(backup), "Seminar Archive backups (*.sqlite3)"),
    )
    asked: list[str] = []

    def confirm(*args: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr("desktop_app.ui.backup_actions.QMessageBox.question", confirm)
    with qtbot.waitSignal(window.search.updated, timeout=60_000):  # the index is rebuilt
        window.actions_by_id[ActionId.RESTORE].trigger()
    assert asked and str(backup) in asked[0]
    assert "Restored 221 talks" in window.statusBar().currentMessage()
    assert window.archive.get_talk(LAWRENCE).user.note == "keep me"
    assert window.panel.note.toPlainText() == "keep me"  # the page shows it, no restart
    assert window.centralWidget().isEnabled()
    (kept,) = (window.archive.folder / "backups").glob("before-restore-*.sqlite3")
    assert str(kept) in window.statusBar().currentMessage()
    assert window.search_index.check().ok
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("hardness of learning under symmetries")
    assert window.model.row_of(LAWRENCE) == 0


def test_a_restore_declined_or_refused_changes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.archive.set_user_state(LAWRENCE, note="current")
    bad = tmp_path / "not-a-backup.sqlite3"
    bad.write_text("hello")
    monkeypatch.setattr(
        "desktop_app.ui.backup_actions.QFileDialog.getOpenFileName",
        lambda *_args: (str(bad), ""),
    )
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(
        "desktop_app.ui.backup_actions.QMessageBox.question", lambda *_args: answers.pop(0)
    )
    window.actions_by_id[ActionId.RESTORE].trigger()  # declined
    assert window.centralWidget().isEnabled() and len(answers) == 1
    window.actions_by_id[ActionId.RESTORE].trigger()  # refused: not a database
    qtbot.waitUntil(lambda: window.last_problem is not None, timeout=10_000)
    assert f"{bad}: not an SQLite database" in window.last_problem.text_shown()
    assert window.centralWidget().isEnabled()
    assert window.archive.get_talk(LAWRENCE).user.note == "current"
    assert not list((window.archive.folder / "backups").glob("before-restore-*"))


def test_the_daily_backup_at_start_is_made_once_a_day_and_pruned(
    qtbot: QtBot, archive: Archive
) -> None:
    backups = archive.folder / "backups"
    backups.mkdir()
    for day in range(1, 5):  # four older daily backups
        backup_archive(archive.folder, backups / f"daily-2020-01-0{day}.sqlite3")
    window = open_window(qtbot, archive, AppConfig(backups_to_keep=3), search=False)
    today = backups / f"daily-{date.today().isoformat()}.sqlite3"
    for _run in range(2):  # two starts on the same day
        start_daily_backup(window)
        qtbot.waitUntil(lambda: window.tasks.running == 0, timeout=10_000)
    assert [path.name for path in daily_backups(archive.folder)] == [
        "daily-2020-01-03.sqlite3",
        "daily-2020-01-04.sqlite3",
        today.name,
    ]
    assert check_archive_database(today).talks == BUNDLED_TALKS
    window.close()


def test_no_daily_backup_when_it_is_off(qtbot: QtBot, archive: Archive) -> None:
    window = open_window(qtbot, archive, AppConfig(backups_to_keep=0), search=False)
    start_daily_backup(window)
    qtbot.waitUntil(lambda: window.tasks.running == 0, timeout=10_000)
    assert daily_backups(archive.folder) == []
    window.close()


def test_preferences_set_how_many_daily_backups_are_kept(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PreferencesDialog(AppConfig(), tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.backups.value() == 7
    dialog.backups.setValue(0)
    assert dialog.backups.text() == "Off"
    assert dialog.result_config().backups_to_keep == 0
    dialog.backups.setValue(30)
    assert dialog.result_config().backups_to_keep == 30
