"""When to try again: the backoff delay and HTTP ``Retry-After``, for every client that retries.

Pure (the clock is a parameter), so it is tested without sleeping. The download queue and the
TMDB client both use :func:`retry_delay`, each with its own ``cap``.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import time

__all__ = ["MAX_DELAY", "parse_retry_after", "retry_delay"]

MAX_DELAY = 300.0
"""The default cap: five minutes, longer than any sane Retry-After for a media file, short
enough to see."""


def retry_delay(
    attempt: int,
    *,
    base: float,
    jitter: float,
    retry_after: float | None = None,
    cap: float = MAX_DELAY,
) -> float:
    """Seconds to wait before retry number ``attempt`` (1 for the first retry).

    A server's ``Retry-After`` is honoured as given (up to ``cap``). Otherwise the delay doubles
    with each attempt and is spread by ``jitter`` (a number in [0, 1)) over its upper half, so
    many clients failing together do not return together.

    Args:
        attempt: 1-based retry number.
        base: Delay before the first retry, before jitter.
        jitter: A random number in [0, 1).
        retry_after: The server's ``Retry-After`` in seconds, if it sent one.
        cap: The longest delay ever returned.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, cap)
    delay = min(cap, base * 2.0 ** (attempt - 1))
    return delay / 2 + delay / 2 * jitter


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
