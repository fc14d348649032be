"""TMDB's replies as typed records: the records, and the reading of the JSON into them.

Each ``parse_*`` function takes a decoded reply and returns its record. A missing or null field
becomes its default; a field of the wrong type is :class:`TMDBBadReply` with a sentence naming
it, never a traceback. Image paths that do not look like TMDB's are dropped, so an odd reply
cannot steer a download elsewhere. No network here (:mod:`~aniworld_desktop.metadata.tmdb`
fetches, this module reads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

import yarl

from aniworld_desktop.metadata.errors import TMDBBadReply

__all__ = [
    "DEFAULT_IMAGE_BASE",
    "CastMember",
    "EpisodeDetails",
    "ImageConfiguration",
    "SeasonDetails",
    "SeasonSummary",
    "TVDetails",
    "TVSearchResult",
    "decode_reply",
    "parse_configuration",
    "parse_details",
    "parse_search",
    "parse_season",
]

DEFAULT_IMAGE_BASE: Final = "https://image.tmdb.org/t/p/"
# TMDB image paths look like "/kqjL17yufvn9OVLyXYpvtyrFfak.jpg". Anything else (a "../", a
# full URL) is treated as no image, so an odd reply cannot steer a download elsewhere.
_IMAGE_PATH = re.compile(r"^/[A-Za-z0-9_-]+\.[A-Za-z0-9]{2,5}$")


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImageConfiguration:
    """Where TMDB's images live and in which sizes (from ``/configuration``).

    Attributes:
        base_url: Prefix of every image URL, https when TMDB offers it.
        poster_sizes: Size names for posters, such as ``w500`` and ``original``.
        backdrop_sizes: Size names for backdrops (fanart).
        logo_sizes: Size names for logos.
        still_sizes: Size names for episode stills.
        profile_sizes: Size names for actors' photos.
    """

    base_url: str = DEFAULT_IMAGE_BASE
    poster_sizes: tuple[str, ...] = ()
    backdrop_sizes: tuple[str, ...] = ()
    logo_sizes: tuple[str, ...] = ()
    still_sizes: tuple[str, ...] = ()
    profile_sizes: tuple[str, ...] = ()

    def url(self, path: str, size: str = "original") -> str:
        """The full URL of image ``path`` (as found in a result) at ``size``."""
        return f"{self.base_url.rstrip('/')}/{size}/{path.lstrip('/')}"

    @staticmethod
    def closest_size(sizes: Sequence[str], wanted: str) -> str:
        """``wanted`` if offered, else the widest offered size below it, else ``original``.

        Args:
            sizes: Sizes TMDB offers for one kind of image (``w92``, ``w500``, ``original``...).
            wanted: The size the user chose, such as ``w780``.
        """
        if wanted in sizes or wanted == "original" or not wanted.startswith("w"):
            return wanted if wanted in sizes else "original"
        try:
            limit = int(wanted[1:])
        except ValueError:
            return "original"
        widths = [int(s[1:]) for s in sizes if s.startswith("w") and s[1:].isdigit()]
        below = [w for w in widths if w <= limit]
        return f"w{max(below)}" if below else "original"


@dataclass(frozen=True, slots=True)
class TVSearchResult:
    """One series found by a search."""

    id: int
    name: str = ""
    original_name: str = ""
    overview: str = ""
    first_air_date: date | None = None
    poster_path: str = ""
    backdrop_path: str = ""
    origin_country: tuple[str, ...] = ()
    original_language: str = ""
    popularity: float = 0.0
    vote_average: float = 0.0
    vote_count: int = 0

    @property
    def year(self) -> int | None:
        """Year of the first air date, if known."""
        return self.first_air_date.year if self.first_air_date else None


@dataclass(frozen=True, slots=True)
class CastMember:
    """An actor of a series and the part they play."""

    name: str
    character: str = ""
    profile_path: str = ""
    order: int = 0


@dataclass(frozen=True, slots=True)
class SeasonSummary:
    """A season as listed in a series' details."""

    season_number: int
    name: str = ""
    overview: str = ""
    air_date: date | None = None
    poster_path: str = ""
    episode_count: int = 0


@dataclass(frozen=True, slots=True)
class TVDetails:
    """What ``tvshow.nfo`` and the series artwork need to know about a series.

    Image fields hold TMDB paths (``/abc.jpg``); :meth:`ImageConfiguration.url` makes URLs.
    Text and lists missing from the reply are empty; unknown numbers are None or 0.
    """

    id: int
    name: str = ""
    original_name: str = ""
    overview: str = ""
    tagline: str = ""
    first_air_date: date | None = None
    last_air_date: date | None = None
    status: str = ""
    genres: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    studios: tuple[str, ...] = ()
    origin_country: tuple[str, ...] = ()
    original_language: str = ""
    episode_run_time: tuple[int, ...] = ()
    vote_average: float = 0.0
    vote_count: int = 0
    imdb_id: str = ""
    tvdb_id: int | None = None
    content_rating: str = ""
    cast: tuple[CastMember, ...] = ()
    poster_path: str = ""
    backdrop_path: str = ""
    logo_path: str = ""
    seasons: tuple[SeasonSummary, ...] = ()
    number_of_seasons: int = 0
    number_of_episodes: int = 0

    @property
    def year(self) -> int | None:
        """Year of the first air date, if known."""
        return self.first_air_date.year if self.first_air_date else None

    @property
    def runtime(self) -> int | None:
        """Typical episode length in minutes, if TMDB gives one."""
        return self.episode_run_time[0] if self.episode_run_time else None


@dataclass(frozen=True, slots=True)
class EpisodeDetails:
    """What ``<episode>.nfo`` and its thumbnail need."""

    season_number: int
    episode_number: int
    id: int | None = None
    name: str = ""
    air_date: date | None = None
    overview: str = ""
    still_path: str = ""
    vote_average: float = 0.0
    vote_count: int = 0
    runtime: int | None = None


@dataclass(frozen=True, slots=True)
class SeasonDetails:
    """One season of a series with its episodes."""

    series_id: int
    season_number: int
    id: int | None = None
    name: str = ""
    overview: str = ""
    air_date: date | None = None
    poster_path: str = ""
    episodes: tuple[EpisodeDetails, ...] = ()


# --- reading replies --------------------------------------------------------------------------


class _Fields:
    """One JSON object of a reply: a missing or null field is its default, a wrong type an error."""

    __slots__ = ("_data", "_where")

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise TMDBBadReply(f"TMDB sent an unexpected reply: {where} is not a JSON object.")
        self._data: dict[str, Any] = data
        self._where = where

    def _wrong(self, key: str, expected: str) -> TMDBBadReply:
        found = type(self._data[key]).__name__
        return TMDBBadReply(
            f"TMDB sent an unexpected reply: {self._where}.{key} should be {expected}, not {found}."
        )

    def text(self, key: str) -> str:
        value = self._data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self._wrong(key, "text")
        return value

    def integer(self, key: str) -> int | None:
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "a whole number")
        return value

    def count(self, key: str) -> int:
        return self.integer(key) or 0

    def number(self, key: str) -> float:
        value = self._data.get(key)
        if value is None:
            return 0.0
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number")
        return float(value)

    def day(self, key: str) -> date | None:
        text = self.text(key)
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            # TMDB's data is edited by people; an impossible date is as good as none.
            return None

    def image(self, key: str) -> str:
        path = self.text(key)
        return path if _IMAGE_PATH.match(path) else ""

    def child(self, key: str) -> _Fields:
        value = self._data.get(key)
        return _Fields({} if value is None else value, f"{self._where}.{key}")

    def children(self, key: str) -> list[_Fields]:
        value = self._data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._wrong(key, "a list")
        return [_Fields(item, f"{self._where}.{key}[{i}]") for i, item in enumerate(value)]

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._wrong(key, "a list of text")
        return tuple(value)

    def integers(self, key: str) -> tuple[int, ...]:
        value = self._data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self._wrong(key, "a list of whole numbers")
        return tuple(value)

    def names(self, key: str) -> tuple[str, ...]:
        return tuple(name for item in self.children(key) if (name := item.text("name")))


def decode_reply(body: str, what: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise TMDBBadReply(f"TMDB sent {what} that is not valid JSON.") from None


def _pick_image(images: Iterable[_Fields], languages: Sequence[str | None]) -> str:
    """The best-voted image in the most preferred language of ``languages`` (None: no text)."""
    best: tuple[int, float, int] | None = None
    chosen = ""
    for image in images:
        path = image.image("file_path")
        if not path:
            continue
        language = image.text("iso_639_1") or None
        rank = languages.index(language) if language in languages else len(languages)
        # Lower rank first, then more votes; the first of equals wins (TMDB's own order).
        key = (-rank, image.number("vote_average"), image.count("vote_count"))
        if best is None or key > best:
            best, chosen = key, path
    return chosen


def parse_configuration(data: Any) -> ImageConfiguration:
    images = _Fields(data, "configuration").child("images")
    base = images.text("secure_base_url") or images.text("base_url") or DEFAULT_IMAGE_BASE
    if yarl.URL(base).scheme not in ("http", "https"):
        raise TMDBBadReply("TMDB sent an unexpected reply: the image address is not http(s).")
    return ImageConfiguration(
        base_url=base,
        poster_sizes=images.texts("poster_sizes"),
        backdrop_sizes=images.texts("backdrop_sizes"),
        logo_sizes=images.texts("logo_sizes"),
        still_sizes=images.texts("still_sizes"),
        profile_sizes=images.texts("profile_sizes"),
    )


def parse_search(data: Any) -> list[TVSearchResult]:
    found = []
    for item in _Fields(data, "search").children("results"):
        tmdb_id = item.integer("id")
        if tmdb_id is None:
            continue  # nothing to ask for later; useless as a match
        found.append(
            TVSearchResult(
                id=tmdb_id,
                name=item.text("name"),
                original_name=item.text("original_name"),
                overview=item.text("overview"),
                first_air_date=item.day("first_air_date"),
                poster_path=item.image("poster_path"),
                backdrop_path=item.image("backdrop_path"),
                origin_country=item.texts("origin_country"),
                original_language=item.text("original_language"),
                popularity=item.number("popularity"),
                vote_average=item.number("vote_average"),
                vote_count=item.count("vote_count"),
            )
        )
    return found


def _content_rating(ratings: list[_Fields], region: str) -> str:
    by_region = {r.text("iso_3166_1"): r.text("rating") for r in ratings}
    for wanted in (region, "US"):
        if by_region.get(wanted):
            return by_region[wanted]
    return next((rating for rating in by_region.values() if rating), "")


def parse_details(data: Any, tmdb_id: int, language: str) -> TVDetails:
    show = _Fields(data, "series")
    prefix, _, region = language.partition("-")
    images = show.child("images")
    external = show.child("external_ids")
    cast = [
        CastMember(
            name=person.text("name"),
            character=person.text("character"),
            profile_path=person.image("profile_path"),
            order=person.count("order"),
        )
        for person in show.child("credits").children("cast")
    ]
    seasons = [
        SeasonSummary(
            season_number=number,
            name=season.text("name"),
            overview=season.text("overview"),
            air_date=season.day("air_date"),
            poster_path=season.image("poster_path"),
            episode_count=season.count("episode_count"),
        )
        for season in show.children("seasons")
        if (number := season.integer("season_number")) is not None
    ]
    # Posters with the title in our language first; fanart best without any text.
    text_first = [prefix, "en", None]
    textless_first = [None, prefix, "en"]
    return TVDetails(
        id=show.integer("id") or tmdb_id,
        name=show.text("name"),
        original_name=show.text("original_name"),
        overview=show.text("overview"),
        tagline=show.text("tagline"),
        first_air_date=show.day("first_air_date"),
        last_air_date=show.day("last_air_date"),
        status=show.text("status"),
        genres=show.names("genres"),
        networks=show.names("networks"),
        studios=show.names("production_companies"),
        origin_country=show.texts("origin_country"),
        original_language=show.text("original_language"),
        episode_run_time=show.integers("episode_run_time"),
        vote_average=show.number("vote_average"),
        vote_count=show.count("vote_count"),
        imdb_id=external.text("imdb_id"),
        tvdb_id=external.integer("tvdb_id"),
        content_rating=_content_rating(show.child("content_ratings").children("results"), region),
        cast=tuple(sorted((c for c in cast if c.name), key=lambda c: c.order)),
        poster_path=show.image("poster_path")
        or _pick_image(images.children("posters"), text_first),
        backdrop_path=show.image("backdrop_path")
        or _pick_image(images.children("backdrops"), textless_first),
        logo_path=_pick_image(images.children("logos"), text_first),
        seasons=tuple(seasons),
        number_of_seasons=show.count("number_of_seasons"),
        number_of_episodes=show.count("number_of_episodes"),
    )


def parse_season(data: Any, series_id: int, season_number: int) -> SeasonDetails:
    season = _Fields(data, "season")
    number = season.integer("season_number")
    number = season_number if number is None else number
    episodes = [
        EpisodeDetails(
            season_number=episode.integer("season_number") or number,
            episode_number=episode_number,
            id=episode.integer("id"),
            name=episode.text("name"),
            air_date=episode.day("air_date"),
            overview=episode.text("overview"),
            still_path=episode.image("still_path"),
            vote_average=episode.number("vote_average"),
            vote_count=episode.count("vote_count"),
            runtime=episode.integer("runtime"),
        )
        for episode in season.children("episodes")
        if (episode_number := episode.integer("episode_number")) is not None
    ]
    return SeasonDetails(
        series_id=series_id,
        season_number=number,
        id=season.integer("id"),
        name=season.text("name"),
        overview=season.text("overview"),
        air_date=season.day("air_date"),
        poster_path=season.image("poster_path"),
        episodes=tuple(episodes),
    )
