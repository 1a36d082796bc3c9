"""Fixtures of the search tests: indexes over the bundled archive and small archives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.search import SearchIndex
from desktop_app.core.search.engines import ENGINES


@pytest.fixture(scope="module", params=ENGINES)
def bundled_index(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchIndex]:
    """An index of the bundled archive, shared by the tests of a module (read only), once
    per search engine."""
    folder = tmp_path_factory.mktemp("bundled") / "archive"
    with Archive.open(folder) as archive, SearchIndex.open(archive, engine=request.param) as index:
        yield index


@pytest.fixture(params=ENGINES)
def fresh_index(request: pytest.FixtureRequest, archive: Archive) -> Iterator[SearchIndex]:
    """An index of the bundled archive that a test may change, once per search engine."""
    with SearchIndex.open(archive, engine=request.param) as index:
        yield index


def archive_folder(archive: Archive) -> Path:
    """The archive's folder."""
    return archive.folder
