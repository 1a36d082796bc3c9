"""The talk list's model: uids in order, rows fetched from the archive page by page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.core.labels import UNKNOWN
from desktop_app.core.records import TalkRow
from desktop_app.ui.icons import icon

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

TalkUidRole = Qt.ItemDataRole.UserRole
UntitledRole = Qt.ItemDataRole.UserRole + 1
HighlightRole = Qt.ItemDataRole.UserRole + 2  # HTML of the title with <mark>ed hits
TalkRowRole = Qt.ItemDataRole.UserRole + 3

DATE, TITLE, SPEAKERS, SERIES, RECORDING, STAR = range(6)
COLUMNS = ("Date", "Title", "Speakers", "Series", "Rec.", "★")
TOOLTIPS = ("", "", "", "", "Has a recording", "Starred")
PAGE_SIZE = 200  # rows added to the view at a time
ROW_BATCH = 64  # talks read from the archive at a time (a screenful or two)
ROW_CACHE = 5000  # rows held across lists

Index = QModelIndex | QPersistentModelIndex


class TalkTableModel(QAbstractTableModel):
    """Holds the uids of the current list and a cache of the rows shown so far.

    Sorting and filtering happen in the core (SQL or the search index): `sort` only asks for it.

    Signals:
        sort_requested: (column, order) the user clicked a header.
    """

    sort_requested = Signal(int, Qt.SortOrder)

    def __init__(self, archive: Archive | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._archive = archive
        self._uids: list[str] = []
        self._rows: dict[str, TalkRow] = {}
        self._highlights: dict[str, str] = {}
        self._loaded = 0
        self._date_format = "%Y-%m-%d"
        self._display_zone: Any = None

    def set_archive(self, archive: Archive) -> None:
        """The archive rows are read from."""
        self._archive = archive
        self.set_uids([])

    def known_uids(self) -> frozenset[str]:
        """The talks whose rows are held (a worker reading rows can skip them)."""
        return frozenset(self._rows)

    def forget_rows(self) -> None:
        """Drop every held row (talks changed in the archive): they are read again."""
        self._rows.clear()
        self._emit_all_changed()

    def set_display_zone(self, zone: Any) -> None:
        """Show dates in this tzinfo (None: the system's zone)."""
        self._display_zone = zone
        self._emit_all_changed()

    def set_uids(
        self,
        uids: Sequence[str],
        highlights: dict[str, str] | None = None,
        rows: Sequence[TalkRow] = (),
    ) -> None:
        """Show these talks, in this order; `rows` already read (off the GUI thread) are used.

        Rows read before are kept (most hits repeat from one keystroke to the next) until
        `forget_rows`, or until more than ROW_CACHE are held.
        """
        self.beginResetModel()
        self._uids = list(uids)
        if len(self._rows) + len(rows) > ROW_CACHE:
            self._rows.clear()
        self._rows.update((row.uid, row) for row in rows)
        self._highlights = highlights or {}
        self._loaded = min(PAGE_SIZE, len(self._uids))
        self.endResetModel()

    def append_uids(self, uids: Sequence[str], highlights: dict[str, str] | None = None) -> None:
        """Add talks at the end (the next page of search hits)."""
        known = set(self._uids)
        new = [uid for uid in uids if uid not in known]
        if not new:
            return
        self._uids.extend(new)
        self._highlights.update(highlights or {})
        self.fetchMore()

    def uids(self) -> list[str]:
        """Every uid of the list (loaded or not)."""
        return list(self._uids)

    def total(self) -> int:
        """The number of talks in the list."""
        return len(self._uids)

    def row_of(self, uid: str) -> int:
        """The row of a talk, loading pages up to it; -1 when it is not in the list."""
        try:
            number = self._uids.index(uid)
        except ValueError:
            return -1
        while number >= self._loaded:
            self.fetchMore()
        return number

    def refresh(self, uids: Iterable[str]) -> None:
        """Re-read these talks (their user state or content changed)."""
        wanted = set(uids)
        for uid in wanted:
            self._rows.pop(uid, None)
        for number in range(self._loaded):
            if self._uids[number] in wanted:
                self.dataChanged.emit(self.index(number, 0), self.index(number, STAR))

    def _emit_all_changed(self) -> None:
        if self._loaded:
            self.dataChanged.emit(self.index(0, 0), self.index(self._loaded - 1, STAR))

    # --- Qt model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._loaded < len(self._uids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._loaded >= len(self._uids):
            return
        end = min(self._loaded + PAGE_SIZE, len(self._uids))
        self.beginInsertRows(QModelIndex(), self._loaded, end - 1)
        self._loaded = end
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_requested.emit(column, order)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS[section] or None
        return None

    def talk_row(self, number: int) -> TalkRow:
        """The talk at a row, fetching its page when it is not cached."""
        uid = self._uids[number]
        if uid not in self._rows and self._archive is not None:
            start = number - number % ROW_BATCH
            page = [u for u in self._uids[start : start + ROW_BATCH] if u not in self._rows]
            for row in self._archive.rows_for(page):
                self._rows[row.uid] = row
        return self._rows[uid]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._loaded:
            return None
        if not 0 <= index.column() < len(COLUMNS):
            return None
        row = self.talk_row(index.row())
        column = index.column()
        if role == TalkUidRole:
            return row.uid
        if role == TalkRowRole:
            return row
        if role == UntitledRole:
            return row.untitled
        if role == HighlightRole:
            return self._highlights.get(row.uid) if column == TITLE else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == RECORDING and row.recording_url:
                return icon("recording")
            if column == STAR and row.starred:
                return icon("star")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.FontRole and column == TITLE and (row.untitled or row.cancelled):
            font = QFont()
            font.setItalic(row.untitled)
            font.setStrikeOut(row.cancelled)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == TITLE and row.untitled:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(row, column) or COLUMNS[column]
        return None

    def _display(self, row: TalkRow, column: int) -> str:
        if column == DATE:
            if row.start is None:
                return UNKNOWN
            return row.start.astimezone(self._display_zone).strftime(self._date_format)
        if column == TITLE:
            return row.display_title + (" (cancelled)" if row.cancelled else "")
        if column == SPEAKERS:
            return ", ".join(s.name for s in row.speakers) or UNKNOWN
        if column == SERIES:
            return row.series_short_name or row.series_name
        return ""

    def _tooltip(self, row: TalkRow, column: int) -> str | None:
        if column == TITLE and row.untitled:
            return "The title of this talk is not known; this label is made from its abstract."
        if column == DATE and row.start is not None:
            local = row.start.astimezone(self._display_zone)
            own = f"{row.start:%H:%M} in {row.timezone or 'UTC'}"
            return f"{local:%A %d %B %Y, %H:%M} your time; {own}"
        if column == RECORDING:
            return row.recording_url or "No recording known"
        if column == STAR:
            return "Starred" if row.starred else "Not starred"
        if column == SERIES:
            return row.series_name
        if column == TITLE:
            return row.display_title
        return None
