"""A download's part file: where it is, how its bytes get there, and how it becomes the file.

The bytes of a download go into ``<destination>.part`` through a sink: :class:`Sink` writes on
the reading thread (and starts writeback without waiting for it), :class:`ThreadSink` hands them
to the process's one writer thread (``downloads/disk.py``) and makes the reader wait once half a
read is queued, so a crash loses at most that. A spliced body (``downloads/splice.py``) goes
from its pipe into the file on the reading thread with either sink (``put_spliced``); the
writer then only writes it back, and its backlog of that still holds the reader back. :func:`finalize` makes the part durable (fsync),
renames it into place and syncs the folder, in that order. Disk errors become sentences
(:func:`write_error`) that name the folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import io
import os
import shutil
import threading
from pathlib import Path
from typing import BinaryIO

from aniworld_desktop.downloads.answer import human_size
from aniworld_desktop.downloads.disk import DiskWriter, Writeback
from aniworld_desktop.downloads.errors import DiskFullError, DownloadError, LibraryWriteError
from aniworld_desktop.durable import fsync_folder

__all__ = [
    "PART_SUFFIX",
    "Sink",
    "ThreadSink",
    "check_free_space",
    "finalize",
    "open_sink",
    "prepare_part",
    "remove_file",
    "write_error",
]

PART_SUFFIX = ".part"
_OS_FILES = (io.BufferedWriter, io.BufferedRandom)  # what open() gives the sinks


class Sink:
    """Writes a download's bytes to its part file, on the loop's thread.

    With ``start`` given it also writes back early (see ``downloads/disk.py``), without ever
    waiting for the disk: the loop's thread must not block.
    """

    def __init__(self, file: BinaryIO, folder: Path, start: int | None = None) -> None:
        self._file = file
        self._folder = folder
        self._early = Writeback(file.fileno(), start, wait=False) if start is not None else None

    def put(self, data: bytes) -> bool:
        """Write ``data`` (or queue it); True when the caller should wait for :meth:`room`."""
        try:
            self._file.write(data)
            if self._early is not None:
                self._early.wrote(len(data))
        except OSError as exc:
            raise write_error(exc, self._folder) from exc
        return False

    def put_spliced(self, pipe: int, size: int) -> bool:
        """Move ``size`` bytes from ``pipe`` into the file, as :meth:`put` writes ``data``."""
        try:
            _splice_all(pipe, self._file, size)
            if self._early is not None:
                self._early.wrote(size)
        except OSError as exc:
            raise write_error(exc, self._folder) from exc
        return False

    async def start_splicing(self) -> None:
        """Call once before the first :meth:`put_spliced`."""

    async def room(self) -> None:
        """Return once the sink takes more bytes."""

    async def finish(self, *, sync: bool) -> None:
        """Flush and close the file; with ``sync``, make its bytes durable first."""
        try:
            # fsync of a large file can take seconds; the loop (maybe the UI's) must not wait.
            await asyncio.to_thread(_flush_and_close, self._file, sync)
        except OSError as exc:
            raise write_error(exc, self._folder) from exc

    async def abandon(self) -> None:
        """Close after a failure, keeping whatever reached the file."""
        with contextlib.suppress(OSError):
            self._file.close()


class ThreadSink(Sink):
    """Hands chunks to the process's one writer thread, so a slow disk never blocks the loop.

    See ``downloads/disk.py``: the writer writes, pushes the bytes to the disk early, and the
    final fsync finds little left to do. A chunk costs one queue put and no event-loop
    wake-up, which matters on qasync, where each wake-up is a Qt event. Once more than
    ``high_water`` bytes wait for the disk, the caller waits for :meth:`room` (half of that).
    The backlog is kept small, half a read: bytes queued here are bytes a crash loses, and the
    resume fetches them again.
    """

    def __init__(self, file: BinaryIO, folder: Path, high_water: int, start: int) -> None:
        super().__init__(file, folder)  # no early writeback of its own: the writer's
        self._loop = asyncio.get_running_loop()
        self._writer = DiskWriter.shared()
        self._writeback = Writeback(file.fileno(), start)
        self._high_water = high_water
        self._lock = threading.Lock()
        # Guarded by _lock: bytes queued and not yet written, and who waits for room.
        self._queued = 0
        self._room: asyncio.Future[None] | None = None
        self._error: OSError | None = None
        self._flushed: asyncio.Future[None] = self._loop.create_future()
        self._closed = False
        self._spliced = False  # put_spliced writes on the reading thread

    def put(self, data: bytes) -> bool:
        self._raise_error()
        with self._lock:
            self._queued += len(data)
            full = self._queued > self._high_water
        self._writer.submit(functools.partial(self._write_now, data))
        return full

    async def start_splicing(self) -> None:
        # From now on the reading thread writes (see put_spliced): first the writer flushes
        # what it was given, so the file's position is after it.
        self._raise_error()
        done = self._loop.create_future()
        self._writer.submit(functools.partial(self._flush_for_splicing, done))
        await done
        self._raise_error()
        self._spliced = True

    def put_spliced(self, pipe: int, size: int) -> bool:
        # The page cache takes the bytes here, on the reading thread: one system call that
        # releases the GIL, and the pipe is empty again for the next piece (the writer's
        # queue behind other files would otherwise hold every download's pipe up). The
        # writer does the writeback; until it has, the bytes count as its backlog, so a
        # disk slower than the network still holds the reading back.
        self._raise_error()
        try:
            _splice_all(pipe, self._file, size)
        except OSError as exc:
            raise write_error(exc, self._folder) from exc
        with self._lock:
            self._queued += size
            full = self._queued > self._high_water
        self._writer.submit(functools.partial(self._written_back, size))
        return full

    async def room(self) -> None:
        with self._lock:
            if self._queued <= self._high_water // 2:
                return
            room = self._room = self._loop.create_future()
        await room
        self._raise_error()

    async def finish(self, *, sync: bool) -> None:
        if sync and self._spliced:
            await self._finish_spliced()
            return
        self._writer.submit(functools.partial(self._flush_now, close=not sync))
        try:
            await _shielded(self._flushed)
        except asyncio.CancelledError:
            with contextlib.suppress(OSError):  # flushed: the writer is done with it
                self._file.close()
            raise
        self._raise_error()
        if sync:
            # On a thread of its own: the shared writer goes on with the other downloads.
            # Early writeback left at most two steps for this fsync to wait for.
            await super().finish(sync=True)

    async def _finish_spliced(self) -> None:
        # Every byte is in the file already (put_spliced wrote it on this thread); the writer
        # holds only writeback steps, maybe behind other files' waits for the disk. The fsync
        # need not wait for them: it writes whatever they have not. The writer closes the file
        # once past them (renaming an open file is fine where splice exists: Linux).
        self._raise_error()
        close = functools.partial(self._flush_now, close=True)
        try:
            await asyncio.to_thread(os.fsync, self._file.fileno())
        except asyncio.CancelledError:
            self._writer.submit(close)
            await _shielded(self._flushed)  # closed before anyone touches the part
            raise
        except OSError as exc:
            self._writer.submit(close)
            raise write_error(exc, self._folder) from exc
        self._writer.submit(close)

    async def abandon(self) -> None:
        # Queued chunks are still written: they are good bytes, and a resume starts after them.
        # Waiting lets a retry see the part's final size; if we are cancelled once more while
        # waiting, the writer still gets to the close on its own.
        self._writer.submit(functools.partial(self._flush_now, close=True))
        await _shielded(self._flushed)

    def _raise_error(self) -> None:
        if self._error is not None:
            raise write_error(self._error, self._folder) from self._error

    def _write_now(self, data: bytes) -> None:  # on the writer thread
        if self._error is None and not self._closed:
            try:
                self._file.write(data)
                self._writeback.wrote(len(data))
            except OSError as exc:
                self._error = exc
        self._written(len(data))

    def _flush_for_splicing(self, done: asyncio.Future[None]) -> None:  # on the writer thread
        try:
            if self._error is None and not self._closed:
                self._file.flush()
        except OSError as exc:
            self._error = exc
        finally:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(_resolve, done)

    def _written_back(self, size: int) -> None:  # on the writer thread
        if self._error is None and not self._closed:
            self._writeback.wrote(size)  # a hint: never raises
        self._written(size)

    def _written(self, size: int) -> None:  # on the writer thread
        with self._lock:
            self._queued -= size
            room = self._room
            if room is not None and self._queued <= self._high_water // 2:
                self._room = None
            else:
                room = None
        if room is not None:
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                self._loop.call_soon_threadsafe(_resolve, room)

    def _flush_now(self, *, close: bool) -> None:  # on the writer thread
        try:
            if self._error is None and not self._closed:
                self._file.flush()
        except OSError as exc:
            self._error = exc
        finally:
            if close or self._error is not None:
                self._closed = True
                with contextlib.suppress(OSError):
                    self._file.close()
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(_resolve, self._flushed)


async def _shielded(future: asyncio.Future[None]) -> None:
    """Wait for ``future`` (resolved by the writer thread) even when cancelled meanwhile.

    The part file must be flushed or closed before anyone touches it; the cancellation is
    passed on once it is.
    """
    cancelled = False
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _splice_all(pipe: int, file: BinaryIO, size: int) -> None:
    """Move ``size`` bytes waiting in ``pipe`` to the end of ``file``.

    A file of the OS gets them by ``splice(2)``, after what was written through it before;
    any other file object (a wrapper) through its ``write``.
    """
    if type(file) not in _OS_FILES:
        while size > 0:
            data = os.read(pipe, min(size, 1 << 20))
            if not data:
                raise OSError(errno.EIO, "the pipe ran dry before the file got its bytes")
            file.write(data)
            size -= len(data)
        return
    file.flush()  # whatever went through write() first goes first
    fd = file.fileno()
    while size > 0:
        moved = os.splice(pipe, fd, size)
        if moved <= 0:
            raise OSError(errno.EIO, "the pipe ran dry before the file got its bytes")
        size -= moved


def open_sink(part: Path, start: int, folder: Path, in_thread: bool, read_size: int) -> Sink:
    """Open ``part`` for writing at ``start`` (cut to that size; a new file for 0)."""
    file: BinaryIO
    try:
        if start:
            file = open(part, "r+b")  # noqa: SIM115 - the sink owns and closes it
            try:
                file.truncate(start)
                file.seek(start)
            except BaseException:
                file.close()
                raise
        else:
            file = open(part, "wb")  # noqa: SIM115 - the sink owns and closes it
    except OSError as exc:
        raise write_error(exc, folder) from exc
    if in_thread:
        return ThreadSink(file, folder, high_water=read_size // 2, start=start)
    return Sink(file, folder, start)


def _flush_and_close(file: BinaryIO, sync: bool) -> None:
    try:
        file.flush()
        if sync:
            os.fsync(file.fileno())
    finally:
        file.close()


def finalize(part: Path, destination: Path, sync_part: bool) -> None:
    """Move ``part`` into place: fsync it first (unless the sink did), then rename it, then
    make the rename durable by syncing the folder."""
    folder = destination.parent
    try:
        if sync_part:
            with open(part, "r+b") as file:
                os.fsync(file.fileno())
        os.replace(part, destination)
    except OSError as exc:
        raise write_error(exc, folder) from exc
    fsync_folder(folder)


def prepare_part(part: Path, expected_size: int | None, discard: bool = False) -> int:
    """Create the folder and return how many bytes of the part file can be reused.

    With ``discard`` an existing part file is deleted, and -1 says that it was.
    """
    folder = part.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            size = part.stat().st_size
        except FileNotFoundError:
            return 0
        if discard:
            part.unlink()
            return -1
        if expected_size is not None and size > expected_size:
            # Longer than the whole file: it cannot be the start of it.
            part.unlink()
            return 0
        return size
    except OSError as exc:
        raise write_error(exc, folder) from exc


def remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def write_error(exc: OSError, folder: Path) -> DownloadError:
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFullError(f"The disk is full: no free space left in {folder}.")
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "it is on a read-only file system",
        errno.ENOENT: "it does not exist (is the drive or network share connected?)",
        errno.ENOTDIR: "part of its path is not a folder",
        errno.EIO: "the drive reported an input/output error",
    }
    reason = reasons.get(code if code is not None else -1, exc.strerror or str(exc))
    return LibraryWriteError(
        f"Cannot write to the library folder {folder}: {reason}.", folder=folder
    )


def check_free_space(folder: Path, remaining: int | None, min_free_disk: int) -> None:
    """Refuse a download the disk of ``folder`` has no room for (``remaining`` bytes to come,
    and ``min_free_disk`` that must stay free)."""
    needed = max(0, remaining or 0) + min_free_disk
    if needed <= 0:
        return
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        # We cannot tell; a real shortage still shows up as ENOSPC while writing.
        return
    if free < needed:
        raise DiskFullError(
            f"The disk is full: {folder} has {human_size(free)} free, but this download "
            f"needs {human_size(max(0, remaining or 0))} and {human_size(min_free_disk)} "
            "must stay free."
        )


async def discard_parts(parts: list[Path]) -> None:
    """Delete part files in a worker thread: deleting a big file waits for the file system
    (2 GiB took 1.4 s on an ext4 mounted with ``discard``), which would freeze the window."""
    if parts:
        await asyncio.to_thread(unlink_all, parts)


def unlink_all(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def finished_earlier(destination: Path, part: Path, size: int) -> bool:
    """Whether ``destination`` is the finished download of an item that had begun.

    The engine moves a part file into place only once it is complete and on disk; so when the
    part is gone and a file of the item's size stands in its place, a run finished it and was
    stopped (killed, the power gone) before the queue recorded it. Fetching it again would
    cost the whole file.
    """
    try:
        return not part.exists() and destination.stat().st_size == size
    except OSError:
        return False
