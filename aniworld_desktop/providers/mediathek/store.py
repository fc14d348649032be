"""The film list as an indexed SQLite file of its own (``<profile data>/mediathek.sqlite``).

It is a cache of a public list, kept apart from the app's database so that its size (a few
hundred MB) and its rebuilds never touch the user's library or its migrations. Plain ``sqlite3``,
called from worker threads: the bulk load of several hundred thousand rows is one C loop
(``executemany``) per batch, which an async ORM would only slow down.

- A full list is built into ``mediathek.sqlite.new`` (no journal: a crash leaves only that file,
  which the next build overwrites) and renamed over the live file once it is complete, so a bad
  download, a truncated file or a crash keeps the old index whole. Its film search index is
  built beside the other indexes, on a second core, in ``mediathek.sqlite.new-search``
  (:class:`~.building.SearchBuild`), and copied in.
- A diff list is applied in one transaction on the live file: each film replaces the one with
  the same id (MediathekView's identity: channel, topic and URL), the rest are added; any error
  rolls it all back. Its films go to small tables of their own (``film_new`` and its search
  index), which hide the full list's row of the same id: a diff writes a few megabytes in one
  place instead of touching pages all over the big table's three indexes, each journaled and
  synced (10,000 films on 700,000, in this process: 1.9-2.2 -> 0.7-0.8 s, 1.0-1.4 -> 0.7 CPU-s).
  Every read is one statement over both; the next full list (needed every morning: a diff
  applies only to the day's) starts them empty.
- Search: an FTS5 index over topic and title (word prefixes, accents folded), a B-tree index
  over (topic, channel) for the films of a followed topic.

A file from an older layout (``SCHEMA``) or one SQLite cannot read counts as no index: the next
refresh builds a new one.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aniworld_desktop.durable import fsync_folder
from aniworld_desktop.providers.mediathek.building import (
    PACER_STEPS,
    Pacer,
    SearchBuild,
    Syncing,
    remove_database,
    search_scratch,
)
from aniworld_desktop.providers.mediathek.filmlist import (
    Film,
    FilmListError,
    FilmListHeader,
    FilmListReader,
    ReadCounts,
)

log = logging.getLogger(__name__)

SCHEMA = "4"  # 2: search index without column sizes; 3: ord from id, detail=column; 4: film_new
INDEX_FILE = "mediathek.sqlite"
_BUSY_MS = 10_000
_SEQUENCE_BITS = 24  # ``ord`` is (aired << 24) | id: unique, and in time order
# The reader's films as they come (``id`` counts itself up).
_INSERT = (
    f"INSERT INTO film ({', '.join(Film._fields)}) VALUES ({', '.join('?' * len(Film._fields))})"
)
# A diff's films, in ``film_new``: one that is there already (an earlier diff of the day) is
# replaced whole, with the id it had. Its id is the full list's film's when it replaces one
# (so its place among films of the same moment stays), else the next of ``sequence``.
_ADD_NEW = (
    f"INSERT INTO film_new (id, {', '.join(Film._fields)}) "
    f"VALUES ({', '.join('?' * (1 + len(Film._fields)))})"
)
_PUT_NEW = _ADD_NEW.replace("INSERT", "INSERT OR REPLACE", 1)
# How a diff's films are stored now, by their keys (a JSON array: one statement per batch): in
# the diff's table, and in the full list's (only its id: the row is hidden, never written).
_STORED_NEW = (
    "SELECT key, id, aired, topic, title FROM film_new "
    "WHERE key IN (SELECT value FROM json_each(?))"
)
_STORED = "SELECT key, id FROM film WHERE key IN (SELECT value FROM json_each(?))"


def _columns(table: str) -> str:
    return ", ".join(f"{table}.{column}" for column in Film._fields)


_SELECT = f"SELECT {_columns('film')} FROM film"
_SELECT_NEW = f"SELECT {_columns('film_new')} FROM film_new"
# A full list's film that a diff replaced: its row stays, hidden by the one in film_new.
_SHOWN = "NOT EXISTS (SELECT 1 FROM film_new WHERE film_new.key = film.key)"

# ``id`` is the insertion order, so the bulk load appends to the table instead of writing all
# over it (measured: a quarter faster, a quarter smaller); ``key`` is MediathekView's identity,
# unique (a film listed twice is kept once: see _KEY_INDEX); ``ord`` orders by broadcast time
# and is the search index's rowid, so "newest first" reads the index backwards and stops after
# the first page instead of sorting every match. ``ord`` is computed from ``aired`` and ``id``
# (a virtual column: nothing stored, and the reader's films go to ``executemany`` as they are,
# without a Python step per film that made a row with its running number).
# The columns of a film after ``id`` and ``key``, in both film tables (see ``film_new``).
_FILM_COLUMNS = """
    channel TEXT NOT NULL,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    day TEXT NOT NULL,
    aired INTEGER NOT NULL,
    duration TEXT NOT NULL,
    size_mb INTEGER NOT NULL,
    url TEXT NOT NULL,
    small TEXT NOT NULL,
    hd TEXT NOT NULL,
    subtitle_url TEXT NOT NULL,
    website TEXT NOT NULL,
    geo TEXT NOT NULL,
    new INTEGER NOT NULL,
    ord INTEGER GENERATED ALWAYS AS ((aired << 24) | id) VIRTUAL
"""
_TABLES = f"""
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE film (id INTEGER PRIMARY KEY, key INTEGER NOT NULL, {_FILM_COLUMNS});
CREATE TABLE topic (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    topic TEXT NOT NULL,
    films INTEGER NOT NULL,
    latest INTEGER NOT NULL
);
CREATE TABLE film_new (id INTEGER PRIMARY KEY, key INTEGER NOT NULL UNIQUE, {_FILM_COLUMNS});
CREATE UNIQUE INDEX film_new_ord ON film_new (ord);
CREATE INDEX film_new_topic ON film_new (topic COLLATE NOCASE, channel COLLATE NOCASE, aired);
CREATE VIRTUAL TABLE film_new_search USING fts5 (
    topic, title, columnsize=0, detail=column, tokenize='unicode61 remove_diacritics 2'
);
"""
# The topic table from the film table: read from film_topic alone, which holds ``aired`` for it
# (0.8 -> 0.25 CPU-s at 700,000 films, and a programme's films come out of it in time order).
_TOPIC_COUNTS = """
SELECT channel, topic, count(*), max(aired) FROM film
GROUP BY topic COLLATE NOCASE, channel COLLATE NOCASE
"""
# Made after the bulk load: building an index once over all rows is cheaper than keeping it
# up to date row by row (the key index, filled film by film at random places, took 7.9 of the
# bulk insert's CPU-seconds at 700,000 films; built afterwards 4.4 + 1.5). A film listed twice
# fails the unique index: then all but its first entry are deleted and the index made again.
_KEY_INDEX = "CREATE UNIQUE INDEX film_key ON film (key)"
# The new file's journal while its indexes are made: a reader beside the writer (SearchBuild).
# SQLite answers with the mode it is in, which stays the old one where WAL cannot be had.
_BESIDE_MODE = "PRAGMA journal_mode = WAL"
_FIRST_OF_EACH_KEY = "DELETE FROM film WHERE id NOT IN (SELECT min(id) FROM film GROUP BY key)"
_INDEXES = f"""
CREATE UNIQUE INDEX film_ord ON film (ord);
CREATE INDEX film_topic ON film (topic COLLATE NOCASE, channel COLLATE NOCASE, aired);
INSERT INTO topic (channel, topic, films, latest) {_TOPIC_COUNTS};
CREATE UNIQUE INDEX topic_name ON topic (topic COLLATE NOCASE, channel COLLATE NOCASE);
CREATE VIRTUAL TABLE topic_search USING fts5 (
    topic, content='topic', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO topic_search (topic_search) VALUES ('rebuild');
CREATE TRIGGER topic_added AFTER INSERT ON topic BEGIN
    INSERT INTO topic_search (rowid, topic) VALUES (new.id, new.topic);
END;
CREATE TRIGGER topic_removed AFTER DELETE ON topic BEGIN
    INSERT INTO topic_search (topic_search, rowid, topic) VALUES ('delete', old.id, old.topic);
END;
CREATE TRIGGER topic_changed AFTER UPDATE OF topic ON topic BEGIN
    INSERT INTO topic_search (topic_search, rowid, topic) VALUES ('delete', old.id, old.topic);
    INSERT INTO topic_search (rowid, topic) VALUES (new.id, new.topic);
END;
"""
# A diff only adds films to a topic (a film that comes again has the same channel and topic: both
# are part of its identity), so counts grow by the films added and the newest broadcast moves on.
_GROW_TOPIC = """
INSERT INTO topic (channel, topic, films, latest) VALUES (?, ?, ?, ?)
ON CONFLICT (topic COLLATE NOCASE, channel COLLATE NOCASE)
    DO UPDATE SET films = films + excluded.films, latest = max(latest, excluded.latest)
"""
# A word of a query as the search index's tokenizer (unicode61) sees one: letters and digits, so
# never two tokens in one quoted word (the film search index keeps no positions: a phrase of two
# tokens is an error there). Python counts a few letters more than SQLite's tables do (New Tai
# Lue's vowel signs, two Vedic signs; test_store checks every letter against the SQLite in use):
# they separate words here as they do in the index.
_WORD = re.compile(r"[^\W_\u19b0-\u19c0\u19c8\u19c9\u1cf2\u1cf3]+")


@dataclass(frozen=True, slots=True)
class ListState:
    """What the index knows of one of the two lists (full or diff) it was built from.

    Attributes:
        url: Where it was downloaded.
        etag: The server's ETag, for the next conditional request.
        last_modified: The server's Last-Modified, likewise.
        created: When MediathekView made that list (UTC), when known.
        applied: When it was applied here (UTC).
    """

    url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    created: datetime | None = None
    applied: datetime | None = None


@dataclass(frozen=True, slots=True)
class IndexState:
    """The index as a whole.

    Attributes:
        films: How many films it holds.
        full: The full list it was built from.
        diff: The last diff list applied on top (empty ``url`` when none since the full one).
        checked: When the lists were last asked for (UTC), changed or not.
    """

    films: int
    full: ListState
    diff: ListState
    checked: datetime | None


@dataclass(frozen=True, slots=True)
class Applied:
    """The result of applying a list.

    Attributes:
        header: The list's header.
        counts: Films kept and skipped.
        films: Films in the index afterwards.
    """

    header: FilmListHeader
    counts: ReadCounts
    films: int


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """A programme the search found: what a user follows.

    Attributes:
        channel: The broadcaster.
        topic: The programme.
        films: How many films of it the index holds.
        latest: The newest broadcast (seconds since the epoch), 0 when unknown.
    """

    channel: str
    topic: str
    films: int
    latest: int


class FilmIndex:
    """The indexed film list in one SQLite file; every method blocks (call it from a thread).

    Attributes:
        path: The live index file.
        damaged: A read found the live file damaged (SQLite's SQLITE_CORRUPT or NOTADB): it
            answers nothing until a full list replaces it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.damaged = False
        self._lock = threading.Lock()  # the read connection, and the swap that closes it
        self._write_lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        self._reader_identity: tuple[int, int] | None = None

    # -- reading -----------------------------------------------------------------------------

    def _read(self, sql: str, parameters: Iterable[object] = ()) -> list[Any]:
        """Rows of one query on the live file; [] when there is no usable index."""
        with self._lock:
            connection = self._connection()
            if connection is None:
                return []
            try:
                return connection.execute(sql, tuple(parameters)).fetchall()
            except sqlite3.Error as exc:
                # A damaged file: no index (the next full list replaces it), said in the log.
                self._forget_reader()
                log.warning("the film index %s cannot be read: %s", self.path, exc)
                self.damaged = self.damaged or is_damage(exc)
                return []

    def _connection(self) -> sqlite3.Connection | None:
        """The read connection, opened again when the file was replaced under it."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._forget_reader()
            return None
        identity = (stat.st_dev, stat.st_ino)
        if self._reader is not None and identity == self._reader_identity:
            return self._reader
        self._forget_reader()
        try:
            connection = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                check_same_thread=False,
                isolation_level=None,
            )
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            schema = connection.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        except sqlite3.Error as exc:
            log.warning("the film index %s cannot be opened: %s", self.path, exc)
            return None
        if schema is None or schema[0] != SCHEMA:
            connection.close()
            return None
        self._reader, self._reader_identity = connection, identity
        return connection

    def _forget_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader, self._reader_identity = None, None

    def close(self) -> None:
        with self._lock:
            self._forget_reader()

    def state(self) -> IndexState | None:
        """What the index holds and where it came from; None when there is no usable index."""
        rows = self._read("SELECT name, value FROM meta")
        if not rows:
            return None
        meta = {str(name): str(value) for name, value in rows}
        return IndexState(
            films=int(meta.get("films", "0")),
            full=_list_state(meta, "full"),
            diff=_list_state(meta, "diff"),
            checked=_time(meta.get("checked", "")),
        )

    def films_of(self, topic: str, channel: str = "") -> list[Film]:
        """Every film of a programme (any channel when ``channel`` is empty), ignoring case."""
        where = "topic = ? COLLATE NOCASE"
        parameters: list[object] = [topic]
        if channel:
            where += " AND channel = ? COLLATE NOCASE"
            parameters.append(channel)
        # One statement, so one snapshot: a diff committed meanwhile is seen whole or not at all.
        sql = (
            f"{_SELECT} WHERE {where} AND {_SHOWN} UNION ALL {_SELECT_NEW} WHERE {where} "
            "ORDER BY aired, key"
        )
        return [_film(row) for row in self._read(sql, parameters * 2)]

    def film(self, key: int) -> Film | None:
        sql = f"{_SELECT_NEW} WHERE key = ? UNION ALL {_SELECT} WHERE key = ? AND {_SHOWN}"
        rows = self._read(sql, (key, key))
        return _film(rows[0]) if rows else None

    def search(self, text: str, *, channel: str = "", limit: int = 50) -> list[Film]:
        """Films whose topic or title has words starting with each word of ``text``, newest first."""
        query = match_query(text)
        if not query:
            return []
        parameters: list[object] = []
        parts = []
        # The full list's films and the diffs', each by its search index's own order (time),
        # so only their first pages are ever read; the newest of both make the page.
        for table, shown in (("film", f" AND {_SHOWN}"), ("film_new", "")):
            part = (
                f"SELECT {_columns(table)}, {table}.ord FROM {table} "
                f"JOIN {table}_search ON {table}.ord = {table}_search.rowid "
                f"WHERE {table}_search MATCH ?{shown}"
            )
            parameters.append(query)
            if channel:
                part += f" AND {table}.channel = ? COLLATE NOCASE"
                parameters.append(channel)
            parts.append(f"SELECT * FROM ({part} ORDER BY {table}_search.rowid DESC LIMIT ?)")
            parameters.append(limit)
        sql = " UNION ALL ".join(parts) + " ORDER BY ord DESC LIMIT ?"
        parameters.append(limit)
        return [_film(row[:-1]) for row in self._read(sql, parameters)]

    def topics(self, text: str, *, channel: str = "", limit: int = 20) -> list[TopicMatch]:
        """Programmes whose name has words starting with each word of ``text``, largest first."""
        query = match_query(text)
        if not query:
            return []
        sql = (
            "SELECT topic.channel, topic.topic, topic.films, topic.latest FROM topic "
            "JOIN topic_search ON topic.id = topic_search.rowid WHERE topic_search MATCH ?"
        )
        parameters: list[object] = [query]
        if channel:
            sql += " AND topic.channel = ? COLLATE NOCASE"
            parameters.append(channel)
        sql += " ORDER BY topic.films DESC, topic.topic LIMIT ?"
        parameters.append(limit)
        return [
            TopicMatch(str(c), str(t), int(n), int(latest))
            for c, t, n, latest in self._read(sql, parameters)
        ]

    def channels(self) -> list[str]:
        rows = self._read("SELECT DISTINCT channel FROM topic ORDER BY channel COLLATE NOCASE")
        return [str(row[0]) for row in rows]

    # -- writing -----------------------------------------------------------------------------

    def replace(
        self,
        source: Path,
        *,
        url: str,
        etag: str | None,
        last_modified: str | None,
        now: datetime | None = None,
    ) -> Applied:
        """Build a new index from the full list in ``source``, then put it in place.

        ``now`` is when the list was asked for (the next refresh counts from it).

        Raises:
            FilmListError: The list is not usable; the old index is untouched.
            OSError: The new file could not be written or put in place (disk full...).
        """
        with self._write_lock:
            building = _building(self.path)
            remove_database(building)
            try:
                applied = self._build(building, source, url, etag, last_modified, now or _now())
                self._swap(building)
            except BaseException:
                remove_database(building)
                raise
            return applied

    def _build(
        self,
        building: Path,
        source: Path,
        url: str,
        etag: str | None,
        last_modified: str | None,
        now: datetime,
    ) -> Applied:
        connection = sqlite3.connect(building, isolation_level=None)
        try:
            # Held open until the connection is closed: closing a file drops the process's
            # POSIX locks on it, SQLite's among them.
            file = open(building, "rb+")  # noqa: SIM115 - closed below, after the connection
        except BaseException:
            connection.close()
            raise
        try:
            # No journal and no syncing while building: a crash leaves a file nobody reads.
            # 8 KiB pages: a tenth less CPU than 4 KiB for these rows (measured), before any table.
            # The indexes' sorts spill to temporary files (SQLite's default), not to memory:
            # the key index took 1.46 s sorting in memory, 0.85-1.1 s with files (which stay in
            # the page cache), and the memory is not the process's.
            connection.executescript(
                "PRAGMA page_size = 8192; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                "PRAGMA cache_size = -65536;"
            )
            connection.executescript(_TABLES)
            started = time.perf_counter()
            connection.execute("BEGIN")
            with FilmListReader(source, what="the full film list") as reader:
                header = reader.header()
                for rows in reader.rows():
                    # The reader's plain tuples: sqlite3 binds an exact tuple's items directly, a
                    # named tuple's through the sequence protocol (measured: the load 0.90 ->
                    # 0.73 CPU-s for 150,000 films, against a Python step per film 0.90).
                    connection.executemany(_INSERT, rows)
                counts = reader.counts
            connection.execute("COMMIT")
            loaded = time.perf_counter()
            # From here on the search index is built by a second connection on another core
            # (SearchBuild), which reads the films while this one writes the B-tree indexes:
            # the write-ahead log lets it.
            (mode,) = connection.execute(_BESIDE_MODE).fetchone()
            connection.execute("PRAGMA wal_autocheckpoint = 0")
            connection.set_progress_handler(Pacer(), PACER_STEPS)
            search = SearchBuild(building, beside=mode.lower() == "wal")
            dropped = 0
            # The table is most of the file: written to the disk while the indexes are made
            # (the syncing thread waits on the disk, not on the interpreter), so that the sync
            # at the end has only the indexes left to write.
            with search, Syncing(file.fileno()):
                try:
                    connection.execute(_KEY_INDEX)
                except sqlite3.IntegrityError:  # a film listed twice: its first entry is kept
                    search.outdated = True  # it read the films before
                    dropped = connection.execute(_FIRST_OF_EACH_KEY).rowcount
                    connection.execute(_KEY_INDEX)
                connection.executescript(_INDEXES)
                search.wait()
                search.put_into(connection)
            connection.set_progress_handler(None, 0)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            log.info(
                "film index built from %s: %s; read and stored in %.1f s, indexed in %.1f s",
                url,
                counts.summary(),
                loaded - started,
                time.perf_counter() - loaded,
            )
            # Every film the reader gave was stored, less those listed twice (a count(*) of
            # the table read an index of 700,000 entries for it: 0.1 s).
            films = counts.films - dropped
            (last,) = connection.execute("SELECT max(id) FROM film").fetchone()
            connection.execute("BEGIN")
            _write_meta(
                connection,
                {
                    "schema": SCHEMA,
                    "films": str(films),
                    "full.url": url,
                    "full.etag": etag or "",
                    "full.last_modified": last_modified or "",
                    "full.created": _stamp(header.created),
                    "full.id": header.list_id,
                    "full.applied": _stamp(now),
                    "checked": _stamp(now),
                    "sequence": str(int(last or 0) + 1),  # the next film's id
                },
            )
            connection.execute("COMMIT")
            connection.execute("PRAGMA journal_mode = DELETE")
            connection.execute("PRAGMA optimize")
            connection.close()
            os.fsync(file.fileno())
        finally:
            connection.close()  # again, after an error (a second close does nothing)
            file.close()
        return Applied(header, counts, int(films))

    def _swap(self, building: Path) -> None:
        """Put the built file in place of the live one."""
        with self._lock:
            self._forget_reader()
            if self.path.exists():
                # A diff interrupted by a crash leaves a hot journal beside the live file; opening
                # it rolls that back now, so the journal can never be played into the new file.
                with contextlib.suppress(sqlite3.Error):
                    stale = sqlite3.connect(self.path)
                    try:
                        stale.execute("SELECT count(*) FROM sqlite_master").fetchone()
                    finally:
                        stale.close()
            os.replace(building, self.path)
            fsync_folder(self.path.parent)
            self.damaged = False

    def apply_diff(
        self,
        source: Path,
        *,
        url: str,
        etag: str | None,
        last_modified: str | None,
        now: datetime | None = None,
    ) -> Applied:
        """Add the films of a diff list, replacing those with the same id, in one transaction.

        Raises:
            FilmListError: The list is not usable, or there is no index to apply it to; the
                index is as before.
        """
        with self._write_lock:
            if self.state() is None:
                raise FilmListError("There is no film index yet to apply the diff list to.")
            connection = sqlite3.connect(self.path, isolation_level=None)
            try:
                connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
                # The full list's films a diff replaces are all over the file: keep the key
                # index's pages it reads. Each ``INSERT OR REPLACE`` keeps a statement journal,
                # a temporary file unless it is in memory (10,000 films: 0.35 -> 0.2 CPU-s).
                # One sync less per commit: the journal still makes it atomic, and a file that a
                # power cut damaged anyway is no index, rebuilt from the next full list.
                connection.execute("PRAGMA cache_size = -65536")
                connection.execute("PRAGMA temp_store = MEMORY")
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.execute("BEGIN IMMEDIATE")
                try:
                    meta = dict(connection.execute("SELECT name, value FROM meta"))
                    sequence = itertools.count(int(meta["sequence"]))
                    with FilmListReader(source, what="the diff film list") as reader:
                        header = reader.header()
                        changes = _DiffFilms(sequence)
                        for batch in reader.batches():
                            changes.write(connection, batch)
                        counts = reader.counts
                    changes.index(connection)
                    connection.executemany(_GROW_TOPIC, changes.topic_rows())
                    total = int(meta["films"]) + changes.added
                    now = now or _now()
                    _write_meta(
                        connection,
                        {
                            "films": str(total),
                            "diff.url": url,
                            "diff.etag": etag or "",
                            "diff.last_modified": last_modified or "",
                            "diff.created": _stamp(header.created),
                            "diff.id": header.list_id,
                            "diff.applied": _stamp(now),
                            "checked": _stamp(now),
                            "sequence": str(next(sequence)),
                        },
                    )
                    connection.execute("COMMIT")
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
            finally:
                connection.close()
            return Applied(header, counts, total)

    def mark_checked(self, when: datetime | None = None) -> None:
        """Remember that the lists were asked for (and had not changed)."""
        with self._write_lock:
            if self.state() is None:
                return
            connection = sqlite3.connect(self.path, isolation_level=None)
            try:
                connection.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
                with connection:
                    _write_meta(connection, {"checked": _stamp(when or _now())})
            finally:
                connection.close()


def is_damage(exc: BaseException) -> bool:
    """SQLite's word for a damaged file (or one that is no database), not a full disk or a lock.

    ``sqlite_errorcode`` is SQLite's extended code (it survives a child process's pickling); its
    low byte is the primary one.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _film(row: tuple[Any, ...]) -> Film:
    """A film from a row of ``_SELECT``."""
    return Film._make(row)


def match_query(text: str) -> str:
    """An FTS5 query for "every word of ``text`` starts a word of the film": ``"ter"* "x"*``.

    Words of one letter are left out (they would match most of the list); each word is quoted,
    so nothing the user types is FTS5 syntax. Anything but letters and digits separates words
    (``_WORD``).
    """
    words = [word for word in _WORD.findall(text.casefold()) if len(word) > 1]
    if not words:
        return ""
    return " ".join(f'"{word}"*' for word in words)


class _DiffFilms:
    """A diff's films, written to ``film_new`` batch by batch; its search index at the end.

    The search index's changes are collected and applied last, in rowid order: FTS5 keeps the
    rows of a transaction in memory only while their rowids ascend, and each step back writes a
    small segment to disk (row by row, in the diff's order, that was 350 µs a film).

    Attributes:
        added: Films that were in neither table before.
    """

    def __init__(self, sequence: Iterator[int]) -> None:
        self.added = 0
        self._sequence = sequence
        # (channel, topic) -> [channel, topic, films added, newest broadcast]
        self._topics: dict[tuple[str, str], list[Any]] = {}
        self._ids: dict[int, int] = {}  # key -> the id its row has or gets
        # film_new_search's row (ord, topic, title) of each key before the diff, and after it
        self._indexed: dict[int, tuple[int, str, str] | None] = {}
        self._final: dict[int, tuple[int, str, str]] = {}

    def write(self, connection: sqlite3.Connection, films: list[Film]) -> None:
        """Put a batch's films in ``film_new``; a film that comes twice is written as it comes
        last."""
        self._look_up(connection, [film.key for film in films if film.key not in self._indexed])
        # Films not in film_new yet are plain inserts (a replace checks every unique index
        # first: 10,000 films 0.22 -> 0.15 CPU-s); the others replace their row.
        fresh: dict[int, tuple[Any, ...]] = {}
        again: dict[int, tuple[Any, ...]] = {}
        for film in films:
            key, channel, topic, aired = film[0], film[1], film[2], film[6]
            # Exact spellings here; the topic table's index merges those that differ in case.
            grows = self._topics.setdefault((channel, topic), [channel, topic, 0, 0])
            grows[3] = max(grows[3], aired)
            film_id = self._ids.get(key)
            if film_id is None:
                film_id = self._ids[key] = next(self._sequence)
                self.added += 1
                grows[2] += 1
            stored = self._indexed[key] is not None or key in self._final
            (again if stored else fresh)[key] = (film_id, *film)
            self._final[key] = ((aired << _SEQUENCE_BITS) | film_id, topic, film[3])
        connection.executemany(_ADD_NEW, fresh.values())
        connection.executemany(_PUT_NEW, again.values())

    def _look_up(self, connection: sqlite3.Connection, keys: list[int]) -> None:
        """Where the films of ``keys`` are now: in film_new (an earlier diff of the day), in the
        full list's table (then they keep its id), or nowhere."""
        if not keys:
            return
        for key, film_id, aired, topic, title in connection.execute(
            _STORED_NEW, (json.dumps(keys),)
        ):
            self._ids[key] = film_id
            self._indexed[key] = ((aired << _SEQUENCE_BITS) | film_id, topic, title)
        rest = [key for key in keys if key not in self._indexed]
        if rest:
            self._ids.update(connection.execute(_STORED, (json.dumps(rest),)).fetchall())
        for key in rest:
            self._indexed[key] = None

    def topic_rows(self) -> list[tuple[str, str, int, int]]:
        """(channel, topic, films added, newest broadcast) for each topic the diff touched."""
        return [(c, t, added, latest) for c, t, added, latest in self._topics.values()]

    def index(self, connection: sqlite3.Connection) -> None:
        """The search index of ``film_new`` as its rows are now."""
        removed: list[tuple[int]] = []
        inserted: list[tuple[int, str, str]] = []
        for key, new in self._final.items():
            old = self._indexed[key]
            if old == new:
                continue
            if old is not None:
                removed.append((old[0],))
            inserted.append(new)
        connection.executemany("DELETE FROM film_new_search WHERE rowid = ?", sorted(removed))
        connection.executemany(
            "INSERT INTO film_new_search (rowid, topic, title) VALUES (?, ?, ?)", sorted(inserted)
        )


def _list_state(meta: Mapping[str, str], which: str) -> ListState:
    return ListState(
        url=meta.get(f"{which}.url", ""),
        etag=meta.get(f"{which}.etag") or None,
        last_modified=meta.get(f"{which}.last_modified") or None,
        created=_time(meta.get(f"{which}.created", "")),
        applied=_time(meta.get(f"{which}.applied", "")),
    )


def _write_meta(connection: sqlite3.Connection, values: Mapping[str, str]) -> None:
    connection.executemany(
        "INSERT INTO meta (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        values.items(),
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(when: datetime | None) -> str:
    return when.isoformat() if when is not None else ""


def _time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def remove_unfinished(path: Path) -> None:
    """Remove what a full build of the index at ``path`` left when its process was killed."""
    remove_database(_building(path))
    remove_database(search_scratch(_building(path)))


def _building(path: Path) -> Path:
    """Where the index at ``path`` is built before it is put in place."""
    return path.with_name(path.name + ".new")
