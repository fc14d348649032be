"""net.errors: one sentence for each network failure, never aiohttp's own text."""

from __future__ import annotations

import errno
import ssl
import sys

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aniworld_desktop.net.errors import (
    TRUST_ERRORS,
    explain,
    hint,
    host_of,
    redirect_target,
    sentence,
    why,
)
from aniworld_desktop.net.session import CHANGED_HINT, UNTRUSTED_HINT, changed_certificate
from tests.sentinels import TMDB_V3_KEY

# aiohttp puts the request's URL, query and all, into its texts: here it carries a key.
LEAKY_URL = f"https://nas.local:8920/api?api_key={TMDB_V3_KEY}"


def key(host: str = "nas.local", port: int = 8920) -> ConnectionKey:
    return ConnectionKey(host, port, True, True, None, None, None, None)


def request_info() -> RequestInfo:
    return RequestInfo(URL(LEAKY_URL), "GET", CIMultiDictProxy(CIMultiDict()), URL(LEAKY_URL))


def certificate_error() -> aiohttp.ClientConnectorCertificateError:
    failure = ssl.SSLCertVerificationError(1, f"self-signed certificate for {LEAKY_URL}")
    return aiohttp.ClientConnectorCertificateError(key(), failure)


CASES: list[tuple[str, BaseException, str]] = [
    (
        "changed certificate",
        aiohttp.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "nas.local", 8920),
        "the certificate of nas.local:8920 is not the one you trusted: it has changed",
    ),
    (
        "certificate not valid",
        certificate_error(),
        "the secure connection to nas.local failed: its certificate is not valid",
    ),
    (
        "other TLS failure",
        aiohttp.ClientConnectorSSLError(key(), ssl.SSLError(1, f"wrong version {LEAKY_URL}")),
        "the secure connection to nas.local failed",
    ),
    (
        "unknown name",
        aiohttp.ClientConnectorDNSError(key(), OSError(-2, f"Name not known {LEAKY_URL}")),
        "the name nas.local is not known",
    ),
    (
        "refused",
        aiohttp.ClientConnectorError(
            key(), ConnectionRefusedError(errno.ECONNREFUSED, f"refused {LEAKY_URL}")
        ),
        "the connection was refused",
    ),
    (
        "unreachable",
        aiohttp.ClientConnectorError(key(), OSError(errno.ENETUNREACH, f"unreachable {LEAKY_URL}")),
        "network is unreachable",
    ),
    (
        "no connection in time",
        aiohttp.ConnectionTimeoutError(f"Connection timeout to host {LEAKY_URL}"),
        "the connection could not be made in time",
    ),
    ("no answer in time", TimeoutError(), "the server did not answer in time"),
    (
        "redirect loop",
        aiohttp.TooManyRedirects(request_info(), (), message=LEAKY_URL),
        "too many redirects",
    ),
    (
        "redirect elsewhere",
        aiohttp.NonHttpUrlRedirectClientError(f"ftp://user:pw@nas.local/x.mkv?key={TMDB_V3_KEY}"),
        "it redirects to ftp://nas.local/x.mkv, an address that is not http or https",
    ),
    (
        "not http",
        aiohttp.NonHttpUrlClientError(LEAKY_URL),
        "the address is not http or https",
    ),
    (
        "body broken off",
        aiohttp.ClientPayloadError(f"Response payload is not completed {LEAKY_URL}"),
        "the connection broke off before the whole answer arrived",
    ),
    (
        "server hung up",
        aiohttp.ServerDisconnectedError(f"Server disconnected {LEAKY_URL}"),
        "the server closed the connection without answering",
    ),
    (
        "not HTTP",
        aiohttp.ClientResponseError(request_info(), (), status=400, message=LEAKY_URL),
        "the server's answer is not valid HTTP",
    ),
    (
        "system error",
        OSError(errno.ECONNRESET, f"reset {LEAKY_URL}"),
        "connection reset by peer",
    ),
    ("anything else", aiohttp.ClientConnectionError(LEAKY_URL), "the connection failed"),
]


@pytest.mark.parametrize(("exc", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_failure_has_its_clause_and_never_aiohttps_text(
    exc: BaseException, expected: str
) -> None:
    text = why(exc)
    assert text == expected
    assert TMDB_V3_KEY not in text and "api_key" not in text
    assert "Errno" not in text
    assert not str(exc) or str(exc) not in text


@pytest.mark.skipif(sys.platform == "win32", reason="errno texts differ on Windows")
def test_a_bare_os_error_without_errno_says_its_own_words() -> None:
    assert why(OSError("x")) == "the connection failed"
    error = OSError()
    error.strerror = "Something Odd"
    assert why(error) == "something odd"


def test_a_certificate_problem_shows_the_way_out_and_nothing_else_does() -> None:
    changed = aiohttp.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "nas.local", 8920)
    assert hint(certificate_error()) == UNTRUSTED_HINT
    assert hint(changed) == CHANGED_HINT
    assert hint(TimeoutError()) == ""
    assert all(isinstance(e, TRUST_ERRORS) for e in (changed, certificate_error()))
    assert not isinstance(aiohttp.ClientConnectorError(key(), OSError()), TRUST_ERRORS)


def test_sentences_are_built_from_the_callers_words() -> None:
    assert explain("The feed x could not be downloaded", TimeoutError()) == (
        "The feed x could not be downloaded: the server did not answer in time."
    )
    assert explain("Could not read x", certificate_error()) == (
        "Could not read x: the secure connection to nas.local failed: its certificate is not "
        f"valid. {UNTRUSTED_HINT}"
    )
    assert sentence(certificate_error()) == (
        f"The secure connection to nas.local failed: its certificate is not valid. {UNTRUSTED_HINT}"
    )
    assert sentence(certificate_error(), "so the feed x was not read") == (
        "The secure connection to nas.local failed: its certificate is not valid, so the feed x "
        f"was not read. {UNTRUSTED_HINT}"
    )
    changed = aiohttp.ServerFingerprintMismatch(b"a" * 32, b"b" * 32, "nas.local", 8920)
    assert sentence(changed) == changed_certificate("nas.local:8920")
    assert sentence(TimeoutError()) == "The server did not answer in time."


@pytest.mark.parametrize(
    ("target", "shown"),
    [
        ("file:///etc/passwd", "file:///etc/passwd"),
        ("ftp://user:pw@host/x.mp4?k=1#f", "ftp://host/x.mp4"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("/relative", ""),
        (None, ""),
        ("ftp://host/" + "x" * 300, ""),
    ],
)
def test_a_redirect_target_is_named_without_credentials(target: str | None, shown: str) -> None:
    assert redirect_target(aiohttp.NonHttpUrlRedirectClientError(target)) == shown


def test_a_redirect_to_an_unreadable_target_still_says_why() -> None:
    assert why(aiohttp.NonHttpUrlRedirectClientError("/x")) == (
        "it redirects to an address that is not http or https"
    )


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://Nas.Local:8920/feed.xml", "nas.local"),
        ("http://[::1]:80/x", "::1"),
        ("demo:harbor", "demo:harbor"),
        ("http://[bad/x", "http://[bad/x"),
    ],
)
def test_host_of_names_the_host_or_keeps_the_url(url: str, host: str) -> None:
    assert host_of(url) == host
