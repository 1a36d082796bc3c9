"""HTML soup from calendar feeds (Google, Exchange, researchseminars.org) as clean plain text."""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>")
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
)
_SKIPPED = frozenset({"head", "script", "style", "title", "meta", "-comment", "-doctype"})
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_STRUCTURE = re.compile(r"<\s*(br|p|div|html|body|li|table)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """True when `text` holds markup (a tag or an entity such as `&nbsp;`)."""
    return bool(_TAG.search(text)) or "&nbsp;" in text or "&amp;" in text


def _walk(node: LexborNode, out: list[str], keep_newlines: bool) -> None:
    child = node.child
    while child is not None:
        tag = child.tag or ""
        if tag == "-text":
            text = child.text_content or ""
            out.append(text if keep_newlines else _SPACES.sub(" ", text.replace("\n", " ")))
        elif tag == "br":
            out.append("\n")
        elif tag not in _SKIPPED:
            block = tag in _BLOCKS
            if block:
                out.append("\n\n" if tag in {"p", "div", "table", "ul", "ol"} else "\n")
            if tag == "li":
                out.append("• ")
            _walk(child, out, keep_newlines)
            if tag == "a":
                href = (child.attributes.get("href") or "").strip()
                label = child.text(deep=True).strip()
                if href.startswith(("http://", "https://")) and href not in label:
                    out.append(f" ({href})")
            if block:
                out.append("\n")
        child = child.next


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment or document: paragraphs and line breaks kept,
    links kept as `label (url)`, entities decoded, runs of spaces collapsed.

    Text with only inline markup (Google's and researchseminars.org's `<a>` inside plain
    text) keeps its own line breaks; in a document with paragraphs and `<br>` (Exchange's
    X-ALT-DESC) the source's line breaks are only layout.
    """
    tree = LexborHTMLParser(markup)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return html.unescape(markup).strip()
    parts: list[str] = []
    _walk(root, parts, keep_newlines=not _STRUCTURE.search(markup))
    text = "".join(parts)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> str:
    """Feed text as plain text: HTML converted when there is markup, spaces tidied."""
    if looks_like_html(text):
        return html_to_text(text)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
