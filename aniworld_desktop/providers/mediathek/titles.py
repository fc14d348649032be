"""What the public broadcasters' titles say: season and episode numbers, and which version.

The film list has no numbering fields; the broadcasters write it into the titles, each in its
own way. :func:`read_title` knows the German conventions seen in the list:

- ``(S02/E05)``, ``S02E05``, ``(S2025/E02)`` (a year as the season): season and episode;
- ``Staffel 2, Folge 5``, ``(Staffel 9, Folge 3)``, ``Staffel 2 - Episode 5``: the same in words;
- ``Folge 12``, ``Episode 12``, ``Teil 3``: an episode number without a season. Some topics count
  their episodes through all seasons this way and give the season separately (``Folge 168: Lehrer
  sind auch nur Menschen (S11/E04)``), so a ``Folge`` beside an ``S/E`` pair is the absolute
  number.

It also says which version a film is (MediathekView's own rules, ``FilmListReader`` and
``TrailerTeaserChecker`` of the MediathekView client): an audio description (``Audiodeskription``,
``Hörfassung``, ``(AD)``, ``Hörfilm``), sign language (``Gebärden...``), a trailer (``Trailer``,
``Teaser``, ``Vorschau``) or the standard one; and gives the title without the numbers and the
version markers, for the episode's name and for recognising one episode in its several versions.

This is the one place of the provider that knows these conventions; it is meant to be routed
through the shared file-name recogniser of the library once that exists.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Version(StrEnum):
    """Which cut of an episode a film is; the settings name them in this spelling."""

    STANDARD = "standard"
    SIGN_LANGUAGE = "sign-language"
    AUDIO_DESCRIPTION = "audio-description"
    TRAILER = "trailer"


@dataclass(frozen=True, slots=True)
class TitleReading:
    """What a title says.

    Attributes:
        season: Season number, when the title gives one.
        episode: Episode number (in the season, or the only number the title gives).
        absolute: A running number through all seasons (``Folge 168 ... (S11/E04)``).
        name: The title without numbers and version markers; the whole title when nothing else
            would be left.
        version: Standard, sign language, audio description or trailer.
    """

    season: int | None
    episode: int | None
    absolute: int | None
    name: str
    version: Version


_NUMBER_WORD = r"(?:Folge|Episode|Teil)"
_SEASON_EPISODE = re.compile(
    r"(?i)(?<![\w])S(?P<season>\d{1,4})\s*[/|.\- ]?\s*E(?P<episode>\d{1,4})(?![\w])"
)
_STAFFEL_FOLGE = re.compile(
    rf"(?i)\bStaffel\s*(?P<season>\d{{1,4}})\s*[,:/\-\u2013|]?\s*{_NUMBER_WORD}\s*(?P<episode>\d{{1,4}})\b"
)
_FOLGE = re.compile(rf"(?i)\b{_NUMBER_WORD}\s*(?P<number>\d{{1,5}})\b")

_AUDIO_DESCRIPTION = re.compile(
    r"(?i)audiodeskription|hörfassung|hörfilm|mit gesprochenen untertiteln|\(AD\)\s*$|\bAD \|"
)
_SIGN_LANGUAGE = re.compile(r"(?i)gebärden")
_TRAILER = re.compile(r"(?i)trailer|teaser|vorschau")

# The markers as they are written into titles, with the brackets and dashes around them.
_VERSION_MARKER = re.compile(
    r"(?i)\s*[-\u2013|:]?\s*[(\[]?\s*(?:mit\s+|in\s+)?"
    r"(?:audiodeskription|hörfassung|hörfilm|gebärdensprache|gebärdensprachdolmetscher"
    r"|\bAD\b|gesprochenen untertiteln|trailer|teaser|vorschau)\s*[)\]]?"
)
_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[)\]]")
# What is left around a removed number: "Folge 12: Title", "Title - (Staffel 2, Folge 5)".
_EDGE = re.compile(r"^[\s\-\u2013|:,.·]+|[\s\-\u2013|:,.·]+$")
# ...or two separators in a row where it stood in the middle: "Show - S05E12 - Title".
_DOUBLE_SEPARATOR = re.compile(r"(\s[-\u2013|])(?:\s*[-\u2013|:])+\s")


def read_title(title: str) -> TitleReading:
    """Read the numbers and the version from a film's title."""
    season: int | None = None
    episode: int | None = None
    absolute: int | None = None
    rest = title
    match = _SEASON_EPISODE.search(rest) or _STAFFEL_FOLGE.search(rest)
    if match is not None:
        season, episode = int(match["season"]), int(match["episode"])
        rest = _cut(rest, match)
        running = _FOLGE.search(rest)
        if running is not None:
            absolute = int(running["number"])
            rest = _cut(rest, running)
    else:
        running = _FOLGE.search(rest)
        if running is not None:
            episode = int(running["number"])
            rest = _cut(rest, running)
    version = version_of(title)
    name = _tidy(_VERSION_MARKER.sub(" ", rest))
    return TitleReading(season, episode, absolute, name or title.strip(), version)


def version_of(title: str) -> Version:
    """Which version of an episode a title names (the standard one unless a marker says so)."""
    if _TRAILER.search(title):
        return Version.TRAILER
    if _SIGN_LANGUAGE.search(title):
        return Version.SIGN_LANGUAGE
    if _AUDIO_DESCRIPTION.search(title):
        return Version.AUDIO_DESCRIPTION
    return Version.STANDARD


def identity(name: str) -> str:
    """A loose form of a cleaned title, equal for the versions of one episode.

    Case, accents, punctuation and spacing do not count: ``Der Fall (Teil 1)`` on one channel
    and ``Der Fall: Teil 1`` on another are one film.
    """
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in folded if c.isalnum())


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _tidy(text: str) -> str:
    text = _EMPTY_BRACKETS.sub(" ", text)
    text = re.sub(r"\s+", " ", text)
    text = _DOUBLE_SEPARATOR.sub(r"\1 ", text)
    # Removing a marker can leave "Title -" or ": Title"; strip what dangles at either end.
    return _EDGE.sub("", text).strip()
