"""Help → Keyboard shortcuts and search syntax."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

SEARCH_SYNTAX = (
    ("optimal transport", "talks with both words (word endings ignored: learn, learning)"),
    ('"edge of stability"', "the exact phrase"),
    ("speaker:simsekli", "a speaker (accents optional: finds Şimşekli)"),
    ("title:diffusion", "a word of the title; also abstract:, series:, tag:"),
    ("year:2021", "talks of a year; date:[2021 to 2022] a range of years"),
    ("kernel OR gaussian", "either word"),
    ("transformers NOT attention", "leave out talks with a word"),
    ("optim*", "words that start with optim"),
    ("stabilty~", "words spelt nearly so (a typo is forgiven)"),
)
LIST_KEYS = (
    ("↑ ↓, Page Up / Down", "move in the list"),
    ("Home / End", "the first / last talk"),
    ("Shift+click, Ctrl+click", "select several talks (S and W act on all of them)"),
    ("↓ in the search field", "go to the list"),
    ("Tab / Shift+Tab", "next / previous part of the window"),
)


def shortcuts_html(actions: Iterable[QAction]) -> str:
    """The help page: every action with a shortcut, the list's keys, the search syntax."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            name = action.text().replace("&", "").rstrip("…")
            rows.append((" or ".join(keys), name))
    rows.extend(LIST_KEYS)
    table = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    syntax = "".join(
        f"<tr><td><code>{html.escape(q)}</code>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
        for q, v in SEARCH_SYNTAX
    )
    return (
        f"<h3>Keyboard shortcuts</h3><table>{table}</table>"
        "<p>S, W, Enter and Ctrl+C act on the talk list; in a text field they type.</p>"
        f"<h3>Search syntax</h3><table>{syntax}</table>"
        "<p>Searching starts as you type; the last word counts as the start of a word until "
        "you type a space. Filters chosen in the sidebar apply to the search too.</p>"
    )


class ShortcutsDialog(QDialog):
    """A window listing the shortcuts and the search syntax."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts and search syntax")
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Shortcuts and search syntax")
        self.browser.setHtml(shortcuts_html(actions))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(560, 620)
