"""Proxies from the environment and certificates from the system's store.

``HTTP_PROXY`` is honoured by the real command line: a loopback proxy sees the feed fetch of
``add`` and the download of ``run-once``, and ``NO_PROXY`` sends them around it. The CA store
is tested in a child process with the build machine's CA path gone (``SSL_CERT_FILE`` pointing
nowhere, ``SSL_CERT_DIR`` at an empty folder), against a loopback TLS server whose certificate a
test CA signed, offered where a distribution keeps its bundle (truststore's list of those).
"""

from __future__ import annotations

import datetime
import ipaddress
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.fault_server import FaultServer
from tests.integration.test_feed_end_to_end import FEED
from tests.integration.test_run_once import run_cli

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "host"}


class LoopbackProxy:
    """A forward HTTP proxy on 127.0.0.1 that records what passes through it.

    Attributes:
        seen: ``METHOD URL`` of every request, in order.
    """

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> LoopbackProxy:
        # Its own way out goes straight to the origin, whatever the environment says.
        self._client = aiohttp.ClientSession(trust_env=False, auto_decompress=False)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None and self._client is not None
        await self._runner.cleanup()
        await self._client.close()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        # A client talking to a proxy names the whole URL; the Host header says the same.
        target = f"http://{request.headers['Host']}{request.rel_url}"
        self.seen.append(f"{request.method} {target}")
        assert self._client is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with self._client.request(
            request.method,
            target,
            headers=headers,
            data=await request.read() or None,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=30),
        ) as upstream:
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
            response = web.StreamResponse(status=upstream.status, headers=kept)
            await response.prepare(request)
            async for chunk in upstream.content.iter_chunked(64 * 1024):
                await response.write(chunk)
            await response.write_eof()
            return response


@pytest.fixture
async def proxy() -> AsyncIterator[LoopbackProxy]:
    async with LoopbackProxy() as running:
        yield running


async def test_the_feed_and_the_download_go_through_the_proxy(profile, tmp_path, proxy):
    async with FaultServer(tmp_path / "srv") as server:
        server.add_file("harbor.xml", FEED.format(base=server.base_url).encode())
        first = server.add_payload("hl-101.mp4", 40_000, seed=1)
        second = server.add_payload("hl-102.mp4", 50_000, seed=2)
        env = {"HTTP_PROXY": proxy.url, "http_proxy": proxy.url}
        code, _, err = await run_cli(
            profile, "add", "--monitor", "all", server.url("harbor.xml"), **env
        )
        assert code == 0, err
        code, out, err = await run_cli(profile, "run-once", **env)
        assert code == 0, err
        feed, media = server.url("harbor.xml"), f"{server.base_url}/media/"
    assert f"GET {feed}" in proxy.seen  # the feed fetch
    assert f"GET {media}hl-101.mp4" in proxy.seen  # and each download
    assert f"GET {media}hl-102.mp4" in proxy.seen
    season = profile / "library" / "Harbor Lights (2025)" / "Season 01"
    assert sorted(p.read_bytes() for p in season.glob("*.mp4")) == sorted([first, second])
    # Everything the app asked for went through the proxy: the server saw nothing else.
    assert len(server.requests) == len(proxy.seen)


async def test_no_proxy_goes_around_it(profile, tmp_path, proxy):
    async with FaultServer(tmp_path / "srv") as server:
        server.add_payload("clip.mp4", 20_000)
        env = {"HTTP_PROXY": proxy.url, "http_proxy": proxy.url}
        env |= {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
        code, _, err = await run_cli(profile, "add", server.url("clip.mp4"), **env)
        assert code == 0, err
        code, _, err = await run_cli(profile, "run-once", **env)
        assert code == 0, err
        assert server.requests_for("clip.mp4")
    assert proxy.seen == []


# --------------------------------------------------------------------- the system's CA store

# Run in a child: the CA paths are read from the environment, and a store loaded into the
# app's one TLS context must not leak into other tests.
CHILD = textwrap.dedent(
    """
    import asyncio, ssl, sys
    import aiohttp
    from aiohttp import web
    import truststore._openssl
    from aniworld_desktop.net.session import client_session

    ca, cert, key, distribution_bundle = sys.argv[1:5]
    if distribution_bundle != "-":
        # Where this "distribution" keeps its bundle, as truststore looks for it.
        truststore._openssl._CA_FILE_CANDIDATES[:] = [distribution_bundle]

    async def fetch(session):
        try:
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                return str(response.status) + " " + await response.text()
        except aiohttp.ClientConnectorCertificateError:
            return "refused"

    async def main():
        global url
        app = web.Application()
        app.router.add_get("/", lambda request: web.Response(text="hello"))
        runner = web.AppRunner(app)
        await runner.setup()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(cert, key)
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
        await site.start()
        url = f"https://127.0.0.1:{runner.addresses[0][1]}/"
        try:
            async with client_session() as ours, aiohttp.ClientSession() as plain:
                print("ours:", await fetch(ours))
                print("plain:", await fetch(plain))
        finally:
            await runner.cleanup()

    asyncio.run(main())
    """
)


def _make_ca_and_server_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA, and a certificate for 127.0.0.1 that it signed (with its key)."""
    pytest.importorskip("cryptography")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Aniworld Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = folder / "ca.pem", folder / "server.pem", folder / "server-key.pem"
    paths[0].write_bytes(ca_cert.public_bytes(pem))
    paths[1].write_bytes(cert.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


def _fetch_in_child(tmp_path: Path, *, cert_file: Path, bundle: Path | None) -> dict[str, str]:
    ca, cert, key = _make_ca_and_server_certificate(tmp_path)
    empty = tmp_path / "no-certificates"
    empty.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "SSL_CERT_FILE": str(cert_file),
        "SSL_CERT_DIR": str(empty),
    }
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(ca), str(cert), str(key), str(bundle or "-")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(line.split(": ", 1) for line in proc.stdout.splitlines())


def test_without_the_build_machines_ca_path_the_distributions_store_is_used(tmp_path):
    results = _fetch_in_child(
        tmp_path, cert_file=tmp_path / "nowhere.pem", bundle=tmp_path / "ca.pem"
    )
    assert results["ours"] == "200 hello"
    # What the bundle did before: only the CA path compiled into OpenSSL, which is absent.
    assert results["plain"] == "refused"


def test_the_ca_file_the_user_names_is_trusted(tmp_path):
    results = _fetch_in_child(tmp_path, cert_file=tmp_path / "ca.pem", bundle=None)
    assert results["ours"] == "200 hello"


def test_a_server_no_trusted_authority_signed_is_refused(tmp_path):
    # The same server, with no store knowing its CA: verification is on, not merely lenient.
    results = _fetch_in_child(
        tmp_path, cert_file=tmp_path / "nowhere.pem", bundle=tmp_path / "server.pem"
    )
    assert results["ours"] == "refused"
