"""The async engine over one SQLite file, and the migrations applied when it opens."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The newest migration. Checked against alembic's own answer by a test; knowing it here lets a
# start-up with an up-to-date database skip importing alembic (a quarter of a second).
HEAD_REVISION = "0005"
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5000


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the UI read while a download commits; NORMAL is crash-safe in WAL mode (a power
    # loss may drop the last commits, never corrupt the file).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def create_engine(path: Path) -> AsyncEngine:
    """An engine on ``path`` with WAL, foreign keys and a busy timeout on every connection."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine.sync_engine, "connect", _on_connect)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def stored_revision(connection: Connection) -> str | None:
    """The schema revision recorded in the database; None for a new (empty) one."""
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:  # no such table: nothing was ever migrated
        return None


def _is_empty(connection: Connection) -> bool:
    return not connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()


def _create_current_schema(connection: Connection) -> None:
    """A new database gets today's schema at once, stamped with the newest revision.

    The same schema as running every migration (a test compares them), without importing
    alembic: a first start is a quarter of a second quicker.
    """
    from aniworld_desktop.storage.tables import Base

    Base.metadata.create_all(connection)
    connection.execute(
        text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    )
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION}
    )


def _upgrade(connection: Connection) -> None:
    current = stored_revision(connection)
    if current == HEAD_REVISION:
        return
    if current is None and _is_empty(connection):
        log.info("creating a new database at revision %s", HEAD_REVISION)
        _create_current_schema(connection)
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    log.info("migrating database from %s to %s", current or "empty", head)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision; a no-op when it already is."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def migrate_file(path: Path) -> None:
    """:func:`migrate` for the file at ``path``, with a blocking connection of its own.

    Run in a worker thread: a first start creates the schema (a quarter of a second), which on
    the event loop would freeze the window that is about to appear.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sqlalchemy.create_engine(
        f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}
    )
    event.listen(engine, "connect", _on_connect)
    try:
        with engine.begin() as connection:
            _upgrade(connection)
    finally:
        engine.dispose()


async def open_database(path: Path) -> AsyncEngine:
    """Apply migrations (on a worker thread), then create the engine; the caller disposes it."""
    await asyncio.to_thread(migrate_file, path)
    return create_engine(path)
