"""What any talk must be before it is stored, whichever file or feed it came from.

One place for the limits every importer applies (`talk_problem`, `series_problem`: the field
and the reason, for the importer to refuse or skip the record) and for the cleaning the
archive applies to every talk it stores (`clean_talk`, `clean_series`): control characters
never reach the database, so they never reach a terminal, a calendar file or the window;
single-line fields (titles, names, labels, URLs) lose their line breaks too.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from desktop_app.core.records import LinkData, SeriesData, Speaker, TalkData

LINE_MAX = 2_000  # characters of a title, a name, a label, a tag
TEXT_MAX = 200_000  # characters of an abstract, a bio, a description
URL_MAX = 8_000
ITEMS_MAX = 500  # speakers, links or tags of one talk
MAX_DURATION_MINUTES = 366 * 24 * 60
# The instants the archive can show in any zone and end after any duration: not the first
# and last years Python's dates hold.
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, tzinfo=UTC)

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\s*(?:\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029])[\s]*")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_controls(text: str) -> bool:
    """True when `text` holds a control character or a line break (not allowed in keys)."""
    return _ANY_CONTROL.search(text) is not None


def clean_line(text: str) -> str:
    """One line: line breaks (and the spaces around them) become one space, tabs a space,
    other control characters are dropped."""
    if not _ANY_CONTROL.search(text):
        return text
    text = _LINE_BREAKS.sub(" ", text).replace("\t", " ")
    return _CONTROLS.sub("", text).strip()


def clean_block(text: str) -> str:
    """Multi-line text: CR LF and CR become LF, tabs and line breaks stay, other control
    characters are dropped."""
    if not _ANY_CONTROL.search(text):
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    return _CONTROLS.sub("", text.replace("\u2029", "\n\n"))


def _optional(value: str | None, clean: Any) -> str | None:
    """The cleaned value; None when the cleaning left nothing of it (it was only controls)."""
    if value is None:
        return None
    cleaned: str = clean(value)
    return None if cleaned != value and not cleaned.strip() else cleaned


def _clean_json(value: Any) -> Any:
    """Provenance and other free-form values: every string cleaned as one line."""
    if isinstance(value, str):
        return clean_line(value)
    if isinstance(value, list):
        return [_clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_line(str(k)): _clean_json(v) for k, v in value.items()}
    return value


def clean_talk(talk: TalkData) -> TalkData:
    """The talk without control characters (the same talk when it has none)."""
    return replace(
        talk,
        title=_optional(talk.title, clean_line),
        speakers=tuple(  # a name of control characters only: no speaker at all
            Speaker(clean_line(s.name), _optional(s.affiliation, clean_line))
            for s in talk.speakers
            if clean_line(s.name).strip()
        ),
        abstract=_optional(talk.abstract, clean_block),
        bio=_optional(talk.bio, clean_block),
        extra=_optional(talk.extra, clean_block),
        links=tuple(
            LinkData(ln.kind, clean_line(ln.url), _optional(ln.label, clean_line))
            for ln in talk.links
            if clean_line(ln.url).strip()
        ),
        recording_url=_optional(talk.recording_url, clean_line),
        join_url=_optional(talk.join_url, clean_line),
        tags=tuple(clean_line(tag) for tag in talk.tags if clean_line(tag).strip()),
        provenance=_clean_json(talk.provenance),
        field_provenance=_clean_json(talk.field_provenance),
    )


def clean_series(series: SeriesData) -> SeriesData:
    """The series without control characters."""
    return replace(
        series,
        name=clean_line(series.name).strip() or series.slug,
        short_name=_optional(series.short_name, clean_line),
        homepage=_optional(series.homepage, clean_line),
        schedule=_optional(series.schedule, clean_line),
        description=_optional(series.description, clean_block),
        provenance=_clean_json(series.provenance),
    )


def instant_problem(start: datetime) -> str | None:
    """Why the archive cannot hold this instant (None when it can)."""
    try:
        utc = start.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        return (
            f"{start.isoformat()[:40]} is outside the dates the archive can hold "
            f"(years {EARLIEST.year} to {LATEST.year})"
        )
    return None


def _too_long(value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        return f"is {len(value):,} characters long (at most {limit:,})"
    return None


def _json_size(value: Any) -> int:
    """Characters of the strings in a free-form value (walked without recursion)."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return total


def talk_problem(talk: TalkData) -> tuple[str, str] | None:
    """(field, reason) of the first limit the talk passes, or None."""
    checks: list[tuple[str, str | None, int]] = [
        ("title", talk.title, LINE_MAX),
        ("abstract", talk.abstract, TEXT_MAX),
        ("bio", talk.bio, TEXT_MAX),
        ("extra", talk.extra, TEXT_MAX),
        ("recording_url", talk.recording_url, URL_MAX),
        ("join_url", talk.join_url, URL_MAX),
    ]
    for index, speaker in enumerate(talk.speakers[:ITEMS_MAX]):
        checks.append((f"speakers[{index}].name", speaker.name, LINE_MAX))
        checks.append((f"speakers[{index}].affiliation", speaker.affiliation, LINE_MAX))
    for index, link in enumerate(talk.links[:ITEMS_MAX]):
        checks.append((f"links[{index}].url", link.url, URL_MAX))
        checks.append((f"links[{index}].label", link.label, LINE_MAX))
    checks.extend((f"tags[{i}]", tag, LINE_MAX) for i, tag in enumerate(talk.tags[:ITEMS_MAX]))
    for field, value, limit in checks:
        reason = _too_long(value, limit)
        if reason:
            return field, reason
    for field, items in (("speakers", talk.speakers), ("links", talk.links), ("tags", talk.tags)):
        if len(items) > ITEMS_MAX:
            return field, f"has {len(items):,} entries (at most {ITEMS_MAX})"
    if _json_size(talk.provenance) > TEXT_MAX:
        return "provenance", f"holds more than {TEXT_MAX:,} characters"
    if talk.start is not None:
        reason = instant_problem(talk.start)
        if reason:
            return "start", reason
    if talk.duration_minutes is not None and talk.duration_minutes > MAX_DURATION_MINUTES:
        return "duration_minutes", f"is longer than a year (at most {MAX_DURATION_MINUTES:,})"
    return None


def series_problem(series: SeriesData) -> tuple[str, str] | None:
    """(field, reason) of the first limit the series passes, or None."""
    for field, value, limit in (
        ("slug", series.slug, LINE_MAX),
        ("name", series.name, LINE_MAX),
        ("short_name", series.short_name, LINE_MAX),
        ("homepage", series.homepage, URL_MAX),
        ("schedule", series.schedule, LINE_MAX),
        ("description", series.description, TEXT_MAX),
    ):
        reason = _too_long(value, limit)
        if reason:
            return field, reason
    if _json_size(series.provenance) > TEXT_MAX:
        return "provenance", f"holds more than {TEXT_MAX:,} characters"
    return None
