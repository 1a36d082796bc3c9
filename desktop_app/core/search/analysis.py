"""Text analysis for the search index: words, LaTeX, accent folding, stemming, prefixes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    NgramFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from desktop_app.core.search.stopwords import STOP_WORDS
from desktop_app.core.search.variants import fold_variant, split_compound

# A word, optionally a TeX command (`\psi`): the backslash is kept so that LatexFilter can
# recognise commands; dotted words (`e.g`, `3.5`) stay one token as in Whoosh's default.
WORD_PATTERN = r"\\?\w+(?:\.?\w+)*"
_WORD = re.compile(WORD_PATTERN)
MIN_PREFIX = 2  # type-ahead starts at two characters
MAX_PREFIX = 15  # the longest prefix the completion field holds
_WORD_CACHE = 200_000  # distinct words whose terms an analyzer remembers

# Letters that Unicode does not decompose into a base letter and an accent.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ı": "i", "æ": "ae"})
_FOLD_MAP: dict[int, str | int | None] = {**dict(accent_map), **_EXTRA_FOLDS}


@lru_cache(maxsize=4096)
def latex_symbol(command: str) -> str | None:
    """The character a TeX command stands for (`psi` -> `ψ`), or None for other commands."""
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        text: str = LatexNodes2Text().latex_to_text("\\" + command).strip()
    except Exception:  # pylatexenc raises assorted errors on odd input; the word still counts
        return None
    if text and text != command and text.isalnum():
        return text.lower()
    return None


class LatexFilter(Filter):  # type: ignore[misc]
    """Indexes a TeX command both as its name and as the symbol it stands for.

    `$\\psi$-class` becomes `psi`, `ψ` (same position) and `class`, so both the raw TeX and
    the symbol match.
    """

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            text = token.text
            if not text.startswith("\\"):
                yield token
                continue
            name = text.lstrip("\\")
            if not name:
                continue
            token.text = name
            yield token
            symbol = latex_symbol(name)
            if symbol is not None:
                token.text = symbol
                yield token


class FoldFilter(CharsetFilter):  # type: ignore[misc]
    """Accent folding (Gürbüzbalaban -> gurbuzbalaban, Şimşekli -> simsekli)."""

    def __init__(self) -> None:
        super().__init__(_FOLD_MAP)


class VariantFilter(Filter):  # type: ignore[misc]
    """One spelling of each word (regularisation -> regularization; see `variants`)."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            if not token.stopped:
                token.text = fold_variant(token.text)
            yield token


class CompoundFilter(Filter):  # type: ignore[misc]
    """Joined compounds as their parts at successive positions (nonconvex -> non convex);
    the words after a compound move up by as many positions as it gained."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        gained = 0
        for token in tokens:
            parts = (token.text,) if token.stopped else split_compound(token.text)
            if token.positions:
                token.pos += gained
            if len(parts) == 1:
                yield token
                continue
            for index, part in enumerate(parts):
                token.text = part
                if token.positions and index:
                    token.pos += 1
                yield token
            gained += len(parts) - 1


def _tokenizer() -> Any:
    return RegexTokenizer(WORD_PATTERN)


def reference_text_analyzer() -> Any:
    """Full text as a chain of Whoosh filters: what `TextAnalyzer` computes, slower."""
    return (
        _tokenizer()
        | LowercaseFilter()
        | StopFilter(minsize=1)
        | LatexFilter()
        | FoldFilter()
        | VariantFilter()
        | CompoundFilter()
        | StemFilter(cachesize=50000)
    )


def reference_completion_analyzer() -> Any:
    """Type-ahead prefixes as a chain of Whoosh filters: what `CompletionAnalyzer` computes."""
    return (
        _tokenizer()
        | LowercaseFilter()
        | LatexFilter()
        | FoldFilter()
        | NgramFilter(MIN_PREFIX, MAX_PREFIX, at="start")
    )


# Index terms of one word as written, by position (a joined compound takes several, a TeX
# command's name and symbol share one): None for a stop word, ((),) for a bare backslash.
_WordTerms = tuple[tuple[str, ...], ...] | None


class _OnePassTokenizer(Tokenizer):  # type: ignore[misc]
    """A tokenizer that remembers what it made of each word: equal to any other of its
    class, and pickled (inside the index's schema) without what it remembers."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __getstate__(self) -> dict[str, Any]:
        return {"version": 1}  # the remembered words stay out of the pickled schema

    def __setstate__(self, _state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]


class TextAnalyzer(_OnePassTokenizer):
    """Full text: words, stop words removed, TeX symbols, accents folded, stemmed.

    The same tokens as `reference_text_analyzer()` (a test compares them), computed in one
    pass with the terms of each distinct word remembered: analysis is most of the cost of
    building the index.
    """

    def __init__(self) -> None:
        self._terms: dict[str, _WordTerms] = {}

    def word_terms(self, word: str) -> _WordTerms:
        """The index terms of one word as the tokenizer found it."""
        known = self._terms.get(word, False)
        if known is not False:
            return known  # type: ignore[return-value]
        lowered = word.lower()
        terms: _WordTerms
        if not lowered or lowered in STOP_WORDS:
            terms = None
        elif lowered.startswith("\\"):
            name = lowered.lstrip("\\")
            symbol = latex_symbol(name) if name else None
            if not name:
                terms = ((),)
            elif symbol is None:
                terms = tuple((t,) for t in word_stems(name.translate(_FOLD_MAP)))
            else:
                names = (name.translate(_FOLD_MAP), symbol.translate(_FOLD_MAP))
                terms = (tuple(stem_word(fold_variant(n)) for n in names),)
        else:
            terms = tuple((t,) for t in word_stems(lowered.translate(_FOLD_MAP)))
        if len(self._terms) < _WORD_CACHE:
            self._terms[word] = terms
        return terms

    def term_positions(self, value: str) -> dict[str, list[int]]:
        """Each index term of `value` with its positions: what indexing takes from the
        tokens (`__call__` with positions, stop words removed), without making them."""
        found: dict[str, list[int]] = {}
        word_terms = self.word_terms
        position = -1
        gained = 0
        for index, word in enumerate(_WORD.findall(value)):
            terms = word_terms(word)
            if terms is None:
                continue
            position = index if position < 0 else position + 1
            for number, group in enumerate(terms):
                if number:
                    gained += 1
                for term in group:
                    places = found.get(term)
                    if places is None:
                        found[term] = [position + gained]
                    else:
                        places.append(position + gained)
        return found

    def term_sequence(self, value: str) -> list[tuple[str, ...]]:
        """The index terms of `value` position by position (the same positions as
        `term_positions`, counted from the first): most positions hold one term, a TeX
        command two (its name and its symbol)."""
        sequence: list[tuple[str, ...]] = []
        word_terms = self.word_terms
        for word in _WORD.findall(value):
            terms = word_terms(word)
            if terms:
                sequence.extend(terms)
        return sequence

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _WORD.finditer(value) if tokenize else _whole(value)
        position: int | None = None
        gained = 0  # positions taken by compounds beyond their first
        for index, found in enumerate(matches):
            word = found.group()
            terms = self.word_terms(word)
            token.boost = 1.0
            if keeporiginal:
                token.original = word
            if chars:
                token.startchar = start_char + found.start()
                token.endchar = start_char + found.end()
            if terms is None:  # a stop word
                if removestops:
                    continue
                token.stopped = True
                token.text = word.lower().translate(_FOLD_MAP)
                if positions:
                    token.pos = start_pos + index + gained
                yield token
                continue
            token.stopped = False
            # Stop words leave no gap (Whoosh's StopFilter renumbers the same way).
            position = start_pos + index if position is None else position + 1
            for number, group in enumerate(terms):
                if number:
                    gained += 1
                if positions:
                    token.pos = position + gained
                for term in group:
                    token.text = term
                    yield token


class CompletionAnalyzer(_OnePassTokenizer):
    """The 2..15 character prefixes of every word, for type-ahead without prefix expansion.

    The same terms as `reference_completion_analyzer()`, in one pass.
    """

    def __init__(self) -> None:
        self._prefixes: dict[str, tuple[tuple[str, ...], ...]] = {}

    def word_prefixes(self, word: str) -> tuple[tuple[str, ...], ...]:
        """The prefixes of one word as written, and of its TeX symbol if it has one."""
        known = self._prefixes.get(word)
        if known is not None:
            return known
        lowered = word.lower()
        names = [lowered]
        if lowered.startswith("\\"):
            name = lowered.lstrip("\\")
            symbol = latex_symbol(name) if name else None
            names = [n for n in (name, symbol) if n]
        groups = []
        for name in names:
            folded = name.translate(_FOLD_MAP)
            if len(folded) >= MIN_PREFIX:
                longest = min(MAX_PREFIX, len(folded))
                groups.append(tuple(folded[:size] for size in range(MIN_PREFIX, longest + 1)))
        result = tuple(groups)
        if len(self._prefixes) < _WORD_CACHE:
            self._prefixes[word] = result
        return result

    def prefix_counts(self, value: str) -> Counter[str]:
        """How often each prefix occurs in `value`: what indexing takes from the tokens."""
        prefixes: list[str] = []
        extend = prefixes.extend
        word_prefixes = self.word_prefixes
        for word in _WORD.findall(value):
            for group in word_prefixes(word):
                extend(group)
        return Counter(prefixes)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Any]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.stopped = False
        token.boost = 1.0
        query = mode == "query"
        matches = _WORD.finditer(value) if tokenize else _whole(value)
        for index, found in enumerate(matches):
            if positions:
                token.pos = start_pos + index
            for group in self.word_prefixes(found.group()):
                # A query looks up the longest prefix only, as Whoosh's NgramFilter does.
                for prefix in group[-1:] if query else group:
                    token.text = prefix
                    if chars:
                        token.startchar = start_char + found.start()
                        token.endchar = token.startchar + len(prefix)
                    yield token


def _whole(value: str) -> Iterator[re.Match[str]]:
    found = re.match(r"(?s).*", value)
    assert found is not None
    yield found


def text_analyzer() -> Any:
    """Full text: words, stop words removed, TeX symbols, accents folded, stemmed."""
    return TextAnalyzer()


def completion_analyzer() -> Any:
    """The 2..15 character prefixes of every word, for type-ahead without prefix expansion."""
    return CompletionAnalyzer()


@lru_cache(maxsize=65536)
def word_stems(word: str) -> tuple[str, ...]:
    """The index terms of a lower-cased, folded word: its spelling variant folded, a joined
    compound split, each part stemmed ("regularisation" -> regular; "nonconvex" -> non,
    convex)."""
    return tuple(stem_word(part) for part in split_compound(fold_variant(word)))


@lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    """The stem of an already lower-cased, folded word."""
    return str(stem(word))


def fold(text: str) -> str:
    """Lower-case and fold accents as the index does."""
    return text.lower().translate(_FOLD_MAP)


def words(text: str) -> list[str]:
    """The words of a text, as the tokenizer splits them (TeX backslashes dropped)."""
    return [w.lstrip("\\") for w in _WORD.findall(text)]
