"""Words the index leaves out (Whoosh's default list), importable without loading Whoosh,
and the words never shown as a talk's key terms.

The analyzers use STOP_WORDS; the parity tests compare them with Whoosh's own filter chain,
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

# Words that say nothing about a talk's subject: never shown as its key terms (they are
# indexed as Whoosh indexes them; only the index's own STOP_WORDS are left out of it).
_FUNCTION_WORDS = """
about above across after afterwards again against all almost alone along already also
although always am among amongst amount another any anyhow anyone anything anyway anywhere
around back because become becomes becoming been before beforehand behind being below
beside besides between beyond both but cannot could did do does doing done down due during
each either else elsewhere enough etc even ever every everyone everything everywhere except
few further get gets getting give gives given go goes going had has having he hence her here
hereafter hereby herein hers herself him himself his how however i ie indeed into its itself
just last latter least less let like made make makes making many me meanwhile might mine more
moreover most mostly much must my myself namely neither never nevertheless next no nobody
none noone nor nothing now nowhere off often once one only onto other others otherwise our
ours ourselves out over own per perhaps please put quite rather same see seem seemed seeming
seems she should since so some somehow someone something sometime sometimes somewhere still
such than their theirs them themselves then thence there thereafter thereby therefore therein
thereupon these they thing things those though through throughout thru thus together too
toward towards under until up upon very via was were what whatever whence whenever where
whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever
whole whom whose why within without would yours yourself yourselves
actually really simply typically generally usually largely widely highly significantly
particularly especially respectively specifically essentially relatively instead yet far spite
"""
# What abstracts and seminar listings say of any talk, and pieces of links.
_FILLER_WORDS = """
talk talks paper papers work works joint show shows shown showing present presents presented
propose proposes proposed introduce introduces introduced discuss discusses discussed describe
describes consider considers considered based using use used uses new recent recently result
results approach approaches question questions study studies studied also well way ways part
parts hand first second third two three four five several various certain particular
different main key important known able possible allow allows
speaker speakers seminar seminars lecture abstract bio university department
et al abs arxiv doi pdf http https www html htm org com edu net io
"""
KEY_TERM_NOISE = frozenset(
    STOP_WORDS | CONTRACTION_FRAGMENTS | set(_FUNCTION_WORDS.split()) | set(_FILLER_WORDS.split())
)
MIN_KEY_TERM_LETTERS = 3


def is_key_term_noise(word: str) -> bool:
    """True for a word that is no key term: a stop or filler word, fewer than three
    letters, mostly digits (a number, an arXiv id), or a piece of a link ("arxiv.org")."""
    lowered = word.lower()
    letters = sum(1 for c in lowered if c.isalpha())
    if letters < MIN_KEY_TERM_LETTERS or sum(1 for c in lowered if c.isdigit()) > letters:
        return True
    return lowered in KEY_TERM_NOISE or any(
        part in KEY_TERM_NOISE for part in lowered.split(".") if part
    )
