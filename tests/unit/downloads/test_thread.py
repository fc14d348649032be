"""ThreadedEngine: the engine on a loop of its own thread, against a real local server."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

import pytest

from aniworld_desktop.desktop import scheduling
from aniworld_desktop.desktop.scheduling import HELPER_NICE
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import PermanentDownloadError
from aniworld_desktop.downloads.thread import ThreadedEngine


def factory(**options):
    return lambda: DownloadEngine(progress_interval=0.0, **options)


async def test_downloads_on_its_own_thread_and_reports_progress_here(server, tmp_path):
    data = server.add_payload("ep.mkv", 3 << 20)
    here = threading.get_ident()
    seen_threads: set[int] = set()
    progress: list[tuple[int, int | None]] = []

    def on_progress(done: int, total: int | None) -> None:
        seen_threads.add(threading.get_ident())
        progress.append((done, total))

    async with ThreadedEngine(factory()) as engine:
        assert engine.thread is not None and engine.thread.ident != here
        target = tmp_path / "lib" / "ep.mkv"
        result = await engine.download(DownloadRequest(server.url("ep.mkv"), target), on_progress)
    assert target.read_bytes() == data
    assert result.size == len(data)
    assert progress and progress[-1] == (len(data), len(data))
    assert seen_threads == {here}  # the callbacks ran on the caller's loop, not the thread
    assert engine.thread is None  # stopped and joined at exit


async def test_errors_cross_over_as_they_are(server, tmp_path):
    async with ThreadedEngine(factory()) as engine:
        with pytest.raises(PermanentDownloadError):
            await engine.download(
                DownloadRequest(server.url("missing.mkv"), tmp_path / "lib" / "x.mkv")
            )


async def test_cancel_returns_only_after_the_download_stopped(server, tmp_path):
    server.add_payload("slow.mkv", 2 << 20)
    target = tmp_path / "lib" / "slow.mkv"
    part = DownloadEngine.part_path(target)
    started = asyncio.Event()
    async with ThreadedEngine(factory()) as engine:
        request = DownloadRequest(server.url("slow.mkv", rate=256 << 10), target)
        task = asyncio.create_task(engine.download(request, lambda *_: started.set()))
        await asyncio.wait_for(started.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The part file is closed and complete as far as it got: its size no longer changes.
        size = part.stat().st_size
        await asyncio.sleep(0.3)
        assert part.stat().st_size == size > 0
        assert not target.exists()
        # The same engine downloads again afterwards (a resume from the part).
        result = await engine.download(DownloadRequest(server.url("slow.mkv"), target))
    assert result.size == 2 << 20
    assert server.ranges_for("slow.mkv")[-1] == f"bytes={size}-"


async def test_cancelled_before_it_started_still_ends(server, tmp_path):
    server.add_payload("ep.mkv", 1 << 20)
    async with ThreadedEngine(factory()) as engine:
        task = asyncio.create_task(
            engine.download(DownloadRequest(server.url("ep.mkv"), tmp_path / "lib" / "ep.mkv"))
        )
        await asyncio.sleep(0)  # scheduled on the thread, maybe not begun
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def test_exit_stops_running_downloads(server, tmp_path):
    server.add_payload("slow.mkv", 2 << 20)
    started = asyncio.Event()
    engine = ThreadedEngine(factory())
    async with engine:
        request = DownloadRequest(server.url("slow.mkv", rate=128 << 10), tmp_path / "s.mkv")
        task = asyncio.create_task(engine.download(request, lambda *_: started.set()))
        await asyncio.wait_for(started.wait(), 10)
    # Leaving the block cancelled the download on the thread; its caller hears so.
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert not any(t.name == "downloads" for t in threading.enumerate())


async def test_download_outside_async_with_is_refused(tmp_path):
    engine = ThreadedEngine(factory())
    with pytest.raises(RuntimeError, match="not running"):
        await engine.download(DownloadRequest("http://127.0.0.1:9/x", tmp_path / "x"))


def test_part_path_is_the_engines() -> None:
    destination = Path("/lib/a.mkv")
    assert ThreadedEngine.part_path(destination) == DownloadEngine.part_path(destination)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
@pytest.mark.parametrize("window", [True, False], ids=["window", "headless"])
async def test_the_download_thread_runs_below_the_windows_thread_in_the_window(window, monkeypatch):
    monkeypatch.setattr(scheduling, "_helper_steps", 0)
    if window:
        scheduling.helpers_yield(HELPER_NICE)  # as ui/qtapp.tune_interpreter does
    base = os.getpriority(os.PRIO_PROCESS, os.getpid())
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    async with ThreadedEngine(factory()) as engine:
        assert engine.thread is not None and engine.thread.native_id is not None
        nice = os.getpriority(os.PRIO_PROCESS, engine.thread.native_id)
    assert nice == (min(19, base + HELPER_NICE) if window else base)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == here
