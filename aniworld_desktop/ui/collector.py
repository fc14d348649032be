"""Python's cyclic garbage collector, run on the GUI thread only.

Left to itself, the collector runs in whichever thread happens to allocate when a threshold is
crossed: the download thread, a database or keyring worker. A reference cycle that holds a Qt
object (a timer, a model, a widget) is then destroyed off the GUI thread, which Qt forbids
("QObject::~QObject: Timers cannot be stopped from another thread") and which has crashed the
app (see the activity panel's history). So while the window runs, automatic collection is off
and a GUI-thread timer does the same work, with the same thresholds.

The collector also walks every object it tracks: with 100,000 queue items a full collection
takes about 0.1 s, a visible stall. :meth:`MainThreadCollector.settle` moves what start-up built
(and will keep) out of its reach with ``gc.freeze()``. A bulk load's pause
(``core/gcpause.collector_paused``, a library scan's) holds here too: nothing is collected
until it ends.

Full collections follow the spirit of the rule CPython applies to its own automatic ones
(``gcmodule.c``, ``collect_generations``), which a plain "the oldest generation's count passed its
threshold" test leaves out: the oldest generation is collected only once it grew by more than a
quarter since its last collection. A full collection walks every object that is not frozen, so
without the rule a big import paid 10-35 ms every few seconds; with it, the cost of full
collections stays proportional to how much the heap grew. CPython counts the objects *promoted*
since the last full collection; during an import most of those (the library pane's snapshot of
2,000 series, replies in flight) die by reference counting soon after, so the collector counts
the *net* growth instead, which it can estimate without walking anything: every tracked object's
birth raises ``gc.get_count()[0]`` and every death lowers it, so the objects alive are the
start figure plus, over every collection, that count minus what the collection found; after a
collection of the middle generation every one of them is in the oldest, less the frozen ones
(``gc.get_freeze_count()``, read at start, after freezing and after each full collection).
The estimate errs towards growth (a death while the count is 0 goes unseen), so it errs towards
collecting, never towards keeping garbage for good.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from aniworld_desktop.core.gcpause import is_paused, set_automatic

__all__ = ["MainThreadCollector"]

# Often enough that the young generation stays small: eight downloads allocate ~20,000 objects
# in half a second, and collecting those at once took ~10 ms of the loop (a turn that finds
# nothing due costs microseconds).
INTERVAL_MS = 100
# A full collection only when the oldest generation grew by more than 1/FULL_SHARE since the last
# one (CPython's own share: 25 %).
FULL_SHARE = 4

_holders = 0  # collectors started and not stopped; automatic collection is off while > 0


class MainThreadCollector(QObject):
    """Runs the collector from a GUI-thread timer while started."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)
        self._started = False
        self.collections = [0, 0, 0]  # per generation, for tests and curious users
        # Estimates (see the module's description): the objects the oldest generation held
        # after its last collection; all tracked objects as of the last collection; frozen ones.
        self.long_lived = 0
        self._tracked = 0
        self._frozen = 0

    def start(self) -> None:
        """Turn automatic collection off and collect from the timer instead."""
        global _holders
        if self._started:
            return
        self._started = True
        _holders += 1
        # Counted once (a few milliseconds at start-up); later kept up by estimates.
        self._frozen = gc.get_freeze_count()
        self._tracked = len(gc.get_objects()) + self._frozen
        self.long_lived = self.old_generation()
        set_automatic(False)
        self._timer.start()

    def stop(self) -> None:
        """Hand collection back to Python (once the last started collector stops)."""
        global _holders
        if not self._started:
            return
        self._started = False
        self._timer.stop()
        _holders -= 1
        if _holders == 0:
            set_automatic(True)

    def old_generation(self) -> int:
        """Estimated objects in the oldest generation once the young ones are collected."""
        return max(0, self._tracked + gc.get_count()[0] - self._frozen)

    def growth(self) -> int:
        """Estimated net growth of the oldest generation since its last collection."""
        return max(0, self.old_generation() - self.long_lived)

    def collect_if_due(self) -> int | None:
        """Collect the generation Python would have collected by now; None when none is due
        (or a bulk load paused collection: its objects are many and hold no cycles).

        The oldest generation is due when its count passed its threshold *and* it grew by more
        than a quarter since its last collection (see the module's description); until then
        the middle one is collected in its place.
        """
        if is_paused():
            return None
        limits = gc.get_threshold()
        counts = gc.get_count()
        if counts[0] <= limits[0]:
            return None
        generation = 0
        if counts[1] > limits[1]:
            generation = 1
            if counts[2] > limits[2] and self.growth() > self.long_lived // FULL_SHARE:
                generation = 2
        found = gc.collect(generation)
        self.collections[generation] += 1
        self._tracked = max(0, self._tracked + counts[0] - found)
        if generation == 2:
            self._frozen = gc.get_freeze_count()
            self.long_lived = self.old_generation()
        return generation

    def settle(self) -> None:
        """Keep what exists now out of every later collection (after start-up built it)."""
        gc.freeze()
        # Every generation is empty now: the next full collection walks only what comes after.
        self._frozen = gc.get_freeze_count()
        self.long_lived = 0
