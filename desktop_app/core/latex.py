"""LaTeX in abstracts made readable as Unicode text (pylatexenc), keeping TeX it cannot render."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)
_HAS_TEX = re.compile(r"[\\$^_{}]")
# In abstracts "%" means percent, never a TeX comment.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
# The space after a command that is followed by a word is kept ("\sigma This" is "σ This",
# not TeX's "σThis"); spaces between two commands are not ("\alpha \beta" is "αβ").
_SPACES = {
    "between-macro-and-chars": False,
    "between-latex-constructs": True,
    "after-comment": False,
    "in-equations": None,
}


# Commands that only format (sizes, fonts, spacing, labels): dropped, as pylatexenc drops
# those it knows; every other command it does not know is kept as written.
_FORMATTING = (
    *("noindent", "indent", "par", "medskip", "bigskip", "smallskip", "hfill", "vfill"),
    *("bf", "it", "em", "rm", "sf", "tt", "sc", "sl", "up", "md", "normalfont"),
    *("bfseries", "itshape", "mdseries", "upshape", "centering", "maketitle", "label"),
    *("tiny", "scriptsize", "footnotesize", "small", "normalsize", "large", "Large", "LARGE"),
    *("huge", "Huge", "clearpage", "newpage"),
)
_REPLACED = {"|": "‖", "newline": "\n", "linebreak": "\n"}


@lru_cache(maxsize=1)
def _converter() -> Any:
    from pylatexenc import latexwalker
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    class Converter(LatexNodes2Text):  # type: ignore[misc]
        """Keeps commands it does not know as they are written (`\\veps`, `\\R^d`, with a
        braced argument that follows), instead of dropping them."""

        def _unknown(self, node: Any) -> bool:
            return bool(
                node is not None
                and node.isNodeType(latexwalker.LatexMacroNode)
                and self.latex_context.get_macro_spec(node.macroname) is None
            )

        def macro_node_to_text(self, node: Any) -> str:
            if self._unknown(node):  # as written, with the arguments TeX gave it
                written = str(node.latex_verbatim())
                space = node.macro_post_space or ""
                return written[: len(written) - len(space)] if space else written
            return str(super().macro_node_to_text(node))

        def nodelist_to_text(self, nodelist: Any) -> str:
            # pylatexenc's own, but for the argument of an unknown command
            text = ""
            previous: Any = None
            for node in nodelist:
                if self._is_bare_macro_node(previous) and (
                    node.isNodeType(latexwalker.LatexCharsNode) or self._unknown(node)
                ):
                    text += previous.macro_post_space  # see _SPACES
                if (
                    self._unknown(previous)
                    and not previous.macro_post_space
                    and node.isNodeType(latexwalker.LatexGroupNode)
                ):
                    text += node.latex_verbatim()
                else:
                    newline = text.rfind("\n")
                    column = len(text) - newline - 1 if newline != -1 else len(text)
                    text += self.node_to_text(node, textcol=column)
                previous = node
            return text

    context = get_default_latex_context_db()
    context.add_context_category(
        "seminar-archive",
        macros=[
            *(MacroTextSpec(name, discard=True) for name in _FORMATTING),
            *(MacroTextSpec(name, simplify_repl=text) for name, text in _REPLACED.items()),
        ],
        prepend=True,
    )
    return Converter(math_mode="text", strict_latex_spaces=_SPACES, latex_context=context)


def latex_to_unicode(text: str) -> str:
    """`$\\psi$-class` → `ψ-class`; text without TeX comes back unchanged.

    Commands pylatexenc does not know stay as written (`\\veps`); where it cannot parse a
    passage, the original TeX is kept.
    """
    if not _HAS_TEX.search(text):
        return text
    paragraphs = text.split("\n\n")
    return "\n\n".join(_convert_paragraph(p) for p in paragraphs)


def _convert_paragraph(paragraph: str) -> str:
    if not _HAS_TEX.search(paragraph):
        return paragraph
    try:
        source = _BARE_PERCENT.sub(r"\\%", paragraph)
        converted: str = _converter().latex_to_text(source)
    except Exception:  # pylatexenc raises several kinds on malformed TeX
        log.debug("kept TeX that pylatexenc could not read: %.60s", paragraph)
        return paragraph
    return converted.strip() if converted.strip() else paragraph
