"""A clock and a sleep the test moves by hand: the timer never waits for real time."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

# Only against a hang (a timer that never sleeps again); no test measures time with it.
HANG_GUARD = 30.0


class FakeClock:
    """``clock()`` and ``sleep()`` for one sleeper (the scheduler's timer).

    ``sleep(s)`` parks the caller until :meth:`advance` moves the clock past its deadline.

    Attributes:
        now: The current time (UTC, aware).
        naps: Every delay the sleeper asked for, in order.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.naps: list[float] = []
        self._sleeper: tuple[datetime, asyncio.Future[None]] | None = None
        self._asleep = asyncio.Event()

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.naps.append(seconds)
        wake = asyncio.get_running_loop().create_future()
        self._sleeper = (self.now + timedelta(seconds=seconds), wake)
        self._asleep.set()
        try:
            await wake
        finally:  # woken, or cancelled with its timer
            if self._sleeper is not None and self._sleeper[1] is wake:
                self._sleeper = None
                self._asleep.clear()

    async def asleep(self) -> datetime:
        """Wait until the timer sleeps (a run in progress finishes first); its wake-up time."""
        async with asyncio.timeout(HANG_GUARD):
            await self._asleep.wait()
        assert self._sleeper is not None
        return self._sleeper[0]

    def suspend(self, seconds: float) -> None:
        """The computer sleeps: the wall clock jumps, a nap under way stands still."""
        jump = timedelta(seconds=seconds)
        self.now += jump
        if self._sleeper is not None:
            self._sleeper = (self._sleeper[0] + jump, self._sleeper[1])

    async def advance(self, seconds: float) -> None:
        """Move the clock ``seconds`` on, waking the timer at each deadline on the way and
        letting it do what it does then, until it sleeps past the new time."""
        target = self.now + timedelta(seconds=seconds)
        while True:
            deadline = await self.asleep()
            if deadline > target:
                break
            assert self._sleeper is not None
            wake = self._sleeper[1]
            self._sleeper = None
            self._asleep.clear()
            self.now = max(self.now, deadline)
            wake.set_result(None)
        self.now = target
