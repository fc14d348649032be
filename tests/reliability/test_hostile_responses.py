"""Hostile servers: oversize answers are cut off at a cap, redirect loops end, bad TLS is refused.

Every client that fetches something on its own is pointed at a real server on 127.0.0.1 that
misbehaves (tests/reliability/hostile_server.py): the feed provider, the TMDB client, the image
downloader and the download engine. Each must stop with its own error, in a sentence, and the
oversize answers must not be held in memory beyond the client's cap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import DownloadError, PermanentDownloadError
from aniworld_desktop.metadata.errors import ImageError, MetadataError
from aniworld_desktop.metadata.images import DEFAULT_MAX_BYTES, ImageDownloader
from aniworld_desktop.metadata.ratelimit import RateLimiter
from aniworld_desktop.metadata.tmdb import TMDBClient
from aniworld_desktop.net.session import UNTRUSTED_HINT
from aniworld_desktop.providers.base import Provider, ProviderError
from aniworld_desktop.providers.feed import MAX_FEED_BYTES
from aniworld_desktop.providers.registry import ProviderRegistry
from tests.reliability.hostile import (
    MEMORY_BOUND,
    MIB,
    caught,
    listing,
    measure_peak,
)
from tests.reliability.hostile_server import HostileServer
from tests.sentinels import TMDB_V4_TOKEN

# Far beyond every cap (feeds and images 20 MiB, TMDB replies 16 MiB): a client that read it
# all would need more than MEMORY_BOUND.
SERVED = 128 * MIB
JPEG_BLOCK = b"\xff\xd8\xff\xe0" + b"\x00" * (MIB - 4)
JSON_BLOCK = b" " * MIB
FEED_BLOCK = b"<rss version='2.0'><channel><title>" + b"x" * (MIB - 36)
TOKEN = TMDB_V4_TOKEN
# A redirect loop that a client failed to stop ends here (404), so the test fails, not hangs.
LOOP_GIVES_UP_AFTER = 50


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.fixture
async def server() -> AsyncIterator[HostileServer]:
    async with HostileServer() as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    # What services.open_services() hands the providers: aiohttp's defaults (TLS verified).
    async with aiohttp.ClientSession() as running:
        yield running


@pytest.fixture(scope="module")
def feed_provider() -> Provider:
    """The feed provider as the app finds it (entry point, default cap)."""
    return ProviderRegistry.discover().get("feed")


def tmdb_client(api_url: str) -> TMDBClient:
    return TMDBClient(
        TOKEN, api_url=api_url, limiter=RateLimiter(), sleep=_no_sleep, jitter=lambda: 0.0
    )


# --- oversize answers --------------------------------------------------------------------------

# How each oversize answer is served: (how, Content-Length announced, chunked, gzip bomb).
SHAPES = {
    "streamed without Content-Length": {},
    "chunked": {"chunked": True},
    "Content-Length says 1000 bytes": {"announce": 1000},
    "Content-Length says more than the cap": {"announce": SERVED},
    "gzip bomb with an honest Content-Length": {"bomb": True},
}


def serve_oversize(server: HostileServer, path: str, block: bytes, content_type: str, shape: str):
    options = dict(SHAPES[shape])
    if options.pop("bomb", False):
        server.gzip_bomb(path, SERVED, content_type=content_type)
    else:
        server.stream(path, block, SERVED // len(block), content_type=content_type, **options)


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_oversize_feed_is_cut_off_at_the_cap(
    shape: str, server: HostileServer, session: aiohttp.ClientSession, feed_provider: Provider
):
    assert getattr(feed_provider, "max_bytes") == MAX_FEED_BYTES  # noqa: B009
    serve_oversize(server, "/feed.xml", FEED_BLOCK, "application/rss+xml", shape)
    with measure_peak() as peak:
        refused = await caught(feed_provider.fetch(server.url("/feed.xml"), session))
    assert peak.bytes < MEMORY_BOUND, f"{shape}: {peak}"
    assert isinstance(refused, ProviderError), refused
    message = str(refused)
    if shape == "Content-Length says 1000 bytes":
        # aiohttp reads what was announced and no more; the rest is not HTTP.
        assert "not valid HTTP" in message or "not a podcast or video feed" in message, message
    else:
        assert "larger than 20 MiB" in message, message
    assert server.bytes_sent < SERVED or shape.startswith("gzip")


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_oversize_tmdb_reply_is_cut_off_at_the_cap(shape: str, server: HostileServer):
    serve_oversize(server, "/api/configuration", JSON_BLOCK, "application/json", shape)
    async with tmdb_client(server.url("/api")) as tmdb:
        with measure_peak() as peak:
            refused = await caught(tmdb.configuration())
    assert peak.bytes < MEMORY_BOUND, f"{shape}: {peak}"
    assert isinstance(refused, MetadataError), refused
    message = str(refused)
    if shape == "Content-Length says 1000 bytes":
        assert "not valid" in message, message
    else:
        assert message == "TMDB sent the image configuration larger than 16 MiB."
    assert TOKEN not in message


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_oversize_image_is_cut_off_at_the_cap(
    shape: str, server: HostileServer, tmp_path: Path
):
    serve_oversize(server, "/poster.jpg", JPEG_BLOCK, "image/jpeg", shape)
    target = tmp_path / "Series" / "poster.jpg"
    async with ImageDownloader() as images:
        assert images.max_bytes == DEFAULT_MAX_BYTES
        with measure_peak() as peak:
            refused = await caught(images.download(server.url("/poster.jpg"), target))
    assert peak.bytes < MEMORY_BOUND, f"{shape}: {peak}"
    assert isinstance(refused, ImageError), refused
    message = str(refused)
    if shape == "Content-Length says 1000 bytes":
        assert "not valid HTTP" in message or "not an image" in message, message
    else:
        assert f"larger than the {DEFAULT_MAX_BYTES:,} bytes allowed" in message, message
    assert not target.exists()
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


# --- redirect loops ------------------------------------------------------------------------------


async def _feed(server: HostileServer, session: aiohttp.ClientSession, url: str, tmp: Path):
    await ProviderRegistry.discover().get("feed").fetch(url, session)


async def _image(server: HostileServer, session: aiohttp.ClientSession, url: str, tmp: Path):
    async with ImageDownloader() as images:
        await images.download(url, tmp / "poster.jpg")


async def _engine(server: HostileServer, session: aiohttp.ClientSession, url: str, tmp: Path):
    async with DownloadEngine() as engine:
        await engine.download(DownloadRequest(url=url, destination=tmp / "ep.mkv"))


_Fetch = Callable[[HostileServer, aiohttp.ClientSession, str, Path], Awaitable[Any]]
LOOPING_CLIENTS: dict[str, tuple[_Fetch, type[Exception], str]] = {
    "feed": (_feed, ProviderError, "redirects more than 10 times"),
    "image": (_image, ImageError, "too many redirects"),
    "download engine": (_engine, PermanentDownloadError, "more than 10 redirects"),
}


@pytest.mark.parametrize("client", list(LOOPING_CLIENTS))
@pytest.mark.parametrize("shape", ["to itself", "between two addresses"])
async def test_redirect_loop_ends_with_a_clear_error(
    client: str, shape: str, server: HostileServer, session: aiohttp.ClientSession, tmp_path: Path
):
    fetch, error, words = LOOPING_CLIENTS[client]
    if shape == "to itself":
        server.redirect("/a", "/a", times=LOOP_GIVES_UP_AFTER)
    else:
        server.redirect("/a", server.url("/b"), status=301, times=LOOP_GIVES_UP_AFTER)
        server.redirect("/b", "/a", status=307, times=LOOP_GIVES_UP_AFTER)
    with pytest.raises(error, match=words):
        await fetch(server, session, server.url("/a"), tmp_path)
    asked = server.hits("/a") + server.hits("/b")
    assert asked <= 11, f"{client} followed {asked} redirects"
    assert listing(tmp_path) == []


async def test_tmdb_never_follows_a_redirect(server: HostileServer):
    # TMDB's API does not redirect; following one could carry the token to another host.
    server.redirect("/api/configuration", "/api/configuration", times=LOOP_GIVES_UP_AFTER)
    server.redirect("/api/search/tv", server.url("/elsewhere"), times=LOOP_GIVES_UP_AFTER)
    async with tmdb_client(server.url("/api")) as tmdb:
        with pytest.raises(MetadataError, match=r"HTTP 302"):
            await tmdb.configuration()
        with pytest.raises(MetadataError, match=r"HTTP 302"):
            await tmdb.search_tv("Harbor Lights")
    assert server.hits("/api/configuration") == 1
    assert server.hits("/api/search/tv") == 1
    assert server.hits("/elsewhere") == 0


# --- TLS ------------------------------------------------------------------------------------------


async def test_feed_from_a_self_signed_server_is_refused(
    tls_server: HostileServer, session: aiohttp.ClientSession, feed_provider: Provider
):
    with pytest.raises(ProviderError) as refused:
        await feed_provider.fetch(tls_server.url("/feed.xml"), session)
    assert str(refused.value) == (
        "The secure connection to 127.0.0.1 failed: its certificate is not valid, "
        f"so the feed {tls_server.url('/feed.xml')} was not read. {UNTRUSTED_HINT}"
    )
    assert tls_server.requests == []  # nothing was asked over the untrusted connection


async def test_download_from_a_self_signed_server_is_refused(
    tls_server: HostileServer, tmp_path: Path
):
    destination = tmp_path / "Series" / "ep.mkv"
    async with DownloadEngine() as engine:
        with pytest.raises(DownloadError) as refused:
            await engine.download(
                DownloadRequest(url=tls_server.url("/ep.mkv"), destination=destination)
            )
    assert isinstance(refused.value, PermanentDownloadError)  # retrying will not fix it
    assert str(refused.value) == (
        f"The secure connection to 127.0.0.1 failed: its certificate is not valid. {UNTRUSTED_HINT}"
    )
    assert tls_server.requests == []
    assert not destination.exists() and not DownloadEngine.part_path(destination).exists()


async def test_images_and_tmdb_from_a_self_signed_server_are_refused(
    tls_server: HostileServer, tmp_path: Path
):
    async with ImageDownloader() as images:
        with pytest.raises(ImageError, match="certificate is not valid"):
            await images.download(tls_server.url("/poster.jpg"), tmp_path / "poster.jpg")
    async with tmdb_client(tls_server.url("/api")) as tmdb:
        with pytest.raises(MetadataError, match=r"certificate of 127\.0\.0\.1 is not valid"):
            await tmdb.configuration()
    assert tls_server.requests == []
    assert not (tmp_path / "poster.jpg").exists()
