"""A paced media server for the crash soak, and an honest count of what a killed client had read.

:class:`SoakServer` serves in-memory files under ``/media/NAME`` with real Range/206/416
handling, paced per connection so that kills land in the middle of transfers. It records every
request: the ``Range`` start, the body bytes it handed to the connection, and the process
generation (which run of the client) it belongs to.

What the server sent is not what the client received: the kernel's socket buffers on both
sides hold bytes that the client process never read, and a SIGKILL loses those without the
client being at fault. :meth:`SoakServer.client_reads` therefore asks the kernel, for each
connection, how many bytes the client acknowledged (``TCP_INFO.tcpi_bytes_acked`` on our side)
minus how many still wait unread in the client's receive queue (``/proc/net/tcp``): what is
left is exactly what the client process took out of its socket. Call it with the client
stopped (SIGSTOP) and the server on :meth:`SoakServer.hold`, then kill the client: the bytes
it had read but not written to its file are what a resume must fetch again.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import socket
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

__all__ = ["SoakRequest", "SoakServer", "make_payload", "tcp_measurement_available"]

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d+)\s*-\s*(\d*)\s*$", re.IGNORECASE)
# struct tcp_info (linux/tcp.h): tcpi_unacked is a u32 at byte 24, tcpi_bytes_acked a u64 at 120.
_TCP_INFO_LEN = 232
_UNACKED = struct.Struct("=I")
_BYTES_ACKED = struct.Struct("=Q")
_SETTLE_ROUNDS = 250  # 5 s at 20 ms: the client is stopped, so the kernel settles in a few ms


def make_payload(size: int, seed: int) -> bytes:
    """Return ``size`` deterministic pseudo-random bytes (incompressible, like video)."""
    return random.Random(seed).randbytes(size)


def tcp_measurement_available() -> bool:
    """Whether this kernel tells us what a peer read (Linux with ``TCP_INFO`` and /proc)."""
    if not hasattr(socket, "TCP_INFO"):
        return False
    try:
        with open("/proc/net/tcp", encoding="ascii") as table:
            table.readline()
    except OSError:
        return False
    with socket.socket() as probe:
        try:
            return len(probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_LEN)) >= 128
        except OSError:
            return False


@dataclass(eq=False)
class SoakRequest:
    """One request the server answered.

    Attributes:
        name: The file asked for.
        method: GET or HEAD.
        generation: The client run it belongs to (:attr:`SoakServer.generation` at arrival).
        start: First byte asked for (the ``Range`` start; 0 without a Range header).
        ranged: Whether it carried a ``Range`` header.
        status: Status answered.
        body_sent: Body bytes handed to the connection.
        header_bytes: Size of the response head, known once the first body bytes went out.
        finished: The whole answer was handed to the connection.
        peer_port: The client's end of the connection.
        output: Bytes of the answer (head and body) handed to the connection so far.
        socket: Our end of the connection, for ``TCP_INFO``.
        connection: The transport it came on: a kept-alive connection carries several
            requests one after the other, and the kernel counts their bytes together.
    """

    name: str
    method: str
    generation: int
    start: int
    ranged: bool
    status: int = 0
    body_sent: int = 0
    header_bytes: int | None = None
    finished: bool = False
    peer_port: int = 0
    output: int = 0
    socket: Any = field(default=None, repr=False)
    connection: Any = field(default=None, repr=False)


class SoakServer:
    """An aiohttp server on 127.0.0.1 that serves payloads at ``rate`` bytes/s per connection.

    Attributes:
        generation: Stamped on every request; the soak bumps it at each restart of the client.
        requests: Every request seen, in arrival order.
    """

    def __init__(self, *, rate: int, chunk_size: int = 32 * 1024) -> None:
        self.rate = rate
        self.chunk_size = chunk_size
        self.generation = 0
        self.requests: list[SoakRequest] = []
        self._payloads: dict[str, bytes] = {}
        self._open = asyncio.Event()
        self._open.set()
        self._progress = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    @property
    def port(self) -> int:
        return self._port

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self._port}/media/{name}"

    def add_payload(self, name: str, size: int, seed: int) -> bytes:
        data = make_payload(size, seed)
        self._payloads[name] = data
        return data

    async def __aenter__(self) -> SoakServer:
        app = web.Application()
        app.router.add_route("*", "/media/{name}", self._media)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    # ----------------------------------------------------------------- what the soak asks

    def downloads(self, generation: int | None = None) -> list[SoakRequest]:
        """GET requests that sent a body, of one generation or all."""
        return [
            r
            for r in self.requests
            if r.method == "GET"
            and r.status in (200, 206)
            and (generation is None or r.generation == generation)
        ]

    def body_bytes(self, generation: int) -> int:
        """Body bytes handed out to the clients of ``generation``."""
        return sum(r.body_sent for r in self.downloads(generation))

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once ``condition()`` holds; it is checked after every body write."""
        while not condition():
            self._progress.clear()
            await self._progress.wait()

    def hold(self) -> None:
        """Stop writing bodies (each handler waits before its next write)."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def client_reads(self, requests: Iterable[SoakRequest]) -> dict[int, int]:
        """Body bytes the client process had read from each request's connection, by ``id``.

        Only meaningful with the client stopped and the server on :meth:`hold`: then nothing
        moves but acknowledgements, and the figures settle within milliseconds. A connection
        already closed counts as fully read (the figure can only be too high, never too low).
        """
        wanted = list(requests)
        previous: dict[int, int] | None = None
        for _ in range(_SETTLE_ROUNDS):
            current, in_flight = self._read_once(wanted)
            if not in_flight and current == previous:
                return current
            previous = current
            await asyncio.sleep(0.02)
        raise AssertionError("the connections to the stopped client did not settle")

    def _read_once(self, requests: list[SoakRequest]) -> tuple[dict[int, int], bool]:
        queues = _receive_queues()
        reads: dict[int, int] = {}
        in_flight = False
        for request in requests:
            info = _tcp_info(request.socket)
            if info is None or request.header_bytes is None:
                # Closed (counted as all read), or no body byte left yet (nothing read).
                reads[id(request)] = request.body_sent if info is None else 0
                continue
            unacked, acked = info
            unread = queues.get((request.peer_port, self._port))
            # Not listed: the table is read a page at a time while other processes open and
            # close sockets, which can shift an entry past us; or the client closed it, and
            # our end will notice shortly. Either way, look again.
            in_flight = in_flight or unacked > 0 or unread is None
            body = acked - (unread or 0) - self._earlier_output(request) - request.header_bytes
            reads[id(request)] = min(max(body, 0), request.body_sent)
        return reads, in_flight

    def _earlier_output(self, request: SoakRequest) -> int:
        """Bytes of the answers that went before ``request`` on its connection."""
        earlier = 0
        for other in self.requests:
            if other is request:
                return earlier
            if other.connection is request.connection:
                earlier += other.output
        raise AssertionError("the request is not in the log")

    # ----------------------------------------------------------------- serving

    async def _media(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        wanted = request.headers.get("Range")
        match = _RANGE.match(wanted) if wanted is not None else None
        record = SoakRequest(
            name=name,
            method=request.method,
            generation=self.generation,
            start=int(match.group(1)) if match else 0,
            ranged=wanted is not None,
            connection=request.transport,
        )
        self.requests.append(record)
        try:
            return await self._answer(request, record, wanted, match)
        finally:
            # Every answer is complete here (see _answer), so its size on the wire is known.
            record.output = request.writer.output_size

    async def _answer(
        self,
        request: web.Request,
        record: SoakRequest,
        wanted: str | None,
        match: re.Match[str] | None,
    ) -> web.StreamResponse:
        # Every answer is streamed and ended here, never left for aiohttp to send after the
        # handler: the bytes of each one must be known (see SoakRequest.connection).
        data = self._payloads.get(record.name)
        size = len(data) if data is not None else 0
        start, end = 0, size
        status = 200
        if data is None:
            status = 404
        elif wanted is not None:
            if match is None or int(match.group(1)) >= size:
                status = 416
            else:
                start = int(match.group(1))
                if match.group(2):
                    end = min(int(match.group(2)) + 1, size)
                status = 206
        record.status = status
        response = web.StreamResponse(status=status)
        if status == 404 or status == 416:
            if status == 416:
                response.headers["Content-Range"] = f"bytes */{size}"
            response.content_length = 0
            await response.prepare(request)
            await response.write_eof()
            return response
        assert data is not None
        response.content_type = "video/x-matroska"
        response.headers["Accept-Ranges"] = "bytes"
        if status == 206:
            response.headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        response.content_length = end - start
        await response.prepare(request)
        transport = request.transport
        if request.method == "GET" and transport is not None:
            record.socket = transport.get_extra_info("socket")
            record.peer_port = int(transport.get_extra_info("peername")[1])
            await self._send(request, response, record, data, start, end)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await response.write_eof()
        return response

    async def _send(
        self,
        request: web.Request,
        response: web.StreamResponse,
        record: SoakRequest,
        data: bytes,
        start: int,
        end: int,
    ) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        position = start
        while position < end:
            if not self._open.is_set():
                await self._open.wait()
                began = loop.time() - record.body_sent / self.rate  # no burst to catch up
            piece = data[position : min(position + self.chunk_size, end)]
            try:
                await response.write(piece)
            except (ConnectionError, RuntimeError):
                return  # the client is gone (killed)
            record.body_sent += len(piece)
            if record.header_bytes is None:
                # The head goes out together with the first body bytes.
                record.header_bytes = request.writer.output_size - record.body_sent
            position += len(piece)
            self._progress.set()
            delay = began + record.body_sent / self.rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        record.finished = True


def _tcp_info(sock: Any) -> tuple[int, int] | None:
    """(segments not yet acknowledged, bytes acknowledged) of our side of a connection."""
    if sock is None:
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _TCP_INFO_LEN)
    except (OSError, ValueError):
        return None  # closed
    (unacked,) = _UNACKED.unpack_from(raw, 24)
    (acked,) = _BYTES_ACKED.unpack_from(raw, 120)
    return int(unacked), int(acked)


def _receive_queues() -> dict[tuple[int, int], int]:
    """Unread bytes in each loopback TCP socket's receive queue, by (local, remote) port."""
    queues: dict[tuple[int, int], int] = {}
    with open("/proc/net/tcp", encoding="ascii") as table:
        next(table)
        for line in table:
            fields = line.split()
            local, remote, queue = fields[1], fields[2], fields[4]
            if not (local.startswith("0100007F:") and remote.startswith("0100007F:")):
                continue
            unread = int(queue.split(":")[1], 16)
            queues[(int(local[9:], 16), int(remote[9:], 16))] = unread
    return queues
