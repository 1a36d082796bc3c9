"""What the user does to talks: star and watched marks (undoable), opening links and
recordings, copying a link, exporting the archive. The work is in the core."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QUndoCommand
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.records import FacetCounts
from desktop_app.core.urls import check_url

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow


class MarkCommand(QUndoCommand):
    """An undoable change of a mark (star or watched) on some talks."""

    def __init__(
        self, window: MainWindow, uids: list[str], field: str, value: bool, before: dict[str, bool]
    ) -> None:
        super().__init__(
            f"{'Mark' if value else 'Unmark'} {field} ({len(uids)} talk{'s' * (len(uids) != 1)})"
        )
        self._window, self._uids, self._field, self._value, self._before = (
            window,
            uids,
            field,
            value,
            before,
        )

    def redo(self) -> None:
        apply_marks(self._window, {uid: self._value for uid in self._uids}, self._field)

    def undo(self) -> None:
        apply_marks(self._window, self._before, self._field)


def toggle_mark(window: MainWindow, field: str) -> None:
    """Flip star or watched on the selected talks (all on, unless all were on)."""
    uids = window.selected_uids()
    if not uids:
        return
    rows = window.archive.rows_for(uids)
    all_on = all(getattr(r, field) for r in rows)
    set_marks(window, field, not all_on, uids)


def set_marks(window: MainWindow, field: str, value: bool, uids: list[str] | None = None) -> None:
    """Set a mark on talks (the selection by default), undoably."""
    uids = uids or ([window.current_uid] if window.current_uid else [])
    if not uids:
        return
    before = {r.uid: getattr(r, field) for r in window.archive.rows_for(uids)}
    window.undo_stack.push(MarkCommand(window, uids, field, value, before))


def apply_marks(window: MainWindow, values: dict[str, bool], field: str) -> None:
    """Write marks now (called by the undo stack)."""
    for uid, value in values.items():
        window.archive.set_user_state(uid, **{field: value})
    window.model.refresh(values)
    if window.current_uid in values:
        window.pages.show_talk(window.current_uid)
    window.tasks.submit(
        lambda: window.archive.facet_counts(window.sidebar.current_filter()),
        lambda counts: _refresh_counts(window, counts),
    )


def _refresh_counts(window: MainWindow, counts: FacetCounts) -> None:
    if not window.search_field.text().strip():
        window.sidebar.show_counts(counts)


def open_url(window: MainWindow, url: str) -> bool:
    """Open a link by the URL policy; refused links are explained."""
    decision = check_url(url, window.config.recording_folders)
    if not decision.allowed:
        window.show_error("This link was not opened.", decision.reason)
        return False
    target = (
        QUrl.fromLocalFile(str(decision.path))
        if decision.kind == "file" and decision.path
        else QUrl(url)
    )
    if not QDesktopServices.openUrl(target):
        window.show_error("No application could open this link.", url)
        return False
    return True


def open_recording(window: MainWindow) -> None:
    """Open the current talk's recording and mark it watched (undo with Ctrl+Z)."""
    uid = window.current_uid or (window.selected_uids() or [None])[0]
    if uid is None:
        return
    detail = window.archive.get_talk(uid)
    url = detail.talk.recording_url
    if not url:
        window.statusBar().showMessage("No recording of this talk is known.", 4000)
        return
    if open_url(window, url) and not detail.user.watched:
        set_marks(window, "watched", True, [uid])
        window.statusBar().showMessage(
            "Opened the recording and marked the talk watched (Ctrl+Z to undo)", 6000
        )


def copy_link(window: MainWindow) -> None:
    """Copy the recording link, else the first link, else the talk's uid."""
    if not window.current_uid:
        return
    talk = window.archive.get_talk(window.current_uid).talk
    text = talk.recording_url or (talk.links[0].url if talk.links else talk.uid)
    QGuiApplication.clipboard().setText(text)
    window.statusBar().showMessage(f"Copied {text}", 3000)


def export_archive(window: MainWindow) -> None:
    """Write the whole archive in the exchange format."""
    path, _ = QFileDialog.getSaveFileName(
        window, "Export archive", "seminar-archive.jsonl", "JSON Lines (*.jsonl)"
    )
    if not path:
        return

    def run() -> int:
        temporary = Path(path + ".part")
        with temporary.open("w", encoding="utf-8", newline="\n") as stream:
            count = window.archive.export_jsonl(stream)
        temporary.replace(path)
        return count

    window.tasks.submit(
        run,
        lambda n: window.statusBar().showMessage(f"{n} talks written to {path}", 6000),
        lambda error: window.show_error("The archive could not be exported.", str(error)),
    )
