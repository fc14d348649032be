"""OPML import and export: real-world shapes (gPodder, AntennaPod, Pocket Casts, Overcast),
following each feed through the normal add path against a real server, and hostile files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.core.models import SeriesCounts, SeriesRecord, SeriesSummary
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.opml import (
    MAX_DEPTH,
    MAX_OPML_BYTES,
    OpmlError,
    OpmlFeed,
    exportable_feeds,
    follow_feeds,
    read_opml,
    read_opml_file,
    write_opml,
)
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.direct import DirectProvider
from aniworld_desktop.providers.feed import FeedProvider
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fakes import ScriptedDownloader
from tests.unit.providers.feed_server import FeedServer

FIXTURES = Path(__file__).parents[2] / "fixtures"
OPML = FIXTURES / "opml"
SERVER = "http://127.0.0.1:8"


def fixture(name: str, server: str = SERVER) -> bytes:
    text = (OPML / name).read_text(encoding="utf-8")
    return (
        text.replace("{server}", server).replace("{host}", server.removeprefix("http://")).encode()
    )


def test_gpodder_export_lists_its_feeds_with_titles_and_pages() -> None:
    reading = read_opml(fixture("gpodder.opml"))
    assert reading.feeds == (
        OpmlFeed("Harbor Lights", f"{SERVER}/harbor.xml", "https://harbor.example/"),
        OpmlFeed("Paper Moons & Other Tales", f"{SERVER}/moons.xml"),
        OpmlFeed("Gone Feed", f"{SERVER}/gone.xml"),
    )
    assert (reading.skipped, reading.duplicates) == ((), 0)


def test_antennapod_export_keeps_the_feeds_and_names_what_cannot_be_followed() -> None:
    reading = read_opml(fixture("antennapod.opml"))
    assert [feed.title for feed in reading.feeds] == ["Harbor Lights", "Not A Feed"]
    assert reading.skipped == (
        "Old FTP Show: only http and https feeds can be followed (ftp://ftp.example/show.xml).",
    )


def test_pocket_casts_nests_its_feeds_in_a_folder() -> None:
    reading = read_opml(fixture("pocketcasts.opml"))
    assert [(feed.title, feed.xml_url) for feed in reading.feeds] == [
        ("Harbor Lights", f"{SERVER}/harbor.xml"),
        ("Paper Moons & Other Tales", f"{SERVER}/moons.xml"),
    ]


def test_overcast_episodes_inside_a_feed_are_not_feeds_and_a_repeat_counts_once() -> None:
    reading = read_opml(fixture("overcast.opml"))
    # The feed:// repeat is the same feed; the episodes and the playlist are no feeds at all.
    assert reading.feeds == (
        OpmlFeed("Harbor Lights", f"{SERVER}/harbor.xml", "https://harbor.example/"),
    )
    assert (reading.skipped, reading.duplicates) == ((), 1)


def test_nested_folders_links_media_and_odd_attributes() -> None:
    document = b"""<?xml version="1.0"?>
    <opml version="2.0"><head/><body>
      <outline text="Video">
        <outline text="Anime">
          <outline TEXT="Loud" XMLURL="pcast:https://a.example/feed" />
          <outline text="A clip" xmlUrl="https://cdn.example/clip.mp4"/>
        </outline>
      </outline>
      <outline text="Blog" type="link" url="https://blog.example/"/>
      <outline text="Empty address" xmlUrl="   "/>
      <outline text="No host" xmlUrl="https://"/>
      <outline xmlUrl="http://b.example/rss"/>
      <outline text="Heading only"/>
    </body></opml>"""
    reading = read_opml(document)
    assert reading.feeds == (
        OpmlFeed("Loud", "https://a.example/feed"),
        OpmlFeed("http://b.example/rss", "http://b.example/rss"),
    )
    assert reading.skipped == (
        "A clip: https://cdn.example/clip.mp4 is a video file, not a feed.",
        "Blog: it is a link to a web page, not a feed.",
        "No host: its address has no server name (https://).",
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", r"not an OPML file: its XML is broken at line 1"),
        (
            b"<html><body>hello</body></html>",
            r"not an OPML file \(it is XML, but its root is <html>\)",
        ),
        (b"<opml version='2.0'><head/></opml>", r"has no <body>"),
        (b"\xff\xfe\x00garbage", r"its XML is broken"),
        (
            b"<?xml version='1.0'?><!DOCTYPE opml [<!ENTITY a 'aaaaaaaaaa'>"
            b"<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
            b"<opml><body><outline text='&b;' xmlUrl='http://x.example/'/></body></opml>",
            r"declares XML entities",
        ),
        (
            b"<?xml version='1.0'?><!DOCTYPE opml [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
            b"<opml><body><outline text='&x;' xmlUrl='http://x.example/'/></body></opml>",
            r"declares XML entities",
        ),
    ],
)
def test_hostile_and_broken_files_are_refused_with_a_sentence(
    document: bytes, message: str
) -> None:
    with pytest.raises(OpmlError, match=message):
        read_opml(document, name="subs.opml")


def test_size_and_depth_are_bounded(tmp_path: Path) -> None:
    with pytest.raises(OpmlError, match="larger than 10 MiB"):
        read_opml(b" " * (MAX_OPML_BYTES + 1))

    def nested(depth: int) -> bytes:
        folders = "<outline text='folder'>" * depth
        feed = "<outline text='deep' xmlUrl='http://deep.example/'/>"
        return f"<opml><body>{folders}{feed}{'</outline>' * depth}</body></opml>".encode()

    assert [f.title for f in read_opml(nested(MAX_DEPTH - 1)).feeds] == ["deep"]
    assert read_opml(nested(MAX_DEPTH + 5)).feeds == ()  # deeper than anybody files a feed
    big = tmp_path / "big.opml"
    big.write_bytes(b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>")
    with pytest.raises(OpmlError, match=r"big\.opml is larger"):
        read_opml_file(big)
    with pytest.raises(OpmlError, match=r"missing.opml could not be read: no such file"):
        read_opml_file(tmp_path / "missing.opml")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_feeds_or_an_opml_error(data: bytes) -> None:
    try:
        reading = read_opml(b"<opml><body>" + data + b"</body></opml>")
    except OpmlError:
        return
    for feed in reading.feeds:
        assert feed.xml_url.startswith(("http://", "https://"))


# --------------------------------------------------------------------------------- exporting


def summary(series_id: int, title: str, provider: str, url: str) -> SeriesSummary:
    record = SeriesRecord(series_id, title, provider, url, title)
    return SeriesSummary(record, SeriesCounts())


def test_export_lists_the_feeds_and_reads_back_the_same() -> None:
    summaries = [
        summary(1, "Paper Moons", "feed", "https://moons.example/rss"),
        summary(2, "Direct downloads", "direct", "https://cdn.example/a.mp4"),
        summary(3, "Harbor Lights", "demo", "demo:harbor-lights"),
        summary(
            4, 'Ampersand & "quotes" <tags>\x00\x1b\u202e', "feed", "http://amp.example/f?a=1&b=2"
        ),
    ]
    feeds = exportable_feeds(summaries)
    assert [f.title for f in feeds] == ['Ampersand & "quotes" <tags>\x00\x1b\u202e', "Paper Moons"]
    created = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    document = write_opml(feeds, created=created)
    root = ET.fromstring(document)  # well-formed: the control characters are gone
    assert root.get("version") == "2.0"
    assert root.findtext("head/dateCreated") == "Fri, 27 Nov 2026 14:00:00 GMT"
    outlines = root.findall("body/outline")
    assert [o.attrib for o in outlines] == [
        {
            "type": "rss",
            "text": 'Ampersand & "quotes" <tags>\u202e',
            "title": 'Ampersand & "quotes" <tags>\u202e',
            "xmlUrl": "http://amp.example/f?a=1&b=2",
        },
        {
            "type": "rss",
            "text": "Paper Moons",
            "title": "Paper Moons",
            "xmlUrl": "https://moons.example/rss",
        },
    ]
    again = read_opml(document)
    assert [(f.title, f.xml_url) for f in again.feeds] == [
        ('Ampersand & "quotes" <tags>\u202e', "http://amp.example/f?a=1&b=2"),
        ("Paper Moons", "https://moons.example/rss"),
    ]
    page = write_opml([OpmlFeed("A", "https://a.example/rss", "https://a.example/")])
    assert b'htmlUrl="https://a.example/"' in page


# --------------------------------------------------------------------------------- importing

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{title}</title>
<item><title>One</title><guid>{title}-1</guid><pubDate>Mon, 06 Jan 2025 08:00:00 GMT</pubDate>
<enclosure url="https://cdn.example/{title}-1.mp4" length="10" type="video/mp4"/></item>
</channel></rss>"""


@pytest.fixture
async def library(database, tmp_path: Path) -> AsyncIterator[LibraryService]:
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    bus = EventBus()
    async with aiohttp.ClientSession() as session:
        downloads = DownloadService(
            SqlQueueRepository(database), bus, ScriptedDownloader(), library_dir
        )
        service = LibraryService(
            CatalogRepository(database),
            downloads,
            ProviderRegistry([DirectProvider(), FeedProvider()]),
            session,
            library_dir=library_dir,
            bus=bus,
        )
        await downloads.start(run=False)
        try:
            yield service
        finally:
            await downloads.stop()
            await service.flush()


async def test_import_follows_each_feed_through_the_normal_path_and_names_each_refusal(
    library: LibraryService,
) -> None:
    async with FeedServer() as server:
        server.add("/harbor.xml", FEED.format(title="Harbor Lights").encode())
        server.add("/moons.xml", FEED.format(title="Paper Moons").encode())
        server.add("/page.html", b"<html><body>A web page</body></html>", content_type="text/html")
        server.add("/gone.xml", b"", status=404)
        base = server.url("")
        await library.add_url(server.url("/moons.xml"))  # followed before the import

        seen: list[str] = []
        gpodder = await follow_feeds(
            library, read_opml(fixture("gpodder.opml", base)), on_feed=seen.append
        )
        assert seen == ["Harbor Lights", "Paper Moons & Other Tales", "Gone Feed"]
        assert gpodder.followed == ("Harbor Lights",)
        assert gpodder.already == ("Paper Moons & Other Tales",)
        (gone,) = gpodder.refused
        assert gone == f"Gone Feed: {server.url('/gone.xml')} answered HTTP 404."

        antenna = await follow_feeds(library, read_opml(fixture("antennapod.opml", base)))
        assert antenna.followed == () and antenna.already == ("Harbor Lights",)
        assert antenna.refused[0].startswith("Old FTP Show: only http and https feeds")
        assert antenna.refused[1].startswith(
            f"Not A Feed: {server.url('/page.html')} is neither a feed nor a video"
        )

        again = await follow_feeds(library, read_opml(fixture("overcast.opml", base)))
        assert (again.followed, again.already, again.duplicates) == ((), ("Harbor Lights",), 1)

    titles = sorted(s.series.title for s in await library.list_series())
    assert titles == ["Harbor Lights", "Paper Moons"]  # each once; nothing queued by the import
    assert [
        len(s.series.source_url) > 0 and s.series.monitored for s in await library.list_series()
    ] == [True, True]
    assert library._downloads.items() == []
