"""The search index in the window: opened off the GUI thread, kept caught up, closed."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

INDEX_INLINE_UPDATES = 50  # larger imports are indexed in the background after they commit


class IndexClosingError(Exception):
    """Raised into background index builds when the window closes."""


class SearchIndexController(QObject):
    """Opens the archive's search index in the background and keeps it up to date.

    `index` is None until the index is open. A large import leaves the index behind the
    database; it then catches up in the background while searches answer from the previous
    version.

    Signals:
        ready: the index is open.
        failed: (message, detail) opening or updating the index failed.
        status: (text) what the status bar says about the index ("" when nothing).
        updated: a background update finished; a shown search may be run again.
        behind: (talks) a large change left the index behind (emitted from a writing thread).
        progress: (done, total) talks indexed by a build (emitted from its worker).
    """

    ready = Signal()
    failed = Signal(str, str)
    status = Signal(str)
    updated = Signal()
    behind = Signal(int)
    progress = Signal(int, int)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.index: Any = None
        self.error: str | None = None  # why the index could not be opened
        self._requested = False
        self._catching_up = False
        self._switching = False  # an index of another engine is being built
        self._opens = 0  # opens asked for (only the last one's index is kept)
        self._wanted_engine: str | None = None
        self._archive: Archive | None = None
        self._closing = threading.Event()
        self.behind.connect(lambda _talks: self.catch_up())
        self.progress.connect(self._on_progress)

    @property
    def requested(self) -> bool:
        """True once `open` was called."""
        return self._requested

    def open(self, archive: Archive) -> None:
        """Open the index in the search lane (once); a first start builds it there."""
        if self._requested:
            return
        self._requested = True

        def open_index() -> Any:
            from desktop_app.core.search import SearchIndex

            index = SearchIndex.open(archive, catch_up=False)
            if not index.ready:
                index.catch_up(self._report_progress)  # the first build: searches wait for it
            return index

        self._opens += 1
        number = self._opens

        def opened(index: Any) -> None:
            if number != self._opens:  # reopened meanwhile: a later open's index is the one
                self._tasks.submit(index.close, lane="search")
                return
            self._on_opened(index)

        self._tasks.submit(open_index, opened, self._on_open_failed, lane="search")

    def reopen(self, archive: Archive) -> None:
        """Close the index and open it for `archive` (a shared archive and its read copy
        share one index folder)."""
        old, self.index = self.index, None
        self._requested, self.error = False, None
        if old is not None:  # in the search lane: after a search running there, never waited on
            self._tasks.submit(old.close, lane="search")
        self.open(archive)

    def switch_engine(self, archive: Archive, engine: str) -> None:
        """Build the index with `engine` beside the one in use (which keeps answering), then
        swap it in. A switch asked for while another runs, or while the index is still
        opening, follows once that is done (the last choice wins)."""
        self._archive, self._wanted_engine = archive, engine
        if not self._switching and self.index is not None:
            self._follow_wanted_engine()

    def _follow_wanted_engine(self) -> None:
        old, engine, archive = self.index, self._wanted_engine, self._archive
        if old is None or engine is None or archive is None or old.engine_name == engine:
            return
        self._switching = self._catching_up = True
        self.status.emit("Rebuilding the search index with the new search engine")

        def build() -> Any:
            from desktop_app.core.search import SearchIndex

            index = SearchIndex.open(archive, catch_up=False, engine=engine)
            try:
                index.catch_up(self._report_progress)
            except BaseException:
                index.close()
                raise
            return index

        def built(index: Any) -> None:
            self._switching = self._catching_up = False
            self.status.emit("")
            if self.index is not old:  # the archive changed meanwhile: not this one's
                self._tasks.submit(index.close, lane="search")
                return
            self._tasks.submit(old.close, lane="search")
            self._on_opened(index)
            self.updated.emit()

        def failed(error: Exception) -> None:
            self._switching = self._catching_up = False
            self.status.emit("")
            if not isinstance(error, IndexClosingError):
                self.failed.emit("The search index could not be rebuilt.", str(error))

        self._tasks.submit(build, built, failed, lane="io")

    @Slot()
    def catch_up(self) -> None:
        """Bring the index up to date in the background; searches use the old one meanwhile."""
        index = self.index
        if index is None or self._catching_up:
            return
        self._catching_up = True
        self.status.emit("Updating the search index; results may lag behind")

        def done(_result: object) -> None:
            self._catching_up = False
            self.status.emit("")
            if index.behind():
                self.catch_up()
            else:
                self.updated.emit()

        def failed(error: Exception) -> None:
            self._catching_up = False
            self.status.emit("")
            if not isinstance(error, IndexClosingError):
                self.failed.emit("The search index could not be updated.", str(error))

        self._tasks.submit(lambda: index.catch_up(self._report_progress), done, failed, lane="io")

    def stop(self) -> None:
        """Make index builds in the background stop at their next progress report."""
        self._closing.set()

    def close(self) -> None:
        """Close the index (once background work has stopped)."""
        if self.index is not None:
            self.index.close()
            self.index = None

    def _report_progress(self, done: int, total: int) -> None:
        """Called by index builds in a worker: reports progress, and stops them on close."""
        if self._closing.is_set():
            raise IndexClosingError("the window is closing")
        self.progress.emit(done, total)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if total and done < total:
            self.status.emit(f"Indexing talks for search: {done} of {total}")
        elif not self._catching_up:
            self.status.emit("")

    def _on_opened(self, index: Any) -> None:
        self.index = index
        index.defer_updates_over = INDEX_INLINE_UPDATES
        index.on_behind = self.behind.emit  # from the importing thread: queued
        # The term lists of fuzzy words, read now rather than by the first `word~` typed.
        self._tasks.submit(index.prepare, lane="search")
        self.ready.emit()
        self._follow_wanted_engine()  # another engine chosen meanwhile
        if index.behind():
            self.catch_up()

    def _on_open_failed(self, error: Exception) -> None:
        self.status.emit("")
        if isinstance(error, IndexClosingError):
            return
        self.error = str(error)
        self.failed.emit("The search index could not be opened; browsing still works.", self.error)
