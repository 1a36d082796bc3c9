"""LaTeX in abstracts made readable: known commands become text, unknown ones stay as written."""

from __future__ import annotations

import pytest

from desktop_app.core.archive import Archive
from desktop_app.core.latex import latex_to_unicode


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        # unknown commands are kept as written, not dropped
        ("as \\veps varies", "as \\veps varies"),
        ("starting from \\veps=0, which", "starting from \\veps=0, which"),
        ("$\\veps$-net", "\\veps-net"),
        ("$x \\in \\R^d$", "x ∈ \\R^d"),
        ("foo \\foo{bar} baz", "foo \\foo{bar} baz"),
        ("\\newcommand{\\x}{y} z", "\\newcommand{\\x}{y} z"),
        # the space after a command followed by a word is kept
        ("\\sigma This", "σ This"),
        ("a \\alpha b", "a α b"),
        ("\\ldots and", "… and"),
        # known commands keep working
        ("$\\psi$-class", "ψ-class"),
        ("$\\sigma$ This", "σ This"),
        ("\\alpha\\beta", "αβ"),
        ("\\emph{foo} bar", "foo bar"),
        ("A \\emph{very} \\textit{good} one.", "A very good one."),
        ("H\\\"older and \\'etude", "Hölder and étude"),
        ("$\\mathbb{R}^n$ and $\\mathcal{O}(n)$", "ℝ^n and 𝒪(n)"),
        ("$O(n \\log n)$ time", "O(n log n) time"),
        ("$\\|x\\|_2$", "‖x‖_2"),
        ("\\noindent {\\bf Bold} text", "Bold text"),
        ("in 95% of cases", "in 95% of cases"),
        ("no TeX at all", "no TeX at all"),
    ],
)
def test_latex_to_unicode(tex: str, text: str) -> None:
    assert latex_to_unicode(tex) == text


def test_paragraphs_stay_apart() -> None:
    assert latex_to_unicode("$\\alpha$ one\n\n\\veps two") == "α one\n\n\\veps two"


def test_the_bundled_abstract_with_an_unknown_command_reads_whole(archive: Archive) -> None:
    abstract = archive.get_talk("talk-cea3774b1608").talk.abstract
    assert abstract is not None
    readable = latex_to_unicode(abstract)
    assert "as \\veps varies" in readable
    assert "from \\veps=0" in readable
