"""Marked words found by one regular expression are the words the tokenizer finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.search.highlight import Marks, matched_spans, reference_spans

# Letters, digits, dots, backslashes, spaces and punctuation: where tokens start and end.
PIECES = st.sampled_from(
    [
        "learn",
        "learning",
        "é",
        "Über",
        "ψ",
        "3",
        "e",
        "g",
        ".",
        "..",
        "\\",
        "\\psi",
        "\\eps",
        " ",
        "-",
        "_",
        "(",
        "$",
        "regularisation",
        "non-convex",
        "x2",
        "'",
    ]
)
MARKS = st.sampled_from(
    [
        Marks(frozenset({"learn"})),
        Marks(frozenset({"psi", "ψ"})),
        Marks(frozenset({"e", "g"})),
        Marks(frozenset({"regular"}), ("no",)),
        Marks(frozenset({"uber", "3"})),
        Marks(frozenset(), ("le", "x")),
        Marks(frozenset({"eps", "non", "convex"})),
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join), MARKS)
def test_matched_spans_are_the_tokenizers_words(text: str, marks: Marks) -> None:
    fresh = Marks(marks.stems, marks.prefixes)
    assert matched_spans(text, fresh) == reference_spans(text, fresh)


def test_matched_spans_on_an_abstract() -> None:
    text = "We study e.g. learning-rate (g) schedules ($\\psi$-learning, ψ) for learning.x, learn."
    marks = Marks(frozenset({"learn", "psi", "ψ", "g"}))
    assert matched_spans(text, marks) == reference_spans(text, marks)
    assert [text[a:b] for a, b in matched_spans(text, marks)] == [
        "learning",
        "g",  # not the g of e.g, nor the learning of learning.x: they are parts of a word
        "\\psi",
        "learning",
        "ψ",
        "learn",
    ]
