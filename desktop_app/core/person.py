"""The person whose own state (stars, watched marks, notes, visits, saved searches) is read and
written: PostgreSQL's `current_user` on a shared archive, '' on an SQLite archive (one person).

Every query of `user_state`, `user_meta` and `saved_searches` names the person (see
docs/shared-archive.md); on PostgreSQL row-level security (migration 0007) enforces it as well,
so that a member cannot read another's marks even with psql.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

NOBODY = ""  # the person of an SQLite archive
_INFO_KEY = "seminar_archive_person"


class CurrentPerson(FunctionElement[str]):
    """The person as SQL: `CURRENT_USER` on PostgreSQL, '' on SQLite."""

    type = String()
    inherit_cache = True
    name = "current_person"


@compiles(CurrentPerson)
def _nobody(_element: CurrentPerson, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "''"


@compiles(CurrentPerson, "postgresql")
def _current_user(_element: CurrentPerson, _compiler: SQLCompiler, **_kw: Any) -> str:
    return "CURRENT_USER"


def current_person() -> CurrentPerson:
    """The person, for a query's WHERE clause."""
    return CurrentPerson()


def person_of(session: Session) -> str:
    """The person as a value, for rows to insert (asked once per session)."""
    cached = session.info.get(_INFO_KEY)
    if cached is None:
        bind = session.get_bind()
        if bind.dialect.name == "sqlite":
            cached = NOBODY
        else:
            cached = str(session.scalar(select(current_person())))
        session.info[_INFO_KEY] = cached
    return str(cached)
