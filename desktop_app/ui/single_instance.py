"""One window per archive: a second launch hands its files (and the talk to show) to the
window that has the archive open, and exits.

The first window holds a lock file in the archive folder (QLockFile: a lock left by a crashed
process is found stale and taken over) and watches the folder's `inbox/`; a second launch
writes its request there and waits for the window to take it (the file disappears).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, Signal, Slot

log = logging.getLogger(__name__)

LOCK_FILE = "window.lock"
INBOX = "inbox"
WAIT_S = 3.0


def hand_over(folder: Path, message: dict[str, Any], wait_s: float = WAIT_S) -> bool:
    """Give `message` to the window that has `folder` open; False when none takes it."""
    lock = QLockFile(str(folder / LOCK_FILE))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):  # nobody holds the archive: no window to hand it to
        lock.unlock()
        return False
    inbox = folder / INBOX
    inbox.mkdir(parents=True, exist_ok=True)
    request = inbox / f"{uuid.uuid4().hex}.json"
    partial = request.with_suffix(".part")
    partial.write_text(json.dumps(message), encoding="utf-8")
    os.replace(partial, request)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if not request.exists():
            return True
        time.sleep(0.05)
    request.unlink(missing_ok=True)  # not taken: the caller opens the archive itself
    return False


class InstanceGuard(QObject):
    """The first window's side: the lock, and the inbox it reads.

    Signals:
        message_received: (dict) a second launch's files and talk.
    """

    message_received = Signal(dict)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        with contextlib.suppress(OSError):  # else opening the archive says what is wrong
            folder.mkdir(parents=True, exist_ok=True)
        self._inbox = folder / INBOX
        self._lock = QLockFile(str(folder / LOCK_FILE))
        self._lock.setStaleLockTime(0)  # only a dead owner's lock is stale
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._read_inbox)

    def acquire(self) -> bool:
        """Take the archive (True: a lock left by a crash is taken over), or find that a
        running window has it (False)."""
        if not self._lock.tryLock(200):
            if self._lock.error() == QLockFile.LockError.LockFailedError:
                return False
            # The folder cannot hold a lock (read-only): the archive opens read-only, and
            # windows that change nothing need not take turns.
            log.info("no window lock in a folder that cannot be written: %s", self._lock.error())
            return True
        self._inbox.mkdir(parents=True, exist_ok=True)
        self._watcher.addPath(str(self._inbox))
        self._read_inbox()
        return True

    def release(self) -> None:
        """Give the archive back (on close)."""
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        if self._lock.isLocked():
            self._lock.unlock()

    @Slot()
    def _read_inbox(self, _path: str = "") -> None:
        for request in sorted(self._inbox.glob("*.json")):
            try:
                message = json.loads(request.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                message = None
            request.unlink(missing_ok=True)
            if isinstance(message, dict):
                self.message_received.emit(message)
