"""The window's second round: one test per item of the issue (notes, the page and the list,
marks, failures, keyboard, layout, words a user reads, undated talks)."""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.core.records import TalkFilter
from desktop_app.ui.actions import ActionId
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.talk_table_model import SERIES, SPEAKERS, TITLE
from desktop_app.ui.views.talk_panel import NOTE_SAVE_DELAY_MS
from tests.helpers.files import talk_record, write_jsonl
from tests.ui.conftest import open_window

LAWRENCE = "talk-6b047156a771"  # no recording, dated, key terms in the index
ZHANG = "talk-3e05ccdb3884"  # has a recording
NO_BROWSER = "does not support QPlatformServices::openUrl"  # the offscreen platform has none


def select(window: MainWindow, uid: str) -> None:
    row = window.model.row_of(uid)
    assert row >= 0, uid
    window.table.selectRow(row)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def page_text(window: MainWindow) -> str:
    return window.panel.browser.toPlainText()


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText(text)


def group_items(window: MainWindow, title: str) -> list[tuple[str, str]]:
    sidebar = window.sidebar
    group = next(
        sidebar.topLevelItem(i)
        for i in range(sidebar.topLevelItemCount())
        if sidebar.topLevelItem(i).text(0) == title
    )
    return [(group.child(i).text(0), group.child(i).text(1)) for i in range(group.childCount())]


# 1 ------------------------------------------------------------------ notes


def test_a_note_is_saved_after_a_pause_and_survives_a_talk_change_and_a_restart(
    qtbot: QtBot, archive_folder: Path
) -> None:
    with Archive.open(archive_folder) as archive:
        window = open_window(qtbot, archive, search=False)
        select(window, LAWRENCE)
        window.panel.note.setFocus()
        qtbot.keyClicks(window.panel.note, "Read the CSQ paper")
        qtbot.wait(NOTE_SAVE_DELAY_MS * 3)  # past the pause, before any talk change
        qtbot.waitUntil(
            lambda: archive.get_talk(LAWRENCE).user.note == "Read the CSQ paper", timeout=5000
        )
        select(window, ZHANG)
        window.close()
    with Archive.open(archive_folder) as archive:
        again = open_window(qtbot, archive, search=False)
        select(again, LAWRENCE)
        assert again.panel.note.toPlainText() == "Read the CSQ paper"
        again.close()


def test_a_note_typed_just_before_a_talk_change_or_close_is_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    qtbot.keyClicks(window.panel.note, "first")
    select(window, ZHANG)  # within the pause
    qtbot.keyClicks(window.panel.note, "second")
    window.close()  # within the pause again
    assert window.archive.get_talk(LAWRENCE).user.note == "first"
    assert window.archive.get_talk(ZHANG).user.note == "second"


def test_a_note_that_cannot_be_written_says_so_in_a_dialog_with_the_note_to_copy(
    qtbot: QtBot, window: MainWindow
) -> None:
    from sqlalchemy import event

    def read_only(connection: object, _record: object) -> None:
        connection.execute("PRAGMA query_only = ON")  # type: ignore[attr-defined]

    engine = window.archive.engine
    event.listen(engine, "connect", read_only)
    engine.dispose()  # SQLite itself now refuses every write
    select(window, LAWRENCE)
    qtbot.keyClicks(window.panel.note, "Ask about the lower bound")
    qtbot.waitUntil(lambda: window.last_problem is not None, timeout=10_000)
    dialog = window.last_problem
    assert dialog.isVisible() and dialog.windowTitle() == "Note not saved"
    assert "stays on the page" in dialog.text_shown()
    qtbot.keyClicks(window.panel.note, " (twice)")  # a second failure: the same dialog
    qtbot.wait(NOTE_SAVE_DELAY_MS * 3)
    assert window.last_problem is dialog
    assert dialog.copy_button is not None and dialog.copy_button.text() == "Copy note"
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Ask about the lower bound (twice)"
    assert window.panel.note.toPlainText() == "Ask about the lower bound (twice)"
    dialog.close()
    event.remove(engine, "connect", read_only)
    engine.dispose()
    qtbot.keyClicks(window.panel.note, ".")  # the next change saves it
    qtbot.waitUntil(
        lambda: window.archive.get_talk(LAWRENCE).user.note == "Ask about the lower bound (twice).",
        timeout=5000,
    )


# 2 ------------------------------------------------------------------ the page follows the list


def test_a_search_that_drops_the_talk_clears_its_page_and_keys_act_on_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    assert window.current_uid == LAWRENCE
    search(qtbot, window, "zzzqqqxxyy")
    assert window.model.total() == 0
    assert window.current_uid is None and window.panel.detail is None
    shown = page_text(window)
    assert "hardness of learning" not in shown and "Abstract" not in shown, shown
    assert not window.panel.star_button.isEnabled()
    window.table.setFocus()
    window.actions_by_id[ActionId.TOGGLE_STAR].trigger()
    window.actions_by_id[ActionId.ADD_TO_CALENDAR].trigger()
    qtbot.wait(300)
    window.tasks.wait_for_done()
    assert window.archive.count_talks(TalkFilter(starred=True)) == 0
    assert window.undo_stack.count() == 0


def test_a_filter_that_keeps_the_talk_keeps_its_page_and_selection(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(year=2024))
    assert window.current_uid == LAWRENCE
    assert window.selected_uids() == [LAWRENCE]


# 3 ------------------------------------------------------------------ did you mean


def test_did_you_mean_shows_as_you_type_once_the_word_is_complete(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "stabilty")  # still being typed: read as a prefix, which finds none
    assert window.model.total() == 0
    assert window.suggestion.isVisibleTo(window)
    assert "stability" in window.suggestion.text()
    search(qtbot, window, "gradient stabilty ")  # the word is complete
    assert window.suggestion.isVisibleTo(window) and "stability" in window.suggestion.text()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.suggestion.linkActivated.emit("gradient stability")
    assert window.search_field.text() == "gradient stability"
    assert window.model.total() > 0


# 4 ------------------------------------------------------------------ key terms stay


def test_key_terms_and_related_talks_stay_after_a_star_undo_and_preferences(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    qtbot.waitUntil(lambda: "Key terms" in page_text(window), timeout=10_000)
    assert "Related talks" in page_text(window)
    window.actions_by_id[ActionId.TOGGLE_STAR].trigger()
    qtbot.waitUntil(lambda: window.archive.get_talk(LAWRENCE).user.starred)
    qtbot.waitUntil(lambda: window.panel.star_button.isChecked())
    assert "Key terms" in page_text(window) and "Related talks" in page_text(window)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: not window.panel.star_button.isChecked())
    assert "Key terms" in page_text(window) and "Related talks" in page_text(window)
    window.pages.refresh()  # what Preferences and an import do
    assert "Key terms" in page_text(window) and "Related talks" in page_text(window)


# 5 ------------------------------------------------------------------ Back


def test_back_and_forward_after_following_a_speaker_link(qtbot: QtBot, window: MainWindow) -> None:
    select(window, LAWRENCE)
    back = window.actions_by_id[ActionId.BACK]
    window.pages.show_speaker("Hannah Lawrence")
    assert window.current_uid is None
    assert page_text(window).startswith("Hannah Lawrence")
    assert back.isEnabled()
    window.activateWindow()
    qtbot.keyClick(window.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_uid == LAWRENCE
    assert window.selected_uids() == [LAWRENCE]
    assert "On the hardness of learning under symmetries" in page_text(window)
    window.actions_by_id[ActionId.FORWARD].trigger()
    assert page_text(window).startswith("Hannah Lawrence")


def test_the_page_of_an_accented_speaker_lists_their_talks_and_affiliation(
    window: MainWindow,
) -> None:
    talks = [
        t for t in window.archive.iter_talks() if any(s.name == "Umut Şimşekli" for s in t.speakers)
    ]
    assert talks
    select(window, talks[0].uid)
    window.panel.link_activated.emit(QUrl("speaker:" + quote("Umut Şimşekli")))
    text = page_text(window)
    assert text.startswith("Umut Şimşekli")
    assert f"Talks ({len(talks)})" in text
    assert "Affiliation unknown" not in text
    affiliation = next(s.affiliation for t in talks for s in t.speakers if s.affiliation)
    assert affiliation in text
    window.actions_by_id[ActionId.BACK].trigger()
    assert window.current_uid == talks[0].uid


# 6 ------------------------------------------------------------------ stars and watched marks


def test_a_star_updates_the_counts_the_filtered_list_and_the_menu_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    star = window.actions_by_id[ActionId.TOGGLE_STAR]
    assert star.text().replace("&", "") == "Star"
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        star.trigger()
    assert ("Starred", "1") in group_items(window, "Yours")
    assert star.text().replace("&", "") == "Unstar"
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(starred=True))
    assert window.model.uids() == [LAWRENCE]
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        star.trigger()  # unstarred: it leaves the list of starred talks
    assert window.model.total() == 0
    assert window.current_uid is None


def test_the_watched_toggle_reads_differently_in_each_state(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    button = window.panel.watched_button
    before = (button.text(), button.toolTip())
    button.click()
    qtbot.waitUntil(lambda: window.archive.get_talk(LAWRENCE).user.watched)
    after = (button.text(), button.toolTip())
    assert before != after
    assert before[0] == "Not watched" and after[0] == "Watched"
    watched = window.actions_by_id[ActionId.TOGGLE_WATCHED]
    qtbot.waitUntil(lambda: "not" in watched.text())


def test_every_write_from_the_window_runs_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    archive = window.archive
    on_gui_thread: list[str] = []
    for name in ("set_user_state", "import_file", "import_parsed", "delete_talk"):
        real = getattr(archive, name)

        def spy(*args: object, _real: object = real, _name: str = name, **kwargs: object) -> object:
            if threading.current_thread() is threading.main_thread():
                on_gui_thread.append(_name)
            return _real(*args, **kwargs)  # type: ignore[operator]

        setattr(archive, name, spy)
    select(window, LAWRENCE)  # records the visit
    window.actions_by_id[ActionId.TOGGLE_STAR].trigger()
    window.panel.watched_button.click()
    qtbot.keyClicks(window.panel.note, "a note")
    qtbot.waitUntil(lambda: archive.get_talk(LAWRENCE).user.watched)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 2)
    window.undo_action.trigger()
    feed = write_jsonl(tmp_path / "more.jsonl", [talk_record("talk-offthread-1")])
    with qtbot.waitSignal(window.import_finished, timeout=20_000):
        window.import_files([feed])
    window.close()
    assert archive.get_talk(LAWRENCE).user.note == "a note"
    assert on_gui_thread == []


# 7 ------------------------------------------------------------------ failures


@pytest.mark.qt_log_ignore(NO_BROWSER)
def test_no_browser_gives_a_dialog_with_copy_link(qtbot: QtBot, window: MainWindow) -> None:
    select(window, ZHANG)
    url = window.archive.get_talk(ZHANG).talk.recording_url
    window.panel.open_button.click()
    dialog = window.last_problem
    assert dialog is not None and dialog.isVisible()
    assert "No web browser opened the link" in dialog.text_shown()
    assert url not in dialog.text()  # the long link is behind Copy link, not in the message
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == url
    assert not window.archive.get_talk(ZHANG).user.watched  # it was not opened


@pytest.mark.qt_log_ignore(NO_BROWSER)
def test_a_failed_calendar_target_does_not_become_the_default(
    qtbot: QtBot, window: MainWindow
) -> None:
    select(window, LAWRENCE)
    assert window.panel.last_calendar_target == "system"
    window.panel.calendar_requested.emit("google")  # the browser cannot open: it fails
    assert window.last_problem is not None and window.last_problem.copy_button is not None
    assert "calendar.google.com" in (window.last_problem.link or "")
    assert window.panel.last_calendar_target == "system"
    assert window.config.last_calendar_target == "system"


# 8 ------------------------------------------------------------------ keyboard


def test_tab_leaves_the_list_and_end_selects_the_last_talk(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_End)
    assert window.selected_uids() == [window.model.uids()[-1]]
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    assert window.selected_uids() == [window.model.uids()[0]]
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert window.selected_uids() == [window.model.uids()[-1]]
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert not window.table.hasFocus()


def test_end_in_a_search_of_more_hits_than_a_page_selects_the_last_hit(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "learning")
    total = window.search_index.search("learning", as_you_type=True).total
    assert total > window.model.total()  # only the first page of hits is in the list
    window.activateWindow()
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: window.model.total() == total, timeout=10_000)
    qtbot.waitUntil(lambda: window.selected_uids() == [window.model.uids()[-1]], timeout=5000)
    assert window.current_uid == window.model.uids()[-1]
    qtbot.keyClick(window.table, Qt.Key.Key_Home)
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ShiftModifier)
    qtbot.wait(200)
    assert len(window.selected_uids()) == total  # Shift+End extends the selection


def test_every_shortcut_is_unambiguous_and_ctrl_q_quits(qtbot: QtBot, window: MainWindow) -> None:
    seen: dict[str, str] = {}
    for action in [*window.actions_by_id.values(), window.undo_action, window.redo_action]:
        for key in action.shortcuts():
            text = key.toString()
            assert text not in seen, f"{text} on {seen.get(text)} and {action.text()}"
            seen[text] = action.text()
    assert "Ctrl+Q" in seen
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.table, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_escape_clears_the_search_then_the_filters_from_anywhere(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(series="owml"))
    search(qtbot, window, "learning")
    window.activateWindow()
    window.table.setFocus()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        qtbot.keyClick(window.table, Qt.Key.Key_Escape)
    assert window.sidebar.current_filter() == TalkFilter()
    assert window.model.total() == 221


def test_help_lists_the_shortcuts_and_the_search_syntax(window: MainWindow) -> None:
    window.actions_by_id[ActionId.SHORTCUTS].trigger()
    text = window.shortcuts_dialog.browser.toPlainText()
    for expected in ("Ctrl+K", "Ctrl+D", "Alt+Left", "Ctrl+Q", "Esc", "speaker:", '"edge of'):
        assert expected in text, expected
    window.shortcuts_dialog.close()


# 9 ------------------------------------------------------------------ layout


def test_the_list_keeps_its_share_at_800_by_600(qtbot: QtBot, window: MainWindow) -> None:
    window.resize(800, 600)
    qtbot.waitUntil(lambda: window.width() == 800)
    sidebar, center, page = window.splitter.sizes()
    assert center >= 280
    assert center >= page and center >= sidebar
    assert window.panel.compact  # the page's buttons show icons only, nothing is cut
    assert window.panel.open_button.text() == ""
    assert "Open the recording" in window.panel.open_button.toolTip() or not (
        window.panel.open_button.isEnabled()
    )
    # The list's columns fit without a horizontal scroll bar, the title the widest of them.
    qtbot.waitUntil(lambda: window.table.isColumnHidden(SERIES))
    assert not window.table.horizontalScrollBar().isVisible()
    assert window.table.columnWidth(TITLE) >= window.table.columnWidth(SPEAKERS) > 0
    # What is kept for the next start is the user's own layout, not the narrowed one.
    from desktop_app.ui.views.talk_table_view import TalkTableView

    kept = TalkTableView()
    kept.setModel(window.model)
    kept.horizontalHeader().restoreState(window.table.header_state())
    assert kept.columnWidth(SPEAKERS) == 140 and not kept.isColumnHidden(SERIES)
    assert window.table.isColumnHidden(SERIES) and window.table.columnWidth(SPEAKERS) == 100
    kept.deleteLater()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: not window.panel.compact)
    qtbot.waitUntil(lambda: not window.table.isColumnHidden(SERIES))
    assert window.table.columnWidth(SPEAKERS) == 140


def test_the_window_fits_the_available_screen(window: MainWindow) -> None:
    free = window.screen().availableGeometry()
    assert window.width() <= free.width() and window.height() <= free.height()


# 10 ----------------------------------------------------------------- LaTeX on the page


def test_unknown_macros_are_kept_and_a_space_after_a_macro_stays(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    record = talk_record(
        "talk-latex-1", abstract=r"The rate $\veps$ varies with $\sigma$ This is the point."
    )
    feed = write_jsonl(tmp_path / "latex.jsonl", [record])
    with qtbot.waitSignal(window.import_finished, timeout=20_000):
        window.import_files([feed])
    window.pages.show_talk("talk-latex-1")
    text = page_text(window)
    assert "\\veps varies" in text
    assert "σ This" in text


# 11 ----------------------------------------------------------------- words a user reads


def test_the_page_and_the_window_speak_the_users_words(qtbot: QtBot, window: MainWindow) -> None:
    assert window.windowTitle() == "Seminar Archive"
    uid = next(
        u
        for u in window.model.uids()
        if any(ln.kind == "related-paper" for ln in window.archive.get_talk(u).talk.links)
    )
    window.pages.show_talk(uid)
    text = page_text(window)
    assert "related-paper" not in text and "Related paper:" in text
    assert ".txt" not in text.split("Pages that show the facts")[0]
    assert "seed" not in text.lower().split("pages that show the facts")[0]
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(series="owml"))
    assert "owml" not in window.count_label.text()
    assert "One World ML" in window.count_label.text()
    search(qtbot, window, "hardness symmetries equivariant")
    assert window.count_label.text().startswith("1 talk matches")


def test_a_plausible_speaker_says_so_next_to_the_name(window: MainWindow) -> None:
    uid = next(
        t.uid
        for t in window.archive.iter_talks()
        if any(s.name == "Rémi Gribonval" for s in t.speakers)
    )
    window.pages.show_talk(uid)
    first_lines = page_text(window).split("Abstract")[0]
    assert "Rémi Gribonval (plausible speaker, not confirmed)" in first_lines


# 12 ----------------------------------------------------------------- undated talks, chips


def test_date_unknown_is_a_year_filter_and_the_timeline_link_chooses_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    undated = window.archive.count_talks(TalkFilter(has_date=False))
    assert undated > 100
    assert ("Date unknown", str(undated)) in group_items(window, "Year")
    assert window.timeline.undated_text() == f"+{undated} undated"
    rect = window.timeline.undated_rect()
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        qtbot.mouseClick(window.timeline, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert window.sidebar.current_filter().has_date is False
    assert window.model.total() == undated
    chips = window.chips.chips()
    assert [c.text() for c in chips] == ["Date unknown  ✕"]
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        chips[0].click()
    assert window.model.total() == 221
    assert window.chips.isHidden()


def test_speakers_are_sorted_by_family_name_and_can_be_filtered(window: MainWindow) -> None:
    names = [name.lstrip("✓ ") for name, _n in group_items(window, "Speaker")]
    families = [fold(n.split()[-1]) for n in names]
    assert len(names) > 50
    assert families == sorted(families)
    window.speaker_filter.setText("simse")
    group = next(
        window.sidebar.topLevelItem(i)
        for i in range(window.sidebar.topLevelItemCount())
        if window.sidebar.topLevelItem(i).text(0) == "Speaker"
    )
    shown = [
        group.child(i).text(0) for i in range(group.childCount()) if not group.child(i).isHidden()
    ]
    assert shown and all("Şimşek" in name for name in shown)


def test_several_selected_talks_stay_selected_after_a_star(
    qtbot: QtBot, window: MainWindow
) -> None:
    uids = window.model.uids()[:3]
    window.table.selectRow(0)
    window.table.selectionModel().select(
        QItemSelection(window.model.index(1, 0), window.model.index(2, 0)),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.actions_by_id[ActionId.TOGGLE_STAR].trigger()
    assert window.selected_uids() == uids


def test_the_page_marks_the_words_the_search_matched_accents_and_stems_included(
    qtbot: QtBot, window: MainWindow
) -> None:
    search(qtbot, window, "simsekli ")
    assert window.model.total() >= 1
    window.table.selectRow(0)
    page = window.panel.browser.toHtml()
    assert re.search(r"background-color:#ffe066;\">Şimşekli</span>", page, re.IGNORECASE)


def test_ctrl_f_on_the_page_finds_in_it_with_a_count(qtbot: QtBot, window: MainWindow) -> None:
    select(window, LAWRENCE)
    window.activateWindow()
    window.panel.browser.setFocus()
    qtbot.keyClick(window.panel.browser, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.panel.find_bar
    assert bar.isVisible() and bar.field.hasFocus()
    qtbot.keyClicks(bar.field, "equivariant")
    expected = page_text(window).lower().count("equivariant")
    assert expected >= 2 and bar.matches == expected
    assert bar.count.text() == f"1 of {expected}"
    qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.count.text() == f"2 of {expected}"
    assert window.panel.browser.textCursor().selectedText().lower() == "equivariant"
    qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    assert not bar.isVisible()
    window.table.setFocus()  # from the list, Ctrl+F goes to the search field as before
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
