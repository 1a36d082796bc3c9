"""The talk list keeps rows between lists, reads changed talks again, and paints what it holds."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

from desktop_app.core.archive import Archive
from desktop_app.ui.models.talk_table_model import (
    DATE,
    STAR,
    TITLE,
    TalkRowRole,
    TalkTableModel,
    TalkUidRole,
)
from tests.helpers.files import bundled_records, write_jsonl


def _title(model: TalkTableModel, row: int) -> str:
    return str(model.data(model.index(row, TITLE), Qt.ItemDataRole.DisplayRole))


def test_rows_are_kept_between_lists_and_read_again_after_forget(
    qtbot: object, archive: Archive, tmp_path: Path
) -> None:
    model = TalkTableModel(archive)
    uids = archive.list_uids()[:5]
    model.set_uids(uids, rows=archive.rows_for(uids[:3]))
    assert model.known_uids() == frozenset(uids[:3])
    model.set_uids(uids[1:], rows=archive.rows_for(uids[3:4]))
    assert model.known_uids() == frozenset(uids[:4])  # the first list's rows are still held
    before = _title(model, 0)

    record = next(r for r in bundled_records() if r.get("uid") == uids[1])
    record["title"] = "A title that changed in the archive"
    archive.import_file(write_jsonl(tmp_path / "changed.jsonl", [record]))
    assert _title(model, 0) == before  # held rows are not read again by themselves
    model.forget_rows()
    assert _title(model, 0) == "A title that changed in the archive"


_DELEGATE: list[QStyledItemDelegate] = []


def _painted_options(model: TalkTableModel, row: int, column: int) -> QStyleOptionViewItem:
    """What a delegate reads for a cell: one `multiData` call for all its roles.

    One delegate for every cell, as in a view: it reuses its span of roles from cell to cell.
    """
    if not _DELEGATE:
        _DELEGATE.append(QStyledItemDelegate())
    options = QStyleOptionViewItem()
    _DELEGATE[0].initStyleOption(options, model.index(row, column))
    return options


def test_what_the_view_paints_matches_data_for_every_cell(qtbot: object, archive: Archive) -> None:
    model = TalkTableModel(archive)
    model.set_uids(archive.list_uids())
    rows = [model.data(model.index(n, 0), TalkRowRole) for n in range(model.rowCount())]
    assert any(row.untitled for row in rows) and any(row.recording_url for row in rows)
    muted = QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    for number, row in enumerate(rows):
        for column in range(model.columnCount()):
            index = model.index(number, column)
            options = _painted_options(model, number, column)
            assert options.text == (model.data(index, Qt.ItemDataRole.DisplayRole) or "")
            decoration = model.data(index, Qt.ItemDataRole.DecorationRole)
            assert options.icon.isNull() == (decoration is None)
            if column == TITLE:
                assert options.font.italic() == row.untitled
                assert options.font.strikeOut() == row.cancelled
                assert (options.palette.color(QPalette.ColorRole.Text) == muted) == row.untitled
                assert (model.data(index, Qt.ItemDataRole.ForegroundRole) == muted) == row.untitled
            for role in (TalkUidRole, TalkRowRole, Qt.ItemDataRole.ToolTipRole):
                role_data = QModelRoleData(role)
                model.multiData(index, QModelRoleDataSpan(role_data))
                assert role_data.data() == model.data(index, role)


def test_a_changed_star_and_display_zone_are_painted_anew(qtbot: object, archive: Archive) -> None:
    model = TalkTableModel(archive)
    uids = archive.list_uids()
    model.set_uids(uids)
    dated = next(
        n for n in range(model.rowCount()) if model.data(model.index(n, 0), TalkRowRole).start
    )
    uid = uids[dated]
    assert _painted_options(model, dated, STAR).icon.isNull()
    archive.set_user_state(uid, starred=True)
    model.refresh([uid])
    assert not _painted_options(model, dated, STAR).icon.isNull()

    start = model.data(model.index(dated, 0), TalkRowRole).start
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # 25 hours apart: dates differ
        model.set_display_zone(ZoneInfo(zone))
        expected = start.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d")
        assert _painted_options(model, dated, DATE).text == expected
