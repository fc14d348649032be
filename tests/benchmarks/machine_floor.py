"""What the machine itself does to a program's timing, measured beside a benchmark.

A loop's lateness has causes outside the program: on a virtual machine the host may not run
the guest's CPUs for a while (*steal* time, ``/proc/stat``), and a timer then fires late whatever
the program does. ``ui_responsiveness.py`` reports both for its measured windows, for
information, so a reader can tell the window's own lateness from the machine's:

* :class:`StealMeter`: the share of all CPU time the host took from this machine's CPUs over a
  window (Linux; None elsewhere);
* :class:`FloorProbe` (``--floor``): a separate process doing nothing but sleeping 1 ms and
  measuring how late it wakes up, the best any program could do in the same moment (it adds
  ~1,000 wake-ups a second of its own, so it is off by default);
* :func:`curl_reference` (``--floor`` too): the same sleeper beside the same CPU-bound job and
  one ``curl`` per served file writing into the same folder, without the app: how late this
  machine makes any program while something else writes at the disk's pace.

Measured on the 2-core machine of issue 17 (2026-12-08): a virtual machine's CPUs are taken by
the host while the guest writes to its virtual disk. Beside the CPU-bound job, the sleeper's p99
was 0.45 ms with nothing else running; with eight downloads of the app's download process into
a tmpfs 0.32-0.35 ms, into the disk 4-15 ms (stolen 12-18 %); with eight plain ``curl`` into the
disk 9-30 ms (stolen 17-26 %), into a tmpfs 3.9 ms. A ``perf sched timehist`` of such a late
tick: the sleeper's timer fired 7.5 ms late and it then ran within 0.08 ms, and neither CPU
switched tasks in those milliseconds: the whole machine was stopped, not busy with our threads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PROBE = (
    "import json, sys, time\n"
    "end = time.monotonic() + float(sys.argv[1])\n"
    "late = []\n"
    "while True:\n"
    "    started = time.monotonic()\n"
    "    if started > end:\n"
    "        break\n"
    "    time.sleep(0.001)\n"
    "    late.append(max(0.0, time.monotonic() - started - 0.001))\n"
    "late.sort()\n"
    "print(json.dumps({'p99_ms': late[int(len(late) * 0.99)] * 1000 if late else 0.0,\n"
    "                  'max_ms': late[-1] * 1000 if late else 0.0, 'ticks': len(late)}))\n"
)
"""A 1 ms sleeper for argv[1] seconds; prints its lateness p99 and max (ms) as JSON."""

CPU_HOG = (
    "import sys, time\n"
    "end = time.monotonic() + float(sys.argv[1])\n"
    "while time.monotonic() < end:\n"
    "    pass\n"
)
"""One core's worth of work for a bounded time (argv[1] seconds)."""

_STAT = Path("/proc/stat")


def _cpu_times() -> list[int] | None:
    """The aggregate ``cpu`` line of /proc/stat (user, nice, system, idle, iowait, irq,
    softirq, steal, ...), in clock ticks; None where it cannot be read."""
    try:
        with _STAT.open(encoding="ascii") as stat:
            first = stat.readline().split()
    except OSError:
        return None
    if len(first) < 9 or first[0] != "cpu":
        return None
    return [int(value) for value in first[1:9]]


class StealMeter:
    """Share of CPU time stolen by the host between :meth:`start` and :meth:`stop`."""

    def __init__(self) -> None:
        self._start: list[int] | None = None

    def start(self) -> None:
        self._start = _cpu_times()

    def stop(self) -> float | None:
        """The stolen share (0..1) since :meth:`start`, or None where unknown."""
        end = _cpu_times()
        if self._start is None or end is None:
            return None
        delta = [b - a for a, b in zip(self._start, end, strict=True)]
        total = sum(delta)
        return delta[7] / total if total > 0 else None


class FloorProbe:
    """The 1 ms sleeper in a process of its own, for ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", PROBE, str(seconds)], stdout=subprocess.PIPE, text=True
        )

    def result(self, timeout: float = 30.0) -> dict[str, float] | None:
        """Its figures once it has finished (None if it failed)."""
        try:
            out, _ = self._proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
            return None
        try:
            figures = json.loads(out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None
        return figures if isinstance(figures, dict) else None

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()


def curl_reference(
    urls: Sequence[str], folder: Path, seconds: float, *, settle: float = 2.0
) -> dict[str, float] | None:
    """The sleeper's lateness beside :data:`CPU_HOG` and one ``curl`` per URL writing into
    ``folder`` (the app's disk), no app running: the reference for the window's lateness with
    the CPU-bound job. Adds the share the host stole meanwhile (``stolen``). None without curl.

    The curls run ``settle`` seconds before the measured window, so their writeback has begun;
    everything started is killed and its files removed before this returns.
    """
    curl = shutil.which("curl")
    if curl is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    outputs = [folder / f"reference-{k}.bin" for k in range(len(urls))]
    started: list[subprocess.Popen[bytes]] = []
    try:
        for url, output in zip(urls, outputs, strict=True):
            started.append(subprocess.Popen([curl, "-s", "-o", str(output), url]))
        time.sleep(settle)
        started.append(subprocess.Popen([sys.executable, "-c", CPU_HOG, str(seconds + 5)]))
        time.sleep(0.5)  # it runs
        steal = StealMeter()
        steal.start()
        figures = FloorProbe(seconds).result(timeout=seconds + 30)
        stolen = steal.stop()
    finally:
        for process in started:
            process.kill()
            process.wait()
        for output in outputs:
            output.unlink(missing_ok=True)
    if figures is None:
        return None
    return {**figures, "stolen": stolen if stolen is not None else float("nan")}
