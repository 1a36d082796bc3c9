"""Counts and labels in the words a user reads ("1 talk", "3 talks")."""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` with the noun in the right number: "1 talk", "2 talks"."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {noun}"


def talks_text(count: int) -> str:
    """The number of talks in words: "1 talk", "221 talks"."""
    return plural(count, "talk")
