"""The feed provider: parsing fixture feeds, numbering, hostile input, and HTTP against 127.0.0.1."""

from __future__ import annotations

import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aniworld_desktop.providers.base import EpisodeKind, ProviderError, SeriesInfo, Validators
from aniworld_desktop.providers.feed import MAX_FEED_BYTES, FeedProvider, parse_feed
from aniworld_desktop.providers.registry import ProviderRegistry
from tests.unit.providers.feed_server import FeedServer

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
FEED_URL = "https://feeds.example.test/show/feed.xml"


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def numbers(info: SeriesInfo) -> dict[str, tuple[int, int | None]]:
    return {episode.guid: (episode.season, episode.number) for episode in info.episodes}


def generated_feed(count: int, *, newest_first: bool = True) -> bytes:
    """A plain RSS feed of ``count`` unnumbered video items, one a day."""
    start = datetime(2000, 1, 1, 12, tzinfo=UTC)
    order = range(count - 1, -1, -1) if newest_first else range(count)
    items = "".join(
        f"<item><title>Daily clip {i}</title><guid isPermaLink='false'>clip-{i}</guid>"
        f"<pubDate>{format_datetime(start + timedelta(days=i), usegmt=True)}</pubDate>"
        f"<description>&lt;p&gt;Notes for &lt;b&gt;{i}&lt;/b&gt;&lt;/p&gt;</description>"
        f"<enclosure url='https://cdn.example.test/c/{i}.mp4' length='{i + 1}' "
        "type='video/mp4'/></item>"
        for i in order
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Dailies</title>{items}</channel></rss>"
    ).encode()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def server():
    async with FeedServer() as running:
        yield running


# --- Parsing fixture feeds ---------------------------------------------------------------------


def test_itunes_seasons_episodes_trailers_and_bonus():
    info = parse_feed(fixture("itunes.xml"), FEED_URL)
    assert info.title == "Harbor Lights"
    assert info.source_url == FEED_URL
    assert not info.queue_now
    assert info.year == 2022
    assert info.description == "A show about lighthouses & the people who keep them."
    assert info.poster_url == "https://example.test/art/cover.jpg"  # itunes:image before <image>
    assert numbers(info) == {
        "hl-s2e2": (2, 2),
        "hl-bonus": (0, 3),
        "hl-s2e1": (2, 1),
        "hl-trailer-2": (0, 2),
        "hl-s1e2": (1, 2),
        "hl-s1e1": (1, 1),
        "hl-trailer-1": (0, 1),
    }  # no media ("hl-post") and an image-only enclosure ("hl-picture") are skipped
    kinds = {episode.guid: episode.kind for episode in info.episodes}
    assert kinds["hl-bonus"] is EpisodeKind.BONUS
    assert kinds["hl-trailer-1"] is kinds["hl-trailer-2"] is EpisodeKind.TRAILER
    assert kinds["hl-s2e2"] is kinds["hl-s1e1"] is EpisodeKind.FULL


def test_itunes_item_details():
    by_guid = {e.guid: e for e in parse_feed(fixture("itunes.xml"), FEED_URL).episodes}
    storm = by_guid["hl-s2e2"]
    assert storm.title == "The Storm"
    assert storm.url == "https://feeds.example.test/show/media/s2e2.mp4"  # relative to the feed
    assert storm.size == 1234
    assert storm.air_date == date(2024, 3, 1)
    assert storm.description == "The keepers wait.\n\nThen the storm."
    assert storm.image_url == "https://example.test/art/s2e2.jpg"
    first = by_guid["hl-s1e1"]
    assert first.url == "https://cdn.example.test/s1e1.mp4"  # the video beats the audio
    assert first.size == 5_000_000_000
    assert first.description == "Where it all began."  # from content:encoded
    assert by_guid["hl-s2e1"].size is None  # length="0"
    assert by_guid["hl-s1e2"].size is None  # length="12,345"
    assert by_guid["hl-trailer-1"].size is None  # no length


def test_titles_lose_control_characters_but_keep_their_text():
    by_guid = {e.guid: e for e in parse_feed(fixture("itunes.xml"), FEED_URL).episodes}
    title = by_guid["hl-s1e2"].title
    assert title.startswith("../../etc")  # path safety is the caller's job
    assert title.endswith("Bad Title")
    assert not [c for c in title if unicodedata.category(c) == "Cc"]


def test_podcasting_2_tags_with_attributes():
    info = parse_feed(fixture("podcast20.xml"), FEED_URL)
    assert numbers(info) == {
        "da-1": (1, 1),
        "da-2": (1, 2),
        "da-3": (1, 3),
        # 3.5 is no whole number: it is numbered as if untagged, after what season 1 uses.
        "da-3.5": (1, 4),
        "da-s2-7": (2, 7),  # itunes:episode beats podcast:episode
        "da-s2-5": (2, 5),  # "5.0" is a whole number
    }
    assert [e.guid for e in info.episodes][:2] == ["da-3.5", "da-3"]  # the feed's order
    assert info.year == 2024


def test_atom_with_xml_base_and_relative_links():
    info = parse_feed(fixture("atom.xml"), FEED_URL)
    assert info.title == "Kite Diaries"
    assert info.description == "Flying kites, badly."
    assert info.poster_url == "https://videos.example.test/shows/kite/art/logo.png"
    by_guid = {e.guid: e for e in info.episodes}
    second = by_guid["urn:uuid:kite-2"]
    assert second.url == "https://videos.example.test/shows/kite/episodes/second.webm"
    assert (second.size, second.air_date, second.description) == (2048, date(2024, 4, 2), "Windy.")
    first = by_guid["urn:uuid:kite-1"]
    assert first.url == "https://videos.example.test/files/first.mp4"
    assert first.description == "Plain text: 1 < 2 & <b> stays."  # type="text" is not HTML
    third = by_guid["urn:uuid:kite-3"]
    assert third.url == "https://other.example.test/mirror/third.mp4"
    assert third.air_date == date(2024, 4, 5)  # only <updated>
    assert numbers(info) == {
        "urn:uuid:kite-1": (1, 1),
        "urn:uuid:kite-2": (1, 2),
        "urn:uuid:kite-3": (1, 3),
    }


def test_relative_links_without_xml_base_follow_the_feed_address():
    body = fixture("itunes.xml")
    info = parse_feed(body, FEED_URL, base_url="https://mirror.example.test/a/b.rss")
    assert info.source_url == FEED_URL
    assert info.episodes[0].url == "https://mirror.example.test/a/media/s2e2.mp4"


def test_numbers_from_titles():
    info = parse_feed(fixture("titles.xml"), FEED_URL)
    assert numbers(info) == {
        "ns-1": (1, 1),
        "ns-2": (1, 2),
        "ns-3": (1, 3),  # "1x03"
        "ns-bts": (1, 4),  # no marker: the lowest number season 1 does not use
        "ns-s2e1": (2, 1),
    }
    by_guid = {e.guid: e for e in info.episodes}
    assert by_guid["ns-3"].url == "http://dl.example.test/ns/ep3.mkv"  # no type: the suffix says


def test_publication_order_when_nothing_else_numbers():
    info = parse_feed(fixture("pubdate.xml"), FEED_URL)
    assert numbers(info) == {
        "sr-a": (1, 1),
        "sr-b1": (1, 2),  # same date: by guid
        "sr-b2": (1, 3),
        "sr-c": (1, 4),
        "sr-aa": (1, 5),  # undated items last, by guid
        "sr-zz": (1, 6),
    }


def test_publication_order_numbers_survive_a_refresh_with_new_items():
    before = numbers(parse_feed(fixture("pubdate.xml"), FEED_URL))
    newer = (
        b"<item><title>Sea</title><guid>sr-d</guid><pubDate>Thu, 04 Jan 2024 06:00:00 GMT"
        b"</pubDate><enclosure url='https://example.test/sr/d.mp4' type='video/mp4'/></item>"
    )
    body = fixture("pubdate.xml").replace(
        b"<title>Slow Rivers</title>", b"<title>Slow Rivers</title>" + newer
    )
    after = numbers(parse_feed(body, FEED_URL))
    dated = {guid: number for guid, number in before.items() if guid not in ("sr-aa", "sr-zz")}
    assert {guid: after[guid] for guid in dated} == dated
    assert after["sr-d"] == (1, 5)


def test_duplicate_numbers_the_older_item_keeps_it():
    body = fixture("titles.xml").replace(b"Night Shift S02E01 Days", b"Night Shift S01E02 Again")
    info = parse_feed(body, FEED_URL)
    assert numbers(info)["ns-2"] == (1, 2)
    assert numbers(info)["ns-s2e1"] == (1, 5)


def test_repeated_guid_is_read_once():
    item = (
        b"<item><title>x</title><guid>same</guid><enclosure url='https://h.test/{}.mp4' "
        b"type='video/mp4'/></item>"
    )
    body = b"<rss version='2.0'><channel><title>T</title>%s%s</channel></rss>" % (
        item.replace(b"{}", b"1"),
        item.replace(b"{}", b"2"),
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.url == "https://h.test/1.mp4"


def test_non_web_enclosures_are_skipped():
    body = (
        b"<rss version='2.0'><channel><title>T</title>"
        b"<item><guid>a</guid><enclosure url='file:///etc/passwd' type='video/mp4'/></item>"
        b"<item><guid>b</guid><enclosure url='javascript:alert(1)' type='video/mp4'/></item>"
        b"<item><guid>c</guid><enclosure url='https://h.test/ok.mp4' type='video/mp4'/></item>"
        b"</channel></rss>"
    )
    assert [e.guid for e in parse_feed(body, FEED_URL).episodes] == ["c"]


def test_a_channel_without_items_is_an_empty_series():
    info = parse_feed(b"<rss version='2.0'><channel><title>Soon</title></channel></rss>", FEED_URL)
    assert (info.title, info.episodes, info.year) == ("Soon", (), None)


def test_a_blog_feed_without_media_is_refused():
    body = (
        b"<rss version='2.0'><channel><title>Blog</title>"
        b"<item><title>Words</title><link>https://h.test/post</link></item></channel></rss>"
    )
    with pytest.raises(ProviderError, match="not a podcast or video feed: none of its 1 items"):
        parse_feed(body, FEED_URL)


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (fixture("not_a_feed.html"), "web page"),
        (fixture("not_a_feed.json"), "JSON"),
        (b"", "empty"),
        (b"\x00\xff garbage \x89PNG", "not RSS or Atom"),
        (b"<rss version='2.0'></rss>", "neither a title nor items"),
        (b"<?xml version='1.0'?><urlset><url><loc>https://h.test/</loc></url></urlset>", "not RSS"),
    ],
)
def test_not_a_feed(body, what):
    with pytest.raises(ProviderError, match=f"is not a podcast or video feed .*{what}"):
        parse_feed(body, FEED_URL)


def test_ten_thousand_items(capsys):
    body = generated_feed(10_000)
    started = time.perf_counter()
    info = parse_feed(body, FEED_URL)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n10,000-item feed ({len(body) / 1e6:.1f} MB) parsed in {elapsed:.2f} s")
    assert len(info.episodes) == 10_000
    assert {(e.season, e.number) for e in info.episodes} == {(1, n) for n in range(1, 10_001)}
    by_guid = {e.guid: e.number for e in info.episodes}
    assert by_guid["clip-0"] == 1 and by_guid["clip-9999"] == 10_000
    assert info.episodes[0].description == "Notes for 9999"


# --- Hostile documents -------------------------------------------------------------------------


def test_billion_laughs_is_refused():
    with pytest.raises(ProviderError, match="declares XML entities"):
        parse_feed(fixture("billion_laughs.xml"), FEED_URL)


def test_external_entity_is_refused_without_reading_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    body = fixture("external_entity.xml").replace(b"file:///etc/passwd", secret.as_uri().encode())
    with pytest.raises(ProviderError, match="declares XML entities") as caught:
        parse_feed(body, FEED_URL)
    assert "TOP-SECRET-MARKER" not in str(caught.value)


def test_entities_in_a_malformed_document_are_refused_too():
    # Not well-formed, so only feedparser's lenient reader could read it: refuse it first.
    body = fixture("billion_laughs.xml").replace(b"</channel>", b"</chanel>")
    with pytest.raises(ProviderError, match="declares XML entities"):
        parse_feed(body, FEED_URL)


def test_a_body_that_names_a_local_file_is_not_opened(tmp_path):
    # feedparser opens a str or bytes argument as a file name when it can; we never let it.
    target = tmp_path / "feed.xml"
    target.write_bytes(fixture("titles.xml"))
    with pytest.raises(ProviderError, match="not a podcast or video feed"):
        parse_feed(str(target).encode(), FEED_URL)


def test_external_dtd_reference_without_entities_is_fine():
    body = fixture("titles.xml").replace(
        b"<rss version",
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version',
    )
    assert len(parse_feed(body, FEED_URL).episodes) == 5


def test_malformed_but_readable_feed_is_read_leniently():
    body = fixture("titles.xml").replace(b"Shifts, in order.", b"Shifts &nbsp; & more")
    info = parse_feed(body, FEED_URL)
    assert numbers(info)["ns-3"] == (1, 3)


@settings(max_examples=150, deadline=None, database=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_series_or_a_provider_error(body):
    try:
        result = parse_feed(body, FEED_URL)
    except ProviderError:
        return
    assert isinstance(result, SeriesInfo)


_TEMPLATE = (
    "<?xml version='1.0'?><rss version='2.0' xmlns:itunes='http://www.itunes.com/dtds/"
    "podcast-1.0.dtd' xmlns:podcast='https://podcastindex.org/namespace/1.0'><channel>"
    "<title>{0}</title><description>{1}</description><item><title>{2}</title><guid>{3}</guid>"
    "<pubDate>{4}</pubDate><itunes:season>{5}</itunes:season><itunes:episode>{6}"
    "</itunes:episode><itunes:episodeType>{7}</itunes:episodeType><podcast:episode a='{8}'>{9}"
    "</podcast:episode><enclosure url='{10}' length='{11}' type='{12}'/><description>{13}"
    "</description></item></channel></rss>"
)


_ANY_TEXT = st.text(max_size=40)
_NUMBER_TEXT = st.one_of(
    _ANY_TEXT,
    st.integers(-5, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
_FIELDS = st.tuples(
    _ANY_TEXT,  # channel title
    _ANY_TEXT,  # channel description
    _ANY_TEXT,  # item title
    _ANY_TEXT,  # guid
    st.one_of(_ANY_TEXT, st.just("Tue, 02 Jan 2024 10:00:00 GMT")),
    _NUMBER_TEXT,  # itunes:season
    _NUMBER_TEXT,  # itunes:episode
    st.one_of(_ANY_TEXT, st.sampled_from(["full", "trailer", "bonus", "TRAILER "])),
    _ANY_TEXT,  # an attribute of podcast:episode
    _NUMBER_TEXT,  # podcast:episode
    st.one_of(_ANY_TEXT, st.sampled_from(["https://h.test/a.mp4", "media/b.mkv", "//h.test/c"])),
    _NUMBER_TEXT,  # length
    st.one_of(_ANY_TEXT, st.sampled_from(["video/mp4", "audio/mpeg", "", "image/png"])),
    _ANY_TEXT,  # item description
)


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_FIELDS)
def test_any_text_in_a_feed_gives_a_series_or_a_provider_error(fields):
    body = _TEMPLATE.format(*fields).encode("utf-8", "surrogatepass")
    try:
        result = parse_feed(body, FEED_URL)
    except ProviderError:
        return
    for episode in result.episodes:
        assert episode.url.startswith(("http://", "https://"))
        assert episode.number is not None and 0 <= episode.number <= 999_999
        assert 0 <= episode.season <= 999_999
        assert episode.size is None or episode.size > 0
        assert not [c for c in episode.title if unicodedata.category(c) == "Cc"]


# --- Recognising a feed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "head", "expected"),
    [
        ("application/rss+xml", b"<?xml version='1.0'?>\n<rss version='2.0'>", True),
        ("text/html; charset=utf-8", b"\xef\xbb\xbf  <?xml version='1.0'?><rss>", True),
        ("application/atom+xml", b"<feed xmlns='http://www.w3.org/2005/Atom'>", True),
        ("text/plain", b"<!-- generated -->\n<?xml-stylesheet href='x.xsl'?><feed>", True),
        ("application/xml", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf'>", True),
        ("text/xml", b"<!DOCTYPE rss [<!ENTITY a 'b>c'>]>\n<rss>", True),
        ("application/octet-stream", "<rss>".encode("utf-16"), True),
        ("application/rss+xml", b"<!DOCTYPE html><html><head>", False),
        ("text/html", b"<!doctype html>\n<html lang='en'>", False),
        ("application/json", b'{"version": "https://jsonfeed.org/version/1.1"}', False),
        ("application/xml", b"<?xml version='1.0'?><urlset>", False),
        ("application/rss+xml", b"", True),
        ("application/xml", b"<!-- a very long comment that the head cuts", True),
        ("text/html", b"", False),
        ("video/mp4", b"\x00\x00\x00\x18ftypmp42", False),
    ],
)
def test_recognises(content_type, head, expected):
    assert FeedProvider().recognises(content_type, head) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.test/podcast.xml", True),
        ("https://example.test/show.rss", True),
        ("https://example.test/show.atom", True),
        ("https://example.test/feed", True),
        ("https://example.test/feed/podcast/", True),
        ("https://example.test/blog/rss", True),
        ("https://example.test/?feed=rss2", True),
        ("https://feeds.example.test/harbor", True),
        ("https://example.test/rss/episode.mp4", False),
        ("https://example.test/watch/episode", False),
        ("https://example.test/feedback", False),
        ("ftp://example.test/feed.xml", False),
        ("file:///home/me/feed.xml", False),
        ("http://[::1/feed.xml", False),
    ],
)
def test_can_handle(url, expected):
    assert FeedProvider().can_handle(url) is expected


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(max_size=80), st.binary(max_size=200))
def test_guessing_never_raises(text, head):
    provider = FeedProvider()
    assert isinstance(provider.can_handle(text), bool)
    assert isinstance(provider.recognises(text, head), bool)


def test_registered_under_the_entry_point():
    registry = ProviderRegistry.discover()
    assert registry.get("feed").name == "feed"
    assert registry.for_url("https://example.test/podcast.rss").name == "feed"


async def test_resolve_is_the_enclosure_itself(session):
    resolved = await FeedProvider().resolve(" https://cdn.example.test/a.mp4 ", session)
    assert resolved.url == "https://cdn.example.test/a.mp4"
    with pytest.raises(ProviderError, match="Only http and https"):
        await FeedProvider().resolve("file:///etc/passwd", session)


# --- Over HTTP ---------------------------------------------------------------------------------


async def test_fetch_returns_the_series_and_its_validators(server, session):
    server.add(
        "/feed.xml",
        fixture("itunes.xml"),
        etag='"v1"',
        last_modified="Fri, 01 Mar 2024 10:00:00 GMT",
    )
    info = await FeedProvider().fetch(server.url("/feed.xml"), session)
    assert info is not None
    assert info.title == "Harbor Lights"
    assert info.validators == Validators('"v1"', "Fri, 01 Mar 2024 10:00:00 GMT")
    assert info.episodes[0].url == server.url("/media/s2e2.mp4")
    (request,) = server.seen("/feed.xml")
    assert "gzip" in request.headers["Accept-Encoding"]
    assert "application/rss+xml" in request.headers["Accept"]
    assert "If-None-Match" not in request.headers


async def test_not_modified_by_etag(server, session):
    server.add("/feed.xml", fixture("titles.xml"), etag='"abc"')
    provider = FeedProvider()
    first = await provider.fetch(server.url("/feed.xml"), session)
    assert first is not None
    assert await provider.fetch(server.url("/feed.xml"), session, first.validators) is None
    assert server.seen("/feed.xml")[1].headers["If-None-Match"] == '"abc"'
    assert server.seen("/feed.xml")[1].status == 304


async def test_not_modified_by_last_modified(server, session):
    stamp = "Tue, 16 Jan 2024 08:00:00 GMT"
    server.add("/feed.xml", fixture("titles.xml"), last_modified=stamp)
    result = await FeedProvider().fetch(
        server.url("/feed.xml"), session, Validators(last_modified=stamp)
    )
    assert result is None
    (request,) = server.seen("/feed.xml")
    assert request.headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in request.headers


async def test_changed_feed_answers_with_new_validators(server, session):
    server.add("/feed.xml", fixture("titles.xml"), etag='"new"')
    info = await FeedProvider().fetch(server.url("/feed.xml"), session, Validators(etag='"old"'))
    assert info is not None and info.validators.etag == '"new"'


async def test_gzip_encoded_feed(server, session):
    server.add("/feed.xml", fixture("podcast20.xml"), gzip=True)
    info = await FeedProvider().fetch(server.url("/feed.xml"), session)
    assert info is not None and len(info.episodes) == 6


async def test_gzip_is_decoded_even_when_the_session_would_not(server):
    server.add("/feed.xml", fixture("podcast20.xml"), gzip=True)
    async with aiohttp.ClientSession(auto_decompress=False) as raw:
        info = await FeedProvider().fetch(server.url("/feed.xml"), raw)
    assert info is not None and len(info.episodes) == 6


async def test_redirect_keeps_the_url_as_given(server, session):
    server.add("/new/feed.xml", fixture("itunes.xml"))
    server.redirect("/old.rss", "/moved")
    server.redirect("/moved", "/new/feed.xml", status=302)
    info = await FeedProvider().fetch(server.url("/old.rss"), session)
    assert info is not None
    assert info.source_url == server.url("/old.rss")
    # Relative links belong to where the document really is.
    assert info.episodes[0].url == server.url("/new/media/s2e2.mp4")


async def test_redirect_loop_is_an_error(server, session):
    server.redirect("/loop", "/loop")
    with pytest.raises(ProviderError, match="redirects more than 10 times"):
        await FeedProvider().fetch(server.url("/loop"), session)


@pytest.mark.parametrize(
    ("name", "content_type", "what"),
    [
        ("not_a_feed.html", "text/html; charset=utf-8", "web page"),
        ("not_a_feed.json", "application/json", "JSON"),
    ],
)
async def test_fetching_something_else_is_an_error(server, session, name, content_type, what):
    server.add("/feed", fixture(name), content_type=content_type)
    with pytest.raises(ProviderError, match=f"is not a podcast or video feed .*{what}"):
        await FeedProvider().fetch(server.url("/feed"), session)


@pytest.mark.parametrize("status", [404, 410, 500])
async def test_error_status(server, session, status):
    if status != 404:
        server.add("/feed.xml", b"nope", status=status, content_type="text/plain")
    with pytest.raises(ProviderError, match=f"The server answered {status} .*for the feed"):
        await FeedProvider().fetch(server.url("/feed.xml"), session)


async def test_unexpected_304_without_validators_is_an_error(server, session):
    server.add("/feed.xml", b"", status=304)
    with pytest.raises(ProviderError, match="answered 304"):
        await FeedProvider().fetch(server.url("/feed.xml"), session)


async def test_feed_over_the_cap_with_content_length(server, session):
    server.add("/big.xml", b" " * (MAX_FEED_BYTES + 1))
    with pytest.raises(ProviderError, match="larger than 20 MiB"):
        await FeedProvider().fetch(server.url("/big.xml"), session)


async def test_feed_over_the_cap_without_content_length(server, session):
    body = fixture("titles.xml") + b" " * MAX_FEED_BYTES
    server.add("/big.xml", body, chunked=True)
    with pytest.raises(ProviderError, match="larger than 20 MiB"):
        await FeedProvider().fetch(server.url("/big.xml"), session)
    assert "Content-Length" not in server.seen("/big.xml")[0].headers


async def test_gzip_bomb_is_stopped_at_the_cap(server, session):
    server.add("/bomb.xml", b"<rss>" + b" " * (2 * MAX_FEED_BYTES), gzip=True)
    with pytest.raises(ProviderError, match="larger than 20 MiB"):
        await FeedProvider().fetch(server.url("/bomb.xml"), session)


async def test_a_feed_just_under_a_small_cap_is_read(server, session):
    body = fixture("titles.xml")
    server.add("/feed.xml", body, chunked=True)
    assert await FeedProvider(max_bytes=len(body)).fetch(server.url("/feed.xml"), session)
    with pytest.raises(ProviderError, match=f"larger than {len(body) - 1:,} bytes"):
        await FeedProvider(max_bytes=len(body) - 1).fetch(server.url("/feed.xml"), session)


async def test_silent_server_times_out(server, session):
    server.add("/slow.xml", b"", hang=True)
    provider = FeedProvider(timeout=aiohttp.ClientTimeout(total=0.2))
    with pytest.raises(ProviderError, match="did not answer in time"):
        await provider.fetch(server.url("/slow.xml"), session)


async def test_unreachable_server_is_an_error(session):
    with pytest.raises(ProviderError, match="could not be downloaded"):
        await FeedProvider().fetch("http://127.0.0.1:9/feed.xml", session)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "feed.xml"])
async def test_only_http_and_https(session, url):
    with pytest.raises(ProviderError, match="Only http and https"):
        await FeedProvider().fetch(url, session)


async def test_ten_thousand_items_over_http(server, session):
    server.add("/big.xml", generated_feed(10_000, newest_first=False), gzip=True)
    info = await FeedProvider().fetch(server.url("/big.xml"), session)
    assert info is not None
    assert len({(e.season, e.number) for e in info.episodes}) == 10_000


@pytest.mark.parametrize("title", [b"T", b"T &nbsp; not well-formed"])
def test_guids_are_kept_as_written(title):
    body = (
        b"<rss version='2.0'><channel><title>" + title + b"</title>"
        b"<item><guid>urn:uuid:0b8e</guid><enclosure url='https://h.test/1.mp4'/></item>"
        b"<item><guid>tag:h.test,2024:2</guid><enclosure url='https://h.test/2.mp4'/></item>"
        b"<item><guid>ep-3</guid><enclosure url='https://h.test/3.mp4'/></item>"
        b"</channel></rss>"
    )
    guids = [e.guid for e in parse_feed(body, FEED_URL).episodes]
    assert guids == ["urn:uuid:0b8e", "tag:h.test,2024:2", "ep-3"]


def test_relative_xml_base_is_relative_to_the_feed():
    body = (
        b"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='shows/kite/'><title>K</title>"
        b"<entry><id>urn:k:1</id><title>One</title>"
        b"<link rel='enclosure' type='video/mp4' href='one.mp4'/></entry></feed>"
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.url == "https://feeds.example.test/show/shows/kite/one.mp4"


def test_an_unknown_charset_from_the_server_is_ignored():
    info = parse_feed(fixture("titles.xml"), FEED_URL, charset="x-no-such-charset")
    assert info.title == "Night Shift"


# --- Real feeds that were read wrongly (issue 15), each with the snippet that failed ------------


def _rss(items: str, namespaces: str = "") -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8' ?><rss version='2.0' {namespaces}><channel>"
        f"<title>title</title>{items}</channel></rss>"
    ).encode()


def test_a_two_digit_year_is_read_as_rfc_5322_reads_it():
    """AntennaPod's rss2-basic feed: "01 Jan 70" is 1970, not 2070 (never released)."""
    body = _rss(
        "<item><title>item-0</title><pubDate>01 Jan 70 01:00:00 +0100</pubDate>"
        "<guid>http://example.com/item-0</guid>"
        "<enclosure url='http://example.com/media-0' length='1048576' type='audio/mp3' /></item>"
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.air_date == date(1970, 1, 1)


@pytest.mark.parametrize(
    ("written", "year"),
    [("Sat, 01 Jan 00 12:00:00 GMT", 2000), ("Fri, 01 Jan 49 12:00:00 GMT", 1949),
     ("Sun, 01 Jan 50 12:00:00 GMT", 1950), ("Fri, 01 Jan 99 12:00:00 GMT", 1999),
     ("Tue, 01 Jan 24 12:00:00 GMT", 2024), ("Sat, 01 Jan 2070 12:00:00 GMT", 2070)],
)  # fmt: skip
def test_two_digit_years_never_land_after_next_year(written, year):
    """00-49 are 2000-2049 (RFC 5322 4.3), unless that is after next year: "49" is 1949 now.
    Four digits are taken as written."""
    from aniworld_desktop.providers.feed_dates import _rfc822_date

    when = _rfc822_date(written, date(2026, 11, 24))
    assert when is not None and when.year == year


@pytest.mark.parametrize(
    ("written", "aired"),
    [
        # launched.xml (partytime): the 14th in UTC, the 13th where it was published.
        ("Fri, 13 Dec 2019 20:00:00 -0600", date(2019, 12, 13)),
        # giantbomb.rss: a named zone.
        ("Tue, 11 Mar 2008 19:39:00 PST", date(2008, 3, 11)),
        ("Wed, 13 Sep 2023 21:00:19 -0500", date(2023, 9, 13)),
        ("Mon, 01 Jan 2024 00:30:00 +0900", date(2024, 1, 1)),  # the 31st in UTC
    ],
)
def test_air_dates_are_the_dates_the_feed_wrote(written, aired):
    body = _rss(
        f"<item><title>x</title><guid>g</guid><pubDate>{written}</pubDate>"
        "<enclosure url='https://h.test/x.mp3' type='audio/mpeg'/></item>"
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.air_date == aired


def test_an_atom_date_keeps_its_offset():
    body = (
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>K</title><entry><id>urn:k:1</id>"
        b"<title>One</title><published>2024-03-01T23:30:00-08:00</published>"
        b"<link rel='enclosure' type='video/mp4' href='https://h.test/one.mp4'/></entry></feed>"
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.air_date == date(2024, 3, 1)


def test_order_still_follows_the_instant_across_offsets():
    body = _rss(
        "<item><title>later</title><guid>b</guid><pubDate>Mon, 01 Jan 2024 23:00:00 -0800"
        "</pubDate><enclosure url='https://h.test/b.mp3' type='audio/mpeg'/></item>"
        "<item><title>earlier</title><guid>a</guid><pubDate>Tue, 02 Jan 2024 06:00:00 +0000"
        "</pubDate><enclosure url='https://h.test/a.mp3' type='audio/mpeg'/></item>"
    )
    assert numbers(parse_feed(body, FEED_URL)) == {"a": (1, 1), "b": (1, 2)}


def test_a_blog_whose_media_content_is_pictures_is_refused():
    """TechCrunch (feedjira): every item's media:content is an illustration or an avatar."""
    body = _rss(
        "<item><title>Angie's List</title><guid>tc-1</guid>"
        "<media:content url='http://tctechcrunch2011.files.wordpress.com/2011/11/angies-list.jpeg"
        "?w=150' medium='image'><media:title type='html'>angies-list</media:title>"
        "</media:content><media:content url='http://1.gravatar.com/avatar/bbce6c3c48f821c81c01"
        "9600a5589ae6?s=96&amp;d=identicon&amp;r=G' medium='image'>"
        "<media:title type='html'>chris</media:title></media:content></item>",
        "xmlns:media='http://search.yahoo.com/mrss/'",
    )
    with pytest.raises(ProviderError, match="none of its 1 items links a video or audio file"):
        parse_feed(body, FEED_URL)


def test_a_picture_beside_a_video_is_not_the_episode():
    body = _rss(
        "<item><title>Clip</title><guid>c</guid>"
        "<media:content url='https://h.test/avatar?s=96' medium='image'/>"
        "<media:content url='https://h.test/clip' medium='video'/></item>",
        "xmlns:media='http://search.yahoo.com/mrss/'",
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.url == "https://h.test/clip"


def test_podcast_numbers_under_the_namespaces_original_uri():
    """rssreader's podcast-example1 and partytime's feeds declare the namespace by the URI of
    its first publication."""
    body = _rss(
        "<item><title>Episode 3 - The Future</title><guid>pc-3</guid>"
        "<podcast:season name='Podcasting 2.0'>2</podcast:season>"
        "<podcast:episode>3</podcast:episode>"
        "<enclosure url='https://example.com/file-03.mp3' length='43200000' type='audio/mpeg'/>"
        "</item><item><title>Episode 1.3</title><guid>pc-1.3</guid>"
        "<podcast:season name='Podcasting 2.0'>2</podcast:season>"
        "<podcast:episode display='S1E3'>1.3</podcast:episode>"
        "<enclosure url='https://example.com/file-13.mp3' type='audio/mpeg'/></item>",
        "xmlns:podcast='https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md'",
    )
    info = parse_feed(body, FEED_URL)
    assert numbers(info)["pc-3"] == (2, 3)
    assert numbers(info)["pc-1.3"] == (2, 1)  # a decimal number names none; season 2 stays


def test_an_item_with_only_itunes_title_gets_it():
    """rssreader's itunes-podcast feed: the trailer has an itunes:title and no title."""
    body = _rss(
        "<item><itunes:episodeType>trailer</itunes:episodeType>"
        "<itunes:title>Hiking Treks Trailer</itunes:title>"
        "<enclosure length='498537' type='audio/mpeg' "
        "url='http://example.com/podcasts/everything/AllAboutEverythingEpisode4.mp3'/>"
        "<guid>D03EEC9B-B1B4-475B-92C8-54F853FA2A22</guid></item>",
        "xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'",
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.title == "Hiking Treks Trailer"


def test_an_item_without_any_title_is_named_after_its_file():
    """AntennaPod's media-content-mime feed: one media:content and nothing else."""
    body = (
        b"<?xml version='1.0' encoding='UTF-8' ?><rss version=\"2.0\" "
        b'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>title</title>'
        b"<description>This is the description</description><link>http://example.com</link>"
        b'<item xmlns:media="http://search.yahoo.com/mrss/"><media:content '
        b'url="https://www.example.com/file.mp4" medium="video" /></item></channel></rss>'
    )
    (episode,) = parse_feed(body, FEED_URL).episodes
    assert episode.title == "file"


def test_titles_number_items_only_by_markers():
    """A podcast's "Part 2" or "#12" is no episode number; "S03 Episode 09" is (Serial)."""
    body = _rss(
        "<item><title>S03 Episode 09: Some Time When Everything Has Changed</title><guid>s9</guid>"
        "<pubDate>Thu, 01 Nov 2018 09:00:00 GMT</pubDate>"
        "<enclosure url='https://h.test/s9.mp3' type='audio/mpeg'/></item>"
        "<item><title>Interview, Part 2</title><guid>p2</guid>"
        "<pubDate>Fri, 02 Nov 2018 09:00:00 GMT</pubDate>"
        "<enclosure url='https://h.test/p2.mp3' type='audio/mpeg'/></item>"
        "<item><title>#12: Twelve things</title><guid>n12</guid>"
        "<pubDate>Sat, 03 Nov 2018 09:00:00 GMT</pubDate>"
        "<enclosure url='https://h.test/n12.mp3' type='audio/mpeg'/></item>"
    )
    assert numbers(parse_feed(body, FEED_URL)) == {"s9": (3, 9), "p2": (1, 1), "n12": (1, 2)}
