"""The QApplication: start-up, theme, first paint, and the archive behind the window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import __version__

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

_IMPORTED_AT = time.perf_counter()
log = logging.getLogger(__name__)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    On Linux from /proc (`VmHWM`): `ru_maxrss` carries the parent's peak over fork and exec,
    so a process started by a large one would report the parent's memory.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def milliseconds_since_process_start() -> float:
    """Time since the process started (from /proc on Linux; else since this module loaded)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            uptime_seconds = float(uptime.read().split()[0])
        ticks_per_second = os.sysconf("SC_CLK_TCK")
        return (uptime_seconds - start_ticks / ticks_per_second) * 1000
    except (OSError, ValueError, IndexError):
        return (time.perf_counter() - _IMPORTED_AT) * 1000


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
    from desktop_app.ui.icons import icon

    app.setWindowIcon(icon("seminar-archive"))
    return app


def _dark_palette() -> QPalette:
    palette = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#202227",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#17181c",
        QPalette.ColorRole.AlternateBase: "#24262b",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#2b2d33",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2b2d33",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8f98",
        QPalette.ColorRole.Link: "#7fb2ff",
    }
    for role, color in colors.items():
        palette.setColor(role, QColor(color))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b6f78"))
    return palette


def apply_theme(theme: str) -> None:
    """Light, dark, or the system's scheme."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    hints = QGuiApplication.styleHints()
    if theme == "system":
        hints.unsetColorScheme()
        app.setPalette(app.style().standardPalette())
        if hints.colorScheme() == Qt.ColorScheme.Dark:
            app.setPalette(_dark_palette())
        return
    scheme = Qt.ColorScheme.Dark if theme == "dark" else Qt.ColorScheme.Light
    hints.setColorScheme(scheme)
    app.setStyle("Fusion")
    app.setPalette(_dark_palette() if theme == "dark" else app.style().standardPalette())


def _show_unexpected_error(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(kind, error, tb))
    log.error("unexpected error:\n%s", text)
    box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error", str(error) or kind.__name__)
    box.setDetailedText(text)
    box.setModal(False)
    box.show()


def run(options: argparse.Namespace) -> int:
    """Open the archive, show the main window and run the event loop."""
    app = create_application()
    from desktop_app.core.paths import resolve_archive_dir
    from desktop_app.core.settings import load_app_config
    from desktop_app.ui.main_window import MainWindow

    config = load_app_config()
    apply_theme(options.theme or config.theme)
    folder = resolve_archive_dir(options.data_dir)
    files = [Path(name).absolute() for name in getattr(options, "files", None) or []]
    measuring = bool(options.screenshot or options.exit_after_first_paint)
    from desktop_app.ui.single_instance import InstanceGuard, hand_over

    guard = InstanceGuard(folder, app)
    if not guard.acquire():
        request = {"files": [str(f) for f in files], "select": options.select}
        if hand_over(folder, request):
            print(
                "seminar-archive: the archive is open in a running window; it took the request",
                file=sys.stderr,
            )
            return 0
        print(
            "seminar-archive: the window that has this archive open does not answer; "
            "opening a second window on it",
            file=sys.stderr,
        )
    from desktop_app.core.errors import ArchiveError
    from desktop_app.core.shared_db import database_url_from

    try:
        database_url = database_url_from(getattr(options, "db", None))
    except ArchiveError as error:
        print(f"seminar-archive: error: {error.message}\n{error.detail}", file=sys.stderr)
        return 2
    window = MainWindow(None, config, restore_view_state=not measuring)
    window.shared.set_location(folder, database_url)
    if options.query:
        window.search_field.setText(options.query)
    if options.screenshot and window.screen() is not None:
        window.setGeometry(window.screen().availableGeometry())  # the whole screen
    window.show()
    if not measuring:
        sys.excepthook = _show_unexpected_error
    opened: list[Archive] = []

    def open_archive() -> Archive:
        from desktop_app.core.archive import Archive
        from desktop_app.core.errors import DatabaseUnavailableError

        try:  # every page of an SQLite file read: damage is found now
            archive = Archive.open(folder, database_url=database_url, verify=True)
        except DatabaseUnavailableError as error:
            from desktop_app.core.read_cache import open_read_copy

            try:  # the shared archive as this desktop last read it, read-only
                return open_read_copy(folder, database_url)
            except ArchiveError:
                raise error from None
        archive.begin_visit()
        return archive

    def handed(message: dict[str, object]) -> None:
        """A second launch's request: its files imported, its talk shown, the window raised."""
        window.showNormal()
        window.raise_()
        window.activateWindow()
        paths = [Path(str(p)) for p in message.get("files") or [] if isinstance(p, str)]
        if paths and opened:
            window.import_files(paths)
        elif paths:
            files.extend(paths)  # imported once the archive is open
        uid = message.get("select")
        if isinstance(uid, str) and opened and window.model.row_of(uid) >= 0:
            window.table.selectRow(window.model.row_of(uid))

    guard.message_received.connect(handed)

    def attach(archive: Archive) -> None:
        opened.append(archive)
        window.attach_archive(archive)
        if files:
            window.import_files(files)
        if config.update_on_start and not measuring and window.archive_state.writable:
            window.sync.update()
        if not measuring:  # today's backup, unless made (Preferences: how many are kept)
            from desktop_app.ui.backup_actions import start_daily_backup

            start_daily_backup(window)

    def failed(error: Exception) -> None:
        from desktop_app.core.errors import DamagedArchiveError

        if isinstance(error, DamagedArchiveError):
            from desktop_app.ui.backup_actions import offer_restore_of_damaged

            offer_restore_of_damaged(window, folder, error, reopen=start_opening)
            return
        QMessageBox.critical(window, "The archive could not be opened", f"{folder}\n\n{error}")
        app.exit(2)

    def start_opening() -> None:
        # After the first paint, so that SQLAlchemy's import does not hold the GIL before it.
        window.tasks.submit(open_archive, attach, failed, lane="write")

    def after_first_paint() -> None:
        if options.exit_after_first_paint:
            print(f"first-paint-ms {milliseconds_since_process_start():.0f}", flush=True)

    def after_first_list() -> None:
        if options.exit_after_first_paint:
            print(f"talks-shown-ms {milliseconds_since_process_start():.0f}", flush=True)
            print(f"peak-rss-mb {peak_rss_mb():.0f}", flush=True)
            if not options.screenshot and not files:
                app.quit()

    def after_import(_outcome: object) -> None:
        # The summary is in the status bar once the import's own handler has run.
        def report() -> None:
            print(f"import-summary {window.statusBar().currentMessage()}", flush=True)
            app.quit()

        QTimer.singleShot(0, report)

    def take_screenshot() -> None:
        if options.select and window.model.row_of(options.select) >= 0:
            window.table.selectRow(window.model.row_of(options.select))
        QTimer.singleShot(400, lambda: (window.grab().save(options.screenshot), app.quit()))

    window.first_painted.connect(lambda: QTimer.singleShot(0, after_first_paint))
    window.first_painted.connect(lambda: QTimer.singleShot(0, start_opening))
    window.list_updated.connect(after_first_list, Qt.ConnectionType.SingleShotConnection)
    if files and options.exit_after_first_paint:
        window.import_finished.connect(after_import, Qt.ConnectionType.SingleShotConnection)
    if options.screenshot:
        waiting_for = window.search_ready if options.query else window.counts_updated
        waiting_for.connect(
            lambda: QTimer.singleShot(300, take_screenshot), Qt.ConnectionType.SingleShotConnection
        )
    status = app.exec()
    guard.release()
    window.stop_background_work()
    for archive in opened:
        archive.close()
    return status
