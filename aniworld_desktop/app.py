"""Composition root: the command line, the profile, the services, and the window or headless run.

``aniworld-desktop`` opens the window; ``add``, ``queue`` and ``run-once`` work without one (a NAS,
a cron job) through the very same services. Exit codes: 0 success, 1 some download failed,
2 usage or configuration error. Errors are one line on stderr; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import logging.handlers
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from aniworld_desktop import __version__
from aniworld_desktop.config import ProfilePaths, Settings, load_settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.events import EventBus
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.downloads.throttle import SpeedLimiter
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.database import open_database
from aniworld_desktop.storage.repositories import CatalogRepository, SqlQueueRepository

log = logging.getLogger("aniworld_desktop")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
    """

    paths: ProfilePaths
    settings: Settings
    bus: EventBus
    database: AsyncEngine
    downloads: DownloadService
    library: LibraryService
    registry: ProviderRegistry
    engine: DownloadEngine

    @property
    def library_dir(self) -> Path:
        return self.settings.library(self.paths)


@contextlib.asynccontextmanager
async def open_services(
    paths: ProfilePaths,
    settings: Settings,
    *,
    run_downloads: bool = True,
    write_in_thread: bool = True,
) -> AsyncIterator[Services]:
    """Build the services; on exit stop the workers, close every session, dispose the engine.

    Args:
        paths: The profile's folders.
        settings: The settings in force.
        run_downloads: Start the download workers now (``add`` and ``queue`` do not).
        write_in_thread: Hand disk writes to a thread; measured faster on both the stdlib loop
            and qasync's (tests/benchmarks/download_throughput.py).
    """
    paths.create()
    library_dir = settings.library(paths)
    try:
        database = await open_database(paths.database)
    except (SQLAlchemyError, OSError) as exc:
        raise AniworldError(f"Cannot open the database {paths.database}: {exc}") from exc
    try:
        bus = EventBus()
        limiter = SpeedLimiter(settings.speed_limit) if settings.speed_limit else None
        async with (
            aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=60, sock_connect=30),
                headers={"User-Agent": f"aniworld-desktop/{__version__}"},
            ) as session,
            DownloadEngine(
                stall_timeout=settings.stall_timeout,
                min_free_disk=settings.min_free_disk,
                limiter=limiter,
                write_in_thread=write_in_thread,
            ) as engine,
        ):
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
            registry = ProviderRegistry.discover()
            library = LibraryService(CatalogRepository(database), downloads, registry, session)
            await downloads.start(run=run_downloads)
            services = Services(
                paths, settings, bus, database, downloads, library, registry, engine
            )
            try:
                yield services
            finally:
                await downloads.stop()
    finally:
        await database.dispose()


# --------------------------------------------------------------------- command line


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aniworld-desktop",
        description="Follow series, download what is missing, describe it for Kodi and Jellyfin.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--profile", type=Path, help="folder for the database, settings and logs")
    parser.add_argument("--demo", action="store_true", help="use a separate demo profile")
    parser.add_argument("--minimized", action="store_true", help="start without showing the window")
    parser.add_argument("--debug", action="store_true", help="log everything, show tracebacks")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = commands.add_parser("add", help="follow a series or queue a media URL")
    add.add_argument("url")
    add.add_argument("--provider", help="provider name (default: chosen from the URL)")
    add.add_argument("--json", action="store_true", help="print the result as JSON")

    queue = commands.add_parser("queue", help="print the download queue")
    queue.add_argument("--json", action="store_true", help="print JSON")

    run = commands.add_parser("run-once", help="download the queue until it is idle, then exit")
    run.add_argument("--json", action="store_true", help="print the final queue as JSON")
    return parser


def profile_paths(args: argparse.Namespace) -> ProfilePaths:
    if args.profile is not None:
        return ProfilePaths.for_profile(args.profile)
    if args.demo:
        default = ProfilePaths.for_profile(None)
        return ProfilePaths.for_profile(default.data_dir / "demo")
    return ProfilePaths.for_profile(None)


def setup_logging(paths: ProfilePaths, *, debug: bool, console_level: int) -> None:
    """A rotating log file in the profile, and terse lines on stderr."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        paths.log_dir / "aniworld.log", maxBytes=2 << 20, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if debug else console_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root.addHandler(file_handler)
    root.addHandler(console)


async def _cmd_add(services: Services, args: argparse.Namespace) -> int:
    result = await services.library.add_url(args.url, args.provider)
    queued = result.queued
    if args.json:
        payload = {
            "provider": result.provider,
            "series": result.series.title,
            "series_id": result.series.id,
            "episodes": len(result.episodes),
            "queued": [item.to_json() for item in queued.added] if queued else [],
            "already_queued": len(queued.duplicates) if queued else 0,
        }
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    if queued is None:
        print(f"Following {result.series.title} ({len(result.episodes)} episodes).")
    else:
        for item in queued.added:
            print(
                f"Queued #{item.id}: {item.series_title} {item.key.label()} -> {item.destination}"
            )
        if queued.duplicates:
            print(f"Already in the queue: {len(queued.duplicates)} episode(s).")
    return EXIT_OK


def _print_queue(services: Services, as_json: bool) -> None:
    items = services.downloads.items()
    if as_json:
        print(json.dumps([item.to_json() for item in items], indent=2))
        return
    if not items:
        print("The queue is empty.")
        return
    for item in items:
        total = f"{item.bytes_total}" if item.bytes_total is not None else "?"
        line = (
            f"#{item.id:<5} {item.status.value:<11} {item.series_title} {item.key.label()}"
            f"  {item.bytes_done}/{total} bytes"
        )
        if item.error:
            line += f"  ({item.error})"
        print(line)


async def _cmd_run_once(services: Services, args: argparse.Namespace, stop: asyncio.Event) -> int:
    downloads = services.downloads
    services.downloads.start_workers()
    idle = asyncio.ensure_future(downloads.wait_idle())
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({idle, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in (idle, stopped):
        task.cancel()
    if stop.is_set():
        print("Interrupted; unfinished downloads resume next time.", file=sys.stderr)
        return EXIT_FAILED
    _print_queue(services, args.json)
    if not args.json:
        print(f"{downloads.completed_in_session} completed, {downloads.failed_in_session} failed.")
    return EXIT_FAILED if downloads.failed_in_session else EXIT_OK


async def run_command(args: argparse.Namespace, paths: ProfilePaths, settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with open_services(paths, settings, run_downloads=False) as services:
        if args.command == "add":
            return await _cmd_add(services, args)
        if args.command == "queue":
            _print_queue(services, args.json)
            return EXIT_OK
        return await _cmd_run_once(services, args, stop)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        paths = profile_paths(args)
        settings = load_settings(paths)
        setup_logging(
            paths,
            debug=args.debug,
            console_level=logging.ERROR if args.command else logging.WARNING,
        )
        if args.command is None:
            from aniworld_desktop.ui.qtapp import run_window  # Qt only when there is a window

            return run_window(paths, settings, minimized=args.minimized)
        return asyncio.run(run_command(args, paths, settings))
    except AniworldError as exc:
        if args.debug:
            log.exception("stopped")
        print(f"aniworld-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
