"""What the media server clients share: an address, an optional borrowed session, timeouts,
and failures turned into sentences.

A client is used as ``async with JellyfinClient(url, key) as jellyfin`` (it opens and closes a
session of its own) or given a session, which it uses and never closes (the notifier lends
one session to all of them). Every request is bounded by a timeout, never follows a redirect
(it would carry the credentials elsewhere), and is read and released inside its
``async with``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import aiohttp
import yarl

from aniworld_desktop import __version__
from aniworld_desktop.config import parse_server_url
from aniworld_desktop.mediaservers.errors import (
    MediaServerAuthError,
    MediaServerBadReply,
    MediaServerError,
    MediaServerUnavailable,
)
from aniworld_desktop.net.errors import explain
from aniworld_desktop.net.session import (
    NO_TRUSTED_HOSTS,
    OwnedSession,
    TrustedHosts,
    client_session,
    read_capped,
)

__all__ = ["DEFAULT_TIMEOUT", "MediaServerClient"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds; both calls are quick: the server scans after answering
_MAX_BODY = 1 << 20  # a /System/Info or a JSON-RPC answer is a few KiB


@dataclass(frozen=True, slots=True)
class Reply:
    """A server's answer, read whole (at most 1 MiB) inside the request's ``async with``."""

    status: int
    body: bytes
    location: str = ""


class MediaServerClient(OwnedSession):
    """Base of the clients: one server address, an optional borrowed session, timeouts.

    Subclasses name the server (``name``) and implement :meth:`refresh` and
    :meth:`test_connection`; both return a sentence or raise a :class:`MediaServerError`.

    Attributes:
        name: The server's kind as people say it ("Jellyfin").
        url: Its base address, without a trailing slash.
        timeout: Seconds one request may take in all.
    """

    name: ClassVar[str] = "The media server"

    def __init__(
        self,
        url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        trusted: TrustedHosts = NO_TRUSTED_HOSTS,
    ) -> None:
        """Check the address; no request is made yet.

        ``trusted`` (self-signed hosts the user trusts) is for the client's own session; a
        borrowed session brings its own.

        Raises:
            MediaServerError: ``url`` is empty or not an http(s) URL without credentials.
        """
        try:
            checked = parse_server_url(url)
        except ValueError:
            raise MediaServerError(
                f"The {self.name} address must be an http or https URL, without a user name, "
                "password or query."
            ) from None
        if not checked:
            raise MediaServerError(f"No {self.name} address is set.")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        super().__init__(session)
        self.url = checked
        self.timeout = timeout
        self._trusted = trusted

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    def _new_session(self) -> aiohttp.ClientSession:
        return client_session(
            self._trusted,
            headers={"User-Agent": f"aniworld-desktop/{__version__}"},
            timeout=aiohttp.ClientTimeout(total=self.timeout),
        )

    async def refresh(self) -> str:
        """Ask the server to rescan its library; a sentence saying it does."""
        raise NotImplementedError

    async def test_connection(self) -> str:
        """Ask the server who it is, with the credentials; a sentence saying it works."""
        raise NotImplementedError

    # --- plumbing -----------------------------------------------------------------------------

    def _where(self) -> str:
        return f"{self.name} at {self.url}"

    async def _send(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        body: Any = None,
    ) -> Reply:
        """Send one request and read its answer; network failures become sentences."""
        session = self._session
        if session is None:
            raise RuntimeError(f"{type(self).__name__} is used outside 'async with'")
        where = self._where()
        try:
            async with session.request(
                method,
                url,
                headers=headers,
                json=body,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                allow_redirects=False,  # a redirect would carry the credentials elsewhere
            ) as response:
                return Reply(
                    response.status,
                    await self._read(response),
                    response.headers.get("Location", ""),
                )
        # aiohttp's messages are not chained: they may quote the request, headers and all.
        except TimeoutError:
            raise MediaServerUnavailable(
                f"{where} did not answer within {self.timeout:g} seconds."
            ) from None
        except (aiohttp.ServerFingerprintMismatch, aiohttp.ClientSSLError) as exc:
            raise MediaServerUnavailable(
                explain(f"{where} cannot be reached securely", exc)
            ) from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, ConnectionRefusedError):
                # The usual cause with a server of one's own, and what to check.
                raise MediaServerUnavailable(
                    f"{where} refused the connection: is it running, and is the port right?"
                ) from None
            raise MediaServerUnavailable(explain(f"{where} cannot be reached", exc)) from None
        except aiohttp.ClientError as exc:
            raise MediaServerUnavailable(explain(f"{where} could not be asked", exc)) from None
        except RuntimeError:
            if not session.closed:
                raise
            raise MediaServerUnavailable(
                f"{where} could not be asked: the HTTP session was closed."
            ) from None

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        return await read_capped(
            response,
            _MAX_BODY,
            lambda: MediaServerBadReply(
                f"{self._where()} answered with more than {_MAX_BODY >> 20} MiB; is this the "
                f"address of a {self.name} server?"
            ),
        )

    def _auth_refused(self, status: int) -> str:
        """The sentence for a 401 or 403; subclasses name their credentials."""
        return f"{self._where()} refused the credentials (HTTP {status}): check the settings."

    def _check(self, reply: Reply, what: str) -> None:
        """Raise the sentence that fits a status other than 2xx."""
        status = reply.status
        where = self._where()
        if 200 <= status < 300:
            return
        if status in (401, 403):
            raise MediaServerAuthError(self._auth_refused(status))
        if 300 <= status < 400:
            raise MediaServerError(
                f"{where} redirects {what} to {_public(reply.location)} (HTTP {status}): enter "
                "the address it redirects to in the settings."
            )
        if status == 404:
            raise MediaServerBadReply(
                f"{where} does not know {what} (HTTP 404): is this the address of a "
                f"{self.name} server?"
            )
        if status >= 500:
            raise MediaServerUnavailable(f"{where} is having trouble (HTTP {status}) with {what}.")
        raise MediaServerError(f"{where} refused {what} (HTTP {status}).")

    def _json(self, reply: Reply, what: str) -> Any:
        try:
            return json.loads(reply.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise MediaServerBadReply(
                f"{self._where()} answered {what} with something that is not JSON: is this the "
                f"address of a {self.name} server?"
            ) from None


def _public(location: str) -> str:
    """A redirect target without credentials or query, for a message; "elsewhere" if none."""
    try:
        url = yarl.URL(location)
    except (TypeError, ValueError):
        return "elsewhere"
    if not url.is_absolute():
        return url.path or "elsewhere"
    return str(url.with_user(None).with_query(None).with_fragment(None))
