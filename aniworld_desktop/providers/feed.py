"""The feed provider: a podcast or video feed (RSS 2.0, Atom) becomes a series to follow.

feedparser reads the feed. A second, defused XML read of our own picks up the Podcasting 2.0
``podcast:season`` / ``podcast:episode`` numbers (feedparser keeps only the attributes of those
tags) and the guids as written, and refuses documents that declare entities (billion laughs,
external files). feedparser strips external and nested entities itself, but keeps "safe" ones
(plain text) and expands them, which a few KiB can turn into gigabytes; and it decodes the
document its own way (the server's charset first: ``utf-7`` hides ``<!ENTITY`` from every other
reader), so before it runs we ask its own decoding and DOCTYPE steps whether it would keep any,
and refuse the feed if so. A document that is not well-formed is still read by feedparser's
lenient parser, without the Podcasting 2.0 numbers.

Only items with a video or audio enclosure (RSS ``<enclosure>``, Atom ``rel="enclosure"``, or
``media:content``) become episodes; video wins over audio when an item has both.

Each item is numbered by the first of these that applies:

1. ``itunes:season`` / ``itunes:episode``, else ``podcast:season`` / ``podcast:episode``. A
   decimal ``podcast:episode`` such as ``3.5`` is ignored, not rounded down: rounding would make
   it collide with episode 3. A missing season means season 1.
2. ``S01E02`` or ``1x02`` in the title.
3. Publication order: the oldest unnumbered item of a season takes the lowest number that season
   does not use yet.

Trailers and bonus items (``itunes:episodeType``) are specials: season 0, numbered by step 3.
Items are taken in publication order (date, then guid, then enclosure URL; undated items last)
for step 3 and when two items claim the same number (the older one keeps it). A refresh that only adds newer items
therefore leaves every known item its number; a feed that drops its oldest items shifts the
numbers of items numbered by step 3, which the caller can notice by guid.

Publication dates are read in :mod:`.feed_dates`, titles and descriptions made plain text in
:mod:`.feed_text`.
"""

from __future__ import annotations

import asyncio
import codecs
import io
import mimetypes
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from posixpath import splitext
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
import defusedxml  # type: ignore[import-untyped]
import defusedxml.ElementTree as DefusedET  # type: ignore[import-untyped]

from aniworld_desktop.core.naming import file_name_from_url
from aniworld_desktop.core.recognise import clean_title, recognise_title
from aniworld_desktop.net.errors import TRUST_ERRORS, explain, host_of, redirect_target, sentence
from aniworld_desktop.providers.base import (
    EpisodeInfo,
    EpisodeKind,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
    check_url,
)
from aniworld_desktop.providers.feed_dates import _published
from aniworld_desktop.providers.feed_text import (
    _CONTROL,
    MAX_TITLE_CHARS,
    _entry_description,
    _field,
    _longest_text,
    _mapping,
    _sequence,
    _text,
    _title_text,
    _trim,
)

MIB = 1024 * 1024
MAX_FEED_BYTES = 20 * MIB
MAX_REDIRECTS = 10
# A whole large feed may take a while on a slow line; a silent server may not.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=120, sock_connect=20, sock_read=30)
# Anything larger is a typo or garbage, and would not fit the database's integer columns.
MAX_NUMBER = 999_999
MAX_SIZE = 1 << 50

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# Where the namespace was first published; many feeds still declare it under this URI.
PODCAST_NS_ORIGINAL = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM_NS = "http://www.w3.org/2005/Atom"
RSS10_NS = "http://purl.org/rss/1.0/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
_READ_CHUNK = 64 * 1024
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml"}
)
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:RDF"})
_FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
_FEED_PATH = re.compile(r"/(?:feeds?|rss|atom|podcast)(?:[/._-]|$)")
_FEED_QUERY = re.compile(r"(?:^|&)(?:feed|format)=(?:rss|atom|podcast)", re.IGNORECASE)
_VIDEO_SUFFIXES = frozenset(
    {".mkv", ".mp4", ".m4v", ".webm", ".mov", ".avi", ".ts", ".wmv", ".flv", ".mpg", ".mpeg"}
)
_AUDIO_SUFFIXES = frozenset({".mp3", ".m4a", ".m4b", ".aac", ".ogg", ".oga", ".opus", ".flac"})
_MEDIA_SUFFIXES = _VIDEO_SUFFIXES | _AUDIO_SUFFIXES
_ITEM_TAGS = frozenset({"item", f"{{{RSS10_NS}}}item", f"{{{ATOM_NS}}}entry"})
_CHANNEL_TAGS = frozenset({"channel", f"{{{RSS10_NS}}}channel", f"{{{ATOM_NS}}}feed"})
_WHOLE_NUMBER = re.compile(r"\+?(\d{1,9})(?:\.0*)?")
_ROOT_NAME = re.compile(r"<([A-Za-z_][\w:.-]*)")
_ELEMENT_START = re.compile(rb"<[A-Za-z_]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_RELATIVE_XML_BASE = re.compile(rb"""xml:base\s*=\s*["'](?![A-Za-z][A-Za-z0-9+.-]*:)""")
# Entity declarations live in the prolog; a malformed document is searched this far at most.
_PROLOG_PROBE = 1 * MIB
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FeedProvider:
    """A podcast or video feed: RSS 2.0, Atom, RSS 1.0, with the iTunes and Podcasting 2.0 tags.

    Attributes:
        name: ``"feed"``.
        timeout: Bounds each request (connect, silence, and the whole response).
        max_bytes: The largest feed read; larger ones are refused.
    """

    name = "feed"

    def __init__(
        self,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_FEED_BYTES,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes

    def can_handle(self, url: str) -> bool:
        """Guess from the URL: a feed-like file name, path, query or ``feeds.`` host."""
        try:
            parts = urlsplit(url.strip())
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme.lower() not in ("http", "https") or not host:
            return False
        path = parts.path.lower()
        if splitext(path)[1] in _MEDIA_SUFFIXES:
            return False
        return (
            path.endswith(_FEED_SUFFIXES)
            or _FEED_PATH.search(path) is not None
            or _FEED_QUERY.search(parts.query) is not None
            or host.startswith(("feeds.", "feed.", "rss."))
        )

    def recognises(self, content_type: str, head: bytes) -> bool:
        """A document whose root is ``<rss>``, ``<feed>`` or ``<rdf:RDF>``.

        Servers often label feeds ``text/html`` or ``text/plain``, so the first element decides
        whenever the head shows one; only a head that shows none falls back to the content type.
        """
        root = _root_name(head)
        if root is not None:
            return root in _FEED_ROOTS
        kind = content_type.split(";", 1)[0].strip().lower()
        return kind in _FEED_TYPES or kind in _XML_TYPES

    async def fetch(
        self,
        url: str,
        session: aiohttp.ClientSession,
        validators: Validators | None = None,
    ) -> SeriesInfo | None:
        """Download and read the feed at ``url``; None when the server says it has not changed.

        Redirects are followed, but ``source_url`` stays ``url`` as given: the user's URL is the
        series' identity, and a refresh asks it again; only when every redirect was permanent
        (301, 308) does ``moved_to`` name the new address, for the library to follow. Relative links resolve against the address
        the document was finally found at.

        Raises:
            ProviderError: The URL, the server's answer or the document is not usable.
        """
        url = check_url(url)
        headers = {"Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"}
        conditional = False
        if validators is not None:
            if validators.etag and _header_safe(validators.etag):
                headers["If-None-Match"] = validators.etag
                conditional = True
            if validators.last_modified and _header_safe(validators.last_modified):
                headers["If-Modified-Since"] = validators.last_modified
                conditional = True
        try:
            async with session.get(
                url,
                headers=headers,
                timeout=self.timeout,
                max_redirects=MAX_REDIRECTS,
                # The app's session decompresses anyway; say so, so that a session built
                # without it cannot hand raw gzip to the parser.
                auto_decompress=True,
            ) as response:
                if response.status == 304 and conditional:
                    return None
                if not 200 <= response.status < 300:
                    reason = f" ({response.reason})" if response.reason else ""
                    raise ProviderError(
                        f"The server answered {response.status}{reason} for the feed {url}."
                    )
                body = await _read_capped(response, url, self.max_bytes)
                final_url = str(response.url)
                moved_to = _moved_for_good(response)
                charset = response.charset
                fresh = Validators(
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                )
        # aiohttp's own texts quote the request and the offending bytes: never shown, never
        # chained.
        except aiohttp.TooManyRedirects:
            raise ProviderError(
                f"The feed {url} redirects more than {MAX_REDIRECTS} times."
            ) from None
        except aiohttp.RedirectClientError as exc:
            target = redirect_target(exc) or "another place"
            raise ProviderError(
                f"The feed {url} redirects to {target}, which is not an http or https address; "
                "it was not followed."
            ) from None
        except TRUST_ERRORS as exc:
            raise ProviderError(sentence(exc, f"so the feed {url} was not read")) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ProviderError(explain(f"The feed {url} could not be downloaded", exc)) from None
        info = await asyncio.to_thread(parse_feed, body, url, base_url=final_url, charset=charset)
        return replace(info, validators=fresh, moved_to=moved_to)

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        """Enclosures are direct media URLs."""
        return ResolvedDownload(check_url(url))


def _moved_for_good(response: aiohttp.ClientResponse) -> str:
    """Where the feed now lives when every redirect on the way was permanent (301, 308), for
    the series to follow from now on; "" when there was none or one was temporary (302, 307:
    the old address stays the feed's)."""
    history = response.history
    if not history or any(hop.status not in (301, 308) for hop in history):
        return ""
    return str(response.url)


def parse_feed(
    body: bytes,
    url: str,
    *,
    base_url: str | None = None,
    charset: str | None = None,
) -> SeriesInfo:
    """Read a feed document into a series; CPU-bound, so run it in a thread.

    Args:
        body: The document as received (already decompressed).
        url: The feed's URL as the user gave it; it becomes ``source_url``.
        base_url: Where the document was found after redirects, for relative links.
        charset: The charset the server announced, if any.

    Raises:
        ProviderError: For anything that is not a podcast or video feed, or is unsafe to read.
    """
    base = base_url or url
    extras = _read_extras(body, url)
    parsed = _run_feedparser(body, url, base, charset)
    feed = _mapping(_field(parsed, "feed"))
    entries = [
        entry for entry in _sequence(_field(parsed, "entries")) if isinstance(entry, Mapping)
    ]
    title = _title_text(feed)
    if not _text(_field(parsed, "version")) or (not entries and not title):
        raise ProviderError(f"{url} is not a podcast or video feed ({_what_it_is(body)}).")
    feed_base = _detail_base(feed, base)
    items = _read_items(entries, extras, base)
    if entries and not items:
        raise ProviderError(
            f"{url} is not a podcast or video feed: none of its {len(entries)} items links "
            "a video or audio file."
        )
    _number(items)
    episodes = tuple(item.episode() for item in items)
    years = [item.when.year for item in items if item.when is not None]
    poster = ""
    for candidate in (
        extras.channel_image if extras else "",
        _text(_field(feed, "image", "href")),
        _text(_field(feed, "logo")),
    ):
        poster = _web_url(candidate, feed_base)
        if poster:
            break
    return SeriesInfo(
        title=title or host_of(url),
        source_url=url,
        episodes=episodes,
        queue_now=False,
        year=min(years) if years else None,
        description=_longest_text(feed, ("subtitle", "summary")),
        poster_url=poster,
    )


@dataclass(slots=True)
class _ItemExtras:
    """What our own XML read found in one item."""

    guid: str
    enclosure: str
    season: str
    episode: str


@dataclass(slots=True)
class _DocumentExtras:
    """What our own XML read found in the document: items in order, and the channel's image."""

    items: list[_ItemExtras] = field(default_factory=list)
    channel_image: str = ""
    by_guid: dict[str, _ItemExtras] = field(default_factory=dict)
    by_enclosure: dict[str, _ItemExtras] = field(default_factory=dict)

    def index(self) -> None:
        """Index the items once all are read."""
        self.by_guid = _unique(self.items, "guid")
        self.by_enclosure = _unique(self.items, "enclosure")

    def lookup(self, position: int, count: int, guid: str, enclosure: str) -> _ItemExtras | None:
        """The item matching a feedparser entry by guid, else enclosure URL, else position."""
        if guid and guid in self.by_guid:
            return self.by_guid[guid]
        if enclosure and enclosure in self.by_enclosure:
            return self.by_enclosure[enclosure]
        # Position is trustworthy only when both readers saw the same number of items.
        if count == len(self.items):
            return self.items[position]
        return None


@dataclass(slots=True)
class _Item:
    """One usable entry while the feed is read; numbered once all are known."""

    position: int
    title: str
    url: str
    size: int | None
    when: datetime | None
    kind: EpisodeKind
    guid: str
    description: str
    image_url: str
    season: int
    number: int | None

    def order(self) -> tuple[bool, datetime, str, int]:
        """Publication order; undated items go last, by guid."""
        return (self.when is None, self.when or _EPOCH, self.guid or self.url, self.position)

    def episode(self) -> EpisodeInfo:
        return EpisodeInfo(
            season=self.season,
            number=self.number,
            title=self.title,
            url=self.url,
            size=self.size,
            air_date=self.when.date() if self.when else None,
            kind=self.kind,
            guid=self.guid,
            description=self.description,
            image_url=self.image_url,
        )


def _unique(items: list[_ItemExtras], attribute: str) -> dict[str, _ItemExtras]:
    """Index by ``attribute``, leaving out values that occur more than once (ambiguous)."""
    index: dict[str, _ItemExtras] = {}
    seen_twice: set[str] = set()
    for item in items:
        key = getattr(item, attribute)
        if not key:
            continue
        if key in index:
            seen_twice.add(key)
        index[key] = item
    for key in seen_twice:
        del index[key]
    return index


def _read_extras(body: bytes, url: str) -> _DocumentExtras | None:
    """Our own defused read; None when the document is not well-formed XML.

    Raises:
        ProviderError: The document declares entities or references external ones.
    """
    extras = _DocumentExtras()
    try:
        for _event, element in DefusedET.iterparse(
            io.BytesIO(body),
            events=("end",),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        ):
            tag = element.tag
            if tag in _ITEM_TAGS:
                extras.items.append(_item_extras(element))
                # Items are done with; clearing keeps a 10,000-item feed's tree small.
                element.clear()
            elif tag in _CHANNEL_TAGS and not extras.channel_image:
                image = element.find(f"{{{ITUNES_NS}}}image")
                if image is not None:
                    extras.channel_image = (image.get("href") or "").strip()
    except defusedxml.DefusedXmlException:
        raise _unsafe(url) from None
    except Exception:  # not well-formed (or an encoding expat lacks): feedparser may cope
        probe = body[:_PROLOG_PROBE].replace(b"\x00", b"")  # UTF-16/32 spelled as ASCII
        first_element = _ELEMENT_START.search(probe)
        prolog = probe[: first_element.start()] if first_element else probe
        if _ENTITY_DECLARATION.search(prolog):
            raise _unsafe(url) from None
        return None
    extras.index()
    return extras


def _item_extras(element: Any) -> _ItemExtras:
    guid = element.findtext("guid") or element.findtext(f"{{{ATOM_NS}}}id") or ""
    guid = guid or element.get(f"{{{RDF_NS}}}about") or ""
    enclosure = ""
    for child in element:
        if child.tag == "enclosure":
            enclosure = child.get("url") or ""
        elif child.tag == f"{{{ATOM_NS}}}link" and child.get("rel") == "enclosure":
            enclosure = child.get("href") or ""
        if enclosure:
            break
    return _ItemExtras(
        guid=guid.strip(),
        enclosure=enclosure.strip(),
        season=_podcast_text(element, "season"),
        episode=_podcast_text(element, "episode"),
    )


def _podcast_text(element: Any, tag: str) -> str:
    """The text of a Podcasting 2.0 tag of an item, under either of the namespace's URIs."""
    for namespace in (PODCAST_NS, PODCAST_NS_ORIGINAL):
        text = element.findtext(f"{{{namespace}}}{tag}")
        if text:
            return str(text)
    return ""


def _unsafe(url: str) -> ProviderError:
    return ProviderError(
        f"The feed {url} declares XML entities, which feeds do not need; it was not read, "
        "for safety."
    )


class _KeepsEntities(Exception):
    """feedparser would keep (and expand) entities the document declares."""


def _check_feedparser_entities(body: bytes, headers: Mapping[str, str]) -> None:
    """Raise _KeepsEntities when feedparser would expand entities of this document.

    These are the first two steps of ``feedparser.parse()``, run on the same bytes and headers,
    so what is checked is what it would parse, however the bytes are encoded.
    """
    from feedparser.encodings import convert_to_utf8  # type: ignore[import-untyped]
    from feedparser.sanitizer import replace_doctype  # type: ignore[import-untyped]

    decoded = convert_to_utf8(dict(headers), body, {})
    _version, _document, entities = replace_doctype(decoded)
    if entities:
        raise _KeepsEntities


def _run_feedparser(body: bytes, url: str, base: str, charset: str | None) -> Mapping[str, Any]:
    # Imported with the first feed read, not with the provider: discovering the providers is on
    # the way to the window's first list, and feedparser's import (40 ms) need not be.
    import feedparser  # type: ignore[import-untyped]

    # A str or bytes argument may be taken for a URL or a file name and opened: always a stream.
    stream = io.BytesIO(body)
    headers = {"content-type": "application/xml"}
    if charset and _known_codec(charset):
        headers["content-type"] += f"; charset={charset}"
    # With a Content-Location feedparser resolves guids against it as if they were links, and
    # blanks those that then are no web link (urn:, tag:); a guid must stay as written. Links
    # are made absolute afterwards instead, except under a relative xml:base, which feedparser
    # can only resolve against a known address.
    if _RELATIVE_XML_BASE.search(body):
        headers["content-location"] = base
    try:
        _check_feedparser_entities(body, headers)
        result = feedparser.parse(
            stream,
            response_headers=headers,
            # Descriptions are reduced to plain text here, so feedparser's HTML passes are
            # wasted work (they are most of its time on a large feed).
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except _KeepsEntities:
        raise _unsafe(url) from None
    except Exception as exc:  # third-party code fed hostile bytes: any crash means unreadable
        raise ProviderError(f"The feed could not be read: {exc}") from exc
    return _mapping(result)


def _read_items(
    entries: list[Mapping[str, Any]], extras: _DocumentExtras | None, base: str
) -> list[_Item]:
    items: list[_Item] = []
    seen_guids: set[str] = set()
    for position, entry in enumerate(entries):
        entry_base = _detail_base(entry, base)
        enclosure = _best_enclosure(entry, entry_base)
        if enclosure is None:
            continue
        media_url, size, raw_href = enclosure
        parsed_id = _text(_field(entry, "id")).strip()
        found = extras.lookup(position, len(entries), parsed_id, raw_href) if extras else None
        # Under an xml:base feedparser resolves a guid as if it were a link (see
        # _run_feedparser); the document's own text is the identity.
        guid = found.guid if found and found.guid else parsed_id
        if guid and guid in seen_guids:
            continue  # a repeated item; the first one in the document stands
        seen_guids.add(guid)
        title = _title_text(entry) or _title_text(entry, "itunes_title") or _file_title(media_url)
        kind = _kind(_text(_field(entry, "itunes_episodetype")))
        season, number = _claimed_number(entry, found, title, kind)
        items.append(
            _Item(
                position=position,
                title=title,
                url=media_url,
                size=size,
                when=_published(entry),
                kind=kind,
                guid=guid,
                description=_entry_description(entry),
                image_url=_entry_image(entry, entry_base),
                season=season,
                number=number,
            )
        )
    return items


def _claimed_number(
    entry: Mapping[str, Any], found: _ItemExtras | None, title: str, kind: EpisodeKind
) -> tuple[int, int | None]:
    """The (season, number) an item asks for; number None when it names none."""
    if kind is not EpisodeKind.FULL:
        # Their itunes:episode, if any, counts the regular episodes they accompany.
        return 0, None
    loose_season = _field(entry, "podcast_season")
    loose_episode = _field(entry, "podcast_episode")
    season = _first_number(
        _field(entry, "itunes_season"),
        found.season if found else None,
        loose_season if isinstance(loose_season, str) else None,
    )
    episode = _first_number(
        _field(entry, "itunes_episode"),
        found.episode if found else None,
        loose_episode if isinstance(loose_episode, str) else None,
    )
    if episode is not None:
        return (1 if season is None else season), episode
    parsed = recognise_title(title, markers_only=True)
    if parsed is not None and parsed.episode is not None and parsed.season is not None:
        return (parsed.season if season is None else season), parsed.episode
    return (1 if season is None else season), None


def _number(items: list[_Item]) -> None:
    """Settle claims and fill in the unnumbered, both in publication order."""
    ordered = sorted(items, key=_Item.order)
    taken: dict[int, set[int]] = {}
    for item in ordered:
        if item.number is None:
            continue
        used = taken.setdefault(item.season, set())
        if item.number in used:
            item.number = None  # the older item keeps the number
        else:
            used.add(item.number)
    next_free: dict[int, int] = {}
    for item in ordered:
        if item.number is not None:
            continue
        used = taken.setdefault(item.season, set())
        candidate = next_free.get(item.season, 1)
        while candidate in used:
            candidate += 1
        item.number = candidate
        used.add(candidate)
        next_free[item.season] = candidate + 1


def _best_enclosure(entry: Mapping[str, Any], base: str) -> tuple[str, int | None, str] | None:
    """(absolute URL, size, href as written) of the best video, else audio, attachment."""
    candidates: list[tuple[int, int, str, int | None, str]] = []
    links = [link for link in _sequence(_field(entry, "links")) if isinstance(link, Mapping)]
    media = [m for m in _sequence(_field(entry, "media_content")) if isinstance(m, Mapping)]
    sources: Iterable[tuple[str, str, object]] = (
        *(
            (_text(_field(link, "href")), _text(_field(link, "type")), _field(link, "length"))
            for link in links
            if _field(link, "rel") == "enclosure"
        ),
        *(
            (
                _text(_field(m, "url")),
                _text(_field(m, "type")) or _medium_type(_text(_field(m, "medium"))),
                _field(m, "filesize"),
            )
            for m in media
        ),
    )
    for order, (href, mime, length) in enumerate(sources):
        absolute = _web_url(href, base)
        rank = _media_rank(mime, absolute)
        if absolute and rank is not None:
            candidates.append((rank, order, absolute, _size(length), href.strip()))
    if not candidates:
        return None
    _rank, _order, absolute, size, raw = min(candidates)
    return absolute, size, raw


def _media_rank(mime: str, url: str) -> int | None:
    """0 for video, 1 for audio, 2 for unknown; None for what is not media (images, pages)."""
    kind = mime.split(";", 1)[0].strip().lower()
    if kind in ("", "application/octet-stream", "binary/octet-stream"):
        suffix = splitext(urlsplit(url).path)[1].lower()
        if suffix in _VIDEO_SUFFIXES:
            return 0
        if suffix in _AUDIO_SUFFIXES:
            return 1
        guessed = mimetypes.guess_type(f"x{suffix}")[0] if suffix else None
        if guessed is None:
            return 2
        kind = guessed
    if kind.startswith("video/"):
        return 0
    if kind.startswith("audio/") and "mpegurl" not in kind:  # playlists are not files
        return 1
    return None


def _medium_type(medium: str) -> str:
    """A type for ``media:content`` that names only its medium: ``image`` is no episode (a
    blog's pictures and avatars), whatever its URL looks like."""
    medium = medium.strip().lower()
    return f"{medium}/*" if medium else ""


def _size(value: object) -> int | None:
    text = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    if not text.isascii() or not text.isdigit():
        return None
    size = int(text)
    return size if 0 < size <= MAX_SIZE else None


def _kind(episode_type: str) -> EpisodeKind:
    value = episode_type.strip().lower()
    if value == "trailer":
        return EpisodeKind.TRAILER
    if value == "bonus":
        return EpisodeKind.BONUS
    return EpisodeKind.FULL


def _first_number(*values: object) -> int | None:
    for value in values:
        if not isinstance(value, str):
            continue
        match = _WHOLE_NUMBER.fullmatch(value.strip())
        if match and int(match.group(1)) <= MAX_NUMBER:
            return int(match.group(1))
    return None


def _entry_image(entry: Mapping[str, Any], base: str) -> str:
    hrefs = [_text(_field(entry, "image", "href"))]
    hrefs += [
        _text(_field(thumb, "url"))
        for thumb in _sequence(_field(entry, "media_thumbnail"))
        if isinstance(thumb, Mapping)
    ]
    for href in hrefs:
        url = _web_url(href, base)
        if url:
            return url
    return ""


def _file_title(url: str) -> str:
    """A title for an item that has none: its file's name (``fog.mp4`` -> ``fog``)."""
    name = file_name_from_url(url)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return _trim(clean_title(stem) or host_of(url), MAX_TITLE_CHARS)


def _web_url(href: str, base: str) -> str:
    """``href`` made absolute against ``base``; empty unless it is an http(s) URL with a host."""
    href = href.strip()
    if not href:
        return ""
    try:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return ""
    return absolute if ok and not _CONTROL.search(absolute) else ""


def _detail_base(node: Mapping[str, Any], default: str) -> str:
    """The xml:base in force for an entry or the channel, made absolute against ``default``."""
    for key in ("title_detail", "summary_detail", "subtitle_detail"):
        base = _text(_field(node, key, "base")).strip()
        if base:
            try:
                return urljoin(default, base)
            except ValueError:
                break
    return default


async def _read_capped(response: aiohttp.ClientResponse, url: str, limit: int) -> bytes:
    """The body, refusing more than ``limit`` bytes whatever Content-Length says."""
    announced = response.content_length
    if announced is not None and announced > limit and not response.headers.get("Content-Encoding"):
        raise _too_large(url, limit)
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.content.iter_chunked(_READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise _too_large(url, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(url: str, limit: int) -> ProviderError:
    shown = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit:,} bytes"
    return ProviderError(f"The feed is larger than {shown}, more than a feed should be: {url}")


def _root_name(head: bytes) -> str | None:
    """The first element's name in the head of a document, past BOM, declaration, comments."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    else:
        # Only ASCII markup matters here; latin-1 maps every byte to a character.
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith("<?", position):
            end = text.find("?>", position)
            position = end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            position = end + 3
        elif text.startswith("<!", position):
            close = text.find(">", position)
            bracket = text.find("[", position)
            if 0 <= bracket < close:  # an internal subset may contain '>'
                close = text.find("]", bracket)
                close = text.find(">", close) if close >= 0 else -1
            end = close
            position = end + 1
        else:
            break
        if end < 0:
            return None
    match = _ROOT_NAME.match(text, position)
    return match.group(1) if match else None


def _what_it_is(body: bytes) -> str:
    head = body[:4096]
    root = _root_name(head)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        return "the server sent an empty answer"
    if (root or "").lower() == "html" or b"<html" in head.lower():
        return "it is a web page"
    if stripped[:1] in (b"{", b"["):
        return "it is JSON"
    if root in _FEED_ROOTS:
        return "the feed has neither a title nor items"
    return "it is not RSS or Atom"


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except (LookupError, ValueError):
        return False
    return True


def _header_safe(value: str) -> bool:
    return not any(char in value for char in "\r\n\x00")
