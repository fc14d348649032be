"""Filling the window in at start-up: a step per loop turn, the queue in chunks, the
downloads a slot at a time (issue 17).

The window over real services (SQLite in tmp_path); the chunks are made small so that a queue
of thirty rows takes many turns, and the queue changes while it loads.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.services import open_services
from aniworld_desktop.ui import main_window, qtapp
from aniworld_desktop.ui.main_window import MainWindow
from tests.ui.conftest import queue_episodes, wait_until
from tests.ui.test_main_window import app_state_restored, make_settings


def _rows(window: MainWindow) -> list[tuple[int, DownloadStatus]]:
    model = window.queue_pane.model
    return [(model.item(row).id, model.item(row).status) for row in range(model.rowCount())]


@pytest.mark.qt_loop
async def test_the_queue_fills_in_by_chunks_and_ends_as_the_service_holds_it(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_window, "QUEUE_FIRST_ROWS", 3)
    monkeypatch.setattr(main_window, "QUEUE_CHUNK", 4)
    with app_state_restored():
        async with open_services(paths, make_settings(tmp_path), run_downloads=False) as services:
            await queue_episodes(services.database, services.downloads, 30)
            queued = services.downloads.items()
            window = MainWindow(paths=paths)
            sizes: list[int] = []  # rows in the model after the first rows and each chunk
            real_start, real_chunk = window._start_queue_load, window._load_queue_chunk

            def start(first: int | None) -> None:
                real_start(first)
                sizes.append(window.queue_pane.model.total_count())

            # The chunks wait until the queue has changed under the first rows shown.
            gate = asyncio.Event()

            def gated_chunk(size: int | None = None) -> None:
                if gate.is_set():
                    real_chunk(size)
                    sizes.append(window.queue_pane.model.total_count())

            monkeypatch.setattr(window, "_start_queue_load", start)
            monkeypatch.setattr(window, "_load_queue_chunk", gated_chunk)
            filling = asyncio.ensure_future(window.open_services_in_steps(services))
            try:
                await wait_until(lambda: sizes == [3])
                assert not window.queue_loaded
                assert len(window.commands) > 20  # usable: every action is there already
                # Not shown yet: one removed, one paused, and two new ones at the end.
                await services.downloads.remove([queued[20].id])
                await services.downloads.pause([queued[10].id])
                await queue_episodes(services.database, services.downloads, 2, first=31)
                gate.set()
                await asyncio.wait_for(filling, 10)
                assert window.queue_loaded
                now = services.downloads.items()
                assert _rows(window) == [(item.id, item.status) for item in now]
                assert dict(_rows(window))[queued[10].id] is DownloadStatus.PAUSED
                assert queued[20].id not in dict(_rows(window))
                # The first rows, then 27 left in chunks of four, a turn each (the two added
                # meanwhile came by the bridge; the one removed is skipped).
                assert sizes[0] == 3 and len(sizes) == 1 + 7 and sizes[-1] == len(now) == 31
                assert all(0 < b - a <= 4 + 2 for a, b in itertools.pairwise(sizes))
            finally:
                await window.aclose()
                window.close()
                window.deleteLater()


@pytest.mark.qt_loop
async def test_a_quit_while_the_window_fills_in_stops_it_and_saves_no_layout(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    with app_state_restored():
        async with open_services(paths, make_settings(tmp_path), run_downloads=False) as services:
            await queue_episodes(services.database, services.downloads, 5)
            window = MainWindow(paths=paths)
            done: list[str] = []
            steps = window.opening_steps

            def counted(*args: object, **kwargs: object) -> list[tuple[str, object]]:
                listed = steps(*args, **kwargs)  # type: ignore[arg-type]

                def marked(name: str, step: object) -> object:
                    def run() -> None:
                        step()  # type: ignore[operator]
                        done.append(name)
                        if name == "rooms":
                            window.quit_app()  # Quit, the opening frame's, right after

                    return run

                return [(name, marked(name, step)) for name, step in listed]

            window.opening_steps = counted  # type: ignore[method-assign]
            await asyncio.wait_for(window.open_services_in_steps(services), 10)
            try:
                assert done == ["queue pane", "library pane", "rooms"]  # stopped at the next step
                assert window.services_open and not window.queue_loaded
                # The frame had no layout of its own to save over the last one.
                assert not (paths.config_dir / "window.ini").exists()
            finally:
                await window.aclose()  # what was built is taken down
                window.close()
                window.deleteLater()


def test_the_opening_steps_come_in_order(paths: ProfilePaths, qapp: object) -> None:
    window = MainWindow(paths=paths)
    try:
        # Built (panes, then what the window needs to close) before wired, wired before the layout and the queue; the library list last.
        names = [name for name, _step in window.opening_steps(None, chunked=True)]  # type: ignore[arg-type]
        assert names == [
            "queue pane",
            "library pane",
            "rooms",
            "actions",
            "wiring",
            "layout",
            "status",
            "queue",
            "first rows",
            "library",
            "links",
        ]
    finally:
        window.activity.close()  # its own log handler, which aclose() would close
        window.close()
        window.deleteLater()


@pytest.mark.qt_loop
async def test_resumed_downloads_start_a_slot_at_a_time(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(library_dir=tmp_path / "library", min_free_disk=0, max_downloads=3)
    async with open_services(paths, settings, run_downloads=False) as services:
        downloads = services.downloads
        limits: list[int] = []
        real_start = downloads.start_workers

        def start_workers() -> None:
            limits.append(downloads.max_downloads)
            real_start()

        monkeypatch.setattr(downloads, "start_workers", start_workers)
        await qtapp.start_downloads(downloads, pause=0.01)
        assert limits == [1, 2, 3] and downloads.max_downloads == 3

        # A limit someone else sets meanwhile is theirs: the ramp stops and leaves it.
        limits.clear()
        downloads.max_downloads = 3
        ramp = asyncio.ensure_future(qtapp.start_downloads(downloads, pause=0.05))
        await wait_until(lambda: limits == [1])
        downloads.max_downloads = 7
        await asyncio.wait_for(ramp, 5)
        assert limits == [1] and downloads.max_downloads == 7

        # A quit during the ramp leaves the settings' limit.
        limits.clear()
        downloads.max_downloads = 3
        ramp = asyncio.ensure_future(qtapp.start_downloads(downloads, pause=10))
        await wait_until(lambda: limits == [1])
        ramp.cancel()
        await asyncio.gather(ramp, return_exceptions=True)
        assert downloads.max_downloads == 3


@pytest.mark.qt_loop
async def test_the_opening_ends_once_the_library_list_is_in(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What follows the opening (the downloads the queue resumes) waits for the library's
    first list, so its counts query does not compete with them; a Quit ends that wait."""
    async with open_services(paths, make_settings(tmp_path), run_downloads=False) as services:
        await queue_episodes(services.database, services.downloads, 3)
        answer = asyncio.Event()
        real_list = services.library.list_series

        async def held_list() -> object:
            await answer.wait()
            return await real_list()

        monkeypatch.setattr(services.library, "list_series", held_list)
        for quit_meanwhile in (False, True):
            answer.clear()
            with app_state_restored():
                window = MainWindow(paths=paths)
                try:
                    filling = asyncio.ensure_future(window.open_services_in_steps(services))
                    await wait_until(lambda: window.queue_loaded)  # noqa: B023
                    await asyncio.sleep(0.1)
                    assert not filling.done()  # the queue is in, the library list is not
                    assert window.library_pane.series_model.rowCount() == 0
                    if quit_meanwhile:
                        window.quit_app()
                        await asyncio.wait_for(filling, 10)  # without the list
                        assert window.library_pane.series_model.rowCount() == 0
                    else:
                        answer.set()
                        await asyncio.wait_for(filling, 10)
                        assert window.library_pane.series_model.rowCount() == 1
                        assert window.library_pane.reload_running() is None
                finally:
                    answer.set()
                    await window.aclose()
                    window.close()
                    window.deleteLater()


@pytest.mark.qt_loop
async def test_the_auto_download_timer_starts_once_the_window_is_filled_in(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)
    assert settings.auto_download  # the timer is on: only its start is in question
    with app_state_restored():
        async with open_services(paths, settings, run_downloads=False) as services:
            window = MainWindow(paths=paths)
            filling, release = asyncio.Event(), asyncio.Event()
            real_steps = window.open_services_in_steps

            async def held_steps(opened: object) -> None:
                filling.set()
                await release.wait()
                await real_steps(opened)  # type: ignore[arg-type]

            monkeypatch.setattr(window, "open_services_in_steps", held_steps)
            quit_event = asyncio.Event()
            serving = asyncio.ensure_future(qtapp._serve(window, services, settings, quit_event))
            try:
                await asyncio.wait_for(filling.wait(), 5)
                await asyncio.sleep(0.05)
                assert services.scheduler.next_run() is None  # not while the window fills in
                release.set()
                await wait_until(lambda: services.scheduler.next_run() is not None)
                assert window.queue_loaded
            finally:
                release.set()
                quit_event.set()
                await asyncio.wait_for(serving, 10)
                await window.aclose()
                window.close()
                window.deleteLater()
