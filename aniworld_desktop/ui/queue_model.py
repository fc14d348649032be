"""The download queue as a Qt table model, relaying what DownloadService announces."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor

from aniworld_desktop.core.events import DownloadProgress
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.bridge import EventBridge
from aniworld_desktop.ui.drops import QUEUE_IDS_MIME, ids_mime
from aniworld_desktop.ui.roles import Role

log = logging.getLogger(__name__)

S = DownloadStatus
PROGRESS_INTERVAL_MS = 250  # ~4 repaints a second: smooth enough, cheap with many downloads
# Past this many separate ranges, one reset is cheaper than a beginRemoveRows per range.
MAX_REMOVE_RANGES = 64


class Column(IntEnum):
    """Columns of the queue table; PROGRESS..SIZE are the live ones, kept adjacent on purpose."""

    POSITION = 0
    SERIES = 1
    EPISODE = 2
    TITLE = 3
    STATUS = 4
    PROGRESS = 5
    SPEED = 6
    ETA = 7
    SIZE = 8
    ERROR = 9


HEADERS: dict[int, str] = {
    Column.POSITION: "Priority",
    Column.SERIES: "Series",
    Column.EPISODE: "Episode",
    Column.TITLE: "Title",
    Column.STATUS: "Status",
    Column.PROGRESS: "Progress",
    Column.SPEED: "Speed",
    Column.ETA: "ETA",
    Column.SIZE: "Size",
    Column.ERROR: "Error",
}

STATUS_TEXT: dict[DownloadStatus, str] = {
    S.PENDING: "Queued",
    S.DOWNLOADING: "Downloading",
    S.PAUSED: "Paused",
    S.COMPLETED: "Completed",
    S.FAILED: "Failed",
    S.CANCELLED: "Cancelled",
}

# Mid-tone colours that stay readable on light and dark palettes.
STATUS_COLOURS: dict[DownloadStatus, QColor] = {
    S.PENDING: QColor("#7a7f87"),
    S.DOWNLOADING: QColor("#2f6fd6"),
    S.PAUSED: QColor("#c27c0e"),
    S.COMPLETED: QColor("#2e9b4e"),
    S.FAILED: QColor("#d64040"),
    S.CANCELLED: QColor("#7a7f87"),
}

# Roles as plain ints: data() runs for every visible cell and role on each repaint.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_RAW = Role.RAW.value
_ITEM_ID = Role.ITEM_ID.value
_STATUS = Role.STATUS.value
_PROGRESS = Role.PROGRESS.value

_NUMERIC = frozenset({Column.POSITION, Column.PROGRESS, Column.SPEED, Column.ETA, Column.SIZE})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LAST_COLUMN = len(Column) - 1


def format_size(size: int | float) -> str:
    """``1.5 MiB`` as file managers show it."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover - the loop returns at GiB


def format_speed(bytes_per_second: float) -> str:
    return f"{format_size(bytes_per_second)}/s"


def format_eta(seconds: float) -> str:
    """``42 s``, ``3:05`` or ``1:02:03``."""
    whole = int(seconds + 0.5)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def progress_fraction(item: QueueItem) -> float | None:
    """Fraction done from 0 to 1, or None while the size is unknown."""
    if item.status is S.COMPLETED:
        return 1.0
    total = item.bytes_total
    if not total:
        return None
    return min(1.0, item.bytes_done / total)


def _by_position(item: QueueItem) -> int:
    return item.position


class QueueTableModel(QAbstractTableModel):
    """The download queue, one row per ``QueueItem``, always in priority (position) order.

    The model never reads the database: it is loaded from ``DownloadService.items()`` and then
    follows the bus through an :class:`EventBridge`. Live progress is buffered and applied on a
    ~4 Hz timer as one ``dataChanged`` over the dirty rows' progress, speed, ETA and size cells.

    The place in the queue (row + 1) is the vertical header's text, as in Qt's own models: data
    must move with its row, and a rank changes for every row below an insert or removal. The
    ``POSITION`` column holds the stored priority, which has gaps and may go below 1 after "move
    to top", so the window hides it.

    Attributes:
        progress_timer: The coalescing timer (single shot, started by the first buffered event).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[QueueItem] = []
        self._rows: dict[int, int] = {}  # item id -> row
        self._speeds: dict[int, float] = {}  # running items only
        self._pending: dict[int, DownloadProgress] = {}  # latest event per item, not yet shown
        self.progress_timer = QTimer(self)
        self.progress_timer.setSingleShot(True)
        self.progress_timer.setInterval(PROGRESS_INTERVAL_MS)
        self.progress_timer.timeout.connect(self.flush_progress)

    # ----------------------------------------------------------------- wiring

    def attach(self, bridge: EventBridge) -> None:
        """Follow the queue events ``bridge`` re-emits."""
        bridge.itemsAdded.connect(self.add_items)
        bridge.itemUpdated.connect(self.update_item)
        bridge.itemsRemoved.connect(self.remove_items)
        bridge.reordered.connect(self.reorder)
        bridge.progress.connect(self.buffer_progress)

    def load(self, items: Sequence[QueueItem], speeds: Mapping[int, float] | None = None) -> None:
        """Replace every row with ``items``, which must be in priority order already.

        Args:
            items: A snapshot such as ``DownloadService.items()``. A list is taken over as it
                is (no per-row copy), so the caller must not reuse it.
            speeds: Current speed of running items, by id.
        """
        self.beginResetModel()
        self._items = items if isinstance(items, list) else list(items)
        self._rows = {item.id: row for row, item in enumerate(self._items)}
        self._speeds = dict(speeds or {})
        self._pending.clear()
        self.endResetModel()

    # ----------------------------------------------------------------- lookups

    def item(self, row: int) -> QueueItem:
        """The queue item shown in ``row``."""
        return self._items[row]

    def item_id(self, row: int) -> int:
        """Id of the queue item shown in ``row``."""
        return self._items[row].id

    def row_of(self, item_id: int) -> int | None:
        """The row showing ``item_id``, or None if it is not in the model."""
        return self._rows.get(item_id)

    def speed(self, item_id: int) -> float:
        """Last known speed of a running item, in bytes per second."""
        return self._speeds.get(item_id, 0.0)

    # ----------------------------------------------------------------- Qt model API

    # ----------------------------------------------------------------- drag and drop

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled  # between rows and below the last one

    def mimeTypes(self) -> list[str]:
        return [QUEUE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged rows as queue ids, top to bottom (a drop in the queue reorders them)."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return ids_mime(QUEUE_IDS_MIME, [self._items[row].id for row in rows])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role != _DISPLAY:
            return None
        if orientation is Qt.Orientation.Horizontal:
            return HEADERS.get(section)
        return str(section + 1)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return self._display(item, column)
        if role == _FOREGROUND:
            return STATUS_COLOURS[item.status] if column == Column.STATUS else None
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMERIC else None
        if role == _RAW:
            return self._raw(item, column)
        if role == _PROGRESS:
            return progress_fraction(item)
        if role == _ITEM_ID:
            return item.id
        if role == _STATUS:
            return item.status.value
        if role == _TOOLTIP:
            if column == Column.ERROR and item.error:
                return item.error
            if column == Column.TITLE:
                return item.destination
        return None

    def _display(self, item: QueueItem, column: int) -> str:
        if column == Column.POSITION:
            return str(item.position)
        if column == Column.SERIES:
            return item.series_title
        if column == Column.EPISODE:
            return item.key.label()
        if column == Column.TITLE:
            return item.title
        if column == Column.STATUS:
            return STATUS_TEXT[item.status]
        if column == Column.PROGRESS:
            fraction = progress_fraction(item)
            if fraction is not None:
                return f"{fraction * 100:.0f}%"
            return format_size(item.bytes_done) if item.bytes_done else ""
        if column == Column.SPEED:
            speed = self._speeds.get(item.id, 0.0)
            return format_speed(speed) if speed > 0 and item.status is S.DOWNLOADING else ""
        if column == Column.ETA:
            eta = self._eta(item)
            return format_eta(eta) if eta is not None else ""
        if column == Column.SIZE:
            return format_size(item.bytes_total) if item.bytes_total is not None else ""
        if column == Column.ERROR:
            return item.error
        return ""

    def _raw(self, item: QueueItem, column: int) -> Any:
        if column == Column.POSITION:
            return item.position
        if column == Column.SERIES:
            return item.series_title
        if column == Column.EPISODE:
            return item.key.season * 100_000 + item.key.episode
        if column == Column.TITLE:
            return item.title
        if column == Column.STATUS:
            return item.status.value
        if column == Column.PROGRESS:
            return progress_fraction(item)
        if column == Column.SPEED:
            return self._speeds.get(item.id, 0.0) if item.status is S.DOWNLOADING else 0.0
        if column == Column.ETA:
            return self._eta(item)
        if column == Column.SIZE:
            return item.bytes_total
        if column == Column.ERROR:
            return item.error
        return None

    def _eta(self, item: QueueItem) -> float | None:
        speed = self._speeds.get(item.id, 0.0)
        if item.status is not S.DOWNLOADING or speed <= 0 or not item.bytes_total:
            return None
        return max(0, item.bytes_total - item.bytes_done) / speed

    # ----------------------------------------------------------------- following the service

    def add_items(self, items: Iterable[QueueItem]) -> None:
        """Append new rows (one insert for the batch); re-sort only if they land mid-queue."""
        new = sorted((i for i in items if i.id not in self._rows), key=_by_position)
        if not new:
            return
        first = len(self._items)
        out_of_order = first > 0 and new[0].position < self._items[-1].position
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._items.extend(new)
        for row, item in enumerate(new, first):
            self._rows[item.id] = row
        self.endInsertRows()
        if out_of_order:
            self._resort()

    def update_item(self, item: QueueItem) -> None:
        """Show a new copy of one row (status, error, stored progress, size)."""
        row = self._rows.get(item.id)
        if row is None:
            log.debug("update for unknown queue item %d", item.id)
            return
        # A buffered progress event is older than this copy; applying it would step backwards.
        self._pending.pop(item.id, None)
        old = self._items[row]
        self._items[row] = item
        if item.status is not S.DOWNLOADING:
            self._speeds.pop(item.id, None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, _LAST_COLUMN))
        if item.position != old.position:
            self._resort()

    def remove_items(self, ids: Iterable[int]) -> None:
        """Drop rows, one contiguous range at a time from the bottom up."""
        rows = sorted({row for row in map(self._rows.get, ids) if row is not None})
        if not rows:
            return
        ranges: list[tuple[int, int]] = []
        start = prev = rows[0]
        for row in rows[1:]:
            if row != prev + 1:
                ranges.append((start, prev))
                start = row
            prev = row
        ranges.append((start, prev))
        gone = {self._items[row].id for row in rows}
        for item_id in gone:
            self._speeds.pop(item_id, None)
            self._pending.pop(item_id, None)
        if len(ranges) > MAX_REMOVE_RANGES:
            self.beginResetModel()
            self._items = [item for item in self._items if item.id not in gone]
            self._rows = {item.id: row for row, item in enumerate(self._items)}
            self.endResetModel()
            return
        for first, last in reversed(ranges):
            self.beginRemoveRows(QModelIndex(), first, last)
            for item in self._items[first : last + 1]:
                del self._rows[item.id]
            del self._items[first : last + 1]
            self.endRemoveRows()
        # Once for all ranges: row_of() of rows below a removed range lags until here.
        self._reindex_from(ranges[0][0])

    def reorder(self, positions: Iterable[tuple[int, int]]) -> None:
        """Apply new positions and move the rows to match, keeping selections on their items."""
        changed = False
        for item_id, position in positions:
            row = self._rows.get(item_id)
            if row is None:
                continue
            item = self._items[row]
            if item.position != position:
                self._items[row] = item.with_changes(position=position)
                changed = True
        if changed:
            self._resort()

    def buffer_progress(self, event: DownloadProgress) -> None:
        """Keep the latest progress of an item until the next timer tick."""
        if event.item_id not in self._rows:
            return
        self._pending[event.item_id] = event
        if not self.progress_timer.isActive():
            self.progress_timer.start()

    def flush_progress(self) -> None:
        """Apply buffered progress and announce it with one ``dataChanged``."""
        pending, self._pending = self._pending, {}
        first = last = -1
        for item_id, event in pending.items():
            row = self._rows.get(item_id)
            if row is None:
                continue
            item = self._items[row]
            if item.status is not S.DOWNLOADING:
                continue
            self._items[row] = item.with_changes(
                bytes_done=event.bytes_done, bytes_total=event.bytes_total
            )
            self._speeds[item_id] = event.speed
            if first < 0 or row < first:
                first = row
            last = max(last, row)
        if first >= 0:
            self.dataChanged.emit(self.index(first, Column.PROGRESS), self.index(last, Column.SIZE))

    # ----------------------------------------------------------------- internals

    def _reindex_from(self, first: int) -> None:
        rows = self._rows
        for row in range(first, len(self._items)):
            rows[self._items[row].id] = row

    def _resort(self) -> None:
        # PySide offers only the argument-less overload here (no VerticalSortHint).
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._items[index.row()].id for index in before]
        self._items.sort(key=_by_position)
        self._rows = {item.id: row for row, item in enumerate(self._items)}
        after = [
            self.index(self._rows[item_id], index.column())
            for item_id, index in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
