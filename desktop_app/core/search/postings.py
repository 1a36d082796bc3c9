"""A segment's postings kept in memory by term, and written a block at a time.

Whoosh's writer puts every posting, a tuple, into an external sort: pickled into sorted runs
on disk, read back and merged, then handed one by one to the codec's posting writer. That
is most of the time of a build (about 20 µs per posting, 170 postings per talk), and it
grows with the segment as more runs are merged. Here the postings of a segment are kept by
field and term as they come (documents come in number order, so each term's postings are
already in order): the terms are sorted once, and each term's postings go to Whoosh's own
codec a whole block (128 postings) at a time. The files written are the ones Whoosh writes
(a test compares them posting by posting).

Documents are analysed without Whoosh's tokens when the field is one of the index's own
(`TextAnalyzer` with positions, `CompletionAnalyzer` with frequencies): the same terms,
positions and weights (a test compares them with Whoosh's `field.index`).
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise
from pickle import dumps
from typing import Any

from whoosh import formats
from whoosh.codec.whoosh3 import W3FieldWriter

from desktop_app.core.search.analysis import CompletionAnalyzer, TextAnalyzer

# (term bytes, frequency, weight, encoded value): what Whoosh's `field.index` yields.
Posting = tuple[bytes, int, float, bytes]
Indexer = Callable[[Any], list[Posting]]

pack_uint = struct.Struct("!I").pack  # `whoosh.system.pack_uint`


_FREQUENCIES = [pack_uint(n) for n in range(256)]


def _frequency_bytes(count: int) -> bytes:
    return _FREQUENCIES[count] if count < 256 else pack_uint(count)


# A word found once, at position p, has the value _SINGLE[p] (shared, not made anew).
_SINGLE = [pack_uint(1) + dumps([p], 2) for p in range(4096)]


def _encode_positions(places: list[int]) -> bytes:
    """`formats.Positions.encode`: the count, then the pickled position deltas."""
    if len(places) == 1 and places[0] < len(_SINGLE):
        return _SINGLE[places[0]]
    deltas = [places[0]]
    deltas.extend(b - a for a, b in pairwise(places))
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def indexer(field: Any) -> Indexer | None:
    """A fast replacement of `field.index` for the index's own text fields, or None."""
    fmt, analyzer = field.format, getattr(field, "analyzer", None)
    if field.vector or field.separate_spelling():
        return None
    boost = float(fmt.field_boost) if fmt is not None else 1.0
    if type(fmt) is formats.Positions and type(analyzer) is TextAnalyzer:
        term_positions = analyzer.term_positions

        def positions(value: Any) -> list[Posting]:
            if not isinstance(value, str):
                return list(field.index(value))
            return [
                (term.encode("utf-8"), len(places), len(places) * boost, _encode_positions(places))
                for term, places in term_positions(value).items()
            ]

        return positions
    if type(fmt) is formats.Frequency and type(analyzer) is CompletionAnalyzer:
        prefix_counts = analyzer.prefix_counts

        def frequencies(value: Any) -> list[Posting]:
            if not isinstance(value, str):
                return list(field.index(value))
            return [
                (prefix.encode("utf-8"), count, count * boost, _frequency_bytes(count))
                for prefix, count in prefix_counts(value).items()
            ]

        return frequencies
    return None


class _Term:
    """The postings of one term: document numbers, weights, encoded values."""

    __slots__ = ("docs", "values", "weights")

    def __init__(self) -> None:
        self.docs = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class PostingTable:
    """The postings of one segment, by field and term, in memory (Whoosh's pool interface:
    `add`, `fieldnames`, `iter_postings`, `cleanup`)."""

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        self._fields: dict[str, dict[bytes, _Term]] = {}
        self._unordered: set[tuple[str, bytes]] = set()
        self.count = 0

    def _terms(self, fieldname: str) -> dict[bytes, _Term]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """One posting (fieldname, term bytes, docnum, weight, value), in any order."""
        fieldname, text, docnum, weight, value = item
        terms = self._terms(fieldname)
        term = terms.get(text)
        if term is None:
            term = terms[text] = _Term()
        elif term.docs[-1] >= docnum:
            self._unordered.add((fieldname, text))
        term.docs.append(docnum)
        term.weights.append(weight)
        if value:
            term.values.append(value)
        self.count += 1

    def add_document(self, fieldname: str, docnum: int, postings: Iterable[Posting]) -> None:
        """The postings of one field of a document numbered above every one before."""
        terms = self._terms(fieldname)
        count = 0
        for text, _frequency, weight, value in postings:
            term = terms.get(text)
            if term is None:
                term = terms[text] = _Term()
            term.docs.append(docnum)
            term.weights.append(weight)
            if value:
                term.values.append(value)
            count += 1
        self.count += count

    def _sort_unordered(self) -> None:
        for fieldname, text in self._unordered:
            term = self._fields[fieldname][text]
            docs = term.docs
            order = sorted(range(len(docs)), key=docs.__getitem__)  # stable: equal ones kept
            term.docs = array("I", (term.docs[n] for n in order))
            term.weights = array("f", (term.weights[n] for n in order))
            if term.values:
                term.values = [term.values[n] for n in order]
        self._unordered.clear()

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """Every posting in Whoosh's order (field, term, document)."""
        self._sort_unordered()
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for text in sorted(terms):
                term = terms[text]
                values = term.values or [b""] * len(term.docs)
                for docnum, weight, value in zip(term.docs, term.weights, values, strict=True):
                    yield fieldname, text, docnum, weight, value

    def write(self, fieldwriter: Any, schema: Any, lengths: Any) -> None:
        """Write every term's postings through the segment's field writer."""
        if type(fieldwriter) is not W3FieldWriter:  # another codec: Whoosh's own way
            fieldwriter.add_postings(schema, lengths, self.iter_postings())
            return
        self._sort_unordered()
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            if not terms:
                continue
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            field_lengths = _field_lengths(lengths, fieldname)
            for text in sorted(terms):
                fieldwriter.start_term(text)
                _write_term(fieldwriter._postwriter, terms[text], field_lengths)
                fieldwriter.finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self._fields.clear()
        self._unordered.clear()
        self.count = 0

    def save(self) -> None:  # Whoosh's pool flushes a run to disk here; nothing to do
        pass


def _field_lengths(lengths: Any, fieldname: str) -> Callable[[int], int]:
    """The stored length of a field by document (0 when none), as Whoosh reads it."""
    if lengths is None:
        return lambda _docnum: 0
    column = getattr(lengths, "field_lengths", None)
    if column is not None:
        known: list[int] = column(fieldname)
        return known.__getitem__
    read = lengths.doc_field_length
    return lambda docnum: read(docnum, fieldname) or 0


def _write_term(postwriter: Any, term: _Term, lengths: Callable[[int], int]) -> None:
    """Fill the posting writer's block buffer a block at a time (what `add_posting` does a
    posting at a time) and let it write each full block; the field writer's `finish_term`
    writes the last one and the term's info."""
    limit = postwriter._blocklimit
    docs, weights, values = term.docs, term.weights, term.values
    total = len(docs)
    assert not values or len(values) == total, "a term's postings all have values or none"
    for start in range(0, total, limit):
        end = min(total, start + limit)
        ids = docs[start:end]
        block_weights = weights[start:end]
        postwriter._ids = ids
        postwriter._weights = block_weights
        postwriter._values = values[start:end] if values else []
        postwriter._maxweight = max(0, max(block_weights))
        block_lengths = [lengths(d) for d in ids]
        positive = [n for n in block_lengths if n]
        postwriter._minlength = min(positive) if positive else None
        postwriter._maxlength = max(positive) if positive else 0
        if end < total:
            postwriter._write_block()
