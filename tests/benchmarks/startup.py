"""Cold start: a fresh process to a shown window, and to an idle event loop.

Goals (../shared/BRIEF.md, "Scale", tightened by issue 17): cold start to a shown window <= 1 s
on an empty profile and <= 1.5 s with 5,000 series and 100,000 queue rows, with no event-loop
stall over 100 ms, <= 400 MB RSS. This script holds the loop becoming idle to the same figure
per profile, since the window is not usable before its queue is in the table.

How: each start is a fresh interpreter running the real entry point, ``app.main(["--profile",
DIR])``, as the ``aniworld-desktop`` command does: logging, settings, the single-instance claim,
QApplication, qasync's loop, the services, ``MainWindow``, the tray, ``show()``. The app is not
changed; two of its names are wrapped for the measurement: ``qtapp.MainWindow`` (to start a
1 ms ticker when its frame is built, the loop's first work, and to see it shown) and
``qtapp.open_services`` (to see the services open, behind the shown frame). The clock starts in the parent just before it spawns the child, so interpreter start-up
and imports count, as a user sees them.

* *shown*: the first paint of a widget (an application-wide event filter, as in
  ui_responsiveness.py), when the loop gets back after it;
* *idle*: the start of the first ``--quiet`` seconds (0.25) in which the start-up work is done
  (the queue is in the table, no task of the window runs: the library list and the disk check
  at start) and the loop answers every 1 ms tick within ``--late`` ms (16: one frame at 60 Hz).
  The big profile resumes eight downloads at start-up (its pending rows point at files served
  on 127.0.0.1, as in ui_responsiveness.py), so "idle" is "caught up while downloads run".
  The window loads the rows still to do or failed and the latest finished ones
  (``main_window.QUEUE_DONE_ROWS``); the profile's other finished rows stay in SQLite until the
  queue's "Show Them". The report says how many rows were in the table;
* *stall*: the longest lateness of the ticker from the loop's start until idle.

Each round also starts, for information, the brief's stack without the app
(:data:`STACK_REFERENCE`: Qt shows a label, SQLAlchemy's async engine reads a new SQLite file,
an aiohttp session opens), timed the same way: the floor under the app's own start-up.

The child then quits through the window's own Quit path and exits; the parent checks the exit
code. Each profile starts ``--repeats`` times (5), interleaved, after one untimed warm-up start
(bytecode, page cache); the figures are medians. Every empty start gets a new folder, so it is a
first start (the database is created); the big profile is the same folder every time, a
restart. The big profile is built by ``ui_responsiveness.build_profile`` (Core bulk inserts,
not timed).

Run: .venv/bin/python tests/benchmarks/startup.py [--repeats 5] [--rows 100000]
The last line is the verdict: ``startup: shown E s / B s, idle E s / B s, stall S ms, RSS M MB
(goal ...) PASS`` or ``FAIL`` (E: empty profile, B: big profile).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

# Taken before any heavy import: where the child's own script starts.
_T_TOP_WALL = time.time()

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

GOAL_EMPTY_S = 1.0
GOAL_BIG_S = 1.5  # issue 17: shown and idle with 5,000 series and 100,000 rows
GOAL_STALL_MS = 100.0
GOAL_RSS_MB = 400
DOWNLOADS = 8  # files served for the big profile's pending rows
TICK_S = 0.001
PAINT_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 20.0  # after the first paint; past it the run counts as never idle
CHILD_TIMEOUT_S = 90.0
RESULT_PREFIX = "RESULT "
STALL_NOTE_MS = 50.0  # ticks this late are listed with when they happened (the worst three)
STACK_REFERENCE = """
import asyncio, json, sys, time
t0 = float(sys.argv[1])
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("Opening the library")
label.show()
app.processEvents()
shown = time.time() - t0
import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
async def ready():
    engine = create_async_engine("sqlite+aiosqlite:///" + sys.argv[2])
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
    async with aiohttp.ClientSession():
        pass
    await engine.dispose()
asyncio.run(ready())
print(json.dumps({"shown": shown, "ready": time.time() - t0}))
"""
"""The brief's stack alone, no app: Qt shows a label, then SQLAlchemy's async engine reads a
new SQLite file and an aiohttp session opens (argv: the parent's clock, the file). Its times are
the floor the app's own start-up stands on, measured in the same run."""
# Marks, in the order a start passes them; each is seconds since the parent spawned the child.
MARKS = [
    ("script", "interpreter up (child script's first line)"),
    ("imported", "app and window modules imported"),
    ("loop", "event loop running, window's frame built"),
    ("show", "show() called"),
    ("shown", "first paint done: SHOWN"),
    ("services_open", "services open (database, downloads)"),
    ("queue_loaded", "queue rows in the table (first tick to see it)"),
    ("work_done", "start-up work done (first tick to see it)"),
    ("last_late", "last tick later than --late before idle"),
    ("idle", "start-up work done, loop on time: IDLE"),
]


# --------------------------------------------------------------------------- child


def rss_mb() -> int:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


class StartProbe:
    """Watches one start: marks, the 1 ms ticker (stalls, idle) and the first paint."""

    def __init__(self, t0: float, *, quiet_s: float, late_s: float) -> None:
        self.t0 = t0
        self.quiet_s = quiet_s
        self.late_s = late_s
        self.marks: dict[str, float] = {"script": _T_TOP_WALL - t0}
        self.max_late = 0.0
        self.stalls: list[tuple[float, float]] = []  # (ms late, s since spawn) over STALL_NOTE_MS
        self.window: Any = None
        self.painted = asyncio.Event()
        self.idle = asyncio.Event()
        self.ticker: asyncio.Task[None] | None = None
        self.finisher: asyncio.Task[None] | None = None
        self.tasks_seen: dict[str, float] = {}  # a window task's name: last seen running
        self.first_paint = ""

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.time() - self.t0)

    def start(self) -> None:
        """On the running loop, as soon as it runs (the services are about to open)."""
        if self.ticker is not None:
            return
        self.mark("loop")
        self.ticker = asyncio.get_running_loop().create_task(self._tick())

    def _ready(self) -> bool:
        """The start-up work is done: the queue is in the table, no window task runs."""
        window = self.window
        if window is None or not getattr(window, "queue_loaded", True):
            return False
        self.mark("queue_loaded")
        # The window's tasks: the library list, the disk check. (Read from its TaskRunner: the
        # window has no ``_tasks`` of its own, which this looked for until issue 17's cut.)
        tasks = getattr(getattr(window, "tasks", None), "_tasks", ())
        if tasks and "idle" not in self.marks:
            now = time.time() - self.t0
            for task in tasks:
                self.tasks_seen[task.get_name()] = now
        return not tasks

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        quiet_since: float | None = None
        while not self.idle.is_set():
            expected = loop.time() + TICK_S
            await asyncio.sleep(TICK_S)
            late = max(0.0, loop.time() - expected)
            self.max_late = max(self.max_late, late)
            if late * 1000 > STALL_NOTE_MS and "idle" not in self.marks:
                self.stalls.append((late * 1000, time.time() - self.t0))
            ready = self._ready()
            if "shown" not in self.marks:
                continue
            now = time.time()
            if ready:
                self.mark("work_done")
            if late > self.late_s:
                self.marks["last_late"] = now - self.t0
            if late > self.late_s or not ready:
                quiet_since = None
                continue
            if quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= self.quiet_s:
                self.marks["idle"] = quiet_since - self.t0
                self.idle.set()

    async def finish(self) -> None:
        """Wait for shown and idle, report, and quit the way the window's Quit does."""
        window = self.window
        try:
            await asyncio.wait_for(self.painted.wait(), timeout=PAINT_TIMEOUT_S)
        except TimeoutError:
            pass  # never painted: no "shown" mark, the parent reports it
        else:
            self.mark("shown")
        rss_shown = rss_mb()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle.wait(), timeout=IDLE_TIMEOUT_S)
        if self.ticker is not None:
            self.ticker.cancel()
            await asyncio.gather(self.ticker, return_exceptions=True)
        result = {
            "marks": self.marks,
            "stall_ms": self.max_late * 1000,
            "rss_shown_mb": rss_shown,
            "rss_idle_mb": rss_mb(),
            "queue_rows": window.queue_pane.model.rowCount() if window.services_open else 0,
            # Finished rows the start left in the database (the window's done_limit).
            "earlier_rows": (
                window.services.downloads.earlier().total() if window.services_open else 0
            ),
            "series_rows": (
                window.library_pane.series_model.rowCount() if window.services_open else 0
            ),
            "first_paint": self.first_paint,
            "tasks_seen": self.tasks_seen,
            "stalls": sorted(self.stalls, reverse=True)[:3],
        }
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        window.quitRequested.emit()


def child(args: argparse.Namespace) -> int:
    """One cold start of the real entry point, instrumented from outside."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from aniworld_desktop import app
    from aniworld_desktop.ui import qtapp

    probe = StartProbe(args.t0, quiet_s=args.quiet, late_s=args.late / 1000)
    probe.mark("imported")

    class FirstPaint(QObject):
        """Sets ``probe.painted`` at the first paint event of any widget."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not probe.painted.is_set():
                probe.first_paint = type(watched).__name__
                probe.painted.set()
                QApplication.instance().removeEventFilter(self)
            return False

    painter = FirstPaint()
    real_open_services = qtapp.open_services

    @contextlib.asynccontextmanager
    async def open_services(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        probe.start()
        async with real_open_services(*args, **kwargs) as services:
            probe.mark("services_open")
            yield services

    class Window(qtapp.MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            probe.start()  # the window's frame is built on the running loop
            super().__init__(*args, **kwargs)
            probe.window = self

        def show(self) -> None:
            if "show" not in probe.marks:
                probe.mark("show")
                QApplication.instance().installEventFilter(painter)
                probe.finisher = asyncio.get_running_loop().create_task(probe.finish())
            super().show()

    qtapp.open_services = open_services
    qtapp.MainWindow = Window
    return app.main(["--profile", args.profile])


# --------------------------------------------------------------------------- parent


def run_child(profile: Path, args: argparse.Namespace, tree: Path = REPO) -> dict[str, Any]:
    """Start the app once on ``profile`` in a fresh interpreter; what it measured.

    ``tree``: the checkout whose app (and whose copy of this script) starts: another one for
    ``--against``.
    """
    script = tree / "tests" / "benchmarks" / Path(__file__).name
    command = [sys.executable, str(script), "--child", "--profile", str(profile)]
    command += ["--quiet", str(args.quiet), "--late", str(args.late)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(tree))
    # The warm-up start writes the bytecode an installed app has (pip compiles it; an editable
    # install writes it at its first start): a shell that forbids writing it would have every
    # start compile the app's modules again (0.15-0.2 s measured).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command += ["--t0", repr(time.time())]  # last, so the clock starts right before spawning
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    exit_code: int | str
    try:
        stdout, stderr = proc.communicate(timeout=CHILD_TIMEOUT_S)
        exit_code = proc.returncode
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        exit_code = f"killed after {CHILD_TIMEOUT_S:.0f} s"  # measured, then hung on the way out
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            result["exit_code"] = exit_code
            result["stderr"] = stderr.strip().splitlines()[-3:]
            return result
    reason = (stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"the app reported nothing (exit {exit_code}): {reason}")


def run_stack_reference(folder: Path) -> dict[str, float]:
    """:data:`STACK_REFERENCE` once in a fresh interpreter, timed like an app start."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / f"reference-{time.monotonic_ns()}.sqlite3"
    command = [sys.executable, "-c", STACK_REFERENCE]
    done = subprocess.run(
        [*command, repr(time.time()), str(database)],
        capture_output=True,
        text=True,
        env=env,
        timeout=CHILD_TIMEOUT_S,
        check=True,
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _median_mark(runs: list[dict[str, Any]], mark: str) -> float | None:
    """The median over the runs; a run that never reached the mark counts as infinitely late."""
    median = statistics.median(run["marks"].get(mark, float("inf")) for run in runs)
    return None if median == float("inf") else median


def _seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f} s"


def report(
    empty: list[dict[str, Any]],
    big: list[dict[str, Any]],
    references: list[dict[str, float]] | None = None,
) -> int:
    for label, runs in (("empty", empty), ("big", big)):
        print(f"start-up marks, {label} profile (median of {len(runs)}; s since spawn):")
        for mark, text in MARKS:
            value = _median_mark(runs, mark)
            spread = [f"{r['marks'][mark]:.2f}" if mark in r["marks"] else "-" for r in runs]
            print(f"  {text:<50} {_seconds(value):>8}   [{' '.join(spread)}]")
    shown = {k: _median_mark(runs, "shown") for k, runs in (("empty", empty), ("big", big))}
    idle = {k: _median_mark(runs, "idle") for k, runs in (("empty", empty), ("big", big))}
    stall = statistics.median(r["stall_ms"] for r in empty + big)
    worst_stall = max(r["stall_ms"] for r in empty + big)
    rss = int(max(statistics.median(r["rss_idle_mb"] for r in runs) for runs in (empty, big)))
    exits = sorted({r["exit_code"] for r in empty + big})
    goals = {"empty": GOAL_EMPTY_S, "big": GOAL_BIG_S}

    def within(value: float | None, goal: float) -> bool:
        return value is not None and value <= goal

    stored = big[0]["queue_rows"] + big[0].get("earlier_rows", 0)
    big_rows = f"{stored} queue rows ({big[0]['queue_rows']} in the table)"
    rows: list[tuple[str, str, str, bool | None]] = [
        ("shown, empty profile", _seconds(shown["empty"]), f"<= {GOAL_EMPTY_S} s",
         within(shown["empty"], GOAL_EMPTY_S)),
        (f"shown, {big_rows}", _seconds(shown["big"]), f"<= {GOAL_BIG_S} s",
         within(shown["big"], GOAL_BIG_S)),
        ("idle loop, empty profile", _seconds(idle["empty"]), f"<= {GOAL_EMPTY_S} s",
         within(idle["empty"], GOAL_EMPTY_S)),
        (f"idle loop, {big_rows}", _seconds(idle["big"]),
         f"<= {GOAL_BIG_S} s", within(idle["big"], GOAL_BIG_S)),
        ("longest stall until idle (median)", f"{stall:.0f} ms", f"<= {GOAL_STALL_MS:.0f} ms",
         stall <= GOAL_STALL_MS),
        ("longest stall until idle (worst run)", f"{worst_stall:.0f} ms", "(info)", None),
        ("RSS when idle (median, bigger profile)", f"{rss} MB", f"<= {GOAL_RSS_MB} MB",
         rss <= GOAL_RSS_MB),
        ("exit codes after Quit", ", ".join(map(str, exits)), "0", exits == [0]),
    ]  # fmt: skip
    if references:
        for key, what in (("shown", "shown"), ("ready", "database and HTTP ready")):
            value = statistics.median(r[key] for r in references)
            rows.append((f"stack alone (no app): {what}", f"{value:.2f} s", "(info)", None))
    print(f"{'figure':<40} {'value':>10}  {'goal':<10} verdict")
    for name, value, goal, ok in rows:
        verdict = "-" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{name:<40} {value:>10}  {goal:<10} {verdict}")
    print(f"first paint seen on: {sorted({r['first_paint'] for r in empty + big})}")
    for label, runs in (("empty", empty), ("big", big)):
        names = sorted({name for run in runs for name in run["tasks_seen"]})
        last = {
            n: statistics.median(r["tasks_seen"][n] for r in runs if n in r["tasks_seen"])
            for n in names
        }
        print(
            f"window tasks at start-up, {label} profile, last seen running (median s): "
            + (", ".join(f"{n!r} {t:.2f}" for n, t in last.items()) or "none")
        )
    for label, runs in (("empty", empty), ("big", big)):
        worst = [
            f"{late:.0f} ms at {when:.2f} s" for run in runs for late, when in run.get("stalls", [])
        ]
        print(f"worst stalls, {label} profile (3 per start): {', '.join(worst) or 'none'}")
    for run in empty + big:
        if run["exit_code"] != 0:
            print(f"  exit {run['exit_code']}: {' | '.join(run['stderr'])[:300]}")
    ok = all(r[3] for r in rows if r[3] is not None)

    def pair(values: dict[str, float | None]) -> str:
        return " / ".join("never" if v is None else f"{v:.2f}" for v in values.values()) + " s"

    print(
        f"startup: shown {pair(shown)}, idle {pair(idle)}, stall {stall:.0f} ms, RSS {rss} MB "
        f"(goal <={goals['empty']:g} s / <={goals['big']:g} s each, <={GOAL_STALL_MS:.0f} ms, "
        f"<={GOAL_RSS_MB} MB) {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


def parent(args: argparse.Namespace) -> int:
    import ui_responsiveness as ui  # the big profile, its served files and its settings

    with tempfile.TemporaryDirectory(prefix="startup-bench-", ignore_cleanup_errors=True) as tmp:
        root = Path(tmp)
        served = root / "served"
        served.mkdir()
        names = [f"big-{k}.bin" for k in range(DOWNLOADS)]
        for name in names:
            ui.make_sparse(served / name, args.file_size)
        with ui.file_server(served) as port:
            urls = [f"http://127.0.0.1:{port}/media/{name}" for name in names]
            settings = {
                "max_downloads": DOWNLOADS,
                "max_downloads_per_host": DOWNLOADS,
                "library_dir": str(root / "library"),
            }
            big = root / "big"
            ui.write_settings(big, settings)
            built = time.perf_counter()
            counts = asyncio.run(
                ui.build_profile(
                    big,
                    series=args.series,
                    episodes=args.episodes,
                    queue_rows=args.rows,
                    media_urls=urls,
                )
            )
            print(
                f"profile: {counts['series']} series, {counts['episodes']} episodes, "
                f"{counts['queue_rows']} queue rows ({counts['pending']} pending, resumed from "
                f"127.0.0.1 at start-up), built in {time.perf_counter() - built:.1f} s (not timed)"
            )
            print(
                f"idle: start-up work done and every 1 ms tick within {args.late:.0f} ms for "
                f"{args.quiet:.2f} s; {args.repeats} starts per profile after one warm-up",
                flush=True,
            )

            def empty_profile(name: str) -> Path:
                profile = root / name
                ui.write_settings(profile, settings)
                return profile

            trees = [REPO] if args.against is None else [REPO, args.against.resolve()]
            for number, tree in enumerate(trees):  # bytecode and page cache, not counted
                run_child(empty_profile(f"warm-up-{number}"), args, tree)
            run_stack_reference(root / "reference")  # its bytecode too
            runs_of: dict[tuple[Path, str], list[dict[str, Any]]] = {}
            references: list[dict[str, float]] = []
            for repeat in range(1, args.repeats + 1):
                references.append(run_stack_reference(root / "reference"))
                # Against another checkout: each profile from both, the first one alternating.
                order = trees if repeat % 2 else trees[::-1]
                for label in ("empty", "big"):
                    for tree in order:
                        # Every empty start a first start: a folder of its own.
                        profile = (
                            big
                            if label == "big"
                            else empty_profile(f"empty-{repeat}-{trees.index(tree)}")
                        )
                        run = run_child(profile, args, tree)
                        runs_of.setdefault((tree, label), []).append(run)
                        marks = run["marks"]
                        where = "" if len(trees) == 1 else f" {'here' if tree == REPO else 'there'}"
                        print(
                            f"  start {repeat} {label:<5}{where} shown "
                            f"{_seconds(marks.get('shown')):>7}, idle "
                            f"{_seconds(marks.get('idle')):>7}, stall {run['stall_ms']:4.0f} ms, "
                            f"RSS {run['rss_idle_mb']} MB, exit {run['exit_code']}",
                            flush=True,
                        )
    if args.against is not None:
        compare(runs_of, trees)
    return report(runs_of[(REPO, "empty")], runs_of[(REPO, "big")], references)


def compare(runs_of: dict[tuple[Path, str], list[dict[str, Any]]], trees: list[Path]) -> None:
    """``--against``: the medians of both checkouts' starts, side by side (before the verdict,
    which stays this checkout's)."""
    print(f"against {trees[1]} (there), started alternately with this checkout (here):")
    for label in ("empty", "big"):
        for mark in ("shown", "services_open", "queue_loaded", "idle"):
            here, there = (_median_mark(runs_of[(tree, label)], mark) for tree in trees)
            change = "" if here is None or there is None else f"  ({here - there:+.2f} s)"
            print(
                f"  {label:<5} {mark:<14} here {_seconds(here):>8}, there {_seconds(there):>8}"
                + change
            )


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM from run_all's timeout or a CI job: unwind so the server stops and files go.
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="starts per profile (5)")
    parser.add_argument("--series", type=int, default=5_000)
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quiet", type=float, default=0.25, help="seconds of calm that is idle")
    parser.add_argument("--late", type=float, default=16.0, help="ms a tick may be late if idle")
    parser.add_argument("--file-size", type=int, default=16 << 30, help="bytes per served file")
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (a git worktree) whose app starts alternately with this one's, "
        "on the same profiles: both sets of medians are printed before the verdict (this one's)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.against is not None:
        other = args.against.resolve()
        if not (other / "tests" / "benchmarks" / "startup.py").is_file():
            parser.error(f"--against {args.against}: no checkout of the app there")
        if other == REPO:
            parser.error("--against names this checkout itself")
    signal.signal(signal.SIGTERM, _terminate)
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
