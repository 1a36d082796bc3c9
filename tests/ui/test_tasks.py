"""Background tasks: results come back on the GUI thread, None included, errors too."""

from __future__ import annotations

import subprocess
import sys
import threading

from pytestqt.qtbot import QtBot

from desktop_app.ui.tasks import TaskRunner

MANY_NONE_RESULTS = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from desktop_app.ui.tasks import TaskRunner
app = QApplication([])
runner = TaskRunner()
done = []
for _ in range(3000):
    runner.submit(lambda: None, done.append)
while len(done) < 3000:
    app.processEvents()
print("ok", len(done), all(result is None for result in done))
"""


def test_results_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[int, bool]] = []
    gui_thread = threading.get_ident()
    runner.submit(lambda: 41 + 1, lambda r: seen.append((r, threading.get_ident() == gui_thread)))
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(42, True)]


def test_errors_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    errors: list[Exception] = []

    def fail() -> None:
        raise ValueError("broken")

    runner.submit(fail, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "broken"


def test_emitting_a_signal_keeps_reference_counts() -> None:
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        happened = Signal(object)

    emitter = Emitter()
    received: list[object] = []
    emitter.happened.connect(received.append)
    before = (sys.getrefcount(True), sys.getrefcount(None))
    for number in range(500):
        emitter.happened.emit((number,))
    assert (sys.getrefcount(True), sys.getrefcount(None)) == before
    assert len(received) == 500


def test_thousands_of_none_results_do_not_crash_the_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", MANY_NONE_RESULTS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["ok", "3000", "True"]
