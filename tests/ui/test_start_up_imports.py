"""The window paints before SQLAlchemy and Whoosh are imported: both are imported by the
worker that opens the archive, so their import time (a few hundred milliseconds, holding the
GIL) never delays the first paint."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "whoosh")

# What application.run imports before the window's first paint, for a local archive.
BEFORE_FIRST_PAINT = """
import sys
import desktop_app.ui.application
import desktop_app.ui.main_window
import desktop_app.ui.single_instance
from desktop_app.core.paths import resolve_archive_dir
from desktop_app.core.settings import load_app_config
from desktop_app.core.shared_db import database_url_from

database_url_from(None)
print(" ".join(name for name in {heavy!r} if name in sys.modules))
"""


def imported_before_first_paint(env_db: str | None = None) -> set[str]:
    env = None
    if env_db is not None:
        import os

        env = {**os.environ, "SEMINAR_ARCHIVE_DB": env_db}
    answer = subprocess.run(
        [sys.executable, "-c", BEFORE_FIRST_PAINT.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return set(answer.stdout.split())


def test_the_window_imports_neither_sqlalchemy_nor_whoosh_before_its_first_paint() -> None:
    assert imported_before_first_paint() == set()


def test_the_check_works_a_shared_archive_url_is_read_with_sqlalchemy() -> None:
    # The same check sees SQLAlchemy once a database URL has to be read.
    assert "sqlalchemy" in imported_before_first_paint("postgresql+psycopg://u@127.0.0.1/a")
