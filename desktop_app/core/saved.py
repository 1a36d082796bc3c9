"""Saved searches (smart lists): a named query with the sidebar's filters, kept in the archive,
exported as `saved_search` records and merged by name on import (never deleted by one).

Each person's own (migration 0007): on a shared archive a member sees, saves and exports only
theirs; every query here names the person (see core/person.py)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.core.errors import InputError, NotFoundError
from desktop_app.core.models import SavedSearch as SavedSearchRow
from desktop_app.core.person import current_person, person_of
from desktop_app.core.records import TalkFilter
from desktop_app.core.timeutil import utc_now

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

MAX_NAME = 80
_FILTER_FIELDS = {f.name for f in fields(TalkFilter)} - {"uids"}


@dataclass(frozen=True)
class SavedSearch:
    """A saved search as the sidebar and `saved --json` show it."""

    name: str
    query: str
    filters: dict[str, Any]
    position: int = 0

    @property
    def talk_filter(self) -> TalkFilter:
        """The filters as a TalkFilter."""
        return TalkFilter(**self.filters)

    def as_json(self, count: int | None = None) -> dict[str, Any]:
        """The contract's `{"name", "query", "filters", "count"}`."""
        return {"name": self.name, "query": self.query, "filters": self.filters, "count": count}

    def as_record(self) -> dict[str, Any]:
        """The exchange format's `saved_search` record."""
        return {
            "kind": "saved_search",
            "name": self.name,
            "query": self.query,
            "filters": self.filters,
        }


def filters_of(talk_filter: TalkFilter | None) -> dict[str, Any]:
    """The restrictions of a filter, as kept (the uids of a result list are not)."""
    if talk_filter is None:
        return {}
    return {k: v for k, v in asdict(talk_filter).items() if k in _FILTER_FIELDS and v is not None}


def read_saved_search(record: dict[str, Any]) -> SavedSearch:
    """A `saved_search` record, validated (ValueError naming the field)."""
    unknown = set(record) - {"kind", "name", "query", "filters"}
    if unknown:
        raise ValueError(f"field {sorted(unknown)[0]!r}: unknown field")
    name = check_name(record.get("name"))
    query = record.get("query", "")
    if not isinstance(query, str):
        raise ValueError("field 'query': must be text")
    filters = record.get("filters") or {}
    if not isinstance(filters, dict) or set(filters) - _FILTER_FIELDS:
        raise ValueError("field 'filters': must be an object of the list's filters")
    try:
        TalkFilter(**filters)
    except TypeError as error:
        raise ValueError(f"field 'filters': {error}") from error
    return SavedSearch(name, query, dict(filters))


def check_name(name: Any) -> str:
    """A saved search's name: text of 1 to MAX_NAME characters, no line breaks."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("field 'name': a saved search needs a name")
    text = " ".join(name.split())
    if len(text) > MAX_NAME:
        raise ValueError(f"field 'name': at most {MAX_NAME} characters")
    return text


def _frozen(row: SavedSearchRow) -> SavedSearch:
    return SavedSearch(row.name, row.query, dict(row.filters or {}), row.position)


def _mine() -> Any:
    return SavedSearchRow.person == current_person()


def _row(session: Session, name: str) -> SavedSearchRow:
    row = session.scalar(select(SavedSearchRow).where(_mine(), SavedSearchRow.name == name))
    if row is None:
        known = ", ".join(s.name for s in listed(session)) or "none yet"
        raise NotFoundError(f"no saved search named {name!r}", f"Saved searches: {known}")
    return row


def listed(session: Session) -> list[SavedSearch]:
    """Every saved search, in the user's order."""
    query = (
        select(SavedSearchRow).where(_mine()).order_by(SavedSearchRow.position, SavedSearchRow.id)
    )
    return [_frozen(row) for row in session.scalars(query)]


def get(session: Session, name: str) -> SavedSearch:
    """One saved search; NotFoundError naming the known ones."""
    return _frozen(_row(session, name))


def save(session: Session, search: SavedSearch, now: datetime) -> SavedSearch:
    """Create a saved search (at the end), or change the query and filters of one by name."""
    try:
        name = check_name(search.name)
    except ValueError as error:
        raise InputError(str(error).removeprefix("field 'name': ")) from error
    row = session.scalar(select(SavedSearchRow).where(_mine(), SavedSearchRow.name == name))
    if row is None:
        last = session.scalar(select(func.max(SavedSearchRow.position)).where(_mine())) or 0
        row = SavedSearchRow(
            person=person_of(session), name=name, position=last + 1, created_at=now
        )
        session.add(row)
    row.query = search.query.strip()
    row.filters = dict(search.filters)
    session.flush()
    return _frozen(row)


def rename(session: Session, old: str, new: str) -> SavedSearch:
    """Rename; InputError when the new name is taken."""
    row = _row(session, old)
    try:
        name = check_name(new)
    except ValueError as error:
        raise InputError(str(error).removeprefix("field 'name': ")) from error
    taken = select(SavedSearchRow.id).where(_mine(), SavedSearchRow.name == name)
    if name != old and session.scalar(taken):
        raise InputError(f"a saved search is already named {name!r}")
    row.name = name
    return _frozen(row)


def remove(session: Session, name: str) -> None:
    """Delete a saved search."""
    session.delete(_row(session, name))


def move(session: Session, name: str, position: int) -> list[SavedSearch]:
    """Put a saved search at `position` (0-based) of the list; returns the new order."""
    rows = list(
        session.scalars(
            select(SavedSearchRow)
            .where(_mine())
            .order_by(SavedSearchRow.position, SavedSearchRow.id)
        )
    )
    row = _row(session, name)
    rows.remove(row)
    rows.insert(max(0, min(position, len(rows))), row)
    for number, item in enumerate(rows, start=1):
        item.position = number
    return [_frozen(r) for r in rows]


class SavedSearches:
    """The archive's saved searches (each call one transaction in the archive's sessions)."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    def all(self) -> list[SavedSearch]:
        """Every saved search, in the user's order."""
        with self._archive._read() as session:
            return listed(session)

    def get(self, name: str) -> SavedSearch:
        """One saved search (NotFoundError naming the known ones)."""
        with self._archive._read() as session:
            return get(session, name)

    def save(self, name: str, query: str, talk_filter: TalkFilter | None = None) -> SavedSearch:
        """Save (or change) a named search."""
        search = SavedSearch(name, query, filters_of(talk_filter))
        with self._archive._write() as session:
            return save(session, search, utc_now())

    def rename(self, old: str, new: str) -> SavedSearch:
        """Rename a saved search."""
        with self._archive._write() as session:
            return rename(session, old, new)

    def remove(self, name: str) -> None:
        """Delete a saved search."""
        with self._archive._write() as session:
            remove(session, name)

    def move(self, name: str, position: int) -> list[SavedSearch]:
        """Reorder: put a saved search at `position` (0-based)."""
        with self._archive._write() as session:
            return move(session, name, position)


def export_archive(archive: Archive, stream: IO[str], *, with_user_state: bool = False) -> int:
    """The whole archive in the exchange format, its saved searches after the talks; returns
    the number of talks."""
    count = archive.export_jsonl(stream, with_user_state=with_user_state)
    for search in SavedSearches(archive).all():
        stream.write(json.dumps(search.as_record(), ensure_ascii=False) + "\n")
    return count
