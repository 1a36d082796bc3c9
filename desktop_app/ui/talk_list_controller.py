"""The talk list's contents: the query or filters run in the background, then shown."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Qt, QTimer, Signal, Slot

from desktop_app.core.records import FacetCounts, SortKey, TalkFilter, TalkRow
from desktop_app.ui.models.talk_table_model import (
    DATE,
    RECORDING,
    ROW_BATCH,
    SERIES,
    SPEAKERS,
    STAR,
    TITLE,
)
from desktop_app.ui.views import talk_html
from desktop_app.ui.views.filter_chips import filter_parts
from desktop_app.ui.wording import talks_text

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

SEARCH_DELAY_MS = 150
SEARCH_PAGE = 100  # ranked hits fetched at a time; more when the list is scrolled to its end
COUNTS_DELAY_MS = 250
MAX_RESELECTED = 2000  # talks selected again after the list changed
_SORT_BY_COLUMN = {
    DATE: (SortKey.DATE_ASCENDING, SortKey.DATE),
    TITLE: (SortKey.TITLE, SortKey.TITLE),
    SPEAKERS: (SortKey.SPEAKER, SortKey.SPEAKER),
    SERIES: (SortKey.SERIES, SortKey.SERIES),
    RECORDING: (SortKey.RECORDING, SortKey.RECORDING),
    STAR: (SortKey.STARRED, SortKey.STARRED),
}


class TalkListController(QObject):
    """Fills the window's talk list from the search (as the user types) or the filters.

    Each change runs in the background; an answer that a newer change overtook is dropped. The
    sidebar's counts and the timeline follow once typing pauses. Scrolling to the end of a
    search's hits fetches the next page.

    Signals:
        list_updated: the list shows a new result (query or filter).
        counts_updated: the sidebar's counts and the timeline caught up with the list.
    """

    list_updated = Signal()
    counts_updated = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._request = 0
        self.sort = SortKey.DATE  # of the list without a query (remembered by the window)
        self._search_sort = "relevance"
        self.terms: list[str] = []  # the query's words, marked on the talk page
        self.marks: Any = None  # the search result's Marks: what the talk page marks
        self._search_state: tuple[int, str, TalkFilter, str, Any] | None = None
        self._pending_counts: tuple[int, TalkFilter, TalkFilter] | None = None
        self._fetching_more = False
        self._end_pending = False  # End pressed while a page of hits was being fetched
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.timeout.connect(self._count_facets)
        window.search_field.textChanged.connect(lambda _text: self._search_timer.start())
        window.table.verticalScrollBar().valueChanged.connect(self._on_table_scrolled)
        window.table.end_pressed.connect(self._on_end_pressed)
        window.model.sort_requested.connect(self._on_model_sort_requested)

    def refresh_now(self) -> None:
        """Run the query at once (Enter in the search field), not after the typing pause."""
        self._search_timer.stop()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Re-run the current query or filter in the background; stale answers are dropped."""
        w = self._window
        if w.archive is None:
            return
        self._request += 1
        request = self._request
        query = w.search_field.text().strip()
        # A trailing space tells the search the last word is complete (not a prefix).
        typed = w.search_field.text().lstrip() if query else ""
        talk_filter = w.sidebar.current_filter()
        archive = w.archive
        self.terms = talk_html.highlight_terms(query)
        if not query:
            self.marks = None
        if query and w.search_index is None:
            w.request_search_index()
            w.count_label.setText(
                "Search is unavailable: " + w.search.error
                if w.search.error
                else "Preparing the search index…"
            )
            return
        index = w.search_index
        sort = self.sort
        search_sort = self._search_sort
        # Rows the view shows at once; they are read with the list, in the worker.
        shown = w.table.viewport().height() // max(1, w.table.verticalHeader().defaultSectionSize())
        prefetch = min(ROW_BATCH, max(shown, 30) + 2)
        known = w.model.known_uids()

        def run() -> tuple[Any, list[str], list[TalkRow]]:
            if query:
                result = index.search(
                    typed,
                    limit=SEARCH_PAGE,
                    sort=search_sort,
                    facets=False,
                    as_you_type=True,
                    talk_filter=talk_filter,
                    highlight=(),  # the list marks the titles it shows with result.marks
                )
                uids = [hit.uid for hit in result.hits]
            else:
                result, uids = None, archive.list_uids(talk_filter, sort)
            # The first screenful of rows is read here, not by the view on the GUI thread
            # (those the list already holds from earlier keystrokes are not read again).
            missing = [uid for uid in uids[:prefetch] if uid not in known]
            return result, uids, archive.rows_for(missing)

        def done(outcome: tuple[Any, list[str], list[TalkRow]]) -> None:
            if request != self._request:
                return
            self.marks = getattr(outcome[0], "marks", None) if query else None
            self._show_list(*outcome, query=query, talk_filter=talk_filter)
            self._search_state = (request, query, talk_filter, search_sort, outcome[0])
            # The counts follow once typing pauses, so that keystrokes show their hits first.
            counted = replace(talk_filter, uids=tuple(outcome[1])) if query else talk_filter
            self._pending_counts = (request, counted, talk_filter)
            self._counts_timer.start(COUNTS_DELAY_MS if query else 0)

        w.tasks.submit(run, done, self._on_list_failed, lane="search" if query else "io")

    @Slot(int)
    def _on_table_scrolled(self, value: int) -> None:
        """At the end of a search's hits, fetch the next page of them."""
        w = self._window
        if value < w.table.verticalScrollBar().maximum() or w.model.canFetchMore():
            return
        self._fetch_more_hits(SEARCH_PAGE)

    @Slot()
    def _on_end_pressed(self) -> None:
        """End (or Ctrl+End) selects the last hit, not the last one fetched so far."""
        w = self._window

        def select_last() -> None:
            while w.model.canFetchMore():
                w.model.fetchMore()
            if w.model.rowCount() > 0:
                w.table.selectRow(w.model.rowCount() - 1)
                w.table.scrollToBottom()

        if self._fetching_more:
            self._end_pending = True  # once that page is in
        elif not self._fetch_more_hits(None, then=select_last):
            select_last()

    def _fetch_more_hits(self, limit: int | None, then: Callable[[], None] | None = None) -> bool:
        """Fetch the next `limit` hits of the search shown (None: all the rest) in the
        background, then call `then`; False when there is nothing more to fetch."""
        w = self._window
        state = self._search_state
        if state is None or state[0] != self._request or self._fetching_more:
            return False
        request, query, talk_filter, search_sort, result = state
        if result is None or w.model.total() >= result.total:
            return False
        index, offset = w.search_index, w.model.total()
        self._fetching_more = True

        def run() -> Any:
            return index.search(
                query,
                limit=limit or result.total - offset,
                offset=offset,
                sort=search_sort,
                as_you_type=True,
                talk_filter=talk_filter,
                highlight=(),
            )

        def done(more: Any) -> None:
            self._fetching_more = False
            pending, self._end_pending = self._end_pending, False
            if request == self._request:
                w.model.append_uids([hit.uid for hit in more.hits])
                if then is not None:
                    then()
                elif pending:
                    self._on_end_pressed()

        def failed(error: Exception) -> None:
            self._fetching_more = self._end_pending = False
            self._on_list_failed(error)

        w.tasks.submit(run, done, failed, lane="search")
        return True

    @Slot()
    def _count_facets(self) -> None:
        w = self._window
        if self._pending_counts is None:
            return
        request, counted, talk_filter = self._pending_counts
        archive = w.archive
        w.tasks.submit(
            lambda: archive.facet_counts(counted),
            lambda counts: self._show_counts(request, counts, talk_filter),
            self._on_list_failed,
        )

    def _show_counts(self, request: int, counts: FacetCounts, talk_filter: TalkFilter) -> None:
        w = self._window
        if request == self._request:
            w.sidebar.show_counts(counts)
            w.timeline.set_counts(counts.year, talk_filter.year, counts.month, talk_filter.month)
            self.counts_updated.emit()

    def _on_list_failed(self, error: Exception) -> None:
        w = self._window
        w.show_error("The talk list could not be read.", str(error))

    def _show_list(
        self,
        result: Any,
        uids: list[str],
        rows: list[TalkRow],
        *,
        query: str,
        talk_filter: TalkFilter,
    ) -> None:
        w = self._window
        keep = w.current_uid
        selected = w.selected_uids() if keep else []
        w.model.set_uids(uids, rows, getattr(result, "marks", None))
        # Hits best first follow no column: the header shows no sort arrow then.
        ranked = bool(query) and self._search_sort == "relevance"
        w.table.horizontalHeader().setSortIndicatorShown(not ranked)
        suggestion = getattr(result, "suggestion", None) if result is not None else None
        if suggestion:
            link = html.escape(suggestion, quote=True)
            w.suggestion.setText(f'Did you mean <a href="{link}">{html.escape(suggestion)}</a>?')
            w.suggestion.show()
        else:
            w.suggestion.hide()
        message = getattr(result, "message", None) if result is not None else None
        if not uids:
            hint = (
                "Try fewer words, a prefix such as optim*, or lift a filter."
                if query
                else "Lift a filter to see more talks."
            )
            w.empty_label.setText(f"<b>No talks match.</b><br>{html.escape(hint)}")
            w.empty_label.resize(w.table.viewport().size())
            w.empty_label.show()
        else:
            w.empty_label.hide()
        total = getattr(result, "total", len(uids)) if result is not None else len(uids)
        if not query:
            shown = talks_text(len(uids))
        else:
            verb = "matches" if total == 1 else "match"
            best = ", best first" if total > len(uids) else ""
            shown = f"{talks_text(total)} {verb} “{query}”{best}"
        filters = describe_filter(talk_filter, w.sidebar.series_names())
        w.count_label.setText(" · ".join(p for p in (shown, filters, message or "") if p))
        if keep:
            if w.model.row_of(keep) >= 0:
                self._reselect(keep, selected)
            else:  # the page, the selection and the actions always name the same talk
                w.pages.clear()
        self.list_updated.emit()

    def _reselect(self, current: str, selected: list[str]) -> None:
        """Select again the talks selected before the list changed (those still in it)."""
        w = self._window
        model, selection_model = w.model, w.table.selectionModel()
        selection = QItemSelection()
        for uid in selected[:MAX_RESELECTED]:
            row = model.row_of(uid)
            if row >= 0:
                selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
        current_index = model.index(model.row_of(current), 0)
        flags = QItemSelectionModel.SelectionFlag
        selection_model.setCurrentIndex(current_index, flags.NoUpdate)
        selection_model.select(selection, flags.ClearAndSelect | flags.Rows)
        if not selection_model.isSelected(current_index):
            w.table.selectRow(current_index.row())

    @Slot(int, Qt.SortOrder)
    def _on_model_sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        if column not in _SORT_BY_COLUMN:
            return
        ascending, descending = _SORT_BY_COLUMN[column]
        self.sort = ascending if order == Qt.SortOrder.AscendingOrder else descending
        if column == DATE:
            self._search_sort = "date" if order == Qt.SortOrder.AscendingOrder else "-date"
        elif column == TITLE:
            self._search_sort = "title"
        else:
            self._search_sort = "relevance"
        self.refresh()


def describe_filter(f: TalkFilter, series_names: dict[str, str] | None = None) -> str:
    """The filter in words, as the status bar shows it."""
    return ", ".join(label for _field, label in filter_parts(f, series_names))
