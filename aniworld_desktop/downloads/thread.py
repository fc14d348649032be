"""The download engine on an event loop of its own thread, away from the window's loop.

Eight downloads at full loopback speed are tens of thousands of socket reads a second. On the
window's loop (qasync's, where every wake-up is also a Qt event) they queue up in front of
repaints, key presses and timers; measured, the loop then answered a 1 ms timer only every few
tens of milliseconds. Here the bytes go from socket to disk on the download thread's loop, and
the window's loop sees one call per download and four progress reports a second.

:class:`ThreadedEngine` has the engine's interface (``download``, ``part_path``, ``async with``),
so :class:`~aniworld_desktop.downloads.service.DownloadService` takes either.

Cancelling a ``download()`` cancels the download in the thread and waits until it has really
stopped (its partial file closed), as cancelling the engine's own coroutine would: the service
deletes or resumes that file right afterwards.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from aniworld_desktop.desktop.scheduling import lower_helper_thread
from aniworld_desktop.downloads.engine import (
    DownloadEngine,
    DownloadRequest,
    DownloadResult,
    NewPartCallback,
    ProgressCallback,
    Validators,
)

__all__ = ["ThreadedEngine", "wait_uncancellable"]

log = logging.getLogger(__name__)

T = TypeVar("T")
STOP_TIMEOUT = 10.0  # seconds the thread gets to wind down at exit before it is left behind


class ThreadedEngine:
    """Runs a :class:`DownloadEngine` (made by ``factory`` in the thread) on its own loop.

    Use as ``async with ThreadedEngine(factory) as engine``; ``factory`` is called on the
    download thread, so the engine's aiohttp session belongs to that thread's loop.
    """

    def __init__(self, factory: Callable[[], DownloadEngine], *, name: str = "downloads") -> None:
        self._factory = factory
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._engine: DownloadEngine | None = None
        self._speed_limit: int | None = None  # set_speed_limit's, for an engine not yet open

    @staticmethod
    def part_path(destination: Path) -> Path:
        return DownloadEngine.part_path(destination)

    def set_speed_limit(self, bytes_per_second: int) -> None:
        """The engine's :meth:`~DownloadEngine.set_speed_limit`, run on the download thread (its
        limiter is used there); a limit set before the engine opens applies when it does."""
        self._speed_limit = bytes_per_second
        loop, engine = self._loop, self._engine
        if loop is not None and engine is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nothing runs
                loop.call_soon_threadsafe(engine.set_speed_limit, bytes_per_second)

    @property
    def thread(self) -> threading.Thread | None:
        """The download thread while the engine is open."""
        return self._thread

    async def __aenter__(self) -> Self:
        ready: concurrent.futures.Future[asyncio.AbstractEventLoop] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._run_loop, args=(ready,), name=self._name, daemon=True
        )
        self._thread.start()
        self._loop = await asyncio.wrap_future(ready)
        try:
            self._engine = await self._call(self._open_engine())
        except BaseException:
            await self._stop_loop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._loop is not None and self._engine is not None:
                await self._call(self._close_engine(self._engine))
        finally:
            self._engine = None
            await self._stop_loop()

    async def download(
        self,
        request: DownloadRequest,
        on_progress: ProgressCallback | None = None,
        on_new_part: NewPartCallback | None = None,
    ) -> DownloadResult:
        """Download ``request`` on the download thread; progress is reported on this loop.

        ``on_new_part`` runs on this loop too, and the download waits for it.
        """
        loop, engine = self._loop, self._engine
        if loop is None or engine is None:
            raise RuntimeError("the download thread is not running (use 'async with')")
        caller = asyncio.get_running_loop()
        outcome: asyncio.Future[DownloadResult] = caller.create_future()
        started: list[asyncio.Task[DownloadResult]] = []

        def report(done: int, total: int | None) -> None:  # on the download thread
            assert on_progress is not None
            with contextlib.suppress(RuntimeError):  # the caller's loop is closing
                caller.call_soon_threadsafe(on_progress, done, total)

        async def new_part(validators: Validators) -> None:  # on the download thread
            assert on_new_part is not None

            # The caller's coroutine (a database write) runs on the caller's loop; cancelling
            # this wait cancels it there too.
            async def store() -> None:
                await on_new_part(validators)

            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(store(), caller))

        def settle(task: asyncio.Task[DownloadResult]) -> None:  # on the download thread
            with contextlib.suppress(RuntimeError):
                caller.call_soon_threadsafe(_copy_outcome, task, outcome)

        def start() -> None:  # on the download thread
            task = loop.create_task(
                engine.download(
                    request,
                    report if on_progress else None,
                    new_part if on_new_part else None,
                )
            )
            task.add_done_callback(settle)
            started.append(task)

        def stop() -> None:  # on the download thread; runs after start(): the loop keeps order
            for task in started:
                task.cancel()

        loop.call_soon_threadsafe(start)
        try:
            return await asyncio.shield(outcome)
        except asyncio.CancelledError:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop)
            # Only once it has stopped is its partial file closed, and the caller may touch it.
            await wait_uncancellable(outcome)
            raise

    # ----------------------------------------------------------------- the thread

    def _run_loop(self, ready: concurrent.futures.Future[asyncio.AbstractEventLoop]) -> None:
        # In the window, the window's thread first: its loop must answer within
        # milliseconds, a download loses nothing by waiting that long (desktop/scheduling.py).
        lower_helper_thread()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        ready.set_result(loop)
        try:
            loop.run_forever()
        finally:
            with contextlib.suppress(RuntimeError):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _open_engine(self) -> DownloadEngine:
        engine = self._factory()
        if self._speed_limit is not None:
            engine.set_speed_limit(self._speed_limit)
        await engine.__aenter__()
        return engine

    @staticmethod
    async def _close_engine(engine: DownloadEngine) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await engine.__aexit__(None, None, None)

    async def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    async def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # already closed
            loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join, STOP_TIMEOUT)
        if thread.is_alive():
            log.warning("the download thread did not stop within %.0f s", STOP_TIMEOUT)


def _copy_outcome(task: asyncio.Task[T], outcome: asyncio.Future[T]) -> None:
    """Give ``outcome`` (the caller's) what ``task`` (the download thread's) ended with."""
    if outcome.done():
        return
    if task.cancelled():
        outcome.cancel()
    elif (error := task.exception()) is not None:
        outcome.set_exception(error)
    else:
        outcome.set_result(task.result())


async def wait_uncancellable(outcome: asyncio.Future[T]) -> None:
    """Wait until ``outcome`` is done, even if the waiting task is cancelled again meanwhile."""
    while not outcome.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(outcome)
    if not outcome.cancelled():
        outcome.exception()  # retrieved: the cancellation is what the caller hears about
