"""PostgreSQL LISTEN/NOTIFY: a desktop hears of another's committed change at once (the
generation it reached), and of nothing that was rolled back."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import InputError
from desktop_app.core.settings import load_archive_settings
from desktop_app.core.shared_db import listen_for_changes
from tests.conftest import postgres_folder

LAWRENCE = "talk-6b047156a771"


def test_a_committed_change_is_heard_with_its_generation(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    folder = postgres_folder(request, tmp_path / "desktop", bundled=True)
    url = load_archive_settings(folder).database_url
    heard: queue.Queue[int] = queue.Queue()
    stop = threading.Event()
    listener = threading.Thread(target=listen_for_changes, args=(url, heard.put, stop))
    listener.start()
    try:
        with Archive.open(tmp_path / "other-desktop", database_url=url) as other:
            deadline_s = 10
            # The listener may still be connecting: change until it hears the first one.
            for attempt in range(deadline_s * 2):
                other.edit_talk(LAWRENCE, {"title": f"Heard {attempt}"})
                try:
                    first = heard.get(timeout=0.5)
                    break
                except queue.Empty:
                    continue
            else:
                pytest.fail("no change was heard")
            assert first <= other.generation()
            while not heard.empty():
                heard.get_nowait()
            with pytest.raises(InputError):  # a refused edit: rolled back, nothing to hear
                other.edit_talk(LAWRENCE, {"start": "not a date"})
            other.edit_talk(LAWRENCE, {"title": "Heard at last"})
            assert heard.get(timeout=5) == other.generation()
            assert heard.empty()
    finally:
        stop.set()
        listener.join(timeout=10)
    assert not listener.is_alive()
