"""The talk list's model: talk ids in order, rows fetched from the archive page by page."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.core.archive import Archive
from desktop_app.core.labels import UNKNOWN
from desktop_app.core.records import SortKey, TalkFilter, TalkRow

TalkUidRole = Qt.ItemDataRole.UserRole
UntitledRole = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Date", "Title", "Speakers", "Series")
_PAGE = 200

Index = QModelIndex | QPersistentModelIndex


class TalkTableModel(QAbstractTableModel):
    """Holds the uids of the current list and a cache of the rows painted so far."""

    def __init__(self, archive: Archive, parent: Any = None) -> None:
        super().__init__(parent)
        self._archive = archive
        self._uids: list[str] = []
        self._rows: dict[str, TalkRow] = {}
        self._loaded = 0

    def load(self, talk_filter: TalkFilter | None = None, sort: SortKey = SortKey.DATE) -> None:
        """Show the talks the filter lets through."""
        self.beginResetModel()
        self._uids = self._archive.list_uids(talk_filter, sort)
        self._rows.clear()
        self._loaded = min(_PAGE, len(self._uids))
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._loaded < len(self._uids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid():
            return
        end = min(self._loaded + _PAGE, len(self._uids))
        self.beginInsertRows(QModelIndex(), self._loaded, end - 1)
        self._loaded = end
        self.endInsertRows()

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def row(self, number: int) -> TalkRow:
        """The talk at a row, fetching its page when it is not cached."""
        uid = self._uids[number]
        if uid not in self._rows:
            page = self._uids[number : number + _PAGE]
            for row in self._archive.rows_for(page):
                self._rows[row.uid] = row
        return self._rows[uid]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._loaded:
            return None
        row = self.row(index.row())
        if role == TalkUidRole:
            return row.uid
        if role == UntitledRole:
            return row.untitled
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return row.start.strftime("%Y-%m-%d") if row.start else UNKNOWN
            if column == 1:
                return row.display_title
            if column == 2:
                return ", ".join(s.name for s in row.speakers) or UNKNOWN
            return row.series_name
        return None
