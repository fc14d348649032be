"""MediaServerNotifier: one rescan per server per batch, after the batch's metadata, never raising.

Events are published on a real bus as the services publish them; the servers are the fakes on
127.0.0.1. The metadata wait runs on a sleep the test releases by hand, so nothing here waits
for real time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.config import Settings
from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import (
    DownloadFinished,
    Event,
    EventBus,
    MediaServerRefreshed,
    MediaServerRefreshFailed,
    MetadataJobFailed,
    MetadataJobFinished,
    MetadataJobStarted,
    QueueIdle,
)
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.mediaservers import MediaServerNotifier
from tests.unit.mediaservers.fake_servers import (
    API_KEY,
    KODI_PASSWORD,
    KODI_USER,
    FakeServers,
    refused_url,
)

HANG_GUARD = 10.0  # only against a hang; no test measures time


class Gate:
    """The notifier's sleep: parks until :meth:`open` (the metadata wait running out)."""

    def __init__(self) -> None:
        self.naps: list[float] = []
        self.asleep = asyncio.Event()
        self._open = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.naps.append(seconds)
        if seconds <= 0:  # metadata_wait=0: no wait at all, as asyncio.sleep(0)
            return
        self.asleep.set()
        await self._open.wait()

    def open(self) -> None:
        self._open.set()


class Recorder:
    """Media server events published on the bus, and a way to wait for the next ones."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        bus.subscribe(MediaServerRefreshed, self.on_event)
        bus.subscribe(MediaServerRefreshFailed, self.on_event)

    def on_event(self, event: Event) -> None:
        self.events.append(event)
        for count, future in self._waiters:
            if len(self.events) >= count and not future.done():
                future.set_result(None)

    async def wait_for(self, count: int) -> list[Event]:
        """Wait until ``count`` media server events were published in all."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append((count, future))
        if len(self.events) >= count:
            future.set_result(None)
        async with asyncio.timeout(HANG_GUARD):
            await future
        return self.events


def finished(series_id: int, episode: int) -> DownloadFinished:
    item = QueueItem(
        id=series_id * 100 + episode,
        episode_id=series_id * 100 + episode,
        key=EpisodeKey(series_id, 1, episode),
        series_title=f"Series {series_id}",
        title=f"Episode {episode}",
        url=f"http://127.0.0.1:9/{series_id}/{episode}.mp4",
        destination=f"Series {series_id}/Season 01/{episode}.mp4",
        status=DownloadStatus.COMPLETED,
        position=episode,
    )
    return DownloadFinished(item)


def described(bus: EventBus, series_id: int, *, failed: bool = False) -> None:
    """A metadata job for the series starts and ends, as MetadataService announces it."""
    bus.publish(MetadataJobStarted(series_id, f"Series {series_id}"))
    if failed:
        bus.publish(MetadataJobFailed(series_id, f"Series {series_id}", "TMDB is down."))
    else:
        bus.publish(MetadataJobFinished(series_id, f"Series {series_id}", 3, "tmdb"))


def both(server: FakeServers, **changes: Any) -> Settings:
    values = {
        "jellyfin_url": server.url,
        "jellyfin_api_key": API_KEY,
        "kodi_url": server.url,
        "kodi_user": KODI_USER,
        "kodi_password": KODI_PASSWORD,
    }
    values.update(changes)
    return Settings().updated(values)


async def ticks(count: int = 20) -> None:
    """Let the loop run pending callbacks (no real time passes that a test depends on)."""
    for _ in range(count):
        await asyncio.sleep(0)


def refreshes(server: FakeServers) -> list[str]:
    return [r.path for r in server.requests]


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def gate() -> Gate:
    return Gate()


@pytest.fixture
def opened(
    bus: EventBus, gate: Gate
) -> Callable[..., contextlib.AbstractAsyncContextManager[MediaServerNotifier]]:
    @contextlib.asynccontextmanager
    async def open_notifier(
        settings: Settings, **kwargs: Any
    ) -> AsyncIterator[MediaServerNotifier]:
        async with MediaServerNotifier(bus, settings, sleep=gate, **kwargs) as notifier:
            yield notifier

    return open_notifier


async def test_several_downloads_then_idle_ask_each_server_once(
    server: FakeServers, bus: EventBus, gate: Gate, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(both(server)) as notifier:
        assert notifier.servers == ["Jellyfin", "Kodi"]
        for event in (finished(1, 1), finished(1, 2), finished(2, 1), finished(1, 3)):
            bus.publish(event)
        bus.publish(QueueIdle())
        await asyncio.wait_for(gate.asleep.wait(), HANG_GUARD)  # waiting for the metadata
        described(bus, 1)
        described(bus, 2)
        events = await recorder.wait_for(2)
        await notifier.wait_settled()

        assert sorted(refreshes(server)) == ["/Library/Refresh", "/jsonrpc"]
        [scan] = server.of("/jsonrpc")
        assert scan.json()["method"] == "VideoLibrary.Scan"
        assert {type(e) for e in events} == {MediaServerRefreshed}
        assert {e.server for e in events} == {"Jellyfin", "Kodi"}
        assert all(e.series_ids == (1, 2) for e in events)

        bus.publish(QueueIdle())  # idle again, nothing new finished: nobody is asked
        await notifier.wait_settled()
    assert len(server.requests) == 2
    assert gate.naps == [notifier.metadata_wait]


async def test_it_waits_for_the_metadata_of_every_series_of_the_batch(
    server: FakeServers, bus: EventBus, gate: Gate, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(both(server, kodi_url="")) as notifier:
        bus.publish(finished(1, 1))
        # A job already running when the episode finished may have missed its file.
        bus.publish(MetadataJobStarted(2, "Series 2"))
        bus.publish(finished(2, 1))
        bus.publish(QueueIdle())
        await asyncio.wait_for(gate.asleep.wait(), HANG_GUARD)
        bus.publish(MetadataJobFinished(2, "Series 2", 1, "tmdb"))  # the old job
        described(bus, 1)
        await ticks()
        assert server.requests == [] and recorder.events == []

        described(bus, 2, failed=True)  # a failed job is through, too
        await recorder.wait_for(1)
        await notifier.wait_settled()
    assert refreshes(server) == ["/Library/Refresh"]


async def test_without_metadata_it_asks_once_the_wait_is_over(
    server: FakeServers,
    bus: EventBus,
    gate: Gate,
    opened: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    recorder = Recorder(bus)
    async with opened(both(server, jellyfin_url="")) as notifier:
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        await asyncio.wait_for(gate.asleep.wait(), HANG_GUARD)
        await ticks()
        assert server.requests == []
        gate.open()
        await recorder.wait_for(1)
        await notifier.wait_settled()
    assert refreshes(server) == ["/jsonrpc"]
    assert any("metadata of 1 series still pending" in r.getMessage() for r in caplog.records)


async def test_a_download_finishing_during_the_wait_extends_the_batch(
    server: FakeServers, bus: EventBus, gate: Gate, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(both(server, kodi_url="")) as notifier:
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        described(bus, 1)
        bus.publish(finished(2, 1))  # the queue is busy again before the servers were asked
        await notifier.wait_settled()
        assert server.requests == []
        bus.publish(QueueIdle())
        described(bus, 2)
        [event] = await recorder.wait_for(1)
        await notifier.wait_settled()
    assert isinstance(event, MediaServerRefreshed) and event.series_ids == (1, 2)
    assert len(server.requests) == 1


async def test_each_batch_asks_again(
    server: FakeServers, bus: EventBus, gate: Gate, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(both(server, kodi_url="")) as notifier:
        for batch, series_id in enumerate((1, 2), start=1):
            bus.publish(finished(series_id, 1))
            bus.publish(QueueIdle())
            described(bus, series_id)
            await recorder.wait_for(batch)
            await notifier.wait_settled()
    assert refreshes(server) == ["/Library/Refresh", "/Library/Refresh"]
    assert [e.series_ids for e in recorder.events] == [(1,), (2,)]


async def test_nothing_is_asked_when_nothing_finished(
    server: FakeServers, bus: EventBus, opened: Any
) -> None:
    async with opened(both(server)) as notifier:
        bus.publish(QueueIdle())
        described(bus, 1)  # metadata of a series added, not downloaded
        bus.publish(QueueIdle())
        await notifier.wait_settled()
    assert server.requests == []


async def test_nothing_is_asked_when_no_server_is_configured(
    server: FakeServers, bus: EventBus, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(Settings()) as notifier:
        assert notifier.servers == []
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        described(bus, 1)
        await notifier.wait_settled()
    assert server.requests == [] and recorder.events == []


async def test_configure_switches_servers_on_and_off(
    server: FakeServers, bus: EventBus, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(Settings(), metadata_wait=0) as notifier:
        notifier.configure(both(server, jellyfin_url=""))
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        described(bus, 1)
        await recorder.wait_for(1)
        await notifier.wait_settled()
        notifier.configure(Settings())
        bus.publish(finished(1, 2))
        bus.publish(QueueIdle())
        await notifier.wait_settled()
    assert refreshes(server) == ["/jsonrpc"]


async def test_a_down_server_is_one_sentence_and_an_event_and_the_other_is_still_asked(
    server: FakeServers, bus: EventBus, opened: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = Recorder(bus)
    down = refused_url()
    async with opened(both(server, jellyfin_url=down)) as notifier:
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())  # must not raise into the publisher
        described(bus, 1)
        events = await recorder.wait_for(2)
        await notifier.wait_settled()

    [failed] = [e for e in events if isinstance(e, MediaServerRefreshFailed)]
    [done] = [e for e in events if isinstance(e, MediaServerRefreshed)]
    reason = f"Jellyfin at {down} refused the connection: is it running, and is the port right?"
    assert (failed.server, failed.reason, failed.series_ids) == ("Jellyfin", reason, (1,))
    assert done.server == "Kodi"
    [warning] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warning.getMessage() == f"Asking Jellyfin to rescan failed: {reason}"
    assert warning.exc_info is None and "\n" not in warning.getMessage()


async def test_refused_credentials_never_show_the_secrets(
    server: FakeServers, bus: EventBus, opened: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.api_key = "not-the-key-we-send"
    server.kodi_password = "not-the-password-we-send"
    recorder = Recorder(bus)
    async with opened(both(server), metadata_wait=0) as notifier:
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        events = await recorder.wait_for(2)
        await notifier.wait_settled()
        shown = repr(notifier)

    reasons = sorted(e.reason for e in events if isinstance(e, MediaServerRefreshFailed))
    assert reasons == [
        f"Jellyfin at {server.url} refused the API key (HTTP 401): check the Jellyfin API key "
        "in the settings.",
        f"Kodi at {server.url} refused the user name or password (HTTP 401): check them in the "
        "settings.",
    ]
    texts = [shown, *map(repr, events)]
    texts += [r.getMessage() + str(r.args) + (r.exc_text or "") for r in caplog.records]
    for text in texts:
        assert API_KEY not in text
        assert KODI_PASSWORD not in text


async def test_closing_asks_about_a_batch_still_waiting(
    server: FakeServers, bus: EventBus, gate: Gate, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(both(server, kodi_url="")):
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        await asyncio.wait_for(gate.asleep.wait(), HANG_GUARD)
    # The metadata will never come now, but the file is on disk: the server was asked.
    assert refreshes(server) == ["/Library/Refresh"]
    assert [type(e) for e in recorder.events] == [MediaServerRefreshed]


async def test_closing_waits_for_a_request_under_way(
    server: FakeServers, bus: EventBus, opened: Any
) -> None:
    server.hang = True
    recorder = Recorder(bus)
    async with opened(both(server, kodi_url=""), metadata_wait=0, timeout=5):
        bus.publish(finished(1, 1))
        bus.publish(QueueIdle())
        await asyncio.wait_for(server.arrived.wait(), HANG_GUARD)
        server.release.set()
    assert [type(e) for e in recorder.events] == [MediaServerRefreshed]


async def test_one_session_for_every_request(
    server: FakeServers, bus: EventBus, opened: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    created: list[aiohttp.ClientSession] = []
    original = aiohttp.ClientSession.__init__

    def counting(self: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        created.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(aiohttp.ClientSession, "__init__", counting)
    recorder = Recorder(bus)
    async with opened(both(server), metadata_wait=0) as notifier:
        for batch in (1, 2):
            bus.publish(finished(batch, 1))
            bus.publish(QueueIdle())
            await recorder.wait_for(2 * batch)
            await notifier.wait_settled()
    assert len(server.requests) == 4
    assert len(created) == 1 and created[0].closed


async def test_after_closing_it_hears_nothing_more(
    server: FakeServers, bus: EventBus, opened: Any
) -> None:
    recorder = Recorder(bus)
    async with opened(both(server), metadata_wait=0) as notifier:
        pass
    # Every route it followed is dropped: a whole batch after closing starts nothing.
    bus.publish(finished(1, 1))
    bus.publish(QueueIdle())
    described(bus, 1)
    await ticks()
    await notifier.wait_settled()
    assert server.requests == [] and recorder.events == []
    assert notifier._batch is None
