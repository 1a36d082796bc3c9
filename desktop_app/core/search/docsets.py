"""The set of talks a query matches, counted with set algebra over remembered term sets.

Counting hits by walking a Whoosh matcher costs a Python step per matching talk on every
keystroke. Typing repeats most terms from one keystroke to the next, so the talks of each
term are kept as a set (for one searcher) and `And`/`Or`/`Not` become set operations.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from desktop_app.core.search.cache import SizedCache

CACHED_QUERIES = 256  # queries whose talks are kept
CACHED_DOCS = 1_000_000  # talk numbers kept in all (about 40 MB)


class DocSets:
    """Document numbers matched by queries on one searcher (not thread-safe: one caller)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self._cache: SizedCache[frozenset[int]] = SizedCache(CACHED_QUERIES, CACHED_DOCS)
        self._all: frozenset[int] | None = None

    def matching(self, query: Any) -> frozenset[int]:
        """The document numbers `query` matches (the same as `docs_for_query`)."""
        if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
            return frozenset()
        if isinstance(query, wq.And):
            return self._and(query.subqueries)
        if isinstance(query, (wq.Or, wq.DisjunctionMax)) and not getattr(query, "minmatch", 0):
            return frozenset().union(*(self.matching(q) for q in query.subqueries))
        if isinstance(query, wq.AndNot):
            return self.matching(query.a) - self.matching(query.b)
        if isinstance(query, wq.AndMaybe):
            return self.matching(query.a)
        if isinstance(query, wq.Not):
            return self.everything() - self.matching(query.query)
        return self._leaf(query)

    def everything(self) -> frozenset[int]:
        """Every live document."""
        if self._all is None:
            self._all = frozenset(self.searcher.reader().all_doc_ids())
        return self._all

    def _and(self, subqueries: list[Any]) -> frozenset[int]:
        wanted = [q for q in subqueries if not isinstance(q, wq.Not)]
        unwanted = [q.query for q in subqueries if isinstance(q, wq.Not)]
        sets = sorted((self.matching(q) for q in wanted), key=len)
        result = sets[0].intersection(*sets[1:]) if sets else self.everything()
        for query in unwanted:
            if not result:
                break
            result = result - self.matching(query)
        return result

    def _leaf(self, query: Any) -> frozenset[int]:
        return self._cache.get(query, lambda: frozenset(self.searcher.docs_for_query(query)))
