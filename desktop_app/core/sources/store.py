"""Sources in the archive: adding, listing, removing, and applying what one source brought
inside one write transaction (the Archive calls these)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.importers import ParsedFile
from desktop_app.core.models import Series, Source, Talk, TalkSource
from desktop_app.core.records import ImportReport, SeriesData
from desktop_app.core.sources.kinds import (
    SOURCE_KINDS,
    checked_source,
    detect_kind,
    with_scheme,
)
from desktop_app.core.upsert import Upsert, check_slug, chunks


@dataclass(frozen=True)
class SourceInfo:
    """A source as `source list` shows it."""

    id: int
    series: str
    kind: str
    url: str
    last_status: str | None
    last_sync: datetime | None
    error: str | None
    etag: str | None = None
    last_modified: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The `source list --json` object of the contracts."""
        return {
            "id": self.id,
            "series": self.series,
            "kind": self.kind,
            "url": self.url,
            "last_status": self.last_status,
            "last_sync": self.last_sync.isoformat() + "Z" if self.last_sync else None,
            "error": self.error,
        }


@dataclass(frozen=True)
class Applied:
    """What applying one source's answer did."""

    report: ImportReport
    removed: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()


def source_info(source: Source) -> SourceInfo:
    """The frozen view of a source row."""
    return SourceInfo(
        id=source.id,
        series=source.series.slug,
        kind=source.kind,
        url=source.url,
        last_status=source.last_status,
        last_sync=source.last_sync,
        error=source.last_error,
        etag=source.etag,
        last_modified=source.last_modified,
    )


def add_source(
    session: Session, series: str, url: str, kind: str | None, now: datetime
) -> SourceInfo:
    """A new source of a series (the series is created when new)."""
    url = with_scheme(url)
    if not url:
        raise InputError("source: give a URL, a researchseminars.org series id or a file")
    chosen = kind or detect_kind(url)
    if chosen not in SOURCE_KINDS:
        raise InputError(
            f"--kind {chosen}: not a kind of source", "Kinds: " + ", ".join(SOURCE_KINDS)
        )
    try:
        url = checked_source(url, chosen)
    except ValueError as error:
        raise InputError(f"source: {error}") from None
    row = session.scalar(select(Series).where(Series.slug == series))
    if row is None:
        check_slug(series)
        row = Series(slug=series, name=series, created_at=now, updated_at=now)
        session.add(row)
        session.flush()
    duplicate = session.scalar(
        select(Source.id).where(Source.series_id == row.id, Source.url == url)
    )
    if duplicate is not None:
        raise InputError(f"source: {url} is already source {duplicate} of {series}")
    source = Source(series_id=row.id, kind=chosen, url=url, created_at=now)
    session.add(source)
    session.flush()
    return source_info(source)


def get_source(session: Session, source_id: int) -> Source:
    """The source row; NotFoundError when there is none."""
    source = session.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"no source with id {source_id}", "See `seminar-archive source list`.")
    return source


def apply_answer(
    session: Session, source_id: int, parsed: ParsedFile, where: str, now: datetime
) -> Applied:
    """Apply a source's talks to its series; talks it brought before and dropped now are
    marked removed by the source (never deleted), talks it lists again are restored."""
    source = get_source(session, source_id)
    series = source.series
    if series.name == series.slug and parsed.default_series is not None:
        series.name = parsed.default_series.name  # named from the feed on its first read
    parsed.series = [s for s in parsed.series if s.slug == series.slug]
    parsed.default_series = replace(
        parsed.default_series or SeriesData(slug=series.slug, name=series.name), slug=series.slug
    )
    report = Upsert(session, where).apply(parsed, series.slug)
    listed = {talk.uid for talk in parsed.talks}
    known = set(session.scalars(select(TalkSource.uid).where(TalkSource.source_id == source_id)))
    for uid in sorted(listed):
        session.merge(TalkSource(uid=uid, source_id=source_id, seen_at=now))
    removed: list[str] = []
    # An empty or cut-off answer is more likely a broken feed than every talk dropped.
    if listed and parsed.complete:
        gone = sorted(known - listed)
        for chunk in chunks(gone):
            result = session.execute(
                update(Talk)
                .where(Talk.uid.in_(chunk), Talk.removed_by_source.is_(False))
                .values(removed_by_source=True, updated_at=now)
                .returning(Talk.uid)
            )
            removed.extend(result.scalars())
    restored: list[str] = []
    for chunk in chunks(sorted(listed)):
        result = session.execute(
            update(Talk)
            .where(Talk.uid.in_(chunk), Talk.removed_by_source.is_(True))
            .values(removed_by_source=False, updated_at=now)
            .returning(Talk.uid)
        )
        restored.extend(result.scalars())
    return Applied(report, tuple(removed), tuple(restored))


def record_result(
    session: Session,
    source_id: int,
    status: str,
    now: datetime,
    *,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Keep a sync's outcome on the source (the validators only when it was read)."""
    source = get_source(session, source_id)
    source.last_status = status
    source.last_sync = now
    source.last_error = error
    if status != "failed":
        source.etag = etag
        source.last_modified = last_modified


def sources_of_talk(session: Session, uid: str) -> list[SourceInfo]:
    """The sources that brought a talk."""
    query = (
        select(Source)
        .join(TalkSource, TalkSource.source_id == Source.id)
        .where(TalkSource.uid == uid)
        .order_by(Source.id)
    )
    return [source_info(s) for s in session.scalars(query)]
