"""SourceService: choosing a provider, storing and refreshing catalogues, links, references."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.events import EventBus, SeriesChanged
from aniworld_desktop.core.models import EpisodeKind, EpisodeRecord, SeriesRecord
from aniworld_desktop.core.naming import NamingTemplate
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.downloads.service import AddResult
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.following import SourceService, split_links
from aniworld_desktop.providers.base import EpisodeInfo, ProviderError, Validators
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from tests.fakes import FakeFeed
from tests.sentinels import TMDB_V3_KEY
from tests.unit.library.conftest import World
from tests.unit.providers.feed_server import FeedServer


class Recorder:
    """Stands in for the library: records what it is asked to queue and how often to scan."""

    def __init__(self) -> None:
        self.queued: list[tuple[SeriesRecord, list[EpisodeRecord]]] = []
        self.scans = 0
        self.scan_fails = False

    async def queue(self, series: SeriesRecord, records: Sequence[EpisodeRecord]) -> AddResult:
        self.queued.append((series, list(records)))
        return AddResult(added=[], duplicates=[])

    async def scan(self) -> None:
        self.scans += 1
        if self.scan_fails:
            raise LibraryUnavailableError("The share is gone.", Path("/nowhere"))


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def events() -> list[SeriesChanged]:
    return []


@pytest.fixture
def sources(database, session, recorder, events, tmp_path) -> tuple[SourceService, FakeFeed]:
    (tmp_path / "library").mkdir()
    bus = EventBus()
    bus.subscribe(SeriesChanged, events.append)
    source = FakeFeed()
    service = SourceService(
        CatalogRepository(database),
        ProviderRegistry([DirectProvider(), source]),
        session,
        library_dir=tmp_path / "library",
        naming=NamingTemplate(),
        queue=recorder.queue,
        scan=recorder.scan,
        bus=bus,
    )
    return service, source


async def test_a_catalogue_is_stored_and_its_unnumbered_items_keep_their_numbers(
    sources, events
) -> None:
    service, source = sources
    result = await service.add_url(" fake:harbor ")
    assert (result.provider, result.series.folder, result.queued) == (
        "fake",
        "Harbor Lights (2024)",
        None,
    )
    numbers = {e.title: (e.season, e.number, e.kind) for e in result.episodes}
    # The unnumbered trailer lives with the specials, after the one numbered there.
    assert numbers["Teaser"] == (0, 2, EpisodeKind.TRAILER)
    assert result.series.monitored and [e.series_id for e in events] == [result.series.id]

    source.info = replace(
        source.info,
        episodes=(*source.info.episodes, EpisodeInfo(1, None, "Extra", "fake:harbor/x")),
        validators=Validators(etag='"v2"'),
    )
    refreshed = await service.refresh(result.series)
    assert refreshed.changed and refreshed.episodes == 6
    catalogue = await service._catalog.episodes(result.series.id)
    assert [(e.season, e.number) for e in catalogue if e.title == "Teaser"] == [(0, 2)]
    assert [(e.season, e.number) for e in catalogue if e.title == "Extra"] == [(1, 4)]
    assert len(catalogue) == 6  # nothing stored twice


async def test_a_series_whose_folder_is_already_there_is_scanned_once_when_followed(
    sources, recorder, tmp_path
) -> None:
    service, source = sources
    await service.add_url("fake:harbor")
    assert recorder.scans == 0  # a new folder: nothing on disk to know about
    source.info = replace(source.info, title="Moon Garden", source_url="fake:moon", year=None)
    (tmp_path / "library" / "moon.garden").mkdir()
    result = await service.add_url("fake:moon")
    assert result.series.folder == "moon.garden"  # the existing folder, matched loosely
    assert recorder.scans == 1
    await service.add_url("fake:moon")  # followed already: its files are known
    assert recorder.scans == 1


async def test_a_folder_that_cannot_be_scanned_does_not_stop_following(
    sources, recorder, tmp_path
) -> None:
    service, _ = sources
    (tmp_path / "library" / "Harbor Lights").mkdir()
    recorder.scan_fails = True
    result = await service.add_url("fake:harbor")
    assert result.series.folder == "Harbor Lights" and recorder.scans == 1


async def test_a_media_link_is_queued_at_once_and_never_monitored(sources, recorder) -> None:
    service, _ = sources
    result = await service.add_url("https://cdn.example/Harbor.Lights.S01E02.mkv")
    assert result.provider == "direct" and not result.series.monitored
    ((series, records),) = recorder.queued
    assert series == result.series and [(r.season, r.number) for r in records] == [(1, 2)]
    assert recorder.scans == 0


async def test_add_links_queues_media_refuses_bad_links_and_hands_back_the_others(
    world: World,
) -> None:
    urls = [
        "http://cdn.example/Harbor.Lights.S01E01.mkv",
        "https://example.org/feed.xml",
        "ftp://cdn.example/x.mkv",
        "http://cdn.example/other.mp4",
        "https://example.org/show",
    ]
    named: list[str] = []
    result = await world.library.add_links(urls, on_link=named.append)
    assert named == ["Harbor.Lights.S01E01.mkv", "x.mkv", "other.mp4"]
    assert sorted(item.destination for item in result.queued) == [
        "Direct downloads/Season 01/Direct downloads - S01E01 - other.mp4",
        "Harbor Lights/Season 01/Harbor Lights - S01E01.mkv",
    ]
    assert all(isinstance(item, QueueItem) for item in result.queued)
    (refused,) = result.refused
    assert refused.startswith("x.mkv: Only http and https links can be added (ftp given)")
    assert result.feeds == ("https://example.org/feed.xml", "https://example.org/show")
    assert {i.id for i in world.downloads.items()} == {i.id for i in result.queued}
    again = await world.library.add_links(urls[:1])
    assert again.queued == () and again.refused == ()  # already queued: nothing new


def test_links_split_by_what_their_name_says() -> None:
    assert split_links(["http://h/a.mkv", "http://h/feed", "http://h/b.MP4?x=1"]) == (
        ["http://h/a.mkv", "http://h/b.MP4?x=1"],
        ["http://h/feed"],
    )


async def test_a_refresh_is_conditional_and_its_failure_is_kept_in_words(sources) -> None:
    service, source = sources
    await service.add_url("fake:harbor")
    (series,) = await service._catalog.list_series()  # with the validators it stored
    unchanged = await service.refresh(series)
    assert (unchanged.changed, unchanged.error) == (False, "")
    assert source.fetches[-1] == Validators(etag='"v1"')

    source.failure = ProviderError("The feed is gone (HTTP 410).")
    failed = await service.refresh(series)
    assert failed.error == "The feed is gone (HTTP 410)."
    # A plug-in that lets aiohttp's error through: its text (here with a key) is not shown.
    source.failure = aiohttp.ClientPayloadError(f"payload broken for ?api_key={TMDB_V3_KEY}")
    failed = await service.refresh(series)
    assert failed.error == "The connection broke off before the whole answer arrived."
    (stored,) = await service._catalog.list_series()
    assert stored.refresh_error == failed.error
    assert [r.error for r in await service.refresh_monitored()] == [failed.error]


async def test_a_source_without_a_catalogue_is_not_refreshed(sources) -> None:
    service, _ = sources
    series = (await service.add_url("https://cdn.example/clip.mp4")).series
    result = await service.refresh(series)
    assert (result.changed, result.error) == (False, "")


async def test_a_reference_is_resolved_when_the_download_is_due(sources) -> None:
    service, source = sources
    source.resolved["fake:harbor/1"] = "https://cdn.example/today/fog.mkv"
    source.headers, source.expected_size = {"X-Token": "t"}, 7
    key = EpisodeKey(1, 1, 1)
    item = QueueItem(
        1, 1, key, "Harbor Lights", "Fog", "fake:harbor/1", "d.mkv", DownloadStatus.PENDING, 1
    )
    request = await service.download_request(item, Path("/library/d.mkv"))
    assert (request.url, request.headers, request.expected_size) == (
        "https://cdn.example/today/fog.mkv",
        {"X-Token": "t"},
        7,
    )
    assert await service.resolve_reference("https://cdn.example/a.jpg") == (
        "https://cdn.example/a.jpg"
    )
    with pytest.raises(ProviderError, match="No provider can fetch nope:x"):
        await service.resolve_reference("nope:x")
    with pytest.raises(ProviderError, match="fake:harbor/2 is gone"):
        await service.resolve_reference("fake:harbor/2")


async def test_a_link_is_recognised_by_what_its_server_sends(sources) -> None:
    service, _ = sources
    async with FeedServer() as server:
        server.add("/catalogue", b"FAKE-CATALOGUE v1", content_type="text/plain")
        server.add("/page", b"<html>hello</html>", content_type="text/html")
        server.add("/gone", b"", status=404)
        provider, info = await service.preview_url(server.url("/catalogue"))
        assert (provider, info.title) == ("fake", "Harbor Lights")
        assert server.seen("/catalogue")[0].headers.get("Range") == "bytes=0-65535"
        with pytest.raises(ProviderError, match=r"neither a feed nor a video .*text/html"):
            await service.preview_url(server.url("/page"))
        with pytest.raises(ProviderError, match="answered HTTP 404"):
            await service.add_url(server.url("/gone"))
    assert await service._catalog.list_series() == []  # a preview stores nothing


async def test_a_server_that_cannot_be_reached_is_said_in_words(sources) -> None:
    service, _ = sources
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/show"
    with pytest.raises(ProviderError) as refused:
        await service.add_url(url)
    assert str(refused.value) == f"Could not read {url}: the connection was refused."


async def test_only_http_links_and_provider_references_are_followed(sources) -> None:
    service, _ = sources
    with pytest.raises(ProviderError, match="Only http and https links"):
        await service.add_url("file:///etc/passwd")
    with pytest.raises(AniworldError, match="Unknown provider 'nope'"):
        await service.add_url("https://example.org/feed", "nope")


async def test_the_demo_needs_the_demo_provider(sources) -> None:
    service, source = sources
    with pytest.raises(AniworldError, match="Unknown provider 'demo'"):
        await service.follow_demo()
    source.name = "demo"  # a provider by that name that is not the demo catalogue
    service._registry.register(source)
    with pytest.raises(AniworldError, match="demo catalogue is not available"):
        await service.follow_demo()


async def test_a_feed_scheme_link_is_read_as_the_http_link_it_stands_for(sources) -> None:
    """A web page's "Subscribe" (feed:, podcast:, itpc:, pcast:) reaches the same feed."""
    service, _ = sources
    async with FeedServer() as server:
        server.add("/catalogue", b"FAKE-CATALOGUE v1", content_type="text/plain")
        address = server.url("/catalogue").removeprefix("http://")
        provider, info = await service.preview_url(f"podcast:http://{address}")
        assert (provider, info.title) == ("fake", "Harbor Lights")
        result = await service.add_url(f" feed://{address} ")
        assert result.provider == "fake" and result.series.title == "Harbor Lights"
        assert [seen.path for seen in server.requests] == ["/catalogue", "/catalogue"]
    handed = await service.add_links([f"itpc://{address}", "pcast:https://example.org/p.rss"])
    assert handed.feeds == (f"http://{address}", "https://example.org/p.rss")
    with pytest.raises(ProviderError, match=r"Only http and https links .*\(feed given\)"):
        await service.add_url("feed:ftp://example.org/rss")
