"""The one way service events reach Qt: each bus event re-emitted as a signal."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from aniworld_desktop.core.events import (
    AutoDownloadFailed,
    AutoDownloadFired,
    AutoDownloadSkipped,
    AutoDownloadStarted,
    DownloadFailed,
    DownloadFinished,
    DownloadProgress,
    Event,
    EventBus,
    MetadataJobFailed,
    MetadataJobFinished,
    QueueIdle,
    QueueItemsAdded,
    QueueItemsRemoved,
    QueueItemsUpdated,
    QueueItemUpdated,
    QueueReordered,
    SeriesChanged,
)

log = logging.getLogger(__name__)

_AUTO_DOWNLOAD_EVENTS = (
    AutoDownloadStarted,
    AutoDownloadFired,
    AutoDownloadSkipped,
    AutoDownloadFailed,
)


class EventBridge(QObject):
    """Subscribes to the event bus and re-emits every event as a Qt signal.

    The bus holds its listeners weakly, so the bridge lives as long as its Qt parent (give it one,
    usually the main window) or whoever keeps a reference. Payloads travel as ``object`` because
    byte counts overflow Qt's 32-bit ``int``. Delivery is synchronous: the services publish on the
    asyncio loop, which under qasync is the GUI thread.

    Signals:
        itemsAdded(tuple[QueueItem, ...]): New queue rows, in priority order.
        itemUpdated(QueueItem): Status, error or stored progress of one row changed.
        itemsUpdated(tuple[QueueItem, ...]): Many rows changed at once (Pause all, Retry failed).
        itemsRemoved(tuple[int, ...]): Ids of rows that left the queue.
        reordered(tuple[tuple[int, int], ...]): ``(item_id, new_position)`` of moved rows.
        progress(DownloadProgress): Live progress of a running download.
        finished(QueueItem): A download completed.
        failed(QueueItem, str): A download failed for good, with the reason.
        seriesChanged(int): A series was added, refreshed or (un)monitored.
        metadataChanged(MetadataJobFinished | MetadataJobFailed): A metadata job ended.
        idle(): Nothing runs and nothing pending can start.
        autoDownload(AutoDownloadStarted | Fired | Skipped | Failed): The scheduler's news.
    """

    itemsAdded = Signal(object)
    itemUpdated = Signal(object)
    itemsUpdated = Signal(object)
    itemsRemoved = Signal(object)
    reordered = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(object, str)
    idle = Signal()
    seriesChanged = Signal(int)
    metadataChanged = Signal(object)
    autoDownload = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus: EventBus | None = bus
        bus.subscribe(QueueItemsAdded, self._on_added)
        bus.subscribe(QueueItemUpdated, self._on_updated)
        bus.subscribe(QueueItemsUpdated, self._on_many_updated)
        bus.subscribe(QueueItemsRemoved, self._on_removed)
        bus.subscribe(QueueReordered, self._on_reordered)
        bus.subscribe(DownloadProgress, self._on_progress)
        bus.subscribe(DownloadFinished, self._on_finished)
        bus.subscribe(DownloadFailed, self._on_failed)
        bus.subscribe(QueueIdle, self._on_idle)
        bus.subscribe(SeriesChanged, self._on_series_changed)
        bus.subscribe(MetadataJobFinished, self._on_metadata)
        bus.subscribe(MetadataJobFailed, self._on_metadata)
        for kind in _AUTO_DOWNLOAD_EVENTS:
            bus.subscribe(kind, self._on_auto_download)

    def detach(self) -> None:
        """Stop listening. Call before the Qt object goes away while the services still run."""
        bus, self._bus = self._bus, None
        if bus is None:
            return
        bus.unsubscribe(QueueItemsAdded, self._on_added)
        bus.unsubscribe(QueueItemUpdated, self._on_updated)
        bus.unsubscribe(QueueItemsUpdated, self._on_many_updated)
        bus.unsubscribe(QueueItemsRemoved, self._on_removed)
        bus.unsubscribe(QueueReordered, self._on_reordered)
        bus.unsubscribe(DownloadProgress, self._on_progress)
        bus.unsubscribe(DownloadFinished, self._on_finished)
        bus.unsubscribe(DownloadFailed, self._on_failed)
        bus.unsubscribe(QueueIdle, self._on_idle)
        bus.unsubscribe(SeriesChanged, self._on_series_changed)
        bus.unsubscribe(MetadataJobFinished, self._on_metadata)
        bus.unsubscribe(MetadataJobFailed, self._on_metadata)
        for kind in _AUTO_DOWNLOAD_EVENTS:
            bus.unsubscribe(kind, self._on_auto_download)

    def _on_added(self, event: QueueItemsAdded) -> None:
        self.itemsAdded.emit(event.items)

    def _on_updated(self, event: QueueItemUpdated) -> None:
        self.itemUpdated.emit(event.item)

    def _on_many_updated(self, event: QueueItemsUpdated) -> None:
        self.itemsUpdated.emit(event.items)

    def _on_removed(self, event: QueueItemsRemoved) -> None:
        self.itemsRemoved.emit(event.ids)

    def _on_reordered(self, event: QueueReordered) -> None:
        self.reordered.emit(event.positions)

    def _on_progress(self, event: DownloadProgress) -> None:
        self.progress.emit(event)

    def _on_finished(self, event: DownloadFinished) -> None:
        self.finished.emit(event.item)

    def _on_failed(self, event: DownloadFailed) -> None:
        self.failed.emit(event.item, event.reason)

    def _on_idle(self, event: QueueIdle) -> None:
        self.idle.emit()

    def _on_series_changed(self, event: SeriesChanged) -> None:
        self.seriesChanged.emit(event.series_id)

    def _on_metadata(self, event: MetadataJobFinished | MetadataJobFailed) -> None:
        self.metadataChanged.emit(event)

    def _on_auto_download(self, event: Event) -> None:
        self.autoDownload.emit(event)
