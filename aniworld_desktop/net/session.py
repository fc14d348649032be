"""HTTP sessions: the one factory every session comes from, who owns them, and trusted hosts.

**Sessions.** Every aiohttp session of the app is made by :func:`client_session`, so each
request, redirects included, honours the user's trusted hosts. A client that may be handed a
session or make its own derives from :class:`OwnedSession`: it uses a borrowed session as it is
and never closes it; without one it makes its own on ``async with`` and closes only that.

**Trusted hosts**, the one exception to certificate checks, made by the user for one server.
Every HTTPS connection is verified against the system's certificate authorities. A NAS or a
home server often has a self-signed certificate instead; the user may trust it, for that host
and port only, by its SHA-256 fingerprint (the way a browser's exception or SSH's known_hosts
works). A pinned connection checks the fingerprint and nothing else: the certificate may be
self-signed or name another host, but if it changes, the connection is refused again.

The setting is a text of entries ``host:port SHA256`` separated by commas or new lines; the
fingerprint is 64 hex digits, with or without colons (as browsers and ``openssl x509
-fingerprint -sha256`` print it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import aiohttp
from yarl import URL

from aniworld_desktop.net.system_ca import tls_context

__all__ = [
    "CHANGED_HINT",
    "NO_TRUSTED_HOSTS",
    "UNTRUSTED_HINT",
    "OwnedSession",
    "TrustedHosts",
    "changed_certificate",
    "client_session",
    "fetch_fingerprint",
    "format_fingerprint",
    "parse_fingerprint",
    "read_capped",
]

_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
_ENTRY_SPLIT = re.compile(r"[,\n]+")
_DEFAULT_PORT = 443
FETCH_TIMEOUT = 10.0
_READ_CHUNK = 64 * 1024


def parse_fingerprint(text: str) -> bytes:
    """The 32 bytes of a SHA-256 fingerprint written in hex, with or without colons.

    Raises:
        ValueError: It is not 64 hex digits.
    """
    digits = text.strip().replace(":", "").replace(" ", "")
    if not _HEX.match(digits):
        raise ValueError(
            f"{text.strip()!r} is not a SHA-256 fingerprint (64 hex digits, colons allowed)"
        )
    return bytes.fromhex(digits)


def format_fingerprint(digest: bytes) -> str:
    """``AB:CD:…``, as browsers and ``openssl`` show a fingerprint."""
    return ":".join(f"{b:02X}" for b in digest)


def _host_port(text: str) -> tuple[str, int]:
    value = text.strip().lower()
    if "://" in value:
        url = URL(value)
        if url.host is None:
            raise ValueError(f"{text.strip()!r} names no host")
        return url.host, url.port or _DEFAULT_PORT
    if value.startswith("["):  # [v6 address] or [v6 address]:port
        end = value.find("]")
        host, rest = value[1:end], value[end + 1 :]
        port = rest[1:] if rest.startswith(":") else ("" if not rest and end > 0 else "x")
    elif value.count(":") == 1:
        host, port = value.split(":")
    else:  # a name, or a bare IPv6 address: no port, the HTTPS default
        host, port = value, ""
    port = port or str(_DEFAULT_PORT)
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text.strip()!r} is not a host with an optional port (nas.local:8920)")
    return host, int(port)


@dataclass(frozen=True)
class TrustedHosts:
    """The hosts whose certificate the user trusts by fingerprint.

    Attributes:
        pins: ``(host, port)`` to the SHA-256 digest of the certificate's DER form.
    """

    pins: Mapping[tuple[str, int], bytes] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> TrustedHosts:
        """Read the setting's text.

        Raises:
            ValueError: An entry is not ``host[:port] fingerprint``; the message names it.
        """
        pins: dict[tuple[str, int], bytes] = {}
        for entry in _ENTRY_SPLIT.split(text):
            entry = entry.strip()
            if not entry:
                continue
            where, _, digest = entry.rpartition(" ")
            if not where.strip():
                raise ValueError(
                    f"{entry!r} needs a host and a fingerprint, such as "
                    "'nas.local:8920 AB:CD:…' (64 hex digits)"
                )
            pins[_host_port(where)] = parse_fingerprint(digest)
        return cls(pins)

    def to_text(self) -> str:
        """The setting's text for these pins (``parse`` reads it back)."""
        return "\n".join(
            f"{f'[{host}]' if ':' in host else host}:{port} {format_fingerprint(digest)}"
            for (host, port), digest in sorted(self.pins.items())
        )

    def with_pin(self, host: str, port: int, digest: bytes) -> TrustedHosts:
        """These pins and one more (or a new fingerprint for a host already trusted)."""
        return TrustedHosts({**self.pins, (host.lower(), port): digest})

    def ssl_for(self, url: str | URL) -> aiohttp.Fingerprint | bool:
        """What to pass as aiohttp's ``ssl=`` for a request to ``url``.

        ``True`` (full verification) unless the URL is HTTPS to a pinned host and port; then an
        :class:`aiohttp.Fingerprint`, which accepts that one certificate and no other.
        """
        if not self.pins:
            return True
        parsed = url if isinstance(url, URL) else URL(url)
        if parsed.scheme != "https" or parsed.host is None:
            return True
        digest = self.pins.get((parsed.host.lower(), parsed.port or _DEFAULT_PORT))
        return aiohttp.Fingerprint(digest) if digest is not None else True

    def __bool__(self) -> bool:
        return bool(self.pins)


NO_TRUSTED_HOSTS = TrustedHosts()

# Said after a refused certificate: the way out, for a server of the user's own.
UNTRUSTED_HINT = (
    "If this is your own server with a self-signed certificate, you can trust it under "
    "Settings > Trusted servers."
)


# Said after a pinned host's changed certificate: the way back, when the change is expected.
CHANGED_HINT = (
    "If you expect that (a renewed certificate), trust it again under Settings > Trusted servers."
)


def changed_certificate(host: str) -> str:
    """The sentence for a pinned host whose certificate is no longer the trusted one."""
    return f"The certificate of {host} is not the one you trusted: it has changed. {CHANGED_HINT}"


def client_session(
    trusted: TrustedHosts | Callable[[], TrustedHosts] = NO_TRUSTED_HOSTS, **kwargs: Any
) -> aiohttp.ClientSession:
    """An aiohttp session whose every request honours ``trusted``.

    Each request, redirects included, gets the ``ssl=`` of :meth:`TrustedHosts.ssl_for` for its
    own URL, unless the caller passes another. So the providers, which are handed a session
    and may come from plug-ins, reach a trusted host without knowing about trust. A callable
    is asked at each request (a long-lived session whose settings may change).

    Every session goes through the proxy the environment names (``HTTP_PROXY``,
    ``HTTPS_PROXY``, ``NO_PROXY``; on macOS and Windows the system's proxy settings when those
    are unset), and verifies certificates against the system's store
    (:func:`~aniworld_desktop.net.system_ca.tls_context`). A caller that passes its own
    ``connector`` gives it ``ssl=tls_context()`` itself.

    Args:
        trusted: The pins, or what gives them.
        kwargs: For :class:`aiohttp.ClientSession`.
    """
    kwargs.setdefault("trust_env", True)  # HTTP(S)_PROXY, NO_PROXY (issue 16)
    kwargs.setdefault("connector", aiohttp.TCPConnector(ssl=tls_context()))  # system CA store
    if callable(trusted):
        kwargs["request_class"] = _pinning_request_class(trusted)
    elif trusted:
        pins = trusted
        kwargs["request_class"] = _pinning_request_class(lambda: pins)
    return aiohttp.ClientSession(**kwargs)


def _pinning_request_class(trusted: Callable[[], TrustedHosts]) -> type[aiohttp.ClientRequest]:
    class PinningRequest(aiohttp.ClientRequest):
        def __init__(self, method: str, url: URL, *args: Any, **kwargs: Any) -> None:
            if kwargs.get("ssl", True) is True:  # the default: nobody chose otherwise
                kwargs["ssl"] = trusted().ssl_for(url)
            super().__init__(method, url, *args, **kwargs)

    return PinningRequest


class OwnedSession:
    """Base of the HTTP clients: a borrowed session is used as it is, else one of its own.

    Given a session, the client uses it and never closes it: its owner does. Given none, it
    makes one with :meth:`_new_session` on entering ``async with`` and closes it, and only it,
    on leaving (or on :meth:`close`); it may be entered again afterwards. Requests made outside
    ``async with`` are the subclass's matter (some make a session per call).
    """

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        """Borrow ``session``, or make one of our own on entering when it is None."""
        self._session = session
        self._owns_session = session is None

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session in use: the borrowed one, or our own while inside ``async with``."""
        return self._session

    @property
    def owns_session(self) -> bool:
        """True when the session is (or will be) ours to close."""
        return self._owns_session

    def _new_session(self) -> aiohttp.ClientSession:
        """A session of our own; subclasses pass their trusted hosts, timeouts and headers."""
        return client_session()

    async def __aenter__(self) -> Self:
        """Make our own session unless one was borrowed."""
        if self._session is None:
            self._session = self._new_session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close our own session; a borrowed one stays open."""
        await self.close()

    async def close(self) -> None:
        """Close our own session, if we have one; a borrowed session stays open."""
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()


async def read_capped(
    response: aiohttp.ClientResponse, limit: int, too_large: Callable[[], Exception]
) -> bytes:
    """A reply's whole body, but never more than ``limit`` bytes in memory.

    An announced ``Content-Length`` over the limit is refused before anything is read; a body
    that goes on past it is refused as soon as it does. The caller says how
    (``too_large()`` is raised), and reads inside the request's ``async with``.
    """
    if response.content_length is not None and response.content_length > limit:
        raise too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch_fingerprint(host: str, port: int = _DEFAULT_PORT) -> bytes:
    """The SHA-256 fingerprint of the certificate ``host:port`` presents, unverified.

    For showing to the user before they decide to trust it; never for deciding on its own.
    Gives up after :data:`FETCH_TIMEOUT` seconds.

    Raises:
        OSError: The server cannot be reached or speaks no TLS (the message says which).
    """
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # we only look at the certificate, and send nothing
    try:
        async with asyncio.timeout(FETCH_TIMEOUT):
            _, writer = await asyncio.open_connection(host, port, ssl=context, server_hostname=host)
    except ConnectionRefusedError as exc:
        raise OSError(f"{host}:{port} refused the connection (nothing listens there)") from exc
    except socket.gaierror as exc:
        raise OSError(f"the name {host} is not known") from exc
    except TimeoutError as exc:
        raise OSError(
            f"{host}:{port} did not answer within {FETCH_TIMEOUT:g} seconds (is it an HTTPS port?)"
        ) from exc
    except ssl.SSLError as exc:
        raise OSError(f"{host}:{port} does not speak TLS ({exc.reason or exc})") from exc
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if not der:
            raise OSError(f"{host}:{port} presented no certificate")
        return hashlib.sha256(der).digest()
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):  # dropped by a server we never spoke to
            await writer.wait_closed()
