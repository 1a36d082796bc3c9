"""Hits that score alike: found in one pass and put in an order that never changes.

Whoosh keeps its best N hits and drops a hit scoring as the last of them (lower docnum
first), so which of equal hits make a page, and in what order, depends on where the talks
sit in the index. Here every hit tying with the last of the best is kept too; the caller
orders ties by date, title and uid.
"""

from __future__ import annotations

import sys
from array import array
from heapq import heappush, heapreplace
from typing import Any

from whoosh import collectors

TIE_TOLERANCE = 1e-9  # relative: scores this close are equal (float noise of sums)


def same_score(first: float, second: float) -> bool:
    """True when two scores differ by float noise only."""
    return abs(first - second) <= tolerance(first)


def tolerance(score: float) -> float:
    """How far from `score` another score still counts as equal."""
    return TIE_TOLERANCE * max(1.0, abs(score))


class TiedTopCollector(collectors.TopCollector):  # type: ignore[misc]
    """Whoosh's top `limit` hits, and every other hit scoring as the last of them.

    Block-quality skipping stays on, below the lowest score kept less the tolerance, so that
    a block holding a tie is read.
    """

    def prepare(self, top_searcher: Any, q: Any, context: Any) -> None:
        super().prepare(top_searcher, q, context)
        self.tied: list[tuple[float, int]] = []  # (score, -docnum), as the heap holds them

    def _collect(self, global_docnum: int, score: float) -> float:
        items = self.items
        self.total += 1
        if len(items) < self.limit:
            heappush(items, (score, -global_docnum))
            if len(items) == self.limit:
                self._raise_floor()
            return -score
        low = items[0][0]
        if score > low + tolerance(low):
            dropped = heapreplace(items, (score, -global_docnum))
            self.tied.append(dropped)
            new_low = items[0][0]
            if new_low > low:
                floor = new_low - tolerance(new_low)
                self.tied = [pair for pair in self.tied if pair[0] >= floor]
            self._raise_floor()
            return -score
        if score >= low - tolerance(low):
            self.tied.append((score, -global_docnum))
        return 0.0

    def _raise_floor(self) -> None:
        low = self.items[0][0]
        # Whoosh skips blocks whose best score is at most `minscore`.
        self.minscore = low - 2 * tolerance(low)

    def scores(self) -> dict[int, float]:
        """Docnum -> score of every hit kept."""
        return {-negated: score for score, negated in (*self.items, *self.tied)}


def tied_top_scores(
    searcher: Any, query: Any, limit: int, allowed: set[int] | None
) -> dict[int, float]:
    """The scores of the best `limit` hits of `query` (within `allowed`) and their ties."""
    top = TiedTopCollector(limit)
    collector = top if allowed is None else collectors.FilterCollector(top, allowed, None)
    searcher.search_with_collector(query, collector)
    return top.scores()


def numeric_column(reader: Any, field: str) -> list[int]:
    """A segment's numeric column, every talk's value, read at once where Whoosh allows it."""
    count = reader.doc_count_all()
    column = reader.column_reader(field, translate=False)
    try:
        stored = column._dbfile.get(column._basepos, column._count * column._fixedlen)
        values = array(column._typecode)
        values.frombytes(bytes(stored))
        if sys.byteorder == "little":  # Whoosh writes them big-endian
            values.byteswap()
        return values.tolist() + [column._default] * (count - len(values))
    except AttributeError:  # a column without a file (every value the default), or another kind
        return [column[docnum] for docnum in range(count)]
