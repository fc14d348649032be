"""The queue's earlier history: the window loads only the latest finished downloads at start,
and the rest when the user asks (the bar under the table) or clears the finished ones."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.services import open_services
from aniworld_desktop.storage.repositories import SqlQueueRepository
from aniworld_desktop.ui import qtapp
from aniworld_desktop.ui.actions import ActionName
from aniworld_desktop.ui.main_window import MainWindow
from tests.ui.conftest import queue_episodes, wait_until
from tests.ui.test_main_window import (
    app_state_restored,
    make_settings,
    running_window,
    visible_child,
)
from tests.ui.test_window_edges import click_accept

S = DownloadStatus


async def store_history(paths: ProfilePaths, tmp_path: Path, ended: list[S]) -> list[int]:
    """Queue ``len(ended) + 2`` episodes and end the first ones in ``ended``'s states, the
    first one earliest; the last two stay pending. Returns the ids in queue order."""
    async with open_services(paths, make_settings(tmp_path), run_downloads=False) as services:
        added = (await queue_episodes(services.database, services.downloads, len(ended) + 2)).added
        await SqlQueueRepository(services.database).save(
            [
                item.with_changes(status=status, finished_at=datetime(2026, 1, 1, n))
                for n, (item, status) in enumerate(zip(added, ended, strict=False))
            ]
        )
    return [item.id for item in added]


@pytest.mark.qt_loop
async def test_the_bar_offers_the_earlier_finished_downloads(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    ids = await store_history(paths, tmp_path, [S.COMPLETED, S.CANCELLED, S.COMPLETED, S.FAILED])
    settings = make_settings(tmp_path)
    async with running_window(paths, settings, run_downloads=False, done_limit=1) as (
        services,
        window,
    ):
        pane = window.queue_pane
        model = pane.model
        # The latest finished one, the failed one and the two still to do.
        shown = {model.item(row).id for row in range(model.rowCount())}
        assert shown == {ids[2], ids[3], ids[4], ids[5]}
        assert pane.earlier_bar.isVisibleTo(window)
        assert pane.earlier_label.text() == "2 earlier finished downloads not in the list."

        pane.earlier_button.click()
        await wait_until(lambda: model.total_count() == 6)
        await wait_until(lambda: not pane.earlier_bar.isVisibleTo(window))
        assert [model.item(row).id for row in range(model.rowCount())] == ids  # queue order
        assert not services.downloads.earlier()


@pytest.mark.qt_loop
async def test_clear_finished_clears_the_earlier_ones_too(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    ids = await store_history(paths, tmp_path, [S.COMPLETED, S.COMPLETED, S.CANCELLED])
    settings = make_settings(tmp_path)
    async with running_window(paths, settings, run_downloads=False, done_limit=1) as (
        services,
        window,
    ):
        assert services.downloads.earlier() == {S.COMPLETED: 2}
        window.commands[ActionName.CLEAR_FINISHED].trigger()
        box = await visible_child(window, QMessageBox, "confirmClearFinished")
        assert box.text().startswith("Remove 2 finished downloads")
        click_accept(box)
        # The earlier ones are loaded (5 rows), then the completed ones go (3).
        model = window.queue_pane.model
        await wait_until(lambda: not services.downloads.earlier() and model.total_count() == 3)
        assert [i.id for i in services.downloads.items()] == ids[2:]  # the cancelled one stays
        stored = await SqlQueueRepository(services.database).load()
        assert [i.id for i in stored] == ids[2:]
        assert not window.queue_pane.earlier_bar.isVisibleTo(window)


def test_the_app_window_starts_with_the_latest_finished_downloads_only(
    qapp, paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real ``run_window`` asks for the limit (here 1 instead of its thousands)."""
    ids = asyncio.run(store_history(paths, tmp_path, [S.COMPLETED, S.COMPLETED, S.CANCELLED]))
    monkeypatch.setattr(qtapp, "QUEUE_DONE_ROWS", 1)
    seen: dict[str, object] = {}

    def watch() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = next((w for w in windows if w.isVisible() and w.services_open), None)
        if window is not None and window.queue_loaded:
            model = window.queue_pane.model
            seen["rows"] = [model.item(row).id for row in range(model.rowCount())]
            seen["bar"] = window.queue_pane.earlier_label.text()
            window.commands["quit"].trigger()
            return
        QTimer.singleShot(20, watch)

    with app_state_restored():
        QTimer.singleShot(20, watch)
        assert qtapp.run_window(paths, make_settings(tmp_path)) == 0
    assert seen == {"rows": ids[2:], "bar": "2 earlier finished downloads not in the list."}


@pytest.mark.qt_loop
async def test_unfollowing_a_series_takes_its_earlier_rows_out_of_the_count(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    await store_history(paths, tmp_path, [S.COMPLETED, S.COMPLETED, S.CANCELLED])
    settings = make_settings(tmp_path)
    async with running_window(paths, settings, run_downloads=False, done_limit=1) as (
        services,
        window,
    ):
        bar = window.queue_pane.earlier_bar
        assert bar.isVisibleTo(window) and services.downloads.earlier().total() == 2
        (summary,) = await services.library.list_series()
        await services.library.remove(summary.series)
        await wait_until(lambda: not bar.isVisibleTo(window))
        assert not services.downloads.earlier()
        assert await SqlQueueRepository(services.database).load() == []
