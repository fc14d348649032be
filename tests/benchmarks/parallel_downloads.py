"""Eight parallel downloads through the app's download path against eight parallel curls.

Goals (issue 17): eight parallel downloads at >= 0.95 x the pace of eight parallel ``curl``
processes each followed by an ``fsync`` of its file (the durable limit: the app must fsync every
file it finishes; plain curl leaves its files in the page cache and is printed for
information), for ``run-once`` and for the window, from the same server in the same run; and
at most 0.1 s from the last byte on disk to the last finished queue row (early writeback, not a
long fsync at the end).

How: eight files of random bytes (``--size-mib`` each, 256 by default: seconds of transfer, so
process start-up and the first requests are a small part of it) are served from one server
process on 127.0.0.1, nginx when installed, else the aiohttp sendfile server of
``tests/fault_server.py`` (``download_throughput.start_server``). Interleaved rounds of:

* ``curl``: eight ``curl -s -f -o FILE URL`` started together; wall time from the first spawn to
  the last exit; "curl + fsync", the reference, adds an fsync of the eight files afterwards, as
  the app does for each file it finishes;
* ``run-once``: a fresh process opens the app's services as the ``run-once`` command does
  (``services.open_services``: DownloadService over the SQLite queue, its ThreadedEngine, on the
  stdlib loop), with eight download slots, queues the eight episodes in one
  ``add_to_queue`` call, starts the workers and waits until the queue is idle;
* ``window``: the same inside the window's set-up (qasync's loop under a QApplication, the
  window's interpreter tuning, ``MainWindow`` shown offscreen, metadata following downloads,
  the downloads in a process of their own as the window runs them: its CPU counts too),
  the eight episodes queued while it runs.

The app's wall time runs from the ``add_to_queue`` call to the last download finished (its file
fsynced and renamed, its row saved); service start-up before that is not counted, as a user
queues episodes in a window already open. Every copy is checked against its source (size,
head, middle and tail), then deleted; the disk is synced between modes so one mode's writeback
does not slow the next. A ratio is curl + fsync's time over the app's *in the same round*
(higher is faster; the same bytes in each); the verdict takes each mode's best round, since a
round disturbed by another program's load says little about the code, and the median over the
rounds of the time from the last byte to the last finished row. Each worker also reports its
threads' CPU seconds (``/proc``), to show which thread is the limit.

Run: .venv/bin/python tests/benchmarks/parallel_downloads.py [--size-mib 256] [--rounds 3]
The last line is the verdict: ``parallel_downloads: run-once Rx, window Rx of 8 curl + fsync,
finish F s (goal >=0.95x, >=0.95x, <=0.1 s) PASS`` or ``FAIL``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import download_throughput as dt  # noqa: E402  (the server, file and check helpers)
import ui_responsiveness as ui  # noqa: E402  (the profile builder and the queue requests)

GOAL = 0.95  # x eight curl + fsync
GOAL_FINISH_S = 0.1  # from the last byte on disk to the last finished row
DOWNLOADS = 8
CURL = "curl"
SYNCED_CURL = "curl + fsync"
APP_MODES = ("run-once", "window")
WORKER_TIMEOUT_S = 600.0
RESULT_PREFIX = "RESULT "


# --------------------------------------------------------------------------- worker (subprocess)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def thread_cpu(pid: int | None = None, prefix: str = "") -> dict[str, float]:
    """CPU seconds of each thread of this process (or of process ``pid``, named ``prefix`` +
    the kernel's name of the thread) by name (Linux ``/proc``; {} elsewhere).

    Threads of one name (asyncio's to_thread workers) are added up.
    """
    import threading

    names = {t.native_id: t.name for t in threading.enumerate()} if pid is None else {}
    seconds: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tasks = list(Path(f"/proc/{pid or 'self'}/task").iterdir())
    except OSError:
        return seconds
    for task in tasks:
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            comm = (task / "comm").read_text().strip() if pid is not None else ""
        except OSError:
            continue  # it ended meanwhile
        name = comm or names.get(int(task.name), "other")
        # Numbered pools (Thread-3, asyncio_0) count as one.
        name = prefix + (name.split(" ")[0].rstrip("0123456789_-") or name)
        seconds[name] = seconds.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return seconds


async def _queue_and_wait(services: Any, size: int, *, start_workers: bool) -> dict[str, Any]:
    """Queue the benchmark series' episodes in one call and wait until all have finished."""
    from aniworld_desktop.core.status import DownloadStatus

    downloads = services.downloads
    requests = await ui.bench_requests(services)
    # The window's downloads run in a process of their own: started first (its start-up is not
    # counted, as this process's is not), its threads and CPU counted with ours.
    engine, child = services.engine, None
    if callable(getattr(engine, "start", None)):
        await engine.start()
        child = engine.pid

    def all_threads() -> dict[str, float]:
        return thread_cpu() | (thread_cpu(child, "download-process:") if child else {})

    threads0 = all_threads()
    cpu0, wall0 = _cpu_seconds(), time.perf_counter()
    child0 = dt.process_cpu(child)
    added = await downloads.add_to_queue(requests)
    if start_workers:
        downloads.start_workers()  # as run-once does once its queueing is done
    received = asyncio.get_running_loop().create_task(
        _all_bytes_in(services, [item.destination for item in added.added], size)
    )
    await downloads.wait_idle()
    wall, cpu = time.perf_counter() - wall0, _cpu_seconds() - cpu0
    threads1 = all_threads()
    if child:
        cpu += dt.process_cpu(child) - child0
    if not received.done():  # some download failed: its bytes will never all be there
        received.cancel()
        received = asyncio.get_running_loop().create_future()
        received.set_result(time.perf_counter())
    threads = {name: round(value - threads0.get(name, 0.0), 2) for name, value in threads1.items()}
    bytes_in = (await received) - wall0
    items = [downloads.get(item.id) for item in added.added]
    states = [item.status.value for item in items]
    failed = [f"{item.destination}: {item.error}" for item in items if item.error]
    if len(items) != len(requests) or any(i.status is not DownloadStatus.COMPLETED for i in items):
        raise RuntimeError(f"not every download completed: {states} {failed}")
    return {
        "wall": wall,
        "cpu": cpu,
        "bytes_in": bytes_in,
        "bytes": sum(item.bytes_done for item in items),
        "files": [item.destination for item in items],
        "threads": {name: value for name, value in threads.items() if value >= 0.05},
    }


async def _all_bytes_in(services: Any, destinations: list[str], size: int) -> float:
    """When every file had all its bytes on disk (before its fsync and rename): a 10 ms poll.

    The poll runs on the loop being measured (the window's under qasync, a Qt timer each time),
    so it is kept as coarse as the 0.1 s finish goal allows.

    Splits the app's time into receiving and finishing (fsync, rename, saving the row), so the
    report can say where a gap to curl comes from.
    """
    library = services.library_dir
    waiting = {library / d for d in destinations}
    while waiting:
        for destination in list(waiting):
            part = services.engine.part_path(destination)
            try:
                if destination.exists() or part.stat().st_size >= size:
                    waiting.discard(destination)
            except FileNotFoundError:
                pass
        if waiting:
            await asyncio.sleep(0.01)
    return time.perf_counter()


async def _run_once(paths: Any, settings: Any, size: int) -> dict[str, Any]:
    from aniworld_desktop.services import open_services

    # As the run-once command opens them: the workers start once the queue is filled.
    async with open_services(paths, settings, run_downloads=False) as services:
        return await _queue_and_wait(services, size, start_workers=True)


def _window(paths: Any, settings: Any, size: int) -> dict[str, Any]:
    import qasync
    from PySide6.QtWidgets import QApplication

    from aniworld_desktop.services import open_services
    from aniworld_desktop.ui.main_window import MainWindow
    from aniworld_desktop.ui.qtapp import tune_interpreter

    tune_interpreter()  # as run_window does
    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt_app, QApplication)
    qt_app.setQuitOnLastWindowClosed(False)

    async def main() -> dict[str, Any]:
        # As run_window's _main, without the tray and the scheduler's timer (switched off in
        # the profile's settings, so nothing else is queued meanwhile).
        async with open_services(paths, settings, download_process=True) as services:
            services.metadata.follow()
            window = MainWindow(services)
            window.show()
            await asyncio.sleep(0.5)  # shown, queue model loaded: the window is settled
            try:
                return await _queue_and_wait(services, size, start_workers=False)
            finally:
                window.hide()
                await window.aclose()

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qt_app)) as runner:
        return runner.run(main())


def worker(args: argparse.Namespace) -> int:
    from aniworld_desktop.config import ProfilePaths, load_settings

    paths = ProfilePaths.for_profile(Path(args.profile))
    settings = load_settings(paths)
    if args.worker == "run-once":
        figures = asyncio.run(_run_once(paths, settings, args.size))
    else:
        figures = _window(paths, settings, args.size)
    print(RESULT_PREFIX + json.dumps(figures), flush=True)
    return 0


# --------------------------------------------------------------------------- driver


def _run_curls(urls: list[str], outs: list[Path]) -> tuple[float, float, float]:
    """Eight curls at once: (wall until the last exits, the same plus an fsync of each, CPU)."""
    cpu0 = dt.children_cpu()
    started = time.perf_counter()
    procs = [
        subprocess.Popen(["curl", "-s", "-f", "-o", str(out), url])
        for url, out in zip(urls, outs, strict=True)
    ]
    codes = [proc.wait() for proc in procs]
    wall = time.perf_counter() - started
    if any(codes):
        raise RuntimeError(f"curl failed: exit codes {codes}")
    for out in outs:
        dt.fsync_file(out)
    return wall, time.perf_counter() - started, dt.children_cpu() - cpu0


def _run_app(mode: str, profile: Path, size: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", mode]
    command += ["--profile", str(profile), "--size", str(size)]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        proc = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=WORKER_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"the {mode} worker did not finish in {WORKER_TIMEOUT_S:.0f} s"
        ) from None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            figures: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return figures
    reason = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"the {mode} worker failed (exit {proc.returncode}): {reason}")


def _fresh_profile(template: Path, run_dir: Path) -> Path:
    """A copy of the template profile whose library is ``run_dir/library``."""
    profile = run_dir / "profile"
    shutil.copytree(template, profile)
    ui.write_settings(profile, _settings(run_dir / "library"))
    return profile


def _settings(library: Path) -> dict[str, Any]:
    return {
        "max_downloads": DOWNLOADS,
        "max_downloads_per_host": DOWNLOADS,
        "library_dir": str(library),
        "auto_download": False,  # nothing but the benchmark's own episodes gets queued
    }


def _check_library(library: Path, sources: dict[str, Path]) -> None:
    """Every served file arrived, byte-identical where it is checked; nothing else did."""
    found = {p.name: p for p in library.rglob("*.bin")}
    wanted = {f"big-{n}.bin": source for n, source in enumerate(sources.values(), start=1)}
    if set(found) != set(wanted):
        raise RuntimeError(f"expected {sorted(wanted)} in the library, found {sorted(found)}")
    for name, source in wanted.items():
        dt.check_copy(source, found[name])


def drive(args: argparse.Namespace) -> int:
    if not shutil.which("curl"):
        print("parallel_downloads: curl is not installed FAIL")
        return 1
    size = args.size_mib << 20
    total_mib = DOWNLOADS * args.size_mib
    work = Path(tempfile.mkdtemp(prefix="aniworld-parallel-"))
    server: subprocess.Popen[str] | None = None
    try:
        served = work / "served"
        served.mkdir()
        sources: dict[str, Path] = {}
        for n in range(1, DOWNLOADS + 1):
            source = served / f"file-{n}.bin"
            dt.make_file(source, size)
            sources[source.name] = source
        server, port, server_name = dt.start_server(served, work)
        urls = [f"http://127.0.0.1:{port}/media/{name}" for name in sources]
        template = work / "template"
        ui.write_settings(template, _settings(work / "library"))
        asyncio.run(ui.build_profile(template, series=0, episodes=0, queue_rows=0, media_urls=urls))
        print(
            f"files: {DOWNLOADS} x {args.size_mib} MiB = {total_mib} MiB, rounds: {args.rounds},"
            f" cpus: {os.cpu_count()}"
        )
        print(f"server: {server_name}")
        print(
            "reference: eight plain `curl -o FILE` at once (the app also fsyncs each file; "
            "curl + fsync is shown too)"
        )
        warm = [work / f"warm-{n}.bin" for n in range(DOWNLOADS)]
        _run_curls(urls, warm)  # the page cache and the server, warmed for everybody alike
        for path in warm:
            path.unlink()
        os.sync()

        walls: dict[str, list[float]] = {k: [] for k in (CURL, SYNCED_CURL, *APP_MODES)}
        cpus: dict[str, list[float]] = {k: [] for k in (CURL, *APP_MODES)}
        bytes_in: dict[str, list[float]] = {k: [] for k in APP_MODES}
        server_share: dict[str, list[float]] = {k: [] for k in (CURL, *APP_MODES)}
        for round_no in range(1, args.rounds + 1):
            for mode in (CURL, *APP_MODES):
                run_dir = work / f"run-{round_no}-{mode}"
                run_dir.mkdir()
                server_cpu0 = dt.process_cpu(server.pid)
                threads: dict[str, float] = {}
                if mode == CURL:
                    outs = [run_dir / f"big-{n}.bin" for n in range(1, DOWNLOADS + 1)]
                    wall, synced, cpu = _run_curls(urls, outs)
                    walls[SYNCED_CURL].append(synced)
                    _check_library(run_dir, sources)
                else:
                    figures = _run_app(mode, _fresh_profile(template, run_dir), size)
                    bytes_in[mode].append(figures["bytes_in"])
                    wall, cpu = figures["wall"], figures["cpu"]
                    threads = figures.get("threads", {})
                    if figures["bytes"] != DOWNLOADS * size:
                        raise RuntimeError(
                            f"{mode}: {figures['bytes']} bytes, not {DOWNLOADS * size}"
                        )
                    _check_library(run_dir / "library", sources)
                walls[mode].append(wall)
                # Its share of a core over the whole run of this mode (a bound on its load).
                server_share[mode].append((dt.process_cpu(server.pid) - server_cpu0) / wall)
                cpus[mode].append(cpu)
                shutil.rmtree(run_dir)
                os.sync()  # this mode's writeback is not the next one's burden
                busiest = ""
                if mode != CURL and threads:
                    busiest = "  threads: " + ", ".join(
                        f"{name} {value:.2f}"
                        for name, value in sorted(threads.items(), key=lambda kv: -kv[1])[:4]
                    )
                print(
                    f"  round {round_no} {mode:<9} {wall:7.3f} s {total_mib / wall:8.0f} MiB/s "
                    f"aggregate  {cpu:6.2f} CPU-s{busiest}",
                    flush=True,
                )
        shares = {k: statistics.median(v) for k, v in server_share.items()}
        busiest = max(shares.values())
        print(
            "server CPU while serving (median share of one core): "
            + ", ".join(f"{k} {v * 100:.0f} %" for k, v in shares.items())
            + (
                " (far from a whole core: not the bottleneck)"
                if busiest < 0.5
                else " (WARNING: the server may be the bottleneck)"
            )
        )
        return report(walls, cpus, bytes_in, total_mib)
    finally:
        if server is not None:
            dt.stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


def report(
    walls: dict[str, list[float]],
    cpus: dict[str, list[float]],
    bytes_in: dict[str, list[float]],
    total_mib: int,
) -> int:
    wall = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    gib = total_mib / 1024
    print()
    print(
        f"{'mode':<13} {'wall s':>8} {'MiB/s':>8} {'CPU-s/GiB':>9} {'vs curl+fsync':>13}"
        f" {'vs curl':>8}  (medians)"
    )
    for mode in (SYNCED_CURL, CURL, *APP_MODES):
        cpu_text = f"{cpu[mode] / gib:9.2f}" if mode in cpu else f"{'':9}"
        print(
            f"{mode:<13} {wall[mode]:8.3f} {total_mib / wall[mode]:8.0f} {cpu_text} "
            f"{wall[SYNCED_CURL] / wall[mode]:12.2f}x {wall[CURL] / wall[mode]:7.2f}x"
        )
    finish = {
        mode: statistics.median(w - b for w, b in zip(walls[mode], bytes_in[mode], strict=True))
        for mode in APP_MODES
    }
    for mode in APP_MODES:
        received = statistics.median(bytes_in[mode])
        print(
            f"{mode}: all bytes on disk after {received:.3f} s ({wall[CURL] / received:.2f}x curl),"
            f" then {finish[mode]:.3f} s to finish (fsync, rename, queue row saved)"
        )

    def best(mode: str, reference: str) -> float:
        """The best round's ratio: reference over ``mode``, both measured in that round."""
        pairs = zip(walls[reference], walls[mode], strict=True)
        return max(ref / app for ref, app in pairs)

    ratios = {mode: best(mode, SYNCED_CURL) for mode in APP_MODES}
    print(
        "for information, against plain curl (best round): "
        + ", ".join(f"{mode} {best(mode, CURL):.2f}x" for mode in APP_MODES)
    )
    slowest_finish = max(finish.values())
    ok = all(ratio >= GOAL for ratio in ratios.values()) and slowest_finish <= GOAL_FINISH_S
    print(
        f"parallel_downloads: run-once {ratios['run-once']:.2f}x, window {ratios['window']:.2f}x"
        f" of {DOWNLOADS} curl + fsync, finish {slowest_finish:.3f} s (goal >={GOAL}x, "
        f">={GOAL}x, <={GOAL_FINISH_S} s) {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM from run_all's timeout or a CI job: unwind so the server stops and files go.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=256, help="each of the 8 files (256)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--worker", choices=APP_MODES, help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    signal.signal(signal.SIGTERM, _terminate)
    return drive(args)


if __name__ == "__main__":
    sys.exit(main())
