"""The direct provider: a media URL becomes one episode.

Season and episode come from the file name, read by the app's one recogniser
(``core/recognise.py``, as the library scanner reads files): ``Show.S01E02.mkv``,
``Show 1x02.mp4``, ``[Group] Show - 05.mkv`` (episode 5, absolute 5), ``Show - 2011-04-12.mkv``
(numbered in the order added, with that air date). A name that says nothing joins a
"Direct downloads" series, numbered in the order it was added.
"""

from __future__ import annotations

import aiohttp

from aniworld_desktop.core.naming import file_name_from_url
from aniworld_desktop.core.recognise import clean_title, is_video, recognise_title
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
        parsed = recognise_title(name)
        if parsed is not None and parsed.series and (parsed.numbered or parsed.air_date):
            series = parsed.series
            # A number without a season ("Show - 05") is the fifth of the one season known.
            season = parsed.season if parsed.season is not None else 1
            number = parsed.episode if parsed.season is not None else parsed.absolute
            episode = EpisodeInfo(
                season, number, "", url, absolute=parsed.absolute, air_date=parsed.air_date
            )
        else:
            series = DIRECT_SERIES
            stem = name.rsplit(".", 1)[0] if is_video(name) else name
            episode = EpisodeInfo(1, None, clean_title(stem), url)
        source = DIRECT_SOURCE if series == DIRECT_SERIES else f"{DIRECT_SOURCE}{series.casefold()}"
        return SeriesInfo(series, source, (episode,), queue_now=True)

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> ResolvedDownload:
        return ResolvedDownload(check_url(url))
