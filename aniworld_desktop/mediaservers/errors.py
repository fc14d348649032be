"""Media server failures, each a sentence the window can show, sorted by what to do next.

None of them ever holds an API key or a password: messages are built from the server's kind,
its address (which the settings refuse to carry credentials in) and the status, never from
aiohttp's own exceptions, which are not chained.
"""

from __future__ import annotations

from aniworld_desktop.core.errors import AniworldError

__all__ = [
    "MediaServerAuthError",
    "MediaServerBadReply",
    "MediaServerError",
    "MediaServerUnavailable",
]


class MediaServerError(AniworldError):
    """A media server could not be asked, or refused; ``str(error)`` is a sentence."""


class MediaServerAuthError(MediaServerError):
    """The server refused the API key or the user name and password (401/403), or none is set.

    Retrying cannot help; the user must fix the settings.
    """


class MediaServerUnavailable(MediaServerError):
    """The server could not be reached (refused, timeout, unknown name) or failed (5xx)."""


class MediaServerBadReply(MediaServerError):
    """Something answered that is not the server we expected: not JSON, an unknown path."""
