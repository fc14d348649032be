"""Repositories: the only code that speaks SQL. Each call is one unit of work on its own connection.

Big reads use Core selects of the needed columns, streamed in partitions so the event loop is
never blocked for long; big writes use executemany inserts (the ORM's ``add_all`` sends one
``INSERT ... RETURNING`` per row, twenty times slower here).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import bindparam, delete, func, or_, select, text, update
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.queue import QueueItem, QueueRequest
from aniworld_desktop.core.status import ACTIVE_STATUSES, DONE_STATUSES, DownloadStatus
from aniworld_desktop.storage.database import BUSY_TIMEOUT_MS, DatabaseBusyError, is_busy
from aniworld_desktop.storage.tables import (
    ACTIVE_SQL,
    episode_table,
    queue_table,
    series_table,
)

BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000
LOAD_PARTITION = 2000  # rows handed to the loop at a time while loading the queue


@dataclasses.dataclass(frozen=True, slots=True)
class RecentQueue:
    """The queue without its older history: what :meth:`QueueRepository.load_recent` reads.

    Attributes:
        items: Every row still to do or failed, and the done ones (completed, cancelled)
            queued last, in priority order.
        earlier: The done rows left out, counted by state.
        top_position: The highest position of any row, those left out too (0: no rows).
    """

    items: list[QueueItem]
    earlier: Counter[DownloadStatus]
    top_position: int


class QueueRepository(Protocol):
    """What DownloadService needs from storage; tests of the service use an in-memory fake."""

    async def load(self) -> list[QueueItem]: ...

    async def load_recent(self, done_limit: int) -> RecentQueue: ...

    async def count_done(self) -> Counter[DownloadStatus]: ...

    async def reset_interrupted(self) -> int: ...

    async def insert(
        self, requests: Sequence[QueueRequest], first_position: int
    ) -> list[QueueItem]: ...

    async def save(self, items: Sequence[QueueItem]) -> None: ...

    async def save_progress(
        self, item_id: int, bytes_done: int, bytes_total: int | None
    ) -> None: ...

    async def delete(self, ids: Sequence[int]) -> None: ...


_QUEUE_COLUMNS = (
    queue_table.c.id,
    queue_table.c.episode_id,
    episode_table.c.series_id,
    episode_table.c.season,
    episode_table.c.number,
    series_table.c.title,
    episode_table.c.title,
    queue_table.c.url,
    queue_table.c.destination,
    queue_table.c.status,
    queue_table.c.position,
    queue_table.c.bytes_done,
    queue_table.c.bytes_total,
    queue_table.c.error,
    queue_table.c.attempts,
    queue_table.c.created_at,
    queue_table.c.finished_at,
    queue_table.c.permanent,
    queue_table.c.expected_size,
    queue_table.c.etag,
    queue_table.c.last_modified,
)


def _queue_select() -> Any:
    return (
        select(*_QUEUE_COLUMNS)
        .join_from(queue_table, episode_table, queue_table.c.episode_id == episode_table.c.id)
        .join(series_table, episode_table.c.series_id == series_table.c.id)
    )


_DONE_VALUES = sorted(status.value for status in DONE_STATUSES)


def _recent_select(done_limit: int) -> Any:
    """The rows :meth:`SqlQueueRepository.load_recent` reads, in priority order: every row not
    done, and the ``done_limit`` done ones queued last."""
    return (
        _queue_select()
        .where(
            or_(
                queue_table.c.status.not_in(_DONE_VALUES),
                queue_table.c.id.in_(_latest_done_ids(done_limit)),
            )
        )
        .order_by(queue_table.c.position)
    )


def _latest_done_ids(done_limit: int) -> Any:
    """Ids of the ``done_limit`` done rows queued last (ids grow with every new row, and
    downloads end in about the order they were queued).

    Read backwards through the table itself, which stops after that many: SQLite's planner
    otherwise goes through the state index and sorts every done row (0.2 s at 82,000 of them,
    half of the whole read's time); ``NOT INDEXED`` has no SQLAlchemy spelling.
    """
    done = ", ".join(f"'{value}'" for value in _DONE_VALUES)  # the enum's own values
    return (
        text(
            f"SELECT id FROM download_queue NOT INDEXED WHERE status IN ({done}) "
            "ORDER BY id DESC LIMIT :done_limit"
        )
        .bindparams(done_limit=done_limit)
        .columns(queue_table.c.id)
    )


def _done_counts_select() -> Any:
    """How many done rows there are, by state (one row per state)."""
    return (
        select(queue_table.c.status, func.count())
        .where(queue_table.c.status.in_(_DONE_VALUES))
        .group_by(queue_table.c.status)
    )


def _top_position_select() -> Any:
    return select(func.coalesce(func.max(queue_table.c.position), 0))


def _earlier(items: Sequence[QueueItem], done: Sequence[Sequence[Any]]) -> Counter[DownloadStatus]:
    """The done rows counted in ``done`` (state, count) that ``items`` leaves out."""
    earlier = Counter({_STATUS_BY_VALUE[row[0]]: row[1] for row in done})
    earlier.subtract(item.status for item in items if item.status in DONE_STATUSES)
    return +earlier


def _item_from_row(row: Sequence[Any]) -> QueueItem:
    return QueueItem(
        id=row[0],
        episode_id=row[1],
        key=EpisodeKey(row[2], row[3], row[4]),
        series_title=row[5],
        title=row[6],
        url=row[7],
        destination=row[8],
        status=DownloadStatus(row[9]),
        position=row[10],
        bytes_done=row[11],
        bytes_total=row[12],
        error=row[13],
        attempts=row[14],
        created_at=row[15],
        finished_at=row[16],
        permanent=bool(row[17]),
        expected_size=row[18],
        etag=row[19],
        last_modified=row[20],
    )


_STATUS_BY_VALUE = {status.value: status for status in DownloadStatus}


def _load_file(path: Path) -> list[QueueItem]:
    """The queue's rows as items, read with plain sqlite3 (worker thread)."""
    return _read_file(path, None).items


def _compiled(statement: Any) -> str:
    return str(statement.compile(dialect=sqlite_dialect(), compile_kwargs={"literal_binds": True}))


def _read_file(path: Path, done_limit: int | None) -> RecentQueue:
    """:func:`_load_file`, with what a ``done_limit`` left out (worker thread)."""
    if done_limit is None:
        sql = _compiled(_queue_select().order_by(queue_table.c.position))
    else:
        sql = _compiled(_recent_select(done_limit))
    uri = path.resolve().as_uri() + "?mode=ro"
    done: list[Any] = []
    top: int = 0
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)) as conn:
            if done_limit is None:
                rows = conn.execute(sql).fetchall()
            else:
                # One read transaction: the counts and the rows see the same queue.
                conn.execute("BEGIN")
                rows = conn.execute(sql).fetchall()
                done = conn.execute(_compiled(_done_counts_select())).fetchall()
                (top,) = conn.execute(_compiled(_top_position_select())).fetchone()
                conn.rollback()
    except sqlite3.OperationalError as exc:
        if is_busy(exc):  # another program holds it exclusively (not a WAL reader's lock)
            raise DatabaseBusyError(path, BUSY_TIMEOUT_MS) from exc
        raise
    items = _items_of(rows)
    return RecentQueue(items, _earlier(items, done), top)


def _items_of(rows: list[Any]) -> list[QueueItem]:
    # SQLAlchemy's DateTime on SQLite stores "YYYY-MM-DD HH:MM:SS[.ffffff]" (naive, UTC).
    status, stamp, key, item = _STATUS_BY_VALUE, datetime.fromisoformat, EpisodeKey, _QUEUE_ITEM
    new_tuple = tuple.__new__  # EpisodeKey is a NamedTuple: its own __new__ is Python code
    # Positional arguments in QueueItem's field order, and no Python function called per field:
    # the fastest way to build 100k of them (a sixth less CPU than with a function for each
    # timestamp and EpisodeKey's __new__, measured at 100,000 rows).
    return [
        item(r[0], r[1], new_tuple(key, (r[2], r[3], r[4])), r[5], r[6], r[7], r[8],
             status[r[9]], r[10], r[11], r[12], r[13], r[14], stamp(r[15]) if r[15] else None,
             stamp(r[16]) if r[16] else None, bool(r[17]), r[18], r[19], r[20])
        for r in rows
    ]  # fmt: skip


def _slot_constructor(cls: type[Any]) -> Callable[..., Any]:
    """A function that makes a frozen, slotted dataclass ``cls`` from all its fields in order,
    the same object its ``__init__`` makes, twice as fast.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, looked up
    per field; this sets the slots through their descriptors, bound once. Only for classes
    without ``__post_init__`` or field defaults that compute (``default_factory``), whose
    ``__init__`` does nothing else (a test compares the two on every field).
    """
    names = [f.name for f in dataclasses.fields(cls)]
    if hasattr(cls, "__post_init__") or any(
        f.default_factory is not dataclasses.MISSING for f in dataclasses.fields(cls)
    ):
        return cls
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    scope.update((f"set_{name}", getattr(cls, name).__set__) for name in names)
    body = "".join(f"    set_{name}(o, {name})\n" for name in names)
    # The text is made from the dataclass's own field names, as dataclasses makes __init__.
    exec(f"def make({', '.join(names)}):\n    o = new(cls)\n{body}    return o\n", scope)
    return cast(Callable[..., Any], scope["make"])


_QUEUE_ITEM = _slot_constructor(QueueItem)


class SqlQueueRepository:
    """The download queue in SQLite."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load(self) -> list[QueueItem]:
        """Every queue row (active and history) in priority order.

        A file database is read, and its rows made into items, on a worker thread with a
        read-only connection of its own: at 100,000 rows that is over half a second the event
        loop (the window's) would otherwise spend on it.
        """
        path = self._database_file()
        if path is not None:
            return await asyncio.to_thread(_load_file, path)
        return await self.load_streamed()

    def _database_file(self) -> Path | None:
        """The SQLite file the engine reads, which a worker thread can open too (None for an
        in-memory or other database)."""
        path = self._engine.url.database
        if path and path != ":memory:" and self._engine.url.get_backend_name() == "sqlite":
            return Path(path)
        return None

    async def load_streamed(self) -> list[QueueItem]:
        """:meth:`load` through SQLAlchemy on the loop, in partitions (any database)."""
        items: list[QueueItem] = []
        async with self._engine.connect() as conn:
            result = await conn.stream(_queue_select().order_by(queue_table.c.position))
            async for rows in result.partitions(LOAD_PARTITION):
                items.extend(map(_item_from_row, rows))
        return items

    async def load_recent(self, done_limit: int) -> RecentQueue:
        """Every row still to do or failed, and the ``done_limit`` done ones (completed,
        cancelled) queued last; the others are counted, not read.

        The window's start-up: 100,000 rows of history cost it seconds to read and hold, and
        the user looks at the latest ones (``DownloadService.load_earlier`` reads the rest).
        """
        path = self._database_file()
        if path is not None:
            return await asyncio.to_thread(_read_file, path, done_limit)
        return await self.load_recent_streamed(done_limit)

    async def count_done(self) -> Counter[DownloadStatus]:
        """The done rows (completed, cancelled), by state."""
        async with self._engine.connect() as conn:
            done = (await conn.execute(_done_counts_select())).all()
        return _earlier((), done)

    async def load_recent_streamed(self, done_limit: int) -> RecentQueue:
        """:meth:`load_recent` through SQLAlchemy on the loop (any database)."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(_recent_select(done_limit))).all()
            done = (await conn.execute(_done_counts_select())).all()
            top = await conn.scalar(_top_position_select())
        items = [_item_from_row(row) for row in rows]
        return RecentQueue(items, _earlier(items, done), int(top or 0))

    async def reset_interrupted(self) -> int:
        """Items left ``downloading`` by a crash go back to ``pending``; returns how many.

        Asks first, and writes only when there is something to put back: a start that only
        reads (``list``, ``queue``) then works while another program holds the write lock.
        """
        async with self._engine.connect() as conn:
            interrupted = await conn.scalar(
                select(func.count())
                .select_from(queue_table)
                .where(queue_table.c.status == DownloadStatus.DOWNLOADING.value)
            )
        if not interrupted:
            return 0
        async with self._engine.begin() as conn:
            result = await conn.execute(
                update(queue_table)
                .where(queue_table.c.status == DownloadStatus.DOWNLOADING.value)
                .values(status=DownloadStatus.PENDING.value, updated_at=utc_now())
            )
        return result.rowcount

    async def insert(
        self, requests: Sequence[QueueRequest], first_position: int
    ) -> list[QueueItem]:
        """Insert pending rows; rows whose episode already has an active entry are skipped.

        The partial unique index is the final word on duplicates: ``ON CONFLICT DO NOTHING``
        turns a race with another process into a skipped row instead of an IntegrityError.
        """
        if not requests:
            return []
        now = utc_now()
        rows = [
            {
                "episode_id": r.episode_id,
                "status": DownloadStatus.PENDING.value,
                "position": first_position + i,
                "url": r.url,
                "destination": r.destination,
                "bytes_done": 0,
                "bytes_total": r.expected_size,
                "expected_size": r.expected_size,
                "error": "",
                "attempts": 0,
                "permanent": False,
                "created_at": now,
            }
            for i, r in enumerate(requests)
        ]
        statement = sqlite_insert(queue_table).on_conflict_do_nothing(
            index_elements=[queue_table.c.episode_id], index_where=text(ACTIVE_SQL)
        )
        wanted = {r.episode_id for r in requests}
        async with self._engine.begin() as conn:
            # Rows we insert get ids above the current maximum: the write transaction holds the
            # lock, so reading them back by id is exact (ids from a concurrent writer are
            # filtered out by episode below).
            before = (
                await conn.execute(select(func.coalesce(func.max(queue_table.c.id), 0)))
            ).scalar_one()
            await conn.execute(statement, rows)
            result = await conn.execute(
                _queue_select().where(queue_table.c.id > before).order_by(queue_table.c.id)
            )
            inserted = [_item_from_row(row) for row in result if row[1] in wanted]
        return inserted

    async def save(self, items: Sequence[QueueItem]) -> None:
        """Persist the mutable fields of ``items`` in one transaction."""
        if not items:
            return
        now = utc_now()
        params = [
            {
                "b_id": item.id,
                "status": item.status.value,
                "position": item.position,
                "bytes_done": item.bytes_done,
                "bytes_total": item.bytes_total,
                "error": item.error,
                "attempts": item.attempts,
                "permanent": item.permanent,
                "finished_at": item.finished_at,
                "etag": item.etag,
                "last_modified": item.last_modified,
                "updated_at": now,
            }
            for item in items
        ]
        statement = (
            update(queue_table)
            .where(queue_table.c.id == bindparam("b_id"))
            .values(
                status=bindparam("status"),
                position=bindparam("position"),
                bytes_done=bindparam("bytes_done"),
                bytes_total=bindparam("bytes_total"),
                error=bindparam("error"),
                attempts=bindparam("attempts"),
                permanent=bindparam("permanent"),
                finished_at=bindparam("finished_at"),
                etag=bindparam("etag"),
                last_modified=bindparam("last_modified"),
                updated_at=bindparam("updated_at"),
            )
        )
        async with self._engine.begin() as conn:
            await conn.execute(statement, params)

    async def save_progress(self, item_id: int, bytes_done: int, bytes_total: int | None) -> None:
        """Record progress of a running download, and nothing else.

        Only the byte counts are written, and only while the row is still downloading, so a late
        progress write can never overwrite the state a finished or paused item has reached.
        """
        async with self._engine.begin() as conn:
            await conn.execute(
                update(queue_table)
                .where(
                    queue_table.c.id == item_id,
                    queue_table.c.status == DownloadStatus.DOWNLOADING.value,
                )
                .values(bytes_done=bytes_done, bytes_total=bytes_total, updated_at=utc_now())
            )

    async def delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        async with self._engine.begin() as conn:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                await conn.execute(delete(queue_table).where(queue_table.c.id.in_(chunk)))

    async def active_episode_ids(self) -> set[int]:
        async with self._engine.connect() as conn:
            result = await conn.execute(
                select(queue_table.c.episode_id).where(
                    queue_table.c.status.in_([s.value for s in ACTIVE_STATUSES])
                )
            )
            return {row[0] for row in result}


__all__ = ["QueueRepository", "SqlQueueRepository"]
