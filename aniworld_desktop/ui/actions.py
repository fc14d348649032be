"""The window's actions: one table row each, placed in the menus, the toolbar and the context menus.

Every user command is a ``QAction`` made once by :func:`create_actions` from a row of
:data:`ACTIONS` and the slot the window gives for its :class:`ActionName`; the menus, the
toolbar and the context menus place those same actions.

Keys: where Qt has a standard key (``QKeySequence.StandardKey``: New, Refresh, Find, Paste,
Delete, Preferences, Quit) the action takes every binding the desktop's key scheme gives it
(:func:`resolve_keys`), so GNOME's Ctrl+R and KDE's F5 both refresh; F5 refreshes everywhere.
No two actions share a key under any of Qt's schemes (Windows, macOS, X11, KDE, GNOME):
``tests/ui/test_keys.py`` checks each scheme from Qt's own table. The others:

=================  ===================  ==========================================================
Action             Shortcut             Note
=================  ===================  ==========================================================
Add Series…        Ctrl+N (New)         Previews the feed before following it.
Add Links…         Ctrl+L               "L" for link; several links at once.
Search Public B…   Ctrl+Shift+F         The broadcasters' film list; "F" for find.
Paste Links        Ctrl+V (Paste)       Queue view only: the clipboard's links, as if dropped.
Refresh            F5 (+ Refresh)       GNOME and macOS also Ctrl+R (Cmd+R).
Rescan Library     Shift+F5             Looks for episode files on disk again.
Download Missing   Ctrl+D
Monitor            Ctrl+M               Checkable.
Play               Ctrl+Return          Also a double-click on an episode or finished download.
Open Folder        Ctrl+Shift+O
Set TMDB Match…    Ctrl+Shift+M
Find Series        Ctrl+F (Find)        Focuses the series filter.
Activity           Ctrl+Shift+L         Shows or hides the log panel.
Run Auto-download  Ctrl+Shift+D         Unless the last run is within the cooldown.
Pause / Resume     Ctrl+P / Ctrl+S      As in qBittorrent (Ctrl+R is GNOME's and macOS's Refresh).
Cancel             (none)               Deletes partial files: deliberately no key.
Retry              Ctrl+Shift+T         "Try again".
Remove…            Delete               Asks first; queue view only. Only the Delete key: X11's
                                        other Delete binding, Ctrl+D, is an emacs key of text
                                        fields, and Download Missing's.
Pause all          Ctrl+Shift+P
Resume all         Ctrl+Shift+S
Retry failed       (none)
Clear Finished…    (none)               Asks first; the files stay in the library.
Move up / down     Ctrl+Up / Ctrl+Down  Queue view only, like the row navigation keys they shadow.
Move to top / end  Ctrl+Home / Ctrl+End Queue view only.
Priority Order     Ctrl+0               Clears the queue's sort and filter (drag needs it).
Import/Export OPML (none)               Rare: the File menu is enough.
Settings…          Ctrl+, (Preferences) The platform's key, Ctrl+, where it has none.
Quit               Ctrl+Q (Quit)        The platform's key, Ctrl+Q where it has none.
User Guide         F1 (HelpContents)    Opens docs/USER_GUIDE.md, or its online copy.
Keyboard Shortcuts (none)               Lists every action's key, as this platform writes it.
About              (none)
=================  ===================  ==========================================================

Adding an action: a member of :class:`ActionName`, a row in :data:`ACTIONS`, its place in a menu
or the toolbar below, and the method that does it (usually in ``window_commands.py``, listed in
``WindowCommands.slots()``). Give it a mnemonic (``&``) that no other entry of its menus uses,
and a key that ``tests/ui/test_keys.py`` accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QMenu,
    QMenuBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from aniworld_desktop.ui.icons import icon
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP


class ActionName(StrEnum):
    """The window's actions. The values name the QActions (``action_<value>``)."""

    ADD_LINKS = "add_links"
    PASTE_LINKS = "paste_links"
    IMPORT_OPML = "import_opml"
    EXPORT_OPML = "export_opml"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    RETRY = "retry"
    REMOVE = "remove"
    PAUSE_ALL = "pause_all"
    RESUME_ALL = "resume_all"
    RETRY_FAILED = "retry_failed"
    MOVE_UP = "move_up"
    MOVE_DOWN = "move_down"
    MOVE_TOP = "move_top"
    PRIORITY_ORDER = "priority_order"
    MOVE_BOTTOM = "move_bottom"
    ADD_SERIES = "add_series"
    SEARCH_MEDIATHEK = "search_mediathek"
    REFRESH = "refresh"
    DOWNLOAD_MISSING = "download_missing"
    MONITOR = "monitor"
    MONITOR_MODE = "monitor_mode"  # a submenu of the four below
    MONITOR_NEW = "monitor_new"
    MONITOR_SEASON = "monitor_season"
    MONITOR_ALL = "monitor_all"
    MONITOR_NONE = "monitor_none"
    CHANGE_SOURCE = "change_source"
    SERIES_QUALITY = "series_quality"
    REMOVE_SERIES = "remove_series"
    IMPORT_LIBRARY = "import_library"
    OPEN_FOLDER = "open_folder"
    PLAY = "play"
    TMDB_MATCH = "tmdb_match"
    SCAN = "scan"
    AUTO_DOWNLOAD = "auto_download"
    ACTIVITY = "activity"
    FIND = "find"
    SETTINGS = "settings"
    QUIT = "quit"
    CLEAR_FINISHED = "clear_finished"
    HELP_GUIDE = "help_guide"
    HELP_SHORTCUTS = "help_shortcuts"
    HELP_ABOUT = "help_about"


A = ActionName
SK = QKeySequence.StandardKey
Key = QKeySequence.StandardKey | str
"""A standard key (every binding the key scheme gives it) or a key written out ("Ctrl+L")."""
Shortcut = Key | tuple[Key, ...] | None
Bindings = Callable[[QKeySequence.StandardKey], Sequence[QKeySequence]]
"""A key scheme: the sequences of a standard key (``QKeySequence.keyBindings`` for this desktop)."""


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action: its text, keys, icon and tip (texts marked, translated when made)."""

    name: ActionName
    text: str
    shortcut: Shortcut  # see resolve_keys
    icon: str
    tip: str
    view_only: bool = False  # shortcut only while the queue has focus (a text field may need it)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(A.ADD_LINKS, QT_TRANSLATE_NOOP("WindowActions", "&Add Links…"), "Ctrl+L", "add-link", QT_TRANSLATE_NOOP("WindowActions", "Add links to video files or feeds, several at once")),
    ActionSpec(A.PASTE_LINKS, QT_TRANSLATE_NOOP("WindowActions", "Paste Li&nks"), SK.Paste, "add-link", QT_TRANSLATE_NOOP("WindowActions", "Add the links on the clipboard: videos are queued, feeds offered to follow"), view_only=True),
    ActionSpec(A.IMPORT_OPML, QT_TRANSLATE_NOOP("WindowActions", "&Import Subscriptions (OPML)…"), None, "add-series", QT_TRANSLATE_NOOP("WindowActions", "Follow the feeds of an OPML file another podcast program exported")),
    ActionSpec(A.EXPORT_OPML, QT_TRANSLATE_NOOP("WindowActions", "&Export Subscriptions (OPML)…"), None, "open-folder", QT_TRANSLATE_NOOP("WindowActions", "Save the followed feeds as an OPML file for another podcast program")),
    ActionSpec(A.PAUSE, QT_TRANSLATE_NOOP("WindowActions", "P&ause"), "Ctrl+P", "pause", QT_TRANSLATE_NOOP("WindowActions", "Pause the selected downloads")),
    ActionSpec(A.RESUME, QT_TRANSLATE_NOOP("WindowActions", "&Resume"), "Ctrl+S", "resume", QT_TRANSLATE_NOOP("WindowActions", "Resume the selected downloads")),
    ActionSpec(A.CANCEL, QT_TRANSLATE_NOOP("WindowActions", "&Cancel"), None, "cancel", QT_TRANSLATE_NOOP("WindowActions", "Cancel the selected downloads and delete their partial files")),
    ActionSpec(A.RETRY, QT_TRANSLATE_NOOP("WindowActions", "Re&try"), "Ctrl+Shift+T", "retry", QT_TRANSLATE_NOOP("WindowActions", "Queue the selected failed or cancelled downloads again")),
    ActionSpec(A.REMOVE, QT_TRANSLATE_NOOP("WindowActions", "Re&move…"), SK.Delete, "remove", QT_TRANSLATE_NOOP("WindowActions", "Remove the selected downloads from the list"), view_only=True),
    ActionSpec(A.PAUSE_ALL, QT_TRANSLATE_NOOP("WindowActions", "Pause A&ll"), "Ctrl+Shift+P", "pause-all", QT_TRANSLATE_NOOP("WindowActions", "Pause every queued and running download")),
    ActionSpec(A.RESUME_ALL, QT_TRANSLATE_NOOP("WindowActions", "R&esume All"), "Ctrl+Shift+S", "resume-all", QT_TRANSLATE_NOOP("WindowActions", "Resume every paused download")),
    ActionSpec(A.RETRY_FAILED, QT_TRANSLATE_NOOP("WindowActions", "Retry &Failed"), None, "retry", QT_TRANSLATE_NOOP("WindowActions", "Queue every failed download again")),
    ActionSpec(A.MOVE_UP, QT_TRANSLATE_NOOP("WindowActions", "Move &Up"), "Ctrl+Up", "move-up", QT_TRANSLATE_NOOP("WindowActions", "Download the selection earlier"), view_only=True),
    ActionSpec(A.MOVE_DOWN, QT_TRANSLATE_NOOP("WindowActions", "Move &Down"), "Ctrl+Down", "move-down", QT_TRANSLATE_NOOP("WindowActions", "Download the selection later"), view_only=True),
    ActionSpec(A.MOVE_TOP, QT_TRANSLATE_NOOP("WindowActions", "Move to T&op"), "Ctrl+Home", "move-top", QT_TRANSLATE_NOOP("WindowActions", "Download the selection first"), view_only=True),
    ActionSpec(A.PRIORITY_ORDER, QT_TRANSLATE_NOOP("WindowActions", "Pr&iority Order"), "Ctrl+0", "filter", QT_TRANSLATE_NOOP("WindowActions", "Show the whole queue in the order it downloads (drag to reorder)")),
    ActionSpec(A.MOVE_BOTTOM, QT_TRANSLATE_NOOP("WindowActions", "Move to &Bottom"), "Ctrl+End", "move-bottom", QT_TRANSLATE_NOOP("WindowActions", "Download the selection last"), view_only=True),
    ActionSpec(A.ADD_SERIES, QT_TRANSLATE_NOOP("WindowActions", "Add &Series…"), SK.New, "add-series", QT_TRANSLATE_NOOP("WindowActions", "Follow a series from its feed, after a preview")),
    ActionSpec(A.SEARCH_MEDIATHEK, QT_TRANSLATE_NOOP("WindowActions", "Search Public &Broadcasters…"), "Ctrl+Shift+F", "filter", QT_TRANSLATE_NOOP("WindowActions", "Search the film list of ARD, ZDF, ARTE and the others, and follow a programme")),
    ActionSpec(A.REFRESH, QT_TRANSLATE_NOOP("WindowActions", "&Refresh"), (SK.Refresh, "F5"), "refresh", QT_TRANSLATE_NOOP("WindowActions", "Read the selected series' sources again (all when none is selected)")),
    ActionSpec(A.DOWNLOAD_MISSING, QT_TRANSLATE_NOOP("WindowActions", "&Download Missing"), "Ctrl+D", "download-missing", QT_TRANSLATE_NOOP("WindowActions", "Queue the missing episodes of the selected series (of every monitored series when none is selected)")),
    ActionSpec(A.MONITOR, QT_TRANSLATE_NOOP("WindowActions", "&Monitor"), "Ctrl+M", "monitor-on", QT_TRANSLATE_NOOP("WindowActions", "Download new episodes of the selected series automatically")),
    ActionSpec(A.MONITOR_MODE, QT_TRANSLATE_NOOP("WindowActions", "Monitor &Episodes"), None, "monitor-on", QT_TRANSLATE_NOOP("WindowActions", "Choose which episodes of the selected series are wanted")),
    ActionSpec(A.MONITOR_NEW, QT_TRANSLATE_NOOP("WindowActions", "&New Episodes Only"), None, "monitor-on", QT_TRANSLATE_NOOP("WindowActions", "Want only the episodes that appear from now on")),
    ActionSpec(A.MONITOR_SEASON, QT_TRANSLATE_NOOP("WindowActions", "From the &Latest Season On"), None, "monitor-on", QT_TRANSLATE_NOOP("WindowActions", "Want the latest season and every later one")),
    ActionSpec(A.MONITOR_ALL, QT_TRANSLATE_NOOP("WindowActions", "&Everything"), None, "monitor-on", QT_TRANSLATE_NOOP("WindowActions", "Want every episode, the back catalogue too")),
    ActionSpec(A.MONITOR_NONE, QT_TRANSLATE_NOOP("WindowActions", "N&othing"), None, "monitor-off", QT_TRANSLATE_NOOP("WindowActions", "Want no episode of the selected series")),
    ActionSpec(A.CHANGE_SOURCE, QT_TRANSLATE_NOOP("WindowActions", "C&hange Source…"), None, "add-link", QT_TRANSLATE_NOOP("WindowActions", "Attach a feed to the selected series, or give its feed's new address")),
    ActionSpec(A.SERIES_QUALITY, QT_TRANSLATE_NOOP("WindowActions", "&Quality…"), None, "settings", QT_TRANSLATE_NOOP("WindowActions", "Choose the quality of the selected public broadcasters' series")),
    ActionSpec(A.REMOVE_SERIES, QT_TRANSLATE_NOOP("WindowActions", "Remo&ve Series…"), None, "remove", QT_TRANSLATE_NOOP("WindowActions", "Stop following the selected series (its files are kept unless you choose otherwise)")),
    ActionSpec(A.IMPORT_LIBRARY, QT_TRANSLATE_NOOP("WindowActions", "&Import Library…"), None, "add-series", QT_TRANSLATE_NOOP("WindowActions", "Follow the series folders of the library, matched on TMDB")),
    ActionSpec(A.OPEN_FOLDER, QT_TRANSLATE_NOOP("WindowActions", "&Open Folder"), "Ctrl+Shift+O", "open-folder", QT_TRANSLATE_NOOP("WindowActions", "Open the selected series' folder")),
    ActionSpec(A.PLAY, QT_TRANSLATE_NOOP("WindowActions", "&Play"), "Ctrl+Return", "play", QT_TRANSLATE_NOOP("WindowActions", "Play the selected episode or finished download")),
    ActionSpec(A.TMDB_MATCH, QT_TRANSLATE_NOOP("WindowActions", "Set &TMDB Match…"), "Ctrl+Shift+M", "tmdb-match", QT_TRANSLATE_NOOP("WindowActions", "Choose which TMDB series the metadata comes from")),
    ActionSpec(A.SCAN, QT_TRANSLATE_NOOP("WindowActions", "Re&scan Library"), "Shift+F5", "refresh", QT_TRANSLATE_NOOP("WindowActions", "Look for episode files in the library folder again")),
    ActionSpec(A.AUTO_DOWNLOAD, QT_TRANSLATE_NOOP("WindowActions", "Run &Auto-download Now"), "Ctrl+Shift+D", "download-missing", QT_TRANSLATE_NOOP("WindowActions", "Refresh the monitored series and queue what is missing, now")),
    ActionSpec(A.ACTIVITY, QT_TRANSLATE_NOOP("WindowActions", "&Activity"), "Ctrl+Shift+L", "activity", QT_TRANSLATE_NOOP("WindowActions", "Show or hide the activity log")),
    ActionSpec(A.FIND, QT_TRANSLATE_NOOP("WindowActions", "&Find Series"), SK.Find, "filter", QT_TRANSLATE_NOOP("WindowActions", "Filter the series by title")),
    ActionSpec(A.SETTINGS, QT_TRANSLATE_NOOP("WindowActions", "Se&ttings…"), SK.Preferences, "settings", QT_TRANSLATE_NOOP("WindowActions", "Library, downloads and metadata settings")),
    ActionSpec(A.QUIT, QT_TRANSLATE_NOOP("WindowActions", "&Quit"), SK.Quit, "quit", QT_TRANSLATE_NOOP("WindowActions", "Stop the downloads and quit")),
    ActionSpec(A.CLEAR_FINISHED, QT_TRANSLATE_NOOP("WindowActions", "Clear Finis&hed…"), None, "clear-finished", QT_TRANSLATE_NOOP("WindowActions", "Remove the completed downloads from the list (their files stay)")),
    ActionSpec(A.HELP_GUIDE, QT_TRANSLATE_NOOP("WindowActions", "&User Guide"), SK.HelpContents, "help", QT_TRANSLATE_NOOP("WindowActions", "Open the user guide")),
    ActionSpec(A.HELP_SHORTCUTS, QT_TRANSLATE_NOOP("WindowActions", "&Keyboard Shortcuts"), None, "keyboard", QT_TRANSLATE_NOOP("WindowActions", "List the keys of every command")),
    ActionSpec(A.HELP_ABOUT, QT_TRANSLATE_NOOP("WindowActions", "&About Aniworld Desktop"), None, "info", QT_TRANSLATE_NOOP("WindowActions", "Version, licence and where the profile lives")),
)  # fmt: skip

_SPECS = {spec.name: spec for spec in ACTIONS}

# Not every scheme has every standard key (Windows has no Quit key, GNOME no Preferences key).
STANDARD_FALLBACK = {
    SK.Quit: "Ctrl+Q",
    SK.Preferences: "Ctrl+,",
}
# Standard keys whose first binding only is ours: X11's second Delete is Ctrl+D, an emacs key of
# text fields (Download Missing has it), macOS's is Control+D.
PRIMARY_ONLY = frozenset({SK.Delete})

# Where the actions go; None is a separator.
SELECTION_ACTIONS = (A.PAUSE, A.RESUME, A.CANCEL, A.RETRY, A.REMOVE)
MOVE_ACTIONS = (A.MOVE_UP, A.MOVE_DOWN, A.MOVE_TOP, A.MOVE_BOTTOM)
SERIES_MENU = (A.REFRESH, A.DOWNLOAD_MISSING, A.MONITOR, A.MONITOR_MODE, A.PLAY, A.OPEN_FOLDER,
               A.TMDB_MATCH, A.CHANGE_SOURCE, A.SERIES_QUALITY, None, A.REMOVE_SERIES)  # fmt: skip
# Actions that open a submenu of others (the submenu's action is the one placed in menus).
SUBMENUS = {A.MONITOR_MODE: (A.MONITOR_NEW, A.MONITOR_SEASON, A.MONITOR_ALL, A.MONITOR_NONE)}
QUEUE_MENU = (*SELECTION_ACTIONS, A.PLAY, None, *MOVE_ACTIONS, None, A.PASTE_LINKS)
MENUS: tuple[tuple[str, tuple[ActionName | None, ...]], ...] = (
    (QT_TRANSLATE_NOOP("WindowActions", "&File"), (A.ADD_SERIES, A.ADD_LINKS, A.SEARCH_MEDIATHEK, None, A.IMPORT_OPML, A.EXPORT_OPML, None, A.SETTINGS, None, A.QUIT)),
    (QT_TRANSLATE_NOOP("WindowActions", "&Series"), (*SERIES_MENU, None, A.SCAN, A.AUTO_DOWNLOAD)),
    (QT_TRANSLATE_NOOP("WindowActions", "&Library"), (A.IMPORT_LIBRARY, A.SCAN)),
    (QT_TRANSLATE_NOOP("WindowActions", "&Queue"), (*QUEUE_MENU, None, A.PAUSE_ALL, A.RESUME_ALL, A.RETRY_FAILED, A.CLEAR_FINISHED, None, A.PRIORITY_ORDER)),
    (QT_TRANSLATE_NOOP("WindowActions", "&View"), (A.ACTIVITY, A.FIND)),
    (QT_TRANSLATE_NOOP("WindowActions", "&Help"), (A.HELP_GUIDE, A.HELP_SHORTCUTS, None, A.HELP_ABOUT)),
)  # fmt: skip
TOOLBAR = (A.ADD_SERIES, A.ADD_LINKS, A.REFRESH, A.DOWNLOAD_MISSING, None, A.PAUSE, A.RESUME,
           A.CANCEL, A.RETRY, A.REMOVE, None, A.PAUSE_ALL, A.RESUME_ALL, None, A.MOVE_TOP,
           A.MOVE_UP, A.MOVE_DOWN, A.MOVE_BOTTOM, None, A.ACTIVITY)  # fmt: skip
# The everyday ones say what they are beside their icon; tooltips say the rest.
LABELLED_TOOLS = frozenset({A.ADD_SERIES, A.ADD_LINKS, A.REFRESH, A.DOWNLOAD_MISSING, A.PAUSE_ALL,
                            A.RESUME_ALL})  # fmt: skip

Actions = Mapping[ActionName, QAction]


def _tr(text: str) -> str:
    """``text`` (marked with QT_TRANSLATE_NOOP in the WindowActions context) translated."""
    return QCoreApplication.translate("WindowActions", text)


def resolve_keys(
    shortcut: Shortcut, bindings: Bindings = QKeySequence.keyBindings
) -> list[QKeySequence]:
    """The key sequences of ``shortcut`` under a key scheme, each once, the primary first.

    A standard key brings every binding ``bindings`` gives it (the first only for
    :data:`PRIMARY_ONLY`), or :data:`STANDARD_FALLBACK` where the scheme has none; a key written
    out is itself. ``bindings`` is this desktop's scheme unless a test names another.
    """
    if shortcut is None:
        return []
    found: list[QKeySequence] = []
    for key in shortcut if isinstance(shortcut, tuple) else (shortcut,):
        if isinstance(key, QKeySequence.StandardKey):
            sequences = list(bindings(key))
            if key in PRIMARY_ONLY:
                sequences = sequences[:1]
            if not sequences and key in STANDARD_FALLBACK:
                sequences = [QKeySequence(STANDARD_FALLBACK[key])]
        else:
            sequences = [QKeySequence(key)]
        found += [s for s in sequences if not s.isEmpty() and s not in found]
    return found


def shortcut_text(name: ActionName) -> str:
    """The first shortcut of action ``name`` as the platform writes it, in the UI language
    ("Strg+F"); "" when it has none."""
    keys = resolve_keys(_SPECS[name].shortcut)
    return keys[0].toString(QKeySequence.SequenceFormat.NativeText) if keys else ""


def create_actions(
    parent: QWidget, slots: Mapping[ActionName, Callable[[], object]], *, view: QWidget
) -> dict[ActionName, QAction]:
    """Every action of :data:`ACTIONS`, triggering its slot.

    Args:
        parent: Owns the actions and hears their shortcuts.
        slots: What each action does; every :class:`ActionName` needs one.
        view: Hears the shortcuts of the ``view_only`` actions, only while it has the focus.
    """
    actions: dict[ActionName, QAction] = {}
    for spec in ACTIONS:
        if spec.name in SUBMENUS:
            continue
        action = QAction(icon(spec.icon), _tr(spec.text), parent)
        action.setObjectName(f"action_{spec.name}")
        tip = _tr(spec.tip)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        keys = resolve_keys(spec.shortcut)
        if keys:
            action.setShortcuts(keys)
        if spec.view_only:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.addAction(action)
        else:
            parent.addAction(action)
        action.triggered.connect(slots[spec.name])
        actions[spec.name] = action
    for name, children in SUBMENUS.items():
        spec = _SPECS[name]
        submenu = QMenu(_tr(spec.text), parent)
        submenu.setObjectName(f"menu_{name}")
        submenu.setIcon(icon(spec.icon))
        fill_menu(submenu, pick(actions, children))
        action = submenu.menuAction()
        action.setObjectName(f"action_{name}")
        action.setToolTip(_tr(spec.tip))
        action.setStatusTip(_tr(spec.tip))
        actions[name] = action
    actions[A.QUIT].setMenuRole(QAction.MenuRole.QuitRole)
    actions[A.SETTINGS].setMenuRole(QAction.MenuRole.PreferencesRole)
    actions[A.HELP_ABOUT].setMenuRole(QAction.MenuRole.AboutRole)
    monitor = actions[A.MONITOR]
    monitor.setCheckable(True)
    monitor.toggled.connect(lambda on: monitor.setIcon(icon("monitor-on" if on else "monitor-off")))
    actions[A.ACTIVITY].setCheckable(True)
    return actions


def pick(actions: Actions, names: Iterable[ActionName | None]) -> list[QAction | None]:
    """The actions of ``names`` in that order; None stays None (a separator)."""
    return [None if name is None else actions[name] for name in names]


def fill_menu(menu: QMenu, entries: Sequence[QAction | None]) -> None:
    """Add ``entries`` to ``menu``; None adds a separator."""
    for action in entries:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)


class ContextMenu:
    """A view's context menu over actions the window gives it once they exist.

    Attributes:
        entries: What the menu offers, in order; None is a separator.
    """

    def __init__(self, view: QAbstractItemView) -> None:
        self._view = view
        self.entries: list[QAction | None] = []
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._show)

    def build(self) -> QMenu:
        """A new menu of :attr:`entries`, deleted when it closes."""
        menu = QMenu(self._view)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fill_menu(menu, self.entries)
        return menu

    def _show(self, pos: QPoint) -> None:
        # popup(), not exec(): exec() would spin a nested loop inside qasync's.
        self.build().popup(self._view.viewport().mapToGlobal(pos))


def build_menus(bar: QMenuBar, actions: Actions) -> None:
    """The menu bar: File, Series, Library, Queue, View, Help."""
    for title, names in MENUS:
        fill_menu(bar.addMenu(_tr(title)), pick(actions, names))


def build_toolbar(parent: QWidget, actions: Actions) -> QToolBar:
    """The main toolbar, icons only but for :data:`LABELLED_TOOLS`."""
    toolbar = QToolBar(QCoreApplication.translate("WindowActions", "Main toolbar"), parent)
    toolbar.setObjectName("mainToolbar")  # saveState() needs a name
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    toolbar.setMovable(False)
    for name in TOOLBAR:
        if name is None:
            toolbar.addSeparator()
            continue
        toolbar.addAction(actions[name])
        if name in LABELLED_TOOLS:
            button = toolbar.widgetForAction(actions[name])
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    return toolbar
