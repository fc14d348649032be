"""EventBridge: every routed bus event reaches its signal with what it carries, until detached."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from typing import Any

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
    MediaServerRefreshed,
    MetadataJobFailed,
    MetadataJobFinished,
    MetadataJobStarted,
    QueueEarlierChanged,
    QueueIdle,
    QueueItemsAdded,
    QueueItemsRemoved,
    QueueItemsUpdated,
    QueueItemUpdated,
    QueueReordered,
    SeriesChanged,
)
from aniworld_desktop.ui.bridge import ROUTES, EventBridge
from tests.ui.conftest import make_item

ITEM = make_item(1)
NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
PROGRESS = DownloadProgress(1, 10, 100, 5.0)
METADATA_DONE = MetadataJobFinished(7, "Harbor Lights", 3, "tmdb")
METADATA_FAILED = MetadataJobFailed(7, "Harbor Lights", "no token")
STARTED = AutoDownloadStarted("timer", NOW)
FIRED = AutoDownloadFired("timer", NOW, ())
SKIPPED = AutoDownloadSkipped("user", "cooldown", NOW)
AUTO_FAILED = AutoDownloadFailed("timer", "the library folder is missing")

# Each event, the signal it must reach, and the arguments it must carry.
EXPECTED: list[tuple[Event, str, tuple[Any, ...]]] = [
    (QueueItemsAdded((ITEM,)), "itemsAdded", ((ITEM,),)),
    (QueueItemUpdated(ITEM), "itemUpdated", (ITEM,)),
    (QueueItemsUpdated((ITEM,)), "itemsUpdated", ((ITEM,),)),
    (QueueItemsRemoved((1, 2)), "itemsRemoved", ((1, 2),)),
    (QueueReordered(((1, 5),)), "reordered", (((1, 5),),)),
    (PROGRESS, "progress", (PROGRESS,)),
    (DownloadFinished(ITEM), "finished", (ITEM,)),
    (DownloadFailed(ITEM, "HTTP 404"), "failed", (ITEM, "HTTP 404")),
    (QueueIdle(), "idle", ()),
    (QueueEarlierChanged(3), "earlierChanged", (3,)),
    (SeriesChanged(7), "seriesChanged", (7,)),
    (LibraryFolderChanged("/media/series"), "libraryFolderChanged", ("/media/series",)),
    (METADATA_DONE, "metadataChanged", (METADATA_DONE,)),
    (METADATA_FAILED, "metadataChanged", (METADATA_FAILED,)),
    (STARTED, "autoDownload", (STARTED,)),
    (FIRED, "autoDownload", (FIRED,)),
    (SKIPPED, "autoDownload", (SKIPPED,)),
    (AUTO_FAILED, "autoDownload", (AUTO_FAILED,)),
]


def listen(bridge: EventBridge) -> list[tuple[str, tuple[Any, ...]]]:
    heard: list[tuple[str, tuple[Any, ...]]] = []
    for name in {name for name, _fields in ROUTES.values()}:
        getattr(bridge, name).connect(lambda *args, name=name: heard.append((name, args)))
    return heard


def test_every_route_reaches_its_signal_with_its_fields(qapp) -> None:
    assert {type(event) for event, _name, _args in EXPECTED} == set(ROUTES)  # all, once
    bus = EventBus()
    bridge = EventBridge(bus)
    heard = listen(bridge)
    for event, name, args in EXPECTED:
        bus.publish(event)
        assert heard[-1] == (name, args), type(event).__name__
    assert len(heard) == len(EXPECTED)  # each event once

    # Events the window does not follow are not routed.
    bus.publish(MetadataJobStarted(7, "Harbor Lights"))
    bus.publish(MediaServerRefreshed("jellyfin", "ok"))
    assert len(heard) == len(EXPECTED)

    bridge.detach()
    for event, _name, _args in EXPECTED:
        bus.publish(event)
    assert len(heard) == len(EXPECTED)
    bridge.detach()  # twice is harmless


def test_a_subclass_of_a_routed_event_takes_its_route(qapp) -> None:
    class LateFinish(DownloadFinished):
        pass

    bus = EventBus()
    bridge = EventBridge(bus)
    heard = listen(bridge)
    bus.publish(LateFinish(ITEM))
    assert heard == [("finished", (ITEM,))]
    bridge.detach()


def test_the_bus_does_not_keep_a_bridge_alive(qapp) -> None:
    bus = EventBus()
    bridge = EventBridge(bus)
    heard = listen(bridge)
    del bridge
    gc.collect()
    bus.publish(QueueIdle())  # the dead listener is dropped, not called
    assert heard == []
