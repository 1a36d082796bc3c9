"""The window on a read-only archive folder (a banner, searching works, nothing writes) and
on a damaged database (the newest backup offered, the damaged file kept)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import DATABASE_FILE, Archive
from desktop_app.core.backups import backup_archive
from desktop_app.core.errors import DamagedArchiveError
from desktop_app.ui.actions import ActionId
from desktop_app.ui.archive_state_controller import WRITING_ACTIONS
from desktop_app.ui.backup_actions import offer_restore_of_damaged
from desktop_app.ui.main_window import MainWindow
from tests.helpers.mounts import read_only
from tests.ui.conftest import open_window

LAWRENCE = "talk-6b047156a771"


def test_a_read_only_folder_shows_the_banner_and_searching_works(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        archive.set_user_state(LAWRENCE, starred=True, note="written before")
    with read_only(folder), Archive.open(folder) as archive:
        window = open_window(qtbot, archive)
        assert window.banner.isVisible()
        assert "read-only" in window.banner.text.text() and str(folder) in window.banner.text.text()
        window.search_field.setText("optimal transport")
        qtbot.waitUntil(lambda: 0 < window.model.rowCount() < 50, timeout=20_000)
        window.table.selectRow(0)
        qtbot.waitUntil(lambda: window.current_uid is not None)
        for action_id in WRITING_ACTIONS:  # also after a talk was shown
            action = window.actions_by_id[action_id]
            assert not action.isEnabled(), action_id
            assert "cannot be written" in action.toolTip(), action_id
        assert window.actions_by_id[ActionId.EXPORT_ARCHIVE].isEnabled()
        assert window.actions_by_id[ActionId.COPY_LINK].isEnabled()
        assert window.panel.note.isReadOnly()
        assert not window.panel.star_button.isEnabled()
        window.import_files([tmp_path / "any.jsonl"])  # dropped on the window, say
        assert "not possible now" in (window.last_problem.text() if window.last_problem else "")
        window.close()
    with Archive.open(folder) as archive:
        assert archive.get_talk(LAWRENCE).user.note == "written before"


def test_a_damaged_archive_offers_its_newest_backup_which_brings_back_the_note(
    qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        archive.set_user_state(LAWRENCE, note="saved in the backup")
    (folder / "backups").mkdir()
    backup = backup_archive(folder, folder / "backups" / "daily-2026-12-03.sqlite3")
    database = folder / DATABASE_FILE
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(size // 2 - (size // 2) % 4096)
        handle.write(os.urandom(3 * 4096))
    damaged = database.read_bytes()
    try:
        Archive.open(folder, verify=True)
    except DamagedArchiveError as caught:
        error = caught
    assert error.backup == backup

    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    opened: list[Archive] = []

    def reopen() -> None:
        archive = Archive.open(folder, verify=True)
        opened.append(archive)
        window.attach_archive(archive)

    box = offer_restore_of_damaged(window, folder, error, reopen)
    assert box.isVisible() and "damaged" in box.text()
    assert str(backup) in box.informativeText()
    assert database.read_bytes() == damaged  # nothing written before the user chooses
    (restore,) = [
        b for b in box.findChildren(QPushButton) if b.text() == "Restore the newest backup"
    ]
    restore.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    assert opened[0].get_talk(LAWRENCE).user.note == "saved in the backup"
    (kept,) = (folder / "backups").glob("before-restore-*.sqlite3")
    assert kept.read_bytes() == damaged
    window.close()
    opened[0].close()
