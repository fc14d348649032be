"""Sorting and filtering inside a table model, for the queue and the series tables.

A ``QSortFilterProxyModel`` over a large Python model was measured far too slow (~8 s just to
attach to 100,000 rows), so the models sort and filter themselves, with this one engine:

- Every item is kept by id (``_by_id``) and the ids in *base order* (``_order``): the order rows
  show in unsorted, and the order equal sort keys keep whichever the direction (the queue's
  priority, the order series were loaded in).
- The visible rows (``_items``) are the matching items in display order, with an id-to-row map
  (``_rows``); row numbers, ``row_of()`` and the Qt API speak of visible rows.
- A full rebuild filters the items in base order and sorts the matches stably. Changes that
  may move a row (its key or its match changed) are collected and applied together by
  :meth:`SortFilterTableModel.settle`, which moves only those rows, in one layout change whose
  persistent indexes (the selection, the current row) follow their items.

A subclass says what an item's id is, how to sort by a column (:meth:`_sort_key`), what
matches the filter (:meth:`_matches`), which column means "unsorted", and how ties break.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

T = TypeVar("T")

# Past this many separate ranges, one layout change is cheaper than a beginRemoveRows per range.
MAX_REMOVE_RANGES = 64
# Past this many separate places, new rows are appended and sorted in by one layout change.
MAX_INSERT_BLOCKS = 64
# Past this many rows to move at once, sorting all visible rows again is cheaper.
MAX_SINGLE_MOVES = 256

# The layout signals' full overload, which carries a hint; PySide's plain emit() has none.
_WITH_HINT = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")
_ROWS_SORTED = QAbstractItemModel.LayoutChangeHint.VerticalSortHint


def blocks(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as ``(first, last)`` runs of consecutive numbers."""
    if not rows:
        return []
    runs: list[tuple[int, int]] = []
    start = prev = rows[0]
    for row in rows[1:]:
        if row != prev + 1:
            runs.append((start, prev))
            start = row
        prev = row
    runs.append((start, prev))
    return runs


def unknown_last(value: Callable[[T], Any], descending: bool) -> Callable[[T], Any]:
    """A sort key of ``value`` that puts None after every known value, in either direction."""
    unknown = (0,) if descending else (2,)

    def key(item: T) -> Any:
        known = value(item)
        return unknown if known is None else (1, known)

    return key


class SortFilterTableModel(QAbstractTableModel, Generic[T]):
    """A table model that sorts and filters its own rows (see the module's description).

    Subclasses implement :meth:`_sort_key`, :meth:`_matches` and :meth:`_tie`, keep
    ``_by_id`` and ``_order`` up to date, and call the row operations below.
    """

    def __init__(
        self, item_id: Callable[[T], int], unsorted: int, parent: QObject | None = None
    ) -> None:
        """Rows of items whose id ``item_id`` reads; column ``unsorted`` means base order."""
        super().__init__(parent)
        self._id_of = item_id
        self._unsorted = unsorted
        self._by_id: dict[int, T] = {}  # every item, shown or not
        self._order: list[int] = []  # every id, in base order
        self._items: list[T] = []  # the visible rows, in display order
        self._rows: dict[int, int] = {}  # visible item id -> row
        self._sort_column = unsorted
        self._descending = False
        self._key: Callable[[T], Any] = self._sort_key(unsorted, False)
        self._misplaced: set[int] = set()  # ids whose place or visibility may have changed
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(0)  # next loop turn: a burst of updates moves rows once
        self._settle_timer.timeout.connect(self.settle)

    # ----------------------------------------------------------------- for the subclass

    def _sort_key(self, column: int, descending: bool) -> Callable[[T], Any]:
        """The sort key of ``column`` (comparable values; unknown ones last either way)."""
        raise NotImplementedError

    def _matches(self, item: T) -> bool:
        """True when ``item`` passes the filter."""
        raise NotImplementedError

    def _tie(self, item: T) -> Any:
        """The base-order key that breaks ties between equal sort keys."""
        raise NotImplementedError

    def _filtered(self, items: list[T]) -> list[T]:
        """The ``items`` that match the filter, in the same order."""
        matches = self._matches
        return [item for item in items if matches(item)]

    # ----------------------------------------------------------------- sorting

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by ``column``, stably; selections stay on their items.

        Args:
            column: A column; any other number (-1 is the header's "no sort") means base order.
            order: Ascending or descending. Equal values keep base order either way, and
                unknown values go last either way.
        """
        if not 0 <= column < self.columnCount():
            column, order = self._unsorted, Qt.SortOrder.AscendingOrder
        descending = order == Qt.SortOrder.DescendingOrder
        if column == self._sort_column and descending == self._descending:
            return
        self._change_layout(lambda: self._set_sort(column, descending), reorder_only=True)

    def _set_sort(self, column: int, descending: bool) -> None:
        self._sort_column, self._descending = column, descending
        self._key = self._sort_key(column, descending)
        self._rebuild_visible()

    def _in_base_order(self) -> bool:
        return self._sort_column == self._unsorted and not self._descending

    def _sorted(self, items: list[T]) -> list[T]:
        """``items``, given in base order, in display order (a stable sort keeps it for ties)."""
        keys = list(map(self._key, items))
        # Sorting indexes by a prebuilt key list: one C-level lookup per comparison key.
        order = sorted(range(len(keys)), key=keys.__getitem__, reverse=self._descending)
        return list(map(items.__getitem__, order))

    def _precedes(self, a: T, b: T) -> bool:
        """True if ``a`` comes before ``b`` in display order (the order :meth:`_sorted` makes)."""
        key = self._key
        key_a, key_b = key(a), key(b)
        if key_a != key_b:
            return bool(key_a > key_b) if self._descending else bool(key_a < key_b)
        return bool(self._tie(a) < self._tie(b))

    def _insertion_row(self, item: T, low: int = 0) -> int:
        """Where ``item`` belongs among the visible rows (searching from ``low`` on)."""
        items, precedes = self._items, self._precedes
        high = len(items)
        while low < high:
            middle = (low + high) // 2
            if precedes(items[middle], item):
                low = middle + 1
            else:
                high = middle
        return low

    def _fits(self, row: int) -> bool:
        items, precedes = self._items, self._precedes
        item = items[row]
        return (row == 0 or precedes(items[row - 1], item)) and (
            row == len(items) - 1 or precedes(item, items[row + 1])
        )

    # ----------------------------------------------------------------- the visible rows

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def _rebuild_visible(self) -> None:
        """Filter every item, in base order, and sort the rest: the visible rows from scratch."""
        shown = self._filtered(list(map(self._by_id.__getitem__, self._order)))
        if not self._in_base_order():
            shown = self._sorted(shown)
        self._items = shown
        self._reindex_from(0)
        self._misplaced = set()

    def _reindex_from(self, first: int) -> None:
        """Bring the id-to-row map up to date from row ``first`` down (0: a new map).

        A model of 100,000 rows overrides it with the id read inline (``item.id``): a call per
        row made sorting and filtering a tenth slower.
        """
        items, id_of = self._items, self._id_of
        if first == 0:
            self._rows = {id_of(item): row for row, item in enumerate(items)}
            return
        rows = self._rows
        for row in range(first, len(items)):
            rows[id_of(items[row])] = row

    def _misplace(self, item_id: int) -> None:
        """``item_id``'s place or visibility may have changed: settle on the next loop turn."""
        self._misplaced.add(item_id)
        if not self._settle_timer.isActive():
            self._settle_timer.start()

    def settle(self) -> None:
        """Move rows whose sort key or filter match changed to their places now.

        It runs by itself on the next turn of the event loop after such a change, so a burst
        of updates moves rows once; call it to have the rows in place at once.
        """
        self._settle_timer.stop()
        if not self._misplaced:
            return
        by_id, rows, matches = self._by_id, self._rows, self._matches
        same_rows = all(
            (item_id in rows) == matches(item)
            for item_id in self._misplaced
            if (item := by_id.get(item_id)) is not None
        )
        if same_rows and all(map(self._fits, map(rows.__getitem__, self._misplaced & rows.keys()))):
            # Every pair of neighbours around the changed rows is still in order, so the whole
            # list is (the other rows' keys did not change): nothing moves.
            self._misplaced.clear()
            return
        self._change_layout(self._place_misplaced, reorder_only=same_rows)

    def _place_misplaced(self) -> None:
        misplaced, self._misplaced = self._misplaced, set()
        if len(misplaced) > MAX_SINGLE_MOVES:
            self._rebuild_visible()
            return
        by_id, items, rows, matches = self._by_id, self._items, self._rows, self._matches
        taken = sorted(
            (rows.pop(item_id) for item_id in misplaced if item_id in rows), reverse=True
        )
        for row in taken:
            del items[row]
        first = taken[-1] if taken else len(items)
        for item_id in misplaced:
            item = by_id.get(item_id)
            if item is not None and matches(item):
                row = self._insertion_row(item)
                items.insert(row, item)
                first = min(first, row)
        self._reindex_from(first)

    def _insert_rows(self, shown: list[T]) -> None:
        """Insert ``shown`` (in display order), one insert per run of rows landing together."""
        items, precedes = self._items, self._precedes
        runs: list[tuple[int, list[T]]] = []
        row = 0
        if shown and (not items or not precedes(shown[0], items[0])):
            row = self._insertion_row(shown[0])
        if shown and row == len(items):
            # All of them after the last row (a load's chunk, new downloads): one run, without
            # placing each (a tenth of a second of the start-up's 100,000 rows).
            runs.append((row, list(shown)))
        else:
            for item in shown:
                # Each new item goes at or below the previous one: one comparison when next.
                if row < len(items) and not precedes(item, items[row]):
                    row = self._insertion_row(item, row)
                if runs and runs[-1][0] == row:
                    runs[-1][1].append(item)
                else:
                    runs.append((row, [item]))
                if len(runs) > MAX_INSERT_BLOCKS:
                    break
        if len(runs) > MAX_INSERT_BLOCKS:
            first = len(items)
            self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
            items.extend(shown)
            self._reindex_from(first)
            self.endInsertRows()
            self._misplaced.update(map(self._id_of, shown))
            self.settle()
            return
        # Bottom up, so the rows of the runs above stay valid; the map is right for the last.
        for count, (row, run) in enumerate(reversed(runs), 1):
            self.beginInsertRows(QModelIndex(), row, row + len(run) - 1)
            items[row:row] = run
            if count == len(runs):
                self._reindex_from(row)
            self.endInsertRows()

    def _remove_rows(self, rows: list[int]) -> None:
        """Remove visible ``rows`` (sorted), one contiguous range at a time from the bottom up."""
        ranges = blocks(rows)
        if len(ranges) > MAX_REMOVE_RANGES:
            gone = set(rows)

            def drop() -> None:
                self._items = [item for row, item in enumerate(self._items) if row not in gone]
                self._reindex_from(0)

            self._change_layout(drop)
            return
        items, index, id_of = self._items, self._rows, self._id_of
        for first, last in reversed(ranges):
            self.beginRemoveRows(QModelIndex(), first, last)
            for item in items[first : last + 1]:
                del index[id_of(item)]
            del items[first : last + 1]
            self.endRemoveRows()
        # Once for all ranges: row_of() of rows below a removed range lags until here.
        self._reindex_from(ranges[0][0])

    def _remove_ids(self, ids: Iterable[int]) -> set[int]:
        """Forget the items ``ids`` and remove their rows; the ids that were known."""
        by_id = self._by_id
        gone = {item_id for item_id in ids if item_id in by_id}
        if not gone:
            return gone
        self.settle()
        for item_id in gone:
            del by_id[item_id]
        self._order = [item_id for item_id in self._order if item_id not in gone]
        rows = sorted({row for row in map(self._rows.get, gone) if row is not None})
        if rows:
            self._remove_rows(rows)
        return gone

    def _change_layout(self, change: Callable[[], None], *, reorder_only: bool = False) -> None:
        """Run ``change`` (which may reorder, hide and show rows) as one layout change.

        Persistent indexes (the selection, the current row) follow their items; those of items
        that are no longer shown become invalid.

        Args:
            change: Rebuilds ``_items`` and ``_rows``.
            reorder_only: The same rows stay, only their order changes. Qt's views then keep
                one persistent index per selected row instead of one per selected cell.
        """
        if reorder_only:
            # PySide's stubs do not know a signal's overloads can be picked by signature.
            self.layoutAboutToBeChanged[_WITH_HINT].emit([], _ROWS_SORTED)  # type: ignore[index]
        else:
            self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        items, id_of = self._items, self._id_of
        ids = [id_of(items[index.row()]) for index in before]
        change()
        rows, create, nowhere = self._rows.get, self.createIndex, QModelIndex()
        after = []
        for item_id, old in zip(ids, before, strict=True):
            row = rows(item_id)
            # createIndex, not index(): the rows are known valid, and index() would call back
            # into rowCount() and columnCount() for each.
            after.append(nowhere if row is None else create(row, old.column()))
        self.changePersistentIndexList(before, after)
        if reorder_only:
            self.layoutChanged[_WITH_HINT].emit([], _ROWS_SORTED)  # type: ignore[index]
        else:
            self.layoutChanged.emit()
