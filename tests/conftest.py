"""Fixtures shared by every test: archives in temporary folders, never the user's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.settings import ArchiveSettings, save_archive_settings
from tests.helpers.postgres import INSTALL_HINT, PostgresServer, server_bin_dir

DATABASES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    """The marker of tests that run against SQLite and the private PostgreSQL server."""
    config.addinivalue_line(
        "markers", "both_databases: run with the `archive` fixtures on SQLite and PostgreSQL"
    )
    config.addinivalue_line("markers", "sqlite_only: of a both_databases module, SQLite only")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_databases` that use an archive fixture run once per database."""
    if metafunc.definition.get_closest_marker("both_databases") and (
        "database" in metafunc.fixturenames
    ):
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("database", DATABASES[:1] if only else DATABASES, indirect=True)


@pytest.fixture(autouse=True)
def _isolated_config(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the user's config file and archive."""
    config_dir = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("SEMINAR_ARCHIVE_CONFIG", str(config_dir / "config.toml"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(config_dir / "cache"))
    monkeypatch.delenv("SEMINAR_ARCHIVE_HOME", raising=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server for the session (skipped, naming the package, without one).

    $PGPASSFILE names its .pgpass, so that URLs without a password connect, in this process and
    in the CLI's subprocesses alike.
    """
    bin_dir = server_bin_dir()
    if bin_dir is None:
        pytest.skip(f"the PostgreSQL server programs (initdb, pg_ctl) are missing: {INSTALL_HINT}")
    server = PostgresServer(bin_dir)
    try:
        server.init()
        server.start()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("PGPASSFILE", str(server.passfile))
            yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def postgres_templates(postgres_server: PostgresServer) -> dict[bool, str]:
    """Databases migrated once (with and without the bundled talks) that tests copy."""
    templates: dict[bool, str] = {}
    base = Path(str(postgres_server.root)) / "templates"
    for bundled in (False, True):
        name = postgres_server.create_database()
        folder = base / name
        save_archive_settings(folder, ArchiveSettings(database_url=postgres_server.url(name)))
        Archive.open(folder, import_bundled=bundled).close()
        templates[bundled] = name
    return templates


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """The database the `archive` fixtures use: "sqlite" unless the test is parametrised."""
    return str(getattr(request, "param", "sqlite"))


def postgres_folder(request: pytest.FixtureRequest, folder: Path, *, bundled: bool) -> Path:
    """`folder` set up as an archive on a new database of the private server (a copy of the
    migrated template); its settings name the database, without a password."""
    server: PostgresServer = request.getfixturevalue("postgres_server")
    templates: dict[bool, str] = request.getfixturevalue("postgres_templates")
    name = server.create_database(template=templates[bundled])
    request.addfinalizer(lambda: server.drop_database(name))
    save_archive_settings(folder, ArchiveSettings(database_url=server.url(name)))
    return folder


def _archive_folder(
    request: pytest.FixtureRequest, database: str, folder: Path, bundled: bool
) -> Path:
    if database == "postgresql":
        return postgres_folder(request, folder, bundled=bundled)
    return folder


@pytest.fixture
def archive(request: pytest.FixtureRequest, database: str, tmp_path: Path) -> Iterator[Archive]:
    """An archive holding the bundled talks, in a real SQLite file (or, for tests marked
    `both_databases`, also on the private PostgreSQL server)."""
    folder = _archive_folder(request, database, tmp_path / "archive", True)
    with Archive.open(folder) as opened:
        yield opened


@pytest.fixture
def empty_archive(
    request: pytest.FixtureRequest, database: str, tmp_path: Path
) -> Iterator[Archive]:
    """An archive with no talks (SQLite, or PostgreSQL as `archive`)."""
    folder = _archive_folder(request, database, tmp_path / "empty-archive", False)
    with Archive.open(folder, import_bundled=False) as opened:
        yield opened


def is_postgres(archive: Archive) -> bool:
    """True for an archive on PostgreSQL."""
    return archive.engine.dialect.name == "postgresql"
