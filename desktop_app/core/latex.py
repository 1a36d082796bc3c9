"""LaTeX in abstracts made readable as Unicode text (pylatexenc), keeping TeX it cannot render."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)
_HAS_TEX = re.compile(r"[\\$^_{}]")
# In abstracts "%" means percent, never a TeX comment.
_BARE_PERCENT = re.compile(r"(?<!\\)%")


@lru_cache(maxsize=1)
def _converter() -> object:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def latex_to_unicode(text: str) -> str:
    """`$\\psi$-class` → `ψ-class`; text without TeX comes back unchanged.

    Where pylatexenc cannot parse a passage, the original TeX is kept.
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
        converted: str = _converter().latex_to_text(source)  # type: ignore[attr-defined]
    except Exception:  # pylatexenc raises several kinds on malformed TeX
        log.debug("kept TeX that pylatexenc could not read: %.60s", paragraph)
        return paragraph
    return converted.strip() if converted.strip() else paragraph
