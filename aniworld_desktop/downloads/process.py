"""The download engine in a process of its own, for the window (issue 17).

In the window's process the download thread shares the GIL with the window's thread, and the
window's thread waits for it: measured (``ui_responsiveness.py``, six interleaved pairs, see
ARCHITECTURE "The downloads in a process of their own"), with the downloads here the window's
loop under the benchmark's CPU-bound job was late 12.9 ms at p99 (median of the runs) instead
of 15.8 ms, and its worst tick within 50 ms in four runs of six instead of one.

:class:`ProcessEngine` has the engine's interface (``download``, ``part_path``, ``async
with``), as :class:`~aniworld_desktop.downloads.thread.ThreadedEngine` has, so
:class:`~aniworld_desktop.downloads.service.DownloadService` takes it as it is. The process
(``downloads/worker.py``) starts with the first download and runs below the window (nice).
Progress and the new part's validators come back as messages; ``on_new_part`` runs here and
the download waits for it, as before. Cancelling returns only once the process has stopped
that download (its part file closed). A process that dies fails its running downloads as
transient, so the queue retries them; the next download starts a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import logging
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aniworld_desktop.downloads.engine import (
    DownloadEngine,
    DownloadRequest,
    DownloadResult,
    NewPartCallback,
    ProgressCallback,
)
from aniworld_desktop.downloads.errors import TransientDownloadError
from aniworld_desktop.downloads.thread import wait_uncancellable
from aniworld_desktop.downloads.wire import decode_error, encode_error, frame, read_message

__all__ = ["ProcessEngine", "process_available", "worker_command"]

log = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0  # seconds the process gets to stop its downloads at exit before it is killed
START_TIMEOUT = (
    60.0  # seconds it may take to import and open its engine (a slow disk, a cold cache)
)
WORKER_OPTION = "--download-worker"  # the bundle's executable runs the worker with it
DIED = "The download process stopped unexpectedly; the download will be tried again."


def process_available() -> bool:
    """Whether a download process can be started here (a POSIX system: a socket pair whose
    end the child inherits); elsewhere the downloads keep a thread of the window's process."""
    return os.name == "posix" and hasattr(socket, "AF_UNIX")


def worker_command(fd: int, nice: int) -> list[str]:
    """How to start the download process with socket ``fd``: the interpreter with the worker's
    module, or a bundle's own executable (PyInstaller has no ``python -m``) with its option."""
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_OPTION, str(fd), str(nice)]
    return [sys.executable, "-m", "aniworld_desktop.downloads.worker", str(fd), str(nice)]


@dataclass(slots=True)
class _Job:
    outcome: asyncio.Future[DownloadResult]
    on_progress: ProgressCallback | None
    on_new_part: NewPartCallback | None


class _Child:
    """One running download process and its end of the socket pair."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer
        self.jobs: dict[int, _Job] = {}
        self.listener: asyncio.Task[None] | None = None
        self.shut = False  # no more messages to it: it is stopping, or gone
        self.stopping = False  # we asked it to stop

    def send(self, *message: Any) -> None:
        if self.shut or self.writer.is_closing():
            raise ConnectionError("the download process has gone")
        self.writer.write(frame(message))


class ProcessEngine:
    """Runs a :class:`DownloadEngine` in a process of its own (see the module).

    Args:
        options: The engine's keyword arguments, ``speed_limit`` (bytes a second, 0 for none)
            instead of a limiter; plain values only, they are sent to the process.
        nice: Nice steps the process runs below this one.
    """

    def __init__(self, options: dict[str, Any], *, nice: int = 0) -> None:
        self._options = dict(options)
        self._nice = nice
        self._child: _Child | None = None
        self._starting: asyncio.Lock | None = None
        self._open = False
        self._ids = itertools.count(1)
        self._stores: set[asyncio.Task[None]] = set()
        self._listeners: set[asyncio.Task[None]] = set()  # a dead process's until it is reaped

    @staticmethod
    def part_path(destination: Path) -> Path:
        return DownloadEngine.part_path(destination)

    @property
    def pid(self) -> int | None:
        """The download process's id while it runs and serves."""
        child = self._child
        if child is None or child.shut or child.process.poll() is not None:
            return None
        return child.process.pid

    async def __aenter__(self) -> Self:
        self._open = True
        self._starting = asyncio.Lock()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open = False
        child, self._child = self._child, None
        if child is not None:
            await self._stop(child)
        # Earlier processes that died: reaped (and reported) before this returns.
        await asyncio.gather(*self._listeners, return_exceptions=True)
        for task in list(self._stores):
            task.cancel()
        await asyncio.gather(*self._stores, return_exceptions=True)

    def set_speed_limit(self, bytes_per_second: int) -> None:
        """Limit the downloads (running ones included) to ``bytes_per_second`` together, 0 for
        none: told to the running process, and kept for a process started later."""
        self._options["speed_limit"] = bytes_per_second
        child = self._child
        if child is not None and not child.shut:
            with contextlib.suppress(ConnectionError, OSError):
                child.send("limit", bytes_per_second)

    async def start(self) -> None:
        """Start the process now rather than with the first download (its imports then run
        while the caller does other work)."""
        if not self._open:
            raise RuntimeError("the download process is not running (use 'async with')")
        await self._running_child()

    async def download(
        self,
        request: DownloadRequest,
        on_progress: ProgressCallback | None = None,
        on_new_part: NewPartCallback | None = None,
    ) -> DownloadResult:
        """Download ``request`` in the download process; the callbacks run on this loop."""
        if not self._open:
            raise RuntimeError("the download process is not running (use 'async with')")
        child = await self._running_child()
        job_id = next(self._ids)
        job = _Job(asyncio.get_running_loop().create_future(), on_progress, on_new_part)
        child.jobs[job_id] = job
        # Plain values only cross over: the headers as a dict, whatever mapping they came in.
        request = dataclasses.replace(request, headers=dict(request.headers))
        try:
            child.send("start", job_id, request)
        except ConnectionError:
            child.jobs.pop(job_id, None)
            raise TransientDownloadError(DIED) from None
        try:
            return await asyncio.shield(job.outcome)
        except asyncio.CancelledError:
            with contextlib.suppress(ConnectionError):
                child.send("cancel", job_id)
            # Only once it has stopped is its partial file closed, and the caller may touch it.
            await wait_uncancellable(job.outcome)
            raise
        finally:
            child.jobs.pop(job_id, None)

    # ----------------------------------------------------------------- the process

    async def _running_child(self) -> _Child:
        assert self._starting is not None
        async with self._starting:
            child = self._child
            if child is not None and not child.shut and not child.writer.is_closing():
                return child
            self._child = child = await self._spawn()
            return child

    async def _spawn(self) -> _Child:
        ours, theirs = socket.socketpair()
        try:
            command = worker_command(theirs.fileno(), self._nice)
            process = await asyncio.to_thread(
                subprocess.Popen,
                command,
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            ours.close()
            reason = exc.strerror or str(exc)
            message = f"The download process could not start ({reason})."
            raise TransientDownloadError(message) from exc
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        writer: asyncio.StreamWriter | None = None
        try:
            reader, writer = await asyncio.open_unix_connection(sock=ours)
            child = _Child(process, reader, writer)
            limit = self._options.get("speed_limit", 0)
            child.send("open", self._options)
            async with asyncio.timeout(START_TIMEOUT):
                while (ready := await read_message(reader)) is not None and ready[0] == "log":
                    self._handle(child, ready)
            if ready is None or ready[0] != "ready":
                raise ConnectionError("it ended before it was ready")
            if self._options.get("speed_limit", 0) != limit:  # set while it started
                child.send("limit", self._options["speed_limit"])
        except BaseException as exc:
            # Whatever went wrong, no process is left behind.
            if writer is not None:
                writer.close()
            else:
                ours.close()
            process.kill()
            await asyncio.to_thread(_reap, process)
            if isinstance(exc, (OSError, TimeoutError)):
                raise TransientDownloadError("The download process could not start.") from exc
            raise
        child.listener = asyncio.create_task(self._listen(child), name="download-process")
        self._listeners.add(child.listener)
        child.listener.add_done_callback(self._listeners.discard)
        log.debug("download process %s started", process.pid)
        return child

    async def _listen(self, child: _Child) -> None:
        try:
            while (message := await read_message(child.reader)) is not None:
                self._handle(child, message)
        except Exception as exc:  # a broken stream (or message): the process is no use now
            log.warning("lost the download process: %s", exc)
            child.process.kill()
        finally:
            # It exited (or was killed): what was running there is not finished.
            child.shut = True
            running = [job for job in child.jobs.values() if not job.outcome.done()]
            for job in running:
                job.outcome.set_exception(TransientDownloadError(DIED))
            child.writer.close()
            code = await asyncio.to_thread(_reap, child.process)
            if not child.stopping:
                log.warning(
                    "The download process stopped unexpectedly (exit status %s); %d running "
                    "download(s) will be tried again.",
                    code,
                    len(running),
                )

    def _handle(self, child: _Child, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "log":
            _, name, level, text = message
            logging.getLogger(name).log(level, "%s", text)
            return
        job = child.jobs.get(message[1])
        if job is None:
            return  # a download whose caller has gone
        if kind == "progress":
            if job.on_progress is not None:
                try:
                    job.on_progress(message[2], message[3])
                except Exception:  # the caller's bug: the download and the others go on
                    log.exception("a progress report failed")
        elif kind == "new_part":
            store = asyncio.create_task(self._store(child, message[1], job, message[2]))
            self._stores.add(store)
            store.add_done_callback(self._stores.discard)
        elif job.outcome.done():
            return
        elif kind == "result":
            job.outcome.set_result(message[2])
        elif kind == "error":
            job.outcome.set_exception(decode_error(message[2]))
        elif kind == "cancelled":
            job.outcome.cancel()

    async def _store(self, child: _Child, job_id: int, job: _Job, validators: Any) -> None:
        error: tuple[Any, ...] | None = None
        try:
            if job.on_new_part is not None:
                await job.on_new_part(validators)
        except Exception as exc:  # the download fails with it, as if it had run there
            error = encode_error(exc)
        with contextlib.suppress(ConnectionError):
            child.send("part_stored", job_id, error)

    async def _stop(self, child: _Child) -> None:
        """Close our half: the process cancels its downloads, answers for each once it has
        stopped, and exits; the listener hears the answers, then the end."""
        child.shut = child.stopping = True
        with contextlib.suppress(ConnectionError, OSError):
            if child.writer.can_write_eof():
                child.writer.write_eof()
            else:
                child.writer.close()
        if child.listener is not None:
            try:
                await asyncio.wait_for(asyncio.shield(child.listener), STOP_TIMEOUT)
            except TimeoutError:
                log.warning("the download process did not stop within %.0f s", STOP_TIMEOUT)
                child.process.kill()
                await child.listener


def _reap(process: subprocess.Popen[bytes]) -> int:
    """Wait for ``process`` to exit (it does once its input closes), killing it if it hangs;
    its exit status."""
    try:
        return process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
