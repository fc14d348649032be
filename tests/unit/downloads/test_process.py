"""ProcessEngine: the engine in a process of its own, against a real local server."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import (
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.process import DIED, ProcessEngine, process_available

pytestmark = pytest.mark.skipif(
    not process_available(),
    reason="no download process here (it needs POSIX); the window keeps its download thread",
)

OPTIONS = {"progress_interval": 0.0, "write_in_thread": True}


def engine(**options):
    return ProcessEngine({**OPTIONS, **options})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_downloads_in_another_process_and_reports_progress_here(server, tmp_path):
    data = server.add_payload("ep.mkv", 3 << 20)
    here = threading.get_ident()
    seen_threads: set[int] = set()
    progress: list[tuple[int, int | None]] = []
    part_at_new_part: list[bool] = []
    target = tmp_path / "lib" / "ep.mkv"

    def on_progress(done: int, total: int | None) -> None:
        seen_threads.add(threading.get_ident())
        progress.append((done, total))

    async def on_new_part(validators) -> None:
        # Awaited before the first byte: the part holds nothing yet.
        part = DownloadEngine.part_path(target)
        part_at_new_part.append(not part.exists() or part.stat().st_size == 0)
        assert validators.size == len(data)

    async with engine() as downloads:
        result = await downloads.download(
            DownloadRequest(server.url("ep.mkv"), target), on_progress, on_new_part
        )
        pid = downloads.pid
        assert pid is not None and pid != os.getpid()
    assert target.read_bytes() == data
    assert result.size == len(data) and result.path == target
    assert progress and progress[-1] == (len(data), len(data))
    assert seen_threads == {here}  # the callbacks ran on the caller's loop
    assert part_at_new_part == [True]
    await asyncio.sleep(0)
    assert not _alive(pid)  # it exited with the block (and was reaped)


@pytest.mark.parametrize(
    ("query", "kind"),
    [({"fault": "status", "code": 404}, PermanentDownloadError),
     ({"fault": "retry_after", "code": 503, "seconds": 7, "times": 9}, TransientDownloadError)],
)  # fmt: skip
async def test_errors_cross_over_as_the_same_types(server, tmp_path, query, kind):
    server.add_payload("ep.mkv", 1 << 20)
    async with engine() as downloads:
        with pytest.raises(kind) as caught:
            await downloads.download(
                DownloadRequest(server.url("ep.mkv", **query), tmp_path / "lib" / "ep.mkv")
            )
    if kind is TransientDownloadError:
        assert caught.value.retry_after == 7


async def test_a_failing_new_part_store_fails_the_download_with_its_error(server, tmp_path):
    server.add_payload("ep.mkv", 1 << 20)
    target = tmp_path / "lib" / "ep.mkv"

    async def refuse(validators) -> None:
        raise LibraryWriteError("The queue could not be saved.", folder=tmp_path)

    async with engine() as downloads:
        with pytest.raises(LibraryWriteError, match="could not be saved") as caught:
            await downloads.download(DownloadRequest(server.url("ep.mkv"), target), None, refuse)
    assert caught.value.folder == tmp_path
    assert not target.exists()


async def test_cancel_returns_only_after_the_download_stopped(server, tmp_path):
    server.add_payload("slow.mkv", 2 << 20)
    target = tmp_path / "lib" / "slow.mkv"
    part = DownloadEngine.part_path(target)
    started = asyncio.Event()
    async with engine() as downloads:
        request = DownloadRequest(server.url("slow.mkv", rate=256 << 10), target)
        task = asyncio.create_task(downloads.download(request, lambda *_: started.set()))
        await asyncio.wait_for(started.wait(), 20)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The part file is closed and complete as far as it got: its size no longer changes.
        size = part.stat().st_size
        await asyncio.sleep(0.3)
        assert part.stat().st_size == size > 0
        assert not target.exists()
        # The same process downloads again afterwards (a resume from the part).
        result = await downloads.download(DownloadRequest(server.url("slow.mkv"), target))
    assert result.size == 2 << 20
    assert server.ranges_for("slow.mkv")[-1] == f"bytes={size}-"


async def _slow_download_running(downloads, server, tmp_path) -> asyncio.Task:
    """Start the served ``slow.mkv`` (128 KiB/s) and return its task once bytes arrive."""
    started = asyncio.Event()
    request = DownloadRequest(server.url("slow.mkv", rate=128 << 10), tmp_path / "s.mkv")
    task = asyncio.create_task(downloads.download(request, lambda *_: started.set()))
    await asyncio.wait_for(started.wait(), 20)
    return task


async def test_exit_stops_running_downloads_and_the_process(server, tmp_path):
    server.add_payload("slow.mkv", 2 << 20)
    async with engine() as downloads:
        task = await _slow_download_running(downloads, server, tmp_path)
        pid = downloads.pid
    # Leaving the block cancelled the download there; its caller hears so.
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert pid is not None and not _alive(pid)


async def test_a_process_that_dies_fails_its_downloads_as_transient_and_is_replaced(
    server, tmp_path, caplog
):
    server.add_payload("slow.mkv", 2 << 20)
    data = server.add_payload("ep.mkv", 1 << 20)
    async with engine() as downloads:
        task = await _slow_download_running(downloads, server, tmp_path)
        first = downloads.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        with pytest.raises(TransientDownloadError, match="stopped unexpectedly"):
            await asyncio.wait_for(task, 10)
        # The next download starts a new process.
        target = tmp_path / "lib" / "ep.mkv"
        await downloads.download(DownloadRequest(server.url("ep.mkv"), target))
        assert downloads.pid not in (None, first)
    assert target.read_bytes() == data
    assert DIED.startswith("The download process")
    said = [r.getMessage() for r in caplog.records if r.name.endswith("downloads.process")]
    assert any("stopped unexpectedly (exit status -9); 1 running" in text for text in said)


async def test_the_processes_log_records_reach_this_processs_log(server, tmp_path, caplog):
    data = server.add_payload("ep.mkv", 1 << 20)
    target = tmp_path / "lib" / "ep.mkv"
    part = DownloadEngine.part_path(target)
    part.parent.mkdir(parents=True)
    part.write_bytes(data[:1000])  # another entry's leftover: this download starts over
    caplog.set_level(logging.INFO, logger="aniworld_desktop.downloads.engine")
    async with engine() as downloads:
        await downloads.download(DownloadRequest(server.url("ep.mkv"), target, discard_part=True))
    assert target.read_bytes() == data
    records = [r for r in caplog.records if r.name == "aniworld_desktop.downloads.engine"]
    assert any("earlier download was left there" in r.getMessage() for r in records)


ORPHAN = """
import asyncio, sys
from pathlib import Path
from aniworld_desktop.downloads.engine import DownloadRequest
from aniworld_desktop.downloads.process import ProcessEngine

async def main(url, target):
    async with ProcessEngine({"progress_interval": 0.0}) as downloads:
        started = asyncio.Event()
        task = asyncio.create_task(downloads.download(
            DownloadRequest(url, Path(target)), lambda *_: started.set()))
        await started.wait()
        print(downloads.pid, flush=True)
        await task

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def test_the_process_stops_when_the_window_dies(server, tmp_path):
    """A window killed outright leaves no download process behind: its input ends, so it
    cancels its downloads (part files closed, kept) and exits."""
    server.add_payload("slow.mkv", 4 << 20)
    target = tmp_path / "lib" / "slow.mkv"
    window = await asyncio.create_subprocess_exec(
        sys.executable, "-c", ORPHAN, server.url("slow.mkv", rate=128 << 10), str(target),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert window.stdout is not None
    pid = int(await asyncio.wait_for(window.stdout.readline(), 30))
    assert _alive(pid)
    window.kill()
    await window.wait()
    for _ in range(200):
        if not _alive(pid) or _zombie(pid):
            break
        await asyncio.sleep(0.05)
    assert not _alive(pid) or _zombie(pid)
    part = DownloadEngine.part_path(target)
    assert part.stat().st_size > 0 and not target.exists()


def _zombie(pid: int) -> bool:
    """Exited, waiting for its (dead) parent's parent to reap it."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


async def test_the_worker_runs_through_the_apps_own_entry_point(server, tmp_path, monkeypatch):
    """What a bundle does (its executable with the hidden option), here through ``python -m
    aniworld_desktop``: the same entry point."""
    from aniworld_desktop.downloads import process

    monkeypatch.setattr(
        process,
        "worker_command",
        lambda fd, nice: [
            sys.executable,
            "-m",
            "aniworld_desktop",
            "--download-worker",
            str(fd),
            str(nice),
        ],
    )
    data = server.add_payload("ep.mkv", 1 << 20)
    target = tmp_path / "lib" / "ep.mkv"
    async with engine() as downloads:
        await downloads.download(DownloadRequest(server.url("ep.mkv"), target))
    assert target.read_bytes() == data


async def test_a_failing_progress_callback_does_not_stop_the_download(server, tmp_path, caplog):
    data = server.add_payload("ep.mkv", 2 << 20)
    target = tmp_path / "lib" / "ep.mkv"

    def broken(done: int, total: int | None) -> None:
        raise ValueError("a bug in the caller")

    async with engine() as downloads:
        await downloads.download(DownloadRequest(server.url("ep.mkv"), target), broken)
    assert target.read_bytes() == data
    assert any("progress report failed" in r.getMessage() for r in caplog.records)


async def test_headers_of_any_mapping_cross_over(server, tmp_path):
    from types import MappingProxyType

    data = server.add_payload("ep.mkv", 1 << 20)
    target = tmp_path / "lib" / "ep.mkv"
    headers = MappingProxyType({"Referer": "http://127.0.0.1/"})
    async with engine() as downloads:
        await downloads.download(DownloadRequest(server.url("ep.mkv"), target, headers=headers))
    assert target.read_bytes() == data


@pytest.mark.parametrize(
    "command",
    [["/nonexistent/python"],  # cannot be started at all
     [sys.executable, "-c", "import sys; sys.exit(3)"]],  # starts and ends before it is ready
    ids=["missing", "dies-at-once"],
)  # fmt: skip
async def test_a_process_that_cannot_start_is_a_transient_error(
    server, tmp_path, monkeypatch, command
):
    from aniworld_desktop.downloads import process

    monkeypatch.setattr(process, "worker_command", lambda fd, nice: command)
    server.add_payload("ep.mkv", 1 << 20)
    async with engine() as downloads:
        with pytest.raises(TransientDownloadError, match="could not start"):
            await downloads.download(
                DownloadRequest(server.url("ep.mkv"), tmp_path / "lib" / "ep.mkv")
            )
        assert downloads.pid is None


GARBLED = """
import sys, time, socket
from aniworld_desktop.downloads.wire import frame
sock = socket.socket(fileno=int(sys.argv[1]))
sock.sendall(frame(("ready",)))
time.sleep(0.5)
sock.sendall(b"\\x00\\x00\\x00\\x05garbl")  # not a pickle
time.sleep(60)
"""


async def test_a_garbled_message_ends_that_process_and_fails_its_downloads_as_transient(
    server, tmp_path, monkeypatch, caplog
):
    from aniworld_desktop.downloads import process

    monkeypatch.setattr(
        process, "worker_command", lambda fd, nice: [sys.executable, "-c", GARBLED, str(fd)]
    )
    server.add_payload("ep.mkv", 1 << 20)
    async with engine() as downloads:
        await downloads.start()
        pid = downloads.pid
        assert pid is not None
        with pytest.raises(TransientDownloadError, match="stopped unexpectedly"):
            await asyncio.wait_for(
                downloads.download(
                    DownloadRequest(server.url("ep.mkv"), tmp_path / "lib" / "ep.mkv")
                ),
                20,
            )
        assert downloads.pid is None  # no longer the one it serves with
        for _ in range(100):  # killed and reaped, not left asleep for its 60 s
            if not _alive(pid):
                break
            await asyncio.sleep(0.05)
        assert not _alive(pid)
    assert any("lost the download process" in r.getMessage() for r in caplog.records)
