import gc

from aniworld_desktop.core.events import (
    DownloadProgress,
    Event,
    EventBus,
    QueueIdle,
    QueueItemsRemoved,
)


class Listener:
    def __init__(self):
        self.seen = []

    def on_event(self, event):
        self.seen.append(event)


def test_publish_reaches_subscribers_of_the_type_and_of_base_types():
    bus = EventBus()
    specific, general = Listener(), Listener()
    bus.subscribe(QueueItemsRemoved, specific.on_event)
    bus.subscribe(Event, general.on_event)
    bus.publish(QueueItemsRemoved((1, 2)))
    bus.publish(QueueIdle())
    assert specific.seen == [QueueItemsRemoved((1, 2))]
    assert general.seen == [QueueItemsRemoved((1, 2)), QueueIdle()]


def test_bound_methods_are_held_weakly():
    bus = EventBus()
    listener = Listener()
    bus.subscribe(QueueIdle, listener.on_event)
    del listener
    gc.collect()
    bus.publish(QueueIdle())  # must not raise, nor keep the listener alive
    assert bus._listeners[QueueIdle] == []


def test_a_failing_listener_does_not_stop_the_others(caplog):
    bus = EventBus()
    good = Listener()

    def broken(event):
        raise RuntimeError("boom")

    bus.subscribe(DownloadProgress, broken)
    bus.subscribe(DownloadProgress, good.on_event)
    bus.publish(DownloadProgress(1, 10, 100, 5.0))
    assert len(good.seen) == 1
    assert "boom" in caplog.text


def test_unsubscribe():
    bus = EventBus()
    listener = Listener()
    bus.subscribe(QueueIdle, listener.on_event)
    bus.unsubscribe(QueueIdle, listener.on_event)
    bus.publish(QueueIdle())
    assert listener.seen == []
