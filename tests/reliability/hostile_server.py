"""A raw HTTP server on 127.0.0.1 that answers the way a hostile or broken host does.

aiohttp's own server keeps its answers honest (a Content-Length it checks, a body it frames);
this one writes the bytes itself, so it can lie::

    async with HostileServer() as server:
        server.stream("/huge", b"x" * MIB, count=128)             # 128 MiB, no Content-Length
        server.stream("/liar", b"x" * MIB, count=128, announce=10)  # says 10 bytes, sends more
        server.gzip_bomb("/bomb.json", 256 * MIB)                 # a few hundred KiB on the wire
        server.redirect("/loop", "/loop")
        url = server.url("/huge")

One request per connection (``Connection: close``). Every request is recorded with its path and
headers; :meth:`HostileServer.hits` counts them per path. With an ``ssl`` context the server
speaks HTTPS, and ``url()`` says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl as ssl_module
import zlib
from dataclasses import dataclass, field
from types import TracebackType

__all__ = ["Answer", "HostileServer", "Seen"]

MIB = 1024 * 1024


@dataclass
class Answer:
    """How one path answers.

    Attributes:
        status: Status code.
        headers: Headers sent as given (no Content-Length unless listed here).
        block: The body is ``block`` repeated ``count`` times, never built as one object.
        count: How many times ``block`` is sent.
        chunked: Frame the body with chunked transfer encoding.
        times: Answer so this many times, then 404; None: always.
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    block: bytes = b""
    count: int = 1
    chunked: bool = False
    times: int | None = None


@dataclass
class Seen:
    """One request the server read: its path and headers (names in lower case)."""

    path: str
    headers: dict[str, str]


class HostileServer:
    """Serves the answers given with :meth:`add`, :meth:`stream`, :meth:`redirect` and
    :meth:`gzip_bomb`; 404 for the rest.

    Attributes:
        requests: Every request read, oldest first.
        bytes_sent: Body bytes handed to the connections, all requests together.
    """

    def __init__(self, ssl: ssl_module.SSLContext | None = None) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[Seen] = []
        self.bytes_sent = 0
        self._ssl = ssl
        self._server: asyncio.Server | None = None
        self._port = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    # --- what to answer ---------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/octet-stream",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve ``body`` with an honest Content-Length."""
        all_headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        all_headers.update(headers or {})
        self.answers[path] = Answer(status, all_headers, body, 1)

    def stream(
        self,
        path: str,
        block: bytes,
        count: int,
        *,
        content_type: str = "application/octet-stream",
        announce: int | None = None,
        chunked: bool = False,
    ) -> None:
        """Serve ``block`` ``count`` times: without a Content-Length (the end of the body is the
        end of the connection), chunked, or with ``announce`` as a Content-Length, true or not."""
        headers = {"Content-Type": content_type}
        if announce is not None:
            headers["Content-Length"] = str(announce)
        if chunked:
            headers["Transfer-Encoding"] = "chunked"
        self.answers[path] = Answer(200, headers, block, count, chunked)

    def redirect(
        self, path: str, location: str, status: int = 302, *, times: int | None = None
    ) -> None:
        """Answer ``status`` with ``Location: location`` (any text: a path, a URL, ``file:``);
        with ``times``, only that many times, and 404 after, so that a loop a client fails to
        stop still ends (the test then fails on the 404 rather than hanging)."""
        self.answers[path] = Answer(
            status, {"Location": location, "Content-Length": "0"}, times=times
        )

    def gzip_bomb(self, path: str, size: int, *, content_type: str = "application/json") -> int:
        """Serve ``size`` zero bytes gzip-compressed, with the honest (small) Content-Length of
        the compressed body; returns that length."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
        zeros = bytes(MIB)
        pieces = [compressor.compress(zeros) for _ in range(size // MIB)]
        pieces.append(compressor.compress(bytes(size % MIB)))
        pieces.append(compressor.flush())
        body = b"".join(pieces)
        self.add(path, body, content_type=content_type, headers={"Content-Encoding": "gzip"})
        return len(body)

    # --- where and what it saw --------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    def url(self, path: str) -> str:
        scheme = "https" if self._ssl is not None else "http"
        return f"{scheme}://127.0.0.1:{self._port}{path}"

    def hits(self, path: str) -> int:
        """How many requests asked for ``path``."""
        return sum(1 for seen in self.requests if seen.path == path)

    # --- life -------------------------------------------------------------------------------

    async def start(self) -> HostileServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._ssl)
        self._port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        # Cut off whatever is still being sent; the handlers then end on a ConnectionError.
        for writer in list(self._writers):
            writer.transport.abort()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        if server is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 5)

    async def __aenter__(self) -> HostileServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            await self._answer(reader, writer)
        except (
            ConnectionError,
            ssl_module.SSLError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            pass  # the client hung up, as it should past a cap or on a bad certificate
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        _method, target, _version = [*lines[0].split(" "), "", ""][:3]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        path = target.split("?", 1)[0]
        self.requests.append(Seen(path, headers))
        answer = self.answers.get(path)
        if answer is None or (answer.times is not None and self.hits(path) > answer.times):
            answer = Answer(
                404, {"Content-Type": "text/plain", "Content-Length": "9"}, b"not found"
            )
        status_line = f"HTTP/1.1 {answer.status} {_REASONS.get(answer.status, 'Whatever')}\r\n"
        header_lines = "".join(f"{k}: {v}\r\n" for k, v in answer.headers.items())
        writer.write(f"{status_line}{header_lines}Connection: close\r\n\r\n".encode("latin-1"))
        for _ in range(answer.count):
            if not answer.block:
                break
            if answer.chunked:
                writer.write(f"{len(answer.block):x}\r\n".encode() + answer.block + b"\r\n")
            else:
                writer.write(answer.block)
            self.bytes_sent += len(answer.block)
            await writer.drain()
        if answer.chunked:
            writer.write(b"0\r\n\r\n")
        await writer.drain()


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}
