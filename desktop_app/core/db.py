"""The database engine: SQLite pragmas or PostgreSQL's locks, sessions and schema migrations."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import DateTime

from desktop_app.core.errors import ArchiveError
from desktop_app.core.sqlite_files import connect_read_only, read_only_uri

log = logging.getLogger(__name__)

# The newest migration; a database at this revision needs no Alembic at start-up.
SCHEMA_REVISION = "0008"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "archive_write"
# PostgreSQL advisory lock keys (any two 64-bit numbers the app owns): one writer at a time, as
# SQLite's BEGIN IMMEDIATE gives, and one desktop migrating the schema at a time.
WRITE_LOCK_KEY = 0x5E_41_72_63_68_01
MIGRATION_LOCK_KEY = 0x5E_41_72_63_68_02
CONNECT_TIMEOUT_S = 10
# Serialization failure and deadlock: the transaction may simply be run again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})


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


def _set_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # A writer takes the write lock up front so that two writers wait for each other (busy
    # timeout) instead of one failing half-way with "database is locked"; readers stay deferred.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _begin_postgres_transaction(connection: Any) -> None:
    # Writers take a transaction-scoped advisory lock first: imports, syncs and edits of several
    # desktops run one after the other (each sees what the one before committed), readers never
    # wait. The lock goes with the transaction's commit or rollback, or a dropped connection.
    if connection.get_execution_options().get(WRITE_OPTION):
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def is_sqlite(engine: Engine) -> bool:
    """True for an SQLite database."""
    return engine.dialect.name == "sqlite"


def read_only_sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file that is only read (see `read_only_uri`)."""
    return f"sqlite:///{read_only_uri(path)}&uri=true"


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`: WAL, foreign keys and a busy timeout on SQLite; on PostgreSQL a
    connect timeout, the keyring's password (when the URL has none) and the writers' lock.
    A `read_only` SQLite URL (see `read_only_sqlite_url`) gets no pragma that writes."""
    from desktop_app.core.shared_db import with_password

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and read_only:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_read_only_pragmas)
        return engine
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite_transaction)
        return engine
    engine = create_engine(
        with_password(url),
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "seminar-archive"},
    )
    event.listen(engine, "begin", _begin_postgres_transaction)
    return engine


class MetaTime(FunctionElement[datetime]):
    """A time kept as text in `archive_meta`, to compare with a DateTime column: SQLite
    compares the text as stored (the same format), PostgreSQL casts it to a timestamp."""

    type = DateTime()
    inherit_cache = True
    name = "meta_time"


@compiles(MetaTime)
def _meta_time(element: MetaTime, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(MetaTime, "postgresql")
def _meta_time_postgres(element: MetaTime, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TIMESTAMP WITHOUT TIME ZONE)"


def is_retryable(error: BaseException) -> bool:
    """True for a serialization failure or a deadlock: run the transaction again."""
    if isinstance(error, DBAPIError):
        state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        return state in RETRYABLE_SQLSTATES
    return False


def is_connection_error(error: BaseException) -> bool:
    """True when a database server could not be reached or the connection dropped."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    try:
        import psycopg
    except ImportError:  # without psycopg there is no server database
        return False
    dropped = isinstance(error.orig, psycopg.OperationalError | psycopg.InterfaceError)
    return dropped and not is_retryable(error)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def sqlite_schema_revision(path: Path) -> str | None:
    """The Alembic revision of an SQLite file, read with plain sqlite3 (None: no schema yet)."""
    if not path.exists():
        return None
    connection = connect_read_only(path)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        if "no such table" in str(error):
            return None
        raise ArchiveError(f"{path} is not a Seminar Archive database", str(error)) from error
    finally:
        connection.close()
    return row[0] if row else None


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision of a server database, read without Alembic (None: no schema yet)."""
    with engine.connect() as connection:
        has_table = connection.execute(
            text("SELECT to_regclass('alembic_version') IS NOT NULL")
        ).scalar()
        if not has_table:
            return None
        value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(value) if value is not None else None


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database).

    On PostgreSQL the migration runs under an advisory lock, so that two desktops starting a new
    version at once take turns (the second finds the schema done); its DDL is one transaction.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if is_sqlite(engine):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        log.info("database schema upgraded to %s", SCHEMA_REVISION)
        return
    with engine.connect() as connection:
        connection.execute(text(f"SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
        connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            connection.execute(text(f"SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
            connection.commit()
    log.info("database schema upgraded to %s", SCHEMA_REVISION)
