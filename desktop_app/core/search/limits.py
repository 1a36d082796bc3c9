"""What one query may cost: a bounded number of words and of expanding terms.

Every word of a query is parsed, analysed and looked up, and every prefix (`regul*`),
wildcard (`gr?ph`) or fuzzy term (`bayesian~2`) is expanded against the whole vocabulary:
pasted text of a thousand words, or sixty fuzzy terms, took tens of seconds. A longer query is
cut to its first `MAX_WORDS` words, and terms past the first `MAX_EXPANDING` are searched as
plain words; the result's message says so.
"""

from __future__ import annotations

import re

MAX_WORDS = 32
MAX_EXPANDING = 8
MAX_CHARACTERS = 2_000
_FUZZY = re.compile(r"~[0-9]*(?:/[0-9]+)?$")
_WILD = re.compile(r"[*?]")
_OPERATORS = re.compile(r"[*?]|~[0-9/]*")


def _expanding(word: str) -> bool:
    if word.startswith('"') or word.endswith('"'):
        return False
    return bool(_WILD.search(word) or _FUZZY.search(word))


def bound_query(text: str) -> tuple[str, str | None]:
    """The query as it will be searched, and a message when it had to be cut (else None)."""
    notes: list[str] = []
    words = text.split()
    if len(words) > MAX_WORDS:
        notes.append(
            f"the query has {len(words):,} words: only the first {MAX_WORDS} were searched"
        )
        words = words[:MAX_WORDS]
    expanding = 0
    for index, word in enumerate(words):
        if not _expanding(word):
            continue
        expanding += 1
        if expanding > MAX_EXPANDING:
            words[index] = _OPERATORS.sub("", word)
    if expanding > MAX_EXPANDING:
        notes.append(
            f"only the first {MAX_EXPANDING} prefix, wildcard or fuzzy terms were expanded "
            f"({expanding} given); the others were searched as plain words"
        )
    bounded = " ".join(words) if notes else text
    if len(bounded) > MAX_CHARACTERS:
        bounded = bounded[:MAX_CHARACTERS]
        notes.append(f"only the first {MAX_CHARACTERS:,} characters of the query were searched")
    return (bounded, "; ".join(notes)) if notes else (text, None)
