"""Values the search returns (plain frozen dataclasses; no Whoosh here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.core.search.highlight import Marks

FACET_NAMES = ("year", "series", "speaker", "tag", "has_recording")


@dataclass(frozen=True)
class SearchHit:
    """One matching talk.

    `highlights` maps "title" and "abstract" to HTML-escaped text with `<mark>` around the
    matched words ("abstract" only when it matched; "title" whenever the talk has one).
    """

    uid: str
    score: float
    highlights: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResult:
    """A page of hits for a query, with what the GUI shows around them.

    `facets` (only when asked for) counts every matching talk per year, series, speaker, tag
    and has_recording ("yes"/"no"); unknown years count under "unknown". `marks` tells which
    words of any text the query matches (`marks.spans(title)`), for hits shown without
    highlights.
    """

    query: str
    total: int
    elapsed_ms: float
    hits: tuple[SearchHit, ...] = ()
    suggestion: str | None = None
    message: str | None = None
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    marks: Marks | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class IndexCheck:
    """Whether the index agrees with the database, and what differs."""

    database_generation: int
    index_generation: int | None
    indexed: int
    talks: int
    missing: tuple[str, ...] = ()  # talks in the database that the index lacks
    extra: tuple[str, ...] = ()  # uids in the index that the database lacks
    outdated: tuple[str, ...] = ()  # talks whose indexed text differs from the database
    problem: str | None = None  # no index, another schema or engine, unreadable

    @property
    def ok(self) -> bool:
        """True when nothing differs."""
        return not (self.problem or self.missing or self.extra or self.outdated) and (
            self.index_generation == self.database_generation
        )

    def describe(self) -> list[str]:
        """Lines for a terminal."""
        lines = [
            f"database generation {self.database_generation}, index generation "
            f"{self.index_generation if self.index_generation is not None else 'none'}",
            f"{self.talks} talks in the database, {self.indexed} in the index",
        ]
        if self.problem:
            lines.append(f"problem: {self.problem}")
        for label, uids in (
            ("missing from the index", self.missing),
            ("in the index but not in the database", self.extra),
            ("indexed from an older version", self.outdated),
        ):
            if uids:
                shown = ", ".join(uids[:10]) + (" …" if len(uids) > 10 else "")
                lines.append(f"{len(uids)} {label}: {shown}")
        lines.append("index and database agree" if self.ok else "index and database differ")
        return lines
