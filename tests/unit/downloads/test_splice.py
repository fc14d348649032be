"""The spliced body path (downloads/splice.py) against the real fault server on 127.0.0.1.

The engine's other tests run through it too (splicing is on by default, and after the first
read every plain-HTTP body of known length is spliced); these check that it is really taken,
where it is not, and that it leaves no descriptor or connection behind.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aniworld_desktop.downloads import engine as engine_module
from aniworld_desktop.downloads import part as part_module
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import DiskFullError, TransientDownloadError
from aniworld_desktop.downloads.splice import PIPE_SIZE, splice_available
from tests.fault_server import FaultServer

pytestmark = pytest.mark.skipif(not splice_available(), reason="splice(2) is Linux only")

KIB = 1024
MIB = 1024 * KIB
NAME = "episode.mkv"


@pytest.fixture
def spliced(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, per answer the engine copied, whether its body was spliced."""
    taken: list[bool] = []
    real = engine_module.splice_body

    def recording(response: aiohttp.ClientResponse, consumed: int) -> Any:
        result = real(response, consumed)
        taken.append(result is not None)
        return result

    monkeypatch.setattr(engine_module, "splice_body", recording)
    return taken


@pytest.fixture(params=[False, True], ids=["direct", "thread"])
def write_in_thread(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def open_pipes() -> int:
    """Pipes this process holds (the server in the same process holds sockets and files)."""
    links = (os.readlink(f"/proc/self/fd/{fd}") for fd in _fds())
    return sum(link.startswith("pipe:") for link in links)


def _fds() -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the listing's own descriptor, gone
        found.append(fd)
    return found


async def test_a_plain_body_is_spliced_byte_exact(
    server: FaultServer, tmp_path: Path, spliced: list[bool], write_in_thread: bool
) -> None:
    data = server.add_payload(NAME, 5 * MIB + 321)
    target = tmp_path / "lib" / NAME
    fds = open_pipes()
    async with DownloadEngine(read_size=256 * KIB, write_in_thread=write_in_thread) as engine:
        result = await engine.download(DownloadRequest(url=server.url(NAME), destination=target))
        # The spliced connection is closed, never reused; the next download gets a new one.
        again = await engine.download(
            DownloadRequest(url=server.url(NAME), destination=tmp_path / "lib" / "again.mkv")
        )
    assert spliced == [True, True]
    assert result.size == again.size == len(data)
    assert target.read_bytes() == data
    assert (tmp_path / "lib" / "again.mkv").read_bytes() == data
    assert open_pipes() == fds  # each download's pipe is closed


async def test_splicing_can_be_turned_off(
    server: FaultServer, tmp_path: Path, spliced: list[bool]
) -> None:
    data = server.add_payload(NAME, 2 * MIB)
    target = tmp_path / NAME
    async with DownloadEngine(read_size=256 * KIB, splice=False) as engine:
        await engine.download(DownloadRequest(url=server.url(NAME), destination=target))
    assert spliced == []
    assert target.read_bytes() == data


async def test_a_body_without_length_is_read_through_aiohttp(
    server: FaultServer, tmp_path: Path, spliced: list[bool]
) -> None:
    data = server.add_payload(NAME, MIB + 7)
    target = tmp_path / NAME
    async with DownloadEngine(read_size=64 * KIB) as engine:
        await engine.download(
            DownloadRequest(url=server.url(NAME, fault="chunked"), destination=target)
        )
    assert spliced == [False]
    assert target.read_bytes() == data


async def test_a_resumed_piece_is_spliced_from_its_offset(
    server: FaultServer, tmp_path: Path, spliced: list[bool], write_in_thread: bool
) -> None:
    data = server.add_payload(NAME, 3 * MIB)
    target = tmp_path / NAME
    url = server.url(NAME, fault="reset", after=2 * MIB + 5)
    async with DownloadEngine(read_size=64 * KIB, write_in_thread=write_in_thread) as engine:
        with pytest.raises(TransientDownloadError, match="broke off"):
            await engine.download(DownloadRequest(url=url, destination=target))
        kept = DownloadEngine.part_path(target).stat().st_size
        # What was spliced before the reset is on disk, up to what the pipe held.
        assert 2 * MIB + 5 - PIPE_SIZE - 64 * KIB <= kept <= 2 * MIB + 5
        result = await engine.download(DownloadRequest(url=url, destination=target))
    assert spliced == [True, True]
    assert result.resumed_from == kept
    assert target.read_bytes() == data


async def test_a_stall_while_spliced_is_caught_by_the_watchdog(
    server: FaultServer, tmp_path: Path, spliced: list[bool]
) -> None:
    server.add_payload(NAME, 2 * MIB)
    url = server.url(NAME, fault="stall", after=MIB, seconds=30)
    async with DownloadEngine(read_size=64 * KIB, stall_timeout=0.5) as engine:
        with pytest.raises(TransientDownloadError, match="stalled"):
            await engine.download(DownloadRequest(url=url, destination=tmp_path / NAME))
    assert spliced == [True]


async def test_cancelling_a_spliced_download_keeps_its_part(
    server: FaultServer, tmp_path: Path, spliced: list[bool], write_in_thread: bool
) -> None:
    data = server.add_payload(NAME, 4 * MIB)
    target = tmp_path / NAME
    half = asyncio.Event()
    fds = open_pipes()

    def on_progress(done: int, total: int | None) -> None:
        if done >= MIB:
            half.set()

    async with DownloadEngine(
        read_size=64 * KIB, progress_interval=0.0, write_in_thread=write_in_thread
    ) as engine:
        slow = server.url(NAME, rate=2 * MIB)
        task = asyncio.create_task(
            engine.download(DownloadRequest(url=slow, destination=target), on_progress)
        )
        await half.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        kept = DownloadEngine.part_path(target).stat().st_size
        assert kept >= MIB
        assert data.startswith(DownloadEngine.part_path(target).read_bytes())
        result = await engine.download(DownloadRequest(url=server.url(NAME), destination=target))
    assert spliced[0] is True
    assert result.resumed_from == kept
    assert target.read_bytes() == data
    assert open_pipes() == fds


async def test_a_full_disk_while_splicing_is_a_disk_error(
    server: FaultServer,
    tmp_path: Path,
    spliced: list[bool],
    monkeypatch: pytest.MonkeyPatch,
    write_in_thread: bool,
) -> None:
    server.add_payload(NAME, 3 * MIB)
    target = tmp_path / NAME
    real_splice = os.splice
    to_file: list[int] = []

    def full_disk(src: int, dst: int, count: int, *args: Any, **kwargs: Any) -> int:
        if dst not in to_file and os.path.realpath(f"/proc/self/fd/{dst}").endswith(".part"):
            to_file.append(dst)
        if dst in to_file:
            raise OSError(28, "No space left on device")
        return real_splice(src, dst, count, *args, **kwargs)

    monkeypatch.setattr(part_module.os, "splice", full_disk)
    async with DownloadEngine(read_size=64 * KIB, write_in_thread=write_in_thread) as engine:
        with pytest.raises(DiskFullError, match="disk is full"):
            await engine.download(DownloadRequest(url=server.url(NAME), destination=target))
    assert spliced == [True]
    assert to_file  # the failure came from the spliced write
    assert not target.exists()
