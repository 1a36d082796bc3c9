"""The desktop's read copy of a shared archive: what it last read, opened read-only when the
server cannot be reached, with the member's own state and the desktop's own index."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.errors import ArchiveError, ArchiveReadOnlyError
from desktop_app.core.read_cache import open_read_copy, read_cache_file
from desktop_app.core.search import SearchIndex
from tests.conftest import postgres_folder

LAWRENCE = "talk-6b047156a771"


def exported(archive: Archive) -> str:
    stream = io.StringIO()
    archive.export_jsonl(stream, with_user_state=True)
    return stream.getvalue()


def test_the_read_copy_holds_what_was_read_and_the_index_needs_no_rebuild(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    folder = postgres_folder(request, tmp_path / "desktop", bundled=True)
    with pytest.raises(ArchiveError, match="no read copy"):
        open_read_copy(folder, None)
    with Archive.open(folder) as shared, SearchIndex.open(shared) as index:
        shared.set_user_state(LAWRENCE, starred=True, note="mine, on the server")
        shared.edit_talk(LAWRENCE, {"title": "Edited on the server"})
        index.catch_up()
        path = shared.refresh_read_copy()
        assert path == read_cache_file(folder)
        expected, generation = exported(shared), shared.generation()
        hits = [h.uid for h in index.search("Edited on the server").hits]

    with open_read_copy(folder, None) as copy:
        assert copy.read_only and copy.read_copy_of and "@" in copy.read_copy_of
        assert exported(copy) == expected  # talks, series and the member's own marks
        assert copy.get_talk(LAWRENCE).user.note == "mine, on the server"
        assert copy.generation() == generation
        assert copy.talk_history(LAWRENCE)  # the history came too
        with SearchIndex.open(copy, catch_up=False) as index:
            assert not index.behind()  # the desktop's index matches the copy: no rebuild
            assert [h.uid for h in index.search("Edited on the server").hits] == hits
        with pytest.raises(ArchiveReadOnlyError):
            copy.set_user_state(LAWRENCE, starred=False)


def test_an_sqlite_archive_has_no_read_copy(archive: Archive) -> None:
    assert archive.refresh_read_copy() is None
