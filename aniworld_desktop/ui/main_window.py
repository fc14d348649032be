"""The main window: composes the rooms, wires their signals, and keeps the tray and the layout.

The rooms, each in its own module, know nothing of the window:

- :class:`~aniworld_desktop.ui.library_pane.LibraryPane`: the series and their episodes;
- :class:`~aniworld_desktop.ui.queue_pane.QueuePane`: the download queue and its filter;
- :class:`~aniworld_desktop.ui.status_bar.StatusBar`: messages, progress, counts, disk, schedule;
- :mod:`~aniworld_desktop.ui.actions`: the action table, the menus and the toolbar;
- :class:`~aniworld_desktop.ui.window_commands.WindowCommands`: what each command does;
- :class:`~aniworld_desktop.ui.tasks.TaskRunner`: the tasks those commands run.

The window builds them, connects the bridge's signals to the panes' slots and the panes'
signals to the commands, enables the actions from what the panes and the status bar announce,
and owns what is the window's own: the welcome panel, the activity dock, the tray, closing and
the saved layout. Errors the user can act on (``AniworldError``) appear in the status bar and a
non-blocking message box, never as a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.actions import (
    MOVE_ACTIONS,
    QUEUE_MENU,
    SERIES_MENU,
    ActionName,
    build_menus,
    build_toolbar,
    create_actions,
    pick,
)
from aniworld_desktop.ui.activity import ActivityHandler, ActivityPanel
from aniworld_desktop.ui.bridge import EventBridge
from aniworld_desktop.ui.collector import MainThreadCollector
from aniworld_desktop.ui.dialogs import show_message
from aniworld_desktop.ui.help import HelpCommands
from aniworld_desktop.ui.icons import app_icon
from aniworld_desktop.ui.library_pane import LibraryPane
from aniworld_desktop.ui.opml_commands import SubscriptionCommands
from aniworld_desktop.ui.progress import TaskProgress
from aniworld_desktop.ui.queue_pane import QueuePane
from aniworld_desktop.ui.series_commands import SeriesCommands, follows_film_list
from aniworld_desktop.ui.status_bar import MESSAGE_MS, StatusBar
from aniworld_desktop.ui.tasks import TaskRunner
from aniworld_desktop.ui.tray import Notifier, TrayIcon
from aniworld_desktop.ui.welcome import WelcomePanel
from aniworld_desktop.ui.window_commands import WindowCommands

if TYPE_CHECKING:
    from aniworld_desktop.config import Settings
    from aniworld_desktop.core.models import SeriesRecord
    from aniworld_desktop.core.queue import QueueItem
    from aniworld_desktop.services import Services

log = logging.getLogger(__name__)

A = ActionName
S = DownloadStatus
STATE_VERSION = 3  # bump when the toolbar or columns change so old saved layouts are dropped
# At start-up the queue fills in over several loop turns: the rows a screen shows first, then
# chunks small enough (a few milliseconds each) that the window keeps answering meanwhile.
QUEUE_FIRST_ROWS = 1_000
QUEUE_CHUNK = 2_500
QUEUE_TURN_S = 0.012  # chunks follow each other in one turn for this long, at most
# Finished downloads (completed, cancelled) the window loads at start, the latest: a history of
# 100,000 rows took seconds to read and show. The rest is one click away (the queue's bar).
QUEUE_DONE_ROWS = 5_000
OPENING_POLL_S = 0.05  # how soon a Quit ends the wait for the library's first list
APP_TITLE = "Aniworld Desktop"  # a name: the same in every language

# How a part of the saved layout is saved, and restored.
_LayoutPart = tuple[Callable[[], QByteArray], Callable[[QByteArray], bool]]


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


class MainWindow(QMainWindow):
    """The application window over the running services.

    Attributes:
        services: The services it shows and commands.
        bridge: Re-emits the services' events as signals.
        tasks: Runs the window's service calls; their errors become message boxes.
        library_pane: The series and episodes (above).
        queue_pane: The download queue (below).
        status_bar: Messages, long actions, counts, speed, free disk, next auto-download.
        dispatcher: What the commands do (:class:`WindowCommands`).
        subscriptions: OPML import and export (:class:`SubscriptionCommands`).
        commands: Every action, by :class:`ActionName`. Not ``actions``, which would hide
            ``QWidget.actions()``.
        welcome: Shown instead of the tables while the library and the queue are empty.
        stack: Holds the welcome panel and ``main_splitter`` (the panes).
        tray, notifier: The tray icon and its messages, once :meth:`attach_tray` was called.

    Signals:
        quitRequested(): The user asked to quit (Quit, or closing the window).
    """

    quitRequested = Signal()

    def __init__(
        self,
        services: Services | None = None,
        parent: QWidget | None = None,
        *,
        activity: ActivityHandler | None = None,
        paths: ProfilePaths | None = None,
    ) -> None:
        """Show ``services``; ``activity`` feeds the activity panel (one of its own if None).

        Without ``services`` (at start-up, ``paths`` then names the profile) the window is a
        frame that says the library is opening and offers only Quit, so it can show before the
        database and the downloads are ready; :meth:`open_services` fills it in.
        """
        super().__init__(parent)
        self._services: Services | None = None
        # Cycles holding Qt objects must die on this thread, not the download thread's; started
        # with the services, as before the frame existed: while they open, Python's own
        # thresholds (with their full-collection brake) cost less than the timer's collections.
        self.collector = MainThreadCollector(self)
        self.tray: TrayIcon | None = None
        self.notifier: Notifier | None = None
        self._quitting = False
        self._told_about_tray = False
        self._pending_links: list[str] = []  # handed over before the services were open
        self._own_activity = activity is None
        if activity is None:
            activity = ActivityHandler()
            activity.install()
        self.activity = activity
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(app_icon())
        self.resize(1100, 640)
        if services is not None:
            paths = services.paths
        config_dir = (paths or ProfilePaths.for_profile(None)).config_dir
        self._settings = QSettings(str(config_dir / "window.ini"), QSettings.Format.IniFormat)
        self.tasks = TaskRunner(self)
        self.queue_loaded = False  # every row of the queue is in the table
        self._queue_snapshot: list[QueueItem] = []  # the queue at start-up, in queue order,
        self._queue_next = 0  # and the first of it still to add to the table
        self._quit_requested = False
        self._layout_restored = False  # what a Quit may save over (not the opening's defaults)
        self._following_focus = False
        self.quitRequested.connect(self._note_quit)
        self._saved_series: list[int] = []  # selected at the last close, chosen once loaded
        self.activity_dock = self._create_activity_dock()
        self._create_opening_frame()
        self._restore_geometry()
        if services is not None:
            self.open_services(services)

    def _note_quit(self) -> None:
        self._quit_requested = True

    @property
    def services(self) -> Services:
        """The services shown (only once :meth:`open_services` ran)."""
        if self._services is None:
            raise RuntimeError("the services are not open yet")
        return self._services

    @property
    def services_open(self) -> bool:
        return self._services is not None

    def open_services(self, services: Services) -> None:
        """Fill the window in from ``services``, now open: panes, actions, the queue, at once."""
        for _name, step in self.opening_steps(services, chunked=False):
            step()

    async def open_services_in_steps(self, services: Services) -> None:
        """:meth:`open_services` a step per loop turn, the queue some chunks per turn (start-up).

        Each step is a few tens of milliseconds at most, so the shown window keeps painting and
        answering while it fills in. Returns once the queue is in the table and the library's
        first list has arrived (its counts query runs while the queue fills in), so what starts
        after the opening (the downloads) does not compete with it. A Quit meanwhile stops at
        the next step: what was built is what :meth:`aclose` takes down.
        """
        for name, step in self.opening_steps(services, chunked=True):
            if self._quit_requested:
                return
            started = time.perf_counter()
            step()
            log.debug("opening step %s: %.1f ms", name, (time.perf_counter() - started) * 1000)
            await asyncio.sleep(0)
        while not self._quit_requested and not self.queue_loaded:
            # Chunks while the turn lasts less than a frame's share, then let the loop run.
            turn_ends = time.perf_counter() + QUEUE_TURN_S
            self._load_queue_chunk()
            while not self.queue_loaded and time.perf_counter() < turn_ends:
                self._load_queue_chunk()
            await asyncio.sleep(0)
        while not self._quit_requested and (listing := self.library_pane.reload_running()):
            await asyncio.wait([listing], timeout=OPENING_POLL_S)  # its errors are the task's

    def opening_steps(
        self, services: Services, *, chunked: bool
    ) -> list[tuple[str, Callable[[], None]]]:
        """What filling the window in does, in order, each step a short piece of work.

        ``chunked``: the queue step shows the first rows only; the caller adds the rest with
        :meth:`_load_queue_chunk` until :attr:`queue_loaded`.
        """
        first = QUEUE_FIRST_ROWS if chunked else None
        return [
            ("queue pane", self._create_queue_pane),
            ("library pane", lambda: self._create_library_pane(services)),
            ("rooms", lambda: self._create_rooms(services)),
            ("actions", self._create_actions),
            ("wiring", self._connect),
            ("layout", self._restore_layout),
            ("status", lambda: self.status_bar.start()),
            ("queue", self._take_queue_snapshot),
            ("first rows", lambda: self._start_queue_load(first)),
            ("library", lambda: self.library_pane.reload()),
            ("links", self._add_pending_links),
        ]

    def _restore_layout(self) -> None:
        self._restore_state()
        self._layout_restored = True
        self._series_chosen([])

    def _add_pending_links(self) -> None:
        links, self._pending_links = self._pending_links, []
        self.add_links(links)

    def add_links(self, links: Sequence[str]) -> None:
        """Add ``links`` (the command line's, a second launch's); kept until the services open."""
        if self._services is None:
            self._pending_links += links
        elif links:
            self.dispatcher.add_links(links)

    # ----------------------------------------------------------------- construction

    def _create_opening_frame(self) -> None:
        """What shows while the services open: a sentence, the status bar, and Quit."""
        label = QLabel(self.tr("Opening the library…"), self)
        label.setObjectName("openingLabel")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        self.statusBar().showMessage(self.tr("Opening the library…"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit_app)
        self.menuBar().addMenu(self.tr("&File")).addAction(quit_action)
        # Until the services open, Quit is the one command there is.
        self.commands: dict[ActionName, QAction] = {A.QUIT: quit_action}

    def _create_queue_pane(self) -> None:
        """The queue's pane, not shown yet (:meth:`_create_rooms` lays the panes out)."""
        self.queue_pane = QueuePane(self)

    def _create_library_pane(self, services: Services) -> None:
        self.library_pane = LibraryPane(services.library, self.tasks, self)

    def _create_rooms(self, services: Services) -> None:
        """The status bar, the commands and the layout over ``services``: the window is open."""
        self._services = services
        self.collector.start()
        self.bridge = EventBridge(services.bus, self)
        self.status_bar = StatusBar(
            services.downloads,
            services.scheduler,
            self.tasks,
            library_dir=services.library_dir,
            min_free_disk=services.settings.min_free_disk,
            parent=self,
        )
        self.setStatusBar(self.status_bar)
        # Play looks at the episode list until the queue has had the focus.
        self.dispatcher = WindowCommands(
            services,
            self.tasks,
            self,
            queue=self.queue_pane,
            library=self.library_pane,
            play_source=self.library_pane,
        )
        self.help = HelpCommands(
            self,
            lambda: self.commands,
            self.message,
            profile=services.paths.data_dir,
            library=services.library_dir,
        )
        self.series_commands = SeriesCommands(
            services.library,
            self.tasks,
            self,
            series=self.library_pane,
            library_dir=lambda: services.library_dir,
            search=lambda title, year: services.metadata.search(title, year),
            default_quality=lambda: services.settings.mediathek_quality,
        )
        self.subscriptions = SubscriptionCommands(
            services.library, self.tasks, self, series=self.library_pane
        )
        self.welcome = WelcomePanel(self)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.library_pane)
        self.main_splitter.addWidget(self.queue_pane)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.main_splitter)
        self.setCentralWidget(self.stack)

    def _create_activity_dock(self) -> QDockWidget:
        dock = QDockWidget(self.tr("Activity"), self)
        dock.setObjectName("activityDock")  # saveState() needs a name
        dock.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.activity_panel = ActivityPanel(parent=dock)
        self.activity_panel.model.follow(self.activity)
        dock.setWidget(self.activity_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        return dock

    def _create_actions(self) -> None:
        slots: dict[ActionName, Callable[[], object]] = {
            **self.dispatcher.slots(),
            **self.help.slots(),
            **self.series_commands.slots(),
            A.PRIORITY_ORDER: self.queue_pane.show_priority_order,
            A.PASTE_LINKS: self.queue_pane.paste_links,
            A.IMPORT_OPML: self.subscriptions.import_opml,
            A.EXPORT_OPML: self.subscriptions.export_opml,
            A.ACTIVITY: self.toggle_activity,
            A.FIND: self._find_series,
            A.QUIT: self.quit_app,
        }
        self.menuBar().clear()  # the opening frame's Quit
        self.commands = create_actions(self, slots, view=self.queue_pane.view)
        build_menus(self.menuBar(), self.commands)
        self.addToolBar(build_toolbar(self, self.commands))
        self.queue_pane.menu.entries = pick(self.commands, QUEUE_MENU)
        self.library_pane.menu.entries = pick(self.commands, SERIES_MENU)
        self.activity_dock.visibilityChanged.connect(self.commands[A.ACTIVITY].setChecked)

    def _connect(self) -> None:
        """The bridge's signals to the rooms' slots, the rooms' signals to the commands."""
        bridge, queue, library, status = (
            self.bridge,
            self.queue_pane,
            self.library_pane,
            self.status_bar,
        )
        commands = self.dispatcher
        self.tasks.failed.connect(self.show_error)
        queue.model.attach(bridge)
        queue.dropped.connect(commands.drop)
        queue.earlierRequested.connect(commands.show_earlier_interactively)
        queue.playRequested.connect(lambda: commands.play_from(queue))
        queue.message.connect(self.message)
        queue.selectionChanged.connect(self.update_actions)
        library.seriesSelected.connect(self._series_chosen)
        library.playRequested.connect(lambda: commands.play_from(library))
        library.reloaded.connect(self._library_reloaded)
        status.countsChanged.connect(self._counts_changed)
        self.welcome.addFeedRequested.connect(commands.add_series_interactively)
        self.welcome.demoRequested.connect(commands.follow_demo)
        # Every status change arrives as itemUpdated or itemsUpdated; progress never changes a
        # count.
        for signal in (
            queue.model.rowsInserted,
            queue.model.rowsRemoved,
            queue.model.modelReset,
            bridge.itemUpdated,
            bridge.itemsUpdated,
        ):
            signal.connect(self._queue_changed)
        bridge.finished.connect(status.on_finished)
        bridge.failed.connect(status.on_failed)
        bridge.autoDownload.connect(status.on_auto_download)
        # Series counts follow the queue and the catalogue.
        for signal in (
            bridge.itemsAdded,
            bridge.itemsRemoved,
            bridge.seriesChanged,
            bridge.metadataChanged,
        ):
            signal.connect(library.library_changed)
        bridge.libraryFolderChanged.connect(self._library_folder_changed)
        bridge.earlierChanged.connect(self.queue_pane.set_earlier)
        bridge.itemUpdated.connect(library.on_item_updated)
        bridge.itemsUpdated.connect(library.on_items_updated)
        _app().focusChanged.connect(self._focus_changed)
        self._following_focus = True

    def _take_queue_snapshot(self) -> None:
        """The queue's items in queue order, as the table fills in from them (one sort)."""
        self._queue_snapshot, self._queue_next = self.services.downloads.items(), 0

    def _start_queue_load(self, first: int | None = None) -> None:
        """Show the first ``first`` rows of the snapshot (None: all of them).

        The rest follows a chunk at a time (:meth:`_load_queue_chunk`). Every row is the item
        as the service holds it when the row is added: the bridge already follows the queue,
        so an update, removal or reordering meanwhile is never undone by an older copy.
        """
        first = len(self._queue_snapshot) if first is None else first
        self.queue_pane.model.load(self._current_items(first), self.services.downloads.speeds())
        self._leave_welcome()
        if self._queue_next >= len(self._queue_snapshot):
            self._finish_queue_load()

    def _load_queue_chunk(self, size: int | None = None) -> None:
        """Add the next ``size`` (None: :data:`QUEUE_CHUNK`) rows of the snapshot."""
        items = self._current_items(QUEUE_CHUNK if size is None else size)
        if items:
            self.queue_pane.add_loaded(items)
        if self._queue_next >= len(self._queue_snapshot):
            self._finish_queue_load()

    def _current_items(self, count: int) -> list[QueueItem]:
        """The next ``count`` items of the snapshot that are still queued, as they are now."""
        start = self._queue_next
        self._queue_next = end = start + count
        # Those removed meanwhile are left out.
        return self.services.downloads.current(item.id for item in self._queue_snapshot[start:end])

    def _finish_queue_load(self) -> None:
        from aniworld_desktop.downloads.service import FREEZE_AFTER_LOADING  # with the services

        model = self.queue_pane.model
        self._queue_snapshot = []
        self.queue_loaded = True
        self.queue_pane.set_earlier(self.services.downloads.earlier().total())
        self.queue_pane.reveal_active()
        self.status_bar.refresh_counts()
        self._leave_welcome()
        # 100,000 rows just loaded stay: later collections need not walk them every time. (Not
        # for a small queue: freezing would also keep any garbage alive now, for good.)
        if model.total_count() >= FREEZE_AFTER_LOADING:
            self.collector.settle()

    # ----------------------------------------------------------------- following the rooms

    def update_actions(self) -> None:
        """Enable each action that applies to the selected downloads."""
        statuses = self.queue_pane.selected_statuses()
        any_selected = bool(statuses)
        self.commands[A.PAUSE].setEnabled(any(s.can_pause() for s in statuses))
        self.commands[A.RESUME].setEnabled(any(s.can_resume() for s in statuses))
        self.commands[A.CANCEL].setEnabled(any(s.can_cancel() for s in statuses))
        self.commands[A.RETRY].setEnabled(any(s.can_retry() for s in statuses))
        self.commands[A.REMOVE].setEnabled(any_selected)
        for name in MOVE_ACTIONS:
            self.commands[name].setEnabled(any_selected)

    def _counts_changed(self, counts: Counter[DownloadStatus]) -> None:
        """Enable the queue-wide actions that apply; the selected rows' states may have changed."""
        self.commands[A.PAUSE_ALL].setEnabled(bool(counts[S.PENDING] or counts[S.DOWNLOADING]))
        self.commands[A.RESUME_ALL].setEnabled(bool(counts[S.PAUSED]))
        self.commands[A.RETRY_FAILED].setEnabled(bool(counts[S.FAILED]))
        # The finished downloads start-up left in the database are cleared with the others.
        earlier = self._services is not None and self._services.downloads.earlier()[S.COMPLETED]
        self.commands[A.CLEAR_FINISHED].setEnabled(bool(counts[S.COMPLETED] or earlier))
        self.update_actions()

    def _series_chosen(self, chosen: list[SeriesRecord]) -> None:
        # Download Missing needs no choice: with none, it means every monitored series.
        for name in (A.MONITOR, A.MONITOR_MODE, A.CHANGE_SOURCE, A.REMOVE_SERIES):
            self.commands[name].setEnabled(bool(chosen))
        self.commands[A.SERIES_QUALITY].setEnabled(any(map(follows_film_list, chosen)))
        self.commands[A.MONITOR].setChecked(bool(chosen) and all(s.monitored for s in chosen))

    def _queue_changed(self, *_: object) -> None:
        self._leave_welcome()
        self.status_bar.on_queue_changed()

    def _leave_welcome(self) -> None:
        """Show the tables as soon as the queue has something (not after the library reload)."""
        if self.stack.currentWidget() is self.welcome and self.queue_pane.model.total_count():
            self.stack.setCurrentWidget(self.main_splitter)

    def _library_reloaded(self, series: int) -> None:
        empty = not series and self.queue_pane.model.total_count() == 0
        self.stack.setCurrentWidget(self.welcome if empty else self.main_splitter)
        if self._saved_series and series:
            # The series chosen when the window last closed, once (the user may choose anew).
            saved, self._saved_series = self._saved_series, []
            self.library_pane.select_series(saved)

    def _library_folder_changed(self, folder: str) -> None:
        """The settings chose another library: show it now, and offer to import its folders."""
        self.status_bar.set_library_dir(Path(folder))
        self.library_pane.reload()
        self.series_commands.offer_import(folder)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Play opens the current row of the episode list or the queue, whichever had the focus
        # last.
        if new is self.library_pane.episode_view:
            self.dispatcher.play_source = self.library_pane
        elif new is self.queue_pane.view:
            self.dispatcher.play_source = self.queue_pane

    def _find_series(self) -> None:
        self.stack.setCurrentWidget(self.main_splitter)
        self.library_pane.focus_filter()

    def toggle_activity(self, shown: bool | None = None) -> None:
        """Show or hide the activity log."""
        visible = not self.activity_dock.isVisible() if shown is None else bool(shown)
        self.activity_dock.setVisible(visible)

    # ----------------------------------------------------------------- feedback for the commands

    @property
    def progress(self) -> TaskProgress:
        """Where long actions show how far they are (the status bar's)."""
        return self.status_bar.progress

    def message(self, text: str, timeout_ms: int = MESSAGE_MS) -> None:
        """Say ``text`` in the status bar (0: until the next message)."""
        self.status_bar.showMessage(text, timeout_ms)

    def show_error(self, title: str, message: str) -> None:
        """Tell the user, in the status bar and a box that does not block."""
        if self.tasks.closing:
            return
        self.statusBar().showMessage(message, MESSAGE_MS)
        show_message(self, title, message, object_name="errorBox")

    def dialog_parent(self) -> QWidget:
        """The commands' dialogs open over the window."""
        return self

    def apply_settings(self, saved: Settings) -> None:
        """Saved settings: the tray's notifications and the next run shown follow them now."""
        if self.notifier is not None:
            self.notifier.apply_settings(saved)
        self.status_bar.follow_schedule()

    # ----------------------------------------------------------------- lifecycle

    def attach_tray(self, tray: TrayIcon, notifier: Notifier) -> None:
        """Let the tray icon show this window's state and command it (qtapp calls this)."""
        self.tray, self.notifier = tray, notifier
        tray.track_window(self)
        tray.showHideRequested.connect(self.toggle_visible)
        tray.showRequested.connect(self.show_and_raise)
        # The commands directly, not the window's actions: a disabled action ignores trigger().
        tray.pauseAllRequested.connect(self.dispatcher.pause_all)
        tray.resumeAllRequested.connect(self.dispatcher.resume_all)
        tray.runNowRequested.connect(self.dispatcher.run_auto_download)
        tray.openFolderRequested.connect(self.dispatcher.open_library_folder)
        tray.quitRequested.connect(self.quit_app)
        self.bridge.autoDownload.connect(notifier.on_auto_download_fired)
        self.bridge.finished.connect(notifier.on_download_finished)
        self.bridge.failed.connect(notifier.on_download_failed)
        self.bridge.idle.connect(notifier.on_queue_idle)
        self.status_bar.refreshed.connect(tray.show_queue)
        self.status_bar.refresh_speed()

    def keeps_running_in_tray(self) -> bool:
        """Closing hides the window when a tray icon exists and the settings want it."""
        return (
            self.tray is not None and self.tray.available() and self.services.settings.close_to_tray
        )

    def toggle_visible(self) -> None:
        if self.isVisible() and not self.isMinimized():
            self.hide()
        else:
            self.show_and_raise()

    def show_and_raise(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def quit_app(self) -> None:
        """Quit for real (Quit in the menu or the tray), whatever closing the window does."""
        self._quitting = True
        self._save_state()
        self.quitRequested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window hides it to the tray when there is one, else quits."""
        self._save_state()
        if not self._quitting and self.keeps_running_in_tray():
            event.ignore()
            self.hide()
            if not self._told_about_tray and self.tray is not None:
                self._told_about_tray = True
                self.tray.notify(
                    APP_TITLE, self.tr("Still running in the tray; downloads continue.")
                )
            return
        event.accept()
        self.quitRequested.emit()

    async def aclose(self) -> None:
        """Detach from the services and end the window's tasks, before the services stop."""
        self.tasks.stop()
        self.collector.stop()
        self.activity_panel.model.unfollow()
        if self._own_activity:
            self.activity.close()
        if self._services is not None:
            self.bridge.detach()
            self.status_bar.stop()
            if self._following_focus:  # not yet when a Quit came while it filled in
                with contextlib.suppress(RuntimeError, TypeError):
                    _app().focusChanged.disconnect(self._focus_changed)
            self.queue_pane.model.progress_timer.stop()
            await self.series_commands.aclose()
        await self.tasks.aclose()
        for box in self.findChildren(QMessageBox):
            box.close()

    # ----------------------------------------------------------------- the saved layout

    def _layout_parts(self) -> dict[str, _LayoutPart]:
        """The parts of the layout by their key in ``window.ini``: how to save and restore each."""
        queue = self.queue_pane.view.horizontalHeader()
        series = self.library_pane.series_view.horizontalHeader()
        episodes = self.library_pane.episode_view.header()
        return {
            "queue/header": (queue.saveState, queue.restoreState),
            "series/header": (series.saveState, series.restoreState),
            "episodes/header": (episodes.saveState, episodes.restoreState),
            "splitter/main": (self.main_splitter.saveState, self.main_splitter.restoreState),
            "splitter/library": (self.library_pane.saveState, self.library_pane.restoreState),
        }

    def _save_state(self) -> None:
        if not self._layout_restored:
            return  # the frame has none of the layout yet: what was saved stays as it was
        settings = self._settings
        settings.setValue("window/version", STATE_VERSION)
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(STATE_VERSION))
        for key, (save, _restore) in self._layout_parts().items():
            settings.setValue(key, save())
        chosen = [series.id for series in self.library_pane.selected_series()]
        settings.setValue("series/selected", ",".join(map(str, chosen)))
        settings.setValue("queue/hideCompleted", self.queue_pane.hide_completed.isChecked())
        settings.sync()

    def _restore_geometry(self) -> None:
        """Where and how large the window was: before it first shows, so it shows there."""
        settings = self._settings
        if settings.value("window/version", 0, type=int) != STATE_VERSION:
            return
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def _restore_state(self) -> None:
        settings = self._settings
        # The choices are kept whatever the layout's version: they name no widget's geometry.
        chosen = str(settings.value("series/selected", "") or "")
        self._saved_series = [int(part) for part in chosen.split(",") if part.strip().isdigit()]
        hide = settings.value("queue/hideCompleted", False, type=bool)
        self.queue_pane.hide_completed.setChecked(bool(hide))
        if settings.value("window/version", 0, type=int) != STATE_VERSION:
            return
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state, STATE_VERSION)
        for key, (_save, restore) in self._layout_parts().items():
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)
