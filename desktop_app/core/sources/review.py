"""The review list: proposals that two records are one talk, and recordings for talks.

Identity is by source key alone; similarity only proposes. After a source is applied, its
talks are compared with the series' talks from elsewhere (`matching.propose_merges`): a
proposal marked automatic (at or above `AUTO_MERGE_SCORE`, no rival) is merged at once, the
others wait here. Accepting a merge keeps the source's record (the one its feed goes on
updating) and fills its gaps from the other (the user's marks ORed, notes joined; see
`talk_edits.TalkEditor.merge`). A playlist's confident recordings are attached, the uncertain
ones wait here. A rejected proposal is never proposed again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.models import ReviewItem, Series, Talk, TalkSource
from desktop_app.core.records import TalkData
from desktop_app.core.sources.matching import (
    MergeProposal,
    RecordingMatch,
    match_recordings,
    propose_merges,
)
from desktop_app.core.sources.youtube import PlaylistEntry
from desktop_app.core.talk_edits import talk_data


@dataclass(frozen=True)
class ReviewInfo:
    """A proposal as `review --json` shows it."""

    id: int
    kind: str  # merge or recording
    talks: tuple[str, ...]
    recording_url: str | None
    score: float
    reason: str
    status: str

    def as_json(self) -> dict[str, Any]:
        """The contract's shape."""
        return {
            "id": self.id,
            "kind": self.kind,
            "talks": list(self.talks),
            "recording_url": self.recording_url,
            "score": self.score,
            "reason": self.reason,
        }


def review_info(item: ReviewItem) -> ReviewInfo:
    """The frozen view of a review row."""
    return ReviewInfo(
        item.id,
        item.kind,
        tuple(item.uids),
        item.recording_url,
        item.score,
        item.reason,
        item.status,
    )


def series_talks(session: Session, series_id: int) -> list[TalkData]:
    """Every talk of a series as shown."""
    query = select(Talk).where(Talk.series_id == series_id).order_by(Talk.id)
    return [talk_data(t) for t in session.scalars(query)]


def merge_proposals(
    session: Session, source_id: int, series_id: int, uids: set[str]
) -> list[MergeProposal]:
    """Proposals that talks this source brought (`uids`) are talks of the series from
    elsewhere (never two talks of this one source)."""
    from_here = set(
        session.scalars(select(TalkSource.uid).where(TalkSource.source_id == source_id))
    )
    talks = series_talks(session, series_id)
    # `source` tells matching which records share a source: this one, or any other.
    incoming = [replace(t, source=f"source {source_id}") for t in talks if t.uid in uids]
    existing = [replace(t, source="elsewhere") for t in talks if t.uid not in from_here]
    return propose_merges(incoming, existing)


def keep(session: Session, proposal: MergeProposal, now: datetime) -> bool:
    """Put a proposal on the list unless it (or its reverse) is there already, in any state."""
    wanted = list(proposal.talks)
    for item in session.scalars(select(ReviewItem).where(ReviewItem.kind == "merge")):
        if sorted(item.uids) == sorted(wanted):
            return False
    session.add(
        ReviewItem(
            kind="merge",
            uids=wanted,
            score=proposal.score,
            reason=proposal.reason,
            status="open",
            created_at=now,
        )
    )
    return True


def keep_recording(session: Session, match: RecordingMatch, now: datetime) -> bool:
    """Put an uncertain recording on the list unless it was proposed before."""
    for item in session.scalars(select(ReviewItem).where(ReviewItem.kind == "recording")):
        if item.uids == [match.talk] and item.recording_url == match.url:
            return False
    session.add(
        ReviewItem(
            kind="recording",
            uids=[match.talk],
            recording_url=match.url,
            score=match.score,
            reason=match.reason,
            status="open",
            created_at=now,
        )
    )
    return True


def recordings_for(
    session: Session, series_slug: str, entries: list[PlaylistEntry]
) -> tuple[list[RecordingMatch], list[RecordingMatch]]:
    """(confident, uncertain) recordings of a playlist for a series' talks."""
    series = session.scalar(select(Series).where(Series.slug == series_slug))
    if series is None:
        raise NotFoundError(f"no series {series_slug!r}")
    matches = match_recordings(entries, series_talks(session, series.id))
    return list(matches.confident), list(matches.uncertain)


def open_items(session: Session) -> list[ReviewInfo]:
    """The proposals waiting, best first."""
    query = (
        select(ReviewItem)
        .where(ReviewItem.status == "open")
        .order_by(ReviewItem.score.desc(), ReviewItem.id)
    )
    return [review_info(i) for i in session.scalars(query)]


def decide(session: Session, item_id: int, status: str) -> ReviewItem:
    """Mark a proposal accepted or rejected (the caller applies an accepted one)."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise NotFoundError(f"no proposal with id {item_id}", "See `seminar-archive review`.")
    if item.status != "open":
        raise InputError(f"proposal {item_id} was already {item.status}")
    item.status = status
    return item
