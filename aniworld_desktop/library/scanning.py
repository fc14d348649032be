"""Scanning the library: which episodes are on disk, and whether the library is there at all.

:class:`LibraryScanner` walks the library folder (through :mod:`~aniworld_desktop.library.scanner`
and its cache), matches the files to the catalogue on worker threads, records them, and follows
the folders no series holds as series without a source. A library that is not there (an
unplugged drive, a share not mounted) must never look like one whose files were all deleted;
its checks say so with :class:`LibraryUnavailableError`, for scans and for downloads alike.
No Qt here.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISDIR

from aniworld_desktop.core.events import EventBus, SeriesChanged
from aniworld_desktop.core.gcpause import collector_paused, release
from aniworld_desktop.core.models import SeriesRecord
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.folders import parse_series_folder
from aniworld_desktop.library.matching import episodes_for
from aniworld_desktop.library.scanner import ScanCache, ScannedFile, ScanResult, scan_library
from aniworld_desktop.storage.catalog import (
    CatalogRepository,
    FoundEpisode,
    KnownEpisode,
    NewLocalSeries,
)

__all__ = ["FREEZE_AFTER", "LibraryScanner", "ScanSummary", "series_folders"]

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


class LibraryScanner:
    """The library folder's walk, its scan cache, and the checks that it is really there.

    Attributes:
        library_dir: The library root (see :meth:`use_folder`).

    Events:
        SeriesChanged: For each folder a scan followed as a new series.
    """

    def __init__(
        self,
        catalog: CatalogRepository,
        *,
        library_dir: Path,
        scan_cache_file: Path | None = None,
        bus: EventBus | None = None,
    ) -> None:
        self._catalog = catalog
        self.library_dir = library_dir
        self._scan_cache_file = scan_cache_file
        self._bus = bus
        self._scan_lock = asyncio.Lock()
        self._scan_cache: ScanCache | None = None  # loaded once, kept between scans
        # The library folder's device and inode when a scan last found videos in it.
        self._seen_identity: tuple[int, int] | None = None
        self._cache_loaded = False  # the cache was read from its file since the last freeze

    def use_folder(self, library_dir: Path) -> None:
        """Scan another library folder from now on; the old folder's scan cache is dropped."""
        self.library_dir = library_dir
        self._scan_cache = None

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

    async def walk(self) -> ScanResult:
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
