"""Download failures, sorted by what the caller should do next: retry later or give up."""

from __future__ import annotations

import datetime
import email.utils
import math
import time
from pathlib import Path

from aniworld_desktop.core.errors import AniworldError

__all__ = [
    "DiskFullError",
    "DownloadError",
    "LibraryWriteError",
    "PermanentDownloadError",
    "TransientDownloadError",
    "parse_retry_after",
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


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Turn a Retry-After header into seconds to wait.

    Args:
        value: The header value: delay seconds or an HTTP-date.
        now: Current Unix time for HTTP-dates; defaults to ``time.time()``.

    Returns:
        Seconds to wait (never negative), or None when absent or unreadable.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        # float() accepts "nan" and "inf", which no server means as a delay.
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        # RFC 9110 dates are GMT; a date without zone is still meant as GMT.
        when = when.replace(tzinfo=datetime.UTC)
    reference = time.time() if now is None else now
    return max(0.0, when.timestamp() - reference)
