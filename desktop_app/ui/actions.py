"""Every QAction of the application, declared once and keyed by an Enum."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum, auto

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.ui.icons import icon


class ActionId(Enum):
    """The application's commands."""

    IMPORT = auto()
    SOURCES = auto()
    REVIEW = auto()
    UPDATE = auto()
    EXPORT_ARCHIVE = auto()
    EXPORT_ARCHIVE_MINE = auto()
    EXPORT_SELECTION_ICS = auto()
    EXPORT_SELECTION_JSONL = auto()
    BACK_UP = auto()
    RESTORE = auto()
    PREFERENCES = auto()
    QUIT = auto()
    FIND = auto()
    FIND_ALT = auto()
    SAVE_SEARCH = auto()
    CLEAR_SEARCH = auto()
    OPEN_RECORDING = auto()
    ADD_TO_CALENDAR = auto()
    COPY_LINK = auto()
    TOGGLE_STAR = auto()
    TOGGLE_WATCHED = auto()
    CLEAR_FILTERS = auto()
    EDIT_TALK = auto()
    LINK_RECORDING = auto()
    BACK = auto()
    FORWARD = auto()
    SHORTCUTS = auto()
    ABOUT = auto()


# id: (text, shortcuts, tooltip, icon name)
_SPECS: dict[ActionId, tuple[str, tuple[str | QKeySequence.StandardKey, ...], str, str]] = {
    ActionId.IMPORT: (
        "&Import…",
        (QKeySequence.StandardKey.Open,),
        "Import talks from .jsonl or .ics files",
        "import",
    ),
    ActionId.SOURCES: (
        "&Sources…",
        (),
        "The calendar feeds, researchseminars.org series and files the archive follows",
        "sources",
    ),
    ActionId.REVIEW: (
        "&Review proposals…",
        (),
        "Records that seem to be one talk, and recordings proposed for talks",
        "review",
    ),
    ActionId.UPDATE: (
        "&Update from sources",
        (QKeySequence.StandardKey.Refresh, "F5"),
        "Bring new and changed talks from every source (F5)",
        "update",
    ),
    ActionId.EXPORT_ARCHIVE: (
        "&Export archive (.jsonl)…",
        (),
        "Write the whole archive in the exchange format",
        "",
    ),
    ActionId.EXPORT_ARCHIVE_MINE: (
        "Export archive with my &marks and notes (.jsonl)…",
        (),
        "The whole archive with your stars, watched marks and notes (to move to another computer)",
        "",
    ),
    ActionId.EXPORT_SELECTION_ICS: (
        "Export selection as .&ics…",
        (),
        "Write the selected talks as a calendar file",
        "calendar",
    ),
    ActionId.EXPORT_SELECTION_JSONL: (
        "Export selection as .js&onl…",
        (),
        "Write the selected talks in the exchange format",
        "",
    ),
    ActionId.BACK_UP: (
        "Bac&k up…",
        (),
        "Save a copy of the archive's database (talks, marks, notes, edits), safe while it works",
        "",
    ),
    ActionId.RESTORE: (
        "Res&tore from a backup…",
        (),
        "Replace the archive by a backup; the archive as it is now is kept in backups/",
        "",
    ),
    ActionId.PREFERENCES: (
        "&Preferences…",
        (QKeySequence.StandardKey.Preferences, "Ctrl+,"),
        "Data folder, time zone, reminders, CalDAV, theme",
        "",
    ),
    ActionId.QUIT: ("&Quit", (QKeySequence.StandardKey.Quit, "Ctrl+Q"), "Quit Seminar Archive", ""),
    ActionId.EDIT_TALK: (
        "&Edit talk…",
        ("Ctrl+E", "F2"),
        "Complete or correct the talk's facts (several selected: a series, tag or affiliation)",
        "",
    ),
    ActionId.LINK_RECORDING: (
        "&Link a recording…",
        (),
        "Give the talk's recording: a web link, or a file inside a recordings folder",
        "recording",
    ),
    ActionId.BACK: (
        "&Back",
        (QKeySequence.StandardKey.Back, "Alt+Left"),
        "Show the page shown before (Alt+Left)",
        "back",
    ),
    ActionId.FORWARD: (
        "&Forward",
        (QKeySequence.StandardKey.Forward, "Alt+Right"),
        "Show again the page Back left (Alt+Right)",
        "forward",
    ),
    ActionId.SHORTCUTS: (
        "&Keyboard shortcuts and search syntax",
        (QKeySequence.StandardKey.HelpContents, "F1"),
        "Every shortcut, and how to write a search",
        "",
    ),
    ActionId.FIND: (
        "&Find",
        (QKeySequence.StandardKey.Find,),
        "Search titles, speakers and abstracts (Ctrl+F, Ctrl+K)",
        "search",
    ),
    ActionId.FIND_ALT: ("Find (Ctrl+K)", ("Ctrl+K",), "Search titles, speakers and abstracts", ""),
    ActionId.SAVE_SEARCH: (
        "&Save search…",
        ("Ctrl+Shift+S",),
        "Keep the query and the filters as a saved search in the sidebar",
        "",
    ),
    ActionId.CLEAR_SEARCH: ("&Clear search", ("Escape",), "Clear the search, then the filters", ""),
    ActionId.OPEN_RECORDING: (
        "&Open recording",
        ("Return", "Enter"),
        "Open the selected talk's recording",
        "recording",
    ),
    ActionId.ADD_TO_CALENDAR: (
        "Add to &calendar",
        ("Ctrl+D",),
        "Add the selected talk to your calendar",
        "calendar",
    ),
    ActionId.COPY_LINK: (
        "Copy &link",
        (QKeySequence.StandardKey.Copy,),
        "Copy the recording link (or the talk's first link)",
        "",
    ),
    ActionId.TOGGLE_STAR: ("&Star", ("S",), "Star or unstar the selected talks", "star"),
    ActionId.TOGGLE_WATCHED: (
        "Mark &watched",
        ("W",),
        "Mark the selected talks as watched or not",
        "watched",
    ),
    ActionId.CLEAR_FILTERS: (
        "Show &all talks",
        ("Ctrl+Shift+A",),
        "Lift every filter and clear the search",
        "",
    ),
    ActionId.ABOUT: ("&About Seminar Archive", (), "Version and data folder", ""),
}


def create_actions(parent: QWidget) -> dict[ActionId, QAction]:
    """One QAction per ActionId, owned by `parent`."""
    actions: dict[ActionId, QAction] = {}
    for action_id, (text, shortcuts, tooltip, icon_name) in _SPECS.items():
        action = QAction(text, parent)
        keys: list[QKeySequence] = []
        for shortcut in shortcuts:
            found = (
                QKeySequence.keyBindings(shortcut)
                if isinstance(shortcut, QKeySequence.StandardKey)
                else [QKeySequence(shortcut)]
            )
            # The same key twice on one action makes Qt read it as ambiguous: it does nothing.
            keys.extend(k for k in found if not k.isEmpty() and k not in keys)
        action.setShortcuts(keys)
        action.setToolTip(tooltip)
        action.setStatusTip(tooltip)
        if icon_name:
            action.setIcon(icon(icon_name))
        action.setObjectName(action_id.name.lower())
        actions[action_id] = action
    return actions


# The Talk menu, and the first part of the talk list's context menu (None: a separator).
TALK_ACTIONS = (
    ActionId.EDIT_TALK,
    ActionId.LINK_RECORDING,
    None,
    ActionId.OPEN_RECORDING,
    ActionId.ADD_TO_CALENDAR,
    ActionId.COPY_LINK,
    None,
    ActionId.TOGGLE_STAR,
    ActionId.TOGGLE_WATCHED,
)
# The menu bar ("undo" and "redo" are the undo stack's own actions).
MENUS: tuple[tuple[str, tuple[ActionId | str | None, ...]], ...] = (
    (
        "&File",
        (
            ActionId.IMPORT,
            ActionId.SOURCES,
            ActionId.UPDATE,
            ActionId.REVIEW,
            None,
            ActionId.EXPORT_ARCHIVE,
            ActionId.EXPORT_ARCHIVE_MINE,
            ActionId.EXPORT_SELECTION_ICS,
            ActionId.EXPORT_SELECTION_JSONL,
            None,
            ActionId.BACK_UP,
            ActionId.RESTORE,
            None,
            ActionId.PREFERENCES,
            None,
            ActionId.QUIT,
        ),
    ),
    (
        "&Edit",
        (
            "undo",
            "redo",
            None,
            ActionId.FIND,
            ActionId.SAVE_SEARCH,
            ActionId.CLEAR_SEARCH,
            ActionId.CLEAR_FILTERS,
        ),
    ),
    ("&Talk", TALK_ACTIONS),
    ("&Go", (ActionId.BACK, ActionId.FORWARD)),
    ("&Help", (ActionId.SHORTCUTS, None, ActionId.ABOUT)),
)
# The main toolbar: keeping the archive current, and moving through the pages seen.
TOOLBAR: tuple[ActionId | None, ...] = (
    ActionId.BACK,
    ActionId.FORWARD,
    None,
    ActionId.UPDATE,
    ActionId.SOURCES,
    ActionId.REVIEW,
    None,
    ActionId.IMPORT,
)
TALK_LIST_MENU = (
    *TALK_ACTIONS,
    None,
    ActionId.EXPORT_SELECTION_ICS,
    ActionId.EXPORT_SELECTION_JSONL,
)


def fill_menu(
    menu: QMenu,
    items: Iterable[ActionId | str | None],
    actions: Mapping[ActionId | str, QAction],
) -> None:
    """Add the actions named by `items` to `menu`; None stands for a separator."""
    for item in items:
        if item is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[item])
