"""The download process: runs a :class:`DownloadEngine` for the window (``downloads/process.py``).

Started as ``python -m aniworld_desktop.downloads.worker FD NICE`` (or the bundle's own
executable with ``--download-worker FD NICE``) with one end of a socket pair as descriptor
``FD``. It raises its own nice value by ``NICE``, reads the engine's options from the first
message, and then runs what the window asks (messages of ``downloads/wire.py``):

* ``("start", id, request)``: download it; ``("progress", id, done, total)`` as it goes, and for
  a new part ``("new_part", id, validators)``, after which it waits for
  ``("part_stored", id, error)``; at the end ``("result", id, result)``, ``("error", id, fields)``
  or ``("cancelled", id)``;
* ``("cancel", id)``: cancel it; the answer comes once it has stopped (its part file closed);
* ``("limit", bytes_per_second)``: the speed limit of every download from now on (0: none).

Its log records go to the window as ``("log", name, level, text)``. When the window's end closes
(the window quit or died), it cancels every download, waits for them and exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from typing import Any

from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest, Validators
from aniworld_desktop.downloads.throttle import SpeedLimiter
from aniworld_desktop.downloads.wire import decode_error, encode_error, frame, read_message

log = logging.getLogger(__name__)


class _Forward(logging.Handler):
    """Log records to the window, which logs them as its own."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        super().__init__(logging.INFO)
        self._writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # the window may be gone; never fail a download
            self._writer.write(frame(("log", record.name, record.levelno, record.getMessage())))


class Worker:
    """What the process runs between its first message and the end of its input."""

    def __init__(self, engine: DownloadEngine, writer: asyncio.StreamWriter) -> None:
        self._engine = engine
        self._writer = writer
        self._tasks: dict[int, asyncio.Task[Any]] = {}
        self._stored: dict[int, asyncio.Future[None]] = {}

    def send(self, *message: Any) -> None:
        if not self._writer.is_closing():
            self._writer.write(frame(message))

    def start(self, job: int, request: DownloadRequest) -> None:
        task = asyncio.ensure_future(self._run(job, request))
        self._tasks[job] = task

    def cancel(self, job: int) -> None:
        task = self._tasks.get(job)
        if task is not None:
            task.cancel()

    def part_stored(self, job: int, error: tuple[Any, ...] | None) -> None:
        waiter = self._stored.pop(job, None)
        if waiter is not None and not waiter.done():
            if error is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(decode_error(error))

    async def _run(self, job: int, request: DownloadRequest) -> None:
        def progress(done: int, total: int | None) -> None:
            self.send("progress", job, done, total)

        async def new_part(validators: Validators) -> None:
            waiter = self._stored[job] = asyncio.get_running_loop().create_future()
            self.send("new_part", job, validators)
            try:
                await waiter
            finally:
                self._stored.pop(job, None)

        try:
            result = await self._engine.download(request, progress, new_part)
        except asyncio.CancelledError:
            self.send("cancelled", job)
        except Exception as exc:  # every failure goes to the window, typed
            self.send("error", job, encode_error(exc))
        else:
            self.send("result", job, result)
        finally:
            self._tasks.pop(job, None)

    async def stop(self) -> None:
        """Cancel every download and wait until each has stopped."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def serve(sock: socket.socket) -> None:
    reader, writer = await asyncio.open_unix_connection(sock=sock)
    handler = _Forward(writer)
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    try:
        first = await read_message(reader)
        if first is None or first[0] != "open":
            return
        options: dict[str, Any] = dict(first[1])
        limiter = SpeedLimiter(options.pop("speed_limit", 0))
        async with DownloadEngine(limiter=limiter, **options) as engine:
            worker = Worker(engine, writer)
            worker.send("ready")
            try:
                while (message := await read_message(reader)) is not None:
                    kind = message[0]
                    if kind == "start":
                        worker.start(message[1], message[2])
                    elif kind == "cancel":
                        worker.cancel(message[1])
                    elif kind == "limit":
                        engine.set_speed_limit(message[1])
                        log.debug("speed limit: %d bytes a second", message[1])
                    elif kind == "part_stored":
                        worker.part_stored(message[1], message[2])
            finally:
                await worker.stop()
                with contextlib.suppress(ConnectionError):
                    await writer.drain()
    finally:
        logging.getLogger().removeHandler(handler)
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def main(argv: list[str]) -> int:
    """``FD NICE``: the socket's descriptor and how many nice steps to go down."""
    fd, steps = int(argv[0]), int(argv[1]) if len(argv) > 1 else 0
    # Ctrl+C in the window's terminal reaches the whole process group: the window decides
    # when its downloads stop (it closes the socket, or dies, and this process stops cleanly).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if steps > 0:
        with contextlib.suppress(OSError):
            os.nice(steps)
    sock = socket.socket(fileno=fd)
    asyncio.run(serve(sock))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
