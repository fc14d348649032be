"""Links as people paste them, and as browsers hand them over: made into http(s) addresses.

A web page's "Subscribe" button often points at ``feed:``, ``podcast:``, ``itpc:`` or ``pcast:``
instead of ``https:``, so that the browser hands the link to a podcast program rather than
opening an XML file. Those schemes only say "this is a feed"; the address is either written
after them (``feed:https://example.org/rss``) or stands in for ``http://``
(``feed://example.org/rss``, as the feed URI scheme draft and gPodder read it; a server that
wants https redirects). :func:`normalise_link` turns both into the http(s) link we fetch.

:func:`read_links` reads a pasted text (one link per line, or separated by blanks) into links,
each with the reason it cannot be added, if any; the window words the reasons. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

FETCHED_SCHEMES = ("http", "https")
"""The only schemes ever fetched (``providers.base.check_url`` says the same)."""

FEED_SCHEMES = ("feed", "podcast", "itpc", "pcast")
"""Schemes that mark a link as a feed for a podcast program (the .desktop file handles them)."""

MAX_LINKS = 1000
"""More links than this in one paste are not read: a list of links, not a novel."""


class LinkProblem(StrEnum):
    """Why a text cannot be added as a link."""

    EMPTY = "empty"  # nothing given
    SPACES = "spaces"  # a blank inside
    INVALID = "invalid"  # not a URL at all ("http://[")
    SCHEME = "scheme"  # not http or https (ftp:, file:, a bare host name)
    NO_HOST = "no_host"  # "https://" with no server name


@dataclass(frozen=True, slots=True)
class ReadLink:
    """One link read from a text.

    Attributes:
        given: As written.
        url: The http(s) link it stands for (``feed:`` and friends made into http(s)).
        problem: Why it cannot be added; None when it can.
    """

    given: str
    url: str
    problem: LinkProblem | None = None


def normalise_link(text: str) -> str:
    """``text`` stripped, with a feed scheme (``feed:``, ``podcast:``...) made into http(s).

    ``feed:https://host/x`` becomes ``https://host/x``; ``feed://host/x`` becomes
    ``http://host/x`` (``feed://https://host/x``, seen in the wild, becomes ``https://host/x``).
    Anything else is returned stripped, unchanged: :func:`link_problem` says what is wrong.
    """
    text = text.strip()
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() not in FEED_SCHEMES:
        return text
    if _has_fetched_scheme(rest):
        return rest
    if rest.startswith("//"):
        inner = rest[2:]
        return inner if _has_fetched_scheme(inner) else "http://" + inner
    return text


def _has_fetched_scheme(text: str) -> bool:
    scheme, colon, rest = text.partition(":")
    return bool(colon) and scheme.lower() in FETCHED_SCHEMES and rest.startswith("//")


def link_problem(text: str) -> LinkProblem | None:
    """Why ``text`` (after :func:`normalise_link`) cannot be added as a link; None if it can."""
    url = normalise_link(text)
    if not url:
        return LinkProblem.EMPTY
    if any(c.isspace() for c in url):
        return LinkProblem.SPACES
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "http://[", a host that NFKC turns into a separator...
        return LinkProblem.INVALID
    if parts.scheme.lower() not in FETCHED_SCHEMES:
        return LinkProblem.SCHEME
    if not hostname:
        return LinkProblem.NO_HOST
    return None


def read_links(text: str, *, limit: int = MAX_LINKS) -> list[ReadLink]:
    """The links in ``text``, separated by line breaks or blanks, each once, in order.

    Each one's ``url`` is normalised; one that cannot be added carries its problem. Lines
    starting with ``#`` are comments (as in a list of links kept in a file). At most ``limit``
    are read.
    """
    found: dict[str, ReadLink] = {}
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for word in line.split():
            url = normalise_link(word)
            if url not in found:
                found[url] = ReadLink(word, url, link_problem(url))
            if len(found) >= limit:
                return list(found.values())
    return list(found.values())
