"""Two followed feeds on a local server, real library and queue services over a real SQLite
file, and a scheduler factory on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.core.events import Event, EventBus
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.feed import FeedProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.scheduler import SchedulerService
from aniworld_desktop.storage.app_state import AppStateRepository
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fakes import EVERYTHING
from tests.fault_server import FaultServer
from tests.unit.scheduler.fake_clock import FakeClock

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def feed(title: str, episodes: list[tuple[int, int, str]]) -> bytes:
    """An RSS feed with one enclosure per (season, episode, title); nothing is downloaded."""
    slug = title.lower().replace(" ", "-")
    items = "".join(
        f"<item><title>{name}</title><guid>{slug}-{s}-{e}</guid>"
        f"<itunes:season>{s}</itunes:season><itunes:episode>{e}</itunes:episode>"
        f'<enclosure url="http://127.0.0.1:9/{slug}-{s}-{e}.mp4" length="10" type="video/mp4"/>'
        "</item>"
        for s, e, name in episodes
    )
    return (
        '<?xml version="1.0"?>'
        '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>{title}</title><description>{title}.</description>{items}</channel></rss>"
    ).encode()


class Recorder:
    """Every event published on the bus, in order."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[Event] = []
        bus.subscribe(Event, self.on_event)

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[Any]) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


@dataclass
class World:
    server: FaultServer
    database: Any
    library: LibraryService
    downloads: DownloadService
    catalog: CatalogRepository
    bus: EventBus
    events: Recorder
    clock: FakeClock
    library_dir: Path
    made: list[SchedulerService] = field(default_factory=list)

    def scheduler(self, database: Any = None, **options: Any) -> SchedulerService:
        """A scheduler on the fake clock (interval 1 h, cooldown 5 min, enabled, unless told),
        keeping its time in ``database`` (the world's by default)."""
        values: dict[str, Any] = {"interval": 3600.0, "cooldown": 300.0, "enabled": True}
        values.update(options)
        scheduler = SchedulerService(
            self.library,
            self.bus,
            AppStateRepository(database or self.database),
            clock=self.clock,
            sleep=self.clock.sleep,
            **values,
        )
        self.made.append(scheduler)
        return scheduler

    async def follow(self, name: str, title: str, episodes: list[tuple[int, int, str]]) -> int:
        """Serve a feed and follow it, all of it wanted (not only what comes later); the
        series id."""
        self.server.add_file(name, feed(title, episodes))
        result = await self.library.add_url(self.server.url(name), "feed", monitoring=EVERYTHING)
        return result.series.id

    def queued_labels(self) -> list[tuple[str, str]]:
        return sorted((i.series_title, i.key.label()) for i in self.downloads.items())


@pytest.fixture
async def world(database: Any, tmp_path: Path) -> AsyncIterator[World]:
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    bus = EventBus()
    registry = ProviderRegistry([DirectProvider(), FeedProvider()])
    async with (
        FaultServer(tmp_path / "srv") as server,
        aiohttp.ClientSession() as session,
        DownloadEngine() as engine,
    ):
        downloads = DownloadService(SqlQueueRepository(database), bus, engine, library_dir)
        catalog = CatalogRepository(database)
        library = LibraryService(
            catalog, downloads, registry, session, library_dir=library_dir, bus=bus
        )
        downloads.resolver = library.download_request
        await downloads.start(run=False)  # queued, never downloaded
        world = World(
            server,
            database,
            library,
            downloads,
            catalog,
            bus,
            Recorder(bus),
            FakeClock(T0),
            library_dir,
        )
        try:
            yield world
        finally:
            for scheduler in world.made:
                await scheduler.aclose()
            await downloads.stop()
            await library.flush()
