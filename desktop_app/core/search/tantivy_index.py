"""The search index written with tantivy (a Rust library): `SearchIndex`'s interface, the same
analysis, queries, filters, order of ties, highlights and suggestions, built and searched
in native code.

Text fields hold the terms of this package's own analyzers (stems, folded variants, TeX
symbols, completion prefixes), given to tantivy already analysed: a field's terms joined by
spaces for a whitespace tokenizer, or as tokens with positions when a position holds two
terms (a TeX command's name and symbol).
"""

from __future__ import annotations

import heapq
import logging
import time
from collections import Counter
from collections.abc import Collection, Iterable
from math import log2
from pathlib import Path
from typing import Any

import tantivy
from whoosh.util.times import datetime_to_long

from desktop_app.core.errors import ArchiveBusyError
from desktop_app.core.records import TalkData, TalkFilter
from desktop_app.core.search import spelling
from desktop_app.core.search.analysis import completion_analyzer, text_analyzer
from desktop_app.core.search.index import (
    HIGHLIGHTED_HITS,
    SORTS,
    WRITE_TIMEOUT,
    Progress,
    SearchIndex,
    _highlights,
    _ms,
)
from desktop_app.core.search.queries import QueryBuilder, QueryPlan
from desktop_app.core.search.results import FACET_NAMES, SearchHit, SearchResult
from desktop_app.core.search.schema import (
    DEFAULT_BOOSTS,
    DEFAULT_FIELDS,
    UNKNOWN_KEY,
    build_schema,
    talk_document,
)
from desktop_app.core.search.tantivy_query import FIELD_BOOSTS, TermsReader, translate
from desktop_app.core.search.ties import tolerance

log = logging.getLogger("desktop_app.core.search")

ENGINE = str(getattr(tantivy, "__version__", "tantivy"))  # "tantivy v0.27.0, index_format v7"
SCHEMA_VERSION = 1  # of the tantivy index's fields; an index of another version is rebuilt
TERMS_TOKENIZER = "terms"  # the analysed terms, split at spaces
POSITION_FIELDS = ("title", "speaker", "abstract", "bio", "extra", "papers", "text")
BUILD_HEAP = 256_000_000  # bytes of tantivy's indexing buffer for a rebuild
UPDATE_HEAP = 32_000_000
TIED_FETCH_LIMIT = 200_000  # at most this many tied hits are read to order them


def tantivy_schema() -> Any:
    """The tantivy fields: analysed text, raw ids, numbers, and the stored originals."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("uid", stored=True, tokenizer_name="raw")
    for field in POSITION_FIELDS:
        builder.add_text_field(field, tokenizer_name=TERMS_TOKENIZER, index_option="position")
    builder.add_text_field("complete", tokenizer_name=TERMS_TOKENIZER, index_option="freq")
    for field in ("series", "has_recording", "language", "tag"):
        builder.add_text_field(field, tokenizer_name="raw", fast=True, index_option="basic")
    # As written, for the facet counts.
    builder.add_text_field("tag_name", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field("speaker_name", tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True)
    builder.add_integer_field("date_up", fast=True)
    builder.add_integer_field("date_down", fast=True)
    builder.add_text_field("title_key", stored=True, tokenizer_name="raw", fast=True)
    builder.add_bytes_field("title_text", stored=True)
    builder.add_bytes_field("abstract_text", stored=True)
    builder.add_bytes_field("digest", stored=True)
    return builder.build()


def _with_tokenizer(ix: Any) -> Any:
    ix.register_tokenizer(
        TERMS_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    )
    return ix


class DocumentMaker:
    """Talks to tantivy documents (one per process: the analyzers remember words)."""

    def __init__(self, keep_terms: bool = False) -> None:
        self.text = text_analyzer()
        self.completion = completion_analyzer()
        # The terms of the documents made, by field (for the kept term lists of fuzzy terms).
        self.terms: dict[str, set[str]] | None = {} if keep_terms else None

    def document(self, talk: TalkData) -> tuple[Any, tuple[str, str]]:
        """The talk's document, and the texts whose words the spelling counts take."""
        values = talk_document(talk)
        doc = tantivy.Document()
        doc.add_text("uid", talk.uid)
        for field in POSITION_FIELDS:
            value = values.get(field)
            if value:
                self._add_terms(doc, field, value)
        prefixes = self.completion.prefix_counts(values["complete"])
        if prefixes:
            doc.add_text("complete", " ".join(prefixes.elements()))
        doc.add_text("series", talk.series)
        doc.add_text("has_recording", values["has_recording"])
        if values.get("language"):
            doc.add_text("language", values["language"])
        for tag in talk.tags:
            doc.add_text("tag", tag.lower())
            doc.add_text("tag_name", tag)
        for speaker in talk.speakers:
            doc.add_text("speaker_name", speaker.name)
        if talk.start is not None:
            doc.add_integer("year", talk.start.year)
            doc.add_integer("date", datetime_to_long(values["date"]))
        doc.add_integer("date_up", values.get("date_up", UNKNOWN_KEY))
        doc.add_integer("date_down", values.get("date_down", UNKNOWN_KEY))
        doc.add_text("title_key", values["title_key"].decode("utf-8"))
        doc.add_bytes("title_text", values["title"].encode("utf-8"))
        doc.add_bytes("abstract_text", values["abstract"].encode("utf-8"))
        doc.add_bytes("digest", values["digest"])
        if self.terms is not None:
            raw = {"uid": talk.uid, "series": talk.series, "language": values.get("language")}
            for field, value in raw.items():
                if value:
                    self.terms.setdefault(field, set()).add(value)
            self.terms.setdefault("tag", set()).update(t.lower() for t in talk.tags)
        return doc, (values["text"], values["abstract"])

    def _add_terms(self, doc: Any, field: str, value: str) -> None:
        sequence = self.text.term_sequence(value)
        if not sequence:
            return
        if self.terms is not None:
            self.terms.setdefault(field, set()).update(t for group in sequence for t in group)
        if all(len(group) == 1 for group in sequence):
            doc.add_text(field, " ".join(group[0] for group in sequence))
            return
        tokens = [
            tantivy.Token(term, position, 0, 0)
            for position, group in enumerate(sequence)
            for term in group
        ]
        doc.add_pre_tokenized_text(field, tantivy.PreTokenizedString("", tokens))


class TantivyIndex(SearchIndex):
    """`SearchIndex` on tantivy: chosen in Preferences, Whoosh being the default."""

    engine_name = "tantivy"
    engine = ENGINE
    schema_version = SCHEMA_VERSION

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schema = tantivy_schema()
        self._whoosh_schema = build_schema()  # the query parser's view of the fields
        self._builder = QueryBuilder(self._whoosh_schema)
        self._reader: TermsReader | None = None
        self._meta_stamp: tuple[int, int] | None = None
        self._own_stamp: tuple[int, int] | None = None  # meta.json after our last commit
        self._foreign_commits = 0

    # ------------------------------------------------------------------ files

    def _open_engine_index(self, path: Path) -> Any:
        return _with_tokenizer(tantivy.Index.open(str(path)))

    def _create(self, path: Path) -> Any:
        return _with_tokenizer(tantivy.Index(self._schema, path=str(path), reuse=False))

    def _doc_count(self) -> int:
        self._ix.reload()
        return int(self._ix.searcher().num_docs)

    def _tantivy_writer(self, ix: Any, heap: int, threads: int) -> Any:
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            try:
                return ix.writer(heap_size=heap, num_threads=threads)
            except ValueError as error:
                if "LockBusy" not in str(error):  # not another writer: a missing folder…
                    raise
                if time.monotonic() >= deadline:  # another process holds the writer lock
                    raise ArchiveBusyError(
                        "the search index is busy: another Seminar Archive is writing to it",
                        "Try again when it has finished.",
                    ) from error
                time.sleep(0.1)

    # ------------------------------------------------------------------ writing

    def catch_up(self, progress: Progress | None = None) -> None:
        """As `SearchIndex.catch_up`, after following a rebuild another process made current
        (its folder replaced this one, which may be gone)."""
        with self._write_lock:
            if self._path is not None and self.folder.current() != self._path:
                log.info("the search index was rebuilt by another process; opening it")
                self._ix = self._path = self._generation = None
                self._load()
        super().catch_up(progress)

    def _update(
        self,
        talks: Iterable[TalkData],
        total: int,
        deleted: list[str],
        generation: int,
        progress: Progress | None = None,
    ) -> None:
        assert self._path is not None
        writer = self._tantivy_writer(self._ix, UPDATE_HEAP, 1)
        maker = DocumentMaker(keep_terms=True)
        counts = _write_all(writer, maker, talks, total, progress, 100, deleted)
        assert maker.terms is not None and self._builder is not None
        with self._search_lock:  # the next fuzzy term knows the new words at once
            self._own_stamp = self._stamp(self._path)
            self._builder.learn_terms(self._terms_key(), maker.terms)
        spelling.write_counts(self._path, counts, append=True)
        self._write_state(self._path, generation)
        self._generation = generation
        log.debug("index updated: %d changed, %d deleted", total, len(deleted))

    def _build(self, path: Path, total: int, progress: Progress | None, procs: int | None) -> Any:
        if progress is not None:
            progress(0, total)
        ix = self._create(path)
        writer = self._tantivy_writer(ix, BUILD_HEAP, max(1, procs or 2))
        counts = _write_all(
            writer, DocumentMaker(), self.archive.iter_talks(), total, progress, 200
        )
        spelling.write_counts(path, counts)
        return ix

    def _indexed_digests(self, ix: Any) -> dict[str, bytes]:
        ix.reload()
        searcher = ix.searcher()
        indexed: dict[str, bytes] = {}
        if searcher.num_docs:
            everything = searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False)
            for _score, address in everything.hits:
                doc = searcher.doc(address)
                indexed[doc.get_first("uid")] = bytes(doc.get_first("digest"))
        return indexed

    # ------------------------------------------------------------------ searching

    def close(self) -> None:
        with self._search_lock:
            self._searcher = None
        super().close()

    def _current_searcher(self) -> Any:
        """The searcher of the last commit (of this process or another)."""
        ix, path = self._ix, self._path
        if ix is None or path is None:
            return None
        stamp = self._stamp(path)
        if self._searcher is None or self._searcher_ix is not ix or stamp != self._meta_stamp:
            if self._searcher_ix is ix and stamp != self._own_stamp:
                self._foreign_commits += 1  # its new words are not in the kept term lists
            try:
                ix.reload()
            except ValueError as error:
                # The folder is gone (replaced by a rebuild of another process): the files
                # the searcher holds stay readable until the next catch-up reloads.
                log.warning("the search index in %s cannot be reloaded: %s", path, error)
                if self._searcher is not None and self._searcher_ix is ix:
                    return self._searcher
            self._searcher, self._searcher_ix, self._meta_stamp = ix.searcher(), ix, stamp
            self._reader = TermsReader(self._searcher, self._whoosh_schema, self._terms_key())
        return self._searcher

    def _terms_key(self) -> str:
        """The id under which the query builder keeps this index's term lists: they are
        read once per index folder, and this process's updates add their documents' terms;
        a commit of another process makes them read again."""
        return f"{id(self)}:{self._path}:{self._foreign_commits}"

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int] | None:
        """When and how the index's last commit was written (its `meta.json`)."""
        try:
            meta = (path / "meta.json").stat()
        except OSError:
            return None
        return (meta.st_mtime_ns, meta.st_size)

    def _holds_talks(self, searcher: Any) -> bool:
        return bool(searcher.num_docs)

    def _terms_reader(self, searcher: Any) -> Any:
        return self._reader

    def _query(self, plan_query: Any, docset: Any) -> Any:
        reader = self._reader
        terms = reader.lexicon_texts if reader is not None else None
        query = translate(plan_query, self._schema, self._whoosh_schema, terms)
        if docset is None:
            return query
        # The filter narrows without scoring.
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, query),
                (tantivy.Occur.Must, tantivy.Query.const_score_query(docset, 0.0)),
            ]
        )

    def _filter_docs(
        self, searcher: Any, talk_filter: TalkFilter | None, allowed: set[str] | None
    ) -> Any:
        """The filter as a tantivy query; an empty set when nothing can pass; None: all."""
        if talk_filter is None:
            return None
        schema, clauses = self._schema, []
        if talk_filter.series is not None:
            clauses.append(tantivy.Query.term_query(schema, "series", talk_filter.series))
        if talk_filter.year is not None:
            clauses.append(tantivy.Query.term_query(schema, "year", talk_filter.year))
        if talk_filter.has_recording is not None:
            answer = "yes" if talk_filter.has_recording else "no"
            clauses.append(tantivy.Query.term_query(schema, "has_recording", answer))
        for uids in (allowed, talk_filter.uids):
            if uids is None:
                continue
            if not uids:
                return set()
            clauses.append(tantivy.Query.term_set_query(schema, "uid", sorted(uids)))
        if not clauses:
            return None
        if len(clauses) == 1:
            return clauses[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])

    def _run(
        self,
        searcher: Any,
        text: str,
        plan: QueryPlan,
        limit: int,
        offset: int,
        sort: str,
        facets: bool,
        docset: Any,
        started: float,
        highlight: Collection[str],
    ) -> SearchResult:
        query = self._query(plan.query, docset)
        # tantivy makes room for every hit asked for: never more than the index holds.
        wanted = max(1, min(offset + limit, searcher.num_docs))
        sort_field = SORTS[sort]
        if sort_field is None:
            total, top = self._top(searcher, query, wanted)
        else:
            total, top = self._sorted(searcher, query, wanted, sort_field)
        hits = []
        for rank, (score, address) in enumerate(top[offset : offset + limit]):
            doc = searcher.doc(address)
            highlights: dict[str, str] = {}
            if rank < HIGHLIGHTED_HITS and highlight:
                highlights = _highlights(_stored_texts(doc), plan.marks, highlight)
            hits.append(SearchHit(doc.get_first("uid"), float(score), highlights))
        suggestion = None
        if (not plan.marks.prefixes and total < 3) or (plan.marks.prefixes and total == 0):
            suggestion = self._suggestion(searcher, text, total, docset)
        facet_counts = self._facets(searcher, query, total) if facets else {}
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

    def _top(self, searcher: Any, query: Any, count: int) -> tuple[int, list[tuple[float, Any]]]:
        """The number of hits and the `count` best; equal scores newest first (unknown
        dates last), then by title, then by uid, as the Whoosh index orders them."""
        found = searcher.search(query, count, count=True)
        total, hits = found.count, list(found.hits)
        if not hits:
            return total, []
        floor = hits[-1][0]
        near = tolerance(floor)
        # Read on while the hits still tie with the last kept: they compete for its place.
        while len(hits) < min(total, TIED_FETCH_LIMIT) and hits[-1][0] >= floor - near:
            more = min(total, len(hits) * 4, TIED_FETCH_LIMIT)
            hits = list(searcher.search(query, more, count=False).hits)
        candidates = [(s, a) for s, a in hits if s >= floor - near]
        dates = searcher.fast_field_values("date_down", [a for _s, a in candidates])
        keyed = sorted(
            (-(floor if abs(s - floor) <= near else s), date, number)
            for number, ((s, _a), date) in enumerate(zip(candidates, dates, strict=True))
        )
        if len(keyed) > count:
            last = keyed[count - 1][:2]
            keyed = [k for k in keyed if k[:2] <= last]  # all of the last (score, date)
        # Equal score and date: by title, then uid (read only for those).
        groups = Counter(k[:2] for k in keyed)

        def order(key: tuple[float, int, int]) -> tuple[float, int, str, str]:
            if groups[key[:2]] == 1:
                return (key[0], key[1], "", "")
            doc = searcher.doc(candidates[key[2]][1])
            return (key[0], key[1], doc.get_first("title_key") or "", doc.get_first("uid"))

        keyed.sort(key=order)
        return total, [candidates[number] for _score, _date, number in keyed[:count]]

    def _sorted(
        self, searcher: Any, query: Any, count: int, field: str
    ) -> tuple[int, list[tuple[float, Any]]]:
        """The number of hits and the first `count` by `field`; equal dates by title, equal
        titles by date (newest first), then by uid, as the Whoosh index orders them."""
        ascending = tantivy.Order.Asc
        found = searcher.search(query, count, count=True, order_by_field=field, order=ascending)
        total, hits = found.count, list(found.hits)
        if not hits:
            return total, []
        last = hits[-1][0]
        # Read on while the hits still equal the last kept: they compete for its place.
        while len(hits) < min(total, TIED_FETCH_LIMIT) and hits[-1][0] == last:
            more = min(total, len(hits) * 4, TIED_FETCH_LIMIT)
            again = searcher.search(query, more, count=False, order_by_field=field, order=ascending)
            hits = list(again.hits)
        hits = [(value, address) for value, address in hits if value <= last]
        groups = Counter(value for value, _address in hits)

        def order(pair: tuple[Any, Any]) -> tuple[Any, Any, str]:
            value, address = pair
            if groups[value] == 1:
                return (value, 0, "")
            doc = searcher.doc(address)
            if field == "title_key":
                (date,) = searcher.fast_field_values("date_down", [address])
                return (value, date, doc.get_first("uid"))
            return (value, doc.get_first("title_key") or "", doc.get_first("uid"))

        hits.sort(key=order)
        return total, [(0.0, address) for _value, address in hits[:count]]

    def _facets(self, searcher: Any, query: Any, total: int) -> dict[str, dict[str, int]]:
        fields = {
            "year": "year",
            "series": "series",
            "speaker": "speaker_name",
            "tag": "tag_name",
            "has_recording": "has_recording",
        }
        aggregation = {
            name: {"terms": {"field": field, "size": 100_000}} for name, field in fields.items()
        }
        found = searcher.aggregate(query, aggregation) if total else {}
        counts: dict[str, dict[str, int]] = {}
        for name in FACET_NAMES:
            buckets = found.get(name, {}).get("buckets", [])
            counts[name] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
        dated = sum(counts["year"].values())
        if total > dated:
            counts["year"]["unknown"] = total - dated
        return {name: dict(Counter(c).most_common()) for name, c in counts.items()}

    def _stored(self, searcher: Any, uid: str) -> dict[str, Any] | None:
        address = self._address(searcher, uid)
        return None if address is None else _stored_texts(searcher.doc(address))

    def _address(self, searcher: Any, uid: str) -> Any:
        query = tantivy.Query.term_query(self._schema, "uid", uid)
        hits = searcher.search(query, 1, count=False).hits
        return hits[0][1] if hits else None

    def _doc_frequency(self, searcher: Any, field: str, term: str) -> int:
        return int(searcher.doc_freq(field, term))

    def _count_matching(self, searcher: Any, query: Any, docset: Any) -> int:
        return int(searcher.search(self._query(query, docset), 1, count=True).count)

    # ------------------------------------------------------------------ talk pages

    def related(self, uid: str, limit: int = 5) -> list[tuple[str, float]]:
        with self._search_lock:
            searcher = self._current_searcher()
            stored = None if searcher is None else self._stored(searcher, uid)
            if stored is None:
                return []
            terms = self._key_terms(searcher, f"{stored['title']}\n{stored['abstract']}", 12)
            clauses = [
                (
                    tantivy.Occur.Should,
                    translate_term(self._schema, field, term, weight),
                )
                for term, weight in terms
                for field in DEFAULT_FIELDS
            ]
            if not clauses:
                return []
            clauses.append(
                (tantivy.Occur.MustNot, tantivy.Query.term_query(self._schema, "uid", uid))
            )
            found = searcher.search(tantivy.Query.boolean_query(clauses), limit, count=False)
            return [
                (searcher.doc(address).get_first("uid"), float(score))
                for score, address in found.hits
            ]

    def _key_terms(self, searcher: Any, source: str, count: int) -> list[tuple[str, float]]:
        """The most distinctive terms of `source` against the abstracts (Whoosh's Bo1
        model, with document frequencies for collection frequencies), the first's weight 1."""
        frequencies = {
            term: len(places) for term, places in text_analyzer().term_positions(source).items()
        }
        documents = max(1, searcher.num_docs)
        weights = []
        for term, frequency in frequencies.items():
            talks = searcher.doc_freq("abstract", term)
            if talks:
                share = talks / documents
                weights.append((frequency * log2((1.0 + share) / share) + log2(1.0 + share), term))
        best = heapq.nlargest(count, weights)
        if not best:
            return []
        top = best[0][0] or 1.0
        return [(term, weight / top) for weight, term in best]


def _write_all(
    writer: Any,
    maker: DocumentMaker,
    talks: Iterable[TalkData],
    total: int,
    progress: Progress | None,
    every: int,
    deleted: Iterable[str] | None = None,
) -> Counter[str]:
    """Index the talks (replacing their documents when `deleted` is given, and removing the
    `deleted` talks) and commit, all or nothing; returns the words of their texts."""
    counts: Counter[str] = Counter()
    try:
        for uid in deleted or ():
            writer.delete_documents_by_term("uid", uid)
        for done, talk in enumerate(talks, start=1):
            if deleted is not None:
                writer.delete_documents_by_term("uid", talk.uid)
            document, texts = maker.document(talk)
            counts.update(spelling.talk_words(texts))
            writer.add_document(document)
            if progress is not None and (done % every == 0 or done == total):
                progress(done, total)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.wait_merging_threads()
    return counts


def translate_term(schema: Any, field: str, term: str, boost: float) -> Any:
    """A term of a default field with its boost (more-like-this)."""
    query = tantivy.Query.term_query(schema, field, term)
    factor = boost * DEFAULT_BOOSTS.get(field, 1.0) * FIELD_BOOSTS.get(field, 1.0)
    return tantivy.Query.boost_query(query, float(factor))


def _stored_texts(doc: Any) -> dict[str, Any]:
    title, abstract = doc.get_first("title_text"), doc.get_first("abstract_text")
    return {
        "uid": doc.get_first("uid"),
        "title": bytes(title).decode("utf-8") if title else "",
        "abstract": bytes(abstract).decode("utf-8") if abstract else "",
    }
