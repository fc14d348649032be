"""The provider protocol: the one place that knows where episodes come from.

A provider turns a URL into a series and its catalogue of episodes, refreshes that catalogue
cheaply (conditional GET), and resolves an episode to a download. Third parties register theirs
under the entry-point group ``aniworld_desktop.providers``, as the built-ins do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

import aiohttp

from aniworld_desktop.core.errors import UsageError

# Re-exported: a provider (a plug-in too) names its items' kinds from here.
from aniworld_desktop.core.models import EpisodeKind as EpisodeKind

ALLOWED_SCHEMES = frozenset({"http", "https"})


class ProviderError(UsageError):
    """A source could not be read or understood; the message says why in plain words."""


@dataclass(frozen=True, slots=True)
class EpisodeInfo:
    """One episode as a source describes it.

    Attributes:
        season: Season number; 0 for specials.
        number: Episode number in the season, or None to number it after the existing ones.
        title: Episode title, may be empty.
        url: The provider's reference for the media: an http(s) URL, or a reference of the
            provider's own (``demo:...``) that :meth:`Provider.resolve` turns into one.
        size: Bytes, when the source announced it.
        absolute: Absolute episode number (anime), when known.
        air_date: First publication, when known; a future date means "not yet released".
        kind: Full episode, trailer or bonus.
        guid: The source's stable identifier of the item, when it has one.
        description: Plain-text summary, may be empty.
        image_url: A still or cover for this episode, may be empty.
    """

    season: int
    number: int | None
    title: str
    url: str
    size: int | None = None
    absolute: int | None = None
    air_date: date | None = None
    kind: EpisodeKind = EpisodeKind.FULL
    guid: str = ""
    description: str = ""
    image_url: str = ""


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said to make the next request conditional (ETag / Last-Modified)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """A series as a source describes it.

    Attributes:
        title: Series title.
        source_url: Identifies the series at its provider; the same URL means the same series.
        episodes: What the source lists, in the source's order.
        queue_now: True when adding means "download these now" (a dropped media URL), False
            when it means "follow this series" (a feed).
        year: Year of the first episode, when known.
        description: Plain-text summary, may be empty.
        poster_url: Cover art, may be empty.
        fanart_url: Background art, may be empty.
        validators: For the next conditional refresh.
        moved_to: Where the source answered that it moved for good (HTTP 301 or 308 all the
            way), for the series to follow from now on; "" when it did not.
        expiring: The source lists only what can be fetched for a while (a broadcaster's
            media library, whose recordings expire): following it wants all of it, not only
            what comes next.
    """

    title: str
    source_url: str
    episodes: Sequence[EpisodeInfo] = field(default_factory=tuple)
    queue_now: bool = False
    year: int | None = None
    description: str = ""
    poster_url: str = ""
    fanart_url: str = ""
    validators: Validators = field(default_factory=Validators)
    moved_to: str = ""
    expiring: bool = False


@dataclass(frozen=True, slots=True)
class ResolvedDownload:
    """Where an episode's bytes come from right now.

    Attributes:
        url: An http or https URL.
        headers: Extra request headers the source needs (never credentials in logs).
        expected_size: Bytes, when known.
    """

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    expected_size: int | None = None


@runtime_checkable
class Provider(Protocol):
    """What every source implements.

    A provider may also set ``refreshable = False`` when its series have no catalogue to
    refresh (the direct provider), and define ``async aclose()`` when it holds resources.
    """

    name: str

    def can_handle(self, url: str) -> bool:
        """A cheap guess from the URL alone, without I/O."""
        ...

    def recognises(self, content_type: str, head: bytes) -> bool:
        """Whether a response with this Content-Type and first bytes is for this provider.

        ``add URL`` without ``--provider`` fetches the start of the URL once and asks every
        provider; the first that says yes reads it.
        """
        ...

    async def fetch(
        self,
        url: str,
        session: aiohttp.ClientSession,
        validators: Validators | None = None,
    ) -> SeriesInfo | None:
        """The series behind ``url`` with its catalogue; raises ProviderError.

        With ``validators`` the request is conditional, and None means "not modified".
        """
        ...

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        """Turn an episode's stored ``url`` (its reference) into a download."""
        ...


def check_url(url: str) -> str:
    """Return ``url`` stripped if it is an http(s) URL with a host; else raise ProviderError."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[", a host that NFKC turns into a separator...
        raise ProviderError(f"This is not a valid link: {url}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        shown = parts.scheme or "no scheme"
        raise ProviderError(f"Only http and https links can be added ({shown} given): {url}")
    if not parts.hostname:
        raise ProviderError(f"The link has no server name: {url}")
    return url
