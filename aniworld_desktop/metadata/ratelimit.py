"""Staying under TMDB's request rate (the retry delay itself is ``net.retry.retry_delay``).

Pure apart from the clock and the sleep, which are injected, so the tests never sleep. TMDB counts
requests per IP (it answers 429 somewhere around 40 a second), so one :class:`RateLimiter` is
shared by every client of the process: :func:`default_limiter` is the one a ``TMDBClient`` uses
when it is given none.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = [
    "DEFAULT_BURST",
    "DEFAULT_LIMIT",
    "MAX_BACKOFF",
    "RateLimiter",
    "default_limiter",
]

DEFAULT_LIMIT = 40
DEFAULT_BURST = 2
# Longest wait before a retry of a TMDB request (retry_delay's cap), even when the server asks
# for more: a metadata job that hangs for an hour helps nobody; it fails and the next run tries
# again.
MAX_BACKOFF = 60.0
# Below one request a second the limiter would only be a slower way of failing.
_MIN_RATE = 1.0


class RateLimiter:
    """At most ``limit`` requests in any ``period`` seconds, smoothed, and slower after a 429.

    A token bucket holding ``burst`` tokens, refilled at ``(limit - burst) / period`` a second:
    in any window of ``period`` seconds at most ``burst + (limit - burst) = limit`` requests
    start, so a server counting over a sliding window never sees more than ``limit``. A caller
    takes its token at once, on credit if need be, and sleeps until the debt is paid, so waiters
    go in the order they came and no lock ties the limiter to one event loop.

    On a 429 (:meth:`on_rate_limited`) everyone pauses until the server's ``Retry-After``, the
    bucket is emptied but for one probe request, and the rate drops by ``slowdown``; it climbs
    back to full over ``recovery`` seconds without another 429.

    Attributes:
        limit: Requests allowed per ``period``.
        period: Length of the window, in seconds.
        burst: Requests that may start back to back after a quiet spell.
    """

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        period: float = 1.0,
        burst: int = DEFAULT_BURST,
        *,
        slowdown: float = 0.75,
        recovery: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Create a limiter.

        Args:
            limit: Requests allowed in any ``period`` seconds.
            period: The window, in seconds.
            burst: Bucket size; must be at least 1 and below ``limit``.
            slowdown: Factor applied to the rate on a 429, in (0, 1].
            recovery: Seconds the rate takes to climb from nothing back to full.
            clock: Monotonic seconds; injectable for tests.
            sleep: Async sleep; injectable for tests.
        """
        if period <= 0:
            raise ValueError("period must be positive")
        if not 1 <= burst < limit:
            raise ValueError("burst must be at least 1 and below limit")
        if not 0 < slowdown <= 1:
            raise ValueError("slowdown must be in (0, 1]")
        if recovery <= 0:
            raise ValueError("recovery must be positive")
        self.limit = limit
        self.period = period
        self.burst = burst
        self._max_rate = (limit - burst) / period
        self._slowdown = slowdown
        self._climb = self._max_rate / recovery  # requests/s regained per second
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._paused_until = float("-inf")
        # Rate right after the last 429, and when it starts to climb back (None: never slowed).
        self._floor: float | None = None
        self._climb_from = float("-inf")
        # Bumped by every 429: reservations made before it are void, their holders queue again.
        self._generation = 0

    @property
    def max_rate(self) -> float:
        """Steady requests per second when no 429 has slowed us down."""
        return self._max_rate

    @property
    def paused_until(self) -> float:
        """Clock time before which no request starts (after a 429); -inf when none."""
        return self._paused_until

    def rate_at(self, now: float) -> float:
        """Requests per second allowed at clock time ``now``."""
        if self._floor is None:
            return self._max_rate
        regained = self._climb * max(0.0, now - self._climb_from)
        return min(self._max_rate, self._floor + regained)

    @property
    def tokens(self) -> float:
        """Requests that may start right now; negative while callers wait their turn."""
        self._refill(self._clock())
        return self._tokens

    def _refill(self, now: float) -> None:
        # Nothing accrues during a pause; after it, the rate of the pause's end applies, which
        # under-counts slightly while the rate climbs (the safe side).
        start = max(self._updated, self._paused_until)
        if now > start:
            self._tokens = min(
                float(self.burst), self._tokens + (now - start) * self.rate_at(start)
            )
            self._updated = now

    def reserve(self) -> float:
        """Take one request's token now and return the seconds until it may start."""
        now = self._clock()
        self._refill(now)
        self._tokens -= 1.0
        ready = max(now, self._paused_until)
        debt = -self._tokens if self._tokens < 0 else 0.0
        return ready - now + debt / self.rate_at(ready)

    async def acquire(self) -> None:
        """Wait until one more request may start."""
        while True:
            generation = self._generation
            wait = self.reserve()
            if wait <= 0:
                return
            try:
                await self._sleep(wait)
            except asyncio.CancelledError:
                if generation == self._generation:
                    self._tokens += 1.0  # give back the unused turn
                raise
            if generation == self._generation:
                return
            # A 429 paused everyone while we waited: our turn was void, take a new one.

    def on_rate_limited(self, delay: float) -> None:
        """Pause every caller for ``delay`` seconds and slow down, after a 429.

        Args:
            delay: The server's ``Retry-After``, or a backoff delay when it sent none.
        """
        now = self._clock()
        if now >= self._paused_until:
            # A fresh 429; the others of a burst already paused for arrive during the pause
            # and must not slow us down again.
            self._floor = max(_MIN_RATE, self.rate_at(now) * self._slowdown)
        self._paused_until = max(self._paused_until, now + max(0.0, delay))
        self._climb_from = self._paused_until
        self._updated = self._paused_until
        self._tokens = 1.0  # one probe at the end of the pause, then the slower rate
        self._generation += 1


_default: RateLimiter | None = None


def default_limiter() -> RateLimiter:
    """The process-wide limiter, shared by every ``TMDBClient`` given none of its own."""
    global _default
    if _default is None:
        _default = RateLimiter()
    return _default
