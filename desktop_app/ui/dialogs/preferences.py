"""Preferences: data folder, display time zone, reminders, recordings folders, CalDAV, theme,
search engine, shared archive."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.search.engines import ENGINE_LABELS, ENGINES
from desktop_app.core.settings import THEMES, AppConfig
from desktop_app.ui.dialogs.shared_archive_box import SharedArchiveBox

SYSTEM_ZONE = "System time zone"


class PreferencesDialog(QDialog):
    """Edits an AppConfig; `result_config()` gives the edited copy."""

    def __init__(
        self,
        config: AppConfig,
        archive_folder: Path,
        parent: Any = None,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._config = config
        form = QFormLayout()

        self.folder = QLineEdit(config.archive_dir or str(archive_folder))
        self.folder.setAccessibleName("Data folder")
        self.folder.setToolTip(
            "The archive folder opened at start (takes effect at the next start)"
        )
        browse = QPushButton("Choose…")
        browse.setToolTip("Choose the archive folder")
        browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        form.addRow("Data folder:", _wrap(row))

        self.zone = QComboBox()
        self.zone.setAccessibleName("Display time zone")
        self.zone.setToolTip("Dates in the list and on talk pages are shown in this zone")
        self.zone.setEditable(True)
        self.zone.addItem(SYSTEM_ZONE)
        self.zone.addItems(sorted(z for z in available_timezones() if "/" in z))
        self.zone.setCurrentText(config.display_timezone or SYSTEM_ZONE)
        form.addRow("Show times in:", self.zone)

        self.reminder = QSpinBox()
        self.reminder.setAccessibleName("Reminder minutes")
        self.reminder.setToolTip("Reminder in exported calendar events (0: none)")
        self.reminder.setRange(0, 24 * 60)
        self.reminder.setSuffix(" min before")
        self.reminder.setSpecialValueText("No reminder")
        self.reminder.setValue(config.reminder_minutes)
        form.addRow("Calendar reminder:", self.reminder)
        self.update_on_start = QCheckBox("Update from the sources when the app starts")
        self.update_on_start.setAccessibleName("Update when the app starts")
        self.update_on_start.setToolTip("Sync every source (File → Sources…) at each start")
        self.update_on_start.setChecked(config.update_on_start)
        form.addRow("Sources:", self.update_on_start)
        self.backups = QSpinBox()
        self.backups.setAccessibleName("Daily backups kept")
        self.backups.setToolTip(
            "At the first start of each day a copy of the database goes to the archive's "
            "backups/ folder; this many are kept (0: none are made)"
        )
        self.backups.setRange(0, 365)
        self.backups.setSuffix(" kept")
        self.backups.setSpecialValueText("Off")
        self.backups.setValue(config.backups_to_keep)
        form.addRow("Daily backups:", self.backups)

        self.theme = QComboBox()
        self.theme.setAccessibleName("Theme")
        self.theme.setToolTip("Follow the system's light or dark scheme, or choose one")
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(config.theme)
        form.addRow("Theme:", self.theme)

        self.engine = QComboBox()
        self.engine.setAccessibleName("Search engine")
        self.engine.setToolTip(
            "The library that indexes and searches the talks. The same queries and results; "
            "Tantivy builds the index and answers long or fuzzy queries faster. Changing it "
            "rebuilds the index in the background while the current one keeps answering."
        )
        for name in ENGINES:
            self.engine.addItem(ENGINE_LABELS[name], name)
        self.engine.setCurrentIndex(ENGINES.index(config.search_engine))
        form.addRow("Search engine:", self.engine)

        self.folders = QListWidget()
        self.folders.setAccessibleName("Recordings folders")
        self.folders.setToolTip(
            "Local recordings inside these folders may be opened; others are refused"
        )
        self.folders.addItems(config.recording_folders)
        self.folders.setMaximumHeight(80)
        add_folder = QPushButton("Add…")
        add_folder.setToolTip("Add a folder of local recordings")
        add_folder.clicked.connect(self._add_recordings_folder)
        remove_folder = QPushButton("Remove")
        remove_folder.setToolTip("Remove the selected folder")
        remove_folder.clicked.connect(lambda: self.folders.takeItem(self.folders.currentRow()))
        buttons = QVBoxLayout()
        buttons.addWidget(add_folder)
        buttons.addWidget(remove_folder)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.folders, 1)
        row.addLayout(buttons)
        form.addRow("Recordings folders:", _wrap(row))

        self.caldav_url = QLineEdit(config.caldav_url)
        self.caldav_url.setAccessibleName("CalDAV server URL")
        self.caldav_url.setToolTip("e.g. https://cloud.example.org/remote.php/dav")
        self.caldav_user = QLineEdit(config.caldav_username)
        self.caldav_user.setAccessibleName("CalDAV user name")
        self.caldav_user.setToolTip("Your user name on the CalDAV server")
        self.caldav_calendar = QLineEdit(config.caldav_calendar)
        self.caldav_calendar.setAccessibleName("CalDAV calendar")
        self.caldav_calendar.setToolTip("The name of the calendar that receives talks")
        self.caldav_password = QLineEdit()
        self.caldav_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.caldav_password.setAccessibleName("CalDAV password")
        self.caldav_password.setToolTip("Kept in the system keyring, never in a settings file")
        self.caldav_password.setPlaceholderText("unchanged")
        form.addRow(QLabel("<b>CalDAV calendar</b>"))
        form.addRow("Server URL:", self.caldav_url)
        form.addRow("User name:", self.caldav_user)
        form.addRow("Calendar:", self.caldav_calendar)
        form.addRow("Password:", self.caldav_password)
        self.keyring_message = QLabel()
        form.addRow(self.keyring_message)

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self._on_accepted)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.shared_archive = SharedArchiveBox(data_dir or archive_folder)
        layout.addWidget(self.shared_archive)
        layout.addWidget(box)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Archive folder", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _add_recordings_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of recordings")
        if folder:
            self.folders.addItem(folder)

    def _on_accepted(self) -> None:
        password = self.caldav_password.text()
        if password and self.caldav_url.text().strip():
            try:
                from desktop_app.core.calendar import CalDavAccount, store_caldav_password

                account = CalDavAccount(
                    self.caldav_url.text().strip(),
                    self.caldav_user.text().strip(),
                    self.caldav_calendar.text().strip(),
                )
                store_caldav_password(account, password)
            except Exception as error:  # the keyring backend's own errors vary by platform
                self.keyring_message.setText(
                    f"The password could not be stored in the keyring: {error}"
                )
                return
        problem = self.shared_archive.apply()
        if problem:
            self.shared_archive.result.setText(f"✗ {problem}")
            return
        self.accept()

    def result_config(self) -> AppConfig:
        """The preferences as edited."""
        zone = self.zone.currentText().strip()
        return replace(
            self._config,
            archive_dir=self.folder.text().strip(),
            display_timezone="" if zone in {"", SYSTEM_ZONE} else zone,
            reminder_minutes=self.reminder.value(),
            update_on_start=self.update_on_start.isChecked(),
            backups_to_keep=self.backups.value(),
            theme=self.theme.currentText(),
            search_engine=str(self.engine.currentData()),
            recording_folders=[self.folders.item(i).text() for i in range(self.folders.count())],
            caldav_url=self.caldav_url.text().strip(),
            caldav_username=self.caldav_user.text().strip(),
            caldav_calendar=self.caldav_calendar.text().strip(),
        )


def _wrap(layout: QHBoxLayout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget
