"""Download failures, sorted by what the caller should do next: retry later or give up."""

from __future__ import annotations

from pathlib import Path

from aniworld_desktop.core.errors import AniworldError

__all__ = [
    "DiskFullError",
    "DownloadError",
    "LibraryWriteError",
    "PermanentDownloadError",
    "TransientDownloadError",
]


class DownloadError(AniworldError):
    """A download failed; ``str(error)`` is a sentence a person understands.

    Attributes:
        message: The sentence to show.
        retryable: Whether trying again later may succeed.
        retry_after: Seconds the server asked us to wait, if it said so.
    """

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after


class TransientDownloadError(DownloadError):
    """A failure that may go away: network trouble, server overload, a stalled transfer."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, retryable=True, retry_after=retry_after)


class PermanentDownloadError(DownloadError):
    """A failure that retrying will not fix: missing file, refused access, wrong content."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


class DiskFullError(PermanentDownloadError):
    """The disk holding the library has no room left for this download."""


class LibraryWriteError(PermanentDownloadError):
    """The library folder cannot be written to (permissions, read-only, missing share).

    Attributes:
        folder: The folder we could not write to, when known.
    """

    def __init__(self, message: str, *, folder: Path | None = None) -> None:
        super().__init__(message)
        self.folder = folder
