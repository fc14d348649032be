"""Disk full (ENOSPC) in the middle of a download, through the whole download path.

DownloadService, ThreadedEngine and the SQLite queue as ``open_services`` builds them, a real
server on 127.0.0.1, and a library whose disk fills up after the download started (so the
check for free space before it passed, as it does when another program fills the disk).
The item fails saying the disk is full; its part file stays; the other items and the
database are untouched; once there is room again, a retry resumes from the part file with a
Range request and ends byte-identical.

The disk is real where the machine allows it: a 2 MiB tmpfs, filled by another file. Where
mounting is not permitted, the same story runs on an ordinary folder with ENOSPC injected where
the engine writes its part files (a full disk writes what fits, then refuses).
(``tests/unit/downloads/test_engine.py`` covers the engine's own handling of ENOSPC.)
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

import aniworld_desktop.downloads.part as part_module
from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.services import open_services
from tests.reliability.soak_harness import queue_rows
from tests.reliability.soak_server import SoakServer

KIB = 1024
MIB = 1024 * KIB
DISK_SIZE = 2 * MIB
BIG = 1_500_000  # fits on the empty disk, so the check before downloading lets it start
SMALL = 100_000
FULL_AFTER = 256 * KIB  # the disk fills up once this much of the big file is written
RATE = MIB  # bytes per second per download: slow enough to fill the disk mid-way


class Disk(Protocol):
    """Where the library lives, and a way to fill that disk and to make room again."""

    library: Path

    def fill(self) -> None: ...

    def free(self) -> None: ...


class SmallTmpfs:
    """A real 2 MiB file system; another file takes whatever room is left."""

    def __init__(self, mount: Path) -> None:
        self.library = mount / "Library"
        self.library.mkdir()
        self._filler = mount / "someone-elses-file.bin"

    def fill(self) -> None:
        block = bytes(64 * KIB)
        with open(self._filler, "wb", buffering=0) as file:
            try:
                while True:
                    file.write(block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc

    def free(self) -> None:
        self._filler.unlink()


class InjectedDisk:
    """An ordinary folder whose part files act as on a full disk once :meth:`fill` is called:
    the next write stores what still fits, then every write fails with ENOSPC."""

    def __init__(self, library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.library = library
        self.library.mkdir()
        self._room: int | None = None  # None: as much as anyone wants
        self._lock = threading.Lock()  # the engine writes on its download thread
        disk = self

        def open_on_disk(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            real = open(path, mode, *args, **kwargs)  # noqa: SIM115 - the engine closes it
            return _FileOnDisk(real, disk) if mode in ("wb", "r+b") else real

        monkeypatch.setattr(part_module, "open", open_on_disk, raising=False)

    def fill(self) -> None:
        with self._lock:
            self._room = 10_000

    def free(self) -> None:
        with self._lock:
            self._room = None

    def take(self, wanted: int) -> int:
        """Room for up to ``wanted`` bytes, taken from what is left."""
        with self._lock:
            if self._room is None:
                return wanted
            granted = min(wanted, self._room)
            self._room -= granted
            return granted


class _FileOnDisk:
    def __init__(self, real: Any, disk: InjectedDisk) -> None:
        self._real = real
        self._disk = disk

    def write(self, data: bytes) -> int:
        room = self._disk.take(len(data))
        if room < len(data):
            if room:
                self._real.write(data[:room])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _FileOnDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[SmallTmpfs]:
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs", str(mount))
    if mounted.returncode != 0:
        pytest.skip(
            f"mounting a small tmpfs is not permitted here ({mounted.stderr.strip()}); "
            "test_disk_fills_up_mid_download_injected covers the same path"
        )
    try:
        yield SmallTmpfs(mount)
    finally:
        if _run("umount", str(mount)).returncode != 0:
            _run("umount", "-l", str(mount))  # still busy: detach it anyway


@dataclass
class Episode:
    name: str
    data: bytes
    item: QueueItem

    def destination(self, library: Path) -> Path:
        return library / self.item.destination

    def part(self, library: Path) -> Path:
        path = self.destination(library)
        return path.with_name(path.name + ".part")


async def test_disk_fills_up_mid_download_tmpfs(
    paths: ProfilePaths, small_tmpfs: SmallTmpfs
) -> None:
    await disk_fills_up_mid_download(paths, small_tmpfs)


async def test_disk_fills_up_mid_download_injected(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await disk_fills_up_mid_download(paths, InjectedDisk(tmp_path / "Library", monkeypatch))


async def disk_fills_up_mid_download(paths: ProfilePaths, disk: Disk) -> None:
    library = disk.library
    settings = Settings().updated(
        {"library_dir": str(library), "min_free_disk": 0, "max_downloads": 1, "max_retries": 0}
    )
    async with (
        SoakServer(rate=RATE) as server,
        open_services(paths, settings, run_downloads=False) as services,
    ):
        downloads = services.downloads

        async def queue(name: str, size: int, seed: int) -> Episode:
            data = server.add_payload(name, size, seed)
            result = await services.library.add_url(server.url(name), "direct")
            assert result.queued is not None
            return Episode(name, data, result.queued.added[0])

        done = await queue("Disk.Show.S01E01.mkv", SMALL, 1)
        big = await queue("Disk.Show.S01E02.mkv", BIG, 2)
        held = await queue("Disk.Show.S01E03.mkv", SMALL, 3)
        await downloads.pause([held.item.id])
        downloads.start_workers()

        part = big.part(library)
        async with asyncio.timeout(30):
            # Polling a file the download thread writes: there is no event for bytes on disk.
            while not (part.exists() and part.stat().st_size >= FULL_AFTER):  # noqa: ASYNC110
                await asyncio.sleep(0.01)
        disk.fill()
        await downloads.wait_idle()

        failed = downloads.get(big.item.id)
        assert failed.status is DownloadStatus.FAILED
        assert "disk is full" in failed.error.lower(), failed.error
        assert "Errno" not in failed.error and "Traceback" not in failed.error
        assert not big.destination(library).exists()  # nothing half-written in the library
        kept = part.read_bytes()
        assert FULL_AFTER <= len(kept) < BIG
        assert big.data.startswith(kept)  # the part file is a clean start of the video

        # The rest of the queue is as it was, in memory and in the database.
        assert downloads.get(done.item.id).status is DownloadStatus.COMPLETED
        assert done.destination(library).read_bytes() == done.data
        assert downloads.get(held.item.id).status is DownloadStatus.PAUSED
        assert not held.part(library).exists()
        assert _integrity(paths.database) == "ok"
        assert queue_rows(paths.database) == [
            (1, 1, "completed"),
            (1, 2, "failed"),
            (1, 3, "paused"),
        ]

        # Room again: a retry continues where the part file ends.
        disk.free()
        server.rate = 16 * MIB
        before = len(server.downloads())
        await downloads.retry([big.item.id])
        await downloads.wait_idle()
        finished = downloads.get(big.item.id)
        assert finished.status is DownloadStatus.COMPLETED, finished.error
        assert big.destination(library).read_bytes() == big.data
        assert not part.exists()
        (resumed,) = server.downloads()[before:]
        assert (resumed.ranged, resumed.start, resumed.status) == (True, len(kept), 206)
        assert resumed.body_sent == BIG - len(kept)  # nothing fetched twice
        assert downloads.get(held.item.id).status is DownloadStatus.PAUSED
    assert queue_rows(paths.database) == [
        (1, 1, "completed"),
        (1, 2, "completed"),
        (1, 3, "paused"),
    ]


def _integrity(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        return str(result)
    finally:
        connection.close()
