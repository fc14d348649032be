"""The followed series as a Qt table model, sorted and filtered in the model itself.

A ``QSortFilterProxyModel`` over a large Python model was measured far too slow (seconds to attach
at 100k rows), so this model keeps its own sort order and its own list of visible rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from aniworld_desktop.core.models import SeriesSummary
from aniworld_desktop.ui.drops import SERIES_IDS_MIME, ids_mime
from aniworld_desktop.ui.roles import Role
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP


class Column(IntEnum):
    """Columns of the series table."""

    TITLE = 0
    YEAR = 1
    PROVIDER = 2
    EPISODES = 3
    ON_DISK = 4
    MISSING = 5
    QUEUED = 6
    MONITORED = 7
    REFRESHED = 8
    METADATA = 9


# Marked for translation here, translated where shown (SeriesTableModel context).
HEADERS: dict[int, str] = {
    Column.TITLE: QT_TRANSLATE_NOOP("SeriesTableModel", "Title"),
    Column.YEAR: QT_TRANSLATE_NOOP("SeriesTableModel", "Year"),
    Column.PROVIDER: QT_TRANSLATE_NOOP("SeriesTableModel", "Provider"),
    Column.EPISODES: QT_TRANSLATE_NOOP("SeriesTableModel", "Episodes"),
    Column.ON_DISK: QT_TRANSLATE_NOOP("SeriesTableModel", "On disk"),
    Column.MISSING: QT_TRANSLATE_NOOP("SeriesTableModel", "Missing"),
    Column.QUEUED: QT_TRANSLATE_NOOP("SeriesTableModel", "Queued"),
    Column.MONITORED: QT_TRANSLATE_NOOP("SeriesTableModel", "Monitored"),
    Column.REFRESHED: QT_TRANSLATE_NOOP("SeriesTableModel", "Last refresh"),
    Column.METADATA: QT_TRANSLATE_NOOP("SeriesTableModel", "Metadata"),
}

METADATA_TEXT: dict[str, str] = {
    "": QT_TRANSLATE_NOOP("SeriesTableModel", "Pending"),
    "done": QT_TRANSLATE_NOOP("SeriesTableModel", "Done"),
    "failed": QT_TRANSLATE_NOOP("SeriesTableModel", "Failed"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("SeriesTableModel", text)


# Roles as plain ints: data() runs for every visible cell and role on each repaint.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole.value
_CHECK = Qt.ItemDataRole.CheckStateRole.value
_RAW = Role.RAW.value
_ITEM_ID = Role.ITEM_ID.value

_NUMERIC = frozenset({Column.YEAR, Column.EPISODES, Column.ON_DISK, Column.MISSING, Column.QUEUED})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LAST_COLUMN = len(Column) - 1
_CHECKED = Qt.CheckState.Checked
_UNCHECKED = Qt.CheckState.Unchecked


def raw_value(summary: SeriesSummary, column: int) -> Any:
    """The value of one cell as data, for sorting (``Role.RAW``)."""
    series, counts = summary.series, summary.counts
    if column == Column.TITLE:
        return series.title
    if column == Column.YEAR:
        return series.year
    if column == Column.PROVIDER:
        return series.provider
    if column == Column.EPISODES:
        return counts.episodes
    if column == Column.ON_DISK:
        return counts.on_disk
    if column == Column.MISSING:
        return counts.missing
    if column == Column.QUEUED:
        return counts.queued
    if column == Column.MONITORED:
        return series.monitored
    if column == Column.REFRESHED:
        return series.refreshed_at
    if column == Column.METADATA:
        return series.metadata_state
    return None


def format_refreshed(moment: datetime | None) -> str:
    """A stored refresh time (naive UTC, as the catalogue writes it) in local time."""
    if moment is None:
        return QCoreApplication.translate("SeriesTableModel", "Never")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _display(summary: SeriesSummary, column: int) -> str | None:
    series = summary.series
    if column == Column.TITLE:
        return series.title
    if column == Column.YEAR:
        return str(series.year) if series.year is not None else ""
    if column == Column.PROVIDER:
        return series.provider
    if column == Column.MONITORED:
        return None  # the check box says it
    if column == Column.REFRESHED:
        return format_refreshed(series.refreshed_at)
    if column == Column.METADATA:
        state = series.metadata_state
        known = METADATA_TEXT.get(state)
        return _tr(known) if known is not None else state.capitalize()
    return str(raw_value(summary, column))


def _matches(summary: SeriesSummary, needle: str) -> bool:
    return not needle or needle in summary.series.title.casefold()


class SeriesTableModel(QAbstractTableModel):
    """Followed series, one row per ``SeriesSummary``, with in-model sorting and filtering.

    The model never reads the database: it is loaded from ``LibraryService.list_series()`` and
    later given fresh snapshots through :meth:`update_summaries`, which it turns into row inserts,
    removals and ``dataChanged``.

    Rows are the series that match the filter, in the current sort order (or in the order they
    were loaded while unsorted). Row numbers therefore change with the filter and the sort; use
    :meth:`series_id` / :meth:`row_of` to go between rows and series.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[SeriesSummary] = []  # every series, in sort order
        self._shown: list[SeriesSummary] = []  # those matching the filter, same order
        self._rows: dict[int, int] = {}  # series id -> row in _shown
        self._arrival: dict[int, int] = {}  # series id -> load order, for "unsorted"
        self._next_arrival = 0
        self._needle = ""
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # ----------------------------------------------------------------- loading

    def load(self, summaries: Sequence[SeriesSummary]) -> None:
        """Replace every row with ``summaries`` (one model reset), keeping sort and filter."""
        self.beginResetModel()
        self._all = list(summaries)
        self._arrival = {s.series.id: n for n, s in enumerate(self._all)}
        self._next_arrival = len(self._all)
        self._sort_list(self._all)
        self._refilter()
        self.endResetModel()

    def update_summaries(self, summaries: Iterable[SeriesSummary]) -> None:
        """Follow a fresh full snapshot: insert new series, remove gone ones, repaint changed.

        Args:
            summaries: Every series, as ``LibraryService.list_series()`` returns them.
        """
        fresh = {s.series.id: s for s in summaries}
        old = {s.series.id: s for s in self._all}
        gone = old.keys() - fresh.keys()
        changed = {i for i, s in fresh.items() if i in old and old[i] != s}
        added = [s for i, s in fresh.items() if i not in old]
        if not gone and not changed and not added:
            return

        # Rows that leave the view: series removed, or renamed so they no longer match.
        leaving = {i for i in gone if i in self._rows}
        leaving |= {i for i in changed if i in self._rows and not _matches(fresh[i], self._needle)}
        self._remove_rows(leaving)

        # Changed series still in view are repainted where they are.
        repaint = [self._rows[i] for i in changed if i in self._rows]
        for row in repaint:
            self._shown[row] = fresh[self._shown[row].series.id]
        if repaint:
            self.dataChanged.emit(
                self.index(min(repaint), 0), self.index(max(repaint), _LAST_COLUMN)
            )

        for summary in added:
            self._arrival[summary.series.id] = self._next_arrival
            self._next_arrival += 1
        self._all = [fresh.get(s.series.id, s) for s in self._all if s.series.id not in gone]
        self._all.extend(added)
        for item_id in gone:
            self._arrival.pop(item_id, None)

        # Rows that enter the view: new series, or renamed into the filter.
        entering = [s for s in added if _matches(s, self._needle)]
        entering += [
            fresh[i] for i in changed if i not in self._rows and _matches(fresh[i], self._needle)
        ]
        if entering:
            first = len(self._shown)
            self.beginInsertRows(QModelIndex(), first, first + len(entering) - 1)
            self._shown.extend(entering)
            for row, summary in enumerate(entering, first):
                self._rows[summary.series.id] = row
            self.endInsertRows()

        # New rows went to the end and changed values may move rows: put everything in order.
        self._resort()

    # ----------------------------------------------------------------- lookups

    def series_id(self, row: int) -> int:
        """Id of the series shown in ``row``."""
        return self._shown[row].series.id

    def row_of(self, series_id: int) -> int | None:
        """The row showing ``series_id``, or None if it is not shown (unknown or filtered out)."""
        return self._rows.get(series_id)

    def summary(self, row: int) -> SeriesSummary:
        """The series and counts shown in ``row``."""
        return self._shown[row]

    def total_count(self) -> int:
        """How many series the model holds, shown or filtered out."""
        return len(self._all)

    # ----------------------------------------------------------------- filtering and sorting

    def filter_text(self) -> str:
        """The current filter as given to :meth:`set_filter`."""
        return self._needle

    def set_filter(self, text: str) -> None:
        """Show only series whose title contains ``text``, ignoring case; empty shows all."""
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        # A reset is far cheaper than a remove/insert per range when the filter changes.
        self.beginResetModel()
        self._needle = needle
        self._refilter()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by the raw value of ``column``, stably; unknown values go last.

        Args:
            column: A :class:`Column`, or -1 for the order the series were loaded in.
            order: Ascending or descending.
        """
        self._sort_column = column if 0 <= column <= _LAST_COLUMN else -1
        self._sort_order = order
        self._resort()

    # ----------------------------------------------------------------- Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

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
            text = HEADERS.get(section)
            return _tr(text) if text is not None else None
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        # A series dragged onto the queue queues what is missing in it.
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:
        return [SERIES_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return ids_mime(SERIES_IDS_MIME, [self.series_id(row) for row in rows])

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        summary = self._shown[index.row()]
        column = index.column()
        if role == _DISPLAY:
            return _display(summary, column)
        if role == _RAW:
            return raw_value(summary, column)
        if role == _CHECK:
            # Read-only on purpose (no ItemIsUserCheckable): monitoring changes through an action.
            if column == Column.MONITORED:
                return _CHECKED if summary.series.monitored else _UNCHECKED
            return None
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMERIC else None
        if role == _ITEM_ID:
            return summary.series.id
        if role == _TOOLTIP:
            series = summary.series
            if column == Column.REFRESHED and series.refresh_error:
                return series.refresh_error
            if column == Column.METADATA and series.metadata_error:
                return series.metadata_error
            if column == Column.TITLE:
                return series.source_url
        return None

    # ----------------------------------------------------------------- internals

    def _sort_key(self, column: int) -> Any:
        if column < 0:
            arrival = self._arrival
            return lambda s: arrival.get(s.series.id, 0)
        if column in (Column.TITLE, Column.PROVIDER):
            return lambda s: raw_value(s, column).casefold()
        return lambda s: raw_value(s, column)

    def _sort_list(self, summaries: list[SeriesSummary]) -> None:
        column = self._sort_column
        descending = self._sort_order is Qt.SortOrder.DescendingOrder
        key = self._sort_key(column)
        if column in (Column.YEAR, Column.REFRESHED):
            # These may be None, which does not compare; unknowns stay at the end either way.
            known = [s for s in summaries if raw_value(s, column) is not None]
            unknown = [s for s in summaries if raw_value(s, column) is None]
            known.sort(key=key, reverse=descending)
            summaries[:] = known + unknown
        else:
            # reverse=True keeps equal items in their original order, so both ways are stable.
            summaries.sort(key=key, reverse=descending and column >= 0)

    def _refilter(self) -> None:
        needle = self._needle
        if needle:
            self._shown = [s for s in self._all if needle in s.series.title.casefold()]
        else:
            self._shown = list(self._all)
        self._rows = {s.series.id: row for row, s in enumerate(self._shown)}

    def _resort(self) -> None:
        # PySide offers only the argument-less overload here (no VerticalSortHint).
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [self._shown[index.row()].series.id for index in before]
        self._sort_list(self._all)
        self._refilter()
        after = [
            self.index(self._rows[series_id], index.column())
            for series_id, index in zip(ids, before, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _remove_rows(self, ids: set[int]) -> None:
        """Remove the rows of ``ids`` (all shown), one contiguous range at a time, bottom up."""
        rows = sorted(self._rows[i] for i in ids)
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
        for first, last in reversed(ranges):
            self.beginRemoveRows(QModelIndex(), first, last)
            for summary in self._shown[first : last + 1]:
                del self._rows[summary.series.id]
            del self._shown[first : last + 1]
            self.endRemoveRows()
        for row in range(ranges[0][0], len(self._shown)):
            self._rows[self._shown[row].series.id] = row
