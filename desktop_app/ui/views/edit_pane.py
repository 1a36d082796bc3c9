"""The talk editor: every editable fact of one talk, checked as it is typed.

An edited field is marked "edited"; hovering the mark shows the source's value and its ↺
button reverts the field. Several selected talks get the bulk form: a series, a tag or a
speaker's affiliation for all of them at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.editing import parse_speaker, speaker_text
from desktop_app.core.errors import InputError
from desktop_app.core.records import Speaker, TalkData
from desktop_app.core.timeutil import format_exchange_start, is_zone_name
from desktop_app.core.urls import check_url

FIELD_LABELS = {
    "title": "Title",
    "speakers": "Speakers",
    "start": "Date and time",
    "timezone": "Time zone",
    "duration_minutes": "Length (min)",
    "series": "Series",
    "recording_url": "Recording",
    "tags": "Tags",
    "abstract": "Abstract",
}
_ERROR_STYLE = "color: #c0392b;"


class SpeakerCompleter(QCompleter):
    """Completes the speaker being typed (after the last ";") from the archive's speakers."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(";", 1)[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:
        typed = self.widget().text() if self.widget() is not None else ""
        head = typed.rsplit(";", 1)[0] + "; " if ";" in typed else ""
        return head + str(index.data())


class EditPane(QWidget):
    """The form; the controller fills it, reads `changes()` and shows the core's errors.

    Signals:
        save_requested: Save (Ctrl+S, or Ctrl+Enter to save and edit the next talk: `next`).
        cancel_requested: Cancel (Esc).
        revert_requested: (field) the ↺ button of an edited field.
    """

    save_requested = Signal(bool)  # True: go on with the next talk of the list
    cancel_requested = Signal()
    revert_requested = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Edit talk")
        self._shown: dict[str, Any] = {}
        self._bulk = False
        self.recording_folders: list[str] = []  # where local recordings may be (Preferences)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)

        self.title = QLineEdit()
        self.speakers = QLineEdit()
        self.speakers.setPlaceholderText("Name (Affiliation); Name (Affiliation)")
        self.speaker_model = QStringListModel(self)
        completer = SpeakerCompleter(self.speaker_model, self.speakers)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.speakers.setCompleter(completer)
        self.start = QLineEdit()
        self.start.setPlaceholderText("2024-05-29 12:00  (or with an offset: …12:00-04:00)")
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.addItems(["", *sorted(available_timezones())])
        self.timezone.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.duration = QSpinBox()
        self.duration.setRange(0, 1440)
        self.duration.setSpecialValueText("unknown")
        self.series = QComboBox()
        self.recording = QLineEdit()
        self.recording.setPlaceholderText("https://…")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("tag, another tag")
        self.abstract = QPlainTextEdit()
        self.abstract.setMinimumHeight(120)
        self.bulk_tag = QLineEdit()
        self.bulk_tag.setPlaceholderText("a tag to add to every selected talk")
        self.bulk_speaker = QLineEdit()
        self.bulk_speaker.setPlaceholderText("a speaker's name…")
        self.bulk_affiliation = QLineEdit()
        self.bulk_affiliation.setPlaceholderText("…and their affiliation at these talks")

        self.inputs: dict[str, QWidget] = {
            "title": self.title,
            "speakers": self.speakers,
            "start": self.start,
            "timezone": self.timezone,
            "duration_minutes": self.duration,
            "series": self.series,
            "recording_url": self.recording,
            "tags": self.tags,
            "abstract": self.abstract,
        }
        self.errors: dict[str, QLabel] = {}
        self.marks: dict[str, QToolButton] = {}
        form = self.form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, QWidget] = {}
        for field, widget in self.inputs.items():
            widget.setAccessibleName(FIELD_LABELS[field])
            self.rows[field] = self._row(form, field, widget)
        self.bulk_rows = [
            self._plain_row(form, "Add a tag", self.bulk_tag),
            self._plain_row(form, "Speaker", self.bulk_speaker),
            self._plain_row(form, "Affiliation", self.bulk_affiliation),
        ]
        self.start_hint = QLabel()
        self.start_hint.setWordWrap(True)
        form.insertRow(3, "", self.start_hint)
        self.spread_affiliations = QCheckBox("Use a new affiliation at all their talks")
        self.spread_affiliations.setToolTip(
            "An affiliation you change here is also set at every other talk of that speaker "
            "(only this talk otherwise)"
        )
        form.insertRow(2, "", self.spread_affiliations)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR_STYLE)
        self.message.setAccessibleName("Problem")

        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save (Ctrl+S); Ctrl+Enter saves and edits the next talk")
        self.save_button.clicked.connect(lambda: self.save_requested.emit(False))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Close without saving (Esc)")
        self.cancel_button.clicked.connect(self.cancel_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.heading)
        body_layout.addLayout(form)
        body_layout.addWidget(self.message)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        self.recording.textChanged.connect(self._check_recording)
        self.start.textChanged.connect(self._check_start)
        self.timezone.currentTextChanged.connect(self._check_start)

    # ------------------------------------------------------------------ building

    def _row(self, form: QFormLayout, field: str, widget: QWidget) -> QWidget:
        mark = QToolButton()
        mark.setText("edited ↺")
        mark.setAutoRaise(True)
        mark.setAccessibleName(f"Revert {FIELD_LABELS[field]}")
        mark.clicked.connect(lambda _c=False, f=field: self.revert_requested.emit(f))
        mark.hide()
        self.marks[field] = mark
        error = QLabel()
        error.setStyleSheet(_ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        self.errors[field] = error
        row = QWidget()
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        line.addWidget(widget, 1)
        line.addWidget(mark)
        box.addLayout(line)
        box.addWidget(error)
        form.addRow(FIELD_LABELS[field], row)
        return row

    def _plain_row(self, form: QFormLayout, label: str, widget: QWidget) -> QWidget:
        form.addRow(label, widget)
        return widget

    # ------------------------------------------------------------------ filling

    def load(
        self,
        talk: TalkData,
        *,
        edited: dict[str, Any],
        source: TalkData,
        series: list[tuple[str, str]],
        speakers: list[Speaker],
    ) -> None:
        """Show one talk's facts; mark the edited ones (their source value on hover)."""
        self._bulk = False
        self._set_bulk(False)
        self.heading.setText(f"Edit: {talk.title or 'untitled talk'}")
        self._fill_series(series)
        self.speaker_model.setStringList([speaker_text(s) for s in speakers])
        self.title.setText(talk.title or "")
        self.speakers.setText("; ".join(speaker_text(s) for s in talk.speakers))
        self.timezone.setCurrentText(talk.timezone or "")
        self.start.setText(_start_text(talk))
        self.duration.setValue(talk.duration_minutes or 0)
        self.series.setCurrentIndex(max(0, self.series.findData(talk.series)))
        self.recording.setText(talk.recording_url or "")
        self.tags.setText(", ".join(talk.tags))
        self.abstract.setPlainText(talk.abstract or "")
        self.spread_affiliations.setChecked(False)
        self._shown = self.values()
        sources = _source_values(source)
        for field, mark in self.marks.items():
            mark.setVisible(field in edited)
            mark.setToolTip(
                f"You edited this. The source says: {sources.get(field) or '(nothing)'}\n"
                "Click to go back to the source's value."
            )
        self.clear_errors()
        self._check_start()
        self._check_recording()

    def load_bulk(self, count: int, series: list[tuple[str, str]], speakers: list[Speaker]) -> None:
        """The form for several talks: a series, a tag, a speaker's affiliation."""
        self._bulk = True
        self._set_bulk(True)
        self.heading.setText(f"Edit {count} talks at once")
        self._fill_series(series, with_none=True)
        names = QStringListModel([s.name for s in speakers], self)
        self.bulk_speaker.setCompleter(QCompleter(names, self.bulk_speaker))
        for widget in (self.bulk_tag, self.bulk_speaker, self.bulk_affiliation):
            widget.clear()
        self.clear_errors()

    def _set_bulk(self, bulk: bool) -> None:
        for field, row in self.rows.items():
            self.form.setRowVisible(row, not bulk or field == "series")
        for widget in self.bulk_rows:
            self.form.setRowVisible(widget, bulk)
        self.form.setRowVisible(self.start_hint, not bulk)
        self.form.setRowVisible(self.spread_affiliations, not bulk)

    def _fill_series(self, series: list[tuple[str, str]], with_none: bool = False) -> None:
        self.series.clear()
        if with_none:
            self.series.addItem("(keep each talk's series)", None)
        for slug, name in series:
            self.series.addItem(name, slug)

    @property
    def bulk(self) -> bool:
        """True when the form edits several talks."""
        return self._bulk

    # ------------------------------------------------------------------ reading

    def values(self) -> dict[str, Any]:
        """The form's values, as `Archive.edit_talk` takes them."""
        speakers = [part.strip() for part in self.speakers.text().split(";") if part.strip()]
        return {
            "title": self.title.text().strip() or None,
            "speakers": speakers,
            "start": self.start.text().strip() or None,
            "timezone": self.timezone.currentText().strip() or None,
            "duration_minutes": self.duration.value() or None,
            "series": self.series.currentData(),
            "recording_url": self.recording.text().strip() or None,
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "abstract": self.abstract.toPlainText().strip() or None,
        }

    def changes(self) -> dict[str, Any]:
        """The fields the user changed since the talk was loaded."""
        now = self.values()
        changed = {field: value for field, value in now.items() if value != self._shown.get(field)}
        if "start" in changed or "timezone" in changed:
            changed.setdefault("start", now["start"])  # a zone change rereads the typed time
        return changed

    def new_affiliations(self) -> list[Speaker]:
        """The speakers whose affiliation the user changed, when it is to be used at all their
        talks ("Use a new affiliation at all their talks"); none otherwise."""
        if self._bulk or not self.spread_affiliations.isChecked():
            return []
        before = {s.name: s.affiliation for s in parse_speakers("; ".join(self._shown["speakers"]))}
        return [
            s
            for s in parse_speakers(self.speakers.text())
            if s.affiliation and s.name in before and before[s.name] != s.affiliation
        ]

    def bulk_changes(self) -> dict[str, str]:
        """What the bulk form sets: series, tag, speaker and affiliation (those filled in)."""
        found = {
            "series": self.series.currentData() or "",
            "tag": self.bulk_tag.text().strip(),
            "speaker": self.bulk_speaker.text().strip(),
            "affiliation": self.bulk_affiliation.text().strip(),
        }
        return {key: value for key, value in found.items() if value}

    # ------------------------------------------------------------------ messages

    def clear_errors(self) -> None:
        """Hide every message."""
        for label in self.errors.values():
            label.hide()
        self.message.clear()

    def show_error(self, error: InputError) -> None:
        """The core refused a value: say so beside its field (nothing was saved)."""
        field = _field_named(error.message)
        text = error.message + (f" — {error.detail}" if error.detail else "")
        if field in self.errors:
            self.errors[field].setText(text)
            self.errors[field].show()
            self.inputs[field].setFocus()
        self.message.setText("Nothing was saved: " + text)

    def _check_recording(self) -> None:
        text = self.recording.text().strip()
        decision = check_url(text, self.recording_folders) if text else None
        label = self.errors["recording_url"]
        if decision is not None and not decision.allowed:
            label.setText(f"This link would be refused: {decision.reason}")
            label.show()
        else:
            label.hide()

    def _check_start(self) -> None:
        text = self.start.text().strip()
        zone_name = self.timezone.currentText().strip()
        label = self.errors["start"]
        if zone_name and not is_zone_name(zone_name):
            self.start_hint.setText(f"“{zone_name}” is not a time zone")
            return
        if not text:
            self.start_hint.setText("The date is not known")
            label.hide()
            return
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            label.setText("Not a date and time: write 2024-05-29 12:00")
            label.show()
            self.start_hint.clear()
            return
        label.hide()
        if value.tzinfo is None and not zone_name:
            self.start_hint.setText("Give a time zone, or an offset such as -04:00")
            return
        zone_text = zone_name or value.strftime("UTC%z")
        self.start_hint.setText(f"{value:%A %d %B %Y, %H:%M} ({zone_text})")

    def keyPressEvent(self, event: Any) -> None:
        key, modifiers = event.key(), event.modifiers()
        control = modifiers & Qt.KeyboardModifier.ControlModifier
        if key == Qt.Key.Key_Escape:
            self.cancel_requested.emit()
        elif control and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save_requested.emit(True)
        elif control and key == Qt.Key.Key_S:
            self.save_requested.emit(False)
        else:
            super().keyPressEvent(event)


def _start_text(talk: TalkData) -> str:
    if talk.start is None:
        return ""
    return format_exchange_start(talk.start, talk.timezone).replace("T", " ")[:16]


def _source_values(source: TalkData) -> dict[str, str]:
    return {
        "title": source.title or "",
        "speakers": "; ".join(speaker_text(s) for s in source.speakers),
        "start": _start_text(source),
        "timezone": source.timezone or "",
        "duration_minutes": str(source.duration_minutes or ""),
        "series": source.series,
        "recording_url": source.recording_url or "",
        "tags": ", ".join(source.tags),
        "abstract": (source.abstract or "")[:300],
    }


def _field_named(message: str) -> str:
    """The form field an error message of the core starts with ("start: …")."""
    head = message.split(":", 1)[0].strip()
    return {
        "speaker": "speakers",
        "recording": "recording_url",
        "duration": "duration_minutes",
        "link": "recording_url",
        "tag": "tags",
    }.get(head, head)


def parse_speakers(text: str) -> list[Speaker]:
    """Speakers typed as "Name (Affiliation); Name"."""
    return [parse_speaker(part) for part in text.split(";") if part.strip()]
