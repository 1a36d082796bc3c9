"""The versions of the libraries under the app, for Help → About and bug reports."""

from __future__ import annotations

import sqlite3


def library_versions() -> dict[str, str]:
    """SQLite, SQLAlchemy, Whoosh and tantivy versions, by name, in that order."""
    import sqlalchemy

    from desktop_app.core.search import tantivy_version, whoosh_version

    return {
        "SQLite": sqlite3.sqlite_version,
        "SQLAlchemy": sqlalchemy.__version__,
        "Whoosh": whoosh_version(),
        "tantivy": tantivy_version(),
    }
