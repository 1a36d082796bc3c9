"""Relevance ranking from remembered per-term scores (BM25F, as Whoosh scores it).

Whoosh ranks by walking matchers: a Python step per candidate talk per term, on every
keystroke, although one keystroke's query repeats most of the previous one's terms. Here
each term's scores are computed once per searcher from whole posting blocks and kept;
`And`, `Or` and `Not` become dictionary operations and the best hits a heap selection.
A phrase is the terms' talks intersected, positions read for those talks only, and scored
as Whoosh scores it (the sum of its terms' scores). Queries with other parts (ranges,
dates) are left to Whoosh (`supports` says which).

Scores are those of Whoosh's matchers: BM25F per term (`whoosh.scoring.bm25`, the
index's B and K1, field boosts in the weights, query boosts multiplied), summed over the
terms a talk matches (`And`, `Or`, `AndMaybe`), the first part's for `AndNot`.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length
from whoosh.util.numlists import delta_decode

from desktop_app.core.search.cache import SizedCache

Scores = dict[int, float]
CACHED_QUERIES = 128  # terms and combinations whose scores are kept
CACHED_SCORES = 600_000  # scores kept in all (about 50 MB)

_COMPOUND = (wq.Or, wq.AndNot, wq.AndMaybe, wq.DisjunctionMax)


class Ranker:
    """Ranks hits of simple queries on one searcher (not thread-safe: one caller)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self._cache: SizedCache[Scores] = SizedCache(CACHED_QUERIES, CACHED_SCORES)
        self._lengths: dict[tuple[int, str], list[int]] = {}
        self._weighting = searcher.weighting

    def supports(self, query: Any) -> bool:
        """True when every part of the query is a term or a plain boolean combination."""
        if not isinstance(self._weighting, BM25F):
            return False
        return _supported(query, self.searcher.schema)

    def top(
        self, query: Any, limit: int, within: Iterable[int] | None = None
    ) -> list[tuple[float, int]]:
        """The best `limit` (score, docnum) pairs, best first (ties: lower docnum first)."""
        scores = self.scores(query)
        if within is not None:
            allowed = within if isinstance(within, (set, frozenset)) else set(within)
            scores = {d: s for d, s in scores.items() if d in allowed}
        best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], item[0]))
        return [(score, docnum) for docnum, score in best]

    def scores(self, query: Any) -> Scores:
        """Every matching docnum with its score."""
        return self._cache.get(query, lambda: self._compute(query))

    # ------------------------------------------------------------------ parts

    def _compute(self, query: Any) -> Scores:
        if _is_null(query):
            return {}
        boost = getattr(query, "boost", 1.0)
        if isinstance(query, wq.Term):
            scores = self._term(query.fieldname, query.text)
        elif isinstance(query, wq.Phrase):
            scores = self._phrase(query.fieldname, list(query.words), query.slop)
        elif isinstance(query, wq.And):
            scores = self._and(query.subqueries)
        elif isinstance(query, wq.Or):
            scores = _sum_all([self.scores(q) for q in query.subqueries])
        elif isinstance(query, wq.DisjunctionMax):
            scores = _max_all([self.scores(q) for q in query.subqueries], query.tiebreak)
        elif isinstance(query, wq.AndNot):
            unwanted = self.scores(query.b)
            scores = {d: s for d, s in self.scores(query.a).items() if d not in unwanted}
        elif isinstance(query, wq.AndMaybe):
            maybe = self.scores(query.b)
            scores = {d: s + maybe.get(d, 0.0) for d, s in self.scores(query.a).items()}
        else:  # pragma: no cover - `supports` keeps other queries away
            raise TypeError(f"cannot rank {query!r}")
        if boost != 1.0:
            scores = {d: s * boost for d, s in scores.items()}
        return scores

    def _and(self, subqueries: list[Any]) -> Scores:
        wanted = [self.scores(q) for q in subqueries if not isinstance(q, wq.Not)]
        unwanted = [self.scores(q.query) for q in subqueries if isinstance(q, wq.Not)]
        if not wanted:
            return {}
        wanted.sort(key=len)
        docs = set(wanted[0])
        for scores in wanted[1:]:
            docs.intersection_update(scores.keys())
        for scores in unwanted:
            docs.difference_update(scores.keys())
        return {d: sum(scores[d] for scores in wanted) for d in docs}

    def _phrase(self, field: str, words: list[str], slop: int) -> Scores:
        """Talks holding the words in order, each within `slop` positions of the last."""
        parts = [self.scores(wq.Term(field, word)) for word in words]
        if not parts or not all(parts):
            return {}
        smallest: Scores = min(parts, key=len)
        candidates = set(smallest)
        for part in parts:
            candidates.intersection_update(part.keys())
        if len(words) > 1 and candidates:
            found = [self._positions(field, word, candidates) for word in words]
            candidates = {d for d in candidates if _in_order([f[d] for f in found], slop)}
        return {d: sum(part[d] for part in parts) for d in candidates}

    def _positions(self, field: str, word: str, wanted: set[int]) -> dict[int, list[int]]:
        """The positions of a term in the `wanted` talks (read for those only)."""
        top = self.searcher
        btext = top.schema[field].to_bytes(word)
        decode = _positions_decoder(top.schema[field].format)
        found: dict[int, list[int]] = {}
        for subsearcher, offset in top.leaf_searchers():
            reader = subsearcher.reader()
            if (field, btext) not in reader:
                continue
            matcher = reader.postings(field, btext)
            if isinstance(matcher, FilterMatcher):  # deleted talks are not wanted anyway
                matcher = matcher.child
            if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
                while matcher.is_active():
                    if matcher._data is None:
                        matcher._read_data()
                    ids = delta_decode(matcher._data[0])
                    values = None
                    for i, docnum in enumerate(ids):
                        if offset + docnum in wanted:
                            if values is None:
                                matcher._read_values()
                                values = matcher._values
                            found[offset + docnum] = decode(values[i])
                    matcher._next_block()
                continue
            while matcher.is_active():
                if offset + matcher.id() in wanted:
                    found[offset + matcher.id()] = matcher.value_as("positions")
                matcher.next()
        return found

    def _term(self, field: str, text: Any) -> Scores:
        """BM25F scores of one term in every talk holding it."""
        top = self.searcher
        schema_field = top.schema[field]
        if not schema_field.scorable:
            raise TypeError(f"field {field!r} has no lengths to rank by")
        btext = schema_field.to_bytes(text) if isinstance(text, str) else text
        idf = top.idf(field, text)
        average = top.avg_field_length(field) or 1
        weighting = self._weighting
        b = weighting._field_B.get(field, weighting.B)
        k1 = weighting.K1
        # bm25(idf, w, length, average, b, k1), with the constant parts taken out
        scale, fixed, per_length = idf * (k1 + 1), k1 * (1 - b), k1 * b / average
        scores: Scores = {}
        for subsearcher, offset in top.leaf_searchers():
            reader = subsearcher.reader()
            if (field, btext) not in reader:
                continue
            matcher = reader.postings(field, btext)
            deleted: frozenset[int] = frozenset()
            if isinstance(matcher, FilterMatcher):  # the segment has deleted talks
                matcher, deleted = matcher.child, frozenset(matcher._ids)
            lengths = self._field_lengths(subsearcher, reader, field)
            scores.update(
                (offset + d, scale * w / (w + fixed + per_length * lengths[d]))
                for d, w in _postings(matcher)
                if d not in deleted
            )
        return scores

    def _field_lengths(self, subsearcher: Any, reader: Any, field: str) -> list[int]:
        key = (id(reader), field)
        lengths = self._lengths.get(key)
        if lengths is None:
            lengths = self._lengths[key] = _read_lengths(subsearcher, reader, field)
        return lengths


_LENGTH_OF_BYTE = [byte_to_length(i) if i else 1 for i in range(256)]


def _read_lengths(subsearcher: Any, reader: Any, field: str) -> list[int]:
    """A segment's field length of every talk, as `doc_field_length` gives them."""
    count = reader.doc_count_all()
    try:  # the lengths column's bytes at once (one byte per talk)
        column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        stored = column._dbfile.get(column._basepos, column._count)
        lengths = [_LENGTH_OF_BYTE[byte] for byte in stored]
        return lengths + [1] * (count - len(lengths))
    except AttributeError:  # another codec: talk by talk
        return [subsearcher.doc_field_length(d, field, 1) for d in range(count)]


def _postings(matcher: Any) -> Iterable[tuple[int, float]]:
    """(docnum, weight) of every posting, a whole block at a time where Whoosh allows it."""
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids = delta_decode(matcher._data[0])
            if matcher._weights is None:
                matcher._read_weights()
            yield from zip(ids, matcher._weights, strict=True)
            matcher._next_block()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


def _positions_decoder(field_format: Any) -> Callable[[bytes], list[int]]:
    """Positions from a posting's value: Whoosh's `Positions` format read without its
    per-position Python loop (a pickled list of gaps after the frequency)."""
    if type(field_format) is not Positions:
        return field_format.decoder("positions")  # type: ignore[no-any-return]

    def decode(value: bytes) -> list[int]:
        gaps = loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")
        return list(accumulate(gaps))

    return decode


def _in_order(positions: list[list[int]], slop: int) -> bool:
    """True when each word follows the one before within 1..slop positions."""
    reached = set(positions[0])
    for following in positions[1:]:
        if slop == 1:
            reached = reached.intersection(p - 1 for p in following)
            reached = {p + 1 for p in reached}
        else:
            reached = {p for p in following if any(0 < p - q <= slop for q in reached)}
        if not reached:
            return False
    return True


def _sum_all(parts: list[Scores]) -> Scores:
    if not parts:
        return {}
    parts.sort(key=len, reverse=True)
    total = dict(parts[0])
    for scores in parts[1:]:
        for docnum, score in scores.items():
            total[docnum] = total.get(docnum, 0.0) + score
    return total


def _max_all(parts: list[Scores], tiebreak: float) -> Scores:
    best: Scores = {}
    total: Scores = {}
    for scores in parts:
        for docnum, score in scores.items():
            if score > best.get(docnum, float("-inf")):
                best[docnum] = score
            total[docnum] = total.get(docnum, 0.0) + score
    if not tiebreak:
        return best
    return {d: s + tiebreak * (total[d] - s) for d, s in best.items()}


def _is_null(query: Any) -> bool:
    return query is wq.NullQuery or isinstance(query, type(wq.NullQuery))


def _supported(query: Any, schema: Any) -> bool:
    if _is_null(query):
        return True
    if isinstance(query, wq.Term):
        field = query.fieldname
        return field in schema and schema[field].scorable
    if isinstance(query, wq.Phrase):
        field = query.fieldname
        return (
            field in schema
            and schema[field].scorable
            and schema[field].format.supports("positions")
            and all(isinstance(w, str) for w in query.words)
        )
    if isinstance(query, wq.Or) and (query.minmatch or query.scale):
        return False
    if isinstance(query, wq.And):
        return all(
            _supported(q.query if isinstance(q, wq.Not) else q, schema) for q in query.subqueries
        )
    if isinstance(query, _COMPOUND):
        return all(_supported(q, schema) for q in query.children())
    return False
