"""Only http and https are ever fetched, wherever a URL comes from.

URLs enter through a pasted or dropped link (``LibraryService.add_url`` / ``preview_url``), the
enclosures and artwork inside a feed, TMDB's configuration and image paths, a stored reference
resolved at download time, and a server's redirect. Each way in is tried with ``file:``,
``ftp:``, ``data:``, ``javascript:``, ``gopher:`` and friends; where the URL points at our own
server, the server proves that nothing was asked of it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import EventBus
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import PermanentDownloadError
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.metadata.errors import ImageError, MetadataError, TMDBBadReply
from aniworld_desktop.metadata.images import ImageDownloader
from aniworld_desktop.metadata.ratelimit import RateLimiter
from aniworld_desktop.metadata.tmdb import TMDBClient
from aniworld_desktop.providers.base import ProviderError, check_url
from aniworld_desktop.providers.feed import parse_feed
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fakes import EVERYTHING
from tests.reliability.hostile import listing
from tests.reliability.hostile_server import HostileServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tmdb"
TODAY = date(2026, 11, 24)
GOOD_VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(4096)
SECRET = "TOP-SECRET-MARKER-51c2"


def hostile_urls(port: int) -> list[str]:
    """Links no client may fetch; those with a host point at our server on ``port``."""
    here = f"127.0.0.1:{port}"
    return [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "  file:///etc/passwd  ",
        "file://localhost/etc/passwd",
        f"ftp://{here}/evil-ftp.mp4",
        "data:video/mp4;base64,AAAAGGZ0eXBtcDQy",
        "javascript:alert(document.cookie)//.mp4",
        f"gopher://{here}/_GET%20/evil-gopher.mp4",
        f"ws://{here}/evil-ws.mp4",
        f"wss://{here}/evil-wss.mp4",
        "jar:file:///tmp/x.zip!/evil.mp4",
        f"view-source:http://{here}/evil-view.mp4",
        f"smb://{here}/share/evil-smb.mp4",
        f"sftp://{here}/evil-sftp.mp4",
        f"dict://{here}/evil-dict",
        f"ldap://{here}/evil-ldap",
        f"tftp://{here}/evil-tftp.mp4",
        "mailto:someone@example.test",
        "about:blank",
        "magnet:?xt=urn:btih:0000000000000000000000000000000000000000",
        "/etc/passwd",
        "\\\\server\\share\\evil.mp4",
        "http:///etc/passwd",
        "https:/etc/passwd",
        f"//{here}/evil-scheme-relative.mp4",
    ]


PLACEHOLDER_PORT = 9
FIXED = hostile_urls(PLACEHOLDER_PORT)


def other_scheme(url: str) -> bool:
    """A URL with a scheme of its own that is not http(s) (not a link relative to a page)."""
    scheme, colon, _rest = url.strip().partition(":")
    return bool(colon) and scheme.isalpha() and scheme.lower() not in ("http", "https")


@pytest.fixture
async def server() -> AsyncIterator[HostileServer]:
    async with HostileServer() as running:
        running.add(f"/{SECRET}", SECRET.encode(), content_type="text/plain")
        yield running


def assert_only_asked(server: HostileServer, allowed: set[str]) -> None:
    asked = {seen.path for seen in server.requests}
    assert asked <= allowed, f"fetched what it must not: {sorted(asked - allowed)}"


# --- the gatekeeper -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", FIXED)
def test_check_url_refuses_every_other_scheme(url: str):
    with pytest.raises(ProviderError) as refused:
        check_url(url)
    message = str(refused.value)
    assert "Only http and https" in message or "no server name" in message


@settings(max_examples=300, deadline=None, database=None)
@given(
    scheme=st.one_of(
        st.sampled_from(["http", "HTTPS", "file", "ftp"]),
        st.from_regex(r"[A-Za-z][A-Za-z0-9+.-]{0,10}", fullmatch=True),
    ),
    rest=st.one_of(
        st.text(max_size=40),
        st.sampled_from(["//[", "//[::1", "//a]b", "//\uff03", "//host:99999999/x", "//\x00/"]),
    ),
)
@example(scheme="http", rest="//[")
@example(scheme="https", rest="//\uff03/x.mp4")
def test_check_url_lets_nothing_but_http_and_https_through(scheme: str, rest: str):
    url = f"{scheme}:{rest}"
    try:
        checked = check_url(url)
    except ProviderError:
        return
    assert scheme.lower() in ("http", "https"), url
    assert checked == url.strip()


# --- links given by the user --------------------------------------------------------------------


@dataclass
class World:
    library: LibraryService
    downloads: DownloadService
    library_dir: Path
    session: aiohttp.ClientSession


@pytest.fixture
async def world(database, tmp_path: Path) -> AsyncIterator[World]:
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    registry = ProviderRegistry.discover()
    bus = EventBus()
    async with aiohttp.ClientSession() as session, DownloadEngine() as engine:
        downloads = DownloadService(SqlQueueRepository(database), bus, engine, library_dir)
        library = LibraryService(
            CatalogRepository(database),
            downloads,
            registry,
            session,
            library_dir=library_dir,
            bus=bus,
            today=lambda: TODAY,
        )
        downloads.resolver = library.download_request
        await downloads.start()
        try:
            yield World(library, downloads, library_dir, session)
        finally:
            await downloads.stop()
            await library.flush()
            await registry.aclose()


async def test_add_and_preview_refuse_every_other_scheme(world: World, server: HostileServer):
    for url in hostile_urls(server.port):
        for provider in (None, "feed", "direct"):
            for action in (world.library.add_url, world.library.preview_url):
                with pytest.raises(UsageError):  # ProviderError is one
                    await action(url, provider)
    assert await world.library.list_series() == []
    assert world.downloads.items() == []
    assert_only_asked(server, set())


@pytest.mark.parametrize("url", ["http://[", "https://[::1/x.mp4", "https://\uff03/x.mp4"])
async def test_add_refuses_a_malformed_web_link_with_a_sentence(world: World, url: str):
    for provider in (None, "feed", "direct"):
        with pytest.raises(ProviderError, match="not a valid link"):
            await world.library.add_url(url, provider)


async def test_a_stored_reference_that_is_no_web_link_is_never_resolved(world: World):
    for url in filter(other_scheme, FIXED):
        with pytest.raises(ProviderError):
            await world.library.resolve_reference(url)


# --- links inside a feed --------------------------------------------------------------------------


def hostile_feed(port: int) -> bytes:
    items = [
        "<item><title>S01E01 The Good One</title><guid>good</guid>"
        "<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
        f'<enclosure url="/media/good.mp4" type="video/mp4" length="{len(GOOD_VIDEO)}"/>'
        '<itunes:image href="file:///etc/passwd"/>'
        '<media:thumbnail url="javascript:alert(1)"/></item>'
    ]
    # Relative links ("/etc/passwd", "//host/x", "http:///x") are http links on the feed's
    # own server once resolved: nothing hostile about their scheme.
    for number, url in enumerate(filter(other_scheme, hostile_urls(port)), 2):
        escaped = url.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        items.append(
            f"<item><title>S01E{number:02} Evil</title><guid>evil-{number}</guid>"
            "<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
            f'<enclosure url="{escaped}" type="video/mp4"/>'
            f'<media:content url="{escaped}" type="video/mp4"/>'
            f'<itunes:image href="{escaped}"/></item>'
        )
    # A relative link under a file: base resolves to file:///etc/passwd.mp4.
    items.append(
        '<item xml:base="file:///etc/"><title>S01E99 Based</title><guid>based</guid>'
        '<enclosure url="passwd.mp4" type="video/mp4"/></item>'
    )
    return (
        '<?xml version="1.0"?>\n<rss version="2.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Hostile Links</title>'
        '<itunes:image href="file:///etc/passwd"/>'
        "<image><url>data:image/png;base64,iVBORw0KGgo=</url></image>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


async def test_feed_links_that_are_no_web_links_are_never_queued_or_fetched(
    world: World, server: HostileServer
):
    server.add("/feed.xml", hostile_feed(server.port), content_type="application/rss+xml")
    server.add("/media/good.mp4", GOOD_VIDEO, content_type="video/mp4")

    name, preview = await world.library.preview_url(server.url("/feed.xml"))
    assert name == "feed"
    assert [e.url for e in preview.episodes] == [server.url("/media/good.mp4")]
    assert preview.poster_url == "" and preview.fanart_url == ""
    assert [e.image_url for e in preview.episodes] == [""]

    added = await world.library.add_url(server.url("/feed.xml"), monitoring=EVERYTHING)
    assert [e.url for e in added.episodes] == [server.url("/media/good.mp4")]
    assert added.series.poster_url == ""
    queued = await world.library.queue_missing()
    assert [request.url for request in queued.added] == [server.url("/media/good.mp4")]
    await world.downloads.wait_idle()
    (item,) = world.downloads.items()
    assert item.status is DownloadStatus.COMPLETED, item.error
    written = [p for p in world.library_dir.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in written] == [GOOD_VIDEO]
    assert_only_asked(server, {"/feed.xml", "/media/good.mp4"})


def test_feed_artwork_that_is_no_web_link_is_dropped():
    info = parse_feed(hostile_feed(PLACEHOLDER_PORT), "http://127.0.0.1:9/feed.xml")
    assert info.poster_url == ""
    assert all(e.image_url == "" for e in info.episodes)
    assert all(e.url.startswith("http://127.0.0.1:9/") for e in info.episodes)


# --- TMDB's links -----------------------------------------------------------------------------------


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.mark.parametrize(
    "base", ["file:///etc/", "ftp://127.0.0.1/t/p/", "javascript:alert(1)//", "//image.tmdb.org/t/p/",
             "data:text/plain,", "gopher://127.0.0.1/"]
)  # fmt: skip
async def test_tmdb_image_address_that_is_no_web_link_is_refused(server: HostileServer, base: str):
    configuration = fixture("configuration.json")
    configuration["images"]["secure_base_url"] = base
    configuration["images"]["base_url"] = base
    server.add(
        "/api/configuration", json.dumps(configuration).encode(), content_type="application/json"
    )
    async with TMDBClient(
        "t" * 40, api_url=server.url("/api"), limiter=RateLimiter(), sleep=_no_sleep
    ) as tmdb:
        with pytest.raises(TMDBBadReply, match="not http"):
            await tmdb.configuration()


async def test_tmdb_image_paths_cannot_point_anywhere_else(server: HostileServer):
    details = fixture("tv_details.json")
    hostile = ["file:///etc/passwd", "../../../etc/passwd.jpg", "//evil.test/x.jpg",
               "javascript:alert(1).jpg", "/x.jpg?u=file:///etc/passwd", "/a/../../b.jpg",
               "http://evil.test/x.jpg", "/\\evil.test/x.jpg"]  # fmt: skip
    details["poster_path"], details["backdrop_path"] = hostile[0], hostile[1]
    details["images"]["logos"] = [
        {"file_path": path, "iso_639_1": "en", "vote_average": 9.0, "vote_count": 9}
        for path in hostile
    ]
    for season in details["seasons"]:
        season["poster_path"] = hostile[2]
    for person in details["credits"]["cast"]:
        person["profile_path"] = hostile[3]
    server.add("/api/tv/1399", json.dumps(details).encode(), content_type="application/json")
    async with TMDBClient(
        "t" * 40, api_url=server.url("/api"), limiter=RateLimiter(), sleep=_no_sleep
    ) as tmdb:
        show = await tmdb.tv_details(1399)
    assert (show.poster_path, show.backdrop_path, show.logo_path) == ("", "", "")
    assert all(season.poster_path == "" for season in show.seasons)
    assert all(person.profile_path == "" for person in show.cast)


def test_tmdb_api_address_must_be_a_web_link():
    for url in FIXED:
        with pytest.raises(MetadataError):
            TMDBClient("t" * 40, api_url=url)


# --- the clients themselves, and redirects ------------------------------------------------------------


async def test_image_downloader_refuses_every_other_scheme(server: HostileServer, tmp_path: Path):
    async with ImageDownloader() as images:
        for url in hostile_urls(server.port):
            with pytest.raises(ImageError):
                await images.download(url, tmp_path / "poster.jpg")
    assert listing(tmp_path) == []
    assert_only_asked(server, set())


async def test_download_engine_refuses_every_other_scheme(server: HostileServer, tmp_path: Path):
    async with DownloadEngine() as engine:
        for url in hostile_urls(server.port):
            with pytest.raises(PermanentDownloadError):
                await engine.download(DownloadRequest(url=url, destination=tmp_path / "ep.mkv"))
    assert listing(tmp_path) == []
    assert_only_asked(server, set())


REDIRECT_TARGETS = ["file:///etc/passwd", "ftp://127.0.0.1/x.mp4", "data:video/mp4;base64,AAAA",
                    "javascript:alert(1)", "gopher://127.0.0.1:70/_x"]  # fmt: skip


@pytest.mark.parametrize("target", REDIRECT_TARGETS)
async def test_a_redirect_to_another_scheme_is_not_followed(
    world: World, server: HostileServer, tmp_path: Path, target: str
):
    server.redirect("/feed.xml", target)
    server.redirect("/ep.mkv", target)
    server.redirect("/poster.jpg", target)
    with pytest.raises(ProviderError, match="not an http or https address"):
        await ProviderRegistry.discover().get("feed").fetch(server.url("/feed.xml"), world.session)
    # Through the link box: the probe that guesses what a link is meets the redirect first.
    with pytest.raises(ProviderError):
        await world.library.add_url(server.url("/feed.xml"))
    async with DownloadEngine() as engine:
        with pytest.raises(PermanentDownloadError, match="cannot download from"):
            await engine.download(
                DownloadRequest(url=server.url("/ep.mkv"), destination=tmp_path / "ep.mkv")
            )
    async with ImageDownloader() as images:
        with pytest.raises(ImageError, match="not http or https"):
            await images.download(server.url("/poster.jpg"), tmp_path / "poster.jpg")
    assert listing(tmp_path) == ["library", "profile"]
    assert listing(tmp_path / "library") == []
    assert await world.library.list_series() == []
