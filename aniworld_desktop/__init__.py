"""Aniworld Desktop: follow series, fill the gaps in the library, describe it for Kodi and Jellyfin."""

__version__ = "0.1.0"
