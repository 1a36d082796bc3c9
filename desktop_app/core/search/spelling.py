"""The archive's words as written, for "did you mean": which words to correct, and to what.

The index holds stems ("regular" for "regularization"), too far from a misspelling to find
it by edit distance, so the words themselves are kept beside the index (`words.tsv`: a
word and the number of talks holding it), written with every build and appended to by
every update. A query is corrected word by word: a word the index knows is kept as typed;
an unknown one (or a rare one, when the query finds few talks) becomes the nearest word of
the archive, the most frequent of the nearest.
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from desktop_app.core.search.analysis import fold, words

log = logging.getLogger("desktop_app.core.search")

FILE = "words.tsv"
MIN_LENGTH = 3  # shorter words are neither kept nor corrected
RARE = 2  # talks: a word this rare in a query with few hits may be a misspelling
MORE_FREQUENT = 10  # ... of a word this many times more frequent
_TOKEN = re.compile(r"(\w+):|(\w+)([*~?]?)")
_SYNTAX_WORDS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})


def talk_words(texts: Iterable[str]) -> set[str]:
    """The distinct words of a talk's texts worth suggesting (lower case, as written)."""
    found: set[str] = set()
    for text in texts:
        distinct = set(words(text))  # a talk's words repeat: each is looked at once
        found.update(w.lower() for w in distinct if len(w) >= MIN_LENGTH and w.isalpha())
    return found


def write_counts(folder: Path, counts: Counter[str], *, append: bool = False) -> None:
    """Write (or add to) the word counts of an index folder."""
    if not counts:
        return
    lines = "".join(f"{word}\t{count}\n" for word, count in counts.items())
    with open(folder / FILE, "a" if append else "w", encoding="utf-8") as file:
        file.write(lines)


class Vocabulary:
    """Words of the archive with the number of talks holding each, by folded form."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self._by_length: dict[int, list[str]] = {}
        for word in counts:
            self._by_length.setdefault(len(word), []).append(word)

    @classmethod
    def load(cls, folder: Path) -> Vocabulary:
        """The words kept in an index folder (none when it has no word file)."""
        counts: Counter[str] = Counter()
        try:
            with open(folder / FILE, encoding="utf-8") as file:
                for line in file:
                    word, _tab, count = line.rstrip("\n").partition("\t")
                    if count.isdigit():
                        counts[fold(word)] += int(count)
        except OSError as error:
            log.info("no word list in %s (%s): no suggestions", folder, error)
        return cls(dict(counts))

    @staticmethod
    def stamp(folder: Path) -> tuple[int, int]:
        """What changes when the word file does (size, modification time)."""
        try:
            status = os.stat(folder / FILE)
        except OSError:
            return (0, 0)
        return (status.st_size, status.st_mtime_ns)

    def closest(self, word: str, limit: int = 2) -> str | None:
        """The nearest word within `limit` edits (1 for short words), the most frequent
        among the nearest; None if there is none."""
        limit = min(limit, 1 if len(word) <= 4 else 2)
        choices = [
            w
            for size in range(len(word) - limit, len(word) + limit + 1)
            for w in self._by_length.get(size, ())
            if w != word
        ]
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not found:
            return None
        best = min(found, key=lambda hit: (hit[1], -self.counts[hit[0]], hit[0]))
        return str(best[0])


def correct(
    text: str, vocabulary: Vocabulary, talks_with: Callable[[str], int], few_hits: bool
) -> str | None:
    """`text` with its unknown words corrected, the others as typed; None if none is.

    `talks_with(folded_word)` is how many talks the index finds the word in. Field names,
    operators, prefixes, fuzzy terms and the values of non-text fields are left alone.
    """
    from desktop_app.core.search.queries import TEXT_FIELDS

    parts: list[str] = []
    position = 0
    changed = False
    skip_next = False
    for found in _TOKEN.finditer(text):
        field, word, mark = found.groups()
        if field is not None:
            skip_next = field.lower() not in TEXT_FIELDS
            continue
        if skip_next or mark or word in _SYNTAX_WORDS:
            skip_next = False
            continue
        folded = fold(word)
        if len(folded) < MIN_LENGTH or not folded.isalpha():
            continue
        count = talks_with(folded)
        if count > RARE or (count and not few_hits):
            continue
        # A word the archive holds is corrected only to a word one edit away.
        better = vocabulary.closest(folded, 1 if count else 2)
        if better is None or (count and vocabulary.counts[better] < MORE_FREQUENT * count):
            continue
        if word[:1].isupper():
            better = better[:1].upper() + better[1:]
        parts.append(text[position : found.start(2)] + better)
        position = found.end(2)
        changed = True
    if not changed:
        return None
    return (("".join(parts)) + text[position:]).strip()
