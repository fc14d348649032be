"""Fakes for unit tests of DownloadService: an in-memory queue repository and a scripted downloader.

The repository keeps the database's rule (one active entry per episode) so the service's second
level of de-duplication is exercised without SQLite; everything beyond unit tests uses the real one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.engine import DownloadRequest, DownloadResult


class MemoryQueueRepository:
    """QueueRepository over a dict; ``saves`` counts writes for assertions."""

    def __init__(self) -> None:
        self.rows: dict[int, QueueItem] = {}
        self.next_id = 1
        self.saves = 0

    async def load(self) -> list[QueueItem]:
        return sorted(self.rows.values(), key=lambda i: i.position)

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
