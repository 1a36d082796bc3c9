"""The talk editor beside the talk page: opening it (Ctrl+E, F2), saving in the background,
undoing an edit (Ctrl+Z), reverting a field, and the bulk form for several talks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand

from desktop_app.core.errors import InputError
from desktop_app.core.records import Speaker, TalkData, TalkFilter
from desktop_app.ui.wording import talks_text

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive
    from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# uid → (field → (edited before?, the edit's value before)), to undo an edit
Before = dict[str, dict[str, tuple[bool, Any]]]


class EditCommand(QUndoCommand):
    """Edits of talks, undoable: undo puts back each field's earlier edit or reverts it to
    the source's value. Pushed once saved, so the first redo does nothing."""

    def __init__(
        self, controller: EditController, changes: dict[str, dict[str, Any]], before: Before
    ) -> None:
        count = len(changes)
        super().__init__(f"Edit {'talk' if count == 1 else f'{count} talks'}")
        self._controller, self._changes, self._before = controller, changes, before
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        changes = self._changes
        self._controller.write(lambda archive: _apply(archive, changes), "Edit redone")

    def undo(self) -> None:
        before = self._before
        self._controller.write(lambda archive: _restore(archive, before), "Edit undone")


def _apply(archive: Archive, changes: dict[str, dict[str, Any]]) -> list[str]:
    for uid, fields in changes.items():
        archive.edit_talk(uid, fields)
    return list(changes)


def _restore(archive: Archive, before: Before) -> list[str]:
    for uid, fields in before.items():
        for field, (was_edited, value) in fields.items():
            if was_edited:
                archive.edit_talk(uid, {field: value})
            else:
                archive.revert_field(uid, field)
    return list(before)


class EditController(QObject):
    """Shows the edit pane in place of the talk page and writes what it saves.

    Signals:
        saved: (uids) talks were edited, reverted or restored.
    """

    saved = Signal(list)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.uids: list[str] = []
        pane = window.edit_pane
        pane.save_requested.connect(self.save)
        pane.cancel_requested.connect(self.close)
        pane.revert_requested.connect(self.revert)

    @property
    def is_open(self) -> bool:
        """True while the pane shows."""
        return self._window.right.currentWidget() is self._window.edit_pane

    def open(self, focus: str | None = None) -> None:
        """Edit the talk shown (or, with several selected, all of them at once)."""
        w = self._window
        selected = w.selected_uids()
        uids = selected if len(selected) > 1 else [w.current_uid] if w.current_uid else []
        if not uids:
            w.statusBar().showMessage("Choose a talk to edit first", 3000)
            return
        archive = w.archive
        series = [(s.series.slug, s.series.short_name or s.series.name) for s in archive.series()]
        speakers = archive.known_speakers()
        self.uids = uids
        w.edit_pane.recording_folders = list(w.config.recording_folders)
        if len(uids) > 1:
            w.edit_pane.load_bulk(len(uids), series, speakers)
        else:
            detail = archive.get_talk(uids[0])
            w.edit_pane.load(
                detail.talk,
                edited=archive.talk_edits(uids[0]),
                source=archive.source_facts(uids[0]),
                series=series,
                speakers=speakers,
            )
        w.right.setCurrentWidget(w.edit_pane)
        target = w.edit_pane.inputs.get(focus or "title", w.edit_pane.title)
        target.setFocus()

    @Slot()
    def close(self) -> None:
        """Back to the talk page, nothing saved."""
        w = self._window
        w.right.setCurrentWidget(w.panel)
        w.table.setFocus()

    @Slot(bool)
    def save(self, then_next: bool = False) -> None:
        """Write the pane's changes in the background; a refused value is shown beside its
        field and nothing is saved."""
        w = self._window
        pane = w.edit_pane
        pane.clear_errors()
        spread: list[Speaker] = []
        if pane.bulk:
            changes = self._bulk_changes(pane.bulk_changes())
        else:
            fields = pane.changes()
            changes = {self.uids[0]: fields} if fields else {}
            spread = pane.new_affiliations()
        if not changes:
            self._finish(then_next)
            return
        archive = w.archive
        folders = tuple(w.config.recording_folders)

        def run() -> tuple[Before, dict[str, dict[str, Any]]]:
            # The talk's own change first: a refused value stops the others too.
            everything = {**changes, **_affiliation_changes(archive, spread), **changes}
            before = _before(archive, everything)
            archive.edit_talks(everything, recording_folders=folders)  # all, or none
            return before, everything

        def done(outcome: tuple[Before, dict[str, dict[str, Any]]]) -> None:
            before, everything = outcome
            w.undo_stack.push(EditCommand(self, everything, before))
            self.saved.emit(list(everything))
            others = len(everything) - len(changes)
            w.statusBar().showMessage(
                f"Saved, and the affiliation set at {talks_text(others)} more"
                if others
                else "Saved",
                4000,
            )
            self._finish(then_next)

        def failed(error: Exception) -> None:
            if isinstance(error, InputError):
                pane.show_error(error)
            else:
                pane.message.setText(f"Nothing was saved: {error}")

        w.tasks.submit(run, done, failed, lane="write")

    def _finish(self, then_next: bool) -> None:
        self.close()
        if then_next:
            w = self._window
            rows = sorted({i.row() for i in w.table.selectionModel().selectedRows()})
            following = (rows[-1] + 1) if rows else 0
            if following < w.model.rowCount():
                w.table.selectRow(following)
                self.open()

    def _bulk_changes(self, wanted: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Per talk, the fields the bulk form changes."""
        archive = self._window.archive
        changes: dict[str, dict[str, Any]] = {}
        for talk in archive.iter_talks(self.uids):
            fields: dict[str, Any] = {}
            if wanted.get("series") and wanted["series"] != talk.series:
                fields["series"] = wanted["series"]
            tag = wanted.get("tag")
            if tag and tag not in talk.tags:
                fields["tags"] = [*talk.tags, tag]
            name, affiliation = wanted.get("speaker"), wanted.get("affiliation")
            speakers = _with_affiliation(talk, name, affiliation) if name and affiliation else None
            if speakers is not None:
                fields["speakers"] = speakers
            if fields:
                changes[talk.uid] = fields
        return changes

    @Slot(str)
    def revert(self, field: str) -> None:
        """The ↺ of an edited field: back to the source's value (undoable)."""
        uid = self.uids[0] if self.uids else None
        if uid is None:
            return
        w = self._window
        archive = w.archive

        def run() -> Before:
            before = _before(archive, {uid: {field: None}})
            archive.revert_field(uid, field)
            return before

        def done(before: Before) -> None:
            edits = {f: v for f, (was, v) in before[uid].items() if was}
            w.undo_stack.push(EditCommand(self, {uid: edits}, before) if edits else QUndoCommand())
            self.saved.emit([uid])
            self.open()

        w.tasks.submit(run, done, lambda e: w.show_error("Not reverted.", str(e)), lane="write")

    def write(self, work: Callable[[Archive], list[str]], message: str) -> None:
        """Undo and redo: write in the background, then refresh."""
        w = self._window
        archive = w.archive

        def done(uids: list[str]) -> None:
            self.saved.emit(uids)
            w.statusBar().showMessage(message, 2000)
            if self.is_open:
                self.open()

        w.tasks.submit(
            lambda: work(archive),
            done,
            lambda error: w.show_error("The edit could not be undone.", str(error)),
            lane="write",
        )


def _with_affiliation(talk: TalkData, name: str, affiliation: str) -> list[Speaker] | None:
    """The talk's speakers with `name` at `affiliation`; None when that changes nothing."""
    if not any(s.name == name and s.affiliation != affiliation for s in talk.speakers):
        return None
    return [Speaker(s.name, affiliation) if s.name == name else s for s in talk.speakers]


def _affiliation_changes(archive: Archive, speakers: list[Speaker]) -> dict[str, dict[str, Any]]:
    """Per talk of these speakers, its speakers with their new affiliations."""
    changes: dict[str, dict[str, Any]] = {}
    for speaker in speakers:
        assert speaker.affiliation is not None
        uids = archive.list_uids(TalkFilter(speaker=speaker.name))
        for talk in archive.iter_talks(uids):
            current = changes.get(talk.uid, {}).get("speakers")
            base = replace(talk, speakers=tuple(current)) if current else talk
            updated = _with_affiliation(base, speaker.name, speaker.affiliation)
            if updated is not None:
                changes[talk.uid] = {"speakers": updated}
    return changes


def _before(archive: Archive, changes: dict[str, dict[str, Any]]) -> Before:
    """Each changed field's edit before the change (to undo it)."""
    before: Before = {}
    for uid, fields in changes.items():
        edits = archive.talk_edits(uid)
        before[uid] = {f: (f in edits, edits.get(f)) for f in fields}
    return before
