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
import shutil
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from stat import S_ISDIR

import aiohttp

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import (
    DownloadFinished,
    EventBus,
    LibraryFolderChanged,
    SeriesChanged,
    SeriesRemoved,
)
from aniworld_desktop.core.gcpause import collector_paused, release
from aniworld_desktop.core.models import (
    EpisodeAvailability,
    EpisodeKind,
    EpisodeRecord,
    EpisodeState,
    MatchState,
    Monitoring,
    SeriesCounts,
    SeriesDetails,
    SeriesRecord,
    SeriesSummary,
)
from aniworld_desktop.core.naming import NamingTemplate, file_name_from_url, video_suffix
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.engine import DownloadRequest
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.folders import parse_series_folder
from aniworld_desktop.library.following import (
    AddLinksResult,
    AddUrlResult,
    RefreshResult,
    SourceService,
)
from aniworld_desktop.library.importing import Importer, ImportProposal, ImportResult
from aniworld_desktop.library.matching import episodes_for
from aniworld_desktop.library.organize import OrganizePlan, Organizer
from aniworld_desktop.library.scanner import ScanCache, ScannedFile, ScanResult, scan_library
from aniworld_desktop.library.tmdb_matching import (
    MatchOutcome,
    MatchProgress,
    SeriesMatcher,
    TMDBMatch,
    TMDBSource,
)
from aniworld_desktop.providers.base import SeriesInfo
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import (
    CatalogRepository,
    FoundEpisode,
    KnownEpisode,
    NewLocalSeries,
)

__all__ = [
    "AddLinksResult",
    "AddUrlResult",
    "ImportProposal",
    "ImportResult",
    "LibraryService",
    "LibraryUnavailableError",
    "MatchProgress",
    "RefreshResult",
    "RemoveResult",
    "ScanSummary",
    "TMDBMatch",
    "queue_request",
]

log = logging.getLogger(__name__)

# A scan cache this big (video files) is frozen out of the cyclic collector's reach once built.
FREEZE_AFTER = 10_000


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What a scan of the library found.

    Attributes:
        files: Video files seen.
        matched: Files matched to an episode of a followed series.
        unmatched: Video files that belong to no followed episode (``ScannedFile`` each).
        parsed, cached: Names read this time, names taken from the cache.
        errors: Folders that could not be read, as sentences.
        followed: Folders of the library no series held, followed now as series without a
            source.
    """

    files: int
    matched: int
    unmatched: list[ScannedFile] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0
    errors: list[str] = field(default_factory=list)
    followed: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RemoveResult:
    """What removing a series did.

    Attributes:
        series: The series, as it was.
        cancelled: Queue entries removed with it (active ones cancelled, part files deleted).
        files: What became of its folder: ``kept``, ``trashed``, ``deleted``, ``missing``
            (there was none) or ``failed``.
        message: All of it in a sentence.
    """

    series: SeriesRecord
    cancelled: int
    files: str
    message: str


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
        self._cache_loaded = False  # the cache was read from its file since the last freeze
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
        self.matcher = SeriesMatcher(catalog, library_dir=library_dir, today=today, bus=bus)
        self.sources.matcher = self.matcher
        self.importer = Importer(catalog, self.matcher, walk=self._walk_locked, scan=self.scan)

    def use_tmdb(self, tmdb: TMDBSource, *, threshold: float | None = None) -> None:
        """Match series to TMDB through ``tmdb`` (the metadata service's clients, which share
        its rate limiter and reply cache); ``threshold``: the confidence a match needs."""
        self.matcher.tmdb = tmdb
        if threshold is not None:
            self.matcher.threshold = threshold

    def set_library_dir(self, library_dir: Path) -> None:
        """Use another library folder from now on (the settings changed), without a restart.

        The scan cache belongs to the old folder and is dropped; the next scan reads the new
        one. Series whose folders are not in the new library keep their records.

        Events:
            LibraryFolderChanged: So the window reloads everything.
        """
        self.library_dir = library_dir
        self.sources.library_dir = library_dir
        self.organizer.library_dir = library_dir
        self.matcher.library_dir = library_dir
        self._scan_cache = None
        if self._bus is not None:
            self._bus.publish(LibraryFolderChanged(str(library_dir)))

    # ------------------------------------------------------------------ sources (SourceService)

    async def add_url(
        self,
        url: str,
        provider_name: str | None = None,
        *,
        monitoring: Monitoring | None = None,
    ) -> AddUrlResult:
        """Follow the series behind ``url`` or, for a media link, queue it.

        ``monitoring``: which episodes are wanted; by default ``new`` for a feed with a back
        catalogue (none of it is fetched), else ``all``. A series without a source that holds
        the folder the feed's series would have is the one the feed is attached to.
        """
        return await self.sources.add_url(url, provider_name, monitoring=monitoring)

    async def set_source(
        self, series: SeriesRecord, url: str, provider_name: str | None = None
    ) -> AddUrlResult:
        """Attach a feed to a series without one, or give a series its source's new address
        (a feed that moved); the catalogues merge by season and number."""
        return await self.sources.set_source(series, url, provider_name)

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

    # ------------------------------------------------------------------ importing and matching

    async def propose_import(
        self,
        *,
        match: bool = True,
        include: Sequence[str] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> list[ImportProposal]:
        """The library's folders to follow or to match, with TMDB's match for each (with a
        token and ``match``); ``include``: folders whose series were removed, proposed again.
        Stores nothing; cancel the task to stop it."""
        return await self.importer.propose(match=match, include=include, on_progress=on_progress)

    async def apply_import(
        self,
        proposals: Sequence[ImportProposal],
        *,
        skip: Sequence[ImportProposal] = (),
        on_progress: Callable[[MatchProgress], object] | None = None,
    ) -> ImportResult:
        """Follow the proposals' folders with their matches, bring each confirmed match's
        catalogue from TMDB, then scan; ``skip``: proposals the user left out, whose folders
        scans then leave alone. Renames and deletes nothing."""
        return await self.importer.apply(proposals, skip=skip, on_progress=on_progress)

    async def match_unmatched(
        self, *, on_progress: Callable[[MatchProgress], object] | None = None
    ) -> list[tuple[SeriesRecord, MatchOutcome]]:
        """Try again to match every series that is not matched (a run does this), and scan
        when any was, so its files meet TMDB's episodes."""
        wanted = [
            s
            for s in await self._catalog.list_series()
            if s.match_state is MatchState.UNMATCHED and s.provider != "direct"
        ]
        if not wanted or self.matcher.tmdb is None:
            return []
        results = await self.matcher.match_series(wanted, on_progress=on_progress)
        if any(o.state.is_confirmed() for _, o in results):
            await self._scan_if_there()
        return results

    async def set_match(self, series: SeriesRecord, match: TMDBMatch | int) -> MatchOutcome:
        """The user's TMDB match for a series (``manual``): stored, its catalogue brought."""
        chosen = TMDBMatch(match) if isinstance(match, int) else match
        if chosen.id <= 0:
            raise UsageError("A TMDB id is a positive number.")
        held = [
            (s.folder, s.tmdb_id)
            for s in await self._catalog.list_series()
            if s.id != series.id and s.confirmed_tmdb_id is not None
        ]
        outcome = MatchOutcome(MatchState.MANUAL, chosen, 1.0)
        ((_, stored),) = await self.matcher.apply([(series, outcome)], held)
        if stored.state.is_confirmed():
            await self._scan_if_there()
        return stored

    async def confirm_match(self, series: SeriesRecord) -> MatchOutcome:
        """Take TMDB's guess for a series that waits for review as its match."""
        if series.tmdb_id is None:
            raise UsageError(f"{series.title} has no TMDB match to confirm; choose one.")
        return await self.set_match(series, series.tmdb_id)

    async def _scan_if_there(self) -> None:
        try:
            await self.scan()
        except LibraryUnavailableError as exc:
            log.warning("the library was not scanned after matching: %s", exc)

    # ------------------------------------------------------------------ organizing (Organizer)

    async def plan_organize(self, series: SeriesRecord) -> OrganizePlan:
        """The renames that bring a series to the naming convention. Changes nothing."""
        return await self.organizer.plan_organize(series)

    async def organize(self, plan: OrganizePlan) -> int:
        """Carry out a plan from :meth:`plan_organize`; returns the number of files moved."""
        return await self.organizer.organize(plan)

    # ------------------------------------------------------------------ queueing

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

    # ------------------------------------------------------------------ managing series

    async def set_monitoring(self, series: SeriesRecord, monitoring: Monitoring) -> int:
        """Choose which episodes of a series are wanted, and apply it to its catalogue now
        (per-episode choices made before are replaced). Returns how many flags changed."""
        today = self._today()
        episodes = await self._catalog.episodes(series.id)
        flags = [
            (e.id, wanted)
            for e in episodes
            if (wanted := monitoring.wants(
                e.season, e.air_date, today, existing=True, has_source=e.has_source
            )) != e.monitored
        ]  # fmt: skip
        await self._catalog.update_series(series.id, monitoring=monitoring)
        await self._catalog.set_monitored(flags)
        log.info("%s: monitor %s (%d episode(s) changed)", series.title, monitoring, len(flags))
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))
        return len(flags)

    async def set_episodes_monitored(self, episode_ids: Sequence[int], monitored: bool) -> None:
        """Tick or untick episodes (a season's: all of its episodes' ids)."""
        episodes = await self._catalog.episodes_by_id(episode_ids)
        await self._catalog.set_monitored([(e.id, monitored) for e in episodes])
        if self._bus is not None:
            for series_id in sorted({e.series_id for e in episodes}):
                self._bus.publish(SeriesChanged(series_id))

    async def remove(self, series: SeriesRecord, *, delete_files: bool = False) -> RemoveResult:
        """Unfollow a series: its record, catalogue and queue entries go (active downloads
        cancelled first, their part files deleted); its files stay, and scans leave its folder
        alone from now on. With ``delete_files`` its folder goes to the trash where the
        system has one (else it is deleted), only ever inside the library folder.

        Events:
            SeriesRemoved: With what became of the files.
        """
        ids = [i.id for i in self._downloads.items() if i.key.series_id == series.id]
        cancelled = await self._downloads.remove(ids)
        await self._catalog.delete_series(series.id)
        folder = self.library_dir / series.folder
        if delete_files:
            files, message = await asyncio.to_thread(_discard_folder, self.library_dir, folder)
        else:
            await self._catalog.set_folders_ignored([series.folder])
            files, message = "kept", f"its files in {folder} were kept"
        sentence = f"{series.title} is no longer followed; {message}."
        if cancelled:
            sentence += f" {len(cancelled)} queue entr{'y was' if len(cancelled) == 1 else 'ies were'} removed."
        log.info("%s", sentence)
        if self._bus is not None:
            self._bus.publish(SeriesRemoved(series.id, series.title, sentence))
        return RemoveResult(series, len(cancelled), files, sentence)

    async def details(self, series: SeriesRecord) -> SeriesDetails:
        """The series with its counts and the artwork already in its folder (nothing is
        fetched): what the window's details pane shows."""
        counts = (await self._catalog.counts(self._today())).get(series.id, SeriesCounts())
        episodes = await self._catalog.episodes(series.id)
        pictures, thumbnails = await asyncio.to_thread(
            _artwork, self.library_dir, series.folder, episodes
        )
        tmdb = series.confirmed_tmdb_id
        return SeriesDetails(
            series,
            counts,
            thumbnails=thumbnails,
            tmdb_url=f"https://www.themoviedb.org/tv/{tmdb}" if tmdb is not None else "",
            **pictures,
        )

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

        Each folder of the library that no series holds (and that was not removed with its
        files kept) is followed as a series without a source, titled by its name; a file of
        such a series that its catalogue does not know gets a row of its own until TMDB says
        what the series holds. No network is asked.

        A library that is not there must not look like one whose files were all deleted:
        that would mark every episode missing and queue the whole library again. So nothing
        is changed, and LibraryUnavailableError says why, when the library folder is missing
        or unreadable, when it is another folder after the scan than before (a drive or share
        unmounted meanwhile), or when the scan finds no video at all while episodes are
        recorded on disk there (the empty mount point of a share that is not connected).
        Episodes whose files are under a folder that could not be read keep their files.

        The catalogue is read, and the files matched to it, on worker threads, so a library
        of 100,000 files does not hold the event loop (the window's).

        Raises:
            LibraryUnavailableError: As above; the database and the scan cache are unchanged.
        """
        # 100,000 files and episodes are a few hundred thousand objects without cycles, made
        # and dropped within the scan: the cyclic collector, run meanwhile, would walk them
        # all on the event loop's thread (a full collection stalled it for 250 ms).
        with collector_paused() as pause:
            summary = await self._scan()
            pause.freeze = self._cache_grew(summary.parsed)
            return summary

    def _cache_grew(self, parsed: int) -> bool:
        """Whether the scan cache gained many objects (read from its file, or many names
        read): kept for good, they are frozen out of the collector's reach
        (``gc.freeze``), as the queue's rows are at start-up, or every full collection
        would walk them again (240 ms each at 100,000 files, every 15 seconds of an import)."""
        loaded, self._cache_loaded = self._cache_loaded, False
        cache = self._scan_cache
        big = cache is not None and len(cache) >= FREEZE_AFTER
        return big and (loaded or parsed >= FREEZE_AFTER)

    async def _scan(self) -> ScanSummary:
        async with self._scan_lock:
            result, before, after = await self._walk()
            series_rows, known = await self._catalog.known_episodes()
            on_disk = await asyncio.to_thread(_count_on_disk, known)
            try:
                self._check_scan(result, before, after, on_disk)
                # A scan the checks trusted that found no video at all knows no better.
                self._seen_identity = (
                    after if result.files and not isinstance(after, OSError) else None
                )
            except LibraryUnavailableError:
                # The walk updated the cache in memory with what it saw (nothing); the next
                # scan starts again from the file, which still holds the library as it was.
                self._scan_cache = None
                raise
            cache, cache_file = self._scan_cache, self._scan_cache_file
            if cache is not None and cache_file is not None:
                try:
                    await asyncio.to_thread(cache.save, cache_file)
                except OSError as exc:  # only the next scan is slower
                    log.warning("The scan cache could not be saved: %s", exc)
            folders = await asyncio.to_thread(series_folders, result.files)
            followed = await self._follow_folders(folders, series_rows)
            series_rows += [(s.id, s.folder, False) for s in followed]
            plan = await asyncio.to_thread(_plan_scan, result, series_rows, known)
            await self._catalog.set_files(plan.changes)
            await self._catalog.add_found_episodes(plan.found)
            if followed:
                log.info("scan followed %d folder(s) of the library", len(followed))
            if self._bus is not None:
                for series in followed:
                    self._bus.publish(SeriesChanged(series.id))
            summary = ScanSummary(
                files=len(result.files),
                matched=len(result.files) - len(plan.unmatched),
                unmatched=plan.unmatched,
                parsed=result.parsed,
                cached=result.cached,
                errors=list(result.errors),
                followed=[s.folder for s in followed],
            )
            # Freeing 100,000 objects at once is a stall of its own: bit by bit, off the loop.
            await asyncio.to_thread(release, result.files, known, plan.changes, plan.found)
            return summary

    async def _walk(
        self,
    ) -> tuple[ScanResult, tuple[int, int] | OSError, tuple[int, int] | OSError]:
        """The scanner's walk of the library, with the folder's identity before and after
        (call with the scan lock held)."""
        root = self.library_dir
        cache_file = self._scan_cache_file
        cache = self._scan_cache
        if cache is None and cache_file is not None:
            cache = self._scan_cache = await asyncio.to_thread(ScanCache.load, cache_file)
            self._cache_loaded = True
        before = await asyncio.to_thread(_identity, root)
        result = await asyncio.to_thread(scan_library, root, cache)
        after = await asyncio.to_thread(_identity, root)
        return result, before, after

    async def _walk_locked(self) -> ScanResult:
        """The files of the library as the scanner sees them, recording nothing (proposals).

        Raises:
            LibraryUnavailableError: The library folder is missing, unreadable or changed.
        """
        with collector_paused() as pause:  # as in scan()
            async with self._scan_lock:
                result, before, after = await self._walk()
                self._check_scan(result, before, after, 0)
                pause.freeze = self._cache_grew(result.parsed)
                return result

    async def _follow_folders(
        self, folders: Sequence[str], series: Sequence[tuple[int, str, bool]]
    ) -> list[SeriesRecord]:
        """Follow the folders with videos that no series holds, as series without a source."""
        held = {folder.casefold() for _, folder, _ in series}
        ignored = {f.casefold() for f in await self._catalog.ignored_folders()}
        new = []
        for folder in folders:
            if folder.casefold() in held or folder.casefold() in ignored:
                continue
            name = parse_series_folder(folder)
            new.append(NewLocalSeries(name.title, folder, name.year))
        return await self._catalog.add_local_series(new)

    def _check_scan(
        self,
        result: ScanResult,
        before: tuple[int, int] | OSError,
        after: tuple[int, int] | OSError,
        on_disk: int,
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
        if not result.files and on_disk:
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


def series_folders(files: Sequence[ScannedFile]) -> list[str]:
    """The series folders the files are in, sorted (worker thread: 100,000 files long)."""
    return sorted({f.series_folder for f in files if f.series_folder})


def _count_on_disk(known: Sequence[KnownEpisode]) -> int:
    return sum(1 for e in known if e.file_path)


@dataclass(slots=True)
class _ScanPlan:
    """What a scan changes: files of episodes, new rows for files of series without a
    source, and the files that belong to no episode."""

    changes: list[tuple[int, str | None, int | None]]
    found: list[FoundEpisode]
    unmatched: list[ScannedFile]


def _plan_scan(
    result: ScanResult,
    series: Sequence[tuple[int, str, bool]],
    known: Sequence[KnownEpisode],
) -> _ScanPlan:
    """Match every file to the catalogue (worker thread: pure, but 100,000 files long)."""
    by_folder = {
        folder.casefold(): (series_id, has_source) for series_id, folder, has_source in series
    }
    episodes_by_series: dict[int, list[KnownEpisode]] = defaultdict(list)
    for episode in known:
        episodes_by_series[episode.series_id].append(episode)
    taken = {(e.series_id, e.season, e.number) for e in known}
    found: dict[int, tuple[str, int]] = {}
    new_rows: list[FoundEpisode] = []
    unmatched: list[ScannedFile] = []
    for file in result.files:
        owner = by_folder.get(file.series_folder.casefold())
        if owner is None or file.parsed is None:
            unmatched.append(file)
            continue
        series_id, has_source = owner
        ids = episodes_for(file.parsed, episodes_by_series[series_id])
        for episode_id in ids:
            found[episode_id] = (file.path, file.size)
        if ids:
            continue
        rows = [] if has_source else _found_rows(series_id, file, taken)
        if not rows:
            unmatched.append(file)
        new_rows.extend(rows)
    unread = tuple(result.failed)  # "Series/", "Series/Season 01/": unread, not gone
    changes: list[tuple[int, str | None, int | None]] = []
    for episode in known:
        now = found.get(episode.id)
        if now is None and episode.file_path is not None:
            if not episode.file_path.startswith(unread):
                changes.append((episode.id, None, None))
        elif now is not None and (episode.file_path, episode.file_size) != now:
            changes.append((episode.id, *now))
    return _ScanPlan(changes, new_rows, unmatched)


def _found_rows(
    series_id: int, file: ScannedFile, taken: set[tuple[int, int, int]]
) -> list[FoundEpisode]:
    """Rows for a file the catalogue of a series without a source does not know yet: by its
    season and number(s), else by its absolute number in season 1. A number already taken
    (two files of one episode) is left to the first."""
    parsed = file.parsed
    if parsed is None or parsed.recap is not None:
        return []  # a recap (12.5) is no episode of the catalogue
    if parsed.season is not None and parsed.episode is not None:
        last = parsed.episode_end or parsed.episode
        keys = [(parsed.season, n) for n in range(parsed.episode, last + 1)]
        absolute = parsed.absolute if last == parsed.episode else None
    elif parsed.absolute is not None:
        keys, absolute = [(1, parsed.absolute)], parsed.absolute
    else:
        return []
    if any((series_id, *key) in taken for key in keys):
        return []
    taken.update((series_id, *key) for key in keys)
    return [
        FoundEpisode(series_id, season, number, absolute, file.path, file.size)
        for season, number in keys
    ]


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


# Artwork a media server or we keep in a series folder, in the order looked for.
_ARTWORK = {
    "poster": ("poster.jpg", "poster.png", "folder.jpg", "cover.jpg"),
    "fanart": ("fanart.jpg", "fanart.png", "backdrop.jpg", "background.jpg"),
    "banner": ("banner.jpg", "banner.png"),
    "logo": ("logo.png", "clearlogo.png"),
}


def _artwork(
    root: Path, folder: str, episodes: Sequence[EpisodeRecord]
) -> tuple[dict[str, Path | None], dict[int, Path]]:
    """The series' pictures and its episodes' thumbnails that exist on disk (worker thread)."""
    base = root / folder
    pictures: dict[str, Path | None] = {}
    for kind, names in _ARTWORK.items():
        pictures[kind] = next((base / n for n in names if (base / n).is_file()), None)
    thumbnails = {}
    for episode in episodes:
        if episode.file_path:
            video = root / episode.file_path
            thumb = video.with_name(f"{video.stem}-thumb.jpg")
            if thumb.is_file():
                thumbnails[episode.id] = thumb
    return pictures, thumbnails


def _send_to_trash(path: Path) -> None:
    """The desktop's trash (freedesktop, Recycle Bin, macOS Trash); raises OSError without one."""
    from send2trash import send2trash
    from send2trash.exceptions import TrashPermissionError

    try:
        send2trash(str(path))
    except TrashPermissionError as exc:  # no trash on that volume that we may write
        raise OSError(str(exc)) from None


def _discard_folder(root: Path, folder: Path) -> tuple[str, str]:
    """Move a series folder to the trash, or delete it where there is none (worker thread).

    Only a folder strictly inside the library root, reached without a symbolic link, is
    touched. Returns what was done (``trashed``, ``deleted``, ``missing``, ``failed``) and a
    clause saying it.
    """
    try:
        real_root = root.resolve(strict=True)
    except OSError:
        return "failed", f"the library folder {root} is not there, so nothing was deleted"
    if folder.is_symlink():
        return "failed", f"{folder} is a link, so it was left as it is"
    if not folder.exists():
        return "missing", f"it had no folder in the library ({folder})"
    real = folder.resolve()
    if real == real_root or not real.is_relative_to(real_root) or not real.is_dir():
        return "failed", f"{folder} is not a folder inside the library, so it was left as it is"
    try:
        _send_to_trash(real)
        return "trashed", f"its folder {folder} was moved to the trash"
    except OSError as exc:
        log.info("no trash for %s (%s); deleting it", folder, exc)
    try:
        shutil.rmtree(real)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return "failed", f"its folder {folder} could not be deleted ({reason})"
    return "deleted", f"its folder {folder} was deleted (there is no trash here)"
