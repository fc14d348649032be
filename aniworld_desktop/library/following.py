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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.errors import AniworldError, UsageError
from aniworld_desktop.core.events import EventBus, SeriesChanged
from aniworld_desktop.core.links import normalise_link
from aniworld_desktop.core.models import (
    EpisodeKind,
    EpisodeRecord,
    Monitoring,
    MonitorMode,
    SeriesRecord,
)
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

if TYPE_CHECKING:
    from aniworld_desktop.library.tmdb_matching import SeriesMatcher

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
        today: Callable[[], date] = date.today,
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
            today: Today's date (new episodes are monitored by the series' mode).
        """
        self._catalog = catalog
        self._today = today
        # Brings a local series' catalogue from TMDB on refresh (set by the library).
        self.matcher: SeriesMatcher | None = None
        self._registry = registry
        self._session = session
        self.library_dir = library_dir
        self.naming = naming
        self._queue = queue
        self._scan = scan
        self._bus = bus

    async def add_url(
        self,
        url: str,
        provider_name: str | None = None,
        *,
        monitoring: Monitoring | None = None,
        series: SeriesRecord | None = None,
    ) -> AddUrlResult:
        """Follow the series behind ``url`` or, for a media link, queue it.

        Args:
            url: A feed, a media link, a provider's reference.
            provider_name: The provider to read it with (default: chosen from what it is).
            monitoring: Which episodes are wanted. By default ``new`` for a feed with a back
                catalogue (following it fetches none of what it already lists), else ``all``;
                a series that exists keeps its mode.
            series: Attach the source to this series (one without a source) instead of
                following a new one. Without it, a series without a source that holds the
                folder the new series would get is the one it is attached to.
        """
        provider, info = await self._read(url, provider_name)
        all_series = await self._catalog.list_series()
        existing = {s.source_url: s for s in all_series if s.source_url}.get(info.source_url)
        if existing is not None and series is not None and existing.id != series.id:
            raise UsageError(f"{existing.title} follows {info.source_url} already.")
        folder = existing.folder if existing else self._folder_for(info.title, info.year)
        if existing is None and series is None:
            series = next(
                (s for s in all_series if s.is_local and s.folder.casefold() == folder.casefold()),
                None,
            )
        attached = existing is None and series is not None
        if attached:
            assert series is not None
            record = await self._attach(series, provider.name, info, monitoring)
        else:
            if monitoring is None:
                monitoring = _default_monitoring(info, self._today())
            record = await self._catalog.ensure_series(
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
                monitoring=monitoring,
            )
        first = existing is None  # a new follow: what the source lists now "exists already"
        records = await self._store_catalogue(record, info, first_load=first)
        await self._mark_read(record.id, info)
        queued = None
        if info.queue_now:
            queued = await self._queue(record, records)
        elif (existing is None or attached) and await asyncio.to_thread(
            (self.library_dir / record.folder).is_dir
        ):
            # Following a series you already have: what is on disk must be known before
            # anything is called missing, or "Download Missing" would fetch it again.
            try:
                await self._scan()
            except LibraryUnavailableError as exc:
                log.warning("%s is followed, but its folder was not scanned: %s", record.title, exc)
        how = "attached to" if attached else "added"
        log.info("%s %s from %s (%d episode(s))", how, record.title, provider.name, len(records))
        if self._bus is not None:
            self._bus.publish(SeriesChanged(record.id))
        return AddUrlResult(provider.name, record, records, queued)

    async def _attach(
        self,
        series: SeriesRecord,
        provider: str,
        info: SeriesInfo,
        monitoring: Monitoring | None,
    ) -> SeriesRecord:
        """Give a series without a source (or one whose source moved) this source."""
        values: dict[str, object] = {"provider": provider, "source_url": info.source_url}
        if monitoring is not None:
            values["monitoring"] = monitoring
        if not series.description and info.description:
            values["description"] = info.description
        if not series.poster_url and info.poster_url:
            values["poster_url"] = info.poster_url
        if not series.fanart_url and info.fanart_url:
            values["fanart_url"] = info.fanart_url
        await self._catalog.update_series(series.id, **values)
        stored = await self._catalog.get_series(series.id)
        assert stored is not None
        return stored

    async def set_source(
        self, series: SeriesRecord, url: str, provider_name: str | None = None
    ) -> AddUrlResult:
        """Attach a source to a series without one, or change a series' source address (a
        feed that moved). The source is read first: an address that does not answer with a
        catalogue changes nothing. Rows are merged by season and number; none is removed.

        Raises:
            UsageError: Another series follows that address.
            ProviderError: The address could not be read as a source.
        """
        if series.is_local or series.source_url != url.strip():
            if not series.is_local:
                # Reading it under its new address: the old address is released first, so
                # add_url finds no other series holding it, and restored if the read fails.
                provider, info = await self._read(url, provider_name)
                taken = {s.source_url: s for s in await self._catalog.list_series()}
                other = taken.get(info.source_url)
                if other is not None and other.id != series.id:
                    raise UsageError(f"{other.title} follows {info.source_url} already.")
                await self._catalog.update_series(
                    series.id,
                    provider=provider.name,
                    source_url=info.source_url,
                    etag=None,
                    last_modified=None,
                )
                log.info("%s: source moved from %s to %s", series.title, series.source_url, url)
                stored = await self._catalog.get_series(series.id)
                assert stored is not None
                records = await self._store_catalogue(stored, info, first_load=False)
                await self._mark_read(series.id, info)
                if self._bus is not None:
                    self._bus.publish(SeriesChanged(series.id))
                return AddUrlResult(provider.name, stored, records, None)
            return await self.add_url(url, provider_name, series=series)
        records = await self._catalog.episodes(series.id)
        return AddUrlResult(series.provider or "", series, records, None)

    async def preview_url(
        self, url: str, provider_name: str | None = None
    ) -> tuple[str, SeriesInfo]:
        """What ``add_url`` would add: the provider's name and the series, stored nowhere."""
        provider, info = await self._read(url, provider_name)
        return provider.name, info

    async def _read(self, url: str, provider_name: str | None) -> tuple[Provider, SeriesInfo]:
        """The provider for ``url`` and what it reads there.

        ``feed:``, ``podcast:``, ``itpc:`` and ``pcast:`` links (a web page's "Subscribe") are
        read as the http(s) links they stand for.
        """
        url = normalise_link(url)
        provider = await self._choose_provider(url, provider_name)
        info = await provider.fetch(url, self._session)
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
                # The demo shows the whole loop: all of it is wanted, so downloads happen.
                await self.add_url(url, "demo", monitoring=Monitoring(MonitorMode.ALL))

    async def add_links(
        self, urls: Sequence[str], *, on_link: Callable[[str], object] | None = None
    ) -> AddLinksResult:
        """Queue the media links among ``urls`` and hand back the others, to follow or not.

        A media link (a video file name) is added and queued at once; one that is refused does
        not stop the others. Every other link may be a feed: following one is the user's
        choice, so it is only handed back. Dropped links, ``--add`` links and a second
        launch's links all come this way.

        Args:
            urls: http(s) links (or ``feed:`` and the like, read as http(s)), in order.
            on_link: Told the file name of each media link before it is added (progress).
        """
        media, feeds = split_links([normalise_link(url) for url in urls])
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
        if series.provider is None or series.source_url is None:
            return await self._refresh_local(series)
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
        records = await self._store_catalogue(series, info, first_load=False)
        moved = await self._moved(series, info)
        await self._mark_read(
            series.id,
            info,
            **moved,
            year=info.year if info.year is not None else series.year,
            description=info.description or series.description,
            poster_url=info.poster_url or series.poster_url,
            fanart_url=info.fanart_url or series.fanart_url,
        )
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))
        return RefreshResult(series, changed=True, episodes=len(records))

    async def _mark_read(self, series_id: int, info: SeriesInfo, **changes: Any) -> None:
        """Store that the source was read just now without error: its validators for the next
        conditional request, and ``changes`` to the series besides."""
        await self._catalog.update_series(
            series_id,
            **changes,
            etag=info.validators.etag,
            last_modified=info.validators.last_modified,
            refreshed_at=utc_now(),
            refresh_error="",
        )

    async def _refresh_local(self, series: SeriesRecord) -> RefreshResult:
        """A series without a source: its catalogue is TMDB's, asked again (from the reply
        cache while it is fresh) when it has a confirmed match."""
        matcher = self.matcher
        if series.confirmed_tmdb_id is None or matcher is None or matcher.tmdb is None:
            return RefreshResult(series, changed=False)
        try:
            async with matcher.tmdb() as tmdb:
                if tmdb is None:
                    return RefreshResult(series, changed=False)
                episodes = await matcher.load_catalogue(tmdb, series)
        except AniworldError as exc:
            log.warning("refreshing %s from TMDB failed: %s", series.title, exc)
            await self._catalog.update_series(series.id, refresh_error=str(exc))
            return RefreshResult(series, error=str(exc))
        await self._catalog.update_series(series.id, refreshed_at=utc_now(), refresh_error="")
        if self._bus is not None:
            self._bus.publish(SeriesChanged(series.id))
        return RefreshResult(series, changed=True, episodes=episodes)

    async def _moved(self, series: SeriesRecord, info: SeriesInfo) -> dict[str, object]:
        """The new address of a source that answered "moved permanently" (301/308), unless
        another series follows that address already (then the old one is kept)."""
        target = info.moved_to
        if not target or target == series.source_url:
            return {}
        others = {s.source_url for s in await self._catalog.list_series() if s.id != series.id}
        if target in others:
            log.warning(
                "%s moved permanently to %s, which another series follows; kept %s",
                series.title, target, series.source_url,
            )  # fmt: skip
            return {}
        log.info("%s moved permanently: %s -> %s", series.title, series.source_url, target)
        return {"source_url": target}

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

    async def _store_catalogue(
        self, series: SeriesRecord, info: SeriesInfo, *, first_load: bool
    ) -> list[EpisodeRecord]:
        """Store the catalogue; items without a number keep the one they got before.

        An unnumbered item is recognised by its guid (or URL) among the stored episodes, so a
        refresh never adds it again under a new number; a new one takes the next free number
        of its season. Unnumbered trailers and bonus items are kept with the specials. A new
        row is monitored by the series' mode: with ``first_load`` (following it) as an
        episode that existed when the mode was chosen, else as one that appeared since.
        """
        stored = await self._catalog.episodes(series.id)
        monitoring, today = series.monitoring, self._today()
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
            wanted = monitoring.wants(
                season, episode.air_date, today, existing=first_load, has_source=bool(episode.url)
            )
            numbered.append(_new_episode(episode, season, number, wanted))
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
            # The source's own size, never the server's earlier answer: a file that changed on
            # the server must be fetched again, not refused as "not the right video".
            expected_size=resolved.expected_size or item.expected_size,
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


def _default_monitoring(info: SeriesInfo, today: date) -> Monitoring:
    """``new`` for a feed with a back catalogue (released episodes), else ``all``."""
    if info.queue_now or info.expiring:
        return Monitoring(MonitorMode.ALL)
    back = any(
        e.kind is EpisodeKind.FULL and (e.air_date is None or e.air_date <= today)
        for e in info.episodes
    )
    return Monitoring(MonitorMode.NEW if back else MonitorMode.ALL)


def _new_episode(episode: EpisodeInfo, season: int, number: int, monitored: bool) -> NewEpisode:
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
        monitored=monitored,
    )


def _loose(name: str) -> str:
    """A folder name reduced to letters and digits, for matching ``harbor.lights`` to a title."""
    return re.sub(r"[\W_]+", "", name.casefold())
