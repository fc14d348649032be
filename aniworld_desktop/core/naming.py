"""File names: read season/episode from a name, and build safe library paths.

Every path we create under the library goes through :func:`safe_component`, so titles such as
``../x``, ``CON``, control characters, right-to-left overrides or 400-character names can neither
escape the library folder nor produce a name the file system or Windows refuses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

MAX_COMPONENT_BYTES = (
    200  # below every common file system's 255-byte limit, leaving room for ".part"
)

_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}  # fmt: skip
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) make a name
# display differently from what it is ("evil\u202egpj.exe").
_BIDI = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

_SXXEYY = re.compile(r"(?i)(?<![a-z0-9])s(\d{1,3})[ ._-]?e(\d{1,4})(?!\d)")
_NXNN = re.compile(r"(?i)(?<![a-z0-9])(\d{1,2})x(\d{2,4})(?!\d)")
_VIDEO_EXTENSIONS = frozenset(
    {".mkv", ".mp4", ".m4v", ".avi", ".webm", ".mov", ".ts", ".wmv", ".flv", ".mpg", ".mpeg"}
)


@dataclass(frozen=True, slots=True)
class ParsedName:
    """What a file name says about itself.

    Attributes:
        series: The part before the episode marker, cleaned up; empty when there is none.
        season: Season number, or None when the name has no marker.
        episode: Episode number, or None.
    """

    series: str
    season: int | None
    episode: int | None


def parse_episode_name(name: str) -> ParsedName:
    """Read ``Series.Name.S01E02.1080p.mkv`` or ``Series 1x02.mp4`` into its parts."""
    stem = name
    suffix = PurePosixPath(name).suffix
    if suffix.lower() in _VIDEO_EXTENSIONS:
        stem = name[: -len(suffix)]
    for pattern in (_SXXEYY, _NXNN):
        match = pattern.search(stem)
        if match:
            series = _clean_title(stem[: match.start()])
            return ParsedName(series, int(match.group(1)), int(match.group(2)))
    return ParsedName(_clean_title(stem), None, None)


def file_name_from_url(url: str) -> str:
    """The last path segment of ``url``, percent-decoded; empty when the path has none."""
    path = urlsplit(url).path
    return unquote(PurePosixPath(path).name) if path else ""


def video_suffix(name: str, default: str = ".mp4") -> str:
    """The name's extension when it is a known video type, else ``default``."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if suffix in _VIDEO_EXTENSIONS else default


def safe_component(text: str, fallback: str = "untitled") -> str:
    """Turn any title into one safe path component (no separators, no traversal, no tricks)."""
    text = unicodedata.normalize("NFC", text)
    text = _BIDI.sub("", text)
    text = _FORBIDDEN.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text or set(text) <= {"."}:
        text = fallback
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = f"_{text}"
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_COMPONENT_BYTES:
        text = encoded[:MAX_COMPONENT_BYTES].decode("utf-8", "ignore").rstrip(" .")
    return text


def episode_path(series: str, season: int, episode: int, title: str, suffix: str) -> str:
    """Relative library path ``Series/Season 01/Series - S01E02 - Title.mkv`` (``/`` separated).

    Specials (season 0) go to ``Specials`` as Kodi and Jellyfin expect.
    """
    series_part = safe_component(series)
    season_dir = "Specials" if season == 0 else f"Season {season:02d}"
    label = f"S{season:02d}E{episode:02d}"
    stem = f"{series_part} - {label}" + (f" - {title}" if title.strip() else "")
    suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix) else ".mp4"
    file_part = safe_component(stem) + suffix
    return f"{series_part}/{season_dir}/{file_part}"


def _clean_title(text: str) -> str:
    text = re.sub(r"[._]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" -[]()")
    return text
