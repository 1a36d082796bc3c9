"""Paints a title whose search hits are marked (the model gives escaped HTML with <mark>)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_app.ui.models.talk_table_model import HighlightRole

_MARK_STYLE = "mark { background-color: #ffe066; color: #000; }"
CACHED_DOCUMENTS = 400  # laid-out titles kept (a few screenfuls of hits)


class HighlightDelegate(QStyledItemDelegate):
    """Draws the HTML of `HighlightRole` when there is one, the plain text otherwise."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._documents: dict[tuple[str, str], QTextDocument] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        html = index.data(HighlightRole)
        if not html:
            super().paint(painter, option, index)
            return
        options = QStyleOptionViewItem(option)
        self.initStyleOption(options, index)
        document = self._document(html, options)
        options.text = ""
        style = options.widget.style() if options.widget else None
        if style is not None:
            style.drawControl(
                QStyle.ControlElement.CE_ItemViewItem, options, painter, options.widget
            )
        painter.save()
        rect = options.rect
        painter.translate(
            rect.left() + 3, rect.top() + (rect.height() - document.size().height()) / 2
        )
        painter.setClipRect(0, 0, rect.width() - 3, rect.height())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(options.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, options.palette.color(role))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return super().sizeHint(option, index)

    def _document(self, html: str, option: QStyleOptionViewItem) -> QTextDocument:
        """The laid-out title (kept: repaints and the next keystroke's hits reuse most)."""
        key = (html, option.font.key())
        document = self._documents.pop(key, None)
        if document is None:
            document = QTextDocument()
            document.setDefaultFont(option.font)
            document.setDefaultStyleSheet(_MARK_STYLE)
            document.setDocumentMargin(0)
            document.setHtml(f"<span style='white-space: nowrap'>{html}</span>")
            if len(self._documents) >= CACHED_DOCUMENTS:
                del self._documents[next(iter(self._documents))]
        self._documents[key] = document  # most recently used last
        return document
