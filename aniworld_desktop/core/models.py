"""The domain's records and the states they are in: what the services return, the storage maps its
rows to, and the window shows. Pure: no I/O, no Qt, no SQL.

Every state that crosses a layer is a ``StrEnum`` here, so a typo is a type error instead of a
silent wrong colour or count. Their values are the words stored in the database and printed by
the command line (``aniworld-desktop episodes --json``), so they never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.status import DownloadStatus

__all__ = [
    "EpisodeAvailability",
    "EpisodeKind",
    "EpisodeRecord",
    "EpisodeState",
    "MetadataState",
    "SeriesCounts",
    "SeriesRecord",
    "SeriesSummary",
    "SkipReason",
    "Trigger",
]


class EpisodeKind(StrEnum):
    """What an item of a catalogue is. Only FULL episodes can be "missing"."""

    FULL = "full"
    TRAILER = "trailer"
    BONUS = "bonus"


class EpisodeAvailability(StrEnum):
    """Where an episode is, in the user's words: on disk, on its way, missing, or not an episode
    one can miss (not released yet, a trailer, a bonus item)."""

    ON_DISK = "on disk"
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    PAUSED = "paused"
    FAILED = "failed"
    MISSING = "missing"
    NOT_RELEASED = "not released"
    TRAILER = "trailer"
    BONUS = "bonus"

    @classmethod
    def of_extra(cls, kind: EpisodeKind) -> EpisodeAvailability:
        """A trailer or a bonus item is that, whatever else is true of it."""
        return _EXTRAS[kind]

    @classmethod
    def in_queue(cls, status: DownloadStatus) -> EpisodeAvailability:
        """An episode whose queue entry is active (pending, downloading or paused)."""
        return _IN_QUEUE[status]

    def is_extra(self) -> bool:
        """A trailer or a bonus item: never counted among the episodes of a season."""
        return self in (EpisodeAvailability.TRAILER, EpisodeAvailability.BONUS)


_EXTRAS = {
    EpisodeKind.TRAILER: EpisodeAvailability.TRAILER,
    EpisodeKind.BONUS: EpisodeAvailability.BONUS,
}
_IN_QUEUE = {
    DownloadStatus.PENDING: EpisodeAvailability.QUEUED,
    DownloadStatus.DOWNLOADING: EpisodeAvailability.DOWNLOADING,
    DownloadStatus.PAUSED: EpisodeAvailability.PAUSED,
}


class MetadataState(StrEnum):
    """Whether a series' NFO files and artwork were written."""

    PENDING = ""  # never described, or to be described again (a new TMDB match)
    DONE = "done"
    FAILED = "failed"


class Trigger(StrEnum):
    """Who asked for an auto-download run."""

    INTERVAL = "interval"  # the timer
    MANUAL = "manual"  # "Run auto-download now" in the tray or the window
    RUN_ONCE = "run-once"  # the command


class SkipReason(StrEnum):
    """Why an auto-download run that was asked for did not run."""

    COOLDOWN = "cooldown"  # the last run is too recent
    ALREADY_RUNNING = "already running"


@dataclass(frozen=True, slots=True)
class SeriesRecord:
    """A followed series as stored."""

    id: int
    title: str
    provider: str
    source_url: str
    folder: str
    year: int | None = None
    monitored: bool = True
    description: str = ""
    poster_url: str = ""
    fanart_url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    refreshed_at: datetime | None = None
    refresh_error: str = ""
    tmdb_id: int | None = None
    metadata_state: MetadataState = MetadataState.PENDING
    metadata_error: str = ""


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    """An episode of the catalogue as stored, with its file on disk if the last scan found one."""

    id: int
    series_id: int
    season: int
    number: int
    title: str
    url: str
    size: int | None = None
    absolute: int | None = None
    air_date: date | None = None
    kind: EpisodeKind = EpisodeKind.FULL
    guid: str = ""
    description: str = ""
    image_url: str = ""
    file_path: str | None = None
    file_size: int | None = None

    @property
    def key(self) -> EpisodeKey:
        return EpisodeKey(self.series_id, self.season, self.number)

    def released(self, today: date) -> bool:
        return self.air_date is None or self.air_date <= today


@dataclass(frozen=True, slots=True)
class SeriesCounts:
    """Regular episodes only (trailers and bonus items never count)."""

    episodes: int = 0
    on_disk: int = 0
    missing: int = 0
    queued: int = 0
    failed: int = 0  # failed for good at the source, not queued again until retried


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """A series with its counts, as ``list`` prints it."""

    series: SeriesRecord
    counts: SeriesCounts


@dataclass(frozen=True, slots=True)
class EpisodeState:
    """An episode with where it is, in the user's words."""

    episode: EpisodeRecord
    state: EpisodeAvailability
