"""Text analysis for the search index: words, LaTeX, accent folding, stemming, prefixes."""

from __future__ import annotations

import re
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
)
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

# A word, optionally a TeX command (`\psi`): the backslash is kept so that LatexFilter can
# recognise commands; dotted words (`e.g`, `3.5`) stay one token as in Whoosh's default.
WORD_PATTERN = r"\\?\w+(?:\.?\w+)*"
_WORD = re.compile(WORD_PATTERN)
MIN_PREFIX = 2  # type-ahead starts at two characters
MAX_PREFIX = 15  # the longest prefix the completion field holds

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


def _tokenizer() -> Any:
    return RegexTokenizer(WORD_PATTERN)


def text_analyzer() -> Any:
    """Full text: words, stop words removed, TeX symbols, accents folded, stemmed."""
    return (
        _tokenizer()
        | LowercaseFilter()
        | StopFilter(minsize=1)
        | LatexFilter()
        | FoldFilter()
        | StemFilter(cachesize=50000)
    )


def word_analyzer() -> Any:
    """Words as typed, lower-cased and folded, unstemmed (highlighting, type-ahead)."""
    return _tokenizer() | LowercaseFilter() | LatexFilter() | FoldFilter()


def completion_analyzer() -> Any:
    """The 2..15 character prefixes of every word, for type-ahead without prefix expansion."""
    return word_analyzer() | NgramFilter(MIN_PREFIX, MAX_PREFIX, at="start")


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
