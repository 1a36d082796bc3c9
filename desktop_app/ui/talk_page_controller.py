"""The talk page side of the window: the chosen talk's page, speaker and series pages."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QObject, QUrl, Signal, Slot

from desktop_app.core.errors import ArchiveError
from desktop_app.core.records import TalkRow
from desktop_app.ui.models.talk_table_model import TalkUidRole
from desktop_app.ui.views import talk_html
from desktop_app.ui.views.talk_panel import TalkPanel

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
NOTE_NOT_SAVED = "Note not saved"


Extras = tuple[list[tuple[str, float]], list[TalkRow]]  # key terms, related talks
Page = tuple[str, str]  # ("talk", uid), ("speaker", name) or ("series", slug)


class TalkPageController(QObject):
    """Shows in the window's panel the talk chosen in the list (its key terms and related talks
    follow from the search index), speaker and series pages, and saves the talk's note.

    Pages visited are kept for Back and Forward (Alt+Left, Alt+Right).

    `current_uid` is the talk whose page is shown (None: no talk, or another kind of page).

    Signals:
        history_changed: Back or Forward became possible or impossible.
    """

    history_changed = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.current_uid: str | None = None
        self._extras: tuple[str, Extras] | None = None  # of the talk shown, once read
        self._page: Page | None = None
        self._back: list[Page] = []
        self._forward: list[Page] = []
        window.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        window.panel.note_edited.connect(self._on_panel_note_edited)
        window.panel.link_activated.connect(self._on_panel_link_activated)
        window.panel.scope_search.connect(self._on_scope_search)

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
        if uid is not None and uid != self.current_uid:
            self._visit(("talk", uid), select=False)
        w.update_talk_actions()

    # ------------------------------------------------------------------ history

    def can_go_back(self) -> bool:
        """A page was shown before this one."""
        return bool(self._back)

    def can_go_forward(self) -> bool:
        """Back was used and the page it left can be shown again."""
        return bool(self._forward)

    @Slot()
    def go_back(self) -> None:
        """Show the page shown before (Alt+Left)."""
        if self._back:
            if self._page is not None:
                self._forward.append(self._page)
            self._show(self._back.pop())
            self.history_changed.emit()

    @Slot()
    def go_forward(self) -> None:
        """Show again the page Back left (Alt+Right)."""
        if self._forward:
            if self._page is not None:
                self._back.append(self._page)
            self._show(self._forward.pop())
            self.history_changed.emit()

    def _visit(self, page: Page, *, select: bool = True) -> None:
        if page == self._page:
            self._show(page, select=select)
            return
        if self._page is not None:
            self._back.append(self._page)
            del self._back[:-100]
        self._forward.clear()
        self._show(page, select=select)
        self.history_changed.emit()

    def _show(self, page: Page, *, select: bool = True) -> None:
        kind, value = page
        self._page = page
        if kind == "talk":
            if select:
                self._select_in_list(value)
            self.show_talk(value)
        elif kind == "speaker":
            self._show_speaker(value)
        else:
            self._show_series(value)

    def _select_in_list(self, uid: str) -> None:
        """Select the talk's row, or no row when the list does not hold it."""
        w = self._window
        row = w.model.row_of(uid)
        selection = w.table.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            w.table.selectRow(row)
        else:
            selection.clearSelection()
        selection.blockSignals(False)
        w.table.viewport().update()

    def clear(self, message: str = "Select a talk to read its abstract.") -> None:
        """No page: the talk shown left the list (a search or a filter)."""
        self.current_uid = None
        self._extras = None
        if self._page is not None:
            self._back.append(self._page)
            self._page = None
            self.history_changed.emit()
        self._window.panel.show_message(message)
        self._window.update_talk_actions()

    # ------------------------------------------------------------------ talk page

    def show_talk(self, uid: str, extras: Extras | None = None) -> None:
        """Show a talk's page (key terms and related talks follow from the index, and stay
        when the page is shown again after a mark, an undo, an import or Preferences)."""
        w = self._window
        try:
            detail = w.archive.get_talk(uid)
        except ArchiveError as error:
            w.panel.show_message(error.message)
            return
        changed = uid != self.current_uid
        self.current_uid = uid
        self._page = ("talk", uid)
        if extras is not None:
            self._extras = (uid, extras)
        elif self._extras is not None and self._extras[0] == uid:
            extras = self._extras[1]
        else:
            self._extras = None
        page = talk_html.talk_page_html(
            detail,
            terms=w.talk_list.terms,
            marks=w.talk_list.marks,
            zone=w.display_zone,
            key_terms=extras[0] if extras else (),
            related=extras[1] if extras else (),
            sources=[(s.kind, s.url) for s in w.archive.talk_sources(uid)],
            removed_by_source=w.archive.removed_by_source(uid),
        )
        w.panel.show_talk(detail, page)
        if changed:
            self.archive_state_later(uid)
        if changed or extras is None:
            self.load_page_extras(uid)

    def refresh(self) -> None:
        """Show the current page again (its talk changed, or the display settings)."""
        if self.current_uid is not None:
            self.show_talk(self.current_uid)

    def archive_state_later(self, uid: str) -> None:
        """Record that the talk was opened (in the write lane)."""
        w = self._window
        w.tasks.submit(lambda: w.archive.set_user_state(uid, opened=True), lane="write")

    def load_page_extras(self, uid: str, *, again: bool = False) -> None:
        """Add the talk's key terms and related talks (from the search index, in the background;
        `again`: read them anew, the index changed)."""
        w = self._window
        index = w.search_index
        if index is None:
            return
        if again and self._extras is not None and self._extras[0] == uid:
            self._extras = None
        archive = w.archive

        def run() -> Extras:
            terms = index.key_terms(uid, limit=10)
            related = archive.rows_for([u for u, _score in index.related(uid, limit=5)])
            return terms, related

        def done(extras: Extras) -> None:
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
            lambda error: self._note_not_saved(text, error),
            lane="write",
        )

    def _note_not_saved(self, text: str, error: Exception) -> None:
        """A dialog (one at a time: a note is saved on every pause) with the note to copy."""
        w = self._window
        shown = w.last_problem
        if shown is not None and shown.isVisible() and shown.windowTitle() == NOTE_NOT_SAVED:
            shown.link = text  # the newest text is the one to copy
            return
        w.show_problem(
            NOTE_NOT_SAVED,
            "Your note could not be written to the archive.",
            detail=f"{error}\n\nIt stays on the page and is saved again with your next change. "
            "Copy it to keep it safe until then.",
            link=text,
            copy_label="Copy note",
        )

    @Slot(QUrl)
    def _on_panel_link_activated(self, url: QUrl) -> None:
        w = self._window
        kind, value = TalkPanel.link_target(url)
        if kind in {"talk", "speaker", "series"}:
            self._visit((kind, value))
        elif kind == "filter-series":
            w.sidebar.set_filter(replace(w.sidebar.current_filter(), series=value))
        else:
            w.open_url(value)

    @Slot(str, str, str)
    def _on_scope_search(self, kind: str, value: str, text: str) -> None:
        """The page's own search box: the list shows this speaker's or series' talks that
        match (the sidebar's filter narrowed to them, the query in the search field)."""
        w = self._window
        talk_filter = w.sidebar.current_filter()
        scoped = (
            replace(talk_filter, speaker=value, series=None)
            if kind == "speaker"
            else replace(talk_filter, series=value, speaker=None)
        )
        if scoped != talk_filter:
            w.sidebar.set_filter(scoped)
        w.search_field.setText(text)

    def show_speaker(self, name: str) -> None:
        """The speaker's page: every talk of theirs across series."""
        self._visit(("speaker", name))

    def show_series(self, slug: str) -> None:
        """The series page."""
        self._visit(("series", slug))

    def _show_speaker(self, name: str) -> None:
        w = self._window
        profile = w.archive.speaker_profile(name)
        self.current_uid = None
        self._extras = None
        self._select_in_list("")
        w.panel.show_page(
            talk_html.speaker_page_html(profile, w.display_zone), scope=("speaker", name)
        )
        w.update_talk_actions()

    def _show_series(self, slug: str) -> None:
        w = self._window
        try:
            summary = w.archive.get_series(slug)
        except ArchiveError as error:
            w.show_error(error.message)
            return
        self.current_uid = None
        self._extras = None
        self._select_in_list("")
        w.panel.show_page(talk_html.series_page_html(summary), scope=("series", slug))
        w.update_talk_actions()
