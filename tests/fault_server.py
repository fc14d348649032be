"""A real HTTP server that serves files from a folder and misbehaves on request.

Download tests point a real client at it; the faults are chosen per URL, so one server can
serve a whole test module::

    async with FaultServer(tmp_path) as server:
        data = server.add_payload("ep.mkv", 4 << 20)
        url = server.url("ep.mkv", fault="reset", after=1 << 20)

``GET /media/NAME`` serves ``ROOT/NAME`` with real Range/206/416 handling. Query parameters:

* ``fault=reset&after=N``: send N body bytes, then reset the connection (RST).
* ``fault=short&after=N``: announce the full Content-Length, send N bytes, close cleanly.
* ``fault=stall&after=N[&seconds=S]``: send N bytes, then nothing for S seconds (default: until
  the client gives up or the server closes), then the rest.
* ``fault=status&code=C``: answer status C with a short text body.
* ``fault=retry_after&code=C&seconds=S`` (or ``&date=1`` for an HTTP-date): status C with
  ``Retry-After``.
* ``fault=html[&ctype=T]``: a web page instead of the file (Content-Type T, default text/html).
* ``fault=ignore_range``: always 200 with the whole file, whatever Range says.
* ``fault=wrong_range``: a 206 whose Content-Range starts at 0 whatever was asked.
* ``fault=chunked``: the file with chunked encoding and no Content-Length.
* ``fault=pieces&piece=N``: every answer is a 206 of at most N bytes from the asked start,
  as some CDNs do for open-ended ranges (applies to every request, ``times`` is ignored).
* ``fault=redirect_loop``: redirect to itself, forever.
* ``fault=drip[&every=S]``: one body byte every S seconds (default 1), a server that crawls
  without ever stalling (applies to every request, ``times`` is ignored).
* ``validators=etag|modified|both|none``: send a strong ``ETag`` (a hash of the file's bytes),
  ``Last-Modified`` (the file's time), both or none, and honour ``If-Range`` with them: a
  Range whose If-Range no longer matches gets the whole file with 200, as RFC 9110 says.
  Without this parameter the fast path answers (aiohttp's, which sends both validators).
* ``if_range=ignore``: with ``validators``, answer a Range with 206 whatever If-Range says,
  as servers that do not know If-Range do.
* ``delay=S``: wait S seconds before answering at all (headers included); not a fault, so it
  applies to every request.
* ``times=K``: the fault applies to the first K requests of this exact URL (default 1); later
  ones are served normally, as a recovering server would.
* ``rate=B``: pace the body at B bytes/second (overrides the server's default ``rate``).

Every request is recorded in :attr:`FaultServer.requests` (and, when ``log_path`` is given, as
one JSON line per request with method, path, query, range and status, written as its response
headers go out). ``bytes_sent`` is counted only for bodies streamed by the server itself (faults
and paced bodies), not for the sendfile fast path.

As a pytest fixture::

    @pytest.fixture
    async def server(tmp_path):
        async with FaultServer(tmp_path / "served") as running:
            yield running

Standalone, for subprocess tests and benchmarks::

    python tests/fault_server.py --root DIR --port 0 [--rate BYTES_PER_SEC] [--log FILE]

prints the port as the first line of stdout and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import email.utils
import fcntl
import hashlib
import json
import random
import re
import signal
import socket
import struct
import sys
import termios
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO
from urllib.parse import quote, urlencode

from aiohttp import web

__all__ = ["FaultServer", "RecordedRequest", "make_payload"]

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
_HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
    b"<body><p>Please enable JavaScript to watch this video.</p></body></html>\n"
)


def make_payload(size: int, seed: int = 0) -> bytes:
    """Return ``size`` deterministic pseudo-random bytes (incompressible, like video)."""
    return random.Random(seed).randbytes(size)


@dataclass
class RecordedRequest:
    """One request the server saw.

    Attributes:
        method: HTTP method.
        path: URL path, e.g. ``/media/ep.mkv``.
        query: Query parameters.
        range: The Range header, or None.
        status: Status code sent, None if the handler never got to answer.
        bytes_sent: Body bytes handed to the connection.
        headers: All request headers.
    """

    method: str
    path: str
    query: dict[str, str]
    range: str | None
    status: int | None = None
    bytes_sent: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The file name the request asked for."""
        return self.path.removeprefix("/media/")


_RECORD = web.RequestKey("fault_server.record", RecordedRequest)


class FaultServer:
    """An aiohttp server on 127.0.0.1 serving ``root`` with injectable faults."""

    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate: int = 0,
        log_path: Path | None = None,
        chunk_size: int = 64 * 1024,
    ) -> None:
        """Configure the server; nothing listens before :meth:`start`.

        Args:
            root: Folder whose files are served under ``/media/``.
            host: Address to bind.
            port: Port to bind; 0 picks a free one.
            rate: Default pacing in bytes/second for every body; 0 = as fast as possible.
            log_path: Append one JSON line per request to this file.
            chunk_size: Largest write when streaming a body ourselves.
        """
        self.root = Path(root)
        self.host = host
        self.rate = rate
        self.requests: list[RecordedRequest] = []
        self._port = port
        self._log_path = log_path
        self._log: IO[str] | None = None
        self._chunk_size = chunk_size
        self._fault_counts: collections.Counter[str] = collections.Counter()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port the server listens on."""
        if self._runner is None:
            raise RuntimeError("the server is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    def url(self, name: str, **query: object) -> str:
        """Return the URL of file ``name`` with the given fault parameters."""
        text = f"{self.base_url}/media/{quote(name)}"
        if query:
            text += "?" + urlencode({k: str(v) for k, v in query.items()})
        return text

    def add_file(self, name: str, data: bytes) -> Path:
        """Write ``data`` as ``root/name`` and return its path."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def add_payload(self, name: str, size: int, seed: int = 0) -> bytes:
        """Serve ``size`` deterministic bytes as ``name`` and return them."""
        data = make_payload(size, seed)
        self.add_file(name, data)
        return data

    def requests_for(self, name: str) -> list[RecordedRequest]:
        """Requests for file ``name``, in order."""
        return [r for r in self.requests if r.name == name]

    def ranges_for(self, name: str) -> list[str | None]:
        """The Range header of each request for ``name``, in order."""
        return [r.range for r in self.requests_for(name)]

    async def start(self) -> FaultServer:
        """Start listening."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self._log_path is not None:
            self._log = _open_log(self._log_path)
        app = web.Application(middlewares=[self._record_middleware])
        app.router.add_route("*", "/media/{name:.+}", self._media)
        app.on_response_prepare.append(self._on_response_prepare)
        # Handlers still streaming when we close are cut off, not waited for.
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port)
        await site.start()
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        return self

    async def close(self) -> None:
        """Stop listening and end every open response."""
        self._closing.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._log is not None:
            self._log.close()
            self._log = None

    async def __aenter__(self) -> FaultServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @web.middleware
    async def _record_middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            range=request.headers.get("Range"),
            headers=dict(request.headers),
        )
        self.requests.append(record)
        request[_RECORD] = record
        return await handler(request)

    async def _on_response_prepare(
        self, request: web.Request, response: web.StreamResponse
    ) -> None:
        # Headers are about to leave: the status is final, and a test that kills the client
        # mid-body already finds the request in the log.
        record: RecordedRequest | None = request.get(_RECORD)
        if record is None:
            return
        record.status = response.status
        if self._log is None:
            return
        line = {
            "method": record.method,
            "path": record.path,
            "query": record.query,
            "range": record.range,
            "status": record.status,
            "time": time.time(),
        }
        self._log.write(json.dumps(line) + "\n")
        self._log.flush()

    async def _media(self, request: web.Request) -> web.StreamResponse:
        record: RecordedRequest = request[_RECORD]
        query = request.query
        fault = query.get("fault")
        if "delay" in query:
            await self._stall(request, float(query["delay"]))
        if fault == "redirect_loop":
            raise web.HTTPFound(location=request.path_qs)
        if fault is not None and fault not in ("pieces", "drip"):
            times = int(query.get("times", "1"))
            key = request.path_qs
            if self._fault_counts[key] < times:
                self._fault_counts[key] += 1
            else:
                fault = None
        path, size = self._resolve(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound(text="No such file.\n")
        if fault == "status":
            code = int(query.get("code", "500"))
            return web.Response(status=code, text=f"Fault: status {code}.\n")
        if fault == "retry_after":
            code = int(query.get("code", "503"))
            seconds = int(query.get("seconds", "1"))
            value = (
                email.utils.formatdate(time.time() + seconds, usegmt=True)
                if query.get("date")
                else str(seconds)
            )
            return web.Response(
                status=code, text=f"Fault: status {code}.\n", headers={"Retry-After": value}
            )
        if fault == "html":
            return web.Response(
                status=200,
                body=_HTML_PAGE,
                headers={"Content-Type": query.get("ctype", "text/html; charset=utf-8")},
            )
        rate = int(query.get("rate", str(self.rate)))
        if fault is None and rate == 0 and "validators" not in query:
            # The fast path: sendfile, with aiohttp's own Range handling.
            return web.FileResponse(path, chunk_size=256 * 1024)
        return await self._stream(request, record, path, size, fault, rate)

    def _resolve(self, name: str) -> tuple[Path | None, int]:
        root = self.root.resolve()
        path = (root / name).resolve()
        if root not in path.parents or not path.is_file():
            return None, 0
        return path, path.stat().st_size

    async def _stream(
        self,
        request: web.Request,
        record: RecordedRequest,
        path: Path,
        size: int,
        fault: str | None,
        rate: int,
    ) -> web.StreamResponse:
        query = request.query
        start, end, status = 0, size - 1, 200
        wanted = request.headers.get("Range")
        validators = _validators(path, query.get("validators", "none"))
        condition = request.headers.get("If-Range")
        if (
            wanted is not None
            and condition is not None
            and query.get("if_range") != "ignore"
            and condition not in validators.values()
        ):
            wanted = None  # the file changed since the client's copy began: all of it
        if wanted is not None and fault != "ignore_range":
            parsed = _parse_range(wanted, size)
            if parsed is None:
                return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
            start, end = parsed
            status = 206
        if fault == "wrong_range":
            start, end, status = 0, size - 1, 206
        if fault == "pieces":
            end = min(end, start + int(query.get("piece", "65536")) - 1)
            status = 206
        response = web.StreamResponse(status=status)
        response.content_type = query.get("ctype", "application/octet-stream")
        response.headers["Accept-Ranges"] = "bytes"
        response.headers.update(validators)
        if status == 206:
            response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        if fault == "chunked":
            response.enable_chunked_encoding()
        else:
            response.content_length = end - start + 1
        await response.prepare(request)
        if request.method == "HEAD":
            return response
        after = int(query.get("after", str((end - start + 1) // 2)))
        loop = asyncio.get_running_loop()
        began = loop.time()
        sent = 0
        with _open_binary(path) as file:
            file.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                if self._closing.is_set():
                    _reset(request)
                    return response
                if fault in ("reset", "short", "stall") and sent >= after:
                    if fault == "stall":
                        await self._stall(request, float(query.get("seconds", "inf")))
                        fault = None
                        began = loop.time() - (sent / rate if rate else 0)
                        continue
                    await _drain(request)
                    if fault == "reset":
                        _reset(request)
                    elif request.transport is not None:
                        request.transport.close()
                    return response
                step = min(self._chunk_size, remaining)
                if fault in ("reset", "short", "stall"):
                    step = min(step, after - sent)
                if fault == "drip":
                    if sent:
                        await self._stall(request, float(query.get("every", "1")))
                        if request.transport is None or request.transport.is_closing():
                            return response
                    step = 1
                if rate:
                    step = min(step, max(1, rate // 20))
                data = file.read(step)
                if not data:
                    break
                try:
                    await response.write(data)
                except ConnectionError:
                    return response
                sent += len(data)
                record.bytes_sent = sent
                remaining -= len(data)
                if rate:
                    delay = began + sent / rate - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
        return response

    async def _stall(self, request: web.Request, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        # Polling lets the stall end as soon as the client hangs up or the server closes.
        while loop.time() < deadline and not self._closing.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                return
            await asyncio.sleep(min(0.05, max(0.0, deadline - loop.time())))


def _validators(path: Path, which: str) -> dict[str, str]:
    """The ETag and Last-Modified headers ``which`` asks for, of the file as it is now."""
    headers = {}
    if which in ("etag", "both"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
        headers["ETag"] = f'"{digest}"'
    if which in ("modified", "both"):
        headers["Last-Modified"] = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
    return headers


def _open_log(path: Path) -> IO[str]:
    return open(path, "a", encoding="utf-8")


def _open_binary(path: Path) -> IO[bytes]:
    # Test files are small and local; a blocking read is shorter than a thread hop.
    return open(path, "rb")


def _parse_range(value: str, size: int) -> tuple[int, int] | None:
    match = _RANGE.match(value)
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if not first:
        if not last or int(last) == 0:
            return None
        return max(0, size - int(last)), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return None
    return start, end


async def _drain(request: web.Request) -> None:
    """Wait until the client's kernel has acknowledged everything written so far.

    A reset discards whatever is still in our send queue, so without this wait the client
    would receive a random part of the promised bytes.
    """
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    while transport is not None and not transport.is_closing():
        if transport.get_write_buffer_size() == 0 and _unacknowledged(sock) == 0:
            return
        await asyncio.sleep(0.001)


def _unacknowledged(sock: socket.socket | None) -> int:
    """Bytes in the kernel send queue, not yet acknowledged by the peer (Linux; else 0)."""
    if sock is None or not hasattr(termios, "TIOCOUTQ"):
        return 0
    try:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    except OSError:
        return 0
    return int(struct.unpack("i", raw)[0])


def _reset(request: web.Request) -> None:
    """Abort the connection with a TCP RST, as a crashing proxy would."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _serve_forever(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = FaultServer(
        Path(args.root),
        host=args.host,
        port=args.port,
        rate=args.rate,
        log_path=Path(args.log) if args.log else None,
    )
    async with server:
        print(server.port, flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Run the server until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", required=True, help="folder whose files are served")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--rate", type=int, default=0, help="bytes/second per body; 0 = unpaced")
    parser.add_argument("--log", help="append one JSON line per request to this file")
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
