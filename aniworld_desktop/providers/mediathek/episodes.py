"""From the films of a followed programme to a series' episodes.

A programme (channel and topic) lists each episode several times: in HD, SD and small (one
film), and as separate films for the audio-description and sign-language versions, a trailer,
and repeats on other channels. :func:`build_episodes` makes one episode of each:

1. Numbers come from the titles (:mod:`.titles`). ``Folge 12`` alone counts as season 1
   episode 12, unless the programme also numbers by season (``S02/E05``): then it is only an
   absolute number, and such a film is a special (season 0) numbered by date.
2. Films without numbers are one episode per title (case, accents and punctuation aside); when
   one channel lists the same title on several days (a daily show), per title and day.
3. Of the films of one episode the best is kept: the preferred version (the settings' order;
   versions not listed are never kept, trailers only when there is nothing else), then one that
   has the chosen quality, one that can be watched everywhere, the newest.
4. Numbered episodes in season/episode order, then those without numbers by broadcast date, so
   the library numbers those in the order they were shown.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from aniworld_desktop.providers.base import EpisodeInfo, EpisodeKind
from aniworld_desktop.providers.mediathek.filmlist import Film
from aniworld_desktop.providers.mediathek.titles import TitleReading, Version, identity, read_title

# Streaming playlists: the download engine fetches files, so an HLS playlist is no episode.
_PLAYLIST_SUFFIXES = (".m3u8", ".m3u")
_VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mkv", ".webm", ".mov", ".ts", ".flv"})


class Quality(StrEnum):
    """The three files the list offers per film."""

    HD = "hd"
    SD = "sd"
    SMALL = "small"


_FALLBACK = {
    Quality.HD: (Quality.HD, Quality.SD, Quality.SMALL),
    Quality.SD: (Quality.SD, Quality.SMALL, Quality.HD),
    Quality.SMALL: (Quality.SMALL, Quality.SD, Quality.HD),
}


@dataclass(frozen=True, slots=True)
class MediathekEpisode(EpisodeInfo):
    """An episode with what the film list says beyond the common fields.

    Attributes:
        channel: The broadcaster of the film kept.
        film_key: The film's id in the index.
        quality: The quality its URL will have, as far as the list knows now.
        subtitle_url: Subtitles (TTML or WebVTT), or empty.
        geo: Where it can be watched (``DE-AT-CH``); empty for everywhere.
        website: The film's page at the broadcaster.
        version: Which version of the episode the film is.
        approximate_size: The list's size of the SD file in bytes (MB precision), never an
            expected size.
        duration: Seconds, 0 when unknown.
    """

    channel: str = ""
    film_key: int = 0
    quality: Quality = Quality.SD
    subtitle_url: str = ""
    geo: str = ""
    website: str = ""
    version: Version = Version.STANDARD
    approximate_size: int | None = None
    duration: int = 0

    @property
    def geo_restricted(self) -> bool:
        """The broadcaster shows it only in some countries."""
        return geo_restricted(self.geo)


@dataclass(frozen=True, slots=True)
class Built:
    """What :func:`build_episodes` made, and what it left out.

    Attributes:
        episodes: One per episode, numbered ones first.
        left_out: Films not used, by reason ("other version", "stream playlist only").
    """

    episodes: tuple[MediathekEpisode, ...]
    left_out: Counter[str]


@dataclass(frozen=True, slots=True)
class _Candidate:
    film: Film
    reading: TitleReading
    url: str
    quality: Quality


def geo_restricted(geo: str) -> bool:
    """True when ``geo`` limits where a film can be watched (``DE``, ``DE-AT-CH``; not ``WELT``)."""
    return bool(geo) and "WELT" not in geo.upper()


def choose_url(film: Film, quality: Quality) -> tuple[str, Quality] | None:
    """The film's file in ``quality``, else the nearest other one; never a streaming playlist."""
    for wanted in _FALLBACK[quality]:
        url = _url_of(film, wanted)
        if url and not _is_playlist(url):
            return url, wanted
    return None


def _url_of(film: Film, quality: Quality) -> str:
    if quality is Quality.HD:
        return film.url_hd
    if quality is Quality.SMALL:
        return film.url_small
    return film.url


def _is_playlist(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(_PLAYLIST_SUFFIXES)


def video_suffix(url: str) -> str:
    """The URL's file suffix when it is a video type, else ``.mp4`` (the list's usual one)."""
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return suffix if suffix in _VIDEO_SUFFIXES else ".mp4"


def title_matches(title: str, title_filter: str) -> bool:
    """Whether ``title`` contains one of the comma-separated words of the filter (any case)."""
    alternatives = [part.strip().casefold() for part in title_filter.split(",") if part.strip()]
    if not alternatives:
        return True
    folded = title.casefold()
    return any(part in folded for part in alternatives)


def build_episodes(
    films: Iterable[Film],
    *,
    quality: Quality,
    versions: Sequence[Version],
    title_filter: str = "",
) -> Built:
    """The episodes of a programme's films (see the module's description).

    Args:
        films: The films of one channel and topic (or of one topic on several channels).
        quality: The quality to download.
        versions: The versions to keep, the preferred first; trailers are kept only when an
            episode has nothing else.
        title_filter: Only films whose title contains one of these comma-separated words.
    """
    left_out: Counter[str] = Counter()
    candidates: list[_Candidate] = []
    for film in films:
        if not title_matches(film.title, title_filter):
            left_out["not matching the title filter"] += 1
            continue
        chosen = choose_url(film, quality)
        if chosen is None:
            left_out["only as a stream playlist"] += 1
            continue
        candidates.append(_Candidate(film, read_title(film.title), *chosen))

    with_seasons = any(c.reading.season is not None for c in candidates)
    groups: dict[tuple[object, ...], list[_Candidate]] = defaultdict(list)
    by_name: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        reading = candidate.reading
        if reading.season is not None and reading.episode is not None:
            groups[("numbered", reading.season, reading.episode)].append(candidate)
        elif reading.episode is not None and not with_seasons:
            groups[("numbered", 1, reading.episode)].append(candidate)
        else:
            by_name[identity(reading.name) or identity(candidate.film.title)].append(candidate)
    for name, named in by_name.items():
        for day, members in _split_recurring(named).items():
            groups[("named", name, day)].extend(members)

    rank = {version: position for position, version in enumerate(versions)}
    episodes: list[MediathekEpisode] = []
    for group_key, members in groups.items():
        best = _best(members, rank, quality)
        if best is None:
            left_out["only in versions not wanted"] += len(members)
            continue
        left_out["other versions and repeats of an episode"] += len(members) - 1
        episodes.append(_episode(best, group_key, with_seasons))
    numbered = sorted(
        (e for e in episodes if e.number is not None), key=lambda e: (e.season, e.number or 0)
    )
    dated = sorted(
        (e for e in episodes if e.number is None),
        key=lambda e: (e.air_date is None, e.air_date, e.film_key),
    )
    return Built(tuple(numbered + dated), left_out)


def _split_recurring(named: list[_Candidate]) -> dict[str, list[_Candidate]]:
    """One group, or one per day when a channel lists the title on several days (a daily show)."""
    days: dict[str, set[str]] = defaultdict(set)
    for candidate in named:
        if candidate.reading.version is Version.STANDARD:
            days[candidate.film.channel].add(candidate.film.day)
    if not any(len(seen) > 1 for seen in days.values()):
        return {"": named}
    by_day: dict[str, list[_Candidate]] = defaultdict(list)
    for candidate in named:
        by_day[candidate.film.day].append(candidate)
    return by_day


def _best(
    members: list[_Candidate], rank: dict[Version, int], quality: Quality
) -> _Candidate | None:
    """The film to keep for one episode, or None when none is in a wanted version."""
    full = [m for m in members if m.reading.version is not Version.TRAILER]
    if full:
        pool = [m for m in full if m.reading.version in rank]
        if not pool:
            return None
    else:
        pool = members  # a trailer of an episode that is not out yet: kept as a trailer

    def order(candidate: _Candidate) -> tuple[object, ...]:
        film = candidate.film
        return (
            rank.get(candidate.reading.version, len(rank)),
            candidate.quality is not quality,
            geo_restricted(film.geo),
            -film.aired,
            film.key,
        )

    return min(pool, key=order)


def _episode(
    candidate: _Candidate,
    group_key: tuple[object, ...],
    with_seasons: bool,
) -> MediathekEpisode:
    film, reading = candidate.film, candidate.reading
    numbered = group_key[0] == "numbered"
    if numbered:
        season, number = int(group_key[1]), int(group_key[2])  # type: ignore[call-overload]
    else:
        # Unnumbered films of a programme that numbers by season are its specials.
        season, number = (0 if with_seasons else 1), None
    absolute = reading.absolute
    if absolute is None and with_seasons and reading.season is None:
        absolute = reading.episode
    trailer = reading.version is Version.TRAILER
    return MediathekEpisode(
        season=0 if trailer and not numbered else season,
        number=number,
        title=reading.name,
        url=episode_url(film.key, candidate.quality, video_suffix(candidate.url), film.geo),
        absolute=absolute,
        air_date=film.air_date,
        kind=EpisodeKind.TRAILER if trailer else EpisodeKind.FULL,
        guid=_guid(film, group_key),
        description=film.description,
        channel=film.channel,
        film_key=film.key,
        quality=candidate.quality,
        subtitle_url=film.subtitle_url,
        geo=film.geo,
        website=film.website,
        version=reading.version,
        approximate_size=film.size_mb * 1_000_000 if film.size_mb else None,
        duration=film.seconds,
    )


def episode_url(key: int, quality: Quality, suffix: str, geo: str = "") -> str:
    """The stored reference of an episode: ``mediathek:film/<id><suffix>?quality=<quality>``,
    with ``&geo=DE-AT-CH`` when the broadcaster shows the film only in some countries.

    The suffix is the file's, so the library names the download by it; the quality is the one
    chosen when the catalogue was read (a refresh after a change of settings chooses again).
    The geo part is only said (the episode list marks such episodes); resolving ignores it.
    """
    url = f"mediathek:film/{key & 0xFFFF_FFFF_FFFF_FFFF:016x}{suffix}?quality={quality.value}"
    if geo_restricted(geo):
        url += "&geo=" + quote(geo.strip(), safe="-")
    return url


def _guid(film: Film, group_key: tuple[object, ...]) -> str:
    """A stable id of the episode (not of one film): unnumbered episodes keep their number by it."""
    text = "|".join(str(part) for part in (film.topic.casefold(), *group_key))
    return "mediathek:" + hashlib.blake2b(text.encode(), digest_size=10).hexdigest()
