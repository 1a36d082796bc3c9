"""Paths of the repository's data and small builders of exchange files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BUNDLED_ARCHIVE = REPO / "data" / "archive.jsonl"
FIXTURES = REPO / "tests" / "fixtures"


def bundled_records(kind: str | None = None) -> list[dict[str, Any]]:
    """The records of the bundled archive (of one kind, or all)."""
    lines = BUNDLED_ARCHIVE.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    return [r for r in records if kind is None or r.get("kind") == kind]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as an exchange file."""
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def talk_record(uid: str, **fields: Any) -> dict[str, Any]:
    """A minimal valid talk record of the bundled series `owml`."""
    record: dict[str, Any] = {
        "kind": "talk",
        "uid": uid,
        "series": "owml",
        "title": f"Talk {uid}",
        "speakers": [{"name": "Ada Example", "affiliation": "Example University"}],
        "start": "2025-01-15T12:00:00",
        "timezone": "America/New_York",
        "duration_minutes": 60,
        "abstract": f"An abstract about {uid}.",
        "bio": None,
        "extra": None,
        "links": [],
        "recording_url": None,
        "tags": [],
        "provenance": {"source": "test"},
    }
    record.update(fields)
    return record
