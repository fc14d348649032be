"""The request limiter and the backoff, on a fake clock: nothing here really sleeps."""

from __future__ import annotations

import asyncio

import pytest

from aniworld_desktop.metadata.ratelimit import (
    MAX_BACKOFF,
    RateLimiter,
    default_limiter,
)
from aniworld_desktop.net.retry import retry_delay
from tests.unit.metadata.conftest import FakeClock


def make(clock: FakeClock, **kwargs: float) -> RateLimiter:
    return RateLimiter(clock=clock.time, sleep=clock.sleep, **kwargs)  # type: ignore[arg-type]


# --- backoff --------------------------------------------------------------------------------------


def test_backoff_doubles_and_jitter_spreads_the_upper_half():
    assert [retry_delay(n, base=1, jitter=0.0, cap=MAX_BACKOFF) for n in (1, 2, 3, 4)] == [
        0.5,
        1,
        2,
        4,
    ]
    assert [
        retry_delay(n, base=1, jitter=0.999999, cap=MAX_BACKOFF) for n in (1, 2, 3)
    ] == pytest.approx([1, 2, 4])


def test_backoff_is_capped():
    assert retry_delay(40, base=1, jitter=0.999, cap=MAX_BACKOFF) <= MAX_BACKOFF
    assert retry_delay(6, base=10, jitter=0.0, cap=20) == 10


def test_retry_after_is_honoured_as_given_and_capped():
    assert retry_delay(1, base=0.5, retry_after=12.5, jitter=0.9, cap=MAX_BACKOFF) == 12.5
    assert retry_delay(3, base=0.5, jitter=0.0, retry_after=0, cap=MAX_BACKOFF) == 0
    assert retry_delay(1, base=0.5, jitter=0.0, retry_after=10_000, cap=MAX_BACKOFF) == MAX_BACKOFF


def test_attempts_count_from_one():
    with pytest.raises(ValueError):
        retry_delay(0, base=0.5, jitter=0.0, cap=MAX_BACKOFF)


# --- steady rate ----------------------------------------------------------------------------------


async def test_a_burst_goes_at_once_then_requests_are_spaced():
    clock = FakeClock()
    limiter = make(clock, limit=10, burst=2)  # refills 8 a second
    for _ in range(5):
        await limiter.acquire()
    assert clock.sleeps == pytest.approx([1 / 8, 1 / 8, 1 / 8])


def test_reservations_queue_up_in_order():
    clock = FakeClock()
    limiter = make(clock, limit=10, burst=2)
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == pytest.approx([0, 0, 1 / 8, 2 / 8, 3 / 8])


async def test_never_more_than_limit_in_any_window():
    clock = FakeClock()
    limiter = make(clock)  # the defaults: 40 a second, burst 2
    starts = []
    for _ in range(300):
        await limiter.acquire()
        starts.append(clock.now)
    for i, start in enumerate(starts):
        in_window = [t for t in starts[i:] if t <= start + limiter.period + 1e-9]
        assert len(in_window) <= limiter.limit
    # ... and not much less either: the bucket runs at (limit - burst) a second.
    elapsed = starts[-1] - starts[0]
    assert (len(starts) - limiter.burst) / elapsed == pytest.approx(limiter.max_rate)


async def test_a_quiet_spell_refills_only_the_burst():
    clock = FakeClock()
    limiter = make(clock, limit=10, burst=3)
    clock.now += 3600
    assert limiter.tokens == 3


async def test_cancelling_a_wait_gives_the_turn_back():
    clock = FakeClock()
    never = asyncio.Event()

    async def hang(seconds: float) -> None:
        await never.wait()

    limiter = RateLimiter(limit=10, burst=1, clock=clock.time, sleep=hang)
    await limiter.acquire()  # the burst
    waiter = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    assert limiter.tokens == -1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert limiter.tokens == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": 2, "burst": 2},
        {"burst": 0},
        {"period": 0},
        {"slowdown": 0},
        {"slowdown": 1.5},
        {"recovery": 0},
    ],
)
def test_nonsense_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        RateLimiter(**kwargs)


def test_the_default_limiter_is_shared():
    assert default_limiter() is default_limiter()
    assert default_limiter().limit == 40


# --- after a 429 ----------------------------------------------------------------------------------


async def test_a_429_pauses_everyone_until_retry_after():
    clock = FakeClock()
    limiter = make(clock)
    limiter.on_rate_limited(4.0)
    assert limiter.paused_until == clock.now + 4.0
    await limiter.acquire()
    assert clock.sleeps == [pytest.approx(4.0)]
    # One probe at the end of the pause; the next waits for the slower rate.
    await limiter.acquire()
    assert clock.sleeps[1] == pytest.approx(1 / (limiter.max_rate * 0.75))


def test_the_rate_drops_and_climbs_back():
    clock = FakeClock()
    limiter = make(clock, limit=42, burst=2, slowdown=0.5, recovery=10)  # full rate 40/s
    start = clock.now
    limiter.on_rate_limited(2.0)
    end = start + 2.0
    assert limiter.rate_at(end) == pytest.approx(20)
    assert limiter.rate_at(end + 5) == pytest.approx(40)  # 4/s regained per second
    assert limiter.rate_at(end + 2.5) == pytest.approx(30)
    assert limiter.rate_at(end + 60) == pytest.approx(40)


def test_429s_from_one_burst_slow_down_once():
    clock = FakeClock()
    limiter = make(clock, limit=42, burst=2, slowdown=0.5)
    limiter.on_rate_limited(1.0)
    clock.now += 0.2  # more answers to requests sent before the first 429
    limiter.on_rate_limited(1.0)
    limiter.on_rate_limited(0.5)
    assert limiter.paused_until == pytest.approx(clock.now + 1.0)
    assert limiter.rate_at(limiter.paused_until) == pytest.approx(20)


def test_a_429_after_the_pause_slows_down_again():
    clock = FakeClock()
    limiter = make(clock, limit=42, burst=2, slowdown=0.5)
    limiter.on_rate_limited(1.0)
    clock.now += 1.0
    limiter.on_rate_limited(1.0)
    assert limiter.rate_at(limiter.paused_until) == pytest.approx(10)


def test_the_rate_never_drops_below_one_a_second():
    clock = FakeClock()
    limiter = make(clock, limit=42, burst=2, slowdown=0.1)
    for _ in range(10):
        limiter.on_rate_limited(0.0)
        clock.now += 0.001
    assert limiter.rate_at(clock.now) >= 1.0


async def test_a_waiter_caught_by_a_429_queues_again_after_the_pause():
    clock = FakeClock()
    paused = False

    async def sleep(seconds: float) -> None:
        nonlocal paused
        await clock.sleep(seconds)
        if not paused:
            # While this caller waited, another request came back with a 429.
            paused = True
            limiter.on_rate_limited(3.0)

    limiter = RateLimiter(limit=10, burst=1, clock=clock.time, sleep=sleep)
    await limiter.acquire()
    await limiter.acquire()
    first_wait = 1 / 9
    assert clock.sleeps == pytest.approx([first_wait, 3.0])
