"""The PostgreSQL server stopped while a sync is in its transaction: the sync fails with a clear
message, nothing of it is applied, and once the server is back the next sync goes through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import event
from sqlalchemy.engine import make_url

from desktop_app.core.archive import Archive
from desktop_app.core.errors import DatabaseUnavailableError
from desktop_app.core.settings import load_archive_settings
from desktop_app.core.sources.sync import sync_sources
from tests.conftest import postgres_folder
from tests.core.sources.test_sync import FAST, THREE, feed, serve_feed, uids_of
from tests.core.sources.test_sync import event as vevent
from tests.helpers.postgres import PostgresServer

CHANGED = (
    vevent("a@test", "20250110T150000Z", "Kernels and their limits, revised"),
    *THREE[1:],
    vevent("d@test", "20250131T150000Z", "Score matching"),
    vevent("e@test", "20250207T150000Z", "Mean-field limits"),
)


@pytest.fixture
def shared(
    request: pytest.FixtureRequest, postgres_server: PostgresServer, tmp_path: Path
) -> Iterator[Archive]:
    folder = postgres_folder(request, tmp_path / "desktop", bundled=False)
    # The test server runs with synchronous_commit off (speed); here, as on a real server, a
    # commit must survive an immediate stop.
    name = make_url(load_archive_settings(folder).database_url).database
    postgres_server.admin_sql(f"ALTER DATABASE {name} SET synchronous_commit = on")
    with Archive.open(folder, import_bundled=False) as archive:
        yield archive


def stop_server_once_talks_are_written(archive: Archive, server: PostgresServer, mode: str) -> Any:
    """Stop the server after the sync's transaction has sent its first change of `talks`, before
    its next statement: the transaction is cut in the middle."""
    state = {"talks_written": False, "stopped": False}

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if state["stopped"]:
            return
        if state["talks_written"]:
            state["stopped"] = True
            server.stop(mode)
            return
        head = statement.lstrip().upper()
        if head.startswith(("INSERT INTO TALKS ", "UPDATE TALKS ")):
            state["talks_written"] = True

    event.listen(archive.engine, "before_cursor_execute", before)
    return before, state


def snapshot(archive: Archive) -> dict[str, Any]:
    talks = {t.uid: (t.title, t.start) for t in archive.iter_talks()}
    [source] = archive.sources()
    return {
        "talks": talks,
        "generation": archive.generation(),
        "source": (source.last_status, source.last_sync, source.etag, source.error),
    }


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_the_server_stopped_during_a_sync_fails_it_cleanly_and_the_next_one_succeeds(
    shared: Archive, postgres_server: PostgresServer, httpserver: HTTPServer, mode: str
) -> None:
    serve_feed(httpserver, "/feed.ics", feed(*THREE), etag='"v1"')
    shared.add_source("local-learning", httpserver.url_for("/feed.ics"))
    [first] = sync_sources(shared, shared.sources(), options=FAST)
    assert (first.status, first.added) == ("new", 3)
    before = snapshot(shared)
    httpserver.clear()
    serve_feed(httpserver, "/feed.ics", feed(*CHANGED), etag='"v2"')

    listener, state = stop_server_once_talks_are_written(shared, postgres_server, mode)
    try:
        with pytest.raises(DatabaseUnavailableError) as raised:
            sync_sources(shared, shared.sources(), options=FAST)
    finally:
        event.remove(shared.engine, "before_cursor_execute", listener)
        if not state["stopped"]:
            pytest.fail("the sync never wrote a talk: the server was not stopped")
        postgres_server.restart()
    error = raised.value
    assert "the shared archive's database cannot be reached" in error.message
    assert postgres_server.password not in str(error)
    assert "Nothing was changed" in error.detail

    assert snapshot(shared) == before  # nothing of the cut transaction was applied
    [again] = sync_sources(shared, shared.sources(), options=FAST)
    assert (again.status, again.added, again.updated) == ("updated", 2, 1)
    assert len(uids_of(shared, "local-learning")) == 5
    titles = {t.title for t in shared.iter_talks()}
    assert "Kernels and their limits, revised" in titles
    assert shared.generation() > before["generation"]
    [source] = shared.sources()
    assert source.last_status == "updated" and source.error is None
