"""The async engine over one SQLite file, and the migrations applied when it opens.

Opening also deals with the two ways a database file can stand in the way at start:

- **Damaged or not ours** (garbage, zeros, a truncated file, another program's SQLite file):
  the file is renamed aside as ``<name>.corrupt-<time>`` with its ``-wal`` and ``-shm``, a new
  database is created, and a sentence saying so goes to the caller's ``notices``. Never
  deleted, never silently emptied.
- **Held by another program** (a database browser in a write transaction, a backup tool):
  every connection waits up to the busy timeout; after that the error is
  :class:`DatabaseBusyError`, a sentence, instead of SQLite's "database is locked".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import Connection, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.durable import set_aside

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

# The newest migration. Checked against alembic's own answer by a test; knowing it here lets a
# start-up with an up-to-date database skip importing alembic (a quarter of a second).
HEAD_REVISION = "0007"
MIGRATIONS = Path(__file__).with_name("migrations")
# How long a statement waits for another program's lock before giving up. Long enough for a
# backup tool's or a second process's transaction; short enough that a stuck one is reported.
BUSY_TIMEOUT_MS = 5000
# Tables every database of ours has had since the first revision.
_OUR_TABLES = frozenset({"series", "episode", "download_queue"})
# Result codes (the low byte of SQLite's extended codes) that mean the file itself is damaged.
_DAMAGED = {
    sqlite3.SQLITE_CORRUPT: "it is damaged",
    sqlite3.SQLITE_NOTADB: "it is not a database file",
}
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class DatabaseBusyError(AniworldError):
    """Another program held the database longer than the busy timeout; nothing was written.

    Attributes:
        path: The database file.
    """

    def __init__(self, path: Path, timeout_ms: int) -> None:
        super().__init__(
            f"Another program is using the library database {path} and did not let go of it "
            f"within {timeout_ms / 1000:g} seconds, so this change was not saved. Close that "
            "program (a database browser, a backup tool, another Aniworld Desktop on the same "
            "profile) and try again."
        )
        self.path = path


class DatabaseTooNewError(AniworldError):
    """The database was written by a newer version of the app; it is left as it is."""


class _Unusable(Exception):
    """The file is not a database we can open: damaged, or another program's."""


def _sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code behind ``exc`` (wrapped by SQLAlchemy or not)."""
    seen: BaseException | None = exc
    while seen is not None:
        code = getattr(seen, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
        seen = getattr(seen, "orig", None) or seen.__cause__
    return None


def is_busy(exc: BaseException) -> bool:
    """True when ``exc`` is SQLite's "database is locked" (another connection holds it)."""
    return _sqlite_code(exc) in _BUSY


def _on_error(path: Path, timeout_ms: int, context: ExceptionContext) -> None:
    """Turn "database is locked", after the busy timeout, into a sentence (handle_error)."""
    if is_busy(context.original_exception):
        raise DatabaseBusyError(path, timeout_ms) from context.original_exception


def _on_connect(dbapi_connection: Any, _record: Any, *, timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    cursor = dbapi_connection.cursor()
    # First, so that the statements below wait for another program's lock too.
    cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
    # WAL lets the UI read while a download commits; NORMAL is crash-safe in WAL mode (a power
    # loss may drop the last commits, never corrupt the file).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> AsyncEngine:
    """An engine on ``path`` with WAL, foreign keys and a busy timeout on every connection.

    A statement that still finds the database locked after ``busy_timeout_ms`` raises
    :class:`DatabaseBusyError`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}",
        connect_args={"timeout": busy_timeout_ms / 1000},
    )
    event.listen(engine.sync_engine, "connect", partial(_on_connect, timeout_ms=busy_timeout_ms))
    event.listen(engine.sync_engine, "handle_error", partial(_on_error, path, busy_timeout_ms))
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


def known_revisions() -> frozenset[str]:
    """The revisions this version can migrate from: the migration files' numbers."""
    names = os.listdir(MIGRATIONS / "versions")
    return frozenset(n[:4] for n in names if n.endswith(".py") and n[:4].isdigit())


def _check_ours(connection: Connection, path: Path) -> None:
    """Raise unless the database is empty (new) or one of ours at a revision we know.

    Raises:
        _Unusable: Another program's database (tables, but not ours).
        DatabaseTooNewError: Ours, from a newer version: left alone, the user decides.
    """
    tables = set(
        connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars()
    )
    if not tables:
        return
    revision = stored_revision(connection) if "alembic_version" in tables else None
    if revision is not None and revision in known_revisions():
        return
    if revision is not None and tables >= _OUR_TABLES:
        raise DatabaseTooNewError(
            f"The library database {path} was written by a newer version of Aniworld Desktop "
            f"(schema {revision}; this version knows up to {HEAD_REVISION}). Update the app, "
            "or start this one with another --profile; the database was left as it is."
        )
    raise _Unusable("it holds another program's data")


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


def _migrate(path: Path, busy_timeout_ms: int) -> None:
    engine = sqlalchemy.create_engine(
        f"sqlite:///{path}", connect_args={"timeout": busy_timeout_ms / 1000}
    )
    event.listen(engine, "connect", partial(_on_connect, timeout_ms=busy_timeout_ms))
    event.listen(engine, "handle_error", partial(_on_error, path, busy_timeout_ms))
    try:
        with engine.begin() as connection:
            _check_ours(connection, path)
            _upgrade(connection)
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        damage = _DAMAGED.get(_sqlite_code(exc) or -1)
        if damage is not None:
            raise _Unusable(damage) from exc
        raise
    finally:
        engine.dispose()


def migrate_file(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> str | None:
    """:func:`migrate` for the file at ``path``, with a blocking connection of its own.

    Run in a worker thread: a first start creates the schema (a quarter of a second), which on
    the event loop would freeze the window that is about to appear.

    Returns:
        None, or when the file was damaged or another program's, the sentence telling the user
        that it was set aside and a new database started.

    Raises:
        DatabaseBusyError: Another program held the file for longer than the busy timeout.
        DatabaseTooNewError: A newer version of the app wrote it.
        AniworldError: The file is unusable and could not be set aside.
        SQLAlchemyError, OSError: It could not be opened at all (a folder, no permission).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wal = path.with_name(path.name + "-wal")
    # SQLite deletes a write-ahead log it cannot use when it closes the file; a second name
    # for it keeps its bytes until we know whether the database was ours.
    keep = _second_name(wal)
    try:
        _migrate(path, busy_timeout_ms)
    except _Unusable as exc:
        reason = str(exc)
    except BaseException:
        _drop(keep)
        raise
    else:
        _drop(keep)  # ours: the log is SQLite's to keep or to fold in
        return None
    try:
        kept = set_aside(path, "corrupt", companions=("-wal", "-shm", "-journal"))
        if keep is not None and keep.exists():
            keep_target = kept.with_name(kept.name + "-wal")
            if keep_target.exists():
                keep.unlink()
            else:
                os.rename(keep, keep_target)
    except OSError as exc:
        raise AniworldError(
            f"The library database {path} cannot be used ({reason}), and it could not be "
            f"moved aside: {exc.strerror or exc}. Move it away yourself, or start with "
            "another --profile."
        ) from None
    log.warning("database %s: %s; kept as %s, starting a new one", path, reason, kept)
    _migrate(path, busy_timeout_ms)
    return (
        f"The library database {path} could not be used: {reason}. It was kept as {kept.name} "
        "in the same folder, and a new, empty database was started. Follow your series again; "
        "the files already in the library are found by the next scan."
    )


def _second_name(file: Path) -> Path | None:
    """A hard link to ``file`` (hidden, beside it), or None when it is missing or links fail."""
    if not file.exists():
        return None
    link = file.with_name(f".{file.name}.keep")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()  # left by a crash at the last start
    try:
        os.link(file, link)
    except OSError:
        return None
    return link


def _drop(link: Path | None) -> None:
    if link is not None:
        with contextlib.suppress(OSError):
            link.unlink()


async def open_database(
    path: Path, *, notices: list[str] | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> AsyncEngine:
    """Apply migrations (on a worker thread), then create the engine; the caller disposes it.

    Args:
        path: The database file; created when missing.
        notices: Receives a sentence for the user when the file was unusable and set aside.
        busy_timeout_ms: How long a statement waits for another program's lock.
    """
    notice = await asyncio.to_thread(migrate_file, path, busy_timeout_ms=busy_timeout_ms)
    if notice is not None and notices is not None:
        notices.append(notice)
    return create_engine(path, busy_timeout_ms=busy_timeout_ms)
