"""API replies kept in the database, so a re-run of the metadata jobs does not fetch them again."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from aniworld_desktop.storage.database import DatabaseBusyError
from aniworld_desktop.storage.tables import HttpCacheRow

__all__ = ["ReplyCache", "SqlReplyCache"]

log = logging.getLogger(__name__)

_table = cast(Table, HttpCacheRow.__table__)


def _utcnow() -> datetime:
    # Stored naive, in UTC, like every other timestamp of the database.
    return datetime.now(UTC).replace(tzinfo=None)


class ReplyCache(Protocol):
    """Somewhere to keep reply bodies by request. Keys never hold credentials."""

    async def get(self, key: str) -> str | None:
        """The body stored under ``key`` while it is fresh, else None."""
        ...

    async def put(self, key: str, body: str) -> None:
        """Store ``body`` under ``key``, replacing what was there."""
        ...


class SqlReplyCache:
    """A :class:`ReplyCache` in the ``http_cache`` table.

    A storage failure (a locked or read-only database) is logged and treated as a miss: the cache
    only saves requests, it must never fail a metadata job.

    Attributes:
        max_age: How long a stored reply counts as fresh.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        max_age: timedelta,
        *,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        """Use ``engine``'s ``http_cache`` table.

        Args:
            engine: A migrated database.
            max_age: How long a reply stays fresh.
            clock: Naive UTC now; injectable for tests.
        """
        self._engine = engine
        self.max_age = max_age
        self._clock = clock

    async def get(self, key: str) -> str | None:
        """The body stored under ``key`` if it is younger than ``max_age``, else None."""
        query = select(_table.c.body).where(
            _table.c.key == key, _table.c.fetched_at >= self._clock() - self.max_age
        )
        try:
            async with self._engine.connect() as connection:
                body = (await connection.execute(query)).scalar_one_or_none()
        except (SQLAlchemyError, DatabaseBusyError) as exc:  # a cache: never worth failing for
            log.warning("reply cache unreadable, fetching again: %s", type(exc).__name__)
            return None
        return body

    async def put(self, key: str, body: str) -> None:
        """Store ``body`` under ``key`` with the current time."""
        now = self._clock()
        statement = sqlite_insert(_table).values(key=key, body=body, fetched_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[_table.c.key], set_={"body": body, "fetched_at": now}
        )
        try:
            async with self._engine.begin() as connection:
                await connection.execute(statement)
        except (SQLAlchemyError, DatabaseBusyError) as exc:
            log.warning("reply cache not written: %s", type(exc).__name__)

    async def purge(self) -> int:
        """Delete the replies older than ``max_age``; returns how many went."""
        statement = delete(_table).where(_table.c.fetched_at < self._clock() - self.max_age)
        async with self._engine.begin() as connection:
            result = await connection.execute(statement)
        return int(result.rowcount or 0)
