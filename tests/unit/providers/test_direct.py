from datetime import date

import aiohttp
import pytest

from aniworld_desktop.providers.base import ProviderError, check_url
from aniworld_desktop.providers.direct import DIRECT_SERIES, DirectProvider
from aniworld_desktop.providers.registry import ProviderRegistry


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


async def test_name_with_episode_marker_becomes_that_series(session):
    info = await DirectProvider().fetch(
        "https://example.test/media/Harbor.Lights.S02E03.mkv", session
    )
    assert info.title == "Harbor Lights"
    assert info.queue_now
    (episode,) = info.episodes
    assert (episode.season, episode.number) == (2, 3)


async def test_name_without_marker_joins_direct_downloads_unnumbered(session):
    info = await DirectProvider().fetch("http://example.test/clip.mp4", session)
    assert info.title == DIRECT_SERIES
    (episode,) = info.episodes
    assert episode.number is None and episode.title == "clip"


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://h/x.mp4", "data:text/plain,hi", "javascript:alert(1)", "h/x.mp4"],
)
async def test_only_http_and_https(session, url):
    with pytest.raises(ProviderError, match="Only http and https"):
        await DirectProvider().fetch(url, session)


async def test_url_without_file_name_is_refused(session):
    with pytest.raises(ProviderError, match="does not name a file"):
        await DirectProvider().fetch("https://example.test/", session)


def test_check_url_needs_a_host():
    with pytest.raises(ProviderError, match="no server name"):
        check_url("http:///x.mp4")


def test_registry_finds_the_builtin_through_its_entry_point():
    registry = ProviderRegistry.discover()
    assert "direct" in registry.names()
    assert registry.for_url("https://h/x.mp4").name == "direct"
    with pytest.raises(Exception, match="Unknown provider 'nope'"):
        registry.get("nope")


def test_third_party_provider_is_asked_before_direct():
    class Feed:
        name = "feed"

        def can_handle(self, url):
            return url.endswith(".xml")

        async def fetch(self, url, session):
            raise NotImplementedError

    registry = ProviderRegistry([DirectProvider(), Feed()])
    assert registry.for_url("https://h/podcast.xml").name == "feed"
    assert registry.for_url("https://h/a.mp4").name == "direct"


# One recogniser reads links as the scanner reads files (issue 15).


@pytest.mark.parametrize(
    ("url", "series", "season", "number", "absolute"),
    [
        ("https://h.test/Series.S03E01.S03E02.720p.HDTV.mkv", "Series", 3, 1, None),
        ("https://h.test/Series.Title.2x04.2x05.720p.BluRay-FUTV.mkv", "Series Title", 2, 4, None),
        ("https://h.test/%5BGroup%5D%20Kimi%20no%20Hana%20-%2005%20%5B1080p%5D.mkv", "Kimi no Hana", 1, 5, 5),
        ("https://h.test/Series%20Title%20-%20Temporada%202%20%5BCap.408%5D.mkv", "Series Title - Temporada 2", 4, 8, None),
    ],
)  # fmt: skip
async def test_a_link_is_read_by_the_libraries_recogniser(
    session, url, series, season, number, absolute
):
    info = await DirectProvider().fetch(url, session)
    (episode,) = info.episodes
    assert (info.title, episode.season, episode.number, episode.absolute) == (
        series, season, number, absolute
    )  # fmt: skip


async def test_a_daily_shows_link_keeps_its_air_date_and_no_number(session):
    info = await DirectProvider().fetch("https://h.test/Late.Night.2011.04.12.Guest.mkv", session)
    (episode,) = info.episodes
    assert (info.title, episode.number, episode.air_date) == ("Late Night", None, date(2011, 4, 12))


async def test_a_recap_link_joins_direct_downloads(session):
    info = await DirectProvider().fetch("https://h.test/Kimi%20no%20Hana%20-%2012.5.mkv", session)
    (episode,) = info.episodes
    assert (info.title, episode.number) == (DIRECT_SERIES, None)
