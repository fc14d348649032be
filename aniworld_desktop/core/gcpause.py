"""Keeping Python's cyclic garbage collector out of the way of a bulk load.

Building 100,000 queue items triggers several full collections, each walking every live object:
on this machine that stalled the event loop for 100-130 ms at a time. The items hold no reference
cycles (reference counting frees them), so the collector has nothing to find in them.
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


@contextlib.contextmanager
def collector_paused() -> Iterator[CollectorPause]:
    """Pause the cyclic collector for the block; optionally freeze what it built.

    With ``pause.freeze`` set, ``gc.freeze()`` moves every object alive at the end into a
    permanent generation that later collections skip, so a big load does not come back as one
    long collection a minute later. Freezing keeps nothing alive: reference counting still frees
    those objects; only cycles among them would never be collected, which is why it is meant for
    a one-off start-up load, not for every small one.
    """
    pause = CollectorPause()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield pause
    finally:
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
