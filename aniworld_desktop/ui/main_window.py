"""The main window: the download queue, its actions, and the status bar.

Every user command is a ``QAction`` of the table in :mod:`aniworld_desktop.ui.actions`, which
places it in the menu, the toolbar and the context menus.

Service calls run as asyncio tasks owned by the window; nothing blocks the loop, and every
dialog is opened with ``open()``. Errors the user can act on (``AniworldError``) appear in the
status bar and a non-blocking message box, never as a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.naming import file_name_from_url, video_suffix
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.service import FREEZE_AFTER_LOADING, Move
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
from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog
from aniworld_desktop.ui.bridge import EventBridge
from aniworld_desktop.ui.collector import MainThreadCollector
from aniworld_desktop.ui.dialogs import AddUrlDialog, confirm, run_dialog, show_message
from aniworld_desktop.ui.drops import Drop, DropKind, read_link_file
from aniworld_desktop.ui.icons import app_icon
from aniworld_desktop.ui.library_pane import LibraryPane
from aniworld_desktop.ui.queue_pane import QueuePane
from aniworld_desktop.ui.settings_dialog import SettingsDialog
from aniworld_desktop.ui.settings_dialog import save as save_settings_dialog
from aniworld_desktop.ui.status_bar import MESSAGE_MS, StatusBar
from aniworld_desktop.ui.tasks import TaskRunner
from aniworld_desktop.ui.tray import Notifier, TrayIcon
from aniworld_desktop.ui.welcome import WelcomePanel

if TYPE_CHECKING:
    from aniworld_desktop.app import Services
    from aniworld_desktop.storage.catalog import SeriesRecord

log = logging.getLogger(__name__)

A = ActionName
S = DownloadStatus
STATE_VERSION = 2  # bump when the toolbar or columns change so old saved layouts are dropped
QUEUE_LOAD_DELAY_MS = 30  # after the window's first paint, not in the same event round
APP_TITLE = "Aniworld Desktop"  # a name: the same in every language


def _shortcut_text(action: QAction) -> str:
    """The action's shortcut as the platform writes it, in the UI language ("Strg+F")."""
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


class MainWindow(QMainWindow):
    """The application window over the running services.

    Attributes:
        services: The services it shows and commands.
        bridge: Re-emits the services' events as signals.
        model: The queue table's model.
        view: The queue table.
        commands: Every action, by name (``"pause"``, ``"move_top"`` …). Not ``actions``, which
            would hide ``QWidget.actions()``.

    Signals:
        quitRequested(): The user asked to quit (Quit, or closing the window).
    """

    quitRequested = Signal()

    def __init__(
        self,
        services: Services,
        parent: QWidget | None = None,
        *,
        activity: ActivityHandler | None = None,
    ) -> None:
        """Show ``services``; ``activity`` feeds the activity panel (one of its own if None)."""
        super().__init__(parent)
        self.services = services
        # Cycles holding Qt objects must die on this thread, not the download thread's.
        self.collector = MainThreadCollector(self)
        self.collector.start()
        self.tray: TrayIcon | None = None
        self.notifier: Notifier | None = None
        self._quitting = False
        self._told_about_tray = False
        self._own_activity = activity is None
        if activity is None:
            activity = ActivityHandler()
            activity.install()
        self.activity = activity
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(app_icon())
        self.resize(1100, 640)
        self.tasks = TaskRunner(self)
        self.tasks.failed.connect(self.show_error)
        self._settings = QSettings(
            str(services.paths.config_dir / "window.ini"), QSettings.Format.IniFormat
        )

        self.bridge = EventBridge(services.bus, self)
        self.queue_pane = QueuePane(self)
        self.queue_pane.model.attach(self.bridge)
        self.library_pane = LibraryPane(services.library, self.tasks, self)
        self.welcome = WelcomePanel(self)
        self.welcome.addFeedRequested.connect(self.add_series_interactively)
        self.welcome.demoRequested.connect(self.follow_demo)
        self.setCentralWidget(self._create_layout())
        self.activity_dock = self._create_activity_dock()

        self._create_actions()
        build_menus(self.menuBar(), self.commands)
        self.addToolBar(build_toolbar(self, self.commands))
        self.status_bar = StatusBar(
            services.downloads,
            services.scheduler,
            self.tasks,
            library_dir=services.library_dir,
            min_free_disk=services.settings.min_free_disk,
            parent=self,
        )
        self.setStatusBar(self.status_bar)
        self.progress = self.status_bar.progress
        self.status_bar.countsChanged.connect(self._counts_changed)
        self.queue_pane.dropped.connect(self._on_drop)
        self.queue_pane.playRequested.connect(lambda: self._play_from(self.queue_pane))
        self.queue_pane.message.connect(lambda text: self.status_bar.showMessage(text, MESSAGE_MS))
        self.queue_pane.selectionChanged.connect(self.update_actions)
        self.library_pane.seriesSelected.connect(self._series_chosen)
        self.library_pane.playRequested.connect(lambda: self._play_from(self.library_pane))
        self.library_pane.reloaded.connect(self._library_reloaded)

        # The queue fills in right after the window first shows: 100,000 rows take a tenth of
        # a second, which the window's construction need not add to. Events in between are
        # safe: the load takes the service's snapshot when it runs.
        self.queue_loaded = False
        QTimer.singleShot(QUEUE_LOAD_DELAY_MS, self._load_queue)

        # Every status change arrives as itemUpdated or itemsUpdated; progress never changes a
        # count.
        for signal in (
            self.queue_pane.model.rowsInserted,
            self.queue_pane.model.rowsRemoved,
            self.queue_pane.model.modelReset,
            self.bridge.itemUpdated,
            self.bridge.itemsUpdated,
        ):
            signal.connect(self._queue_changed)
        self.bridge.finished.connect(self.status_bar.on_finished)
        self.bridge.failed.connect(self.status_bar.on_failed)
        # Series counts follow the queue and the catalogue.
        for signal in (
            self.bridge.itemsAdded,
            self.bridge.itemsRemoved,
            self.bridge.seriesChanged,
            self.bridge.metadataChanged,
        ):
            signal.connect(self.library_pane.library_changed)
        self.bridge.itemUpdated.connect(self.library_pane.on_item_updated)
        self.bridge.itemsUpdated.connect(self.library_pane.on_items_updated)
        self.bridge.autoDownload.connect(self.status_bar.on_auto_download)

        # Play opens the current row of the episode list or the queue, whichever had the focus
        # last.
        self._play_source: QueuePane | LibraryPane = self.library_pane
        _app().focusChanged.connect(self._focus_changed)

        self._restore_state()
        self._series_chosen([])
        self.status_bar.start()
        self.library_pane.reload()

    # ----------------------------------------------------------------- construction

    def _load_queue(self) -> None:
        if self.tasks.closing:
            return
        downloads = self.services.downloads
        self.queue_pane.model.load(downloads.items(), downloads.speeds())
        self.queue_loaded = True
        self.status_bar.refresh_counts()
        self._leave_welcome()
        # 100,000 rows just loaded stay: later collections need not walk them every time. (Not
        # for a small queue: freezing would also keep any garbage alive now, for good.)
        if self.queue_pane.model.total_count() >= FREEZE_AFTER_LOADING:
            self.collector.settle()

    def _leave_welcome(self) -> None:
        """Show the tables as soon as the queue has something (not after the library reload)."""
        if self.stack.currentWidget() is self.welcome and self.queue_pane.model.total_count():
            self.stack.setCurrentWidget(self.main_splitter)

    def _create_layout(self) -> QWidget:
        self.main_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.library_pane)
        self.main_splitter.addWidget(self.queue_pane)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.main_splitter)
        return self.stack

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
            A.ADD_URL: self.add_url_interactively,
            A.PAUSE: partial(self._on_selection, self.tr("Pause"), self.services.downloads.pause),
            A.RESUME: partial(
                self._on_selection, self.tr("Resume"), self.services.downloads.resume
            ),
            A.CANCEL: partial(
                self._on_selection, self.tr("Cancel"), self.services.downloads.cancel
            ),
            A.RETRY: partial(self._on_selection, self.tr("Retry"), self.services.downloads.retry),
            A.REMOVE: self.remove_selected_interactively,
            A.PAUSE_ALL: partial(
                self._on_all, self.tr("Pause all"), self.services.downloads.pause_all
            ),
            A.RESUME_ALL: partial(
                self._on_all, self.tr("Resume all"), self.services.downloads.resume_all
            ),
            A.RETRY_FAILED: partial(
                self._on_all, self.tr("Retry failed"), self.services.downloads.retry_failed
            ),
            A.MOVE_UP: partial(self.move_selected, Move.UP),
            A.MOVE_DOWN: partial(self.move_selected, Move.DOWN),
            A.MOVE_TOP: partial(self.move_selected, Move.TOP),
            A.MOVE_BOTTOM: partial(self.move_selected, Move.BOTTOM),
            A.PRIORITY_ORDER: self.queue_pane.show_priority_order,
            A.ADD_SERIES: self.add_series_interactively,
            A.REFRESH: self.refresh_selected,
            A.DOWNLOAD_MISSING: self.download_missing_selected,
            A.MONITOR: self.toggle_monitor,
            A.OPEN_FOLDER: self.open_folder,
            A.PLAY: self.play_selected,
            A.TMDB_MATCH: self.set_tmdb_match_interactively,
            A.SCAN: self.scan_library,
            A.ACTIVITY: self.toggle_activity,
            A.AUTO_DOWNLOAD: self.run_auto_download,
            A.FIND: self._find_series,
            A.SETTINGS: self.open_settings,
            A.QUIT: self.quit_app,
        }
        self.commands = create_actions(self, slots, view=self.queue_pane.view)
        self.queue_pane.menu.entries = pick(self.commands, QUEUE_MENU)
        self.library_pane.menu.entries = pick(self.commands, SERIES_MENU)
        self.activity_dock.visibilityChanged.connect(self.commands[A.ACTIVITY].setChecked)

    # ----------------------------------------------------------------- selection

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
        self.update_actions()

    def _series_chosen(self, chosen: list[SeriesRecord]) -> None:
        for name in (A.DOWNLOAD_MISSING, A.MONITOR):
            self.commands[name].setEnabled(bool(chosen))
        self.commands[A.MONITOR].setChecked(bool(chosen) and all(s.monitored for s in chosen))

    # ----------------------------------------------------------------- commands

    def show_error(self, title: str, message: str) -> None:
        """Tell the user, in the status bar and a box that does not block."""
        if self.tasks.closing:
            return
        self.statusBar().showMessage(message, MESSAGE_MS)
        show_message(self, title, message, object_name="errorBox")

    def _on_selection(
        self, what: str, command: Callable[[list[int]], Coroutine[Any, Any, Any]]
    ) -> None:
        ids = self.queue_pane.selected_ids()
        if ids:
            self.tasks.run(command(ids), what=what)

    def _on_all(self, what: str, command: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        self.tasks.run(command(), what=what)

    def move_selected(self, where: Move) -> None:
        """Change the priority of the selected downloads."""
        ids = self.queue_pane.selected_ids()
        if ids:
            self.tasks.run(self._move(ids, where), what=self.tr("Move"))

    async def _move(self, ids: list[int], where: Move) -> None:
        await self.services.downloads.move(ids, where)
        self.queue_pane.scroll_to_current()

    def add_url_interactively(self) -> None:
        """Ask for a link, then add it."""
        self.tasks.run(self._ask_url(), what=self.tr("Add URL"))

    async def _ask_url(self) -> None:
        dialog = AddUrlDialog(self)
        try:
            result = await run_dialog(dialog)
            url = dialog.url()
        finally:
            dialog.deleteLater()
        if result == AddUrlDialog.DialogCode.Accepted:
            await self.add_url(url)

    async def add_url(self, url: str) -> None:
        """Follow or queue ``url`` and say what happened; raises AniworldError."""
        self.statusBar().showMessage(self.tr("Adding {url}…").format(url=url))
        result = await self.services.library.add_url(url)
        queued, title = result.queued, result.series.title
        if queued is None:
            message = self.tr("Following {title} (%n episode(s)).", "", len(result.episodes))
        elif queued.added:
            message = self.tr("Queued %n episode(s) of {title}.", "", len(queued.added))
        else:
            message = self.tr("{title}: already in the queue.")
        message = message.format(title=title)
        self.statusBar().showMessage(message, MESSAGE_MS)

    def remove_selected_interactively(self) -> None:
        """Remove the selected downloads once the user confirms."""
        ids = self.queue_pane.selected_ids()
        if ids:
            self.tasks.run(self._remove(ids), what=self.tr("Remove"))

    async def _remove(self, ids: list[int]) -> None:
        question = self.tr(
            "Remove %n download(s) from the list?\n\n"
            "Unfinished downloads are cancelled and their partial files deleted. "
            "Finished files stay in the library.",
            "",
            len(ids),
        )
        if not await confirm(
            self,
            self.tr("Remove downloads"),
            question,
            self.tr("Remove"),
            object_name="confirmRemove",
        ):
            return
        removed = await self.services.downloads.remove(ids)
        self.statusBar().showMessage(
            self.tr("Removed %n download(s).", "", len(removed)), MESSAGE_MS
        )

    # ----------------------------------------------------------------- the library

    def _library_reloaded(self, series: int) -> None:
        empty = not series and self.queue_pane.model.total_count() == 0
        self.stack.setCurrentWidget(self.welcome if empty else self.main_splitter)

    def _find_series(self) -> None:
        self.stack.setCurrentWidget(self.main_splitter)
        self.library_pane.focus_filter()

    def add_series_interactively(self, url: str = "") -> None:
        """Ask for a feed link, preview what it holds, add it when the user says so."""
        self.tasks.run(
            self._ask_series(url if isinstance(url, str) else ""), what=self.tr("Add series")
        )

    async def _ask_series(self, url: str) -> None:
        dialog = AddSeriesDialog(self.services.library.preview_url, self, url)
        try:
            result = await run_dialog(dialog)
            chosen = dialog.url()
        finally:
            dialog.deleteLater()
        if result == AddSeriesDialog.DialogCode.Accepted:
            await self.add_url(chosen)

    def follow_demo(self) -> None:
        """Follow the demo series (served by the app itself) and queue their episodes."""
        self.tasks.run(self._follow_demo(), what=self.tr("Try the demo"))

    async def _follow_demo(self) -> None:
        from aniworld_desktop.app import follow_demo_series

        await follow_demo_series(self.services.library, self.services.registry)
        queued = await self.services.library.queue_missing()
        self.statusBar().showMessage(
            self.tr("Following the demo series; %n episode(s) queued.", "", len(queued.added)),
            MESSAGE_MS,
        )
        self.library_pane.reload()

    def refresh_selected(self) -> None:
        """Refresh the selected series, or every monitored one when none is selected."""
        self.tasks.run(self._refresh(self.library_pane.selected_series()), what=self.tr("Refresh"))

    async def _refresh(self, chosen: list[SeriesRecord]) -> None:
        library = self.services.library
        if not chosen:
            chosen = [s.series for s in await library.list_series() if s.series.monitored]
        results = []
        try:
            async with self.progress.track(self.tr("Refreshing"), total=len(chosen)) as progress:
                for series in chosen:
                    progress.next(series.title)
                    results.append(await library.refresh(series))
        finally:
            self.library_pane.reload()
        failed = [r for r in results if r.error]
        changed = sum(1 for r in results if r.changed)
        if failed:
            message = self.tr(
                "Refreshed %n series, {changed} changed; {title} failed: {error}.",
                "",
                len(results),
            ).format(changed=changed, title=failed[0].series.title, error=failed[0].error)
        else:
            message = self.tr("Refreshed %n series, {changed} changed.", "", len(results))
            message = message.format(changed=changed)
        self.statusBar().showMessage(message, MESSAGE_MS)

    def download_missing_selected(self) -> None:
        """Queue the missing episodes of the selected series."""
        chosen = self.library_pane.selected_series()
        if chosen:
            self.tasks.run(
                self._queue_series([s.id for s in chosen]), what=self.tr("Download missing")
            )

    async def _queue_series(self, series_ids: list[int]) -> None:
        added = 0
        what = self.tr("Queueing missing episodes")
        async with self.progress.track(what, total=len(series_ids)) as p:
            for series_id in series_ids:
                p.next()
                result = await self.services.library.queue_missing(series_id, monitored_only=False)
                added += len(result.added)
        self.statusBar().showMessage(
            self.tr("Queued %n missing episode(s).", "", added), MESSAGE_MS
        )

    def toggle_monitor(self) -> None:
        """Monitor the selected series, or stop monitoring them."""
        chosen = self.library_pane.selected_series()
        if chosen:
            wanted = not all(s.monitored for s in chosen)
            self.tasks.run(self._set_monitored(chosen, wanted), what=self.tr("Monitor"))

    async def _set_monitored(self, chosen: list[SeriesRecord], monitored: bool) -> None:
        for series in chosen:
            await self.services.library.set_monitored(series, monitored)

    def open_folder(self) -> None:
        """Open the selected series' folder (or the library) in the file manager."""
        chosen = self.library_pane.selected_series()
        folder = (
            self.services.library_dir / chosen[0].folder if chosen else self.services.library_dir
        )
        if not folder.is_dir():
            self.statusBar().showMessage(
                self.tr("{folder} does not exist yet.").format(folder=folder), MESSAGE_MS
            )
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is self.library_pane.episode_view:
            self._play_source = self.library_pane
        elif new is self.queue_pane.view:
            self._play_source = self.queue_pane

    def playable_file(self) -> Path | None:
        """The file Play opens: the chosen episode on disk, or the chosen finished download.

        "Chosen" is the current row of the episode list or the queue, whichever had the focus
        last.
        """
        chosen = self._play_source.chosen_file()
        return None if chosen is None else self.services.library_dir / chosen

    def play_selected(self) -> None:
        """Open the chosen episode file in the desktop's video player."""
        path = self.playable_file()
        if path is None:
            self.statusBar().showMessage(
                self.tr("Choose an episode that is on disk, or a finished download, to play."),
                MESSAGE_MS,
            )
            return
        if not path.is_file():
            self.statusBar().showMessage(
                self.tr("{name} is not on disk any more; rescan the library ({shortcut}).").format(
                    name=path.name, shortcut=_shortcut_text(self.commands[A.SCAN])
                ),
                MESSAGE_MS,
            )
            return
        self.statusBar().showMessage(self.tr("Playing {name}.").format(name=path.name), MESSAGE_MS)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _play_from(self, source: QueuePane | LibraryPane) -> None:
        self._play_source = source
        if self.playable_file() is not None:
            self.play_selected()

    def set_tmdb_match_interactively(self) -> None:
        """Let the user search TMDB and pick the series the metadata comes from."""
        chosen = self.library_pane.selected_series()
        if chosen:
            self.tasks.run(self._tmdb_match(chosen[0]), what=self.tr("Set TMDB match"))

    async def _tmdb_match(self, series: SeriesRecord) -> None:
        from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog

        metadata = self.services.metadata
        dialog = TmdbMatchDialog(metadata.search, series.title, series.year, series.tmdb_id, self)
        try:
            accepted = await run_dialog(dialog) == TmdbMatchDialog.DialogCode.Accepted
            tmdb_id = dialog.chosen_id()
        finally:
            dialog.deleteLater()
        if not accepted or tmdb_id is None:
            return
        await metadata.set_tmdb_id(series, tmdb_id)
        metadata.schedule(series.id)
        self.statusBar().showMessage(
            self.tr(
                "{title} now takes its metadata from TMDB series {id}; "
                "the files are being rewritten."
            ).format(title=series.title, id=tmdb_id),
            MESSAGE_MS,
        )
        self.library_pane.reload()

    def scan_library(self) -> None:
        """Look for episode files in the library again."""
        self.tasks.run(self._scan(), what=self.tr("Rescan library"))

    async def _scan(self) -> None:
        async with self.progress.track(self.tr("Scanning the library")):
            summary = await self.services.library.scan()
        message = self.tr("Scanned %n file(s): {matched} matched", "", summary.files).format(
            matched=summary.matched
        )
        if summary.unmatched:
            message = self.tr(
                "{scanned}, %n not matched to a followed episode", "", len(summary.unmatched)
            ).format(scanned=message)
        if summary.errors:
            message = f"{message}; {summary.errors[0]}"
        self.statusBar().showMessage(message + ".", MESSAGE_MS)
        self.library_pane.reload()

    def toggle_activity(self, shown: bool | None = None) -> None:
        """Show or hide the activity log."""
        visible = not self.activity_dock.isVisible() if shown is None else bool(shown)
        self.activity_dock.setVisible(visible)

    def open_settings(self) -> None:
        """Open the settings; saved ones apply from the next start (the status bar says so)."""
        self.tasks.run(self._open_settings(), what=self.tr("Settings"))

    async def _open_settings(self) -> None:
        from aniworld_desktop.metadata.credentials import load_token_secret

        paths, settings = self.services.paths, self.services.settings
        # A keyring may block; the secret comes back wrapped (qasync logs a thread's result).
        token = (await asyncio.to_thread(load_token_secret, settings)).value
        dialog = SettingsDialog(settings, paths, self, token=token)
        try:
            if await run_dialog(dialog) != SettingsDialog.DialogCode.Accepted:
                return
            saved = await asyncio.to_thread(save_settings_dialog, dialog)
        finally:
            dialog.deleteLater()
        # Automation applies at once; the rest (folders, limits, metadata) from the next start.
        await self.services.scheduler.configure(
            enabled=saved.auto_download,
            interval=saved.auto_download_interval,
            cooldown=saved.auto_download_cooldown,
        )
        self.services.mediaservers.configure(saved)
        if self.notifier is not None:
            self.notifier.apply_settings(saved)
        self.status_bar.follow_schedule()
        self.statusBar().showMessage(
            self.tr(
                "Settings saved; automation and media servers apply now, "
                "the rest from the next start."
            ),
            MESSAGE_MS,
        )

    # ----------------------------------------------------------------- drops

    def _on_drop(self, drop: Drop, before: int | None) -> None:
        """Schedule what a drop on the queue asks for; the handler itself does no work."""
        if drop.kind is DropKind.QUEUE:
            self.tasks.run(
                self.services.downloads.move_before(drop.ids, before), what=self.tr("Move")
            )
        elif drop.kind is DropKind.EPISODES:
            self.tasks.run(self._queue_episodes(drop.ids), what=self.tr("Queue episodes"))
        elif drop.kind is DropKind.SERIES:
            self.tasks.run(self._queue_series(drop.ids), what=self.tr("Queue series"))
        else:
            self.tasks.run(self._add_links(drop.urls, drop.files), what=self.tr("Add links"))

    async def _queue_episodes(self, episode_ids: list[int]) -> None:
        result = await self.services.library.queue_episodes(episode_ids)
        message = self.tr("Queued %n episode(s)", "", len(result.added))
        if result.duplicates:
            message = self.tr(
                "{queued}; %n already in the queue", "", len(result.duplicates)
            ).format(queued=message)
        self.statusBar().showMessage(message + ".", MESSAGE_MS)

    async def _add_links(self, urls: list[str], files: list[Path]) -> None:
        links = list(urls)
        for file in files:
            links += await asyncio.to_thread(read_link_file, file)
        media = [u for u in links if video_suffix(file_name_from_url(u), default="")]
        feeds = [u for u in links if u not in media]
        queued = 0
        refused: list[str] = []
        async with self.progress.track(self.tr("Adding links"), total=len(media)) as progress:
            for url in media:
                progress.next(file_name_from_url(url))
                try:
                    result = await self.services.library.add_url(url)
                except AniworldError as exc:  # one bad link must not stop the others
                    log.info("dropped link %s refused: %s", url, exc)
                    refused.append(f"{file_name_from_url(url)}: {exc}")
                    continue
                queued += len(result.queued.added) if result.queued else 0
        for url in feeds:
            provider, info = await self.services.library.preview_url(url)
            regular = sum(1 for e in info.episodes if e.kind.value == "full")
            question = self.tr(
                "Follow {title} from {provider}? The feed lists %n episode(s).", "", regular
            ).format(title=info.title, provider=provider)
            if await confirm(
                self,
                self.tr("Follow series"),
                question,
                self.tr("Follow"),
                object_name="confirmFollow",
            ):
                await self.add_url(url)
        if refused:
            summary = self.tr("Queued %n dropped link(s); {refused} refused:", "", queued)
            self.show_error(
                self.tr("Add links"),
                summary.format(refused=len(refused)) + "\n" + "\n".join(refused[:10]),
            )
        elif media:
            self.statusBar().showMessage(
                self.tr("Queued %n dropped link(s).", "", queued), MESSAGE_MS
            )

    # ----------------------------------------------------------------- status

    def _queue_changed(self, *args: object) -> None:
        self._leave_welcome()
        self.status_bar.on_queue_changed()

    def run_auto_download(self) -> None:
        """Refresh the monitored series, rescan and queue what is missing (unless too soon)."""
        self.tasks.run(self._run_auto_download(), what=self.tr("Auto-download"))

    async def _run_auto_download(self) -> None:
        async with self.progress.track(self.tr("Auto-download")):
            await self.services.scheduler.run_now()

    # ----------------------------------------------------------------- lifecycle

    def attach_tray(self, tray: TrayIcon, notifier: Notifier) -> None:
        """Let the tray icon show this window's state and command it (qtapp calls this)."""
        self.tray, self.notifier = tray, notifier
        tray.track_window(self)
        tray.showHideRequested.connect(self.toggle_visible)
        tray.showRequested.connect(self.show_and_raise)
        # The services directly, not the window's actions: a disabled action ignores trigger().
        downloads = self.services.downloads
        tray.pauseAllRequested.connect(
            partial(self._on_all, self.tr("Pause all"), downloads.pause_all)
        )
        tray.resumeAllRequested.connect(
            partial(self._on_all, self.tr("Resume all"), downloads.resume_all)
        )
        tray.runNowRequested.connect(self.run_auto_download)
        tray.openFolderRequested.connect(self.open_library_folder)
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

    def open_library_folder(self) -> None:
        folder = self.services.library_dir
        if folder.is_dir():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

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
        self.bridge.detach()
        self.activity_panel.model.unfollow()
        if self._own_activity:
            self.activity.close()
        self.status_bar.stop()
        with contextlib.suppress(RuntimeError, TypeError):
            _app().focusChanged.disconnect(self._focus_changed)
        self.queue_pane.model.progress_timer.stop()
        await self.tasks.aclose()
        for box in self.findChildren(QMessageBox):
            box.close()

    def _save_state(self) -> None:
        settings = self._settings
        settings.setValue("window/version", STATE_VERSION)
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(STATE_VERSION))
        settings.setValue("queue/header", self.queue_pane.view.horizontalHeader().saveState())
        settings.setValue(
            "series/header", self.library_pane.series_view.horizontalHeader().saveState()
        )
        settings.setValue("episodes/header", self.library_pane.episode_view.header().saveState())
        settings.setValue("splitter/main", self.main_splitter.saveState())
        settings.setValue("splitter/library", self.library_pane.saveState())
        settings.sync()

    def _restore_state(self) -> None:
        settings = self._settings
        if settings.value("window/version", 0, type=int) != STATE_VERSION:
            return
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state, STATE_VERSION)
        restorers: dict[str, Callable[[QByteArray], bool]] = {
            "queue/header": self.queue_pane.view.horizontalHeader().restoreState,
            "series/header": self.library_pane.series_view.horizontalHeader().restoreState,
            "episodes/header": self.library_pane.episode_view.header().restoreState,
            "splitter/main": self.main_splitter.restoreState,
            "splitter/library": self.library_pane.restoreState,
        }
        for key, restore in restorers.items():
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)
