"""A shared archive on PostgreSQL from the command line: `--db`, $SEMINAR_ARCHIVE_DB, the
password kept out of every file, the schema migrated once when two desktops start at once."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from desktop_app.core import db
from desktop_app.core.archive import Archive
from desktop_app.core.errors import DatabaseUnavailableError
from desktop_app.core.shared_db import local_folder, redact
from tests.helpers.cli import SCRIPT, run_cli
from tests.helpers.postgres import PostgresServer


def _files_containing(folder: Path, secret: str) -> list[Path]:
    return [
        path
        for path in folder.rglob("*")
        if path.is_file() and secret.encode() in path.read_bytes()
    ]


def test_db_option_opens_the_shared_archive_and_stores_no_password(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    name = postgres_server.create_database()
    url = postgres_server.url(name, password=True)
    listed = run_cli(tmp_path / "desktop", "--db", url, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 221  # the bundled talks, imported once
    found = run_cli(tmp_path / "desktop", "--db", url, "search", "transport", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] > 0
    assert (local_folder(tmp_path / "desktop", url) / "index").is_dir()
    assert not (tmp_path / "desktop" / "archive.sqlite3").exists()
    assert _files_containing(tmp_path, postgres_server.password) == []
    assert postgres_server.password not in redact(url)


def test_environment_names_the_database_and_pgpass_gives_the_password(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.url(postgres_server.create_database())  # no password: .pgpass
    env = {**os.environ, "SEMINAR_ARCHIVE_DB": url}
    first = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "a"), "star", "talk-0001"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert first.returncode in (0, 2), first.stderr
    stats = subprocess.run(
        [str(SCRIPT), "--data-dir", str(tmp_path / "b"), "stats", "--json"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["talks"] == 221


def test_a_wrong_password_or_a_server_not_there_is_a_clear_message(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    name = postgres_server.create_database()
    wrong = postgres_server.url(name).replace("@", ":not-it@")
    result = run_cli(tmp_path, "--db", wrong, "list")
    assert result.returncode == 2
    assert "database cannot be reached" in result.stderr
    assert "password authentication failed" in result.stderr
    assert "not-it" not in result.stderr
    with pytest.raises(DatabaseUnavailableError):
        Archive.open(tmp_path, database_url=postgres_server.url(name).replace(
            str(postgres_server.port), "1"))  # fmt: skip


def test_two_desktops_starting_at_once_migrate_once(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.url(postgres_server.create_database())
    starts = [
        subprocess.Popen(
            [str(SCRIPT), "--data-dir", str(tmp_path / f"d{n}"), "--db", url, "stats", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    for process in starts:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert json.loads(out)["talks"] == 221
    with Archive.open(tmp_path / "check", database_url=url) as archive:
        assert db.schema_revision(archive.engine) == db.SCHEMA_REVISION
        assert archive.count_talks() == 221


def test_backup_and_restore_of_a_server_archive_say_to_use_the_servers_tools(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    url = postgres_server.url(postgres_server.create_database())
    Archive.open(tmp_path / "desktop").close()  # an SQLite archive in the same data folder
    for command in (
        ("backup", "-o", str(tmp_path / "copy.sqlite3")),
        ("restore", str(tmp_path / "copy.sqlite3")),
    ):
        run = run_cli(tmp_path / "desktop", "--db", url, *command)
        assert run.returncode == 2, (command, run.stderr)
        assert "pg_dump" in run.stderr and postgres_server.password not in run.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
