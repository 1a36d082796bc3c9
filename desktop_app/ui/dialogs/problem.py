"""A failure the user must see: a dialog that says what happened and offers what to do next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget


class ProblemDialog(QMessageBox):
    """A non-blocking message with, where they help, "Copy link" and "Show file" buttons.

    `link` is offered for copying (the user can paste it into a browser; `copy_label` names
    the button when it is other text, a note); `file` is shown in the file manager (its folder
    is opened).
    """

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        message: str,
        *,
        detail: str = "",
        link: str | None = None,
        file: Path | None = None,
        copy_label: str = "Copy link",
    ) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(title)
        self.setText(message)
        if detail:
            self.setInformativeText(detail)
        self.link, self.file = link, file
        self.copy_button: QPushButton | None = None
        self.show_file_button: QPushButton | None = None
        if link:
            self.copy_button = self.addButton(copy_label, QMessageBox.ButtonRole.ActionRole)
            self.copy_button.setToolTip(link[:500])
            self.copy_button.clicked.disconnect()  # keep the dialog open after copying
            self.copy_button.clicked.connect(self.copy_link)
        if file is not None:
            self.show_file_button = self.addButton("Show file", QMessageBox.ButtonRole.ActionRole)
            self.show_file_button.setToolTip(str(file))
            self.show_file_button.clicked.disconnect()
            self.show_file_button.clicked.connect(self.show_file)
        self.addButton(QMessageBox.StandardButton.Close)
        self.setDefaultButton(QMessageBox.StandardButton.Close)

    def copy_link(self) -> None:
        """Put the link on the clipboard."""
        if self.link:
            QGuiApplication.clipboard().setText(self.link)
            if self.copy_button is not None:
                self.copy_button.setText("Copied")

    def show_file(self) -> bool:
        """Open the file's folder in the file manager."""
        if self.file is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.file.parent)))

    def text_shown(self) -> str:
        """Everything the dialog says (for tests and accessibility)."""
        return f"{self.windowTitle()}\n{self.text()}\n{self.informativeText()}"


def show_problem(parent: Any, title: str, message: str, **options: Any) -> ProblemDialog:
    """Open a ProblemDialog without blocking; the window keeps it as `last_problem`."""
    dialog = ProblemDialog(parent, title, message, **options)
    dialog.open()
    if parent is not None:
        parent.last_problem = dialog
    return dialog
