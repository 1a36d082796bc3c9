"""File → Sources…: the places series publish their talks: add (with a live check of the
URL), see each one's last result, remove."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from desktop_app.core.errors import ArchiveError
from desktop_app.core.sources.kinds import detect_kind, with_scheme
from desktop_app.ui.wording import plural

if TYPE_CHECKING:
    from desktop_app.core.sources.store import SourceInfo
    from desktop_app.ui.main_window import MainWindow

KIND_LABELS = {
    "": "Found from the URL",
    "ics": "Calendar feed (.ics, webcal)",
    "researchseminars": "researchseminars.org series",
    "youtube": "YouTube playlist",
    "file": "A file on this computer",
}
COLUMNS = ("Series", "Kind", "Last update", "Result", "Address")


class SourcesDialog(QDialog):
    """The list of sources, and the form to add one."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.setWindowTitle("Sources")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Sources")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Stop following the source (its talks stay)")
        self.remove_button.clicked.connect(self.remove_selected)

        self.series = QComboBox()
        self.series.setEditable(True)
        self.series.setAccessibleName("Series")
        self.series.setToolTip("A series of the archive, or a new one's short name")
        self.url = QLineEdit()
        self.url.setAccessibleName("Address")
        self.url.setPlaceholderText(
            "https://…/calendar.ics, webcal://…, researchseminars.org/seminar/ID, a file path"
        )
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Read the address now and say what it holds")
        self.check_button.clicked.connect(self.check)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Check result")
        self.url.textChanged.connect(self._on_url_changed)

        form = QFormLayout()
        form.addRow("Series:", self.series)
        address = QHBoxLayout()
        address.addWidget(self.url, 1)
        address.addWidget(self.check_button)
        form.addRow("Address:", address)
        form.addRow("Kind:", self.kind)
        form.addRow("", self.message)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        list_row = QHBoxLayout()
        list_row.addStretch(1)
        list_row.addWidget(self.remove_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.update_button = buttons.addButton("Update now", QDialogButtonBox.ButtonRole.ActionRole)
        self.update_button.clicked.connect(window.sync.update)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Sources followed</b>"))
        layout.addWidget(self.table, 1)
        layout.addLayout(list_row)
        layout.addWidget(QLabel("<b>Add a source</b>"))
        layout.addLayout(form)
        layout.addLayout(add_row)
        layout.addWidget(buttons)
        self.resize(820, 520)
        window.sync.finished.connect(lambda _results: self.reload())
        self.reload()

    def reload(self) -> None:
        """Read the sources and series again."""
        archive = self._window.archive
        sources = archive.sources()
        self._sources: list[SourceInfo] = sources
        self.table.setRowCount(len(sources))
        for row, source in enumerate(sources):
            when = f"{source.last_sync:%Y-%m-%d %H:%M} UTC" if source.last_sync else "never"
            result = source.last_status or "not read yet"
            if source.error:  # the address is in its own column
                reason = source.error
                if reason.startswith(("http", "/", "webcal")) and ": " in reason:
                    reason = reason.split(": ", 1)[1]
                result = f"failed: {reason}"
            cells = (
                source.series,
                KIND_LABELS.get(source.kind, source.kind),
                when,
                result,
                source.url,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        typed = self.series.currentText()
        self.series.clear()
        for summary in archive.series():
            self.series.addItem(
                summary.series.short_name or summary.series.name, summary.series.slug
            )
        self.series.setCurrentText(typed)
        self.remove_button.setEnabled(bool(sources))

    def _chosen_kind(self) -> str | None:
        return self.kind.currentData() or None

    def _series_slug(self) -> str:
        index = self.series.findText(self.series.currentText(), Qt.MatchFlag.MatchExactly)
        data = self.series.itemData(index) if index >= 0 else None
        return str(data or self.series.currentText().strip())

    @Slot(str)
    def _on_url_changed(self, text: str) -> None:
        if text.strip():
            kind = detect_kind(with_scheme(text))
            self.message.setText(f"Kind found from the address: {KIND_LABELS[kind]}")
        else:
            self.message.clear()

    @Slot()
    def check(self) -> None:
        """Read the address in the background and say what it holds (nothing is added)."""
        from desktop_app.core.sources.store import SourceInfo
        from desktop_app.core.sources.sync import FetchOptions, read_source

        url = with_scheme(self.url.text())
        if not url:
            self.message.setText("Type an address first.")
            return
        kind = self._chosen_kind() or detect_kind(url)
        probe = SourceInfo(0, self._series_slug() or "check", kind, url, None, None, None)
        options = self._window.sync.options or FetchOptions()
        self.message.setText("Checking…")
        self.check_button.setEnabled(False)

        def done(answer: Any) -> None:
            self.check_button.setEnabled(True)
            if answer.entries is not None:
                found = plural(len(answer.entries), "video")
                self.message.setText(
                    f"OK: {found} found"
                    + (f" in “{answer.title}”" if answer.title else "")
                    + "; on Update each is matched to its talk, whose recording it becomes"
                )
                return
            parsed = answer.parsed
            count = len(parsed.talks) if parsed is not None else 0
            name = parsed.default_series.name if parsed and parsed.default_series else ""
            self.message.setText(
                f"OK: {plural(count, 'talk')} found" + (f" in “{name}”" if name else "")
            )

        def failed(error: Exception) -> None:
            self.check_button.setEnabled(True)
            text = error.message if isinstance(error, ArchiveError) else str(error)
            self.message.setText(f"This address cannot be read: {text}")

        self._window.tasks.submit(lambda: read_source(probe, options), done, failed)

    @Slot()
    def add(self) -> None:
        """Add the source (the series is created when new); it is read on the next update."""
        series, url = self._series_slug(), self.url.text().strip()
        if not series or not url:
            self.message.setText("Give a series and an address.")
            return
        archive = self._window.archive
        kind = self._chosen_kind()

        def done(info: SourceInfo) -> None:
            self.message.setText(f"Added: {info.url} → {info.series}. Update (F5) reads it.")
            self.url.clear()
            self.reload()

        def failed(error: Exception) -> None:
            text = error.message if isinstance(error, ArchiveError) else str(error)
            self.message.setText(f"Not added: {text}")

        self._window.tasks.submit(
            lambda: archive.add_source(series, url, kind), done, failed, lane="write"
        )

    @Slot()
    def remove_selected(self) -> None:
        """Stop following the selected sources."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self._sources[r].id for r in rows]
        if not ids:
            return
        archive = self._window.archive

        def run() -> None:
            for source_id in ids:
                archive.remove_source(source_id)

        self._window.tasks.submit(run, lambda _r: self.reload(), lane="write")
