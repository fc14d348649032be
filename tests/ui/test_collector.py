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


def _due(collector: MainThreadCollector, middle: bool, oldest: bool) -> list[list[int]]:
    """Make the young generation due (and the middle and oldest ones' counts past their
    thresholds if asked) without collecting anything the collector would not; returns the
    young objects kept alive."""
    limits = gc.get_threshold()
    gc.collect()
    if oldest:
        for _ in range(limits[2] + 1):
            gc.collect(1)  # each counts once towards the oldest generation
    if middle:
        for _ in range(limits[1] + 1):
            gc.collect(0)  # each counts once towards the middle one
    kept = [[] for _ in range(limits[0] * 3)]  # past the young generation's threshold
    counts = gc.get_count()
    assert counts[0] > limits[0]
    assert (counts[1] > limits[1]) is middle
    assert (counts[2] > limits[2]) is oldest
    return kept


def test_the_oldest_generation_waits_until_it_grew_by_a_quarter(qtbot) -> None:
    collector = MainThreadCollector()
    collector.start()  # automatic collection off: the counts are ours to drive
    try:
        kept = _due(collector, middle=True, oldest=True)
        size = collector.old_generation()
        collector.long_lived = size  # grown by nothing since "the last full collection"
        assert collector.collect_if_due() == 1
        assert collector.collections == [0, 1, 0]

        del kept  # before the next: freeing objects lowers the young generation's count
        kept = _due(collector, middle=True, oldest=True)
        size = collector.old_generation()
        collector.long_lived = size * 5 // 6  # grown by a fifth: not yet
        assert 0 < collector.growth() <= collector.long_lived // 4
        assert collector.collect_if_due() == 1
        assert collector.collections == [0, 2, 0]

        del kept
        kept = _due(collector, middle=True, oldest=True)
        collector.long_lived = collector.old_generation() * 3 // 4  # a third more: due
        assert collector.collect_if_due() == 2
        assert collector.collections == [0, 2, 1]
        # After a full collection its figure is the new base: no growth yet.
        assert collector.long_lived >= len(kept)
        assert collector.growth() < 100  # what the test itself made since
    finally:
        collector.stop()


def test_objects_that_die_are_no_growth(qtbot) -> None:
    collector = MainThreadCollector()
    collector.start()
    try:
        before = collector.old_generation()
        made = [[] for _ in range(10_000)]
        assert collector.old_generation() >= before + 10_000 - 100  # a few others may go
        del made  # freed by reference counting, in whichever generation they were
        assert collector.old_generation() <= before + 100
    finally:
        collector.stop()


def test_the_middle_generation_and_the_young_one_follow_their_thresholds(qtbot) -> None:
    collector = MainThreadCollector()
    collector.start()
    try:
        kept = _due(collector, middle=False, oldest=True)
        collector.long_lived = 0  # the oldest would be due if its turn came
        assert collector.collect_if_due() == 0  # but only the young generation is
        del kept  # before the next: freeing objects lowers the young generation's count
        kept = _due(collector, middle=True, oldest=False)
        assert collector.collect_if_due() == 1  # the oldest's count is not past its threshold
        assert collector.collections == [1, 1, 0]
        assert len(kept) == 3 * gc.get_threshold()[0]  # alive until here
    finally:
        collector.stop()


def test_start_counts_the_long_lived_objects_and_settle_forgets_them(qtbot, monkeypatch) -> None:
    collector = MainThreadCollector()
    collector.start()
    try:
        assert collector.long_lived > 0  # the interpreter's own modules and functions at least
        assert collector.growth() < 1_000
        frozen: list[bool] = []
        monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))  # not for the whole run
        collector.settle()
        assert frozen == [True]
        assert collector.long_lived == 0
    finally:
        collector.stop()
