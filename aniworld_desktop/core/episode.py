"""Identity of an episode, independent of where it comes from."""

from __future__ import annotations

from typing import NamedTuple


class EpisodeKey(NamedTuple):
    """``(series_id, season, episode)``: what the queue de-duplicates on. Season 0 holds specials."""

    series_id: int
    season: int
    episode: int

    def label(self) -> str:
        """``S01E02`` as people write it."""
        return f"S{self.season:02d}E{self.episode:02d}"
