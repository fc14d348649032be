"""What a series folder's name says: its title, its year, and a TMDB id if it carries one.

The conventions read are the media servers' and Sonarr's: ``Harbor Lights (2024)``,
``Harbor Lights [2024]``, ``Harbor Lights (2024) [tmdbid-123]`` (Jellyfin),
``Harbor Lights {tmdb-123}`` (Sonarr, Plex) and ``Harbor Lights [tmdb=123]``. Other ids in
brackets (``[tvdbid-...]``, ``{imdb-tt...}``) are dropped from the title and not used. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FolderName", "parse_series_folder"]

# An id tag in brackets or braces: "[tmdbid-123]", "{tmdb-123}", "[tmdb=123]", "{tvdb-4}".
_ID_TAG = re.compile(
    r"\s*[\[{]\s*(?P<kind>tmdb|tmdbid|tvdb|tvdbid|imdb|imdbid)\s*[-=:]\s*(?P<id>[\w]+)\s*[\]}]",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\s*[\(\[](?P<year>(?:19|20)\d\d)[\)\]]\s*$")


@dataclass(frozen=True, slots=True)
class FolderName:
    """A series folder's name, read.

    Attributes:
        title: The name without its year and id tags (the folder name itself if that is all).
        year: The year in brackets, if any.
        tmdb_id: A TMDB id tag's number, if any.
    """

    title: str
    year: int | None = None
    tmdb_id: int | None = None


def parse_series_folder(name: str) -> FolderName:
    """Read ``Title (2020) [tmdbid-123]`` and its cousins (see the module's docstring)."""
    tmdb_id: int | None = None
    for tag in _ID_TAG.finditer(name):
        if tag["kind"].lower().startswith("tmdb") and tag["id"].isdigit() and tmdb_id is None:
            tmdb_id = int(tag["id"]) or None
    rest = _ID_TAG.sub("", name).strip()
    year: int | None = None
    match = _YEAR.search(rest)
    if match and match.start() > 0:
        year = int(match["year"])
        rest = rest[: match.start()].strip()
    return FolderName(rest or name.strip(), year, tmdb_id)
