"""Where a talk's facts come from, in words a reader understands.

The bundled archive's provenance speaks of the documents the archive was built from by their
file names and line numbers ("seed 001_c58d….txt", "seed lines 48-49"); a reader sees the
pages those documents are instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

LINK_KIND_LABELS = {
    "arxiv": "arXiv",
    "paper": "Paper",
    "code": "Code",
    "slides": "Slides",
    "video": "Video",
    "homepage": "Home page",
    "listing": "Listing",
    "related-paper": "Related paper",
    "series": "Series page",
}
PROVENANCE_LABELS = {
    "source": "Source",
    "fact_sources": "Pages that show the facts",
    "date_basis": "How the date is known",
    "notes": "Notes",
    "abstract_truncated": "Abstract",
    "uid": "Event id in the feed",
    "producer": "Made by",
    "file": "File",
    "line": "Line",
    "recurrence_id": "Occurrence",
}
HIDDEN_KEYS = {"seed_lines", "duplicate_seed_lines"}  # line numbers of the source documents
_DOCUMENTS = {
    "000": "the series' home page",
    "001": "the page of past seminars",
    "002": "a researcher profile page",
    "003": "a paper summary page",
}
_NUMBERS = r"\d+(?:\s*(?:[-–,]|and)\s*\d+)*"
_REWRITES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(r"\b(an? (?:later|earlier) version) than seeds? \d{3}\b"), r"\1"),
    # "seed 001_c58ddcedc849b287.txt" and "seeds 000 (…), 002 (…)"
    (re.compile(r"\b(\d{3})_[0-9a-f]{16}\.txt\b"), lambda m: _DOCUMENTS.get(m[1], "a page")),
    (re.compile(r"\b[Ss]eeds? (?=the |a )"), ""),
    (re.compile(r"\b[Ss]eeds? (\d{3})\b"), lambda m: _DOCUMENTS.get(m[1], "a page")),
    (re.compile(r"(?<=[,(] )(\d{3})(?= \()"), lambda m: _DOCUMENTS.get(m[1], "a page")),
    # line numbers: "(seed lines 225-226)", "Seed line 49:", "(line 310)", "Lines 242-245"
    (re.compile(r"\s*\((?:seed )?lines? " + _NUMBERS + r"\)"), ""),
    (re.compile(r"\b[Ss]eed lines? " + _NUMBERS), lambda m: _cap(m[0], "the page")),
    (re.compile(r"\b[Ll]ines? " + _NUMBERS), lambda m: _cap(m[0], "the page's lines")),
    (re.compile(r"\b[Tt]he seed's\b"), lambda m: _cap(m[0], "the page's")),
    (re.compile(r"\b(?:[Tt]he )?[Ss]eed\b"), lambda m: _cap(m[0], "the page")),
    # the research notes' grades: "Confidence: attribution strong-indirect (…)"
    (re.compile(r"\bstrong-indirect\b"), "strong but indirect"),
)


def _cap(original: str, replacement: str) -> str:
    return replacement[0].upper() + replacement[1:] if original[0].isupper() else replacement


def readable(text: str) -> str:
    """`text` with document file names and line numbers put in words."""
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def provenance_items(provenance: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of each fact worth showing, values made readable."""
    items: list[tuple[str, Any]] = []
    for key, value in provenance.items():
        if key in HIDDEN_KEYS or value in (None, "", [], {}):
            continue
        label = PROVENANCE_LABELS.get(key, str(key).replace("_", " ").capitalize())
        if key == "abstract_truncated":
            if value is True:
                items.append((label, "known only in part (the source cuts it short)"))
            continue
        items.append((label, _readable_value(value)))
    return items


def _readable_value(value: Any) -> Any:
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, list):
        return [_readable_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _readable_value(v) for k, v in value.items() if k not in HIDDEN_KEYS}
    return value


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def unconfirmed_speakers(names: Sequence[str], notes: Iterable[str]) -> set[str]:
    """The speakers the notes call only plausible ("X is a plausible speaker, NOT confirmed")."""
    text = _fold(" ".join(notes))
    found = set()
    for name in names:
        folded = _fold(name)
        for match in re.finditer(re.escape(folded), text):
            after = text[match.end() : match.end() + 90]
            if "plausible" in after.split(".")[0]:
                found.add(name)
    return found
