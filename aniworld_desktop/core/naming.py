"""File names: build safe library paths (reading names is ``core/recognise.py``'s job).

Every path we create under the library goes through :func:`safe_component`, so titles such as
``../x``, ``CON``, control characters, right-to-left overrides or 400-character names can neither
escape the library folder nor produce a name the file system or Windows refuses.
"""

from __future__ import annotations

import re
import string
import unicodedata
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from aniworld_desktop.core.models import EpisodeRecord, SeriesRecord

MAX_COMPONENT_BYTES = (
    200  # below every common file system's 255-byte limit, leaving room for ".part"
)

_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    # Windows also reserves the superscript digits: "COM¹" is a serial port too.
    *(f"COM{i}" for i in (*"123456789", "\u00b9", "\u00b2", "\u00b3")),
    *(f"LPT{i}" for i in (*"123456789", "\u00b9", "\u00b2", "\u00b3")),
}  # fmt: skip
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM) make a name
# display differently from what it is ("evil\u202egpj.exe").
_BIDI = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")

_VIDEO_EXTENSIONS = frozenset(
    {".mkv", ".mp4", ".m4v", ".avi", ".webm", ".mov", ".ts", ".wmv", ".flv", ".mpg", ".mpeg"}
)


def file_name_from_url(url: str) -> str:
    """The last path segment of ``url``, percent-decoded; empty when the path has none."""
    path = urlsplit(url).path
    return unquote(PurePosixPath(path).name) if path else ""


def video_suffix(name: str, default: str = ".mp4") -> str:
    """The name's extension when it is a known video type, else ``default``."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if suffix in _VIDEO_EXTENSIONS else default


def safe_component(
    text: str, fallback: str = "untitled", *, max_bytes: int = MAX_COMPONENT_BYTES
) -> str:
    """Turn any title into one safe path component (no separators, no traversal, no tricks)."""
    text = unicodedata.normalize("NFC", text)
    text = _BIDI.sub("", text)
    # Control and format characters (Cc, Cf: zero-width joiners, BOMs, soft hyphens...) hide
    # what a name really is; surrogates cannot be encoded on any file system.
    text = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in text
        if unicodedata.category(c) not in ("Cf", "Cs")
    )
    text = _FORBIDDEN.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    if not text or set(text) <= {"."}:
        text = fallback
    # Windows ignores the spaces before an extension: "CON .mkv" is the console too.
    if text.split(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        text = f"_{text}"
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", "ignore").rstrip(" .") or fallback
    return text


DEFAULT_TEMPLATE = (
    "{series} ({year})/Season {season:02}/{series} - S{season:02}E{episode:02} - {title}"
)
_TEMPLATE_FIELDS = frozenset({"series", "year", "season", "episode", "title", "absolute"})
_SAMPLE = {"series": "Harbor Lights", "year": 2024, "season": 1, "episode": 2, "title": "Fog",
           "absolute": 2}  # fmt: skip


class NamingTemplate:
    """Where a downloaded episode goes: a ``/``-separated template of ``str.format`` fields.

    Fields: ``{series}``, ``{year}``, ``{season}``, ``{episode}``, ``{title}``, ``{absolute}``
    (format specs such as ``{season:02}`` allowed). The first component is the series folder.
    A part ``({year})`` is left out when the year is unknown, `` - {title}`` when the title is
    empty, and a component about the season alone becomes ``Specials`` for season 0, as Kodi,
    Jellyfin and Plex expect. Every rendered component is sanitised, so the result always stays
    inside the library root.
    """

    def __init__(self, template: str = DEFAULT_TEMPLATE) -> None:
        self.template = template.strip().strip("/")
        self.components = [c for c in self.template.split("/") if c.strip()]
        self._check()

    def _check(self) -> None:
        if len(self.components) < 2:
            raise ValueError("needs a series folder and a file name, separated by /")
        for component in self.components:
            for _, name, _, _ in string.Formatter().parse(component):
                if name is not None and name not in _TEMPLATE_FIELDS:
                    raise ValueError(f"unknown field {{{name}}}")
        last = self.components[-1]
        if "{episode" not in last and "{absolute" not in last:
            raise ValueError("the file name needs {episode}")
        try:
            self.render(**_SAMPLE, suffix=".mkv")  # type: ignore[arg-type]
        except (KeyError, ValueError, IndexError) as exc:
            raise ValueError(f"cannot be filled in ({exc})") from None

    def series_folder(self, series: str, year: int | None) -> str:
        """The first component for this series: its folder under the library root."""
        return self._fill(self.components[0], self._values(series, year, 1, 1, "", None))

    def render(
        self,
        *,
        series: str,
        year: int | None,
        season: int,
        episode: int,
        title: str,
        absolute: int | None = None,
        suffix: str,
        folder: str | None = None,
    ) -> str:
        """The relative path (``/``-separated) of an episode file.

        Args:
            folder: The series' existing folder; replaces the first component, so an imported
                library keeps its folder names.
        """
        values = self._values(series, year, season, episode, title, absolute)
        parts = [safe_component(folder) if folder else self._fill(self.components[0], values)]
        for component in self.components[1:-1]:
            if season == 0 and "{season" in component and "{episode" not in component:
                parts.append("Specials")
            else:
                parts.append(self._fill(component, values))
        suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", suffix) else ".mp4"
        parts.append(self._fill(self.components[-1], values, reserve=len(suffix)) + suffix)
        return "/".join(parts)

    def episode_path(
        self, series: SeriesRecord, episode: EpisodeRecord, *, suffix: str, folder: str
    ) -> str:
        """:meth:`render` for a stored episode of a stored series, in ``folder``."""
        return self.render(
            series=series.title,
            year=series.year,
            season=episode.season,
            episode=episode.number,
            title=episode.title,
            absolute=episode.absolute,
            suffix=suffix,
            folder=folder,
        )

    @staticmethod
    def _values(
        series: str, year: int | None, season: int, episode: int, title: str, absolute: int | None
    ) -> dict[str, object]:
        return {
            "series": safe_component(series, fallback="Unknown series"),
            "year": year,
            "season": season,
            "episode": episode,
            "title": safe_component(title, fallback="") if title.strip() else "",
            "absolute": absolute if absolute is not None else episode,
        }

    @staticmethod
    def _fill(component: str, values: dict[str, object], reserve: int = 0) -> str:
        if values["year"] is None:
            component = re.sub(r"\s*\(\{year[^}]*\}\)|\s*\{year[^}]*\}", "", component)
        if not values["title"]:
            component = re.sub(r"\s*[-\u2013:.]?\s*\{title[^}]*\}", "", component)
        text = component.format(**values)
        return safe_component(text, max_bytes=MAX_COMPONENT_BYTES - reserve)


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
