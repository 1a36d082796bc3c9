"""Whoosh's parsed queries run on a tantivy index, and the terms the query builder asks for.

The query text is parsed and expanded by `QueryBuilder` exactly as for the Whoosh index
(the same syntax, analysis, prefixes, fuzzy terms and messages); the expanded query tree is
then translated node by node into tantivy's queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tantivy
from whoosh import query as wq
from whoosh.util.times import datetime_to_long

# Whoosh's field boosts (`field_boost` in the schema), applied here per term. The `text`
# field's 0.3 becomes 0.2: Whoosh also counts its length for less (BM25F's `text_B`), which
# tantivy's BM25 (one `b` for every field) cannot, so its short texts would weigh more.
FIELD_BOOSTS = {"title": 2.0, "speaker": 2.0, "text": 2 / 3}
# Fields indexed with frequencies but no positions.
FREQUENCY_FIELDS = frozenset({"complete"})
NUMERIC_FIELDS = frozenset({"year", "date"})
TEXT_FIELDS = frozenset(
    {"title", "speaker", "abstract", "bio", "extra", "papers", "text", "complete"}
)
RAW_FIELDS = frozenset({"uid", "series", "has_recording", "language", "tag"})


class UntranslatableError(ValueError):
    """A query node tantivy has no counterpart for (the search falls back to its words)."""


def translate(node: Any, schema: Any, whoosh_schema: Any, terms: Any = None) -> Any:
    """The tantivy query of an expanded Whoosh query tree; `terms(field)` gives a field's
    terms, for ranges of words (tantivy has ranges of numbers only)."""
    occur = tantivy.Occur

    def sub(child: Any) -> Any:
        return translate(child, schema, whoosh_schema, terms)

    if isinstance(node, wq.Term):
        field = node.fieldname
        value = _term_value(field, node.text, whoosh_schema)
        option = "freq" if field in FREQUENCY_FIELDS else "position"
        term = tantivy.Query.term_query(schema, field, value, index_option=option)
        if field not in TEXT_FIELDS:  # an id, a number, a tag: every match scores alike
            return tantivy.Query.const_score_query(term, float(node.boost))
        return _boosted(term, node.boost * FIELD_BOOSTS.get(field, 1.0))
    if isinstance(node, wq.Phrase):
        words: list[str | tuple[int, str]] = [
            w.decode("utf-8") if isinstance(w, bytes) else str(w) for w in node.words
        ]
        if len(words) == 1:
            return sub(wq.Term(node.fieldname, words[0], boost=node.boost))
        # Whoosh's `~N` lets N-1 words come between each two words, in order; tantivy's slop
        # counts moves over the whole phrase and lets words swap: the total of the gaps finds
        # every talk Whoosh finds (and may find more where the words come in another order).
        slop = (len(words) - 1) * max(0, int(node.slop) - 1)
        phrase = tantivy.Query.phrase_query(schema, node.fieldname, words, slop=slop)
        return _boosted(phrase, node.boost * FIELD_BOOSTS.get(node.fieldname, 1.0))
    if isinstance(node, wq.AndNot):
        return tantivy.Query.boolean_query(
            [
                (occur.Must, sub(node.a)),
                (occur.MustNot, sub(node.b)),
            ]
        )
    if isinstance(node, wq.AndMaybe):
        return tantivy.Query.boolean_query(
            [
                (occur.Must, sub(node.a)),
                (occur.Should, sub(node.b)),
            ]
        )
    if isinstance(node, wq.Require):
        required = tantivy.Query.const_score_query(sub(node.b), 0.0)
        return tantivy.Query.boolean_query([(occur.Must, sub(node.a)), (occur.Must, required)])
    if isinstance(node, wq.Not):
        return tantivy.Query.boolean_query(
            [
                (occur.Must, tantivy.Query.all_query()),
                (occur.MustNot, sub(node.query)),
            ]
        )
    if isinstance(node, wq.DisjunctionMax):
        parts = [sub(child) for child in node.subqueries]
        return _boosted(
            tantivy.Query.disjunction_max_query(parts, tie_breaker=node.tiebreak), node.boost
        )
    if isinstance(node, (wq.And, wq.Or)):
        kind = occur.Must if isinstance(node, wq.And) else occur.Should
        parts = [(kind, sub(child)) for child in node.subqueries]
        if not parts:
            return tantivy.Query.empty_query()
        return _boosted(tantivy.Query.boolean_query(parts), node.boost)
    if isinstance(node, wq.NumericRange) and node.fieldname in NUMERIC_FIELDS:
        return tantivy.Query.range_query(
            schema,
            node.fieldname,
            tantivy.FieldType.Integer,
            _bound(node.start),
            _bound(node.end),
            include_lower=not node.startexcl,
            include_upper=not node.endexcl,
        )
    if isinstance(node, wq.TermRange) and node.fieldname in TEXT_FIELDS and terms is not None:
        low, high = node.start or "", node.end
        inside = [
            t
            for t in terms(node.fieldname)
            if (t > low or (t == low and not node.startexcl))
            and (high is None or t < high or (t == high and not node.endexcl))
        ]
        if not inside:
            return tantivy.Query.empty_query()
        found = tantivy.Query.term_set_query(schema, node.fieldname, inside)
        return tantivy.Query.const_score_query(found, float(node.boost))
    if isinstance(node, wq.Every):
        field = getattr(node, "fieldname", None)
        if field in TEXT_FIELDS:  # `title:*`: the talks with a title
            return tantivy.Query.const_score_query(
                tantivy.Query.regex_query(schema, field, ".*"), float(node.boost)
            )
        if field in RAW_FIELDS:
            return tantivy.Query.regex_query(schema, field, ".*")
        return tantivy.Query.all_query()
    if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
        return tantivy.Query.empty_query()
    raise UntranslatableError(f"no tantivy query for {type(node).__name__}")


def _term_value(field: str, text: Any, whoosh_schema: Any) -> Any:
    if field in NUMERIC_FIELDS:
        value = whoosh_schema[field].from_bytes(text) if isinstance(text, bytes) else text
        if hasattr(value, "year"):  # a datetime
            return datetime_to_long(value)
        return int(value)
    return text.decode("utf-8") if isinstance(text, bytes) else str(text)


def _bound(value: Any) -> int | None:
    if value is None:
        return None
    return datetime_to_long(value) if hasattr(value, "year") else int(value)


def _boosted(query: Any, boost: float) -> Any:
    return query if boost == 1.0 else tantivy.Query.boost_query(query, float(boost))


class TermsReader:
    """What `QueryBuilder` asks of an index reader (terms, prefixes, document
    frequencies), answered by a tantivy searcher. It poses as a single segment whose id
    changes with every searcher, so that the builder's per-segment term lists follow."""

    def __init__(self, searcher: Any, whoosh_schema: Any, key: str) -> None:
        self.searcher = searcher
        self.schema = whoosh_schema
        self.key = key
        self._frequencies: dict[tuple[str, str], int] = {}

    def leaf_readers(self) -> list[tuple[TermsReader, int]]:
        return [(self, 0)]

    def segment(self) -> TermsReader:
        return self

    def segment_id(self) -> str:
        return self.key

    def lexicon(self, field: str) -> Iterator[bytes]:
        return self.expand_prefix(field, "")

    def lexicon_texts(self, field: str) -> list[str]:
        """Every term of a text field, decoded (what `Lexicon` keeps)."""
        if field in NUMERIC_FIELDS:
            return []
        return [term for term, _frequency in self.searcher.terms_with_prefix(field, "")]

    def expand_prefix(self, field: str, prefix: Any) -> Iterator[bytes]:
        if field in NUMERIC_FIELDS:
            raise UntranslatableError("no prefixes of numbers")
        text = prefix.decode("utf-8") if isinstance(prefix, bytes) else str(prefix)
        for term, frequency in self.searcher.terms_with_prefix(field, text):
            self._frequencies[(field, term)] = frequency
            yield term.encode("utf-8")

    def doc_frequency(self, field: str, term: Any) -> int:
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        known = self._frequencies.get((field, text))
        if known is not None:
            return known
        value = _term_value(field, text, self.schema)
        return int(self.searcher.doc_freq(field, value))
