"""A small aiohttp server on 127.0.0.1 that serves feeds the way real hosts do.

Each path is given its answer up front; every request is recorded with its headers::

    async with FeedServer() as server:
        server.add("/feed.xml", body, etag='"v1"', gzip=True)
        server.redirect("/old", "/feed.xml")
        url = server.url("/feed.xml")
"""

from __future__ import annotations

import asyncio
import gzip as gzip_module
from dataclasses import dataclass, field
from types import TracebackType

from aiohttp import web

__all__ = ["FeedServer", "Route"]


@dataclass
class Route:
    """How one path answers.

    Attributes:
        body: Response body, before compression.
        content_type: The Content-Type header.
        status: Status for a normal answer.
        etag: When set, sent as ETag, and a matching If-None-Match gets a 304.
        last_modified: When set, sent as Last-Modified, and an equal If-Modified-Since gets a 304.
        gzip: Compress the body and say so in Content-Encoding.
        chunked: Stream the body in 1 MiB chunks without a Content-Length.
        location: Redirect there with ``status`` instead of answering.
        hang: Never answer (until the server closes).
    """

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    chunked: bool = False
    location: str | None = None
    hang: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request the server saw."""

    path: str
    headers: dict[str, str]
    status: int | None = None


class FeedServer:
    """Serves the routes given with :meth:`add` and :meth:`redirect`; 404 for the rest."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = asyncio.Event()

    def add(self, path: str, body: bytes, **options: object) -> Route:
        """Serve ``body`` at ``path``; options are :class:`Route` fields."""
        route = Route(body=body, **options)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        """Redirect ``path`` to ``target`` (a path on this server or a full URL)."""
        self.routes[path] = Route(status=status, location=target)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._port}{path}"

    def seen(self, path: str) -> list[Seen]:
        """The requests for ``path``, oldest first."""
        return [request for request in self.requests if request.path == path]

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        return self

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FeedServer:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        seen = Seen(request.path, dict(request.headers))
        self.requests.append(seen)
        route = self.routes.get(request.path)
        response = await self._answer(request, route)
        seen.status = response.status
        return response

    async def _answer(self, request: web.Request, route: Route | None) -> web.StreamResponse:
        if route is None:
            return web.Response(status=404, text="no such feed")
        if route.hang:
            await self._closing.wait()
            return web.Response(status=503)
        if route.location is not None:
            return web.Response(status=route.status, headers={"Location": route.location})
        validators = {}
        if route.etag:
            validators["ETag"] = route.etag
        if route.last_modified:
            validators["Last-Modified"] = route.last_modified
        if (route.etag and request.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and request.headers.get("If-Modified-Since") == route.last_modified
        ):
            return web.Response(status=304, headers=validators)
        headers = {"Content-Type": route.content_type, **validators, **route.extra_headers}
        body = route.body
        if route.gzip:
            body = gzip_module.compress(body, compresslevel=6)
            headers["Content-Encoding"] = "gzip"
        if not route.chunked:
            return web.Response(status=route.status, body=body, headers=headers)
        response = web.StreamResponse(status=route.status, headers=headers)
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            for start in range(0, len(body), 1 << 20):
                await response.write(body[start : start + (1 << 20)])
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, as it should past the size cap
        return response
