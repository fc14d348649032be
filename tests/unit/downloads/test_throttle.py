"""SpeedLimiter on a fake clock: the waits are computed, never slept."""

from __future__ import annotations

import pytest

from aniworld_desktop.downloads.throttle import SpeedLimiter, wait_for_debt


class FakeTime:
    """A clock that only moves when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make(rate: int) -> tuple[SpeedLimiter, FakeTime]:
    fake = FakeTime()
    return SpeedLimiter(rate, clock=fake.clock, sleep=fake.sleep), fake


def test_wait_for_debt_is_debt_over_rate() -> None:
    assert wait_for_debt(-500, 1000) == 0.5
    assert wait_for_debt(0, 1000) == 0.0
    assert wait_for_debt(300, 1000) == 0.0
    assert wait_for_debt(-500, 0) == 0.0


async def test_first_second_is_a_free_burst() -> None:
    limiter, fake = make(1000)
    await limiter.consume(1000)
    assert fake.sleeps == []


async def test_sustained_rate_matches_the_limit() -> None:
    limiter, fake = make(1000)
    for _ in range(10):
        await limiter.consume(500)
    # 5000 bytes at 1000 B/s, of which the first 1000 were the burst.
    assert fake.now == pytest.approx(4.0)


async def test_a_read_larger_than_the_rate_waits_its_full_share() -> None:
    limiter, fake = make(1000)
    await limiter.consume(1000)
    await limiter.consume(3000)
    assert fake.now == pytest.approx(3.0)
    # Long waits are cut into short sleeps so a new rate applies promptly.
    assert max(fake.sleeps) <= 0.5


async def test_idle_time_refills_only_up_to_one_second() -> None:
    limiter, fake = make(1000)
    await limiter.consume(1000)
    fake.now += 60.0
    await limiter.consume(1000)
    assert fake.sleeps == []
    await limiter.consume(1000)
    assert sum(fake.sleeps) == pytest.approx(1.0)


async def test_zero_means_unlimited() -> None:
    limiter, fake = make(0)
    await limiter.consume(10**12)
    assert fake.sleeps == []
    assert limiter.take(10**9) == 0.0


async def test_rate_can_change_while_running() -> None:
    limiter, fake = make(1000)
    await limiter.consume(1000)
    limiter.bytes_per_second = 0
    await limiter.consume(10**9)
    assert fake.sleeps == []
    limiter.bytes_per_second = 2000
    assert limiter.bytes_per_second == 2000
    # Leaving "unlimited" starts with a fresh one-second burst of the new rate.
    assert limiter.take(2000) == 0.0
    assert limiter.take(1000) == pytest.approx(0.5)


async def test_lowering_the_rate_caps_the_burst() -> None:
    limiter, _ = make(10_000)
    limiter.bytes_per_second = 100
    assert limiter.tokens == pytest.approx(100)
    assert limiter.take(200) == pytest.approx(1.0)


async def test_consumers_at_the_same_instant_share_the_rate() -> None:
    limiter, _ = make(1000)
    limiter.take(1000)
    # The second taker also waits for the first one's debt: together they get 1000 B/s.
    assert limiter.take(1000) == pytest.approx(1.0)
    assert limiter.take(1000) == pytest.approx(2.0)


def test_negative_rates_are_refused() -> None:
    with pytest.raises(ValueError):
        SpeedLimiter(-1)
    limiter = SpeedLimiter(10)
    with pytest.raises(ValueError):
        limiter.bytes_per_second = -5
