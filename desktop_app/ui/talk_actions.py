"""What the user does to talks: star and watched marks (undoable), opening links and
recordings, copying a link, exporting the archive. The work is in the core."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QUndoCommand
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.urls import check_url
from desktop_app.ui.dialogs.problem import show_problem
from desktop_app.ui.wording import talks_text

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive
    from desktop_app.ui.main_window import MainWindow


class MarkCommand(QUndoCommand):
    """An undoable change of a mark (star or watched) on some talks.

    It is pushed once the first write succeeded, so its first redo does nothing; later undo and
    redo write in the background too.
    """

    def __init__(
        self, window: MainWindow, uids: list[str], field: str, value: bool, before: dict[str, bool]
    ) -> None:
        what = {"starred": ("Star", "Unstar"), "watched": ("Mark watched", "Mark not watched")}
        on, off = what.get(field, (f"Mark {field}", f"Unmark {field}"))
        count = f" ({len(uids)} talks)" if len(uids) != 1 else ""
        super().__init__(f"{on if value else off}{count}")
        self._window, self._uids, self._field = window, uids, field
        self._value, self._before = value, before
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        write_marks(self._window, {uid: self._value for uid in self._uids}, self._field)

    def undo(self) -> None:
        write_marks(self._window, self._before, self._field)


def marks_target(window: MainWindow) -> list[str]:
    """The talks S and W act on: the selection when it holds the talk shown, else that talk."""
    uids = window.selected_uids()
    current = window.current_uid
    if current is not None and current not in uids:
        return [current]
    return uids


def toggle_mark(window: MainWindow, field: str) -> None:
    """Flip star or watched on the selected talks (all on, unless all were on)."""
    uids = marks_target(window)
    if uids:
        set_marks(window, field, None, uids)


def set_marks(
    window: MainWindow, field: str, value: bool | None, uids: list[str] | None = None
) -> None:
    """Set a mark (None: flip it: on, unless it is on for every talk) on talks (the talk shown
    by default) in the background; once written, the change is undoable (a write that failed
    leaves no undo entry)."""
    uids = uids or ([window.current_uid] if window.current_uid else [])
    if not uids:
        return
    archive = window.archive

    def run() -> tuple[dict[str, bool], bool]:
        before = {r.uid: bool(getattr(r, field)) for r in archive.rows_for(uids)}
        wanted = value if value is not None else not all(before.values())
        _write_all(archive, dict.fromkeys(before, wanted), field, before)
        return before, wanted

    def done(outcome: tuple[dict[str, bool], bool]) -> None:
        before, wanted = outcome
        window.undo_stack.push(MarkCommand(window, list(before), field, wanted, before))
        marks_written(window, dict.fromkeys(before, wanted))

    def failed(error: Exception) -> None:
        mark_not_saved(window, error)
        marks_written(window, {})  # the page shows the marks as they are

    window.tasks.submit(run, done, failed, lane="write")


def write_marks(window: MainWindow, values: dict[str, bool], field: str) -> None:
    """Write marks in the background (undo and redo), then refresh what shows them."""
    archive = window.archive
    window.tasks.submit(
        lambda: _write_all(archive, values, field, None),
        lambda _result: marks_written(window, values),
        lambda error: mark_not_saved(window, error),
        lane="write",
    )


def mark_not_saved(window: MainWindow, error: Exception) -> None:
    """The star or watched mark was not written: the user must know (it shows as it was)."""
    window.show_problem(
        "Mark not saved",
        "The star or watched mark could not be written to the archive.",
        detail=str(error),
    )


def _write_all(
    archive: Archive, values: dict[str, bool], field: str, before: dict[str, bool] | None
) -> None:
    """Write every mark; when one fails, the ones written are put back (when known)."""
    written: list[str] = []
    try:
        for uid, value in values.items():
            archive.set_user_state(uid, **{field: value})
            written.append(uid)
    except Exception:
        for uid in written if before is not None else ():
            archive.set_user_state(uid, **{field: before[uid]})
        raise


def marks_written(window: MainWindow, values: dict[str, bool]) -> None:
    """After marks changed: the rows, the page, the menu's wording, the list and its counts."""
    if values:
        window.model.refresh(values)
    if window.current_uid is not None:
        window.pages.show_talk(window.current_uid)
    window.update_talk_actions()
    if values:
        window.refresh_list()  # a filter on stars or watched marks, and the counts, follow


def open_url(window: MainWindow, url: str) -> bool:
    """Open a link by the URL policy; a refused or failed link is explained in a dialog."""
    decision = check_url(url, window.config.recording_folders)
    if not decision.allowed:
        show_problem(
            window,
            "Link not opened",
            "Seminar Archive does not open this kind of link.",
            detail=decision.reason,
        )
        return False
    local = decision.kind == "file" and decision.path
    target = QUrl.fromLocalFile(str(decision.path)) if local else QUrl(url)
    if not QDesktopServices.openUrl(target):
        if local:
            show_problem(
                window,
                "Recording not opened",
                "No application on this computer opened the recording.",
                detail="Open it from the file manager, or set a default video player.",
                file=decision.path,
            )
        else:
            show_problem(
                window,
                "Link not opened",
                "No web browser opened the link.",
                detail="Copy the link and paste it into your browser, "
                "or set a default browser in your desktop's settings.",
                link=url,
            )
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
    what = "recording link" if talk.recording_url else "link" if talk.links else "talk's id"
    window.statusBar().showMessage(f"Copied the {what} to the clipboard", 3000)


def export_archive(window: MainWindow, *, with_user_state: bool = False) -> None:
    """Write the whole archive in the exchange format (with the user's marks and notes)."""
    path, _ = QFileDialog.getSaveFileName(
        window, "Export archive", "seminar-archive.jsonl", "JSON Lines (*.jsonl)"
    )
    if not path:
        return

    def run() -> int:
        from desktop_app.core.saved import export_archive as write_archive  # in the worker

        temporary = Path(path + ".part")
        with temporary.open("w", encoding="utf-8", newline="\n") as stream:
            count = write_archive(window.archive, stream, with_user_state=with_user_state)
        temporary.replace(path)
        return count

    window.tasks.submit(
        run,
        lambda n: window.statusBar().showMessage(f"{talks_text(n)} written to {path}", 6000),
        lambda error: window.show_problem(
            "Not exported", "The archive could not be exported.", detail=str(error)
        ),
    )
