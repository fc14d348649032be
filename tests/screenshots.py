"""Render the real window offscreen with demo data, to the PNG files of the user guide.

Usage::

    python tests/screenshots.py [OUTDIR]      # default: docs/images (``make screenshots``)

The window runs as ``aniworld-desktop`` runs it (:mod:`aniworld_desktop.ui.qtapp`): the
QApplication first, qasync's loop through ``asyncio.Runner``, ``open_services`` in a temporary
profile, the MainWindow over them, and at the end ``window.aclose()`` and the services closed
inside the loop, with the tray icon attached as qtapp attaches it. Nothing in the window is
faked: the demo catalogue is followed through the welcome panel's button, its server is slowed
(``ANIWORLD_DEMO_SECONDS_PER_FILE``) so downloads are caught mid-way. What lies outside the app
is served on 127.0.0.1: a small feed for the add-series preview, a stand-in for TMDB's series
search for the TMDB match dialog, and a "NAS": a Jellyfin stand-in over HTTPS with a
self-signed certificate, whose certificate the settings read and whose Test then passes. The
German window is a second window made under the German translation.

For pictures that look the same on every machine: the offscreen platform (unless
``QT_QPA_PLATFORM`` says otherwise), the Fusion style with its own palette, DejaVu Sans 10 pt,
a 1024x700 window (a laptop's; one more at 1600x1000), no ``ANIWORLD_*`` variables from the caller and no keyring (so no token of
yours can show up).

Each picture is a :class:`Shot` in :data:`SHOTS`: a name and an async ``setup`` that brings the
window into shape and returns the widget to grab. Add one there for a new dialog or panel.

The exit status is 0 when every picture was written and nothing complained; 1 when a Qt
warning, a logged warning or error, a Python warning or a leftover task showed up (the pictures
are written anyway, and the complaints are printed; :data:`KNOWN_PROBLEMS` of the app are
printed but not counted); 2 when a step never reached the state its picture needs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import inspect
import logging
import os
import sys
import tempfile
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTDIR = REPO / "docs" / "images"
WINDOW_SIZE = (1024, 700)  # a laptop's screen: what must fit without a cut column
LARGE_WINDOW_SIZE = (1600, 1000)  # a desktop monitor's
FONT = ("DejaVu Sans", 10)
# The demo server sends each episode in this many seconds: slow enough to catch downloads
# mid-way, quick enough that the first ones finish before the picture.
DEMO_SECONDS_PER_FILE = 6.0
WAIT = 20.0  # seconds any one step may take before the script gives up
SETTLE = 0.4  # seconds for posted layout and paint events before a grab
FEED_PORT = 8765  # a fixed port keeps the link in add-series.png the same; any free one else
NAS_PORT = 8920  # Jellyfin's HTTPS port; fixed for the same reason (settings-servers.png)
SERVERS_DIALOG_SIZE = (860, 600)  # tall enough for the media servers page with its test
NAS_API_KEY = "0c6a4e2f9b8d47e1a3f5c7b9d2e4f6a8"  # what the stand-in Jellyfin accepts; masked
TMDB_STAND_IN_TOKEN = "stand-in"  # the stand-in for TMDB asks for none
MATCH_SERIES = "Harbor Lights"  # the demo series whose TMDB match is set in tmdb-match.png
# Qt messages that are not problems (the same list as pyproject's qt_log_ignore).
QT_MESSAGES_ALLOWED = ("This plugin does not support propagateSizeHints()",)
# Problems of the app itself that a run shows, reported at the end but not failing it: (logger,
# exception, what). Remove an entry once the app is fixed.
KNOWN_PROBLEMS: tuple[tuple[str, type[BaseException], str], ...] = (
    (
        "aiohttp.server",
        ConnectionResetError,
        "a demo download that stops (paused, or the app quits) makes the demo server log an "
        "ERROR with a traceback (aniworld_desktop/providers/demo.py: DemoServer._send writes to "
        "the closed connection)",
    ),
)


class ScreenshotError(Exception):
    """A step did not reach the state its picture needs."""


# --------------------------------------------------------------------------- the shots


@dataclass(frozen=True, slots=True)
class Shot:
    """One picture.

    Attributes:
        name: The file name without ``.png``.
        setup: Brings the window into shape and returns the widget to grab; it may register
            clean-ups with :meth:`Stage.after` (close a dialog), run after the grab.
        size: The picture's size: the widget is resized to it. None keeps the widget's own
            size (a dialog that grows with its content).
        caption: What the picture shows, printed with the file.
    """

    name: str
    setup: Callable[[Stage], Awaitable[Any]]
    size: tuple[int, int] | None = WINDOW_SIZE
    caption: str = ""


@dataclass(slots=True)
class Stage:
    """What a shot's setup works with.

    Attributes:
        services: The running services (``aniworld_desktop.services.Services``).
        window: The MainWindow.
        feed_url: A small podcast feed served on 127.0.0.1, for the add-series preview.
        tmdb_url: The API address of a stand-in for TMDB's series search on 127.0.0.1.
        nas_url: A stand-in Jellyfin over HTTPS with a self-signed certificate, on 127.0.0.1.
    """

    services: Any
    window: Any
    feed_url: str
    tmdb_url: str
    nas_url: str
    _cleanups: list[Callable[[], object]] = field(default_factory=list)

    def after(self, cleanup: Callable[[], object]) -> None:
        """Run ``cleanup`` once the current shot is grabbed (the last registered first); a
        coroutine function's coroutine is awaited."""
        self._cleanups.append(cleanup)

    async def clean_up(self) -> None:
        while self._cleanups:
            done = self._cleanups.pop()()
            if inspect.isawaitable(done):
                await done
        await asyncio.sleep(SETTLE)  # dialogs finish; their tasks end


async def wait_until(condition: Callable[[], object], what: str, seconds: float = WAIT) -> None:
    """Poll ``condition`` on the running loop (never a nested Qt loop) until it holds."""
    deadline = time.monotonic() + seconds
    # Polling on purpose: the conditions span several signals, or none (isVisible).
    while not condition():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"timed out after {seconds:g} s waiting for {what}")
        await asyncio.sleep(0.05)


async def visible_dialog(stage: Stage, kind: type) -> Any:
    """The window's visible dialog of ``kind``, once it is open."""
    found: list[Any] = []

    def look() -> bool:
        found[:] = [w for w in stage.window.findChildren(kind) if w.isVisible()]
        return bool(found)

    await wait_until(look, f"a visible {kind.__name__}")
    return found[0]


def progress_of(window: Any, item_id: int) -> float:
    """The fraction the queue table shows for ``item_id`` (0 when unknown)."""
    from aniworld_desktop.ui.queue_model import Column
    from aniworld_desktop.ui.roles import Role

    row = window.queue_pane.model.row_of(item_id)
    if row is None:
        return 0.0
    return float(window.queue_pane.model.index(row, Column.PROGRESS).data(Role.PROGRESS) or 0.0)


def status_of(window: Any, item_id: int) -> str:
    row = window.queue_pane.model.row_of(item_id)
    return "" if row is None else window.queue_pane.model.item(row).status.value


def downloading_ids(window: Any) -> list[int]:
    """Ids of the rows shown as downloading, top to bottom."""
    model = window.queue_pane.model
    return [
        model.item_id(row)
        for row in range(model.rowCount())
        if model.item(row).status.value == "downloading"
    ]


async def welcome(stage: Stage) -> Any:
    """A fresh profile: the welcome panel."""
    window = stage.window
    await wait_until(
        lambda: (
            window.stack.currentWidget() is window.welcome
            and window.library_pane.series_model.rowCount() == 0
        ),
        "the welcome panel",
    )
    return window


async def main_window(stage: Stage) -> Any:
    """Try the demo, pause one download, and show a series while others run."""
    from PySide6.QtCore import QModelIndex

    window = stage.window
    window.welcome.demo_button.click()
    await wait_until(
        lambda: (
            window.stack.currentWidget() is window.main_splitter
            and window.library_pane.series_model.rowCount() >= 3
            and window.queue_pane.model.rowCount() > 0
        ),
        "the demo series and their queue",
    )
    # Two downloads run at once from the demo server (the per-server limit). Pausing one
    # half-way lets the next start, so the picture shows downloads at different points.
    await wait_until(lambda: len(downloading_ids(window)) >= 2, "two running downloads")
    first, second = downloading_ids(window)[:2]
    await wait_until(lambda: progress_of(window, second) >= 0.4, "a download at 40%")
    window.queue_pane.select_ids([second])
    window.commands["pause"].trigger()
    await wait_until(lambda: status_of(window, second) == "paused", "the pause")
    window.queue_pane.view.clearSelection()
    window.queue_pane.view.setCurrentIndex(QModelIndex())  # no focus frame on a cell
    await wait_until(lambda: status_of(window, first) == "completed", "a finished download")
    await wait_until(
        lambda: any(progress_of(window, i) >= 0.15 for i in downloading_ids(window)[1:]),
        "a download started after the pause",
    )
    title = stage.services.downloads.get(first).series_title
    select_series(window, title)
    await wait_until(
        lambda: window.library_pane.episode_model.rowCount() > 0, f"the episodes of {title}"
    )
    await counts_caught_up(window)
    return window


def select_series(window: Any, title: str) -> None:
    from aniworld_desktop.ui.series_model import Column

    model = window.library_pane.series_model
    for row in range(model.rowCount()):
        if model.index(row, Column.TITLE).data() == title:
            window.library_pane.series_view.selectRow(row)
            return
    raise ScreenshotError(f"no series {title!r} in the series table")


async def counts_caught_up(window: Any) -> None:
    """Wait until the series table's "Queued" counts agree with the queue table.

    The series counts follow the queue at most twice a second (by design); a picture taken in
    between would show a finished download still counted as queued.
    """
    from collections import Counter

    from aniworld_desktop.ui.roles import Role
    from aniworld_desktop.ui.series_model import Column

    def agree() -> bool:
        model, queue = window.library_pane.series_model, window.queue_pane.model
        active = Counter(
            queue.item(row).series_title
            for row in range(queue.rowCount())
            if queue.item(row).status.value in ("pending", "downloading", "paused")
        )
        shown = {
            model.index(row, Column.TITLE).data(): model.index(row, Column.QUEUED).data(Role.RAW)
            for row in range(model.rowCount())
        }
        return all(shown.get(title, 0) == count for title, count in active.items())

    await wait_until(agree, "the series counts to follow the queue")


async def add_series(stage: Stage) -> Any:
    """The Add series dialog with the preview of a feed."""
    from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog

    stage.window.commands["add_series"].trigger()
    dialog = await visible_dialog(stage, AddSeriesDialog)
    stage.after(dialog.reject)
    dialog.url_edit.setText(stage.feed_url)
    dialog.preview_button.click()
    await wait_until(lambda: dialog.add_button.isEnabled(), "the feed's preview")
    return dialog


async def mediathek_search(stage: Stage) -> Any:
    """The film list search: programmes found as typed, the chosen one's newest films."""
    from dataclasses import replace

    from aniworld_desktop.ui.mediathek_search import MediathekSearchDialog

    provider = stage.services.registry.get("mediathek")
    base = stage.feed_url.rsplit("/night-ferry/", 1)[0]  # served beside the feed
    provider.options = replace(
        provider.options,
        full_list_url=f"{base}/mediathek/Filmliste-akt.xz",
        diff_list_url=f"{base}/mediathek/Filmliste-diff.xz",
    )
    stage.window.commands["search_mediathek"].trigger()
    dialog = await visible_dialog(stage, MediathekSearchDialog)
    stage.after(dialog.reject)
    await wait_until(lambda: dialog.channel_box.count() > 1, "the film list to be indexed")
    dialog.search_edit.setText("bergh")
    await wait_until(lambda: dialog.programmes.topLevelItemCount() > 0, "programmes found")
    dialog.programmes.setCurrentItem(dialog.programmes.topLevelItem(0))
    await wait_until(lambda: dialog.films.topLevelItemCount() > 0, "the programme's films")
    dialog.filter_edit.setText("Staffel")
    return dialog


async def settings(stage: Stage) -> Any:
    """The settings dialog, at the size it opens with."""
    from aniworld_desktop.ui.settings_dialog import SettingsDialog

    stage.window.commands["settings"].trigger()
    dialog = await visible_dialog(stage, SettingsDialog)
    stage.after(dialog.reject)
    dialog.adjustSize()
    return dialog


async def settings_mediathek(stage: Stage) -> Any:
    """The Public broadcasters page: default quality, preferred version, the list's interval."""
    from aniworld_desktop.ui.settings_dialog import SettingsDialog

    stage.window.commands["settings"].trigger()
    dialog = await visible_dialog(stage, SettingsDialog)
    stage.after(dialog.reject)  # nothing is saved
    dialog.show_page("mediathek_quality")
    dialog.adjustSize()
    await asyncio.sleep(SETTLE)  # the page is laid out
    return dialog


def next_emission(signal: Any) -> asyncio.Future[tuple[Any, ...]]:
    """A future resolved with the arguments of ``signal``'s next emission."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def resolve(*args: Any) -> None:
        signal.disconnect(resolve)
        if not future.done():
            future.set_result(args)

    signal.connect(resolve)
    return future


async def awaited(future: asyncio.Future[tuple[Any, ...]], what: str) -> tuple[Any, ...]:
    try:
        return await asyncio.wait_for(future, WAIT)
    except TimeoutError:
        raise ScreenshotError(f"timed out after {WAIT:g} s waiting for {what}") from None


async def settings_servers(stage: Stage) -> Any:
    """The Media servers page: the NAS's certificate read and listed under Trusted servers,
    then its Jellyfin, which has that certificate, tested successfully through it."""
    from aniworld_desktop.ui.settings_dialog import SettingsDialog

    stage.window.commands["settings"].trigger()
    dialog = await visible_dialog(stage, SettingsDialog)
    stage.after(dialog.reject)  # nothing is saved
    dialog.resize(*SERVERS_DIALOG_SIZE)
    dialog.trust_url_edit.setText(stage.nas_url)
    read = next_emission(dialog.certificateRead)
    dialog.trust_button.click()
    ok, text = await awaited(read, "Read Certificate")
    if not ok:
        raise ScreenshotError(f"Read Certificate failed: {text}")
    dialog.edits["jellyfin_url"].setText(stage.nas_url)
    dialog.edits["jellyfin_api_key"].setText(NAS_API_KEY)
    tested = next_emission(dialog.serverTested)
    dialog.test_buttons["jellyfin"].click()
    _server, ok, text = await awaited(tested, "the Jellyfin test")
    if not ok:
        raise ScreenshotError(f"the Jellyfin test failed: {text}")
    dialog.show_page("jellyfin_url")
    await asyncio.sleep(SETTLE)  # the new size and the result labels are laid out
    return dialog


async def settings_trusted(stage: Stage) -> Any:
    """The Trusted servers page, with the NAS's certificate just read."""
    from aniworld_desktop.ui.settings_dialog import SettingsDialog

    stage.window.commands["settings"].trigger()
    dialog = await visible_dialog(stage, SettingsDialog)
    stage.after(dialog.reject)  # nothing is saved
    dialog.show_page("trusted_servers")
    dialog.trust_url_edit.setText(stage.nas_url)
    read = next_emission(dialog.certificateRead)
    dialog.trust_button.click()
    ok, text = await awaited(read, "Read Certificate")
    if not ok:
        raise ScreenshotError(f"Read Certificate failed: {text}")
    await asyncio.sleep(SETTLE)
    return dialog


async def main_window_large(stage: Stage) -> Any:
    """The same window on a large screen."""
    await counts_caught_up(stage.window)
    return stage.window


async def tray_menu(stage: Stage) -> Any:
    """The tray icon's menu, as a right click on the icon opens it."""
    tray = stage.window.tray
    if tray is None:
        raise ScreenshotError("the window has no tray icon")
    menu = tray.menu
    # Drawn without opening it: a popup grabs the keyboard, which the offscreen platform
    # cannot (Qt warns). aboutToShow still runs, so Show/Hide reads as it would.
    menu.aboutToShow.emit()
    menu.ensurePolished()
    menu.adjustSize()
    menu.setActiveAction(tray.actions["run_now"])  # where the pointer rests
    return menu


async def tmdb_match(stage: Stage) -> Any:
    """Set TMDB Match for Harbor Lights: the search widened to any year, the right one chosen.

    The dialog is the one **Series > Set TMDB Match…** opens, over the same search, but the
    search asks the stand-in on 127.0.0.1 (the demo runs without a TMDB token, and TMDB's
    answers change).
    """
    from aniworld_desktop.metadata.tmdb import TMDBClient
    from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog

    async def search(query: str, year: int | None) -> list[Any]:
        async with TMDBClient(TMDB_STAND_IN_TOKEN, api_url=stage.tmdb_url) as tmdb:
            return await tmdb.search_tv(query, year)

    window = stage.window
    select_series(window, MATCH_SERIES)
    series = window.library_pane.selected_series()[0]
    dialog = TmdbMatchDialog(search, series.title, series.year, series.tmdb_id, window)
    stage.after(dialog.deleteLater)
    stage.after(dialog.reject)
    first = next_emission(dialog.searchFinished)
    dialog.open()  # the search for the title and year starts when it is shown
    await awaited(first, "the search for the title and year")
    dialog.year_spin.setValue(0)  # any year: the other series of that name
    widened = next_emission(dialog.searchFinished)
    dialog.start_search()
    (found,) = await awaited(widened, "the search in every year")
    if found < 2:
        raise ScreenshotError(f"the search in every year found {found} series")
    for row in range(dialog.results.topLevelItemCount()):
        item = dialog.results.topLevelItem(row)
        if item.text(1) == str(series.year):
            dialog.results.setCurrentItem(item)
            break
    else:
        raise ScreenshotError(f"no result from {series.year}")
    await wait_until(lambda: dialog.ok_button.isEnabled(), "the chosen TMDB id")
    return dialog


# Series folders the import picture finds in the library: (folder, episode files, poster
# colour or None). Two find the same TMDB series, one is a home video TMDB does not know.
LIBRARY_FOLDERS = (
    ("Lantern Street (2019)", 5, "#2f5d8a"),
    ("Northbound (2021)", 3, "#8a4b2f"),
    ("Quiet Valley", 1, None),
    ("Salt Roads (2022)", 4, "#3f7a4a"),
    ("Salt Roads", 2, None),
)
DETAILS_SERIES = "Lantern Street"  # the imported series library-details.png shows
_IMPORTING: list[Callable[[], object]] = []  # what import-library leaves for library-details
REPOSITORY = Path(__file__).resolve().parent.parent  # tests/fake_tmdb.py is found from here


def paint_picture(path: Path, size: tuple[int, int], colour: str, text: str) -> None:
    """A plain picture with a title, as a poster or fanart a media manager left."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    painter = QPainter(image)
    painter.setPen(QColor("#f4f1e8"))
    font = QFont()
    font.setPixelSize(max(12, size[0] // 10))
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        QRect(0, 0, *size), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text
    )
    painter.end()
    if not image.save(str(path)):
        raise ScreenshotError(f"{path} could not be written")


def write_library_folders(root: Path) -> None:
    for folder, files, colour in LIBRARY_FOLDERS:
        title = folder.split(" (")[0].split(" {")[0]
        season = root / folder / "Season 01"
        season.mkdir(parents=True, exist_ok=True)
        for number in range(1, files + 1):
            (season / f"{title} - S01E{number:02d}.mkv").write_bytes(b"\0" * 64)
        if colour is not None:
            paint_picture(root / folder / "poster.jpg", (400, 600), colour, title)
            paint_picture(root / folder / "fanart.jpg", (1280, 720), "#6f93b0", "")


async def import_library(stage: Stage) -> Any:
    """Library > Import Library… over folders a media manager left, matched against a fake TMDB
    on 127.0.0.1 (tests/fake_tmdb.py): a match each, a series TMDB does not know, two folders
    claiming one id."""
    import dataclasses

    from PySide6.QtWidgets import QApplication

    repository = str(REPOSITORY)
    if repository not in sys.path:  # run as a script, tests/ is no package on the path
        sys.path.append(repository)
    from tests.fake_tmdb import FakeShow, FakeTMDB

    QApplication.setPalette(light_palette())
    write_library_folders(stage.services.library_dir)
    shows = {
        "Lantern Street": FakeShow(7101, 2019, seasons={1: 8}),
        "Northbound": FakeShow(7102, 2021, seasons={1: 6, 2: 6}),
        "Salt Roads": FakeShow(5151, 2022, seasons={1: 6}),
    }
    tmdb = FakeTMDB(shows)
    await tmdb.__aenter__()
    metadata = stage.services.metadata
    before = await metadata.resolved_options()  # the profile's own token (none) is read first
    metadata.options = dataclasses.replace(before, token=TMDB_STAND_IN_TOKEN, api_url=tmdb.api_url)
    dialog = stage.window.series_commands.open_import()
    # The next shot imports through the same dialog, then these end.
    _IMPORTING[:] = [
        lambda: tmdb.__aexit__(None, None, None),
        lambda: setattr(metadata, "options", before),
    ]
    await wait_until(
        lambda: len(dialog.proposals) == len(LIBRARY_FOLDERS) and not dialog.busy,
        "the import proposals",
    )
    dialog.table.setCurrentItem(dialog.table.topLevelItem(0))
    await asyncio.sleep(SETTLE)  # the posters are read on a worker thread
    return dialog


async def library_details(stage: Stage) -> Any:
    """The imported series in the window: details with poster and fanart, monitor boxes."""
    from aniworld_desktop.ui.series_model import Column

    window = stage.window
    window.toggle_activity(False)
    for cleanup in _IMPORTING:
        stage.after(cleanup)
    dialog = window.series_commands.import_dialog
    if dialog is None:
        raise ScreenshotError("the import dialog of the shot before is gone")
    for row, proposal in enumerate(dialog.proposals):
        dialog.set_ticked(row, not proposal.note)  # the doubtful ones are left out
    dialog.import_button.click()
    await wait_until(lambda: "Imported" in dialog.status.text(), "the import", seconds=WAIT)
    dialog.close()
    model = window.library_pane.series_model
    await wait_until(
        lambda: any(
            model.index(row, Column.TITLE).data() == DETAILS_SERIES
            for row in range(model.rowCount())
        ),
        "the imported series in the table",
    )
    select_series(window, DETAILS_SERIES)
    await wait_until(
        lambda: window.library_pane.details.fanart is not None, "the details pane's pictures"
    )
    return window


async def main_window_german(stage: Stage) -> Any:
    """A second window over the same services, made under the German translation, as
    ``ANIWORLD_DESKTOP_LANG=de`` makes it (the language is chosen when the window is made)."""
    from aniworld_desktop.ui import translation
    from aniworld_desktop.ui.main_window import MainWindow

    installed = translation.install("de")
    stage.after(installed.remove)  # after the window has closed
    german = MainWindow(stage.services)

    async def close() -> None:
        german.hide()
        await german.aclose()

    stage.after(close)
    if installed.language != "de" or german.menuBar().actions()[0].text() == "&File":
        raise ScreenshotError("the window is not German: is the translation built?")
    german.resize(*WINDOW_SIZE)
    german.show()
    await wait_until(
        lambda: (
            german.stack.currentWidget() is german.main_splitter
            and german.library_pane.series_model.rowCount() >= 3
            and german.queue_pane.model.rowCount() > 0
        ),
        "the German window's series and queue",
    )
    select_series(german, stage.services.downloads.items()[0].series_title)
    await wait_until(lambda: german.library_pane.episode_model.rowCount() > 0, "the episodes")
    await counts_caught_up(german)
    return german


async def activity(stage: Stage) -> Any:
    """The activity panel open below the tables."""
    window = stage.window
    window.toggle_activity(True)
    await wait_until(lambda: window.activity_panel.model.rowCount() > 0, "activity records")
    return window


async def main_window_dark(stage: Stage) -> Any:
    """The same window on a dark palette."""
    from PySide6.QtWidgets import QApplication

    stage.window.toggle_activity(False)
    QApplication.setPalette(dark_palette())
    await counts_caught_up(stage.window)
    return stage.window


SHOTS: tuple[Shot, ...] = (
    Shot("welcome", welcome, caption="first start: the welcome panel"),
    Shot("main-window", main_window, caption="the demo: series, episodes, queue"),
    Shot(
        "main-window-large",
        main_window_large,
        LARGE_WINDOW_SIZE,
        caption="the demo on a 1600x1000 window",
    ),
    Shot("activity", activity, caption="the activity panel"),
    Shot("add-series", add_series, (640, 480), caption="Add series with a feed's preview"),
    Shot(
        "mediathek-search",
        mediathek_search,
        (760, 560),
        caption="Search the public broadcasters' film list",
    ),
    Shot("settings", settings, None, caption="Settings"),
    Shot(
        "settings-mediathek",
        settings_mediathek,
        None,
        caption="Settings: the public broadcasters' defaults",
    ),
    Shot(
        "settings-servers",
        settings_servers,
        SERVERS_DIALOG_SIZE,
        caption="Settings: media servers, Jellyfin on a trusted NAS tested",
    ),
    Shot(
        "settings-trusted",
        settings_trusted,
        SERVERS_DIALOG_SIZE,
        caption="Settings: trusted servers, a NAS's certificate read",
    ),
    Shot("tray-menu", tray_menu, None, caption="the tray icon's menu"),
    Shot("tmdb-match", tmdb_match, (640, 480), caption="Set TMDB Match"),
    Shot("import-library", import_library, (900, 420), caption="Library > Import Library…"),
    Shot(
        "library-details",
        library_details,
        caption="an imported series: details, poster and fanart from its folder, monitor boxes",
    ),
    Shot("main-window-de", main_window_german, caption="the window in German"),
    Shot("main-window-dark", main_window_dark, caption="the window on a dark palette"),
)


# --------------------------------------------------------------------------- the feed

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
<title>The Night Ferry</title>
<link>{base}/</link>
<description>Every night at eleven a ferry leaves a harbour that is not on any map. Its crew
records what the passengers tell them, and the stories do not always end on the far shore.
</description>
<itunes:image href="{base}/night-ferry/cover.jpg"/>
{items}
</channel>
</rss>
"""
EPISODES = (
    (1, 0, "trailer", "Season 1 trailer", "2024-01-05"),
    (1, 1, "full", "Last Boarding", "2024-01-12"),
    (1, 2, "full", "The Cartographer's Ticket", "2024-01-19"),
    (1, 3, "full", "Deck Lights", "2024-01-26"),
    (1, 4, "full", "A Passenger Without a Name", "2024-02-02"),
    (1, 5, "full", "Low Water", "2024-02-09"),
    (1, 6, "full", "Far Shore", "2024-02-16"),
    (2, 1, "full", "Timetables", "2024-09-06"),
    (2, 2, "full", "The Lighthouse Stop", "2024-09-13"),
    (2, 3, "full", "Fog Horn", "2024-09-20"),
)


def feed_xml(base: str) -> str:
    from datetime import UTC, datetime
    from email.utils import format_datetime

    items = []
    for season, number, kind, title, day in EPISODES:
        published = format_datetime(datetime.fromisoformat(f"{day}T21:00:00").replace(tzinfo=UTC))
        tag = f"s{season:02d}e{number:02d}" if number else f"s{season:02d}-trailer"
        episode = f"<itunes:episode>{number}</itunes:episode>" if number else ""
        items.append(
            f'<item><title>{title}</title><guid isPermaLink="false">night-ferry-{tag}</guid>'
            f"<pubDate>{published}</pubDate>"
            f"<itunes:season>{season}</itunes:season>{episode}"
            f"<itunes:episodeType>{kind}</itunes:episodeType>"
            f'<enclosure url="{base}/night-ferry/{tag}.mp4" length="48000000" type="video/mp4"/>'
            "</item>"
        )
    return FEED.format(base=base, items="\n".join(items))


# An invented programme of the public broadcasters, in MediathekView's film list format.
HUT_TITLES = (
    "Der Neue (Staffel 1, Folge 1)", "Lawinengefahr (Staffel 1, Folge 2)",
    "Der Neue (Staffel 1, Folge 1) (Audiodeskription)", "Almabtrieb (Staffel 1, Folge 3)",
    "Funkstille (Staffel 2, Folge 1)", "Der Gipfel (Staffel 2, Folge 2)",
    "Hüttenzauber - Trailer",
)  # fmt: skip


def film_list_xz(base: str) -> bytes:
    """The film list of the search picture: one programme on two channels, and a few more."""
    sys.path.insert(0, str(REPO))
    from tests.mediathek_lists import ListEntry, film_list_bytes, generated_entries

    films = [
        ListEntry(
            channel=channel,
            topic="Die Berghütte",
            title=title,
            url=f"{base}/mediathek/huette-{n}_1800k.mp4",
            hd=f"{base}/mediathek/huette-{n}_3500k.mp4",
            aired=1_767_200_000 + n * 604_800,
            duration=f"00:4{n % 10}:12",
            description=f"{title} auf der Berghütte.",
            geo="DE-AT-CH" if n % 3 == 2 else "",
        )
        for channel in ("ARD", "ORF")
        for n, title in enumerate(HUT_TITLES)
    ]
    return film_list_bytes([*films, *generated_entries(200, seed=3)])


@contextlib.asynccontextmanager
async def serve_feed() -> AsyncIterator[str]:
    """Serve :func:`feed_xml` on 127.0.0.1; yields its URL. Media links are never fetched."""
    from aiohttp import web

    runner = web.AppRunner(web.Application(), access_log=None)
    state: dict[str, bytes] = {}

    async def handle(_request: web.Request) -> web.Response:
        return web.Response(body=state["feed"], content_type="application/rss+xml")

    async def film_list(_request: web.Request) -> web.Response:
        return web.Response(body=state["film list"], content_type="application/x-xz")

    runner.app.router.add_get("/night-ferry/feed.xml", handle)
    runner.app.router.add_get("/mediathek/Filmliste-akt.xz", film_list)
    await runner.setup()
    try:
        for port in (FEED_PORT, 0):
            try:
                await web.TCPSite(runner, "127.0.0.1", port).start()
                break
            except OSError:
                if port == 0:
                    raise
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        state["feed"] = feed_xml(base).encode("utf-8")
        state["film list"] = film_list_xz(base)
        yield f"{base}/night-ferry/feed.xml"
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- TMDB's search

# What the stand-in for TMDB knows: (id, name, original name, first aired, language, overview).
# Invented, like the demo series; the first is Harbor Lights of the demo catalogue.
TMDB_SERIES = (
    (95127, "Harbor Lights", "Harbor Lights", "2019-04-05", "en",
     "A lighthouse keeper's daughter finds the logbooks her father never finished."),
    (40417, "Harbor Lights", "Les Feux du port", "2003-09-12", "fr",
     "A harbour town on the Breton coast, one family, three generations of fishermen."),
    (4388, "Harbour Lights", "Harbour Lights", "1999-02-14", "en",
     "The harbour master of a small English port keeps the peace on land and at sea."),
    (131950, "Harbor Lights: After Dark", "Harbor Lights: After Dark", "2022-10-28", "en",
     "Late-night stories from the keepers of the Harbor Lights."),
)  # fmt: skip


def tmdb_search(query: str, year: str | None) -> dict[str, Any]:
    """The stand-in's answer to ``/search/tv``: the series sharing a word with the query (TMDB
    also finds "Harbour" for "Harbor"), first aired in ``year`` when one is given."""
    wanted = {word.rstrip("s")[:6] for word in query.casefold().split() if len(word) > 3}
    results = []
    for tmdb_id, name, original, aired, language, overview in TMDB_SERIES:
        words = {w.rstrip("s")[:6] for w in f"{name} {original}".casefold().split() if len(w) > 3}
        if wanted & words and (year is None or aired.startswith(year)):
            results.append(
                {
                    "id": tmdb_id,
                    "name": name,
                    "original_name": original,
                    "original_language": language,
                    "first_air_date": aired,
                    "overview": overview,
                    "poster_path": None,
                    "popularity": 10.0 - len(results),
                }
            )
    return {"page": 1, "results": results, "total_pages": 1, "total_results": len(results)}


@contextlib.asynccontextmanager
async def serve_tmdb() -> AsyncIterator[str]:
    """Serve :func:`tmdb_search` as ``/3/search/tv`` on 127.0.0.1; yields the API's URL."""
    from aiohttp import web

    async def search(request: web.Request) -> web.Response:
        answer = tmdb_search(
            request.query.get("query", ""), request.query.get("first_air_date_year")
        )
        return web.json_response(answer)

    runner = web.AppRunner(web.Application(), access_log=None)
    runner.app.router.add_get("/3/search/tv", search)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/3"
    finally:
        await runner.cleanup()


# --------------------------------------------------------------------------- the NAS


def write_nas_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the stand-in NAS, as a NAS makes for itself; the same
    every run (a fixed key and signing without randomness), so its fingerprint in
    settings-servers.png does not change. Returns the certificate and key files."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    seed = int.from_bytes(hashlib.sha256(b"aniworld-desktop screenshots nas").digest(), "big")
    key = ec.derive_private_key(seed, ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "nas.local")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(2025_01_01)
        .not_valid_before(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(datetime.datetime(2045, 1, 1, tzinfo=datetime.UTC))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("nas.local"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    cert_file, key_file = folder / "nas.pem", folder / "nas.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextlib.asynccontextmanager
async def serve_nas() -> AsyncIterator[str]:
    """A Jellyfin stand-in over HTTPS with a self-signed certificate on 127.0.0.1 (what a NAS
    often is): ``/System/Info`` for the settings' Test button. Yields its address."""
    import ssl

    from aiohttp import web

    async def info(request: web.Request) -> web.Response:
        if request.headers.get("X-Emby-Token") != NAS_API_KEY:
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response({"ServerName": "nas", "Version": "10.10.7", "Id": "nas"})

    runner = web.AppRunner(web.Application(), access_log=None)
    runner.app.router.add_get("/System/Info", info)
    await runner.setup()
    with tempfile.TemporaryDirectory(prefix="aniworld-screenshots-nas-") as folder:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*write_nas_certificate(Path(folder)))
        try:
            for port in (NAS_PORT, 0):
                try:
                    await web.TCPSite(runner, "127.0.0.1", port, ssl_context=context).start()
                    break
                except OSError:
                    if port == 0:
                        raise
            yield f"https://127.0.0.1:{runner.addresses[0][1]}"
        finally:
            await runner.cleanup()


# --------------------------------------------------------------------------- look and feel


def prepare_environment() -> None:
    """Before Qt starts: offscreen, scale 1, the demo pace, and none of the caller's settings."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QT_SCALE_FACTOR"] = "1"
    os.environ.pop("QT_SCREEN_SCALE_FACTORS", None)
    for name in [n for n in os.environ if n.startswith("ANIWORLD_")]:
        del os.environ[name]  # settings, the token, a demo folder elsewhere
    os.environ["ANIWORLD_DEMO_SECONDS_PER_FILE"] = str(DEMO_SECONDS_PER_FILE)
    # No keyring: a token stored there must not appear (masked or not) in a picture.
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"


def light_palette() -> Any:
    from PySide6.QtWidgets import QStyleFactory

    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def dark_palette() -> Any:
    """A dark palette for Fusion, as dark desktop themes set it."""
    from PySide6.QtGui import QColor, QPalette

    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    colours = {
        role.Window: "#2b2b2b",
        role.WindowText: "#e6e6e6",
        role.Base: "#1e1e1e",
        role.AlternateBase: "#262626",
        role.ToolTipBase: "#2b2b2b",
        role.ToolTipText: "#e6e6e6",
        role.PlaceholderText: "#8c8c8c",
        role.Text: "#e6e6e6",
        role.Button: "#353535",
        role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b",
        role.Light: "#474747",
        role.Midlight: "#3c3c3c",
        role.Mid: "#2f2f2f",
        role.Dark: "#1a1a1a",
        role.Shadow: "#0d0d0d",
        role.Highlight: "#3d7bd9",
        role.HighlightedText: "#ffffff",
        role.Link: "#6aa7ff",
        role.LinkVisited: "#b48cff",
    }
    for colour_role, value in colours.items():
        palette.setColor(colour_role, QColor(value))
    for colour_role in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, colour_role, QColor("#7a7a7a"))
    palette.setColor(group.Disabled, role.Highlight, QColor("#4a4a4a"))
    return palette


def configure_app(app: Any) -> None:
    from PySide6.QtGui import QFont

    from aniworld_desktop import __version__
    from aniworld_desktop.ui.qtapp import APP_NAME, ORGANISATION

    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # as qtapp: the quit path is the async one
    from aniworld_desktop.ui import translation

    translation.install("en")  # the guide is English, whatever this machine's language
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = QFont(FONT[0])
    font.setPointSize(FONT[1])
    app.setFont(font)


# --------------------------------------------------------------------------- complaints


class Complaints(logging.Handler):
    """Collects what must not happen during a run: Qt warnings, logged warnings and errors,
    Python warnings (through logging.captureWarnings) and tasks left running."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.known: dict[str, None] = {}  # KNOWN_PROBLEMS seen, in order, once each

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        for logger, kind, what in KNOWN_PROBLEMS:
            if record.name == logger and isinstance(error, kind):
                self.known[what] = None
                return
        self.lines.append(f"{record.levelname} {record.name}: {record.getMessage()}")

    def qt_message(self, kind: Any, _context: Any, message: str) -> None:
        from PySide6.QtCore import QtMsgType

        if kind in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg):
            return
        if any(allowed in message for allowed in QT_MESSAGES_ALLOWED):
            return
        line = f"Qt {kind.name}: {message}"
        self.lines.append(line)
        print(line, file=sys.stderr)


# --------------------------------------------------------------------------- the run


def grab(widget: Any, size: tuple[int, int] | None, path: Path) -> None:
    image = widget.grab().toImage()
    if size is not None and (image.width(), image.height()) != size:
        raise ScreenshotError(
            f"{path.name}: the widget is {image.width()}x{image.height()}, not {size[0]}x{size[1]}"
        )
    if not image.save(str(path), "PNG"):
        raise ScreenshotError(f"cannot write {path}")


async def capture(
    paths: Any, settings: Any, outdir: Path, shots: Sequence[Shot], complaints: Complaints
) -> list[Path]:
    """The main coroutine: services, window, each shot, then the shutdown qtapp does."""
    from aniworld_desktop.services import open_services
    from aniworld_desktop.ui.main_window import MainWindow
    from aniworld_desktop.ui.tray import Notifier, TrayIcon

    written: list[Path] = []
    async with (
        serve_feed() as feed_url,
        serve_tmdb() as tmdb_url,
        serve_nas() as nas_url,
        open_services(paths, settings) as services,
    ):
        services.metadata.follow()  # as in qtapp: NFO files follow additions and downloads
        services.scheduler.start()  # the status bar says when it is due (its first run is
        # a minute away: after the last picture)
        window = MainWindow(services)
        # As qtapp does; offscreen there is no notification area, so the icon itself stays
        # hidden, but its state and menu follow the window.
        tray = TrayIcon(parent=window)
        window.attach_tray(tray, Notifier(tray, settings))
        window.show()
        try:
            stage = Stage(services, window, feed_url, tmdb_url, nas_url)
            for shot in shots:
                started = time.monotonic()
                window.resize(*WINDOW_SIZE)
                try:
                    widget = await shot.setup(stage)
                except BaseException:
                    await stage.clean_up()  # a window or dialog of the shot closes first
                    raise
                if shot.size is not None:
                    widget.resize(*shot.size)
                await asyncio.sleep(SETTLE)
                path = outdir / f"{shot.name}.png"
                grab(widget, shot.size, path)
                written.append(path)
                print(
                    f"{path}  {path.stat().st_size:>8,} bytes  "
                    f"({time.monotonic() - started:.1f} s) {shot.caption}",
                    flush=True,
                )
                await stage.clean_up()
        finally:
            # The order qtapp keeps: the window lets go of the services before they stop.
            window.hide()
            await window.aclose()
    current = asyncio.current_task()
    leftover = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    for task in leftover:
        complaints.lines.append(f"task left running: {task.get_name()} {task.get_coro()!r}")
    return written


def run(outdir: Path, shots: Sequence[Shot] = SHOTS) -> int:
    prepare_environment()
    import qasync
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from aniworld_desktop.app import setup_logging
    from aniworld_desktop.config import ProfilePaths, load_settings

    outdir.mkdir(parents=True, exist_ok=True)
    complaints = Complaints()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_app(app)
    qInstallMessageHandler(complaints.qt_message)
    warnings.simplefilter("default")  # ResourceWarning and friends are shown, then counted
    logging.captureWarnings(True)
    root = logging.getLogger()
    before = list(root.handlers)
    started = time.monotonic()
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="aniworld-screenshots-") as profile:
            paths = ProfilePaths.for_profile(Path(profile))
            settings = load_settings(paths)
            setup_logging(paths, debug=False, console_level=logging.WARNING)
            root.addHandler(complaints)
            try:
                with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
                    written = runner.run(capture(paths, settings, outdir, shots, complaints))
                gc.collect()  # an unclosed session or connector says so now, not at exit
            finally:
                for handler in [h for h in root.handlers if h not in before]:
                    root.removeHandler(handler)
                    handler.close()
    finally:
        qInstallMessageHandler(None)
    print(f"{len(written)} picture(s) in {time.monotonic() - started:.1f} s")
    for what in complaints.known:
        print(f"known problem, not counted: {what}", file=sys.stderr)
    if complaints.lines:
        print(f"{len(complaints.lines)} complaint(s):", file=sys.stderr)
        for line in complaints.lines:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=DEFAULT_OUTDIR)
    args = parser.parse_args(argv)
    try:
        return run(args.outdir)
    except ScreenshotError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
