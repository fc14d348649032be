"""Which catalogue episodes a file on disk holds, from what its name says.

A name's reading (:class:`~aniworld_desktop.core.recognise.ParsedFile`) is matched in this
order, the first that finds anything winning:

1. season and number (every number of a multi-episode file's range);
2. the absolute number (anime), and for a series with one season its number in that season;
3. the air date, for daily shows named by date (``Show - 2011-04-12``): the one full episode
   that aired that day. Two or more episodes on the same day leave the file unmatched rather
   than guess, and a date is never taken for a number.

A recap (``12.5``) matches nothing: it belongs to no numbered episode.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from aniworld_desktop.core.models import EpisodeKind
from aniworld_desktop.core.recognise import ParsedFile


class CatalogueEpisode(Protocol):
    """What matching reads of an episode row (an ``EpisodeRecord``, or the scan's lighter
    ``KnownEpisode``)."""

    @property
    def id(self) -> int: ...
    @property
    def season(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def absolute(self) -> int | None: ...
    @property
    def air_date(self) -> date | None: ...
    @property
    def kind(self) -> str: ...


def episodes_for(parsed: ParsedFile, episodes: Sequence[CatalogueEpisode]) -> list[int]:
    """Ids of the episodes (of one series) that a file read as ``parsed`` holds."""
    if parsed.recap is not None:
        return []
    found = _by_numbers(parsed, episodes)
    if found or parsed.air_date is None:
        return found
    aired = [
        e.id for e in episodes if e.air_date == parsed.air_date and e.kind == EpisodeKind.FULL.value
    ]
    return aired if len(aired) == 1 else []


def _by_numbers(parsed: ParsedFile, episodes: Sequence[CatalogueEpisode]) -> list[int]:
    if parsed.season is not None and parsed.episode is not None:
        last = parsed.episode_end or parsed.episode
        wanted = {(parsed.season, n) for n in range(parsed.episode, last + 1)}
        found = [e.id for e in episodes if (e.season, e.number) in wanted]
        if found or parsed.absolute is None:
            return found
    if parsed.absolute is not None:
        last = parsed.absolute_end or parsed.absolute
        numbers = set(range(parsed.absolute, last + 1))
        by_absolute = [e.id for e in episodes if e.absolute in numbers]
        if by_absolute:
            return by_absolute
        seasons = {e.season for e in episodes if e.season > 0}
        if len(seasons) == 1:
            (season,) = seasons
            return [e.id for e in episodes if e.season == season and e.number in numbers]
    return []
