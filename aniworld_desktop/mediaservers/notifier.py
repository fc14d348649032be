"""Asks the configured media servers to rescan, once per batch of finished downloads.

A batch is what finishes between two moments the queue falls idle. When the queue is idle
after at least one :class:`DownloadFinished`, the notifier waits until the metadata jobs of the
batch's series are through (the NFO files and artwork are what the servers read), at most
``metadata_wait`` seconds, then asks each configured server once. A failure is one log line
and a :class:`MediaServerRefreshFailed` event; nothing is raised into the app, and nothing is
retried: the next batch asks again, and a rescan covers the whole library anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import aiohttp

from aniworld_desktop import __version__
from aniworld_desktop.config import Settings
from aniworld_desktop.core.events import (
    DownloadFinished,
    Event,
    EventBus,
    MediaServerRefreshed,
    MediaServerRefreshFailed,
    MetadataJobFailed,
    MetadataJobFinished,
    MetadataJobStarted,
    QueueIdle,
)
from aniworld_desktop.mediaservers.client import DEFAULT_TIMEOUT, MediaServerClient
from aniworld_desktop.mediaservers.errors import MediaServerError
from aniworld_desktop.mediaservers.jellyfin import JellyfinClient
from aniworld_desktop.mediaservers.kodi import KodiClient
from aniworld_desktop.net.session import client_session

__all__ = ["METADATA_WAIT", "MediaServerNotifier", "media_server_clients"]

log = logging.getLogger(__name__)

# Metadata jobs start a few seconds after a download (metadata.service.SCHEDULE_DELAY) and
# take seconds each; past this, the servers are asked anyway.
METADATA_WAIT = 120.0

_WAITING = "waiting"  # a download finished; the series' next metadata job has not started
_RUNNING = "running"  # that job is running


def media_server_clients(
    settings: Settings,
    session: aiohttp.ClientSession | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[MediaServerClient]:
    """A client for each media server the settings name (those with an address).

    Raises:
        MediaServerError: An address is not an http(s) URL (the settings never hold one).
    """
    clients: list[MediaServerClient] = []
    if settings.jellyfin_url:
        clients.append(
            JellyfinClient(
                settings.jellyfin_url, settings.jellyfin_api_key, session=session, timeout=timeout
            )
        )
    if settings.kodi_url:
        clients.append(
            KodiClient(
                settings.kodi_url,
                settings.kodi_user,
                settings.kodi_password,
                session=session,
                timeout=timeout,
            )
        )
    return clients


class MediaServerNotifier:
    """Follows downloads and metadata jobs on the bus, and asks the media servers to rescan.

    Use it as ``async with MediaServerNotifier(bus, settings) as notifier``: entering opens its
    one HTTP session and subscribes; leaving unsubscribes, reports a batch still waiting
    (nothing more will finish), and closes the session.

    Attributes:
        metadata_wait: Seconds the idle queue waits for the batch's metadata jobs at most.
        timeout: Seconds one request to a server may take.

    Events:
        MediaServerRefreshed, MediaServerRefreshFailed.
    """

    def __init__(
        self,
        bus: EventBus,
        settings: Settings,
        *,
        metadata_wait: float = METADATA_WAIT,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        """Nothing is opened yet.

        Args:
            bus: Where downloads and metadata jobs are announced, and where it reports.
            settings: Only the media server fields are read (see :meth:`configure`).
            metadata_wait: Seconds to wait for the batch's metadata jobs at most.
            timeout: Seconds one request may take.
            sleep: Waits out ``metadata_wait``; injectable so tests never wait.
        """
        self._bus = bus
        self._settings = settings
        self.metadata_wait = metadata_wait
        self.timeout = timeout
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self._finished: set[int] = set()  # series with a download finished in this batch
        self._metadata: dict[int, str] = {}  # batch series whose metadata is not through yet
        self._idle = False
        self._changed = asyncio.Event()
        self._batch: asyncio.Task[None] | None = None
        self._asking = False
        self._open = False

    def __repr__(self) -> str:
        return f"MediaServerNotifier(servers={self.servers})"

    @property
    def servers(self) -> list[str]:
        """The media servers asked after each batch, by kind ("Jellyfin", "Kodi")."""
        s = self._settings
        return [name for name, url in (("Jellyfin", s.jellyfin_url), ("Kodi", s.kodi_url)) if url]

    def configure(self, settings: Settings) -> None:
        """Use the media server settings of ``settings`` from the next request on."""
        self._settings = settings

    # --- lifetime -----------------------------------------------------------------------------

    def _routes(self) -> tuple[tuple[type[Event], Callable[[Any], None]], ...]:
        """What it follows on the bus, and who hears it: subscribed on entering, dropped on closing."""
        return (
            (DownloadFinished, self._on_download_finished),
            (QueueIdle, self._on_queue_idle),
            (MetadataJobStarted, self._on_metadata_started),
            (MetadataJobFinished, self._on_metadata_done),
            (MetadataJobFailed, self._on_metadata_done),
        )

    async def __aenter__(self) -> MediaServerNotifier:
        """Open the session and start following the bus."""
        self._session = client_session(
            # Asked at each request: configure() may bring other trusted servers.
            lambda: self._settings.trusted_hosts(),
            headers={"User-Agent": f"aniworld-desktop/{__version__}"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        )
        for event_type, listener in self._routes():
            self._bus.subscribe(event_type, listener)
        self._open = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop following; ask the servers about a batch still waiting; close the session.

        Each request is bounded by ``timeout``, so closing never waits longer than that.
        """
        if not self._open:
            return
        self._open = False
        for event_type, listener in self._routes():
            self._bus.unsubscribe(event_type, listener)
        try:
            batch = self._batch
            if batch is not None and not batch.done():
                if not self._asking:
                    batch.cancel()  # still waiting for metadata: nothing more will come now
                await asyncio.gather(batch, return_exceptions=True)
            if self._finished and self.servers:
                # Downloads that finished before the end are on disk: let the servers know.
                await self._ask_all()
        finally:
            session, self._session = self._session, None
            if session is not None:
                await session.close()

    async def wait_settled(self) -> None:
        """Wait until no batch is waiting for its metadata or being reported."""
        while self._batch is not None and not self._batch.done():
            await asyncio.gather(self._batch, return_exceptions=True)

    # --- following the bus --------------------------------------------------------------------

    def _on_download_finished(self, event: DownloadFinished) -> None:
        if not self.servers:
            return
        series_id = event.item.key.series_id
        self._finished.add(series_id)
        # A job already running may have read the folder before this file: the next one counts.
        self._metadata[series_id] = _WAITING
        self._idle = False
        self._changed.set()

    def _on_queue_idle(self, event: QueueIdle) -> None:
        self._idle = True
        if not self.servers:
            self._finished.clear()
            self._metadata.clear()
            return
        self._changed.set()
        if self._finished and (self._batch is None or self._batch.done()):
            self._batch = asyncio.get_running_loop().create_task(
                self._report_batches(), name="media servers: rescan"
            )

    def _on_metadata_started(self, event: MetadataJobStarted) -> None:
        if self._metadata.get(event.series_id) == _WAITING:
            self._metadata[event.series_id] = _RUNNING

    def _on_metadata_done(self, event: MetadataJobFinished | MetadataJobFailed) -> None:
        if self._metadata.get(event.series_id) == _RUNNING:
            del self._metadata[event.series_id]
            self._changed.set()

    # --- reporting ----------------------------------------------------------------------------

    async def _report_batches(self) -> None:
        # A loop: downloads may finish and the queue fall idle again while the servers are asked.
        while self._finished and self._idle:
            await self._wait_for_metadata()
            if not self._idle:
                return  # more downloads finished: the batch goes on until the next QueueIdle
            self._asking = True
            try:
                await self._ask_all()
            finally:
                self._asking = False

    async def _wait_for_metadata(self) -> None:
        if not self._metadata:
            return
        timer = asyncio.ensure_future(self._sleep(self.metadata_wait))
        try:
            while self._metadata and self._idle:
                if timer.done():
                    log.info(
                        "metadata of %d series still pending after %g s; asking the media "
                        "servers to rescan anyway",
                        len(self._metadata),
                        self.metadata_wait,
                    )
                    return
                self._changed.clear()
                changed = asyncio.ensure_future(self._changed.wait())
                try:
                    await asyncio.wait({timer, changed}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    changed.cancel()
        finally:
            timer.cancel()

    async def _ask_all(self) -> None:
        series = tuple(sorted(self._finished))
        self._finished.clear()
        self._metadata.clear()
        try:
            clients = media_server_clients(self._settings, self._session, timeout=self.timeout)
        except MediaServerError as exc:  # the settings validate addresses; say so, never raise
            log.warning("The media servers were not asked to rescan: %s", exc)
            return
        await asyncio.gather(*(self._ask(client, series) for client in clients))

    async def _ask(self, client: MediaServerClient, series: tuple[int, ...]) -> None:
        try:
            async with client:
                message = await client.refresh()
        except MediaServerError as exc:
            reason = str(exc)
            log.warning("Asking %s to rescan failed: %s", client.name, reason)
            self._bus.publish(MediaServerRefreshFailed(client.name, reason, series))
        except Exception as exc:  # whatever it is, the app goes on; the next batch asks again
            reason = f"Asking {client.name} to rescan failed unexpectedly ({type(exc).__name__})."
            log.warning("%s", reason)
            log.debug("%s rescan failure", client.name, exc_info=True)
            self._bus.publish(MediaServerRefreshFailed(client.name, reason, series))
        else:
            log.info("%s", message)
            self._bus.publish(MediaServerRefreshed(client.name, message, series))
