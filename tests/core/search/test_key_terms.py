"""A talk's key terms are words about its subject: no stop words, numbers or short tokens."""

from __future__ import annotations

import re

import pytest

from desktop_app.core.search import SearchIndex
from desktop_app.core.search.stopwords import KEY_TERM_NOISE, STOP_WORDS, is_key_term_noise

# Words the bundled abstracts gave as key terms before noise was left out.
NOISE_SEEN = ["our", "how", "thus", "its", "over", "no", "up", "part", "hand", "abs", "arxiv.org"]


def test_no_key_term_of_the_bundled_talks_is_noise(bundled_index: SearchIndex) -> None:
    shown = 0
    for uid in bundled_index.archive.list_uids():
        for word, weight in bundled_index.key_terms(uid, limit=10):
            shown += 1
            assert weight > 0
            lowered = word.lower()
            assert lowered not in STOP_WORDS, (uid, word)
            assert lowered not in KEY_TERM_NOISE, (uid, word)
            assert not re.fullmatch(r"[\d.,]+", word), (uid, word)
            assert sum(c.isalpha() for c in word) >= 3, (uid, word)
            assert sum(c.isdigit() for c in word) <= sum(c.isalpha() for c in word), (uid, word)
            assert not any(part in {"org", "com", "http", "https", "www"} for part in
                           lowered.split(".")), (uid, word)  # fmt: skip
    assert shown > 2000


def test_key_terms_are_still_ten_distinctive_words(bundled_index: SearchIndex) -> None:
    terms = [word for word, _ in bundled_index.key_terms("talk-a9547fcf9b18", limit=10)]
    assert len(terms) == 10
    assert {"edge", "stability", "threshold"} <= set(terms)


@pytest.mark.parametrize(
    "word",
    [*NOISE_SEEN, "the", "which", "however", "2018", "2501.06074", "e2201854119", "x", "σ", "gd",
     "i.e", "github.com", "paper", "Talk", "DON"],
)  # fmt: skip
def test_noise(word: str) -> None:
    assert is_key_term_noise(word)


@pytest.mark.parametrize(
    "word", ["relu", "sgd", "wasserstein", "cifar10", "icml22", "NTK", "overparameterized", "ψεφ"]
)
def test_not_noise(word: str) -> None:
    assert not is_key_term_noise(word)
