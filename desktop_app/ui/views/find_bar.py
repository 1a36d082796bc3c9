"""Find in the page (Ctrl+F while reading a talk, a speaker's or a series' page): every match
marked, the current one selected, Enter / Shift+Enter for the next and previous, and a count."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QWidget,
)

_MARK = QColor("#ffe066")


class FindBar(QWidget):
    """A bar under the page that finds text in a QTextBrowser."""

    def __init__(self, browser: QTextBrowser, parent: Any = None) -> None:
        super().__init__(parent)
        self._browser = browser
        self._matches: list[QTextCursor] = []
        self._current = -1
        self.field = QLineEdit()
        self.field.setAccessibleName("Find in page")
        self.field.setPlaceholderText("Find in this page…")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(self._search)
        self.field.returnPressed.connect(self.next)
        self.count = QLabel()
        self.count.setAccessibleName("Matches in page")
        self.previous_button = QToolButton()
        self.previous_button.setText("▲")
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.previous_button.clicked.connect(self.previous)
        self.next_button = QToolButton()
        self.next_button.setText("▼")
        self.next_button.setToolTip("Next match (Enter)")
        self.next_button.clicked.connect(self.next)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        for widget in (self.field, self.count, self.previous_button, self.next_button, close):
            layout.addWidget(widget)
        layout.setStretch(0, 1)
        self.hide()

    def open_bar(self) -> None:
        """Show the bar with its field focused (the page's selection as the text to find)."""
        selected = self._browser.textCursor().selectedText().strip()
        self.show()
        if selected and "\u2029" not in selected:
            self.field.setText(selected)
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()
        self._search()

    @Slot()
    def close_bar(self) -> None:
        """Hide the bar and the marks."""
        self.hide()
        self._browser.setExtraSelections([])
        self._browser.setFocus()

    def page_changed(self) -> None:
        """The page shows something else: find again there."""
        if self.isVisible():
            self._search()

    @property
    def matches(self) -> int:
        """How many times the text is in the page."""
        return len(self._matches)

    @Slot()
    def _search(self) -> None:
        text = self.field.text()
        document = self._browser.document()
        self._matches = []
        if text:
            cursor = QTextCursor(document)
            while True:
                cursor = document.find(text, cursor, QTextDocument.FindFlag(0))
                if cursor.isNull():
                    break
                self._matches.append(QTextCursor(cursor))
        self._current = 0 if self._matches else -1
        self._show()

    @Slot()
    def next(self) -> None:
        """Select the next match (wrapping)."""
        if self._matches:
            self._current = (self._current + 1) % len(self._matches)
            self._show()

    @Slot()
    def previous(self) -> None:
        """Select the previous match (wrapping)."""
        if self._matches:
            self._current = (self._current - 1) % len(self._matches)
            self._show()

    def _show(self) -> None:
        marks = []
        for cursor in self._matches:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = QTextCharFormat()
            fmt.setBackground(_MARK)
            fmt.setForeground(QColor("#000000"))
            selection.format = fmt
            marks.append(selection)
        self._browser.setExtraSelections(marks)
        if self._current >= 0:
            self._browser.setTextCursor(self._matches[self._current])
            self._browser.ensureCursorVisible()
            self.count.setText(f"{self._current + 1} of {len(self._matches)}")
        else:
            self.count.setText("not found" if self.field.text() else "")

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.previous()
        else:
            super().keyPressEvent(event)
