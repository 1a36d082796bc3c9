"""Saved searches in the sidebar: save with the filters, count, a click runs it, an import
raises its count (the new talks marked new), rename, move, delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_app.core.records import TalkFilter
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.filter_sidebar import SAVED
from tests.helpers.files import talk_record, write_jsonl


def saved_items(window: MainWindow) -> list[tuple[str, str]]:
    sidebar = window.sidebar
    for i in range(sidebar.topLevelItemCount()):
        group = sidebar.topLevelItem(i)
        if group.text(0) == SAVED:
            return [
                (group.child(n).text(0), group.child(n).text(1)) for n in range(group.childCount())
            ]
    return []


def test_save_count_run_import_rename_and_delete(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.archive.begin_visit()
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(series="owml"))
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("learning")
    expected = window.model.total()
    with qtbot.waitSignal(window.saved.counted, timeout=10_000):
        window.saved.save_current("Learning at OWML")
    assert saved_items(window) == [("Learning at OWML", str(expected))]
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.clear_filters()
    assert window.model.total() == 221
    item = window.sidebar.findItems("Learning at OWML", Qt.MatchFlag.MatchRecursive)[0]
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.sidebar.itemClicked.emit(item, 0)
    assert window.search_field.text() == "learning"
    assert window.sidebar.current_filter() == TalkFilter(series="owml")
    assert window.model.total() == expected
    feed = write_jsonl(
        tmp_path / "new.jsonl",
        [talk_record(f"talk-learning-{n}", title=f"Learning rates, part {n}") for n in (1, 2)],
    )
    with qtbot.waitSignal(window.saved.counted, timeout=30_000):
        window.import_files([feed])
    assert saved_items(window) == [("Learning at OWML", str(expected + 2))]
    assert window.archive.count_talks(TalkFilter(new=True)) == 2  # marked new until seen
    with qtbot.waitSignal(window.saved.counted, timeout=10_000):
        window.saved.save_current("Second")
    with qtbot.waitSignal(window.saved.counted, timeout=10_000):
        window.saved.move("Second", -1)
    assert [name for name, _n in saved_items(window)] == ["Second", "Learning at OWML"]
    with qtbot.waitSignal(window.saved.counted, timeout=10_000):
        window.saved.rename("Second", "Renamed")
    with qtbot.waitSignal(window.saved.counted, timeout=10_000):
        window.saved.remove("Learning at OWML")
    assert [name for name, _n in saved_items(window)] == ["Renamed"]
