"""Helpers for the window tests: a downloader held by gates, a paced media server, signal futures.

Inside ``qt_loop`` tests nothing may spin a nested Qt loop (``qtbot.wait``, ``waitSignal``): it
re-enters asyncio. Wait with :func:`signal_future` or :func:`wait_until` instead.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.downloads.engine import DownloadRequest, DownloadResult, ProgressCallback
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.library.service import queue_request
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode


@pytest.fixture(scope="session", autouse=True)
def english_window(qapp: Any) -> Iterator[Any]:
    """The window speaks English in these tests, whatever the machine's locale is.

    As ``aniworld-desktop`` does in English: the English plural forms ("2 episodes") and an
    English default locale (numbers as "2,000"). Child processes (run_window) get
    ``ANIWORLD_DESKTOP_LANG=en``. A test that wants German installs it and removes it again
    (tests/ui/test_translation.py).
    """
    from aniworld_desktop.ui import translation

    before = os.environ.get(translation.LANGUAGE_ENV)
    os.environ[translation.LANGUAGE_ENV] = "en"
    installed = translation.install("en_US")
    try:
        yield installed
    finally:
        installed.remove()
        if before is None:
            os.environ.pop(translation.LANGUAGE_ENV, None)
        else:
            os.environ[translation.LANGUAGE_ENV] = before


class GatedDownloader:
    """Reports ``bursts`` progress steps up to half the file, then waits for its gate.

    Attributes:
        gates: ``gates[url].set()`` lets that download finish.
        started: Set when a download of that URL begins.
    """

    def __init__(self, size: int = 1000, bursts: int = 1) -> None:
        self.size = size
        self.bursts = bursts
        self.gates: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.started: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)

    async def download(
        self,
        request: DownloadRequest,
        on_progress: ProgressCallback | None = None,
        on_new_part: Any = None,
    ) -> DownloadResult:
        self.started[request.url].set()
        if on_progress is not None:
            for step in range(1, self.bursts + 1):
                on_progress(self.size * step // (2 * self.bursts), self.size)
        await self.gates[request.url].wait()
        if on_progress is not None:
            on_progress(self.size, self.size)
        return DownloadResult(request.destination, self.size, 0)

    @staticmethod
    def part_path(destination: Path) -> Path:
        return destination.with_name(destination.name + ".part")


async def queue_episodes(
    database: Any, service: DownloadService, count: int, *, first: int = 1, series: str = "Show"
) -> AddResult:
    """Store ``count`` episodes of ``series`` in the catalogue and queue them."""
    catalog = CatalogRepository(database)
    record = await catalog.ensure_series(series, "direct", f"direct:{series.lower()}", series)
    episodes = await catalog.upsert_episodes(
        record.id,
        [
            NewEpisode(1, n, f"Episode {n}", f"http://127.0.0.1:9/{series}/{n}.mp4", 1000)
            for n in range(first, first + count)
        ],
    )
    return await service.add_to_queue(queue_request(record, e) for e in episodes)


def signal_future(signal: Any, predicate: Callable[..., bool] = lambda *args: True) -> Any:
    """A future resolved (with the arguments) by the first emission of ``signal`` that matches.

    Connect before acting; ``await asyncio.wait_for(future, timeout)`` afterwards.
    """
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def slot(*args: Any) -> None:
        if not future.done() and predicate(*args):
            future.set_result(args)

    signal.connect(slot)
    future.add_done_callback(lambda _: signal.disconnect(slot))
    return future


async def wait_until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    """Poll ``condition`` on the running loop (no nested Qt loop) until it holds."""
    try:
        async with asyncio.timeout(seconds):
            # Polling on purpose: the conditions span several signals (or none, e.g. isVisible).
            while not condition():  # noqa: ASYNC110
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {condition}") from None


def make_item(item_id: int, **changes: Any) -> QueueItem:
    """A queue item for model tests that need no service."""
    from aniworld_desktop.core.episode import EpisodeKey
    from aniworld_desktop.core.status import DownloadStatus

    values: dict[str, Any] = {
        "id": item_id,
        "episode_id": item_id,
        "key": EpisodeKey(1, 1, item_id),
        "series_title": "Show",
        "title": f"Episode {item_id}",
        "url": f"http://127.0.0.1:9/{item_id}.mp4",
        "destination": f"Show/Season 01/{item_id}.mp4",
        "status": DownloadStatus.PENDING,
        "position": item_id,
    }
    values.update(changes)
    return QueueItem(**values)


class MediaServer:
    """Serves ``/media/NAME`` with a Content-Length, paced in small chunks so progress shows.

    Attributes:
        files: Payload by name.
        chunk, delay: Bytes per write and seconds between writes.
    """

    def __init__(self, chunk: int = 16 << 10, delay: float = 0.02) -> None:
        self.files: dict[str, bytes] = {}
        self.chunk = chunk
        self.delay = delay
        self.port = 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/media/{name}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        data = self.files.get(request.match_info["name"])
        if data is None:
            raise web.HTTPNotFound()
        response = web.StreamResponse(
            headers={"Content-Type": "video/mp4", "Content-Length": str(len(data))}
        )
        await response.prepare(request)
        for start in range(0, len(data), self.chunk):
            await response.write(data[start : start + self.chunk])
            await asyncio.sleep(self.delay)
        await response.write_eof()
        return response


@pytest.fixture
async def media_server() -> AsyncIterator[MediaServer]:
    """A paced media server on 127.0.0.1 (any free port), on the test's loop."""
    server = MediaServer()
    app = web.Application()
    app.router.add_get("/media/{name}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    try:
        yield server
    finally:
        await runner.cleanup()
