"""The composition root: every service of one run, built once and closed in order.

:func:`open_services` is what the window (``ui/qtapp.py``) and the headless commands (``cli.py``)
both run inside; ``app.py`` only parses the command line and chooses between them. Nothing here
imports Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.storage.profile_lock import LockHolder, ProfileLock

if TYPE_CHECKING:
    import aiohttp
    from sqlalchemy.ext.asyncio import AsyncEngine

    from aniworld_desktop.core.events import EventBus
    from aniworld_desktop.downloads.engine import DownloadEngine
    from aniworld_desktop.downloads.process import ProcessEngine
    from aniworld_desktop.downloads.service import DownloadService
    from aniworld_desktop.downloads.thread import ThreadedEngine
    from aniworld_desktop.library.service import LibraryService
    from aniworld_desktop.mediaservers import MediaServerNotifier
    from aniworld_desktop.metadata.service import MetadataService
    from aniworld_desktop.providers.registry import ProviderRegistry
    from aniworld_desktop.scheduler import SchedulerService

# LockHolder and ProfileLock: the window names who holds the profile (it may not import storage).
__all__ = ["LockHolder", "ProfileLock", "Services", "open_services"]

log = logging.getLogger(__name__)

REPLY_MAX_AGE = timedelta(days=7)  # TMDB replies kept this long, so a re-run does not refetch

# What open_services() imports when it runs, not when this module is imported: SQLAlchemy,
# aiohttp and the providers are two thirds of the import time, and the window shows before it
# opens the services (ui/qtapp.py imports them in a thread meanwhile, see load_service_modules).
SERVICE_MODULES = (
    "aiohttp",
    "sqlalchemy.exc",
    "aniworld_desktop.core.events",
    "aniworld_desktop.downloads.engine",
    "aniworld_desktop.downloads.service",
    "aniworld_desktop.downloads.thread",
    "aniworld_desktop.downloads.throttle",
    "aniworld_desktop.library.service",
    "aniworld_desktop.mediaservers",
    "aniworld_desktop.metadata.credentials",
    "aniworld_desktop.metadata.service",
    "aniworld_desktop.net.session",
    "aniworld_desktop.providers.mediathek.subtitles",
    "aniworld_desktop.providers.registry",
    "aniworld_desktop.scheduler",
    "aniworld_desktop.storage.app_state",
    "aniworld_desktop.storage.catalog",
    "aniworld_desktop.storage.reply_cache",
    "aniworld_desktop.storage.repositories",
)


# aiohttp loads in a thread of its own beside SQLAlchemy (load_service_modules): a fifth of its
# time is not the interpreter's (its TLS contexts read the system's certificates, files are
# read), and the other thread runs meanwhile. What both import is loaded first, so the two never
# wait for a module the other is importing (two threads importing one cycle of modules stop
# with a deadlock error); a test checks that they share nothing else.
SHARED_MODULES = ("email.message", "pickle", "platform", "typing_extensions", "uuid")
SQLALCHEMY_MODULES = (
    "sqlalchemy.ext.asyncio",
    "sqlalchemy.orm",
    "sqlalchemy.exc",
    "sqlalchemy.dialects.sqlite",
)


def load_service_modules() -> None:
    """Import what :func:`open_services` needs (the window calls this in a worker thread, so
    its loop keeps painting while SQLAlchemy and aiohttp load): aiohttp in a second thread
    beside SQLAlchemy, then the rest (0.1-0.2 s sooner than one after the other)."""
    for name in SHARED_MODULES:
        importlib.import_module(name)
    aiohttp_thread = threading.Thread(
        target=importlib.import_module, args=("aiohttp",), name="import aiohttp", daemon=True
    )
    aiohttp_thread.start()
    try:
        for name in SQLALCHEMY_MODULES:
            importlib.import_module(name)
    finally:
        aiohttp_thread.join()
    for name in SERVICE_MODULES:  # aiohttp again: its error, if its thread had one, is raised here
        importlib.import_module(name)


@dataclass(slots=True)
class Services:
    """Everything the window and the CLI use, built once per run.

    Attributes:
        paths: Where this profile keeps its files.
        settings: The settings in force.
        bus: Events from the services.
        downloads: The download queue.
        library: Series and catalogues.
        registry: Known providers.
        notices: Sentences the user must read once at start: a database or settings file that
            could not be used and was set aside. The CLI prints them on stderr; the window
            shows them.
        session: The providers' HTTP session (the film list search of the window uses it).
    """

    paths: ProfilePaths
    settings: Settings
    bus: EventBus
    database: AsyncEngine
    downloads: DownloadService
    library: LibraryService
    registry: ProviderRegistry
    engine: DownloadEngine | ThreadedEngine | ProcessEngine
    metadata: MetadataService
    scheduler: SchedulerService
    mediaservers: MediaServerNotifier
    notices: list[str] = field(default_factory=list)
    session: aiohttp.ClientSession | None = None

    @property
    def library_dir(self) -> Path:
        return self.settings.library(self.paths)

    async def switch_library(self, settings: Settings) -> None:
        """Use the library folder of ``settings`` from now on, without a restart: the library
        (and its scan cache), the downloads, the metadata jobs and the auto-download timer all
        move to it. The caller saved ``settings``; the library service says so on the bus
        (``LibraryFolderChanged``) and the window reloads."""
        library_dir = settings.library(self.paths)
        self.settings = settings
        self.downloads.library_dir = library_dir
        self.metadata.library_dir = library_dir
        self.library.set_library_dir(library_dir)
        # A running timer starts again, so its next run is the new library's.
        if self.scheduler.next_run() is not None:
            await self.scheduler.configure(
                enabled=self.scheduler.enabled,
                interval=self.scheduler.interval,
                cooldown=self.scheduler.cooldown,
            )


@contextlib.asynccontextmanager
async def open_services(
    paths: ProfilePaths,
    settings: Settings,
    *,
    run_downloads: bool = True,
    write_in_thread: bool = True,
    download_thread: bool = True,
    download_process: bool = False,
    demo: bool = False,
    notices: Sequence[str] = (),
    read_only: bool = False,
    read_series_early: bool = False,
    done_limit: int | None = None,
) -> AsyncIterator[Services]:
    """Build the services; on exit stop the workers, close every session, dispose the engine.

    Args:
        paths: The profile's folders.
        settings: The settings in force.
        run_downloads: Start the download workers now (``add`` and ``queue`` do not).
        write_in_thread: Hand disk writes to the process's one writer thread, which pushes
            them to the disk early (downloads/disk.py); False writes on the reading thread.
        download_thread: Run the downloads on an event loop of their own thread, so the bytes
            never pass through the caller's loop (the window's); see downloads/thread.py.
        download_process: Run them in a process of their own instead, where one can be
            started (``downloads/process.py``; the window's choice): they then share no GIL
            with the caller's thread. It runs below the caller when helpers yield
            (``desktop/scheduling.helpers_yield``).
        demo: Follow the demo catalogue's series (served by the app itself) if not yet done.
        notices: Sentences from before (the settings file's), kept first in
            ``Services.notices``; the database's are added after them.
        read_only: A reader (``list``, ``queue``) that does not hold the profile's lock: its
            database refuses writes, and nothing is repaired at start or saved at the end.
            Everyone else holds the lock around this (``storage/profile_lock.py``).
        read_series_early: Start reading the library's series list (its counts) while the
            queue loads, for the first ``library.list_series()`` (the window's opening); see
            ``LibraryService.read_series_early``.
        done_limit: Load only this many of the finished downloads (completed, cancelled), those
            queued last; the rest stays in the database until ``downloads.load_earlier()`` (the
            window's choice: a history of 100,000 rows took it seconds to read and show).
            None loads the whole queue (the commands print or change all of it).
    """
    import aiohttp
    from sqlalchemy.exc import SQLAlchemyError

    from aniworld_desktop import __version__
    from aniworld_desktop.core.events import EventBus
    from aniworld_desktop.desktop.scheduling import helper_steps
    from aniworld_desktop.downloads.engine import DownloadEngine
    from aniworld_desktop.downloads.process import ProcessEngine, process_available
    from aniworld_desktop.downloads.service import DownloadService
    from aniworld_desktop.downloads.thread import ThreadedEngine
    from aniworld_desktop.downloads.throttle import SpeedLimiter
    from aniworld_desktop.library.service import LibraryService
    from aniworld_desktop.mediaservers import MediaServerNotifier
    from aniworld_desktop.metadata.credentials import load_token_secret
    from aniworld_desktop.metadata.service import MetadataOptions, MetadataService
    from aniworld_desktop.net.session import client_session
    from aniworld_desktop.providers.mediathek.subtitles import SubtitleSaver
    from aniworld_desktop.providers.registry import ProviderContext, ProviderRegistry
    from aniworld_desktop.scheduler import SchedulerService
    from aniworld_desktop.storage.app_state import AppStateRepository
    from aniworld_desktop.storage.catalog import CatalogRepository
    from aniworld_desktop.storage.profile_lock import held_elsewhere, open_profile_database
    from aniworld_desktop.storage.reply_cache import SqlReplyCache
    from aniworld_desktop.storage.repositories import SqlQueueRepository

    paths.create()
    library_dir = settings.library(paths)
    if settings.library_dir is None:
        # Our default folder may be created; a configured one that is missing may be an
        # unmounted share, where creating it would fill the local disk instead: the scan says so.
        library_dir.mkdir(parents=True, exist_ok=True)
    all_notices = list(notices)
    database_notices: list[str] = []
    # Entry points and provider imports (a tenth of a second, more on a busy machine) in a
    # thread while the database opens: neither waits for the other.
    discovering = asyncio.ensure_future(
        asyncio.to_thread(ProviderRegistry.discover, ProviderContext(paths.data_dir, settings))
    )
    try:
        database = await open_profile_database(paths, read_only=read_only, notices=database_notices)
    except (SQLAlchemyError, OSError) as exc:
        await _close_registry(discovering)
        raise AniworldError(
            f"Cannot open the database {paths.database}: {_database_reason(exc)}."
        ) from exc
    except BaseException:
        await _close_registry(discovering)
        raise
    for notice in database_notices:
        log.warning("%s", notice)
    all_notices += database_notices
    try:
        async with contextlib.AsyncExitStack() as stack:
            bus = EventBus()
            session = await stack.enter_async_context(
                # The providers' and the library's session: the servers the user trusts by
                # certificate are reached through it, plug-in providers included.
                client_session(
                    settings.trusted_hosts(),
                    timeout=aiohttp.ClientTimeout(total=60, sock_connect=30),
                    headers={"User-Agent": f"aniworld-desktop/{__version__}"},
                )
            )
            make_engine = functools.partial(
                DownloadEngine,
                stall_timeout=settings.stall_timeout,
                min_speed=settings.min_speed,
                min_speed_time=settings.min_speed_time,
                min_free_disk=settings.min_free_disk,
                # Always a limiter (0 = unlimited), so a limit set later applies at once.
                limiter=SpeedLimiter(settings.speed_limit),
                # The disk writes go to the process's one writer thread (downloads/disk.py),
                # which writes back early, while the download thread reads the network.
                write_in_thread=write_in_thread,
                trusted=settings.trusted_hosts(),
            )
            # Entered before the services it follows, so it closes after them: metadata jobs
            # finishing during shutdown still count, and a batch left waiting is reported.
            mediaservers = await stack.enter_async_context(MediaServerNotifier(bus, settings))
            engine: DownloadEngine | ThreadedEngine | ProcessEngine
            if download_process and process_available():
                options = {k: v for k, v in make_engine.keywords.items() if k != "limiter"}
                options["speed_limit"] = settings.speed_limit
                engine = ProcessEngine(options, nice=helper_steps())
            else:
                engine = ThreadedEngine(make_engine) if download_thread else make_engine()
            engine = await stack.enter_async_context(engine)
            downloads = DownloadService(
                SqlQueueRepository(database),
                bus,
                engine,
                library_dir,
                max_downloads=settings.max_downloads,
                max_per_host=settings.max_downloads_per_host,
                max_retries=settings.max_retries,
                retry_base_delay=settings.retry_base_delay,
            )
            # The queue's read (a second with 100,000 rows, most of it on a worker thread) needs
            # neither the providers nor the library: it runs while their discovery ends. No
            # worker starts before the library has set the downloads' resolver (below).
            loading = asyncio.ensure_future(
                downloads.start(
                    run=False,
                    owner=not read_only,
                    running_elsewhere=read_only and held_elsewhere(paths),
                    done_limit=done_limit,
                )
            )
            stack.push_async_callback(_settle, loading)  # an error below waits for it too
            stack.push_async_callback(_close_registry, discovering)
            registry = await discovering
            library = LibraryService(
                CatalogRepository(database),
                downloads,
                registry,
                session,
                library_dir=library_dir,
                naming=settings.naming(),
                scan_cache_file=paths.cache_dir / "scan-cache.json",
                bus=bus,
            )
            downloads.resolver = library.download_request
            if read_series_early:
                library.read_series_early()  # SQLite counts while the queue loads
                stack.push_async_callback(library.drop_early_read)
            metadata = MetadataService(
                CatalogRepository(database),
                bus,
                library_dir,
                MetadataOptions(
                    token="",  # from token_source, once a job needs it
                    api_url=settings.tmdb_api_url,
                    language=settings.metadata_language,
                    artwork_size=settings.artwork_size,
                    artwork=frozenset(k for k in settings.artwork.split(",") if k),
                    trusted_hosts=settings.trusted_hosts(),
                    match_threshold=settings.match_threshold,
                ),
                cache=SqlReplyCache(database, max_age=REPLY_MAX_AGE),
                resolve=library.resolve_reference,
                # A keyring may take a while to import and answer: not on the way to the window.
                token_source=lambda: asyncio.to_thread(load_token_secret, settings),
            )
            stack.push_async_callback(metadata.aclose)
            # The library matches its series on the metadata service's clients: one rate
            # limiter and one reply cache for every TMDB request of the process.
            library.use_tmdb(metadata.tmdb_client, threshold=settings.match_threshold)
            # Follows finished downloads of the film list's films; closed after the downloads
            # stop, so the subtitles of the last episodes are fetched too.
            subtitles = SubtitleSaver(bus, registry, session, lambda: downloads.library_dir)
            await stack.enter_async_context(subtitles)
            await loading
            if run_downloads:
                downloads.start_workers()
            stack.push_async_callback(library.flush)
            stack.push_async_callback(downloads.stop)
            # Not started here: the window starts its timer; run-once calls run_once().
            scheduler = SchedulerService(
                library,
                bus,
                AppStateRepository(database),
                interval=settings.auto_download_interval,
                cooldown=settings.auto_download_cooldown,
                enabled=settings.auto_download,
            )
            stack.push_async_callback(scheduler.aclose)  # pushed last, so it stops first
            if demo:
                await library.follow_demo()
            yield Services(
                paths,
                settings,
                bus,
                database,
                downloads,
                library,
                registry,
                engine,
                metadata,
                scheduler,
                mediaservers,
                all_notices,
                session,
            )
    finally:
        await database.dispose()


async def _settle(loading: asyncio.Future[None]) -> None:
    """Wait for the queue's load to end (its errors are raised where it is awaited)."""
    await asyncio.gather(asyncio.shield(loading), return_exceptions=True)


async def _close_registry(discovering: asyncio.Future[ProviderRegistry]) -> None:
    """Close the providers once their discovery is over (it cannot be cut off in its thread)."""
    try:
        registry = await asyncio.shield(discovering)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await (await discovering).aclose()
        raise
    except Exception:
        return  # discovery failed, so nothing was made; open_services raises its error
    await registry.aclose()


def _database_reason(exc: BaseException) -> str:
    """What SQLite or the system said, without SQLAlchemy's statement and help link."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException):
        exc = orig
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip().rstrip(".") or type(exc).__name__
