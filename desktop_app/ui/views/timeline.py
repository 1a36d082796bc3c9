"""A small bar chart of talks per year (or per month of a chosen year), clickable to filter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

MONTHS = "JFMAMJJASOND"


class TimelineWidget(QWidget):
    """Bars of talk counts; a click on a bar emits its key.

    Signals:
        bar_clicked: the year (int) of the clicked bar, or None to lift the year filter.
    """

    bar_clicked = Signal(object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Talks per year")
        self.setToolTip("Talks per year; click a year to show only its talks, click again for all")
        self.setMouseTracking(True)
        self._bars: list[tuple[Any, str, int]] = []
        self._active: Any = None
        self._unknown = 0

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(400, 64)

    def set_counts(self, per_year: dict[int | None, int], active_year: int | None) -> None:
        """Show one bar a year (years without talks included), plus the count of undated talks."""
        years = sorted(y for y in per_year if y is not None)
        self._unknown = per_year.get(None, 0)
        self._active = active_year
        self._bars = (
            [(y, str(y), per_year.get(y, 0)) for y in range(years[0], years[-1] + 1)]
            if years
            else []
        )
        self.update()

    def bars(self) -> list[tuple[Any, str, int]]:
        """(key, label, count) of each bar, as drawn."""
        return list(self._bars)

    def _bar_rects(self) -> list[QRectF]:
        if not self._bars:
            return []
        width = (self.width() - 16) / len(self._bars)
        top = 4
        bottom = self.height() - 18
        peak = max(count for _, _, count in self._bars) or 1
        rects = []
        for number, (_key, _label, count) in enumerate(self._bars):
            height = max(2.0, (bottom - top) * count / peak) if count else 0.0
            rects.append(
                QRectF(8 + number * width + 2, bottom - height, max(2.0, width - 4), height)
            )
        return rects

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
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
        if self._unknown:
            painter.setPen(text)
            painter.drawText(
                self.rect().adjusted(0, 0, -8, 0),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                f"+{self._unknown} undated",
            )

    def _bar_at(self, x: float) -> int:
        for number, rect in enumerate(self._bar_rects()):
            if rect.left() - 2 <= x <= rect.right() + 2:
                return number
        return -1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        number = self._bar_at(event.position().x())
        if number >= 0:
            _key, label, count = self._bars[number]
            self.setToolTip(f"{label}: {count} talks — click to filter")
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        number = self._bar_at(event.position().x())
        if number < 0:
            return
        key = self._bars[number][0]
        self.bar_clicked.emit(None if key == self._active else key)
