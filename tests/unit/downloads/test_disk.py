"""The shared writer thread and early writeback (downloads/disk.py)."""

from __future__ import annotations

import itertools
import os
import sys
import threading
from pathlib import Path

import pytest

import aniworld_desktop.downloads.disk as disk
from aniworld_desktop.desktop import scheduling
from aniworld_desktop.desktop.scheduling import HELPER_NICE
from aniworld_desktop.downloads.disk import DiskWriter, Writeback

STEP = 1 << 20


class Calls:
    """Records the system calls early writeback makes (and still makes them for real)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.synced: list[tuple[int, int, int]] = []
        self.dropped: list[tuple[int, int]] = []
        real_sync, real_fadvise = disk._sync_file_range, disk._fadvise

        def sync_file_range(fd: int, offset: int, length: int, flags: int) -> int:
            self.synced.append((offset, length, flags))
            return real_sync(fd, offset, length, flags) if real_sync else 0

        def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
            self.dropped.append((offset, length))
            if real_fadvise is not None:
                real_fadvise(fd, offset, length, advice)

        monkeypatch.setattr(disk, "_sync_file_range", sync_file_range)
        monkeypatch.setattr(disk, "_fadvise", fadvise)


def _write(path: Path, start: int, sizes: list[int], *, wait: bool) -> None:
    with open(path, "ab") as file:
        writeback = Writeback(file.fileno(), start, STEP, wait=wait)
        for size in sizes:
            file.write(b"x" * size)
            file.flush()
            writeback.wrote(size)


def test_every_step_is_started_and_the_one_before_is_waited_for_and_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    part = tmp_path / "a.part"
    part.write_bytes(b"y" * 1000)  # a resumed part: writes begin at byte 1000
    _write(part, 1000, [300_000] * 14, wait=True)  # 4.2 MB: four steps
    started = [(o, n) for o, n, flags in calls.synced if flags == 2]
    waited = [(o, n) for o, n, flags in calls.synced if flags == 1 | 2 | 4]
    # The started ranges follow each other from the resume point, a step or a little more each.
    assert started[0][0] == 1000
    assert all(a + n == b for (a, n), (b, _) in itertools.pairwise(started))
    assert all(n >= STEP for _, n in started)
    # Each range is waited for once the next one started, then dropped from the page cache.
    assert waited == started[:-1]
    assert calls.dropped == started[:-1]
    # What the final fsync is left with: at most the last two steps.
    end = 1000 + 14 * 300_000
    assert end - (waited[-1][0] + waited[-1][1]) < 2 * STEP + 300_000


def test_on_the_event_loops_thread_it_never_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = Calls(monkeypatch)
    _write(tmp_path / "b.part", 0, [STEP // 2] * 8, wait=False)
    assert calls.synced and all(flags == 2 for _, _, flags in calls.synced)
    assert calls.dropped  # older ranges still leave the page cache, without waiting


def test_a_failing_hint_turns_it_off_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: int) -> int:
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(disk, "_sync_file_range", broken)
    with open(tmp_path / "c.part", "wb") as file:
        writeback = Writeback(file.fileno(), 0, STEP)
        file.write(b"z" * (3 * STEP))
        writeback.wrote(3 * STEP)  # no exception: the final fsync is the guarantee
        assert not writeback.enabled


def test_the_writer_keeps_order_and_survives_a_failing_call() -> None:
    writer = DiskWriter(name="test-writer")
    seen: list[int] = []
    done = threading.Event()

    def fail() -> None:
        raise RuntimeError("a bug in one sink")

    writer.submit(lambda: seen.append(1))
    writer.submit(fail)
    for n in range(2, 50):
        writer.submit(lambda n=n: seen.append(n))
    writer.submit(done.set)
    assert done.wait(10)
    assert seen == list(range(1, 50))
    assert writer.thread.name == "test-writer" and writer.thread.daemon


def test_one_writer_per_process() -> None:
    assert DiskWriter.shared() is DiskWriter.shared()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
@pytest.mark.parametrize("window", [True, False], ids=["window", "headless"])
def test_the_writer_runs_below_the_windows_thread_in_the_window(
    window: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduling, "_helper_steps", 0)
    if window:
        scheduling.helpers_yield(HELPER_NICE)  # as ui/qtapp.tune_interpreter does
    writer = DiskWriter(name="test-writer-nice")
    seen: list[int] = []
    done = threading.Event()
    writer.submit(lambda: seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
    writer.submit(done.set)
    assert done.wait(10)
    base = os.getpriority(os.PRIO_PROCESS, os.getpid())
    assert seen == [min(19, base + HELPER_NICE) if window else base]
