"""Download throughput of the app's download path against curl, on the stdlib and qasync loops.

Serves one file from a separate server process on 127.0.0.1 (nginx when installed, else the
aiohttp sendfile server of ``tests/fault_server.py``), then runs interleaved rounds of: curl; the
paths the app uses, built as ``services.open_services`` builds them: :class:`ThreadedEngine` (the
engine on an event loop of its own thread) called from the stdlib asyncio loop (``run-once``), and
:class:`ProcessEngine` (the engine in a process of its own, nice 5) called from qasync's
QEventLoop under a QApplication with the window's interpreter tuning (the window); and,
for information, the bare :class:`DownloadEngine` on each of those loops, with direct writes and
with its writer thread. Each download runs in a fresh subprocess.

The reference is ``curl -o FILE`` followed by an ``fsync`` of its output (issue 17): the engine
fsyncs the finished file, as a library that must survive a power cut has to, so the durable
write is the limit to compare with; plain curl, which leaves its file in the page cache, is
printed too, for information. Engine wall and CPU time are measured inside the worker around
the download, once the engine is up (interpreter start-up and imports excluded, the download
process's too; its CPU time is read from ``/proc`` and added). The disk is synced between runs, so
one run's writeback is not the next one's burden.

The last line is the verdict: ``download_throughput: run-once Rx, window Rx of curl + fsync,
C CPU-s/GiB (goal >=1.0x, >=1.0x, <=1.0) PASS|FAIL``. Each round measures curl and the app
modes one after the other, and a ratio is curl + fsync's time over the app's *in the same
round*; the verdict takes the best round of each (a round disturbed by another program's load
says little about the code), and CPU-s/GiB is the lower of the rounds of the worse mode. The
modes are the configuration the app uses (``ThreadedEngine``, called from the stdlib loop for
``run-once`` and from qasync's loop for the window); ``--all-modes`` adds the bare engine.

Run: .venv/bin/python tests/benchmarks/download_throughput.py [--size-mib 2048] [--rounds 3]
``parallel_downloads.py`` reuses this script's server, file and check helpers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GOAL_HEADLESS = 1.0  # x curl + fsync
GOAL_QASYNC = 1.0  # x curl + fsync
GOAL_CPU_PER_GIB = 1.0
FILE_NAME = "payload.bin"
# (label, loop, engine). Engines: "app" is ThreadedEngine over DownloadEngine as
# services.open_services builds it (writes on the download thread itself); "writer" and "direct" are
# the bare DownloadEngine on the caller's loop, with and without its writer thread.
APP_MODES = [
    ("app run-once", "stdlib", "app"),
    ("app window", "qasync", "app"),
]
ENGINE_MODES = [
    *APP_MODES,
    ("engine std+wthr", "stdlib", "writer"),
    ("engine std", "stdlib", "direct"),
    ("engine qasync+wt", "qasync", "writer"),
    ("engine qasync", "qasync", "direct"),
]
CURL = "curl"
SYNCED_CURL = "curl + fsync"
VERDICT_HEADLESS = "app run-once"
VERDICT_QASYNC = "app window"


@dataclass
class Sample:
    """One measured download."""

    wall: float
    cpu: float


# --- workers (run in a subprocess) -----------------------------------------------------------


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def app_engine_factory() -> Any:
    """What ``services.open_services`` hands to ThreadedEngine, with the default settings."""
    import functools

    from aniworld_desktop.config import Settings
    from aniworld_desktop.downloads.engine import DownloadEngine
    from aniworld_desktop.downloads.throttle import SpeedLimiter

    settings = Settings()
    return functools.partial(
        DownloadEngine,
        stall_timeout=settings.stall_timeout,
        min_speed=settings.min_speed,
        min_speed_time=settings.min_speed_time,
        min_free_disk=settings.min_free_disk,
        limiter=SpeedLimiter(settings.speed_limit),
        write_in_thread=True,  # the process's one writer thread, with early writeback
    )


def process_cpu(pid: int | None) -> float:
    """CPU seconds of process ``pid`` so far (Linux's /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _download(url: str, out: Path, engine_kind: str, window: bool) -> dict[str, float]:
    from aniworld_desktop.desktop.scheduling import helper_steps
    from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
    from aniworld_desktop.downloads.process import ProcessEngine, process_available
    from aniworld_desktop.downloads.thread import ThreadedEngine

    engine: Any
    if engine_kind == "app" and window and process_available():
        # As the window's services build it: the engine in a process of its own.
        options = {k: v for k, v in app_engine_factory().keywords.items() if k != "limiter"}
        engine = ProcessEngine(options, nice=helper_steps())
    elif engine_kind == "app":
        engine = ThreadedEngine(app_engine_factory())
    else:
        engine = DownloadEngine(write_in_thread=engine_kind == "writer")
    async with engine:
        # A download process counts from when it is up, as this process counts from after its
        # imports; its CPU is read from /proc before it exits.
        pid = None
        if isinstance(engine, ProcessEngine):
            await engine.start()
            pid = engine.pid
        cpu0, wall0 = _cpu_seconds() + process_cpu(pid), time.perf_counter()
        result = await engine.download(DownloadRequest(url=url, destination=out))
        wall, cpu = time.perf_counter() - wall0, _cpu_seconds() + process_cpu(pid) - cpu0
    return {"wall": wall, "cpu": cpu, "size": result.size}


def _worker(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(REPO))
    out = Path(args.out)
    if args.worker == "stdlib":
        import asyncio

        figures = asyncio.run(_download(args.url, out, args.engine, window=False))
    else:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        import asyncio

        import qasync
        from PySide6.QtWidgets import QApplication

        if args.engine == "app":
            from aniworld_desktop.ui.qtapp import tune_interpreter

            tune_interpreter()  # as run_window does: the window's GIL switch interval
        app = QApplication([])
        # As run_window starts its loop.
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            figures = runner.run(_download(args.url, out, args.engine, window=True))
    print(json.dumps(figures), flush=True)
    return 0


# --- the driver ------------------------------------------------------------------------------


def make_file(path: Path, size: int) -> None:
    block = 16 << 20
    with open(path, "wb") as file:
        left = size
        while left > 0:
            step = min(block, left)
            file.write(os.urandom(step))
            left -= step


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(root: Path, work: Path) -> tuple[subprocess.Popen[str], int, str]:
    """Serve ``root`` as ``/media/`` from a process of its own; return it, its port, its name.

    nginx when installed (config and pid in ``work``), else ``tests/fault_server.py`` (aiohttp,
    sendfile). Stop it with :func:`stop_server`.
    """
    nginx = shutil.which("nginx")
    if nginx:
        port = free_port()
        conf = work / "nginx.conf"
        # Started as root, nginx's worker would be "nobody", who cannot read our private temp
        # folder (curl got 403): then it stays root, as the user who started it.
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(
            f"""
daemon off;
{user}
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {work}/nginx-body;
    proxy_temp_path {work}/nginx-proxy;
    fastcgi_temp_path {work}/nginx-fastcgi;
    uwsgi_temp_path {work}/nginx-uwsgi;
    scgi_temp_path {work}/nginx-scgi;
    server {{
        listen 127.0.0.1:{port};
        location /media/ {{ alias {root}/; }}
    }}
}}
"""
        )
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(work)], text=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return proc, port, f"nginx ({nginx})"
            time.sleep(0.05)
        proc.terminate()
        raise RuntimeError("nginx did not start")
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "tests" / "fault_server.py"), "--root", str(root)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip():
        proc.terminate()
        raise RuntimeError("the aiohttp server did not start")
    return proc, int(line), "aiohttp FileResponse/sendfile (tests/fault_server.py), no nginx"


def stop_server(server: subprocess.Popen[str]) -> None:
    """SIGTERM, then SIGKILL after 10 s."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_curl(url: str, out: Path) -> tuple[Sample, Sample]:
    """Return curl's figures without and with an fsync of its output."""
    cpu0, wall0 = children_cpu(), time.perf_counter()
    subprocess.run(["curl", "-s", "-f", "-o", str(out), url], check=True)
    bare = Sample(wall=time.perf_counter() - wall0, cpu=children_cpu() - cpu0)
    fsync_file(out)
    return bare, Sample(wall=time.perf_counter() - wall0, cpu=bare.cpu)


def _run_engine(url: str, out: Path, loop: str, engine: str) -> Sample:
    command = [sys.executable, __file__, "--worker", loop, "--url", url, "--out", str(out)]
    command += ["--engine", engine]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    return Sample(wall=figures["wall"], cpu=figures["cpu"])


def check_copy(source: Path, out: Path) -> None:
    size = source.stat().st_size
    if out.stat().st_size != size:
        raise RuntimeError(f"{out} has {out.stat().st_size} bytes, expected {size}")
    # Head, middle and tail are enough to catch a misplaced resume or a truncation.
    with open(source, "rb") as a, open(out, "rb") as b:
        for offset in (0, size // 2, max(0, size - (1 << 20))):
            a.seek(offset)
            b.seek(offset)
            if a.read(1 << 20) != b.read(1 << 20):
                raise RuntimeError(f"{out} differs from the source near byte {offset}")


def _drive(args: argparse.Namespace) -> int:
    if not shutil.which("curl"):
        print("download_throughput: curl is not installed FAIL")
        return 1
    size = args.size_mib << 20
    gib = size / (1 << 30)
    work = Path(tempfile.mkdtemp(prefix="aniworld-bench-"))
    server: subprocess.Popen[str] | None = None
    try:
        root = work / "served"
        root.mkdir()
        source = root / FILE_NAME
        make_file(source, size)
        server, port, server_name = start_server(root, work)
        url = f"http://127.0.0.1:{port}/media/{FILE_NAME}"
        print(f"file: {args.size_mib} MiB, rounds: {args.rounds}, cpus: {os.cpu_count()}")
        print(f"server: {server_name}")
        print("reference: plain curl -o FILE (the engine also fsyncs; curl + fsync is shown too)")
        warm = work / "warm.bin"
        _run_curl(url, warm)  # the page cache and the server, warmed for everybody alike
        warm.unlink()

        modes = ENGINE_MODES if args.all_modes else APP_MODES
        labels = [CURL, *(label for label, _, _ in modes)]
        samples: dict[str, list[Sample]] = {label: [] for label in [*labels, SYNCED_CURL]}
        for round_no in range(1, args.rounds + 1):
            for label in labels:
                out = work / f"{label}.bin"
                if label == CURL:
                    sample, synced = _run_curl(url, out)
                    samples[SYNCED_CURL].append(synced)
                else:
                    _, loop, engine = next(m for m in modes if m[0] == label)
                    sample = _run_engine(url, out, loop, engine)
                check_copy(source, out)
                out.unlink()
                os.sync()
                samples[label].append(sample)
                print(
                    f"  round {round_no} {label:<16} {sample.wall:7.3f} s "
                    f"{args.size_mib / sample.wall:8.0f} MiB/s  {sample.cpu:6.3f} CPU-s",
                    flush=True,
                )

        wall = {k: statistics.median(s.wall for s in v) for k, v in samples.items()}
        cpu = {k: statistics.median(s.cpu for s in v) for k, v in samples.items()}
        print()
        print(
            f"{'mode':<16} {'wall s':>8} {'MiB/s':>8} {'CPU-s':>7} {'CPU-s/GiB':>9}"
            f" {'vs curl+fsync':>13} {'vs curl':>8}  (medians)"
        )
        for label in [SYNCED_CURL, *labels]:
            print(
                f"{label:<16} {wall[label]:8.3f} {args.size_mib / wall[label]:8.0f} "
                f"{cpu[label]:7.3f} {cpu[label] / gib:9.2f} "
                f"{wall[SYNCED_CURL] / wall[label]:12.2f}x {wall[CURL] / wall[label]:7.2f}x"
            )

        def best(label: str, reference: str) -> float:
            """The best round's ratio: reference over ``label``, both of that round."""
            pairs = zip(samples[reference], samples[label], strict=True)
            return max(ref.wall / app.wall for ref, app in pairs)

        headless = best(VERDICT_HEADLESS, SYNCED_CURL)
        qasync = best(VERDICT_QASYNC, SYNCED_CURL)
        cpu_per_gib = (
            max(min(s.cpu for s in samples[m]) for m in (VERDICT_HEADLESS, VERDICT_QASYNC)) / gib
        )
        passed = (
            headless >= GOAL_HEADLESS and qasync >= GOAL_QASYNC and cpu_per_gib <= GOAL_CPU_PER_GIB
        )
        print(
            f"(verdict modes: {VERDICT_HEADLESS} and {VERDICT_QASYNC}; each ratio within one "
            f"round, the best of {args.rounds} rounds)"
        )
        print(
            f"for information, against plain curl (best round): "
            f"run-once {best(VERDICT_HEADLESS, CURL):.2f}x,"
            f" window {best(VERDICT_QASYNC, CURL):.2f}x"
        )
        print(
            f"download_throughput: run-once {headless:.2f}x, window {qasync:.2f}x of curl + fsync, "
            f"{cpu_per_gib:.2f} CPU-s/GiB (goal >={GOAL_HEADLESS}x, >={GOAL_QASYNC}x, "
            f"<={GOAL_CPU_PER_GIB}) {'PASS' if passed else 'FAIL'}"
        )
        return 0 if passed else 1
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM from run_all's timeout or a CI job: unwind so the server stops and the files go.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, or one worker download when called with ``--worker``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mib", type=int, default=2048, help="file size (default 2048)")
    parser.add_argument(
        "--all-modes", action="store_true", help="also the bare engine on each loop (slower)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--worker", choices=["stdlib", "qasync"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=["app", "writer", "direct"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    signal.signal(signal.SIGTERM, _terminate)
    return _drive(args)


if __name__ == "__main__":
    sys.exit(main())
