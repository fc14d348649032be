"""The library's parts over a real SQLite catalogue and queue, with a provider the test edits."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fake_tmdb import FakeShow, FakeTMDB
from tests.fakes import FakeFeed, ScriptedDownloader

TODAY = date(2026, 11, 24)


@dataclass
class World:
    """A library over real SQLite, a real download queue (its downloader scripted) and a bus."""

    library: LibraryService
    downloads: DownloadService
    catalog: CatalogRepository
    source: FakeFeed
    downloader: ScriptedDownloader
    bus: EventBus
    library_dir: Path


@pytest.fixture
async def world(database, tmp_path: Path) -> AsyncIterator[World]:
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    source = FakeFeed()
    bus = EventBus()
    downloader = ScriptedDownloader()
    catalog = CatalogRepository(database)
    async with aiohttp.ClientSession() as session:
        downloads = DownloadService(SqlQueueRepository(database), bus, downloader, library_dir)
        library = LibraryService(
            catalog,
            downloads,
            ProviderRegistry([DirectProvider(), source]),
            session,
            library_dir=library_dir,
            scan_cache_file=tmp_path / "scan-cache.json",
            bus=bus,
            today=lambda: TODAY,
        )
        downloads.resolver = library.download_request
        await downloads.start(run=False)
        try:
            yield World(library, downloads, catalog, source, downloader, bus, library_dir)
        finally:
            await downloads.stop()
            await library.flush()


def tmdb_source(api_url: str, *, retries: int = 1) -> Any:
    """Opens TMDB clients on ``api_url`` that retry ``retries`` times without waiting: what
    the metadata service lends the library, minus the waits."""
    from aniworld_desktop.metadata.ratelimit import RateLimiter
    from aniworld_desktop.metadata.tmdb import TMDBClient
    from tests.sentinels import TMDB_V4_TOKEN

    async def no_wait(seconds: float) -> None:
        return None

    @contextlib.asynccontextmanager
    async def open_client() -> AsyncIterator[TMDBClient]:
        async with TMDBClient(
            TMDB_V4_TOKEN,
            api_url=api_url,
            limiter=RateLimiter(1000, burst=50),
            max_retries=retries,
            sleep=no_wait,
            jitter=lambda: 0.0,
        ) as client:
            yield client

    return open_client


@pytest.fixture
async def tmdb() -> AsyncIterator[FakeTMDB]:
    """A fake TMDB on 127.0.0.1 that knows Harbor Lights (2024): specials and six episodes."""
    shows = {
        "Harbor Lights": FakeShow(4242, 2024, seasons={0: 1, 1: 6}),
        "Paper Moons": FakeShow(77, 2019, seasons={1: 3, 2: 3}),
    }
    async with FakeTMDB(shows) as server:
        yield server


def make_files(root: Path, *paths: str) -> None:
    """Small video files at ``paths`` under ``root`` (their bytes: their names)."""
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(path.encode())
