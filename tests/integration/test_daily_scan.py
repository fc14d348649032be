"""A daily show's files, named by air date, found by a real scan of a real catalogue."""

from __future__ import annotations

from datetime import date

import aiohttp
import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.base import EpisodeInfo, ResolvedDownload, SeriesInfo
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository


class NightlyFeed:
    """A talk show with an episode every night of April 2011, numbered 1 to 30."""

    name = "nightly"

    def can_handle(self, url: str) -> bool:
        return url.startswith("nightly:")

    def recognises(self, content_type: str, head: bytes) -> bool:
        return False

    async def fetch(self, url, session, validators=None):  # type: ignore[no-untyped-def]
        episodes = tuple(
            EpisodeInfo(1, n, f"Guest {n}", f"nightly:{n}", air_date=date(2011, 4, n))
            for n in range(1, 31)
        )
        return SeriesInfo("Late Night", "nightly:show", episodes, year=2011)

    async def resolve(self, url: str, session) -> ResolvedDownload:  # type: ignore[no-untyped-def]
        raise AssertionError("nothing is downloaded here")


@pytest.fixture
async def library(database, tmp_path):  # type: ignore[no-untyped-def]
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    bus = EventBus()
    async with aiohttp.ClientSession() as session, DownloadEngine() as engine:
        downloads = DownloadService(SqlQueueRepository(database), bus, engine, library_dir)
        service = LibraryService(
            CatalogRepository(database),
            downloads,
            ProviderRegistry([NightlyFeed()]),
            session,
            library_dir=library_dir,
            scan_cache_file=tmp_path / "scan-cache.json",
            bus=bus,
            today=lambda: date(2011, 5, 1),
        )
        await downloads.start(run=False)
        try:
            yield service, library_dir
        finally:
            await downloads.stop()
            await service.flush()


async def test_files_named_by_date_are_the_episodes_of_those_days(library) -> None:  # type: ignore[no-untyped-def]
    service, library_dir = library
    result = await service.add_url("nightly:show")
    folder = library_dir / result.series.folder
    folder.mkdir()
    for name in (
        "Late Night - 2011-04-12.mkv",  # once absolute 4-12: nine wrong episodes on disk
        "Late.Night.2011.04.13.Guest.720p.HDTV.x264.mkv",
        "Late Night (14.04.2011).mkv",
    ):
        (folder / name).write_bytes(b"x")
    summary = await service.scan()
    assert (summary.files, summary.matched, summary.unmatched) == (3, 3, [])
    (listed,) = await service.list_series()
    on_disk = {
        s.episode.number: s.episode.file_path
        for s in await service.episode_states(listed.series)
        if s.state == "on disk"
    }
    assert on_disk == {
        12: f"{result.series.folder}/Late Night - 2011-04-12.mkv",
        13: f"{result.series.folder}/Late.Night.2011.04.13.Guest.720p.HDTV.x264.mkv",
        14: f"{result.series.folder}/Late Night (14.04.2011).mkv",
    }
