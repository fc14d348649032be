"""A global download speed limit shared by every running download."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["SpeedLimiter", "wait_for_debt"]

# Longest single sleep, so a rate changed at runtime takes effect within this many seconds.
_MAX_SLEEP = 0.5


def wait_for_debt(tokens: float, bytes_per_second: int) -> float:
    """Seconds until a token bucket holding ``tokens`` is back at zero.

    Args:
        tokens: Current bucket level; negative means bytes were taken on credit.
        bytes_per_second: Refill rate; 0 means unlimited.

    Returns:
        Seconds to wait, 0.0 when nothing is owed or there is no limit.
    """
    if bytes_per_second <= 0 or tokens >= 0:
        return 0.0
    return -tokens / bytes_per_second


class SpeedLimiter:
    """Token bucket limiting the combined speed of all downloads.

    The bucket holds at most one second's worth of bytes. A consumer takes its bytes at once,
    possibly on credit, then waits until the debt is repaid; so a single read larger than the
    rate works, and concurrent consumers share the rate.
    """

    def __init__(
        self,
        bytes_per_second: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Create a limiter.

        Args:
            bytes_per_second: The limit; 0 means unlimited.
            clock: Monotonic seconds; injectable for tests.
            sleep: Async sleep; injectable for tests.
        """
        if bytes_per_second < 0:
            raise ValueError("bytes_per_second must be 0 (unlimited) or positive")
        self._clock = clock
        self._sleep = sleep
        self._rate = bytes_per_second
        self._tokens = float(bytes_per_second)
        self._updated = clock()

    @property
    def bytes_per_second(self) -> int:
        """The current limit in bytes per second; 0 means unlimited."""
        return self._rate

    @bytes_per_second.setter
    def bytes_per_second(self, value: int) -> None:
        if value < 0:
            raise ValueError("bytes_per_second must be 0 (unlimited) or positive")
        self._refill()
        if self._rate == 0 or value == 0:
            # Debt run up under another regime means nothing under the new one.
            self._tokens = float(value)
        else:
            self._tokens = min(self._tokens, float(value))
        self._rate = value

    @property
    def tokens(self) -> float:
        """Bytes available right now; negative while consumers wait for their debt."""
        self._refill()
        return self._tokens

    def take(self, nbytes: int) -> float:
        """Take ``nbytes`` from the bucket without waiting.

        Args:
            nbytes: Bytes about to be (or just) transferred.

        Returns:
            Seconds the caller should wait before transferring more.
        """
        self._refill()
        if self._rate == 0 or nbytes <= 0:
            return 0.0
        self._tokens -= nbytes
        return wait_for_debt(self._tokens, self._rate)

    async def consume(self, nbytes: int) -> None:
        """Account for ``nbytes`` and wait as long as the limit requires.

        Args:
            nbytes: Bytes transferred; may exceed the per-second rate.
        """
        wait = self.take(nbytes)
        while wait > 0:
            await self._sleep(min(wait, _MAX_SLEEP))
            self._refill()
            wait = wait_for_debt(self._tokens, self._rate)

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._updated = now
        if self._rate:
            self._tokens = min(float(self._rate), self._tokens + elapsed * self._rate)
