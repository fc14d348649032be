"""OPML 2.0: how podcast programs hand their subscriptions to each other.

:func:`read_opml` reads the feeds of an OPML file as gPodder, AntennaPod, Pocket Casts and
friends export it: ``<outline>`` elements with an ``xmlUrl``, at any depth (folders are
outlines holding outlines), each feed once. What cannot be followed (an ``ftp:`` address, a
video file, an outline that is a web link) is set aside with a sentence. The XML goes through
defusedxml, so a file declaring entities is refused rather than expanded.

:func:`follow_feeds` follows each feed through the library's normal add path, one after the
other, and says per feed what happened; :func:`write_opml` writes the followed feeds back out.
No Qt here: the window and the CLI (``opml-import``, ``opml-export``) share it.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.links import LinkProblem, link_problem, normalise_link
from aniworld_desktop.core.models import SeriesSummary
from aniworld_desktop.core.naming import file_name_from_url, video_suffix

__all__ = [
    "MAX_OPML_BYTES",
    "OpmlError",
    "OpmlFeed",
    "OpmlImport",
    "OpmlReading",
    "exportable_feeds",
    "follow_feeds",
    "read_opml",
    "read_opml_file",
    "write_opml",
]

log = logging.getLogger(__name__)

MAX_OPML_BYTES = 10 << 20
"""An OPML file of ten thousand feeds is about 2 MiB; more is not a list of subscriptions."""
MAX_DEPTH = 32
"""Folders inside folders this deep and no deeper: nobody files feeds like that on purpose."""
EXPORT_TITLE = "Aniworld Desktop subscriptions"
# XML 1.0 cannot carry these at all, not even escaped: a title holding one would make the file
# unreadable for every other program.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LINK_REASONS = {
    LinkProblem.EMPTY: "it has no address",
    LinkProblem.SPACES: "its address contains spaces",
    LinkProblem.INVALID: "its address is not a valid link",
    LinkProblem.SCHEME: "only http and https feeds can be followed",
    LinkProblem.NO_HOST: "its address has no server name",
}


class OpmlError(AniworldError):
    """The file is not an OPML file we can read; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed of an OPML file.

    Attributes:
        title: Its ``title`` (or ``text``); the address when it has neither.
        xml_url: The feed's http(s) address (``feed:`` and the like made http(s)).
        html_url: The web page of the podcast, when known.
    """

    title: str
    xml_url: str
    html_url: str = ""


@dataclass(frozen=True, slots=True)
class OpmlReading:
    """What an OPML file holds.

    Attributes:
        feeds: The feeds to follow, each once, in the file's order.
        skipped: One sentence per outline that cannot be followed.
        duplicates: Outlines naming a feed listed before (folders often repeat one).
    """

    feeds: tuple[OpmlFeed, ...]
    skipped: tuple[str, ...] = ()
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """What importing an OPML file did.

    Attributes:
        followed: Titles of the feeds followed now.
        already: Titles of the feeds that were followed already (left as they are).
        refused: One sentence per feed or outline that could not be followed, with the reason.
        duplicates: Outlines naming a feed listed before in the file.
    """

    followed: tuple[str, ...]
    already: tuple[str, ...]
    refused: tuple[str, ...]
    duplicates: int = 0


def read_opml(data: bytes, *, name: str = "The file") -> OpmlReading:
    """The feeds of an OPML document.

    Args:
        data: The file's bytes.
        name: How the sentences name the file ("subscriptions.opml").

    Raises:
        OpmlError: Not XML, not OPML, too large, or it declares entities (refused unread).
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(
            f"{name} is larger than {MAX_OPML_BYTES >> 20} MiB; it is not a list of feeds."
        )
    try:
        root: ET.Element = SafeET.fromstring(data)
    except DefusedXmlException:
        raise OpmlError(
            f"{name} declares XML entities, which an OPML file never needs; it was not read."
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise OpmlError(
            f"{name} is not an OPML file: its XML is broken at line {line}, column {column}."
        ) from None
    if _local(root.tag) != "opml":
        raise OpmlError(
            f"{name} is not an OPML file (it is XML, but its root is <{_local(root.tag)}>)."
        )
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        raise OpmlError(f"{name} is not an OPML file: it has no <body>.")
    feeds: dict[str, OpmlFeed] = {}
    skipped: list[str] = []
    duplicates = 0
    for outline in _outlines(body, 0):
        found = _feed_of(outline)
        if found is None:
            continue
        if isinstance(found, str):
            skipped.append(found)
        elif found.xml_url in feeds:
            duplicates += 1
        else:
            feeds[found.xml_url] = found
    return OpmlReading(tuple(feeds.values()), tuple(skipped), duplicates)


def read_opml_file(path: Path) -> OpmlReading:
    """:func:`read_opml` of the file at ``path`` (blocking: run it in a thread).

    Raises:
        OpmlError: The file cannot be read, or is not OPML.
    """
    try:
        with path.open("rb") as file:
            data = file.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or "it cannot be read"
        raise OpmlError(f"{path} could not be read: {reason.lower()}.") from None
    return read_opml(data, name=path.name)


def _local(tag: object) -> str:
    """A tag without its namespace (``{ns}outline`` -> ``outline``), lower-case."""
    return str(tag).rsplit("}", 1)[-1].lower()


def _outlines(parent: ET.Element, depth: int) -> Iterator[ET.Element]:
    """Every ``<outline>`` below ``parent``, depth first, in document order.

    A feed's own outlines are its episodes (Overcast lists them there), not more feeds: only
    folders are entered.
    """
    if depth >= MAX_DEPTH:
        return
    for child in parent:
        if _local(child.tag) == "outline":
            yield child
            if not _attribute(child, "xmlUrl"):
                yield from _outlines(child, depth + 1)


def _attribute(outline: ET.Element, name: str) -> str:
    """An attribute whatever its case (``xmlUrl``, ``xmlurl``, ``XMLURL`` all occur)."""
    wanted = name.lower()
    for key, value in outline.attrib.items():
        if _local(key) == wanted:
            return " ".join(value.split())
    return ""


def _feed_of(outline: ET.Element) -> OpmlFeed | str | None:
    """The feed an outline names; a sentence when it names one we cannot follow; None for a
    folder or a note."""
    given = _attribute(outline, "xmlUrl")
    title = _attribute(outline, "title") or _attribute(outline, "text")
    if not given:
        link = _attribute(outline, "url") or _attribute(outline, "htmlUrl")
        if link and not len(outline):
            return f"{title or link}: it is a link to a web page, not a feed."
        return None  # a folder, or a heading
    url = normalise_link(given)
    problem = link_problem(url)
    if problem is not None:
        return f"{title or given}: {_LINK_REASONS[problem]} ({given})."
    if video_suffix(file_name_from_url(url), default=""):
        return f"{title or url}: {url} is a video file, not a feed."
    html = normalise_link(_attribute(outline, "htmlUrl"))
    return OpmlFeed(title or url, url, html if html and link_problem(html) is None else "")


# --------------------------------------------------------------------------------- importing


class FeedFollower(Protocol):
    """What importing needs of the library (``LibraryService`` is one)."""

    async def list_series(self) -> list[SeriesSummary]: ...

    async def add_url(self, url: str, provider_name: str | None = None) -> object: ...


async def follow_feeds(
    library: FeedFollower,
    reading: OpmlReading,
    *,
    on_feed: Callable[[str], object] | None = None,
) -> OpmlImport:
    """Follow each feed of ``reading`` that is not followed yet, through ``library.add_url``.

    One after the other: a feed that cannot be followed (gone, not a feed, a refused
    certificate) is a sentence in ``refused`` and the next one is tried.

    Args:
        library: Where the feeds are followed.
        reading: What :func:`read_opml` found.
        on_feed: Told each feed's title before it is followed (progress).
    """
    followed_urls = {s.series.source_url for s in await library.list_series()}
    followed: list[str] = []
    already: list[str] = []
    refused = list(reading.skipped)
    for feed in reading.feeds:
        if on_feed is not None:
            on_feed(feed.title)
        if feed.xml_url in followed_urls:
            already.append(feed.title)
            continue
        try:
            await library.add_url(feed.xml_url)
        except AniworldError as exc:  # one bad feed must not stop the others
            log.info("OPML: %s refused: %s", feed.xml_url, exc)
            refused.append(f"{feed.title}: {exc}")
            continue
        followed_urls.add(feed.xml_url)
        followed.append(feed.title)
    return OpmlImport(tuple(followed), tuple(already), tuple(refused), reading.duplicates)


# --------------------------------------------------------------------------------- exporting


def exportable_feeds(summaries: Iterable[SeriesSummary]) -> list[OpmlFeed]:
    """The followed series another podcast program can follow: those read from an http(s)
    address (not direct downloads, not the demo's or the film list's references, not folders
    without a source), by title."""
    feeds = [
        OpmlFeed(s.series.title, url)
        for s in summaries
        # A series without a source (a folder of the library) has nothing to export.
        if (url := s.series.source_url) is not None
        and s.series.provider != "direct"
        and link_problem(url) is None
    ]
    return sorted(feeds, key=lambda feed: feed.title.casefold())


def write_opml(
    feeds: Sequence[OpmlFeed], *, title: str = EXPORT_TITLE, created: datetime | None = None
) -> bytes:
    """An OPML 2.0 document (UTF-8) listing ``feeds`` as ``type="rss"`` outlines."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(
        created or datetime.now(UTC), usegmt=True
    )
    body = ET.SubElement(root, "body")
    for feed in feeds:
        text = _xml_text(feed.title)
        attributes = {"type": "rss", "text": text, "title": text, "xmlUrl": _xml_text(feed.xml_url)}
        if feed.html_url:
            attributes["htmlUrl"] = _xml_text(feed.html_url)
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
