"""The library pane: the followed series (with a filter) beside the chosen series' details
(:mod:`~aniworld_desktop.ui.details_pane`) and episodes, whose check boxes say which episodes
are monitored (stored through the library at once).

The pane keeps its tables in step with the library: a change announced by the services
(a download that ended, a series refreshed, metadata written) schedules one reload, at most
twice a second, and a reload asked for during another makes one more afterwards, never a pile.
A reload of a big library is applied a piece per turn of the loop
(:meth:`~aniworld_desktop.ui.series_model.SeriesTableModel.update_steps`), so a click is
answered between two pieces.
The loads run as tasks of the window's :class:`~aniworld_desktop.ui.tasks.TaskRunner`; the
models never talk to the database.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol, TypeVar

from PySide6.QtCore import QAbstractItemModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QStyle,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.ui.actions import ContextMenu
from aniworld_desktop.ui.details_pane import DetailsPane
from aniworld_desktop.ui.episode_model import Column as EpisodeColumn
from aniworld_desktop.ui.episode_model import EpisodeTreeModel, widest_texts
from aniworld_desktop.ui.series_model import Column as SeriesColumn
from aniworld_desktop.ui.series_model import SeriesTableModel
from aniworld_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aniworld_desktop.core.models import (
        EpisodeState,
        SeriesDetails,
        SeriesRecord,
        SeriesSummary,
    )
    from aniworld_desktop.core.queue import QueueItem

RELOAD_DELAY_MS = 500  # series counts follow queue changes at most twice a second
SERIES_WIDTHS = {SeriesColumn.TITLE: 220, SeriesColumn.PROVIDER: 70, SeriesColumn.REFRESHED: 130}
# Room around a cell's text: the style's margins, and a header's sort arrow.
CELL_PADDING = 28
TITLE_MIN_WIDTH = 100  # what the episode titles keep at least, beside the fixed columns


_View = TypeVar("_View", bound=QAbstractItemView)


def _drag_source(view: _View, name: str, model: QAbstractItemModel) -> _View:
    """``view`` over ``model``, whole rows selected (several at once), dragged onto the queue."""
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setDragEnabled(True)
    view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
    return view


class LibraryReader(Protocol):
    """What the pane reads of the library (``LibraryService``)."""

    async def list_series(self) -> list[SeriesSummary]: ...

    async def episode_states(self, series: SeriesRecord) -> list[EpisodeState]: ...

    async def details(self, series: SeriesRecord) -> SeriesDetails: ...

    async def set_episodes_monitored(self, episode_ids: Sequence[int], monitored: bool) -> None: ...


class LibraryPane(QSplitter):
    """Series (filter over a table) on the left, the first chosen series' episodes on the right.

    Attributes:
        series_model, series_view, series_filter: The followed series, sorted and filtered.
        episode_model, episode_view: The episodes of the first selected series, by season;
            a check box per episode and season monitors it.
        details: The first selected series' poster, plot, counts (above its episodes).
        menu: The series table's context menu (the window gives it its actions).

    Signals:
        seriesSelected(list[SeriesRecord]): The chosen series, after the selection changed or a
            reload brought new values (monitored or not) for them.
        playRequested(): An episode was double-clicked.
        reloaded(int): A reload has shown this many series.
    """

    seriesSelected = Signal(object)
    playRequested = Signal()
    reloaded = Signal(int)

    def __init__(
        self, library: LibraryReader, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("librarySplitter")
        self._library, self._tasks = library, tasks
        self.series_model = SeriesTableModel(self)
        self.series_view = self._create_series_view()
        self.menu = ContextMenu(self.series_view)
        self.series_filter = QLineEdit(self)
        self.series_filter.setObjectName("seriesFilter")
        find_keys = QKeySequence(QKeySequence.StandardKey.Find)
        self.series_filter.setPlaceholderText(
            self.tr("Filter series ({shortcut})").format(
                shortcut=find_keys.toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.series_filter.setClearButtonEnabled(True)
        self.series_filter.textChanged.connect(self.series_model.set_filter)
        self.episode_model = EpisodeTreeModel(self)
        self.episode_model.monitorChanged.connect(self._monitor_changed)
        self.episode_view = self._create_episode_view()
        self.details = DetailsPane(self)
        # What a screen reader says for each (the placeholder is no name).
        self.series_filter.setAccessibleName(self.tr("Filter series"))
        self.series_filter.setAccessibleDescription(
            self.tr("Shows only the series whose title contains the text")
        )
        self.series_view.setAccessibleName(self.tr("Series"))
        self.series_view.setAccessibleDescription(
            self.tr("The followed series with their episode counts; drag one onto the queue")
        )
        self.episode_view.setAccessibleName(self.tr("Episodes"))
        self.episode_view.setAccessibleDescription(
            self.tr("The episodes of the selected series, by season; drag them onto the queue")
        )
        series_side = QWidget(self)
        box = QVBoxLayout(series_side)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.series_filter)
        box.addWidget(self.series_view)
        self.addWidget(series_side)
        self.episode_side = QSplitter(Qt.Orientation.Vertical, self)
        self.episode_side.setObjectName("episodeSplitter")
        self.episode_side.addWidget(self.details)
        self.episode_side.addWidget(self.episode_view)
        self.episode_side.setStretchFactor(0, 1)
        self.episode_side.setStretchFactor(1, 3)
        self.addWidget(self.episode_side)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._reloading: asyncio.Task[None] | None = None
        self._reload_again = False

    def _create_series_view(self) -> QTableView:
        view = _drag_source(QTableView(self), "seriesView", self.series_model)
        view.setSortingEnabled(True)  # the model sorts itself (a proxy is too slow at scale)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.verticalHeader().hide()
        rows = view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # cheap at 5,000 rows
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # Fixed widths, not ResizeToContents: that measures every row of a big library.
        metrics = view.fontMetrics()
        for column in SeriesColumn:
            text = self.series_model.headerData(column, Qt.Orientation.Horizontal)
            width = metrics.horizontalAdvance(str(text)) + 28  # room for the sort arrow
            header.resizeSection(column, max(width, SERIES_WIDTHS.get(column, 0)))
        view.selectionModel().selectionChanged.connect(self._series_selected)
        return view

    def _create_episode_view(self) -> QTreeView:
        # Episodes (or whole seasons) are dragged onto the queue.
        view = _drag_source(QTreeView(self), "episodeView", self.episode_model)
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        # The title takes what the others leave: the state ("2 von 4 vorhanden") must never be
        # cut, whatever the language and the window's width.
        header = view.header()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(EpisodeColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        fixed = 0
        for column in (EpisodeColumn.EPISODE, EpisodeColumn.AIR_DATE, EpisodeColumn.STATE):
            width = self.episode_column_width(view, column)
            header.resizeSection(column, width)
            fixed += width
        # The splitter gives the series table less before it cuts into the episodes.
        view.setMinimumWidth(fixed + TITLE_MIN_WIDTH + view.verticalScrollBar().sizeHint().width())
        view.doubleClicked.connect(self.playRequested)
        return view

    def episode_column_width(self, view: QTreeView, column: int) -> int:
        """Room for the widest text ``column`` can show, its header's and the tree's indent."""
        metrics = view.fontMetrics()
        heading = str(self.episode_model.headerData(column, Qt.Orientation.Horizontal))
        widest = max(
            metrics.horizontalAdvance(text)
            for text in [heading, *widest_texts(self.episode_model, column)]
        )
        indent = 0
        if column == EpisodeColumn.EPISODE:
            # The tree's indent and the monitor check box beside the label.
            style = view.style()
            box = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, view)
            gap = style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, view)
            indent = view.indentation() + box + 2 * gap
        return widest + indent + CELL_PADDING

    def focus_filter(self) -> None:
        """Put the cursor in the series filter, its text selected."""
        self.series_filter.setFocus()
        self.series_filter.selectAll()

    # ----------------------------------------------------------------- following the library

    def library_changed(self, *_: object) -> None:
        """Reload soon: the changes of the next half second are read together."""
        if not self._reload_timer.isActive():
            self._reload_timer.start()

    def on_item_updated(self, item: QueueItem) -> None:
        """Of the many updates of a running download, only its end changes a series' counts."""
        if item.status.is_final():
            self.library_changed()

    def on_items_updated(self, items: tuple[QueueItem, ...]) -> None:
        """Reload when any of ``items`` ended (see :meth:`on_item_updated`)."""
        if any(item.status.is_final() for item in items):
            self.library_changed()

    def reload(self) -> None:
        """Reload the series counts (and the selected series' episodes) from the library.

        One reload at a time: a request during one makes one more afterwards, never a pile.
        """
        if self._reloading is not None and not self._reloading.done():
            self._reload_again = True
            return
        self._reloading = self._tasks.run(self._reload(), what=self.tr("Refresh the library"))
        if self._reloading is not None:
            self._reloading.add_done_callback(self._reload_done)

    def reload_running(self) -> asyncio.Task[None] | None:
        """The reload under way, None when none runs (the window's opening waits for it)."""
        task = self._reloading
        return task if task is not None and not task.done() else None

    def _reload_done(self, _task: asyncio.Task[None]) -> None:
        if self._reload_again and not self._tasks.closing:
            self._reload_again = False
            self.library_changed()

    async def _reload(self) -> None:
        summaries = await self._library.list_series()
        if self._tasks.closing:
            return
        if self.series_model.total_count() == 0:
            self.series_model.load(summaries)
        else:
            # A piece per turn of the loop: 2,000 series in one go held it for ~30 ms.
            for _ in self.series_model.update_steps(summaries):
                await asyncio.sleep(0)
                if self._tasks.closing:
                    return
        self.reloaded.emit(len(summaries))
        await self._load_episodes()
        self.seriesSelected.emit(self.selected_series())

    # ----------------------------------------------------------------- selection

    def select_series(self, ids: list[int]) -> None:
        """Select the series of ``ids`` that are shown (the saved choice, after a restart)."""
        view = self.series_view
        flags = (
            view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows
        )
        first = None
        for series_id in ids:
            row = self.series_model.row_of(series_id)
            if row is None:
                continue
            index = self.series_model.index(row, 0)
            view.selectionModel().select(index, flags)
            if first is None:
                first = index
                view.selectionModel().setCurrentIndex(index, flags)
        if first is not None:
            view.scrollTo(first)

    def selected_series(self) -> list[SeriesRecord]:
        """The selected series, top to bottom."""
        rows = sorted({index.row() for index in self.series_view.selectionModel().selectedRows()})
        return [self.series_model.summary(row).series for row in rows]

    def _series_selected(self, *_: object) -> None:
        self._tasks.run(self._load_episodes(), what=self.tr("Show episodes"))
        self.seriesSelected.emit(self.selected_series())

    async def _load_episodes(self) -> None:
        selected = self.selected_series()[:1]

        def stale() -> bool:
            # Closing, or another series chosen while this one's answer was on its way (a
            # reload and a new selection overlap): the later load shows its own.
            chosen = self.selected_series()[:1]
            return self._tasks.closing or [s.id for s in chosen] != [s.id for s in selected]

        states = await self._library.episode_states(selected[0]) if selected else []
        if stale():
            return
        self.episode_model.load(states)
        self.episode_view.expandAll()
        details = await self._library.details(selected[0]) if selected else None
        if not stale():
            self.episode_model.set_thumbnails(details.thumbnails if details else {})
            await self.details.show_details(details)

    def _monitor_changed(self, episode_ids: list[int], monitored: bool) -> None:
        """A check box was ticked: the library stores it (and the reload shows the states)."""
        self._tasks.run(self._store_monitored(episode_ids, monitored), what=self.tr("Monitor"))

    async def _store_monitored(self, episode_ids: list[int], monitored: bool) -> None:
        try:
            await self._library.set_episodes_monitored(episode_ids, monitored)
        finally:
            self.library_changed()  # the states follow (and a refusal is undone)

    def chosen_file(self) -> str | None:
        """The current episode's file in the library, when it is on disk; else None."""
        state = self.episode_model.episode_state(self.episode_view.currentIndex())
        if state is not None and state.episode.file_path:
            return state.episode.file_path
        return None
