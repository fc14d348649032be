"""QueueTableModel: checked by Qt's model tester over a real service and SQLite, and in isolation."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import DownloadProgress, EventBus, QueueItemsUpdated
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.downloads.service import DownloadService, Move
from aniworld_desktop.storage.repositories import SqlQueueRepository
from aniworld_desktop.ui import queue_model, sort_filter
from aniworld_desktop.ui.bridge import EventBridge
from aniworld_desktop.ui.delegates import ProgressDelegate
from aniworld_desktop.ui.drops import ids_mime
from aniworld_desktop.ui.episode_model import EPISODE_IDS_MIME
from aniworld_desktop.ui.queue_model import (
    PROGRESS_INTERVAL_MS,
    STATUS_COLOURS,
    Column,
    QueueTableModel,
    format_eta,
    format_size,
    haystack,
    progress_fraction,
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


def test_progress_is_coalesced_into_one_data_changed_per_block(qtbot) -> None:
    model = QueueTableModel()
    running = {3, 4, 5, 7, 15}
    items = [
        make_item(n, status=S.DOWNLOADING if n in running else S.PENDING) for n in range(1, 21)
    ]
    model.load(items)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, *_: changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )

    for step in range(1, 501):
        for item_id in (3, 4, 5, 7, 15):
            model.buffer_progress(DownloadProgress(item_id, step * 1000, 500_000, 2000.0 * step))
    assert changes == []  # nothing until the timer ticks

    with qtbot.waitSignal(model.dataChanged, timeout=2000):
        pass
    qtbot.wait(50)
    # Rows 2..4, 6 and 14 hold ids 3..5, 7 and 15: one signal per block, live columns only.
    assert changes == [
        (2, Column.PROGRESS, 4, Column.SIZE),
        (6, Column.PROGRESS, 6, Column.SIZE),
        (14, Column.PROGRESS, 14, Column.SIZE),
    ]
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


def test_progress_repaints_at_most_twice_a_second() -> None:
    assert PROGRESS_INTERVAL_MS == 500
    model = QueueTableModel()
    assert model.progress_timer.interval() == 500 and model.progress_timer.isSingleShot()


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

    model.remove_items(range(1, 100_001, 1000))  # 100 scattered rows: one layout change
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


# --------------------------------------------------------------------------- sorting and filtering

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


def sort_key(value: object) -> object:
    """The model's sort key for a raw value: text compares case-folded."""
    return value.casefold() if isinstance(value, str) else value


def assert_sorted(model: QueueTableModel) -> None:
    """Rows follow the raw values of the sort column; ties and unknowns keep queue order."""
    column, descending = model.sort_column, model.sort_order == DESC
    rows = [
        (
            sort_key(model.index(row, column).data(Role.RAW)),
            (model.item(row).position, model.item_id(row)),
        )
        for row in range(model.rowCount())
    ]
    for (key_a, place_a), (key_b, place_b) in itertools.pairwise(rows):
        if key_a is None or key_b is None:
            assert key_b is None, "unknown values go last"
            if key_a is None:
                assert place_a < place_b
        elif key_a == key_b:
            assert place_a < place_b, "ties keep queue order"
        else:
            assert (key_a > key_b) if descending else (key_a < key_b)  # type: ignore[operator]


def matches(item: QueueItem, needle: str, statuses: set[S] | None) -> bool:
    fields = (item.series_title, item.title, item.key.label())
    found = any(needle.casefold() in field.casefold() for field in fields)
    return found and (statuses is None or item.status in statuses)


def assert_consistent(
    model: QueueTableModel,
    expected: dict[int, QueueItem],
    needle: str = "",
    statuses: set[S] | None = None,
) -> None:
    """Visible rows are exactly the matching items, fresh, sorted, and findable by id."""
    shown = model_ids(model)
    assert sorted(shown) == sorted(
        i for i, item in expected.items() if matches(item, needle, statuses)
    )
    assert [model.item(row) for row in range(model.rowCount())] == [expected[i] for i in shown]
    assert all(model.row_of(item_id) == row for row, item_id in enumerate(shown))
    assert all(model.row_of(i) is None for i in expected.keys() - set(shown))
    assert_sorted(model)
    assert model.total_count() == len(expected)
    queue = sorted(expected.values(), key=lambda item: (item.position, item.id))
    places = {item.id: place for place, item in enumerate(queue, 1)}
    headers = [model.headerData(row, Qt.Orientation.Vertical) for row in range(model.rowCount())]
    assert headers == [str(places[i]) for i in shown]


def varied_items(count: int = 12) -> list[QueueItem]:
    """Items with repeated series, statuses and sizes (ties), some sizes unknown."""
    statuses = [S.PENDING, S.DOWNLOADING, S.PAUSED, S.COMPLETED, S.FAILED, S.CANCELLED]
    return [
        make_item(
            n,
            series_title=["Bleach", "naruto", "Akira", "bleach"][n % 4],
            status=statuses[n % len(statuses)],
            bytes_total=None if n % 5 == 0 else (n % 3) * 1000 + 1000,
            bytes_done=(n * 137) % 1000,
            error="Timed out." if n % 7 == 0 else "",
        )
        for n in range(1, count + 1)
    ]


def test_sorted_and_filtered_models_pass_the_model_tester(qtmodeltester) -> None:
    items = varied_items()
    expected = {item.id: item for item in items}
    model = QueueTableModel()
    model.load(items)
    model.sort(Column.SERIES, DESC)
    qtmodeltester.check(model)
    model.set_filter("bleach")
    qtmodeltester.check(model)
    assert_consistent(model, expected, "bleach")

    # With the tester still attached, the model changes under the sort and the filter.
    model.set_filter("", {S.PENDING, S.DOWNLOADING, S.PAUSED})
    model.sort(Column.SIZE, ASC)
    changed = expected[2].with_changes(status=S.PAUSED, bytes_total=99)
    expected[2] = changed
    model.update_item(changed)
    model.settle()
    new = [make_item(40, series_title="Zeta"), make_item(41, position=0, bytes_total=5)]
    expected.update((item.id, item) for item in new)
    model.add_items(new)
    model.remove_items([1, 3, 41])
    for gone in (1, 3, 41):
        del expected[gone]
    assert_consistent(model, expected, "", {S.PENDING, S.DOWNLOADING, S.PAUSED})
    qtmodeltester.check(model, force_py=True)


def test_sort_is_stable_and_puts_unknown_values_last() -> None:
    model = QueueTableModel()
    model.load(
        [
            make_item(1, series_title="b", bytes_total=None),
            make_item(2, series_title="A", bytes_total=10),
            make_item(3, series_title="B", bytes_total=None),
            make_item(4, series_title="a", bytes_total=10),
            make_item(5, series_title="b", bytes_total=30),
        ]
    )
    model.sort(Column.SERIES, ASC)
    assert model_ids(model) == [2, 4, 1, 3, 5]  # case ignored, queue order among equals
    model.sort(Column.SERIES, DESC)
    assert model_ids(model) == [1, 3, 5, 2, 4]  # equals keep queue order descending too
    model.sort(Column.SIZE, ASC)
    assert model_ids(model) == [2, 4, 5, 1, 3]
    model.sort(Column.SIZE, DESC)
    assert model_ids(model) == [5, 2, 4, 1, 3]  # unknown sizes last either way
    assert model.index(0, Column.SIZE).data(Role.RAW) == 30  # raw values, not the text

    # -1 is the header's "not sorted": queue order again.
    model.sort(-1, DESC)
    assert model.sort_column == Column.POSITION and model.sort_order == ASC
    assert model_ids(model) == [1, 2, 3, 4, 5] and model.is_priority_order


def test_status_sorts_by_raw_value_and_follows_updates() -> None:
    model = QueueTableModel()
    statuses = [S.PENDING, S.DOWNLOADING, S.COMPLETED, S.PAUSED, S.PENDING, S.FAILED]
    items = [make_item(n, status=status) for n, status in enumerate(statuses, 1)]
    model.load(items)
    model.sort(Column.STATUS, ASC)
    # cancelled < completed < downloading < failed < paused < pending, as the strings sort.
    assert model_ids(model) == [3, 2, 6, 4, 1, 5]

    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.update_item(items[0].with_changes(status=S.DOWNLOADING))
    assert model.item(model.row_of(1)).status is S.DOWNLOADING  # type: ignore[arg-type]
    model.update_item(items[4].with_changes(status=S.CANCELLED))
    assert layouts == []  # moved on the next loop turn, both at once
    model.settle()
    assert layouts == [1]
    assert model_ids(model) == [5, 3, 1, 2, 6, 4]
    assert_sorted(model)

    # A change that keeps the row between its neighbours moves nothing.
    model.update_item(model.item(0).with_changes(error="Stopped by the user."))
    model.settle()
    assert layouts == [1]


def test_selection_follows_its_items_across_sorting(qtbot) -> None:
    model = QueueTableModel()
    items = varied_items(30)
    model.load(items)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    selection = view.selectionModel()
    rows_flag = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
    for item_id in (4, 5, 6, 13):
        selection.select(model.index(model.row_of(item_id) or 0, 0), rows_flag)
    current = model.index(model.row_of(13) or 0, Column.TITLE)
    selection.setCurrentIndex(current, selection.SelectionFlag.NoUpdate)
    held = QPersistentModelIndex(model.index(model.row_of(6) or 0, Column.SERIES))

    def selected_ids() -> list[int]:
        return sorted(model.item_id(index.row()) for index in selection.selectedRows())

    for column in (Column.SERIES, Column.STATUS, Column.PROGRESS, Column.SIZE, Column.EPISODE):
        for order in (ASC, DESC):
            model.sort(column, order)
            assert_sorted(model)
            assert selected_ids() == [4, 5, 6, 13]
            assert model.item_id(view.currentIndex().row()) == 13
            assert view.currentIndex().column() == Column.TITLE
            assert held.row() == model.row_of(6) and held.column() == Column.SERIES

    # Filtering keeps the selection of the rows that stay; hidden ones leave it.
    model.set_filter("", {S.PENDING, S.DOWNLOADING})  # 4 failed and 5 cancelled are hidden
    assert selected_ids() == [6, 13]
    assert held.row() == model.row_of(6)
    model.set_filter("")
    assert selected_ids() == [6, 13]
    assert model.item_id(view.currentIndex().row()) == 13


def test_header_clicks_sort_through_the_view(qtbot) -> None:
    model = QueueTableModel()
    model.load(varied_items())
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    # Enabling sorting sorts by the header's indicator, which Qt starts at column 0 descending:
    # set it to queue order first.
    view.horizontalHeader().setSortIndicator(Column.POSITION, ASC)
    view.setSortingEnabled(True)
    assert model.is_priority_order
    view.sortByColumn(Column.SERIES, ASC)  # what a click on the header does
    assert model.sort_column == Column.SERIES
    assert_sorted(model)
    view.horizontalHeader().setSortIndicator(-1, ASC)  # a cleared indicator: queue order
    assert model.is_priority_order


def test_filter_hides_rows_that_still_follow_updates(qtmodeltester) -> None:
    items = [
        make_item(1, series_title="Frieren", title="The Journey's End"),
        make_item(2, series_title="Dandadan", title="That's How Love Starts"),
        make_item(3, series_title="Frieren", title="It Didn't Have to Be Magic", status=S.PAUSED),
        make_item(4, series_title="Mushishi", key=EpisodeKey(1, 2, 7)),
    ]
    expected = {item.id: item for item in items}
    model = QueueTableModel()
    model.load(items)
    qtmodeltester.check(model)

    model.set_filter("  FRIEREN ")
    assert model.filter_text == "frieren"
    assert model_ids(model) == [1, 3]
    model.set_filter("frieren", {S.PAUSED})
    assert model_ids(model) == [3]
    model.set_filter("s02e07")  # the episode label counts too
    assert model_ids(model) == [4]
    model.set_filter("love")
    assert model_ids(model) == [2]
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"  # its place in the whole queue

    # A hidden item gets its updates, and shows once it matches.
    expected[1] = expected[1].with_changes(status=S.FAILED, title="Love, again")
    model.update_item(expected[1])
    assert model.row_of(1) is None
    model.settle()
    assert model_ids(model) == [1, 2]
    # A shown item that stops matching leaves; one that still matches updates in place.
    expected[2] = expected[2].with_changes(title="Renamed")
    model.update_item(expected[2])
    model.settle()
    assert model_ids(model) == [1]
    # Progress of a hidden item is kept for when it shows.
    expected[2] = expected[2].with_changes(status=S.DOWNLOADING)
    model.update_item(expected[2])
    model.buffer_progress(DownloadProgress(2, 300, 600, 50.0))
    model.flush_progress()
    expected[2] = expected[2].with_changes(bytes_done=300, bytes_total=600)

    # New items land under the filter too; removals of hidden and shown rows both work.
    expected[5] = make_item(5, title="Love is war")
    expected[6] = make_item(6, title="Other")
    model.add_items([expected[5], expected[6]])
    assert model_ids(model) == [1, 5]
    model.remove_items([1, 3])
    del expected[1], expected[3]
    assert_consistent(model, expected, "love")

    model.set_filter("")
    assert_consistent(model, expected)
    assert model.index(model.row_of(2) or 0, Column.PROGRESS).data() == "50%"
    assert model.index(model.row_of(2) or 0, Column.SPEED).data(Role.RAW) == 50.0


def test_empty_status_set_shows_nothing_and_all_statuses_is_no_filter() -> None:
    model = QueueTableModel()
    model.load(varied_items())
    model.set_filter("", set())
    assert model.rowCount() == 0 and model.total_count() == 12
    model.set_filter("", set(S))
    assert model.status_filter is None and model.rowCount() == 12
    assert model.is_priority_order


def test_reorder_by_dragging_only_in_queue_order() -> None:
    model = QueueTableModel()
    model.load(varied_items())
    drag = model.mimeData([model.index(2, 0)])
    move = Qt.DropAction.MoveAction

    def can_drop() -> bool:
        return model.canDropMimeData(drag, move, 0, 0, QModelIndex())

    assert model.is_priority_order and model.reorder_refusal() is None and can_drop()

    model.sort(Column.SERIES, ASC)
    assert not model.is_priority_order and not can_drop()
    assert model.reorder_refusal() == "Sort by priority to reorder by dragging."
    model.set_filter("bleach")
    assert model.reorder_refusal() == (
        "Sort by priority and clear the filter to reorder by dragging."
    )
    model.sort(Column.POSITION, DESC)  # the priority column, but upside down
    assert not can_drop()
    model.sort(Column.POSITION, ASC)
    assert model.reorder_refusal() == "Clear the filter to reorder by dragging."
    assert not can_drop()
    assert not model.dropMimeData(drag, move, 0, 0, QModelIndex())  # never moves rows itself

    model.set_filter("")
    assert model.is_priority_order and model.reorder_refusal() is None and can_drop()
    # Episodes and links dropped on the queue are the view's to read: sorting does not change
    # the model's answer for them, and the empty area stays a drop target.
    episodes = ids_mime(EPISODE_IDS_MIME, [1])
    unsorted = model.canDropMimeData(episodes, move, 0, 0, QModelIndex())
    model.sort(Column.SERIES, ASC)
    assert model.canDropMimeData(episodes, move, 0, 0, QModelIndex()) == unsorted
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled


def test_reorder_and_additions_under_a_sort() -> None:
    model = QueueTableModel()
    model.load([make_item(n, series_title="AB"[n % 2]) for n in range(1, 9)])
    model.sort(Column.SERIES, ASC)
    assert model_ids(model) == [2, 4, 6, 8, 1, 3, 5, 7]
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"

    # A new position reorders ties within the series and the queue places in the header.
    model.reorder([(8, 0)])
    assert model_ids(model) == [8, 2, 4, 6, 1, 3, 5, 7]
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"

    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.add_items([make_item(9, series_title="A"), make_item(10, series_title="A")])
    assert inserted == [(4, 5)]  # one insert where the block lands, not at the end
    model.add_items([make_item(11, series_title="C"), make_item(12, series_title="A", position=-1)])
    assert inserted == [(4, 5), (10, 10), (0, 0)]  # from the bottom up
    assert model_ids(model) == [12, 8, 2, 4, 6, 9, 10, 1, 3, 5, 7, 11]
    assert [model.row_of(i) for i in model_ids(model)] == list(range(12))


def test_progress_moves_rows_only_on_flush_under_a_live_sort() -> None:
    model = QueueTableModel()
    model.load(
        [
            make_item(n, status=S.DOWNLOADING, bytes_done=n * 10, bytes_total=1000)
            for n in range(1, 6)
        ]
    )
    model.sort(Column.PROGRESS, DESC)
    assert model_ids(model) == [5, 4, 3, 2, 1]
    layouts: list[int] = []
    changes: list[tuple[int, int]] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.dataChanged.connect(lambda tl, br, *_: changes.append((tl.row(), br.row())))

    for step in range(1, 100):
        model.buffer_progress(DownloadProgress(1, 500 + step, 1000, 10.0))
        model.buffer_progress(DownloadProgress(3, 31 + step % 2, 1000, 10.0))
    assert layouts == [] and model_ids(model) == [5, 4, 3, 2, 1]
    model.flush_progress()
    assert layouts == [1]  # one move for the whole flush
    assert model_ids(model) == [1, 5, 4, 3, 2]
    assert changes == [(0, 0), (3, 3)]  # then the changed rows, at their new places

    # Progress that keeps the order moves nothing.
    model.buffer_progress(DownloadProgress(1, 700, 1000, 10.0))
    model.flush_progress()
    assert layouts == [1] and model_ids(model) == [1, 5, 4, 3, 2]

    # Sorting by speed: a download that stops falls among the ones at 0, in queue order.
    model.sort(Column.SPEED, DESC)
    assert model_ids(model) == [1, 3, 2, 4, 5]  # 1 and 3 at 10 B/s, the rest unknown (0)
    model.update_item(model.item(0).with_changes(status=S.PAUSED))
    model.settle()
    assert model_ids(model) == [3, 1, 2, 4, 5]
    assert_sorted(model)


def test_a_burst_of_updates_moves_rows_once(qtbot) -> None:
    items = [make_item(n) for n in range(1, 2001)]
    model = QueueTableModel()
    model.load(items)
    model.set_filter("", {S.PENDING})
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    for item in items[::2]:
        model.update_item(item.with_changes(status=S.PAUSED))
    assert model.rowCount() == 2000 and layouts == []
    qtbot.waitUntil(lambda: layouts == [1], timeout=2000)  # the next turn of the loop
    assert model.rowCount() == 1000 and model.row_of(2) == 0


def test_a_batch_update_signals_each_block_once() -> None:
    bus = EventBus()
    model = QueueTableModel()
    bridge = EventBridge(bus, model)
    model.attach(bridge)
    model.load([make_item(n) for n in range(1, 11)])
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda tl, br, *_: changes.append((tl.row(), tl.column(), br.row(), br.column()))
    )
    paused = [model.item(row).with_changes(status=S.PAUSED) for row in (1, 2, 3, 7)]
    bus.publish(QueueItemsUpdated(tuple(paused)))  # "Pause all" is one event
    assert changes == [(1, 0, 3, Column.ERROR), (7, 0, 7, Column.ERROR)]
    assert [model.item(row).status for row in (1, 7)] == [S.PAUSED, S.PAUSED]

    # Under a status filter the paused rows leave together, in one layout change.
    model.set_filter("", {S.PAUSED})
    layouts: list[int] = []
    model.layoutChanged.connect(lambda *_: layouts.append(1))
    model.update_items([item.with_changes(status=S.PENDING) for item in paused[:3]])
    model.settle()
    assert model_ids(model) == [8] and layouts == [1]
    bridge.detach()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_operations_keep_the_model_consistent(qapp, data: st.DataObject) -> None:
    # Limits of 1 send small batches down the paths meant for big ones (reset-free layout
    # changes, full re-sorts).
    if data.draw(st.booleans(), label="small limits"):
        limits = {"MAX_SINGLE_MOVES": 1, "MAX_INSERT_BLOCKS": 1, "MAX_REMOVE_RANGES": 1}
        with (
            patch.multiple(sort_filter, **limits),
            patch.object(queue_model, "MAX_SINGLE_MOVES", 1),
        ):
            check_random_operations(data)
    else:
        check_random_operations(data)


def check_random_operations(data: st.DataObject) -> None:
    expected = {item.id: item for item in varied_items(10)}
    model = QueueTableModel()
    model.load(sorted(expected.values(), key=lambda item: item.position))
    needle, statuses = "", None
    next_id = 100
    ids = st.sampled_from(range(1, 200))
    for _ in range(data.draw(st.integers(1, 12))):
        action = data.draw(
            st.sampled_from(
                ["sort", "filter", "update", "update many", "add", "remove", "progress", "reorder"]
            )
        )
        if action == "sort":
            model.sort(
                data.draw(st.sampled_from(list(Column))), data.draw(st.sampled_from([ASC, DESC]))
            )
        elif action == "filter":
            needle = data.draw(st.sampled_from(["", "bleach", "e1", "AKIRA", "s01e0"]))
            statuses = data.draw(st.none() | st.sets(st.sampled_from(list(S)), min_size=1))
            model.set_filter(needle, statuses)
        elif action == "update" and expected:
            item = expected[data.draw(st.sampled_from(sorted(expected)))]
            item = item.with_changes(
                status=data.draw(st.sampled_from(list(S))),
                series_title=data.draw(st.sampled_from(["Bleach", "Akira", "Zeta"])),
                position=data.draw(st.sampled_from([item.position, -3, 4, 50])),
                bytes_total=data.draw(st.sampled_from([item.bytes_total, None, 700])),
            )
            expected[item.id] = item
            model.update_item(item)
        elif action == "update many" and expected:
            chosen = data.draw(st.sets(st.sampled_from(sorted(expected)), max_size=6))
            status = data.draw(st.sampled_from(list(S)))
            batch = [expected[i].with_changes(status=status) for i in chosen]
            expected.update((item.id, item) for item in batch)
            model.update_items(batch)
        elif action == "add":
            new = []
            for _ in range(data.draw(st.integers(1, 4))):
                next_id += 1
                position = data.draw(st.integers(-5, 60))
                new.append(
                    make_item(next_id, position=position, series_title="Bleach", bytes_total=None)
                )
            expected.update((item.id, item) for item in new)
            model.add_items(new)
        elif action == "remove":
            gone = data.draw(st.sets(ids, max_size=5))
            model.remove_items(gone)
            for item_id in gone:
                expected.pop(item_id, None)
        elif action == "progress" and expected:
            item = expected[data.draw(st.sampled_from(sorted(expected)))]
            done = data.draw(st.integers(0, 2000))
            model.buffer_progress(DownloadProgress(item.id, done, 2000, float(done)))
            model.flush_progress()
            if item.status is S.DOWNLOADING:
                expected[item.id] = item.with_changes(bytes_done=done, bytes_total=2000)
        elif action == "reorder" and expected:
            moves = data.draw(
                st.lists(
                    st.tuples(st.sampled_from(sorted(expected)), st.integers(-5, 60)), max_size=4
                )
            )
            model.reorder(moves)
            for item_id, position in moves:
                expected[item_id] = expected[item_id].with_changes(position=position)
        # Rows always show fresh data; they are in place once settled.
        assert all(
            model.item(row) == expected[model.item_id(row)] for row in range(model.rowCount())
        )
        model.settle()
        assert_consistent(model, expected, needle, statuses)


def test_haystack_and_progress_helpers() -> None:
    item = make_item(3, series_title="Dr. STONE", title="Stone World", key=EpisodeKey(9, 2, 3))
    assert "dr. stone" in haystack(item) and "s02e03" in haystack(item)
    assert "stonestone" not in haystack(item)  # fields do not run into each other
    assert progress_fraction(item.with_changes(bytes_total=0)) is None


def test_roles_the_model_does_not_answer_are_none_and_every_answered_one_still_is() -> None:
    model = QueueTableModel()
    model.load(
        [
            make_item(1, status=S.DOWNLOADING, bytes_done=5, bytes_total=10),
            make_item(2, status=S.FAILED, error="gone"),
        ]
    )
    cells = [model.index(row, column) for row in range(2) for column in Column]
    unanswered = (
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.SizeHintRole,
    )
    for role in unanswered:
        assert all(model.data(cell, role) is None for cell in cells)
    answered = queue_model._ROLES  # the early return lets only these through
    for role in answered:
        assert any(model.data(cell, role) is not None for cell in cells), role
