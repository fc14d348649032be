"""The queue table as a drop target: episodes, series and links are queued, rows reordered.

The view only reads the drop (:func:`drops.read_drop`) and emits it; the window schedules the
work. A drop it refuses says why through :attr:`QueueView.refused`.

Signals:
    dropped(object, object): A :class:`~aniworld_desktop.ui.drops.Drop`, and the id of the queue
        item it was dropped above (None: at the end).
    refused(str): Why a drag cannot be dropped here, for the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from aniworld_desktop.ui.drops import Drop, DropKind, read_drop
from aniworld_desktop.ui.queue_model import QueueTableModel


class QueueView(QTableView):
    """A QTableView over :class:`QueueTableModel` that accepts drops."""

    dropped = Signal(object, object)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def _highlight(self, on: bool) -> None:
        # A visible target: the frame of the queue lights up while something can be dropped.
        self.setProperty("dropTarget", on)
        self.setStyleSheet("QTableView { border: 2px solid palette(highlight); }" if on else "")

    def _read(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> Drop | str:
        """The drop, or why it is refused (rows reorder only in priority order, unfiltered)."""
        drop = read_drop(event.mimeData())
        if isinstance(drop, Drop) and drop.kind is DropKind.QUEUE:
            model = self.model()
            if isinstance(model, QueueTableModel):
                reason = model.reorder_refusal()
                if reason is not None:
                    return reason
        return drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        drop = self._read(event)
        if isinstance(drop, str):
            self.refused.emit(drop)
            event.ignore()
            return
        self._highlight(True)
        event.setDropAction(
            Qt.DropAction.MoveAction if drop.kind is DropKind.QUEUE else Qt.DropAction.CopyAction
        )
        event.accept()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if isinstance(self._read(event), str):
            event.ignore()
            return
        super().dragMoveEvent(event)  # draws the drop indicator between rows
        event.accept()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._highlight(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(False)
        drop = self._read(event)
        if isinstance(drop, str):
            self.refused.emit(drop)
            event.ignore()
            return
        self.dropped.emit(drop, self._target_id(event))
        # Accepted as a copy even for a move: the model is reordered by the service, so Qt
        # must not remove the dragged rows itself.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def _target_id(self, event: QDropEvent) -> int | None:
        """The queue item the drop lands above; None for the end of the queue."""
        model = self.model()
        if not isinstance(model, QueueTableModel):
            return None
        position = event.position().toPoint()
        row = self.rowAt(position.y())
        if row < 0:
            return None
        # rowViewportPosition, not visualRect: the first column may be hidden (an empty rect).
        if position.y() > self.rowViewportPosition(row) + self.rowHeight(row) // 2:
            row += 1  # the lower half of a row means "after it"
        return model.item_id(row) if row < model.rowCount() else None
