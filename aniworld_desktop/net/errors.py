"""What went wrong with a request, in words: one mapping from aiohttp's and the system's network
errors to the half of a sentence that says why.

aiohttp's own texts are not for a person: they quote the request (a query may carry an API key),
the TLS internals and errno numbers. So :func:`why` never uses ``str(exc)``; it builds each
clause from the error's class and its named parts (host, port, errno). Each caller keeps its own
exception class, its leading words and its decision whether to try again::

    except aiohttp.ClientError as exc:
        raise ProviderError(explain(f"The feed {url} could not be downloaded", exc)) from None

which reads "The feed https://… could not be downloaded: the name example.invalid is not
known." A certificate problem adds the sentence that shows the way out (:func:`hint`).
"""

from __future__ import annotations

import errno
import os
from urllib.parse import urlsplit

import aiohttp
import yarl

from aniworld_desktop.net.session import CHANGED_HINT, UNTRUSTED_HINT

__all__ = [
    "TRUST_ERRORS",
    "explain",
    "hint",
    "host_of",
    "redirect_target",
    "sentence",
    "why",
]

TRUST_ERRORS: tuple[type[aiohttp.ClientError], ...] = (
    aiohttp.ClientConnectorCertificateError,
    aiohttp.ServerFingerprintMismatch,
)
"""A certificate that is not valid, or not the one the user trusted: trying again cannot help."""


def why(exc: BaseException) -> str:
    """What went wrong, as a clause: lower case, no final full stop; never aiohttp's own text.

    Covers certificates (not valid, changed since trusted, other TLS failures), redirects (too
    many, or to an address that is not http or https), unknown names, refused and failed
    connections, time-outs, a body broken off, an answer that is not HTTP, and the system's
    errors by their errno.
    """
    # Most specific first: a certificate error is also a connector error and an OSError.
    if isinstance(exc, aiohttp.ServerFingerprintMismatch):
        return (
            f"the certificate of {exc.host}:{exc.port} is not the one you trusted: it has changed"
        )
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return f"the secure connection to {exc.host} failed: its certificate is not valid"
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"the secure connection to {exc.host} failed"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"the name {exc.host} is not known"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return _os_reason(exc.os_error)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return "the connection could not be made in time"
    if isinstance(exc, TimeoutError):
        return "the server did not answer in time"
    if isinstance(exc, aiohttp.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, aiohttp.RedirectClientError):
        target = redirect_target(exc)
        if not target:
            return "it redirects to an address that is not http or https"
        return f"it redirects to {target}, an address that is not http or https"
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return "the address is not http or https"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "the connection broke off before the whole answer arrived"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "the server closed the connection without answering"
    if isinstance(exc, aiohttp.ClientResponseError):
        return "the server's answer is not valid HTTP"
    if isinstance(exc, OSError):
        return _os_reason(exc)
    return "the connection failed"


def hint(exc: BaseException) -> str:
    """The sentence that shows the way out of a certificate problem, or "" for any other error."""
    if isinstance(exc, aiohttp.ServerFingerprintMismatch):
        return CHANGED_HINT
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return UNTRUSTED_HINT
    return ""


def explain(leading: str, exc: BaseException) -> str:
    """``leading`` (what could not be done), a colon, :func:`why`, and the :func:`hint` if any."""
    sentence = f"{leading}: {why(exc)}."
    extra = hint(exc)
    return f"{sentence} {extra}" if extra else sentence


def sentence(exc: BaseException, then: str = "") -> str:
    """:func:`why` as a sentence of its own, with the :func:`hint` if any.

    Args:
        exc: What was raised.
        then: What followed from it, to continue the sentence ("so the feed … was not read").
    """
    reason = why(exc)
    text = f"{reason[:1].upper()}{reason[1:]}{f', {then}' if then else ''}."
    extra = hint(exc)
    return f"{text} {extra}" if extra else text


def redirect_target(exc: BaseException) -> str:
    """Where a refused redirect pointed, without a user, password, query or fragment (they may
    be secrets); "" when it cannot be read."""
    target = getattr(exc, "url", None) or (exc.args[0] if exc.args else None)
    try:
        url = yarl.URL(str(target))
        if url.host is not None:
            url = url.with_user(None)
        shown = str(url.with_query(None).with_fragment(None)) if url.scheme else ""
    except (TypeError, ValueError):
        shown = ""
    return shown if len(shown) <= 200 else ""


def host_of(url: str) -> str:
    """The host of ``url`` for a message, or the URL itself when it has none."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _os_reason(error: OSError) -> str:
    if isinstance(error, ConnectionRefusedError) or error.errno == errno.ECONNREFUSED:
        return "the connection was refused"
    if error.errno:
        return os.strerror(error.errno).lower()
    if error.strerror:
        return error.strerror.lower()
    return "the connection failed"
