"""Preferences → Search engine: the index is rebuilt with the chosen engine beside the one in
use, which answers until the new one is swapped in."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.search.tantivy_index import TantivyIndex
from desktop_app.core.settings import AppConfig, load_app_config
from desktop_app.ui.dialogs.preferences import PreferencesDialog
from desktop_app.ui.main_window import MainWindow


def test_preferences_offer_the_engines_whoosh_first(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PreferencesDialog(AppConfig(), tmp_path)
    qtbot.addWidget(dialog)
    labels = [dialog.engine.itemText(i) for i in range(dialog.engine.count())]
    assert labels == ["Whoosh (built in)", "Tantivy (faster)"]
    assert dialog.result_config().search_engine == "whoosh"
    dialog.engine.setCurrentIndex(1)
    assert dialog.result_config().search_engine == "tantivy"
    dialog = PreferencesDialog(AppConfig(search_engine="tantivy"), tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.engine.currentText() == "Tantivy (faster)"


def test_choosing_tantivy_rebuilds_the_index_while_the_old_one_answers(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("regularisation")
    found = window.model.total()
    assert found == 38
    old = window.search_index
    assert not isinstance(old, TantivyIndex)

    def choose_tantivy(dialog: PreferencesDialog) -> int:
        dialog.engine.setCurrentIndex(dialog.engine.findData("tantivy"))
        return 1

    monkeypatch.setattr(PreferencesDialog, "exec", choose_tantivy)
    window.show_preferences()
    assert load_app_config().search_engine == "tantivy"
    assert window.search_index is old  # still answering while the new index is built
    qtbot.waitUntil(lambda: isinstance(window.search_index, TantivyIndex), timeout=60_000)
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("regularization")
    assert window.model.total() == found
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText('"implicit bias"')
    assert window.model.total() > 0
    assert "Rebuilding" not in window.statusBar().currentMessage()


def test_two_switches_in_a_row_end_on_the_last_choice_and_its_folder(
    qtbot: QtBot, window: MainWindow
) -> None:
    from desktop_app.core.search import SearchIndex
    from desktop_app.core.search.storage import INDEX_FOLDER, IndexFolder

    first = window.search_index
    window.search.switch_engine(window.archive, "tantivy")
    window.search.switch_engine(window.archive, "whoosh")  # before the first build ends
    window.search.switch_engine(window.archive, "tantivy")
    window.search.switch_engine(window.archive, "whoosh")
    qtbot.waitUntil(lambda: window.search_index is not first, timeout=60_000)
    qtbot.waitUntil(lambda: not window.search._switching, timeout=60_000)
    index = window.search_index
    assert not isinstance(index, TantivyIndex)
    assert IndexFolder(window.archive.folder / INDEX_FOLDER).current() == index._path
    SearchIndex.open(window.archive, engine="whoosh").close()  # as the CLI would: no stale folder
    with qtbot.waitSignal(window.list_updated, timeout=10_000):
        window.search_field.setText("regularisation")
    assert window.model.total() == 38
