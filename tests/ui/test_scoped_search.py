"""A speaker's or series' page has its own search box: the list shows that page's talks that
match, highlighted; a talk page has none."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_app.core.records import TalkFilter
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.talk_table_model import TalkUidRole

LAWRENCE = "talk-6b047156a771"


def shown_uids(window: MainWindow) -> list[str]:
    model = window.model
    return [model.data(model.index(row, 0), TalkUidRole) for row in range(model.rowCount())]


def test_the_series_page_searches_only_its_talks(qtbot: QtBot, window: MainWindow) -> None:
    window.search_field.setText("learning")
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    everywhere = set(shown_uids(window))
    window.search_field.clear()

    window.pages.show_series("owml")
    field = window.panel.scope_field
    qtbot.waitUntil(field.isVisible)
    assert field.placeholderText() == "Search this series…"
    owml = set(window.archive.list_uids(TalkFilter(series="owml")))
    field.setText("learning")
    qtbot.waitUntil(
        lambda: window.model.rowCount() > 0 and set(shown_uids(window)) <= owml, timeout=10_000
    )
    scoped = set(shown_uids(window))
    assert scoped < everywhere  # fewer than the whole archive's matches, all of this series
    assert window.sidebar.current_filter().series == "owml"
    assert field.text() == "learning" and field.isVisible()  # the page and its box stay

    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.current_uid is not None)
    assert not field.isVisible()  # a talk page has no scoped box


def test_the_speaker_page_has_its_box_too(qtbot: QtBot, window: MainWindow) -> None:
    window.pages.show_speaker("Hannah Lawrence")
    field = window.panel.scope_field
    qtbot.waitUntil(field.isVisible)
    assert field.placeholderText() == "Search this speaker's talks…"
    field.setText("symmetries")
    qtbot.waitUntil(lambda: shown_uids(window) == [LAWRENCE], timeout=10_000)
    field.setText("diffusion")  # a word of other speakers' talks only
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=10_000)
