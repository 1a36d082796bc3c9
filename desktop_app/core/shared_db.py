"""A shared archive on a PostgreSQL server: its URL, its password, its local folder.

The password is never written to a settings file: it comes from the URL given for this run
(`--db`, `SEMINAR_ARCHIVE_DB`, not stored), else the system keyring (service `seminar-archive`,
key `user@host:port/database`), else libpq's own `~/.pgpass` (or $PGPASSFILE, $PGPASSWORD).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

DB_ENV = "SEMINAR_ARCHIVE_DB"
KEYRING_SERVICE = "seminar-archive"
SHARED_FOLDER = "shared"  # <data-dir>/shared/<host>-<port>-<database>: index, own state
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def make_url(url: str) -> URL:
    """SQLAlchemy's reading of a URL. SQLAlchemy is imported here, not with the module: the
    window's first paint does not wait for it when no database URL is given."""
    from sqlalchemy.engine import make_url as read_url

    return read_url(url)


def parse_url(url: str) -> URL:
    """A database URL, or InputError naming what is accepted."""
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise InputError(f"--db {redact(url)!r}: not a database URL", _URL_HINT) from error
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"--db: {parsed.get_backend_name()} databases are not supported", _URL_HINT
        )
    return parsed


_URL_HINT = (
    "Use postgresql+psycopg://USER@HOST:PORT/DATABASE (the password in the keyring or ~/.pgpass)."
)


def database_url_from(explicit: str | None) -> str | None:
    """The database named for this run: `--db`, else $SEMINAR_ARCHIVE_DB, else None (the
    archive folder's own settings decide). Checked, never stored."""
    url = explicit or os.environ.get(DB_ENV) or None
    if url is not None:
        parse_url(url)
    return url


def is_postgres(url: str) -> bool:
    """True for a PostgreSQL URL."""
    return parse_url(url).get_backend_name() == "postgresql"


def redact(url: str) -> str:
    """The URL without its password (for messages and settings)."""
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True).replace(":***@", "@")
    except ArgumentError:
        return re.sub(r"//([^:/@]*):[^@]*@", r"//\1@", url)


def without_password(url: str) -> str:
    """The URL to keep in settings: never with its password."""
    return make_url(url).set(password=None).render_as_string(hide_password=False)


def keyring_key(url: str) -> str:
    """The key of a database's password in the keyring: `user@host:port/database`."""
    parsed = make_url(url)
    return f"{parsed.username or ''}@{parsed.host or ''}:{parsed.port or 5432}/{parsed.database}"


def store_password(url: str, password: str) -> None:
    """Keep the database password in the system keyring (what Preferences calls)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, keyring_key(url), password)


def keyring_password(url: str) -> str | None:
    """The password the keyring holds for this database (None: none, or no keyring)."""
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, keyring_key(url))
    except Exception as error:  # no backend, a locked keyring: libpq's .pgpass still applies
        log.debug("no password from the keyring: %s", error)
        return None
    return value if isinstance(value, str) else None


def with_password(url: str) -> URL:
    """The URL to connect with: its own password, else the keyring's, else none (libpq then
    reads .pgpass)."""
    parsed = make_url(url)
    if parsed.password is None:
        password = keyring_password(url)
        if password is not None:
            parsed = parsed.set(password=password)
    return parsed


def local_folder(data_dir: Path, url: str) -> Path:
    """Where a desktop keeps what is its own of a shared database: its search index and (see
    docs/shared-archive.md) the user's stars, notes and visits. One folder per database."""
    parsed = make_url(url)
    name = f"{parsed.host or 'local'}-{parsed.port or 5432}-{parsed.database or ''}"
    return data_dir / SHARED_FOLDER / _SAFE.sub("_", name)


def same_database(first: str, second: str) -> bool:
    """True when two URLs name one database (passwords and drivers aside)."""
    if not first or not second:
        return False
    a, b = make_url(first), make_url(second)
    return (a.get_backend_name(), a.username, a.host, a.port or 5432, a.database) == (
        b.get_backend_name(),
        b.username,
        b.host,
        b.port or 5432,
        b.database,
    )


def check_connection(url: str, password: str = "") -> str:
    """Connect to the shared archive at `url` (with `password`, else the keyring's or
    .pgpass) and say what is there: the server's version, the archive's schema and talks.
    DatabaseUnavailableError (or InputError for a bad URL) when it cannot be reached."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from desktop_app.core import db
    from desktop_app.core.errors import DatabaseUnavailableError

    parsed = parse_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise InputError(f"{redact(url)}: not a PostgreSQL URL", _URL_HINT)
    if password:
        url = parsed.set(password=password).render_as_string(hide_password=False)
    engine = db.make_engine(url)
    try:
        with engine.connect() as connection:
            version = str(connection.execute(text("SHOW server_version")).scalar())
        revision = db.schema_revision(engine)
        talks = ""
        if revision is not None:
            with engine.connect() as connection:
                count = connection.execute(text("SELECT count(*) FROM talks")).scalar()
            talks = f", {count} talks"
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()
        raise DatabaseUnavailableError(
            f"{redact(url)} cannot be reached", reason[0] if reason else ""
        ) from error
    finally:
        engine.dispose()
    schema = f"archive schema {revision}{talks}" if revision else "no archive yet (made at start)"
    return f"Connected to PostgreSQL {version}: {schema}"


def listen_for_changes(
    url: str,
    on_change: Callable[[int], None],
    stop: threading.Event,
    retry_s: float = 5.0,
    listening: threading.Event | None = None,
) -> None:
    """Call `on_change(generation)` whenever a desktop commits a change of talks to the shared
    archive at `url` (PostgreSQL LISTEN on the channel `next_generation` notifies), until
    `stop` is set; `listening` is set while connected. A dropped connection is made again
    every `retry_s` seconds. Blocks: run it on a thread of its own."""
    import psycopg

    from desktop_app.core.upsert import CHANGES_CHANNEL

    conninfo = with_password(url).set(drivername="postgresql").render_as_string(hide_password=False)
    while not stop.is_set():
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
                connection.execute(f"LISTEN {CHANGES_CHANNEL}")
                log.info("listening for changes of %s", redact(url))
                if listening is not None:
                    listening.set()
                while not stop.is_set():
                    for note in connection.notifies(timeout=0.5):
                        if note.payload.isdigit():
                            on_change(int(note.payload))
        except psycopg.Error as error:
            log.info("not listening for changes of %s: %s", redact(url), error)
        if listening is not None:
            listening.clear()
        stop.wait(retry_s)
