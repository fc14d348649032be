"""desktop/scheduling.py: the window's thread favoured, the helpers lowered, nobody else touched.

Each check runs in a thread of its own, so the test process's threads keep their settings.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest

from aniworld_desktop.desktop import scheduling
from aniworld_desktop.desktop.scheduling import (
    WINDOW_SLICE,
    favour_this_thread,
    lower_this_thread,
    thread_slice,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux per-thread")
T = TypeVar("T")


def in_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a new thread and return what it returned (or raise what it raised)."""
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    if error:
        raise error[0]
    return result[0]


def nice_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@linux_only
def test_lowering_changes_only_the_calling_thread_and_never_goes_further() -> None:
    base = os.getpriority(os.PRIO_PROCESS, os.getpid())
    here = nice_of_this_thread()

    def lower_twice_and_start_one() -> tuple[bool, int, int, int]:
        done = lower_this_thread(5)
        first = nice_of_this_thread()
        lower_this_thread(5)  # a helper started by a helper: still five steps, not ten
        # A thread started now inherits the value and, asking again, keeps it.
        child = in_thread(lambda: (lower_this_thread(5), nice_of_this_thread())[1])
        return done, first, nice_of_this_thread(), child

    done, first, again, child = in_thread(lower_twice_and_start_one)
    expected = min(19, base + 5)
    assert done
    assert first == again == child == expected
    assert nice_of_this_thread() == here  # the test's own thread kept its priority


def test_nothing_is_lowered_by_zero_steps() -> None:
    assert not in_thread(lambda: lower_this_thread(0))


@linux_only
def test_the_favoured_thread_gets_a_short_slice_and_its_children_the_default() -> None:
    # Read in a new thread: earlier tests' windows favoured the test runner's main thread
    # (tune_interpreter), and a thread started by a favoured one gets the default back.
    default = in_thread(thread_slice)
    if default is None:
        pytest.skip("sched_getattr is not available on this machine")

    def favour() -> tuple[bool, float | None, float | None]:
        accepted = favour_this_thread()
        return accepted, thread_slice(), in_thread(thread_slice)

    accepted, favoured, child = in_thread(favour)
    if not accepted:
        pytest.skip("this kernel or sandbox refuses sched_setattr")
    if favoured == default and _kernel() < (6, 12):
        pytest.skip("this kernel ignores per-thread slices (Linux < 6.12)")
    assert favoured == pytest.approx(WINDOW_SLICE)
    assert child == default  # SCHED_FLAG_RESET_ON_FORK: threads started later are not favoured


def _kernel() -> tuple[int, ...]:
    """The running kernel's version, ``(6, 18)`` from ``6.18.44-...``."""
    numbers = re.findall(r"\d+", os.uname().release)[:2]
    return tuple(int(n) for n in numbers)


def test_other_systems_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduling.sys, "platform", "darwin")
    assert not favour_this_thread()
    assert not lower_this_thread(5)
    assert thread_slice() is None
