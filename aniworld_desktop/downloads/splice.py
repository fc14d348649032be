"""Zero-copy bodies: socket -> pipe -> part file with ``splice(2)``, on Linux, for plain HTTP.

Read through aiohttp, every byte of a download is copied from the kernel into a Python
``bytes``, through aiohttp's parser into its buffer, out of it into ours, and back into the
kernel by the write: per GiB about half a CPU-second of Python and a copy the kernel pays too
(issue 17). Once aiohttp has parsed the answer's head, the rest of a body of known length is
nothing but bytes on a socket, and ``splice(2)`` moves them into a pipe (no copy: the pipe takes
the socket's pages) and from the pipe into the file (one copy, into the page cache), with no
Python in between.

:class:`SpliceBody` takes over a response's connection only through public interfaces: aiohttp's
``ClientResponse.connection`` (its protocol's ``pause_reading``, which aiohttp's own flow control
uses) and ``StreamReader.read_nowait`` (what aiohttp already holds of the body), asyncio's
``Transport.get_extra_info("socket")`` and ``loop.add_reader`` on a duplicate of the socket's
descriptor. The transport stays paused from then on, so aiohttp never sees another byte, and the
connection is closed afterwards, never reused (:meth:`SpliceBody.close`). Anything else - TLS
(the bytes on the socket are encrypted), a body without ``Content-Length`` (chunked), not Linux,
a loop without ``add_reader``, a pipe that cannot be made big enough - keeps the normal path
(:func:`splice_body` returns None).

The engine keeps every rule of its copying loop: it asks for a piece at a time (so the speed
limit, the stall watchdog and cancelling work as before), and the sink moves each piece from the
pipe into the file at once, on the reading thread (``Sink.put_spliced``; a page-cache write, as
cheap as the copy into Python it replaces), so the pipe is empty before the next piece and a
crash loses at most the piece in it (1 MiB), within the one read the crash soak allows. The
writer thread still writes the file back early and holds the reading back when the disk is
slower than the network. Waiting for the socket is an ordinary awaited future, so a cancel
(pause, stop, the watchdog) interrupts it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import sys

import aiohttp

__all__ = ["PIPE_SIZE", "SpliceBody", "splice_available", "splice_body"]

PIPE_SIZE = 1 << 20
"""Bytes the pipe between socket and file holds (Linux's default cap for ``F_SETPIPE_SZ``)."""
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
_NONBLOCK = getattr(os, "SPLICE_F_NONBLOCK", 2)
_MOVE = getattr(os, "SPLICE_F_MOVE", 1)


def splice_available() -> bool:
    """Whether this system can splice a socket into a file (Linux, Python 3.10+)."""
    return sys.platform.startswith("linux") and hasattr(os, "splice")


class SpliceBody:
    """The rest of one response's body, spliced off its socket into a pipe piece by piece.

    Made by :func:`splice_body`. :meth:`receive` moves up to ``size`` bytes from the socket into
    :attr:`pipe_read` and returns how many; the sink then moves them into the file. Always
    :meth:`close` it, after the sink is done with the pipe.
    """

    def __init__(
        self, response: aiohttp.ClientResponse, socket_fd: int, pipe: tuple[int, int], left: int
    ) -> None:
        self._response = response
        self._loop = asyncio.get_running_loop()
        self._fd = socket_fd  # our duplicate of the connection's socket
        self.pipe_read, self._pipe_write = pipe
        self._left = left  # body bytes still on the socket
        self._readable: asyncio.Future[None] | None = None
        self._watching = False

    @property
    def left(self) -> int:
        """Body bytes not yet received."""
        return self._left

    async def receive(self, size: int) -> int:
        """Move up to ``size`` bytes (at most what the pipe has room for) into the pipe.

        Returns 0 once the whole body is received. Raises ``aiohttp.ClientPayloadError`` when the
        server closes or resets the connection before the end, as aiohttp's own reads do.
        """
        size = min(size, self._left)
        if size <= 0:
            return 0
        while True:
            try:
                moved = os.splice(self._fd, self._pipe_write, size, flags=_MOVE | _NONBLOCK)
            except BlockingIOError:
                await self._wait_readable()
                continue
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                if exc.errno in (errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED):
                    raise aiohttp.ClientPayloadError(
                        f"the connection was reset with {self._left} bytes of the body to come"
                    ) from exc
                raise
            if moved == 0:
                raise aiohttp.ClientPayloadError(
                    f"the connection closed with {self._left} bytes of the body to come"
                )
            self._left -= moved
            return moved

    async def _wait_readable(self) -> None:
        future = self._readable = self._loop.create_future()
        if not self._watching:
            self._loop.add_reader(self._fd, self._on_readable)
            self._watching = True
        try:
            await future
        finally:
            self._readable = None

    def _on_readable(self) -> None:
        future = self._readable
        if future is None or future.done():
            # Nobody waits (the engine is writing or held by the speed limit): stop watching,
            # or the loop would spin on a socket that stays readable.
            self._stop_watching()
            return
        future.set_result(None)

    def _stop_watching(self) -> None:
        if self._watching:
            self._watching = False
            with contextlib.suppress(Exception):  # the loop may be closed by now
                self._loop.remove_reader(self._fd)

    def close(self) -> None:
        """Close the pipe and the connection (it is never reused: aiohttp has lost its place)."""
        self._stop_watching()
        for fd in (self._fd, self.pipe_read, self._pipe_write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fd = self.pipe_read = self._pipe_write = -1
        self._response.close()


def splice_body(response: aiohttp.ClientResponse, consumed: int) -> tuple[SpliceBody, bytes] | None:
    """Take the rest of ``response``'s body off aiohttp, or None to keep reading through it.

    ``consumed`` is how many body bytes the caller has read through aiohttp so far. Returns the
    body's source and what aiohttp had already received of it (to be written first). Call it
    between two reads, synchronously: nothing may run on the loop between aiohttp's buffer being
    emptied and its transport being paused.
    """
    if not splice_available():
        return None
    length = response.content_length
    connection = response.connection
    if length is None or connection is None or response.headers.get("Transfer-Encoding"):
        return None
    transport = connection.transport
    protocol = connection.protocol
    content = response.content
    if (
        transport is None
        or protocol is None
        or transport.is_closing()
        or content.is_eof()
        or content.exception() is not None
    ):
        return None
    if transport.get_extra_info("sslcontext") is not None:
        return None  # TLS: the socket carries ciphertext
    if transport.get_extra_info("ssl_object") is not None:
        return None
    sock = transport.get_extra_info("socket")
    if sock is None:
        return None
    loop = asyncio.get_running_loop()
    try:
        fd = os.dup(sock.fileno())
    except OSError:
        return None
    try:
        pipe = os.pipe2(os.O_CLOEXEC)
    except OSError:
        os.close(fd)
        return None
    try:
        fcntl.fcntl(pipe[1], _F_SETPIPE_SZ, PIPE_SIZE)
        # Not every loop can watch a descriptor (the probe costs two system calls).
        loop.add_reader(fd, _nothing)
        loop.remove_reader(fd)
    except (OSError, NotImplementedError, RuntimeError, ValueError):
        for each in (fd, *pipe):
            os.close(each)
        return None
    # What aiohttp holds of the body; the rest is still on the socket.
    buffered = content.read_nowait()
    protocol.pause_reading()  # for good: from here on the socket is ours
    left = length - consumed - len(buffered)
    return SpliceBody(response, fd, pipe, left), buffered


def _nothing() -> None:
    pass
