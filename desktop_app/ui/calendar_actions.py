"""The GUI side of "add to calendar" and of exporting selections (the work is in the core)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow


def add_to_calendar(window: MainWindow, uid: str, target: str) -> None:
    """Send one talk to the chosen calendar: system app, Google, Outlook, CalDAV or a file."""
    from desktop_app.core import calendar

    archive, config = window.archive, window.config
    detail = archive.get_talk(uid)
    if detail.talk.start is None:
        window.show_error("This talk has no known date, so it cannot go into a calendar.")
        return
    if target == "google":
        window.open_url(calendar.google_calendar_url(detail))
    elif target == "outlook":
        window.open_url(calendar.outlook_calendar_url(detail))
    elif target == "caldav":
        if not config.caldav_url:
            window.show_error("No CalDAV calendar is set up yet: add one in Preferences.")
            window.show_preferences()
            return
        account = calendar.CalDavAccount(
            config.caldav_url, config.caldav_username, config.caldav_calendar
        )
        window.tasks.submit(
            lambda: calendar.push_to_caldav(account, archive, [uid]),
            lambda _report: window.statusBar().showMessage(
                f"Added to the CalDAV calendar {config.caldav_calendar}", 6000
            ),
            lambda error: window.show_error(
                "The CalDAV server did not take the event.", str(error)
            ),
            lane="io",
        )
    elif target == "file":
        export_selection(window, [uid], "ics")
    else:

        def write_event() -> Path | None:
            if calendar.system_calendar_is_self():
                return None  # opening the file would only bring it back to this app
            return calendar.event_file_for_talk(archive, uid, config.reminder_minutes)

        window.tasks.submit(
            write_event,
            lambda path: _open_event_file(window, path),
            lambda error: window.show_error("The calendar file could not be written.", str(error)),
        )


def _open_event_file(window: MainWindow, path: Path | None) -> None:
    if path is None:
        window.statusBar().showMessage(
            "Seminar Archive is the system's calendar application: choose a calendar here", 6000
        )
        window.panel.calendar_button.showMenu()
        return
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        window.statusBar().showMessage(f"Opened {path.name} with your calendar application", 6000)
    else:
        window.show_error("No calendar application opened the event; it is saved here:", str(path))


def export_selection(window: MainWindow, uids: list[str], kind: str) -> None:
    """Write talks as an .ics or .jsonl file the user names."""
    if not uids:
        window.show_error("Select one or more talks first.")
        return
    suffix = "ics" if kind == "ics" else "jsonl"
    name = "talks." + suffix
    path, _ = QFileDialog.getSaveFileName(
        window,
        "Export selected talks",
        name,
        "Calendar (*.ics)" if kind == "ics" else "JSON Lines (*.jsonl)",
    )
    if path:
        write_selection(window, uids, kind, Path(path))


def write_selection(window: MainWindow, uids: list[str], kind: str, path: Path) -> None:
    """Write the file in the background and report what was left out."""
    archive, config = window.archive, window.config

    def run() -> str:
        if kind == "ics":
            from desktop_app.core.calendar import export_ics

            result = export_ics(
                archive,
                uids,
                calendar_name="Seminar Archive",
                reminder_minutes=config.reminder_minutes,
            )
            path.write_bytes(result.data)
            skipped = f"; {len(result.skipped)} without a date left out" if result.skipped else ""
            return f"{len(result.exported)} talks written to {path.name}{skipped}"
        from desktop_app.core.exchange import export_lines

        talks = list(archive.iter_talks(uids))
        wanted = {t.series for t in talks}
        series = [s.series for s in archive.series() if s.series.slug in wanted]
        path.write_text(
            "".join(line + "\n" for line in export_lines(series, talks)), encoding="utf-8"
        )
        return f"{len(talks)} talks written to {path.name}"

    window.tasks.submit(
        run,
        lambda message: window.statusBar().showMessage(message, 8000),
        lambda error: window.show_error("The file could not be written.", str(error)),
    )
