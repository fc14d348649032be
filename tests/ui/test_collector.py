"""MainThreadCollector: automatic collection off while the window runs, done by a GUI timer."""

from __future__ import annotations

import gc
import threading

from aniworld_desktop.core.gcpause import collector_paused
from aniworld_desktop.ui.collector import MainThreadCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self
        self.freed_in: list[str] = []

    def __del__(self) -> None:
        self.freed_in.append(threading.current_thread().name)


def test_cycles_made_on_another_thread_are_freed_on_this_one(qtbot) -> None:
    collector = MainThreadCollector(interval_ms=10)
    freed: list[str] = []
    collector.start()
    try:
        assert not gc.isenabled()

        def make_garbage() -> None:
            for _ in range(20_000):  # far past the thresholds: Python would collect here
                cycle = Cycle()
                cycle.freed_in = freed
                del cycle

        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()
        assert freed == []  # nothing was collected on the worker
        qtbot.waitUntil(lambda: len(freed) == 20_000, timeout=5000)
        assert set(freed) == {threading.current_thread().name}
        assert sum(collector.collections) >= 1
    finally:
        collector.stop()
    assert gc.isenabled()


def test_nested_collectors_keep_collection_off_until_the_last_stops(qtbot) -> None:
    first, second = MainThreadCollector(), MainThreadCollector()
    first.start()
    second.start()
    first.stop()
    assert not gc.isenabled()
    second.stop()
    assert gc.isenabled()
    second.stop()  # twice is harmless
    assert gc.isenabled()


def test_nothing_due_means_no_collection(qtbot) -> None:
    collector = MainThreadCollector()
    gc.collect()
    assert collector.collect_if_due() is None


def test_a_bulk_loads_pause_holds_for_the_windows_collector(qtbot) -> None:
    collector = MainThreadCollector()
    collector.start()
    try:
        kept = [[] for _ in range(5_000)]  # young objects, far past the first threshold
        with collector_paused():
            assert collector.collect_if_due() is None
            assert collector.collections == [0, 0, 0]
        assert collector.collect_if_due() is not None  # due, and the pause is over
        del kept
    finally:
        collector.stop()
