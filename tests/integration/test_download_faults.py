"""The fault matrix through the whole stack: DownloadService, SQLite queue, engine, real server.

Transient faults must end byte-exact after the service's own retries; permanent ones must fail
with a sentence and leave nothing in the library (no file, no part).
"""

from __future__ import annotations

import asyncio

import pytest

from aniworld_desktop.core.events import EventBus
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.downloads.engine import DownloadEngine
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import queue_request
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fault_server import FaultServer

SIZE = 600_000

TRANSIENT = {
    "reset mid-body": {"fault": "reset", "after": 200_000},
    "body shorter than Content-Length": {"fault": "short", "after": 250_000},
    "500 twice then OK": {"fault": "status", "code": 500, "times": 2},
    "503 with Retry-After": {"fault": "retry_after", "code": 503, "seconds": 0},
    "429 with Retry-After": {"fault": "retry_after", "code": 429, "seconds": 0},
    "Range ignored": {"fault": "ignore_range"},
    "stall": {"fault": "stall", "after": 100_000, "seconds": 5},
}
PERMANENT = {
    "404": ({"fault": "status", "code": 404}, "404"),
    "410": ({"fault": "status", "code": 410}, "410"),
    "403": ({"fault": "status", "code": 403}, "403"),
    "HTML instead of media": ({"fault": "html"}, "web page"),
}


@pytest.fixture
async def stack(database, tmp_path):
    library = tmp_path / "library"
    async with FaultServer(tmp_path / "srv") as server, DownloadEngine(stall_timeout=0.5) as engine:
        service = DownloadService(
            SqlQueueRepository(database),
            EventBus(),
            engine,
            library,
            max_retries=3,
            retry_base_delay=0.01,
        )
        await service.start()
        try:
            yield server, service, library, CatalogRepository(database)
        finally:
            await service.stop()


async def queue_one(catalog, service, url):
    series = await catalog.ensure_series("Harbor Lights", "direct", "direct:hl", "Harbor Lights")
    (episode,) = await catalog.upsert_episodes(series.id, [NewEpisode(1, 1, "Fog", url)])
    (item,) = (await service.add_to_queue([queue_request(series, episode)])).added
    return item


@pytest.mark.parametrize("query", TRANSIENT.values(), ids=TRANSIENT.keys())
async def test_transient_fault_recovers_byte_exact(stack, query):
    server, service, library, catalog = stack
    data = server.add_payload("ep.mkv", SIZE, seed=3)
    item = await queue_one(catalog, service, server.url("ep.mkv", **query))
    await asyncio.wait_for(service.wait_idle(), 30)
    done = service.get(item.id)
    assert (done.status, done.error) == (S.COMPLETED, "")
    path = library / item.destination
    assert path.read_bytes() == data
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no .part left behind
    if query["fault"] in ("reset", "short", "stall"):
        # The retry resumed where the first attempt stopped instead of starting over.
        assert server.ranges_for("ep.mkv")[-1] not in (None, "bytes=0-")


async def test_416_on_a_complete_part_finishes_without_downloading_again(stack):
    server, service, library, catalog = stack
    data = server.add_payload("ep.mkv", SIZE, seed=4)
    item = await queue_one(catalog, service, server.url("ep.mkv"))
    await service.pause([item.id])
    part = DownloadEngine.part_path(library / item.destination)
    part.parent.mkdir(parents=True, exist_ok=True)
    part.write_bytes(data)  # a crash right before the rename
    # As that run left the row: it began the part, so the server's validators (here: none)
    # and size were stored before the part's first byte; a part no row began is not continued.
    began = service.get(item.id).with_changes(
        etag="", last_modified="", bytes_done=SIZE, bytes_total=SIZE
    )
    service._items[item.id] = began
    await service._repo.save([began])
    await service.resume([item.id])
    await asyncio.wait_for(service.wait_idle(), 30)
    assert service.get(item.id).status is S.COMPLETED
    assert (library / item.destination).read_bytes() == data
    assert server.requests_for("ep.mkv")[-1].status == 416


@pytest.mark.parametrize(("query", "reason"), PERMANENT.values(), ids=PERMANENT.keys())
async def test_permanent_fault_fails_at_once_and_leaves_nothing(stack, query, reason):
    server, service, library, catalog = stack
    server.add_payload("ep.mkv", SIZE)
    item = await queue_one(catalog, service, server.url("ep.mkv", **query))
    await asyncio.wait_for(service.wait_idle(), 30)
    failed = service.get(item.id)
    assert failed.status is S.FAILED
    assert reason in failed.error
    assert len(server.requests_for("ep.mkv")) == 1  # no retry for a permanent failure
    assert not library.exists() or not any(p.is_file() for p in library.rglob("*"))
