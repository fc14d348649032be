"""Metadata: TMDB lookups, artwork and the Kodi/Jellyfin NFO files written from them."""
