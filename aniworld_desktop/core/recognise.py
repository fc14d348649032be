"""Recognise episodes in names: library files, release names, feed titles and links.

One recogniser for the whole app. The library scanner reads its files with :func:`recognise`,
the direct provider a link's file name and the feed provider an item's title with
:func:`recognise_title`, so a name means the same everywhere. It is pure (no I/O) and lives in
``core`` so that ``library`` and ``providers`` both import it without either importing the
other; guessit, its slow fallback, is imported only when a name needs it.

The fast path is regular expressions tried in order of how much a shape says:

1. A season and an episode marked as such: ``S01E02`` and its relatives (``s1e2``, ``S01.E02``,
   ``Season 1 Episode 2``, ``Staffel 1 Folge 2``, ``s06.01``), ``1x02`` (``2016x231``), the
   Spanish ``Cap.408`` (season 4, episode 8) and the Dutch ``Se.3 afl.3``. Multi-episode files
   repeat the episode (``S01E01E02``, ``S01E01-02``, ``1x01-x03``) or the whole marker
   (``S03E01.S03E02``, ``S6E1-S6E2``, ``2x04.2x05``).
2. Otherwise a release folder named that way (``Show.S01E01.720p/abc123.avi``).
3. Otherwise a lone episode number: ``Episode 02``, ``Ep 12``, ``E12``, ``#12``, ``Part 2``,
   ``5of9``, the Turkish ``1. Bölüm``, ``Title - 012``, ``[12]``, ``【24】``, ``[13完]``,
   ``[第05话]``, ``05 - Title``; ranges (``01-12``, ``01 ~ 10``, ``[01-24完]``, a batch's
   ``01 - 119``); or scene style's season and episode in one number (``Show.102.HDTV``,
   ``103.104``, ``10708``).

How a lone number is read:

- After an episode keyword (``E12``, ``Episode 12``, ``Part 2``) with no season anywhere, it is
  season 1, episode 12 (a series that never names a season has one; Sonarr reads mini-series
  the same way) and also absolute number 12, for series counted from their start.
- Anime style (``- 12``, ``[12]``, a number after a release group) is an absolute number. With a
  season from the name (``Title S2 - 05``) or from a season folder it is read both ways: that
  season's episode first, the absolute number second, since groups count both ways.

Dates are read as dates (by :mod:`.recognise_dates`), never as numbers: ``Show - 2011-04-12``,
``Show.2016.02.25``, ``(29.10.2023)`` and the ``221208`` of Korean and Japanese broadcasts give
an air date, which the library matches against the catalogue's air dates. A date's digits are
blanked before any number is looked for, so ``2011-04-12`` can never become episodes 4 to 12. A
recap numbered between two episodes (``- 12.5``, ``S01E11.5``) is kept apart as such, never
taken for episode 12.

Resolutions, codecs, years, CRC32 hashes and version suffixes (``v2``) are never read as
numbers. Only names the fast path cannot read go to guessit, which is slow (milliseconds a
name); what it reads as a season that is really a year (``[2019][215 END]`` is not season
2019) is dropped, and dates it finds stay dates.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from aniworld_desktop.core.recognise_dates import _blank_dates, _dates

log = logging.getLogger(__name__)

# Bump when the recogniser reads some name differently, so cached readings from before go.
PARSER_VERSION = 2

VIDEO_EXTENSIONS: frozenset[str] = frozenset(
    {
        ".3g2", ".3gp", ".asf", ".avi", ".divx", ".f4v", ".flv", ".m2ts", ".m4v", ".mk3d",
        ".mkv", ".mov", ".mp4", ".mpeg", ".mpg", ".mts", ".ogm", ".ogv", ".rm", ".rmvb",
        ".ts", ".vob", ".webm", ".wmv",
    }
)  # fmt: skip
"""Lower-case suffixes, with their dot, of the files the library treats as videos."""

# Folders whose videos are bonus material, not episodes (the names Jellyfin and Kodi use).
_EXTRAS_FOLDERS = frozenset(
    {
        "extras", "extra", "bonus", "trailers", "trailer", "featurettes", "featurette",
        "behind the scenes", "deleted scenes", "interviews", "scenes", "shorts", "clips",
        "samples", "sample", "other", "ncop", "nced", "creditless",
    }
)  # fmt: skip
_SAMPLE = re.compile(r"(?i)(?:^|[ ._-])sample(?:[ ._-]?\d{0,2})$|^sample[ ._-]")
# Jellyfin's suffix convention for extras ("Title-trailer.mkv"), and creditless anime openings.
_EXTRA_NAME = re.compile(
    r"(?i)-(?:trailer|teaser|featurette|behindthescenes|deleted(?:scene)?|interview)\d*$"
    r"|(?<![a-z0-9])(?:nc(?:op|ed)|creditless)(?![a-z])"
)

_SEASON_FOLDER = re.compile(
    r"(?i)(?:(?:season|staffel|saison|temporada|stagione|seizoen|series)[ ._-]*(\d{1,4})"
    r"(?:[ ._-]+-[ ._-]*\S.*)?|s[ ._-]*(\d{1,4}))"
    r"(?:[ ._-]*[\[(].*)?"
)
_SPECIALS_FOLDER = re.compile(r"(?i)specials?|season[ ._-]*0+|staffel[ ._-]*0+")

# Full-width digits and CJK brackets, as Chinese and Japanese release names write them.
_WIDE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "\u3010": "[", "\u3011": "]", "\uff3b": "[", "\uff3d": "]",  # lenticular, full-width
        "\uff08": "(", "\uff09": ")", "\uff5b": "{", "\uff5d": "}",  # full-width
    }
)  # fmt: skip
_WIDE_CHARS = re.compile("[\uff10-\uff19\u3010\u3011\uff3b\uff3d\uff08\uff09\uff5b\uff5d]")

# --- Season and episode with markers -----------------------------------------------------
# The episode part accepts "E", "Ep", "Episode", "Folge"...; "11.5" is a recap; what follows
# may continue the range: "E02", "-E02", "-02", "_02", "-S01E02", ".S01E02", " - Ep10722".
_MARKER = (
    r"(?i)(?:(?<![a-z0-9])(?:season|staffel|saison|temporada|s)[ ._-]{{0,3}}(\d{{1,4}})"
    r"[ ._-]{{0,3}}(?:episode|episodio|folge|ep|e)[ ._-]?(\d{{1,5}})|{glued})"
    r"(?!\d)(\.5(?![\d.]|ch))?(?:v\d{{1,2}})?"
    r"((?:[ ._-]?e\d{{1,5}}(?!\d)|[-_]\d{{1,5}}(?![\da-z])"
    r"|(?:[ ._-]{{0,3}}|\s?[&+]\s?)s\d{{1,4}}[ ._-]?e\d{{1,5}}(?!\d)|\s?-\s?(?:ep|e)\d{{1,5}}(?!\d))*)"
)
# Groups 3 and 4 are a marker glued to a release group ("grp-zoos01e11": two-digit season
# and episode only). That form has an expression of its own, tried last, which keeps the
# search of every other name short; here the branch never matches.
_SXXEYY = re.compile(_MARKER.format(glued="(?!)()()"))
_GLUED = re.compile(_MARKER.format(glued=r"(?<!\d)s(\d{2})e(\d{2,3})"))
_NXNN = re.compile(
    r"(?i)(?<![a-z0-9])((?:19|20)\d\d|\d{1,2})x(\d{1,3})(?![\dpi])(?:v\d{1,2})?"
    r"((?:(?:-\d{1,4}x|-x|-|x|_)\d{1,3}(?![\dpi])"
    r"|[. ]\d{1,2}x\d{1,3}(?![\dpi])|\s[-&+]\s(?:(?:19|20)\d\d|\d{1,2})x\d{1,3}(?!\d))*)"
)
# "s06.01.1999": a season marker, a dot and a two-digit episode (then a dot or the end).
_S_DOT_E = re.compile(r"(?i)(?<![a-z0-9])s(\d{1,2})\.(\d{2})(?=[. _-]|$)(?!\.\d{2}(?:\D|$))")
# Spanish: "Cap.408" is season 4, episode 8; "Cap.111_120" episodes 11 to 20 of season 1.
_CAP = re.compile(r"(?i)(?<![a-z])cap[ .]{0,2}(\d{1,2})(\d{2})(?:_(?:\d{1,2})?(\d{2}))?(?!\d)")
# Dutch: "Se.3 afl.3", "Se.1 afl.2-3-4", "Se.3 afl.3 en 4".
_AFL = re.compile(
    r"(?i)(?<![a-z])se\.?[ ]?(\d{1,2})[ ]+afl\.?[ ]?(\d{1,3})((?:-\d{1,3}|[ ]en[ ]\d{1,3})*)"
)
_DIGITS = re.compile(r"\d+")
_S_DIGIT = re.compile(r"[sS]\d")
_SEASON_IN = re.compile(r"(?i)s(\d+)")

# --- Lone numbers -------------------------------------------------------------------------
# Blanked out (with spaces, so offsets stay valid) before a bare number is looked for.
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_NOISE = re.compile(
    r"""(?ix)(?<![a-z0-9])(?:
        \d{3,4}[pi](?:\d\d)? | \d{3,4}[x*]\d{3,4} | [hx][ .]?26[45] | hevc | avc | xvid | divx
        | av1 | vp9 | (?:8|10|12)[ -]?bits? | hi10p? | hdr(?:10\+?)? | sdr | 4k | uhd
        | aac(?:\d[ .]\d)? | e?-?ac-?3 | ddp?\+?(?:\d[ .]\d)? | dts(?:-?hd)?(?:-?ma)? | flac
        | opus | mp3 | truehd | atmos | \d[ .]\d
        | web(?:[ -]?dl|rip)? | blu-?ray | bdrip | brrip | dvdrip | hdtv | hdrip | remux
        | (?:19|20)\d\d
    )(?![a-z0-9])"""
)
_NAME_SEASON = re.compile(
    r"(?i)(?<![a-z0-9'])(?:(?:s|season|staffel|saison)[ .]?(\d{1,2})"
    r"|(\d{1,2})(?:st|nd|rd|th)[ .]season)(?![a-z0-9])"
)
_SPECIAL_NUMBER = re.compile(r"(?i)(?<![a-z0-9])(?:sp|special|ova|oad|oav)[ .]?(\d{1,3})(?!\d)")
# A recap between two episodes: "- 12.5", "E12.5", "[12.5]".
_RECAP = re.compile(
    r"(?i)(?:(?:^|\s)[-\u2013]\s*|(?<![a-z0-9])(?:episode|ep|e)[ .]?|\[)(\d{1,4})\.5(?![\d.])"
)
_KEYWORD_NUMBER = re.compile(
    r"(?i)(?<![a-z0-9'])(?:(?:episode|episodio|capitulo|folge|ep)[ .]{0,2}|e|#)(\d{1,4})"
    r"(?:v\d{1,2})?(?:(?:-|[ -](?:e|ep))(\d{1,4}))?(?![\d])"
)
# The number before the word: Turkish "1. Bölüm", "69. Blm", "60.Bolum", "01 BLM".
_BOLUM = re.compile(r"(?i)(?<![\d.])(\d{1,4})\.?[ ]?(?:bölüm|bolum|blm)(?![a-z])")
_PART = re.compile(r"(?i)(?<![a-z])part[ .]?(\d{1,2}|[a-z]+)(?![a-z0-9])")
_OF = re.compile(r"(?i)(?<![\da-z])(\d{1,2})[ .]?of[ .]?(\d{1,2})(?![\da-z])")
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# " - 05", " - 01-02", " - 01~10", " - 01 ~ 10", "Title: 30".
_DASH_NUMBER = re.compile(
    r"(?:(?:^|\s)[-\u2013~]|(?<=\S):)\s*(\d{1,4})(?:v\d{1,2})?"
    r"(\s~\s\d{1,4}|(?:[-~]\d{1,4}(?:v\d{1,2})?)*)(?=\s|$)"
)
# A batch says it is one ("[Batch]", "Complete"): then "01 - 119" is a range too.
_BATCH = re.compile(r"(?i)(?<![a-z])(?:batch|complete|全集|合集)(?![a-z])")
_SPACED_RANGE = re.compile(r"(?:^|\s)(\d{1,4})\s[-~]\s(\d{1,4})(?=\s|$)")
# "[12]", "[12v2]", "[12END]", "[13完]", "[857集]", "[第05话]", "[01-24完]", "[88-91]", "{01}".
_BRACKET_NUMBER = re.compile(
    r"(?i)[\[{]\s*第?(\d{1,4})(?:v\d{1,2})?(?:\s?[-~]\s?(\d{1,4}))?"
    r"\s?(?:end|fin|完|集|話|话)?\s*[\]}]"
)
_CJK_NUMBER = re.compile(r"第(\d{1,4})(?:-(\d{1,4}))?[話话集]|(?<!\d)(\d{1,4})[話话集]")
# A batch in parentheses: "(01-25)", "(1017-1088)".
_PAREN_RANGE = re.compile(r"\((\d{1,4})-(\d{1,4})\)")
# "1-13", "091-123": an increasing pair standing alone.
_RANGE_TOKEN = re.compile(r"(?:^|\s)(\d{1,4})-(\d{1,4})(?=\s|$)")
# Group 3 is a separator after the number ("05 - Title", "05. Title", "05"), which makes a lone
# leading number believable even without a season folder.
_LEADING_NUMBER = re.compile(
    r"^\s*(\d{1,4})(?:v\d{1,2})?(?:-(\d{1,4}))?(?!\w|\.\d)(\s*(?:$|[-.:]))?"
)
# "11-02 Title": a leading pair that is no range is season and episode.
_LEADING_PAIR = re.compile(r"^\s*(\d{1,2})-(\d{2})\s")
_TRAILING_NUMBER = re.compile(r"(?:^|\s)(\d{1,4})(?:v\d{1,2})?\s*$")
# A number after a release group, standing alone anywhere ("[K-F] Show 214 ...").
_LONE_NUMBER = re.compile(r"(?:^|\s)(\d{1,4})(?:v\d{1,2})?(?=\s|$)")
# Scene style: season and episode in one number ("102", "1013"), or two episodes ("10708").
_SCENE_TOKEN = re.compile(r"(?<![\w])(\d{3,6})(?![\w])")
# Numbers beside a marked reading that are the absolute count: zero-padded ("001", "0994").
_PADDED = re.compile(r"(?<![\w])(0\d{2,3})((?:-0?\d{2,3})*)(?![\w])")

_TITLE_BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}|\(\s*(?:19|20)\d\d\s*\)")
_TITLE_YEAR = re.compile(r"^(.+?)[ .]+\(?(?:19|20)\d\d\)?$")
_SPACES = re.compile(r"\s+")
_TITLE_STRIP = " -\u2013._,:;~[]#+|"
# In a name without spaces a dash between words separates them ("kill-roy-e07", "x264-103");
# one between two numbers is a range ("26-27", "Ep01-12").
_WORD_DASH = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z])")
_SCENE_DASH = re.compile(r"(?<=[0-9])-(?=[0-9])")
_RANGE_START = re.compile(r"(?i)(?:^|[^a-z0-9])(?:e|ep)?\d+$")

# A range longer than this is a misread (a release tag, a resolution), not one file's episodes;
# a whole series in one batch ("01 - 119") stays under it.
_MAX_RANGE = 199

_GUESSIT_LOCK = threading.Lock()  # guessit builds its rules lazily, once, on first use
# Longer names are no file's (255 bytes is every file system's limit), and guessit takes
# seconds on long runs of digits (0.6 s for 50, 9 s for 500): such names are not asked.
_GUESSIT_MAX_NAME = 255
_LONG_DIGITS = re.compile(r"\d{25}")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What a video's name (and its folders) says about the episode inside.

    Attributes:
        series: Best guess of the series title, cleaned ("Harbor Lights"); may be "".
        season: Season number (0 for specials); None when only an absolute number is known.
        episode: Episode number within ``season``; None when ``season`` is None.
        episode_end: Last episode of a multi-episode file (``S01E01E02``), in the same numbering
            as the first (``episode``, or ``absolute`` when there is no season); else None.
        absolute: Anime-style absolute number (``Title - 012``). When a season is also known,
            ``season``/``episode`` hold that reading and this the other, so a caller can fall
            back to it when the season reading is not in the catalogue.
        source: "fast" when read by the regular expressions here, "guessit" for the fallback.
        air_date: The date in the name (``Show - 2011-04-12``): a daily show's episode is
            found by it. May come with numbers or alone.
        recap: A number between two episodes (``"12.5"``): a recap or special that belongs to
            no numbered episode. The reading then has no numbers.
    """

    series: str
    season: int | None
    episode: int | None
    episode_end: int | None = None
    absolute: int | None = None
    source: str = "fast"
    air_date: date | None = None
    recap: str | None = None

    @property
    def absolute_end(self) -> int | None:
        """The last absolute number of a multi-episode file, or None for a single one.

        A file holding consecutive episodes of a season holds as many consecutive absolute
        numbers, so the range carries over.
        """
        if self.absolute is None or self.episode_end is None:
            return None
        if self.season is None:
            return self.episode_end
        return self.absolute + self.episode_end - (self.episode or 0)

    @property
    def numbered(self) -> bool:
        """True when the reading names an episode by number (not only a date or a recap)."""
        return self.episode is not None or self.absolute is not None


def is_video(name: str) -> bool:
    """True when ``name`` (a file name or path) ends in a video suffix."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in VIDEO_EXTENSIONS and name[dot - 1] not in "/\\"


def recognise(path: PurePath | str, *, video: bool = True) -> ParsedFile | None:
    """Read season and episode, absolute number or air date from a video's relative path.

    Args:
        path: The file's path relative to its series folder or the library root (a string is
            taken as "/"-separated). Parent folders supply a season (``Season 2/``), a title,
            or the whole reading when they are a release's folder.
        video: With True (a file on disk), names without a video suffix are not episodes; with
            False (a release name), a video suffix is dropped if there is one.

    Returns:
        The reading, or None for non-video files, samples, extras (trailers, featurettes,
        creditless openings) and names neither the fast path nor guessit can read.
    """
    text = path if isinstance(path, str) else path.as_posix()
    slash = text.rfind("/")
    name = text[slash + 1 :]
    dot = name.rfind(".")
    if dot > 0 and name[dot:].lower() in VIDEO_EXTENSIONS:
        stem = name[:dot]
    elif video:
        return None
    else:
        stem = name
    if not stem.strip():
        return None
    folders = (
        [part for part in text[:slash].split("/") if part and part != "."] if slash > 0 else []
    )
    lowered = stem.lower()
    if ("sample" in lowered and _SAMPLE.search(stem)) or _EXTRA_NAME.search(stem):
        return None
    if not stem.isascii() and _WIDE_CHARS.search(stem):
        stem = stem.translate(_WIDE)
    extras_at = next(
        (i for i, folder in enumerate(folders) if folder.lower() in _EXTRAS_FOLDERS), None
    )

    parsed = _parse_marked(stem, folders)
    if extras_at is not None and (parsed is None or extras_at > 0):
        # A first folder named like "Extras" may be a series of that name; deeper, it never is.
        return None
    if parsed is None:
        parsed = _parse_bare(stem, folders)
        release = _release_folder(folders[-1]) if folders else None
        if release is not None:
            parsed = _in_release(parsed, release)
    if parsed is None:
        parsed = _parse_with_guessit(text, folders)
    return parsed


def recognise_title(title: str, *, markers_only: bool = False) -> ParsedFile | None:
    """Read a release name, a feed item's title or a link's file name (no folders).

    A "/" in a title is part of it, not a folder; a video suffix, if any, is dropped.

    Args:
        title: The name or title.
        markers_only: Read only a season and episode marked as such (``S01E02``, ``1x02``,
            ``Cap.102``...). A podcast's titles number its items in too many other ways
            ("Part 2" of an interview, "#3" of a list) for the rest to be taken as episodes.
    """
    text = title.replace("/", " ").replace("\\", " ").strip()
    if not markers_only:
        return recognise(text, video=False)
    dot = text.rfind(".")
    if dot > 0 and text[dot:].lower() in VIDEO_EXTENSIONS:
        text = text[:dot]
    parsed = _parse_marked(text if text.isascii() else text.translate(_WIDE), [])
    return parsed if parsed is not None and parsed.numbered else None


def parse_file_name(path: PurePath | str) -> ParsedFile | None:
    """The numbered reading of a video's relative path: season and episode, or absolute.

    Like :func:`recognise`, but a name that carries only an air date or a recap number gives
    None: there is no episode number in it.
    """
    parsed = recognise(path)
    return parsed if parsed is not None and parsed.numbered else None


def clean_title(text: str) -> str:
    """``[Group] Harbor.Lights.2019.`` -> ``Harbor Lights``; keeps ``Mr. Robot`` and ``(US)``."""
    return _clean_title(text)


# --- The fast path --------------------------------------------------------------------------


def _parse_marked(stem: str, folders: list[str]) -> ParsedFile | None:
    """Season and episode markers: the name alone gives season and episode."""
    match = _SXXEYY.search(stem) or _NXNN.search(stem)
    if match is None:  # the rare forms, each behind a cheap test of what it needs
        low = stem.lower()
        match = (
            ("cap" in low and _CAP.search(stem))
            or ("afl" in low and _AFL.search(stem))
            or (
                _S_DIGIT.search(stem) is not None and (_S_DOT_E.search(stem) or _GLUED.search(stem))
            )
            or None
        )
    if match is None:
        return None
    pattern = match.re
    recap: str | None = None
    if pattern is _SXXEYY or pattern is _GLUED:
        season = int(match.group(1) or match.group(3))
        episode = int(match.group(2) or match.group(4))
        if match.group(5):
            recap = f"{episode}.5"  # as a number: "05.5" and "5.5" are one recap
        episode_end = _marked_end(season, episode, match.group(6))
    elif pattern is _NXNN:
        season, episode = int(match.group(1)), int(match.group(2))
        if season >= 1900 and episode >= 400:
            return None  # a resolution ("1920x800"), not a year's episode
        episode_end = _marked_end(season, episode, match.group(3))
    elif pattern is _CAP:
        season, episode = int(match.group(1)), int(match.group(2))
        episode_end = _range_end(episode, [match.group(3)] if match.group(3) else [])
    elif pattern is _AFL:
        season, episode = int(match.group(1)), int(match.group(2))
        episode_end = _range_end(episode, _DIGITS.findall(match.group(3)))
    else:  # _S_DOT_E
        season, episode, episode_end = int(match.group(1)), int(match.group(2)), None
    dated, air_date = _blank_dates(stem)
    series = _clean_title(dated[: match.start()]) or _folder_series(folders)
    if recap is not None:
        return ParsedFile(series, None, None, air_date=air_date, recap=recap)
    absolute = None
    if season != 0:
        absolute = _absolute_beside(dated, match.start(), match.end())
    return ParsedFile(series, season, episode, episode_end, absolute, air_date=air_date)


def _marked_end(season: int, episode: int, more: str) -> int | None:
    """The last episode of ``S01E01E02``-style continuations (``more``).

    A repeated marker (``.S03E02``, ``-2x05``) continues the range only in the same season.
    """
    if not more:
        return None
    numbers: list[str] = []
    for piece in re.split(r"(?i)(?=[ ._&+-]{0,3}s\d)|(?=[-. &+]\d{1,4}x)", more):
        if not piece:
            continue
        season_mark = _SEASON_IN.search(piece) or re.search(r"(\d{1,4})x", piece)
        if season_mark is not None and re.search(r"(?i)(?:s\d+[ ._-]?e|\d+x)", piece):
            if int(season_mark.group(1)) != season:
                break
            numbers.append(_DIGITS.findall(piece)[-1])
        else:
            numbers.extend(_DIGITS.findall(piece))
    return _range_end(episode, numbers)


def _absolute_beside(dated: str, start: int, end: int) -> int | None:
    """The absolute number a release group writes beside ``S01E05`` (``- 05 - S01E05``,
    ``S10E14 214``, ``S01E01.001``), or None.

    Zero-padded numbers of three or four digits are always taken; for names that start with a
    release group, also a dash number or a lone number of three or four digits.
    """
    padded = _PADDED.search(dated)  # never inside the marker: "S01E005" has no token "005"
    if padded is not None:
        return int(padded.group(1))
    if not dated.lstrip().startswith("["):
        return None
    rest = dated[:start] + " " * (end - start) + dated[end:]
    work = _NOISE.sub(_blank, _BRACKETS.sub(_blank, rest)).replace("_", " ")
    if " " not in dated:
        work = work.replace(".", " ")
    for match in _DASH_NUMBER.finditer(work):
        if not _is_year(match.group(1)):
            return int(match.group(1))
    for match in _LONE_NUMBER.finditer(work):
        if len(match.group(1)) >= 3 and not _is_year(match.group(1)):
            return int(match.group(1))
    return None


@lru_cache(maxsize=4096)
def _release_folder(folder: str) -> ParsedFile | None:
    """The marked reading of a release's folder (``Show.S01E01.720p.HDTV``), or None."""
    stem = folder if folder.isascii() else folder.translate(_WIDE)
    parsed = _parse_marked(stem, [])
    return None if parsed is None or parsed.recap is not None else parsed


def _in_release(parsed: ParsedFile | None, release: ParsedFile) -> ParsedFile | None:
    """A file's reading inside a release's folder (``Show.S01E01.720p/``): the folder's
    reading when the file's own says no more (no number, or the same one written as scene style
    or absolute); a number inside a folder's range (a season pack) is that episode."""
    if parsed is None or not parsed.numbered:
        return replace(release, air_date=parsed.air_date if parsed else None)
    if parsed.season is not None or release.season is None or release.episode is None:
        return parsed
    number = parsed.absolute
    if release.episode_end is None:
        if number in (release.episode, release.season * 100 + release.episode):
            return release
        return parsed
    if number is not None and release.episode <= number <= release.episode_end:
        return replace(release, episode=number, episode_end=None, absolute=parsed.absolute)
    return parsed


def _parse_bare(stem: str, folders: list[str]) -> ParsedFile | None:
    """A lone episode number; its season comes from the name, a folder, or nowhere."""
    dated, air_date, date_start = _dates(stem)
    has_group = stem.lstrip().startswith("[")
    scene_style = " " not in stem
    recap = None
    if ".5" in dated:  # a recap's number; checked first, as it is rare
        recap = _RECAP.search(_BRACKETS.sub(_blank_but_square, dated).replace("_", " "))
    blanked = _BRACKETS.sub(_blank, dated)
    ranges = dated
    if scene_style:
        blanked = blanked.replace(".", " ")
        if "-" in blanked:
            blanked = _WORD_DASH.sub(" ", blanked)
            if "-" in blanked:
                blanked = _scene_words(blanked)
        ranges = ranges.replace(".", " ")
    work = _NOISE.sub(_blank, blanked).replace("_", " ")
    folder_season = _nearest_folder_season(folders)
    season_match = _NAME_SEASON.search(work)
    name_season = None
    if season_match is not None:
        name_season = int(season_match.group(1) or season_match.group(2))
    if recap is not None:
        series = _clean_title(blanked[: recap.start()]) or _folder_series(folders)
        return ParsedFile(series, None, None, air_date=air_date, recap=f"{int(recap.group(1))}.5")

    season_known = has_group or folder_season is not None or name_season is not None
    found = _find_number(stem, dated, work, ranges, season_known, name_season is not None)
    if found is not None and found[0] == "leading" and air_date is not None:
        found = None  # "24 - 2011-04-12": the title's number; the date names the episode
    if found is None:
        scene = None
        if scene_style and name_season is None and not has_group:
            scene = _parse_scene_number(blanked, work, folders, folder_season)
        if scene is not None:
            return scene if air_date is None else replace(scene, air_date=air_date)
        if air_date is not None:
            series = _clean_title(blanked[:date_start]) or _folder_series(folders)
            return ParsedFile(series, None, None, air_date=air_date)
        return None
    kind, start, number, end_number = found
    if kind == "special":
        name_season = 0
    episode_end = _range_end(number, [end_number] if end_number else [])

    series = ""
    if kind not in ("leading", "pair"):
        title_end = start
        if season_match is not None and season_match.start() < title_end:
            title_end = season_match.start()
        series = _clean_title(blanked[:title_end])
    series = series or _folder_series(folders)

    if kind == "pair":
        return ParsedFile(series, number, int(end_number or 0), air_date=air_date)
    anime_style = kind in ("dash", "bracket", "leading", "trailing", "range")
    if name_season is not None:
        absolute = number if anime_style and name_season != 0 else None
        return ParsedFile(series, name_season, number, episode_end, absolute, air_date=air_date)
    if folder_season is not None:
        anime_shape = folder_season != 0 and (has_group or kind in ("dash", "bracket"))
        absolute = number if anime_shape else None
        return ParsedFile(series, folder_season, number, episode_end, absolute, air_date=air_date)
    if kind == "part":
        # "Part 2", "5of9": a mini-series, whose one season is never named.
        return ParsedFile(series, 1, number, episode_end, air_date=air_date)
    return ParsedFile(series, None, None, episode_end, number, air_date=air_date)


def _scene_words(text: str) -> str:
    """Dashes between the words of a name without spaces become spaces, except in ranges."""

    def space(match: re.Match[str]) -> str:
        after = match.end()
        rest = text[after : after + 8]
        next_word = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        before = text[max(0, match.start() - 8) : match.start()]
        if (
            next_word
            and not rest[len(next_word) : len(next_word) + 1].isalpha()
            and _RANGE_START.search(before)
        ):
            return "-"
        return " "

    return _SCENE_DASH.sub(space, text)


def _parse_scene_number(
    blanked: str, work: str, folders: list[str], folder_season: int | None
) -> ParsedFile | None:
    """``Show.Name.102.HDTV``: season 1, episode 2 (the last such number, after the title);
    ``103.104`` and ``10708`` hold episodes 3-4 and 7-8."""
    found: tuple[int, int, int | None, int] | None = None
    previous: tuple[int, int, int] | None = None  # season, episode, end offset
    for match in _SCENE_TOKEN.finditer(work):
        digits = match.group(1)
        if not work[: match.start()].strip():
            previous = None
            continue  # a number first is a title ("24", "1923") or a date, not scene style
        reading = _scene_reading(digits)
        if reading is None:
            previous = None
            continue
        season, episode, end = reading
        if (
            previous is not None
            and end is None
            and previous[0] == season
            and episode == previous[1] + 1
            and not work[previous[2] : match.start()].strip()
        ):
            found = (season, previous[1], episode, found[3] if found else match.start())
        else:
            found = (season, episode, end, match.start())
        previous = (season, episode, match.end())
    if found is None:
        return None
    season, episode, end, start = found
    if folder_season is not None and season != folder_season:
        return None  # "Season 1/Show.205": which one is right is guessit's call
    series = _clean_title(blanked[:start]) or _folder_series(folders)
    return ParsedFile(series, season, episode, end)


def _scene_reading(digits: str) -> tuple[int, int, int | None] | None:
    """(season, episode, last episode) of a scene number, or None when it is none."""
    if _is_year(digits):
        return None
    if len(digits) <= 4:
        season, episode = int(digits[:-2]), int(digits[-2:])
        return None if episode == 0 else (season, episode, None)
    first, second = int(digits[-4:-2]), int(digits[-2:])
    if second != first + 1 or first == 0:
        return None
    return int(digits[:-4]), first, second


def _find_number(
    stem: str, dated: str, work: str, ranges: str, season_known: bool, name_season: bool
) -> tuple[str, int, int, str | None] | None:
    """The episode number in a name without a season marker: (kind, where, number, range end).

    ``work`` is the stem with dates, brackets and release tags blanked out; ``season_known``
    says a season came from elsewhere (or a release group names the file), which makes a lone
    leading or trailing number believable.
    """
    # Cheap tests of the characters a form needs come first: most forms are rare.
    low = work.lower()
    match = _SPECIAL_NUMBER.search(work) if ("sp" in low or "ov" in low or "oa" in low) else None
    if match is not None:
        return "special", match.start(), int(match.group(1)), None
    for match in _KEYWORD_NUMBER.finditer(work) if ("e" in low or "#" in low) else ():
        if not _is_year(match.group(1)):
            return "keyword", match.start(), int(match.group(1)), match.group(2)
    match = _BOLUM.search(work) if "b" in low else None
    if match is not None:
        return "keyword", match.start(), int(match.group(1)), None
    for match in _PART.finditer(work) if "part" in low else ():
        value = match.group(1).lower()
        number = int(value) if value.isdigit() else _WORDS.get(value)
        if number:
            return "part", match.start(), number, None
    match = _OF.search(work) if "of" in low else None
    if match is not None and 0 < int(match.group(1)) <= int(match.group(2)):
        return "part", match.start(), int(match.group(1)), None
    named = stem.lower()  # "[Batch]" is in brackets, blanked out of work
    if ("batch" in named or "complete" in named or not stem.isascii()) and _BATCH.search(stem):
        match = _SPACED_RANGE.search(work)
        if match is not None and not _is_year(match.group(1)):
            return "range", match.start(), int(match.group(1)), match.group(2)
    dashed = "-" in work or ":" in work or "~" in work or "\u2013" in work
    dashes = [
        m for m in (_DASH_NUMBER.finditer(work) if dashed else ()) if not _is_year(m.group(1))
    ]
    if dashes:
        # "- 100 Years Quest - 01": a number that a word follows may be part of the title;
        # one that ends the name or a part of it ("- 01 -", "- 01 [1080p]") is the episode.
        match = dashes[0]
        if len(dashes) > 1:
            ended = [m for m in dashes if work[m.end() :].lstrip()[:1] in ("", "-")]
            match = (ended or dashes)[0]
        more = _DIGITS.findall(match.group(2))
        return "dash", match.start(), int(match.group(1)), more[-1] if more else None
    for match in _BRACKET_NUMBER.finditer(dated) if ("[" in dated or "{" in dated) else ():
        if not _is_year(match.group(1)):
            return "bracket", match.start(), int(match.group(1)), match.group(2)
    match = None if dated.isascii() else _CJK_NUMBER.search(dated)
    if match is not None:
        return "bracket", match.start(), int(match.group(1) or match.group(3)), match.group(2)
    match = _PAREN_RANGE.search(ranges) if "(" in ranges else None
    if (
        match is not None
        and int(match.group(1)) < int(match.group(2))
        and not _is_year(match.group(1))
    ):
        return "range", match.start(), int(match.group(1)), match.group(2)
    for match in _RANGE_TOKEN.finditer(work) if "-" in work else ():
        if int(match.group(1)) < int(match.group(2)) and not _is_year(match.group(1)):
            return "range", match.start(), int(match.group(1)), match.group(2)
    match = _LEADING_PAIR.match(work)
    if match is not None and int(match.group(2)) < int(match.group(1)):
        return "pair", match.start(), int(match.group(1)), match.group(2)
    match = _LEADING_NUMBER.match(work)
    if (
        match is not None
        and (match.group(3) is not None or season_known)
        and not _is_year(match.group(1))
    ):
        return "leading", match.start(), int(match.group(1)), match.group(2)
    if season_known:
        match = _TRAILING_NUMBER.search(work)
        # More digits than two: scene-style season and episode in one ("Show.Name.102"),
        # unless the season is in the name already or a release group names the file.
        if (
            match is not None
            and not _is_year(match.group(1))
            and (len(match.group(1)) <= 2 or name_season or stem.lstrip().startswith("["))
        ):
            return "trailing", match.start(), int(match.group(1)), None
    return None


# --- The fallback ---------------------------------------------------------------------------


def _parse_with_guessit(text: str, folders: list[str]) -> ParsedFile | None:
    """Ask guessit about a name the fast path could not read; None when it finds no episode.

    guessit reads a year beside a number as season and episode (``[2019][215 END]`` becomes
    S2019E215); a season of four digits that the name never marks as a season is dropped, and
    the number stays an absolute one.
    """
    name = text.rsplit("/", 1)[-1]
    if (
        len(name) > _GUESSIT_MAX_NAME
        or len(text) > 4 * _GUESSIT_MAX_NAME
        or _LONG_DIGITS.search(text)
    ):
        return None  # no episode's name; guessit's time grows fast with such input
    # guessit takes ~0.2 s to import and builds its rules on first use; most scans never need it.
    from guessit import guessit

    try:
        with _GUESSIT_LOCK:
            info: dict[str, Any] = dict(guessit(text, {"type": "episode"}))
    except Exception:  # guessit raises assorted errors on odd input; a name is not worth a crash
        log.debug("guessit could not read %r", text, exc_info=True)
        return None
    when = info.get("date")
    air_date = when if isinstance(when, date) else None
    years = {n for n in _int_list(info.get("year"))}
    episodes = [n for n in _int_list(info.get("episode")) if n not in years]
    seasons = [s for s in _int_list(info.get("season")) if not _year_as_season(s, name, years)]
    absolutes = _int_list(info.get("absolute_episode"))
    title = info.get("title")
    series = _clean_title(title) if isinstance(title, str) else ""
    series = series or _folder_series(folders)
    if not seasons and not episodes and absolutes:
        episodes, absolutes = absolutes, []
    if air_date is not None:
        parts = {air_date.year, air_date.year % 100, air_date.month, air_date.day}
        episodes = [n for n in episodes if n not in parts]
    if not episodes:
        if air_date is not None:
            return ParsedFile(series, None, None, source="guessit", air_date=air_date)
        return None
    first = episodes[0]
    end = episodes[-1] if episodes == list(range(first, first + len(episodes))) else first
    episode_end = end if end > first else None
    if not seasons:
        return ParsedFile(series, None, None, episode_end, first, "guessit", air_date)
    absolute = absolutes[0] if absolutes else None
    return ParsedFile(series, seasons[0], first, episode_end, absolute, "guessit", air_date)


def _year_as_season(season: int, name: str, years: set[int]) -> bool:
    """True when guessit's season is a year the name never marks as a season."""
    if season < 1000 and season not in years:
        return False
    marked = re.search(rf"(?i)(?:s|season[ ._-]?){season}(?!\d)|(?<!\d){season}x\d", name)
    return marked is None


def _int_list(value: object) -> list[int]:
    """guessit gives one number or a list of them."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, int) and not isinstance(item, bool)]


# --- Small helpers --------------------------------------------------------------------------


def _range_end(first: int, more: list[str]) -> int | None:
    if not more:
        return None
    last = int(more[-1])
    return last if first < last <= first + _MAX_RANGE else None


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _blank_but_square(match: re.Match[str]) -> str:
    """Blank parentheses and braces but keep square brackets (``[12.5]`` is a recap)."""
    text = match.group(0)
    return text if text.startswith("[") else " " * len(text)


@lru_cache(maxsize=4096)
def _folder_season(folder: str) -> int | None:
    """Season a folder stands for (``Season 02``, ``S2``, ``Staffel 2``, ``Specials`` = 0)."""
    if _SPECIALS_FOLDER.fullmatch(folder):
        return 0
    match = _SEASON_FOLDER.fullmatch(folder)
    return None if match is None else int(match.group(1) or match.group(2))


def _nearest_folder_season(folders: list[str]) -> int | None:
    for folder in reversed(folders):
        season = _folder_season(folder)
        if season is not None:
            return season
    return None


def _folder_series(folders: list[str]) -> str:
    """Title from the folder above the season folder, else the nearest one (``Harbor Lights``).

    ``Harbor Lights (2019)/Season 1/Disc 2/E03.mkv`` is "Harbor Lights"; without a season folder
    (``Library/Harbor Lights/E03.mkv``) the file's own folder is the best guess.
    """
    candidates = folders
    for index in range(len(folders) - 1, -1, -1):
        if _folder_season(folders[index]) is not None:
            candidates = folders[:index]
            break
    for folder in reversed(candidates):
        if _folder_season(folder) is None and folder.lower() not in _EXTRAS_FOLDERS:
            return _clean_folder_title(folder)
    return ""


@lru_cache(maxsize=4096)
def _clean_folder_title(folder: str) -> str:
    return _clean_title(folder)


def _clean_title(text: str) -> str:
    """``[Group] Harbor.Lights.2019.`` -> ``Harbor Lights``; keeps ``Mr. Robot`` and ``(US)``."""
    text = _TITLE_BRACKETS.sub(" ", text)
    if " " not in text.strip():
        text = text.replace(".", " ")  # scene style: dots separate words
    text = _SPACES.sub(" ", text.replace("_", " ")).strip(_TITLE_STRIP)
    year = _TITLE_YEAR.match(text)
    if year is not None:
        text = year.group(1).rstrip(_TITLE_STRIP)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)  # macOS stores names decomposed
    return text
