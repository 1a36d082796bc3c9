"""Background work: callables run off the GUI thread; results come back on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, the slots run on the GUI thread.

    Results travel inside a tuple: PySide6 miscounts references of a bare None sent through a
    queued `Signal(object)`, which after enough tasks crashes the interpreter.
    """

    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, function: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._function = function
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as error:  # handed to the GUI thread, which shows it
            log.debug("background task failed", exc_info=True)
            self._relay.failed.emit(error)
        else:
            self._relay.finished.emit((result,))


class TaskRunner(QObject):
    """Lanes of background work.

    `search` and `write` run one task at a time (the search index and database writes are
    serialised); `io` runs reads and file work in parallel.

    Signals:
        busy_changed: the number of running tasks changed.
    """

    busy_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes: dict[str, QThreadPool] = {}
        for name, threads in (("search", 1), ("write", 1), ("io", 2)):
            pool = QThreadPool(self)
            pool.setMaxThreadCount(threads)
            self._lanes[name] = pool
        self._relays: set[_Relay] = set()

    def submit(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        lane: str = "io",
    ) -> None:
        """Run `function` in `lane`; `on_done(result)` or `on_error(error)` on the GUI thread."""
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object)
        def finished(boxed: tuple[Any]) -> None:
            self._release(relay)
            if on_done is not None and shiboken6.isValid(self):
                on_done(boxed[0])

        @Slot(object)
        def failed(error: Exception) -> None:
            self._release(relay)
            if not shiboken6.isValid(self):
                return
            if on_error is not None:
                on_error(error)
            else:
                log.error("background task failed: %s", error)

        relay.finished.connect(finished)
        relay.failed.connect(failed)
        self.busy_changed.emit(len(self._relays))
        self._lanes[lane].start(_Job(function, relay))

    def _release(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        if shiboken6.isValid(self):  # a task may end after its window was destroyed
            self.busy_changed.emit(len(self._relays))

    @property
    def running(self) -> int:
        """Tasks submitted and not finished."""
        return len(self._relays)

    def wait_for_done(self, msecs: int = 30_000) -> None:
        """Block until every lane is idle (closing, and tests)."""
        for pool in self._lanes.values():
            pool.waitForDone(msecs)
