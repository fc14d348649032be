"""Getting downloads onto the disk: one writer thread for all of them, with early writeback.

**One writer thread.** The thread that reads the network (the download thread, or the window's
loop) hands each chunk to :class:`DiskWriter`, a single thread shared by every download of the
process: a write into the page cache is a system call that releases the GIL, so reading and
writing run on both cores, while a writer thread per download only added threads fighting over
the GIL (measured: the window's loop was late by 15 ms at p99 with eight of them).

**Early writeback** (:class:`Writeback`). A download must be durable before it is renamed into
the library, and an fsync of a whole file written into the page cache waits for all of it to
reach the disk: 0.5-1 s for 2 GiB here, after the last byte, in series with the download
(``curl`` followed by ``fsync`` pays the same). Instead, every ``step`` bytes the writer starts
the disk on the range just written (``sync_file_range(SYNC_FILE_RANGE_WRITE)``), waits for the
range before it to be on the disk and drops it from the page cache (``posix_fadvise(DONTNEED)``,
so a big download does not push everything else out of memory). The disk then works while the
network does, the final fsync has at most two steps left to write (8 MiB), and when the disk is slower
than the network the wait slows the reading of that download down to the disk's pace instead of
piling up dirty pages. Where ``sync_file_range`` does not exist (not Linux) only the fadvise
part runs, and the final fsync does the rest; both are hints, the fsync is the guarantee.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import queue
import sys
import threading
from collections.abc import Callable
from typing import ClassVar

from aniworld_desktop.desktop.scheduling import lower_helper_thread

__all__ = ["WRITEBACK_STEP", "DiskWriter", "Writeback"]

log = logging.getLogger(__name__)

WRITEBACK_STEP = 4 << 20
"""Bytes between two writeback steps of one file: small enough that the final fsync is short
(8 MiB steps left the last of eight parallel downloads 0.08-0.12 s of fsync, 4 MiB 0.02-0.03 s),
large enough that the disk gets big sequential writes."""

# <linux/fs.h>
_WAIT_BEFORE = 1
_WRITE = 2
_WAIT_AFTER = 4

_SyncFileRange = Callable[[int, int, int, int], int]


def _load_sync_file_range() -> _SyncFileRange | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # The C library the process has loaded already (find_library would run ldconfig).
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    # A ctypes call releases the GIL for its duration, as a system call from os does.
    result: _SyncFileRange = function
    return result


_sync_file_range = _load_sync_file_range()
_fadvise = getattr(os, "posix_fadvise", None)
_DONTNEED = getattr(os, "POSIX_FADV_DONTNEED", 4)


class Writeback:
    """Pushes one file's bytes towards the disk while it is being written (see the module).

    Call :meth:`wrote` after each write, from the writing thread. Failures of the hints are
    ignored: the caller's final fsync reports a disk that cannot write.
    """

    __slots__ = ("_end", "_fd", "_older", "_started", "_step", "_wait", "enabled")

    def __init__(
        self, fd: int, start: int, step: int = WRITEBACK_STEP, *, wait: bool = True
    ) -> None:
        """Follow ``fd``, whose writes begin at byte ``start``.

        Args:
            fd: The open file's descriptor.
            start: Where the first write lands (a resumed part's size).
            step: Bytes between two writeback steps.
            wait: Wait for the older range before going on (the writer thread may block; the
                event loop's thread must not).
        """
        self._fd = fd
        self._step = step
        self._wait = wait
        self._end = start  # the file's size after the writes so far
        self._started = start  # writeback was started up to here
        self._older = start  # and the range before _started begins here
        self.enabled = _sync_file_range is not None or _fadvise is not None

    def wrote(self, size: int) -> None:
        """``size`` more bytes were written at the end; maybe take a writeback step."""
        self._end += size
        if self._end - self._started < self._step or not self.enabled:
            return
        begin, end = self._started, self._end
        older = self._older
        try:
            if _sync_file_range is not None:
                _sync_file_range(self._fd, begin, end - begin, _WRITE)
                if self._wait and older < begin:
                    _sync_file_range(
                        self._fd, older, begin - older, _WAIT_BEFORE | _WRITE | _WAIT_AFTER
                    )
            if _fadvise is not None and older < begin:
                # Pages under writeback stay; those already written go.
                _fadvise(self._fd, older, begin - older, _DONTNEED)
        except OSError as exc:  # a hint: the final fsync is what counts
            log.debug("early writeback failed: %s", exc)
            self.enabled = False
        self._older, self._started = begin, end


class DiskWriter:
    """One thread that runs the disk work (``submit``-ted calls) of every download, in order.

    Calls for one file keep their order, since there is one thread. A call must not raise: the
    sinks catch their errors and report them to their own loop.
    """

    _shared: ClassVar[DiskWriter | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, name: str = "download-writer") -> None:
        self._queue: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @classmethod
    def shared(cls) -> DiskWriter:
        """The process's writer, started on first use; it lives as long as the process."""
        writer = cls._shared
        if writer is None:
            with cls._shared_lock:
                writer = cls._shared
                if writer is None:
                    writer = cls._shared = cls()
        return writer

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    def submit(self, call: Callable[[], None]) -> None:
        """Run ``call`` on the writer thread after everything submitted before it."""
        self._queue.put(call)

    def _run(self) -> None:
        lower_helper_thread()
        get = self._queue.get
        while True:
            call = get()
            try:
                call()
            except Exception:  # a bug in a sink: the other downloads keep their writer
                log.exception("the download writer's work failed")
            with contextlib.suppress(Exception):
                del call
