"""The secrets every test that needs one uses, so the guard in ``tests/secrets_guard.py`` can look
for them everywhere.

Each has the shape of the real thing (the code tells a v4 token from a v3 key by its form; a
Jellyfin key is 32 hex digits), and is distinctive enough that it cannot turn up by chance in a
file name, a hash or a fixture.
"""

from __future__ import annotations

# A TMDB v4 read-access token is a JWT: three base64url parts joined by dots.
TMDB_V4_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJzZW50aW5lbC12NCJ9.c2VudGluZWwtc2lnbmF0dXJlLXY0"
# A TMDB v3 API key: 32 hex digits.
TMDB_V3_KEY = "5e471e1d5e471e1d0fa7c3b95e471e1d"
# A Jellyfin API key: 32 hex digits too.
JELLYFIN_KEY = "8f3a9c1e77d04b5a9e2f6c3b1a0d9e8f"
KODI_PASSWORD = "sentinel-pass-5d2e7f"

WATCHED: tuple[str, ...] = (TMDB_V4_TOKEN, TMDB_V3_KEY, JELLYFIN_KEY, KODI_PASSWORD)
