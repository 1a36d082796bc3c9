"""The active filters as removable chips above the talk list ("One World ML ✕", "2021 ✕")."""

from __future__ import annotations

import calendar
from dataclasses import fields, replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop_app.core.records import TalkFilter

_MARKS = (
    ("starred", "Starred", "Not starred"),
    ("watched", "Watched", "Not watched"),
    ("has_recording", "With a recording", "Without a recording"),
    ("upcoming", "Upcoming", "Past"),
    ("needs_facts", "Needs facts", "Complete"),
    ("new", "New", "Seen"),
)


def filter_parts(
    f: TalkFilter, series_names: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """(field, words) of each restriction of `f`, in the order a user reads them."""
    names = series_names or {}
    parts: list[tuple[str, str]] = []
    if f.series is not None:
        parts.append(("series", names.get(f.series, f.series)))
    if f.year is not None:
        parts.append(("year", str(f.year)))
    if f.month is not None:
        parts.append(("month", calendar.month_name[f.month]))
    if f.has_date is False:
        parts.append(("has_date", "Date unknown"))
    elif f.has_date:
        parts.append(("has_date", "Dated"))
    if f.speaker is not None:
        parts.append(("speaker", f"Speaker: {f.speaker}"))
    if f.tag is not None:
        parts.append(("tag", f"Tag: {f.tag}"))
    for field, on, off in _MARKS:
        value = getattr(f, field)
        if value is not None:
            parts.append((field, on if value else off))
    return parts


def without(f: TalkFilter, field: str) -> TalkFilter:
    """`f` with one restriction lifted (lifting the year lifts its month too)."""
    if field not in {x.name for x in fields(TalkFilter)}:
        raise KeyError(field)
    changes: dict[str, Any] = {field: None}
    if field == "year":
        changes["month"] = None
    return replace(f, **changes)


class FilterChips(QWidget):
    """One button per active filter; clicking it lifts that filter.

    Signals:
        filter_changed: the TalkFilter without the lifted restriction.
    """

    filter_changed = Signal(object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Active filters")
        self._filter = TalkFilter()
        self._chips: list[QToolButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(4)
        self._label = QLabel("Filters:")
        self._layout.addWidget(self._label)
        self._layout.addStretch(1)
        self.hide()

    def show_filter(self, f: TalkFilter, series_names: dict[str, str] | None = None) -> None:
        """Show a chip per restriction of `f` (hidden when there is none)."""
        self._filter = f
        for chip in self._chips:
            self._layout.removeWidget(chip)
            chip.deleteLater()
        self._chips = []
        parts = filter_parts(f, series_names)
        for position, (field, words) in enumerate(parts, start=1):
            chip = QToolButton(self)
            chip.setText(f"{words}  ✕")
            chip.setObjectName(f"chip-{field}")
            chip.setAccessibleName(f"Remove filter {words}")
            chip.setToolTip(f"Lift the filter “{words}”")
            chip.setAutoRaise(False)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.clicked.connect(lambda _checked=False, name=field: self.lift(name))
            self._layout.insertWidget(position, chip)
            self._chips.append(chip)
        self.setVisible(bool(parts))

    def chips(self) -> list[QToolButton]:
        """The chips shown, in order."""
        return list(self._chips)

    def lift(self, field: str) -> None:
        """Lift one restriction."""
        self.filter_changed.emit(without(self._filter, field))
