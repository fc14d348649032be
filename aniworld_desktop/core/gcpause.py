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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class CollectorPause:
    """Handed to the block; set ``freeze`` when it built enough objects to be worth freezing."""

    freeze: bool = False


_paused = 0  # blocks inside collector_paused() now (any thread)


def is_paused() -> bool:
    """Whether a bulk load asked for no collection now (a collector of its own must wait)."""
    return _paused > 0


@contextlib.contextmanager
def collector_paused() -> Iterator[CollectorPause]:
    """Pause the cyclic collector for the block; optionally freeze what it built.

    With ``pause.freeze`` set, ``gc.freeze()`` moves every object alive at the end into a
    permanent generation that later collections skip, so a big load does not come back as one
    long collection a minute later. Freezing keeps nothing alive: reference counting still frees
    those objects; only cycles among them would never be collected, which is why it is meant for
    a one-off start-up load, not for every small one.
    """
    global _paused
    pause = CollectorPause()
    was_enabled = gc.isenabled()
    gc.disable()
    _paused += 1
    try:
        yield pause
    finally:
        _paused -= 1
        if pause.freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


def release(*lists: list[Any]) -> None:
    """Empty big lists a piece at a time; call it on a worker thread.

    Freeing 100,000 objects in one go is one C loop that holds the interpreter, and so the
    event loop, for 50-100 ms; between two pieces the loop's thread gets its turn.
    """
    for items in lists:
        while items:
            del items[-2000:]
