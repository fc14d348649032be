"""LibraryService: the followed series, the files on disk, and what is missing.

It lists the series with their counts, scans the library folder to learn which episodes are on
disk, and turns missing episodes into queue requests named by the naming template. Where a
series comes from is :mod:`~aniworld_desktop.library.following`'s; bringing files into shape is
:mod:`~aniworld_desktop.library.organize`'s; this service holds one of each and answers for
them too, so its callers (the window, the CLI, the scheduler) ask one object. No Qt here.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from stat import S_ISDIR

import aiohttp

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import DownloadFinished, EventBus, SeriesChanged
from aniworld_desktop.core.models import (
    EpisodeAvailability,
    EpisodeKind,
    EpisodeRecord,
    EpisodeState,
    SeriesCounts,
    SeriesRecord,
    SeriesSummary,
)
from aniworld_desktop.core.naming import NamingTemplate, file_name_from_url, video_suffix
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.engine import DownloadRequest
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.following import (
    AddLinksResult,
    AddUrlResult,
    RefreshResult,
    SourceService,
)
from aniworld_desktop.library.matching import episodes_for
from aniworld_desktop.library.organize import ImportProposal, OrganizePlan, Organizer
from aniworld_desktop.library.scanner import ScanCache, ScannedFile, ScanResult, scan_library
from aniworld_desktop.providers.base import SeriesInfo
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository

__all__ = [
    "AddLinksResult",
    "AddUrlResult",
    "LibraryService",
    "LibraryUnavailableError",
    "RefreshResult",
    "ScanSummary",
    "queue_request",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What a scan of the library found.

    Attributes:
        files: Video files seen.
        matched: Files matched to an episode of a followed series.
        unmatched: Video files that belong to no followed episode (``ScannedFile`` each).
        parsed, cached: Names read this time, names taken from the cache.
        errors: Folders that could not be read, as sentences.
    """

    files: int
    matched: int
    unmatched: list[ScannedFile] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0
    errors: list[str] = field(default_factory=list)


class LibraryService:
    """Series, files on disk and missing episodes; sources and organizing through its parts.

    Attributes:
        library_dir: The library root; nothing is ever written outside it.
        naming: Where downloads go.
        sources: Following series from their providers (:class:`SourceService`).
        organizer: Import proposals and renames (:class:`Organizer`).
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        downloads: DownloadService,
        registry: ProviderRegistry,
        session: aiohttp.ClientSession,
        *,
        library_dir: Path,
        naming: NamingTemplate | None = None,
        scan_cache_file: Path | None = None,
        bus: EventBus | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._catalog = catalog
        self._downloads = downloads
        self.library_dir = library_dir
        self.naming = naming or NamingTemplate()
        self._scan_cache_file = scan_cache_file
        self._today = today
        self._scan_lock = asyncio.Lock()
        self._scan_cache: ScanCache | None = None  # loaded once, kept between scans
        # The library folder's device and inode when a scan last found videos in it.
        self._seen_identity: tuple[int, int] | None = None
        self._bus = bus
        # Every download asks first whether the library is there (an unplugged share is not).
        downloads.library_check = self.check_present
        if bus is not None:
            bus.subscribe(DownloadFinished, self._on_download_finished)
        self._pending_files: set[asyncio.Task[None]] = set()
        self.sources = SourceService(
            catalog,
            registry,
            session,
            library_dir=library_dir,
            naming=self.naming,
            queue=self._queue_records,
            scan=self.scan,
            bus=bus,
        )
        self.organizer = Organizer(catalog, downloads, library_dir=library_dir, naming=self.naming)

    # ------------------------------------------------------------------ sources (SourceService)

    async def add_url(self, url: str, provider_name: str | None = None) -> AddUrlResult:
        """Follow the series behind ``url`` or, for a media link, queue it."""
        return await self.sources.add_url(url, provider_name)

    async def add_links(
        self, urls: Sequence[str], *, on_link: Callable[[str], object] | None = None
    ) -> AddLinksResult:
        """Queue the media links; hand back the others (feeds the user may follow)."""
        return await self.sources.add_links(urls, on_link=on_link)

    async def preview_url(
        self, url: str, provider_name: str | None = None
    ) -> tuple[str, SeriesInfo]:
        """What ``add_url`` would add: the provider's name and the series, stored nowhere."""
        return await self.sources.preview_url(url, provider_name)

    async def follow_demo(self) -> None:
        """Follow every series of the demo catalogue that is not followed yet."""
        await self.sources.follow_demo()

    async def refresh(self, series: SeriesRecord) -> RefreshResult:
        """Ask the series' provider for its catalogue again; a failure is in the result."""
        return await self.sources.refresh(series)

    async def refresh_monitored(self) -> list[RefreshResult]:
        """Refresh every monitored series; the failures are in the results."""
        return await self.sources.refresh_monitored()

    async def download_request(self, item: QueueItem, destination: Path) -> DownloadRequest:
        """Resolve a queue item's stored reference into a request (DownloadService's resolver)."""
        return await self.sources.download_request(item, destination)

    async def resolve_reference(self, url: str) -> str:
        """An http(s) URL for a stored reference (``demo:.../poster.jpg``); URLs pass through."""
        return await self.sources.resolve_reference(url)

    # ------------------------------------------------------------------ organizing (Organizer)

    async def propose_import(self) -> list[ImportProposal]:
        """Sub-folders of the library that are not followed yet, as series proposals."""
        return await self.organizer.propose_import()

    async def plan_organize(self, series: SeriesRecord) -> OrganizePlan:
        """The renames that bring a series to the naming convention. Changes nothing."""
        return await self.organizer.plan_organize(series)

    async def organize(self, plan: OrganizePlan) -> int:
        """Carry out a plan from :meth:`plan_organize`; returns the number of files moved."""
        return await self.organizer.organize(plan)

    # ------------------------------------------------------------------ queueing

    async def queue_episodes(self, episode_ids: Sequence[int]) -> AddResult:
        """Queue these episodes (dropped on the queue, say), whatever their state; the queue
        refuses the ones already there."""
        wanted = set(episode_ids)
        series = {s.id: s for s in await self._catalog.list_series()}
        requests = [
            self.queue_request(series[e.series_id], e)
            for e in await self._catalog.episodes_by_id(wanted)
            if e.series_id in series
        ]
        return await self._downloads.add_to_queue(requests)

    async def _queue_records(
        self, series: SeriesRecord, records: Sequence[EpisodeRecord]
    ) -> AddResult:
        return await self._downloads.add_to_queue(
            self.queue_request(series, record) for record in records
        )

    async def set_monitored(self, series: SeriesRecord, monitored: bool) -> None:
        """Monitored series have their missing episodes downloaded automatically."""
        await self._catalog.update_series(series.id, monitored=monitored)
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))

    # ------------------------------------------------------------------ listing

    async def list_series(self) -> list[SeriesSummary]:
        counts = await self._catalog.counts(self._today())
        return [
            SeriesSummary(series, counts.get(series.id, SeriesCounts()))
            for series in await self._catalog.list_series()
        ]

    async def find_series(self, text: str) -> SeriesRecord:
        """A series by id, or by title (exact, then unique prefix), ignoring case."""
        all_series = await self._catalog.list_series()
        if text.isdigit():
            for series in all_series:
                if series.id == int(text):
                    return series
        wanted = text.casefold().strip()
        exact = [s for s in all_series if s.title.casefold() == wanted]
        if len(exact) == 1:
            return exact[0]
        prefix = [s for s in all_series if s.title.casefold().startswith(wanted)]
        if len(prefix) == 1:
            return prefix[0]
        if prefix:
            names = ", ".join(s.title for s in prefix[:5])
            raise UsageError(f"'{text}' matches several series: {names}.")
        raise UsageError(f"No series '{text}'. See the list command.")

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

    # ------------------------------------------------------------------ missing

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

    # ------------------------------------------------------------------ the files on disk

    async def scan(self) -> ScanSummary:
        """Walk the library and record which episodes are on disk (renames nothing).

        A library that is not there must not look like one whose files were all deleted:
        that would mark every episode missing and queue the whole library again. So nothing
        is changed, and LibraryUnavailableError says why, when the library folder is missing
        or unreadable, when it is another folder after the scan than before (a drive or share
        unmounted meanwhile), or when the scan finds no video at all while episodes are
        recorded on disk there (the empty mount point of a share that is not connected).
        Episodes whose files are under a folder that could not be read keep their files.

        Raises:
            LibraryUnavailableError: As above; the database and the scan cache are unchanged.
        """
        async with self._scan_lock:
            root = self.library_dir
            cache_file = self._scan_cache_file
            cache = self._scan_cache
            if cache is None and cache_file is not None:
                cache = self._scan_cache = await asyncio.to_thread(ScanCache.load, cache_file)
            before = await asyncio.to_thread(_identity, root)
            result = await asyncio.to_thread(scan_library, root, cache)
            after = await asyncio.to_thread(_identity, root)
            all_series = await self._catalog.list_series()
            episodes_by_series: dict[int, list[EpisodeRecord]] = defaultdict(list)
            for episode in await self._catalog.all_episodes():
                episodes_by_series[episode.series_id].append(episode)
            try:
                self._check_scan(result, before, after, episodes_by_series)
                # A scan the checks trusted that found no video at all knows no better.
                self._seen_identity = (
                    after if result.files and not isinstance(after, OSError) else None
                )
            except LibraryUnavailableError:
                # The walk updated the cache in memory with what it saw (nothing); the next
                # scan starts again from the file, which still holds the library as it was.
                self._scan_cache = None
                raise
            if cache is not None and cache_file is not None:
                try:
                    await asyncio.to_thread(cache.save, cache_file)
                except OSError as exc:  # only the next scan is slower
                    log.warning("The scan cache could not be saved: %s", exc)
            by_folder = {s.folder.casefold(): s for s in all_series}
            found: dict[int, tuple[str, int]] = {}
            unmatched: list[ScannedFile] = []
            for file in result.files:
                series = by_folder.get(file.series_folder.casefold())
                ids = (
                    episodes_for(file.parsed, episodes_by_series[series.id])
                    if series is not None and file.parsed is not None
                    else []
                )
                if not ids:
                    unmatched.append(file)
                for episode_id in ids:
                    found[episode_id] = (file.path, file.size)
            unread = tuple(result.failed)  # "Series/", "Series/Season 01/": unread, not gone
            changes: list[tuple[int, str | None, int | None]] = []
            for episodes in episodes_by_series.values():
                for episode in episodes:
                    now = found.get(episode.id)
                    if now is None and episode.file_path is not None:
                        if not episode.file_path.startswith(unread):
                            changes.append((episode.id, None, None))
                    elif now is not None and (episode.file_path, episode.file_size) != now:
                        changes.append((episode.id, *now))
            await self._catalog.set_files(changes)
            return ScanSummary(
                files=len(result.files),
                matched=len(result.files) - len(unmatched),
                unmatched=unmatched,
                parsed=result.parsed,
                cached=result.cached,
                errors=list(result.errors),
            )

    def _check_scan(
        self,
        result: ScanResult,
        before: tuple[int, int] | OSError,
        after: tuple[int, int] | OSError,
        episodes: dict[int, list[EpisodeRecord]],
    ) -> None:
        """Raise LibraryUnavailableError when a scan's result must not be trusted (see scan)."""
        root = self.library_dir
        unchanged = "nothing was changed"
        for state in (before, after):
            if isinstance(state, OSError):
                raise LibraryUnavailableError(_unavailable(root, state, unchanged), root)
        if "" in result.failed:  # the root itself could not be listed
            raise LibraryUnavailableError(f"{result.errors[0]} Nothing was changed.", root)
        if before != after:
            raise LibraryUnavailableError(
                f"The library folder {root} changed while it was scanned (was a drive or "
                f"network share disconnected?); {unchanged}. Scan again once it is back.",
                root,
            )
        if not result.files:
            on_disk = sum(1 for group in episodes.values() for e in group if e.file_path)
            if on_disk:
                raise LibraryUnavailableError(
                    f"The library folder {root} holds no videos, but {on_disk} episode(s) "
                    "were on disk there. Is the drive or network share connected? Nothing "
                    "was changed and nothing will be queued until the files are back.",
                    root,
                )

    async def check_present(self) -> None:
        """Raise LibraryUnavailableError when a download must not write into the library now.

        The same signs the scan trusts: the folder is unreadable, or it is missing or empty
        while it held videos (a scan found some there, or episodes are recorded on disk): the
        mount point of a share that is not connected, where a download would create its
        folders on the local disk instead. A library that never held anything may be created.
        """
        root = self.library_dir
        state = await asyncio.to_thread(_identity, root)
        nothing = "nothing was downloaded"
        if isinstance(state, OSError):
            if isinstance(state, FileNotFoundError) and not await self._held_videos():
                return  # a new library: the first download creates it
            raise LibraryUnavailableError(_unavailable(root, state, nothing), root)
        if not await asyncio.to_thread(_is_empty, root):
            return
        moved = self._seen_identity is not None and state != self._seen_identity
        if moved or await self._held_videos():
            raise LibraryUnavailableError(
                f"The library folder {root} is empty, but it held episodes. Is the drive or "
                f"network share connected? {nothing.capitalize()}; retry once it is back.",
                root,
            )

    async def _held_videos(self) -> bool:
        return self._seen_identity is not None or await self._catalog.has_files()

    def _on_download_finished(self, event: DownloadFinished) -> None:
        """A finished download is on disk now; record it without waiting for the next scan."""
        item = event.item
        task = asyncio.ensure_future(
            self._catalog.set_files([(item.episode_id, item.destination, item.bytes_total)])
        )
        self._pending_files.add(task)
        task.add_done_callback(self._pending_files.discard)

    async def flush(self) -> None:
        """Wait for bookkeeping started by events (before shutting down)."""
        if self._pending_files:
            await asyncio.gather(*self._pending_files, return_exceptions=True)


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
    return EpisodeAvailability.MISSING


def _identity(folder: Path) -> tuple[int, int] | OSError:
    """The folder's device and inode (another folder, or a mount, has others), or the error."""
    try:
        stat = os.stat(folder)
    except OSError as exc:
        return exc
    if not S_ISDIR(stat.st_mode):
        return NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    return stat.st_dev, stat.st_ino


def _is_empty(folder: Path) -> bool:
    """Whether ``folder`` has no entries at all (an unread folder counts as not empty)."""
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _unavailable(root: Path, exc: OSError, unchanged: str) -> str:
    if isinstance(exc, FileNotFoundError):
        return (
            f"The library folder {root} cannot be found (is the drive or network share "
            f"connected?); {unchanged}."
        )
    if isinstance(exc, NotADirectoryError):
        return f"The library folder {root} is not a folder; {unchanged}."
    reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or exc
    return (
        f"The library folder {root} cannot be read ({reason}; is the drive or network share "
        f"connected?); {unchanged}."
    )
