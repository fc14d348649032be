"""How long to wait before retrying a transient failure. Pure, so it is tested without sleeping."""

from __future__ import annotations

MAX_DELAY = (
    300.0  # five minutes: longer than any sane Retry-After for a media file, short enough to see
)


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
    many items failing together do not return together.

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
