"""Sources in the window: add one in the dialog (checked live) against a local server, Update,
the new talks appear and the summary names the counts; Cancel during a slow source leaves the
archive as it was."""

from __future__ import annotations

import re
import threading

from PySide6.QtCore import Qt
from pytest_httpserver import HTTPServer
from pytestqt.qtbot import QtBot
from werkzeug import Request, Response

from desktop_app.core.records import TalkFilter
from desktop_app.core.sources.fetch import Timeouts
from desktop_app.core.sources.sync import FetchOptions
from desktop_app.ui.actions import ActionId
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.models.talk_table_model import TITLE
from tests.core.sources.test_sync import THREE, feed, serve_feed
from tests.helpers.files import REPO

FAST = FetchOptions(timeouts=Timeouts(connect=2, read=5, total=10), retries=0, backoff=0.01)


def test_add_a_source_in_the_dialog_then_update(
    qtbot: QtBot, window: MainWindow, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE))
    window.archive.begin_visit()  # what the app does when it starts
    window.sync.options = FAST
    window.actions_by_id[ActionId.SOURCES].trigger()
    dialog = window.sources_dialog
    dialog.series.setCurrentText("local-learning")
    dialog.url.setText(httpserver.url_for("/feed.ics"))
    assert "Calendar feed" in dialog.message.text()  # the kind, found from the address
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("OK"), timeout=10_000)
    assert "3 talks found" in dialog.message.text()
    assert "Local Learning Seminar" in dialog.message.text()
    assert window.archive.sources() == []  # a check adds nothing
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.actions_by_id[ActionId.UPDATE].trigger()
    qtbot.waitUntil(lambda: "new" in dialog.table.item(0, 3).text(), timeout=5000)
    assert window.sync.last_summary.startswith("3 new talks, 0 changed")
    with qtbot.waitSignal(window.counts_updated, timeout=10_000):
        window.sidebar.set_filter(TalkFilter(new=True))
    assert window.model.total() == 3  # the new talks, marked until seen
    assert all(window.model.talk_row(n).new for n in range(3))
    assert window.model.index(0, TITLE).data(Qt.ItemDataRole.FontRole).bold()
    assert ("✓ New since your last visit", "3") in [
        (item.text(0), item.text(1))
        for group in [window.sidebar.topLevelItem(0)]
        for item in [group.child(i) for i in range(group.childCount())]
    ]
    seen = window.model.talk_row(0).uid
    window.table.selectRow(0)  # opening a talk: it is no longer new
    window.tasks.wait_for_done()
    qtbot.waitUntil(lambda: seen not in window.archive.list_uids(TalkFilter(new=True)))
    dialog.close()


def test_the_toolbar_updates_and_opens_the_sources_and_the_review(
    qtbot: QtBot, window: MainWindow, httpserver: HTTPServer
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE))
    window.archive.add_source("local-learning", httpserver.url_for("/feed.ics"))
    window.sync.options = FAST
    toolbar = window.toolbar
    assert toolbar.isVisible()
    shown = [a.text().replace("&", "") for a in toolbar.actions() if not a.isSeparator()]
    assert shown == [
        "Back",
        "Forward",
        "Update from sources",
        "Sources…",
        "Review proposals…",
        "Import…",
    ]
    update = toolbar.widgetForAction(window.actions_by_id[ActionId.UPDATE])
    assert update is not None and not update.icon().isNull()
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        qtbot.mouseClick(update, Qt.MouseButton.LeftButton)
    assert window.sync.last_summary.startswith("3 new talks")
    qtbot.mouseClick(
        toolbar.widgetForAction(window.actions_by_id[ActionId.SOURCES]), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: window.sources_dialog is not None and window.sources_dialog.isVisible())
    window.sources_dialog.close()


def test_check_a_playlist_counts_its_videos(qtbot: QtBot, window: MainWindow) -> None:
    dump = REPO / "tests/fixtures/real/youtube/flat_playlist_music_4entries_ytdlp-2024.03.10.json"
    window.actions_by_id[ActionId.SOURCES].trigger()
    dialog = window.sources_dialog
    dialog.series.setCurrentText("owml")
    dialog.kind.setCurrentIndex(dialog.kind.findData("youtube"))
    dialog.url.setText(str(dump))
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("OK"), timeout=10_000)
    assert re.match(r"OK: [1-9]\d* videos? found", dialog.message.text()), dialog.message.text()
    assert "recording" in dialog.message.text()
    assert window.archive.sources() == []
    dialog.close()


def test_cancel_during_a_slow_source_leaves_the_archive_as_it_was(
    qtbot: QtBot, window: MainWindow, httpserver: HTTPServer
) -> None:
    release = threading.Event()

    def slow(_request: Request) -> Response:
        release.wait(5)
        return Response(feed(*THREE), content_type="text/calendar")

    httpserver.expect_request("/slow.ics").respond_with_handler(slow)
    window.archive.add_source("slow-series", httpserver.url_for("/slow.ics"))
    window.sync.options = FAST
    before = window.archive.count_talks()
    with qtbot.waitSignal(window.sync.finished, timeout=20_000) as finished:
        window.sync.update()
        qtbot.waitUntil(lambda: window.sync.cancel_button.isVisible(), timeout=5000)
        window.sync.cancel_button.click()
        release.set()
    [result] = finished.args[0]
    assert result.status == "failed" and "cancel" in (result.error or "")
    assert window.archive.count_talks() == before
    assert window.archive.count_talks(TalkFilter(series="slow-series")) == 0
    assert not window.sync.cancel_button.isVisible()
    assert window.sync.last_summary == "Update cancelled: 1 source left as it was."
    assert window.last_problem is None  # the user asked for it: no dialog


def test_review_dialog_accepts_a_merge_side_by_side(
    qtbot: QtBot, window: MainWindow, httpserver: HTTPServer
) -> None:
    from tests.core.sources.test_sync import REAL, event

    serve_feed(
        httpserver,
        "/mpml.ics",
        feed(
            event(
                "villar@mpml",
                "20211202T170000Z",
                "Equivariant machine learning, like physics structure",
            ),
            name="MPML",
        ),
    )
    httpserver.expect_request("/seminar/MPML/ics").respond_with_data(
        (REAL / "talk_MPML_60.ics").read_bytes(), content_type="text/calendar"
    )
    window.archive.add_source("mpml", httpserver.url_for("/mpml.ics"))
    window.archive.add_source("mpml", httpserver.url_for("/seminar/MPML"), "researchseminars")
    window.sync.options = FAST
    with qtbot.waitSignal(window.sync.finished, timeout=20_000):
        window.sync.update()
    assert "1 proposal to review" in window.sync.last_summary
    window.actions_by_id[ActionId.REVIEW].trigger()
    dialog = window.review_dialog
    assert dialog.items.count() == 1
    assert "Soledad Villar" in dialog.left.toPlainText() + dialog.right.toPlainText()
    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        dialog.accept_button.click()
    assert dialog.items.count() == 0
    assert window.archive.count_talks(TalkFilter(series="mpml")) == 1
    dialog.close()


def test_offline_update_says_so_and_changes_nothing(qtbot: QtBot, window: MainWindow) -> None:
    window.archive.add_source("nowhere", "http://127.0.0.1:9/feed.ics")
    window.archive.add_source("unknown-host", "https://calendar.example.invalid/feed.ics")
    window.sync.options = FAST
    before = window.archive.count_talks()
    with qtbot.waitSignal(window.sync.finished, timeout=30_000):
        window.sync.update()
    assert window.sync.last_summary == "Offline? No source could be reached; nothing was changed."
    assert window.archive.count_talks() == before
    assert window.last_problem is None  # the status bar says it: no dialog to dismiss
