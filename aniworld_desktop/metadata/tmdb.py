"""TMDB client: series search, details, seasons and the image configuration, as typed results.

TMDB hands out two kinds of credentials and :class:`TMDBClient` tells them apart by shape:

- a v3 API key is 32 hexadecimal characters; it is sent as the ``api_key`` query parameter;
- a v4 read-access token is a JWT (three base64url parts joined by dots, some 200 characters);
  it is sent as ``Authorization: Bearer``. Anything that is not a v3 key is sent this way, since
  every credential TMDB issues today is such a token.

Neither ever reaches a log line, an exception message, a repr or the reply cache's keys: the
cache key and every message are built from the request's path and public parameters only, and
aiohttp's own exceptions (whose text carries the full URL, ``api_key`` included) are never
chained or logged.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import logging
import random
import re
import unicodedata
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal, TypeVar
from urllib.parse import urlencode

import aiohttp
import yarl

from aniworld_desktop import __version__
from aniworld_desktop.config import TMDB_API_URL
from aniworld_desktop.core.secret import Secret
from aniworld_desktop.metadata.errors import (
    MetadataError,
    TMDBAuthError,
    TMDBBadReply,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from aniworld_desktop.metadata.ratelimit import MAX_BACKOFF, RateLimiter, default_limiter
from aniworld_desktop.net.errors import TRUST_ERRORS, why
from aniworld_desktop.net.retry import parse_retry_after, retry_delay
from aniworld_desktop.net.session import OwnedSession, client_session, read_capped
from aniworld_desktop.storage.reply_cache import ReplyCache

__all__ = [
    "DEFAULT_IMAGE_BASE",
    "CastMember",
    "EpisodeDetails",
    "ImageConfiguration",
    "ScoredMatch",
    "SeasonDetails",
    "SeasonSummary",
    "TMDBClient",
    "TVDetails",
    "TVSearchResult",
    "best_match",
    "normalise_title",
    "scored_match",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
AuthKind = Literal["api_key", "bearer"]

DEFAULT_IMAGE_BASE: Final = "https://image.tmdb.org/t/p/"
_V3_KEY = re.compile(r"^[0-9a-fA-F]{32}$")
# Header-safe: visible ASCII only, so a pasted newline never reaches aiohttp (whose complaint
# would quote the header, token and all).
_SENDABLE = re.compile(r"^[\x21-\x7e]+$")
# TMDB image paths look like "/kqjL17yufvn9OVLyXYpvtyrFfak.jpg". Anything else (a "../", a
# full URL) is treated as no image, so an odd reply cannot steer a download elsewhere.
_IMAGE_PATH = re.compile(r"^/[A-Za-z0-9_-]+\.[A-Za-z0-9]{2,5}$")
# A details reply with credits and images is a few hundred KiB; far more is not TMDB.
_MAX_BODY = 16 << 20
_DETAILS_APPENDS = "external_ids,images,credits,content_ratings"


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


def _decode(body: str, what: str) -> Any:
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


def _parse_configuration(data: Any) -> ImageConfiguration:
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


def _parse_search(data: Any) -> list[TVSearchResult]:
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


def _parse_details(data: Any, tmdb_id: int, language: str) -> TVDetails:
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


def _parse_season(data: Any, series_id: int, season_number: int) -> SeasonDetails:
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


# --- matching ---------------------------------------------------------------------------------

# Leading articles dropped before comparing ("The Office" and "Office" are one title).
_ARTICLES = frozenset(
    {"the", "a", "an", "der", "die", "das", "le", "la", "les", "l", "el", "los", "las", "il"}
)
_NON_WORD = re.compile(r"[\W_]+")
MIN_SIMILARITY: Final = 0.6
_YEAR_BONUS: Final = {0: 0.3, 1: 0.1}
_YEAR_PENALTY_PER_YEAR: Final = 0.1
_YEAR_PENALTY_MAX: Final = 0.5


def normalise_title(title: str) -> str:
    """A title reduced for comparison: accents, case, punctuation and a leading article gone."""
    decomposed = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = _NON_WORD.sub(" ", text.replace("&", " and ")).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def _similarity(wanted: str, result: TVSearchResult) -> float:
    best = 0.0
    for name in (result.name, result.original_name):
        candidate = normalise_title(name)
        if not candidate:
            continue
        if candidate == wanted:
            return 1.0
        best = max(best, difflib.SequenceMatcher(None, wanted, candidate).ratio())
    return best


def best_match(
    results: Sequence[TVSearchResult], title: str, year: int | None = None
) -> TVSearchResult | None:
    """The search result that most likely is the series ``title`` (of ``year``), or None.

    Scoring: titles are compared after :func:`normalise_title`, against both the name and the
    original name; an exact match scores 1.0, anything else difflib's ratio (0 to 1). Results
    below 0.6 are never chosen. When both years are known, the same year adds 0.3 and one year
    apart adds 0.1 (a feed's year is often the local broadcast's); further apart subtracts 0.1
    per year, at most 0.5. The highest score wins; ties go to the earlier result, since TMDB
    lists the more relevant and popular first.

    Args:
        results: What a search returned, in TMDB's order.
        title: The series' title as we know it.
        year: Its first year, if known.
    """
    ranked = _ranked(results, title, year)
    return ranked[0][2] if ranked else None


def _ranked(
    results: Sequence[TVSearchResult], title: str, year: int | None
) -> list[tuple[float, float, TVSearchResult]]:
    """``(score, similarity, result)`` of the results worth a look, best first (see
    :func:`best_match`); equal scores keep TMDB's order."""
    wanted = normalise_title(title)
    if not wanted:
        return []
    scored = []
    for result in results:
        similarity = _similarity(wanted, result)
        if similarity < MIN_SIMILARITY:
            continue
        score = similarity
        if year is not None and result.year is not None:
            apart = abs(result.year - year)
            score += _YEAR_BONUS.get(apart, -min(_YEAR_PENALTY_MAX, _YEAR_PENALTY_PER_YEAR * apart))
        scored.append((score, similarity, result))
    scored.sort(key=lambda item: -item[0])  # stable: ties stay in TMDB's order
    return scored


@dataclass(frozen=True, slots=True)
class ScoredMatch:
    """The search result :func:`best_match` chooses, and how sure that choice is.

    Attributes:
        result: The chosen series.
        confidence: 0 to 1; see :func:`scored_match`.
        rival: Another result that was nearly as good (the reason for a lower confidence).
    """

    result: TVSearchResult
    confidence: float
    rival: TVSearchResult | None = None


# A year one apart is common (a feed's or a folder's year is often the local broadcast's).
_YEAR_CONFIDENCE: Final = {0: 1.0, 1: 0.9}
_UNKNOWN_YEAR_CONFIDENCE: Final = 0.9
_RIVAL_MARGIN: Final = 0.05
_RIVAL_FACTOR: Final = 0.85


def _confidence(similarity: float, result: TVSearchResult, year: int | None) -> float:
    if year is None or result.year is None:
        return similarity * _UNKNOWN_YEAR_CONFIDENCE
    apart = abs(result.year - year)
    return similarity * _YEAR_CONFIDENCE.get(apart, max(0.0, 1.0 - 0.2 * apart))


def scored_match(
    results: Sequence[TVSearchResult], title: str, year: int | None = None
) -> ScoredMatch | None:
    """:func:`best_match`'s choice with a confidence from 0 to 1, or None.

    The confidence is the title's similarity (1.0 for the same title after
    :func:`normalise_title`) times what the years say: 1.0 the same year, 0.9 one apart or
    either unknown, 0.2 less for each further year. Another result within 0.05 of it (two
    series of one title, no year to tell them apart) multiplies it by 0.85. So the same title
    and year give 1.0, the same title without a year 0.9, and two equal candidates 0.77.
    """
    ranked = _ranked(results, title, year)
    if not ranked:
        return None
    _, similarity, chosen = ranked[0]
    confidence = _confidence(similarity, chosen, year)
    rival = None
    for _, other_similarity, other in ranked[1:]:
        if other.id != chosen.id and (
            _confidence(other_similarity, other, year) >= confidence - _RIVAL_MARGIN
        ):
            rival = other
            confidence *= _RIVAL_FACTOR
            break
    return ScoredMatch(chosen, round(confidence, 3), rival)


# --- the client -------------------------------------------------------------------------------


def _unreachable(exc: BaseException, timeout: float) -> str:
    """The sentence for a request that got no answer; never aiohttp's text, which quotes the URL,
    api_key and all."""
    if isinstance(exc, TimeoutError):
        reason = f"no answer within {timeout:g} seconds"
    elif isinstance(exc, aiohttp.ClientConnectorCertificateError):
        reason = f"the certificate of {exc.host} is not valid"  # TMDB's host, not a page's
    else:
        reason = why(exc)
    return f"TMDB could not be reached: {reason}."


class TMDBClient(OwnedSession):
    """A client of TMDB's v3 API, rate limited, retried and cached.

    Use it as ``async with TMDBClient(token) as tmdb`` to let it own an aiohttp session, or give
    it a session it will use but never close (NFOService shares one with the ImageDownloader).
    The token goes with each request, never into the session's headers, so a shared session
    does not hand it to image servers.

    Attributes:
        api_url: Base URL of the API, without a trailing slash.
        language: TMDB language tag for titles and plots, such as ``en-US``.
        auth: ``"api_key"`` for a v3 key, ``"bearer"`` for a v4 read-access token.
    """

    def __init__(
        self,
        token: str,
        *,
        api_url: str = TMDB_API_URL,
        language: str = "en-US",
        session: aiohttp.ClientSession | None = None,
        limiter: RateLimiter | None = None,
        cache: ReplyCache | None = None,
        max_retries: int = 4,
        timeout: float = 20,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """Configure the client; no request is made yet.

        Args:
            token: A v4 read-access token or a v3 API key (see the module's docstring).
            api_url: http(s) base URL of the API.
            language: TMDB language tag for texts; its first part also picks images.
            session: A session to borrow; without one the client makes its own on entering.
            limiter: Request rate shared with other clients; default: the process-wide one.
            cache: Where replies are kept between runs; None fetches every time.
            max_retries: Retries of a 429, 5xx or network failure before giving up.
            timeout: Seconds one request may take in all.
            sleep: Async sleep between retries of a 5xx; injectable for tests.
            jitter: Random numbers in [0, 1) that spread the backoff; injectable for tests.

        Raises:
            MetadataError: ``api_url`` is not an http or https URL.
        """
        url = yarl.URL(api_url.strip().rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise MetadataError("The TMDB API URL must be an http or https address.")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.api_url = str(url)
        self.language = language.strip() or "en-US"
        super().__init__(session)
        self._token = Secret(token.strip())
        self.auth: AuthKind = "api_key" if _V3_KEY.match(self._token.value) else "bearer"
        self._limiter = limiter if limiter is not None else default_limiter()
        self._cache = cache
        self._max_retries = max_retries
        self._timeout = timeout
        self._sleep = sleep
        self._jitter = jitter
        self._configuration: ImageConfiguration | None = None

    def __repr__(self) -> str:
        return (
            f"TMDBClient(api_url={self.api_url!r}, auth={self.auth!r}, language={self.language!r})"
        )

    def __del__(self) -> None:
        # getattr: __init__ may have failed before the attributes existed.
        session = getattr(self, "_session", None)
        if getattr(self, "_owns_session", False) and session is not None and not session.closed:
            message = (
                "TMDBClient was garbage collected with its HTTP session still open; "
                "use 'async with TMDBClient(...)' or await close()"
            )
            warnings.warn(message, ResourceWarning, stacklevel=2, source=self)
            log.warning(message)

    def _new_session(self) -> aiohttp.ClientSession:
        return client_session(
            headers={"Accept": "application/json", "User-Agent": f"aniworld-desktop/{__version__}"},
            timeout=aiohttp.ClientTimeout(total=self._timeout),
        )

    # --- calls --------------------------------------------------------------------------------

    async def configuration(self) -> ImageConfiguration:
        """Where images live and in which sizes; fetched once per client and cached."""
        if self._configuration is None:
            self._configuration = await self._get(
                "/configuration", {}, _parse_configuration, what="the image configuration"
            )
        return self._configuration

    async def search_tv(self, query: str, year: int | None = None) -> list[TVSearchResult]:
        """Series whose title matches ``query``, most relevant first (TMDB's first page).

        Args:
            query: A title.
            year: The year the series first aired, to narrow the search.
        """
        params = {"query": query, "include_adult": "false", "language": self.language, "page": "1"}
        if year is not None:
            params["first_air_date_year"] = str(year)
        return await self._get("/search/tv", params, _parse_search, what="search results")

    async def tv_details(self, tmdb_id: int) -> TVDetails:
        """A series' details with external ids, images, cast and content ratings.

        Raises:
            TMDBNotFound: TMDB has no series ``tmdb_id``.
        """
        prefix = self.language.partition("-")[0]
        image_languages = f"{prefix},null" if prefix == "en" else f"{prefix},en,null"
        params = {
            "language": self.language,
            "append_to_response": _DETAILS_APPENDS,
            "include_image_language": image_languages,
        }
        return await self._get(
            f"/tv/{int(tmdb_id)}",
            params,
            lambda data: _parse_details(data, int(tmdb_id), self.language),
            what=f"series {int(tmdb_id)}",
        )

    async def season(self, tmdb_id: int, season_number: int) -> SeasonDetails:
        """One season of a series with its episodes.

        Raises:
            TMDBNotFound: TMDB has no such series or season.
        """
        series, number = int(tmdb_id), int(season_number)
        return await self._get(
            f"/tv/{series}/season/{number}",
            {"language": self.language},
            lambda data: _parse_season(data, series, number),
            what=f"season {number} of series {series}",
        )

    async def test_connection(self) -> str:
        """Ask TMDB whether it accepts the token, bypassing the cache.

        Returns:
            A sentence saying that it works.

        Raises:
            TMDBAuthError: The token is missing or refused.
            MetadataError: TMDB could not be asked (network, server trouble).
        """
        what = "the token check"
        try:
            await self._get("/authentication", {}, lambda data: data, what=what, cached=False)
        except TMDBNotFound:
            # A TMDB look-alike (a proxy, a test server) may lack this endpoint.
            await self._get("/configuration", {}, _parse_configuration, what=what, cached=False)
        kind = "API key" if self.auth == "api_key" else "read-access token"
        return f"TMDB accepted the {kind}; metadata can be fetched from {self.api_url}."

    # --- plumbing -----------------------------------------------------------------------------

    def _cache_key(self, path: str, params: Mapping[str, str]) -> str:
        # Public parameters only: the credentials are added later, in _fetch.
        query = urlencode(sorted(params.items()))
        return f"GET {self.api_url}{path}" + (f"?{query}" if query else "")

    async def _get(
        self,
        path: str,
        params: Mapping[str, str],
        parse: Callable[[Any], T],
        *,
        what: str,
        cached: bool = True,
    ) -> T:
        cache = self._cache if cached else None
        key = self._cache_key(path, params)
        if cache is not None:
            body = await cache.get(key)
            if body is not None:
                try:
                    return parse(_decode(body, what))
                except TMDBBadReply:
                    log.info("cached %s unreadable, fetching it again", what)
        body = await self._fetch(path, params, what)
        result = parse(_decode(body, what))
        # Stored only once it parsed: a bad reply must not outlive this call.
        if cache is not None:
            await cache.put(key, body)
        return result

    def _credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        token = self._token.value
        if not token:
            raise TMDBAuthError(
                "No TMDB token is set: add a TMDB read-access token or API key in the settings."
            )
        if not _SENDABLE.match(token):
            raise TMDBAuthError(
                "The TMDB token contains spaces or unusual characters; paste it again."
            )
        if self.auth == "api_key":
            return {"api_key": token}, {}
        return {}, {"Authorization": f"Bearer {token}"}

    async def _fetch(self, path: str, params: Mapping[str, str], what: str) -> str:
        """GET ``path`` and return the body of its 200 reply, retrying what is worth it."""
        extra_params, headers = self._credentials()
        query = {**params, **extra_params}
        url = self.api_url + path
        recreated = False
        attempt = 0
        while True:
            session = self._session
            if session is None:
                raise RuntimeError("TMDBClient is used outside 'async with' or after close()")
            await self._limiter.acquire()
            log.debug("GET %s %s", path, dict(params))
            failure: MetadataError
            retry_after: float | None = None
            try:
                async with session.get(
                    url,
                    params=query,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self._timeout),
                    # TMDB's API never redirects; following one could carry the key elsewhere.
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    if status == 200:
                        return await _read_text(response, what)
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
            except RuntimeError as exc:
                if not session.closed:
                    raise
                if not self._owns_session:
                    raise TMDBUnavailable(
                        "The HTTP session TMDBClient was given has been closed."
                    ) from None
                if recreated:
                    raise TMDBUnavailable("TMDB's HTTP session keeps closing.") from None
                recreated = True
                if self._session is session:
                    # The seed project's rule: a closed connector is a bug somewhere, so say so
                    # loudly (with the traceback), then carry on with a fresh session.
                    log.warning(
                        "TMDB session was closed underneath the client; opening a new one",
                        exc_info=exc,
                    )
                    self._session = self._new_session()
                    await session.close()
                continue
            except TRUST_ERRORS as exc:
                # Asking again will not make the certificate valid (or the trusted one return).
                raise TMDBUnavailable(_unreachable(exc, self._timeout)) from None
            except (aiohttp.ClientError, TimeoutError) as exc:
                status = 0
                failure = TMDBUnavailable(_unreachable(exc, self._timeout))
            if status == 401:
                raise TMDBAuthError(
                    "TMDB refused the token (HTTP 401): check the TMDB read-access token or API "
                    "key in the settings."
                )
            if status == 404:
                raise TMDBNotFound(f"TMDB has no {what} (HTTP 404).")
            if status == 429:
                failure = TMDBRateLimited(
                    f"TMDB kept answering 'too many requests' for {what}.", retry_after=retry_after
                )
            elif status >= 500:
                failure = TMDBUnavailable(f"TMDB is having trouble (HTTP {status}) with {what}.")
            elif status != 0:
                raise MetadataError(f"TMDB refused the request for {what} (HTTP {status}).")
            attempt += 1
            delay = retry_delay(
                attempt, base=0.5, jitter=self._jitter(), retry_after=retry_after, cap=MAX_BACKOFF
            )
            if status == 429:
                # Everyone sharing the limiter pauses, even when this call gives up now; a
                # retry's acquire() below waits with them.
                self._limiter.on_rate_limited(delay)
            if attempt > self._max_retries:
                raise failure
            log.info("%s Retry %d of %d in %.1f s.", failure, attempt, self._max_retries, delay)
            if status != 429:
                await self._sleep(delay)


async def _read_text(response: aiohttp.ClientResponse, what: str) -> str:
    body = await read_capped(
        response,
        _MAX_BODY,
        lambda: TMDBBadReply(f"TMDB sent {what} larger than {_MAX_BODY >> 20} MiB."),
    )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise TMDBBadReply(f"TMDB sent {what} that is not UTF-8 text.") from None
