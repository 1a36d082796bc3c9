"""Marking a query's words in a talk page."""

from __future__ import annotations

from desktop_app.ui.views.talk_html import highlight_terms, mark_terms


def test_stop_words_operators_and_field_names_are_not_marked() -> None:
    assert highlight_terms("edge of stability") == ["edge", "stability"]
    assert highlight_terms("title:kernel AND the NOT ridge") == ["kernel", "ridge"]
    assert highlight_terms("of the") == []
    assert highlight_terms("") == []


def test_marks_words_starting_with_a_term_in_escaped_text() -> None:
    marked = mark_terms("Edge of stability &lt;b&gt; stabilities often", ["stabil", "edge"])
    assert marked == (
        "<mark>Edge</mark> of <mark>stability</mark> &lt;b&gt; <mark>stabilities</mark> often"
    )
