"""What is wanted: each episode's state, the missing episodes, and queueing them.

:class:`WantedEpisodes` turns episodes of the catalogue into queue requests named by the
naming template (:func:`queue_request`), says where each episode is (on disk, queued, failed,
missing...) and queues what is missing, for one series or every monitored one. No Qt here.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from aniworld_desktop.core.models import (
    EpisodeAvailability,
    EpisodeKind,
    EpisodeRecord,
    EpisodeState,
    SeriesRecord,
)
from aniworld_desktop.core.naming import NamingTemplate, file_name_from_url, video_suffix
from aniworld_desktop.core.queue import QueueRequest
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.storage.catalog import CatalogRepository

__all__ = ["WantedEpisodes", "queue_request"]


class WantedEpisodes:
    """The catalogue's episodes as the queue sees them: their states, what is missing.

    Attributes:
        library_dir: The library root, where queued episodes are saved.
        naming: Where in it each episode goes.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        downloads: DownloadService,
        *,
        library_dir: Path,
        naming: NamingTemplate,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._catalog = catalog
        self._downloads = downloads
        self.library_dir = library_dir
        self.naming = naming
        self._today = today

    async def queue_episodes(self, episode_ids: Sequence[int]) -> AddResult:
        """Queue these episodes (dropped on the queue, say), whatever their state; the queue
        refuses the ones already there, and an episode without a source (TMDB's, of a series
        without a feed) has nothing to download: it is left out."""
        wanted = set(episode_ids)
        series = {s.id: s for s in await self._catalog.list_series()}
        requests = [
            self.queue_request(series[e.series_id], e)
            for e in await self._catalog.episodes_by_id(wanted)
            if e.series_id in series and e.has_source
        ]
        return await self._downloads.add_to_queue(requests)

    async def queue_records(
        self, series: SeriesRecord, records: Sequence[EpisodeRecord]
    ) -> AddResult:
        """Queue these episodes of ``series`` (a source's new ones, say)."""
        return await self._downloads.add_to_queue(
            self.queue_request(series, record) for record in records
        )

    async def episode_states(self, series: SeriesRecord) -> list[EpisodeState]:
        """Each episode of the series with its state."""
        queue = await self._catalog.active_queue_status(series.id)
        failed = {
            item.episode_id
            for item in self._downloads.items()
            if item.status is DownloadStatus.FAILED and item.key.series_id == series.id
        }
        today = self._today()
        states = []
        for episode in await self._catalog.episodes(series.id):
            states.append(EpisodeState(episode, _state(episode, queue, failed, today)))
        return states

    async def missing(self, series_id: int | None = None) -> list[QueueRequest]:
        """Queue requests for the missing episodes (one series, or all)."""
        episodes = await self._catalog.missing_episodes(self._today(), series_id)
        series = {s.id: s for s in await self._catalog.list_series()}
        return [self.queue_request(series[e.series_id], e) for e in episodes]

    async def queue_missing(
        self, series_id: int | None = None, *, monitored_only: bool = True
    ) -> AddResult:
        """Queue what is missing: for one series, or for every (monitored) series.

        Raises:
            LibraryUnavailableError: The library folder is read-only: every download would
                fail, so nothing is queued (a share remounted read-only after an error, say).
        """
        await asyncio.to_thread(self._check_writable)
        requests = await self.missing(series_id)
        if series_id is None and monitored_only:
            monitored = {s.id for s in await self._catalog.list_series(monitored_only=True)}
            requests = [r for r in requests if r.key.series_id in monitored]
        return await self._downloads.add_to_queue(requests)

    def _check_writable(self) -> None:
        """Raise LibraryUnavailableError when the library folder exists and cannot be written.

        A missing folder passes: the default one is created by the first download, and a
        missing share is the scan's to report.
        """
        root = self.library_dir
        if root.is_dir() and not os.access(root, os.W_OK):
            raise LibraryUnavailableError(
                f"The library folder {root} is read-only, so nothing was queued: downloads "
                "could not be saved there. Make it writable (or remount the drive or share "
                "with write access) and try again.",
                root,
            )

    def queue_request(self, series: SeriesRecord, episode: EpisodeRecord) -> QueueRequest:
        """The queue entry for an episode, with its library path from the naming template."""
        return queue_request(series, episode, self.naming)


def queue_request(
    series: SeriesRecord, episode: EpisodeRecord, naming: NamingTemplate | None = None
) -> QueueRequest:
    """The queue entry for an episode, its library path built by ``naming`` (or the default)."""
    destination = (naming or NamingTemplate()).episode_path(
        series, episode, suffix=video_suffix(file_name_from_url(episode.url)), folder=series.folder
    )
    return QueueRequest(
        episode_id=episode.id,
        key=episode.key,
        url=episode.url,
        destination=destination,
        series_title=series.title,
        title=episode.title,
        expected_size=episode.size,
    )


def _state(
    episode: EpisodeRecord, queue: dict[int, DownloadStatus], failed: set[int], today: date
) -> EpisodeAvailability:
    if episode.kind is not EpisodeKind.FULL:
        return EpisodeAvailability.of_extra(episode.kind)
    if episode.file_path is not None:
        return EpisodeAvailability.ON_DISK
    status = queue.get(episode.id)
    if status is not None:
        return EpisodeAvailability.in_queue(status)
    if episode.id in failed:
        return EpisodeAvailability.FAILED
    if not episode.released(today):
        return EpisodeAvailability.NOT_RELEASED
    if not episode.monitored:
        return EpisodeAvailability.UNMONITORED
    return EpisodeAvailability.MISSING
