"""The talk page side of the window: the chosen talk's page, speaker and series pages."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QObject, QUrl, Slot

from desktop_app.core.errors import ArchiveError
from desktop_app.core.records import TalkFilter, TalkRow
from desktop_app.ui.models.talk_table_model import TalkUidRole
from desktop_app.ui.views import talk_html
from desktop_app.ui.views.talk_panel import TalkPanel

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class TalkPageController(QObject):
    """Shows in the window's panel the talk chosen in the list (its key terms and related talks
    follow from the search index), speaker and series pages, and saves the talk's note.

    `current_uid` is the talk whose page is shown (None: no talk, or another kind of page).
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.current_uid: str | None = None
        window.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        window.panel.note_edited.connect(self._on_panel_note_edited)
        window.panel.link_activated.connect(self._on_panel_link_activated)

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(
        self, _selected: QItemSelection, _deselected: QItemSelection
    ) -> None:
        w = self._window
        current = w.table.selectionModel().currentIndex()
        uids = w.selected_uids()
        uid = (
            w.model.data(current, TalkUidRole) if current.isValid() and current.row() >= 0 else None
        )
        if uid not in uids:
            uid = uids[0] if uids else None
        if uid is None:
            return
        self.show_talk(uid)

    def show_talk(
        self, uid: str, extras: tuple[list[tuple[str, float]], list[TalkRow]] = ([], [])
    ) -> None:
        """Show a talk's page (key terms and related talks follow from the index)."""
        w = self._window
        try:
            detail = w.archive.get_talk(uid)
        except ArchiveError as error:
            w.panel.show_message(error.message)
            return
        changed = uid != self.current_uid
        self.current_uid = uid
        page = talk_html.talk_page_html(
            detail,
            terms=w.talk_list.terms,
            zone=w.display_zone,
            key_terms=extras[0],
            related=extras[1],
        )
        w.panel.show_talk(detail, page)
        if changed:
            self.archive_state_later(uid)
            self.load_page_extras(uid)

    def archive_state_later(self, uid: str) -> None:
        """Record that the talk was opened (in the write lane)."""
        w = self._window
        w.tasks.submit(lambda: w.archive.set_user_state(uid, opened=True), lane="write")

    def load_page_extras(self, uid: str) -> None:
        """Add the talk's key terms and related talks (from the search index, in the background)."""
        w = self._window
        index = w.search_index
        if index is None:
            return
        archive = w.archive

        def run() -> tuple[list[tuple[str, float]], list[TalkRow]]:
            terms = index.key_terms(uid, limit=10)
            related = archive.rows_for([u for u, _score in index.related(uid, limit=5)])
            return terms, related

        def done(extras: tuple[list[tuple[str, float]], list[TalkRow]]) -> None:
            if uid == self.current_uid and w.panel.detail is not None:
                self.show_talk(uid, extras)

        w.tasks.submit(
            run, done, lambda error: log.warning("related talks: %s", error), lane="search"
        )

    @Slot(str, str)
    def _on_panel_note_edited(self, uid: str, text: str) -> None:
        w = self._window
        w.tasks.submit(
            lambda: w.archive.set_user_state(uid, note=text),
            lambda _r: w.statusBar().showMessage("Note saved", 1500),
            lambda error: w.show_error("The note could not be saved.", str(error)),
            lane="write",
        )

    @Slot(QUrl)
    def _on_panel_link_activated(self, url: QUrl) -> None:
        w = self._window
        kind, value = TalkPanel.link_target(url)
        if kind == "talk":
            row = w.model.row_of(value)
            if row >= 0:
                w.table.selectRow(row)
            else:
                self.show_talk(value)
        elif kind == "speaker":
            self.show_speaker(value)
        elif kind == "series":
            self.show_series(value)
        elif kind == "filter-series":
            w.sidebar.set_filter(replace(w.sidebar.current_filter(), series=value))
        else:
            w.open_url(value)

    def show_speaker(self, name: str) -> None:
        """The speaker's page: every talk of theirs across series."""
        w = self._window
        talks = [
            r
            for r in w.archive.list_talks(TalkFilter(speaker=name))
            if any(s.name == name for s in r.speakers)
        ]
        bios = [t.bio for t in w.archive.iter_talks(r.uid for r in talks)]
        bio = next((b for b in bios if b), None)
        self.current_uid = None
        w.panel.show_page(talk_html.speaker_page_html(name, talks, bio, w.display_zone))

    def show_series(self, slug: str) -> None:
        """The series page."""
        w = self._window
        try:
            summary = w.archive.get_series(slug)
        except ArchiveError as error:
            w.show_error(error.message)
            return
        self.current_uid = None
        w.panel.show_page(talk_html.series_page_html(summary))
