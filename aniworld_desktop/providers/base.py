"""The provider protocol: the one place that knows where episodes come from.

A provider turns a URL into a series and its episodes, and says which URLs it can handle. Third
parties register theirs under the entry-point group ``aniworld_desktop.providers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

import aiohttp

from aniworld_desktop.core.errors import UsageError

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
        url: Where the media file is (http or https).
        size: Bytes, when the source announced it.
    """

    season: int
    number: int | None
    title: str
    url: str
    size: int | None = None


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    """A series as a source describes it.

    Attributes:
        title: Series title.
        source_url: Identifies the series at its provider; the same URL means the same series.
        episodes: What the source lists.
        queue_now: True when adding means "download these now" (a dropped media URL), False
            when it means "follow this series" (a feed).
    """

    title: str
    source_url: str
    episodes: Sequence[EpisodeInfo] = field(default_factory=tuple)
    queue_now: bool = False


@runtime_checkable
class Provider(Protocol):
    """What every source implements."""

    name: str

    def can_handle(self, url: str) -> bool:
        """A cheap guess from the URL alone, without I/O."""
        ...

    async def fetch(self, url: str, session: aiohttp.ClientSession) -> SeriesInfo:
        """The series behind ``url`` with its episodes; raises ProviderError."""
        ...


def check_url(url: str) -> str:
    """Return ``url`` stripped if it is an http(s) URL with a host; else raise ProviderError."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        shown = parts.scheme or "no scheme"
        raise ProviderError(f"Only http and https links can be added ({shown} given): {url}")
    if not parts.hostname:
        raise ProviderError(f"The link has no server name: {url}")
    return url
