"""File → Back up… and Restore…, and the daily backup at start: the window's side of
`desktop_app.core.backups` (the copies are made in the background)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from desktop_app.core.errors import ArchiveError, DamagedArchiveError
from desktop_app.core.paths import BACKUP_FOLDER
from desktop_app.ui.actions import ActionId

if TYPE_CHECKING:
    from types import ModuleType

    from desktop_app.core.backups import RestoreReport
    from desktop_app.ui.main_window import MainWindow

BACKUP_FILTER = "Seminar Archive backups (*.sqlite3);;All files (*)"
STATUS_MS = 10_000


def _backups() -> ModuleType:
    """The backups module, imported by the worker that needs it: it imports SQLAlchemy,
    which the window's first paint must not wait for."""
    from desktop_app.core import backups

    return backups


def connect(window: MainWindow) -> None:
    """Wire File → Back up… and File → Restore… of `window`."""
    actions = window.actions_by_id
    actions[ActionId.BACK_UP].triggered.connect(lambda: back_up(window))
    actions[ActionId.RESTORE].triggered.connect(lambda: restore(window))


def back_up(window: MainWindow) -> None:
    """Ask where, then copy the database there in the write lane; say so when done."""
    if not _on_sqlite(window):
        return
    suggested = f"seminar-archive-{time.strftime('%Y-%m-%d')}.sqlite3"
    path, _ = QFileDialog.getSaveFileName(window, "Back up the archive", suggested, BACKUP_FILTER)
    if not path:
        return
    folder, target = window.archive.folder, Path(path)
    window.statusBar().showMessage(f"Backing up the archive to {target}…")

    def done(made: Path) -> None:
        size = made.stat().st_size / 1_000_000
        window.statusBar().showMessage(f"Archive backed up to {made} ({size:.1f} MB)", STATUS_MS)

    def failed(error: Exception) -> None:
        window.statusBar().clearMessage()
        _show_problem(window, "The archive could not be backed up", error)

    window.tasks.submit(
        lambda: _backups().backup_archive(folder, target), done, failed, lane="write"
    )


def restore(window: MainWindow) -> None:
    """Ask for a backup and a confirmation, restore it, and show the restored archive."""
    if not _on_sqlite(window):
        return
    folder = window.archive.folder
    path, _ = QFileDialog.getOpenFileName(
        window, "Restore the archive from a backup", str(folder / BACKUP_FOLDER), BACKUP_FILTER
    )
    if not path:
        return
    answer = QMessageBox.question(
        window,
        "Restore from a backup",
        f"Replace the archive by the backup\n{path}?\n\nThe archive as it is now is kept in "
        f"{folder / BACKUP_FOLDER} first.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    window.panel.flush_note()  # a note being typed is saved (and kept in the copy) first
    window.centralWidget().setEnabled(False)
    window.statusBar().showMessage(f"Restoring the archive from {path}…")

    def failed(error: Exception) -> None:
        window.centralWidget().setEnabled(True)
        window.statusBar().clearMessage()
        _show_problem(window, "The archive could not be restored", error)

    window.tasks.submit(
        lambda: _backups().restore_archive(folder, Path(path)),
        lambda report: reopen(window, report),
        failed,
        lane="write",
    )


def reopen(window: MainWindow, report: RestoreReport) -> None:
    """Show the restored archive in place: lists, counts and page read anew, undo history
    dropped, the search index rebuilt in the background."""
    window.undo_stack.clear()
    window.attach_archive(window.archive)  # the same database file, with the restored content
    window.pages.refresh()
    kept = f" The archive as it was is kept in {report.previous}." if report.previous else ""
    window.statusBar().showMessage(
        f"Restored {report.talks} talks from {report.source}.{kept}", STATUS_MS
    )
    index = window.search.index
    if index is None:
        return  # opened later: it finds no current index and builds one

    def rebuild() -> None:
        index.rebuild(window.search._report_progress)

    def failed(error: Exception) -> None:
        window.show_error("The search index could not be rebuilt.", str(error))

    window.tasks.submit(rebuild, lambda _result: window.search.updated.emit(), failed, lane="io")


def start_daily_backup(window: MainWindow) -> None:
    """At start, in the background: today's backup unless made, the oldest ones pruned."""
    folder, keep = window.archive.folder, window.config.backups_to_keep

    def done(made: Path | None) -> None:
        if made is not None:
            window.statusBar().showMessage(f"Daily backup made: {made.name}", 5000)

    def failed(error: Exception) -> None:
        window.show_error("The daily backup could not be made.", str(error))

    window.tasks.submit(lambda: _backups().daily_backup(folder, keep), done, failed, lane="io")


def _show_problem(window: MainWindow, title: str, error: Exception) -> None:
    if isinstance(error, ArchiveError):
        window.show_problem(title, error.message, detail=error.detail)
    else:
        window.show_problem(title, str(error))


def _on_sqlite(window: MainWindow) -> bool:
    """True for an archive in its SQLite file; else the user is told what to use instead."""
    if window.archive.database_url.startswith("sqlite"):
        return True
    window.show_problem(
        "Backups of a shared archive",
        "This archive is kept in a database server: back it up and restore it with the "
        "server's own tools (pg_dump, pg_restore).",
    )
    return False


def offer_restore_of_damaged(
    window: MainWindow, folder: Path, error: DamagedArchiveError, reopen: Callable[[], None]
) -> QMessageBox:
    """The archive could not be opened because its database is damaged: say so, and offer
    the newest intact backup (or another), the folder, or quitting. Nothing is written until
    the user chooses; a restore keeps the damaged file in `backups/` first."""
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("The archive is damaged")
    box.setText(error.message)
    box.setInformativeText(error.detail)
    newest = error.backup if isinstance(error.backup, Path) else None
    restore_newest = (
        box.addButton("Restore the newest backup", QMessageBox.ButtonRole.AcceptRole)
        if newest is not None
        else None
    )
    choose = box.addButton("Restore another backup…", QMessageBox.ButtonRole.ActionRole)
    show_folder = box.addButton("Show the folder", QMessageBox.ButtonRole.ActionRole)
    quit_button = box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    window.damage_dialog = box  # type: ignore[attr-defined]

    def restore_from(backup: Path) -> None:
        window.statusBar().showMessage(f"Restoring the archive from {backup}…")

        def restored(report: RestoreReport) -> None:
            kept = f"; the damaged file is kept in {report.previous}" if report.previous else ""
            window.statusBar().showMessage(
                f"Restored {report.talks} talks from {report.source}{kept}", STATUS_MS
            )
            reopen()

        def failed(problem: Exception) -> None:
            _show_problem(window, "The archive could not be restored", problem)
            box.open()

        window.tasks.submit(
            lambda: _backups().restore_archive(folder, backup), restored, failed, lane="write"
        )

    def clicked(button: object) -> None:
        if button is restore_newest and newest is not None:
            restore_from(newest)
        elif button is choose:
            path, _ = QFileDialog.getOpenFileName(
                window, "Restore from a backup", str(folder / BACKUP_FOLDER), BACKUP_FILTER
            )
            if path:
                restore_from(Path(path))
            else:
                box.open()
        elif button is show_folder:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
            box.open()
        elif button is quit_button:
            QApplication.exit(2)

    box.buttonClicked.connect(clicked)
    box.open()
    return box
