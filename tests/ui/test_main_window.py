"""The main window: list, filters, talk page, marks, notes, keyboard."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.core.records import TalkFilter
from desktop_app.ui.main_window import BUSY_DELAY_MS, MainWindow
from desktop_app.ui.models.talk_table_model import TalkUidRole
from tests.ui.conftest import open_window

LAWRENCE = "talk-6b047156a771"


def select(window: MainWindow, uid: str) -> None:
    row = window.model.row_of(uid)
    assert row >= 0
    window.table.selectRow(row)


def test_main_window_lists_every_talk(qtbot: QtBot, archive: Archive) -> None:
    window = open_window(qtbot, archive, search=False)
    assert window.model.total() == 221
    assert "Seminar Archive" in window.windowTitle()
    assert "221 talks" in window.count_label.text()


def test_selecting_a_row_shows_its_abstract(window: MainWindow) -> None:
    select(window, LAWRENCE)
    text = window.panel.browser.toPlainText()
    assert "On the hardness of learning under symmetries" in text
    assert "We study the problem of learning equivariant neural networks" in text
    assert "Hannah Lawrence" in text


def test_untitled_talk_page_says_the_title_is_unknown(window: MainWindow) -> None:
    uid = next(u for u in window.model.uids() if window.archive.get_talk(u).talk.title is None)
    select(window, uid)
    assert "The title of this talk is not known" in window.panel.browser.toPlainText()


def test_talk_without_recording_disables_open_with_a_reason(window: MainWindow) -> None:
    select(window, LAWRENCE)
    assert not window.panel.open_button.isEnabled()
    assert "No recording" in window.panel.open_button.toolTip()


def test_talk_without_date_disables_add_to_calendar(window: MainWindow) -> None:
    uid = next(u for u in window.model.uids() if window.archive.get_talk(u).talk.start is None)
    select(window, uid)
    assert not window.panel.calendar_button.isEnabled()
    assert "no known date" in window.panel.calendar_button.toolTip()


def test_series_filter_narrows_the_list_and_counts_match_the_core(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(series="owml"))
    assert window.model.total() == window.archive.count_talks(TalkFilter(series="owml")) == 10
    counts = window.archive.facet_counts(TalkFilter(series="owml"))
    year_group = next(
        window.sidebar.topLevelItem(i)
        for i in range(window.sidebar.topLevelItemCount())
        if window.sidebar.topLevelItem(i).text(0) == "Year"
    )
    shown = {
        year_group.child(i).text(0).lstrip("✓ "): int(year_group.child(i).text(1))
        for i in range(year_group.childCount())
    }
    assert shown == {str(year): n for year, n in counts.year.items() if year is not None}


def test_clicking_a_sidebar_item_toggles_its_filter(qtbot: QtBot, window: MainWindow) -> None:
    group = next(
        window.sidebar.topLevelItem(i)
        for i in range(window.sidebar.topLevelItemCount())
        if window.sidebar.topLevelItem(i).text(0) == "Yours"
    )
    recordings = next(
        group.child(i) for i in range(group.childCount()) if "recording" in group.child(i).text(0)
    )
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.sidebar.itemClicked.emit(recordings, 0)
    assert window.model.total() == 7
    assert "With a recording" in window.count_label.text()


def test_timeline_click_filters_by_year(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.timeline.bar_clicked.emit(2021)
    assert window.model.total() == window.archive.count_talks(TalkFilter(year=2021))
    assert window.timeline.showing_months_of() == 2021
    months = window.archive.facet_counts(TalkFilter(year=2021)).month
    assert {k: n for k, _label, n in window.timeline.bars() if n} == months


def test_timeline_month_click_narrows_to_the_month(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.timeline.bar_clicked.emit(2021)
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.timeline.month_clicked.emit(4)
    assert window.model.total() == window.archive.count_talks(TalkFilter(year=2021, month=4)) == 2
    assert "2021, April" in window.count_label.text()


def test_sorting_by_the_recording_column_puts_recordings_first(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    rows = [window.model.talk_row(n) for n in range(window.model.rowCount())]
    has = [r.recording_url is not None for r in rows]
    assert has == sorted(has, reverse=True)
    assert sum(has) == 7


def test_choosing_a_speaker_in_the_sidebar_shows_their_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(speaker="Hannah Lawrence"))
    page = window.panel.browser.toPlainText()
    assert "Hannah Lawrence" in page
    assert "On the hardness of learning under symmetries" in page


def test_star_watched_and_note_survive_a_restart(qtbot: QtBot, archive_folder: Path) -> None:
    with Archive.open(archive_folder) as archive:
        window = open_window(qtbot, archive, search=False)
        select(window, LAWRENCE)
        window.panel.star_button.click()
        window.panel.watched_button.click()
        window.panel.note.setPlainText("Read the CSQ paper first")
        window.close()
        window.tasks.wait_for_done()
    with Archive.open(archive_folder) as archive:
        again = open_window(qtbot, archive, search=False)
        select(again, LAWRENCE)
        assert again.panel.star_button.isChecked()
        assert again.panel.watched_button.isChecked()
        assert again.panel.note.toPlainText() == "Read the CSQ paper first"
        again.close()


def test_star_is_undoable(qtbot: QtBot, window: MainWindow) -> None:
    select(window, LAWRENCE)
    window.panel.star_button.click()
    qtbot.waitUntil(lambda: window.archive.get_talk(LAWRENCE).user.starred)
    qtbot.waitUntil(window.undo_action.isEnabled)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.archive.get_talk(LAWRENCE).user.starred)
    qtbot.waitUntil(lambda: not window.panel.star_button.isChecked())


def test_keyboard_arrows_move_through_the_list_and_update_the_page(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.table.setFocus()
    window.table.selectRow(0)
    first = window.panel.detail.talk.uid if window.panel.detail else None
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    second = window.panel.detail.talk.uid if window.panel.detail else None
    assert first and second and first != second
    assert second == window.model.data(window.model.index(1, 0), TalkUidRole)


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLineEdit, QPlainTextEdit, QTextBrowser

    controls = [
        w
        for kind in (QAbstractButton, QLineEdit, QPlainTextEdit, QTextBrowser)
        for w in window.findChildren(kind)
    ]
    unnamed = [
        w
        for w in controls
        if w.isVisible()
        and not w.accessibleName()
        and not w.toolTip()
        and not getattr(w, "text", lambda: "")()
    ]
    assert unnamed == []


def test_busy_bar_shows_only_for_work_that_lasts(qtbot: QtBot, window: MainWindow) -> None:
    shown: list[bool] = []
    window.tasks.busy_changed.connect(lambda _n: shown.append(window.progress.isVisible()))
    release = threading.Event()
    with qtbot.waitSignal(window.tasks.busy_changed, timeout=5_000):
        window.tasks.submit(lambda: time.sleep(0.05))
    qtbot.waitUntil(lambda: window.tasks.running == 0, timeout=5_000)
    qtbot.wait(BUSY_DELAY_MS + 100)
    assert not window.progress.isVisible() and not any(shown)  # a keystroke's search

    window.tasks.submit(lambda: release.wait(10))
    qtbot.waitUntil(window.progress.isVisible, timeout=BUSY_DELAY_MS + 2_000)
    release.set()
    qtbot.waitUntil(lambda: not window.progress.isVisible(), timeout=5_000)


def test_no_button_is_blank_before_a_talk_is_chosen(window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton

    blank = [
        button.accessibleName() or button.objectName()
        for button in window.findChildren(QAbstractButton)
        if button.isVisible() and button.icon().isNull() and not button.text()
    ]
    assert blank == []


def test_every_command_is_in_the_menu_bar(window: MainWindow) -> None:
    from desktop_app.ui.actions import ActionId

    in_menus = {
        action
        for menu_action in window.menuBar().actions()
        for action in menu_action.menu().actions()
        if not action.isSeparator()
    }
    missing = [
        action_id.name
        for action_id, action in window.actions_by_id.items()
        if action not in in_menus and action_id is not ActionId.FIND_ALT  # Ctrl+F beside Ctrl+K
    ]
    assert missing == []
    assert {window.undo_action, window.redo_action} <= in_menus


def test_opening_the_search_index_never_hides_a_message_the_user_is_reading(
    qtbot: QtBot, archive: Archive
) -> None:
    window = MainWindow(archive, None, open_search=True)
    qtbot.addWidget(window)
    summary = "Import: 2 added, 0 updated, 0 unchanged, 0 rejected"
    window.statusBar().showMessage(summary, 60_000)  # as an import given at start-up says
    with qtbot.waitSignal(window.search_ready, timeout=60_000):
        window.show()
        qtbot.waitUntil(lambda: window.search.requested, timeout=10_000)
        assert window.statusBar().currentMessage() == summary
    assert window.statusBar().currentMessage() == summary
    assert not window.index_status.isVisible()
    window.close()
