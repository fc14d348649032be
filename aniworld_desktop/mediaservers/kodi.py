"""Kodi: ask for a video library scan over JSON-RPC (``VideoLibrary.Scan``) and ping it.

Kodi answers JSON-RPC on ``{url}/jsonrpc`` when "Allow remote control via HTTP" is on
(Settings > Services > Control), usually behind HTTP basic authentication. The user name and
password go in an ``Authorization`` header built per request; the password is never put in
the URL, the session or a message.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import aiohttp

from aniworld_desktop.core.secret import Secret
from aniworld_desktop.mediaservers.client import DEFAULT_TIMEOUT, MediaServerClient
from aniworld_desktop.mediaservers.errors import MediaServerBadReply, MediaServerError
from aniworld_desktop.net.session import NO_TRUSTED_HOSTS, TrustedHosts

__all__ = ["KodiClient"]


class KodiClient(MediaServerClient):
    """A Kodi reached through its web server's JSON-RPC endpoint.

    Attributes:
        url: Kodi's web server, such as ``http://kodi:8080``.
        endpoint: Where JSON-RPC calls go (``{url}/jsonrpc``; a URL ending so is kept).
        user: The web server's user name ("" sends no credentials).
    """

    name = "Kodi"

    def __init__(
        self,
        url: str,
        user: str = "",
        password: str = "",
        *,
        session: aiohttp.ClientSession | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        trusted: TrustedHosts = NO_TRUSTED_HOSTS,
    ) -> None:
        """Keep the address and the credentials; no request is made yet.

        Raises:
            MediaServerError: ``url`` is empty or not an http(s) URL without credentials.
        """
        super().__init__(url, session=session, timeout=timeout, trusted=trusted)
        self.endpoint = self.url if self.url.endswith("/jsonrpc") else f"{self.url}/jsonrpc"
        self.user = user.strip()
        self._password = Secret(password)
        self._ids = itertools.count(1)

    async def refresh(self) -> str:
        """Ask Kodi to scan its video sources for new files, without a dialog on its screen.

        Raises:
            MediaServerAuthError: Kodi refused the user name or password.
            MediaServerError: Kodi could not be asked, or refused (a sentence).
        """
        result = await self.call("VideoLibrary.Scan", {"showdialogs": False})
        if result != "OK":
            raise MediaServerBadReply(
                f"Kodi at {self.url} answered VideoLibrary.Scan with {_short(result)} instead "
                "of OK."
            )
        return f"Kodi at {self.url} is scanning its video library."

    async def test_connection(self) -> str:
        """Ping Kodi (``JSONRPC.Ping``) with the credentials.

        Raises:
            MediaServerAuthError: Kodi refused the user name or password.
            MediaServerError: Kodi could not be asked, or answered something else.
        """
        result = await self.call("JSONRPC.Ping")
        if result != "pong":
            raise MediaServerBadReply(
                f"Kodi at {self.url} answered the ping with {_short(result)} instead of pong."
            )
        return f"Kodi at {self.url} answered the ping with pong; the connection works."

    async def call(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Call a JSON-RPC ``method`` and return its ``result``.

        Raises:
            MediaServerError: The call failed at the HTTP level, or Kodi answered an error.
        """
        request: dict[str, Any] = {"jsonrpc": "2.0", "id": next(self._ids), "method": method}
        if params:
            request["params"] = params
        reply = await self._send("POST", self.endpoint, headers=self._headers(), body=request)
        self._check(reply, method)
        answer = self._json(reply, method)
        if not isinstance(answer, dict):
            raise MediaServerBadReply(
                f"Kodi at {self.url} answered {method} with something that is not JSON-RPC."
            )
        error = answer.get("error")
        if error is not None:
            message = error.get("message") if isinstance(error, dict) else None
            code = error.get("code") if isinstance(error, dict) else None
            text = str(message).rstrip(".") if message else "an error"
            raise MediaServerError(
                f"Kodi at {self.url} refused {method}: {_short(text, quoted=False)} "
                f"(JSON-RPC error {code})."
            )
        if "result" not in answer:
            raise MediaServerBadReply(f"Kodi at {self.url} answered {method} without a result.")
        return answer["result"]

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        password = self._password.value
        if self.user or password:
            # Built here, not with aiohttp.BasicAuth: a namedtuple's repr shows the password.
            pair = f"{self.user}:{password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return headers

    def _auth_refused(self, status: int) -> str:
        if status == 401 and not (self.user or self._password.value):
            return (
                f"Kodi at {self.url} asks for a user name and password (HTTP 401): enter the "
                "ones set in Kodi under Settings > Services > Control."
            )
        if status == 401:
            return (
                f"Kodi at {self.url} refused the user name or password (HTTP 401): check them "
                "in the settings."
            )
        return f"Kodi at {self.url} does not allow this request (HTTP 403)."


def _short(value: Any, *, quoted: bool = True) -> str:
    """A server's answer for a message: at most 60 characters."""
    text = repr(value) if quoted else str(value)
    return text if len(text) <= 60 else text[:57] + "…"
