"""The talk list keeps rows between lists and reads changed talks again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.core.archive import Archive
from desktop_app.ui.models.talk_table_model import TITLE, TalkTableModel
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
