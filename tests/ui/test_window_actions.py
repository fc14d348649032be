"""The window's series actions, long-action progress, the status bar and the saved layout."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.ui.progress import TaskProgress, format_remaining
from tests.fakes import EVERYTHING
from tests.ui.conftest import signal_future, wait_until
from tests.ui.test_library_window import FEED
from tests.ui.test_main_window import make_settings, running_window


class UrlCatcher(QObject):
    """Stands in for the desktop's file handler: records what Play asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@pytest.fixture
def url_catcher():
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        yield catcher
    finally:
        QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def feed_server(tmp_path):
    from tests.fault_server import FaultServer

    return FaultServer(tmp_path / "srv")


async def follow_feed(window, server) -> None:
    server.add_file("harbor.xml", FEED.encode())
    await window.dispatcher.add_url(server.url("harbor.xml"))
    await wait_until(lambda: window.library_pane.series_model.rowCount() == 1)
    window.library_pane.series_view.selectRow(0)
    await wait_until(lambda: window.library_pane.episode_model.rowCount() == 1)


def first_episode(window):
    season = window.library_pane.episode_model.index(0, 0)
    return window.library_pane.episode_model.index(0, 0, season)


@pytest.mark.qt_loop
async def test_rescan_then_play_an_episode_on_disk(
    paths: ProfilePaths, tmp_path: Path, feed_server, url_catcher
) -> None:
    settings = make_settings(tmp_path)
    async with (
        feed_server as server,
        running_window(paths, settings, run_downloads=False) as (services, window),
    ):
        await follow_feed(window, server)
        window.library_pane.episode_view.setCurrentIndex(first_episode(window))
        window.library_pane.episode_view.setFocus()
        window.commands["play"].trigger()
        assert url_catcher.opened == []  # not on disk yet: nothing to play
        assert "on disk" in window.statusBar().currentMessage()

        folder = services.library_dir / "Harbor Lights" / "Season 01"
        folder.mkdir(parents=True)
        video = folder / "Harbor Lights - S01E01 - Fog.mkv"
        video.write_bytes(b"x" * 10)
        window.commands["scan"].trigger()
        await wait_until(lambda: "matched" in window.statusBar().currentMessage())
        assert "1 matched" in window.statusBar().currentMessage()

        def on_disk() -> bool:
            state = window.library_pane.episode_model.episode_state(first_episode(window))
            return state is not None and state.episode.file_path is not None

        await wait_until(on_disk)
        window.library_pane.episode_view.setCurrentIndex(first_episode(window))
        window.library_pane.episode_view.setFocus()
        window.commands["play"].trigger()
        assert [u.toLocalFile() for u in url_catcher.opened] == [str(video)]

        video.unlink()  # gone behind the app's back: said, not opened
        window.commands["play"].trigger()
        assert len(url_catcher.opened) == 1
        assert "not on disk any more" in window.statusBar().currentMessage()


@pytest.mark.qt_loop
async def test_refresh_shows_progress_and_can_be_cancelled(
    paths: ProfilePaths, tmp_path: Path, feed_server
) -> None:
    async with (
        feed_server as server,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        await follow_feed(window, server)
        release = asyncio.Event()
        entered = asyncio.Event()
        real_refresh = services.library.refresh

        async def slow_refresh(series):
            entered.set()
            await release.wait()
            return await real_refresh(series)

        services.library.refresh = slow_refresh  # type: ignore[method-assign]
        window.library_pane.series_view.selectAll()
        window.commands["refresh"].trigger()
        await asyncio.wait_for(entered.wait(), 5)
        assert window.progress.isVisible()
        assert window.progress.label.text() == "Refreshing 0 of 1: Harbor Lights"
        cancelled = signal_future(window.progress.cancelled)
        window.progress.cancel_button.click()
        assert await asyncio.wait_for(cancelled, 5) == ("Refreshing",)
        await wait_until(lambda: not window.progress.isVisible())
        assert window.statusBar().currentMessage() == "Refreshing: cancelled."
        assert not window.findChildren(type(window.progress.cancel_button), "errorBox")


@pytest.mark.qt_loop
async def test_task_progress_counts_estimates_and_stacks(qtbot) -> None:
    widget = TaskProgress()
    qtbot.addWidget(widget)
    assert widget.isHidden()
    async with widget.track("Adding links", total=4) as outer:
        outer.next("a.mp4")
        assert widget.label.text() == "Adding links 0 of 4: a.mp4"
        outer.next("b.mp4")
        assert widget.label.text() == "Adding links 1 of 4: b.mp4"
        assert widget.bar.value() == 1 and widget.bar.maximum() == 4
        outer.started -= 10  # as if ten seconds had passed: one unit took five
        outer.next("c.mp4")
        assert widget.label.text() == "Adding links 2 of 4: c.mp4 (about 10 s left)"
        async with widget.track("Scanning the library"):
            assert widget.label.text() == "Scanning the library (+1 more)"
            assert widget.bar.maximum() == 0  # no end known: busy
        assert widget.label.text().startswith("Adding links 2 of 4")
    assert widget.isHidden() and widget.running == []


def test_remaining_time_reads_like_a_sentence() -> None:
    assert format_remaining(0.2) == "about 1 s left"
    assert format_remaining(95) == "about 2 min left"
    assert format_remaining(5400) == "about 1.5 h left"
    assert format_remaining(float("nan")) == ""


@pytest.mark.qt_loop
async def test_status_bar_shows_free_disk_and_auto_download(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    settings = dataclasses.replace(
        make_settings(tmp_path), min_free_disk=1 << 60, auto_download=False
    )
    async with running_window(paths, settings, run_downloads=False) as (_services, window):
        await wait_until(lambda: window.status_bar.disk_label.text().endswith("free"))
        assert "#d64040" in window.status_bar.disk_label.styleSheet()  # below the minimum: red
        assert window.status_bar.auto_label.text() == "Auto-download off"
        from datetime import UTC, datetime

        window.status_bar.set_next_auto_download(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
        assert window.status_bar.auto_label.text().startswith("Next auto-download ")


@pytest.mark.qt_loop
async def test_splitters_and_columns_are_remembered(paths: ProfilePaths, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    async with running_window(paths, settings, run_downloads=False) as (_services, window):
        window.stack.setCurrentWidget(window.main_splitter)
        # The offscreen screen is 800 wide, and the episodes keep room for their fixed columns
        # (a minimum width): a window as wide as the screen, split in a ratio that both allow.
        window.resize(790, 600)
        await wait_until(lambda: window.width() == 790)
        window.library_pane.setSizes([280, 500])
        window.library_pane.series_view.horizontalHeader().resizeSection(0, 333)
        window.library_pane.episode_view.header().resizeSection(0, 222)
        saved = window.library_pane.sizes()
        window.close()  # closing saves the layout
    async with running_window(paths, settings, run_downloads=False) as (_services, window):
        window.stack.setCurrentWidget(window.main_splitter)

        # The offscreen screen may be narrower than the saved window: the split keeps its ratio.
        def share(sizes: list[int]) -> float:
            return sizes[0] / max(1, sum(sizes))

        await wait_until(lambda: abs(share(window.library_pane.sizes()) - share(saved)) < 0.02)
        assert window.library_pane.series_view.horizontalHeader().sectionSize(0) == 333
        assert window.library_pane.episode_view.header().sectionSize(0) == 222


@pytest.mark.qt_loop
async def test_set_tmdb_match_from_the_window(
    paths: ProfilePaths, tmp_path: Path, feed_server
) -> None:
    from aniworld_desktop.metadata.tmdb import TVSearchResult
    from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog
    from tests.ui.test_main_window import visible_child

    async with (
        feed_server as server,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        await follow_feed(window, server)
        asked: list[tuple[str, int | None]] = []

        async def search(query: str, year: int | None) -> list[TVSearchResult]:
            asked.append((query, year))
            return [TVSearchResult(id=4242, name="Harbor Lights")]

        services.metadata.search = search  # type: ignore[method-assign]
        scheduled: list[int] = []
        services.metadata.schedule = scheduled.append  # type: ignore[method-assign]
        window.commands["tmdb_match"].trigger()
        dialog = await visible_child(window, TmdbMatchDialog)
        await wait_until(lambda: dialog.results.topLevelItemCount() == 1)
        assert asked[0][0] == "Harbor Lights"
        dialog.results.setCurrentItem(dialog.results.topLevelItem(0))
        assert dialog.chosen_id() == 4242
        dialog.ok_button.click()
        series = (await services.library.list_series())[0].series
        await wait_until(lambda: scheduled == [series.id])
        assert (await services.library.list_series())[0].series.tmdb_id == 4242
        assert "TMDB series 4242" in window.statusBar().currentMessage()


@pytest.mark.qt_loop
async def test_queue_sorts_filters_and_refuses_reorder_until_priority_order(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from aniworld_desktop.ui.drops import QUEUE_IDS_MIME, ids_mime
    from aniworld_desktop.ui.queue_model import Column
    from tests.ui.test_library_window import drop_on
    from tests.ui.test_main_window import IDLE_URL

    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        _services,
        window,
    ):
        for n in (1, 2, 3):
            await window.dispatcher.add_url(IDLE_URL.format(n))
        await wait_until(lambda: window.queue_pane.model.rowCount() == 3)
        await wait_until(lambda: window.stack.currentWidget() is window.main_splitter)

        def labels() -> list[str]:
            model = window.queue_pane.model
            return [model.index(r, Column.EPISODE).data() for r in range(model.rowCount())]

        assert labels() == ["S01E01", "S01E02", "S01E03"]

        window.queue_pane.view.sortByColumn(Column.EPISODE, Qt.SortOrder.DescendingOrder)
        assert labels() == ["S01E03", "S01E02", "S01E01"]
        ids = [window.queue_pane.model.item_id(r) for r in range(3)]
        refused = signal_future(window.queue_pane.view.refused)
        assert not drop_on(window.queue_pane.view, ids_mime(QUEUE_IDS_MIME, [ids[2]]), row=0)
        (reason,) = await asyncio.wait_for(refused, 5)
        assert "priority" in reason.lower()

        window.queue_pane.filter_edit.setText("S01E02")
        await wait_until(lambda: window.queue_pane.model.rowCount() == 1)
        assert labels() == ["S01E02"]
        assert window.queue_pane.shown_label.text() == "1 of 3"

        window.commands["priority_order"].trigger()
        assert (
            window.queue_pane.filter_edit.text() == ""
            and window.queue_pane.shown_label.text() == ""
        )
        assert labels() == ["S01E01", "S01E02", "S01E03"]
        first = window.queue_pane.model.item_id(0)
        last = window.queue_pane.model.item_id(2)
        assert drop_on(window.queue_pane.view, ids_mime(QUEUE_IDS_MIME, [last]), row=0)
        await wait_until(lambda: window.queue_pane.model.item_id(0) == last)
        assert window.queue_pane.model.item_id(1) == first


@pytest.mark.qt_loop
async def test_run_auto_download_now_then_a_second_time_too_soon(
    paths: ProfilePaths, tmp_path: Path, feed_server
) -> None:
    settings = dataclasses.replace(make_settings(tmp_path), auto_download_cooldown=600)
    async with (
        feed_server as server,
        running_window(paths, settings, run_downloads=False) as (services, window),
    ):
        await follow_feed(window, server)
        (summary,) = await services.library.list_series()
        # A feed's back catalogue is not wanted by default: all of it is, here.
        await services.library.set_monitoring(summary.series, EVERYTHING)
        services.library_dir.mkdir(parents=True, exist_ok=True)  # a configured, mounted library
        window.commands["auto_download"].trigger()
        await wait_until(
            lambda: "Auto-download queued 2 episodes." in window.statusBar().currentMessage()
        )
        await wait_until(lambda: window.queue_pane.model.total_count() == 2)
        window.commands["auto_download"].trigger()
        await wait_until(lambda: "Auto-download skipped" in window.statusBar().currentMessage())
        assert "too recent" in window.statusBar().currentMessage()
        assert window.queue_pane.model.total_count() == 2  # nothing queued twice

        # Switched on with a timer, the status bar says when the next run is.
        await services.scheduler.configure(enabled=True, interval=3600, cooldown=600)
        await wait_until(
            lambda: window.status_bar.auto_label.text().startswith("Next auto-download ")
        )
        await services.scheduler.configure(enabled=False, interval=3600, cooldown=600)
        await wait_until(lambda: window.status_bar.auto_label.text() == "Auto-download off")


@pytest.mark.qt_loop
async def test_tray_commands_the_window_and_closing_hides_to_it(
    paths: ProfilePaths, tmp_path: Path, monkeypatch, url_catcher
) -> None:
    from aniworld_desktop.ui.tray import Notifier, TrayIcon
    from tests.ui.test_main_window import IDLE_URL

    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        tray = TrayIcon(parent=window)
        window.attach_tray(tray, Notifier(tray, services.settings))
        for n in (1, 2):
            await window.dispatcher.add_url(IDLE_URL.format(n))
        await wait_until(lambda: window.queue_pane.model.total_count() == 2)
        tray.pauseAllRequested.emit()
        await wait_until(lambda: services.downloads.counts().get(S.PAUSED) == 2)
        window.status_bar.refresh_counts()
        assert "2 queued" not in tray.tooltip()
        tray.resumeAllRequested.emit()
        await wait_until(lambda: services.downloads.counts().get(S.PENDING) == 2)

        services.library_dir.mkdir(parents=True, exist_ok=True)
        tray.openFolderRequested.emit()
        assert [u.toLocalFile() for u in url_catcher.opened] == [str(services.library_dir)]
        tray.runNowRequested.emit()  # the same run as the window's action, cooldown and all
        await wait_until(lambda: "Auto-download" in window.statusBar().currentMessage())

        # Offscreen there is no tray: closing quits, as it must where no tray exists.
        quits = signal_future(window.quitRequested)
        assert not window.keeps_running_in_tray()
        monkeypatch.setattr(TrayIcon, "available", staticmethod(lambda: True))
        assert window.keeps_running_in_tray()
        told: list[str] = []
        monkeypatch.setattr(tray, "notify", lambda title, text, **_: told.append(text))
        window.close()
        assert not window.isVisible() and not quits.done()  # hidden to the tray, still running
        assert told and "tray" in told[0]
        tray.showHideRequested.emit()
        assert window.isVisible()
        tray.quitRequested.emit()  # Quit in the tray menu quits for real
        await asyncio.wait_for(quits, 5)
