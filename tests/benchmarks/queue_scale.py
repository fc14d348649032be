"""Queue at scale: add 10,000 episodes in one call, and load 100,000 rows without stalling the loop.

Goals (../shared/BRIEF.md): adding 10,000 episodes to the queue in one call, commit included,
<= 0.5 s; loading 100,000 queue rows at start-up stalls the event loop by at most 50 ms.

Run: .venv/bin/python tests/benchmarks/queue_scale.py [--rows 100000] [--add 10000]
The last line is the verdict: ``queue_scale: ... PASS`` or ``FAIL``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import insert

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.core.queue import QueueRequest
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.storage.database import open_database
from aniworld_desktop.storage.repositories import SqlQueueRepository
from aniworld_desktop.storage.tables import queue_table

ADD_GOAL = 0.5
STALL_GOAL = 0.050


class LatenessMonitor:
    """Measures how late a 1 ms ticker wakes up: the longest time the loop was blocked."""

    def __init__(self, tick: float = 0.001) -> None:
        self.tick = tick
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.tick
            await asyncio.sleep(self.tick)
            self.worst = max(self.worst, loop.time() - expected)

    async def __aenter__(self) -> LatenessMonitor:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def make_service(engine, library: Path) -> DownloadService:
    return DownloadService(SqlQueueRepository(engine), EventBus(), DownloadEngine, library)


async def seed_episodes(engine, series_count: int, per_series: int):
    catalog = CatalogRepository(engine)
    episodes = []
    for s in range(series_count):
        series = await catalog.ensure_series(f"Series {s}", "direct", f"bench:{s}", f"Series {s}")
        episodes += [
            (series, e)
            for e in await catalog.upsert_episodes(
                series.id,
                [
                    NewEpisode(1, n, f"Episode {n}", f"http://127.0.0.1/{s}/{n}.mp4")
                    for n in range(per_series)
                ],
            )
        ]
    return episodes


async def measure_add(root: Path, count: int) -> float:
    engine = await open_database(root / "add.sqlite3")
    try:
        episodes = await seed_episodes(engine, 10, count // 10)
        service = make_service(engine, root / "library")
        await service.start(run=False)
        requests = [
            QueueRequest(e.id, e.key, e.url, f"{s.folder}/{e.number}.mp4", s.title, e.title)
            for s, e in episodes
        ]
        started = time.perf_counter()
        result = await service.add_to_queue(requests)
        elapsed = time.perf_counter() - started
        assert len(result.added) == count, len(result.added)
        return elapsed
    finally:
        await engine.dispose()


async def measure_load(root: Path, rows: int) -> tuple[float, float]:
    path = root / "load.sqlite3"
    engine = await open_database(path)
    try:
        episodes = await seed_episodes(engine, 50, rows // 50)
        async with engine.begin() as conn:
            await conn.execute(
                insert(queue_table),
                [
                    {
                        "episode_id": e.id,
                        "status": "pending" if n % 3 else "completed",
                        "position": n,
                        "url": e.url,
                        "destination": f"x/{n}.mp4",
                        "bytes_done": 0,
                        "error": "",
                        "attempts": 0,
                    }
                    for n, (_, e) in enumerate(episodes)
                ],
            )
    finally:
        await engine.dispose()

    engine = await open_database(path)  # a cold start on the filled database
    try:
        service = make_service(engine, root / "library")
        async with LatenessMonitor() as monitor:
            started = time.perf_counter()
            await service.start(run=False)
            elapsed = time.perf_counter() - started
        assert len(service.items()) == rows
        return elapsed, monitor.worst
    finally:
        await engine.dispose()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--add", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        add_time = await measure_add(root, args.add)
        load_time, stall = await measure_load(root, args.rows)
    print(f"add {args.add} episodes in one call: {add_time:.3f} s (goal <= {ADD_GOAL} s)")
    print(
        f"load {args.rows} queue rows: {load_time:.3f} s, longest loop stall {stall * 1000:.1f} ms (goal <= {STALL_GOAL * 1000:.0f} ms)"
    )
    ok = add_time <= ADD_GOAL and stall <= STALL_GOAL
    verdict = "PASS" if ok else "FAIL"
    print(
        f"queue_scale: add {args.add} {add_time:.3f} s, load {args.rows} stall {stall * 1000:.1f} ms "
        f"(goal <={ADD_GOAL} s, <={STALL_GOAL * 1000:.0f} ms) {verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
