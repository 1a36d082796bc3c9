"""The list's highlighted titles: the query's hits marked in every title, painted in the cell."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QImage, QTextLayout, QTextLine
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from desktop_app.core.archive import Archive
from desktop_app.core.search.highlight import Marks
from desktop_app.ui.delegates.highlight_delegate import (
    MARK_BACKGROUND,
    HighlightDelegate,
    _boundary_before,
)
from desktop_app.ui.models.talk_table_model import (
    TITLE,
    HighlightRole,
    MarkedSpansRole,
    TalkRowRole,
    TalkTableModel,
)


def _line(text: str) -> QTextLine:
    layout = QTextLayout(text, QFont())
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    _line.keep = layout  # type: ignore[attr-defined]  # the line lives as long as its layout
    return line


def test_elision_cuts_at_a_character_boundary_before_the_width(qapp: object) -> None:
    line = _line("Implicit regularization in deep learning")
    boundaries = {round(line.cursorToX(n)[0], 3) for n in range(len("Implicit") + 30)}
    for width in (0.0, 7.5, 33.3, 60.0, 101.7):
        cut = _boundary_before(line, width)
        assert cut <= width
        assert round(cut, 3) in boundaries


def _pixels_of(image: QImage, color: QColor) -> int:
    wanted = color.rgb()
    return sum(
        image.pixel(x, y) == wanted for y in range(image.height()) for x in range(image.width())
    )


def test_marked_words_are_painted_on_their_background(qtbot: QtBot, archive: Archive) -> None:
    model = TalkTableModel(archive)
    uids = archive.list_uids()[:2]
    titles = [row.display_title.lower().split() for row in archive.rows_for(uids)]
    assert titles[0][0] not in titles[1]
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegateForColumn(TITLE, HighlightDelegate(view))
    view.setColumnWidth(TITLE, 400)
    view.resize(700, 200)
    view.show()
    model.set_uids(uids)
    plain = view.viewport().grab().toImage()
    assert _pixels_of(plain, MARK_BACKGROUND) == 0
    title = model.data(model.index(0, TITLE))
    model.set_uids(uids, marks=Marks(prefixes=(title.split()[0].lower(),)))
    assert model.data(model.index(1, TITLE), MarkedSpansRole) is None  # not in its title
    image = view.viewport().grab().toImage()
    row_height = view.rowHeight(0)
    in_first_row = image.copy(0, 0, image.width(), row_height)
    in_second_row = image.copy(0, row_height, image.width(), row_height)
    assert _pixels_of(in_first_row, MARK_BACKGROUND) > 20
    assert _pixels_of(in_second_row, MARK_BACKGROUND) == 0


def test_every_listed_title_marks_the_words_the_query_matches(
    qtbot: QtBot, archive: Archive
) -> None:
    model = TalkTableModel(archive)
    model.set_uids(archive.list_uids(), marks=Marks(stems=frozenset({"learn"})))
    marked = 0
    for number in range(model.rowCount()):
        index = model.index(number, TITLE)
        title = model.data(index)
        spans = model.data(index, MarkedSpansRole)
        words = {title[start : start + length].lower() for start, length in spans or ()}
        assert words <= {"learn", "learning", "learned", "learns"}
        has_learn = any(w.strip(",.:;()") in {"learning", "learn"} for w in title.lower().split())
        assert bool(spans) == has_learn or not model.data(index, TalkRowRole).title
        if spans:
            marked += 1
            assert "<mark>" in model.data(index, HighlightRole)
        else:
            assert model.data(index, HighlightRole) is None
    assert marked > 20  # not only the first hits: every title the list shows
