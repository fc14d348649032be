"""Indexing a film list in a process of its own, so the window's event loop never waits for it.

Reading and indexing 700,000 films is 15-20 CPU-seconds of Python (the JSON events, one tuple
per film) and SQLite. On a worker thread it shares the interpreter's lock with the loop: each
time the loop wants the lock back it waits up to a switch interval, and on a loaded machine the
worst waits added up to 40-180 ms (tests/benchmarks/mediathek_index.py measured it), against the
window's 50 ms goal. In a child process the loop only waits on a pipe.

A fork of a process with Qt's threads is not safe, so the child comes from multiprocessing's
fork server where there is one (Linux, macOS): a small clean process, started at the first
refresh with the film list modules imported, that forks a child per list in milliseconds. A
fresh interpreter importing them (``spawn``, the only way on Windows) takes 0.5-1 s here, which
the diff list's 1 s would feel. The child runs one :class:`~.store.FilmIndex` method and sends
back its result or its exception. If the loop's task is cancelled (the app quits) the child
is terminated; the index's own rules (a full list built aside and renamed, a diff in one
transaction) leave the live index whole either way. The child runs at a lower priority
(``nice`` 10): on a machine whose cores are all busy, the window's process is scheduled first.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

from aniworld_desktop.providers.base import ProviderError
from aniworld_desktop.providers.mediathek.store import Applied, FilmIndex, remove_unfinished

if TYPE_CHECKING:
    import multiprocessing.connection
    import multiprocessing.context
    import multiprocessing.process

log = logging.getLogger(__name__)

Operation = Literal["replace", "apply_diff"]
_JOIN_SECONDS = 5.0
_NICE = 10  # the indexing process's lower priority (POSIX), as a background job's
_MAXRSS_BYTES = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB


@dataclass(frozen=True, slots=True)
class ChildUsage:
    """What the indexing process used.

    Attributes:
        peak_rss: Its peak resident memory in bytes.
        cpu_seconds: Its CPU time (user and system).
    """

    peak_rss: int
    cpu_seconds: float


def _child_main(
    pipe: multiprocessing.connection.Connection,
    operation: Operation,
    index_path: str,
    source: str,
    url: str,
    etag: str | None,
    last_modified: str | None,
    now: datetime | None,
) -> None:  # pragma: no cover - runs in the child process (covered by the tests through it)
    # One bounded job in a process that ends after it: its films and rows are freed by their
    # reference counts, and the cycle collector only walked them (a tenth of a diff's CPU).
    gc.disable()
    if hasattr(os, "nice"):
        # Background work: when the cores are busy, the window's process goes first.
        with contextlib.suppress(OSError):
            os.nice(_NICE)
    if sys.platform != "win32":
        # A cancelled refresh terminates this process: unwind, so that the half-built file is
        # removed (on Windows terminate() ends it at once; the parent removes the file then).
        signal.signal(signal.SIGTERM, _terminated)
    index = FilmIndex(Path(index_path))
    try:
        if operation == "replace":
            value: object = index.replace(
                Path(source), url=url, etag=etag, last_modified=last_modified, now=now
            )
        else:
            value = index.apply_diff(
                Path(source), url=url, etag=etag, last_modified=last_modified, now=now
            )
        result: tuple[str, object] = ("ok", value)
    except _Terminated:
        index.close()
        return
    except BaseException as exc:  # sent to the parent, which raises it there
        result = ("error", exc)
    finally:
        index.close()
    usage = ChildUsage(0, 0.0)
    if resource is not None:
        own = resource.getrusage(resource.RUSAGE_SELF)
        usage = ChildUsage(own.ru_maxrss * _MAXRSS_BYTES, own.ru_utime + own.ru_stime)
    try:
        pipe.send((*result, usage))
    except Exception as exc:  # an exception that cannot be pickled: its words at least
        pipe.send(("error", ProviderError(str(exc) or type(exc).__name__), usage))
    pipe.close()


class _Terminated(BaseException):
    """The indexing process was asked to end (SIGTERM: the refresh was cancelled)."""


def _terminated(signum: int, frame: object) -> None:  # pragma: no cover - in the child
    raise _Terminated


def _context() -> multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext:
    # multiprocessing is imported with the first refresh of the film list, not with the
    # provider, whose discovery is on the way to the window's first list.
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        # Imported once in the server, inherited by every child it forks.
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")


def start_server() -> None:
    """Start the fork server now, so that the first :func:`index_in_child` does not wait for it.

    The server is an interpreter that imports the film list modules: 0.4 s here, which the
    first refresh of a session would add to its indexing. The provider calls this on a worker
    thread while a list downloads. It does nothing where children are spawned (Windows) or the
    server runs already; a server that cannot start now is only logged (``index_in_child``
    tries again and says what fails).
    """
    from multiprocessing import context, forkserver

    if not isinstance(_context(), context.ForkServerContext):
        return

    try:
        forkserver.ensure_running()
    except (OSError, RuntimeError) as exc:
        log.debug("the film list indexing server did not start ahead: %s", exc)


def _end(process: multiprocessing.process.BaseProcess) -> None:
    """Wait for the child; kill it if it does not end (a terminate lands after a long SQL step)."""
    process.join(_JOIN_SECONDS)
    if process.is_alive():
        process.kill()
        process.join(_JOIN_SECONDS)


async def index_in_child(
    operation: Operation,
    index_path: Path,
    source: Path,
    *,
    url: str,
    etag: str | None,
    last_modified: str | None,
    now: datetime | None,
    report: Callable[[ChildUsage], None] | None = None,
) -> Applied:
    """Run ``FilmIndex(index_path).<operation>(source, ...)`` in a child process.

    Raises:
        FilmListError: The list is not usable (raised in the child, raised again here).
        ProviderError: The child did not start, or ended without an answer (killed, out of
            memory).
        OSError, sqlite3.Error: As the method raises them.

    Args:
        report: Called with what the child used (the benchmark reads its peak memory).
    """
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=_child_main,
        args=(sending, operation, str(index_path), str(source), url, etag, last_modified, now),
        name="film list indexing",
        daemon=True,
    )
    try:
        await asyncio.to_thread(process.start)
    except (OSError, EOFError, RuntimeError) as exc:
        # No process (out of processes, a fork server that died as it started: EOFError).
        receiving.close()
        reason = str(exc) or type(exc).__name__
        raise ProviderError(
            f"The film list could not be indexed: the indexing process did not start ({reason}); "
            "the old index is kept."
        ) from exc
    finally:
        sending.close()  # the child holds its own end; ours must go so that recv sees its exit
    answered = False
    try:
        try:
            status, value, usage = await asyncio.to_thread(receiving.recv)
            answered = True
        except EOFError:
            await asyncio.to_thread(process.join, _JOIN_SECONDS)
            raise ProviderError(
                "The film list could not be indexed: the indexing process ended without an "
                f"answer (exit code {process.exitcode}); the old index is kept."
            ) from None
    except BaseException:
        if process.is_alive():
            process.terminate()  # cancelled (the app quits): the live index stays whole
        raise
    finally:
        receiving.close()
        await asyncio.shield(asyncio.to_thread(_end, process))
        if not answered and operation == "replace" and process.exitcode is not None:
            # Killed before it could remove what it had begun (a terminated one removes it
            # itself): the half-built file goes now, not at the next refresh.
            remove_unfinished(index_path)
    log.info(
        "film list indexing (%s) used %.1f CPU-s, at most %d MB",
        operation,
        usage.cpu_seconds,
        usage.peak_rss >> 20,
    )
    if report is not None:
        report(usage)
    if status == "error":
        assert isinstance(value, BaseException)
        raise value
    assert isinstance(value, Applied)
    return value
