"""The versions of the libraries under the app, for Help → About and bug reports."""

from __future__ import annotations

import sqlite3


def library_versions() -> dict[str, str]:
    """SQLite, SQLAlchemy and Whoosh versions, by name, in that order."""
    import sqlalchemy

    from desktop_app.core.search import whoosh_version

    return {
        "SQLite": sqlite3.sqlite_version,
        "SQLAlchemy": sqlalchemy.__version__,
        "Whoosh": whoosh_version(),
    }
