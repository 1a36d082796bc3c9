"""The edit layer: facts a person typed, over the facts the sources brought.

Edits are kept per talk uid and field (`TalkEdit`), apart from the source's facts, so that a
re-import or a sync (which update the source layer) never overwrite them. What the app shows,
searches and exports is the source record with the edits laid over it; a field reverted shows
the source's value again. Values are kept as the exchange format writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from desktop_app.core.errors import InputError
from desktop_app.core.exchange import talk_to_record
from desktop_app.core.importers.jsonl import RecordError, read_talk
from desktop_app.core.records import LINK_KINDS, Speaker, TalkData
from desktop_app.core.timeutil import format_exchange_start, is_zone_name, zone
from desktop_app.core.urls import check_url

EDITABLE_FIELDS = (
    "title",
    "speakers",
    "start",
    "timezone",
    "duration_minutes",
    "series",
    "recording_url",
    "links",
    "tags",
    "abstract",
)
_SPEAKER_TEXT = re.compile(r"^\s*(?P<name>[^()]*?)\s*(?:\((?P<affiliation>.*)\)\s*)?$")


def parse_speaker(text: str) -> Speaker:
    """ "Name (Affiliation)" or "Name" as a Speaker; InputError when the name is empty."""
    match = _SPEAKER_TEXT.match(text)
    name = (match["name"] if match else text).strip()
    affiliation = (match["affiliation"] or "").strip() if match else ""
    if not name:
        raise InputError(f"speaker: {text!r} has no name", 'Write "Name" or "Name (Affiliation)".')
    return Speaker(name, affiliation or None)


def _speaker(value: Any) -> Speaker:
    if isinstance(value, Speaker):
        speaker = value
    elif isinstance(value, Mapping):
        speaker = Speaker(str(value.get("name") or ""), value.get("affiliation") or None)
    else:
        return parse_speaker(str(value))
    if not speaker.name.strip():
        raise InputError("speaker: a speaker needs a name")
    return Speaker(speaker.name.strip(), (speaker.affiliation or "").strip() or None)


def speaker_text(speaker: Speaker) -> str:
    """ "Name (Affiliation)", the form `parse_speaker` reads."""
    return f"{speaker.name} ({speaker.affiliation})" if speaker.affiliation else speaker.name


def edit_value(
    field: str,
    value: Any,
    *,
    timezone: str | None = None,
    known_series: Iterable[str] = (),
    recording_folders: Iterable[str] = (),
) -> Any:
    """A typed value checked and put as the exchange record holds it; InputError names the
    field. `timezone` is the talk's zone (for a start without a UTC offset)."""
    if field not in EDITABLE_FIELDS:
        raise InputError(f"{field}: not a field that can be edited", _fields_hint())
    if field in {"title", "abstract"}:
        text = "" if value is None else str(value).strip()
        return text or None
    if field == "speakers":
        speakers = [_speaker(s) for s in value or ()]
        return [{"name": s.name, "affiliation": s.affiliation} for s in speakers]
    if field == "timezone":
        if value in (None, ""):
            return None
        if not is_zone_name(str(value)):
            raise InputError(
                f"timezone: unknown time zone {value!r}",
                "Use an IANA name such as Europe/Berlin or America/New_York.",
            )
        return str(value)
    if field == "start":
        return _start_value(value, timezone)
    if field == "duration_minutes":
        return _duration_value(value)
    if field == "series":
        slug = str(value or "").strip()
        known = set(known_series)
        if slug not in known:
            raise InputError(
                f"series: no series {slug!r} in the archive", "Known: " + ", ".join(sorted(known))
            )
        return slug
    if field == "recording_url":
        return _url_value("recording", value, recording_folders)
    if field == "links":
        return [_link_value(link) for link in value or ()]
    tags = [str(t).strip() for t in value or ()]
    if not all(tags):
        raise InputError("tag: a tag cannot be empty")
    return list(dict.fromkeys(tags))


def _fields_hint() -> str:
    return "Fields: " + ", ".join(EDITABLE_FIELDS)


def _start_value(value: Any, timezone: str | None) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError as error:
            raise InputError(
                f"start: {value!r} is not a date and time",
                "Write it in ISO 8601, e.g. 2024-05-29T12:00 or 2024-05-29T12:00-04:00.",
            ) from error
    if parsed.tzinfo is None:
        if timezone is None:
            raise InputError(
                f"start: {value!r} has no UTC offset and the talk has no time zone",
                "Give the offset (2024-05-29T12:00-04:00) or a time zone (--timezone).",
            )
        parsed = parsed.replace(tzinfo=zone(timezone))
    # The instant, with its offset: a later change of the source's zone (or a source without
    # one) must not move the time the user set.
    return parsed.isoformat()


def _duration_value(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        minutes = int(value)
    except (TypeError, ValueError) as error:
        raise InputError(f"duration: {value!r} is not a number of minutes") from error
    if minutes <= 0 or minutes > 24 * 60:
        raise InputError(f"duration: {minutes} minutes is not a talk's length (1 to 1440)")
    return minutes


def _url_value(what: str, value: Any, folders: Iterable[str]) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    decision = check_url(text, folders)
    if not decision.allowed:
        raise InputError(f"{what}: {text!r} is refused", decision.reason)
    return text


def _link_value(link: Any) -> dict[str, Any]:
    if isinstance(link, Mapping):
        kind, url, label = link.get("kind", "paper"), link.get("url", ""), link.get("label")
    else:
        kind, url, label = "paper", str(link), None
    if kind not in LINK_KINDS:
        raise InputError(f"links: unknown kind {kind!r}", "Kinds: " + ", ".join(LINK_KINDS))
    checked = _url_value("link", url, ())
    if checked is None:
        raise InputError("links: a link needs a URL")
    return {"kind": kind, "url": checked, "label": label}


ORIGIN_PROVENANCE = {"edited": "edited", "merge": "merged", "playlist": "youtube"}


def shown_talk(
    source: TalkData, edits: Mapping[str, Any], origins: Mapping[str, str] | None = None
) -> TalkData:
    """The talk as shown: the source's facts with the edits laid over them.

    `field_provenance` says, per field, "edited" (or "merged", "youtube" for values a merge
    or a playlist brought: `origins`, field → the edit's `by`) or the source's name.
    """
    if not edits:
        return source
    record = talk_to_record(source)
    record.update({field: value for field, value in edits.items() if field in EDITABLE_FIELDS})
    if "start" in edits or "timezone" in edits:
        record["start"] = _restate_start(source, edits)
    record.pop("field_provenance", None)
    # An edited recording may be a local file (checked by the URL policy when it was typed);
    # the exchange format's reader takes web links only.
    recording = record["recording_url"] if "recording_url" in edits else None
    if recording is not None:
        record["recording_url"] = None
    try:
        talk = read_talk(record)
    except RecordError as error:
        raise InputError(f"{error.field}: {error}") from error
    if recording is not None:
        talk = replace(talk, recording_url=recording)
    provenance = dict(source.field_provenance or {})
    origins = origins or {}
    provenance.update({f: ORIGIN_PROVENANCE.get(origins.get(f, "edited"), "edited") for f in edits})
    return replace(
        talk,
        source=source.source,
        source_key=source.source_key,
        field_provenance=provenance,
    )


def _restate_start(source: TalkData, edits: Mapping[str, Any]) -> str | None:
    """The start as wall-clock time in the shown zone: an edited zone keeps the instant of an
    unedited start (the talk's zone was wrong, not its time) and an edited start is read in it."""
    timezone = edits.get("timezone", source.timezone)
    if "start" in edits:
        text = edits["start"]
        if text is None:
            return None
        value = datetime.fromisoformat(str(text))
        if value.tzinfo is None:  # wall-clock time (read_talk reports a missing zone)
            return str(text)
        return format_exchange_start(value, timezone)
    if source.start is None:
        return None
    return format_exchange_start(source.start, timezone)


def field_value(talk: TalkData, field: str) -> Any:
    """A field of a talk as the exchange record holds it (for history and revert)."""
    return talk_to_record(talk).get(field)


def field_source(talk: TalkData, field: str, edited: Mapping[str, Any]) -> str:
    """Where a field's shown value comes from: "edited", or the source's name."""
    if field in edited:
        return "edited"
    given = (talk.field_provenance or {}).get(field)
    return given if isinstance(given, str) else talk.source
