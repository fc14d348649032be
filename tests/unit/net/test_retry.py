import pytest

from aniworld_desktop.net.retry import MAX_DELAY, retry_delay


def test_delay_doubles_and_jitter_spreads_the_upper_half():
    assert [retry_delay(n, base=2, jitter=0.0) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert [retry_delay(n, base=2, jitter=0.999999) for n in (1, 2, 3)] == pytest.approx([2, 4, 8])


def test_delay_is_capped():
    assert retry_delay(30, base=2, jitter=1.0) <= MAX_DELAY
    assert retry_delay(5, base=10, jitter=0.0, cap=20) == 10


def test_retry_after_is_honoured_as_given_and_capped():
    assert retry_delay(1, base=2, jitter=0.9, retry_after=12.5) == 12.5
    assert retry_delay(3, base=2, jitter=0.9, retry_after=0) == 0
    assert retry_delay(1, base=2, jitter=0.0, retry_after=10_000) == MAX_DELAY


def test_attempt_counts_from_one():
    with pytest.raises(ValueError):
        retry_delay(0, base=2, jitter=0)
