"""The talk list's model: uids in order, rows fetched from the archive page by page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
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
MarkedSpansRole = Qt.ItemDataRole.UserRole + 4  # (start, length) of the title's hits

DATE, TITLE, SPEAKERS, SERIES, RECORDING, STAR = range(6)
COLUMNS = ("Date", "Title", "Speakers", "Series", "Rec.", "★")
TOOLTIPS = ("", "", "", "", "Has a recording", "Starred")
PAGE_SIZE = 200  # rows added to the view at a time
ROW_BATCH = 64  # talks read from the archive at a time (a screenful or two)
ROW_CACHE = 5000  # rows held across lists
_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole

# The roles a delegate asks for when painting; a cell holds those that have a value.
_PAINT_ROLES = frozenset(
    {
        _DISPLAY,
        _DECORATION,
        _FONT,
        _FOREGROUND,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.CheckStateRole,
    }
)

Index = QModelIndex | QPersistentModelIndex


class TitleMarks(Protocol):
    """Which words a query matches (the search result's `marks`)."""

    def spans(self, text: str) -> list[tuple[int, int]]: ...

    def marked_html(self, text: str) -> str: ...


Cell = dict[int, Any]  # role -> value, for the roles a repaint asks for


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
        self._cells: dict[str, tuple[Cell, ...]] = {}  # what the view paints, per talk
        self._marks: TitleMarks | None = None  # the query's, for the titles' hits
        self._spans: dict[str, tuple[tuple[int, int], ...]] = {}  # per talk, for this list
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

    def held_rows(self, uids: Iterable[str]) -> list[TalkRow]:
        """The rows of these talks that are held (none is read)."""
        return [self._rows[uid] for uid in uids if uid in self._rows]

    def forget_rows(self) -> None:
        """Drop every held row (talks changed in the archive): they are read again."""
        self._rows.clear()
        self._cells.clear()
        self._spans.clear()
        self._emit_all_changed()

    def set_display_zone(self, zone: Any) -> None:
        """Show dates in this tzinfo (None: the system's zone)."""
        self._display_zone = zone
        self._cells.clear()
        self._emit_all_changed()

    def set_uids(
        self,
        uids: Sequence[str],
        rows: Sequence[TalkRow] = (),
        marks: TitleMarks | None = None,
    ) -> None:
        """Show these talks, in this order; `rows` already read (off the GUI thread) are used,
        and the words `marks` matches are marked in the titles.

        Rows read before are kept (most hits repeat from one keystroke to the next) until
        `forget_rows`, or until more than ROW_CACHE are held.
        """
        self.beginResetModel()
        self._uids = list(uids)
        if len(self._rows) + len(rows) > ROW_CACHE:
            self._rows.clear()
            self._cells.clear()
        self._rows.update((row.uid, row) for row in rows)
        self._marks = marks
        self._spans = {}
        self._loaded = min(PAGE_SIZE, len(self._uids))
        self.endResetModel()

    def append_uids(self, uids: Sequence[str]) -> None:
        """Add talks at the end (the next page of search hits)."""
        known = set(self._uids)
        new = [uid for uid in uids if uid not in known]
        if not new:
            return
        self._uids.extend(new)
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
            self._cells.pop(uid, None)
            self._spans.pop(uid, None)
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
        # A talk merged or deleted since the list was read shows as gone until it refreshes.
        return self._rows.get(uid) or _gone_row(uid)

    def _cell(self, index: Index) -> Cell | None:
        """The painted values of a cell, worked out once per talk (None: no such cell)."""
        number, column = index.row(), index.column()
        if not 0 <= number < self._loaded or not 0 <= column < len(COLUMNS):
            return None
        uid = self._uids[number]
        cells = self._cells.get(uid)
        if cells is None:
            row = self.talk_row(number)
            cells = tuple(self._paint_values(row, c) for c in range(len(COLUMNS)))
            self._cells[uid] = cells
        return cells[column]

    def _paint_values(self, row: TalkRow, column: int) -> Cell:
        cell: Cell = {_DISPLAY: self._display(row, column)}
        if column == RECORDING and row.recording_url:
            cell[_DECORATION] = icon("recording")
        elif column == STAR and row.starred:
            cell[_DECORATION] = icon("star")
        elif column == TITLE and (row.untitled or row.cancelled or row.new):
            font = QFont()
            font.setItalic(row.untitled)
            font.setStrikeOut(row.cancelled)
            font.setBold(row.new)  # arrived since the last visit, not opened yet
            cell[_FONT] = font
            if row.untitled:  # muted: the colour follows the palette, asked for when painted
                cell[_FOREGROUND] = QPalette.ColorRole.PlaceholderText
        return cell

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan) -> None:  # noqa: N803
        """Every role a delegate asks for in one call (a repaint asks seven per cell).

        Each role is set or cleared: a delegate reuses its span from cell to cell.
        """
        cell = self._cell(index) if index.isValid() else None
        for role_data in roleDataSpan:
            role = role_data.role()
            if cell is not None and role in cell:
                role_data.setData(self._value(cell, role))
            elif cell is None or role in _PAINT_ROLES:
                role_data.clearData()
            else:
                role_data.setData(self.data(index, role))

    @staticmethod
    def _value(cell: Cell, role: int) -> Any:
        if role == _FOREGROUND:
            return QApplication.palette().color(cell[role])
        return cell[role]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index) if index.isValid() else None
        if cell is None:
            return None
        if role in _PAINT_ROLES:
            return self._value(cell, role) if role in cell else None
        row = self.talk_row(index.row())
        column = index.column()
        if role == TalkUidRole:
            return row.uid
        if role == TalkRowRole:
            return row
        if role == UntitledRole:
            return row.untitled
        if role == MarkedSpansRole:
            return self._title_spans(row.uid, cell[_DISPLAY]) if column == TITLE else None
        if role == HighlightRole:
            marked = self._title_spans(row.uid, cell[_DISPLAY]) if column == TITLE else None
            return self._marks.marked_html(cell[_DISPLAY]) if marked and self._marks else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return cell[_DISPLAY] or COLUMNS[column]
        return None

    def _title_spans(self, uid: str, title: str) -> tuple[tuple[int, int], ...] | None:
        """The hits in a shown title (worked out once per list; None: nothing to mark)."""
        if self._marks is None:
            return None
        spans = self._spans.get(uid)
        if spans is None:
            spans = self._spans[uid] = tuple(
                (start, stop - start) for start, stop in self._marks.spans(title)
            )
        return spans or None

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


def _gone_row(uid: str) -> TalkRow:
    """The row of a talk that left the archive after the list was read."""
    return TalkRow(
        uid=uid,
        title=None,
        display_title="(no longer in the archive)",
        speakers=(),
        series="",
        series_name="",
        start=None,
        timezone=None,
        duration_minutes=None,
        recording_url=None,
        cancelled=False,
        starred=False,
        watched=False,
    )
