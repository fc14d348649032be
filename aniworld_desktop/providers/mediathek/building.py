"""The parts of a full film index build that run beside it (see :mod:`.store`).

- :class:`SearchBuild`: the film search index, built by a second connection on another core
  while the build's own connection makes the B-tree indexes, and copied in.
- :class:`Pacer`: a progress handler that lets a busy connection give its core away for a
  moment, so the window's loop always finds one.
- :class:`Syncing`: the new file synced to disk on a thread while the indexes are made.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

# The film search index is filled in ``ord`` order, which FTS5 appends instead of merging; the
# rows are sorted for it (``+ord``: not read through film_ord, which visits the table in a random
# order) and it keeps no column sizes (only ranking uses them): 5.5 -> 3.5 CPU-s at 700,000
# films. It keeps which column a word is in but not where (``detail=column``: prefix searches
# need no positions; 4.0 -> 3.0 CPU-s, and no slower to search; ``detail=none`` would be
# another 0.6 less, but searches took three to four times as long). It has no triggers: it is
# never written after the build (a diff's films have a search index of their own).
_FILM_SEARCH = """
CREATE VIRTUAL TABLE film_search USING fts5 (
    topic, title, content='film', content_rowid='ord', columnsize=0, detail=column,
    tokenize='unicode61 remove_diacritics 2'
)
"""
_FILL_SEARCH = (
    "INSERT INTO film_search (rowid, topic, title) "
    "SELECT ord, topic, title FROM {schema}.film ORDER BY +ord"
)
# While the search index is filled: its leaves the size of a database page (FTS5's default is
# half of one of ours), and all its words gathered in memory before they are written, so it is
# written in a few large segments instead of one per megabyte merged again and again
# (measured at 700,000 films, on this noisy machine: 3.9-4.7 s -> 3.0-3.7 s, 30 MB more memory
# for the moment). The page size stays (it is part of the index's layout); the memory is
# FTS5's default again afterwards.
_SEARCH_PAGE = "INSERT INTO film_search (film_search, rank) VALUES ('pgsz', 8000)"
_SEARCH_MEMORY = "INSERT INTO film_search (film_search, rank) VALUES ('hashsize', {size})"
_BULK_HASH = 32 << 20
_DEFAULT_HASH = 1 << 20


class SearchBuild:
    """The film search index of a new index file, built on a thread of its own.

    A film search index is 3-4 CPU-seconds of SQLite at 700,000 films, the B-tree indexes as
    much again, and one file has one writer at a time: so the thread builds it into a file of
    its own (``<new index>-search``), reading the films from the new index file (in WAL mode,
    beside its writer), and :meth:`put_into` copies its tables into the new index file, which
    then holds the same search index a build in place would have (its shadow tables, row for
    row: a few seconds of tokenizing and sorting become a copy of some 35 MB). SQLite releases
    the interpreter's lock while it works, so the two connections run on two cores.

    When the films changed after the thread read them (a film listed twice was dropped:
    ``outdated``), or the thread or the copy failed, the index is filled in place, as before;
    a real problem (a full disk) then fails the build there. Without ``beside`` (the new file
    could not be put in WAL mode: a file system without shared memory for it, say) no thread
    starts, and the index is filled in place.
    """

    def __init__(self, building: Path, *, beside: bool = True) -> None:
        self._building = building
        self.path = search_scratch(building)
        self.outdated = False
        self._beside = beside
        self._error: BaseException | None = None
        self._connection: sqlite3.Connection | None = None
        self._thread = threading.Thread(target=self._build, name="film search index", daemon=True)

    def __enter__(self) -> SearchBuild:
        remove_database(self.path)
        if self._beside:
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        connection = self._connection
        if exc_info[0] is not None and connection is not None:
            # The build failed: its search index is not wanted (a connection the thread has
            # just closed refuses, which changes nothing).
            with contextlib.suppress(sqlite3.Error):
                connection.interrupt()
        self.wait()
        remove_database(self.path)

    def _build(self) -> None:
        try:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._connection = connection
            try:
                connection.executescript(
                    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;PRAGMA cache_size = -4096;"
                )
                connection.set_progress_handler(Pacer(), PACER_STEPS)
                connection.execute("ATTACH ? AS built", (str(self._building),))
                connection.execute(_FILM_SEARCH)
                _fill_search(connection, "built")
            finally:
                self._connection = None
                connection.close()
        except Exception as exc:  # put_into() sees it, and fills the index in place instead
            self._error = exc

    def wait(self) -> None:
        if self._beside:
            self._thread.join()

    def put_into(self, connection: sqlite3.Connection) -> None:
        """Make ``connection``'s film search index, from the thread's file if it can."""
        connection.execute(_FILM_SEARCH)
        if self._beside and self._error is None and not self.outdated:
            try:
                self._copy(connection)
                return
            except sqlite3.Error as exc:
                self._error = exc
        if self._error is not None:
            log.warning("the film search index is built in place: %s", self._error)
        _fill_search(connection, "main")

    def _copy(self, connection: sqlite3.Connection) -> None:
        connection.execute("ATTACH ? AS search", (str(self.path),))
        try:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM search.sqlite_master WHERE type = 'table' "
                    "AND name LIKE 'film_search%' AND name != 'film_search' ORDER BY name"
                )
            ]
            connection.execute("BEGIN")
            try:
                for table in tables:
                    connection.execute(f"DELETE FROM main.{table}")
                    connection.execute(
                        f"INSERT INTO main.{table} SELECT * FROM search.{table}"
                        + (" WHERE k != 'hashsize'" if table.endswith("_config") else "")
                    )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        finally:
            connection.execute("DETACH search")


def _fill_search(connection: sqlite3.Connection, schema: str) -> None:
    """Fill a new, empty film search index from the films of ``schema``'s film table."""
    connection.execute(_SEARCH_PAGE)
    with contextlib.suppress(sqlite3.OperationalError):  # an SQLite without the setting
        connection.execute(_SEARCH_MEMORY.format(size=_BULK_HASH))
    connection.execute("BEGIN")
    connection.execute(_FILL_SEARCH.format(schema=schema))
    connection.execute("COMMIT")
    with contextlib.suppress(sqlite3.OperationalError):
        connection.execute(_SEARCH_MEMORY.format(size=_DEFAULT_HASH))


# How often a busy building connection looks at the clock: every this many of SQLite's steps
# (a few milliseconds of work at most).
PACER_STEPS = 10_000


class Pacer:
    """A progress handler that gives the CPU away for a moment every ``every`` seconds.

    While the indexes are built, both of this process's connections keep a core busy each; on
    a machine of two cores the window's loop then found no free core for up to 100 ms at a
    time, several times a build (measured here with two busy threads of a nice 10, and even of
    a SCHED_IDLE, process: the scheduler did not preempt them for the loop's thread). A pause of
    a millisecond every 20 ms leaves a core idle often enough for it: measured, the loop's worst
    lateness went from ~100 ms to ~5 ms, for 5 % of one thread's time.
    """

    def __init__(self, every: float = 0.02, pause: float = 0.001) -> None:
        self._every = every
        self._pause = pause
        self._next = time.monotonic() + every

    def __call__(self) -> int:
        now = time.monotonic()
        if now >= self._next:
            time.sleep(self._pause)
            self._next = now + self._pause + self._every
        return 0  # go on


class Syncing:
    """``fsync`` of a file on a thread of its own while the block runs (it waits on the disk).

    A failed sync is only logged: the sync after the build, which must succeed, comes after.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._thread = threading.Thread(target=self._sync, name="film index sync", daemon=True)

    def _sync(self) -> None:
        try:
            os.fsync(self._fd)
        except OSError as exc:
            log.debug("early sync of the new film index failed: %s", exc)

    def __enter__(self) -> Syncing:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._thread.join()


def search_scratch(building: Path) -> Path:
    """Where the search index of the index built at ``building`` is built (SearchBuild)."""
    return building.with_name(building.name + "-search")


def remove_database(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()
