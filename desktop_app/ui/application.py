"""The QApplication: start-up, first paint, and the archive behind the window."""

from __future__ import annotations

import argparse
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop_app import __version__

_PROCESS_START = time.perf_counter()


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication of the process."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Seminar Archive")
    app.setOrganizationName("seminar-archive")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("seminar-archive")
    return app


def run(options: argparse.Namespace) -> int:
    """Open the archive, show the main window and run the event loop."""
    app = create_application()
    from desktop_app.core.archive import Archive
    from desktop_app.core.paths import resolve_archive_dir
    from desktop_app.ui.main_window import MainWindow

    archive = Archive.open(resolve_archive_dir(options.data_dir))
    window = MainWindow(archive)
    window.show()

    def after_first_paint() -> None:
        if options.screenshot:
            window.grab().save(options.screenshot)
        if options.exit_after_first_paint:
            elapsed_ms = (time.perf_counter() - _PROCESS_START) * 1000
            print(f"first-paint-ms {elapsed_ms:.0f}", flush=True)
        if options.screenshot or options.exit_after_first_paint:
            app.quit()

    window.first_painted.connect(lambda: QTimer.singleShot(0, after_first_paint))
    status = app.exec()
    archive.close()
    return status
