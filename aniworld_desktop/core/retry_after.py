"""HTTP ``Retry-After``: shared by every client that backs off (downloads, TMDB). Pure."""

from __future__ import annotations

import datetime
import email.utils
import math
import time


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
