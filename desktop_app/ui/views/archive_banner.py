"""A bar above the list that says why the archive cannot be changed right now."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget


class ArchiveBanner(QFrame):
    """Hidden until the archive is read-only: its folder cannot be written, or the shared
    archive's server cannot be reached. Says what still works; an optional action button.

    Signals:
        action_clicked: the button was clicked (e.g. "Try again").
    """

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveBanner")
        self.setAccessibleName("Archive status")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#archiveBanner { background: palette(tooltip-base); color: palette(tooltip-text);"
            " border: 1px solid #c9a227; border-radius: 3px; }"
        )
        self.icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.icon.setPixmap(warning.pixmap(size, size))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton()
        self.button.hide()
        self.button.clicked.connect(self.action_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(self, title: str, detail: str, action: str = "") -> None:
        """Show `title` (in bold) and `detail`; a button labelled `action` when given."""
        self.text.setText(f"<b>{_escaped(title)}</b> {_escaped(detail)}")
        self.button.setText(action)
        self.button.setVisible(bool(action))
        self.show()

    def clear(self) -> None:
        """Hide the banner."""
        self.hide()


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
