"""Deterministic synthetic archives (benchmarks and scale tests) made from the bundled talks.

Words of the bundled abstracts are reshuffled and speakers get made-up names, with a fixed
seed: the same size gives the same archive on every machine.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_app.core.paths import bundled_archive_file

_SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "na",
    "le",
    "sa",
    "to",
    "vi",
    "an",
    "el",
    "or",
    "un",
    "ba",
    "de",
    "gu",
    "ha",
    "ji",
    "ko",
    "lu",
    "me",
    "ni",
    "po",
    "qu",
    "ra",
    "si",
    "te",
    "ul",
    "ve",
    "wa",
    "xi",
    "yo",
    "ze",
    "çe",
    "şi",
    "gö",
    "mü",
    "ré",
    "ña",
    "ło",
]
_AFFILIATIONS = (
    "University of Leipzig",
    "UCLA",
    "ETH Zürich",
    "Université Paris-Saclay",
    "Boğaziçi University",
    "Princeton University",
    "Max Planck Institute for Mathematics in the Sciences",
    None,
)


def _bundled() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lines = bundled_archive_file().read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    series = [r for r in records if r.get("kind") == "series"]
    talks = [r for r in records if r.get("kind") == "talk"]
    return series, talks


def _name(rng: random.Random) -> str:
    def part() -> str:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        return word.capitalize()

    return f"{part()} {part()}"


def synthetic_talks(count: int, seed: int = 20240529) -> Iterator[dict[str, Any]]:
    """`count` exchange-format talk records (series of the bundled archive)."""
    rng = random.Random(seed)
    series, talks = _bundled()
    slugs = [s["slug"] for s in series]
    abstracts = [t["abstract"].split() for t in talks if t.get("abstract")]
    title_words = [w for t in talks if t.get("title") for w in t["title"].split()]
    people = [_name(rng) for _ in range(max(50, count // 4))]
    start = datetime(2019, 1, 1, 12, 0)
    for number in range(count):
        base = list(rng.choice(abstracts))
        rng.shuffle(base)
        extra_words = rng.sample(rng.choice(abstracts), k=min(30, len(base)))
        abstract_words = base[: rng.randint(80, 180)] + extra_words
        title = " ".join(rng.sample(title_words, k=rng.randint(4, 10))).strip(" .,:;")
        speakers = [
            {"name": rng.choice(people), "affiliation": rng.choice(_AFFILIATIONS)}
            for _ in range(1 if rng.random() < 0.8 else 2)
        ]
        when = start + timedelta(days=rng.randint(0, 6 * 365), hours=rng.choice((0, 5, 9)))
        yield {
            "kind": "talk",
            "uid": f"synthetic-{number:06d}",
            "series": rng.choice(slugs),
            "title": title or None,
            "speakers": speakers,
            "start": when.isoformat() if rng.random() < 0.9 else None,
            "timezone": "Europe/Berlin",
            "duration_minutes": 60,
            "abstract": " ".join(abstract_words),
            "bio": None,
            "extra": None,
            "links": [],
            "recording_url": f"https://example.org/v/{number}" if rng.random() < 0.3 else None,
            "tags": [],
            "provenance": {"source": "synthetic"},
        }


def write_synthetic_archive(path: Path, count: int, seed: int = 20240529) -> Path:
    """An exchange file with the bundled series and `count` synthetic talks."""
    series, _talks = _bundled()
    with path.open("w", encoding="utf-8") as stream:
        stream.write(json.dumps({"kind": "archive", "format": "seminar-archive", "version": 1}))
        stream.write("\n")
        for record in series:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        for record in synthetic_talks(count, seed):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
