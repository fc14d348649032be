"""A download's watchdog: gives up on a transfer that stalls or crawls."""

from __future__ import annotations

import asyncio

__all__ = ["StallWatchdog"]


class StallWatchdog:
    """Cancels the running task once it has waited ``timeout`` seconds for data, or once the
    data crawls: fewer than ``min_speed`` bytes a second over ``min_speed_time`` seconds spent
    waiting for the network (time spent on the disk or the speed limit does not count).

    aiohttp's ``sock_read`` timeout re-arms a timer on every socket read; on qasync's loop every
    timer is a Qt timer, a cost paid thousands of times per GiB. This one wakes once per period.
    The copying loop keeps ``waiting_since``, ``waited`` and ``received`` up to date.
    """

    __slots__ = (
        "_handle",
        "_loop",
        "_mark_received",
        "_mark_waited",
        "_min_speed",
        "_min_speed_time",
        "_task",
        "_timeout",
        "fired",
        "received",
        "waited",
        "waiting_since",
    )

    # Timers may fire a little early (Qt rounds to milliseconds); that much idle counts as all.
    _SLACK = 0.005

    def __init__(self, timeout: float, min_speed: int = 0, min_speed_time: float = 0.0) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._timeout = timeout if timeout > 0 else float("inf")
        self._min_speed = min_speed if min_speed_time > 0 else 0
        self._min_speed_time = min_speed_time
        self.fired: str | None = None  # "stall" or "slow" once it cancelled the task
        # When the task started waiting for the network; None while it works on what it got.
        self.waiting_since: float | None = self._loop.time()
        self.waited = 0.0  # seconds spent waiting for the network, finished waits only
        self.received = 0  # body bytes taken off the network
        self._mark_waited = 0.0
        self._mark_received = 0
        self._handle: asyncio.TimerHandle | None = None
        self._schedule(self._loop.time())

    def body_started(self) -> None:
        """Start the speed window at the body: waiting for the headers is the stall's affair."""
        self.waiting_since = None
        self.waited = self._mark_waited = 0.0
        self.received = self._mark_received = 0

    def _schedule(self, now: float) -> None:
        since = self.waiting_since
        due = (since if since is not None else now) + self._timeout
        if self._min_speed:
            waited = self.waited + (now - since if since is not None else 0.0)
            # Waiting time grows at most as fast as the clock: the window cannot close sooner.
            due = min(
                due, now + max(self._SLACK, self._min_speed_time - (waited - self._mark_waited))
            )
        if due != float("inf"):
            self._handle = self._loop.call_at(due, self._check)

    def _check(self) -> None:
        self._handle = None
        now = self._loop.time()
        since = self.waiting_since
        if since is not None and now - since >= self._timeout - self._SLACK:
            self._fire("stall")
            return
        if self._min_speed:
            waited = self.waited + (now - since if since is not None else 0.0)
            window = waited - self._mark_waited
            if window >= self._min_speed_time - self._SLACK:
                if self.received - self._mark_received < self._min_speed * window:
                    self._fire("slow")
                    return
                self._mark_waited, self._mark_received = waited, self.received
        self._schedule(now)

    def _fire(self, why: str) -> None:
        self.fired = why
        if self._task is not None:
            self._task.cancel()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
