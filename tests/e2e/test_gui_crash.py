"""SIGKILL of a real window process while notes are being written through the talk page:
every note the window said was saved is there afterwards, the archive opens and search agrees."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.search import SearchIndex

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]
SEED = int(os.environ.get("CRASH_SEED", "20261204"))

# The window on the archive; for talk after talk: select it, type a note, save it as a pause
# in typing does, and print the talk once the window says "Note saved".
WINDOW_WRITING_NOTES = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from desktop_app.core.archive import Archive
    from desktop_app.ui.application import create_application
    from desktop_app.ui.main_window import MainWindow

    app = create_application([])
    archive = Archive.open(Path(sys.argv[1]))
    window = MainWindow(archive, open_search=False, restore_view_state=False)
    window.show()
    state = {"number": 0, "uid": None}

    def next_note():
        number = state["number"] = state["number"] + 1
        row = number % window.model.rowCount()
        window.table.selectRow(row)
        state["uid"] = window.current_uid
        window.panel.note.setPlainText(f"gui note {number}")
        window.panel.flush_note()

    def on_message(text):
        if text == "Note saved" and state["uid"] is not None:
            print(state["number"], state["uid"], flush=True)
            state["uid"] = None
            next_note()

    window.statusBar().messageChanged.connect(on_message)
    window.list_updated.connect(next_note)
    app.exec()
    """
)


def test_kill_of_a_window_writing_notes_loses_no_saved_note(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    Archive.open(folder).close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    saved: dict[str, int] = {}
    for delay in random.Random(SEED + 3).sample([3.0, 3.5, 4.0, 4.5, 5.0], 3):
        process = subprocess.Popen(
            [sys.executable, "-c", WINDOW_WRITING_NOTES, str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        lines = [line.split() for line in out.splitlines() if line.strip()]
        assert lines, "the window saved no note before it was killed"
        for number, uid in lines:
            saved[uid] = int(number)
        with Archive.open(folder) as archive:
            for uid, number in saved.items():
                assert archive.get_talk(uid).user.note.startswith("gui note "), uid
                # The note the window said it saved, or one typed after it on that talk.
                later = int(archive.get_talk(uid).user.note.split()[-1])
                assert later >= number, (uid, later, number)
                saved[uid] = later
            with SearchIndex.open(archive) as index:
                index.catch_up()
                assert index.check().ok
