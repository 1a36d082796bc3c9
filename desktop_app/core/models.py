"""The archive's database schema (SQLAlchemy 2 typed ORM)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class ArchiveMeta(Base):
    """Key/value facts about the archive (the change generation, the format version)."""

    __tablename__ = "archive_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Series(Base):
    """A seminar series."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(Text)
    homepage: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))
    schedule: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    talks: Mapped[list[Talk]] = relationship(back_populates="series")


class Person(Base):
    """A speaker, known by name (their affiliation at each talk is on the talk)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    # `textfold.fold_name(name)`: the speaker filter matches it (migration 0003).
    folded_name: Mapped[str] = mapped_column(Text, default="", index=True)
    affiliation: Mapped[str | None] = mapped_column(Text)  # the most recent one known


class TalkSpeaker(Base):
    """A speaker of a talk, in order, with the affiliation given for that talk."""

    __tablename__ = "talk_speakers"

    talk_id: Mapped[int] = mapped_column(
        ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    affiliation: Mapped[str | None] = mapped_column(Text)

    person: Mapped[Person] = relationship(lazy="joined")


class Link(Base):
    """A link of a talk (paper, code, slides, …), in order."""

    __tablename__ = "links"

    talk_id: Mapped[int] = mapped_column(
        ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)


class TalkTag(Base):
    """A topic tag of a talk, in order."""

    __tablename__ = "talk_tags"

    talk_id: Mapped[int] = mapped_column(
        ForeignKey("talks.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    tag: Mapped[str] = mapped_column(Text, index=True)


class Talk(Base):
    """A talk: what the sources say about it (the user's own state is in `UserState`)."""

    __tablename__ = "talks"
    __table_args__ = (
        UniqueConstraint("source", "source_key", name="uq_talks_source_key"),
        Index("ix_talks_start", "start_utc", "id"),
        Index("ix_talks_series_start", "series_id", "start_utc"),
        Index("ix_talks_sort_title", "sort_title"),
        # The list's default order, covering the uid (migration 0002).
        Index(
            "ix_talks_date_order",
            text("(start_utc IS NULL)"),
            text("start_utc DESC"),
            "id",
            "uid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"))
    title: Mapped[str | None] = mapped_column(Text)
    sort_title: Mapped[str] = mapped_column(Text, default="")
    start_utc: Mapped[datetime | None] = mapped_column(DateTime)  # naive, in UTC
    timezone: Mapped[str | None] = mapped_column(String(64))
    start_year: Mapped[int | None] = mapped_column(Integer, index=True)  # in the talk's zone
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    abstract: Mapped[str | None] = mapped_column(Text)
    bio: Mapped[str | None] = mapped_column(Text)
    extra: Mapped[str | None] = mapped_column(Text)
    join_url: Mapped[str | None] = mapped_column(Text)
    recording_url: Mapped[str | None] = mapped_column(Text)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    field_provenance: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    source: Mapped[str] = mapped_column(String(64), default="archive")
    source_key: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # The facts as the source gave them (an exchange record), kept while the user's edits
    # (TalkEdit) change what is shown; None: no edits, the shown facts are the source's.
    source_record: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The feed this talk came from dropped it while listing the rest (the talk stays, with
    # the user's marks and notes; migration 0005).
    removed_by_source: Mapped[bool] = mapped_column(Boolean, default=False)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    generation: Mapped[int] = mapped_column(Integer, default=0, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    series: Mapped[Series] = relationship(back_populates="talks", lazy="joined")
    speakers: Mapped[list[TalkSpeaker]] = relationship(
        order_by=TalkSpeaker.position, cascade="all, delete-orphan", lazy="selectin"
    )
    links: Mapped[list[Link]] = relationship(
        order_by=Link.position, cascade="all, delete-orphan", lazy="selectin"
    )
    tags: Mapped[list[TalkTag]] = relationship(
        order_by=TalkTag.position, cascade="all, delete-orphan", lazy="selectin"
    )


class DeletedTalk(Base):
    """A tombstone, so that caches (the search index) learn of deletions."""

    __tablename__ = "deleted_talks"

    uid: Mapped[str] = mapped_column(String(120), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, index=True)


class UserState(Base):
    """A person's own marks on a talk, keyed by uid so that no import can overwrite them.

    `person` is the database role on PostgreSQL (`current_user`, row-level security keeps each
    person's rows their own) and '' on SQLite (migration 0007; see `core/person.py`)."""

    __tablename__ = "user_state"

    person: Mapped[str] = mapped_column(String(63), primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), primary_key=True)
    starred: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    watched: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    last_opened: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class TalkEdit(Base):
    """A fact the user typed (the edit layer), keyed by uid and field so that no import or sync
    can overwrite it: the talk shows it over the source's value until it is reverted."""

    __tablename__ = "talk_edits"

    uid: Mapped[str] = mapped_column(String(120), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON(none_as_null=False))  # as in the exchange record
    edited_at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(32), default="edited")  # "edited" or "merge"


class TalkHistory(Base):
    """Every edit, revert and merge of a talk's facts, oldest first."""

    __tablename__ = "talk_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[Any] = mapped_column(JSON(none_as_null=False))
    new: Mapped[Any] = mapped_column(JSON(none_as_null=False))
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(32))  # "edit", "revert" or "merge"
    # who saved it: the member on a shared archive, '' on SQLite (migration 0008)
    person: Mapped[str] = mapped_column(String(63), default="", server_default="")


class TalkMerge(Base):
    """A talk merged into another: its uid answers with the kept one."""

    __tablename__ = "talk_merges"

    gone_uid: Mapped[str] = mapped_column(String(120), primary_key=True)
    kept_uid: Mapped[str] = mapped_column(String(120), index=True)
    merged_at: Mapped[datetime] = mapped_column(DateTime)


class Source(Base):
    """A place a series publishes its talks: a calendar feed, researchseminars.org, a YouTube
    playlist or a local file, read again on every sync."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # ics, researchseminars, youtube, file
    url: Mapped[str] = mapped_column(Text)  # a URL, a researchseminars.org series id, a path
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[str | None] = mapped_column(String(16))  # new/updated/unchanged/failed
    last_sync: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    series: Mapped[Series] = relationship(lazy="joined")


class TalkSource(Base):
    """Which sources brought a talk (shown under "Where the facts come from")."""

    __tablename__ = "talk_sources"

    uid: Mapped[str] = mapped_column(String(120), primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime] = mapped_column(DateTime)


class ReviewItem(Base):
    """A proposal waiting for the user: two records of one talk to merge, or a recording to
    attach to a talk."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # merge or recording
    uids: Mapped[list[str]] = mapped_column(JSON)
    recording_url: Mapped[str | None] = mapped_column(Text)
    score: Mapped[float] = mapped_column(default=0.0)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class UserMeta(Base):
    """A person's own key/value facts: when their visits began (the "new" talks)."""

    __tablename__ = "user_meta"

    person: Mapped[str] = mapped_column(String(63), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SavedSearch(Base):
    """A person's named query with the sidebar's filters (a smart list: its talks follow the
    archive); names are unique per person (migration 0007)."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("person", "name", name="uq_saved_searches_person_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person: Mapped[str] = mapped_column(String(63), default="")
    name: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text, default="")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
