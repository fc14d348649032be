"""Following sources: each series' catalogue from its provider, stored and kept up to date.

:class:`SourceService` chooses the provider of a link (named, a video file by its name, or by
the first 64 KiB the address serves), stores the catalogue it reads (keeping the numbers of
items that have none), refreshes it cheaply (conditional GET), and turns a stored reference into
a download when it is due. Queueing and scanning are the library's: it lends both. No Qt here.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.events import EventBus, SeriesChanged
from aniworld_desktop.core.models import EpisodeKind, EpisodeRecord, SeriesRecord
from aniworld_desktop.core.naming import NamingTemplate, file_name_from_url, video_suffix
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.downloads.engine import DownloadRequest
from aniworld_desktop.downloads.service import AddResult
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.net.errors import TRUST_ERRORS, explain, sentence
from aniworld_desktop.providers.base import (
    ALLOWED_SCHEMES,
    EpisodeInfo,
    Provider,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
    check_url,
)
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode

__all__ = [
    "PROBE_BYTES",
    "AddLinksResult",
    "AddUrlResult",
    "RefreshResult",
    "SourceService",
    "split_links",
]

log = logging.getLogger(__name__)

PROBE_BYTES = 64 * 1024  # enough of a response to tell a feed from a video

QueueEpisodes = Callable[[SeriesRecord, Sequence[EpisodeRecord]], Awaitable[AddResult]]
"""Puts episodes of a series into the download queue, named by the library's template."""


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
class AddLinksResult:
    """What ``add_links()`` did.

    Attributes:
        queued: The queue items the media links became.
        refused: One sentence per media link that was refused (``"name: reason"``).
        feeds: The other links, which may be feeds to follow: the caller asks the user.
    """

    queued: tuple[QueueItem, ...]
    refused: tuple[str, ...]
    feeds: tuple[str, ...]


def split_links(urls: Sequence[str]) -> tuple[list[str], list[str]]:
    """Media links (a video file by its name) and the others, each in the order given."""
    media = [u for u in urls if video_suffix(file_name_from_url(u), default="")]
    return media, [u for u in urls if u not in media]


class SourceService:
    """Where each series comes from: its provider, its catalogue, its references.

    Attributes:
        library_dir: The library root, where an existing folder of a new series is looked for.
        naming: The naming template, for a new series' folder.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        registry: ProviderRegistry,
        session: aiohttp.ClientSession,
        *,
        library_dir: Path,
        naming: NamingTemplate,
        queue: QueueEpisodes,
        scan: Callable[[], Awaitable[object]],
        bus: EventBus | None = None,
    ) -> None:
        """Follow sources through ``registry``'s providers, over ``session`` (borrowed).

        Args:
            catalog: Where series and episodes are stored.
            registry: The providers.
            session: The app's session, lent to the providers.
            library_dir: The library root.
            naming: The naming template.
            queue: Queues episodes (a pasted media link is queued at once).
            scan: Scans the library (a newly followed series whose folder is already there).
            bus: Where ``SeriesChanged`` is published.
        """
        self._catalog = catalog
        self._registry = registry
        self._session = session
        self.library_dir = library_dir
        self.naming = naming
        self._queue = queue
        self._scan = scan
        self._bus = bus

    async def add_url(self, url: str, provider_name: str | None = None) -> AddUrlResult:
        """Follow the series behind ``url`` or, for a media link, queue it."""
        provider, info = await self._read(url, provider_name)
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
            refreshed_at=utc_now(),
            refresh_error="",
        )
        queued = None
        if info.queue_now:
            queued = await self._queue(series, records)
        elif existing is None and await asyncio.to_thread((self.library_dir / folder).is_dir):
            # Following a series you already have: what is on disk must be known before
            # anything is called missing, or "Download Missing" would fetch it again.
            try:
                await self._scan()
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
        provider, info = await self._read(url, provider_name)
        return provider.name, info

    async def _read(self, url: str, provider_name: str | None) -> tuple[Provider, SeriesInfo]:
        """The provider for ``url`` and what it reads there."""
        provider = await self._choose_provider(url.strip(), provider_name)
        info = await provider.fetch(url.strip(), self._session)
        if info is None:  # only a conditional fetch may answer "not modified"
            raise ProviderError(f"{url} gave no content.")
        return provider, info

    async def follow_demo(self) -> None:
        """Follow every series of the demo catalogue that is not followed yet.

        Raises:
            AniworldError: This installation has no demo provider.
        """
        # Here, not at the top: the registry has loaded it by now (in a thread, at start-up),
        # and importing it earlier would put aiohttp.web on the way to the window.
        from aniworld_desktop.providers.demo import DemoProvider

        demo = self._registry.get("demo")
        if not isinstance(demo, DemoProvider):
            raise AniworldError("The demo catalogue is not available in this installation.")
        followed = {s.source_url for s in await self._catalog.list_series()}
        for url in demo.catalogue():
            if url not in followed:
                await self.add_url(url, "demo")

    async def add_links(
        self, urls: Sequence[str], *, on_link: Callable[[str], object] | None = None
    ) -> AddLinksResult:
        """Queue the media links among ``urls`` and hand back the others, to follow or not.

        A media link (a video file name) is added and queued at once; one that is refused does
        not stop the others. Every other link may be a feed: following one is the user's
        choice, so it is only handed back. Dropped links, ``--add`` links and a second
        launch's links all come this way.

        Args:
            urls: http(s) links, in the order given.
            on_link: Told the file name of each media link before it is added (progress).
        """
        media, feeds = split_links(urls)
        queued: list[QueueItem] = []
        refused: list[str] = []
        for url in media:
            name = file_name_from_url(url)
            if on_link is not None:
                on_link(name)
            try:
                result = await self.add_url(url)
            except AniworldError as exc:  # one bad link must not stop the others
                log.info("link %s refused: %s", url, exc)
                refused.append(f"{name}: {exc}")
                continue
            if result.queued is not None:
                queued.extend(result.queued.added)
        return AddLinksResult(tuple(queued), tuple(refused), tuple(feeds))

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
            # A plug-in provider may let aiohttp's error through, whose text is not for a person.
            message = str(exc) if isinstance(exc, AniworldError) else sentence(exc)
            log.warning("Refreshing %s failed: %s", series.title, message)
            await self._catalog.update_series(series.id, refresh_error=message)
            return RefreshResult(series, error=message)
        if info is None:
            await self._catalog.update_series(series.id, refreshed_at=utc_now(), refresh_error="")
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
            refreshed_at=utc_now(),
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
        except TRUST_ERRORS as exc:
            raise ProviderError(sentence(exc, f"so {url} was not read")) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ProviderError(explain(f"Could not read {url}", exc)) from None

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


def _new_episode(episode: EpisodeInfo, season: int, number: int) -> NewEpisode:
    return NewEpisode(
        season=season,
        number=number,
        title=episode.title,
        url=episode.url,
        size=episode.size,
        absolute=episode.absolute,
        air_date=episode.air_date,
        kind=episode.kind,
        guid=episode.guid,
        description=episode.description,
        image_url=episode.image_url,
    )


def _loose(name: str) -> str:
    """A folder name reduced to letters and digits, for matching ``harbor.lights`` to a title."""
    return re.sub(r"[\W_]+", "", name.casefold())
