"""The database engine: SQLite pragmas, sessions and schema migrations."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.core.errors import ArchiveError

log = logging.getLogger(__name__)

# The newest migration; a database at this revision needs no Alembic at start-up.
SCHEMA_REVISION = "0006"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "archive_write"


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{path}"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy issues BEGIN itself (see _begin_sqlite_transaction), not the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # A writer takes the write lock up front so that two writers wait for each other (busy
    # timeout) instead of one failing half-way with "database is locked"; readers stay deferred.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for `url`, with WAL, foreign keys and a busy timeout on SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def sqlite_schema_revision(path: Path) -> str | None:
    """The Alembic revision of an SQLite file, read with plain sqlite3 (None: no schema yet)."""
    if not path.exists():
        return None
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        if "no such table" in str(error):
            return None
        raise ArchiveError(f"{path} is not a Seminar Archive database", str(error)) from error
    finally:
        connection.close()
    return row[0] if row else None


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    log.info("database schema upgraded to %s", SCHEMA_REVISION)
