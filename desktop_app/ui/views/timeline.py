"""A small bar chart of talks per year (or per month of a chosen year), clickable to filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.ui.wording import talks_text

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_BACK = "◀ all years"


class TimelineWidget(QWidget):
    """Bars of talk counts; a click on a bar emits its key.

    Signals:
        bar_clicked: the year of the clicked bar, or 0 to lift the year filter.
        month_clicked: the month (1-12) of the clicked bar of the chosen year, or 0 to lift it.
    """

    bar_clicked = Signal(int)
    month_clicked = Signal(int)
    undated_clicked = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Talks per year")
        self.setToolTip("Talks per year; click a year to show only its talks, click again for all")
        self.setMouseTracking(True)
        self._bars: list[tuple[Any, str, int]] = []
        self._active: Any = None
        self._unknown = 0
        self._year: int | None = None  # set: the bars are the months of this year

    def sizeHint(self) -> QSize:
        return QSize(400, 64)

    def set_counts(
        self,
        per_year: dict[int | None, int],
        active_year: int | None,
        per_month: dict[int, int] | None = None,
        active_month: int | None = None,
    ) -> None:
        """One bar a year (years without talks included) and the count of undated talks; with
        a chosen year, one bar a month of that year."""
        self._unknown = per_year.get(None, 0)
        if active_year is not None and per_month is not None:
            self._year, self._active = active_year, active_month
            self._bars = [(m, MONTHS[m - 1], per_month.get(m, 0)) for m in range(1, 13)]
            self.setToolTip(f"Talks per month of {active_year}; click a month to filter")
        else:
            years = sorted(y for y in per_year if y is not None)
            self._year, self._active = None, active_year
            self._bars = (
                [(y, str(y), per_year.get(y, 0)) for y in range(years[0], years[-1] + 1)]
                if years
                else []
            )
            self.setToolTip("Talks per year; click a year to show only its talks")
        self.update()

    def showing_months_of(self) -> int | None:
        """The year whose months are shown (None: years are shown)."""
        return self._year

    def bars(self) -> list[tuple[Any, str, int]]:
        """(key, label, count) of each bar, as drawn."""
        return list(self._bars)

    def _bar_rects(self) -> list[QRectF]:
        if not self._bars:
            return []
        width = (self.width() - 16) / len(self._bars)
        top = 4 if self._year is None else 18
        bottom = self.height() - 18
        peak = max(count for _, _, count in self._bars) or 1
        rects = []
        for number, (_key, _label, count) in enumerate(self._bars):
            height = max(2.0, (bottom - top) * count / peak) if count else 0.0
            rects.append(
                QRectF(8 + number * width + 2, bottom - height, max(2.0, width - 4), height)
            )
        return rects

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        accent = palette.color(QPalette.ColorRole.Highlight)
        muted = QColor(accent)
        muted.setAlpha(110)
        text = palette.color(QPalette.ColorRole.WindowText)
        if not self._bars:
            painter.setPen(text)
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "No dated talks in this list"
            )
            return
        for (key, label, count), rect in zip(self._bars, self._bar_rects(), strict=True):
            active = self._active is None or self._active == key
            painter.fillRect(rect, accent if active else muted)
            painter.setPen(text)
            label_rect = QRectF(rect.left() - 10, self.height() - 16, rect.width() + 20, 14)
            font = painter.font()
            font.setPointSizeF(max(6.5, font.pointSizeF() * 0.75))
            painter.setFont(font)
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, f"{label}")
            if count and rect.height() > 14:
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.setPen(text)
        if self._year is not None:
            painter.drawText(
                self.rect().adjusted(8, 0, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                f"{_BACK}   {self._year}",
            )
        elif self._unknown:
            link = palette.color(QPalette.ColorRole.Link)
            painter.setPen(link)
            font = painter.font()
            font.setUnderline(True)
            painter.setFont(font)
            painter.drawText(
                self.undated_rect(),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                self.undated_text(),
            )

    def undated_text(self) -> str:
        """The link to the undated talks ("" when there are none or months are shown)."""
        return f"+{self._unknown} undated" if self._unknown and self._year is None else ""

    def undated_rect(self) -> QRectF:
        """Where the undated talks' link is drawn (top right)."""
        font = self.font()
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.75))
        width = QFontMetrics(font).horizontalAdvance(self.undated_text()) + 4
        return QRectF(self.width() - 8 - width, 0, width, 16)

    def _bar_at(self, x: float) -> int:
        for number, rect in enumerate(self._bar_rects()):
            if rect.left() - 2 <= x <= rect.right() + 2:
                return number
        return -1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.undated_text() and self.undated_rect().contains(event.position()):
            self.setToolTip(f"{self._unknown} talks whose date is not known — click to list them")
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            return
        number = self._bar_at(event.position().x())
        if number >= 0:
            _key, label, count = self._bars[number]
            self.setToolTip(f"{label}: {talks_text(count)} — click to filter")
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        if self._year is not None and position.y() < 16 and position.x() < 120:
            self.bar_clicked.emit(0)
            return
        if self.undated_text() and self.undated_rect().contains(position):
            self.undated_clicked.emit()
            return
        number = self._bar_at(position.x())
        if number < 0:
            return
        key = self._bars[number][0]
        signal = self.bar_clicked if self._year is None else self.month_clicked
        signal.emit(0 if key == self._active else key)
