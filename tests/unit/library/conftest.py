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
from aniworld_desktop.providers.base import (
    EpisodeInfo,
    EpisodeKind,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
)
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fakes import ScriptedDownloader

TODAY = date(2026, 11, 24)


class FakeSource:
    """A provider of ``fake:`` references whose catalogue the test edits; counts its fetches."""

    name = "fake"

    def __init__(self) -> None:
        self.info = SeriesInfo(
            "Harbor Lights",
            "fake:harbor",
            (
                EpisodeInfo(1, 1, "Fog", "fake:harbor/1"),
                EpisodeInfo(1, 2, "Tide", "fake:harbor/2", air_date=date(2026, 1, 1)),
                EpisodeInfo(1, 3, "Storm", "fake:harbor/3", air_date=date(2027, 1, 1)),
                EpisodeInfo(1, None, "Teaser", "fake:harbor/t", kind=EpisodeKind.TRAILER),
                EpisodeInfo(0, 1, "Behind the Lights", "fake:harbor/s1"),
            ),
            year=2024,
            validators=Validators(etag='"v1"'),
        )
        self.fetches: list[Validators | None] = []
        self.failure: BaseException | None = None
        self.resolved: dict[str, str] = {}

    def can_handle(self, url: str) -> bool:
        return url.startswith("fake:")

    def recognises(self, content_type: str, head: bytes) -> bool:
        return head.startswith(b"FAKE-CATALOGUE")

    async def fetch(
        self, url: str, session: aiohttp.ClientSession, validators: Validators | None = None
    ) -> SeriesInfo | None:
        self.fetches.append(validators)
        if self.failure is not None:
            raise self.failure
        if validators is not None and validators.etag == self.info.validators.etag:
            return None
        return self.info

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        if url not in self.resolved:
            raise ProviderError(f"{url} is gone.")
        return ResolvedDownload(self.resolved[url], headers={"X-Token": "t"}, expected_size=7)


@dataclass
class World:
    """A library over real SQLite, a real download queue (its downloader scripted) and a bus."""

    library: LibraryService
    downloads: DownloadService
    catalog: CatalogRepository
    source: FakeSource
    downloader: ScriptedDownloader
    bus: EventBus
    library_dir: Path


@pytest.fixture
async def world(database, tmp_path: Path) -> AsyncIterator[World]:
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    source = FakeSource()
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
