"""Keeping Python's cyclic garbage collector out of the way of a bulk load.

Building 100,000 queue items triggers several full collections, each walking every live object:
on this machine that stalled the event loop for 100-130 ms at a time. The items hold no reference
cycles (reference counting frees them), so the collector has nothing to find in them.

The window turns automatic collection off and collects from a GUI-thread timer instead
(``ui/collector.py``); that timer asks :func:`is_paused` first, so a pause holds there too (a
young generation of 100,000 scanned files collected mid-scan held the window's loop for 40 ms).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class CollectorPause:
    """Handed to the block; set ``freeze`` when it built enough objects to be worth freezing."""

    freeze: bool = False


_lock = threading.Lock()
_paused = 0  # blocks inside collector_paused() now (any thread)
_restore = True  # whether automatic collection is on once the last pause ends


def is_paused() -> bool:
    """Whether a bulk load asked for no collection now (a collector of its own must wait)."""
    return _paused > 0


def set_automatic(enabled: bool) -> None:
    """Turn Python's automatic collection on or off, in agreement with any pause running.

    During a pause the wish is kept and applied when the last pause ends; ``gc.enable()`` called
    directly there would be undone (or a stale state restored) by that end.
    """
    global _restore
    with _lock:
        _restore = enabled
        if _paused == 0:
            if enabled:
                gc.enable()
            else:
                gc.disable()


@contextlib.contextmanager
def collector_paused() -> Iterator[CollectorPause]:
    """Pause the cyclic collector for the block; optionally freeze what it built.

    With ``pause.freeze`` set, ``gc.freeze()`` moves every object alive at the end into a
    permanent generation that later collections skip, so a big load does not come back as one
    long collection a minute later. Freezing keeps nothing alive: reference counting still frees
    those objects; only cycles among them would never be collected, which is why it is meant for
    a one-off start-up load, not for every small one.

    Pauses may overlap from several threads, in any order: the first one to start remembers
    whether automatic collection was on, and the last one to end puts that back.
    """
    global _paused, _restore
    pause = CollectorPause()
    with _lock:
        if _paused == 0:
            _restore = gc.isenabled()
        _paused += 1
        gc.disable()
    try:
        yield pause
    finally:
        if pause.freeze:
            gc.freeze()
        with _lock:
            _paused -= 1
            if _paused == 0 and _restore:
                gc.enable()


def release(*lists: list[Any]) -> None:
    """Empty big lists a piece at a time; call it on a worker thread.

    Freeing 100,000 objects in one go is one C loop that holds the interpreter, and so the
    event loop, for 50-100 ms; between two pieces the loop's thread gets its turn.
    """
    for items in lists:
        while items:
            del items[-2000:]
