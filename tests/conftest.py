"""Fixtures shared by every test: archives in temporary folders, never the user's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive


@pytest.fixture(autouse=True)
def _isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the user's config file and archive."""
    config_dir = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("SEMINAR_ARCHIVE_CONFIG", str(config_dir / "config.toml"))
    monkeypatch.delenv("SEMINAR_ARCHIVE_HOME", raising=False)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """An archive holding the bundled talks, in a real SQLite file."""
    with Archive.open(tmp_path / "archive") as opened:
        yield opened


@pytest.fixture
def empty_archive(tmp_path: Path) -> Iterator[Archive]:
    """An archive with no talks."""
    with Archive.open(tmp_path / "empty-archive", import_bundled=False) as opened:
        yield opened
