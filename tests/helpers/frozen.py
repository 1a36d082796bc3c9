"""The frozen archives of every shipped schema (tests/fixtures/archives) and what they hold."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

from tests.helpers.files import FIXTURES

FROZEN = FIXTURES / "archives"
REVISIONS = tuple(sorted(path.name[8:12] for path in FROZEN.glob("archive-*.sqlite3.gz")))
# The marks make.sh puts in every frozen archive.
STARRED = {"talk-6b047156a771", "talk-8c0bd3dfed7f", "talk-1f949d3880d0"}
WATCHED = {"talk-8c0bd3dfed7f", "talk-6c985138957e"}
NOTES = {
    "talk-6b047156a771": "Read the proof of Thm 2 — symmetries ∘ hardness",
    "talk-6fecfb36f217": "line one\nline two: ünïcødé",
    "talk-e954f5e79701": "Ask about recourse; it's 'fair'?",
}
# The edits of the archives of schema 0004 and later: uid -> field -> value.
EDITED_TITLE = "Edited title of an untitled talk"
EDITS = {
    "talk-6fecfb36f217": {"title": EDITED_TITLE},
    "talk-d025b6f827f7": {"start": "2021-03-04T16:00:00", "timezone": "Europe/London"},
}
# The saved search of the archives of schema 0006 and later: name, query, filters.
SAVED = ("Transport talks", "optimal transport", {"series": "owml"})


def frozen_database(revision: str, target: Path) -> Path:
    """Unpack the frozen archive of `revision` to the file `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(FROZEN / f"archive-{revision}.sqlite3.gz") as packed, target.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return target


def dump(path: Path) -> list[str]:
    """Every statement that recreates the database `path` (to compare content)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()
