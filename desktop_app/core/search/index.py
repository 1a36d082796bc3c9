"""SearchIndex: the archive's full-text index, kept in step with the database."""

from __future__ import annotations

import contextlib
import heapq
import logging
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.index import LockError

from desktop_app.core.archive import Archive
from desktop_app.core.errors import ArchiveBusyError, InputError
from desktop_app.core.records import Changes, TalkData, TalkFilter
from desktop_app.core.search import spelling, storage
from desktop_app.core.search.analysis import fold, word_stems, words
from desktop_app.core.search.docsets import DocSets
from desktop_app.core.search.engines import ENGINES
from desktop_app.core.search.highlight import Marks, fragment, mark_all, matched_spans
from desktop_app.core.search.limits import bound_query
from desktop_app.core.search.queries import QueryBuilder, QueryPlan
from desktop_app.core.search.ranking import Ranker
from desktop_app.core.search.results import FACET_NAMES, IndexCheck, SearchHit, SearchResult
from desktop_app.core.search.schema import (
    DEFAULT_FIELDS,
    SCHEMA_VERSION,
    talk_digest,
    talk_document,
)
from desktop_app.core.search.stopwords import is_key_term_noise
from desktop_app.core.search.ties import numeric_column, tied_top_scores, tolerance
from desktop_app.core.search.writers import ParallelWriter, SegmentWriter

log = logging.getLogger("desktop_app.core.search")

Progress = Callable[[int, int], None]
SORTS = {"relevance": None, "date": "date_up", "-date": "date_down", "title": "title_key"}
WRITE_TIMEOUT = 30.0  # seconds to wait for another process's index writer
REBUILD_TIMEOUT = 3600.0
# Above this many changed talks, a catch-up rebuilds instead of updating talk by talk.
REBUILD_THRESHOLD = 5000
SMALL_UPDATE = 50  # talks; a smaller update commits without merging segments
SEGMENTS_BEFORE_MERGE = 10
MULTIPROCESS_FROM = 1000  # talks; below this a second process costs more than it saves
FEW_HITS = 3  # fewer hits than this ask for a "did you mean"
HIGHLIGHTED_HITS = 20
HIGHLIGHTED_FIELDS = ("title", "abstract")
# BM25F. The `text` field's length says how much is known about a talk (a bio, linked
# papers) more than how focused it is, so its length counts for less than the abstract's.
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2, text_B=0.3)
NOT_READY = "the search index is being built; results will appear when it is ready"


class SearchIndex:
    """The full-text index of one archive (a cache that can always be rebuilt).

    Thread use: `search`, `related` and `key_terms` may run on one worker thread while
    `catch_up`, `rebuild` and the change listener run on another; a rebuild builds beside
    the index in use and swaps it in when complete, so searches keep answering meanwhile.
    """

    engine_name = "whoosh"  # one of ENGINES
    engine = storage.ENGINE  # the engine and version an index folder's state names
    schema_version = SCHEMA_VERSION

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.folder = storage.IndexFolder(archive.index_folder)
        self._ix: Any = None
        self._path: Path | None = None
        self._generation: int | None = None
        self._write_lock = threading.RLock()
        self._search_lock = threading.Lock()
        self._searcher: Any = None
        self._searcher_ix: Any = None
        self._matched: DocSets | None = None
        self._scores: Ranker | None = None
        self._uid_docnums: tuple[Any, dict[str, int]] | None = None
        self._date_keys: tuple[Any, list[int]] | None = None
        self._builder: QueryBuilder | None = None
        self._vocabulary: tuple[Path, tuple[int, int], spelling.Vocabulary] | None = None
        self._closed = False
        # Set by a GUI: changes of more talks than this are not indexed in the writing thread;
        # `on_behind(count)` is called instead, and the GUI catches up in the background.
        self.defer_updates_over: int | None = None
        self.on_behind: Callable[[int], None] | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        archive: Archive,
        *,
        catch_up: bool = True,
        progress: Progress | None = None,
        engine: str | None = None,
    ) -> SearchIndex:
        """Open the archive's index and listen to its changes.

        With `catch_up` (the default) the index is brought in step with the database first
        (incrementally, or by a full rebuild); the GUI passes False and calls `catch_up()`
        on a worker thread. `engine` chooses the search engine (`ENGINES`; None: the one
        the user's preferences name, Whoosh by default); another engine's index is rebuilt.
        """
        if engine is None:
            from desktop_app.core.settings import load_app_config

            engine = load_app_config().search_engine
        if engine not in ENGINES:
            raise InputError(
                f"unknown search engine {engine!r}", "Use one of: " + ", ".join(ENGINES)
            )
        if engine == "tantivy" and cls is SearchIndex:
            from desktop_app.core.search.tantivy_index import TantivyIndex

            cls = TantivyIndex
        index = cls(archive)
        index.folder.remove_stale()
        index._load()
        archive.add_change_listener(index._on_changes)
        if catch_up:
            index.catch_up(progress)
        return index

    def _load(self) -> None:
        path = self.folder.current()
        if path is None:
            return
        state = storage.read_state(path)
        if state is None or not state.written_by(self.engine, self.schema_version):
            log.info("index in %s is from another version; it will be rebuilt", path)
            return
        try:
            ix = self._open_engine_index(path)
        except Exception as error:  # a damaged cache: rebuilt by catch_up
            log.warning("the search index in %s cannot be read (%s); rebuilding", path, error)
            return
        with self._write_lock:
            self._ix, self._path, self._generation = ix, path, state.generation

    def _open_engine_index(self, path: Path) -> Any:
        return storage.open_index(path)

    def _write_state(self, path: Path, generation: int) -> None:
        storage.write_state(path, generation, self.engine, self.schema_version)

    def _doc_count(self) -> int:
        return int(self._ix.doc_count())

    def close(self) -> None:
        """Stop listening and release the searcher."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(ValueError):
            self.archive.remove_change_listener(self._on_changes)
        with self._search_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def ready(self) -> bool:
        """True when there is an index to search (possibly behind the database)."""
        return self._ix is not None

    @property
    def generation(self) -> int | None:
        """The database generation the index reflects (None: no index yet)."""
        return self._generation

    def behind(self) -> bool:
        """True when the database changed since the index was last brought up to date."""
        return self._ix is None or self._generation != self.archive.generation()

    # ------------------------------------------------------------------ keeping up

    def _on_changes(self, changes: Changes) -> None:
        if changes.talks and self._ix is not None and not self._closed:
            limit = self.defer_updates_over
            if self.on_behind is not None and limit is not None and len(changes.talks) > limit:
                self.on_behind(len(changes.talks))
                return
            try:
                self.catch_up()
            except ArchiveBusyError as error:  # the next open or change catches up
                log.warning("search index not updated: %s", error.message)
            except OSError as error:  # a full disk: the change is committed, the index behind
                log.warning("search index not updated (%s); it catches up later", error)

    def catch_up(self, progress: Progress | None = None) -> None:
        """Bring the index in step with the database: incrementally, or a full rebuild."""
        with self._write_lock:
            database = self.archive.generation()
            if self._ix is None or self._generation is None or self._generation > database:
                self.rebuild(progress)
                return
            if self._generation == database:
                if self._count_differs():
                    log.warning("index and database hold different talks; rebuilding")
                    self.rebuild(progress)
                return
            changed, deleted = self.archive.changes_since(self._generation)
            if len(changed) + len(deleted) > REBUILD_THRESHOLD:
                self.rebuild(progress)
                return
            self._update(
                self.archive.iter_talks(changed), len(changed), deleted, database, progress
            )
            if self._count_differs():
                log.warning("index and database hold different talks; rebuilding")
                self.rebuild(progress)

    def _count_differs(self) -> bool:
        return self._doc_count() != self.archive.count_talks()

    def update_talks(self, uids: Iterable[str]) -> None:
        """Re-index the named talks now (deleted ones leave the index)."""
        wanted = list(dict.fromkeys(uids))
        with self._write_lock:
            if self._ix is None:
                self.rebuild()
                return
            talks = list(self.archive.iter_talks(wanted))
            found = {t.uid for t in talks}
            missing = [u for u in wanted if u not in found]
            self._update(talks, len(talks), missing, self._generation or 0)

    def _update(
        self,
        talks: Iterable[TalkData],
        total: int,
        deleted: list[str],
        generation: int,
        progress: Progress | None = None,
    ) -> None:
        """Re-index `total` changed talks and drop the deleted ones."""
        assert self._path is not None
        writer = self._writer(self._ix)
        counts: Counter[str] = Counter()
        try:
            remove = self._remover(writer)
            for uid in deleted:
                remove(uid)
            for done, talk in enumerate(talks, start=1):
                remove(talk.uid)
                document = talk_document(talk)
                counts.update(spelling.talk_words((document["text"], document["abstract"])))
                writer.add_document(**document)
                if progress is not None and (done % 100 == 0 or done == total):
                    progress(done, total)
        except BaseException:
            writer.cancel()
            raise
        # A small update commits its own little segment without merging (merging costs more
        # than the update); once little segments pile up, the small ones are merged.
        small = total <= SMALL_UPDATE and len(writer.segments) < SEGMENTS_BEFORE_MERGE
        if small:
            writer.commit(merge=False)
        else:  # between two searches: a merge deletes files a search in flight may still open
            with self._search_lock:
                writer.commit(merge=True)
        spelling.write_counts(self._path, counts, append=True)
        self._write_state(self._path, generation)
        self._generation = generation
        log.debug("index updated: %d changed, %d deleted", total, len(deleted))

    def _remover(self, writer: Any) -> Callable[[str], None]:
        """A function removing a talk's document from the index being written.

        Whoosh's `delete_by_term` opens a searcher over every segment each time; when the
        shared searcher shows the very index the writer starts from, its document numbers
        are the writer's, and a talk is deleted by number.
        """
        with self._search_lock:
            searcher = self._current_searcher()
            if searcher is None or searcher.reader().generation() != writer.generation - 1:
                return lambda uid: writer.delete_by_term("uid", uid)

        def remove(uid: str) -> None:
            # The searcher stays open: only a commit (after this writer's) replaces it.
            with self._search_lock:
                number = searcher.document_number(uid=uid)
            if number is not None:
                writer.delete_document(number)

        return remove

    @staticmethod
    def _writer(ix: Any, procs: int = 1, **options: Any) -> Any:
        try:
            # Separate files, not one compound file per segment: Whoosh reads a compound
            # file's parts by copying each into memory whenever a searcher opens.
            options.update(timeout=WRITE_TIMEOUT, delay=0.1, compound=False)
            if procs > 1:
                return ParallelWriter(ix, procs, **options)
            return SegmentWriter(ix, **options)
        except LockError as error:
            raise ArchiveBusyError(
                "the search index is busy: another Seminar Archive is writing to it",
                "Try again when it has finished.",
            ) from error

    def rebuild(self, progress: Progress | None = None, *, procs: int | None = None) -> None:
        """Build a new index from the database beside the old one, then swap it in."""
        with self._write_lock, self.folder.building(REBUILD_TIMEOUT):
            generation = self.archive.generation()
            total = self.archive.count_talks()
            path = self.folder.new_folder()
            try:
                ix = self._build(path, total, progress, procs)
                self._write_state(path, generation)
                storage.sync_folder(path)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            self.folder.make_current(path)
            # Swapped between two searches: a search in flight still reads the old folder
            # (Whoosh opens some of its files only when a query needs them).
            with self._search_lock:
                old = self._path
                self._ix, self._path, self._generation = ix, path, generation
                self._uid_docnums = None
                searcher, self._searcher = self._searcher, None
                if searcher is not None and hasattr(searcher, "close"):
                    searcher.close()
                if old is not None and old != path:
                    shutil.rmtree(old, ignore_errors=True)  # elsewhere the next open cleans up
            log.info("index rebuilt: %d talks, generation %d", total, generation)
        if self.archive.generation() != generation:
            self.catch_up()

    def _build(self, path: Path, total: int, progress: Progress | None, procs: int | None) -> Any:
        ix = storage.create_index(path)
        if procs is None:
            procs = min(2, os.cpu_count() or 1) if total >= MULTIPROCESS_FROM else 1
        writer = self._writer(ix, procs, limitmb=256)
        counts: Counter[str] = Counter()
        try:
            if progress is not None:
                progress(0, total)
            for done, talk in enumerate(self.archive.iter_talks(), start=1):
                document = talk_document(talk)
                counts.update(spelling.talk_words((document["text"], document["abstract"])))
                writer.add_document(**document)
                if progress is not None and (done % 200 == 0 or done == total):
                    progress(done, total)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()  # one segment per process: nothing to merge
        spelling.write_counts(path, counts)
        return ix

    # ------------------------------------------------------------------ checking

    def check(self) -> IndexCheck:
        """Compare the index with the database talk by talk (reads both entirely)."""
        database = self.archive.generation()
        with self._write_lock:
            ix, generation = self._ix, self._generation
        talks = {t.uid: talk_digest(t) for t in self.archive.iter_talks()}
        if ix is None:
            path = self.folder.current()
            problem = "there is no search index"
            if path is not None:
                state = storage.read_state(path)
                problem = (
                    "the search index cannot be read"
                    if state is None or state.written_by(self.engine, self.schema_version)
                    else f"the search index was written by {state.engine}, schema "
                    f"{state.schema_version}; it must be rebuilt"
                )
            return IndexCheck(database, None, 0, len(talks), tuple(sorted(talks)), (), (), problem)
        indexed = self._indexed_digests(ix)
        missing = tuple(sorted(set(talks) - set(indexed)))
        extra = tuple(sorted(set(indexed) - set(talks)))
        outdated = tuple(
            sorted(u for u, d in talks.items() if u in indexed and bytes(indexed[u]) != d)
        )
        return IndexCheck(database, generation, len(indexed), len(talks), missing, extra, outdated)

    def _indexed_digests(self, ix: Any) -> dict[str, bytes]:
        """Every indexed talk's uid and digest."""
        indexed: dict[str, bytes] = {}
        with ix.searcher() as searcher:
            reader = searcher.reader()
            uids, digests = reader.column_reader("uid"), reader.column_reader("digest")
            for docnum in reader.all_doc_ids():
                indexed[uids[docnum]] = digests[docnum]
        return indexed

    # ------------------------------------------------------------------ searching

    def _current_searcher(self) -> Any:
        """The shared searcher, reopened when the index changed (call with _search_lock)."""
        ix = self._ix
        if ix is None:
            return None
        searcher = self._searcher
        if searcher is not None and self._searcher_ix is ix and searcher.up_to_date():
            return searcher
        # Not `searcher.refresh()`: it reuses the reader of an unchanged segment, and that
        # reader still holds talks deleted since (the old version of an updated talk).
        fresh = ix.searcher(weighting=WEIGHTING)
        if searcher is not None:
            searcher.close()
        self._searcher, self._searcher_ix = fresh, ix
        if self._builder is None or self._builder.schema is not ix.schema:
            self._builder = QueryBuilder(ix.schema)
        return fresh

    def drop_caches(self) -> None:
        """Forget remembered term scores and matches (they come back as queries run)."""
        with self._search_lock:
            self._scores = self._matched = None

    def _ranker(self, searcher: Any) -> Ranker:
        """Remembered term scores of the current searcher (call with _search_lock)."""
        if self._scores is None or self._scores.searcher is not searcher:
            self._scores = Ranker(searcher)
        return self._scores

    def _docsets(self, searcher: Any) -> DocSets:
        """Remembered term matches of the current searcher (call with _search_lock)."""
        if self._matched is None or self._matched.searcher is not searcher:
            self._matched = DocSets(searcher)
        return self._matched

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        offset: int = 0,
        sort: str = "relevance",
        facets: bool = False,
        as_you_type: bool = False,
        talk_filter: TalkFilter | None = None,
        highlight: Collection[str] = HIGHLIGHTED_FIELDS,
    ) -> SearchResult:
        """Search the talks; a malformed query is searched as plain words, with a message.

        The first 20 hits carry marked fragments of the `highlight` fields (title, abstract);
        none when `highlight` is empty (the result's `marks` can mark any text later). A query
        of too many words or expanding terms is cut first (`limits`), and the message says so.
        """
        bounded, note = bound_query(query)
        if note is not None:
            result = self.search(
                bounded,
                limit=limit,
                offset=offset,
                sort=sort,
                facets=facets,
                as_you_type=as_you_type,
                talk_filter=talk_filter,
                highlight=highlight,
            )
            return replace(
                result, query=query, message="; ".join(filter(None, [note, result.message]))
            )
        started = time.perf_counter()
        if sort not in SORTS:
            raise InputError(f"unknown sort {sort!r}", "Use one of: " + ", ".join(SORTS))
        limit, offset = max(0, limit), max(0, offset)
        allowed = None
        if talk_filter is not None:
            allowed = self._database_filter(talk_filter)
        with self._search_lock:
            searcher = self._current_searcher()
            if searcher is None:
                return _empty(query, started, NOT_READY, facets)
            plan = self._plan(query, searcher, as_you_type)
            if plan.query is None or not self._holds_talks(searcher):  # (BM25 needs talks)
                return _empty(query, started, plan.message, facets)
            docset = self._filter_docs(searcher, talk_filter, allowed)
            if docset is not None and not docset:  # Whoosh reads an empty filter as none
                return _empty(query, started, plan.message, facets)
            try:
                return self._run(
                    searcher, query, plan, limit, offset, sort, facets, docset, started, highlight
                )
            except Exception:  # a query Whoosh accepted but cannot run: plain words
                log.debug("query %r failed; searching its words", query, exc_info=True)
                assert self._builder is not None
                fallback = QueryPlan(
                    self._builder.plain_words(query),
                    plan.marks,
                    "the query could not be run; searched for the words instead",
                )
                if fallback.query is None:
                    return _empty(query, started, fallback.message, facets)
                return self._run(
                    searcher,
                    query,
                    fallback,
                    limit,
                    offset,
                    sort,
                    facets,
                    docset,
                    started,
                    highlight,
                )

    def _run(
        self,
        searcher: Any,
        text: str,
        plan: QueryPlan,
        limit: int,
        offset: int,
        sort: str,
        facets: bool,
        docset: set[int] | None,
        started: float,
        highlight: Collection[str],
    ) -> SearchResult:
        sort_field = SORTS[sort]
        ranker = self._ranker(searcher)
        wanted = max(1, offset + limit)
        if sort_field is None and ranker.supports(plan.query):
            scores = ranker.scores(plan.query)
            matched: frozenset[int] | set[int] | dict[int, float] = scores
            if docset is not None:
                matched = docset.intersection(scores)
                scores = {d: scores[d] for d in matched}
            top = self._best(searcher, scores, wanted)
        elif sort_field is None:
            # A query the ranker cannot take (a phrase, `year:2021`): Whoosh's best, and the
            # hits tying with the last of them, to order the ties as above.
            scores = tied_top_scores(searcher, plan.query, wanted, docset)
            top = self._best(searcher, scores, wanted)
            matched = self._docsets(searcher).matching(plan.query)
            if docset is not None:
                matched = matched & docset
        else:
            # Equal dates by title, equal titles by date; the uid settles the rest.
            second = "date_down" if sort_field == "title_key" else "title_key"
            results = searcher.search(
                plan.query,
                limit=wanted,
                sortedby=sorting.MultiFacet([sort_field, second, "uid"]),
                filter=docset,
                terms=False,
            )
            top = results.top_n
            matched = self._docsets(searcher).matching(plan.query)
            if docset is not None:
                matched = matched & docset
        total = len(matched)
        facet_counts = _facet_counts(searcher.reader(), matched) if facets else {}
        hits = []
        uids = searcher.reader().column_reader("uid")
        for rank, (score, docnum) in enumerate(top[offset : offset + limit]):
            highlights: dict[str, str] = {}
            if rank < HIGHLIGHTED_HITS and highlight:  # stored fields cost: only when wanted
                highlights = _highlights(searcher.stored_fields(docnum), plan.marks, highlight)
            hits.append(
                SearchHit(uids[docnum], float(score) if sort_field is None else 0.0, highlights)
            )
        suggestion = None
        if not plan.marks.prefixes and total < FEW_HITS:
            suggestion = self._suggestion(searcher, text, total, docset)
        elif plan.marks.prefixes and total == 0:
            # The word being typed found nothing as a prefix: read it as a whole word.
            suggestion = self._suggestion(searcher, text, total, docset)
        return SearchResult(
            text,
            total,
            _ms(started),
            tuple(hits),
            suggestion,
            plan.message,
            facet_counts,
            plan.marks,
        )

    def _best(self, searcher: Any, scores: dict[int, float], count: int) -> list[tuple[float, int]]:
        """The `count` best (score, docnum) pairs; equal scores newest first (unknown dates
        last), then by title, then by uid, so that the order is the same on every run."""
        if not scores or count <= 0:
            return []
        floor = heapq.nlargest(count, scores.values())[-1]
        near = tolerance(floor)
        # Scores over the last kept; those of several talks alike compare equal when rounded.
        above = [(round(s, 9), d) for d, s in scores.items() if s > floor + near]
        # The talks scoring as the last of the best: every hit of `year:2021`, often.
        level = [d for d, s in scores.items() if floor - near <= s <= floor + near]
        dates = self._dates(searcher)
        wanted = count - len(above)
        if len(level) > wanted:
            chosen = heapq.nsmallest(wanted, level, key=dates.__getitem__)
            last = dates[chosen[-1]]
            # Those of the last date kept, all of them: their titles decide.
            level = [d for d in level if dates[d] <= last]
        reader = searcher.reader()
        titles, uids = reader.column_reader("title_key"), reader.column_reader("uid")

        def order(pair: tuple[float, int]) -> tuple[float, int, bytes, str]:
            docnum = pair[1]
            return (-pair[0], dates[docnum], titles[docnum], uids[docnum])

        best = above + [(floor, d) for d in level]
        best.sort(key=order)
        return [(scores[docnum], docnum) for _score, docnum in best[:count]]

    def _dates(self, searcher: Any) -> list[int]:
        """Every talk's date key (`date_down`: newest first, unknown last), by docnum."""
        if self._date_keys is None or self._date_keys[0] is not searcher:
            keys: list[int] = []
            for subsearcher, offset in searcher.leaf_searchers():
                assert offset == len(keys), "segments are numbered one after the other"
                keys.extend(numeric_column(subsearcher.reader(), "date_down"))
            self._date_keys = (searcher, keys)
        return self._date_keys[1]

    def highlights(self, uid: str, query: str, *, as_you_type: bool = False) -> dict[str, str]:
        """Highlights of one talk for a query (for hits past the first 20, shown lazily)."""
        query = bound_query(query)[0]
        with self._search_lock:
            searcher = self._current_searcher()
            if searcher is None:
                return {}
            plan = self._plan(query, searcher, as_you_type)
            stored = self._stored(searcher, uid)
            return _highlights(stored, plan.marks) if stored else {}

    def _plan(self, query: str, searcher: Any, as_you_type: bool = False) -> QueryPlan:
        assert self._builder is not None
        return self._builder.plan(query, self._terms_reader(searcher), as_you_type=as_you_type)

    def _holds_talks(self, searcher: Any) -> bool:
        return bool(searcher.doc_count())

    def _terms_reader(self, searcher: Any) -> Any:
        """What the query builder reads terms from (call with _search_lock)."""
        return searcher.reader()

    def prepare(self) -> None:
        """Read the default fields' term lists now, which the first fuzzy query would
        otherwise read (call off the GUI thread once the index is open)."""
        with self._search_lock:
            searcher = self._current_searcher()
            if searcher is None or self._builder is None:
                return
            reader = self._terms_reader(searcher)
            for field in DEFAULT_FIELDS:
                self._builder.lexicons_of(reader, field)

    def _stored(self, searcher: Any, uid: str) -> dict[str, Any] | None:
        """The stored fields (title, abstract) of a talk, None when not indexed."""
        stored: dict[str, Any] | None = searcher.document(uid=uid)
        return stored

    def _database_filter(self, talk_filter: TalkFilter) -> set[str] | None:
        """Uids allowed by the parts of the filter the index does not answer for.

        The index answers for the series, the year, has_recording and uids (exactly as the
        database does); every other part (month, speaker, tag, marks, upcoming, has_date and
        any added later) is asked of the database, so that a search never shows a talk that
        the list of the same filter leaves out.
        """
        rest = replace(talk_filter, series=None, year=None, has_recording=None, uids=None)
        if rest == TalkFilter():
            return None
        # The series and year narrow the database's answer (the index applies them too).
        rest = replace(rest, series=talk_filter.series, year=talk_filter.year)
        return set(self.archive.list_uids(rest))

    def _filter_docs(
        self, searcher: Any, talk_filter: TalkFilter | None, allowed: set[str] | None
    ) -> set[int] | None:
        if talk_filter is None:
            return None
        clauses: list[Any] = []
        if talk_filter.series is not None:
            clauses.append(wq.Term("series", talk_filter.series))
        if talk_filter.year is not None:
            clauses.append(wq.NumericRange("year", talk_filter.year, talk_filter.year))
        if talk_filter.has_recording is not None:
            clauses.append(wq.Term("has_recording", "yes" if talk_filter.has_recording else "no"))
        docset: set[int] | None = None
        if clauses:
            combined = clauses[0] if len(clauses) == 1 else wq.And(clauses)
            docset = set(self._docsets(searcher).matching(combined))
        for uids in (allowed, set(talk_filter.uids) if talk_filter.uids is not None else None):
            if uids is None:
                continue
            numbers = self._docnums(searcher)
            wanted = {numbers[u] for u in uids if u in numbers}
            docset = wanted if docset is None else docset & wanted
        return docset

    def _docnums(self, searcher: Any) -> dict[str, int]:
        reader = searcher.reader()
        if self._uid_docnums is None or self._uid_docnums[0] is not reader:
            uids = reader.column_reader("uid")
            mapping = {uids[n]: n for n in reader.all_doc_ids()}
            self._uid_docnums = (reader, mapping)
        return self._uid_docnums[1]

    def _suggestion(
        self, searcher: Any, text: str, total: int, docset: set[int] | None
    ) -> str | None:
        """The query with its unknown words corrected, if that finds more talks."""
        vocabulary = self._words()
        if vocabulary is None or not vocabulary.counts:
            return None

        def talks_with(word: str) -> int:
            stems = word_stems(word)
            return min(
                max(self._doc_frequency(searcher, f, s) for f in DEFAULT_FIELDS) for s in stems
            )

        suggestion = spelling.correct(text, vocabulary, talks_with, few_hits=total < FEW_HITS)
        if suggestion is None or suggestion == text.strip():
            return None
        plan = self._plan(suggestion, searcher)
        if plan.query is None:
            return None
        return suggestion if self._count_matching(searcher, plan.query, docset) > total else None

    def _doc_frequency(self, searcher: Any, field: str, term: str) -> int:
        return int(searcher.reader().doc_frequency(field, term))

    def _count_matching(self, searcher: Any, query: Any, docset: Any) -> int:
        found = self._docsets(searcher).matching(query)
        if docset is not None:
            found = found & docset
        return len(found)

    def _words(self) -> spelling.Vocabulary | None:
        """The archive's words kept beside the current index (reloaded when they change)."""
        path = self._path
        if path is None:
            return None
        stamp = spelling.Vocabulary.stamp(path)
        kept = self._vocabulary
        if kept is None or kept[0] != path or kept[1] != stamp:
            kept = self._vocabulary = (path, stamp, spelling.Vocabulary.load(path))
        return kept[2]

    # ------------------------------------------------------------------ talk pages

    def related(self, uid: str, limit: int = 5) -> list[tuple[str, float]]:
        """The talks most similar to `uid` (more-like-this on its key terms)."""
        with self._search_lock:
            searcher = self._current_searcher()
            if searcher is None:
                return []
            docnum = searcher.document_number(uid=uid)
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            source = f"{stored.get('title', '')}\n{stored.get('abstract', '')}"
            terms = searcher.key_terms_from_text("abstract", source, numterms=12, normalize=True)
            like = wq.Or(
                [wq.Term(f, term, boost=weight) for term, weight in terms for f in DEFAULT_FIELDS]
            )
            results = searcher.search(like, limit=limit, mask={docnum}, terms=False)
            return [(hit["uid"], float(hit.score)) for hit in results if hit["uid"] != uid][:limit]

    def key_terms(self, uid: str, limit: int = 10) -> list[tuple[str, float]]:
        """The talk's most distinctive words with weights (largest first)."""
        with self._search_lock:
            searcher = self._current_searcher()
            stored = None if searcher is None else self._stored(searcher, uid)
            if stored is None:
                return []
            source = f"{stored.get('title', '')}\n{stored.get('abstract', '')}"
            # More than asked for: stop and filler words, numbers and short tokens are left out.
            terms = self._key_terms(searcher, source, 3 * limit + 30)
        surface = _surface_forms(source)
        words = [
            (surface.get(term, term), float(weight))
            for term, weight in terms
            if not is_key_term_noise(term) and not is_key_term_noise(surface.get(term, term))
        ]
        return words[:limit]

    def _key_terms(self, searcher: Any, source: str, count: int) -> list[tuple[str, float]]:
        """The `count` most distinctive terms of `source`, weighted (the first's weight 1)."""
        terms: list[tuple[str, float]] = searcher.key_terms_from_text(
            "abstract", source, numterms=count, normalize=True
        )
        return terms


def _empty(query: str, started: float, message: str | None, facets: bool) -> SearchResult:
    counts: dict[str, dict[str, int]] = {name: {} for name in FACET_NAMES} if facets else {}
    return SearchResult(query, 0, _ms(started), message=message, facets=counts)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def _highlights(
    stored: dict[str, Any], marks: Marks, fields: Collection[str] = HIGHLIGHTED_FIELDS
) -> dict[str, str]:
    result: dict[str, str] = {}
    title = stored.get("title") or ""
    if title and "title" in fields:
        result["title"] = mark_all(title, matched_spans(title, marks))
    abstract = (stored.get("abstract") or "") if "abstract" in fields else ""
    spans = matched_spans(abstract, marks)
    if spans:
        result["abstract"] = fragment(abstract, spans)
    return result


def _facet_counts(reader: Any, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_NAMES}
    column = reader.column_reader("facets")
    for docnum in docnums:
        values = column[docnum]
        if not values:
            continue
        year = values["year"]
        counters["year"][str(year) if year is not None else "unknown"] += 1
        counters["series"][values["series"]] += 1
        counters["speaker"].update(set(values["speaker"]))
        counters["tag"].update(set(values["tag"]))
        counters["has_recording"]["yes" if values["has_recording"] else "no"] += 1
    return {name: dict(counter.most_common()) for name, counter in counters.items()}


def _surface_forms(text: str) -> dict[str, str]:
    """Stem -> the word of `text` it most often comes from (to show words, not stems)."""
    counts: Counter[tuple[str, str]] = Counter()
    for word in words(text):
        stems = word_stems(fold(word))
        if len(stems) == 1:  # not the parts of a compound
            counts[(stems[0], word.lower())] += 1
    surface: dict[str, str] = {}
    for (term, word), _count in counts.most_common():
        surface.setdefault(term, word)
    return surface
