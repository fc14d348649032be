"""51 real feeds (``../shared/peer/realfeeds/``) added through the real add path.

Each feed, byte for byte as the podcast app or feed parser whose test suite holds it, is served
from a loopback server and added with ``LibraryService.add_url`` (provider chosen as the app
chooses it, catalogue stored in SQLite). Then, per feed, either it is refused in one clear
sentence, or it is listed and:

- every item's explicit numbers (``itunes:season``/``itunes:episode``, ``podcast:season``/
  ``podcast:episode`` under either of the namespace's URIs, ``itunes:episodeType`` trailer or
  bonus for the specials) are the stored season and number (of two items claiming the same
  number, one holds it);
- no episode has an empty title;
- every air date is the date the feed wrote, in the feed's own offset, and no two-digit year
  lands after next year.

What is expected is read from the XML here, with an oracle of its own (``tests/peer_data``),
not with the provider's code.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import aiohttp
import defusedxml.ElementTree as DefusedET  # type: ignore[import-untyped]
import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import LibraryService
from aniworld_desktop.providers.base import ProviderError
from aniworld_desktop.providers.registry import ProviderRegistry
from aniworld_desktop.storage.catalog import CatalogRepository, EpisodeRecord
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.peer_data import real_feeds, written_date
from tests.unit.providers.feed_server import FeedServer

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST = (
    "{https://podcastindex.org/namespace/1.0}",
    "{https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md}",
)
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
MRSS = "{http://search.yahoo.com/mrss/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
TODAY = date.today()
TWO_DIGIT_YEAR = re.compile(r"^\s*(?:[A-Za-z]+,?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2}\s")
WHOLE = re.compile(r"\+?(\d{1,9})(?:\.0*)?")
# Not a podcast or a video series: a blog whose media are pictures, players of video sites.
REFUSED = {
    "feedjira-TechCrunch.xml",  # media:content medium="image": avatars and illustrations
    "feedjira-youtube.atom",
    "rssreader-youtube.atom",
    "feedrs-vimeo-video.xml",  # media:player pages, no media file
    "rssreader-media-rss-video.xml",
    "rssparser-js-guardian.rss",  # a news site's articles
}


@dataclass
class Item:
    """What one item of a feed says about itself, read from its XML."""

    guid: str
    media: tuple[str, ...]  # its enclosures' and media:content's URLs, made absolute
    claim: tuple[int, int] | None  # (season, number) the item's tags ask for
    special: bool  # itunes:episodeType trailer or bonus
    written: str  # its date as written


def _whole(*texts: str | None) -> int | None:
    for text in texts:
        match = WHOLE.fullmatch((text or "").strip())
        if match:
            return int(match.group(1))
    return None


def _items(body: bytes, url: str) -> list[Item]:
    try:
        root = DefusedET.fromstring(body.lstrip())  # a few start with a blank line
    except DefusedET.ParseError:  # not well-formed (an undeclared prefix, a broken entity)
        return _items_loosely(body.decode("utf-8", "replace"), url)
    items = []
    for node in root.iter():
        if node.tag not in ("item", f"{RSS1}item", f"{ATOM}entry"):
            continue
        guid = node.findtext("guid") or node.findtext(f"{ATOM}id") or node.get(RDF_ABOUT) or ""
        media = [child.get("url") or "" for child in node.iter("enclosure")]
        media += [
            link.get("href") or ""
            for link in node.iter(f"{ATOM}link")
            if link.get("rel") == "enclosure"
        ]
        media += [content.get("url") or "" for content in node.iter(f"{MRSS}content")]
        kind = (node.findtext(f"{ITUNES}episodeType") or "").strip().lower()
        podcast = {
            tag: [node.findtext(f"{ns}{tag}") for ns in PODCAST] for tag in ("season", "episode")
        }
        episode = _whole(node.findtext(f"{ITUNES}episode"), *podcast["episode"])
        season = _whole(node.findtext(f"{ITUNES}season"), *podcast["season"])
        claim = (1 if season is None else season, episode) if episode is not None else None
        written = ""
        for tag in ("pubDate", f"{ATOM}published", f"{ATOM}updated", f"{DC}date"):
            written = (node.findtext(tag) or "").strip()
            if written:
                break
        items.append(
            Item(
                guid.strip(),
                tuple(urljoin(url, m.strip()) for m in media if m.strip()),
                claim,
                kind in ("trailer", "bonus"),
                written,
            )
        )
    return items


def _tag_text(block: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>", block, re.S)
    if match is None:
        return None
    text = match.group(1).strip()
    if text.startswith("<![CDATA["):
        text = text[9:].removesuffix("]]>")
    return html.unescape(text)


def _items_loosely(text: str, url: str) -> list[Item]:
    """Items of a feed that is not well-formed XML, read tag by tag by their prefixes."""
    items = []
    for block in re.findall(r"<(?:item|entry)\b[^>]*>(.*?)</(?:item|entry)>", text, re.S):
        media = re.findall(r"<(?:enclosure|media:content)\b[^>]*\burl=[\"']([^\"']*)", block)
        kind = (_tag_text(block, "itunes:episodeType") or "").strip().lower()
        episode = _whole(_tag_text(block, "itunes:episode"), _tag_text(block, "podcast:episode"))
        season = _whole(_tag_text(block, "itunes:season"), _tag_text(block, "podcast:season"))
        written = ""
        for tag in ("pubDate", "published", "updated", "dc:date"):
            written = (_tag_text(block, tag) or "").strip()
            if written:
                break
        items.append(
            Item(
                (_tag_text(block, "guid") or _tag_text(block, "id") or "").strip(),
                tuple(urljoin(url, html.unescape(m).strip()) for m in media if m.strip()),
                (1 if season is None else season, episode) if episode is not None else None,
                kind in ("trailer", "bonus"),
                written,
            )
        )
    return items


def _one_sentence(text: str) -> bool:
    return (
        text.endswith(".")
        and "\n" not in text
        and "Traceback" not in text
        and re.search(r"[.!?]\s+[A-Z]", text) is None
    )


def _check_listed(name: str, url: str, body: bytes, stored: list[EpisodeRecord]) -> list[str]:
    problems: list[str] = []
    items = _items(body, url)
    by_guid = {item.guid: item for item in items if item.guid}
    by_url = {media: item for item in items for media in item.media}
    claimants: dict[tuple[int, int], list[EpisodeRecord]] = defaultdict(list)
    matched: list[tuple[EpisodeRecord, Item]] = []
    for episode in stored:
        item = by_guid.get(episode.guid) or by_url.get(episode.url)
        if item is None:
            problems.append(f"{name}: {episode.title!r} matches no item of the feed")
            continue
        matched.append((episode, item))
        if not episode.title.strip():
            problems.append(f"{name}: an episode without a title ({episode.url})")
        if item.special:
            if episode.season != 0:
                problems.append(f"{name}: trailer/bonus {episode.title!r} not a special")
        elif item.claim is not None:
            claimants[item.claim].append(episode)
    for claim, episodes in claimants.items():
        holders = [e for e in episodes if (e.season, e.number) == claim]
        if len(holders) != 1:
            titles = [e.title for e in episodes]
            problems.append(f"{name}: S{claim[0]}E{claim[1]} is held by {len(holders)} of {titles}")
    for episode, item in matched:
        written = written_date(item.written, TODAY) if item.written else None
        if written is not None and episode.air_date != written:
            problems.append(
                f"{name}: {episode.title!r} aired {episode.air_date}, the feed wrote "
                f"{item.written!r}"
            )
        if TWO_DIGIT_YEAR.match(item.written) and (
            episode.air_date is None or episode.air_date.year > TODAY.year + 1
        ):
            problems.append(f"{name}: {item.written!r} became {episode.air_date}")
    return problems


@pytest.fixture
async def library(database, tmp_path):  # type: ignore[no-untyped-def]
    library_dir = tmp_path / "library"
    library_dir.mkdir()
    bus = EventBus()
    async with aiohttp.ClientSession() as session, DownloadEngine() as engine:
        downloads = DownloadService(SqlQueueRepository(database), bus, engine, library_dir)
        service = LibraryService(
            CatalogRepository(database),
            downloads,
            ProviderRegistry.discover(),
            session,
            library_dir=library_dir,
            scan_cache_file=tmp_path / "scan-cache.json",
            bus=bus,
        )
        downloads.resolver = service.download_request
        await downloads.start(run=False)
        try:
            yield service, CatalogRepository(database)
        finally:
            await downloads.stop()
            await service.flush()


async def test_every_real_feed_is_listed_right_or_refused_in_a_sentence(
    peer_dir: Path, library: tuple[LibraryService, CatalogRepository]
) -> None:
    service, catalog = library
    feeds = real_feeds(peer_dir)
    assert len(feeds) == 51
    problems: list[str] = []
    listed: dict[str, int] = {}
    refused: dict[str, str] = {}
    dates_checked = two_digit_years = 0
    async with FeedServer() as server:
        for name, body in sorted(feeds.items()):
            kind = "application/atom+xml" if name.endswith(".atom") else "application/rss+xml"
            server.add(f"/{name}", body, content_type=f"{kind}; charset=utf-8")
            url = server.url(f"/{name}")
            try:
                result = await service.add_url(url)
            except ProviderError as exc:
                refused[name] = str(exc)
                if not _one_sentence(str(exc)):
                    problems.append(f"{name}: refused, but not in one sentence: {exc}")
                continue
            stored = await catalog.episodes(result.series.id)
            listed[name] = len(stored)
            if not stored:
                problems.append(f"{name}: listed without a single episode")
            problems += _check_listed(name, url, body, stored)
            items = _items(body, url)
            dates_checked += sum(1 for i in items if written_date(i.written, TODAY) is not None)
            two_digit_years += sum(1 for i in items if TWO_DIGIT_YEAR.match(i.written))
    assert not problems, "\n".join(problems)
    assert set(refused) == REFUSED, refused
    assert len(listed) == 51 - len(REFUSED)
    # The checks above had something to check.
    assert sum(listed.values()) > 1300 and dates_checked > 1300 and two_digit_years >= 10
