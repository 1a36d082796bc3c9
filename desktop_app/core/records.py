"""Frozen values that cross from the core into the GUI and the CLI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Speaker:
    """A speaker of a talk, with the affiliation given for that talk."""

    name: str
    affiliation: str | None = None


LINK_KINDS = (
    "arxiv",
    "paper",
    "code",
    "slides",
    "video",
    "homepage",
    "listing",
    "related-paper",
)


@dataclass(frozen=True)
class LinkData:
    """A link of a talk: `kind` is one of `LINK_KINDS`."""

    kind: str
    url: str
    label: str | None = None


@dataclass(frozen=True)
class SeriesData:
    """A seminar series as the exchange format describes it."""

    slug: str
    name: str
    short_name: str | None = None
    homepage: str | None = None
    timezone: str | None = None
    schedule: str | None = None
    description: str | None = None
    provenance: dict[str, Any] | None = None


@dataclass(frozen=True)
class TalkData:
    """What the sources say about a talk (no user state).

    `start` is time-zone aware (in `timezone` when there is one) or None when unknown.
    """

    uid: str
    series: str
    title: str | None = None
    speakers: tuple[Speaker, ...] = ()
    start: datetime | None = None
    timezone: str | None = None
    duration_minutes: int | None = None
    abstract: str | None = None
    bio: str | None = None
    extra: str | None = None
    links: tuple[LinkData, ...] = ()
    recording_url: str | None = None
    join_url: str | None = None
    tags: tuple[str, ...] = ()
    cancelled: bool = False
    provenance: dict[str, Any] | None = None
    field_provenance: dict[str, Any] | None = None
    source: str = "archive"
    source_key: str = ""


@dataclass(frozen=True)
class EditRecord:
    """One change of a talk's facts: an edit, a revert or a merge (`by`), with the field's
    value before and after as the exchange format writes it."""

    at: datetime
    field: str
    old: Any
    new: Any
    by: str
    who: str = ""  # the member who saved it on a shared archive ('' on SQLite)

    def as_json(self) -> dict[str, Any]:
        """The `history --json` object of the contracts (and `who`: the member, or null)."""
        return {
            "at": self.at.isoformat() + "Z",
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "by": self.by,
            "who": self.who or None,
        }


@dataclass(frozen=True)
class UserStateData:
    """The user's own marks on a talk."""

    starred: bool = False
    watched: bool = False
    note: str = ""
    last_opened: datetime | None = None


@dataclass(frozen=True)
class TalkRow:
    """One line of the talk list."""

    uid: str
    title: str | None
    display_title: str
    speakers: tuple[Speaker, ...]
    series: str
    series_name: str
    start: datetime | None
    timezone: str | None
    duration_minutes: int | None
    recording_url: str | None
    cancelled: bool
    starred: bool
    watched: bool
    series_short_name: str = ""
    new: bool = False  # arrived since the last visit and not opened yet

    @property
    def untitled(self) -> bool:
        """True when the title is unknown and `display_title` is a label."""
        return self.title is None


@dataclass(frozen=True)
class TalkDetail:
    """A talk with everything the detail page shows."""

    talk: TalkData
    display_title: str
    series_name: str
    series_homepage: str | None
    series_timezone: str | None
    user: UserStateData
    revision: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SpeakerProfile:
    """A speaker's page: every talk of theirs across series, where they were, a bio.

    Names are matched ignoring case and accents ("umut simsekli" is "Umut Şimşekli"); `names`
    holds the spellings the archive has of them. Nothing found: no talks, no names.
    """

    name: str
    names: tuple[str, ...] = ()
    talks: tuple[TalkRow, ...] = ()  # newest first, undated last
    affiliations: tuple[str, ...] = ()  # each once, that of the most recent talk first
    bio: str | None = None  # of their most recent talk with one, talks they gave alone first


class SortKey(StrEnum):
    """How a talk list is ordered."""

    DATE = "date"  # newest first, unknown dates last
    DATE_ASCENDING = "date-asc"
    TITLE = "title"
    SPEAKER = "speaker"
    SERIES = "series"
    RECORDING = "recording"  # talks with a recording first, then by date
    STARRED = "starred"  # starred talks first, then by date


@dataclass(frozen=True)
class TalkFilter:
    """Which talks a list shows; None means no restriction."""

    series: str | None = None
    year: int | None = None
    month: int | None = None  # 1-12, with `year`
    speaker: str | None = None  # a case-insensitive part of a speaker's name
    tag: str | None = None
    has_recording: bool | None = None
    starred: bool | None = None
    watched: bool | None = None
    upcoming: bool | None = None  # True: start in the future; False: in the past
    has_date: bool | None = None
    needs_facts: bool | None = None  # True: without a title, a speaker or a date
    new: bool | None = None  # True: arrived since the last visit, not opened yet
    uids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ImportProblem:
    """A record an import skipped or refused, and why (`where`: file and line or field)."""

    where: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: tuple[ImportProblem, ...] = ()
    changed_uids: tuple[str, ...] = ()

    def __add__(self, other: ImportReport) -> ImportReport:
        return ImportReport(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.rejected + other.rejected,
            self.problems + other.problems,
            self.changed_uids + other.changed_uids,
        )

    def as_json(self) -> dict[str, Any]:
        """The `import --json` object of the contracts."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
        }


@dataclass(frozen=True)
class SeriesSummary:
    """A series with its talk count and years."""

    series: SeriesData
    talk_count: int
    first_year: int | None
    last_year: int | None


@dataclass(frozen=True)
class Statistics:
    """Counts of the archive."""

    talks: int
    series: int
    speakers: int
    with_title: int
    with_speaker: int
    with_date: int
    with_recording: int
    with_abstract: int
    starred: int
    watched: int
    per_year: dict[int | None, int] = field(default_factory=dict)
    per_series: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Changes:
    """What a mutation changed, so that views refresh only that."""

    talks: frozenset[str] = frozenset()
    user_state: frozenset[str] = frozenset()
    series: bool = False


@dataclass(frozen=True)
class FacetCounts:
    """How many of the listed talks fall in each value of each filter."""

    series: dict[str, int] = field(default_factory=dict)
    year: dict[int | None, int] = field(default_factory=dict)
    month: dict[int, int] = field(default_factory=dict)  # of the filter's year, when it has one
    speaker: dict[str, int] = field(default_factory=dict)
    tag: dict[str, int] = field(default_factory=dict)
    has_recording: int = 0
    starred: int = 0
    watched: int = 0
    unwatched: int = 0
    upcoming: int = 0
    past: int = 0
    needs_facts: int = 0
    new: int = 0
    total: int = 0

    @property
    def undated(self) -> int:
        """How many of the talks have no date ("Date unknown"; `year[None]`)."""
        return self.year.get(None, 0)
