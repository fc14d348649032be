"""StatusBar on its own, over real services: counts, speed, messages, disk, the schedule."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.events import (
    AutoDownloadFailed,
    AutoDownloadFired,
    AutoDownloadSkipped,
    SeriesQueued,
)
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.services import open_services
from aniworld_desktop.ui.status_bar import LOW_DISK_COLOUR, StatusBar, free_space
from aniworld_desktop.ui.tasks import TaskRunner
from tests.ui.conftest import signal_future, wait_until

IDLE_URL = "http://127.0.0.1:9/Show.S01E{:02d}.mp4"  # never contacted: nothing downloads


@pytest.mark.qt_loop
async def test_the_status_bar_counts_says_and_announces(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    settings = Settings(
        library_dir=tmp_path / "library", min_free_disk=1 << 60, auto_download=False
    )
    async with open_services(paths, settings, run_downloads=False) as services:
        tasks = TaskRunner()
        bar = StatusBar(
            services.downloads,
            services.scheduler,
            tasks,
            library_dir=services.library_dir,
            min_free_disk=settings.min_free_disk,
        )
        counted: list[Counter[S]] = []
        refreshed: list[tuple[Counter[S], float]] = []
        bar.countsChanged.connect(counted.append)
        bar.refreshed.connect(lambda counts, speed: refreshed.append((counts, speed)))
        try:
            bar.start()
            assert counted == [Counter()] and refreshed[-1] == (Counter(), 0.0)
            assert bar.counts_label.text() == "0 downloading · 0 queued"
            assert bar.auto_label.text() == "Auto-download off"

            # Queue changes are counted once a burst is over, not on each change.
            for n in (1, 2):
                await services.library.add_url(IDLE_URL.format(n))
            first, second = services.downloads.items()
            await services.downloads.pause([first.id])
            recount = signal_future(bar.countsChanged)
            bar.on_queue_changed()
            bar.on_queue_changed()
            (counts,) = await asyncio.wait_for(recount, 5)
            assert counts == Counter({S.PENDING: 1, S.PAUSED: 1})
            assert len(counted) == 2
            assert bar.counts_label.text() == "0 downloading · 1 queued · 1 paused"
            assert refreshed[-1] == (counts, 0.0)

            bar.on_failed(second, "HTTP 404")
            assert bar.currentMessage() == "Show S01E02 failed: HTTP 404"
            queued = (SeriesQueued(7, "Harbor", ("S01E01", "S01E02", "S01E03")),)
            fired = AutoDownloadFired("timer", datetime.now(UTC), queued, 1, ("Harbor",))
            bar.on_auto_download(fired)
            assert bar.currentMessage() == (
                "Auto-download queued 3 episodes. Could not refresh Harbor."
            )
            later = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
            bar.on_auto_download(AutoDownloadSkipped("user", "cooldown", later))
            assert bar.currentMessage().startswith(
                "Auto-download skipped: the last run was too recent; the next may run at "
            )
            bar.on_auto_download(AutoDownloadFailed("timer", "the library folder is missing"))
            assert bar.currentMessage() == "Auto-download failed: the library folder is missing"

            # The free space of the library's disk, red under the minimum the settings ask for.
            await wait_until(lambda: bar.disk_label.text().endswith("free"))
            assert LOW_DISK_COLOUR in bar.disk_label.styleSheet()

            bar.set_next_auto_download(later)
            assert bar.auto_label.text().startswith("Next auto-download ")
            assert bar.auto_label.isVisibleTo(bar)
        finally:
            bar.stop()
            await tasks.aclose()
            bar.deleteLater()


def test_free_space_is_read_from_the_nearest_existing_folder(tmp_path: Path) -> None:
    free = free_space(tmp_path / "not" / "yet" / "there")
    assert free is not None and free > 0
