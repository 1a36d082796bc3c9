"""The index's fields and how a talk becomes an index document."""

from __future__ import annotations

import hashlib
import pickle
from datetime import UTC, datetime
from typing import Any

from whoosh import columns, fields

from desktop_app.core.labels import sort_title
from desktop_app.core.records import TalkData
from desktop_app.core.search.analysis import (
    completion_analyzer,
    text_analyzer,
)

# Bump when fields or analysis change: an index with another version is rebuilt.
SCHEMA_VERSION = 5
UNKNOWN_KEY = 2**62  # sorts unknown dates last in both directions
PAPER_LINK_KINDS = frozenset({"related-paper", "paper", "arxiv"})
# What a word without a field searches: the abstract, the title, the speakers, and every
# other text of the talk (bio, joint work, linked papers, tags) counting for less.
DEFAULT_FIELDS = ("abstract", "title", "speaker", "text")
DEFAULT_BOOSTS = {"text": 0.3}
# Title and speakers count more in the `text` field by appearing this often.
TITLE_REPEAT = 2
SPEAKER_REPEAT = 2
# Field names users may type before a colon, and the fields they mean.
FIELD_ALIASES = {
    "speakers": "speaker",
    "affiliation": "speaker",
    "affiliations": "speaker",
    "author": "speaker",
    "tags": "tag",
    "recording": "has_recording",
    "paper": "papers",
    "lang": "language",
}
USER_FIELDS = frozenset(
    {
        "title",
        "speaker",
        "abstract",
        "bio",
        "extra",
        "papers",
        "series",
        "tag",
        "year",
        "date",
        "has_recording",
        "language",
        "uid",
    }
)


def build_schema() -> Any:
    """A fresh Whoosh schema (analyzers are created per schema)."""
    analyzer = text_analyzer()
    return fields.Schema(
        uid=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        speaker=fields.TEXT(analyzer=analyzer, field_boost=2.0),
        abstract=fields.TEXT(analyzer=analyzer, stored=True),
        bio=fields.TEXT(analyzer=analyzer, phrase=False),
        extra=fields.TEXT(analyzer=analyzer, phrase=False),
        papers=fields.TEXT(analyzer=analyzer, phrase=False),
        series=fields.ID(),
        tag=fields.KEYWORD(lowercase=True, commas=True),
        year=fields.NUMERIC(int),
        date=fields.DATETIME(),
        has_recording=fields.ID(),
        language=fields.ID(),
        # Every text of the talk but its abstract, in one field: a word without a field
        # searches two posting lists (this and the abstract's) instead of six, and the
        # abstract, most of a talk's words, is analysed and indexed once.
        text=fields.TEXT(analyzer=analyzer),
        # Edge n-grams of titles, speakers, affiliations, extra lines (joint work) and tags:
        # the word being typed.
        complete=fields.TEXT(analyzer=completion_analyzer(), phrase=False),
        date_up=fields.COLUMN(columns.NumericColumn("q", default=UNKNOWN_KEY)),
        date_down=fields.COLUMN(columns.NumericColumn("q", default=UNKNOWN_KEY)),
        title_key=fields.COLUMN(columns.VarBytesColumn()),
        facets=fields.COLUMN(columns.PickleColumn(columns.VarBytesColumn())),
        digest=fields.COLUMN(columns.VarBytesColumn()),
    )


def talk_document(talk: TalkData) -> dict[str, Any]:
    """The index document of a talk (every value derived from the database)."""
    speakers = " ; ".join(s.name for s in talk.speakers)
    affiliations = " ; ".join(s.affiliation for s in talk.speakers if s.affiliation)
    people = f"{speakers} ; {affiliations}" if affiliations else speakers
    papers = " ; ".join(
        link.label for link in talk.links if link.kind in PAPER_LINK_KINDS and link.label
    )
    title = talk.title or ""
    language = (talk.provenance or {}).get("language")
    text_parts = [
        *([title] * TITLE_REPEAT),
        *([people] * SPEAKER_REPEAT),
        talk.bio or "",
        talk.extra or "",
        papers,
        talk.series,
        " ".join(talk.tags),
    ]
    facet_values = {
        "year": talk.start.year if talk.start else None,
        "series": talk.series,
        "speaker": tuple(s.name for s in talk.speakers),
        "tag": tuple(talk.tags),
        "has_recording": talk.recording_url is not None,
    }
    document: dict[str, Any] = {
        "uid": talk.uid,
        "title": title,
        "speaker": people,
        "abstract": talk.abstract or "",
        "bio": talk.bio or "",
        "extra": talk.extra or "",
        "papers": papers,
        "series": talk.series,
        "tag": ",".join(talk.tags),
        "has_recording": "yes" if talk.recording_url else "no",
        "text": "\n".join(p for p in text_parts if p),
        "complete": " ".join([title, people, talk.extra or "", " ".join(talk.tags)]),
        "title_key": sort_title(talk.title, talk.abstract).encode("utf-8"),
        "facets": facet_values,
        "digest": talk_digest(talk),
    }
    if isinstance(language, str) and language:
        document["language"] = language.lower()
    if talk.start is not None:
        instant = talk.start.astimezone(UTC).replace(tzinfo=None)
        seconds = int((instant - datetime(1970, 1, 1)).total_seconds())
        document["year"] = talk.start.year
        document["date"] = instant
        document["date_up"] = seconds
        document["date_down"] = -seconds
    return document


def talk_digest(talk: TalkData) -> bytes:
    """A fingerprint of everything the index takes from a talk (`check` compares them)."""
    values = (
        talk.uid,
        talk.series,
        talk.title,
        tuple((s.name, s.affiliation) for s in talk.speakers),
        talk.start.isoformat() if talk.start else None,
        talk.abstract,
        talk.bio,
        talk.extra,
        tuple((ln.kind, ln.label) for ln in talk.links),
        talk.recording_url is not None,
        talk.tags,
        (talk.provenance or {}).get("language"),
        SCHEMA_VERSION,
    )
    return hashlib.blake2b(pickle.dumps(values, protocol=4), digest_size=12).digest()
