"""The direct provider: a media URL becomes one episode.

Season and episode come from the file name when it has them (``Show.S01E02.mkv``, ``Show 1x02.mp4``);
otherwise the file joins a "Direct downloads" series, numbered in the order it was added.
"""

from __future__ import annotations

import aiohttp

from aniworld_desktop.core.naming import file_name_from_url, parse_episode_name
from aniworld_desktop.providers.base import (
    EpisodeInfo,
    ProviderError,
    ResolvedDownload,
    SeriesInfo,
    Validators,
    check_url,
)

DIRECT_SERIES = "Direct downloads"
DIRECT_SOURCE = "direct:"


class DirectProvider:
    """A media URL, dropped or pasted."""

    name = "direct"
    # A pasted link is queued once; there is no catalogue at the source to refresh.
    refreshable = False

    def can_handle(self, url: str) -> bool:
        return url.strip().lower().startswith(("http://", "https://"))

    def recognises(self, content_type: str, head: bytes) -> bool:
        """Audio and video bodies are media files; everything else is for another provider."""
        kind = content_type.split(";", 1)[0].strip().lower()
        return kind.startswith(("video/", "audio/")) or kind == "application/octet-stream"

    async def fetch(
        self,
        url: str,
        session: aiohttp.ClientSession,
        validators: Validators | None = None,
    ) -> SeriesInfo:
        url = check_url(url)
        name = file_name_from_url(url)
        if not name:
            raise ProviderError(f"The link does not name a file: {url}")
        parsed = parse_episode_name(name)
        if parsed.season is not None and parsed.series:
            series = parsed.series
            episode = EpisodeInfo(parsed.season, parsed.episode, "", url)
        else:
            series = DIRECT_SERIES
            episode = EpisodeInfo(1, None, parsed.series, url)
        source = DIRECT_SOURCE if series == DIRECT_SERIES else f"{DIRECT_SOURCE}{series.casefold()}"
        return SeriesInfo(series, source, (episode,), queue_now=True)

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        return ResolvedDownload(check_url(url))
