"""Human labels for talks whose facts are missing."""

from __future__ import annotations

import re

UNTITLED_PREFIX = "Untitled: "
UNKNOWN = "unknown"
_LABEL_WORDS = 9
_LATEX_MATH = re.compile(r"\$[^$]*\$")
_SPACES = re.compile(r"\s+")


def untitled_label(abstract: str | None) -> str:
    """A short label made from the abstract's first words, marked as untitled."""
    if not abstract or not abstract.strip():
        return "Untitled talk"
    text = _SPACES.sub(" ", _LATEX_MATH.sub("…", abstract)).strip()
    words = text.split(" ")
    snippet = " ".join(words[:_LABEL_WORDS]).rstrip(",;:.")
    if len(words) > _LABEL_WORDS:
        snippet += "…"
    return f"{UNTITLED_PREFIX}“{snippet}”"


def display_title(title: str | None, abstract: str | None) -> str:
    """The title, or the untitled label."""
    return title if title else untitled_label(abstract)


def sort_title(title: str | None, abstract: str | None) -> str:
    """A case-folded key that sorts untitled talks after titled ones."""
    if title:
        return title.casefold().lstrip("\"'“‘(¿¡ ")
    return "\uffff" + (abstract or "").casefold()[:40]
