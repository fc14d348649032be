"""DownloadEngine against a real, misbehaving HTTP server on 127.0.0.1.

Every fault ends either byte exact (a transient one after the caller's retry, which must resume
with a Range request) or with a reason and no file at the destination.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.downloads import connection
from aniworld_desktop.downloads import engine as engine_module
from aniworld_desktop.downloads import part as part_module
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest, DownloadResult
from aniworld_desktop.downloads.errors import (
    DiskFullError,
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.throttle import SpeedLimiter
from aniworld_desktop.net.retry import parse_retry_after
from tests.fault_server import FaultServer, make_payload

KIB = 1024
MIB = 1024 * KIB
NAME = "episode.mkv"


@pytest.fixture(params=[False, True], ids=["direct", "thread"])
def write_in_thread(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
async def engine() -> AsyncIterator[DownloadEngine]:
    async with DownloadEngine(read_size=64 * KIB, stall_timeout=10.0, connect_timeout=5.0) as eng:
        yield eng


@pytest.fixture
def target(tmp_path: Path) -> Path:
    # Nested and missing on purpose: the engine creates the folders.
    return tmp_path / "library" / "Show" / "Season 01" / NAME


def part_of(path: Path) -> Path:
    return DownloadEngine.part_path(path)


async def fetch(engine: DownloadEngine, url: str, target: Path, **kwargs: Any) -> DownloadResult:
    return await engine.download(DownloadRequest(url=url, destination=target, **kwargs))


def assert_nothing_left(target: Path) -> None:
    assert not exists(target)
    assert not exists(part_of(target))


# Tiny synchronous file checks: local, instant, and clearer than a thread hop in a test.
def content(path: Path) -> bytes:
    return path.read_bytes()


def exists(path: Path) -> bool:
    return path.exists()


# --- the happy path --------------------------------------------------------------------------


async def test_download_is_byte_exact_and_leaves_no_part(
    server: FaultServer, target: Path, write_in_thread: bool
) -> None:
    data = server.add_payload(NAME, 3 * MIB + 123)
    async with DownloadEngine(read_size=256 * KIB, write_in_thread=write_in_thread) as engine:
        result = await fetch(engine, server.url(NAME), target)
    assert result == DownloadResult(path=target, size=len(data), resumed_from=0)
    assert content(target) == data
    assert not exists(part_of(target))
    [seen] = server.requests_for(NAME)
    assert seen.range is None
    assert seen.headers["Accept-Encoding"] == "identity"


async def test_part_path_appends_a_suffix() -> None:
    assert DownloadEngine.part_path(Path("/lib/x.mkv")) == Path("/lib/x.mkv.part")


async def test_request_headers_are_sent_but_range_stays_ours(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, 200 * KIB)
    headers = {"Referer": "https://example.org/", "Range": "bytes=5-", "accept-encoding": "gzip"}
    await fetch(engine, server.url(NAME), target, headers=headers)
    assert content(target) == data
    [seen] = server.requests_for(NAME)
    assert seen.headers["Referer"] == "https://example.org/"
    assert seen.range is None
    assert seen.headers["Accept-Encoding"] == "identity"


async def test_unknown_length_with_chunked_encoding(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, MIB + 7)
    result = await fetch(engine, server.url(NAME, fault="chunked"), target)
    assert result.size == len(data)
    assert content(target) == data


async def test_server_sending_pieces_is_followed_to_the_end(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, 300 * KIB)
    result = await fetch(engine, server.url(NAME, fault="pieces", piece=128 * KIB), target)
    assert content(target) == data
    assert result.resumed_from == 0
    assert server.ranges_for(NAME) == [None, f"bytes={128 * KIB}-", f"bytes={256 * KIB}-"]


async def test_speed_limiter_sees_every_byte(server: FaultServer, target: Path) -> None:
    data = server.add_payload(NAME, MIB)
    seen: list[int] = []

    class Recording(SpeedLimiter):
        async def consume(self, nbytes: int) -> None:
            seen.append(nbytes)

    async with DownloadEngine(read_size=64 * KIB, limiter=Recording(0)) as engine:
        await fetch(engine, server.url(NAME), target)
    assert sum(seen) == len(data)


async def test_under_a_speed_limit_a_read_is_a_quarter_second_of_it(
    server: FaultServer, target: Path
) -> None:
    data = server.add_payload(NAME, 2 * MIB)
    seen: list[int] = []

    class Recording(SpeedLimiter):
        async def consume(self, nbytes: int) -> None:
            seen.append(nbytes)  # no wait: the sizes are what is looked at

    # The default read (4 MiB), and a limit whose quarter second is 64 KiB.
    async with DownloadEngine(limiter=Recording(256 * KIB)) as engine:
        await fetch(engine, server.url(NAME), target)
    assert content(target) == data
    assert sum(seen) == len(data)
    assert max(seen) <= 64 * KIB


# --- transient faults: the caller's retry resumes ---------------------------------------------


@pytest.mark.parametrize("fault", ["reset", "short"])
async def test_broken_body_keeps_the_part_and_the_retry_resumes(
    server: FaultServer, target: Path, fault: str, write_in_thread: bool
) -> None:
    data = server.add_payload(NAME, 2 * MIB)
    url = server.url(NAME, fault=fault, after=512 * KIB)
    async with DownloadEngine(read_size=64 * KIB, write_in_thread=write_in_thread) as engine:
        with pytest.raises(TransientDownloadError) as caught:
            await fetch(engine, url, target)
        assert caught.value.retryable
        assert not exists(target)
        kept = part_of(target).stat().st_size
        assert 0 < kept <= 512 * KIB
        assert data.startswith(content(part_of(target)))

        result = await fetch(engine, url, target)
    assert content(target) == data
    assert result.resumed_from == kept
    assert server.ranges_for(NAME) == [None, f"bytes={kept}-"]
    assert [r.status for r in server.requests_for(NAME)] == [200, 206]


@pytest.mark.parametrize("code", [500, 502, 503, 408])
async def test_server_errors_are_transient_until_the_server_recovers(
    server: FaultServer, engine: DownloadEngine, target: Path, code: int
) -> None:
    data = server.add_payload(NAME, 100 * KIB)
    url = server.url(NAME, fault="status", code=code, times=2)
    for _ in range(2):
        with pytest.raises(TransientDownloadError) as caught:
            await fetch(engine, url, target)
        assert str(code) in caught.value.message
        assert_nothing_left(target)
    await fetch(engine, url, target)
    assert content(target) == data


@pytest.mark.parametrize("code", [503, 429])
async def test_retry_after_seconds_is_reported(
    server: FaultServer, engine: DownloadEngine, target: Path, code: int
) -> None:
    server.add_payload(NAME, 10 * KIB)
    url = server.url(NAME, fault="retry_after", code=code, seconds=7)
    with pytest.raises(TransientDownloadError) as caught:
        await fetch(engine, url, target)
    assert caught.value.retry_after == 7.0
    assert "7 seconds" in caught.value.message
    assert_nothing_left(target)


async def test_retry_after_http_date_is_reported_in_seconds(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    server.add_payload(NAME, 10 * KIB)
    url = server.url(NAME, fault="retry_after", code=429, seconds=120, date=1)
    with pytest.raises(TransientDownloadError) as caught:
        await fetch(engine, url, target)
    # An HTTP-date has whole seconds, and the request took some time.
    assert caught.value.retry_after is not None
    assert 100 <= caught.value.retry_after <= 120


async def test_stall_is_transient_and_names_the_timeout(server: FaultServer, target: Path) -> None:
    data = server.add_payload(NAME, MIB)
    url = server.url(NAME, fault="stall", after=128 * KIB)
    async with DownloadEngine(read_size=64 * KIB, stall_timeout=0.5) as engine:
        with pytest.raises(TransientDownloadError) as caught:
            await fetch(engine, url, target)
        assert "0.5 seconds" in caught.value.message
        assert part_of(target).stat().st_size == 128 * KIB
        result = await fetch(engine, url, target)
    assert content(target) == data
    assert result.resumed_from == 128 * KIB
    assert server.ranges_for(NAME) == [None, f"bytes={128 * KIB}-"]


async def test_silence_before_the_headers_is_a_stall_too(server: FaultServer, target: Path) -> None:
    server.add_payload(NAME, 10 * KIB)
    async with DownloadEngine(stall_timeout=0.3) as engine:
        with pytest.raises(TransientDownloadError, match=r"0\.3 seconds"):
            await fetch(engine, server.url(NAME, delay=30), target)
    assert_nothing_left(target)


async def test_waiting_for_the_speed_limit_is_not_a_stall(
    server: FaultServer, target: Path
) -> None:
    data = server.add_payload(NAME, 256 * KIB)

    class Slow(SpeedLimiter):
        slept = False

        async def consume(self, nbytes: int) -> None:
            # One pause twice as long as the stall timeout, while the server has data ready.
            if not self.slept:
                self.slept = True
                await asyncio.sleep(0.4)

    limiter = Slow(1)
    async with DownloadEngine(read_size=128 * KIB, stall_timeout=0.2, limiter=limiter) as engine:
        await fetch(engine, server.url(NAME), target)
    assert content(target) == data
    assert limiter.slept


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names fds through /proc")
async def test_the_part_is_fsynced_before_it_is_renamed(
    server: FaultServer, target: Path, write_in_thread: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Durable before it is in the library, whichever thread writes and writes back early."""
    data = server.add_payload(NAME, 24 * MIB)  # three writeback steps
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(source: Any, destination: Any) -> None:
        events.append(("replace", str(source)))
        real_replace(source, destination)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    async with DownloadEngine(write_in_thread=write_in_thread) as engine:
        await fetch(engine, server.url(NAME), target)
    assert content(target) == data
    part = str(part_of(target))
    synced = [n for n, event in enumerate(events) if event == ("fsync", part)]
    renamed = events.index(("replace", part))
    assert synced and synced[-1] < renamed


async def test_a_crawling_transfer_is_transient(server: FaultServer, target: Path) -> None:
    data = server.add_payload(NAME, 64 * KIB)
    # A byte every 0.1 s: never silent for the stall timeout, far below the lowest speed.
    url = server.url(NAME, fault="drip", every=0.1)
    async with DownloadEngine(stall_timeout=5.0, min_speed=1000, min_speed_time=0.5) as engine:
        with pytest.raises(TransientDownloadError) as caught:
            await fetch(engine, url, target)
        assert "too slow" in caught.value.message and "0.5 seconds" in caught.value.message
        assert caught.value.retryable
        await fetch(engine, server.url(NAME), target)
    assert content(target) == data


async def test_waiting_for_the_speed_limit_is_not_crawling(
    server: FaultServer, target: Path
) -> None:
    data = server.add_payload(NAME, 2 * MIB)  # at least eight pieces of at most 256 KiB

    class Slow(SpeedLimiter):
        slept = 0

        async def consume(self, nbytes: int) -> None:
            # Our own limit makes the transfer far slower than the lowest speed; the server
            # always has data ready, so it is not the server that crawls.
            self.slept += 1
            await asyncio.sleep(0.15)

    limiter = Slow(1)
    engine = DownloadEngine(
        read_size=16 * KIB, stall_timeout=5.0, limiter=limiter, min_speed=MIB, min_speed_time=0.3
    )
    async with engine:
        await fetch(engine, server.url(NAME), target)
    assert content(target) == data
    assert limiter.slept >= 4  # well over the rule's 0.3 s spent waiting for the limit


async def test_connection_refused_is_transient(engine: DownloadEngine, target: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TransientDownloadError):
        await fetch(engine, f"http://127.0.0.1:{port}/media/x", target)
    assert_nothing_left(target)


async def test_cancelled_download_keeps_its_part_for_later(
    server: FaultServer, target: Path, write_in_thread: bool
) -> None:
    data = server.add_payload(NAME, 2 * MIB)
    started = asyncio.Event()

    def on_progress(done: int, total: int | None) -> None:
        if done >= 256 * KIB:
            started.set()

    async with DownloadEngine(
        read_size=64 * KIB, progress_interval=0.0, write_in_thread=write_in_thread
    ) as engine:
        slow = server.url(NAME, rate=4 * MIB)
        request = DownloadRequest(url=slow, destination=target)
        task = asyncio.create_task(engine.download(request, on_progress))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        kept = part_of(target).stat().st_size
        assert kept >= 256 * KIB
        assert not exists(target)
        result = await fetch(engine, server.url(NAME), target)
    assert content(target) == data
    assert result.resumed_from == kept


# --- Range answered wrongly ---------------------------------------------------------------------


async def test_ignored_range_restarts_from_zero(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, MIB)
    target.parent.mkdir(parents=True)
    # Garbage in the part proves the restart really truncates it.
    part_of(target).write_bytes(make_payload(100 * KIB, seed=99))
    result = await fetch(engine, server.url(NAME, fault="ignore_range"), target)
    assert content(target) == data
    assert result.resumed_from == 0
    assert server.ranges_for(NAME) == [f"bytes={100 * KIB}-"]
    assert server.requests_for(NAME)[0].status == 200


async def test_206_from_the_wrong_offset_restarts_without_range(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, MIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(make_payload(100 * KIB, seed=99))
    result = await fetch(engine, server.url(NAME, fault="wrong_range"), target)
    assert content(target) == data
    assert result.resumed_from == 0
    assert server.ranges_for(NAME) == [f"bytes={100 * KIB}-", None]


async def test_416_on_a_complete_part_finalizes_it(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, 300 * KIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(data)
    result = await fetch(engine, server.url(NAME), target)
    assert result == DownloadResult(path=target, size=len(data), resumed_from=len(data))
    assert content(target) == data
    assert not exists(part_of(target))
    assert [r.status for r in server.requests_for(NAME)] == [416]


async def test_416_on_a_bogus_part_removes_it_and_the_retry_starts_over(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, 300 * KIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(data + b"junk")
    with pytest.raises(TransientDownloadError):
        await fetch(engine, server.url(NAME), target)
    assert_nothing_left(target)
    result = await fetch(engine, server.url(NAME), target)
    assert content(target) == data
    assert result.resumed_from == 0
    assert server.ranges_for(NAME) == [f"bytes={len(data) + 4}-", None]


async def test_part_longer_than_expected_size_is_dropped_before_asking(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, 300 * KIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(data + b"junk")
    await fetch(engine, server.url(NAME), target, expected_size=len(data))
    assert content(target) == data
    assert server.ranges_for(NAME) == [None]


# --- permanent faults ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410, 401, 403, 400])
async def test_client_errors_are_permanent(
    server: FaultServer, engine: DownloadEngine, target: Path, code: int
) -> None:
    server.add_payload(NAME, 10 * KIB)
    with pytest.raises(PermanentDownloadError) as caught:
        await fetch(engine, server.url(NAME, fault="status", code=code), target)
    assert not caught.value.retryable
    assert str(code) in caught.value.message
    assert_nothing_left(target)


async def test_missing_file_is_a_real_404(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    with pytest.raises(PermanentDownloadError, match="not on"):
        await fetch(engine, server.url("missing.mkv"), target)
    assert_nothing_left(target)


@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "application/octet-stream"])
async def test_web_page_instead_of_video_leaves_no_junk(
    server: FaultServer, engine: DownloadEngine, target: Path, ctype: str
) -> None:
    server.add_payload(NAME, 10 * KIB)
    with pytest.raises(PermanentDownloadError, match="web page instead of the video"):
        await fetch(engine, server.url(NAME, fault="html", ctype=ctype), target)
    assert_nothing_left(target)


async def test_web_page_does_not_touch_an_earlier_part(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, 100 * KIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(data[:1000])
    with pytest.raises(PermanentDownloadError):
        await fetch(engine, server.url(NAME, fault="html"), target)
    assert content(part_of(target)) == data[:1000]
    assert not exists(target)


@pytest.mark.parametrize(
    "url",
    ["ftp://127.0.0.1/x.mkv", "file:///etc/passwd", "javascript:alert(1)", "x.mkv", "http:///x"],
)
async def test_only_http_and_https_are_accepted_before_any_io(
    engine: DownloadEngine, target: Path, url: str
) -> None:
    with pytest.raises(PermanentDownloadError):
        await fetch(engine, url, target)
    assert not exists(target.parent)


async def test_redirect_loop_is_permanent(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    server.add_payload(NAME, 10 * KIB)
    with pytest.raises(PermanentDownloadError, match="redirects"):
        await fetch(engine, server.url(NAME, fault="redirect_loop"), target)
    assert_nothing_left(target)


@pytest.mark.parametrize("expected", [MIB - 1, MIB + 1])
async def test_size_other_than_expected_is_permanent(
    server: FaultServer, engine: DownloadEngine, target: Path, expected: int
) -> None:
    server.add_payload(NAME, MIB)
    with pytest.raises(PermanentDownloadError, match="expected"):
        await fetch(engine, server.url(NAME), target, expected_size=expected)
    assert_nothing_left(target)


async def test_more_bytes_than_expected_without_length_is_permanent(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    server.add_payload(NAME, MIB)
    with pytest.raises(PermanentDownloadError, match="more than"):
        await fetch(engine, server.url(NAME, fault="chunked"), target, expected_size=MIB - 10)
    assert_nothing_left(target)


async def test_fewer_bytes_than_expected_without_length_is_transient(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    data = server.add_payload(NAME, MIB)
    with pytest.raises(TransientDownloadError):
        await fetch(engine, server.url(NAME, fault="chunked"), target, expected_size=MIB + 10)
    assert not exists(target)
    assert content(part_of(target)) == data


# --- the disk ------------------------------------------------------------------------------------


def fake_disk_usage(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    def disk_usage(path: object) -> SimpleNamespace:
        return SimpleNamespace(total=10 * free + MIB, used=0, free=free)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)


async def test_too_little_free_space_is_refused_before_writing(
    server: FaultServer, engine: DownloadEngine, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add_payload(NAME, MIB)
    fake_disk_usage(monkeypatch, free=MIB - 1)
    with pytest.raises(DiskFullError, match="disk is full") as caught:
        await fetch(engine, server.url(NAME), target)
    assert not caught.value.retryable
    assert_nothing_left(target)


async def test_min_free_disk_is_kept_free(
    server: FaultServer, engine: DownloadEngine, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = server.add_payload(NAME, MIB)
    fake_disk_usage(monkeypatch, free=MIB + 1000)
    engine.min_free_disk = 2000
    with pytest.raises(DiskFullError, match="must stay free"):
        await fetch(engine, server.url(NAME), target)
    engine.min_free_disk = 1000
    await fetch(engine, server.url(NAME), target)
    assert content(target) == data


async def test_resume_needs_room_only_for_the_rest(
    server: FaultServer, engine: DownloadEngine, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = server.add_payload(NAME, MIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(data[: MIB // 2])
    fake_disk_usage(monkeypatch, free=MIB // 2)
    result = await fetch(engine, server.url(NAME), target)
    assert result.resumed_from == MIB // 2
    assert content(target) == data


class FailingFile:
    """Wraps a real file; writes fail with ``error`` once ``budget`` bytes were written."""

    def __init__(self, real: Any, budget: int, error: OSError) -> None:
        self._real = real
        self._budget = budget
        self._error = error

    def write(self, data: bytes) -> int:
        if len(data) > self._budget:
            raise self._error
        self._budget -= len(data)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.fixture
def failing_writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[OSError]]:
    """Make the engine's part files fail with the listed error after 256 KiB."""
    errors: list[OSError] = []

    def fake_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        real = open(path, mode, *args, **kwargs)  # noqa: SIM115
        return FailingFile(real, 256 * KIB, errors[0]) if errors else real

    monkeypatch.setattr(part_module, "open", fake_open, raising=False)
    yield errors


async def test_disk_full_while_writing_keeps_the_part(
    server: FaultServer,
    target: Path,
    failing_writes: list[OSError],
    write_in_thread: bool,
) -> None:
    data = server.add_payload(NAME, MIB)
    failing_writes.append(OSError(errno.ENOSPC, "No space left on device"))
    async with DownloadEngine(read_size=64 * KIB, write_in_thread=write_in_thread) as engine:
        with pytest.raises(DiskFullError, match="disk is full"):
            await fetch(engine, server.url(NAME), target)
        assert not exists(target)
        kept = part_of(target).stat().st_size
        assert 0 < kept <= 256 * KIB
        assert data.startswith(content(part_of(target)))
        failing_writes.clear()
        result = await fetch(engine, server.url(NAME), target)
    assert result.resumed_from == kept
    assert content(target) == data


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    ],
)
async def test_unwritable_library_folder_is_named(
    server: FaultServer,
    engine: DownloadEngine,
    target: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: OSError,
    words: str,
) -> None:
    server.add_payload(NAME, 10 * KIB)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(part_module, "open", refuse, raising=False)
    with pytest.raises(LibraryWriteError) as caught:
        await fetch(engine, server.url(NAME), target)
    assert str(target.parent) in caught.value.message
    assert words in caught.value.message
    assert caught.value.folder == target.parent
    assert_nothing_left(target)


async def test_missing_share_is_a_library_error(
    server: FaultServer, engine: DownloadEngine, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add_payload(NAME, 10 * KIB)

    def gone(self: Path, *args: Any, **kwargs: Any) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(self))

    monkeypatch.setattr(Path, "mkdir", gone)
    with pytest.raises(LibraryWriteError, match="does not exist"):
        await fetch(engine, server.url(NAME), target)
    assert server.requests == []


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root ignores folder permissions; the monkeypatched cases above cover the mapping",
)
async def test_read_only_folder_for_real(
    server: FaultServer, engine: DownloadEngine, target: Path
) -> None:
    server.add_payload(NAME, 10 * KIB)
    target.parent.mkdir(parents=True)
    target.parent.chmod(0o555)
    try:
        with pytest.raises(LibraryWriteError):
            await fetch(engine, server.url(NAME), target)
    finally:
        target.parent.chmod(0o755)
    assert_nothing_left(target)


# --- progress and ownership ----------------------------------------------------------------------


async def test_progress_is_coalesced_to_one_final_report(server: FaultServer, target: Path) -> None:
    data = server.add_payload(NAME, 4 * MIB)
    reports: list[tuple[int, int | None]] = []
    async with DownloadEngine(read_size=64 * KIB, progress_interval=10.0) as engine:
        request = DownloadRequest(url=server.url(NAME), destination=target)
        await engine.download(request, lambda done, total: reports.append((done, total)))
    assert reports == [(len(data), len(data))]


async def test_progress_reports_grow_and_know_the_total(server: FaultServer, target: Path) -> None:
    data = server.add_payload(NAME, MIB)
    target.parent.mkdir(parents=True)
    part_of(target).write_bytes(data[:1000])
    reports: list[tuple[int, int | None]] = []
    async with DownloadEngine(read_size=64 * KIB, progress_interval=0.0) as engine:
        request = DownloadRequest(url=server.url(NAME), destination=target)
        await engine.download(request, lambda done, total: reports.append((done, total)))
    dones = [done for done, _ in reports]
    assert dones == sorted(dones)
    assert dones[0] > 1000
    assert {total for _, total in reports} == {len(data)}
    assert reports[-1] == (len(data), len(data))


async def test_injected_session_is_used_and_left_open(server: FaultServer, target: Path) -> None:
    data = server.add_payload(NAME, 100 * KIB)
    async with aiohttp.ClientSession() as session:
        async with DownloadEngine(session) as engine:
            await fetch(engine, server.url(NAME), target)
        assert not session.closed
        # Usable without entering the engine at all.
        other = target.with_name("other.mkv")
        await DownloadEngine(session).download(DownloadRequest(server.url(NAME), other))
        assert not session.closed
    assert content(target) == data
    assert content(other) == data


async def test_own_session_is_closed_on_exit(
    server: FaultServer, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add_payload(NAME, 10 * KIB)
    created: list[aiohttp.ClientSession] = []
    real_session = aiohttp.ClientSession

    def recording_session(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        session = real_session(*args, **kwargs)
        created.append(session)
        return session

    monkeypatch.setattr(aiohttp, "ClientSession", recording_session)
    async with DownloadEngine() as engine:
        await fetch(engine, server.url(NAME), target)
        [session] = created
        assert not session.closed
    assert session.closed
    # Without `async with` every download gets a session of its own, closed at once.
    await DownloadEngine().download(DownloadRequest(server.url(NAME), target))
    assert len(created) == 2
    assert created[1].closed


# --- on qasync's loop, as in the window ----------------------------------------------------------


@pytest.mark.qt_loop
async def test_download_on_the_qt_loop_with_the_writer_thread(
    server: FaultServer, target: Path
) -> None:
    data = server.add_payload(NAME, 2 * MIB)
    url = server.url(NAME, fault="reset", after=512 * KIB)
    async with DownloadEngine(read_size=64 * KIB, write_in_thread=True) as engine:
        with pytest.raises(TransientDownloadError):
            await fetch(engine, url, target)
        kept = part_of(target).stat().st_size
        result = await fetch(engine, url, target)
    assert content(target) == data
    assert result.resumed_from == kept > 0


@pytest.mark.qt_loop
async def test_stall_on_the_qt_loop(server: FaultServer, target: Path) -> None:
    server.add_payload(NAME, MIB)
    async with DownloadEngine(read_size=64 * KIB, stall_timeout=0.3) as engine:
        with pytest.raises(TransientDownloadError, match=r"0\.3 seconds"):
            await fetch(engine, server.url(NAME, fault="stall", after=128 * KIB), target)
    assert part_of(target).stat().st_size == 128 * KIB


# --- errors and the fault server itself ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Thu, 01 Jan 1970 00:02:00 GMT", 60.0),
        ("Thu, 01 Jan 1970 00:00:30 GMT", 0.0),
        ("Thursday, 01-Jan-70 00:02:00 GMT", 60.0),
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=60.0) == seconds


def test_error_kinds_say_whether_to_retry() -> None:
    transient = TransientDownloadError("Try later.", retry_after=5.0)
    assert (transient.retryable, transient.retry_after, str(transient)) == (True, 5.0, "Try later.")
    for error in (
        PermanentDownloadError("Gone."),
        DiskFullError("Full."),
        LibraryWriteError("No.", folder=Path("/x")),
    ):
        assert isinstance(error, PermanentDownloadError)
        assert not error.retryable
        assert error.retry_after is None
        assert str(error) == error.message


def test_fault_server_runs_standalone(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / NAME).write_bytes(make_payload(1000))
    log = tmp_path / "requests.jsonl"
    script = Path(__file__).resolve().parents[2] / "fault_server.py"
    command = [sys.executable, str(script), "--root", str(root), "--port", "0", "--log", str(log)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            port = int(proc.stdout.readline())
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/media/{NAME}", headers={"Range": "bytes=10-"}
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 206
                assert answer.read() == make_payload(1000)[10:]
        finally:
            proc.terminate()
        assert proc.wait(timeout=10) == 0
    [line] = log.read_text().splitlines()
    entry = json.loads(line)
    assert (entry["path"], entry["range"], entry["status"]) == (f"/media/{NAME}", "bytes=10-", 206)


def test_a_plain_connection_receives_in_larger_pieces() -> None:
    plain = SimpleNamespace(max_size=256 * KIB)
    response: Any = SimpleNamespace(connection=SimpleNamespace(transport=plain))
    connection.receive_in_pieces(response, engine_module.READ_SIZE // 4)
    assert plain.max_size == engine_module.READ_SIZE // 4
    connection.receive_in_pieces(response, 64 * KIB)  # never below asyncio's own
    assert plain.max_size == engine_module.READ_SIZE // 4


def test_other_connections_keep_their_reads() -> None:
    tls = SimpleNamespace()  # no max_size: it reads through its own buffer
    connection.receive_in_pieces(
        SimpleNamespace(connection=SimpleNamespace(transport=tls)),  # type: ignore[arg-type]
        MIB,
    )
    assert not hasattr(tls, "max_size")
    gone: Any = SimpleNamespace(connection=None)  # the body was read already
    connection.receive_in_pieces(gone, MIB)
