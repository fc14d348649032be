"""Kill a real downloading process at random moments and account for every byte it lost.

:class:`CrashSoak` starts a client command (the real ``run-once``, or :mod:`soak_worker`),
lets it download from a :class:`~tests.reliability.soak_server.SoakServer`, and at a moment
drawn from a seeded RNG stops it (SIGSTOP), asks the kernel what it had read from each
connection (:meth:`SoakServer.client_reads`), kills it (SIGKILL) and looks at what reached the
disk. The difference, per file, is what the killed process had received but not written: what
the next run has to fetch again. Everything else the server sent was still in kernel buffers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from aniworld_desktop.config import ProfilePaths, load_settings
from tests.integration.cli import cli_env
from tests.reliability.soak_server import SoakServer

__all__ = ["CrashSoak", "Kill", "SoakFile", "queue_errors", "queue_files", "queue_rows"]

START_TIMEOUT = 60.0  # seconds a run may take to start sending (a loaded 2-core machine)
FINISH_TIMEOUT = 180.0  # seconds the last, unkilled run may take


@dataclass(frozen=True)
class SoakFile:
    """A file the soak downloads.

    Attributes:
        name: Its name on the server.
        data: Its bytes.
        destination: Where the app puts it in the library.
    """

    name: str
    data: bytes
    destination: Path

    @property
    def part(self) -> Path:
        return self.destination.with_name(self.destination.name + ".part")

    def kept(self) -> int:
        """Bytes of it on disk: the whole file once in the library, else the part file."""
        if self.destination.exists():
            return self.destination.stat().st_size
        with contextlib.suppress(FileNotFoundError):
            return self.part.stat().st_size
        return 0


@dataclass
class Kill:
    """What one kill found.

    Attributes:
        number: 0 for the first kill.
        moment: When it landed, in words.
        early: It landed in the start-up rather than during the transfers.
        received: Per file: the furthest byte the process had read from the network.
        sent: Per file: the furthest byte the server had handed to the connection.
        kept: Per file: bytes on disk after the kill.
        requests: Per file: (start, bytes sent, bytes read) of each request of the run.
    """

    number: int
    moment: str
    early: bool
    received: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    requests: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)

    @property
    def lost(self) -> dict[str, int]:
        """Per file: bytes the process had read but not written; the next run fetches them."""
        return {
            name: max(0, received - self.kept[name]) for name, received in self.received.items()
        }

    @property
    def in_kernel(self) -> dict[str, int]:
        """Per file: bytes sent that the process never read (kernel socket buffers)."""
        return {name: self.sent[name] - self.received[name] for name in self.received}

    def mid_transfer(self, files: Sequence[SoakFile]) -> int:
        """How many files were partly on disk when this kill landed."""
        return sum(1 for f in files if 0 < self.kept[f.name] < len(f.data))

    def describe(self) -> str:
        worst = max(self.lost.values(), default=0)
        return (
            f"kill {self.number + 1} {self.moment}: kept {sorted(self.kept.values())}, "
            f"lost at most {worst} bytes, in kernel buffers {sorted(self.in_kernel.values())}"
        )


class CrashSoak:
    """Runs ``command`` against ``server`` again and again, killing it at random moments.

    Attributes:
        kills: What each kill found, in order.
    """

    def __init__(
        self,
        server: SoakServer,
        files: Sequence[SoakFile],
        command: Sequence[str],
        *,
        rng: Random,
        database: Path,
        log: Path,
        env: Mapping[str, str] | None = None,
        min_delay: float = 0.0,
        max_delay: float,
        early_every: int = 4,
        early_window: float = 1.0,
        group: bool = False,
    ) -> None:
        """Prepare a soak.

        Args:
            server: Serves ``files``.
            files: What the command downloads.
            command: The client, run as a child process each time.
            rng: Draws every kill moment.
            database: The profile's SQLite file, checked after every kill.
            log: The children's stdout and stderr go here.
            env: The children's environment.
            min_delay: Kills land at least this many seconds after the body bytes start
                flowing...
            max_delay: ...and at most this many.
            early_every: Every this many kills, starting with the second, one lands in the
                start-up instead (opening the database, putting interrupted items back, the
                first requests).
            early_window: Seconds after the start in which an early kill lands.
            group: Start the command in a session of its own and stop and kill the whole
                session: the app with its download process (``downloads/process.py``).
        """
        self.server = server
        self.files = list(files)
        self.command = list(command)
        self.rng = rng
        self.database = database
        self.log = log
        self.env = dict(env) if env is not None else None
        self.min_delay = min_delay
        self.max_delay = max_delay
        self.early_every = early_every
        self.early_window = early_window
        self.group = group
        self.kills: list[Kill] = []
        self.generation = 0

    async def kill_once(self) -> Kill:
        """Run the command once and kill it.

        Raises:
            AssertionError: The run ended by itself before its kill (finished, or failed: the
                log says which).
        """
        number = self.generation
        early = self.early_every > 0 and number % self.early_every == 1
        if early:
            delay = self.rng.uniform(0, self.early_window)
        else:
            delay = self.rng.uniform(self.min_delay, self.max_delay)
        self.server.generation = number
        self.generation += 1
        # A local file, opened in microseconds: not worth a thread.
        with open(self.log, "ab") as log:  # noqa: ASYNC230
            proc = await asyncio.create_subprocess_exec(
                *self.command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=self.env,
                start_new_session=self.group,
            )
        exited = asyncio.ensure_future(proc.wait())
        try:
            if early:
                moment = f"{delay:.2f} s after the start"
            else:
                flowing = asyncio.ensure_future(
                    self.server.wait_until(lambda: self.server.body_bytes(number) > 0)
                )
                await asyncio.wait(
                    {exited, flowing}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
                )
                flowing.cancel()
                moment = f"{delay:.2f} s into the transfers"
            await asyncio.wait({exited}, timeout=delay)
            if exited.done():
                raise AssertionError(
                    f"run {number + 1} ended by itself (exit code {proc.returncode}) before its "
                    f"kill: the downloads must outlast the kills (its output: {self.log})"
                )
            self._signal(proc.pid, signal.SIGSTOP)
            self.server.hold()
            try:
                requests = self.server.downloads(number)
                reads = await self.server.client_reads(requests)
            finally:
                self._signal(proc.pid, signal.SIGKILL)
                await exited
                self.server.release()
        finally:
            if not exited.done():
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await exited
        kill = Kill(number, moment, early)
        if self.group:
            await _gone(proc.pid)
        for file in self.files:
            mine = [r for r in requests if r.name == file.name]
            kill.kept[file.name] = file.kept()
            if mine:
                kill.received[file.name] = max(r.start + reads[id(r)] for r in mine)
                kill.sent[file.name] = max(r.start + r.body_sent for r in mine)
                kill.requests[file.name] = [(r.start, r.body_sent, reads[id(r)]) for r in mine]
        self.kills.append(kill)
        return kill

    def _signal(self, pid: int, sig: signal.Signals) -> None:
        """``sig`` to the process, or with ``group`` to every process of its session (the
        window's and its download process: a crash of the whole app)."""
        if self.group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)

    async def finish(
        self,
        command: Sequence[str] | None = None,
        *,
        env: Mapping[str, str] | None = None,
    ) -> tuple[int, str]:
        """Run the command (or another) to its end, unkilled; returns exit code and output."""
        self.server.generation = self.generation
        proc = await asyncio.create_subprocess_exec(
            *(command if command is not None else self.command),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=dict(env) if env is not None else self.env,
        )
        async with asyncio.timeout(FINISH_TIMEOUT):
            out, _ = await proc.communicate()
        assert proc.returncode is not None
        return proc.returncode, out.decode(errors="replace")

    def first_requests(self, generation: int) -> dict[str, tuple[int, bool]]:
        """Per file: (start, ranged) of its first download request in ``generation``."""
        first: dict[str, tuple[int, bool]] = {}
        for request in self.server.downloads(generation):
            first.setdefault(request.name, (request.start, request.ranged))
        return first


async def _gone(session: int) -> None:
    """Wait until no process of ``session`` is left (a killed download process is reaped by
    init, not by us): its files are closed, its bytes counted."""
    for _ in range(200):
        try:
            os.killpg(session, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"processes of session {session} outlived their SIGKILL")


def queue_rows(database: Path) -> list[tuple[int, int, str]]:
    """(season, episode, status) of every queue row, read straight from the SQLite file."""
    connection = sqlite3.connect(database)
    try:
        return list(
            connection.execute(
                "SELECT e.season, e.number, q.status FROM download_queue q "
                "JOIN episode e ON e.id = q.episode_id ORDER BY e.season, e.number, q.id"
            )
        )
    finally:
        connection.close()


def queue_errors(database: Path) -> list[str]:
    """The error of every queue row that has one, read straight from the SQLite file."""
    connection = sqlite3.connect(database)
    try:
        return [
            error for (error,) in connection.execute("SELECT error FROM download_queue") if error
        ]
    finally:
        connection.close()


def queue_files(rows: Sequence[tuple[int, int, str]]) -> Counter[tuple[int, int]]:
    """How many queue rows each episode has."""
    return Counter((season, episode) for season, episode, _ in rows)


async def queue_direct_links(profile: Path, urls: Sequence[str]) -> list[Path]:
    """Queue media links in ``profile`` as ``aniworld-desktop add URL`` does; returns the files'
    places in the library, in order. In-process: eight ``add`` processes would take seconds."""
    from aniworld_desktop.services import open_services

    paths = ProfilePaths.for_profile(profile)
    settings = load_settings(paths, environ={})
    destinations: list[Path] = []
    async with open_services(paths, settings, run_downloads=False) as services:
        for url in urls:
            result = await services.library.add_url(url, "direct")
            assert result.queued is not None and len(result.queued.added) == 1
            destinations.append(services.library_dir / result.queued.added[0].destination)
    return destinations


def child_env(**settings: str) -> dict[str, str]:
    """The environment of a soak child: our settings, nothing from the caller's ``ANIWORLD_*``."""
    return cli_env(**{f"ANIWORLD_{name.upper()}": value for name, value in settings.items()})
