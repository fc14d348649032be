"""Running the window: the QApplication, qasync's loop, the services, and an orderly shutdown.

The order matters (see STYLE.md, "Known traps"): the QApplication exists before the loop; the
main coroutine waits on an ``asyncio.Event`` that Quit, closing the window, SIGTERM or SIGINT
set; then the window's tasks end, the services stop (workers cancelled, sessions closed, engine
disposed) while the loop still runs; only then does the loop close, and the QApplication last.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import qasync
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from aniworld_desktop import __version__
from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.desktop.notifications import DesktopNotifications
from aniworld_desktop.desktop.scheduling import HELPER_NICE, favour_this_thread, helpers_yield
from aniworld_desktop.exitcodes import EXIT_OK, EXIT_USAGE

# Light: what the services import waits for open_services() (see load_service_modules).
from aniworld_desktop.services import (
    LockHolder,
    ProfileLock,
    load_service_modules,
    open_services,
)
from aniworld_desktop.ui import icons, translation
from aniworld_desktop.ui.activity import ActivityHandler
from aniworld_desktop.ui.icons import app_icon
from aniworld_desktop.ui.main_window import QUEUE_DONE_ROWS, MainWindow
from aniworld_desktop.ui.notifications import DesktopMessages
from aniworld_desktop.ui.single_instance import SingleInstance, instance_key
from aniworld_desktop.ui.tray import Notifier, TrayIcon

if TYPE_CHECKING:
    from aniworld_desktop.downloads.service import DownloadService
    from aniworld_desktop.services import Services

log = logging.getLogger(__name__)

APP_NAME = "Aniworld Desktop"
ORGANISATION = "aniworld-desktop"
# The freedesktop app id: packaging/linux/<id>.desktop, its metainfo and icons carry it.
DESKTOP_FILE_NAME = "io.github.aniworld_desktop.AniworldDesktop"


# How long a thread may keep the GIL while another waits for it. Python's 5 ms default lets the
# download thread hold the window's loop back by that much at every hand-over; 1 ms keeps the
# loop's lateness low at a small cost in download throughput (tests/benchmarks).
SWITCH_INTERVAL = 0.001
# Between two of the downloads a start resumes (start_downloads).
DOWNLOAD_START_PAUSE = 0.05


def tune_interpreter() -> None:
    """Interpreter and scheduler settings for a responsive window, on the window's thread
    (run_window and the benchmarks call it)."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    # Woken by a timer or an event, the window's thread runs before a thread that has had
    # its slice, and the download and writer threads yield to it (desktop/scheduling.py).
    favour_this_thread()
    helpers_yield(HELPER_NICE)


def run_window(
    paths: ProfilePaths,
    settings: Settings,
    *,
    minimized: bool = False,
    demo: bool = False,
    links: Sequence[str] = (),
    log_filter: logging.Filter | None = None,
    notices: Sequence[str] = (),
) -> int:
    """Show the window until the user quits; return the process exit code.

    Args:
        paths: The profile's folders.
        settings: The settings in force.
        minimized: Start iconified instead of in front.
        demo: Follow the built-in demo series (``--demo``).
        links: Links to add once the window is up (``--add URL``, the desktop's ``%U``).
        log_filter: Masks secrets in what the activity panel shows (the log's own filter).
        notices: What reading the settings found (a corrupt file set aside); shown with the
            database's once the window is up.

    Returns:
        0 after a normal quit, 2 when the services could not start (the reason is shown).
    """
    tune_interpreter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # packaging/linux/<this>.desktop
    # Before any widget exists: texts are translated when the widgets are made.
    language = translation.install()
    log.info("window language: %s", language.language)
    # The quit event ends the app, not the last window: a tray icon will keep it alive later,
    # and closing the window must still run the async shutdown.
    app.setQuitOnLastWindowClosed(False)
    key = instance_key(paths)
    instance = SingleInstance(key, app)
    if not instance.claim():
        # Blocking is fine here: no event loop runs yet.
        handed = SingleInstance.hand_over(key, {"args": list(links), "cwd": os.getcwd()})
        log.info("a window already runs for this profile; handed over: %s", handed)
        return EXIT_OK
    # Installed before the services start, so the panel shows the start-up too.
    activity = ActivityHandler(filters=[log_filter] if log_filter is not None else ())
    activity.install()
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            return runner.run(
                _main(
                    paths,
                    settings,
                    instance,
                    activity,
                    minimized=minimized,
                    demo=demo,
                    links=links,
                    notices=notices,
                )
            )
    except AniworldError as exc:
        # The loop is closed by now, so a modal box cannot re-enter it.
        log.error("cannot start: %s", exc)
        show_startup_error(str(exc))
        return EXIT_USAGE
    finally:
        activity.close()
        instance.close()
        # The closed loop leaves cycles that hold Qt timers: they must die here, on the GUI
        # thread, not in whichever thread the collector next runs in (ui/collector.py).
        gc.collect()


def _load_behind_the_frame() -> None:
    """What the services import, and the icons the window's actions show (worker thread)."""
    load_service_modules()
    icons.preload()


def show_notices(window: MainWindow, tray: TrayIcon, notices: Sequence[str]) -> None:
    """Tell the user, once, what start-up had to repair (a corrupt database or settings file
    set aside): in a box over the window, or from the tray when the app started there."""
    title = QCoreApplication.translate("Startup", "Aniworld Desktop repaired something at start")
    text = "\n\n".join(notices)
    if window.isVisible():
        box = QMessageBox(
            QMessageBox.Icon.Warning, APP_NAME, title, QMessageBox.StandardButton.Ok, window
        )
        box.setObjectName("startupNotices")
        box.setInformativeText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # never exec(): a nested loop would hang qasync
    else:
        tray.notify(title, text, warning=True)


def show_startup_error(message: str) -> None:
    """Tell the user why the app cannot start (blocking: no event loop runs any more)."""
    QMessageBox.critical(None, APP_NAME, message)


async def _main(
    paths: ProfilePaths,
    settings: Settings,
    instance: SingleInstance,
    activity: ActivityHandler,
    *,
    minimized: bool,
    demo: bool,
    links: Sequence[str],
    notices: Sequence[str] = (),
) -> int:
    quit_event = asyncio.Event()
    with _quit_on_signals(quit_event.set):
        # One profile, one owner: while a run-once holds it, a box says so and we wait.
        lock = await hold_profile_for_window(paths, quit_event)
        if lock is None:
            return EXIT_OK  # the user quit while waiting
        with lock:
            return await _run_services(
                paths,
                settings,
                instance,
                activity,
                quit_event,
                minimized=minimized,
                demo=demo,
                links=links,
                notices=notices,
            )


async def _run_services(
    paths: ProfilePaths,
    settings: Settings,
    instance: SingleInstance,
    activity: ActivityHandler,
    quit_event: asyncio.Event,
    *,
    minimized: bool,
    demo: bool,
    links: Sequence[str],
    notices: Sequence[str] = (),
) -> int:
    """Show the window's frame, open the services behind it, then fill it in and serve.

    The frame shows first (it says the library is opening and offers Quit); the services
    module's imports (SQLAlchemy, aiohttp: most of the start-up's) run in a worker thread
    meanwhile, and the database, its migrations and the downloads open on the loop after the
    first paint. A Quit before they are open waits for the opening to end, then closes them:
    nothing is left half-open (a migration is never cut off).
    """
    window = MainWindow(activity=activity, paths=paths)
    window.quitRequested.connect(quit_event.set)
    window.quitRequested.connect(window.hide)  # gone at once, even while the services open
    instance.messageReceived.connect(lambda message: _on_second_launch(window, message))
    window.add_links(links)
    in_tray = minimized and TrayIcon.available() and settings.close_to_tray
    tray: TrayIcon | None = None
    if in_tray:
        tray = _opening_tray(window)  # the one thing a start in the tray shows: at once
        log.info("started in the tray")  # --minimized: the window stays hidden
    elif minimized:
        window.showMinimized()
        log.info("window shown minimized (no tray on this desktop)")
    else:
        window.show()
        log.info("window shown")
    closed = False
    try:
        # The imports hold the GIL only in slices (sys.setswitchinterval): the loop paints.
        await asyncio.to_thread(_load_behind_the_frame)
        # The downloads start once the window shows the queue (_serve, start_downloads).
        async with open_services(
            paths,
            settings,
            demo=demo,
            notices=notices,
            run_downloads=False,
            read_series_early=True,  # the library list's counts while the queue loads
            done_limit=QUEUE_DONE_ROWS,  # the latest finished downloads; the rest on request
            download_process=True,  # no GIL shared with the window (downloads/process.py)
        ) as services:
            try:
                if not quit_event.is_set():
                    await _serve(window, services, settings, quit_event, tray=tray)
            finally:
                log.info("shutting down")
                closed = True
                window.hide()
                await window.aclose()  # before the services stop
    finally:
        if not closed:  # the services never opened (an error, or a quit while loading)
            window.hide()
            await window.aclose()
        if tray is not None:
            tray.hide()  # no ghost icon, whenever the app ends
    log.info("services stopped")
    return EXIT_OK


def _opening_tray(window: MainWindow) -> TrayIcon:
    """The tray icon of a start in the tray (``--minimized``), shown before the services open:
    until :func:`_serve` attaches it to the window, its Show shows the window's frame (which
    says the library is opening) and its Quit quits."""
    tray = TrayIcon(parent=window)
    tray.set_opening(True)
    tray.showHideRequested.connect(window.toggle_visible)
    tray.showRequested.connect(window.show_and_raise)
    tray.quitRequested.connect(window.quit_app)
    tray.show()
    return tray


async def _serve(
    window: MainWindow,
    services: Services,
    settings: Settings,
    quit_event: asyncio.Event,
    *,
    tray: TrayIcon | None = None,
) -> None:
    """The window over open services, until the quit event.

    The window fills in a step per loop turn (its queue in chunks); the auto-download timer,
    the tray icon (unless a start in the tray showed it already: ``tray``) and the downloads the
    queue resumes follow once the queue is in the table, the downloads a slot at a time
    (:func:`start_downloads`).
    """
    services.metadata.follow()  # NFO files follow additions and downloads by themselves
    await window.open_services_in_steps(services)
    if quit_event.is_set():
        return  # quit while it filled in: what was built is closed by the caller
    # Its first run is a minute away at the soonest, but its first read of the database (the
    # last run's time: SQLAlchemy's first statement of its kind) took the loop 20-50 ms that
    # the window's filling in needs more.
    services.scheduler.start()  # nothing when switched off
    in_tray = tray is not None
    if tray is None:
        tray = TrayIcon(parent=window)
    else:  # from _opening_tray: the window's own connections replace its stand-ins
        tray.showHideRequested.disconnect(window.toggle_visible)
        tray.showRequested.disconnect(window.show_and_raise)
        tray.quitRequested.disconnect(window.quit_app)
        tray.set_opening(False)
    # Without a tray (stock GNOME) notifications go to the desktop's notification server.
    server = DesktopNotifications(APP_NAME, app_id=DESKTOP_FILE_NAME, icon=DESKTOP_FILE_NAME)
    messages = DesktopMessages(tray, server, parent=window)
    messages.clicked.connect(window.show_and_raise)
    window.attach_tray(tray, Notifier(tray, settings, messages=messages))
    if TrayIcon.available():
        tray.show()
    if in_tray and not window.keeps_running_in_tray():
        window.showMinimized()  # the tray went away meanwhile: never an invisible app
    log.info("services open")
    if services.notices:
        show_notices(window, tray, services.notices)
    downloads = asyncio.ensure_future(start_downloads(services.downloads))
    try:
        # Once the window shows: a session bus that is slow to answer must not delay it.
        async with server:
            await quit_event.wait()
            await messages.aclose()
    finally:
        downloads.cancel()
        await asyncio.gather(downloads, return_exceptions=True)
        tray.hide()


async def start_downloads(
    downloads: DownloadService, *, pause: float = DOWNLOAD_START_PAUSE
) -> None:
    """Start the downloads the queue resumes one at a time, ``pause`` seconds apart.

    The services open without running them (``run_downloads=False``), so the window fills in
    first. Each start is a task, a request and a hand-over to the download thread; the eight
    of a big queue at once held the window's loop back for a frame. The limit rises a slot at
    a time to the settings' one; a limit set meanwhile by anyone else is left as it is.
    """
    limit = downloads.max_downloads
    ours = downloads.max_downloads = min(1, limit)
    downloads.start_workers()
    try:
        while ours < limit:
            await asyncio.sleep(pause)
            if downloads.max_downloads != ours:
                return  # changed meanwhile: not ours to raise any more
            ours = downloads.max_downloads = ours + 1
            downloads.start_workers()
    finally:
        if downloads.max_downloads == ours:
            downloads.max_downloads = limit  # a quit during the ramp: as the settings say


def _holder_text(holder: LockHolder | None) -> str:
    """Who holds the profile, in the window's language."""
    if holder is None:
        return QCoreApplication.translate("ProfileLock", "Another program")
    since = holder.since.strftime("%H:%M:%S") if holder.since is not None else "?"
    if holder.command == "window":
        return (
            QCoreApplication.translate(
                "ProfileLock", "Another Aniworld Desktop window (process %1, since %2)"
            )
            .replace("%1", str(holder.pid))
            .replace("%2", since)
        )
    return (
        QCoreApplication.translate("ProfileLock", "The command '%1' (process %2, since %3)")
        .replace("%1", holder.command)
        .replace("%2", str(holder.pid))
        .replace("%3", since)
    )


async def hold_profile_for_window(
    paths: ProfilePaths, quit_event: asyncio.Event | None = None, *, poll: float = 1.0
) -> ProfileLock | None:
    """The profile's lock for the window, waiting for another run to let go of it.

    While another process (a cron ``run-once``) holds the profile, a box says who and that the
    window opens as soon as it has finished; its Quit button, or ``quit_event``, gives up.

    Returns:
        The held lock (the caller releases it), or None when the user quit while waiting.
    """
    lock = ProfileLock.of(paths)
    if lock.try_acquire("window"):  # never waits
        return lock
    holder = lock.holder()
    log.warning("waiting for the profile: %s", holder.describe() if holder else "unknown")
    box = QMessageBox(
        QMessageBox.Icon.Information,
        APP_NAME,
        QCoreApplication.translate("ProfileLock", "Another run is using this profile"),
        QMessageBox.StandardButton.NoButton,
    )
    box.setObjectName("profileLocked")
    box.setInformativeText(
        QCoreApplication.translate(
            "ProfileLock",
            "%1 is working on this profile. The window opens as soon as it has finished.",
        ).replace("%1", _holder_text(holder))
    )
    box.addButton(
        QCoreApplication.translate("ProfileLock", "&Quit"), QMessageBox.ButtonRole.RejectRole
    )
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_finished(_result: int) -> None:
        if not closed.done():
            closed.set_result(None)

    box.finished.connect(on_finished)
    box.open()  # never exec(): a nested loop would hang qasync
    waits: set[asyncio.Future[Any]] = {
        asyncio.ensure_future(lock.wait_acquire("window", poll=poll))
    }
    taken = next(iter(waits))
    waits.add(closed)
    if quit_event is not None:
        waits.add(asyncio.ensure_future(quit_event.wait()))
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
        box.finished.disconnect()
        box.done(0)
        box.deleteLater()
    if taken.done() and not taken.cancelled() and taken.exception() is None:
        log.info("the profile is free now")
        return lock
    lock.release()  # a take that finished while we were giving up
    return None


def _on_second_launch(window: MainWindow, message: dict[str, Any]) -> None:
    """Bring the window to the front and add the links a second launch was given."""
    log.info("a second launch handed over %d argument(s)", len(message.get("args", [])))
    window.showNormal()
    window.raise_()
    window.activateWindow()
    args = message.get("args", [])
    _add_links(window, [a for a in args if isinstance(a, str)] if isinstance(args, list) else [])


def _add_links(window: MainWindow, links: Sequence[str]) -> None:
    window.add_links(links)


@contextlib.contextmanager
def _quit_on_signals(quit: Callable[[], None]) -> Iterator[None]:
    """Call ``quit`` on SIGTERM and SIGINT while the loop runs.

    qasync's loop is a selector loop whose self-pipe is watched by a QSocketNotifier, so
    ``add_signal_handler`` wakes it even while Qt sits in its own event loop.
    """
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, quit)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # Windows, or not the main thread: Quit and the window still work
        installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
