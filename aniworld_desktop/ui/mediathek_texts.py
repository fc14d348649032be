"""What the public broadcasters' qualities, versions and country limits are called in the window.

The settings page and the series' Quality choice name qualities and versions alike; the values
are the settings' spellings (``hd``, ``audio-description``). The episode list marks an episode
the broadcaster shows only in some countries (``geo`` of its stored reference).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import QCoreApplication

from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

__all__ = [
    "QUALITY_TEXTS",
    "VERSION_TEXTS",
    "geo_title",
    "geo_tooltip",
    "quality_text",
    "reference_geo",
    "version_text",
]

_CONTEXT = "MediathekTexts"
QUALITY_TEXTS: dict[str, str] = {
    "hd": QT_TRANSLATE_NOOP("MediathekTexts", "HD"),
    "sd": QT_TRANSLATE_NOOP("MediathekTexts", "SD"),
    "small": QT_TRANSLATE_NOOP("MediathekTexts", "small"),
}
VERSION_TEXTS: dict[str, str] = {
    "standard": QT_TRANSLATE_NOOP("MediathekTexts", "Standard"),
    "audio-description": QT_TRANSLATE_NOOP("MediathekTexts", "Audio description"),
    "sign-language": QT_TRANSLATE_NOOP("MediathekTexts", "Sign language"),
}
# The mark of an episode the broadcaster shows only in some countries, and what it says.
_GEO_TITLE = QT_TRANSLATE_NOOP("MediathekTexts", "{title} (only in {countries})")
_GEO_TOOLTIP = QT_TRANSLATE_NOOP(
    "MediathekTexts",
    "Only available in {countries}: the broadcaster refuses the download elsewhere.",
)


def quality_text(value: str) -> str:
    """``hd`` as "HD", in the window's language; an unknown value as it is."""
    text = QUALITY_TEXTS.get(value)
    return QCoreApplication.translate(_CONTEXT, text) if text is not None else value


def version_text(value: str) -> str:
    """``audio-description`` as "Audio description", in the window's language."""
    text = VERSION_TEXTS.get(value)
    return QCoreApplication.translate(_CONTEXT, text) if text is not None else value


def reference_geo(url: str) -> str:
    """Where an episode of the film list can be watched (``DE-AT-CH``), from its stored
    reference (``mediathek:film/...?quality=hd&geo=DE-AT-CH``, written by the provider's
    ``episode_url``); empty for everywhere and for every other source."""
    if not url.startswith("mediathek:film/"):
        return ""
    return parse_qs(urlsplit(url).query).get("geo", [""])[0].strip()


def _countries(geo: str) -> str:
    return "/".join(part for part in geo.upper().replace(",", "-").split("-") if part.strip())


def geo_title(title: str, geo: str) -> str:
    """An episode's title with the mark of where it can be watched: "Fog (only in DE/AT/CH)"."""
    text = QCoreApplication.translate(_CONTEXT, _GEO_TITLE)
    return text.format(title=title, countries=_countries(geo))


def geo_tooltip(geo: str) -> str:
    """Why the mark is there, for the tooltip."""
    return QCoreApplication.translate(_CONTEXT, _GEO_TOOLTIP).format(countries=_countries(geo))
