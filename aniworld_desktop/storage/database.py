"""The async engine over one SQLite file, and the migrations applied when it opens.

Opening also deals with the two ways a database file can stand in the way at start:

- **Damaged or not ours** (garbage, zeros, a truncated file, another program's SQLite file):
  the file is renamed aside as ``<name>.corrupt-<time>`` with its ``-wal`` and ``-shm``, a new
  database is created, and a sentence saying so goes to the caller's ``notices``. Never
  deleted, never silently emptied.
- **Held by another program** (a database browser in a write transaction, a backup tool):
  every connection waits up to the busy timeout; after that the error is
  :class:`DatabaseBusyError`, a sentence, instead of SQLite's "database is locked".

An upgrade from an older schema runs in **one transaction**, DDL included (pysqlite would
otherwise commit each ``ALTER TABLE`` on its own, and a kill between two of them left a
database no command could open: "duplicate column name"). Before it starts, the file is copied
with SQLite's backup API to ``<name>.before-upgrade`` beside it; the copy is put back when the
upgrade fails, kept when the process dies during it (the next start upgrades again from the
untouched old schema, or restores the copy if the file is damaged), and deleted on success.
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
HEAD_REVISION = "0008"
MIGRATIONS = Path(__file__).with_name("migrations")
# How long a statement waits for another program's lock before giving up. Long enough for a
# backup tool's or a second process's transaction; short enough that a stuck one is reported.
BUSY_TIMEOUT_MS = 5000
# Tables every database of ours has had since the first revision.
_OUR_TABLES = frozenset({"series", "episode", "download_queue"})
# The copy of the database made before an upgrade, beside it: "<name><this>".
BACKUP_SUFFIX = ".before-upgrade"
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


def _on_connect(
    dbapi_connection: Any,
    _record: Any,
    *,
    timeout_ms: int = BUSY_TIMEOUT_MS,
    read_only: bool = False,
) -> None:
    cursor = dbapi_connection.cursor()
    # First, so that the statements below wait for another program's lock too.
    cursor.execute(f"PRAGMA busy_timeout={timeout_ms}")
    if read_only:
        # A reader of a profile another process owns: any write is refused by SQLite itself,
        # not only by our care. WAL is a property of the file; the owner has set it.
        cursor.execute("PRAGMA query_only=ON")
    else:
        # WAL lets the UI read while a download commits; NORMAL is crash-safe in WAL mode (a
        # power loss may drop the last commits, never corrupt the file).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(
    path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, read_only: bool = False
) -> AsyncEngine:
    """An engine on ``path`` with WAL, foreign keys and a busy timeout on every connection.

    A statement that still finds the database locked after ``busy_timeout_ms`` raises
    :class:`DatabaseBusyError`. With ``read_only`` every connection refuses writes
    (``PRAGMA query_only``): for a reader that does not own the profile.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}",
        connect_args={"timeout": busy_timeout_ms / 1000},
    )
    event.listen(
        engine.sync_engine,
        "connect",
        partial(_on_connect, timeout_ms=busy_timeout_ms, read_only=read_only),
    )
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


def _autocommit(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite begins a transaction only before INSERT/UPDATE/DELETE and runs DDL outside one;
    # off with that, and _begin says BEGIN itself, so the DDL is inside the transaction too.
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    # Deferred: a file found not to be ours is only read, and left exactly as it was (a write
    # lock taken at once would stamp it as a WAL database). The profile lock keeps our own
    # writers out; another program that writes in between makes the upgrade's first write
    # wait for the busy timeout, then fail and roll back whole.
    connection.exec_driver_sql("BEGIN")


def _migrate(path: Path, busy_timeout_ms: int) -> None:
    """Check the file is ours and bring it to the newest schema, in one transaction."""
    engine = sqlalchemy.create_engine(
        f"sqlite:///{path}", connect_args={"timeout": busy_timeout_ms / 1000}
    )
    event.listen(engine, "connect", partial(_on_connect, timeout_ms=busy_timeout_ms))
    event.listen(engine, "connect", _autocommit)
    event.listen(engine, "begin", _begin)
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


def backup_path(path: Path) -> Path:
    """Where the copy made before an upgrade of ``path`` lives, until the upgrade succeeds."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def needs_upgrade(path: Path) -> bool:
    """True when ``path`` holds one of our databases at an older revision (asks, writes nothing).

    False for a missing or empty file (created, not upgraded), one at the newest revision or
    at one this version does not know, and one that cannot be read (the start-up's checks deal
    with those).
    """
    revision = _read_revision(path)
    return isinstance(revision, str) and revision != HEAD_REVISION and revision in known_revisions()


def is_current(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> bool:
    """True when ``path`` is a database at the newest revision, ready to read as it is."""
    return _read_revision(path, busy_timeout_ms) == HEAD_REVISION


def _read_revision(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> str | bool | None:
    """The revision ``path`` records; None without one (missing, new); False when unreadable."""
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        # Read-only at the file level: a file that turns out not to be ours is left exactly as
        # it was (with its journal), for migrate_file to set aside.
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_ms / 1000
        )
    except sqlite3.Error:
        return False
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        return None if "no such table" in str(exc) else False
    except sqlite3.DatabaseError:
        return False
    finally:
        connection.close()
    return row[0] if row and isinstance(row[0], str) else None


def _copy_database(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` with SQLite's backup API (consistent, WAL included)."""
    from_db = sqlite3.connect(source)
    try:
        to_db = sqlite3.connect(target)
        try:
            from_db.backup(to_db)
        finally:
            to_db.close()
    finally:
        from_db.close()


def _back_up(path: Path) -> Path:
    """Copy the database to :func:`backup_path` before an upgrade (whole, or not at all)."""
    backup = backup_path(path)
    partial_copy = backup.with_name(backup.name + ".tmp")
    for stale in (partial_copy, partial_copy.with_name(partial_copy.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    _copy_database(path, partial_copy)
    with open(partial_copy, "rb") as file:
        os.fsync(file.fileno())
    os.replace(partial_copy, backup)  # a kill before this leaves the last good copy, if any
    return backup


def _restore(backup: Path, path: Path) -> None:
    """Put the copy made before the upgrade back in place of ``path``'s content."""
    _copy_database(backup, path)
    log.warning("database %s restored from %s", path, backup.name)


def _upgrade_with_backup(path: Path, busy_timeout_ms: int) -> None:
    """:func:`_migrate`, with a copy of an older database taken first and put back on failure."""
    if not needs_upgrade(path):
        _migrate(path, busy_timeout_ms)
        return
    backup = _back_up(path)
    try:
        _migrate(path, busy_timeout_ms)
    except _Unusable:
        raise  # damaged under us: migrate_file sets it aside and restores the copy
    except BaseException as exc:
        # The transaction rolled back already; the copy is for what a transaction cannot
        # cover (a migration that commits on its own, a disk error mid-write).
        try:
            _restore(backup, path)
        except sqlite3.Error as restore_error:
            log.error("restoring %s from %s failed: %s", path, backup, restore_error)
            raise AniworldError(
                f"The library database {path} could not be upgraded ({_reason(exc)}), and "
                f"putting back its copy failed too. The copy is {backup}: close the app and "
                "copy it over the database by hand."
            ) from exc
        if isinstance(exc, AniworldError | sqlite3.Error | DBAPIError | OSError):
            raise AniworldError(
                f"The library database {path} could not be upgraded to this version "
                f"({_reason(exc)}). It was put back as it was; nothing is lost. Report this, "
                "please, with the log file."
            ) from exc
        raise
    with contextlib.suppress(OSError):
        backup.unlink()
    log.info("database upgraded; the copy made before the upgrade was removed")


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return (
        str(orig if isinstance(orig, BaseException) else exc).strip().rstrip(".")
        or type(exc).__name__
    )


def migrate_file(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> str | None:
    """Bring the file at ``path`` to the newest schema, with a blocking connection of its own.

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
        _upgrade_with_backup(path, busy_timeout_ms)
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
    backup = backup_path(path)
    if backup.is_file():
        # An upgrade that never finished left its copy: better than an empty database.
        log.warning("database %s: %s; kept as %s, restoring %s", path, reason, kept, backup.name)
        _restore(backup, path)
        _upgrade_with_backup(path, busy_timeout_ms)
        return (
            f"The library database {path} could not be used: {reason}. It was kept as "
            f"{kept.name} in the same folder, and the copy made before the last upgrade was "
            "put back in its place."
        )
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
    path: Path,
    *,
    notices: list[str] | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    read_only: bool = False,
) -> AsyncEngine:
    """Apply migrations (on a worker thread), then create the engine; the caller disposes it.

    Args:
        path: The database file; created when missing.
        notices: Receives a sentence for the user when the file was unusable and set aside.
        busy_timeout_ms: How long a statement waits for another program's lock.
        read_only: An engine that cannot write; a database already at the newest revision is
            not touched at all (see ``profile_lock.open_profile_database``).
    """
    if not (
        read_only and await asyncio.to_thread(is_current, path, busy_timeout_ms=busy_timeout_ms)
    ):
        notice = await asyncio.to_thread(migrate_file, path, busy_timeout_ms=busy_timeout_ms)
        if notice is not None and notices is not None:
            notices.append(notice)
    return create_engine(path, busy_timeout_ms=busy_timeout_ms, read_only=read_only)
