"""The followed series as a Qt table model, sorted and filtered in the model itself.

A ``QSortFilterProxyModel`` over a large Python model was measured far too slow (seconds to attach
at 100k rows), so this model sorts and filters its own rows, as the queue's does
(:mod:`aniworld_desktop.ui.sort_filter`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from aniworld_desktop.core.models import SeriesSummary
from aniworld_desktop.ui.id_mime import SERIES_IDS_MIME, ids_mime
from aniworld_desktop.ui.roles import (
    ALIGNMENT_ROLE,
    CHECK_ROLE,
    DISPLAY_ROLE,
    ITEM_ID_ROLE,
    RAW_ROLE,
    TOOLTIP_ROLE,
)
from aniworld_desktop.ui.service_texts import service_text
from aniworld_desktop.ui.sort_filter import SortFilterTableModel, blocks, unknown_last
from aniworld_desktop.ui.table_headers import table_header, translated
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


# Series compared per piece of a stepwise update (update_steps): about 3 ms of the loop's time.
UPDATE_CHUNK = 250
# Past this many runs of changed rows, one range from the first to the last is signalled.
MAX_REPAINT_RANGES = 32
_NUMERIC = frozenset({Column.YEAR, Column.EPISODES, Column.ON_DISK, Column.MISSING, Column.QUEUED})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_COLUMNS = len(Column)
_LAST_COLUMN = _COLUMNS - 1
_ROLES = frozenset({DISPLAY_ROLE, RAW_ROLE, CHECK_ROLE, ALIGNMENT_ROLE, ITEM_ID_ROLE, TOOLTIP_ROLE})
# A series dragged onto the queue queues what is missing in it.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemNeverHasChildren
    | Qt.ItemFlag.ItemIsDragEnabled
)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
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


class SeriesTableModel(SortFilterTableModel[SeriesSummary]):
    """Followed series, one row per ``SeriesSummary``, with in-model sorting and filtering.

    The model never reads the database: it is loaded from ``LibraryService.list_series()`` and
    later given fresh snapshots through :meth:`update_summaries`, which it turns into row inserts,
    removals and ``dataChanged``.

    Rows are the series that match the filter, in the current sort order (or in the order they
    were loaded while unsorted, which also orders equal values). Row numbers therefore change
    with the filter and the sort; use :meth:`series_id` / :meth:`row_of` to go between rows and
    series.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(attrgetter("series.id"), -1, parent)
        self._headers = translated("SeriesTableModel", HEADERS)
        self._arrival: dict[int, int] = {}  # series id -> load order: the base order
        self._next_arrival = 0
        self._needle = ""

    # ----------------------------------------------------------------- loading

    def load(self, summaries: Sequence[SeriesSummary]) -> None:
        """Replace every row with ``summaries`` (one model reset), keeping sort and filter."""
        self.beginResetModel()
        self._by_id = {s.series.id: s for s in summaries}
        self._order = list(self._by_id)
        self._arrival = {series_id: n for n, series_id in enumerate(self._order)}
        self._next_arrival = len(self._order)
        self._rebuild_visible()
        self.endResetModel()

    def update_summaries(self, summaries: Iterable[SeriesSummary]) -> None:
        """Follow a fresh full snapshot at once: insert new series, remove gone ones, repaint
        changed ones (see :meth:`update_steps`, which does the same a piece at a time).

        Args:
            summaries: Every series, as ``LibraryService.list_series()`` returns them.
        """
        for _ in self.update_steps(summaries, chunk=0):
            pass

    def update_steps(
        self, summaries: Iterable[SeriesSummary], chunk: int = UPDATE_CHUNK
    ) -> Iterator[None]:
        """Follow a fresh full snapshot a piece at a time: a generator that yields before each.

        Comparing, repainting and placing 2,000 series in one go held the window's loop for
        ~30 ms during a big import; the library pane runs one piece per turn of the loop
        instead. Gone series are removed first; then the snapshot is compared with the rows
        ``chunk`` series at a time (no signal, nothing changes); the last step applies what
        differs: changed rows repainted where they are (moved only if their sort key or filter
        match changed), new ones inserted. Between two steps the model is consistent (every
        row valid, sorted and filtered), only not yet up to date with the snapshot; the last
        step leaves exactly the rows :meth:`update_summaries` does.

        Args:
            summaries: Every series, as ``LibraryService.list_series()`` returns them.
            chunk: Series compared per step; 0 compares all in one.
        """
        fresh = {s.series.id: s for s in summaries}
        gone = self._by_id.keys() - fresh.keys()
        if gone:
            for series_id in self._remove_ids(gone):
                del self._arrival[series_id]
        pieces = list(fresh.values())
        size = chunk if chunk > 0 else max(1, len(pieces))
        changed: list[SeriesSummary] = []
        added: list[SeriesSummary] = []
        for first in range(0, len(pieces), size):
            if chunk > 0:
                yield  # the snapshot's arrival (and removals) and each piece: separate turns
            by_id = self._by_id  # read again: a load() between two steps replaces it
            for summary in pieces[first : first + size]:
                old = by_id.get(summary.series.id)
                if old is None:
                    added.append(summary)
                elif old != summary:
                    changed.append(summary)
        self._apply(changed, added)

    def _apply(self, changed: list[SeriesSummary], added: list[SeriesSummary]) -> None:
        """Show new values of known series (``changed``) and insert new ones (``added``)."""
        by_id, rows, items = self._by_id, self._rows, self._items
        key, matches = self._key, self._matches
        repaint = []
        for summary in changed:
            series_id = summary.series.id
            old = by_id.get(series_id)
            if old is None:  # gone meanwhile (a load() between two steps)
                added.append(summary)
                continue
            by_id[series_id] = summary
            if key(old) != key(summary) or matches(old) != matches(summary):
                self._misplaced.add(series_id)
            row = rows.get(series_id)
            if row is not None:
                items[row] = summary
                repaint.append(row)
        if repaint:
            # One signal per run of rows: a view repaints only the rows it shows that changed
            # (one range from the first to the last would repaint every row it shows).
            runs = blocks(sorted(repaint))
            if len(runs) > MAX_REPAINT_RANGES:
                runs = [(runs[0][0], runs[-1][1])]
            for top, bottom in runs:
                self.dataChanged.emit(self.index(top, 0), self.index(bottom, _LAST_COLUMN))
        self.settle()  # before the new rows go in: their places are found among settled ones

        added = [s for s in added if s.series.id not in by_id]
        for summary in added:
            series_id = summary.series.id
            by_id[series_id] = summary
            self._order.append(series_id)
            self._arrival[series_id] = self._next_arrival
            self._next_arrival += 1
        shown = self._sorted(self._filtered(added))
        if shown:
            self._insert_rows(shown)

    # ----------------------------------------------------------------- lookups

    def series_id(self, row: int) -> int:
        """Id of the series shown in ``row``."""
        return self._items[row].series.id

    def row_of(self, series_id: int) -> int | None:
        """The row showing ``series_id``, or None if it is not shown (unknown or filtered out)."""
        return self._rows.get(series_id)

    def summary(self, row: int) -> SeriesSummary:
        """The series and counts shown in ``row``."""
        return self._items[row]

    def total_count(self) -> int:
        """How many series the model holds, shown or filtered out."""
        return len(self._order)

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
        self._rebuild_visible()
        self.endResetModel()

    # ----------------------------------------------------------------- Qt model API

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        return table_header(self._headers, section, orientation, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Constants: Qt asks for every painted cell, and the base class's answer calls back
        # into rowCount() and columnCount() each time (a fifth of a repaint's time).
        return _CELL_FLAGS if index.isValid() else _NO_FLAGS

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
        if role not in _ROLES or not index.isValid():
            return None  # most roles a repaint asks for (font, colours, icons) are not ours
        summary = self._items[index.row()]
        column = index.column()
        if role == DISPLAY_ROLE:
            return _display(summary, column)
        if role == RAW_ROLE:
            return raw_value(summary, column)
        if role == CHECK_ROLE:
            # Read-only on purpose (no ItemIsUserCheckable): monitoring changes through an action.
            if column == Column.MONITORED:
                return _CHECKED if summary.series.monitored else _UNCHECKED
            return None
        if role == ALIGNMENT_ROLE:
            return _RIGHT if column in _NUMERIC else None
        if role == ITEM_ID_ROLE:
            return summary.series.id
        if role == TOOLTIP_ROLE:
            series = summary.series
            if column == Column.REFRESHED and series.refresh_error:
                return service_text(series.refresh_error)
            if column == Column.METADATA and series.metadata_error:
                return service_text(series.metadata_error)
            if column == Column.TITLE:
                return series.source_url
        return None

    # ----------------------------------------------------------------- internals

    def _sort_key(self, column: int, descending: bool) -> Any:
        if not 0 <= column <= _LAST_COLUMN:
            return self._tie  # the order of loading
        if column in (Column.TITLE, Column.PROVIDER):
            return lambda s: raw_value(s, column).casefold()
        if column in (Column.YEAR, Column.REFRESHED):
            # These may be None, which does not compare.
            return unknown_last(lambda s: raw_value(s, column), descending)
        return lambda s: raw_value(s, column)

    def _matches(self, item: SeriesSummary) -> bool:
        needle = self._needle
        return not needle or needle in item.series.title.casefold()

    def _tie(self, item: SeriesSummary) -> int:
        return self._arrival[item.series.id]
