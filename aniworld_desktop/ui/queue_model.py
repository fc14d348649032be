"""The download queue as a Qt table model, relaying what DownloadService announces."""

from __future__ import annotations

import logging
import math
from bisect import insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import IntEnum
from functools import cache
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QLocale,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import DownloadProgress
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.bridge import EventBridge
from aniworld_desktop.ui.id_mime import QUEUE_IDS_MIME, ids_mime
from aniworld_desktop.ui.roles import (
    ALIGNMENT_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    ITEM_ID_ROLE,
    PROGRESS_ROLE,
    RAW_ROLE,
    STATUS_ROLE,
    TOOLTIP_ROLE,
)
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.sort_filter import MAX_SINGLE_MOVES, SortFilterTableModel, blocks
from aniworld_desktop.ui.table_headers import table_header, translated
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

S = DownloadStatus
# At most two repaints a second per row (qutebrowser repaints downloads every 500 ms).
PROGRESS_INTERVAL_MS = 500


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


# Marked for translation here, translated by the model (QueueTableModel context).
HEADERS: dict[int, str] = {
    Column.POSITION: QT_TRANSLATE_NOOP("QueueTableModel", "Priority"),
    Column.SERIES: QT_TRANSLATE_NOOP("QueueTableModel", "Series"),
    Column.EPISODE: QT_TRANSLATE_NOOP("QueueTableModel", "Episode"),
    Column.TITLE: QT_TRANSLATE_NOOP("QueueTableModel", "Title"),
    Column.STATUS: QT_TRANSLATE_NOOP("QueueTableModel", "Status"),
    Column.PROGRESS: QT_TRANSLATE_NOOP("QueueTableModel", "Progress"),
    Column.SPEED: QT_TRANSLATE_NOOP("QueueTableModel", "Speed"),
    Column.ETA: QT_TRANSLATE_NOOP("QueueTableModel", "ETA"),
    Column.SIZE: QT_TRANSLATE_NOOP("QueueTableModel", "Size"),
    Column.ERROR: QT_TRANSLATE_NOOP("QueueTableModel", "Error"),
}

STATUS_TEXT: dict[DownloadStatus, str] = {
    S.PENDING: QT_TRANSLATE_NOOP("QueueTableModel", "Queued"),
    S.DOWNLOADING: QT_TRANSLATE_NOOP("QueueTableModel", "Downloading"),
    S.PAUSED: QT_TRANSLATE_NOOP("QueueTableModel", "Paused"),
    S.COMPLETED: QT_TRANSLATE_NOOP("QueueTableModel", "Completed"),
    S.FAILED: QT_TRANSLATE_NOOP("QueueTableModel", "Failed"),
    S.CANCELLED: QT_TRANSLATE_NOOP("QueueTableModel", "Cancelled"),
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


_NUMERIC = frozenset({Column.POSITION, Column.PROGRESS, Column.SPEED, Column.ETA, Column.SIZE})
_LIVE = frozenset({Column.PROGRESS, Column.SPEED, Column.ETA, Column.SIZE})  # progress moves them
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_COLUMN_COUNT = len(Column)  # a constant: Qt asks for it thousands of times per layout change
_LAST_COLUMN = _COLUMN_COUNT - 1
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
    | Qt.ItemFlag.ItemIsDragEnabled
)
_GAP_FLAGS = Qt.ItemFlag.ItemIsDropEnabled  # between rows and below the last one
_ROLES = frozenset(
    {
        DISPLAY_ROLE,
        FOREGROUND_ROLE,
        ALIGNMENT_ROLE,
        RAW_ROLE,
        PROGRESS_ROLE,
        ITEM_ID_ROLE,
        STATUS_ROLE,
        TOOLTIP_ROLE,
    }
)


def format_size(size: int | float) -> str:
    """``1.5 MiB`` as file managers show it (``1,5 MiB`` where the locale writes a comma)."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            if unit == "B":
                return f"{value:.0f} B"
            break
        value /= 1024
    text = f"{value:.1f}"
    point = QLocale().decimalPoint()  # half a microsecond; only visible cells are formatted
    return f"{text.replace('.', point) if point != '.' else text} {unit}"


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


def haystack(item: QueueItem) -> str:
    """What the filter searches in: series, title and episode label, case-folded.

    The fields are joined by a control character no one types, so a needle never matches across
    the end of one field and the start of the next.
    """
    label = _episode_label(item.key.season, item.key.episode)
    return f"{item.series_title}\x1f{item.title}\x1f{label}".casefold()


@cache
def _episode_label(season: int, episode: int) -> str:
    # Formatting the label was half the cost of a haystack, and a queue repeats few labels.
    return EpisodeKey(0, season, episode).label()


def _priority(item: QueueItem) -> tuple[int, int]:
    # Queue order: position, then id, so equal positions still have one order.
    return (item.position, item.id)


# Statuses ranked as their raw values sort, so comparing ranks (ints) orders rows exactly as
# comparing the strings under Role.RAW would, only faster.
_STATUS_RANK: dict[DownloadStatus, int] = {
    status: rank for rank, status in enumerate(sorted(S, key=lambda status: status.value))
}


class QueueTableModel(SortFilterTableModel[QueueItem]):
    """The download queue, one row per ``QueueItem``, sorted and filtered in the model itself.

    The model never reads the database: it is loaded from ``DownloadService.items()`` and then
    follows the bus through an :class:`EventBridge`. Live progress is buffered and applied on a
    2 Hz timer as one ``dataChanged`` per contiguous block of changed rows, over the progress,
    speed, ETA and size cells only.

    Sorting and filtering happen in the model (:mod:`aniworld_desktop.ui.sort_filter`), whose
    base order is the queue's: priority order, the order downloads run in. Hidden items still
    follow every update and show up as soon as they match. Equal sort keys keep queue order,
    whichever the direction; unknown values (no size yet, no ETA) go last either way.

    A change that moves a row under the active sort or filter (a status change while sorted by
    status, say) is applied in place at once and the row is moved on the next turn of the event
    loop, together with any others, in one layout change; :meth:`settle` does it now. Progress
    under a Progress/Speed/ETA/Size sort moves rows at most once per flush.

    The vertical header shows each row's place in the queue (its rank in priority order), which
    is the row number only while :attr:`is_priority_order`. The ``POSITION`` column holds the
    stored priority, which has gaps and may go below 1 after "move to top", so the window hides
    it.

    Attributes:
        progress_timer: The coalescing timer (single shot, started by the first buffered event).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(attrgetter("id"), Column.POSITION, parent)
        self._ranks: dict[int, int] | None = None  # id -> place in the queue; built on demand
        self._speeds: dict[int, float] = {}  # running items only
        self._pending: dict[int, DownloadProgress] = {}  # latest event per item, not yet shown
        self._needle = ""
        self._statuses: frozenset[DownloadStatus] | None = None
        self._hide_completed = False
        self._haystacks: dict[int, str] | None = None  # built with the first text filter
        # Translated once: data() runs for every visible cell on each repaint.
        self._headers = translated("QueueTableModel", HEADERS)
        self._status_text = translated("QueueTableModel", STATUS_TEXT)
        self.progress_timer = QTimer(self)
        self.progress_timer.setSingleShot(True)
        self.progress_timer.setInterval(PROGRESS_INTERVAL_MS)
        self.progress_timer.timeout.connect(self.flush_progress)

    # ----------------------------------------------------------------- wiring

    def attach(self, bridge: EventBridge) -> None:
        """Follow the queue events ``bridge`` re-emits."""
        bridge.itemsAdded.connect(self.add_items)
        bridge.itemUpdated.connect(self.update_item)
        bridge.itemsUpdated.connect(self.update_items)
        bridge.itemsRemoved.connect(self.remove_items)
        bridge.reordered.connect(self.reorder)
        bridge.progress.connect(self.buffer_progress)

    def load(self, items: Sequence[QueueItem], speeds: Mapping[int, float] | None = None) -> None:
        """Replace every item with ``items``, which must be in priority order already.

        The active sort and filter stay and apply to the new items.

        Args:
            items: A snapshot such as ``DownloadService.items()``.
            speeds: Current speed of running items, by id.
        """
        self.beginResetModel()
        self._by_id = {item.id: item for item in items}
        self._order = list(self._by_id)
        self._ranks = None
        self._speeds = dict(speeds or {})
        self._pending.clear()
        self._haystacks = None
        self._rebuild_visible()
        self.endResetModel()

    # ----------------------------------------------------------------- lookups

    def item(self, row: int) -> QueueItem:
        """The queue item shown in ``row``."""
        return self._items[row]

    def item_id(self, row: int) -> int:
        """Id of the queue item shown in ``row``."""
        return self._items[row].id

    def row_of(self, item_id: int) -> int | None:
        """The row showing ``item_id``, or None if it is not in the model or filtered out."""
        return self._rows.get(item_id)

    def status_text(self, status: DownloadStatus) -> str:
        """What the Status column says for ``status``, in the UI language."""
        return self._status_text[status]

    def speed(self, item_id: int) -> float:
        """Last known speed of a running item, in bytes per second."""
        return self._speeds.get(item_id, 0.0)

    def total_count(self) -> int:
        """How many items the model holds, shown or filtered out."""
        return len(self._order)

    def queue_place(self, item_id: int) -> int | None:
        """1 for the item that downloads first, whatever the sort; None if unknown."""
        if self._ranks is None:
            self._ranks = {item_id: rank for rank, item_id in enumerate(self._order, 1)}
        return self._ranks.get(item_id)

    # ----------------------------------------------------------------- sorting and filtering

    @property
    def sort_column(self) -> int:
        """The :class:`Column` rows are sorted by (``POSITION``: queue order)."""
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    @property
    def filter_text(self) -> str:
        """The text filter, stripped and case-folded; empty when off."""
        return self._needle

    @property
    def status_filter(self) -> frozenset[DownloadStatus] | None:
        """The statuses shown, or None for all of them."""
        return self._statuses

    @property
    def hide_completed(self) -> bool:
        """Whether completed downloads are left out of the rows."""
        return self._hide_completed

    @property
    def is_priority_order(self) -> bool:
        """True when every item shows, in queue order (the row numbers are queue places)."""
        return self._in_base_order() and not self._is_filtered()

    @property
    def reorderable(self) -> bool:
        """Whether dragging rows reorders the queue: in queue order, with no filter but the
        hidden completed rows (they never download, so where they sit changes nothing)."""
        return self._in_base_order() and not self._needle and self._statuses is None

    def reorder_refusal(self) -> str | None:
        """Why rows cannot be reordered by dragging right now, for the status bar; None if they can."""
        if self.reorderable:
            return None
        filtered = bool(self._needle) or self._statuses is not None
        if not self._in_base_order() and filtered:
            return self.tr("Sort by priority and clear the filter to reorder by dragging.")
        if filtered:
            return self.tr("Clear the filter to reorder by dragging.")
        return self.tr("Sort by priority to reorder by dragging.")

    def set_hide_completed(self, hidden: bool) -> None:
        """Leave completed downloads out of the rows (they stay in the model), or show them."""
        if hidden == self._hide_completed:
            return

        def refilter() -> None:
            self._hide_completed = hidden
            self._rebuild_visible()

        self._change_layout(refilter)

    def set_filter(self, text: str, statuses: Iterable[DownloadStatus] | None = None) -> None:
        """Show only items whose series, title or episode label contains ``text`` (any case).

        Args:
            text: Empty shows every item.
            statuses: Show only items in one of these states; None shows every state (an empty
                set shows nothing).
        """
        needle = text.strip().casefold()
        wanted = None if statuses is None else frozenset(statuses)
        if wanted is not None and len(wanted) == len(S):
            wanted = None
        if needle == self._needle and wanted == self._statuses:
            return
        if needle:
            self._ensure_haystacks()

        def refilter() -> None:
            self._needle, self._statuses = needle, wanted
            # From scratch even when the text only grew: a pass over the items in queue order
            # (laid out in memory in that order) and a sort of the matches is many times faster
            # than a pass over 100,000 rows in some other order.
            self._rebuild_visible()

        self._change_layout(refilter)

    # ----------------------------------------------------------------- Qt model API

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Constants: Qt asks once per selected cell on every layout change, and the base
        # class's answer would call back into rowCount() and columnCount() each time.
        return _CELL_FLAGS if index.isValid() else _GAP_FLAGS

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

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Queue rows can be dropped only in priority order (see :meth:`reorder_refusal`)."""
        if data.hasFormat(QUEUE_IDS_MIME) and not self.reorderable:
            return False
        return super().canDropMimeData(data, action, row, column, parent)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        """Always False: the model never moves rows itself.

        The view reads the drop and the window asks the service to reorder; the rows move when
        its event comes back (:meth:`reorder`).
        """
        return False

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            role == DISPLAY_ROLE
            and orientation is Qt.Orientation.Vertical
            and not self.is_priority_order
            and 0 <= section < len(self._items)
        ):
            # Sorted or filtered, a row is numbered by its place in the whole queue.
            return str(self.queue_place(self._items[section].id))
        return table_header(self._headers, section, orientation, role)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role not in _ROLES or not index.isValid():
            return None  # most roles a repaint asks for (font, background, icons) are not ours
        item = self._items[index.row()]
        column = index.column()
        if role == DISPLAY_ROLE:
            return self._display(item, column)
        if role == FOREGROUND_ROLE:
            return STATUS_COLOURS[item.status] if column == Column.STATUS else None
        if role == ALIGNMENT_ROLE:
            return _RIGHT if column in _NUMERIC else None
        if role == RAW_ROLE:
            return self._raw(item, column)
        if role == PROGRESS_ROLE:
            return progress_fraction(item)
        if role == ITEM_ID_ROLE:
            return item.id
        if role == STATUS_ROLE:
            return item.status.value
        if role == TOOLTIP_ROLE:
            if column == Column.ERROR and item.error:
                return service_text(item.error)
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
            return self._status_text[item.status]
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
            return service_text(item.error) if item.error else ""
        return ""

    def _raw(self, item: QueueItem, column: int) -> Any:
        if column == Column.POSITION:
            return item.position
        if column == Column.SERIES:
            return item.series_title
        if column == Column.EPISODE:
            return _episode_number(item)
        if column == Column.TITLE:
            return item.title
        if column == Column.STATUS:
            return item.status.value
        if column == Column.PROGRESS:
            return progress_fraction(item)
        if column == Column.SPEED:
            return self._running_speed(item)
        if column == Column.ETA:
            return self._eta(item)
        if column == Column.SIZE:
            return item.bytes_total
        if column == Column.ERROR:
            return item.error
        return None

    def _running_speed(self, item: QueueItem) -> float:
        return self._speeds.get(item.id, 0.0) if item.status is S.DOWNLOADING else 0.0

    def _eta(self, item: QueueItem) -> float | None:
        speed = self._speeds.get(item.id, 0.0)
        if item.status is not S.DOWNLOADING or speed <= 0 or not item.bytes_total:
            return None
        return max(0, item.bytes_total - item.bytes_done) / speed

    # ----------------------------------------------------------------- following the service

    def add_items(self, items: Iterable[QueueItem]) -> None:
        """Add new items; the visible ones are inserted where the sort puts them.

        Rows that land next to each other go in as one insert (a batch appended to the queue in
        priority order is one insert at the end). Past ``MAX_INSERT_BLOCKS`` separate places,
        they are appended and sorted into place by one layout change.
        """
        by_id = self._by_id
        new = sorted((i for i in items if i.id not in by_id), key=_priority)
        if not new:
            return
        self.settle()
        order = self._order
        last = by_id[order[-1]] if order else None
        for item in new:
            by_id[item.id] = item
        if self._haystacks is not None:
            self._haystacks.update((item.id, haystack(item)) for item in new)
        if last is None or _priority(last) < _priority(new[0]):
            order.extend(item.id for item in new)
        elif len(new) <= MAX_SINGLE_MOVES:
            for item in new:
                insort(order, item.id, key=self._queue_key)
        else:
            order.extend(item.id for item in new)
            order.sort(key=self._queue_key)
        self._ranks = None

        matches = self._matches
        shown = self._sorted([item for item in new if matches(item)])
        if shown:
            self._insert_rows(shown)
        self._announce_places()

    def update_item(self, item: QueueItem) -> None:
        """Show a new copy of one item (status, error, stored progress, size, position)."""
        self.update_items((item,))

    def update_items(self, items: Iterable[QueueItem]) -> None:
        """Show new copies of items ("Pause all"): one ``dataChanged`` per block of rows.

        Rows whose place or visibility changes move on the next turn of the event loop, all in
        one layout change (see :meth:`settle`).
        """
        by_id, rows, shown_items, key = self._by_id, self._rows, self._items, self._key
        changed: list[int] = []
        moved: dict[int, None] = {}
        for item in items:
            old = by_id.get(item.id)
            if old is None:
                log.debug("update for unknown queue item %d", item.id)
                continue
            # A buffered progress event is older than this copy; applying it would step back.
            self._pending.pop(item.id, None)
            old_key = key(old)  # before the speed goes: Speed and ETA keys read it
            by_id[item.id] = item
            if item.status is not S.DOWNLOADING:
                self._speeds.pop(item.id, None)
            if self._haystacks is not None:
                self._haystacks[item.id] = haystack(item)
            requeued = item.position != old.position
            if requeued:
                moved[item.id] = None
            row = rows.get(item.id)
            if row is not None:
                shown_items[row] = item
                changed.append(row)
            shown = row is not None
            if shown != self._matches(item) or (shown and (requeued or key(item) != old_key)):
                self._misplace(item.id)
        if moved:
            self._requeue(list(moved))
        create = self.createIndex  # rows known valid: no call back into rowCount()
        for first, last in blocks(sorted(set(changed))):
            self.dataChanged.emit(create(first, 0), create(last, _LAST_COLUMN))
        if moved:
            self._announce_places()

    def remove_items(self, ids: Iterable[int]) -> None:
        """Drop items; visible rows go one contiguous range at a time from the bottom up."""
        gone = self._remove_ids(ids)
        if not gone:
            return
        for item_id in gone:
            self._speeds.pop(item_id, None)
            self._pending.pop(item_id, None)
            if self._haystacks is not None:
                del self._haystacks[item_id]
        self._ranks = None
        self._announce_places()

    def reorder(self, positions: Iterable[tuple[int, int]]) -> None:
        """Apply new positions and move the rows to match, keeping selections on their items."""
        by_id, rows, items = self._by_id, self._rows, self._items
        moved: dict[int, None] = {}  # each id once, even if named twice
        for item_id, position in positions:
            item = by_id.get(item_id)
            if item is None or item.position == position:
                continue
            item = item.with_changes(position=position)
            by_id[item_id] = item
            row = rows.get(item_id)
            if row is not None:
                items[row] = item
            moved[item_id] = None
        if not moved:
            return
        self._requeue(list(moved))
        # Positions order rows in queue order and break ties under any other sort.
        self._misplaced.update(item_id for item_id in moved if item_id in rows)
        self.settle()
        self._announce_places()

    def buffer_progress(self, event: DownloadProgress) -> None:
        """Keep the latest progress of an item until the next timer tick."""
        if event.item_id not in self._by_id:
            return
        self._pending[event.item_id] = event
        if not self.progress_timer.isActive():
            self.progress_timer.start()

    def flush_progress(self) -> None:
        """Apply buffered progress: one ``dataChanged`` per block of changed rows, live cells only.

        Under a Progress, Speed, ETA or Size sort the rows that moved go to their new places
        first, all in one layout change; hidden items are updated without a signal.
        """
        pending, self._pending = self._pending, {}
        by_id, rows, items, speeds = self._by_id, self._rows, self._items, self._speeds
        live_sort = self._sort_column in _LIVE
        key = self._key
        shown: list[int] = []
        for item_id, event in pending.items():
            item = by_id.get(item_id)
            if item is None or item.status is not S.DOWNLOADING:
                continue
            old_key = key(item) if live_sort else None
            item = item.with_changes(bytes_done=event.bytes_done, bytes_total=event.bytes_total)
            by_id[item_id] = item
            speeds[item_id] = event.speed
            row = rows.get(item_id)
            if row is None:
                continue
            items[row] = item
            shown.append(item_id)
            if live_sort and key(item) != old_key:
                self._misplaced.add(item_id)
        if not shown:
            return
        if live_sort:
            self.settle()
        rows = self._rows  # settle may have rebuilt it
        changed = sorted(row for row in map(rows.get, shown) if row is not None)
        create = self.createIndex  # rows known valid: no call back into rowCount()
        for first, last in blocks(changed):
            self.dataChanged.emit(create(first, Column.PROGRESS), create(last, Column.SIZE))

    # ----------------------------------------------------------------- internals

    def _tie(self, item: QueueItem) -> tuple[int, int]:
        return _priority(item)

    def _reindex_from(self, first: int) -> None:
        items = self._items
        if first == 0:
            self._rows = {item.id: row for row, item in enumerate(items)}
            return
        rows = self._rows
        for row in range(first, len(items)):
            rows[items[row].id] = row

    def _is_filtered(self) -> bool:
        return bool(self._needle) or self._statuses is not None or self._hide_completed

    def _matches(self, item: QueueItem) -> bool:
        needle, statuses = self._needle, self._statuses
        if needle and needle not in self._ensure_haystacks()[item.id]:
            return False
        if self._hide_completed and item.status is S.COMPLETED:
            return False
        return statuses is None or item.status in statuses

    def _ensure_haystacks(self) -> dict[int, str]:
        if self._haystacks is None:
            self._haystacks = {item_id: haystack(item) for item_id, item in self._by_id.items()}
        return self._haystacks

    def _sort_key(self, column: int, descending: bool) -> Callable[[QueueItem], Any]:
        """The raw value of ``column`` as a sort key; text compares case-folded.

        An unknown value (None) becomes an infinity on the far side of the sort direction, so
        it sorts last either way and the keys stay comparable.
        """
        unknown = -math.inf if descending else math.inf
        if column == Column.SERIES:
            return lambda item: item.series_title.casefold()
        if column == Column.EPISODE:
            return _episode_number
        if column == Column.TITLE:
            return lambda item: item.title.casefold()
        if column == Column.STATUS:
            return lambda item: _STATUS_RANK[item.status]
        if column == Column.PROGRESS:
            return lambda item: _known(progress_fraction(item), unknown)
        if column == Column.SPEED:
            return self._running_speed
        if column == Column.ETA:
            return lambda item: _known(self._eta(item), unknown)
        if column == Column.SIZE:
            return lambda item: unknown if item.bytes_total is None else item.bytes_total
        if column == Column.ERROR:
            return lambda item: item.error.casefold()
        return attrgetter("position")

    def _filtered(self, items: list[QueueItem]) -> list[QueueItem]:
        """The ``items`` that match the filter, in the same order (one pass per criterion)."""
        needle, statuses = self._needle, self._statuses
        if needle:
            haystacks = self._ensure_haystacks()
            items = [item for item in items if needle in haystacks[item.id]]
        if statuses is not None:
            items = [item for item in items if item.status in statuses]
        if self._hide_completed:
            items = [item for item in items if item.status is not S.COMPLETED]
        return items

    def _requeue(self, ids: list[int]) -> None:
        """Put ``ids``, whose positions changed, back in queue order."""
        order, key = self._order, self._queue_key
        if len(ids) > MAX_SINGLE_MOVES:
            order.sort(key=key)
        else:
            for item_id in ids:
                order.remove(item_id)
            for item_id in ids:
                insort(order, item_id, key=key)
        self._ranks = None

    def _queue_key(self, item_id: int) -> tuple[int, int]:
        return _priority(self._by_id[item_id])

    def _announce_places(self) -> None:
        # Out of queue order the row headers show queue places, which rows do not carry along.
        if not self.is_priority_order and self._items:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._items) - 1)


def _known(value: float | None, unknown: float) -> float:
    return unknown if value is None else value


def _episode_number(item: QueueItem) -> int:
    return item.key.season * 100_000 + item.key.episode
