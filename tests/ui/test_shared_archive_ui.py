"""The window on a shared archive (PostgreSQL): another desktop's new talk appears without a
restart; while the server is down the window shows its read copy read-only, with a banner,
and comes back by itself when the server returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.core.read_cache import read_cache_file
from desktop_app.ui.actions import ActionId
from desktop_app.ui.main_window import MainWindow
from tests.conftest import postgres_folder
from tests.helpers.cli import run_cli
from tests.helpers.postgres import PostgresServer
from tests.ui.conftest import open_window

NEW_UID = "talk-from-the-other-desktop"


@pytest.fixture
def shared_window(
    request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path
) -> Iterator[tuple[MainWindow, Path]]:
    folder = postgres_folder(request, tmp_path / "desktop", bundled=True)
    window = open_window(qtbot, Archive.open(folder))
    window.shared.set_location(folder, None)
    window.shared.timer.setInterval(200)
    yield window, folder
    window.close()
    window.archive.close()


def one_talk_file(folder: Path) -> Path:
    records = [
        {"kind": "archive", "format": "seminar-archive", "version": 1},
        {
            "kind": "talk",
            "uid": NEW_UID,
            "series": "owml",
            "title": "Quasiperiodic kernels from another desktop",
            "start": "2026-11-30T15:00:00",
            "timezone": "UTC",
        },
    ]
    path = folder / "one.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_another_desktops_new_talk_appears_without_a_restart(
    qtbot: QtBot, shared_window: tuple[MainWindow, Path], tmp_path: Path
) -> None:
    window, folder = shared_window
    assert not window.banner.isVisible()
    imported = run_cli(
        tmp_path / "other-desktop", "--db", _url(folder), "import", str(one_talk_file(tmp_path))
    )
    assert imported.returncode == 0, imported.stderr
    qtbot.waitUntil(lambda: window.model.row_of(NEW_UID) >= 0, timeout=20_000)
    window.search_field.setText("quasiperiodic")
    qtbot.waitUntil(
        lambda: window.model.rowCount() == 1 and window.model.row_of(NEW_UID) == 0,
        timeout=20_000,
    )


def test_a_change_is_heard_at_once_without_waiting_for_the_timer(
    qtbot: QtBot, shared_window: tuple[MainWindow, Path], tmp_path: Path
) -> None:
    window, folder = shared_window
    window.shared.timer.stop()  # only the notification can bring it now
    qtbot.waitUntil(window.shared.listening.is_set, timeout=10_000)
    imported = run_cli(
        tmp_path / "other-desktop", "--db", _url(folder), "import", str(one_talk_file(tmp_path))
    )
    assert imported.returncode == 0, imported.stderr
    qtbot.waitUntil(lambda: window.model.row_of(NEW_UID) >= 0, timeout=10_000)
    assert not window.shared.timer.isActive()


def test_the_server_down_shows_the_read_copy_with_a_banner_until_it_is_back(
    qtbot: QtBot, shared_window: tuple[MainWindow, Path], postgres_server: PostgresServer
) -> None:
    window, folder = shared_window
    qtbot.waitUntil(lambda: read_cache_file(folder).is_file(), timeout=20_000)
    talks = window.model.rowCount()
    postgres_server.stop()
    try:
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=20_000)
        assert "cannot be reached" in window.banner.text.text()
        qtbot.waitUntil(lambda: window.archive.read_copy_of is not None, timeout=20_000)
        assert not window.actions_by_id[ActionId.TOGGLE_STAR].isEnabled()
        assert not window.actions_by_id[ActionId.IMPORT].isEnabled()
        window.search_field.setText("optimal transport")  # the desktop's index, the copy's talks
        qtbot.waitUntil(lambda: 0 < window.model.rowCount() < talks, timeout=20_000)
    finally:
        postgres_server.restart()
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=30_000)
    assert window.archive.read_copy_of is None
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=20_000)

    def shown() -> bool:
        window.table.selectRow(0)  # again, should the list be read again meanwhile
        return window.current_uid is not None

    qtbot.waitUntil(shown, timeout=20_000)
    assert window.actions_by_id[ActionId.TOGGLE_STAR].isEnabled()


def _url(folder: Path) -> str:
    from desktop_app.core.settings import load_archive_settings

    return load_archive_settings(folder).database_url


def test_preferences_test_the_connection_and_keep_the_url_without_a_password(
    qtbot: QtBot, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from desktop_app.core.settings import AppConfig, load_archive_settings
    from desktop_app.ui.dialogs.preferences import PreferencesDialog

    folder = postgres_folder(request, tmp_path / "desktop", bundled=True)
    url = _url(folder)
    dialog = PreferencesDialog(AppConfig(), folder, data_dir=folder)
    qtbot.addWidget(dialog)
    box = dialog.shared_archive
    assert box.url.text() == url
    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=20_000)
    assert box.result.text().startswith("✓ Connected to PostgreSQL"), box.result.text()
    assert "221 talks" in box.result.text()

    refused = url.replace(url.rsplit(":", 1)[1].split("/")[0], "9")  # nobody listens on port 9
    box.url.setText(refused)
    box.test_button.click()
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=20_000)
    assert box.result.text().startswith("✗") and "cannot be reached" in box.result.text()

    box.url.setText(url)
    dialog._on_accepted()
    assert dialog.result() == PreferencesDialog.DialogCode.Accepted
    assert load_archive_settings(folder).database_url == url
    box.url.setText("mysql://nobody@somewhere/db")
    assert "not supported" in box.apply()
