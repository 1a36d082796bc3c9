"""Highlighted fragments: HTML-escaped text with `<mark>` around the matched words."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from desktop_app.core.search.analysis import WORD_PATTERN, fold, latex_symbol, word_stems

FRAGMENT_CHARS = 240
_WORD = re.compile(WORD_PATTERN)


@dataclass(frozen=True)
class Marks:
    """What to mark: stems of matched words, and prefixes of the word being typed."""

    stems: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    # Words already decided, shared by the hits of one query (abstracts repeat words).
    decided: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def matches(self, word: str) -> bool:
        """True when the folded, lower-cased `word` should be marked."""
        return (
            not self.stems.isdisjoint(word_stems(word))
            or word in self.stems
            or word.startswith(self.prefixes)
        )

    def matches_written(self, raw: str) -> bool:
        """True when a word as written (maybe a TeX command such as `\\psi`) should be marked."""
        forms, keys = written_forms(raw)
        if not self.stems.isdisjoint(keys):
            return True
        if self.prefixes:
            for form in forms:
                if form.startswith(self.prefixes):
                    return True
        return False

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of the words of `text` to mark."""
        return matched_spans(text, self)

    def marked_html(self, text: str) -> str:
        """`text`, HTML-escaped, with `<mark>` around the words to mark."""
        return mark_all(text, matched_spans(text, self))


def matched_spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """Character ranges of the words of `text` that `marks` matches, in order.

    Each distinct word is decided once; the words to mark are then found by one regular
    expression, as whole words of the tokenizer (`reference_spans` is the plain loop).
    """
    if not marks or not text:
        return []
    decided = marks.decided
    hits = []
    for word in set(_WORD.findall(text)):
        hit = decided.get(word)
        if hit is None:
            hit = decided[word] = marks.matches_written(word)
        if hit:
            hits.append(word)
    if not hits:
        return []
    return [found.span() for found in _words_pattern(tuple(sorted(hits))).finditer(text)]


def reference_spans(text: str, marks: Marks) -> list[tuple[int, int]]:
    """`matched_spans` word by word (tests compare the two)."""
    if not marks or not text:
        return []
    return [f.span() for f in _WORD.finditer(text) if marks.matches_written(f.group())]


@lru_cache(maxsize=1024)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Where `WORD_PATTERN` would find exactly one of `words` (a whole token)."""
    plain = [re.escape(w) for w in words if not w.startswith("\\")]
    commands = [re.escape(w) for w in words if w.startswith("\\")]
    # A word starts a token unless a letter, a backslash or a letter and a dot come before
    # it (it would continue that token); a TeX command starts a token wherever it is.
    starts = []
    if plain:
        starts.append(r"(?<![\w\\])(?<!\w\.)(?:" + "|".join(plain) + ")")
    if commands:
        starts.append("(?:" + "|".join(commands) + ")")
    # Either ends the token unless a letter, or a dot and a letter, come after it.
    return re.compile("(?:" + "|".join(starts) + r")(?!\w)(?!\.\w)")


@lru_cache(maxsize=100_000)
def written_forms(raw: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The folded forms of a word as written (a TeX command: its name and symbol), and
    those forms with their stems."""
    if raw.startswith("\\"):
        name = raw.lstrip("\\").lower()
        symbol = latex_symbol(name)
        forms: tuple[str, ...] = (fold(name),) if symbol is None else (fold(name), symbol)
    else:
        forms = (fold(raw),)
    return forms, frozenset(forms).union(*(word_stems(form) for form in forms))


def mark_all(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The whole text, escaped, with every span marked."""
    return _render(text, 0, len(text), list(spans))


def fragment(text: str, spans: list[tuple[int, int]], size: int = FRAGMENT_CHARS) -> str:
    """The window of about `size` characters holding the most spans, escaped and marked."""
    if not spans:
        return ""
    best_start, best_count = spans[0][0], 0
    for i, (start, _end) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + size)
        if count > best_count:
            best_start, best_count = start, count
    # Some context before the first marked word, cut at a space.
    begin = max(0, best_start - size // 5)
    if begin > 0:
        space = text.rfind(" ", 0, begin + 1)
        begin = space + 1 if space >= 0 and begin - space < 30 else begin
    end = min(len(text), begin + size)
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 30 else end
    inside = [(s, e) for s, e in spans if s >= begin and e <= end]
    body = _render(text, begin, end, inside)
    return ("…" if begin > 0 else "") + body + ("…" if end < len(text) else "")


def _render(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = []
    position = begin
    for start, stop in spans:
        if start < position:
            continue
        parts.append(html.escape(text[position:start]))
        parts.append("<mark>" + html.escape(text[start:stop]) + "</mark>")
        position = stop
    parts.append(html.escape(text[position:end]))
    return "".join(parts)
