"""The talk list's view: a list of rows to the keyboard (Tab leaves it, Home and End pick the
first and last talk)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView

_ROW_MOVES = {
    QAbstractItemView.CursorAction.MoveHome,
    QAbstractItemView.CursorAction.MoveEnd,
}


class TalkTableView(QTableView):
    """A table whose rows are talks: Tab moves on to the next widget, not to the next cell;
    Home / End (with or without Ctrl) select the first / last talk.

    Signals:
        end_pressed: End moved to the last row loaded (a search may have more hits to fetch).
    """

    end_pressed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setTabKeyNavigation(False)
        # Columns left out while the list is narrower than `narrow_width` (a small window):
        # the title keeps room to be read.
        self.columns_hidden_when_narrow: tuple[int, ...] = ()
        self.column_widths_when_narrow: dict[int, int] = {}
        self.narrow_width = 560
        self._wide_widths: dict[int, int] | None = None  # set while narrow

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def header_state(self) -> QByteArray:
        """The header's state to keep, with the columns as wide as the user left them
        (not as a narrow list made them)."""
        narrow = self._wide_widths is not None
        self._set_narrow(False)
        state = self.horizontalHeader().saveState()
        self._set_narrow(narrow)
        return state

    def fit_columns(self) -> None:
        """Hide or show the columns that give way in a narrow list."""
        self._set_narrow(self.viewport().width() < self.narrow_width)

    def _set_narrow(self, narrow: bool) -> None:
        for column in self.columns_hidden_when_narrow:
            if self.isColumnHidden(column) != narrow:
                self.setColumnHidden(column, narrow)
        if narrow and self._wide_widths is None:
            self._wide_widths = {c: self.columnWidth(c) for c in self.column_widths_when_narrow}
            for column, width in self.column_widths_when_narrow.items():
                self.setColumnWidth(column, min(width, self.columnWidth(column)))
        elif not narrow and self._wide_widths is not None:
            for column, width in self._wide_widths.items():
                self.setColumnWidth(column, width)
            self._wide_widths = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        control = Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Home, Qt.Key.Key_End) and event.modifiers() & control:
            # Ctrl would move the current row without selecting it: Ctrl+End selects too.
            event = QKeyEvent(event.type(), event.key(), event.modifiers() & ~control)
        super().keyPressEvent(event)

    def moveCursor(
        self, cursor_action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if cursor_action in _ROW_MOVES:
            model = self.model()
            if cursor_action == QAbstractItemView.CursorAction.MoveEnd:
                while model.canFetchMore(QModelIndex()):
                    model.fetchMore(QModelIndex())
                if not modifiers & Qt.KeyboardModifier.ShiftModifier:  # Shift+End extends
                    self.end_pressed.emit()
            # Qt's table moves along the row without Ctrl; a list of talks moves between rows.
            modifiers = modifiers | Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(cursor_action, modifiers)
