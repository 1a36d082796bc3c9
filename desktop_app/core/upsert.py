"""Applies one imported file to the database in bulk (Core statements, no ORM objects per talk).

Bulk statements keep a 100k-talk import to seconds and keep the heap small, so that garbage
collection does not stall the GUI thread while an import runs in the background.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from desktop_app.core.errors import InputError
from desktop_app.core.exchange import content_hash, series_to_record, talk_to_record
from desktop_app.core.importers import ParsedFile
from desktop_app.core.labels import sort_title
from desktop_app.core.models import (
    ArchiveMeta,
    DeletedTalk,
    Link,
    Person,
    Series,
    Talk,
    TalkSpeaker,
    TalkTag,
    UserState,
)
from desktop_app.core.person import person_of
from desktop_app.core.records import ImportProblem, ImportReport, SeriesData, TalkData
from desktop_app.core.sanitize import clean_series, clean_talk, talk_problem
from desktop_app.core.textfold import fold_name
from desktop_app.core.timeutil import from_utc_naive, to_utc_naive, utc_now

GENERATION_KEY = "generation"
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")
CHUNK = 500
MAX_REPORTED_PROBLEMS = 50


# The PostgreSQL channel told of every committed change of talks (its payload: the generation).
CHANGES_CHANNEL = "seminar_archive_changes"


def next_generation(session: Session) -> int:
    """Bump and return the archive's change counter (inside the write transaction)."""
    row = session.get(ArchiveMeta, GENERATION_KEY)
    value = int(row.value) + 1 if row else 1
    session.merge(ArchiveMeta(key=GENERATION_KEY, value=str(value)))
    if session.get_bind().dialect.name == "postgresql":  # delivered when the change commits
        session.execute(
            text("SELECT pg_notify(:channel, :generation)"),
            {"channel": CHANGES_CHANNEL, "generation": str(value)},
        )
    return value


_Item = TypeVar("_Item")


def chunks(items: list[_Item], size: int = CHUNK) -> Iterator[list[_Item]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Upsert:
    """Applies one parsed file inside one write transaction."""

    def __init__(
        self, session: Session, where: str, progress: Callable[[int, int], None] | None = None
    ) -> None:
        self.session = session
        self.where = where
        self.progress = progress
        self.now = utc_now()
        self.generation: int | None = None

    def apply(self, parsed: ParsedFile, series_override: str | None) -> ImportReport:
        """Add new talks, update changed ones, leave unchanged ones alone."""
        from desktop_app.core.editing import shown_talk
        from desktop_app.core.talk_edits import edits_of, gone_uids, origins_of

        series_ids = self._apply_series(parsed, series_override)
        default_slug = parsed.default_series.slug if parsed.default_series else ""
        uids = [t.uid for t in parsed.talks]
        existing = self._existing(uids)
        edits = edits_of(self.session, uids)
        origins = origins_of(self.session, list(edits))
        merged = gone_uids(self.session, uids)
        new_rows: list[tuple[dict[str, Any], TalkData]] = []
        changed_rows: list[tuple[dict[str, Any], TalkData]] = []
        unchanged = 0
        total = len(parsed.talks)
        for number, data in enumerate(parsed.talks):
            if self.progress is not None and number % 200 == 0:
                self.progress(number, total)
            problem = talk_problem(data)
            if problem is not None:  # the importers skip or refuse these; a sync may not
                raise InputError(f"{self.where}: talk {data.uid}: {problem[0]} {problem[1]}")
            data = clean_talk(data)  # control characters never reach the database
            slug = series_override or data.series or default_slug
            if slug not in series_ids:
                raise InputError(
                    f"{self.where}: talk {data.uid} names series {slug!r}, which is neither in "
                    "the file nor in the archive"
                )
            if slug != data.series:
                data = replace(data, series=slug)
            digest = content_hash(talk_to_record(data))
            found = existing.get(data.uid)
            if (found is not None and found[1] == digest) or data.uid in merged:
                unchanged += 1  # a merged talk lives on in the kept one
                continue
            talk_edits = edits.get(data.uid)
            if talk_edits:  # the source layer changes; the user's edits stay on top
                shown = clean_talk(shown_talk(data, talk_edits, origins.get(data.uid)))
                row = self.talk_values(shown, series_ids[shown.series], digest)
                row["source_record"] = talk_to_record(data)
                data = shown
            else:
                row = self.talk_values(data, series_ids[slug], digest)
                row["source_record"] = None
            if found is None:
                new_rows.append((row, data))
            else:
                row["id"], row["revision"] = found[0], found[2] + 1
                changed_rows.append((row, data))
        if new_rows or changed_rows:
            self.write_talks(new_rows, changed_rows)
        if self.progress is not None:
            self.progress(total, total)
        self._restore_user_states(parsed.user_states)
        if parsed.saved_searches:
            from desktop_app.core.saved import save

            for search in parsed.saved_searches:  # by name: changed, never deleted
                save(self.session, search, self.now)
        changed = [data.uid for _row, data in new_rows + changed_rows]
        for chunk in chunks(changed):
            self.session.execute(delete(DeletedTalk).where(DeletedTalk.uid.in_(chunk)))
        problems = [*parsed.problems, *parsed.warnings]
        reported = problems[:MAX_REPORTED_PROBLEMS]
        if len(problems) > len(reported):
            reported.append(
                ImportProblem(self.where, f"… and {len(problems) - len(reported)} more problems")
            )
        return ImportReport(
            added=len(new_rows),
            updated=len(changed_rows),
            unchanged=unchanged,
            rejected=parsed.rejected + len(parsed.problems),
            problems=tuple(reported),
            changed_uids=tuple(changed),
        )

    def _restore_user_states(self, states: dict[str, dict[str, Any]]) -> None:
        """Marks and notes exported "with my marks and notes": stars and watched marks are
        added to those here, a note is kept when there is none here (else both are kept)."""
        if not states:
            return
        person = person_of(self.session)  # an import brings its marks to whoever imports
        for uid, wanted in states.items():
            state = self.session.get(UserState, {"person": person, "uid": uid})
            if state is None:
                state = UserState(
                    person=person,
                    uid=uid,
                    starred=False,
                    watched=False,
                    note="",
                    updated_at=self.now,
                )
                self.session.add(state)
            state.starred = state.starred or bool(wanted.get("starred"))
            state.watched = state.watched or bool(wanted.get("watched"))
            note = str(wanted.get("note") or "").strip()
            if note and note not in state.note:
                state.note = f"{state.note}\n\n{note}" if state.note.strip() else note
            state.updated_at = self.now

    # ------------------------------------------------------------------ series

    def _apply_series(self, parsed: ParsedFile, series_override: str | None) -> dict[str, int]:
        by_slug = {s.slug: s for s in self.session.scalars(select(Series))}
        for data in parsed.series:
            by_slug[data.slug] = self._upsert_series(by_slug.get(data.slug), clean_series(data))
        default = parsed.default_series
        default = clean_series(default) if default is not None else None
        if default is not None and default.slug not in by_slug and not series_override:
            by_slug[default.slug] = self._upsert_series(None, default)
        if series_override is not None and series_override not in by_slug:
            # A new series, named from the feed (its X-WR-CALNAME), else after the slug.
            check_slug(series_override)
            named = default or SeriesData(slug=series_override, name=series_override)
            by_slug[series_override] = self._upsert_series(
                None, replace(named, slug=series_override)
            )
        self.session.flush()
        return {slug: series.id for slug, series in by_slug.items()}

    def _upsert_series(self, series: Series | None, data: SeriesData) -> Series:
        digest = content_hash(series_to_record(data))
        if series is not None and series.content_hash == digest:
            return series
        if series is None:
            series = Series(slug=data.slug, created_at=self.now)
            self.session.add(series)
        series.name = data.name
        series.short_name = data.short_name
        series.homepage = data.homepage
        series.timezone = data.timezone
        series.schedule = data.schedule
        series.description = data.description
        series.provenance = data.provenance
        series.content_hash = digest
        series.updated_at = self.now
        return series

    # ------------------------------------------------------------------ talks

    def _existing(self, uids: list[str]) -> dict[str, tuple[int, str, int]]:
        """uid → (id, content hash, revision) of the talks already in the archive."""
        found: dict[str, tuple[int, str, int]] = {}
        for chunk in chunks(uids):
            query = select(Talk.uid, Talk.id, Talk.content_hash, Talk.revision).where(
                Talk.uid.in_(chunk)
            )
            for uid, talk_id, digest, revision in self.session.execute(query):
                found[uid] = (talk_id, digest, revision)
        return found

    def _generation(self) -> int:
        if self.generation is None:  # taken once per import, inside the write lock
            self.generation = next_generation(self.session)
        return self.generation

    def talk_values(self, data: TalkData, series_id: int, digest: str) -> dict[str, Any]:
        """The talks row of `data` (as shown), its source's content hash `digest`."""
        return {
            "uid": data.uid,
            "series_id": series_id,
            "title": data.title,
            "sort_title": sort_title(data.title, data.abstract),
            "start_utc": to_utc_naive(data.start) if data.start else None,
            "timezone": data.timezone,
            # The year of the start as the archive gives it back (in the talk's zone, else UTC),
            # which the search index files the talk under too.
            "start_year": _shown_year(data),
            "duration_minutes": data.duration_minutes,
            "abstract": data.abstract,
            "bio": data.bio,
            "extra": data.extra,
            "join_url": data.join_url,
            "recording_url": data.recording_url,
            "cancelled": data.cancelled,
            "provenance": data.provenance,
            "field_provenance": data.field_provenance,
            "content_hash": digest,
            "generation": self._generation(),
            "updated_at": self.now,
        }

    def write_talks(
        self,
        new_rows: list[tuple[dict[str, Any], TalkData]],
        changed_rows: list[tuple[dict[str, Any], TalkData]],
    ) -> None:
        ids: dict[str, int] = {}
        for new_batch in chunks(new_rows):
            values = [
                {
                    **row,
                    "source": data.source,
                    "source_key": data.source_key or data.uid,
                    "revision": 0,
                    "created_at": self.now,
                }
                for row, data in new_batch
            ]
            returned = self.session.execute(insert(Talk).returning(Talk.uid, Talk.id), values)
            ids.update({uid: talk_id for uid, talk_id in returned})
        if changed_rows:
            self.session.execute(update(Talk), [row for row, _data in changed_rows])
            changed_ids = [row["id"] for row, _data in changed_rows]
            for table in (TalkSpeaker, Link, TalkTag):
                for chunk in chunks(changed_ids):
                    self.session.execute(delete(table).where(table.talk_id.in_(chunk)))
            ids.update({data.uid: row["id"] for row, data in changed_rows})
        talks = [data for _row, data in new_rows + changed_rows]
        people = self._people_ids(talks)
        speakers = [
            {
                "talk_id": ids[t.uid],
                "position": i,
                "person_id": people[s.name],
                "affiliation": s.affiliation,
            }
            for t in talks
            for i, s in enumerate(t.speakers)
        ]
        links = [
            {
                "talk_id": ids[t.uid],
                "position": i,
                "kind": ln.kind,
                "url": ln.url,
                "label": ln.label,
            }
            for t in talks
            for i, ln in enumerate(t.links)
        ]
        tags = [
            {"talk_id": ids[t.uid], "position": i, "tag": tag}
            for t in talks
            for i, tag in enumerate(t.tags)
        ]
        children: list[tuple[Any, list[dict[str, Any]]]] = [
            (TalkSpeaker, speakers),
            (Link, links),
            (TalkTag, tags),
        ]
        for table, rows in children:
            for batch in chunks(rows, 2000):
                self.session.execute(insert(table), batch)

    def _people_ids(self, talks: list[TalkData]) -> dict[str, int]:
        """Ids of every speaker named, adding new people and their latest affiliation."""
        latest: dict[str, str | None] = {}
        for talk in talks:
            for speaker in talk.speakers:
                if speaker.affiliation or speaker.name not in latest:
                    latest[speaker.name] = speaker.affiliation
        names = sorted(latest)
        known: dict[str, tuple[int, str | None]] = {}
        for chunk in chunks(names):
            query = select(Person.name, Person.id, Person.affiliation).where(Person.name.in_(chunk))
            for name, person_id, affiliation in self.session.execute(query):
                known[name] = (person_id, affiliation)
        new = [
            {"name": n, "folded_name": fold_name(n), "affiliation": latest[n]}
            for n in names
            if n not in known
        ]
        ids = {name: person_id for name, (person_id, _a) in known.items()}
        for batch in chunks(new):
            returned = self.session.execute(insert(Person).returning(Person.name, Person.id), batch)
            ids.update({name: person_id for name, person_id in returned})
        moved = [
            {"id": known[n][0], "affiliation": latest[n]}
            for n in names
            if n in known and latest[n] and latest[n] != known[n][1]
        ]
        if moved:
            self.session.execute(update(Person), moved)
        return ids


def check_slug(slug: str) -> None:
    """InputError unless `slug` can name a series (letters, digits, "-", "_", ".")."""
    if not _SLUG.match(slug):
        raise InputError(
            f"--series {slug!r}: not a series name",
            "Use letters, digits, '-', '_' or '.' (at most 120), e.g. my-seminar.",
        )


def _shown_year(data: TalkData) -> int | None:
    if data.start is None:
        return None
    return from_utc_naive(to_utc_naive(data.start), data.timezone).year
