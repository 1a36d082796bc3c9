"""The main window: the talk list beside the selected talk's page."""

from __future__ import annotations

import html

from PySide6.QtCore import QItemSelection, Signal, Slot
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView, QTextBrowser

from desktop_app.core.archive import Archive
from desktop_app.ui.talk_table_model import TalkTableModel, TalkUidRole


class MainWindow(QMainWindow):
    """The archive browser.

    Signals:
        first_painted: the window has painted for the first time.
    """

    first_painted = Signal()

    def __init__(self, archive: Archive) -> None:
        super().__init__()
        self._archive = archive
        self._painted = False
        self.setWindowTitle(f"Seminar Archive — {archive.folder}")
        self.resize(1200, 760)
        self.model = TalkTableModel(archive, self)
        self.table = QTableView()
        self.table.setAccessibleName("Talks")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.page = QTextBrowser()
        self.page.setAccessibleName("Talk page")
        self.page.setOpenLinks(False)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.page)
        splitter.setSizes([700, 500])
        self.setCentralWidget(splitter)
        self.model.load()
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 380)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.statusBar().showMessage(f"{archive.count_talks()} talks")

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, selected: QItemSelection, _old: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        uid = self.model.data(indexes[0], TalkUidRole)
        detail = self._archive.get_talk(uid)
        talk = detail.talk
        speakers = ", ".join(s.name for s in talk.speakers) or "unknown speaker"
        when = (
            f"{talk.start:%A %d %B %Y, %H:%M} ({talk.timezone})" if talk.start else "date unknown"
        )
        abstract = html.escape(talk.abstract or "No abstract known.").replace("\n\n", "<p>")
        self.page.setHtml(
            f"<h2>{html.escape(detail.display_title)}</h2>"
            f"<p><b>{html.escape(speakers)}</b><br>{html.escape(when)}<br>"
            f"{html.escape(detail.series_name)}</p><p>{abstract}</p>"
        )
