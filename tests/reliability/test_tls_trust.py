"""TLS is verified; a self-signed server is reached only when the user trusts it, for that host
and port, by the fingerprint of that very certificate."""

from __future__ import annotations

import hashlib
import ssl
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from aniworld_desktop.cli import build_parser, run_command
from aniworld_desktop.config import ProfilePaths, Settings, load_settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import PermanentDownloadError
from aniworld_desktop.mediaservers.errors import MediaServerError
from aniworld_desktop.mediaservers.jellyfin import JellyfinClient
from aniworld_desktop.metadata.errors import ImageError
from aniworld_desktop.metadata.images import ImageDownloader
from aniworld_desktop.net import session as tls
from aniworld_desktop.net.session import (
    TrustedHosts,
    client_session,
    fetch_fingerprint,
    format_fingerprint,
    parse_fingerprint,
)
from tests.reliability.hostile_server import HostileServer
from tests.sentinels import JELLYFIN_KEY

DIGEST = bytes(range(32))
HEX = DIGEST.hex()


def served_digest(tmp_path: Path) -> bytes:
    """The SHA-256 of the certificate the ``tls_server`` fixture presents."""
    pem = (tmp_path / "cert.pem").read_text()
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).digest()


# --- the setting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pins"),
    [
        ("", {}),
        (f"nas.local:8920 {HEX}", {("nas.local", 8920): DIGEST}),
        (f"NAS.local {format_fingerprint(DIGEST)}", {("nas.local", 443): DIGEST}),
        (f"https://nas.local:8443/web {HEX}", {("nas.local", 8443): DIGEST}),
        (f"[fe80::1]:8920 {HEX}, 192.168.1.5 {HEX.upper()}\n",
         {("fe80::1", 8920): DIGEST, ("192.168.1.5", 443): DIGEST}),
    ],
)  # fmt: skip
def test_the_setting_reads_hosts_ports_and_fingerprints(text, pins):
    trusted = TrustedHosts.parse(text)
    assert dict(trusted.pins) == pins
    assert TrustedHosts.parse(trusted.to_text()) == trusted


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEX, "needs a host and a fingerprint"),
        ("nas.local:8920 ABCD", "is not a SHA-256 fingerprint"),
        (f"nas.local:99999 {HEX}", "is not a host with an optional port"),
        (f"nas.local:port {HEX}", "is not a host with an optional port"),
        (f"[fe80::1 {HEX}", "is not a host with an optional port"),
    ],
)
def test_a_bad_entry_is_named_in_a_clear_error(text, message):
    with pytest.raises(ValueError, match=message):
        TrustedHosts.parse(text)


def test_only_https_to_the_pinned_host_and_port_is_pinned():
    trusted = TrustedHosts.parse(f"nas.local:8920 {HEX}")
    pinned = trusted.ssl_for("https://NAS.local:8920/feed.xml")
    assert isinstance(pinned, aiohttp.Fingerprint) and pinned.fingerprint == DIGEST
    assert trusted.ssl_for("https://nas.local/feed.xml") is True  # another port: verified
    assert trusted.ssl_for("https://nas.local.evil.example:8920/") is True
    assert trusted.ssl_for("http://nas.local:8920/") is True
    assert TrustedHosts().ssl_for("https://nas.local:8920/") is True
    with pytest.raises(ValueError, match="not a SHA-256 fingerprint"):
        parse_fingerprint("zz" * 32)


# --- against a real self-signed server --------------------------------------------------------


async def test_the_fingerprint_shown_is_the_certificate_the_server_presents(
    tls_server: HostileServer, tmp_path: Path
):
    port = int(tls_server.url("/").split(":")[2].split("/")[0])
    assert await fetch_fingerprint("127.0.0.1", port) == served_digest(tmp_path)
    assert tls_server.requests == []  # looked at the certificate, asked for nothing


async def test_fetching_a_fingerprint_from_no_tls_server_says_so(unused_tcp_port: int):
    app = web.Application()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        with pytest.raises(OSError, match="does not speak TLS"):
            await fetch_fingerprint("127.0.0.1", unused_tcp_port)
    finally:
        await runner.cleanup()


async def test_fetching_a_fingerprint_from_a_silent_port_gives_up(monkeypatch):
    async with HostileServer() as silent:  # waits for a request line that never comes
        monkeypatch.setattr(tls, "FETCH_TIMEOUT", 0.2)
        port = int(silent.url("/").split(":")[2].split("/")[0])
        with pytest.raises(OSError, match=r"did not answer within 0\.2 seconds"):
            await fetch_fingerprint("127.0.0.1", port)


async def test_a_pinned_self_signed_server_is_reached_and_no_other(
    tls_server: HostileServer, tmp_path: Path
):
    url = tls_server.url("/feed.xml")
    port = int(url.split(":")[2].split("/")[0])
    right = TrustedHosts.parse(f"127.0.0.1:{port} {served_digest(tmp_path).hex()}")
    wrong = TrustedHosts.parse(f"127.0.0.1:{port} {HEX}")
    other_port = TrustedHosts.parse(f"127.0.0.1:{port + 1} {served_digest(tmp_path).hex()}")
    async with aiohttp.ClientSession() as session:
        async with session.get(url, ssl=right.ssl_for(url)) as response:
            assert response.status == 200
            assert (await response.read()).startswith(b"<rss")
        with pytest.raises(aiohttp.ServerFingerprintMismatch):
            async with session.get(url, ssl=wrong.ssl_for(url)):
                pass
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            async with session.get(url, ssl=other_port.ssl_for(url)):
                pass
    assert len(tls_server.requests) == 1  # only over the trusted connection


async def test_a_session_for_trusted_hosts_pins_every_request_and_redirect(
    tls_server: HostileServer, tmp_path: Path
):
    url = tls_server.url("/moved")
    port = int(url.split(":")[2].split("/")[0])
    tls_server.add("/moved", b"", status=302, headers={"Location": "/feed.xml"})
    trusted = TrustedHosts.parse(f"127.0.0.1:{port} {served_digest(tmp_path).hex()}")
    # No ssl= on the request: the session knows.
    async with client_session(trusted) as session, session.get(url) as response:
        assert response.status == 200
        assert (await response.read()).startswith(b"<rss")
        assert [r.status for r in response.history] == [302]
    async with client_session() as session:  # no pins: the same server is refused
        with pytest.raises(aiohttp.ClientConnectorCertificateError):
            async with session.get(url):
                pass
    async with client_session(TrustedHosts.parse(f"127.0.0.1:{port} {HEX}")) as session:
        with pytest.raises(aiohttp.ServerFingerprintMismatch):  # a changed certificate
            async with session.get(url):
                pass
    assert [r.path for r in tls_server.requests] == ["/moved", "/feed.xml"]


# --- each client that may talk to a user's own server ---------------------------------------


def pins_for(server: HostileServer, tmp_path: Path, digest: bytes | None = None) -> TrustedHosts:
    port = int(server.url("/").split(":")[2].split("/")[0])
    return TrustedHosts({("127.0.0.1", port): digest or served_digest(tmp_path)})


async def test_images_come_from_a_trusted_host_only(tls_server: HostileServer, tmp_path: Path):
    poster = tmp_path / "poster.jpg"
    async with ImageDownloader(trusted=pins_for(tls_server, tmp_path)) as images:
        assert await images.download(tls_server.url("/poster.jpg"), poster)
    assert poster.read_bytes().startswith(b"\xff\xd8")
    async with ImageDownloader(trusted=pins_for(tls_server, tmp_path, DIGEST)) as images:
        with pytest.raises(ImageError, match="certificate"):
            await images.download(tls_server.url("/poster.jpg"), tmp_path / "other.jpg")
    assert not (tmp_path / "other.jpg").exists()


async def test_a_jellyfin_with_its_own_certificate_is_reached_when_trusted(
    tls_server: HostileServer, tmp_path: Path
):
    info = Path(__file__).parents[1] / "unit/mediaservers/fixtures/jellyfin_system_info.json"
    tls_server.add("/System/Info", info.read_bytes(), content_type="application/json")
    base = tls_server.url("").rstrip("/")
    trusted = pins_for(tls_server, tmp_path)
    async with JellyfinClient(base, JELLYFIN_KEY, trusted=trusted) as jellyfin:
        assert "Jellyfin" in await jellyfin.test_connection()
    async with JellyfinClient(base, JELLYFIN_KEY) as jellyfin:
        with pytest.raises(MediaServerError, match="securely"):
            await jellyfin.test_connection()
    assert [r.path for r in tls_server.requests] == ["/System/Info"]


# --- the user's way in: `trust`, then the app reaches the server --------------------------------


async def cli(profile: Path, *argv: str) -> int:
    args = build_parser().parse_args(["--profile", str(profile), *argv])
    paths = ProfilePaths.for_profile(profile)
    try:
        return await run_command(args, paths, load_settings(paths, environ={}))
    except AniworldError as exc:  # what app.main does with it
        print(f"aniworld-desktop: {exc}", file=sys.stderr)
        return 2


async def test_trust_shows_the_fingerprint_then_saves_it_and_the_app_reads_the_feed(
    tls_server: HostileServer, tmp_path: Path, profile: Path, capsys: pytest.CaptureFixture[str]
):
    feed = tls_server.url("/feed.xml")
    base = tls_server.url("/").rstrip("/")
    port = int(base.rsplit(":", 1)[1])
    digest = served_digest(tmp_path)
    (profile / "library").mkdir()

    assert await cli(profile, "add", feed) != 0  # not trusted yet
    assert "certificate is not valid" in capsys.readouterr().err

    assert await cli(profile, "trust", base) == 0  # step one: only shows it
    out = capsys.readouterr().out
    assert format_fingerprint(digest) in out and f"--fingerprint {digest.hex()}" in out
    assert load_settings(ProfilePaths.for_profile(profile), environ={}).trusted_servers == ""

    assert await cli(profile, "trust", base, "--fingerprint", HEX) == 1  # not what it presents
    assert "another certificate" in capsys.readouterr().err
    assert await cli(profile, "trust", base, "--fingerprint", format_fingerprint(digest)) == 0
    settings = load_settings(ProfilePaths.for_profile(profile), environ={})
    assert dict(settings.trusted_hosts().pins) == {("127.0.0.1", port): digest}

    assert await cli(profile, "add", feed) == 0  # through the library's session now
    assert "Following T" in capsys.readouterr().out
    assert [r.path for r in tls_server.requests if r.path == "/feed.xml"]

    assert await cli(profile, "trust", base, "--remove") == 0
    assert load_settings(ProfilePaths.for_profile(profile), environ={}).trusted_servers == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["trust", "http://nas.local"], "is not an https:// address"),
        (["trust", "https://nas.local", "--fingerprint", "abc"], "is not a SHA-256 fingerprint"),
    ],
)
async def test_trust_refuses_bad_input_in_one_line(profile, capsys, argv, message):
    assert await cli(profile, *argv) == 2
    assert message in capsys.readouterr().err


def test_a_bad_trusted_servers_setting_names_the_entry(profile):
    from aniworld_desktop.core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"Invalid trusted_servers: .*'nas:1 xyz'"):
        Settings().updated({"trusted_servers": "nas:1 xyz"}, "settings.json")


async def test_a_download_from_a_trusted_server_arrives_and_a_changed_certificate_stops_it(
    tls_server: HostileServer, tmp_path: Path
):
    destination = tmp_path / "Series" / "ep.mkv"
    request = DownloadRequest(url=tls_server.url("/ep.mkv"), destination=destination)
    async with DownloadEngine(trusted=pins_for(tls_server, tmp_path)) as engine:
        await engine.download(request)
    assert destination.read_bytes().startswith(b"\x1a\x45\xdf\xa3")
    other = DownloadRequest(url=tls_server.url("/ep.mkv"), destination=tmp_path / "b.mkv")
    async with DownloadEngine(trusted=pins_for(tls_server, tmp_path, DIGEST)) as engine:
        with pytest.raises(PermanentDownloadError, match="it has changed"):
            await engine.download(other)
    assert not (tmp_path / "b.mkv").exists()


async def test_reading_a_certificate_where_nothing_listens_says_so(unused_tcp_port: int):
    with pytest.raises(OSError, match="refused the connection") as refused:
        await fetch_fingerprint("127.0.0.1", unused_tcp_port)
    assert "Errno" not in str(refused.value)
