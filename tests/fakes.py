"""Fakes: an in-memory queue repository and a scripted downloader for DownloadService's unit tests,
and a provider whose catalogue a test edits, for the library's.

The repository keeps the database's rule (one active entry per episode) so the service's second
level of de-duplication is exercised without SQLite; everything beyond unit tests uses the real one.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp

from aniworld_desktop.core.models import Monitoring, MonitorMode
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.status import DONE_STATUSES, DownloadStatus
from aniworld_desktop.downloads.engine import DownloadRequest, DownloadResult
from aniworld_desktop.providers.base import (
    EpisodeInfo,
    EpisodeKind,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
)
from aniworld_desktop.storage.repositories import RecentQueue

# Following a feed wants only its new episodes by default; tests of missing and queueing that
# follow a feed's back catalogue say so.
EVERYTHING = Monitoring(MonitorMode.ALL)


class MemoryQueueRepository:
    """QueueRepository over a dict; ``saves`` counts writes for assertions."""

    def __init__(self) -> None:
        self.rows: dict[int, QueueItem] = {}
        self.next_id = 1
        self.saves = 0

    async def load(self) -> list[QueueItem]:
        return sorted(self.rows.values(), key=lambda i: i.position)

    async def load_recent(self, done_limit: int) -> RecentQueue:
        done = sorted(
            (i for i in self.rows.values() if i.status in DONE_STATUSES),
            key=lambda i: i.id,
            reverse=True,
        )
        kept = {i.id for i in done[:done_limit]}
        items = [i for i in await self.load() if i.status not in DONE_STATUSES or i.id in kept]
        earlier = Counter(i.status for i in done[done_limit:])
        top = max((i.position for i in self.rows.values()), default=0)
        return RecentQueue(items, earlier, top)

    async def count_done(self) -> Counter[DownloadStatus]:
        return Counter(i.status for i in self.rows.values() if i.status in DONE_STATUSES)

    async def reset_interrupted(self) -> int:
        stuck = [i for i in self.rows.values() if i.status is DownloadStatus.DOWNLOADING]
        for item in stuck:
            self.rows[item.id] = item.with_changes(status=DownloadStatus.PENDING)
        return len(stuck)

    async def insert(self, requests, first_position: int) -> list[QueueItem]:
        active = {i.episode_id for i in self.rows.values() if i.status.is_active()}
        added = []
        for n, r in enumerate(requests):
            if r.episode_id in active:
                continue
            item = QueueItem(
                id=self.next_id,
                episode_id=r.episode_id,
                key=r.key,
                series_title=r.series_title,
                title=r.title,
                url=r.url,
                destination=r.destination,
                status=DownloadStatus.PENDING,
                position=first_position + n,
                bytes_total=r.expected_size,
                expected_size=r.expected_size,
            )
            self.next_id += 1
            self.rows[item.id] = item
            active.add(r.episode_id)
            added.append(item)
        return added

    async def save(self, items) -> None:
        self.saves += 1
        for item in items:
            if item.id in self.rows:
                self.rows[item.id] = item

    async def save_progress(self, item_id, bytes_done, bytes_total) -> None:
        item = self.rows.get(item_id)
        if item is not None and item.status is DownloadStatus.DOWNLOADING:
            self.rows[item_id] = item.with_changes(bytes_done=bytes_done, bytes_total=bytes_total)

    async def delete(self, ids) -> None:
        for i in ids:
            self.rows.pop(i, None)


@dataclass
class ScriptedDownloader:
    """Downloader whose outcome per URL is scripted: a list of exceptions, then success.

    ``gates[url]`` (an asyncio.Event) holds a download until set, so tests can act while it runs.
    """

    size: int = 1000
    outcomes: dict[str, list[BaseException]] = field(default_factory=dict)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    requests: list[DownloadRequest] = field(default_factory=list)
    started: defaultdict[str, asyncio.Event] = field(
        default_factory=lambda: defaultdict(asyncio.Event)
    )

    async def download(
        self, request: DownloadRequest, on_progress=None, on_new_part=None
    ) -> DownloadResult:
        self.calls.append(request.url)
        self.requests.append(request)
        self.started[request.url].set()
        if on_progress:
            on_progress(self.size // 2, self.size)
        gate = self.gates.get(request.url)
        if gate is not None:
            await gate.wait()
        pending = self.outcomes.get(request.url)
        if pending:
            raise pending.pop(0)
        if on_progress:
            on_progress(self.size, self.size)
        return DownloadResult(request.destination, self.size, 0)

    @staticmethod
    def part_path(destination: Path) -> Path:
        return destination.with_name(destination.name + ".part")


def make_requests(
    count: int, series_id: int = 1, season: int = 1, host: str = "h"
) -> list[QueueRequest]:
    from aniworld_desktop.core.episode import EpisodeKey

    return [
        QueueRequest(
            episode_id=series_id * 100000 + season * 1000 + n,
            key=EpisodeKey(series_id, season, n),
            url=f"http://{host}/{series_id}/{season}/{n}.mp4",
            destination=f"S{series_id}/Season {season:02d}/{n}.mp4",
            series_title=f"Series {series_id}",
        )
        for n in range(1, count + 1)
    ]


class FakeFeed:
    """A provider of ``fake:`` references whose catalogue the test edits; counts its fetches.

    Attributes:
        info: What a fetch returns (None when the validators match its ETag: a 304).
        fetches: The validators of each fetch, oldest first.
        fail: Fetches raise ``ProviderError("The feed is gone (HTTP 410).")``.
        failure: Fetches raise this instead (what a plug-in might let through).
        resolved: Reference to today's URL; ``headers`` and ``expected_size`` come with it.
    """

    name = "fake"

    def __init__(self) -> None:
        self.info = SeriesInfo(
            "Harbor Lights",
            "fake:harbor",
            (
                EpisodeInfo(1, 1, "Fog", "fake:harbor/1"),
                EpisodeInfo(1, 2, "Tide", "fake:harbor/2", air_date=date(2026, 1, 1)),
                EpisodeInfo(1, 3, "Storm", "fake:harbor/3", air_date=date(2027, 1, 1)),
                EpisodeInfo(1, None, "Teaser", "fake:harbor/t", kind=EpisodeKind.TRAILER),
                EpisodeInfo(0, 1, "Behind the Lights", "fake:harbor/s1"),
            ),
            year=2024,
            description="A lighthouse keeper.",
            validators=Validators(etag='"v1"'),
        )
        self.fetches: list[Validators | None] = []
        self.fail = False
        self.failure: BaseException | None = None
        self.resolved: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self.expected_size: int | None = None

    def can_handle(self, url: str) -> bool:
        return url.startswith("fake:")

    def recognises(self, content_type: str, head: bytes) -> bool:
        return head.startswith(b"FAKE-CATALOGUE")

    async def fetch(
        self, url: str, session: aiohttp.ClientSession, validators: Validators | None = None
    ) -> SeriesInfo | None:
        self.fetches.append(validators)
        if self.fail:
            raise ProviderError("The feed is gone (HTTP 410).")
        if self.failure is not None:
            raise self.failure
        if validators is not None and validators.etag == self.info.validators.etag:
            return None
        return self.info

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        if url not in self.resolved:
            raise ProviderError(f"{url} is gone.")
        return ResolvedDownload(self.resolved[url], self.headers, self.expected_size)
