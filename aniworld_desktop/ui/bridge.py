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
    LibraryFolderChanged,
    MetadataJobFailed,
    MetadataJobFinished,
    QueueEarlierChanged,
    QueueIdle,
    QueueItemsAdded,
    QueueItemsRemoved,
    QueueItemsUpdated,
    QueueItemUpdated,
    QueueReordered,
    SeriesChanged,
)

log = logging.getLogger(__name__)

# Each bus event, the signal it becomes and what of it the signal carries: the event's fields
# by name, or the event itself (None).
ROUTES: dict[type[Event], tuple[str, tuple[str, ...] | None]] = {
    QueueItemsAdded: ("itemsAdded", ("items",)),
    QueueItemUpdated: ("itemUpdated", ("item",)),
    QueueItemsUpdated: ("itemsUpdated", ("items",)),
    QueueItemsRemoved: ("itemsRemoved", ("ids",)),
    QueueReordered: ("reordered", ("positions",)),
    QueueEarlierChanged: ("earlierChanged", ("count",)),
    DownloadProgress: ("progress", None),
    DownloadFinished: ("finished", ("item",)),
    DownloadFailed: ("failed", ("item", "reason")),
    QueueIdle: ("idle", ()),
    SeriesChanged: ("seriesChanged", ("series_id",)),
    LibraryFolderChanged: ("libraryFolderChanged", ("folder",)),
    MetadataJobFinished: ("metadataChanged", None),
    MetadataJobFailed: ("metadataChanged", None),
    AutoDownloadStarted: ("autoDownload", None),
    AutoDownloadFired: ("autoDownload", None),
    AutoDownloadSkipped: ("autoDownload", None),
    AutoDownloadFailed: ("autoDownload", None),
}


class EventBridge(QObject):
    """Subscribes to the event bus and re-emits every event of :data:`ROUTES` as a Qt signal.

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
        earlierChanged(int): Finished rows left in the database by start-up, now.
        progress(DownloadProgress): Live progress of a running download.
        finished(QueueItem): A download completed.
        failed(QueueItem, str): A download failed for good, with the reason.
        seriesChanged(int): A series was added, refreshed or (un)monitored.
        libraryFolderChanged(str): The library is another folder now (the settings changed).
        metadataChanged(MetadataJobFinished | MetadataJobFailed): A metadata job ended.
        idle(): Nothing runs and nothing pending can start.
        autoDownload(AutoDownloadStarted | Fired | Skipped | Failed): The scheduler's news.
    """

    itemsAdded = Signal(object)
    itemUpdated = Signal(object)
    itemsUpdated = Signal(object)
    itemsRemoved = Signal(object)
    reordered = Signal(object)
    earlierChanged = Signal(object)
    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(object, str)
    idle = Signal()
    seriesChanged = Signal(int)
    libraryFolderChanged = Signal(str)
    metadataChanged = Signal(object)
    autoDownload = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus: EventBus | None = bus
        for kind in ROUTES:
            bus.subscribe(kind, self._deliver)

    def detach(self) -> None:
        """Stop listening. Call before the Qt object goes away while the services still run."""
        bus, self._bus = self._bus, None
        if bus is None:
            return
        for kind in ROUTES:
            bus.unsubscribe(kind, self._deliver)

    def _deliver(self, event: Event) -> None:
        # The bus also delivers subclasses of a routed event: the nearest route applies.
        kind = next(kind for kind in type(event).__mro__ if kind in ROUTES)
        name, fields = ROUTES[kind]
        signal = getattr(self, name)
        if fields is None:
            signal.emit(event)
        else:
            signal.emit(*(getattr(event, field) for field in fields))
