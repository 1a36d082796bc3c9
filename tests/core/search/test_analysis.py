"""The one-pass analyzers give exactly the tokens of the Whoosh filter chains they replace."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.search.analysis import (
    CompletionAnalyzer,
    TextAnalyzer,
    reference_completion_analyzer,
    reference_text_analyzer,
)

SAMPLES = [
    "Gürbüzbalaban and Şimşekli study the heavy-tailed SGD, e.g. on 3.5 GPUs",
    r"A $\psi$-class of $\epsilon$-nets: \in \alpha_t \foo and the \Gamma function",
    "The implicit regularization of gradient descent in the edge of stability",
    "Łukasz Østergaard; Straße; ÆSIR — a  b   c",
    "Nonconvex, over-parametrised and layerwise: the behaviour of a \\nonlinear model; it is",
    "",
    "   ",
]
OPTIONS = [
    {},
    {"positions": True},
    {"positions": True, "chars": True},
    {"positions": True, "chars": True, "removestops": False},
    {"mode": "query"},
    {"positions": True, "start_pos": 7, "chars": True, "start_char": 11},
    {"tokenize": False},
]


def tokens(analyzer: object, text: str, **options: object) -> list[tuple[object, ...]]:
    keys = ("text", "pos", "startchar", "endchar", "stopped", "boost")
    return [
        tuple(getattr(t, k, None) for k in keys)
        for t in analyzer(text, **options)  # type: ignore[operator]
    ]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("text", SAMPLES)
def test_text_analyzer_matches_the_filter_chain(text: str, options: dict[str, object]) -> None:
    assert tokens(TextAnalyzer(), text, **options) == tokens(
        reference_text_analyzer(), text, **options
    )


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("text", SAMPLES)
def test_completion_analyzer_matches_the_filter_chain(
    text: str, options: dict[str, object]
) -> None:
    assert tokens(CompletionAnalyzer(), text, **options) == tokens(
        reference_completion_analyzer(), text, **options
    )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_any_text_analyses_as_the_chain_does(text: str) -> None:
    options = {"positions": True, "chars": True}
    assert tokens(TextAnalyzer(), text, **options) == tokens(
        reference_text_analyzer(), text, **options
    )
    assert tokens(CompletionAnalyzer(), text, **options) == tokens(
        reference_completion_analyzer(), text, **options
    )


def test_analyzers_pickle_without_their_remembered_words() -> None:
    analyzer = TextAnalyzer()
    list(analyzer("remembered words"))
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer
    assert [t.text for t in copy("remembered words")] == ["rememb", "word"]
    assert len(pickle.dumps(analyzer)) < 200


def test_stop_words_are_whooshs_and_load_without_whoosh() -> None:
    import subprocess
    import sys

    from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS

    from desktop_app.core.search.stopwords import STOP_WORDS

    assert STOP_WORDS == WHOOSH_STOP_WORDS
    code = "import sys, desktop_app.core.search.stopwords; print('whoosh' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )
