"""QueueTableModel: checked by Qt's model tester over a real service and SQLite, and in isolation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import DownloadProgress, EventBus
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.downloads.service import DownloadService, Move
from aniworld_desktop.storage.repositories import SqlQueueRepository
from aniworld_desktop.ui.bridge import EventBridge
from aniworld_desktop.ui.delegates import ProgressDelegate
from aniworld_desktop.ui.queue_model import (
    STATUS_COLOURS,
    Column,
    QueueTableModel,
    format_eta,
    format_size,
)
from aniworld_desktop.ui.roles import Role
from tests.ui.conftest import (
    GatedDownloader,
    make_item,
    queue_episodes,
    signal_future,
    wait_until,
)

DISPLAY = Qt.ItemDataRole.DisplayRole


def model_ids(model: QueueTableModel) -> list[int]:
    return [model.item_id(row) for row in range(model.rowCount())]


def model_statuses(model: QueueTableModel) -> list[str]:
    return [model.index(row, 0).data(Role.STATUS) for row in range(model.rowCount())]


def service_view(service: DownloadService) -> tuple[list[int], list[str]]:
    items = service.items()
    return [i.id for i in items], [i.status.value for i in items]


async def in_step(model: QueueTableModel, service: DownloadService) -> None:
    # The service changes an item in memory before its event goes out (after the DB write).
    await wait_until(lambda: (model_ids(model), model_statuses(model)) == service_view(service))


@pytest.mark.qt_loop
async def test_model_follows_a_real_service(qtmodeltester, database, tmp_path: Path) -> None:
    bus = EventBus()
    downloader = GatedDownloader(bursts=50)
    service = DownloadService(
        SqlQueueRepository(database), bus, downloader, tmp_path / "library",
        max_downloads=2, max_per_host=2,
    )  # fmt: skip
    await service.start(run=False)
    await queue_episodes(database, service, 4)

    model = QueueTableModel()
    bridge = EventBridge(bus, model)
    model.attach(bridge)
    model.load(service.items())
    # Qt's C++ tester stays attached and re-checks on every signal from here on.
    qtmodeltester.check(model)
    assert (model_ids(model), model_statuses(model)) == service_view(service)

    try:
        # A batch of additions arrives as one insert at the end.
        inserted = []
        model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
        await queue_episodes(database, service, 3, first=5)
        assert inserted == [(4, 6)]

        # Two downloads start, report a burst of progress each, and wait at their gates.
        progress_ticks: list[int] = []
        model.dataChanged.connect(
            lambda tl, br, *_: (
                progress_ticks.append(tl.row()) if tl.column() == Column.PROGRESS else None
            )
        )
        ticks = signal_future(model.dataChanged, lambda tl, br, *_: tl.column() == Column.PROGRESS)
        service.start_workers()
        first, second = (model.item(0), model.item(1))
        await asyncio.wait_for(ticks, 5)
        # The second download may start (after its database write) a tick later than the first.
        await wait_until(lambda: model.index(1, Column.PROGRESS).data() == "50%")
        assert model.index(0, Column.STATUS).data() == "Downloading"
        assert model.index(0, Column.PROGRESS).data(Role.PROGRESS) == pytest.approx(0.5)
        # 100 progress events (50 per download), a handful of repaints.
        assert 1 <= len(progress_ticks) <= 4

        await service.pause([first.id])
        await service.cancel([second.id])
        await service.move([model.item_id(5)], Move.TOP)
        await service.move([model.item_id(0)], Move.BOTTOM)
        await service.move([model.item_id(3)], Move.UP)
        await in_step(model, service)

        # Non-contiguous rows leave from the bottom up.
        await service.remove([model.item_id(1), model.item_id(2), model.item_id(5)])
        await in_step(model, service)

        # Let the downloads that are running now finish.
        await wait_until(lambda: any(i.status is S.DOWNLOADING for i in service.items()))
        running = [item for item in service.items() if item.status is S.DOWNLOADING]
        for item in running:
            downloader.gates[item.url].set()
        await wait_until(lambda: all(service.get(i.id).status is S.COMPLETED for i in running))
        await in_step(model, service)
        row = model.row_of(running[0].id)
        assert row is not None
        assert model.index(row, Column.STATUS).data() == "Completed"
        assert model.index(row, Column.PROGRESS).data() == "100%"

        # A second opinion from the Python tester on the final state.
        qtmodeltester.check(model, force_py=True)
    finally:
        await service.stop()
        bridge.detach()


def test_progress_is_coalesced_into_one_data_changed(qtbot) -> None:
    model = QueueTableModel()
    items = [make_item(n, status=S.DOWNLOADING if n % 2 else S.PENDING) for n in range(1, 21)]
    model.load(items)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, *_: changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )

    for step in range(1, 501):
        for item_id in (3, 7, 15):
            model.buffer_progress(DownloadProgress(item_id, step * 1000, 500_000, 2000.0 * step))
    assert changes == []  # nothing until the timer ticks

    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        pass
    qtbot.wait(50)
    # Rows 2..14 hold ids 3..15: one range over the live columns only.
    assert changes == [(2, Column.PROGRESS, 14, Column.SIZE)]
    assert model.index(6, Column.PROGRESS).data() == "100%"
    assert model.index(6, Column.SPEED).data(Role.RAW) == 1_000_000.0
    assert model.index(6, Column.SPEED).data() == "976.6 KiB/s"

    # Progress of an item that is no longer downloading is dropped, not shown.
    model.update_item(model.item(6).with_changes(status=S.PAUSED))
    changes.clear()
    model.buffer_progress(DownloadProgress(7, 1, 500_000, 1.0))
    model.flush_progress()
    assert changes == []
    assert model.index(6, Column.SPEED).data() == ""


def test_roles_keep_raw_values_apart_from_text(qtmodeltester) -> None:
    model = QueueTableModel()
    model.load(
        [
            make_item(1, position=5, status=S.COMPLETED, bytes_done=3 << 20, bytes_total=3 << 20),
            make_item(2, position=9, status=S.FAILED, error="The server said 404 Not Found."),
            make_item(3, position=12, bytes_total=None, bytes_done=0),
        ]
    )
    qtmodeltester.check(model)
    index = model.index
    assert index(0, Column.POSITION).data() == "5"
    assert index(0, Column.POSITION).data(Role.RAW) == 5
    # The place in the queue is the row header: it changes with every row above.
    assert model.headerData(1, Qt.Orientation.Vertical) == "2"
    assert index(0, Column.EPISODE).data() == "S01E01"
    assert index(0, Column.EPISODE).data(Role.RAW) == 100_001
    assert index(0, Column.SIZE).data() == "3.0 MiB"
    assert index(0, Column.SIZE).data(Role.RAW) == 3 << 20
    assert index(0, Column.PROGRESS).data(Role.PROGRESS) == 1.0
    assert index(2, Column.PROGRESS).data(Role.PROGRESS) is None
    assert index(2, Column.PROGRESS).data() == ""
    assert index(1, Column.STATUS).data() == "Failed"
    assert index(1, Column.STATUS).data(Role.STATUS) == "failed"
    assert index(1, Column.STATUS).data(Qt.ItemDataRole.ForegroundRole) == STATUS_COLOURS[S.FAILED]
    assert index(1, Column.TITLE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert index(1, Column.ERROR).data(Qt.ItemDataRole.ToolTipRole) == (
        "The server said 404 Not Found."
    )
    assert index(2, Column.TITLE).data(Role.ITEM_ID) == 3
    assert model.headerData(Column.STATUS, Qt.Orientation.Horizontal) == "Status"
    assert model.row_of(2) == 1 and model.row_of(99) is None
    assert isinstance(STATUS_COLOURS[S.PENDING], QColor)


def test_removal_goes_range_by_range_from_the_bottom(qtmodeltester) -> None:
    model = QueueTableModel()
    model.load([make_item(n) for n in range(1, 11)])
    qtmodeltester.check(model)
    removed: list[tuple[int, int]] = []
    model.rowsAboutToBeRemoved.connect(lambda _p, first, last: removed.append((first, last)))

    model.remove_items([2, 3, 6, 8, 9, 42])

    assert removed == [(7, 8), (5, 5), (1, 2)]
    assert model_ids(model) == [1, 4, 5, 7, 10]
    assert [model.row_of(i) for i in (1, 4, 5, 7, 10)] == [0, 1, 2, 3, 4]


def test_reorder_moves_rows_and_persistent_indexes(qtmodeltester) -> None:
    model = QueueTableModel()
    model.load([make_item(n) for n in range(1, 6)])
    qtmodeltester.check(model)
    held = QPersistentModelIndex(model.index(4, Column.TITLE))  # item 5

    model.reorder([(5, 0), (1, 6)])

    assert model_ids(model) == [5, 2, 3, 4, 1]
    assert held.row() == 0 and held.column() == Column.TITLE
    assert model.row_of(1) == 4

    # New rows that belong mid-queue are inserted, then sorted into place.
    model.add_items([make_item(7, position=1), make_item(6, position=9)])
    assert model_ids(model) == [5, 7, 2, 3, 4, 1, 6]


def test_100k_rows_load_remove_and_reorder(qtmodeltester) -> None:
    # How fast this is belongs to the benchmarks; here only that it is right at that size.
    # Positional construction: make_item() would spend a second building the fixture alone.
    items = [
        QueueItem(n, n, EpisodeKey(1, 1, n), "Show", "", "u", "d", S.PENDING, n)
        for n in range(1, 100_001)
    ]
    model = QueueTableModel()
    model.load(items)
    assert model.rowCount() == 100_000
    assert model.row_of(100_000) == 99_999

    model.remove_items(range(1, 100_001, 1000))  # 100 scattered rows: one reset
    model.reorder([(99_999, -1)])
    assert model.rowCount() == 99_900 and model.item_id(0) == 99_999
    assert model.row_of(99_999) == 0 and model.row_of(1001) is None


def test_progress_delegate_paints_a_bar(qtbot) -> None:
    model = QueueTableModel()
    model.load(
        [
            make_item(1, status=S.DOWNLOADING, bytes_done=400, bytes_total=1000),
            make_item(2, status=S.DOWNLOADING, bytes_done=400, bytes_total=None),
        ]
    )
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = ProgressDelegate(view)
    view.setItemDelegateForColumn(Column.PROGRESS, delegate)
    view.resize(900, 200)
    assert not view.grab().isNull()

    image = QImage(200, 30, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.rect = image.rect()  # type: ignore[attr-defined]
    for row in (0, 1):
        delegate.paint(painter, option, model.index(row, Column.PROGRESS))
    painter.end()
    assert model.index(1, Column.PROGRESS).data() == "400 B"
    assert not QModelIndex().isValid()


def test_formatting() -> None:
    assert format_size(512) == "512 B"
    assert format_size(1536) == "1.5 KiB"
    assert format_size(5 << 30) == "5.0 GiB"
    assert format_eta(42) == "42 s"
    assert format_eta(185) == "3:05"
    assert format_eta(3723) == "1:02:03"
