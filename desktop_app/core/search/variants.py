"""Spelling variants folded before stemming, in the index and in queries alike.

British and American forms (-ise/-ize, -isation/-ization, -yse/-yze, -our/-or, a few
words), technical variants (parametrized/parameterized) and joined compounds
("nonconvex" is read as "non convex", as "non-convex" already is): every form of a word
gives the same index terms, so every form finds the same talks, and the highlighter, which
folds the words as written the same way, marks each as the author wrote it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# -ise/-isation and the forms made from them; the part before "is" has two letters at least.
_ISE = re.compile(r"^(\w{2,}?)is(e|ed|es|ing|er|ers|ation|ations|ational|able)$")
# Words whose "is" is no -ize suffix: a folded root ending so is left alone.
_ISE_ROOT_ENDINGS = (
    "wis",  # otherwise, pairwise
    "vis",  # advise, supervised, revision
    "nois",  # noise, denoising
    "rais",
    "prais",
    "pois",
    "guis",
    "cruis",
    "bruis",
    "promis",
    "premis",
    "demis",
    "chemis",
    "expertis",
    "treatis",
    "franchis",
    "paradis",
    "merchandis",
    "exercis",
    "precis",
    "concis",
    "excis",
    "incis",
    "compris",
    "enterpris",
    "surpris",
    "repris",
    "sunris",
    "upris",
    "tortois",
    "porpois",
    "turquois",
    "valis",
)
_ISE_ROOTS = frozenset({"aris", "pris", "cris", "mis", "dis"})
_YSE = re.compile(r"^(\w{2,}?)ys(e|ed|es|ing|er|ers)$")  # analyse, paralyse, catalyse
_OUR = re.compile(
    r"(colo|behavio|neighbo|favo|hono|labo|harbo|flavo|vapo|rumo|humo|armo|odo|savo|vigo"
    r"|rigo|endeavo|tumo|parlo|valo|clamo|cando|splendo|fervo|demeano)ur"
)
_PARAMETRIZE = re.compile(r"parametriz")
_WORDS = {
    "grey": "gray",
    "greys": "grays",
    "centre": "center",
    "centres": "centers",
    "centred": "centered",
    "fibre": "fiber",
    "fibres": "fibers",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "analogue": "analog",
    "analogues": "analogs",
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "licence": "license",
    "sceptical": "skeptical",
}

# Joined compounds read as two words. After these prefixes, any rest of four letters or
# more is a word of its own, but for the listed words.
_OPEN_PREFIXES = ("non", "multi", "semi", "pseudo", "quasi", "anti", "self")
_NOT_COMPOUNDS = (
    "nonetheless",
    "nonsens",
    "nonce",
    "multipl",
    "multitud",
    "semina",
    "anticip",
    "antiqu",
    "antibod",
)
# After these, only the listed beginnings of a word (pre-train, over-parameterized).
_CLOSED_PREFIXES = {
    "pre": ("train", "condition", "process", "defin", "comput", "specif", "print"),
    "over": ("parameter", "parametr", "smooth", "damp"),
    "under": ("parameter", "parametr", "damp"),
}
_WISE_NOT_SPLIT = frozenset({"other", "like", "clock"})  # otherwise, likewise
MIN_PART = 4  # letters of the rest of a joined compound


@lru_cache(maxsize=65536)
def fold_variant(word: str) -> str:
    """One spelling of a lower-cased, accent-folded word (British forms become American)."""
    if word in _WORDS:
        return _WORDS[word]
    found = _ISE.match(word)
    if found is not None:
        root = found.group(1) + "is"
        if root not in _ISE_ROOTS and not root.endswith(_ISE_ROOT_ENDINGS):
            word = f"{found.group(1)}iz{found.group(2)}"
    found = _YSE.match(word)
    if found is not None:
        word = f"{found.group(1)}yz{found.group(2)}"
    if "our" in word:
        word = _OUR.sub(r"\1r", word)
    if "parametriz" in word:
        word = _PARAMETRIZE.sub("parameteriz", word)
    return word


@lru_cache(maxsize=65536)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a joined compound ("nonconvex" -> non, convex), else the word itself."""
    if word.isalpha():
        for prefix in _OPEN_PREFIXES:
            rest = word[len(prefix) :]
            wanted = len(rest) >= MIN_PART and not word.startswith(_NOT_COMPOUNDS)
            if word.startswith(prefix) and wanted:
                return (prefix, *split_compound(rest))
        for prefix, beginnings in _CLOSED_PREFIXES.items():
            rest = word[len(prefix) :]
            if word.startswith(prefix) and rest.startswith(beginnings):
                return (prefix, *split_compound(rest))
        if word.endswith("wise") and len(word) >= MIN_PART + 4:
            head = word[:-4]
            if head not in _WISE_NOT_SPLIT:
                return (head, "wise")
    return (word,)
