"""Search as you type, opening recordings, calendars, imports and the model contract."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QObject,
    QPointF,
    Qt,
    QUrl,
    Slot,
)
from PySide6.QtGui import QDesktopServices, QDropEvent, QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_app.ui.actions import ActionId
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.talk_table_model import HighlightRole, TalkUidRole
from tests.helpers.files import talk_record, write_jsonl

LAWRENCE = "talk-6b047156a771"
ZHANG = "talk-3e05ccdb3884"  # has a YouTube recording


class UrlCatcher(QObject):
    """Receives the URLs the app hands to the desktop (a real QDesktopServices handler)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened_urls() -> list[QUrl]:
    catcher = UrlCatcher()
    for scheme in ("http", "https", "file"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher.urls
    for scheme in ("http", "https", "file"):
        QDesktopServices.unsetUrlHandler(scheme)


def select(window: MainWindow, uid: str) -> None:
    window.table.selectRow(window.model.row_of(uid))


def test_talk_model_passes_the_model_tester(qtmodeltester: object, window: MainWindow) -> None:
    qtmodeltester.check(window.model)  # type: ignore[attr-defined]


def test_typing_a_query_shows_ranked_highlighted_hits(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        qtbot.keyClicks(window.search_field, "hardness of learning under symmetries")
    assert window.model.data(window.model.index(0, 0), TalkUidRole) == LAWRENCE
    assert "<mark>" in (window.model.data(window.model.index(0, 1), HighlightRole) or "")
    select(window, LAWRENCE)
    page = window.panel.browser.toHtml()  # Qt turns <mark> into a span with its background
    assert re.search(r"background-color:#ffe066;\">symmetries</span>", page, re.IGNORECASE)


def test_a_query_without_hits_says_so(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("zzzqqqxxyy")
    assert window.model.total() == 0
    assert "No talks match" in window.empty_label.text()


def test_escape_clears_the_search(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("symmetries")
    window.search_field.setFocus()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    assert window.model.total() == 221


def test_open_recording_passes_the_url_and_marks_watched(
    qtbot: QtBot, window: MainWindow, opened_urls: list[QUrl]
) -> None:
    select(window, ZHANG)
    window.panel.open_button.click()
    recording = window.archive.get_talk(ZHANG).talk.recording_url
    assert [u.toString() for u in opened_urls] == [recording]
    qtbot.waitUntil(lambda: window.archive.get_talk(ZHANG).user.watched, timeout=5000)
    qtbot.waitUntil(window.undo_action.isEnabled, timeout=5000)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.archive.get_talk(ZHANG).user.watched, timeout=5000)


def test_javascript_links_are_refused_with_a_message(
    window: MainWindow, opened_urls: list[QUrl]
) -> None:
    assert not window.open_url("javascript:alert(document.cookie)")
    assert opened_urls == []
    assert window.last_problem is not None and window.last_problem.isVisible()
    assert "not opened" in window.last_problem.text_shown()


def test_keyboard_only_search_select_open(
    qtbot: QtBot, window: MainWindow, opened_urls: list[QUrl]
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        qtbot.keyClicks(window.search_field, "Optimistic Sample Size")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert window.table.hasFocus()
    assert window.panel.detail is not None and window.panel.detail.talk.uid == ZHANG
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert [u.toString() for u in opened_urls] == [
        window.archive.get_talk(ZHANG).talk.recording_url
    ]


def test_add_to_calendar_writes_a_valid_ics(
    qtbot: QtBot, window: MainWindow, opened_urls: list[QUrl]
) -> None:
    import icalendar

    select(window, LAWRENCE)
    window.panel._request_calendar("system")
    qtbot.waitUntil(lambda: bool(opened_urls), timeout=10_000)
    path = Path(opened_urls[0].toLocalFile())
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "On the hardness of learning under symmetries" in str(events[0]["SUMMARY"])


def fake_xdg_mime(folder: Path, monkeypatch: pytest.MonkeyPatch, default: str) -> None:
    """An `xdg-mime` first on PATH that names `default` as the calendar application."""
    folder.mkdir()
    tool = folder / "xdg-mime"
    tool.write_text(f"#!/bin/sh\necho {default}\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")


def test_when_this_app_is_the_calendar_application_the_user_is_asked_to_choose(
    qtbot: QtBot,
    window: MainWindow,
    opened_urls: list[QUrl],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop_app.core.calendar.system import system_calendar_is_self

    fake_xdg_mime(tmp_path / "bin", monkeypatch, "seminar-archive.desktop")
    assert system_calendar_is_self()
    before = window.config.last_calendar_target
    select(window, LAWRENCE)
    window.panel._request_calendar("system")
    qtbot.waitUntil(lambda: window.last_problem is not None, timeout=10_000)
    assert "Choose a calendar" in window.last_problem.windowTitle()
    assert "bring it back here" in window.last_problem.text_shown()
    assert opened_urls == []  # nothing handed back to this app
    assert window.config.last_calendar_target == before


def test_another_calendar_application_gets_the_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.core.calendar.system import system_calendar_is_self

    fake_xdg_mime(tmp_path / "bin", monkeypatch, "org.gnome.Calendar.desktop")
    assert not system_calendar_is_self()


def test_drag_and_drop_import_of_a_jsonl_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "dropped.jsonl", [talk_record(f"drop-{n}") for n in range(250)])
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    progress_values: list[int] = []
    window.progress.valueChanged.connect(progress_values.append)
    with qtbot.waitSignal(window.import_finished, timeout=30_000) as finished:
        window.dropEvent(event)
    report, refused = finished.args[0]
    assert (report.added, refused) == (250, [])
    assert progress_values and max(progress_values) == 100
    qtbot.waitUntil(lambda: window.model.total() == 471, timeout=10_000)


def test_scrolling_to_the_end_of_hits_fetches_the_next_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("learning")
    total = window.search_index.search("learning", as_you_type=True).total
    assert total > window.model.total() == 100
    bar = window.table.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: window.model.total() > 100, timeout=10_000)
    assert len(set(window.model.uids())) == window.model.total()


def test_cancel_in_the_status_bar_rolls_the_import_back(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", [talk_record(f"big-{n}") for n in range(3000)])
    before = window.archive.count_talks()
    window.progress.valueChanged.connect(
        lambda _value: window.cancel_import.click() if window.cancel_import.isVisible() else None
    )
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as finished:
        window.import_files([path])
    _report, refused = finished.args[0]
    assert refused == ["big.jsonl: cancelled, nothing imported from it"]
    assert window.archive.count_talks() == before
    assert not window.cancel_import.isVisible()


def test_copy_link_puts_the_recording_on_the_clipboard(window: MainWindow) -> None:
    select(window, ZHANG)
    window.actions_by_id[ActionId.COPY_LINK].trigger()
    recording = window.archive.get_talk(ZHANG).talk.recording_url
    assert QGuiApplication.clipboard().text() == recording


def test_star_key_marks_every_selected_talk_and_undo_unmarks_them(
    qtbot: QtBot, window: MainWindow
) -> None:
    uids = window.model.uids()[:3]
    window.table.selectRow(0)
    window.table.selectionModel().select(
        QItemSelection(window.model.index(1, 0), window.model.index(2, 0)),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert window.selected_uids() == uids
    star = window.actions_by_id[ActionId.TOGGLE_STAR]
    star.trigger()
    qtbot.waitUntil(lambda: all(row.starred for row in window.archive.rows_for(uids)))
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1)
    star.trigger()  # all were starred: the second press unstars them
    qtbot.waitUntil(lambda: not any(row.starred for row in window.archive.rows_for(uids)))
    qtbot.waitUntil(lambda: window.undo_stack.count() == 2)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: all(row.starred for row in window.archive.rows_for(uids)))


def test_export_archive_writes_every_talk(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "exported.jsonl"
    # The save dialog needs a person; the path it would return is given here.
    monkeypatch.setattr(
        "desktop_app.ui.talk_actions.QFileDialog.getSaveFileName",
        lambda *_args: (str(target), "JSON Lines (*.jsonl)"),
    )
    window.actions_by_id[ActionId.EXPORT_ARCHIVE].trigger()
    qtbot.waitUntil(lambda: "written to" in window.statusBar().currentMessage(), timeout=10_000)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    talks = [record["uid"] for record in records if record.get("kind") == "talk"]
    assert sorted(talks) == sorted(window.archive.list_uids())
    assert not target.with_name("exported.jsonl.part").exists()


def test_ranked_hits_show_no_column_sort_arrow(qtbot: QtBot, window: MainWindow) -> None:
    header = window.table.horizontalHeader()
    assert header.isSortIndicatorShown()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("symmetries")
    assert not header.isSortIndicatorShown()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # hits by date, oldest first
    assert header.isSortIndicatorShown()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("")
    assert header.isSortIndicatorShown()
