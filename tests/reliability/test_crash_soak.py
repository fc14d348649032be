"""Crash soak: SIGKILL a real downloading process at random moments, restart it, again and again.

After every kill the SQLite queue still holds each item exactly once and none failed; every run
resumes each unfinished file with a Range request from exactly the bytes on disk; at the end
every file is byte-identical to the source with no part file left over. What a kill costs is
measured honestly (see :mod:`tests.reliability.soak_server`): per file, the bytes the killed
process had read from the network but not written, which must stay within one read buffer of
the engine. Bytes still in kernel socket buffers are counted apart: no program can keep those.

The main soak kills the real ``aniworld-desktop run-once`` during eight parallel downloads,
without and with a speed limit (while a download waits for the limiter, bytes pile up in
front of it if anything keeps reading). The slow-disk soak runs the same services with a disk
slower than the network (:mod:`tests.reliability.soak_worker`), once as ``run-once`` writes
and once with the engine's writer thread. The count the soak rests on is itself checked
against a client that reads a known number of bytes; and the one kill too narrow to land at
random (after the file moved into place, before the queue recorded it) is made by hand.

The kill moments come from a seeded RNG; the seed is printed, and ``SOAK_SEED=N`` repeats it.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from random import Random, SystemRandom

import pytest

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.downloads.engine import DownloadEngine
from tests.reliability.soak_harness import (
    CrashSoak,
    SoakFile,
    child_env,
    queue_direct_links,
    queue_errors,
    queue_files,
    queue_rows,
)
from tests.reliability.soak_server import SoakServer, tcp_measurement_available

pytestmark = pytest.mark.skipif(
    not tcp_measurement_available(),
    reason="needs Linux TCP_INFO and /proc/net/tcp to tell what the killed process had read",
)

KIB = 1024
MIB = 1024 * KIB
READ_BUFFER: int = inspect.signature(DownloadEngine).parameters["read_size"].default
"""What the promise allows a kill to cost per file: one read of the engine's."""
NO_EARLY_KILLS = 0


# A client that reads exactly what it is told and then stops reading: the first answer on the
# connection whole, then the head of the second and N bytes of its body.
EXACT_CLIENT = """
import socket, sys, time
port, wanted = int(sys.argv[1]), int(sys.argv[2])
connection = socket.create_connection(("127.0.0.1", port))

def head(name):
    connection.sendall(f"GET /media/{name} HTTP/1.1\\r\\nHost: soak\\r\\n\\r\\n".encode())
    text = b""
    while not text.endswith(b"\\r\\n\\r\\n"):
        text += connection.recv(1)
    return text

def body(count):
    while count:
        count -= len(connection.recv(min(count, 65536)))

first = head("first.bin").decode()
body(int(first.lower().split("content-length:")[1].split()[0]))
head("second.bin")
body(wanted)
print("stopped reading", flush=True)
time.sleep(60)
"""


@pytest.mark.parametrize("wanted", [0, 12_345, 3 * MIB])
async def test_the_count_of_what_a_stopped_client_read_is_exact(wanted: int) -> None:
    """What the soak rests on: the server's count of what the killed process had read.

    The client reads a known number of body bytes of its second answer on a kept-alive
    connection and stops; by then the server has sent more, which waits in kernel buffers.
    """
    async with SoakServer(rate=16 * MIB) as server:
        server.add_payload("first.bin", 50_000, seed=1)
        server.add_payload("second.bin", 8 * MIB, seed=2)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", EXACT_CLIENT, str(server.port), str(wanted),
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            assert proc.stdout is not None
            async with asyncio.timeout(30):
                assert await proc.stdout.readline() == b"stopped reading\n"
                # Let the server fill the kernel's buffers past what the client read.
                await server.wait_until(lambda: server.body_bytes(0) > 50_000 + wanted + MIB)
            os.kill(proc.pid, signal.SIGSTOP)
            server.hold()
            (first, second) = server.downloads()
            reads = await server.client_reads([first, second])
        finally:
            proc.kill()
            await proc.wait()
    assert first.connection is second.connection
    assert reads[id(first)] == 50_000
    assert reads[id(second)] == wanted
    assert second.body_sent > wanted + MIB


def soak_seed() -> int:
    seed = int(os.environ.get("SOAK_SEED") or SystemRandom().randrange(1 << 32))
    print(f"crash soak seed: {seed} (SOAK_SEED={seed} repeats these kill moments)")
    return seed


def run_once_command(profile: Path) -> list[str]:
    return [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile), "run-once"]


def slow_disk_command(profile: Path, disk_rate: int, *, writer_thread: bool) -> list[str]:
    command = [sys.executable, "-m", "tests.reliability.soak_worker", "--profile", str(profile)]
    command += ["--disk-rate", str(disk_rate)]
    return command + (["--writer-thread"] if writer_thread else [])


async def prepare(server: SoakServer, profile: Path, count: int, size: int) -> list[SoakFile]:
    """Episodes 1 to ``count`` of ``size`` / ``count`` to ``size`` bytes, queued in ``profile``.

    The small ones finish while the soak still kills, the big ones only in the last run.
    """
    server.generation = -1  # whatever queueing asks the server is no download
    names = [f"Soak.Harbor.S01E{n:02d}.mkv" for n in range(1, count + 1)]
    payloads = [
        server.add_payload(name, size * n // count - n * 4099, seed=n)
        for n, name in enumerate(names, start=1)
    ]
    destinations = await queue_direct_links(profile, [server.url(name) for name in names])
    return [SoakFile(n, d, p) for n, d, p in zip(names, payloads, destinations, strict=True)]


def check_queue(database: Path, files: Sequence[SoakFile], *, finished: bool) -> None:
    """Every episode queued exactly once, none failed; a completed one is in the library,
    byte for byte, with no part file left beside it."""
    rows = queue_rows(database)
    counts = queue_files(rows)
    assert sorted(counts) == [(1, n) for n in range(1, len(files) + 1)], rows
    assert set(counts.values()) == {1}, f"an episode is queued twice: {rows}"
    statuses = {status for _, _, status in rows}
    if finished:
        assert statuses == {"completed"}, (rows, queue_errors(database))
    else:
        assert statuses <= {"pending", "downloading", "completed"}, (rows, queue_errors(database))
    for _, episode, status in rows:
        file = files[episode - 1]
        if status == "completed":
            assert file.destination.read_bytes() == file.data, f"{file.name} is not the source"
            assert not file.part.exists(), f"{file.name} is complete but its part file is left"
        elif file.destination.exists():
            # Killed between moving the file into place and saying so: the file is whole.
            assert file.destination.read_bytes() == file.data, f"{file.name} is not the source"


def check_resumes(soak: CrashSoak) -> None:
    """Each run asks for every unfinished file from exactly the bytes the last kill left."""
    for kill in soak.kills:
        following = soak.first_requests(kill.number + 1)
        for file in soak.files:
            kept = kill.kept[file.name]
            if kept == len(file.data):
                assert file.name not in following, f"{file.name} fetched again once complete"
            elif file.name in following:
                start, ranged = following[file.name]
                assert start == kept, (
                    f"after kill {kill.number + 1}, {file.name} had {kept} bytes on disk but "
                    f"the next run asked from byte {start}"
                )
                assert ranged or kept == 0


async def crash_soak(
    profile: Path,
    tmp_path: Path,
    *,
    files: int,
    size: int,
    rate: int,
    kills: int,
    min_delay: float,
    max_delay: float,
    disk_rate: int = 0,
    writer_thread: bool = False,
    speed_limit: int = 0,
    early_every: int = 4,
    download_process: bool = False,
) -> CrashSoak:
    """Queue ``files`` files, kill the client ``kills`` times, let it finish, check it all.

    With ``download_process`` the client runs the window's services, whose downloads run in a
    process of their own, and each kill takes both processes at once (a crash of the app).
    """
    rng = Random(soak_seed())
    database = ProfilePaths.for_profile(profile).database
    command = (
        slow_disk_command(profile, disk_rate, writer_thread=writer_thread)
        if disk_rate or download_process
        else run_once_command(profile)
    )
    if download_process:
        command.append("--download-process")
    settings = {
        "max_downloads": str(files),
        "max_downloads_per_host": str(files),
        "min_free_disk": "0",
        "retry_base_delay": "0.05",
    }
    async with SoakServer(rate=rate) as server:
        queued = await prepare(server, profile, files, size)
        soak = CrashSoak(
            server,
            queued,
            command,
            rng=rng,
            database=database,
            log=tmp_path / "runs.log",
            env=child_env(**settings, speed_limit=str(speed_limit)),
            min_delay=min_delay,
            max_delay=max_delay,
            early_every=early_every,
            group=download_process,
        )
        for _ in range(kills):
            kill = await soak.kill_once()
            print(kill.describe())
            check_queue(database, queued, finished=False)
        server.rate = 8 * rate  # the last run only has to finish
        code, out = await soak.finish(run_once_command(profile), env=child_env(**settings))
        assert code == 0, out

    check_queue(database, queued, finished=True)
    library = queued[0].destination.parent.parent.parent
    assert sorted(library.rglob("*.part")) == []
    check_resumes(soak)

    losses = [(lost, k.number + 1, name) for k in soak.kills for name, lost in k.lost.items()]
    worst = max(losses, default=(0, 0, "no file"))
    served = sum(r.body_sent for r in server.downloads())
    in_kernel = max(max(k.in_kernel.values(), default=0) for k in soak.kills)
    print(
        f"{kills} kills; worst loss {worst[0]} bytes (kill {worst[1]}, {worst[2]}); "
        f"served {served} bytes for {sum(len(f.data) for f in queued)}; "
        f"most in kernel buffers at a kill: {in_kernel}"
    )
    assert worst[0] <= READ_BUFFER, (
        f"kill {worst[1]} lost {worst[0]} bytes of {worst[2]} that the process had read but "
        f"not written; at most one read buffer ({READ_BUFFER}) may be lost. Its requests "
        f"(start, sent, read): {soak.kills[worst[1] - 1].requests[worst[2]]}"
    )
    for kill in soak.kills:
        # Else the soak would prove nothing: the files are sized so that it cannot happen.
        assert kill.early or kill.mid_transfer(queued), f"{kill.describe()}: nothing in progress"
    return soak


# The pace lets a run receive more than one read buffer per file before its kill, so a loss
# beyond the promise can show; the sizes keep every file unfinished until the last run.


# The window's configuration too: the engine in a process of its own, killed with the app.
@pytest.mark.parametrize("download_process", [False, True], ids=["run-once", "download-process"])
async def test_crash_soak_a_few_kills(
    profile: Path, tmp_path: Path, download_process: bool
) -> None:
    await crash_soak(
        profile,
        tmp_path,
        files=8,
        size=5 * MIB,
        rate=2 * MIB,
        kills=3,
        min_delay=0.1,
        max_delay=0.9,
        download_process=download_process,
    )


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_crash_soak_twenty_kills(profile: Path, tmp_path: Path) -> None:
    await crash_soak(
        profile,
        tmp_path,
        files=8,
        size=20 * MIB,
        rate=2 * MIB,
        kills=20,
        min_delay=0.1,
        max_delay=0.9,
    )


@pytest.mark.parametrize("reported", [True, False], ids=["progress-saved", "no-progress-saved"])
async def test_a_kill_after_the_file_moved_into_place_costs_no_download(
    profile: Path, tmp_path: Path, reported: bool
) -> None:
    """Killed between moving the finished file into place and recording it in the queue.

    That window is a few milliseconds wide, too narrow for a random kill to hit on purpose,
    so the state it leaves is made by hand: the file in the library, no part file, the row
    still "downloading" with the bytes it had reported, or with none (a file that came in
    within the 5 s between two progress saves: its row has only what its part began with,
    the server's validators and size; the soak under load hit it once, and fetched the file
    again).
    """
    database = ProfilePaths.for_profile(profile).database
    env = child_env(min_free_disk="0")
    async with SoakServer(rate=64 * MIB) as server:
        (file,) = await prepare(server, profile, 1, MIB)
        soak = CrashSoak(
            server,
            [file],
            run_once_command(profile),
            rng=Random(0),
            database=database,
            log=tmp_path / "runs.log",
            env=env,
            max_delay=0,
        )
        code, out = await soak.finish()
        assert code == 0, out
        connection = sqlite3.connect(database)
        with connection:
            connection.execute(
                "UPDATE download_queue SET status = 'downloading', finished_at = NULL"
                + ("" if reported else ", bytes_done = 0")
            )
        connection.close()
        soak.generation = 1
        code, out = await soak.finish()
        assert code == 0, out
    assert server.downloads(1) == []  # nothing fetched again
    check_queue(database, [file], finished=True)


# With a speed limit below what the server sends, each download waits for the limiter after
# every read, and whatever keeps reading from the network meanwhile piles up unwritten.


async def test_crash_soak_under_a_speed_limit(profile: Path, tmp_path: Path) -> None:
    await crash_soak(
        profile,
        tmp_path,
        files=8,
        size=2 * MIB,
        rate=2 * MIB,
        speed_limit=2 * MIB,
        kills=1,
        min_delay=0.8,
        max_delay=1.1,
        early_every=NO_EARLY_KILLS,
    )


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_crash_soak_twenty_kills_under_a_speed_limit(profile: Path, tmp_path: Path) -> None:
    await crash_soak(
        profile,
        tmp_path,
        files=8,
        size=16 * MIB,
        rate=2 * MIB,
        speed_limit=MIB,  # each run starts with a second's worth at once (the limiter's bucket)
        kills=20,
        min_delay=0.1,
        max_delay=1.2,
    )


# A disk at a quarter of the network's speed: whatever buffers sit between the socket and the
# file fill up, and a kill loses what they hold. The window's configuration without its
# download thread writes from a writer thread per download; run-once's writes in place.


async def test_crash_soak_slow_disk_writer_thread(profile: Path, tmp_path: Path) -> None:
    await slow_disk_soak(profile, tmp_path, writer_thread=True, kills=1)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("writer_thread", [False, True], ids=["download-thread", "writer-thread"])
async def test_crash_soak_slow_disk_more_kills(
    profile: Path, tmp_path: Path, writer_thread: bool
) -> None:
    await slow_disk_soak(profile, tmp_path, writer_thread=writer_thread, kills=6, size=16 * MIB)


async def slow_disk_soak(
    profile: Path, tmp_path: Path, *, writer_thread: bool, kills: int, size: int = 6 * MIB
) -> None:
    await crash_soak(
        profile,
        tmp_path,
        files=4,
        size=size,
        rate=4 * MIB,
        disk_rate=MIB,
        writer_thread=writer_thread,
        kills=kills,
        min_delay=0.8,
        max_delay=1.4,
        early_every=NO_EARLY_KILLS,
    )
