"""The archive service: the one API the GUI and the CLI call."""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cache, partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Integer, and_, bindparam, cast, exists, extract, func, or_, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, aliased

from desktop_app.core import database_health as health
from desktop_app.core import db, shared_db
from desktop_app.core.errors import (
    ArchiveBusyError,
    ArchiveError,
    ArchiveReadOnlyError,
    DatabaseUnavailableError,
    InputError,
    NotFoundError,
)
from desktop_app.core.exchange import export_lines
from desktop_app.core.importers import ParsedFile, read_for_import
from desktop_app.core.labels import display_title
from desktop_app.core.models import (
    ArchiveMeta,
    DeletedTalk,
    Person,
    Series,
    Talk,
    TalkSpeaker,
    TalkTag,
    UserMeta,
    UserState,
)
from desktop_app.core.paths import bundled_archive_file, read_only_index_cache
from desktop_app.core.person import current_person, person_of
from desktop_app.core.records import (
    Changes,
    EditRecord,
    FacetCounts,
    ImportReport,
    SeriesData,
    SeriesSummary,
    SortKey,
    Speaker,
    SpeakerProfile,
    Statistics,
    TalkData,
    TalkDetail,
    TalkFilter,
    TalkRow,
    UserStateData,
)
from desktop_app.core.retry import retrying
from desktop_app.core.settings import load_archive_settings
from desktop_app.core.sqlite_files import read_only_uri
from desktop_app.core.talk_edits import adopt_merged_states
from desktop_app.core.talk_edits import talk_data as _talk_data
from desktop_app.core.textfold import fold_name
from desktop_app.core.timeutil import from_utc_naive, utc_now
from desktop_app.core.upgrade import refuse_unknown_revision, upgrade_sqlite
from desktop_app.core.upsert import GENERATION_KEY, Upsert, next_generation
from desktop_app.core.urls import is_web_url

if TYPE_CHECKING:
    from desktop_app.core.sources.review import ReviewInfo
    from desktop_app.core.sources.store import SourceInfo
    from desktop_app.core.sources.sync import SyncResult

log = logging.getLogger(__name__)

DATABASE_FILE = "archive.sqlite3"
INDEX_FOLDER = "index"  # the search index's folder (search.storage says the same)
BUNDLED_KEY = "bundled_archive_imported"
# Each person's own (user_meta): when their running (or last) session of the app began, and
# when the session before it began (talks since are "new").
VISIT_KEY = "visit_started"
NEW_SINCE_KEY = "new_since"
_CHUNK = 500
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE: e.g. altering a table one does not own
_LABEL_SOURCE_CHARS = 400  # of the abstract, enough for an untitled talk's label


class Archive:
    """An archive folder: the database, the search index and the archive's settings."""

    def __init__(
        self,
        folder: Path,
        database_url: str,
        *,
        read_only: bool = False,
        index_folder: Path | None = None,
    ) -> None:
        self.folder = folder
        self.database_url = database_url
        self.read_only = read_only
        self._index_folder = index_folder
        # The shared archive (its URL, without password) this is a read copy of, else None.
        self.read_copy_of: str | None = None
        self.engine = db.make_engine(database_url, read_only=read_only)
        self._sessions = db.make_session_factory(self.engine)
        self._listeners: list[Callable[[Changes], None]] = []

    def add_change_listener(self, listener: Callable[[Changes], None]) -> None:
        """Call `listener` after every committed change of talks or user state (caches
        such as the search index keep up this way)."""
        self._listeners.append(listener)

    def remove_change_listener(self, listener: Callable[[Changes], None]) -> None:
        """Stop calling `listener`."""
        self._listeners.remove(listener)

    def _notify(self, changes: Changes) -> None:
        if changes.talks or changes.user_state or changes.series:
            for listener in list(self._listeners):
                listener(changes)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        folder: str | Path,
        *,
        database_url: str | None = None,
        import_bundled: bool = True,
        verify: bool = False,
    ) -> Archive:
        """Open (creating and upgrading as needed) the archive in `folder`.

        A new archive receives the bundled archive unless `import_bundled` is False.
        A folder that cannot be written opens read-only (`read_only`: reading works, writing
        raises ArchiveReadOnlyError). A damaged database raises DamagedArchiveError naming the
        newest backup; its size and header are always checked, every page with `verify`.
        `database_url` (`--db`, never stored) names a shared database on a server; the folder
        then keeps this desktop's own part of it in `shared/<host>-<port>-<database>/`.
        """
        folder, url = archive_location(folder, database_url)
        sqlite_file = folder / DATABASE_FILE
        if url:
            archive = cls(folder, url)
            try:
                archive._open_server_schema()
            except ArchiveError:
                archive.close()
                raise
        else:
            archive = cls._open_sqlite(folder, sqlite_file, verify=verify)
            if archive.read_only:
                return archive
            revision = db.sqlite_schema_revision(sqlite_file)
            if revision != db.SCHEMA_REVISION:
                try:  # refused when newer; a copy in backups/ first; left as it was on failure
                    upgrade_sqlite(sqlite_file, revision, archive._upgrade)
                except ArchiveError:
                    archive.close()
                    raise
        if import_bundled and archive._meta(BUNDLED_KEY) is None:
            archive.import_bundled()
        return archive

    @classmethod
    def _open_sqlite(cls, folder: Path, sqlite_file: Path, *, verify: bool) -> Archive:
        """The archive of an SQLite file, checked; read-only when its folder is."""
        damage = health.file_damage(sqlite_file)
        if damage is not None:
            raise health.damaged(folder, sqlite_file, damage)
        writable = health.can_write(folder, sqlite_file)
        url = db.sqlite_url(sqlite_file) if writable else db.read_only_sqlite_url(sqlite_file)
        if verify and sqlite_file.exists():
            problem = health.quick_check(read_only_uri(sqlite_file))
            if problem is not None:
                raise health.damaged(folder, sqlite_file, problem)
        if writable:
            return cls(folder, url)
        revision = db.sqlite_schema_revision(sqlite_file)
        if revision is None:
            raise ArchiveReadOnlyError(
                f"{folder}: the folder cannot be written and holds no archive",
                "Choose a folder you can write to (File → Open archive folder, or --data-dir).",
            )
        if revision != db.SCHEMA_REVISION:
            refuse_unknown_revision(revision, folder)
            raise ArchiveReadOnlyError(
                f"{folder}: the archive needs an upgrade (schema {revision} to "
                f"{db.SCHEMA_REVISION}), but its folder cannot be written",
                "Open it once where it can be written, or copy the folder first.",
            )
        archive = cls(folder, url, read_only=True)
        log.info("%s cannot be written: the archive is open read-only", folder)
        return archive

    @property
    def index_folder(self) -> Path:
        """Where the search index lives: the archive folder's `index/`, or for a read-only
        archive a folder in the user's cache (the index is a cache, rebuilt when missing)."""
        if self._index_folder is not None:
            return self._index_folder
        if not self.read_only:
            return self.folder / INDEX_FOLDER
        digest = hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:16]
        return read_only_index_cache() / digest

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _open_server_schema(self) -> None:
        """Check the schema of a database named by URL; migrate (under a lock) when due."""
        if db.is_sqlite(self.engine):
            self._upgrade()
            return
        try:
            revision = db.schema_revision(self.engine)
        except DBAPIError as error:
            raise _database_error(error, self.database_url) from error
        if revision != db.SCHEMA_REVISION:
            self._upgrade()

    def _upgrade(self) -> None:
        try:
            db.upgrade_schema(self.engine)
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
                raise ArchiveError(
                    f"the shared archive ({shared_db.redact(self.database_url)}) needs an "
                    f"upgrade to schema {db.SCHEMA_REVISION}, which only the role owning its "
                    "tables (the group's organiser) can make",
                    "Ask the organiser to open it once with this version of Seminar Archive. "
                    "Nothing was changed.",
                ) from error
            raise _database_error(error, self.database_url) from error
        except Exception as error:
            if "Can't locate revision" in str(error):
                raise ArchiveError(
                    f"{self.folder}: the archive was written by a newer Seminar Archive",
                    "Update the app to open it.",
                ) from error
            raise

    def begin_visit(self) -> None:
        """A session of the app begins: talks that arrived since the previous one began
        (and were not opened) are new until seen. (Nothing to do when read-only.)"""
        if self.read_only:
            return
        now = utc_now()
        with self._write() as session:
            person = person_of(session)
            previous = session.get(UserMeta, {"person": person, "key": VISIT_KEY})
            since = previous.value if previous is not None else str(now)
            session.merge(UserMeta(person=person, key=NEW_SINCE_KEY, value=since))
            session.merge(UserMeta(person=person, key=VISIT_KEY, value=str(now)))
            adopted = adopt_merged_states(session, now)
        if adopted:
            self._notify(Changes(user_state=frozenset(adopted)))

    def import_bundled(self) -> ImportReport:
        """Import the archive shipped with the app (done once, on first open)."""
        path = bundled_archive_file()
        report = self.import_file(path)
        with self._write() as session:
            session.merge(ArchiveMeta(key=BUNDLED_KEY, value=utc_now().isoformat()))
        log.info("bundled archive imported: %s", report)
        return report

    # ------------------------------------------------------------------ sessions

    @contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with self._sessions() as session:
                yield session
        except DBAPIError as error:
            if health.is_damage(error):
                raise self._damaged(error) from error
            if db.is_connection_error(error):  # the shared archive's server is gone
                raise _database_error(error, self.database_url) from error
            raise

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction; the write lock is taken up front (see db.py)."""
        if self.read_only:
            raise ArchiveReadOnlyError(
                f"{self.folder}: the archive is read-only (its folder cannot be written)",
                "Searching and browsing work; nothing can be changed.",
            )
        try:
            with self._sessions() as session, session.begin():
                session.connection(execution_options={db.WRITE_OPTION: True})
                yield session
        except DBAPIError as error:
            if health.is_damage(error):
                raise self._damaged(error) from error
            if health.is_disk_full(error):
                raise ArchiveError(
                    f"{self.folder}: the disk is full; nothing was changed",
                    "Free some space on it and try again.",
                ) from error
            raise _database_error(error, self.database_url) from error

    def _damaged(self, error: DBAPIError) -> ArchiveError:
        reason = str(error.orig).strip().splitlines()[0]
        return health.damaged(self.folder, self.folder / DATABASE_FILE, reason)

    def _meta(self, key: str) -> str | None:
        with self._read() as session:
            row = session.get(ArchiveMeta, key)
            return row.value if row else None

    def refresh_read_copy(self) -> Path | None:
        """Write the desktop's read copy of a shared archive (see `read_cache`); None for an
        archive that is not on a server."""
        if db.is_sqlite(self.engine):
            return None
        from desktop_app.core.read_cache import refresh_read_cache

        try:
            return refresh_read_cache(self.engine, self.folder)
        except DBAPIError as error:
            raise _database_error(error, self.database_url) from error

    def generation(self) -> int:
        """A counter that grows with every change of talks (caches compare it)."""
        value = self._meta(GENERATION_KEY)
        return int(value) if value else 0

    # ------------------------------------------------------------------ importing

    def import_file(
        self,
        path: str | Path,
        *,
        series: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Import one file in one transaction; the format is detected from its content.

        Raises InputError (nothing changed) for a file that cannot be read, for any problem in
        a strict format, and for an unknown `series`.
        """
        path = Path(path)
        # One pause from parsing to the end of applying: resumed in between, the collector
        # would scan the whole parsed file at once, a long pause for every other thread.
        with _collection_paused():
            parsed = read_for_import(path)
            report = self.import_parsed(parsed, series=series, where=str(path), progress=progress)
            del parsed  # freed before collection resumes
        return report

    def import_files(
        self, paths: Sequence[str | Path], *, series: str | None = None
    ) -> list[ImportReport]:
        """Import several files as one decision: every file is read and checked first, then
        all are applied in one transaction; one refused file (InputError) changes nothing."""
        with _collection_paused():
            parsed = [(str(path), read_for_import(Path(path))) for path in paths]
            reports = retrying(partial(self._apply_files, parsed, series), what="import")
            del parsed
        self._notify(Changes(talks=frozenset(u for r in reports for u in r.changed_uids)))
        return reports

    def _apply_files(
        self, parsed: list[tuple[str, ParsedFile]], series: str | None
    ) -> list[ImportReport]:
        with self._write() as session:
            return [Upsert(session, where).apply(one, series) for where, one in parsed]

    def import_parsed(
        self,
        parsed: ParsedFile,
        *,
        series: str | None = None,
        where: str = "input",
        progress: Callable[[int, int], None] | None = None,
    ) -> ImportReport:
        """Apply what an importer read, in one transaction.

        `progress(done, total)` is called as talks are applied; raising ImportCancelledError from
        it rolls the whole file back.
        """

        def apply() -> ImportReport:
            with self._write() as session:
                return Upsert(session, where, progress).apply(parsed, series)

        with _collection_paused():
            report = retrying(apply, what=f"import of {where}")
        self._notify(Changes(talks=frozenset(report.changed_uids)))
        return report

    # ------------------------------------------------------------------ exporting

    def export_jsonl(self, stream: IO[str], *, with_user_state: bool = False) -> int:
        """Write the whole archive in the exchange format (with the user's stars, watched
        marks and notes when asked); returns the number of talks."""
        count = 0
        with self._read() as session:
            series = [_series_data(s) for s in session.scalars(select(Series).order_by(Series.id))]
            states = (
                {
                    s.uid: {"starred": s.starred, "watched": s.watched, "note": s.note}
                    for s in session.scalars(_own(select(UserState)))
                    if s.starred or s.watched or s.note
                }
                if with_user_state
                else None
            )
            talks = session.scalars(
                select(Talk).order_by(Talk.id).execution_options(yield_per=_CHUNK)
            )
            shared = (_shareable(_talk_data(t)) for t in talks)
            for line in export_lines(series, shared, states):
                stream.write(line + "\n")
                count += 1
        return count - 1 - len(series)

    def iter_talks(self, uids: Iterable[str] | None = None) -> Iterator[TalkData]:
        """Every talk (or the named ones), in archive order."""
        with self._read() as session:
            query = select(Talk).order_by(Talk.id)
            if uids is not None:
                wanted = list(uids)
                for start in range(0, len(wanted), _CHUNK):
                    chunk = query.where(Talk.uid.in_(wanted[start : start + _CHUNK]))
                    yield from (_talk_data(t) for t in session.scalars(chunk))
                return
            for talk in session.scalars(query.execution_options(yield_per=_CHUNK)):
                yield _talk_data(talk)

    def changes_since(self, generation: int) -> tuple[list[str], list[str]]:
        """Uids of talks changed and of talks deleted after `generation`."""
        with self._read() as session:
            changed = session.scalars(select(Talk.uid).where(Talk.generation > generation))
            deleted = session.scalars(
                select(DeletedTalk.uid).where(DeletedTalk.generation > generation)
            )
            return list(changed), list(deleted)

    # ------------------------------------------------------------------ reading

    def count_talks(self, talk_filter: TalkFilter | None = None) -> int:
        """How many talks the filter lets through."""
        query = _filtered(select(func.count(Talk.id)), talk_filter or TalkFilter())
        with self._read() as session:
            return session.scalar(query) or 0

    def list_talks(
        self,
        talk_filter: TalkFilter | None = None,
        sort: SortKey = SortKey.DATE,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[TalkRow]:
        """A page of talks, sorted in SQL (unknown dates and titles last)."""
        query = _sorted(_filtered(_row_select(), talk_filter or TalkFilter()), sort)
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as session:
            rows = session.execute(query).all()
            speakers = _speakers_of(session, [row.id for row in rows])
            return [_talk_row(row, speakers.get(row.id, ())) for row in rows]

    def list_uids(
        self, talk_filter: TalkFilter | None = None, sort: SortKey = SortKey.DATE
    ) -> list[str]:
        """The uids of every talk the filter lets through, in order (cheap for 100k talks)."""
        query = _sorted(_filtered(select(Talk.uid), talk_filter or TalkFilter()), sort)
        with self._read() as session:  # Core rows, not ORM ones: a third of the time
            return list(session.connection().execute(query).scalars())

    def rows_for(self, uids: Sequence[str]) -> list[TalkRow]:
        """List rows for the given uids, in the given order (unknown uids are left out)."""
        found: dict[str, TalkRow] = {}
        # One statement, built once: the list reads a few rows per keystroke.
        with self._read() as session:
            for start in range(0, len(uids), _CHUNK):
                chunk = list(uids[start : start + _CHUNK])
                rows = session.execute(_rows_by_uid(), {"uids": chunk}).all()
                speakers = _speakers_of(session, [row.id for row in rows])
                for row in rows:
                    found[row.uid] = _talk_row(row, speakers.get(row.id, ()))
        return [found[uid] for uid in uids if uid in found]

    def get_talk(self, uid: str) -> TalkDetail:
        """One talk with its speakers, links and the user's state."""
        with self._read() as session:
            talk = session.scalar(select(Talk).where(Talk.uid == uid))
            if talk is None:
                from desktop_app.core.talk_edits import merged_into

                kept = merged_into(session, uid)
                if kept is not None:
                    raise NotFoundError(f"talk {uid} was merged into {kept}", f"Use {kept}.")
                raise NotFoundError(f"no talk with uid {uid!r}")
            state = session.get(UserState, {"person": person_of(session), "uid": uid})
            return TalkDetail(
                talk=_talk_data(talk),
                display_title=display_title(talk.title, talk.abstract),
                series_name=talk.series.name,
                series_homepage=talk.series.homepage,
                series_timezone=talk.series.timezone,
                user=_user_state_data(state),
                revision=talk.revision,
                created_at=talk.created_at,
                updated_at=talk.updated_at,
            )

    def speaker_profile(self, name: str) -> SpeakerProfile:
        """A speaker's talks (any spelling of the name that differs only in case or accents),
        the affiliations given at them and a bio; an unknown name has an empty profile."""
        folded = fold_name(name)
        if not folded:
            return SpeakerProfile(name)
        query = (
            select(Talk.uid, Talk.bio, Person.name, TalkSpeaker.affiliation, Person.affiliation)
            .join(TalkSpeaker, TalkSpeaker.talk_id == Talk.id)
            .join(Person, Person.id == TalkSpeaker.person_id)
            .where(Person.folded_name == folded)
            .order_by(Talk.start_utc.is_(None), Talk.start_utc.desc(), Talk.id)
        )
        with self._read() as session:
            found = session.execute(query).all()
        uids = list(dict.fromkeys(row.uid for row in found))
        talks = self.rows_for(uids)
        alone = {row.uid for row in talks if len(row.speakers) == 1}
        bios = [row.bio for row in found if row.bio and row.uid in alone]
        bios += [row.bio for row in found if row.bio and row.uid not in alone]
        given = [row[3] for row in found if row[3]] + [row[4] for row in found if row[4]]
        return SpeakerProfile(
            name=name,
            names=tuple(sorted({row.name for row in found})),
            talks=tuple(talks),
            affiliations=tuple(dict.fromkeys(a.strip() for a in given if a.strip())),
            bio=bios[0] if bios else None,
        )

    def series(self) -> list[SeriesSummary]:
        """Every series with its number of talks and years."""
        query = (
            select(
                Series, func.count(Talk.id), func.min(Talk.start_year), func.max(Talk.start_year)
            )
            .outerjoin(Talk, Talk.series_id == Series.id)
            .group_by(Series.id)
            .order_by(Series.id)
        )
        with self._read() as session:
            return [
                SeriesSummary(_series_data(s), count, first, last)
                for s, count, first, last in session.execute(query)
            ]

    def get_series(self, slug: str) -> SeriesSummary:
        """One series, or NotFoundError."""
        for summary in self.series():
            if summary.series.slug == slug:
                return summary
        raise NotFoundError(f"no series {slug!r}")

    def statistics(self) -> Statistics:
        """Counts of talks, per year and per series."""
        with self._read() as session:

            def count(*conditions: Any) -> int:
                return session.scalar(select(func.count(Talk.id)).where(*conditions)) or 0

            per_year: dict[int | None, int] = {
                year: n
                for year, n in session.execute(
                    select(Talk.start_year, func.count(Talk.id))
                    .group_by(Talk.start_year)
                    .order_by(Talk.start_year)
                )
            }
            per_series: dict[str, int] = {
                slug: n
                for slug, n in session.execute(
                    select(Series.slug, func.count(Talk.id))
                    .outerjoin(Talk, Talk.series_id == Series.id)
                    .group_by(Series.id)
                    .order_by(Series.id)
                )
            }
            has_speaker = exists().where(TalkSpeaker.talk_id == Talk.id)
            return Statistics(
                talks=count(),
                series=session.scalar(select(func.count(Series.id))) or 0,
                speakers=session.scalar(select(func.count(func.distinct(TalkSpeaker.person_id))))
                or 0,
                with_title=count(Talk.title.is_not(None)),
                with_speaker=count(has_speaker),
                with_date=count(Talk.start_utc.is_not(None)),
                with_recording=count(Talk.recording_url.is_not(None)),
                with_abstract=count(Talk.abstract.is_not(None)),
                starred=session.scalar(
                    _own(select(func.count()).select_from(UserState).where(UserState.starred))
                )
                or 0,
                watched=session.scalar(
                    _own(select(func.count()).select_from(UserState).where(UserState.watched))
                )
                or 0,
                per_year=per_year,
                per_series=per_series,
            )

    def facet_counts(
        self, talk_filter: TalkFilter | None = None, top_speakers: int = 60
    ) -> FacetCounts:
        """Counts per series, year, speaker, tag and mark among the talks of the filter."""
        f = talk_filter or TalkFilter()
        ids = _filtered(select(Talk.id), f).subquery()
        in_list = Talk.id.in_(select(ids.c.id))
        now = utc_now()
        with self._read() as session:

            def grouped(column: Any, *joins: Any) -> list[tuple[Any, int]]:
                query = select(column, func.count(func.distinct(Talk.id))).select_from(Talk)
                for target, condition in joins:
                    query = query.join(target, condition)
                query = query.where(in_list).group_by(column).order_by(func.count().desc(), column)
                return [(value, n) for value, n in session.execute(query)]

            def count(*conditions: Any) -> int:
                return session.scalar(select(func.count(Talk.id)).where(in_list, *conditions)) or 0

            marked = {
                column.key: count(_marked(column))
                for column in (UserState.starred, UserState.watched)
            }
            total = count()
            speakers = grouped(
                Person.name,
                (TalkSpeaker, TalkSpeaker.talk_id == Talk.id),
                (Person, Person.id == TalkSpeaker.person_id),
            )
            months = dict(grouped(_start_month())) if f.year is not None else {}
            return FacetCounts(
                series=dict(grouped(Series.slug, (Series, Series.id == Talk.series_id))),
                year=dict(sorted(grouped(Talk.start_year), key=lambda item: -(item[0] or 0))),
                month={m: n for m, n in sorted(months.items()) if m is not None},
                speaker=dict(speakers[:top_speakers]),
                tag=dict(grouped(TalkTag.tag, (TalkTag, TalkTag.talk_id == Talk.id))),
                has_recording=count(Talk.recording_url.is_not(None)),
                starred=marked["starred"],
                watched=marked["watched"],
                unwatched=total - marked["watched"],
                upcoming=count(Talk.start_utc >= now),
                past=count(Talk.start_utc < now),
                needs_facts=count(_lacks_facts()),
                new=count(_is_new()),
                total=total,
            )

    # ------------------------------------------------------------------ user state

    def set_user_state(
        self,
        uid: str,
        *,
        starred: bool | None = None,
        watched: bool | None = None,
        note: str | None = None,
        opened: bool = False,
    ) -> tuple[UserStateData, Changes]:
        """Change the user's marks on a talk (only the arguments given)."""
        with self._write() as session:
            if session.scalar(select(Talk.id).where(Talk.uid == uid)) is None:
                raise NotFoundError(f"no talk with uid {uid!r}")
            person = person_of(session)
            state = session.get(UserState, {"person": person, "uid": uid})
            now = utc_now()
            if state is None:
                state = UserState(
                    person=person, uid=uid, starred=False, watched=False, note="", updated_at=now
                )
                session.add(state)
            if starred is not None:
                state.starred = starred
            if watched is not None:
                state.watched = watched
            if note is not None:
                state.note = note
            if opened:
                state.last_opened = now
            state.updated_at = now
            session.flush()
            result = _user_state_data(state)
        changes = Changes(user_state=frozenset({uid}))
        self._notify(changes)
        return result, changes

    # ------------------------------------------------------------------ the edit layer

    def edit_talk(
        self, uid: str, changes: Mapping[str, Any], *, recording_folders: Iterable[str] = ()
    ) -> list[str]:
        """Keep typed facts of a talk over its source's (InputError naming the field, and
        nothing saved, when a value is refused); returns the fields that changed."""
        return self.edit_talks({uid: changes}, recording_folders=recording_folders)[uid]

    def edit_talks(
        self,
        changes: Mapping[str, Mapping[str, Any]],
        *,
        recording_folders: Iterable[str] = (),
    ) -> dict[str, list[str]]:
        """Edit several talks in one transaction (a refused value of any: nothing saved);
        returns, per talk, the fields that changed."""
        from desktop_app.core.talk_edits import TalkEditor

        with self._write() as session:
            editor = TalkEditor(session, utc_now())
            changed = {
                uid: editor.edit(uid, fields, recording_folders) for uid, fields in changes.items()
            }
        touched = frozenset(uid for uid, fields in changed.items() if fields)
        if touched:
            self._notify(Changes(talks=touched))
        return changed

    def revert_field(self, uid: str, field: str) -> bool:
        """Show the source's value of an edited field again (False: it was not edited)."""
        from desktop_app.core.talk_edits import TalkEditor

        with self._write() as session:
            reverted = TalkEditor(session, utc_now()).revert(uid, field)
        if reverted:
            self._notify(Changes(talks=frozenset({uid})))
        return reverted

    def merge_talks(self, keep: str, gone: str) -> list[str]:
        """Merge talk `gone` into `keep` (facts filled from it, marks ORed, notes joined);
        `gone` then answers with `keep`. Returns the fields filled."""

        with self._write() as session:
            filled = _merge_in(session, keep, gone)
        self._notify(Changes(talks=frozenset({keep, gone}), user_state=frozenset({keep})))
        return filled

    def known_speakers(self) -> list[Speaker]:
        """Every speaker of the archive with their latest affiliation, by name."""
        with self._read() as session:
            query = select(Person.name, Person.affiliation).order_by(Person.folded_name)
            return [Speaker(name, affiliation) for name, affiliation in session.execute(query)]

    def talk_history(self, uid: str) -> list[EditRecord]:
        """Every edit, revert and merge of a talk, oldest first."""
        from desktop_app.core.talk_edits import history

        with self._read() as session:
            return history(session, uid)

    def talk_edits(self, uid: str) -> dict[str, Any]:
        """The fields the user edited, with their values (as the exchange format writes them)."""
        from desktop_app.core.talk_edits import edits_of

        with self._read() as session:
            return edits_of(session, [uid]).get(uid, {})

    def source_facts(self, uid: str) -> TalkData:
        """A talk's facts as its source gave them (without the user's edits)."""
        from desktop_app.core.talk_edits import TalkEditor, source_data

        with self._read() as session:
            return source_data(TalkEditor(session, utc_now()).talk(uid))

    def merged_into(self, uid: str) -> str | None:
        """The talk a merged uid lives on as (None: it was not merged)."""
        from desktop_app.core.talk_edits import merged_into

        with self._read() as session:
            return merged_into(session, uid)

    # ------------------------------------------------------------------ sources and sync

    def add_source(self, series: str, url: str, kind: str | None = None) -> SourceInfo:
        """Follow a source of a series (the series is created when new)."""
        from desktop_app.core.sources.store import add_source

        with self._write() as session:
            info = add_source(session, series, url, kind, utc_now())
        self._notify(Changes(series=True))
        return info

    def sources(self, series: str | None = None) -> list[SourceInfo]:
        """The sources followed (of one series, when given)."""
        from desktop_app.core.models import Source
        from desktop_app.core.sources.store import source_info

        with self._read() as session:
            query = select(Source).order_by(Source.id)
            if series is not None:
                query = query.join(Series, Series.id == Source.series_id).where(
                    Series.slug == series
                )
            return [source_info(s) for s in session.scalars(query)]

    def remove_source(self, source_id: int) -> None:
        """Stop following a source (its talks stay)."""
        from desktop_app.core.sources.store import get_source

        with self._write() as session:
            session.delete(get_source(session, source_id))

    def apply_source_answer(
        self,
        source_id: int,
        parsed: ParsedFile | None,
        etag: str | None,
        last_modified: str | None,
        where: str,
    ) -> SyncResult:
        """Apply what a source brought (None: not modified) in one transaction (run again after
        a serialization failure or a deadlock)."""
        with _collection_paused():
            return retrying(
                lambda: self._apply_source_answer(source_id, parsed, etag, last_modified, where),
                what=f"sync of {where}",
            )

    def _apply_source_answer(
        self,
        source_id: int,
        parsed: ParsedFile | None,
        etag: str | None,
        last_modified: str | None,
        where: str,
    ) -> SyncResult:
        from desktop_app.core.sources.store import apply_answer, get_source, record_result
        from desktop_app.core.sources.sync import SyncResult

        now = utc_now()
        with self._write() as session:
            source = get_source(session, source_id)
            first = source.last_status in (None, "failed") and source.etag is None
            series, url = source.series.slug, source.url
            if parsed is None:
                record_result(
                    session, source_id, "unchanged", now, etag=etag, last_modified=last_modified
                )
                return SyncResult(source_id, series, url, "unchanged")
            applied = apply_answer(session, source_id, parsed, where, now)
            report = applied.report
            merged, proposed = _review_merges(
                session, source_id, source.series_id, {t.uid for t in parsed.talks}, now
            )
            changed = bool(report.added or report.updated or applied.removed or applied.restored)
            status = "new" if first else "updated" if changed else "unchanged"
            record_result(session, source_id, status, now, etag=etag, last_modified=last_modified)
        uids = (
            frozenset(report.changed_uids)
            | set(applied.removed)
            | set(applied.restored)
            | {uid for pair in merged for uid in pair}
        )
        self._notify(Changes(talks=uids, series=True))
        return SyncResult(
            source_id,
            series,
            url,
            status,
            added=report.added,
            updated=report.updated,
            removed=len(applied.removed),
            merged=len(merged),
            proposed=proposed,
            changed_uids=tuple(sorted(uids)),
        )

    def apply_playlist(self, source_id: int, entries: list[Any], where: str) -> SyncResult:
        """Attach a playlist's recordings to its series' talks: confident matches at once (as
        values of the playlist, over the source's, revertible), uncertain ones to review."""
        return retrying(
            lambda: self._apply_playlist(source_id, entries, where), what=f"sync of {where}"
        )

    def _apply_playlist(self, source_id: int, entries: list[Any], where: str) -> SyncResult:
        from desktop_app.core.models import TalkSource
        from desktop_app.core.sources.review import keep_recording, recordings_for
        from desktop_app.core.sources.store import get_source, record_result
        from desktop_app.core.sources.sync import SyncResult
        from desktop_app.core.talk_edits import TalkEditor

        now = utc_now()
        with self._write() as session:
            source = get_source(session, source_id)
            series, url = source.series.slug, source.url
            first = source.last_status in (None, "failed") and source.last_sync is None
            confident, uncertain = recordings_for(session, series, entries)
            editor = TalkEditor(session, now)
            attached = [
                m.talk
                for m in confident
                if editor.edit(m.talk, {"recording_url": m.url}, by="playlist")
            ]
            for match in confident:  # the talk page lists the playlist among its sources
                session.merge(TalkSource(uid=match.talk, source_id=source_id, seen_at=now))
            proposed = sum(keep_recording(session, m, now) for m in uncertain)
            status = "new" if first else "updated" if attached else "unchanged"
            record_result(session, source_id, status, now)
        self._notify(Changes(talks=frozenset(attached)))
        return SyncResult(
            source_id,
            series,
            url,
            status,
            updated=len(attached),
            proposed=proposed,
            changed_uids=tuple(sorted(attached)),
        )

    def review_list(self) -> list[ReviewInfo]:
        """The proposals waiting for the user, best first."""
        from desktop_app.core.sources.review import open_items

        with self._read() as session:
            return open_items(session)

    def review_accept(self, item_id: int) -> list[str]:
        """Apply a proposal: merge the two talks, or attach the recording; returns the uids."""
        from desktop_app.core.sources.review import decide
        from desktop_app.core.talk_edits import TalkEditor

        with self._write() as session:
            item = decide(session, item_id, "accepted")
            uids = list(item.uids)
            if item.kind == "merge":
                _merge_in(session, uids[0], uids[1])
            else:
                TalkEditor(session, utc_now()).edit(
                    uids[0], {"recording_url": item.recording_url}, by="playlist"
                )
        self._notify(Changes(talks=frozenset(uids), user_state=frozenset(uids[:1])))
        return uids

    def review_reject(self, item_id: int) -> None:
        """Drop a proposal for good (it is not proposed again)."""
        from desktop_app.core.sources.review import decide

        with self._write() as session:
            decide(session, item_id, "rejected")

    def record_source_failure(self, source_id: int, message: str) -> None:
        """Keep a failed sync's reason on the source (nothing else changes)."""
        from desktop_app.core.sources.store import record_result

        with self._write() as session:
            record_result(session, source_id, "failed", utc_now(), error=message)

    def talk_sources(self, uid: str) -> list[SourceInfo]:
        """The sources that brought a talk."""
        from desktop_app.core.sources.store import sources_of_talk

        with self._read() as session:
            return sources_of_talk(session, uid)

    def removed_by_source(self, uid: str) -> bool:
        """True when the feed that brought the talk no longer lists it."""
        with self._read() as session:
            return bool(session.scalar(select(Talk.removed_by_source).where(Talk.uid == uid)))

    def delete_talk(self, uid: str) -> Changes:
        """Remove a talk (the user's state is kept, keyed by uid, should it come back)."""
        with self._write() as session:
            talk = session.scalar(select(Talk).where(Talk.uid == uid))
            if talk is None:
                raise NotFoundError(f"no talk with uid {uid!r}")
            generation = next_generation(session)
            session.delete(talk)
            session.merge(DeletedTalk(uid=uid, generation=generation))
        changes = Changes(talks=frozenset({uid}))
        self._notify(changes)
        return changes


# ---------------------------------------------------------------------- helpers


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a file is read and applied.

    An import creates many objects but few cycles; a full collection over them holds the GIL
    for a long time and would freeze the GUI thread of a desktop app importing in the background.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def archive_location(folder: str | Path, database_url: str | None) -> tuple[Path, str | None]:
    """The folder an archive keeps its own files in, and its database URL (None: the SQLite
    file there). A shared database named for this run gets `shared/<host>-<port>-<database>/`
    of the data folder; one named in the folder's settings keeps the folder itself."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} is not a folder")
    _make_folder(folder)
    configured = load_archive_settings(folder).database_url
    url = database_url or configured or None
    shared = database_url and not shared_db.same_database(database_url, configured)
    if shared and shared_db.is_postgres(database_url or ""):
        folder = shared_db.local_folder(folder, database_url or "")
        _make_folder(folder)
    return folder, url


def _make_folder(folder: Path) -> None:
    """Make the archive folder (and its parents) unless it exists."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ArchiveError(
            f"{folder}: the archive folder cannot be made", error.strerror or str(error)
        ) from error


def _database_error(error: DBAPIError, url: str) -> ArchiveError | DBAPIError:
    """The error to raise for a failed transaction: the server gone, SQLite busy, or (a
    serialization failure to retry, a bug) the error itself."""
    if db.is_connection_error(error):
        reason = str(error.orig).strip().splitlines()
        return DatabaseUnavailableError(
            f"the shared archive's database cannot be reached ({shared_db.redact(url)})",
            (reason[0] if reason else "") + "\nNothing was changed; try again when it is back.",
        )
    if isinstance(error, OperationalError) and not db.is_retryable(error):
        return _busy_or_raise(error)
    return error


def _busy_or_raise(error: OperationalError) -> ArchiveError:
    if "locked" in str(error) or "busy" in str(error):
        return ArchiveBusyError(
            "the archive is busy: another Seminar Archive is writing to it",
            "Try again when it has finished.",
        )
    return ArchiveError("the database reported an error", str(error.orig))


def _filtered(query: Any, f: TalkFilter) -> Any:
    if f.series is not None:
        query = query.where(
            Talk.series_id == select(Series.id).where(Series.slug == f.series).scalar_subquery()
        )
    if f.year is not None:
        query = query.where(Talk.start_year == f.year)
    if f.month is not None:
        query = query.where(_start_month() == f.month)
    if f.speaker:
        # Folded in Python on both sides (SQLite's lower() and LIKE fold ASCII only); the
        # people matching are found once, not once per talk.
        people = select(Person.id).where(
            Person.folded_name.contains(fold_name(f.speaker), autoescape=True)
        )
        query = query.where(
            Talk.id.in_(select(TalkSpeaker.talk_id).where(TalkSpeaker.person_id.in_(people)))
        )
    if f.tag:
        query = query.where(exists().where(TalkTag.talk_id == Talk.id, TalkTag.tag == f.tag))
    if f.has_recording is not None:
        query = query.where(
            Talk.recording_url.is_not(None) if f.has_recording else Talk.recording_url.is_(None)
        )
    if f.has_date is not None:
        query = query.where(Talk.start_utc.is_not(None) if f.has_date else Talk.start_utc.is_(None))
    for flag, column in ((f.starred, UserState.starred), (f.watched, UserState.watched)):
        if flag is not None:
            marked = _marked(column)
            query = query.where(marked if flag else ~marked)
    if f.upcoming is not None:
        now = utc_now()
        query = query.where(Talk.start_utc >= now if f.upcoming else Talk.start_utc < now)
    if f.new is not None:
        query = query.where(_is_new() if f.new else ~_is_new())
    if f.needs_facts is not None:
        lacking = _lacks_facts()
        query = query.where(lacking if f.needs_facts else ~lacking)
    if f.uids is not None:
        query = query.where(Talk.uid.in_(f.uids))
    return query


def _is_mine(state: Any) -> Any:
    """The condition on a user_state row (or an alias) of being the current person's."""
    return state.person == current_person()


def _own(query: Any) -> Any:
    """A query of user_state rows narrowed to the current person's."""
    return query.where(_is_mine(UserState))


def _marked(column: Any) -> Any:
    """The talk carries the current person's mark `column` (UserState.starred or .watched)."""
    return exists().where(UserState.uid == Talk.uid, _is_mine(UserState), column.is_(True))


def _is_new() -> Any:
    """A talk that arrived after the person's previous visit began and was not opened since."""
    since = db.MetaTime(
        select(UserMeta.value)
        .where(UserMeta.person == current_person(), UserMeta.key == NEW_SINCE_KEY)
        .scalar_subquery()
    )
    state = aliased(UserState)  # the list's own join of UserState must not correlate here
    opened = exists().where(state.uid == Talk.uid, _is_mine(state), state.last_opened.is_not(None))
    return and_(since.is_not(None), Talk.created_at > since, ~opened)


def _shareable(talk: TalkData) -> TalkData:
    """A talk as exported: a recording that is a file on this computer stays here."""
    if talk.recording_url and not is_web_url(talk.recording_url):
        return replace(talk, recording_url=None)
    return talk


def _merge_in(session: Session, keep: str, gone: str) -> list[str]:
    """Merge talk `gone` into `keep` inside a write transaction (its row goes, a tombstone
    tells the search index)."""
    from desktop_app.core.talk_edits import TalkEditor

    filled = TalkEditor(session, utc_now()).merge(keep, gone)
    generation = next_generation(session)
    talk = session.scalar(select(Talk).where(Talk.uid == gone))
    session.delete(talk)
    session.merge(DeletedTalk(uid=gone, generation=generation))
    return filled


def _review_merges(
    session: Session, source_id: int, series_id: int, uids: set[str], now: Any
) -> tuple[list[tuple[str, str]], int]:
    """After a source was applied: merge what is surely one talk, keep the rest for review.
    Returns the merged (kept, gone) pairs and the number of proposals kept."""
    from desktop_app.core.sources.review import keep, merge_proposals

    merged: list[tuple[str, str]] = []
    proposed = 0
    for proposal in merge_proposals(session, source_id, series_id, uids):
        kept, gone = proposal.talks
        if proposal.automatic:
            _merge_in(session, kept, gone)
            merged.append((kept, gone))
        else:
            proposed += keep(session, proposal, now)
    return merged, proposed


def _lacks_facts() -> Any:
    """A talk without a title, a speaker or a date (the "Needs facts" filter)."""
    return or_(
        Talk.title.is_(None),
        Talk.start_utc.is_(None),
        ~exists().where(TalkSpeaker.talk_id == Talk.id),
    )


def _first_speaker_name() -> Any:
    return (
        select(Person.name)
        .join(TalkSpeaker, TalkSpeaker.person_id == Person.id)
        .where(TalkSpeaker.talk_id == Talk.id, TalkSpeaker.position == 0)
        .scalar_subquery()
    )


def _start_month() -> Any:
    """The month of a talk's start (in UTC: a talk's own zone moves few across a month end)."""
    return cast(extract("month", Talk.start_utc), Integer)  # PostgreSQL's is a numeric


def _sorted(query: Any, sort: SortKey) -> Any:
    unknown_date_last = Talk.start_utc.is_(None)
    if sort is SortKey.RECORDING:
        return query.order_by(
            Talk.recording_url.is_(None), unknown_date_last, Talk.start_utc.desc(), Talk.id
        )
    if sort is SortKey.STARRED:
        starred = _marked(UserState.starred)
        return query.order_by(~starred, unknown_date_last, Talk.start_utc.desc(), Talk.id)
    if sort is SortKey.DATE:
        return query.order_by(unknown_date_last, Talk.start_utc.desc(), Talk.id)
    if sort is SortKey.DATE_ASCENDING:
        return query.order_by(unknown_date_last, Talk.start_utc, Talk.id)
    if sort is SortKey.TITLE:
        return query.order_by(Talk.sort_title, Talk.id)
    if sort is SortKey.SPEAKER:
        speaker = _first_speaker_name()
        return query.order_by(speaker.is_(None), func.lower(speaker), Talk.id)
    series_name = select(Series.name).where(Series.id == Talk.series_id).scalar_subquery()
    return query.order_by(series_name, unknown_date_last, Talk.start_utc.desc(), Talk.id)


def _row_select() -> Any:
    """The columns of a list row (plain columns, not ORM entities: a list row needs neither
    links nor the whole abstract)."""
    return (
        select(
            Talk.id,
            Talk.uid,
            Talk.title,
            func.substr(Talk.abstract, 1, _LABEL_SOURCE_CHARS).label("abstract_start"),
            Talk.start_utc,
            Talk.timezone,
            Talk.duration_minutes,
            Talk.recording_url,
            Talk.cancelled,
            Series.slug,
            Series.name,
            Series.short_name,
            UserState.starred,
            UserState.watched,
            _is_new().label("is_new"),
        )
        .join(Series, Talk.series_id == Series.id)
        .outerjoin(UserState, and_(UserState.uid == Talk.uid, _is_mine(UserState)))
    )


@cache
def _rows_by_uid() -> Any:
    """The list rows of the talks named by the `uids` parameter."""
    return _row_select().where(Talk.uid.in_(bindparam("uids", expanding=True)))


@cache
def _speakers_by_talk() -> Any:
    """The speakers of the talks whose ids the `ids` parameter names, in order."""
    return (
        select(TalkSpeaker.talk_id, Person.name, TalkSpeaker.affiliation)
        .join(Person, Person.id == TalkSpeaker.person_id)
        .where(TalkSpeaker.talk_id.in_(bindparam("ids", expanding=True)))
        .order_by(TalkSpeaker.talk_id, TalkSpeaker.position)
    )


def _speakers_of(session: Session, talk_ids: list[int]) -> dict[int, tuple[Speaker, ...]]:
    result: dict[int, list[Speaker]] = {}
    for start in range(0, len(talk_ids), _CHUNK):
        chunk = talk_ids[start : start + _CHUNK]
        rows = session.execute(_speakers_by_talk(), {"ids": chunk}) if chunk else ()
        for talk_id, name, affiliation in rows:
            result.setdefault(talk_id, []).append(Speaker(name, affiliation))
    return {talk_id: tuple(speakers) for talk_id, speakers in result.items()}


def _talk_row(row: Any, speakers: tuple[Speaker, ...]) -> TalkRow:
    return TalkRow(
        uid=row.uid,
        title=row.title,
        display_title=display_title(row.title, row.abstract_start),
        speakers=speakers,
        series=row.slug,
        series_name=row.name,
        start=from_utc_naive(row.start_utc, row.timezone) if row.start_utc else None,
        timezone=row.timezone,
        duration_minutes=row.duration_minutes,
        recording_url=row.recording_url,
        cancelled=row.cancelled,
        starred=bool(row.starred),
        watched=bool(row.watched),
        series_short_name=row.short_name or row.name,
        new=bool(row.is_new),
    )


def _series_data(series: Series) -> SeriesData:
    return SeriesData(
        slug=series.slug,
        name=series.name,
        short_name=series.short_name,
        homepage=series.homepage,
        timezone=series.timezone,
        schedule=series.schedule,
        description=series.description,
        provenance=series.provenance,
    )


def _user_state_data(state: UserState | None) -> UserStateData:
    if state is None:
        return UserStateData()
    return UserStateData(state.starred, state.watched, state.note, state.last_opened)
