"""The public broadcasters' film list: parse and index 700,000 films, apply a diff, search.

Goals (issue 19): parsing and indexing a 700,000-film list <= 20 s and <= 300 MB RSS; a diff list
applied <= 1 s; a search over the index <= 50 ms at the 95th percentile; and the event loop never
blocked more than 50 ms while the list is indexed. The indexing runs in a child process, as the
provider runs it (``providers/mediathek/child.py``), while a 5 ms ticker on the loop measures its
worst lateness; the loop's interpreter switches threads every millisecond, as the window sets it
up in ``ui/qtapp.tune_interpreter``. The peak RSS is the indexing process's plus the measuring
one's. ``--thread-reference`` first indexes the same list on a worker thread (the earlier way)
and prints its time and stall beside.

The list is made up here (not timed) in MediathekView's published format and compressed with
xz, as ``Filmliste-akt.xz`` is: films in programmes of about two dozen, numbered titles in each
convention, audio-description versions, subtitles, relative small/HD URLs, repeated channel and
topic left empty. The diff list replaces 5,000 of those films (same channel, topic and URL, a new
title) and adds 5,000. The measuring runs in a process of its own, so the generator's memory is
not counted. Also printed, for reference: the
time the same process takes only to decompress the file, the floor of any reader, and the
ticker's worst lateness over 3 s with nothing to do and over 3 s beside two threads that keep
both cores busy without the GIL (what the system's scheduler alone costs on this machine now).

Searches: 200 queries as a person types them (``te``, ``ter``, ``terr``, ``terra``, two words),
each run as a film search (newest first) and as a programme search; the figure is the 95th
percentile of all of them.

The machine is shared: the script prints ``uptime``'s load before and after, and the CPU
seconds of the indexing beside its wall time. It measures in rounds (``--rounds``, 3), each in a
fresh process, one after the other: the verdict takes the best round's index and diff times (the
same build took 16.4 and 23.4 s here within ten minutes, 23.0 and 29.3 CPU-s: the speed of the
moment, not of the code) and the worst round's memory, search p95 and loop stall, which must hold
every time. The indexing process's server is started before the clock starts, as the provider
starts it while the list downloads.

Run: .venv/bin/python tests/benchmarks/mediathek_index.py [--films 700000] [--diff 10000]
[--thread-reference] [--rounds 3] [--lists FOLDER] (``--lists`` keeps the generated lists there and uses them
again: the same input before and after a change, without a minute of generating each run)
The last line is the verdict: ``mediathek_index: index X s, Y MB, diff Z s, search p95 N ms,
stall M ms (goal <=20 s, <=300 MB, <=1 s, <=50 ms, <=50 ms) PASS`` or ``FAIL``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import lzma
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

INDEX_GOAL = 20.0
RSS_GOAL_MB = 300
DIFF_GOAL = 1.0
SEARCH_GOAL = 0.050
STALL_GOAL = 0.050
SEARCHES = 200


class LatenessMonitor:
    """How late a 5 ms ticker wakes up: the longest time the loop was kept from running."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.worst = 0.0
        self.worst_at = 0.0  # seconds after the start
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        while True:
            expected = loop.time() + self.tick
            await asyncio.sleep(self.tick)
            late = loop.time() - expected
            self.samples.append(late)
            if late > self.worst:
                self.worst, self.worst_at = late, expected - start

    def over(self, limit: float) -> int:
        """How many ticks were later than ``limit``."""
        return sum(late > limit for late in self.samples)

    async def __aenter__(self) -> LatenessMonitor:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def burn(stop: threading.Event) -> None:
    """Keep a core busy without holding the GIL (hashlib releases it for large inputs)."""
    data = b"x" * (8 << 20)
    while not stop.is_set():
        hashlib.sha256(data).digest()


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def python_speed() -> float:
    """Seconds for a 10-million-step Python loop: this shared machine's speed of the moment
    (the same indexing took 25 and 30 CPU-s half an hour apart), to read the times beside."""
    started = time.perf_counter()
    total = 0
    for step in range(10_000_000):
        total += step
    return time.perf_counter() - started


def make_lists(folder: Path, films: int, diff: int) -> tuple[Path, Path]:
    from tests.mediathek_lists import generated_entries, write_film_list

    rng = random.Random(20)
    every = max(1, films // max(1, diff // 2))
    changed = []

    def full_entries():  # the full list, keeping every so many films for the diff on the way
        for n, entry in enumerate(generated_entries(films, seed=19)):
            if n % every == 0 and len(changed) < diff // 2:
                changed.append(replace(entry, title=entry.title + f" (neu {rng.randint(1, 99)})"))
            yield entry

    full = write_film_list(folder / "Filmliste-akt.xz", full_entries(), preset=0)
    added = [
        replace(entry, channel="ZDF", url=entry.url.replace("https://", "https://new."))
        for entry in generated_entries(diff - len(changed), seed=21, start=1_800_000_000)
    ]
    diff_path = write_film_list(folder / "Filmliste-diff.xz", [*changed, *added], preset=0)
    return full, diff_path


def queries(count: int) -> list[str]:
    """What a person types: prefixes of growing length, then a second word."""
    from tests.mediathek_lists import WORDS

    rng = random.Random(7)
    typed: list[str] = []
    while len(typed) < count:
        word = rng.choice(WORDS).lower()
        typed += [word[:n] for n in range(2, len(word) + 1)]
        other = rng.choice(WORDS).lower()
        typed += [f"{word} {other[:n]}" for n in range(2, min(len(other), 4) + 1)]
    return typed[:count]


def window_switch_interval() -> float:
    """The window's GIL switch interval (ui/qtapp.py), read without importing Qt."""
    text = (REPO / "aniworld_desktop" / "ui" / "qtapp.py").read_text(encoding="utf-8")
    match = re.search(r"^SWITCH_INTERVAL = ([0-9.]+)", text, re.MULTILINE)
    if match is None:
        raise SystemExit("ui/qtapp.py no longer sets SWITCH_INTERVAL; update this benchmark")
    return float(match.group(1))


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def child(folder: Path, on_thread: bool) -> dict[str, object]:
    """The measured part: index, diff, search, in one process with a running loop."""
    from aniworld_desktop.providers.mediathek.child import ChildUsage, index_in_child, start_server
    from aniworld_desktop.providers.mediathek.store import FilmIndex

    # The interpreter as the window sets it up (ui.qtapp.tune_interpreter), without Qt's memory.
    sys.setswitchinterval(window_switch_interval())

    full, diff = folder / "Filmliste-akt.xz", folder / "Filmliste-diff.xz"
    speed_before = python_speed()
    started = time.perf_counter()
    with lzma.open(full) as file:
        while file.read(1 << 20):
            pass
    decompress = time.perf_counter() - started

    # The references: how late the ticker is with nothing to do, on this machine, now; and
    # beside two threads that keep the cores busy without ever holding the GIL (hashing), which
    # is what the system's scheduler alone costs when the indexing's threads are running.
    async with LatenessMonitor() as idle:
        await asyncio.sleep(3)
    stop = threading.Event()
    burners = [threading.Thread(target=burn, args=(stop,)) for _ in range(2)]
    for burner in burners:
        burner.start()
    async with LatenessMonitor() as busy:
        await asyncio.sleep(3)
    stop.set()
    for burner in burners:
        burner.join()

    index = FilmIndex(folder / "mediathek.sqlite")
    thread_reference: dict[str, float] = {}
    if on_thread:
        # The earlier way, for comparison: the same indexing on a worker thread of this process.
        reference = FilmIndex(folder / "thread.sqlite")
        async with LatenessMonitor() as thread_lateness:
            started = time.perf_counter()
            await asyncio.to_thread(
                reference.replace, full, url="https://liste.example.test/akt", etag=None,
                last_modified=None,
            )  # fmt: skip
            thread_reference["index_s"] = time.perf_counter() - started
        thread_reference["stall_s"] = thread_lateness.worst
        reference.close()
        (folder / "thread.sqlite").unlink()
        gc.collect()

    # As the provider runs it: in a child process (providers/mediathek/child.py), which says
    # what it used (a child of the fork server, so RUSAGE_CHILDREN does not see it).
    used: list[ChildUsage] = []
    # The provider starts the indexing process's server while the list downloads
    # (MediathekProvider._download), so the first indexing does not start it: nor does this one.
    await asyncio.to_thread(start_server)
    cpu = _cpu_with_children()
    async with LatenessMonitor() as index_lateness:
        started = time.perf_counter()
        applied = await index_in_child(
            "replace", index.path, full, url="https://liste.example.test/akt", etag=None,
            last_modified=None, now=None, report=used.append,
        )  # fmt: skip
        index_seconds = time.perf_counter() - started
    index_cpu = _cpu_with_children() - cpu + used[-1].cpu_seconds
    # The child's peak, and this process's (the loop, the ticker, the searches; KiB on Linux).
    child_mb = used[-1].peak_rss / 2**20
    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cpu = _cpu_with_children()
    async with LatenessMonitor() as diff_lateness:
        started = time.perf_counter()
        diffed = await index_in_child(
            "apply_diff", index.path, diff, url="https://liste.example.test/diff", etag=None,
            last_modified=None, now=None, report=used.append,
        )  # fmt: skip
        diff_seconds = time.perf_counter() - started
    diff_cpu = _cpu_with_children() - cpu + used[-1].cpu_seconds
    speed_after = python_speed()
    child_mb = max(child_mb, used[-1].peak_rss / 2**20)

    times: list[float] = []
    found = 0
    for text in queries(SEARCHES):
        for search in (index.search, index.topics):
            started = time.perf_counter()
            found += len(search(text))  # type: ignore[operator]
            times.append(time.perf_counter() - started)
    times.sort()
    index.close()
    return {
        "films": applied.films,
        "skipped": sum(applied.counts.skipped.values()),
        "decompress_s": decompress,
        "speed_s": (speed_before, speed_after),
        "index_s": index_seconds,
        "index_cpu_s": index_cpu,
        "rss_mb": own_mb + child_mb,
        "own_mb": own_mb,
        "child_mb": child_mb,
        "thread_index_s": thread_reference.get("index_s"),
        "thread_stall_s": thread_reference.get("stall_s"),
        "index_stall_s": index_lateness.worst,
        "index_stall_at_s": index_lateness.worst_at,
        "index_late_ticks": index_lateness.over(STALL_GOAL),
        "idle_stall_s": idle.worst,
        "busy_stall_s": busy.worst,
        "diff_s": diff_seconds,
        "diff_cpu_s": diff_cpu,
        "diff_films": diffed.counts.films,
        "after_diff": diffed.films,
        "diff_stall_s": diff_lateness.worst,
        "search_p95_s": times[int(len(times) * 0.95) - 1],
        "search_median_s": statistics.median(times),
        "search_max_s": times[-1],
        "found": found,
        "file_mb": (folder / "mediathek.sqlite").stat().st_size / 1e6,
    }


def measure(folder: Path, thread_reference: bool) -> dict[str, Any] | None:
    """One round: the measured part in a process of its own (its memory is its own)."""
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            str(folder),
            *(["--thread-reference"] if thread_reference else []),
        ],
        capture_output=True,
        text=True,
        check=False,
        # The fork server that runs the indexing imports the film list modules by its own
        # path, not this script's: this tree first, so that a copy of another commit (an
        # A/B with the same virtual environment) measures its own code, not the installed.
        cwd=REPO,
        env={
            # Bytecode as installed (startup.py says why): the indexing child imports the
            # film list modules at every refresh.
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH")))),
        },
    )
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return None
    r: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    (folder / "mediathek.sqlite").unlink(missing_ok=True)  # each round builds from nothing
    return r


def report(r: dict[str, Any]) -> None:
    before, after = r["speed_s"]
    print(f"machine: a 10-million-step Python loop took {before:.2f} s before, {after:.2f} s after")
    print(
        f"index: {r['films']} films in {r['index_s']:.1f} s ({r['index_cpu_s']:.1f} CPU-s; "
        f"decompressing alone {r['decompress_s']:.1f} s), peak RSS {r['rss_mb']:.0f} MB "
        f"(indexing process {r['child_mb']:.0f} MB + this one {r['own_mb']:.0f} MB), "
        f"file {r['file_mb']:.0f} MB, loop stalled at most {r['index_stall_s'] * 1000:.1f} ms "
        f"{r['index_stall_at_s']:.1f} s in, {r['index_late_ticks']} ticks over "
        f"{STALL_GOAL * 1000:.0f} ms (with nothing to do: {r['idle_stall_s'] * 1000:.1f} ms; "
        f"beside two GIL-free busy threads: {r['busy_stall_s'] * 1000:.1f} ms)"
    )
    if r["thread_index_s"] is not None:
        print(
            f"for comparison, on a worker thread: {r['thread_index_s']:.1f} s, loop stalled at "
            f"most {r['thread_stall_s'] * 1000:.1f} ms"
        )
    print(
        f"diff: {r['diff_films']} films in {r['diff_s']:.2f} s ({r['diff_cpu_s']:.2f} CPU-s), "
        f"now {r['after_diff']} films, "
        f"loop stalled at most {r['diff_stall_s'] * 1000:.1f} ms"
    )
    print(
        f"search: {2 * SEARCHES} searches, median {r['search_median_s'] * 1000:.1f} ms, "
        f"p95 {r['search_p95_s'] * 1000:.1f} ms, max {r['search_max_s'] * 1000:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--films", type=int, default=700_000)
    parser.add_argument("--diff", type=int, default=10_000)
    parser.add_argument(
        "--thread-reference",
        action="store_true",
        help="also index the list on a worker thread first (the earlier way), for comparison",
    )
    parser.add_argument(
        "--lists",
        type=Path,
        help="keep the generated lists in this folder and use them again in later runs",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="measuring processes run one after the other (default 3); see the verdict",
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    if args.child is not None:
        print(json.dumps(asyncio.run(child(args.child, args.thread_reference))))
        return 0

    print(f"load before: {load()} (2 cores)")
    with tempfile.TemporaryDirectory(prefix="mediathek-bench-") as name:
        folder = Path(name)
        started = time.perf_counter()
        if args.lists is None:
            full, diff = make_lists(folder, args.films, args.diff)
        else:  # made once for these counts and kept, so runs before and after a change compare
            kept = args.lists / f"{args.films}-{args.diff}"
            if not (kept / "Filmliste-diff.xz").exists():
                kept.mkdir(parents=True, exist_ok=True)
                make_lists(kept, args.films, args.diff)
            full, diff = folder / "Filmliste-akt.xz", folder / "Filmliste-diff.xz"
            full.symlink_to(kept / full.name)
            diff.symlink_to(kept / diff.name)
        print(
            f"made the lists in {time.perf_counter() - started:.1f} s: {args.films} films, "
            f"{full.stat().st_size / 1e6:.1f} MB xz; diff {args.diff} films"
        )
        rounds = []
        for number in range(1, args.rounds + 1):
            r = measure(folder, args.thread_reference and number == 1)
            if r is None:
                print("mediathek_index: the measuring process failed FAIL")
                return 1
            print(f"round {number}:")
            report(r)
            rounds.append(r)
    print(f"load after: {load()}")
    # Speed is the code's: the best round (a build on this shared machine took 16.4 and 23.4 s
    # within ten minutes, 23.0 and 29.3 CPU-s for the same work). Guarantees hold in every
    # round: the memory, the loop's stalls, the searches and the film count are the worst.
    index_s = min(r["index_s"] for r in rounds)
    diff_s = min(r["diff_s"] for r in rounds)
    rss_mb = max(r["rss_mb"] for r in rounds)
    search_p95 = max(r["search_p95_s"] for r in rounds)
    stall = max(max(r["index_stall_s"], r["diff_stall_s"]) for r in rounds)
    if len(rounds) > 1:
        indexes = ", ".join(f"{r['index_s']:.1f}" for r in rounds)
        diffs = ", ".join(f"{r['diff_s']:.2f}" for r in rounds)
        median = statistics.median(r["index_s"] for r in rounds)
        print(
            f"rounds: index {indexes} s (median {median:.1f}); diff {diffs} s; verdict: the "
            "best round's times, the worst round's memory, search and stall"
        )
    ok = (
        index_s <= INDEX_GOAL
        and rss_mb <= RSS_GOAL_MB
        and diff_s <= DIFF_GOAL
        and search_p95 <= SEARCH_GOAL
        and stall <= STALL_GOAL
        and all(r["films"] == args.films for r in rounds)
    )
    verdict = "PASS" if ok else "FAIL"
    print(
        f"mediathek_index: index {index_s:.1f} s, {rss_mb:.0f} MB, "
        f"diff {diff_s:.2f} s, search p95 {search_p95 * 1000:.1f} ms, "
        f"stall {stall * 1000:.0f} ms (goal <={INDEX_GOAL:.0f} s, <={RSS_GOAL_MB} MB, "
        f"<={DIFF_GOAL:.0f} s, <={SEARCH_GOAL * 1000:.0f} ms, <={STALL_GOAL * 1000:.0f} ms) "
        f"{verdict}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
