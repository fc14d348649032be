"""The library's parts over a real SQLite catalogue and queue, with a provider the test edits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
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
