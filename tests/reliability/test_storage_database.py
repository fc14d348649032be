"""Storage faults (issue 7): a corrupt database file at start, and one locked by another program.

A damaged file (garbage, zeros, a truncated copy of a real one, another program's SQLite file)
is kept aside as ``<name>.corrupt-<time>`` byte for byte, a new database is started, and the
user is told: on stderr by the command line, in ``Services.notices`` for the window. A database
locked by a real second process (``BEGIN EXCLUSIVE`` held by a Python child) makes writes wait
for the busy timeout; a lock let go in time loses nothing, one held longer is a sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.queue import QueueRequest
from aniworld_desktop.services import open_services
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.database import (
    HEAD_REVISION,
    DatabaseBusyError,
    DatabaseTooNewError,
    open_database,
)
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.integration.test_run_once import run_cli

# --------------------------------------------------------------------- corrupt at start


async def _database_with_rows(path: Path) -> None:
    """One of ours, with a series, an episode and a queue row, every page on disk."""
    engine = await open_database(path)
    try:
        catalog = CatalogRepository(engine)
        series = await catalog.ensure_series("Harbor Lights", "direct", "direct:hl", "Harbor")
        await catalog.update_series(series.id, description="x" * 200_000)  # a few pages more
        await _queue_one(engine, series.id)
    finally:
        await engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as conn:  # closed: no handle left open
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _queue_one(engine: object, series_id: int, number: int = 1) -> None:
    from aniworld_desktop.storage.catalog import NewEpisode

    catalog = CatalogRepository(engine)  # type: ignore[arg-type]
    (episode,) = await catalog.upsert_episodes(
        series_id, [NewEpisode(season=1, number=number, title="Fog", url=f"http://h/{number}")]
    )
    request = QueueRequest(
        episode_id=episode.id,
        key=EpisodeKey(series_id, 1, number),
        url=episode.url,
        destination=f"Harbor/S01E{number:02d}.mkv",
        series_title="Harbor Lights",
        title="Fog",
    )
    await SqlQueueRepository(engine).insert([request], first_position=number)  # type: ignore[arg-type]


def _foreign(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('somebody else''s data')")
        conn.commit()


async def _make(kind: str, path: Path) -> None:
    if kind == "truncated":
        await _database_with_rows(path)
    _damage(kind, path)


def _damage(kind: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "garbage":
        path.write_bytes(os.urandom(50_000))
    elif kind == "zeros":
        path.write_bytes(bytes(64 * 1024))
    elif kind == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "text":
        path.write_text("SQLite format 3 is what this file pretends to be\n" * 100)
    else:
        _foreign(path)


KINDS = ["garbage", "zeros", "truncated", "text", "foreign"]


@pytest.mark.parametrize("kind", KINDS)
async def test_a_corrupt_database_is_kept_aside_and_a_new_one_started(
    paths: ProfilePaths, kind: str
) -> None:
    await _make(kind, paths.database)
    original = paths.database.read_bytes()
    wal = paths.database.with_name(paths.database.name + "-wal")
    wal.write_bytes(b"a journal that belongs to the damaged file")
    settings = Settings().updated({"library_dir": str(paths.default_library)})
    async with open_services(paths, settings, run_downloads=False) as services:
        (notice,) = services.notices
        (kept,) = paths.data_dir.glob("aniworld.sqlite3.corrupt-*[0-9]")
        assert kept.read_bytes() == original  # never deleted, never changed
        assert kept.with_name(kept.name + "-wal").read_bytes().startswith(b"a journal")
        assert str(paths.database) in notice and kept.name in notice
        assert "new, empty database" in notice
        # The new database works.
        await services.library.add_url("http://127.0.0.1:9/Harbor.Lights.S01E01.mkv")
        assert [s.series.title for s in await services.library.list_series()] == ["Harbor Lights"]
    async with open_services(paths, settings, run_downloads=False) as services:
        assert services.notices == []  # said once; the new one is ours
        assert len(await services.library.list_series()) == 1
    assert len(list(paths.data_dir.glob("aniworld.sqlite3.corrupt-*[0-9]"))) == 1


async def test_corrupt_twice_in_one_second_keeps_both(paths: ProfilePaths) -> None:
    notices: list[str] = []
    for content in (b"first" * 1000, b"second" * 1000):
        paths.database.parent.mkdir(parents=True, exist_ok=True)
        paths.database.write_bytes(content)
        engine = await open_database(paths.database, notices=notices)
        await engine.dispose()
    kept = sorted(p.read_bytes() for p in paths.data_dir.glob("aniworld.sqlite3.corrupt-*"))
    assert len(notices) == 2
    assert kept == sorted([b"first" * 1000, b"second" * 1000])


async def test_a_healthy_database_is_never_set_aside(paths: ProfilePaths) -> None:
    await _database_with_rows(paths.database)
    original = paths.database.read_bytes()
    notices: list[str] = []
    engine = await open_database(paths.database, notices=notices)
    try:
        assert notices == []
        assert len(await SqlQueueRepository(engine).load()) == 1
    finally:
        await engine.dispose()
    assert not list(paths.data_dir.glob("*.corrupt-*"))
    assert len(paths.database.read_bytes()) == len(original)


async def test_a_database_from_a_newer_version_is_left_alone(paths: ProfilePaths) -> None:
    await _database_with_rows(paths.database)
    with contextlib.closing(sqlite3.connect(paths.database)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        conn.commit()
    original = paths.database.read_bytes()
    with pytest.raises(DatabaseTooNewError) as caught:
        await open_database(paths.database)
    assert "newer version" in str(caught.value) and "0099" in str(caught.value)
    assert HEAD_REVISION in str(caught.value)
    assert paths.database.read_bytes() == original
    assert not list(paths.data_dir.glob("*.corrupt-*"))


async def test_the_command_line_says_so_on_stderr(profile: Path) -> None:
    paths = ProfilePaths.for_profile(profile)
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    paths.database.write_bytes(os.urandom(20_000))
    code, out, err = await run_cli(profile, "list")
    assert code == 0, err
    assert "No series followed yet" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("aniworld-desktop: The library database ")
    assert "it is not a database file" in line and ".corrupt-" in line
    assert "Traceback" not in err
    code, out, err = await run_cli(profile, "list")
    assert (code, err) == (0, "")  # told once


# --------------------------------------------------------------------- locked by another program

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive-mode":
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute(
    "INSERT INTO app_state (key, value, updated_at)"
    " VALUES ('held-by', 'the other program', '2026-11-24 10:00:00')"
)
if sys.argv[2] == "exclusive-mode":
    conn.execute("SELECT count(*) FROM series").fetchone()  # takes the lock for reading too
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print("released", flush=True)
"""


class Holder:
    """A second process holding the database in ``BEGIN EXCLUSIVE`` until told to let go."""

    def __init__(self, path: Path, mode: str = "transaction") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "locked":
            self.process.kill()
            self.process.communicate(timeout=30)
            raise AssertionError("the holding process could not lock the database")

    def release(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        if self.process.poll() is None:
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            assert self.process.stdout.readline().strip() == "released"
        self.process.communicate(timeout=30)


@contextlib.contextmanager
def held(path: Path, mode: str = "transaction") -> Iterator[Holder]:
    holder = Holder(path, mode)
    try:
        yield holder
    finally:
        holder.release()


def _held_by(path: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        row = conn.execute("SELECT value FROM app_state WHERE key = 'held-by'").fetchone()
    return row[0] if row else None


async def test_a_lock_held_too_long_is_a_sentence_and_nothing_is_lost(
    paths: ProfilePaths,
) -> None:
    await _database_with_rows(paths.database)
    engine = await open_database(paths.database, busy_timeout_ms=300)
    try:
        repo = SqlQueueRepository(engine)
        before = await repo.load()
        with held(paths.database):
            assert len(await repo.load()) == 1  # reading goes on (WAL)
            with pytest.raises(DatabaseBusyError) as caught:
                await _queue_one(engine, before[0].key.series_id, number=2)
            message = str(caught.value)
            assert "Another program is using the library database" in message
            assert str(paths.database) in message and "0.3 seconds" in message
            assert "database is locked" not in message and "Error" not in message
            assert await repo.reset_interrupted() == 0  # asks first: no write, no wait
        # The other program's write and ours before it are there; the refused one is not.
        assert _held_by(paths.database) == "the other program"
        assert [i.id for i in await repo.load()] == [i.id for i in before]
        await _queue_one(engine, before[0].key.series_id, number=2)  # works again
        assert len(await repo.load()) == 2
    finally:
        await engine.dispose()


async def test_a_lock_let_go_in_time_loses_no_write(paths: ProfilePaths) -> None:
    await _database_with_rows(paths.database)
    engine = await open_database(paths.database, busy_timeout_ms=60_000)
    try:
        repo = SqlQueueRepository(engine)
        (first,) = await repo.load()
        with held(paths.database) as holder:
            write = asyncio.ensure_future(_queue_one(engine, first.key.series_id, number=2))
            await asyncio.sleep(0.5)
            assert not write.done()  # it waits for the lock, it does not fail
            await asyncio.to_thread(holder.release)
            await write
        items = await repo.load()
        assert [i.key.episode for i in items] == [1, 2]
        assert _held_by(paths.database) == "the other program"
    finally:
        await engine.dispose()


async def test_a_database_held_for_reading_too_cannot_be_opened_and_says_why(
    paths: ProfilePaths,
) -> None:
    await _database_with_rows(paths.database)
    original = paths.database.read_bytes()
    with held(paths.database, "exclusive-mode"):
        with pytest.raises(DatabaseBusyError, match="Another program is using"):
            engine = await open_database(paths.database, busy_timeout_ms=300)
            await engine.dispose()
        assert not list(paths.data_dir.glob("*.corrupt-*"))  # locked is not corrupt
    assert len(paths.database.read_bytes()) == len(original)
    engine = await open_database(paths.database)
    await engine.dispose()


async def test_the_command_line_reads_while_locked_and_refuses_writes_with_a_sentence(
    profile: Path,
) -> None:
    code, _, err = await run_cli(profile, "add", "http://127.0.0.1:9/Harbor.Lights.S01E01.mkv")
    assert code == 0, err
    database = ProfilePaths.for_profile(profile).database
    with held(database):
        code, out, err = await run_cli(profile, "queue", "--json")
        assert code == 0, err  # reading needs no lock
        started = time.monotonic()
        code, out, err = await run_cli(profile, "set-tmdb", "Harbor Lights", "1429")
        waited = time.monotonic() - started
        assert code == 2 and "Traceback" not in err
        (line,) = err.strip().splitlines()
        assert "Another program is using the library database" in line
        assert "within 5 seconds" in line
        assert waited >= 5  # it did wait for the busy timeout (a lower bound, not a limit)
        with contextlib.closing(sqlite3.connect(database)) as conn:
            assert conn.execute("SELECT tmdb_id FROM series").fetchone() == (None,)
    code, out, err = await run_cli(profile, "set-tmdb", "Harbor Lights", "1429")
    assert code == 0, err
    with contextlib.closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT tmdb_id FROM series").fetchone() == (1429,)


# --------------------------------------------------------------------- busy while downloading


async def _downloading(engine: Any, library: Path) -> tuple[Any, Any, str]:
    """A DownloadService over ``engine`` with one item held mid-download by its gate."""
    from aniworld_desktop.core.events import EventBus
    from aniworld_desktop.downloads.service import DownloadService
    from aniworld_desktop.library.service import queue_request
    from aniworld_desktop.storage.catalog import NewEpisode
    from tests.fakes import ScriptedDownloader

    catalog = CatalogRepository(engine)
    series = await catalog.ensure_series("Harbor Lights", "direct", "direct:hl", "Harbor")
    (episode,) = await catalog.upsert_episodes(
        series.id, [NewEpisode(season=1, number=1, title="Fog", url="http://h/1.mkv")]
    )
    downloader = ScriptedDownloader()
    downloader.gates[episode.url] = asyncio.Event()
    service = DownloadService(SqlQueueRepository(engine), EventBus(), downloader, library)
    await service.start()
    await service.add_to_queue([queue_request(series, episode)])
    await asyncio.wait_for(downloader.started[episode.url].wait(), 10)
    return service, downloader, episode.url


async def _stored_status(engine: Any) -> list[str]:
    return [item.status.value for item in await SqlQueueRepository(engine).load()]


async def test_a_busy_database_while_a_download_finishes_is_waited_for(
    paths: ProfilePaths, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """ "database is locked" is another program's doing, not a crashed download."""
    engine = await open_database(paths.database, busy_timeout_ms=100)
    try:
        service, downloader, url = await _downloading(engine, tmp_path / "library")
        with held(paths.database):
            downloader.gates[url].set()
            # The finished state meets the lock (a write waits 0.1 s, then is tried again).
            while "saving the queue failed" not in caplog.text:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await asyncio.wait_for(service.wait_idle(), 30)
        (item,) = service.items()
        assert (item.status.value, item.error) == ("completed", "")
        assert await _stored_status(engine) == ["completed"]
        assert "crashed" not in caplog.text and "unexpected error" not in caplog.text
        await service.stop()
    finally:
        await engine.dispose()


async def test_a_database_busy_for_long_keeps_the_state_in_memory_and_saves_it_later(
    paths: ProfilePaths,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import aniworld_desktop.downloads.service as service_module

    monkeypatch.setattr(service_module, "BUSY_RETRY_DELAYS", (0.01, 0.01))
    engine = await open_database(paths.database, busy_timeout_ms=100)
    try:
        service, downloader, url = await _downloading(engine, tmp_path / "library")
        with held(paths.database):
            downloader.gates[url].set()
            await asyncio.wait_for(service.wait_idle(), 30)
            (item,) = service.items()
            assert (item.status.value, item.error) == ("completed", "")
            assert "The queue database is busy" in caplog.text
            assert "kept in memory" in caplog.text
            assert "crashed" not in caplog.text
        assert await _stored_status(engine) == ["downloading"]  # the lock kept it out
        await service.stop()  # and the shutdown writes it
        assert await _stored_status(engine) == ["completed"]
    finally:
        await engine.dispose()
