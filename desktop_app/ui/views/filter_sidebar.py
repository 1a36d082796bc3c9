"""The sidebar of filters with live counts: series, year, speaker, tag and the user's marks."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from desktop_app.core.labels import UNKNOWN
from desktop_app.core.records import FacetCounts, TalkFilter
from desktop_app.ui.wording import talks_text

FilterRole = Qt.ItemDataRole.UserRole  # (field, value) of TalkFilter, or ("saved", name)
SAVED = "Saved searches"


def fold(text: str) -> str:
    """Lower case without accents: "Şimşekli" → "simsekli"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def family_name_key(name: str) -> tuple[str, str]:
    """Sort key of a speaker by family name (the last word), then the whole name."""
    words = name.split()
    return (fold(words[-1]) if words else "", fold(name))


class FilterSidebar(QTreeWidget):
    """Groups of filters; clicking one narrows the list, clicking it again lifts it.

    Signals:
        filter_changed: the TalkFilter the user chose.
    """

    filter_changed = Signal(object)
    saved_chosen = Signal(str)
    saved_menu_requested = Signal(str, QPoint)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(True)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, self.header().ResizeMode.ResizeToContents)
        self.setAccessibleName("Filters")
        self.setToolTip("Click a filter to narrow the list; click it again to lift it")
        self._filter = TalkFilter()
        self._series_names: dict[str, str] = {}
        self._speaker_text = ""
        self.itemClicked.connect(self._on_item_clicked)
        self.itemActivated.connect(self._on_item_clicked)
        self._saved: list[tuple[str, int | None, str]] = []  # name, count, tooltip
        self._counts: FacetCounts | None = None
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu)

    def current_filter(self) -> TalkFilter:
        """The filter the sidebar stands for."""
        return self._filter

    def set_filter(self, talk_filter: TalkFilter) -> None:
        """Set the filter from outside (the timeline, a link on a talk page)."""
        self._filter = talk_filter
        self.filter_changed.emit(talk_filter)

    def set_series_names(self, names: dict[str, str]) -> None:
        """Readable names of the series slugs."""
        self._series_names = names

    def series_names(self) -> dict[str, str]:
        """Readable names of the series slugs."""
        return dict(self._series_names)

    def set_speaker_filter(self, text: str) -> None:
        """Show only the speakers whose name contains `text` (accents and case ignored)."""
        self._speaker_text = fold(text.strip())
        self._apply_speaker_filter()

    def _apply_speaker_filter(self) -> None:
        group = self._group_named("Speaker")
        if group is None:
            return
        for i in range(group.childCount()):
            item = group.child(i)
            name = fold(str(item.data(0, FilterRole)[1]))
            item.setHidden(bool(self._speaker_text) and self._speaker_text not in name)
        if self._speaker_text:
            group.setExpanded(True)

    def _group_named(self, title: str) -> QTreeWidgetItem | None:
        for i in range(self.topLevelItemCount()):
            if self.topLevelItem(i).text(0) == title:
                return self.topLevelItem(i)
        return None

    def show_counts(self, counts: FacetCounts) -> None:
        """Rebuild the groups with these counts, keeping the chosen filter visible."""
        expanded = {
            self.topLevelItem(i).text(0)
            for i in range(self.topLevelItemCount())
            if self.topLevelItem(i).isExpanded()
        } or {"Series", "Year", "Yours", SAVED}
        self._counts = counts
        self.clear()
        self._saved_group(expanded | {SAVED})
        self._group(
            "Yours",
            [
                ("New since your last visit", ("new", True), counts.new),
                ("Starred", ("starred", True), counts.starred),
                ("Watched", ("watched", True), counts.watched),
                ("Not watched", ("watched", False), counts.unwatched),
                ("Has a recording", ("has_recording", True), counts.has_recording),
                ("Upcoming", ("upcoming", True), counts.upcoming),
                ("Past", ("upcoming", False), counts.past),
                ("Needs facts", ("needs_facts", True), counts.needs_facts),
            ],
            expanded,
        )
        self._group(
            "Series",
            [
                (self._series_names.get(slug, slug), ("series", slug), n)
                for slug, n in counts.series.items()
            ],
            expanded,
        )
        years: list[tuple[str, tuple[str, Any], int]] = [
            (str(year), ("year", year), n)
            for year, n in sorted(counts.year.items(), key=lambda item: -(item[0] or 0))
            if year is not None
        ]
        if counts.year.get(None) or self._filter.has_date is False:
            years.append((f"Date {UNKNOWN}", ("has_date", False), counts.year.get(None, 0)))
        self._group("Year", years, expanded)
        self._group(
            "Speaker",
            [
                (name, ("speaker", name), n)
                for name, n in sorted(counts.speaker.items(), key=lambda i: family_name_key(i[0]))
            ],
            expanded,
        )
        self._apply_speaker_filter()
        if counts.tag:
            self._group("Tag", [(tag, ("tag", tag), n) for tag, n in counts.tag.items()], expanded)

    def _group(
        self, title: str, entries: list[tuple[str, tuple[str, Any], int]], expanded: set[str]
    ) -> None:
        group = QTreeWidgetItem(self, [title])
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        for label, (field, value), count in entries:
            item = QTreeWidgetItem(group, [label, str(count)])
            item.setData(0, FilterRole, (field, value))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, f"{label}: {talks_text(count)}")
            active = getattr(self._filter, field) == value
            item.setSelected(False)
            if active:
                bold = item.font(0)
                bold.setBold(True)
                item.setFont(0, bold)
                item.setText(0, f"✓ {label}")
            if count == 0 and not active:
                item.setDisabled(True)
        group.setExpanded(
            title in expanded or any(getattr(self._filter, e[1][0]) == e[1][1] for e in entries)
        )

    def show_saved(self, entries: list[tuple[str, int | None, str]]) -> None:
        """The saved searches: (name, count or None while counting, tooltip), in order."""
        self._saved = entries
        if self._counts is not None:
            self.show_counts(self._counts)

    def saved_names(self) -> list[str]:
        """The saved searches shown, in order."""
        return [name for name, _count, _tip in self._saved]

    def _saved_group(self, expanded: set[str]) -> None:
        if not self._saved:
            return
        group = QTreeWidgetItem(self, [SAVED])
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        for name, count, tooltip in self._saved:
            item = QTreeWidgetItem(group, [name, "…" if count is None else str(count)])
            item.setData(0, FilterRole, ("saved", name))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, tooltip + "\nRight-click to rename, move or delete")
        group.setExpanded(SAVED in expanded)

    @Slot(QPoint)
    def _on_context_menu(self, position: QPoint) -> None:
        item = self.itemAt(position)
        chosen = item.data(0, FilterRole) if item is not None else None
        if chosen and chosen[0] == "saved":
            self.saved_menu_requested.emit(chosen[1], self.viewport().mapToGlobal(position))

    @Slot(QTreeWidgetItem, int)
    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        chosen = item.data(0, FilterRole)
        if not chosen:
            return
        field, value = chosen
        if field == "saved":
            self.saved_chosen.emit(value)
            return
        current = getattr(self._filter, field)
        changes: dict[str, Any] = {field: None if current == value else value}
        if field == "year":
            changes.update(month=None, has_date=None)
        elif field == "has_date":
            changes.update(year=None, month=None)
        self.set_filter(replace(self._filter, **changes))
