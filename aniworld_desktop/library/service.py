"""LibraryService: followed series, their catalogues, the files on disk, and what is missing.

It asks providers for catalogues (cheaply, with conditional GET), scans the library folder to
learn which episodes are on disk, and turns missing episodes into queue requests named by the
naming template. It knows nothing of Qt.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from stat import S_ISDIR
from urllib.parse import urlsplit

import aiohttp

from aniworld_desktop.core.errors import AniworldError, UsageError
from aniworld_desktop.core.events import DownloadFinished, EventBus, SeriesChanged
from aniworld_desktop.core.naming import (
    NamingTemplate,
    file_name_from_url,
    video_suffix,
)
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.tls import UNTRUSTED_HINT, changed_certificate
from aniworld_desktop.downloads.engine import DownloadRequest
from aniworld_desktop.downloads.service import AddResult, DownloadService
from aniworld_desktop.durable import write_failure_reason
from aniworld_desktop.library.matching import episodes_for
from aniworld_desktop.library.scanner import ScanCache, ScannedFile, ScanResult, scan_library
from aniworld_desktop.providers.base import (
    ALLOWED_SCHEMES,
    EpisodeInfo,
    EpisodeKind,
    Provider,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
    check_url,
)
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import (
    CatalogRepository,
    EpisodeRecord,
    NewEpisode,
    SeriesCounts,
    SeriesRecord,
)

log = logging.getLogger(__name__)

PROBE_BYTES = 64 * 1024  # enough of a response to tell a feed from a video


class LibraryUnavailableError(AniworldError):
    """The library folder cannot be used now; whatever was asked changed nothing.

    Missing, unreadable, gone during a scan (an unmounted drive or share, whose empty mount
    point looks like a library whose every file was deleted), or read-only when something must
    be written.

    Attributes:
        folder: The library folder.
    """

    def __init__(self, message: str, folder: Path) -> None:
        super().__init__(message)
        self.folder = folder


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


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """One series' refresh: ``changed`` is False for a 304; ``error`` is set when it failed."""

    series: SeriesRecord
    changed: bool = False
    episodes: int = 0
    error: str = ""


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


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """A series with its counts, as ``list`` prints it."""

    series: SeriesRecord
    counts: SeriesCounts


@dataclass(frozen=True, slots=True)
class EpisodeState:
    """An episode with its state in the user's words.

    ``state`` is one of: on disk, downloading, queued, paused, failed, missing, not released,
    trailer, bonus.
    """

    episode: EpisodeRecord
    state: str


@dataclass(frozen=True, slots=True)
class FileMove:
    """One file to rename, both paths relative to the library root."""

    source: str
    target: str


@dataclass(frozen=True, slots=True)
class OrganizePlan:
    """What ``organize()`` would do to one series, shown before it is done.

    Attributes:
        series: The series.
        folder: The folder the convention gives it.
        moves: Episode files and their side files (subtitles, NFO, thumbnails) to rename.
        skipped: Files left where they are, each with the reason.
    """

    series: SeriesRecord
    folder: str
    moves: list[FileMove]
    skipped: list[str]


@dataclass(frozen=True, slots=True)
class ImportProposal:
    """A sub-folder of the library that looks like a series, with what was recognised in it."""

    folder: str
    title: str
    year: int | None
    video_files: int
    recognised: int


class LibraryService:
    """Series, catalogues, files on disk and missing episodes.

    Attributes:
        library_dir: The library root; nothing is ever written outside it.
        naming: Where downloads go.
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
        self._registry = registry
        self._session = session
        self.library_dir = library_dir
        self.naming = naming or NamingTemplate()
        self._scan_cache_file = scan_cache_file
        self._today = today
        self._scan_lock = asyncio.Lock()
        self._scan_cache: ScanCache | None = None  # loaded once, kept between scans
        self._bus = bus
        if bus is not None:
            bus.subscribe(DownloadFinished, self._on_download_finished)
        self._pending_files: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ adding and refreshing

    async def add_url(self, url: str, provider_name: str | None = None) -> AddUrlResult:
        """Follow the series behind ``url`` or, for a media link, queue it."""
        provider = await self._choose_provider(url.strip(), provider_name)
        info = await provider.fetch(url.strip(), self._session)
        if info is None:  # only a conditional fetch may answer "not modified"
            raise ProviderError(f"{url} gave no content.")
        existing = {s.source_url: s for s in await self._catalog.list_series()}.get(info.source_url)
        folder = existing.folder if existing else self._folder_for(info.title, info.year)
        series = await self._catalog.ensure_series(
            info.title,
            provider.name,
            info.source_url,
            folder,
            year=info.year,
            description=info.description,
            poster_url=info.poster_url,
            fanart_url=info.fanart_url,
            # A pasted link is a one-off download: auto-download must not fetch it again.
            monitored=not info.queue_now,
        )
        records = await self._store_catalogue(series, info)
        await self._catalog.update_series(
            series.id,
            etag=info.validators.etag,
            last_modified=info.validators.last_modified,
            refreshed_at=_now(),
            refresh_error="",
        )
        queued = None
        if info.queue_now:
            queued = await self._downloads.add_to_queue(
                self.queue_request(series, record) for record in records
            )
        elif existing is None and await asyncio.to_thread((self.library_dir / folder).is_dir):
            # Following a series you already have: what is on disk must be known before
            # anything is called missing, or "Download Missing" would fetch it again.
            try:
                await self.scan()
            except LibraryUnavailableError as exc:
                log.warning("%s is followed, but its folder was not scanned: %s", series.title, exc)
        log.info("added %s from %s (%d episode(s))", series.title, provider.name, len(records))
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))
        return AddUrlResult(provider.name, series, records, queued)

    async def preview_url(
        self, url: str, provider_name: str | None = None
    ) -> tuple[str, SeriesInfo]:
        """What ``add_url`` would add: the provider's name and the series, stored nowhere."""
        provider = await self._choose_provider(url.strip(), provider_name)
        info = await provider.fetch(url.strip(), self._session)
        if info is None:
            raise ProviderError(f"{url} gave no content.")
        return provider.name, info

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

    async def set_monitored(self, series: SeriesRecord, monitored: bool) -> None:
        """Monitored series have their missing episodes downloaded automatically."""
        await self._catalog.update_series(series.id, monitored=monitored)
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))

    async def refresh(self, series: SeriesRecord) -> RefreshResult:
        """Ask the series' provider for its catalogue again, conditionally.

        A failure is stored with the series and returned, never raised, so one broken source
        does not stop the refresh of the others.
        """
        try:
            provider = self._registry.get(series.provider)
            if not getattr(provider, "refreshable", True):
                return RefreshResult(series, changed=False)
            validators = Validators(series.etag, series.last_modified)
            info = await provider.fetch(series.source_url, self._session, validators)
        except (AniworldError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            message = str(exc) or type(exc).__name__
            log.warning("refreshing %s failed: %s", series.title, message)
            await self._catalog.update_series(series.id, refresh_error=message)
            return RefreshResult(series, error=message)
        if info is None:
            await self._catalog.update_series(series.id, refreshed_at=_now(), refresh_error="")
            return RefreshResult(series, changed=False)
        records = await self._store_catalogue(series, info)
        await self._catalog.update_series(
            series.id,
            year=info.year if info.year is not None else series.year,
            description=info.description or series.description,
            poster_url=info.poster_url or series.poster_url,
            fanart_url=info.fanart_url or series.fanart_url,
            etag=info.validators.etag,
            last_modified=info.validators.last_modified,
            refreshed_at=_now(),
            refresh_error="",
        )
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))
        return RefreshResult(series, changed=True, episodes=len(records))

    async def refresh_monitored(self) -> list[RefreshResult]:
        """Refresh every monitored series; the failures are in the results."""
        return [await self.refresh(s) for s in await self._catalog.list_series(monitored_only=True)]

    async def _choose_provider(self, url: str, name: str | None) -> Provider:
        if name:
            return self._registry.get(name)
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ALLOWED_SCHEMES:
            # A provider's own reference (demo:...) or a scheme nobody may fetch (file:, ftp:).
            for provider in self._registry.providers():
                if provider.can_handle(url):
                    return provider
            check_url(url)  # raises the clear "only http and https" error
        check_url(url)
        if video_suffix(file_name_from_url(url), default=""):
            return self._registry.get("direct")  # a media file by its name: no need to ask
        content_type, head = await self._probe(url)
        for provider in self._registry.providers():
            if provider.recognises(content_type, head):
                return provider
        raise ProviderError(
            f"{url} is neither a feed nor a video (the server sent {content_type or 'no type'})."
        )

    async def _probe(self, url: str) -> tuple[str, bytes]:
        try:
            async with self._session.get(
                url, timeout=aiohttp.ClientTimeout(total=30), headers={"Range": "bytes=0-65535"}
            ) as response:
                if response.status >= 400:
                    raise ProviderError(f"{url} answered HTTP {response.status}.")
                head = await response.content.read(PROBE_BYTES)
                return response.headers.get("Content-Type", ""), head
        # aiohttp's own texts quote the request and the TLS internals: not for a person.
        except aiohttp.ClientConnectorCertificateError:
            raise ProviderError(
                f"The secure connection to {_host_of(url)} failed: its certificate is not "
                f"valid, so {url} was not read. {UNTRUSTED_HINT}"
            ) from None
        except aiohttp.ServerFingerprintMismatch as exc:
            raise ProviderError(
                f"{changed_certificate(f'{exc.host}:{exc.port}')} {url} was not read."
            ) from None
        except aiohttp.TooManyRedirects:
            raise ProviderError(f"{url} redirects too many times; it was not read.") from None
        except aiohttp.RedirectClientError:
            raise ProviderError(
                f"{url} redirects to an address that is not http or https; it was not followed."
            ) from None
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError):
            raise ProviderError(f"{url} is not an http or https address.") from None
        except aiohttp.ClientConnectorError as exc:
            reason = exc.os_error.strerror or "the connection failed"
            raise ProviderError(
                f"Could not connect to {_host_of(url)} for {url}: {reason.lower()}."
            ) from None
        except TimeoutError:
            raise ProviderError(f"The server of {url} did not answer in time.") from None
        except aiohttp.ClientError:
            raise ProviderError(f"Could not read {url}: the connection broke off.") from None

    async def _store_catalogue(self, series: SeriesRecord, info: SeriesInfo) -> list[EpisodeRecord]:
        """Store the catalogue; items without a number keep the one they got before.

        An unnumbered item is recognised by its guid (or URL) among the stored episodes, so a
        refresh never adds it again under a new number; a new one takes the next free number
        of its season. Unnumbered trailers and bonus items are kept with the specials.
        """
        stored = await self._catalog.episodes(series.id)
        known = {e.guid: (e.season, e.number) for e in stored if e.guid}
        known.update({e.url: (e.season, e.number) for e in stored if not e.guid})
        used = {(e.season, e.number) for e in stored}
        used.update((e.season, e.number) for e in info.episodes if e.number is not None)
        numbered: list[NewEpisode] = []
        for episode in info.episodes:
            season, number = episode.season, episode.number
            if number is None:
                previous = known.get(episode.guid or episode.url)
                if previous is not None:
                    season, number = previous
                else:
                    if episode.kind is not EpisodeKind.FULL:
                        season = 0
                    number = 1 + max((n for s, n in used if s == season), default=0)
                    used.add((season, number))
            numbered.append(_new_episode(episode, season, number))
        return await self._catalog.upsert_episodes(series.id, numbered)

    def _folder_for(self, title: str, year: int | None) -> str:
        """The template's folder, or an existing library folder of the same series.

        Existing folders match loosely (``harbor.lights``, ``Harbor_Lights (2024)``), so an
        imported library keeps its folder names.
        """
        wanted = self.naming.series_folder(title, year)
        try:
            existing = {_loose(e.name): e.name for e in os.scandir(self.library_dir) if e.is_dir()}
        except OSError:
            return wanted
        for candidate in (wanted, title, f"{title} ({year})" if year else title):
            if _loose(candidate) in existing:
                return existing[_loose(candidate)]
        return wanted

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
            if item.status.value == "failed" and item.key.series_id == series.id
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

    async def download_request(self, item: QueueItem, destination: Path) -> DownloadRequest:
        """Resolve a queue item's stored reference into a request (DownloadService's resolver)."""
        resolved = await self._resolve(item.url)
        return DownloadRequest(
            url=resolved.url,
            destination=destination,
            headers=dict(resolved.headers),
            expected_size=resolved.expected_size or item.bytes_total,
        )

    async def resolve_reference(self, url: str) -> str:
        """An http(s) URL for a stored reference (``demo:.../poster.jpg``); URLs pass through."""
        return (await self._resolve(url)).url

    async def _resolve(self, url: str) -> ResolvedDownload:
        """Where a stored reference's bytes are now: an http(s) URL as it is, a provider's own
        reference (``demo:...``) through that provider."""
        if url.split(":", 1)[0].lower() in ALLOWED_SCHEMES:
            return ResolvedDownload(url)
        for provider in self._registry.providers():
            if provider.can_handle(url):
                return await provider.resolve(url, self._session)
        raise ProviderError(f"No provider can fetch {url}.")

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

    async def propose_import(self) -> list[ImportProposal]:
        """Sub-folders of the library that are not followed yet, as series proposals."""
        result = await asyncio.to_thread(scan_library, self.library_dir, None)
        if "" in result.failed:
            raise LibraryUnavailableError(result.errors[0], self.library_dir)
        followed = {s.folder.casefold() for s in await self._catalog.list_series()}
        folders: dict[str, list[ScannedFile]] = defaultdict(list)
        for file in result.files:
            if file.series_folder and file.series_folder.casefold() not in followed:
                folders[file.series_folder].append(file)
        proposals = []
        for folder, files in sorted(folders.items()):
            title, year = _title_and_year(folder)
            recognised = sum(1 for f in files if f.parsed is not None)
            proposals.append(ImportProposal(folder, title, year, len(files), recognised))
        return proposals

    async def plan_organize(self, series: SeriesRecord) -> OrganizePlan:
        """The renames that bring a series to the naming convention. Changes nothing.

        Each episode file moves to its template path; files next to it that share its name
        (``.srt``, ``.nfo``, ``-thumb.jpg``...) move with it. A file holding several episodes, a
        target that already exists, or anything that would leave the library is skipped.
        """
        folder = self.naming.series_folder(series.title, series.year)
        episodes = [e for e in await self._catalog.episodes(series.id) if e.file_path]
        by_file: dict[str, list[EpisodeRecord]] = defaultdict(list)
        for episode in episodes:
            by_file[episode.file_path or ""].append(episode)
        moves: list[FileMove] = []
        skipped: list[str] = []
        root = self.library_dir.resolve()
        targets: set[str] = set()
        for source, held in sorted(by_file.items()):
            if len(held) > 1:
                skipped.append(f"{source}: holds {len(held)} episodes; left as it is")
                continue
            episode = held[0]
            target = self.naming.render(
                series=series.title,
                year=series.year,
                season=episode.season,
                episode=episode.number,
                title=episode.title,
                absolute=episode.absolute,
                suffix=Path(source).suffix.lower(),
                folder=folder,
            )
            if target == source:
                continue
            if not (root / target).resolve().is_relative_to(root):
                skipped.append(f"{source}: its new name would leave the library")
                continue
            if (self.library_dir / target).exists() or target in targets:
                skipped.append(f"{source}: {target} already exists")
                continue
            targets.add(target)
            moves.append(FileMove(source, target))
            moves.extend(_side_files(self.library_dir, source, target))
        return OrganizePlan(series, folder, moves, skipped)

    async def organize(self, plan: OrganizePlan) -> int:
        """Carry out a plan from :meth:`plan_organize`; returns the number of files moved.

        Refused while the series has anything in the queue: a download would land under the
        old name. Nothing is overwritten; a file that vanished since the plan is skipped.
        """
        series = plan.series
        if any(
            item.key.series_id == series.id and item.status.is_active()
            for item in self._downloads.items()
        ):
            raise UsageError(
                f"{series.title} has downloads in the queue; organize it when they are done."
            )
        moved = 0
        old_folders: set[Path] = set()
        failure: str | None = None
        for move in plan.moves:
            source, target = self.library_dir / move.source, self.library_dir / move.target
            if not source.exists() or target.exists():
                continue
            try:
                await asyncio.to_thread(_rename, source, target)
            except OSError as exc:
                # Stop at the first refusal (a read-only drive refuses them all); what was
                # moved before it is still recorded below.
                failure = f"Cannot rename {move.source}: {write_failure_reason(exc)}"
                break
            old_folders.add(source.parent)
            moved += 1
        files = {m.source: m.target for m in plan.moves}
        await self._catalog.set_files(
            [
                (e.id, files[e.file_path], e.file_size)
                for e in await self._catalog.episodes(series.id)
                if e.file_path in files and (self.library_dir / files[e.file_path]).exists()
            ]
        )
        if failure is not None:
            log.warning("organizing %s stopped: %s", series.title, failure)
            raise LibraryUnavailableError(
                f"{failure} (in the library folder {self.library_dir}). "
                f"{moved} of {len(plan.moves)} file(s) were renamed before that; the rest "
                "are where they were.",
                self.library_dir,
            )
        await self._catalog.update_series(series.id, folder=plan.folder)
        await asyncio.to_thread(_remove_empty_folders, old_folders, self.library_dir)
        log.info("organized %s: %d file(s) renamed", series.title, moved)
        return moved

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
    suffix = video_suffix(file_name_from_url(episode.url))
    destination = (naming or NamingTemplate()).render(
        series=series.title,
        year=series.year,
        season=episode.season,
        episode=episode.number,
        title=episode.title,
        absolute=episode.absolute,
        suffix=suffix,
        folder=series.folder,
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


def _new_episode(episode: EpisodeInfo, season: int, number: int) -> NewEpisode:
    return NewEpisode(
        season=season,
        number=number,
        title=episode.title,
        url=episode.url,
        size=episode.size,
        absolute=episode.absolute,
        air_date=episode.air_date,
        kind=episode.kind.value,
        guid=episode.guid,
        description=episode.description,
        image_url=episode.image_url,
    )


def _state(episode: EpisodeRecord, queue: dict[int, str], failed: set[int], today: date) -> str:
    if episode.kind != EpisodeKind.FULL.value:
        return episode.kind
    if episode.file_path is not None:
        return "on disk"
    status = queue.get(episode.id)
    if status is not None:
        return {"pending": "queued"}.get(status, status)
    if episode.id in failed:
        return "failed"
    if not episode.released(today):
        return "not released"
    return "missing"


def _side_files(root: Path, source: str, target: str) -> list[FileMove]:
    """Subtitles, NFO files and thumbnails named after ``source``, renamed along with it."""
    source_path = root / source
    stem, new_stem = Path(source).stem, Path(target).stem
    moves = []
    try:
        entries = list(os.scandir(source_path.parent))
    except OSError:
        return []
    for entry in entries:
        if entry.name == source_path.name or not entry.name.startswith(stem):
            continue
        rest = entry.name[len(stem) :]
        if rest.startswith((".", "-")) and entry.is_file():
            new_name = new_stem + rest
            moves.append(
                FileMove(
                    f"{Path(source).parent.as_posix()}/{entry.name}",
                    f"{Path(target).parent.as_posix()}/{new_name}",
                )
            )
    return moves


def _rename(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # checked again here: never overwrite
        return
    os.rename(source, target)


def _remove_empty_folders(folders: set[Path], root: Path) -> None:
    """Remove folders left empty by a move, up to (never including) the library root."""
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        current = folder
        while current != root and current.is_relative_to(root):
            try:
                current.rmdir()  # fails, as it should, when anything is left inside
            except OSError:
                break
            current = current.parent


def _loose(name: str) -> str:
    """A folder name reduced to letters and digits, for matching ``harbor.lights`` to a title."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _title_and_year(folder: str) -> tuple[str, int | None]:
    """``Harbor Lights (2024)`` -> ("Harbor Lights", 2024)."""
    match = re.fullmatch(r"(.*?)\s*[\(\[](\d{4})[\)\]]\s*", folder)
    if match:
        return match.group(1).strip(), int(match.group(2))
    return folder.strip(), None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _identity(folder: Path) -> tuple[int, int] | OSError:
    """The folder's device and inode (another folder, or a mount, has others), or the error."""
    try:
        stat = os.stat(folder)
    except OSError as exc:
        return exc
    if not S_ISDIR(stat.st_mode):
        return NotADirectoryError(errno.ENOTDIR, "not a folder", str(folder))
    return stat.st_dev, stat.st_ino


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


def _host_of(url: str) -> str:
    """The host of ``url`` for a message, or the URL itself when it has none."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url
