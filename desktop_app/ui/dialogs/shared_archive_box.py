"""Preferences → Shared archive: the PostgreSQL database the archive folder opens, its
password (kept in the system keyring, never in a file) and a connection test."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop_app.core.errors import ArchiveError
from desktop_app.core.settings import (
    ArchiveSettings,
    load_archive_settings,
    save_archive_settings,
)


class SharedArchiveBox(QGroupBox):
    """Edits the archive folder's database URL; `apply()` saves it (and the password).

    Signals:
        tested: (bool, str) a connection test ended: it worked, and what it found or why not.
    """

    tested = Signal(bool, str)

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__("Shared archive (PostgreSQL)", parent)
        self._data_dir = data_dir
        self._saved_url = load_archive_settings(data_dir).database_url
        self.url = QLineEdit(self._saved_url)
        self.url.setAccessibleName("Shared archive URL")
        self.url.setPlaceholderText("postgresql+psycopg://you@server:5432/seminars")
        self.url.setToolTip(
            "The group's archive on a PostgreSQL server; empty: this folder's own SQLite file. "
            "Takes effect at the next start."
        )
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Shared archive password")
        self.password.setPlaceholderText("unchanged (keyring or ~/.pgpass)")
        self.password.setToolTip("Kept in the system keyring, never in a settings file")
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip("Connect now and say what the server holds")
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel()
        self.result.setAccessibleName("Connection test result")
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.password, 1)
        row.addWidget(self.test_button)
        password_row = QWidget()
        password_row.setLayout(row)
        form = QFormLayout(self)
        form.addRow("Database URL:", self.url)
        form.addRow("Password:", password_row)
        form.addRow(self.result)
        self.tested.connect(self._on_tested)

    @Slot()
    def test_connection(self) -> None:
        """Connect in the background (a server that does not answer takes seconds)."""
        url, password = self.url.text().strip(), self.password.text()
        if not url:
            self.result.setText("No shared archive: this folder's own SQLite file is used.")
            return
        self.test_button.setEnabled(False)
        self.result.setText("Connecting…")

        def run() -> None:
            from desktop_app.core.shared_db import check_connection

            try:
                self.tested.emit(True, check_connection(url, password))
            except ArchiveError as error:
                self.tested.emit(False, f"{error.message}\n{error.detail}".strip())

        threading.Thread(target=run, name="connection-test", daemon=True).start()

    @Slot(bool, str)
    def _on_tested(self, worked: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        self.result.setText(("✓ " if worked else "✗ ") + text)

    def apply(self) -> str:
        """Save the URL (without its password) and the password (in the keyring); "" when
        done, else what went wrong."""
        from desktop_app.core import shared_db

        url = self.url.text().strip()
        try:
            if url:
                secret = self.password.text() or shared_db.parse_url(url).password
                if secret:
                    shared_db.store_password(url, secret)
                url = shared_db.without_password(url)
            if url != self._saved_url:
                save_archive_settings(self._data_dir, ArchiveSettings(database_url=url))
        except ArchiveError as error:
            return error.message
        except Exception as error:  # the keyring backend's own errors vary by platform
            return f"The password could not be stored in the keyring: {error}"
        self._saved_url = url
        return ""
