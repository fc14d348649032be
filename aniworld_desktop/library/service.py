"""LibraryService: follows series from providers and queues what should be downloaded."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp

from aniworld_desktop.core.naming import episode_path, file_name_from_url, video_suffix
from aniworld_desktop.core.queue import QueueRequest
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.providers.base import check_url
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.repositories import (
    CatalogRepository,
    EpisodeRecord,
    NewEpisode,
    SeriesRecord,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AddUrlResult:
    """What ``add_url()`` did.

    Attributes:
        provider: Name of the provider that read the URL.
        series: The series it belongs to (new or existing).
        episodes: Episodes stored from the source.
        queued: What went into the download queue, when the source asked for it.
    """

    provider: str
    series: SeriesRecord
    episodes: list[EpisodeRecord]
    queued: AddResult | None


class LibraryService:
    """Series, their catalogues, and turning episodes into queue requests."""

    def __init__(
        self,
        catalog: CatalogRepository,
        downloads: DownloadService,
        registry: ProviderRegistry,
        session: aiohttp.ClientSession,
    ) -> None:
        self._catalog = catalog
        self._downloads = downloads
        self._registry = registry
        self._session = session

    async def add_url(self, url: str, provider_name: str | None = None) -> AddUrlResult:
        """Follow the series behind ``url`` or, for a media link, queue it."""
        url = check_url(url)
        provider = (
            self._registry.get(provider_name) if provider_name else self._registry.for_url(url)
        )
        info = await provider.fetch(url, self._session)
        series = await self._catalog.ensure_series(
            info.title, provider.name, info.source_url, folder=info.title
        )
        numbered: list[NewEpisode] = []
        next_number: dict[int, int] = {}
        for episode in info.episodes:
            number = episode.number
            if number is None:
                if episode.season not in next_number:
                    next_number[episode.season] = await self._catalog.next_episode_number(
                        series.id, episode.season
                    )
                number = next_number[episode.season]
                next_number[episode.season] += 1
            numbered.append(
                NewEpisode(episode.season, number, episode.title, episode.url, episode.size)
            )
        records = await self._catalog.upsert_episodes(series.id, numbered)
        queued = None
        if info.queue_now:
            queued = await self._downloads.add_to_queue(
                queue_request(series, record) for record in records
            )
        log.info("added %s from %s (%d episode(s))", series.title, provider.name, len(records))
        return AddUrlResult(provider.name, series, records, queued)


def queue_request(series: SeriesRecord, episode: EpisodeRecord) -> QueueRequest:
    """The queue entry for an episode, with its library path built from safe names."""
    suffix = video_suffix(file_name_from_url(episode.url))
    destination = episode_path(series.folder, episode.season, episode.number, episode.title, suffix)
    return QueueRequest(
        episode_id=episode.id,
        key=episode.key,
        url=episode.url,
        destination=destination,
        series_title=series.title,
        title=episode.title,
        expected_size=episode.size,
    )
