"""A film list read by a process of its own, beside the indexing process that stores it.

Building the index of the full list is, in one process, one thread's work after another: the
JSON events and a Python step per film (about 5 CPU-s at 700,000 films), then SQLite's inserts
(about 4), then the indexes (about 7), with only the xz decompression on the second core. A
thread for the inserts does not help: sqlite3 gives the interpreter's lock back for each row and
the two threads wait on each other. So the indexing process forks a reading process at the start
(:class:`ReaderProcess`): it decompresses, parses and checks the films and sends them in batches
(pickled lists of plain tuples) through a pipe, while the indexing process only unpickles and
inserts them. The reading and the storing overlap, on two cores.

Only where there is ``fork`` (the indexing process is a fork server's child: one thread, no Qt),
and only from the indexing process (:mod:`.child`); anywhere else the indexing reads the list
itself (:class:`~.filmlist.FilmListReader`), with the same result.

The reading process ends with the list, or when the indexing process stops listening: its next
send fails (the pipe is closed), and a watch thread ends it when the indexing process is gone
(killed while the reader waits on a slow source). The indexing process kills and reaps it when
it stops early itself (an error, a cancelled refresh). A reading process that dies is a
sentence; the old index is kept as for any other error.
"""

from __future__ import annotations

import contextlib
import multiprocessing.connection
import os
import pickle
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows (which has no fork: the reading process is not used there)
    fcntl = None  # type: ignore[assignment]

from aniworld_desktop.providers.mediathek.filmlist import (
    FilmListError,
    FilmListHeader,
    FilmListReader,
    ReadCounts,
)

_PIPE_BYTES = 1 << 20  # Linux's largest pipe for an unprivileged process, by default
_WATCH_SECONDS = 0.25  # how often the reading process checks that its indexing process is there


class ReaderProcess:
    """What :class:`~.filmlist.FilmListReader` gives, read in a forked process.

    Usage as the reader's (``header()``, ``batches()``, ``counts``, a context manager); the
    batches are lists of plain tuples in :class:`~.filmlist.Film`'s order. Starting it forks
    this process: do it before opening files or threads the reading process should not have.

    Attributes:
        counts: What the list held, once the batches are all read.
    """

    def __init__(self, path: Path, *, what: str = "The film list") -> None:
        self._what = what[:1].upper() + what[1:]
        self._header: FilmListHeader | None = None
        self._finished = False
        self.counts = ReadCounts()
        receiving, sending = multiprocessing.connection.Pipe(duplex=False)
        _widen(sending)
        writer = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the reading process (covered through the tests' lists)
            code = 1
            try:
                receiving.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the indexing process's
                _watch(writer)
                _read(path, what, sending)
                code = 0
            finally:
                os._exit(code)
        sending.close()  # the reading process holds its own; ours must go for recv to see EOF
        self._pid: int | None = pid
        self._receiving = receiving

    @property
    def pid(self) -> int | None:
        """The reading process's id, until it is reaped."""
        return self._pid

    def header(self) -> FilmListHeader:
        if self._header is None:
            kind, value = self._receive()
            if kind != "header":  # pragma: no cover - the reading process sends it first
                raise FilmListError(f"{self._what} could not be read (an unexpected answer).")
            assert isinstance(value, FilmListHeader)
            self._header = value
        return self._header

    def batches(self) -> Iterator[list[tuple[object, ...]]]:
        self.header()
        while True:
            kind, value = self._receive()
            if kind == "end":
                assert isinstance(value, ReadCounts)
                self.counts = value
                self._finished = True
                return
            assert isinstance(value, list)
            yield value

    def _receive(self) -> tuple[str, object]:
        try:
            data = self._receiving.recv_bytes()
        except (EOFError, OSError):
            code = self._reap(kill=False)
            raise FilmListError(
                f"{self._what} could not be read: the process reading it ended without an "
                f"answer (exit code {code})."
            ) from None
        kind, value = pickle.loads(data)
        if kind == "error":
            self._finished = True
            assert isinstance(value, BaseException)
            raise value
        return kind, value

    def _reap(self, *, kill: bool) -> int | None:
        """Wait for the reading process (killed first if ``kill``); its exit code."""
        if self._pid is None:
            return None
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Stop listening; the reading process ends (killed if the list was not read to its end)."""
        self._receiving.close()
        self._reap(kill=not self._finished)

    def __enter__(self) -> ReaderProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _widen(connection: multiprocessing.connection.Connection) -> None:
    """A pipe that holds a few batches (Linux; 64 KiB by default, less than one batch).

    With the default the reading process waited while the indexing process inserted each batch:
    the two took turns instead of working at the same time.
    """
    setting = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setting is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(connection.fileno(), setting, _PIPE_BYTES)


def _watch(writer: int) -> None:  # pragma: no cover - runs in the reading process
    """End this process when the indexing process that forked it is gone."""

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(_WATCH_SECONDS):
            if os.getppid() != writer:
                os._exit(1)

    threading.Thread(target=watch, name="film list reader watch", daemon=True).start()


def _read(
    path: Path, what: str, sending: multiprocessing.connection.Connection
) -> None:  # pragma: no cover - runs in the reading process
    def send(kind: str, value: object) -> None:
        sending.send_bytes(pickle.dumps((kind, value), pickle.HIGHEST_PROTOCOL))

    try:
        with FilmListReader(path, what=what) as reader:
            send("header", reader.header())
            for films in reader.batches():
                # Plain tuples: a named tuple pickles as a call of its class, three times slower.
                send("films", list(map(tuple, films)))
            send("end", reader.counts)
    except (BrokenPipeError, ConnectionResetError):
        return  # the indexing process stopped listening: nothing to tell it
    except BaseException as exc:
        try:
            send("error", exc)
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception:  # an exception that cannot be pickled: its words at least
            send("error", FilmListError(str(exc) or type(exc).__name__))
