"""Paints a title with its search hits marked (the model gives their character ranges)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextLine
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_app.ui.models.talk_table_model import MarkedSpansRole

MARK_BACKGROUND = QColor("#ffe066")
MARK_TEXT = QColor("#000000")
CACHED_LAYOUTS = 400  # laid-out titles kept (a few screenfuls of hits)
ELLIPSIS = "…"


def _boundary_before(line: QTextLine, x: float) -> float:
    """The x of the last character boundary of `line` at or before `x` (0 at least)."""
    if x <= 0:
        return 0.0
    cursor = line.xToCursor(x, QTextLine.CursorPosition.CursorBetweenCharacters)
    boundary = float(line.cursorToX(cursor)[0])
    while boundary > x and cursor > 0:
        cursor -= 1
        boundary = float(line.cursorToX(cursor)[0])
    return min(boundary, x)


class HighlightDelegate(QStyledItemDelegate):
    """Draws the text with `MarkedSpansRole`'s hits marked when there are some, plainly otherwise.

    The title is laid out once (a `QTextLayout`, no HTML parsing when painting) and kept:
    a repaint, and the next keystroke's hits, reuse most of them.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._layouts: dict[tuple[str, Sequence[tuple[int, int]], str], QTextLayout] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        spans = index.data(MarkedSpansRole)
        if not spans:
            super().paint(painter, option, index)
            return
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        widget = options.widget
        style = widget.style() if widget is not None else None
        if style is None:
            super().paint(painter, option, index)
            return
        text_rect = QRectF(
            style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, options, widget)
        )
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        layout = self._layout(options.text, spans, options.font)
        options.text = ""  # the background, selection and focus frame only
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, options, painter, widget)

        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        available = text_rect.width() - 2 * margin
        line = layout.lineAt(0)
        top = text_rect.top() + (text_rect.height() - line.height()) / 2
        origin = QPointF(text_rect.left() + margin, top)
        painter.save()
        painter.setPen(options.palette.color(role))
        painter.setFont(options.font)
        if line.naturalTextWidth() <= available:
            painter.setClipRect(text_rect)
            layout.draw(painter, origin)
        else:  # elided at a character boundary, as the plain titles are
            visible = _boundary_before(
                line, available - painter.fontMetrics().horizontalAdvance(ELLIPSIS)
            )
            painter.setClipRect(QRectF(origin.x(), text_rect.top(), visible, text_rect.height()))
            layout.draw(painter, origin)
            painter.setClipping(False)
            painter.drawText(QPointF(origin.x() + visible, top + line.ascent()), ELLIPSIS)
        painter.restore()

    def _layout(self, text: str, spans: Sequence[tuple[int, int]], font: QFont) -> QTextLayout:
        """The laid-out line of a title with its marks (most recently used kept last)."""
        key = (text, tuple(spans), font.key())
        layout = self._layouts.pop(key, None)
        if layout is None:
            mark = QTextCharFormat()
            mark.setBackground(MARK_BACKGROUND)
            mark.setForeground(MARK_TEXT)
            ranges = []
            for start, length in spans:
                marked = QTextLayout.FormatRange()
                marked.start, marked.length, marked.format = start, length, mark
                ranges.append(marked)
            layout = QTextLayout(text, font)
            layout.setFormats(ranges)
            layout.beginLayout()
            layout.createLine()
            layout.endLayout()
            if len(self._layouts) >= CACHED_LAYOUTS:
                del self._layouts[next(iter(self._layouts))]
        self._layouts[key] = layout
        return layout
