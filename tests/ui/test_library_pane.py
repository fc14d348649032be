"""LibraryPane on its own (no window) over a real library: reloads, selection, play, menu."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.models import SeriesCounts, SeriesRecord, SeriesSummary
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.services import open_services
from aniworld_desktop.ui.library_pane import RELOAD_DELAY_MS, LibraryPane
from aniworld_desktop.ui.series_model import UPDATE_CHUNK
from aniworld_desktop.ui.tasks import TaskRunner
from tests.ui.conftest import make_item, signal_future, wait_until

IDLE_URL = "http://127.0.0.1:9/Show.S01E{:02d}.mp4"  # never contacted: nothing downloads


@pytest.mark.qt_loop
async def test_the_library_pane_reloads_once_per_burst_and_announces(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    settings = Settings(library_dir=tmp_path / "library", min_free_disk=0)
    async with open_services(paths, settings, run_downloads=False) as services:
        library = services.library
        reads: list[int] = []
        gate = asyncio.Event()
        gate.set()
        list_series = library.list_series

        async def counted_list_series() -> Any:
            reads.append(1)
            await gate.wait()  # cleared: the reload waits in the middle
            return await list_series()

        library.list_series = counted_list_series  # type: ignore[method-assign]
        await library.add_url(IDLE_URL.format(1))
        tasks = TaskRunner()
        pane = LibraryPane(library, tasks)
        pane.resize(900, 400)
        pane.show()
        try:
            reloaded = signal_future(pane.reloaded)
            pane.reload()
            assert await asyncio.wait_for(reloaded, 5) == (1,)
            assert pane.series_model.rowCount() == 1 and reads == [1]

            # Choosing a series announces it and shows its episodes.
            chosen = signal_future(pane.seriesSelected)
            pane.series_view.selectRow(0)
            ((series,),) = await asyncio.wait_for(chosen, 5)
            assert series.title == "Show"
            await wait_until(lambda: pane.episode_model.rowCount() == 1)  # one season

            # Many changes in a burst make one reload; a running download's updates none.
            reloaded = signal_future(pane.reloaded)
            finished = signal_future(pane.seriesSelected)  # the last thing a reload does
            pane.on_item_updated(make_item(1, status=S.DOWNLOADING))
            assert not reads[1:]
            pane.library_changed()
            pane.on_items_updated((make_item(1, status=S.COMPLETED),))
            pane.library_changed()
            await asyncio.wait_for(reloaded, 5)
            await asyncio.wait_for(finished, 5)
            assert len(reads) == 2

            # Reloads asked for during one make one more afterwards, never a pile.
            gate.clear()
            pane.reload()
            await wait_until(lambda: len(reads) == 3)
            pane.reload()
            pane.reload()
            gate.set()
            await wait_until(lambda: len(reads) == 4)
            await asyncio.sleep(3 * RELOAD_DELAY_MS / 1000)  # time for a fifth, which must not come
            assert len(reads) == 4

            # Play: the current episode is not on disk, so nothing is chosen; a double-click
            # still asks.
            season = pane.episode_model.index(0, 0)
            episode = pane.episode_model.index(0, 1, season)
            pane.episode_view.setCurrentIndex(episode)
            assert pane.chosen_file() is None
            centre = pane.episode_view.visualRect(episode).center()
            viewport, left = pane.episode_view.viewport(), Qt.MouseButton.LeftButton
            play = signal_future(pane.playRequested)
            QTest.mouseClick(viewport, left, Qt.KeyboardModifier(0), centre)
            QTest.mouseDClick(viewport, left, Qt.KeyboardModifier(0), centre)
            await asyncio.wait_for(play, 5)

            refresh = QAction("Refresh", pane)
            pane.menu.entries = [refresh, None]
            assert [a.text() or "|" for a in pane.menu.build().actions()] == ["Refresh", "|"]
        finally:
            await tasks.aclose()
            pane.hide()
            pane.deleteLater()


class SnapshotLibrary:
    """A library that hands out the snapshot it is given (no database: the pane's side only)."""

    def __init__(self, summaries: list[SeriesSummary]) -> None:
        self.summaries = summaries

    async def list_series(self) -> list[SeriesSummary]:
        return list(self.summaries)

    async def episode_states(self, series: SeriesRecord) -> list[Any]:
        return []

    async def details(self, series: SeriesRecord) -> Any:
        return None

    async def set_episodes_monitored(self, episode_ids: Any, monitored: bool) -> None:
        return None


def _series_id(summary: SeriesSummary) -> int:
    return summary.series.id


def _summaries(count: int, on_disk: int) -> list[SeriesSummary]:
    return [
        SeriesSummary(
            SeriesRecord(id=i, title=f"Show {i}", provider="local", source_url="", folder=f"S{i}"),
            SeriesCounts(episodes=5, on_disk=on_disk, missing=5 - on_disk),
        )
        for i in range(1, count + 1)
    ]


@pytest.mark.qt_loop
async def test_a_big_reload_is_applied_a_piece_per_turn_of_the_loop() -> None:
    count = 3 * UPDATE_CHUNK + 10  # four pieces
    library = SnapshotLibrary(_summaries(count, 0))
    tasks = TaskRunner()
    pane = LibraryPane(library, tasks)
    pane.show()
    try:
        reloaded = signal_future(pane.reloaded)
        pane.reload()
        await asyncio.wait_for(reloaded, 5)
        assert pane.series_model.rowCount() == count

        library.summaries = _summaries(count, 3)  # every series changed
        turns: list[int] = []  # rows showing the new counts, seen by another task at each turn
        done = False

        async def watch() -> None:
            while not done:
                model = pane.series_model
                turns.append(sum(model.summary(r).counts.on_disk == 3 for r in range(count)))
                await asyncio.sleep(0)

        watcher = asyncio.ensure_future(watch())
        reloaded = signal_future(pane.reloaded)
        pane.reload()
        await asyncio.wait_for(reloaded, 5)
        done = True
        await watcher
        # The other task ran while the reload compared (several turns with nothing shown
        # yet), and the end shows every new value.
        assert turns.count(0) >= 3
        shown = sorted((pane.series_model.summary(r) for r in range(count)), key=_series_id)
        assert shown == library.summaries
    finally:
        await tasks.aclose()
