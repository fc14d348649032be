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
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

from aniworld_desktop.core.gcpause import is_paused

__all__ = ["MainThreadCollector"]

INTERVAL_MS = 500

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

    def start(self) -> None:
        """Turn automatic collection off and collect from the timer instead."""
        global _holders
        if self._started:
            return
        self._started = True
        _holders += 1
        gc.disable()
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
            gc.enable()

    def collect_if_due(self) -> int | None:
        """Collect the generation Python would have collected by now; None when none is due
        (or a bulk load paused collection: its objects are many and hold no cycles)."""
        if is_paused():
            return None
        limits = gc.get_threshold()
        counts = gc.get_count()
        if counts[0] <= limits[0]:
            return None
        generation = 0
        if counts[1] > limits[1]:
            generation = 2 if counts[2] > limits[2] else 1
        gc.collect(generation)
        self.collections[generation] += 1
        return generation

    @staticmethod
    def settle() -> None:
        """Keep what exists now out of every later collection (after start-up built it)."""
        gc.freeze()
