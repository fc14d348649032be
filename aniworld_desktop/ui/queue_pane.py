"""The queue pane: the download table with its filter, its state choice and "n of m".

The pane owns the queue's model and view and what the user does to them directly: filtering,
sorting back to priority order, selecting, the context menu. What a drop, a double-click or a
refused drag asks for leaves as a signal; the window decides what runs.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.ui.actions import ContextMenu
from aniworld_desktop.ui.delegates import ProgressDelegate
from aniworld_desktop.ui.drops import read_pasted
from aniworld_desktop.ui.queue_model import Column, QueueTableModel
from aniworld_desktop.ui.queue_view import QueueView
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

S = DownloadStatus
FILTER_DELAY_MS = 150  # filters 100k rows once the typing pauses
HEADER_PADDING = 28  # a header's margins and its sort arrow
CELL_PADDING = 12  # a cell's margins

DEFAULT_WIDTHS = {
    Column.POSITION: 64,
    Column.SERIES: 180,
    Column.EPISODE: 72,
    Column.TITLE: 200,
    Column.STATUS: 96,
    Column.PROGRESS: 120,
    Column.SPEED: 90,
    Column.ETA: 70,
    Column.SIZE: 90,
}

# The state choice: its text (translated where shown) and the states it shows (none: all).
STATE_CHOICES: tuple[tuple[str, tuple[DownloadStatus, ...]], ...] = (
    (QT_TRANSLATE_NOOP("QueuePane", "All states"), ()),
    (QT_TRANSLATE_NOOP("QueuePane", "To do"), (S.PENDING, S.DOWNLOADING, S.PAUSED)),
    (QT_TRANSLATE_NOOP("QueuePane", "Downloading"), (S.DOWNLOADING,)),
    (QT_TRANSLATE_NOOP("QueuePane", "Failed"), (S.FAILED,)),
    (QT_TRANSLATE_NOOP("QueuePane", "Completed"), (S.COMPLETED,)),
    (QT_TRANSLATE_NOOP("QueuePane", "Cancelled"), (S.CANCELLED,)),
)


class QueuePane(QWidget):
    """The queue table, a filter box, a state choice and how many rows the filter shows.

    Attributes:
        model: The queue's rows (the window attaches it to the bridge and loads it).
        view: The table, a drop target.
        filter_edit: Filters by series or title.
        state_choice: Filters by state.
        shown_label: "n of m" while a filter is on.
        hide_completed: Leaves the completed downloads out (the window saves the choice).
        menu: The table's context menu (the window gives it its actions).
        earlier_bar: Under the table while earlier finished downloads are left out (the window
            loads only the latest at start-up); its button asks for them.

    New downloads are scrolled into view as they arrive, and after a load the first one still
    to do is: finished rows above them never hide what is coming.

    Signals:
        dropped(Drop, object): What was dropped on the queue, and the id of the queue item it
            landed above (None: the end).
        playRequested(): A row was double-clicked.
        selectionChanged(): The selected rows changed.
        message(str): Something to say in the status bar (why a drop was refused).
        earlierRequested(): The user asked for the earlier finished downloads.
    """

    dropped = Signal(object, object)
    playRequested = Signal()
    selectionChanged = Signal()
    message = Signal(str)
    earlierRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QueueTableModel(self)
        self.view = self._create_view()
        self.menu = ContextMenu(self.view)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("queueFilter")
        self.filter_edit.setPlaceholderText(self.tr("Filter downloads by series or title"))
        self.filter_edit.setClearButtonEnabled(True)
        self.state_choice = QComboBox(self)
        self.state_choice.setObjectName("queueStates")
        for text, statuses in STATE_CHOICES:
            self.state_choice.addItem(QCoreApplication.translate("QueuePane", text), statuses)
        self.state_choice.setAccessibleName(self.tr("Show downloads in state"))
        self.filter_edit.setAccessibleName(self.tr("Filter downloads"))
        self.hide_completed = QCheckBox(self.tr("&Hide completed"), self)
        self.hide_completed.setObjectName("queueHideCompleted")
        self.hide_completed.setToolTip(self.tr("Leave finished downloads out of the list"))
        self.hide_completed.toggled.connect(self.model.set_hide_completed)
        self.hide_completed.toggled.connect(self.update_shown)
        self.shown_label = QLabel(self)
        self.shown_label.setObjectName("queueShown")
        # What a screen reader says for each (the placeholder is no name).
        self.view.setAccessibleName(self.tr("Download queue"))
        self.view.setAccessibleDescription(
            self.tr("Downloads in the order they run; drop or paste links, episodes or series here")
        )
        self.filter_edit.setAccessibleName(self.tr("Filter downloads"))
        self.filter_edit.setAccessibleDescription(
            self.tr("Shows only the downloads whose series or title contains the text")
        )
        self.state_choice.setAccessibleName(self.tr("Download state"))
        self.state_choice.setAccessibleDescription(
            self.tr("Shows only the downloads in the chosen state")
        )
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.state_choice)
        bar.addWidget(self.hide_completed)
        bar.addWidget(self.shown_label)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(bar)
        box.addWidget(self.view)
        box.addWidget(self._create_earlier_bar())
        # Typing filters 100,000 rows: once the typing pauses, not on every key.
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.filter_edit.textChanged.connect(lambda: self._filter_timer.start())
        self.state_choice.currentIndexChanged.connect(self.apply_filter)
        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.modelReset,
            self.model.layoutChanged,
        ):
            signal.connect(self.update_shown)
        self._adding_loaded = False  # rows being added are the start-up's, not new downloads
        self.model.rowsInserted.connect(self._reveal_new)

    def _create_earlier_bar(self) -> QWidget:
        self.earlier_bar = QWidget(self)
        self.earlier_bar.setObjectName("queueEarlier")
        self.earlier_label = QLabel(self.earlier_bar)
        self.earlier_button = QPushButton(self.tr("Show Them"), self.earlier_bar)
        self.earlier_button.setObjectName("queueShowEarlier")
        self.earlier_button.setToolTip(
            self.tr(
                "Add the earlier finished downloads to the list (a long history takes a moment)"
            )
        )
        self.earlier_button.clicked.connect(self.earlierRequested)
        row = QHBoxLayout(self.earlier_bar)
        row.setContentsMargins(4, 0, 0, 0)
        row.addWidget(self.earlier_label, 1)
        row.addWidget(self.earlier_button)
        self.earlier_bar.hide()
        return self.earlier_bar

    def set_earlier(self, count: int) -> None:
        """Say that ``count`` earlier finished downloads are left out (0: hide the bar)."""
        self.earlier_label.setText(
            self.tr("%n earlier finished download(s) not in the list.", "", count)
        )
        self.earlier_bar.setVisible(count > 0)

    def add_earlier(self, items: list[QueueItem]) -> None:
        """Add the earlier finished downloads once loaded; the bar goes."""
        self.add_loaded(items)
        self.set_earlier(0)

    def _create_view(self) -> QueueView:
        view = QueueView(self)
        view.setObjectName("queueView")
        view.setModel(self.model)
        view.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # The model sorts itself (a proxy takes seconds at 100k rows). Priority order first: with
        # no indicator set, enabling sorting would sort column 0 descending. A third click on a
        # header clears the sort, which is priority order again.
        view.horizontalHeader().setSortIndicator(Column.POSITION, Qt.SortOrder.AscendingOrder)
        view.horizontalHeader().setSortIndicatorClearable(True)
        view.setSortingEnabled(True)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setShowGrid(False)
        view.dropped.connect(self.dropped)
        view.doubleClicked.connect(self.playRequested)
        view.refused.connect(self.message)
        view.selectionModel().selectionChanged.connect(self.selectionChanged)
        # The vertical header numbers the rows: the place of each download in the queue.
        rows = view.verticalHeader()
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        # Fixed row heights keep 100,000 rows cheap: no per-row size hints are asked for.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # At least the room of the header's text (and the sort arrow), in the UI language;
        # the Status column that of its longest state ("Lädt herunter").
        metrics = view.fontMetrics()
        states = max(metrics.horizontalAdvance(self.model.status_text(s)) for s in S)
        for column, width in DEFAULT_WIDTHS.items():
            heading = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            needed = metrics.horizontalAdvance(heading) + HEADER_PADDING
            if column == Column.STATUS:
                needed = max(needed, states + CELL_PADDING)
            header.resizeSection(column, max(width, needed))
        header.hideSection(Column.POSITION)  # the stored priority; the row numbers say it better
        return view

    # ----------------------------------------------------------------- filter and order

    def apply_filter(self) -> None:
        """Show the downloads that match the filter text and the chosen states."""
        self._filter_timer.stop()
        statuses = self.state_choice.currentData()
        self.model.set_filter(self.filter_edit.text(), set(statuses) if statuses else None)
        self.update_shown()

    def update_shown(self) -> None:
        """Say how many rows the filter shows, of how many ("" while none is on)."""
        shown, total = self.model.rowCount(), self.model.total_count()
        filtered = (
            bool(self.model.filter_text)
            or self.model.status_filter is not None
            or self.model.hide_completed
        )
        locale = QLocale()
        self.shown_label.setText(
            self.tr("{shown} of {total}").format(
                shown=locale.toString(shown), total=locale.toString(total)
            )
            if filtered
            else ""
        )

    def show_priority_order(self) -> None:
        """Sort the queue by priority again (the order downloads run in), unfiltered."""
        self.filter_edit.clear()
        self.state_choice.setCurrentIndex(0)
        self.apply_filter()
        self.view.sortByColumn(Column.POSITION, Qt.SortOrder.AscendingOrder)

    # ----------------------------------------------------------------- the clipboard

    def paste_links(self) -> None:
        """Links on the clipboard go where dropped links go (``dropped``, at the end), or the
        reason they cannot (``message``)."""
        mime = QGuiApplication.clipboard().mimeData()
        pasted = read_pasted(mime) if mime is not None else self.tr("The clipboard is empty.")
        if isinstance(pasted, str):
            self.message.emit(pasted)
        else:
            self.dropped.emit(pasted, None)

    # ----------------------------------------------------------------- selection

    def selected_rows(self) -> list[int]:
        """Selected rows, top to bottom (read from ranges, so a full selection stays cheap)."""
        rows: list[int] = []
        selection = self.view.selectionModel().selection()
        for n in range(selection.count()):
            selection_range = selection.at(n)
            rows.extend(range(selection_range.top(), selection_range.bottom() + 1))
        rows.sort()
        return rows

    def selected_ids(self) -> list[int]:
        """Queue item ids of the selected rows, top to bottom."""
        return [self.model.item_id(row) for row in self.selected_rows()]

    def selected_statuses(self) -> set[DownloadStatus]:
        """The distinct states among the selected rows."""
        statuses: set[DownloadStatus] = set()
        for row in self.selected_rows():
            statuses.add(self.model.item(row).status)
            if len(statuses) == len(S):
                break
        return statuses

    def select_ids(self, ids: list[int]) -> None:
        """Select the rows of ``ids`` (for tests, and for "reveal" actions later)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for item_id in ids:
            row = self.model.row_of(item_id)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)

    def chosen_file(self) -> str | None:
        """The current row's file in the library, when its download finished; else None."""
        index = self.view.currentIndex()
        if index.isValid():
            item = self.model.item(index.row())
            if item.status is S.COMPLETED:
                return item.destination
        return None

    def add_loaded(self, items: list[QueueItem]) -> None:
        """Add rows of the queue as it was (the start-up's chunks), without scrolling to each:
        the load ends with :meth:`reveal_active`. Downloads added meanwhile still show up."""
        self._adding_loaded = True
        try:
            self.model.add_items(items)
        finally:
            self._adding_loaded = False

    def _reveal_new(self, _parent: QModelIndex, first: int, _last: int) -> None:
        """Bring the first of the rows just added into view (new downloads, not a load)."""
        if self._adding_loaded:
            return
        item_id = self.model.item_id(first)
        # On the next turn: the view lays its new rows out (and its scroll range) lazily.
        QTimer.singleShot(0, self, lambda: self._scroll_to(item_id, top=False))

    def reveal_active(self) -> None:
        """Scroll to the first download still to do (after a load: finished ones come first)."""
        rows = range(self.model.rowCount())
        first = next((row for row in rows if self.model.item(row).status.is_active()), None)
        if first is not None:
            item_id = self.model.item_id(first)
            QTimer.singleShot(0, self, lambda: self._scroll_to(item_id, top=True))

    def _scroll_to(self, item_id: int, *, top: bool) -> None:
        row = self.model.row_of(item_id)
        if row is not None:
            hint = QAbstractItemView.ScrollHint
            # A shown column: the view does not scroll to a cell of a hidden one (Priority).
            self.view.scrollTo(
                self.model.index(row, Column.SERIES),
                hint.PositionAtTop if top else hint.EnsureVisible,
            )

    def scroll_to_current(self) -> None:
        """Bring the current row into view (after it moved)."""
        current = self.view.currentIndex()
        if current.isValid():
            self.view.scrollTo(current)
