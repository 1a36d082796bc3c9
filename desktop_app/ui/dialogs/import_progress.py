"""Imports in the background, with a progress bar, cancel, and a summary at the end."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWidgets import QMessageBox

from desktop_app.core.errors import ArchiveError, ImportCancelledError
from desktop_app.core.records import ImportReport

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow


IMPORTABLE_SUFFIXES = {".jsonl", ".ndjson", ".json", ".ics", ".ical", ".ifb"}


def importable_paths(urls: list[QUrl]) -> list[Path]:
    """The local files among dropped `urls` that an import can read (by their suffix)."""
    return [
        Path(u.toLocalFile())
        for u in urls
        if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in IMPORTABLE_SUFFIXES
    ]


class _Progress(QObject):
    """Carries progress from the worker to the GUI thread."""

    advanced = Signal(int, int, str)


def run_import(window: MainWindow, paths: list[Path]) -> None:
    """Import `paths` one file (one transaction) at a time; Cancel rolls back the current file."""
    cancel = threading.Event()
    window._import_cancel = cancel
    relay = _Progress(window)
    # Progress and Cancel live in the status bar: a progress window appearing mid-import
    # held the GUI thread for a quarter of a second while it was first shown.
    stop = window.cancel_import
    stop.clicked.connect(cancel.set)
    stop.show()
    window.progress.setRange(0, 100)
    window.progress.show()
    window.statusBar().showMessage("Importing…")

    def show_progress(done: int, total: int, name: str) -> None:
        percent = int(100 * done / total) if total else 0
        window.statusBar().showMessage(f"Importing {name}… {done} of {total} talks")
        window.progress.setValue(percent)

    relay.advanced.connect(show_progress)

    def run() -> tuple[ImportReport, list[str]]:
        total = ImportReport()
        refused: list[str] = []
        for path in paths:
            if cancel.is_set():
                break

            def progress(done: int, count: int, name: str = path.name) -> None:
                if cancel.is_set():
                    raise ImportCancelledError(
                        "the import was cancelled; this file was not imported"
                    )
                relay.advanced.emit(done, count, name)

            try:
                total = total + window.archive.import_file(path, progress=progress)
            except ImportCancelledError:
                refused.append(f"{path.name}: cancelled, nothing imported from it")
                break
            except ArchiveError as error:
                refused.append(f"{error.message}\n{error.detail}".strip())
        return total, refused

    def finish(outcome: Any) -> None:
        window._import_cancel = None
        stop.clicked.disconnect(cancel.set)
        stop.hide()
        window.statusBar().clearMessage()
        window.progress.hide()
        relay.deleteLater()
        window.model.forget_rows()  # imported talks may have changed
        window.refresh_list()
        window.import_finished.emit(outcome)
        if isinstance(outcome, Exception):
            window.show_error("The import failed.", str(outcome))
            return
        report, refused = outcome
        summary = (
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.rejected} rejected"
        )
        window.statusBar().showMessage(f"Import: {summary}", 10_000)
        details = [f"{p.where}: {p.message}" for p in report.problems] + refused
        if details and not window.property("quiet_imports"):
            box = QMessageBox(
                QMessageBox.Icon.Information, "Import finished", summary, parent=window
            )
            box.setDetailedText("\n".join(details))
            box.setModal(False)
            box.show()

    window.tasks.submit(run, finish, finish, lane="write")
