"""Small named values the app keeps between runs, in the ``app_state`` table.

One row per key, its value as text: the last auto-download time today. The table is declared
with the others in :mod:`aniworld_desktop.storage.tables`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from aniworld_desktop.storage.tables import AppStateRow

__all__ = ["AppStateRepository", "AppStateRow"]

log = logging.getLogger(__name__)


_table = cast(Table, AppStateRow.__table__)


def _utcnow() -> datetime:
    # Stored naive, in UTC, like every other timestamp of the database.
    return datetime.now(UTC).replace(tzinfo=None)


class AppStateRepository:
    """Named values in ``app_state``; times are stored as ISO 8601 text in UTC.

    Storage errors are raised: the caller decides whether a value it cannot read or write may
    be done without.
    """

    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime] = _utcnow) -> None:
        """Use ``engine``'s ``app_state`` table.

        Args:
            engine: A migrated database.
            clock: Naive UTC now, for ``updated_at``; injectable for tests.
        """
        self._engine = engine
        self._clock = clock

    async def get(self, key: str) -> str | None:
        """The value stored under ``key``, or None."""
        async with self._engine.connect() as connection:
            result = await connection.execute(select(_table.c.value).where(_table.c.key == key))
            value: str | None = result.scalar_one_or_none()
        return value

    async def set(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing what was there."""
        now = self._clock()
        statement = sqlite_insert(_table).values(key=key, value=value, updated_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[_table.c.key], set_={"value": value, "updated_at": now}
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def get_time(self, key: str) -> datetime | None:
        """The time stored under ``key`` (UTC, timezone-aware); None if unset or unreadable."""
        text = await self.get(key)
        if text is None:
            return None
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            log.warning("app state %s holds no time (%r); ignored", key, text)
            return None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)

    async def set_time(self, key: str, when: datetime) -> None:
        """Store ``when`` under ``key``; a naive time is taken as UTC."""
        aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        await self.set(key, aware.isoformat())
