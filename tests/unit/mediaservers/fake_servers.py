"""A fake Jellyfin and a fake Kodi on one real aiohttp server on 127.0.0.1, recording requests.

Replies come from the JSON files in ``fixtures/``. The fakes check credentials as the real
servers do: Jellyfin reads ``Authorization: MediaBrowser Token="..."`` always and
``X-Emby-Token`` only while ``legacy_auth`` is on (Jellyfin 12 switches it off); Kodi reads
HTTP basic authentication when ``kodi_user`` is set.

    async with FakeServers() as server:
        client = JellyfinClient(server.url, API_KEY)
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.sentinels import JELLYFIN_KEY, KODI_PASSWORD

FIXTURES = Path(__file__).parent / "fixtures"
# The suite's sentinels: the secrets guard looks for them in every log record, message and file.
API_KEY = JELLYFIN_KEY
KODI_USER = "kodi"

_TOKEN = re.compile(r'Token="?([^",]+)"?')


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeServers:
    """Jellyfin (``/System/Info``, ``/Library/Refresh``) and Kodi (``/jsonrpc``) in one server.

    Attributes:
        requests: Every request, in order.
        api_key: The Jellyfin API key it accepts.
        legacy_auth: Whether ``X-Emby-Token`` alone is accepted (Jellyfin before 12).
        kodi_user, kodi_password: Kodi's credentials ("" user: none asked for).
        status: Path to a status answered instead of the normal reply.
        pages: Path to a (content type, body) answered with 200 instead (a web page).
        headers: Path to extra headers for an answer given through ``status``.
        kodi_replies: JSON-RPC method to the fixture file answered for it.
        hang: While set, every request waits until ``release`` is set or the server closes.
        arrived: Set when a request arrives.
    """

    api_key: str = API_KEY
    legacy_auth: bool = True
    kodi_user: str = KODI_USER
    kodi_password: str = KODI_PASSWORD
    requests: list[Recorded] = field(default_factory=list)
    status: dict[str, int] = field(default_factory=dict)
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    kodi_replies: dict[str, str] = field(
        default_factory=lambda: {
            "JSONRPC.Ping": "kodi_ping.json",
            "VideoLibrary.Scan": "kodi_scan.json",
        }
    )
    hang: bool = False
    port: int = 0

    def __post_init__(self) -> None:
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def of(self, path: str) -> list[Recorded]:
        """The requests to ``path``."""
        return [r for r in self.requests if r.path == path]

    async def __aenter__(self) -> FakeServers:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # Closing must not wait for a hanging handler: it is woken on close instead.
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(
            Recorded(
                request.method, request.path, request.query_string, dict(request.headers), body
            )
        )
        self.arrived.set()
        if self.hang:
            await self.release.wait()
        path = request.path
        if path in self.status:
            return web.Response(
                status=self.status[path], text="no", headers=self.headers.get(path, {})
            )
        if path in self.pages:
            content_type, page = self.pages[path]
            return web.Response(body=page, content_type=content_type)
        if path.endswith("/jsonrpc"):
            return self._kodi(request, body)
        return self._jellyfin(request, path)

    def _jellyfin(self, request: web.Request, path: str) -> web.StreamResponse:
        token = None
        match = _TOKEN.search(request.headers.get("Authorization", ""))
        if match and request.headers["Authorization"].startswith("MediaBrowser "):
            token = match.group(1)
        elif self.legacy_auth:
            token = request.headers.get("X-Emby-Token")
        if token != self.api_key:
            return web.Response(status=401, text="Unauthorized")
        if path.endswith("/System/Info") and request.method == "GET":
            return web.json_response(fixture_json("jellyfin_system_info.json"))
        if path.endswith("/Library/Refresh") and request.method == "POST":
            return web.Response(status=204)
        return web.Response(status=404, text="Not Found")

    def _kodi(self, request: web.Request, body: bytes) -> web.StreamResponse:
        if self.kodi_user:
            expected = base64.b64encode(f"{self.kodi_user}:{self.kodi_password}".encode()).decode()
            if request.headers.get("Authorization") != f"Basic {expected}":
                return web.Response(status=401, text="401 - Unauthorized")
        call = json.loads(body)
        reply = fixture_json(self.kodi_replies.get(call["method"], "kodi_method_not_found.json"))
        reply["id"] = call["id"]
        return web.json_response(reply)


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens (a port just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
