"""The app's own exchange format (JSON Lines): records to write, and their content hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from desktop_app.core.records import SeriesData, TalkData
from desktop_app.core.timeutil import format_exchange_start

FORMAT_NAME = "seminar-archive"
FORMAT_VERSION = 1
HEADER: dict[str, Any] = {"kind": "archive", "format": FORMAT_NAME, "version": FORMAT_VERSION}

SERIES_KEYS = (
    "kind",
    "slug",
    "name",
    "short_name",
    "homepage",
    "timezone",
    "schedule",
    "description",
    "provenance",
)
TALK_KEYS = (
    "kind",
    "uid",
    "series",
    "title",
    "speakers",
    "start",
    "timezone",
    "duration_minutes",
    "abstract",
    "bio",
    "extra",
    "links",
    "recording_url",
    "tags",
    "provenance",
)
# Written only when they carry something, so that files without them stay as they were.
OPTIONAL_TALK_KEYS = ("join_url", "cancelled", "field_provenance")


def series_to_record(series: SeriesData) -> dict[str, Any]:
    """The exchange record of a series."""
    return {
        "kind": "series",
        "slug": series.slug,
        "name": series.name,
        "short_name": series.short_name,
        "homepage": series.homepage,
        "timezone": series.timezone,
        "schedule": series.schedule,
        "description": series.description,
        "provenance": series.provenance,
    }


def talk_to_record(talk: TalkData) -> dict[str, Any]:
    """The exchange record of a talk."""
    record: dict[str, Any] = {
        "kind": "talk",
        "uid": talk.uid,
        "series": talk.series,
        "title": talk.title,
        "speakers": [{"name": s.name, "affiliation": s.affiliation} for s in talk.speakers],
        "start": format_exchange_start(talk.start, talk.timezone) if talk.start else None,
        "timezone": talk.timezone,
        "duration_minutes": talk.duration_minutes,
        "abstract": talk.abstract,
        "bio": talk.bio,
        "extra": talk.extra,
        "links": [{"kind": ln.kind, "url": ln.url, "label": ln.label} for ln in talk.links],
        "recording_url": talk.recording_url,
        "tags": list(talk.tags),
        "provenance": talk.provenance,
    }
    if talk.join_url:
        record["join_url"] = talk.join_url
    if talk.cancelled:
        record["cancelled"] = True
    if talk.field_provenance:
        record["field_provenance"] = talk.field_provenance
    return record


def dumps_record(record: dict[str, Any]) -> str:
    """One line of the format."""
    return json.dumps(record, ensure_ascii=False)


def content_hash(record: dict[str, Any]) -> str:
    """A hash of a record's content, to tell an unchanged re-import from an update."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_lines(
    series: Iterable[SeriesData],
    talks: Iterable[TalkData],
    user_states: Mapping[str, dict[str, Any]] | None = None,
    saved_searches: Iterable[dict[str, Any]] = (),
) -> Iterator[str]:
    """The lines of an exchange file: the header, the series, then the talks (with the user's
    marks and notes in a `user` object when `user_states` is given)."""
    yield dumps_record(HEADER)
    for item in series:
        yield dumps_record(series_to_record(item))
    for talk in talks:
        record = talk_to_record(talk)
        if user_states is not None and talk.uid in user_states:
            record["user"] = user_states[talk.uid]
        yield dumps_record(record)
    for saved in saved_searches:
        yield dumps_record(saved)
