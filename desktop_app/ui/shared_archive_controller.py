"""A shared archive on a server, seen from one window: others' changes appear by themselves,
and when the server cannot be reached the window shows the desktop's read copy read-only,
with a banner, until the server is back.

When another desktop commits a change (PostgreSQL NOTIFY, heard on a thread of its own) and
every few seconds all the same, the archive's generation is read: when another desktop
changed talks, the search index catches up with what changed and the list, counts and saved
searches are read again; the read copy is written again after changes (and every few
minutes). A failed read switches to the read copy; while on it, each tick tries the server.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.core.errors import ArchiveError, DatabaseUnavailableError

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive
    from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

POLL_MS = 5_000
COPY_EVERY_S = 300.0
UNREACHABLE = "the shared archive's server cannot be reached"


class SharedArchiveController(QObject):
    """Polls a shared archive; swaps the window between it and its read copy.

    Signals:
        switched: (bool) the window now shows the server's archive (True) or the copy (False).
    """

    switched = Signal(bool)
    heard = Signal(int)  # from the listening thread: another desktop committed a change

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._data_dir: Path | None = None
        self._database_url: str | None = None
        self._generation: int | None = None
        self._copied_at = 0.0
        self._busy = False
        self._closed: list[Archive] = []  # archives swapped out, closed with the window
        window.banner.action_clicked.connect(self.poll)
        self.heard.connect(lambda _generation: self.poll())
        self._listening: tuple[threading.Event, threading.Thread] | None = None
        self.listening = threading.Event()  # set while notifications can arrive

    def set_location(self, data_dir: Path, database_url: str | None) -> None:
        """How the archive was opened (`--data-dir`, `--db`), to open it again."""
        self._data_dir, self._database_url = data_dir, database_url

    @property
    def data_dir(self) -> Path | None:
        """The data folder the archive was opened from (None: not known, as in tests)."""
        return self._data_dir

    def archive_attached(self) -> None:
        """Poll a shared archive or a read copy; leave an SQLite archive alone."""
        archive = self.window.archive
        shared = archive.read_copy_of is not None or not archive.database_url.startswith("sqlite")
        if not shared:
            self.timer.stop()
            return
        self._generation = None if archive.read_copy_of else archive.generation()
        if archive.read_copy_of is not None:
            self._show_offline(archive)
        self.timer.start()
        if archive.read_copy_of is None:
            self._listen(archive.database_url)
        if archive.read_copy_of is None and time.monotonic() - self._copied_at > COPY_EVERY_S:
            self._write_copy()

    def poll(self) -> None:
        """Read the generation now (or, on the read copy, try the server)."""
        archive = self.window.archive
        if self._busy or archive is None:
            return
        self._busy = True
        if archive.read_copy_of is not None:
            self.window.tasks.submit(self._open_server, self._on_reconnected, self._on_still_down)
        else:
            self.window.tasks.submit(archive.generation, self._on_generation, self._on_failed)

    def _open_server(self) -> Archive:
        from desktop_app.core.archive import Archive

        assert self._data_dir is not None
        return Archive.open(self._data_dir, database_url=self._database_url)

    def _on_generation(self, generation: int) -> None:
        self._busy = False
        if self.window.archive_state.reason == UNREACHABLE:  # back, with no copy shown meanwhile
            self.window.archive_state.set_writable()
        if generation == self._generation:
            return
        self._generation = generation
        log.info("the shared archive changed (generation %s)", generation)
        self.window.search.catch_up()
        self.window.refresh_list()
        self.window.saved.refresh()
        self.window.pages.refresh()
        self._write_copy()

    def _on_failed(self, error: Exception) -> None:
        self._busy = False
        if not isinstance(error, DatabaseUnavailableError):
            log.warning("the shared archive could not be read: %s", error)
            return
        from desktop_app.core.read_cache import open_read_copy

        assert self._data_dir is not None
        try:
            copy = open_read_copy(self._data_dir, self._database_url)
        except ArchiveError:  # never copied: what is shown stays, nothing new can be read
            self._show_offline(None)
            return
        self._swap(copy)

    def _on_reconnected(self, archive: Archive) -> None:
        self._busy = False
        log.info("the shared archive's server is back")
        self._swap(archive)

    def _on_still_down(self, error: Exception) -> None:
        self._busy = False
        log.info("the shared archive's server is still unreachable: %s", error)
        self._show_offline(self.window.archive, tried=time.strftime("%H:%M:%S"))

    def _show_offline(self, copy: Archive | None, tried: str = "") -> None:
        """The banner while the server cannot be reached: on `copy` (the read copy), or
        without one (the talks shown stay)."""
        from desktop_app.core.read_cache import describe_copy

        if copy is None:
            shown = "the talks shown stay; nothing else can be read or changed until it is back."
        else:
            shown = (
                f"showing {describe_copy(copy.folder)} ({copy.read_copy_of}). Searching and "
                "browsing work; changes are off until it is back."
            )
        last = f" Last try {tried}." if tried else ""
        self.window.archive_state.set_read_only(
            "The shared archive's server cannot be reached:",
            f"{shown} Trying again every few seconds.{last}",
            reason=UNREACHABLE,
            action="Try again",
        )

    def _swap(self, archive: Archive) -> None:
        """Show `archive` (the server's, or the read copy) in place of the one shown."""
        window = self.window
        self._closed.append(window.archive)
        window.search.reopen(archive)
        window.attach_archive(archive)
        window.pages.refresh()
        self.switched.emit(archive.read_copy_of is None)

    def _write_copy(self) -> None:
        archive = self.window.archive
        self._copied_at = time.monotonic()

        def failed(error: Exception) -> None:
            log.warning("the read copy of the shared archive was not written: %s", error)

        self.window.tasks.submit(archive.refresh_read_copy, None, failed)

    def _listen(self, url: str) -> None:
        """Hear of others' changes as they commit (PostgreSQL LISTEN), on a thread of its
        own; the timer stays for when notifications cannot arrive. Once per window."""
        if self._listening is not None:
            return
        from desktop_app.core.shared_db import listen_for_changes

        stop = threading.Event()
        thread = threading.Thread(
            target=listen_for_changes,
            args=(url, self.heard.emit, stop, 5.0, self.listening),
            name="shared-archive-changes",
            daemon=True,
        )
        thread.start()
        self._listening = (stop, thread)

    def close(self) -> None:
        """Stop polling and listening; close the archives swapped out."""
        self.timer.stop()
        if self._listening is not None:
            stop, thread = self._listening
            stop.set()
            thread.join(timeout=2)
            self._listening = None
        for archive in self._closed:
            archive.close()
        self._closed.clear()
