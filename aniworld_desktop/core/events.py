"""Typed events and the one bus that carries them from services to whoever listens.

Subscribers are held weakly (bound methods through ``WeakMethod``), so a closed window or a dropped
model never keeps itself alive by having listened, in the manner of Electrum's ``CallbackManager``.
Delivery is synchronous and in order on the caller's thread; the services only publish from the
event loop, and the Qt bridge re-emits on the GUI thread (which is the same thread under qasync).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from aniworld_desktop.core.models import SkipReason, Trigger
from aniworld_desktop.core.queue import QueueItem

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """Base of all events."""


@dataclass(frozen=True, slots=True)
class QueueItemsAdded(Event):
    items: tuple[QueueItem, ...]


@dataclass(frozen=True, slots=True)
class QueueItemUpdated(Event):
    """Status, error or stored progress of one item changed (not per-chunk progress)."""

    item: QueueItem


@dataclass(frozen=True, slots=True)
class QueueItemsUpdated(Event):
    """Several items changed at once (Pause all on 5,000 rows): one event, not 5,000."""

    items: tuple[QueueItem, ...]


@dataclass(frozen=True, slots=True)
class QueueItemsRemoved(Event):
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class QueueReordered(Event):
    """Priorities changed; ``positions`` holds ``(item_id, new_position)`` for the moved rows."""

    positions: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class QueueEarlierChanged(Event):
    """How many done rows start-up left in the database (``DownloadService.earlier``) changed:
    they were loaded (0), or some went with a series."""

    count: int


@dataclass(frozen=True, slots=True)
class DownloadProgress(Event):
    """Coalesced progress of a running download (a few per second per item, never per chunk)."""

    item_id: int
    bytes_done: int
    bytes_total: int | None
    speed: float  # bytes per second over the last interval


@dataclass(frozen=True, slots=True)
class DownloadFinished(Event):
    item: QueueItem


@dataclass(frozen=True, slots=True)
class DownloadFailed(Event):
    item: QueueItem
    reason: str


@dataclass(frozen=True, slots=True)
class SeriesChanged(Event):
    """A series was added, or its catalogue, match, source or monitoring changed."""

    series_id: int


@dataclass(frozen=True, slots=True)
class SeriesRemoved(SeriesChanged):
    """A series was removed (unfollowed): a kind of change, so whoever reloads on
    ``SeriesChanged`` sees it go. ``files`` says what became of its folder, in a sentence."""

    title: str = ""
    files: str = ""


@dataclass(frozen=True, slots=True)
class LibraryFolderChanged(Event):
    """The library folder is another one now (the settings changed): reload every series."""

    folder: str


@dataclass(frozen=True, slots=True)
class MetadataJobStarted(Event):
    series_id: int
    title: str


@dataclass(frozen=True, slots=True)
class MetadataJobFinished(Event):
    """A series' NFO files and artwork are written; ``written`` counts files changed."""

    series_id: int
    title: str
    written: int
    source: str  # "tmdb" or "provider"


@dataclass(frozen=True, slots=True)
class MetadataJobFailed(Event):
    series_id: int
    title: str
    reason: str


@dataclass(frozen=True, slots=True)
class QueueIdle(Event):
    """Nothing is downloading and nothing pending can start."""


@dataclass(frozen=True, slots=True)
class SeriesQueued:
    """What one auto-download queued for one series (not an event; carried by one).

    Attributes:
        series_id: The series.
        title: Its title, as the queue shows it.
        labels: The queued episodes as people write them (``S02E01``), in queue order.
    """

    series_id: int
    title: str
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AutoDownloadStarted(Event):
    """An auto-download run began: it refreshes, scans, then queues what is missing.

    ``trigger`` says who asked: the timer, "Run auto-download now" (the tray or the window) or
    the ``run-once`` command.
    """

    trigger: Trigger
    started_at: datetime


@dataclass(frozen=True, slots=True)
class AutoDownloadFired(Event):
    """An auto-download run finished; ``queued`` holds what it queued, per series.

    ``queued`` is empty when nothing was missing. ``refresh_failures`` names the series whose
    source could not be read (``"Title: reason"``); the others were still refreshed.
    """

    trigger: Trigger
    started_at: datetime
    queued: tuple[SeriesQueued, ...]
    refreshed: int = 0
    refresh_failures: tuple[str, ...] = ()

    @property
    def episodes(self) -> int:
        """How many episodes were queued, over all series."""
        return sum(len(series.labels) for series in self.queued)


@dataclass(frozen=True, slots=True)
class AutoDownloadSkipped(Event):
    """An auto-download was asked for and did not run.

    ``reason`` says why (the last run is too recent, or one is running); ``next_allowed`` is the
    earliest time another run may start (UTC, timezone-aware).
    """

    trigger: Trigger
    reason: SkipReason
    next_allowed: datetime


@dataclass(frozen=True, slots=True)
class AutoDownloadFailed(Event):
    """An auto-download run stopped on an error; ``reason`` is a sentence. The timer goes on."""

    trigger: Trigger
    reason: str


@dataclass(frozen=True, slots=True)
class MediaServerRefreshed(Event):
    """A media server accepted the request to rescan its library after a batch of downloads.

    ``server`` is its kind as people say it ("Jellyfin", "Kodi"); ``message`` is a sentence
    that names its address; ``series_ids`` are the series whose downloads made the batch.
    """

    server: str
    message: str
    series_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class MediaServerRefreshFailed(Event):
    """A media server could not be asked to rescan; ``reason`` is a sentence (never a secret).

    Nothing is retried: the next batch asks again, and a rescan covers the whole library.
    """

    server: str
    reason: str
    series_ids: tuple[int, ...] = ()


E = TypeVar("E", bound=Event)
Listener = Callable[[Any], None]


class EventBus:
    """Publish/subscribe over weak references, keyed by event type (subclasses included)."""

    def __init__(self) -> None:
        self._listeners: dict[type[Event], list[weakref.ref[Any] | Callable[[], Any]]] = {}

    def subscribe(self, event_type: type[E], listener: Callable[[E], None]) -> None:
        """Call ``listener(event)`` for every published ``event_type`` (or subclass) instance.

        Bound methods are held weakly; plain functions and lambdas strongly (they have no owner
        whose lifetime could end the subscription).
        """
        ref: weakref.ref[Any] | Callable[[], Any]
        if hasattr(listener, "__self__") and hasattr(listener, "__func__"):
            ref = weakref.WeakMethod(listener)
        else:
            ref = _strong(listener)
        self._listeners.setdefault(event_type, []).append(ref)

    def unsubscribe(self, event_type: type[E], listener: Callable[[E], None]) -> None:
        refs = self._listeners.get(event_type, [])
        self._listeners[event_type] = [r for r in refs if r() not in (None, listener)]

    def publish(self, event: Event) -> None:
        """Deliver ``event`` now. A failing listener is logged and does not stop the others."""
        for event_type in type(event).__mro__:
            refs = self._listeners.get(event_type)
            if not refs:
                continue
            dead = False
            for ref in list(refs):
                listener = ref()
                if listener is None:
                    dead = True
                    continue
                try:
                    listener(event)
                except Exception:
                    log.exception("listener %r failed on %s", listener, type(event).__name__)
            if dead:
                self._listeners[event_type] = [r for r in refs if r() is not None]


def _strong(listener: Callable[..., None]) -> Callable[[], Callable[..., None]]:
    return lambda: listener
