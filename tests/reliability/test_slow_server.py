"""A server that drips one byte a second (issue 16, item 2).

It never goes silent long enough for the stall timeout, so without a lowest-speed rule the
download held its slot for ever, the episodes behind it never started, and ``run-once`` (an
hourly cron job) never ended. The rule gives such a transfer up as transient; while it waits
for its retry it holds no slot, so a healthy server's file arrives meanwhile.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aniworld_desktop.core.events import DownloadFailed, DownloadFinished, EventBus
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import queue_request
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fault_server import FaultServer
from tests.integration.test_run_once import run_cli

MIN_SPEED = 2000  # bytes a second; the drip sends 1
MIN_SPEED_TIME = 0.6  # seconds


async def test_a_dripping_server_is_given_up_and_another_servers_file_arrives(
    database: Any, tmp_path: Path
) -> None:
    events: list[object] = []
    bus = EventBus()
    bus.subscribe(DownloadFinished, events.append)
    bus.subscribe(DownloadFailed, events.append)
    library = tmp_path / "library"
    async with (
        FaultServer(tmp_path / "drip") as drip,
        FaultServer(tmp_path / "good") as good,
        DownloadEngine(
            stall_timeout=30.0, min_speed=MIN_SPEED, min_speed_time=MIN_SPEED_TIME
        ) as engine,
    ):
        drip.add_payload("slow.mkv", 100_000, seed=1)
        data = good.add_payload("fine.mkv", 300_000, seed=2)
        # One slot for everything: the dripping item, first in line, must let it go.
        service = DownloadService(
            SqlQueueRepository(database),
            bus,
            engine,
            library,
            max_downloads=1,
            max_retries=2,
            retry_base_delay=0.2,
        )
        await service.start()
        try:
            catalog = CatalogRepository(database)
            series = await catalog.ensure_series("Harbor Lights", "direct", "direct:hl", "HL")
            episodes = await catalog.upsert_episodes(
                series.id,
                [
                    NewEpisode(1, 1, "Slow", drip.url("slow.mkv", fault="drip", every=0.2)),
                    NewEpisode(1, 2, "Fine", good.url("fine.mkv")),
                ],
            )
            added = await service.add_to_queue([queue_request(series, e) for e in episodes])
            slow, fine = (item.id for item in added.added)
            # A guard against a hang, not a timing check: the rule ends every attempt.
            await asyncio.wait_for(service.wait_idle(), 60)
        finally:
            await service.stop()
    failed = service.get(slow)
    assert failed.status is S.FAILED
    assert "too slow" in failed.error and "127.0.0.1" in failed.error
    assert service.get(fine).status is S.COMPLETED
    assert (library / service.get(fine).destination).read_bytes() == data
    # Each attempt was given up (the first and max_retries more), and the healthy file did not
    # wait for all of them: it finished while the slow one was waiting to retry.
    assert len(drip.requests_for("slow.mkv")) == 3
    finished = [e for e in events if isinstance(e, DownloadFinished)]
    gave_up = [e for e in events if isinstance(e, DownloadFailed)]
    assert events.index(finished[0]) < events.index(gave_up[0])


async def test_run_once_ends_when_a_server_drips(profile: Path, tmp_path: Path) -> None:
    """The cron job's view: run-once returns, with the slow episode failed and said why."""
    async with FaultServer(tmp_path / "drip") as drip, FaultServer(tmp_path / "good") as good:
        drip.add_payload("Harbor.Lights.S01E01.mkv", 100_000, seed=1)
        data = good.add_payload("Harbor.Lights.S01E02.mkv", 200_000, seed=2)
        urls = [
            drip.url("Harbor.Lights.S01E01.mkv", fault="drip", every=0.2),
            good.url("Harbor.Lights.S01E02.mkv"),
        ]
        env = {
            "ANIWORLD_MIN_SPEED": str(MIN_SPEED),
            "ANIWORLD_MIN_SPEED_TIME": "1",  # the setting's least
            "ANIWORLD_MAX_RETRIES": "1",
            "ANIWORLD_MAX_DOWNLOADS": "1",
        }
        for url in urls:
            code, _, err = await run_cli(profile, "add", url, **env)
            assert code == 0, err
        # run_cli gives up after 60 s: a run that never ends fails the test there.
        code, out, err = await run_cli(profile, "run-once", **env)
    assert code != 0  # one episode failed, and the exit code says so
    assert "too slow" in out + err
    assert (
        profile / "library/Harbor Lights/Season 01/Harbor Lights - S01E02.mkv"
    ).read_bytes() == data
