"""The main window: composition of the search field, filters, timeline, list and talk page."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QPaintEvent,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ArchiveError
from desktop_app.core.records import SortKey, TalkFilter
from desktop_app.core.settings import AppConfig, save_app_config
from desktop_app.core.timeutil import zone as zone_named
from desktop_app.ui import backup_actions, talk_actions
from desktop_app.ui.actions import (
    MENUS,
    TALK_LIST_MENU,
    TOOLBAR,
    ActionId,
    create_actions,
    fill_menu,
)
from desktop_app.ui.archive_state_controller import ArchiveStateController
from desktop_app.ui.delegates.highlight_delegate import HighlightDelegate
from desktop_app.ui.dialogs.import_progress import importable_paths, run_import
from desktop_app.ui.edit_controller import EditController
from desktop_app.ui.models.talk_table_model import (
    DATE,
    RECORDING,
    SERIES,
    SPEAKERS,
    STAR,
    TITLE,
    TalkTableModel,
    TalkUidRole,
)
from desktop_app.ui.saved_search_controller import SavedSearchController
from desktop_app.ui.search_index_controller import SearchIndexController
from desktop_app.ui.shared_archive_controller import SharedArchiveController
from desktop_app.ui.sync_controller import SyncController
from desktop_app.ui.talk_list_controller import TalkListController
from desktop_app.ui.talk_page_controller import TalkPageController
from desktop_app.ui.tasks import TaskRunner
from desktop_app.ui.views.archive_banner import ArchiveBanner
from desktop_app.ui.views.edit_pane import EditPane
from desktop_app.ui.views.filter_chips import FilterChips
from desktop_app.ui.views.filter_sidebar import FilterSidebar
from desktop_app.ui.views.talk_panel import TalkPanel
from desktop_app.ui.views.talk_table_view import TalkTableView
from desktop_app.ui.views.timeline import TimelineWidget

if TYPE_CHECKING:
    from desktop_app.core.archive import Archive

log = logging.getLogger(__name__)
OPENING_INDEX = "Opening the search index…"

BUSY_DELAY_MS = 400  # background work shorter than this (a keystroke's search) shows no bar


class MainWindow(QMainWindow):
    """The archive browser.

    Signals:
        first_painted: the window has painted for the first time.
        list_updated: the talk list shows a new result (query or filter).
        counts_updated: the sidebar's counts and the timeline caught up with the list.
        search_ready: the search index is open.
        import_finished: (report or error) an import ended.
    """

    first_painted = Signal()
    list_updated = Signal()
    counts_updated = Signal()
    search_ready = Signal()
    import_finished = Signal(object)

    def __init__(
        self,
        archive: Archive | None,
        config: AppConfig | None = None,
        open_search: bool = True,
        restore_view_state: bool = True,
    ) -> None:
        super().__init__()
        self.archive: Archive = None  # type: ignore[assignment]  # set by attach_archive
        self._open_search = open_search
        self.config = config or AppConfig()
        self.tasks = TaskRunner(self)
        self.undo_stack = QUndoStack(self)
        self.search = SearchIndexController(self.tasks, self)
        self._painted = False
        self._import_cancel: Any = None
        self._shown_filter = TalkFilter()
        self.display_zone = self._zone_from_config()

        self.setWindowTitle("Seminar Archive")
        self.setAcceptDrops(True)
        self.last_problem: Any = None  # the last failure dialog shown (ProblemDialog)
        self._fit_to_screen()
        self.actions_by_id = create_actions(self)
        self._build_widgets()
        self._build_menus()
        self._connect()
        self._remember_view_state = restore_view_state
        if restore_view_state:
            self._restore_view_state()
        if archive is not None:
            self.attach_archive(archive)
        else:
            self.centralWidget().setEnabled(False)
            self.count_label.setText("Opening the archive…")

    def attach_archive(self, archive: Archive) -> None:
        """Show `archive` (opened in the background at start-up, so the window comes first)."""
        self.archive = archive
        self.model.set_archive(archive)
        self.centralWidget().setEnabled(True)
        self.sidebar.set_series_names(
            {s.series.slug: s.series.short_name or s.series.name for s in archive.series()}
        )
        if self._open_search and self.search_field.text().strip():
            self.request_search_index()
        elif self._open_search:
            # After the first list: the index's imports would slow the talks' first showing.
            self.list_updated.connect(
                self.request_search_index, Qt.ConnectionType.SingleShotConnection
            )
        self.archive_state.archive_attached()
        self.shared.archive_attached()
        self.refresh_list()
        self.saved.refresh()

    @property
    def current_uid(self) -> str | None:
        """The talk whose page is shown (None: no talk, or a speaker or series page)."""
        return self.pages.current_uid

    @property
    def search_index(self) -> Any:
        """The open search index (None until it is open)."""
        return self.search.index

    # ------------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        self.search_field = QLineEdit()
        self.search_field.setAccessibleName("Search")
        self.search_field.setPlaceholderText(
            "Search titles, speakers, abstracts…  (Ctrl+K)   "
            'e.g. speaker:simsekli, "edge of stability", year:2021'
        )
        self.search_field.setToolTip(
            'Search as you type: words, "phrases", speaker:, title:, year:, '
            "OR, NOT, prefix*, fuzzy~"
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.addAction(
            self.actions_by_id[ActionId.FIND], QLineEdit.ActionPosition.LeadingPosition
        )
        self.suggestion = QLabel()
        self.suggestion.setAccessibleName("Did you mean")
        self.suggestion.setTextFormat(Qt.TextFormat.RichText)
        self.suggestion.setToolTip("A spelling the archive knows; click to search for it")
        self.suggestion.hide()

        self.sidebar = FilterSidebar()
        self.speaker_filter = QLineEdit()
        self.speaker_filter.setAccessibleName("Filter speakers")
        self.speaker_filter.setPlaceholderText("Filter speakers…")
        self.speaker_filter.setToolTip("Show only the speakers whose name contains this")
        self.speaker_filter.setClearButtonEnabled(True)
        sidebar_box = QWidget()
        sidebar_box.setMinimumWidth(150)
        sidebar_layout = QVBoxLayout(sidebar_box)
        sidebar_layout.setContentsMargins(0, 0, 0, 0)
        sidebar_layout.addWidget(self.sidebar, 1)
        sidebar_layout.addWidget(self.speaker_filter)
        self.timeline = TimelineWidget()
        self.chips = FilterChips()

        self.model = TalkTableModel(None, self)
        self.model.set_display_zone(self.display_zone)
        self.table = TalkTableView()
        self.table.setAccessibleName("Talks")
        self.table.setToolTip("")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(TITLE, HighlightDelegate(self.table))
        self.table.columns_hidden_when_narrow = (SERIES,)  # the talk page names the series
        self.table.column_widths_when_narrow = {SPEAKERS: 100}
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(DATE, Qt.SortOrder.DescendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (DATE, 84),
            (SPEAKERS, 140),
            (SERIES, 110),
            (RECORDING, 38),
            (STAR, 28),
        ):
            self.table.setColumnWidth(column, width)
        self.empty_label = QLabel(self.table.viewport())
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        self.banner = ArchiveBanner()
        center_layout.addWidget(self.banner)
        center_layout.addWidget(self.search_field)
        center_layout.addWidget(self.suggestion)
        center_layout.addWidget(self.chips)
        center_layout.addWidget(self.timeline)
        center_layout.addWidget(self.table, 1)

        self.panel = TalkPanel()
        self.panel.set_last_calendar_target(self.config.last_calendar_target)
        center.setMinimumWidth(280)
        self.panel.setMinimumWidth(240)
        self.panel.add_date_button.clicked.connect(lambda: self.editor.open(focus="start"))
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(sidebar_box)
        self.splitter.addWidget(center)
        self.edit_pane = EditPane()
        self.right = QStackedWidget()
        self.right.addWidget(self.panel)
        self.right.addWidget(self.edit_pane)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes(splitter_sizes(self.width()))
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel()
        self.count_label.setAccessibleName("Talk count")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setAccessibleName("Background work")
        self.progress.hide()
        self.index_status = QLabel()
        self.index_status.setAccessibleName("Search index status")
        self.index_status.hide()
        self.statusBar().addWidget(self.count_label, 1)
        self.cancel_import = QToolButton()
        self.cancel_import.setText("Cancel import")
        self.cancel_import.setToolTip("Stop the import; the file being read is not imported")
        self.cancel_import.setAccessibleName("Cancel import")
        self.cancel_import.hide()
        self.statusBar().addPermanentWidget(self.index_status)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_import)

        for widget in (
            self.search_field,
            self.table,
            self.panel.open_button,
            self.panel.calendar_button,
            self.panel.star_button,
            self.panel.watched_button,
            self.panel.browser,
            self.panel.note,
        ):
            widget.setFocusPolicy(widget.focusPolicy() | Qt.FocusPolicy.TabFocus)
        QWidget.setTabOrder(self.search_field, self.table)
        QWidget.setTabOrder(self.table, self.panel.open_button)
        QWidget.setTabOrder(self.panel.open_button, self.panel.calendar_button)
        QWidget.setTabOrder(self.panel.calendar_button, self.panel.star_button)
        QWidget.setTabOrder(self.panel.star_button, self.panel.watched_button)
        QWidget.setTabOrder(self.panel.watched_button, self.panel.browser)
        QWidget.setTabOrder(self.panel.browser, self.panel.note)
        QWidget.setTabOrder(self.panel.note, self.sidebar)

    def _build_menus(self) -> None:
        a = self.actions_by_id
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        self.undo_action, self.redo_action = undo, redo
        named: dict[ActionId | str, Any] = {**a, "undo": undo, "redo": redo}
        for title, items in MENUS:
            fill_menu(self.menuBar().addMenu(title), items, named)
        self.toolbar = self.addToolBar("Toolbar")
        self.toolbar.setObjectName("main-toolbar")  # for saveState
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(18, 18))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for item in TOOLBAR:
            if item is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(a[item])
        self.addAction(a[ActionId.FIND_ALT])
        # Single-key shortcuts act on the list only, so that typing in a text field is never taken.
        for action_id in (
            ActionId.OPEN_RECORDING,
            ActionId.TOGGLE_STAR,
            ActionId.TOGGLE_WATCHED,
            ActionId.COPY_LINK,
        ):
            a[action_id].setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(a[action_id])
        for action_id in (ActionId.BACK, ActionId.FORWARD):
            a[action_id].setEnabled(False)

    def _connect(self) -> None:
        a = self.actions_by_id
        self.talk_list = TalkListController(self)
        self.talk_list.list_updated.connect(self.list_updated)
        self.talk_list.counts_updated.connect(self.counts_updated)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)
        self.search_field.returnPressed.connect(self._on_search_return_pressed)
        self.suggestion.linkActivated.connect(self.search_field.setText)
        self.sidebar.filter_changed.connect(self._on_sidebar_filter_changed)
        self.chips.filter_changed.connect(self.sidebar.set_filter)
        self.speaker_filter.textChanged.connect(self.sidebar.set_speaker_filter)
        self.timeline.undated_clicked.connect(
            lambda: self.sidebar.set_filter(
                replace(self.sidebar.current_filter(), year=None, month=None, has_date=False)
            )
        )
        self.timeline.bar_clicked.connect(
            lambda year: self.sidebar.set_filter(
                replace(self.sidebar.current_filter(), year=year or None, month=None, has_date=None)
            )
        )
        self.timeline.month_clicked.connect(
            lambda month: self.sidebar.set_filter(
                replace(self.sidebar.current_filter(), month=month or None)
            )
        )
        self.archive_state = ArchiveStateController(self)
        self.shared = SharedArchiveController(self)
        self.pages = TalkPageController(self)
        self.editor = EditController(self)
        self.sync = SyncController(self)
        self.saved = SavedSearchController(self)
        a[ActionId.SAVE_SEARCH].triggered.connect(lambda: self.saved.save_current())
        for changed in (self.search_ready, self.import_finished, self.sync.finished):
            changed.connect(lambda *_args: self.saved.refresh())
        self.editor.saved.connect(lambda _uids: self.saved.refresh())
        a[ActionId.UPDATE].triggered.connect(self.sync.update)
        a[ActionId.SOURCES].triggered.connect(self.show_sources)
        a[ActionId.REVIEW].triggered.connect(self.show_review)
        self.editor.saved.connect(self._on_talks_edited)
        a[ActionId.EDIT_TALK].triggered.connect(lambda: self.editor.open())
        a[ActionId.LINK_RECORDING].triggered.connect(
            lambda: self.editor.open(focus="recording_url")
        )
        self.pages.history_changed.connect(self._on_history_changed)
        self.update_talk_actions()
        self.table.doubleClicked.connect(lambda _index: self.open_recording())
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.panel.open_recording_requested.connect(self.open_recording)
        self.panel.calendar_requested.connect(self.add_to_calendar)
        self.panel.starred_changed.connect(lambda on: self.set_marks("starred", on))
        self.panel.watched_changed.connect(lambda on: self.set_marks("watched", on))
        self.tasks.busy_changed.connect(self._on_tasks_busy_changed)
        self.search.ready.connect(self._on_search_index_ready)
        self.search.failed.connect(self.show_error)
        self.search.status.connect(self._show_index_status)
        self.search.updated.connect(self._on_search_index_updated)
        a[ActionId.IMPORT].triggered.connect(self.choose_import_files)
        a[ActionId.EXPORT_ARCHIVE].triggered.connect(lambda: talk_actions.export_archive(self))
        a[ActionId.EXPORT_ARCHIVE_MINE].triggered.connect(
            lambda: talk_actions.export_archive(self, with_user_state=True)
        )
        a[ActionId.EXPORT_SELECTION_ICS].triggered.connect(lambda: self.export_selection("ics"))
        a[ActionId.EXPORT_SELECTION_JSONL].triggered.connect(lambda: self.export_selection("jsonl"))
        backup_actions.connect(self)
        a[ActionId.PREFERENCES].triggered.connect(self.show_preferences)
        a[ActionId.QUIT].triggered.connect(self.close)
        a[ActionId.FIND].triggered.connect(self.focus_search)
        a[ActionId.FIND_ALT].triggered.connect(self.focus_search)
        a[ActionId.CLEAR_SEARCH].triggered.connect(self.escape)
        a[ActionId.BACK].triggered.connect(self.pages.go_back)
        a[ActionId.FORWARD].triggered.connect(self.pages.go_forward)
        a[ActionId.SHORTCUTS].triggered.connect(self.show_shortcuts)
        a[ActionId.CLEAR_FILTERS].triggered.connect(self.clear_filters)
        a[ActionId.OPEN_RECORDING].triggered.connect(self.open_recording)
        a[ActionId.ADD_TO_CALENDAR].triggered.connect(
            lambda: self.add_to_calendar(self.panel.last_calendar_target)
        )
        a[ActionId.COPY_LINK].triggered.connect(lambda: talk_actions.copy_link(self))
        a[ActionId.TOGGLE_STAR].triggered.connect(lambda: talk_actions.toggle_mark(self, "starred"))
        a[ActionId.TOGGLE_WATCHED].triggered.connect(
            lambda: talk_actions.toggle_mark(self, "watched")
        )
        a[ActionId.ABOUT].triggered.connect(self.show_about)

    # ------------------------------------------------------------------ state

    def _zone_from_config(self) -> Any:
        if self.config.display_timezone:
            try:
                return zone_named(self.config.display_timezone)
            except ArchiveError:
                log.warning(
                    "unknown display time zone %s; using the system's", self.config.display_timezone
                )
        return None

    def _restore_view_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = settings.value("main_window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.value("main_window/header")
        if header is not None:
            self.table.horizontalHeader().restoreState(header)
            self.table.fit_columns()  # the saved state may come from a narrower window
        toolbars = settings.value("main_window/toolbars")
        if toolbars is not None:
            self.restoreState(toolbars)  # a toolbar the user hid stays hidden
        sort = settings.value("main_window/sort")
        if sort in {key.value for key in SortKey}:
            self.talk_list.sort = SortKey(sort)

    def _save_view_state(self) -> None:
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.setValue("main_window/header", self.table.header_state())
        settings.setValue("main_window/toolbars", self.saveState())
        settings.setValue("main_window/sort", self.talk_list.sort.value)

    def _fit_to_screen(self) -> None:
        """Open at 1280×800, or smaller to fit the screen's free area (a 1366×768 laptop)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        free = screen.availableGeometry()
        # Leave room for the window frame and title bar.
        width, height = min(1280, free.width() - 16), min(800, free.height() - 48)
        self.resize(max(640, width), max(480, height))
        self.move(
            free.left() + max(0, (free.width() - self.width()) // 2),
            free.top() + max(0, (free.height() - self.height() - 32) // 2),
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        old, new = event.oldSize().width(), event.size().width()
        if old > 0 and abs(old - new) > 2:
            # The list keeps its share as the window narrows (the splitter alone would take
            # it all from the list).
            sizes = self.splitter.sizes()
            total = sum(sizes)
            if total > 0 and sizes[1] < 0.42 * total:
                self.splitter.setSizes(splitter_sizes(total))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_painted.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.archive is not None:
            self.panel.flush_note()
            if self._remember_view_state:
                self._save_view_state()
        self.stop_background_work()
        super().closeEvent(event)

    def stop_background_work(self) -> None:
        """Cancel what can be cancelled (imports, index builds), wait for the rest, close."""
        self.search.stop()  # index builds stop at their next progress report
        self.shared.timer.stop()
        if self._import_cancel is not None:
            self._import_cancel.set()
        self.tasks.wait_for_done()
        self.search.close()
        self.shared.close()

    # ------------------------------------------------------------------ search and list

    @Slot()
    def request_search_index(self) -> None:
        """Open the search index (once), unless the window was made without search."""
        if self._open_search and not self.search.requested:
            # Beside the status bar's messages, never over one (an import's summary, say).
            self._show_index_status(OPENING_INDEX)
            self.search.open(self.archive)

    @Slot()
    def _on_search_index_ready(self) -> None:
        if self.index_status.text() == OPENING_INDEX:
            self._show_index_status("")
        if not self.statusBar().currentMessage():
            self.statusBar().showMessage("Search index ready", 2000)
        self.search_ready.emit()
        if self.search_field.text().strip():
            self.refresh_list()
        if self.current_uid:
            self.pages.load_page_extras(self.current_uid)

    @Slot()
    def _on_search_index_updated(self) -> None:
        if self.search_field.text().strip():
            self.refresh_list()

    @Slot(str)
    def _show_index_status(self, text: str) -> None:
        self.index_status.setText(text)
        self.index_status.setVisible(bool(text))

    @Slot()
    def refresh_list(self) -> None:
        """Re-run the current query or filter in the background (stale answers are dropped)."""
        self.talk_list.refresh()

    @Slot(object)
    def _on_sidebar_filter_changed(self, talk_filter: TalkFilter) -> None:
        """Refresh the list; a newly chosen speaker or series also shows its page."""
        previous, self._shown_filter = self._shown_filter, talk_filter
        self.chips.show_filter(talk_filter, self.sidebar.series_names())
        self.refresh_list()
        if talk_filter.speaker and talk_filter.speaker != previous.speaker:
            self.pages.show_speaker(talk_filter.speaker)
        elif talk_filter.series and talk_filter.series != previous.series:
            self.pages.show_series(talk_filter.series)

    def _on_search_return_pressed(self) -> None:
        self.talk_list.refresh_now()
        self.table.setFocus()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def keyPressEvent(self, event: Any) -> None:
        if self.search_field.hasFocus() and event.key() == Qt.Key.Key_Down:
            self.table.setFocus()
            if self.model.rowCount():
                self.table.selectRow(0)
            return
        super().keyPressEvent(event)

    @Slot()
    def focus_search(self) -> None:
        """Put the cursor into the search field; while reading a page (its text focused),
        find in the page instead (Ctrl+K always goes to the search field)."""
        focused = QApplication.focusWidget()
        reading = focused is not None and (
            focused is self.panel.browser or self.panel.find_bar.isAncestorOf(focused)
        )
        if reading and self.sender() is not self.actions_by_id[ActionId.FIND_ALT]:
            self.panel.find_bar.open_bar()
            return
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    @Slot()
    def escape(self) -> None:
        """Esc: close the find bar of the page; else clear the search; when it is empty,
        lift the filters."""
        bar = self.panel.find_bar
        if bar.isVisible() and bar.isAncestorOf(QApplication.focusWidget()):
            bar.close_bar()
        elif self.search_field.text():
            self.clear_search()
        elif self.sidebar.current_filter() != TalkFilter():
            self.clear_filters()

    @Slot()
    def clear_search(self) -> None:
        """Empty the search field (the list shows the filters' talks again)."""
        self.search_field.clear()

    @Slot()
    def clear_filters(self) -> None:
        """Lift every filter and clear the search."""
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)
        self.sidebar.set_filter(TalkFilter())

    # ------------------------------------------------------------------ talk page

    def selected_uids(self) -> list[str]:
        """The uids of the selected rows, in list order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.data(self.model.index(row, 0), TalkUidRole) for row in rows]

    def update_talk_actions(self) -> None:
        """Name the Talk menu's toggles by what they will do (Star or Unstar), enable what
        applies to the talk shown."""
        a = self.actions_by_id
        uids = talk_actions.marks_target(self)
        detail = self.panel.detail
        rows = {r.uid: r for r in self.model.held_rows(uids)}
        if detail is not None:
            states = {detail.talk.uid: (detail.user.starred, detail.user.watched)}
        else:
            states = {}
        states.update({u: (r.starred, r.watched) for u, r in rows.items() if u not in states})
        known = [states[u] for u in uids if u in states]
        all_starred = bool(known) and all(s for s, _w in known)
        all_watched = bool(known) and all(w for _s, w in known)
        a[ActionId.TOGGLE_STAR].setText("Un&star" if all_starred else "&Star")
        a[ActionId.TOGGLE_WATCHED].setText("Mark not &watched" if all_watched else "Mark &watched")
        for action_id in (ActionId.TOGGLE_STAR, ActionId.TOGGLE_WATCHED, ActionId.COPY_LINK):
            a[action_id].setEnabled(bool(uids))
        talk = detail.talk if detail is not None else None
        a[ActionId.OPEN_RECORDING].setEnabled(bool(talk and talk.recording_url))
        a[ActionId.ADD_TO_CALENDAR].setEnabled(bool(talk and talk.start))
        a[ActionId.EDIT_TALK].setEnabled(bool(uids))
        a[ActionId.LINK_RECORDING].setEnabled(talk is not None)
        if hasattr(self, "archive_state"):
            self.archive_state.restrict()

    @Slot(list)
    def _on_talks_edited(self, uids: list[str]) -> None:
        """Talks were edited (or an edit undone): their rows, the page and the list follow."""
        self.model.refresh(uids)
        self.pages.refresh()
        self.refresh_list()

    @Slot()
    def _on_history_changed(self) -> None:
        self.actions_by_id[ActionId.BACK].setEnabled(self.pages.can_go_back())
        self.actions_by_id[ActionId.FORWARD].setEnabled(self.pages.can_go_forward())

    # ------------------------------------------------------------------ talk actions

    def open_url(self, url: str) -> bool:
        """Open a link by the URL policy; refused links are explained."""
        return talk_actions.open_url(self, url)

    @Slot()
    def open_recording(self) -> None:
        """Open the current talk's recording and mark it watched (undo with Ctrl+Z)."""
        talk_actions.open_recording(self)

    def set_marks(self, field: str, value: bool, uids: list[str] | None = None) -> None:
        """Set a mark on talks (the current talk by default), undoably."""
        talk_actions.set_marks(self, field, value, uids)

    @Slot(str)
    def add_to_calendar(self, target: str) -> None:
        """Put the current talk into a calendar (the menu of the talk page)."""
        from desktop_app.ui import calendar_actions

        if self.current_uid is None:
            return
        calendar_actions.add_to_calendar(self, self.current_uid, target)

    def calendar_target_worked(self, target: str) -> None:
        """A calendar target that worked becomes the one-click default (a failed one never)."""
        if target == "file":
            return
        self.panel.set_last_calendar_target(target)
        if target != self.config.last_calendar_target:
            self.config = replace(self.config, last_calendar_target=target)
            try:
                save_app_config(self.config)
            except OSError as error:
                log.warning("preferences not saved: %s", error)

    def export_selection(self, kind: str) -> None:
        """Write the selected talks as .ics or .jsonl."""
        from desktop_app.ui import calendar_actions

        calendar_actions.export_selection(self, self.selected_uids(), kind)

    # ------------------------------------------------------------------ import

    def choose_import_files(self) -> None:
        """File → Import."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import talks", "", "Talks (*.jsonl *.ndjson *.ics);;All files (*)"
        )
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        """Import files in the background with progress, cancel, and a summary."""
        if self.archive_state.refuse("Importing"):
            return
        run_import(self, paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if importable_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = importable_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    # ------------------------------------------------------------------ dialogs and messages

    def show_preferences(self) -> None:
        """The Preferences dialog."""
        from desktop_app.ui.dialogs.preferences import PreferencesDialog

        dialog = PreferencesDialog(
            self.config, self.archive.folder, self, data_dir=self.shared.data_dir
        )
        if dialog.exec():
            engine = self.config.search_engine
            self.config = dialog.result_config()
            save_app_config(self.config)
            if self.config.search_engine != engine and self.search.requested:
                self.search.switch_engine(self.archive, self.config.search_engine)
            self.display_zone = self._zone_from_config()
            self.model.set_display_zone(self.display_zone)
            from desktop_app.ui.application import apply_theme

            apply_theme(self.config.theme)
            self.pages.refresh()

    def show_sources(self) -> None:
        """File → Sources…"""
        from desktop_app.ui.dialogs.sources import SourcesDialog

        dialog = SourcesDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.sources_dialog = dialog

    def show_review(self) -> None:
        """File → Review proposals…"""
        from desktop_app.ui.dialogs.review import ReviewDialog

        dialog = ReviewDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.decided.connect(self._on_talks_edited)
        dialog.open()
        self.review_dialog = dialog

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts and search syntax."""
        from desktop_app.ui.dialogs.shortcuts import ShortcutsDialog

        actions = [*self.actions_by_id.values(), self.undo_action, self.redo_action]
        dialog = ShortcutsDialog(actions, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.shortcuts_dialog = dialog

    def show_about(self) -> None:
        """Version, data folder, and the versions of Qt and the libraries under the app."""
        import PySide6
        from PySide6.QtCore import qVersion

        from desktop_app import __version__
        from desktop_app.core.versions import library_versions

        versions = {"Qt": qVersion(), "PySide6": PySide6.__version__, **library_versions()}
        rows = "".join(
            f"<tr><td>{_text(name)}&nbsp;&nbsp;</td><td>{_text(version)}</td></tr>"
            for name, version in versions.items()
        )
        QMessageBox.about(
            self,
            "About Seminar Archive",
            f"<h3>Seminar Archive {_text(__version__)}</h3>"
            "<p>An offline archive of research seminar talks.</p>"
            f"<p>Data folder:<br><code>{_text(str(self.archive.folder))}</code></p>"
            f"<table>{rows}</table>",
        )

    def show_problem(self, title: str, message: str, **options: Any) -> Any:
        """A failure the user must act on: a dialog (with Copy link / Show file where given)."""
        from desktop_app.ui.dialogs.problem import show_problem

        log.warning("%s: %s", title, message)
        return show_problem(self, title, message, **options)

    def show_error(self, message: str, detail: str = "") -> None:
        """Show a passing problem without blocking: in the status bar, detail in its tooltip."""
        log.warning("%s %s", message, detail)
        self.statusBar().showMessage(f"{message} {detail}".strip(), 10_000)
        self.statusBar().setToolTip(detail)

    @Slot(int)
    def _on_tasks_busy_changed(self, running: int) -> None:
        """The busy bar shows once work has lasted a moment (a bar per keystroke would flicker
        and relayout the status bar while typing)."""
        if self._import_cancel is not None:
            return
        if running == 0:
            self._busy_timer.stop()
            self.progress.hide()
        elif not self.progress.isVisible() and not self._busy_timer.isActive():
            self._busy_timer.start()

    @Slot()
    def _show_busy(self) -> None:
        if self._import_cancel is None and self.tasks.running > 0:
            self.progress.setRange(0, 0)
            self.progress.show()

    def _on_table_context_menu(self, position: Any) -> None:
        if not self.selected_uids():
            return
        menu = QMenu(self)
        fill_menu(menu, TALK_LIST_MENU, self.actions_by_id)
        menu.popup(self.table.viewport().mapToGlobal(position))


def splitter_sizes(width: int) -> list[int]:
    """Sidebar, list and page widths for a window `width` wide: the list gets the most."""
    sidebar = max(150, min(230, int(width * 0.17)))
    page = max(240, int((width - sidebar) * 0.42))
    return [sidebar, max(280, width - sidebar - page), page]


def _text(value: str) -> str:
    import html

    return html.escape(value)
