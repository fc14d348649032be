"""Metadata failures, each a sentence the window can show, sorted by what to do next.

None of them ever holds the TMDB token: messages are built from the request's path, never from
its URL, and aiohttp's own exceptions (whose text carries the URL, query and all) are not chained.
"""

from __future__ import annotations

from aniworld_desktop.core.errors import AniworldError

__all__ = [
    "ImageError",
    "MetadataError",
    "TMDBAuthError",
    "TMDBBadReply",
    "TMDBNotFound",
    "TMDBRateLimited",
    "TMDBUnavailable",
]


class MetadataError(AniworldError):
    """Fetching or writing metadata failed; ``str(error)`` is a sentence for the user."""


class TMDBAuthError(MetadataError):
    """TMDB refused the token, or none is set. Retrying cannot help; the user must fix it."""


class TMDBNotFound(MetadataError):
    """TMDB has no such series or season."""


class TMDBRateLimited(MetadataError):
    """TMDB kept answering 429 (too many requests) after every retry.

    Attributes:
        retry_after: Seconds TMDB last asked us to wait, if it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TMDBUnavailable(MetadataError):
    """TMDB could not be reached or kept failing (5xx, timeout, network); worth trying later."""


class TMDBBadReply(MetadataError):
    """TMDB answered with something we cannot read: not JSON, or fields of the wrong type."""


class ImageError(MetadataError):
    """An image could not be fetched or is not really an image (HTML, too large, truncated)."""
