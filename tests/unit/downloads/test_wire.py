"""The window's download process, the parts that need no process: the wire's errors, how the
process is started, and the engine's refusals (these run everywhere; test_process.py runs it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aniworld_desktop.downloads import wire
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import (
    DiskFullError,
    DownloadError,
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.process import ProcessEngine, worker_command


async def test_download_outside_async_with_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="not running"):
        await ProcessEngine({}).download(DownloadRequest("http://127.0.0.1:9/x", tmp_path / "x"))


def test_part_path_is_the_engines() -> None:
    destination = Path("/lib/a.mkv")
    assert ProcessEngine.part_path(destination) == DownloadEngine.part_path(destination)


def test_the_bundle_starts_the_worker_through_its_own_executable(monkeypatch):
    assert worker_command(7, 5)[1:] == ["-m", "aniworld_desktop.downloads.worker", "7", "5"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert worker_command(7, 5)[1:] == ["--download-worker", "7", "5"]


@pytest.mark.parametrize(
    "error",
    [TransientDownloadError("slow down", retry_after=12.5),
     PermanentDownloadError("gone"),
     DiskFullError("The disk is full."),
     LibraryWriteError("read-only", folder=Path("/lib")),
     DownloadError("odd", retryable=True, retry_after=3.0)],
    ids=lambda e: type(e).__name__,
)  # fmt: skip
def test_errors_keep_type_and_fields_on_the_wire(error):
    back = wire.decode_error(wire.encode_error(error))
    assert type(back) is type(error)
    assert (back.message, back.retryable, back.retry_after) == (
        error.message, error.retryable, error.retry_after,
    )  # fmt: skip
    assert getattr(back, "folder", None) == getattr(error, "folder", None)


def test_an_unexpected_error_is_named_on_the_wire():
    back = wire.decode_error(wire.encode_error(KeyError("x")))
    assert isinstance(back, RuntimeError) and "KeyError" in str(back)


def test_the_apps_entry_point_knows_the_workers_option():
    from aniworld_desktop import app
    from aniworld_desktop.downloads.process import WORKER_OPTION

    assert app.DOWNLOAD_WORKER_OPTION == WORKER_OPTION
