"""The right-hand panel: the talk page with its buttons, toggles and the user's note."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.records import TalkDetail
from desktop_app.ui.icons import icon
from desktop_app.ui.views.find_bar import FindBar

NOTE_SAVE_DELAY_MS = 400
COMPACT_WIDTH = 430  # narrower: the buttons show icons only
CALENDAR_TARGETS = (
    ("system", "Open in my calendar app (.ics)"),
    ("google", "Google Calendar"),
    ("outlook", "Outlook.com"),
    ("caldav", "My CalDAV calendar"),
    ("file", "Save as .ics file…"),
)


class SafeTextBrowser(QTextBrowser):
    """A text browser that never loads a resource (no image or stylesheet from data)."""

    def loadResource(self, _kind: int, _name: QUrl | str) -> Any:
        return None


class TalkPanel(QWidget):
    """Shows one talk (or a speaker or series page) and its controls.

    Signals:
        open_recording_requested: the Open recording button.
        calendar_requested: (target) one of CALENDAR_TARGETS' keys.
        starred_changed: (bool) the star toggle.
        watched_changed: (bool) the watched toggle.
        note_edited: (uid, text) after the user paused typing.
        link_activated: (QUrl) a link on the page (talk:, speaker:, series:, http…).
        scope_search: (kind, value, text) text typed in a speaker's or series' search box.
    """

    open_recording_requested = Signal()
    calendar_requested = Signal(str)
    starred_changed = Signal(bool)
    watched_changed = Signal(bool)
    note_edited = Signal(str, str)
    link_activated = Signal(QUrl)
    scope_search = Signal(str, str, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._detail: TalkDetail | None = None
        self._last_target = "system"
        self._compact = False
        self._writable = True

        self.open_button = QPushButton(icon("recording"), "Open recording")
        self.open_button.setAccessibleName("Open recording")
        self.open_button.clicked.connect(self.open_recording_requested)

        self.calendar_button = QToolButton()
        self.calendar_button.setIcon(icon("calendar"))
        self.calendar_button.setText("Add to calendar")
        self.calendar_button.setAccessibleName("Add to calendar")
        self.calendar_button.setToolButtonStyle(
            self.calendar_button.toolButtonStyle().ToolButtonTextBesideIcon
        )
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        menu = QMenu(self.calendar_button)
        for key, label in CALENDAR_TARGETS:
            action = menu.addAction(label)
            action.setData(key)
            action.triggered.connect(lambda _checked=False, k=key: self._request_calendar(k))
        self.calendar_button.setMenu(menu)
        self.calendar_button.clicked.connect(lambda: self._request_calendar(self._last_target))

        self.add_date_button = QToolButton()
        self.add_date_button.setText("Add the date…")
        self.add_date_button.setAccessibleName("Add the date")
        self.add_date_button.setToolTip("The date of this talk is not known: add it (Ctrl+E)")
        self.add_date_button.hide()

        self.star_button = QToolButton()
        self.star_button.setCheckable(True)
        self.star_button.setAccessibleName("Star")
        self.star_button.toggled.connect(self._on_star_toggled)
        self._update_star_icon()  # shown (disabled) before a talk is chosen too

        self.watched_button = QToolButton()
        self.watched_button.setCheckable(True)
        self.watched_button.setAccessibleName("Watched")
        self.watched_button.setToolButtonStyle(
            self.watched_button.toolButtonStyle().ToolButtonTextBesideIcon
        )
        self.watched_button.toggled.connect(self._on_watched_toggled)
        self._update_watched_button()

        buttons = QHBoxLayout()
        for widget in (
            self.open_button,
            self.calendar_button,
            self.add_date_button,
            self.star_button,
            self.watched_button,
        ):
            buttons.addWidget(widget)
        buttons.addStretch(1)

        self.browser = SafeTextBrowser()
        self.browser.setAccessibleName("Talk page")
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.anchorClicked.connect(self.link_activated)

        self.note_label = QLabel("Your note (saved as you type):")
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Your note")
        self.note.setToolTip("Your own note on this talk; it is kept through every re-import")
        self.note.setPlaceholderText("Write a note about this talk…")
        self.note.setMaximumHeight(110)
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self._note_timer.timeout.connect(self.flush_note)
        self._note_pending: str | None = None  # the uid whose note has unsaved typing
        self.note.textChanged.connect(self._on_note_text_changed)

        self.scope_field = QLineEdit()
        self.scope_field.setAccessibleName("Search within this page")
        self.scope_field.setClearButtonEnabled(True)
        self.scope_field.setToolTip(
            "Search only this speaker's or series' talks: the list shows the matches, highlighted"
        )
        self.scope_field.textChanged.connect(self._on_scope_text_changed)
        self.scope_field.hide()
        self._scope: tuple[str, str] | None = None  # ("speaker", name) or ("series", slug)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.scope_field)
        layout.addWidget(self.browser, 1)
        self.find_bar = FindBar(self.browser)
        layout.addWidget(self.find_bar)
        self.browser.textChanged.connect(self.find_bar.page_changed)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        self.show_message("Select a talk to read its abstract.")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_compact(event.size().width() < COMPACT_WIDTH)

    def _set_compact(self, compact: bool) -> None:
        """Narrow: the buttons show their icons only (their tooltips still name them)."""
        if compact == self._compact:
            return
        self._compact = compact
        self.open_button.setText("" if compact else "Open recording")
        style = (
            Qt.ToolButtonStyle.ToolButtonIconOnly
            if compact
            else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        self.calendar_button.setToolButtonStyle(style)
        self.watched_button.setToolButtonStyle(style)

    @property
    def compact(self) -> bool:
        """True when the buttons show icons only."""
        return self._compact

    @property
    def detail(self) -> TalkDetail | None:
        """The talk shown, if a talk is shown."""
        return self._detail

    @property
    def last_calendar_target(self) -> str:
        """The target the one-click calendar button uses."""
        return self._last_target

    def set_last_calendar_target(self, target: str) -> None:
        """The target the one-click button uses."""
        self._last_target = target
        label = dict(CALENDAR_TARGETS).get(target, "")
        self.calendar_button.setToolTip(f"Add to calendar: {label} (Ctrl+D); the arrow offers more")

    def show_message(self, text: str) -> None:
        """An empty page with a message; talk controls disabled."""
        self.flush_note()
        self._detail = None
        self.browser.setPlainText(text)
        self._set_talk_controls(False)
        self._set_scope(None)

    def show_page(self, page_html: str, scope: tuple[str, str] | None = None) -> None:
        """A speaker or series page (talk controls disabled); `scope` ("speaker", name) or
        ("series", slug) shows a search box for its talks."""
        self.flush_note()
        self._detail = None
        self.browser.setHtml(page_html)
        self._set_talk_controls(False)
        self._set_scope(scope)

    def _set_scope(self, scope: tuple[str, str] | None) -> None:
        if scope != self._scope:
            self.scope_field.blockSignals(True)
            self.scope_field.clear()
            self.scope_field.blockSignals(False)
        self._scope = scope
        if scope is not None:
            kind, _value = scope
            self.scope_field.setPlaceholderText(
                "Search this speaker's talks…" if kind == "speaker" else "Search this series…"
            )
        self.scope_field.setVisible(scope is not None)

    @Slot(str)
    def _on_scope_text_changed(self, text: str) -> None:
        if self._scope is not None:
            self.scope_search.emit(self._scope[0], self._scope[1], text)

    def show_talk(self, detail: TalkDetail, page_html: str) -> None:
        """Show a talk; keeps the scroll position when it is the same talk again."""
        same = self._detail is not None and self._detail.talk.uid == detail.talk.uid
        if not same:
            self.flush_note()
        scroll = self.browser.verticalScrollBar().value() if same else 0
        self._detail = detail
        self._set_scope(None)
        self.browser.setHtml(page_html)
        self.browser.verticalScrollBar().setValue(scroll)
        self._set_talk_controls(True)
        for button, on in (
            (self.star_button, detail.user.starred),
            (self.watched_button, detail.user.watched),
        ):
            button.blockSignals(True)
            button.setChecked(on)
            button.blockSignals(False)
        self._update_star_icon()
        self._update_watched_button()
        if not same or not (self.note.hasFocus() or self.note_pending):
            self.note.blockSignals(True)
            self.note.setPlainText(detail.user.note)
            self.note.blockSignals(False)
        talk = detail.talk
        self.open_button.setEnabled(bool(talk.recording_url))
        self.open_button.setToolTip(
            f"Open the recording: {talk.recording_url} (Enter)"
            if talk.recording_url
            else "No recording of this talk is known"
        )
        self.calendar_button.setEnabled(talk.start is not None)
        self.add_date_button.setVisible(talk.start is None and self._writable)
        if talk.start is None:
            self.calendar_button.setToolTip(
                "This talk has no known date, so it cannot go into a calendar: "
                "use “Add the date…” beside it"
            )
        else:
            self.set_last_calendar_target(self._last_target)

    def _set_talk_controls(self, enabled: bool) -> None:
        if not enabled:
            self.add_date_button.hide()
        for widget in (
            self.open_button,
            self.calendar_button,
            self.star_button,
            self.watched_button,
            self.note,
            self.note_label,
        ):
            widget.setEnabled(enabled)
        self.note.setVisible(enabled)
        self.note_label.setVisible(enabled)
        if enabled and not self._writable:
            self.star_button.setEnabled(False)
            self.watched_button.setEnabled(False)

    def set_writable(self, writable: bool, reason: str = "") -> None:
        """Allow or stop the changes a talk page offers (marks, the note, adding a date);
        `reason` says why in their tooltips."""
        self._writable = writable
        self.note.setReadOnly(not writable)
        self.note.setPlaceholderText(
            "Write a note about this talk…" if writable else f"No notes here: {reason}"
        )
        self.note_label.setText(
            "Your note (saved as you type):" if writable else "Your note (read-only):"
        )
        if self._detail is not None:
            self.star_button.setEnabled(writable)
            self.watched_button.setEnabled(writable)
            self.add_date_button.setVisible(writable and self._detail.talk.start is None)
        if not writable:
            for button in (self.star_button, self.watched_button):
                button.setToolTip(f"Not now: {reason}")
        else:
            self._update_star_icon()
            self._update_watched_button()

    def _update_star_icon(self) -> None:
        on = self.star_button.isChecked()
        self.star_button.setIcon(icon("star" if on else "star-off"))
        if self._writable:
            self.star_button.setToolTip(
                "Starred — click to unstar (S)" if on else "Star this talk (S)"
            )

    def _update_watched_button(self) -> None:
        if self.watched_button.isChecked():
            self.watched_button.setIcon(icon("watched"))
            self.watched_button.setText("Watched")
            tip = "You watched this talk — click to unmark it (W)"
        else:
            self.watched_button.setIcon(icon("watched-off"))
            self.watched_button.setText("Not watched")
            tip = "Mark this talk as watched (W)"
        if self._writable:
            self.watched_button.setToolTip(tip)

    def _request_calendar(self, target: str) -> None:
        # The window makes the target the one-click default once it worked.
        self.calendar_requested.emit(target)

    @Slot(bool)
    def _on_star_toggled(self, on: bool) -> None:
        self._update_star_icon()
        self.starred_changed.emit(on)

    @Slot(bool)
    def _on_watched_toggled(self, on: bool) -> None:
        self._update_watched_button()
        self.watched_changed.emit(on)

    @Slot()
    def _on_note_text_changed(self) -> None:
        if self._detail is not None:
            self._note_pending = self._detail.talk.uid
            self._note_timer.start()

    @property
    def note_pending(self) -> bool:
        """True while typed note text waits for its save."""
        return self._note_pending is not None

    @Slot()
    def flush_note(self) -> None:
        """Save the typed note now: after a pause in typing, on talk change, and on close."""
        self._note_timer.stop()
        uid, self._note_pending = self._note_pending, None
        if uid is not None:
            self.note_edited.emit(uid, self.note.toPlainText())

    @staticmethod
    def link_target(url: QUrl) -> tuple[str, str]:
        """(scheme, value) of a page link: talk, speaker, series, filter-series, or a web URL."""
        text = url.toString()
        scheme, _, rest = text.partition(":")
        if scheme in {"talk", "speaker", "series", "filter-series"}:
            return scheme, unquote(rest)
        return "web", text
