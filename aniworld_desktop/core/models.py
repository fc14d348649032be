"""The domain's records and the states they are in: what the services return, the storage maps its
rows to, and the window shows. Pure: no I/O, no Qt, no SQL.

Every state that crosses a layer is a ``StrEnum`` here, so a typo is a type error instead of a
silent wrong colour or count. Their values are the words stored in the database and printed by
the command line (``aniworld-desktop episodes --json``), so they never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.status import DownloadStatus

__all__ = [
    "EpisodeAvailability",
    "EpisodeKind",
    "EpisodeRecord",
    "EpisodeState",
    "MatchState",
    "MetadataState",
    "MonitorMode",
    "Monitoring",
    "SeriesCounts",
    "SeriesDetails",
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
    # Not on disk and released, but not monitored: not "missing", never fetched by itself.
    UNMONITORED = "not monitored"

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


class MonitorMode(StrEnum):
    """Which episodes of a series are wanted (like Sonarr's "monitor" choice).

    A mode is applied to the catalogue when it is chosen and to each episode a later refresh
    brings; per-season and per-episode check boxes change ``EpisodeRecord.monitored`` after
    that. Only monitored episodes are ever "missing".
    """

    NEW = "new"  # what exists when it is chosen stays unmonitored (unless not aired yet)
    ALL = "all"
    NONE = "none"
    SEASON = "season"  # this season and the later ones


class MatchState(StrEnum):
    """How sure we are which TMDB series a series is.

    Only a confirmed match (:meth:`is_confirmed`) is used for the catalogue and the NFO files;
    ``needs_review`` keeps TMDB's best guess as a proposal until the user confirms it.
    """

    UNMATCHED = "unmatched"
    MATCHED = "matched"  # found by a search, with a confidence above the threshold
    NEEDS_REVIEW = "needs_review"  # a low confidence, or another folder claims the same id
    MANUAL = "manual"  # set by the user, or an id in the folder name
    FROM_NFO = "from_nfo"  # an existing tvshow.nfo's <uniqueid type="tmdb">

    def is_confirmed(self) -> bool:
        """True when the TMDB id may be used for the catalogue and the NFO files."""
        return self in (MatchState.MATCHED, MatchState.MANUAL, MatchState.FROM_NFO)


@dataclass(frozen=True, slots=True)
class Monitoring:
    """A monitor mode with its season: what ``--mode`` takes and ``list --json`` prints.

    Attributes:
        mode: The mode.
        season: For ``season``: the first season monitored (1 or more); else None.
    """

    mode: MonitorMode
    season: int | None = None

    def __post_init__(self) -> None:
        if (self.mode is MonitorMode.SEASON) != (self.season is not None):
            raise ValueError("a season is given with the 'season' mode, and only with it")
        if self.season is not None and self.season < 1:
            raise ValueError("the first season to monitor is 1 or more")

    @classmethod
    def parse(cls, text: str) -> Monitoring:
        """``new``, ``all``, ``none`` or ``season:N``.

        Raises:
            ValueError: Anything else (its message says what is expected).
        """
        word, _, number = text.strip().lower().partition(":")
        try:
            mode = MonitorMode(word)
            if mode is MonitorMode.SEASON:
                if not number.isdigit() or int(number) < 1:
                    raise ValueError
                return cls(mode, int(number))
            if number:
                raise ValueError
            return cls(mode)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a monitor mode: use new, all, none or season:N "
                "(N the first season to monitor)"
            ) from None

    def __str__(self) -> str:
        return f"season:{self.season}" if self.mode is MonitorMode.SEASON else self.mode.value

    def wants(
        self,
        season: int,
        air_date: date | None,
        today: date,
        *,
        existing: bool,
        has_source: bool = True,
    ) -> bool:
        """Whether an episode is monitored when this mode is applied to it.

        Args:
            season: Its season (0: specials).
            air_date: When it aired or airs (None: unknown, taken as aired).
            today: Today's date.
            existing: It was in the catalogue when the mode was chosen (for ``new``: those
                are unmonitored unless they have not aired yet); False for an episode a
                later refresh brings.
            has_source: It can be downloaded. TMDB's specials (season 0 without a source)
                are never monitored by a mode, only by a check box.
        """
        if season == 0 and not has_source:
            return False
        mode = self.mode
        if mode is MonitorMode.ALL:
            return True
        if mode is MonitorMode.NONE:
            return False
        if mode is MonitorMode.SEASON:
            return season >= (self.season or 1)
        return not existing or (air_date is not None and air_date > today)


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
    """A followed series as stored: a folder of the library first, with or without a source.

    Attributes:
        provider: The source's provider (``feed``, ``direct``, ``demo``...); None for a local
            series (a folder of the library without a source).
        source_url: The source's address (unique); None for a local series.
        monitored: Whether auto-download refreshes it and queues what is missing.
        monitor_mode, monitor_season: Which episodes are wanted (:class:`Monitoring`).
        tmdb_id: The TMDB series it is, or TMDB's best guess while ``match_state`` is
            ``needs_review`` (see :attr:`confirmed_tmdb_id`).
        match_state, tmdb_confidence, match_note: How the match was made, how sure it is
            (0..1), and the sentence shown on its row.
        genres, premiered, status: What TMDB says, for the details pane.
    """

    id: int
    title: str
    provider: str | None
    source_url: str | None
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
    monitor_mode: MonitorMode = MonitorMode.ALL
    monitor_season: int | None = None
    match_state: MatchState = MatchState.UNMATCHED
    tmdb_confidence: float | None = None
    match_note: str = ""
    genres: tuple[str, ...] = ()
    premiered: date | None = None
    status: str = ""

    @property
    def is_local(self) -> bool:
        """A folder of the library without a source: nothing of it can be downloaded."""
        return self.provider is None

    @property
    def monitoring(self) -> Monitoring:
        """Its monitor mode, with the season for ``season``."""
        if self.monitor_mode is MonitorMode.SEASON:
            return Monitoring(self.monitor_mode, self.monitor_season or 1)
        return Monitoring(self.monitor_mode)

    @property
    def confirmed_tmdb_id(self) -> int | None:
        """The TMDB id when the match is confirmed; None while unmatched or to be reviewed."""
        return self.tmdb_id if self.match_state.is_confirmed() else None


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
    monitored: bool = True

    @property
    def key(self) -> EpisodeKey:
        return EpisodeKey(self.series_id, self.season, self.number)

    @property
    def has_source(self) -> bool:
        """It can be downloaded (a TMDB-only episode of a local series cannot)."""
        return bool(self.url)

    def released(self, today: date) -> bool:
        return self.air_date is None or self.air_date <= today


@dataclass(frozen=True, slots=True)
class SeriesCounts:
    """Regular episodes only (trailers and bonus items never count).

    ``missing`` counts monitored episodes only, with or without a source; ``no_source`` is
    how many of them cannot be downloaded (a local series' TMDB episodes).
    """

    episodes: int = 0
    on_disk: int = 0
    missing: int = 0
    queued: int = 0
    failed: int = 0  # failed for good at the source, not queued again until retried
    no_source: int = 0


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


@dataclass(frozen=True, slots=True)
class SeriesDetails:
    """What the window's details pane shows of a series; its pictures are files already on
    disk (none is downloaded for the window), None where there is none.

    Attributes:
        series: The series.
        counts: Its counts.
        poster, fanart, banner, logo: Its artwork in its folder.
        thumbnails: Episode id to its thumbnail beside the episode's file.
        tmdb_url: Its page on TMDB, when the match is confirmed ("" otherwise).
    """

    series: SeriesRecord
    counts: SeriesCounts
    poster: Path | None = None
    fanart: Path | None = None
    banner: Path | None = None
    logo: Path | None = None
    thumbnails: dict[int, Path] = field(default_factory=dict)
    tmdb_url: str = ""
