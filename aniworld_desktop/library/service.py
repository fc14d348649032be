"""LibraryService: the followed series, the files on disk, and what is missing, in one place.

The work is done by its parts, one responsibility each: where a series comes from is
:mod:`~aniworld_desktop.library.following`'s; the scan of the library folder is
:mod:`~aniworld_desktop.library.scanning`'s; each episode's state and queueing what is missing is
:mod:`~aniworld_desktop.library.wanted`'s; monitoring, removing and details are
:mod:`~aniworld_desktop.library.managing`'s; import proposals :mod:`~aniworld_desktop.library.importing`'s
and TMDB matches :mod:`~aniworld_desktop.library.tmdb_matching`'s; bringing files into shape
:mod:`~aniworld_desktop.library.organize`'s. This service holds one of each and answers for them
too, so its callers (the window, the CLI, the scheduler) ask one object. No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import aiohttp

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import DownloadFinished, Event, EventBus, LibraryFolderChanged
from aniworld_desktop.core.models import (
    EpisodeRecord,
    EpisodeState,
    MatchState,
    Monitoring,
    SeriesCounts,
    SeriesDetails,
    SeriesRecord,
    SeriesSummary,
)
from aniworld_desktop.core.naming import NamingTemplate
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.downloads.engine import DownloadRequest
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.following import (
    AddLinksResult,
    AddUrlResult,
    RefreshResult,
    SourceService,
)
from aniworld_desktop.library.importing import Importer, ImportProposal, ImportResult
from aniworld_desktop.library.managing import RemoveResult, SeriesManager
from aniworld_desktop.library.organize import OrganizePlan, Organizer
from aniworld_desktop.library.scanning import LibraryScanner, ScanSummary
from aniworld_desktop.library.tmdb_matching import (
    MatchOutcome,
    MatchProgress,
    SeriesMatcher,
    TMDBMatch,
    TMDBSource,
)
from aniworld_desktop.library.wanted import WantedEpisodes, queue_request
from aniworld_desktop.providers.base import SeriesInfo
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository

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


class LibraryService:
    """Series, files on disk and missing episodes, through its parts.

    Attributes:
        library_dir: The library root; nothing is ever written outside it.
        naming: Where downloads go.
        sources: Following series from their providers (:class:`SourceService`).
        scanner: The library folder's scan and its checks (:class:`LibraryScanner`).
        wanted: Episode states, missing episodes and queueing (:class:`WantedEpisodes`).
        manager: Monitoring, removal and details of series (:class:`SeriesManager`).
        organizer: Renames to the naming convention (:class:`Organizer`).
        matcher: TMDB matches (:class:`SeriesMatcher`).
        importer: Import proposals (:class:`Importer`).
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
        self._today = today
        self._bus = bus
        self.scanner = LibraryScanner(
            catalog, library_dir=library_dir, scan_cache_file=scan_cache_file, bus=bus
        )
        # Every download asks first whether the library is there (an unplugged share is not).
        downloads.library_check = self.scanner.check_present
        if bus is not None:
            bus.subscribe(DownloadFinished, self._on_download_finished)
        self._pending_files: set[asyncio.Task[None]] = set()
        self._early_list: asyncio.Future[list[SeriesSummary]] | None = None
        self._events_since_early = 0
        self.wanted = WantedEpisodes(
            catalog, downloads, library_dir=library_dir, naming=self.naming, today=today
        )
        self.manager = SeriesManager(
            catalog, downloads, library_dir=library_dir, bus=bus, today=today
        )
        self.sources = SourceService(
            catalog,
            registry,
            session,
            library_dir=library_dir,
            naming=self.naming,
            queue=self.wanted.queue_records,
            scan=self.scan,
            bus=bus,
        )
        self.organizer = Organizer(catalog, downloads, library_dir=library_dir, naming=self.naming)
        self.matcher = SeriesMatcher(catalog, library_dir=library_dir, today=today, bus=bus)
        self.sources.matcher = self.matcher
        self.importer = Importer(catalog, self.matcher, walk=self.scanner.walk, scan=self.scan)

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
        for part in (self.sources, self.organizer, self.matcher, self.wanted, self.manager):
            part.library_dir = library_dir
        self.scanner.use_folder(library_dir)
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

    # ------------------------------------------------------------------ queueing (WantedEpisodes)

    async def queue_episodes(self, episode_ids: Sequence[int]) -> AddResult:
        """Queue these episodes (dropped on the queue, say), whatever their state; the queue
        refuses the ones already there, and an episode without a source (TMDB's, of a series
        without a feed) has nothing to download: it is left out."""
        return await self.wanted.queue_episodes(episode_ids)

    async def episode_states(self, series: SeriesRecord) -> list[EpisodeState]:
        """Each episode of the series with its state."""
        return await self.wanted.episode_states(series)

    async def missing(self, series_id: int | None = None) -> list[QueueRequest]:
        """Queue requests for the missing episodes (one series, or all)."""
        return await self.wanted.missing(series_id)

    async def queue_missing(
        self, series_id: int | None = None, *, monitored_only: bool = True
    ) -> AddResult:
        """Queue what is missing: for one series, or for every (monitored) series.

        Raises:
            LibraryUnavailableError: The library folder is read-only (nothing is queued).
        """
        return await self.wanted.queue_missing(series_id, monitored_only=monitored_only)

    def queue_request(self, series: SeriesRecord, episode: EpisodeRecord) -> QueueRequest:
        """The queue entry for an episode, with its library path from the naming template."""
        return self.wanted.queue_request(series, episode)

    # ------------------------------------------------------------------ managing (SeriesManager)

    async def set_monitored(self, series: SeriesRecord, monitored: bool) -> None:
        """Monitored series have their missing episodes downloaded automatically."""
        await self.manager.set_monitored(series, monitored)

    async def set_monitoring(self, series: SeriesRecord, monitoring: Monitoring) -> int:
        """Choose which episodes of a series are wanted, and apply it to its catalogue now
        (per-episode choices made before are replaced). Returns how many flags changed."""
        return await self.manager.set_monitoring(series, monitoring)

    async def set_episodes_monitored(self, episode_ids: Sequence[int], monitored: bool) -> None:
        """Tick or untick episodes (a season's: all of its episodes' ids)."""
        await self.manager.set_episodes_monitored(episode_ids, monitored)

    async def remove(self, series: SeriesRecord, *, delete_files: bool = False) -> RemoveResult:
        """Unfollow a series; with ``delete_files`` its folder goes to the trash (see
        :meth:`SeriesManager.remove`)."""
        return await self.manager.remove(series, delete_files=delete_files)

    async def details(self, series: SeriesRecord) -> SeriesDetails:
        """The series with its counts and the artwork already in its folder."""
        return await self.manager.details(series)

    # ------------------------------------------------------------------ listing

    async def list_series(self) -> list[SeriesSummary]:
        """Every series with its counts (the first call may take :meth:`read_series_early`'s)."""
        early, self._early_list = self._early_list, None
        if early is not None:
            self._stop_counting_events()
            summaries = await _answer_of(early)
            if summaries is not None and not self._events_since_early:
                return summaries
            # Something was announced meanwhile (a series added, an episode queued): the
            # answer may be older than the change, so it is read again.
        return await self._read_series()

    async def _read_series(self) -> list[SeriesSummary]:
        counts = await self._catalog.counts(self._today())
        return [
            SeriesSummary(series, counts.get(series.id, SeriesCounts()))
            for series in await self._catalog.list_series()
        ]

    def read_series_early(self) -> None:
        """Start reading :meth:`list_series` now, for its next caller.

        The window's opening asks for the list once the queue is in its table; started while
        the download service reads the queue, the counts query (SQLite's work, in its own
        thread) is done by then. The answer is used only if nothing was announced on the bus
        in between (every change of the services is); otherwise the list is read again. Needs
        a bus, and a running loop; :meth:`drop_early_read` ends it unused.
        """
        if self._bus is None or self._early_list is not None:
            return
        self._events_since_early = 0
        self._bus.subscribe(Event, self._count_event)
        self._early_list = asyncio.ensure_future(self._read_series())

    async def drop_early_read(self) -> None:
        """End an early read nobody took (at shutdown)."""
        early, self._early_list = self._early_list, None
        if early is not None:
            self._stop_counting_events()
            early.cancel()
            await asyncio.gather(early, return_exceptions=True)

    def _count_event(self, _event: Event) -> None:
        self._events_since_early += 1

    def _stop_counting_events(self) -> None:
        if self._bus is not None:
            self._bus.unsubscribe(Event, self._count_event)

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

    # ------------------------------------------------------------------ the files on disk (scanner)

    async def scan(self) -> ScanSummary:
        """Walk the library and record which episodes are on disk (renames nothing); see
        :meth:`LibraryScanner.scan`.

        Raises:
            LibraryUnavailableError: The library is not there (missing, unreadable, changed
                meanwhile, or empty where episodes were on disk); nothing was changed.
        """
        return await self.scanner.scan()

    async def check_present(self) -> None:
        """Raise LibraryUnavailableError when a download must not write into the library now."""
        await self.scanner.check_present()

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


async def _answer_of(
    early: asyncio.Future[list[SeriesSummary]],
) -> list[SeriesSummary] | None:
    """An early read's list; None when it failed (the caller reads again and sees the error)."""
    try:
        return await early
    except Exception as exc:
        log.debug("the early read of the series failed: %s", exc)
        return None
