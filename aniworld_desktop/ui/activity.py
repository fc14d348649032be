"""The activity panel: the app's log records as a live, bounded, copyable table.

Records reach it through :class:`ActivityHandler`, a ``logging.Handler`` that may be called from
any thread and holds no Qt object at all: it reads each record into an immutable
:class:`ActivityEntry` right away (in the logging thread, after its filters have masked secrets)
and keeps it in a bounded, locked queue. :class:`ActivityModel` empties that queue on the GUI
thread, from a timer of its own, at most once per interval, so a flood of records costs one insert
and one repaint per batch rather than one per record.

Why the handler owns no Qt object: a handler is reachable from every thread that logs, so the last
reference to it (or a garbage cycle through it) may be dropped in a worker thread. A QObject, and
above all a QTimer, destroyed there rather than on its own thread leaves a dangling timer in the
GUI thread's event dispatcher, which crashes the next time the loop runs. Keeping every Qt object
on the model's side, owned and destroyed with the model on the GUI thread, rules that out; the
handler may outlive the panel, and the panel the handler.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimerEvent,
)
from PySide6.QtGui import QAction, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aniworld_desktop.ui.roles import (
    BACKGROUND_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    RAW_ROLE,
    TOOLTIP_ROLE,
)
from aniworld_desktop.ui.service_texts import log_text
from aniworld_desktop.ui.table_headers import table_header, translated
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

__all__ = [
    "APP_LOGGER",
    "BATCH_INTERVAL_MS",
    "MAX_RECORDS",
    "ActivityEntry",
    "ActivityHandler",
    "ActivityModel",
    "ActivityPanel",
    "Column",
    "LevelFilterProxy",
]

APP_LOGGER = "aniworld_desktop"
MAX_RECORDS = 5_000
BATCH_INTERVAL_MS = 200
# A message column cell longer than this only slows painting; the tooltip has the whole text.
_MAX_LINE = 1_000
_PREFIX = APP_LOGGER + "."


class Column(IntEnum):
    """Columns of the activity table."""

    TIME = 0
    LEVEL = 1
    SOURCE = 2
    MESSAGE = 3


# Marked for translation here, translated by the model (ActivityModel context).
HEADERS: dict[int, str] = {
    Column.TIME: QT_TRANSLATE_NOOP("ActivityModel", "Time"),
    Column.LEVEL: QT_TRANSLATE_NOOP("ActivityModel", "Level"),
    Column.SOURCE: QT_TRANSLATE_NOOP("ActivityModel", "Source"),
    Column.MESSAGE: QT_TRANSLATE_NOOP("ActivityModel", "Message"),
}
# The source column in plain words, by the part of the program that logged (the first name
# below aniworld_desktop); the tooltip and copied lines keep the module's name.
SOURCE_NAMES: dict[str, str] = {
    "downloads": QT_TRANSLATE_NOOP("ActivityModel", "Downloads"),
    "library": QT_TRANSLATE_NOOP("ActivityModel", "Library"),
    "metadata": QT_TRANSLATE_NOOP("ActivityModel", "Metadata"),
    "scheduler": QT_TRANSLATE_NOOP("ActivityModel", "Auto-download"),
    "providers": QT_TRANSLATE_NOOP("ActivityModel", "Sources"),
    "mediaservers": QT_TRANSLATE_NOOP("ActivityModel", "Media servers"),
    "storage": QT_TRANSLATE_NOOP("ActivityModel", "Database"),
    "net": QT_TRANSLATE_NOOP("ActivityModel", "Network"),
    "ui": QT_TRANSLATE_NOOP("ActivityModel", "Window"),
}
PROGRAM_SOURCE = QT_TRANSLATE_NOOP("ActivityModel", "Program")  # app, cli, config, services…

# The level column in the UI language; copied lines and the log file keep logging's names.
LEVEL_NAMES: dict[str, str] = {
    "DEBUG": QT_TRANSLATE_NOOP("ActivityModel", "DEBUG"),
    "INFO": QT_TRANSLATE_NOOP("ActivityModel", "INFO"),
    "WARNING": QT_TRANSLATE_NOOP("ActivityModel", "WARNING"),
    "ERROR": QT_TRANSLATE_NOOP("ActivityModel", "ERROR"),
    "CRITICAL": QT_TRANSLATE_NOOP("ActivityModel", "CRITICAL"),
}

# Mid-tone text on a faint tint: the alpha lets the palette's own base show through, so the
# same colours read on light and dark palettes (the queue's failed/paused colours).
_ERROR_FOREGROUND = QColor("#d64040")
_ERROR_BACKGROUND = QColor(214, 64, 64, 40)
_WARNING_FOREGROUND = QColor("#c27c0e")
_WARNING_BACKGROUND = QColor(194, 124, 14, 32)


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One log record, reduced to what the table shows.

    Attributes:
        created: When it was logged, in local time (timezone-aware).
        levelno: ``logging.INFO`` and so on.
        levelname: ``"INFO"`` and so on.
        logger: The full logger name.
        message: The formatted message on one line (newlines shown as ``⏎``).
        text: The full text: message, traceback and stack, as logged.
        template: The logging template (``record.msg``), by which the window translates the
            line (:func:`~aniworld_desktop.ui.service_texts.log_text`).
        args: The template's arguments, read as text when the record was made.
    """

    created: datetime
    levelno: int
    levelname: str
    logger: str
    message: str
    text: str
    template: str = ""
    args: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The logger name without the ``aniworld_desktop.`` prefix."""
        return self.logger.removeprefix(_PREFIX)

    @property
    def part(self) -> str:
        """The part of the program that logged: ``downloads`` for ``downloads.service``."""
        return self.source.split(".", 1)[0]

    @property
    def time_text(self) -> str:
        """Local ``hh:mm:ss``."""
        return self.created.strftime("%H:%M:%S")

    def as_text(self) -> str:
        """``time level source: text`` as copied; a traceback follows on its own lines."""
        return f"{self.time_text} {self.levelname} {self.source}: {self.text}"

    @classmethod
    def from_record(
        cls, record: logging.LogRecord, formatter: logging.Formatter | None = None
    ) -> ActivityEntry:
        """Read ``record`` now, while its arguments still hold what was logged."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string; show it raw rather than lose it
            message = f"{record.msg} {record.args}"
        formatter = formatter or _FORMATTER
        if record.exc_info and not record.exc_text:
            # Cached on the record as logging.Formatter does, so other handlers reuse it.
            record.exc_text = formatter.formatException(record.exc_info)
        parts = [message]
        if record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(formatter.formatStack(record.stack_info))
        line = message.replace("\r\n", "\n").replace("\n", " ⏎ ")
        if len(line) > _MAX_LINE:
            line = line[:_MAX_LINE] + "…"
        # Read as text now, in the logging thread: the arguments may change or go later.
        args = record.args if isinstance(record.args, tuple) else ()
        return cls(
            created=datetime.fromtimestamp(record.created).astimezone(),
            levelno=record.levelno,
            levelname=record.levelname,
            logger=record.name,
            message=line,
            text="\n".join(parts),
            template=record.msg if isinstance(record.msg, str) else "",
            args=tuple(str(arg) for arg in args),
        )


_FORMATTER = logging.Formatter()


# --------------------------------------------------------------------------- the handler


class ActivityHandler(logging.Handler):
    """A logging handler that queues records from any thread for an :class:`ActivityModel`.

    Records pass the handler's level, a logger-name filter (``aniworld_desktop`` and its children
    by default) and the given filters (such as the app's ``SecretFilter``, which masks secrets in
    place), and are read into :class:`ActivityEntry` objects in the logging thread. They wait in a
    bounded queue until the model that follows the handler (:meth:`ActivityModel.follow`) takes
    them on the GUI thread. The handler holds no Qt object, so it may be created before the
    ``QApplication``, used and dropped from any thread, and outlive the model.

    Attributes:
        max_pending: The queue's bound; the oldest records are dropped past it.
    """

    def __init__(
        self,
        level: int = logging.INFO,
        filters: Iterable[logging.Filter] = (),
        *,
        logger_name: str | None = APP_LOGGER,
        max_pending: int = MAX_RECORDS,
    ) -> None:
        """Start queueing; nothing is attached to a logger until :meth:`install`.

        Args:
            level: The lowest level shown.
            filters: Extra logging filters, run before a record is read (secret masking).
            logger_name: Only records of this logger and its children; None for all.
            max_pending: Records kept until a model takes them; older ones are dropped, since
                the model would push them out anyway.
        """
        super().__init__(level)
        if logger_name:
            self.addFilter(logging.Filter(logger_name))
        for extra in filters:
            self.addFilter(extra)
        self.max_pending = max_pending
        self._pending: deque[ActivityEntry] = deque(maxlen=max_pending)
        self._queue_lock = threading.Lock()
        self._open = True
        self._loggers: list[logging.Logger] = []

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran; records are no longer queued."""
        return not self._open

    def install(self, logger: logging.Logger | str = APP_LOGGER) -> None:
        """Attach to ``logger`` (the app's top logger by default); undone by :meth:`uninstall`."""
        target = logging.getLogger(logger) if isinstance(logger, str) else logger
        if target not in self._loggers:
            target.addHandler(self)
            self._loggers.append(target)

    def uninstall(self) -> None:
        """Detach from every logger :meth:`install` attached to."""
        for target in self._loggers:
            target.removeHandler(self)
        self._loggers.clear()

    def emit(self, record: logging.LogRecord) -> None:
        """Queue ``record`` (any thread); nothing else happens until a model takes it."""
        try:
            entry = ActivityEntry.from_record(record, self.formatter)
        except Exception:
            self.handleError(record)
            return
        with self._queue_lock:
            # A thread may still be inside Logger.handle() with this handler after close().
            if self._open:
                self._pending.append(entry)

    def take(self) -> list[ActivityEntry]:
        """Remove and return what is queued, oldest first (any thread)."""
        with self._queue_lock:
            batch = list(self._pending)
            self._pending.clear()
        return batch

    def pending(self) -> int:
        """How many records wait to be taken."""
        with self._queue_lock:
            return len(self._pending)

    def close(self) -> None:
        """Detach from the loggers and drop what was not taken; the model stops following."""
        self.uninstall()
        with self._queue_lock:
            self._open = False
            self._pending.clear()
        super().close()


# --------------------------------------------------------------------------- the model


class ActivityModel(QAbstractTableModel):
    """The last ``max_records`` log entries, oldest first.

    ``DisplayRole`` holds the text; ``Role.RAW`` holds the entry's datetime (time), level number
    (level), full logger name (source) and full text with traceback (message), which
    ``ToolTipRole`` also shows on the message. Warnings and errors are coloured.

    Rows come from :meth:`append`, or from an :class:`ActivityHandler` the model follows: a timer
    of the model's own (on the GUI thread, stopped when the model is destroyed) takes the
    handler's queue every ``interval_ms``.

    Attributes:
        max_records: The bound; the oldest rows are removed past it.
        handler: The handler followed, or None.
    """

    def __init__(self, parent: QObject | None = None, max_records: int = MAX_RECORDS) -> None:
        super().__init__(parent)
        self.max_records = max_records
        self.handler: ActivityHandler | None = None
        self._entries: list[ActivityEntry] = []
        self._timer_id = 0
        # Translated once: data() runs for every visible cell on each repaint.
        self._headers = translated("ActivityModel", HEADERS)
        self._levels = translated("ActivityModel", LEVEL_NAMES)
        self._sources = translated("ActivityModel", SOURCE_NAMES)
        self._program = QCoreApplication.translate("ActivityModel", PROGRAM_SOURCE)

    def follow(self, handler: ActivityHandler, interval_ms: int = BATCH_INTERVAL_MS) -> None:
        """Show what ``handler`` queues, in batches at most ``interval_ms`` apart (GUI thread).

        What it queued before is shown at the first batch. One model per handler: taking
        empties the handler's queue.
        """
        self.unfollow()
        self.handler = handler
        # QObject's own timer rather than a QTimer: nothing to connect, and Qt kills it with
        # the model, on the model's thread.
        self._timer_id = self.startTimer(interval_ms)

    def unfollow(self) -> None:
        """Stop taking records from the handler (it keeps queueing, bounded, until closed)."""
        if self._timer_id:
            self.killTimer(self._timer_id)
            self._timer_id = 0
        self.handler = None

    def pull(self) -> None:
        """Show what the handler queued now, without waiting for the timer (GUI thread)."""
        handler = self.handler
        if handler is None:
            return
        self.append(handler.take())
        if handler.closed:
            self.unfollow()

    def timerEvent(self, event: QTimerEvent) -> None:
        if event.timerId() == self._timer_id:
            self.pull()
        else:
            super().timerEvent(event)

    def entry(self, row: int) -> ActivityEntry:
        """The entry shown in ``row``."""
        return self._entries[row]

    def append(self, entries: Iterable[ActivityEntry | logging.LogRecord]) -> None:
        """Add entries (or raw records) at the bottom: one removal, one insert per batch."""
        new = [e if isinstance(e, ActivityEntry) else ActivityEntry.from_record(e) for e in entries]
        if not new:
            return
        new = new[-self.max_records :]
        overflow = len(self._entries) + len(new) - self.max_records
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._entries[:overflow]
            self.endRemoveRows()
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._entries.extend(new)
        self.endInsertRows()

    def clear(self) -> None:
        """Forget every entry."""
        if not self._entries:
            return
        self.beginResetModel()
        self._entries.clear()
        self.endResetModel()

    def message_text(self, entry: ActivityEntry) -> str:
        """The entry's message in the window's language, for the lines the services say in
        words (a download starting, finishing, failing); any other as it was logged."""
        translated = log_text(entry.template, entry.args) if entry.template else None
        return entry.message if translated is None else translated.replace("\n", " ⏎ ")

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        return table_header(self._headers, section, orientation, role)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == DISPLAY_ROLE:
            if column == Column.TIME:
                return entry.time_text
            if column == Column.LEVEL:
                return self._levels.get(entry.levelname, entry.levelname)
            if column == Column.SOURCE:
                return self._sources.get(entry.part, self._program)
            return self.message_text(entry)
        if role == FOREGROUND_ROLE:
            if entry.levelno >= logging.ERROR:
                return _ERROR_FOREGROUND
            return _WARNING_FOREGROUND if entry.levelno >= logging.WARNING else None
        if role == BACKGROUND_ROLE:
            if entry.levelno >= logging.ERROR:
                return _ERROR_BACKGROUND
            return _WARNING_BACKGROUND if entry.levelno >= logging.WARNING else None
        if role == TOOLTIP_ROLE:
            if column == Column.SOURCE:
                return entry.logger  # for a bug report: which module said it
            return entry.text if column == Column.MESSAGE else None
        if role == RAW_ROLE:
            if column == Column.TIME:
                return entry.created
            if column == Column.LEVEL:
                return entry.levelno
            if column == Column.SOURCE:
                return entry.logger
            return entry.text
        return None


class LevelFilterProxy(QSortFilterProxyModel):
    """Shows only the rows at or above a level (5,000 rows is well within a proxy's reach)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._minimum = logging.NOTSET

    @property
    def minimum_level(self) -> int:
        """The lowest level shown."""
        return self._minimum

    def set_minimum_level(self, level: int) -> None:
        """Show only rows at ``level`` or above."""
        if level == self._minimum:
            return
        self.beginFilterChange()
        self._minimum = level
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._minimum <= logging.NOTSET:
            return True
        model = self.sourceModel()
        # Straight to the entry: cheaper than a data() call through the role machinery.
        if isinstance(model, ActivityModel):
            return model.entry(source_row).levelno >= self._minimum
        level = model.index(source_row, Column.LEVEL, source_parent).data(RAW_ROLE)
        return isinstance(level, int) and level >= self._minimum


# --------------------------------------------------------------------------- the panel

LEVEL_CHOICES: tuple[tuple[str, int], ...] = (
    (QT_TRANSLATE_NOOP("ActivityPanel", "All"), logging.NOTSET),
    (QT_TRANSLATE_NOOP("ActivityPanel", "Warnings and errors"), logging.WARNING),
    (QT_TRANSLATE_NOOP("ActivityPanel", "Errors"), logging.ERROR),
)


class ActivityPanel(QWidget):
    """A table of recent activity with a level filter, Copy, Copy all and Clear.

    The table follows new rows while it is scrolled to the bottom, and stays put when the user
    has scrolled up to read.

    Attributes:
        model: The entries shown (created when none is given).
        proxy: The level filter between the model and the view.
        view: The table.
        level_combo: All / Warnings and errors / Errors.
        copy_action: Copies the selected rows (Ctrl+C).
        copy_all_action: Copies every row the filter shows.
        clear_button: Empties the model.
    """

    def __init__(self, model: ActivityModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model if model is not None else ActivityModel(self)
        self.proxy = LevelFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(False)  # the warning/error tints carry the meaning
        self.view.verticalHeader().hide()
        # Fixed row heights: no per-row size hint is computed for thousands of rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        # Widths from the font, not ResizeToContents, which would measure thousands of rows.
        metrics = self.view.fontMetrics()
        padding = 3 * metrics.averageCharWidth()
        header.resizeSection(Column.TIME, metrics.horizontalAdvance("00:00:00") + padding)
        header.resizeSection(Column.LEVEL, metrics.horizontalAdvance("CRITICAL") + padding)
        header.resizeSection(Column.SOURCE, metrics.horizontalAdvance("x" * 22) + padding)

        self.copy_action = QAction(self.tr("Copy"), self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_selected)
        self.copy_all_action = QAction(self.tr("Copy all"), self)
        self.copy_all_action.triggered.connect(self.copy_all)
        self.view.addAction(self.copy_action)
        self.view.addAction(self.copy_all_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.level_combo = QComboBox(self)
        for label, level in LEVEL_CHOICES:
            self.level_combo.addItem(QCoreApplication.translate("ActivityPanel", label), level)
        self.level_combo.currentIndexChanged.connect(self._level_chosen)
        self.clear_button = QPushButton(self.tr("Clear"), self)
        self.clear_button.clicked.connect(self.model.clear)
        self.view.setAccessibleName(self.tr("Activity log"))
        self.view.setAccessibleDescription(
            self.tr("What the app has been doing, newest last; Ctrl+C copies the selected lines")
        )
        self.level_combo.setAccessibleName(self.tr("Least important level shown"))
        self.clear_button.setAccessibleDescription(self.tr("Empties the activity log"))

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Show:"), self))
        bar.addWidget(self.level_combo)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)

        self._follow = True
        self.proxy.rowsAboutToBeInserted.connect(self._note_position)
        self.proxy.rowsInserted.connect(self._keep_following)

    def set_minimum_level(self, level: int) -> None:
        """Pick the combo entry for ``level`` (NOTSET, WARNING or ERROR)."""
        index = self.level_combo.findData(level)
        if index >= 0:
            self.level_combo.setCurrentIndex(index)

    def selected_text(self) -> str:
        """The selected rows as ``time level source: message`` lines, top to bottom."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return self._text_of(rows)

    def all_text(self) -> str:
        """Every row the filter shows, as ``time level source: message`` lines."""
        return self._text_of(range(self.proxy.rowCount()))

    def copy_selected(self) -> None:
        """Put the selected rows on the clipboard (nothing happens with no selection)."""
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def copy_all(self) -> None:
        """Put every shown row on the clipboard."""
        text = self.all_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def _text_of(self, proxy_rows: Iterable[int]) -> str:
        lines: Sequence[str] = [
            self.model.entry(self.proxy.mapToSource(self.proxy.index(row, 0)).row()).as_text()
            for row in proxy_rows
        ]
        return "\n".join(lines)

    def _level_chosen(self, index: int) -> None:
        self.proxy.set_minimum_level(int(self.level_combo.itemData(index)))

    def _note_position(self) -> None:
        bar = self.view.verticalScrollBar()
        self._follow = bar.value() >= bar.maximum()

    def _keep_following(self) -> None:
        if self._follow:
            self.view.scrollToBottom()
