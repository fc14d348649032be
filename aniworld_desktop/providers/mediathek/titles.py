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

The numbers are read by the app's one recogniser (:func:`~aniworld_desktop.core.recognise.
recognise_title`), as the library reads file names and the feed provider item titles, so a title
means the same everywhere: its season-and-episode markers (``S02/E05``, ``Staffel 2 Folge 5``)
and its episode keywords (``Folge 12``, ``Episode 12``, ``Part 3``). What is German only is made
into the recogniser's words first: the comma of ``Staffel 2, Folge 5`` and ``Teil`` for
``Part``. The recogniser's full reading of lone numbers (``- 12``, a bare ``1234``) and its
guessit fallback are never asked: a broadcaster's title is not a file name, and ``Tatort 1234``
is no episode 1234. This module then only finds where the numbers stand, to take them out of
the name, and says which version a film is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from aniworld_desktop.core.recognise import recognise_title


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
    rf"(?i)\b(?:Staffel|Season)\s*(?P<season>\d{{1,4}})\s*[,:/\-\u2013|]?\s*{_NUMBER_WORD}\s*(?P<episode>\d{{1,4}})\b"
)
_FOLGE = re.compile(rf"(?i)\b{_NUMBER_WORD}\s*(?P<number>\d{{1,4}})\b")
# What the recogniser does not know: a comma (or a dash) after "Staffel 2", and "Teil" for "Part".
_STAFFEL_SEPARATOR = re.compile(r"(?i)(\bStaffel\s*\d{1,4})\s*[,:/\-\u2013|]\s*")
_CROSS = re.compile(r"(?<![\w])\d{1,2}x\d{1,3}(?![\w])")  # 2x05, which the recogniser reads
_TEIL = re.compile(r"(?i)\bTeil\s*(?=\d)")

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
    marked = recognise_title(_in_recogniser_words(title), markers_only=True)
    if marked is not None and marked.season is not None and marked.episode is not None:
        season, episode = marked.season, marked.episode
        match = _SEASON_EPISODE.search(rest) or _STAFFEL_FOLGE.search(rest) or _CROSS.search(rest)
        if match is not None:
            rest = _cut(rest, match)
        running = _FOLGE.search(rest)
        if running is not None:
            absolute = _keyword_number(running)
            rest = _cut(rest, running)
    else:
        running = _FOLGE.search(rest)
        if running is not None:
            episode = _keyword_number(running)
            if episode is not None:
                rest = _cut(rest, running)
    version = version_of(title)
    name = _tidy(_VERSION_MARKER.sub(" ", rest))
    return TitleReading(season, episode, absolute, name or title.strip(), version)


def _in_recogniser_words(title: str) -> str:
    """``Staffel 2, Folge 5`` as ``Staffel 2 Folge 5``; ``Teil 3`` as ``Part 3``."""
    text = _STAFFEL_SEPARATOR.sub(r"\1 ", title)
    return _TEIL.sub("Part ", text)


def _keyword_number(match: re.Match[str]) -> int | None:
    """The number of ``Folge 12`` / ``Teil 3`` as the recogniser reads the keyword."""
    parsed = recognise_title(_in_recogniser_words(match.group(0)))
    if parsed is None or parsed.source != "fast":  # guessit's guesses are not for titles
        return None
    number = parsed.absolute if parsed.absolute is not None else parsed.episode
    return number


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
