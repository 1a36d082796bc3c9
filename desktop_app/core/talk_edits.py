"""Edits, reverts and merges of talks inside one write transaction (the Archive calls these).

The `talks` table holds the facts as shown (so that lists, sorting and search read one row);
a talk with edits also keeps its source's facts in `source_record`, and its edits in
`talk_edits`. Every change is written down in `talk_history`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop_app.core.editing import EDITABLE_FIELDS, edit_value, field_value, shown_talk
from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.exchange import content_hash, talk_to_record
from desktop_app.core.importers.jsonl import RecordError, read_talk
from desktop_app.core.models import Series, Talk, TalkEdit, TalkHistory, TalkMerge, UserState
from desktop_app.core.person import person_of
from desktop_app.core.records import EditRecord, LinkData, Speaker, TalkData
from desktop_app.core.sanitize import clean_talk
from desktop_app.core.timeutil import from_utc_naive
from desktop_app.core.upsert import Upsert, chunks


def talk_data(talk: Talk) -> TalkData:
    """The facts of a talk row as shown."""
    return TalkData(
        uid=talk.uid,
        series=talk.series.slug,
        title=talk.title,
        speakers=tuple(Speaker(s.person.name, s.affiliation) for s in talk.speakers),
        start=from_utc_naive(talk.start_utc, talk.timezone) if talk.start_utc else None,
        timezone=talk.timezone,
        duration_minutes=talk.duration_minutes,
        abstract=talk.abstract,
        bio=talk.bio,
        extra=talk.extra,
        links=tuple(LinkData(ln.kind, ln.url, ln.label) for ln in talk.links),
        recording_url=talk.recording_url,
        join_url=talk.join_url,
        tags=tuple(t.tag for t in talk.tags),
        cancelled=talk.cancelled,
        provenance=talk.provenance,
        field_provenance=talk.field_provenance,
        source=talk.source,
        source_key=talk.source_key,
    )


def source_data(talk: Talk) -> TalkData:
    """The facts of a talk as its source gave them (the shown ones when it has no edits)."""
    if talk.source_record is None:
        return talk_data(talk)
    try:
        data = read_talk(dict(talk.source_record))
    except RecordError as error:  # written by this app; a broken one is a bug, not input
        raise InputError(f"{talk.uid}: its source record cannot be read: {error}") from error
    return TalkData(**{**data.__dict__, "source": talk.source, "source_key": talk.source_key})


def edits_of(session: Session, uids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """uid → {field: value} of the talks' edits."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(list(uids)):
        for edit in session.scalars(select(TalkEdit).where(TalkEdit.uid.in_(chunk))):
            found.setdefault(edit.uid, {})[edit.field] = edit.value
    return found


def origins_of(session: Session, uids: Iterable[str]) -> dict[str, dict[str, str]]:
    """uid → {field: by} of the talks' edits ("edited", "merge", "playlist")."""
    found: dict[str, dict[str, str]] = {}
    for chunk in chunks(list(uids)):
        query = select(TalkEdit.uid, TalkEdit.field, TalkEdit.by).where(TalkEdit.uid.in_(chunk))
        for uid, field, by in session.execute(query):
            found.setdefault(uid, {})[field] = by
    return found


def merged_into(session: Session, uid: str) -> str | None:
    """The uid a merged talk lives on as (following chains), or None."""
    seen = {uid}
    kept = None
    while (row := session.get(TalkMerge, uid)) is not None and row.kept_uid not in seen:
        kept = uid = row.kept_uid
        seen.add(uid)
    return kept


def gone_uids(session: Session, uids: Iterable[str]) -> set[str]:
    """Those of `uids` that were merged into another talk."""
    found: set[str] = set()
    for chunk in chunks(list(uids)):
        found.update(
            session.scalars(select(TalkMerge.gone_uid).where(TalkMerge.gone_uid.in_(chunk)))
        )
    return found


class TalkEditor:
    """Applies edits of one talk inside a write transaction."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now

    def talk(self, uid: str) -> Talk:
        """The talk row; NotFoundError (naming the kept talk of a merged uid) when absent."""
        talk = self.session.scalar(select(Talk).where(Talk.uid == uid))
        if talk is None:
            kept = merged_into(self.session, uid)
            if kept is not None:
                raise NotFoundError(f"talk {uid} was merged into {kept}", f"Use {kept}.")
            raise NotFoundError(f"no talk with uid {uid!r}")
        return talk

    def edit(
        self,
        uid: str,
        changes: Mapping[str, Any],
        recording_folders: Iterable[str] = (),
        by: str = "edited",
    ) -> list[str]:
        """Check and keep typed values (nothing is written when one is refused); returns the
        fields whose shown value changed."""
        talk = self.talk(uid)
        shown = talk_data(talk)
        known_series = set(self.session.scalars(select(Series.slug)))
        zone = changes.get("timezone", shown.timezone) if "timezone" in changes else shown.timezone
        if "timezone" in changes:
            zone = edit_value("timezone", changes["timezone"])
        values = {
            field: edit_value(
                field,
                value,
                timezone=zone,
                known_series=known_series,
                recording_folders=recording_folders,
            )
            for field, value in changes.items()
        }
        edits = edits_of(self.session, [uid]).get(uid, {})
        source = source_data(talk)
        new_edits = {**edits, **values}
        origins = {**origins_of(self.session, [uid]).get(uid, {}), **dict.fromkeys(values, by)}
        new_shown = shown_talk(source, new_edits, origins)  # raises before anything is written
        changed = [
            f
            for f in EDITABLE_FIELDS
            if f in values and field_value(shown, f) != field_value(new_shown, f)
        ]
        if not changed:
            return []
        for field in changed:
            self.session.merge(
                TalkEdit(uid=uid, field=field, value=values[field], edited_at=self.now, by=by)
            )
            self._history(
                uid, field, field_value(shown, field), field_value(new_shown, field), "edit"
            )
        self._write(talk, source, new_shown, has_edits=True)
        return changed

    def revert(self, uid: str, field: str) -> bool:
        """Show the source's value of a field again; False when it was not edited."""
        if field not in EDITABLE_FIELDS:
            raise InputError(f"{field}: not a field that can be edited or reverted")
        talk = self.talk(uid)
        edits = edits_of(self.session, [uid]).get(uid, {})
        if field not in edits:
            return False
        shown = talk_data(talk)
        source = source_data(talk)
        del edits[field]
        new_shown = shown_talk(source, edits, origins_of(self.session, [uid]).get(uid, {}))
        self.session.execute(delete(TalkEdit).where(TalkEdit.uid == uid, TalkEdit.field == field))
        self._history(
            uid, field, field_value(shown, field), field_value(new_shown, field), "revert"
        )
        self._write(talk, source, new_shown, has_edits=bool(edits))
        return True

    def merge(self, keep: str, gone: str) -> list[str]:
        """Merge `gone` into `keep`: the kept facts, gaps filled from the other (as edits, so
        they last and can be reverted); stars and watched marks ORed, both notes kept."""
        if keep == gone:
            raise InputError("merge: a talk cannot be merged into itself")
        kept_talk, gone_talk = self.talk(keep), self.talk(gone)
        kept, other = talk_data(kept_talk), talk_data(gone_talk)
        fills = {
            field: field_value(other, field)
            for field in EDITABLE_FIELDS
            if field not in {"series", "timezone"}
            and _empty(field_value(kept, field))
            and not _empty(field_value(other, field))
        }
        if "start" in fills and other.start is not None:
            fills["start"] = other.start.isoformat()  # the instant: the kept talk's zone may differ
        if "start" in fills and kept.timezone is None and other.timezone is not None:
            fills["timezone"] = other.timezone
        filled: list[str] = []
        if fills:
            edits = edits_of(self.session, [keep]).get(keep, {})
            source = source_data(kept_talk)
            origins = {
                **origins_of(self.session, [keep]).get(keep, {}),
                **dict.fromkeys(fills, "merge"),
            }
            new_shown = shown_talk(source, {**edits, **fills}, origins)
            for field, value in fills.items():
                self.session.merge(
                    TalkEdit(uid=keep, field=field, value=value, edited_at=self.now, by="merge")
                )
                self._history(keep, field, field_value(kept, field), value, "merge")
            self._write(kept_talk, source, new_shown, has_edits=True)
            filled = list(fills)
        self._merge_user_state(keep, gone)
        self.session.merge(TalkMerge(gone_uid=gone, kept_uid=keep, merged_at=self.now))
        self._history(keep, "merged", None, gone, "merge")
        return filled

    def _merge_user_state(self, keep: str, gone: str) -> None:
        """The merging person's marks and notes of both talks, on the kept one (another
        person's are theirs: `adopt_merged_states` brings them over in their next visit)."""
        person = person_of(self.session)
        theirs = self.session.get(UserState, {"person": person, "uid": gone})
        if theirs is not None:
            merge_user_state(self.session, person, keep, theirs, self.now)

    def _history(self, uid: str, field: str, old: Any, new: Any, by: str = "edit") -> None:
        self.session.add(
            TalkHistory(
                uid=uid,
                field=field,
                old=old,
                new=new,
                at=self.now,
                by=by,
                person=person_of(self.session),
            )
        )

    def _write(self, talk: Talk, source: TalkData, shown: TalkData, *, has_edits: bool) -> None:
        """Rewrite the talk's shown facts (and keep its source's while it has edits)."""
        shown = clean_talk(shown)  # as every imported talk: no control characters
        upsert = Upsert(self.session, talk.uid)
        query = select(Series.slug, Series.id)
        series_ids = {slug: sid for slug, sid in self.session.execute(query)}
        digest = talk.content_hash or content_hash(talk_to_record(source))
        row = upsert.talk_values(shown, series_ids[shown.series], digest)
        row["id"], row["revision"] = talk.id, talk.revision + 1
        row["source_record"] = talk_to_record(source) if has_edits else None
        if not has_edits:
            row["field_provenance"] = source.field_provenance
        upsert.write_talks([], [(row, shown)])


def history(session: Session, uid: str) -> list[EditRecord]:
    """Every edit, revert and merge of a talk, oldest first."""
    query = select(TalkHistory).where(TalkHistory.uid == uid).order_by(TalkHistory.id)
    return [EditRecord(h.at, h.field, h.old, h.new, h.by, h.person) for h in session.scalars(query)]


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def merge_user_state(
    session: Session, person: str, keep: str, theirs: UserState, now: datetime
) -> None:
    """Add a person's marks and note of a merged-away talk (`theirs`) to the kept talk's:
    stars and watched marks ORed, both notes kept, the later opening."""
    mine = session.get(UserState, {"person": person, "uid": keep})
    if mine is None:
        mine = UserState(
            person=person, uid=keep, starred=False, watched=False, note="", updated_at=now
        )
        session.add(mine)
    mine.starred = mine.starred or theirs.starred
    mine.watched = mine.watched or theirs.watched
    note = theirs.note.strip()
    if note and note not in mine.note:  # so that merging again changes nothing
        mine.note = f"{mine.note.strip()}\n\n{note}" if mine.note.strip() else note
    if theirs.last_opened and (mine.last_opened is None or theirs.last_opened > mine.last_opened):
        mine.last_opened = theirs.last_opened
    mine.updated_at = now


def adopt_merged_states(session: Session, now: datetime) -> list[str]:
    """Bring the person's marks and notes of talks merged (by anyone) into the kept talks;
    returns the kept uids changed. A merge moves only the merging person's own (the others'
    are out of their reach), so each person's are moved at their next visit."""
    person = person_of(session)
    query = (
        select(UserState)
        .join(TalkMerge, TalkMerge.gone_uid == UserState.uid)
        .where(UserState.person == person)
    )
    kept_uids: list[str] = []
    for state in list(session.scalars(query)):
        kept = merged_into(session, state.uid)
        if kept is not None and (state.starred or state.watched or state.note):
            merge_user_state(session, person, kept, state, now)
            kept_uids.append(kept)
    return kept_uids
