"""A file that changes on the server between an interruption and its resume (issue 16, item 1).

The first attempt is cut off mid-body by the real loopback server; while the item waits for its
retry (or, in the last case, while the process is dead after SIGKILL) the server's file is
replaced by a new version. Whatever the server does with ``If-Range`` (honours it, ignores it,
has only Last-Modified, or no validators at all), the library must end with the new version
byte for byte: never the old start glued to the new rest.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import queue_request
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fault_server import FaultServer, make_payload
from tests.integration.cli import cli_json, kill_run_once_mid_download
from tests.integration.test_run_once import run_cli

SIZE = 400_000
CUT = 150_000  # body bytes the first attempt gets before the connection is reset
NAME = "ep.mkv"


class Swapper:
    """Replaces the served file with its new version once, when the service waits to retry."""

    def __init__(self, server: FaultServer, new: bytes, *, touch: bool) -> None:
        self.server = server
        self.new = new
        self.touch = touch
        self.swapped = False

    def swap(self) -> None:
        if self.swapped:
            return
        path = self.server.add_file(NAME, self.new)
        if self.touch:
            # A new Last-Modified: HTTP dates have whole seconds, a real edit is later than that.
            stat = path.stat()
            os.utime(path, (stat.st_atime + 10, stat.st_mtime + 10))
        self.swapped = True

    async def sleep(self, _seconds: float) -> None:
        self.swap()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[FaultServer]:
    async with FaultServer(tmp_path / "srv") as running:
        yield running


async def _service(
    database: Any, library: Path, engine: DownloadEngine, sleep: Any, retries: int = 3
) -> DownloadService:
    service = DownloadService(
        SqlQueueRepository(database),
        EventBus(),
        engine,
        library,
        max_retries=retries,
        retry_base_delay=0.01,
        sleep=sleep,
    )
    await service.start()
    return service


async def _queue(database: Any, service: DownloadService, url: str, size: int | None) -> int:
    catalog = CatalogRepository(database)
    series = await catalog.ensure_series("Harbor Lights", "direct", "direct:hl", "Harbor Lights")
    (episode,) = await catalog.upsert_episodes(series.id, [NewEpisode(1, 1, "Fog", url, size=size)])
    (item,) = (await service.add_to_queue([queue_request(series, episode)])).added
    return item.id


CASES = {
    # name: (validators, if_range, new size, touch the file's time)
    "same size, ETag": ("etag", None, SIZE, False),
    "bigger, ETag": ("etag", None, SIZE + 123_457, False),
    "smaller, both validators": ("both", None, SIZE - 100_000, True),
    "Last-Modified only, same size": ("modified", None, SIZE, True),
    "ignores If-Range, same size": ("etag", "ignore", SIZE, False),
    "ignores If-Range, Last-Modified only": ("modified", "ignore", SIZE, True),
    "no validators, bigger": ("none", None, SIZE + 50_000, False),
}


@pytest.mark.parametrize(
    ("validators", "if_range", "new_size", "touch"), CASES.values(), ids=CASES.keys()
)
async def test_a_file_changed_before_the_resume_ends_as_the_new_version(
    database: Any,
    tmp_path: Path,
    server: FaultServer,
    caplog: pytest.LogCaptureFixture,
    validators: str,
    if_range: str | None,
    new_size: int,
    touch: bool,
) -> None:
    old = server.add_payload(NAME, SIZE, seed=1)
    new = make_payload(new_size, seed=2)
    assert new[:CUT] != old[:CUT]
    query: dict[str, object] = {"validators": validators, "fault": "reset", "after": CUT}
    if if_range:
        query["if_range"] = if_range
    url = server.url(NAME, **query)
    swapper = Swapper(server, new, touch=touch)
    library = tmp_path / "library"
    caplog.set_level(logging.INFO, logger="aniworld_desktop")
    async with DownloadEngine(stall_timeout=5.0) as engine:
        service = await _service(database, library, engine, swapper.sleep)
        try:
            # The source announced the old size: it must not keep the new one out.
            item_id = await _queue(database, service, url, SIZE)
            await asyncio.wait_for(service.wait_idle(), 30)
            item = service.get(item_id)
        finally:
            await service.stop()
    assert swapper.swapped
    assert (item.status, item.error) == (S.COMPLETED, "")
    destination = library / item.destination
    assert destination.read_bytes() == new
    assert not DownloadEngine.part_path(destination).exists()

    requests = server.requests_for(NAME)
    first, second = requests[0], requests[1]
    assert first.range is None
    # The resume asked for the rest, with the first answer's validator when there was one.
    assert second.range == f"bytes={CUT}-"
    sent_if_range = second.headers.get("If-Range")
    if validators == "none":
        assert sent_if_range is None
    else:
        assert sent_if_range is not None
    if validators != "none" and if_range != "ignore":
        # The server saw the change and sent the whole new file at once.
        assert second.status == 200 and len(requests) == 2
    else:
        # A 206 of the new version was refused; the file was fetched again from its start.
        assert second.status == 206
        assert requests[-1].range is None and requests[-1].status == 200
    assert "changed on the server" in caplog.text or second.status == 200

    # The row now describes the new version, and its size is the new one.
    (row,) = [i for i in await SqlQueueRepository(database).load() if i.id == item_id]
    assert row.bytes_total == new_size and row.status is S.COMPLETED


async def test_the_server_ignoring_if_range_is_said_in_the_log(
    database: Any, tmp_path: Path, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.add_payload(NAME, SIZE, seed=1)
    new = make_payload(SIZE, seed=2)
    url = server.url(NAME, validators="etag", if_range="ignore", fault="reset", after=CUT)
    swapper = Swapper(server, new, touch=False)
    caplog.set_level(logging.INFO, logger="aniworld_desktop")
    async with DownloadEngine(stall_timeout=5.0) as engine:
        service = await _service(database, tmp_path / "library", engine, swapper.sleep)
        try:
            item_id = await _queue(database, service, url, None)
            await asyncio.wait_for(service.wait_idle(), 30)
        finally:
            await service.stop()
    assert service.get(item_id).status is S.COMPLETED
    (line,) = [r.getMessage() for r in caplog.records if "changed on the server" in r.getMessage()]
    assert "ETag" in line and "starting again from the beginning" in line


async def test_a_failed_row_removed_leaves_no_part_and_a_new_row_fetches_the_new_file(
    database: Any, tmp_path: Path, server: FaultServer
) -> None:
    """No validators and the same size: only the part's owner may continue it."""
    server.add_payload(NAME, SIZE, seed=1)
    new = make_payload(SIZE, seed=2)
    url = server.url(NAME, validators="none", fault="reset", after=CUT, times=2)
    library = tmp_path / "library"

    async def no_wait(_seconds: float) -> None:
        return None

    async with DownloadEngine(stall_timeout=5.0) as engine:
        service = await _service(database, library, engine, no_wait, retries=0)
        try:
            first = await _queue(database, service, url, None)
            await asyncio.wait_for(service.wait_idle(), 30)
            failed = service.get(first)
            assert failed.status is S.FAILED
            part = DownloadEngine.part_path(library / failed.destination)
            assert part.stat().st_size == CUT  # kept: a Retry of this row continues it

            server.add_file(NAME, new)
            # Queued again while the failed row stays as history: the part is not the new
            # row's, so it is not continued (the server would send the new file's rest).
            second = await _queue(database, service, url, None)
            await asyncio.wait_for(service.wait_idle(), 30)
            assert service.get(second).status is S.FAILED  # the second cut (times=2)
            assert part.stat().st_size == CUT
            assert server.ranges_for(NAME)[-1] is None

            await service.remove([first, second])
            assert not part.exists()  # removed rows take their part with them

            third = await _queue(database, service, url, None)
            await asyncio.wait_for(service.wait_idle(), 30)
            assert service.get(third).status is S.COMPLETED
        finally:
            await service.stop()
    assert (library / failed.destination).read_bytes() == new


async def test_a_changed_file_after_sigkill_ends_as_the_new_version(
    profile: Path, tmp_path: Path
) -> None:
    """Killed mid-download, the file replaced meanwhile, run again: the new version."""
    destination = profile / "library/Harbor Lights/Season 01/Harbor Lights - S01E01.mkv"
    part = destination.with_name(destination.name + ".part")
    size = 1_500_000
    async with FaultServer(tmp_path / "srv") as server:
        server.add_payload("Harbor.Lights.S01E01.mkv", size, seed=7)
        new = make_payload(size, seed=8)
        url = server.url("Harbor.Lights.S01E01.mkv", validators="etag", rate=500_000)
        code, _, err = await run_cli(profile, "add", url)
        assert code == 0, err
        await kill_run_once_mid_download(profile, part)
        kept = part.stat().st_size
        assert 0 < kept < size

        server.add_file("Harbor.Lights.S01E01.mkv", new)
        code, out, err = await run_cli(profile, "run-once", "--json")
        assert code == 0, err
        (item,) = cli_json(out, "queue")
        assert item["status"] == "completed"
        assert destination.read_bytes() == new
        resumed = server.requests_for("Harbor.Lights.S01E01.mkv")[-1]
        # It asked to continue, if the file was still the same; the server sent all of it.
        assert resumed.range == f"bytes={kept}-"
        assert resumed.headers.get("If-Range", "").startswith('"')
        assert resumed.status == 200
