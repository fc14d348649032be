"""Jellyfin: ask for a library scan (``POST /Library/Refresh``) and check the API key.

The API key goes in ``Authorization: MediaBrowser Token="..."``, which every Jellyfin since
10.x reads, and again in ``X-Emby-Token``, which older servers read and Jellyfin 12 ignores
unless legacy authorization is switched on. It is sent with each request, never put in the
session's headers, and never in the URL (where a proxy's log would keep it).
"""

from __future__ import annotations

import aiohttp

from aniworld_desktop.config import header_safe
from aniworld_desktop.core.secret import Secret
from aniworld_desktop.mediaservers.client import DEFAULT_TIMEOUT, MediaServerClient
from aniworld_desktop.mediaservers.errors import MediaServerAuthError, MediaServerBadReply
from aniworld_desktop.net.session import NO_TRUSTED_HOSTS, TrustedHosts

__all__ = ["JellyfinClient"]


class JellyfinClient(MediaServerClient):
    """A Jellyfin server reached with an API key (Dashboard > API Keys).

    Attributes:
        url: The server's address, such as ``http://nas:8096`` (with its base path, if any).
    """

    name = "Jellyfin"

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        session: aiohttp.ClientSession | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        trusted: TrustedHosts = NO_TRUSTED_HOSTS,
    ) -> None:
        """Keep the address and the key; no request is made yet.

        Raises:
            MediaServerError: ``url`` is empty or not an http(s) URL without credentials.
        """
        super().__init__(url, session=session, timeout=timeout, trusted=trusted)
        self._api_key = Secret(api_key.strip())

    async def refresh(self) -> str:
        """Ask Jellyfin to scan all its libraries (it answers at once and scans afterwards).

        Raises:
            MediaServerAuthError: No key is set, or Jellyfin refused it.
            MediaServerError: Jellyfin could not be asked, or failed (a sentence).
        """
        what = "the library refresh"
        reply = await self._send("POST", f"{self.url}/Library/Refresh", headers=self._headers())
        self._check(reply, what)
        return f"Jellyfin at {self.url} is scanning its libraries."

    async def test_connection(self) -> str:
        """Ask Jellyfin for its name and version with the key (``GET /System/Info``).

        Raises:
            MediaServerAuthError: No key is set, or Jellyfin refused it.
            MediaServerError: Jellyfin could not be asked, or answered something else.
        """
        what = "the server information"
        reply = await self._send("GET", f"{self.url}/System/Info", headers=self._headers())
        self._check(reply, what)
        info = self._json(reply, what)
        if not isinstance(info, dict) or not isinstance(info.get("Version"), str):
            raise MediaServerBadReply(
                f"{self._where()} answered {what} without a version: is this the address of a "
                "Jellyfin server?"
            )
        server = info.get("ServerName")
        named = f" “{server}”" if isinstance(server, str) and server else ""
        return f"Connected to Jellyfin{named} {info['Version']} at {self.url}; the API key works."

    def _headers(self) -> dict[str, str]:
        key = self._api_key.value
        if not key:
            raise MediaServerAuthError(
                "No Jellyfin API key is set: create one in Jellyfin's dashboard under API Keys "
                "and enter it in the settings."
            )
        if not header_safe(key):
            raise MediaServerAuthError(
                "The Jellyfin API key contains spaces or unusual characters; paste it again."
            )
        return {
            "Accept": "application/json",
            "Authorization": f'MediaBrowser Token="{key}"',
            "X-Emby-Token": key,
        }

    def _auth_refused(self, status: int) -> str:
        if status == 401:
            return (
                f"Jellyfin at {self.url} refused the API key (HTTP 401): check the Jellyfin API "
                "key in the settings."
            )
        return (
            f"Jellyfin at {self.url} does not let this API key do that (HTTP 403): use a key "
            "from the dashboard's API Keys page."
        )
