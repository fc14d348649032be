"""DownloadService against a mock repository and a scripted downloader (no I/O)."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime

import pytest

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import (
    DownloadFailed,
    DownloadFinished,
    Event,
    EventBus,
    QueueEarlierChanged,
    QueueItemsAdded,
    QueueItemsUpdated,
    QueueItemUpdated,
)
from aniworld_desktop.core.queue import QueueRequest
from aniworld_desktop.core.status import DownloadStatus as S
from aniworld_desktop.downloads.errors import (
    DiskFullError,
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.service import DownloadService, Move
from tests.fakes import MemoryQueueRepository, ScriptedDownloader, make_requests


class Recorder:
    def __init__(self, bus):
        self.events: list[Event] = []
        bus.subscribe(Event, self.on_event)

    def on_event(self, event):
        self.events.append(event)

    def of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]


class Harness:
    def __init__(self, tmp_path, **options):
        self.repo = MemoryQueueRepository()
        self.bus = EventBus()
        self.recorder = Recorder(self.bus)
        self.downloader = ScriptedDownloader()
        self.sleeps: list[float] = []
        self.service = self.make_service(tmp_path, **options)

    def make_service(self, tmp_path, **options):
        async def fake_sleep(seconds):
            self.sleeps.append(seconds)

        defaults = dict(max_downloads=2, max_per_host=2, max_retries=3, retry_base_delay=2.0)
        defaults.update(options)
        return DownloadService(
            self.repo,
            self.bus,
            self.downloader,
            tmp_path / "library",
            sleep=fake_sleep,
            jitter=lambda: 0.5,
            **defaults,
        )

    async def queue_held(self, requests: list[QueueRequest]) -> asyncio.Event:
        """Start the service and queue ``requests``, every download held at one gate, which
        is returned (set it to let them finish)."""
        gate = asyncio.Event()
        for r in requests:
            self.downloader.gates[r.url] = gate
        await self.service.start()
        await self.service.add_to_queue(requests)
        return gate


@pytest.fixture
def harness(tmp_path):
    return Harness(tmp_path)


async def test_single_duplicate_is_skipped(harness):
    service = harness.service
    await service.start(run=False)
    first = await service.add_to_queue(make_requests(1))
    again = await service.add_to_queue(make_requests(1))
    assert len(first.added) == 1
    assert again.added == [] and again.duplicates == [EpisodeKey(1, 1, 1)]
    assert len(harness.repo.rows) == 1


async def test_duplicates_inside_one_batch_are_skipped(harness):
    await harness.service.start(run=False)
    batch = make_requests(3) + make_requests(2)
    result = await harness.service.add_to_queue(batch)
    assert [i.key.episode for i in result.added] == [1, 2, 3]
    assert result.duplicates == [EpisodeKey(1, 1, 1), EpisodeKey(1, 1, 2)]
    assert len(harness.recorder.of(QueueItemsAdded)) == 1


async def test_database_is_the_final_word_on_duplicates(harness, tmp_path):
    # Another process queued episode 2: the in-memory dict does not know, the repository does.
    await harness.repo.insert(make_requests(2)[1:], first_position=1)
    service = harness.service
    service._pending_by_episode.clear()
    service._started = False
    result = await service.add_to_queue(make_requests(3))
    assert [i.key.episode for i in result.added] == [1, 3]
    assert result.duplicates == [EpisodeKey(1, 1, 2)]


async def test_downloads_run_in_priority_order_and_complete(harness):
    service = harness.service
    harness.service.max_downloads = 1
    await service.start()
    await service.add_to_queue(make_requests(3))
    await asyncio.wait_for(service.wait_idle(), 5)
    assert harness.downloader.calls == [f"http://h/1/1/{n}.mp4" for n in (1, 2, 3)]
    assert {i.status for i in service.items()} == {S.COMPLETED}
    assert len(harness.recorder.of(DownloadFinished)) == 3
    # Finished items leave the in-memory index, so the episode may be queued again later.
    assert not service.is_queued(EpisodeKey(1, 1, 1))
    again = await service.add_to_queue(make_requests(1))
    assert len(again.added) == 1


async def test_worker_pool_and_per_host_limit(tmp_path):
    h = Harness(tmp_path, max_downloads=3, max_per_host=1)
    requests = make_requests(2, host="a") + make_requests(2, series_id=2, host="b")
    gate = await h.queue_held(requests)
    await asyncio.sleep(0.05)
    running = sorted(i.url for i in h.service.items() if i.status is S.DOWNLOADING)
    assert running == ["http://a/1/1/1.mp4", "http://b/2/1/1.mp4"]
    gate.set()
    await asyncio.wait_for(h.service.wait_idle(), 5)
    assert {i.status for i in h.service.items()} == {S.COMPLETED}


async def test_transient_errors_back_off_then_succeed(harness):
    url = "http://h/1/1/1.mp4"
    harness.downloader.outcomes[url] = [
        TransientDownloadError("The server had an error (500)."),
        TransientDownloadError("Too many requests (429).", retry_after=7.0),
    ]
    await harness.service.start()
    await harness.service.add_to_queue(make_requests(1))
    await asyncio.wait_for(harness.service.wait_idle(), 5)
    (item,) = harness.service.items()
    assert item.status is S.COMPLETED and item.error == ""
    # First retry: base 2 s with jitter 0.5 -> 1.5 s; second: Retry-After honoured exactly.
    assert harness.sleeps == [1.5, 7.0]
    assert harness.downloader.calls == [url] * 3


async def test_retries_are_bounded(harness):
    url = "http://h/1/1/1.mp4"
    harness.downloader.outcomes[url] = [TransientDownloadError("Connection reset.")] * 10
    await harness.service.start()
    await harness.service.add_to_queue(make_requests(1))
    await asyncio.wait_for(harness.service.wait_idle(), 5)
    (item,) = harness.service.items()
    assert item.status is S.FAILED
    assert item.error == "Connection reset."
    assert len(harness.downloader.calls) == 4  # the first try and max_retries=3 retries
    assert harness.service.failed_in_session == 1


async def test_permanent_failure_fails_at_once_with_the_reason(harness):
    url = "http://h/1/1/1.mp4"
    harness.downloader.outcomes[url] = [PermanentDownloadError("The file is gone (404).")]
    await harness.service.start()
    await harness.service.add_to_queue(make_requests(1))
    await asyncio.wait_for(harness.service.wait_idle(), 5)
    (item,) = harness.service.items()
    assert (item.status, item.error) == (S.FAILED, "The file is gone (404).")
    assert harness.sleeps == []
    (failed,) = harness.recorder.of(DownloadFailed)
    assert failed.reason == "The file is gone (404)."


async def test_pause_resume_cancel_retry(harness):
    url = "http://h/1/1/1.mp4"
    gate = asyncio.Event()
    harness.downloader.gates[url] = gate
    harness.downloader.outcomes[url] = [PermanentDownloadError("nope")]
    service = harness.service
    await service.start()
    (item,) = (await service.add_to_queue(make_requests(1))).added
    await asyncio.wait_for(harness.downloader.started[url].wait(), 5)
    assert service.get(item.id).status is S.DOWNLOADING

    (paused,) = await service.pause([item.id])
    assert paused.status is S.PAUSED
    assert service.is_queued(item.key)  # paused stays active
    assert await service.pause([item.id]) == []  # not allowed twice

    gate.set()
    await service.resume([item.id])
    await asyncio.wait_for(service.wait_idle(), 5)
    assert service.get(item.id).status is S.FAILED and service.get(item.id).error == "nope"

    (retried,) = await service.retry([item.id])
    assert retried.status in (S.PENDING, S.DOWNLOADING)
    await asyncio.wait_for(service.wait_idle(), 5)
    assert service.get(item.id).status is S.COMPLETED


async def test_cancel_removes_the_partial_file_and_frees_the_episode(harness, tmp_path):
    url = "http://h/1/1/1.mp4"
    harness.downloader.gates[url] = asyncio.Event()
    service = harness.service
    await service.start()
    (item,) = (await service.add_to_queue(make_requests(1))).added
    part = harness.downloader.part_path(tmp_path / "library" / item.destination)
    part.parent.mkdir(parents=True)
    part.write_bytes(b"partial")
    await asyncio.wait_for(harness.downloader.started[url].wait(), 5)
    (cancelled,) = await service.cancel([item.id])
    assert cancelled.status is S.CANCELLED
    assert not part.exists()
    assert not service.is_queued(item.key)
    assert (await service.add_to_queue(make_requests(1))).added  # may be queued again


async def test_retry_refuses_when_the_episode_was_queued_again(harness):
    url = "http://h/1/1/1.mp4"
    harness.downloader.outcomes[url] = [PermanentDownloadError("gone")]
    service = harness.service
    await service.start()
    (old,) = (await service.add_to_queue(make_requests(1))).added
    await asyncio.wait_for(service.wait_idle(), 5)
    await service.pause_all()
    harness.downloader.gates[url] = asyncio.Event()
    (new,) = (await service.add_to_queue(make_requests(1))).added
    assert await service.retry([old.id]) == []
    assert service.get(old.id).status is S.FAILED
    assert service.get(new.id).status.is_active()


async def test_remove_drops_rows_and_keeps_finished_files(harness, tmp_path):
    service = harness.service
    await service.start()
    items = (await service.add_to_queue(make_requests(2))).added
    await asyncio.wait_for(service.wait_idle(), 5)
    finished = tmp_path / "library" / items[0].destination
    finished.parent.mkdir(parents=True, exist_ok=True)
    finished.write_bytes(b"movie")
    assert await service.remove([items[0].id]) == [items[0].id]
    assert finished.exists()
    assert [i.id for i in service.items()] == [items[1].id]
    assert items[0].id not in harness.repo.rows


async def test_current_gives_items_as_they_are_now_without_the_removed(harness):
    service = harness.service
    await service.start(run=False)
    items = (await service.add_to_queue(make_requests(3))).added
    await service.pause([items[2].id])
    await service.remove([items[1].id])
    now = service.current([items[2].id, items[1].id, items[0].id])
    assert [i.id for i in now] == [items[2].id, items[0].id]  # asked order, the removed left out
    assert now[0].status is S.PAUSED and now[0] is service.get(items[2].id)
    assert service.current([]) == []


@pytest.mark.parametrize("action", ["cancel", "remove"])
async def test_part_files_are_deleted_off_the_loop_thread(harness, tmp_path, monkeypatch, action):
    """Deleting a big part waits for the file system (2 GiB: 1.4 s on ext4 with ``discard``):
    on the window's loop that would freeze the window, so it runs in a worker thread, and the
    call returns only once the part is gone (a new entry for the episode must not find it)."""
    service = harness.service
    await service.start(run=False)
    items = (await service.add_to_queue(make_requests(2))).added
    parts = [harness.downloader.part_path(tmp_path / "library" / i.destination) for i in items]
    for part in parts:
        part.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(b"partial")
    threads: dict[str, int] = {}
    real_unlink = type(parts[0]).unlink

    def unlink(self, missing_ok=False):
        threads[self.name] = threading.get_ident()
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(type(parts[0]), "unlink", unlink)
    ids = [i.id for i in items]
    await (service.cancel(ids) if action == "cancel" else service.remove(ids))
    assert not any(part.exists() for part in parts)
    assert set(threads) == {part.name for part in parts}
    assert threading.get_ident() not in threads.values()
    assert (await service.add_to_queue(make_requests(2))).added  # the episodes are free again


async def test_restart_recovery_puts_interrupted_items_back_and_resumes(harness, tmp_path):
    service = harness.service
    await service.start(run=False)
    (item,) = (await service.add_to_queue(make_requests(1))).added
    # A crash left the row "downloading".
    harness.repo.rows[item.id] = item.with_changes(status=S.DOWNLOADING, bytes_done=500)
    fresh = harness.make_service(tmp_path)
    await fresh.start(run=False)
    assert fresh.get(item.id).status is S.PENDING
    assert fresh.is_queued(item.key)
    assert fresh.get(item.id).bytes_done == 500
    fresh.start_workers()
    await asyncio.wait_for(fresh.wait_idle(), 5)
    assert fresh.get(item.id).status is S.COMPLETED


async def test_stop_leaves_running_items_pending_for_next_time(harness):
    url = "http://h/1/1/1.mp4"
    harness.downloader.gates[url] = asyncio.Event()
    await harness.service.start()
    (item,) = (await harness.service.add_to_queue(make_requests(1))).added
    await asyncio.wait_for(harness.downloader.started[url].wait(), 5)
    await harness.service.stop()
    assert harness.repo.rows[item.id].status is S.PENDING


@pytest.mark.parametrize(
    ("where", "selected", "expected"),
    [
        (Move.UP, [3], [1, 3, 2, 4]),
        (Move.UP, [1], [1, 2, 3, 4]),
        (Move.DOWN, [1, 2], [3, 1, 2, 4]),
        (Move.TOP, [3, 4], [3, 4, 1, 2]),
        (Move.BOTTOM, [1], [2, 3, 4, 1]),
    ],
)
async def test_move(harness, where, selected, expected):
    service = harness.service
    await service.start(run=False)
    items = (await service.add_to_queue(make_requests(4))).added
    ids = {n + 1: item.id for n, item in enumerate(items)}
    await service.move([ids[n] for n in selected], where)
    by_id = {v: k for k, v in ids.items()}
    assert [by_id[i.id] for i in service.items()] == expected
    assert len({i.position for i in service.items()}) == 4
    # The repository has the same order, so it survives a restart.
    stored = sorted(harness.repo.rows.values(), key=lambda i: i.position)
    assert [by_id[i.id] for i in stored] == expected


async def test_slots_changed_while_running_apply_at_once(tmp_path):
    # The settings dialog's OK: more slots start waiting downloads at once; fewer let the
    # running ones finish and start none until the count is below the new limit.
    h = Harness(tmp_path, max_downloads=1, max_per_host=1)
    requests = make_requests(4)
    gate = await h.queue_held(requests)
    await asyncio.wait_for(h.downloader.started[requests[0].url].wait(), 5)
    assert len(h.service._running) == 1
    h.service.set_slots(3, 3)
    for r in requests[1:3]:
        await asyncio.wait_for(h.downloader.started[r.url].wait(), 5)
    assert len(h.service._running) == 3
    h.service.set_slots(1, 1)
    assert len(h.service._running) == 3  # nothing running is stopped
    h.downloader.gates[requests[3].url] = asyncio.Event()  # the fourth: held once it starts
    gate.set()
    await asyncio.wait_for(h.downloader.started[requests[3].url].wait(), 5)
    # It started only once the three had finished (one slot now).
    assert [i.status for i in h.service.items()][:3] == [S.COMPLETED] * 3
    h.downloader.gates[requests[3].url].set()
    await asyncio.wait_for(h.service.wait_idle(), 5)
    assert {i.status for i in h.service.items()} == {S.COMPLETED}


async def test_moving_an_item_to_the_top_makes_it_next(tmp_path):
    h = Harness(tmp_path, max_downloads=1)
    await h.service.start(run=False)
    items = (await h.service.add_to_queue(make_requests(3))).added
    await h.service.move([items[2].id], Move.TOP)
    h.service.start_workers()
    await asyncio.wait_for(h.service.wait_idle(), 5)
    assert h.downloader.calls[0] == items[2].url


async def test_pause_all_resume_all_cancel_all(tmp_path):
    h = Harness(tmp_path, max_downloads=2)
    requests = make_requests(4)
    await h.queue_held(requests)
    await asyncio.wait_for(h.downloader.started[requests[1].url].wait(), 5)
    paused = await h.service.pause_all()
    assert len(paused) == 4
    assert {i.status for i in h.service.items()} == {S.PAUSED}
    assert not h.service._running  # nothing keeps running behind a "paused" row
    assert len(await h.service.resume_all()) == 4
    cancelled = await h.service.cancel_all()
    assert len(cancelled) == 4
    assert {i.status for i in h.service.items()} == {S.CANCELLED}
    assert not any(h.service.is_queued(r.key) for r in requests)
    assert {i.status for i in h.repo.rows.values()} == {S.CANCELLED}
    # Each of the three was one event for all four rows, not four.
    batches = h.recorder.of(QueueItemsUpdated)
    assert [len(b.items) for b in batches] == [4, 4, 4]
    assert [b.items[0].status for b in batches] == [S.PAUSED, S.PENDING, S.CANCELLED]


async def test_counts_follow_every_change(tmp_path):
    from collections import Counter

    h = Harness(tmp_path, max_downloads=1)
    gate = asyncio.Event()
    requests = make_requests(5)
    for r in requests:
        h.downloader.gates[r.url] = gate
    service = h.service

    def counted() -> Counter:
        return Counter(i.status for i in service.items())

    await service.start()
    added = await service.add_to_queue(requests)
    await asyncio.wait_for(h.downloader.started[requests[0].url].wait(), 5)
    assert service.counts() == counted() == Counter({S.DOWNLOADING: 1, S.PENDING: 4})
    ids = [i.id for i in added.added]
    await service.pause(ids[3:])
    await service.cancel(ids[2:3])
    updates = h.recorder.of(QueueItemUpdated)
    assert updates[-1].item.status is S.CANCELLED  # a single row: the single-item event
    assert service.counts() == counted()
    await service.remove(ids[2:4])
    assert service.counts() == counted() == Counter({S.DOWNLOADING: 1, S.PENDING: 1, S.PAUSED: 1})
    gate.set()
    await service.wait_idle()
    assert service.counts() == counted() == Counter({S.COMPLETED: 2, S.PAUSED: 1})


async def test_pausing_a_download_before_it_ever_ran_frees_its_slot(tmp_path):
    # Pause right after add: the worker task is cancelled before its first step, so only a
    # done callback (not a ``finally`` in the task) can give its slot back.
    h = Harness(tmp_path, max_downloads=1)
    await h.service.start()
    (item,) = (await h.service.add_to_queue(make_requests(1))).added
    await h.service.pause([item.id])
    assert not h.service._running
    await h.service.resume([item.id])
    await asyncio.wait_for(h.service.wait_idle(), 5)
    assert h.service.get(item.id).status is S.COMPLETED


@pytest.mark.parametrize(
    ("selected", "before", "expected"),
    [
        ([4], 2, [1, 4, 2, 3]),
        ([1, 3], 4, [2, 1, 3, 4]),
        ([2], None, [1, 3, 4, 2]),
        ([4, 1], 1, [1, 2, 3, 4]),  # dropped onto itself: nothing moves
    ],
)
async def test_move_before_is_what_a_drag_does(harness, selected, before, expected):
    service = harness.service
    await service.start(run=False)
    items = (await service.add_to_queue(make_requests(4))).added
    ids = {n + 1: item.id for n, item in enumerate(items)}
    by_id = {v: k for k, v in ids.items()}
    await service.move_before((ids[n] for n in selected), ids[before] if before else None)
    assert [by_id[i.id] for i in service.items()] == expected
    stored = sorted(harness.repo.rows.values(), key=lambda i: i.position)
    assert [by_id[i.id] for i in stored] == expected


async def test_a_write_under_way_is_not_cut_by_a_pause(tmp_path):
    """Pausing while the worker saves "downloading" waits for that write, then writes "paused"."""

    class SlowRepository(MemoryQueueRepository):
        def __init__(self):
            super().__init__()
            self.release = asyncio.Event()
            self.slow = False
            self.log: list[str] = []

        async def save(self, items):
            if self.slow and any(i.status is S.DOWNLOADING for i in items):
                self.slow = False
                await self.release.wait()  # the pause arrives right now
            self.log.extend(i.status.value for i in items)
            await super().save(items)

    h = Harness(tmp_path)
    h.repo = SlowRepository()
    h.service = h.make_service(tmp_path)
    h.downloader.gates["http://h/1/1/1.mp4"] = asyncio.Event()
    await h.service.start()
    h.repo.slow = True
    (item,) = (await h.service.add_to_queue(make_requests(1))).added
    await asyncio.sleep(0.01)  # the worker is inside its "downloading" write
    pause = asyncio.ensure_future(h.service.pause([item.id]))
    await asyncio.sleep(0.01)
    assert not pause.done()  # waiting for the write under way
    h.repo.release.set()
    await asyncio.wait_for(pause, 5)
    assert h.repo.log[-2:] == ["downloading", "paused"]
    assert h.repo.rows[item.id].status is S.PAUSED


async def test_a_reader_leaves_another_processs_running_row_alone(harness, tmp_path):
    """``queue --json`` during a run: no reset at start, nothing saved at stop."""
    await harness.service.start(run=False)
    (item,) = (await harness.service.add_to_queue(make_requests(1))).added
    harness.repo.rows[item.id] = item.with_changes(status=S.DOWNLOADING, bytes_done=500)
    saves = harness.repo.saves
    reader = harness.make_service(tmp_path)
    await reader.start(run=False, owner=False)
    assert reader.get(item.id).status is S.DOWNLOADING  # another process's running download
    await reader.stop()
    assert harness.repo.rows[item.id].status is S.DOWNLOADING
    assert harness.repo.saves == saves
    # With nobody holding the profile it was left by a crash: shown as pending, not written.
    idle = harness.make_service(tmp_path)
    await idle.start(run=False, owner=False, running_elsewhere=False)
    assert idle.get(item.id).status is S.PENDING
    await idle.stop()
    assert harness.repo.rows[item.id].status is S.DOWNLOADING
    assert harness.repo.saves == saves


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (PermanentDownloadError("The file is gone (404)."), True),
        (DiskFullError("The disk is full."), False),
        (LibraryWriteError("The library folder is read-only."), False),
        (TransientDownloadError("The server is busy (503)."), False),
    ],
)
async def test_only_the_sources_refusal_counts_as_failed_for_good(harness, error, permanent):
    url = "http://h/1/1/1.mp4"
    harness.downloader.outcomes[url] = [error] * 10
    await harness.service.start()
    await harness.service.add_to_queue(make_requests(1))
    await asyncio.wait_for(harness.service.wait_idle(), 5)
    (item,) = harness.service.items()
    assert (item.status, item.permanent) == (S.FAILED, permanent)
    assert harness.repo.rows[item.id].permanent is permanent
    (retried,) = await harness.service.retry([item.id])
    assert not retried.permanent


async def test_an_item_waiting_to_retry_holds_no_slot_and_can_be_paused(tmp_path):
    h = Harness(tmp_path, max_downloads=1)
    release = asyncio.Event()

    async def long_sleep(seconds):
        h.sleeps.append(seconds)
        await release.wait()

    h.service._sleep = long_sleep
    first, second = make_requests(2)
    h.downloader.outcomes[first.url] = [TransientDownloadError("Reset.")]
    await h.service.start()
    added = (await h.service.add_to_queue([first, second])).added
    await asyncio.wait_for(h.downloader.started[second.url].wait(), 5)
    # The second item ran in the only slot while the first one waited for its retry.
    waiting = h.service.get(added[0].id)
    assert waiting.status is S.PENDING and "Retrying in" in waiting.error
    assert h.sleeps == [1.5]
    (paused,) = await h.service.pause([added[0].id])
    assert paused.status is S.PAUSED
    release.set()
    await asyncio.wait_for(h.service.wait_idle(), 5)
    assert h.service.get(added[0].id).status is S.PAUSED  # the wait ended with the pause
    assert h.downloader.calls == [first.url, second.url]
    await h.service.resume([added[0].id])
    await asyncio.wait_for(h.service.wait_idle(), 5)
    assert h.service.get(added[0].id).status is S.COMPLETED


async def test_a_start_with_a_done_limit_leaves_earlier_history_in_the_database(tmp_path):
    """The window's start-up: the latest done rows only; the rest on request, as items."""
    first = Harness(tmp_path)
    rows = await first.repo.insert(make_requests(5), first_position=1)
    ends = {0: (S.COMPLETED, 1), 1: (S.COMPLETED, 2), 2: (S.COMPLETED, 3), 3: (S.CANCELLED, 4)}
    for n, (status, day) in ends.items():
        first.repo.rows[rows[n].id] = rows[n].with_changes(
            status=status, finished_at=datetime(2026, 1, day), position=50 if n == 0 else n + 1
        )
    harness = Harness(tmp_path)
    harness.repo = first.repo
    service = harness.make_service(tmp_path)
    await service.start(run=False, done_limit=2)
    assert [i.id for i in service.items()] == [rows[n].id for n in (2, 3, 4)]
    assert service.earlier() == {S.COMPLETED: 2}
    assert service.counts() == {S.COMPLETED: 1, S.CANCELLED: 1, S.PENDING: 1}
    # A new download goes after every stored row, the ones left out too.
    added = (await service.add_to_queue(make_requests(1, series_id=2))).added
    assert added[0].position == 51

    both = await asyncio.gather(service.load_earlier(), service.load_earlier())
    assert [[i.id for i in loaded] for loaded in both] == [[rows[1].id, rows[0].id], []]
    assert not service.earlier()
    assert [i.id for i in service.items()] == [rows[n].id for n in (1, 2, 3, 4, 0)] + [added[0].id]
    assert service.counts()[S.COMPLETED] == 3
    assert await service.remove([rows[0].id]) == [rows[0].id]
    assert rows[0].id not in harness.repo.rows


async def test_without_a_done_limit_every_row_loads(tmp_path):
    harness = Harness(tmp_path)
    rows = await harness.repo.insert(make_requests(3), first_position=1)
    harness.repo.rows[rows[0].id] = rows[0].with_changes(status=S.COMPLETED)
    await harness.service.start(run=False)
    assert len(harness.service.items()) == 3 and not harness.service.earlier()
    assert await harness.service.load_earlier() == []


async def test_earlier_rows_deleted_elsewhere_are_counted_again(tmp_path):
    harness = Harness(tmp_path)
    rows = await harness.repo.insert(make_requests(4), first_position=1)
    for row in rows[:3]:
        harness.repo.rows[row.id] = row.with_changes(status=S.COMPLETED)
    await harness.service.start(run=False, done_limit=1)
    assert harness.service.earlier() == {S.COMPLETED: 2}
    del harness.repo.rows[rows[0].id]  # a series' rows went with it, in SQL
    await harness.service.recount_earlier()
    assert harness.service.earlier() == {S.COMPLETED: 1}
    assert [e.count for e in harness.recorder.of(QueueEarlierChanged)] == [1]
    await harness.service.load_earlier()
    assert [e.count for e in harness.recorder.of(QueueEarlierChanged)] == [1, 0]
    assert len(harness.service.items()) == 3
