"""The talk editor in the window: open from the list, save, inline errors, undo, revert, the
bulk form, "Needs facts" and "Add the date…"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.records import TalkFilter
from desktop_app.ui.actions import ActionId
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.talk_table_model import SPEAKERS, TITLE

UNTITLED = "talk-3b4402e0c5f0"  # no title; a speaker and a date
LAWRENCE = "talk-6b047156a771"


def select(window: MainWindow, uid: str) -> None:
    window.table.selectRow(window.model.row_of(uid))


def open_editor(qtbot: QtBot, window: MainWindow, uid: str) -> None:
    select(window, uid)
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.is_open


def test_edit_title_and_speaker_from_the_list_then_undo(qtbot: QtBot, window: MainWindow) -> None:
    open_editor(qtbot, window, UNTITLED)
    pane = window.edit_pane
    assert pane.title.text() == ""
    pane.title.setText("Zanzibar lectures on symmetry")
    pane.speakers.setText("Ada Lovelace (University of Cambridge)")
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        pane.save_button.click()
    assert not window.editor.is_open
    row = window.model.row_of(UNTITLED)
    assert window.model.index(row, TITLE).data() == "Zanzibar lectures on symmetry"
    assert window.model.index(row, SPEAKERS).data().startswith("Ada Lovelace")
    page = window.panel.browser.toPlainText()
    assert page.startswith("Zanzibar lectures on symmetry")
    assert "Ada Lovelace (University of Cambridge)" in page
    assert window.archive.get_talk(UNTITLED).talk.field_provenance == {
        "title": "edited",
        "speakers": "edited",
    }
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.undo_action.trigger()
    restored = window.archive.get_talk(UNTITLED).talk
    assert restored.title is None and restored.speakers[0].name == "Behrooz Tahmasebi"
    assert window.archive.talk_edits(UNTITLED) == {}


def test_a_refused_link_shows_inline_and_saves_nothing(qtbot: QtBot, window: MainWindow) -> None:
    open_editor(qtbot, window, LAWRENCE)
    pane = window.edit_pane
    pane.recording.setText("javascript:alert(1)")
    assert pane.errors["recording_url"].isVisibleTo(pane)  # checked as it is typed
    assert "refused" in pane.errors["recording_url"].text()
    pane.title.setText("Changed too")
    pane.save_button.click()
    qtbot.waitUntil(lambda: "Nothing was saved" in pane.message.text(), timeout=5000)
    assert window.editor.is_open
    talk = window.archive.get_talk(LAWRENCE).talk
    assert talk.title == "On the hardness of learning under symmetries"
    assert talk.recording_url is None
    assert window.undo_stack.count() == 0


def test_an_edited_field_is_marked_and_reverts(qtbot: QtBot, window: MainWindow) -> None:
    window.archive.edit_talk(LAWRENCE, {"title": "Mine"})
    window.pages.refresh()
    open_editor(qtbot, window, LAWRENCE)
    mark = window.edit_pane.marks["title"]
    assert mark.isVisibleTo(window.edit_pane)
    assert "On the hardness of learning under symmetries" in mark.toolTip()
    assert not window.edit_pane.marks["speakers"].isVisibleTo(window.edit_pane)
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        mark.click()
    assert window.archive.get_talk(LAWRENCE).talk.title.startswith("On the hardness")
    assert window.edit_pane.title.text().startswith("On the hardness")


def test_bulk_form_sets_a_series_and_a_tag_on_every_selected_talk(
    qtbot: QtBot, window: MainWindow
) -> None:
    uids = window.model.uids()[:3]
    window.table.selectRow(0)
    for row in (1, 2):
        window.table.selectionModel().select(
            window.model.index(row, 0),
            window.table.selectionModel().SelectionFlag.Select
            | window.table.selectionModel().SelectionFlag.Rows,
        )
    window.actions_by_id[ActionId.EDIT_TALK].trigger()
    pane = window.edit_pane
    assert pane.bulk and "3 talks" in pane.heading.text()
    pane.series.setCurrentIndex(pane.series.findData("owml"))
    pane.bulk_tag.setText("to watch")
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        pane.save_button.click()
    for talk in window.archive.iter_talks(uids):
        assert talk.series == "owml" and "to watch" in talk.tags
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.undo_action.trigger()
    assert all("to watch" not in t.tags for t in window.archive.iter_talks(uids))


def test_needs_facts_and_add_the_date_make_a_keyboard_loop(
    qtbot: QtBot, window: MainWindow
) -> None:
    needing = window.archive.count_talks(TalkFilter(needs_facts=True))
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(needs_facts=True))
    assert window.model.total() == needing
    undated = next(u for u in window.model.uids() if window.archive.get_talk(u).talk.start is None)
    select(window, undated)
    panel = window.panel
    assert not panel.calendar_button.isEnabled()
    assert panel.add_date_button.isVisibleTo(panel)
    panel.add_date_button.click()
    assert window.editor.is_open
    assert window.edit_pane.start.hasFocus()
    window.edit_pane.start.setText("2022-03-03 17:00")
    window.edit_pane.timezone.setCurrentText("Europe/Berlin")
    before = window.undo_stack.count()
    qtbot.keyClick(window.edit_pane.start, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.undo_stack.count() == before + 1, timeout=5000)
    start = window.archive.get_talk(undated).talk.start
    assert start is not None and start.isoformat() == "2022-03-03T17:00:00+01:00"


def test_export_with_my_marks_and_notes_from_the_file_menu(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "mine.jsonl"
    # The save dialog needs a person; the path it would return is given here.
    monkeypatch.setattr(
        "desktop_app.ui.talk_actions.QFileDialog.getSaveFileName",
        lambda *_args: (str(target), "JSON Lines (*.jsonl)"),
    )
    window.archive.set_user_state(LAWRENCE, starred=True, note="mine")
    window.actions_by_id[ActionId.EXPORT_ARCHIVE_MINE].trigger()
    qtbot.waitUntil(lambda: "written to" in window.statusBar().currentMessage(), timeout=10_000)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    [lawrence] = [r for r in records if r.get("uid") == LAWRENCE]
    assert lawrence["user"] == {"starred": True, "watched": False, "note": "mine"}


def test_link_a_recording_accepts_a_file_in_a_recordings_folder(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from dataclasses import replace

    video = tmp_path / "talks" / "lawrence.mp4"
    video.parent.mkdir()
    video.write_bytes(b"\x00")
    window.config = replace(window.config, recording_folders=[str(video.parent)])
    select(window, LAWRENCE)
    window.actions_by_id[ActionId.LINK_RECORDING].trigger()
    pane = window.edit_pane
    assert pane.recording.hasFocus()
    pane.recording.setText("/etc/passwd")
    assert pane.errors["recording_url"].isVisibleTo(pane)  # outside the chosen folders
    pane.recording.setText(str(video))
    assert not pane.errors["recording_url"].isVisibleTo(pane)
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        pane.save_button.click()
    assert window.archive.get_talk(LAWRENCE).talk.recording_url == str(video)
    assert window.panel.open_button.isEnabled()


def test_a_new_affiliation_goes_to_all_their_talks_only_when_asked(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from tests.helpers.files import talk_record, write_jsonl

    lawrence = [{"name": "Hannah Lawrence", "affiliation": "MIT"}]
    others = [talk_record(f"lawrence-{n}", speakers=lawrence) for n in (1, 2)]
    window.archive.import_file(write_jsonl(tmp_path / "lawrence.jsonl", others))
    window.refresh_list()
    qtbot.waitUntil(lambda: window.model.row_of(LAWRENCE) >= 0, timeout=10_000)

    def affiliations() -> list[str | None]:
        uids = ["lawrence-1", "lawrence-2"]
        return [window.archive.get_talk(uid).talk.speakers[0].affiliation for uid in uids]

    open_editor(qtbot, window, LAWRENCE)
    pane = window.edit_pane
    assert pane.spread_affiliations.isVisible() and not pane.spread_affiliations.isChecked()
    pane.speakers.setText("Hannah Lawrence (Massachusetts Institute of Technology)")
    with qtbot.waitSignal(window.editor.saved, timeout=10_000):
        pane.save_button.click()
    assert affiliations() == ["MIT", "MIT"]  # not asked: this talk only

    open_editor(qtbot, window, LAWRENCE)
    pane.speakers.setText("Hannah Lawrence (MIT CSAIL)")
    pane.spread_affiliations.setChecked(True)
    with qtbot.waitSignal(window.editor.saved, timeout=10_000) as saved:
        pane.save_button.click()
    assert set(saved.args[0]) == {LAWRENCE, "lawrence-1", "lawrence-2"}
    assert affiliations() == ["MIT CSAIL", "MIT CSAIL"]
    assert window.archive.get_talk(LAWRENCE).talk.speakers[0].affiliation == "MIT CSAIL"
    assert "2 talks more" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.editor.saved, timeout=10_000):
        window.undo_action.trigger()  # one undo takes back all three
    assert affiliations() == ["MIT", "MIT"]
    speaker = window.archive.get_talk(LAWRENCE).talk.speakers[0]
    assert speaker.affiliation == "Massachusetts Institute of Technology"
