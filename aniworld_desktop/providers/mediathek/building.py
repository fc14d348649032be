"""Helpers of a full build of the film index that run beside it (see :mod:`.store`)."""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)


def spare_core() -> bool:
    """Whether a second core is likely free now: the load average leaves one idle.

    Where there is no load average (Windows), more than one core is taken as enough.
    """
    cores = os.cpu_count() or 1
    if cores < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return True
    return load <= cores - 1


class Syncing:
    """``fsync`` of a file on a thread of its own while the block runs (it waits on the disk).

    A failed sync is only logged: the sync after the build, which must succeed, comes after.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._thread = threading.Thread(target=self._sync, name="film index sync", daemon=True)

    def _sync(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as exc:
            log.debug("early sync of the new film index failed: %s", exc)

    def __enter__(self) -> Syncing:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._thread.join()
