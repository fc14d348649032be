"""Metadata jobs: NFO files and artwork for Kodi and Jellyfin, from TMDB or from the provider.

Each job opens its own :class:`NFOService`, which owns one ``TMDBClient`` and one
``ImageDownloader`` sharing one aiohttp session, and closes all three when the job ends, whatever
happens. All jobs share one rate limiter (TMDB counts requests per address) and the reply cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

import aiohttp

from aniworld_desktop.config import ARTWORK_KINDS, TMDB_API_URL
from aniworld_desktop.core.errors import AniworldError, UsageError
from aniworld_desktop.core.events import (
    DownloadFinished,
    EventBus,
    MetadataJobFailed,
    MetadataJobFinished,
    MetadataJobStarted,
    SeriesChanged,
)
from aniworld_desktop.core.models import (
    EpisodeKind,
    EpisodeRecord,
    MatchState,
    MetadataState,
    SeriesRecord,
)
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.secret import Secret
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.durable import write_failure_reason
from aniworld_desktop.metadata.errors import ImageError, MetadataError, TMDBNotFound
from aniworld_desktop.metadata.images import ImageDownloader
from aniworld_desktop.metadata.nfo import (
    Actor,
    EpisodeInfo,
    Rating,
    SeasonInfo,
    ShowInfo,
    episode_xml,
    missing_tvshow_tags,
    season_xml,
    tvshow_xml,
    write_nfo,
)
from aniworld_desktop.metadata.ratelimit import RateLimiter, default_limiter
from aniworld_desktop.metadata.tmdb import TMDBClient
from aniworld_desktop.metadata.tmdb_replies import (
    ImageConfiguration,
    SeasonDetails,
    TVDetails,
    TVSearchResult,
)
from aniworld_desktop.metadata.tmdb_scoring import scored_match
from aniworld_desktop.net.errors import sentence
from aniworld_desktop.net.session import (
    NO_TRUSTED_HOSTS,
    OwnedSession,
    TrustedHosts,
    client_session,
)
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.reply_cache import ReplyCache

log = logging.getLogger(__name__)

Resolve = Callable[[str], Awaitable[str]]
"""Turns an image reference of a provider (``demo:.../poster.jpg``) into an http(s) URL."""

SCHEDULE_DELAY = 5.0  # seconds a scheduled job waits, so a burst of downloads makes one job
# A match found by a search is used when it is at least this sure (scored_match's confidence);
# below it the series waits for the user to confirm TMDB's guess.
DEFAULT_MATCH_THRESHOLD = 0.85
CLEARLOGO = "clearlogo.png"  # the name Kodi and Jellyfin read a series' logo from
OLD_LOGO = "logo.png"  # what earlier versions wrote; Kodi never reads it


@dataclass(frozen=True, slots=True)
class MetadataOptions:
    """What to write and where from.

    Attributes:
        token: TMDB token or key; empty: describe from the provider's data only.
        api_url: TMDB API base URL.
        language: Language of titles and plots.
        artwork_size: w500, w780 or original.
        artwork: Which images to write (poster, fanart, logo, season, thumb).
        trusted_hosts: Self-signed hosts the user trusts (artwork on a NAS of theirs).
    """

    token: str = ""
    api_url: str = TMDB_API_URL
    language: str = "en-US"
    artwork_size: str = "w500"
    artwork: frozenset[str] = frozenset(ARTWORK_KINDS)
    trusted_hosts: TrustedHosts = NO_TRUSTED_HOSTS
    match_threshold: float = DEFAULT_MATCH_THRESHOLD


@dataclass(slots=True)
class DescribeResult:
    """What one job wrote; ``match`` is set when the job searched TMDB for the series."""

    source: str
    tmdb_id: int | None = None
    written: int = 0
    warnings: list[str] = field(default_factory=list)
    match: MatchFound | None = None


@dataclass(frozen=True, slots=True)
class MatchFound:
    """A search's answer for a series that had no TMDB id: the id, how sure, and the state."""

    tmdb_id: int | None
    confidence: float | None
    state: MatchState
    note: str = ""


class NFOService(OwnedSession):
    """One metadata job's clients: a TMDBClient and an ImageDownloader on one shared session.

    Use as ``async with NFOService(options, ...) as nfo: await nfo.describe(...)``. Without a
    token it writes what the provider gave (title, description, images). A session it is given
    is borrowed; without one it makes its own on entering and closes it on leaving.

    Attributes:
        tmdb: The TMDB client, or None without a token.
        images: The image downloader.
    """

    def __init__(
        self,
        options: MetadataOptions,
        *,
        limiter: RateLimiter | None = None,
        cache: ReplyCache | None = None,
        resolve: Resolve | None = None,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        super().__init__(session)
        self.options = options
        self._limiter = limiter
        self._cache = cache
        self._resolve = resolve
        self._stack: contextlib.AsyncExitStack | None = None
        self.tmdb: TMDBClient | None = None
        self.images: ImageDownloader | None = None

    def _new_session(self) -> aiohttp.ClientSession:
        """Our own session, when none was lent: the trusted hosts, a minute per request."""
        return client_session(self.options.trusted_hosts, timeout=aiohttp.ClientTimeout(total=60))

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        session = self.session
        assert session is not None  # borrowed, or made just now
        stack = contextlib.AsyncExitStack()
        try:
            if self.options.token:
                self.tmdb = await stack.enter_async_context(
                    TMDBClient(
                        self.options.token,
                        api_url=self.options.api_url,
                        language=self.options.language,
                        session=session,
                        limiter=self._limiter,
                        cache=self._cache,
                    )
                )
            self.images = await stack.enter_async_context(ImageDownloader(session=session))
        except BaseException:
            try:
                await stack.aclose()
            finally:
                await self.close()
            raise
        self._stack = stack
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        self.tmdb = self.images = None
        try:
            if stack is not None:
                await stack.aclose()
        finally:
            await self.close()  # our own session, after the clients that used it

    async def describe(
        self, series: SeriesRecord, episodes: Sequence[EpisodeRecord], library_dir: Path
    ) -> DescribeResult:
        """Write the series' NFO files and artwork into its folder under ``library_dir``."""
        if self.images is None:
            raise RuntimeError("use NFOService inside 'async with'")
        folder = library_dir / series.folder
        on_disk = [e for e in episodes if e.file_path]
        if not await asyncio.to_thread(_prepare_folder, library_dir, folder, bool(on_disk)):
            return DescribeResult("none", series.tmdb_id, 0, ["nothing on disk yet"])
        premiere = first_episode_date(series, episodes)
        if self.tmdb is not None:
            return await self._from_tmdb(self.tmdb, series, on_disk, library_dir, folder, premiere)
        return await self._from_provider(series, on_disk, library_dir, folder, premiere)

    # ------------------------------------------------------------------ TMDB

    async def _from_tmdb(
        self,
        tmdb: TMDBClient,
        series: SeriesRecord,
        episodes: Sequence[EpisodeRecord],
        library_dir: Path,
        folder: Path,
        premiere: date | None = None,
    ) -> DescribeResult:
        result = DescribeResult("tmdb")
        tmdb_id = series.confirmed_tmdb_id
        if tmdb_id is None and series.is_local:
            # A folder of the library is matched by the library (import, the run's matching),
            # which tells the user how sure it is; until then nothing is written into it.
            return DescribeResult("none", None, 0, ["not matched to TMDB yet"])
        if tmdb_id is None and series.match_state is MatchState.NEEDS_REVIEW:
            result.warnings.append(
                f"the TMDB match of '{series.title}' waits for your review; used the source's data"
            )
        elif tmdb_id is None:
            scored = scored_match(
                await tmdb.search_tv(series.title, series.year), series.title, series.year
            )
            if scored is None:
                result.match = MatchFound(
                    None, None, MatchState.UNMATCHED, f"TMDB knows no series '{series.title}'."
                )
                result.warnings.append(
                    f"TMDB knows no series '{series.title}'; used the source's data"
                )
            elif scored.confidence < self.options.match_threshold:
                found = scored.result
                result.match = MatchFound(
                    found.id,
                    scored.confidence,
                    MatchState.NEEDS_REVIEW,
                    f"TMDB's best guess is '{found.name}'"
                    + (f" ({found.year})" if found.year else "")
                    + f", {scored.confidence:.0%} sure: confirm it or choose another.",
                )
                result.warnings.append(
                    f"TMDB's match for '{series.title}' is not sure enough; used the source's data"
                )
            else:
                tmdb_id = scored.result.id
                result.match = MatchFound(tmdb_id, scored.confidence, MatchState.MATCHED)
        if tmdb_id is None:
            provider = await self._from_provider(series, episodes, library_dir, folder, premiere)
            provider.warnings[:0] = result.warnings
            provider.match = result.match
            return provider
        result.tmdb_id = tmdb_id
        details = await tmdb.tv_details(tmdb_id)
        config = await tmdb.configuration()
        result.written += await _write(
            folder / "tvshow.nfo", tvshow_xml(_show_info(details, config, series))
        )
        kinds, size = self.options.artwork, self.options.artwork_size
        pictures: list[tuple[str, Path]] = []
        if "poster" in kinds and details.poster_path:
            pictures.append(
                (
                    config.url(details.poster_path, _size(config.poster_sizes, size)),
                    folder / "poster.jpg",
                )
            )
        if "fanart" in kinds and details.backdrop_path:
            pictures.append(
                (
                    config.url(
                        details.backdrop_path,
                        _size(config.backdrop_sizes, "w1280" if size != "original" else size),
                    ),
                    folder / "fanart.jpg",
                )
            )
        if "logo" in kinds and details.logo_path:
            pictures.append(
                (
                    config.url(details.logo_path, _size(config.logo_sizes, size)),
                    folder / CLEARLOGO,
                )
            )
        if "season" in kinds:
            for summary in details.seasons:
                if summary.poster_path:
                    name = (
                        "season-specials-poster.jpg"
                        if summary.season_number == 0
                        else f"season{summary.season_number:02d}-poster.jpg"
                    )
                    pictures.append(
                        (
                            config.url(summary.poster_path, _size(config.poster_sizes, size)),
                            folder / name,
                        )
                    )

        by_season: dict[int, list[EpisodeRecord]] = {}
        for episode in episodes:
            by_season.setdefault(episode.season, []).append(episode)
        for number, held in sorted(by_season.items()):
            try:
                season = await tmdb.season(tmdb_id, number)
            except TMDBNotFound:
                result.warnings.append(f"TMDB has no season {number}")
                season = SeasonDetails(tmdb_id, number)
            season_folder = _season_folder(library_dir, held)
            if season_folder is not None and season_folder != folder:
                result.written += await _write(
                    season_folder / "season.nfo",
                    season_xml(SeasonInfo(number, season.name, season.overview, season.air_date)),
                )
            known = {e.episode_number: e for e in season.episodes}
            for episode in held:
                detail = known.get(episode.number)
                file = library_dir / (episode.file_path or "")
                info = EpisodeInfo(
                    title=(detail.name if detail and detail.name else episode.title) or file.stem,
                    season=episode.season,
                    episode=episode.number,
                    aired=(detail.air_date if detail else None) or episode.air_date,
                    plot=(detail.overview if detail else "") or episode.description,
                    unique_ids={"tmdb": str(detail.id)} if detail and detail.id else {},
                    ratings=[Rating("themoviedb", detail.vote_average, detail.vote_count, True)]
                    if detail and detail.vote_count
                    else [],
                    runtime=detail.runtime if detail else None,
                )
                result.written += await _write(file.with_suffix(".nfo"), episode_xml(info))
                if "thumb" in kinds and detail and detail.still_path:
                    pictures.append(
                        (
                            config.url(detail.still_path, _size(config.still_sizes, size)),
                            file.with_name(f"{file.stem}-thumb.jpg"),
                        )
                    )
        result.written += await self._download_all(pictures, result)
        await asyncio.to_thread(_retire_old_logo, folder)
        return result

    # ------------------------------------------------------------------ provider only

    async def _from_provider(
        self,
        series: SeriesRecord,
        episodes: Sequence[EpisodeRecord],
        library_dir: Path,
        folder: Path,
        premiere: date | None = None,
    ) -> DescribeResult:
        result = DescribeResult("provider", series.tmdb_id)
        show = ShowInfo(
            title=series.title, year=series.year, plot=series.description, premiered=premiere
        )
        result.written += await _write(folder / "tvshow.nfo", tvshow_xml(show))
        kinds = self.options.artwork
        pictures: list[tuple[str, Path]] = []
        if "poster" in kinds and series.poster_url:
            pictures.append((series.poster_url, folder / "poster.jpg"))
        if "fanart" in kinds and series.fanart_url:
            pictures.append((series.fanart_url, folder / "fanart.jpg"))
        for episode in episodes:
            file = library_dir / (episode.file_path or "")
            info = EpisodeInfo(
                title=episode.title or file.stem,
                season=episode.season,
                episode=episode.number,
                aired=episode.air_date,
                plot=episode.description,
            )
            result.written += await _write(file.with_suffix(".nfo"), episode_xml(info))
            if "thumb" in kinds and episode.image_url:
                pictures.append((episode.image_url, file.with_name(f"{file.stem}-thumb.jpg")))
        result.written += await self._download_all(pictures, result)
        return result

    async def _download_all(self, pictures: list[tuple[str, Path]], result: DescribeResult) -> int:
        assert self.images is not None
        written = 0
        for url, destination in pictures:
            try:
                if self._resolve is not None:
                    url = await self._resolve(url)
                if await self.images.download(url, destination):
                    written += 1
            except (ImageError, AniworldError) as exc:
                # A missing picture is worth a warning, not a failed job.
                result.warnings.append(f"{destination.name}: {exc}")
        return written


class MetadataService:
    """Runs metadata jobs with bounded concurrency and reports them as events.

    Events:
        MetadataJobStarted, MetadataJobFinished, MetadataJobFailed.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        bus: EventBus,
        library_dir: Path,
        options: MetadataOptions,
        *,
        cache: ReplyCache | None = None,
        resolve: Resolve | None = None,
        limiter: RateLimiter | None = None,
        concurrency: int = 4,
        token_source: Callable[[], Awaitable[Secret]] | None = None,
    ) -> None:
        """``token_source``, when given, is asked for ``options.token`` when a job first needs
        it: a keyring can take a while to answer (and to import), and a starting window need
        not wait for it."""
        self._catalog = catalog
        self._token_source = token_source
        self._token_lookup: asyncio.Future[Secret] | None = None
        self._bus = bus
        self.library_dir = library_dir
        self.options = options
        self._cache = cache
        self._resolve = resolve
        self._limiter = limiter or default_limiter()
        self._slots = asyncio.Semaphore(concurrency)
        self._scheduled: dict[int, asyncio.Task[None]] = {}  # waiting out their delay
        self._tasks: set[asyncio.Future[None]] = set()  # every scheduled job, waiting or running
        self._running_jobs: weakref.WeakKeyDictionary[asyncio.Future[None], bool] = (
            weakref.WeakKeyDictionary()
        )
        self.debounce = SCHEDULE_DELAY

    def follow(self) -> None:
        """Describe series by themselves: after they are added or refreshed, after downloads.

        The window uses this; ``run-once`` runs its jobs explicitly instead.
        """
        self._bus.subscribe(SeriesChanged, self._on_series_changed)
        self._bus.subscribe(DownloadFinished, self._on_download_finished)

    def _on_series_changed(self, event: SeriesChanged) -> None:
        self.schedule(event.series_id)

    def _on_download_finished(self, event: DownloadFinished) -> None:
        self.schedule(event.item.key.series_id)

    def schedule(self, series_id: int) -> None:
        """Describe a series soon; a burst of finished episodes makes one job, not one each."""
        if series_id in self._scheduled and not self._scheduled[series_id].done():
            return
        task = asyncio.ensure_future(self._later(series_id))
        self._scheduled[series_id] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda done: self._forget(series_id, done))

    def _forget(self, series_id: int, task: asyncio.Future[None]) -> None:
        if self._scheduled.get(series_id) is task:
            del self._scheduled[series_id]

    async def _later(self, series_id: int) -> None:
        await asyncio.sleep(self.debounce)
        task = asyncio.current_task()
        if task is not None:
            self._running_jobs[task] = True
        # Changes from now on need a job of their own: this one may already have read them.
        if self._scheduled.get(series_id) is asyncio.current_task():
            del self._scheduled[series_id]
        await self.describe([series_id])

    async def aclose(self) -> None:
        """Cancel scheduled jobs (at shutdown); running ones end inside their ``async with``."""
        tasks = list(self._tasks)
        for task in tasks:
            if not self._running_jobs.get(task):
                task.cancel()  # still waiting out its delay: nothing half done
        # A job already writing files and the database finishes, or it would leave a torn
        # transaction behind (and the shutdown waiting for it).
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._token_lookup is not None:  # a keyring still answering: its thread ends first
            await asyncio.gather(self._token_lookup, return_exceptions=True)

    async def _token_ready(self) -> None:
        if self._token_source is None:
            return
        if self._token_lookup is None:
            self._token_lookup = asyncio.ensure_future(self._token_source())
        lookup = self._token_lookup
        token = (await lookup).value  # a future: every caller may wait on it
        if self._token_source is not None and self._token_lookup is lookup:
            self.options = dataclasses.replace(self.options, token=token)
            self._token_source = self._token_lookup = None

    async def resolved_options(self) -> MetadataOptions:
        """The options with the token read (from the keyring on first use), as jobs see them."""
        await self._token_ready()
        return self.options

    def nfo_service(self, session: aiohttp.ClientSession | None = None) -> NFOService:
        return NFOService(
            self.options,
            limiter=self._limiter,
            cache=self._cache,
            resolve=self._resolve,
            session=session,
        )

    async def describe(
        self, series_ids: Sequence[int] | None = None
    ) -> dict[int, DescribeResult | str]:
        """Run a job per series (all when None); returns a result, or the failure's sentence."""
        await self._token_ready()
        all_series = {s.id: s for s in await self._catalog.list_series()}
        ids = list(all_series) if series_ids is None else [i for i in series_ids if i in all_series]
        outcomes = await asyncio.gather(*(self._job(all_series[i]) for i in ids))
        return dict(zip(ids, outcomes, strict=True))

    async def _job(self, series: SeriesRecord) -> DescribeResult | str:
        async with self._slots:
            self._bus.publish(MetadataJobStarted(series.id, series.title))
            try:
                episodes = await self._catalog.episodes(series.id)
                async with self.nfo_service() as nfo:
                    result = await nfo.describe(series, episodes, self.library_dir)
            except (AniworldError, aiohttp.ClientError, OSError, TimeoutError) as exc:
                reason = _job_failure(exc)
                log.warning("metadata for %s failed: %s", series.title, reason)
                await self._catalog.update_series(
                    series.id, metadata_state=MetadataState.FAILED, metadata_error=reason
                )
                self._bus.publish(MetadataJobFailed(series.id, series.title, reason))
                return reason
            values: dict[str, object] = {
                "metadata_state": MetadataState.DONE,
                "metadata_error": "",
            }
            if result.match is not None:
                values.update(
                    tmdb_id=result.match.tmdb_id,
                    tmdb_confidence=result.match.confidence,
                    match_state=result.match.state,
                    match_note=result.match.note,
                )
            await self._catalog.update_series(series.id, **values)
            for warning in result.warnings:
                log.info("metadata for %s: %s", series.title, warning)
            self._bus.publish(
                MetadataJobFinished(series.id, series.title, result.written, result.source)
            )
            return result

    async def series_to_describe(
        self,
        since: datetime,
        *,
        changed: Iterable[int] = (),
        downloads: Iterable[QueueItem] = (),
    ) -> list[int]:
        """The series a run should describe, by id: what it changed, and what was left undone.

        That is: the series in ``changed`` (their catalogue was refreshed), those with a
        download in ``downloads`` completed at or after ``since``, those whose ``tvshow.nfo``
        needs repair, and those never described or whose last job failed.

        Args:
            since: When the run started (naive UTC, as the queue stores it).
            changed: Series whose catalogue changed in the run.
            downloads: The queue's items (the finished ones are looked at).
        """
        wanted = set(changed)
        wanted |= {
            item.key.series_id
            for item in downloads
            if item.status is DownloadStatus.COMPLETED
            and item.finished_at is not None
            and item.finished_at >= since
        }
        wanted |= set(await self.needing_repair())
        wanted |= {
            series.id
            for series in await self._catalog.list_series()
            if series.metadata_state is not MetadataState.DONE
        }
        return sorted(wanted)

    async def needing_repair(self) -> list[int]:
        """Series whose ``tvshow.nfo`` lacks required tags (or is missing while files exist)."""
        ids = []
        for series in await self._catalog.list_series():
            nfo = self.library_dir / series.folder / "tvshow.nfo"
            try:
                data = await asyncio.to_thread(nfo.read_bytes)
            except FileNotFoundError:
                if (self.library_dir / series.folder).is_dir():
                    ids.append(series.id)
                continue
            except OSError:
                continue
            if missing_tvshow_tags(data):
                ids.append(series.id)
        return ids

    async def set_tmdb_id(self, series: SeriesRecord, tmdb_id: int) -> None:
        """Fix the TMDB match by hand; the next job uses it.

        The library's ``set_match`` also brings the catalogue from TMDB; this only records it.
        """
        if tmdb_id <= 0:
            raise UsageError("A TMDB id is a positive number.")
        await self._catalog.update_series(
            series.id,
            tmdb_id=tmdb_id,
            metadata_state=MetadataState.PENDING,
            match_state=MatchState.MANUAL,
            tmdb_confidence=1.0,
            match_note="",
        )

    @contextlib.asynccontextmanager
    async def tmdb_client(self) -> AsyncIterator[TMDBClient | None]:
        """A TMDB client on this service's rate limiter and reply cache (None without a
        token), for the library's matching: the replies it fetches are the ones a metadata
        job asks for next, so they come from the cache then."""
        await self._token_ready()
        if not self.options.token:
            yield None
            return
        async with self.nfo_service() as nfo:
            yield nfo.tmdb

    async def search(self, query: str, year: int | None = None) -> list[TVSearchResult]:
        """Series on TMDB whose title matches ``query``, most relevant first, to pick a match.

        Args:
            query: A title, as the user typed it.
            year: The year the series first aired, to narrow the search; None: any year.

        Raises:
            MetadataError: No token is set, no title was given, or TMDB failed (a sentence).
        """
        await self._token_ready()
        if not self.options.token:
            raise MetadataError(
                "No TMDB token is set: add a TMDB read-access token or API key in Settings."
            )
        title = query.strip()
        if not title:
            raise MetadataError("Type a title to search TMDB for.")
        async with self.nfo_service() as nfo:
            assert nfo.tmdb is not None
            return await nfo.tmdb.search_tv(title, year)

    async def test_connection(self) -> str:
        """A sentence saying whether the token works; raises MetadataError saying why not."""
        await self._token_ready()
        if not self.options.token:
            raise MetadataError("No TMDB token is set (setting tmdb_token or ANIWORLD_TMDB_TOKEN).")
        async with self.nfo_service() as nfo:
            assert nfo.tmdb is not None
            return await nfo.tmdb.test_connection()


def first_episode_date(series: SeriesRecord, episodes: Sequence[EpisodeRecord]) -> date | None:
    """The day a series premiered, as far as its catalogue says: the air date of episode 1 of
    its first regular season.

    None when that episode has no date (a feed that kept only its latest items cannot say when
    the series began), or when the date falls in another year than the series' own: the year
    the user or the source gave wins, and ``tvshow.nfo`` then says 1 January of it.
    """
    regular = [e for e in episodes if e.season > 0 and e.kind is EpisodeKind.FULL]
    if not regular:
        return None
    first_season = min(e.season for e in regular)
    first = next((e for e in regular if e.season == first_season and e.number == 1), None)
    if first is None or first.air_date is None:
        return None
    if series.year is not None and first.air_date.year != series.year:
        return None
    return first.air_date


def _retire_old_logo(folder: Path) -> None:
    """Remove the ``logo.png`` an earlier version wrote, now that ``clearlogo.png`` holds it.

    Kodi and Jellyfin look for ``clearlogo.png``; we used to save TMDB's logo as ``logo.png``.
    Only a ``logo.png`` byte for byte the same as the ``clearlogo.png`` just written is ours
    for sure; any other is the user's own picture and stays.
    """
    old, new = folder / OLD_LOGO, folder / CLEARLOGO
    try:
        if old.is_file() and new.is_file() and old.read_bytes() == new.read_bytes():
            old.unlink()
            log.info("replaced %s by %s in %s", OLD_LOGO, CLEARLOGO, folder)
    except OSError as exc:  # a read-only share: the old copy stays, nothing is lost
        log.info("could not remove the old %s in %s: %s", OLD_LOGO, folder, exc.strerror)


def _show_info(details: TVDetails, config: ImageConfiguration, series: SeriesRecord) -> ShowInfo:
    ids = {"tmdb": str(details.id)}
    if details.imdb_id:
        ids["imdb"] = details.imdb_id
    if details.tvdb_id:
        ids["tvdb"] = str(details.tvdb_id)
    actors = [
        Actor(c.name, c.character, config.url(c.profile_path, "w185") if c.profile_path else "")
        for c in details.cast[:20]
    ]
    return ShowInfo(
        title=details.name,
        original_title=details.original_name,
        # A series TMDB gives no first air date yet (announced, not aired) keeps its own year.
        year=details.year or series.year,
        plot=details.overview,
        runtime=details.runtime,
        premiered=details.first_air_date,
        status=details.status,
        genres=details.genres,
        studios=details.networks or details.studios,
        countries=details.origin_country,
        actors=actors,
        ratings=[Rating("themoviedb", details.vote_average, details.vote_count, True)]
        if details.vote_count
        else [],
        unique_ids=ids,
        default_id="tmdb",
        named_seasons={s.season_number: s.name for s in details.seasons if s.name},
    )


def _prepare_folder(library_dir: Path, folder: Path, has_files: bool) -> bool:
    """Make sure the series folder exists; False when there is nothing to describe yet."""
    if not library_dir.is_dir():
        raise MetadataError(
            f"The library folder {library_dir} is not there (a share not mounted?)."
        )
    if not folder.is_dir() and not has_files:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    return True


def _size(sizes: Sequence[str], wanted: str) -> str:
    return ImageConfiguration.closest_size(sizes, wanted) if sizes else wanted


def _season_folder(library_dir: Path, episodes: Sequence[EpisodeRecord]) -> Path | None:
    """The folder holding a season's files, when they share one."""
    folders = {(library_dir / (e.file_path or "")).parent for e in episodes}
    return folders.pop() if len(folders) == 1 else None


async def _write(path: Path, data: bytes) -> int:
    return 1 if await asyncio.to_thread(write_nfo, path, data) else 0


def _job_failure(exc: BaseException) -> str:
    """A metadata job's failure in a sentence: our errors say it already; an OS error from a
    write (a folder on a read-only drive) gets its place and plain reason, not "[Errno 30]"."""
    if isinstance(exc, aiohttp.ClientError | TimeoutError) and not isinstance(exc, AniworldError):
        # Before OSError: aiohttp's connection errors are OSErrors too, but not about writing.
        return sentence(exc)
    if isinstance(exc, OSError) and not isinstance(exc, AniworldError) and exc.errno is not None:
        where = f" in {Path(exc.filename).parent}" if exc.filename else ""
        return f"Cannot write{where}: {write_failure_reason(exc)}."
    return str(exc) or type(exc).__name__
