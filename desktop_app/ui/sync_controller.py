"""Update (F5): every source synced in the background, progress per source and Cancel in the
status bar, a summary afterwards; the list, the counts and the page follow."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QToolButton

from desktop_app.ui.wording import plural, talks_text

if TYPE_CHECKING:
    from desktop_app.core.sources.sync import FetchOptions, SyncResult
    from desktop_app.ui.main_window import MainWindow


UNREACHABLE = frozenset({"dns", "refused", "timeout", "network"})


def summary_text(results: list[SyncResult]) -> str:
    """ "3 new talks, 1 changed, 1 source failed: why"."""
    if not results:
        return "No sources to update from: add one in File → Sources…"
    if all(r.status == "failed" and r.error_kind in UNREACHABLE for r in results):
        return "Offline? No source could be reached; nothing was changed."
    left = [r for r in results if r.error_kind == "cancelled"]
    if left:
        applied = len(results) - len(left)
        return (
            f"Update cancelled: {plural(len(left), 'source')} left as "
            + ("it was" if len(left) == 1 else "they were")
            + (f", {applied} read before" if applied else "")
            + "."
        )
    added = sum(r.added for r in results)
    updated = sum(r.updated for r in results)
    removed = sum(r.removed for r in results)
    parts = [f"{talks_text(added).replace('talk', 'new talk', 1)}", f"{updated} changed"]
    if removed:
        parts.append(f"{removed} dropped by their feed")
    proposed = sum(r.proposed for r in results)
    if proposed:
        parts.append(f"{plural(proposed, 'proposal')} to review (File → Review proposals…)")
    failed = [r for r in results if r.status == "failed"]
    text = ", ".join(parts)
    if failed:
        first = failed[0]
        text += f"; {plural(len(failed), 'source')} failed: {first.url}: {first.error}"
    return text


class SyncController(QObject):
    """Runs a sync off the GUI thread.

    Signals:
        source_done: (SyncResult) one source was read (emitted from the worker, delivered on
            the GUI thread).
        finished: (list of SyncResult) the whole sync ended.
    """

    source_done = Signal(object)
    finished = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._cancel: threading.Event | None = None
        self._total = 0
        self._done = 0
        self.options: FetchOptions | None = None  # tests shorten the timeouts
        self.last_summary = ""
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel update")
        self.cancel_button.setAccessibleName("Cancel update")
        self.cancel_button.setToolTip("Stop the update; sources not yet applied stay as they were")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        window.statusBar().addPermanentWidget(self.cancel_button)
        self.source_done.connect(self._on_source_done)

    @property
    def running(self) -> bool:
        """True while a sync runs."""
        return self._cancel is not None

    @Slot()
    def update(self) -> None:
        """Sync every source in the background."""
        w = self._window
        if self.running or w.archive is None:
            return
        archive, options = w.archive, self.options
        cancel = self._cancel = threading.Event()
        sources = archive.sources()
        self._total, self._done = len(sources), 0
        if not sources:
            self._show_summary([])
            self._cancel = None
            return
        w.statusBar().showMessage(f"Updating from {plural(len(sources), 'source')}…")
        self.cancel_button.show()
        w.progress.setRange(0, len(sources))
        w.progress.setValue(0)
        w.progress.show()

        def run() -> tuple[list[SyncResult], dict[str, str]]:
            # Imported here, off the GUI thread: httpx and the importers take a while to load.
            from desktop_app.core.sources.sync import sync_sources

            results = sync_sources(
                archive, sources, options=options, cancel=cancel, progress=self.source_done.emit
            )
            names = {s.series.slug: s.series.short_name or s.series.name for s in archive.series()}
            return results, names

        w.tasks.submit(run, self._on_finished, self._on_failed, lane="write")

    @Slot()
    def cancel(self) -> None:
        """Stop: sources not yet applied stay as they were."""
        if self._cancel is not None:
            self._cancel.set()
            self._window.statusBar().showMessage("Cancelling the update…")

    @Slot(object)
    def _on_source_done(self, result: Any) -> None:
        w = self._window
        self._done += 1
        w.progress.setValue(self._done)
        w.statusBar().showMessage(
            f"Updating: {self._done} of {self._total} sources read ({result.series}: "
            f"{result.status})"
        )

    def _on_finished(self, outcome: tuple[list[SyncResult], dict[str, str]]) -> None:
        results, series_names = outcome
        self._end()
        self._show_summary(results)
        self.finished.emit(results)
        w = self._window
        changed = sorted({uid for r in results for uid in r.changed_uids})
        if changed:
            w.model.refresh(changed)
            w.sidebar.set_series_names(series_names)
            if w.current_uid in set(changed):
                w.pages.refresh()
        w.refresh_list()

    def _on_failed(self, error: Exception) -> None:
        self._end()
        self._window.show_problem(
            "Update failed", "The sources could not be read.", detail=str(error)
        )
        self.finished.emit([])

    def _end(self) -> None:
        self._cancel = None
        self.cancel_button.hide()
        self._window.progress.hide()

    def _show_summary(self, results: list[SyncResult]) -> None:
        self.last_summary = summary_text(results)
        self._window.statusBar().showMessage(self.last_summary, 15_000)
        # Offline or cancelled: the status bar says so; a dialog is for what needs a look.
        failed = [r for r in results if r.status == "failed" and r.error_kind != "cancelled"]
        if failed and not all(r.error_kind in UNREACHABLE for r in results):
            self._window.show_problem(
                "Update finished with problems",
                self.last_summary.split(";")[0] + ".",
                detail="\n".join(f"{r.series} ({r.url}): {r.error}" for r in failed),
            )
