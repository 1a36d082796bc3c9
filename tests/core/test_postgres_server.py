"""The private PostgreSQL server of the tests, and an archive on it."""

from __future__ import annotations

import pytest

from desktop_app.core.archive import Archive
from tests.conftest import is_postgres

pytestmark = pytest.mark.both_databases


def test_the_archive_fixture_runs_on_both_databases(archive: Archive, database: str) -> None:
    assert is_postgres(archive) == (database == "postgresql")
    assert archive.count_talks() == 221
