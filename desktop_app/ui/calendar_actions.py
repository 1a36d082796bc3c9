"""The GUI side of "add to calendar" and of exporting selections (the work is in the core)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from desktop_app.ui.wording import talks_text

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
    if target in {"google", "outlook"}:
        make_url = (
            calendar.google_calendar_url if target == "google" else calendar.outlook_calendar_url
        )
        if window.open_url(make_url(detail)):
            window.calendar_target_worked(target)
            window.statusBar().showMessage(
                f"Opened {'Google Calendar' if target == 'google' else 'Outlook.com'} "
                "in your browser with the event filled in",
                6000,
            )
    elif target == "caldav":
        if not config.caldav_url:
            window.show_problem(
                "No CalDAV calendar",
                "No CalDAV calendar is set up yet.",
                detail="Add your server, user name and calendar in Preferences.",
            )
            window.show_preferences()
            return
        account = calendar.CalDavAccount(
            config.caldav_url, config.caldav_username, config.caldav_calendar
        )
        window.tasks.submit(
            lambda: calendar.push_to_caldav(account, archive, [uid]),
            lambda _report: _caldav_done(window, config.caldav_calendar or "calendar"),
            lambda error: window.show_problem(
                "Not added to the calendar",
                "The CalDAV server did not take the event.",
                detail=str(error),
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
            lambda error: window.show_problem(
                "Not added to the calendar",
                "The calendar file could not be written.",
                detail=str(error),
            ),
        )


def _caldav_done(window: MainWindow, calendar_name: str) -> None:
    window.calendar_target_worked("caldav")
    window.statusBar().showMessage(f"Added to the CalDAV calendar {calendar_name}", 6000)


def _open_event_file(window: MainWindow, path: Path | None) -> None:
    if path is None:
        window.show_problem(
            "Choose a calendar",
            "Seminar Archive is this computer's calendar application, so opening the event "
            "would only bring it back here.",
            detail="Choose Google Calendar, Outlook.com, your CalDAV calendar or a file from "
            "the arrow of the Add to calendar button.",
        )
        return
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        window.calendar_target_worked("system")
        window.statusBar().showMessage(
            f"Opened the event with your calendar application (the file: {path})", 8000
        )
    else:
        window.show_problem(
            "Not added to the calendar",
            "No calendar application on this computer opened the event.",
            detail=f"The event is saved as {path.name}; open it from your calendar, "
            "or choose another calendar from the arrow of the Add to calendar button.",
            file=path,
        )


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
            return f"{talks_text(len(result.exported))} written to {path.name}{skipped}"
        from desktop_app.core.exchange import export_lines

        talks = list(archive.iter_talks(uids))
        wanted = {t.series for t in talks}
        series = [s.series for s in archive.series() if s.series.slug in wanted]
        path.write_text(
            "".join(line + "\n" for line in export_lines(series, talks)), encoding="utf-8"
        )
        return f"{talks_text(len(talks))} written to {path.name}"

    window.tasks.submit(
        run,
        lambda message: window.statusBar().showMessage(message, 8000),
        lambda error: window.show_problem(
            "Not saved", "The file could not be written.", detail=str(error)
        ),
    )
