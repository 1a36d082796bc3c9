"""Saved searches in the sidebar: save the query and filters (Ctrl+Shift+S), run one with a
click, rename, reorder and delete from its menu; their counts follow the archive (a smart
list: an import or a sync that brings matching talks raises its count)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Signal, Slot
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu

from desktop_app.core.errors import ArchiveError
from desktop_app.ui.views.filter_chips import filter_parts

if TYPE_CHECKING:
    from desktop_app.core.saved import SavedSearch
    from desktop_app.ui.main_window import MainWindow


class SavedSearchController(QObject):
    """Keeps the sidebar's saved searches and their counts.

    Signals:
        counted: the counts of the saved searches are shown.
    """

    counted = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._searches: list[SavedSearch] = []
        window.sidebar.saved_chosen.connect(self.run)
        window.sidebar.saved_menu_requested.connect(self._menu)

    def _saved(self) -> Any:
        from desktop_app.core.saved import SavedSearches

        return SavedSearches(self._window.archive)

    @Slot()
    def refresh(self) -> None:
        """Read the saved searches and count their talks (in the background)."""
        w = self._window
        if w.archive is None:
            return
        archive, index, saved = w.archive, w.search_index, self._saved()

        def run() -> list[tuple[SavedSearch, int | None]]:
            counted: list[tuple[SavedSearch, int | None]] = []
            for search in saved.all():
                if not search.query:
                    counted.append((search, archive.count_talks(search.talk_filter)))
                elif index is not None:
                    total = index.search(search.query, limit=1, talk_filter=search.talk_filter)
                    counted.append((search, total.total))
                else:
                    counted.append((search, None))  # counted once the index is open
            return counted

        w.tasks.submit(
            run, self._show, lambda e: w.show_error("Saved searches:", str(e)), lane="search"
        )

    def _show(self, counted: list[tuple[SavedSearch, int | None]]) -> None:
        w = self._window
        self._searches = [s for s, _n in counted]
        names = w.sidebar.series_names()
        entries = []
        for search, count in counted:
            parts = [f"“{search.query}”"] if search.query else []
            parts += [words for _f, words in filter_parts(search.talk_filter, names)]
            entries.append((search.name, count, " · ".join(parts) or "every talk"))
        w.sidebar.show_saved(entries)
        self.counted.emit()

    def save_current(self, name: str | None = None) -> None:
        """Save the search field's query and the sidebar's filters under a name (asked)."""
        w = self._window
        query = w.search_field.text().strip()
        talk_filter = w.sidebar.current_filter()
        if name is None:
            suggested = query or "My search"
            name, ok = QInputDialog.getText(
                w, "Save search", "Name of the saved search:", QLineEdit.EchoMode.Normal, suggested
            )
            if not ok or not name.strip():
                return
        saved = self._saved()
        w.tasks.submit(
            lambda: saved.save(name, query, talk_filter),
            lambda s: (w.statusBar().showMessage(f"Saved as “{s.name}”", 3000), self.refresh()),
            lambda e: w.show_error("The search was not saved.", _text(e)),
            lane="write",
        )

    @Slot(str)
    def run(self, name: str) -> None:
        """Show a saved search: its filters and its query."""
        w = self._window
        search = next((s for s in self._searches if s.name == name), None)
        if search is None:
            return
        w.search_field.blockSignals(True)
        w.search_field.setText(search.query)
        w.search_field.blockSignals(False)
        w.sidebar.set_filter(search.talk_filter)  # refreshes the list with the query

    def rename(self, old: str, new: str) -> None:
        """Rename (in the background)."""
        self._write(lambda saved: saved.rename(old, new), "The saved search was not renamed.")

    def remove(self, name: str) -> None:
        """Delete (in the background)."""
        self._write(lambda saved: saved.remove(name), "The saved search was not deleted.")

    def move(self, name: str, delta: int) -> None:
        """Move up (-1) or down (+1)."""
        names = [s.name for s in self._searches]
        if name not in names:
            return
        position = names.index(name) + delta
        self._write(lambda saved: saved.move(name, position), "The list was not reordered.")

    def _write(self, work: Any, failure: str) -> None:
        w = self._window
        saved = self._saved()
        w.tasks.submit(
            lambda: work(saved),
            lambda _result: self.refresh(),
            lambda e: w.show_error(failure, _text(e)),
            lane="write",
        )

    @Slot(str, QPoint)
    def _menu(self, name: str, where: QPoint) -> None:
        w = self._window
        menu = QMenu(w)
        menu.addAction("Rename…", lambda: self._ask_rename(name))
        menu.addAction("Move up", lambda: self.move(name, -1))
        menu.addAction("Move down", lambda: self.move(name, +1))
        menu.addSeparator()
        menu.addAction("Delete", lambda: self.remove(name))
        menu.popup(where)
        self.menu = menu

    def _ask_rename(self, name: str) -> None:
        new, ok = QInputDialog.getText(
            self._window, "Rename saved search", "New name:", QLineEdit.EchoMode.Normal, name
        )
        if ok and new.strip() and new.strip() != name:
            self.rename(name, new)


def _text(error: Exception) -> str:
    return error.message if isinstance(error, ArchiveError) else str(error)
