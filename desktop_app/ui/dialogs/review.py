"""File → Review proposals…: two records that seem to be one talk, side by side, or a
recording proposed for a talk; accept or reject each."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ArchiveError
from desktop_app.ui.views import talk_html

if TYPE_CHECKING:
    from desktop_app.core.sources.review import ReviewInfo
    from desktop_app.ui.main_window import MainWindow


class ReviewDialog(QDialog):
    """The review list.

    Signals:
        decided: (uids) a proposal was accepted (the talks changed) or rejected.
    """

    decided = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.setWindowTitle("Review proposals")
        self.items = QListWidget()
        self.items.setAccessibleName("Proposals")
        self.items.currentRowChanged.connect(self._show)
        self.left, self.right = QTextBrowser(), QTextBrowser()
        for browser, name in ((self.left, "Kept record"), (self.right, "Other record")):
            browser.setAccessibleName(name)
            browser.setOpenLinks(False)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Merge the two records (or attach the recording)")
        self.accept_button.clicked.connect(lambda: self.decide(True))
        self.reject_button = QPushButton("Reject")
        self.reject_button.setToolTip("They are not the same: never propose this again")
        self.reject_button.clicked.connect(lambda: self.decide(False))
        pair = QSplitter()
        pair.addWidget(self._titled("Kept (the feed's record)", self.left))
        pair.addWidget(self._titled("Merged into it", self.right))
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.reason)
        side_layout.addWidget(pair, 1)
        decisions = QHBoxLayout()
        decisions.addStretch(1)
        decisions.addWidget(self.reject_button)
        decisions.addWidget(self.accept_button)
        side_layout.addLayout(decisions)
        body = QSplitter()
        body.addWidget(self.items)
        body.addWidget(side)
        body.setSizes([260, 760])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(body, 1)
        layout.addWidget(buttons)
        self.resize(1060, 620)
        self.reload()

    @staticmethod
    def _titled(title: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(f"<b>{html.escape(title)}</b>"))
        layout.addWidget(widget, 1)
        return box

    def reload(self) -> None:
        """Read the open proposals again."""
        archive = self._window.archive
        self._items: list[ReviewInfo] = archive.review_list()
        self.items.clear()
        for item in self._items:
            titles = [archive.get_talk(uid).display_title for uid in item.talks]
            label = "Same talk?" if item.kind == "merge" else "Recording?"
            entry = QListWidgetItem(f"{label} {item.score:.0f}\n{titles[0][:60]}")
            entry.setToolTip(item.reason)
            self.items.addItem(entry)
        has = bool(self._items)
        self.accept_button.setEnabled(has)
        self.reject_button.setEnabled(has)
        if has:
            self.items.setCurrentRow(0)
        else:
            self.reason.setText("Nothing to review: every source agrees with the archive.")
            self.left.clear()
            self.right.clear()

    @Slot(int)
    def _show(self, row: int) -> None:
        if not 0 <= row < len(self._items):
            return
        item = self._items[row]
        archive, zone = self._window.archive, self._window.display_zone
        self.reason.setText(f"Why: {item.reason}")
        first = archive.get_talk(item.talks[0])
        self.left.setHtml(talk_html.talk_page_html(first, zone=zone))
        if item.kind == "merge":
            other = archive.get_talk(item.talks[1])
            self.right.setHtml(talk_html.talk_page_html(other, zone=zone))
        else:
            url = html.escape(item.recording_url or "")
            self.right.setHtml(f"<h2>Recording</h2><p><a href='{url}'>{url}</a></p>")

    def current(self) -> ReviewInfo | None:
        """The proposal shown."""
        row = self.items.currentRow()
        return self._items[row] if 0 <= row < len(self._items) else None

    def decide(self, accept: bool) -> None:
        """Accept or reject the proposal shown (in the background)."""
        item = self.current()
        if item is None:
            return
        archive = self._window.archive

        def run() -> list[str]:
            if accept:
                return archive.review_accept(item.id)
            archive.review_reject(item.id)
            return []

        def done(uids: list[str]) -> None:
            self.decided.emit(uids)
            self.reload()

        def failed(error: Exception) -> None:
            text = error.message if isinstance(error, ArchiveError) else str(error)
            self.reason.setText(f"Not done: {text}")

        self._window.tasks.submit(run, done, failed, lane="write")
