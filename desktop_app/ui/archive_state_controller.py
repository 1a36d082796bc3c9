"""Whether the archive can be changed now, and the window saying so.

A read-only archive (its folder cannot be written) is searched and browsed as usual; the
banner says why nothing can be changed, the actions that would change something are disabled
with the reason in their tooltips, and the note field is read-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from desktop_app.ui.actions import ActionId

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

# What changes the archive (exports, backups, calendars and recordings only read it).
WRITING_ACTIONS = (
    ActionId.IMPORT,
    ActionId.SOURCES,
    ActionId.REVIEW,
    ActionId.UPDATE,
    ActionId.RESTORE,
    ActionId.SAVE_SEARCH,
    ActionId.TOGGLE_STAR,
    ActionId.TOGGLE_WATCHED,
    ActionId.EDIT_TALK,
    ActionId.LINK_RECORDING,
)


class ArchiveStateController(QObject):
    """Keeps the banner, the writing actions and the talk page in step with `writable`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._reason = ""  # why the archive cannot be changed ("" when it can)
        self._tooltips = {
            action_id: window.actions_by_id[action_id].toolTip() for action_id in WRITING_ACTIONS
        }

    @property
    def writable(self) -> bool:
        """True when the archive can be changed now."""
        return not self._reason

    @property
    def reason(self) -> str:
        """Why the archive cannot be changed ("" when it can)."""
        return self._reason

    def archive_attached(self) -> None:
        """Read the state of the archive the window just attached."""
        archive = self.window.archive
        if archive is not None and archive.read_copy_of is not None:
            return  # the shared archive's read copy: the SharedArchiveController says why
        if archive is not None and archive.read_only:
            self.set_read_only(
                "This archive is read-only:",
                f"its folder {archive.folder} cannot be written. Searching, browsing, "
                "recordings, calendars and exports work; stars, notes, edits, imports and "
                "updates are off.",
                reason="the archive's folder cannot be written",
            )
        else:
            self.set_writable()

    def set_read_only(self, title: str, detail: str, *, reason: str, action: str = "") -> None:
        """Stop changes, with the banner saying `title` `detail` (and a button `action`)."""
        self._reason = reason
        self.window.banner.show_message(title, detail, action)
        self.window.panel.set_writable(False, reason)
        self.restrict()

    def set_writable(self) -> None:
        """Allow changes again (the banner goes)."""
        was_read_only = bool(self._reason)
        self._reason = ""
        self.window.banner.clear()
        self.window.panel.set_writable(True)
        if was_read_only:
            for action_id, tooltip in self._tooltips.items():
                action = self.window.actions_by_id[action_id]
                action.setToolTip(tooltip)
                action.setEnabled(True)
            self.window.update_talk_actions()

    def restrict(self) -> None:
        """Disable the writing actions while the archive cannot be changed (called again
        whenever the window enables actions for a talk)."""
        if self.writable:
            return
        for action_id in WRITING_ACTIONS:
            action = self.window.actions_by_id[action_id]
            action.setEnabled(False)
            action.setToolTip(f"Not now: {self._reason}")

    def refuse(self, what: str) -> bool:
        """True (after saying why) when `what` cannot be done now."""
        if self.writable:
            return False
        self.window.show_problem(
            f"{what} is not possible", f"{what} is not possible now: {self._reason}."
        )
        return True
