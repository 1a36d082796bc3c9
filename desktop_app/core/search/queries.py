"""From the text a user typed to a Whoosh query, never raising on malformed input."""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from whoosh import qparser
from whoosh import query as wq

from desktop_app.core.search.analysis import MAX_PREFIX, MIN_PREFIX, fold, word_stems, words
from desktop_app.core.search.highlight import Marks
from desktop_app.core.search.schema import (
    DEFAULT_BOOSTS,
    DEFAULT_FIELDS,
    FIELD_ALIASES,
    USER_FIELDS,
)

# How far one prefix, wildcard or fuzzy term may expand: the most frequent terms win.
MAX_EXPANSION = 32
MAX_SCANNED_TERMS = 20000
TEXT_FIELDS = frozenset({"text", "title", "speaker", "abstract", "bio", "extra", "papers"})
HIGHLIGHT_FIELDS = frozenset({"text", "title", "abstract"})
UNPARSED = "the query could not be parsed; searched for the words instead"
NO_WORDS = "the query has no words to search for"
SHORT_PREFIX = f"prefixes need at least {MIN_PREFIX} characters; the short ones were left out"
# The word being typed: word characters at the very end, after a space or the start.
_LAST_WORD = re.compile(r"(?:^|(?<=\s))(\w+)$")
_FIELD_NAME = re.compile(r"\w+:")
_SYNTAX_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


@dataclass(frozen=True)
class QueryPlan:
    """A query ready to run: `query` None means nothing to search for."""

    query: Any
    marks: Marks
    message: str | None = None
    parsed: Any = None  # the parsed query before expansion (for "did you mean")


class QueryBuilder:
    """Parses queries against one schema (parser objects are reused between keystrokes)."""

    def __init__(self, schema: Any) -> None:
        self.schema = schema
        parser = qparser.QueryParser(None, schema, group=qparser.AndGroup)
        parser.add_plugin(qparser.MultifieldPlugin(list(DEFAULT_FIELDS), DEFAULT_BOOSTS))
        parser.add_plugin(qparser.FuzzyTermPlugin())
        aliases: dict[str, list[str]] = {}
        for alias, name in FIELD_ALIASES.items():
            aliases.setdefault(name, []).append(alias)
        parser.add_plugin(qparser.FieldAliasPlugin(aliases))
        self.parser = parser
        self.analyzer = schema["text"].analyzer
        # (segment id, field) → the segment's terms: a segment never changes its terms, so a
        # commit (a new reader) reads only the new segments' terms.
        self._lexicons: dict[tuple[str, str], Lexicon] = {}

    def learn_terms(self, segment_id: str, terms: dict[str, set[str]]) -> None:
        """Add `terms` (by field) to the term lists kept for `segment_id` (an index whose
        segments are not seen one by one, and whose added documents' terms are known)."""
        for (segment, field), lexicon in self._lexicons.items():
            if segment == segment_id and terms.get(field):
                lexicon.add(terms[field])

    def plan(self, text: str, reader: Any, *, as_you_type: bool = False) -> QueryPlan:
        """The query for `text`; malformed input falls back to its plain words."""
        typed: str | None = None
        head = text
        if as_you_type:
            found = _LAST_WORD.search(text)
            if found and found.group(1) not in _SYNTAX_WORDS:
                typed = fold(found.group(1))
                head = text[: found.start(1)]
        messages: list[str] = []
        parsed = self._parse(head, messages) if head.strip() else None
        query = None if parsed is None else self._expand(parsed, reader, messages)
        prefixes: tuple[str, ...] = ()
        if typed is not None and len(typed) >= MIN_PREFIX:
            prefix = typed[:MAX_PREFIX]
            prefixes = (typed,)
            parts = word_stems(typed)
            whole: list[Any] = _default_terms(parts[0])
            if len(parts) > 1:  # a joined compound: each of its parts
                whole = [wq.And([wq.Or(_default_terms(part)) for part in parts])]
            last = wq.Or([wq.Term("complete", prefix), *whole])
            query = last if query is None else wq.And([query, last])
        if query is not None:
            query = query.normalize()
            if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
                query = None
        if query is None and not messages and typed is None:
            messages.append(NO_WORDS)
        stems = frozenset(
            _text(t)
            for field, t in (_terms(query) if query is not None else ())
            if field in HIGHLIGHT_FIELDS
        )
        return QueryPlan(query, Marks(stems, prefixes), "; ".join(messages) or None, parsed)

    def _parse(self, text: str, messages: list[str]) -> Any:
        try:
            parsed = self.parser.parse(text, normalize=False)
            if _malformed(parsed):
                raise ValueError("malformed query")
            parsed = parsed.normalize()
        except Exception:  # Whoosh raises plain Exceptions for dates, ranges and syntax
            messages.append(UNPARSED)
            return self.plain_words(text)
        if _is_null(parsed) and words(text):
            messages.append(UNPARSED)
            return self.plain_words(text)
        return parsed

    def plain_words(self, text: str) -> Any:
        """The analysed words of `text` (field names left out), any of them, ranked."""
        terms: list[Any] = []
        seen: set[str] = set()
        for token in self.analyzer(" ".join(words(_FIELD_NAME.sub(" ", text))), mode="query"):
            if token.text not in seen:
                seen.add(token.text)
                terms.extend(_default_terms(token.text))
        if not terms:
            return None
        return wq.Or(terms)

    def _expand(self, parsed: Any, reader: Any, messages: list[str]) -> Any:
        """Replace prefix, wildcard and fuzzy terms by their most frequent expansions."""

        def visit(node: Any) -> Any:
            if isinstance(node, wq.Prefix):
                return self._prefix(node, reader, messages)
            if isinstance(node, wq.FuzzyTerm) and isinstance(node.text, str):
                found: set[str] = set()
                for lexicon in self.lexicons_of(reader, node.fieldname):
                    found.update(lexicon.within(node.text, node.maxdist, node.prefixlength))
                return _capped(node.fieldname, sorted(found), reader, node.boost)
            if isinstance(node, (wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
                return _capped(node.fieldname, node._btexts(reader), reader, node.boost)
            if isinstance(node, wq.Or):
                return _spread_parts(node)
            return node

        try:
            return parsed.accept(visit)
        except Exception:  # a term the field cannot convert (e.g. year:*x): plain words
            messages.append(UNPARSED)
            return None

    def lexicons_of(self, reader: Any, field: str) -> list[Lexicon]:
        """The terms of a field, a Lexicon per segment (each read once, kept while the
        segment is in the index)."""
        found: list[Lexicon] = []
        current: set[tuple[str, str]] = set()
        for leaf, _offset in reader.leaf_readers():
            segment = leaf.segment()
            if segment is None:  # an empty index: no terms
                continue
            key = (segment.segment_id(), field)
            current.add(key)
            lexicon = self._lexicons.get(key)
            if lexicon is None:
                lexicon = self._lexicons[key] = Lexicon(leaf, field)
            found.append(lexicon)
        for key in [k for k in self._lexicons if k[1] == field and k not in current]:
            del self._lexicons[key]  # a segment merged away
        return found

    def _prefix(self, node: Any, reader: Any, messages: list[str]) -> Any:
        field = node.fieldname
        typed = fold(node.text) if isinstance(node.text, str) else node.text
        if len(typed) < MIN_PREFIX:
            if SHORT_PREFIX not in messages:
                messages.append(SHORT_PREFIX)
            return wq.NullQuery
        if field not in TEXT_FIELDS:
            return _capped(field, reader.expand_prefix(field, typed), reader, node.boost)
        # The index holds stems ("regular" for "regularization"), so "regulari*" must also
        # find stems that the typed prefix extends.
        start = typed[: max(3, len(typed) - 3)]

        def fits(term: bytes) -> bool:
            word = term.decode("utf-8")
            return word.startswith(typed) or (len(word) >= 3 and typed.startswith(word))

        candidates = (t for t in reader.expand_prefix(field, start) if fits(t))
        return _capped(field, candidates, reader, node.boost)


class Lexicon:
    """A field's terms by first letter, for fuzzy terms without walking the term list."""

    def __init__(self, reader: Any, field: str) -> None:
        self.by_start: dict[str, list[str]] = {}
        self._known: set[str] | None = None  # made by the first `add`
        from_bytes = reader.schema[field].from_bytes
        texts = getattr(reader, "lexicon_texts", None)
        if texts is not None:  # terms already decoded
            for term in texts(field):
                self.by_start.setdefault(term[:1], []).append(term)
            return
        for btext in reader.lexicon(field):
            term = from_bytes(btext)
            if isinstance(term, str):
                self.by_start.setdefault(term[:1], []).append(term)

    def add(self, terms: Iterable[str]) -> None:
        """Learn terms that documents added since brought (those known are skipped)."""
        if self._known is None:
            self._known = {t for group in self.by_start.values() for t in group}
        for term in terms:
            if term not in self._known:
                self._known.add(term)
                self.by_start.setdefault(term[:1], []).append(term)

    def within(self, text: str, maxdist: int, prefix: int) -> list[str]:
        """The terms within `maxdist` edits (transpositions count one) sharing `prefix`
        letters with `text`, as Whoosh's `terms_within`."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        head = text[:prefix]
        if prefix:
            choices = [t for t in self.by_start.get(text[:1], ()) if t.startswith(head)]
        else:
            choices = [t for group in self.by_start.values() for t in group]
        choices = [t for t in choices if abs(len(t) - len(text)) <= maxdist]
        found = process.extract(
            text, choices, scorer=OSA.distance, score_cutoff=maxdist, limit=None
        )
        return [str(term) for term, _distance, _index in found]


def _capped(field: str, terms: Any, reader: Any, boost: float = 1.0) -> Any:
    scanned = itertools.islice(terms, MAX_SCANNED_TERMS)
    ranked = heapq.nlargest(
        MAX_EXPANSION, ((reader.doc_frequency(field, t), t) for t in scanned), key=lambda p: p[0]
    )
    if not ranked:
        return wq.NullQuery
    schema_field = reader.schema[field]
    subqueries = [
        wq.Term(field, t if isinstance(t, str) else schema_field.from_bytes(t), boost=boost)
        for _df, t in ranked
    ]
    return subqueries[0] if len(subqueries) == 1 else wq.Or(subqueries)


def _spread_parts(node: Any) -> Any:
    """A word of several terms ("non-convex", "nonconvex") searched as its parts are when
    typed apart: each part in any field, not all parts in one field.

    The parser makes `(title:non AND title:convex) OR (abstract:non AND abstract:convex)`;
    this gives `(title:non OR abstract:non) AND (title:convex OR abstract:convex)`.
    """
    groups = node.subqueries
    if len(groups) < 2 or not all(isinstance(g, wq.And) for g in groups):
        return node
    size = len(groups[0].subqueries)
    texts = [t.text for t in groups[0].subqueries if isinstance(t, wq.Term)]
    for group in groups:
        terms = group.subqueries
        if len(terms) != size or size < 2 or group.boost != 1.0:
            return node
        if not all(isinstance(t, wq.Term) and type(t) is wq.Term for t in terms):
            return node
        if [t.text for t in terms] != texts or len({t.fieldname for t in terms}) != 1:
            return node
    return wq.And(
        [wq.Or([group.subqueries[i] for group in groups]) for i in range(size)], boost=node.boost
    )


def _default_terms(term: str) -> list[Any]:
    """A word without a field: the word in each default field, with the field's boost."""
    return [wq.Term(f, term, boost=DEFAULT_BOOSTS.get(f, 1.0)) for f in DEFAULT_FIELDS]


def _is_null(node: Any) -> bool:
    return node is wq.NullQuery or isinstance(node, type(wq.NullQuery))


def _malformed(node: Any) -> bool:
    """True when the parser reported an error or named a field users cannot search."""
    if getattr(node, "error", None):
        return True
    field = getattr(node, "fieldname", None)
    if field is not None and field != "text" and field not in USER_FIELDS:
        return True
    return any(_malformed(child) for child in node.children()) if node.is_leaf() is False else False


def _terms(node: Any) -> list[tuple[str, Any]]:
    try:
        return list(node.iter_all_terms(phrases=True))
    except TypeError:
        return list(node.iter_all_terms())


def _text(term: Any) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)
