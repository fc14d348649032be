"""Read season and episode numbers from the names of video files already in a library.

The fast path is a handful of regular expressions tried in order of how much a shape says:

1. ``S01E02`` and its relatives (``s1e2``, ``S01.E02``, ``Season 1 Episode 2``, ``Staffel 1 Folge
   2``, multi-episode ``S01E01E02`` / ``S01E01-E02`` / ``S01E01-02``), then ``1x02`` (``1x01-02``);
2. otherwise a bare episode number (``Episode 02``, ``Ep 12``, ``E12``, ``Title - 012``,
   ``[12]``, ``05 - Title``) whose season comes from the name (``Title S2 - 05``), from a season
   folder (``Season 1/``, ``S2/``, ``Staffel 2/``, ``Specials/`` is season 0), or, when there is
   none, which is an anime-style absolute number;
3. otherwise scene style's season and episode in one number (``Show.Name.102.HDTV``).

Resolutions, codecs, years, CRC32 hashes and version suffixes (``v2``) are never read as numbers.
Only names the fast path cannot read go to guessit, which is slow (milliseconds a name), so a
library of well-named files is read almost entirely by the fast path.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath
from typing import Any

log = logging.getLogger(__name__)

# Bump when the parser reads some name differently, so cached results from before are dropped.
PARSER_VERSION = 1

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
    r"(?i)(?:season|staffel|saison|temporada|stagione|seizoen|series|s)[ ._-]*(\d{1,4})"
    r"(?:[ ._-]*[\[(].*)?"
)
_SPECIALS_FOLDER = re.compile(r"(?i)specials?|season[ ._-]*0+|staffel[ ._-]*0+")

# Season and episode with markers. The episode part accepts "E", "Ep", "Episode", "Folge"...; a
# second episode may follow as "E02", "-E02" or "-02" (not "-1080p" or "-264").
_SXXEYY = re.compile(
    r"(?i)(?<![a-z0-9])(?:season|staffel|saison|temporada|s)[ ._-]{0,3}(\d{1,4})"
    r"[ ._-]{0,3}(?:episode|episodio|folge|ep|e)[ ._-]?(\d{1,4})(?!\d)(?:v\d{1,2})?"
    r"((?:[ ._-]?e\d{1,4}(?!\d)|-\d{1,4}(?![\dpix]))*)"
)
_NXNN = re.compile(
    r"(?i)(?<![a-z0-9])(\d{1,2})x(\d{1,3})(?![\dpi])(?:v\d{1,2})?"
    r"((?:(?:-\d{1,2}x|-|x)\d{1,3}(?![\dpi]))*)"
)
_DIGITS = re.compile(r"\d+")

# Blanked out (with spaces, so offsets stay valid) before a bare number is looked for.
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}")
_NOISE = re.compile(
    r"""(?ix)(?<![a-z0-9])(?:
        \d{3,4}[pi] | \d{3,4}x\d{3,4} | [hx][ .]?26[45] | hevc | avc | xvid | divx | av1 | vp9
        | (?:8|10|12)[ -]?bits? | hi10p? | hdr(?:10\+?)? | sdr | 4k | uhd
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
_KEYWORD_NUMBER = re.compile(
    r"(?i)(?<![a-z0-9'])(?:(?:episode|episodio|folge|ep)[ .]{0,2}|e|#)(\d{1,4})(?:v\d{1,2})?"
    r"(?:-(?:e|ep)?(\d{1,4}))?(?![\d])"
)
_DASH_NUMBER = re.compile(
    r"(?:^|\s)[-\u2013~]\s*(\d{1,4})(?:v\d{1,2})?(?:[-~](\d{1,4})(?:v\d{1,2})?)?(?=\s|$)"
)
# Group 3 is a separator after the number ("05 - Title", "05. Title", "05"), which makes a lone
# leading number believable even without a season folder.
_LEADING_NUMBER = re.compile(
    r"^\s*(\d{1,4})(?:v\d{1,2})?(?:-(\d{1,4}))?(?!\w|\.\d)(\s*(?:$|[-.:]))?"
)
_TRAILING_NUMBER = re.compile(r"(?:^|\s)(\d{1,4})(?:v\d{1,2})?\s*$")
# Only square brackets: "Title (1).mkv" is a browser's second copy, not episode 1.
_PURE_NUMBER = re.compile(r"\[(\d{1,4})(?:v\d{1,2})?\]")
# Scene-style season and episode in one number ("Show.Name.102.HDTV" is S01E02), never first.
_SCENE_NUMBER = re.compile(r"(?<=\S\s)(\d{1,2})(\d{2})(?=\s|$)")

_TITLE_BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}|\(\s*(?:19|20)\d\d\s*\)")
_TITLE_YEAR = re.compile(r"^(.+?)[ .]+\(?(?:19|20)\d\d\)?$")
_SPACES = re.compile(r"\s+")
_TITLE_STRIP = " -\u2013._,:;~[]#"

# A range longer than this is a misread (a release tag, a resolution), not one file's episodes.
_MAX_RANGE = 99

_GUESSIT_LOCK = threading.Lock()  # guessit builds its rules lazily, once, on first use


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What a video file's name (and its folders) says about the episode inside.

    Attributes:
        series: Best guess of the series title, cleaned ("Harbor Lights"); may be "".
        season: Season number (0 for specials); None when only an absolute number is known.
        episode: Episode number within ``season``; None when ``season`` is None.
        episode_end: Last episode of a multi-episode file (``S01E01E02``), in the same numbering
            as the first (``episode``, or ``absolute`` when there is no season); else None.
        absolute: Anime-style absolute number (``Title - 012``). When a season folder also gave
            a season, ``season``/``episode`` hold that reading and this the same number, so a
            caller can fall back to it when the season reading is not in the catalogue.
        source: "fast" when read by the regular expressions here, "guessit" for the fallback.
    """

    series: str
    season: int | None
    episode: int | None
    episode_end: int | None = None
    absolute: int | None = None
    source: str = "fast"


def is_video(name: str) -> bool:
    """True when ``name`` (a file name or path) ends in a video suffix."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in VIDEO_EXTENSIONS and name[dot - 1] not in "/\\"


def parse_file_name(path: PurePath | str) -> ParsedFile | None:
    """Read season and episode numbers from a video's relative path.

    Args:
        path: The file's path relative to its series folder or the library root (a string is
            taken as "/"-separated). Parent folders supply a season (``Season 2/``) or a title.

    Returns:
        The reading, or None for non-video files, samples, extras (trailers, featurettes,
        creditless openings) and names neither the fast path nor guessit can read.
    """
    text = path if isinstance(path, str) else path.as_posix()
    slash = text.rfind("/")
    name = text[slash + 1 :]
    dot = name.rfind(".")
    if dot <= 0 or name[dot:].lower() not in VIDEO_EXTENSIONS:
        return None
    stem = name[:dot]
    folders = (
        [part for part in text[:slash].split("/") if part and part != "."] if slash > 0 else []
    )
    lowered = stem.lower()
    if ("sample" in lowered and _SAMPLE.search(stem)) or _EXTRA_NAME.search(stem):
        return None
    extras_at = next(
        (i for i, folder in enumerate(folders) if folder.lower() in _EXTRAS_FOLDERS), None
    )

    parsed = _parse_marked(stem, folders)
    if extras_at is not None and (parsed is None or extras_at > 0):
        # A first folder named like "Extras" may be a series of that name; deeper, it never is.
        return None
    if parsed is None:
        parsed = _parse_bare(stem, folders)
    if parsed is None:
        parsed = _parse_with_guessit(text, folders)
    return parsed


def _parse_marked(stem: str, folders: list[str]) -> ParsedFile | None:
    """``S01E02``-style and ``1x02``-style names: the name alone gives season and episode."""
    match = _SXXEYY.search(stem) or _NXNN.search(stem)
    if match is None:
        return None
    season, episode = int(match.group(1)), int(match.group(2))
    episode_end = _range_end(episode, _DIGITS.findall(match.group(3)))
    series = _clean_title(stem[: match.start()]) or _folder_series(folders)
    return ParsedFile(series, season, episode, episode_end)


def _parse_bare(stem: str, folders: list[str]) -> ParsedFile | None:
    """A lone episode number; its season comes from the name, a folder, or nowhere (absolute)."""
    blanked = _BRACKETS.sub(_blank, stem)
    has_group = stem.lstrip().startswith("[")
    work = _NOISE.sub(_blank, blanked).replace("_", " ")
    scene_style = " " not in stem and "_" not in stem
    if scene_style:
        work = work.replace(".", " ")  # dots separate words
    folder_season = _nearest_folder_season(folders)
    season_match = _NAME_SEASON.search(work)
    name_season = None
    if season_match is not None:
        name_season = int(season_match.group(1) or season_match.group(2))

    season_known = has_group or folder_season is not None or name_season is not None
    found = _find_number(stem, work, season_known)
    if found is None:
        if scene_style and name_season is None:
            return _parse_scene_number(blanked, work, folders, folder_season)
        return None
    kind, match, number, end_number = found
    if kind == "special":
        name_season = 0
    episode_end = _range_end(number, [end_number] if end_number else [])

    series = ""
    if kind != "leading":
        title_end = match.start()
        if season_match is not None and season_match.start() < title_end:
            title_end = season_match.start()
        series = _clean_title(blanked[:title_end])
    series = series or _folder_series(folders)

    if name_season is not None:
        return ParsedFile(series, name_season, number, episode_end)
    if folder_season is not None:
        anime_shape = folder_season != 0 and (has_group or kind in ("dash", "bracket"))
        absolute = number if anime_shape else None
        return ParsedFile(series, folder_season, number, episode_end, absolute)
    return ParsedFile(series, None, None, episode_end, number)


def _parse_scene_number(
    blanked: str, work: str, folders: list[str], folder_season: int | None
) -> ParsedFile | None:
    """``Show.Name.102.HDTV``: season 1, episode 2 (the last such number, after the title)."""
    match = None
    for candidate in _SCENE_NUMBER.finditer(work):
        if not _is_year(candidate.group(1) + candidate.group(2)) and candidate.group(2) != "00":
            match = candidate
    if match is None:
        return None
    season = int(match.group(1))
    if folder_season is not None and season != folder_season:
        return None  # "Season 1/Show.205": which one is right is guessit's call
    series = _clean_title(blanked[: match.start()]) or _folder_series(folders)
    return ParsedFile(series, season, int(match.group(2)))


def _find_number(
    stem: str, work: str, season_known: bool
) -> tuple[str, re.Match[str], int, str | None] | None:
    """The episode number in a name without a season marker: (kind, match, number, range end).

    ``work`` is the stem with brackets and release tags blanked out; ``season_known`` says a
    season came from elsewhere (or a release group names the file), which makes a lone leading
    or trailing number believable.
    """
    match = _SPECIAL_NUMBER.search(work)
    if match is not None:
        return "special", match, int(match.group(1)), None
    for kind, pattern in (("keyword", _KEYWORD_NUMBER), ("dash", _DASH_NUMBER)):
        for match in pattern.finditer(work):
            if not _is_year(match.group(1)):
                return kind, match, int(match.group(1)), match.group(2)
    for match in _PURE_NUMBER.finditer(stem):
        if not _is_year(match.group(1)):
            return "bracket", match, int(match.group(1)), None
    match = _LEADING_NUMBER.match(work)
    if (
        match is not None
        and (match.group(3) is not None or season_known)
        and not _is_year(match.group(1))
    ):
        return "leading", match, int(match.group(1)), match.group(2)
    if season_known:
        match = _TRAILING_NUMBER.search(work)
        # More digits than two: scene-style season and episode in one ("Show.Name.102").
        if match is not None and not _is_year(match.group(1)) and len(match.group(1)) <= 2:
            return "trailing", match, int(match.group(1)), None
    return None


def _parse_with_guessit(text: str, folders: list[str]) -> ParsedFile | None:
    """Ask guessit about a name the fast path could not read; None when it finds no episode."""
    # guessit takes ~0.2 s to import and builds its rules on first use; most scans never need it.
    from guessit import guessit

    try:
        with _GUESSIT_LOCK:
            info: dict[str, Any] = dict(guessit(text, {"type": "episode"}))
    except Exception:  # guessit raises assorted errors on odd input; a name is not worth a crash
        log.debug("guessit could not read %r", text, exc_info=True)
        return None
    episodes = _int_list(info.get("episode"))
    seasons = _int_list(info.get("season"))
    absolutes = _int_list(info.get("absolute_episode"))
    title = info.get("title")
    series = _clean_title(title) if isinstance(title, str) else ""
    series = series or _folder_series(folders)
    if not seasons and not episodes and absolutes:
        episodes, absolutes = absolutes, []
    if not episodes:
        return None
    first = episodes[0]
    end = episodes[-1] if episodes == list(range(first, first + len(episodes))) else first
    episode_end = end if end > first else None
    if not seasons:
        return ParsedFile(series, None, None, episode_end, first, source="guessit")
    absolute = absolutes[0] if absolutes else None
    return ParsedFile(series, seasons[0], first, episode_end, absolute, source="guessit")


def _int_list(value: object) -> list[int]:
    """guessit gives one number or a list of them; a year or a date is never among them."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, int) and not isinstance(item, bool)]


def _range_end(first: int, more: list[str]) -> int | None:
    if not more:
        return None
    last = int(more[-1])
    return last if first < last <= first + _MAX_RANGE else None


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


@lru_cache(maxsize=4096)
def _folder_season(folder: str) -> int | None:
    """Season a folder stands for (``Season 02``, ``S2``, ``Staffel 2``, ``Specials`` = 0)."""
    if _SPECIALS_FOLDER.fullmatch(folder):
        return 0
    match = _SEASON_FOLDER.fullmatch(folder)
    return None if match is None else int(match.group(1))


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
