"""A speed limit set while the engine runs applies to its downloads, running ones included, in
each engine the app uses: the bare engine (on the caller's loop), ``ThreadedEngine`` (its own
thread: ``run-once``) and ``ProcessEngine`` (its own process: the window), against a real
local server."""

from __future__ import annotations

import asyncio

import pytest

from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.process import ProcessEngine, process_available
from aniworld_desktop.downloads.thread import ThreadedEngine
from aniworld_desktop.downloads.throttle import SpeedLimiter

NEEDS_PROCESS = pytest.mark.skipif(
    not process_available(),
    reason="no download process here (it needs POSIX); the window keeps its thread",
)
KINDS = ["loop", "thread", pytest.param("process", marks=NEEDS_PROCESS)]


def make(kind: str) -> DownloadEngine | ThreadedEngine | ProcessEngine:
    if kind == "process":
        # The limit is not among the options: set_speed_limit before the process starts
        # is kept for it, and the one after goes to the running process.
        return ProcessEngine({"progress_interval": 0.0})
    if kind == "thread":
        return ThreadedEngine(
            lambda: DownloadEngine(progress_interval=0.0, limiter=SpeedLimiter(0))
        )
    return DownloadEngine(progress_interval=0.0, limiter=SpeedLimiter(0))


@pytest.mark.parametrize("kind", KINDS)
async def test_a_limit_holds_a_download_and_lifting_it_lets_the_running_download_finish(
    server, tmp_path, kind: str
):
    data = server.add_payload("ep.mkv", 4 << 20)
    target = tmp_path / "lib" / "ep.mkv"
    async with make(kind) as engine:
        engine.set_speed_limit(1024)  # a second's worth at once, then 1 KiB a second: hours
        task = asyncio.ensure_future(engine.download(DownloadRequest(server.url("ep.mkv"), target)))
        await asyncio.sleep(1.0)  # unlimited, 4 MiB from 127.0.0.1 take milliseconds
        assert not task.done()
        engine.set_speed_limit(0)  # lifted while it waits: it goes on at once
        result = await asyncio.wait_for(task, 60)
    assert result.size == len(data)
    assert target.read_bytes() == data


def test_a_limit_set_before_the_thread_opens_applies_when_it_does():
    engine = ThreadedEngine(lambda: DownloadEngine(limiter=SpeedLimiter(0)))
    engine.set_speed_limit(2048)

    async def opened_limit() -> int:
        async with engine:
            inner = engine._engine  # the engine the thread made
            assert inner is not None and inner.limiter is not None
            return inner.limiter.bytes_per_second

    assert asyncio.run(opened_limit()) == 2048


def test_a_limit_on_an_engine_without_a_limiter_gives_it_one():
    engine = DownloadEngine()
    engine.set_speed_limit(4096)
    assert engine.limiter is not None and engine.limiter.bytes_per_second == 4096
    engine.set_speed_limit(0)
    assert engine.limiter.bytes_per_second == 0


@NEEDS_PROCESS
async def test_a_limit_set_while_the_download_process_starts_reaches_it(
    server, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    from aniworld_desktop.downloads import process

    data = server.add_payload("ep.mkv", 4 << 20)
    engine = ProcessEngine({"progress_interval": 0.0})
    real_read = process.read_message

    async def read(reader: asyncio.StreamReader):
        message = await real_read(reader)
        if message is not None and message[0] == "ready":
            # The user's OK lands after the process got its options, before it serves.
            engine.set_speed_limit(1024)
        return message

    monkeypatch.setattr(process, "read_message", read)
    target = tmp_path / "lib" / "ep.mkv"
    async with engine:
        await engine.start()
        task = asyncio.ensure_future(engine.download(DownloadRequest(server.url("ep.mkv"), target)))
        await asyncio.sleep(1.0)  # held by the limit it was told after starting
        assert not task.done()
        engine.set_speed_limit(0)
        result = await asyncio.wait_for(task, 60)
    assert result.size == len(data) and target.read_bytes() == data
