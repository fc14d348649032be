"""The part file (downloads/part.py): reuse, sinks, durability before the rename, disk errors."""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from pathlib import Path

import pytest

import aniworld_desktop.downloads.part as part_module
from aniworld_desktop.downloads.disk import DiskWriter
from aniworld_desktop.downloads.errors import DiskFullError, LibraryWriteError
from aniworld_desktop.downloads.part import (
    ThreadSink,
    check_free_space,
    finalize,
    open_sink,
    prepare_part,
    write_error,
)


def test_prepare_part_creates_the_folder(tmp_path: Path) -> None:
    part = tmp_path / "Show" / "Season 01" / "e1.mkv.part"
    assert prepare_part(part, None) == 0
    assert part.parent.is_dir()


def test_prepare_part_reuses_a_part_no_longer_than_the_file(tmp_path: Path) -> None:
    part = tmp_path / "e1.mkv.part"
    part.write_bytes(b"x" * 10)
    assert prepare_part(part, 10) == 10
    assert prepare_part(part, None) == 10
    assert prepare_part(part, 9) == 0  # longer than the whole file: not its start
    assert not part.exists()


def test_prepare_part_discards_another_entrys_part(tmp_path: Path) -> None:
    part = tmp_path / "e1.mkv.part"
    part.write_bytes(b"x" * 10)
    assert prepare_part(part, None, discard=True) == -1
    assert not part.exists()
    assert prepare_part(part, None, discard=True) == 0  # nothing there: nothing discarded


@pytest.mark.parametrize(
    ("code", "kind", "words"),
    [
        (errno.ENOSPC, DiskFullError, "disk is full"),
        (errno.EACCES, LibraryWriteError, "permission denied"),
        (errno.EROFS, LibraryWriteError, "read-only"),
        (errno.ENOENT, LibraryWriteError, "network share connected"),
        (errno.EIO, LibraryWriteError, "input/output error"),
    ],
)
def test_write_errors_name_the_folder(tmp_path: Path, code: int, kind: type, words: str) -> None:
    error = write_error(OSError(code, os.strerror(code)), tmp_path)
    assert type(error) is kind
    assert words in error.message
    assert str(tmp_path) in error.message


def test_free_space_is_checked_with_the_reserve(tmp_path: Path) -> None:
    check_free_space(tmp_path, 1, 0)
    check_free_space(tmp_path, None, 0)
    with pytest.raises(DiskFullError, match="must stay free"):
        check_free_space(tmp_path, 1, 1 << 60)


async def test_a_resumed_sink_writes_after_the_kept_bytes(tmp_path: Path) -> None:
    part = tmp_path / "e1.mkv.part"
    part.write_bytes(b"kept" + b"torn tail")
    sink = open_sink(part, 4, tmp_path, in_thread=False, read_size=1024)
    assert sink.put(b"-new") is False  # the loop's sink never asks the reader to wait
    await sink.finish(sync=True)
    assert part.read_bytes() == b"kept-new"


async def test_the_thread_sink_holds_back_the_reader_past_half_a_read(tmp_path: Path) -> None:
    part = tmp_path / "e1.mkv.part"
    sink = open_sink(part, 0, tmp_path, in_thread=True, read_size=8)
    assert isinstance(sink, ThreadSink)
    busy = threading.Event()
    DiskWriter.shared().submit(lambda: busy.wait(10))  # the writer is behind until set
    assert sink.put(b"abc") is False  # 3 bytes queued: at most half a read (4)
    assert sink.put(b"def") is True  # 6 queued: the reader must wait
    room = asyncio.ensure_future(sink.room())
    await asyncio.sleep(0)
    assert not room.done()
    busy.set()
    await room
    await sink.finish(sync=True)
    assert part.read_bytes() == b"abcdef"


async def test_the_thread_sink_reports_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    part = tmp_path / "e1.mkv.part"
    sink = open_sink(part, 0, tmp_path, in_thread=True, read_size=8)

    def full(data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sink._file, "write", full)
    sink.put(b"abc")
    with pytest.raises(DiskFullError):
        await sink.finish(sync=True)


def test_finalize_syncs_before_it_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    part = tmp_path / "e1.mkv.part"
    destination = tmp_path / "e1.mkv"
    part.write_bytes(b"video")
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        steps.append("fsync")
        real_fsync(fd)

    def replace(source: Path, target: Path) -> None:
        steps.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(part_module.os, "fsync", fsync)
    monkeypatch.setattr(part_module.os, "replace", replace)
    finalize(part, destination, sync_part=True)
    assert destination.read_bytes() == b"video"
    assert not part.exists()
    assert steps[:2] == ["fsync", "rename"]


def test_finalize_of_a_missing_part_is_a_library_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryWriteError, match="does not exist"):
        finalize(tmp_path / "gone.part", tmp_path / "gone", sync_part=True)


@pytest.mark.skipif(
    not hasattr(os, "splice"), reason="splice(2) is Linux's; elsewhere no sink splices"
)
async def test_a_spliced_part_cancelled_in_its_final_fsync_is_closed_with_every_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    part = tmp_path / "e1.mkv.part"
    sink = open_sink(part, 0, tmp_path, in_thread=True, read_size=1 << 20)
    assert isinstance(sink, ThreadSink)
    sink.put(b"head-")  # through the writer, before the body is spliced
    await sink.start_splicing()
    body = b"spliced body"
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, body)
        sink.put_spliced(read_end, len(body))
    finally:
        os.close(read_end)
        os.close(write_end)
    syncing, go_on = threading.Event(), threading.Event()
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:  # a disk that takes its time with the final sync
        syncing.set()
        go_on.wait(10)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    finishing = asyncio.ensure_future(sink.finish(sync=True))
    assert await asyncio.to_thread(syncing.wait, 10)
    finishing.cancel()  # Pause or Cancel while the part is synced
    go_on.set()
    with pytest.raises(asyncio.CancelledError):
        await finishing
    # The writer closed the part before the cancel went on (a retry may reopen it at once),
    # and it holds every byte: the resume starts after them.
    assert sink._file.closed
    assert part.read_bytes() == b"head-" + body
