"""One profile, one owner: real ``run-once`` processes against a loopback server with a gate.

The server holds every download at a gate the test opens, so "a run is downloading" is a
fact the test waits for, not a guess about timing: then a second ``run-once`` is refused with
who holds the profile, ``queue --json`` reads the running row without touching it, and a
SIGKILLed holder leaves a lock the next run simply takes (the kernel let go of it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.exitcodes import EXIT_LOCKED, EXIT_OK
from aniworld_desktop.storage.profile_lock import (
    LockHolder,
    ProfileLock,
    ProfileLockedError,
    hold_profile,
)
from tests.fault_server import make_payload
from tests.integration.cli import cli_env, cli_json

FILES = {f"Harbor.Lights.S01E0{n}.mkv": make_payload(60_000 + n, seed=n) for n in (1, 2, 3)}
WAIT = 60.0  # seconds a step may take on a busy machine before the test gives up


class GatedServer:
    """Serves ``FILES`` (Range included); every GET waits at :attr:`gate` while it is closed.

    Attributes:
        gets: GET requests per file name.
        waiting: GETs now held at the gate.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.gate = asyncio.Event()
        self.gets: Counter[str] = Counter()
        self.waiting = 0
        self._arrived = asyncio.Event()  # a GET is held at the gate
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> GatedServer:
        self.root.mkdir(parents=True, exist_ok=True)
        for name, data in FILES.items():
            (self.root / name).write_bytes(data)
        app = web.Application()
        app.router.add_get("/media/{name}", self._media)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.gate.set()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.gate.set()
        assert self._runner is not None
        await self._runner.cleanup()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/media/{name}"

    async def _media(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.gets[name] += 1
        self.waiting += 1
        self._arrived.set()
        try:
            await self.gate.wait()
        finally:
            self.waiting -= 1
        return web.FileResponse(self.root / name)

    def close_gate(self) -> None:
        """Hold the next downloads at the gate; :meth:`until_waiting` waits for the first."""
        self.gate.clear()
        self._arrived.clear()

    async def until_waiting(self) -> None:
        """Return once a download is held at the gate."""
        async with asyncio.timeout(WAIT):
            await self._arrived.wait()


async def start_cli(profile: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aniworld_desktop",
        "--profile",
        str(profile),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli_env(ANIWORLD_RETRY_BASE_DELAY="0.05"),
    )


async def finish(proc: asyncio.subprocess.Process) -> tuple[int, str, str]:
    async with asyncio.timeout(WAIT):
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def run_cli(profile: Path, *args: str) -> tuple[int, str, str]:
    return await finish(await start_cli(profile, *args))


def rows(profile: Path) -> list[tuple[str, str]]:
    """(url's file name, status) of every queue row, straight from the SQLite file."""
    connection = sqlite3.connect(ProfilePaths.for_profile(profile).database)
    try:
        return [
            (url.rsplit("/", 1)[1], status)
            for url, status in connection.execute(
                "SELECT url, status FROM download_queue ORDER BY id"
            )
        ]
    finally:
        connection.close()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[GatedServer]:
    async with GatedServer(tmp_path / "served") as running:
        yield running


async def queue_files(profile: Path, server: GatedServer) -> None:
    for name in FILES:
        code, _, err = await run_cli(profile, "add", server.url(name))
        assert code == EXIT_OK, err
    server.gets.clear()


def library_files(profile: Path) -> dict[str, bytes]:
    season = profile / "library" / "Harbor Lights" / "Season 01"
    return {p.name: p.read_bytes() for p in season.iterdir() if p.suffix == ".mkv"}


async def test_a_second_run_once_is_refused_and_every_file_is_fetched_once(
    profile: Path, server: GatedServer
) -> None:
    await queue_files(profile, server)
    server.close_gate()
    first = await start_cli(profile, "run-once")
    await server.until_waiting()  # the first run holds the profile and is downloading

    code, out, err = await run_cli(profile, "run-once")
    assert code == EXIT_LOCKED, err
    assert "Another run holds this profile" in err
    assert f"pid {first.pid}" in err and "'run-once'" in err and "since " in err
    assert "Traceback" not in err

    server.gate.set()
    code, out, err = await finish(first)
    assert code == EXIT_OK, err
    assert server.gets == Counter(dict.fromkeys(FILES, 1))  # each file once
    assert [status for _, status in rows(profile)] == ["completed"] * len(FILES)
    assert sorted(library_files(profile).values()) == sorted(FILES.values())


async def test_queue_json_during_a_run_leaves_the_running_row_alone(
    profile: Path, server: GatedServer
) -> None:
    await queue_files(profile, server)
    server.close_gate()
    run = await start_cli(profile, "run-once")
    await server.until_waiting()
    downloading = [name for name, status in rows(profile) if status == "downloading"]
    assert downloading, rows(profile)

    code, out, err = await run_cli(profile, "queue", "--json")
    assert code == EXIT_OK, err
    shown = {item["url"].rsplit("/", 1)[1]: item["status"] for item in cli_json(out, "queue")}
    assert all(shown[name] == "downloading" for name in downloading)
    code, out, err = await run_cli(profile, "list")  # another reader, same promise
    assert code == EXIT_OK, err
    # Neither reader wrote: the running rows are still running (the run may have started
    # another meanwhile; a reset would have put every one of them back to pending).
    still = [name for name, status in rows(profile) if status == "downloading"]
    assert set(downloading) <= set(still)

    server.gate.set()
    code, _, err = await finish(run)
    assert code == EXIT_OK, err
    assert server.gets == Counter(dict.fromkeys(FILES, 1))
    assert [status for _, status in rows(profile)] == ["completed"] * len(FILES)


async def test_the_next_run_takes_over_from_a_sigkilled_holder(
    profile: Path, server: GatedServer
) -> None:
    await queue_files(profile, server)
    server.close_gate()
    killed = await start_cli(profile, "run-once")
    await server.until_waiting()
    killed.send_signal(signal.SIGKILL)
    code, _, _ = await finish(killed)
    assert code == -signal.SIGKILL
    # The dead run's name is still in the file; its lock is not.
    lock = ProfileLock.of(ProfilePaths.for_profile(profile))
    holder = lock.holder()
    assert holder is not None and holder.pid == killed.pid and holder.command == "run-once"

    # A reader sees that nobody runs it any more: the row is shown as the pending it will be.
    code, out, err = await run_cli(profile, "queue", "--json")
    assert code == EXIT_OK, err
    assert "downloading" not in {item["status"] for item in cli_json(out, "queue")}
    assert "downloading" in {status for _, status in rows(profile)}  # shown, not written

    server.gate.set()
    code, out, err = await run_cli(profile, "run-once")
    assert code == EXIT_OK, err
    assert "3 completed, 0 failed" in out
    assert [status for _, status in rows(profile)] == ["completed"] * len(FILES)
    assert sorted(library_files(profile).values()) == sorted(FILES.values())


async def test_writing_commands_are_refused_while_the_window_holds_the_profile(
    profile: Path, server: GatedServer
) -> None:
    paths = ProfilePaths.for_profile(profile)
    with hold_profile(paths, "window"):
        # A new profile needs its database made first, which is the holder's to do.
        code, _, err = await run_cli(profile, "queue", "--json")
        assert code == EXIT_LOCKED, err
        assert not paths.database.exists()
    code, _, err = await run_cli(profile, "queue", "--json")  # nobody holds it: made now
    assert code == EXIT_OK, err
    with hold_profile(paths, "window"):
        code, _, err = await run_cli(profile, "add", server.url("Harbor.Lights.S01E01.mkv"))
        assert code == EXIT_LOCKED
        assert "the window" in err and f"pid {os.getpid()}" in err
        code, out, err = await run_cli(profile, "queue", "--json")  # readers are not refused
        assert code == EXIT_OK, err
        assert cli_json(out, "queue") == []
    code, _, err = await run_cli(profile, "add", server.url("Harbor.Lights.S01E01.mkv"))
    assert code == EXIT_OK, err


def test_one_lock_object_at_a_time_even_in_one_process(tmp_path: Path) -> None:
    first, second = ProfileLock(tmp_path), ProfileLock(tmp_path)
    assert not second.held_elsewhere()
    assert first.try_acquire("window")
    assert second.held_elsewhere() and not first.held_elsewhere()
    assert not second.try_acquire("run-once")
    with pytest.raises(ProfileLockedError) as refused:
        second.acquire("run-once")
    holder = refused.value.holder
    assert holder is not None
    assert (holder.pid, holder.command) == (os.getpid(), "window")
    assert "Another run holds this profile" in str(refused.value)
    first.release()
    assert first.holder() is None  # nobody holds it: no stale name
    assert not second.held_elsewhere()
    assert second.try_acquire("run-once")
    second.release()


def test_a_holder_line_that_cannot_be_read_names_no_one(tmp_path: Path) -> None:
    assert LockHolder.from_line("not json\n") is None
    assert LockHolder.from_line('{"command": "x"}') is None
    (tmp_path / "profile.lock").write_text("garbage")
    lock = ProfileLock(tmp_path)
    assert lock.holder() is None
    assert lock.try_acquire("add")  # garbage in the file is no lock
    assert lock.holder() is not None and lock.holder().command == "add"  # type: ignore[union-attr]
    lock.release()
