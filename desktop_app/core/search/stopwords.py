"""Words the index leaves out (Whoosh's default list), importable without loading Whoosh.

The analyzers use this list; the parity tests compare them with Whoosh's own filter chain,
so a difference from Whoosh's list would fail there.
"""

from __future__ import annotations

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "have",
        "if",
        "in",
        "is",
        "it",
        "may",
        "not",
        "of",
        "on",
        "or",
        "tbd",
        "that",
        "the",
        "this",
        "to",
        "us",
        "we",
        "when",
        "will",
        "with",
        "yet",
        "you",
        "your",
    ]
)

# What is left of an English contraction once its apostrophe splits it ("Don't" -> "don", "t"):
# indexed (the analyzers keep Whoosh's list), but not a word to show as a talk's key term.
CONTRACTION_FRAGMENTS = frozenset(
    [
        "ain",
        "aren",
        "couldn",
        "didn",
        "doesn",
        "don",
        "hadn",
        "hasn",
        "haven",
        "isn",
        "ll",
        "mightn",
        "mustn",
        "needn",
        "re",
        "shan",
        "shouldn",
        "ve",
        "wasn",
        "weren",
        "won",
        "wouldn",
    ]
)
