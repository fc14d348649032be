"""DownloadService: the persistent queue and the workers that empty it.

The service owns the queue in memory (``QueueItem`` by id) and in the database, runs at most
``max_downloads`` downloads at once (and ``max_per_host`` per server), retries transient failures
with backoff, and tells the world through the event bus. It knows nothing of Qt.

An item waiting out its backoff is pending and holds no slot, so a server that keeps failing
(or crawling) cannot keep other servers' downloads from starting. Each item's part file is
tied to the server's validators stored in its row (see ``downloads.engine``); a part that no
row began is not continued.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import logging
import operator
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.errors import AniworldError, UsageError
from aniworld_desktop.core.events import (
    DownloadFailed,
    DownloadFinished,
    DownloadProgress,
    EventBus,
    QueueEarlierChanged,
    QueueIdle,
    QueueItemsAdded,
    QueueItemsRemoved,
    QueueItemsUpdated,
    QueueItemUpdated,
    QueueReordered,
)
from aniworld_desktop.core.gcpause import collector_paused
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.status import ACTIVE_STATUSES, DONE_STATUSES, DownloadStatus
from aniworld_desktop.downloads.answer import human_size
from aniworld_desktop.downloads.engine import (
    DownloadRequest,
    DownloadResult,
    NewPartCallback,
    ProgressCallback,
    Validators,
)
from aniworld_desktop.downloads.errors import (
    DiskFullError,
    DownloadError,
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.items import ItemIndex
from aniworld_desktop.downloads.part import discard_parts, finished_earlier
from aniworld_desktop.net.retry import retry_delay
from aniworld_desktop.storage.database import DatabaseBusyError, is_busy
from aniworld_desktop.storage.repositories import QueueRepository

log = logging.getLogger(__name__)

S = DownloadStatus
PROGRESS_SAVE_INTERVAL = 5.0  # seconds between writes of bytes_done while downloading
FREEZE_AFTER_LOADING = 10_000  # rows; see core.gcpause
# Pauses between tries of a queue write that found the database busy (each try itself waits
# for SQLite's busy timeout first): another program's transaction gets half a minute or so.
BUSY_RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 4.0)


class Downloader(Protocol):
    """What the service needs from the HTTP engine (the real one is ``DownloadEngine``)."""

    async def download(
        self,
        request: DownloadRequest,
        on_progress: ProgressCallback | None = None,
        on_new_part: NewPartCallback | None = None,
    ) -> DownloadResult: ...

    @staticmethod
    def part_path(destination: Path) -> Path: ...


Resolver = Callable[[QueueItem, Path], Awaitable[DownloadRequest]]
"""Turns a queue item's stored reference into a request (a provider may map ``demo:`` URLs)."""

LibraryCheck = Callable[[], Awaitable[None]]
"""Raises an ``AniworldError`` when the library cannot take a download now (an unplugged share)."""


async def direct_request(item: QueueItem, destination: Path) -> DownloadRequest:
    """The default resolver: the stored URL is the download URL."""
    return DownloadRequest(url=item.url, destination=destination, expected_size=item.expected_size)


def part_of(item: QueueItem) -> tuple[Validators | None, bool]:
    """What a request for ``item`` says about a part file: its validators, and whether a part
    found on disk is someone else's (no row began it) and must not be continued."""
    if item.etag is not None or item.last_modified is not None:
        return Validators(item.etag or None, item.last_modified or None, item.bytes_total), False
    if item.bytes_done > 0:
        # A row from before validators were kept: its part is continued when sizes agree.
        return Validators(size=item.bytes_total), False
    return None, True


class Move(Enum):
    """Where ``DownloadService.move()`` puts the selected items."""

    UP = "up"
    DOWN = "down"
    TOP = "top"
    BOTTOM = "bottom"


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add_to_queue()`` did.

    Attributes:
        added: The new queue items, in priority order.
        duplicates: Keys that already had an active entry (or came twice in the batch).
    """

    added: list[QueueItem]
    duplicates: list[EpisodeKey] = field(default_factory=list)


@dataclass(slots=True)
class _Speed:
    """Smoothed speed of one running download."""

    last_bytes: int
    last_time: float
    bytes_per_second: float = 0.0
    last_saved: float = 0.0


_POSITION = operator.attrgetter("position")


class DownloadService:
    """The download queue.

    Attributes:
        library_dir: Destinations are relative to this folder.
        max_downloads: Downloads running at once.
        max_per_host: Downloads from one server at once.
        max_retries: Retries of a transient failure before an item fails.

    Events:
        QueueItemsAdded, QueueItemUpdated, QueueItemsRemoved, QueueReordered, DownloadProgress,
        DownloadFinished, DownloadFailed, QueueIdle.
    """

    def __init__(
        self,
        repository: QueueRepository,
        bus: EventBus,
        downloader: Downloader,
        library_dir: Path,
        *,
        max_downloads: int = 3,
        max_per_host: int = 2,
        max_retries: int = 3,
        retry_base_delay: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        resolver: Resolver | None = None,
        library_check: LibraryCheck | None = None,
    ) -> None:
        self._repo = repository
        self._bus = bus
        self._downloader = downloader
        self.library_dir = library_dir
        self.max_downloads = max_downloads
        self.max_per_host = max_per_host
        self.max_retries = max_retries
        self.retry_base_delay = retry_base_delay
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter
        self.resolver: Resolver = resolver or direct_request
        # Asked before each download starts; None: the library folder is always there.
        self.library_check: LibraryCheck | None = library_check

        self._items = ItemIndex()
        # Active items (pending, downloading, paused) by episode: the in-memory de-duplication.
        self._pending_by_episode: dict[EpisodeKey, int] = {}
        # Pending items by priority; entries go stale when an item moves or changes state and are
        # dropped when popped (checked against the item's current position and status).
        self._ready: list[tuple[int, int]] = []
        self._running: dict[int, asyncio.Task[None]] = {}
        # Pending items waiting out a retry delay (they hold no slot meanwhile).
        self._waits: dict[int, asyncio.Task[None]] = {}
        self._hosts: Counter[str] = Counter()
        self._speeds: dict[int, _Speed] = {}
        self._lock = asyncio.Lock()  # serialises queue mutations (add, move, state changes)
        self._started = False
        self._stopping = False
        self._hold = 0  # while > 0, no new download starts (a state change is being applied)
        self._writes: set[asyncio.Future[None]] = set()  # database writes under way
        self._unsaved: set[int] = set()  # items whose last state a busy database refused
        self._idle = asyncio.Event()
        self._idle.set()
        self.failed_in_session = 0
        self.completed_in_session = 0
        # Done rows start() left in the database (its done_limit), by state; load_earlier()
        # reads them. New rows go after every stored one, those too.
        self._earlier: Counter[DownloadStatus] = Counter()
        self._top_position = 0

    # ----------------------------------------------------------------- lifecycle

    async def start(
        self,
        *,
        run: bool = True,
        owner: bool = True,
        running_elsewhere: bool = True,
        done_limit: int | None = None,
    ) -> None:
        """Load the queue and put interrupted downloads back to pending.

        Args:
            run: Start downloading now. ``False`` loads the queue only (the ``add`` command).
            owner: This process holds the profile's lock. A reader (``queue``, ``list``) loads
                the rows as they are: a ``downloading`` row may be another process's running
                download, not one a crash left behind.
            running_elsewhere: For a reader: whether another process holds the profile. When
                none does, its ``downloading`` rows were left by a crash, and are shown as the
                ``pending`` they will be put back to (in memory only: a reader writes nothing).
            done_limit: Load only this many done items (completed, cancelled), those queued
                last; the others stay in the database (:meth:`earlier`,
                :meth:`load_earlier`). None loads every row. Items still to do and failed ones
                are always loaded.
        """
        interrupted_shown_pending = not owner and not running_elsewhere
        if owner:
            reset = await self._repo.reset_interrupted()
            if reset:
                log.info("%d interrupted download(s) will resume", reset)
        with collector_paused() as pause:
            if done_limit is None:
                items = await self._repo.load()
            else:
                recent = await self._repo.load_recent(done_limit)
                items, self._earlier = recent.items, recent.earlier
                self._top_position = recent.top_position
            if interrupted_shown_pending:
                items = [
                    item.with_changes(status=S.PENDING) if item.status is S.DOWNLOADING else item
                    for item in items
                ]
            pause.freeze = len(items) >= FREEZE_AFTER_LOADING
            self._items.load(items)
            await asyncio.sleep(0)  # 100k rows must not starve the loop
            active = [item for item in items if item.status in ACTIVE_STATUSES]
            self._pending_by_episode.update((item.key, item.id) for item in active)
            self._ready = [(item.position, item.id) for item in active if item.status is S.PENDING]
            heapq.heapify(self._ready)
        self._started = run
        self._fill_slots()

    def start_workers(self) -> None:
        """Begin downloading after a ``start(run=False)``."""
        self._started = True
        self._fill_slots()

    async def stop(self) -> None:
        """Stop the workers; running items go back to pending so they resume next time."""
        self._stopping = True
        running = dict(self._running)
        tasks = [*running.values(), *self._waits.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._drain_writes()
        # Only the downloads this process ran: a row loaded as "downloading" may be another
        # process's (a reader's view of a running run-once), and is not ours to put back.
        interrupted = [
            self._items[i].with_changes(status=S.PENDING)
            for i in running
            if i in self._items and self._items[i].status is S.DOWNLOADING
        ]
        for item in interrupted:
            self._items[item.id] = item
        unsaved = [self._items[i] for i in self._unsaved if i in self._items]
        changed = list({i.id: i for i in unsaved + interrupted}.values())
        if changed:  # a reader, or an idle queue, writes nothing at all
            await self._repo.save(changed)

    def set_slots(self, max_downloads: int, max_per_host: int) -> None:
        """Downloads at once, and from one server, from now on (the settings dialog's OK): more
        start at once where there is room; over a lowered limit the running ones finish and
        none starts until the count is below it."""
        self.max_downloads, self.max_per_host = max_downloads, max_per_host
        self._fill_slots()

    async def wait_idle(self) -> None:
        """Return once nothing runs and nothing pending can start."""
        while True:
            await self._idle.wait()
            if not self._running and not self._waits:
                return

    # ----------------------------------------------------------------- queries

    def earlier(self) -> Counter[DownloadStatus]:
        """Done items still in the database only (see ``start``'s ``done_limit``), by state."""
        return Counter(self._earlier)

    async def load_earlier(self) -> list[QueueItem]:
        """Load the done items ``start`` left in the database; returns them, in queue order.

        From then on they are items like the others (:meth:`items`, :meth:`remove`, ...).
        """
        async with self._lock:
            if not self._earlier:  # none, or a call before this one loaded them
                return []
            with collector_paused() as pause:
                # Only done rows are missing: the rest loaded at start; we alone write (the lock).
                items, loaded = await self._repo.load(), self._items
                earlier = [i for i in items if i.status in DONE_STATUSES and i.id not in loaded]
                pause.freeze = len(earlier) >= FREEZE_AFTER_LOADING
                self._items.load(earlier)
            self._earlier = Counter()
        log.info("loaded %d earlier finished download(s)", len(earlier))
        self._bus.publish(QueueEarlierChanged(0))
        return earlier

    async def recount_earlier(self) -> None:
        """Count the done rows left in the database again (a series' rows were deleted)."""
        async with self._lock:
            if not self._earlier:
                return
            stored = await self._repo.count_done()
            self._earlier = +(stored - Counter({s: self._items.counts[s] for s in DONE_STATUSES}))
        self._bus.publish(QueueEarlierChanged(self._earlier.total()))

    def items(self) -> list[QueueItem]:
        """The queue's rows in priority order (a snapshot): all of them, unless ``start`` left
        earlier done ones in the database (:meth:`earlier`)."""
        return sorted(self._items.values(), key=_POSITION)

    def current(self, ids: Iterable[int]) -> list[QueueItem]:
        """The items of ``ids`` as they are now, in that order; ids no longer queued are left
        out (the window's start-up adds its snapshot's rows with it, 100,000 at 0.02 s)."""
        return [item for item in map(self._items.get, ids) if item is not None]

    def get(self, item_id: int) -> QueueItem:
        try:
            return self._items[item_id]
        except KeyError:
            raise UsageError(f"There is no queue item {item_id}.") from None

    def is_queued(self, key: EpisodeKey) -> bool:
        return key in self._pending_by_episode

    def counts(self) -> Counter[DownloadStatus]:
        """Items per state (states with none left out); kept up to date, not counted."""
        return +self._items.counts

    # ----------------------------------------------------------------- adding

    async def add_to_queue(self, requests: Iterable[QueueRequest]) -> AddResult:
        """Queue episodes, skipping those already active (in memory, in the batch, or in the DB)."""
        async with self._lock:
            fresh: list[QueueRequest] = []
            duplicates: list[EpisodeKey] = []
            seen: set[EpisodeKey] = set()
            for request in requests:
                if request.key in self._pending_by_episode or request.key in seen:
                    duplicates.append(request.key)
                    continue
                seen.add(request.key)
                fresh.append(request)
            if not fresh:
                return AddResult([], duplicates)
            loaded = max((i.position for i in self._items.values()), default=0)
            first = max(loaded, self._top_position) + 1
            added = await self._repo.insert(fresh, first)
            inserted_keys = {item.key for item in added}
            # Whatever the database refused is already active there (another process added it).
            duplicates.extend(r.key for r in fresh if r.key not in inserted_keys)
            for item in added:
                self._items[item.id] = item
                self._pending_by_episode[item.key] = item.id
                heapq.heappush(self._ready, (item.position, item.id))
        if added:
            self._bus.publish(QueueItemsAdded(tuple(added)))
        if duplicates:
            log.info("skipped %d episode(s) already in the queue", len(duplicates))
        self._fill_slots()
        return AddResult(added, duplicates)

    # ----------------------------------------------------------------- user actions

    async def pause(self, ids: Iterable[int]) -> list[QueueItem]:
        """Pause pending or running items; a running one keeps its partial file."""
        return await self._transition(ids, S.PAUSED, lambda s: s.can_pause())

    async def resume(self, ids: Iterable[int]) -> list[QueueItem]:
        return await self._transition(ids, S.PENDING, lambda s: s.can_resume())

    async def cancel(self, ids: Iterable[int]) -> list[QueueItem]:
        """Cancel items and delete their partial files; they stay in the list as history."""
        return await self._transition(ids, S.CANCELLED, lambda s: s.can_cancel())

    async def retry(self, ids: Iterable[int]) -> list[QueueItem]:
        """Queue failed or cancelled items again (unless the episode is queued once more)."""
        return await self._transition(ids, S.PENDING, lambda s: s.can_retry())

    async def pause_all(self) -> list[QueueItem]:
        return await self.pause(list(self._items))

    async def resume_all(self) -> list[QueueItem]:
        return await self.resume(list(self._items))

    async def cancel_all(self) -> list[QueueItem]:
        """Cancel every pending, running and paused item."""
        return await self.cancel(list(self._items))

    async def retry_failed(self) -> list[QueueItem]:
        return await self.retry(i.id for i in self._items.values() if i.status is S.FAILED)

    async def remove(self, ids: Iterable[int]) -> list[int]:
        """Remove items from the list. Active ones are cancelled first; finished files stay."""
        wanted = [i for i in dict.fromkeys(ids) if i in self._items]
        removed: list[int] = []
        parts: list[Path] = []
        self._hold += 1
        try:
            await self._stop_running(wanted)
            async with self._lock:
                for item_id in wanted:
                    self._cancel_wait(item_id)
                    item = self._items.pop(item_id, None)
                    if item is None:
                        continue
                    # A failed row's part too: a later entry for the episode must not find it.
                    self._part_to_discard(item, parts)
                    self._forget_active(item)
                    removed.append(item_id)
                await discard_parts(parts)
                await self._repo.delete(removed)
        finally:
            self._hold -= 1
        if removed:
            self._bus.publish(QueueItemsRemoved(tuple(removed)))
        self._fill_slots()
        return removed

    async def move(self, ids: Iterable[int], where: Move) -> None:
        """Change the priority of ``ids`` (kept in their relative order)."""
        async with self._lock:
            selected = [i for i in dict.fromkeys(ids) if i in self._items]
            if not selected:
                return
            order = [item.id for item in self.items()]
            chosen = set(selected)
            positions = [self._items[i].position for i in order]
            if where is Move.TOP:
                top = positions[0]
                moved = sorted(selected, key=lambda i: self._items[i].position)
                changes = {i: top - len(moved) + n for n, i in enumerate(moved)}
            elif where is Move.BOTTOM:
                bottom = positions[-1]
                moved = sorted(selected, key=lambda i: self._items[i].position)
                changes = {i: bottom + 1 + n for n, i in enumerate(moved)}
            else:
                new_order = _shift(order, chosen, up=where is Move.UP)
                changes = {
                    item_id: positions[n]
                    for n, item_id in enumerate(new_order)
                    if self._items[item_id].position != positions[n]
                }
            updated = [self._items[i].with_changes(position=p) for i, p in changes.items()]
            await self._save_positions(updated)
        self._positions_changed(updated)

    async def move_before(self, ids: Iterable[int], before: int | None) -> None:
        """Put ``ids`` (in their current order) right before item ``before``, or last (None).

        What a drag within the queue does. Positions in between are renumbered as needed.
        """
        wanted = set(ids)
        async with self._lock:
            order = [item.id for item in self.items()]
            moving = [i for i in order if i in wanted]
            if not moving or before in wanted:
                return
            rest = [i for i in order if i not in wanted]
            cut = rest.index(before) if before in rest else len(rest)
            new_order = rest[:cut] + moving + rest[cut:]
            positions = sorted(self._items[i].position for i in order)
            updated = [
                self._items[item_id].with_changes(position=positions[n])
                for n, item_id in enumerate(new_order)
                if self._items[item_id].position != positions[n]
            ]
            await self._save_positions(updated)
        self._positions_changed(updated)

    # ----------------------------------------------------------------- internals

    async def _save_positions(self, updated: list[QueueItem]) -> None:
        """Keep the new positions of ``updated`` (the lock held): the ready heap, the store."""
        for item in updated:
            self._items[item.id] = item
            if item.status is S.PENDING:
                heapq.heappush(self._ready, (item.position, item.id))
        await self._repo.save(updated)

    def _positions_changed(self, updated: list[QueueItem]) -> None:
        """Announce the new positions (the lock released) and start what is first now."""
        if updated:
            self._bus.publish(QueueReordered(tuple((i.id, i.position) for i in updated)))
            self._fill_slots()

    async def _transition(
        self,
        ids: Iterable[int],
        target: DownloadStatus,
        allowed: Callable[[DownloadStatus], bool],
    ) -> list[QueueItem]:
        wanted = [
            i for i in dict.fromkeys(ids) if i in self._items and allowed(self._items[i].status)
        ]
        changed: list[QueueItem] = []
        self._hold += 1
        try:
            await self._stop_running([i for i in wanted if i in self._running])
            for item_id in wanted:
                self._cancel_wait(item_id)
            await self._apply(wanted, target, allowed, changed)
        finally:
            self._hold -= 1
        if len(changed) == 1:
            self._bus.publish(QueueItemUpdated(changed[0]))
        elif changed:
            self._bus.publish(QueueItemsUpdated(tuple(changed)))
        self._fill_slots()
        return changed

    async def _apply(
        self,
        wanted: list[int],
        target: DownloadStatus,
        allowed: Callable[[DownloadStatus], bool],
        changed: list[QueueItem],
    ) -> None:
        parts: list[Path] = []
        async with self._lock:
            for item_id in wanted:
                item = self._items.get(item_id)
                if item is None or not allowed(item.status):
                    continue
                if target is S.PENDING and not item.status.is_active():
                    # Retrying history: the episode may have been queued again meanwhile.
                    if item.key in self._pending_by_episode:
                        continue
                    item = item.with_changes(
                        attempts=0, error="", finished_at=None, permanent=False
                    )
                if target is S.CANCELLED:
                    self._part_to_discard(item, parts)
                    item = item.with_changes(
                        bytes_done=0, error="", finished_at=utc_now(), etag=None, last_modified=None
                    )
                if item.status is S.DOWNLOADING and target is S.PAUSED:
                    item = item.with_changes(error="")
                item = item.with_changes(status=item.status.check_transition(target))
                self._items[item_id] = item
                if item.status.is_active():
                    self._pending_by_episode[item.key] = item.id
                else:
                    self._forget_active(item)
                if item.status is S.PENDING:
                    heapq.heappush(self._ready, (item.position, item.id))
                changed.append(item)
            await discard_parts(parts)
            await self._repo.save(changed)

    async def _stop_running(self, ids: Sequence[int]) -> None:
        tasks = [self._running[i] for i in ids if i in self._running]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._drain_writes()  # a stopped worker's last write lands before the new state

    def _forget_active(self, item: QueueItem) -> None:
        if self._pending_by_episode.get(item.key) == item.id:
            del self._pending_by_episode[item.key]

    def _part_to_discard(self, item: QueueItem, parts: list[Path]) -> None:
        """Add ``item``'s part file to ``parts`` (deleted by :func:`discard_parts`, the lock
        held) unless another entry for the episode is active: the part is that one's now."""
        owner = self._pending_by_episode.get(item.key)
        if owner is None or owner == item.id:
            parts.append(self._downloader.part_path(self.library_dir / item.destination))

    def _cancel_wait(self, item_id: int) -> None:
        wait = self._waits.pop(item_id, None)
        if wait is not None:
            wait.cancel()

    def _retry_later(self, item_id: int, delay: float) -> None:
        """Start ``item_id`` again after ``delay`` seconds; it holds no slot meanwhile."""
        task = asyncio.create_task(self._wait(delay), name=f"retry-{item_id}")
        self._waits[item_id] = task
        task.add_done_callback(functools.partial(self._retry_due, item_id))

    async def _wait(self, delay: float) -> None:
        await self._sleep(delay)

    def _retry_due(self, item_id: int, task: asyncio.Task[None]) -> None:
        if self._waits.get(item_id) is task:
            del self._waits[item_id]
        item = self._items.get(item_id)
        if not task.cancelled() and item is not None and item.status is S.PENDING:
            heapq.heappush(self._ready, (item.position, item.id))
        self._fill_slots()

    def _fill_slots(self) -> None:
        """Start pending items in priority order while slots (total and per host) are free."""
        if not self._started or self._stopping or self._hold:
            return
        deferred: list[tuple[int, int]] = []
        while self._ready and len(self._running) < self.max_downloads:
            position, item_id = heapq.heappop(self._ready)
            item = self._items.get(item_id)
            if item is None or item.status is not S.PENDING or item.position != position:
                continue  # a stale entry
            if item_id in self._running or item_id in self._waits:
                continue  # a waiting item is pushed again when its delay is over
            host = _server(item.url)
            if self._hosts[host] >= self.max_per_host:
                deferred.append((position, item_id))
                continue
            self._hosts[host] += 1
            task = asyncio.create_task(self._run(item_id), name=f"download-{item_id}")
            # A done callback, not a ``finally`` in _run: a task cancelled before its first step
            # never runs its body, and its slot must still be given back.
            task.add_done_callback(functools.partial(self._release_slot, item_id, host))
            self._running[item_id] = task
        for entry in deferred:
            heapq.heappush(self._ready, entry)
        if self._running or self._waits:
            self._idle.clear()
        elif not self._idle.is_set():
            self._idle.set()
            self._bus.publish(QueueIdle())

    async def _run(self, item_id: int) -> None:
        try:
            await self._download_with_retries(item_id)
        except asyncio.CancelledError:
            pass  # pause, cancel, remove or shutdown: whoever cancelled sets the new state
        except Exception:
            log.exception("download %d crashed", item_id)
            await self._finish_failed(item_id, "An unexpected error stopped this download.")

    def _release_slot(self, item_id: int, host: str, task: asyncio.Task[None]) -> None:
        if self._running.get(item_id) is task:
            del self._running[item_id]
        self._speeds.pop(item_id, None)
        self._hosts[host] -= 1
        if self._hosts[host] <= 0:
            del self._hosts[host]
        self._fill_slots()

    async def _download_with_retries(self, item_id: int) -> None:
        item = await self._update(item_id, status=S.DOWNLOADING, error="")
        # In the user's words: the activity panel shows these lines (translated by the window).
        log.info("Downloading %s %s.", item.series_title, item.key.label())
        destination = self.library_dir / item.destination
        # Begun: bytes reported, or the validators its part began with (saved at once; its
        # progress only every few seconds, so a small file may finish with none reported).
        began = item.bytes_done or item.etag is not None or item.last_modified is not None
        if began and item.bytes_total:
            part = self._downloader.part_path(destination)
            if await asyncio.to_thread(finished_earlier, destination, part, item.bytes_total):
                # The last run moved the file into place, then was killed before saying so.
                await self._complete(item_id, item.bytes_total)
                return
        attempt = item.attempts
        self._speeds[item_id] = _Speed(item.bytes_done, self._clock())
        try:
            if self.library_check is not None:
                # Before any folder is made: an unplugged share's empty mount point is not
                # the library, and the local disk under it must not fill up.
                await self.library_check()
            request = await self.resolver(item, destination)
            validators, discard = part_of(item)
            request = replace(request, validators=validators, discard_part=discard)
            result = await self._downloader.download(
                request,
                lambda done, total: self._on_progress(item_id, done, total),
                functools.partial(self._new_part, item_id),
            )
        except DownloadError as error:
            if not error.retryable or attempt >= self.max_retries:
                await self._finish_failed(item_id, error.message, permanent=_gone(error))
                return
            attempt += 1
            delay = retry_delay(
                attempt,
                base=self.retry_base_delay,
                jitter=self._jitter(),
                retry_after=error.retry_after,
            )
            note = (
                f"{error.message} Retrying in {delay:.0f} s "
                f"(attempt {attempt} of {self.max_retries})."
            )
            log.info("%s %s: %s", item.series_title, item.key.label(), note)
            # Back to pending for the wait, giving its slot to the next item meanwhile.
            await self._update(item_id, status=S.PENDING, attempts=attempt, error=note)
            self._retry_later(item_id, delay)
            return
        except AniworldError as error:
            # The source no longer knows the episode, or cannot say where it is, or the
            # library is not there.
            await self._finish_failed(item_id, str(error))
            return
        await self._complete(item_id, result.size)

    async def _new_part(self, item_id: int, validators: Validators) -> None:
        """Store what the server said about the file before the item's part file begins."""
        _, saved = await self._update_saved(
            item_id,
            etag=validators.etag or "",
            last_modified=validators.last_modified or "",
            bytes_done=0,
            bytes_total=validators.size,
        )
        if not saved:
            # Without them stored, a part could not be told from another version's later.
            raise TransientDownloadError(
                "The queue database is busy, so the download could not begin; it will be retried."
            )

    async def _complete(self, item_id: int, size: int) -> None:
        item = await self._update(
            item_id,
            status=S.COMPLETED,
            bytes_done=size,
            bytes_total=size,
            error="",
            finished_at=utc_now(),
        )
        self._forget_active(item)
        self.completed_in_session += 1
        log.info("Finished %s %s (%s).", item.series_title, item.key.label(), human_size(size))
        self._bus.publish(DownloadFinished(item))

    async def _finish_failed(self, item_id: int, reason: str, *, permanent: bool = False) -> None:
        item = await self._update(
            item_id, status=S.FAILED, error=reason, finished_at=utc_now(), permanent=permanent
        )
        self._forget_active(item)
        self.failed_in_session += 1
        log.warning("%s %s failed: %s", item.series_title, item.key.label(), reason)
        self._bus.publish(DownloadFailed(item, reason))

    async def _update(self, item_id: int, **changes: object) -> QueueItem:
        item, _ = await self._update_saved(item_id, **changes)
        return item

    async def _update_saved(self, item_id: int, **changes: object) -> tuple[QueueItem, bool]:
        """Change an item in memory, save it, announce it; also say whether it was saved."""
        item = self._items[item_id]
        status = changes.get("status")
        if isinstance(status, DownloadStatus) and status is not item.status:
            item.status.check_transition(status)
        item = item.with_changes(**changes)
        self._items[item_id] = item
        saved = await self._save_item(item)
        self._bus.publish(QueueItemUpdated(item))
        return item, saved

    async def _save_item(self, item: QueueItem) -> bool:
        """Write ``item``'s row; returns False when the database stayed busy.

        Another program (or another Aniworld Desktop) holding the database is not this
        download's failure: the write is tried again a few times, and if it still cannot be
        done the item goes on in memory, to be written with its next change.
        """
        for delay in (*BUSY_RETRY_DELAYS, None):
            try:
                await self._write(self._repo.save([self._items.get(item.id, item)]))
            except Exception as exc:
                if not (isinstance(exc, DatabaseBusyError) or is_busy(exc)):
                    raise
                if delay is None:
                    self._unsaved.add(item.id)
                    log.warning(
                        "The queue database is busy (another program is using it), so the "
                        "state of %s could not be saved; it is kept in memory and saved "
                        "with the next change.",
                        item.title or item.destination,
                    )
                    return False
                await asyncio.sleep(delay)
            else:
                self._unsaved.discard(item.id)
                return True
        return False  # not reached: the loop returns or raises

    async def _write(self, write: Awaitable[None]) -> None:
        """Run a database write that a cancellation (pause, cancel, quit) cannot cut in half.

        A transaction torn by a cancel left aiosqlite connections half closed, and the loop's
        shutdown waited for them forever. The write finishes in its own task; whoever cancels
        waits for it (``_drain_writes``) before writing the item's next state.
        """
        task = asyncio.ensure_future(write)
        self._writes.add(task)
        task.add_done_callback(self._write_done)
        await asyncio.shield(task)

    def _write_done(self, task: asyncio.Future[None]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("saving the queue failed: %s", task.exception())

    async def _drain_writes(self) -> None:
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    def _on_progress(self, item_id: int, done: int, total: int | None) -> None:
        item = self._items.get(item_id)
        speed = self._speeds.get(item_id)
        if item is None or speed is None:
            return
        now = self._clock()
        elapsed = now - speed.last_time
        if elapsed > 0:
            instant = max(0, done - speed.last_bytes) / elapsed
            # An exponential average: steady enough to read, quick enough to follow a change.
            speed.bytes_per_second = (
                instant
                if speed.bytes_per_second == 0
                else 0.7 * speed.bytes_per_second + 0.3 * instant
            )
        speed.last_bytes, speed.last_time = done, now
        item = item.with_changes(bytes_done=done, bytes_total=total)
        self._items[item_id] = item
        self._bus.publish(DownloadProgress(item_id, done, total, speed.bytes_per_second))
        if now - speed.last_saved >= PROGRESS_SAVE_INTERVAL:
            speed.last_saved = now
            task = asyncio.ensure_future(self._repo.save_progress(item_id, done, total))
            self._writes.add(task)
            task.add_done_callback(self._write_done)

    def speed(self, item_id: int) -> float:
        """Current speed of a running item in bytes per second (0 when not running)."""
        speed = self._speeds.get(item_id)
        return speed.bytes_per_second if speed else 0.0

    def speeds(self) -> dict[int, float]:
        """Current speed of each running item, by id."""
        return {item_id: speed.bytes_per_second for item_id, speed in self._speeds.items()}

    def total_speed(self) -> float:
        return sum(s.bytes_per_second for s in self._speeds.values())


def _shift(order: list[int], chosen: set[int], *, up: bool) -> list[int]:
    """Move each chosen id one step up (or down) past an unchosen neighbour."""
    result = list(order) if up else list(reversed(order))
    for n in range(1, len(result)):
        if result[n] in chosen and result[n - 1] not in chosen:
            result[n - 1], result[n] = result[n], result[n - 1]
    return result if up else list(reversed(result))


def _gone(error: DownloadError) -> bool:
    """Whether the source refused this URL for good (404, 410, not a video), as opposed to a
    full disk or an unwritable library, which the next run may well get past."""
    return isinstance(error, PermanentDownloadError) and not isinstance(
        error, DiskFullError | LibraryWriteError
    )


def _server(url: str) -> str:
    """The per-host limit's key: host and port, so two servers on one machine count apart."""
    return urlsplit(url).netloc.lower()
