"""Hostile XML: entity expansion and external entities are refused, in every XML we read.

We read XML in three places: feeds (feedparser, plus our own defused read of the Podcasting 2.0
tags), NFO files (metadata/nfo.py) and OPML files (library/opml.py). Each hostile document here would expand to 80 MB or
more, or read a local file, or fetch a URL, if anyone expanded it; each must be refused with
the reader's own error while Python's memory stays under :data:`MEMORY_BOUND`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.metadata.errors import MetadataError
from aniworld_desktop.metadata.nfo import (
    REQUIRED_TVSHOW_TAGS,
    ShowInfo,
    merge_nfo,
    missing_tvshow_tags,
    read_episode,
    read_nfo,
    read_season,
    read_tvshow,
    tvshow_xml,
    write_nfo,
)
from aniworld_desktop.providers.base import Provider, ProviderError
from aniworld_desktop.providers.feed import parse_feed
from aniworld_desktop.providers.registry import ProviderRegistry
from tests.reliability.hostile import (
    ENTITY_VALUE,
    MEMORY_BOUND,
    REFERENCES,
    billion_laughs,
    caught,
    caught_now,
    entity_doctype,
    external_dtd,
    external_entity,
    hostile_feeds,
    measure_peak,
)
from tests.reliability.hostile_server import HostileServer

PACKAGE = Path(__file__).resolve().parents[2] / "aniworld_desktop"
FEEDS = hostile_feeds()
SECRET = "TOP-SECRET-MARKER-7f3a"


@pytest.fixture
async def server() -> AsyncIterator[HostileServer]:
    async with HostileServer() as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as running:
        yield running


@pytest.fixture(scope="module")
def feed_provider() -> Provider:
    """The feed provider as the app finds it (entry point, default size cap and timeouts)."""
    return ProviderRegistry.discover().get("feed")


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


# --- which code reads XML -------------------------------------------------------------------------

# Every module that parses XML, and the test in this file that proves it refuses entities.
XML_READERS = {
    "providers/feed.py": "test_feed_with_entities_is_refused_within_bounded_memory",
    "metadata/nfo.py": "test_nfo_with_entities_is_refused_by_every_reader",
    "library/opml.py": "test_opml_with_entities_is_refused",
    "providers/mediathek/subtitles.py": "test_ttml_subtitles_with_entities_are_refused",
}
_PARSING = re.compile(
    r"\b(?:import\s+(?:feedparser|defusedxml|lxml|xml\.(?:etree|sax|dom|parsers))|"
    r"from\s+(?:feedparser|defusedxml|lxml|xml\.(?:etree|sax|dom|parsers))\S*\s+import)"
)
# Parsing entry points of the standard library, which expand internal entities as they go.
_UNDEFUSED = re.compile(
    r"\b(?:ET|ElementTree|etree|minidom|pulldom|sax|expat)\."
    r"(?:fromstring|parse|iterparse|XML|XMLParser|XMLPullParser|parseString|make_parser|"
    r"ParserCreate|fromstringlist)\("
)


def test_every_module_that_reads_xml_is_covered_here():
    readers = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if _PARSING.search(path.read_text(encoding="utf-8"))
    }
    assert readers == set(XML_READERS), (
        "A module started or stopped reading XML: cover it in tests/reliability/"
        "test_hostile_xml.py and list it in XML_READERS."
    )


def test_no_module_parses_with_the_standard_library_directly():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in PACKAGE.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _UNDEFUSED.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == [], "parse XML through defusedxml, never the standard library directly"


# --- feeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FEEDS))
async def test_feed_with_entities_is_refused_within_bounded_memory(
    name: str, server: HostileServer, session: aiohttp.ClientSession, feed_provider: Provider
):
    body, content_type = FEEDS[name]
    server.add("/feed.xml", body, content_type=content_type)
    with measure_peak() as peak:
        refused = await caught(feed_provider.fetch(server.url("/feed.xml"), session))
    assert peak.bytes < MEMORY_BOUND, f"{name}: {peak} used to read a {len(body):,}-byte feed"
    assert isinstance(refused, ProviderError), f"{name}: not refused ({refused!r})"
    assert "declares XML entities" in str(refused)


@pytest.mark.parametrize("malformed", [False, True], ids=["well-formed", "malformed"])
async def test_feed_reading_a_local_file_is_refused(
    malformed: bool,
    server: HostileServer,
    session: aiohttp.ClientSession,
    feed_provider: Provider,
    secret_file: Path,
):
    body = external_entity(
        "rss",
        secret_file.as_uri(),
        '<rss version="2.0"><channel><title>Leak &ext;</title><item><title>&ext;</title>'
        '<enclosure url="http://127.0.0.1:9/e.mp4" type="video/mp4"/></item>'
        + ("</chanel>" if malformed else "</channel>")
        + "</rss>",
    )
    server.add("/feed.xml", body.encode(), content_type="application/rss+xml")
    with pytest.raises(ProviderError, match="declares XML entities") as refused:
        await feed_provider.fetch(server.url("/feed.xml"), session)
    assert SECRET not in str(refused.value)
    etc_passwd = body.replace(secret_file.as_uri(), "file:///etc/passwd").encode()
    with pytest.raises(ProviderError, match="declares XML entities") as refused:
        parse_feed(etc_passwd, server.url("/feed.xml"))
    assert "root:" not in str(refused.value)


@pytest.mark.parametrize("kind", ["entity", "dtd"])
async def test_feed_never_fetches_an_external_entity_or_dtd(
    kind: str, server: HostileServer, session: aiohttp.ClientSession, feed_provider: Provider
):
    server.add("/secret.txt", SECRET.encode(), content_type="text/plain")
    server.add(
        "/evil.dtd",
        f'<!ENTITY leak "{SECRET}">'.encode(),
        content_type="application/xml-dtd",
    )
    items = (
        '<rss version="2.0"><channel><title>Leak &leak;</title><item><title>x</title>'
        '<enclosure url="http://127.0.0.1:9/e.mp4" type="video/mp4"/></item></channel></rss>'
    )
    if kind == "entity":
        body = external_entity("rss", server.url("/secret.txt"), items.replace("&leak;", "&ext;"))
    else:
        body = external_dtd("rss", server.url("/evil.dtd"), items)
    server.add("/feed.xml", body.encode(), content_type="application/rss+xml")
    with pytest.raises(ProviderError) as refused:
        await feed_provider.fetch(server.url("/feed.xml"), session)
    assert SECRET not in str(refused.value)
    assert server.hits("/secret.txt") == 0 and server.hits("/evil.dtd") == 0
    assert server.hits("/feed.xml") == 1


# --- NFO files ----------------------------------------------------------------------------------


def tvshow(prolog: str, title: str, *, declaration: str = '<?xml version="1.0"?>') -> str:
    return f"{declaration}\n{prolog}<tvshow><title>{title}</title><year>2024</year></tvshow>"


def hostile_nfos(secret_uri: str, server_url: str) -> dict[str, bytes]:
    doctype = entity_doctype("tvshow")
    return {
        "billion laughs": tvshow(billion_laughs("tvshow"), "&lol9;").encode(),
        "quadratic": tvshow(doctype, REFERENCES).encode(),
        "quadratic, UTF-16": tvshow(doctype, REFERENCES).encode("utf-16"),
        "quadratic, EBCDIC": tvshow(
            doctype, REFERENCES, declaration='<?xml version="1.0" encoding="cp037"?>'
        ).encode("cp037"),
        # One harmless entity: a reader that expands entities at all reads "Harbor Lights".
        "one small entity": tvshow(
            '<!DOCTYPE tvshow [\n<!ENTITY t "Harbor Lights">\n]>\n', "&t;"
        ).encode(),
        "local file": external_entity(
            "tvshow", secret_uri, "<tvshow><title>&ext;</title></tvshow>"
        ).encode(),
        "etc passwd": external_entity(
            "tvshow", "file:///etc/passwd", "<tvshow><title>&ext;</title></tvshow>"
        ).encode(),
        "http entity": external_entity(
            "tvshow", f"{server_url}/secret.txt", "<tvshow><title>&ext;</title></tvshow>"
        ).encode(),
        "http dtd": external_dtd(
            "tvshow", f"{server_url}/evil.dtd", "<tvshow><title>&leak;</title></tvshow>"
        ).encode(),
        # A combination NFO (XML, then a link) is salvaged: the salvage must refuse too.
        "combination": (
            tvshow(doctype, REFERENCES) + "\nhttps://www.themoviedb.org/tv/1\n"
        ).encode(),
    }


_READERS: dict[str, Callable[[bytes], Any]] = {
    "read_nfo": read_nfo,
    "read_tvshow": read_tvshow,
    "read_season": read_season,
    "read_episode": read_episode,
}


async def test_nfo_with_entities_is_refused_by_every_reader(
    server: HostileServer, secret_file: Path, tmp_path: Path
):
    server.add("/secret.txt", SECRET.encode(), content_type="text/plain")
    server.add("/evil.dtd", f'<!ENTITY leak "{SECRET}">'.encode(), content_type="text/plain")
    documents = hostile_nfos(secret_file.as_uri(), server.url(""))
    ours = tvshow_xml(ShowInfo(title="Harbor Lights", year=2024))
    for index, (name, document) in enumerate(documents.items()):
        for reader_name, reader in _READERS.items():
            with measure_peak() as peak:
                refused = caught_now(reader, document)
            assert peak.bytes < MEMORY_BOUND, f"{reader_name}({name}) used {peak}"
            assert isinstance(refused, MetadataError), f"{reader_name}({name}): {refused!r}"
            assert SECRET not in str(refused) and "root:" not in str(refused)
        with measure_peak() as peak:
            assert missing_tvshow_tags(document) == list(REQUIRED_TVSHOW_TAGS), name
            # An unreadable file of the user's is kept aside and replaced, never expanded.
            merged = merge_nfo(document, ours)
            path = tmp_path / f"series-{index}" / "tvshow.nfo"
            path.parent.mkdir()
            path.write_bytes(document)
            assert write_nfo(path, ours) is True
        assert peak.bytes < MEMORY_BOUND, f"merging {name} used {peak}"
        assert merged == ours, name
        assert path.read_bytes() == ours
        assert path.with_name("tvshow.nfo.bak").read_bytes() == document
        assert SECRET.encode() not in path.read_bytes()
        assert ENTITY_VALUE[:100].encode() not in path.read_bytes()
    assert server.hits("/secret.txt") == 0 and server.hits("/evil.dtd") == 0


# --- OPML ---------------------------------------------------------------------------------------


def opml(prolog: str, title: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{prolog}<opml version="2.0"><head/><body>'
        f'<outline text="{title}" type="rss" xmlUrl="http://127.0.0.1:9/feed.xml"/></body></opml>'
    )


async def test_opml_with_entities_is_refused(server: HostileServer, secret_file: Path) -> None:
    """An OPML file (an import from another program) is refused whole, never expanded."""
    from aniworld_desktop.library.opml import OpmlError, read_opml

    server.add("/secret.txt", SECRET.encode(), content_type="text/plain")
    server.add("/evil.dtd", f'<!ENTITY leak "{SECRET}">'.encode(), content_type="text/plain")
    body = '<opml><body><outline text="&ext;" xmlUrl="http://127.0.0.1:9/f"/></body></opml>'
    documents = {
        "billion laughs": opml(billion_laughs("opml"), "&lol9;").encode(),
        "quadratic": opml(entity_doctype("opml"), REFERENCES).encode(),
        "quadratic, UTF-16": opml(entity_doctype("opml"), REFERENCES).encode("utf-16"),
        "local file": external_entity("opml", secret_file.as_uri(), body).encode(),
        "http entity": external_entity("opml", server.url("/secret.txt"), body).encode(),
        "http dtd": external_dtd(
            "opml", server.url("/evil.dtd"), body.replace("ext", "leak")
        ).encode(),
    }
    for name, document in documents.items():
        with measure_peak() as peak:
            refused = caught_now(read_opml, document)
        assert peak.bytes < MEMORY_BOUND, f"{name} used {peak}"
        assert isinstance(refused, OpmlError), f"{name}: {refused!r}"
        assert "declares XML entities" in str(refused), name
        assert SECRET not in str(refused)
    assert server.hits("/secret.txt") == 0 and server.hits("/evil.dtd") == 0


# --- TTML subtitles (the public broadcasters' film list) ---------------------------------------


async def test_ttml_subtitles_with_entities_are_refused(
    server: HostileServer, secret_file: Path
) -> None:
    """A broadcaster's subtitles come from a server we do not control: refused, never expanded."""
    from aniworld_desktop.providers.mediathek.subtitles import SubtitleError, subtitle_file

    server.add("/secret.txt", SECRET.encode(), content_type="text/plain")
    server.add("/evil.dtd", f'<!ENTITY leak "{SECRET}">'.encode(), content_type="text/plain")

    def ttml(prolog: str, text: str) -> str:
        return f'<?xml version="1.0"?>\n{prolog}<tt><body><p begin="1s" end="2s">{text}</p></body></tt>'

    body = '<tt><body><p begin="1s" end="2s">&ext;</p></body></tt>'
    documents = {
        "billion laughs": ttml(billion_laughs("tt"), "&lol9;").encode(),
        "quadratic": ttml(entity_doctype("tt"), REFERENCES).encode(),
        "local file": external_entity("tt", secret_file.as_uri(), body).encode(),
        "http entity": external_entity("tt", server.url("/secret.txt"), body).encode(),
        "http dtd": external_dtd(
            "tt", server.url("/evil.dtd"), body.replace("ext", "leak")
        ).encode(),
    }
    for name, document in documents.items():
        with measure_peak() as peak:
            refused = caught_now(subtitle_file, document)
        assert peak.bytes < MEMORY_BOUND, f"{name} used {peak}"
        assert isinstance(refused, SubtitleError), f"{name}: {refused!r}"
        assert "declare XML entities" in str(refused), name
        assert SECRET not in str(refused)
    assert server.hits("/secret.txt") == 0 and server.hits("/evil.dtd") == 0
