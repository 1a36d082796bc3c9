"""The JSON shapes of the command line's `--json` output (see the contracts)."""

from __future__ import annotations

from typing import Any

from desktop_app.core.editing import EDITABLE_FIELDS
from desktop_app.core.records import LinkData, Speaker, TalkDetail, TalkRow


def speakers_json(speakers: tuple[Speaker, ...]) -> list[dict[str, Any]]:
    """Speakers as `{name, affiliation}` objects."""
    return [{"name": s.name, "affiliation": s.affiliation} for s in speakers]


def links_json(links: tuple[LinkData, ...]) -> list[dict[str, Any]]:
    """Links as `{kind, url, label}` objects."""
    return [{"kind": ln.kind, "url": ln.url, "label": ln.label} for ln in links]


def talk_row_json(row: TalkRow, links: tuple[LinkData, ...] = ()) -> dict[str, Any]:
    """The talk object of `list --json`."""
    return {
        "uid": row.uid,
        "title": row.title,
        "display_title": row.display_title,
        "speakers": speakers_json(row.speakers),
        "series": row.series,
        "start": row.start.isoformat() if row.start else None,
        "timezone": row.timezone,
        "duration_minutes": row.duration_minutes,
        "recording_url": row.recording_url,
        "links": links_json(links),
        "starred": row.starred,
        "watched": row.watched,
        "cancelled": row.cancelled,
    }


def talk_detail_json(detail: TalkDetail) -> dict[str, Any]:
    """The talk object of `show --json`: everything known, with the user's state."""
    talk = detail.talk
    return {
        "uid": talk.uid,
        "title": talk.title,
        "display_title": detail.display_title,
        "speakers": speakers_json(talk.speakers),
        "series": talk.series,
        "series_name": detail.series_name,
        "start": talk.start.isoformat() if talk.start else None,
        "timezone": talk.timezone,
        "duration_minutes": talk.duration_minutes,
        "recording_url": talk.recording_url,
        "join_url": talk.join_url,
        "links": links_json(talk.links),
        "starred": detail.user.starred,
        "watched": detail.user.watched,
        "cancelled": talk.cancelled,
        "abstract": talk.abstract,
        "bio": talk.bio,
        "extra": talk.extra,
        "tags": list(talk.tags),
        "user": {
            "starred": detail.user.starred,
            "watched": detail.user.watched,
            "note": detail.user.note,
            "last_opened": detail.user.last_opened.isoformat() + "Z"
            if detail.user.last_opened
            else None,
        },
        "provenance": talk.provenance,
        "field_provenance": {
            field: (talk.field_provenance or {}).get(field, talk.source)
            for field in EDITABLE_FIELDS
        },
        "revision": detail.revision,
    }
